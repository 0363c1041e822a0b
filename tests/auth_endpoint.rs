//! Digest authentication through the Endpoint over the simulated network:
//! a REGISTER challenged by a registrar, re-sent with credentials in a new
//! transaction (RFC 3261 §10.2, §22.2, §8.1.3.5).

mod common;

use std::time::Duration;

use common::World;
use sip_proto::Instant;
use sip_proto::auth::client::DigestClient;
use sip_proto::auth::server::{DigestServer, Role, Secret, ServerConfig, UserQuery, Verification};
use sip_proto::endpoint::{Destination, Event};
use sip_proto::message::builder::{OwnedMessage, RequestBuilder, response_to};
use sip_proto::message::{HeaderName, Method, StatusCode};

fn register() -> RequestBuilder {
    OwnedMessage::request(Method::Register, "sip:192.0.2.2")
        .to("<sip:alice@192.0.2.2>")
        .from("<sip:alice@192.0.2.2>;tag=a1")
        .call_id("reg-1@192.0.2.1")
        .cseq(1)
        .contact("<sip:alice@192.0.2.1>")
        .header("Expires", "3600")
}

fn lookup(q: &UserQuery<'_>) -> Option<Secret<'static>> {
    (q.username == "alice").then(|| Secret::Password("wonderland".into()))
}

#[test]
fn rfc3261_22_2_register_challenged_then_accepted_through_the_endpoint() {
    let mut w = World::new(7);
    let a = w.add("192.0.2.1:5060", |c| c);
    let b = w.add("192.0.2.2:5060", |c| c);
    let dest = Destination::Datagram(w.addr(b));
    let mut registrar = DigestServer::new(&[9; 32], ServerConfig::new("192.0.2.2", Role::Registrar));
    let mut ua = DigestClient::new("alice", "wonderland", [5; 32]);

    let mut sent = register();
    let first = w.ep(a).send_request(Instant::ZERO, sent.clone(), dest).unwrap();
    let mut log = Vec::new();
    w.run(Instant::ZERO + Duration::from_secs(60), |w, n, e| match e {
        Event::Request { transaction, request } if n == b => {
            let m = request.message();
            let resp = match registrar.verify(w.now, m, lookup) {
                Verification::Verified { username, .. } => {
                    log.push(format!("verified {username} cseq {}", m.cseq().unwrap().seq));
                    response_to(m, StatusCode::OK, Some("r1")).build().unwrap()
                }
                v => {
                    log.push(format!("{v:?}"));
                    registrar.challenge(w.now, m, v == Verification::Stale, Some("r1")).build().unwrap()
                }
            };
            w.respond(b, *transaction, resp).unwrap();
        }
        Event::Response { transaction, response } if n == a => {
            let m = response.message();
            let status = m.status().unwrap().0;
            log.push(format!("{status}"));
            if status == 401 {
                assert_eq!(*transaction, first);
                let retry = ua.authorize_builder(&sent, m).unwrap();
                sent = retry.clone();
                let now = w.now;
                let second = w.ep(a).send_request(now, retry, dest).unwrap();
                assert_ne!(second, first);
            }
        }
        _ => {}
    });
    assert_eq!(log, ["Missing", "401", "verified alice cseq 2", "200"]);
    // The two REGISTERs went in two transactions with distinct branches,
    // the second with one Authorization.
    let registers: Vec<_> = w.nodes[a]
        .sent
        .iter()
        .map(|(_, _, bytes)| {
            sip_proto::message::Message::parse(bytes)
                .unwrap()
                .top_via()
                .unwrap()
                .branch()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(registers.len(), 2);
    assert_ne!(registers[0], registers[1]);
    let last = &w.nodes[a].sent[1].2;
    let m = sip_proto::message::Message::parse(last).unwrap();
    assert_eq!(m.header_all(HeaderName::Authorization).count(), 1);
    assert_eq!(m.header_all(HeaderName::Via).count(), 1);
    assert_eq!(m.header(HeaderName::Expires), Some(&b"3600"[..]));
}
