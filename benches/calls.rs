//! Complete calls between two in-memory user agents (issue #4):
//! INVITE, 180, 200, ACK, BYE, 200, both UA cores and endpoints retired
//! (time jumps 64·T1 after each batch so Timers L and M run out).
//! Heap per idle session is measured by `call_memory`.
//!
//! ```text
//! cargo bench --bench calls                 # criterion: calls/s
//! ```

#![allow(missing_docs)]

use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sip_proto::Instant;

#[path = "support/calls.rs"]
mod support;
use support::{call, exchange, pair};

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

criterion_group!(benches, bench);
criterion_main!(benches);
