//! The SIP message grammar: zero-copy parsing, typed headers on demand,
//! URIs, multipart bodies, semantic validation, and (with `alloc`) building
//! and serializing.
//!
//! * [`Message::parse`] — a borrowed view over one complete message
//!   (RFC 3261 §7); no allocation, linear time.
//! * [`headers`] — typed decoders for header values (RFC 3261 §20 and the
//!   extensions listed there), used through `Message` accessors.
//! * [`uri`] — SIP, SIPS and tel URIs, other schemes kept opaque (§19).
//! * [`multipart`] — borrowed views of multipart bodies (RFC 5621).
//! * [`validate`] — the checks of RFC 3261 §8.2 a UAS or proxy applies
//!   after parsing, each yielding the response status the RFC names.

mod error;
pub mod headers;
pub mod lex;
mod limits;
mod method;
pub mod multipart;
mod name;
mod parse;
mod status;
pub mod uri;
pub mod validate;

#[cfg(feature = "alloc")]
pub mod builder;

pub use error::{Element, ErrorKind, ParseError};
pub use limits::{HEADER_CAPACITY, Limits, MAX_HEADER_SECTION};
pub use method::Method;
pub use name::HeaderName;
pub use parse::{HeaderField, HeaderFields, Message, RequestLine, StartLine, StatusLine};
pub use status::StatusCode;
pub use uri::{Host, SipUri, Uri};
