//! The Endpoint: the one object an event loop drives. It composes framing
//! and the transaction layer behind the crate's four verbs.
//!
//! * `handle_*` — feed it what happened: a datagram
//!   ([`handle_datagram`](Endpoint::handle_datagram)), bytes on a
//!   connection ([`handle_stream_data`](Endpoint::handle_stream_data)), a
//!   connection opened, closed or failed, a send that failed; or what the
//!   transaction user wants: [`send_request`](Endpoint::send_request),
//!   [`send_response`](Endpoint::send_response),
//!   [`cancel`](Endpoint::cancel), [`send_ack`](Endpoint::send_ack),
//!   [`send_stateless`](Endpoint::send_stateless).
//! * [`poll_output`](Endpoint::poll_output) — drain it until `None`:
//!   [`Output::Transmit`] (bytes and where they go) and [`Output::Event`]
//!   (a request for the TU with its server transaction, a response for a
//!   client transaction, a timeout, a transport error, a termination).
//! * [`poll_timeout`](Endpoint::poll_timeout) — the next deadline.
//! * [`handle_timeout`](Endpoint::handle_timeout) — time has reached it.
//!
//! The endpoint reads no clock and opens no socket. It adds `received` and
//! `rport` to the top Via of incoming requests as it appears in every
//! response (RFC 3261 §18.2.1, RFC 3581; see
//! [`Received::stamped_top_via`]), routes
//! responses (§18.2.2), matches messages to transactions (§17.1.3,
//! §17.2.3), answers CANCEL (§9.2), merged requests (§8.2.2.2, 482) and
//! requests that fail validation (§8.2) itself, and refuses new
//! transactions with 503 and Retry-After when its table is full.
//!
//! # Example
//!
//! ```
//! use sip_proto::Instant;
//! use sip_proto::endpoint::{Endpoint, EndpointConfig, Event, Output};
//! use sip_proto::message::{StatusCode, builder::response_to};
//!
//! let mut server = Endpoint::new(EndpointConfig::new("192.0.2.10", [1; 32]));
//! let now = Instant::ZERO;
//! let peer = "192.0.2.20:5060".parse().unwrap();
//! server.handle_datagram(now, peer, bytes::Bytes::from_static(b"OPTIONS sip:192.0.2.10 SIP/2.0\r\n\
//! Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK776asdhds\r\nMax-Forwards: 70\r\n\
//! To: <sip:192.0.2.10>\r\nFrom: <sip:alice@192.0.2.20>;tag=1928301774\r\n\
//! Call-ID: a84b4c76e66710\r\nCSeq: 63104 OPTIONS\r\nContent-Length: 0\r\n\r\n"));
//!
//! // The request comes out as an event with its server transaction.
//! let Some(Output::Event(Event::Request { transaction, request })) = server.poll_output() else {
//!     panic!("expected the OPTIONS");
//! };
//! let ok = response_to(request.message(), StatusCode::OK, Some("x7h2")).build()?;
//! server.send_response(now, transaction, ok)?;
//!
//! // The 200 goes back to where the request came from (RFC 3261 §18.2.2).
//! let Some(Output::Transmit(t)) = server.poll_output() else { panic!("expected the 200") };
//! assert!(t.bytes.starts_with(b"SIP/2.0 200 OK\r\n"));
//! // Timer J keeps the transaction 64·T1 for retransmissions, then it ends.
//! let deadline = server.poll_timeout().unwrap();
//! server.handle_timeout(deadline);
//! assert!(matches!(server.poll_output(), Some(Output::Event(Event::Terminated { .. }))));
//! assert_eq!(server.transaction_count(), 0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod hash;
mod received;
mod table;
mod via;

use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec::Vec;
use core::net::SocketAddr;

use alloc::collections::BTreeMap;
use bytes::Bytes;
use rand_chacha::ChaCha12Rng;
use rand_core::{Rng, SeedableRng};

pub(crate) use hash::KeyedHash;
pub use received::{Received, Source};
pub use table::TransactionId;

use self::table::{Indexed, Table};
use crate::message::builder::{OwnedMessage, RequestBuilder, response_to};
use crate::message::validate::{Policy, check_request};
use crate::message::{HeaderName, Limits, Message, Method, StatusCode};
use crate::time::Instant;
use crate::transaction::key::{self, Key};
use crate::transaction::{
    ClientInviteTransaction, ClientNonInviteTransaction, IctState, IstState, Output as TxOutput,
    ServerInviteTransaction, ServerNonInviteTransaction, TimerConfig, TransactionError, Verdict,
};
use crate::transport::{BytesDeframer, ConnectionId, Frame, FramingError, PONG, Transport};

/// Characters of a tag [`Endpoint::new_tag`] draws (72 bits).
pub(crate) const TAG_LEN: usize = 12;

/// Random characters of a Call-ID [`Endpoint::new_call_id`] draws (120
/// bits).
const CALL_ID_RANDOM: usize = 20;

/// Where bytes go: the adapter maps this to a socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Destination {
    /// A datagram (UDP) to this address.
    Datagram(SocketAddr),
    /// This connection (TCP, TLS, WebSocket), which the adapter owns.
    Connection(ConnectionId),
}

/// Bytes to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transmit {
    /// Where they go.
    pub destination: Destination,
    /// One whole SIP message (or a keep-alive pong).
    pub bytes: Bytes,
}

/// What the endpoint tells the transaction user.
#[derive(Debug)]
#[non_exhaustive]
pub enum Event {
    /// A new request with the server transaction created for it. The TU
    /// answers it with [`Endpoint::send_response`] (for any method but
    /// ACK, which never gets here).
    Request {
        /// The server transaction to answer through.
        transaction: TransactionId,
        /// The request.
        request: Received,
    },
    /// An ACK the transaction layer does not absorb: the ACK of a 2xx.
    /// Sent with a branch of its own (§13.2.2.4), it normally matches no
    /// transaction and goes to the core, which matches it to a dialog
    /// (§17.2.3); an RFC 2543 peer's ACK can match the INVITE server
    /// transaction in Accepted (RFC 6026 §8.7), which `transaction` names.
    Ack {
        /// The INVITE transaction it matched, if any.
        transaction: Option<TransactionId>,
        /// The ACK.
        request: Received,
    },
    /// A CANCEL matched this INVITE server transaction while it was still
    /// pending (§9.2). The endpoint has answered the CANCEL with 200; the
    /// TU should now answer the INVITE with 487 (a UAS) or cancel its
    /// branches (a proxy, §16.10).
    Cancelled {
        /// The INVITE's server transaction.
        transaction: TransactionId,
        /// The CANCEL.
        request: Received,
    },
    /// A response for a client transaction (every one the TU must see:
    /// provisionals, the final, and for INVITE every 2xx until Timer M).
    Response {
        /// The client transaction.
        transaction: TransactionId,
        /// The response.
        response: Received,
    },
    /// The transaction timed out: Timer B or F for a client transaction
    /// (treat as 408, §8.1.3.1), Timer H for an INVITE server transaction
    /// whose final response was never ACKed.
    Timeout {
        /// The transaction.
        transaction: TransactionId,
    },
    /// Sending failed for the transaction (§17.1.4, §17.2.4). A client
    /// transaction is terminated (treat as 503, §8.1.3.1); a server
    /// transaction stays until its timers end it (RFC 6026 §8.8).
    TransportError {
        /// The transaction.
        transaction: TransactionId,
    },
    /// The transaction ended and left the table; its id is now stale.
    Terminated {
        /// The transaction.
        transaction: TransactionId,
    },
    /// A connection carried bytes that cannot be framed (an oversized or
    /// malformed message on a stream): nothing more can be read from it,
    /// and the adapter should close it.
    ConnectionError {
        /// The connection.
        connection: ConnectionId,
        /// Why.
        error: FramingError,
    },
}

/// What [`Endpoint::poll_output`] yields.
#[derive(Debug)]
pub enum Output {
    /// Send these bytes.
    Transmit(Transmit),
    /// Tell the transaction user.
    Event(Event),
}

/// Why the endpoint refused a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EndpointError {
    /// The transaction id is stale or was never issued.
    #[error("no such transaction")]
    UnknownTransaction,
    /// The transaction is not of the kind the command needs (a response
    /// through a client transaction, a CANCEL of a non-INVITE).
    #[error("the transaction cannot do that")]
    WrongTransaction,
    /// The connection is not open (never reported, or closed).
    #[error("no such connection")]
    UnknownConnection,
    /// The transaction table is at `max_transactions`.
    #[error("the transaction table is full")]
    TableFull,
    /// The message is not what the command takes (a response where a
    /// request is needed, an ACK or CANCEL through `send_request`, a
    /// message without a top Via branch...).
    #[error("the message cannot be sent this way")]
    InvalidMessage,
    /// Building the message failed.
    #[error("the message could not be built")]
    Build,
    /// The state machine refused (see [`TransactionError`]).
    #[error(transparent)]
    Transaction(#[from] TransactionError),
}

/// Endpoint settings.
#[derive(Clone, Debug)]
pub struct EndpointConfig {
    /// Transaction timers (T1, T2, T4, Timer D, the 100 Trying delay).
    /// [`TimerConfig::check`] tells whether RFC 3261 §17 allows them.
    pub timers: TimerConfig,
    /// Parser limits for everything received.
    pub limits: Limits,
    /// The seed of every random value the endpoint draws (branches, tags):
    /// 32 bytes from the caller's CSPRNG. Two endpoints with one seed draw
    /// the same values: use that for tests, never in production.
    pub seed: [u8; 32],
    /// The host of the sent-by in the Vias this endpoint inserts
    /// (RFC 3261 §18.1.1): its address or name.
    pub via_host: String,
    /// The port of that sent-by; `None` writes none (the transport's
    /// default).
    pub via_port: Option<u16>,
    /// Ask for `rport` in inserted Vias (RFC 3581 §3), so that responses
    /// find their way back through NATs.
    pub rport: bool,
    /// The most live transactions; beyond it new requests are answered
    /// 503 with Retry-After and `send_request` fails.
    pub max_transactions: usize,
    /// The Retry-After (seconds) of those 503s.
    pub retry_after: u32,
    /// Answer merged requests with 482 (RFC 3261 §8.2.2.2): right for a
    /// UAS, wrong for a proxy (which forks and so sees legitimate
    /// repeats).
    pub detect_merged_requests: bool,
    /// The validation applied to every new request (RFC 3261 §8.2);
    /// requests that fail are answered with the status it names, and the
    /// TU never sees them. `None` applies none.
    pub policy: Option<Policy<'static>>,
}

impl EndpointConfig {
    /// RFC 3261 defaults for a UA at `via_host`, seeded with `seed`.
    pub fn new(via_host: &str, seed: [u8; 32]) -> Self {
        EndpointConfig {
            timers: TimerConfig::RFC3261,
            limits: Limits::DEFAULT,
            seed,
            via_host: via_host.into(),
            via_port: None,
            rport: true,
            max_transactions: 1 << 20,
            retry_after: 5,
            detect_merged_requests: true,
            policy: Some(Policy::user_agent()),
        }
    }
}

/// Counters, for monitoring and tests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EndpointStats {
    /// Messages that failed to parse and were dropped (§18.1.2, §18.2.1:
    /// nothing can be answered without a sound Via).
    pub malformed: u64,
    /// Responses that matched no client transaction, or whose sent-by is
    /// not this endpoint's (§18.1.2, RFC 6026 §8.9): discarded.
    pub stray_responses: u64,
    /// Requests answered by the endpoint itself because validation failed.
    pub rejected: u64,
    /// Requests answered 482 as merged (§8.2.2.2).
    pub merged: u64,
    /// Requests answered 503 because the table was full.
    pub overloaded: u64,
    /// Retransmissions absorbed by server transactions.
    pub absorbed: u64,
    /// Keep-alive pings answered with a pong.
    pub pongs: u64,
}

enum Machine {
    Ict(ClientInviteTransaction),
    Nict(ClientNonInviteTransaction),
    Ist(ServerInviteTransaction),
    Nist(ServerNonInviteTransaction),
}

impl Machine {
    fn poll_output(&mut self) -> Option<TxOutput> {
        match self {
            Machine::Ict(t) => t.poll_output(),
            Machine::Nict(t) => t.poll_output(),
            Machine::Ist(t) => t.poll_output(),
            Machine::Nist(t) => t.poll_output(),
        }
    }

    fn poll_timeout(&self) -> Option<Instant> {
        match self {
            Machine::Ict(t) => t.poll_timeout(),
            Machine::Nict(t) => t.poll_timeout(),
            Machine::Ist(t) => t.poll_timeout(),
            Machine::Nist(t) => t.poll_timeout(),
        }
    }

    fn handle_timeout(&mut self, now: Instant) {
        match self {
            Machine::Ict(t) => t.handle_timeout(now),
            Machine::Nict(t) => t.handle_timeout(now),
            Machine::Ist(t) => t.handle_timeout(now),
            Machine::Nist(t) => t.handle_timeout(now),
        }
    }

    fn handle_transport_error(&mut self, now: Instant) {
        match self {
            Machine::Ict(t) => t.handle_transport_error(now),
            Machine::Nict(t) => t.handle_transport_error(now),
            Machine::Ist(t) => t.handle_transport_error(now),
            Machine::Nist(t) => t.handle_transport_error(now),
        }
    }
}

/// RFC 3261 §9.1: a CANCEL waits for a provisional response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CancelState {
    None,
    Pending,
    Sent,
}

struct Entry {
    key: Key,
    merge_key: Option<Key>,
    machine: Machine,
    destination: Destination,
    /// Created by the endpoint for its own purposes (a CANCEL it sent, an
    /// automatic answer): the TU hears nothing of it.
    internal: bool,
    /// The deadline last pushed on the timer heap.
    scheduled: Option<Instant>,
    cancel: CancelState,
    /// For a server transaction: the received/rport its responses carry.
    stamp: Option<via::ViaStamp>,
}

impl Indexed for Entry {
    fn key(&self) -> &Key {
        &self.key
    }
    fn merge_key(&self) -> Option<&Key> {
        self.merge_key.as_ref()
    }
}

struct Connection {
    transport: Transport,
    peer: SocketAddr,
    deframer: BytesDeframer,
    /// Transactions whose messages go over this connection, so that its
    /// loss reaches them without a scan of the table. Stale ids are
    /// skipped, and pruned as the list grows.
    transactions: Vec<TransactionId>,
}

/// A SIP endpoint: framing plus the transaction layer, driven by the four
/// verbs of the crate (see the [module documentation](self)).
pub struct Endpoint {
    config: EndpointConfig,
    rng: ChaCha12Rng,
    table: Table<Entry>,
    /// Keys of the hash behind stateless To tags.
    tag_keys: (u64, u64),
    connections: BTreeMap<ConnectionId, Connection>,
    outputs: VecDeque<Output>,
    stats: EndpointStats,
    /// The configured Via host would go through the builder's value check
    /// unchanged ([`is_clean`](crate::message::builder::is_clean)): our
    /// Via is then written without the check.
    via_host_clean: bool,
}

impl core::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Endpoint")
            .field("via_host", &self.config.via_host)
            .field("transactions", &self.table.len())
            .field("connections", &self.connections.len())
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

impl Endpoint {
    /// A new endpoint with `config`.
    pub fn new(config: EndpointConfig) -> Self {
        let mut rng = ChaCha12Rng::from_seed(config.seed);
        let keys = (rng.next_u64(), rng.next_u64());
        let tag_keys = (rng.next_u64(), rng.next_u64());
        Endpoint {
            rng,
            table: Table::new(keys),
            tag_keys,
            connections: BTreeMap::new(),
            outputs: VecDeque::new(),
            stats: EndpointStats::default(),
            via_host_clean: crate::message::builder::is_clean(config.via_host.as_bytes())
                && !config.via_host.is_empty(),
            config,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &EndpointConfig {
        &self.config
    }

    /// The counters.
    pub fn stats(&self) -> EndpointStats {
        self.stats
    }

    /// Live transactions.
    pub fn transaction_count(&self) -> usize {
        self.table.len()
    }

    /// Heap bytes held by the transaction table's own structures (not the
    /// messages kept for retransmission), for memory accounting.
    pub fn table_heap_size(&self) -> usize {
        self.table.heap_size()
    }

    /// A fresh tag for a From or To (RFC 3261 §19.3: at least 32 random
    /// bits; this gives 72).
    pub fn new_tag(&mut self) -> String {
        let mut s = String::with_capacity(TAG_LEN);
        via::random_token(&mut self.rng, TAG_LEN, &mut s);
        s
    }

    /// A fresh Call-ID (RFC 3261 §8.1.1.4): 120 random bits at the
    /// endpoint's host.
    pub fn new_call_id(&mut self) -> String {
        let mut s = String::with_capacity(CALL_ID_RANDOM + 1 + self.config.via_host.len());
        via::random_token(&mut self.rng, CALL_ID_RANDOM, &mut s);
        s.push('@');
        s.push_str(&self.config.via_host);
        s
    }

    /// [`new_tag`](Self::new_tag) written into `buf`: the same draw, for
    /// a tag that is only copied into a message (no allocation).
    pub(crate) fn fill_tag<'b>(&mut self, buf: &'b mut [u8; TAG_LEN]) -> &'b str {
        via::fill_token(&mut self.rng, buf);
        // Token characters are ASCII.
        core::str::from_utf8(buf).unwrap_or_default()
    }

    /// `f` given a fresh Call-ID ([`new_call_id`](Self::new_call_id), the
    /// same draw), joined on the stack when the host is of a usual length:
    /// for a Call-ID that is only copied into a message.
    pub(crate) fn with_call_id<R>(&mut self, f: impl FnOnce(&str) -> R) -> R {
        let host = self.config.via_host.as_bytes();
        let mut buf = [0u8; 128];
        if let Some(b) = buf.get_mut(..CALL_ID_RANDOM + 1 + host.len()) {
            let (random, rest) = b.split_at_mut(CALL_ID_RANDOM);
            via::fill_token(&mut self.rng, random);
            rest[0] = b'@';
            rest[1..].copy_from_slice(host);
            // Token characters and the configured host (a String) are UTF-8.
            return f(core::str::from_utf8(b).unwrap_or_default());
        }
        f(&self.new_call_id())
    }

    /// A fresh branch (magic cookie and 96 random bits), for a caller that
    /// inserts its own Via (see [`send_request_with_via`](Self::send_request_with_via)).
    pub fn new_branch(&mut self) -> String {
        via::new_branch(&mut self.rng)
    }

    /// The request a client transaction sends (with the Via the endpoint
    /// added), while the transaction lives: the UA core builds dialogs and
    /// ACKs from it.
    pub fn client_request(&self, transaction: TransactionId) -> Option<&Bytes> {
        match &self.table.get(transaction)?.machine {
            Machine::Ict(t) => Some(t.request()),
            Machine::Nict(t) => Some(t.request()),
            _ => None,
        }
    }

    /// The next output, until `None`.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.outputs.pop_front()
    }

    /// The next deadline at which [`handle_timeout`](Self::handle_timeout)
    /// must be called.
    pub fn poll_timeout(&mut self) -> Option<Instant> {
        self.table.prune(|e, at| e.scheduled == Some(at));
        self.table.next_wakeup()
    }

    /// Time has reached `now`: fire every transaction timer due.
    pub fn handle_timeout(&mut self, now: Instant) {
        while let Some((at, id)) = self.table.pop_due(now) {
            let Some(e) = self.table.get_mut(id) else { continue };
            if e.scheduled != Some(at) {
                continue;
            }
            e.scheduled = None;
            e.machine.handle_timeout(now);
            self.after(now, id);
        }
    }

    // ---- transport input -------------------------------------------------

    /// A datagram arrived from `from` (UDP). One datagram is one message
    /// (RFC 3261 §18.3); keep-alives are ignored, malformed messages
    /// dropped.
    pub fn handle_datagram(&mut self, now: Instant, from: SocketAddr, bytes: Bytes) {
        if bytes.iter().all(|&c| c == b'\r' || c == b'\n') {
            return; // RFC 5626 §4.4.1: a CRLF keep-alive; UDP has no pong.
        }
        let source = Source { transport: Transport::Udp, peer: from, connection: None };
        self.handle_message(now, bytes, source);
    }

    /// A connection opened (the adapter connected or accepted it).
    pub fn handle_connection_opened(
        &mut self,
        _now: Instant,
        connection: ConnectionId,
        transport: Transport,
        peer: SocketAddr,
    ) {
        // An id reported open again means the adapter lost the old
        // connection without saying so: its transactions hear of it now.
        if self.connections.contains_key(&connection) {
            self.handle_connection_closed(_now, connection);
        }
        let deframer = BytesDeframer::new(self.config.limits);
        self.connections
            .insert(connection, Connection { transport, peer, deframer, transactions: Vec::new() });
    }

    /// Bytes arrived on a connection. They are framed (RFC 3261 §18.3,
    /// Content-Length required) however they are chunked; a CRLFCRLF ping
    /// is answered with a CRLF pong (RFC 5626 §4.4.1).
    pub fn handle_stream_data(&mut self, now: Instant, connection: ConnectionId, data: &[u8]) {
        let Some(conn) = self.connections.get_mut(&connection) else { return };
        conn.deframer.push(data);
        let source = Source { transport: conn.transport, peer: conn.peer, connection: Some(connection) };
        loop {
            let Some(conn) = self.connections.get_mut(&connection) else { return };
            match conn.deframer.poll() {
                None => return,
                Some(Ok(Frame::Message(bytes))) => self.handle_message(now, bytes, source),
                Some(Ok(Frame::Ping)) => {
                    self.stats.pongs += 1;
                    self.transmit(Destination::Connection(connection), Bytes::from_static(PONG));
                }
                Some(Ok(_)) => {}
                Some(Err(error)) => {
                    self.event(Event::ConnectionError { connection, error });
                    return;
                }
            }
        }
    }

    /// The connection closed. Transactions that send over it see a
    /// transport error (§17.1.4, §17.2.4).
    pub fn handle_connection_closed(&mut self, now: Instant, connection: ConnectionId) {
        if let Some(conn) = self.connections.remove(&connection) {
            for id in conn.transactions {
                self.transport_error(now, id);
            }
        }
    }

    /// The connection failed (reset, refused, TLS error): the same as
    /// [`handle_connection_closed`](Self::handle_connection_closed).
    pub fn handle_connection_failed(&mut self, now: Instant, connection: ConnectionId) {
        self.handle_connection_closed(now, connection);
    }

    /// A send to `destination` failed (an ICMP error for a datagram, a
    /// refused connection): every transaction sending there sees a
    /// transport error. For datagrams this looks the transactions up by
    /// destination, which costs a pass over the table: ICMP errors are
    /// rare and not trusted to be timely.
    pub fn handle_send_failed(&mut self, now: Instant, destination: Destination) {
        match destination {
            Destination::Connection(c) => self.handle_connection_failed(now, c),
            Destination::Datagram(_) => {
                let ids = self.table.ids_where(|e| e.destination == destination);
                for id in ids {
                    self.transport_error(now, id);
                }
            }
        }
    }

    // ---- transaction user commands ---------------------------------------

    /// Sends a request in a new client transaction. The endpoint adds the
    /// top Via (its sent-by, a fresh branch, `rport`), so `request` carries
    /// none of its own. Not for ACK ([`send_ack`](Self::send_ack)) or
    /// CANCEL ([`cancel`](Self::cancel)).
    pub fn send_request(
        &mut self,
        now: Instant,
        request: RequestBuilder,
        destination: Destination,
    ) -> Result<TransactionId, EndpointError> {
        // The builder checked the request (CSeq method = method); the key
        // comes from what we know, without parsing our own bytes again. A
        // known method needs no copy of its name.
        let method =
            Method::from_bytes(request.method_str().as_bytes()).ok_or(EndpointError::InvalidMessage)?;
        let method = method_owned(method);
        let mut branch = [0u8; via::BRANCH_LEN];
        let branch = via::fill_branch(&mut self.rng, &mut branch);
        let (transport, bytes) = self.build_with_our_via(request, destination, branch)?;
        self.start_client_known(now, bytes, destination, transport, false, method.as_method(), branch)
    }

    /// `request` with our Via on top (sent-by, `branch`, `rport`), built:
    /// the transport and the bytes.
    fn build_with_our_via(
        &mut self,
        request: RequestBuilder,
        destination: Destination,
        branch: &str,
    ) -> Result<(Transport, Bytes), EndpointError> {
        let transport = self.transport_of(destination)?;
        let request = if self.via_host_clean {
            // Written straight into the builder: the host was checked once,
            // the rest is ours.
            let mut digits = [0u8; 5];
            let (colon, port): (&[u8], &[u8]) = match self.config.via_port {
                Some(p) => (b":", via::decimal(p, &mut digits)),
                None => (b"", b""),
            };
            let rport: &[u8] = if self.config.rport { b";rport" } else { b"" };
            request.top_via_clean(&[
                b"SIP/2.0/",
                transport.as_via_str().as_bytes(),
                b" ",
                self.config.via_host.as_bytes(),
                colon,
                port,
                b";branch=",
                branch.as_bytes(),
                rport,
            ])
        } else {
            request.top_via(&self.via_value(transport, branch))
        };
        let msg = request.build().map_err(|_| EndpointError::Build)?;
        Ok((transport, Bytes::from(msg.into_bytes())))
    }

    /// Sends a request whose top Via the caller wrote (a proxy forwarding,
    /// RFC 3261 §16.6 step 8), in a new client transaction. The branch must
    /// carry the magic cookie.
    pub fn send_request_with_via(
        &mut self,
        now: Instant,
        request: OwnedMessage,
        destination: Destination,
    ) -> Result<TransactionId, EndpointError> {
        let transport = self.transport_of(destination)?;
        self.start_client(now, Bytes::from(request.into_bytes()), destination, transport, false)
    }

    /// Sends the ACK for a 2xx (RFC 3261 §13.2.2.4): outside any
    /// transaction, with a Via and fresh branch of its own. Returns the
    /// bytes sent, so that the UA core can send the same ACK again for
    /// each retransmission of the 2xx (with [`send_raw`](Self::send_raw)).
    pub fn send_ack(
        &mut self,
        _now: Instant,
        ack: RequestBuilder,
        destination: Destination,
    ) -> Result<Bytes, EndpointError> {
        let mut branch = [0u8; via::BRANCH_LEN];
        let branch = via::fill_branch(&mut self.rng, &mut branch);
        let (_, bytes) = self.build_with_our_via(ack, destination, branch)?;
        self.transmit(destination, bytes.clone());
        Ok(bytes)
    }

    /// Sends bytes exactly as given, outside any transaction (the same ACK
    /// again, a keep-alive).
    pub fn send_raw(
        &mut self,
        _now: Instant,
        bytes: Bytes,
        destination: Destination,
    ) -> Result<(), EndpointError> {
        self.transport_of(destination)?;
        self.transmit(destination, bytes);
        Ok(())
    }

    /// Sends bytes outside any transaction: a stateless response or a
    /// statelessly forwarded message (RFC 3261 §16.11), exactly as given.
    pub fn send_stateless(
        &mut self,
        _now: Instant,
        message: OwnedMessage,
        destination: Destination,
    ) -> Result<(), EndpointError> {
        self.transport_of(destination)?;
        self.transmit(destination, Bytes::from(message.into_bytes()));
        Ok(())
    }

    /// Sends a response through the server transaction `transaction`
    /// (built, typically, with [`response_to`] from the request's
    /// message).
    pub fn send_response(
        &mut self,
        now: Instant,
        transaction: TransactionId,
        response: OwnedMessage,
    ) -> Result<(), EndpointError> {
        let status = status_of(response.as_bytes()).ok_or(EndpointError::InvalidMessage)?;
        let entry = self.table.get_mut(transaction).ok_or(EndpointError::UnknownTransaction)?;
        // Stamped in place, in the room response_to's builder leaves.
        let bytes = match &entry.stamp {
            Some(stamp) => stamp.apply(response.into_bytes()),
            None => response.into_bytes(),
        };
        let bytes = Bytes::from(bytes);
        match &mut entry.machine {
            Machine::Ist(t) => t.send_response(now, status, bytes)?,
            Machine::Nist(t) => {
                t.send_response(now, status, bytes)?;
                // §17.2.2: after the final response the machine only
                // repeats it, so no response is stamped again; the stamp
                // need not live through Timer J.
                if status.0 >= 200 {
                    entry.stamp = None;
                }
            }
            _ => return Err(EndpointError::WrongTransaction),
        }
        self.after(now, transaction);
        Ok(())
    }

    /// Cancels the INVITE client transaction `transaction` (RFC 3261 §9.1).
    ///
    /// The CANCEL goes at once if a provisional response has arrived;
    /// otherwise it waits for one ("the client MUST wait for the arrival of
    /// a provisional response"). Once a final response has arrived there is
    /// nothing to cancel. The CANCEL's own transaction is the endpoint's:
    /// the TU hears the outcome as the INVITE's final response (487).
    pub fn cancel(
        &mut self,
        now: Instant,
        transaction: TransactionId,
    ) -> Result<CancelOutcome, EndpointError> {
        let entry = self.table.get_mut(transaction).ok_or(EndpointError::UnknownTransaction)?;
        let Machine::Ict(ict) = &entry.machine else {
            return Err(EndpointError::WrongTransaction);
        };
        if entry.cancel != CancelState::None {
            return Ok(CancelOutcome::AlreadyCancelled);
        }
        match ict.state() {
            IctState::Calling => {
                entry.cancel = CancelState::Pending;
                Ok(CancelOutcome::Deferred)
            }
            IctState::Proceeding => {
                let sent = self.send_cancel(now, transaction);
                self.after(now, transaction);
                // A full table: the CANCEL could not start, but the
                // restarted Timer B still ends the INVITE (§9.1).
                if sent { Ok(CancelOutcome::Sent) } else { Err(EndpointError::TableFull) }
            }
            _ => Ok(CancelOutcome::TooLate),
        }
    }

    // ---- internals -------------------------------------------------------

    /// §18.1.2: whether a response's top Via sent-by host is the one this
    /// endpoint writes (domain case-insensitively, addresses by value).
    fn is_own_sent_by(&self, host: &crate::message::uri::Host<'_>) -> bool {
        use crate::message::uri::Host;
        let ours = self.config.via_host.trim_start_matches('[').trim_end_matches(']');
        match *host {
            Host::Domain(d) => d.eq_ignore_ascii_case(ours),
            Host::Ipv4(a) => ours.parse::<core::net::Ipv4Addr>().is_ok_and(|o| o.octets() == a),
            Host::Ipv6 { addr, .. } => {
                ours.parse::<core::net::Ipv6Addr>().is_ok_and(|o| o.segments() == addr)
            }
        }
    }

    /// A To tag for a response the endpoint sends without keeping state
    /// (the 503 of a full table): derived from the request with a keyed
    /// hash, so a retransmission gets the same tag (§8.2.6.2 wants one
    /// on every non-100 response) and peers cannot predict it.
    fn stateless_tag(&self, msg: &Message<'_>) -> String {
        use core::hash::Hasher;
        let mut h = siphasher::sip::SipHasher13::new_with_keys(self.tag_keys.0, self.tag_keys.1);
        h.write(msg.call_id().unwrap_or("").as_bytes());
        h.write(msg.from().ok().and_then(|f| f.tag()).unwrap_or("").as_bytes());
        h.write(&msg.cseq().map_or(0, |c| c.seq).to_be_bytes());
        h.write(msg.top_via().ok().and_then(|v| v.branch()).unwrap_or("").as_bytes());
        let mut s = String::with_capacity(16);
        use core::fmt::Write;
        let _ = write!(s, "{:016x}", h.finish());
        s
    }

    fn transport_of(&self, destination: Destination) -> Result<Transport, EndpointError> {
        match destination {
            Destination::Datagram(_) => Ok(Transport::Udp),
            Destination::Connection(c) => {
                self.connections.get(&c).map(|c| c.transport).ok_or(EndpointError::UnknownConnection)
            }
        }
    }

    fn via_value(&self, transport: Transport, branch: &str) -> String {
        let mut v = String::with_capacity(32 + self.config.via_host.len() + branch.len());
        v.push_str("SIP/2.0/");
        v.push_str(transport.as_via_str());
        v.push(' ');
        v.push_str(&self.config.via_host);
        if let Some(p) = self.config.via_port {
            let mut digits = [0u8; 5];
            v.push(':');
            v.push_str(core::str::from_utf8(via::decimal(p, &mut digits)).unwrap_or_default());
        }
        v.push_str(";branch=");
        v.push_str(branch);
        if self.config.rport {
            v.push_str(";rport");
        }
        v
    }

    fn start_client(
        &mut self,
        now: Instant,
        bytes: Bytes,
        destination: Destination,
        transport: Transport,
        internal: bool,
    ) -> Result<TransactionId, EndpointError> {
        if self.table.len() >= self.config.max_transactions {
            return Err(EndpointError::TableFull);
        }
        let msg =
            Message::parse_with(&bytes, &self.config.limits).map_err(|_| EndpointError::InvalidMessage)?;
        let method = msg.method().ok_or(EndpointError::InvalidMessage)?;
        if matches!(method, Method::Ack) || (matches!(method, Method::Cancel) && !internal) {
            return Err(EndpointError::InvalidMessage);
        }
        let via = msg.top_via().map_err(|_| EndpointError::InvalidMessage)?;
        let branch = via.branch().filter(|_| via.has_magic_cookie()).ok_or(EndpointError::InvalidMessage)?;
        let branch = String::from(branch);
        let method = method_owned(method);
        drop(msg);
        self.start_client_known(now, bytes, destination, transport, internal, method.as_method(), &branch)
    }

    /// Starts a client transaction for `bytes`, whose method and branch the
    /// caller knows.
    #[allow(clippy::too_many_arguments)]
    fn start_client_known(
        &mut self,
        now: Instant,
        bytes: Bytes,
        destination: Destination,
        transport: Transport,
        internal: bool,
        method: Method<'_>,
        branch: &str,
    ) -> Result<TransactionId, EndpointError> {
        if self.table.len() >= self.config.max_transactions {
            return Err(EndpointError::TableFull);
        }
        if matches!(method, Method::Ack) || (matches!(method, Method::Cancel) && !internal) {
            return Err(EndpointError::InvalidMessage);
        }
        let key = key::client_key(branch, method);
        let hash = self.table.hash_of(&key);
        if self.table.find_hashed(&key, hash).is_some() {
            return Err(EndpointError::InvalidMessage);
        }
        let reliable = transport.is_reliable();
        let timers = self.config.timers;
        let invite = method == Method::Invite;
        // Made in its slot (see insert_hashed_with).
        let id = self.table.insert_hashed_with(hash, None, || Entry {
            key,
            merge_key: None,
            machine: if invite {
                Machine::Ict(ClientInviteTransaction::new(now, bytes, reliable, timers))
            } else {
                Machine::Nict(ClientNonInviteTransaction::new(now, bytes, reliable, timers))
            },
            destination,
            internal,
            scheduled: None,
            cancel: CancelState::None,
            stamp: None,
        });
        self.track_connection(destination, id);
        self.after(now, id);
        Ok(id)
    }

    fn track_connection(&mut self, destination: Destination, id: TransactionId) {
        if let Destination::Connection(c) = destination {
            if let Some(conn) = self.connections.get_mut(&c) {
                let n = conn.transactions.len();
                if n >= 32 && n.is_power_of_two() {
                    let table = &self.table;
                    conn.transactions.retain(|&t| table.get(t).is_some());
                }
                conn.transactions.push(id);
            }
        }
    }

    /// Builds and sends the CANCEL for an INVITE client transaction
    /// (§9.1): the INVITE's Request-URI, Call-ID, To, From, CSeq number
    /// and Route, and a single Via equal to its top Via, so that it
    /// matches the INVITE's server transaction (§9.2).
    /// Returns whether the CANCEL went out.
    fn send_cancel(&mut self, now: Instant, invite: TransactionId) -> bool {
        let Some(entry) = self.table.get_mut(invite) else { return false };
        let Machine::Ict(ict) = &mut entry.machine else { return false };
        entry.cancel = CancelState::Sent;
        // §9.1: no final within 64·T1 of the CANCEL ends the INVITE (the
        // caller runs `after` to schedule it), sent or not.
        ict.handle_cancel_sent(now);
        let destination = entry.destination;
        let request = ict.request().clone();
        let Ok(req) = Message::parse(&request) else { return false };
        let cancel = build_cancel(&req);
        drop(req);
        let Ok(transport) = self.transport_of(destination) else {
            self.transport_error(now, invite);
            return false;
        };
        // A CANCEL whose transaction cannot start (table full) is not
        // sent: the INVITE's restarted Timer B ends it.
        self.start_client(now, Bytes::from(cancel), destination, transport, true).is_ok()
    }

    fn handle_message(&mut self, now: Instant, bytes: Bytes, source: Source) {
        let received = match Received::parse(bytes, &self.config.limits, source) {
            Ok(r) => r,
            Err(_) => {
                self.stats.malformed += 1;
                return;
            }
        };
        if received.message().is_request() {
            self.handle_request(now, received);
        } else {
            self.handle_response(now, received);
        }
    }

    fn handle_response(&mut self, now: Instant, received: Received) {
        let msg = received.message();
        // §18.1.2: a response whose top Via sent-by is not ours was
        // misrouted ("If the value of that parameter does not correspond to
        // a value that the client transport is configured to insert into
        // requests, the response MUST be silently discarded"). The host is
        // compared by value; a Via the caller wrote (send_request_with_via)
        // may carry a port when none is configured, so only two explicit
        // ports differ.
        let ours = msg.top_via().is_ok_and(|v| {
            let port = match (v.port, self.config.via_port) {
                (Some(theirs), Some(ours)) => theirs == ours,
                _ => true,
            };
            self.is_own_sent_by(&v.host) && port
        });
        let id = if ours { key::response_key(msg).and_then(|k| self.table.find(&k)) } else { None };
        let Some(id) = id else {
            self.stats.stray_responses += 1;
            return;
        };
        let Some(entry) = self.table.get_mut(id) else { return };
        let (verdict, provisional) = match &mut entry.machine {
            Machine::Ict(t) => {
                let v = t.handle_response(now, msg);
                (v, t.state() == IctState::Proceeding)
            }
            Machine::Nict(t) => (t.handle_response(now, msg), false),
            _ => (Verdict::Absorbed, false),
        };
        let pending_cancel = provisional && entry.cancel == CancelState::Pending;
        let internal = entry.internal;
        if verdict == Verdict::ToTransactionUser && !internal {
            self.event(Event::Response { transaction: id, response: received });
        }
        if pending_cancel {
            // Deferred (§9.1); if the table is full now, the restarted
            // Timer B still ends the INVITE.
            let _ = self.send_cancel(now, id);
        }
        self.after(now, id);
    }

    fn handle_request(&mut self, now: Instant, received: Received) {
        let msg = received.message();
        let Some(method) = msg.method() else { return };
        let Some(key) = key::server_key(msg) else {
            self.stats.malformed += 1;
            return;
        };
        let hash = self.table.hash_of(&key);
        let mut found = self.table.find_hashed(&key, hash);
        if method == Method::Ack && key.is_rfc2543() {
            found = self.rfc2543_ack_match(msg, found);
        }
        if let Some(id) = found {
            let Some(entry) = self.table.get_mut(id) else { return };
            let verdict = match &mut entry.machine {
                Machine::Ist(t) => t.handle_request(now, msg),
                Machine::Nist(t) => t.handle_request(now),
                _ => Verdict::Absorbed,
            };
            if verdict == Verdict::ToTransactionUser {
                self.event(Event::Ack { transaction: Some(id), request: received });
            } else {
                self.stats.absorbed += 1;
            }
            self.after(now, id);
            return;
        }
        match method {
            Method::Ack => {
                // §17.2.3: an ACK matching no transaction (the ACK of a
                // 2xx) goes to the core.
                self.event(Event::Ack { transaction: None, request: received });
            }
            Method::Cancel => self.handle_cancel(now, key, received),
            _ => self.new_server_transaction(now, key, hash, received),
        }
    }

    /// The INVITE server transaction an RFC 2543 ACK matches (§17.2.3):
    /// the one of an INVITE without a To tag (`found`, by the ACK's
    /// key), else of an INVITE in a dialog carrying the ACK's To tag; and
    /// only if the ACK's To tag is that of the response the transaction
    /// sent. An ACK for another response (a proxy that forwarded two,
    /// §17.2.3) matches nothing and goes to the core.
    fn rfc2543_ack_match(&self, ack: &Message<'_>, found: Option<TransactionId>) -> Option<TransactionId> {
        let id = found.or_else(|| self.table.find(&key::rfc2543_ack_in_dialog_key(ack)?))?;
        let Machine::Ist(t) = &self.table.get(id)?.machine else { return None };
        let sent = to_tag_of(t.last_response()?)?;
        (ack.to().ok()?.tag() == Some(sent)).then_some(id)
    }

    fn handle_cancel(&mut self, now: Instant, key: Key, cancel: Received) {
        let msg = cancel.message();
        let target = key::cancelled_invite_key(msg).and_then(|k| self.table.find(&k));
        let pending = target.and_then(|id| match &self.table.get(id)?.machine {
            Machine::Ist(t) => Some((id, t.state() == IstState::Proceeding, t.last_response().cloned())),
            _ => None,
        });
        // §9.2: 481 if there is no such transaction; otherwise 200, with
        // the To tag of the INVITE's response where there is one.
        let (status, tag) = match &pending {
            None => (StatusCode::CALL_OR_TRANSACTION_DOES_NOT_EXIST, None),
            Some((_, _, last)) => {
                let tag = last.as_deref().and_then(to_tag_of).map(String::from);
                (StatusCode::OK, Some(tag.unwrap_or_else(|| self.new_tag())))
            }
        };
        let response = response_to(msg, status, tag.as_deref()).build();
        let Ok(response) = response else { return };
        let route = via::request_route(msg, cancel.source());
        self.answer_internally(now, key, &cancel, route, response);
        if let Some((invite, true, _)) = pending {
            self.event(Event::Cancelled { transaction: invite, request: cancel });
        }
    }

    /// Creates a server transaction the endpoint answers itself (a CANCEL's
    /// 200, a 481, 482, or a validation failure), so that retransmissions
    /// of the request get the same answer.
    ///
    /// `route` is the request's [`via::request_route`].
    fn answer_internally(
        &mut self,
        now: Instant,
        key: Key,
        request: &Received,
        route: (Destination, Option<via::ViaStamp>),
        response: OwnedMessage,
    ) -> Option<TransactionId> {
        let (destination, stamp) = route;
        // The one response this transaction sends carries the stamp.
        let status = status_of(response.as_bytes())?;
        let response = match &stamp {
            Some(stamp) => stamp.apply(response.into_bytes()),
            None => response.into_bytes(),
        };
        if self.table.len() >= self.config.max_transactions {
            self.transmit(destination, Bytes::from(response));
            return None;
        }
        let reliable = request.source().transport.is_reliable();
        let timers = self.config.timers;
        let mut machine = ServerNonInviteTransaction::new(now, Bytes::new(), reliable, timers);
        machine.send_response(now, status, Bytes::from(response)).ok()?;
        let is_invite = request.message().method() == Some(Method::Invite);
        let machine = if is_invite {
            // A rejected INVITE still needs the INVITE server transaction
            // (Timer G retransmissions, the ACK absorbed in Confirmed).
            let mut ist = ServerInviteTransaction::new(now, request.bytes().clone(), reliable, timers);
            let mut nist = machine;
            let last = loop {
                match nist.poll_output() {
                    Some(TxOutput::Transmit(b)) => break Some(b),
                    Some(_) => continue,
                    None => break None,
                }
            }?;
            ist.send_response(now, status, last).ok()?;
            Machine::Ist(ist)
        } else {
            Machine::Nist(machine)
        };
        let entry = Entry {
            key,
            merge_key: None,
            machine,
            destination,
            internal: true,
            scheduled: None,
            cancel: CancelState::None,
            // The final response is sent, stamped: nothing else will be.
            stamp: None,
        };
        let id = self.table.insert(entry);
        self.track_connection(destination, id);
        self.after(now, id);
        Some(id)
    }

    /// `hash` is the table hash of `key`.
    fn new_server_transaction(&mut self, now: Instant, key: Key, hash: u64, received: Received) {
        let msg = received.message();
        // §8.1.1: without From, To, Call-ID and CSeq no response can be
        // built (§8.2.6.2 copies them), so nothing can be answered: the
        // request is dropped rather than left in a transaction nobody can
        // complete (RFC 4475 §3.1.2.18 "insuf").
        // The parser decoded each of them where present (or failed), so
        // their cached values say whether they are there.
        let complete = msg.from().is_ok() && msg.to().is_ok() && msg.call_id().is_ok() && msg.cseq().is_ok();
        if !complete {
            self.stats.malformed += 1;
            return;
        }
        if self.table.len() >= self.config.max_transactions {
            let destination = via::response_destination(msg, received.source());
            // The design's back-pressure: 503 with Retry-After, sent
            // statelessly so that the table does not grow.
            self.stats.overloaded += 1;
            let mut retry = String::new();
            {
                use core::fmt::Write;
                let _ = write!(retry, "{}", self.config.retry_after);
            }
            let tag = self.stateless_tag(msg);
            if let Ok(r) = response_to(msg, StatusCode::SERVICE_UNAVAILABLE, Some(&tag))
                .header(HeaderName::RetryAfter, retry)
                .build()
            {
                self.transmit(destination, Bytes::from(r.into_bytes()));
            }
            return;
        }
        let route = via::request_route(msg, received.source());
        let destination = route.0;
        let merge_key = if self.config.detect_merged_requests { key::merge_key(msg) } else { None };
        // Hashed once, for the search and for the insertion.
        let merge_hash = merge_key.as_ref().map(|mk| self.table.hash_of(mk));
        if let (Some(mk), Some(mh)) = (&merge_key, merge_hash) {
            if self.table.find_merged_hashed(mk, mh).is_some() {
                // §8.2.2.2: same From tag, Call-ID and CSeq as a pending
                // transaction, but not a retransmission of it: it reached
                // us twice, by different paths.
                self.stats.merged += 1;
                let tag = self.new_tag();
                if let Ok(r) = response_to(msg, StatusCode::LOOP_DETECTED, Some(&tag)).build() {
                    self.answer_internally(now, key, &received, route, r);
                }
                return;
            }
        }
        if let Some(policy) = self.config.policy {
            if let Err(rejection) = check_request(msg, &policy) {
                self.stats.rejected += 1;
                let tag = self.new_tag();
                let mut b = response_to(msg, rejection.status, Some(&tag));
                if !rejection.unsupported.is_empty() {
                    let mut v = String::new();
                    for (i, t) in rejection.unsupported.iter().enumerate() {
                        if i > 0 {
                            v.push_str(", ");
                        }
                        v.push_str(t);
                    }
                    b = b.header(HeaderName::Unsupported, v);
                }
                if rejection.status == StatusCode::METHOD_NOT_ALLOWED && !policy.allowed_methods.is_empty() {
                    // §8.2.1: a 405 MUST list the allowed methods.
                    let mut v = String::new();
                    for (i, m) in policy.allowed_methods.iter().enumerate() {
                        if i > 0 {
                            v.push_str(", ");
                        }
                        v.push_str(m.as_str());
                    }
                    b = b.header(HeaderName::Allow, v);
                }
                if let Ok(r) = b.build() {
                    self.answer_internally(now, key, &received, route, r);
                }
                return;
            }
        }
        let reliable = received.source().transport.is_reliable();
        let timers = self.config.timers;
        let is_invite = msg.method() == Some(Method::Invite);
        let stamp = route.1;
        // Made in its slot (see insert_hashed_with).
        let id = self.table.insert_hashed_with(hash, merge_hash, || Entry {
            key,
            merge_key,
            machine: if is_invite {
                Machine::Ist(ServerInviteTransaction::new(now, received.bytes().clone(), reliable, timers))
            } else {
                // The non-INVITE machine keeps no request (it never builds
                // a message of its own): a clone would only share the
                // buffer to drop it again.
                Machine::Nist(ServerNonInviteTransaction::new(now, Bytes::new(), reliable, timers))
            },
            destination,
            internal: false,
            scheduled: None,
            cancel: CancelState::None,
            stamp,
        });
        self.track_connection(destination, id);
        self.event(Event::Request { transaction: id, request: received });
        self.after(now, id);
    }

    fn transport_error(&mut self, now: Instant, id: TransactionId) {
        if let Some(e) = self.table.get_mut(id) {
            e.machine.handle_transport_error(now);
            self.after(now, id);
        }
    }

    /// After any input to a transaction: drain its outputs, reschedule its
    /// timer, and remove it if it terminated.
    fn after(&mut self, now: Instant, id: TransactionId) {
        let mut terminated = false;
        let mut failed = false;
        loop {
            let Some(e) = self.table.get_mut(id) else { return };
            let Some(out) = e.machine.poll_output() else { break };
            let (destination, internal) = (e.destination, e.internal);
            match out {
                TxOutput::Transmit(bytes) => {
                    if let Destination::Connection(c) = destination {
                        if !self.connections.contains_key(&c) {
                            failed = true;
                            continue;
                        }
                    }
                    self.transmit(destination, bytes);
                }
                TxOutput::Timeout if !internal => self.event(Event::Timeout { transaction: id }),
                TxOutput::TransportError if !internal => {
                    self.event(Event::TransportError { transaction: id })
                }
                TxOutput::Terminated => terminated = true,
                _ => {}
            }
        }
        if terminated {
            if self.table.remove_with(id, |e| e.internal) == Some(false) {
                self.event(Event::Terminated { transaction: id });
            }
            return;
        }
        if failed {
            // The connection is gone: the send failed (§17.1.4, §17.2.4).
            self.transport_error(now, id);
            return;
        }
        let Some(e) = self.table.get_mut(id) else { return };
        let next = e.machine.poll_timeout();
        if next != e.scheduled {
            e.scheduled = next;
            if let Some(at) = next {
                self.table.schedule(id, at);
            }
        }
    }

    fn transmit(&mut self, destination: Destination, bytes: Bytes) {
        self.outputs.push_back(Output::Transmit(Transmit { destination, bytes }));
    }

    fn event(&mut self, event: Event) {
        self.outputs.push_back(Output::Event(event));
    }
}

/// A method detached from the message it was parsed from.
enum MethodOwned {
    Known(Method<'static>),
    Extension(String),
}

impl MethodOwned {
    fn as_method(&self) -> Method<'_> {
        match self {
            MethodOwned::Known(m) => *m,
            MethodOwned::Extension(s) => Method::Extension(s),
        }
    }
}

fn method_owned(m: Method<'_>) -> MethodOwned {
    match m {
        Method::Extension(s) => MethodOwned::Extension(s.into()),
        Method::Invite => MethodOwned::Known(Method::Invite),
        Method::Ack => MethodOwned::Known(Method::Ack),
        Method::Bye => MethodOwned::Known(Method::Bye),
        Method::Cancel => MethodOwned::Known(Method::Cancel),
        Method::Options => MethodOwned::Known(Method::Options),
        Method::Register => MethodOwned::Known(Method::Register),
        Method::Prack => MethodOwned::Known(Method::Prack),
        Method::Subscribe => MethodOwned::Known(Method::Subscribe),
        Method::Notify => MethodOwned::Known(Method::Notify),
        Method::Publish => MethodOwned::Known(Method::Publish),
        Method::Info => MethodOwned::Known(Method::Info),
        Method::Refer => MethodOwned::Known(Method::Refer),
        Method::Message => MethodOwned::Known(Method::Message),
        Method::Update => MethodOwned::Known(Method::Update),
    }
}

/// What [`Endpoint::cancel`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CancelOutcome {
    /// The CANCEL was sent.
    Sent,
    /// No provisional response yet: the CANCEL goes when one arrives
    /// (§9.1).
    Deferred,
    /// A final response has arrived: there is nothing left to cancel.
    TooLate,
    /// A CANCEL was already sent or is pending.
    AlreadyCancelled,
}

/// The To tag of a response the endpoint sent (kept as bytes by its
/// transaction), if it parses and has one.
fn to_tag_of(response: &[u8]) -> Option<&str> {
    Message::parse(response).ok()?.to().ok()?.tag()
}

/// The status code of a serialized response, from its status line.
fn status_of(bytes: &[u8]) -> Option<StatusCode> {
    let rest = bytes.strip_prefix(b"SIP/2.0 ")?;
    let d = rest.get(..3)?;
    if !d.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(StatusCode(d.iter().fold(0u16, |n, &c| n * 10 + u16::from(c - b'0'))))
}

/// The CANCEL of §9.1 for a parsed INVITE.
fn build_cancel(invite: &Message<'_>) -> Vec<u8> {
    crate::transaction::hop_request(invite, "CANCEL", invite.header(HeaderName::To).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 3261 §19.3 (tags: at least 32 random bits) and §8.1.1.4
    /// (Call-ID): the stack-buffer draws give exactly what new_tag and
    /// new_call_id give from the same state, for a usual host and for one
    /// too long for the buffer.
    #[test]
    fn rfc3261_19_3_stack_tag_and_call_id_are_the_same_draws() {
        let long = "h".repeat(200);
        for host in ["192.0.2.10", "pc33.atlanta.example.com", long.as_str()] {
            let mut a = Endpoint::new(EndpointConfig::new(host, [7; 32]));
            let mut b = Endpoint::new(EndpointConfig::new(host, [7; 32]));
            for _ in 0..3 {
                let mut buf = [0u8; TAG_LEN];
                assert_eq!(a.fill_tag(&mut buf), b.new_tag());
                let want = b.new_call_id();
                assert_eq!(a.with_call_id(|c| String::from(c)), want);
                assert!(want.ends_with(&alloc::format!("@{host}")));
                assert_eq!(want.len(), CALL_ID_RANDOM + 1 + host.len());
            }
        }
    }
}
