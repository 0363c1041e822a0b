//! The test harness: endpoints on a deterministic simulated network
//! (`sip_proto::sim`), in virtual time that jumps to the next deadline, in
//! the style of quinn-proto's tests/util.rs.
//!
//! A [`World`] holds the network and the nodes. [`World::step`] advances
//! time to the earliest network delivery or endpoint deadline, delivers
//! and fires everything due, forwards every transmit into the network, and
//! returns the transaction-user events that came out, so the test plays
//! the TU.
#![allow(dead_code)] // each test file uses part of the harness

pub mod ua_world;

use std::net::SocketAddr;

use bytes::Bytes;
use sip_proto::Instant;
use sip_proto::endpoint::{
    Destination, Endpoint, EndpointConfig, EndpointError, Event, Output, TransactionId,
};
use sip_proto::message::builder::OwnedMessage;
use sip_proto::sim::{Delivery, LinkConfig, Network};
use sip_proto::transport::{ConnectionId, Transport};

/// One endpoint at one address.
pub struct Node {
    /// Its address on the simulated network.
    pub addr: SocketAddr,
    /// The endpoint.
    pub ep: Endpoint,
    /// Every message it transmitted: (time, destination, bytes).
    pub sent: Vec<(Instant, Destination, Bytes)>,
    /// Every datagram the network delivered to it: (time, from, bytes).
    pub received: Vec<(Instant, SocketAddr, Bytes)>,
}

/// The network, its nodes and the virtual clock.
pub struct World {
    /// The simulated network.
    pub net: Network,
    /// Virtual time.
    pub now: Instant,
    /// The nodes, by index.
    pub nodes: Vec<Node>,
}

/// An endpoint configuration for a node at `addr`: Via host and port from
/// the address, a seed derived from the port, and no validation policy
/// (tests choose their own).
pub fn config(addr: SocketAddr) -> EndpointConfig {
    let mut seed = [0u8; 32];
    seed[..2].copy_from_slice(&addr.port().to_be_bytes());
    seed[2..6].copy_from_slice(&match addr.ip() {
        std::net::IpAddr::V4(v4) => v4.octets(),
        std::net::IpAddr::V6(_) => [6; 4],
    });
    let mut c = EndpointConfig::new(&addr.ip().to_string(), seed);
    c.via_port = Some(addr.port());
    c.policy = None;
    c
}

impl World {
    /// An empty world whose network draws its impairments from `seed`.
    pub fn new(seed: u64) -> Self {
        World { net: Network::new(seed), now: Instant::ZERO, nodes: Vec::new() }
    }

    /// Sets the link used between every pair of nodes.
    pub fn with_link(mut self, link: LinkConfig) -> Self {
        self.net.set_default_link(link);
        self
    }

    /// Adds a node at `addr` with `config`; returns its index.
    pub fn add(&mut self, addr: &str, config: impl FnOnce(EndpointConfig) -> EndpointConfig) -> usize {
        let addr: SocketAddr = addr.parse().expect("a socket address");
        let ep = Endpoint::new(config(self::config(addr)));
        self.nodes.push(Node { addr, ep, sent: Vec::new(), received: Vec::new() });
        self.nodes.len() - 1
    }

    /// The endpoint of node `n`.
    pub fn ep(&mut self, n: usize) -> &mut Endpoint {
        &mut self.nodes[n].ep
    }

    /// Node `n` answers `transaction` with `response`, now.
    pub fn respond(
        &mut self,
        n: usize,
        transaction: TransactionId,
        response: OwnedMessage,
    ) -> Result<(), EndpointError> {
        let now = self.now;
        self.nodes[n].ep.send_response(now, transaction, response)
    }

    /// The address of node `n`.
    pub fn addr(&self, n: usize) -> SocketAddr {
        self.nodes[n].addr
    }

    /// Opens a TCP connection from node `from` to node `to` and tells the
    /// initiating endpoint at once (it may send straight away; the network
    /// delivers its bytes after the far end accepts).
    pub fn connect(&mut self, from: usize, to: usize) -> ConnectionId {
        let (a, b) = (self.nodes[from].addr, self.nodes[to].addr);
        let conn = self.net.connect(self.now, a, b);
        self.nodes[from].ep.handle_connection_opened(self.now, conn, Transport::Tcp, b);
        conn
    }

    fn node_at(&self, addr: SocketAddr) -> Option<usize> {
        self.nodes.iter().position(|n| n.addr == addr)
    }

    /// Moves every pending transmit of every node into the network and
    /// returns the events, tagged with the node they came from.
    pub fn pump(&mut self) -> Vec<(usize, Event)> {
        let mut events = Vec::new();
        for (i, node) in self.nodes.iter_mut().enumerate() {
            while let Some(out) = node.ep.poll_output() {
                match out {
                    Output::Transmit(t) => {
                        node.sent.push((self.now, t.destination, t.bytes.clone()));
                        match t.destination {
                            Destination::Datagram(to) => {
                                self.net.send_datagram(self.now, node.addr, to, t.bytes)
                            }
                            Destination::Connection(c) => self.net.send_stream(self.now, c, t.bytes),
                        }
                    }
                    Output::Event(e) => events.push((i, e)),
                }
            }
        }
        events
    }

    /// The earliest time anything happens: a delivery or a deadline.
    pub fn next_time(&mut self) -> Option<Instant> {
        let mut next = self.net.next_delivery_time();
        for n in &mut self.nodes {
            if let Some(t) = n.ep.poll_timeout() {
                next = Some(next.map_or(t, |m: Instant| m.min(t)));
            }
        }
        next
    }

    /// Advances to the next time anything happens and handles it; returns
    /// the events, or `None` when nothing is left to happen.
    pub fn step(&mut self) -> Option<Vec<(usize, Event)>> {
        let mut events = self.pump();
        let Some(next) = self.next_time() else {
            return if events.is_empty() { None } else { Some(events) };
        };
        self.now = self.now.max(next);
        let now = self.now;
        while let Some(d) = self.net.poll_delivery(now) {
            let Some(n) = self.node_at(d.local()) else { continue };
            let node = &mut self.nodes[n];
            let ep = &mut node.ep;
            match d {
                Delivery::Datagram { from, bytes, .. } => {
                    node.received.push((now, from, bytes.clone()));
                    ep.handle_datagram(now, from, bytes)
                }
                Delivery::Accepted { conn, peer, .. } => {
                    ep.handle_connection_opened(now, conn, Transport::Tcp, peer)
                }
                Delivery::Connected { .. } => {}
                Delivery::Stream { conn, bytes, .. } => ep.handle_stream_data(now, conn, &bytes),
                Delivery::Closed { conn, .. } => ep.handle_connection_closed(now, conn),
                Delivery::Failed { conn, .. } => ep.handle_connection_failed(now, conn),
            }
        }
        for n in &mut self.nodes {
            if n.ep.poll_timeout().is_some_and(|t| t <= now) {
                n.ep.handle_timeout(now);
            }
        }
        events.extend(self.pump());
        Some(events)
    }

    /// Steps until nothing is left to happen or virtual time passes
    /// `limit`, handing every event to `tu` (which may command the
    /// endpoints); returns the events seen with their time and node.
    pub fn run(
        &mut self,
        limit: Instant,
        mut tu: impl FnMut(&mut World, usize, &Event),
    ) -> Vec<(Instant, usize, Event)> {
        let mut all = Vec::new();
        loop {
            // What the TU's commands produced (transmits, and events such
            // as an immediate Terminated on a reliable transport).
            let mut pending = self.pump();
            while !pending.is_empty() {
                for (n, e) in pending {
                    tu(self, n, &e);
                    all.push((self.now, n, e));
                }
                pending = self.pump();
            }
            match self.next_time() {
                Some(t) if t <= limit => {}
                _ => break,
            }
            let Some(events) = self.step() else { break };
            for (n, e) in events {
                tu(self, n, &e);
                all.push((self.now, n, e));
            }
        }
        all
    }

    /// Runs with a TU that does nothing.
    pub fn run_idle(&mut self, limit: Instant) -> Vec<(Instant, usize, Event)> {
        self.run(limit, |_, _, _| {})
    }
}
