//! The INVITE server transaction (RFC 3261 §17.2.1, as corrected by
//! RFC 6026 §8.5–§8.7 and its Figure 7).

use bytes::Bytes;

use super::timers::{Delay, MIN_RETRANSMIT_INTERVAL, Timer, TimerConfig, TimerSet};
use super::{Output, Outputs, TransactionError, Verdict};
use crate::message::builder::response_to;
use crate::message::{Message, Method, StatusCode};
use crate::time::Instant;

/// The states of RFC 6026 Figure 7.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IstState {
    /// The INVITE was passed to the TU; provisional responses may be sent.
    Proceeding,
    /// A 300–699 was sent and is retransmitted (Timer G) until the ACK.
    Completed,
    /// The ACK arrived; its retransmissions are absorbed until Timer I.
    Confirmed,
    /// A 2xx was sent; INVITE retransmissions are absorbed and ACKs go to
    /// the TU until Timer L (RFC 6026 §8.7).
    Accepted,
    /// Done; the owner destroys the transaction.
    Terminated,
}

/// An INVITE server transaction.
///
/// Created when an INVITE that matches no transaction arrives; the owner
/// passes the INVITE to the TU. The transaction answers retransmissions of
/// the INVITE with the last response, sends 100 Trying itself if the TU
/// has not answered within 200 ms, retransmits a non-2xx final until the
/// ACK, and (RFC 6026) passes the ACKs of a 2xx to the TU.
#[derive(Debug)]
// The queue and the timers first and in C order, at the same offsets in
// all four machines, so that the endpoint's poll of whichever machine an
// entry holds is one piece of code rather than one per variant. (The state
// last would let the endpoint's enum hide its tag in the largest machine's
// state niche, 8 bytes less, but decoding that niche on every dispatch
// measured 250 instructions more per call.)
#[repr(C)]
pub struct ServerInviteTransaction {
    pub(super) out: Outputs,
    pub(super) timers: TimerSet,
    state: IstState,
    reliable: bool,
    /// T1 (Timer G's first interval; H and L are 64·T1), T2 (G's cap)
    /// and T4 (Timer I on unreliable transports).
    t1: Delay,
    t2: Delay,
    t4: Delay,
    /// The INVITE, kept until the TU first answers so the transaction can
    /// build its own 100 Trying (§17.2.1).
    request: Option<Bytes>,
    /// The most recent response sent: a provisional in Proceeding, the
    /// final in Completed, Confirmed and Accepted (kept there, a shared
    /// `Bytes` handle, so that a CANCEL's 200 can carry its To tag,
    /// RFC 3261 §9.2).
    last_response: Option<Bytes>,
    interval: Delay,
}

impl ServerInviteTransaction {
    /// Creates the transaction for `request` (an INVITE) and starts the
    /// 200 ms wait after which it sends 100 Trying itself.
    pub fn new(now: Instant, request: Bytes, reliable: bool, config: TimerConfig) -> Self {
        let mut timers = TimerSet::default();
        timers.start(Timer::Trying, now + config.trying_delay);
        ServerInviteTransaction {
            state: IstState::Proceeding,
            reliable,
            t1: config.t1_delay(),
            t2: Delay::of(config.t2),
            t4: Delay::of(config.t4),
            request: Some(request),
            last_response: None,
            interval: config.t1_delay(),
            timers,
            out: Outputs::default(),
        }
    }

    /// The current state.
    pub fn state(&self) -> IstState {
        self.state
    }

    /// When `timer` fires next, if it is running.
    pub fn timer(&self, timer: Timer) -> Option<Instant> {
        self.timers.deadline(timer)
    }

    /// Whether the transaction has terminated.
    pub fn is_terminated(&self) -> bool {
        self.state == IstState::Terminated
    }

    /// The last response this transaction sent.
    pub fn last_response(&self) -> Option<&Bytes> {
        self.last_response.as_ref()
    }

    /// Handles a request that matched this transaction (§17.2.3): a
    /// retransmitted INVITE, or an ACK.
    ///
    /// Only an ACK in Accepted goes to the TU (RFC 6026 §8.7); INVITE
    /// retransmissions are answered with the last response in Proceeding
    /// and Completed, and everything else is absorbed.
    pub fn handle_request(&mut self, now: Instant, request: &Message<'_>) -> Verdict {
        let method = request.method();
        match (self.state, method) {
            (IstState::Proceeding | IstState::Completed, Some(Method::Invite)) => {
                if let Some(r) = &self.last_response {
                    self.out.push(Output::Transmit(r.clone()));
                }
                Verdict::Absorbed
            }
            (IstState::Completed, Some(Method::Ack)) => {
                // §17.2.1: Confirmed; stop G and H; Timer I = T4 (0 if
                // reliable).
                self.state = IstState::Confirmed;
                self.timers.clear();
                // The final is kept: §9.2 wants the 200 to a late CANCEL to
                // carry the To tag of the INVITE's response.
                let i = if self.reliable { Delay::ZERO } else { self.t4 };
                self.timers.start(Timer::I, now + i);
                if i.is_zero() {
                    self.handle_timeout(now);
                }
                Verdict::Absorbed
            }
            (IstState::Accepted, Some(Method::Ack)) => Verdict::ToTransactionUser,
            _ => Verdict::Absorbed,
        }
    }

    /// The TU sends `response` (serialized, with status `status`) through
    /// this transaction.
    ///
    /// 1xx are allowed in Proceeding; a 2xx moves to Accepted and more 2xx
    /// may follow there (RFC 6026 §8.5, §8.7); a 300–699 moves to
    /// Completed. Anything else is refused with
    /// [`TransactionError::InvalidState`].
    pub fn send_response(
        &mut self,
        now: Instant,
        status: StatusCode,
        response: Bytes,
    ) -> Result<(), TransactionError> {
        let code = status.0;
        if !(100..=699).contains(&code) {
            return Err(TransactionError::InvalidStatus);
        }
        match (self.state, code) {
            (IstState::Proceeding, 100..=199) => {
                self.timers.stop(Timer::Trying);
                self.request = None;
                self.out.push(Output::Transmit(response.clone()));
                self.last_response = Some(response);
            }
            (IstState::Proceeding | IstState::Accepted, 200..=299) => {
                // RFC 6026 §8.5: the 2xx is sent once; its retransmission
                // is the TU's job. Accepted, Timer L = 64·T1. It is kept
                // only for the To tag a late CANCEL's 200 needs (§9.2).
                self.out.push(Output::Transmit(response.clone()));
                self.last_response = Some(response);
                if self.state == IstState::Proceeding {
                    self.state = IstState::Accepted;
                    self.request = None;
                    self.timers.clear();
                    self.timers.start(Timer::L, now + self.t1.saturating_mul(64));
                }
            }
            (IstState::Proceeding, _) => {
                // §17.2.1: Completed; Timer G = T1 if unreliable; Timer H =
                // 64·T1 always.
                self.state = IstState::Completed;
                self.request = None;
                self.out.push(Output::Transmit(response.clone()));
                self.last_response = Some(response);
                self.timers.clear();
                if !self.reliable {
                    self.timers.start(Timer::G, now + self.t1);
                }
                self.timers.start(Timer::H, now + self.t1.saturating_mul(64));
            }
            _ => return Err(TransactionError::InvalidState),
        }
        Ok(())
    }

    /// The transport failed to send a response (§17.2.4 as replaced by
    /// RFC 6026 §8.8): the TU is told and the transaction stays in its
    /// state; its timers end it.
    pub fn handle_transport_error(&mut self, _now: Instant) {
        if self.state != IstState::Terminated {
            self.out.push(Output::TransportError);
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
                (IstState::Proceeding, Timer::Trying) => {
                    // §17.2.1: the TU has not answered within 200 ms.
                    if let Some(trying) = self.request.take().and_then(|r| build_trying(&r)) {
                        self.out.push(Output::Transmit(trying.clone()));
                        self.last_response = Some(trying);
                    }
                }
                (IstState::Completed, Timer::G) => {
                    if let Some(r) = &self.last_response {
                        self.out.push(Output::Transmit(r.clone()));
                    }
                    self.interval = self.interval.saturating_mul(2).min(self.t2);
                    // Never re-arm at `now`: a zero T1/T2 would loop here forever.
                    self.timers.start(Timer::G, now + self.interval.max(MIN_RETRANSMIT_INTERVAL));
                }
                (IstState::Completed, Timer::H) => {
                    // No ACK: the TU is told (§17.2.1), e.g. so a UAS core
                    // knows the peer is gone.
                    self.out.push(Output::Timeout);
                    self.terminate();
                }
                (IstState::Confirmed, Timer::I) | (IstState::Accepted, Timer::L) => self.terminate(),
                _ => {}
            }
        }
    }

    fn terminate(&mut self) {
        self.state = IstState::Terminated;
        self.timers.clear();
        self.request = None;
        self.last_response = None;
        self.out.push(Output::Terminated);
    }
}

/// The 100 Trying a transaction sends on its own (§8.2.6.1: no To tag,
/// Timestamp copied).
pub(crate) fn build_trying(request: &[u8]) -> Option<Bytes> {
    let req = Message::parse(request).ok()?;
    response_to(&req, StatusCode::TRYING, None).build().ok().map(|m| Bytes::from(m.into_bytes()))
}
