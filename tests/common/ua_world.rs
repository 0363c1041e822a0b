//! User agents on the simulated network: the same stepping as [`World`]
//! (see the parent module), with a `UserAgent` at each node.
#![allow(dead_code)]

use std::net::SocketAddr;

use bytes::Bytes;
use sip_proto::Instant;
use sip_proto::endpoint::Destination;
use sip_proto::sim::{Delivery, LinkConfig, Network};
use sip_proto::transport::{ConnectionId, Transport};
use sip_proto::ua::{UaConfig, UaEvent, UaOutput, UserAgent};

/// One user agent at one address.
pub struct UaNode {
    /// Its address.
    pub addr: SocketAddr,
    /// The UA.
    pub ua: UserAgent,
    /// Every message it transmitted: (time, destination, bytes).
    pub sent: Vec<(Instant, Destination, Bytes)>,
}

/// The network, the user agents and the virtual clock.
pub struct UaWorld {
    /// The simulated network.
    pub net: Network,
    /// Virtual time.
    pub now: Instant,
    /// The nodes.
    pub nodes: Vec<UaNode>,
    /// Stateless relays (a forking proxy stub, say): datagrams to a
    /// relay's address go to its function, which returns what to send on
    /// from that address.
    pub relays: Vec<(SocketAddr, Relay)>,
}

/// A relay's function: (from, bytes) to the datagrams it sends on.
pub type Relay = Box<dyn FnMut(SocketAddr, &Bytes) -> Vec<(SocketAddr, Bytes)>>;

/// A UA configuration for `addr`: Via host and port from the address, the
/// Contact `<sip:{user}@{addr}>`, a seed from the port.
pub fn ua_config(addr: SocketAddr, user: &str) -> UaConfig {
    let mut c =
        UaConfig::new(&addr.ip().to_string(), &format!("<sip:{user}@{addr}>"), super::config(addr).seed);
    c.endpoint.via_port = Some(addr.port());
    c
}

impl UaWorld {
    /// An empty world.
    pub fn new(seed: u64) -> Self {
        UaWorld { net: Network::new(seed), now: Instant::ZERO, nodes: Vec::new(), relays: Vec::new() }
    }

    /// Sets the link between every pair of nodes.
    pub fn with_link(mut self, link: LinkConfig) -> Self {
        self.net.set_default_link(link);
        self
    }

    /// Adds a stateless relay at `addr` (see [`UaWorld::relays`]).
    pub fn add_relay(&mut self, addr: &str, relay: Relay) -> SocketAddr {
        let addr: SocketAddr = addr.parse().expect("an address");
        self.relays.push((addr, relay));
        addr
    }

    /// Adds a UA for `user` at `addr`; returns its index.
    pub fn add(&mut self, addr: &str, user: &str, config: impl FnOnce(UaConfig) -> UaConfig) -> usize {
        let addr: SocketAddr = addr.parse().expect("an address");
        let ua = UserAgent::new(config(ua_config(addr, user)));
        self.nodes.push(UaNode { addr, ua, sent: Vec::new() });
        self.nodes.len() - 1
    }

    /// The UA of node `n`.
    pub fn ua(&mut self, n: usize) -> &mut UserAgent {
        &mut self.nodes[n].ua
    }

    /// The address of node `n`.
    pub fn addr(&self, n: usize) -> SocketAddr {
        self.nodes[n].addr
    }

    /// A TCP connection from `from` to `to`, known at once to the caller.
    pub fn connect(&mut self, from: usize, to: usize) -> ConnectionId {
        let (a, b) = (self.nodes[from].addr, self.nodes[to].addr);
        let conn = self.net.connect(self.now, a, b);
        self.nodes[from].ua.handle_connection_opened(self.now, conn, Transport::Tcp, b);
        conn
    }

    /// Moves transmits into the network; returns the events.
    pub fn pump(&mut self) -> Vec<(usize, UaEvent)> {
        let mut events = Vec::new();
        for (i, node) in self.nodes.iter_mut().enumerate() {
            while let Some(out) = node.ua.poll_output() {
                match out {
                    UaOutput::Transmit(t) => {
                        node.sent.push((self.now, t.destination, t.bytes.clone()));
                        match t.destination {
                            Destination::Datagram(to) => {
                                self.net.send_datagram(self.now, node.addr, to, t.bytes)
                            }
                            Destination::Connection(c) => self.net.send_stream(self.now, c, t.bytes),
                        }
                    }
                    UaOutput::Event(e) => events.push((i, e)),
                }
            }
        }
        events
    }

    /// The earliest time anything happens.
    pub fn next_time(&mut self) -> Option<Instant> {
        let mut next = self.net.next_delivery_time();
        for n in &mut self.nodes {
            if let Some(t) = n.ua.poll_timeout() {
                next = Some(next.map_or(t, |m: Instant| m.min(t)));
            }
        }
        next
    }

    /// Advances to the next thing that happens and handles it.
    pub fn step(&mut self) -> Option<Vec<(usize, UaEvent)>> {
        let mut events = self.pump();
        let Some(next) = self.next_time() else {
            return if events.is_empty() { None } else { Some(events) };
        };
        self.now = self.now.max(next);
        let now = self.now;
        while let Some(d) = self.net.poll_delivery(now) {
            let Some(n) = self.nodes.iter().position(|x| x.addr == d.local()) else {
                if let Delivery::Datagram { from, to, bytes } = &d {
                    if let Some((at, relay)) = self.relays.iter_mut().find(|(a, _)| a == to) {
                        for (dest, out) in relay(*from, bytes) {
                            self.net.send_datagram(now, *at, dest, out);
                        }
                    }
                }
                continue;
            };
            let ua = &mut self.nodes[n].ua;
            match d {
                Delivery::Datagram { from, bytes, .. } => ua.handle_datagram(now, from, bytes),
                Delivery::Accepted { conn, peer, .. } => {
                    ua.handle_connection_opened(now, conn, Transport::Tcp, peer)
                }
                Delivery::Connected { .. } => {}
                Delivery::Stream { conn, bytes, .. } => ua.handle_stream_data(now, conn, &bytes),
                Delivery::Closed { conn, .. } => ua.handle_connection_closed(now, conn),
                Delivery::Failed { conn, .. } => ua.handle_connection_failed(now, conn),
            }
        }
        for n in &mut self.nodes {
            if n.ua.poll_timeout().is_some_and(|t| t <= now) {
                n.ua.handle_timeout(now);
            }
        }
        events.extend(self.pump());
        Some(events)
    }

    /// Steps until nothing is left or time passes `limit`, handing every
    /// event to `app` (which may command the UAs); returns the events.
    pub fn run(
        &mut self,
        limit: Instant,
        mut app: impl FnMut(&mut UaWorld, usize, &UaEvent),
    ) -> Vec<(Instant, usize, UaEvent)> {
        let mut all = Vec::new();
        loop {
            let mut pending = self.pump();
            while !pending.is_empty() {
                for (n, e) in pending {
                    app(self, n, &e);
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
                app(self, n, &e);
                all.push((self.now, n, e));
            }
        }
        all
    }

    /// The first lines of what node `n` sent, in order (for ladder checks).
    pub fn sent_lines(&self, n: usize) -> Vec<String> {
        self.nodes[n]
            .sent
            .iter()
            .map(|(_, _, b)| {
                let line = b.split(|&c| c == b'\r').next().unwrap_or_default();
                String::from_utf8_lossy(line).into_owned()
            })
            .collect()
    }
}
