use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::time::Duration;

use super::*;
use crate::message::builder::{OwnedMessage, response_to};

const REGISTRAR: &str = "sip:registrar.biloxi.example.com";
const AOR: &str = "sip:bob@biloxi.example.com";
const CONTACT: &str = "sip:bob@192.0.2.4";
const CALL_ID: &str = "843817637684230@998sdasdh09";
const TAG: &str = "456248";
const INSTANCE: &str = "urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF";

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn t(s: u64) -> Instant {
    Instant::ZERO + secs(s)
}

fn reg_with(f: impl FnOnce(&mut RegistrationConfig)) -> Registration {
    let mut c = RegistrationConfig::new(REGISTRAR, AOR, CONTACT);
    f(&mut c);
    Registration::new(c, CALL_ID.to_string(), TAG.to_string(), 1826)
}

fn reg() -> Registration {
    reg_with(|_| {})
}

/// Serializes a REGISTER the way the endpoint would (a Via on top).
fn wire(b: RequestBuilder) -> OwnedMessage {
    b.header(HeaderName::Via, "SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bKnashds7").build().unwrap()
}

/// A response to `request` with `status`, contacts and extra fields.
fn answer(
    request: &OwnedMessage,
    status: StatusCode,
    contacts: &[&str],
    extra: &[(&str, &str)],
) -> OwnedMessage {
    let req = request.parse().unwrap();
    let mut b = response_to(&req, status, Some("2493k59kd"));
    for c in contacts {
        b = b.contact(c);
    }
    for (n, v) in extra {
        b = b.header(*n, *v);
    }
    b.build().unwrap()
}

fn feed(r: &mut Registration, now: Instant, response: &OwnedMessage) -> Option<RegistrationEvent> {
    r.handle_response(now, &response.parse().unwrap())
}

fn contact_of(m: &OwnedMessage) -> String {
    String::from_utf8(m.parse().unwrap().header(HeaderName::Contact).unwrap().to_vec()).unwrap()
}

fn cseq_of(m: &OwnedMessage) -> u32 {
    m.parse().unwrap().cseq().unwrap().seq
}

#[test]
fn rfc3261_10_2_first_register_headers() {
    let mut r = reg_with(|c| {
        c.instance = Some(INSTANCE.into());
        c.reg_id = Some(1);
    });
    assert_eq!(r.state(), RegistrationState::Unregistered);
    let m = wire(r.register(Instant::ZERO));
    let msg = m.parse().unwrap();
    let req = msg.request().unwrap();
    assert_eq!(req.method, Method::Register);
    assert_eq!(req.raw_uri, REGISTRAR.as_bytes());
    assert_eq!(msg.header(HeaderName::To), Some(&b"<sip:bob@biloxi.example.com>"[..]));
    assert_eq!(msg.header(HeaderName::From), Some(&b"<sip:bob@biloxi.example.com>;tag=456248"[..]));
    assert!(msg.to().unwrap().uri.equivalent(&msg.from().unwrap().uri));
    assert_eq!(msg.to().unwrap().tag(), None);
    assert_eq!(msg.call_id().unwrap(), CALL_ID);
    assert_eq!(msg.cseq().unwrap().seq, 1826);
    assert_eq!(msg.expires().unwrap(), Some(3600));
    let c = msg.contacts().next().unwrap().unwrap();
    assert_eq!(c.expires(), Some(Ok(3600)));
    assert_eq!(c.instance(), Some(&b"<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>"[..]));
    assert_eq!(c.reg_id(), Some(1));
    assert_eq!(msg.contacts().count(), 1);
    // RFC 5626 §4.2.1: outbound and path supported.
    assert!(msg.option_tag_present(HeaderName::Supported, "outbound").unwrap());
    assert!(msg.option_tag_present(HeaderName::Supported, "path").unwrap());
    assert_eq!(msg.header(HeaderName::MaxForwards), Some(&b"70"[..]));
    assert_eq!(r.state(), RegistrationState::Registering);
    // Nothing more while it is outstanding (§10.2).
    assert_eq!(r.poll_timeout(), None);
    assert!(r.poll_request(t(10_000)).is_none());
}

#[test]
fn rfc3261_10_2_without_outbound_no_instance_nor_supported() {
    let mut r = reg();
    let msg = wire(r.register(Instant::ZERO));
    let msg = msg.parse().unwrap();
    assert_eq!(msg.header(HeaderName::Contact), Some(&b"<sip:bob@192.0.2.4>;expires=3600"[..]));
    assert_eq!(msg.header(HeaderName::Supported), None);
}

#[test]
fn rfc3261_10_2_4_refresh_honours_per_contact_expires() {
    let mut r = reg();
    let m = wire(r.register(t(0)));
    // The registrar grants less than asked; the Expires header says
    // otherwise, and the Contact parameter wins.
    let ok = answer(&m, StatusCode::OK, &["<sip:bob@192.0.2.4>;expires=900"], &[("Expires", "3600")]);
    assert_eq!(feed(&mut r, t(1), &ok), Some(RegistrationEvent::Registered { expires: 900 }));
    assert_eq!(r.state(), RegistrationState::Registered);
    assert_eq!(r.granted(), Some(900));
    // Counted from when the REGISTER was built.
    assert_eq!(r.expires_at(), Some(t(900)));
    // 900 < 1200: at half the interval.
    assert_eq!(r.poll_timeout(), Some(t(450)));
    assert_eq!(r.refresh_at(), Some(t(450)));
    assert!(r.poll_request(t(449)).is_none());
    assert_eq!(r.handle_timeout(t(450)), None);
    let refresh = wire(r.poll_request(t(450)).unwrap());
    assert_eq!(r.state(), RegistrationState::Refreshing);
    // The refresh asks for the configured interval again.
    assert_eq!(contact_of(&refresh), "<sip:bob@192.0.2.4>;expires=3600");
}

#[test]
fn rfc3261_10_2_4_refresh_margin_for_long_intervals() {
    let mut r = reg();
    let m = wire(r.register(t(0)));
    let ok = answer(&m, StatusCode::OK, &["<sip:bob@192.0.2.4>;expires=3600"], &[]);
    feed(&mut r, t(0), &ok);
    // 3600 ≥ 1200: ten minutes before expiry.
    assert_eq!(r.poll_timeout(), Some(t(3000)));
    let mut r = reg_with(|c| {
        c.refresh_percent = 80;
        c.refresh_margin = secs(30);
    });
    let m = wire(r.register(t(0)));
    feed(&mut r, t(0), &answer(&m, StatusCode::OK, &["<sip:bob@192.0.2.4>;expires=100"], &[]));
    assert_eq!(r.poll_timeout(), Some(t(80)));
}

#[test]
fn rfc3261_10_2_4_granted_from_expires_header_else_requested() {
    let mut r = reg();
    let m = wire(r.register(t(0)));
    let ok = answer(&m, StatusCode::OK, &["<sip:bob@192.0.2.4>"], &[("Expires", "120")]);
    assert_eq!(feed(&mut r, t(0), &ok), Some(RegistrationEvent::Registered { expires: 120 }));
    let m = wire(r.poll_request(t(60)).unwrap());
    let ok = answer(&m, StatusCode::OK, &["<sip:bob@192.0.2.4>"], &[]);
    assert_eq!(feed(&mut r, t(60), &ok), Some(RegistrationEvent::Registered { expires: 3600 }));
    assert_eq!(r.expires_at(), Some(t(3660)));
}

#[test]
fn rfc3261_10_2_4_call_id_constant_cseq_incremented() {
    let mut r = reg();
    let mut now = t(0);
    let mut seen = Vec::new();
    for _ in 0..4 {
        let b = if seen.is_empty() { r.register(now) } else { r.poll_request(now).unwrap() };
        let m = wire(b);
        let msg = m.parse().unwrap();
        seen.push((
            msg.call_id().unwrap().to_string(),
            msg.cseq().unwrap().seq,
            msg.from().unwrap().tag().unwrap().to_string(),
        ));
        let ok = answer(&m, StatusCode::OK, &["<sip:bob@192.0.2.4>;expires=60"], &[]);
        assert_eq!(feed(&mut r, now, &ok), Some(RegistrationEvent::Registered { expires: 60 }));
        now = r.poll_timeout().unwrap();
        assert_eq!(r.handle_timeout(now), None);
    }
    for (i, (call_id, cseq, tag)) in seen.iter().enumerate() {
        assert_eq!(call_id, CALL_ID);
        assert_eq!(tag, TAG);
        assert_eq!(*cseq, 1826 + i as u32);
    }
}

#[test]
fn rfc3261_10_2_4_only_our_contact_counts() {
    let mut r = reg();
    let m = wire(r.register(t(0)));
    let ok = answer(
        &m,
        StatusCode::OK,
        &[
            "<sip:bob@198.51.100.7>;expires=30",
            "\"Bob\" <sip:bob@192.0.2.4>;expires=1200;q=0.5",
            "<sip:bob@192.0.2.4:5070>;expires=10",
        ],
        &[("Expires", "7200")],
    );
    assert_eq!(feed(&mut r, t(0), &ok), Some(RegistrationEvent::Registered { expires: 1200 }));
    assert_eq!(r.poll_timeout(), Some(t(600)));
}

#[test]
fn rfc3261_19_1_4_contact_compared_as_uri() {
    // Host case and parameter order do not matter; a port does.
    let mut r = reg_with(|c| c.contact = "sip:bob@pc.Biloxi.example.com;transport=udp;ob".into());
    let m = wire(r.register(t(0)));
    let ok = answer(
        &m,
        StatusCode::OK,
        &[
            "<sip:bob@PC.biloxi.EXAMPLE.com:5060;transport=udp;ob>;expires=5",
            "<sip:bob@pc.biloxi.example.com;ob;transport=UDP>;expires=77",
        ],
        &[],
    );
    assert_eq!(feed(&mut r, t(0), &ok), Some(RegistrationEvent::Registered { expires: 77 }));
}

#[test]
fn rfc5626_4_2_contact_matched_by_instance_and_reg_id() {
    let mut r = reg_with(|c| {
        c.instance = Some(format!("<{INSTANCE}>"));
        c.reg_id = Some(2);
    });
    let m = wire(r.register(t(0)));
    // The registrar (or a NAT-aware edge) rewrote the URI: the instance
    // identifies the binding; reg-id 1 is another flow of ours.
    let inst = "+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-aabbccddeeff>\"";
    let ok = answer(
        &m,
        StatusCode::OK,
        &[
            "<sip:bob@192.0.2.4>;expires=300",
            "<sip:bob@192.0.2.4>;expires=400;+sip.instance=\"<urn:uuid:someone-else>\"",
            &format!("<sip:bob@203.0.113.9:40000>;expires=100;{inst};reg-id=1"),
            &format!("<sip:bob@203.0.113.9:40002>;expires=200;{inst};reg-id=2"),
        ],
        &[("Require", "outbound")],
    );
    assert_eq!(feed(&mut r, t(0), &ok), Some(RegistrationEvent::Registered { expires: 200 }));
    assert!(r.outbound());
    // A registrar that drops the instance: the URI identifies the binding.
    let m = wire(r.register(t(1)));
    let ok = answer(&m, StatusCode::OK, &["<sip:bob@192.0.2.4>;expires=300"], &[]);
    assert_eq!(feed(&mut r, t(1), &ok), Some(RegistrationEvent::Registered { expires: 300 }));
    assert!(!r.outbound());
    let m = wire(r.register(t(2)));
    let ok =
        answer(&m, StatusCode::OK, &["<sip:bob@192.0.2.4>;expires=200;+sip.instance=\"<urn:uuid:x>\""], &[]);
    assert!(matches!(
        feed(&mut r, t(2), &ok),
        Some(RegistrationEvent::Failed { status: Some(StatusCode::OK), .. })
    ));
    // The refresh carries the same instance and reg-id (§4.2.2).
    let refresh = wire(r.poll_request(t(100)).unwrap());
    let msg = refresh.parse().unwrap();
    let c = msg.contacts().next().unwrap().unwrap();
    assert_eq!(c.instance(), Some(format!("<{INSTANCE}>").as_bytes()));
    assert_eq!(c.expires(), Some(Ok(3600)));
    assert_eq!(c.reg_id(), Some(2));
}

#[test]
fn rfc3261_10_2_4_2xx_without_our_contact_is_a_failure() {
    let mut r = reg();
    let m = wire(r.register(t(0)));
    let ok = answer(&m, StatusCode::OK, &["<sip:carol@192.0.2.5>;expires=3600"], &[]);
    let e = feed(&mut r, t(1), &ok);
    assert_eq!(e, Some(RegistrationEvent::Failed { status: Some(StatusCode::OK), retry_at: Some(t(31)) }));
    assert_eq!(r.state(), RegistrationState::Retrying);
    assert_eq!(r.granted(), None);
    // Ours with expires=0: not bound either.
    let m = wire(r.poll_request(t(31)).unwrap());
    let ok = answer(&m, StatusCode::OK, &["<sip:bob@192.0.2.4>;expires=0"], &[]);
    let e = feed(&mut r, t(31), &ok);
    assert_eq!(e, Some(RegistrationEvent::Failed { status: Some(StatusCode::OK), retry_at: Some(t(91)) }));
}

#[test]
fn rfc3261_10_2_8_423_retried_with_min_expires() {
    let mut r = reg_with(|c| c.expires = 60);
    let m = wire(r.register(t(0)));
    let too_brief = answer(&m, StatusCode::INTERVAL_TOO_BRIEF, &[], &[("Min-Expires", "1800")]);
    assert_eq!(
        feed(&mut r, t(1), &too_brief),
        Some(RegistrationEvent::IntervalTooBrief { min_expires: 1800 })
    );
    assert_eq!(r.state(), RegistrationState::Registering);
    assert_eq!(r.poll_timeout(), Some(t(1)));
    let retry = wire(r.poll_request(t(1)).unwrap());
    assert_eq!(cseq_of(&retry), 1827);
    assert_eq!(contact_of(&retry), "<sip:bob@192.0.2.4>;expires=1800");
    assert_eq!(retry.parse().unwrap().expires().unwrap(), Some(1800));
    let ok = answer(&retry, StatusCode::OK, &["<sip:bob@192.0.2.4>;expires=1800"], &[]);
    assert_eq!(feed(&mut r, t(2), &ok), Some(RegistrationEvent::Registered { expires: 1800 }));
    // Never below it afterwards.
    let refresh = wire(r.poll_request(t(1201)).unwrap());
    assert_eq!(contact_of(&refresh), "<sip:bob@192.0.2.4>;expires=1800");
    assert_eq!(r.requested_expires(), 1800);
}

#[test]
fn rfc3261_10_2_8_423_on_a_refresh_keeps_the_binding() {
    let mut r = reg_with(|c| c.expires = 300);
    let m = wire(r.register(t(0)));
    feed(&mut r, t(0), &answer(&m, StatusCode::OK, &["<sip:bob@192.0.2.4>;expires=300"], &[]));
    // The registrar raised its floor in between.
    let refresh = wire(r.poll_request(t(150)).unwrap());
    let e = feed(
        &mut r,
        t(150),
        &answer(&refresh, StatusCode::INTERVAL_TOO_BRIEF, &[], &[("Min-Expires", "900")]),
    );
    assert_eq!(e, Some(RegistrationEvent::IntervalTooBrief { min_expires: 900 }));
    assert_eq!(r.state(), RegistrationState::Refreshing);
    assert_eq!(r.expires_at(), Some(t(300)));
    let again = wire(r.poll_request(t(150)).unwrap());
    assert_eq!(contact_of(&again), "<sip:bob@192.0.2.4>;expires=900");
    let e = feed(&mut r, t(151), &answer(&again, StatusCode::OK, &["<sip:bob@192.0.2.4>;expires=900"], &[]));
    assert_eq!(e, Some(RegistrationEvent::Registered { expires: 900 }));
    assert_eq!(r.expires_at(), Some(t(1050)));
}

#[test]
fn rfc3261_10_2_8_423_without_usable_min_expires_fails() {
    let mut r = reg_with(|c| c.expires = 600);
    let m = wire(r.register(t(0)));
    let bad = answer(&m, StatusCode::INTERVAL_TOO_BRIEF, &[], &[("Min-Expires", "600")]);
    assert_eq!(
        feed(&mut r, t(0), &bad),
        Some(RegistrationEvent::Failed { status: Some(StatusCode::INTERVAL_TOO_BRIEF), retry_at: None })
    );
    assert_eq!(r.state(), RegistrationState::Failed);
    assert!(r.poll_request(t(100_000)).is_none());
}

#[test]
fn rfc3261_10_2_2_unregister_sends_expires_zero() {
    let mut r = reg_with(|c| {
        c.instance = Some(INSTANCE.into());
        c.reg_id = Some(1);
    });
    let m = wire(r.register(t(0)));
    feed(&mut r, t(0), &answer(&m, StatusCode::OK, &["<sip:bob@192.0.2.4>;expires=3600"], &[]));
    let bye = wire(r.unregister(t(10)));
    assert_eq!(r.state(), RegistrationState::Unregistering);
    let msg = bye.parse().unwrap();
    assert_eq!(msg.cseq().unwrap().seq, 1827);
    assert_eq!(msg.call_id().unwrap(), CALL_ID);
    assert_eq!(msg.expires().unwrap(), Some(0));
    let c = msg.contacts().next().unwrap().unwrap();
    assert_eq!(c.expires(), Some(Ok(0)));
    assert!(c.instance().is_some());
    assert_eq!(c.reg_id(), Some(1));
    // The registrar lists the remaining bindings (none of ours).
    let ok = answer(&bye, StatusCode::OK, &["<sip:bob@198.51.100.7>;expires=30"], &[]);
    assert_eq!(feed(&mut r, t(11), &ok), Some(RegistrationEvent::Unregistered));
    assert_eq!(r.state(), RegistrationState::Unregistered);
    assert_eq!((r.expires_at(), r.granted(), r.poll_timeout()), (None, None, None));
    assert!(r.poll_request(t(100_000)).is_none());
}

#[test]
fn rfc3261_10_2_answer_to_a_superseded_register_is_ignored() {
    let mut r = reg();
    let first = wire(r.register(t(0)));
    let second = wire(r.unregister(t(1)));
    let ok = answer(&first, StatusCode::OK, &["<sip:bob@192.0.2.4>;expires=3600"], &[]);
    assert_eq!(feed(&mut r, t(2), &ok), None);
    assert_eq!(r.state(), RegistrationState::Unregistering);
    // Provisionals and other dialogs' responses change nothing either.
    let trying = answer(&second, StatusCode::TRYING, &[], &[]);
    assert_eq!(feed(&mut r, t(2), &trying), None);
    let other = String::from_utf8(answer(&second, StatusCode::OK, &[], &[]).into_bytes()).unwrap();
    let other = other.replace(CALL_ID, "someone-else");
    assert_eq!(r.handle_response(t(2), &Message::parse(other.as_bytes()).unwrap()), None);
    assert_eq!(
        feed(&mut r, t(3), &answer(&second, StatusCode::OK, &[], &[])),
        Some(RegistrationEvent::Unregistered)
    );
}

#[test]
fn rfc3261_22_2_401_challenged_then_resent_with_authorization() {
    let mut r = reg();
    let m = wire(r.register(t(0)));
    let challenge = answer(
        &m,
        StatusCode::UNAUTHORIZED,
        &[],
        &[(
            "WWW-Authenticate",
            "Digest realm=\"biloxi.example.com\", nonce=\"ea9c8e88df84f1cec4341ae6cbe5a359\"",
        )],
    );
    assert_eq!(
        feed(&mut r, t(0), &challenge),
        Some(RegistrationEvent::Challenged { status: StatusCode::UNAUTHORIZED })
    );
    assert_eq!(r.state(), RegistrationState::Challenged);
    assert_eq!(r.poll_timeout(), None);
    assert!(r.poll_request(t(1)).is_none());
    let cred = "Digest username=\"bob\", realm=\"biloxi.example.com\", nonce=\"ea9c8e88df84f1cec4341ae6cbe5a359\", uri=\"sip:registrar.biloxi.example.com\", response=\"dfe56131d1958046689d83306477ecc\"";
    r.set_authorization(HeaderName::Authorization, cred.into());
    let again = wire(r.poll_request(t(1)).unwrap());
    let msg = again.parse().unwrap();
    assert_eq!(msg.cseq().unwrap().seq, 1827);
    assert_eq!(msg.header(HeaderName::Authorization), Some(cred.as_bytes()));
    assert_eq!(msg.header_all(HeaderName::Authorization).count(), 1);
    let ok = answer(&again, StatusCode::OK, &["<sip:bob@192.0.2.4>;expires=3600"], &[]);
    assert_eq!(feed(&mut r, t(1), &ok), Some(RegistrationEvent::Registered { expires: 3600 }));
    // The credentials stay for refreshes; a new value replaces the old.
    r.set_authorization(HeaderName::Authorization, "Digest username=\"bob\", nc=2".into());
    r.set_authorization(HeaderName::ProxyAuthorization, "Digest username=\"bob\", realm=\"p\"".into());
    let refresh = wire(r.poll_request(t(3001)).unwrap());
    let msg = refresh.parse().unwrap();
    assert_eq!(msg.header(HeaderName::Authorization), Some(&b"Digest username=\"bob\", nc=2"[..]));
    assert_eq!(msg.header_all(HeaderName::Authorization).count(), 1);
    assert!(msg.header(HeaderName::ProxyAuthorization).is_some());
}

#[test]
fn rfc3261_8_1_3_1_timeout_retried_with_doubling_backoff() {
    let mut r = reg_with(|c| {
        c.min_retry = secs(10);
        c.max_retry = secs(50);
    });
    let _ = r.register(t(0));
    r.sent(TransactionId::for_tests(100));
    // Another transaction's failure is not ours.
    assert_eq!(r.handle_transaction_failed(t(32), TransactionId::for_tests(8)), None);
    let mut now = t(32);
    let mut waits = Vec::new();
    for i in 0..5u64 {
        let e = r.handle_transaction_failed(now, TransactionId::for_tests(100 + i)).unwrap();
        let RegistrationEvent::Failed { status: None, retry_at: Some(at) } = e else { panic!("{e:?}") };
        assert_eq!(r.state(), RegistrationState::Retrying);
        assert_eq!(r.poll_timeout(), Some(at));
        assert!(r.poll_request(Instant::from_nanos(at.as_nanos() - 1)).is_none());
        waits.push((at - now).as_secs());
        let _ = r.poll_request(at).unwrap();
        r.sent(TransactionId::for_tests(100 + i + 1));
        now = at + secs(32);
    }
    assert_eq!(waits, [10, 20, 40, 50, 50]);
    // A success resets the backoff.
    let m = wire(r.register(now));
    feed(&mut r, now, &answer(&m, StatusCode::OK, &["<sip:bob@192.0.2.4>"], &[]));
    let _ = r.poll_request(now + secs(3000)).unwrap();
    let e = r.send_failed(now + secs(3000));
    assert_eq!(e, Some(RegistrationEvent::Failed { status: None, retry_at: Some(now + secs(3010)) }));
    // Still bound meanwhile; the binding lapses at its expiry.
    assert_eq!(r.state(), RegistrationState::Retrying);
    assert_eq!(r.granted(), Some(3600));
}

#[test]
fn rfc3261_20_33_503_retry_after_is_honoured() {
    let mut r = reg();
    let m = wire(r.register(t(0)));
    let busy = answer(&m, StatusCode::SERVICE_UNAVAILABLE, &[], &[("Retry-After", "120")]);
    assert_eq!(
        feed(&mut r, t(1), &busy),
        Some(RegistrationEvent::Failed {
            status: Some(StatusCode::SERVICE_UNAVAILABLE),
            retry_at: Some(t(121))
        })
    );
    let m = wire(r.poll_request(t(121)).unwrap());
    // Without Retry-After: the backoff (second failure, 60 s).
    let busy = answer(&m, StatusCode::SERVER_TIMEOUT, &[], &[]);
    assert_eq!(
        feed(&mut r, t(122), &busy),
        Some(RegistrationEvent::Failed { status: Some(StatusCode::SERVER_TIMEOUT), retry_at: Some(t(182)) })
    );
    // A permanent failure is not retried.
    let m = wire(r.poll_request(t(182)).unwrap());
    let e = feed(&mut r, t(183), &answer(&m, StatusCode::FORBIDDEN, &[], &[]));
    assert_eq!(e, Some(RegistrationEvent::Failed { status: Some(StatusCode::FORBIDDEN), retry_at: None }));
    assert_eq!(r.state(), RegistrationState::Failed);
    assert_eq!(r.poll_timeout(), None);
    // register() starts again.
    let _ = r.register(t(200));
    assert_eq!(r.state(), RegistrationState::Registering);
}

#[test]
fn rfc3261_10_2_4_binding_expires_without_refresh() {
    let mut r = reg_with(|c| c.max_retry = secs(30));
    let m = wire(r.register(t(0)));
    feed(&mut r, t(0), &answer(&m, StatusCode::OK, &["<sip:bob@192.0.2.4>;expires=100"], &[]));
    let _ = r.poll_request(t(50)).unwrap();
    assert_eq!(r.poll_timeout(), Some(t(100)));
    assert_eq!(
        r.send_failed(t(82)),
        Some(RegistrationEvent::Failed { status: None, retry_at: Some(t(112)) })
    );
    assert_eq!(r.poll_timeout(), Some(t(100)));
    assert_eq!(r.handle_timeout(t(100)), Some(RegistrationEvent::Expired));
    assert_eq!((r.granted(), r.expires_at()), (None, None));
    assert_eq!(r.state(), RegistrationState::Retrying);
    assert_eq!(r.poll_timeout(), Some(t(112)));
    assert_eq!(r.handle_timeout(t(112)), None);
    assert!(r.poll_request(t(112)).is_some());
    assert_eq!(r.state(), RegistrationState::Registering);
}

#[test]
fn rfc3261_10_2_2_failed_unregister_is_not_retried() {
    let mut r = reg();
    let _ = r.unregister(t(0));
    r.sent(TransactionId::for_tests(3));
    assert_eq!(
        r.handle_transaction_failed(t(32), TransactionId::for_tests(3)),
        Some(RegistrationEvent::Failed { status: None, retry_at: None })
    );
    assert_eq!(r.state(), RegistrationState::Failed);
    assert_eq!(r.poll_timeout(), None);
}

#[test]
fn rfc3261_22_3_challenged_unregister_repeats_the_removal() {
    let mut r = reg();
    let m = wire(r.unregister(t(0)));
    let e = feed(&mut r, t(0), &answer(&m, StatusCode::PROXY_AUTHENTICATION_REQUIRED, &[], &[]));
    assert_eq!(e, Some(RegistrationEvent::Challenged { status: StatusCode::PROXY_AUTHENTICATION_REQUIRED }));
    r.set_authorization(HeaderName::ProxyAuthorization, "Digest username=\"bob\"".into());
    let again = wire(r.poll_request(t(0)).unwrap());
    assert_eq!(contact_of(&again), "<sip:bob@192.0.2.4>;expires=0");
    assert_eq!(r.state(), RegistrationState::Unregistering);
}
