//! Fuzz entry points: one function per surface that reads bytes from the
//! network, each asserting the invariants that surface promises.
//!
//! The cargo-fuzz targets in `fuzz/` are one-line wrappers over these, and
//! `tests/fuzz_replay.rs` replays the seed corpus through them, so CI
//! exercises them without a nightly toolchain. Users who fuzz sip-proto as
//! part of a larger system can call them from their own harnesses.
//!
//! Every function accepts any input and panics only if an invariant is
//! broken (that panic is the bug report).

use alloc::vec::Vec;

use crate::message::builder::{MessageEdit, OwnedMessage};
use crate::message::multipart::Multipart;
use crate::message::validate::{self, Policy};
use crate::message::{HeaderName, Limits, Message, Uri};
use crate::transport::{BytesDeframer, Frame, StreamDeframer};

/// Small limits, so the fuzzer reaches every limit check quickly.
const TIGHT: Limits = Limits {
    max_message_size: 2048,
    max_header_section: 1024,
    max_headers: 16,
    max_line_length: 256,
    max_vias: 4,
    max_multipart_depth: 2,
    max_multipart_parts: 4,
    max_list_values: 8,
};

/// Exercises every accessor of a parsed message.
fn exercise(m: &Message<'_>, input: &[u8]) {
    // The view never reaches outside the input.
    assert!(m.as_bytes().len() <= input.len());
    assert!(m.header_count() <= m.limits().effective_max_headers());
    let _ = validate::decode_all(m);
    for policy in [Policy::user_agent(), Policy::proxy(), Policy::registrar()] {
        let _ = validate::check_request(m, &policy);
        let _ = validate::check_response(m, &policy);
    }
    for v in m.vias().flatten() {
        let _ = (v.branch(), v.received(), v.rport(), v.maddr(), v.ttl());
    }
    for c in m.contacts().flatten() {
        let _ = (c.uri(), c.expires(), c.q());
    }
    for h in [HeaderName::Route, HeaderName::RecordRoute, HeaderName::Path] {
        let _ = m.name_addrs(h).count();
    }
    let _ = (m.from(), m.to(), m.call_id(), m.cseq(), m.expires(), m.rack(), m.date());
    let _ = (m.www_authenticates().count(), m.authorizations().count(), m.feature_caps().count());
    if let Some(Ok(mp)) = Multipart::of(m) {
        walk_multipart(&mp, 0);
    }
}

fn walk_multipart(mp: &Multipart<'_>, depth: usize) {
    for part in mp.parts() {
        assert!(part.body().len() <= mp.as_bytes().len());
        let _ = (part.content_id(), part.handling_required(), part.headers().count());
        if depth < 8 {
            if let Some(Ok(inner)) = part.as_multipart() {
                walk_multipart(&inner, depth + 1);
            }
        }
    }
}

/// Message parsing under default and tight limits, then every accessor.
pub fn message(data: &[u8]) {
    for limits in [Limits::DEFAULT, TIGHT] {
        if let Ok(m) = Message::parse_with(data, &limits) {
            exercise(&m, data);
        }
    }
}

/// URI parsing, equivalence and display.
pub fn uri(data: &[u8]) {
    if let Ok(u) = Uri::parse(data) {
        assert_eq!(u.as_bytes(), data, "a URI view covers exactly its input");
        let _ = u.equivalent(&u);
        if let Some(s) = u.sip() {
            let _ = (s.transport(), s.maddr(), s.ttl(), s.lr(), s.pn_provider(), s.params.iter().count());
            let _ = s.headers_iter().count();
        }
        let mut out = alloc::string::String::new();
        let _ = core::fmt::write(&mut out, format_args!("{u}"));
    }
}

/// Multipart bodies: the first input byte picks the boundary length, the
/// rest is the body.
pub fn multipart(data: &[u8]) {
    let Some((&n, rest)) = data.split_first() else { return };
    let n = usize::from(n % 16).min(rest.len());
    let (boundary, body) = rest.split_at(n);
    for limits in [Limits::DEFAULT, TIGHT] {
        if let Ok(mp) = Multipart::new(body, boundary, &limits) {
            assert!(mp.len() <= limits.max_multipart_parts);
            walk_multipart(&mp, 0);
        }
        if let Ok(mp) = Multipart::parse(body, b"multipart/mixed;boundary=frontier", &limits) {
            walk_multipart(&mp, 0);
        }
    }
}

/// What a deframer produced: frames as owned bytes, then the error if any.
fn frames_of<F: FnMut(&[u8]) -> Vec<Vec<u8>>>(data: &[u8], chunk: usize, mut feed: F) -> Vec<Vec<u8>> {
    let mut all = Vec::new();
    for piece in data.chunks(chunk.max(1)) {
        all.extend(feed(piece));
    }
    all
}

fn tag(f: Result<Frame<&[u8]>, crate::transport::FramingError>) -> Vec<u8> {
    match f {
        Ok(Frame::Message(m)) => m.to_vec(),
        Ok(Frame::Ping) => b"<ping>".to_vec(),
        Ok(Frame::Pong) => b"<pong>".to_vec(),
        Err(e) => alloc::format!("<error {e:?}>").into_bytes(),
    }
}

/// The stream deframers: the first byte picks a chunk size; the frames must
/// be the same whole and chunked, in the no-alloc and the `Bytes` deframer.
pub fn stream(data: &[u8]) {
    let Some((&c, rest)) = data.split_first() else { return };
    let run_slice = |chunk: usize| {
        let mut d = StreamDeframer::new([0u8; 4096], TIGHT);
        frames_of(rest, chunk, |piece| {
            let mut out = Vec::new();
            let mut off = 0;
            while off < piece.len() {
                let n = d.push(&piece[off..]);
                off += n;
                while let Some(f) = d.poll() {
                    let failed = f.is_err();
                    out.push(tag(f));
                    if failed {
                        return out;
                    }
                }
                if n == 0 {
                    break; // buffer full and nothing framed: an error was reported
                }
            }
            out
        })
    };
    let run_bytes = |chunk: usize| {
        let mut d = BytesDeframer::new(TIGHT);
        frames_of(rest, chunk, |piece| {
            d.push(piece);
            let mut out = Vec::new();
            while let Some(f) = d.poll() {
                let failed = f.is_err();
                match f {
                    Ok(fr) => {
                        let bytes = match &fr {
                            Frame::Message(b) => &b[..],
                            _ => &[][..],
                        };
                        out.push(tag(Ok(fr.clone().map(|_| bytes))));
                    }
                    Err(e) => out.push(tag(Err(e))),
                }
                if failed {
                    break;
                }
            }
            out
        })
    };
    let whole = run_bytes(rest.len());
    let chunked = run_bytes(usize::from(c) + 1);
    let truncate_at_error = |v: Vec<Vec<u8>>| -> Vec<Vec<u8>> {
        match v.iter().position(|f| f.starts_with(b"<error")) {
            Some(i) => v[..=i].to_vec(),
            None => v,
        }
    };
    assert_eq!(truncate_at_error(whole.clone()), truncate_at_error(chunked), "chunking changed the frames");
    let sliced = run_slice(usize::from(c) + 1);
    assert_eq!(truncate_at_error(whole.clone()), truncate_at_error(sliced), "deframers disagree");
    for f in &whole {
        if !f.starts_with(b"<") {
            message(f);
        }
    }
}

/// Generous limits for re-parsing serialized output, which may be longer
/// than its input (compact names become long ones).
fn roomy(l: &Limits) -> Limits {
    Limits {
        max_message_size: l.max_message_size * 2 + 64,
        max_header_section: l.max_header_section * 2 + 64,
        max_line_length: l.max_line_length * 2 + 64,
        ..*l
    }
}

/// parse → serialize → parse: the header values, start line and body
/// survive canonical serialization and a no-op edit.
pub fn roundtrip(data: &[u8]) {
    let Ok(m) = Message::parse(data) else { return };
    // The serializer always writes Content-Length (streams require it,
    // RFC 3261 §18.3): a message already at the header capacity without one
    // cannot gain a field and still fit, so that case proves nothing here.
    if m.content_length().is_none() && m.header_count() >= m.limits().effective_max_headers() {
        return;
    }
    let canonical = OwnedMessage::canonical(&m);
    let again = canonical
        .parse_with(&roomy(m.limits()))
        .unwrap_or_else(|e| panic!("canonical form failed to parse: {e:?}"));
    assert_same(&m, &again);
    let edited = MessageEdit::new(&m).to_vec();
    let again = Message::parse_with(&edited, &roomy(m.limits()))
        .unwrap_or_else(|e| panic!("edited form failed to parse: {e:?}"));
    assert_same(&m, &again);
}

/// A value with every line break written as LF: the serializer emits CRLF
/// where a fold arrived with a bare LF, and both fold to one SP (RFC 3261
/// §7.3.1), so that difference is not a change of value.
fn lf_only(v: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len());
    for (i, &c) in v.iter().enumerate() {
        if !(c == b'\r' && v.get(i + 1) == Some(&b'\n')) {
            out.push(c);
        }
    }
    out
}

fn assert_same(a: &Message<'_>, b: &Message<'_>) {
    assert_eq!(a.start_line(), b.start_line());
    assert_eq!(a.body(), b.body());
    let fields = |m: &Message<'_>| -> Vec<(HeaderName, Vec<u8>)> {
        m.headers()
            .filter(|h| h.name != HeaderName::ContentLength)
            .map(|h| (h.name, lf_only(h.value)))
            .collect()
    };
    assert_eq!(fields(a), fields(b));
}
