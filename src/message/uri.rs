//! URIs (RFC 3261 §19, §25.1; RFC 5954; RFC 3966 tel; RFC 8599 pn-*).
//!
//! [`Uri::parse`] turns the text of a Request-URI or of a name-addr's
//! `<...>` into a borrowed view:
//!
//! * `sip:` / `sips:` become a [`SipUri`], checked against the RFC 3261
//!   ABNF with the IPv6 grammar of RFC 5954 (RFC 3986). Every component is
//!   validated during parsing, including the `%HH` escapes and the values of
//!   the parameters this module gives typed accessors for, so the accessors
//!   themselves are cheap and infallible.
//! * `tel:` becomes a [`TelUri`] (RFC 3966).
//! * Any other scheme is kept opaque as an [`AbsoluteUri`] (RFC 4475
//!   §3.3.2-§3.3.4: a parser must accept unknown schemes; a UAS answers 416).
//!
//! Two deliberate tolerances:
//!
//! * the user part may hold everything `user-unreserved` allows, including
//!   `;`, `?` and `/` (RFC 4475 §3.1.1.9 `semiuri`, §3.1.1.2 `intmeth`);
//! * an IPv6 reference with three colons before an embedded IPv4 address,
//!   `[2001:db8:::192.0.2.1]`, is read as if it had two (RFC 5118 §4.10).
//!
//! [`Uri::equivalent`] implements the comparison rules of RFC 3261 §19.1.4
//! (SIP/SIPS) and RFC 3966 §4 (tel).
//!
//! Nothing here allocates, recurses or panics; parsing is linear in the
//! input and comparison is linear with a constant factor bounded by
//! [`MAX_COMPARE_ITEMS`].

use core::fmt;

use super::error::{Element, ErrorKind, ParseError};
use super::lex::{ascii_str, eq_ic, find_byte, hex_val, is_alpha, is_digit, is_hex, is_token};
use super::method::Method;

/// A URI as found in a Request-URI or a name-addr.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Uri<'a> {
    /// `sip:` or `sips:` (RFC 3261 §19.1).
    Sip(SipUri<'a>),
    /// `tel:` (RFC 3966).
    Tel(TelUri<'a>),
    /// Any other absolute URI (RFC 3986 §4.3), kept opaque.
    Other(AbsoluteUri<'a>),
}

/// A host: domain name, IPv4 address or IPv6 reference (RFC 3261 §25.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Host<'a> {
    /// A domain name as written (compare case-insensitively).
    Domain(&'a str),
    /// An IPv4 address.
    Ipv4([u8; 4]),
    /// An IPv6 reference; `raw` is the text inside the brackets.
    Ipv6 {
        /// The address, eight 16-bit groups.
        addr: [u16; 8],
        /// The text as written, without brackets.
        raw: &'a str,
    },
}

/// URI parameters (`*( ";" uri-parameter )`), iterated on demand.
///
/// Names and values are kept as written, still %-escaped. Lookups by name
/// ([`UriParams::get`]) compare names case-insensitively after unescaping,
/// so `;%6C%72` is found as `lr` (RFC 4475 §3.1.1.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct UriParams<'a> {
    /// The raw text, starting at the first `;` (empty if none).
    pub raw: &'a [u8],
}

/// A SIP or SIPS URI (RFC 3261 §19.1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SipUri<'a> {
    /// `sips:` rather than `sip:`.
    pub secure: bool,
    /// The user part, still %-escaped.
    pub user: Option<&'a [u8]>,
    /// The password, still %-escaped.
    pub password: Option<&'a [u8]>,
    /// The host.
    pub host: Host<'a>,
    /// The port, if given.
    pub port: Option<u16>,
    /// The URI parameters.
    pub params: UriParams<'a>,
    /// The headers part after `?`, raw.
    pub headers: Option<&'a [u8]>,
    /// The whole URI as written.
    pub raw: &'a [u8],
}

/// A tel URI (RFC 3966).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TelUri<'a> {
    /// The number as written (with `+` if global).
    pub number: &'a [u8],
    /// The parameters.
    pub params: UriParams<'a>,
    /// The whole URI as written.
    pub raw: &'a [u8],
}

/// Any other absolute URI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AbsoluteUri<'a> {
    /// The scheme.
    pub scheme: &'a str,
    /// The whole URI as written.
    pub raw: &'a [u8],
}

/// Parameter and header lists longer than this are never considered
/// equivalent by [`Uri::equivalent`]: comparing unordered lists without
/// allocating is quadratic in their length, and this bound keeps the cost
/// linear in the input (with this constant) for hostile URIs. Real URIs
/// carry a handful of parameters.
pub const MAX_COMPARE_ITEMS: usize = 64;

// ---------------------------------------------------------------------------
// Errors and character classes
// ---------------------------------------------------------------------------

#[inline]
fn syntax() -> ParseError {
    ParseError::syntax(Element::Uri)
}

#[inline]
fn out_of_range() -> ParseError {
    ParseError::new(Element::Uri, ErrorKind::OutOfRange)
}

// Character classes of the URI grammar (RFC 3261 §25.1), one bit each in
// one table, so validating a component is one lookup per byte.
const C_USER: u16 = 1; // unreserved / user-unreserved
const C_PASSWORD: u16 = 2; // unreserved / "&" / "=" / "+" / "$" / ","
const C_PARAM: u16 = 4; // paramchar: param-unreserved / unreserved
const C_HEADER: u16 = 8; // hname / hvalue characters
const C_HOST: u16 = 16; // hostname and IPv4 characters: alphanum / "-" / "."
const C_HOSTPORT: u16 = 32; // C_HOST / ":" / "[" / "]" (any hostport byte)
const C_LABEL: u16 = 64; // domain label characters: alphanum / "-"
const C_HEADERS: u16 = 128; // C_HEADER / "=" / "&": any byte of a headers part
// paramchar bytes that are also `token` bytes (RFC 3261 §25.1): a value of
// these alone is a token, so the token-valued parameters (transport, user,
// method) need no second look at a value scanned with this class.
const C_PTOKEN: u16 = 256;
// alphanum: the bytes a domain label starts with (RFC 3261 §25.1
// `domainlabel = alphanum / alphanum *( alphanum / "-" ) alphanum`), one
// test where a label's start was a class test and a compare with '-'.
const C_ALNUM: u16 = 512;

const fn uri_class_table() -> [u16; 256] {
    let mut t = [0u16; 256];
    let mut i = 0usize;
    while i < 256 {
        let c = i as u8;
        let unreserved = c.is_ascii_alphanumeric()
            || matches!(c, b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')');
        let mut v = 0u16;
        if unreserved || matches!(c, b'&' | b'=' | b'+' | b'$' | b',' | b';' | b'?' | b'/') {
            v |= C_USER;
        }
        if unreserved || matches!(c, b'&' | b'=' | b'+' | b'$' | b',') {
            v |= C_PASSWORD;
        }
        if unreserved || matches!(c, b'[' | b']' | b'/' | b':' | b'&' | b'+' | b'$') {
            v |= C_PARAM;
        }
        if unreserved || matches!(c, b'[' | b']' | b'/' | b'?' | b':' | b'+' | b'$') {
            v |= C_HEADER;
        }
        if c.is_ascii_alphanumeric() || c == b'-' {
            v |= C_LABEL;
        }
        if c.is_ascii_alphanumeric() {
            v |= C_ALNUM;
        }
        if c.is_ascii_alphanumeric() || c == b'-' || c == b'.' {
            v |= C_HOST | C_HOSTPORT;
        }
        if matches!(c, b':' | b'[' | b']') {
            v |= C_HOSTPORT;
        }
        if v & C_HEADER != 0 || matches!(c, b'=' | b'&') {
            v |= C_HEADERS;
        }
        let token = c.is_ascii_alphanumeric()
            || matches!(c, b'-' | b'.' | b'!' | b'%' | b'*' | b'_' | b'+' | b'`' | b'\'' | b'~');
        if v & C_PARAM != 0 && token {
            v |= C_PTOKEN;
        }
        t[i] = v;
        i += 1;
    }
    t
}

static URI_CLASS: [u16; 256] = uri_class_table();

/// `reserved` of RFC 2396, the characters whose escaped and unescaped forms
/// are *not* equivalent (RFC 3261 §19.1.4).
#[inline]
fn is_reserved(c: u8) -> bool {
    matches!(c, b';' | b'/' | b'?' | b':' | b'@' | b'&' | b'=' | b'+' | b'$' | b',')
}

/// RFC 3966 `visual-separator`.
#[inline]
fn is_visual_separator(c: u8) -> bool {
    matches!(c, b'-' | b'.' | b'(' | b')')
}

/// The first position at or after `i` whose byte is not in class `mask`
/// (a `C_*` bit). While eight bytes are left they are read as one fixed
/// window, its eight tests unrolled with no bounds check of their own and
/// no setup: the runs scanned here (users, labels, parameter names and
/// values) are mostly shorter than a chunk, so a per-run setup cost more
/// than the byte tests; the last few bytes are tested one by one. The
/// count of bytes left is kept beside the position, so the test for a
/// further window is one compare (a fresh `get(i..)` and `first_chunk`
/// test is two, and was measured 24 instr/msg dearer).
#[inline(always)]
fn scan_uri_class(s: &[u8], mut i: usize, mask: u16) -> usize {
    let Some(mut left) = s.len().checked_sub(i) else { return i };
    while left >= 8 {
        let Some(w) = s.get(i..).and_then(<[u8]>::first_chunk::<8>) else { break };
        left -= 8;
        for (k, &c) in w.iter().enumerate() {
            if URI_CLASS[c as usize] & mask == 0 {
                return i + k;
            }
        }
        i += 8;
    }
    while let Some(&c) = s.get(i) {
        if URI_CLASS[c as usize] & mask == 0 {
            break;
        }
        i += 1;
    }
    i
}

/// The sixteen-byte window [`ptoken_run`] last loaded: where it starts
/// and, bit `k` for byte `k`, its letters, digits, `-` and `.`.
#[derive(Clone, Copy)]
#[cfg_attr(
    not(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2")),
    allow(dead_code)
)]
struct RunWindow {
    at: usize,
    bits: u32,
}

impl RunWindow {
    /// No window yet: every position is far from `at`.
    const NONE: RunWindow = RunWindow { at: usize::MAX / 2, bits: 0 };
}

/// [`scan_uri_class`] of `C_PTOKEN` from `i`, for the parameter names and
/// values of a Contact URI ([`SipUri::fast_params`]). With SSE2, their
/// bytes are nearly always letters, digits, `-` and `.`: the run of those
/// is found from a window of their bits, kept in `win` for the next run
/// (a name, its value and the next name mostly share one), and the class
/// scan goes on from the byte that ends it only when that is a
/// `C_PTOKEN` byte (rare; nearly always it is a `;`, `=` or `>`). Every
/// byte the windows take is a `C_PTOKEN` byte, so the end is the class
/// scan's. Fewer than sixteen bytes left: the class scan's alone.
///
/// Measured: 6,112 -> 6,100 instr/msg (parse alone unchanged), for
/// Contact URIs only. For every URI's parameters: 6,134 (Route +7, the
/// Request-URI's parse +27); eight bytes by the table first, then
/// windows with none kept: 6,114.
#[inline(always)]
#[cfg_attr(
    not(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2")),
    allow(unused_variables)
)]
fn ptoken_run(b: &[u8], i: usize, win: &mut RunWindow) -> usize {
    #[cfg(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2"))]
    {
        let mut j = i;
        let off = j.wrapping_sub(win.at);
        if off < 16 {
            // 0..=15: the shifts are below 32.
            let stop = !(win.bits >> off) & (0xFFFF >> off);
            if stop != 0 {
                return ptoken_tail(b, j + stop.trailing_zeros() as usize);
            }
            j = win.at + 16;
        }
        while let Some(w) = b.get(j..).and_then(<[u8]>::first_chunk::<16>) {
            let bits = host_run_bits16(w);
            *win = RunWindow { at: j, bits };
            let stop = !bits & 0xFFFF;
            if stop != 0 {
                return ptoken_tail(b, j + stop.trailing_zeros() as usize);
            }
            j += 16;
        }
        scan_uri_class(b, j, C_PTOKEN)
    }
    #[cfg(not(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2")))]
    scan_uri_class(b, i, C_PTOKEN)
}

/// The end of a `C_PTOKEN` run at `r`, a byte that ends a window run of
/// [`ptoken_run`]: `r` itself when that byte is no `C_PTOKEN` byte (or the
/// end), else the class scan's from there, out of line.
#[cfg(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2"))]
#[inline(always)]
fn ptoken_tail(b: &[u8], r: usize) -> usize {
    match b.get(r) {
        Some(&c) if URI_CLASS[c as usize] & C_PTOKEN != 0 => ptoken_scan_call(b, r),
        _ => r,
    }
}

/// [`scan_uri_class`] of `C_PTOKEN` as a call (a parameter byte such as
/// `_` or `+`: rare).
#[cfg(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2"))]
#[inline(never)]
fn ptoken_scan_call(b: &[u8], r: usize) -> usize {
    scan_uri_class(b, r, C_PTOKEN)
}

/// The user of [`SipUri::parse_fast`] from `i`: the run of `C_PASSWORD`
/// bytes there, if it is not empty and an `@` ends it, and where the host
/// starts (after the `@`, else at `i`). With SSE2, the sixteen bytes from
/// `i` are tested for alphanumerics at once: a user is nearly always
/// letters and digits, all of them `C_PASSWORD` bytes, so where the first
/// other byte is `@` (no `C_PASSWORD` byte) the run ends there. Any other
/// first byte goes on by the class scan from that byte (the ones before
/// it are in the class), as does a window of sixteen alphanumerics; a
/// text with fewer bytes left is the class scan's from `i`.
#[inline(always)]
fn plain_user(b: &[u8], i: usize) -> (Option<&[u8]>, usize) {
    #[cfg(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2"))]
    let u = match b.get(i..).and_then(<[u8]>::first_chunk::<16>) {
        Some(w) => {
            let alnum = super::lex::sse2::alphanum_bits(w);
            // 0..=16: bit 16 is set.
            let k = i + (!alnum | 1 << 16).trailing_zeros() as usize;
            // Written out, not as `user_ending_at(b, i, k)` (the same
            // answer): that measured +13 instructions a message.
            if k > i && b.get(k) == Some(&b'@') {
                return (b.get(i..k), k + 1);
            }
            scan_uri_class(b, k, C_PASSWORD)
        }
        None => scan_uri_class(b, i, C_PASSWORD),
    };
    #[cfg(not(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2")))]
    let u = scan_uri_class(b, i, C_PASSWORD);
    user_ending_at(b, i, u)
}

/// The user from `i` given `u`, the end of its class run: the run if it
/// is not empty and an `@` ends it, and where the host starts (after the
/// `@`, else at `i`).
#[inline(always)]
fn user_ending_at(b: &[u8], i: usize, u: usize) -> (Option<&[u8]>, usize) {
    match b.get(u) {
        Some(b'@') if u > i => (b.get(i..u), u + 1),
        _ => (None, i),
    }
}

/// The first position at or after `i` that is not an alphanumeric, `-` or
/// `.` (the bytes of a domain name or IPv4 address). Kept as the reference
/// the Via tests compare [`Host::scan_str`] against.
#[cfg(test)]
pub(crate) fn scan_host_chars(s: &[u8], i: usize) -> usize {
    scan_uri_class(s, i, C_HOST)
}

/// The first position at or after `i` that is neither in class `mask` nor
/// the start of a well-formed `%HH` escape.
#[inline]
fn scan_escaped_class(s: &[u8], mut i: usize, mask: u16) -> usize {
    loop {
        i = scan_uri_class(s, i, mask);
        match s.get(i) {
            Some(b'%')
                if s.get(i + 1).is_some_and(|&h| is_hex(h)) && s.get(i + 2).is_some_and(|&l| is_hex(l)) =>
            {
                i += 3
            }
            _ => return i,
        }
    }
}

/// [`scan_escaped_class`], also telling whether an escape was seen (so a
/// value known to hold none needs no unescaping to be checked).
#[inline(always)]
fn scan_escaped_flagged(s: &[u8], mut i: usize, mask: u16) -> (usize, bool) {
    let mut escaped = false;
    loop {
        i = scan_uri_class(s, i, mask);
        match s.get(i) {
            Some(b'%')
                if s.get(i + 1).is_some_and(|&h| is_hex(h)) && s.get(i + 2).is_some_and(|&l| is_hex(l)) =>
            {
                i += 3;
                escaped = true;
            }
            _ => return (i, escaped),
        }
    }
}

/// True if position `i` of `b` ends a URI: the end of the text, or with
/// `GT` (the URI inside a name-addr's `<...>`) a `>`, which no component
/// of any URI can hold (RFC 3261 §25.1).
#[inline(always)]
fn at_uri_end<const GT: bool>(b: &[u8], i: usize) -> bool {
    match b.get(i) {
        None => true,
        Some(b'>') => GT,
        _ => false,
    }
}

/// Where the URI at the start of `b` ends at the latest: `b.len()`, or with
/// `GT` the first `>`.
#[inline(always)]
fn uri_limit<const GT: bool>(b: &[u8]) -> usize {
    if GT { find_byte(b'>', b).unwrap_or(b.len()) } else { b.len() }
}

/// True if every byte of `s` is either in the class `mask` (a `C_*` bit) or
/// starts a well-formed `%HH` escape.
#[inline]
fn valid_escaped_class(s: &[u8], mask: u16) -> bool {
    scan_escaped_class(s, 0, mask) == s.len()
}

/// `scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`.
fn is_scheme(s: &[u8]) -> bool {
    match s.split_first() {
        Some((&f, rest)) => {
            is_alpha(f) && rest.iter().all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
        }
        None => false,
    }
}

// ---------------------------------------------------------------------------
// Percent-decoding
// ---------------------------------------------------------------------------

/// The bytes of a %-escaped URI component with each `%HH` replaced by the
/// octet it encodes, without allocating.
///
/// Decoding is never recursive (`%2541` yields `%41`, RFC 4475 §3.1.1.3)
/// and an escaped NUL is an ordinary byte that does not end the component
/// (RFC 4475 §3.1.1.4). A `%` not followed by two hex digits, which
/// [`Uri::parse`] never lets through, is yielded as itself.
#[derive(Clone, Debug)]
pub struct Unescaped<'a> {
    s: &'a [u8],
    pos: usize,
}

impl<'a> Unescaped<'a> {
    /// Iterates the decoded bytes of `escaped`.
    pub fn new(escaped: &'a [u8]) -> Self {
        Unescaped { s: escaped, pos: 0 }
    }

    /// The next decoded byte and whether it came from an escape.
    fn next_flagged(&mut self) -> Option<(u8, bool)> {
        let c = *self.s.get(self.pos)?;
        if c == b'%' {
            let h = self.s.get(self.pos + 1).and_then(|&x| hex_val(x));
            let l = self.s.get(self.pos + 2).and_then(|&x| hex_val(x));
            if let (Some(h), Some(l)) = (h, l) {
                self.pos += 3;
                return Some(((h << 4) | l, true));
            }
        }
        self.pos += 1;
        Some((c, false))
    }
}

impl Iterator for Unescaped<'_> {
    type Item = u8;
    fn next(&mut self) -> Option<u8> {
        self.next_flagged().map(|(c, _)| c)
    }
}

/// Compares two %-escaped URI components the way RFC 3261 §19.1.4 asks:
/// a character outside the RFC 2396 `reserved` set is equivalent to its
/// `%HH` encoding (`%61lice` = `alice`, `%6c` = `%6C`), but an escaped
/// reserved character differs from the character itself (`a%3Bb` ≠ `a;b`,
/// `%2B1` ≠ `+1`). With `case_insensitive`, ASCII letters compare without
/// regard to case after decoding.
pub fn eq_unescaped(a: &[u8], b: &[u8], case_insensitive: bool) -> bool {
    let mut x = Unescaped::new(a);
    let mut y = Unescaped::new(b);
    loop {
        match (x.next_flagged(), y.next_flagged()) {
            (None, None) => return true,
            (Some((c, ec)), Some((d, ed))) => {
                let same_char = if case_insensitive { c.eq_ignore_ascii_case(&d) } else { c == d };
                // Escaping only matters for reserved characters.
                let same_form = (ec && is_reserved(c)) == (ed && is_reserved(d));
                if !same_char || !same_form {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

// ---------------------------------------------------------------------------
// Hosts
// ---------------------------------------------------------------------------

/// `IPv4address` with each octet 0-255 (RFC 5954 `dec-octet`, tolerating
/// leading zeros as the RFC 3261 `1*3DIGIT` did).
#[inline]
fn parse_ipv4(s: &[u8]) -> Option<[u8; 4]> {
    // `1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT`, each <= 255, read
    // an octet at a time with its one to three digits unrolled.
    #[inline(always)]
    fn digit(s: &[u8], i: usize) -> Option<u32> {
        let d = u32::from(*s.get(i)?).wrapping_sub(u32::from(b'0'));
        (d < 10).then_some(d)
    }
    // The octet at `i` and the position after it.
    #[inline(always)]
    fn octet(s: &[u8], i: usize) -> Option<(u8, usize)> {
        let d0 = digit(s, i)?;
        let Some(d1) = digit(s, i + 1) else {
            return Some((d0 as u8, i + 1));
        };
        let Some(d2) = digit(s, i + 2) else {
            return Some(((d0 * 10 + d1) as u8, i + 2));
        };
        Some((u8::try_from(d0 * 100 + d1 * 10 + d2).ok()?, i + 3))
    }
    let (a, i) = octet(s, 0)?;
    let i = if s.get(i) == Some(&b'.') { i + 1 } else { return None };
    let (b, i) = octet(s, i)?;
    let i = if s.get(i) == Some(&b'.') { i + 1 } else { return None };
    let (c, i) = octet(s, i)?;
    let i = if s.get(i) == Some(&b'.') { i + 1 } else { return None };
    let (d, i) = octet(s, i)?;
    (i == s.len()).then_some([a, b, c, d])
}

/// `IPv6address` (RFC 5954, i.e. RFC 3986 §3.2.2), also accepting the
/// three-colon form `X:::IPv4` of RFC 5118 §4.10.
fn parse_ipv6(s: &[u8]) -> Option<[u16; 8]> {
    let n = s.len();
    let mut head = [0u16; 8];
    let mut nh = 0usize;
    let mut tail = [0u16; 8];
    let mut nt = 0usize;
    let mut compressed = false;
    let mut i = 0usize;

    // After "::", one more ':' is tolerated if an IPv4 address follows.
    let skip_extra_colon = |i: usize| -> usize {
        if s.get(i) == Some(&b':') && s.get(i + 1..).is_some_and(|r| parse_ipv4(r).is_some()) {
            i + 1
        } else {
            i
        }
    };

    if s.first() == Some(&b':') {
        if s.get(1) != Some(&b':') {
            return None;
        }
        compressed = true;
        i = skip_extra_colon(2);
        if i == n {
            return Some([0; 8]);
        }
    }
    loop {
        let start = i;
        while s.get(i).is_some_and(|&c| is_hex(c)) {
            i += 1;
        }
        let mut groups = [0u16; 2];
        let count;
        if s.get(i) == Some(&b'.') {
            // Embedded IPv4: must be the rest of the text.
            let v4 = parse_ipv4(s.get(start..)?)?;
            groups = [u16::from_be_bytes([v4[0], v4[1]]), u16::from_be_bytes([v4[2], v4[3]])];
            count = 2;
            i = n;
        } else {
            let len = i - start;
            if len == 0 || len > 4 {
                return None;
            }
            groups[0] =
                s.get(start..i)?.iter().fold(0u16, |v, &c| (v << 4) | u16::from(hex_val(c).unwrap_or(0)));
            count = 1;
        }
        if nh + nt + count > 8 {
            return None;
        }
        for &g in groups.get(..count)? {
            if compressed {
                *tail.get_mut(nt)? = g;
                nt += 1;
            } else {
                *head.get_mut(nh)? = g;
                nh += 1;
            }
        }
        if i == n {
            break;
        }
        if s.get(i) != Some(&b':') {
            return None;
        }
        i += 1;
        if s.get(i) == Some(&b':') {
            if compressed {
                return None;
            }
            compressed = true;
            i = skip_extra_colon(i + 1);
            if i == n {
                break;
            }
        } else if i == n {
            return None;
        }
    }
    let total = nh + nt;
    if (compressed && total > 7) || (!compressed && total != 8) {
        return None;
    }
    let mut out = [0u16; 8];
    out.get_mut(..nh)?.copy_from_slice(head.get(..nh)?);
    out.get_mut(8 - nt..)?.copy_from_slice(tail.get(..nt)?);
    Some(out)
}

/// `hostname = *( domainlabel "." ) toplabel [ "." ]` (RFC 3261 §25.1),
/// checked in one pass: labels are alphanumerics and inner hyphens, and the
/// top label starts with a letter (so a dotted quad is never a hostname).
#[inline]
fn is_hostname(s: &[u8]) -> bool {
    let body = match s.strip_suffix(b".") {
        Some(b) => b,
        None => s,
    };
    let mut i = 0;
    loop {
        // A label: starts with an alphanumeric, runs over alphanumerics and
        // hyphens, does not end with a hyphen.
        let start = i;
        if !body.get(i).is_some_and(u8::is_ascii_alphanumeric) {
            return false;
        }
        i = scan_uri_class(body, i + 1, C_LABEL);
        if body.get(i - 1) == Some(&b'-') {
            return false;
        }
        match body.get(i) {
            None => return body.get(start).is_some_and(u8::is_ascii_alphabetic),
            Some(b'.') => i += 1,
            Some(_) => return false,
        }
    }
}

/// [`is_hostname`] for bytes already known to be alphanumerics, hyphens
/// and dots: only the label structure is left to check. Each label is
/// non-empty and has no hyphen at either end (so it starts with an
/// alphanumeric); the last one starts with a letter.
#[cfg(test)]
fn is_hostname_shape(s: &[u8]) -> bool {
    let body = match s.strip_suffix(b".") {
        Some(b) => b,
        None => s,
    };
    let mut start = 0;
    loop {
        let rest = body.get(start..).unwrap_or(&[]);
        let end = find_byte(b'.', rest).map_or(body.len(), |k| start + k);
        let label = body.get(start..end).unwrap_or(&[]);
        match (label.first(), label.last()) {
            (Some(&first), Some(&last)) if first != b'-' && last != b'-' => {
                if end == body.len() {
                    return first.is_ascii_alphabetic();
                }
            }
            _ => return false,
        }
        start = end + 1;
    }
}

/// What a run of host bytes (alphanumerics, `-`, `.`) is, found by the
/// scan that delimits it.
#[derive(Clone, Copy)]
#[cfg_attr(test, derive(PartialEq, Debug))]
enum HostRun {
    /// A dotted quad, each octet 0-255 (see [`parse_ipv4`]), its octets
    /// as the bytes of a little-endian word: a run is returned with its
    /// end in two registers, where the four-byte array beside a tag byte
    /// went through the stack one byte at a time.
    Ipv4(u32),
    /// A `hostname` (see [`is_hostname`]).
    Name,
    /// Neither: a syntax error as a host (it may still be a user part).
    Invalid,
}

/// The dotted quad at `i`, if one starts there, and the position after it
/// (RFC 5954 `dec-octet`, tolerating leading zeros as the RFC 3261
/// `1*3DIGIT` did). Whether the host ends there is the caller's question.
///
/// A dotted quad is at most fifteen bytes, so its reader never looks past
/// the fifteenth byte from `i`. When sixteen bytes follow `i` (any host
/// with a port, parameters or more text after it), they are read through
/// a fixed window with the index masked to it, so no read has a bounds
/// check of its own; nearer the end of the text each read is checked, a
/// missing byte reading as 0 (neither digit nor dot, as `None` was).
///
/// Reading a quad near the end from the text's shifted last sixteen bytes
/// instead of checked reads measured worse for the UA path (commit
/// 74078e0 gives the figures).
#[inline(always)]
fn ipv4_prefix(b: &[u8], i: usize) -> Option<([u8; 4], usize)> {
    let (addr, e) = match b.get(i..).and_then(<[u8]>::first_chunk::<16>) {
        Some(w) => ipv4_read(|k| w[k & 15]),
        None => ipv4_read(|k| b.get(i + k).copied().unwrap_or(0)),
    }?;
    Some((addr, i + e))
}

/// The reader of [`ipv4_prefix`], over the bytes `at(0)`, `at(1)`, ... of
/// the text from the quad's start (`at(k)` is read for `k <= 14` only):
/// each octet's one to three digits unrolled, each <= 255, dots between.
#[inline(always)]
pub(crate) fn ipv4_read(at: impl Fn(usize) -> u8) -> Option<([u8; 4], usize)> {
    // Widened before the subtraction: the digit's value is then already
    // the 32-bit one the octet sums, with no zero-extension of its own.
    let digit = |k: usize| {
        let d = u32::from(at(k)).wrapping_sub(u32::from(b'0'));
        (d < 10).then_some(d)
    };
    let mut out = [0u8; 4];
    let mut j = 0;
    for (n, o) in out.iter_mut().enumerate() {
        if n > 0 {
            if at(j) != b'.' {
                return None;
            }
            j += 1;
        }
        let mut v = digit(j)?;
        j += 1;
        if let Some(d) = digit(j) {
            v = v * 10 + d;
            j += 1;
            if let Some(d) = digit(j) {
                v = v * 10 + d;
                j += 1;
            }
        }
        *o = u8::try_from(v).ok()?;
    }
    Some((out, j))
}

/// A port's one to five digits (RFC 3261 §25.1 `port = 1*DIGIT`) over the
/// bytes `at(0)`, `at(1)`, ... from its first digit (`at(k)` is read for
/// `k <= 5` only, a missing byte reading as 0): its value and its digit
/// count; `None` for no digit or a sixth one (the full parser's, as a
/// value above 65535 is the caller's). Each digit is unrolled, as the
/// dotted quad's are.
#[inline(always)]
fn port_read(at: impl Fn(usize) -> u8) -> Option<(u32, usize)> {
    // Widened before the subtraction, as ipv4_read's digits.
    let digit = |k: usize| {
        let d = u32::from(at(k)).wrapping_sub(u32::from(b'0'));
        (d < 10).then_some(d)
    };
    let mut v = digit(0)?;
    for k in 1..5 {
        match digit(k) {
            Some(d) => v = v * 10 + d,
            None => return Some((v, k)),
        }
    }
    if digit(5).is_some() {
        return None;
    }
    Some((v, 5))
}

/// Scans the run of host bytes from `i` (up to the first byte that is not
/// an alphanumeric, `-` or `.`) and classifies it in the same pass: the
/// run's end and whether it is an IPv4 address, a `hostname` (RFC 3261
/// §25.1: labels of alphanumerics and inner hyphens, the top one starting
/// with a letter, an optional trailing dot) or neither. A dotted string of
/// digits is an address or nothing. Each label is checked where it ends
/// (a few compares, no flags carried through the loop), so a name costs
/// little more than finding its end; the result is that of [`parse_ipv4`]
/// / [`is_hostname_shape`] on the run.
///
/// `WINDOWED`: a name is first read from SSE2 windows (x86 only, see
/// `host_name_run_sse2`), the label walk only for what they leave. Off
/// for [`Host::scan_str`], Via's sent-by reader: sent-bys are mostly
/// dotted quads, and the windowed path inlined into the Via cursor made
/// it ~25 instr/msg dearer on the 12-message set with no name to read.
///
/// `LABELS_CALL`: what the windows leave (a run past thirty-two bytes, a
/// text shorter than sixteen) is walked by a call, so the inlined reader
/// stays small (the parse-time From/To pass: 6,870 -> 6,865 instr/msg;
/// for every windowed reader, the Contact pass lost more than that).
#[inline(always)]
fn scan_host_run<const WINDOWED: bool, const LABELS_CALL: bool>(b: &[u8], i: usize) -> (usize, HostRun) {
    if b.get(i).is_some_and(u8::is_ascii_digit) {
        if let Some((addr, e)) = ipv4_prefix(b, i) {
            // Four octets, and the run ends there (a fifth digit or label
            // would make it a malformed name instead).
            if b.get(e).is_none_or(|&c| URI_CLASS[c as usize] & C_HOST == 0) {
                return (e, HostRun::Ipv4(u32::from_le_bytes(addr)));
            }
        }
    }
    #[cfg(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2"))]
    if WINDOWED {
        if let Some(r) = host_name_run_sse2(b, i) {
            return r;
        }
        if LABELS_CALL {
            return host_labels_call(b, i);
        }
    }
    host_labels(b, i)
}

/// [`host_labels`] as a call (see `LABELS_CALL` of [`scan_host_run`]).
#[cfg(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2"))]
#[inline(never)]
fn host_labels_call(b: &[u8], i: usize) -> (usize, HostRun) {
    host_labels(b, i)
}

/// The label walk of [`scan_host_run`] (the portable path, and the one
/// for a run longer than the SSE2 windows or too near the end): a run's
/// end and whether it is a `hostname`.
#[inline(always)]
fn host_labels(b: &[u8], i: usize) -> (usize, HostRun) {
    // Label by label: a label starts with an alphanumeric, runs over
    // alphanumerics and hyphens (the windowed class scan, which has no
    // per-run setup, so a short label costs only its byte tests) and does
    // not end with a hyphen; a '.' starts the next one. The scan takes
    // alphanumerics first: a label that stops there ends with one, so
    // only a label with a hyphen needs the test of its last byte. The first byte
    // that breaks the shape sends the rest of the run to a cold scan for
    // its end.
    let mut j = i;
    let mut top = i;
    loop {
        match b.get(j) {
            Some(&c) if URI_CLASS[c as usize] & C_ALNUM != 0 => {}
            // After a '.', a byte that is no host byte at all ends the run
            // with a trailing dot (`top` is still the last label's start).
            Some(&c) if j > i && URI_CLASS[c as usize] & C_HOST == 0 => break,
            None if j > i => break,
            _ => return host_run_invalid(b, j),
        }
        top = j;
        // Alphanumerics first, as nearly every label is: a label that
        // stops there ends with one. Only one that goes on with a hyphen
        // is scanned on over hyphens too and checked for a last one.
        j = scan_uri_class(b, j + 1, C_ALNUM);
        if b.get(j) == Some(&b'-') {
            j = scan_uri_class(b, j + 1, C_LABEL);
            if b.get(j - 1) == Some(&b'-') {
                return host_run_invalid(b, j);
            }
        }
        if b.get(j) == Some(&b'.') {
            j += 1;
        } else {
            break;
        }
    }
    // The top label starts with a letter (so a dotted quad is no name).
    (j, if b.get(top).is_some_and(u8::is_ascii_alphabetic) { HostRun::Name } else { HostRun::Invalid })
}

/// Bits of the alphanumerics and of the dots among the sixteen bytes of
/// `w` (bit `k` for byte `k`), by SSE2 compares: letters after OR-ing
/// 0x20 (which maps exactly `A-Z` / `a-z` into `a-z`), digits as a range;
/// a range `lo..lo+n` is one add that moves `lo` to -128 and one signed
/// `<` against -128 + n, exact for all 256 byte values. No hyphen mask:
/// [`host_name_run_sse2`] leaves a run that a hyphen ends to the walk.
#[cfg(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2"))]
#[inline(always)]
fn host_masks16(w: &[u8; 16]) -> [u32; 2] {
    use super::lex::sse2::{alphanum, splat};
    use safe_arch::{cmp_eq_mask_i8_m128i, load_unaligned_m128i, m128i, move_mask_i8_m128i};
    // move_mask gives the sixteen sign bits in 0..=0xFFFF: the casts are exact.
    let bits = |m: m128i| move_mask_i8_m128i(m) as u32;
    let x = load_unaligned_m128i(w);
    // Letters and digits as one mask: the rule needs them apart only at
    // the top label's start, one byte the caller tests by itself.
    [bits(alphanum(x)), bits(cmp_eq_mask_i8_m128i(x, splat(b'.')))]
}

/// Bits of the letters, digits, `-` and `.` among the sixteen bytes of
/// `w`, as one mask (the union of [`host_masks16`]'s, one move mask).
#[cfg(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2"))]
#[inline(always)]
fn host_run_bits16(w: &[u8; 16]) -> u32 {
    use super::lex::sse2::{alphanum, splat};
    use safe_arch::{bitor_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i};
    let x = load_unaligned_m128i(w);
    let m = bitor_m128i(
        alphanum(x),
        bitor_m128i(cmp_eq_mask_i8_m128i(x, splat(b'-')), cmp_eq_mask_i8_m128i(x, splat(b'.'))),
    );
    // move_mask gives the sixteen sign bits in 0..=0xFFFF: the cast is exact.
    move_mask_i8_m128i(m) as u32
}

/// [`host_masks16`] of the sixteen bytes from `j`; with fewer left (a
/// host ending the text, as a URI parsed alone does), of the text's last
/// sixteen bytes moved down to `j`, so the bits past the end are clear and
/// read as a byte that ends the run. `None` for a text shorter than that.
#[cfg(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2"))]
#[inline(always)]
fn host_window(b: &[u8], j: usize) -> Option<[u32; 2]> {
    if let Some(w) = b.get(j..).and_then(<[u8]>::first_chunk::<16>) {
        return Some(host_masks16(w));
    }
    let left = b.len().checked_sub(j).filter(|&l| l > 0)?;
    let last = b.last_chunk::<16>()?;
    // 1..=15 bytes left: the window starts 16 - left bytes before `j`.
    Some(host_masks16(last).map(|m| m >> (16 - left)))
}

/// [`host_labels`] of a run that ends within the sixteen or thirty-two
/// bytes from `i` (one or two SSE2 windows, both in `b`), told from the
/// windows' bits of alphanumerics and dots with no walk: the run of those
/// ends at the first other byte; when that is no `-` (a `-` would go on
/// with the run, to the walk), it ends the host run too, and the run is a
/// `hostname` (RFC 3261 §25.1 `hostname = *( domainlabel "." ) toplabel
/// [ "." ]`) when every label start (the run's start, each byte after a
/// dot) is an alphanumeric (no empty label) and the last label start is a
/// letter (the top label; a trailing dot starts no label in the run).
/// With no hyphen in the run, no label can start or end with one.
/// `None` (the walk's turn) for a hyphen, a longer run or fewer bytes
/// left.
///
/// Two masks a window where the hyphens had a third (and the rule for
/// them two more tests): hostnames with a hyphen are rare in SIP.
#[cfg(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2"))]
#[inline(always)]
fn host_name_run_sse2(b: &[u8], i: usize) -> Option<(usize, HostRun)> {
    let [mut alnum, mut dot] = host_window(b, i)?;
    let mut stop = !(alnum | dot) & 0xFFFF;
    if stop == 0 {
        let [a, t] = host_window(b, i + 16)?;
        (alnum, dot) = (alnum | a << 16, dot | t << 16);
        stop = !(alnum | dot);
        if stop == 0 {
            return None;
        }
    }
    // 0..=31: `stop` has a bit set.
    let n = stop.trailing_zeros();
    if b.get(i + n as usize) == Some(&b'-') {
        return None;
    }
    if n == 0 {
        return Some((i, HostRun::Invalid));
    }
    let run = u32::MAX >> (32 - n);
    let starts = (dot << 1 | 1) & run;
    let shape = starts & !alnum == 0;
    // The top label's start, a byte of the run (below `n`): a letter, so
    // a dotted string of digits is no name. One byte, tested by itself
    // where a letter mask of every window was one more move mask each.
    let top = 31 - starts.leading_zeros();
    let name = shape && b.get(i + top as usize).is_some_and(u8::is_ascii_alphabetic);
    Some((i + n as usize, if name { HostRun::Name } else { HostRun::Invalid }))
}

/// The rest of a host run found malformed at `j`: its end, for the
/// caller's error (or its reading of the run as a user part).
#[cold]
#[inline(never)]
fn host_run_invalid(b: &[u8], j: usize) -> (usize, HostRun) {
    (scan_uri_class(b, j, C_HOST), HostRun::Invalid)
}

impl<'a> Host<'a> {
    /// Parses a host (no port): a domain name, a dotted-quad IPv4 address,
    /// or an IPv6 reference in brackets (RFC 3261 §25.1, RFC 5954).
    ///
    /// A dotted string of digits is an IPv4 address or nothing: `1.2.3` and
    /// `1.2.3.256` are syntax errors, since a top label must start with a
    /// letter. An IPv6 address without brackets is an error (RFC 5118
    /// §4.2); see [`Host::parse_lenient_ipv6`] for the places that allow it.
    #[inline]
    pub fn parse(s: &'a [u8]) -> Result<Host<'a>, ParseError> {
        // Only a name needs its text as `&str`: the conversion is made on
        // that branch alone.
        Self::parse_with(s, || ascii_str(s))
    }

    /// [`Host::parse`] of text: no UTF-8 check at all.
    #[inline]
    pub fn parse_str(s: &'a str) -> Result<Host<'a>, ParseError> {
        Self::parse_with(s.as_bytes(), || Some(s))
    }

    #[inline(always)]
    fn parse_with(s: &'a [u8], text: impl FnOnce() -> Option<&'a str>) -> Result<Host<'a>, ParseError> {
        if let Some(rest) = s.strip_prefix(b"[") {
            let inner = rest.strip_suffix(b"]").ok_or_else(syntax)?;
            return Host::parse_ipv6_literal(inner);
        }
        match scan_host_run::<true, false>(s, 0) {
            (e, HostRun::Ipv4(a)) if e == s.len() => Ok(Host::Ipv4(a.to_le_bytes())),
            (e, HostRun::Name) if e == s.len() => text().map(Host::Domain).ok_or_else(syntax),
            _ => Err(syntax()),
        }
    }

    /// The host `s[a..b]` of a URI, classified by [`scan_host_run`].
    #[inline(always)]
    fn from_run(s: &'a str, a: usize, b: usize, run: HostRun) -> Result<Host<'a>, ParseError> {
        match run {
            HostRun::Ipv4(addr) => Ok(Host::Ipv4(addr.to_le_bytes())),
            // Two one-sided cuts: the two-sided `get(a..b)` of `str` is
            // called out of line from here (its char-boundary checks are
            // the same either way).
            HostRun::Name => {
                s.get(a..).and_then(|t| t.get(..b.checked_sub(a)?)).map(Host::Domain).ok_or_else(syntax)
            }
            HostRun::Invalid => Err(syntax()),
        }
    }

    /// The host whose name or IPv4 bytes start at `i` of `s` (not an IPv6
    /// reference): the end of its run of host bytes (alphanumerics, `-`,
    /// `.`) and the host, if that run is one. The caller checks that the
    /// run ends where the host must; then this is [`Host::parse_str`] of
    /// `s[i..end]`, found in the same pass as that end (no second scan of
    /// a sent-by the caller has delimited already).
    #[inline(always)]
    pub(crate) fn scan_str(s: &'a str, i: usize) -> (usize, Option<Host<'a>>) {
        let (e, run) = scan_host_run::<false, false>(s.as_bytes(), i);
        (e, Host::from_run(s, i, e, run).ok())
    }

    /// Like [`Host::parse`], but also accepts an IPv6 address without
    /// brackets, as the Via `received` parameter carries it (RFC 3261
    /// §20.42 `received = "received" EQUAL (IPv4address / IPv6address)`,
    /// RFC 5118 §4.5). The bracketed form is accepted too.
    pub fn parse_lenient_ipv6(s: &'a [u8]) -> Result<Host<'a>, ParseError> {
        // No name or IPv4 byte is a ':', so the run of those bytes reaches
        // a ':' exactly when the text is meant as a bare IPv6 address; the
        // run stopping anywhere else is an error either way. No second
        // search of the whole text.
        match scan_host_run::<true, false>(s, 0) {
            (e, _) if s.get(e) == Some(&b':') => Host::parse_ipv6_literal(s),
            (e, HostRun::Ipv4(a)) if e == s.len() => Ok(Host::Ipv4(a.to_le_bytes())),
            (e, HostRun::Name) if e == s.len() => ascii_str(s).map(Host::Domain).ok_or_else(syntax),
            _ => Host::parse(s),
        }
    }

    fn parse_ipv6_literal(inner: &'a [u8]) -> Result<Host<'a>, ParseError> {
        let addr = parse_ipv6(inner).ok_or_else(syntax)?;
        let raw = ascii_str(inner).ok_or_else(syntax)?;
        Ok(Host::Ipv6 { addr, raw })
    }

    /// Host comparison of RFC 3261 §19.1.4: domain names case-insensitively,
    /// addresses by value (so `[2001:db8::1]` matches
    /// `[2001:0db8:0:0::1]`). A name never matches an address, even the one
    /// it resolves to.
    pub fn equivalent(&self, other: &Host<'_>) -> bool {
        match (self, other) {
            (Host::Domain(a), Host::Domain(b)) => eq_ic(a.as_bytes(), b.as_bytes()),
            (Host::Ipv4(a), Host::Ipv4(b)) => a == b,
            (Host::Ipv6 { addr: a, .. }, Host::Ipv6 { addr: b, .. }) => a == b,
            _ => false,
        }
    }

    /// True for an IPv4 or IPv6 address.
    pub fn is_ip(&self) -> bool {
        !matches!(self, Host::Domain(_))
    }
}

impl fmt::Display for Host<'_> {
    /// Writes the host as it appears in a URI: a domain as written, IPv4 in
    /// dotted-quad form, IPv6 as written inside brackets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Domain(d) => f.write_str(d),
            Host::Ipv4([a, b, c, d]) => write!(f, "{a}.{b}.{c}.{d}"),
            Host::Ipv6 { raw, .. } => write!(f, "[{raw}]"),
        }
    }
}

/// Parses `1*DIGIT` as a port: leading zeros are fine, a value above 65535
/// is [`ErrorKind::OutOfRange`].
fn parse_port(s: &[u8]) -> Result<u16, ParseError> {
    if s.is_empty() {
        return Err(syntax());
    }
    // One pass; the value stops growing once above 65535 (so any number of
    // digits is fine), and a non-digit anywhere is a syntax error even
    // after an overflow.
    let mut v: u32 = 0;
    for &c in s {
        if !is_digit(c) {
            return Err(syntax());
        }
        if v <= 65_535 {
            v = v * 10 + u32::from(c - b'0');
        }
    }
    u16::try_from(v).map_err(|_| out_of_range())
}

/// Parses `host [ ":" port ]` (RFC 3261 §25.1 `hostport`). The port is
/// 0-65535 with leading zeros allowed; a larger one is
/// [`ErrorKind::OutOfRange`]. `[2001:db8::10:5070]` is an address with no
/// port (RFC 5118 §4.3); `[2001:db8::10]:5070` has port 5070.
#[inline]
pub fn parse_hostport(s: &[u8]) -> Result<(Host<'_>, Option<u16>), ParseError> {
    let host_end = if s.first() == Some(&b'[') {
        memchr::memchr(b']', s).map(|k| k + 1).ok_or_else(syntax)?
    } else {
        // The host ends at the first byte no host can hold: ':' before a
        // port, anything else is an error below (as it would be inside
        // the host).
        scan_uri_class(s, 0, C_HOST)
    };
    let (host, rest) = s.split_at(host_end);
    let host = Host::parse(host)?;
    let port = match rest.split_first() {
        None => None,
        Some((b':', digits)) => Some(parse_port(digits)?),
        Some(_) => return Err(syntax()),
    };
    Ok((host, port))
}

// ---------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------

/// One `uri-parameter`: `pname [ "=" pvalue ]`, both still %-escaped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UriParam<'a> {
    /// The name as written.
    pub name: &'a [u8],
    /// The value as written, if an `=` was present.
    pub value: Option<&'a [u8]>,
}

impl UriParam<'_> {
    /// True if the name is `name` (case-insensitive, after unescaping).
    pub fn is(&self, name: &str) -> bool {
        eq_unescaped(self.name, name.as_bytes(), true)
    }
}

/// Iterator over [`UriParams`]. A malformed parameter yields one `Err`,
/// after which the iterator is fused.
#[derive(Clone, Debug)]
pub struct UriParamIter<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for UriParamIter<'a> {
    type Item = Result<UriParam<'a>, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_param(false)
    }
}

impl<'a> UriParamIter<'a> {
    /// The next parameter; with `stop_at_query`, a '?' ends the parameter
    /// (and the list) instead of being an error, so the URI parser finds
    /// the headers part in the same pass.
    #[inline]
    fn next_param(&mut self, stop_at_query: bool) -> Option<Result<UriParam<'a>, ParseError>> {
        let (&first, after) = self.rest.split_first()?;
        if first != b';' {
            self.rest = &[];
            return Some(Err(syntax()));
        }
        // One pass over `pname [ "=" pvalue ]`: find its end (the next ';'),
        // its '=', and check every byte is a paramchar or a %HH escape.
        let mut eq = None;
        let mut i = 0;
        let mut ok = true;
        loop {
            i = scan_uri_class(after, i, C_PARAM);
            let Some(&c) = after.get(i) else { break };
            if c == b';' || (c == b'?' && stop_at_query) {
                break;
            } else if c == b'=' && eq.is_none() {
                eq = Some(i);
                i += 1;
            } else if c == b'%'
                && after.get(i + 1).is_some_and(|&h| is_hex(h))
                && after.get(i + 2).is_some_and(|&l| is_hex(l))
            {
                i += 3;
            } else {
                ok = false;
                break;
            }
        }
        let (seg, rest) = after.split_at(i);
        self.rest = rest;
        let (name, value) = match eq {
            Some(k) => (&seg[..k], Some(&seg[k + 1..])),
            None => (seg, None),
        };
        if !ok || name.is_empty() || value.is_some_and(<[u8]>::is_empty) {
            self.rest = &[];
            return Some(Err(syntax()));
        }
        Some(Ok(UriParam { name, value }))
    }
}

impl<'a> IntoIterator for UriParams<'a> {
    type Item = Result<UriParam<'a>, ParseError>;
    type IntoIter = UriParamIter<'a>;
    fn into_iter(self) -> UriParamIter<'a> {
        self.iter()
    }
}

impl<'a> UriParams<'a> {
    /// Iterates the parameters in order.
    pub fn iter(&self) -> UriParamIter<'a> {
        UriParamIter { rest: self.raw }
    }

    /// True if there are no parameters.
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }

    /// Finds the first parameter named `name`, compared case-insensitively
    /// after unescaping both. `Some(None)` means present without a value;
    /// the value is returned as written (still %-escaped).
    pub fn get(&self, name: &str) -> Option<Option<&'a [u8]>> {
        self.find(name.as_bytes())
    }

    /// The value of parameter `name`, if present with a value.
    pub fn value(&self, name: &str) -> Option<&'a [u8]> {
        self.get(name).flatten()
    }

    /// True if a parameter named `name` is present.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Checks every parameter's syntax.
    pub fn validate(&self) -> Result<(), ParseError> {
        self.iter().try_for_each(|p| p.map(|_| ()))
    }

    /// Lookup by a (possibly escaped) name.
    fn find(&self, name: &[u8]) -> Option<Option<&'a [u8]>> {
        self.iter().map_while(Result::ok).find(|p| eq_unescaped(p.name, name, true)).map(|p| p.value)
    }

    /// The number of parameters, or `None` beyond [`MAX_COMPARE_ITEMS`] or
    /// on a malformed list.
    fn count_for_compare(&self) -> Option<usize> {
        let mut n = 0usize;
        for p in self.iter() {
            p.ok()?;
            n += 1;
            if n > MAX_COMPARE_ITEMS {
                return None;
            }
        }
        Some(n)
    }
}

/// Parameters whose presence in only one URI makes two SIP URIs differ
/// (RFC 3261 §19.1.4).
const STRICT_PARAMS: [&str; 5] = ["user", "ttl", "method", "maddr", "transport"];

/// Digits of a `ttl` value, unescaped; `None` if not `1*DIGIT`, saturating
/// above 255 into 256.
fn ttl_value(v: &[u8]) -> Option<u16> {
    let mut n = 0u16;
    let mut any = false;
    for c in Unescaped::new(v) {
        if !is_digit(c) {
            return None;
        }
        any = true;
        n = (n * 10 + u16::from(c - b'0')).min(256);
    }
    any.then_some(n)
}

/// The parameters this module has accessors for, whose values it checks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum KnownParam {
    /// transport, user, method: a token.
    Token,
    Ttl,
    Maddr,
    /// pn-param, pn-prid, pn-purr: a value is required.
    Valued,
    Other,
}

/// `name` equals `lower`, a lower-case name of letters and `-`, ignoring
/// case: `c | 0x20` is a lower-case letter exactly when `c` is that letter
/// in either case, and is `-` only for `-` or CR, which no parameter name
/// holds (the caller's scan admitted only paramchars).
///
/// Names of four bytes or more are compared as two overlapping words
/// (`transport`: bytes 0-7 and 1-8), OR-ing 0x20 onto every byte at once:
/// the same per-byte test, a few instructions instead of four per byte.
#[inline(always)]
fn eq_lower(name: &[u8], lower: &[u8]) -> bool {
    #[inline(always)]
    fn word<const N: usize>(s: &[u8], at: usize) -> Option<[u8; N]> {
        s.get(at..at + N).and_then(|w| <[u8; N]>::try_from(w).ok())
    }
    let n = name.len();
    if n != lower.len() {
        return false;
    }
    if n >= 8 {
        let (Some(a), Some(b), Some(x), Some(y)) =
            (word::<8>(name, 0), word::<8>(name, n - 8), word::<8>(lower, 0), word::<8>(lower, n - 8))
        else {
            return false;
        };
        const FOLD: u64 = 0x2020_2020_2020_2020;
        (u64::from_le_bytes(a) | FOLD) == u64::from_le_bytes(x)
            && (u64::from_le_bytes(b) | FOLD) == u64::from_le_bytes(y)
    } else if n >= 4 {
        let (Some(a), Some(b), Some(x), Some(y)) =
            (word::<4>(name, 0), word::<4>(name, n - 4), word::<4>(lower, 0), word::<4>(lower, n - 4))
        else {
            return false;
        };
        const FOLD: u32 = 0x2020_2020;
        (u32::from_le_bytes(a) | FOLD) == u32::from_le_bytes(x)
            && (u32::from_le_bytes(b) | FOLD) == u32::from_le_bytes(y)
    } else {
        name.iter().zip(lower).all(|(&c, &l)| c | 0x20 == l)
    }
}

#[inline(always)]
fn known_param(name: &[u8], escaped: bool) -> KnownParam {
    use KnownParam::*;
    // Plain names: dispatch on length and first letter, then one compare.
    let first = name.first().map_or(0, |&c| c | 0x20);
    match (name.len(), first) {
        (9, b't') if eq_lower(name, b"transport") => return Token,
        (4, b'u') if eq_lower(name, b"user") => return Token,
        (6, b'm') if eq_lower(name, b"method") => return Token,
        (3, b't') if eq_lower(name, b"ttl") => return Ttl,
        (5, b'm') if eq_lower(name, b"maddr") => return Maddr,
        (8, b'p') if eq_lower(name, b"pn-param") => return Valued,
        (7, b'p') if eq_lower(name, b"pn-prid") || eq_lower(name, b"pn-purr") => return Valued,
        _ => {}
    }
    if escaped {
        return known_escaped_param(name);
    }
    Other
}

/// [`known_param`] of a name holding escapes: rare, so compared after
/// unescaping (§19.1.4), out of line.
#[cold]
fn known_escaped_param(name: &[u8]) -> KnownParam {
    use KnownParam::*;
    const TABLE: [(&str, KnownParam); 8] = [
        ("transport", Token),
        ("user", Token),
        ("method", Token),
        ("ttl", Ttl),
        ("maddr", Maddr),
        ("pn-param", Valued),
        ("pn-prid", Valued),
        ("pn-purr", Valued),
    ];
    TABLE.iter().find(|(n, _)| eq_unescaped(name, n.as_bytes(), true)).map_or(Other, |&(_, k)| k)
}

/// A name of up to eight bytes as a pattern over the little-endian word of
/// the eight bytes where a name starts: its bytes, the mask of its length,
/// and 0x20 at each letter (`c | 0x20` is a lower-case letter exactly when
/// `c` is that letter in either case; other bytes are compared as they are).
const fn name_pattern(name: &[u8]) -> (u64, u64, u64) {
    let (mut pat, mut mask, mut fold) = (0u64, 0u64, 0u64);
    let mut k = 0;
    while k < name.len() {
        pat |= (name[k] as u64) << (8 * k);
        mask |= 0xff << (8 * k);
        if name[k].is_ascii_lowercase() {
            fold |= 0x20 << (8 * k);
        }
        k += 1;
    }
    (pat, mask, fold)
}

/// The parameter name at `i` when it is `lr` or one of the names
/// [`known_param`] knows without escapes: its length and kind, told from the
/// word of the eight bytes at `i` and the byte after the name, which must
/// not go on with a paramchar or an escape (RFC 3261 §25.1 `pname =
/// 1*paramchar`). `None` for any other name (or fewer than eight bytes
/// left), which the caller scans; the result is then the same as that of
/// the scan and [`known_param`].
#[inline(always)]
fn known_name_at(b: &[u8], i: usize) -> Option<(usize, KnownParam)> {
    const LR: (u64, u64, u64) = name_pattern(b"lr");
    const TTL: (u64, u64, u64) = name_pattern(b"ttl");
    const USER: (u64, u64, u64) = name_pattern(b"user");
    const MADDR: (u64, u64, u64) = name_pattern(b"maddr");
    const METHOD: (u64, u64, u64) = name_pattern(b"method");
    const TRANSPOR: (u64, u64, u64) = name_pattern(b"transpor");
    const PN_PRID: (u64, u64, u64) = name_pattern(b"pn-prid");
    const PN_PURR: (u64, u64, u64) = name_pattern(b"pn-purr");
    const PN_PARAM: (u64, u64, u64) = name_pattern(b"pn-param");
    let w = u64::from_le_bytes(*b.get(i..)?.first_chunk::<8>()?);
    let is = |(pat, mask, fold): (u64, u64, u64)| (w | fold) & mask == pat;
    let ends = |n: usize| b.get(i + n).is_none_or(|&c| c != b'%' && URI_CLASS[c as usize] & C_PARAM == 0);
    let (n, kind) = match w as u8 | 0x20 {
        b'l' if is(LR) => (2, KnownParam::Other),
        b't' if is(TRANSPOR) && b.get(i + 8).is_some_and(|&c| c | 0x20 == b't') => (9, KnownParam::Token),
        b't' if is(TTL) => (3, KnownParam::Ttl),
        b'u' if is(USER) => (4, KnownParam::Token),
        b'm' if is(METHOD) => (6, KnownParam::Token),
        b'm' if is(MADDR) => (5, KnownParam::Maddr),
        b'p' if is(PN_PRID) || is(PN_PURR) => (7, KnownParam::Valued),
        b'p' if is(PN_PARAM) => (8, KnownParam::Valued),
        _ => return None,
    };
    ends(n).then_some((n, kind))
}

/// Where the parameter name at `n` ends when it is `transport` (either
/// case) followed by `=`: the parameter nearly every Contact URI carries
/// (RFC 3261 §19.1.1), told by one folded word compare of its first eight
/// bytes and two byte tests, where the class scan took a window and a
/// byte more. `=` is no paramchar, so the `C_PTOKEN` scan ends the name
/// there too. `None` for anything else, which the caller scans. (Used for
/// name-addr URIs only: for the Request-URI's it measured no better.)
#[inline(always)]
fn transport_name_end(b: &[u8], n: usize) -> Option<usize> {
    const TRANSPOR: (u64, u64, u64) = name_pattern(b"transpor");
    let (pat, _, fold) = TRANSPOR;
    let &[a0, a1, a2, a3, a4, a5, a6, a7, t, eq] = b.get(n..)?.first_chunk::<10>()?;
    let w = u64::from_le_bytes([a0, a1, a2, a3, a4, a5, a6, a7]);
    (w | fold == pat && t | 0x20 == b't' && eq == b'=').then_some(n + 9)
}

/// Scans one `uri-parameter` of a SIP URI from `i` (just after its `;`),
/// checks its syntax and, for the parameters this module has accessors
/// for, its value; returns where it ends (at `;`, `?` or the end of the
/// URI). Each byte is looked at once.
#[inline(always)]
fn scan_sip_param<const GT: bool>(b: &[u8], i: usize) -> Result<usize, ParseError> {
    // The common names are told from the word at the name's start, which
    // also gives their end; any other name is scanned.
    let (ne, name_escaped, kind) = match known_name_at(b, i) {
        Some((n, kind)) => (i + n, false, Some(kind)),
        None => {
            let (ne, esc) = scan_escaped_flagged(b, i, C_PARAM);
            (ne, esc, None)
        }
    };
    let name = b.get(i..ne).ok_or_else(syntax)?;
    if name.is_empty() {
        return Err(syntax());
    }
    // The value is scanned as a token first (nearly every value is one);
    // only a paramchar that is no token byte, or an escape, takes the
    // general scan on from there. Either way the value ends where the
    // paramchar scan alone would end it.
    let (end, value, value_escaped, plain_token) = if b.get(ne) == Some(&b'=') {
        let t = scan_uri_class(b, ne + 1, C_PTOKEN);
        let (ve, esc, plain) = match b.get(t) {
            Some(&c) if c == b'%' || URI_CLASS[c as usize] & C_PARAM != 0 => {
                let (ve, esc) = scan_escaped_flagged(b, t, C_PARAM);
                (ve, esc, false)
            }
            _ => (t, false, true),
        };
        if ve == ne + 1 {
            return Err(syntax());
        }
        (ve, b.get(ne + 1..ve), esc, plain)
    } else {
        (ne, None, false, false)
    };
    if !matches!(b.get(end), Some(b';' | b'?')) && !at_uri_end::<GT>(b, end) {
        return Err(syntax());
    }
    let kind = match kind {
        Some(k) => k,
        None => known_param(name, name_escaped),
    };
    check_known_param(kind, value, value_escaped, plain_token)?;
    Ok(end)
}

/// Checks the value of a parameter of kind `kind` (the parameters this
/// module has accessors for); `value_escaped` tells whether the value holds
/// a `%HH` escape, and `plain_token` that it is known to be of `C_PTOKEN`
/// bytes alone (so a token, RFC 3261 §25.1).
#[inline(always)]
fn check_known_param(
    kind: KnownParam,
    value: Option<&[u8]>,
    value_escaped: bool,
    plain_token: bool,
) -> Result<(), ParseError> {
    let value = || value.ok_or_else(syntax);
    match kind {
        KnownParam::Token => {
            let v = value()?;
            let token = plain_token
                || if value_escaped {
                    Unescaped::new(v).all(is_token)
                } else {
                    v.iter().all(|&c| is_token(c))
                };
            if !token {
                return Err(syntax());
            }
        }
        KnownParam::Ttl => match ttl_value(value()?) {
            None => return Err(syntax()),
            Some(n) if n > 255 => return Err(out_of_range()),
            Some(_) => {}
        },
        KnownParam::Maddr => {
            Host::parse(value()?)?;
        }
        KnownParam::Valued => {
            value()?;
        }
        KnownParam::Other => {}
    }
    Ok(())
}

/// Value comparison for SIP URI parameters (RFC 3261 §19.1.4: case-
/// insensitive; `ttl` by number and `maddr` by host value when they parse).
fn sip_param_value_eq(name: &[u8], a: Option<&[u8]>, b: Option<&[u8]>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => {
            if eq_unescaped(name, b"ttl", true) {
                if let (Some(x), Some(y)) = (ttl_value(a), ttl_value(b)) {
                    return x == y;
                }
            } else if eq_unescaped(name, b"maddr", true) {
                if let (Ok(x), Ok(y)) = (Host::parse(a), Host::parse(b)) {
                    return x.equivalent(&y);
                }
            }
            eq_unescaped(a, b, true)
        }
        _ => false,
    }
}

fn is_strict_param(name: &[u8]) -> bool {
    STRICT_PARAMS.iter().any(|s| eq_unescaped(name, s.as_bytes(), true))
}

/// One direction of the RFC 3261 §19.1.4 parameter rule.
fn sip_params_cover(a: &UriParams<'_>, b: &UriParams<'_>) -> bool {
    for p in a.iter() {
        let Ok(p) = p else { return false };
        match b.find(p.name) {
            Some(v) => {
                if !sip_param_value_eq(p.name, p.value, v) {
                    return false;
                }
            }
            None => {
                if is_strict_param(p.name) {
                    return false;
                }
            }
        }
    }
    true
}

// ---------------------------------------------------------------------------
// Headers
// ---------------------------------------------------------------------------

/// Iterator over the `hname=hvalue` pairs of a SIP URI's headers part,
/// raw (still %-escaped). A pair without `=` yields an empty value.
#[derive(Clone, Debug)]
pub struct UriHeaders<'a> {
    rest: Option<&'a [u8]>,
}

impl<'a> UriHeaders<'a> {
    /// Iterates `raw`, the text after `?`.
    pub fn new(raw: &'a [u8]) -> Self {
        UriHeaders { rest: Some(raw) }
    }
}

impl<'a> Iterator for UriHeaders<'a> {
    type Item = (&'a [u8], &'a [u8]);
    fn next(&mut self) -> Option<Self::Item> {
        let s = self.rest?;
        let (item, rest) = match memchr::memchr(b'&', s) {
            Some(k) => (&s[..k], Some(&s[k + 1..])),
            None => (s, None),
        };
        self.rest = rest;
        Some(match memchr::memchr(b'=', item) {
            Some(k) => (&item[..k], &item[k + 1..]),
            None => (item, &[][..]),
        })
    }
}

/// `headers = "?" header *( "&" header )`, `header = hname "=" hvalue`.
fn validate_headers(s: &[u8]) -> Result<(), ParseError> {
    for item in s.split(|&c| c == b'&') {
        let eq = memchr::memchr(b'=', item).ok_or_else(syntax)?;
        let (name, value) = (&item[..eq], &item[eq + 1..]);
        if name.is_empty() || !valid_escaped_class(name, C_HEADER) || !valid_escaped_class(value, C_HEADER) {
            return Err(syntax());
        }
    }
    Ok(())
}

fn count_headers(s: Option<&[u8]>) -> Option<usize> {
    let n = s.map_or(0, |h| UriHeaders::new(h).take(MAX_COMPARE_ITEMS + 1).count());
    (n <= MAX_COMPARE_ITEMS).then_some(n)
}

/// Every header of `a` appears in `b` with an equal value (names
/// case-insensitive, values case-sensitive, both after unescaping).
fn headers_cover(a: Option<&[u8]>, b: Option<&[u8]>) -> bool {
    let Some(a) = a else { return true };
    UriHeaders::new(a).all(|(n, v)| {
        b.is_some_and(|b| {
            UriHeaders::new(b).any(|(m, w)| eq_unescaped(n, m, true) && eq_unescaped(v, w, false))
        })
    })
}

// ---------------------------------------------------------------------------
// SIP URIs
// ---------------------------------------------------------------------------

impl<'a> SipUri<'a> {
    /// Parses a `sip:` or `sips:` URI. A valid URI of another scheme is
    /// [`ErrorKind::UnsupportedScheme`] (RFC 3261 §8.2.2.1 answers 416).
    pub fn parse(s: &'a [u8]) -> Result<SipUri<'a>, ParseError> {
        match Uri::parse(s)? {
            Uri::Sip(u) => Ok(u),
            _ => Err(ParseError::new(Element::Uri, ErrorKind::UnsupportedScheme)),
        }
    }

    /// Parses what follows `sip:` / `sips:` at `i0` of `s`, which starts
    /// with the URI; returns the URI and where it ended (`s.len()`, or with
    /// `GT` its first `>`, which no URI component can hold).
    ///
    /// No `@` can appear unescaped after the userinfo (it is in neither
    /// paramchar nor the header alphabet), so the first `@` ends it, and the
    /// user part may contain `;` and `?` (RFC 4475 §3.1.1.9). Rather than
    /// searching for that `@` first, the text is read as what nearly every
    /// URI is: a run of host bytes either ends at an `@` (a plain user) or
    /// is the host itself, and the rest is parsed in the same forward pass.
    /// Only if that reading fails and an `@` exists is the userinfo rule
    /// applied; since a successful host-first reading never contains an `@`,
    /// this gives exactly the result of finding the `@` first.
    #[inline(always)]
    fn parse_after_scheme<const GT: bool>(
        s: &'a str,
        secure: bool,
        i0: usize,
        end: &mut usize,
        out: &mut Uri<'a>,
    ) -> Result<(), ParseError> {
        let b = s.as_bytes();
        // Most URIs have a plain user: its run of host bytes is found by
        // the plain class scan, not classified as a host it is not.
        let u = scan_uri_class(b, i0, C_HOST);
        if u > i0 && b.get(u) == Some(&b'@') {
            let h = u + 1;
            let (he, run) = scan_host_run::<true, false>(b, h);
            return Self::parse_from_host::<GT>(s, secure, b.get(i0..u), None, h, he, run, end, out);
        }
        // A first byte that is no host byte and cannot end or start a
        // hostport (a telephone-subscriber's '+', '%', '_', ...): the host
        // reading below would end at once on it and hand over to the
        // userinfo rule, which is taken straight away.
        if u == i0 && !matches!(b.get(i0), None | Some(b';' | b'?' | b':' | b'[' | b'>')) {
            return Self::parse_userinfo::<GT>(s, secure, i0, end, out);
        }
        let (k, run) = scan_host_run::<true, false>(b, i0);
        match b.get(k) {
            Some(b'@') if k > i0 => {
                // Taken above already (a host run ends where the class scan
                // does); kept because dropping the arm changed how the
                // parser compiled, +183 instr/msg.
                let h = k + 1;
                let (he, run) = scan_host_run::<true, false>(b, h);
                return Self::parse_from_host::<GT>(s, secure, b.get(i0..k), None, h, he, run, end, out);
            }
            Some(b';' | b'?' | b':' | b'[') | None => {}
            Some(b'>') if GT => {}
            // A user byte that is no host byte (`+`, `%`, `_`, ...): the
            // userinfo rule straight away.
            Some(_) => return Self::parse_userinfo::<GT>(s, secure, i0, end, out),
        }
        match Self::parse_from_host::<GT>(s, secure, None, None, i0, k, run, end, out) {
            Ok(r) => Ok(r),
            Err(e) => {
                if find_byte(b'@', b.get(i0..uri_limit::<GT>(b)).unwrap_or(&[])).is_some() {
                    Self::parse_userinfo::<GT>(s, secure, i0, end, out)
                } else {
                    Err(e)
                }
            }
        }
    }

    /// The common shape of a SIP URI, `[user "@"] host [":" port]
    /// *(";" pname ["=" pvalue])` up to the end of the URI (the end of the
    /// text, or with `GT` a `>`), read in one small forward pass: a user of
    /// `C_PASSWORD` bytes (unreserved and `&=+$,`, all of them `user`
    /// bytes, RFC 3261 §25.1, and none of them `@`, `:`, `;`, `?` or `%`),
    /// a domain name or dotted quad, up to five port digits, parameter
    /// names and values of `C_PTOKEN` bytes (paramchars that are token
    /// bytes, no escapes). Returns false for any other URI, which the full
    /// parser then reads from the start: so every error and every other
    /// spelling is exactly as it was. With `GT`, `out` may have been
    /// written then (a SIP URI of the scheme, user and host read so far),
    /// which the name-addr readers write again before anything reads it,
    /// or fail; without, nothing is written.
    ///
    /// Every byte this path takes is in a class without `@`, and it takes
    /// all of them up to the URI's end, so when it answers the URI holds no
    /// `@` but the one that ended the user: the userinfo is what the full
    /// parser finds too. A parameter it takes is one the full parser
    /// accepts: a value of token bytes is a token (`transport`, `user`,
    /// `method`) and present (`pn-*`); `ttl` and `maddr` values, and the
    /// known names without a value (errors), are left to the full parser.
    ///
    /// The byte-class scans stay: one pass over a word mask of the stop
    /// bytes (everything but letters and digits) measured dearer, because
    /// a URI has a stop every four to eight bytes and each costs its
    /// extraction and dispatch (commit 74078e0 gives the figures, and of
    /// the smaller word-wise reads tried with it). Also measured dearer: a
    /// dotted quad right after the scheme read first, to spare the user
    /// scan over a userless Route's host, and a word-wise (SWAR) test of
    /// a label's alphanumerics in place of its class scan (the commit
    /// after 78c24e5 gives the figures). Measured dearer too (this
    /// session, against 6,328 instr/msg, 4,780 parse only): the user's end
    /// told from one SSE2 host-class window where the run ends at a byte
    /// that is no user byte, +30 / +24; the user and host both read from
    /// one pair of windows from the user's start, +105 / +40 (before
    /// fd9599c); a dotted quad read here and its Host made at once, not
    /// through scan_host_run, +35 / +1. What did measure cheaper: the
    /// user told by one window of alphanumerics ending at its `@`
    /// ([`plain_user`]), with no class window of the host: 6,221 ->
    /// 6,180 instr/msg, 4,695 -> 4,658 parse only.
    ///
    /// `CALL`: the parameters are read by a call, not inlined (for the
    /// parse-time From/To pass, whose URIs seldom carry any: its body
    /// stays small).
    #[inline(always)]
    fn parse_fast<const GT: bool, const CALL: bool, const WIN: bool>(
        s: &'a str,
        secure: bool,
        i0: usize,
        end: &mut usize,
        out: &mut Uri<'a>,
    ) -> bool {
        let b = s.as_bytes();
        let (user, h) = plain_user(b, i0);
        let (he, run) = scan_host_run::<true, CALL>(b, h);
        let Ok(host) = Host::from_run(s, h, he, run) else { return false };
        // `sip:user@host` ending right there, as most From and To URIs
        // do: each field written once, with none of the port and
        // parameter tests.
        if at_uri_end::<GT>(b, he) {
            let (Some(params), Some(raw)) = (b.get(he..he), b.get(..he)) else { return false };
            *end = he;
            *out = Uri::Sip(SipUri {
                secure,
                user,
                password: None,
                host,
                port: None,
                params: UriParams { raw: params },
                headers: None,
                raw,
            });
            return true;
        }
        // In a name-addr (GT), the scheme, user and host are written now,
        // not kept live across the port and parameters (spilled to the
        // stack and read back for the final stores); the rest is written at
        // the end. A false answer may leave them written: every name-addr
        // reader then parses the URI again from the start, writing all of
        // it, or fails and drops the value. Not for a URI alone, whose
        // place is left as it was on an error (`Uri::parse_str_into`).
        // Measured: 6,496 -> 6,490 instr/msg, 79,851 -> 79,757 a call.
        if GT {
            *out = Uri::Sip(SipUri {
                secure,
                user,
                password: None,
                host,
                port: None,
                params: UriParams { raw: &[] },
                headers: None,
                raw: &[],
            });
        }
        let mut i = he;
        let mut port = None;
        if b.get(i) == Some(&b':') {
            // One to five digits, at most 65535 (RFC 3261 §25.1 `port =
            // 1*DIGIT`; more digits or a larger value to the full parser).
            let p = i + 1;
            // Read through a fixed six-byte window where the text has one
            // (a port is followed by parameters or the `>`), as a dotted
            // quad is: no bounds test per digit.
            let Some((v, n)) = (match b.get(p..).and_then(<[u8]>::first_chunk::<6>) {
                Some(w) => port_read(|k| w[k % 6]),
                None => port_read(|k| b.get(p + k).copied().unwrap_or(0)),
            }) else {
                return false;
            };
            let Ok(v) = u16::try_from(v) else { return false };
            i = p + n;
            port = Some(v);
            // In a name-addr, written now as the host was (not kept live
            // across the parameters): 6,474 -> 6,460 instr/msg.
            if GT && let Uri::Sip(u) = out {
                u.port = port;
            }
        }
        let p0 = i;
        if b.get(i) == Some(&b';') {
            let Some(e) =
                (if CALL { Self::fast_params_call::<GT>(b, i) } else { Self::fast_params::<GT, WIN>(b, i) })
            else {
                return false;
            };
            i = e;
        }
        if !at_uri_end::<GT>(b, i) {
            return false;
        }
        let (Some(params), Some(raw)) = (b.get(p0..i), b.get(..i)) else { return false };
        *end = i;
        match out {
            Uri::Sip(u) if GT => {
                u.params = UriParams { raw: params };
                u.raw = raw;
            }
            _ => {
                *out = Uri::Sip(SipUri {
                    secure,
                    user,
                    password: None,
                    host,
                    port,
                    params: UriParams { raw: params },
                    headers: None,
                    raw,
                })
            }
        }
        true
    }

    /// The fast path's `*(";" pname ["=" pvalue])` from `i` (a `;`):
    /// names and values of `C_PTOKEN` bytes, up to the first byte that
    /// starts no further parameter. `None` for a parameter the full parser
    /// must read (an empty name or value, a `ttl` / `maddr` value, a known
    /// name without the value it needs).
    #[inline(always)]
    fn fast_params<const GT: bool, const WIN: bool>(b: &[u8], mut i: usize) -> Option<usize> {
        let mut win = RunWindow::NONE;
        let mut run =
            |k: usize| if WIN { ptoken_run(b, k, &mut win) } else { scan_uri_class(b, k, C_PTOKEN) };
        while b.get(i) == Some(&b';') {
            let n = i + 1;
            // `transport=` (its '=' compared with it) takes a token value:
            // straight to the value, without the name's tests below, which
            // give the same for it (a nine-byte name, neither ttl nor
            // maddr). Measured: 6,490 -> 6,474 instr/msg.
            if GT && let Some(ne) = transport_name_end(b, n) {
                // The usual values (RFC 3261 §19.1.1 `transport-param`),
                // lower-case three letters and a byte that ends the
                // value, told by one word compare and that byte's class:
                // where the class scan would end too.
                if let Some(w) = b.get(ne + 1..).and_then(<[u8]>::first_chunk::<4>) {
                    const UDP: u32 = u32::from_le_bytes(*b"udp\0");
                    const TCP: u32 = u32::from_le_bytes(*b"tcp\0");
                    const TLS: u32 = u32::from_le_bytes(*b"tls\0");
                    let v = u32::from_le_bytes(*w) & 0x00FF_FFFF;
                    if matches!(v, UDP | TCP | TLS) && URI_CLASS[w[3] as usize] & C_PTOKEN == 0 {
                        i = ne + 4;
                        continue;
                    }
                }
                let ve = scan_uri_class(b, ne + 1, C_PTOKEN);
                if ve == ne + 1 {
                    return None;
                }
                i = ve;
                continue;
            }
            let ne = run(n);
            let name = b.get(n..ne)?;
            if name.is_empty() {
                return None;
            }
            if b.get(ne) == Some(&b'=') {
                let ve = run(ne + 1);
                // An empty value, or a ttl / maddr one, which has checks of
                // its own.
                let first = name.first().map_or(0, |&c| c | 0x20);
                if ve == ne + 1 || matches!((name.len(), first), (3, b't') | (5, b'm')) {
                    return None;
                }
                i = ve;
            } else {
                // No value: a known name that needs one.
                if known_param(name, false) != KnownParam::Other {
                    return None;
                }
                i = ne;
            }
        }
        Some(i)
    }

    /// [`SipUri::fast_params`] as a call.
    #[inline(never)]
    fn fast_params_call<const GT: bool>(b: &[u8], i: usize) -> Option<usize> {
        Self::fast_params::<GT, false>(b, i)
    }

    /// [`SipUri::parse_after_scheme`] out of line: the URIs the fast path
    /// leaves are few, and the callers stay small.
    #[inline(never)]
    fn parse_general<const GT: bool>(
        s: &'a str,
        secure: bool,
        i0: usize,
        end: &mut usize,
        out: &mut Uri<'a>,
    ) -> Result<(), ParseError> {
        Self::parse_after_scheme::<GT>(s, secure, i0, end, out)
    }

    /// The general path: the userinfo ends at the first `@` (if any), is
    /// `user [ ":" password ]`, each in its alphabet with `%HH` escapes.
    #[inline(never)]
    fn parse_userinfo<const GT: bool>(
        s: &'a str,
        secure: bool,
        i0: usize,
        end: &mut usize,
        out: &mut Uri<'a>,
    ) -> Result<(), ParseError> {
        let b = s.as_bytes();
        // `user [ ":" password ] "@"` read forward: no '@' or ':' is a user
        // byte and no '@' a password byte, so a user scan that stops at
        // '@' (or at ':' then a password scan at '@') has found the first
        // '@' and the first ':' before it, as the rule below would.
        let k = scan_escaped_class(b, i0, C_USER);
        if k > i0 {
            let (user, password, at) = match b.get(k) {
                Some(b'@') => (b.get(i0..k), None, Some(k)),
                Some(b':') => {
                    let p = scan_escaped_class(b, k + 1, C_PASSWORD);
                    let at = (b.get(p) == Some(&b'@')).then_some(p);
                    (b.get(i0..k), b.get(k + 1..p), at)
                }
                _ => (None, None, None),
            };
            if let (Some(user), Some(at)) = (user, at) {
                let h = at + 1;
                let (he, run) = scan_host_run::<true, false>(b, h);
                return Self::parse_from_host::<GT>(s, secure, Some(user), password, h, he, run, end, out);
            }
        }
        let rest = b.get(i0..uri_limit::<GT>(b)).ok_or_else(syntax)?;
        let Some(at) = find_byte(b'@', rest) else {
            let (he, run) = scan_host_run::<true, false>(b, i0);
            return Self::parse_from_host::<GT>(s, secure, None, None, i0, he, run, end, out);
        };
        let userinfo = &rest[..at];
        let (user, password) = match find_byte(b':', userinfo) {
            Some(k) => (&userinfo[..k], Some(&userinfo[k + 1..])),
            None => (userinfo, None),
        };
        if user.is_empty() || !valid_escaped_class(user, C_USER) {
            return Err(syntax());
        }
        if password.is_some_and(|p| !valid_escaped_class(p, C_PASSWORD)) {
            return Err(syntax());
        }
        let h = i0 + at + 1;
        let (he, run) = scan_host_run::<true, false>(b, h);
        Self::parse_from_host::<GT>(s, secure, Some(user), password, h, he, run, end, out)
    }

    /// Parses `hostport *( ";" uri-parameter ) [ "?" headers ]` from `h`,
    /// where `s[h..he]` is the run of host bytes there (empty for `[`),
    /// classified as `run`.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn parse_from_host<const GT: bool>(
        s: &'a str,
        secure: bool,
        user: Option<&'a [u8]>,
        password: Option<&'a [u8]>,
        h: usize,
        he: usize,
        run: HostRun,
        end: &mut usize,
        out: &mut Uri<'a>,
    ) -> Result<(), ParseError> {
        let b = s.as_bytes();
        // hostport ends at ';', '?' or the end of the URI.
        let ends_hostport = |i: usize| match b.get(i) {
            None | Some(b';' | b'?') => true,
            Some(b'>') => GT,
            _ => false,
        };
        let (host, port, mut i) = if b.get(h) == Some(&b'[') {
            let end = scan_uri_class(b, h, C_HOSTPORT);
            if !ends_hostport(end) {
                return Err(syntax());
            }
            let (host, port) = parse_hostport(b.get(h..end).ok_or_else(syntax)?)?;
            (host, port, end)
        } else {
            let host = Host::from_run(s, h, he, run)?;
            if b.get(he) == Some(&b':') {
                // The digits are read and their value taken in the same
                // loop, which stops growing it above 65535 as parse_port
                // does.
                let mut end = he + 1;
                let mut v: u32 = 0;
                while let Some(&c) = b.get(end) {
                    let d = u32::from(c).wrapping_sub(u32::from(b'0'));
                    if d >= 10 {
                        break;
                    }
                    if v <= 65_535 {
                        v = v * 10 + d;
                    }
                    end += 1;
                }
                if !ends_hostport(end) || end == he + 1 {
                    return Err(syntax());
                }
                (host, Some(u16::try_from(v).map_err(|_| out_of_range())?), end)
            } else {
                // Whatever follows is checked below: a ';' starts the
                // parameters, a '?' the headers, and anything else must end
                // the URI, so a byte that cannot end the hostport is the
                // same syntax error there.
                (host, None, he)
            }
        };
        // The parameters, each delimited and checked in one scan.
        let p0 = i;
        while b.get(i) == Some(&b';') {
            i = scan_sip_param::<GT>(b, i + 1)?;
        }
        let params = UriParams { raw: b.get(p0..i).ok_or_else(syntax)? };
        let headers = if b.get(i) == Some(&b'?') {
            let h0 = i + 1;
            i = scan_escaped_class(b, h0, C_HEADERS);
            let h = b.get(h0..i).ok_or_else(syntax)?;
            validate_headers(h)?;
            Some(h)
        } else {
            None
        };
        if !at_uri_end::<GT>(b, i) {
            return Err(syntax());
        }
        let raw = b.get(..i).ok_or_else(syntax)?;
        *end = i;
        // Built once, in place: the URI is a large value, and every move of
        // it through a `Result` is a copy.
        *out = Uri::Sip(SipUri { secure, user, password, host, port, params, headers, raw });
        Ok(())
    }

    /// The user part with escapes decoded (`null-%00-null` yields seven
    /// bytes including a NUL, RFC 4475 §3.1.1.4).
    pub fn user_unescaped(&self) -> Option<Unescaped<'a>> {
        self.user.map(Unescaped::new)
    }

    /// The password with escapes decoded.
    pub fn password_unescaped(&self) -> Option<Unescaped<'a>> {
        self.password.map(Unescaped::new)
    }

    /// The `hname=hvalue` pairs of the headers part, raw.
    pub fn headers_iter(&self) -> UriHeaders<'a> {
        match self.headers {
            Some(h) => UriHeaders::new(h),
            None => UriHeaders { rest: None },
        }
    }

    fn param_str(&self, name: &str) -> Option<&'a str> {
        self.params.value(name).and_then(ascii_str)
    }

    /// The `transport` parameter as written (`udp`, `tcp`, `sctp`, `tls`,
    /// `ws`, ...; compare case-insensitively).
    pub fn transport(&self) -> Option<&'a str> {
        self.param_str("transport")
    }

    /// The `user` parameter as written (`phone`, `ip`, ...).
    pub fn user_param(&self) -> Option<&'a str> {
        self.param_str("user")
    }

    /// The `method` parameter (RFC 3261 §19.1.1), as a [`Method`]; methods
    /// are case-sensitive.
    pub fn method_param(&self) -> Option<Method<'a>> {
        self.params.value("method").and_then(Method::from_bytes)
    }

    /// The `ttl` parameter, 0-255 (larger values fail parsing).
    pub fn ttl(&self) -> Option<u8> {
        self.params.value("ttl").and_then(ttl_value).and_then(|v| u8::try_from(v).ok())
    }

    /// The `maddr` parameter as a host (validated by [`Uri::parse`]; it
    /// must be written without escapes).
    pub fn maddr(&self) -> Option<Host<'a>> {
        self.params.value("maddr").and_then(|v| Host::parse(v).ok())
    }

    /// True if the `lr` parameter is present (RFC 3261 §19.1.1; the
    /// pre-RFC `lr=on` form counts too).
    pub fn lr(&self) -> bool {
        self.params.contains("lr")
    }

    /// True if the `ob` parameter is present (RFC 5626 §5.4).
    pub fn ob(&self) -> bool {
        self.params.contains("ob")
    }

    /// The `gr` parameter (RFC 5627): `Some(None)` if present without a
    /// value, `Some(Some(v))` with one.
    pub fn gr(&self) -> Option<Option<&'a [u8]>> {
        self.params.get("gr")
    }

    /// The `pn-provider` parameter (RFC 8599 §4.1); it may be empty.
    pub fn pn_provider(&self) -> Option<Option<&'a [u8]>> {
        self.params.get("pn-provider")
    }

    /// The `pn-param` parameter (RFC 8599 §4.1).
    pub fn pn_param(&self) -> Option<&'a [u8]> {
        self.params.value("pn-param")
    }

    /// The `pn-prid` parameter (RFC 8599 §4.1).
    pub fn pn_prid(&self) -> Option<&'a [u8]> {
        self.params.value("pn-prid")
    }

    /// The `pn-purr` parameter (RFC 8599 §4.1).
    pub fn pn_purr(&self) -> Option<&'a [u8]> {
        self.params.value("pn-purr")
    }

    /// URI equivalence of RFC 3261 §19.1.4; see [`Uri::equivalent`].
    pub fn equivalent(&self, other: &SipUri<'_>) -> bool {
        let opt_eq = |a: Option<&[u8]>, b: Option<&[u8]>| match (a, b) {
            (None, None) => true,
            (Some(a), Some(b)) => eq_unescaped(a, b, false),
            _ => false,
        };
        if self.secure != other.secure
            || !opt_eq(self.user, other.user)
            || !opt_eq(self.password, other.password)
            || !self.host.equivalent(&other.host)
            || self.port != other.port
        {
            return false;
        }
        if self.params.count_for_compare().is_none() || other.params.count_for_compare().is_none() {
            return false;
        }
        if !sip_params_cover(&self.params, &other.params) || !sip_params_cover(&other.params, &self.params) {
            return false;
        }
        if count_headers(self.headers).is_none() || count_headers(other.headers).is_none() {
            return false;
        }
        headers_cover(self.headers, other.headers) && headers_cover(other.headers, self.headers)
    }
}

// ---------------------------------------------------------------------------
// tel URIs (RFC 3966)
// ---------------------------------------------------------------------------

/// Where the URI `b` ends when it is `tel:` (the scheme in any case) and a
/// global number with no parameters: `"+" *phonedigit DIGIT *phonedigit`
/// (RFC 3966 §3 `global-number-digits`, a phonedigit a DIGIT or a
/// `visual-separator`) up to the end of the text or, with `GT`, a `>`
/// (the first one: no byte before it is one). `None` for anything else
/// (parameters, a local number, any other byte), which the general path
/// reads.
#[inline(always)]
fn tel_plain_global_end<const GT: bool>(b: &[u8]) -> Option<usize> {
    const TEL_PLUS: u64 = u64::from_le_bytes(*b"tel:+\0\0\0");
    const MASK: u64 = 0xFF_FFFF_FFFF;
    const FOLD: u64 = 0x20_2020;
    // `tel:+` and the first byte after it, read as one word where eight
    // bytes are left (a tel To is followed by its `>` and more).
    let w = u64::from_le_bytes(*b.first_chunk::<8>()?);
    if (w | FOLD) & MASK != TEL_PLUS {
        return None;
    }
    let mut i = 5;
    let mut digit = false;
    loop {
        match b.get(i) {
            Some(c) if c.is_ascii_digit() => digit = true,
            Some(&c) if is_visual_separator(c) => {}
            None => break,
            Some(b'>') if GT => break,
            Some(_) => return None,
        }
        i += 1;
    }
    digit.then_some(i)
}

/// `global-number-digits = "+" *phonedigit DIGIT *phonedigit`.
fn is_global_number_digits(s: &[u8]) -> bool {
    match s.split_first() {
        Some((b'+', rest)) => is_digits_with_separators(rest, is_digit),
        _ => false,
    }
}

/// `local-number-digits = *phonedigit-hex (HEXDIG / "*" / "#") *phonedigit-hex`.
fn is_local_number_digits(s: &[u8]) -> bool {
    is_digits_with_separators(s, |c| is_hex(c) || c == b'*' || c == b'#')
}

/// In one pass: every byte a `core` digit or a visual separator, at least
/// one a digit (a digit is the common byte, settled by its first test).
#[inline(always)]
fn is_digits_with_separators(s: &[u8], core: impl Fn(u8) -> bool) -> bool {
    let mut any = false;
    for &c in s {
        if core(c) {
            any = true;
        } else if !is_visual_separator(c) {
            return false;
        }
    }
    any
}

/// Iterator over the digits of a telephone number, without visual
/// separators (and without the leading `+`).
#[derive(Clone, Debug)]
pub struct TelDigits<'a> {
    inner: core::slice::Iter<'a, u8>,
}

impl Iterator for TelDigits<'_> {
    type Item = u8;
    fn next(&mut self) -> Option<u8> {
        self.inner.by_ref().copied().find(|&c| !is_visual_separator(c) && c != b'+')
    }
}

fn digits_eq(a: &[u8], b: &[u8]) -> bool {
    let x = TelDigits { inner: a.iter() };
    let y = TelDigits { inner: b.iter() };
    x.map(|c| c.to_ascii_lowercase()).eq(y.map(|c| c.to_ascii_lowercase()))
}

fn tel_param_value_eq(name: &[u8], a: Option<&[u8]>, b: Option<&[u8]>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => {
            let numeric = |v: &[u8]| v.first() == Some(&b'+');
            if eq_unescaped(name, b"ext", true)
                || (eq_unescaped(name, b"phone-context", true) && numeric(a) && numeric(b))
            {
                numeric(a) == numeric(b) && digits_eq(a, b)
            } else {
                eq_unescaped(a, b, true)
            }
        }
        _ => false,
    }
}

/// Every parameter of `a` is in `b` with an equal value (RFC 3966 §4).
fn tel_params_cover(a: &UriParams<'_>, b: &UriParams<'_>) -> bool {
    a.iter().all(|p| p.is_ok_and(|p| b.find(p.name).is_some_and(|v| tel_param_value_eq(p.name, p.value, v))))
}

impl<'a> TelUri<'a> {
    /// Parses what follows `tel:`; `raw` is the whole URI.
    fn parse_rest(raw: &'a [u8], rest: &'a [u8]) -> Result<TelUri<'a>, ParseError> {
        let end = memchr::memchr(b';', rest).unwrap_or(rest.len());
        let (number, params) = rest.split_at(end);
        let global = number.first() == Some(&b'+');
        if global && !is_global_number_digits(number) || !global && !is_local_number_digits(number) {
            return Err(syntax());
        }
        let params = UriParams { raw: params };
        let mut context = false;
        for p in params.iter() {
            let p = p?;
            // pname = 1*( alphanum / "-" ) in RFC 3966.
            if !p.name.iter().all(|&c| c.is_ascii_alphanumeric() || c == b'-') {
                return Err(syntax());
            }
            if p.is("phone-context") {
                let v = p.value.ok_or_else(syntax)?;
                if !is_global_number_digits(v) && !is_hostname(v) {
                    return Err(syntax());
                }
                context = true;
            } else if p.is("ext") {
                let v = p.value.ok_or_else(syntax)?;
                if !v.iter().all(|&c| is_digit(c) || is_visual_separator(c))
                    || !v.iter().any(|&c| is_digit(c))
                {
                    return Err(syntax());
                }
            } else if p.is("isub") {
                p.value.ok_or_else(syntax)?;
            }
        }
        // A local number is meaningless without its context (RFC 3966 §5.1.5).
        if !global && !context {
            return Err(syntax());
        }
        Ok(TelUri { number, params, raw })
    }

    /// True for a global number (`+` and E.164 digits).
    pub fn is_global(&self) -> bool {
        self.number.first() == Some(&b'+')
    }

    /// The digits of the number without `+` and visual separators.
    pub fn digits(&self) -> TelDigits<'a> {
        TelDigits { inner: self.number.iter() }
    }

    /// The `ext` parameter.
    pub fn ext(&self) -> Option<&'a [u8]> {
        self.params.value("ext")
    }

    /// The `isub` parameter.
    pub fn isub(&self) -> Option<&'a [u8]> {
        self.params.value("isub")
    }

    /// The `phone-context` parameter (a domain name or `+digits`).
    pub fn phone_context(&self) -> Option<&'a [u8]> {
        self.params.value("phone-context")
    }

    /// tel URI equivalence of RFC 3966 §4: both global or both local, equal
    /// digits ignoring visual separators, and the same set of parameters
    /// with equal values (case-insensitive; `ext` and a numeric
    /// `phone-context` ignoring visual separators).
    pub fn equivalent(&self, other: &TelUri<'_>) -> bool {
        self.is_global() == other.is_global()
            && digits_eq(self.number, other.number)
            && self.params.count_for_compare().is_some()
            && other.params.count_for_compare().is_some()
            && tel_params_cover(&self.params, &other.params)
            && tel_params_cover(&other.params, &self.params)
    }
}

impl<'a> AbsoluteUri<'a> {
    /// What follows `scheme:`.
    pub fn rest(&self) -> &'a [u8] {
        self.raw.get(self.scheme.len() + 1..).unwrap_or(&[])
    }
}

// ---------------------------------------------------------------------------
// Uri
// ---------------------------------------------------------------------------

/// `sip:` / `sips:` at the start of `b`, as nearly every URI starts
/// (RFC 3261 §19.1.1; the scheme is case-insensitive, §19.1.4): whether it
/// is `sips`, and where the rest starts. The scheme is known without
/// searching for its colon or checking its characters; only the letters
/// are case-folded (`c | 0x20` equals a lower-case letter exactly when `c`
/// is that letter in either case). `None`: another scheme, or none.
#[inline(always)]
fn sip_scheme(b: &[u8]) -> Option<(bool, usize)> {
    const SIP: u32 = u32::from_le_bytes(*b"sip:");
    const SIPS: u32 = u32::from_le_bytes(*b"sips");
    const FOLD: u32 = u32::from_le_bytes([0x20, 0x20, 0x20, 0]);
    const FOLD4: u32 = 0x2020_2020;
    let w = u32::from_le_bytes(*b.first_chunk::<4>()?);
    if w | FOLD == SIP {
        Some((false, 4))
    } else if w | FOLD4 == SIPS && b.get(4) == Some(&b':') {
        Some((true, 5))
    } else {
        None
    }
}

impl<'a> Uri<'a> {
    /// What a URI is before a parser writes one in its place.
    pub(crate) const PLACEHOLDER: Uri<'static> = Uri::Other(AbsoluteUri { scheme: "", raw: &[] });

    /// Parses a URI.
    ///
    /// The scheme is case-insensitive. `sip`/`sips` and `tel` are parsed
    /// strictly; any other `scheme ":" rest` with a non-empty `rest` of
    /// printable ASCII other than `<`, `>` and `"` is kept opaque. Leading
    /// white space or a `<` (RFC 4475 §3.1.2.7) is a syntax error, as is
    /// anything the grammar does not allow. A port above 65535 or a `ttl`
    /// above 255 is [`ErrorKind::OutOfRange`].
    pub fn parse_str(s: &'a str) -> Result<Uri<'a>, ParseError> {
        // A placeholder made at run time is a few field stores; the
        // constant one is a copy of all 128 bytes.
        let empty = s.get(..0).unwrap_or("");
        let mut u = Uri::Other(AbsoluteUri { scheme: empty, raw: empty.as_bytes() });
        Self::parse_prefix::<false>(s, &mut 0, &mut u)?;
        Ok(u)
    }

    /// [`Uri::parse_str`] straight into `out` (the Request-URI's place in
    /// the request line): the URI is built where it is kept, not built in a
    /// local, returned through a `Result` and copied twice (a `Uri` is 128
    /// bytes). On error `out` is left as it was.
    #[inline]
    pub(crate) fn parse_str_into(s: &'a str, out: &mut Uri<'a>) -> Result<(), ParseError> {
        Self::parse_prefix::<false>(s, &mut 0, out)
    }

    /// As [`Uri::parse_str`], for bytes not yet known to be text (a URI is
    /// ASCII, so anything else is a syntax error).
    pub fn parse(s: &'a [u8]) -> Result<Uri<'a>, ParseError> {
        Self::parse_str(core::str::from_utf8(s).map_err(|_| syntax())?)
    }

    /// Parses the URI of a name-addr: `s` is the text after its `<`; returns
    /// the URI and the position where it ends, which the caller checks is
    /// the `>`. The URI ends at the first `>` (RFC 3261 §25.1: no component
    /// holds one), found by the parse itself for SIP URIs. On an error
    /// `out` may hold part of a URI (the name-addr readers drop it).
    #[inline]
    pub(crate) fn parse_bracketed(s: &'a str, end: &mut usize, out: &mut Uri<'a>) -> Result<(), ParseError> {
        Self::parse_prefix::<true>(s, end, out).map_err(|e| {
            // A range error found before the parse reached a byte that
            // cannot end the URI: the name-addr is malformed as a whole
            // (no `>`, or LWS inside the brackets, RFC 4475 §3.1.2.14),
            // which is reported first, as when the URI was cut out first.
            let b = s.as_bytes();
            match find_byte(b'>', b) {
                Some(gt) if e.kind != ErrorKind::Syntax && !super::lex::has_ctl_or_sp(&b[..gt]) => e,
                _ => syntax(),
            }
        })
    }

    /// The usual URI of a name-addr, `sip:` / `sips:` (the scheme in any
    /// case) and what [`SipUri::parse_fast`] reads up to the `>`, or any
    /// other scheme's valid URI, for a caller's plain pass: true with
    /// `out` and `end` written as [`Uri::parse_bracketed`] writes them for
    /// that text; false for any other URI (the full SIP parser's
    /// spellings, errors),
    /// which the caller leaves to its general path and so to
    /// `parse_bracketed`. Kept apart from it so that neither is a call.
    #[inline(always)]
    ///
    /// `CALL`: the URI parameters are read by a call (see
    /// [`SipUri::parse_fast`]).
    pub(crate) fn parse_bracketed_plain<const CALL: bool, const WIN: bool>(
        s: &'a str,
        end: &mut usize,
        out: &mut Uri<'a>,
    ) -> bool {
        let Some((secure, i)) = sip_scheme(s.as_bytes()) else {
            // tel: and the rest, out of line already: the same call
            // parse_bracketed makes, whose answer it passes on unchanged
            // when it is Ok.
            return Self::parse_other_scheme::<true>(s, end, out).is_ok();
        };
        SipUri::parse_fast::<true, CALL, WIN>(s, secure, i, end, out)
    }

    #[inline(always)]
    fn parse_prefix<const GT: bool>(
        s: &'a str,
        end: &mut usize,
        out: &mut Uri<'a>,
    ) -> Result<(), ParseError> {
        let b = s.as_bytes();
        let Some((secure, i)) = sip_scheme(b) else {
            return Self::parse_other_scheme::<GT>(s, end, out);
        };
        // Nothing after the scheme (the end, or '>' in a name-addr) needs
        // no test of its own: it is an empty host run, which the host
        // reading rejects with the same syntax error, and it holds no '@'
        // for the userinfo rule to try.
        // The common shape first (see `SipUri::parse_fast`); anything else,
        // from the start, to the full parser. One call site, so the SIP
        // parser is inlined here once and its result built in place.
        if SipUri::parse_fast::<GT, false, false>(s, secure, i, end, out) {
            return Ok(());
        }
        SipUri::parse_general::<GT>(s, secure, i, end, out)
    }

    /// Any scheme but `sip` / `sips`.
    ///
    /// A `tel:` global number with no parameters (`<tel:+14155550123>`,
    /// the usual tel To) is read in one pass over its digits, up to the
    /// end (or with `GT` a `>`): the general path searches the `>` and
    /// then the first `;` (two memchr calls), checks the number in a pass
    /// of its own, walks the empty parameter list and moves the TelUri out
    /// of a `Result` (about 370 instructions for that To). It gives the
    /// same URI, cut at the same places, and the same end, whenever the
    /// plain reading answers (tested for every byte at every position).
    #[inline(never)]
    fn parse_other_scheme<const GT: bool>(
        s: &'a str,
        end: &mut usize,
        out: &mut Uri<'a>,
    ) -> Result<(), ParseError> {
        let b = s.as_bytes();
        if let Some(e) = tel_plain_global_end::<GT>(b)
            && let (Some(raw), Some(number), Some(params)) = (b.get(..e), b.get(4..e), b.get(e..e))
        {
            *end = e;
            *out = Uri::Tel(TelUri { number, params: UriParams { raw: params }, raw });
            return Ok(());
        }
        Self::parse_other_general::<GT>(s, end, out)
    }

    /// [`Uri::parse_other_scheme`] without the plain `tel:` reading: every
    /// scheme and form, and every error.
    #[inline(always)]
    fn parse_other_general<const GT: bool>(
        s: &'a str,
        end: &mut usize,
        out: &mut Uri<'a>,
    ) -> Result<(), ParseError> {
        *end = uri_limit::<GT>(s.as_bytes());
        let s = s.get(..*end).ok_or_else(syntax)?;
        let b = s.as_bytes();
        // `tel:` in any case told by one word compare, as `sip:` is: the
        // scheme is known without searching for its colon or checking it.
        const TEL: u32 = u32::from_le_bytes(*b"tel:");
        const FOLD: u32 = u32::from_le_bytes([0x20, 0x20, 0x20, 0]);
        if let Some(w) = b.first_chunk::<4>()
            && u32::from_le_bytes(*w) | FOLD == TEL
        {
            let rest = b.get(4..).filter(|r| !r.is_empty()).ok_or_else(syntax)?;
            *out = Uri::Tel(TelUri::parse_rest(b, rest)?);
            return Ok(());
        }
        let colon = find_byte(b':', b).ok_or_else(syntax)?;
        let (scheme, rest) = (&b[..colon], &b[colon + 1..]);
        if !is_scheme(scheme) || rest.is_empty() {
            return Err(syntax());
        }
        if eq_ic(scheme, b"tel") {
            *out = Uri::Tel(TelUri::parse_rest(b, rest)?);
            return Ok(());
        }
        if !rest.iter().all(|&c| c.is_ascii_graphic() && !matches!(c, b'<' | b'>' | b'"')) {
            return Err(syntax());
        }
        let scheme = s.get(..colon).ok_or_else(syntax)?;
        *out = Uri::Other(AbsoluteUri { scheme, raw: b });
        Ok(())
    }

    /// The SIP URI, if any.
    pub fn sip(&self) -> Option<&SipUri<'a>> {
        match self {
            Uri::Sip(u) => Some(u),
            _ => None,
        }
    }

    /// The tel URI, if any.
    pub fn tel(&self) -> Option<&TelUri<'a>> {
        match self {
            Uri::Tel(u) => Some(u),
            _ => None,
        }
    }

    /// True for `sip:` and `sips:`.
    pub fn is_sip(&self) -> bool {
        matches!(self, Uri::Sip(_))
    }

    /// The scheme: `"sip"`, `"sips"` or `"tel"` in lower case for the known
    /// schemes whatever their spelling, as written for any other.
    pub fn scheme(&self) -> &'a str {
        match self {
            Uri::Sip(u) if u.secure => "sips",
            Uri::Sip(_) => "sip",
            Uri::Tel(_) => "tel",
            Uri::Other(a) => a.scheme,
        }
    }

    /// The whole URI as written.
    pub fn as_bytes(&self) -> &'a [u8] {
        match self {
            Uri::Sip(u) => u.raw,
            Uri::Tel(u) => u.raw,
            Uri::Other(u) => u.raw,
        }
    }

    /// URI equivalence.
    ///
    /// * SIP/SIPS (RFC 3261 §19.1.4): same scheme; user and password equal
    ///   case-sensitively after unescaping (an escaped reserved character
    ///   differs from the character itself, see [`eq_unescaped`]); hosts
    ///   equal ([`Host::equivalent`]); ports both absent or equal (no
    ///   default-port equivalence); the `user`, `ttl`, `method`, `maddr`
    ///   and `transport` parameters present in both or neither, other
    ///   parameters compared only when in both, values case-insensitively;
    ///   headers present in both with equal values.
    /// * tel: [`TelUri::equivalent`].
    /// * Others: scheme case-insensitively, the rest byte for byte.
    ///
    /// URIs with more than [`MAX_COMPARE_ITEMS`] parameters or headers are
    /// never equivalent.
    pub fn equivalent(&self, other: &Uri<'_>) -> bool {
        match (self, other) {
            (Uri::Sip(a), Uri::Sip(b)) => a.equivalent(b),
            (Uri::Tel(a), Uri::Tel(b)) => a.equivalent(b),
            (Uri::Other(a), Uri::Other(b)) => {
                eq_ic(a.scheme.as_bytes(), b.scheme.as_bytes()) && a.rest() == b.rest()
            }
            _ => false,
        }
    }
}

impl fmt::Display for Uri<'_> {
    /// Writes the URI exactly as it was parsed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for chunk in self.as_bytes().utf8_chunks() {
            f.write_str(chunk.valid())?;
            if !chunk.invalid().is_empty() {
                f.write_str("\u{FFFD}")?;
            }
        }
        Ok(())
    }
}

/// The parser as it was before the single-pass rewrite, kept as the oracle
/// of a differential test: the new one must give the same result (value or
/// error kind) on every input.
#[cfg(test)]
mod reference {
    use super::*;

    /// Checks the values of the parameters this module has accessors for.
    fn check_known_param(p: &UriParam<'_>) -> Result<(), ParseError> {
        let value = || p.value.ok_or_else(syntax);
        match known_param(p.name, find_byte(b'%', p.name).is_some()) {
            KnownParam::Token => {
                let v = value()?;
                let plain_token = find_byte(b'%', v).is_none() && v.iter().all(|&c| is_token(c));
                if !plain_token && !Unescaped::new(v).all(is_token) {
                    return Err(syntax());
                }
            }
            KnownParam::Ttl => match ttl_value(value()?) {
                None => return Err(syntax()),
                Some(n) if n > 255 => return Err(out_of_range()),
                Some(_) => {}
            },
            KnownParam::Maddr => {
                Host::parse(value()?)?;
            }
            KnownParam::Valued => {
                value()?;
            }
            KnownParam::Other => {}
        }
        Ok(())
    }

    fn parse_host_chars(s: &[u8]) -> Result<Host<'_>, ParseError> {
        if s.first().is_some_and(|c| c.is_ascii_digit()) {
            if let Some(a) = parse_ipv4(s) {
                return Ok(Host::Ipv4(a));
            }
        }
        if is_hostname_shape(s) {
            return ascii_str(s).map(Host::Domain).ok_or_else(syntax);
        }
        Err(syntax())
    }

    /// Parses the `hostport` at the start of `s`, which must end at `;`, `?`
    /// or the end of `s`; returns it and where it ended. Errors are those
    /// [`parse_hostport`] gives on the text up to that `;` or `?`: any byte no
    /// hostport can hold is a syntax error, and a port is range-checked only
    /// once it is known to be all digits.
    #[inline]
    fn parse_hostport_prefix(s: &[u8]) -> Result<(Host<'_>, Option<u16>, usize), ParseError> {
        let ends_here = |i: usize| matches!(s.get(i), None | Some(b';' | b'?'));
        if s.first() == Some(&b'[') {
            let end = scan_uri_class(s, 0, C_HOSTPORT);
            if !ends_here(end) {
                return Err(syntax());
            }
            let (host, port) = parse_hostport(&s[..end])?;
            return Ok((host, port, end));
        }
        let host_end = scan_uri_class(s, 0, C_HOST);
        let host = parse_host_chars(&s[..host_end])?;
        if s.get(host_end) != Some(&b':') {
            return if ends_here(host_end) { Ok((host, None, host_end)) } else { Err(syntax()) };
        }
        // The digits are read and their value taken in the same loop, which
        // stops growing it above 65535 as parse_port does.
        let mut end = host_end + 1;
        let mut v: u32 = 0;
        while let Some(&c) = s.get(end) {
            let d = u32::from(c).wrapping_sub(u32::from(b'0'));
            if d >= 10 {
                break;
            }
            if v <= 65_535 {
                v = v * 10 + d;
            }
            end += 1;
        }
        if !ends_here(end) || end == host_end + 1 {
            return Err(syntax());
        }
        Ok((host, Some(u16::try_from(v).map_err(|_| out_of_range())?), end))
    }

    /// Parses what follows `sip:` / `sips:`; `raw` is the whole URI.
    fn parse_rest<'a>(raw: &'a [u8], secure: bool, rest: &'a [u8]) -> Result<SipUri<'a>, ParseError> {
        // No '@' can appear unescaped after the userinfo (it is in neither
        // paramchar nor the header alphabet), so the first '@' ends it, and
        // the user part may contain ';' and '?' (RFC 4475 §3.1.1.9).
        //
        // One class scan settles the usual shapes: user bytes up to an
        // '@' (no ':' or '%' among them, neither being a user byte) is the
        // user part, found as the search below would find it; user bytes
        // to the end hold no '@' at all. Anything else (a password, an
        // escape, a port or a host with no user) takes the general path.
        let k = scan_uri_class(rest, 0, C_USER);
        let plain_user = k > 0 && rest.get(k) == Some(&b'@');
        let userinfo = match rest.get(k) {
            _ if plain_user => Some(k),
            None => None,
            Some(_) => find_byte(b'@', rest),
        };
        let (user, password, after) = match userinfo {
            Some(at) if plain_user => (Some(&rest[..at]), None, &rest[at + 1..]),
            Some(at) => {
                let userinfo = &rest[..at];
                let (user, password) = match find_byte(b':', userinfo) {
                    Some(k) => (&userinfo[..k], Some(&userinfo[k + 1..])),
                    None => (userinfo, None),
                };
                if user.is_empty() || !valid_escaped_class(user, C_USER) {
                    return Err(syntax());
                }
                if password.is_some_and(|p| !valid_escaped_class(p, C_PASSWORD)) {
                    return Err(syntax());
                }
                (Some(user), password, &rest[at + 1..])
            }
            None => (None, None, rest),
        };
        let (host, port, hp_end) = parse_hostport_prefix(after)?;
        let tail = &after[hp_end..];
        // The parameters run to the first '?' (no paramchar is a '?'):
        // walk them and find it in the same pass.
        let mut iter = UriParamIter { rest: tail };
        while iter.rest.first() == Some(&b';') {
            check_known_param(&iter.next_param(true).ok_or_else(syntax)??)?;
        }
        let params_len = tail.len() - iter.rest.len();
        let (params, headers) = match iter.rest.split_first() {
            None => (tail, None),
            Some((b'?', h)) => (&tail[..params_len], Some(h)),
            Some(_) => return Err(syntax()),
        };
        let params = UriParams { raw: params };
        if let Some(h) = headers {
            validate_headers(h)?;
        }
        Ok(SipUri { secure, user, password, host, port, params, headers, raw })
    }

    /// The old `Uri::parse`.
    pub(super) fn parse(s: &[u8]) -> Result<Uri<'_>, ParseError> {
        // `sip:` as nearly every URI starts: the scheme is known without
        // searching for its colon or checking its characters.
        let (secure, rest) = match s.get(..4) {
            Some(p) if eq_ic(p, b"sip:") => (false, &s[4..]),
            _ => {
                let colon = find_byte(b':', s).ok_or_else(syntax)?;
                let (scheme, rest) = (&s[..colon], &s[colon + 1..]);
                if !is_scheme(scheme) || rest.is_empty() {
                    return Err(syntax());
                }
                if eq_ic(scheme, b"sip") {
                    (false, rest)
                } else if eq_ic(scheme, b"sips") {
                    (true, rest)
                } else if eq_ic(scheme, b"tel") {
                    return TelUri::parse_rest(s, rest).map(Uri::Tel);
                } else {
                    if !rest.iter().all(|&c| c.is_ascii_graphic() && !matches!(c, b'<' | b'>' | b'"')) {
                        return Err(syntax());
                    }
                    let scheme = ascii_str(scheme).ok_or_else(syntax)?;
                    return Ok(Uri::Other(AbsoluteUri { scheme, raw: s }));
                }
            }
        };
        if rest.is_empty() {
            return Err(syntax());
        }
        // One call site, so the SIP parser is inlined here once and its
        // result built in place.
        parse_rest(s, secure, rest).map(Uri::Sip)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sip(s: &str) -> SipUri<'_> {
        match Uri::parse(s.as_bytes()) {
            Ok(Uri::Sip(u)) => u,
            other => panic!("{s}: {other:?}"),
        }
    }

    fn kind(s: &str) -> Option<ErrorKind> {
        Uri::parse(s.as_bytes()).err().map(|e| e.kind)
    }

    fn rejected(s: &str) -> bool {
        kind(s) == Some(ErrorKind::Syntax)
    }

    fn equiv(a: &str, b: &str) -> bool {
        let a = Uri::parse(a.as_bytes()).unwrap();
        let b = Uri::parse(b.as_bytes()).unwrap();
        let r = a.equivalent(&b);
        assert_eq!(r, b.equivalent(&a), "equivalence must be symmetric");
        r
    }

    fn unescape(s: &[u8]) -> heapless::Vec<u8, 64> {
        Unescaped::new(s).collect()
    }

    #[test]
    fn rfc3261_25_1_ipv4_octets_one_pass() {
        // `1*3DIGIT "." ...` (leading zeros tolerated), each octet <= 255.
        assert_eq!(parse_ipv4(b"0.0.0.0"), Some([0, 0, 0, 0]));
        assert_eq!(parse_ipv4(b"255.255.255.255"), Some([255; 4]));
        assert_eq!(parse_ipv4(b"010.001.1.00"), Some([10, 1, 1, 0]));
        for bad in [
            &b""[..],
            b"1",
            b"1.2.3",
            b"1.2.3.",
            b".1.2.3",
            b"1..2.3",
            b"1.2.3.4.",
            b"1.2.3.4.5",
            b"1.2.3.256",
            b"256.1.1.1",
            b"1.2.3.0001",
            b"1000.2.3.4",
            b"1.2.3.4a",
            b"1.2.3.-4",
            b"999.1.1.1",
        ] {
            assert_eq!(parse_ipv4(bad), None, "{:?}", core::str::from_utf8(bad));
        }
    }

    #[test]
    fn rfc3261_25_1_ipv4_window_reader_agrees_with_checked_reads() {
        // The dotted-quad reader as it was, every read bounds-checked.
        fn reference(b: &[u8], i: usize) -> Option<([u8; 4], usize)> {
            let digit = |i: usize| b.get(i).and_then(|&c| c.checked_sub(b'0')).filter(|&d| d < 10);
            let mut out = [0u8; 4];
            let mut j = i;
            for (n, o) in out.iter_mut().enumerate() {
                if n > 0 {
                    if b.get(j) != Some(&b'.') {
                        return None;
                    }
                    j += 1;
                }
                let mut v = u32::from(digit(j)?);
                j += 1;
                for _ in 0..2 {
                    let Some(d) = digit(j) else { break };
                    v = v * 10 + u32::from(d);
                    j += 1;
                }
                *o = u8::try_from(v).ok()?;
            }
            Some((out, j))
        }
        // Strings over digits, dots and a stop byte, read where they end
        // the text (checked reads) and with more text after them (the
        // window), from several starts.
        const ALPHABET: &[u8] = b"0129.5x";
        let mut rng = crate::message::lex::TestBytes::new(0x9e37_79b9_7f4a_7c15);
        let mut buf = [0u8; 40];
        for round in 0..200_000usize {
            let len = round % 20;
            rng.fill(&mut buf[..len], ALPHABET, 1);
            let s = &buf[..len];
            let mut padded = s.to_vec();
            padded.extend_from_slice(b":5060;transport=udp>");
            for i in 0..=len.min(3) {
                let want = reference(s, i);
                assert_eq!(ipv4_prefix(s, i), want, "{s:?} at {i}");
                let got = ipv4_prefix(&padded, i);
                // With text after it, a quad may read on where `s` ended.
                assert_eq!(got, reference(&padded, i), "{padded:?} at {i}");
                if want.is_some() {
                    assert_eq!(got, want, "{padded:?} at {i}");
                }
            }
        }
        // Every byte value (those around the digits among them) replaced
        // at every position of quads with one-, two- and three-digit
        // octets, at the end of the text and with text after them.
        for q in [&b"192.168.100.255"[..], b"1.22.0.9", b"203.0.113.10"] {
            for pos in 0..q.len() {
                for c in 0..=255u8 {
                    let mut s = q.to_vec();
                    s[pos] = c;
                    assert_eq!(ipv4_prefix(&s, 0), reference(&s, 0), "{s:?}");
                    s.extend_from_slice(b";transport=udp>");
                    assert_eq!(ipv4_prefix(&s, 0), reference(&s, 0), "{s:?}");
                }
            }
        }
    }

    #[test]
    fn rfc3261_25_1_ptoken_run_windows_end_where_the_class_scan_ends() {
        // Every byte at every place of a long parameter text, each
        // position scanned with a fresh window and with the last one kept.
        let base = b";pn-provider=apns;pn-param=ABCD1234EF.com.example.softphone.voip;pn-prid=00fc13adff785122b4ad28809a3420982341241421348097878e577c991de8f0>;x";
        for at in 0..base.len() {
            for c in 0..=255u8 {
                let mut t = base.to_vec();
                t[at] = c;
                let mut kept = RunWindow::NONE;
                for i in 0..=t.len() {
                    let want = scan_uri_class(&t, i, C_PTOKEN);
                    let mut fresh = RunWindow::NONE;
                    assert_eq!(ptoken_run(&t, i, &mut fresh), want, "{at} {c} {i}");
                    assert_eq!(ptoken_run(&t, i, &mut kept), want, "{at} {c} {i} kept");
                }
            }
        }
    }

    #[test]
    fn rfc3261_19_1_sip_scheme_fast_path_agrees() {
        // The `sip:` prefix is recognised without the scheme scan; the
        // results must be those of the general path (any case, empty rest).
        assert!(!sip("sip:a@b").secure);
        assert!(!sip("SiP:a@b").secure);
        assert!(sip("sips:a@b").secure);
        assert!(rejected("sip:"));
        assert!(rejected("sip"));
        assert!(rejected("si"));
        assert_eq!(sip("sip:b:5060").port, Some(5060));
        assert!(matches!(Uri::parse(b"sipx:a@b"), Ok(Uri::Other(_))));
    }

    #[test]
    fn rfc3261_19_1_1_userinfo_scan_shapes() {
        // The one-scan user part and the general path must agree.
        let u = sip("sip:alice@h");
        assert_eq!((u.user, u.password), (Some(&b"alice"[..]), None));
        let u = sip("sip:a;b?c=d/e@h");
        assert_eq!(u.user, Some(&b"a;b?c=d/e"[..]));
        let u = sip("sip:al%41ce:pw@h:5060");
        assert_eq!((u.user, u.password, u.port), (Some(&b"al%41ce"[..]), Some(&b"pw"[..]), Some(5060)));
        let u = sip("sip:alice:@h");
        assert_eq!(u.password, Some(&b""[..]));
        let u = sip("sip:h.example.com;lr");
        assert_eq!((u.user, u.params.raw), (None, &b";lr"[..]));
        let u = sip("sip:h:5060;lr");
        assert_eq!((u.user, u.port), (None, Some(5060)));
        assert!(rejected("sip:@h"));
        assert!(rejected("sip::pw@h"));
        assert!(rejected("sip:a%4@h"));
        assert!(rejected("sip:a@"));
        assert!(rejected("sip:a@b@h"));
    }

    #[test]
    fn rfc3261_25_1_port_window_reader_agrees_with_the_digit_loop() {
        // port_read through the six-byte window and through checked reads
        // (a text ending early) against the digit loop it replaced (one to
        // five digits; a sixth one, or none, to the full parser): every
        // text of up to seven bytes over digits and the bytes a port meets.
        fn reference(t: &[u8]) -> Option<(u32, usize)> {
            let n = t.iter().take_while(|c| c.is_ascii_digit()).count();
            if n == 0 || n > 5 {
                return None;
            }
            Some((t[..n].iter().fold(0, |v, &c| v * 10 + u32::from(c - b'0')), n))
        }
        const ALPHABET: &[u8] = b"059/:;>a\x00";
        let mut t = [0u8; 7];
        let mut checked = 0usize;
        for len in 0..=7usize {
            let total = ALPHABET.len().pow(len as u32);
            for mut code in 0..total {
                for c in t.iter_mut().take(len) {
                    *c = ALPHABET[code % ALPHABET.len()];
                    code /= ALPHABET.len();
                }
                let text = &t[..len];
                let want = reference(text);
                let got = port_read(|k| text.get(k).copied().unwrap_or(0));
                assert_eq!(got, want, "{text:?}");
                if let Some(w) = text.first_chunk::<6>() {
                    assert_eq!(port_read(|k| w[k % 6]), want, "{text:?}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 1_000_000, "{checked}");
        // A port just before the text's end, and a long one, through the
        // fast path.
        assert_eq!(sip("sip:a@h:5").port, Some(5));
        assert_eq!(sip("sip:a@h:65535").port, Some(65535));
        assert_eq!(sip("sip:a@h:12345;lr").port, Some(12345));
        assert_eq!(sip("sip:a@h:001234;lr").port, Some(1234));
        assert_eq!(kind("sip:a@h:65536;lr"), Some(ErrorKind::OutOfRange));
    }

    #[test]
    fn rfc3261_25_1_port_read_with_its_digits() {
        // The port's value is taken in the loop that finds its end.
        assert_eq!(sip("sip:h:0").port, Some(0));
        assert_eq!(sip("sip:h:65535;lr").port, Some(65535));
        assert_eq!(sip("sip:u@h:00000000000000005060?x=y").port, Some(5060));
        assert_eq!(kind("sip:h:65536"), Some(ErrorKind::OutOfRange));
        assert_eq!(kind("sip:h:99999999999999999999999"), Some(ErrorKind::OutOfRange));
        assert!(rejected("sip:h:"));
        assert!(rejected("sip:h:;lr"));
        assert!(rejected("sip:h:50a"));
        assert!(rejected("sip:h:99999999a"));
        assert!(rejected("sip:h:5060:5060"));
        // Every byte after a first digit, in the fast path's shape and in
        // the general path's (a user with a ':' password): a digit goes on
        // the port, anything else ends it.
        for c in 0..=255u8 {
            for pre in ["sip:h:5", "sip:u:p@h:5"] {
                let mut b = pre.as_bytes().to_vec();
                b.extend_from_slice(&[c, b'0']);
                let port = Uri::parse(&b).ok().and_then(|u| u.sip().and_then(|s| s.port));
                if c.is_ascii_digit() {
                    assert_eq!(port, Some(500 + u16::from(c - b'0') * 10), "{b:?}");
                } else {
                    // The port is the one digit (`;0` a parameter, `?0` a
                    // header, ...), or the URI is an error.
                    assert!(port.is_none_or(|p| p == 5), "{b:?}");
                }
            }
        }
    }

    #[test]
    fn rfc3261_19_1_1_components() {
        let u = sip(
            "sips:alice:secretword@atlanta.com:5061;transport=tcp;ttl=15;maddr=239.255.255.1;lr?subject=project%20x&priority=urgent",
        );
        assert!(u.secure);
        assert_eq!(u.user, Some(&b"alice"[..]));
        assert_eq!(u.password, Some(&b"secretword"[..]));
        assert_eq!(u.host, Host::Domain("atlanta.com"));
        assert_eq!(u.port, Some(5061));
        assert_eq!(u.transport(), Some("tcp"));
        assert_eq!(u.ttl(), Some(15));
        assert_eq!(u.maddr(), Some(Host::Ipv4([239, 255, 255, 1])));
        assert!(u.lr());
        assert_eq!(u.headers, Some(&b"subject=project%20x&priority=urgent"[..]));
        let h: heapless::Vec<_, 4> = u.headers_iter().collect();
        assert_eq!(&h[..], &[(&b"subject"[..], &b"project%20x"[..]), (&b"priority"[..], &b"urgent"[..])]);

        let u = sip("sip:atlanta.com");
        assert_eq!((u.user, u.password, u.port, u.headers), (None, None, None, None));
        assert!(u.params.is_empty());
        assert!(!u.lr());
        assert_eq!(u.transport(), None);
        assert_eq!(sip("sip:alice@192.0.2.4").host, Host::Ipv4([192, 0, 2, 4]));
        assert_eq!(sip("sip:alice:@h").password, Some(&b""[..]), "empty password is present");
        let u = sip("sip:+1-212-555-1212:1234@gateway.com;user=phone");
        assert_eq!(u.user, Some(&b"+1-212-555-1212"[..]));
        assert_eq!(u.password, Some(&b"1234"[..]));
        assert_eq!(u.user_param(), Some("phone"));
        assert_eq!(sip("sip:alice;day=tuesday@atlanta.com").user, Some(&b"alice;day=tuesday"[..]));
        // '@' is in neither paramchar nor the header alphabet, so an
        // unescaped one always ends the userinfo (the ABNF's only parse).
        assert_eq!(sip("sip:h;x=a@b").user, Some(&b"h;x=a"[..]));
        assert_eq!(sip("sip:h?to=sip:bob@biloxi.com").password, Some(&b"bob"[..]));
        let u = sip("sip:biloxi.com;method=REGISTER");
        assert_eq!(u.method_param(), Some(Method::Register));
        assert_eq!(sip("sip:h;method=register").method_param(), Some(Method::Extension("register")));
    }

    #[test]
    fn rfc3261_19_1_1_user_of_host_bytes_is_not_read_as_a_host() {
        // A user of host bytes only (alphanumerics, `-`, `.`) is taken by
        // the plain class scan: it need not be a hostname or an address,
        // and the host after its `@` is still checked as one.
        for user in ["alice", "-a-", "a..b", ".", "1.2.3.4", "1.2.3.4.5", "9", "a-.b"] {
            for (form, gt) in [("sip:{}@example.com;transport=tcp", false), ("sip:{}@example.com>", true)] {
                let text = form.replace("{}", user);
                let u = if gt {
                    let mut e = 0;
                    let mut u = Uri::PLACEHOLDER;
                    Uri::parse_bracketed(&text, &mut e, &mut u).unwrap();
                    assert_eq!(text.as_bytes()[e], b'>');
                    u
                } else {
                    Uri::parse_str(&text).unwrap()
                };
                let sip = u.sip().unwrap();
                assert_eq!(sip.user, Some(user.as_bytes()), "{text}");
                assert!(matches!(sip.host, Host::Domain("example.com")), "{text}");
            }
            for bad_host in ["-x", "a..b", "1.2.3", "x-"] {
                let text = alloc::format!("sip:{user}@{bad_host}");
                assert!(Uri::parse_str(&text).is_err(), "{text}");
            }
        }
        // An empty user is the userinfo rule's error, as before.
        assert!(Uri::parse_str("sip:@example.com").is_err());
    }

    #[test]
    fn rfc3261_19_1_1_hostport_params_headers_split_in_one_pass() {
        // hostport ends at ';' or '?'; the parameters end at the first '?'
        // (no paramchar is one); the known parameters are recognised in
        // any case and, escaped, after unescaping (§19.1.4).
        let u = sip("sip:h?a=b");
        assert_eq!((u.params.raw, u.headers), (&b""[..], Some(&b"a=b"[..])));
        let u = sip("sip:h:5060;transport=TCP;lr?a=b&c=d");
        assert_eq!(
            (u.port, u.params.raw, u.headers),
            (Some(5060), &b";transport=TCP;lr"[..], Some(&b"a=b&c=d"[..]))
        );
        assert_eq!(u.transport(), Some("TCP"));
        assert_eq!(sip("sip:[2001:db8::1]:5061;lr").port, Some(5061));
        assert_eq!(sip("sip:h;TTL=5").ttl(), Some(5));
        let kind = |s: &str| Uri::parse(s.as_bytes()).map(drop).map_err(|e| e.kind);
        assert_eq!(kind("sip:h;%74tl=300"), Err(ErrorKind::OutOfRange));
        assert_eq!(kind("sip:h;ttl=300?x=y"), Err(ErrorKind::OutOfRange));
        assert_eq!(kind("sip:h;Transport=a%2Cb"), Err(ErrorKind::Syntax));
        assert_eq!(kind("sip:h:70000;lr"), Err(ErrorKind::OutOfRange));
        for bad in [
            "sip:h;lr?",
            "sip:h;a=?x=y",
            "sip:h:5060x;lr",
            "sip:h:70000x",
            "sip:a-.b;lr",
            "sip:h%41;lr",
            "sip:h;lr?x",
        ] {
            assert_eq!(kind(bad), Err(ErrorKind::Syntax), "{bad}");
        }
    }

    #[test]
    fn rfc3261_19_1_scheme_case_and_kinds() {
        let u = Uri::parse(b"SIP:ALICE@AtLanTa.CoM;Transport=udp").unwrap();
        assert!(u.is_sip());
        assert_eq!(u.scheme(), "sip");
        assert_eq!(Uri::parse(b"SiPs:h").unwrap().scheme(), "sips");
        assert_eq!(Uri::parse(b"TEL:+1").unwrap().scheme(), "tel");
        let o = Uri::parse(b"Mailto:a@b").unwrap();
        assert_eq!(o.scheme(), "Mailto");
        assert!(!o.is_sip());
        assert_eq!(u.as_bytes(), b"SIP:ALICE@AtLanTa.CoM;Transport=udp");
        assert_eq!(std::format!("{u}"), "SIP:ALICE@AtLanTa.CoM;Transport=udp");
        assert_eq!(u.sip().unwrap().transport(), Some("udp"), "param names are case-insensitive");
        assert!(Uri::parse(b"tel:+1").unwrap().tel().is_some());
        assert_eq!(
            SipUri::parse(b"tel:+1").unwrap_err().kind,
            ErrorKind::UnsupportedScheme,
            "416 for a valid non-SIP URI where SIP is required"
        );
        assert!(SipUri::parse(b"sip:h").is_ok());
        assert_eq!(SipUri::parse(b"sip:").unwrap_err().kind, ErrorKind::Syntax);
    }

    #[test]
    fn rfc3261_25_1_nothing_after_the_scheme_is_a_syntax_error() {
        // No test of its own in parse_prefix: the empty host run is
        // rejected by the host reading, with no '@' for the userinfo rule.
        for s in ["sip:", "sips:", "SIP:", "sIpS:"] {
            assert_eq!(Uri::parse_str(s).unwrap_err().kind, ErrorKind::Syntax, "{s}");
            for tail in [">", ">;tag=1", ""] {
                let y = alloc::format!("{s}{tail}");
                let mut end = 0;
                let mut u = Uri::PLACEHOLDER;
                let e = Uri::parse_bracketed(&y, &mut end, &mut u).unwrap_err();
                assert_eq!(e.kind, ErrorKind::Syntax, "{y}");
                assert_eq!(u, Uri::PLACEHOLDER, "{y}");
            }
        }
    }

    #[test]
    fn rfc3261_25_1_rejections() {
        for bad in [
            "",
            "sip",
            ":x",
            "sip:",
            "1sip:host",
            "s p:host",
            " sip:host",
            "sip:host ",
            "sip:@host",      // empty user
            "sip::pw@host",   // empty user, password only
            "sip:a b@host",   // space in user
            "sip:a\"@host",   // DQUOTE in user
            "sip:a:p:w@host", // ':' in password
            "sip:a:p@w@host", // second '@'
            "sip:a%4@host",   // short escape
            "sip:a%G1@host",  // bad hex
            "sip:a@",         // no host
            "sip:a@host:",    // empty port
            "sip:a@host:5x",  // non-digit port
            "sip:a@host:-1",
            "sip:a@ho_st",     // '_' not in hostname
            "sip:a@-host.com", // label starts with '-'
            "sip:a@host-.com", // label ends with '-'
            "sip:a@host..com", // empty label
            "sip:a@.host",     // empty label
            "sip:a@host.3com", // toplabel starts with a digit
            "sip:a@1.2.3",     // numeric, not a dotted quad
            "sip:a@1.2.3.256", // octet out of range
            "sip:a@1.2.3.4.5",
            "sip:a@1.2.3.4.",
            "sip:h;", // empty parameter
            "sip:h;;lr",
            "sip:h;=x",    // empty pname
            "sip:h;x=",    // empty pvalue
            "sip:h;x=a=b", // '=' not a paramchar
            "sip:h;x=%zz",
            "sip:h;transport=",
            "sip:h;transport",        // known param needs a value
            "sip:h;transport=t%20cp", // decodes to a non-token
            "sip:h;user",
            "sip:h;method=IN VITE",
            "sip:h;ttl",
            "sip:h;ttl=abc",
            "sip:h;maddr",
            "sip:h;maddr=ho_st",
            "sip:h;maddr=%31.2.3.4", // maddr must be written as a host
            "sip:h;pn-prid",
            "sip:h;pn-param",
            "sip:h;pn-purr",
            "sip:h?",     // headers need at least one header
            "sip:h?a",    // '=' required
            "sip:h?=b",   // empty hname
            "sip:h?a=b&", // empty header after '&'
            "sip:h?a=b c",
            "sip:h?a=%3",
            "sip:h?a=b@c;", // '@' ends the userinfo; then an empty param
            "sip:h#frag",
            "sip:h>",
            "http://a b",
            "urn:",
            "x:<y>",
            "x:\"y\"",
            "x:y\u{7f}",
            "x:caf\u{e9}",
        ] {
            assert!(rejected(bad), "{bad:?} should be a syntax error, got {:?}", Uri::parse(bad.as_bytes()));
        }
    }

    #[test]
    fn rfc3261_25_1_port_range() {
        assert_eq!(sip("sip:h:0").port, Some(0));
        assert_eq!(sip("sip:h:65535").port, Some(65535));
        assert_eq!(sip("sip:h:0005060").port, Some(5060), "leading zeros are digits");
        assert_eq!(sip("sip:h:00000000000000000000005060").port, Some(5060));
        assert_eq!(kind("sip:h:65536"), Some(ErrorKind::OutOfRange));
        assert_eq!(kind("sip:h:99999999999999999999"), Some(ErrorKind::OutOfRange));
        assert_eq!(parse_hostport(b"example.com:5060").unwrap(), (Host::Domain("example.com"), Some(5060)));
        assert_eq!(parse_hostport(b"example.com").unwrap(), (Host::Domain("example.com"), None));
        assert_eq!(parse_hostport(b"192.0.2.1:5").unwrap(), (Host::Ipv4([192, 0, 2, 1]), Some(5)));
        assert_eq!(parse_hostport(b"h:70000").unwrap_err().kind, ErrorKind::OutOfRange);
        assert!(parse_hostport(b"[::1]x").is_err());
        assert!(parse_hostport(b"[::1").is_err());
        assert!(parse_hostport(b"").is_err());
        assert!(parse_hostport(b"h:1:2").is_err());
        // One pass: the value saturates past 65535, a non-digit is still
        // a syntax error after an overflow.
        let port_err = |s: &[u8]| parse_hostport(s).unwrap_err().kind;
        assert_eq!(port_err(b"h:99999999999x"), ErrorKind::Syntax);
        assert_eq!(port_err(b"h:100000"), ErrorKind::OutOfRange);
        assert_eq!(port_err(b"h:0065536"), ErrorKind::OutOfRange);
        assert_eq!(parse_hostport(b"h:065535").unwrap().1, Some(65535));
    }

    #[test]
    fn rfc3261_25_1_hostnames() {
        for ok in ["a", "a.b", "example.com.", "x-1.example.com", "a1.b2.c3", "9a.example", "EXAMPLE.COM"] {
            assert_eq!(Host::parse(ok.as_bytes()), Ok(Host::Domain(ok)), "{ok}");
        }
        for bad in ["", ".", "a..b", "a.-b", "a.b-", "1a.2b", "a.1", "a b", "a_b", "[x]", "[]", "[::1", "::1"]
        {
            assert!(Host::parse(bad.as_bytes()).is_err(), "{bad}");
        }
        assert_eq!(Host::parse(b"0.0.0.0"), Ok(Host::Ipv4([0, 0, 0, 0])));
        assert_eq!(Host::parse(b"255.255.255.255"), Ok(Host::Ipv4([255; 4])));
        assert_eq!(Host::parse(b"010.001.1.1"), Ok(Host::Ipv4([10, 1, 1, 1])), "RFC 3261 1*3DIGIT");
        assert!(Host::parse(b"1.2.3.0256").is_err());
        // The octet reader: one to three digits, exactly four octets.
        for bad in [&b"1.2.3"[..], b"1.2.3.4.5", b"1..2.3", b".1.2.3", b"1.2.3.", b"1.2.3.4x", b"256.1.1.1"] {
            assert!(Host::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(Host::parse(b"1.2.3.a"), Ok(Host::Domain("1.2.3.a")), "a top label may follow digits");
        assert_eq!(Host::parse(b"9.99.199.255"), Ok(Host::Ipv4([9, 99, 199, 255])));
        assert_eq!(Host::parse(b"1.2.3.4a.example"), Ok(Host::Domain("1.2.3.4a.example")));
        assert_eq!(sip("sip:192.0.2.1:5060;lr").host, Host::Ipv4([192, 0, 2, 1]));
        assert!(Host::parse(b"1.2.3.4.").is_err());
        assert!(Host::Domain("Example.COM").equivalent(&Host::Domain("example.com")));
        assert!(!Host::Domain("a").equivalent(&Host::Ipv4([1, 2, 3, 4])));
        assert!(Host::Ipv4([1, 2, 3, 4]).is_ip());
        assert_eq!(std::format!("{}", Host::Ipv4([192, 0, 2, 1])), "192.0.2.1");
        assert_eq!(std::format!("{}", Host::parse(b"[::1]").unwrap()), "[::1]");
        assert_eq!(std::format!("{}", Host::parse(b"a.b").unwrap()), "a.b");
    }

    #[test]
    fn rfc3261_25_1_hostname_shape_agrees_with_full_check() {
        // The URI parser checks only the label structure of a host whose
        // bytes it already scanned; on such bytes that must agree with the
        // full check, for every string of up to seven of "a1-.".
        let alphabet = *b"a1-.";
        let mut buf = [0u8; 7];
        for len in 0..=buf.len() {
            for mut n in 0..4usize.pow(len as u32) {
                for b in buf[..len].iter_mut() {
                    *b = alphabet[n % 4];
                    n /= 4;
                }
                let s = &buf[..len];
                assert_eq!(is_hostname_shape(s), is_hostname(s), "{:?}", core::str::from_utf8(s));
            }
        }
    }

    fn v6(s: &str) -> Option<[u16; 8]> {
        match Host::parse(s.as_bytes()) {
            Ok(Host::Ipv6 { addr, raw }) => {
                assert_eq!(raw.as_bytes(), &s.as_bytes()[1..s.len() - 1]);
                Some(addr)
            }
            _ => None,
        }
    }

    #[test]
    fn rfc5954_ipv6_grammar() {
        assert_eq!(v6("[2001:db8:0:0:0:0:0:1]"), Some([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]));
        assert_eq!(v6("[2001:db8::1]"), Some([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]));
        assert_eq!(v6("[::]"), Some([0; 8]));
        assert_eq!(v6("[::1]"), Some([0, 0, 0, 0, 0, 0, 0, 1]));
        assert_eq!(v6("[1::]"), Some([1, 0, 0, 0, 0, 0, 0, 0]));
        assert_eq!(v6("[1:2:3:4:5:6:7::]"), Some([1, 2, 3, 4, 5, 6, 7, 0]));
        assert_eq!(v6("[::2:3:4:5:6:7:8]"), Some([0, 2, 3, 4, 5, 6, 7, 8]));
        assert_eq!(v6("[FFFF:abcd::0]"), Some([0xffff, 0xabcd, 0, 0, 0, 0, 0, 0]));
        assert_eq!(v6("[1:2:3:4:5:6:1.2.3.4]"), Some([1, 2, 3, 4, 5, 6, 0x0102, 0x0304]));
        assert_eq!(v6("[::1.2.3.4]"), Some([0, 0, 0, 0, 0, 0, 0x0102, 0x0304]));
        assert_eq!(v6("[2001:db8::192.0.2.1]"), Some([0x2001, 0xdb8, 0, 0, 0, 0, 0xc000, 0x0201]));
        for bad in [
            "[1:2:3:4:5:6:7]",     // too few groups, no '::'
            "[1:2:3:4:5:6:7:8:9]", // too many
            "[1:2:3:4:5:6:7:8::]", // '::' must stand for at least one group
            "[1::2::3]",           // two '::'
            "[12345::]",           // five hex digits
            "[:1:2:3:4:5:6:7]",    // single leading colon
            "[1:2:3:4:5:6:7:]",    // single trailing colon
            "[::g]",
            "[1.2.3.4]", // IPv4 alone is not IPv6
            "[::1.2.3]",
            "[::1.2.3.4:5]",           // IPv4 only at the end
            "[1:2:3:4:5:6:7:1.2.3.4]", // IPv4 counts as two groups
            "[::256.1.1.1]",
            "[2001:db8:::1]", // three colons only tolerated before IPv4
            "[::::1.2.3.4]",
            "[ ::1]",
        ] {
            assert_eq!(v6(bad), None, "{bad}");
        }
        assert!(Host::parse(b"[::1]").unwrap().equivalent(&Host::parse(b"[0:0::0:1]").unwrap()));
        assert!(!Host::parse(b"[::1]").unwrap().equivalent(&Host::parse(b"[::2]").unwrap()));
    }

    #[test]
    fn rfc5118_4_1_valid_ipv6_reference() {
        let u = sip("sip:[2001:db8::10]");
        assert_eq!(u.host, Host::Ipv6 { addr: [0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x10], raw: "2001:db8::10" });
        let u = sip("sip:caller@[2001:db8::1]");
        assert_eq!(u.user, Some(&b"caller"[..]));
        assert!(sip("sip:user@[2001:db8::10]").host.is_ip());
        assert_eq!(sip("sip:caller@[2001:db8::9:1]").host, Host::parse(b"[2001:db8::9:1]").unwrap());
    }

    #[test]
    fn rfc5118_4_2_unbracketed_ipv6_rejected() {
        assert!(rejected("sip:2001:db8::10"));
        assert!(rejected("sip:user@2001:db8::10"));
        assert!(rejected("sip:user@::1"));
        assert!(Host::parse(b"2001:db8::10").is_err());
    }

    #[test]
    fn rfc5118_4_3_port_ambiguous() {
        let u = sip("sip:[2001:db8::10:5070]");
        assert_eq!(u.port, None, "the port is inside the brackets, so it is part of the address");
        assert_eq!(
            u.host,
            Host::Ipv6 { addr: [0x2001, 0xdb8, 0, 0, 0, 0, 0x10, 0x5070], raw: "2001:db8::10:5070" }
        );
    }

    #[test]
    fn rfc5118_4_4_port_unambiguous() {
        let u = sip("sip:[2001:db8::10]:5070");
        assert_eq!(u.port, Some(5070));
        assert_eq!(u.host, Host::Ipv6 { addr: [0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x10], raw: "2001:db8::10" });
        assert!(!equiv("sip:[2001:db8::10]:5070", "sip:[2001:db8::10:5070]"));
    }

    #[test]
    fn rfc5118_4_5_received_with_and_without_brackets() {
        let bracketed = Host::parse_lenient_ipv6(b"[2001:db8::9:255]").unwrap();
        let bare = Host::parse_lenient_ipv6(b"2001:db8::9:255").unwrap();
        assert!(bracketed.equivalent(&bare));
        assert_eq!(bare, Host::Ipv6 { addr: [0x2001, 0xdb8, 0, 0, 0, 0, 9, 0x255], raw: "2001:db8::9:255" });
        assert_eq!(Host::parse_lenient_ipv6(b"192.0.2.1"), Ok(Host::Ipv4([192, 0, 2, 1])));
        assert_eq!(Host::parse_lenient_ipv6(b"host.example"), Ok(Host::Domain("host.example")));
        assert!(Host::parse_lenient_ipv6(b"2001:db8:::1").is_err());
        assert!(Host::parse_lenient_ipv6(b"a:b:c").is_err());
        // maddr may carry an IPv6 reference.
        let u = sip("sip:h;maddr=[2001:db8::1]");
        assert_eq!(u.maddr(), Some(Host::parse(b"[2001:db8::1]").unwrap()));
    }

    #[test]
    fn rfc5118_4_9_ipv4_mapped_ipv6() {
        let u = sip("sip:ted@[::ffff:192.0.2.2]");
        assert_eq!(
            u.host,
            Host::Ipv6 { addr: [0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0202], raw: "::ffff:192.0.2.2" }
        );
        assert!(!equiv("sip:ted@[::ffff:192.0.2.2]", "sip:ted@192.0.2.2"));
    }

    #[test]
    fn rfc5118_4_10_three_colon_tolerated() {
        let three = sip("sip:user@[2001:db8:::192.0.2.1]");
        let two = sip("sip:user@[2001:db8::192.0.2.1]");
        assert_eq!(
            three.host,
            Host::Ipv6 { addr: [0x2001, 0xdb8, 0, 0, 0, 0, 0xc000, 0x0201], raw: "2001:db8:::192.0.2.1" }
        );
        assert!(three.host.equivalent(&two.host));
        assert!(equiv("sip:user@[2001:db8:::192.0.2.1]", "sip:user@[2001:db8::192.0.2.1]"));
        assert!(v6("[:::192.0.2.1]").is_some());
    }

    #[test]
    fn rfc3261_19_1_4_equivalent_examples() {
        let equal_sets: &[&[&str]] = &[
            &["sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp"],
            &[
                "sip:carol@chicago.com",
                "sip:carol@chicago.com;newparam=5",
                "sip:carol@chicago.com;security=on",
            ],
            &[
                "sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
                "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com",
            ],
            &[
                "sip:alice@atlanta.com?subject=project%20x&priority=urgent",
                "sip:alice@atlanta.com?priority=urgent&subject=project%20x",
            ],
        ];
        for set in equal_sets {
            for a in set.iter() {
                for b in set.iter() {
                    assert!(equiv(a, b), "{a} == {b}");
                }
            }
        }
        let unequal_pairs = [
            ("SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP"),
            ("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060"),
            ("sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp"),
            ("sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp"),
            ("sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting"),
            ("sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4"),
        ];
        for (a, b) in unequal_pairs {
            assert!(!equiv(a, b), "{a} != {b}");
        }
        // Equality is not transitive.
        assert!(equiv("sip:carol@chicago.com", "sip:carol@chicago.com;security=on"));
        assert!(equiv("sip:carol@chicago.com", "sip:carol@chicago.com;security=off"));
        assert!(!equiv("sip:carol@chicago.com;security=on", "sip:carol@chicago.com;security=off"));
    }

    #[test]
    fn rfc3261_19_1_4_component_rules() {
        // SIP and SIPS never match.
        assert!(!equiv("sip:a@h", "sips:a@h"));
        // Userinfo is case-sensitive, including the password.
        assert!(!equiv("sip:a:PW@h", "sip:a:pw@h"));
        assert!(!equiv("sip:a:pw@h", "sip:a@h"), "omitted password does not match");
        assert!(!equiv("sip:h", "sip:a@h"), "omitted user does not match");
        assert!(!equiv("sip:a:@h", "sip:a@h"), "empty password is still a password");
        // user, ttl, method, maddr, transport: present in one only never matches.
        for p in ["user=phone", "ttl=1", "method=INVITE", "maddr=1.2.3.4", "transport=udp"] {
            let with = std::format!("sip:a@h;{p}");
            assert!(!equiv("sip:a@h", &with), "{p}");
            assert!(equiv(&with, &with), "{p}");
        }
        // Parameter values compare case-insensitively, by value for ttl and maddr.
        assert!(equiv("sip:h;ttl=015", "sip:h;ttl=15"));
        assert!(!equiv("sip:h;ttl=16", "sip:h;ttl=15"));
        assert!(equiv("sip:h;maddr=[::1]", "sip:h;maddr=[0::0:1]"));
        assert!(equiv("sip:h;maddr=Example.COM", "sip:h;maddr=example.com"));
        assert!(!equiv("sip:h;maddr=example.com", "sip:h;maddr=example.net"));
        assert!(equiv("sip:h;foo=BAR", "sip:h;FOO=bar"));
        assert!(!equiv("sip:h;lr", "sip:h;lr=on"), "valueless and valued differ");
        assert!(equiv("sip:h;lr", "sip:h"), "lr in one only is ignored");
        // Escaped names match their unescaped form.
        assert!(equiv("sip:h;%74ransport=tcp", "sip:h;transport=TCP"));
        // Headers: names case-insensitive, values case-sensitive.
        assert!(equiv("sip:h?Subject=x", "sip:h?subject=x"));
        assert!(!equiv("sip:h?subject=X", "sip:h?subject=x"));
        assert!(!equiv("sip:h?a=1&b=2", "sip:h?a=1"));
        assert!(equiv("sip:h?a=%41", "sip:h?a=A"));
        // Ports: no default-port equivalence, and IP by value.
        assert!(!equiv("sips:h", "sips:h:5061"));
        assert!(equiv("sip:h:05060", "sip:h:5060"));
        assert!(equiv("sip:[2001:DB8::1]", "sip:[2001:db8:0::1]"));
        assert!(!equiv("sip:h.", "sip:h"), "trailing dot is a different name");
        // Different kinds never match.
        assert!(!equiv("sip:+1@h", "tel:+1"));
    }

    #[test]
    fn rfc3261_19_1_4_escaped_reserved_differs() {
        assert!(eq_unescaped(b"%61lice", b"alice", false));
        assert!(eq_unescaped(b"%6c", b"%6C", false));
        assert!(!eq_unescaped(b"%41", b"a", false));
        assert!(eq_unescaped(b"%41", b"a", true));
        assert!(!eq_unescaped(b"a%3Bb", b"a;b", false), "escaped reserved ';'");
        assert!(eq_unescaped(b"a%3bb", b"a%3Bb", false));
        assert!(!eq_unescaped(b"%2B1", b"+1", false), "escaped reserved '+'");
        assert!(!eq_unescaped(b"ab", b"abc", false));
        assert!(!equiv("sip:a%3Bb@h", "sip:a;b@h"));
        assert!(equiv("sip:%2B1@h", "sip:%2b1@h"));
        assert!(!equiv("sip:%2B1@h", "sip:+1@h"));
        assert!(equiv("sip:a%20b@h", "sip:a%20b@h"));
    }

    #[test]
    fn rfc3261_19_1_2_escapes_decode() {
        assert_eq!(&unescape(b"I%20have%20spaces")[..], b"I have spaces");
        assert_eq!(&unescape(b"value%25%34%31")[..], b"value%41", "never recursive");
        assert_eq!(&unescape(b"%")[..], b"%", "a stray % passes through");
        assert_eq!(&unescape(b"a%4")[..], b"a%4");
        assert_eq!(&unescape(b"%zz")[..], b"%zz");
        assert_eq!(&unescape(b"")[..], b"");
    }

    #[test]
    fn rfc4475_3_1_1_3_esc01_escapes() {
        let u = sip("sip:sips%3Auser%40example.com@example.net");
        assert_eq!(u.host, Host::Domain("example.net"));
        assert_eq!(&unescape(u.user.unwrap())[..], b"sips:user@example.com");
        let u = sip("sip:%75se%72@example.com");
        assert!(u.user_unescaped().unwrap().eq(b"user".iter().copied()));
        assert!(equiv("sip:%75se%72@example.com", "sip:user@example.com"));
        let u = sip("sip:I%20have%20spaces@example.net");
        assert!(u.user_unescaped().unwrap().eq(b"I have spaces".iter().copied()));
        let u = sip("sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31");
        assert!(u.lr(), "%6C%72 is lr");
        let name = u.params.get("name").flatten().unwrap();
        assert_eq!(&unescape(name)[..], b"value%41", "not valueA");
        assert!(!equiv("sip:caller@h;name=value%25%34%31", "sip:caller@h;name=valueA"));
        assert!(equiv("sip:caller@h;n%61me=v%61lue%25%34%31", "sip:caller@h;name=value%2541"));
    }

    #[test]
    fn rfc4475_3_1_1_4_escaped_nulls() {
        let u = sip("sip:null-%00-null@example.com");
        assert_eq!(&unescape(u.user.unwrap())[..], b"null-\0-null", "%00 does not truncate");
        let one = sip("sip:%00@host5.example.com");
        let two = sip("sip:%00%00@host5.example.com");
        assert_eq!(one.user_unescaped().unwrap().count(), 1);
        assert_eq!(two.user_unescaped().unwrap().count(), 2);
        assert!(!equiv("sip:%00@host5.example.com", "sip:%00%00@host5.example.com"), "two distinct contacts");
    }

    #[test]
    fn rfc4475_3_1_1_2_intmeth_unusual_userinfo() {
        let s = "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com";
        let u = sip(s);
        assert_eq!(u.user, Some(&b"1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*"[..]));
        assert_eq!(u.password, Some(&b"&it+has=1,weird!*pas$wo~d_too.(doesn't-it)"[..]));
        assert_eq!(u.host, Host::Domain("example.com"));
        assert!(u.params.is_empty() && u.headers.is_none());
        let u = sip("sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*@example.com");
        assert_eq!(u.password, None);
        assert_eq!(u.user, Some(&b"1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*"[..]));
    }

    #[test]
    fn rfc4475_3_1_1_9_semicolon_in_user() {
        let u = sip("sip:user;par=u%40example.net@example.com");
        assert_eq!(u.user, Some(&b"user;par=u%40example.net"[..]));
        assert_eq!(&unescape(u.user.unwrap())[..], b"user;par=u@example.net");
        assert_eq!(u.host, Host::Domain("example.com"));
        assert!(u.params.is_empty());
    }

    #[test]
    fn rfc4475_3_1_1_valid_corpus_uris() {
        for s in [
            "sip:vivekg@chair-dnrc.example.com;unknownparam",
            "sip:services.example.com;lr;unknownwith=value;unknown-no-value",
            "sip:+19725552222@gw1.example.net;unknownparam",
            "sip:+13035551111@ift.client.example.net;user=phone",
            "sip:UserB@example.com;maddr=ss1.example.com",
            "sip:127.0.0.1:5080",
            "sip:fluffy@127.0.0.1:5070",
            "sip:remote-target@example.com",
            "sip:j_user@example.com",
            "sip:user@example.com:6000;unknownparam1=verylonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglongvalue;longparamnamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamename=shortvalue;verylonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglongParameterNameWithNoValue",
            "sip:amazinglylongcallernameamazinglylongcallernameamazinglylongcallernameamazinglylongcallernameamazinglylongcallername@host5.example.net",
        ] {
            let u = sip(s);
            u.params.validate().unwrap();
        }
        let u = sip("sip:services.example.com;lr;unknownwith=value;unknown-no-value");
        assert!(u.lr());
        assert_eq!(u.params.get("unknownwith"), Some(Some(&b"value"[..])));
        assert_eq!(u.params.get("unknown-no-value"), Some(None));
        assert_eq!(u.params.get("absent"), None);
        assert_eq!(u.params.iter().count(), 3);
        assert_eq!(
            sip("sip:UserB@example.com;maddr=ss1.example.com").maddr(),
            Some(Host::Domain("ss1.example.com"))
        );
        assert_eq!(sip("sip:127.0.0.1:5080").port, Some(5080));
    }

    #[test]
    fn rfc4475_3_1_2_7_ltgtruri_rejected() {
        assert!(rejected("<sip:user@example.com>"));
        assert!(rejected("sip:user@example.com>"));
        assert!(rejected(" sip:user@example.com"));
        assert!(rejected("\tsip:user@example.com"));
    }

    #[test]
    fn rfc4475_3_1_2_lwsruri_trailing_semicolon_rejected() {
        // The Request-Line splits `sip:user@example.com; lr` at the space.
        assert!(rejected("sip:user@example.com;"));
        assert!(rejected("sip:user@example.com; lr"));
    }

    #[test]
    fn rfc4475_3_1_2_11_escaped_headers_parse_with_headers() {
        let u = sip("sip:user@example.com?Route=%3Csip:example.com%3E");
        assert_eq!(u.headers, Some(&b"Route=%3Csip:example.com%3E"[..]));
        let (n, v) = u.headers_iter().next().unwrap();
        assert_eq!(n, b"Route");
        assert_eq!(&unescape(v)[..], b"<sip:example.com>");
        assert!(sip("sip:user@example.com?Route=%3Csip:sip.example.com%3E").headers.is_some());
        assert!(sip("sip:h?body=").headers_iter().eq([(&b"body"[..], &b""[..])]));
    }

    #[test]
    fn rfc4475_3_3_2_unknown_scheme_is_opaque() {
        let u = Uri::parse(b"nobodyKnowsThisScheme:totallyopaquecontent").unwrap();
        let Uri::Other(a) = u else { panic!() };
        assert_eq!(a.scheme, "nobodyKnowsThisScheme");
        assert_eq!(a.rest(), b"totallyopaquecontent");
        assert_eq!(u.scheme(), "nobodyKnowsThisScheme");
        assert!(u.sip().is_none());
    }

    #[test]
    fn rfc4475_3_3_3_atypical_scheme() {
        let u = Uri::parse(b"soap.beep://192.0.2.103:3002").unwrap();
        assert_eq!(u.scheme(), "soap.beep");
        assert_eq!(std::format!("{u}"), "soap.beep://192.0.2.103:3002");
    }

    #[test]
    fn rfc4475_3_3_4_unknown_schemes_in_headers() {
        for s in
            ["isbn:2983792873", "http://www.example.com", "name:John_Smith", "urn:uuid:f81d4fae-7dec-11d0"]
        {
            assert!(matches!(Uri::parse(s.as_bytes()), Ok(Uri::Other(_))), "{s}");
        }
        assert!(equiv("HTTP://www.example.com", "http://www.example.com"));
        assert!(!equiv("http://www.example.com", "http://WWW.example.com"));
        assert!(!equiv("http://x", "https://x"));
    }

    #[test]
    fn rfc3966_tel_uris() {
        let t = *Uri::parse(b"tel:+1-201-555-0123;ext=1234").unwrap().tel().unwrap();
        assert!(t.is_global());
        assert_eq!(t.number, b"+1-201-555-0123");
        assert!(t.digits().eq(b"12015550123".iter().copied()));
        assert_eq!(t.ext(), Some(&b"1234"[..]));
        let t = *Uri::parse(b"tel:7042;phone-context=example.com").unwrap().tel().unwrap();
        assert!(!t.is_global());
        assert_eq!(t.phone_context(), Some(&b"example.com"[..]));
        let t = *Uri::parse(b"tel:863-1234;phone-context=+1-914-555").unwrap().tel().unwrap();
        assert_eq!(t.phone_context(), Some(&b"+1-914-555"[..]));
        let t = *Uri::parse(b"tel:+358-555-1234567;postd=pp22").unwrap().tel().unwrap();
        assert_eq!(t.params.get("postd"), Some(Some(&b"pp22"[..])));
        let t = *Uri::parse(b"tel:+1(800)555.0123;isub=12345").unwrap().tel().unwrap();
        assert_eq!(t.isub(), Some(&b"12345"[..]));
        assert!(Uri::parse(b"tel:*31#;phone-context=example.com").is_ok());
        assert!(Uri::parse(b"tel:A1b;phone-context=example.com").is_ok());
        for bad in [
            "tel:+",
            "tel:+-",
            "tel:+1a",  // hex only in local numbers
            "tel:1234", // local number without phone-context
            "tel:-;phone-context=example.com",
            "tel:;phone-context=x.com",
            "tel:12 34;phone-context=x.com",
            "tel:+1;ext=",
            "tel:+1;ext",
            "tel:+1;ext=12a",
            "tel:+1;ext=-",
            "tel:+1;isub",
            "tel:12;phone-context=",
            "tel:12;phone-context=ex_ample",
            "tel:12;phone-context=+",
            "tel:+1;a_b=1", // pname = 1*( alphanum / "-" )
            "tel:+1;",
        ] {
            assert!(rejected(bad), "{bad}: {:?}", Uri::parse(bad.as_bytes()));
        }
    }

    #[test]
    fn rfc3966_4_tel_equivalence() {
        assert!(equiv("tel:+1-201-555-0123", "tel:+1.201.555.0123"));
        assert!(equiv("tel:+1(201)5550123", "TEL:+12015550123"));
        assert!(!equiv("tel:+12015550123", "tel:+12015550124"));
        assert!(!equiv("tel:+1234;phone-context=+5", "tel:1234;phone-context=+5"), "global vs local");
        assert!(equiv("tel:+1;ext=1-2", "tel:+1;EXT=12"));
        assert!(!equiv("tel:+1;ext=12", "tel:+1"), "parameter in one only");
        assert!(equiv("tel:12;phone-context=Example.COM", "tel:12;phone-context=example.com"));
        assert!(equiv("tel:12;phone-context=+1-914", "tel:12;phone-context=+1914"));
        assert!(!equiv("tel:12;phone-context=a.com", "tel:12;phone-context=b.com"));
        assert!(equiv("tel:ab;phone-context=a.com", "tel:AB;phone-context=a.com"));
        assert!(equiv("tel:+1;a=1;b=2", "tel:+1;b=2;a=1"));
        assert!(!equiv("tel:+1;a=1", "tel:+1;a=2"));
    }

    #[test]
    fn rfc8599_4_1_pn_params() {
        let u = sip(
            "sip:alice@192.0.2.1;pn-provider=acme;pn-param=acme-param;pn-prid=ZTY4ZDJlMzODE1NmUgKi0K;pn-purr=123abc",
        );
        assert_eq!(u.pn_provider(), Some(Some(&b"acme"[..])));
        assert_eq!(u.pn_param(), Some(&b"acme-param"[..]));
        assert_eq!(u.pn_prid(), Some(&b"ZTY4ZDJlMzODE1NmUgKi0K"[..]));
        assert_eq!(u.pn_purr(), Some(&b"123abc"[..]));
        let u = sip("sip:alice@example.com;pn-provider");
        assert_eq!(u.pn_provider(), Some(None), "empty pn-provider queries capabilities (§4.1)");
        assert_eq!(u.pn_prid(), None);
        // Push subscription URIs arrive escaped.
        let u = sip("sip:a@h;pn-provider=webpush;pn-prid=https%3A%2F%2Fpush.example.net%2Fx");
        assert_eq!(&unescape(u.pn_prid().unwrap())[..], b"https://push.example.net/x");
    }

    #[test]
    fn rfc5626_5_4_ob_and_rfc5627_gr() {
        let u = sip("sip:line1@192.0.2.2;transport=tcp;ob");
        assert!(u.ob());
        assert_eq!(u.gr(), None);
        let u = sip("sip:callee@example.com;gr=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
        assert_eq!(u.gr(), Some(Some(&b"urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"[..])));
        assert!(!u.ob());
        assert_eq!(sip("sip:callee@example.com;gr").gr(), Some(None));
    }

    #[test]
    fn rfc3261_19_1_1_ttl_range() {
        assert_eq!(sip("sip:h;ttl=0").ttl(), Some(0));
        assert_eq!(sip("sip:h;ttl=255").ttl(), Some(255));
        assert_eq!(sip("sip:h;ttl=%32%35%35").ttl(), Some(255));
        assert_eq!(kind("sip:h;ttl=256"), Some(ErrorKind::OutOfRange));
        assert_eq!(kind("sip:h;ttl=99999999999999999999999"), Some(ErrorKind::OutOfRange));
    }

    #[test]
    fn rfc3261_25_1_uri_params_iteration() {
        let p = UriParams { raw: b";a=1;B;c=[::1];d=x:y&z+$/" };
        let v: heapless::Vec<_, 8> = p.iter().map(Result::unwrap).collect();
        assert_eq!(v.len(), 4);
        assert_eq!(v[0], UriParam { name: b"a", value: Some(b"1") });
        assert_eq!(v[1], UriParam { name: b"B", value: None });
        assert!(v[1].is("b"));
        assert_eq!(p.get("C"), Some(Some(&b"[::1]"[..])));
        assert_eq!(p.value("b"), None);
        assert!(p.contains("b"));
        assert!(p.validate().is_ok());
        // A malformed list yields one error, then stops.
        let bad = UriParams { raw: b";a;;b" };
        let mut it = bad.into_iter();
        assert!(it.next().unwrap().is_ok());
        assert!(it.next().unwrap().is_err());
        assert!(it.next().is_none());
        assert!(UriParams { raw: b"a" }.validate().is_err(), "must start with ';'");
        assert!(UriParams::default().iter().next().is_none());
    }

    #[test]
    fn rfc3261_19_1_4_long_lists_bounded() {
        // Parameter lists beyond MAX_COMPARE_ITEMS are not compared at all.
        let mut buf = [0u8; 1024];
        let mut n = 0;
        for &c in b"sip:h" {
            buf[n] = c;
            n += 1;
        }
        for _ in 0..=MAX_COMPARE_ITEMS {
            for &c in b";a" {
                buf[n] = c;
                n += 1;
            }
        }
        let long = Uri::parse(&buf[..n]).unwrap();
        assert!(!long.equivalent(&long));
        let short = Uri::parse(b"sip:h;a;a").unwrap();
        assert!(short.equivalent(&short));
    }

    #[test]
    fn robustness_every_prefix_never_panics() {
        let longs: [&[u8]; 6] = [
            b"sips:alice:pw%20x@[2001:db8:::192.0.2.1]:5061;transport=tls;ttl=255;maddr=[::1];lr;pn-prid=a%2Fb?subject=a%20b&x=",
            b"sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com",
            b"sip:user;par=u%40example.net@example.com;%6C%72;n%61me=v%61lue%25%34%31?Route=%3Csip:example.com%3E",
            b"tel:+1-201-555-0123;ext=1234;isub=12;phone-context=+1-914-555;x=%41",
            b"sip:[::ffff:192.0.2.2]:65535;method=INVITE;user=phone",
            b"soap.beep://192.0.2.103:3002",
        ];
        for s in longs {
            let full = Uri::parse(s).unwrap();
            for end in 0..=s.len() {
                for start in 0..4.min(end) {
                    let Ok(u) = Uri::parse(&s[start..end]) else { continue };
                    let _ = u.equivalent(&full);
                    let _ = u.equivalent(&u);
                    let _ = std::format!("{u}");
                    if let Some(s) = u.sip() {
                        let _ =
                            (s.ttl(), s.maddr(), s.transport(), s.method_param(), s.headers_iter().count());
                    }
                }
            }
        }
        // Arbitrary bytes, including non-ASCII and lone escapes.
        for b in 0u8..=255 {
            let input = [b's', b'i', b'p', b':', b, b'@', b'[', b, b']', b';', b, b'?', b, b'=', b'%'];
            for end in 0..=input.len() {
                let _ = Uri::parse(&input[..end]);
                let _ = Host::parse_lenient_ipv6(&input[4..end.max(4)]);
                let _ = parse_hostport(&input[4..end.max(4)]);
            }
        }
    }
}

#[cfg(test)]
mod differential {
    use super::*;
    use alloc::string::String;
    use alloc::vec::Vec;

    /// URIs to start from: every string literal of this file and of the
    /// name-addr module that looks like one, and the bench set's.
    fn seeds() -> Vec<String> {
        let mut v: Vec<String> = Vec::new();
        for src in [include_str!("uri.rs"), include_str!("headers/addr.rs")] {
            for piece in src.split('"') {
                if piece.len() < 160 && piece.contains(':') && !piece.contains('\n') && !piece.contains('\\')
                {
                    v.push(String::from(piece));
                }
            }
        }
        for s in [
            "sip:alice@atlanta.example.com",
            "sip:203.0.113.10;lr;ftag=hsT3xq9Vq",
            "sip:bob@198.51.100.20:5060;transport=udp",
            "sip:+12125550199@ims.atlanta.example.com;user=phone",
            "sip:alice@192.168.1.23:50312;transport=tls;pn-provider=apns;pn-prid=00fc13",
            "sip:user;par=u%40example.net@example.com",
            "sip:alice:secret@h:5060;maddr=[::1];ttl=5?x=y&a=%41",
            "sips:[2001:db8::10]:5070;transport=tcp",
            "sip:h;%6C%72;TRANSPORT=%74cp?",
            "tel:+1-201-555-0123;ext=1",
            "mailto:a@b",
        ] {
            v.push(String::from(s));
        }
        v
    }

    const MUTATIONS: &[u8] = b"@:;?=%[]><& a0.-+_/\"\x7f";

    /// Every seed, each of its prefixes, and each one-byte replacement,
    /// insertion and deletion with the bytes that steer the grammar.
    fn inputs() -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for s in seeds() {
            let s = s.as_bytes();
            for i in 0..=s.len() {
                out.push(s[..i].to_vec());
                if i < s.len() {
                    let mut d = s.to_vec();
                    d.remove(i);
                    out.push(d);
                }
                for &m in MUTATIONS.iter().chain([0xc3u8, 0xff].iter()) {
                    let mut ins = s.to_vec();
                    ins.insert(i, m);
                    out.push(ins);
                    if i < s.len() {
                        let mut r = s.to_vec();
                        r[i] = m;
                        out.push(r);
                    }
                }
            }
        }
        out
    }

    fn kind<T>(r: &Result<T, ParseError>) -> Option<ErrorKind> {
        r.as_ref().err().map(|e| e.kind)
    }

    #[test]
    fn rfc3261_19_1_request_uri_parsed_into_its_place_as_by_value() {
        // parse_str_into writes what parse_str returns, and leaves the
        // place as it was on an error (over a URI an earlier parse left).
        let old = Uri::parse_str("sip:old@h;lr").expect("valid");
        for x in inputs() {
            let Ok(t) = core::str::from_utf8(&x) else { continue };
            let want = Uri::parse_str(t);
            let mut place = old;
            let got = Uri::parse_str_into(t, &mut place);
            match want {
                Ok(u) => assert_eq!((got, place), (Ok(()), u), "{t:?}"),
                Err(e) => assert_eq!((got, place), (Err(e), old), "{t:?}"),
            }
        }
    }

    #[test]
    fn rfc3261_25_1_known_param_names_by_word_agree_with_scan() {
        // known_name_at against the paramchar scan and known_param: every
        // byte substituted at every position of each name it knows (and of
        // its neighbours in length), then every byte after the name, with
        // text after that (so the word fits) and without it.
        let names: [&[u8]; 12] = [
            b"lr",
            b"ttl",
            b"user",
            b"maddr",
            b"method",
            b"transport",
            b"pn-prid",
            b"pn-purr",
            b"pn-param",
            b"lrx",
            b"transpor",
            b"pn-pri",
        ];
        let mut hits = 0usize;
        for name in names {
            for pos in 0..=name.len() {
                for c in 0..=255u8 {
                    let mut v = name.to_vec();
                    if pos < name.len() {
                        v[pos] = c;
                    }
                    for &stop in [b'=', b';', b'>', b'?', b'a', b'%', b'-', b'\r', c].iter() {
                        let mut t = v.clone();
                        t.push(stop);
                        let short = t.clone();
                        t.extend_from_slice(b"udp;lr>xxxxxxxx");
                        for x in [&short, &t] {
                            let (ne, esc) = scan_escaped_flagged(x, 0, C_PARAM);
                            match known_name_at(x, 0) {
                                Some((n, kind)) => {
                                    hits += 1;
                                    assert_eq!((n, esc), (ne, false), "{x:?}");
                                    assert!(kind == known_param(&x[..ne], esc), "{x:?}");
                                }
                                None => {
                                    // Only names it does not know are left,
                                    // or too little text for the word, or a
                                    // '%' after the name (an escape or not,
                                    // left to the scan).
                                    let k = known_param(&x[..ne], esc);
                                    let lr = x[..ne].eq_ignore_ascii_case(b"lr");
                                    let pct = x.get(ne) == Some(&b'%');
                                    assert!(
                                        x.len() < 8 || esc || pct || (k == KnownParam::Other && !lr),
                                        "{x:?}"
                                    );
                                }
                            }
                        }
                    }
                }
            }
        }
        assert!(hits > 1000);
        // Every name it knows, in any case, taken by the word.
        for name in ["lr", "TTL", "User", "mAddr", "METHOD", "Transport", "pn-PRID", "PN-purr", "pn-param"] {
            let mut x = alloc::string::String::from(name);
            x.push_str(";lr>xxxxxxxx");
            assert!(known_name_at(x.as_bytes(), 0).is_some_and(|(n, _)| n == name.len()), "{x}");
        }
    }

    #[test]
    fn rfc3261_19_1_1_user_starting_with_no_host_byte_agrees_with_reference() {
        // A first byte that is no host byte goes to the userinfo rule
        // before any host reading: every byte there, with and without an
        // '@' after it, as Request-URI and inside <...>, against the
        // reference parser.
        for c in 0..=255u8 {
            for rest in [&b"12125550199@h;user=phone"[..], b"h;lr", b"@h", b"", b"[::1]", b":5060@h"] {
                let mut x = b"sip:".to_vec();
                x.push(c);
                x.extend_from_slice(rest);
                let (new, old) = (Uri::parse(&x), reference::parse(&x));
                match (&new, &old) {
                    (Ok(a), Ok(b)) => assert_eq!(a, b, "{x:?}"),
                    _ if core::str::from_utf8(&x).is_err() => assert!(new.is_err() && old.is_err(), "{x:?}"),
                    _ => assert_eq!(kind(&new), kind(&old), "{x:?}"),
                }
                let Ok(t) = core::str::from_utf8(&x) else { continue };
                let mut y = String::from(t);
                y.push_str(">;tag=1");
                let (mut end, mut out) = (0, Uri::PLACEHOLDER);
                let got = Uri::parse_bracketed(&y, &mut end, &mut out);
                let gt = y.bytes().position(|b| b == b'>').expect("a '>' was added");
                match reference::parse(&y.as_bytes()[..gt]) {
                    Ok(u) => assert_eq!((got, out, end), (Ok(()), u, gt), "{y:?}"),
                    Err(_) => assert!(got.is_err() || end != gt, "{y:?}"),
                }
            }
        }
    }

    #[cfg(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2"))]
    #[test]
    fn rfc3261_25_1_sse2_host_class_bits_equal_the_table_for_every_byte_at_every_lane() {
        // The two SSE2 class masks against the grammar's classes, for all
        // 256 byte values in each of the sixteen lanes, the other lanes
        // holding class and non-class bytes in turn.
        for fill in [b'a', b'-', b'.', b'7', 0x80, b'@'] {
            for lane in 0..16 {
                for c in 0..=255u8 {
                    let mut w = [fill; 16];
                    w[lane] = c;
                    let bits = |f: fn(u8) -> bool| (0..16).fold(0u32, |m, k| m | (u32::from(f(w[k])) << k));
                    let want = [bits(|c| c.is_ascii_alphanumeric()), bits(|c| c == b'.')];
                    assert_eq!(host_masks16(&w), want, "{w:?}");
                }
            }
        }
    }

    #[cfg(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2"))]
    #[test]
    fn rfc3261_25_1_sse2_host_run_equals_the_label_walk_for_every_byte_at_every_position() {
        // The windowed hostname reading against the portable label walk
        // (which the other tests hold to is_hostname_shape): hosts of one
        // to thirty-one bytes and longer, each byte replaced by every
        // value, with text after the host long enough for both windows,
        // from several starts.
        let hosts: [&[u8]; 9] = [
            b"atlanta.example.com",
            b"a",
            b"a-b.c-d.e",
            b"x1.y2.",
            b"scscf.ims.atlanta.example.com",
            b"ims.atlanta.example.com.abcdefgh",
            b"1a.2b",
            b"host-.com",
            b"h.-x.com",
        ];
        let mut hit = 0usize;
        for host in hosts {
            for tail in [
                &b""[..],
                b">",
                b";lr",
                b">;tag=abcdefghijklmnopqrstuvwxyz0123456789",
                b":5060;transport=tcp;lr;ftag=1234567890abc",
                b">;a=-.-.x-.-.y-.-.z-.-.w-.-.v-.-.u-.-.",
            ] {
                let mut base = b"@".to_vec();
                base.extend_from_slice(host);
                base.extend_from_slice(tail);
                for pos in 0..base.len() {
                    for c in 0..=255u8 {
                        let mut t = base.clone();
                        t[pos] = c;
                        for start in 0..=2 {
                            if let Some(got) = host_name_run_sse2(&t, start) {
                                assert_eq!(got, host_labels(&t, start), "{t:?} at {start}");
                                hit += 1;
                            }
                        }
                    }
                }
            }
        }
        assert!(hit > 100_000, "{hit}");
    }

    #[test]
    fn rfc3261_25_1_windowed_class_scan_agrees_with_byte_scan() {
        // scan_uri_class reads eight-byte windows while eight bytes are
        // left, then single bytes: for every class bit, every start, and a
        // stop byte of every value at every position of runs long enough
        // to cross two windows and the tail, the end is that of the plain
        // byte-by-byte definition.
        fn plain(s: &[u8], mut i: usize, mask: u16) -> usize {
            while i < s.len() && URI_CLASS[s[i] as usize] & mask != 0 {
                i += 1;
            }
            i
        }
        let masks = [
            C_USER, C_PASSWORD, C_PARAM, C_HEADER, C_HOST, C_HOSTPORT, C_LABEL, C_HEADERS, C_PTOKEN, C_ALNUM,
        ];
        let mut n = 0usize;
        for len in 0..=19usize {
            let base: Vec<u8> = (0..len).map(|k| b"a1b2c3d4e5f6g7h8i9j"[k]).collect();
            for pos in 0..len.max(1) {
                for c in 0..=255u8 {
                    let mut t = base.clone();
                    if let Some(x) = t.get_mut(pos) {
                        *x = c;
                    }
                    for &mask in &masks {
                        for start in 0..=len + 1 {
                            assert_eq!(
                                scan_uri_class(&t, start, mask),
                                plain(&t, start, mask),
                                "{t:?} {start} {mask}"
                            );
                            n += 1;
                        }
                    }
                }
            }
        }
        assert!(n > 1_000_000);
    }

    #[test]
    fn rfc3261_25_1_plain_user_window_agrees_with_the_class_scan() {
        // plain_user (an SSE2 alphanumeric window where sixteen bytes are
        // left) against the class scan it stands for, for every byte value
        // at every position of user@host texts of 0 to 40 bytes, from
        // every start: users shorter and longer than the window, an `@`
        // inside, at and past its edge, and no `@` at all.
        fn reference(b: &[u8], i: usize) -> (Option<&[u8]>, usize) {
            user_ending_at(b, i, scan_uri_class(b, i, C_PASSWORD))
        }
        let base = b"alice0123456789abcdefghij@example.com>;t";
        for len in 0..=base.len() {
            for pos in 0..len.max(1) {
                for c in 0..=255u8 {
                    let mut t = [0u8; 40];
                    t[..len].copy_from_slice(&base[..len]);
                    if let Some(x) = t.get_mut(pos).filter(|_| pos < len) {
                        *x = c;
                    }
                    let t = &t[..len];
                    for start in 0..=len + 1 {
                        assert_eq!(plain_user(t, start), reference(t, start), "{t:?} {start}");
                    }
                }
            }
        }
    }

    #[test]
    fn rfc3261_25_1_alphanum_class_matches_grammar() {
        // C_ALNUM is exactly alphanum, for all 256 bytes: the label bytes
        // but '-'.
        for c in 0..=255u8 {
            assert_eq!(URI_CLASS[c as usize] & C_ALNUM != 0, c.is_ascii_alphanumeric(), "{c:#04x}");
            let label_not_hyphen = URI_CLASS[c as usize] & C_LABEL != 0 && c != b'-';
            assert_eq!(URI_CLASS[c as usize] & C_ALNUM != 0, label_not_hyphen, "{c:#04x}");
        }
    }

    #[test]
    fn rfc3261_25_1_token_paramchar_class_matches_grammar() {
        // C_PTOKEN is exactly paramchar's plain bytes that are token bytes,
        // for all 256 bytes.
        for c in 0..=255u8 {
            let want = URI_CLASS[c as usize] & C_PARAM != 0 && is_token(c);
            assert_eq!(URI_CLASS[c as usize] & C_PTOKEN != 0, want, "{c:#04x}");
        }
    }

    #[test]
    fn rfc3261_25_1_token_param_values_agree_with_reference() {
        // A value scanned as a token first, then (at a paramchar that is no
        // token byte, or an escape) by the general scan: every byte at
        // every position of token-valued and other parameters' values, in
        // a Request-URI and in a name-addr, against the reference parser.
        let mut n = 0usize;
        for (pre, post) in [("transport=", ""), ("user=", ";lr"), ("method=", "?h=v"), ("ftag=", ";lr")] {
            for base in ["udp", "ab%41c", "x"] {
                for pos in 0..=base.len() {
                    for c in 0..=255u8 {
                        for replace in [false, true] {
                            if replace && pos == base.len() {
                                continue;
                            }
                            let mut v = base.as_bytes().to_vec();
                            if replace {
                                v[pos] = c;
                            } else {
                                v.insert(pos, c);
                            }
                            let mut x = b"sip:a@h;".to_vec();
                            x.extend_from_slice(pre.as_bytes());
                            x.extend_from_slice(&v);
                            x.extend_from_slice(post.as_bytes());
                            let (new, old) = (Uri::parse(&x), reference::parse(&x));
                            match (&new, &old) {
                                (Ok(a), Ok(b)) => assert_eq!(a, b, "{:?}", String::from_utf8_lossy(&x)),
                                _ => assert_eq!(kind(&new), kind(&old), "{:?}", String::from_utf8_lossy(&x)),
                            }
                            // Inside <...>: ends at the first '>'.
                            let Ok(t) = core::str::from_utf8(&x) else { continue };
                            let mut y = String::from(t);
                            y.push_str(">;tag=1");
                            let mut end = 0;
                            let mut out = Uri::PLACEHOLDER;
                            let got = Uri::parse_bracketed(&y, &mut end, &mut out).map(|()| (out, end));
                            let yb = y.as_bytes();
                            if let (Ok((u, e)), Some(gt)) = (&got, yb.iter().position(|&b| b == b'>')) {
                                assert_eq!(*e, gt, "{y:?}");
                                assert_eq!(Ok(*u), reference::parse(&yb[..gt]), "{y:?}");
                            } else if let Some(gt) = yb.iter().position(|&b| b == b'>') {
                                if gt == t.len() {
                                    assert!(reference::parse(&yb[..gt]).is_err(), "{y:?}");
                                }
                            }
                            n += 1;
                        }
                    }
                }
            }
        }
        assert!(n > 10_000);
    }

    #[test]
    fn rfc3261_19_1_4_known_param_names_case_insensitive() {
        // The OR-0x20 compare against eq_ignore_ascii_case, every paramchar
        // at every position of every name it is used on.
        for lit in
            [&b"transport"[..], b"user", b"method", b"ttl", b"maddr", b"pn-param", b"pn-prid", b"pn-purr"]
        {
            for pos in 0..lit.len() {
                for c in 0..=255u8 {
                    if URI_CLASS[c as usize] & C_PARAM == 0 {
                        continue;
                    }
                    let mut name = lit.to_vec();
                    name[pos] = c;
                    assert_eq!(eq_lower(&name, lit), eq_ic(&name, lit), "{name:?}");
                }
            }
            assert!(!eq_lower(&lit[1..], lit));
        }
        // The word compare against the byte-wise definition at every
        // length either word size covers, each byte position varied.
        let lower = b"abcdefghijk-mnop";
        for n in 0..=lower.len() {
            let lit = &lower[..n];
            for pos in 0..n {
                for c in 0..=255u8 {
                    let mut name = lit.to_vec();
                    name[pos] = c;
                    let bytewise = name.iter().zip(lit).all(|(&c, &l)| c | 0x20 == l);
                    assert_eq!(eq_lower(&name, lit), bytewise, "{name:?}");
                }
            }
        }
    }

    #[test]
    fn rfc3261_25_1_host_run_agrees_with_grammar() {
        // Every string of up to seven bytes over the bytes that shape a
        // host (and one that ends it), against the run's end found by the
        // class scan and the two checks applied to that run.
        const ALPHABET: &[u8] = b"a1-.925:";
        let mut buf = [0u8; 7];
        for len in 0..=7usize {
            let total = ALPHABET.len().pow(len as u32);
            for mut n in 0..total {
                for c in buf.iter_mut().take(len) {
                    *c = ALPHABET[n % ALPHABET.len()];
                    n /= ALPHABET.len();
                }
                let s = &buf[..len];
                let end = scan_uri_class(s, 0, C_HOST);
                let run = &s[..end];
                let want_v4 =
                    if run.first().is_some_and(u8::is_ascii_digit) { parse_ipv4(run) } else { None };
                let (e, got) = scan_host_run::<true, false>(s, 0);
                assert_eq!(e, end, "{s:?}");
                match got {
                    HostRun::Ipv4(a) => assert_eq!(Some(a.to_le_bytes()), want_v4, "{s:?}"),
                    HostRun::Name => assert!(want_v4.is_none() && is_hostname_shape(run), "{s:?}"),
                    HostRun::Invalid => assert!(want_v4.is_none() && !is_hostname_shape(run), "{s:?}"),
                }
            }
        }
        // Longer runs (labels across the scan's eight-byte windows, with
        // hyphens and dots at every offset), with and without text after.
        let mut rng = crate::message::lex::TestBytes::new(0x6a09_e667_f3bc_c909);
        let mut buf = [0u8; 48];
        for round in 0..100_000usize {
            let len = 8 + round % 33;
            rng.fill(&mut buf[..len], b"-.1-", 3);
            for c in buf.iter_mut().take(len) {
                // Mostly letters, as names are (TestBytes fills with 'x').
                if *c == b'x' && round % 3 == 0 {
                    *c = b'7';
                }
            }
            for cut in [len, len - 3] {
                let s = &buf[..cut];
                let end = scan_uri_class(s, 0, C_HOST);
                let run = &s[..end];
                let (e, got) = scan_host_run::<true, false>(s, 0);
                assert_eq!(e, end, "{s:?}");
                match got {
                    HostRun::Ipv4(_) => assert!(parse_ipv4(run).is_some(), "{s:?}"),
                    HostRun::Name => assert!(is_hostname_shape(run), "{s:?}"),
                    HostRun::Invalid => assert!(!is_hostname_shape(run), "{s:?}"),
                }
            }
        }
        for (s, v4) in
            [("255.255.255.255", true), ("256.1.1.1", false), ("1.2.3.4.5", false), ("010.1.1.1", true)]
        {
            assert_eq!(
                matches!(scan_host_run::<true, false>(s.as_bytes(), 0).1, HostRun::Ipv4(_)),
                v4,
                "{s}"
            );
        }
    }

    #[test]
    fn rfc3966_3_number_digits_one_pass_agrees_with_definition() {
        // global-number-digits = "+" *phonedigit DIGIT *phonedigit;
        // local-number-digits = *phonedigit-hex (HEXDIG / "*" / "#")
        // *phonedigit-hex, as the two-pass definitions read them.
        fn global(s: &[u8]) -> bool {
            match s.split_first() {
                Some((b'+', r)) => {
                    r.iter().all(|&c| is_digit(c) || is_visual_separator(c)) && r.iter().any(|&c| is_digit(c))
                }
                _ => false,
            }
        }
        fn local(s: &[u8]) -> bool {
            let core = |c: u8| is_hex(c) || c == b'*' || c == b'#';
            s.iter().all(|&c| core(c) || is_visual_separator(c)) && s.iter().any(|&c| core(c))
        }
        const ALPHABET: &[u8] = b"+09aF*#-.()x;%";
        let mut buf = [0u8; 5];
        for len in 0..=buf.len() {
            let mut n = 0usize;
            loop {
                let mut k = n;
                for c in buf.iter_mut().take(len) {
                    *c = ALPHABET[k % ALPHABET.len()];
                    k /= ALPHABET.len();
                }
                if k > 0 {
                    break;
                }
                let s = &buf[..len];
                assert_eq!(is_global_number_digits(s), global(s), "{s:?}");
                assert_eq!(is_local_number_digits(s), local(s), "{s:?}");
                n += 1;
            }
        }
    }

    #[test]
    fn rfc3966_3_plain_global_number_read_as_the_general_path_reads_it() {
        // The one-pass reading of a parameterless global tel number against
        // the general path, alone and as a name-addr's URI (GT): for every
        // byte replaced and inserted at every position, the same answer,
        // the same end, every piece cut at the same address; and the plain
        // reading does answer the usual spellings.
        fn run<const GT: bool>(x: &str) -> bool {
            let (mut e1, mut u1) = (usize::MAX, Uri::PLACEHOLDER);
            let (mut e2, mut u2) = (usize::MAX, Uri::PLACEHOLDER);
            let got = Uri::parse_other_scheme::<GT>(x, &mut e1, &mut u1);
            let want = Uri::parse_other_general::<GT>(x, &mut e2, &mut u2);
            assert_eq!(got.is_ok(), want.is_ok(), "{x}");
            match (got, want) {
                (Ok(()), Ok(())) => {
                    assert_eq!((u1, e1), (u2, e2), "{x}");
                    if let (Uri::Tel(a), Uri::Tel(b)) = (u1, u2) {
                        let at = |v: &[u8]| (v.as_ptr(), v.len());
                        assert_eq!(at(a.number), at(b.number), "{x}");
                        assert_eq!(at(a.params.raw), at(b.params.raw), "{x}");
                        assert_eq!(at(a.raw), at(b.raw), "{x}");
                    }
                }
                (Err(a), Err(b)) => assert_eq!(a, b, "{x}"),
                _ => unreachable!(),
            }
            tel_plain_global_end::<GT>(x.as_bytes()).is_some()
        }
        for (x, plain) in [
            ("tel:+14155550123", true),
            ("TEL:+1-415-555-0123", true),
            ("tel:+1(415)555.0123", true),
            ("tel:+14155550123;ext=12", false),
            ("tel:7042;phone-context=example.com", false),
            ("tel:+-.()", false),
            ("tel:+1", true),
        ] {
            for tail in ["", ">", ">;tag=1", ";x>"] {
                let v = alloc::format!("{x}{tail}");
                let answered = run::<true>(&v);
                run::<false>(&v);
                // The number's first byte is read with the scheme as one
                // eight-byte word: a shorter text goes the general way.
                if tail.starts_with('>') || tail.is_empty() {
                    assert_eq!(answered, plain && v.len() >= 8, "{v}");
                }
                crate::message::lex::each_byte_variant(&v, |t| {
                    run::<true>(t);
                    run::<false>(t);
                });
                crate::message::lex::each_byte_insertion(&v, |t| {
                    run::<true>(t);
                    run::<false>(t);
                });
            }
        }
    }

    #[test]
    fn rfc3966_3_tel_scheme_word_agrees_with_the_general_route() {
        // `tel:` told by one word compare in any case, against the
        // reference parser's colon search and scheme check.
        for scheme in ["tel", "TEL", "Tel", "tEl", "teL", "TEl", "tEL", "TeL", "tel+", "te", "tl"] {
            for rest in [
                "",
                "+14155550123",
                "+1-415-555-0123;ext=12",
                "7042;phone-context=example.com",
                "+",
                "x",
                ":+1",
                "+1>",
            ] {
                let x = alloc::format!("{scheme}:{rest}");
                let new = Uri::parse(x.as_bytes());
                let old = reference::parse(x.as_bytes());
                match (&new, &old) {
                    (Ok(a), Ok(b)) => assert_eq!(a, b, "{x}"),
                    _ => assert_eq!(kind(&new), kind(&old), "{x}"),
                }
                let y = alloc::format!("{x}>;tag=1");
                let (mut end, mut u) = (0, Uri::PLACEHOLDER);
                let got = Uri::parse_bracketed(&y, &mut end, &mut u).map(|()| (u, end));
                let want = match find_byte(b'>', y.as_bytes()) {
                    Some(gt) => reference::parse(&y.as_bytes()[..gt]).map(|u| (u, gt)),
                    None => Err(syntax()),
                };
                match (&got, &want) {
                    (Ok(a), Ok(b)) => assert_eq!(a, b, "{y}"),
                    _ => assert_eq!(kind(&got), kind(&want), "{y}"),
                }
            }
        }
    }

    #[test]
    fn rfc3261_25_1_single_pass_parser_agrees_with_reference() {
        let mut n = 0usize;
        for x in inputs() {
            let new = Uri::parse(&x);
            let old = reference::parse(&x);
            if core::str::from_utf8(&x).is_err() {
                // A URI is ASCII: the new entry point rejects other bytes
                // up front, where the old one may first have found another
                // error.
                assert!(new.is_err() && old.is_err(), "{x:?}");
                continue;
            }
            n += 1;
            match (&new, &old) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{:?}", String::from_utf8_lossy(&x)),
                _ => assert_eq!(kind(&new), kind(&old), "{:?}", String::from_utf8_lossy(&x)),
            }
        }
        assert!(n > 50_000, "{n}");
    }

    #[test]
    fn rfc3261_20_10_bracketed_uri_ends_at_first_gt() {
        // Old name-addr path: the URI is the text up to the first '>',
        // without CTL or SP, parsed whole.
        for x in inputs() {
            let Ok(x) = String::from_utf8(x) else { continue };
            for tail in [">", ">;tag=1", ">;p=\"a@b>\"", "", " >"] {
                let y = alloc::format!("{x}{tail}");
                let yb = y.as_bytes();
                let old = match find_byte(b'>', yb) {
                    None => Err(ErrorKind::Syntax),
                    Some(gt) if crate::message::lex::has_ctl_or_sp(&yb[..gt]) || gt == 0 => {
                        Err(ErrorKind::Syntax)
                    }
                    Some(gt) => reference::parse(&yb[..gt]).map(|u| (u, gt)).map_err(|e| e.kind),
                };
                let mut end = 0;
                let mut u = Uri::PLACEHOLDER;
                let new = match Uri::parse_bracketed(&y, &mut end, &mut u).map(|()| u) {
                    Ok(u) if yb.get(end) == Some(&b'>') => Ok((u, end)),
                    Ok(_) => Err(ErrorKind::Syntax),
                    Err(e) => Err(e.kind),
                };
                assert_eq!(new, old, "{y:?}");
            }
        }
    }

    /// The fast path of `parse_prefix` on `s` (after its `sip:` / `sips:`):
    /// `Some((uri, end))` if it answered.
    fn fast<const GT: bool>(s: &str) -> Option<(Uri<'_>, usize)> {
        let i = if s.len() >= 5 && s.as_bytes()[3] == b':' { 4 } else { 5 };
        let mut out = Uri::PLACEHOLDER;
        let mut end = usize::MAX;
        let got = SipUri::parse_fast::<GT, false, false>(
            s,
            s.as_bytes().get(3) != Some(&b':'),
            i,
            &mut end,
            &mut out,
        )
        .then_some((out, end));
        // The parameters read by the call give the same answer.
        let (mut out2, mut end2) = (Uri::PLACEHOLDER, usize::MAX);
        let called = SipUri::parse_fast::<GT, true, false>(
            s,
            s.as_bytes().get(3) != Some(&b':'),
            i,
            &mut end2,
            &mut out2,
        )
        .then_some((out2, end2));
        assert_eq!(got, called, "{s:?}");
        got
    }

    /// The full parser alone on the same text.
    fn general<const GT: bool>(s: &str) -> Result<(Uri<'_>, usize), ParseError> {
        let i = if s.len() >= 5 && s.as_bytes()[3] == b':' { 4 } else { 5 };
        let mut out = Uri::PLACEHOLDER;
        let mut end = usize::MAX;
        SipUri::parse_after_scheme::<GT>(s, s.as_bytes().get(3) != Some(&b':'), i, &mut end, &mut out)
            .map(|()| (out, end))
    }

    /// Where the fast path answers, the full parser gives the same URI and
    /// end.
    fn fast_agrees(s: &str) {
        if !(s.len() >= 4
            && (s[..4].eq_ignore_ascii_case("sip:")
                || s.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("sips:"))))
        {
            return;
        }
        if let Some(f) = fast::<true>(s) {
            assert_eq!(general::<true>(s).ok(), Some(f), "{s:?} in <...>");
        }
        if let Some(f) = fast::<false>(s) {
            assert_eq!(general::<false>(s).ok(), Some(f), "{s:?}");
            assert_eq!(reference::parse(s.as_bytes()).ok(), Some(f.0), "{s:?} against the reference");
        }
    }

    const FAST_SHAPES: [&str; 16] = [
        "sip:bob@biloxi.example.com",
        "sip:alice@atlanta.example.com>;tag=9fxced76sl",
        "sip:203.0.113.10;lr;ftag=hsT3xq9Vq",
        "sip:bob@198.51.100.20:5060;transport=udp",
        "sip:alice@192.168.1.23:50312;transport=tls;pn-provider=apns;pn-param=ABCD1234EF.com.example.softphone.voip;pn-prid=00fc13adff78",
        "sip:+12125550199@ims.atlanta.example.com;user=phone",
        "sip:scscf.ims.atlanta.example.com:6060;lr",
        "sip:alice@203.0.113.45:5062;transport=tcp;ob",
        "sip:203.0.113.150:5060;lr;r2=on;did=8a1.c2f3",
        "sip:+14155550123@ims.biloxi.example.com;user=phone;cause=302",
        "sips:j_user@example.com.",
        "sip:127.0.0.1:5080",
        "SIP:Remote-Target@EXAMPLE.com;Method=INVITE",
        "sip:a@b;ttl=1;maddr=x",
        "sip:a:b@c;lr?x=y",
        "sip:vivekg@chair-dnrc.example.com;unknownparam",
    ];

    #[test]
    fn rfc3261_19_1_1_transport_name_told_as_the_class_scan_ends_it() {
        // transport_name_end against the C_PTOKEN scan and a
        // case-insensitive compare, with every byte replaced and inserted
        // at every position of transport parameters (and at every start),
        // at the end of the text and with more after; and the fast path
        // against the general one over the same URIs.
        for t in [";transport=udp>", ";TransPort=tcp", "sip:a@h;transport=tls;lr>", ";transports=x"] {
            let t = t.as_bytes();
            for pos in 0..=t.len() {
                for c in 0..=255u8 {
                    for insert in [false, true] {
                        if !insert && pos == t.len() {
                            continue;
                        }
                        let mut b = t[..pos].to_vec();
                        b.push(c);
                        b.extend_from_slice(&t[pos + usize::from(!insert)..]);
                        for n in 0..b.len() {
                            if let Some(e) = transport_name_end(&b, n) {
                                assert_eq!(scan_uri_class(&b, n, C_PTOKEN), e, "{b:?} at {n}");
                                assert!(eq_ic(&b[n..e], b"transport") && b[e] == b'=', "{b:?} at {n}");
                            } else if b.len() >= n + 10 {
                                let e = scan_uri_class(&b, n, C_PTOKEN);
                                let named = eq_ic(&b[n..e], b"transport") && b.get(e) == Some(&b'=');
                                assert!(!named, "{b:?} at {n}");
                            }
                        }
                        let mut u = b"sip:a@198.51.100.20:5060".to_vec();
                        u.extend_from_slice(&b);
                        if let Ok(u) = core::str::from_utf8(&u) {
                            fast_agrees(u);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn rfc3261_19_1_1_fast_path_answers_for_the_common_shape() {
        // The fast path exists for these: a test that fails without it.
        for s in &FAST_SHAPES[..13] {
            let cut = s.find('>').unwrap_or(s.len());
            assert!(fast::<true>(s).is_some(), "{s:?}");
            assert_eq!(fast::<true>(s).map(|f| f.1), Some(cut), "{s:?}");
            assert!(fast::<false>(&s[..cut]).is_some(), "{s:?}");
        }
        // ... and leaves the rest, errors included, to the full parser.
        for s in [
            "sip:a@b;ttl=1",
            "sip:a@b;maddr=x",
            "sip:a:b@c",
            "sip:a@b?x=y",
            "sip:a@b;lr=",
            "sip:a@b;=x",
            "sip:a@b;;",
            "sip:a@b;transport",
            "sip:a@b:65536",
            "sip:a@b:000005060",
            "sip:a@b:",
            "sip:%61@b",
            "sip:host;x=y@z",
            "sip:[::1]",
            "sip:",
            "sip:@b",
            "sip:a@b>",
        ] {
            assert!(fast::<false>(s).is_none(), "{s:?}");
            fast_agrees(s);
        }
    }

    #[test]
    fn rfc3261_25_1_fast_path_agrees_for_every_byte_at_every_position() {
        let mut uris: Vec<&str> = FAST_SHAPES.to_vec();
        uris.extend([
            "sip:user@example.com:6000;unknownparam1=verylongvalue;longparamname=shortvalue;NoValue",
            "sip:services.example.com;lr;unknownwith=value;unknown-no-value",
            "sip:user;par=u%40example.net@example.com",
            "sip:[2001:db8::10]:5070;transport=tcp",
            "sip:user@[::ffff:192.0.2.1];lr",
            "sip:a-b.c-d.example.com:1;x=a-b.c",
            "sip:1.2.3.4.example.com",
            "sip:alice@1.2.3.4;maddr=1.2.3.4;ttl=255;method=REGISTER",
            // The word-compared transport values, ending at `>`, `;`, the
            // end, and at a byte that goes on with the value.
            "sip:a@h;transport=udp>;tag=1",
            "sip:a@h;transport=tls;lr",
            "sip:a@h:1;transport=tcp",
            "sip:a@h;transport=udpx;lr",
        ]);
        let mut buf = Vec::new();
        for u in uris {
            for pos in 0..=u.len() {
                for c in 0..=255u8 {
                    for insert in [false, true] {
                        if !insert && pos == u.len() {
                            continue;
                        }
                        buf.clear();
                        buf.extend_from_slice(&u.as_bytes()[..pos]);
                        buf.push(c);
                        buf.extend_from_slice(&u.as_bytes()[pos + usize::from(!insert)..]);
                        if let Ok(s) = core::str::from_utf8(&buf) {
                            fast_agrees(s);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn rfc3261_25_1_fast_path_agrees_on_generated_uris() {
        use quickcheck::QuickCheck;
        // URIs over the bytes that steer the fast path, in shapes near the
        // common one: user, host labels, port digits, parameters.
        fn prop(parts: Vec<(u8, u8)>) -> bool {
            const ALPHABET: &[u8] = b"aZ09-._+!%@:;=?>[]&$,/~*xyz5";
            let mut s = String::from("sip:");
            for (k, v) in parts.iter().take(40) {
                let c = ALPHABET[usize::from(*v) % ALPHABET.len()];
                match k % 8 {
                    0 => s.push_str("alice@"),
                    1 => s.push_str("example.com"),
                    2 => s.push_str(":5060"),
                    3 => s.push_str(";lr"),
                    4 => s.push_str(";transport=udp"),
                    5 => s.push_str("192.0.2.1"),
                    _ => s.push(char::from(c)),
                }
            }
            fast_agrees(&s);
            true
        }
        QuickCheck::new().tests(3000).quickcheck(prop as fn(Vec<(u8, u8)>) -> bool);
    }
}
