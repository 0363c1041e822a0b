//! Replays the fuzz seed corpus (every RFC 4475 / RFC 5118 message and the
//! bench set) through the fuzz entry points, plus deterministic mutations of
//! each seed (every truncation, byte flips, CR/LF and delimiter injection),
//! so the fuzz invariants are checked by `cargo test` on stable.

use std::fs;
use std::path::Path;

use sip_proto::fuzzing;

fn seeds() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in ["tests/corpus/rfc4475", "tests/corpus/rfc5118", "benches/messages"] {
        let mut entries: Vec<_> = fs::read_dir(root.join(dir)).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for p in entries {
            if p.extension().is_some_and(|e| e == "dat" || e == "sip") {
                out.push((p.display().to_string(), fs::read(&p).unwrap()));
            }
        }
    }
    assert!(out.len() >= 70, "seed corpus missing: {}", out.len());
    out
}

/// Deterministic mutations of one seed.
fn mutations(seed: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for cut in (0..seed.len()).step_by(7) {
        out.push(seed[..cut].to_vec());
    }
    let specials = [b'\r', b'\n', b',', b';', b'"', b'<', b'>', b':', b'[', b'%', b' ', 0u8, 0xff];
    let mut state = seed.len() as u64 | 1;
    for i in 0..48 {
        // xorshift: a fixed, reproducible walk over positions.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        if seed.is_empty() {
            break;
        }
        let pos = (state % seed.len() as u64) as usize;
        let mut m = seed.to_vec();
        m[pos] = specials[i % specials.len()];
        out.push(m);
    }
    out
}

#[test]
fn fuzz_targets_hold_their_invariants_on_the_seed_corpus() {
    let mut runs = 0usize;
    for (_name, seed) in seeds() {
        for input in std::iter::once(seed.clone()).chain(mutations(&seed)) {
            fuzzing::message(&input);
            fuzzing::roundtrip(&input);
            fuzzing::multipart(&input);
            fuzzing::stream(&input);
            runs += 1;
        }
    }
    assert!(runs > 1000);
}

#[test]
fn uri_target_on_every_uri_in_the_corpus() {
    // Every <...> and Request-URI of the seeds, and their truncations.
    for (_name, seed) in seeds() {
        for line in seed.split(|&b| b == b'\n') {
            let mut rest = line;
            while let Some(open) = rest.iter().position(|&b| b == b'<') {
                let after = &rest[open + 1..];
                let Some(close) = after.iter().position(|&b| b == b'>') else { break };
                let uri = &after[..close];
                for cut in 0..=uri.len() {
                    fuzzing::uri(&uri[..cut]);
                }
                rest = &after[close..];
            }
            if let Some(sp) = line.iter().position(|&b| b == b' ') {
                fuzzing::uri(&line[sp + 1..]);
            }
        }
    }
}

#[test]
fn roundtrip_regression_bare_lf_fold() {
    // Found by tests/properties.rs: a fold written with a bare LF comes back
    // from the serializer as CRLF; the value is the same (RFC 3261 §7.3.1).
    let m =
        b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nSubject: a\n\tb\r\nCSeq: 1 INVITE\r\n\r\n";
    fuzzing::roundtrip(m);
    fuzzing::message(m);
}

#[test]
fn roundtrip_regression_full_header_index_without_content_length() {
    // Found by `cargo fuzz run roundtrip`: 128 fields (the index capacity)
    // and no Content-Length; the canonical form adds one and cannot fit.
    let mut m = b"SIP/2.0 200 OK\r\n".to_vec();
    for i in 0..sip_proto::message::HEADER_CAPACITY {
        m.extend_from_slice(format!("X-H{i}: v\r\n").as_bytes());
    }
    m.extend_from_slice(b"\r\n");
    assert!(sip_proto::message::Message::parse(&m).is_ok());
    fuzzing::roundtrip(&m);
}

/// The endpoint target's seed scripts (tests/corpus/endpoint, written by
/// make_seeds.py and copied into fuzz/corpus/endpoint by fuzz/seed.sh), their
/// mutations, and the message corpus fed to it as raw datagram scripts.
#[test]
fn endpoint_target_holds_its_invariants_on_its_seeds() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/endpoint");
    let mut scripts: Vec<Vec<u8>> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "bin"))
        .map(|p| fs::read(p).unwrap())
        .collect();
    assert!(scripts.len() >= 5, "endpoint seeds missing");
    scripts.sort();
    let mut runs = 0usize;
    for seed in &scripts {
        for input in std::iter::once(seed.clone()).chain(mutations(seed)) {
            fuzzing::endpoint(&input);
            runs += 1;
        }
    }
    // Every corpus message as a datagram to each side, then time runs out.
    for (_name, msg) in seeds() {
        for side in [0u8, 0x80] {
            let mut input = vec![0, 4, 0, side];
            input.extend_from_slice(&(msg.len() as u16).to_be_bytes());
            input.extend_from_slice(&msg);
            input.extend_from_slice(&[84 | side, 0, 4, 0, 112, 3, 100]);
            fuzzing::endpoint(&input);
            runs += 1;
        }
    }
    assert!(runs > 300);
}

/// The user-agent target on pseudo-random scripts (a fixed LCG, so the run
/// is the same every time) and on a hand-written one that places a call,
/// rings it reliably, answers, re-INVITEs and hangs up over a perfect
/// network: no panic, and the wind-down leaves both sides empty.
#[test]
fn user_agent_target_holds_its_invariants() {
    // invite (op 45*2), deliver a few, answer, deliver, re-INVITE, hang up.
    let deliver = |side: u8| [side, 4];
    let mut call = vec![1u8, 90];
    for _ in 0..6 {
        call.extend_from_slice(&deliver(0));
        call.extend_from_slice(&deliver(1));
    }
    call.extend_from_slice(&[111, 0, 0]); // side 1 rings reliably
    for _ in 0..6 {
        call.extend_from_slice(&deliver(1));
        call.extend_from_slice(&deliver(0));
    }
    call.extend_from_slice(&[111, 0, 3, 1]); // side 1 answers
    for _ in 0..8 {
        call.extend_from_slice(&deliver(1));
        call.extend_from_slice(&deliver(0));
    }
    call.extend_from_slice(&[146, 0]); // side 0 re-INVITEs
    for _ in 0..8 {
        call.extend_from_slice(&deliver(0));
        call.extend_from_slice(&deliver(1));
    }
    call.extend_from_slice(&[130, 0]); // side 0 hangs up
    fuzzing::user_agent(&call);

    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..400 {
        let mut script = Vec::with_capacity(600);
        for _ in 0..600 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            script.push((x >> 56) as u8);
        }
        fuzzing::user_agent(&script);
    }
}

/// Inputs the user-agent fuzzer found, kept as regressions
/// (tests/corpus/user_agent).
#[test]
fn user_agent_target_regressions() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/user_agent");
    for e in fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        fuzzing::user_agent(&fs::read(&p).unwrap());
    }
}
