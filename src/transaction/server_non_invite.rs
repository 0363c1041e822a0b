//! The non-INVITE server transaction (RFC 3261 §17.2.2, Figure 8).

use core::time::Duration;

use bytes::Bytes;

use super::timers::{Timer, TimerConfig, TimerSet};
use super::{Output, Outputs, TransactionError, Verdict};
use crate::message::StatusCode;
use crate::time::Instant;

/// The states of RFC 3261 Figure 8.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NistState {
    /// The request was passed to the TU, which has not answered yet.
    Trying,
    /// A provisional was sent; retransmitted requests get it again.
    Proceeding,
    /// The final response was sent; retransmitted requests get it again
    /// until Timer J.
    Completed,
    /// Done; the owner destroys the transaction.
    Terminated,
}

/// A non-INVITE server transaction.
///
/// ```
/// use sip_proto::Instant;
/// use sip_proto::message::StatusCode;
/// use sip_proto::transaction::{NistState, Output, ServerNonInviteTransaction, TimerConfig};
///
/// let request = bytes::Bytes::from_static(b"OPTIONS sip:a@b SIP/2.0\r\n");
/// let ok = bytes::Bytes::from_static(b"SIP/2.0 200 OK\r\n");
/// let mut nist = ServerNonInviteTransaction::new(Instant::ZERO, request, false, TimerConfig::RFC3261);
/// nist.send_response(Instant::ZERO, StatusCode::OK, ok.clone()).unwrap();
/// assert_eq!(nist.poll_output(), Some(Output::Transmit(ok)));
/// assert_eq!(nist.state(), NistState::Completed);
/// // RFC 3261 §17.2.2: Timer J = 64·T1 on an unreliable transport.
/// assert_eq!(nist.poll_timeout(), Some(Instant::from_millis(32_000)));
/// ```
#[derive(Debug)]
// The queue and the timers first and in C order, at the same offsets in
// all four machines, so that the endpoint's poll of whichever machine an
// entry holds is one piece of code rather than one per variant. (The state
// last would let the endpoint's enum hide its tag in the largest machine's
// state niche, 8 bytes less, but decoding that niche on every dispatch
// measured 250 instructions more per call.)
#[repr(C)]
pub struct ServerNonInviteTransaction {
    pub(super) out: Outputs,
    pub(super) timers: TimerSet,
    state: NistState,
    reliable: bool,
    /// Timer J on an unreliable transport (64·T1, §17.2.2): the one value
    /// of the [`TimerConfig`] this machine reads, kept instead of the
    /// whole configuration (80 bytes) in every transaction.
    timer_j: Duration,
    /// The most recent response sent.
    last_response: Option<Bytes>,
}

impl ServerNonInviteTransaction {
    /// Creates the transaction for a request that matched none; the owner
    /// passes the request to the TU. The request itself is not kept: a
    /// non-INVITE server transaction never builds a message of its own.
    pub fn new(_now: Instant, _request: Bytes, reliable: bool, config: TimerConfig) -> Self {
        ServerNonInviteTransaction {
            state: NistState::Trying,
            reliable,
            timer_j: config.timeout_64t1(),
            last_response: None,
            timers: TimerSet::default(),
            out: Outputs::default(),
        }
    }

    /// The current state.
    pub fn state(&self) -> NistState {
        self.state
    }

    /// When `timer` fires next, if it is running.
    pub fn timer(&self, timer: Timer) -> Option<Instant> {
        self.timers.deadline(timer)
    }

    /// Whether the transaction has terminated.
    pub fn is_terminated(&self) -> bool {
        self.state == NistState::Terminated
    }

    /// The last response this transaction sent.
    pub fn last_response(&self) -> Option<&Bytes> {
        self.last_response.as_ref()
    }

    /// Handles a retransmission of the request (§17.2.2): absorbed in
    /// Trying, answered with the last response in Proceeding and Completed.
    pub fn handle_request(&mut self, _now: Instant) -> Verdict {
        if let (NistState::Proceeding | NistState::Completed, Some(r)) = (self.state, &self.last_response) {
            self.out.push(Output::Transmit(r.clone()));
        }
        Verdict::Absorbed
    }

    /// The TU sends `response` (serialized, with status `status`):
    /// provisionals in Trying and Proceeding, then one final. Anything
    /// after the final is refused with [`TransactionError::InvalidState`]
    /// (§17.2.2: "any other final responses passed by the TU … MUST be
    /// discarded").
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
        match self.state {
            NistState::Trying | NistState::Proceeding if code < 200 => {
                self.state = NistState::Proceeding;
                self.out.push(Output::Transmit(response.clone()));
                self.last_response = Some(response);
            }
            NistState::Trying | NistState::Proceeding => {
                // §17.2.2: Completed; Timer J = 64·T1 (0 if reliable).
                self.state = NistState::Completed;
                self.out.push(Output::Transmit(response.clone()));
                let j = if self.reliable { Duration::ZERO } else { self.timer_j };
                self.timers.start(Timer::J, now + j);
                if j.is_zero() {
                    self.handle_timeout(now);
                } else {
                    self.last_response = Some(response);
                }
            }
            _ => return Err(TransactionError::InvalidState),
        }
        Ok(())
    }

    /// The transport failed to send a response (§17.2.4 as replaced by
    /// RFC 6026 §8.8): the TU is told; Timer J still ends the transaction.
    pub fn handle_transport_error(&mut self, _now: Instant) {
        if self.state != NistState::Terminated {
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
            if (self.state, timer) == (NistState::Completed, Timer::J) {
                self.state = NistState::Terminated;
                self.last_response = None;
                self.out.push(Output::Terminated);
            }
        }
    }
}
