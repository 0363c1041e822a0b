//! A received message as the transaction user gets it: the bytes, parsed
//! once, and where they came from.

use core::net::SocketAddr;

use bytes::Bytes;

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

/// A message the endpoint received and parsed, handed to the transaction
/// user in an [`Event`](super::Event).
///
/// It owns its bytes (a cheap [`Bytes`] handle, shared with the
/// transaction where one keeps it) and the parse result, so the TU reads
/// typed headers without parsing again.
#[derive(Debug)]
pub struct Received {
    parsed: Parsed,
    source: Source,
}

impl Received {
    /// Parses `bytes` under `limits`.
    pub(crate) fn parse(bytes: Bytes, limits: &Limits, source: Source) -> Result<Received, ParseError> {
        let parsed = Parsed::try_new(bytes, |b| Message::parse_with(b, limits))?;
        Ok(Received { parsed, source })
    }

    /// The parsed message.
    pub fn message(&self) -> &Message<'_> {
        self.parsed.borrow_dependent()
    }

    /// The bytes as received (for a request, with `received` and `rport`
    /// already added to the top Via where RFC 3261 §18.2.1 and RFC 3581
    /// ask for them).
    pub fn bytes(&self) -> &Bytes {
        self.parsed.borrow_owner()
    }

    /// Where it came from.
    pub fn source(&self) -> &Source {
        &self.source
    }
}
