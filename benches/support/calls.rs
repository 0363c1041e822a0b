//! The two user agents of the call benchmarks and the exchange between
//! them (shared by `calls` and `call_memory`).

use std::net::SocketAddr;

use sip_proto::Instant;
use sip_proto::endpoint::Destination;
use sip_proto::message::StatusCode;
use sip_proto::ua::{UaConfig, UaEvent, UaOutput, UserAgent};

pub const A: &str = "192.0.2.1:5060";
pub const B: &str = "192.0.2.2:5060";

// The two addresses as values: parsing them from text on every exchange
// cost about 1,000 instructions per call that no user agent spends.
fn addr_a() -> SocketAddr {
    SocketAddr::from(([192, 0, 2, 1], 5060))
}

fn addr_b() -> SocketAddr {
    SocketAddr::from(([192, 0, 2, 2], 5060))
}

pub fn pair() -> (UserAgent, UserAgent) {
    let mk = |addr: &str, user: &str, seed: u8| {
        let sa: SocketAddr = addr.parse().unwrap();
        debug_assert!(sa == addr_a() || sa == addr_b());
        let mut c = UaConfig::new(&sa.ip().to_string(), &format!("<sip:{user}@{addr}>"), [seed; 32]);
        c.endpoint.via_port = Some(sa.port());
        c.endpoint.policy = None;
        c.endpoint.max_transactions = 4_000_000;
        c.max_sessions = 4_000_000;
        UserAgent::new(c)
    };
    (mk(A, "alice", 1), mk(B, "bob", 2))
}

/// Moves messages between the two until both are quiet; the callee's
/// application rings and answers, the caller's hangs up once answered if
/// `hang_up`.
pub fn exchange(a: &mut UserAgent, b: &mut UserAgent, now: Instant, hang_up: bool) -> usize {
    let (sa, sb) = (addr_a(), addr_b());
    let mut answered = 0;
    loop {
        let mut moved = false;
        while let Some(out) = a.poll_output() {
            moved = true;
            match out {
                UaOutput::Transmit(t) => b.handle_datagram(now, sa, t.bytes),
                UaOutput::Event(UaEvent::Answered { session, .. }) => {
                    answered += 1;
                    if hang_up {
                        a.hangup(now, session).unwrap();
                    }
                }
                UaOutput::Event(_) => {}
            }
        }
        while let Some(out) = b.poll_output() {
            moved = true;
            match out {
                UaOutput::Transmit(t) => a.handle_datagram(now, sb, t.bytes),
                UaOutput::Event(UaEvent::IncomingCall { session, .. }) => {
                    b.ring(now, session, StatusCode::RINGING, false, None).unwrap();
                    b.answer(now, session, None).unwrap();
                }
                UaOutput::Event(_) => {}
            }
        }
        if !moved {
            return answered;
        }
    }
}

pub fn call(a: &mut UserAgent, now: Instant) {
    let inv = a.new_invite("sip:bob@192.0.2.2", "<sip:alice@192.0.2.1>", "<sip:bob@192.0.2.2>");
    a.invite(now, inv, Destination::Datagram(addr_b())).unwrap();
}
