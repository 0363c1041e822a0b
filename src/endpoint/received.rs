//! A received message as the transaction user gets it: the bytes, parsed
//! once, and where they came from.

use core::net::SocketAddr;

use bytes::Bytes;

use super::via::ViaStamp;
use crate::message::{Limits, Message, ParseError};
use crate::transport::{ConnectionId, Transport};

/// What the parse borrows from, with where it came from: kept in the
/// cell's one allocation, so that a [`Received`] handed through the event
/// queues is a pointer and a tag, not the 56-byte [`Source`] beside them.
#[derive(Debug)]
struct Owner {
    bytes: Bytes,
    source: Source,
}

self_cell::self_cell!(
    /// The bytes and the parsed view over them, kept together.
    struct Parsed {
        owner: Owner,
        #[covariant]
        dependent: Message,
    }
    impl {Debug}
);

/// Where a received message came from (RFC 3261 §18.2.1: the source the
/// response goes back to).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Source {
    /// The transport it arrived on.
    pub transport: Transport,
    /// The peer's address: the datagram's source, or the connection's
    /// remote end.
    pub peer: SocketAddr,
    /// The connection it arrived on, for stream transports.
    pub connection: Option<ConnectionId>,
}

// Shared ownership of the parse: atomic where the target has pointer-wide
// atomics (so a Received can move between threads), counted otherwise
// (Cortex-M0 and other targets without them).
#[cfg(target_has_atomic = "ptr")]
type Shared<T> = alloc::sync::Arc<T>;
#[cfg(not(target_has_atomic = "ptr"))]
type Shared<T> = alloc::rc::Rc<T>;

/// A message the endpoint received and parsed, handed to the transaction
/// user in an [`Event`](super::Event).
///
/// It owns its bytes (a cheap [`Bytes`] handle, shared with the
/// transaction where one keeps it) and the parse result, so the TU reads
/// typed headers without parsing again. A clone shares the bytes; it
/// shares the parse too once the message is [`into_shared`](Self::into_shared)
/// (as the UA core holds the INVITE it answers later), and otherwise parses
/// the bytes again, under the same limits: most received messages are read
/// once and dropped, and sharing would cost them an allocation each.
#[derive(Debug)]
pub struct Received {
    parsed: Holder,
}

/// The parse, held alone (as nearly every received message is: the TU
/// reads it and drops it) or shared.
///
/// Sharing needs a counted allocation of its own beside the cell's, so a
/// message gets one only when something keeps it while the TU has it too.
#[derive(Debug)]
enum Holder {
    Alone(Parsed),
    Shared(Shared<Parsed>),
}

impl Clone for Received {
    fn clone(&self) -> Self {
        let parsed = match &self.parsed {
            Holder::Shared(p) => Holder::Shared(p.clone()),
            Holder::Alone(p) => {
                // The same bytes under the same limits: the parse is a pure
                // function of both, so it succeeds as it did the first time
                // and gives the same message.
                let limits = p.borrow_dependent().limits;
                let owner = p.borrow_owner();
                let owner = Owner { bytes: owner.bytes.clone(), source: owner.source };
                let mut again = Parsed::new(owner, |o| Message::unparsed(&o.bytes, &limits));
                let parsed = again.with_dependent_mut(|_, m| m.parse_in_place(&limits));
                debug_assert!(parsed.is_ok(), "a received message parses again");
                Holder::Alone(again)
            }
        };
        Received { parsed }
    }
}

impl Received {
    /// Parses `bytes` under `limits`.
    #[inline]
    pub(crate) fn parse(bytes: Bytes, limits: &Limits, source: Source) -> Result<Received, ParseError> {
        // The message is parsed where it stays, inside the cell, instead of
        // being parsed on the stack and moved in (it is nearly 2 KB).
        let mut parsed = Parsed::new(Owner { bytes, source }, |o| Message::unparsed(&o.bytes, limits));
        parsed.with_dependent_mut(|_, m| m.parse_in_place(limits))?;
        Ok(Received { parsed: Holder::Alone(parsed) })
    }

    /// The same message, held so that its clones share the parse instead
    /// of parsing the bytes again (one small allocation, once): for a TU
    /// that keeps the message while handing it on, as the UA core keeps
    /// the INVITE it will answer while the application gets it in an event.
    pub fn into_shared(self) -> Received {
        match self.parsed {
            Holder::Alone(p) => Received { parsed: Holder::Shared(Shared::new(p)) },
            Holder::Shared(_) => self,
        }
    }

    fn cell(&self) -> &Parsed {
        match &self.parsed {
            Holder::Alone(p) => p,
            Holder::Shared(p) => p,
        }
    }

    /// The Via stamp of a request (computed again: it is needed only where
    /// a response or a forwarded request is built).
    pub(crate) fn stamp(&self) -> Option<ViaStamp> {
        super::via::via_stamp(self.message(), self.source())
    }

    /// The top Via value with the `received` and `rport` parameters that
    /// RFC 3261 §18.2.1 and RFC 3581 §4 add, when they add any. The
    /// endpoint writes it into every response sent for this request; a
    /// proxy forwarding the request writes it in place of the received top
    /// Via (so that a stateless hop can route the response).
    pub fn stamped_top_via(&self) -> Option<alloc::vec::Vec<u8>> {
        self.stamp().map(|s| s.stamped())
    }

    /// The parsed message.
    pub fn message(&self) -> &Message<'_> {
        self.cell().borrow_dependent()
    }

    /// The bytes as received. (The `received` and `rport` of RFC 3261
    /// §18.2.1 are in [`stamped_top_via`](Self::stamped_top_via).)
    pub fn bytes(&self) -> &Bytes {
        &self.cell().borrow_owner().bytes
    }

    /// Where it came from.
    pub fn source(&self) -> &Source {
        &self.cell().borrow_owner().source
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INVITE: &[u8] = b"INVITE sip:bob@biloxi.example.com SIP/2.0\r\n\
Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds;rport\r\n\
Max-Forwards: 70\r\nTo: <sip:bob@biloxi.example.com>\r\n\
From: <sip:alice@atlanta.example.com>;tag=1928301774\r\nCall-ID: a84b4c76e66710\r\n\
CSeq: 314159 INVITE\r\nContent-Length: 0\r\n\r\n";

    fn received() -> Received {
        let source =
            Source { transport: Transport::Udp, peer: "192.0.2.4:5060".parse().unwrap(), connection: None };
        Received::parse(Bytes::from_static(INVITE), &Limits::DEFAULT, source).unwrap()
    }

    fn same(a: &Received, b: &Received) {
        let (m, n) = (a.message(), b.message());
        assert_eq!(a.bytes(), b.bytes());
        assert_eq!(a.source(), b.source());
        assert_eq!(m.method(), n.method());
        assert_eq!(m.call_id().ok(), n.call_id().ok());
        assert_eq!(m.cseq().ok().map(|c| c.seq), n.cseq().ok().map(|c| c.seq));
        assert_eq!(m.from().ok().and_then(|f| f.tag()), n.from().ok().and_then(|f| f.tag()));
        assert_eq!(m.top_via().ok().and_then(|v| v.branch()), n.top_via().ok().and_then(|v| v.branch()));
        assert_eq!(m.limits, n.limits);
        assert_eq!(a.stamped_top_via(), b.stamped_top_via());
    }

    /// RFC 3261 §17.2.3, §18.2.1: a clone is the same message, whether it
    /// parses the bytes again (held alone) or shares the parse (held
    /// shared); only the shared one points at the very same parse.
    #[test]
    fn rfc3261_18_2_1_received_clone_is_the_same_message() {
        let alone = received();
        let again = alone.clone();
        same(&alone, &again);
        assert!(!core::ptr::eq(alone.message(), again.message()), "held alone, a clone parses again");
        let shared = alone.into_shared();
        let copy = shared.clone();
        same(&shared, &copy);
        assert!(core::ptr::eq(shared.message(), copy.message()), "held shared, clones share the parse");
        same(&shared.into_shared(), &copy);
    }

    /// A received message goes through the endpoint's and the UA's output
    /// queues inside every event: it stays a pointer and a tag, its source
    /// in the cell's allocation.
    #[test]
    fn received_is_a_pointer_and_a_tag() {
        assert!(core::mem::size_of::<Received>() <= 2 * core::mem::size_of::<usize>());
        assert_eq!(received().source().peer, "192.0.2.4:5060".parse().unwrap());
    }
}
