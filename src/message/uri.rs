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
//!   `;`, `?` and `/` (RFC 4475 §3.1.1.9 `semiuri`, §3.1.1.8 `intmeth`);
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
use super::lex::{ascii_str, eq_ic, hex_val, is_alpha, is_digit, is_hex, is_token, is_unreserved};
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

/// `user` characters other than escapes: unreserved / user-unreserved.
#[inline]
fn is_user_char(c: u8) -> bool {
    is_unreserved(c) || matches!(c, b'&' | b'=' | b'+' | b'$' | b',' | b';' | b'?' | b'/')
}

/// `password` characters other than escapes.
#[inline]
fn is_password_char(c: u8) -> bool {
    is_unreserved(c) || matches!(c, b'&' | b'=' | b'+' | b'$' | b',')
}

/// `paramchar` other than escapes: param-unreserved / unreserved.
#[inline]
fn is_param_char(c: u8) -> bool {
    is_unreserved(c) || matches!(c, b'[' | b']' | b'/' | b':' | b'&' | b'+' | b'$')
}

/// `hname` / `hvalue` characters other than escapes.
#[inline]
fn is_header_char(c: u8) -> bool {
    is_unreserved(c) || matches!(c, b'[' | b']' | b'/' | b'?' | b':' | b'+' | b'$')
}

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

/// True if every byte of `s` is either allowed by `class` or starts a
/// well-formed `%HH` escape.
fn valid_escaped(s: &[u8], class: fn(u8) -> bool) -> bool {
    let mut i = 0;
    while let Some(&c) = s.get(i) {
        if c == b'%' {
            let ok = s.get(i + 1).is_some_and(|&h| is_hex(h)) && s.get(i + 2).is_some_and(|&l| is_hex(l));
            if !ok {
                return false;
            }
            i += 3;
        } else if class(c) {
            i += 1;
        } else {
            return false;
        }
    }
    true
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
fn parse_ipv4(s: &[u8]) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut parts = s.split(|&c| c == b'.');
    for slot in &mut out {
        let p = parts.next()?;
        if p.is_empty() || p.len() > 3 || !p.iter().all(|&c| is_digit(c)) {
            return None;
        }
        let v = p.iter().fold(0u16, |v, &c| v * 10 + u16::from(c - b'0'));
        *slot = u8::try_from(v).ok()?;
    }
    if parts.next().is_some() {
        return None;
    }
    Some(out)
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

/// `hostname = *( domainlabel "." ) toplabel [ "." ]` (RFC 3261 §25.1).
fn is_hostname(s: &[u8]) -> bool {
    let body = match s.strip_suffix(b".") {
        Some(b) if !b.is_empty() => b,
        Some(_) => return false,
        None => s,
    };
    if body.is_empty() {
        return false;
    }
    let mut last: &[u8] = &[];
    for label in body.split(|&c| c == b'.') {
        let ok = match (label.first(), label.last()) {
            (Some(&f), Some(&l)) => {
                f.is_ascii_alphanumeric()
                    && l.is_ascii_alphanumeric()
                    && label.iter().all(|&c| c.is_ascii_alphanumeric() || c == b'-')
            }
            _ => false,
        };
        if !ok {
            return false;
        }
        last = label;
    }
    last.first().is_some_and(|&c| is_alpha(c))
}

impl<'a> Host<'a> {
    /// Parses a host (no port): a domain name, a dotted-quad IPv4 address,
    /// or an IPv6 reference in brackets (RFC 3261 §25.1, RFC 5954).
    ///
    /// A dotted string of digits is an IPv4 address or nothing: `1.2.3` and
    /// `1.2.3.256` are syntax errors, since a top label must start with a
    /// letter. An IPv6 address without brackets is an error (RFC 5118
    /// §4.2); see [`Host::parse_lenient_ipv6`] for the places that allow it.
    pub fn parse(s: &'a [u8]) -> Result<Host<'a>, ParseError> {
        if let Some(rest) = s.strip_prefix(b"[") {
            let inner = rest.strip_suffix(b"]").ok_or_else(syntax)?;
            return Host::parse_ipv6_literal(inner);
        }
        if !s.is_empty() && s.iter().all(|&c| is_digit(c) || c == b'.') {
            return parse_ipv4(s).map(Host::Ipv4).ok_or_else(syntax);
        }
        if is_hostname(s) {
            return ascii_str(s).map(Host::Domain).ok_or_else(syntax);
        }
        Err(syntax())
    }

    /// Like [`Host::parse`], but also accepts an IPv6 address without
    /// brackets, as the Via `received` parameter carries it (RFC 3261
    /// §20.42 `received = "received" EQUAL (IPv4address / IPv6address)`,
    /// RFC 5118 §4.5). The bracketed form is accepted too.
    pub fn parse_lenient_ipv6(s: &'a [u8]) -> Result<Host<'a>, ParseError> {
        if s.first() != Some(&b'[') && s.contains(&b':') {
            return Host::parse_ipv6_literal(s);
        }
        Host::parse(s)
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
    if s.is_empty() || !s.iter().all(|&c| is_digit(c)) {
        return Err(syntax());
    }
    let first_nz = s.iter().position(|&c| c != b'0').unwrap_or(s.len());
    let digits = s.get(first_nz..).unwrap_or(&[]);
    if digits.len() > 5 {
        return Err(out_of_range());
    }
    let v = digits.iter().fold(0u32, |v, &c| v * 10 + u32::from(c - b'0'));
    u16::try_from(v).map_err(|_| out_of_range())
}

/// Parses `host [ ":" port ]` (RFC 3261 §25.1 `hostport`). The port is
/// 0-65535 with leading zeros allowed; a larger one is
/// [`ErrorKind::OutOfRange`]. `[2001:db8::10:5070]` is an address with no
/// port (RFC 5118 §4.3); `[2001:db8::10]:5070` has port 5070.
pub fn parse_hostport(s: &[u8]) -> Result<(Host<'_>, Option<u16>), ParseError> {
    let host_end = if s.first() == Some(&b'[') {
        memchr::memchr(b']', s).map(|k| k + 1).ok_or_else(syntax)?
    } else {
        memchr::memchr(b':', s).unwrap_or(s.len())
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
        let (&first, after) = self.rest.split_first()?;
        if first != b';' {
            self.rest = &[];
            return Some(Err(syntax()));
        }
        let end = memchr::memchr(b';', after).unwrap_or(after.len());
        let (seg, rest) = after.split_at(end);
        self.rest = rest;
        let (name, value) = match memchr::memchr(b'=', seg) {
            Some(k) => (&seg[..k], Some(&seg[k + 1..])),
            None => (seg, None),
        };
        let ok = !name.is_empty()
            && valid_escaped(name, is_param_char)
            && value.is_none_or(|v| !v.is_empty() && valid_escaped(v, is_param_char));
        if !ok {
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

/// Checks the values of the parameters this module has accessors for.
fn check_known_param(p: &UriParam<'_>) -> Result<(), ParseError> {
    let value = || p.value.ok_or_else(syntax);
    if p.is("transport") || p.is("user") || p.is("method") {
        let v = value()?;
        if !Unescaped::new(v).all(is_token) {
            return Err(syntax());
        }
    } else if p.is("ttl") {
        match ttl_value(value()?) {
            None => return Err(syntax()),
            Some(n) if n > 255 => return Err(out_of_range()),
            Some(_) => {}
        }
    } else if p.is("maddr") {
        Host::parse(value()?)?;
    } else if p.is("pn-param") || p.is("pn-prid") || p.is("pn-purr") {
        value()?;
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
        if name.is_empty() || !valid_escaped(name, is_header_char) || !valid_escaped(value, is_header_char) {
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

    /// Parses what follows `sip:` / `sips:`; `raw` is the whole URI.
    fn parse_rest(raw: &'a [u8], secure: bool, rest: &'a [u8]) -> Result<SipUri<'a>, ParseError> {
        // No '@' can appear unescaped after the userinfo (it is in neither
        // paramchar nor the header alphabet), so the first '@' ends it, and
        // the user part may contain ';' and '?' (RFC 4475 §3.1.1.9).
        let (user, password, after) = match memchr::memchr(b'@', rest) {
            Some(at) => {
                let userinfo = &rest[..at];
                let (user, password) = match memchr::memchr(b':', userinfo) {
                    Some(k) => (&userinfo[..k], Some(&userinfo[k + 1..])),
                    None => (userinfo, None),
                };
                if user.is_empty() || !valid_escaped(user, is_user_char) {
                    return Err(syntax());
                }
                if password.is_some_and(|p| !valid_escaped(p, is_password_char)) {
                    return Err(syntax());
                }
                (Some(user), password, &rest[at + 1..])
            }
            None => (None, None, rest),
        };
        let hp_end = after.iter().position(|&c| c == b';' || c == b'?').unwrap_or(after.len());
        let (hostport, tail) = after.split_at(hp_end);
        let (host, port) = parse_hostport(hostport)?;
        let (params, headers) = match memchr::memchr(b'?', tail) {
            Some(q) => (&tail[..q], Some(&tail[q + 1..])),
            None => (tail, None),
        };
        let params = UriParams { raw: params };
        for p in params.iter() {
            check_known_param(&p?)?;
        }
        if let Some(h) = headers {
            validate_headers(h)?;
        }
        Ok(SipUri { secure, user, password, host, port, params, headers, raw })
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

/// `global-number-digits = "+" *phonedigit DIGIT *phonedigit`.
fn is_global_number_digits(s: &[u8]) -> bool {
    match s.split_first() {
        Some((b'+', rest)) => {
            rest.iter().all(|&c| is_digit(c) || is_visual_separator(c)) && rest.iter().any(|&c| is_digit(c))
        }
        _ => false,
    }
}

/// `local-number-digits = *phonedigit-hex (HEXDIG / "*" / "#") *phonedigit-hex`.
fn is_local_number_digits(s: &[u8]) -> bool {
    let is_core = |c: u8| is_hex(c) || c == b'*' || c == b'#';
    s.iter().all(|&c| is_core(c) || is_visual_separator(c)) && s.iter().any(|&c| is_core(c))
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

impl<'a> Uri<'a> {
    /// Parses a URI.
    ///
    /// The scheme is case-insensitive. `sip`/`sips` and `tel` are parsed
    /// strictly; any other `scheme ":" rest` with a non-empty `rest` of
    /// printable ASCII other than `<`, `>` and `"` is kept opaque. Leading
    /// white space or a `<` (RFC 4475 §3.1.2.7) is a syntax error, as is
    /// anything the grammar does not allow. A port above 65535 or a `ttl`
    /// above 255 is [`ErrorKind::OutOfRange`].
    pub fn parse(s: &'a [u8]) -> Result<Uri<'a>, ParseError> {
        let colon = memchr::memchr(b':', s).ok_or_else(syntax)?;
        let (scheme, rest) = (&s[..colon], &s[colon + 1..]);
        if !is_scheme(scheme) || rest.is_empty() {
            return Err(syntax());
        }
        if eq_ic(scheme, b"sip") {
            SipUri::parse_rest(s, false, rest).map(Uri::Sip)
        } else if eq_ic(scheme, b"sips") {
            SipUri::parse_rest(s, true, rest).map(Uri::Sip)
        } else if eq_ic(scheme, b"tel") {
            TelUri::parse_rest(s, rest).map(Uri::Tel)
        } else {
            if !rest.iter().all(|&c| c.is_ascii_graphic() && !matches!(c, b'<' | b'>' | b'"')) {
                return Err(syntax());
            }
            let scheme = ascii_str(scheme).ok_or_else(syntax)?;
            Ok(Uri::Other(AbsoluteUri { scheme, raw: s }))
        }
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
