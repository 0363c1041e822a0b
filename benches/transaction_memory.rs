//! Heap bytes per live transaction (issue #3), measured with a counting
//! global allocator at 1,000 and 1,000,000 live transactions.
//!
//! Two populations, each built in a fresh Endpoint:
//! * non-INVITE server transactions in Completed (REGISTER answered 200 and
//!   held for Timer J): each must keep its 200 for retransmission;
//! * INVITE server transactions in Proceeding (TU not yet answered): each
//!   keeps the INVITE, to build its own 100 Trying.
//!
//! Reported: total heap per transaction, the message bytes it keeps, and
//! the difference (the goal is ≤ 1 KiB of the latter, flat in N).
//!
//! ```text
//! cargo bench --bench transaction_memory            # 1,000 and 1,000,000
//! cargo bench --bench transaction_memory -- 10000   # one N of your choice
//! ```

#![allow(missing_docs)]

use std::alloc::System;
use std::net::SocketAddr;

use sip_proto::Instant;
use sip_proto::endpoint::{Event, Output};
use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};

#[path = "support/transactions.rs"]
mod support;
use support::{Requests, answer_all, registrar};

// The crate forbids unsafe code everywhere, benches included, so the
// counting allocator comes from stats_alloc rather than our own
// GlobalAlloc impl.
#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Bytes currently allocated.
fn live() -> usize {
    let s = GLOBAL.stats();
    // stats_alloc folds reallocations into both byte counters already.
    s.bytes_allocated - s.bytes_deallocated
}

const INVITE: &[u8] = include_bytes!("messages/01_invite_sdp.sip");

fn nist(n: usize) {
    let peer: SocketAddr = "192.0.2.23:50312".parse().unwrap();
    let mut reqs = Requests::new();
    let base = live();
    let mut ep = registrar();
    let mut kept = 0usize;
    for _ in 0..n {
        ep.handle_datagram(Instant::ZERO, peer, reqs.next());
        kept += answer_all(&mut ep, Instant::ZERO);
    }
    assert_eq!(ep.transaction_count(), n);
    report("NIST Completed (REGISTER, 200 kept)", n, live() - base, kept, ep.table_heap_size());
}

fn ist(n: usize) {
    let peer: SocketAddr = "203.0.113.10:5060".parse().unwrap();
    let ep = registrar();
    let mut cfg = ep.config().clone();
    cfg.policy = None;
    cfg.detect_merged_requests = false;
    let template = INVITE.to_vec();
    let at = template.windows(7).position(|w| w == b"z9hG4bK").unwrap() + 7;
    drop(ep);
    let base = live();
    let mut ep = sip_proto::endpoint::Endpoint::new(cfg);
    let mut kept = 0usize;
    for i in 0..n {
        let mut b = bytes::BytesMut::from(&template[..]);
        let mut k = i;
        for j in (0..8).rev() {
            b[at + j] = b'0' + (k % 10) as u8;
            k /= 10;
        }
        kept += b.len();
        ep.handle_datagram(Instant::ZERO, peer, b.freeze());
        while let Some(out) = ep.poll_output() {
            assert!(matches!(out, Output::Event(Event::Request { .. })));
        }
    }
    assert_eq!(ep.transaction_count(), n);
    report("IST Proceeding (INVITE kept)", n, live() - base, kept, ep.table_heap_size());
}

fn report(what: &str, n: usize, heap: usize, kept: usize, table: usize) {
    let per = heap as f64 / n as f64;
    let msg = kept as f64 / n as f64;
    println!(
        "{what:<40} N={n:>9}  heap/tx {per:>8.1} B  messages/tx {msg:>7.1} B  beyond messages {:>7.1} B  (table structures {:.1} B/tx)",
        per - msg,
        table as f64 / n as f64
    );
}

fn main() {
    let ns: Vec<usize> = match std::env::args().skip(1).find_map(|a| a.parse().ok()) {
        Some(n) => vec![n],
        None => vec![1_000, 1_000_000],
    };
    for &n in &ns {
        nist(n);
        ist(n);
    }
}
