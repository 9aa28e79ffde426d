//! Verify-and-parse throughput per event kind (placeholder, filled in below).
fn main() {}
