//! sip-proto: a sans-IO SIP protocol core.
//!
//! Bytes go in, parsed messages come out; nothing here opens a socket, reads
//! a clock or draws randomness, so the same code serves a tokio server, a mio
//! loop and a microcontroller UA, and every hostile input is testable and
//! fuzzable without a runtime.
//!
//! The layers, each usable alone:
//!
//! * [`message`] — the SIP grammar (RFC 3261 §7, §19, §20, §25; RFC 5954;
//!   RFC 5118): a zero-copy [`Message`](message::Message) view over the
//!   caller's buffer, typed headers decoded on demand, URIs, multipart bodies
//!   (RFC 5621), the semantic checks a UAS or proxy applies (RFC 3261 §8.2),
//!   and (with `alloc`) builders and a serializer.
//! * [`transport`] — framing only (RFC 3261 §18.3, RFC 5626 §4.4.1): one
//!   message per datagram, and a stream deframer for TCP/TLS with CRLF
//!   keep-alives.
//! * [`transaction`] — the four state machines of RFC 3261 §17 as corrected
//!   by RFC 6026, each usable alone, and the matching keys.
//! * [`endpoint`] — the one object an event loop drives: framing and
//!   transactions behind the four verbs (`handle_*`, `poll_output`,
//!   `poll_timeout`, `handle_timeout`).
//! * [`registration`] (with `alloc`) — the registration client of RFC 3261
//!   §10.2 (with RFC 5626 `+sip.instance` / `reg-id`): the REGISTERs that
//!   keep a Contact bound, refreshes, 423 and failure retries.
//! * [`dialog`] (with `alloc`) — RFC 3261 §12 dialog state and in-dialog
//!   requests.
//! * [`ua`] (with `alloc`) — the UA core: INVITE sessions over dialogs
//!   (RFC 3261 §13–15, RFC 3262, RFC 3311, RFC 6141) behind the same verbs.
//! * [`time`] — the caller-supplied [`Instant`].
//! * [`auth`] (with `alloc`) — digest authentication (RFC 3261 §22,
//!   RFC 7616, RFC 8760): a UAC that answers 401/407 challenges and a
//!   UAS/registrar/proxy side with stateless, HMAC-signed nonces.
//! * [`sim`] (with `alloc`) — a deterministic simulated network in virtual
//!   time (latency, jitter, loss, duplication, partitions; datagrams and
//!   connections) for running whole call flows in tests and examples.
//!
//! # Parsing a message
//!
//! ```
//! use sip_proto::message::{Message, Method};
//!
//! let bytes = b"OPTIONS sip:carol@chicago.example.com SIP/2.0\r\n\
//! Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKhjhs8ass877\r\n\
//! Max-Forwards: 70\r\n\
//! To: <sip:carol@chicago.example.com>\r\n\
//! From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
//! Call-ID: a84b4c76e66710\r\n\
//! CSeq: 63104 OPTIONS\r\n\
//! Content-Length: 0\r\n\r\n";
//!
//! let msg = Message::parse(bytes)?;
//! let request = msg.request().expect("a request");
//! assert_eq!(request.method, Method::Options);
//! assert_eq!(msg.call_id()?, "a84b4c76e66710");
//! assert_eq!(msg.cseq()?.seq, 63104);
//! let via = msg.top_via()?;
//! assert_eq!(via.branch(), Some("z9hG4bKhjhs8ass877"));
//! # Ok::<(), sip_proto::message::ParseError>(())
//! ```
//!
//! # Features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `std` | yes | implies `alloc` |
//! | `alloc` | via `std` | builders, serializer, owned buffers, growable stream deframer |
//! | `arbitrary` | no | `Arbitrary` for configuration types (fuzzing) |
//!
//! With neither `std` nor `alloc` the parser, typed headers, URIs, multipart
//! view and both framers build and run on a caller-provided buffer.
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_auto_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

#[cfg(feature = "alloc")]
pub mod auth;
#[cfg(feature = "alloc")]
pub mod dialog;
#[cfg(feature = "alloc")]
pub mod endpoint;
#[cfg(feature = "alloc")]
pub mod fuzzing;
pub mod message;
#[cfg(feature = "alloc")]
pub mod registration;
#[cfg(feature = "alloc")]
pub mod sim;
pub mod time;
#[cfg(feature = "alloc")]
pub mod transaction;
pub mod transport;
#[cfg(feature = "alloc")]
pub mod ua;

pub use time::Instant;

/// The README's examples, compiled and run as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
