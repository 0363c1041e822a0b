//! A SIP user agent on tokio (current-thread runtime): sip-proto's sans-IO
//! [`UserAgent`](sip_proto::ua::UserAgent) on a real UDP socket and TCP
//! listener. `cargo run --example tokio_ua -- --help` explains the flags.
//!
//! The adapter only moves bytes and time: one task owns the UA (through
//! [`common::App`]), reads the UDP socket, accepts connections and sleeps
//! until the next deadline; each TCP connection has a reader task (chunks
//! in through a bounded channel) and a writer task (whole messages out).
//! A connection's id is the [`ConnectionId`] the endpoint knows it by.
//!
//! ```text
//! cargo run --release --example tokio_ua -- --uas --listen 127.0.0.1:5060
//! sipp -sn uac 127.0.0.1:5060 -m 1000 -r 200
//! ```

mod common;

use std::collections::HashMap;
use std::net::SocketAddr;

use bytes::Bytes;
use sip_proto::endpoint::Destination;
use sip_proto::transport::ConnectionId;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::mpsc;

use common::{Action, App, MAX_CONNECTIONS, MAX_DATAGRAM};

/// What a connection's tasks tell the main loop.
enum StreamInput {
    Data(ConnectionId, Vec<u8>),
    /// EOF: the peer closed (perhaps mid-message; the endpoint drops the
    /// partial frame).
    Closed(ConnectionId),
    /// A read or write error.
    Failed(ConnectionId),
}

/// The main loop's handles on one connection.
struct Conn {
    writer: mpsc::UnboundedSender<Bytes>,
    reader: tokio::task::AbortHandle,
}

struct Adapter {
    app: App,
    udp: UdpSocket,
    conns: HashMap<ConnectionId, Conn>,
    next_conn: u64,
    inputs: mpsc::Sender<StreamInput>,
}

impl Adapter {
    /// Starts the tasks of a new connection and reports it to the UA.
    fn add_connection(&mut self, stream: TcpStream, peer: SocketAddr) -> ConnectionId {
        let id = ConnectionId(self.next_conn);
        self.next_conn += 1;
        let _ = stream.set_nodelay(true);
        let (mut rd, mut wr) = stream.into_split();
        let inputs = self.inputs.clone();
        let reader = tokio::spawn(async move {
            let mut buf = vec![0u8; 16 * 1024];
            loop {
                let msg = match rd.read(&mut buf).await {
                    Ok(0) => StreamInput::Closed(id),
                    Ok(n) => StreamInput::Data(id, buf[..n].to_vec()),
                    Err(_) => StreamInput::Failed(id),
                };
                let last = !matches!(msg, StreamInput::Data(..));
                if inputs.send(msg).await.is_err() || last {
                    return;
                }
            }
        })
        .abort_handle();
        let (writer, mut out) = mpsc::unbounded_channel::<Bytes>();
        let inputs = self.inputs.clone();
        tokio::spawn(async move {
            while let Some(bytes) = out.recv().await {
                if wr.write_all(&bytes).await.is_err() {
                    let _ = inputs.send(StreamInput::Failed(id)).await;
                    return;
                }
            }
            // The main loop dropped the sender: closing. Dropping `wr`
            // shuts the write half down.
        });
        self.conns.insert(id, Conn { writer, reader });
        self.app.handle_connection_opened(id, peer);
        id
    }

    /// Forgets a connection: its reader stops, its writer ends once the
    /// queued bytes are written.
    fn drop_connection(&mut self, id: ConnectionId) -> bool {
        match self.conns.remove(&id) {
            Some(c) => {
                c.reader.abort();
                true
            }
            None => false,
        }
    }

    /// Does everything the app asks for.
    async fn flush(&mut self) {
        while let Some(action) = self.app.poll_action() {
            match action {
                Action::Send(t) => match t.destination {
                    Destination::Datagram(addr) => {
                        // A send error (no route, a full buffer) loses the
                        // datagram; the transaction layer retransmits.
                        let _ = self.udp.send_to(&t.bytes, addr).await;
                    }
                    Destination::Connection(c) => match self.conns.get(&c) {
                        Some(conn) if conn.writer.send(t.bytes).is_ok() => {}
                        _ => {
                            if self.drop_connection(c) {
                                self.app.handle_connection_failed(c);
                            }
                        }
                    },
                },
                Action::Close(c) => {
                    if self.drop_connection(c) {
                        self.app.handle_connection_closed(c);
                    }
                }
            }
        }
    }

    fn on_stream_input(&mut self, input: StreamInput) {
        match input {
            StreamInput::Data(c, data) if self.conns.contains_key(&c) => {
                self.app.handle_stream_data(c, &data)
            }
            StreamInput::Closed(c) => {
                if self.drop_connection(c) {
                    self.app.handle_connection_closed(c);
                }
            }
            StreamInput::Failed(c) => {
                if self.drop_connection(c) {
                    self.app.handle_connection_failed(c);
                }
            }
            // Bytes of a connection already closed.
            StreamInput::Data(..) => {}
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    const PROGRAM: &str = "tokio_ua";
    let args = common::args_or_exit(PROGRAM);
    let (udp, listener) = match common::bind_pair(args.listen) {
        Ok(pair) => pair,
        Err(e) => {
            eprintln!("{PROGRAM}: cannot bind {}: {e}", args.listen);
            std::process::exit(2);
        }
    };
    let (udp, listener) = match (udp.set_nonblocking(true), listener.set_nonblocking(true)) {
        (Ok(()), Ok(())) => (
            UdpSocket::from_std(udp).expect("a runtime is running"),
            TcpListener::from_std(listener).expect("a runtime is running"),
        ),
        _ => {
            eprintln!("{PROGRAM}: cannot make the sockets non-blocking");
            std::process::exit(2);
        }
    };
    let local = udp.local_addr().expect("a bound socket");
    common::announce(local, listener.local_addr().expect("a bound listener"));

    let (inputs, mut input_rx) = mpsc::channel::<StreamInput>(1024);
    let mut a = Adapter { app: App::new(&args, local), udp, conns: HashMap::new(), next_conn: 1, inputs };
    if let (Some(target), sip_proto::transport::Transport::Tcp) = (a.app.uac_target(), args.transport) {
        match TcpStream::connect(target).await {
            Ok(stream) => {
                let id = a.add_connection(stream, target);
                a.app.set_uac_connection(id);
            }
            Err(e) => {
                eprintln!("{PROGRAM}: cannot connect to {target}: {e}");
                common::finish(PROGRAM, &a.app);
            }
        }
    }

    let mut buf = vec![0u8; MAX_DATAGRAM];
    loop {
        a.flush().await;
        if a.app.done() {
            common::finish(PROGRAM, &a.app);
        }
        let deadline = a.app.poll_timeout().map(|d| d.to_std(a.app.epoch()));
        let sleep = async {
            match deadline {
                Some(d) => tokio::time::sleep_until(d.into()).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            ready = a.udp.readable() => {
                if ready.is_ok() {
                    // Drain what is there (bounded, so the rest of the loop
                    // still runs under a flood).
                    for _ in 0..256 {
                        match a.udp.try_recv_from(&mut buf) {
                            Ok((n, from)) => a.app.handle_datagram(from, Bytes::copy_from_slice(&buf[..n])),
                            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                            // ICMP errors reported on the socket
                            // (ECONNREFUSED...): nothing to read, go on.
                            Err(_) => continue,
                        }
                    }
                }
            }
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) if a.conns.len() < MAX_CONNECTIONS => {
                    a.add_connection(stream, peer);
                }
                Ok(_) => {} // over the limit: dropping the stream closes it
                Err(_) => {
                    // EMFILE and the like: do not spin on it.
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                }
            },
            Some(input) = input_rx.recv() => {
                a.on_stream_input(input);
                while let Ok(input) = input_rx.try_recv() {
                    a.on_stream_input(input);
                }
            }
            () = sleep => {}
        }
        if deadline.is_some_and(|d| std::time::Instant::now() >= d) {
            a.app.handle_timeout();
        }
    }
}
