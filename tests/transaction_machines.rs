//! The four transaction state machines against RFC 3261 §17 (Figures 6
//! and 8, Table 4) and RFC 6026 §7–§8 (Figures 5 and 7, Timers L and M).
//!
//! Every state and every transition of those figures has a test named
//! after the section that specifies it; the tests drive the machines
//! through the public API only and check what an owner can observe: the
//! outputs in order, the state, the timer deadlines and the verdicts. The
//! quickcheck properties at the end drive each machine with arbitrary
//! input sequences and check the termination bounds.

use core::time::Duration;

use bytes::Bytes;
use quickcheck::{Arbitrary, Gen, QuickCheck, TestResult};
use sip_proto::Instant;
use sip_proto::message::{HeaderName, Message, Method, StatusCode};
use sip_proto::transaction::{
    ClientInviteTransaction, ClientNonInviteTransaction, IctState, IstState, NictState, NistState, Output,
    ServerInviteTransaction, ServerNonInviteTransaction, Timer, TimerConfig, TransactionError, Verdict,
};

// ---------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------

/// The driving contract the four machines share.
trait Machine {
    fn poll_output(&mut self) -> Option<Output>;
    fn poll_timeout(&self) -> Option<Instant>;
    fn handle_timeout(&mut self, now: Instant);
    fn is_terminated(&self) -> bool;
}

macro_rules! machine {
    ($($t:ty),*) => {$(
        impl Machine for $t {
            fn poll_output(&mut self) -> Option<Output> {
                <$t>::poll_output(self)
            }
            fn poll_timeout(&self) -> Option<Instant> {
                <$t>::poll_timeout(self)
            }
            fn handle_timeout(&mut self, now: Instant) {
                <$t>::handle_timeout(self, now)
            }
            fn is_terminated(&self) -> bool {
                <$t>::is_terminated(self)
            }
        }
    )*};
}

machine!(
    ClientInviteTransaction,
    ClientNonInviteTransaction,
    ServerInviteTransaction,
    ServerNonInviteTransaction
);

fn ms(n: u64) -> Instant {
    Instant::from_millis(n)
}

fn drain(m: &mut impl Machine) -> Vec<Output> {
    let mut v = Vec::new();
    while let Some(o) = m.poll_output() {
        v.push(o);
    }
    v
}

/// Advances to the next deadline, fires it and drains the outputs.
fn fire(m: &mut impl Machine) -> (Instant, Vec<Output>) {
    let t = m.poll_timeout().expect("a timer is running");
    m.handle_timeout(t);
    (t, drain(m))
}

/// Fires timers at `now` and drains.
fn fire_at(m: &mut impl Machine, now: Instant) -> Vec<Output> {
    m.handle_timeout(now);
    drain(m)
}

fn tx(b: &Bytes) -> Output {
    Output::Transmit(b.clone())
}

fn transmitted(outs: &[Output]) -> Vec<Bytes> {
    outs.iter()
        .filter_map(|o| match o {
            Output::Transmit(b) => Some(b.clone()),
            _ => None,
        })
        .collect()
}

/// Fires every timer until none is left, returning (time, outputs) of each.
fn run_out(m: &mut impl Machine) -> Vec<(Instant, Vec<Output>)> {
    let mut steps = Vec::new();
    while m.poll_timeout().is_some() {
        steps.push(fire(m));
        assert!(steps.len() < 1000, "timers never stop");
    }
    steps
}

const CUSTOM: TimerConfig = TimerConfig {
    t1: Duration::from_millis(100),
    t2: Duration::from_millis(300),
    t4: Duration::from_millis(1000),
    timer_d: Duration::from_secs(10),
    trying_delay: Duration::from_millis(50),
};

// ---------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------

/// An INVITE as a proxy's client transaction sends it: its own Via on top
/// of the UAC's, and a route set.
const CLIENT_INVITE: &str = "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n\
Via: SIP/2.0/UDP proxy.atlanta.example.com;branch=z9hG4bK2d4790.1\r\n\
Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8;received=192.0.2.101\r\n\
Route: <sip:p1.example.com;lr>\r\n\
Route: <sip:p2.example.com;lr>, <sip:p3.example.com;lr>\r\n\
Max-Forwards: 69\r\n\
To: Bob <sip:bob@biloxi.example.com>\r\n\
From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n\
CSeq: 314159 INVITE\r\n\
Contact: <sip:alice@pc33.atlanta.example.com>\r\n\
Content-Type: application/sdp\r\n\
Content-Length: 4\r\n\
\r\n\
v=0\n";

/// An INVITE as a UAS's server transaction receives it.
const SERVER_INVITE: &str = "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n\
Via: SIP/2.0/UDP bigbox3.site3.atlanta.example.com;branch=z9hG4bK77ef4c2312983.1;received=192.0.2.2\r\n\
Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8;received=192.0.2.1\r\n\
Max-Forwards: 69\r\n\
To: Bob <sip:bob@biloxi.example.com>\r\n\
From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n\
CSeq: 314159 INVITE\r\n\
Timestamp: 54\r\n\
Contact: <sip:alice@pc33.atlanta.example.com>\r\n\
Content-Length: 0\r\n\
\r\n";

const REGISTER: &str = "REGISTER sip:registrar.biloxi.example.com SIP/2.0\r\n\
Via: SIP/2.0/UDP bobspc.biloxi.example.com:5060;branch=z9hG4bKnashds7\r\n\
Max-Forwards: 70\r\n\
To: Bob <sip:bob@biloxi.example.com>\r\n\
From: Bob <sip:bob@biloxi.example.com>;tag=456248\r\n\
Call-ID: 843817637684230@998sdasdh09\r\n\
CSeq: 1826 REGISTER\r\n\
Contact: <sip:bob@192.0.2.4>\r\n\
Expires: 7200\r\n\
Content-Length: 0\r\n\
\r\n";

fn client_invite() -> Bytes {
    Bytes::from_static(CLIENT_INVITE.as_bytes())
}

fn server_invite() -> Bytes {
    Bytes::from_static(SERVER_INVITE.as_bytes())
}

fn register() -> Bytes {
    Bytes::from_static(REGISTER.as_bytes())
}

/// A response to `request` with `code`, carrying `to_tag` in its To.
fn response_text(request: &str, code: u16, to_tag: Option<&str>) -> String {
    let req = Message::parse(request.as_bytes()).unwrap();
    let mut s = format!("SIP/2.0 {code} {}\r\n", StatusCode(code).canonical_reason());
    for v in req.header_all(HeaderName::Via) {
        s += &format!("Via: {}\r\n", std::str::from_utf8(v).unwrap());
    }
    let field = |n| std::str::from_utf8(req.header(n).unwrap()).unwrap();
    s += &format!("To: {}", field(HeaderName::To));
    if let Some(tag) = to_tag {
        s += &format!(";tag={tag}");
    }
    s += &format!(
        "\r\nFrom: {}\r\nCall-ID: {}\r\nCSeq: {}\r\nContent-Length: 0\r\n\r\n",
        field(HeaderName::From),
        field(HeaderName::CallId),
        field(HeaderName::CSeq)
    );
    s
}

/// A response to the client INVITE, as bytes for a server's TU to send
/// or to be parsed as a received response.
fn invite_response(code: u16, to_tag: Option<&str>) -> String {
    response_text(CLIENT_INVITE, code, to_tag)
}

/// What a UAS's TU passes to its server transaction.
fn uas_response(code: u16) -> Bytes {
    let tag = (code != 100).then_some("a6c85cf");
    Bytes::from(response_text(SERVER_INVITE, code, tag))
}

fn register_response(code: u16) -> String {
    response_text(REGISTER, code, (code != 100).then_some("x8f3a"))
}

/// The ACK the UAC sends for a non-2xx (or, within a new transaction, a
/// 2xx) final response to [`SERVER_INVITE`]: same branch, method ACK.
const SERVER_ACK: &str = "ACK sip:bob@biloxi.example.com SIP/2.0\r\n\
Via: SIP/2.0/UDP bigbox3.site3.atlanta.example.com;branch=z9hG4bK77ef4c2312983.1;received=192.0.2.2\r\n\
Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8;received=192.0.2.1\r\n\
Max-Forwards: 70\r\n\
To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\r\n\
From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n\
CSeq: 314159 ACK\r\n\
Content-Length: 0\r\n\
\r\n";

fn ict_receive(ict: &mut ClientInviteTransaction, now: Instant, code: u16, to_tag: Option<&str>) -> Verdict {
    let text = invite_response(code, to_tag);
    let msg = Message::parse(text.as_bytes()).unwrap();
    ict.handle_response(now, &msg)
}

fn nict_receive(nict: &mut ClientNonInviteTransaction, now: Instant, code: u16) -> Verdict {
    let text = register_response(code);
    let msg = Message::parse(text.as_bytes()).unwrap();
    nict.handle_response(now, &msg)
}

fn ist_invite(ist: &mut ServerInviteTransaction, now: Instant) -> Verdict {
    ist.handle_request(now, &Message::parse(SERVER_INVITE.as_bytes()).unwrap())
}

fn ist_ack(ist: &mut ServerInviteTransaction, now: Instant) -> Verdict {
    ist.handle_request(now, &Message::parse(SERVER_ACK.as_bytes()).unwrap())
}

fn ist_send(ist: &mut ServerInviteTransaction, now: Instant, code: u16) -> Result<Bytes, TransactionError> {
    let r = uas_response(code);
    ist.send_response(now, StatusCode(code), r.clone()).map(|()| r)
}

fn nist_send(
    nist: &mut ServerNonInviteTransaction,
    now: Instant,
    code: u16,
) -> Result<Bytes, TransactionError> {
    let r = Bytes::from(register_response(code));
    nist.send_response(now, StatusCode(code), r.clone()).map(|()| r)
}

fn gaps_ms(times: &[Instant], start: Instant) -> Vec<u64> {
    let mut last = start;
    times
        .iter()
        .map(|&t| {
            let g = (t - last).as_millis() as u64;
            last = t;
            g
        })
        .collect()
}

// ---------------------------------------------------------------------------
// INVITE client transaction: RFC 3261 §17.1.1, RFC 6026 §8.4 Figure 5
// ---------------------------------------------------------------------------

#[test]
fn rfc3261_17_1_1_2_calling_sends_invite_and_starts_timers_a_and_b() {
    let t0 = ms(1_000);
    let mut ict = ClientInviteTransaction::new(t0, client_invite(), false, TimerConfig::RFC3261);
    assert_eq!(ict.state(), IctState::Calling);
    assert_eq!(drain(&mut ict), [tx(&client_invite())]);
    assert_eq!(ict.timer(Timer::A), Some(t0 + Duration::from_millis(500)));
    assert_eq!(ict.timer(Timer::B), Some(t0 + Duration::from_secs(32)));
    assert_eq!(ict.poll_timeout(), Some(ms(1_500)));
    // Nothing fires before its deadline.
    assert_eq!(fire_at(&mut ict, ms(1_499)), []);
    assert_eq!(ict.state(), IctState::Calling);
}

#[test]
fn rfc3261_17_1_1_2_timer_a_doubles_from_t1_until_timer_b() {
    let invite = client_invite();
    let mut ict = ClientInviteTransaction::new(ms(0), invite.clone(), false, TimerConfig::RFC3261);
    assert_eq!(drain(&mut ict), [tx(&invite)]);
    let mut retransmits = Vec::new();
    loop {
        let a = ict.timer(Timer::A);
        let (t, out) = fire(&mut ict);
        if t == ms(32_000) {
            // §17.1.1.2: Timer B in Calling: inform the TU, no ACK.
            assert_eq!(out, [Output::Timeout, Output::Terminated]);
            break;
        }
        assert_eq!(a, Some(t), "only Timer A fires before B");
        assert_eq!(out, [tx(&invite)]);
        assert_eq!(ict.state(), IctState::Calling);
        retransmits.push(t);
    }
    // 500 ms, 1 s, 2 s, 4 s, 8 s, 16 s: seven requests in 64·T1.
    assert_eq!(gaps_ms(&retransmits, ms(0)), [500, 1000, 2000, 4000, 8000, 16000]);
    assert_eq!(ict.state(), IctState::Terminated);
    assert!(ict.is_terminated());
    assert_eq!(ict.poll_timeout(), None);
    assert_eq!(fire_at(&mut ict, ms(1_000_000)), []);
}

#[test]
fn rfc3261_17_1_1_2_reliable_transport_has_no_timer_a_only_timer_b() {
    let invite = client_invite();
    let mut ict = ClientInviteTransaction::new(ms(0), invite.clone(), true, TimerConfig::RFC3261);
    assert_eq!(drain(&mut ict), [tx(&invite)]);
    assert_eq!(ict.timer(Timer::A), None);
    assert_eq!(ict.timer(Timer::B), Some(ms(32_000)));
    let (t, out) = fire(&mut ict);
    assert_eq!(t, ms(32_000));
    assert_eq!(out, [Output::Timeout, Output::Terminated]);
    assert!(ict.is_terminated());
}

#[test]
fn rfc3261_17_1_1_2_provisional_moves_to_proceeding_and_stops_retransmissions() {
    let invite = client_invite();
    let mut ict = ClientInviteTransaction::new(ms(0), invite.clone(), false, TimerConfig::RFC3261);
    drain(&mut ict);
    assert_eq!(fire(&mut ict).1, [tx(&invite)]); // Timer A at 500 ms
    assert_eq!(ict_receive(&mut ict, ms(700), 100, None), Verdict::ToTransactionUser);
    assert_eq!(ict.state(), IctState::Proceeding);
    assert_eq!(drain(&mut ict), []);
    assert_eq!(ict.timer(Timer::A), None, "SHOULD NOT retransmit in Proceeding");
    // Timer B only bounds Calling: Proceeding waits for the final response.
    assert_eq!(ict.timer(Timer::B), None);
    assert_eq!(ict.poll_timeout(), None);
    assert_eq!(fire_at(&mut ict, ms(100_000)), []);
    assert_eq!(ict.state(), IctState::Proceeding);
}

#[test]
fn rfc3261_17_1_1_2_every_provisional_in_proceeding_goes_to_tu() {
    let mut ict = ClientInviteTransaction::new(ms(0), client_invite(), false, TimerConfig::RFC3261);
    drain(&mut ict);
    for (i, code) in [180, 180, 183, 181, 199].into_iter().enumerate() {
        let v = ict_receive(&mut ict, ms(100 * i as u64), code, Some("dlg1"));
        assert_eq!(v, Verdict::ToTransactionUser, "{code}");
        assert_eq!(ict.state(), IctState::Proceeding);
        assert_eq!(drain(&mut ict), []);
    }
}

#[test]
fn rfc3261_17_1_1_3_ack_for_non_2xx_is_built_from_request_and_response() {
    let mut ict = ClientInviteTransaction::new(ms(0), client_invite(), false, TimerConfig::RFC3261);
    drain(&mut ict);
    let text = invite_response(486, Some("8321234356"));
    let resp = Message::parse(text.as_bytes()).unwrap();
    assert_eq!(ict.handle_response(ms(10), &resp), Verdict::ToTransactionUser);
    let out = drain(&mut ict);
    assert_eq!(out.len(), 1);
    let ack = transmitted(&out).remove(0);
    let ack = Message::parse(&ack).expect("the ACK parses");
    let req = Message::parse(CLIENT_INVITE.as_bytes()).unwrap();

    let line = ack.request().expect("a request");
    assert_eq!(line.method, Method::Ack);
    assert_eq!(line.raw_uri, req.request().unwrap().raw_uri, "Request-URI of the original request");
    // A single Via, equal to the top Via of the original request.
    assert_eq!(
        ack.header_values(HeaderName::Via).collect::<Vec<_>>(),
        [req.header_values(HeaderName::Via).next().unwrap()]
    );
    assert_eq!(ack.header_field_count(HeaderName::Via), 1);
    assert_eq!(ack.top_via().unwrap().branch(), Some("z9hG4bK2d4790.1"));
    // Route fields copied (all of them, in order).
    assert_eq!(
        ack.header_values(HeaderName::Route).collect::<Vec<_>>(),
        req.header_values(HeaderName::Route).collect::<Vec<_>>()
    );
    assert_eq!(ack.header_values(HeaderName::Route).count(), 3);
    assert_eq!(ack.header(HeaderName::From), req.header(HeaderName::From));
    assert_eq!(ack.header(HeaderName::To), resp.header(HeaderName::To), "To of the response, with its tag");
    assert_eq!(ack.to().unwrap().tag(), Some("8321234356"));
    assert_eq!(ack.call_id().unwrap(), req.call_id().unwrap());
    let cseq = ack.cseq().unwrap();
    assert_eq!((cseq.seq, cseq.method), (314159, Method::Ack));
    assert!(ack.header(HeaderName::MaxForwards).is_some(), "§8.1.1.6: Max-Forwards");
    assert_eq!(ack.body(), b"", "a body in an ACK for a non-2xx is NOT RECOMMENDED");
}

#[test]
fn rfc3261_17_1_1_3_ack_has_only_the_top_via_of_a_comma_joined_via_list() {
    let joined = CLIENT_INVITE.replace("branch=z9hG4bK2d4790.1\r\nVia: ", "branch=z9hG4bK2d4790.1 , ");
    assert_eq!(Message::parse(joined.as_bytes()).unwrap().header_field_count(HeaderName::Via), 1);
    let mut ict = ClientInviteTransaction::new(ms(0), Bytes::from(joined), false, TimerConfig::RFC3261);
    drain(&mut ict);
    let _ = ict_receive(&mut ict, ms(10), 404, Some("t"));
    let ack = transmitted(&drain(&mut ict)).remove(0);
    let ack = Message::parse(&ack).unwrap();
    let vias: Vec<_> = ack.header_values(HeaderName::Via).collect();
    assert_eq!(vias, [&b"SIP/2.0/UDP proxy.atlanta.example.com;branch=z9hG4bK2d4790.1"[..]]);
}

#[test]
fn rfc6026_8_4_non_2xx_final_in_calling_acks_and_enters_completed_with_timer_d() {
    let mut ict = ClientInviteTransaction::new(ms(0), client_invite(), false, TimerConfig::RFC3261);
    drain(&mut ict);
    assert_eq!(ict_receive(&mut ict, ms(300), 404, Some("t")), Verdict::ToTransactionUser);
    assert_eq!(ict.state(), IctState::Completed);
    let out = drain(&mut ict);
    assert_eq!(out.len(), 1);
    assert!(Message::parse(&transmitted(&out)[0]).unwrap().method() == Some(Method::Ack));
    assert_eq!(ict.timer(Timer::A), None);
    assert_eq!(ict.timer(Timer::B), None);
    // At least 32 s on an unreliable transport.
    assert_eq!(ict.timer(Timer::D), Some(ms(32_300)));
    assert_eq!(ict.poll_timeout(), Some(ms(32_300)));
}

#[test]
fn rfc6026_8_4_non_2xx_final_in_proceeding_acks_and_enters_completed() {
    for code in [300, 302, 401, 487, 500, 503, 600, 603, 699] {
        let mut ict = ClientInviteTransaction::new(ms(0), client_invite(), false, TimerConfig::RFC3261);
        drain(&mut ict);
        assert_eq!(ict_receive(&mut ict, ms(100), 180, Some("t")), Verdict::ToTransactionUser);
        assert_eq!(ict_receive(&mut ict, ms(5_000), code, Some("t")), Verdict::ToTransactionUser);
        assert_eq!(ict.state(), IctState::Completed, "{code}");
        let acks = transmitted(&drain(&mut ict));
        assert_eq!(acks.len(), 1);
        assert_eq!(Message::parse(&acks[0]).unwrap().method(), Some(Method::Ack));
        assert_eq!(ict.timer(Timer::D), Some(ms(37_000)));
    }
}

#[test]
fn rfc6026_8_4_completed_resends_ack_for_retransmitted_final_and_absorbs_it() {
    let mut ict = ClientInviteTransaction::new(ms(0), client_invite(), false, TimerConfig::RFC3261);
    drain(&mut ict);
    let _ = ict_receive(&mut ict, ms(100), 486, Some("t"));
    let ack = transmitted(&drain(&mut ict)).remove(0);
    for i in 1..=3 {
        assert_eq!(ict_receive(&mut ict, ms(100 + 500 * i), 486, Some("t")), Verdict::Absorbed);
        assert_eq!(drain(&mut ict), [tx(&ack)], "the same ACK again");
        assert_eq!(ict.state(), IctState::Completed);
    }
    // Any 300–699 matching the transaction is a retransmission (§17.1.3).
    assert_eq!(ict_receive(&mut ict, ms(3_000), 503, Some("t")), Verdict::Absorbed);
    assert_eq!(drain(&mut ict), [tx(&ack)]);
    // No transition for 1xx or 2xx in Completed: absorbed, nothing sent.
    assert_eq!(ict_receive(&mut ict, ms(3_100), 180, Some("t")), Verdict::Absorbed);
    assert_eq!(ict_receive(&mut ict, ms(3_200), 200, Some("u")), Verdict::Absorbed);
    assert_eq!(drain(&mut ict), []);
    assert_eq!(ict.state(), IctState::Completed);
    assert_eq!(ict.timer(Timer::D), Some(ms(32_100)), "retransmissions do not restart Timer D");
}

#[test]
fn rfc6026_8_4_timer_d_fires_completed_to_terminated() {
    let mut ict = ClientInviteTransaction::new(ms(0), client_invite(), false, TimerConfig::RFC3261);
    drain(&mut ict);
    let _ = ict_receive(&mut ict, ms(100), 603, Some("t"));
    drain(&mut ict);
    assert_eq!(fire_at(&mut ict, ms(32_099)), []);
    let (t, out) = fire(&mut ict);
    assert_eq!(t, ms(32_100));
    assert_eq!(out, [Output::Terminated], "Timer D: no action but termination");
    assert!(ict.is_terminated());
    assert_eq!(ict_receive(&mut ict, ms(32_200), 603, Some("t")), Verdict::Absorbed);
    assert_eq!(drain(&mut ict), [], "no ACK once terminated");
}

#[test]
fn rfc6026_8_4_timer_d_is_zero_on_reliable_transport() {
    let mut ict = ClientInviteTransaction::new(ms(0), client_invite(), true, TimerConfig::RFC3261);
    drain(&mut ict);
    assert_eq!(ict_receive(&mut ict, ms(100), 486, Some("t")), Verdict::ToTransactionUser);
    let out = drain(&mut ict);
    // The ACK is generated even on a reliable transport, then Terminated.
    assert_eq!(out.len(), 2);
    assert_eq!(Message::parse(&transmitted(&out)[0]).unwrap().method(), Some(Method::Ack));
    assert_eq!(out[1], Output::Terminated);
    assert_eq!(ict.state(), IctState::Terminated);
    assert_eq!(ict.poll_timeout(), None);
}

#[test]
fn rfc6026_8_4_2xx_in_calling_enters_accepted_without_ack() {
    let mut ict = ClientInviteTransaction::new(ms(0), client_invite(), false, TimerConfig::RFC3261);
    drain(&mut ict);
    assert_eq!(ict_receive(&mut ict, ms(200), 200, Some("t")), Verdict::ToTransactionUser);
    assert_eq!(ict.state(), IctState::Accepted);
    assert_eq!(drain(&mut ict), [], "MUST NOT generate an ACK to a 2xx");
    assert_eq!(ict.timer(Timer::A), None);
    assert_eq!(ict.timer(Timer::B), None);
    assert_eq!(ict.timer(Timer::M), Some(ms(200 + 32_000)));
    assert_eq!(ict.poll_timeout(), Some(ms(32_200)));
}

#[test]
fn rfc6026_8_4_2xx_in_proceeding_enters_accepted_without_ack() {
    let mut ict = ClientInviteTransaction::new(ms(0), client_invite(), true, TimerConfig::RFC3261);
    drain(&mut ict);
    let _ = ict_receive(&mut ict, ms(50), 100, None);
    let _ = ict_receive(&mut ict, ms(60), 180, Some("t"));
    assert_eq!(ict_receive(&mut ict, ms(9_000), 202, Some("t")), Verdict::ToTransactionUser);
    assert_eq!(ict.state(), IctState::Accepted);
    assert_eq!(drain(&mut ict), []);
    // Timer M is 64·T1 on every transport.
    assert_eq!(ict.timer(Timer::M), Some(ms(41_000)));
}

#[test]
fn rfc6026_8_4_accepted_passes_every_2xx_to_tu_and_absorbs_the_rest() {
    let mut ict = ClientInviteTransaction::new(ms(0), client_invite(), false, TimerConfig::RFC3261);
    drain(&mut ict);
    let _ = ict_receive(&mut ict, ms(100), 200, Some("fork1"));
    // Retransmissions of the 2xx and 2xx from other forks: all to the TU.
    for (i, tag) in ["fork1", "fork2", "fork1", "fork3"].into_iter().enumerate() {
        let v = ict_receive(&mut ict, ms(600 + 500 * i as u64), 200, Some(tag));
        assert_eq!(v, Verdict::ToTransactionUser);
        assert_eq!(drain(&mut ict), [], "no ACK, no action");
        assert_eq!(ict.state(), IctState::Accepted);
    }
    // A late 1xx or non-2xx final has no transition in Accepted.
    assert_eq!(ict_receive(&mut ict, ms(5_000), 180, Some("fork4")), Verdict::Absorbed);
    assert_eq!(ict_receive(&mut ict, ms(5_000), 486, Some("fork5")), Verdict::Absorbed);
    assert_eq!(drain(&mut ict), [], "no ACK for a non-2xx after a 2xx");
    assert_eq!(ict.state(), IctState::Accepted);
    assert_eq!(ict.timer(Timer::M), Some(ms(32_100)), "2xx do not restart Timer M");
}

#[test]
fn rfc6026_8_4_timer_m_fires_accepted_to_terminated() {
    let mut ict = ClientInviteTransaction::new(ms(0), client_invite(), false, TimerConfig::RFC3261);
    drain(&mut ict);
    let _ = ict_receive(&mut ict, ms(100), 200, Some("t"));
    assert_eq!(fire_at(&mut ict, ms(32_099)), []);
    assert_eq!(fire(&mut ict), (ms(32_100), vec![Output::Terminated]));
    assert!(ict.is_terminated());
    assert_eq!(ict_receive(&mut ict, ms(32_200), 200, Some("t")), Verdict::Absorbed);
}

#[test]
fn rfc3261_17_1_4_transport_error_in_calling_informs_tu_and_terminates() {
    let mut ict = ClientInviteTransaction::new(ms(0), client_invite(), false, TimerConfig::RFC3261);
    drain(&mut ict);
    ict.handle_transport_error(ms(1));
    assert_eq!(drain(&mut ict), [Output::TransportError, Output::Terminated]);
    assert!(ict.is_terminated());
    assert_eq!(ict.poll_timeout(), None, "no more retransmissions");
    ict.handle_transport_error(ms(2));
    assert_eq!(drain(&mut ict), [], "Terminated is reported once");
}

#[test]
fn rfc3261_17_1_4_transport_error_in_proceeding_informs_tu_and_terminates() {
    let mut ict = ClientInviteTransaction::new(ms(0), client_invite(), true, TimerConfig::RFC3261);
    drain(&mut ict);
    let _ = ict_receive(&mut ict, ms(10), 180, Some("t"));
    ict.handle_transport_error(ms(20));
    assert_eq!(drain(&mut ict), [Output::TransportError, Output::Terminated]);
    assert!(ict.is_terminated());
}

#[test]
fn rfc6026_figure5_transport_error_in_completed_informs_tu_and_terminates() {
    let mut ict = ClientInviteTransaction::new(ms(0), client_invite(), false, TimerConfig::RFC3261);
    drain(&mut ict);
    let _ = ict_receive(&mut ict, ms(10), 500, Some("t"));
    drain(&mut ict);
    ict.handle_transport_error(ms(20));
    assert_eq!(drain(&mut ict), [Output::TransportError, Output::Terminated]);
    assert!(ict.is_terminated());
    assert_eq!(ict.poll_timeout(), None);
}

#[test]
fn rfc6026_figure5_accepted_has_no_transport_error_transition() {
    // The transaction sends nothing in Accepted (the ACK for a 2xx is the
    // TU's own transaction), so it stays to pass 2xx on until Timer M.
    let mut ict = ClientInviteTransaction::new(ms(0), client_invite(), false, TimerConfig::RFC3261);
    drain(&mut ict);
    let _ = ict_receive(&mut ict, ms(10), 200, Some("t"));
    ict.handle_transport_error(ms(20));
    assert_eq!(drain(&mut ict), []);
    assert_eq!(ict.state(), IctState::Accepted);
    assert_eq!(ict_receive(&mut ict, ms(30), 200, Some("t")), Verdict::ToTransactionUser);
    assert_eq!(ict.timer(Timer::M), Some(ms(32_010)));
}

#[test]
fn rfc3261_17_1_1_1_ict_uses_the_configured_t1_and_timer_d() {
    let invite = client_invite();
    let mut ict = ClientInviteTransaction::new(ms(0), invite.clone(), false, CUSTOM);
    drain(&mut ict);
    assert_eq!(ict.timer(Timer::B), Some(ms(6_400)), "64·T1");
    let steps = run_out(&mut ict);
    let (retransmits, last) = steps.split_at(steps.len() - 1);
    assert!(retransmits.iter().all(|(_, o)| o == &[tx(&invite)]));
    let times: Vec<_> = retransmits.iter().map(|s| s.0).collect();
    // Timer A doubles without a cap (T2 does not apply to INVITE).
    assert_eq!(gaps_ms(&times, ms(0)), [100, 200, 400, 800, 1600, 3200]);
    assert_eq!(last[0], (ms(6_400), vec![Output::Timeout, Output::Terminated]));

    let mut ict = ClientInviteTransaction::new(ms(0), invite.clone(), false, CUSTOM);
    let _ = ict_receive(&mut ict, ms(50), 486, Some("t"));
    assert_eq!(ict.timer(Timer::D), Some(ms(10_050)), "the configured Timer D");
    let mut ict = ClientInviteTransaction::new(ms(0), invite, false, CUSTOM);
    let _ = ict_receive(&mut ict, ms(50), 200, Some("t"));
    assert_eq!(ict.timer(Timer::M), Some(ms(6_450)), "Timer M = 64·T1");
}

// ---------------------------------------------------------------------------
// Non-INVITE client transaction: RFC 3261 §17.1.2, Figure 6
// ---------------------------------------------------------------------------

#[test]
fn rfc3261_17_1_2_2_trying_sends_request_and_starts_timers_e_and_f() {
    let mut nict = ClientNonInviteTransaction::new(ms(7), register(), false, TimerConfig::RFC3261);
    assert_eq!(nict.state(), NictState::Trying);
    assert_eq!(drain(&mut nict), [tx(&register())]);
    assert_eq!(nict.timer(Timer::E), Some(ms(507)));
    assert_eq!(nict.timer(Timer::F), Some(ms(32_007)));
}

#[test]
fn rfc3261_17_1_2_2_timer_e_doubles_capped_at_t2_until_timer_f() {
    let req = register();
    let mut nict = ClientNonInviteTransaction::new(ms(0), req.clone(), false, TimerConfig::RFC3261);
    drain(&mut nict);
    let steps = run_out(&mut nict);
    let (retransmits, last) = steps.split_at(steps.len() - 1);
    assert!(retransmits.iter().all(|(_, o)| o == &[tx(&req)]));
    let times: Vec<_> = retransmits.iter().map(|s| s.0).collect();
    // 500 ms, 1 s, 2 s, 4 s, 4 s, 4 s, ...
    assert_eq!(gaps_ms(&times, ms(0)), [500, 1000, 2000, 4000, 4000, 4000, 4000, 4000, 4000, 4000]);
    // §17.1.2.2: Timer F in Trying: inform the TU, Terminated.
    assert_eq!(last[0], (ms(32_000), vec![Output::Timeout, Output::Terminated]));
    assert_eq!(nict.state(), NictState::Terminated);
}

#[test]
fn rfc3261_17_1_2_2_provisional_moves_to_proceeding_and_timer_e_continues_at_t2() {
    let req = register();
    let mut nict = ClientNonInviteTransaction::new(ms(0), req.clone(), false, TimerConfig::RFC3261);
    drain(&mut nict);
    assert_eq!(fire(&mut nict), (ms(500), vec![tx(&req)])); // next E at 1.5 s
    assert_eq!(nict_receive(&mut nict, ms(600), 100), Verdict::ToTransactionUser);
    assert_eq!(nict.state(), NictState::Proceeding);
    assert_eq!(drain(&mut nict), []);
    // The running Timer E is left alone; when it fires it is reset to T2.
    assert_eq!(nict.timer(Timer::E), Some(ms(1_500)));
    assert_eq!(nict.timer(Timer::F), Some(ms(32_000)), "Timer F still runs in Proceeding");
    let mut times = Vec::new();
    for _ in 0..4 {
        let (t, out) = fire(&mut nict);
        assert_eq!(out, [tx(&req)]);
        assert_eq!(nict.state(), NictState::Proceeding);
        times.push(t);
    }
    assert_eq!(gaps_ms(&times, ms(500)), [1000, 4000, 4000, 4000]);
}

#[test]
fn rfc3261_17_1_2_2_provisional_after_backoff_resets_timer_e_to_t2_in_proceeding() {
    // A 1xx while the Trying interval is still short: the next E in
    // Proceeding is T2, not the Trying doubling.
    let req = register();
    let mut nict = ClientNonInviteTransaction::new(ms(0), req.clone(), false, CUSTOM);
    drain(&mut nict);
    let _ = nict_receive(&mut nict, ms(10), 180);
    let (t1, _) = fire(&mut nict);
    let (t2, _) = fire(&mut nict);
    assert_eq!((t1, t2), (ms(100), ms(400)), "T1 first, then T2 = 300 ms");
}

#[test]
fn rfc3261_17_1_2_2_every_provisional_in_proceeding_goes_to_tu() {
    let mut nict = ClientNonInviteTransaction::new(ms(0), register(), true, TimerConfig::RFC3261);
    drain(&mut nict);
    for code in [100, 180, 183, 100] {
        assert_eq!(nict_receive(&mut nict, ms(10), code), Verdict::ToTransactionUser);
        assert_eq!(nict.state(), NictState::Proceeding);
    }
    assert_eq!(drain(&mut nict), []);
}

#[test]
fn rfc3261_17_1_2_2_timer_f_in_proceeding_informs_tu_and_terminates() {
    let mut nict = ClientNonInviteTransaction::new(ms(0), register(), false, TimerConfig::RFC3261);
    drain(&mut nict);
    let _ = nict_receive(&mut nict, ms(100), 100);
    let steps = run_out(&mut nict);
    assert_eq!(steps.last().unwrap(), &(ms(32_000), vec![Output::Timeout, Output::Terminated]));
    assert!(nict.is_terminated());
}

#[test]
fn rfc3261_17_1_2_2_final_in_trying_enters_completed_with_timer_k_t4() {
    for code in [200, 202, 301, 404, 500, 603] {
        let mut nict = ClientNonInviteTransaction::new(ms(0), register(), false, TimerConfig::RFC3261);
        drain(&mut nict);
        assert_eq!(nict_receive(&mut nict, ms(250), code), Verdict::ToTransactionUser);
        assert_eq!(nict.state(), NictState::Completed, "{code}");
        assert_eq!(drain(&mut nict), []);
        assert_eq!(nict.timer(Timer::E), None, "no retransmissions in Completed");
        assert_eq!(nict.timer(Timer::F), None);
        assert_eq!(nict.timer(Timer::K), Some(ms(5_250)));
        assert_eq!(fire_at(&mut nict, ms(5_249)), []);
        assert_eq!(fire(&mut nict), (ms(5_250), vec![Output::Terminated]));
        assert!(nict.is_terminated());
    }
}

#[test]
fn rfc3261_17_1_2_2_final_in_proceeding_enters_completed() {
    let mut nict = ClientNonInviteTransaction::new(ms(0), register(), false, TimerConfig::RFC3261);
    drain(&mut nict);
    let _ = nict_receive(&mut nict, ms(100), 100);
    assert_eq!(nict_receive(&mut nict, ms(8_000), 200), Verdict::ToTransactionUser);
    assert_eq!(nict.state(), NictState::Completed);
    assert_eq!(nict.timer(Timer::K), Some(ms(13_000)));
    assert_eq!(nict.poll_timeout(), Some(ms(13_000)));
}

#[test]
fn rfc3261_17_1_2_2_completed_absorbs_response_retransmissions() {
    let mut nict = ClientNonInviteTransaction::new(ms(0), register(), false, TimerConfig::RFC3261);
    drain(&mut nict);
    let _ = nict_receive(&mut nict, ms(100), 200);
    for code in [200, 200, 100, 404] {
        assert_eq!(nict_receive(&mut nict, ms(1_000), code), Verdict::Absorbed);
        assert_eq!(drain(&mut nict), []);
        assert_eq!(nict.state(), NictState::Completed);
    }
    assert_eq!(nict.timer(Timer::K), Some(ms(5_100)));
    // Nothing is sent in Completed, so there is no transport error to act on.
    nict.handle_transport_error(ms(1_000));
    assert_eq!(drain(&mut nict), []);
    assert_eq!(nict.state(), NictState::Completed);
}

#[test]
fn rfc3261_17_1_2_2_reliable_transport_has_no_timer_e_and_timer_k_zero() {
    let req = register();
    let mut nict = ClientNonInviteTransaction::new(ms(0), req.clone(), true, TimerConfig::RFC3261);
    assert_eq!(drain(&mut nict), [tx(&req)]);
    assert_eq!(nict.timer(Timer::E), None);
    assert_eq!(nict.timer(Timer::F), Some(ms(32_000)));
    assert_eq!(nict_receive(&mut nict, ms(100), 200), Verdict::ToTransactionUser);
    assert_eq!(drain(&mut nict), [Output::Terminated], "Timer K is zero: terminated at once");
    assert!(nict.is_terminated());
    assert_eq!(nict.poll_timeout(), None);
}

#[test]
fn rfc3261_17_1_4_nict_transport_error_informs_tu_and_terminates() {
    for provisional in [false, true] {
        let mut nict = ClientNonInviteTransaction::new(ms(0), register(), false, TimerConfig::RFC3261);
        drain(&mut nict);
        if provisional {
            let _ = nict_receive(&mut nict, ms(1), 100);
        }
        nict.handle_transport_error(ms(2));
        assert_eq!(drain(&mut nict), [Output::TransportError, Output::Terminated]);
        assert!(nict.is_terminated());
        assert_eq!(nict.poll_timeout(), None);
    }
}

#[test]
fn rfc3261_17_1_2_2_nict_uses_the_configured_t1_t2_t4() {
    let req = register();
    let mut nict = ClientNonInviteTransaction::new(ms(0), req.clone(), false, CUSTOM);
    drain(&mut nict);
    assert_eq!(nict.timer(Timer::F), Some(ms(6_400)));
    let times: Vec<_> = (0..5).map(|_| fire(&mut nict).0).collect();
    assert_eq!(gaps_ms(&times, ms(0)), [100, 200, 300, 300, 300]);
    let _ = nict_receive(&mut nict, ms(1_500), 200);
    assert_eq!(nict.timer(Timer::K), Some(ms(2_500)), "Timer K = T4");
}

// ---------------------------------------------------------------------------
// INVITE server transaction: RFC 3261 §17.2.1, RFC 6026 §8.5–§8.8 Figure 7
// ---------------------------------------------------------------------------

#[test]
fn rfc3261_17_2_1_proceeding_sends_100_trying_after_200ms_if_tu_is_silent() {
    let mut ist = ServerInviteTransaction::new(ms(0), server_invite(), false, TimerConfig::RFC3261);
    assert_eq!(ist.state(), IstState::Proceeding);
    assert_eq!(drain(&mut ist), [], "nothing before the TU has had 200 ms");
    assert_eq!(ist.timer(Timer::Trying), Some(ms(200)));
    assert_eq!(fire_at(&mut ist, ms(199)), []);
    let (t, out) = fire(&mut ist);
    assert_eq!(t, ms(200));
    let sent = transmitted(&out);
    assert_eq!(out.len(), 1);
    let trying = Message::parse(&sent[0]).expect("the 100 parses");
    let req = Message::parse(SERVER_INVITE.as_bytes()).unwrap();
    assert_eq!(trying.status(), Some(StatusCode::TRYING));
    // §17.2.1: a To tag is SHOULD NOT for the 100; §8.2.6.2 copies the rest.
    assert_eq!(trying.to().unwrap().tag(), None);
    assert_eq!(trying.header(HeaderName::To), req.header(HeaderName::To));
    assert_eq!(
        trying.header_values(HeaderName::Via).collect::<Vec<_>>(),
        req.header_values(HeaderName::Via).collect::<Vec<_>>(),
        "every Via, in order"
    );
    assert_eq!(trying.header(HeaderName::From), req.header(HeaderName::From));
    assert_eq!(trying.header(HeaderName::CallId), req.header(HeaderName::CallId));
    assert_eq!(trying.header(HeaderName::CSeq), req.header(HeaderName::CSeq));
    // §8.2.6.1: the Timestamp is copied into the 100.
    assert_eq!(trying.header(HeaderName::Timestamp), Some(&b"54"[..]));
    assert_eq!(ist.state(), IstState::Proceeding);
    assert_eq!(ist.poll_timeout(), None, "the 100 is sent once, not retransmitted");
    // A retransmitted INVITE gets the 100 again.
    assert_eq!(ist_invite(&mut ist, ms(500)), Verdict::Absorbed);
    assert_eq!(drain(&mut ist), [Output::Transmit(sent[0].clone())]);
}

#[test]
fn rfc3261_17_2_1_no_100_trying_when_the_tu_answers_first() {
    for code in [180, 200, 486] {
        let mut ist = ServerInviteTransaction::new(ms(0), server_invite(), false, TimerConfig::RFC3261);
        let r = ist_send(&mut ist, ms(100), code).unwrap();
        assert_eq!(drain(&mut ist), [tx(&r)]);
        assert_eq!(ist.timer(Timer::Trying), None, "{code}");
        let late: Vec<_> = (0..3).flat_map(|i| fire_at(&mut ist, ms(200 + i))).collect();
        assert!(
            transmitted(&late)
                .iter()
                .all(|b| Message::parse(b).unwrap().status() != Some(StatusCode::TRYING))
        );
    }
}

#[test]
fn rfc3261_17_2_1_provisionals_from_tu_are_sent_and_retransmitted_invite_gets_the_last() {
    let mut ist = ServerInviteTransaction::new(ms(0), server_invite(), false, TimerConfig::RFC3261);
    // A retransmission before any response: nothing to resend yet.
    assert_eq!(ist_invite(&mut ist, ms(50)), Verdict::Absorbed);
    assert_eq!(drain(&mut ist), []);
    let ringing = ist_send(&mut ist, ms(100), 180).unwrap();
    assert_eq!(drain(&mut ist), [tx(&ringing)]);
    let progress = ist_send(&mut ist, ms(150), 183).unwrap();
    assert_eq!(drain(&mut ist), [tx(&progress)], "each provisional is sent, once");
    assert_eq!(ist.state(), IstState::Proceeding);
    assert_eq!(ist.poll_timeout(), None, "provisionals are not retransmitted by the transaction");
    assert_eq!(ist_invite(&mut ist, ms(600)), Verdict::Absorbed);
    assert_eq!(drain(&mut ist), [tx(&progress)], "the most recent provisional");
    assert_eq!(ist.last_response(), Some(&progress));
    // An ACK has no transition in Proceeding.
    assert_eq!(ist_ack(&mut ist, ms(700)), Verdict::Absorbed);
    assert_eq!(drain(&mut ist), []);
    assert_eq!(ist.state(), IstState::Proceeding);
}

#[test]
fn rfc6026_8_5_2xx_from_tu_is_sent_once_and_enters_accepted_with_timer_l() {
    let mut ist = ServerInviteTransaction::new(ms(0), server_invite(), false, TimerConfig::RFC3261);
    let _ = ist_send(&mut ist, ms(10), 180);
    drain(&mut ist);
    let ok = ist_send(&mut ist, ms(1_000), 200).unwrap();
    assert_eq!(drain(&mut ist), [tx(&ok)]);
    assert_eq!(ist.state(), IstState::Accepted);
    assert_eq!(ist.timer(Timer::L), Some(ms(33_000)));
    assert_eq!(ist.timer(Timer::G), None, "the transaction never retransmits a 2xx");
    assert_eq!(ist.poll_timeout(), Some(ms(33_000)));
    assert_eq!(fire_at(&mut ist, ms(32_999)), []);
}

#[test]
fn rfc6026_8_7_accepted_absorbs_invite_retransmissions() {
    let mut ist = ServerInviteTransaction::new(ms(0), server_invite(), false, TimerConfig::RFC3261);
    let _ = ist_send(&mut ist, ms(10), 200);
    drain(&mut ist);
    for i in 0..3 {
        assert_eq!(ist_invite(&mut ist, ms(500 + i * 500)), Verdict::Absorbed);
        assert_eq!(drain(&mut ist), [], "not passed to the TU, nothing resent");
        assert_eq!(ist.state(), IstState::Accepted);
    }
}

#[test]
fn rfc6026_8_7_accepted_passes_acks_to_tu() {
    let mut ist = ServerInviteTransaction::new(ms(0), server_invite(), false, TimerConfig::RFC3261);
    let _ = ist_send(&mut ist, ms(10), 200);
    drain(&mut ist);
    for _ in 0..2 {
        assert_eq!(ist_ack(&mut ist, ms(100)), Verdict::ToTransactionUser);
        assert_eq!(drain(&mut ist), []);
        assert_eq!(ist.state(), IstState::Accepted, "an ACK does not leave Accepted");
    }
    assert_eq!(ist.timer(Timer::L), Some(ms(32_010)));
}

#[test]
fn rfc6026_8_7_accepted_sends_further_2xx_from_tu() {
    let mut ist = ServerInviteTransaction::new(ms(0), server_invite(), true, TimerConfig::RFC3261);
    let ok = ist_send(&mut ist, ms(10), 200).unwrap();
    drain(&mut ist);
    for t in [510, 1510, 3510] {
        assert_eq!(ist_send(&mut ist, ms(t), 200).unwrap(), ok);
        assert_eq!(drain(&mut ist), [tx(&ok)]);
        assert_eq!(ist.state(), IstState::Accepted);
    }
    // A 2xx with another status (a proxy forwarding another fork's 2xx).
    let other = ist_send(&mut ist, ms(4_000), 202).unwrap();
    assert_eq!(drain(&mut ist), [tx(&other)]);
    assert_eq!(ist.timer(Timer::L), Some(ms(32_010)), "Timer L is 64·T1 on every transport");
}

#[test]
fn rfc6026_8_7_timer_l_fires_accepted_to_terminated() {
    let mut ist = ServerInviteTransaction::new(ms(0), server_invite(), false, TimerConfig::RFC3261);
    let _ = ist_send(&mut ist, ms(10), 200);
    drain(&mut ist);
    assert_eq!(fire(&mut ist), (ms(32_010), vec![Output::Terminated]));
    assert!(ist.is_terminated());
    assert_eq!(ist_send(&mut ist, ms(32_020), 200), Err(TransactionError::InvalidState));
    assert_eq!(ist_invite(&mut ist, ms(32_030)), Verdict::Absorbed);
    assert_eq!(drain(&mut ist), []);
}

#[test]
fn rfc6026_8_7_accepted_refuses_provisional_and_non_2xx() {
    let mut ist = ServerInviteTransaction::new(ms(0), server_invite(), false, TimerConfig::RFC3261);
    let _ = ist_send(&mut ist, ms(10), 200);
    drain(&mut ist);
    for code in [100, 180, 300, 486, 500, 603] {
        assert_eq!(ist_send(&mut ist, ms(20), code), Err(TransactionError::InvalidState), "{code}");
    }
    assert_eq!(drain(&mut ist), [], "a refused response is not sent");
    assert_eq!(ist.state(), IstState::Accepted);
}

#[test]
fn rfc3261_17_2_1_non_2xx_final_enters_completed_with_timers_g_and_h() {
    for code in [300, 404, 486, 500, 600, 699] {
        let mut ist = ServerInviteTransaction::new(ms(0), server_invite(), false, TimerConfig::RFC3261);
        let _ = ist_send(&mut ist, ms(50), 180);
        drain(&mut ist);
        let r = ist_send(&mut ist, ms(1_000), code).unwrap();
        assert_eq!(drain(&mut ist), [tx(&r)]);
        assert_eq!(ist.state(), IstState::Completed, "{code}");
        assert_eq!(ist.timer(Timer::G), Some(ms(1_500)), "Timer G = T1");
        assert_eq!(ist.timer(Timer::H), Some(ms(33_000)), "Timer H = 64·T1");
    }
}

#[test]
fn rfc3261_17_2_1_timer_g_doubles_capped_at_t2_until_timer_h() {
    let mut ist = ServerInviteTransaction::new(ms(0), server_invite(), false, TimerConfig::RFC3261);
    let busy = ist_send(&mut ist, ms(0), 486).unwrap();
    drain(&mut ist);
    let steps = run_out(&mut ist);
    let (retransmits, last) = steps.split_at(steps.len() - 1);
    assert!(retransmits.iter().all(|(_, o)| o == &[tx(&busy)]), "{retransmits:?}");
    let times: Vec<_> = retransmits.iter().map(|s| s.0).collect();
    assert_eq!(gaps_ms(&times, ms(0)), [500, 1000, 2000, 4000, 4000, 4000, 4000, 4000, 4000, 4000]);
    // Timer H: the ACK never came; the TU is told.
    assert_eq!(last[0], (ms(32_000), vec![Output::Timeout, Output::Terminated]));
    assert!(ist.is_terminated());
}

#[test]
fn rfc3261_17_2_1_completed_resends_final_for_invite_retransmission() {
    let mut ist = ServerInviteTransaction::new(ms(0), server_invite(), false, TimerConfig::RFC3261);
    let _ = ist_send(&mut ist, ms(10), 100);
    let busy = ist_send(&mut ist, ms(20), 486).unwrap();
    drain(&mut ist);
    assert_eq!(ist_invite(&mut ist, ms(100)), Verdict::Absorbed);
    assert_eq!(drain(&mut ist), [tx(&busy)], "the final, not the earlier provisional");
    assert_eq!(ist.state(), IstState::Completed);
    assert_eq!(ist.timer(Timer::G), Some(ms(520)), "a retransmission does not disturb Timer G");
}

#[test]
fn rfc3261_17_2_1_ack_in_completed_enters_confirmed_with_timer_i() {
    let mut ist = ServerInviteTransaction::new(ms(0), server_invite(), false, TimerConfig::RFC3261);
    let busy = ist_send(&mut ist, ms(0), 486).unwrap();
    drain(&mut ist);
    assert_eq!(fire(&mut ist), (ms(500), vec![tx(&busy)]));
    assert_eq!(
        ist_ack(&mut ist, ms(700)),
        Verdict::Absorbed,
        "the ACK for a non-2xx stays in the transaction"
    );
    assert_eq!(ist.state(), IstState::Confirmed);
    assert_eq!(drain(&mut ist), []);
    assert_eq!(ist.timer(Timer::G), None, "retransmissions cease");
    assert_eq!(ist.timer(Timer::H), None);
    assert_eq!(ist.timer(Timer::I), Some(ms(5_700)), "Timer I = T4");
    assert_eq!(ist.poll_timeout(), Some(ms(5_700)));
}

#[test]
fn rfc3261_17_2_1_confirmed_absorbs_ack_retransmissions() {
    let mut ist = ServerInviteTransaction::new(ms(0), server_invite(), false, TimerConfig::RFC3261);
    let _ = ist_send(&mut ist, ms(0), 404);
    let _ = ist_ack(&mut ist, ms(100));
    drain(&mut ist);
    for t in [200, 600, 1_600] {
        assert_eq!(ist_ack(&mut ist, ms(t)), Verdict::Absorbed);
        assert_eq!(ist_invite(&mut ist, ms(t)), Verdict::Absorbed);
        assert_eq!(drain(&mut ist), []);
        assert_eq!(ist.state(), IstState::Confirmed);
    }
    assert_eq!(ist.timer(Timer::I), Some(ms(5_100)), "ACKs do not restart Timer I");
}

#[test]
fn rfc3261_17_2_1_timer_i_fires_confirmed_to_terminated() {
    let mut ist = ServerInviteTransaction::new(ms(0), server_invite(), false, TimerConfig::RFC3261);
    let _ = ist_send(&mut ist, ms(0), 404);
    let _ = ist_ack(&mut ist, ms(100));
    drain(&mut ist);
    assert_eq!(fire_at(&mut ist, ms(5_099)), []);
    assert_eq!(fire(&mut ist), (ms(5_100), vec![Output::Terminated]));
    assert!(ist.is_terminated());
    assert_eq!(ist.poll_timeout(), None);
}

#[test]
fn rfc3261_17_2_1_reliable_transport_has_no_timer_g_and_timer_i_zero() {
    let mut ist = ServerInviteTransaction::new(ms(0), server_invite(), true, TimerConfig::RFC3261);
    let busy = ist_send(&mut ist, ms(0), 486).unwrap();
    assert_eq!(drain(&mut ist), [tx(&busy)]);
    assert_eq!(ist.timer(Timer::G), None);
    assert_eq!(ist.timer(Timer::H), Some(ms(32_000)), "Timer H on all transports");
    assert_eq!(ist_ack(&mut ist, ms(100)), Verdict::Absorbed);
    assert_eq!(drain(&mut ist), [Output::Terminated], "Confirmed, then Timer I = 0");
    assert!(ist.is_terminated());

    let mut ist = ServerInviteTransaction::new(ms(0), server_invite(), true, TimerConfig::RFC3261);
    let _ = ist_send(&mut ist, ms(0), 486);
    drain(&mut ist);
    assert_eq!(fire(&mut ist), (ms(32_000), vec![Output::Timeout, Output::Terminated]));
}

#[test]
fn rfc3261_17_2_1_invalid_sends_are_refused() {
    // Completed: neither a provisional nor another final.
    let mut ist = ServerInviteTransaction::new(ms(0), server_invite(), false, TimerConfig::RFC3261);
    let _ = ist_send(&mut ist, ms(0), 486);
    drain(&mut ist);
    for code in [100, 180, 200, 486, 500] {
        assert_eq!(ist_send(&mut ist, ms(10), code), Err(TransactionError::InvalidState), "{code}");
    }
    assert_eq!(drain(&mut ist), []);
    assert_eq!(ist.state(), IstState::Completed);
    // Confirmed.
    let _ = ist_ack(&mut ist, ms(20));
    assert_eq!(ist_send(&mut ist, ms(30), 200), Err(TransactionError::InvalidState));
    assert_eq!(ist_send(&mut ist, ms(30), 180), Err(TransactionError::InvalidState));
    assert_eq!(drain(&mut ist), []);
    assert_eq!(ist.state(), IstState::Confirmed);
    // Status codes outside 100–699.
    let mut ist = ServerInviteTransaction::new(ms(0), server_invite(), false, TimerConfig::RFC3261);
    for code in [0, 99, 700, 999] {
        let r = ist.send_response(ms(0), StatusCode(code), Bytes::from_static(b"x"));
        assert_eq!(r, Err(TransactionError::InvalidStatus), "{code}");
    }
    assert_eq!(drain(&mut ist), []);
    assert_eq!(ist.state(), IstState::Proceeding);
    assert_eq!(ist.timer(Timer::Trying), Some(ms(200)), "a refused send is not an answer");
}

#[test]
fn rfc6026_8_8_ist_transport_error_informs_tu_and_keeps_state() {
    // Proceeding.
    let mut ist = ServerInviteTransaction::new(ms(0), server_invite(), false, TimerConfig::RFC3261);
    let ringing = ist_send(&mut ist, ms(0), 180).unwrap();
    drain(&mut ist);
    ist.handle_transport_error(ms(1));
    assert_eq!(drain(&mut ist), [Output::TransportError]);
    assert_eq!(ist.state(), IstState::Proceeding);
    let _ = ist_invite(&mut ist, ms(2));
    assert_eq!(drain(&mut ist), [tx(&ringing)], "retransmissions still absorbed");
    // Completed: Timer H still ends it.
    let _ = ist_send(&mut ist, ms(10), 500);
    drain(&mut ist);
    ist.handle_transport_error(ms(11));
    assert_eq!(drain(&mut ist), [Output::TransportError]);
    assert_eq!(ist.state(), IstState::Completed);
    assert_eq!(ist.timer(Timer::H), Some(ms(32_010)));
    // Confirmed.
    let _ = ist_ack(&mut ist, ms(20));
    ist.handle_transport_error(ms(21));
    assert_eq!(drain(&mut ist), [Output::TransportError]);
    assert_eq!(ist.state(), IstState::Confirmed);
    // Accepted.
    let mut ist = ServerInviteTransaction::new(ms(0), server_invite(), false, TimerConfig::RFC3261);
    let _ = ist_send(&mut ist, ms(0), 200);
    drain(&mut ist);
    ist.handle_transport_error(ms(1));
    assert_eq!(drain(&mut ist), [Output::TransportError]);
    assert_eq!(ist.state(), IstState::Accepted);
    assert_eq!(ist.timer(Timer::L), Some(ms(32_000)));
    assert_eq!(fire(&mut ist), (ms(32_000), vec![Output::Terminated]));
}

#[test]
fn rfc3261_17_2_1_ist_uses_the_configured_timers() {
    let mut ist = ServerInviteTransaction::new(ms(0), server_invite(), false, CUSTOM);
    assert_eq!(ist.timer(Timer::Trying), Some(ms(50)), "the configured 100 Trying delay");
    let busy = ist_send(&mut ist, ms(0), 486).unwrap();
    drain(&mut ist);
    assert_eq!(ist.timer(Timer::H), Some(ms(6_400)));
    let times: Vec<_> = (0..5)
        .map(|_| {
            let (t, out) = fire(&mut ist);
            assert_eq!(out, [tx(&busy)]);
            t
        })
        .collect();
    assert_eq!(gaps_ms(&times, ms(0)), [100, 200, 300, 300, 300]);
    let _ = ist_ack(&mut ist, ms(1_500));
    assert_eq!(ist.timer(Timer::I), Some(ms(2_500)));

    let mut ist = ServerInviteTransaction::new(ms(0), server_invite(), false, CUSTOM);
    let _ = ist_send(&mut ist, ms(10), 200);
    assert_eq!(ist.timer(Timer::L), Some(ms(6_410)));
}

// ---------------------------------------------------------------------------
// Non-INVITE server transaction: RFC 3261 §17.2.2, Figure 8
// ---------------------------------------------------------------------------

#[test]
fn rfc3261_17_2_2_trying_discards_request_retransmissions() {
    let mut nist = ServerNonInviteTransaction::new(ms(0), register(), false, TimerConfig::RFC3261);
    assert_eq!(nist.state(), NistState::Trying);
    assert_eq!(nist.poll_timeout(), None, "Trying waits for the TU");
    for t in [100, 600, 1_600] {
        assert_eq!(nist.handle_request(ms(t)), Verdict::Absorbed);
        assert_eq!(drain(&mut nist), []);
        assert_eq!(nist.state(), NistState::Trying);
    }
}

#[test]
fn rfc3261_17_2_2_provisional_enters_proceeding_and_answers_retransmissions() {
    let mut nist = ServerNonInviteTransaction::new(ms(0), register(), false, TimerConfig::RFC3261);
    let trying = nist_send(&mut nist, ms(10), 100).unwrap();
    assert_eq!(drain(&mut nist), [tx(&trying)]);
    assert_eq!(nist.state(), NistState::Proceeding);
    let other = nist_send(&mut nist, ms(20), 183).unwrap();
    assert_eq!(drain(&mut nist), [tx(&other)], "further provisionals are sent");
    assert_eq!(nist.state(), NistState::Proceeding);
    assert_eq!(nist.handle_request(ms(500)), Verdict::Absorbed);
    assert_eq!(drain(&mut nist), [tx(&other)], "the most recent provisional");
    assert_eq!(nist.poll_timeout(), None);
}

#[test]
fn rfc3261_17_2_2_final_in_trying_enters_completed_with_timer_j() {
    let mut nist = ServerNonInviteTransaction::new(ms(0), register(), false, TimerConfig::RFC3261);
    let ok = nist_send(&mut nist, ms(30), 200).unwrap();
    assert_eq!(drain(&mut nist), [tx(&ok)]);
    assert_eq!(nist.state(), NistState::Completed);
    assert_eq!(nist.timer(Timer::J), Some(ms(32_030)), "Timer J = 64·T1");
}

#[test]
fn rfc3261_17_2_2_final_in_proceeding_enters_completed_and_answers_retransmissions() {
    for code in [200, 302, 404, 503, 606] {
        let mut nist = ServerNonInviteTransaction::new(ms(0), register(), false, TimerConfig::RFC3261);
        let _ = nist_send(&mut nist, ms(10), 100);
        drain(&mut nist);
        let fin = nist_send(&mut nist, ms(1_000), code).unwrap();
        assert_eq!(drain(&mut nist), [tx(&fin)]);
        assert_eq!(nist.state(), NistState::Completed);
        assert_eq!(nist.timer(Timer::J), Some(ms(33_000)));
        for t in [1_500, 2_500] {
            assert_eq!(nist.handle_request(ms(t)), Verdict::Absorbed);
            assert_eq!(drain(&mut nist), [tx(&fin)], "the final response, {code}");
        }
        assert_eq!(nist.last_response(), Some(&fin));
    }
}

#[test]
fn rfc3261_17_2_2_completed_discards_other_responses_from_tu() {
    let mut nist = ServerNonInviteTransaction::new(ms(0), register(), false, TimerConfig::RFC3261);
    let ok = nist_send(&mut nist, ms(0), 200).unwrap();
    drain(&mut nist);
    for code in [200, 404, 100, 180] {
        assert_eq!(nist_send(&mut nist, ms(10), code), Err(TransactionError::InvalidState), "{code}");
    }
    assert_eq!(drain(&mut nist), []);
    assert_eq!(nist.state(), NistState::Completed);
    let _ = nist.handle_request(ms(20));
    assert_eq!(drain(&mut nist), [tx(&ok)], "still the first final");
}

#[test]
fn rfc3261_17_2_2_timer_j_fires_completed_to_terminated() {
    let mut nist = ServerNonInviteTransaction::new(ms(0), register(), false, TimerConfig::RFC3261);
    let _ = nist_send(&mut nist, ms(0), 200);
    drain(&mut nist);
    assert_eq!(fire_at(&mut nist, ms(31_999)), []);
    assert_eq!(fire(&mut nist), (ms(32_000), vec![Output::Terminated]));
    assert!(nist.is_terminated());
    assert_eq!(nist.poll_timeout(), None);
    assert_eq!(nist.handle_request(ms(32_001)), Verdict::Absorbed);
    assert_eq!(drain(&mut nist), []);
    assert_eq!(nist_send(&mut nist, ms(32_002), 200), Err(TransactionError::InvalidState));
}

#[test]
fn rfc3261_17_2_2_timer_j_is_zero_on_reliable_transport() {
    let mut nist = ServerNonInviteTransaction::new(ms(0), register(), true, TimerConfig::RFC3261);
    let _ = nist_send(&mut nist, ms(0), 100);
    drain(&mut nist);
    let ok = nist_send(&mut nist, ms(10), 200).unwrap();
    assert_eq!(drain(&mut nist), [tx(&ok), Output::Terminated]);
    assert!(nist.is_terminated());
    assert_eq!(nist.poll_timeout(), None);
}

#[test]
fn rfc3261_17_2_2_invalid_status_is_refused() {
    let mut nist = ServerNonInviteTransaction::new(ms(0), register(), false, TimerConfig::RFC3261);
    for code in [0, 99, 700] {
        let r = nist.send_response(ms(0), StatusCode(code), Bytes::from_static(b"x"));
        assert_eq!(r, Err(TransactionError::InvalidStatus));
    }
    assert_eq!(drain(&mut nist), []);
    assert_eq!(nist.state(), NistState::Trying);
}

#[test]
fn rfc6026_8_8_nist_transport_error_informs_tu_and_keeps_state() {
    let mut nist = ServerNonInviteTransaction::new(ms(0), register(), false, TimerConfig::RFC3261);
    nist.handle_transport_error(ms(1));
    assert_eq!(drain(&mut nist), [Output::TransportError]);
    assert_eq!(nist.state(), NistState::Trying);
    let trying = nist_send(&mut nist, ms(2), 100).unwrap();
    drain(&mut nist);
    nist.handle_transport_error(ms(3));
    assert_eq!(drain(&mut nist), [Output::TransportError]);
    assert_eq!(nist.state(), NistState::Proceeding);
    let _ = nist.handle_request(ms(4));
    assert_eq!(drain(&mut nist), [tx(&trying)]);
    let _ = nist_send(&mut nist, ms(5), 200);
    drain(&mut nist);
    nist.handle_transport_error(ms(6));
    assert_eq!(drain(&mut nist), [Output::TransportError]);
    assert_eq!(nist.state(), NistState::Completed);
    assert_eq!(fire(&mut nist), (ms(32_005), vec![Output::Terminated]), "Timer J still ends it");
}

#[test]
fn rfc3261_17_2_2_nist_uses_the_configured_t1() {
    let mut nist = ServerNonInviteTransaction::new(ms(0), register(), false, CUSTOM);
    let _ = nist_send(&mut nist, ms(100), 200);
    assert_eq!(nist.timer(Timer::J), Some(ms(6_500)));
}

// ---------------------------------------------------------------------------
// Degenerate configurations
// ---------------------------------------------------------------------------

#[test]
fn rfc3261_17_1_1_2_zero_t1_or_t2_never_rearms_a_retransmit_timer_at_now() {
    // A zero T1 (Timer A) or T2 (Timers E, G) must not make handle_timeout
    // re-arm the timer already due and retransmit forever.
    let zero_t1 = TimerConfig { t1: Duration::ZERO, ..TimerConfig::RFC3261 };
    let zero_t2 = TimerConfig { t2: Duration::ZERO, ..TimerConfig::RFC3261 };

    let invite = client_invite();
    let mut ict = ClientInviteTransaction::new(ms(0), invite.clone(), false, zero_t1);
    drain(&mut ict);
    // Timers A and B (64·0) are both due at once.
    assert_eq!(fire_at(&mut ict, ms(0)), [tx(&invite), Output::Timeout, Output::Terminated]);

    let req = register();
    let mut nict = ClientNonInviteTransaction::new(ms(0), req.clone(), false, zero_t2);
    drain(&mut nict);
    assert_eq!(fire_at(&mut nict, ms(500)), [tx(&req)]);
    assert!(nict.poll_timeout().unwrap() > ms(500));
    assert_eq!(nict.state(), NictState::Trying);

    let mut ist = ServerInviteTransaction::new(ms(0), server_invite(), false, zero_t2);
    let busy = ist_send(&mut ist, ms(0), 486).unwrap();
    drain(&mut ist);
    assert_eq!(fire_at(&mut ist, ms(500)), [tx(&busy)]);
    assert!(ist.poll_timeout().unwrap() > ms(500));
    assert_eq!(ist.state(), IstState::Completed);
}

// ---------------------------------------------------------------------------
// Properties: arbitrary input sequences
// ---------------------------------------------------------------------------

const RESPONSE_CODES: &[u16] = &[100, 180, 183, 200, 202, 300, 302, 401, 404, 486, 487, 500, 503, 600, 603];
const SEND_CODES: &[u16] = &[0, 99, 100, 180, 183, 200, 202, 300, 404, 486, 500, 603, 700];
const STEPS_MS: &[u64] =
    &[0, 1, 99, 100, 199, 200, 499, 500, 501, 1_000, 4_000, 5_000, 31_999, 32_000, 64_000];

fn pick<T: Copy>(g: &mut Gen, xs: &[T]) -> T {
    *g.choose(xs).unwrap()
}

/// Time moves on in arbitrary steps: small, on a timer boundary, or huge.
fn arbitrary_step(g: &mut Gen) -> u64 {
    if bool::arbitrary(g) { pick(g, STEPS_MS) } else { u64::from(u16::arbitrary(g)) }
}

#[derive(Clone, Debug)]
enum ClientOp {
    /// A response with this status and one of a few To tags (forks).
    Response(u16, u8),
    TransportError,
    /// Time moves on without the owner firing timers.
    Advance(u64),
    /// The owner calls `handle_timeout` now, due or not.
    FireNow,
    /// The owner sleeps until the next deadline and fires it.
    FireNext,
}

impl Arbitrary for ClientOp {
    fn arbitrary(g: &mut Gen) -> Self {
        match u8::arbitrary(g) % 10 {
            0..=3 => ClientOp::Response(pick(g, RESPONSE_CODES), u8::arbitrary(g) % 3),
            4 => ClientOp::TransportError,
            5 | 6 => ClientOp::Advance(arbitrary_step(g)),
            7 => ClientOp::FireNow,
            _ => ClientOp::FireNext,
        }
    }
}

#[derive(Clone, Debug)]
enum ServerOp {
    /// The request is retransmitted.
    Retransmission,
    /// An ACK arrives (INVITE server transactions only).
    Ack,
    /// The TU sends a response with this status (possibly invalid).
    Send(u16),
    TransportError,
    Advance(u64),
    FireNow,
    FireNext,
}

impl Arbitrary for ServerOp {
    fn arbitrary(g: &mut Gen) -> Self {
        match u8::arbitrary(g) % 11 {
            0 | 1 => ServerOp::Retransmission,
            2 => ServerOp::Ack,
            3 | 4 => ServerOp::Send(pick(g, SEND_CODES)),
            5 => ServerOp::TransportError,
            6 | 7 => ServerOp::Advance(arbitrary_step(g)),
            8 => ServerOp::FireNow,
            _ => ServerOp::FireNext,
        }
    }
}

/// What the owner has seen: the termination (once), and nothing after it.
#[derive(Default)]
struct Log {
    terminated: usize,
    terminated_at: Option<Instant>,
}

impl Log {
    fn record(&mut self, m: &mut impl Machine, now: Instant) -> Vec<Output> {
        let outs = drain(m);
        assert!(outs.len() <= 3, "more outputs than one input can cause: {outs:?}");
        for o in &outs {
            assert_eq!(self.terminated, 0, "{o:?} after Terminated");
            if *o == Output::Terminated {
                self.terminated += 1;
                self.terminated_at = Some(now);
            }
        }
        assert_eq!(m.is_terminated(), self.terminated == 1, "is_terminated() agrees with the outputs");
        if m.is_terminated() {
            assert_eq!(m.poll_timeout(), None, "no timer survives Terminated");
        }
        outs
    }

    /// Inputs have stopped: fire every timer as it falls due, and check the
    /// machine terminated, exactly once, no later than `bound`.
    fn settle(&mut self, m: &mut impl Machine, mut now: Instant, bound: Instant) {
        let mut steps = 0;
        while let Some(t) = m.poll_timeout() {
            now = now.max(t);
            m.handle_timeout(now);
            self.record(m, now);
            steps += 1;
            assert!(steps < 200, "timers never stop");
        }
        assert!(m.is_terminated(), "no timer left but not terminated");
        assert_eq!(self.terminated, 1, "Terminated exactly once");
        let at = self.terminated_at.unwrap();
        assert!(at <= bound, "terminated at {at}, later than the bound {bound}");
    }
}

fn config(custom: bool) -> TimerConfig {
    if custom { CUSTOM } else { TimerConfig::RFC3261 }
}

fn step_time(m: &impl Machine, now: &mut Instant, op_next: bool) {
    if op_next {
        if let Some(t) = m.poll_timeout() {
            *now = (*now).max(t);
        }
    }
}

/// The timers each state runs (RFC 6026 Figure 5), checked after every
/// input: `entered` is when the current state was entered.
fn check_ict_timers(ict: &ClientInviteTransaction, reliable: bool, cfg: TimerConfig, entered: Instant) {
    let state = ict.state();
    match state {
        IctState::Calling => {
            assert_eq!(ict.timer(Timer::B), Some(ms(0) + cfg.timeout_64t1()), "Timer B from the start");
            assert_eq!(ict.timer(Timer::A).is_some(), !reliable, "Timer A on unreliable transports only");
        }
        IctState::Proceeding => assert_eq!(ict.poll_timeout(), None, "Proceeding waits for a final"),
        IctState::Completed => {
            assert_eq!(ict.timer(Timer::D), Some(entered + cfg.timer_d));
            assert_eq!(ict.poll_timeout(), ict.timer(Timer::D));
        }
        IctState::Accepted => {
            assert_eq!(ict.timer(Timer::M), Some(entered + cfg.timeout_64t1()));
            assert_eq!(ict.poll_timeout(), ict.timer(Timer::M));
        }
        IctState::Terminated => assert_eq!(ict.poll_timeout(), None),
    }
}

/// The timers of RFC 3261 Figure 6 by state.
fn check_nict_timers(nict: &ClientNonInviteTransaction, reliable: bool, cfg: TimerConfig, entered: Instant) {
    match nict.state() {
        NictState::Trying | NictState::Proceeding => {
            assert_eq!(nict.timer(Timer::F), Some(ms(0) + cfg.timeout_64t1()), "Timer F from the start");
            assert_eq!(nict.timer(Timer::E).is_some(), !reliable, "Timer E on unreliable transports only");
        }
        NictState::Completed => {
            assert_eq!(nict.timer(Timer::K), Some(entered + cfg.t4));
            assert_eq!(nict.poll_timeout(), nict.timer(Timer::K));
        }
        NictState::Terminated => assert_eq!(nict.poll_timeout(), None),
    }
}

/// The timers of RFC 6026 Figure 7 by state.
fn check_ist_timers(ist: &ServerInviteTransaction, reliable: bool, cfg: TimerConfig, entered: Instant) {
    match ist.state() {
        IstState::Proceeding => {
            // Only the 200 ms wait for the TU, until it answers or fires.
            let trying = ist.timer(Timer::Trying);
            assert!(trying.is_none() || trying == Some(ms(0) + cfg.trying_delay));
            assert_eq!(ist.poll_timeout(), trying);
        }
        IstState::Completed => {
            assert_eq!(ist.timer(Timer::H), Some(entered + cfg.timeout_64t1()));
            assert_eq!(ist.timer(Timer::G).is_some(), !reliable, "Timer G on unreliable transports only");
        }
        IstState::Confirmed => {
            assert_eq!(ist.timer(Timer::I), Some(entered + cfg.t4));
            assert_eq!(ist.poll_timeout(), ist.timer(Timer::I));
        }
        IstState::Accepted => {
            assert_eq!(ist.timer(Timer::L), Some(entered + cfg.timeout_64t1()));
            assert_eq!(ist.poll_timeout(), ist.timer(Timer::L));
        }
        IstState::Terminated => assert_eq!(ist.poll_timeout(), None),
    }
}

/// The timers of RFC 3261 Figure 8 by state.
fn check_nist_timers(nist: &ServerNonInviteTransaction, cfg: TimerConfig, entered: Instant) {
    match nist.state() {
        NistState::Trying | NistState::Proceeding => {
            assert_eq!(nist.poll_timeout(), None, "waits for the TU")
        }
        NistState::Completed => {
            assert_eq!(nist.timer(Timer::J), Some(entered + cfg.timeout_64t1()));
            assert_eq!(nist.poll_timeout(), nist.timer(Timer::J));
        }
        NistState::Terminated => assert_eq!(nist.poll_timeout(), None),
    }
}

fn prop_ict(reliable: bool, custom: bool, ops: Vec<ClientOp>) -> TestResult {
    let cfg = config(custom);
    let tags = ["a", "b", "c"];
    let mut now = ms(0);
    let mut ict = ClientInviteTransaction::new(now, client_invite(), reliable, cfg);
    let mut log = Log::default();
    log.record(&mut ict, now);
    let mut entered = now;
    for op in ops {
        let before = ict.state();
        match op {
            ClientOp::Response(code, tag) => {
                let verdict = ict_receive(&mut ict, now, code, Some(tags[tag as usize]));
                let outs = log.record(&mut ict, now);
                let acks = transmitted(&outs);
                use IctState::*;
                let (want_state, want_verdict, want_ack) = match (before, code) {
                    (Calling | Proceeding, 100..=199) => (Proceeding, Verdict::ToTransactionUser, false),
                    (Calling | Proceeding, 200..=299) => (Accepted, Verdict::ToTransactionUser, false),
                    (Calling | Proceeding, _) => {
                        (if reliable { Terminated } else { Completed }, Verdict::ToTransactionUser, true)
                    }
                    (Completed, 300..=699) => (Completed, Verdict::Absorbed, true),
                    (Accepted, 200..=299) => (Accepted, Verdict::ToTransactionUser, false),
                    (s, _) => (s, Verdict::Absorbed, false),
                };
                assert_eq!((ict.state(), verdict), (want_state, want_verdict), "{before:?} + {code}");
                assert_eq!(acks.len(), usize::from(want_ack), "{before:?} + {code}: {outs:?}");
                for ack in acks {
                    assert_eq!(Message::parse(&ack).unwrap().method(), Some(Method::Ack));
                }
            }
            ClientOp::TransportError => {
                ict.handle_transport_error(now);
                let outs = log.record(&mut ict, now);
                if matches!(before, IctState::Calling | IctState::Proceeding | IctState::Completed) {
                    assert_eq!(outs, [Output::TransportError, Output::Terminated]);
                } else {
                    assert_eq!(outs, []);
                    assert_eq!(ict.state(), before);
                }
            }
            ClientOp::Advance(d) => now += Duration::from_millis(d),
            ClientOp::FireNow | ClientOp::FireNext => {
                step_time(&ict, &mut now, matches!(op, ClientOp::FireNext));
                ict.handle_timeout(now);
                let outs = log.record(&mut ict, now);
                // Only Calling retransmits, and only the INVITE.
                for b in transmitted(&outs) {
                    assert_eq!(before, IctState::Calling);
                    assert!(!reliable);
                    assert_eq!(b, client_invite());
                }
                if outs.contains(&Output::Timeout) {
                    assert_eq!(before, IctState::Calling, "Timer B only in Calling");
                }
            }
        }
        if ict.state() != before {
            entered = now;
        }
        check_ict_timers(&ict, reliable, cfg, entered);
    }
    if ict.state() == IctState::Proceeding {
        // Proceeding has no timer of its own (§17.1.1.2): the TU CANCELs
        // and the UAS answers 487, which completes the transaction.
        assert_eq!(ict_receive(&mut ict, now, 487, Some("a")), Verdict::ToTransactionUser);
        log.record(&mut ict, now);
    }
    let bound = now + cfg.timeout_64t1().max(cfg.timer_d);
    log.settle(&mut ict, now, bound);
    TestResult::passed()
}

fn prop_nict(reliable: bool, custom: bool, ops: Vec<ClientOp>) -> TestResult {
    let cfg = config(custom);
    let mut now = ms(0);
    let mut nict = ClientNonInviteTransaction::new(now, register(), reliable, cfg);
    let mut log = Log::default();
    log.record(&mut nict, now);
    let mut entered = now;
    for op in ops {
        let before = nict.state();
        match op {
            ClientOp::Response(code, _) => {
                let verdict = nict_receive(&mut nict, now, code);
                let outs = log.record(&mut nict, now);
                use NictState::*;
                let (want_state, want_verdict) = match (before, code) {
                    (Trying | Proceeding, 100..=199) => (Proceeding, Verdict::ToTransactionUser),
                    (Trying | Proceeding, _) => {
                        (if reliable { Terminated } else { Completed }, Verdict::ToTransactionUser)
                    }
                    (s, _) => (s, Verdict::Absorbed),
                };
                assert_eq!((nict.state(), verdict), (want_state, want_verdict), "{before:?} + {code}");
                assert!(transmitted(&outs).is_empty(), "a response never makes a NICT send");
            }
            ClientOp::TransportError => {
                nict.handle_transport_error(now);
                let outs = log.record(&mut nict, now);
                if matches!(before, NictState::Trying | NictState::Proceeding) {
                    assert_eq!(outs, [Output::TransportError, Output::Terminated]);
                } else {
                    assert_eq!(outs, []);
                }
            }
            ClientOp::Advance(d) => now += Duration::from_millis(d),
            ClientOp::FireNow | ClientOp::FireNext => {
                step_time(&nict, &mut now, matches!(op, ClientOp::FireNext));
                nict.handle_timeout(now);
                let outs = log.record(&mut nict, now);
                for b in transmitted(&outs) {
                    assert!(matches!(before, NictState::Trying | NictState::Proceeding));
                    assert!(!reliable);
                    assert_eq!(b, register());
                }
            }
        }
        if nict.state() != before {
            entered = now;
        }
        check_nict_timers(&nict, reliable, cfg, entered);
    }
    let bound = now + cfg.timeout_64t1().max(cfg.t4);
    log.settle(&mut nict, now, bound);
    TestResult::passed()
}

fn prop_ist(reliable: bool, custom: bool, final_code: u16, ops: Vec<ServerOp>) -> TestResult {
    let cfg = config(custom);
    let mut now = ms(0);
    let mut ist = ServerInviteTransaction::new(now, server_invite(), reliable, cfg);
    let mut log = Log::default();
    log.record(&mut ist, now);
    let mut entered = now;
    for op in ops {
        let before = ist.state();
        match op {
            ServerOp::Retransmission => {
                let last = ist.last_response().cloned();
                assert_eq!(ist_invite(&mut ist, now), Verdict::Absorbed);
                let outs = log.record(&mut ist, now);
                let want = match (before, last) {
                    (IstState::Proceeding | IstState::Completed, Some(r)) => vec![Output::Transmit(r)],
                    _ => vec![],
                };
                assert_eq!(outs, want, "INVITE retransmission in {before:?}");
            }
            ServerOp::Ack => {
                let verdict = ist_ack(&mut ist, now);
                log.record(&mut ist, now);
                let want =
                    if before == IstState::Accepted { Verdict::ToTransactionUser } else { Verdict::Absorbed };
                assert_eq!(verdict, want);
                let want_state = match before {
                    IstState::Completed if reliable => IstState::Terminated,
                    IstState::Completed => IstState::Confirmed,
                    s => s,
                };
                assert_eq!(ist.state(), want_state);
            }
            ServerOp::Send(code) => {
                let result = ist_send(&mut ist, now, code);
                let outs = log.record(&mut ist, now);
                use IstState::*;
                let want: Result<IstState, TransactionError> = match (before, code) {
                    (_, c) if !(100..=699).contains(&c) => Err(TransactionError::InvalidStatus),
                    (Proceeding, 100..=199) => Ok(Proceeding),
                    (Proceeding | Accepted, 200..=299) => Ok(Accepted),
                    (Proceeding, _) => Ok(Completed),
                    _ => Err(TransactionError::InvalidState),
                };
                match (want, result) {
                    (Ok(s), Ok(r)) => {
                        assert_eq!(ist.state(), s);
                        assert_eq!(outs, [Output::Transmit(r)]);
                    }
                    (Err(e), Err(got)) => {
                        assert_eq!(got, e);
                        assert_eq!(outs, []);
                        assert_eq!(ist.state(), before);
                    }
                    (want, got) => panic!("{before:?} + send {code}: want {want:?}, got {got:?}"),
                }
            }
            ServerOp::TransportError => {
                ist.handle_transport_error(now);
                let outs = log.record(&mut ist, now);
                assert_eq!(ist.state(), before, "RFC 6026 §8.8: MUST remain in the current state");
                let want = if before == IstState::Terminated { vec![] } else { vec![Output::TransportError] };
                assert_eq!(outs, want);
            }
            ServerOp::Advance(d) => now += Duration::from_millis(d),
            ServerOp::FireNow | ServerOp::FireNext => {
                step_time(&ist, &mut now, matches!(op, ServerOp::FireNext));
                let last = ist.last_response().cloned();
                ist.handle_timeout(now);
                let outs = log.record(&mut ist, now);
                for b in transmitted(&outs) {
                    match before {
                        // The 100 Trying of its own.
                        IstState::Proceeding => {
                            assert_eq!(Message::parse(&b).unwrap().status(), Some(StatusCode::TRYING))
                        }
                        // Timer G: the non-2xx final, unreliable only.
                        IstState::Completed => {
                            assert!(!reliable);
                            assert_eq!(Some(b), last);
                        }
                        s => panic!("transmitted in {s:?} on a timer"),
                    }
                }
            }
        }
        if ist.state() != before {
            entered = now;
        }
        check_ist_timers(&ist, reliable, cfg, entered);
    }
    // The TU must answer every INVITE (§17.2.1 waits for it); if it has
    // not, it does now.
    let mut bound = now + cfg.timeout_64t1().max(cfg.t4);
    if ist.state() == IstState::Proceeding {
        let r = ist_send(&mut ist, now, final_code).unwrap();
        assert_eq!(log.record(&mut ist, now), [Output::Transmit(r)]);
        bound = now + cfg.timeout_64t1() + cfg.t4;
    }
    log.settle(&mut ist, now, bound);
    TestResult::passed()
}

fn prop_nist(reliable: bool, custom: bool, final_code: u16, ops: Vec<ServerOp>) -> TestResult {
    let cfg = config(custom);
    let mut now = ms(0);
    let mut nist = ServerNonInviteTransaction::new(now, register(), reliable, cfg);
    let mut log = Log::default();
    log.record(&mut nist, now);
    let mut entered = now;
    for op in ops {
        let before = nist.state();
        match op {
            ServerOp::Retransmission | ServerOp::Ack => {
                let last = nist.last_response().cloned();
                assert_eq!(nist.handle_request(now), Verdict::Absorbed);
                let outs = log.record(&mut nist, now);
                let want = match (before, last) {
                    (NistState::Proceeding | NistState::Completed, Some(r)) => vec![Output::Transmit(r)],
                    _ => vec![],
                };
                assert_eq!(outs, want, "request retransmission in {before:?}");
            }
            ServerOp::Send(code) => {
                let result = nist_send(&mut nist, now, code);
                let outs = log.record(&mut nist, now);
                use NistState::*;
                let want: Result<NistState, TransactionError> = match (before, code) {
                    (_, c) if !(100..=699).contains(&c) => Err(TransactionError::InvalidStatus),
                    (Trying | Proceeding, 100..=199) => Ok(Proceeding),
                    (Trying | Proceeding, _) => Ok(if reliable { Terminated } else { Completed }),
                    _ => Err(TransactionError::InvalidState),
                };
                match (want, result) {
                    (Ok(s), Ok(r)) => {
                        assert_eq!(nist.state(), s);
                        assert_eq!(outs.first(), Some(&Output::Transmit(r)));
                    }
                    (Err(e), Err(got)) => {
                        assert_eq!(got, e);
                        assert_eq!(outs, []);
                        assert_eq!(nist.state(), before);
                    }
                    (want, got) => panic!("{before:?} + send {code}: want {want:?}, got {got:?}"),
                }
            }
            ServerOp::TransportError => {
                nist.handle_transport_error(now);
                let outs = log.record(&mut nist, now);
                assert_eq!(nist.state(), before);
                let want =
                    if before == NistState::Terminated { vec![] } else { vec![Output::TransportError] };
                assert_eq!(outs, want);
            }
            ServerOp::Advance(d) => now += Duration::from_millis(d),
            ServerOp::FireNow | ServerOp::FireNext => {
                step_time(&nist, &mut now, matches!(op, ServerOp::FireNext));
                nist.handle_timeout(now);
                let outs = log.record(&mut nist, now);
                assert!(transmitted(&outs).is_empty(), "a NIST never sends on a timer");
            }
        }
        if nist.state() != before {
            entered = now;
        }
        check_nist_timers(&nist, cfg, entered);
    }
    if matches!(nist.state(), NistState::Trying | NistState::Proceeding) {
        let _ = nist_send(&mut nist, now, final_code).unwrap();
        log.record(&mut nist, now);
    }
    log.settle(&mut nist, now, now + cfg.timeout_64t1());
    TestResult::passed()
}

#[derive(Clone, Copy, Debug)]
struct FinalCode(u16);

impl Arbitrary for FinalCode {
    fn arbitrary(g: &mut Gen) -> Self {
        FinalCode(pick(g, &[200, 202, 300, 404, 486, 500, 603]))
    }
}

fn quickcheck() -> QuickCheck {
    QuickCheck::new().tests(500).max_tests(5_000)
}

#[test]
fn rfc6026_figure5_ict_arbitrary_inputs_terminate_once_within_bound() {
    quickcheck().quickcheck(prop_ict as fn(bool, bool, Vec<ClientOp>) -> TestResult);
}

#[test]
fn rfc3261_figure6_nict_arbitrary_inputs_terminate_once_within_bound() {
    quickcheck().quickcheck(prop_nict as fn(bool, bool, Vec<ClientOp>) -> TestResult);
}

#[test]
fn rfc6026_figure7_ist_arbitrary_inputs_terminate_once_within_bound() {
    fn prop(reliable: bool, custom: bool, f: FinalCode, ops: Vec<ServerOp>) -> TestResult {
        prop_ist(reliable, custom, f.0, ops)
    }
    quickcheck().quickcheck(prop as fn(bool, bool, FinalCode, Vec<ServerOp>) -> TestResult);
}

#[test]
fn rfc3261_figure8_nist_arbitrary_inputs_terminate_once_within_bound() {
    fn prop(reliable: bool, custom: bool, f: FinalCode, ops: Vec<ServerOp>) -> TestResult {
        prop_nist(reliable, custom, f.0, ops)
    }
    quickcheck().quickcheck(prop as fn(bool, bool, FinalCode, Vec<ServerOp>) -> TestResult);
}
