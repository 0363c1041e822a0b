//! Multipart bodies (RFC 5621, RFC 2046). INTERFACE STUB.
