//! Request methods (RFC 3261 §7.1, §27.4 and the extensions that add one).

use super::lex;

/// A request method. Methods are case-sensitive (RFC 3261 §7.1): `invite`
/// is an extension method, not INVITE.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method<'a> {
    /// INVITE (RFC 3261).
    Invite,
    /// ACK (RFC 3261).
    Ack,
    /// BYE (RFC 3261).
    Bye,
    /// CANCEL (RFC 3261).
    Cancel,
    /// OPTIONS (RFC 3261).
    Options,
    /// REGISTER (RFC 3261).
    Register,
    /// PRACK (RFC 3262).
    Prack,
    /// SUBSCRIBE (RFC 6665).
    Subscribe,
    /// NOTIFY (RFC 6665).
    Notify,
    /// PUBLISH (RFC 3903).
    Publish,
    /// INFO (RFC 6086).
    Info,
    /// REFER (RFC 3515).
    Refer,
    /// MESSAGE (RFC 3428).
    Message,
    /// UPDATE (RFC 3311).
    Update,
    /// Any other `token` (RFC 3261 §25.1 `extension-method`).
    Extension(&'a str),
}

impl<'a> Method<'a> {
    /// Recognises a method token. Returns `None` if `s` is not a `token`.
    ///
    /// A known method is told by its length and one compare of its bytes
    /// as a word (two for SUBSCRIBE), rather than byte strings compared in
    /// turn. The compare is exact: methods are case-sensitive (§7.1).
    // Always inlined: its callers (the request line, CSeq) are the
    // parse's hot path, and the call and its spills cost about as much
    // as the compare itself.
    #[inline(always)]
    pub fn from_bytes(s: &'a [u8]) -> Option<Method<'a>> {
        let known = match s.len() {
            3 => match load::<3>(s) {
                ACK => Some(Method::Ack),
                BYE => Some(Method::Bye),
                _ => None,
            },
            4 => (load::<4>(s) == INFO).then_some(Method::Info),
            5 => match load::<5>(s) {
                PRACK => Some(Method::Prack),
                REFER => Some(Method::Refer),
                _ => None,
            },
            6 => match load::<6>(s) {
                INVITE => Some(Method::Invite),
                CANCEL => Some(Method::Cancel),
                NOTIFY => Some(Method::Notify),
                UPDATE => Some(Method::Update),
                _ => None,
            },
            7 => match load::<7>(s) {
                OPTIONS => Some(Method::Options),
                PUBLISH => Some(Method::Publish),
                MESSAGE => Some(Method::Message),
                _ => None,
            },
            8 => (load::<8>(s) == REGISTER).then_some(Method::Register),
            9 => (load::<8>(s) == SUBSCRIB && s.get(8) == Some(&b'E')).then_some(Method::Subscribe),
            _ => None,
        };
        match known {
            Some(m) => Some(m),
            None => Self::extension(s),
        }
    }

    /// Any other method: an `extension-method` token (RFC 3261 §25.1).
    #[inline(never)]
    fn extension(s: &'a [u8]) -> Option<Method<'a>> {
        if !lex::is_token_str(s) {
            return None;
        }
        Some(Method::Extension(lex::ascii_str(s)?))
    }

    /// The method as written on the wire.
    pub fn as_str(&self) -> &'a str {
        match self {
            Method::Extension(s) => s,
            known => known.known_name().unwrap_or_default(),
        }
    }

    /// The name of a method RFC 3261 or its extensions define, as a
    /// `'static` string (builders keep it without copying); `None` for an
    /// extension method.
    pub(crate) fn known_name(&self) -> Option<&'static str> {
        Some(match self {
            Method::Invite => "INVITE",
            Method::Ack => "ACK",
            Method::Bye => "BYE",
            Method::Cancel => "CANCEL",
            Method::Options => "OPTIONS",
            Method::Register => "REGISTER",
            Method::Prack => "PRACK",
            Method::Subscribe => "SUBSCRIBE",
            Method::Notify => "NOTIFY",
            Method::Publish => "PUBLISH",
            Method::Info => "INFO",
            Method::Refer => "REFER",
            Method::Message => "MESSAGE",
            Method::Update => "UPDATE",
            Method::Extension(_) => return None,
        })
    }
}

/// The first `min(len, 8)` bytes of `s` as a little-endian word,
/// zero-padded: what [`load`] reads for a method of that length.
const fn word(s: &[u8]) -> u64 {
    let mut w = 0u64;
    let mut i = 0;
    while i < s.len() && i < 8 {
        w |= (s[i] as u64) << (8 * i);
        i += 1;
    }
    w
}

/// The first `N` (at most eight) bytes of `s` as a little-endian word,
/// zero-padded; 0 if `s` is shorter (no method word is 0).
#[inline(always)]
fn load<const N: usize>(s: &[u8]) -> u64 {
    let mut a = [0u8; 8];
    if let (Some(d), Some(src)) = (a.get_mut(..N), s.get(..N)) {
        d.copy_from_slice(src);
    }
    u64::from_le_bytes(a)
}

const ACK: u64 = word(b"ACK");
const BYE: u64 = word(b"BYE");
const INFO: u64 = word(b"INFO");
const PRACK: u64 = word(b"PRACK");
const REFER: u64 = word(b"REFER");
const INVITE: u64 = word(b"INVITE");
const CANCEL: u64 = word(b"CANCEL");
const NOTIFY: u64 = word(b"NOTIFY");
const UPDATE: u64 = word(b"UPDATE");
const OPTIONS: u64 = word(b"OPTIONS");
const PUBLISH: u64 = word(b"PUBLISH");
const MESSAGE: u64 = word(b"MESSAGE");
const REGISTER: u64 = word(b"REGISTER");
const SUBSCRIB: u64 = word(b"SUBSCRIB");

impl core::fmt::Display for Method<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3261_7_1_methods_are_case_sensitive_tokens() {
        for m in [
            Method::Invite,
            Method::Ack,
            Method::Bye,
            Method::Cancel,
            Method::Options,
            Method::Register,
            Method::Prack,
            Method::Subscribe,
            Method::Notify,
            Method::Publish,
            Method::Info,
            Method::Refer,
            Method::Message,
            Method::Update,
        ] {
            let name = m.as_str().as_bytes();
            assert_eq!(Method::from_bytes(name), Some(m));
            // Any one-byte change, and the name cut or extended, is not it.
            let mut buf = [0u8; 16];
            buf[..name.len()].copy_from_slice(name);
            for i in 0..=name.len() {
                for b in 0..=255u8 {
                    let mut v = buf;
                    v[i] = b;
                    let cand = &v[..name.len().max(i + 1)];
                    if cand == name {
                        continue;
                    }
                    match Method::from_bytes(cand) {
                        Some(Method::Extension(e)) => assert_eq!(e.as_bytes(), cand),
                        None => assert!(!lex::is_token_str(cand)),
                        Some(other) => panic!("{cand:?} taken for {other:?}"),
                    }
                }
            }
            assert_eq!(
                Method::from_bytes(&name[..name.len() - 1]).map(|m| m == Method::Extension("")),
                Some(false)
            );
        }
        assert_eq!(Method::from_bytes(b"invite"), Some(Method::Extension("invite")));
        assert_eq!(Method::from_bytes(b"SUBSCRIBX"), Some(Method::Extension("SUBSCRIBX")));
        assert_eq!(Method::from_bytes(b"SUBSCRIBE "), None);
        assert_eq!(Method::from_bytes(b"ACK\0"), None);
        assert_eq!(Method::from_bytes(b""), None);
    }
}
