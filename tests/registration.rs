//! The registration client (RFC 3261 §10.2) against a minimal registrar
//! played by the test, over the simulated network.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::World;
use sip_proto::Instant;
use sip_proto::endpoint::{Destination, Event};
use sip_proto::message::builder::{OwnedMessage, response_to};
use sip_proto::message::{HeaderName, Message, StatusCode};
use sip_proto::registration::{Registration, RegistrationConfig, RegistrationEvent, RegistrationState};
use sip_proto::sim::LinkConfig;

const UA: &str = "192.0.2.4:5060";
const REGISTRAR: &str = "192.0.2.10:5060";
const CONTACT: &str = "sip:bob@192.0.2.4:5060";

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn at(s: u64) -> Instant {
    Instant::ZERO + secs(s)
}

/// A registrar (§10.3) reduced to what the tests need: one AOR, bindings
/// by Contact URI text, a floor (423), a ceiling on the interval granted,
/// other UAs' bindings listed in every 2xx, an optional challenge, and a
/// number of requests it ignores.
#[derive(Default)]
struct Registrar {
    min_expires: Option<u32>,
    max_expires: Option<u32>,
    others: Vec<String>,
    challenge: bool,
    ignore: usize,
    /// Every REGISTER received by the TU (retransmissions are absorbed by
    /// the transaction layer), with its time.
    log: Vec<(Instant, Vec<u8>)>,
    /// Contact URI → expiry.
    bindings: BTreeMap<String, Instant>,
}

impl Registrar {
    fn answer(&mut self, now: Instant, req: &Message<'_>) -> Option<OwnedMessage> {
        self.log.push((now, req.as_bytes().to_vec()));
        if self.ignore > 0 {
            self.ignore -= 1;
            return None;
        }
        if self.challenge && req.header(HeaderName::Authorization).is_none() {
            let r = response_to(req, StatusCode::UNAUTHORIZED, Some("reg1"))
                .header("WWW-Authenticate", "Digest realm=\"biloxi.example.com\", nonce=\"ea9c8e88\"")
                .build()
                .unwrap();
            return Some(r);
        }
        let c = req.contacts().next().unwrap().unwrap();
        let uri = c.uri().unwrap().to_string();
        let asked = match c.expires() {
            Some(v) => v.unwrap(),
            None => req.expires().unwrap().unwrap_or(3600),
        };
        if let Some(min) = self.min_expires {
            if asked != 0 && asked < min {
                let r = response_to(req, StatusCode::INTERVAL_TOO_BRIEF, Some("reg1"))
                    .header(HeaderName::MinExpires, min.to_string())
                    .build()
                    .unwrap();
                return Some(r);
            }
        }
        let granted = self.max_expires.map_or(asked, |m| asked.min(m));
        if granted == 0 {
            self.bindings.remove(&uri);
        } else {
            self.bindings.insert(uri, now + secs(u64::from(granted)));
        }
        self.bindings.retain(|_, exp| *exp > now);
        let mut b = response_to(req, StatusCode::OK, Some("reg1"));
        for o in &self.others {
            b = b.contact(o);
        }
        for (uri, exp) in &self.bindings {
            b = b.contact(&format!("<{uri}>;expires={}", (*exp - now).as_secs()));
        }
        Some(b.build().unwrap())
    }

    fn requests(&self) -> Vec<(Instant, OwnedMessageView)> {
        self.log.iter().map(|(t, b)| (*t, OwnedMessageView::new(b))).collect()
    }
}

/// The fields of a logged REGISTER the tests look at.
#[derive(Debug)]
struct OwnedMessageView {
    call_id: String,
    cseq: u32,
    from_tag: String,
    contact: String,
    authorization: Option<String>,
}

impl OwnedMessageView {
    fn new(bytes: &[u8]) -> Self {
        let m = Message::parse(bytes).unwrap();
        let text = |n| m.header(n).map(|v| String::from_utf8(v.to_vec()).unwrap());
        OwnedMessageView {
            call_id: m.call_id().unwrap().to_string(),
            cseq: m.cseq().unwrap().seq,
            from_tag: m.from().unwrap().tag().unwrap().to_string(),
            contact: text(HeaderName::Contact).unwrap(),
            authorization: text(HeaderName::Authorization),
        }
    }
}

struct Scenario {
    w: World,
    ua: usize,
    registrar_node: usize,
    reg: Registration,
    registrar: Registrar,
    events: Vec<(Instant, RegistrationEvent)>,
}

impl Scenario {
    fn new(seed: u64, link: LinkConfig, config: impl FnOnce(&mut RegistrationConfig)) -> Self {
        let mut w = World::new(seed).with_link(link);
        let ua = w.add(UA, |c| c);
        let registrar_node = w.add(REGISTRAR, |c| c);
        let mut c = RegistrationConfig::new(
            "sip:registrar.biloxi.example.com",
            "sip:bob@biloxi.example.com",
            CONTACT,
        );
        config(&mut c);
        let call_id = w.ep(ua).new_call_id();
        let tag = w.ep(ua).new_tag();
        let reg = Registration::new(c, call_id, tag, 1);
        Scenario { w, ua, registrar_node, reg, registrar: Registrar::default(), events: Vec::new() }
    }

    fn send(&mut self, request: sip_proto::message::builder::RequestBuilder) {
        let dest = Destination::Datagram(self.w.addr(self.registrar_node));
        let now = self.w.now;
        match self.w.ep(self.ua).send_request(now, request, dest) {
            Ok(tx) => self.reg.sent(tx),
            Err(e) => panic!("send_request: {e:?}"),
        }
    }

    fn record(&mut self, e: Option<RegistrationEvent>) {
        if let Some(e) = e {
            self.events.push((self.w.now, e));
        }
    }

    fn handle(&mut self, n: usize, e: Event) {
        let now = self.w.now;
        if n == self.ua {
            let e = self.reg.handle_event(now, &e);
            self.record(e);
        } else if let Event::Request { transaction, request } = e {
            if let Some(resp) = self.registrar.answer(now, request.message()) {
                self.w.respond(self.registrar_node, transaction, resp).unwrap();
            }
        }
    }

    /// Runs until virtual time would pass `limit`, calling `tu` after every
    /// registration event (it may command the registration).
    fn run_with(&mut self, limit: Instant, mut tu: impl FnMut(&mut Scenario, RegistrationEvent)) {
        loop {
            loop {
                let seen = self.events.len();
                let mut progressed = false;
                if let Some(b) = self.reg.poll_request(self.w.now) {
                    self.send(b);
                    progressed = true;
                }
                for (n, e) in self.w.pump() {
                    progressed = true;
                    self.handle(n, e);
                }
                for i in seen..self.events.len() {
                    let e = self.events[i].1;
                    tu(self, e);
                }
                if !progressed {
                    break;
                }
            }
            let next_w = self.w.next_time();
            let next_r = self.reg.poll_timeout();
            let next = match (next_w, next_r) {
                (Some(a), Some(b)) => a.min(b),
                (a, b) => match a.or(b) {
                    Some(t) => t,
                    None => break,
                },
            };
            if next > limit {
                break;
            }
            if next_r.is_some_and(|r| next_w.is_none_or(|w| r <= w)) {
                self.w.now = self.w.now.max(next);
                let e = self.reg.handle_timeout(self.w.now);
                let seen = self.events.len();
                self.record(e);
                if let Some(&(_, e)) = self.events.get(seen) {
                    tu(self, e);
                }
                continue;
            }
            let seen = self.events.len();
            for (n, e) in self.w.step().unwrap_or_default() {
                self.handle(n, e);
            }
            for i in seen..self.events.len() {
                let e = self.events[i].1;
                tu(self, e);
            }
        }
        self.w.now = self.w.now.max(limit);
    }

    fn run(&mut self, limit: Instant) {
        self.run_with(limit, |_, _| {});
    }

    fn start(&mut self) {
        let b = self.reg.register(self.w.now);
        self.send(b);
    }

    fn event_kinds(&self) -> Vec<RegistrationEvent> {
        self.events.iter().map(|(_, e)| *e).collect()
    }
}

#[test]
fn rfc3261_10_2_first_register_over_udp() {
    let mut s = Scenario::new(1, LinkConfig::PERFECT, |c| {
        c.instance = Some("urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF".into());
        c.reg_id = Some(1);
    });
    s.start();
    s.run(at(10));
    assert_eq!(s.event_kinds(), [RegistrationEvent::Registered { expires: 3600 }]);
    assert_eq!(s.reg.state(), RegistrationState::Registered);
    let (_, bytes) = &s.registrar.log[0];
    let m = Message::parse(bytes).unwrap();
    assert_eq!(m.request().unwrap().raw_uri, b"sip:registrar.biloxi.example.com");
    assert_eq!(m.header(HeaderName::To), Some(&b"<sip:bob@biloxi.example.com>"[..]));
    assert!(m.from().unwrap().uri.equivalent(&m.to().unwrap().uri));
    assert_eq!(m.from().unwrap().tag(), Some(s.reg.from_tag()));
    assert_eq!(m.call_id().unwrap(), s.reg.call_id());
    assert_eq!(m.cseq().unwrap().seq, 1);
    assert_eq!(m.expires().unwrap(), Some(3600));
    let c = m.contacts().next().unwrap().unwrap();
    assert_eq!(c.uri().unwrap().to_string(), CONTACT);
    assert_eq!(c.expires(), Some(Ok(3600)));
    assert_eq!(c.instance(), Some(&b"<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>"[..]));
    assert_eq!(c.reg_id(), Some(1));
    // The endpoint added the Via.
    assert_eq!(m.top_via().unwrap().branch().map(|b| b.starts_with("z9hG4bK")), Some(true));
}

#[test]
fn rfc3261_10_2_4_refresh_before_the_granted_expiry() {
    let mut s = Scenario::new(2, LinkConfig::PERFECT, |_| {});
    s.registrar.max_expires = Some(600);
    s.start();
    s.run(at(2000));
    // Granted 600 (less than the 3600 asked): refreshed every 300 s.
    let times: Vec<u64> = s.registrar.log.iter().map(|(t, _)| t.as_millis() / 1000).collect();
    assert_eq!(times, [0, 300, 600, 900, 1200, 1500, 1800]);
    assert!(s.event_kinds().iter().all(|e| *e == RegistrationEvent::Registered { expires: 600 }));
    assert_eq!(s.events.len(), 7);
    // Each refresh still asks for 3600; the binding never lapsed.
    for (_, r) in s.registrar.requests() {
        assert!(r.contact.ends_with(";expires=3600"), "{}", r.contact);
    }
    assert!(s.registrar.bindings.values().all(|exp| *exp > at(2000)));
    assert_eq!(s.reg.granted(), Some(600));
}

#[test]
fn rfc3261_10_2_4_call_id_constant_cseq_incremented() {
    let mut s = Scenario::new(3, LinkConfig::PERFECT, |_| {});
    s.registrar.max_expires = Some(120);
    s.start();
    s.run(at(600));
    let reqs = s.registrar.requests();
    assert!(reqs.len() >= 9, "{}", reqs.len());
    for (i, (_, r)) in reqs.iter().enumerate() {
        assert_eq!(r.call_id, s.reg.call_id());
        assert_eq!(r.from_tag, s.reg.from_tag());
        assert_eq!(r.cseq, 1 + i as u32);
    }
}

#[test]
fn rfc3261_10_2_8_423_retried_with_min_expires() {
    let mut s = Scenario::new(4, LinkConfig::PERFECT, |c| c.expires = 60);
    s.registrar.min_expires = Some(1800);
    s.start();
    s.run(at(5000));
    let kinds = s.event_kinds();
    assert_eq!(
        &kinds[..2],
        [
            RegistrationEvent::IntervalTooBrief { min_expires: 1800 },
            RegistrationEvent::Registered { expires: 1800 }
        ]
    );
    let reqs = s.registrar.requests();
    assert!(reqs[0].1.contact.ends_with(";expires=60"));
    // Sent at once, one CSeq later, and never below the floor afterwards.
    assert_eq!(reqs[1].0, reqs[0].0 + Duration::from_millis(2));
    assert_eq!(reqs[1].1.cseq, reqs[0].1.cseq + 1);
    for (_, r) in &reqs[1..] {
        assert!(r.contact.ends_with(";expires=1800"), "{}", r.contact);
    }
    // Refreshed at 900 s, 1800 s...: no 423 again.
    assert_eq!(kinds.iter().filter(|e| matches!(e, RegistrationEvent::IntervalTooBrief { .. })).count(), 1);
}

#[test]
fn rfc3261_10_2_2_unregister_removes_the_binding() {
    let mut s = Scenario::new(5, LinkConfig::PERFECT, |_| {});
    s.start();
    s.run(at(100));
    assert_eq!(s.registrar.bindings.len(), 1);
    let b = s.reg.unregister(s.w.now);
    s.send(b);
    s.run(at(10_000));
    assert_eq!(
        s.event_kinds(),
        [RegistrationEvent::Registered { expires: 3600 }, RegistrationEvent::Unregistered]
    );
    assert!(s.registrar.bindings.is_empty());
    assert_eq!(s.reg.state(), RegistrationState::Unregistered);
    let reqs = s.registrar.requests();
    assert_eq!(reqs.len(), 2, "no refresh after the removal");
    assert_eq!(reqs[1].1.contact, "<sip:bob@192.0.2.4:5060>;expires=0");
    assert_eq!(reqs[1].1.cseq, 2);
}

#[test]
fn rfc3261_22_2_401_challenged_then_resent_with_authorization() {
    let mut s = Scenario::new(6, LinkConfig::PERFECT, |_| {});
    s.registrar.challenge = true;
    s.start();
    s.run_with(at(100), |s, e| {
        if let RegistrationEvent::Challenged { status } = e {
            assert_eq!(status, StatusCode::UNAUTHORIZED);
            // What the auth module would compute from the challenge.
            s.reg.set_authorization(
                HeaderName::Authorization,
                "Digest username=\"bob\", realm=\"biloxi.example.com\", nonce=\"ea9c8e88\", \
                 uri=\"sip:registrar.biloxi.example.com\", response=\"dfe56131d1958046689d83306477ecc\""
                    .into(),
            );
        }
    });
    assert_eq!(
        s.event_kinds(),
        [
            RegistrationEvent::Challenged { status: StatusCode::UNAUTHORIZED },
            RegistrationEvent::Registered { expires: 3600 }
        ]
    );
    let reqs = s.registrar.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].1.authorization, None);
    assert!(reqs[1].1.authorization.as_deref().unwrap().starts_with("Digest username=\"bob\""));
    assert_eq!(reqs[1].1.cseq, reqs[0].1.cseq + 1);
    assert_eq!(reqs[1].1.call_id, reqs[0].1.call_id);
}

#[test]
fn rfc3261_8_1_3_1_timeout_retried_with_backoff() {
    let mut s = Scenario::new(7, LinkConfig::PERFECT, |c| {
        c.min_retry = secs(10);
        c.max_retry = secs(30);
    });
    // The registrar ignores the first four REGISTERs: each transaction
    // times out after 64·T1 = 32 s (Timer F).
    s.registrar.ignore = 4;
    s.start();
    s.run(at(1000));
    let times: Vec<u64> = s.registrar.log.iter().map(|(t, _)| t.as_millis()).collect();
    // Sent at 0; failed at 32 s → retry 10 s later; 20 s; 30 s (capped); 30 s.
    let mut expected = vec![1u64];
    let mut t = 0u64;
    for wait in [10, 20, 30, 30] {
        t += 32_000 + wait * 1000;
        expected.push(t + 1);
    }
    assert_eq!(times, expected);
    let kinds = s.event_kinds();
    assert_eq!(kinds.len(), 5);
    assert!(
        kinds[..4].iter().all(|e| matches!(e, RegistrationEvent::Failed { status: None, retry_at: Some(_) }))
    );
    assert_eq!(kinds[4], RegistrationEvent::Registered { expires: 3600 });
    let cseqs: Vec<u32> = s.registrar.requests().iter().map(|(_, r)| r.cseq).collect();
    assert_eq!(cseqs, [1, 2, 3, 4, 5]);
}

#[test]
fn rfc3261_10_2_4_200_listing_three_contacts_only_ours_counts() {
    let mut s = Scenario::new(8, LinkConfig::PERFECT, |_| {});
    s.registrar.max_expires = Some(1200);
    s.registrar.others =
        vec!["<sip:bob@198.51.100.7>;expires=30".into(), "<sip:bob@192.0.2.4:5070>;expires=45".into()];
    s.start();
    s.run(at(10));
    assert_eq!(s.event_kinds(), [RegistrationEvent::Registered { expires: 1200 }]);
    let (_, _, ok) = s.w.nodes[s.registrar_node].sent.last().unwrap().clone();
    let ok = Message::parse(&ok).unwrap();
    assert_eq!(ok.contacts().count(), 3);
    assert_eq!(s.reg.refresh_at(), Some(at(600)));
    assert_eq!(s.reg.expires_at(), Some(at(1200)));
}

#[test]
fn rfc3261_10_2_4_registration_kept_over_a_lossy_link() {
    // 30 % loss, 40-70 ms one way: the transactions retransmit, and now
    // and then one times out and is retried; the binding never lapses.
    let link =
        LinkConfig::lossy(0.3).with_latency(Duration::from_millis(40)).with_jitter(Duration::from_millis(30));
    let hours = 6;
    let mut retried = 0;
    for seed in 0..10 {
        let mut s = Scenario::new(seed, link, |c| c.min_retry = secs(20));
        s.registrar.max_expires = Some(600);
        s.start();
        s.run(at(hours * 3600));
        let kinds = s.event_kinds();
        assert!(!kinds.contains(&RegistrationEvent::Expired), "seed {seed}: {kinds:?}");
        let registered =
            kinds.iter().filter(|e| **e == RegistrationEvent::Registered { expires: 600 }).count();
        assert!(registered as u64 >= hours * 3600 / 300 - 2, "seed {seed}: {registered}");
        retried += kinds.iter().filter(|e| matches!(e, RegistrationEvent::Failed { .. })).count();
        // The binding at the registrar never lapsed: every REGISTER it
        // received came less than 600 s after the previous one.
        let times: Vec<Instant> = s.registrar.log.iter().map(|(t, _)| *t).collect();
        for pair in times.windows(2) {
            assert!(pair[1] - pair[0] < secs(600), "seed {seed}: {} → {}", pair[0], pair[1]);
        }
        // Loss made the UA retransmit.
        let sent = s.w.nodes[s.ua].sent.len();
        assert!(sent > times.len(), "seed {seed}: {sent} vs {}", times.len());
        assert!(matches!(s.reg.state(), RegistrationState::Registered | RegistrationState::Refreshing));
    }
    eprintln!("transactions that failed and were retried: {retried}");
}

#[test]
fn rfc3261_10_2_4_partition_lets_the_binding_expire_then_recovers() {
    let mut s = Scenario::new(10, LinkConfig::PERFECT, |c| {
        c.min_retry = secs(10);
        c.max_retry = secs(60);
    });
    s.registrar.max_expires = Some(300);
    s.start();
    s.run(at(100));
    let (ua_ip, reg_ip) = (s.w.addr(s.ua).ip(), s.w.addr(s.registrar_node).ip());
    s.w.net.partition(ua_ip, reg_ip);
    s.run(at(1000));
    s.w.net.heal(ua_ip, reg_ip);
    s.run(at(1300));
    let kinds = s.event_kinds();
    let expired = kinds.iter().position(|e| *e == RegistrationEvent::Expired).expect("the binding lapsed");
    assert!(kinds[..expired].iter().any(|e| matches!(e, RegistrationEvent::Failed { status: None, .. })));
    let (t_exp, _) = s.events[expired];
    assert_eq!(t_exp, at(300));
    assert!(kinds[expired..].contains(&RegistrationEvent::Registered { expires: 300 }));
    assert!(matches!(s.reg.state(), RegistrationState::Registered | RegistrationState::Refreshing));
}
