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

/// Parses a `1*DIGIT` header value as u32, telling overflow (RFC 4475
/// §3.1.2.4) from bad syntax.
pub(crate) fn parse_u32_field(v: &[u8], name: HeaderName) -> Result<u32, ParseError> {
    let v = lex::trim_lws(v);
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
    /// Parses a CSeq value.
    pub fn parse(v: &'a [u8]) -> Result<CSeq<'a>, ParseError> {
        const N: HeaderName = HeaderName::CSeq;
        let v = lex::trim_lws(v);
        let digits_end = v.iter().position(|&c| !lex::is_digit(c)).unwrap_or(v.len());
        let seq = parse_u32_field(&v[..digits_end], N)?;
        let m_start = lex::skip_lws(v, digits_end);
        if m_start == digits_end {
            return Err(err(N)); // LWS is mandatory between number and method
        }
        let method = Method::from_bytes(&v[m_start..]).ok_or(err(N))?;
        Ok(CSeq { seq, method })
    }
}

/// Checks a Call-ID (RFC 3261 §20.8: `word [ "@" word ]`) and returns it.
pub fn parse_call_id(v: &[u8]) -> Result<&str, ParseError> {
    const N: HeaderName = HeaderName::CallId;
    let v = lex::trim_lws(v);
    let ok = match memchr::memchr(b'@', v) {
        Some(at) => lex::is_word_str(&v[..at]) && lex::is_word_str(&v[at + 1..]),
        None => lex::is_word_str(v),
    };
    if !ok {
        return Err(err(N));
    }
    lex::ascii_str(v).ok_or(err(N))
}

/// Parses Max-Forwards (RFC 3261 §20.22). The grammar is `1*DIGIT`; the
/// value is an integer 0-255 (§8.1.1.6), so larger values are rejected
/// (RFC 4475 §3.1.2.4).
pub fn parse_max_forwards(v: &[u8]) -> Result<u8, ParseError> {
    const N: HeaderName = HeaderName::MaxForwards;
    let n = parse_u32_field(v, N)?;
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

impl<'a> Message<'a> {
    /// The CSeq (checked at parse time).
    pub fn cseq(&self) -> Result<CSeq<'a>, ParseError> {
        self.cseq.ok_or(missing(HeaderName::CSeq))
    }

    /// The Call-ID (checked at parse time).
    pub fn call_id(&self) -> Result<&'a str, ParseError> {
        parse_call_id(self.header(HeaderName::CallId).ok_or(missing(HeaderName::CallId))?)
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
    fn rfc3261_20_8_call_id_is_word_at_word() {
        assert_eq!(parse_call_id(b"f81d4fae-7dec@foo.bar.com").unwrap(), "f81d4fae-7dec@foo.bar.com");
        assert!(parse_call_id(b"a b").is_err());
        assert!(parse_call_id(b"a@").is_err());
        assert!(parse_call_id(b"").is_err());
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
    fn rfc3262_7_2_rack() {
        let r = RAck::parse(b"776656 1 INVITE").unwrap();
        assert_eq!((r.rseq, r.cseq, r.method), (776656, 1, Method::Invite));
        assert!(RAck::parse(b"0 1 INVITE").is_err());
        assert!(RAck::parse(b"1 INVITE").is_err());
    }
}
