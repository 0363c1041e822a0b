//! Body description headers: Content-Type, Accept, Content-Disposition,
//! Content-ID, Content-Encoding, Content-Language (RFC 3261 §20.1, §20.11,
//! §20.12, §20.13, §20.15, §25.1; RFC 5621 §4-§9; RFC 2045 §5, §7;
//! RFC 2183).

use super::lists::{TypedValues, parse_token};
use crate::message::error::ParseError;
use crate::message::lex;
use crate::message::name::HeaderName;
use crate::message::parse::Message;

/// A media type: `m-type SLASH m-subtype *( SEMI m-parameter )` (RFC 3261
/// §20.15, §25.1; SLASH allows LWS around `/`). Used by Content-Type and, as
/// a media range, by Accept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MediaType<'a> {
    /// The type as written (`application`; `*` in an Accept range).
    pub ty: &'a str,
    /// The subtype as written (`sdp`; `*` in an Accept range).
    pub subtype: &'a str,
    /// The parameters, raw (quoted values keep their DQUOTEs).
    pub params: lex::Params<'a>,
}

impl<'a> MediaType<'a> {
    /// Parses a Content-Type value.
    pub fn parse(v: &'a [u8]) -> Result<MediaType<'a>, ParseError> {
        Self::parse_header(v, HeaderName::ContentType)
    }

    /// Parses a media type carried in header `name` (errors name it). Every
    /// parameter must have a value (`m-parameter = m-attribute EQUAL
    /// m-value`).
    pub fn parse_header(v: &'a [u8], name: HeaderName) -> Result<MediaType<'a>, ParseError> {
        let m = Self::parse_loose(v, name)?;
        if { m.params }.any(|p| p.map_or(true, |p| p.value.is_none())) {
            return Err(ParseError::header(name));
        }
        Ok(m)
    }

    /// Type, subtype and a valid `generic-param` list (values optional).
    fn parse_loose(v: &'a [u8], name: HeaderName) -> Result<MediaType<'a>, ParseError> {
        let err = ParseError::header(name);
        let v = lex::trim_lws(v);
        let te = lex::scan_token(v, 0);
        let slash = lex::skip_lws(v, te);
        if te == 0 || v.get(slash) != Some(&b'/') {
            return Err(err);
        }
        let ss = lex::skip_lws(v, slash + 1);
        let se = lex::scan_token(v, ss);
        if se == ss {
            return Err(err);
        }
        let params = lex::Params::new(&v[se..]);
        params.validate().map_err(|_| err)?;
        Ok(MediaType {
            ty: lex::ascii_str(&v[..te]).ok_or(err)?,
            subtype: lex::ascii_str(&v[ss..se]).ok_or(err)?,
            params,
        })
    }

    /// True if this is `ty/subtype`, compared case-insensitively (RFC 2045
    /// §5.1).
    pub fn is(&self, ty: &str, subtype: &str) -> bool {
        lex::eq_ic(self.ty.as_bytes(), ty.as_bytes())
            && lex::eq_ic(self.subtype.as_bytes(), subtype.as_bytes())
    }

    /// True for any `multipart/*` type (RFC 5621 §3).
    pub fn is_multipart(&self) -> bool {
        lex::eq_ic(self.ty.as_bytes(), b"multipart")
    }

    /// The value of parameter `name` (case-insensitive), without DQUOTEs
    /// (quoted-pairs left escaped; resolve with [`lex::Unquoted`]).
    /// `None` if absent or valueless.
    pub fn param(&self, name: &str) -> Option<&'a [u8]> {
        self.params
            .map_while(Result::ok)
            .find(|p| lex::eq_ic(p.name, name.as_bytes()))
            .and_then(|p| p.unquoted())
    }

    /// The `boundary` parameter of a multipart type (RFC 2046 §5.1.1).
    pub fn boundary(&self) -> Option<&'a [u8]> {
        self.param("boundary")
    }

    /// The `charset` parameter.
    pub fn charset(&self) -> Option<&'a [u8]> {
        self.param("charset")
    }
}

/// Parses a `qvalue` (RFC 3261 §25.1: `"0" [ "." 0*3DIGIT ] / "1" [ "."
/// 0*3("0") ]`) into thousandths, 0 to 1000.
///
/// One slice match, no search for the dot: the Contact reader only asks
/// whether a value is a qvalue, and with this inlined the value is not
/// computed there.
#[inline]
pub fn parse_qvalue(v: &[u8]) -> Option<u16> {
    match v {
        [b'0'] => Some(0),
        [b'1'] => Some(1000),
        [b'0', b'.', frac @ ..] if frac.len() <= 3 && frac.iter().all(|&c| lex::is_digit(c)) => {
            let mut f = 0u16;
            for i in 0..3 {
                f = f * 10 + frac.get(i).map_or(0, |&c| u16::from(c - b'0'));
            }
            Some(f)
        }
        [b'1', b'.', frac @ ..] if frac.len() <= 3 && frac.iter().all(|&c| c == b'0') => Some(1000),
        _ => None,
    }
}

/// One `accept-range` of Accept (RFC 3261 §20.1): a media range (`*/*`,
/// `type/*` or `type/subtype`) with parameters and an optional `q`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AcceptRange<'a> {
    /// The media range; its params include `q` and any accept-extension.
    pub media: MediaType<'a>,
    /// The `q` parameter in thousandths, if present.
    pub q: Option<u16>,
}

impl<'a> AcceptRange<'a> {
    /// Parses one Accept element.
    pub fn parse(v: &'a [u8]) -> Result<AcceptRange<'a>, ParseError> {
        Self::parse_header(v, HeaderName::Accept)
    }

    /// Parses one media range carried in header `name`.
    pub fn parse_header(v: &'a [u8], name: HeaderName) -> Result<AcceptRange<'a>, ParseError> {
        let err = ParseError::header(name);
        let media = MediaType::parse_loose(v, name)?;
        if media.ty == "*" && media.subtype != "*" {
            return Err(err);
        }
        let q = match media.params.get("q") {
            None => None,
            Some(Some(q)) => Some(parse_qvalue(q).ok_or(err)?),
            Some(None) => return Err(err),
        };
        Ok(AcceptRange { media, q })
    }

    /// The quality, 0 to 1000; 1000 when `q` is absent.
    pub fn quality(&self) -> u16 {
        self.q.unwrap_or(1000)
    }

    /// True if this range covers `ty/subtype` (wildcards honoured,
    /// case-insensitive).
    pub fn matches(&self, ty: &str, subtype: &str) -> bool {
        let m = &self.media;
        (m.ty == "*" || lex::eq_ic(m.ty.as_bytes(), ty.as_bytes()))
            && (m.subtype == "*" || lex::eq_ic(m.subtype.as_bytes(), subtype.as_bytes()))
    }
}

/// A Content-Disposition type (RFC 3261 §20.11; RFC 5621 §9.4; RFC 3204
/// `signal`; RFC 6086 `info-package`). Compared case-insensitively.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DispositionType<'a> {
    /// `render`: display or otherwise render the body.
    Render,
    /// `session`: a session description (SDP).
    Session,
    /// `icon`: an image to show as the caller's icon.
    Icon,
    /// `alert`: a ring tone.
    Alert,
    /// `signal` (RFC 3204): an ISUP/QSIG signalling body.
    Signal,
    /// `by-reference` (RFC 5621 §9.4): content referred to by URI.
    ByReference,
    /// `info-package` (RFC 6086 §4.2.2): the body of an Info Package.
    InfoPackage,
    /// Any other `disp-extension-token`, as written.
    Other(&'a str),
}

impl<'a> DispositionType<'a> {
    /// Recognises a disposition token.
    pub fn from_token(s: &'a str) -> DispositionType<'a> {
        const KNOWN: [(&str, DispositionType<'static>); 7] = [
            ("render", DispositionType::Render),
            ("session", DispositionType::Session),
            ("icon", DispositionType::Icon),
            ("alert", DispositionType::Alert),
            ("signal", DispositionType::Signal),
            ("by-reference", DispositionType::ByReference),
            ("info-package", DispositionType::InfoPackage),
        ];
        KNOWN
            .iter()
            .find(|(n, _)| lex::eq_ic(n.as_bytes(), s.as_bytes()))
            .map_or(DispositionType::Other(s), |k| k.1)
    }

    /// The disposition a body has when Content-Disposition is absent
    /// (RFC 3261 §20.11): `session` for `application/sdp`, `render`
    /// otherwise.
    pub fn default_for(content_type: &MediaType<'_>) -> DispositionType<'static> {
        if content_type.is("application", "sdp") { DispositionType::Session } else { DispositionType::Render }
    }
}

/// The `handling` parameter of Content-Disposition (RFC 3261 §20.11).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handling<'a> {
    /// `optional`: the body may be ignored if not understood.
    Optional,
    /// `required` (the default): a body not understood fails the request
    /// with 415 (RFC 5621 §7).
    Required,
    /// Any other token, as written.
    Other(&'a str),
}

/// Content-Disposition (RFC 3261 §20.11): `disp-type *( SEMI disp-param )`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContentDisposition<'a> {
    /// The disposition type.
    pub disposition: DispositionType<'a>,
    /// The parameters, raw.
    pub params: lex::Params<'a>,
}

impl<'a> ContentDisposition<'a> {
    /// Parses a Content-Disposition value.
    pub fn parse(v: &'a [u8]) -> Result<ContentDisposition<'a>, ParseError> {
        const N: HeaderName = HeaderName::ContentDisposition;
        let err = ParseError::header(N);
        let v = lex::trim_lws(v);
        let te = lex::scan_token(v, 0);
        if te == 0 {
            return Err(err);
        }
        let params = lex::Params::new(&v[te..]);
        params.validate().map_err(|_| err)?;
        match params.get("handling") {
            Some(Some(h)) if lex::is_token_str(h) => {}
            Some(_) => return Err(err),
            None => {}
        }
        let disposition = DispositionType::from_token(lex::ascii_str(&v[..te]).ok_or(err)?);
        Ok(ContentDisposition { disposition, params })
    }

    /// The `handling` parameter; `Required` when absent (RFC 3261 §20.11).
    pub fn handling(&self) -> Handling<'a> {
        match self.params.get("handling").flatten().and_then(lex::ascii_str) {
            None => Handling::Required,
            Some(h) if h.eq_ignore_ascii_case("optional") => Handling::Optional,
            Some(h) if h.eq_ignore_ascii_case("required") => Handling::Required,
            Some(h) => Handling::Other(h),
        }
    }
}

/// Parses a Content-ID (RFC 5621 §9.1, RFC 2045 §7): `"<" id ">"`; returns
/// the id without the angle brackets. The id must be non-empty visible
/// ASCII without `<`, `>` or white space.
pub fn parse_content_id(v: &[u8]) -> Result<&str, ParseError> {
    let err = ParseError::header(HeaderName::ContentId);
    let v = lex::trim_lws(v);
    let inner = v.strip_prefix(b"<").and_then(|r| r.strip_suffix(b">")).ok_or(err)?;
    if inner.is_empty() || !inner.iter().all(|&c| c.is_ascii_graphic() && c != b'<' && c != b'>') {
        return Err(err);
    }
    lex::ascii_str(inner).ok_or(err)
}

/// Decodes one `language-tag` (RFC 3261 §20.13: `primary-tag *( "-"
/// subtag )`, parts of 1 to 8 characters, the first alphabetic; subtags may
/// hold digits as in RFC 5646, `es-419`).
pub fn parse_language_tag(v: &[u8], name: HeaderName) -> Result<&str, ParseError> {
    let err = ParseError::header(name);
    let v = lex::trim_lws(v);
    for (i, part) in v.split(|&c| c == b'-').enumerate() {
        let ok_char = |c: &u8| if i == 0 { c.is_ascii_alphabetic() } else { c.is_ascii_alphanumeric() };
        if part.is_empty() || part.len() > 8 || !part.iter().all(ok_char) {
            return Err(err);
        }
    }
    lex::ascii_str(v).ok_or(err)
}

impl<'a> Message<'a> {
    /// Content-Type (RFC 3261 §20.15, compact `c`), if present.
    pub fn content_type(&self) -> Result<Option<MediaType<'a>>, ParseError> {
        self.header(HeaderName::ContentType).map(MediaType::parse).transpose()
    }

    /// Accept (RFC 3261 §20.1): the media ranges of every field. An empty
    /// field lists nothing (§20.1: no body accepted); check
    /// [`Message::header`] to tell absent from empty.
    pub fn accepts(&self) -> TypedValues<'_, 'a, AcceptRange<'a>> {
        TypedValues::list(self, HeaderName::Accept, |v, n| AcceptRange::parse_header(v.as_bytes(), n))
    }

    /// Content-Disposition (RFC 3261 §20.11), if present.
    pub fn content_disposition(&self) -> Result<Option<ContentDisposition<'a>>, ParseError> {
        self.header(HeaderName::ContentDisposition).map(ContentDisposition::parse).transpose()
    }

    /// Content-ID (RFC 5621 §9.1) without its angle brackets, if present.
    pub fn content_id(&self) -> Result<Option<&'a str>, ParseError> {
        self.header(HeaderName::ContentId).map(parse_content_id).transpose()
    }

    /// Content-Encoding (RFC 3261 §20.12, compact `e`): the content-codings
    /// of every field, in the order applied.
    pub fn content_encodings(&self) -> TypedValues<'_, 'a, &'a str> {
        TypedValues::list(self, HeaderName::ContentEncoding, |v, n| parse_token(v.as_bytes(), n))
    }

    /// Content-Language (RFC 3261 §20.13): the language tags of every field.
    pub fn content_languages(&self) -> TypedValues<'_, 'a, &'a str> {
        TypedValues::list(self, HeaderName::ContentLanguage, |v, n| parse_language_tag(v.as_bytes(), n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::error::{Element, ErrorKind};

    fn syntax(name: HeaderName) -> ParseError {
        ParseError::new(Element::Header(name), ErrorKind::Syntax)
    }

    #[test]
    fn rfc3261_20_15_content_type() {
        let m = MediaType::parse(b"application/sdp").unwrap();
        assert!(m.is("APPLICATION", "SDP"));
        assert!(!m.is("application", "sdpx"));
        let m = MediaType::parse(b"text/html ; charset = \"ISO-8859-4\"").unwrap();
        assert_eq!((m.ty, m.subtype), ("text", "html"));
        assert_eq!(m.charset(), Some(&b"ISO-8859-4"[..]));
        let m = MediaType::parse(b"multipart / mixed;boundary=unique-boundary-1").unwrap();
        assert!(m.is_multipart());
        assert_eq!(m.boundary(), Some(&b"unique-boundary-1"[..]));
        assert_eq!(m.param("BOUNDARY"), Some(&b"unique-boundary-1"[..]));
        assert_eq!(m.param("charset"), None);
    }

    #[test]
    fn rfc3261_25_1_malformed_content_type_rejected() {
        for bad in [
            &b""[..],
            b"application",
            b"application/",
            b"/sdp",
            b"application/sdp;",
            b"application/sdp;charset",
            b"application/sdp;charset=",
            b"application/sdp charset=x",
            b"text/plain;charset=\"utf-8",
            b"app lication/sdp",
        ] {
            assert_eq!(MediaType::parse(bad), Err(syntax(HeaderName::ContentType)), "{bad:?}");
        }
    }

    #[test]
    fn rfc4475_3_3_6_invut_unknown_content_type_parses() {
        let raw = b"SIP/2.0 200 OK\r\n\
            Via: SIP/2.0/UDP somehost.example.com;branch=z9hG4bKkdjuw\r\n\
            To: sip:j.user@example.com\r\n\
            From: sip:caller@example.net;tag=8392034\r\n\
            Call-ID: invut.0ha0isndaksdjadsfij34n23d\r\n\
            CSeq: 235448 INVITE\r\n\
            Content-Type: application/unknownformat\r\n\
            Content-Length: 40\r\n\r\n\
            <audio>\r\n <pcmu port=\"443\"/>\r\n</audio>\r\n";
        let m = Message::parse(raw).unwrap();
        let ct = m.content_type().unwrap().unwrap();
        assert!(ct.is("application", "unknownformat"));
        assert_eq!(m.content_disposition(), Ok(None));
        assert_eq!(DispositionType::default_for(&ct), DispositionType::Render);
    }

    #[test]
    fn rfc3261_20_1_accept_ranges() {
        let raw = b"SIP/2.0 200 OK\r\n\
            Via: SIP/2.0/UDP h.example.com;branch=z9hG4bKkdjuw\r\n\
            To: sip:j.user@example.com\r\n\
            From: sip:caller@example.net;tag=8392034\r\n\
            Call-ID: accept01\r\n\
            CSeq: 1 OPTIONS\r\n\
            Accept: application/sdp;level=1, application/x-private, text/html\r\n\
            Accept: */*;q=0.1, text/*;q=0.5, application/vnd.gsma.rcs-ft-http+xml\r\n\
            Content-Length: 0\r\n\r\n";
        let m = Message::parse(raw).unwrap();
        let a: heapless::Vec<AcceptRange, 8> = m.accepts().map(Result::unwrap).collect();
        assert_eq!(a.len(), 6);
        assert_eq!(a[0].media.param("level"), Some(&b"1"[..]));
        assert_eq!(a[0].quality(), 1000);
        assert_eq!(a[3].q, Some(100));
        assert!(a[3].matches("image", "png"));
        assert!(a[4].matches("TEXT", "plain"));
        assert!(!a[4].matches("application", "sdp"));
        assert!(a[5].media.is("application", "vnd.gsma.rcs-ft-http+xml"));
        assert_eq!(AcceptRange::parse(b"*/sdp"), Err(syntax(HeaderName::Accept)));
        assert_eq!(AcceptRange::parse(b"text/*;q=1.5"), Err(syntax(HeaderName::Accept)));
        assert_eq!(AcceptRange::parse(b"text/*;q"), Err(syntax(HeaderName::Accept)));
        // accept-extension params may be valueless (generic-param).
        assert!(AcceptRange::parse(b"text/plain;q=0.7;ext").is_ok());
    }

    #[test]
    fn rfc3261_25_1_qvalue() {
        assert_eq!(parse_qvalue(b"0"), Some(0));
        assert_eq!(parse_qvalue(b"0.5"), Some(500));
        assert_eq!(parse_qvalue(b"0.123"), Some(123));
        assert_eq!(parse_qvalue(b"1"), Some(1000));
        assert_eq!(parse_qvalue(b"1.000"), Some(1000));
        assert_eq!(parse_qvalue(b"1."), Some(1000));
        for bad in [&b""[..], b"1.001", b"0.1234", b"2", b".5", b"0.a", b"00.5"] {
            assert_eq!(parse_qvalue(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn rfc3261_20_11_content_disposition_and_handling() {
        let d = ContentDisposition::parse(b"session").unwrap();
        assert_eq!(d.disposition, DispositionType::Session);
        assert_eq!(d.handling(), Handling::Required);
        let d = ContentDisposition::parse(b"Render ; handling=OPTIONAL").unwrap();
        assert_eq!(d.disposition, DispositionType::Render);
        assert_eq!(d.handling(), Handling::Optional);
        let d = ContentDisposition::parse(b"signal; handling=optional").unwrap();
        assert_eq!(d.disposition, DispositionType::Signal);
        let d = ContentDisposition::parse(b"x-thing;handling=maybe;foo=\"bar\"").unwrap();
        assert_eq!(d.disposition, DispositionType::Other("x-thing"));
        assert_eq!(d.handling(), Handling::Other("maybe"));
        assert_eq!(ContentDisposition::parse(b"icon").unwrap().disposition, DispositionType::Icon);
        assert_eq!(ContentDisposition::parse(b"alert").unwrap().disposition, DispositionType::Alert);
        for bad in
            [&b""[..], b";handling=optional", b"session;handling", b"session;handling=\"optional\"", b"a b"]
        {
            assert_eq!(
                ContentDisposition::parse(bad),
                Err(syntax(HeaderName::ContentDisposition)),
                "{bad:?}"
            );
        }
        let sdp = MediaType::parse(b"application/SDP").unwrap();
        assert_eq!(DispositionType::default_for(&sdp), DispositionType::Session);
    }

    #[test]
    fn rfc5621_9_4_by_reference_and_content_id() {
        let d = ContentDisposition::parse(b"by-reference;handling=optional").unwrap();
        assert_eq!(d.disposition, DispositionType::ByReference);
        assert_eq!(
            parse_content_id(b"<OD89SDH4309@atlanta.example.com>"),
            Ok("OD89SDH4309@atlanta.example.com")
        );
        for bad in [&b""[..], b"<>", b"abc@x", b"<abc@x", b"<a b@x>", b"<a<b>"] {
            assert_eq!(parse_content_id(bad), Err(syntax(HeaderName::ContentId)), "{bad:?}");
        }
    }

    #[test]
    fn rfc3261_20_12_20_13_encoding_and_language_lists() {
        let raw = b"SIP/2.0 200 OK\r\n\
            Via: SIP/2.0/UDP h.example.com;branch=z9hG4bKkdjuw\r\n\
            To: sip:j.user@example.com\r\n\
            From: sip:caller@example.net;tag=8392034\r\n\
            Call-ID: enc01\r\n\
            CSeq: 1 MESSAGE\r\n\
            e: gzip, tar\r\n\
            Content-Language: fr, en-US, es-419\r\n\
            Content-ID: <part1@example.com>\r\n\
            Content-Length: 0\r\n\r\n";
        let m = Message::parse(raw).unwrap();
        let e: heapless::Vec<&str, 4> = m.content_encodings().map(Result::unwrap).collect();
        assert_eq!(&e[..], &["gzip", "tar"]);
        let l: heapless::Vec<&str, 4> = m.content_languages().map(Result::unwrap).collect();
        assert_eq!(&l[..], &["fr", "en-US", "es-419"]);
        assert_eq!(m.content_id(), Ok(Some("part1@example.com")));
        for bad in [&b""[..], b"en-", b"toolongtag", b"1en", b"en--us", b"en_US"] {
            assert!(parse_language_tag(bad, HeaderName::ContentLanguage).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn rfc3261_25_1_content_prefix_truncation_never_panics() {
        let vals: [&[u8]; 4] = [
            b"multipart/mixed ; boundary=\"unique \\\"boundary\\\" 1\" ; charset=utf-8",
            b"*/*;q=0.123;level=1, text/*;q=1.000",
            b"by-reference;handling=optional;x=\"y\"",
            b"<OD89SDH4309@atlanta.example.com>",
        ];
        for v in vals {
            for end in 0..=v.len() {
                let p = &v[..end];
                let _ = MediaType::parse(p).map(|m| (m.boundary(), m.charset()));
                let _ = AcceptRange::parse(p).map(|a| a.quality());
                let _ = ContentDisposition::parse(p).map(|d| d.handling());
                let _ = parse_content_id(p);
                let _ = parse_language_tag(p, HeaderName::ContentLanguage);
                let _ = parse_qvalue(p);
            }
        }
    }
}
