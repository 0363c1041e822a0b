//! Via handling at the transport boundary: drawing branches, stamping
//! `received` and `rport` on requests (RFC 3261 §18.2.1, RFC 3581 §4), and
//! choosing where a response goes (§18.2.2).

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;
use core::net::{IpAddr, SocketAddr};

use rand_core::Rng;

use super::{Destination, Source};
use crate::message::headers::{MAGIC_COOKIE, Via, ViaMarks};
use crate::message::uri::Host;
use crate::message::{HeaderName, Message, lex};

/// 64 token characters (RFC 3261 §25.1), six random bits each.
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-.";

/// Fills `out` with random token characters: `6·len` bits of the
/// caller-seeded RNG, ten characters from each 64-bit draw. Written into
/// the caller's buffer in bulk rather than pushed one `char` at a time
/// (which costs a UTF-8 encode and a capacity check per character).
pub(crate) fn fill_token(rng: &mut impl Rng, out: &mut [u8]) {
    for chunk in out.chunks_mut(10) {
        let mut bits = rng.next_u64();
        for c in chunk {
            *c = ALPHABET[(bits & 63) as usize];
            bits >>= 6;
        }
    }
}

/// `n` random token characters (see [`fill_token`]) appended to `out`.
pub(crate) fn random_token(rng: &mut impl Rng, n: usize, out: &mut String) {
    let mut buf = [0u8; 40];
    let mut left = n;
    while left > 0 {
        let k = left.min(buf.len());
        fill_token(rng, &mut buf[..k]);
        // ALPHABET is ASCII.
        out.push_str(core::str::from_utf8(&buf[..k]).unwrap_or_default());
        left -= k;
    }
}

/// Random characters in a branch (96 bits).
const BRANCH_RANDOM: usize = 16;
/// The length of a branch [`fill_branch`] draws.
pub(crate) const BRANCH_LEN: usize = MAGIC_COOKIE.len() + BRANCH_RANDOM;

/// A new branch in `buf`: the magic cookie and 96 random bits (RFC 3261
/// §8.1.1.7 asks for uniqueness across space and time; the design asks for
/// at least 64 unpredictable bits so that responses cannot be spoofed).
pub(crate) fn fill_branch<'b>(rng: &mut impl Rng, buf: &'b mut [u8; BRANCH_LEN]) -> &'b str {
    let (cookie, random) = buf.split_at_mut(MAGIC_COOKIE.len());
    cookie.copy_from_slice(MAGIC_COOKIE.as_bytes());
    fill_token(rng, random);
    // The cookie and ALPHABET are ASCII.
    core::str::from_utf8(buf).unwrap_or_default()
}

/// [`fill_branch`] as a `String`.
pub(crate) fn new_branch(rng: &mut impl Rng) -> String {
    let mut buf = [0u8; BRANCH_LEN];
    String::from(fill_branch(rng, &mut buf))
}

pub(crate) fn host_is(host: &Host<'_>, ip: IpAddr) -> bool {
    match (host, ip) {
        (Host::Ipv4(a), IpAddr::V4(b)) => *a == b.octets(),
        (Host::Ipv6 { addr, .. }, IpAddr::V6(b)) => *addr == b.segments(),
        _ => false,
    }
}

/// The via-params the transport layer acts on, found in one pass over the
/// top Via's parameters (each the first of its name, as
/// [`Params::get`](crate::message::lex::Params::get) finds it).
#[derive(Clone, Copy, Debug, Default)]
struct TopViaParams<'a> {
    /// `received` is present (§18.2.1).
    received: bool,
    /// `rport`: `Some(None)` valueless (RFC 3581 §4 asks for it),
    /// `Some(Some(_))` with a value.
    rport: Option<Option<&'a [u8]>>,
    /// The `maddr` value (§18.2.2).
    maddr: Option<Option<&'a [u8]>>,
}

impl<'a> TopViaParams<'a> {
    fn of(via: &Via<'a>) -> Self {
        // The parser noted, while checking the parameters, which of these
        // are present; unless a value must be read (a `maddr`, or an
        // `rport` whose first copy has one), that is the whole answer.
        let m = via.marks();
        if !m.has(ViaMarks::MADDR) && (!m.has(ViaMarks::RPORT) || m.has(ViaMarks::RPORT_VALUELESS)) {
            return TopViaParams {
                received: m.has(ViaMarks::RECEIVED),
                rport: m.has(ViaMarks::RPORT).then_some(None),
                maddr: None,
            };
        }
        let raw = via.params.as_bytes();
        // The parser checked every parameter of the top Via: each is a
        // token name with, optionally, a token, IPv6 reference or quoted
        // value. Only a quoted value can hold a `;`, so without a DQUOTE
        // every `;` starts a parameter and a light scan finds them; with
        // one, the full parameter lexer does.
        let mut p = TopViaParams::default();
        let Some(first) = memchr::memchr2(b';', b'"', raw) else { return p };
        let mut at = first;
        // `at` stands on a `;` or a `"`; a parameter runs to the next one.
        loop {
            if raw[at] == b'"' {
                return Self::lexed(via);
            }
            let start = at + 1;
            let rest = &raw[start..];
            let len = memchr::memchr2(b';', b'"', rest).unwrap_or(rest.len());
            let param = &rest[..len];
            // The name is short: the `=` after it, if any, is found at once.
            let (name, value) = match param.iter().position(|&c| c == b'=') {
                Some(eq) => (lex::trim_lws(&param[..eq]), Some(lex::trim_lws(&param[eq + 1..]))),
                None => (lex::trim_lws(param), None),
            };
            p.note(name, value);
            at = start + len;
            if at >= raw.len() {
                return p;
            }
        }
    }

    /// [`of`](Self::of) through the parameter lexer.
    fn lexed(via: &Via<'a>) -> Self {
        let mut p = TopViaParams::default();
        // Should a parameter be malformed all the same, stop there, as
        // `Params::get` does.
        for param in via.params.map_while(Result::ok) {
            p.note(param.name, param.value);
        }
        p
    }

    /// Records a parameter if it is the first of its name.
    #[inline]
    fn note(&mut self, name: &[u8], value: Option<&'a [u8]>) {
        // Dispatch on length before comparing names.
        match name.len() {
            8 if !self.received && lex::eq_ic(name, b"received") => self.received = true,
            5 if self.rport.is_none() && lex::eq_ic(name, b"rport") => self.rport = Some(value),
            5 if self.maddr.is_none() && lex::eq_ic(name, b"maddr") => self.maddr = Some(value),
            _ => {}
        }
    }
}

/// What the transport layer does for a received request: where its
/// responses go, and the stamp they carry. Both read the same top Via
/// parameters, so they are found together.
pub(crate) fn request_route(msg: &Message<'_>, source: &Source) -> (Destination, Option<ViaStamp>) {
    let Ok(via) = msg.top_via() else {
        return (without_via(source), None);
    };
    let params = TopViaParams::of(&via);
    (destination_for(&via, &params, source), stamp_for(msg, &via, &params, source))
}

/// Where responses go when the request has no top Via to read.
fn without_via(source: &Source) -> Destination {
    match source.connection {
        Some(conn) => Destination::Connection(conn),
        None => Destination::Datagram(source.peer),
    }
}

/// The top Via of a received request as RFC 3261 §18.2.1 and RFC 3581 §4
/// want it: `received` added when the sent-by host is not the packet's
/// source address (or whenever `rport` is asked for), and `rport` filled in
/// with the source port.
///
/// The stamp is applied where it takes effect, to the Via of every
/// response sent for the request ([`ViaStamp::apply`]), rather than by
/// rewriting and parsing the request a second time: response_to copies the
/// request's Vias byte for byte, so the original value is found and
/// replaced in one pass.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ViaStamp {
    /// The top via-parm as received (`..split`), then the parameters the
    /// stamp appends (one allocation for both).
    buf: Vec<u8>,
    split: usize,
    /// A valueless `rport` of the original (from its `;` to the end of its
    /// name), left out of the stamped value, which carries `rport=port`.
    cut: Option<(usize, usize)>,
}

impl ViaStamp {
    /// The top via-parm as received.
    pub(crate) fn original(&self) -> &[u8] {
        &self.buf[..self.split]
    }

    /// The stamped value's parts, in order.
    fn parts(&self) -> [&[u8]; 3] {
        let (original, added) = self.buf.split_at(self.split);
        match self.cut {
            Some((a, b)) => [&original[..a], &original[b..], added],
            None => [original, &[], added],
        }
    }

    /// The top via-parm with `received` and `rport`.
    pub(crate) fn stamped(&self) -> Vec<u8> {
        self.parts().concat()
    }

    /// `message` (a response to the stamped request, or the request itself)
    /// with its first copy of the original via-parm replaced by the stamped
    /// one; unchanged if it has none.
    ///
    /// Done in place: the tail moves by the few bytes the stamp adds, in
    /// the room that [`response_to`](crate::message::builder::response_to)'s
    /// builder leaves (else the buffer grows by exactly that much).
    pub(crate) fn apply(&self, mut message: Vec<u8>) -> Vec<u8> {
        // The Via sits near the top, so a scan for the needle's first byte
        // finds it within a few candidates; a memmem searcher would cost
        // more to build than the whole scan.
        let original = self.original();
        let Some(&first) = original.first() else { return message };
        // A response from response_to has it right after the status line,
        // as the first Via's value: looked at first, then searched for.
        let found = after_status_line_via(&message)
            .filter(|&i| message[i..].starts_with(original))
            .or_else(|| memchr::memchr_iter(first, &message).find(|&i| message[i..].starts_with(original)));
        let Some(at) = found else {
            return message;
        };
        let parts = self.parts();
        let stamped_len: usize = parts.iter().map(|p| p.len()).sum();
        let (len, old_end, new_end) = (message.len(), at + original.len(), at + stamped_len);
        if new_end >= old_end {
            message.reserve_exact(new_end - old_end);
            message.resize(len + (new_end - old_end), 0);
            message.copy_within(old_end..len, new_end);
        } else {
            message.copy_within(old_end..len, new_end);
            message.truncate(len - (old_end - new_end));
        }
        // The parts come from the stamp's own buffer, not from `message`.
        // The first is a prefix of the original via-parm (all of it, or
        // what comes before a valueless rport), which already stands at
        // `at`: only the rest is written.
        let [kept, rest @ ..] = parts;
        let mut w = at + kept.len();
        for p in rest {
            message[w..w + p.len()].copy_from_slice(p);
            w += p.len();
        }
        message
    }
}

/// Where the value of a `Via` field written first, right after the status
/// line (as the builders write it), starts in `message`.
#[inline]
fn after_status_line_via(message: &[u8]) -> Option<usize> {
    // The usual status line is short: a word-at-a-time look finds its end
    // without a memchr call.
    let head = message.get(..message.len().min(64))?;
    let at = lex::find_byte(b'\n', head).or_else(|| memchr::memchr(b'\n', message))? + 1;
    message.get(at..)?.starts_with(b"Via: ").then_some(at + 5)
}

/// The [`ViaStamp`] a request needs, or `None` when nothing is to be added.
pub(crate) fn via_stamp(msg: &Message<'_>, source: &Source) -> Option<ViaStamp> {
    let via = msg.top_via().ok()?;
    stamp_for(msg, &via, &TopViaParams::of(&via), source)
}

fn stamp_for(
    msg: &Message<'_>,
    via: &Via<'_>,
    params: &TopViaParams<'_>,
    source: &Source,
) -> Option<ViaStamp> {
    let rport = params.rport == Some(None);
    let needs_received = rport || !host_is(&via.host, source.peer.ip());
    if !rport && (!needs_received || params.received) {
        return None;
    }
    // The top via-parm as written: the first value of the first Via
    // field, which ends where the parser found the next one to start.
    let field = msg.header(HeaderName::Via)?;
    let value = match msg.top_via_rest.map(usize::from) {
        Some(next) => lex::trim_lws(field.get(..next.checked_sub(1)?)?),
        None => lex::trim_lws(field),
    };
    let cut = if rport { valueless_rport(value) } else { None };
    // The added parameters are written on the stack, then the buffer is
    // allocated once at its size and filled with two copies (a push per
    // digit group costs a length check and a copy call each).
    let mut added = Added::default();
    if needs_received && !params.received {
        added.put(b";received=");
        match source.peer.ip() {
            // Written by hand: the formatter costs more than the rest of
            // the stamp.
            IpAddr::V4(a) => {
                let [a, b, c, d] = a.octets();
                added.decimal(a.into());
                for o in [b, c, d] {
                    added.put(b".");
                    added.decimal(o.into());
                }
            }
            ip @ IpAddr::V6(_) => {
                let mut text = heapless::String::<48>::new();
                let _ = write!(text, "{ip}");
                added.put(text.as_bytes());
            }
        }
    }
    if rport {
        added.put(b";rport=");
        added.decimal(source.peer.port());
    }
    let added = added.as_bytes();
    let mut buf = Vec::with_capacity(value.len() + added.len());
    buf.extend_from_slice(value);
    buf.extend_from_slice(added);
    Some(ViaStamp { buf, split: value.len(), cut })
}

/// The parameters a stamp adds, written on the stack: `;received=` and an
/// address (an IPv6 one is at most 39 characters as `Display` writes it)
/// and `;rport=` and a port fit in 64 bytes.
struct Added {
    buf: [u8; 64],
    len: usize,
}

impl Default for Added {
    fn default() -> Self {
        Added { buf: [0; 64], len: 0 }
    }
}

impl Added {
    fn put(&mut self, s: &[u8]) {
        let end = self.len + s.len();
        if let Some(to) = self.buf.get_mut(self.len..end) {
            to.copy_from_slice(s);
            self.len = end;
        }
    }

    /// `n` in decimal, as `Display` writes it: its digits counted first,
    /// then written from the last.
    fn decimal(&mut self, n: u16) {
        let digits = match n {
            0..=9 => 1,
            10..=99 => 2,
            100..=999 => 3,
            1000..=9999 => 4,
            _ => 5,
        };
        let end = self.len + digits;
        let Some(to) = self.buf.get_mut(self.len..end) else { return };
        let mut n = n;
        for d in to.iter_mut().rev() {
            *d = b'0' + (n % 10) as u8;
            n /= 10;
        }
        self.len = end;
    }

    fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }
}

/// Finds a valueless `rport` parameter in a via-parm: the range from its
/// `;` to the end of its name.
fn valueless_rport(v: &[u8]) -> Option<(usize, usize)> {
    let mut i = 0;
    while let Some(k) = memchr::memchr(b';', &v[i..]) {
        let semi = i + k;
        let name = lex::skip_lws(v, semi + 1);
        let end = name + 5;
        if v.get(name..end).is_some_and(|n| n.eq_ignore_ascii_case(b"rport")) {
            let after = lex::skip_lws(v, end);
            if !matches!(v.get(after), Some(b'=')) {
                return Some((semi, end));
            }
        }
        i = semi + 1;
    }
    None
}

/// `n` in decimal (as `Display` writes it), in `digits`.
pub(crate) fn decimal(n: u16, digits: &mut [u8; 5]) -> &[u8] {
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    &digits[i..]
}

/// Where the responses to a request go (RFC 3261 §18.2.2, RFC 3581 §4).
///
/// On a connection: back on it. Otherwise to the `maddr` if it is an
/// address, else to the source address (which is what `received` holds)
/// at the source port if `rport` was asked for, or the sent-by port.
///
/// (Where the stamp is needed too, [`request_route`] finds both at once.)
pub(crate) fn response_destination(msg: &Message<'_>, source: &Source) -> Destination {
    match msg.top_via() {
        Ok(via) => destination_for(&via, &TopViaParams::of(&via), source),
        Err(_) => without_via(source),
    }
}

fn destination_for(via: &Via<'_>, params: &TopViaParams<'_>, source: &Source) -> Destination {
    if let Some(conn) = source.connection {
        return Destination::Connection(conn);
    }
    let default_port =
        crate::transport::Transport::from_via_str(via.transport).map_or(5060, |t| t.default_port());
    let sent_by_port = via.port.unwrap_or(default_port);
    if let Some(maddr) = params.maddr.flatten().and_then(|m| Host::parse(m).ok()) {
        let ip = match maddr {
            Host::Ipv4(a) => Some(IpAddr::from(a)),
            Host::Ipv6 { addr, .. } => Some(IpAddr::from(addr)),
            Host::Domain(_) => None,
        };
        if let Some(ip) = ip {
            return Destination::Datagram(SocketAddr::new(ip, sent_by_port));
        }
    }
    let port = if params.rport.is_some() { source.peer.port() } else { sent_by_port };
    Destination::Datagram(SocketAddr::new(source.peer.ip(), port))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::Transport;

    fn source(addr: &str) -> Source {
        Source { transport: Transport::Udp, peer: addr.parse().unwrap(), connection: None }
    }

    fn req(via: &str) -> Vec<u8> {
        alloc::format!(
            "OPTIONS sip:b@example.com SIP/2.0\r\nVia: {via}\r\nVia: SIP/2.0/UDP upstream.example.com\r\n\
To: <sip:b@example.com>\r\nFrom: <sip:a@example.com>;tag=1\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n\
Content-Length: 0\r\n\r\n"
        )
        .into_bytes()
    }

    /// RFC 3261 §18.2.1, RFC 3581 §4: the stack writer of the stamp's
    /// parameters writes every port and octet as `Display` does, and the
    /// stamp of an IPv4 and an IPv6 peer (the longest address form) holds
    /// the text the formatter writes.
    #[test]
    fn rfc3581_4_stamp_digits_are_written_as_display_writes_them() {
        for n in 0..=u16::MAX {
            let mut a = Added::default();
            a.put(b";rport=");
            a.decimal(n);
            assert_eq!(a.as_bytes(), alloc::format!(";rport={n}").as_bytes());
        }
        let bytes = req("SIP/2.0/UDP 10.1.1.1:4540;rport;branch=z9hG4bKkjshdyff");
        let msg = Message::parse(&bytes).unwrap();
        for peer in
            ["0.9.10.99:0", "100.199.200.255:65535", "[ffff:eeee:dddd:cccc:bbbb:aaaa:9999:8888]:10000"]
        {
            let src = source(peer);
            let stamp = via_stamp(&msg, &src).unwrap();
            let want = alloc::format!(
                "SIP/2.0/UDP 10.1.1.1:4540;branch=z9hG4bKkjshdyff;received={};rport={}",
                src.peer.ip(),
                src.peer.port()
            );
            assert_eq!(stamp.stamped(), want.as_bytes(), "{peer}");
            assert_eq!(stamp.buf.len(), stamp.buf.capacity(), "allocated at its size");
        }
    }

    #[test]
    fn rfc3261_18_2_1_received_added_when_sent_by_differs() {
        let bytes = req("SIP/2.0/UDP bobspc.biloxi.example.com:5060;branch=z9hG4bK74bf9");
        let msg = Message::parse(&bytes).unwrap();
        let stamped = via_stamp(&msg, &source("192.0.2.4:5060")).unwrap().apply(bytes.clone());
        let stamped = Message::parse(&stamped).unwrap();
        let via = stamped.top_via().unwrap();
        assert_eq!(via.param("received"), Some(Some(&b"192.0.2.4"[..])));
        assert_eq!(via.rport(), None);
        assert_eq!(stamped.vias().count(), 2, "the other Vias are untouched");
    }

    #[test]
    fn rfc3261_18_2_1_nothing_added_when_sent_by_is_the_source() {
        let bytes = req("SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bK74bf9");
        let msg = Message::parse(&bytes).unwrap();
        assert!(via_stamp(&msg, &source("192.0.2.4:5070")).is_none());
    }

    #[test]
    fn rfc3581_4_rport_filled_and_received_always_added() {
        // RFC 3581 §4's example: the client behind a NAT.
        let bytes = req("SIP/2.0/UDP 10.1.1.1:4540;rport;branch=z9hG4bKkjshdyff");
        let msg = Message::parse(&bytes).unwrap();
        let src = source("192.0.2.1:9988");
        let stamped = via_stamp(&msg, &src).unwrap().apply(bytes.clone());
        let stamped = Message::parse(&stamped).unwrap();
        let via = stamped.top_via().unwrap();
        assert_eq!(via.param("received"), Some(Some(&b"192.0.2.1"[..])));
        assert_eq!(via.rport(), Some(Some(9988)));
        assert_eq!(via.branch(), Some("z9hG4bKkjshdyff"));
        assert_eq!(
            response_destination(&stamped, &src),
            Destination::Datagram("192.0.2.1:9988".parse().unwrap())
        );
        // Even when the sent-by is the source address.
        let bytes = req("SIP/2.0/UDP 192.0.2.1:4540;rport;branch=z9hG4bKkjshdyff");
        let msg = Message::parse(&bytes).unwrap();
        let stamped = via_stamp(&msg, &src).unwrap().apply(bytes.clone());
        assert!(Message::parse(&stamped).unwrap().top_via().unwrap().param("received").is_some());
    }

    #[test]
    fn rfc3261_18_2_1_the_stamp_lands_in_the_response_via() {
        let bytes = req("SIP/2.0/UDP 10.1.1.1:4540;rport;branch=z9hG4bKkjshdyff");
        let msg = Message::parse(&bytes).unwrap();
        let stamp = via_stamp(&msg, &source("192.0.2.1:9988")).unwrap();
        let ok = crate::message::builder::response_to(&msg, crate::message::StatusCode::OK, Some("t"))
            .build()
            .unwrap();
        let ok = stamp.apply(ok.into_bytes());
        let ok = Message::parse(&ok).unwrap();
        let via = ok.top_via().unwrap();
        assert_eq!(via.rport(), Some(Some(9988)));
        assert_eq!(via.param("received"), Some(Some(&b"192.0.2.1"[..])));
        assert_eq!(ok.vias().nth(1).unwrap().unwrap().host, Host::Domain("upstream.example.com"));
    }

    /// The stamp goes in place, in the room response_to's builder leaves:
    /// the same bytes as a copy into a new buffer, and no new buffer.
    #[test]
    fn rfc3581_4_the_stamp_is_applied_in_place() {
        let bytes = req("SIP/2.0/UDP 10.1.1.1:4540;rport;branch=z9hG4bKkjshdyff");
        let msg = Message::parse(&bytes).unwrap();
        let stamp = via_stamp(&msg, &source("192.0.2.1:9988")).unwrap();
        let ok = crate::message::builder::response_to(&msg, crate::message::StatusCode::OK, Some("t"))
            .build()
            .unwrap()
            .into_bytes();
        let at = ok.windows(stamp.original().len()).position(|w| w == stamp.original()).unwrap();
        let mut expected = ok[..at].to_vec();
        expected.extend_from_slice(&stamp.stamped());
        expected.extend_from_slice(&ok[at + stamp.original().len()..]);
        let ptr = ok.as_ptr();
        let stamped = stamp.apply(ok);
        assert_eq!(stamped, expected);
        assert_eq!(stamped.as_ptr(), ptr, "no second buffer");
        // Without room it grows, with the same result; a message without
        // the Via is left alone.
        let mut tight = expected.clone();
        tight.truncate(at);
        tight.extend_from_slice(stamp.original());
        tight.extend_from_slice(&expected[at + stamp.stamped().len()..]);
        tight.shrink_to_fit();
        assert_eq!(stamp.apply(tight), expected);
        assert_eq!(stamp.apply(b"SIP/2.0 200 OK\r\n\r\n".to_vec()), b"SIP/2.0 200 OK\r\n\r\n");
    }

    #[test]
    fn rfc3261_18_2_1_the_stamp_goes_in_the_via_not_a_reason_phrase_alike() {
        // §18.2.1 adds received/rport to the top Via: text equal to the
        // via-parm elsewhere (here a reason phrase before it) stays as is,
        // and a Via not written first is still found.
        let bytes = req("SIP/2.0/UDP 10.1.1.1:4540;rport;branch=z9hG4bKkjshdyff");
        let msg = Message::parse(&bytes).unwrap();
        let stamp = via_stamp(&msg, &source("192.0.2.1:9988")).unwrap();
        let via = |v: &[u8]| [&b"Via: "[..], v, b"\r\n"].concat();
        let reason = [&b"SIP/2.0 200 "[..], stamp.original(), b"\r\n"].concat();
        let rest = b"Call-ID: x\r\n\r\n";
        let sent = [&reason[..], &via(stamp.original()), rest].concat();
        assert_eq!(stamp.apply(sent), [&reason[..], &via(&stamp.stamped()), rest].concat());
        let sent = [&b"SIP/2.0 200 OK\r\nCall-ID: x\r\n"[..], &via(stamp.original()), b"\r\n"].concat();
        let expected = [&b"SIP/2.0 200 OK\r\nCall-ID: x\r\n"[..], &via(&stamp.stamped()), b"\r\n"].concat();
        assert_eq!(stamp.apply(sent), expected);
    }

    #[test]
    fn rfc3261_8_1_1_7_branches_are_cookie_and_96_random_bits() {
        use rand_core::SeedableRng;
        let mut rng = rand_chacha::ChaCha12Rng::from_seed([3; 32]);
        let mut buf = [0u8; BRANCH_LEN];
        let a = String::from(fill_branch(&mut rng, &mut buf));
        let b = new_branch(&mut rng);
        for br in [&a, &b] {
            assert!(br.starts_with(MAGIC_COOKIE) && br.len() == MAGIC_COOKIE.len() + 16);
            assert!(lex::is_token_str(br.as_bytes()));
        }
        assert_ne!(a, b);
        // Ten characters per 64-bit draw, as before the bulk fill.
        let mut r1 = rand_chacha::ChaCha12Rng::from_seed([4; 32]);
        let mut r2 = r1.clone();
        let mut t = String::new();
        random_token(&mut r1, 20, &mut t);
        let (x, y) = (r2.next_u64(), r2.next_u64());
        let expect: String = (0..20)
            .map(|i| {
                let w = if i < 10 { x } else { y };
                char::from(ALPHABET[((w >> (6 * (i % 10))) & 63) as usize])
            })
            .collect();
        assert_eq!(t, expect);
    }

    #[test]
    fn rfc3261_18_2_2_responses_go_to_source_ip_and_sent_by_port() {
        let bytes = req("SIP/2.0/UDP bobspc.biloxi.example.com:5062;branch=z9hG4bK74bf9");
        let msg = Message::parse(&bytes).unwrap();
        assert_eq!(
            response_destination(&msg, &source("192.0.2.4:40000")),
            Destination::Datagram("192.0.2.4:5062".parse().unwrap())
        );
        let bytes = req("SIP/2.0/UDP bobspc.biloxi.example.com;maddr=198.51.100.7;branch=z9hG4bK74bf9");
        let msg = Message::parse(&bytes).unwrap();
        assert_eq!(
            response_destination(&msg, &source("192.0.2.4:40000")),
            Destination::Datagram("198.51.100.7:5060".parse().unwrap())
        );
        let conn =
            Source { connection: Some(crate::transport::ConnectionId(7)), ..source("192.0.2.4:40000") };
        assert_eq!(
            response_destination(&msg, &conn),
            Destination::Connection(crate::transport::ConnectionId(7))
        );
    }

    #[test]
    fn rfc3261_18_2_2_routing_params_from_marks_or_scan_read_what_the_lexer_reads() {
        for v in [
            "SIP/2.0/UDP h;branch=z9hG4bK1",
            "SIP/2.0/UDP h:5060;alias;branch=z9hG4bK.q4Xyz3RpE;rport",
            "SIP/2.0/UDP h ; rport = 5070 ; received = 192.0.2.1 ;branch=z9hG4bK1",
            "SIP/2.0/UDP h;RPORT;Received=[2001:db8::9];MADDR=224.2.0.1;rport=9;maddr=x",
            "SIP/2.0/UDP h;maddr=[2001:db8::1];branch=z9hG4bK1;x-y",
            "SIP/2.0/UDP h;x=\"a;rport;maddr=1.2.3.4\";branch=z9hG4bK1",
            "SIP/2.0/UDP h;branch=z9hG4bK1;x=\";received\";rport",
            "SIP/2.0/UDP h",
            "SIP/2.0/TLS 192.168.1.23:50312;alias;branch=z9hG4bK.q4Xyz3RpE;rport",
            "SIP/2.0/UDP h;rport;rport=5;received=192.0.2.1",
            "SIP/2.0/UDP h;rport=5;rport",
            "SIP/2.0/UDP h;Received=192.0.2.1;branch=z9hG4bK1",
            "SIP/2.0/UDP h;branch=z9hG4bK1;x=\"rport\";y=\"maddr=1\"",
        ] {
            let via = Via::parse(v.as_bytes()).unwrap();
            let (light, lexed) = (TopViaParams::of(&via), TopViaParams::lexed(&via));
            assert_eq!(
                (light.received, light.rport, light.maddr),
                (lexed.received, lexed.rport, lexed.maddr),
                "{v}"
            );
            assert_eq!(light.rport, via.param("rport"), "{v}");
            assert_eq!(light.maddr, via.param("maddr"), "{v}");
            assert_eq!(light.received, via.param("received").is_some(), "{v}");
        }
    }

    #[test]
    fn rfc3261_8_1_1_7_branches_carry_the_cookie_and_96_random_bits() {
        use rand_core::SeedableRng;
        let mut rng = rand_chacha::ChaCha12Rng::from_seed([7; 32]);
        let a = new_branch(&mut rng);
        let b = new_branch(&mut rng);
        assert!(a.starts_with("z9hG4bK") && a.len() == 23);
        assert_ne!(a, b);
        assert!(lex::is_token_str(a.as_bytes()));
    }
}
