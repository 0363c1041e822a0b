//! Instruction-count driver for `valgrind --tool=cachegrind` (timings on a
//! shared machine drift; instruction counts do not).
//!
//! Runs parse + decode of the transaction-layer headers over the mixed bench
//! set `ROUNDS` times (default 1000, or the first argument). Instructions per
//! message = (total − a run with 0 rounds) / (12 × rounds).
//!
//! A second argument `parse` skips the decode step, to count the parser
//! alone.
//!
//! ```text
//! cargo bench --bench instructions --no-run
//! valgrind --tool=cachegrind --cache-sim=no target/release/deps/instructions-* 1000
//! valgrind --tool=cachegrind --cache-sim=no target/release/deps/instructions-* 1000 parse
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

fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let parse_only = std::env::args().nth(2).as_deref() == Some("parse");
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
