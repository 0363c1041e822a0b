//! Scenario tests of the transaction layer (RFC 3261 §17, RFC 6026) through
//! whole Endpoints on the simulated network: what goes on the wire and when
//! (in virtual milliseconds, on a 1 ms link unless said otherwise), what the
//! transaction users see, and that both tables end empty.
//!
//! Node `a` (192.0.2.1:5060) is the client, node `b` (192.0.2.2:5060) the
//! server; the test plays both transaction users.

mod common;

use std::cell::RefCell;
use std::time::Duration;

use common::World;
use sip_proto::Instant;
use sip_proto::endpoint::{CancelOutcome, Destination, EndpointError, Event, TransactionId};
use sip_proto::message::builder::{OwnedMessage, RequestBuilder, response_to};
use sip_proto::message::{HeaderName, Message, Method, StatusCode};
use sip_proto::sim::LinkConfig;

const A: &str = "192.0.2.1:5060";
const B: &str = "192.0.2.2:5060";

type Log = Vec<(Instant, usize, Event)>;

fn ms(t: u64) -> Instant {
    Instant::from_millis(t)
}

fn request(method: Method<'_>, call_id: &str) -> RequestBuilder {
    OwnedMessage::request(method, "sip:bob@192.0.2.2")
        .to("<sip:bob@192.0.2.2>")
        .from("<sip:alice@192.0.2.1>;tag=a1")
        .call_id(call_id)
        .cseq(1)
}

fn invite(call_id: &str) -> RequestBuilder {
    request(Method::Invite, call_id).contact("<sip:alice@192.0.2.1>")
}

fn options(call_id: &str) -> RequestBuilder {
    request(Method::Options, call_id)
}

/// The ACK a UAC core sends for a 2xx (RFC 3261 §13.2.2.4): the dialog's
/// From, To (with the tag) and Call-ID, the INVITE's CSeq number.
fn ack_for(response: &Message<'_>) -> RequestBuilder {
    let text = |name| std::str::from_utf8(response.header(name).unwrap()).unwrap().to_owned();
    OwnedMessage::request(Method::Ack, "sip:bob@192.0.2.2")
        .to(&text(HeaderName::To))
        .from(&text(HeaderName::From))
        .call_id(&text(HeaderName::CallId))
        .cseq(response.cseq().unwrap().seq)
}

/// A server TU's answer to `request`, tagged `b1`.
fn answer(request: &Message<'_>, status: StatusCode) -> OwnedMessage {
    response_to(request, status, Some("b1")).build().unwrap()
}

/// Advances virtual time to `t`, handing every event before it to `tu`.
fn run_to(w: &mut World, t: Instant, tu: impl FnMut(&mut World, usize, &Event)) -> Log {
    let log = w.run(t, tu);
    if w.now < t {
        w.now = t;
    }
    log
}

fn idle(w: &mut World, t: Instant) -> Log {
    run_to(w, t, |_, _, _| {})
}

/// As a ladder diagram reads it: (ms, start line) of every message node
/// `n` sent.
fn wire(w: &World, n: usize) -> Vec<(u64, String)> {
    w.nodes[n].sent.iter().map(|(t, _, b)| (t.as_millis(), first_line(b))).collect()
}

fn first_line(b: &[u8]) -> String {
    let end = b.iter().position(|&c| c == b'\r').unwrap_or(b.len());
    String::from_utf8_lossy(&b[..end]).into_owned()
}

/// When node `n` sent messages whose start line begins with `prefix`.
fn sent_at(w: &World, n: usize, prefix: &str) -> Vec<u64> {
    wire(w, n).into_iter().filter(|(_, l)| l.starts_with(prefix)).map(|(t, _)| t).collect()
}

/// The messages node `n` sent whose start line begins with `prefix`.
fn sent_bytes(w: &World, n: usize, prefix: &str) -> Vec<bytes::Bytes> {
    w.nodes[n].sent.iter().filter(|(_, _, b)| b.starts_with(prefix.as_bytes())).map(|s| s.2.clone()).collect()
}

fn describe(e: &Event) -> String {
    match e {
        Event::Request { request, .. } => format!("Request {}", request.message().method().unwrap().as_str()),
        Event::Response { response, .. } => {
            let m = response.message();
            format!("Response {} {}", m.status().unwrap().0, m.cseq().unwrap().method.as_str())
        }
        Event::Ack { transaction: Some(_), .. } => "Ack (in transaction)".into(),
        Event::Ack { transaction: None, .. } => "Ack".into(),
        Event::Cancelled { .. } => "Cancelled".into(),
        Event::Timeout { .. } => "Timeout".into(),
        Event::TransportError { .. } => "TransportError".into(),
        Event::Terminated { .. } => "Terminated".into(),
        other => format!("{other:?}"),
    }
}

/// What node `n`'s TU saw: (ms, event).
fn events(log: &[(Instant, usize, Event)], n: usize) -> Vec<(u64, String)> {
    log.iter().filter(|(_, m, _)| *m == n).map(|(t, _, e)| (t.as_millis(), describe(e))).collect()
}

fn ev(list: &[(u64, &str)]) -> Vec<(u64, String)> {
    list.iter().map(|&(t, s)| (t, s.to_owned())).collect()
}

fn pair(w: &mut World) -> (usize, usize) {
    let a = w.add(A, |c| c);
    let b = w.add(B, |c| c);
    (a, b)
}

fn udp(w: &World, n: usize) -> Destination {
    Destination::Datagram(w.addr(n))
}

fn send(w: &mut World, from: usize, req: RequestBuilder, to: Destination) -> TransactionId {
    let now = w.now;
    w.ep(from).send_request(now, req, to).unwrap()
}

fn send_raw(w: &mut World, from: usize, raw: &str, to: usize) {
    let now = w.now;
    let dest = udp(w, to);
    let msg = OwnedMessage::canonical(&Message::parse(raw.as_bytes()).unwrap());
    w.ep(from).send_stateless(now, msg, dest).unwrap();
}

fn assert_empty(w: &mut World, a: usize, b: usize) {
    assert_eq!(w.ep(a).transaction_count(), 0, "client table");
    assert_eq!(w.ep(b).transaction_count(), 0, "server table");
}

fn top_branch(bytes: &[u8]) -> String {
    Message::parse(bytes).unwrap().top_via().unwrap().branch().unwrap().to_owned()
}

// ---- INVITE client transaction timers (§17.1.1.2) ------------------------

#[test]
fn rfc3261_17_1_1_2_timer_a_doubles_from_t1_and_timer_b_fires_at_64_t1() {
    for cut in ["partition", "100% loss"] {
        let mut w = World::new(7);
        let (a, b) = pair(&mut w);
        let (pa, pb) = (w.addr(a), w.addr(b));
        if cut == "partition" {
            w.net.partition(pa.ip(), pb.ip());
        } else {
            w.net.set_link(pa, pb, LinkConfig::lossy(1.0));
        }
        let dest = udp(&w, b);
        send(&mut w, a, invite("timer-b"), dest);
        let log = idle(&mut w, ms(60_000));
        // Intervals 0.5, 1, 2, 4, 8, 16 s; the one due at 63.5 s is never
        // reached because Timer B (64·T1 = 32 s) ends the transaction.
        assert_eq!(sent_at(&w, a, "INVITE"), [0, 500, 1500, 3500, 7500, 15500, 31500], "{cut}");
        assert_eq!(events(&log, a), ev(&[(32_000, "Timeout"), (32_000, "Terminated")]), "{cut}");
        assert!(events(&log, b).is_empty() && w.nodes[b].sent.is_empty(), "{cut}");
        assert_empty(&mut w, a, b);
    }
}

#[test]
fn rfc3261_17_1_1_2_a_provisional_stops_retransmissions_and_timer_b() {
    let mut w = World::new(8);
    let (a, b) = pair(&mut w);
    let (pa, pb) = (w.addr(a), w.addr(b));
    w.net.partition(pa.ip(), pb.ip());
    let dest = udp(&w, b);
    send(&mut w, a, invite("provisional"), dest);
    let held = RefCell::new(None);
    let uas = |w: &mut World, n: usize, e: &Event| match e {
        Event::Request { transaction, request } if n == b => {
            w.respond(b, *transaction, answer(request.message(), StatusCode::RINGING)).unwrap();
            *held.borrow_mut() = Some((*transaction, answer(request.message(), StatusCode::OK)));
        }
        Event::Response { response, .. } if n == a && response.message().status() == Some(StatusCode::OK) => {
            let (now, dest) = (w.now, udp(w, b));
            w.ep(a).send_ack(now, ack_for(response.message()), dest).unwrap();
        }
        _ => {}
    };
    let mut log = run_to(&mut w, ms(2000), uas);
    w.net.heal(pa.ip(), pb.ip());
    // The retransmission at 3.5 s gets through; the 180 stops Timer A, and
    // Timer B no longer runs: nothing happens until the TU answers at 40 s.
    log.extend(run_to(&mut w, ms(40_000), uas));
    assert_eq!(sent_at(&w, a, "INVITE"), [0, 500, 1500, 3500]);
    assert_eq!(events(&log, a), ev(&[(3502, "Response 180 INVITE")]));
    let (tx, ok) = held.take().unwrap();
    w.respond(b, tx, ok).unwrap();
    log.extend(run_to(&mut w, ms(100_000), uas));
    assert_eq!(
        events(&log, a),
        ev(&[(3502, "Response 180 INVITE"), (40_001, "Response 200 INVITE"), (72_001, "Terminated")])
    );
    // Timer L: 64·T1 after the 2xx.
    assert_eq!(events(&log, b), ev(&[(3501, "Request INVITE"), (40_002, "Ack"), (72_000, "Terminated")]));
    assert_empty(&mut w, a, b);
}

// ---- non-INVITE client transaction timers (§17.1.2.2) --------------------

#[test]
fn rfc3261_17_1_2_2_timer_e_caps_at_t2_and_timer_f_fires_at_64_t1() {
    let mut w = World::new(9);
    let (a, b) = pair(&mut w);
    let (pa, pb) = (w.addr(a), w.addr(b));
    w.net.partition(pa.ip(), pb.ip());
    let dest = udp(&w, b);
    send(&mut w, a, options("timer-f"), dest);
    let log = idle(&mut w, ms(60_000));
    assert_eq!(
        sent_at(&w, a, "OPTIONS"),
        [0, 500, 1500, 3500, 7500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500]
    );
    assert_eq!(events(&log, a), ev(&[(32_000, "Timeout"), (32_000, "Terminated")]));
    assert_empty(&mut w, a, b);
}

#[test]
fn rfc3261_17_1_2_2_in_proceeding_timer_e_retransmits_every_t2() {
    let mut w = World::new(10);
    let (a, b) = pair(&mut w);
    let dest = udp(&w, b);
    send(&mut w, a, options("proceeding"), dest);
    let mut held = None;
    let mut log = run_to(&mut w, ms(10_000), |w, n, e| {
        if let Event::Request { transaction, request } = e {
            assert_eq!(n, b);
            w.respond(b, *transaction, answer(request.message(), StatusCode::TRYING)).unwrap();
            held = Some((*transaction, answer(request.message(), StatusCode::OK)));
        }
    });
    let (tx, ok) = held.unwrap();
    w.respond(b, tx, ok).unwrap();
    log.extend(idle(&mut w, ms(60_000)));
    // The Timer E already due at 0.5 s fires in Proceeding; from then on
    // the interval is T2. Each retransmission gets the 100 again (§17.2.2).
    assert_eq!(sent_at(&w, a, "OPTIONS"), [0, 500, 4500, 8500]);
    assert_eq!(
        wire(&w, b),
        [
            (1, "SIP/2.0 100 Trying".into()),
            (501, "SIP/2.0 100 Trying".into()),
            (4501, "SIP/2.0 100 Trying".into()),
            (8501, "SIP/2.0 100 Trying".into()),
            (10_000, "SIP/2.0 200 OK".into()),
        ]
    );
    // Every provisional goes up in Proceeding (§17.1.2.2); Timer K = T4.
    assert_eq!(
        events(&log, a),
        ev(&[
            (2, "Response 100 OPTIONS"),
            (502, "Response 100 OPTIONS"),
            (4502, "Response 100 OPTIONS"),
            (8502, "Response 100 OPTIONS"),
            (10_001, "Response 200 OPTIONS"),
            (15_001, "Terminated"),
        ])
    );
    // Timer J = 64·T1.
    assert_eq!(events(&log, b), ev(&[(1, "Request OPTIONS"), (42_000, "Terminated")]));
    assert_eq!(w.ep(b).stats().absorbed, 3);
    assert_empty(&mut w, a, b);
}

// ---- non-2xx finals and their ACK (§17.1.1.3, §17.2.1) -------------------

/// A UAS TU that answers every INVITE with `status` at once.
fn rejecting(b: usize, status: StatusCode) -> impl FnMut(&mut World, usize, &Event) {
    move |w, n, e| {
        if let Event::Request { transaction, request } = e {
            if n == b && request.message().method() == Some(Method::Invite) {
                w.respond(b, *transaction, answer(request.message(), status)).unwrap();
            }
        }
    }
}

#[test]
fn rfc3261_17_1_1_3_ack_for_a_non_2xx_is_built_by_the_client_and_absorbed_by_the_server() {
    let mut w = World::new(11);
    let (a, b) = pair(&mut w);
    let dest = udp(&w, b);
    let tx = send(&mut w, a, invite("busy"), dest);
    let mut log = run_to(&mut w, ms(100), rejecting(b, StatusCode::BUSY_HERE));
    let now = w.now;
    assert_eq!(w.ep(a).cancel(now, tx), Ok(CancelOutcome::TooLate), "§9.1: nothing left to cancel");
    log.extend(idle(&mut w, ms(60_000)));
    assert_eq!(
        wire(&w, a),
        [(0, "INVITE sip:bob@192.0.2.2 SIP/2.0".into()), (2, "ACK sip:bob@192.0.2.2 SIP/2.0".into())]
    );
    assert_eq!(wire(&w, b), [(1, "SIP/2.0 486 Busy Here".into())]);
    // The ACK is the client transaction's: same branch and Request-URI,
    // the response's To (with its tag), CSeq number with method ACK.
    let inv = w.nodes[a].sent[0].2.clone();
    let ack = w.nodes[a].sent[1].2.clone();
    let ack = Message::parse(&ack).unwrap();
    assert_eq!(ack.top_via().unwrap().branch().unwrap(), top_branch(&inv));
    assert_eq!(ack.to().unwrap().tag(), Some("b1"));
    let cseq = ack.cseq().unwrap();
    assert_eq!((cseq.seq, cseq.method), (1, Method::Ack));
    // The server's TU never sees it: Confirmed, then Timer I (T4).
    assert_eq!(events(&log, b), ev(&[(1, "Request INVITE"), (5003, "Terminated")]));
    // Timer D: 32 s.
    assert_eq!(events(&log, a), ev(&[(2, "Response 486 INVITE"), (32_002, "Terminated")]));
    assert_empty(&mut w, a, b);
}

#[test]
fn rfc3261_17_2_1_timer_g_retransmits_the_final_and_the_client_acks_each_copy() {
    let mut w = World::new(12);
    let (a, b) = pair(&mut w);
    let (pa, pb) = (w.addr(a), w.addr(b));
    let dest = udp(&w, b);
    send(&mut w, a, invite("lost-ack"), dest);
    // Once the INVITE is through, everything from a to b is lost: the ACKs.
    let mut log = run_to(&mut w, ms(5000), |w, n, e| {
        rejecting(b, StatusCode::BUSY_HERE)(w, n, e);
        if matches!(e, Event::Request { .. }) {
            w.net.set_link(pa, pb, LinkConfig::lossy(1.0));
        }
    });
    w.net.clear_link(pa, pb);
    log.extend(idle(&mut w, ms(60_000)));
    // Timer G: T1, 2·T1, 4·T1, then capped at T2. The ACK for the copy at
    // 7.5 s gets through and stops it.
    assert_eq!(sent_at(&w, b, "SIP/2.0 486"), [1, 501, 1501, 3501, 7501]);
    assert_eq!(sent_at(&w, a, "ACK"), [2, 502, 1502, 3502, 7502]);
    assert_eq!(sent_at(&w, a, "INVITE"), [0]);
    // The TU hears the 486 once; retransmissions are ACKed below it.
    assert_eq!(events(&log, a), ev(&[(2, "Response 486 INVITE"), (32_002, "Terminated")]));
    assert_eq!(events(&log, b), ev(&[(1, "Request INVITE"), (12_503, "Terminated")]));
    assert_eq!(w.ep(b).stats().absorbed, 1, "the one ACK that arrived");
    assert_empty(&mut w, a, b);
}

#[test]
fn rfc3261_17_2_1_timer_h_times_out_a_final_that_is_never_acked() {
    let mut w = World::new(13);
    let (a, b) = pair(&mut w);
    let (pa, pb) = (w.addr(a), w.addr(b));
    let dest = udp(&w, b);
    send(&mut w, a, invite("no-ack"), dest);
    let log = run_to(&mut w, ms(60_000), |w, n, e| {
        rejecting(b, StatusCode::DECLINE)(w, n, e);
        if matches!(e, Event::Request { .. }) {
            w.net.set_link(pa, pb, LinkConfig::lossy(1.0));
        }
    });
    assert_eq!(
        sent_at(&w, b, "SIP/2.0 603"),
        [1, 501, 1501, 3501, 7501, 11_501, 15_501, 19_501, 23_501, 27_501, 31_501]
    );
    assert_eq!(events(&log, b), ev(&[(1, "Request INVITE"), (32_001, "Timeout"), (32_001, "Terminated")]));
    assert_eq!(events(&log, a), ev(&[(2, "Response 603 INVITE"), (32_002, "Terminated")]));
    assert_empty(&mut w, a, b);
}

// ---- 2xx through Accepted (RFC 6026) -------------------------------------

#[test]
fn rfc6026_8_5_the_uas_core_retransmits_the_2xx_through_accepted_until_the_ack() {
    let mut w = World::new(14);
    let (a, b) = pair(&mut w);
    let (pa, pb) = (w.addr(a), w.addr(b));
    let dest = udp(&w, b);
    let tx = send(&mut w, a, invite("accepted"), dest);
    struct St {
        ok: Option<(TransactionId, OwnedMessage)>,
        acked: bool,
        responses: Vec<TransactionId>,
    }
    let st = RefCell::new(St { ok: None, acked: false, responses: Vec::new() });
    let tu = |w: &mut World, n: usize, e: &Event| match e {
        Event::Request { transaction, request } if n == b => {
            let ok = answer(request.message(), StatusCode::OK);
            w.respond(b, *transaction, ok.clone()).unwrap();
            st.borrow_mut().ok = Some((*transaction, ok));
            // The first ACKs are lost.
            w.net.set_link(pa, pb, LinkConfig::lossy(1.0));
        }
        Event::Response { transaction, response } if n == a => {
            st.borrow_mut().responses.push(*transaction);
            let (now, dest) = (w.now, udp(w, b));
            w.ep(a).send_ack(now, ack_for(response.message()), dest).unwrap();
        }
        Event::Ack { .. } if n == b => st.borrow_mut().acked = true,
        _ => {}
    };
    let mut log = Log::new();
    // §13.3.1.4: the UAS core retransmits the 2xx at T1, 2·T1 … until the
    // ACK; the transaction in Accepted passes each one on.
    for (at, heal) in [(501, false), (1501, true)] {
        log.extend(run_to(&mut w, ms(at), tu));
        assert!(!st.borrow().acked);
        if heal {
            w.net.clear_link(pa, pb);
        }
        let (id, ok) = st.borrow().ok.clone().unwrap();
        w.respond(b, id, ok).unwrap();
    }
    log.extend(run_to(&mut w, ms(60_000), tu));
    let mut st = st.into_inner();
    assert!(st.acked);
    assert_eq!(st.responses, [tx, tx, tx]);
    assert_eq!(sent_at(&w, b, "SIP/2.0 200"), [1, 501, 1501]);
    assert_eq!(sent_at(&w, a, "ACK"), [2, 502, 1502]);
    // Each ACK is a transaction of its own (fresh branch, §17.1.1.3), so
    // it reaches the UAS core as an ACK matching no transaction.
    let acks = sent_bytes(&w, a, "ACK");
    assert_ne!(top_branch(&acks[0]), top_branch(&sent_bytes(&w, a, "INVITE")[0]));
    assert_eq!(
        events(&log, a),
        ev(&[
            (2, "Response 200 INVITE"),
            (502, "Response 200 INVITE"),
            (1502, "Response 200 INVITE"),
            (32_002, "Terminated"), // Timer M from the first 2xx
        ])
    );
    assert_eq!(events(&log, b), ev(&[(1, "Request INVITE"), (1503, "Ack"), (32_001, "Terminated")]));
    // Timer L ended the server transaction: it takes no more 2xx.
    let (id, ok) = st.ok.take().unwrap();
    assert_eq!(w.respond(b, id, ok), Err(EndpointError::UnknownTransaction));
    assert_empty(&mut w, a, b);
}

#[test]
fn rfc6026_8_7_invite_retransmissions_in_accepted_are_absorbed_without_a_2xx() {
    let mut w = World::new(15);
    let (a, b) = pair(&mut w);
    let (pa, pb) = (w.addr(a), w.addr(b));
    w.net.set_link(pb, pa, LinkConfig::lossy(1.0)); // the first 2xx is lost
    let dest = udp(&w, b);
    send(&mut w, a, invite("accepted-retrans"), dest);
    let mut ok = None;
    let uac = |w: &mut World, n: usize, e: &Event| {
        if let Event::Response { response, .. } = e {
            if n == a {
                let (now, dest) = (w.now, udp(w, b));
                w.ep(a).send_ack(now, ack_for(response.message()), dest).unwrap();
            }
        }
    };
    let mut log = run_to(&mut w, ms(1600), |w, n, e| {
        if let Event::Request { transaction, request } = e {
            let m = answer(request.message(), StatusCode::OK);
            w.respond(b, *transaction, m.clone()).unwrap();
            ok = Some((*transaction, m));
        }
        uac(w, n, e);
    });
    // The INVITE retransmissions at 0.5 s and 1.5 s were absorbed: the 2xx
    // is the TU's to retransmit, not the transaction's.
    assert_eq!(sent_at(&w, a, "INVITE"), [0, 500, 1500]);
    assert_eq!(wire(&w, b), [(1, "SIP/2.0 200 OK".into())]);
    assert_eq!(w.ep(b).stats().absorbed, 2);
    w.net.clear_link(pb, pa);
    let (id, m) = ok.unwrap();
    w.respond(b, id, m).unwrap();
    log.extend(run_to(&mut w, ms(60_000), uac));
    assert_eq!(sent_at(&w, b, "SIP/2.0 200"), [1, 1600]);
    assert_eq!(events(&log, b), ev(&[(1, "Request INVITE"), (1602, "Ack"), (32_001, "Terminated")]));
    assert_eq!(events(&log, a), ev(&[(1601, "Response 200 INVITE"), (33_601, "Terminated")]));
    assert_empty(&mut w, a, b);
}

// ---- retransmitted requests (§17.2.1, §17.2.2, §17.2.3) ------------------

#[test]
fn rfc3261_17_2_2_a_retransmitted_request_gets_the_last_response() {
    let mut w = World::new(16);
    let (a, b) = pair(&mut w);
    let (pa, pb) = (w.addr(a), w.addr(b));
    w.net.set_link(pb, pa, LinkConfig::lossy(1.0)); // the 200 is lost
    let dest = udp(&w, b);
    send(&mut w, a, options("nist-retrans"), dest);
    let uas = |w: &mut World, n: usize, e: &Event| {
        if let Event::Request { transaction, request } = e {
            w.respond(n, *transaction, answer(request.message(), StatusCode::OK)).unwrap();
        }
    };
    let mut log = run_to(&mut w, ms(300), uas);
    w.net.clear_link(pb, pa);
    log.extend(run_to(&mut w, ms(60_000), uas));
    assert_eq!(sent_at(&w, a, "OPTIONS"), [0, 500]);
    assert_eq!(sent_at(&w, b, "SIP/2.0 200"), [1, 501]);
    let oks = sent_bytes(&w, b, "SIP/2.0 200");
    assert_eq!(oks[0], oks[1], "the same response, byte for byte");
    assert_eq!(events(&log, b), ev(&[(1, "Request OPTIONS"), (32_001, "Terminated")]));
    assert_eq!(events(&log, a), ev(&[(502, "Response 200 OPTIONS"), (5502, "Terminated")]));
    assert_eq!(w.ep(b).stats().absorbed, 1);
    assert_empty(&mut w, a, b);
}

#[test]
fn rfc3261_17_2_1_a_retransmitted_invite_gets_the_last_provisional() {
    let mut w = World::new(17);
    let (a, b) = pair(&mut w);
    let (pa, pb) = (w.addr(a), w.addr(b));
    w.net.set_link(pb, pa, LinkConfig::lossy(1.0)); // the 180 is lost
    let dest = udp(&w, b);
    send(&mut w, a, invite("ist-retrans"), dest);
    let mut busy = None;
    let mut log = run_to(&mut w, ms(300), |w, n, e| {
        if let Event::Request { transaction, request } = e {
            w.respond(n, *transaction, answer(request.message(), StatusCode::RINGING)).unwrap();
            busy = Some((*transaction, answer(request.message(), StatusCode::BUSY_HERE)));
        }
    });
    w.net.clear_link(pb, pa);
    log.extend(idle(&mut w, ms(1000)));
    let (id, m) = busy.unwrap();
    w.respond(b, id, m).unwrap();
    log.extend(idle(&mut w, ms(60_000)));
    assert_eq!(sent_at(&w, a, "INVITE"), [0, 500]);
    assert_eq!(
        wire(&w, b),
        [
            (1, "SIP/2.0 180 Ringing".into()),
            (501, "SIP/2.0 180 Ringing".into()),
            (1000, "SIP/2.0 486 Busy Here".into())
        ]
    );
    assert_eq!(events(&log, b), ev(&[(1, "Request INVITE"), (6002, "Terminated")]));
    assert_eq!(
        events(&log, a),
        ev(&[(502, "Response 180 INVITE"), (1001, "Response 486 INVITE"), (33_001, "Terminated")])
    );
    assert_empty(&mut w, a, b);
}

#[test]
fn rfc3261_17_2_3_duplicated_datagrams_reach_each_tu_once() {
    let mut w = World::new(18).with_link(LinkConfig::PERFECT.with_duplicate(1.0));
    let (a, b) = pair(&mut w);
    let dest = udp(&w, b);
    let inv = send(&mut w, a, invite("dup-invite"), dest);
    let opt = send(&mut w, a, options("dup-options"), dest);
    let log = run_to(&mut w, ms(60_000), |w, n, e| {
        if let Event::Request { transaction, request } = e {
            let status = if request.message().method() == Some(Method::Invite) {
                StatusCode::BUSY_HERE
            } else {
                StatusCode::OK
            };
            w.respond(n, *transaction, answer(request.message(), status)).unwrap();
        }
    });
    assert_eq!(
        events(&log, b),
        ev(&[(1, "Request INVITE"), (1, "Request OPTIONS"), (5003, "Terminated"), (32_001, "Terminated")])
    );
    let finals: Vec<_> = log
        .iter()
        .filter_map(|(_, n, e)| match e {
            Event::Response { transaction, .. } if *n == a => Some(*transaction),
            _ => None,
        })
        .collect();
    assert_eq!(finals, [inv, opt], "each final once, however many copies");
    // Both copies of the 486 are ACKed; the second INVITE, the duplicate
    // OPTIONS and all four ACK copies are absorbed by the server.
    assert_eq!(sent_at(&w, a, "ACK"), [2, 2]);
    assert_eq!(w.ep(b).stats().absorbed, 1 + 1 + 4);
    assert_eq!(w.nodes[b].sent.len(), 2, "answered once each");
    assert_empty(&mut w, a, b);
}

#[test]
fn rfc3261_17_2_1_the_ist_sends_100_trying_after_200_ms_when_the_tu_is_slow() {
    let mut w = World::new(19);
    let (a, b) = pair(&mut w);
    let dest = udp(&w, b);
    send(&mut w, a, invite("slow-tu"), dest);
    let mut held = None;
    let mut log = run_to(&mut w, ms(1000), |_, _, e| {
        if let Event::Request { transaction, request } = e {
            held = Some((*transaction, answer(request.message(), StatusCode::OK)));
        }
    });
    assert_eq!(wire(&w, b), [(201, "SIP/2.0 100 Trying".into())]);
    let trying = Message::parse(&w.nodes[b].sent[0].2).unwrap().to().unwrap().tag().map(str::to_owned);
    assert_eq!(trying, None, "§8.2.6.1: the transaction's own 100 has no To tag");
    // The 100 stopped Timer A before its first retransmission.
    assert_eq!(sent_at(&w, a, "INVITE"), [0]);
    let (id, ok) = held.unwrap();
    w.respond(b, id, ok).unwrap();
    log.extend(run_to(&mut w, ms(60_000), |w, n, e| {
        if let Event::Response { response, .. } = e {
            let (now, dest) = (w.now, udp(w, b));
            if response.message().status() == Some(StatusCode::OK) && n == a {
                w.ep(a).send_ack(now, ack_for(response.message()), dest).unwrap();
            }
        }
    }));
    assert_eq!(
        events(&log, a),
        ev(&[(202, "Response 100 INVITE"), (1001, "Response 200 INVITE"), (33_001, "Terminated")])
    );
    assert_eq!(events(&log, b), ev(&[(1, "Request INVITE"), (1002, "Ack"), (33_000, "Terminated")]));
    assert_empty(&mut w, a, b);
}

// ---- CANCEL (§9) -----------------------------------------------------------

/// The server TU for the CANCEL tests: holds the INVITE, answers it 180 when
/// told, and 487 once cancelled.
#[derive(Default)]
struct Callee {
    invite: Option<TransactionId>,
    ringing: Option<OwnedMessage>,
    terminated: Option<OwnedMessage>,
}

fn callee(st: &mut Callee, b: usize, ring_at_once: bool) -> impl FnMut(&mut World, usize, &Event) + '_ {
    move |w, n, e| match e {
        Event::Request { transaction, request } if n == b => {
            st.invite = Some(*transaction);
            st.ringing = Some(answer(request.message(), StatusCode::RINGING));
            st.terminated = Some(answer(request.message(), StatusCode::REQUEST_TERMINATED));
            if ring_at_once {
                w.respond(b, *transaction, st.ringing.take().unwrap()).unwrap();
            }
        }
        Event::Cancelled { transaction, request } if n == b => {
            assert_eq!(Some(*transaction), st.invite);
            assert_eq!(request.message().method(), Some(Method::Cancel));
            w.respond(b, *transaction, st.terminated.take().unwrap()).unwrap();
        }
        _ => {}
    }
}

/// The CANCEL a client sent (§9.1): the INVITE's Request-URI, top Via
/// (branch included) and CSeq number, with method CANCEL.
fn check_cancel(w: &World, a: usize) {
    let inv = Message::parse(&w.nodes[a].sent[0].2).unwrap();
    let cancel = sent_bytes(w, a, "CANCEL");
    assert_eq!(cancel.len(), 1);
    let cancel = Message::parse(&cancel[0]).unwrap();
    assert_eq!(cancel.request().unwrap().raw_uri, inv.request().unwrap().raw_uri);
    assert_eq!(cancel.header(HeaderName::Via), inv.header(HeaderName::Via));
    let cseq = cancel.cseq().unwrap();
    assert_eq!((cseq.seq, cseq.method), (1, Method::Cancel));
}

#[test]
fn rfc3261_9_1_a_cancel_before_any_provisional_waits_for_the_180() {
    let mut w = World::new(20);
    let (a, b) = pair(&mut w);
    let dest = udp(&w, b);
    let tx = send(&mut w, a, invite("cancel-early"), dest);
    let mut st = Callee::default();
    let mut log = run_to(&mut w, ms(50), callee(&mut st, b, false));
    let now = w.now;
    assert_eq!(w.ep(a).cancel(now, tx), Ok(CancelOutcome::Deferred));
    // The callee rings at 150 ms, before the IST's 100 Trying would go.
    log.extend(run_to(&mut w, ms(150), callee(&mut st, b, false)));
    assert_eq!(wire(&w, a), [(0, "INVITE sip:bob@192.0.2.2 SIP/2.0".into())], "nothing before a provisional");
    let ringing = st.ringing.take().unwrap();
    w.respond(b, st.invite.unwrap(), ringing).unwrap();
    log.extend(run_to(&mut w, ms(60_000), callee(&mut st, b, false)));
    assert_eq!(
        wire(&w, a),
        [
            (0, "INVITE sip:bob@192.0.2.2 SIP/2.0".into()),
            (151, "CANCEL sip:bob@192.0.2.2 SIP/2.0".into()),
            (153, "ACK sip:bob@192.0.2.2 SIP/2.0".into()),
        ]
    );
    check_cancel(&w, a);
    assert_eq!(
        wire(&w, b),
        [
            (150, "SIP/2.0 180 Ringing".into()),
            (152, "SIP/2.0 200 OK".into()), // to the CANCEL
            (152, "SIP/2.0 487 Request Terminated".into()),
        ]
    );
    let ok = Message::parse(&w.nodes[b].sent[1].2).unwrap();
    assert_eq!(ok.cseq().unwrap().method, Method::Cancel);
    assert_eq!(ok.to().unwrap().tag(), Some("b1"), "§9.2: the To tag of the INVITE's response");
    // The CANCEL's own transactions are the endpoints': the TUs hear of it
    // only as Cancelled and as the INVITE's 487.
    assert_eq!(
        events(&log, a),
        ev(&[(151, "Response 180 INVITE"), (153, "Response 487 INVITE"), (32_153, "Terminated")])
    );
    assert_eq!(events(&log, b), ev(&[(1, "Request INVITE"), (152, "Cancelled"), (5154, "Terminated")]));
    assert_empty(&mut w, a, b);
}

#[test]
fn rfc3261_9_1_a_cancel_after_a_provisional_goes_at_once() {
    let mut w = World::new(21);
    let (a, b) = pair(&mut w);
    let dest = udp(&w, b);
    let tx = send(&mut w, a, invite("cancel-late"), dest);
    let mut st = Callee::default();
    let mut log = run_to(&mut w, ms(1000), callee(&mut st, b, true));
    let now = w.now;
    assert_eq!(w.ep(a).cancel(now, tx), Ok(CancelOutcome::Sent));
    assert_eq!(w.ep(a).cancel(now, tx), Ok(CancelOutcome::AlreadyCancelled));
    log.extend(run_to(&mut w, ms(60_000), callee(&mut st, b, true)));
    assert_eq!(
        wire(&w, a),
        [
            (0, "INVITE sip:bob@192.0.2.2 SIP/2.0".into()),
            (1000, "CANCEL sip:bob@192.0.2.2 SIP/2.0".into()),
            (1002, "ACK sip:bob@192.0.2.2 SIP/2.0".into()),
        ]
    );
    check_cancel(&w, a);
    assert_eq!(
        wire(&w, b),
        [
            (1, "SIP/2.0 180 Ringing".into()),
            (1001, "SIP/2.0 200 OK".into()),
            (1001, "SIP/2.0 487 Request Terminated".into()),
        ]
    );
    assert_eq!(
        events(&log, a),
        ev(&[(2, "Response 180 INVITE"), (1002, "Response 487 INVITE"), (33_002, "Terminated")])
    );
    assert_eq!(events(&log, b), ev(&[(1, "Request INVITE"), (1001, "Cancelled"), (6003, "Terminated")]));
    assert_empty(&mut w, a, b);
}

#[test]
fn rfc3261_9_2_a_retransmitted_cancel_is_answered_again_and_cancels_once() {
    let mut w = World::new(38);
    let (a, b) = pair(&mut w);
    let (pa, pb) = (w.addr(a), w.addr(b));
    let dest = udp(&w, b);
    let tx = send(&mut w, a, invite("cancel-retrans"), dest);
    let mut st = Callee::default();
    let mut log = run_to(&mut w, ms(1000), callee(&mut st, b, true));
    // The CANCEL's 200 and the 487 are lost.
    w.net.set_link(pb, pa, LinkConfig::lossy(1.0));
    let now = w.now;
    assert_eq!(w.ep(a).cancel(now, tx), Ok(CancelOutcome::Sent));
    log.extend(run_to(&mut w, ms(1400), callee(&mut st, b, true)));
    w.net.clear_link(pb, pa);
    log.extend(run_to(&mut w, ms(60_000), callee(&mut st, b, true)));
    // The CANCEL's own client transaction retransmits it (Timer E), the
    // endpoint's server transaction answers the copy with the same 200,
    // and the INVITE's IST retransmits the 487 (Timer G).
    assert_eq!(sent_at(&w, a, "CANCEL"), [1000, 1500]);
    let oks: Vec<_> = w.nodes[b]
        .sent
        .iter()
        .filter(|s| Message::parse(&s.2).unwrap().cseq().unwrap().method == Method::Cancel)
        .map(|s| (s.0.as_millis(), s.2.clone()))
        .collect();
    assert_eq!(oks.iter().map(|o| o.0).collect::<Vec<_>>(), [1001, 1501]);
    assert_eq!(oks[0].1, oks[1].1);
    assert_eq!(sent_at(&w, b, "SIP/2.0 487"), [1001, 1501]);
    assert_eq!(sent_at(&w, a, "ACK"), [1502]);
    assert_eq!(events(&log, b), ev(&[(1, "Request INVITE"), (1001, "Cancelled"), (6503, "Terminated")]));
    assert_eq!(
        events(&log, a),
        ev(&[(2, "Response 180 INVITE"), (1502, "Response 487 INVITE"), (33_502, "Terminated")])
    );
    assert_empty(&mut w, a, b);
}

#[test]
fn rfc3261_9_1_without_a_final_64_t1_after_the_cancel_the_invite_is_given_up() {
    let mut w = World::new(41);
    let (a, b) = pair(&mut w);
    let dest = udp(&w, b);
    let tx = send(&mut w, a, invite("cancel-ignored"), dest);
    // A callee that rings, takes the CANCEL's 200 from its endpoint, and
    // never sends the 487.
    let mut held = None;
    let mut log = run_to(&mut w, ms(1000), |w, n, e| {
        if let Event::Request { transaction, request } = e {
            w.respond(n, *transaction, answer(request.message(), StatusCode::RINGING)).unwrap();
            held = Some((*transaction, answer(request.message(), StatusCode::REQUEST_TERMINATED)));
        }
    });
    let now = w.now;
    assert_eq!(w.ep(a).cancel(now, tx), Ok(CancelOutcome::Sent));
    log.extend(idle(&mut w, ms(40_000)));
    // §9.1: "If there is no final response for the original request in
    // 64*T1 seconds ... the client SHOULD then consider the original
    // transaction cancelled and SHOULD destroy the client transaction".
    assert_eq!(
        events(&log, a),
        ev(&[(2, "Response 180 INVITE"), (33_000, "Timeout"), (33_000, "Terminated")])
    );
    assert_eq!(w.ep(a).transaction_count(), 0);
    assert_eq!(events(&log, b), ev(&[(1, "Request INVITE"), (1001, "Cancelled")]));
    // The callee's late 487 finds no transaction; unACKed, Timer H ends it.
    let (id, m) = held.unwrap();
    w.respond(b, id, m).unwrap();
    log.extend(idle(&mut w, ms(100_000)));
    assert_eq!(w.ep(a).stats().stray_responses, 11);
    assert_eq!(events(&log, b).last().unwrap(), &(72_000, "Terminated".to_owned()));
    assert_empty(&mut w, a, b);
}

#[test]
fn rfc3261_9_2_a_cancel_matching_no_invite_gets_481() {
    let mut w = World::new(22);
    let (a, b) = pair(&mut w);
    send_raw(
        &mut w,
        a,
        "CANCEL sip:bob@192.0.2.2 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKnosuchinvite\r\n\
Max-Forwards: 70\r\nTo: <sip:bob@192.0.2.2>\r\nFrom: <sip:alice@192.0.2.1>;tag=a1\r\n\
Call-ID: no-invite@192.0.2.1\r\nCSeq: 1 CANCEL\r\nContent-Length: 0\r\n\r\n",
        b,
    );
    let log = idle(&mut w, ms(60_000));
    assert_eq!(wire(&w, b), [(1, "SIP/2.0 481 Call/Transaction Does Not Exist".into())]);
    assert!(events(&log, b).is_empty(), "the endpoint answers it, the TU hears nothing");
    assert_eq!(w.ep(a).stats().stray_responses, 1, "a sent it statelessly");
    assert_empty(&mut w, a, b);
}

#[test]
fn rfc3261_9_2_a_cancel_after_the_final_response_gets_200_and_changes_nothing() {
    for status in [StatusCode::BUSY_HERE, StatusCode::OK] {
        let mut w = World::new(23);
        let (a, b) = pair(&mut w);
        let dest = udp(&w, b);
        send(&mut w, a, invite("cancel-too-late"), dest);
        let uac = |w: &mut World, n: usize, e: &Event| {
            if let Event::Response { response, .. } = e {
                if n == a && response.message().status() == Some(StatusCode::OK) {
                    let (now, dest) = (w.now, udp(w, b));
                    w.ep(a).send_ack(now, ack_for(response.message()), dest).unwrap();
                }
            }
        };
        let mut log = run_to(&mut w, ms(100), |w, n, e| {
            rejecting(b, status)(w, n, e);
            uac(w, n, e);
        });
        // A CANCEL of the INVITE (its Via), as a UA that raced the final
        // response would send it.
        let inv = Message::parse(&w.nodes[a].sent[0].2).unwrap();
        let via = std::str::from_utf8(inv.header(HeaderName::Via).unwrap()).unwrap().to_owned();
        send_raw(
            &mut w,
            a,
            &format!(
                "CANCEL sip:bob@192.0.2.2 SIP/2.0\r\nVia: {via}\r\nMax-Forwards: 70\r\nTo: <sip:bob@192.0.2.2>\r\n\
From: <sip:alice@192.0.2.1>;tag=a1\r\nCall-ID: cancel-too-late\r\nCSeq: 1 CANCEL\r\nContent-Length: 0\r\n\r\n"
            ),
            b,
        );
        log.extend(run_to(&mut w, ms(60_000), uac));
        let code = status.0;
        assert_eq!(
            wire(&w, b).into_iter().map(|(t, l)| (t, l[8..11].to_owned())).collect::<Vec<_>>(),
            [(1, code.to_string()), (101, "200".into())],
            "{code}"
        );
        let ok = Message::parse(&w.nodes[b].sent[1].2).unwrap();
        assert_eq!(ok.cseq().unwrap().method, Method::Cancel);
        assert_eq!(ok.to().unwrap().tag(), Some("b1"), "{code}: §9.2, the To tag of the INVITE's response");
        let saw: Vec<_> = events(&log, b).into_iter().map(|e| e.1).collect();
        assert!(!saw.contains(&"Cancelled".to_owned()), "{code}: {saw:?}");
        assert_empty(&mut w, a, b);
    }
}

// ---- transport errors (§17.1.4, §17.2.4, RFC 6026 §8.8) ------------------

#[test]
fn rfc3261_17_1_4_a_failed_connection_ends_the_waiting_client_transaction() {
    let mut w = World::new(24);
    let (a, b) = pair(&mut w);
    let conn = w.connect(a, b);
    let tx = send(&mut w, a, invite("tcp-fail"), Destination::Connection(conn));
    let mut log = run_to(&mut w, ms(1000), |w, n, e| {
        if let Event::Request { transaction, request } = e {
            w.respond(n, *transaction, answer(request.message(), StatusCode::RINGING)).unwrap();
        }
    });
    assert_eq!(events(&log, a), ev(&[(2, "Response 180 INVITE")]));
    let now = w.now;
    w.net.fail(now, conn);
    log.extend(idle(&mut w, ms(1000)));
    assert_eq!(
        events(&log, a),
        ev(&[(2, "Response 180 INVITE"), (1000, "TransportError"), (1000, "Terminated")])
    );
    assert_eq!(w.ep(a).transaction_count(), 0);
    assert_eq!(w.ep(a).cancel(now, tx), Err(EndpointError::UnknownTransaction));
    // The server side heard of it too, and its transaction stays: it is
    // in Proceeding, waiting for its TU.
    log.extend(idle(&mut w, ms(2000)));
    assert_eq!(events(&log, b), ev(&[(1, "Request INVITE"), (1001, "TransportError")]));
    assert_eq!(w.ep(b).transaction_count(), 1);
}

#[test]
fn rfc6026_8_8_a_server_transaction_outlives_its_connection_until_timer_h() {
    let mut w = World::new(25);
    let (a, b) = pair(&mut w);
    let conn = w.connect(a, b);
    send(&mut w, a, invite("tcp-reset"), Destination::Connection(conn));
    // The connection resets as the 486 goes out: the 486 is lost.
    let log = run_to(&mut w, ms(60_000), |w, n, e| {
        if let Event::Request { transaction, request } = e {
            w.respond(n, *transaction, answer(request.message(), StatusCode::BUSY_HERE)).unwrap();
            let now = w.now;
            w.net.fail(now, conn);
        }
    });
    assert_eq!(events(&log, a), ev(&[(1, "TransportError"), (1, "Terminated")]));
    // No Timer G on TCP (one 486), but Timer H is still 64·T1: the
    // transaction waits for an ACK that cannot come, then times out.
    assert_eq!(wire(&w, b), [(1, "SIP/2.0 486 Busy Here".into())]);
    assert_eq!(
        events(&log, b),
        ev(&[(1, "Request INVITE"), (2, "TransportError"), (32_001, "Timeout"), (32_001, "Terminated")])
    );
    assert_empty(&mut w, a, b);
}

#[test]
fn rfc3261_17_1_4_a_closed_connection_ends_the_waiting_non_invite_client_transaction() {
    let mut w = World::new(39);
    let (a, b) = pair(&mut w);
    let conn = w.connect(a, b);
    send(&mut w, a, options("tcp-close"), Destination::Connection(conn));
    let mut held = None;
    let mut log = run_to(&mut w, ms(1000), |_, _, e| {
        if let Event::Request { transaction, request } = e {
            held = Some((*transaction, answer(request.message(), StatusCode::OK)));
        }
    });
    // a's adapter closes the connection; the far end hears of it after the
    // link's latency.
    let now = w.now;
    w.net.close(now, conn);
    w.ep(a).handle_connection_closed(now, conn);
    log.extend(idle(&mut w, ms(2000)));
    assert_eq!(events(&log, a), ev(&[(1000, "TransportError"), (1000, "Terminated")]));
    // The server transaction is told and stays (it is waiting for its TU);
    // its answer cannot be sent, and Timer J (zero on TCP) ends it.
    assert_eq!(events(&log, b), ev(&[(1, "Request OPTIONS"), (1001, "TransportError")]));
    assert_eq!(w.ep(b).transaction_count(), 1);
    let (id, ok) = held.unwrap();
    w.respond(b, id, ok).unwrap();
    log.extend(idle(&mut w, ms(60_000)));
    assert_eq!(events(&log, b).last().unwrap(), &(2000, "Terminated".to_owned()));
    assert!(w.nodes[b].sent.is_empty(), "nothing goes on a closed connection");
    assert_empty(&mut w, a, b);
}

#[test]
fn rfc6026_8_8_an_accepted_ist_stays_until_timer_l_after_its_connection_closes() {
    let mut w = World::new(40);
    let (a, b) = pair(&mut w);
    let conn = w.connect(a, b);
    let dest = Destination::Connection(conn);
    send(&mut w, a, invite("tcp-close-accepted"), dest);
    let mut log = run_to(&mut w, ms(1000), |w, n, e| match e {
        Event::Request { transaction, request } => {
            w.respond(n, *transaction, answer(request.message(), StatusCode::OK)).unwrap();
        }
        Event::Response { response, .. } => {
            let now = w.now;
            w.ep(a).send_ack(now, ack_for(response.message()), dest).unwrap();
        }
        _ => {}
    });
    let now = w.now;
    w.net.close(now, conn);
    w.ep(a).handle_connection_closed(now, conn);
    log.extend(idle(&mut w, ms(31_000)));
    // In Accepted neither side's transaction ends on a transport error: the
    // client's waits for Timer M, the server's for Timer L.
    assert_eq!((w.ep(a).transaction_count(), w.ep(b).transaction_count()), (1, 1));
    log.extend(idle(&mut w, ms(60_000)));
    assert_eq!(events(&log, a), ev(&[(2, "Response 200 INVITE"), (32_002, "Terminated")]));
    assert_eq!(
        events(&log, b),
        ev(&[(1, "Request INVITE"), (3, "Ack"), (1001, "TransportError"), (32_001, "Terminated")])
    );
    assert_empty(&mut w, a, b);
}

#[test]
fn rfc3261_17_1_4_an_icmp_error_for_a_datagram_ends_the_client_transaction() {
    let mut w = World::new(26);
    let (a, b) = pair(&mut w);
    let (pa, pb) = (w.addr(a), w.addr(b));
    w.net.partition(pa.ip(), pb.ip());
    let dest = udp(&w, b);
    send(&mut w, a, options("icmp"), dest);
    let mut log = idle(&mut w, ms(1000));
    let now = w.now;
    w.ep(a).handle_send_failed(now, dest);
    log.extend(idle(&mut w, ms(60_000)));
    assert_eq!(sent_at(&w, a, "OPTIONS"), [0, 500]);
    assert_eq!(events(&log, a), ev(&[(1000, "TransportError"), (1000, "Terminated")]));
    assert_empty(&mut w, a, b);
}

// ---- reliable transports (§17.1.1.2, §17.1.2.2, §17.2.1, §17.2.2) --------

#[test]
fn rfc3261_17_over_tcp_nothing_is_retransmitted_but_timer_f_still_runs() {
    let mut w = World::new(27);
    let (a, b) = pair(&mut w);
    let conn = w.connect(a, b);
    let dest = Destination::Connection(conn);
    send(&mut w, a, options("tcp-silent-options"), dest);
    send(&mut w, a, invite("tcp-silent-invite"), dest);
    let mut held = Vec::new();
    let mut log = run_to(&mut w, ms(40_000), |_, _, e| {
        if let Event::Request { transaction, request } = e {
            let status = if request.message().method() == Some(Method::Invite) {
                StatusCode::BUSY_HERE
            } else {
                StatusCode::OK
            };
            held.push((*transaction, answer(request.message(), status)));
        }
    });
    // One of each, however long the server keeps silent; the IST still
    // sends its 100 Trying.
    assert_eq!(wire(&w, a).len(), 2);
    assert_eq!(wire(&w, b), [(201, "SIP/2.0 100 Trying".into())]);
    assert_eq!(
        events(&log, a),
        ev(&[(202, "Response 100 INVITE"), (32_000, "Timeout"), (32_000, "Terminated")]),
        "Timer F is 64·T1 on every transport; the ICT in Proceeding waits"
    );
    for (id, m) in held {
        w.respond(b, id, m).unwrap();
    }
    log.extend(idle(&mut w, ms(40_002)));
    assert_eq!(sent_at(&w, a, "ACK"), [40_001]);
    // Timers D, I and J are zero: gone the moment the exchange is over.
    assert_empty(&mut w, a, b);
    assert_eq!(w.ep(a).stats().stray_responses, 1, "the 200 to the timed-out OPTIONS");
}

#[test]
fn rfc3261_17_timers_d_i_j_k_are_zero_over_tcp() {
    let mut w = World::new(28);
    let (a, b) = pair(&mut w);
    let conn = w.connect(a, b);
    let dest = Destination::Connection(conn);
    send(&mut w, a, invite("tcp-486"), dest);
    send(&mut w, a, options("tcp-200"), dest);
    let log = run_to(&mut w, ms(3), |w, n, e| {
        if let Event::Request { transaction, request } = e {
            let status = if request.message().method() == Some(Method::Invite) {
                StatusCode::BUSY_HERE
            } else {
                StatusCode::OK
            };
            w.respond(n, *transaction, answer(request.message(), status)).unwrap();
        }
    });
    assert_empty(&mut w, a, b);
    assert_eq!(
        events(&log, a),
        ev(&[
            (2, "Response 486 INVITE"),
            (2, "Terminated"), // Timer D = 0
            (2, "Response 200 OPTIONS"),
            (2, "Terminated"), // Timer K = 0
        ])
    );
    assert_eq!(
        events(&log, b),
        ev(&[
            (1, "Request INVITE"),
            (1, "Request OPTIONS"),
            (1, "Terminated"), // Timer J = 0
            (3, "Terminated"), // Timer I = 0, on the ACK
        ])
    );
    assert_eq!((w.nodes[a].sent.len(), w.nodes[b].sent.len()), (3, 2), "INVITE, OPTIONS, ACK; 486, 200");
    let later = idle(&mut w, ms(60_000));
    assert!(later.is_empty());
    assert_eq!((w.nodes[a].sent.len(), w.nodes[b].sent.len()), (3, 2));
}

#[test]
fn rfc6026_timers_l_and_m_stay_64_t1_over_tcp() {
    let mut w = World::new(29);
    let (a, b) = pair(&mut w);
    let conn = w.connect(a, b);
    let dest = Destination::Connection(conn);
    send(&mut w, a, invite("tcp-200"), dest);
    let log = run_to(&mut w, ms(60_000), |w, n, e| match e {
        Event::Request { transaction, request } => {
            w.respond(n, *transaction, answer(request.message(), StatusCode::OK)).unwrap();
        }
        Event::Response { response, .. } => {
            let now = w.now;
            w.ep(a).send_ack(now, ack_for(response.message()), dest).unwrap();
        }
        _ => {}
    });
    assert_eq!(events(&log, a), ev(&[(2, "Response 200 INVITE"), (32_002, "Terminated")]));
    assert_eq!(events(&log, b), ev(&[(1, "Request INVITE"), (3, "Ack"), (32_001, "Terminated")]));
    assert_eq!((w.nodes[a].sent.len(), w.nodes[b].sent.len()), (2, 1));
    assert_empty(&mut w, a, b);
}

// ---- merged requests (§8.2.2.2) ------------------------------------------

#[test]
fn rfc3261_8_2_2_2_a_merged_request_with_another_branch_gets_482() {
    for method in [Method::Options, Method::Invite] {
        let mut w = World::new(30);
        let (a, b) = pair(&mut w);
        let dest = udp(&w, b);
        // The same request twice (From tag, Call-ID, CSeq, no To tag), each
        // in its own client transaction, so with its own branch: as a
        // forking proxy upstream would deliver it.
        let first = send(&mut w, a, request(method, "merged"), dest);
        let second = send(&mut w, a, request(method, "merged"), dest);
        let mut held = None;
        let mut log = run_to(&mut w, ms(1000), |_, n, e| {
            if let Event::Request { transaction, request } = e {
                assert_eq!(n, b);
                assert!(held.is_none(), "the TU sees the request once");
                held = Some((*transaction, answer(request.message(), StatusCode::OK)));
            }
        });
        let (id, ok) = held.unwrap();
        w.respond(b, id, ok).unwrap();
        log.extend(run_to(&mut w, ms(60_000), |w, n, e| {
            if let Event::Response { response, .. } = e {
                if n == a && response.message().status() == Some(StatusCode::OK) && method == Method::Invite {
                    let (now, dest) = (w.now, udp(w, b));
                    w.ep(a).send_ack(now, ack_for(response.message()), dest).unwrap();
                }
            }
        }));
        let name = method.as_str();
        let responses: Vec<_> = log
            .iter()
            .filter_map(|(t, n, e)| match e {
                Event::Response { transaction, response } if *n == a => {
                    Some((t.as_millis(), *transaction, response.message().status().unwrap().0))
                }
                _ => None,
            })
            .filter(|r| r.2 >= 200)
            .collect();
        assert_eq!(responses, [(2, second, 482), (1001, first, 200)], "{name}");
        let merged = sent_bytes(&w, b, "SIP/2.0 482");
        assert_eq!(merged.len(), 1, "{name}");
        assert!(Message::parse(&merged[0]).unwrap().to().unwrap().tag().is_some(), "{name}");
        assert_eq!(w.ep(b).stats().merged, 1, "{name}");
        if method == Method::Invite {
            // The 482 is ACKed, and absorbed by the endpoint's own IST.
            assert_eq!(sent_at(&w, a, "ACK").len(), 2, "the 482's and the 200's");
        }
        assert_empty(&mut w, a, b);
    }
}

// ---- received and rport (§18.2.1, §18.2.2, RFC 3581) ---------------------

/// A client behind a NAT: its Via names a private address and port.
fn natted(w: &mut World, rport: bool) -> (usize, usize) {
    let a = w.add(A, |mut c| {
        c.via_host = "10.0.0.1".into();
        c.via_port = Some(5999);
        c.rport = rport;
        c
    });
    let b = w.add(B, |c| c);
    (a, b)
}

#[test]
fn rfc3581_4_with_rport_the_response_goes_to_the_source_address_and_port() {
    let mut w = World::new(31);
    let (a, b) = natted(&mut w, true);
    let dest = udp(&w, b);
    send(&mut w, a, options("rport"), dest);
    let mut via = None;
    let log = run_to(&mut w, ms(60_000), |w, n, e| {
        if let Event::Request { transaction, request } = e {
            // §18.2.1's received/rport, as the endpoint writes them into
            // every response (and a proxy would forward them).
            let stamped = request.stamped_top_via().expect("the Via needs received");
            let v = sip_proto::message::headers::Via::parse(&stamped).unwrap();
            via = Some((v.param("received").flatten().map(<[u8]>::to_vec), v.rport()));
            w.respond(n, *transaction, answer(request.message(), StatusCode::OK)).unwrap();
        }
    });
    assert_eq!(via, Some((Some(b"192.0.2.1".to_vec()), Some(Some(5060)))));
    assert_eq!(w.nodes[b].sent[0].1, Destination::Datagram(A.parse().unwrap()));
    assert_eq!(events(&log, a), ev(&[(2, "Response 200 OPTIONS"), (5002, "Terminated")]));
    // The response carries the stamped Via back.
    let ok = Message::parse(&w.nodes[b].sent[0].2).unwrap();
    assert_eq!(ok.top_via().unwrap().rport(), Some(Some(5060)));
    assert_empty(&mut w, a, b);
}

#[test]
fn rfc3261_18_2_2_without_rport_the_response_goes_to_the_sent_by_port() {
    let mut w = World::new(32);
    let (a, b) = natted(&mut w, false);
    let dest = udp(&w, b);
    send(&mut w, a, options("no-rport"), dest);
    let mut via = None;
    let log = run_to(&mut w, ms(60_000), |w, n, e| {
        if let Event::Request { transaction, request } = e {
            // §18.2.1's received/rport, as the endpoint writes them into
            // every response (and a proxy would forward them).
            let stamped = request.stamped_top_via().expect("the Via needs received");
            let v = sip_proto::message::headers::Via::parse(&stamped).unwrap();
            via = Some((v.param("received").flatten().map(<[u8]>::to_vec), v.rport()));
            w.respond(n, *transaction, answer(request.message(), StatusCode::OK)).unwrap();
        }
    });
    // received= names the source address (the sent-by is not it); the
    // port is the Via's, behind which nothing listens.
    assert_eq!(via, Some((Some(b"192.0.2.1".to_vec()), None)));
    let to: std::net::SocketAddr = "192.0.2.1:5999".parse().unwrap();
    assert!(w.nodes[b].sent.iter().all(|s| s.1 == Destination::Datagram(to)));
    assert_eq!(events(&log, a), ev(&[(32_000, "Timeout"), (32_000, "Terminated")]));
    assert_empty(&mut w, a, b);
}

// ---- RFC 2543 peers (§17.2.3, RFC 4475 §3.2.1) ---------------------------

fn old_options(branch: &str, call_id: &str) -> String {
    format!(
        "OPTIONS sip:bob@192.0.2.2 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch={branch}\r\n\
Max-Forwards: 70\r\nTo: <sip:bob@192.0.2.2>\r\nFrom: <sip:alice@192.0.2.1>;tag=a1\r\n\
Call-ID: {call_id}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
    )
}

fn answering(w: &mut World, n: usize, e: &Event) {
    if let Event::Request { transaction, request } = e {
        if request.message().method() != Some(Method::Ack) {
            w.respond(n, *transaction, answer(request.message(), StatusCode::OK)).unwrap();
        }
    }
}

#[test]
fn rfc3261_17_2_3_a_branch_without_the_cookie_is_matched_the_rfc_2543_way() {
    let mut w = World::new(33);
    let (a, b) = pair(&mut w);
    let old = old_options("776asdhds", "rfc2543@192.0.2.1");
    send_raw(&mut w, a, &old, b);
    let mut log = run_to(&mut w, ms(500), answering);
    send_raw(&mut w, a, &old, b); // the retransmission
    log.extend(run_to(&mut w, ms(60_000), answering));
    assert_eq!(events(&log, b), ev(&[(1, "Request OPTIONS"), (32_001, "Terminated")]));
    assert_eq!(sent_at(&w, b, "SIP/2.0 200"), [1, 501]);
    assert_eq!(w.ep(b).stats().absorbed, 1);
    assert_empty(&mut w, a, b);
}

#[test]
fn rfc4475_3_2_1_badbranch_a_bare_magic_cookie_identifies_no_transaction() {
    // badbranch: `branch=z9hG4bK` and nothing after it. Two different
    // requests from one sent-by both carrying it must not be taken for one
    // transaction; each one's retransmission still matches its own.
    let mut w = World::new(34);
    let (a, b) = pair(&mut w);
    let first = old_options("z9hG4bK", "badbranch-1@192.0.2.1");
    let second = old_options("z9hG4bK", "badbranch-2@192.0.2.1");
    send_raw(&mut w, a, &first, b);
    let mut log = run_to(&mut w, ms(100), answering);
    send_raw(&mut w, a, &second, b);
    log.extend(run_to(&mut w, ms(500), answering));
    send_raw(&mut w, a, &first, b);
    log.extend(run_to(&mut w, ms(60_000), answering));
    let calls: Vec<_> = log
        .iter()
        .filter_map(|(t, _, e)| match e {
            Event::Request { request, .. } => {
                Some((t.as_millis(), request.message().call_id().unwrap().to_owned()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(calls, [(1, "badbranch-1@192.0.2.1".to_owned()), (101, "badbranch-2@192.0.2.1".to_owned())]);
    assert_eq!(sent_at(&w, b, "SIP/2.0 200"), [1, 101, 501]);
    let oks = sent_bytes(&w, b, "SIP/2.0 200");
    assert_eq!(oks[0], oks[2], "the retransmission got the first request's response");
    assert_eq!(w.ep(b).stats().absorbed, 1);
    assert_empty(&mut w, a, b);
}

/// An RFC 2543 INVITE (no magic cookie) from `a` to `b` with To `invite_to`,
/// which `b` answers with `status` (To tag b1), then at 100 ms its ACK with
/// To `ack_to`; the log to 60 s.
fn rfc2543_invite_and_ack(
    w: &mut World,
    (a, b): (usize, usize),
    call: &str,
    status: StatusCode,
    (invite_to, ack_to): (&str, &str),
) -> Log {
    let head = format!(
        "sip:bob@192.0.2.2 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=old-{call}\r\n\
Max-Forwards: 70\r\nFrom: <sip:alice@192.0.2.1>;tag=a1\r\nCall-ID: {call}@192.0.2.1\r\n"
    );
    let request = |method: &str, to: &str| {
        format!("{method} {head}To: {to}\r\nCSeq: 7 {method}\r\nContent-Length: 0\r\n\r\n")
    };
    send_raw(w, a, &request("INVITE", invite_to), b);
    let mut log = run_to(w, ms(100), rejecting(b, status));
    send_raw(w, a, &request("ACK", ack_to), b);
    log.extend(idle(w, ms(60_000)));
    log
}

#[test]
fn rfc3261_17_2_3_an_rfc_2543_ack_matches_its_invite_transaction() {
    let mut w = World::new(35);
    let (a, b) = pair(&mut w);
    let tags = ("<sip:bob@192.0.2.2>", "<sip:bob@192.0.2.2>;tag=b1");
    let log = rfc2543_invite_and_ack(&mut w, (a, b), "rfc2543-invite", StatusCode::NOT_FOUND, tags);
    // The ACK confirmed the transaction (no Timer G retransmission, no Ack
    // event), and Timer I ended it.
    assert_eq!(wire(&w, b), [(1, "SIP/2.0 404 Not Found".into())]);
    assert_eq!(events(&log, b), ev(&[(1, "Request INVITE"), (5101, "Terminated")]));
    assert_empty(&mut w, a, b);
}

#[test]
fn rfc3261_17_2_3_an_rfc_2543_ack_with_another_to_tag_matches_no_transaction() {
    // The ACK must carry the To tag of the response the transaction sent
    // (b1); one with another tag acknowledges some other response (a proxy
    // that forwarded two) and goes to the core: the 404 is still
    // retransmitted until Timer H.
    let mut w = World::new(36);
    let (a, b) = pair(&mut w);
    let tags = ("<sip:bob@192.0.2.2>", "<sip:bob@192.0.2.2>;tag=b2");
    let log = rfc2543_invite_and_ack(&mut w, (a, b), "rfc2543-other-tag", StatusCode::NOT_FOUND, tags);
    assert_eq!(
        sent_at(&w, b, "SIP/2.0 404"),
        [1, 501, 1501, 3501, 7501, 11501, 15501, 19501, 23501, 27501, 31501]
    );
    assert_eq!(
        events(&log, b),
        ev(&[(1, "Request INVITE"), (101, "Ack"), (32_001, "Timeout"), (32_001, "Terminated")])
    );
    assert_empty(&mut w, a, b);
}

#[test]
fn rfc3261_17_2_3_an_rfc_2543_ack_matches_the_transaction_of_an_invite_in_a_dialog() {
    // A re-INVITE carries the dialog's To tag; its ACK, with the same tag,
    // finds it by that tag and confirms it.
    let mut w = World::new(37);
    let (a, b) = pair(&mut w);
    let tags = ("<sip:bob@192.0.2.2>;tag=b1", "<sip:bob@192.0.2.2>;tag=b1");
    let log = rfc2543_invite_and_ack(&mut w, (a, b), "rfc2543-reinvite", StatusCode::REQUEST_PENDING, tags);
    assert_eq!(wire(&w, b), [(1, "SIP/2.0 491 Request Pending".into())]);
    assert_eq!(events(&log, b), ev(&[(1, "Request INVITE"), (5101, "Terminated")]));
    assert_empty(&mut w, a, b);
}

#[test]
fn rfc6026_8_7_an_rfc_2543_ack_for_a_2xx_reaches_the_tu_with_its_transaction() {
    // Without the cookie the ACK of a 2xx matches the INVITE's transaction
    // (same Via, Request-URI, From tag, Call-ID, CSeq number), and in
    // Accepted that transaction passes it up.
    let mut w = World::new(42);
    let (a, b) = pair(&mut w);
    let head = "sip:bob@192.0.2.2 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=oldstyle2\r\n\
Max-Forwards: 70\r\nFrom: <sip:alice@192.0.2.1>;tag=a1\r\nCall-ID: rfc2543-2xx@192.0.2.1\r\n";
    send_raw(
        &mut w,
        a,
        &format!("INVITE {head}To: <sip:bob@192.0.2.2>\r\nCSeq: 9 INVITE\r\nContent-Length: 0\r\n\r\n"),
        b,
    );
    let ids = RefCell::new(Vec::new());
    let uas = |w: &mut World, n: usize, e: &Event| match e {
        Event::Request { transaction, request } => {
            ids.borrow_mut().push(*transaction);
            w.respond(n, *transaction, answer(request.message(), StatusCode::OK)).unwrap();
        }
        Event::Ack { transaction, .. } => ids.borrow_mut().push(transaction.expect("matched")),
        _ => {}
    };
    let mut log = run_to(&mut w, ms(100), uas);
    send_raw(
        &mut w,
        a,
        &format!("ACK {head}To: <sip:bob@192.0.2.2>;tag=b1\r\nCSeq: 9 ACK\r\nContent-Length: 0\r\n\r\n"),
        b,
    );
    log.extend(run_to(&mut w, ms(60_000), uas));
    assert_eq!(
        events(&log, b),
        ev(&[(1, "Request INVITE"), (101, "Ack (in transaction)"), (32_001, "Terminated")])
    );
    let ids = ids.into_inner();
    assert_eq!(ids.len(), 2);
    assert_eq!(ids[0], ids[1]);
    assert_empty(&mut w, a, b);
}

#[test]
fn rfc3261_8_2_2_2_a_proxy_without_merge_detection_sees_both_copies() {
    let mut w = World::new(43);
    let a = w.add(A, |c| c);
    let b = w.add(B, |mut c| {
        c.detect_merged_requests = false;
        c
    });
    let dest = udp(&w, b);
    send(&mut w, a, options("forked"), dest);
    send(&mut w, a, options("forked"), dest);
    let log = run_to(&mut w, ms(60_000), answering);
    assert_eq!(
        events(&log, b),
        ev(&[(1, "Request OPTIONS"), (1, "Request OPTIONS"), (32_001, "Terminated"), (32_001, "Terminated")])
    );
    assert_eq!(w.ep(b).stats().merged, 0);
    assert_empty(&mut w, a, b);
}

// ---- overload and strays ---------------------------------------------------

#[test]
fn rfc3261_21_5_4_a_full_table_answers_503_with_retry_after() {
    let mut w = World::new(36);
    let a = w.add(A, |c| c);
    let b = w.add(B, |mut c| {
        c.max_transactions = 1;
        c.retry_after = 7;
        c
    });
    let dest = udp(&w, b);
    let first = send(&mut w, a, options("full-1"), dest);
    let second = send(&mut w, a, options("full-2"), dest);
    let mut held = None;
    let mut log = run_to(&mut w, ms(100), |_, _, e| {
        if let Event::Request { transaction, request } = e {
            assert!(held.is_none());
            held = Some((*transaction, answer(request.message(), StatusCode::OK)));
        }
    });
    let busy = sent_bytes(&w, b, "SIP/2.0 503");
    assert_eq!(busy.len(), 1);
    assert_eq!(Message::parse(&busy[0]).unwrap().header(HeaderName::RetryAfter), Some(&b"7"[..]));
    assert_eq!(w.ep(b).stats().overloaded, 1);
    assert_eq!(w.ep(b).transaction_count(), 1, "the 503 was stateless");
    // Nor can the full endpoint start a client transaction.
    let (now, to_a) = (w.now, udp(&w, a));
    assert_eq!(w.ep(b).send_request(now, options("from-b"), to_a), Err(EndpointError::TableFull));
    let (id, ok) = held.unwrap();
    w.respond(b, id, ok).unwrap();
    log.extend(idle(&mut w, ms(60_000)));
    let finals: Vec<_> = log
        .iter()
        .filter_map(|(_, n, e)| match e {
            Event::Response { transaction, response } if *n == a => {
                Some((*transaction, response.message().status().unwrap().0))
            }
            _ => None,
        })
        .collect();
    assert_eq!(finals, [(second, 503), (first, 200)]);
    assert_empty(&mut w, a, b);
    let now = w.now;
    assert!(w.ep(b).send_request(now, options("from-b-later"), to_a).is_ok(), "room again after Timer J");
}

#[test]
fn rfc3261_18_1_2_stray_responses_are_dropped_and_counted() {
    let mut w = World::new(37);
    let (a, b) = pair(&mut w);
    let dest = udp(&w, b);
    send(&mut w, a, options("stray"), dest);
    let mut log = run_to(&mut w, ms(10_000), answering);
    assert_eq!(w.ep(a).stats().stray_responses, 0);
    // A late copy of the 200 after Timer K ended the transaction.
    let ok = sent_bytes(&w, b, "SIP/2.0 200")[0].clone();
    send_raw(&mut w, b, std::str::from_utf8(&ok).unwrap(), a);
    // A response for a branch a never used.
    let unknown = String::from_utf8(ok.to_vec()).unwrap().replace(&top_branch(&ok), "z9hG4bKneversent");
    send_raw(&mut w, b, &unknown, a);
    // A response whose top Via is someone else's (§18.1.2).
    let misrouted = String::from_utf8(ok.to_vec()).unwrap().replace("192.0.2.1:5060", "198.51.100.9:5060");
    send_raw(&mut w, b, &misrouted, a);
    log.extend(idle(&mut w, ms(60_000)));
    assert_eq!(w.ep(a).stats().stray_responses, 3);
    assert_eq!(events(&log, a), ev(&[(2, "Response 200 OPTIONS"), (5002, "Terminated")]));
    assert_empty(&mut w, a, b);
}

// ---- the basic flows on a bad network, several seeds ---------------------

fn bad_link() -> LinkConfig {
    LinkConfig::lossy(0.25)
        .with_duplicate(0.15)
        .with_latency(Duration::from_millis(10))
        .with_jitter(Duration::from_millis(40))
}

#[test]
fn rfc3261_17_1_2_non_invite_completes_under_loss_duplication_and_jitter() {
    for seed in 1..=12 {
        let mut w = World::new(seed).with_link(bad_link());
        let (a, b) = pair(&mut w);
        let dest = udp(&w, b);
        let tx = send(&mut w, a, options("lossy-options"), dest);
        let log = run_to(&mut w, ms(120_000), answering);
        let a_saw: Vec<_> = events(&log, a).into_iter().map(|e| e.1).collect();
        assert_eq!(a_saw, ["Response 200 OPTIONS", "Terminated"], "seed {seed}");
        let b_saw: Vec<_> = events(&log, b).into_iter().map(|e| e.1).collect();
        assert_eq!(b_saw, ["Request OPTIONS", "Terminated"], "seed {seed}");
        assert!(
            log.iter()
                .all(|(_, _, e)| !matches!(e, Event::Response { transaction, .. } if *transaction != tx))
        );
        assert_empty(&mut w, a, b);
    }
}

#[test]
fn rfc3261_17_1_1_invite_non_2xx_completes_under_loss_duplication_and_jitter() {
    for seed in 1..=12 {
        let mut w = World::new(seed).with_link(bad_link());
        let (a, b) = pair(&mut w);
        let dest = udp(&w, b);
        send(&mut w, a, invite("lossy-486"), dest);
        let log = run_to(&mut w, ms(120_000), |w, n, e| {
            if let Event::Request { transaction, request } = e {
                w.respond(n, *transaction, answer(request.message(), StatusCode::RINGING)).unwrap();
                w.respond(n, *transaction, answer(request.message(), StatusCode::BUSY_HERE)).unwrap();
            }
        });
        // Every copy of the 180 that arrived in Calling or Proceeding went
        // up; the 486 went up exactly once.
        let a_saw: Vec<_> =
            events(&log, a).into_iter().map(|e| e.1).filter(|e| e != "Response 180 INVITE").collect();
        assert_eq!(a_saw, ["Response 486 INVITE", "Terminated"], "seed {seed}");
        let b_saw: Vec<_> = events(&log, b).into_iter().map(|e| e.1).collect();
        assert_eq!(b_saw, ["Request INVITE", "Terminated"], "seed {seed}: ACKed, no Timer H");
        assert_empty(&mut w, a, b);
    }
}

#[test]
fn rfc6026_invite_2xx_completes_under_loss_duplication_and_jitter() {
    for seed in 1..=12 {
        let mut w = World::new(seed).with_link(bad_link());
        let (a, b) = pair(&mut w);
        let dest = udp(&w, b);
        send(&mut w, a, invite("lossy-200"), dest);
        #[derive(Default)]
        struct St {
            ok: Option<(TransactionId, OwnedMessage, Instant)>,
            acked: bool,
            oks: usize,
        }
        let st = RefCell::new(St::default());
        let tu = |w: &mut World, n: usize, e: &Event| match e {
            Event::Request { transaction, request } => {
                let ok = answer(request.message(), StatusCode::OK);
                w.respond(n, *transaction, ok.clone()).unwrap();
                st.borrow_mut().ok = Some((*transaction, ok, w.now));
            }
            Event::Response { response, .. } => {
                st.borrow_mut().oks += 1;
                let (now, dest) = (w.now, udp(w, b));
                w.ep(a).send_ack(now, ack_for(response.message()), dest).unwrap();
            }
            Event::Ack { .. } => st.borrow_mut().acked = true,
            _ => {}
        };
        let end = ms(120_000);
        let mut log = Log::new();
        let mut t = 0;
        while st.borrow().ok.is_none() && t < 30_000 {
            t += 10;
            log.extend(run_to(&mut w, ms(t), tu));
        }
        // The UAS core retransmits the 2xx (§13.3.1.4): T1 doubling up to
        // T2, until the ACK or for 64·T1.
        let (id, ok, first) = st.borrow().ok.clone().expect("the INVITE got through");
        let (mut at, mut gap) = (first + Duration::from_millis(500), Duration::from_millis(500));
        while !st.borrow().acked && at < first + Duration::from_secs(32) {
            log.extend(run_to(&mut w, at, tu));
            if !st.borrow().acked {
                w.respond(b, id, ok.clone()).unwrap();
            }
            gap = (gap * 2).min(Duration::from_secs(4));
            at += gap;
        }
        log.extend(run_to(&mut w, end, tu));
        let st = st.into_inner();
        assert!(st.acked, "seed {seed}");
        assert!(st.oks >= 1, "seed {seed}");
        let b_saw: Vec<_> = events(&log, b).into_iter().map(|e| e.1).filter(|e| e != "Ack").collect();
        assert_eq!(b_saw, ["Request INVITE", "Terminated"], "seed {seed}");
        assert_eq!(events(&log, a).last().unwrap().1, "Terminated", "seed {seed}");
        assert_empty(&mut w, a, b);
    }
}
