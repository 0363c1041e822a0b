//! What the two example adapters (`tokio_ua`, `mio_ua`) share: the
//! command line, and the application that plays the UAS or UAC role over a
//! [`UserAgent`]. Both are sans-IO like the crate: the adapter owns the
//! sockets and the clock, feeds [`App`] what happened, sends what
//! [`App::poll_action`] says, and sleeps until [`App::poll_timeout`].
//!
//! Nothing here is SIP protocol: the role logic only calls the UA core's
//! commands (`ring`, `answer`, `reject_with`, `invite`, `hangup`, `respond`)
//! and, with `--challenge`, the crate's `DigestServer` (`verify`, `challenge`). If an
//! adapter ever needs to parse or build SIP itself, the crate's API is
//! missing something and gets it instead.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashSet};
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use sip_proto::Instant;
use sip_proto::auth::Algorithm;
use sip_proto::auth::server::{self, DigestServer, Secret, ServerConfig, Verification};
use sip_proto::endpoint::{Destination, Transmit};
use sip_proto::message::StatusCode;
use sip_proto::message::builder::response_to;
use sip_proto::transport::{ConnectionId, Transport};
use sip_proto::ua::{EndReason, SessionId, UaConfig, UaEvent, UaOutput, UserAgent};

/// The largest datagram read (a SIP message over UDP is at most 65,535
/// octets, and the endpoint's limits refuse larger ones anyway).
pub const MAX_DATAGRAM: usize = 65_535;

/// Most TCP connections an adapter keeps at once; beyond it new ones are
/// accepted and closed at once, so that a flood cannot exhaust descriptors.
pub const MAX_CONNECTIONS: usize = 4096;

/// The help text, for `--help` and for errors.
pub fn usage(program: &str) -> String {
    format!(
        "\
{program}: a SIP user agent on real sockets, driven by sip-proto's sans-IO core

USAGE:
    {program} [--listen ADDR] [--transport udp|tcp] --uas
              [--challenge [--realm R] [--algorithms LIST]] [--user U --password P]
    {program} [--listen ADDR] [--transport udp|tcp] --uac TARGET
              [--calls N] [--rate R] [--hold-ms MS] [--user U --password P]

It listens on ADDR over both UDP and TCP (the same port) and prints
`listening udp=ADDR tcp=ADDR` as its first line, then runs one role:

    --uas              answer every INVITE with 180 Ringing then 200 OK (with
                       an SDP answer), accept BYE; runs until killed
    --challenge        (UAS) digest authentication (RFC 3261 §22, RFC 7616,
                       RFC 8760): an INVITE without valid credentials is
                       refused with 401 and a WWW-Authenticate per algorithm
                       (qop=auth); valid ones ring and answer as above; a
                       correct response to an old nonce is challenged again
                       with stale=true
    --uac TARGET       place calls to TARGET (an IP:port) and exit when all
                       have ended, printing their counts; the exit status is
                       non-zero if any call failed

OPTIONS:
    --listen ADDR      local address (default 127.0.0.1:5060; port 0 picks a
                       free port, shown on the first line)
    --transport T      udp or tcp (default udp): how the UAC reaches TARGET,
                       and the transport in our Contact
    --calls N          (UAC) calls to place (default 1)
    --rate R           (UAC) calls per second (default 10)
    --hold-ms MS       (UAC) hang up MS milliseconds after the answer
                       (default 0)
    --max-calls N      most concurrent calls (default 65536): the UA core
                       answers 486 Busy Here beyond it, and a UAC counts a
                       call it could not place as failed
    --user U           the digest username: the one the UAS accepts with
                       --challenge, or the UAC answers 401/407 with
                       (default sipp)
    --password P       its password (default sipp); a UAC given --user or
                       --password answers challenges, without them it does
                       not
    --realm R          (UAS --challenge) the realm (default the listen host)
    --algorithms LIST  (UAS --challenge) the algorithms offered, most
                       preferred first, comma-separated: md5, sha256,
                       sha512-256 (default sha256,md5)
    -v, --verbose      print every call event on stderr
    -h, --help         this text
"
    )
}

/// What the adapter runs as.
#[derive(Clone, Debug)]
pub enum Role {
    /// Answer calls (challenging them first with [`Args::challenge`]).
    Uas,
    /// Place calls.
    Uac {
        /// Where to.
        target: SocketAddr,
        /// How many.
        calls: u64,
        /// Calls per second.
        rate: f64,
        /// How long an answered call is held before the BYE.
        hold: Duration,
    },
}

/// The parsed command line.
#[derive(Clone, Debug)]
pub struct Args {
    /// Local address (UDP socket and TCP listener).
    pub listen: SocketAddr,
    /// The UAC's transport to the target; our Contact's transport.
    pub transport: Transport,
    /// The role.
    pub role: Role,
    /// Most concurrent sessions (the UA core's `max_sessions`).
    pub max_calls: usize,
    /// Print call events.
    pub verbose: bool,
    /// (UAS) digest challenges, with `--challenge`.
    pub challenge: Option<Challenge>,
    /// (UAC) the username and password to answer challenges with, given
    /// `--user` or `--password`.
    pub credentials: Option<(String, String)>,
}

/// What a challenging UAS offers and accepts (`--challenge`).
#[derive(Clone, Debug)]
pub struct Challenge {
    /// The realm; `None` for the listen host.
    pub realm: Option<String>,
    /// The algorithms offered, most preferred first.
    pub algorithms: Vec<Algorithm<'static>>,
    /// The one user accepted.
    pub user: String,
    /// Its password.
    pub password: String,
}

/// Parses `--algorithms`: a comma-separated list, most preferred first.
fn parse_algorithms(list: &str) -> Result<Vec<Algorithm<'static>>, String> {
    let mut out = Vec::new();
    for name in list.split(',').map(str::trim) {
        let alg = match name.to_ascii_lowercase().as_str() {
            "md5" => Algorithm::Md5,
            "sha256" | "sha-256" => Algorithm::Sha256,
            "sha512-256" | "sha-512-256" => Algorithm::Sha512_256,
            _ => return Err(format!("--algorithms: md5, sha256 or sha512-256, not {name:?}")),
        };
        if !out.contains(&alg) {
            out.push(alg);
        }
    }
    Ok(out)
}

/// Parses the command line (without the program name). `Ok(None)` means
/// `--help` was asked for.
pub fn parse_args(mut argv: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    fn value<T: std::str::FromStr>(flag: &str, v: Option<String>) -> Result<T, String> {
        let v = v.ok_or_else(|| format!("{flag} needs a value"))?;
        v.parse().map_err(|_| format!("{flag}: cannot parse {v:?}"))
    }
    let mut listen: SocketAddr = "127.0.0.1:5060".parse().expect("a valid default");
    let mut transport = Transport::Udp;
    let (mut uas, mut challenge, mut target) = (false, false, None);
    let (mut calls, mut rate, mut hold_ms, mut max_calls) = (1u64, 10f64, 0u64, 1usize << 16);
    let mut verbose = false;
    let (mut user, mut password, mut realm, mut algorithms) = (None, None, None, None);
    while let Some(flag) = argv.next() {
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--listen" => listen = value(&flag, argv.next())?,
            "--transport" => {
                transport = match argv.next().as_deref() {
                    Some("udp") => Transport::Udp,
                    Some("tcp") => Transport::Tcp,
                    other => return Err(format!("--transport: udp or tcp, not {other:?}")),
                }
            }
            "--uas" => uas = true,
            "--challenge" => challenge = true,
            "--uac" => target = Some(value::<SocketAddr>(&flag, argv.next())?),
            "--calls" => calls = value(&flag, argv.next())?,
            "--rate" => rate = value(&flag, argv.next())?,
            "--hold-ms" => hold_ms = value(&flag, argv.next())?,
            "--max-calls" => max_calls = value(&flag, argv.next())?,
            "--user" => user = Some(value::<String>(&flag, argv.next())?),
            "--password" => password = Some(value::<String>(&flag, argv.next())?),
            "--realm" => realm = Some(value::<String>(&flag, argv.next())?),
            "--algorithms" => algorithms = Some(parse_algorithms(&value::<String>(&flag, argv.next())?)?),
            "-v" | "--verbose" => verbose = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let role = match (uas, target) {
        (true, None) => Role::Uas,
        (false, Some(target)) => {
            if !(rate.is_finite() && rate > 0.0) {
                return Err("--rate must be a positive number".into());
            }
            Role::Uac { target, calls, rate, hold: Duration::from_millis(hold_ms) }
        }
        _ => return Err("choose one role: --uas or --uac TARGET".into()),
    };
    let is_uas = matches!(role, Role::Uas);
    if !is_uas && (challenge || realm.is_some() || algorithms.is_some()) {
        return Err("--challenge, --realm and --algorithms are for --uas".into());
    }
    if is_uas
        && !challenge
        && (realm.is_some() || algorithms.is_some() || user.is_some() || password.is_some())
    {
        return Err("--realm, --algorithms, --user and --password need --challenge with --uas".into());
    }
    let given = user.is_some() || password.is_some();
    let user = user.unwrap_or_else(|| "sipp".into());
    let password = password.unwrap_or_else(|| "sipp".into());
    let challenge = challenge.then(|| Challenge {
        realm,
        algorithms: algorithms.unwrap_or_else(|| vec![Algorithm::Sha256, Algorithm::Md5]),
        user: user.clone(),
        password: password.clone(),
    });
    let credentials = (!is_uas && given).then_some((user, password));
    if max_calls == 0 {
        return Err("--max-calls must be at least 1".into());
    }
    Ok(Some(Args { listen, transport, role, max_calls, verbose, challenge, credentials }))
}

/// Parses `std::env::args`, printing help or the error and exiting as
/// appropriate.
pub fn args_or_exit(program: &str) -> Args {
    match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            print!("{}", usage(program));
            std::process::exit(0);
        }
        Err(e) => {
            eprintln!("{program}: {e}\n\n{}", usage(program));
            std::process::exit(2);
        }
    }
}

/// 32 bytes for the UA's seed from the OS (`/dev/urandom`), or, where
/// there is none, from the standard library's per-process random hash keys.
pub fn os_seed() -> [u8; 32] {
    use std::hash::{BuildHasher, Hasher};
    use std::io::Read;
    let mut seed = [0u8; 32];
    if std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut seed)).is_ok() {
        return seed;
    }
    for chunk in seed.chunks_mut(8) {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos(),
        );
        chunk.copy_from_slice(&h.finish().to_le_bytes());
    }
    seed
}

/// Binds a UDP socket and a TCP listener on the same address. With port 0
/// the UDP socket picks a free port and the listener tries to take the
/// same one (again with another port if it is taken over TCP).
pub fn bind_pair(addr: SocketAddr) -> std::io::Result<(std::net::UdpSocket, std::net::TcpListener)> {
    let udp_socket = |addr| -> std::io::Result<std::net::UdpSocket> {
        let udp = std::net::UdpSocket::bind(addr)?;
        // A burst of datagrams while the process is not scheduled must not
        // overflow the kernel's buffer (the default is ~208 KiB; the
        // kernel caps this at net.core.rmem_max / wmem_max). Best effort.
        let sock = socket2::SockRef::from(&udp);
        let _ = sock.set_recv_buffer_size(UDP_BUFFER);
        let _ = sock.set_send_buffer_size(UDP_BUFFER);
        Ok(udp)
    };
    if addr.port() != 0 {
        return Ok((udp_socket(addr)?, std::net::TcpListener::bind(addr)?));
    }
    let mut last = None;
    for _ in 0..64 {
        let udp = udp_socket(addr)?;
        match std::net::TcpListener::bind(udp.local_addr()?) {
            Ok(tcp) => return Ok((udp, tcp)),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free port")))
}

/// The UDP socket buffers asked for (see [`bind_pair`]).
pub const UDP_BUFFER: usize = 4 << 20;

/// Prints the first line a test or script waits for.
pub fn announce(udp: SocketAddr, tcp: SocketAddr) {
    use std::io::Write;
    println!("listening udp={udp} tcp={tcp}");
    let _ = std::io::stdout().flush();
}

/// Prints a UAC's counts and exits: 0 if every call completed.
pub fn finish(program: &str, app: &App) -> ! {
    let r = app.report();
    println!(
        "{program}: calls placed={} answered={} completed={} failed={}",
        r.placed, r.answered, r.completed, r.failed
    );
    std::process::exit(if r.failed == 0 && r.completed == r.placed { 0 } else { 1 })
}

/// How long a UAC over TCP keeps its connection open after its last call,
/// unless the peer closes it first.
pub const LINGER: Duration = Duration::from_secs(6);

/// What the adapter must do.
#[derive(Debug)]
pub enum Action {
    /// Send these bytes (a datagram, or onto a connection).
    Send(Transmit),
    /// Close this connection (its peer sent what cannot be framed), then
    /// report it with [`App::handle_connection_closed`].
    Close(ConnectionId),
}

/// The UAC's progress.
#[derive(Debug, Default)]
struct Uac {
    target: Option<SocketAddr>,
    destination: Option<Destination>,
    calls: u64,
    rate: f64,
    hold: Duration,
    started: Option<Instant>,
    placed: u64,
    answered: u64,
    completed: u64,
    failed: u64,
    live_answered: HashSet<SessionId>,
    connection_open: bool,
    finished_at: Option<Instant>,
    hangups: BinaryHeap<Reverse<(Instant, SessionId)>>,
}

impl Uac {
    /// When call number `n` (from 0) is due, after the start.
    fn offset(&self, n: u64) -> Duration {
        Duration::try_from_secs_f64(n as f64 / self.rate).unwrap_or(Duration::MAX)
    }
}

/// The application over the UA core; see the [module documentation](self).
pub struct App {
    ua: UserAgent,
    epoch: std::time::Instant,
    now: Instant,
    uac: Option<Uac>,
    local: SocketAddr,
    verbose: bool,
    actions: std::collections::VecDeque<Action>,
    sdp: Vec<u8>,
    digest: Option<Digest>,
}

/// A challenging UAS's digest server and its one user.
struct Digest {
    server: DigestServer,
    user: String,
    password: String,
}

/// Counts a UAC reports at the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UacReport {
    /// Calls placed.
    pub placed: u64,
    /// Answered with 2xx.
    pub answered: u64,
    /// Answered and ended by our BYE (or theirs).
    pub completed: u64,
    /// Everything else: refused, timed out, transport failures, not placed.
    pub failed: u64,
}

impl App {
    /// The application for `args`, with the UDP socket and TCP listener
    /// bound at `local`.
    pub fn new(args: &Args, local: SocketAddr) -> App {
        let host = local.ip().to_string();
        let user = if matches!(args.role, Role::Uas) { "uas" } else { "uac" };
        let host_part = if local.is_ipv6() { format!("[{host}]") } else { host.clone() };
        let contact = match args.transport {
            Transport::Tcp => format!("<sip:{user}@{host_part}:{};transport=tcp>", local.port()),
            _ => format!("<sip:{user}@{host_part}:{}>", local.port()),
        };
        let mut config = UaConfig::new(&host, &contact, os_seed());
        config.endpoint.via_port = Some(local.port());
        config.max_sessions = args.max_calls;
        // Reliable provisionals are the peer's to ask for; our UAS rings
        // unreliably and our UAC needs none.
        config.reliable_provisionals = false;
        config.credentials = args.credentials.clone();
        let digest = args.challenge.as_ref().map(|c| {
            let mut sc = ServerConfig::new(c.realm.as_deref().unwrap_or(&host), server::Role::UserAgent);
            sc.algorithms = c.algorithms.clone();
            // The nonces are signed with a key of this process's.
            Digest {
                server: DigestServer::new(&os_seed(), sc),
                user: c.user.clone(),
                password: c.password.clone(),
            }
        });
        let uac = match args.role {
            Role::Uac { target, calls, rate, hold } => Some(Uac {
                target: Some(target),
                destination: (args.transport == Transport::Udp).then_some(Destination::Datagram(target)),
                calls,
                rate,
                hold,
                ..Uac::default()
            }),
            Role::Uas => None,
        };
        let ip4 = if local.is_ipv6() { "IP6" } else { "IP4" };
        let sdp = format!(
            "v=0\r\no=- 1 1 IN {ip4} {host}\r\ns=-\r\nc=IN {ip4} {host}\r\nt=0 0\r\n\
             m=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
        )
        .into_bytes();
        let epoch = std::time::Instant::now();
        App {
            ua: UserAgent::new(config),
            epoch,
            now: Instant::ZERO,
            uac,
            local,
            verbose: args.verbose,
            actions: Default::default(),
            sdp,
            digest,
        }
    }

    /// The epoch of the [`Instant`]s this app uses.
    pub fn epoch(&self) -> std::time::Instant {
        self.epoch
    }

    fn tick(&mut self) -> Instant {
        self.now = Instant::from_std(self.epoch, std::time::Instant::now()).max(self.now);
        self.now
    }

    /// For a UAC over TCP: where its calls go (the connection the adapter
    /// opened to the target, already reported with
    /// [`handle_connection_opened`](Self::handle_connection_opened)).
    pub fn set_uac_connection(&mut self, connection: ConnectionId) {
        if let Some(u) = &mut self.uac {
            u.destination = Some(Destination::Connection(connection));
            u.connection_open = true;
        }
    }

    /// The UAC's target, if this app is a UAC.
    pub fn uac_target(&self) -> Option<SocketAddr> {
        self.uac.as_ref().and_then(|u| u.target)
    }

    /// A UAC is done once every call is placed and has ended, and (over
    /// TCP) the peer has closed the connection or [`LINGER`] has passed:
    /// closing it at once would fail the calls the peer still holds open
    /// for a while (SIPp's `uas` waits 4 s for a retransmitted BYE).
    pub fn done(&mut self) -> bool {
        let now = self.tick();
        let sessions = self.ua.session_count();
        let Some(u) = &mut self.uac else { return false };
        if u.placed < u.calls || sessions > 0 {
            return false;
        }
        match u.destination {
            Some(Destination::Connection(_)) if u.connection_open => {
                let since = *u.finished_at.get_or_insert(now);
                now >= since + LINGER
            }
            _ => true,
        }
    }

    /// The UAC's counts (zeros for a UAS).
    pub fn report(&self) -> UacReport {
        match &self.uac {
            Some(u) => UacReport {
                placed: u.placed,
                answered: u.answered,
                completed: u.completed,
                failed: u.failed + (u.calls - u.placed.min(u.calls)),
            },
            None => UacReport { placed: 0, answered: 0, completed: 0, failed: 0 },
        }
    }

    // ---- what happened ---------------------------------------------------

    /// A datagram arrived.
    pub fn handle_datagram(&mut self, from: SocketAddr, bytes: Bytes) {
        let now = self.tick();
        self.ua.handle_datagram(now, from, bytes);
    }

    /// Bytes arrived on a connection.
    pub fn handle_stream_data(&mut self, connection: ConnectionId, data: &[u8]) {
        let now = self.tick();
        self.ua.handle_stream_data(now, connection, data);
    }

    /// A connection was accepted or connected.
    pub fn handle_connection_opened(&mut self, connection: ConnectionId, peer: SocketAddr) {
        let now = self.tick();
        self.ua.handle_connection_opened(now, connection, Transport::Tcp, peer);
    }

    /// A connection closed (EOF, or we closed it).
    pub fn handle_connection_closed(&mut self, connection: ConnectionId) {
        let now = self.tick();
        self.uac_connection_gone(connection);
        self.ua.handle_connection_closed(now, connection);
    }

    /// A connection failed (reset, a read or write error).
    pub fn handle_connection_failed(&mut self, connection: ConnectionId) {
        let now = self.tick();
        self.uac_connection_gone(connection);
        self.ua.handle_connection_failed(now, connection);
    }

    fn uac_connection_gone(&mut self, connection: ConnectionId) {
        if let Some(u) = &mut self.uac {
            if u.destination == Some(Destination::Connection(connection)) {
                u.connection_open = false;
            }
        }
    }

    /// The next deadline: the UA core's, the next call to place, the next
    /// hangup.
    pub fn poll_timeout(&mut self) -> Option<Instant> {
        let mut next = self.ua.poll_timeout();
        let mut consider = |t: Instant| next = Some(next.map_or(t, |n: Instant| n.min(t)));
        if let Some(u) = &self.uac {
            if let Some(at) = u.finished_at {
                consider(at + LINGER);
            }
            if let Some(Reverse((at, _))) = u.hangups.peek() {
                consider(*at);
            }
            if u.placed < u.calls && u.destination.is_some() {
                // Not started yet: at once.
                let start = u.started.unwrap_or(Instant::ZERO);
                consider(start + u.offset(u.placed));
            }
        }
        next
    }

    /// Time has passed: fire what is due.
    pub fn handle_timeout(&mut self) {
        let now = self.tick();
        self.ua.handle_timeout(now);
        let Some(u) = &mut self.uac else { return };
        let Some(destination) = u.destination else { return };
        let start = *u.started.get_or_insert(now);
        let mut due = Vec::new();
        while u.placed < u.calls && start + u.offset(u.placed) <= now {
            u.placed += 1;
            due.push(());
        }
        let mut hangups = Vec::new();
        while let Some(Reverse((at, id))) = u.hangups.peek().copied() {
            if at > now {
                break;
            }
            u.hangups.pop();
            hangups.push(id);
        }
        let target = u.target.map(|t| t.to_string()).unwrap_or_default();
        for () in due {
            self.place_call(now, &target, destination);
        }
        for id in hangups {
            if self.ua.hangup(now, id).is_err() {
                self.log(format_args!("{id}: hangup refused"));
            }
        }
    }

    /// The next thing to do, until `None`; call after every input.
    pub fn poll_action(&mut self) -> Option<Action> {
        loop {
            if let Some(a) = self.actions.pop_front() {
                return Some(a);
            }
            match self.ua.poll_output()? {
                UaOutput::Transmit(t) => return Some(Action::Send(t)),
                UaOutput::Event(e) => self.on_event(e),
            }
        }
    }

    // ---- the roles -------------------------------------------------------

    fn log(&self, args: std::fmt::Arguments<'_>) {
        if self.verbose {
            eprintln!("{} {args}", self.now);
        }
    }

    fn place_call(&mut self, now: Instant, target: &str, destination: Destination) {
        let local = self.local;
        let uri = format!("sip:service@{target}");
        let from = format!("<sip:uac@{local}>");
        let to = format!("<sip:service@{target}>");
        let invite = self.ua.new_invite(&uri, &from, &to).body("application/sdp", self.sdp.clone());
        match self.ua.invite(now, invite, destination) {
            Ok(id) => self.log(format_args!("{id}: INVITE to {target}")),
            Err(e) => {
                self.log(format_args!("a call could not be placed: {e}"));
                if let Some(u) = &mut self.uac {
                    u.failed += 1;
                }
            }
        }
    }

    fn on_incoming_call(&mut self, session: SessionId, request: &sip_proto::message::Message<'_>) {
        let now = self.now;
        if let Some(d) = &mut self.digest {
            // RFC 3261 §22.2: without valid credentials, 401 with the
            // challenges; a correct response to an expired nonce gets a
            // fresh one with stale=true (RFC 7616 §3.3).
            let verdict = d.server.verify(now, request, |q| {
                (q.username == d.user).then(|| Secret::Password(d.password.as_str().into()))
            });
            let stale = match verdict {
                Verification::Verified { .. } => None,
                Verification::Stale => Some(true),
                Verification::Missing => Some(false),
                Verification::Invalid(why) => {
                    self.log(format_args!("{session}: credentials refused: {why:?}"));
                    Some(false)
                }
            };
            if let Some(stale) = stale {
                let tag = self.ua.endpoint_mut().new_tag();
                let Some(d) = &mut self.digest else { return };
                let refused = match d.server.challenge(now, request, stale, Some(&tag)).build() {
                    Ok(challenge) => self.ua.reject_with(now, session, challenge).map_err(|e| e.to_string()),
                    Err(e) => Err(e.to_string()),
                };
                match refused {
                    Ok(()) => self.log(format_args!("{session}: challenged (stale={stale})")),
                    Err(e) => {
                        // Do not leave the INVITE unanswered.
                        self.log(format_args!("{session}: could not challenge: {e}"));
                        let _ = self.ua.reject(now, session, StatusCode::SERVER_INTERNAL_ERROR);
                    }
                }
                return;
            }
            self.log(format_args!("{session}: credentials verified"));
        }
        let rung = self.ua.ring(now, session, StatusCode::RINGING, false, None);
        let answered = self.ua.answer(now, session, Some(("application/sdp", self.sdp.clone())));
        if let (Err(e), _) | (_, Err(e)) = (rung, answered) {
            self.log(format_args!("{session}: could not answer: {e}"));
        }
    }

    fn on_event(&mut self, e: UaEvent) {
        let now = self.now;
        match e {
            UaEvent::IncomingCall { session, request } => {
                self.log(format_args!("{session}: incoming call"));
                self.on_incoming_call(session, request.message());
            }
            UaEvent::ReInvite { session, .. } => {
                let _ = self.ua.answer(now, session, Some(("application/sdp", self.sdp.clone())));
            }
            UaEvent::Request { session, transaction, request } => {
                // In a session (INFO, UPDATE...) or OPTIONS: 200; anything
                // else outside a session: 501.
                let ok = session.is_some()
                    || request.message().method() == Some(sip_proto::message::Method::Options);
                let status = if ok { StatusCode::OK } else { StatusCode::NOT_IMPLEMENTED };
                let tag = self.ua.endpoint_mut().new_tag();
                if let Ok(r) = response_to(request.message(), status, Some(&tag)).build() {
                    let _ = self.ua.respond(now, transaction, r);
                }
            }
            UaEvent::Answered { session, .. } => {
                self.log(format_args!("{session}: answered"));
                if let Some(u) = &mut self.uac {
                    u.answered += 1;
                    u.live_answered.insert(session);
                    u.hangups.push(Reverse((now + u.hold, session)));
                }
            }
            UaEvent::Ended { session, reason } => {
                self.log(format_args!("{session}: ended ({reason:?})"));
                if let Some(u) = &mut self.uac {
                    let was_answered = u.live_answered.remove(&session);
                    if was_answered && matches!(reason, EndReason::LocalBye | EndReason::RemoteBye) {
                        u.completed += 1;
                    } else {
                        u.failed += 1;
                    }
                }
            }
            UaEvent::ConnectionError { connection, error } => {
                self.log(format_args!("{connection}: {error}; closing it"));
                self.actions.push_back(Action::Close(connection));
            }
            _ => {}
        }
    }
}
