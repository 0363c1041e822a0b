//! Parse errors: which element failed, how, and what a server answers.

use super::name::HeaderName;
use super::status::StatusCode;

/// The part of a message a [`ParseError`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[non_exhaustive]
pub enum Element {
    /// The message as a whole (size, framing).
    Message,
    /// The start line as a whole.
    StartLine,
    /// The method of a request line.
    Method,
    /// The Request-URI.
    RequestUri,
    /// The SIP-Version of a start line.
    Version,
    /// The status code of a status line.
    StatusCode,
    /// The reason phrase of a status line.
    ReasonPhrase,
    /// A header field (name or value) of the given kind.
    Header(HeaderName),
    /// A URI (outside the Request-URI).
    Uri,
    /// The message body.
    Body,
    /// A part of a multipart body.
    BodyPart,
}

/// What went wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input ended before the element was complete (for example the
    /// header section has no terminating empty line, or the body is shorter
    /// than Content-Length says).
    Incomplete,
    /// The element does not match its grammar.
    Syntax,
    /// A number is out of its allowed range (RFC 4475 §3.1.2.4).
    OutOfRange,
    /// A header that may appear only once appears more than once
    /// (RFC 4475 §3.3.8, §3.3.9).
    Duplicate,
    /// A header the RFC makes mandatory is missing (RFC 3261 §8.1.1).
    Missing,
    /// The SIP-Version is well formed but not SIP/2.0 (RFC 3261 §8.2.2.1
    /// answers 505).
    UnsupportedVersion,
    /// The URI scheme is not one we understand (RFC 3261 §8.2.2.1: 416).
    UnsupportedScheme,
    /// The message is larger than [`Limits::max_message_size`](super::Limits).
    MessageTooLarge,
    /// More header fields than [`Limits::max_headers`](super::Limits).
    TooManyHeaders,
    /// A line longer than [`Limits::max_line_length`](super::Limits).
    LineTooLong,
    /// More Via values than [`Limits::max_vias`](super::Limits).
    TooManyVias,
    /// Multipart nesting or part count beyond the limits.
    TooManyParts,
    /// The header section is larger than the parser's index can address.
    HeaderSectionTooLarge,
}

/// A parse failure: the element, what was wrong with it, and the status a
/// server answers a request that failed this way with.
///
/// Responses that fail to parse are dropped, never answered (RFC 3261
/// §18.1.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[error("{kind:?} in {element:?}")]
pub struct ParseError {
    /// The element that failed.
    pub element: Element,
    /// How it failed.
    pub kind: ErrorKind,
}

impl ParseError {
    /// Builds an error.
    pub const fn new(element: Element, kind: ErrorKind) -> Self {
        ParseError { element, kind }
    }

    /// A syntax error in `element`.
    pub const fn syntax(element: Element) -> Self {
        ParseError::new(element, ErrorKind::Syntax)
    }

    /// A syntax error in header `name`.
    pub const fn header(name: HeaderName) -> Self {
        ParseError::new(Element::Header(name), ErrorKind::Syntax)
    }

    /// The status a UAS or proxy sends for a request that failed this way.
    ///
    /// * 505 for an unsupported SIP version (RFC 3261 §8.2.2.1 ... §21.5.6);
    /// * 416 for an unsupported Request-URI scheme (§8.2.2.1, §21.4.14);
    /// * 513 for a message over the size limit (§21.5.8);
    /// * 400 for everything else (§21.4.1), including missing, duplicated
    ///   and malformed headers (RFC 4475 §3.1.2, §3.3.1, §3.3.8).
    pub const fn status(&self) -> StatusCode {
        match self.kind {
            ErrorKind::UnsupportedVersion => StatusCode::VERSION_NOT_SUPPORTED,
            ErrorKind::UnsupportedScheme => StatusCode::UNSUPPORTED_URI_SCHEME,
            ErrorKind::MessageTooLarge | ErrorKind::HeaderSectionTooLarge => StatusCode::MESSAGE_TOO_LARGE,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}
