//! Datagram framing (RFC 3261 §18.3, RFC 5626 §4.4.2).
//!
//! On a message-oriented transport such as UDP each datagram carries exactly
//! one message, so framing is trivial; what remains are the rules of
//! RFC 3261 §18.3 about how the body relates to the datagram:
//!
//! * With a Content-Length, the body is exactly that many octets. Octets
//!   after it are ignored (RFC 3261 §18.3; RFC 4475 §3.1.1.8 `dblreq`).
//! * A Content-Length larger than what the datagram holds is an error: the
//!   message is answered with 400 Bad Request if it is a request (RFC 3261
//!   §18.3; RFC 4475 §3.1.2.2 `clerr`). [`Message::parse_with`] reports it
//!   as [`ErrorKind::Incomplete`](crate::message::ErrorKind::Incomplete) on
//!   [`Element::Body`](crate::message::Element::Body); over a datagram
//!   there is no "more" to wait for.
//! * Without a Content-Length the body runs to the end of the datagram
//!   (RFC 3261 §18.3 makes the header optional on datagram transports).
//! * A datagram larger than [`Limits::max_message_size`] is refused
//!   (513, RFC 3261 §18.1.1 and §21.5.8).
//!
//! A datagram holding nothing but CR and LF octets (or nothing) is not a
//! message: it is a keep-alive. RFC 3261 §7.5 lets CRLFs precede a start
//! line, and deployed UAs send bare CRLFs over UDP to refresh NAT bindings.
//! RFC 5626 §4.4.2 specifies STUN, not CRLF, for keep-alives over UDP; STUN
//! messages are demultiplexed by their first octet (the two top bits are
//! zero, RFC 5389 §6) before they reach this function and are not handled
//! here.

use crate::message::{Limits, Message, ParseError};

/// What one datagram carries.
#[derive(Clone, Debug)]
#[non_exhaustive]
// The message (with its inline header index) is the common case, and boxing
// is not available without `alloc`.
#[allow(clippy::large_enum_variant)]
pub enum Datagram<'a> {
    /// Only CR/LF octets (or none): a keep-alive. Nothing to answer.
    KeepAlive,
    /// One message.
    Message(Message<'a>),
}

impl<'a> Datagram<'a> {
    /// The message, if this datagram carried one.
    pub fn message(&self) -> Option<&Message<'a>> {
        match self {
            Datagram::Message(m) => Some(m),
            Datagram::KeepAlive => None,
        }
    }
}

/// Parses one received datagram under `limits` (see the module
/// documentation for the RFC 3261 §18.3 rules applied).
///
/// ```
/// use sip_proto::message::Limits;
/// use sip_proto::transport::{Datagram, parse_datagram};
///
/// assert!(matches!(parse_datagram(b"\r\n\r\n", &Limits::DEFAULT), Ok(Datagram::KeepAlive)));
/// ```
pub fn parse_datagram<'a>(buf: &'a [u8], limits: &Limits) -> Result<Datagram<'a>, ParseError> {
    if buf.iter().all(|&c| c == b'\r' || c == b'\n') {
        return Ok(Datagram::KeepAlive);
    }
    Message::parse_with(buf, limits).map(Datagram::Message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{Element, ErrorKind, StatusCode};

    // A response: its start line does not depend on the URI parser.
    const OPTIONS: &[u8] = b"SIP/2.0 200 OK\r\n\
Via: SIP/2.0/UDP host.example.com;branch=z9hG4bK1\r\n\
To: <sip:bob@example.com>\r\n\
From: <sip:alice@example.com>;tag=1\r\n\
Call-ID: dg1\r\n\
CSeq: 1 OPTIONS\r\n";

    fn with(tail: &[u8]) -> heapless::Vec<u8, 1024> {
        let mut v = heapless::Vec::new();
        v.extend_from_slice(OPTIONS).unwrap();
        v.extend_from_slice(tail).unwrap();
        v
    }

    #[test]
    fn rfc5626_4_4_2_crlf_only_datagram_is_keep_alive() {
        for d in [&b""[..], b"\r\n", b"\r\n\r\n", b"\n"] {
            assert!(matches!(parse_datagram(d, &Limits::DEFAULT), Ok(Datagram::KeepAlive)), "{d:?}");
        }
    }

    #[test]
    fn rfc3261_18_3_datagram_excess_body_ignored() {
        let buf = with(b"Content-Length: 4\r\n\r\nbodyGARBAGE");
        let Datagram::Message(m) = parse_datagram(&buf, &Limits::DEFAULT).unwrap() else { panic!() };
        assert_eq!(m.body(), b"body");
    }

    #[test]
    fn rfc4475_3_1_1_8_dblreq_trailing_octets_ignored() {
        let buf = include_bytes!("../../tests/corpus/rfc4475/dblreq.dat");
        // dblreq's headers behind a status line (the start line is not what
        // this test is about): the trailing INVITE is ignored.
        let mut v: heapless::Vec<u8, 2048> = heapless::Vec::new();
        v.extend_from_slice(b"SIP/2.0 200 OK\r\n").unwrap();
        let first_line_end = buf.iter().position(|&c| c == b'\n').unwrap() + 1;
        v.extend_from_slice(&buf[first_line_end..]).unwrap();
        let d = parse_datagram(&v, &Limits::DEFAULT).unwrap();
        let m = d.message().unwrap();
        assert_eq!(m.body(), b"");
        assert!(m.as_bytes().ends_with(b"Content-Length: 0\r\n\r\n"));
    }

    #[test]
    fn rfc4475_3_1_2_2_clerr_is_400_over_udp() {
        let buf = with(b"Content-Length: 9999\r\n\r\nshort");
        let e = parse_datagram(&buf, &Limits::DEFAULT).unwrap_err();
        assert_eq!((e.element, e.kind), (Element::Body, ErrorKind::Incomplete));
        assert_eq!(e.status(), StatusCode::BAD_REQUEST);
    }

    #[test]
    fn rfc3261_18_3_no_content_length_body_to_end_of_datagram() {
        let buf = with(b"\r\nrest of datagram");
        let d = parse_datagram(&buf, &Limits::DEFAULT).unwrap();
        assert_eq!(d.message().unwrap().body(), b"rest of datagram");
    }

    #[test]
    fn rfc3261_18_1_1_oversized_datagram_is_513() {
        let buf = with(b"Content-Length: 0\r\n\r\n");
        let limits = Limits { max_message_size: 100, ..Limits::DEFAULT };
        let e = parse_datagram(&buf, &limits).unwrap_err();
        assert_eq!(e.status(), StatusCode::MESSAGE_TOO_LARGE);
    }
}
