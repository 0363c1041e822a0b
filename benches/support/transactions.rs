//! Shared pieces of the transaction benchmarks: the REGISTER of the bench
//! set with a fresh branch per transaction, and the TU that answers it.

use bytes::{Bytes, BytesMut};
use sip_proto::Instant;
use sip_proto::endpoint::{Endpoint, EndpointConfig, Event, Output};
use sip_proto::message::builder::response_to;
use sip_proto::message::validate::Policy;
use sip_proto::message::{HeaderName, StatusCode};

pub const REGISTER: &[u8] = include_bytes!("../messages/06_register_push.sip");

/// The registrar under test: RFC 3261 defaults, the registrar policy.
pub fn registrar() -> Endpoint {
    let mut c = EndpointConfig::new("sip.example.com", [9; 32]);
    c.policy = Some(Policy::registrar());
    c.max_transactions = 2_000_000;
    Endpoint::new(c)
}

/// Writes REGISTERs that differ in their branch and Call-ID (so each
/// starts a transaction of its own), as a socket read would fill a buffer.
pub struct Requests {
    template: Vec<u8>,
    branch_at: usize,
    call_id_at: usize,
    n: u64,
}

impl Requests {
    pub fn new() -> Self {
        let template = REGISTER.to_vec();
        let branch_at = template.windows(7).position(|w| w == b"z9hG4bK").expect("a branch") + 7;
        let call_id_at = template.windows(9).position(|w| w == b"Call-ID: ").expect("a Call-ID") + 9;
        Requests { template, branch_at, call_id_at, n: 0 }
    }

    pub fn next(&mut self) -> Bytes {
        self.n += 1;
        let mut b = BytesMut::from(&self.template[..]);
        // The nine characters after the cookie, and the first nine of the
        // Call-ID, become the counter: a new transaction, and not a merged
        // request (RFC 3261 §8.2.2.2) either.
        for at in [self.branch_at, self.call_id_at] {
            let mut n = self.n;
            for i in (0..9).rev() {
                b[at + i] = b'0' + (n % 10) as u8;
                n /= 10;
            }
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
                // §10.3 step 8: the 200 lists the bindings, here the
                // Contacts of the request, copied as received.
                let ok = response_to(m, StatusCode::OK, Some("reg7x"))
                    .copy_header(m, HeaderName::Contact)
                    .header(HeaderName::Expires, "600")
                    .build()
                    .expect("a 200");
                ep.send_response(now, transaction, ok).expect("the transaction takes it");
            }
            Output::Transmit(t) => wire += t.bytes.len(),
            Output::Event(_) => {}
        }
    }
    wire
}
