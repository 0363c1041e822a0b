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

use alloc::collections::{BTreeMap, BTreeSet, VecDeque};
use alloc::vec::Vec;
use core::net::SocketAddr;
use core::time::Duration;

use bytes::Bytes;

use crate::endpoint::{Destination, Endpoint, EndpointConfig, EndpointError, Event, Output, TransactionId};
use crate::message::builder::{MessageEdit, OwnedMessage, response_to};
use crate::message::multipart::Multipart;
use crate::message::validate::{self, Policy};
use crate::message::{HeaderName, Limits, Message, Method, StatusCode, Uri};
use crate::time::Instant;
use crate::transport::{BytesDeframer, ConnectionId, Frame, StreamDeframer, Transport};

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

// ---- the Endpoint ----------------------------------------------------------

/// Fuzz input read as a script of choices; zeros once it runs dry.
struct Script<'a>(&'a [u8]);

impl<'a> Script<'a> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }

    fn u16(&mut self) -> u16 {
        u16::from(self.byte()) << 8 | u16::from(self.byte())
    }

    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[usize::from(self.byte()) % xs.len()]
    }

    /// A length-prefixed (16-bit) slice of at most `max` bytes.
    fn slice(&mut self, max: usize) -> &'a [u8] {
        let n = usize::from(self.u16()).min(max).min(self.0.len());
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        a
    }
}

/// One endpoint under test and what its TU has seen.
struct Side {
    ep: Endpoint,
    addr: SocketAddr,
    /// Its recent transmits (the latest 64; ops pick them newest first).
    sent: VecDeque<(Destination, Bytes)>,
    /// Ids issued to the TU and not yet terminated.
    live: BTreeSet<TransactionId>,
    /// Ids that terminated.
    dead: BTreeSet<TransactionId>,
    /// Server transactions, with their request, in the order seen.
    servers: Vec<TransactionId>,
    requests: BTreeMap<TransactionId, Bytes>,
    /// Client transactions, and whether each is an INVITE.
    clients: Vec<(TransactionId, bool)>,
    /// Client transactions that saw a provisional, and a final.
    provisional: BTreeSet<TransactionId>,
    finals: BTreeSet<TransactionId>,
    /// Connections reported opened (closed ones stay listed).
    conns: Vec<ConnectionId>,
    /// Connections the endpoint asked to close (a framing error).
    to_close: Vec<ConnectionId>,
}

impl Side {
    fn new(addr: &str, cfg: &dyn Fn(EndpointConfig) -> EndpointConfig) -> Side {
        let addr: SocketAddr = addr.parse().expect("an address");
        let host = alloc::format!("{}", addr.ip());
        let mut seed = [7u8; 32];
        seed[..2].copy_from_slice(&addr.port().to_be_bytes());
        if let core::net::IpAddr::V4(v4) = addr.ip() {
            seed[2..6].copy_from_slice(&v4.octets());
        }
        let mut c = EndpointConfig::new(&host, seed);
        c.via_port = Some(addr.port());
        let ep = Endpoint::new(cfg(c));
        Side {
            ep,
            addr,
            sent: VecDeque::new(),
            live: BTreeSet::new(),
            dead: BTreeSet::new(),
            servers: Vec::new(),
            requests: BTreeMap::new(),
            clients: Vec::new(),
            provisional: BTreeSet::new(),
            finals: BTreeSet::new(),
            conns: Vec::new(),
            to_close: Vec::new(),
        }
    }

    fn issued(&mut self, id: TransactionId) {
        assert!(!self.dead.contains(&id), "{id} issued again after its Terminated");
        assert!(self.live.insert(id), "{id} issued twice");
    }

    fn named(&self, id: TransactionId, what: &str) {
        assert!(!self.dead.contains(&id), "{what} names {id} after its Terminated");
        assert!(self.live.contains(&id), "{what} names {id}, never issued");
    }

    /// Drains the outputs, checking every event against what the TU knows.
    fn drain(&mut self, now: Instant) {
        while let Some(out) = self.ep.poll_output() {
            match out {
                Output::Transmit(t) => {
                    assert!(!t.bytes.is_empty(), "an empty transmit");
                    if self.sent.len() == 64 {
                        self.sent.pop_front();
                    }
                    self.sent.push_back((t.destination, t.bytes));
                }
                Output::Event(e) => match e {
                    Event::Request { transaction, request } => {
                        assert!(request.message().is_request());
                        assert_ne!(request.message().method(), Some(Method::Ack), "ACK in a transaction");
                        self.issued(transaction);
                        self.servers.push(transaction);
                        self.requests.insert(transaction, request.bytes().clone());
                    }
                    Event::Ack { transaction, request } => {
                        assert_eq!(request.message().method(), Some(Method::Ack));
                        if let Some(t) = transaction {
                            self.named(t, "Ack");
                        }
                    }
                    Event::Cancelled { transaction, .. } => self.named(transaction, "Cancelled"),
                    Event::Response { transaction, response } => {
                        self.named(transaction, "Response");
                        let code = response.message().status().map_or(0, |s| s.0);
                        assert!((100..=699).contains(&code), "response status {code}");
                        let invite = self.clients.iter().any(|&(t, i)| t == transaction && i);
                        if code >= 200 {
                            // One final, or for INVITE 2xx repeated from
                            // Accepted (RFC 6026 §8.4); never a provisional
                            // after it.
                            let again = !self.finals.insert(transaction);
                            assert!(
                                !again || (invite && code < 300),
                                "a second final {code} for {transaction}"
                            );
                        } else {
                            assert!(!self.finals.contains(&transaction), "a provisional after the final");
                            self.provisional.insert(transaction);
                        }
                    }
                    Event::Timeout { transaction } => self.named(transaction, "Timeout"),
                    Event::TransportError { transaction } => self.named(transaction, "TransportError"),
                    Event::Terminated { transaction } => {
                        self.named(transaction, "Terminated");
                        self.live.remove(&transaction);
                        self.dead.insert(transaction);
                        self.requests.remove(&transaction);
                    }
                    Event::ConnectionError { connection, .. } => self.to_close.push(connection),
                },
            }
        }
        for c in core::mem::take(&mut self.to_close) {
            self.ep.handle_connection_closed(now, c);
            // Closing may produce events (transport errors, terminations).
            self.drain(now);
        }
        let max = self.ep.config().max_transactions;
        assert!(self.ep.transaction_count() <= max, "the table outgrew max_transactions");
        assert!(self.live.len() <= self.ep.transaction_count(), "the TU holds ids the table lost");
        if let Some(t) = self.ep.poll_timeout() {
            assert!(t >= now, "a deadline {t:?} in the past at {now:?}");
        }
    }

    /// Fires every deadline up to `until`, in order, at its own time.
    fn advance(&mut self, now: &mut Instant, until: Instant) {
        for _ in 0..100_000 {
            match self.ep.poll_timeout() {
                Some(t) if t <= until => {
                    *now = (*now).max(t);
                    self.ep.handle_timeout(*now);
                    if let Some(next) = self.ep.poll_timeout() {
                        assert!(next > *now, "handle_timeout({now:?}) left {next:?} due");
                    }
                    self.drain(*now);
                }
                _ => break,
            }
        }
        *now = (*now).max(until);
    }

    fn conn(&self, s: &mut Script<'_>) -> ConnectionId {
        if self.conns.is_empty() || s.byte() % 8 == 0 {
            ConnectionId(u64::from(s.byte()))
        } else {
            self.conns[usize::from(s.byte()) % self.conns.len()]
        }
    }
}

const STATUSES: [u16; 14] = [100, 180, 183, 199, 200, 202, 299, 301, 404, 481, 487, 500, 503, 603];
const METHODS: [Method<'static>; 10] = [
    Method::Invite,
    Method::Options,
    Method::Register,
    Method::Message,
    Method::Bye,
    Method::Subscribe,
    Method::Info,
    Method::Ack,
    Method::Cancel,
    Method::Extension("FOO"),
];

/// A well-formed request from `from` (a real message shape: Via with a
/// small branch space so retransmissions, merges and CANCELs collide).
fn template_request(s: &mut Script<'_>, from: SocketAddr, to: SocketAddr, transport: &str) -> Vec<u8> {
    let method = s.pick(&METHODS);
    let m = method.as_str();
    let branch = s.byte() % 8;
    let call = s.byte() % 4;
    let cseq = u32::from(s.byte() % 4) + 1;
    let to_tag = if s.byte() % 4 == 0 { ";tag=tt" } else { "" };
    let cookie = if s.byte() % 16 == 0 { "" } else { "z9hG4bK" };
    alloc::format!(
        "{m} sip:bob@{to} SIP/2.0\r\nVia: SIP/2.0/{transport} {from};branch={cookie}f{branch}\r\n\
         Max-Forwards: 70\r\nTo: <sip:bob@{to}>{to_tag}\r\nFrom: <sip:alice@{from}>;tag=ft{call}\r\n\
         Call-ID: fuzz-{call}@{from}\r\nCSeq: {cseq} {m}\r\nContact: <sip:alice@{from}>\r\n\
         Content-Length: 0\r\n\r\n"
    )
    .into_bytes()
}

/// A response to `request` (its Via, From, To, Call-ID and CSeq), or
/// nothing if it is not a request that parses.
fn answer_to(request: &[u8], status: u16, tag: Option<&str>) -> Option<OwnedMessage> {
    let m = Message::parse(request).ok()?;
    if !m.is_request() {
        return None;
    }
    if let Ok(r) = response_to(&m, StatusCode(status), tag).build() {
        return Some(r);
    }
    // A request the builder cannot answer (no From, To or Call-ID, as in
    // RFC 4475 §3.3.1, reaches a TU whose policy is `None`): the TU still
    // answers it, with the fields it has (§8.2.6.2), written by hand.
    let mut raw = alloc::format!("SIP/2.0 {status} Fuzz\r\n").into_bytes();
    for h in m.headers() {
        if matches!(
            h.name,
            HeaderName::Via | HeaderName::From | HeaderName::To | HeaderName::CallId | HeaderName::CSeq
        ) {
            raw.extend_from_slice(h.name.as_str().as_bytes());
            raw.extend_from_slice(b": ");
            raw.extend_from_slice(h.value);
            raw.extend_from_slice(b"\r\n");
        }
    }
    raw.extend_from_slice(b"Content-Length: 0\r\n\r\n");
    let parsed = Message::parse_with(&raw, &roomy(m.limits())).ok()?;
    Some(OwnedMessage::canonical(&parsed))
}

/// Delivers `bytes` to `side` the way they travelled: as a datagram from
/// `from`, or split over a connection.
fn deliver(
    side: &mut Side,
    now: Instant,
    s: &mut Script<'_>,
    how: Destination,
    from: SocketAddr,
    bytes: Bytes,
) {
    match how {
        Destination::Connection(_) if !side.conns.is_empty() => {
            let c = side.conn(s);
            let cut = usize::from(s.byte()) % (bytes.len() + 1);
            side.ep.handle_stream_data(now, c, &bytes[..cut]);
            side.drain(now);
            side.ep.handle_stream_data(now, c, &bytes[cut..]);
        }
        _ => side.ep.handle_datagram(now, from, bytes),
    }
}

/// The Endpoint: two endpoints fed arbitrary datagrams, stream chunks on
/// connections, connection opens, closes and failures, TU commands against
/// the ids they issued, each other's transmits (as is, answered, or with a
/// byte changed) and timeouts at increasing times.
///
/// Invariants: no panic; every event names an id the TU was given and that
/// has not terminated; `Terminated` comes once per id; a client sees one
/// final (or repeated INVITE 2xx) and no provisional after it; stale ids
/// are refused as unknown; the table never exceeds `max_transactions`;
/// `poll_timeout` never reports a deadline before `now`, and
/// `handle_timeout` leaves nothing due. Finally the TU answers every
/// request it was given and time runs on with no input: the tables must
/// empty, except for INVITE client transactions that saw a provisional and
/// no final (RFC 3261 §17.1.1.2: Proceeding has no timer).
pub fn endpoint(data: &[u8]) {
    let mut s = Script(data);
    let flags = s.byte();
    let max_transactions = [1, 2, 3, 8, 1 << 20][usize::from(s.byte() % 5)];
    let cfg = move |mut c: EndpointConfig| {
        c.max_transactions = max_transactions;
        c.policy = if flags & 1 == 0 { None } else { Some(Policy::user_agent()) };
        c.detect_merged_requests = flags & 2 == 0;
        c.rport = flags & 4 == 0;
        if flags & 8 != 0 {
            c.limits = TIGHT;
        }
        if flags & 16 != 0 {
            c.timers.t1 = Duration::from_millis(50);
            c.timers.t2 = Duration::from_millis(400);
            c.timers.t4 = Duration::from_millis(500);
            c.timers.timer_d = Duration::from_millis(3200);
        }
        c
    };
    let mut sides = [Side::new("192.0.2.1:5060", &cfg), Side::new("192.0.2.2:5060", &cfg)];
    let mut now = Instant::from_millis(u64::from(s.byte()));
    let mut next_conn = 1000u64;
    let mut ops = 0;
    while !s.0.is_empty() && ops < 4096 {
        ops += 1;
        let op = s.byte();
        let (me, other) = if op & 0x80 == 0 { (0, 1) } else { (1, 0) };
        let (peer_addr, my_addr) = (sides[other].addr, sides[me].addr);
        let side = &mut sides[me];
        match op & 0x7f {
            0..=7 => {
                let bytes = Bytes::copy_from_slice(s.slice(4096));
                side.ep.handle_datagram(now, peer_addr, bytes);
            }
            8..=15 => {
                let t = s.pick(&["UDP", "TCP", "TLS", "WS"]);
                let bytes = Bytes::from(template_request(&mut s, peer_addr, my_addr, t));
                let how = if t == "UDP" {
                    Destination::Datagram(peer_addr)
                } else {
                    Destination::Connection(ConnectionId(0))
                };
                deliver(side, now, &mut s, how, peer_addr, bytes);
            }
            16..=31 => {
                // The other side's transmit, delivered here.
                let [a, b] = &mut sides;
                let (from, to) = if me == 0 { (b, a) } else { (a, b) };
                if !from.sent.is_empty() {
                    let k = from.sent.len() - 1 - usize::from(s.byte()) % from.sent.len();
                    let (how, bytes) = from.sent[k].clone();
                    deliver(to, now, &mut s, how, from.addr, bytes);
                }
            }
            32..=43 => {
                // A response from the peer to one of this side's requests.
                if !side.sent.is_empty() {
                    let k = side.sent.len() - 1 - usize::from(s.byte()) % side.sent.len();
                    let (how, req) = side.sent[k].clone();
                    let status = s.pick(&STATUSES);
                    let tag = s.pick(&[None, Some("x1"), Some("x2")]);
                    if let Some(resp) = answer_to(&req, status, tag) {
                        deliver(side, now, &mut s, how, peer_addr, Bytes::from(resp.into_bytes()));
                    }
                }
            }
            44..=47 => {
                // The other side's transmit with one byte changed.
                let [a, b] = &mut sides;
                let (from, to) = if me == 0 { (b, a) } else { (a, b) };
                if !from.sent.is_empty() {
                    let k = from.sent.len() - 1 - usize::from(s.byte()) % from.sent.len();
                    let (how, bytes) = from.sent[k].clone();
                    let mut m = bytes.to_vec();
                    let pos = usize::from(s.u16()) % m.len().max(1);
                    if let Some(c) = m.get_mut(pos) {
                        *c = s.byte();
                    }
                    deliver(to, now, &mut s, how, from.addr, Bytes::from(m));
                }
            }
            48..=51 => {
                next_conn += 1;
                let c = ConnectionId(next_conn);
                let t = s.pick(&[Transport::Tcp, Transport::Tls, Transport::Ws, Transport::Sctp]);
                side.ep.handle_connection_opened(now, c, t, peer_addr);
                side.conns.push(c);
            }
            52..=59 => {
                let c = side.conn(&mut s);
                let chunk = s.slice(4096);
                side.ep.handle_stream_data(now, c, chunk);
            }
            60..=63 => {
                let c = side.conn(&mut s);
                match s.byte() % 3 {
                    0 => side.ep.handle_connection_closed(now, c),
                    1 => side.ep.handle_connection_failed(now, c),
                    _ => side.ep.handle_send_failed(now, Destination::Connection(c)),
                }
            }
            64..=67 => side.ep.handle_send_failed(now, Destination::Datagram(peer_addr)),
            68..=83 => {
                let method = s.pick(&METHODS);
                let dest = if s.byte() % 3 == 0 {
                    Destination::Connection(side.conn(&mut s))
                } else {
                    Destination::Datagram(peer_addr)
                };
                let call = s.byte() % 4;
                let req = OwnedMessage::request(method, &alloc::format!("sip:bob@{peer_addr}"))
                    .to(&alloc::format!("<sip:bob@{peer_addr}>"))
                    .from(&alloc::format!("<sip:alice@{my_addr}>;tag=t{call}"))
                    .call_id(&alloc::format!("c{call}@{my_addr}"))
                    .cseq(u32::from(s.byte()) + 1);
                let r = side.ep.send_request(now, req, dest);
                match r {
                    Ok(id) => {
                        assert!(
                            !matches!(method, Method::Ack | Method::Cancel),
                            "sent {method:?} in a transaction"
                        );
                        side.issued(id);
                        side.clients.push((id, method == Method::Invite));
                    }
                    Err(e) => assert!(
                        matches!(
                            e,
                            EndpointError::TableFull
                                | EndpointError::UnknownConnection
                                | EndpointError::InvalidMessage
                        ),
                        "send_request: {e:?}"
                    ),
                }
            }
            84..=99 => {
                if !side.servers.is_empty() {
                    let id = side.servers[usize::from(s.byte()) % side.servers.len()];
                    let status = s.pick(&STATUSES);
                    let request = side.requests.get(&id).cloned().unwrap_or_else(|| Bytes::from_static(b""));
                    let to_tag = s.pick(&[Some("srv"), None]);
                    if let Some(resp) = answer_to(&request, status, to_tag) {
                        let r = side.ep.send_response(now, id, resp);
                        if side.dead.contains(&id) {
                            assert_eq!(r, Err(EndpointError::UnknownTransaction), "a stale id was taken");
                        }
                    } else if side.dead.contains(&id) {
                        // Its request is forgotten: any response will do.
                        let any = b"INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKs\r\n\
                            From: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: s\r\nCSeq: 1 INVITE\r\n\r\n";
                        let r = answer_to(any, status, None).expect("a response");
                        assert_eq!(side.ep.send_response(now, id, r), Err(EndpointError::UnknownTransaction));
                    }
                }
            }
            100..=107 => {
                if !side.clients.is_empty() {
                    let (id, invite) = side.clients[usize::from(s.byte()) % side.clients.len()];
                    let r = side.ep.cancel(now, id);
                    if side.dead.contains(&id) {
                        assert_eq!(r, Err(EndpointError::UnknownTransaction), "a stale id was cancelled");
                    } else if !invite {
                        assert_eq!(r, Err(EndpointError::WrongTransaction));
                    } else {
                        // A CANCEL needs a transaction of its own: a full
                        // table refuses it (and the INVITE's Timer B,
                        // restarted, still ends it: RFC 3261 §9.1).
                        let full = side.ep.transaction_count() >= side.ep.config().max_transactions;
                        assert!(
                            r.is_ok() || (full && r == Err(EndpointError::TableFull)),
                            "cancel of a live INVITE: {r:?}"
                        );
                    }
                }
            }
            108..=111 => {
                let ack = OwnedMessage::request(Method::Ack, &alloc::format!("sip:bob@{peer_addr}"))
                    .to(&alloc::format!("<sip:bob@{peer_addr}>;tag=srv"))
                    .from(&alloc::format!("<sip:alice@{my_addr}>;tag=t0"))
                    .call_id(&alloc::format!("c0@{my_addr}"))
                    .cseq(1);
                let dest = if s.byte() % 2 == 0 {
                    Destination::Datagram(peer_addr)
                } else {
                    Destination::Connection(side.conn(&mut s))
                };
                let _ = side.ep.send_ack(now, ack, dest);
            }
            _ => {
                // Time passes: every deadline fires at its own time.
                let unit = s.pick(&[1u64, 10, 100, 1000]);
                let until = now + Duration::from_millis(u64::from(s.byte()) * unit);
                for side in &mut sides {
                    let mut t = now;
                    side.advance(&mut t, until);
                }
                now = until;
            }
        }
        for side in &mut sides {
            side.drain(now);
        }
    }

    // The TU answers everything it was given; then time runs on, with no
    // input, until nothing is scheduled.
    for side in &mut sides {
        let pending: Vec<(TransactionId, Bytes)> =
            side.requests.iter().map(|(&t, b)| (t, b.clone())).collect();
        for (id, request) in pending {
            if let Some(resp) = answer_to(&request, 500, Some("end")) {
                // Refused only if it already has its final.
                let _ = side.ep.send_response(now, id, resp);
            }
        }
        side.drain(now);
        let mut t = now;
        side.advance(&mut t, Instant::from_nanos(u64::MAX / 2));
        assert_eq!(side.ep.poll_timeout(), None, "deadlines left after running time out");
        for id in &side.live {
            let stuck = side.clients.iter().any(|&(t, invite)| t == *id && invite)
                && side.provisional.contains(id)
                && !side.finals.contains(id);
            assert!(stuck, "{id} never terminated");
        }
        assert_eq!(side.ep.transaction_count(), side.live.len(), "transactions left in the table");
    }
}

/// One user agent under fuzzing and what its application has seen.
struct UaSide {
    ua: crate::ua::UserAgent,
    addr: SocketAddr,
    /// Sessions the application knows, and whether each was answered.
    sessions: BTreeMap<crate::ua::SessionId, bool>,
    /// Sessions whose pending INVITE (initial or re-) awaits an answer.
    pending: BTreeSet<crate::ua::SessionId>,
    ended: BTreeSet<crate::ua::SessionId>,
    /// Transmits not yet delivered to the other side.
    wire: VecDeque<Bytes>,
}

impl UaSide {
    fn new(addr: &str, user: &str, seed: u8, max_sessions: usize) -> Self {
        let addr: SocketAddr = addr.parse().unwrap_or(SocketAddr::from(([127, 0, 0, 1], 5060)));
        let mut c = crate::ua::UaConfig::new(
            &alloc::format!("{}", addr.ip()),
            &alloc::format!("<sip:{user}@{addr}>"),
            [seed; 32],
        );
        c.endpoint.via_port = Some(addr.port());
        c.max_sessions = max_sessions;
        UaSide {
            ua: crate::ua::UserAgent::new(c),
            addr,
            sessions: BTreeMap::new(),
            pending: BTreeSet::new(),
            ended: BTreeSet::new(),
            wire: VecDeque::new(),
        }
    }

    fn drain(&mut self) {
        use crate::ua::{UaEvent, UaOutput};
        while let Some(out) = self.ua.poll_output() {
            match out {
                UaOutput::Transmit(t) => {
                    if self.wire.len() < 4096 {
                        self.wire.push_back(t.bytes);
                    }
                }
                UaOutput::Event(e) => match e {
                    UaEvent::IncomingCall { session, .. } => {
                        assert!(!self.sessions.contains_key(&session), "a session id reused");
                        self.sessions.insert(session, false);
                        self.pending.insert(session);
                    }
                    UaEvent::ReInvite { session, .. } => {
                        assert!(self.sessions.contains_key(&session), "re-INVITE in an unknown session");
                        self.pending.insert(session);
                    }
                    UaEvent::Answered { session, .. } | UaEvent::Acked { session } => {
                        assert!(!self.ended.contains(&session), "an event after Ended");
                        self.sessions.insert(session, true);
                    }
                    UaEvent::Ended { session, .. } => {
                        assert!(self.ended.insert(session), "Ended twice for {session}");
                        self.sessions.remove(&session);
                        self.pending.remove(&session);
                    }
                    UaEvent::Request { transaction, request, .. } => {
                        if let Ok(ok) = response_to(request.message(), StatusCode::OK, Some("fz")).build() {
                            let _ = self.ua.respond(Instant::ZERO, transaction, ok);
                        }
                    }
                    _ => {}
                },
            }
        }
        assert!(self.ua.session_count() <= self.ua.config().max_sessions, "sessions outgrew max_sessions");
    }
}

/// The UA core: a caller and a callee whose messages reach each other
/// (or not: dropped, duplicated, a byte changed, delayed), with arbitrary
/// datagrams injected and the applications' commands (call, ring reliably
/// or not, answer, reject, hang up, re-INVITE, UPDATE) at increasing
/// times.
///
/// Invariants: no panic; `Ended` once per session and no event after it;
/// sessions never exceed `max_sessions`; a deadline is never in the past.
/// When nothing was mutated, after both applications answer what is
/// pending, hang up what is up and time runs on with the network perfect,
/// both sides hold no session and no transaction.
pub fn user_agent(data: &[u8]) {
    use crate::ua::SessionId;
    let mut s = Script(data);
    let max_sessions = [1, 2, 8][usize::from(s.byte() % 3)];
    let mut sides = [
        UaSide::new("192.0.2.1:5060", "alice", 1, max_sessions),
        UaSide::new("192.0.2.2:5060", "bob", 2, max_sessions),
    ];
    let mut now = Instant::ZERO;
    let mut mutated = false;
    let peer = |i: usize| {
        Destination::Datagram(if i == 0 { "192.0.2.2:5060" } else { "192.0.2.1:5060" }.parse().unwrap())
    };
    for _ in 0..256 {
        if s.0.is_empty() {
            break;
        }
        let op = s.byte();
        let i = usize::from(op & 1);
        let pick_session = |side: &UaSide, b: u8| -> Option<SessionId> {
            let ids: Vec<SessionId> = side.sessions.keys().copied().collect();
            (!ids.is_empty()).then(|| ids[usize::from(b) % ids.len()])
        };
        match op >> 1 {
            // The network: deliver, drop, duplicate or mutate one message.
            0..=39 => {
                let from = sides[i].addr;
                let Some(bytes) = sides[i].wire.pop_front() else { continue };
                let fate = s.byte();
                let other = &mut sides[1 - i];
                match fate % 16 {
                    0 => {}
                    1 => {
                        other.ua.handle_datagram(now, from, bytes.clone());
                        other.ua.handle_datagram(now, from, bytes);
                    }
                    2 => {
                        mutated = true;
                        let mut v = bytes.to_vec();
                        if !v.is_empty() {
                            let at = usize::from(s.u16()) % v.len();
                            v[at] = s.byte();
                        }
                        other.ua.handle_datagram(now, from, Bytes::from(v));
                    }
                    3 => sides[i].wire.push_back(bytes), // reordered
                    _ => other.ua.handle_datagram(now, from, bytes),
                }
                sides[1 - i].drain();
            }
            // Arbitrary bytes from anywhere.
            40..=44 => {
                mutated = true;
                let junk = Bytes::copy_from_slice(s.slice(2048));
                sides[i].ua.handle_datagram(now, "198.51.100.7:5060".parse().unwrap(), junk);
            }
            45..=54 => {
                let inv = sides[i].ua.new_invite("sip:x@192.0.2.9", "<sip:a@192.0.2.1>", "<sip:b@192.0.2.2>");
                if let Ok(id) = sides[i].ua.invite(now, inv, peer(i)) {
                    sides[i].sessions.insert(id, false);
                }
            }
            55..=64 => {
                let b = s.byte();
                let ids: Vec<SessionId> = sides[i].pending.iter().copied().collect();
                if let Some(&id) = ids.get(usize::from(b) % ids.len().max(1)) {
                    let side = &mut sides[i];
                    let _ = match s.byte() % 4 {
                        0 => side.ua.ring(now, id, StatusCode::RINGING, true, None),
                        1 => side.ua.ring(now, id, StatusCode::SESSION_PROGRESS, false, None),
                        2 => side.ua.reject(now, id, StatusCode::BUSY_HERE),
                        _ => side.ua.answer(now, id, None),
                    };
                    if s.byte() % 2 == 0 {
                        side.pending.remove(&id);
                    }
                }
            }
            65..=72 => {
                let b = s.byte();
                if let Some(id) = pick_session(&sides[i], b) {
                    let _ = sides[i].ua.hangup(now, id);
                }
            }
            73..=78 => {
                let b = s.byte();
                if let Some(id) = pick_session(&sides[i], b) {
                    let _ = sides[i].ua.reinvite(now, id, None);
                }
            }
            79..=82 => {
                let b = s.byte();
                if let Some(id) = pick_session(&sides[i], b) {
                    let _ = sides[i].ua.request(now, id, Method::Update, None);
                }
            }
            // Time passes.
            _ => {
                let step = Duration::from_millis(u64::from(s.u16()) * 4);
                now += step;
                for side in &mut sides {
                    while let Some(t) = side.ua.poll_timeout() {
                        if t > now {
                            break;
                        }
                        side.ua.handle_timeout(t);
                        if let Some(next) = side.ua.poll_timeout() {
                            assert!(next > t || next >= now, "handle_timeout left a deadline due");
                        }
                    }
                }
            }
        }
        for side in &mut sides {
            side.drain();
        }
    }
    if mutated {
        return;
    }
    // Wind down: answer what is pending, hang up what is up, deliver
    // everything, let time run out.
    for _ in 0..200 {
        for side in &mut sides {
            side.pending.clear();
            // Every session is refused if it still has an INVITE to
            // answer (the script may have forgotten one: RFC 3261 gives a
            // UAS in Proceeding no timer, so nothing else would end it),
            // and hung up otherwise.
            let ids: Vec<SessionId> = side.sessions.keys().copied().collect();
            for id in ids {
                if side.ua.reject(now, id, StatusCode::BUSY_HERE).is_err() {
                    let _ = side.ua.hangup(now, id);
                }
            }
            side.drain();
        }
        for i in 0..2 {
            let from = sides[i].addr;
            while let Some(b) = sides[i].wire.pop_front() {
                sides[1 - i].ua.handle_datagram(now, from, b);
                sides[1 - i].drain();
            }
        }
        let next = sides.iter_mut().filter_map(|s| s.ua.poll_timeout()).min();
        match next {
            Some(t) => {
                now = now.max(t);
                for side in &mut sides {
                    if side.ua.poll_timeout().is_some_and(|d| d <= now) {
                        side.ua.handle_timeout(now);
                    }
                    side.drain();
                }
            }
            None if sides.iter().all(|s| s.wire.is_empty()) => break,
            None => {}
        }
    }
    for side in &sides {
        assert_eq!(side.ua.session_count(), 0, "sessions left after the wind-down");
        assert_eq!(side.ua.endpoint().transaction_count(), 0, "transactions left after the wind-down");
    }
}
