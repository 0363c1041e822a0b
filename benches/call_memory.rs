//! Heap bytes per idle confirmed session (issue #4: ≤ 2 KiB per idle
//! confirmed dialog), counted with a counting global allocator at 1,000
//! and 100,000 sessions.
//!
//! ```text
//! cargo bench --bench call_memory
//! ```

#![allow(missing_docs)]

use std::alloc::System;
use std::time::Duration;

use sip_proto::Instant;
use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};

#[path = "support/calls.rs"]
mod support;
use support::{call, exchange, pair};

// Our lints forbid the unsafe of a GlobalAlloc impl of our own.
#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

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
    memory(1_000);
    memory(100_000);
}
