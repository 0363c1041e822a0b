//! Shared pieces of the transaction benchmarks: the REGISTER of the bench
//! set with a fresh branch per transaction, and the TU that answers it.

use bytes::{Bytes, BytesMut};
use sip_proto::endpoint::{Endpoint, EndpointConfig, Event, Output};
use sip_proto::message::builder::response_to;
use sip_proto::message::validate::Policy;
use sip_proto::message::{HeaderName, StatusCode};
use sip_proto::Instant;

pub const REGISTER: &[u8] = include_bytes!("../messages/06_register_push.sip");

/// The registrar under test: RFC 3261 defaults, the registrar policy.
pub fn registrar() -> Endpoint {
    let mut c = EndpointConfig::new("sip.example.com", [9; 32]);
    c.policy = Some(Policy::registrar());
    c.max_transactions = 2_000_000;
    Endpoint::new(c)
}

/// Writes REGISTERs that differ only in their branch (so each starts a
/// transaction), as a socket read would fill a buffer.
pub struct Requests {
    template: Vec<u8>,
    at: usize,
    n: u64,
}

impl Requests {
    pub fn new() -> Self {
        let template = REGISTER.to_vec();
        let at = template.windows(7).position(|w| w == b"z9hG4bK").expect("a branch") + 7;
        Requests { template, at, n: 0 }
    }

    pub fn next(&mut self) -> Bytes {
        self.n += 1;
        let mut b = BytesMut::from(&self.template[..]);
        let mut n = self.n;
        // The nine characters after the cookie become the counter.
        for i in (0..9).rev() {
            b[self.at + i] = b'0' + (n % 10) as u8;
            n /= 10;
        }
        b.freeze()
    }
}

/// The registrar's TU: 200 OK with the Contact and Expires echoed.
/// Returns the bytes put on the wire.
pub fn answer_all(ep: &mut Endpoint, now: Instant) -> usize {
    let mut wire = 0;
    while let Some(out) = ep.poll_output() {
        match out {
            Output::Event(Event::Request { transaction, request }) => {
                let m = request.message();
                let mut ok = response_to(m, StatusCode::OK, Some("reg7x"));
                if let Some(c) = m.header(HeaderName::Contact) {
                    ok = ok.header(HeaderName::Contact, c);
                }
                let ok = ok.header(HeaderName::Expires, "600").build().expect("a 200");
                ep.send_response(now, transaction, ok).expect("the transaction takes it");
            }
            Output::Transmit(t) => wire += t.bytes.len(),
            Output::Event(_) => {}
        }
    }
    wire
}
