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
    pub fn from_bytes(s: &'a [u8]) -> Option<Method<'a>> {
        Some(match s {
            b"INVITE" => Method::Invite,
            b"ACK" => Method::Ack,
            b"BYE" => Method::Bye,
            b"CANCEL" => Method::Cancel,
            b"OPTIONS" => Method::Options,
            b"REGISTER" => Method::Register,
            b"PRACK" => Method::Prack,
            b"SUBSCRIBE" => Method::Subscribe,
            b"NOTIFY" => Method::Notify,
            b"PUBLISH" => Method::Publish,
            b"INFO" => Method::Info,
            b"REFER" => Method::Refer,
            b"MESSAGE" => Method::Message,
            b"UPDATE" => Method::Update,
            _ => {
                if !lex::is_token_str(s) {
                    return None;
                }
                Method::Extension(lex::ascii_str(s)?)
            }
        })
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
        assert_eq!(Method::from_bytes(b""), None);
    }
}
