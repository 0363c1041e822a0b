//! Builders and serializer. STUB.
