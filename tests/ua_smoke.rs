//! First UA-core checks: a basic call (RFC 3665 §3.1) over the simulated
//! network.

mod common;

use std::time::Duration;

use common::ua_world::UaWorld;
use sip_proto::Instant;
use sip_proto::endpoint::Destination;
use sip_proto::message::StatusCode;
use sip_proto::ua::{EndReason, UaEvent};

#[test]
fn rfc3665_3_1_successful_session_establishment_and_teardown() {
    let mut w = UaWorld::new(7);
    let alice = w.add("192.0.2.1:5060", "alice", |c| c);
    let bob = w.add("192.0.2.2:5060", "bob", |c| c);
    let inv = w.ua(alice).new_invite("sip:bob@192.0.2.2", "<sip:alice@192.0.2.1>", "<sip:bob@192.0.2.2>");
    let inv = inv.body("application/sdp", b"v=0\r\n".to_vec());
    let dest = Destination::Datagram(w.addr(bob));
    let call = w.ua(alice).invite(Instant::ZERO, inv, dest).unwrap();
    let mut ended = Vec::new();
    w.run(Instant::ZERO + Duration::from_secs(120), |w, n, e| {
        let now = w.now;
        match e {
            UaEvent::IncomingCall { session, .. } => {
                w.ua(n).ring(now, *session, StatusCode::RINGING, false, None).unwrap();
                w.ua(n).answer(now, *session, Some(("application/sdp", b"v=0\r\n".to_vec()))).unwrap();
            }
            UaEvent::Answered { session, .. } => {
                assert_eq!(*session, call);
                w.ua(n).hangup(now, *session).unwrap();
            }
            UaEvent::Ended { reason, .. } => ended.push((n, *reason)),
            _ => {}
        }
    });
    ended.sort_by_key(|e| e.0);
    assert_eq!(ended, [(alice, EndReason::LocalBye), (bob, EndReason::RemoteBye)]);
    assert_eq!(
        w.sent_lines(alice),
        [
            "INVITE sip:bob@192.0.2.2 SIP/2.0",
            "ACK sip:bob@192.0.2.2:5060 SIP/2.0",
            "BYE sip:bob@192.0.2.2:5060 SIP/2.0"
        ]
    );
    assert_eq!(w.sent_lines(bob), ["SIP/2.0 180 Ringing", "SIP/2.0 200 OK", "SIP/2.0 200 OK"]);
    assert_eq!(w.ua(alice).session_count() + w.ua(bob).session_count(), 0);
    assert_eq!(w.ua(alice).endpoint().transaction_count() + w.ua(bob).endpoint().transaction_count(), 0);
}

#[test]
fn rfc3261_22_2_invite_challenged_then_answered_with_credentials() {
    use sip_proto::auth::server::{DigestServer, Role, Secret, ServerConfig, Verification};
    let mut w = UaWorld::new(9);
    let alice = w.add("192.0.2.1:5060", "alice", |mut c| {
        c.credentials = Some(("alice".into(), "wonderland".into()));
        c
    });
    let bob = w.add("192.0.2.2:5060", "bob", |c| c);
    let mut digest = DigestServer::new(b"bob's key", ServerConfig::new("biloxi.example", Role::UserAgent));
    let inv = w.ua(alice).new_invite("sip:bob@192.0.2.2", "<sip:alice@192.0.2.1>", "<sip:bob@192.0.2.2>");
    let dest = Destination::Datagram(w.addr(bob));
    w.ua(alice).invite(Instant::ZERO, inv, dest).unwrap();
    let mut verdicts = Vec::new();
    let mut answered = 0;
    w.run(Instant::ZERO + Duration::from_secs(120), |w, n, e| {
        let now = w.now;
        match e {
            UaEvent::IncomingCall { session, request } => {
                let v = digest.verify(now, request.message(), |q| {
                    (q.username == "alice").then(|| Secret::Password("wonderland".into()))
                });
                let ok = matches!(v, Verification::Verified { .. });
                verdicts.push(ok);
                if ok {
                    w.ua(n).answer(now, *session, None).unwrap();
                } else {
                    let challenge = digest.challenge(now, request.message(), false, None).build().unwrap();
                    w.ua(n).reject_with(now, *session, challenge).unwrap();
                }
            }
            UaEvent::Answered { session, .. } => {
                answered += 1;
                w.ua(n).hangup(now, *session).unwrap();
            }
            _ => {}
        }
    });
    assert_eq!(verdicts, [false, true], "challenged once, then verified");
    assert_eq!(answered, 1);
    let lines = w.sent_lines(alice);
    assert_eq!(lines.iter().filter(|l| l.starts_with("INVITE")).count(), 2);
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("ACK")).count(),
        2,
        "the 401's (by the ICT) and the 200's"
    );
    assert_eq!(w.ua(alice).session_count() + w.ua(bob).session_count(), 0);
    assert_eq!(w.ua(alice).endpoint().transaction_count() + w.ua(bob).endpoint().transaction_count(), 0);
}

#[test]
fn rfc3261_22_4_wrong_password_is_not_retried_forever() {
    use sip_proto::auth::server::{DigestServer, Role, ServerConfig};
    let mut w = UaWorld::new(10);
    let alice = w.add("192.0.2.1:5060", "alice", |mut c| {
        c.credentials = Some(("alice".into(), "not-the-password".into()));
        c
    });
    let bob = w.add("192.0.2.2:5060", "bob", |c| c);
    let mut digest = DigestServer::new(b"bob's key", ServerConfig::new("biloxi.example", Role::UserAgent));
    let inv = w.ua(alice).new_invite("sip:bob@192.0.2.2", "<sip:alice@192.0.2.1>", "<sip:bob@192.0.2.2>");
    let dest = Destination::Datagram(w.addr(bob));
    w.ua(alice).invite(Instant::ZERO, inv, dest).unwrap();
    let mut ended = None;
    w.run(Instant::ZERO + Duration::from_secs(120), |w, n, e| {
        let now = w.now;
        match e {
            UaEvent::IncomingCall { session, request } => {
                let challenge = digest.challenge(now, request.message(), false, None).build().unwrap();
                w.ua(n).reject_with(now, *session, challenge).unwrap();
            }
            UaEvent::Ended { reason, .. } if n == alice => ended = Some(*reason),
            _ => {}
        }
    });
    assert_eq!(ended, Some(EndReason::Rejected(StatusCode::UNAUTHORIZED)));
    let invites = w.sent_lines(alice).iter().filter(|l| l.starts_with("INVITE")).count();
    assert_eq!(invites, 2, "the first, and one retry with credentials; no third");
}

/// An oversized message on a stream cannot be framed: the UA core passes
/// the endpoint's `ConnectionError` on, so that the adapter (which owns the
/// socket) knows to close the connection.
#[test]
fn unframeable_stream_data_surfaces_as_a_connection_error() {
    use sip_proto::transport::{ConnectionId, FramingError, Transport};
    use sip_proto::ua::{UaConfig, UserAgent};

    let mut ua = UserAgent::new(UaConfig::new("192.0.2.2", "<sip:bob@192.0.2.2;transport=tcp>", [3; 32]));
    let conn = ConnectionId(9);
    ua.handle_connection_opened(Instant::ZERO, conn, Transport::Tcp, "192.0.2.1:40000".parse().unwrap());
    let head = "INVITE sip:bob@192.0.2.2 SIP/2.0\r\nVia: SIP/2.0/TCP 192.0.2.1;branch=z9hG4bK1\r\n\
                Content-Length: 10000000\r\n\r\n";
    ua.handle_stream_data(Instant::ZERO, conn, head.as_bytes());
    let mut errors = Vec::new();
    while let Some(out) = ua.poll_output() {
        if let sip_proto::ua::UaOutput::Event(UaEvent::ConnectionError { connection, error }) = out {
            errors.push((connection, error));
        }
    }
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].0, conn);
    assert!(matches!(errors[0].1, FramingError::MessageTooLarge { .. }));
    // The adapter closes it; nothing is left behind.
    ua.handle_connection_closed(Instant::ZERO, conn);
    assert!(ua.poll_output().is_none());
    assert_eq!(ua.session_count(), 0);
}

/// A peer answering one INVITE with 2xx after 2xx, each with a new To tag,
/// must not grow the caller's session without bound: beyond
/// `UaConfig::max_forks` dialogs the extra answers are ignored (RFC 3261
/// §13.2.2.4 would ACK and BYE each; a hostile peer could send millions).
#[test]
fn rfc3261_13_2_2_4_forks_per_invite_are_bounded() {
    use sip_proto::message::Message;
    use sip_proto::message::builder::response_to;
    use sip_proto::ua::{UaConfig, UaOutput, UserAgent};

    let mut config = UaConfig::new("192.0.2.1", "<sip:alice@192.0.2.1>", [4; 32]);
    config.max_forks = 4;
    let mut ua = UserAgent::new(config);
    let bob: std::net::SocketAddr = "192.0.2.2:5060".parse().unwrap();
    let inv = ua.new_invite("sip:bob@192.0.2.2", "<sip:alice@192.0.2.1>", "<sip:bob@192.0.2.2>");
    ua.invite(Instant::ZERO, inv, Destination::Datagram(bob)).unwrap();
    let mut invite = None;
    while let Some(out) = ua.poll_output() {
        if let UaOutput::Transmit(t) = out {
            invite = Some(t.bytes);
        }
    }
    let invite = invite.expect("the INVITE went out");
    let invite = Message::parse(&invite).unwrap();
    let (mut acks, mut answered, mut forks) = (0, 0, 0);
    for i in 0..40 {
        let ok = response_to(&invite, StatusCode::OK, Some(&format!("fork{i}")))
            .contact("<sip:bob@192.0.2.2>")
            .build()
            .unwrap();
        ua.handle_datagram(Instant::ZERO, bob, bytes::Bytes::from(ok.into_bytes()));
        while let Some(out) = ua.poll_output() {
            match out {
                UaOutput::Transmit(t) if t.bytes.starts_with(b"ACK ") => acks += 1,
                UaOutput::Event(UaEvent::Answered { .. }) => answered += 1,
                UaOutput::Event(UaEvent::ForkAnswered { .. }) => forks += 1,
                _ => {}
            }
        }
    }
    assert_eq!(answered, 1);
    assert_eq!(forks, 3, "the other forks up to max_forks");
    assert_eq!(acks, 4, "only the dialogs kept are ACKed");
    assert_eq!(ua.session_count(), 1);
}
