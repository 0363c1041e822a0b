//! Transactions (RFC 3261 §17, as corrected by RFC 6026): the four state
//! machines that make SIP reliable over unreliable transports.
//!
//! * [`ClientInviteTransaction`] — §17.1.1, RFC 6026 Figure 5 (Calling,
//!   Proceeding, Completed, Accepted, Terminated; Timers A, B, D, M).
//! * [`ClientNonInviteTransaction`] — §17.1.2 (Trying, Proceeding,
//!   Completed, Terminated; Timers E, F, K).
//! * [`ServerInviteTransaction`] — §17.2.1, RFC 6026 Figure 7
//!   (Proceeding, Completed, Confirmed, Accepted, Terminated; Timers G, H,
//!   I, L and the 200 ms 100 Trying).
//! * [`ServerNonInviteTransaction`] — §17.2.2 (Trying, Proceeding,
//!   Completed, Terminated; Timer J).
//! * [`key`] — the matching rules of §17.1.3 and §17.2.3.
//!
//! Each machine is usable alone and follows the crate's driving contract:
//! feed it a message or a timer firing, then drain
//! [`poll_output`](ClientInviteTransaction::poll_output) (what to send,
//! what to tell the transaction user) and ask
//! [`poll_timeout`](ClientInviteTransaction::poll_timeout) for the next
//! deadline. A machine never knows where its bytes go: its owner (usually
//! the [`Endpoint`](crate::endpoint::Endpoint)) sends every
//! [`Output::Transmit`] to the destination the transaction was created
//! for. Whether a received message goes up to the transaction user is the
//! [`Verdict`] the handler returns, so the owner passes its own parsed
//! copy on without the machine copying it.

mod client_invite;
mod client_non_invite;
pub mod key;
mod server_invite;
mod server_non_invite;
mod timers;

pub(crate) use client_invite::hop_request;
pub use client_invite::{ClientInviteTransaction, IctState};
pub use client_non_invite::{ClientNonInviteTransaction, NictState};
pub use server_invite::{IstState, ServerInviteTransaction};
pub use server_non_invite::{NistState, ServerNonInviteTransaction};
pub use timers::{Timer, TimerConfig, TimerConfigError};

use bytes::Bytes;

/// What a transaction asks its owner to do, drained with `poll_output`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// Pass these bytes to the transport, to the destination (address,
    /// port and transport, or connection) the transaction was created
    /// for: a request or its retransmission, an ACK, a response.
    Transmit(Bytes),
    /// Timer B, F or H fired: tell the transaction user the transaction
    /// timed out (for a client transaction, the equivalent of a 408,
    /// RFC 3261 §8.1.3.1).
    Timeout,
    /// The transport reported a failure while the transaction was sending
    /// (§17.1.4, §17.2.4): the equivalent of a 503 for a client.
    TransportError,
    /// The transaction reached Terminated and must be destroyed
    /// (§17.1.1.2, §17.2.1: "the instant it enters the Terminated state").
    Terminated,
}

/// Why a transaction refused what its TU asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransactionError {
    /// The state machine has no transition for it: a response after the
    /// final one (§17.2.2: "MUST be discarded"), a non-2xx after a 2xx.
    #[error("the transaction cannot send that response in its current state")]
    InvalidState,
    /// The status code is not 100–699.
    #[error("status code outside 100-699")]
    InvalidStatus,
}

/// Whether a message a transaction handled goes up to the transaction user.
#[must_use]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Pass the message to the transaction user.
    ToTransactionUser,
    /// The transaction absorbed it (a retransmission, or a message the
    /// state machine discards).
    Absorbed,
}

/// The few outputs one input can produce (a transmit and a termination at
/// most, plus a notice), kept inline so a transaction allocates nothing
/// beyond the messages it must keep. Three slots, not four: no input
/// queues more than three (the worst is Timers A and B, or G and H, due
/// at once: a retransmission, the timeout and the termination), and the
/// fourth slot was 40 bytes in every table entry.
#[derive(Debug, Default)]
pub(crate) struct Outputs(heapless::Deque<Output, 3>);

impl Outputs {
    pub(crate) fn push(&mut self, o: Output) {
        // Never more than three are queued between drains; should an owner
        // fail to drain, the oldest is dropped rather than growing.
        if self.0.is_full() {
            self.0.pop_front();
        }
        let _ = self.0.push_back(o);
    }

    pub(crate) fn pop(&mut self) -> Option<Output> {
        self.0.pop_front()
    }
}

#[cfg(test)]
mod layout_tests {
    use super::*;
    use crate::time::Instant;
    use core::mem::{offset_of, size_of};

    /// Each machine keeps its RFC 3261 Table 4 timer values as 8-byte
    /// delays rather than the whole `TimerConfig`, and the four keep their
    /// output queue and timers at the same offsets (the endpoint's poll
    /// is then one piece of code for all of them).
    #[test]
    fn rfc3261_17_machines_stay_small_and_share_their_queue_offsets() {
        assert!(size_of::<ClientInviteTransaction>() <= 272, "{}", size_of::<ClientInviteTransaction>());
        assert!(size_of::<ClientNonInviteTransaction>() <= 240);
        assert!(size_of::<ServerInviteTransaction>() <= 280, "{}", size_of::<ServerInviteTransaction>());
        assert!(size_of::<ServerNonInviteTransaction>() <= 232);
        assert_eq!(offset_of!(ClientInviteTransaction, out), 0);
        assert_eq!(offset_of!(ClientNonInviteTransaction, out), 0);
        assert_eq!(offset_of!(ServerInviteTransaction, out), 0);
        assert_eq!(offset_of!(ServerNonInviteTransaction, out), 0);
        let t = offset_of!(ClientInviteTransaction, timers);
        assert_eq!(offset_of!(ClientNonInviteTransaction, timers), t);
        assert_eq!(offset_of!(ServerInviteTransaction, timers), t);
        assert_eq!(offset_of!(ServerNonInviteTransaction, timers), t);
    }

    /// RFC 3261 §17.1.1.2: Timers A and B due in one `handle_timeout` (the
    /// owner woke late) give the three outputs the queue holds at most —
    /// the retransmission, the timeout and the termination — none dropped.
    #[test]
    fn rfc3261_17_1_1_2_timers_a_and_b_due_at_once_lose_no_output() {
        let invite = Bytes::from_static(b"INVITE sip:bob@biloxi.example.com SIP/2.0\r\n\r\n");
        let mut ict =
            ClientInviteTransaction::new(Instant::ZERO, invite.clone(), false, TimerConfig::RFC3261);
        assert_eq!(ict.poll_output(), Some(Output::Transmit(invite.clone())));
        ict.handle_timeout(Instant::from_millis(40_000));
        assert_eq!(ict.poll_output(), Some(Output::Transmit(invite)));
        assert_eq!(ict.poll_output(), Some(Output::Timeout));
        assert_eq!(ict.poll_output(), Some(Output::Terminated));
        assert_eq!(ict.poll_output(), None);
    }

    /// RFC 3261 §17.2.1: Timers G and H due together in Completed give a
    /// retransmitted final, the timeout and the termination, in order.
    #[test]
    fn rfc3261_17_2_1_timers_g_and_h_due_at_once_lose_no_output() {
        let invite = Bytes::from_static(
            b"INVITE sip:bob@biloxi.example.com SIP/2.0\r\n\
Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n\
Max-Forwards: 70\r\nTo: Bob <sip:bob@biloxi.example.com>\r\n\
From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\nCSeq: 314159 INVITE\r\nContent-Length: 0\r\n\r\n",
        );
        let mut ist = ServerInviteTransaction::new(Instant::ZERO, invite, false, TimerConfig::RFC3261);
        let busy = Bytes::from_static(b"SIP/2.0 486 Busy Here\r\n\r\n");
        ist.send_response(Instant::ZERO, crate::message::StatusCode(486), busy.clone()).unwrap();
        assert_eq!(ist.poll_output(), Some(Output::Transmit(busy.clone())));
        ist.handle_timeout(Instant::from_millis(40_000));
        assert_eq!(ist.poll_output(), Some(Output::Transmit(busy)));
        assert_eq!(ist.poll_output(), Some(Output::Timeout));
        assert_eq!(ist.poll_output(), Some(Output::Terminated));
        assert_eq!(ist.poll_output(), None);
    }
}
