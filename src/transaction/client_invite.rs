//! The INVITE client transaction (RFC 3261 §17.1.1, as replaced by
//! RFC 6026 §8.4 and its Figure 5).

use alloc::vec::Vec;

use bytes::Bytes;

use super::timers::{Delay, MIN_RETRANSMIT_INTERVAL, Timer, TimerConfig, TimerSet};
use super::{Output, Outputs, Verdict};
use crate::message::{HeaderName, Message};
use crate::time::Instant;

/// The states of RFC 6026 Figure 5.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IctState {
    /// The INVITE is sent and retransmitted (Timer A) until a response.
    Calling,
    /// A provisional response arrived; no more retransmissions.
    Proceeding,
    /// A 300–699 arrived and was ACKed; retransmissions of it are ACKed
    /// again until Timer D.
    Completed,
    /// A 2xx arrived; further 2xx (retransmissions, other forks) go to the
    /// TU until Timer M (RFC 6026 §8.4).
    Accepted,
    /// Done; the owner destroys the transaction.
    Terminated,
}

/// An INVITE client transaction.
///
/// Created with the INVITE the TU sends; it transmits it at once (see
/// [`poll_output`](Self::poll_output)), retransmits it on an unreliable
/// transport, builds the ACK for a non-2xx final response itself
/// (§17.1.1.3), and passes every response the TU must see up through the
/// [`Verdict`] of [`handle_response`](Self::handle_response).
///
/// ```
/// use sip_proto::Instant;
/// use sip_proto::transaction::{ClientInviteTransaction, IctState, Output, TimerConfig};
///
/// let invite = bytes::Bytes::from_static(b"INVITE sip:bob@biloxi.example.com SIP/2.0\r\n\
/// Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8\r\n\
/// Max-Forwards: 70\r\nTo: <sip:bob@biloxi.example.com>\r\n\
/// From: <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
/// Call-ID: a84b4c76e66710\r\nCSeq: 314159 INVITE\r\nContent-Length: 0\r\n\r\n");
/// let t0 = Instant::ZERO;
/// let mut ict = ClientInviteTransaction::new(t0, invite.clone(), false, TimerConfig::RFC3261);
/// assert_eq!(ict.poll_output(), Some(Output::Transmit(invite.clone())));
/// // RFC 3261 §17.1.1.2: Timer A fires after T1 and the INVITE goes again.
/// let a = ict.poll_timeout().unwrap();
/// assert_eq!(a, Instant::from_millis(500));
/// ict.handle_timeout(a);
/// assert_eq!(ict.poll_output(), Some(Output::Transmit(invite)));
/// assert_eq!(ict.state(), IctState::Calling);
/// ```
#[derive(Debug)]
// The queue and the timers first and in C order, at the same offsets in
// all four machines, so that the endpoint's poll of whichever machine an
// entry holds is one piece of code rather than one per variant. (The state
// last would let the endpoint's enum hide its tag in the largest machine's
// state niche, 8 bytes less, but decoding that niche on every dispatch
// measured 250 instructions more per call.)
#[repr(C)]
pub struct ClientInviteTransaction {
    pub(super) out: Outputs,
    pub(super) timers: TimerSet,
    state: IctState,
    reliable: bool,
    /// T1 (Timer A's first interval; B and M are 64·T1).
    t1: Delay,
    /// Timer D on unreliable transports.
    timer_d: Delay,
    request: Bytes,
    /// The ACK for the non-2xx final response, resent for each of its
    /// retransmissions (§17.1.1.2).
    ack: Option<Bytes>,
    /// The current Timer A interval.
    interval: Delay,
}

impl ClientInviteTransaction {
    /// Starts the transaction with `request` (an INVITE, already carrying
    /// its top Via and branch) and queues its first transmission.
    /// `reliable` is whether the transport is reliable (TCP, TLS, SCTP,
    /// WebSocket), which suppresses Timer A and zeroes Timer D.
    pub fn new(now: Instant, request: Bytes, reliable: bool, config: TimerConfig) -> Self {
        let mut t = ClientInviteTransaction {
            state: IctState::Calling,
            reliable,
            t1: config.t1_delay(),
            timer_d: Delay::of(config.timer_d),
            request,
            ack: None,
            interval: config.t1_delay(),
            timers: TimerSet::default(),
            out: Outputs::default(),
        };
        t.out.push(Output::Transmit(t.request.clone()));
        // RFC 3261 §17.1.1.2: Timer A = T1 on unreliable transports only;
        // Timer B = 64·T1 on all.
        if !reliable {
            t.timers.start(Timer::A, now + config.t1);
        }
        t.timers.start(Timer::B, now + config.timeout_64t1());
        t
    }

    /// The current state.
    pub fn state(&self) -> IctState {
        self.state
    }

    /// The INVITE this transaction sends.
    pub fn request(&self) -> &Bytes {
        &self.request
    }

    /// When `timer` fires next, if it is running.
    pub fn timer(&self, timer: Timer) -> Option<Instant> {
        self.timers.deadline(timer)
    }

    /// Whether the transaction has terminated.
    pub fn is_terminated(&self) -> bool {
        self.state == IctState::Terminated
    }

    /// Handles a response that matched this transaction (§17.1.3).
    ///
    /// Returns whether the TU must see it: every provisional in Calling and
    /// Proceeding, the first 300–699 (ACKed here), and every 2xx until
    /// Timer M (RFC 6026 §8.4: a UAC core ACKs each 2xx itself, a proxy
    /// forwards each).
    pub fn handle_response(&mut self, now: Instant, response: &Message<'_>) -> Verdict {
        let Some(status) = response.status() else {
            return Verdict::Absorbed;
        };
        let code = status.0;
        match (self.state, code) {
            (IctState::Calling | IctState::Proceeding, 100..=199) => {
                // §17.1.1.2: no retransmissions in Proceeding; Timer B
                // only bounds Calling. (In Proceeding it runs only as the
                // §9.1 bound after a CANCEL, which a 1xx must not stop.)
                if self.state == IctState::Calling {
                    self.timers.stop(Timer::A);
                    self.timers.stop(Timer::B);
                }
                self.state = IctState::Proceeding;
                Verdict::ToTransactionUser
            }
            (IctState::Calling | IctState::Proceeding, 200..=299) => {
                // RFC 6026 §8.4: Accepted, Timer M = 64·T1, no ACK here.
                self.state = IctState::Accepted;
                self.timers.clear();
                self.timers.start(Timer::M, now + self.t1.saturating_mul(64));
                Verdict::ToTransactionUser
            }
            (IctState::Calling | IctState::Proceeding, _) => {
                // 300–699: Completed, ACK even on reliable transports,
                // Timer D (≥ 32 s unreliable, 0 reliable).
                self.state = IctState::Completed;
                let ack = Bytes::from(build_ack(&self.request, response));
                self.out.push(Output::Transmit(ack.clone()));
                self.ack = Some(ack);
                self.timers.clear();
                let d = if self.reliable { Delay::ZERO } else { self.timer_d };
                self.timers.start(Timer::D, now + d);
                if d.is_zero() {
                    self.handle_timeout(now);
                }
                Verdict::ToTransactionUser
            }
            (IctState::Completed, 300..=699) => {
                // A retransmission of the final response: ACK again, do
                // not bother the TU.
                if let Some(ack) = &self.ack {
                    self.out.push(Output::Transmit(ack.clone()));
                }
                Verdict::Absorbed
            }
            (IctState::Accepted, 200..=299) => Verdict::ToTransactionUser,
            // A 1xx after a final, or a final of the other class after the
            // first (a late fork's 4xx after a 2xx): the state machine has
            // no transition for it and the TU has already been told the
            // outcome.
            _ => Verdict::Absorbed,
        }
    }

    /// A CANCEL for this INVITE was sent. RFC 3261 §9.1: "If there is no
    /// final response for the original request in 64*T1 seconds ... the
    /// client SHOULD then consider the original transaction cancelled and
    /// SHOULD destroy the client transaction": Timer B runs again, and
    /// ends the transaction with a timeout as in Calling.
    pub fn handle_cancel_sent(&mut self, now: Instant) {
        if matches!(self.state, IctState::Calling | IctState::Proceeding) {
            self.timers.start(Timer::B, now + self.t1.saturating_mul(64));
        }
    }

    /// The transport failed to send for this transaction (§17.1.4): the TU
    /// is told and the transaction terminates (RFC 6026 Figure 5, from
    /// Calling, Proceeding and Completed). In Accepted the ACK is the TU's
    /// business, so the transaction stays to pass on 2xx until Timer M.
    pub fn handle_transport_error(&mut self, _now: Instant) {
        if matches!(self.state, IctState::Calling | IctState::Proceeding | IctState::Completed) {
            self.out.push(Output::TransportError);
            self.terminate();
        }
    }

    /// The next output to act on, until `None`.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop()
    }

    /// The next deadline, if a timer is running.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.timers.next()
    }

    /// Fires every timer due at `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        while let Some(timer) = self.timers.take_due(now) {
            match (self.state, timer) {
                (IctState::Calling, Timer::A) => {
                    // §17.1.1.2: retransmit and double the interval.
                    self.out.push(Output::Transmit(self.request.clone()));
                    self.interval = self.interval.saturating_mul(2);
                    // Never re-arm at `now`: a zero T1/T2 would loop here forever.
                    self.timers.start(Timer::A, now + self.interval.max(MIN_RETRANSMIT_INTERVAL));
                }
                (IctState::Calling | IctState::Proceeding, Timer::B) => {
                    self.out.push(Output::Timeout);
                    self.terminate();
                }
                (IctState::Completed, Timer::D) | (IctState::Accepted, Timer::M) => self.terminate(),
                _ => {}
            }
        }
    }

    fn terminate(&mut self) {
        self.state = IctState::Terminated;
        self.timers.clear();
        self.ack = None;
        self.out.push(Output::Terminated);
    }
}

/// Builds the ACK for a non-2xx final response (RFC 3261 §17.1.1.3):
/// Request-URI, Call-ID and From of the original request, its top Via
/// alone, its Route fields, the To of the response, and the CSeq number
/// with method ACK.
pub(crate) fn build_ack(request: &[u8], response: &Message<'_>) -> Vec<u8> {
    // The request is the transaction's own, validated when it was created.
    let Ok(req) = Message::parse(request) else {
        return Vec::new();
    };
    hop_request(&req, "ACK", response.header(HeaderName::To).unwrap_or_default())
}

/// A request that rides on an INVITE's branch: the ACK of a non-2xx
/// (§17.1.1.3) or a CANCEL (§9.1). Both take the INVITE's Request-URI,
/// top Via alone, Route fields, From, Call-ID and CSeq number, with their
/// own method and the given To (the response's for ACK, the INVITE's for
/// CANCEL), Max-Forwards 70 and no body.
pub(crate) fn hop_request(invite: &Message<'_>, method: &str, to: &[u8]) -> Vec<u8> {
    use core::fmt::Write;
    let uri = invite.request().map_or(&b""[..], |r| r.raw_uri);
    let mut out = Vec::with_capacity(invite.as_bytes().len().min(1024) + 64);
    let field = |out: &mut Vec<u8>, name: &str, value: &[u8]| {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value);
        out.extend_from_slice(b"\r\n");
    };
    out.extend_from_slice(method.as_bytes());
    out.push(b' ');
    out.extend_from_slice(uri);
    out.extend_from_slice(b" SIP/2.0\r\n");
    if let Some(via) = invite.header_values(HeaderName::Via).next() {
        field(&mut out, "Via", via);
    }
    for route in invite.header_all(HeaderName::Route) {
        field(&mut out, "Route", route);
    }
    field(&mut out, "Max-Forwards", b"70");
    field(&mut out, "From", invite.header(HeaderName::From).unwrap_or_default());
    field(&mut out, "To", to);
    field(&mut out, "Call-ID", invite.header(HeaderName::CallId).unwrap_or_default());
    let mut cseq = heapless::String::<32>::new();
    let _ = write!(cseq, "{} {method}", invite.cseq().map_or(0, |c| c.seq));
    field(&mut out, "CSeq", cseq.as_bytes());
    field(&mut out, "Content-Length", b"0");
    out.extend_from_slice(b"\r\n");
    out
}
