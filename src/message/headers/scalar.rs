//! Single-valued headers made of numbers and tokens: CSeq, Call-ID,
//! Max-Forwards, Expires, Min-Expires, Retry-After, Timestamp, RSeq, RAck
//! (RFC 3261 §20.8, §20.16, §20.19, §20.22, §20.23, §20.33, §20.38;
//! RFC 3262 §7.1, §7.2).

use crate::message::error::{Element, ErrorKind, ParseError};
use crate::message::lex;
use crate::message::method::Method;
use crate::message::name::HeaderName;
use crate::message::parse::Message;

fn err(name: HeaderName) -> ParseError {
    ParseError::header(name)
}

fn range(name: HeaderName) -> ParseError {
    ParseError::new(Element::Header(name), ErrorKind::OutOfRange)
}

fn missing(name: HeaderName) -> ParseError {
    ParseError::new(Element::Header(name), ErrorKind::Missing)
}

/// True for what may surround a value inside a (folded) header field.
#[inline(always)]
fn is_lws_byte(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

/// The bounds of `s` without leading and trailing LWS (two byte tests
/// when there is none, as the parser hands values over).
#[inline(always)]
fn trimmed(s: &[u8]) -> (usize, usize) {
    let (mut a, mut b) = (0, s.len());
    while a < b && s.get(a).is_some_and(|&c| is_lws_byte(c)) {
        a += 1;
    }
    while b > a && s.get(b - 1).is_some_and(|&c| is_lws_byte(c)) {
        b -= 1;
    }
    (a, b)
}

/// Reads the `*DIGIT` run starting at `i`: its end, and its value unless
/// that is past u32 (RFC 4475 §3.1.2.4). Up to nine digits, the loop needs
/// no overflow check; a longer run (leading zeros, or an overflow) is read
/// again with [`lex::parse_u32`], which checks.
///
/// The eight bytes at `i` (zeros past the end, [`lex::word8_at`]; a zero
/// is no digit) are read as one word (SWAR): the lowest byte flagged non-digit ends it, exactly (see
/// [`digit_run`]), and up to seven digits are converted by three
/// multiplies instead of a multiply-add and a bounds check per digit.
#[inline(always)]
pub(crate) fn scan_u32(s: &[u8], i: usize) -> (usize, Option<u32>) {
    if let Some(w) = lex::word8_at(s, i) {
        if let Some((n, value)) = digit_run(w) {
            return (i + n, Some(value));
        }
    }
    let mut end = i;
    let mut n: u32 = 0;
    while let Some(&c) = s.get(end) {
        let d = c.wrapping_sub(b'0');
        if d >= 10 {
            break;
        }
        n = n.wrapping_mul(10).wrapping_add(u32::from(d));
        end += 1;
    }
    if end - i <= 9 {
        return (end, Some(n));
    }
    (end, s.get(i..end).and_then(lex::parse_u32))
}

/// The leading run of ASCII digits of the eight bytes `w` (first byte
/// lowest) and its value, if the run is shorter than eight.
///
/// `t = w ^ 0x30..` maps a digit to its value 0..=9. A byte of
/// `t + 0x76` has its high bit set exactly when `t >= 10`, unless a carry
/// came in from the byte below, which happens only above a byte with
/// `t >= 0x8a`, itself flagged by `t`'s high bit; so the lowest flag of
/// `(t + 0x76..) | t` is the first non-digit. The digits, moved to the top
/// bytes (zeros below them are leading zeros), are then combined pairwise:
/// tens with units, hundreds with tens, ten-thousands with thousands.
#[inline(always)]
fn digit_run(w: u64) -> Option<(usize, u32)> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let t = w ^ (ONES * 0x30);
    let flags = (t.wrapping_add(ONES * 0x76) | t) & (ONES * 0x80);
    if flags == 0 {
        return None; // eight digits or more: the general loop
    }
    let n = (flags.trailing_zeros() / 8) as usize;
    if n == 0 {
        return Some((0, 0));
    }
    let d = t << (64 - 8 * n as u32);
    let d = d.wrapping_mul(10 * 256 + 1) >> 8;
    let d = (d & 0x00ff_00ff_00ff_00ff).wrapping_mul(100 * 65_536 + 1) >> 16;
    let d = (d & 0x0000_ffff_0000_ffff).wrapping_mul(10_000 * (1 << 32) + 1) >> 32;
    Some((n, d as u32))
}

/// The length of the leading run of ASCII digits of the eight bytes `w`
/// (first byte lowest), if the run is shorter than eight: the same flag
/// test as [`digit_run`], without the conversion.
#[inline(always)]
pub(crate) fn digit_len(w: u64) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let t = w ^ (ONES * 0x30);
    let flags = (t.wrapping_add(ONES * 0x76) | t) & (ONES * 0x80);
    if flags == 0 {
        return None;
    }
    Some((flags.trailing_zeros() / 8) as usize)
}

/// Parses a `1*DIGIT` header value as u32, telling overflow (RFC 4475
/// §3.1.2.4) from bad syntax.
#[inline]
pub fn parse_u32_field(v: &[u8], name: HeaderName) -> Result<u32, ParseError> {
    parse_u32_field_inline(v, name)
}

/// [`parse_u32_field`] inlined, for the parse-time Content-Length and
/// Max-Forwards (once per message each, where the call cost as much as
/// the digit loop).
#[inline(always)]
pub(crate) fn parse_u32_field_inline(v: &[u8], name: HeaderName) -> Result<u32, ParseError> {
    // The usual value: one to nine digits, nothing around them. Nine
    // digits cannot overflow, so the loop has no check but the digit one.
    if (1..=9).contains(&v.len()) {
        let mut n: u32 = 0;
        let mut digits = true;
        for &c in v {
            let d = c.wrapping_sub(b'0');
            digits &= d < 10;
            n = n.wrapping_mul(10).wrapping_add(u32::from(d));
        }
        if digits {
            return Ok(n);
        }
    }
    let (a, b) = trimmed(v);
    let v = &v[a..b];
    lex::parse_u32(v).ok_or_else(|| {
        if !v.is_empty() && v.iter().all(|&c| lex::is_digit(c)) { range(name) } else { err(name) }
    })
}

/// CSeq (RFC 3261 §20.16): `1*DIGIT LWS Method`, the number below 2**31
/// when we generate it (§8.1.1.5) and at most 2**32-1 when we receive it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CSeq<'a> {
    /// The sequence number.
    pub seq: u32,
    /// The method.
    pub method: Method<'a>,
}

impl<'a> CSeq<'a> {
    /// Parses a CSeq value given as text: the digits' end and value in one
    /// loop, then the method (as parse_u32_field: no digit is a syntax
    /// error, a value past u32 out of range).
    pub fn parse_str(v: &'a str) -> Result<CSeq<'a>, ParseError> {
        Self::parse_str_inline(v)
    }

    /// [`CSeq::parse_str`] inlined, for the parse-time check (once per
    /// message, where the call and its prologue cost about a fifth of the
    /// parse itself).
    #[inline(always)]
    pub(crate) fn parse_str_inline(v: &'a str) -> Result<CSeq<'a>, ParseError> {
        const N: HeaderName = HeaderName::CSeq;
        let s = v.as_bytes();
        // The usual spelling: up to nine digits, one SP, the method, no LWS
        // around; the same number and method as the general path below.
        // A method read from the rest is a token to its end, so it starts
        // and ends the rest without LWS: no byte tests of its own first. A
        // rest that is no method (LWS, or an error) goes the general way,
        // which reads the same method there when the rest has no LWS, and
        // so the same error.
        let (i, n) = scan_u32(s, 0);
        if let (true, Some(b' '), Some(n)) = ((1..=9).contains(&i), s.get(i), n) {
            if let Some(method) = s.get(i + 1..).and_then(Method::from_bytes) {
                return Ok(CSeq { seq: n, method });
            }
        }
        let (d0, end) = trimmed(s);
        let (i, n) = scan_u32(s, d0);
        if i == d0 {
            return Err(err(N));
        }
        let seq = n.ok_or(range(N))?;
        let m_start = lex::skip_lws(s, i);
        if m_start == i {
            return Err(err(N)); // LWS is mandatory between number and method
        }
        let method = Method::from_bytes(s.get(m_start..end).ok_or(err(N))?).ok_or(err(N))?;
        Ok(CSeq { seq, method })
    }

    /// Parses a CSeq value.
    pub fn parse(v: &'a [u8]) -> Result<CSeq<'a>, ParseError> {
        Self::parse_str(core::str::from_utf8(v).map_err(|_| err(HeaderName::CSeq))?)
    }
}

/// As [`parse_call_id`], for a value given as text; the Call-ID returned
/// is a sub-slice of it.
pub fn parse_call_id_str(v: &str) -> Result<&str, ParseError> {
    parse_call_id_str_inline(v)
}

/// [`parse_call_id_str`] inlined, for the parse-time check (once per
/// message).
#[inline(always)]
pub(crate) fn parse_call_id_str_inline(v: &str) -> Result<&str, ParseError> {
    const N: HeaderName = HeaderName::CallId;
    let s = v.as_bytes();
    // '@' is not a word character, so the first word run ends at the '@'
    // if there is one, and the second must reach the end. The usual
    // value, word ["@" word] with no LWS around it (LWS is no word
    // character either), is the text itself: told by the scans alone,
    // with no trim of its ends first (measured: 6,909 -> 6,874
    // instructions a message, 81,247 -> 80,941 a call). Any other value
    // is trimmed and scanned again below.
    let first = lex::scan_word(s, 0);
    if first > 0 {
        match s.get(first) {
            None => return Ok(v),
            Some(b'@') => {
                let second = lex::scan_word(s, first + 1);
                if second == s.len() && second > first + 1 {
                    return Ok(v);
                }
            }
            _ => {}
        }
    }
    let (a, b) = trimmed(s);
    // (An SSE2 word-class test with `safe_arch`, sixteen bytes a step, the
    // visible range less its nine non-word bytes, measured worse: 7,140 ->
    // 7,148 instructions a message with the shifted end window, 7,150
    // without it, calls +35 to +246.)
    let first = lex::scan_word(s, a);
    let ok = first > a
        && match s.get(first) {
            _ if first == b => true,
            Some(b'@') => {
                let second = lex::scan_word(s, first + 1);
                second == b && second > first + 1
            }
            _ => false,
        };
    if !ok {
        return Err(err(N));
    }
    // LWS around it (a value without any was answered above): one-sided
    // cuts: a two-sided `str::get` compiles to more checks.
    v.get(..b).and_then(|t| t.get(a..)).ok_or(err(N))
}

/// Checks a Call-ID (RFC 3261 §20.8: `word [ "@" word ]`) and returns it.
pub fn parse_call_id(v: &[u8]) -> Result<&str, ParseError> {
    parse_call_id_str(core::str::from_utf8(v).map_err(|_| err(HeaderName::CallId))?)
}

/// Parses Max-Forwards (RFC 3261 §20.22). The grammar is `1*DIGIT`; the
/// value is an integer 0-255 (§8.1.1.6), so larger values are rejected
/// (RFC 4475 §3.1.2.4).
#[inline(always)]
pub fn parse_max_forwards(v: &[u8]) -> Result<u8, ParseError> {
    const N: HeaderName = HeaderName::MaxForwards;
    let n = parse_u32_field_inline(v, N)?;
    u8::try_from(n).map_err(|_| range(N))
}

/// Retry-After (RFC 3261 §20.33): `delta-seconds [ comment ] *( SEMI
/// retry-param )`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryAfter<'a> {
    /// Seconds to wait.
    pub seconds: u32,
    /// The comment, without its parentheses, if present.
    pub comment: Option<&'a [u8]>,
    /// The `duration` parameter, if present.
    pub duration: Option<u32>,
    /// All parameters, raw.
    pub params: lex::Params<'a>,
}

impl<'a> RetryAfter<'a> {
    /// Parses a Retry-After value.
    pub fn parse(v: &'a [u8]) -> Result<RetryAfter<'a>, ParseError> {
        const N: HeaderName = HeaderName::RetryAfter;
        let v = lex::trim_lws(v);
        let d_end = v.iter().position(|&c| !lex::is_digit(c)).unwrap_or(v.len());
        let seconds = parse_u32_field(&v[..d_end], N)?;
        let mut i = lex::skip_lws(v, d_end);
        let mut comment = None;
        if v.get(i) == Some(&b'(') {
            let end = lex::scan_comment(v, i, 8).ok_or(err(N))?;
            comment = Some(&v[i + 1..end - 1]);
            i = lex::skip_lws(v, end);
        }
        let params = lex::Params::new(&v[i..]);
        params.validate().map_err(|_| err(N))?;
        let duration = match params.get("duration") {
            Some(Some(d)) => Some(parse_u32_field(d, N)?),
            Some(None) => return Err(err(N)),
            None => None,
        };
        Ok(RetryAfter { seconds, comment, duration, params })
    }
}

/// Timestamp (RFC 3261 §20.38): `1*DIGIT ["." *DIGIT] [ LWS delay ]`, kept
/// as the caller's text so it can be echoed exactly (§8.2.6.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timestamp<'a> {
    /// The timestamp as written.
    pub value: &'a str,
    /// The delay as written, if present.
    pub delay: Option<&'a str>,
}

fn is_decimal(s: &[u8]) -> bool {
    let int_end = s.iter().position(|&c| !lex::is_digit(c)).unwrap_or(s.len());
    if int_end == 0 && !s.starts_with(b".") {
        return false;
    }
    match s.get(int_end) {
        None => int_end > 0,
        Some(b'.') => s[int_end + 1..].iter().all(|&c| lex::is_digit(c)) && s.len() > 1,
        _ => false,
    }
}

impl<'a> Timestamp<'a> {
    /// Parses a Timestamp value.
    pub fn parse(v: &'a [u8]) -> Result<Timestamp<'a>, ParseError> {
        const N: HeaderName = HeaderName::Timestamp;
        let v = lex::trim_lws(v);
        let end = v.iter().position(|&c| lex::is_ws(c) || c == b'\r' || c == b'\n').unwrap_or(v.len());
        let (ts, rest) = (&v[..end], lex::trim_lws(&v[end..]));
        if !is_decimal(ts) || !(rest.is_empty() || is_decimal(rest)) {
            return Err(err(N));
        }
        Ok(Timestamp {
            value: lex::ascii_str(ts).ok_or(err(N))?,
            delay: if rest.is_empty() { None } else { Some(lex::ascii_str(rest).ok_or(err(N))?) },
        })
    }
}

/// RAck (RFC 3262 §7.2): `response-num LWS CSeq-num LWS Method`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RAck<'a> {
    /// The RSeq of the provisional response acknowledged.
    pub rseq: u32,
    /// The CSeq number of the request it answered.
    pub cseq: u32,
    /// The CSeq method of the request it answered.
    pub method: Method<'a>,
}

impl<'a> RAck<'a> {
    /// Parses a RAck value.
    pub fn parse(v: &'a [u8]) -> Result<RAck<'a>, ParseError> {
        const N: HeaderName = HeaderName::RAck;
        let v = lex::trim_lws(v);
        let a = v.iter().position(|&c| !lex::is_digit(c)).ok_or(err(N))?;
        let rseq = parse_u32_field(&v[..a], N)?;
        let b0 = lex::skip_lws(v, a);
        if b0 == a {
            return Err(err(N));
        }
        let rest = &v[b0..];
        let cseq = CSeq::parse(rest).map_err(|e| ParseError::new(Element::Header(N), e.kind))?;
        if rseq == 0 {
            return Err(range(N)); // RFC 3262 §7.1: 1 to 2**31-1
        }
        Ok(RAck { rseq, cseq: cseq.seq, method: cseq.method })
    }
}

/// Date (RFC 3261 §20.17): an RFC 1123 date whose zone MUST be "GMT"
/// (RFC 4475 §3.1.2.12 rejects "EST", and "UT"/"UTC" too).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Date {
    /// Day of week, 0 = Monday.
    pub weekday: u8,
    /// Day of month, 1-31.
    pub day: u8,
    /// Month, 1-12.
    pub month: u8,
    /// Year.
    pub year: u16,
    /// Hour, 0-23.
    pub hour: u8,
    /// Minute, 0-59.
    pub minute: u8,
    /// Second, 0-60 (leap second).
    pub second: u8,
}

impl Date {
    /// Parses `wkday "," SP date1 SP time SP "GMT"`.
    pub fn parse(v: &[u8]) -> Result<Date, ParseError> {
        const N: HeaderName = HeaderName::Date;
        const DAYS: [&[u8]; 7] = [b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat", b"Sun"];
        const MONTHS: [&[u8]; 12] =
            [b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec"];
        let v = lex::trim_lws(v);
        // Fixed layout: "Sat, 13 Nov 2010 23:29:00 GMT" is 29 bytes.
        if v.len() != 29 {
            return Err(err(N));
        }
        let num = |r: core::ops::Range<usize>| -> Result<u16, ParseError> {
            let d = &v[r];
            if !d.iter().all(|&c| lex::is_digit(c)) {
                return Err(err(N));
            }
            Ok(d.iter().fold(0u16, |a, &c| a * 10 + u16::from(c - b'0')))
        };
        let weekday = DAYS.iter().position(|d| *d == &v[0..3]).ok_or(err(N))? as u8;
        if &v[3..5] != b", " || v[7] != b' ' || v[11] != b' ' || v[16] != b' ' || v[25] != b' ' {
            return Err(err(N));
        }
        if v[19] != b':' || v[22] != b':' || &v[26..] != b"GMT" {
            return Err(err(N));
        }
        let day = num(5..7)? as u8;
        let month = MONTHS.iter().position(|m| *m == &v[8..11]).ok_or(err(N))? as u8 + 1;
        let year = num(12..16)?;
        let (hour, minute, second) = (num(17..19)? as u8, num(20..22)? as u8, num(23..25)? as u8);
        if !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
            return Err(range(N));
        }
        Ok(Date { weekday, day, month, year, hour, minute, second })
    }
}

impl<'a> Message<'a> {
    /// Date (RFC 3261 §20.17), if present.
    pub fn date(&self) -> Result<Option<Date>, ParseError> {
        self.header(HeaderName::Date).map(Date::parse).transpose()
    }

    /// The CSeq (checked at parse time).
    pub fn cseq(&self) -> Result<CSeq<'a>, ParseError> {
        self.cseq.ok_or(missing(HeaderName::CSeq))
    }

    /// The Call-ID (checked at parse time).
    pub fn call_id(&self) -> Result<&'a str, ParseError> {
        self.call_id.ok_or(missing(HeaderName::CallId))
    }

    /// Max-Forwards, if present (checked at parse time).
    pub fn max_forwards(&self) -> Option<u8> {
        self.max_forwards
    }

    fn u32_header(&self, name: HeaderName) -> Result<Option<u32>, ParseError> {
        self.header(name).map(|v| parse_u32_field(v, name)).transpose()
    }

    /// Expires (RFC 3261 §20.19), if present.
    pub fn expires(&self) -> Result<Option<u32>, ParseError> {
        self.u32_header(HeaderName::Expires)
    }

    /// Min-Expires (RFC 3261 §20.23), if present.
    pub fn min_expires(&self) -> Result<Option<u32>, ParseError> {
        self.u32_header(HeaderName::MinExpires)
    }

    /// RSeq (RFC 3262 §7.1), if present.
    pub fn rseq(&self) -> Result<Option<u32>, ParseError> {
        match self.u32_header(HeaderName::RSeq)? {
            Some(0) => Err(range(HeaderName::RSeq)),
            v => Ok(v),
        }
    }

    /// RAck (RFC 3262 §7.2), if present.
    pub fn rack(&self) -> Result<Option<RAck<'a>>, ParseError> {
        self.header(HeaderName::RAck).map(RAck::parse).transpose()
    }

    /// Retry-After (RFC 3261 §20.33), if present.
    pub fn retry_after(&self) -> Result<Option<RetryAfter<'a>>, ParseError> {
        self.header(HeaderName::RetryAfter).map(RetryAfter::parse).transpose()
    }

    /// Timestamp (RFC 3261 §20.38), if present.
    pub fn timestamp(&self) -> Result<Option<Timestamp<'a>>, ParseError> {
        self.header(HeaderName::Timestamp).map(Timestamp::parse).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3261_20_16_cseq() {
        let c = CSeq::parse(b"4711 INVITE").unwrap();
        assert_eq!((c.seq, c.method), (4711, Method::Invite));
        assert!(CSeq::parse(b"4711INVITE").is_err());
        assert_eq!(CSeq::parse(b"1 invite").unwrap().method, Method::Extension("invite"));
        // RFC 4475 §3.1.2.4: 2**32 overflows.
        assert_eq!(CSeq::parse(b"36893488147419103232 INVITE").unwrap_err().kind, ErrorKind::OutOfRange);
    }

    #[test]
    fn rfc3261_20_16_cseq_number_read_with_its_digits() {
        let kind = |s: &str| CSeq::parse(s.as_bytes()).unwrap_err().kind;
        assert_eq!(CSeq::parse(b"0 ACK").unwrap().seq, 0);
        assert_eq!(CSeq::parse(b" 4294967295  INVITE ").unwrap().seq, u32::MAX);
        assert_eq!(CSeq::parse(b"000000000000000042 BYE").unwrap().seq, 42);
        assert_eq!(kind("4294967296 INVITE"), ErrorKind::OutOfRange);
        assert_eq!(kind("99999999999999999999999 INVITE"), ErrorKind::OutOfRange);
        assert_eq!(kind("INVITE"), ErrorKind::Syntax);
        assert_eq!(kind(""), ErrorKind::Syntax);
        assert_eq!(kind("-1 INVITE"), ErrorKind::Syntax);
        assert_eq!(kind("12INVITE"), ErrorKind::Syntax);
        assert_eq!(kind("12"), ErrorKind::Syntax);
    }

    #[test]
    fn rfc3261_20_8_call_id_is_word_at_word() {
        assert_eq!(parse_call_id(b"f81d4fae-7dec@foo.bar.com").unwrap(), "f81d4fae-7dec@foo.bar.com");
        assert!(parse_call_id(b"a b").is_err());
        assert!(parse_call_id(b"a@").is_err());
        assert!(parse_call_id(b"").is_err());
        // Checked in one scan that stops at the '@'.
        for bad in [&b"@a"[..], b"a@b@c", b"a@@b", b"a b@c", b"a@b c", b"a;b", b"@"] {
            assert!(parse_call_id(bad).is_err(), "{bad:?}");
        }
        assert_eq!(parse_call_id(b" a "), Ok("a"));
        assert_eq!(parse_call_id(b"<x>@[y]"), Ok("<x>@[y]"));
    }

    #[test]
    fn rfc3261_20_8_call_id_read_as_the_grammar_reads_it() {
        // callid = word [ "@" word ], LWS around it trimmed: every byte
        // value replaced and inserted at every position of Call-IDs with
        // and without LWS around (the unspaced one answered without a
        // cut), read plainly.
        fn reference(v: &str) -> Option<&str> {
            let t = core::str::from_utf8(lex::trim_lws(v.as_bytes())).ok()?;
            let mut parts = t.split('@');
            let word = |p: Option<&str>| p.is_some_and(|p| lex::is_word_str(p.as_bytes()));
            let ok = match t.matches('@').count() {
                0 => word(parts.next()),
                1 => word(parts.next()) && word(parts.next()),
                _ => false,
            };
            ok.then_some(t)
        }
        for base in ["4cKp~hJ7XnQ2vR8s", "0b1d9c4f2e7a3658@10.20.30.40", " a@b\t", "x"] {
            let n = base.len();
            for pos in 0..=n {
                for c in 0..=255u8 {
                    for insert in [false, true] {
                        let mut b = base.as_bytes().to_vec();
                        if insert {
                            b.insert(pos, c);
                        } else if pos < n {
                            b[pos] = c;
                        } else {
                            continue;
                        }
                        let Ok(v) = core::str::from_utf8(&b) else { continue };
                        assert_eq!(parse_call_id_str(v).ok(), reference(v), "{v:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn rfc4475_3_1_2_4_u32_field_fast_path_agrees_with_parse_u32() {
        // The unchecked nine-digit loop against the plain definition,
        // every byte value at every position of every length up to ten.
        let reference = |v: &[u8]| -> Result<u32, ErrorKind> {
            let v = lex::trim_lws(v);
            lex::parse_u32(v).ok_or(if !v.is_empty() && v.iter().all(|&c| lex::is_digit(c)) {
                ErrorKind::OutOfRange
            } else {
                ErrorKind::Syntax
            })
        };
        let digits = b"4294967296";
        for len in 1..=digits.len() {
            for pos in 0..len {
                for c in 0..=255u8 {
                    let mut v = *digits;
                    v[pos] = c;
                    let v = &v[..len];
                    let got = parse_u32_field(v, HeaderName::ContentLength).map_err(|e| e.kind);
                    assert_eq!(got, reference(v), "{v:?}");
                }
            }
        }
        assert_eq!(parse_u32_field(b"", HeaderName::ContentLength).unwrap_err().kind, ErrorKind::Syntax);
        assert_eq!(parse_u32_field(b" 42 ", HeaderName::ContentLength), Ok(42));
        assert_eq!(parse_u32_field(b"999999999", HeaderName::ContentLength), Ok(999_999_999));
    }

    #[test]
    fn rfc4475_3_1_2_4_digit_run_read_as_parse_u32_reads_it() {
        // Runs of every length to 25 around the nine-digit cut-over and
        // the u32 boundary, with leading zeros, followed by a non-digit.
        let mut buf = [b'0'; 32];
        for tail in ["", "4294967295", "4294967296", "999999999", "1000000000", "7", "99999999999"] {
            for zeros in 0..=(25 - tail.len()) {
                let n = zeros + tail.len();
                buf[..zeros].fill(b'0');
                buf[zeros..n].copy_from_slice(tail.as_bytes());
                buf[n] = b';';
                let (end, v) = scan_u32(&buf[..=n], 0);
                assert_eq!(end, n, "{zeros} {tail}");
                let want = if n == 0 { Some(0) } else { lex::parse_u32(&buf[..n]) };
                assert_eq!(v, want, "{zeros} {tail}");
            }
        }
        assert_eq!(scan_u32(b"ab12x", 2), (4, Some(12)));
        assert_eq!(scan_u32(b"12", 5), (5, Some(0)));
    }

    /// The digit run read one byte at a time, as the loop of `scan_u32`.
    fn digits_bytewise(s: &[u8], i: usize) -> (usize, Option<u32>) {
        let end = i + s.get(i..).map_or(0, |r| r.iter().take_while(|c| c.is_ascii_digit()).count());
        (end, if end == i { Some(0) } else { lex::parse_u32(&s[i..end]) })
    }

    #[test]
    fn rfc3261_25_1_digit_run_word_read_agrees_with_the_bytewise_read() {
        // The eight-byte SWAR read: every byte value at every position of
        // words made of digit runs of each length, and runs that start at
        // every offset of a longer text, must give the bytewise end and value.
        for base in [*b"00000000", *b"12345678", *b"98765432", *b"5060;bra", *b"9;;;;;;;"] {
            for pos in 0..8 {
                for c in 0..=255u8 {
                    let mut w = base;
                    w[pos] = c;
                    assert_eq!(scan_u32(&w, 0), digits_bytewise(&w, 0), "{w:?}");
                }
            }
        }
        let text = b"x0123456789876543210;65535 4294967295 4294967296 7;rport=5060";
        for len in 0..=text.len() {
            let t = &text[..len];
            for i in 0..=len + 1 {
                assert_eq!(scan_u32(t, i), digits_bytewise(t, i), "{len} {i}");
            }
        }
    }

    #[test]
    fn rfc3261_20_16_cseq_usual_spelling_read_as_the_general_path_reads_it() {
        // A leading SP sends a value down the general path; the result
        // must be the same with and without it.
        for s in [
            "4711 INVITE",
            "1 INVITE ",
            "1  INVITE",
            "1 IN VITE",
            "1 \r\n",
            "1 ",
            "1 ;",
            "0 ACK",
            "123456789 BYE",
            "1234567890 BYE",
            "4294967295 X",
            "4294967296 BYE",
            "1 invite",
            "1 FOO\u{e9}",
        ] {
            let mut spaced = heapless::String::<32>::new();
            spaced.push(' ').unwrap();
            spaced.push_str(s).unwrap();
            assert_eq!(CSeq::parse_str(s), CSeq::parse_str(&spaced), "{s:?}");
        }
    }

    #[test]
    fn rfc3261_20_16_cseq_method_read_first_agrees_with_the_general_path_for_every_byte() {
        // The usual spelling's method is read before any byte test of the
        // rest (a method read is a token to the rest's end); for every
        // byte value replaced and inserted at every position of CSeq
        // values, the answer (number, method or error kind) must be the
        // general path's, reached by a leading SP (RFC 3261 §20.16
        // `1*DIGIT LWS Method`, §25.1 token).
        for base in ["4711 INVITE", "1 ACK", "123456789 SUBSCRIBE", "7 FOO", "1 INVITE ", "12 IN VITE"] {
            for pos in 0..=base.len() {
                for c in 0..=255u8 {
                    for insert in [false, true] {
                        if !insert && pos == base.len() {
                            continue;
                        }
                        let mut b = std::vec::Vec::from(base.as_bytes());
                        if insert {
                            b.insert(pos, c);
                        } else {
                            b[pos] = c;
                        }
                        let Ok(s) = core::str::from_utf8(&b) else { continue };
                        let spaced = [" ", s].concat();
                        assert_eq!(CSeq::parse_str(s), CSeq::parse_str(&spaced), "{s:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn rfc3261_20_16_20_8_text_and_byte_entry_points_agree() {
        for s in [
            "4711 INVITE",
            " 1\r\n ACK ",
            "12 ",
            "12",
            "1 FOO\u{e9}",
            "x 1",
            "1 IN VITE",
            "1 INVITE ",
            "1  INVITE",
            "123456789 BYE",
            "1234567890 BYE",
            "4294967296 BYE",
            "1 \r\n",
        ] {
            assert_eq!(CSeq::parse(s.as_bytes()), CSeq::parse_str(s), "{s:?}");
        }
        for s in ["a@b", " a@b ", "a@", "@", "a b", "x\u{e9}"] {
            assert_eq!(parse_call_id(s.as_bytes()), parse_call_id_str(s), "{s:?}");
        }
        assert!(CSeq::parse(b"1 \xff").is_err() && parse_call_id(b"\xff").is_err());
    }

    #[test]
    fn rfc3261_20_22_max_forwards_range() {
        assert_eq!(parse_max_forwards(b"70").unwrap(), 70);
        assert_eq!(parse_max_forwards(b"0").unwrap(), 0);
        assert_eq!(parse_max_forwards(b"256").unwrap_err().kind, ErrorKind::OutOfRange);
        assert!(parse_max_forwards(b"-1").is_err());
    }

    #[test]
    fn rfc3261_20_33_retry_after() {
        let r = RetryAfter::parse(b"18000;duration=3600").unwrap();
        assert_eq!((r.seconds, r.duration), (18000, Some(3600)));
        let r = RetryAfter::parse(b"120 (I'm in a meeting)").unwrap();
        assert_eq!(r.comment, Some(&b"I'm in a meeting"[..]));
        assert!(RetryAfter::parse(b"x").is_err());
    }

    #[test]
    fn rfc3261_20_38_timestamp() {
        let t = Timestamp::parse(b"54.3 0.5").unwrap();
        assert_eq!((t.value, t.delay), ("54.3", Some("0.5")));
        assert!(Timestamp::parse(b"abc").is_err());
    }

    #[test]
    fn rfc3261_20_17_date_must_be_gmt() {
        let d = Date::parse(b"Sat, 13 Nov 2010 23:29:00 GMT").unwrap();
        assert_eq!(
            (d.weekday, d.day, d.month, d.year, d.hour, d.minute, d.second),
            (5, 13, 11, 2010, 23, 29, 0)
        );
        // RFC 4475 §3.1.2.12: other zones are invalid.
        assert!(Date::parse(b"Fri, 01 Jan 2010 16:00:00 EST").is_err());
        assert!(Date::parse(b"Sat, 13 Nov 2010 23:29:00 UTC").is_err());
        assert!(Date::parse(b"Sat, 13 Nov 2010 25:29:00 GMT").is_err());
        assert!(Date::parse(b"Sat, 13 Foo 2010 23:29:00 GMT").is_err());
    }

    #[test]
    fn rfc3262_7_2_rack() {
        let r = RAck::parse(b"776656 1 INVITE").unwrap();
        assert_eq!((r.rseq, r.cseq, r.method), (776656, 1, Method::Invite));
        assert!(RAck::parse(b"0 1 INVITE").is_err());
        assert!(RAck::parse(b"1 INVITE").is_err());
    }
}
