//! Properties of the Endpoint's transaction layer (RFC 3261 §17 as
//! corrected by RFC 6026), checked over the simulated network.
//!
//! Each quickcheck case is a [`Script`]: two or three endpoints, a random
//! link (latency, jitter, loss up to 30 %, duplication), client requests
//! (INVITE, OPTIONS, REGISTER, MESSAGE, BYE, each with a fresh Call-ID)
//! over UDP and, in some runs, TCP, the answer the far TU gives each one
//! (a provisional then a final of class 2xx–6xx, or a final only, after a
//! delay; for INVITE the UAS core may retransmit its 2xx, §13.3.1.4),
//! CANCELs, and partitions that heal. The harness plays both TUs and
//! advances virtual time; afterwards every run must show:
//!
//! * every transaction terminated, once, within a bound computed from the
//!   timers, and nothing named a transaction after its `Terminated`;
//! * each one ended exactly when its timers say (virtual time fires every
//!   deadline on the dot): Timer B or F 64·T1 after the request, K, D or
//!   M after the first final, J or L after the TU's final, H or I after a
//!   non-2xx;
//! * every table empty (the one exception RFC 3261 allows, an INVITE
//!   client transaction left in Proceeding because no copy of any final
//!   response ever reached it — §17.1.1.2 gives Proceeding no timer — is
//!   checked against the datagrams actually delivered);
//! * for each server transaction, the distinct responses on the wire are
//!   exactly those its TU gave, in order (retransmissions are copies);
//! * each client transaction delivered at most one final response, or for
//!   INVITE any number of 2xx (RFC 6026 §8.4, the Accepted state), and
//!   only statuses its server's TU actually sent.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use bytes::Bytes;
use common::World;
use quickcheck::{Arbitrary, Gen, QuickCheck};
use sip_proto::Instant;
use sip_proto::endpoint::{CancelOutcome, Destination, EndpointError, Event, TransactionId};
use sip_proto::message::builder::{OwnedMessage, response_to};
use sip_proto::message::{HeaderName, Message, Method, StatusCode};
use sip_proto::sim::LinkConfig;
use sip_proto::transaction::TimerConfig;
use sip_proto::transport::ConnectionId;

const TIMERS: TimerConfig = TimerConfig::RFC3261;

fn num(g: &mut Gen, max: u64) -> u64 {
    u64::arbitrary(g) % (max + 1)
}

fn chance(g: &mut Gen, percent: u64) -> bool {
    num(g, 99) < percent
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Invite,
    Options,
    Register,
    Message,
    Bye,
}

impl Kind {
    fn method(self) -> Method<'static> {
        match self {
            Kind::Invite => Method::Invite,
            Kind::Options => Method::Options,
            Kind::Register => Method::Register,
            Kind::Message => Method::Message,
            Kind::Bye => Method::Bye,
        }
    }
}

/// What the server's TU does with one request.
#[derive(Clone, Debug)]
struct Answer {
    /// A provisional first (after a third of the delay).
    provisional: bool,
    /// The final status.
    status: u16,
    /// Milliseconds from the request's arrival to the final.
    delay: u64,
    /// For an INVITE's 2xx: the UAS core retransmits it until the ACK
    /// (RFC 3261 §13.3.1.4); otherwise it is sent once.
    retransmit_2xx: bool,
}

#[derive(Clone, Debug)]
struct Req {
    /// Milliseconds from the start.
    at: u64,
    from: usize,
    to: usize,
    kind: Kind,
    tcp: bool,
    answer: Answer,
    /// Milliseconds after sending at which the client TU cancels.
    cancel_after: Option<u64>,
}

#[derive(Clone, Debug)]
struct Cut {
    at: u64,
    a: usize,
    b: usize,
    heal_after: u64,
    /// Instead of a partition, `a` closes its connection to `b` (orderly:
    /// `b` sees the close after the data in flight).
    close: bool,
}

#[derive(Clone, Debug)]
struct Script {
    seed: u64,
    nodes: usize,
    latency: u64,
    jitter: u64,
    /// Per mille.
    loss: u64,
    duplicate: u64,
    reqs: Vec<Req>,
    cuts: Vec<Cut>,
}

impl Script {
    fn link(&self) -> LinkConfig {
        LinkConfig::PERFECT
            .with_latency(Duration::from_millis(self.latency))
            .with_jitter(Duration::from_millis(self.jitter))
            .with_loss(self.loss as f64 / 1000.0)
            .with_duplicate(self.duplicate as f64 / 1000.0)
    }

    fn gen_with(g: &mut Gen, invite_focus: bool) -> Script {
        let nodes = 2 + num(g, 1) as usize;
        let tcp_run = chance(g, 40);
        let n_reqs = 1 + num(g, 9) as usize;
        let mut reqs = Vec::new();
        for _ in 0..n_reqs {
            let from = num(g, nodes as u64 - 1) as usize;
            let to = (from + 1 + num(g, nodes as u64 - 2) as usize) % nodes;
            let kind = if invite_focus && chance(g, 85) {
                Kind::Invite
            } else {
                *g.choose(&[Kind::Invite, Kind::Options, Kind::Register, Kind::Message, Kind::Bye]).unwrap()
            };
            let status = if invite_focus && chance(g, 75) {
                *g.choose(&[200, 202]).unwrap()
            } else {
                *g.choose(&[200, 202, 302, 404, 486, 500, 503, 603]).unwrap()
            };
            let answer = Answer {
                provisional: chance(g, 60),
                status,
                delay: *g.choose(&[0, 0, 50, 150, 400, 1000, 3000]).unwrap(),
                retransmit_2xx: chance(g, if invite_focus { 80 } else { 50 }),
            };
            reqs.push(Req {
                at: num(g, 20_000),
                from,
                to,
                kind,
                tcp: tcp_run && chance(g, 60),
                answer,
                cancel_after: chance(g, 25).then(|| num(g, 2_000)),
            });
        }
        let n_cuts = if chance(g, 40) { 1 + num(g, 1) as usize } else { 0 };
        let cuts = (0..n_cuts)
            .map(|_| {
                let a = num(g, nodes as u64 - 1) as usize;
                let close = tcp_run && chance(g, 50);
                Cut { at: num(g, 20_000), a, b: (a + 1) % nodes, heal_after: 100 + num(g, 3_900), close }
            })
            .collect();
        Script {
            seed: u64::arbitrary(g),
            nodes,
            latency: 1 + num(g, 40),
            jitter: num(g, 100),
            loss: num(g, 300),
            duplicate: num(g, 200),
            reqs,
            cuts,
        }
    }

    fn shrunk(&self) -> Vec<Script> {
        let mut out = Vec::new();
        for i in 0..self.reqs.len() {
            if self.reqs.len() > 1 {
                let mut s = self.clone();
                s.reqs.remove(i);
                out.push(s);
            }
            if self.reqs[i].cancel_after.is_some() {
                let mut s = self.clone();
                s.reqs[i].cancel_after = None;
                out.push(s);
            }
        }
        for i in 0..self.cuts.len() {
            let mut s = self.clone();
            s.cuts.remove(i);
            out.push(s);
        }
        if self.loss > 0 || self.duplicate > 0 || self.jitter > 0 {
            out.push(Script { loss: 0, duplicate: 0, jitter: 0, ..self.clone() });
        }
        out
    }
}

/// Scripts of every method (RFC 3261 §17).
#[derive(Clone, Debug)]
struct AnyScript(Script);

impl Arbitrary for AnyScript {
    fn arbitrary(g: &mut Gen) -> Self {
        AnyScript(Script::gen_with(g, false))
    }
    fn shrink(&self) -> Box<dyn Iterator<Item = Self>> {
        Box::new(self.0.shrunk().into_iter().map(AnyScript))
    }
}

/// Scripts of mostly INVITEs answered 2xx, often retransmitted (RFC 6026).
#[derive(Clone, Debug)]
struct InviteScript(Script);

impl Arbitrary for InviteScript {
    fn arbitrary(g: &mut Gen) -> Self {
        InviteScript(Script::gen_with(g, true))
    }
    fn shrink(&self) -> Box<dyn Iterator<Item = Self>> {
        Box::new(self.0.shrunk().into_iter().map(InviteScript))
    }
}

// ---- the run -------------------------------------------------------------

enum Action {
    Send(usize),
    Respond { node: usize, tx: TransactionId, msg: OwnedMessage },
    Retransmit2xx { node: usize, tx: TransactionId, msg: OwnedMessage, call: usize, interval: Duration },
    Cancel(usize),
    Partition(usize, usize),
    Heal(usize, usize),
    Close(usize, usize),
}

#[derive(Debug)]
struct Life {
    created: Instant,
    terminated: Option<Instant>,
}

struct ClientTx {
    call: usize,
    node: usize,
    invite: bool,
    dest: Destination,
    statuses: Vec<u16>,
    /// When the first final response reached the TU, and its status.
    first_final: Option<(Instant, u16)>,
    /// When the first response of any kind, and the first provisional,
    /// reached the TU.
    first_response: Option<Instant>,
    first_provisional: Option<Instant>,
    timeout: Option<Instant>,
    transport_error: Option<Instant>,
    /// When the TU asked for a CANCEL, and whether it went at once (§9.1:
    /// otherwise it waits for a provisional). Sending it restarts Timer B.
    cancel: Option<(Instant, CancelOutcome)>,
}

struct ServerTx {
    call: usize,
    node: usize,
    invite: bool,
    branch: String,
    method: String,
    /// Every response the TU gave that the endpoint accepted.
    given: Vec<Bytes>,
    final_sent: bool,
    /// When the TU's first final went down, and its status.
    first_final: Option<(Instant, u16)>,
    /// Whether the request came over TCP.
    reliable: bool,
    timeout: Option<Instant>,
    /// The 487 to send if a CANCEL arrives first.
    terminated_487: Option<OwnedMessage>,
}

struct Run<'s> {
    s: &'s Script,
    w: World,
    actions: BTreeMap<(Instant, u64), Action>,
    seq: u64,
    lives: Vec<BTreeMap<TransactionId, Life>>,
    clients: BTreeMap<(usize, TransactionId), ClientTx>,
    client_of_call: BTreeMap<usize, TransactionId>,
    servers: BTreeMap<(usize, TransactionId), ServerTx>,
    conns: BTreeMap<(usize, usize), ConnectionId>,
    acked: BTreeSet<usize>,
    transport_errors: BTreeSet<(usize, TransactionId)>,
    last_tu_input: Instant,
    last_terminated: Instant,
}

fn at(ms: u64) -> Instant {
    Instant::ZERO + Duration::from_millis(ms)
}

fn call_of(m: &Message<'_>) -> usize {
    let id = m.call_id().expect("a Call-ID");
    id.strip_prefix("call-").and_then(|r| r.split('@').next()).and_then(|n| n.parse().ok()).expect("ours")
}

fn branch_of(m: &Message<'_>) -> String {
    m.top_via().ok().and_then(|v| v.branch()).unwrap_or_default().to_string()
}

/// A response without its Via lines: the endpoint writes the request's
/// received/rport into the top Via as it sends (RFC 3261 §18.2.1), so the
/// wire copy differs from the TU's there and only there.
fn without_vias(b: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(b.len());
    for line in b.split_inclusive(|&c| c == b'\n') {
        if !(line.starts_with(b"Via:") || line.starts_with(b"v:")) {
            out.extend_from_slice(line);
        }
    }
    Bytes::from(out)
}

fn status_of(b: &[u8]) -> u16 {
    Message::parse(b).ok().and_then(|m| m.status()).map_or(0, |s| s.0)
}

impl<'s> Run<'s> {
    fn new(s: &'s Script) -> Self {
        let mut w = World::new(s.seed).with_link(s.link());
        for n in 0..s.nodes {
            w.add(&format!("192.0.2.{}:5060", n + 1), |c| c);
        }
        let mut r = Run {
            s,
            w,
            actions: BTreeMap::new(),
            seq: 0,
            lives: (0..s.nodes).map(|_| BTreeMap::new()).collect(),
            clients: BTreeMap::new(),
            client_of_call: BTreeMap::new(),
            servers: BTreeMap::new(),
            conns: BTreeMap::new(),
            acked: BTreeSet::new(),
            transport_errors: BTreeSet::new(),
            last_tu_input: Instant::ZERO,
            last_terminated: Instant::ZERO,
        };
        for (i, q) in s.reqs.iter().enumerate() {
            r.schedule(at(q.at), Action::Send(i));
            if let Some(c) = q.cancel_after {
                r.schedule(at(q.at + c), Action::Cancel(i));
            }
        }
        for c in &s.cuts {
            if c.close {
                r.schedule(at(c.at), Action::Close(c.a, c.b));
            } else {
                r.schedule(at(c.at), Action::Partition(c.a, c.b));
                r.schedule(at(c.at + c.heal_after), Action::Heal(c.a, c.b));
            }
        }
        r
    }

    fn schedule(&mut self, when: Instant, a: Action) {
        self.seq += 1;
        self.actions.insert((when, self.seq), a);
    }

    fn tu_input(&mut self) {
        self.last_tu_input = self.last_tu_input.max(self.w.now);
    }

    fn drive(&mut self) {
        let limit = at(1_000_000);
        let mut steps = 0u32;
        loop {
            steps += 1;
            assert!(steps < 200_000, "the run does not settle");
            self.drain();
            let net = self.w.next_time();
            let act = self.actions.keys().next().map(|k| k.0);
            match (net, act) {
                (None, None) => break,
                (_, Some(a)) if net.is_none_or(|n| a <= n) => {
                    let (key, action) = self.actions.pop_first().unwrap();
                    self.w.now = self.w.now.max(key.0);
                    self.perform(action);
                }
                (Some(n), _) => {
                    assert!(n <= limit, "still busy at {n:?}");
                    if let Some(events) = self.w.step() {
                        for (node, e) in events {
                            self.event(node, e);
                        }
                    }
                }
                (None, Some(_)) => unreachable!(),
            }
        }
    }

    fn drain(&mut self) {
        loop {
            let events = self.w.pump();
            if events.is_empty() {
                return;
            }
            for (node, e) in events {
                self.event(node, e);
            }
        }
    }

    fn dest(&mut self, from: usize, to: usize, tcp: bool) -> Destination {
        if !tcp {
            return Destination::Datagram(self.w.addr(to));
        }
        let conn = match self.conns.get(&(from, to)) {
            Some(&c) => c,
            None => {
                let c = self.w.connect(from, to);
                self.conns.insert((from, to), c);
                c
            }
        };
        Destination::Connection(conn)
    }

    fn perform(&mut self, action: Action) {
        let now = self.w.now;
        match action {
            Action::Send(i) => {
                let script = self.s;
                let q = &script.reqs[i];
                let (from, to, kind, tcp) = (q.from, q.to, q.kind, q.tcp);
                let target = format!("sip:n{to}@192.0.2.{}", to + 1);
                let req = OwnedMessage::request(kind.method(), &target)
                    .to(&format!("<{target}>"))
                    .from(&format!("<sip:n{from}@192.0.2.{}>;tag=f{i}", from + 1))
                    .call_id(&format!("call-{i}@192.0.2.{}", from + 1))
                    .cseq(1 + i as u32);
                let mut dest = self.dest(from, to, tcp);
                self.tu_input();
                let mut result = self.w.ep(from).send_request(now, req.clone(), dest);
                if result == Err(EndpointError::UnknownConnection) {
                    // The connection failed (a partition): open another.
                    self.conns.remove(&(from, to));
                    dest = self.dest(from, to, tcp);
                    result = self.w.ep(from).send_request(now, req, dest);
                }
                let tx = result.expect("send_request");
                self.created(from, tx);
                self.client_of_call.insert(i, tx);
                self.clients.insert(
                    (from, tx),
                    ClientTx {
                        call: i,
                        node: from,
                        invite: kind == Kind::Invite,
                        dest,
                        statuses: Vec::new(),
                        first_final: None,
                        first_response: None,
                        first_provisional: None,
                        timeout: None,
                        transport_error: None,
                        cancel: None,
                    },
                );
            }
            Action::Cancel(i) => {
                let Some(&tx) = self.client_of_call.get(&i) else { return };
                let node = self.s.reqs[i].from;
                if self.lives[node][&tx].terminated.is_some() {
                    return;
                }
                self.tu_input();
                let r = self.w.ep(node).cancel(now, tx);
                if self.s.reqs[i].kind == Kind::Invite {
                    let outcome = r.expect("CANCEL of a live INVITE");
                    if let Some(c) = self.clients.get_mut(&(node, tx)) {
                        c.cancel.get_or_insert((now, outcome));
                    }
                } else {
                    assert_eq!(r, Err(EndpointError::WrongTransaction), "CANCEL of a non-INVITE");
                }
            }
            Action::Respond { node, tx, msg } => {
                self.respond(node, tx, msg);
            }
            Action::Retransmit2xx { node, tx, msg, call, interval } => {
                if self.acked.contains(&call) {
                    return;
                }
                // RFC 3261 §13.3.1.4: T1, doubling up to T2, until the ACK;
                // the Accepted state (RFC 6026 §8.6) passes each one on,
                // and Timer L ends it (then the id is stale).
                if self.respond(node, tx, msg.clone()) {
                    let next = (interval * 2).min(TIMERS.t2);
                    self.schedule(
                        now + interval,
                        Action::Retransmit2xx { node, tx, msg, call, interval: next },
                    );
                }
            }
            Action::Partition(a, b) => {
                let (a, b) = (self.w.addr(a).ip(), self.w.addr(b).ip());
                self.w.net.partition(a, b);
            }
            Action::Heal(a, b) => {
                let (a, b) = (self.w.addr(a).ip(), self.w.addr(b).ip());
                self.w.net.heal(a, b);
            }
            Action::Close(a, b) => {
                // The closing side hears nothing from the network: its
                // adapter tells its endpoint.
                if let Some(conn) = self.conns.remove(&(a, b)) {
                    self.w.net.close(now, conn);
                    self.w.ep(a).handle_connection_closed(now, conn);
                }
            }
        }
    }

    /// The server TU answers; returns whether the endpoint took it.
    fn respond(&mut self, node: usize, tx: TransactionId, msg: OwnedMessage) -> bool {
        self.tu_input();
        let bytes = Bytes::copy_from_slice(msg.as_bytes());
        let status = status_of(&bytes);
        match self.w.respond(node, tx, msg) {
            Ok(()) => {
                let s = self.servers.get_mut(&(node, tx)).expect("a server transaction");
                assert!(!s.final_sent || (s.invite && (200..300).contains(&status)), "a second final");
                s.given.push(bytes);
                if status >= 200 && s.first_final.is_none() {
                    s.first_final = Some((self.w.now, status));
                }
                s.final_sent |= status >= 200;
                true
            }
            Err(EndpointError::UnknownTransaction) => {
                // Only a transaction that has terminated may be stale.
                // (Events are drained before every action, so its
                // Terminated has been seen.)
                assert!(self.lives[node][&tx].terminated.is_some());
                false
            }
            Err(EndpointError::Transaction(_)) => {
                assert!(self.servers[&(node, tx)].final_sent, "refused before any final");
                false
            }
            Err(e) => panic!("send_response: {e:?}"),
        }
    }

    fn created(&mut self, node: usize, tx: TransactionId) {
        let now = self.w.now;
        let prev = self.lives[node].insert(tx, Life { created: now, terminated: None });
        assert!(prev.is_none(), "transaction id {tx} issued twice on node {node}");
    }

    fn live(&self, node: usize, tx: TransactionId, what: &str) {
        let life = self.lives[node].get(&tx).unwrap_or_else(|| panic!("{what} names unknown {tx}"));
        assert!(life.terminated.is_none(), "{what} names {tx} after its Terminated");
    }

    fn event(&mut self, node: usize, e: Event) {
        let now = self.w.now;
        match e {
            Event::Request { transaction, request } => {
                self.created(node, transaction);
                let m = request.message();
                let call = call_of(m);
                let invite = m.method() == Some(Method::Invite);
                let plan = self.s.reqs[call].answer.clone();
                let tag = format!("t{call}");
                let build = |code: u16| response_to(m, StatusCode(code), Some(&tag)).build().unwrap();
                self.servers.insert(
                    (node, transaction),
                    ServerTx {
                        call,
                        node,
                        invite,
                        branch: branch_of(m),
                        method: m.method().unwrap().as_str().to_string(),
                        given: Vec::new(),
                        final_sent: false,
                        first_final: None,
                        reliable: self.s.reqs[call].tcp,
                        timeout: None,
                        terminated_487: invite.then(|| build(487)),
                    },
                );
                let ms = Duration::from_millis;
                if plan.provisional {
                    let msg = build(if invite { 180 } else { 100 });
                    self.schedule(now + ms(plan.delay / 3), Action::Respond { node, tx: transaction, msg });
                }
                let fin = build(plan.status);
                let when = now + ms(plan.delay);
                if invite && plan.status < 300 && plan.retransmit_2xx {
                    let action =
                        Action::Retransmit2xx { node, tx: transaction, msg: fin, call, interval: TIMERS.t1 };
                    self.schedule(when, action);
                } else {
                    self.schedule(when, Action::Respond { node, tx: transaction, msg: fin });
                }
            }
            Event::Ack { transaction, request } => {
                let m = request.message();
                if let Some(tx) = transaction {
                    self.live(node, tx, "Ack");
                    let s = &self.servers[&(node, tx)];
                    assert!(s.invite && s.given.iter().any(|b| (200..300).contains(&status_of(b))));
                }
                // The ACK of a 2xx ends the core's retransmissions.
                self.acked.insert(call_of(m));
            }
            Event::Cancelled { transaction, .. } => {
                self.live(node, transaction, "Cancelled");
                let s = self.servers.get_mut(&(node, transaction)).expect("an INVITE server transaction");
                assert!(s.invite && !s.final_sent, "Cancelled after a final");
                let msg = s.terminated_487.take();
                if let Some(msg) = msg {
                    // §9.2: the UAS answers the INVITE with 487.
                    assert!(self.respond(node, transaction, msg));
                }
            }
            Event::Response { transaction, response } => {
                self.live(node, transaction, "Response");
                let m = response.message();
                let status = m.status().unwrap().0;
                let c = self.clients.get_mut(&(node, transaction)).expect("a client transaction");
                c.statuses.push(status);
                c.first_response.get_or_insert(now);
                if status < 200 {
                    c.first_provisional.get_or_insert(now);
                }
                if status >= 200 && c.first_final.is_none() {
                    c.first_final = Some((now, status));
                }
                if c.invite && (200..300).contains(&status) {
                    // §13.2.2.4: the UAC core ACKs every 2xx it receives.
                    let (call, dest) = (c.call, c.dest);
                    let script = self.s;
                    let q = &script.reqs[call];
                    let target = format!("sip:n{}@192.0.2.{}", q.to, q.to + 1);
                    let to = std::str::from_utf8(m.header(HeaderName::To).unwrap()).unwrap().to_string();
                    let ack = OwnedMessage::request(Method::Ack, &target)
                        .to(&to)
                        .from(&format!("<sip:n{}@192.0.2.{}>;tag=f{call}", q.from, q.from + 1))
                        .call_id(&format!("call-{call}@192.0.2.{}", q.from + 1))
                        .cseq(1 + call as u32);
                    self.tu_input();
                    let _ = self.w.ep(node).send_ack(now, ack, dest);
                }
            }
            Event::Timeout { transaction } => {
                self.live(node, transaction, "Timeout");
                if let Some(c) = self.clients.get_mut(&(node, transaction)) {
                    c.timeout = Some(now);
                } else if let Some(s) = self.servers.get_mut(&(node, transaction)) {
                    s.timeout = Some(now);
                }
            }
            Event::TransportError { transaction } => {
                self.live(node, transaction, "TransportError");
                self.transport_errors.insert((node, transaction));
                if let Some(c) = self.clients.get_mut(&(node, transaction)) {
                    c.transport_error.get_or_insert(now);
                }
            }
            Event::Terminated { transaction } => {
                self.live(node, transaction, "Terminated");
                self.lives[node].get_mut(&transaction).unwrap().terminated = Some(now);
                self.last_terminated = self.last_terminated.max(now);
            }
            Event::ConnectionError { connection, error } => {
                panic!("connection {connection:?} failed to frame: {error:?}")
            }
            other => panic!("unexpected event {other:?}"),
        }
    }

    /// The checks once nothing is left to happen.
    fn check(&mut self) {
        let max_delay = Duration::from_millis(self.s.latency + self.s.jitter);
        // Once the TUs stop, the longest chain is a CANCEL retransmitted
        // until its Timer F (64·T1) whose first copy gets through last and
        // whose server transaction then waits Timer J (64·T1), or a non-2xx
        // retransmitted until Timer H (64·T1) followed by Timer D; Timer K
        // and I (T4) come after shorter chains. Plus the network's delays.
        let bound = self.last_tu_input
            + TIMERS.timeout_64t1()
            + TIMERS.timeout_64t1().max(TIMERS.timer_d)
            + TIMERS.t4
            + max_delay * 4
            + Duration::from_secs(1);
        assert!(
            self.last_terminated <= bound,
            "last Terminated at {:?}, bound {:?} (last TU input {:?})",
            self.last_terminated,
            bound,
            self.last_tu_input
        );

        // Client transactions: the responses their TU saw.
        let mut excused = vec![0usize; self.s.nodes];
        for ((node, tx), c) in &self.clients {
            let sent_by_server: BTreeSet<u16> = self
                .servers
                .values()
                .filter(|s| s.call == c.call)
                .flat_map(|s| s.given.iter().map(|b| status_of(b)))
                .chain(c.invite.then_some(100))
                .collect();
            for st in &c.statuses {
                assert!(sent_by_server.contains(st), "call {} saw {st} nobody sent", c.call);
            }
            let first_final = c.statuses.iter().position(|&s| s >= 200);
            if let Some(i) = first_final {
                let after = &c.statuses[i..];
                let f = after[0];
                if (200..300).contains(&f) && c.invite {
                    assert!(after.iter().all(|s| (200..300).contains(s)), "call {}: {after:?}", c.call);
                } else {
                    assert_eq!(after.len(), 1, "call {}: more than one final: {:?}", c.call, c.statuses);
                }
            }
            let life = &self.lives[*node][tx];
            if life.terminated.is_none() {
                // RFC 3261 §17.1.1.2: Proceeding has no timer; only a final
                // response ends it. Allowed only if none ever arrived.
                let branch = self.branch_sent(c.node, c.call);
                let got_final = self.w.nodes[c.node].received.iter().any(|(_, _, b)| {
                    Message::parse(b).is_ok_and(|m| {
                        m.status().is_some_and(|s| s.0 >= 200)
                            && branch_of(&m) == branch
                            && m.cseq().is_ok_and(|cs| cs.method == Method::Invite)
                    })
                });
                assert!(
                    c.invite
                        && matches!(c.dest, Destination::Datagram(_))
                        && first_final.is_none()
                        && c.statuses.iter().any(|s| *s < 200)
                        && !got_final,
                    "client transaction {tx} (call {}, {:?}) never terminated, created {:?}",
                    c.call,
                    c.statuses,
                    life.created
                );
                excused[*node] += 1;
            }
        }

        // Server transactions: every one terminated, and what went on the
        // wire is what the TU gave.
        for ((node, tx), s) in &self.servers {
            let life = &self.lives[*node][tx];
            let end = life.terminated.unwrap_or_else(|| panic!("server transaction {tx} never terminated"));
            let mut wire: Vec<Bytes> = Vec::new();
            for (t, _, b) in &self.w.nodes[s.node].sent {
                if *t < life.created || *t > end {
                    continue;
                }
                let Ok(m) = Message::parse(b) else { continue };
                let ours = m.status().is_some()
                    && branch_of(&m) == s.branch
                    && m.cseq().is_ok_and(|c| c.method.as_str() == s.method);
                let b = without_vias(b);
                if ours && !wire.contains(&b) {
                    wire.push(b);
                }
            }
            let mut given: Vec<Bytes> = Vec::new();
            for b in &s.given {
                let b = without_vias(b);
                if !given.contains(&b) {
                    given.push(b);
                }
            }
            // §17.2.1: the INVITE server transaction sends 100 Trying itself
            // when its TU is slower than 200 ms.
            if s.invite && wire.first().is_some_and(|b| status_of(b) == 100 && !given.contains(b)) {
                wire.remove(0);
            }
            let statuses = |v: &[Bytes]| v.iter().map(|b| status_of(b)).collect::<Vec<_>>();
            assert!(
                given.starts_with(&wire),
                "call {}: the wire {:?} is not what the TU gave {:?}",
                s.call,
                statuses(&wire),
                statuses(&given)
            );
            // What the TU gave after its connection failed never reached the
            // wire, and the TU was told (§17.2.4).
            assert!(
                wire.len() == given.len() || self.transport_errors.contains(&(*node, *tx)),
                "call {}: the TU gave {:?}, the wire carried {:?}, and no TransportError",
                s.call,
                statuses(&given),
                statuses(&wire)
            );
        }

        self.check_timers();

        for (n, lives) in self.lives.iter().enumerate() {
            for (tx, life) in lives {
                let client = self.clients.contains_key(&(n, *tx));
                assert!(client || life.terminated.is_some(), "{tx} on node {n} never terminated");
            }
            assert_eq!(self.w.nodes[n].ep.transaction_count(), excused[n], "node {n}'s table is not empty");
        }
    }

    /// Each transaction ended exactly when its timers say (virtual time
    /// fires every deadline on the dot): RFC 3261 §17.1.1.2 (B, D),
    /// §17.1.2.2 (F, K), §17.2.1 (H, I), §17.2.2 (J), RFC 6026 §8.4 (M)
    /// and §8.7 (L).
    fn check_timers(&self) {
        self.check_retransmissions();
        let t64 = TIMERS.timeout_64t1();
        for ((node, tx), c) in &self.clients {
            let life = &self.lives[*node][tx];
            let Some(end) = life.terminated else { continue };
            let reliable = matches!(c.dest, Destination::Connection(_));
            let what = format!("client call {} ({:?}, {:?})", c.call, c.statuses, c.dest);
            if let Some(t) = c.transport_error {
                // §17.1.4: a transport error ends a client transaction at once.
                assert_eq!(end, t, "{what}: did not end at its transport error");
            } else if let Some(t) = c.timeout {
                assert_eq!(end, t, "{what}: did not end at its timeout");
                // §9.1: a CANCEL sent restarts Timer B (64·T1 after it,
                // with no final the INVITE is given up).
                let cancel_sent = match c.cancel {
                    Some((at, CancelOutcome::Sent)) => Some(at),
                    Some((_, CancelOutcome::Deferred)) => c.first_provisional,
                    _ => None,
                };
                let start = cancel_sent.unwrap_or(life.created);
                assert_eq!(t, start + t64, "{what}: Timer B/F is not 64·T1");
                assert!(
                    !c.invite || c.statuses.is_empty() || cancel_sent.is_some(),
                    "{what}: Timer B fired after a response"
                );
            } else if let Some((t, status)) = c.first_final {
                let linger = match (c.invite, status) {
                    (true, 200..=299) => t64,
                    (true, _) if !reliable => TIMERS.timer_d,
                    (false, _) if !reliable => TIMERS.t4,
                    _ => Duration::ZERO,
                };
                assert_eq!(end, t + linger, "{what}: ended {:?} after its final", end - t);
            } else {
                panic!("{what}: terminated with no final, timeout or transport error");
            }
        }
        for ((node, tx), s) in &self.servers {
            let life = &self.lives[*node][tx];
            let Some(end) = life.terminated else { continue };
            let what = format!("server call {}", s.call);
            let (t, status) = s.first_final.unwrap_or_else(|| panic!("{what}: terminated before any final"));
            if !s.invite {
                let j = if s.reliable { Duration::ZERO } else { t64 };
                assert_eq!(end, t + j, "{what}: Timer J");
            } else if status < 300 {
                assert_eq!(end, t + t64, "{what}: Timer L");
            } else if let Some(h) = s.timeout {
                assert_eq!((end, h), (t + t64, t + t64), "{what}: Timer H");
            } else {
                // ACKed: Confirmed for Timer I (T4, or 0 over TCP), the ACK
                // having come before Timer H.
                let i = if s.reliable { Duration::ZERO } else { TIMERS.t4 };
                assert!(end >= t + i && end <= t + t64 + i, "{what}: Timer I ended it at {:?}", end - t);
            }
        }
    }

    /// Each client request went on the wire exactly on the Timer A or E
    /// schedule (RFC 3261 §17.1.1.2: T1 doubling, until a response or
    /// Timer B; §17.1.2.2: T1 doubling capped at T2 in Trying, T2 in
    /// Proceeding, until a final or Timer F), once over TCP.
    fn check_retransmissions(&self) {
        // Every request each node sent, by call and method.
        let mut sent: BTreeMap<(usize, usize, String), Vec<Instant>> = BTreeMap::new();
        for (n, node) in self.w.nodes.iter().enumerate() {
            for (t, _, b) in &node.sent {
                let Ok(m) = Message::parse(b) else { continue };
                if let Some(method) = m.method() {
                    sent.entry((n, call_of(&m), method.as_str().to_string())).or_default().push(*t);
                }
            }
        }
        for ((node, tx), c) in &self.clients {
            let life = &self.lives[*node][tx];
            let method = self.s.reqs[c.call].kind.method().as_str().to_string();
            let sends = sent.get(&(*node, c.call, method)).cloned().unwrap_or_default();
            let what = format!("call {} ({:?}, {:?})", c.call, c.statuses, c.dest);
            if matches!(c.dest, Destination::Connection(_)) {
                // A request on a connection already gone is never sent.
                assert!(sends.len() <= 1, "{what}: sent {} times over TCP", sends.len());
                continue;
            }
            // Retransmissions stop at the first response (INVITE) or final
            // (non-INVITE), or when the transaction ends.
            let stop = if c.invite { c.first_response } else { c.first_final.map(|f| f.0) };
            let stop = [stop, life.terminated].into_iter().flatten().min();
            let mut expected = vec![life.created];
            let (mut at, mut interval) = (life.created + TIMERS.t1, TIMERS.t1);
            while stop.is_none_or(|s| at < s) && expected.len() < 100 {
                expected.push(at);
                interval = if c.invite {
                    interval * 2
                } else if c.first_provisional.is_some_and(|p| p <= at) {
                    TIMERS.t2
                } else {
                    (interval * 2).min(TIMERS.t2)
                };
                at += interval;
            }
            assert_eq!(sends, expected, "{what}: the request's sends are off the Timer A/E schedule");
        }
    }

    fn branch_sent(&self, node: usize, call: usize) -> String {
        self.w.nodes[node]
            .sent
            .iter()
            .filter_map(|(_, _, b)| Message::parse(b).ok().filter(|m| m.method() == Some(Method::Invite)))
            .find(|m| call_of(m) == call)
            .map(|m| branch_of(&m))
            .unwrap_or_default()
    }
}

/// Cases per property: enough to cover the combinations in about a second
/// of a debug build; `PROPS_CASES` raises it for a longer hunt.
fn cases(default: u64) -> u64 {
    std::env::var("PROPS_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn run(s: &Script) -> bool {
    let mut r = Run::new(s);
    r.drive();
    r.check();
    if std::env::var_os("PROPS_VERBOSE").is_some() {
        let sent: usize = r.w.nodes.iter().map(|n| n.sent.len()).sum();
        let txs: usize = r.lives.iter().map(|l| l.len()).sum();
        eprintln!("{} reqs, {txs} transactions, {sent} sent, end {:?}", s.reqs.len(), r.w.now);
    }
    true
}

#[test]
fn rfc3261_17_every_transaction_terminates_and_answers_once() {
    fn prop(s: AnyScript) -> bool {
        run(&s.0)
    }
    QuickCheck::new().tests(cases(300)).quickcheck(prop as fn(AnyScript) -> bool);
}

#[test]
fn rfc6026_invite_2xx_accepted_state_passes_retransmissions_and_ends() {
    fn prop(s: InviteScript) -> bool {
        run(&s.0)
    }
    QuickCheck::new().tests(cases(200)).quickcheck(prop as fn(InviteScript) -> bool);
}

/// Found by the property: a MESSAGE over TCP whose connection fails (a
/// partition) before the TU's final response: the final never reaches the
/// wire, the server transaction learns of the failure from the closed
/// connection and tells its TU (RFC 3261 §17.2.4), and still terminates.
#[test]
fn rfc3261_17_2_4_final_over_failed_connection_reports_transport_error() {
    let answer = Answer { provisional: true, status: 486, delay: 3000, retransmit_2xx: false };
    let s = Script {
        seed: 12996978124025631098,
        nodes: 2,
        latency: 16,
        jitter: 0,
        loss: 0,
        duplicate: 0,
        reqs: vec![Req {
            at: 11074,
            from: 0,
            to: 1,
            kind: Kind::Message,
            tcp: true,
            answer,
            cancel_after: None,
        }],
        cuts: vec![Cut { at: 12854, a: 0, b: 1, heal_after: 218, close: false }],
    };
    run(&s);
}
