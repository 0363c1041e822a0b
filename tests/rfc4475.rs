//! RFC 4475 torture messages: one test per message, named after its file.
//!
//! Verdicts follow RFC 4475 §3 (see tests/corpus/rfc4475/README.md):
//! valid messages must parse *and* every known header must decode; invalid
//! ones must be rejected by the parser, or (where §3.1.2 allows leniency)
//! by the decoding of the element concerned; §3.3 messages parse and the
//! validation step yields the response the RFC names.

use sip_proto::message::validate::{self, Policy, Problem};
use sip_proto::message::{
    Element, ErrorKind, HeaderName, Host, Message, Method, ParseError, StatusCode, Uri,
};

macro_rules! corpus {
    ($name:literal) => {
        include_bytes!(concat!("corpus/rfc4475/", $name, ".dat"))
    };
}

/// Valid: parses, and every header we know decodes.
fn valid(bytes: &[u8]) -> Message<'_> {
    let m = Message::parse(bytes).unwrap_or_else(|e| panic!("valid message rejected: {e:?}"));
    if let Err(e) = validate::decode_all(&m) {
        panic!("valid message has an undecodable header: {e:?}");
    }
    m
}

/// Invalid: the parser rejects it with this status.
fn rejected(bytes: &[u8], status: u16) -> ParseError {
    match Message::parse(bytes) {
        Ok(m) => panic!("invalid message accepted: {:?}", m.start_line()),
        Err(e) => {
            assert_eq!(e.status(), StatusCode(status), "{e:?}");
            e
        }
    }
}

/// Parses, then the request check under `policy` answers `status`.
fn answered(bytes: &[u8], policy: &Policy<'_>, status: u16) -> Problem {
    let m = Message::parse(bytes).unwrap_or_else(|e| panic!("should parse: {e:?}"));
    match validate::check_request(&m, policy) {
        Ok(()) => panic!("check_request accepted; expected {status}"),
        Err(r) => {
            assert_eq!(r.status, StatusCode(status), "{:?}", r.problem);
            r.problem
        }
    }
}

fn accepted(bytes: &[u8], policy: &Policy<'_>) {
    let m = Message::parse(bytes).unwrap_or_else(|e| panic!("should parse: {e:?}"));
    if let Err(r) = validate::check_request(&m, policy) {
        panic!("check_request rejected with {}: {:?}", r.status, r.problem);
    }
}

const UA: Policy<'static> = Policy::user_agent();
const PROXY: Policy<'static> = Policy::proxy();
const REGISTRAR: Policy<'static> = Policy::registrar();

// ---- §3.1.1 valid messages ----

#[test]
fn wsinv() {
    // §3.1.1.1: folding, odd LWS, unknown headers, leading zeros.
    let m = valid(corpus!("wsinv"));
    assert_eq!(m.method(), Some(Method::Invite));
    assert_eq!(m.cseq().unwrap().seq, 9);
    assert_eq!(m.max_forwards(), Some(68));
    assert_eq!(m.call_id().unwrap(), "wsinv.ndaksdj@192.0.2.1");
    let vias: Vec<_> = m.vias().collect::<Result<_, _>>().unwrap();
    assert_eq!(vias.len(), 3, "one Via field plus a folded two-value `v:` field");
    assert_eq!(vias[0].branch(), Some("390skdjuw"));
    assert_eq!(vias[2].branch(), Some("z9hG4bK30239"), "branch value after a fold");
    let to = m.to().unwrap();
    assert_eq!(to.uri.sip().unwrap().host, Host::Domain("chair-dnrc.example.com"));
    assert_eq!(to.tag(), Some("1918181833n"));
    assert_eq!(m.from().unwrap().tag(), Some("98asjd8"));
    // Unknown headers are kept byte-exact, folds included.
    let unknown = m.header_by_name("NewFangledHeader").next().unwrap();
    assert!(unknown.starts_with(b"newfangled value"));
    assert!(unknown.ends_with(b"continued newfangled value"));
    assert_eq!(m.body().len(), 150);
    accepted(corpus!("wsinv"), &UA);
}

#[test]
fn intmeth() {
    // §3.1.1.2: a wide range of valid characters; unknown method → 501 at a UA.
    let m = valid(corpus!("intmeth"));
    assert_eq!(m.method(), Some(Method::Extension("!interesting-Method0123456789_*+`.%indeed'~")));
    assert_eq!(answered(corpus!("intmeth"), &UA, 501), Problem::MethodNotImplemented);
    accepted(corpus!("intmeth"), &PROXY);
}

#[test]
fn esc01() {
    // §3.1.1.3: %-escapes are the encoded character where `escaped` is allowed.
    let m = valid(corpus!("esc01"));
    let ruri = m.request().unwrap().uri;
    let sip = ruri.sip().unwrap();
    assert_eq!(sip.user, Some(&b"sips%3Auser%40example.com"[..]));
    let decoded: Vec<u8> = sip_proto::message::uri::Unescaped::new(sip.user.unwrap()).collect();
    assert_eq!(decoded, b"sips:user@example.com");
    accepted(corpus!("esc01"), &UA);
}

#[test]
fn escnull() {
    // §3.1.1.4: %00 is a character, not a terminator: two distinct contacts.
    let m = valid(corpus!("escnull"));
    let contacts: Vec<_> = m.contacts().collect::<Result<_, _>>().unwrap();
    assert_eq!(contacts.len(), 2);
    let uri = |i: usize| contacts[i].uri().unwrap();
    assert!(!uri(0).equivalent(&uri(1)), "the %00 contacts differ after the NUL");
    accepted(corpus!("escnull"), &REGISTRAR);
}

#[test]
fn esc02() {
    // §3.1.1.5: % that is not an escape, in places that allow it; unknown
    // method → 501 at an endpoint.
    valid(corpus!("esc02"));
    assert_eq!(answered(corpus!("esc02"), &UA, 501), Problem::MethodNotImplemented);
}

#[test]
fn lwsdisp() {
    // §3.1.1.6: no LWS between display name and '<' is accepted.
    let m = valid(corpus!("lwsdisp"));
    let from = m.from().unwrap();
    assert!(from.display_name.is_some());
    assert_eq!(from.tag(), Some("323"));
}

#[test]
fn longreq() {
    // §3.1.1.7: long values everywhere.
    let m = valid(corpus!("longreq"));
    assert_eq!(m.to().unwrap().uri.sip().unwrap().port, Some(6000));
    assert!(m.from().unwrap().tag().unwrap().len() > 100);
    assert!(m.call_id().unwrap().len() > 100);
    assert_eq!(m.vias().count(), 34, "Via fields in every letter case and compact form");
    accepted(corpus!("longreq"), &UA);
}

#[test]
fn dblreq() {
    // §3.1.1.8: octets after Content-Length in a datagram are ignored.
    let bytes = corpus!("dblreq");
    let m = valid(bytes);
    assert_eq!(m.method(), Some(Method::Register));
    assert_eq!(m.content_length(), Some(0));
    assert!(m.body().is_empty());
    assert!(m.as_bytes().len() < bytes.len(), "trailing INVITE-like octets excluded");
}

#[test]
fn semiuri() {
    // §3.1.1.9: ';' in the user part.
    let m = valid(corpus!("semiuri"));
    let ruri = m.request().unwrap().uri;
    assert_eq!(ruri.sip().unwrap().user, Some(&b"user;par=u%40example.net"[..]));
    assert_eq!(ruri.sip().unwrap().host, Host::Domain("example.com"));
}

#[test]
fn transports() {
    // §3.1.1.10: unknown transports are tokens like any other.
    let m = valid(corpus!("transports"));
    let t: Vec<_> = m.vias().map(|v| v.unwrap().transport).collect();
    assert_eq!(t, ["UDP", "SCTP", "TLS", "UNKNOWN", "TCP"]);
}

#[test]
fn mpart01() {
    // §3.1.1.11: multipart body with binary octets (NUL, bare LF) preserved.
    let m = valid(corpus!("mpart01"));
    let mp = sip_proto::message::multipart::Multipart::of(&m).unwrap().unwrap();
    let parts: Vec<_> = mp.parts().collect();
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0].body(), b"Hello");
    assert!(parts[1].body().contains(&0u8), "binary part keeps its NUL octets");
}

#[test]
fn unreason() {
    // §3.1.1.12: UTF-8 and odd characters in the reason phrase.
    let m = valid(corpus!("unreason"));
    let r = m.response().unwrap();
    assert_eq!(r.status, StatusCode(200));
    assert!(r.reason_str().unwrap().ends_with("сто девяносто девять - простое"));
}

#[test]
fn noreason() {
    // §3.1.1.13: empty reason phrase (the SP after the code is present).
    let m = valid(corpus!("noreason"));
    assert_eq!(m.response().unwrap().reason, b"");
}

// ---- §3.1.2 invalid messages ----

#[test]
fn badinv01() {
    // §3.1.2.1: empty Via and Contact parameters and values.
    let e = rejected(corpus!("badinv01"), 400);
    assert_eq!(e.element, Element::Header(HeaderName::Via));
}

#[test]
fn clerr() {
    // §3.1.2.2: Content-Length larger than the datagram → 400.
    let e = rejected(corpus!("clerr"), 400);
    assert_eq!((e.element, e.kind), (Element::Body, ErrorKind::Incomplete));
}

#[test]
fn ncl() {
    // §3.1.2.3: negative Content-Length.
    let e = rejected(corpus!("ncl"), 400);
    assert_eq!(e.element, Element::Header(HeaderName::ContentLength));
}

#[test]
fn scalar02() {
    // §3.1.2.4: CSeq above 2**32-1 (and other overlarge scalars).
    let e = rejected(corpus!("scalar02"), 400);
    assert_eq!(e.kind, ErrorKind::OutOfRange);
}

#[test]
fn scalarlg() {
    // §3.1.2.5: a response with overlarge scalars is dropped, never answered.
    let e = Message::parse(corpus!("scalarlg")).unwrap_err();
    assert_eq!(e.kind, ErrorKind::OutOfRange);
}

#[test]
fn quotbal() {
    // §3.1.2.6: unterminated quoted display name.
    let e = rejected(corpus!("quotbal"), 400);
    assert!(matches!(e.element, Element::Header(HeaderName::To | HeaderName::From)), "{e:?}");
}

#[test]
fn ltgtruri() {
    // §3.1.2.7: <> around the Request-URI.
    assert_eq!(rejected(corpus!("ltgtruri"), 400).element, Element::RequestUri);
}

#[test]
fn lwsruri() {
    // §3.1.2.8: LWS inside the Request-URI (rejected, never forwarded).
    rejected(corpus!("lwsruri"), 400);
}

#[test]
fn lwsstart() {
    // §3.1.2.9: several SPs between request-line elements.
    rejected(corpus!("lwsstart"), 400);
}

#[test]
fn trws() {
    // §3.1.2.10: SP at the end of the request line.
    rejected(corpus!("trws"), 400);
}

#[test]
fn escruri() {
    // §3.1.2.11: escaped headers in the Request-URI.
    assert_eq!(rejected(corpus!("escruri"), 400).element, Element::RequestUri);
}

#[test]
fn baddate() {
    // §3.1.2.12: non-GMT Date. The parser need not care; decoding the Date
    // reports it, and a strict UA answers 400.
    let m = Message::parse(corpus!("baddate")).unwrap();
    let e = validate::decode_all(&m).unwrap_err();
    assert_eq!(e.element, Element::Header(HeaderName::Date));
    answered(corpus!("baddate"), &UA, 400);
    accepted(corpus!("baddate"), &PROXY);
}

#[test]
fn regbadct() {
    // §3.1.2.13: Contact URI with '?' not enclosed in <>.
    let m = Message::parse(corpus!("regbadct")).unwrap();
    let e = m.contacts().find_map(Result::err).unwrap();
    assert_eq!(e.element, Element::Header(HeaderName::Contact));
    answered(corpus!("regbadct"), &REGISTRAR, 400);
}

#[test]
fn badaspec() {
    // §3.1.2.14: spaces within an addr-spec.
    rejected(corpus!("badaspec"), 400);
}

#[test]
fn baddn() {
    // §3.1.2.15: non-token characters in an unquoted display name.
    let e = rejected(corpus!("baddn"), 400);
    assert!(matches!(e.element, Element::Header(HeaderName::From | HeaderName::To)), "{e:?}");
}

#[test]
fn badvers() {
    // §3.1.2.16: SIP/7.0 → 505.
    let e = rejected(corpus!("badvers"), 505);
    assert_eq!((e.element, e.kind), (Element::Version, ErrorKind::UnsupportedVersion));
}

#[test]
fn mismatch01() {
    // §3.1.2.17: CSeq method differs from the request method.
    assert_eq!(answered(corpus!("mismatch01"), &UA, 400), Problem::CSeqMethodMismatch);
    answered(corpus!("mismatch01"), &PROXY, 400);
}

#[test]
fn mismatch02() {
    // §3.1.2.18: unknown method and mismatched CSeq → 501 preferred.
    answered(corpus!("mismatch02"), &UA, 501);
}

#[test]
fn bigcode() {
    // §3.1.2.19: status code beyond 699: the response is dropped.
    let e = Message::parse(corpus!("bigcode")).unwrap_err();
    assert_eq!(e.element, Element::StatusCode);
}

// ---- §3.2 transaction layer ----

#[test]
fn badbranch() {
    // §3.2.1: branch is just the magic cookie; parses, the transaction
    // layer decides (RFC 2543 fallback or 400).
    let m = valid(corpus!("badbranch"));
    assert_eq!(m.top_via().unwrap().branch(), Some("z9hG4bK"));
}

// ---- §3.3 application layer ----

#[test]
fn insuf() {
    // §3.3.1: no Call-ID, From or To → 400.
    let p = answered(corpus!("insuf"), &UA, 400);
    assert!(matches!(p, Problem::MissingHeader(_)), "{p:?}");
}

#[test]
fn unkscm() {
    // §3.3.2: unknown Request-URI scheme → 416.
    let m = valid(corpus!("unkscm"));
    assert!(matches!(m.request().unwrap().uri, Uri::Other(_)));
    assert_eq!(answered(corpus!("unkscm"), &UA, 416), Problem::UnsupportedUriScheme);
}

#[test]
fn novelsc() {
    // §3.3.3: registered but atypical scheme (soap.beep) → 416.
    valid(corpus!("novelsc"));
    answered(corpus!("novelsc"), &UA, 416);
}

#[test]
fn unksm2() {
    // §3.3.4: unknown schemes in To/From/Contact: proxies forward, a
    // registrar answers 400 (the AOR must be SIP or SIPS).
    valid(corpus!("unksm2"));
    accepted(corpus!("unksm2"), &PROXY);
    answered(corpus!("unksm2"), &REGISTRAR, 400);
}

#[test]
fn bext01() {
    // §3.3.5: 420 with Unsupported listing what we do not understand.
    let m = Message::parse(corpus!("bext01")).unwrap();
    let r = validate::check_request(&m, &UA).unwrap_err();
    assert_eq!(r.status, StatusCode::BAD_EXTENSION);
    assert_eq!(&r.unsupported[..], ["nothingSupportsThis", "nothingSupportsThisEither"]);
    let r = validate::check_request(&m, &PROXY).unwrap_err();
    assert_eq!(r.status, StatusCode::BAD_EXTENSION);
    assert_eq!(&r.unsupported[..], ["noProxiesSupportThis", "norDoAnyProxiesSupportThis"]);
}

#[test]
fn invut() {
    // §3.3.6: unknown Content-Type: a proxy forwards, an endpoint 415s.
    valid(corpus!("invut"));
    assert_eq!(answered(corpus!("invut"), &UA, 415), Problem::UnsupportedMediaType);
    accepted(corpus!("invut"), &PROXY);
}

#[test]
fn regaut01() {
    // §3.3.7: unknown Authorization scheme: parses; proxy and registrar
    // carry on; a UA that is not a registrar answers 405.
    let m = valid(corpus!("regaut01"));
    assert!(m.header(HeaderName::Authorization).unwrap().starts_with(b"NoOneKnowsThisScheme"));
    accepted(corpus!("regaut01"), &PROXY);
    accepted(corpus!("regaut01"), &REGISTRAR);
    assert_eq!(answered(corpus!("regaut01"), &UA, 405), Problem::MethodNotAllowed);
}

#[test]
fn multi01() {
    // §3.3.8: several values in single-value headers → 400.
    let p = answered(corpus!("multi01"), &UA, 400);
    assert!(matches!(p, Problem::DuplicateHeader(_)), "{p:?}");
}

#[test]
fn mcl01() {
    // §3.3.9: two Content-Length values: framing is ambiguous, the
    // message cannot be used.
    let e = rejected(corpus!("mcl01"), 400);
    assert_eq!((e.element, e.kind), (Element::Header(HeaderName::ContentLength), ErrorKind::Duplicate));
}

#[test]
fn bcast() {
    // §3.3.10: a UA discards a response with more than one Via (RFC 3261
    // §18.1.2); a proxy must not forward it to a broadcast address.
    let m = valid(corpus!("bcast"));
    assert!(validate::check_response(&m, &UA).is_err());
    assert!(validate::check_response(&m, &PROXY).is_err());
}

#[test]
fn zeromf() {
    // §3.3.11: Max-Forwards 0: a proxy answers 483, an endpoint processes it.
    valid(corpus!("zeromf"));
    assert_eq!(answered(corpus!("zeromf"), &PROXY, 483), Problem::TooManyHops);
    accepted(corpus!("zeromf"), &UA);
}

#[test]
fn cparam01() {
    // §3.3.12: `unknownparam` is a contact-param, not a URI parameter.
    let m = valid(corpus!("cparam01"));
    let c = m.contacts().next().unwrap().unwrap();
    assert!(c.param("unknownparam").is_some());
    assert!(c.uri().unwrap().sip().unwrap().params.get("unknownparam").is_none());
    accepted(corpus!("cparam01"), &REGISTRAR);
}

#[test]
fn cparam02() {
    // §3.3.13: inside <>, `unknownparam` stays a URI parameter.
    let m = valid(corpus!("cparam02"));
    let c = m.contacts().next().unwrap().unwrap();
    assert!(c.param("unknownparam").is_none());
    assert!(c.uri().unwrap().sip().unwrap().params.get("unknownparam").is_some());
    accepted(corpus!("cparam02"), &REGISTRAR);
}

#[test]
fn regescrt() {
    // §3.3.14: an escaped Route header inside the Contact URI is kept.
    let m = valid(corpus!("regescrt"));
    let c = m.contacts().next().unwrap().unwrap();
    let h = c.uri().unwrap().sip().unwrap().headers.unwrap();
    assert!(h.starts_with(b"Route=%3Csip:sip.example.com%3E"));
    accepted(corpus!("regescrt"), &REGISTRAR);
}

#[test]
fn sdp01() {
    // §3.3.15: Accept excludes every type we could answer with → 406.
    valid(corpus!("sdp01"));
    assert_eq!(answered(corpus!("sdp01"), &UA, 406), Problem::NotAcceptable);
}

// ---- §3.4 backward compatibility ----

#[test]
fn inv2543() {
    // §3.4.1: RFC 2543 syntax: no branch cookie, no From tag, no
    // Content-Length, no Max-Forwards.
    let m = valid(corpus!("inv2543"));
    assert!(!m.top_via().unwrap().has_magic_cookie());
    assert_eq!(m.from().unwrap().tag(), None);
    assert_eq!(m.max_forwards(), None);
    accepted(corpus!("inv2543"), &UA);
}

// ---- unclassified ----

#[test]
fn test_dat() {
    // In the archive but not in the RFC. It is malformed: the request line
    // has no SIP-Version and one header line has no colon, so it is refused.
    let e = rejected(corpus!("test"), 400);
    assert_eq!(e.element, Element::StartLine);
}
