//! Transaction-layer throughput through the Endpoint (issue #3):
//!
//! * `nist_udp` — complete non-INVITE server transactions: the REGISTER of
//!   the bench set arrives as a datagram (parse, Via stamping, matching,
//!   a new server transaction, the event), the TU answers 200 (build and
//!   serialize), and the transaction is retired by Timer J; time jumps
//!   64·T1 after each batch so retirement is part of the cost.
//! * `nist_tcp` — the same over a connection, where Timer J is zero.
//! * `invite_pair` — complete INVITE transactions between two in-memory
//!   endpoints: INVITE, 180, 200, the ACK, both sides retired by Timers L
//!   and M.
//!
//! Throughput is in transactions per second (criterion "elements").

#![allow(missing_docs)]

use std::net::SocketAddr;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sip_proto::Instant;
use sip_proto::endpoint::{Destination, Endpoint, EndpointConfig, Event, Output};
use sip_proto::message::builder::{OwnedMessage, response_to};
use sip_proto::message::{Method, StatusCode};
use sip_proto::transport::{ConnectionId, Transport};

#[path = "support/transactions.rs"]
mod support;
use support::{Requests, answer_all, registrar};

const BATCH: u64 = 1000;

fn nist(c: &mut Criterion) {
    let peer: SocketAddr = "192.0.2.23:50312".parse().unwrap();
    let mut g = c.benchmark_group("transactions");
    g.throughput(Throughput::Elements(BATCH));
    g.measurement_time(Duration::from_secs(4));

    let mut ep = registrar();
    let mut reqs = Requests::new();
    let mut now = Instant::ZERO;
    g.bench_function("nist_udp", |b| {
        b.iter(|| {
            for _ in 0..BATCH {
                ep.handle_datagram(now, peer, reqs.next());
                answer_all(&mut ep, now);
            }
            now += Duration::from_secs(33);
            ep.handle_timeout(now);
            answer_all(&mut ep, now);
            assert_eq!(ep.transaction_count(), 0);
        })
    });

    let mut ep = registrar();
    let conn = ConnectionId(1);
    ep.handle_connection_opened(Instant::ZERO, conn, Transport::Tcp, peer);
    g.bench_function("nist_tcp", |b| {
        b.iter(|| {
            for _ in 0..BATCH {
                let r = reqs.next();
                ep.handle_stream_data(now, conn, &r);
                answer_all(&mut ep, now);
            }
            assert_eq!(ep.transaction_count(), 0);
        })
    });
    g.finish();
}

fn invite_pair(c: &mut Criterion) {
    let (ua, us): (SocketAddr, SocketAddr) =
        ("192.0.2.1:5060".parse().unwrap(), "192.0.2.2:5060".parse().unwrap());
    let mut a = Endpoint::new({
        let mut c = EndpointConfig::new("192.0.2.1", [1; 32]);
        c.via_port = Some(5060);
        c
    });
    let mut b = Endpoint::new({
        let mut c = EndpointConfig::new("192.0.2.2", [2; 32]);
        c.via_port = Some(5060);
        c.policy = None;
        c
    });
    let mut now = Instant::ZERO;
    let mut n = 0u64;
    let mut g = c.benchmark_group("transactions");
    g.throughput(Throughput::Elements(BATCH));
    g.measurement_time(Duration::from_secs(4));
    g.bench_function("invite_pair", |bench| {
        bench.iter(|| {
            for _ in 0..BATCH {
                n += 1;
                let call_id = format!("{n}@192.0.2.1");
                let invite = OwnedMessage::request(Method::Invite, "sip:bob@192.0.2.2")
                    .to("<sip:bob@192.0.2.2>")
                    .from("<sip:alice@192.0.2.1>;tag=a1")
                    .call_id(&call_id)
                    .cseq(1)
                    .contact("<sip:alice@192.0.2.1>");
                a.send_request(now, invite, Destination::Datagram(us)).unwrap();
                // Ping-pong until both sides are quiet.
                loop {
                    let mut moved = false;
                    while let Some(out) = a.poll_output() {
                        moved = true;
                        match out {
                            Output::Transmit(t) => b.handle_datagram(now, ua, t.bytes),
                            Output::Event(Event::Response { response, .. }) => {
                                let m = response.message();
                                if m.status() == Some(StatusCode::OK) {
                                    let to = m.to().unwrap();
                                    let tag = to.tag().unwrap();
                                    let ack = OwnedMessage::request(Method::Ack, "sip:bob@192.0.2.2")
                                        .to(&format!("<sip:bob@192.0.2.2>;tag={tag}"))
                                        .from("<sip:alice@192.0.2.1>;tag=a1")
                                        .call_id(m.call_id().unwrap())
                                        .cseq(1);
                                    a.send_ack(now, ack, Destination::Datagram(us)).unwrap();
                                }
                            }
                            Output::Event(_) => {}
                        }
                    }
                    while let Some(out) = b.poll_output() {
                        moved = true;
                        match out {
                            Output::Transmit(t) => a.handle_datagram(now, us, t.bytes),
                            Output::Event(Event::Request { transaction, request }) => {
                                let m = request.message();
                                let ringing =
                                    response_to(m, StatusCode::RINGING, Some("b7")).build().unwrap();
                                b.send_response(now, transaction, ringing).unwrap();
                                let ok = response_to(m, StatusCode::OK, Some("b7"))
                                    .contact("<sip:bob@192.0.2.2>")
                                    .build()
                                    .unwrap();
                                b.send_response(now, transaction, ok).unwrap();
                            }
                            Output::Event(_) => {}
                        }
                    }
                    if !moved {
                        break;
                    }
                }
            }
            now += Duration::from_secs(33);
            a.handle_timeout(now);
            b.handle_timeout(now);
            while a.poll_output().is_some() {}
            while b.poll_output().is_some() {}
            assert_eq!(a.transaction_count() + b.transaction_count(), 0);
        })
    });
    g.finish();
}

criterion_group!(benches, nist, invite_pair);
criterion_main!(benches);
