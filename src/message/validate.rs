//! Semantic checks after parsing: what a UAS, proxy or registrar must
//! refuse, and with which status (RFC 3261 §8.2, §16.3, §10.3; RFC 4475
//! §3.3).
//!
//! Parsing ([`Message::parse`]) settles syntax and framing. These checks are
//! separate because they depend on who is looking: a proxy forwards a
//! request with an unknown Content-Type that a UAS must answer 415, and a
//! registrar refuses a To URI a proxy routes happily. The caller describes
//! itself with a [`Policy`]; each refusal names the [`Problem`] and the
//! status to answer with.
//!
//! ```
//! use sip_proto::message::{Message, StatusCode};
//! use sip_proto::message::validate::{check_request, Policy, Problem};
//!
//! let bytes = b"OPTIONS sip:carol@chicago.example.com SIP/2.0\r\n\
//! Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKhjhs8ass877\r\n\
//! Max-Forwards: 70\r\n\
//! To: <sip:carol@chicago.example.com>\r\n\
//! From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
//! Call-ID: a84b4c76e66710\r\n\
//! CSeq: 63104 OPTIONS\r\n\
//! Require: teleportation\r\n\
//! Content-Length: 0\r\n\r\n";
//! let msg = Message::parse(bytes)?;
//! let refusal = check_request(&msg, &Policy::user_agent()).unwrap_err();
//! assert_eq!(refusal.status, StatusCode::BAD_EXTENSION);
//! assert_eq!(refusal.problem, Problem::BadExtension);
//! assert_eq!(&refusal.unsupported[..], ["teleportation"]);
//! # Ok::<(), sip_proto::message::ParseError>(())
//! ```

// A Rejection carries the 420 Unsupported list inline (no Box without
// `alloc`); refusals are the cold path, so its size costs nothing that matters.
#![allow(clippy::result_large_err)]

use super::error::{ErrorKind, ParseError};
use super::headers::ContactValue;
use super::method::Method;
use super::name::HeaderName;
use super::parse::Message;
use super::status::StatusCode;
use super::uri::{Host, Uri};

/// The kind of element applying the checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// A user agent server (RFC 3261 §8.2).
    UserAgent,
    /// A proxy (RFC 3261 §16.3): forwards what it need not understand.
    Proxy,
    /// A registrar (RFC 3261 §10.3).
    Registrar,
}

/// What the checking element supports. The constructors give the baseline
/// of RFC 3261; adjust the lists to what your application implements.
#[derive(Clone, Copy, Debug)]
pub struct Policy<'p> {
    /// Who is checking.
    pub role: Role,
    /// Option tags understood in Require (UAS) or Proxy-Require (proxy);
    /// anything else draws 420 (§8.2.2.3, §16.3 step 5... §20.29).
    pub supported_extensions: &'p [&'p str],
    /// Methods the element implements; a request for any other draws 405
    /// (a method RFC 3261 or its extensions define) or 501 (an unknown
    /// one), §8.2.1. Empty: no method check (proxies).
    pub allowed_methods: &'p [Method<'p>],
    /// Body types understood (`type/subtype`); a body of another type that
    /// is not optional draws 415 (§8.2.3). Empty: no content check.
    pub accepted_content_types: &'p [&'p str],
    /// Content codings understood besides `identity` (§8.2.3).
    pub accepted_encodings: &'p [&'p str],
    /// Body types the element can answer with; if the request's Accept
    /// admits none of them the answer is 406 (RFC 4475 §3.3.15). Empty: no
    /// check.
    pub response_content_types: &'p [&'p str],
    /// Request-URI schemes served: `sip` and `sips` always, `tel` if set
    /// (§8.2.2.1 answers 416 for others).
    pub accept_tel_uri: bool,
    /// Decode every known header and refuse the request (400) if one is
    /// malformed. A UAS SHOULD ignore malformed headers it does not need
    /// (§8.2.2); turning this on is the strict reading, useful for test
    /// and conformance tools. Off by default.
    pub strict_headers: bool,
}

/// Methods a baseline UA implements (RFC 3261 §8.2.1 and the common
/// extensions); REGISTER is absent because a UA is not a registrar
/// (RFC 4475 §3.3.7).
pub const UA_METHODS: &[Method<'static>] = &[
    Method::Invite,
    Method::Ack,
    Method::Bye,
    Method::Cancel,
    Method::Options,
    Method::Prack,
    Method::Update,
    Method::Info,
    Method::Message,
    Method::Notify,
    Method::Subscribe,
    Method::Refer,
];

/// Methods a registrar answers.
pub const REGISTRAR_METHODS: &[Method<'static>] =
    &[Method::Register, Method::Options, Method::Ack, Method::Cancel];

impl Policy<'static> {
    /// A UAS that supports baseline SIP, `application/sdp` bodies and
    /// multipart/mixed, and the option tags in
    /// [`Policy::DEFAULT_EXTENSIONS`].
    pub const fn user_agent() -> Self {
        Policy {
            role: Role::UserAgent,
            supported_extensions: Self::DEFAULT_EXTENSIONS,
            allowed_methods: UA_METHODS,
            accepted_content_types: &["application/sdp", "multipart/mixed", "text/plain"],
            accepted_encodings: &[],
            response_content_types: &["application/sdp"],
            accept_tel_uri: true,
            strict_headers: true,
        }
    }

    /// A proxy: no method, content or Require checks; Proxy-Require
    /// against [`Policy::DEFAULT_EXTENSIONS`]; Max-Forwards enforced.
    pub const fn proxy() -> Self {
        Policy {
            role: Role::Proxy,
            supported_extensions: Self::DEFAULT_EXTENSIONS,
            allowed_methods: &[],
            accepted_content_types: &[],
            accepted_encodings: &[],
            response_content_types: &[],
            accept_tel_uri: true,
            strict_headers: false,
        }
    }

    /// A registrar (RFC 3261 §10.3).
    pub const fn registrar() -> Self {
        Policy {
            role: Role::Registrar,
            supported_extensions: Self::DEFAULT_EXTENSIONS,
            allowed_methods: REGISTRAR_METHODS,
            accepted_content_types: &[],
            accepted_encodings: &[],
            response_content_types: &[],
            accept_tel_uri: false,
            strict_headers: false,
        }
    }

    /// Option tags the crate's layers implement or tolerate.
    pub const DEFAULT_EXTENSIONS: &'static [&'static str] =
        &["100rel", "timer", "replaces", "outbound", "path", "gruu", "norefersub", "sec-agree"];
}

/// Why a message was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// A header needed here failed to decode (400, or the error's status).
    Malformed(ParseError),
    /// A mandatory header is absent (RFC 3261 §8.1.1; RFC 4475 §3.3.1).
    MissingHeader(HeaderName),
    /// A single-value header appears more than once (RFC 4475 §3.3.8).
    DuplicateHeader(HeaderName),
    /// The CSeq method is not the request method (RFC 4475 §3.1.2.17).
    CSeqMethodMismatch,
    /// The Request-URI scheme is not served (416, RFC 3261 §8.2.2.1).
    UnsupportedUriScheme,
    /// A known method this element does not implement (405, §8.2.1).
    MethodNotAllowed,
    /// A method this element does not know (501, §8.2.1).
    MethodNotImplemented,
    /// Max-Forwards is 0 at a proxy (483, §16.3 step 2).
    TooManyHops,
    /// Require / Proxy-Require lists an option tag not supported (420).
    BadExtension,
    /// A body whose type or encoding is not understood and not optional
    /// (415, §8.2.3).
    UnsupportedMediaType,
    /// Accept admits no type the element can answer with (406).
    NotAcceptable,
    /// A body without Content-Type (§7.4.1 makes it mandatory).
    MissingContentType,
    /// A REGISTER whose To is not a SIP or SIPS URI (§10.3 step 3... AOR).
    InvalidAddressOfRecord,
    /// A REGISTER with Contact `*` and other contacts or a non-zero
    /// Expires (§10.3 step 6).
    InvalidWildcardContact,
    /// A response with other than one Via at a UA (§18.1.2).
    ResponseViaCount,
    /// A response a proxy would forward to a broadcast or multicast
    /// address (RFC 4475 §3.3.10).
    ResponseToBroadcast,
}

/// Most unsupported option tags one refusal lists.
pub const MAX_UNSUPPORTED: usize = 16;

/// A refusal: the status to answer with and why. For 420,
/// [`Rejection::unsupported`] holds the tags to list in Unsupported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection<'a> {
    /// The status of the response to send (for requests).
    pub status: StatusCode,
    /// Why.
    pub problem: Problem,
    /// With 420 Bad Extension: the option tags to put in Unsupported
    /// (§8.2.2.3), at most [`MAX_UNSUPPORTED`].
    pub unsupported: heapless::Vec<&'a str, MAX_UNSUPPORTED>,
}

impl<'a> Rejection<'a> {
    fn new(status: StatusCode, problem: Problem) -> Self {
        Rejection { status, problem, unsupported: heapless::Vec::new() }
    }

    fn malformed(e: ParseError) -> Self {
        Rejection::new(e.status(), Problem::Malformed(e))
    }
}

impl From<ParseError> for Rejection<'_> {
    fn from(e: ParseError) -> Self {
        match e.kind {
            ErrorKind::Missing => match e.element {
                super::Element::Header(h) => {
                    Rejection::new(StatusCode::BAD_REQUEST, Problem::MissingHeader(h))
                }
                _ => Rejection::malformed(e),
            },
            ErrorKind::Duplicate => match e.element {
                super::Element::Header(h) => {
                    Rejection::new(StatusCode::BAD_REQUEST, Problem::DuplicateHeader(h))
                }
                _ => Rejection::malformed(e),
            },
            _ => Rejection::malformed(e),
        }
    }
}

/// Headers that may appear once only (RFC 3261 §7.3.1: only list headers
/// may repeat). Content-Length is enforced by the parser.
const SINGLE: &[HeaderName] = &[
    HeaderName::CallId,
    HeaderName::CSeq,
    HeaderName::From,
    HeaderName::To,
    HeaderName::MaxForwards,
    HeaderName::ContentType,
    HeaderName::Expires,
    HeaderName::MinExpires,
    HeaderName::ContentDisposition,
    HeaderName::RSeq,
    HeaderName::RAck,
];

/// The mandatory headers of every request (RFC 3261 §8.1.1); Max-Forwards
/// is left out so RFC 2543 requests stay usable (RFC 4475 §3.4.1).
const MANDATORY: &[HeaderName] =
    &[HeaderName::Via, HeaderName::From, HeaderName::To, HeaderName::CallId, HeaderName::CSeq];

/// Returns whether the request has exactly one Via field (known only when
/// the index was walked; `false` otherwise).
fn check_common(msg: &Message<'_>) -> Result<bool, ParseError> {
    // The mandatory headers are the ones the parser decoded (strictly, or
    // the parse failed) and cached: present exactly when cached.
    let present = [
        msg.top_via.is_some(),
        msg.from.is_some(),
        msg.to.is_some(),
        msg.call_id.is_some(),
        msg.cseq.is_some(),
    ];
    for (&h, present) in MANDATORY.iter().zip(present) {
        if !present {
            return Err(ParseError::new(super::Element::Header(h), ErrorKind::Missing));
        }
    }
    // A header "appears more than once" when its comma-separated values,
    // across all its fields, number two or more (as `header_values`
    // counts them, within the list limit). One pass over the index counts
    // them all, up to two each.
    if msg.limits().max_list_values < 2 {
        return Ok(false);
    }
    let mut counts = [0u8; SINGLE.len()];
    let mut via_fields = 0usize;
    for e in msg.index.iter() {
        let Some(i) = single_slot(e.name) else {
            via_fields += usize::from(e.name == HeaderName::Via);
            continue;
        };
        if counts[i] < 2 {
            counts[i] += values_up_to_two(msg.value_of(e));
        }
    }
    match counts.iter().position(|&n| n >= 2) {
        Some(i) => Err(ParseError::new(super::Element::Header(SINGLE[i]), ErrorKind::Duplicate)),
        None => Ok(via_fields == 1),
    }
}

/// The position of `name` in [`SINGLE`] (a jump, not a search: it runs
/// for every header field of every request).
#[inline]
fn single_slot(name: HeaderName) -> Option<usize> {
    Some(match name {
        HeaderName::CallId => 0,
        HeaderName::CSeq => 1,
        HeaderName::From => 2,
        HeaderName::To => 3,
        HeaderName::MaxForwards => 4,
        HeaderName::ContentType => 5,
        HeaderName::Expires => 6,
        HeaderName::MinExpires => 7,
        HeaderName::ContentDisposition => 8,
        HeaderName::RSeq => 9,
        HeaderName::RAck => 10,
        _ => return None,
    })
}

/// How many comma-separated values `v` holds, counting at most two.
#[inline]
fn values_up_to_two(v: &[u8]) -> u8 {
    if super::lex::is_blank(v) {
        0
    } else if super::lex::find_byte(b',', v).is_none() {
        1
    } else {
        super::lex::CommaList::new(v).take(2).count() as u8
    }
}

fn uri_scheme_served(uri: &Uri<'_>, policy: &Policy<'_>) -> bool {
    match uri {
        Uri::Sip(_) => true,
        Uri::Tel(_) => policy.accept_tel_uri,
        Uri::Other(_) => false,
    }
}

/// Collects the option tags of `name` that `policy` does not support.
fn unsupported_tags<'a>(
    msg: &Message<'a>,
    name: HeaderName,
    policy: &Policy<'_>,
) -> Result<heapless::Vec<&'a str, MAX_UNSUPPORTED>, ParseError> {
    let mut out = heapless::Vec::new();
    for tag in msg.option_tags(name) {
        let tag = tag?;
        if !policy.supported_extensions.iter().any(|s| s.eq_ignore_ascii_case(tag)) {
            // Beyond the cap the refusal is the same; the list is a hint.
            let _ = out.push(tag);
        }
    }
    Ok(out)
}

fn check_content(msg: &Message<'_>, policy: &Policy<'_>) -> Result<(), Rejection<'static>> {
    if msg.body().is_empty() {
        return Ok(());
    }
    let Some(ct) = msg.content_type()? else {
        return Err(Rejection::new(StatusCode::BAD_REQUEST, Problem::MissingContentType));
    };
    if policy.accepted_content_types.is_empty() {
        return Ok(());
    }
    let optional =
        matches!(msg.content_disposition()?.map(|d| d.handling()), Some(super::headers::Handling::Optional));
    if optional {
        return Ok(());
    }
    let type_ok = policy.accepted_content_types.iter().any(|t| match t.split_once('/') {
        Some((ty, sub)) => ct.is(ty, sub),
        None => false,
    });
    let mut encoding_ok = true;
    for enc in msg.content_encodings() {
        let enc = enc?;
        if !enc.eq_ignore_ascii_case("identity")
            && !policy.accepted_encodings.iter().any(|a| a.eq_ignore_ascii_case(enc))
        {
            encoding_ok = false;
        }
    }
    if type_ok && encoding_ok {
        Ok(())
    } else {
        Err(Rejection::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, Problem::UnsupportedMediaType))
    }
}

fn check_accept(msg: &Message<'_>, policy: &Policy<'_>) -> Result<(), Rejection<'static>> {
    if policy.response_content_types.is_empty() || msg.header(HeaderName::Accept).is_none() {
        return Ok(());
    }
    let mut any = false;
    for range in msg.accepts() {
        let range = range?;
        if range.quality() == 0 {
            continue;
        }
        any |= policy.response_content_types.iter().any(|t| match t.split_once('/') {
            Some((ty, sub)) => range.matches(ty, sub),
            None => false,
        });
    }
    // An empty Accept means no body is acceptable, which is fine for a
    // response without one (RFC 3261 §20.1).
    let empty = msg.header_values(HeaderName::Accept).next().is_none();
    if any || empty {
        Ok(())
    } else {
        Err(Rejection::new(StatusCode::NOT_ACCEPTABLE, Problem::NotAcceptable))
    }
}

fn check_register(msg: &Message<'_>) -> Result<(), Rejection<'static>> {
    // RFC 3261 §10.3 step 3... the To header holds the AOR, a SIP or SIPS URI
    // (RFC 4475 §3.3.4).
    if !matches!(msg.to()?.uri, Uri::Sip(_)) {
        return Err(Rejection::new(StatusCode::BAD_REQUEST, Problem::InvalidAddressOfRecord));
    }
    // §10.3 step 6: `*` only alone and with Expires: 0.
    let mut star = false;
    let mut others = false;
    for c in msg.contacts() {
        match c? {
            ContactValue::Star => star = true,
            ContactValue::Addr(_) => others = true,
        }
    }
    if star && (others || msg.expires()? != Some(0)) {
        return Err(Rejection::new(StatusCode::BAD_REQUEST, Problem::InvalidWildcardContact));
    }
    Ok(())
}

/// Checks a parsed request the way RFC 3261 §8.2 (UAS), §16.3 (proxy) or
/// §10.3 (registrar) orders it, returning the first refusal.
///
/// Order: mandatory and single-value headers (400), Request-URI scheme
/// (416), method (405/501), CSeq method (400), Max-Forwards at a proxy
/// (483), Require or Proxy-Require (420), header decoding if
/// [`Policy::strict_headers`] (400), REGISTER rules at a registrar (400),
/// body type and encoding (415), Accept (406).
pub fn check_request<'a>(msg: &Message<'a>, policy: &Policy<'_>) -> Result<(), Rejection<'a>> {
    let Some(request) = msg.request() else {
        return Ok(());
    };
    let one_via_field = check_common(msg)?;
    // The Via, From and To the transaction layer needs were decoded at
    // parse time; the rest of the Vias matter to every response we send.
    // With one Via field holding just the top Via (decoded at parse
    // time, within the limits) there is no rest.
    let only_top_via = one_via_field && msg.top_via_rest.is_none() && msg.limits().max_vias >= 1;
    if !only_top_via {
        for via in msg.vias() {
            via?;
        }
    }
    if policy.role != Role::Proxy && !uri_scheme_served(&request.uri, policy) {
        return Err(Rejection::new(StatusCode::UNSUPPORTED_URI_SCHEME, Problem::UnsupportedUriScheme));
    }
    let method = request.method;
    if !policy.allowed_methods.is_empty() && !policy.allowed_methods.contains(&method) {
        return Err(match method {
            Method::Extension(_) => {
                Rejection::new(StatusCode::NOT_IMPLEMENTED, Problem::MethodNotImplemented)
            }
            _ => Rejection::new(StatusCode::METHOD_NOT_ALLOWED, Problem::MethodNotAllowed),
        });
    }
    if msg.cseq()?.method != method {
        return Err(Rejection::new(StatusCode::BAD_REQUEST, Problem::CSeqMethodMismatch));
    }
    if policy.role == Role::Proxy && msg.max_forwards() == Some(0) {
        return Err(Rejection::new(StatusCode::TOO_MANY_HOPS, Problem::TooManyHops));
    }
    // §8.2.2.3: Require and Proxy-Require are ignored in CANCEL and ACK.
    let name = if policy.role == Role::Proxy { HeaderName::ProxyRequire } else { HeaderName::Require };
    // Most requests carry no Require at all: nothing to collect then.
    if !matches!(method, Method::Cancel | Method::Ack) && msg.header(name).is_some() {
        let unsupported = unsupported_tags(msg, name, policy)?;
        if !unsupported.is_empty() {
            return Err(Rejection {
                status: StatusCode::BAD_EXTENSION,
                problem: Problem::BadExtension,
                unsupported,
            });
        }
    }
    if policy.strict_headers {
        decode_all(msg)?;
    }
    if policy.role == Role::Registrar && method == Method::Register {
        check_register(msg)?;
    }
    if policy.role != Role::Proxy {
        check_content(msg, policy)?;
        if matches!(method, Method::Invite | Method::Options) {
            check_accept(msg, policy)?;
        }
    }
    Ok(())
}

fn is_broadcast_or_multicast(host: &Host<'_>) -> bool {
    match host {
        Host::Ipv4(a) => *a == [255, 255, 255, 255] || (224..=239).contains(&a[0]),
        Host::Ipv6 { addr, .. } => addr[0] >> 8 == 0xff,
        Host::Domain(_) => false,
    }
}

/// Checks a parsed response before it is matched to a client transaction
/// (UA) or forwarded (proxy). A refused response is dropped, never answered
/// (RFC 3261 §18.1.2); the [`Rejection::status`] is informational.
///
/// * every role: mandatory and single-value headers present once;
/// * a UA: exactly one Via (§18.1.2);
/// * a proxy: the Via it would forward to must not be a broadcast or
///   multicast address (RFC 4475 §3.3.10).
pub fn check_response<'a>(msg: &Message<'a>, policy: &Policy<'_>) -> Result<(), Rejection<'a>> {
    if msg.is_request() {
        return Ok(());
    }
    check_common(msg)?;
    let mut vias = msg.vias();
    let _top = vias.next().transpose()?;
    let next = vias.next().transpose()?;
    match policy.role {
        Role::UserAgent | Role::Registrar => {
            if next.is_some() {
                return Err(Rejection::new(StatusCode::BAD_REQUEST, Problem::ResponseViaCount));
            }
        }
        Role::Proxy => {
            if let Some(v) = next {
                let target = v.received().unwrap_or(v.host);
                if is_broadcast_or_multicast(&target) || is_broadcast_or_multicast(&v.host) {
                    return Err(Rejection::new(StatusCode::BAD_REQUEST, Problem::ResponseToBroadcast));
                }
            }
        }
    }
    if policy.strict_headers {
        decode_all(msg)?;
    }
    Ok(())
}

/// Decodes every header the crate has a typed decoder for and returns the
/// first error. Unknown headers are not judged.
///
/// This is the strict reading used by conformance tools and by
/// [`Policy::strict_headers`]; RFC 3261 §8.2.2 lets a UAS ignore malformed
/// headers it does not need, and a proxy forwards them.
pub fn decode_all(msg: &Message<'_>) -> Result<(), ParseError> {
    for field in msg.headers() {
        super::headers::decode_field(field.name, field.value)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_slots_follow_the_single_list() {
        for (i, &h) in SINGLE.iter().enumerate() {
            assert_eq!(single_slot(h), Some(i), "{h:?}");
        }
        assert_eq!(single_slot(HeaderName::Via), None);
        assert_eq!(single_slot(HeaderName::Contact), None);
    }

    fn request(extra: &str) -> alloc::string::String {
        alloc::format!(
            "OPTIONS sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\r\n\
To: <sip:b@example.com>\r\nFrom: <sip:a@example.com>;tag=1\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n\
{extra}Content-Length: 0\r\n\r\n"
        )
    }

    #[test]
    fn rfc4475_3_3_8_single_value_headers_counted_by_value() {
        let dup = |extra: &str| {
            let bytes = request(extra);
            let msg = Message::parse(bytes.as_bytes()).unwrap();
            check_common(&msg).err().map(|e| (e.element, e.kind))
        };
        let expires = Some((super::super::Element::Header(HeaderName::Expires), ErrorKind::Duplicate));
        assert_eq!(dup(""), None);
        assert_eq!(dup("Expires: 5\r\n"), None);
        assert_eq!(dup("Expires: 5\r\nExpires: 6\r\n"), expires, "two fields");
        assert_eq!(dup("Expires: 5, 6\r\n"), expires, "two values in one field");
        assert_eq!(dup("Expires:\r\nExpires: 6\r\n"), None, "an empty field holds no value");
        assert_eq!(dup("Subject: a, b\r\nSubject: c\r\n"), None, "not a single-value header");
        let both = "Min-Expires: 1\r\nMin-Expires: 2\r\nExpires: 5, 6\r\n";
        assert_eq!(dup(both), expires, "reported in the order of the list");
    }

    #[test]
    fn rfc3261_8_2_every_via_is_checked_not_only_the_top_one() {
        // The top Via was decoded at parse time; one more, in the same
        // field or a field of its own, must be decoded here (a malformed
        // one is a 400), and a lone top Via needs nothing more.
        let check = |bytes: &str| {
            let msg = Message::parse(bytes.as_bytes()).unwrap();
            let lenient = Policy { strict_headers: false, ..Policy::user_agent() };
            check_request(&msg, &lenient).map_err(|r| r.status)
        };
        assert_eq!(check(&request("")), Ok(()));
        let with_via = |via: &str| {
            request("").replace("branch=z9hG4bK1\r\n", &alloc::format!("branch=z9hG4bK1{via}\r\n"))
        };
        assert_eq!(check(&with_via(", SIP/2.0/UDP b.example.com")), Ok(()));
        assert_eq!(check(&with_via(", SIP/2.0/UDP b.example.com;=")), Err(StatusCode::BAD_REQUEST));
        assert_eq!(check(&with_via("\r\nVia: SIP/2.0/UDP b.example.com;=")), Err(StatusCode::BAD_REQUEST));
        assert_eq!(check(&with_via("\r\nv: nonsense")), Err(StatusCode::BAD_REQUEST));
    }
}
