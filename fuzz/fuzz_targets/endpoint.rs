#![no_main]
// Thin wrapper: the checks live in sip_proto::fuzzing so that the seed
// corpus is also replayed by `cargo test` (tests/fuzz_replay.rs).
libfuzzer_sys::fuzz_target!(|data: &[u8]| sip_proto::fuzzing::endpoint(data));
