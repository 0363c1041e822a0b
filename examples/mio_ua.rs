//! A SIP user agent on mio: sip-proto's sans-IO
//! [`UserAgent`](sip_proto::ua::UserAgent) on a real UDP socket and TCP
//! listener, in one thread with one `Poll`. `cargo run --example mio_ua --
//! --help` explains the flags (the same as `tokio_ua`'s).
//!
//! The adapter only moves bytes and time: it reads every ready socket until
//! it would block (mio is edge-triggered), hands what it read to
//! [`common::App`], writes what comes out (queueing what a socket will not
//! take yet until it is writable again), and polls with the UA's next
//! deadline as the timeout. A connection's token is its [`ConnectionId`]
//! plus one.
//!
//! ```text
//! cargo run --release --example mio_ua -- --uas --listen 127.0.0.1:5060
//! sipp -sn uac 127.0.0.1:5060 -m 1000 -r 200
//! ```

mod common;

use std::collections::{HashMap, VecDeque};
use std::io::{ErrorKind, Read, Write};
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use mio::net::{TcpListener, TcpStream, UdpSocket};
use mio::{Events, Interest, Poll, Token};
use sip_proto::endpoint::Destination;
use sip_proto::transport::ConnectionId;

use common::{Action, App, MAX_CONNECTIONS, MAX_DATAGRAM};

const UDP: Token = Token(0);
const LISTENER: Token = Token(1);

fn token(c: ConnectionId) -> Token {
    Token(c.0 as usize + 1)
}

/// One TCP connection and the bytes it has not taken yet.
struct Conn {
    stream: TcpStream,
    out: VecDeque<Bytes>,
    /// How much of `out`'s front is written.
    written: usize,
}

/// How a connection's read or write went.
enum Status {
    Open,
    Closed,
    Failed,
}

impl Conn {
    /// Writes what is queued until the socket would block.
    fn write_queued(&mut self) -> Status {
        while let Some(front) = self.out.front() {
            match self.stream.write(&front[self.written..]) {
                Ok(0) => return Status::Failed,
                Ok(n) => {
                    self.written += n;
                    if self.written == front.len() {
                        self.out.pop_front();
                        self.written = 0;
                    }
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(_) => return Status::Failed,
            }
        }
        Status::Open
    }
}

struct Adapter {
    poll: Poll,
    app: App,
    udp: UdpSocket,
    /// Datagrams the socket would not take yet.
    udp_out: VecDeque<(SocketAddr, Bytes)>,
    listener: TcpListener,
    conns: HashMap<ConnectionId, Conn>,
    next_conn: u64,
    buf: Vec<u8>,
}

impl Adapter {
    fn add_connection(&mut self, mut stream: TcpStream, peer: SocketAddr) -> Option<ConnectionId> {
        let id = ConnectionId(self.next_conn);
        self.next_conn += 1;
        let _ = stream.set_nodelay(true);
        // Both interests for good: edge-triggered, a writable event only
        // comes when a full send buffer drains.
        self.poll
            .registry()
            .register(&mut stream, token(id), Interest::READABLE | Interest::WRITABLE)
            .ok()?;
        self.conns.insert(id, Conn { stream, out: VecDeque::new(), written: 0 });
        self.app.handle_connection_opened(id, peer);
        Some(id)
    }

    /// Closes a connection and tells the UA how it ended.
    fn end_connection(&mut self, id: ConnectionId, status: Status) {
        if let Some(mut c) = self.conns.remove(&id) {
            let _ = self.poll.registry().deregister(&mut c.stream);
            match status {
                Status::Failed => self.app.handle_connection_failed(id),
                _ => self.app.handle_connection_closed(id),
            }
        }
    }

    /// Does everything the app asks for.
    fn flush(&mut self) {
        while let Some(action) = self.app.poll_action() {
            match action {
                Action::Send(t) => match t.destination {
                    Destination::Datagram(addr) => {
                        if !self.udp_out.is_empty() {
                            self.udp_out.push_back((addr, t.bytes));
                            continue;
                        }
                        match self.udp.send_to(&t.bytes, addr) {
                            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                                self.udp_out.push_back((addr, t.bytes))
                            }
                            // Other errors lose the datagram; the
                            // transaction layer retransmits.
                            _ => {}
                        }
                    }
                    Destination::Connection(c) => {
                        let status = match self.conns.get_mut(&c) {
                            Some(conn) => {
                                conn.out.push_back(t.bytes);
                                conn.write_queued()
                            }
                            None => continue,
                        };
                        if let Status::Failed = status {
                            self.end_connection(c, Status::Failed);
                        }
                    }
                },
                Action::Close(c) => self.end_connection(c, Status::Closed),
            }
        }
    }

    fn udp_ready(&mut self, readable: bool, writable: bool) {
        if writable {
            while let Some((addr, bytes)) = self.udp_out.front() {
                match self.udp.send_to(bytes, *addr) {
                    Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                    _ => {
                        self.udp_out.pop_front();
                    }
                }
            }
        }
        if readable {
            loop {
                match self.udp.recv_from(&mut self.buf) {
                    Ok((n, from)) => self.app.handle_datagram(from, Bytes::copy_from_slice(&self.buf[..n])),
                    Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                    // ICMP errors (ECONNREFUSED...) reported on the
                    // socket, EINTR: nothing read, go on.
                    Err(_) => continue,
                }
                // Answer as we go, so that a burst does not pile up
                // outputs.
                self.flush();
            }
        }
    }

    fn accept_ready(&mut self) {
        loop {
            match self.listener.accept() {
                Ok((stream, peer)) => {
                    if self.conns.len() < MAX_CONNECTIONS {
                        self.add_connection(stream, peer);
                    } // else dropping the stream closes it
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                // EMFILE and the like: try again on the next event.
                Err(_) => break,
            }
        }
    }

    fn conn_ready(&mut self, id: ConnectionId, readable: bool, writable: bool) {
        let Some(conn) = self.conns.get_mut(&id) else { return };
        let mut status = if writable { conn.write_queued() } else { Status::Open };
        if readable && matches!(status, Status::Open) {
            loop {
                let Some(conn) = self.conns.get_mut(&id) else { return };
                match conn.stream.read(&mut self.buf) {
                    // EOF, perhaps mid-message: the endpoint drops the
                    // partial frame when told the connection closed.
                    Ok(0) => {
                        status = Status::Closed;
                        break;
                    }
                    Ok(n) => {
                        self.app.handle_stream_data(id, &self.buf[..n]);
                        // May close it (unframeable input) or write to it.
                        self.flush();
                    }
                    Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                    Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                    Err(_) => {
                        status = Status::Failed;
                        break;
                    }
                }
            }
        }
        if !matches!(status, Status::Open) {
            self.end_connection(id, status);
        }
    }
}

fn main() {
    const PROGRAM: &str = "mio_ua";
    let args = common::args_or_exit(PROGRAM);
    let fail = |what: &str, e: std::io::Error| -> ! {
        eprintln!("{PROGRAM}: {what}: {e}");
        std::process::exit(2);
    };
    let (udp, listener) = common::bind_pair(args.listen).unwrap_or_else(|e| fail("cannot bind", e));
    if let Err(e) = udp.set_nonblocking(true).and(listener.set_nonblocking(true)) {
        fail("cannot make the sockets non-blocking", e);
    }
    let (mut udp, mut listener) = (UdpSocket::from_std(udp), TcpListener::from_std(listener));
    let local = udp.local_addr().unwrap_or_else(|e| fail("no local address", e));
    common::announce(local, listener.local_addr().unwrap_or_else(|e| fail("no local address", e)));

    let poll = Poll::new().unwrap_or_else(|e| fail("cannot create a poll", e));
    poll.registry()
        .register(&mut udp, UDP, Interest::READABLE | Interest::WRITABLE)
        .and(poll.registry().register(&mut listener, LISTENER, Interest::READABLE))
        .unwrap_or_else(|e| fail("cannot register the sockets", e));
    let mut a = Adapter {
        poll,
        app: App::new(&args, local),
        udp,
        udp_out: VecDeque::new(),
        listener,
        conns: HashMap::new(),
        next_conn: 1,
        buf: vec![0u8; MAX_DATAGRAM],
    };
    if let (Some(target), sip_proto::transport::Transport::Tcp) = (a.app.uac_target(), args.transport) {
        let stream = std::net::TcpStream::connect_timeout(&target, Duration::from_secs(5))
            .and_then(|s| s.set_nonblocking(true).map(|()| s));
        match stream {
            Ok(s) => match a.add_connection(TcpStream::from_std(s), target) {
                Some(id) => a.app.set_uac_connection(id),
                None => common::finish(PROGRAM, &a.app),
            },
            Err(e) => {
                eprintln!("{PROGRAM}: cannot connect to {target}: {e}");
                common::finish(PROGRAM, &a.app);
            }
        }
    }

    let mut events = Events::with_capacity(256);
    loop {
        a.flush();
        if a.app.done() {
            common::finish(PROGRAM, &a.app);
        }
        let deadline = a.app.poll_timeout().map(|d| d.to_std(a.app.epoch()));
        // Round up, so that a wakeup is never a hair early and spins.
        let timeout = deadline.map(|d| {
            let left = d.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() { left } else { left + Duration::from_micros(100) }
        });
        match a.poll.poll(&mut events, timeout) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => fail("poll failed", e),
        }
        for event in events.iter() {
            let (readable, writable) = (event.is_readable() || event.is_read_closed(), event.is_writable());
            match event.token() {
                UDP => a.udp_ready(readable, writable),
                LISTENER => a.accept_ready(),
                Token(t) => {
                    let error = event.is_error() || event.is_write_closed() && !readable;
                    a.conn_ready(ConnectionId(t as u64 - 1), readable || error, writable && !error);
                }
            }
        }
        if deadline.is_some_and(|d| std::time::Instant::now() >= d) {
            a.app.handle_timeout();
        }
    }
}
