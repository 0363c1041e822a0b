//! Instruction-count driver for `valgrind --tool=cachegrind` (timings on a
//! shared machine drift; instruction counts do not).
//!
//! Runs parse + decode of the transaction-layer headers over the mixed bench
//! set `ROUNDS` times (default 1000, or the first argument). Instructions per
//! message = (total − a run with 0 rounds) / (12 × rounds).
//!
//! A second argument `parse` skips the decode step, to count the parser
//! alone; `serialize` counts writing the parsed messages in canonical
//! form instead.
//!
//! ```text
//! cargo bench --bench instructions --no-run
//! valgrind --tool=cachegrind --cache-sim=no target/release/deps/instructions-* 1000
//! valgrind --tool=cachegrind --cache-sim=no target/release/deps/instructions-* 1000 parse
//! valgrind --tool=cachegrind --cache-sim=no target/release/deps/instructions-* 1000 serialize
//! ```

use std::hint::black_box;

use sip_proto::message::Message;

const MESSAGES: &[&[u8]] = &[
    include_bytes!("messages/01_invite_sdp.sip"),
    include_bytes!("messages/02_180_ringing.sip"),
    include_bytes!("messages/03_200_invite_sdp.sip"),
    include_bytes!("messages/04_ack.sip"),
    include_bytes!("messages/05_bye.sip"),
    include_bytes!("messages/06_register_push.sip"),
    include_bytes!("messages/07_401_unauthorized.sip"),
    include_bytes!("messages/08_message.sip"),
    include_bytes!("messages/09_200_register_3contacts.sip"),
    include_bytes!("messages/10_subscribe.sip"),
    include_bytes!("messages/11_notify.sip"),
    include_bytes!("messages/12_invite_heavy.sip"),
];

#[path = "support/decode.rs"]
mod decode;

#[path = "support/transactions.rs"]
mod support;

/// `instructions nist N`: N complete REGISTER server transactions through
/// the Endpoint (receive, answer 200, retire by Timer J).
fn nist(n: usize) {
    let peer: std::net::SocketAddr = "192.0.2.23:50312".parse().unwrap();
    let mut ep = support::registrar();
    let mut reqs = support::Requests::new();
    let mut now = sip_proto::Instant::ZERO;
    let mut wire = 0;
    for i in 0..n {
        ep.handle_datagram(now, peer, reqs.next());
        wire += support::answer_all(&mut ep, now);
        if i % 1000 == 999 {
            now += std::time::Duration::from_secs(33);
            ep.handle_timeout(now);
            support::answer_all(&mut ep, now);
        }
    }
    println!("{n} transactions, {wire} bytes sent, {} left", ep.transaction_count());
}

#[path = "support/calls.rs"]
mod calls;

/// `instructions calls N`: N complete calls (INVITE/180/200/ACK/BYE/200)
/// between two in-memory user agents, retired by Timers L and M.
fn calls(n: usize) {
    let (mut a, mut b) = calls::pair();
    let mut now = sip_proto::Instant::ZERO;
    for i in 0..n {
        calls::call(&mut a, now);
        calls::exchange(&mut a, &mut b, now, true);
        if i % 1000 == 999 {
            now += std::time::Duration::from_secs(33);
            a.handle_timeout(now);
            b.handle_timeout(now);
            calls::exchange(&mut a, &mut b, now, true);
        }
    }
    println!("{n} calls, {} sessions left", a.session_count() + b.session_count());
}

/// `instructions N serialize`: N rounds of writing each message of the
/// set, parsed once beforehand, in canonical form into a reused buffer
/// (per message = (I(N) - I(0)) / 12N, as for the parse).
fn serialize(rounds: usize) {
    let parsed: Vec<Message<'_>> = MESSAGES.iter().map(|m| Message::parse(m).unwrap()).collect();
    let mut out = Vec::with_capacity(8192);
    let mut sum = 0usize;
    for _ in 0..rounds {
        for m in &parsed {
            out.clear();
            sip_proto::message::builder::write_canonical(black_box(m), &mut out).unwrap();
            sum += out.len();
        }
    }
    println!("{rounds} rounds, {sum} bytes written");
}

fn main() {
    if std::env::args().nth(1).as_deref() == Some("calls") {
        calls(std::env::args().nth(2).and_then(|a| a.parse().ok()).unwrap_or(1000));
        return;
    }
    if std::env::args().nth(1).as_deref() == Some("nist") {
        nist(std::env::args().nth(2).and_then(|a| a.parse().ok()).unwrap_or(1000));
        return;
    }
    let rounds: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let mode = std::env::args().nth(2);
    if mode.as_deref() == Some("serialize") {
        serialize(rounds);
        return;
    }
    let parse_only = mode.as_deref() == Some("parse");
    let mut sum = 0usize;
    for _ in 0..rounds {
        for m in MESSAGES {
            if let Ok(msg) = Message::parse(black_box(m)) {
                sum += if parse_only {
                    black_box(&msg).header_count()
                } else {
                    decode::decode_transaction_headers(&msg)
                };
            }
        }
    }
    println!("{rounds} rounds, checksum {sum}");
}
