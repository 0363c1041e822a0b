//! Transport identities: which kind of transport a message travels on, and
//! the opaque handle of a connection the adapter owns.
//!
//! The core never holds a socket. A datagram peer is named by its address;
//! a connection (TCP, TLS, WebSocket) by a [`ConnectionId`] the adapter
//! chooses and reports when it opens, closes or fails.

use core::fmt;

/// An adapter-chosen handle for one connection (a TCP or TLS stream, a
/// WebSocket). The core only compares and echoes it; the adapter maps it
/// to its socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct ConnectionId(pub u64);

impl fmt::Display for ConnectionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "conn#{}", self.0)
    }
}

/// The transport protocol of a Via (RFC 3261 §18, §20.42; RFC 7118 for
/// WS and WSS).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Transport {
    /// UDP: unreliable, message-oriented.
    Udp,
    /// TCP: reliable stream.
    Tcp,
    /// TLS over TCP: reliable stream.
    Tls,
    /// SCTP: reliable, message-oriented.
    Sctp,
    /// SIP over WebSocket (RFC 7118).
    Ws,
    /// SIP over secure WebSocket (RFC 7118).
    Wss,
}

impl Transport {
    /// The token a Via carries for this transport (RFC 3261 §20.42,
    /// RFC 7118 §5.1).
    pub const fn as_via_str(self) -> &'static str {
        match self {
            Transport::Udp => "UDP",
            Transport::Tcp => "TCP",
            Transport::Tls => "TLS",
            Transport::Sctp => "SCTP",
            Transport::Ws => "WS",
            Transport::Wss => "WSS",
        }
    }

    /// Recognises a Via transport token, case-insensitively.
    pub fn from_via_str(s: &str) -> Option<Transport> {
        [Transport::Udp, Transport::Tcp, Transport::Tls, Transport::Sctp, Transport::Ws, Transport::Wss]
            .into_iter()
            .find(|t| t.as_via_str().eq_ignore_ascii_case(s))
    }

    /// Whether the transport delivers reliably, so that the transaction
    /// layer sends no retransmissions and zeroes the wait timers
    /// (RFC 3261 §17.1.1.2, §17.1.2.2, §17.2.1, §17.2.2).
    pub const fn is_reliable(self) -> bool {
        !matches!(self, Transport::Udp)
    }

    /// The default port (RFC 3261 §19.1.2; RFC 7118 uses the HTTP ports).
    pub const fn default_port(self) -> u16 {
        match self {
            Transport::Udp | Transport::Tcp | Transport::Sctp => 5060,
            Transport::Tls => 5061,
            Transport::Ws => 80,
            Transport::Wss => 443,
        }
    }
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_via_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3261_18_only_udp_is_unreliable() {
        assert!(!Transport::Udp.is_reliable());
        assert!(Transport::Tcp.is_reliable() && Transport::Tls.is_reliable() && Transport::Wss.is_reliable());
    }

    #[test]
    fn rfc3261_20_42_via_tokens_round_trip_case_insensitively() {
        assert_eq!(Transport::from_via_str("udp"), Some(Transport::Udp));
        assert_eq!(Transport::from_via_str("WSS"), Some(Transport::Wss));
        assert_eq!(Transport::from_via_str("QUIC"), None);
        assert_eq!(Transport::Tls.default_port(), 5061);
    }
}
