//! The non-INVITE client transaction (RFC 3261 §17.1.2, Figure 6).

use bytes::Bytes;

use super::timers::{Delay, MIN_RETRANSMIT_INTERVAL, Timer, TimerConfig, TimerSet};
use super::{Output, Outputs, Verdict};
use crate::message::Message;
use crate::time::Instant;

/// The states of RFC 3261 Figure 6.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NictState {
    /// The request is sent and retransmitted (Timer E) until a response.
    Trying,
    /// A provisional arrived; retransmissions continue every T2.
    Proceeding,
    /// A final response arrived; its retransmissions are absorbed until
    /// Timer K.
    Completed,
    /// Done; the owner destroys the transaction.
    Terminated,
}

/// A non-INVITE client transaction (REGISTER, OPTIONS, BYE, CANCEL, …).
///
/// ```
/// use sip_proto::Instant;
/// use sip_proto::transaction::{ClientNonInviteTransaction, Output, TimerConfig};
///
/// let register = bytes::Bytes::from_static(b"REGISTER sip:registrar.biloxi.example.com SIP/2.0\r\n\
/// Via: SIP/2.0/UDP bobspc.biloxi.example.com:5060;branch=z9hG4bKnashds7\r\n\
/// Max-Forwards: 70\r\nTo: Bob <sip:bob@biloxi.example.com>\r\n\
/// From: Bob <sip:bob@biloxi.example.com>;tag=456248\r\n\
/// Call-ID: 843817637684230@998sdasdh09\r\nCSeq: 1826 REGISTER\r\nContent-Length: 0\r\n\r\n");
/// let mut nict = ClientNonInviteTransaction::new(Instant::ZERO, register, false, TimerConfig::RFC3261);
/// assert!(matches!(nict.poll_output(), Some(Output::Transmit(_))));
/// // RFC 3261 §17.1.2.2: intervals 500 ms, 1 s, 2 s, 4 s, 4 s …
/// let mut last = Instant::ZERO;
/// let mut gaps = Vec::new();
/// for _ in 0..5 {
///     let t = nict.poll_timeout().unwrap();
///     gaps.push((t - last).as_millis());
///     last = t;
///     nict.handle_timeout(t);
/// }
/// assert_eq!(gaps, [500, 1000, 2000, 4000, 4000]);
/// ```
#[derive(Debug)]
// The queue and the timers first and in C order, at the same offsets in
// all four machines, so that the endpoint's poll of whichever machine an
// entry holds is one piece of code rather than one per variant. (The state
// last would let the endpoint's enum hide its tag in the largest machine's
// state niche, 8 bytes less, but decoding that niche on every dispatch
// measured 250 instructions more per call.)
#[repr(C)]
pub struct ClientNonInviteTransaction {
    pub(super) out: Outputs,
    pub(super) timers: TimerSet,
    state: NictState,
    reliable: bool,
    /// T2 (the cap of Timer E) and T4 (Timer K on unreliable transports).
    t2: Delay,
    t4: Delay,
    request: Bytes,
    interval: Delay,
}

impl ClientNonInviteTransaction {
    /// Starts the transaction with `request` (carrying its top Via and
    /// branch) and queues its first transmission. On a reliable transport
    /// Timer E is not used and Timer K is zero.
    pub fn new(now: Instant, request: Bytes, reliable: bool, config: TimerConfig) -> Self {
        let mut t = ClientNonInviteTransaction {
            state: NictState::Trying,
            reliable,
            t2: Delay::of(config.t2),
            t4: Delay::of(config.t4),
            request,
            interval: config.t1_delay(),
            timers: TimerSet::default(),
            out: Outputs::default(),
        };
        t.out.push(Output::Transmit(t.request.clone()));
        // RFC 3261 §17.1.2.2: Timer F = 64·T1; Timer E = T1 if unreliable.
        t.timers.start(Timer::F, now + config.timeout_64t1());
        if !reliable {
            t.timers.start(Timer::E, now + config.t1);
        }
        t
    }

    /// The current state.
    pub fn state(&self) -> NictState {
        self.state
    }

    /// The request this transaction sends.
    pub fn request(&self) -> &Bytes {
        &self.request
    }

    /// When `timer` fires next, if it is running.
    pub fn timer(&self, timer: Timer) -> Option<Instant> {
        self.timers.deadline(timer)
    }

    /// Whether the transaction has terminated.
    pub fn is_terminated(&self) -> bool {
        self.state == NictState::Terminated
    }

    /// Handles a response that matched this transaction (§17.1.3). Every
    /// response in Trying and Proceeding goes to the TU; in Completed,
    /// retransmissions are absorbed.
    pub fn handle_response(&mut self, now: Instant, response: &Message<'_>) -> Verdict {
        let Some(status) = response.status() else {
            return Verdict::Absorbed;
        };
        match (self.state, status.0) {
            (NictState::Trying | NictState::Proceeding, 100..=199) => {
                self.state = NictState::Proceeding;
                Verdict::ToTransactionUser
            }
            (NictState::Trying | NictState::Proceeding, _) => {
                // §17.1.2.2: Completed, Timer K = T4 (0 if reliable).
                self.state = NictState::Completed;
                self.timers.clear();
                let k = if self.reliable { Delay::ZERO } else { self.t4 };
                self.timers.start(Timer::K, now + k);
                if k.is_zero() {
                    self.handle_timeout(now);
                }
                Verdict::ToTransactionUser
            }
            _ => Verdict::Absorbed,
        }
    }

    /// The transport failed (§17.1.4): the TU is told and the transaction
    /// terminates.
    pub fn handle_transport_error(&mut self, _now: Instant) {
        if matches!(self.state, NictState::Trying | NictState::Proceeding) {
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
                (NictState::Trying | NictState::Proceeding, Timer::E) => {
                    self.out.push(Output::Transmit(self.request.clone()));
                    // §17.1.2.2: MIN(2·interval, T2) in Trying; T2 in
                    // Proceeding.
                    self.interval = if self.state == NictState::Trying {
                        self.interval.saturating_mul(2).min(self.t2)
                    } else {
                        self.t2
                    };
                    // Never re-arm at `now`: a zero T1/T2 would loop here forever.
                    self.timers.start(Timer::E, now + self.interval.max(MIN_RETRANSMIT_INTERVAL));
                }
                (NictState::Trying | NictState::Proceeding, Timer::F) => {
                    self.out.push(Output::Timeout);
                    self.terminate();
                }
                (NictState::Completed, Timer::K) => self.terminate(),
                _ => {}
            }
        }
    }

    fn terminate(&mut self) {
        self.state = NictState::Terminated;
        self.timers.clear();
        self.out.push(Output::Terminated);
    }
}
