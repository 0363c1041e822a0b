//! A `#![no_std]` consumer of sip-proto: parses a message on a caller
//! buffer, decodes a few headers, and frames a stream chunk, with no
//! allocator and no std.
#![no_std]

use core::panic::PanicInfo;
use sip_proto::message::{HeaderName, Message};

#[panic_handler]
fn panic(_: &PanicInfo) -> ! {
    loop {}
}

const INVITE: &[u8] = b"INVITE sip:bob@biloxi.example.com SIP/2.0\r\n\
Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n\
Max-Forwards: 70\r\n\
To: Bob <sip:bob@biloxi.example.com>\r\n\
From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n\
CSeq: 314159 INVITE\r\n\
Content-Length: 0\r\n\r\n";

/// Returns the number of header fields plus the CSeq number, or 0 on a
/// parse failure; exported so the linker keeps the whole path.
#[unsafe(no_mangle)]
pub extern "C" fn sip_proto_no_std_check() -> u32 {
    match Message::parse(INVITE) {
        Ok(m) => {
            let via_ok = m.header(HeaderName::Via).is_some();
            let seq = m.cseq().map(|c| c.seq).unwrap_or(0);
            m.header_count() as u32 + seq + via_ok as u32
        }
        Err(_) => 0,
    }
}
