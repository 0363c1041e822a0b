//! A first end-to-end check of the Endpoint over the simulated network:
//! an OPTIONS and an INVITE with a 2xx between two endpoints.

mod common;

use std::time::Duration;

use common::World;
use sip_proto::Instant;
use sip_proto::endpoint::{Destination, Event};
use sip_proto::message::builder::{OwnedMessage, response_to};
use sip_proto::message::{Method, StatusCode};

fn options(to: &str) -> sip_proto::message::builder::RequestBuilder {
    OwnedMessage::request(Method::Options, &format!("sip:{to}"))
        .to(&format!("<sip:{to}>"))
        .from("<sip:alice@192.0.2.1>;tag=a1")
        .call_id("smoke-1@192.0.2.1")
        .cseq(1)
}

#[test]
fn rfc3261_17_non_invite_round_trip_over_udp() {
    let mut w = World::new(1);
    let a = w.add("192.0.2.1:5060", |c| c);
    let b = w.add("192.0.2.2:5060", |c| c);
    let dest = Destination::Datagram(w.addr(b));
    let tx = w.ep(a).send_request(Instant::ZERO, options("bob@192.0.2.2"), dest).unwrap();
    let mut got_200 = false;
    let events = w.run(Instant::ZERO + Duration::from_secs(60), |w, n, e| match e {
        Event::Request { transaction, request } if n == b => {
            let ok = response_to(request.message(), StatusCode::OK, Some("b1")).build().unwrap();
            w.respond(b, *transaction, ok).unwrap();
        }
        Event::Response { transaction, response } if n == a => {
            assert_eq!(*transaction, tx);
            assert_eq!(response.message().status(), Some(StatusCode::OK));
            got_200 = true;
        }
        _ => {}
    });
    assert!(got_200, "{events:?}");
    assert_eq!(w.ep(a).transaction_count(), 0);
    assert_eq!(w.ep(b).transaction_count(), 0);
    // One request, one response: nothing retransmitted on a perfect link.
    assert_eq!(w.nodes[a].sent.len(), 1);
    assert_eq!(w.nodes[b].sent.len(), 1);
}

#[test]
fn rfc6026_invite_2xx_over_tcp_terminates_both_sides() {
    let mut w = World::new(2);
    let a = w.add("192.0.2.1:5060", |c| c);
    let b = w.add("192.0.2.2:5060", |c| c);
    let conn = w.connect(a, b);
    let invite = OwnedMessage::request(Method::Invite, "sip:bob@192.0.2.2")
        .to("<sip:bob@192.0.2.2>")
        .from("<sip:alice@192.0.2.1>;tag=a1")
        .call_id("smoke-2@192.0.2.1")
        .cseq(1)
        .contact("<sip:alice@192.0.2.1;transport=tcp>");
    let tx = w.ep(a).send_request(Instant::ZERO, invite, Destination::Connection(conn)).unwrap();
    let mut statuses = Vec::new();
    w.run(Instant::ZERO + Duration::from_secs(120), |w, n, e| match e {
        Event::Request { transaction, request } if n == b => {
            let m = request.message();
            let ringing = response_to(m, StatusCode::RINGING, Some("b1")).build().unwrap();
            w.respond(b, *transaction, ringing).unwrap();
            let ok = response_to(m, StatusCode::OK, Some("b1"))
                .contact("<sip:bob@192.0.2.2;transport=tcp>")
                .build()
                .unwrap();
            w.respond(b, *transaction, ok).unwrap();
        }
        Event::Response { transaction, response } if n == a => {
            assert_eq!(*transaction, tx);
            statuses.push(response.message().status().unwrap().0);
        }
        _ => {}
    });
    assert_eq!(statuses, [180, 200]);
    assert_eq!(w.ep(a).transaction_count(), 0);
    assert_eq!(w.ep(b).transaction_count(), 0);
}

/// RFC 3261 §18.1.2: a response whose top Via sent-by is not the one this
/// endpoint inserts is discarded, even when the branch matches. The
/// sent-by 192.0.2.10 merely contains this endpoint's 192.0.2.1.
#[test]
fn rfc3261_18_1_2_response_with_foreign_sent_by_is_discarded() {
    use bytes::Bytes;
    use sip_proto::endpoint::{Endpoint, Output};
    let mut cfg = common::config("192.0.2.1:5060".parse().unwrap());
    cfg.via_port = None;
    let mut ep = Endpoint::new(cfg);
    let peer = "192.0.2.2:5060".parse().unwrap();
    let tx = ep.send_request(Instant::ZERO, options("bob@192.0.2.2"), Destination::Datagram(peer)).unwrap();
    let Some(Output::Transmit(t)) = ep.poll_output() else { panic!("the OPTIONS") };
    let req = sip_proto::message::Message::parse(&t.bytes).unwrap();
    let ok = response_to(&req, StatusCode::OK, Some("b1")).build().unwrap();
    let text = String::from_utf8(ok.as_bytes().to_vec()).unwrap();
    for foreign in ["192.0.2.10", "192.0.2.1.example.net", "203.0.113.9;received=192.0.2.1"] {
        let spoofed = text.replacen("SIP/2.0/UDP 192.0.2.1;", &format!("SIP/2.0/UDP {foreign};"), 1);
        assert_ne!(spoofed, text);
        ep.handle_datagram(Instant::ZERO, peer, Bytes::from(spoofed));
        assert!(ep.poll_output().is_none(), "a response with sent-by {foreign} was taken");
    }
    assert_eq!(ep.stats().stray_responses, 3);
    // The genuine response still matches.
    ep.handle_datagram(Instant::ZERO, peer, Bytes::from(text));
    assert!(
        matches!(ep.poll_output(), Some(Output::Event(Event::Response { transaction, .. })) if transaction == tx)
    );
}

/// RFC 3261 §18.1.2 compares the whole sent-by: with a port configured, a
/// response whose top Via names another port was not sent by us.
#[test]
fn rfc3261_18_1_2_response_with_foreign_sent_by_port_is_discarded() {
    use bytes::Bytes;
    use sip_proto::endpoint::{Endpoint, Output};
    let mut ep = Endpoint::new(common::config("192.0.2.1:5060".parse().unwrap()));
    let peer = "192.0.2.2:5060".parse().unwrap();
    ep.send_request(Instant::ZERO, options("bob@192.0.2.2"), Destination::Datagram(peer)).unwrap();
    let Some(Output::Transmit(t)) = ep.poll_output() else { panic!("the OPTIONS") };
    let req = sip_proto::message::Message::parse(&t.bytes).unwrap();
    let ok = response_to(&req, StatusCode::OK, Some("b1")).build().unwrap();
    let text = String::from_utf8(ok.as_bytes().to_vec()).unwrap();
    let spoofed = text.replacen("192.0.2.1:5060;", "192.0.2.1:5070;", 1);
    assert_ne!(spoofed, text);
    ep.handle_datagram(Instant::ZERO, peer, Bytes::from(spoofed));
    assert!(ep.poll_output().is_none());
    assert_eq!(ep.stats().stray_responses, 1);
}
