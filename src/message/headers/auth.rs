//! Authentication headers: WWW-Authenticate, Proxy-Authenticate,
//! Authorization, Proxy-Authorization, Authentication-Info (RFC 3261 §22,
//! §20.7, §20.27, §20.28, §20.44, §25.1; RFC 7616 §3.3-§3.5; RFC 8760).
//!
//! Values are decoded without copying: quoted values are returned as the
//! bytes between the DQUOTEs, quoted-pairs still escaped (resolve them with
//! [`AuthParam::unescaped`] or [`lex::Unquoted`]). Digest parameters have
//! typed accessors; any other scheme keeps its parameters (or its `token68`)
//! raw, so an unknown scheme still parses (RFC 4475 §3.3.7).
//!
//! These headers are not comma lists at the message level (their commas
//! separate parameters), but a message may carry several fields, one
//! challenge or credential each (RFC 3261 §22.3): the accessors iterate
//! fields.

use super::lists::TypedValues;
use crate::message::error::ParseError;
use crate::message::lex::{self, BadParam};
use crate::message::name::HeaderName;
use crate::message::parse::Message;

/// One `auth-param` (RFC 3261 §25.1): `name EQUAL ( token / quoted-string )`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AuthParam<'a> {
    /// The parameter name as written (compare case-insensitively).
    pub name: &'a str,
    /// The value: the token, or the inside of the quoted string with its
    /// quoted-pairs still escaped.
    pub value: &'a [u8],
    /// True if the value was a quoted string.
    pub quoted: bool,
}

impl<'a> AuthParam<'a> {
    /// The value with quoted-pairs resolved, byte by byte.
    pub fn unescaped(&self) -> lex::Unquoted<'a> {
        lex::Unquoted::new(self.value)
    }
}

/// Iterates comma-separated `auth-param`s (RFC 3261 §25.1; LWS allowed
/// around `=` and `,`). A malformed list yields `Err(BadParam)` once and
/// stops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AuthParams<'a> {
    s: &'a [u8],
    pos: usize,
    need_more: bool,
}

impl<'a> AuthParams<'a> {
    /// Walks `s`, the text after the scheme.
    pub fn new(s: &'a [u8]) -> Self {
        AuthParams { s, pos: 0, need_more: false }
    }

    /// An iterator that yields nothing.
    pub fn empty() -> Self {
        AuthParams::new(&[])
    }

    /// The raw text this iterator walks.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.s
    }

    /// The first parameter named `name` (case-insensitive).
    pub fn get(&self, name: &str) -> Option<AuthParam<'a>> {
        (*self).map_while(Result::ok).find(|p| lex::eq_ic(p.name.as_bytes(), name.as_bytes()))
    }

    /// The value of parameter `name` (quoted-string contents or token).
    pub fn value(&self, name: &str) -> Option<&'a [u8]> {
        self.get(name).map(|p| p.value)
    }

    fn fail(&mut self) -> Option<Result<AuthParam<'a>, BadParam>> {
        self.pos = self.s.len();
        self.need_more = false;
        Some(Err(BadParam))
    }
}

impl<'a> Iterator for AuthParams<'a> {
    type Item = Result<AuthParam<'a>, BadParam>;

    fn next(&mut self) -> Option<Self::Item> {
        let s = self.s;
        let i = lex::skip_lws(s, self.pos);
        if i >= s.len() {
            self.pos = s.len();
            // A trailing comma promised another parameter.
            return if core::mem::take(&mut self.need_more) { self.fail() } else { None };
        }
        let ne = lex::scan_token(s, i);
        if ne == i {
            return self.fail();
        }
        let Some(name) = lex::ascii_str(&s[i..ne]) else {
            return self.fail();
        };
        let eq = lex::skip_lws(s, ne);
        if s.get(eq) != Some(&b'=') {
            return self.fail();
        }
        let vs = lex::skip_lws(s, eq + 1);
        let (value, quoted, ve) = if s.get(vs) == Some(&b'"') {
            let Some(end) = lex::scan_quoted(s, vs) else {
                return self.fail();
            };
            (&s[vs + 1..end - 1], true, end)
        } else {
            let end = lex::scan_token(s, vs);
            if end == vs {
                return self.fail();
            }
            (&s[vs..end], false, end)
        };
        let k = lex::skip_lws(s, ve);
        match s.get(k) {
            None => {
                self.pos = s.len();
                self.need_more = false;
            }
            Some(b',') => {
                self.pos = k + 1;
                self.need_more = true;
            }
            Some(_) => return self.fail(),
        }
        Some(Ok(AuthParam { name, value, quoted }))
    }
}

/// A digest algorithm (RFC 7616 §3.3, §6.1; RFC 8760 §2). Tokens compare
/// case-insensitively.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Algorithm<'a> {
    /// `MD5` (the default when the parameter is absent, RFC 7616 §3.3).
    Md5,
    /// `MD5-sess`.
    Md5Sess,
    /// `SHA-256`.
    Sha256,
    /// `SHA-256-sess`.
    Sha256Sess,
    /// `SHA-512-256`.
    Sha512_256,
    /// `SHA-512-256-sess`.
    Sha512_256Sess,
    /// Any other token, as written.
    Other(&'a str),
}

impl<'a> Algorithm<'a> {
    /// Recognises an algorithm token, case-insensitively.
    pub fn from_token(s: &'a str) -> Algorithm<'a> {
        const KNOWN: [(&str, Algorithm<'static>); 6] = [
            ("MD5", Algorithm::Md5),
            ("MD5-sess", Algorithm::Md5Sess),
            ("SHA-256", Algorithm::Sha256),
            ("SHA-256-sess", Algorithm::Sha256Sess),
            ("SHA-512-256", Algorithm::Sha512_256),
            ("SHA-512-256-sess", Algorithm::Sha512_256Sess),
        ];
        KNOWN
            .iter()
            .find(|(n, _)| lex::eq_ic(n.as_bytes(), s.as_bytes()))
            .map_or(Algorithm::Other(s), |k| k.1)
    }

    /// The canonical token (the one RFC 7616 registers).
    pub fn as_str(&self) -> &'a str {
        match self {
            Algorithm::Md5 => "MD5",
            Algorithm::Md5Sess => "MD5-sess",
            Algorithm::Sha256 => "SHA-256",
            Algorithm::Sha256Sess => "SHA-256-sess",
            Algorithm::Sha512_256 => "SHA-512-256",
            Algorithm::Sha512_256Sess => "SHA-512-256-sess",
            Algorithm::Other(s) => s,
        }
    }

    /// True for the session variants (`-sess`, RFC 7616 §3.4.2), including
    /// unknown tokens that end in `-sess`.
    pub fn is_sess(&self) -> bool {
        match self {
            Algorithm::Md5Sess | Algorithm::Sha256Sess | Algorithm::Sha512_256Sess => true,
            Algorithm::Other(s) => s.len() >= 5 && lex::eq_ic(&s.as_bytes()[s.len() - 5..], b"-sess"),
            _ => false,
        }
    }
}

/// The parameter names whose repetition is detected (RFC 7616 §3.3, §3.4,
/// §3.5; RFC 3261 §25.1). Detection uses one bit each, so it stays linear;
/// repeated names outside this set are not detected.
const KNOWN_PARAMS: [&str; 17] = [
    "realm",
    "domain",
    "nonce",
    "opaque",
    "stale",
    "algorithm",
    "qop",
    "charset",
    "userhash",
    "username",
    "username*",
    "uri",
    "response",
    "cnonce",
    "nc",
    "nextnonce",
    "rspauth",
];

/// Checks a parameter list: syntax, no repeated known names, and the
/// Digest values that must be tokens.
fn check_params(params: AuthParams<'_>, name: HeaderName, digest: bool) -> Result<usize, ParseError> {
    let err = ParseError::header(name);
    let mut seen = 0u32;
    let mut n = 0usize;
    for p in params {
        let p = p.map_err(|_| err)?;
        n += 1;
        if let Some(bit) = KNOWN_PARAMS.iter().position(|k| lex::eq_ic(k.as_bytes(), p.name.as_bytes())) {
            if seen & (1 << bit) != 0 {
                return Err(err);
            }
            seen |= 1 << bit;
            if !digest {
                continue;
            }
            match KNOWN_PARAMS[bit] {
                // Token-valued in every form we accept, quoted or not.
                "algorithm" | "stale" | "userhash" | "charset" if !lex::is_token_str(p.value) => {
                    return Err(err);
                }
                // qop-options is a quoted comma list; message-qop a token.
                "qop" if !QopOptions::new(p.value).valid() => return Err(err),
                _ => {}
            }
        }
    }
    Ok(n)
}

/// `token68` (RFC 7235 §2.1), carried by non-Digest schemes such as Basic
/// and Bearer (RFC 8898).
fn is_token68(s: &[u8]) -> bool {
    let body = s.iter().position(|&c| c == b'=').unwrap_or(s.len());
    body > 0
        && s[..body]
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~' | b'+' | b'/'))
        && s[body..].iter().all(|&c| c == b'=')
}

/// A scheme and what follows it, shared by challenges and credentials.
fn parse_scheme(v: &[u8], name: HeaderName) -> Result<(&str, AuthParams<'_>, Option<&str>), ParseError> {
    let err = ParseError::header(name);
    let v = lex::trim_lws(v);
    let se = lex::scan_token(v, 0);
    if se == 0 {
        return Err(err);
    }
    let scheme = lex::ascii_str(&v[..se]).ok_or(err)?;
    let rs = lex::skip_lws(v, se);
    if rs == se && se < v.len() {
        return Err(err); // LWS is required between scheme and parameters
    }
    let rest = &v[rs..];
    let digest = lex::eq_ic(scheme.as_bytes(), b"Digest");
    let params = AuthParams::new(rest);
    match check_params(params, name, digest) {
        Ok(0) if digest => Err(err),
        Ok(_) => Ok((scheme, params, None)),
        Err(e) => {
            if !digest && is_token68(rest) {
                Ok((scheme, AuthParams::empty(), Some(lex::ascii_str(rest).ok_or(err)?)))
            } else {
                Err(e)
            }
        }
    }
}

/// Iterates a qop list: the quoted, comma-separated `qop-options` of a
/// challenge (RFC 3261 §25.1), or the single token of a `message-qop`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QopOptions<'a> {
    s: &'a [u8],
    pos: usize,
}

impl<'a> QopOptions<'a> {
    /// Walks the inside of the quoted list.
    pub fn new(s: &'a [u8]) -> Self {
        QopOptions { s, pos: 0 }
    }

    /// True if every element is a token and none is empty.
    fn valid(&self) -> bool {
        let mut any = false;
        for part in self.s.split(|&c| c == b',') {
            let t = lex::trim_lws(part);
            if !lex::is_token_str(t) {
                return false;
            }
            any = true;
        }
        any
    }
}

impl<'a> Iterator for QopOptions<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        loop {
            let rest = self.s.get(self.pos..).filter(|r| !r.is_empty())?;
            let end = memchr::memchr(b',', rest).unwrap_or(rest.len());
            self.pos += end + 1;
            let t = lex::trim_lws(&rest[..end]);
            if lex::is_token_str(t) {
                return lex::ascii_str(t);
            }
        }
    }
}

fn is_true(v: Option<&[u8]>) -> bool {
    v.is_some_and(|v| lex::eq_ic(v, b"true"))
}

fn algorithm_of<'a>(params: &AuthParams<'a>) -> Option<Algorithm<'a>> {
    params.value("algorithm").and_then(lex::ascii_str).map(Algorithm::from_token)
}

/// Parses `nc-value = 8LHEX` (RFC 3261 §25.1).
fn nc_of(params: &AuthParams<'_>, name: HeaderName) -> Option<Result<u32, ParseError>> {
    let v = params.value("nc")?;
    if v.len() != 8 {
        return Some(Err(ParseError::header(name)));
    }
    let mut n = 0u32;
    for &c in v {
        match lex::hex_val(c) {
            Some(d) => n = n << 4 | u32::from(d),
            None => return Some(Err(ParseError::header(name))),
        }
    }
    Some(Ok(n))
}

/// A challenge: WWW-Authenticate (RFC 3261 §20.44) or Proxy-Authenticate
/// (§20.27).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Challenge<'a> {
    /// The auth-scheme as written (compare case-insensitively).
    pub scheme: &'a str,
    /// The parameters (empty when the scheme carries a `token68`).
    pub params: AuthParams<'a>,
    /// A `token68` in place of parameters (non-Digest schemes only).
    pub token68: Option<&'a str>,
}

impl<'a> Challenge<'a> {
    /// Parses a WWW-Authenticate value.
    pub fn parse(v: &'a [u8]) -> Result<Challenge<'a>, ParseError> {
        Self::parse_header(v, HeaderName::WwwAuthenticate)
    }

    /// Parses a challenge carried in header `name` (errors name it).
    pub fn parse_header(v: &'a [u8], name: HeaderName) -> Result<Challenge<'a>, ParseError> {
        let (scheme, params, token68) = parse_scheme(v, name)?;
        Ok(Challenge { scheme, params, token68 })
    }

    /// True if the scheme is `Digest` (any case).
    pub fn is_digest(&self) -> bool {
        lex::eq_ic(self.scheme.as_bytes(), b"Digest")
    }

    /// The value of parameter `name`, quoted-string contents or token.
    pub fn param(&self, name: &str) -> Option<&'a [u8]> {
        self.params.value(name)
    }

    /// `realm` (quoted-string contents).
    pub fn realm(&self) -> Option<&'a [u8]> {
        self.param("realm")
    }

    /// `nonce` (quoted-string contents).
    pub fn nonce(&self) -> Option<&'a [u8]> {
        self.param("nonce")
    }

    /// `opaque` (quoted-string contents).
    pub fn opaque(&self) -> Option<&'a [u8]> {
        self.param("opaque")
    }

    /// `domain`: the quoted, space-separated URI list, raw.
    pub fn domain(&self) -> Option<&'a [u8]> {
        self.param("domain")
    }

    /// `stale=true` (case-insensitive, RFC 7616 §3.3); false when absent.
    pub fn stale(&self) -> bool {
        is_true(self.param("stale"))
    }

    /// `algorithm`; `None` when absent (which means MD5, RFC 7616 §3.3).
    pub fn algorithm(&self) -> Option<Algorithm<'a>> {
        algorithm_of(&self.params)
    }

    /// The `qop` options offered (`"auth, auth-int"`); empty when absent.
    pub fn qop_options(&self) -> QopOptions<'a> {
        QopOptions::new(self.param("qop").unwrap_or(&[]))
    }

    /// `userhash=true` (RFC 7616 §3.3); false when absent.
    pub fn userhash(&self) -> bool {
        is_true(self.param("userhash"))
    }

    /// `charset` (RFC 7616 §3.3; only `UTF-8` is defined).
    pub fn charset(&self) -> Option<&'a [u8]> {
        self.param("charset")
    }
}

/// Credentials: Authorization (RFC 3261 §20.7) or Proxy-Authorization
/// (§20.28).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Credentials<'a> {
    /// The auth-scheme as written (compare case-insensitively).
    pub scheme: &'a str,
    /// The parameters (empty when the scheme carries a `token68`).
    pub params: AuthParams<'a>,
    /// A `token68` in place of parameters (non-Digest schemes only).
    pub token68: Option<&'a str>,
    header: HeaderName,
}

impl<'a> Credentials<'a> {
    /// Parses an Authorization value.
    pub fn parse(v: &'a [u8]) -> Result<Credentials<'a>, ParseError> {
        Self::parse_header(v, HeaderName::Authorization)
    }

    /// Parses credentials carried in header `name` (errors name it).
    pub fn parse_header(v: &'a [u8], name: HeaderName) -> Result<Credentials<'a>, ParseError> {
        let (scheme, params, token68) = parse_scheme(v, name)?;
        Ok(Credentials { scheme, params, token68, header: name })
    }

    /// True if the scheme is `Digest` (any case).
    pub fn is_digest(&self) -> bool {
        lex::eq_ic(self.scheme.as_bytes(), b"Digest")
    }

    /// The value of parameter `name`, quoted-string contents or token.
    pub fn param(&self, name: &str) -> Option<&'a [u8]> {
        self.params.value(name)
    }

    /// `username` (quoted-string contents; with `userhash=true` it is the
    /// hash, RFC 7616 §3.4.4).
    pub fn username(&self) -> Option<&'a [u8]> {
        self.param("username")
    }

    /// `username*` (RFC 7616 §3.4: an RFC 5987 ext-value), raw.
    pub fn username_star(&self) -> Option<&'a [u8]> {
        self.param("username*")
    }

    /// `realm` (quoted-string contents).
    pub fn realm(&self) -> Option<&'a [u8]> {
        self.param("realm")
    }

    /// `nonce` (quoted-string contents).
    pub fn nonce(&self) -> Option<&'a [u8]> {
        self.param("nonce")
    }

    /// `uri`, the digest-uri (quoted-string contents).
    pub fn uri(&self) -> Option<&'a [u8]> {
        self.param("uri")
    }

    /// `response`, the request digest in hex.
    pub fn response(&self) -> Option<&'a [u8]> {
        self.param("response")
    }

    /// `algorithm`; `None` when absent (MD5).
    pub fn algorithm(&self) -> Option<Algorithm<'a>> {
        algorithm_of(&self.params)
    }

    /// `cnonce` (quoted-string contents).
    pub fn cnonce(&self) -> Option<&'a [u8]> {
        self.param("cnonce")
    }

    /// `opaque` (quoted-string contents).
    pub fn opaque(&self) -> Option<&'a [u8]> {
        self.param("opaque")
    }

    /// `qop`, the chosen quality of protection (`auth`, `auth-int`).
    pub fn qop(&self) -> Option<&'a [u8]> {
        self.param("qop")
    }

    /// `nc`, the nonce count: exactly eight hex digits (RFC 3261 §25.1).
    pub fn nc(&self) -> Option<Result<u32, ParseError>> {
        nc_of(&self.params, self.header)
    }

    /// `userhash=true` (RFC 7616 §3.4); false when absent.
    pub fn userhash(&self) -> bool {
        is_true(self.param("userhash"))
    }
}

/// Authentication-Info (RFC 3261 §20.6; RFC 7616 §3.5): `ainfo *(COMMA
/// ainfo)`, no scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AuthenticationInfo<'a> {
    /// The parameters.
    pub params: AuthParams<'a>,
}

impl<'a> AuthenticationInfo<'a> {
    /// Parses an Authentication-Info value.
    pub fn parse(v: &'a [u8]) -> Result<AuthenticationInfo<'a>, ParseError> {
        const N: HeaderName = HeaderName::AuthenticationInfo;
        let params = AuthParams::new(lex::trim_lws(v));
        if check_params(params, N, true)? == 0 {
            return Err(ParseError::header(N));
        }
        Ok(AuthenticationInfo { params })
    }

    /// `nextnonce` (quoted-string contents).
    pub fn nextnonce(&self) -> Option<&'a [u8]> {
        self.params.value("nextnonce")
    }

    /// `qop`.
    pub fn qop(&self) -> Option<&'a [u8]> {
        self.params.value("qop")
    }

    /// `rspauth`, the response digest in hex.
    pub fn rspauth(&self) -> Option<&'a [u8]> {
        self.params.value("rspauth")
    }

    /// `cnonce` (quoted-string contents).
    pub fn cnonce(&self) -> Option<&'a [u8]> {
        self.params.value("cnonce")
    }

    /// `nc`: exactly eight hex digits.
    pub fn nc(&self) -> Option<Result<u32, ParseError>> {
        nc_of(&self.params, HeaderName::AuthenticationInfo)
    }
}

impl<'a> Message<'a> {
    /// Every WWW-Authenticate challenge, one per field (RFC 3261 §22.3).
    pub fn www_authenticates(&self) -> TypedValues<'_, 'a, Challenge<'a>> {
        TypedValues::fields(self, HeaderName::WwwAuthenticate, |v, n| {
            Challenge::parse_header(v.as_bytes(), n)
        })
    }

    /// Every Proxy-Authenticate challenge, one per field (RFC 3261 §22.3).
    pub fn proxy_authenticates(&self) -> TypedValues<'_, 'a, Challenge<'a>> {
        TypedValues::fields(self, HeaderName::ProxyAuthenticate, |v, n| {
            Challenge::parse_header(v.as_bytes(), n)
        })
    }

    /// Every Authorization credential, one per field (RFC 3261 §22.2).
    pub fn authorizations(&self) -> TypedValues<'_, 'a, Credentials<'a>> {
        TypedValues::fields(self, HeaderName::Authorization, |v, n| {
            Credentials::parse_header(v.as_bytes(), n)
        })
    }

    /// Every Proxy-Authorization credential, one per field (RFC 3261 §22.3).
    pub fn proxy_authorizations(&self) -> TypedValues<'_, 'a, Credentials<'a>> {
        TypedValues::fields(self, HeaderName::ProxyAuthorization, |v, n| {
            Credentials::parse_header(v.as_bytes(), n)
        })
    }

    /// Authentication-Info (RFC 3261 §20.6), if present.
    pub fn authentication_info(&self) -> Result<Option<AuthenticationInfo<'a>>, ParseError> {
        self.header(HeaderName::AuthenticationInfo).map(AuthenticationInfo::parse).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::error::{Element, ErrorKind};

    const BENCH_AUTHZ: &[u8] = br#"Digest realm="sip.example.com", nonce="7Qp2cAAAAAC2mM3xAACxlZ3E8QIAAAAA", algorithm=MD5, opaque="+GNywA==", username="alice", uri="sip:sip.example.com", response="1f9c3a7e2b8d4f6a0c5e9b1d3f7a2c4e", cnonce="Xq3hT0pL8mNcFrZg", nc=00000001, qop=auth"#;

    const RFC7616_CHALLENGE: &[u8] = b"Digest\r\n    realm=\"http-auth@example.org\",\r\n    \
        qop=\"auth, auth-int\",\r\n    algorithm=SHA-256,\r\n    \
        nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\",\r\n    \
        opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";

    const RFC7616_AUTHZ: &[u8] =
        b"Digest username=\"Mufasa\",\r\n    realm=\"http-auth@example.org\",\r\n    \
        uri=\"/dir/index.html\",\r\n    algorithm=SHA-256,\r\n    \
        nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\",\r\n    nc=00000001,\r\n    \
        cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\",\r\n    qop=auth,\r\n    \
        response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\",\r\n    \
        opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";

    fn syntax(name: HeaderName) -> ParseError {
        ParseError::new(Element::Header(name), ErrorKind::Syntax)
    }

    #[test]
    fn rfc7616_3_9_1_challenge_example() {
        let c = Challenge::parse(RFC7616_CHALLENGE).unwrap();
        assert!(c.is_digest());
        assert_eq!(c.realm(), Some(&b"http-auth@example.org"[..]));
        assert_eq!(c.algorithm(), Some(Algorithm::Sha256));
        let q: heapless::Vec<&str, 4> = c.qop_options().collect();
        assert_eq!(&q[..], &["auth", "auth-int"]);
        assert_eq!(c.nonce(), Some(&b"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"[..]));
        assert_eq!(c.opaque(), Some(&b"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"[..]));
        assert!(!c.stale());
        assert!(!c.userhash());
        assert_eq!(c.domain(), None);
        assert_eq!(c.params.count(), 5);
    }

    #[test]
    fn rfc7616_3_9_1_authorization_example() {
        let a = Credentials::parse(RFC7616_AUTHZ).unwrap();
        assert_eq!(a.username(), Some(&b"Mufasa"[..]));
        assert_eq!(a.uri(), Some(&b"/dir/index.html"[..]));
        assert_eq!(a.nc(), Some(Ok(1)));
        assert_eq!(a.qop(), Some(&b"auth"[..]));
        assert_eq!(a.algorithm(), Some(Algorithm::Sha256));
        assert_eq!(a.response().map(<[u8]>::len), Some(64));
    }

    #[test]
    fn rfc7616_3_3_challenge_params() {
        let c = Challenge::parse(
            br#"Digest realm = "r" , nonce="n", stale=TRUE, userhash="true", charset=UTF-8, domain="sip:a sip:b""#,
        )
        .unwrap();
        assert!(c.stale());
        assert!(c.userhash());
        assert_eq!(c.charset(), Some(&b"UTF-8"[..]));
        assert_eq!(c.domain(), Some(&b"sip:a sip:b"[..]));
        assert_eq!(c.realm(), Some(&b"r"[..]));
        assert_eq!(c.algorithm(), None);
        assert_eq!(c.qop_options().count(), 0);
        // Unquoted single qop seen in the wild.
        assert_eq!(Challenge::parse(b"Digest qop=auth").unwrap().qop_options().next(), Some("auth"));
    }

    #[test]
    fn rfc7616_3_3_duplicate_params_rejected() {
        let e = Challenge::parse(br#"Digest realm="a", nonce="n", REALM="b""#).unwrap_err();
        assert_eq!(e, syntax(HeaderName::WwwAuthenticate));
        let e =
            Credentials::parse_header(br#"Digest nc=00000001, nc=00000002"#, HeaderName::ProxyAuthorization);
        assert_eq!(e.unwrap_err(), syntax(HeaderName::ProxyAuthorization));
    }

    #[test]
    fn rfc3261_25_1_malformed_challenges_rejected() {
        for bad in [
            &b""[..],
            b"Digest",
            b"Digest realm",
            b"Digest realm=",
            b"Digest realm=\"unterminated",
            b"Digest realm=\"a\",",
            b"Digest realm=\"a\",,nonce=\"b\"",
            b"Digest realm=\"a\" nonce=\"b\"",
            b"Digest algorithm=\"MD 5\"",
            b"Digest qop=\"auth,,auth-int\"",
            b"Digest qop=\"\"",
            b"Digestrealm=\"a\"",
            b"\"Digest\" realm=\"a\"",
            b"Digest realm=a=b",
        ] {
            assert_eq!(Challenge::parse(bad), Err(syntax(HeaderName::WwwAuthenticate)), "{bad:?}");
        }
    }

    #[test]
    fn rfc3261_22_4_bench_authorization() {
        let a = Credentials::parse(BENCH_AUTHZ).unwrap();
        assert_eq!(a.scheme, "Digest");
        assert_eq!(a.realm(), Some(&b"sip.example.com"[..]));
        assert_eq!(a.nonce(), Some(&b"7Qp2cAAAAAC2mM3xAACxlZ3E8QIAAAAA"[..]));
        assert_eq!(a.algorithm(), Some(Algorithm::Md5));
        assert_eq!(a.opaque(), Some(&b"+GNywA=="[..]));
        assert_eq!(a.username(), Some(&b"alice"[..]));
        assert_eq!(a.uri(), Some(&b"sip:sip.example.com"[..]));
        assert_eq!(a.response(), Some(&b"1f9c3a7e2b8d4f6a0c5e9b1d3f7a2c4e"[..]));
        assert_eq!(a.cnonce(), Some(&b"Xq3hT0pL8mNcFrZg"[..]));
        assert_eq!(a.nc(), Some(Ok(1)));
        assert_eq!(a.qop(), Some(&b"auth"[..]));
        assert!(!a.userhash());
        assert_eq!(a.username_star(), None);
    }

    #[test]
    fn rfc3261_25_1_nc_is_8_lhex() {
        let nc = |v: &[u8]| Credentials::parse(v).unwrap().nc();
        assert_eq!(nc(b"Digest nc=0000000a"), Some(Ok(10)));
        assert_eq!(nc(b"Digest nc=ffffffff"), Some(Ok(u32::MAX)));
        assert_eq!(nc(b"Digest nc=1"), Some(Err(syntax(HeaderName::Authorization))));
        assert_eq!(nc(b"Digest nc=000000001"), Some(Err(syntax(HeaderName::Authorization))));
        assert_eq!(nc(b"Digest nc=0000000g"), Some(Err(syntax(HeaderName::Authorization))));
        assert_eq!(nc(b"Digest username=\"a\""), None);
    }

    #[test]
    fn rfc8760_algorithm_tokens() {
        for (tok, alg, sess) in [
            ("MD5", Algorithm::Md5, false),
            ("md5-SESS", Algorithm::Md5Sess, true),
            ("SHA-256", Algorithm::Sha256, false),
            ("sha-256-sess", Algorithm::Sha256Sess, true),
            ("SHA-512-256", Algorithm::Sha512_256, false),
            ("SHA-512-256-Sess", Algorithm::Sha512_256Sess, true),
        ] {
            let a = Algorithm::from_token(tok);
            assert_eq!(a, alg);
            assert_eq!(a.is_sess(), sess);
            assert!(lex::eq_ic(a.as_str().as_bytes(), tok.as_bytes()));
        }
        assert_eq!(Algorithm::from_token("AKAv1-MD5"), Algorithm::Other("AKAv1-MD5"));
        assert_eq!(Algorithm::from_token("AKAv1-MD5").as_str(), "AKAv1-MD5");
        assert!(Algorithm::from_token("FOO-sess").is_sess());
        // Quoted algorithm (seen in the wild) decodes the same.
        let c = Challenge::parse(br#"Digest algorithm="SHA-512-256", realm="a""#).unwrap();
        assert_eq!(c.algorithm(), Some(Algorithm::Sha512_256));
    }

    #[test]
    fn rfc4475_3_3_7_unknown_auth_scheme() {
        let a = Credentials::parse(b"NoOneKnowsThisScheme opaque-data=here").unwrap();
        assert_eq!(a.scheme, "NoOneKnowsThisScheme");
        assert!(!a.is_digest());
        assert_eq!(a.param("opaque-data"), Some(&b"here"[..]));
        assert_eq!(a.token68, None);
        // token68 schemes (Basic, Bearer per RFC 8898) keep their blob.
        let b = Credentials::parse(b"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==").unwrap();
        assert_eq!(b.token68, Some("QWxhZGRpbjpvcGVuIHNlc2FtZQ=="));
        assert_eq!(b.params.count(), 0);
        let b = Credentials::parse(b"Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-_x").unwrap();
        assert_eq!(b.token68, Some("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-_x"));
        // Digest never falls back to token68.
        assert!(Credentials::parse(b"Digest QWxhZGRp==").is_err());
        assert!(Credentials::parse(b"Basic a b").is_err());
    }

    #[test]
    fn rfc3261_22_1_quoted_pairs_kept_escaped() {
        let c = Challenge::parse(br#"Digest realm="a\"b", nonce="x""#).unwrap();
        let r = c.params.get("realm").unwrap();
        assert!(r.quoted);
        assert_eq!(r.value, br#"a\"b"#);
        let u: heapless::Vec<u8, 8> = r.unescaped().collect();
        assert_eq!(&u[..], b"a\"b");
    }

    #[test]
    fn rfc7616_3_5_authentication_info() {
        let i = AuthenticationInfo::parse(
            br#"nextnonce="47364c23432d2e131a5fb210812c", qop=auth, rspauth="6629fae49393a05397450978507c4ef1", cnonce="0a4f113b", nc=00000001"#,
        )
        .unwrap();
        assert_eq!(i.nextnonce(), Some(&b"47364c23432d2e131a5fb210812c"[..]));
        assert_eq!(i.qop(), Some(&b"auth"[..]));
        assert_eq!(i.rspauth(), Some(&b"6629fae49393a05397450978507c4ef1"[..]));
        assert_eq!(i.cnonce(), Some(&b"0a4f113b"[..]));
        assert_eq!(i.nc(), Some(Ok(1)));
        assert_eq!(AuthenticationInfo::parse(b""), Err(syntax(HeaderName::AuthenticationInfo)));
        assert_eq!(AuthenticationInfo::parse(b"rspauth"), Err(syntax(HeaderName::AuthenticationInfo)));
    }

    #[test]
    fn rfc3261_22_3_several_challenges_in_a_401() {
        let m = Message::parse(include_bytes!("../../../benches/messages/07_401_unauthorized.sip")).unwrap();
        let cs: heapless::Vec<Challenge, 4> = m.www_authenticates().map(Result::unwrap).collect();
        assert_eq!(cs.len(), 2);
        assert_eq!(cs[0].algorithm(), Some(Algorithm::Sha256));
        assert_eq!(cs[1].algorithm(), Some(Algorithm::Md5));
        assert_eq!(cs[1].qop_options().next(), Some("auth"));
        assert_eq!(cs[0].opaque(), Some(&b"+GNywA=="[..]));
        assert_eq!(m.proxy_authenticates().count(), 0);
        assert_eq!(m.authentication_info(), Ok(None));

        assert_eq!(m.proxy_authorizations().count(), 0);
        assert_eq!(m.authorizations().count(), 0);
    }

    #[test]
    fn rfc3261_25_1_prefix_truncation_never_panics() {
        for v in [BENCH_AUTHZ, RFC7616_CHALLENGE, RFC7616_AUTHZ] {
            for end in 0..=v.len() {
                let p = &v[..end];
                if let Ok(c) = Challenge::parse(p) {
                    let _ = (c.realm(), c.algorithm(), c.qop_options().count(), c.stale());
                }
                if let Ok(a) = Credentials::parse(p) {
                    let _ = (a.nc(), a.username(), a.algorithm());
                }
                let _ = AuthenticationInfo::parse(p).map(|i| i.nc());
            }
        }
    }
}
