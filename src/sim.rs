//! A deterministic simulated network: datagrams and connections between
//! socket addresses, delivered in virtual time with seeded impairments.
//!
//! Tests, property tests and the `demo` example run whole SIP call flows
//! over a [`Network`] instead of sockets, in the style of quinn-proto's test
//! harness and str0m's netem. Nothing here reads a clock, spawns a thread or
//! draws OS randomness: the caller passes `now` ([`Instant`]) into every
//! call, asks [`Network::next_delivery_time`] when something will arrive and
//! takes arrivals with [`Network::poll_delivery`]. The same seed and the same
//! calls give the same deliveries, byte for byte and nanosecond for
//! nanosecond, so a failing run replays exactly.
//!
//! * Datagrams (UDP) suffer the [`LinkConfig`] of their direction: latency,
//!   uniform jitter (which reorders), loss and duplication.
//! * Connections (TCP-like) are reliable and ordered: their data sees
//!   latency and jitter, never loss, duplication or reordering. They end
//!   with [`Network::close`] (orderly, after the data in flight) or
//!   [`Network::fail`] (a reset: data in flight is lost).
//! * [`Network::partition`] cuts two hosts apart until [`Network::heal`].
//! * A [`trace`](Network::trace) of every payload with its fate, and
//!   [`NetStats`] counters, show what happened.
//!
//! The network does not know which addresses listen: every connect between
//! hosts that are not partitioned is accepted, and every datagram is
//! delivered to its destination address; the driver decides what a node
//! does with a delivery for an address it does not serve.
//!
//! Every operation is O(log n) in the number of items in flight, per item
//! it queues or removes ([`Network::close`] and [`Network::fail`] remove a
//! connection's data in flight), except [`Network::partition`], which also
//! scans the open connections. Memory is
//! bounded: at most [`Network::set_max_in_flight`] payloads are queued
//! (further sends are dropped and counted), the trace is capped, and a
//! connection is forgotten once both of its ends have finished.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::String;
use alloc::vec::Vec;
use core::net::{IpAddr, SocketAddr};
use core::time::Duration;

use bytes::Bytes;

use crate::time::Instant;
use crate::transport::ConnectionId;

/// The impairments of one direction of a link.
///
/// Probabilities outside `0.0..=1.0` are clamped and NaN counts as `0.0`,
/// so no configuration makes the network panic.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LinkConfig {
    /// The fixed one-way delay of every datagram, connection event and
    /// piece of stream data.
    pub latency: Duration,
    /// A uniformly drawn extra delay in `0..=jitter`, independently per
    /// datagram (so datagrams reorder) and per stream write (which is then
    /// held back behind earlier data on its connection).
    pub jitter: Duration,
    /// The chance, `0.0..=1.0`, that a datagram is lost. Connections never
    /// lose data.
    pub loss: f64,
    /// The chance, `0.0..=1.0`, that a datagram which was not lost arrives
    /// twice; the extra copy has its own jitter draw.
    pub duplicate: f64,
}

impl LinkConfig {
    /// A perfect link: no loss, no duplication, no jitter, and a latency of
    /// 1 ms.
    ///
    /// The latency is not zero so that a request and its response never
    /// happen at the same virtual instant: a driver that loops "deliver
    /// everything due now" always makes progress in time, and ladder
    /// diagrams read in order.
    pub const PERFECT: LinkConfig =
        LinkConfig { latency: Duration::from_millis(1), jitter: Duration::ZERO, loss: 0.0, duplicate: 0.0 };

    /// A [`PERFECT`](LinkConfig::PERFECT) link that loses each datagram
    /// with probability `loss`.
    pub const fn lossy(loss: f64) -> Self {
        LinkConfig { loss, ..LinkConfig::PERFECT }
    }

    /// This link with `latency` as its fixed one-way delay.
    pub const fn with_latency(self, latency: Duration) -> Self {
        LinkConfig { latency, ..self }
    }

    /// This link with an extra uniform delay of `0..=jitter`.
    pub const fn with_jitter(self, jitter: Duration) -> Self {
        LinkConfig { jitter, ..self }
    }

    /// This link losing each datagram with probability `loss`.
    pub const fn with_loss(self, loss: f64) -> Self {
        LinkConfig { loss, ..self }
    }

    /// This link duplicating each delivered datagram with probability
    /// `duplicate`.
    pub const fn with_duplicate(self, duplicate: f64) -> Self {
        LinkConfig { duplicate, ..self }
    }
}

impl Default for LinkConfig {
    /// [`LinkConfig::PERFECT`].
    fn default() -> Self {
        LinkConfig::PERFECT
    }
}

/// Something the network hands to one node: each variant names the
/// receiving side's local address so a driver knows which node gets it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// A datagram arrived at `to` from `from`.
    Datagram {
        /// The sender's address.
        from: SocketAddr,
        /// The receiver's address (the local side).
        to: SocketAddr,
        /// The payload.
        bytes: Bytes,
    },
    /// A connection this side opened with [`Network::connect`] is
    /// established; `conn` is the id `connect` returned.
    Connected {
        /// The initiator's id for the connection.
        conn: ConnectionId,
        /// The initiator's address.
        local: SocketAddr,
        /// The acceptor's address.
        peer: SocketAddr,
    },
    /// A peer connected to `local`; `conn` is a fresh id for this side.
    Accepted {
        /// The acceptor's id for the connection.
        conn: ConnectionId,
        /// The acceptor's address (the address the peer connected to).
        local: SocketAddr,
        /// The initiator's address.
        peer: SocketAddr,
    },
    /// Data arrived on a connection, in the order the peer sent it.
    Stream {
        /// The receiving side's id for the connection.
        conn: ConnectionId,
        /// The receiving side's address.
        local: SocketAddr,
        /// The bytes of one write of the peer.
        bytes: Bytes,
    },
    /// The peer closed the connection; all the data it sent before closing
    /// has been delivered. The id is no longer valid.
    Closed {
        /// The receiving side's id for the connection.
        conn: ConnectionId,
        /// The receiving side's address.
        local: SocketAddr,
    },
    /// The connection failed (reset, partition, or a connect that could
    /// not be made); data in flight was lost. The id is no longer valid.
    Failed {
        /// The receiving side's id for the connection.
        conn: ConnectionId,
        /// The receiving side's address.
        local: SocketAddr,
    },
}

impl Delivery {
    /// The address of the node that receives this delivery.
    pub fn local(&self) -> SocketAddr {
        match *self {
            Delivery::Datagram { to, .. } => to,
            Delivery::Connected { local, .. }
            | Delivery::Accepted { local, .. }
            | Delivery::Stream { local, .. }
            | Delivery::Closed { local, .. }
            | Delivery::Failed { local, .. } => local,
        }
    }

    /// The receiving side's connection id, for every variant but
    /// [`Delivery::Datagram`].
    pub fn conn(&self) -> Option<ConnectionId> {
        match *self {
            Delivery::Datagram { .. } => None,
            Delivery::Connected { conn, .. }
            | Delivery::Accepted { conn, .. }
            | Delivery::Stream { conn, .. }
            | Delivery::Closed { conn, .. }
            | Delivery::Failed { conn, .. } => Some(conn),
        }
    }
}

/// What became of a traced payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fate {
    /// Delivered (or scheduled for delivery) at [`TraceEntry::delivered`].
    Delivered,
    /// The datagram was lost to the link's [`loss`](LinkConfig::loss).
    Lost,
    /// Dropped because sender and receiver were partitioned.
    Partitioned,
    /// An extra copy of the datagram traced just before it, made by the
    /// link's [`duplicate`](LinkConfig::duplicate); delivered at
    /// [`TraceEntry::delivered`].
    Duplicate,
    /// Stream data lost because its connection failed, or because the
    /// receiving side had already closed it.
    Reset,
    /// Dropped because [`Network::set_max_in_flight`] items were already
    /// queued.
    Overflow,
}

/// One payload the network carried or dropped, for ladder diagrams and
/// assertions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceEntry {
    /// When it was sent.
    pub sent: Instant,
    /// When it is (or was) delivered; `None` if it was dropped.
    pub delivered: Option<Instant>,
    /// The sender's address.
    pub from: SocketAddr,
    /// The receiver's address.
    pub to: SocketAddr,
    /// What became of it.
    pub fate: Fate,
    /// `"UDP"` for datagrams, `"TCP"` for connection data.
    pub transport: &'static str,
    /// The first line of the payload (after any leading CR/LF), at most 80
    /// characters, lossy UTF-8; `"keep-alive"` for a payload of only CR and
    /// LF, `"(empty)"` for an empty one.
    pub summary: String,
}

impl core::fmt::Display for TraceEntry {
    /// One ladder-diagram line: send time, direction, transport, summary,
    /// and the arrival time or why the payload was dropped, e.g.
    /// `0.000s 192.0.2.1:5060 -> 192.0.2.2:5060 UDP INVITE sip:bob@b.example SIP/2.0 (at 0.020s)`.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} {} -> {} {} {}", self.sent, self.from, self.to, self.transport, self.summary)?;
        match (self.fate, self.delivered) {
            (Fate::Duplicate, Some(at)) => write!(f, " (duplicate, at {at})"),
            (_, Some(at)) => write!(f, " (at {at})"),
            (Fate::Lost, None) => f.write_str(" (lost)"),
            (Fate::Partitioned, None) => f.write_str(" (partitioned)"),
            (Fate::Reset, None) => f.write_str(" (reset)"),
            (Fate::Overflow, None) => f.write_str(" (overflow)"),
            (Fate::Delivered | Fate::Duplicate, None) => f.write_str(" (dropped)"),
        }
    }
}

/// Counters of everything the network did since [`Network::new`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NetStats {
    /// Datagrams handed to [`Network::send_datagram`].
    pub datagrams_sent: u64,
    /// Datagrams lost to link loss.
    pub datagrams_lost: u64,
    /// Datagrams dropped by a partition.
    pub datagrams_partitioned: u64,
    /// Extra datagram copies made by link duplication.
    pub datagrams_duplicated: u64,
    /// Datagrams (copies included) returned by [`Network::poll_delivery`].
    pub datagrams_delivered: u64,
    /// Stream bytes accepted by [`Network::send_stream`] on a live
    /// connection.
    pub stream_bytes_sent: u64,
    /// Stream bytes returned by [`Network::poll_delivery`].
    pub stream_bytes_delivered: u64,
    /// Stream bytes lost because their connection failed, the receiver
    /// had closed it, or the queue was full; once everything in flight is
    /// delivered, `stream_bytes_sent` is `stream_bytes_delivered` plus this.
    pub stream_bytes_dropped: u64,
    /// [`Network::send_stream`] calls on a closed, failed or unknown id.
    pub stream_sends_ignored: u64,
    /// [`Network::close`] and [`Network::fail`] calls on a closed, failed
    /// or unknown id.
    pub control_ignored: u64,
    /// Payloads (datagrams or stream writes) dropped because the queue
    /// held [`Network::set_max_in_flight`] items.
    pub dropped_overflow: u64,
    /// Connects the network accepted (not partitioned).
    pub connections_opened: u64,
    /// Connections ended by [`Network::close`] (counted once, at the first
    /// close of either side).
    pub connections_closed: u64,
    /// Connections ended by [`Network::fail`] or a partition, and connects
    /// refused by a partition (counted once per connection).
    pub connections_failed: u64,
    /// Trace entries not recorded because the trace was full.
    pub trace_dropped: u64,
}

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, fast, seedable PRNG.
///
/// Not cryptographic and not meant to be: it only decides which datagrams
/// the simulated network loses, duplicates or delays, and its one virtue
/// here is that the same seed gives the same run.
#[derive(Clone, Debug)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0.0..1.0`, from the top 53 bits.
    fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// `true` with probability `p` (clamped; NaN is `0.0`). Draws nothing
    /// when the outcome is certain, so a perfect link leaves the stream of
    /// draws for the lossy ones untouched.
    fn chance(&mut self, p: f64) -> bool {
        if p.is_nan() || p <= 0.0 {
            false
        } else if p >= 1.0 {
            true
        } else {
            self.next_f64() < p
        }
    }

    /// Uniform in `0..=max` (multiply-shift; the bias is below 2^-64 per
    /// value, irrelevant for jitter).
    fn up_to(&mut self, max: u64) -> u64 {
        match max.checked_add(1) {
            Some(n) => ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64,
            None => self.next_u64(),
        }
    }
}

/// A queued item, keyed in the queue by `(deliver_at, seq)`.
#[derive(Clone, Debug)]
enum Event {
    Datagram { from: SocketAddr, to: SocketAddr, bytes: Bytes },
    Connected { conn: ConnectionId },
    Accepted { conn: ConnectionId },
    Stream { conn: ConnectionId, bytes: Bytes, trace: Option<u64> },
    Closed { conn: ConnectionId },
    Failed { conn: ConnectionId },
}

impl Event {
    /// The connection end the event is destined to, if any.
    fn end(&self) -> Option<ConnectionId> {
        match *self {
            Event::Datagram { .. } => None,
            Event::Connected { conn }
            | Event::Accepted { conn }
            | Event::Stream { conn, .. }
            | Event::Closed { conn }
            | Event::Failed { conn } => Some(conn),
        }
    }
}

type Key = (Instant, u64);

/// One side of a connection.
#[derive(Clone, Debug)]
struct End {
    local: SocketAddr,
    peer: SocketAddr,
    peer_id: ConnectionId,
    /// Whether this side may still send, close or fail.
    live: bool,
    /// Whether this side's application knows the id: the initiator from
    /// `connect`, the acceptor once `Accepted` was delivered.
    known: bool,
    /// The latest delivery time of anything this side sent on the
    /// connection, so later data never overtakes it.
    last_arrival: Instant,
    /// The queue keys of the events destined to this side.
    pending: BTreeSet<Key>,
}

/// A simulated network of socket addresses, in virtual time.
///
/// Sends are scheduled for delivery according to the [`LinkConfig`] of
/// their direction; [`next_delivery_time`](Network::next_delivery_time)
/// says when the earliest one is due and
/// [`poll_delivery`](Network::poll_delivery) hands it over. Times that go
/// backwards are treated as the latest time seen.
///
/// ```
/// use core::time::Duration;
/// use sip_proto::Instant;
/// use sip_proto::sim::{Delivery, LinkConfig, Network};
///
/// let alice = "192.0.2.1:5060".parse().unwrap();
/// let bob = "192.0.2.2:5060".parse().unwrap();
/// let mut net = Network::new(42);
/// net.set_default_link(LinkConfig::PERFECT.with_latency(Duration::from_millis(20)));
///
/// let t0 = Instant::ZERO;
/// net.send_datagram(t0, alice, bob, "OPTIONS sip:bob@example.com SIP/2.0\r\n\r\n".into());
///
/// let due = net.next_delivery_time().expect("one datagram in flight");
/// assert_eq!(due, t0 + Duration::from_millis(20));
/// assert_eq!(net.poll_delivery(t0), None, "not yet due");
///
/// match net.poll_delivery(due) {
///     Some(Delivery::Datagram { from, to, bytes }) => {
///         assert_eq!((from, to), (alice, bob));
///         assert!(bytes.starts_with(b"OPTIONS"));
///     }
///     other => panic!("expected the datagram, got {other:?}"),
/// }
/// assert_eq!(net.next_delivery_time(), None);
/// assert_eq!(net.trace()[0].summary, "OPTIONS sip:bob@example.com SIP/2.0");
/// ```
#[derive(Clone, Debug)]
pub struct Network {
    rng: SplitMix64,
    /// The latest `now` seen; earlier times are raised to it.
    now: Instant,
    seq: u64,
    next_conn: u64,
    default_link: LinkConfig,
    links: BTreeMap<(SocketAddr, SocketAddr), LinkConfig>,
    /// Partitioned host pairs, smaller address first.
    partitions: BTreeSet<(IpAddr, IpAddr)>,
    queue: BTreeMap<Key, Event>,
    /// The number of payloads (datagrams and stream writes) in `queue`.
    payloads: usize,
    max_in_flight: usize,
    conns: BTreeMap<ConnectionId, End>,
    tracing: bool,
    trace: Vec<TraceEntry>,
    /// The absolute index of `trace[0]` (entries cleared so far).
    trace_base: u64,
    trace_capacity: usize,
    stats: NetStats,
}

/// The default of [`Network::set_max_in_flight`].
pub const DEFAULT_MAX_IN_FLIGHT: usize = 1_000_000;
/// The default of [`Network::set_trace_capacity`].
pub const DEFAULT_TRACE_CAPACITY: usize = 100_000;

impl Network {
    /// An empty network whose links are all [`LinkConfig::PERFECT`], with
    /// impairments drawn from a PRNG seeded with `seed`.
    pub fn new(seed: u64) -> Network {
        Network {
            rng: SplitMix64(seed),
            now: Instant::ZERO,
            seq: 0,
            next_conn: 1,
            default_link: LinkConfig::PERFECT,
            links: BTreeMap::new(),
            partitions: BTreeSet::new(),
            queue: BTreeMap::new(),
            payloads: 0,
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            conns: BTreeMap::new(),
            tracing: true,
            trace: Vec::new(),
            trace_base: 0,
            trace_capacity: DEFAULT_TRACE_CAPACITY,
            stats: NetStats::default(),
        }
    }

    /// The link used for every direction without its own
    /// [`set_link`](Network::set_link).
    pub fn set_default_link(&mut self, cfg: LinkConfig) {
        self.default_link = cfg;
    }

    /// The link from `from` to `to` (one direction only), overriding the
    /// default for sends made from now on.
    pub fn set_link(&mut self, from: SocketAddr, to: SocketAddr, cfg: LinkConfig) {
        self.links.insert((from, to), cfg);
    }

    /// Returns the direction from `from` to `to` to the default link.
    pub fn clear_link(&mut self, from: SocketAddr, to: SocketAddr) {
        self.links.remove(&(from, to));
    }

    /// The link a send from `from` to `to` would use now.
    pub fn link(&self, from: SocketAddr, to: SocketAddr) -> LinkConfig {
        self.links.get(&(from, to)).copied().unwrap_or(self.default_link)
    }

    /// Cuts hosts `a` and `b` apart in both directions (`a == b` cuts a
    /// host off from itself): datagrams sent between them from now on are
    /// dropped, every open connection between them fails at once (both
    /// sides get [`Delivery::Failed`]), and new connects between them fail.
    ///
    /// The cut happens at the latest time the network has seen
    /// ([`now`](Network::now)); the failures are due then. Datagrams
    /// already in flight still arrive: they are past the cut.
    pub fn partition(&mut self, a: IpAddr, b: IpAddr) {
        let now = self.now;
        self.partitions.insert(ordered(a, b));
        let cut: Vec<ConnectionId> = self
            .conns
            .iter()
            .filter(|(_, end)| end.live && ordered(end.local.ip(), end.peer.ip()) == ordered(a, b))
            .map(|(&id, _)| id)
            .collect();
        for id in cut {
            // Both sides of a connection are listed; the first ends both.
            if self.conns.get(&id).is_some_and(|end| end.live) {
                self.fail_at(id, now, Duration::ZERO);
            }
        }
    }

    /// Reconnects hosts `a` and `b`. Connections that failed stay failed.
    pub fn heal(&mut self, a: IpAddr, b: IpAddr) {
        self.partitions.remove(&ordered(a, b));
    }

    /// Whether hosts `a` and `b` are partitioned.
    pub fn is_partitioned(&self, a: IpAddr, b: IpAddr) -> bool {
        self.partitions.contains(&ordered(a, b))
    }

    /// At most `max` payloads (datagrams and stream writes) queued at once;
    /// further sends are dropped and counted in
    /// [`NetStats::dropped_overflow`]. Default [`DEFAULT_MAX_IN_FLIGHT`].
    ///
    /// Connection events (connected, accepted, closed, failed) are always
    /// queued, since dropping one would leave a connection that never
    /// resolves; there is at most a couple per connect, close or fail call.
    pub fn set_max_in_flight(&mut self, max: usize) {
        self.max_in_flight = max;
    }

    /// The number of items (payloads and connection events) queued.
    pub fn in_flight(&self) -> usize {
        self.queue.len()
    }

    /// The latest time the network has seen.
    pub fn now(&self) -> Instant {
        self.now
    }

    /// Sends one datagram from `from` to `to`. It may be lost, duplicated
    /// or delayed by the link; it is dropped if the hosts are partitioned.
    pub fn send_datagram(&mut self, now: Instant, from: SocketAddr, to: SocketAddr, bytes: Bytes) {
        let now = self.advance(now);
        self.stats.datagrams_sent += 1;
        if self.is_partitioned(from.ip(), to.ip()) {
            self.stats.datagrams_partitioned += 1;
            self.record(now, None, from, to, Fate::Partitioned, "UDP", &bytes);
            return;
        }
        let link = self.link(from, to);
        if self.rng.chance(link.loss) {
            self.stats.datagrams_lost += 1;
            self.record(now, None, from, to, Fate::Lost, "UDP", &bytes);
            return;
        }
        let copy = self.rng.chance(link.duplicate);
        self.schedule_datagram(now, &link, from, to, bytes.clone(), Fate::Delivered);
        if copy {
            self.stats.datagrams_duplicated += 1;
            self.schedule_datagram(now, &link, from, to, bytes, Fate::Duplicate);
        }
    }

    /// Opens a connection from `from` to `to` and returns the initiator's
    /// id for it.
    ///
    /// After one latency (plus jitter) of the `from → to` link the
    /// initiator gets [`Delivery::Connected`] and the acceptor, at `to`,
    /// gets [`Delivery::Accepted`] with its own fresh id. The network does
    /// not know which addresses listen, so it always accepts, unless the
    /// hosts are partitioned: then the initiator gets [`Delivery::Failed`]
    /// at that same time.
    ///
    /// The initiator may send at once; its data arrives after `Accepted`.
    pub fn connect(&mut self, now: Instant, from: SocketAddr, to: SocketAddr) -> ConnectionId {
        let now = self.advance(now);
        let a = self.fresh_id();
        let link = self.link(from, to);
        let at = self.arrival(now, &link);
        if self.is_partitioned(from.ip(), to.ip()) {
            self.stats.connections_failed += 1;
            // A dead end with no peer, kept only until its Failed is delivered.
            let mut end = End::new(from, to, a, true, at);
            end.live = false;
            self.conns.insert(a, end);
            self.push(a, at, Event::Failed { conn: a });
            return a;
        }
        let b = self.fresh_id();
        self.stats.connections_opened += 1;
        self.conns.insert(a, End::new(from, to, b, true, at));
        self.conns.insert(b, End::new(to, from, a, false, at));
        self.push(a, at, Event::Connected { conn: a });
        self.push(b, at, Event::Accepted { conn: b });
        a
    }

    /// Writes `bytes` on connection `conn`. The peer gets them as one
    /// [`Delivery::Stream`] after the link's latency plus jitter, but never
    /// before data written earlier on the same connection: no loss, no
    /// duplication, no reordering. Writes on a closed, failed or unknown id
    /// are ignored and counted; an empty write sends nothing.
    pub fn send_stream(&mut self, now: Instant, conn: ConnectionId, bytes: Bytes) {
        let now = self.advance(now);
        let Some(end) = self.conns.get(&conn).filter(|end| end.live) else {
            self.stats.stream_sends_ignored += 1;
            return;
        };
        if bytes.is_empty() {
            return;
        }
        let (local, peer, peer_id, last) = (end.local, end.peer, end.peer_id, end.last_arrival);
        let len = bytes.len() as u64;
        self.stats.stream_bytes_sent = self.stats.stream_bytes_sent.saturating_add(len);
        if !self.conns.get(&peer_id).is_some_and(|p| p.live) {
            // The peer closed; in TCP this write would draw a reset.
            self.stats.stream_bytes_dropped = self.stats.stream_bytes_dropped.saturating_add(len);
            self.record(now, None, local, peer, Fate::Reset, "TCP", &bytes);
            return;
        }
        if self.payloads >= self.max_in_flight {
            self.stats.dropped_overflow += 1;
            self.stats.stream_bytes_dropped = self.stats.stream_bytes_dropped.saturating_add(len);
            self.record(now, None, local, peer, Fate::Overflow, "TCP", &bytes);
            return;
        }
        let link = self.link(local, peer);
        let at = self.arrival(now, &link).max(last);
        if let Some(end) = self.conns.get_mut(&conn) {
            end.last_arrival = at;
        }
        let trace = self.record(now, Some(at), local, peer, Fate::Delivered, "TCP", &bytes);
        self.payloads += 1;
        self.push(peer_id, at, Event::Stream { conn: peer_id, bytes, trace });
    }

    /// Closes connection `conn` in an orderly way: the peer gets
    /// [`Delivery::Closed`] after all the data this side already sent.
    /// This side gets no delivery; data still travelling towards it is
    /// discarded. Closing a closed, failed or unknown id is ignored and
    /// counted.
    pub fn close(&mut self, now: Instant, conn: ConnectionId) {
        let now = self.advance(now);
        let Some(end) = self.conns.get_mut(&conn).filter(|end| end.live) else {
            self.stats.control_ignored += 1;
            return;
        };
        end.live = false;
        let (local, peer, peer_id, last) = (end.local, end.peer, end.peer_id, end.last_arrival);
        self.drop_pending(conn);
        self.conns.remove(&conn);
        if self.conns.get(&peer_id).is_some_and(|p| p.live) {
            self.stats.connections_closed += 1;
            let link = self.link(local, peer);
            let at = self.arrival(now, &link).max(last);
            self.push(peer_id, at, Event::Closed { conn: peer_id });
        }
    }

    /// Fails connection `conn`, as a reset would: data in flight in both
    /// directions is lost, this side gets [`Delivery::Failed`] at once and
    /// the peer after one latency (if it already knew the connection).
    /// Failing a closed, failed or unknown id is ignored and counted.
    pub fn fail(&mut self, now: Instant, conn: ConnectionId) {
        let now = self.advance(now);
        let Some(end) = self.conns.get(&conn).filter(|end| end.live) else {
            self.stats.control_ignored += 1;
            return;
        };
        let delay = self.link(end.local, end.peer).latency;
        self.fail_at(conn, now, delay);
    }

    /// When the earliest queued delivery is due, if anything is in flight.
    pub fn next_delivery_time(&self) -> Option<Instant> {
        self.queue.first_key_value().map(|(&(at, _), _)| at)
    }

    /// The earliest delivery due at or before `now` (or the latest time
    /// seen, if `now` is earlier); deliveries due at the same instant come
    /// in the order they were sent. `None` if nothing is due yet.
    pub fn poll_delivery(&mut self, now: Instant) -> Option<Delivery> {
        let now = self.advance(now);
        loop {
            let (&key, _) = self.queue.first_key_value()?;
            if key.0 > now {
                return None;
            }
            let (_, event) = self.queue.pop_first()?;
            if let Some(id) = event.end() {
                if let Some(end) = self.conns.get_mut(&id) {
                    end.pending.remove(&key);
                }
            }
            if let Some(delivery) = self.deliver(event) {
                return Some(delivery);
            }
        }
    }

    /// The local and peer addresses of connection end `conn`, while the
    /// network still knows it.
    pub fn connection_addrs(&self, conn: ConnectionId) -> Option<(SocketAddr, SocketAddr)> {
        self.conns.get(&conn).map(|end| (end.local, end.peer))
    }

    /// Every payload sent while tracing was on, oldest first, up to the
    /// trace capacity.
    pub fn trace(&self) -> &[TraceEntry] {
        &self.trace
    }

    /// Forgets the trace recorded so far (counters are kept).
    pub fn clear_trace(&mut self) {
        self.trace_base = self.trace_base.saturating_add(self.trace.len() as u64);
        self.trace.clear();
    }

    /// Turns recording of the trace on (the default) or off.
    pub fn set_tracing(&mut self, on: bool) {
        self.tracing = on;
    }

    /// At most `capacity` trace entries are kept; once full, the oldest are
    /// kept and further entries are counted in [`NetStats::trace_dropped`].
    /// Default [`DEFAULT_TRACE_CAPACITY`].
    pub fn set_trace_capacity(&mut self, capacity: usize) {
        self.trace_capacity = capacity;
    }

    /// The counters so far.
    pub fn stats(&self) -> NetStats {
        self.stats
    }

    // ---- internals ----

    /// Raises `now` to the latest time seen and returns it.
    fn advance(&mut self, now: Instant) -> Instant {
        self.now = self.now.max(now);
        self.now
    }

    fn fresh_id(&mut self) -> ConnectionId {
        let id = ConnectionId(self.next_conn);
        self.next_conn = self.next_conn.wrapping_add(1);
        id
    }

    /// `now` plus the link's latency and a jitter draw.
    fn arrival(&mut self, now: Instant, link: &LinkConfig) -> Instant {
        let jitter = u64::try_from(link.jitter.as_nanos()).unwrap_or(u64::MAX);
        let extra = if jitter == 0 { 0 } else { self.rng.up_to(jitter) };
        now.saturating_add(link.latency).saturating_add(Duration::from_nanos(extra))
    }

    fn schedule_datagram(
        &mut self,
        now: Instant,
        link: &LinkConfig,
        from: SocketAddr,
        to: SocketAddr,
        bytes: Bytes,
        fate: Fate,
    ) {
        if self.payloads >= self.max_in_flight {
            self.stats.dropped_overflow += 1;
            self.record(now, None, from, to, Fate::Overflow, "UDP", &bytes);
            return;
        }
        let at = self.arrival(now, link);
        self.record(now, Some(at), from, to, fate, "UDP", &bytes);
        self.payloads += 1;
        let key = (at, self.next_seq());
        self.queue.insert(key, Event::Datagram { from, to, bytes });
    }

    fn next_seq(&mut self) -> u64 {
        let seq = self.seq;
        self.seq = self.seq.wrapping_add(1);
        seq
    }

    /// Queues `event` for connection end `end` at `at`.
    fn push(&mut self, end: ConnectionId, at: Instant, event: Event) {
        let key = (at, self.next_seq());
        if let Some(e) = self.conns.get_mut(&end) {
            e.pending.insert(key);
        }
        self.queue.insert(key, event);
    }

    /// Removes every event queued for end `id`; stream data among them is
    /// lost (traced as [`Fate::Reset`]).
    fn drop_pending(&mut self, id: ConnectionId) {
        let Some(end) = self.conns.get_mut(&id) else { return };
        let pending = core::mem::take(&mut end.pending);
        for key in pending {
            if let Some(Event::Stream { bytes, trace, .. }) = self.queue.remove(&key) {
                self.payloads = self.payloads.saturating_sub(1);
                self.stats.stream_bytes_dropped =
                    self.stats.stream_bytes_dropped.saturating_add(bytes.len() as u64);
                if let Some(entry) = trace
                    .and_then(|abs| abs.checked_sub(self.trace_base))
                    .and_then(|i| usize::try_from(i).ok())
                    .and_then(|i| self.trace.get_mut(i))
                {
                    entry.fate = Fate::Reset;
                    entry.delivered = None;
                }
            }
        }
    }

    /// Ends both sides of `conn` as failed: `conn` learns at `now`, its
    /// live peer at `now + peer_delay`.
    fn fail_at(&mut self, conn: ConnectionId, now: Instant, peer_delay: Duration) {
        let Some(end) = self.conns.get(&conn) else { return };
        let peer_id = end.peer_id;
        if self.conns.get(&peer_id).is_some_and(|p| p.live) {
            self.stats.connections_failed += 1;
            self.kill(peer_id, now.saturating_add(peer_delay));
        }
        self.kill(conn, now);
    }

    /// Ends side `id` as failed: its queued events are dropped and, if its
    /// application knows the id, it gets [`Delivery::Failed`] at `at`;
    /// otherwise it is forgotten at once.
    fn kill(&mut self, id: ConnectionId, at: Instant) {
        let Some(end) = self.conns.get_mut(&id) else { return };
        end.live = false;
        let known = end.known;
        self.drop_pending(id);
        if known {
            self.push(id, at, Event::Failed { conn: id });
        } else {
            self.conns.remove(&id);
        }
    }

    /// Turns a dequeued event into a delivery, updating connection state;
    /// `None` if it no longer concerns anyone.
    fn deliver(&mut self, event: Event) -> Option<Delivery> {
        match event {
            Event::Datagram { from, to, bytes } => {
                self.payloads = self.payloads.saturating_sub(1);
                self.stats.datagrams_delivered += 1;
                Some(Delivery::Datagram { from, to, bytes })
            }
            Event::Connected { conn } => {
                let end = self.conns.get(&conn)?;
                Some(Delivery::Connected { conn, local: end.local, peer: end.peer })
            }
            Event::Accepted { conn } => {
                let end = self.conns.get_mut(&conn)?;
                end.known = true;
                Some(Delivery::Accepted { conn, local: end.local, peer: end.peer })
            }
            Event::Stream { conn, bytes, .. } => {
                self.payloads = self.payloads.saturating_sub(1);
                let local = self.conns.get(&conn)?.local;
                self.stats.stream_bytes_delivered =
                    self.stats.stream_bytes_delivered.saturating_add(bytes.len() as u64);
                Some(Delivery::Stream { conn, local, bytes })
            }
            Event::Closed { conn } => {
                let local = self.finish(conn)?;
                Some(Delivery::Closed { conn, local })
            }
            Event::Failed { conn } => {
                let local = self.finish(conn)?;
                Some(Delivery::Failed { conn, local })
            }
        }
    }

    /// Forgets end `conn` after its last delivery; returns its address.
    fn finish(&mut self, conn: ConnectionId) -> Option<SocketAddr> {
        self.drop_pending(conn);
        self.conns.remove(&conn).map(|end| end.local)
    }

    /// Appends a trace entry if tracing; returns its absolute index.
    #[allow(clippy::too_many_arguments)]
    fn record(
        &mut self,
        sent: Instant,
        delivered: Option<Instant>,
        from: SocketAddr,
        to: SocketAddr,
        fate: Fate,
        transport: &'static str,
        bytes: &[u8],
    ) -> Option<u64> {
        if !self.tracing {
            return None;
        }
        if self.trace.len() >= self.trace_capacity {
            self.stats.trace_dropped += 1;
            return None;
        }
        let index = self.trace_base.saturating_add(self.trace.len() as u64);
        self.trace.push(TraceEntry { sent, delivered, from, to, fate, transport, summary: summarize(bytes) });
        Some(index)
    }
}

impl End {
    fn new(local: SocketAddr, peer: SocketAddr, peer_id: ConnectionId, known: bool, at: Instant) -> End {
        End { local, peer, peer_id, live: true, known, last_arrival: at, pending: BTreeSet::new() }
    }
}

/// The pair in a fixed order, so `(a, b)` and `(b, a)` name one partition.
fn ordered(a: IpAddr, b: IpAddr) -> (IpAddr, IpAddr) {
    if a <= b { (a, b) } else { (b, a) }
}

/// The most characters a trace summary keeps.
const SUMMARY_CHARS: usize = 80;

/// The first line of `bytes` after leading CR/LF, at most
/// [`SUMMARY_CHARS`] characters of lossy UTF-8.
fn summarize(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return String::from("(empty)");
    }
    let start = bytes.iter().position(|&b| b != b'\r' && b != b'\n');
    let Some(start) = start else { return String::from("keep-alive") };
    let rest = &bytes[start..];
    let end = rest.iter().position(|&b| b == b'\r' || b == b'\n').unwrap_or(rest.len());
    // A character is at most 4 bytes, so this prefix holds the first
    // SUMMARY_CHARS characters; a character cut at its end lies beyond them.
    let line = &rest[..end.min(SUMMARY_CHARS * 4)];
    String::from_utf8_lossy(line).chars().take(SUMMARY_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn addr(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    fn alice() -> SocketAddr {
        addr("192.0.2.1:5060")
    }

    fn bob() -> SocketAddr {
        addr("192.0.2.2:5060")
    }

    fn carol() -> SocketAddr {
        addr("192.0.2.3:5060")
    }

    fn ms(n: u64) -> Instant {
        Instant::from_millis(n)
    }

    /// Polls everything in order of due time, as a driver would; returns
    /// each delivery with the time it was taken.
    fn drain(net: &mut Network) -> Vec<(Instant, Delivery)> {
        let mut out = Vec::new();
        while let Some(t) = net.next_delivery_time() {
            while let Some(d) = net.poll_delivery(t) {
                out.push((t, d));
            }
        }
        out
    }

    fn payload(i: usize) -> Bytes {
        Bytes::from(alloc::format!("MESSAGE sip:{i}@example.com SIP/2.0\r\n\r\n"))
    }

    fn index_of(bytes: &Bytes) -> usize {
        let s = core::str::from_utf8(bytes).unwrap();
        s["MESSAGE sip:".len()..s.find('@').unwrap()].parse().unwrap()
    }

    /// A run with every impairment and both transports.
    fn scenario(seed: u64) -> (Vec<(Instant, Delivery)>, Vec<TraceEntry>, NetStats) {
        let mut net = Network::new(seed);
        net.set_default_link(
            LinkConfig::lossy(0.2)
                .with_latency(Duration::from_millis(10))
                .with_jitter(Duration::from_millis(30))
                .with_duplicate(0.1),
        );
        let conn = net.connect(ms(0), alice(), bob());
        for i in 0..200 {
            net.send_datagram(ms(i), alice(), bob(), payload(i as usize));
            net.send_stream(ms(i), conn, payload(i as usize));
        }
        net.close(ms(300), conn);
        let out = drain(&mut net);
        (out, net.trace().to_vec(), net.stats())
    }

    #[test]
    fn same_seed_and_sends_give_identical_deliveries_and_trace() {
        let (d1, t1, s1) = scenario(7);
        let (d2, t2, s2) = scenario(7);
        assert_eq!(d1, d2);
        assert_eq!(t1, t2);
        assert_eq!(s1, s2);
        assert!(d1.len() > 300);
    }

    #[test]
    fn different_seeds_give_different_loss_patterns() {
        let fates = |seed| scenario(seed).1.iter().map(|e| e.fate).collect::<Vec<_>>();
        assert_ne!(fates(7), fates(8));
    }

    #[test]
    fn loss_rate_is_within_two_percent_of_configured_over_10000_datagrams() {
        for &loss in &[0.05, 0.3, 0.5] {
            let mut net = Network::new(0x5EED);
            net.set_default_link(LinkConfig::lossy(loss));
            for i in 0..10_000u64 {
                net.send_datagram(Instant::from_nanos(i), alice(), bob(), Bytes::from_static(b"x"));
            }
            let delivered = drain(&mut net).len() as f64;
            let stats = net.stats();
            let lost = stats.datagrams_lost as f64 / 10_000.0;
            assert!((lost - loss).abs() <= 0.02, "configured {loss}, lost {lost}");
            assert_eq!(delivered, 10_000.0 - stats.datagrams_lost as f64);
            assert_eq!(stats.datagrams_delivered as f64, delivered);
            let traced_lost = net.trace().iter().filter(|e| e.fate == Fate::Lost).count();
            assert_eq!(traced_lost as u64, stats.datagrams_lost);
            assert!(net.trace().iter().filter(|e| e.fate == Fate::Lost).all(|e| e.delivered.is_none()));
        }
    }

    #[test]
    fn duplicates_are_delivered_and_traced_with_their_own_delivery_time() {
        let mut net = Network::new(3);
        net.set_default_link(LinkConfig::PERFECT.with_duplicate(0.5).with_jitter(Duration::from_millis(5)));
        for i in 0..1000 {
            net.send_datagram(ms(i), alice(), bob(), payload(i as usize));
        }
        let out = drain(&mut net);
        let dups = net.stats().datagrams_duplicated;
        assert!((400..=600).contains(&dups), "{dups} duplicates of 1000 at 50 %");
        assert_eq!(out.len() as u64, 1000 + dups);
        let traced: Vec<_> = net.trace().iter().filter(|e| e.fate == Fate::Duplicate).collect();
        assert_eq!(traced.len() as u64, dups);
        assert!(traced.iter().all(|e| e.delivered.is_some() && e.transport == "UDP"));
        // Every message arrives at least once, some exactly twice.
        let mut seen = vec![0u32; 1000];
        for (_, d) in &out {
            let Delivery::Datagram { bytes, .. } = d else { panic!("{d:?}") };
            seen[index_of(bytes)] += 1;
        }
        assert!(seen.iter().all(|&n| n == 1 || n == 2));
        assert_eq!(seen.iter().filter(|&&n| n == 2).count() as u64, dups);
    }

    #[test]
    fn jitter_reorders_datagrams_but_never_stream_data_on_one_connection() {
        let mut net = Network::new(11);
        net.set_default_link(
            LinkConfig::PERFECT
                .with_latency(Duration::from_millis(10))
                .with_jitter(Duration::from_millis(50)),
        );
        let conn = net.connect(ms(0), alice(), bob());
        for i in 0..100 {
            net.send_datagram(ms(1 + i), alice(), bob(), payload(i as usize));
            net.send_stream(ms(1 + i), conn, payload(i as usize));
        }
        let out = drain(&mut net);
        let datagrams: Vec<usize> = out
            .iter()
            .filter_map(|(_, d)| match d {
                Delivery::Datagram { bytes, .. } => Some(index_of(bytes)),
                _ => None,
            })
            .collect();
        let stream: Vec<usize> = out
            .iter()
            .filter_map(|(_, d)| match d {
                Delivery::Stream { bytes, .. } => Some(index_of(bytes)),
                _ => None,
            })
            .collect();
        assert_eq!(datagrams.len(), 100);
        assert!(datagrams.windows(2).any(|w| w[0] > w[1]), "jitter should reorder datagrams");
        assert_eq!(stream, (0..100).collect::<Vec<_>>());
        // The acceptor heard of the connection before any of its data.
        let accepted = out.iter().position(|(_, d)| matches!(d, Delivery::Accepted { .. })).unwrap();
        let first_data = out.iter().position(|(_, d)| matches!(d, Delivery::Stream { .. })).unwrap();
        assert!(accepted < first_data);
        // Stream trace entries have non-decreasing delivery times.
        let times: Vec<_> =
            net.trace().iter().filter(|e| e.transport == "TCP").map(|e| e.delivered.unwrap()).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn connect_delivers_connected_and_accepted_after_one_latency_and_data_flows_both_ways() {
        let mut net = Network::new(1);
        net.set_default_link(LinkConfig::PERFECT.with_latency(Duration::from_millis(25)));
        let a = net.connect(ms(0), alice(), bob());
        assert_eq!(net.next_delivery_time(), Some(ms(25)));
        assert_eq!(net.poll_delivery(ms(24)), None);
        assert_eq!(
            net.poll_delivery(ms(25)),
            Some(Delivery::Connected { conn: a, local: alice(), peer: bob() })
        );
        let Some(Delivery::Accepted { conn: b, local, peer }) = net.poll_delivery(ms(25)) else { panic!() };
        assert_ne!(a, b);
        assert_eq!((local, peer), (bob(), alice()));
        assert_eq!(net.connection_addrs(b), Some((bob(), alice())));
        net.send_stream(ms(30), b, Bytes::from_static(b"SIP/2.0 200 OK\r\n"));
        net.send_stream(ms(30), a, Bytes::from_static(b"ACK sip:bob@example.com SIP/2.0\r\n"));
        let out = drain(&mut net);
        assert_eq!(
            out,
            vec![
                (
                    ms(55),
                    Delivery::Stream {
                        conn: a,
                        local: alice(),
                        bytes: Bytes::from_static(b"SIP/2.0 200 OK\r\n")
                    }
                ),
                (
                    ms(55),
                    Delivery::Stream {
                        conn: b,
                        local: bob(),
                        bytes: Bytes::from_static(b"ACK sip:bob@example.com SIP/2.0\r\n")
                    }
                ),
            ]
        );
        let stats = net.stats();
        assert_eq!(stats.connections_opened, 1);
        assert_eq!(stats.stream_bytes_sent, stats.stream_bytes_delivered);
    }

    #[test]
    fn set_link_overrides_the_default_in_one_direction_only() {
        let mut net = Network::new(1);
        net.set_link(alice(), bob(), LinkConfig::PERFECT.with_latency(Duration::from_millis(100)));
        net.send_datagram(ms(0), alice(), bob(), payload(0));
        net.send_datagram(ms(0), bob(), alice(), payload(1));
        let out = drain(&mut net);
        assert_eq!(out[0].0, ms(1));
        assert_eq!(out[0].1.local(), alice());
        assert_eq!(out[1].0, ms(100));
        assert_eq!(out[1].1.local(), bob());
        net.clear_link(alice(), bob());
        assert_eq!(net.link(alice(), bob()), LinkConfig::PERFECT);
    }

    #[test]
    fn partition_drops_datagrams_and_fails_connections_and_heal_restores() {
        let mut net = Network::new(5);
        let a = net.connect(ms(0), alice(), bob());
        let _ = drain(&mut net);
        let b = net.conns.get(&a).unwrap().peer_id;
        let to_carol = net.connect(ms(1), alice(), carol());
        net.send_stream(ms(2), a, payload(0));

        net.partition(bob().ip(), alice().ip());
        assert!(net.is_partitioned(alice().ip(), bob().ip()));
        net.send_datagram(ms(2), alice(), bob(), payload(1));
        net.send_datagram(ms(2), bob(), alice(), payload(2));
        net.send_datagram(ms(2), alice(), carol(), payload(3));
        let refused = net.connect(ms(2), alice(), bob());
        net.send_stream(ms(2), a, payload(4));
        let out: Vec<Delivery> = drain(&mut net).into_iter().map(|(_, d)| d).collect();

        assert!(out.contains(&Delivery::Failed { conn: a, local: alice() }));
        assert!(out.contains(&Delivery::Failed { conn: b, local: bob() }));
        assert!(out.contains(&Delivery::Failed { conn: refused, local: alice() }));
        assert!(out.contains(&Delivery::Connected { conn: to_carol, local: alice(), peer: carol() }));
        assert!(!out.iter().any(|d| matches!(d, Delivery::Stream { .. })), "in-flight data is lost");
        let datagrams: Vec<_> = out.iter().filter(|d| matches!(d, Delivery::Datagram { .. })).collect();
        assert_eq!(datagrams, vec![&Delivery::Datagram { from: alice(), to: carol(), bytes: payload(3) }]);
        let stats = net.stats();
        assert_eq!(stats.datagrams_partitioned, 2);
        assert_eq!(stats.connections_failed, 2, "the cut connection and the refused connect");
        assert_eq!(stats.stream_sends_ignored, 1);
        assert_eq!(net.trace().iter().filter(|e| e.fate == Fate::Partitioned).count(), 2);
        assert_eq!(net.trace().iter().filter(|e| e.fate == Fate::Reset).count(), 1);

        net.heal(alice().ip(), bob().ip());
        assert!(!net.is_partitioned(alice().ip(), bob().ip()));
        net.send_datagram(ms(10), alice(), bob(), payload(5));
        let again = net.connect(ms(10), alice(), bob());
        let out: Vec<Delivery> = drain(&mut net).into_iter().map(|(_, d)| d).collect();
        assert!(out.contains(&Delivery::Datagram { from: alice(), to: bob(), bytes: payload(5) }));
        assert!(out.contains(&Delivery::Connected { conn: again, local: alice(), peer: bob() }));
        // The failed connection stays failed.
        net.send_stream(ms(20), a, payload(6));
        assert_eq!(net.stats().stream_sends_ignored, 2);
    }

    #[test]
    fn close_delivers_in_flight_data_then_closed_and_later_sends_are_ignored() {
        let mut net = Network::new(9);
        net.set_default_link(
            LinkConfig::PERFECT
                .with_latency(Duration::from_millis(10))
                .with_jitter(Duration::from_millis(40)),
        );
        let a = net.connect(ms(0), alice(), bob());
        for i in 0..3 {
            net.send_stream(ms(i), a, payload(i as usize));
        }
        net.close(ms(3), a);
        net.send_stream(ms(4), a, payload(9));
        net.close(ms(4), a);
        let out: Vec<Delivery> = drain(&mut net).into_iter().map(|(_, d)| d).collect();
        // The closer learns nothing more (its Connected was still in flight).
        assert!(out.iter().all(|d| d.local() == bob()), "{out:?}");
        let Delivery::Accepted { conn: b, .. } = out[0] else { panic!("{out:?}") };
        assert_eq!(
            out[1..],
            [
                Delivery::Stream { conn: b, local: bob(), bytes: payload(0) },
                Delivery::Stream { conn: b, local: bob(), bytes: payload(1) },
                Delivery::Stream { conn: b, local: bob(), bytes: payload(2) },
                Delivery::Closed { conn: b, local: bob() },
            ]
        );
        let stats = net.stats();
        assert_eq!(stats.stream_sends_ignored, 1);
        assert_eq!(stats.control_ignored, 1);
        assert_eq!(stats.connections_closed, 1);
        net.send_stream(ms(100), b, payload(10));
        assert_eq!(net.stats().stream_sends_ignored, 2, "the id is gone after Closed");
        assert_eq!(net.in_flight(), 0);
        assert!(net.conns.is_empty(), "finished connections are forgotten");
    }

    #[test]
    fn data_sent_towards_a_side_that_closed_is_lost_as_a_reset() {
        let mut net = Network::new(9);
        let a = net.connect(ms(0), alice(), bob());
        let out = drain(&mut net);
        let Some(Delivery::Accepted { conn: b, .. }) = out.iter().map(|(_, d)| d.clone()).nth(1) else {
            panic!("{out:?}")
        };
        net.send_stream(ms(5), b, payload(0)); // in flight when alice closes
        net.close(ms(5), a);
        net.send_stream(ms(5), b, payload(1)); // before bob hears of the close
        let out: Vec<Delivery> = drain(&mut net).into_iter().map(|(_, d)| d).collect();
        assert_eq!(out, vec![Delivery::Closed { conn: b, local: bob() }]);
        let reset: Vec<_> = net.trace().iter().filter(|e| e.fate == Fate::Reset).collect();
        assert_eq!(reset.len(), 2);
        assert!(reset.iter().all(|e| e.delivered.is_none() && e.from == bob()));
        assert_eq!(net.stats().stream_bytes_dropped, 2 * payload(0).len() as u64);
    }

    #[test]
    fn fail_drops_in_flight_data_and_notifies_both_sides() {
        let mut net = Network::new(2);
        net.set_default_link(LinkConfig::PERFECT.with_latency(Duration::from_millis(10)));
        let a = net.connect(ms(0), alice(), bob());
        let out = drain(&mut net);
        let Delivery::Accepted { conn: b, .. } = out[1].1 else { panic!("{out:?}") };
        net.send_stream(ms(10), a, payload(0));
        net.send_stream(ms(11), b, payload(1));
        net.fail(ms(12), a);
        net.fail(ms(12), a);
        net.send_stream(ms(12), b, payload(2));
        let out = drain(&mut net);
        assert_eq!(
            out,
            vec![
                (ms(12), Delivery::Failed { conn: a, local: alice() }),
                (ms(22), Delivery::Failed { conn: b, local: bob() }),
            ]
        );
        let stats = net.stats();
        assert_eq!(stats.connections_failed, 1);
        assert_eq!(stats.stream_bytes_delivered, 0);
        assert_eq!(stats.stream_bytes_dropped, 2 * payload(0).len() as u64);
        assert_eq!(stats.control_ignored, 1);
        assert_eq!(stats.stream_sends_ignored, 1);
        assert!(net.trace().iter().all(|e| e.fate == Fate::Reset && e.delivered.is_none()));
        assert_eq!(net.in_flight(), 0);
    }

    #[test]
    fn fail_before_accept_notifies_only_the_initiator() {
        let mut net = Network::new(2);
        let a = net.connect(ms(0), alice(), bob());
        net.fail(ms(0), a);
        let out = drain(&mut net);
        assert_eq!(out, vec![(ms(0), Delivery::Failed { conn: a, local: alice() })]);
        assert!(net.conns.is_empty());
    }

    #[test]
    fn next_delivery_time_is_the_minimum_and_poll_never_returns_anything_early() {
        let mut net = Network::new(77);
        net.set_default_link(
            LinkConfig::lossy(0.1)
                .with_latency(Duration::from_millis(3))
                .with_jitter(Duration::from_millis(20))
                .with_duplicate(0.2),
        );
        let conn = net.connect(ms(0), alice(), bob());
        // All sent at 0, so every item is due strictly later.
        for i in 0..300 {
            net.send_datagram(ms(0), alice(), bob(), payload(i));
            net.send_stream(ms(0), conn, payload(i));
        }
        let mut scheduled: Vec<Instant> = net.trace().iter().filter_map(|e| e.delivered).collect();
        scheduled.push(net.conns.values().map(|e| e.last_arrival).min().unwrap()); // Connected
        scheduled.push(net.conns.values().map(|e| e.last_arrival).min().unwrap()); // Accepted
        scheduled.sort();
        let mut taken = Vec::new();
        let mut now = net.now();
        while let Some(t) = net.next_delivery_time() {
            assert!(t > now || taken.last() == Some(&t), "only ties are due at the time just polled");
            assert_eq!(Some(&t), scheduled.get(taken.len()), "next_delivery_time is the earliest");
            if t > now {
                assert_eq!(net.poll_delivery(now), None);
            }
            now = t;
            assert!(net.poll_delivery(now).is_some());
            taken.push(now);
            // Anything still due now is at `now` exactly.
            assert!(net.next_delivery_time().is_none_or(|next| next >= now));
        }
        assert_eq!(taken, scheduled);
    }

    #[test]
    fn times_that_go_backwards_count_as_the_latest_time_seen() {
        let mut net = Network::new(1);
        net.send_datagram(ms(100), alice(), bob(), payload(0));
        net.send_datagram(ms(50), alice(), bob(), payload(1));
        assert_eq!(net.trace()[1].sent, ms(100));
        assert_eq!(net.next_delivery_time(), Some(ms(101)));
        assert_eq!(net.poll_delivery(ms(200)).map(|d| d.local()), Some(bob()));
        // Polling "earlier" still polls at 200 ms.
        assert!(net.poll_delivery(ms(0)).is_some());
        assert_eq!(net.now(), ms(200));
    }

    #[test]
    fn max_in_flight_drops_and_counts_further_sends() {
        let mut net = Network::new(1);
        net.set_max_in_flight(10);
        let conn = net.connect(ms(0), alice(), bob());
        for i in 0..15 {
            net.send_datagram(ms(0), alice(), bob(), payload(i));
        }
        net.send_stream(ms(0), conn, payload(99));
        assert_eq!(net.in_flight(), 12, "10 datagrams and the two connection events");
        let stats = net.stats();
        assert_eq!(stats.dropped_overflow, 6);
        assert_eq!(net.trace().iter().filter(|e| e.fate == Fate::Overflow).count(), 6);
        let out = drain(&mut net);
        assert_eq!(out.iter().filter(|(_, d)| matches!(d, Delivery::Datagram { .. })).count(), 10);
        // Room again once delivered.
        net.send_datagram(ms(5), alice(), bob(), payload(0));
        assert_eq!(net.in_flight(), 1);
    }

    #[test]
    fn trace_summary_is_the_first_line_and_crlf_only_is_keep_alive() {
        let mut net = Network::new(1);
        let invite = Bytes::from_static(
            b"INVITE sip:bob@biloxi.example.com SIP/2.0\r\nVia: SIP/2.0/UDP pc33.atlanta.example.com\r\n\r\n",
        );
        net.send_datagram(ms(0), alice(), bob(), invite);
        net.send_datagram(ms(0), alice(), bob(), Bytes::from_static(b"\r\n\r\n"));
        net.send_datagram(ms(0), alice(), bob(), Bytes::from_static(b"\r\nSIP/2.0 180 Ringing\r\n"));
        net.send_datagram(ms(0), alice(), bob(), Bytes::from(vec![b'a'; 500]));
        net.send_datagram(ms(0), alice(), bob(), Bytes::from_static(b"caf\xC3\xA9 \xFF\r\n"));
        net.send_datagram(ms(0), alice(), bob(), Bytes::new());
        let conn = net.connect(ms(0), alice(), bob());
        net.send_stream(ms(0), conn, Bytes::from_static(b"\r\n"));
        let summaries: Vec<&str> = net.trace().iter().map(|e| e.summary.as_str()).collect();
        let a80: String = "a".repeat(80);
        assert_eq!(
            summaries,
            vec![
                "INVITE sip:bob@biloxi.example.com SIP/2.0",
                "keep-alive",
                "SIP/2.0 180 Ringing",
                a80.as_str(),
                "café \u{FFFD}",
                "(empty)",
                "keep-alive",
            ]
        );
        assert_eq!(net.trace()[6].transport, "TCP");
        assert!(net.trace()[..6].iter().all(|e| e.transport == "UDP"));
        assert_eq!(summarize("é".repeat(100).as_bytes()).chars().count(), 80);
    }

    #[test]
    fn trace_is_capped_keeping_the_oldest_and_can_be_turned_off_and_cleared() {
        let mut net = Network::new(1);
        net.set_trace_capacity(5);
        for i in 0..10 {
            net.send_datagram(ms(i), alice(), bob(), payload(i as usize));
        }
        assert_eq!(net.trace().len(), 5);
        assert_eq!(net.trace()[0].sent, ms(0));
        assert_eq!(net.trace()[4].sent, ms(4));
        assert_eq!(net.stats().trace_dropped, 5);
        net.clear_trace();
        net.set_tracing(false);
        net.send_datagram(ms(20), alice(), bob(), payload(0));
        assert!(net.trace().is_empty());
        net.set_tracing(true);
        net.send_datagram(ms(21), alice(), bob(), payload(0));
        assert_eq!(net.trace().len(), 1);
        assert_eq!(drain(&mut net).len(), 12, "tracing does not affect delivery");
    }

    #[test]
    fn reset_marks_the_right_trace_entry_after_the_trace_was_cleared() {
        let mut net = Network::new(1);
        let a = net.connect(ms(0), alice(), bob());
        net.send_datagram(ms(0), alice(), bob(), payload(0));
        net.clear_trace();
        net.send_datagram(ms(0), alice(), bob(), payload(1));
        net.send_stream(ms(0), a, payload(2));
        net.fail(ms(0), a);
        assert_eq!(net.trace()[0].fate, Fate::Delivered);
        assert_eq!(net.trace()[1].fate, Fate::Reset);
    }

    #[test]
    fn out_of_range_and_nan_probabilities_are_clamped() {
        for (loss, expect_delivered) in [(f64::NAN, 100), (-1.0, 100), (7.0, 0), (f64::INFINITY, 0)] {
            let mut net = Network::new(1);
            net.set_default_link(LinkConfig::lossy(loss).with_duplicate(f64::NAN));
            for i in 0..100 {
                net.send_datagram(ms(i), alice(), bob(), payload(i as usize));
            }
            assert_eq!(drain(&mut net).len(), expect_delivered, "loss {loss}");
        }
        let mut net = Network::new(1);
        net.set_default_link(LinkConfig::PERFECT.with_duplicate(2.0));
        net.send_datagram(ms(0), alice(), bob(), payload(0));
        assert_eq!(drain(&mut net).len(), 2);
    }

    #[test]
    fn unknown_ids_and_extreme_times_do_not_panic() {
        let mut net = Network::new(u64::MAX);
        net.set_default_link(LinkConfig::PERFECT.with_latency(Duration::MAX).with_jitter(Duration::MAX));
        net.send_stream(ms(0), ConnectionId(12345), payload(0));
        net.close(ms(0), ConnectionId(12345));
        net.fail(ms(0), ConnectionId(u64::MAX));
        net.send_datagram(Instant::MAX, alice(), bob(), payload(0));
        let conn = net.connect(Instant::MAX, alice(), bob());
        net.send_stream(Instant::MAX, conn, payload(1));
        assert_eq!(net.next_delivery_time(), Some(Instant::MAX));
        assert_eq!(drain(&mut net).len(), 4);
        let stats = net.stats();
        assert_eq!((stats.stream_sends_ignored, stats.control_ignored), (1, 2));
    }

    #[test]
    fn splitmix64_matches_the_reference_sequence() {
        // First outputs for seed 1234567 from the reference implementation
        // (Vigna, splitmix64.c).
        let mut rng = SplitMix64(1234567);
        assert_eq!(rng.next_u64(), 6457827717110365317);
        assert_eq!(rng.next_u64(), 3203168211198807973);
        assert!((0..1000).all(|_| rng.up_to(9) <= 9));
        assert!((0..1000).all(|_| (0.0..1.0).contains(&rng.next_f64())));
    }

    #[test]
    fn trace_entries_display_as_ladder_lines() {
        let mut net = Network::new(1);
        net.set_link(alice(), bob(), LinkConfig::PERFECT.with_latency(Duration::from_millis(20)));
        net.send_datagram(
            ms(1500),
            alice(),
            bob(),
            Bytes::from_static(b"INVITE sip:bob@b.example SIP/2.0\r\n"),
        );
        net.set_link(alice(), bob(), LinkConfig::lossy(1.0));
        net.send_datagram(ms(1500), alice(), bob(), Bytes::from_static(b"\r\n\r\n"));
        let lines: Vec<String> = net.trace().iter().map(|e| alloc::format!("{e}")).collect();
        assert_eq!(
            lines,
            vec![
                "1.500s 192.0.2.1:5060 -> 192.0.2.2:5060 UDP INVITE sip:bob@b.example SIP/2.0 (at 1.520s)",
                "1.500s 192.0.2.1:5060 -> 192.0.2.2:5060 UDP keep-alive (lost)",
            ]
        );
    }

    /// Random operation sequences on random links: nothing panics, nothing
    /// arrives early, stream data keeps its order, nothing reaches an id
    /// after its Closed or Failed, and once every connection is ended and
    /// the queue drained, all bytes and datagrams are accounted for and the
    /// network holds no state.
    #[test]
    fn quickcheck_random_operations_keep_the_network_invariants() {
        use alloc::collections::{BTreeMap as Map, BTreeSet as Set};

        fn prop(seed: u64, link: (u8, u8, u8, u8), cap: u8, ops: Vec<(u8, u8, u8, u16)>) -> bool {
            let hosts = [alice(), bob(), carol()];
            let mut net = Network::new(seed);
            let prob = |x: u8| match x % 6 {
                0 => 0.0,
                1 => 0.3,
                2 => 1.0,
                3 => f64::NAN,
                4 => -2.0,
                _ => 0.05,
            };
            net.set_default_link(LinkConfig {
                latency: Duration::from_micros(u64::from(link.0) * 100),
                jitter: Duration::from_micros(u64::from(link.1) * 300),
                loss: prob(link.2),
                duplicate: prob(link.3),
            });
            if cap % 4 == 0 {
                net.set_max_in_flight(usize::from(cap / 4));
            }
            let mut now = Instant::ZERO;
            let mut ids: Vec<ConnectionId> = Vec::new(); // ids some side knows
            let mut ended: Set<ConnectionId> = Set::new(); // closed by self, or got Closed/Failed
            let mut next_write: Map<ConnectionId, u64> = Map::new(); // per sender
            let mut last_read: Map<ConnectionId, u64> = Map::new(); // per receiver

            let mut check = |net: &mut Network,
                             poll_at: Instant,
                             ids: &mut Vec<ConnectionId>,
                             ended: &mut Set<ConnectionId>| {
                let effective = net.now().max(poll_at);
                let due = net.next_delivery_time().is_some_and(|t| t <= effective);
                let got = net.poll_delivery(poll_at);
                if due != got.is_some() {
                    return false;
                }
                let Some(d) = got else { return true };
                if let Some(c) = d.conn() {
                    if ended.contains(&c) {
                        return false;
                    }
                }
                match d {
                    Delivery::Accepted { conn, .. } => ids.push(conn),
                    Delivery::Closed { conn, .. } | Delivery::Failed { conn, .. } => {
                        ended.insert(conn);
                    }
                    Delivery::Stream { conn, bytes, .. } => {
                        let s = core::str::from_utf8(&bytes).unwrap();
                        let n: u64 = s.parse().unwrap();
                        if last_read.get(&conn).is_some_and(|&last| n <= last) {
                            return false;
                        }
                        last_read.insert(conn, n);
                    }
                    _ => {}
                }
                true
            };

            for (op, x, y, t) in ops {
                // Mostly forward, sometimes backwards in time.
                now = if t % 7 == 0 {
                    Instant::from_nanos(now.as_nanos() / 2)
                } else {
                    now + Duration::from_micros(u64::from(t % 5000))
                };
                let (from, to) = (hosts[usize::from(x) % 3], hosts[usize::from(y) % 3]);
                let pick = |ids: &Vec<ConnectionId>| {
                    if ids.is_empty() { ConnectionId(u64::from(x)) } else { ids[usize::from(x) % ids.len()] }
                };
                match op % 9 {
                    0 | 1 => net.send_datagram(now, from, to, Bytes::from(vec![y; usize::from(x % 4)])),
                    2 => {
                        let c = net.connect(now, from, to);
                        ids.push(c);
                    }
                    3 | 4 => {
                        let c = pick(&ids);
                        let n = next_write.entry(c).or_insert(0);
                        *n += 1;
                        net.send_stream(now, c, Bytes::from(alloc::format!("{n}")));
                    }
                    5 => {
                        let c = pick(&ids);
                        // Closing a live id ends it; otherwise it is ignored
                        // and a pending Closed or Failed still arrives.
                        if net.conns.get(&c).is_some_and(|e| e.live) {
                            ended.insert(c);
                        }
                        net.close(now, c);
                    }
                    6 => {
                        let c = pick(&ids);
                        net.fail(now, c);
                    }
                    7 => {
                        if y % 2 == 0 {
                            net.partition(from.ip(), to.ip());
                        } else {
                            net.heal(from.ip(), to.ip());
                        }
                    }
                    _ => {
                        for _ in 0..(y % 8) {
                            if !check(&mut net, now, &mut ids, &mut ended) {
                                return false;
                            }
                        }
                    }
                }
            }
            // End every connection and drain.
            for &c in &ids.clone() {
                if net.conns.get(&c).is_some_and(|e| e.live) {
                    ended.insert(c);
                }
                net.close(now, c);
            }
            while let Some(t) = net.next_delivery_time() {
                if !check(&mut net, t, &mut ids, &mut ended) {
                    return false;
                }
            }
            let s = net.stats();
            let udp_overflow =
                net.trace().iter().filter(|e| e.fate == Fate::Overflow && e.transport == "UDP").count()
                    as u64;
            net.in_flight() == 0
                && net.payloads == 0
                && net.conns.is_empty()
                && s.stream_bytes_sent == s.stream_bytes_delivered + s.stream_bytes_dropped
                && s.datagrams_sent + s.datagrams_duplicated
                    == s.datagrams_lost + s.datagrams_partitioned + udp_overflow + s.datagrams_delivered
        }
        quickcheck::QuickCheck::new()
            .tests(500)
            .quickcheck(prop as fn(u64, (u8, u8, u8, u8), u8, Vec<(u8, u8, u8, u16)>) -> bool);
    }
}
