//! RFC 5118 IPv6 torture messages: one test per message, named after its
//! file (see tests/corpus/rfc5118/README.md).
//!
//! Three messages with SDP bodies (`ipv6-in-sdp`, `mult-ip-in-sdp`,
//! `ipv4-mapped-ipv6`) carry a Content-Length that does not match their
//! body, a defect in the RFC's archive. Their header and URI parsing is what
//! RFC 5118 tests, so those tests first set Content-Length to the real body
//! length; a separate assertion shows the unmodified bytes are caught by
//! the datagram framing rules (RFC 3261 §18.3) rather than silently cut.

use sip_proto::message::validate::{self, Policy};
use sip_proto::message::{Element, ErrorKind, Host, Message, Uri};

macro_rules! corpus {
    ($name:literal) => {
        include_bytes!(concat!("corpus/rfc5118/", $name, ".dat"))
    };
}

fn valid(bytes: &[u8]) -> Message<'_> {
    let m = Message::parse(bytes).unwrap_or_else(|e| panic!("valid message rejected: {e:?}"));
    if let Err(e) = validate::decode_all(&m) {
        panic!("valid message has an undecodable header: {e:?}");
    }
    if m.is_request() {
        if let Err(r) = validate::check_request(&m, &Policy::proxy()) {
            panic!("proxy check rejected a valid message: {} {:?}", r.status, r.problem);
        }
    }
    m
}

/// Rewrites Content-Length to the actual body length (see module docs).
fn with_true_content_length(bytes: &[u8]) -> Vec<u8> {
    let text = bytes.to_vec();
    let head_end = text.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let body_len = text.len() - head_end;
    let head = String::from_utf8(text[..head_end].to_vec()).unwrap();
    let fixed: Vec<String> =
        head.split("\r\n")
            .map(|l| {
                if l.starts_with("Content-Length:") {
                    format!("Content-Length: {body_len}")
                } else {
                    l.into()
                }
            })
            .collect();
    let mut out = fixed.join("\r\n").into_bytes();
    out.extend_from_slice(&text[head_end..]);
    out
}

fn ipv6(s: &str) -> [u16; 8] {
    let a: std::net::Ipv6Addr = s.parse().unwrap();
    a.segments()
}

fn host_v6(h: &Host<'_>) -> [u16; 8] {
    match h {
        Host::Ipv6 { addr, .. } => *addr,
        other => panic!("expected IPv6, got {other:?}"),
    }
}

#[test]
fn ipv6_good() {
    // §4.1: IPv6 references in the Request-URI, Via and Contact.
    let m = valid(corpus!("ipv6-good"));
    let ruri = m.request().unwrap().uri;
    assert_eq!(host_v6(&ruri.sip().unwrap().host), ipv6("2001:db8::10"));
    assert_eq!(host_v6(&m.top_via().unwrap().host), ipv6("2001:db8::9:1"));
    let c = m.contacts().next().unwrap().unwrap();
    assert_eq!(host_v6(&c.uri().unwrap().sip().unwrap().host), ipv6("2001:db8::1"));
}

#[test]
fn ipv6_bad() {
    // §4.2: an IPv6 address in a SIP URI without brackets → 400.
    let e = Message::parse(corpus!("ipv6-bad")).unwrap_err();
    assert_eq!(e.element, Element::RequestUri);
    assert_eq!(e.status().as_u16(), 400);
}

#[test]
fn port_ambiguous() {
    // §4.3: `[2001:db8::10:5070]` is an address with no port.
    let m = valid(corpus!("port-ambiguous"));
    let sip = *m.request().unwrap().uri.sip().unwrap();
    assert_eq!(host_v6(&sip.host), ipv6("2001:db8::10:5070"));
    assert_eq!(sip.port, None);
}

#[test]
fn port_unambiguous() {
    // §4.4: `[2001:db8::10]:5070` has port 5070.
    let m = valid(corpus!("port-unambiguous"));
    let sip = *m.request().unwrap().uri.sip().unwrap();
    assert_eq!(host_v6(&sip.host), ipv6("2001:db8::10"));
    assert_eq!(sip.port, Some(5070));
}

#[test]
fn via_received_param_with_delim() {
    // §4.5: `received=[...]` is not strictly valid but must be accepted.
    let m = valid(corpus!("via-received-param-with-delim"));
    let via = m.top_via().unwrap();
    assert_eq!(host_v6(&via.received().unwrap()), ipv6("2001:db8::9:255"));
}

#[test]
fn via_received_param_no_delim() {
    // §4.5: `received=2001:db8::9:255` without brackets is the valid form.
    let m = valid(corpus!("via-received-param-no-delim"));
    let via = m.top_via().unwrap();
    assert_eq!(host_v6(&via.received().unwrap()), ipv6("2001:db8::9:255"));
    assert_eq!(via.branch(), Some("z9hG4bKas3"));
}

#[test]
fn ipv6_in_sdp() {
    // §4.6: IPv6 in the SDP body (no brackets there).
    let raw = corpus!("ipv6-in-sdp");
    let e = Message::parse(raw).unwrap_err();
    assert_eq!((e.element, e.kind), (Element::Body, ErrorKind::Incomplete), "declared length exceeds body");
    let fixed = with_true_content_length(raw);
    let m = valid(&fixed);
    assert!(m.body().windows(21).any(|w| w == b"c=IN IP6 2001:db8::20"));
    assert!(matches!(m.request().unwrap().uri, Uri::Sip(_)));
}

#[test]
fn mult_ip_in_header() {
    // §4.7: a mix of IPv4 and IPv6 Via values.
    let m = valid(corpus!("mult-ip-in-header"));
    let vias: Vec<_> = m.vias().collect::<Result<_, _>>().unwrap();
    assert_eq!(vias.len(), 3);
    assert_eq!(host_v6(&vias[0].host), ipv6("2001:db8::9:1"));
    assert_eq!(vias[0].port, Some(6050));
    assert_eq!(vias[1].host, Host::Ipv4([192, 0, 2, 1]));
    assert_eq!(vias[2].received(), Some(Host::Ipv4([192, 0, 2, 200])));
}

#[test]
fn mult_ip_in_sdp() {
    // §4.8: several IP addresses in the SDP.
    let raw = corpus!("mult-ip-in-sdp");
    // The declared length is 8 bytes short: datagram rules cut the body there.
    assert!(
        Message::parse(raw).unwrap().body().len() < raw.len() - Message::parse(raw).unwrap().head().len()
    );
    let fixed = with_true_content_length(raw);
    let m = valid(&fixed);
    assert!(m.body().ends_with(b"\r\n"));
}

#[test]
fn ipv4_mapped_ipv6() {
    // §4.9: IPv4-mapped IPv6 addresses.
    let fixed = with_true_content_length(corpus!("ipv4-mapped-ipv6"));
    let m = valid(&fixed);
    let vias: Vec<_> = m.vias().collect::<Result<_, _>>().unwrap();
    assert_eq!(host_v6(&vias[0].host), ipv6("::ffff:192.0.2.10"));
    assert_eq!(vias[0].port, Some(19823));
}

#[test]
fn ipv6_bug_abnf_3_colons() {
    // §4.10: `[2001:db8:::192.0.2.1]` follows from a bug in the RFC 3261
    // ABNF; implementations must tolerate it. It means the same address as
    // the two-colon form.
    let m = valid(corpus!("ipv6-bug-abnf-3-colons"));
    let sip = *m.request().unwrap().uri.sip().unwrap();
    assert_eq!(host_v6(&sip.host), ipv6("2001:db8::192.0.2.1"));
}

#[test]
fn ipv6_correct_abnf_2_colons() {
    // §4.10: the correct form.
    let m = valid(corpus!("ipv6-correct-abnf-2-colons"));
    let sip = *m.request().unwrap().uri.sip().unwrap();
    assert_eq!(host_v6(&sip.host), ipv6("2001:db8::192.0.2.1"));
    let to = m.to().unwrap();
    assert!(to.uri.equivalent(&m.request().unwrap().uri));
}
