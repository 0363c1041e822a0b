//! A received message as the transaction user gets it: the bytes, parsed
//! once, and where they came from.

use core::net::SocketAddr;

use bytes::Bytes;

use super::via::ViaStamp;
use crate::message::{Limits, Message, ParseError};
use crate::transport::{ConnectionId, Transport};

self_cell::self_cell!(
    /// The bytes and the parsed view over them, kept together.
    struct Parsed {
        owner: Bytes,
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
/// typed headers without parsing again. Cloning it shares both.
#[derive(Clone, Debug)]
pub struct Received {
    parsed: Shared<Parsed>,
    source: Source,
}

impl Received {
    /// Parses `bytes` under `limits`.
    pub(crate) fn parse(bytes: Bytes, limits: &Limits, source: Source) -> Result<Received, ParseError> {
        // The message is parsed where it stays, inside the cell, instead of
        // being parsed on the stack and moved in (it is nearly 2 KB).
        let mut parsed = Parsed::new(bytes, |b| Message::unparsed(b, limits));
        parsed.with_dependent_mut(|_, m| m.parse_in_place(limits))?;
        Ok(Received { parsed: Shared::new(parsed), source })
    }

    /// The Via stamp of a request (computed again: it is needed only where
    /// a response or a forwarded request is built).
    pub(crate) fn stamp(&self) -> Option<ViaStamp> {
        super::via::via_stamp(self.message(), &self.source)
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
        self.parsed.borrow_dependent()
    }

    /// The bytes as received. (The `received` and `rport` of RFC 3261
    /// §18.2.1 are in [`stamped_top_via`](Self::stamped_top_via).)
    pub fn bytes(&self) -> &Bytes {
        self.parsed.borrow_owner()
    }

    /// Where it came from.
    pub fn source(&self) -> &Source {
        &self.source
    }
}
