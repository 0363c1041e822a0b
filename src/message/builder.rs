//! Building, serializing and editing messages (feature `alloc`).
//!
//! * [`RequestBuilder`] and [`ResponseBuilder`] assemble a message from
//!   parts (RFC 3261 §8.1.1 lists what a request needs); [`response_to`]
//!   starts a response the way §8.2.6 says a UAS must (Via, From, To, Call-ID
//!   and CSeq copied from the request, a To tag added).
//! * [`MessageEdit`] changes a parsed message the way a proxy forwards one
//!   (§16.6: a Via on top, the top Route popped, the Request-URI replaced,
//!   Max-Forwards decremented) while every field it does not touch is
//!   written back exactly as it arrived, malformed or unknown ones included.
//! * [`write_canonical`] rewrites a parsed message in canonical form.
//!
//! # Output form
//!
//! Builders write `Canonical-Name: value CRLF` for every field (long names
//! from [`HeaderName::as_str`], even for a compact name given as text; a
//! name we do not know is written as given), then `Content-Length`, which
//! is always present and always computed from the body (RFC 3261 §7.4.1,
//! §18.3, §20.14): a Content-Length set by hand is ignored. Requests get
//! `Max-Forwards: 70` after their Via fields unless one is set (§8.1.1.6).
//!
//! # Header injection
//!
//! Every value given as text is checked: a CR or LF would end the header
//! line and let the text add fields or a body of its own, so it is refused
//! with [`BuildError::InvalidHeaderValue`], except as part of a fold
//! (`CRLF 1*WSP`, §7.3.1), which is unfolded. Names must be tokens, the
//! Request-URI may hold no white space, the reason phrase no control
//! characters. Builders remember the first such error and report it from
//! `build`, so calls chain.
//!
//! # Writing
//!
//! `build()` gives an [`OwnedMessage`] (the bytes, re-parsable with
//! [`OwnedMessage::parse`]). `write_to` writes into any [`Sink`]: a
//! [`Vec<u8>`], a caller's `&mut [u8]` through [`SliceSink`], or any
//! [`core::fmt::Write`] through [`FmtSink`].
//!
//! # Example: a request
//!
//! ```
//! use sip_proto::message::builder::RequestBuilder;
//! use sip_proto::message::{HeaderName, Message, Method};
//!
//! let invite = RequestBuilder::new(Method::Invite, "sip:bob@biloxi.example.com")
//!     .via("UDP", "pc33.atlanta.example.com", "z9hG4bK776asdhds")
//!     .to("Bob <sip:bob@biloxi.example.com>")
//!     .from("Alice <sip:alice@atlanta.example.com>;tag=1928301774")
//!     .call_id("a84b4c76e66710@pc33.atlanta.example.com")
//!     .cseq(314159)
//!     .contact("<sip:alice@pc33.atlanta.example.com>")
//!     .header("X-Trace", "42")
//!     .body("application/sdp", b"v=0\r\n".to_vec())
//!     .build()?;
//!
//! let text = core::str::from_utf8(invite.as_bytes()).unwrap();
//! assert!(text.starts_with("INVITE sip:bob@biloxi.example.com SIP/2.0\r\n\
//!     Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n\
//!     Max-Forwards: 70\r\n"));
//! assert!(text.ends_with("Content-Length: 5\r\n\r\nv=0\r\n"));
//! // Parse it back.
//! let msg: Message<'_> = invite.parse()?;
//! assert_eq!(msg.header(HeaderName::CSeq), Some(&b"314159 INVITE"[..]));
//! assert_eq!(msg.body(), b"v=0\r\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Example: answering it
//!
//! ```
//! use sip_proto::message::builder::response_to;
//! use sip_proto::message::{HeaderName, Message, StatusCode};
//! # use sip_proto::message::builder::OwnedMessage;
//!
//! # fn answer(request: &Message<'_>) -> Result<OwnedMessage, Box<dyn std::error::Error>> {
//! // `request` was parsed from the network.
//! let ringing = response_to(request, StatusCode::RINGING, Some("a6c85cf"))
//!     .contact("<sip:bob@192.0.2.4>")
//!     .build()?;
//! let msg = ringing.parse()?;
//! assert_eq!(msg.status(), Some(StatusCode::RINGING));
//! assert_eq!(msg.header(HeaderName::CallId), request.header(HeaderName::CallId));
//! # Ok(ringing)
//! # }
//! ```

mod build;
mod edit;
mod field;
mod sink;

pub use build::{RequestBuilder, ResponseBuilder, response_to};
pub use edit::MessageEdit;
pub use field::FieldName;
pub(crate) use field::is_clean;
pub use sink::{FmtSink, Sink, SinkError, SliceSink};

use alloc::vec::Vec;

use super::{HeaderName, Limits, Message, Method, ParseError, StartLine, StatusCode};
use sink::put_uint;

/// Why a message could not be built, edited or written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// A header name is not a `token`, is longer than 255 bytes, or is
    /// [`HeaderName::Other`] without text (RFC 3261 §7.3.1).
    #[error("header name is not a token")]
    InvalidHeaderName,
    /// A header value holds a line break that is not a fold, or another
    /// control character (RFC 3261 §7.3.1), or does not match the grammar a
    /// convenience setter requires.
    #[error("invalid value for header {0:?}")]
    InvalidHeaderValue(HeaderName),
    /// The method is not a `token` (RFC 3261 §7.1).
    #[error("method is not a token")]
    InvalidMethod,
    /// The Request-URI is empty, holds white space or control characters, or
    /// has no scheme (RFC 3261 §7.1, §25.1).
    #[error("invalid Request-URI")]
    InvalidRequestUri,
    /// The status code is outside 100-699 (RFC 3261 §7.2).
    #[error("status code {0} outside 100-699")]
    InvalidStatus(u16),
    /// The reason phrase holds control characters (RFC 3261 §25.1).
    #[error("invalid reason phrase")]
    InvalidReasonPhrase,
    /// A Via branch is not a token or lacks the `z9hG4bK` magic cookie
    /// (RFC 3261 §8.1.1.7).
    #[error("Via branch must be a token starting with z9hG4bK")]
    InvalidBranch,
    /// A tag is not a token (RFC 3261 §19.3, §25.1).
    #[error("tag is not a token")]
    InvalidTag,
    /// A header the message must carry is missing (RFC 3261 §8.1.1,
    /// §8.2.6.2; Content-Type when there is a body, §20.15).
    #[error("missing header {0:?}")]
    MissingHeader(HeaderName),
    /// The CSeq method differs from the request method (RFC 3261 §8.1.1.5).
    #[error("CSeq method differs from the request method")]
    CSeqMethodMismatch,
    /// A request-only edit on a response.
    #[error("not a request")]
    NotARequest,
    /// Max-Forwards is already 0; a proxy answers 483 instead of
    /// forwarding (RFC 3261 §16.3 step 2).
    #[error("Max-Forwards is 0")]
    MaxForwardsExhausted,
    /// The output [`Sink`] refused the bytes.
    #[error(transparent)]
    Sink(#[from] SinkError),
}

/// A serialized message that owns its bytes: what the builders and
/// [`MessageEdit::into_owned`] produce.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OwnedMessage {
    bytes: Vec<u8>,
}

impl OwnedMessage {
    /// Starts a request (same as [`RequestBuilder::new`]).
    pub fn request(method: Method<'_>, uri: &str) -> RequestBuilder {
        RequestBuilder::new(method, uri)
    }

    /// Starts a response (same as [`ResponseBuilder::new`]).
    pub fn response(status: StatusCode) -> ResponseBuilder {
        ResponseBuilder::new(status)
    }

    /// A canonical copy of a parsed message (see [`write_canonical`]).
    pub fn canonical(msg: &Message<'_>) -> OwnedMessage {
        let mut bytes = Vec::with_capacity(msg.as_bytes().len() + 32);
        // Writing to a Vec cannot fail.
        let _ = write_canonical(msg, &mut bytes);
        OwnedMessage { bytes }
    }

    pub(crate) fn from_vec(bytes: Vec<u8>) -> OwnedMessage {
        OwnedMessage { bytes }
    }

    /// The bytes, ready to send.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The bytes, owned.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// Parses the bytes again, with the default [`Limits`]: a borrowed view
    /// with typed accessors.
    pub fn parse(&self) -> Result<Message<'_>, ParseError> {
        Message::parse(&self.bytes)
    }

    /// Parses the bytes again under `limits`.
    pub fn parse_with(&self, limits: &Limits) -> Result<Message<'_>, ParseError> {
        Message::parse_with(&self.bytes, limits)
    }
}

impl AsRef<[u8]> for OwnedMessage {
    fn as_ref(&self) -> &[u8] {
        &self.bytes
    }
}

impl From<OwnedMessage> for Vec<u8> {
    fn from(m: OwnedMessage) -> Vec<u8> {
        m.bytes
    }
}

impl From<OwnedMessage> for bytes::Bytes {
    fn from(m: OwnedMessage) -> bytes::Bytes {
        bytes::Bytes::from(m.bytes)
    }
}

/// Writes the start line of `msg` in canonical form: `SIP/2.0` as the
/// version, one SP between the parts.
fn write_start_line<S: Sink + ?Sized>(msg: &Message<'_>, out: &mut S) -> Result<(), SinkError> {
    match msg.start_line() {
        StartLine::Request(r) => {
            out.put(r.method.as_str().as_bytes())?;
            out.put(b" ")?;
            out.put(r.raw_uri)?;
            out.put(b" SIP/2.0\r\n")
        }
        StartLine::Response(s) => {
            out.put(b"SIP/2.0 ")?;
            put_uint(out, u64::from(s.status.as_u16()))?;
            out.put(b" ")?;
            out.put(s.reason)?;
            out.put(b"\r\n")
        }
    }
}

/// Writes `Content-Length: n CRLF CRLF` and the body, after the CRLF that
/// ends the last field if `crlf_first` (the builder stores each field as
/// the line it starts, CRLF first; this serializer ends each line itself).
#[inline(always)]
pub(crate) fn write_tail<S: Sink + ?Sized>(
    out: &mut S,
    body: &[u8],
    crlf_first: bool,
) -> Result<(), SinkError> {
    // Most messages have no body: the whole tail in one piece.
    const EMPTY: &[u8] = b"\r\nContent-Length: 0\r\n\r\n";
    const HEAD: &[u8] = b"\r\nContent-Length: ";
    let skip = if crlf_first { 0 } else { 2 };
    if body.is_empty() {
        return out.put(EMPTY.get(skip..).unwrap_or(EMPTY));
    }
    out.put(HEAD.get(skip..).unwrap_or(HEAD))?;
    put_uint(out, body.len() as u64)?;
    out.put(b"\r\n\r\n")?;
    out.put(body)
}

/// Writes a parsed message in canonical form: start line with `SIP/2.0`,
/// each field as `Canonical-Name: value CRLF` (compact and odd-case names
/// spelled out, unknown names as received, values byte-exact but for folds
/// written with CRLF), Content-Length computed from the body (any received
/// one dropped), the empty line and the body.
///
/// Header order is kept, and fields are not combined: RFC 3261 §7.3.1
/// allows combining only for list headers, and keeping fields apart is
/// always correct.
pub fn write_canonical<S: Sink + ?Sized>(msg: &Message<'_>, out: &mut S) -> Result<(), SinkError> {
    write_start_line(msg, out)?;
    // Without a folded line no value holds a line break, so none is
    // looked for (RFC 3261 §7.3.1: only a fold puts one inside a value).
    let folds = msg.has_folds();
    for f in msg.headers() {
        if f.name == HeaderName::ContentLength {
            continue;
        }
        field::write_field(out, f.name, f.raw_name, f.value, folds)?;
    }
    write_tail(out, msg.body(), false)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RESPONSE: &[u8] = b"SIP/2.0 200 OK\r\n\
v: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\r\n\
f: <sip:alice@example.com>;tag=1\r\n\
t: <sip:bob@example.com>;tag=2\r\n\
i: abc@x\r\n\
CSEQ: 1 INVITE\r\n\
X-Odd:   keep  this\r\n\
Subject: one,\r\n two\r\n\
l: 3\r\n\
\r\n\
abc";

    #[test]
    fn rfc3261_7_3_3_canonical_form_spells_out_compact_names() {
        let msg = Message::parse(RESPONSE).unwrap();
        let owned = OwnedMessage::canonical(&msg);
        assert_eq!(
            owned.as_bytes(),
            &b"SIP/2.0 200 OK\r\n\
Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\r\n\
From: <sip:alice@example.com>;tag=1\r\n\
To: <sip:bob@example.com>;tag=2\r\n\
Call-ID: abc@x\r\n\
CSeq: 1 INVITE\r\n\
X-Odd: keep  this\r\n\
Subject: one,\r\n two\r\n\
Content-Length: 3\r\n\
\r\n\
abc"[..]
        );
        let back = owned.parse().unwrap();
        let a: Vec<_> = msg.headers().map(|f| (f.name, f.value)).collect();
        let b: Vec<_> = back.headers().map(|f| (f.name, f.value)).collect();
        assert_eq!(a, b);
        assert_eq!(back.body(), b"abc");
    }

    /// Values are copied without a line-break search only when the
    /// message had no folded line; a fold after a bare LF (which the
    /// parser accepts) is still written with CRLF, by the canonical writer
    /// and by an edit that leaves the line untouched (RFC 3261 §7.3.1).
    #[test]
    fn rfc3261_7_3_1_bare_lf_fold_written_as_crlf_and_plain_values_copied() {
        let folded = b"SIP/2.0 200 OK\nCall-ID: x\nSubject: one,\n two\nX-A: b\n\n";
        let msg = Message::parse(folded).unwrap();
        assert!(msg.has_folds());
        let mut out = Vec::new();
        write_canonical(&msg, &mut out).unwrap();
        let want: &[u8] = b"SIP/2.0 200 OK\r\nCall-ID: x\r\nSubject: one,\r\n two\r\nX-A: b\r\n";
        assert!(out.starts_with(want), "{:?}", alloc::string::String::from_utf8_lossy(&out));
        let edited = MessageEdit::new(&msg).to_vec();
        assert!(edited.starts_with(want), "{:?}", alloc::string::String::from_utf8_lossy(&edited));

        let plain = b"SIP/2.0 200 OK\nCall-ID: x\nSubject: one, two\n\n";
        let msg = Message::parse(plain).unwrap();
        assert!(!msg.has_folds());
        let mut out = Vec::new();
        write_canonical(&msg, &mut out).unwrap();
        assert!(out.starts_with(b"SIP/2.0 200 OK\r\nCall-ID: x\r\nSubject: one, two\r\n"));
        assert_eq!(MessageEdit::new(&msg).to_vec(), out);
    }

    #[test]
    fn rfc3261_18_3_canonical_form_adds_content_length() {
        let msg = Message::parse(b"SIP/2.0 100 Trying\r\nCall-ID: x\r\n\r\nzz").unwrap();
        assert_eq!(msg.content_length(), None);
        let owned = OwnedMessage::canonical(&msg);
        assert_eq!(owned.as_bytes(), b"SIP/2.0 100 Trying\r\nCall-ID: x\r\nContent-Length: 2\r\n\r\nzz");
    }

    #[test]
    fn write_canonical_into_a_fixed_buffer() {
        let msg = Message::parse(RESPONSE).unwrap();
        let mut buf = [0u8; 512];
        let mut sink = SliceSink::new(&mut buf);
        write_canonical(&msg, &mut sink).unwrap();
        assert_eq!(sink.written(), OwnedMessage::canonical(&msg).as_bytes());
        let mut small = [0u8; 64];
        assert_eq!(write_canonical(&msg, &mut SliceSink::new(&mut small)), Err(SinkError));
        let mut s = FmtSink(alloc::string::String::new());
        write_canonical(&msg, &mut s).unwrap();
        assert_eq!(s.0.as_bytes(), OwnedMessage::canonical(&msg).as_bytes());
    }
}
