//! The sip-proto demo: a whole SIP story in one process, over the crate's
//! deterministic simulated network (`sip_proto::sim`) with a little packet
//! loss, in virtual time.
//!
//! 1. Alice registers with the registrar of `sip.example` (which
//!    challenges her with digest authentication).
//! 2. Bob looks Alice up in the registrar's bindings and calls her.
//! 3. Alice's phone rings; she answers.
//! 4. Bob re-INVITEs (puts the call on hold).
//! 5. Alice hangs up.
//!
//! It prints the ladder diagram (who sent what to whom, when, and what the
//! network lost) and a summary, and exits non-zero if any step of the story
//! did not happen. Steps are a list: later stories (a proxy, push wakeup,
//! WebSocket, end-to-middle security) add theirs.
//!
//! ```text
//! cargo run --example demo              # the story with 5 % loss
//! cargo run --example demo -- --loss 0.2 --seed 7
//! ```

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use bytes::Bytes;
use sip_proto::Instant;
use sip_proto::endpoint::{Destination, Output, Received, TransactionId};
use sip_proto::message::{HeaderName, StatusCode};
use sip_proto::registration::{Registration, RegistrationConfig, RegistrationState};
use sip_proto::sim::{Delivery, LinkConfig, Network};
use sip_proto::ua::{EndReason, SessionId, UaConfig, UaEvent, UaOutput, UserAgent};

const REGISTRAR: &str = "192.0.2.1:5060";
const ALICE: &str = "192.0.2.10:5060";
const BOB: &str = "192.0.2.20:5060";

mod registrar;

/// The parties of the story.
struct World {
    net: Network,
    now: Instant,
    alice: UserAgent,
    bob: UserAgent,
    registrar: registrar::Registrar,
    alice_reg: Registration,
    /// Alice's digest credentials (RFC 7616).
    alice_digest: sip_proto::auth::client::DigestClient,
    /// Everything the applications saw, in order.
    log: Vec<(Instant, &'static str, String)>,
    /// What each step waits for, by name.
    seen: BTreeMap<&'static str, Instant>,
    bob_call: Option<SessionId>,
    alice_call: Option<SessionId>,
    /// When Alice answers (she lets it ring a little).
    answer_at: Option<Instant>,
    /// When Alice hangs up.
    hangup_at: Option<Instant>,
}

fn addr(s: &str) -> SocketAddr {
    s.parse().expect("an address")
}

fn ua(at: &str, user: &str, seed: u8) -> UserAgent {
    let a = addr(at);
    let mut c = UaConfig::new(&a.ip().to_string(), &format!("<sip:{user}@{at}>"), [seed; 32]);
    c.endpoint.via_port = Some(a.port());
    UserAgent::new(c)
}

impl World {
    fn new(seed: u64, loss: f64) -> Self {
        let mut net = Network::new(seed);
        net.set_default_link(
            LinkConfig::lossy(loss)
                .with_latency(Duration::from_millis(20))
                .with_jitter(Duration::from_millis(10)),
        );
        let mut alice = ua(ALICE, "alice", 10);
        let mut reg_config = RegistrationConfig::new(
            "sip:sip.example",
            "sip:alice@sip.example",
            &format!("sip:alice@{ALICE}"),
        );
        reg_config.expires = 600;
        let call_id = alice.endpoint_mut().new_call_id();
        let tag = alice.endpoint_mut().new_tag();
        World {
            net,
            now: Instant::ZERO,
            alice,
            bob: ua(BOB, "bob", 20),
            registrar: registrar::Registrar::new(REGISTRAR, [1; 32]),
            alice_reg: Registration::new(reg_config, call_id, tag, 1),
            alice_digest: sip_proto::auth::client::DigestClient::new("alice", "wonderland", [11; 32]),
            log: Vec::new(),
            seen: BTreeMap::new(),
            bob_call: None,
            alice_call: None,
            answer_at: None,
            hangup_at: None,
        }
    }

    fn note(&mut self, who: &'static str, what: String) {
        self.log.push((self.now, who, what));
    }

    fn mark(&mut self, what: &'static str) {
        self.seen.entry(what).or_insert(self.now);
    }

    /// Moves every node's transmits into the network and lets the
    /// applications react to their events.
    fn pump(&mut self) {
        loop {
            let mut moved = false;
            while let Some(out) = self.alice.poll_output() {
                moved = true;
                match out {
                    UaOutput::Transmit(t) => {
                        send(&mut self.net, self.now, addr(ALICE), t.destination, t.bytes)
                    }
                    UaOutput::Event(e) => self.alice_event(e),
                }
            }
            while let Some(out) = self.bob.poll_output() {
                moved = true;
                match out {
                    UaOutput::Transmit(t) => send(&mut self.net, self.now, addr(BOB), t.destination, t.bytes),
                    UaOutput::Event(e) => self.bob_event(e),
                }
            }
            while let Some(out) = self.registrar.ep.poll_output() {
                moved = true;
                match out {
                    Output::Transmit(t) => {
                        send(&mut self.net, self.now, addr(REGISTRAR), t.destination, t.bytes)
                    }
                    Output::Event(e) => {
                        if let Some(line) = self.registrar.handle(self.now, e) {
                            self.note("registrar", line);
                        }
                    }
                }
            }
            // The registration asks for its REGISTERs (first, after the
            // challenge, refreshes).
            if let Some(req) = self.alice_reg.poll_request(self.now) {
                let dest = Destination::Datagram(addr(REGISTRAR));
                match self.alice.send_out_of_dialog(self.now, req, dest) {
                    Ok(tx) => self.alice_reg.sent(tx),
                    Err(e) => self.note("alice", format!("could not send REGISTER: {e}")),
                }
                moved = true;
            }
            if !moved {
                return;
            }
        }
    }

    fn alice_event(&mut self, e: UaEvent) {
        let now = self.now;
        match e {
            UaEvent::Response { transaction, response, session: None } => {
                self.registration_response(transaction, &response)
            }
            UaEvent::RequestFailed { transaction, session: None } => {
                self.alice_reg.handle_transaction_failed(now, transaction);
            }
            UaEvent::IncomingCall { session, request } => {
                let from = request
                    .message()
                    .header(HeaderName::From)
                    .map(String::from_utf8_lossy)
                    .unwrap_or_default()
                    .into_owned();
                self.note("alice", format!("incoming call from {from}"));
                self.alice_call = Some(session);
                self.alice.ring(now, session, StatusCode::RINGING, false, None).expect("ringing");
                self.answer_at = Some(now + Duration::from_secs(2));
            }
            UaEvent::Acked { session } if Some(session) == self.alice_call => {
                if !self.seen.contains_key("confirmed") {
                    self.note("alice", "the call is up (ACK received)".into());
                }
                self.mark("confirmed");
            }
            UaEvent::ReInvite { session, request } => {
                let hold = request.message().body().windows(8).any(|w| w == b"sendonly");
                self.note(
                    "alice",
                    format!("re-INVITE{}", if hold { ": Bob puts the call on hold" } else { "" }),
                );
                let sdp = sdp("192.0.2.10", if hold { "recvonly" } else { "sendrecv" });
                self.alice
                    .answer(now, session, Some(("application/sdp", sdp)))
                    .expect("answer the re-INVITE");
                self.hangup_at = Some(now + Duration::from_secs(3));
            }
            UaEvent::Ended { reason, .. } => {
                self.note("alice", format!("call ended ({reason:?})"));
                if reason == EndReason::LocalBye {
                    self.mark("alice-ended");
                }
            }
            other => self.note("alice", format!("{other:?}").chars().take(100).collect()),
        }
    }

    fn bob_event(&mut self, e: UaEvent) {
        let now = self.now;
        match e {
            UaEvent::Progress { response, .. } => {
                let status = response.message().status().map_or(0, |s| s.0);
                self.note("bob", format!("hears {status} (ringing)"));
                self.mark("ringing");
            }
            UaEvent::Answered { session, .. } => {
                self.note("bob", "Alice answered".into());
                self.mark("answered");
                // Put the call on hold a second later (RFC 3264 §8.4).
                let _ = session;
            }
            UaEvent::ReInviteAnswered { .. } => {
                self.note("bob", "the hold is accepted".into());
                self.mark("held");
            }
            UaEvent::Ended { reason, .. } => {
                self.note("bob", format!("call ended ({reason:?})"));
                if reason == EndReason::RemoteBye {
                    self.mark("bob-ended");
                }
            }
            other => self.note("bob", format!("{other:?}").chars().take(100).collect()),
        }
        let _ = now;
    }

    fn registration_response(&mut self, tx: TransactionId, response: &Received) {
        let now = self.now;
        let event = self.alice_reg.handle_response(now, response.message());
        if let Some(ev) = event {
            self.note("alice", format!("registration: {ev:?}"));
            if let sip_proto::registration::RegistrationEvent::Challenged { .. } = ev {
                // The REGISTER that was challenged is still held by its
                // transaction (Timer K), so the digest can cover it.
                let request = self.alice.endpoint().client_request(tx).cloned();
                let request = request.as_deref().and_then(|b| sip_proto::message::Message::parse(b).ok());
                match request.map(|r| self.alice_digest.answer(&r, response.message(), None)) {
                    Some(Ok(creds)) => {
                        for c in creds {
                            self.note(
                                "alice",
                                format!(
                                    "answers the challenge of realm {} ({})",
                                    c.realm,
                                    algorithm_of(&c.value)
                                ),
                            );
                            self.alice_reg.set_authorization(c.header, c.value);
                        }
                    }
                    Some(Err(e)) => self.note("alice", format!("cannot answer the challenge: {e}")),
                    None => self.note("alice", "the challenged REGISTER is gone".into()),
                }
            }
        }
        if self.alice_reg.state() == RegistrationState::Registered {
            self.mark("registered");
        }
    }

    /// The next time anything happens.
    fn next_time(&mut self) -> Option<Instant> {
        [
            self.net.next_delivery_time(),
            self.alice.poll_timeout(),
            self.bob.poll_timeout(),
            self.registrar.ep.poll_timeout(),
            self.alice_reg.poll_timeout(),
            self.answer_at,
            self.hangup_at,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Advances virtual time to the next event and handles everything due.
    fn step(&mut self) -> bool {
        self.pump();
        let Some(next) = self.next_time() else { return false };
        self.now = self.now.max(next);
        let now = self.now;
        while let Some(d) = self.net.poll_delivery(now) {
            if let Delivery::Datagram { from, to, bytes } = d {
                match to {
                    t if t == addr(ALICE) => self.alice.handle_datagram(now, from, bytes),
                    t if t == addr(BOB) => self.bob.handle_datagram(now, from, bytes),
                    t if t == addr(REGISTRAR) => self.registrar.ep.handle_datagram(now, from, bytes),
                    _ => {}
                }
            }
        }
        for t in [self.alice.poll_timeout(), self.bob.poll_timeout()].into_iter().flatten() {
            if t <= now {
                self.alice.handle_timeout(now);
                self.bob.handle_timeout(now);
            }
        }
        if self.registrar.ep.poll_timeout().is_some_and(|t| t <= now) {
            self.registrar.ep.handle_timeout(now);
        }
        if let Some(ev) = self
            .alice_reg
            .poll_timeout()
            .filter(|&t| t <= now)
            .and_then(|_| self.alice_reg.handle_timeout(now))
        {
            self.note("alice", format!("registration: {ev:?}"));
        }
        if self.answer_at.is_some_and(|t| t <= now) {
            self.answer_at = None;
            if let Some(s) = self.alice_call {
                self.note("alice", "answers".into());
                self.alice
                    .answer(now, s, Some(("application/sdp", sdp("192.0.2.10", "sendrecv"))))
                    .expect("answer");
            }
        }
        if self.hangup_at.is_some_and(|t| t <= now) {
            self.hangup_at = None;
            if let Some(s) = self.alice_call {
                self.note("alice", "hangs up".into());
                self.alice.hangup(now, s).expect("hang up");
            }
        }
        self.pump();
        true
    }

    /// Runs until `done` holds or `limit` of virtual time passes.
    fn run_until(&mut self, limit: Duration, done: impl Fn(&World) -> bool) -> bool {
        let end = self.now + limit;
        while !done(self) {
            if self.next_time().is_none_or(|t| t > end) || !self.step() {
                return done(self);
            }
        }
        true
    }
}

fn send(net: &mut Network, now: Instant, from: SocketAddr, to: Destination, bytes: Bytes) {
    if let Destination::Datagram(to) = to {
        net.send_datagram(now, from, to, bytes);
    }
}

/// The algorithm token of an Authorization value, for the log.
fn algorithm_of(value: &str) -> &str {
    value.split("algorithm=").nth(1).and_then(|r| r.split([',', ' ']).next()).unwrap_or("MD5")
}

fn sdp(ip: &str, direction: &str) -> Vec<u8> {
    format!(
        "v=0\r\no=- 1 1 IN IP4 {ip}\r\ns=-\r\nc=IN IP4 {ip}\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na={direction}\r\n"
    )
    .into_bytes()
}

/// One step of the story: what it says, what it does, what must hold after.
struct Step {
    title: &'static str,
    act: fn(&mut World),
    done: fn(&World) -> bool,
}

fn steps() -> Vec<Step> {
    vec![
        Step {
            title: "Alice registers with sip.example (digest challenge)",
            act: |w| {
                let now = w.now;
                let req = w.alice_reg.register(now);
                let tx = w
                    .alice
                    .send_out_of_dialog(now, req, Destination::Datagram(addr(REGISTRAR)))
                    .expect("REGISTER");
                w.alice_reg.sent(tx);
            },
            done: |w| w.seen.contains_key("registered"),
        },
        Step {
            title: "Bob looks Alice up and calls her",
            act: |w| {
                let now = w.now;
                let contact = w.registrar.lookup("sip:alice@sip.example").expect("Alice is registered");
                let invite = w
                    .bob
                    .new_invite(
                        &contact,
                        "\"Bob\" <sip:bob@sip.example>",
                        "\"Alice\" <sip:alice@sip.example>",
                    )
                    .body("application/sdp", sdp("192.0.2.20", "sendrecv"));
                let target = sip_proto::message::uri::Uri::parse(contact.as_bytes()).ok().and_then(|u| {
                    let s = u.sip()?;
                    match s.host {
                        sip_proto::message::uri::Host::Ipv4(a) => {
                            Some(SocketAddr::from((a, s.port.unwrap_or(5060))))
                        }
                        _ => None,
                    }
                });
                let dest = Destination::Datagram(target.expect("an address in the binding"));
                w.bob_call = Some(w.bob.invite(now, invite, dest).expect("INVITE"));
            },
            done: |w| w.seen.contains_key("ringing"),
        },
        Step {
            title: "Alice's phone rings; she answers",
            act: |_| {},
            done: |w| w.seen.contains_key("answered") && w.seen.contains_key("confirmed"),
        },
        Step {
            title: "Bob puts the call on hold (re-INVITE)",
            act: |w| {
                let now = w.now;
                let call = w.bob_call.expect("a call");
                w.bob
                    .reinvite(now, call, Some(("application/sdp", sdp("192.0.2.20", "sendonly"))))
                    .expect("re-INVITE");
            },
            done: |w| w.seen.contains_key("held"),
        },
        Step {
            title: "Alice hangs up",
            act: |_| {},
            done: |w| w.seen.contains_key("alice-ended") && w.seen.contains_key("bob-ended"),
        },
    ]
}

fn main() -> ExitCode {
    let mut loss = 0.05;
    let mut seed = 2;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--loss" => loss = args.next().and_then(|v| v.parse().ok()).unwrap_or(loss),
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).unwrap_or(seed),
            "--help" | "-h" => {
                println!(
                    "usage: demo [--loss P] [--seed N]\n  --loss P   packet loss on every link, 0.0-1.0 (default 0.05)\n  --seed N   the network's seed (default 2)"
                );
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("unknown argument {other} (try --help)");
                return ExitCode::from(2);
            }
        }
    }
    let started = std::time::Instant::now();
    let mut w = World::new(seed, loss);
    println!(
        "sip-proto demo: a registration and a call over a simulated network with {:.0} % loss (seed {seed})\n",
        loss * 100.0
    );
    let mut ok = true;
    for (i, step) in steps().iter().enumerate() {
        (step.act)(&mut w);
        let done = w.run_until(Duration::from_secs(120), step.done);
        println!(
            "step {}: {:<55} {}",
            i + 1,
            step.title,
            if done { format!("done at {}", w.now) } else { "FAILED".to_string() }
        );
        if !done {
            ok = false;
            break;
        }
    }
    let story_end = w.now;
    // Let the last retransmissions and transaction timers run out, so the
    // check below sees every table empty.
    w.run_until(Duration::from_secs(40), |_| false);

    println!("\nLadder (virtual time; {ALICE} alice, {BOB} bob, {REGISTRAR} registrar):\n");
    let name = |a: SocketAddr| match a {
        a if a == addr(ALICE) => "alice    ",
        a if a == addr(BOB) => "bob      ",
        a if a == addr(REGISTRAR) => "registrar",
        _ => "?        ",
    };
    for t in w.net.trace() {
        let fate = match t.delivered {
            Some(at) => format!("arrives {at}"),
            None => format!("{:?}", t.fate).to_lowercase(),
        };
        println!("{:>9}  {} -> {}  {:<52} {}", t.sent.to_string(), name(t.from), name(t.to), t.summary, fate);
    }
    println!("\nWhat the applications saw:\n");
    for (at, who, what) in &w.log {
        println!("{:>9}  {who:<9}  {what}", at.to_string());
    }
    let stats = w.net.stats();
    println!(
        "\nSummary: {} datagrams sent, {} lost, {} duplicated; story {} at {} of virtual time, \
         transactions all ended by {} ({:.1} ms of real time).",
        stats.datagrams_sent,
        stats.datagrams_lost,
        stats.datagrams_duplicated,
        if ok { "complete" } else { "INCOMPLETE" },
        story_end,
        w.now,
        started.elapsed().as_secs_f64() * 1000.0
    );
    let leftovers = w.alice.session_count()
        + w.bob.session_count()
        + w.alice.endpoint().transaction_count()
        + w.bob.endpoint().transaction_count()
        + w.registrar.ep.transaction_count();
    if !ok || leftovers != 0 {
        eprintln!("the story did not complete ({leftovers} sessions or transactions left)");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
