//! Parser benchmarks (placeholder until the bench issue step lands).
fn main() {}
