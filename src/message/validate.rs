//! Semantic checks of RFC 3261 §8.2. STUB.
