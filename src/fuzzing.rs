//! Fuzz entry points. STUB.
