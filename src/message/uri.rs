//! URIs (RFC 3261 §19, §25.1; RFC 5954; RFC 3966 tel; RFC 8599 pn-*).
//!
//! INTERFACE STUB: signatures are the contract; the full implementation
//! replaces the bodies.

use super::error::{Element, ParseError};

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

impl<'a> Host<'a> {
    /// Parses a host (no port).
    pub fn parse(s: &'a [u8]) -> Result<Host<'a>, ParseError> {
        let _ = s;
        Err(ParseError::syntax(Element::Uri))
    }
}

/// Parses `host [ ":" port ]`.
pub fn parse_hostport(s: &[u8]) -> Result<(Host<'_>, Option<u16>), ParseError> {
    Ok((Host::parse(s)?, None))
}

impl<'a> Uri<'a> {
    /// Parses a URI.
    pub fn parse(s: &'a [u8]) -> Result<Uri<'a>, ParseError> {
        let _ = s;
        Err(ParseError::syntax(Element::Uri))
    }
    /// The SIP URI, if any.
    pub fn sip(&self) -> Option<&SipUri<'a>> {
        match self {
            Uri::Sip(u) => Some(u),
            _ => None,
        }
    }
}
