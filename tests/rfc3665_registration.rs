//! RFC 3665 §2 registration flows with real digest on both sides: the
//! registration client (`sip_proto::registration`) answering with
//! `auth::client::DigestClient`, a registrar endpoint verifying with
//! `auth::server::DigestServer`, over the simulated network, perfect and
//! lossy.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::World;
use sip_proto::Instant;
use sip_proto::auth::client::DigestClient;
use sip_proto::auth::server::{DigestServer, Role, Secret, ServerConfig, Verification};
use sip_proto::endpoint::{Destination, Event, TransactionId};
use sip_proto::message::builder::response_to;
use sip_proto::message::{HeaderName, Message, Method, StatusCode};
use sip_proto::registration::{Registration, RegistrationConfig, RegistrationEvent, RegistrationState};
use sip_proto::sim::LinkConfig;

const BOB: &str = "192.0.2.4:5060";
const REGISTRAR: &str = "192.0.2.10:5060";

/// What happened, for the assertions.
#[derive(Default)]
struct Log {
    events: Vec<(Instant, RegistrationEvent)>,
    /// Registrar verdicts: true for Verified.
    verdicts: Vec<bool>,
    /// AOR bindings at the registrar.
    bindings: BTreeMap<String, u32>,
}

/// What the test wants after an event.
enum Next {
    Go,
    Stop,
    Unregister,
}

/// Runs Bob's registration against the registrar until `until`, starting
/// with `first` (register or unregister) at time zero and calling `also`
/// at each event so a test can add steps.
fn run(
    seed: u64,
    link: LinkConfig,
    password: &str,
    until: Duration,
    mut also: impl FnMut(Instant, &RegistrationEvent) -> Next,
) -> (Log, Registration, World) {
    let mut w = World::new(seed).with_link(link);
    let bob = w.add(BOB, |c| c);
    let reg = w.add(REGISTRAR, |c| c);
    let mut digest_server =
        DigestServer::new(b"registrar secret", ServerConfig::new("biloxi.example.com", Role::Registrar));
    let mut client = DigestClient::new("bob", password, [5; 32]);
    let mut config = RegistrationConfig::new(
        "sip:biloxi.example.com",
        "sip:bob@biloxi.example.com",
        "sip:bob@192.0.2.4:5060",
    );
    config.expires = 7200;
    let mut r = Registration::new(config, "843817637684230@998sdasdh09".into(), "a73kszlfl".into(), 1826);
    let dest = Destination::Datagram(w.addr(reg));
    let first = r.register(Instant::ZERO);
    let tx = w.ep(bob).send_request(Instant::ZERO, first, dest).unwrap();
    r.sent(tx);
    let mut log = Log::default();
    let mut current: Option<TransactionId> = Some(tx);
    let mut stop = false;
    let limit = Instant::ZERO + until;
    while !stop {
        let Some(events) = w.step() else { break };
        if w.now > limit {
            break;
        }
        let now = w.now;
        for (n, e) in events {
            if n == reg {
                let Event::Request { transaction, request } = e else { continue };
                let m = request.message();
                let v = digest_server
                    .verify(now, m, |q| (q.username == "bob").then(|| Secret::Password("zanzibar".into())));
                let verified = matches!(v, Verification::Verified { .. });
                log.verdicts.push(verified);
                let answer = if verified {
                    let c = m.contacts().next().and_then(|c| c.ok());
                    let exp =
                        c.as_ref().and_then(|c| c.expires()).and_then(Result::ok).unwrap_or(3600).min(3600);
                    let aor = String::from_utf8_lossy(m.to().unwrap().uri.as_bytes()).into_owned();
                    if exp == 0 {
                        log.bindings.remove(&aor);
                    } else {
                        log.bindings.insert(aor, exp);
                    }
                    let mut ok = response_to(m, StatusCode::OK, Some("reg1"));
                    if exp > 0 {
                        ok =
                            ok.header(HeaderName::Contact, format!("<sip:bob@192.0.2.4:5060>;expires={exp}"));
                    }
                    ok.build().unwrap()
                } else {
                    digest_server
                        .challenge(now, m, matches!(v, Verification::Stale), Some("reg1"))
                        .build()
                        .unwrap()
                };
                w.ep(reg).send_response(now, transaction, answer).unwrap();
                continue;
            }
            let ev = match &e {
                Event::Response { transaction, response } if Some(*transaction) == current => {
                    let ev = r.handle_response(now, response.message());
                    if let Some(RegistrationEvent::Challenged { .. }) = &ev {
                        let req = w.ep(bob).client_request(*transaction).cloned().unwrap();
                        let req = Message::parse(&req).unwrap();
                        match client.answer(&req, response.message(), None) {
                            Ok(creds) => {
                                for c in creds {
                                    r.set_authorization(c.header, c.value);
                                }
                            }
                            // §22.4: the same credentials refused again.
                            Err(_) => stop = true,
                        }
                    }
                    ev
                }
                Event::Timeout { transaction } | Event::TransportError { transaction }
                    if Some(*transaction) == current =>
                {
                    r.handle_transaction_failed(now, *transaction)
                }
                _ => None,
            };
            if let Some(ev) = ev {
                match also(now, &ev) {
                    Next::Go => {}
                    Next::Stop => stop = true,
                    Next::Unregister => {
                        // The next request under the same nonce: nc + 1
                        // (RFC 7616 §3.4; the registrar refuses a replay).
                        for c in client.preauthorize(Method::Register, "sip:biloxi.example.com", None) {
                            r.set_authorization(c.header, c.value);
                        }
                        let req = r.unregister(now);
                        let tx = w.ep(bob).send_request(now, req, dest).unwrap();
                        r.sent(tx);
                        current = Some(tx);
                    }
                }
                log.events.push((now, ev));
            }
        }
        if r.poll_timeout().is_some_and(|t| t <= w.now) {
            if let Some(ev) = r.handle_timeout(w.now) {
                log.events.push((w.now, ev));
            }
        }
        if let Some(req) = r.poll_request(w.now) {
            let now = w.now;
            let tx = w.ep(bob).send_request(now, req, dest).unwrap();
            r.sent(tx);
            current = Some(tx);
        }
    }
    (log, r, w)
}

fn kinds(log: &Log) -> Vec<&'static str> {
    log.events
        .iter()
        .map(|(_, e)| match e {
            RegistrationEvent::Registered { .. } => "Registered",
            RegistrationEvent::Unregistered => "Unregistered",
            RegistrationEvent::Challenged { .. } => "Challenged",
            RegistrationEvent::Failed { .. } => "Failed",
            _ => "other",
        })
        .collect()
}

#[test]
fn rfc3665_2_1_successful_new_registration() {
    // F1 REGISTER, F2 401, F3 REGISTER with credentials, F4 200.
    let (log, r, w) = run(1, LinkConfig::PERFECT, "zanzibar", Duration::from_secs(10), |_, e| {
        if matches!(e, RegistrationEvent::Registered { .. }) { Next::Stop } else { Next::Go }
    });
    assert_eq!(kinds(&log), ["Challenged", "Registered"]);
    assert_eq!(log.verdicts, [false, true]);
    assert_eq!(r.state(), RegistrationState::Registered);
    assert_eq!(
        log.bindings.get("sip:bob@biloxi.example.com"),
        Some(&3600),
        "7200 asked, the registrar's 3600 granted"
    );
    let sent: Vec<String> =
        w.nodes[0].sent.iter().map(|s| String::from_utf8_lossy(&s.2).into_owned()).collect();
    assert_eq!(sent.len(), 2);
    assert!(!sent[0].contains("Authorization"));
    assert!(
        sent[1].contains("Authorization: Digest") && sent[1].contains("algorithm=SHA-256"),
        "{}",
        sent[1]
    );
    assert!(sent[1].contains("CSeq: 1827 REGISTER"), "the CSeq is incremented");
}

#[test]
fn rfc3665_2_4_cancellation_of_registration() {
    // After registering, Bob removes his binding (expires=0); the
    // registrar challenges the removal too.
    let mut phase = 0;
    let (log, r, _w) =
        run(2, LinkConfig::PERFECT, "zanzibar", Duration::from_secs(30), |_, e| match (phase, e) {
            (0, RegistrationEvent::Registered { .. }) => {
                phase = 1;
                Next::Unregister
            }
            (1, RegistrationEvent::Unregistered) => Next::Stop,
            _ => Next::Go,
        });
    assert_eq!(kinds(&log), ["Challenged", "Registered", "Unregistered"], "the removal is pre-authorized");
    assert_eq!(log.verdicts, [false, true, true]);
    assert_eq!(r.state(), RegistrationState::Unregistered);
    assert!(log.bindings.is_empty(), "the binding is gone");
}

#[test]
fn rfc3665_2_5_unsuccessful_registration() {
    // F1 REGISTER, F2 401, F3 REGISTER with wrong credentials, F4 401:
    // the UA does not retry the same credentials (RFC 3261 §22.4).
    let (log, r, w) = run(3, LinkConfig::PERFECT, "wrong", Duration::from_secs(60), |_, _| Next::Go);
    assert_eq!(log.verdicts, [false, false]);
    assert_eq!(kinds(&log), ["Challenged", "Challenged"]);
    assert_ne!(r.state(), RegistrationState::Registered);
    assert_eq!(w.nodes[0].sent.len(), 2, "no third REGISTER");
}

#[test]
fn rfc3665_2_1_registration_with_digest_under_loss() {
    for seed in 10..22 {
        let (log, r, _w) = run(seed, LinkConfig::lossy(0.3), "zanzibar", Duration::from_secs(300), |_, e| {
            if matches!(e, RegistrationEvent::Registered { .. }) { Next::Stop } else { Next::Go }
        });
        assert_eq!(r.state(), RegistrationState::Registered, "seed {seed}: {:?}", kinds(&log));
        assert_eq!(log.verdicts.last(), Some(&true), "seed {seed}");
    }
}
