//! Transport framing (RFC 3261 §18.3, RFC 5626 §4.4.1): where one message
//! ends and the next begins. No sockets: bytes in, frames out.
//!
//! * [`datagram`] — UDP and other message-oriented transports: one datagram
//!   is one message, or a keep-alive ([`parse_datagram`]).
//! * [`stream`] — TCP, TLS, WebSocket-less byte streams: a deframer fed
//!   arbitrary chunks that cuts complete messages by Content-Length and
//!   reports CRLF keep-alives ([`StreamDeframer`], and with `alloc`
//!   `BytesDeframer`).
//!
//! Framing decides only where messages start and end; each message frame is
//! then parsed with [`Message::parse_with`](crate::message::Message::parse_with).

pub mod connection;
pub mod datagram;
pub mod stream;

pub use connection::{ConnectionId, Transport};
pub use datagram::{Datagram, parse_datagram};
#[cfg(feature = "alloc")]
pub use stream::BytesDeframer;
pub use stream::{Frame, FramingError, PING, PONG, StreamDeframer};
