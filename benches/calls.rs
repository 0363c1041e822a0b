//! Complete calls between two in-memory user agents (issue #4):
//! INVITE, 180, 200, ACK, BYE, 200, both UA cores and endpoints retired
//! (time jumps 64·T1 after each batch so Timers L and M run out), and the
//! heap each idle confirmed dialog holds.
//!
//! ```text
//! cargo bench --bench calls                 # criterion: calls/s
//! cargo bench --bench calls -- --memory     # heap per idle confirmed session (1,000 and 100,000)
//! ```

#![allow(missing_docs)]

use std::alloc::System;
use std::net::SocketAddr;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use sip_proto::Instant;
use sip_proto::endpoint::Destination;
use sip_proto::message::StatusCode;
use sip_proto::ua::{UaConfig, UaEvent, UaOutput, UserAgent};
use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const A: &str = "192.0.2.1:5060";
const B: &str = "192.0.2.2:5060";

fn pair() -> (UserAgent, UserAgent) {
    let mk = |addr: &str, user: &str, seed: u8| {
        let sa: SocketAddr = addr.parse().unwrap();
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
fn exchange(a: &mut UserAgent, b: &mut UserAgent, now: Instant, hang_up: bool) -> usize {
    let (sa, sb): (SocketAddr, SocketAddr) = (A.parse().unwrap(), B.parse().unwrap());
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

fn call(a: &mut UserAgent, now: Instant) {
    let inv = a.new_invite("sip:bob@192.0.2.2", "<sip:alice@192.0.2.1>", "<sip:bob@192.0.2.2>");
    a.invite(now, inv, Destination::Datagram(B.parse().unwrap())).unwrap();
}

fn bench(c: &mut Criterion) {
    const BATCH: u64 = 1000;
    let (mut a, mut b) = pair();
    let mut now = Instant::ZERO;
    let mut g = c.benchmark_group("calls");
    g.throughput(Throughput::Elements(BATCH));
    g.measurement_time(Duration::from_secs(4));
    g.bench_function("invite_180_200_ack_bye_200", |bench| {
        bench.iter(|| {
            for _ in 0..BATCH {
                call(&mut a, now);
                exchange(&mut a, &mut b, now, true);
            }
            now += Duration::from_secs(33);
            a.handle_timeout(now);
            b.handle_timeout(now);
            exchange(&mut a, &mut b, now, true);
            assert_eq!(a.session_count() + b.session_count(), 0);
            assert_eq!(a.endpoint().transaction_count() + b.endpoint().transaction_count(), 0);
        })
    });
    g.finish();
}

fn live() -> usize {
    let s = GLOBAL.stats();
    s.bytes_allocated - s.bytes_deallocated
}

/// Heap per idle confirmed session, on each side, once every transaction
/// of the set-up has ended.
fn memory(n: usize) {
    let (mut a, mut b) = pair();
    let base = live();
    let mut now = Instant::ZERO;
    for _ in 0..n {
        call(&mut a, now);
        exchange(&mut a, &mut b, now, false);
    }
    now += Duration::from_secs(40);
    a.handle_timeout(now);
    b.handle_timeout(now);
    exchange(&mut a, &mut b, now, false);
    assert_eq!(a.session_count(), n);
    assert_eq!(b.session_count(), n);
    assert_eq!(a.endpoint().transaction_count() + b.endpoint().transaction_count(), 0);
    let total = live() - base;
    // The endpoints' transaction tables keep the capacity of their busiest
    // moment (all N set-ups overlapped before Timers L and M ran out): that
    // is table capacity, not dialog state, so it is reported apart.
    let tables = a.endpoint().table_heap_size() + b.endpoint().table_heap_size();
    let per = (total - tables) as f64 / n as f64 / 2.0;
    let idle_tables = tables as f64 / n as f64 / 2.0;
    println!(
        "idle confirmed sessions N={n:>7}: {per:.0} heap bytes per session and side (caller and callee averaged), \
         plus {idle_tables:.0} of empty transaction-table capacity"
    );
}

fn main() {
    if std::env::args().any(|a| a == "--memory") {
        memory(1_000);
        memory(100_000);
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
    c.final_summary();
}
