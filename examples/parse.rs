//! Prints the structure of a SIP message: `cargo run --example parse -- FILE`
//! (or a message on standard input). Exits non-zero if it does not parse.
//!
//! With no argument and a terminal on stdin it parses a built-in INVITE, so
//! `cargo run --example parse` shows something on a fresh clone.

use std::io::{IsTerminal, Read};
use std::process::ExitCode;

use sip_proto::message::multipart::Multipart;
use sip_proto::message::validate::{self, Policy};
use sip_proto::message::{Message, StartLine};

const SAMPLE: &[u8] = include_bytes!("../benches/messages/01_invite_sdp.sip");

fn main() -> ExitCode {
    let bytes = match std::env::args().nth(1) {
        Some(path) if path == "-h" || path == "--help" => {
            println!("usage: parse [FILE]   (FILE or stdin; a built-in INVITE if neither)");
            return ExitCode::SUCCESS;
        }
        Some(path) => match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{path}: {e}");
                return ExitCode::from(2);
            }
        },
        None if !std::io::stdin().is_terminal() => {
            let mut b = Vec::new();
            if let Err(e) = std::io::stdin().read_to_end(&mut b) {
                eprintln!("stdin: {e}");
                return ExitCode::from(2);
            }
            if b.is_empty() { SAMPLE.to_vec() } else { b }
        }
        None => SAMPLE.to_vec(),
    };

    let msg = match Message::parse(&bytes) {
        Ok(m) => m,
        Err(e) => {
            println!("rejected: {e} -> a server answers {}", e.status());
            return ExitCode::FAILURE;
        }
    };
    match msg.start_line() {
        StartLine::Request(r) => println!("request  {} {}", r.method, r.uri),
        StartLine::Response(s) => println!("response {} {}", s.status, String::from_utf8_lossy(s.reason)),
    }
    println!("headers  ({})", msg.header_count());
    for h in msg.headers() {
        let value = String::from_utf8_lossy(h.value).replace("\r\n", "\\r\\n");
        let known = if h.name.as_str().is_empty() { "?" } else { h.name.as_str() };
        println!("  {:<20} [{known}] {value}", String::from_utf8_lossy(h.raw_name));
    }
    println!("decoded");
    if let Ok(via) = msg.top_via() {
        println!(
            "  top Via     {} {} branch={:?} rport={:?}",
            via.transport,
            via.host,
            via.branch(),
            via.rport()
        );
    }
    if let (Ok(from), Ok(to)) = (msg.from(), msg.to()) {
        println!("  From        {} tag={:?}", from.uri, from.tag());
        println!("  To          {} tag={:?}", to.uri, to.tag());
    }
    if let (Ok(id), Ok(cseq)) = (msg.call_id(), msg.cseq()) {
        println!("  Call-ID     {id}");
        println!("  CSeq        {} {}", cseq.seq, cseq.method);
    }
    for c in msg.contacts() {
        match c {
            Ok(c) => println!("  Contact     {:?} expires={:?}", c.uri().map(|u| u.to_string()), c.expires()),
            Err(e) => println!("  Contact     malformed: {e}"),
        }
    }
    println!("body     {} bytes", msg.body().len());
    if let Some(Ok(mp)) = Multipart::of(&msg) {
        for (i, part) in mp.parts().enumerate() {
            let ct = part.content_type().map(String::from_utf8_lossy);
            println!("  part {i}: {} bytes, Content-Type {:?}", part.body().len(), ct);
        }
    }
    if let Err(e) = validate::decode_all(&msg) {
        println!("strict   a header fails to decode: {e}");
    }
    for (role, policy) in [("UA", Policy::user_agent()), ("proxy", Policy::proxy())] {
        let verdict = if msg.is_request() {
            validate::check_request(&msg, &policy).map_err(|r| (r.status, r.problem))
        } else {
            validate::check_response(&msg, &policy).map_err(|r| (r.status, r.problem))
        };
        match verdict {
            Ok(()) => println!("as {role:<6} accepted"),
            Err((status, problem)) => println!("as {role:<6} refused: {status} ({problem:?})"),
        }
    }
    ExitCode::SUCCESS
}
