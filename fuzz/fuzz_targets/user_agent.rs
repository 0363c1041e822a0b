#![no_main]
// Thin wrapper: the checks live in sip_proto::fuzzing so that `cargo test`
// replays seeds through them too (tests/fuzz_replay.rs).
libfuzzer_sys::fuzz_target!(|data: &[u8]| sip_proto::fuzzing::user_agent(data));
