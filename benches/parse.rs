//! Parser benchmarks over the bench message set (benches/messages/, a copy of
//! the shared corpus so a fresh clone can run them).
//!
//! Three measurements per message and for the mixed set (all twelve back to
//! back, 11,264 bytes):
//! * `parse` — `Message::parse` (framing, start line, header index, strict
//!   check of the transaction headers);
//! * `parse_decode` — parse, then decode every value of the headers a
//!   transaction layer reads: all Vias, From, To, Call-ID, CSeq,
//!   Max-Forwards, all Contacts, all Routes, Content-Length;
//! * `serialize` — re-emit a parsed message canonically.
//!
//! Criterion reports both elements/s (messages/s) and bytes/s.

#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{BenchmarkId, Criterion, Throughput, black_box, criterion_group, criterion_main};
use sip_proto::message::Message;
use sip_proto::message::builder::write_canonical;

const MESSAGES: &[(&str, &[u8])] = &[
    ("01_invite_sdp", include_bytes!("messages/01_invite_sdp.sip")),
    ("02_180_ringing", include_bytes!("messages/02_180_ringing.sip")),
    ("03_200_invite_sdp", include_bytes!("messages/03_200_invite_sdp.sip")),
    ("04_ack", include_bytes!("messages/04_ack.sip")),
    ("05_bye", include_bytes!("messages/05_bye.sip")),
    ("06_register_push", include_bytes!("messages/06_register_push.sip")),
    ("07_401_unauthorized", include_bytes!("messages/07_401_unauthorized.sip")),
    ("08_message", include_bytes!("messages/08_message.sip")),
    ("09_200_register_3contacts", include_bytes!("messages/09_200_register_3contacts.sip")),
    ("10_subscribe", include_bytes!("messages/10_subscribe.sip")),
    ("11_notify", include_bytes!("messages/11_notify.sip")),
    ("12_invite_heavy", include_bytes!("messages/12_invite_heavy.sip")),
];

#[path = "support/decode.rs"]
mod decode;
use decode::decode_transaction_headers;

fn parse_one(bytes: &[u8]) -> usize {
    match Message::parse(bytes) {
        Ok(m) => m.header_count(),
        Err(_) => 0,
    }
}

fn parse_decode_one(bytes: &[u8]) -> usize {
    match Message::parse(bytes) {
        Ok(m) => decode_transaction_headers(&m),
        Err(_) => 0,
    }
}

fn bench(c: &mut Criterion) {
    for (m_name, bytes) in MESSAGES {
        assert!(Message::parse(bytes).is_ok(), "{m_name} must parse");
    }
    let total: usize = MESSAGES.iter().map(|(_, b)| b.len()).sum();

    type Op = fn(&[u8]) -> usize;
    let ops: [(&str, Op); 2] = [("parse", parse_one), ("parse_decode", parse_decode_one)];
    for (op_name, op) in ops {
        let mut g = c.benchmark_group(op_name);
        for (m_name, bytes) in MESSAGES {
            g.throughput(Throughput::Elements(1));
            g.bench_with_input(BenchmarkId::new("msgs", m_name), bytes, |b, bytes| {
                b.iter(|| op(black_box(bytes)))
            });
            g.throughput(Throughput::Bytes(bytes.len() as u64));
            g.bench_with_input(BenchmarkId::new("bytes", m_name), bytes, |b, bytes| {
                b.iter(|| op(black_box(bytes)))
            });
        }
        g.throughput(Throughput::Elements(MESSAGES.len() as u64));
        g.bench_function(BenchmarkId::new("msgs", "mixed"), |b| {
            b.iter(|| MESSAGES.iter().map(|(_, m)| op(black_box(m))).sum::<usize>())
        });
        g.throughput(Throughput::Bytes(total as u64));
        g.bench_function(BenchmarkId::new("bytes", "mixed"), |b| {
            b.iter(|| MESSAGES.iter().map(|(_, m)| op(black_box(m))).sum::<usize>())
        });
        g.finish();
    }

    // Serialize: canonical form of an already-parsed message into a reused
    // buffer, so the figure is the serializer's, not the allocator's.
    let parsed: Vec<Message<'_>> = MESSAGES.iter().map(|(_, b)| Message::parse(b).unwrap()).collect();
    let mut out = Vec::with_capacity(8192);
    let mut g = c.benchmark_group("serialize");
    for ((m_name, bytes), m) in MESSAGES.iter().zip(&parsed) {
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_function(BenchmarkId::new("bytes", m_name), |b| {
            b.iter(|| {
                out.clear();
                write_canonical(black_box(m), &mut out).unwrap();
                out.len()
            })
        });
    }
    g.throughput(Throughput::Elements(MESSAGES.len() as u64));
    g.bench_function(BenchmarkId::new("msgs", "mixed"), |b| {
        b.iter(|| {
            let mut n = 0;
            for m in &parsed {
                out.clear();
                write_canonical(black_box(m), &mut out).unwrap();
                n += out.len();
            }
            n
        })
    });
    g.throughput(Throughput::Bytes(total as u64));
    g.bench_function(BenchmarkId::new("bytes", "mixed"), |b| {
        b.iter(|| {
            for m in &parsed {
                out.clear();
                write_canonical(black_box(m), &mut out).unwrap();
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
