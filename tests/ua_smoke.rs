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
