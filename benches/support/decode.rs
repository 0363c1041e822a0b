//! The decode step shared by the benchmarks: every value of the headers a
//! transaction layer reads.

use sip_proto::message::Message;

/// Decodes the transaction-layer headers; returns a value so nothing is
/// optimised away.
#[inline(never)]
pub fn decode_transaction_headers(m: &Message<'_>) -> usize {
    let mut n = 0usize;
    for v in m.vias() {
        n += v.map(|v| v.branch().map_or(0, str::len)).unwrap_or(1);
    }
    n += m.from().map(|f| f.tag().map_or(0, str::len)).unwrap_or(1);
    n += m.to().map(|t| t.tag().map_or(0, str::len)).unwrap_or(1);
    n += m.call_id().map(str::len).unwrap_or(1);
    n += m.cseq().map(|c| c.seq as usize).unwrap_or(1);
    n += m.max_forwards().map_or(0, usize::from);
    for c in m.contacts() {
        n += c.is_ok() as usize;
    }
    for r in m.routes() {
        n += r.is_ok() as usize;
    }
    n += m.content_length().unwrap_or(0) as usize;
    n
}
