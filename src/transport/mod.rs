//! Transport framing (RFC 3261 §18.3, RFC 5626 §4.4.1): where one message
//! ends and the next begins. No sockets: bytes in, frames out. STUB.
