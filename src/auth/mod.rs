//! Digest authentication (feature `alloc`): RFC 3261 §22, RFC 7616,
//! RFC 8760.
//!
//! * [`client`] — the UAC side: [`DigestClient`](client::DigestClient)
//!   answers a 401/407 with the request to send again (CSeq incremented,
//!   credentials added, no Via: the [`Endpoint`](crate::endpoint::Endpoint)
//!   adds a fresh one), refuses to retry rejected credentials, retries a
//!   `stale=true` challenge on its own, and pre-authorizes later requests
//!   from the challenges it has cached.
//! * [`server`] — the UAS, registrar or proxy side:
//!   [`DigestServer`](server::DigestServer) issues challenges with stateless
//!   nonces signed by HMAC-SHA-256 and verifies credentials (realm, nonce
//!   signature and age, the response, nonce-count replays), and proves
//!   itself back in Authentication-Info (`rspauth`, RFC 7616 §3.5).
//! * The functions here ([`ha1`], [`userhash`], [`request_digest`]) are the
//!   hash computations of RFC 7616 §3.4.1-§3.4.4, for callers that keep
//!   their own state (and for the RFC's test vectors).
//!
//! Algorithms: `MD5`, `SHA-256`, `SHA-512-256` and their `-sess` variants
//! (RFC 8760 §2.1); any other token is a challenge this crate does not
//! understand and ignores (RFC 8760 §2.4). Basic is never offered nor
//! accepted (RFC 8760 §2.6). Nothing here reads a clock or draws OS
//! randomness: the time is an argument, the client's cnonces come from a
//! ChaCha12 stream seeded by the caller, and the server's nonces from the
//! caller's secret key.
//!
//! # Example: challenge, answer, verify
//!
//! ```
//! use sip_proto::Instant;
//! use sip_proto::auth::client::DigestClient;
//! use sip_proto::auth::server::{DigestServer, Role, Secret, ServerConfig, Verification};
//! use sip_proto::message::builder::{RequestBuilder, response_to};
//! use sip_proto::message::{Message, Method};
//!
//! // The registrar: a secret key (random, kept for the process) and a realm.
//! let mut server = DigestServer::new(b"registrar key: 32 random bytes..", ServerConfig::new("example.com", Role::Registrar));
//! // The UA: its credentials and a seed for the cnonces.
//! let mut client = DigestClient::new("alice", "secret", [7; 32]);
//!
//! let register = RequestBuilder::new(Method::Register, "sip:example.com")
//!     .via("UDP", "ua.example.com", "z9hG4bK1")
//!     .to("<sip:alice@example.com>")
//!     .from("<sip:alice@example.com>;tag=88")
//!     .call_id("c1@ua.example.com")
//!     .cseq(1)
//!     .build()?;
//! let register = register.parse()?;
//! let now = Instant::from_millis(1_000);
//!
//! // 1. No credentials: the registrar answers 401 with its challenges.
//! let lookup = |q: &sip_proto::auth::server::UserQuery<'_>| {
//!     (q.username == "alice").then(|| Secret::Password("secret".into()))
//! };
//! assert_eq!(server.verify(now, &register, lookup), Verification::Missing);
//! let challenge = server.challenge(now, &register, false, Some("t1")).build()?;
//! let challenge = challenge.parse()?;
//! assert_eq!(challenge.status().map(|s| s.as_u16()), Some(401));
//!
//! // 2. The UA builds the request again with an Authorization header and
//! //    CSeq 2; the endpoint would add the Via (`Endpoint::send_request`).
//! let retry = client.authorize(&register, &challenge)?;
//! let retry = retry.via("UDP", "ua.example.com", "z9hG4bK2").build()?;
//! let retry = retry.parse()?;
//! assert_eq!(retry.cseq()?.seq, 2);
//!
//! // 3. The registrar verifies it.
//! match server.verify(now, &retry, lookup) {
//!     Verification::Verified { username, .. } => assert_eq!(username, "alice"),
//!     other => panic!("{other:?}"),
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod client;
pub mod server;

#[cfg(test)]
mod tests;

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use md5::Md5;
use sha2::{Digest, Sha256, Sha512_256};

pub use crate::message::headers::Algorithm;

/// A quality of protection (RFC 7616 §3.3, §3.4.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Qop {
    /// `auth`: the request digest covers the method and the digest-uri.
    Auth,
    /// `auth-int`: it also covers the hash of the body (RFC 8760 §2.6
    /// item 7: the hash of the empty string when there is none).
    AuthInt,
}

impl Qop {
    /// The token.
    pub fn as_str(self) -> &'static str {
        match self {
            Qop::Auth => "auth",
            Qop::AuthInt => "auth-int",
        }
    }

    /// Recognises `auth` or `auth-int` (case-insensitive).
    pub fn from_token(s: &[u8]) -> Option<Qop> {
        if s.eq_ignore_ascii_case(b"auth") {
            Some(Qop::Auth)
        } else if s.eq_ignore_ascii_case(b"auth-int") {
            Some(Qop::AuthInt)
        } else {
            None
        }
    }
}

/// The hash functions behind the supported algorithms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum HashFn {
    Md5,
    Sha256,
    Sha512_256,
}

impl HashFn {
    /// The hash of `alg`, or `None` for a token this crate does not know.
    fn of(alg: Algorithm<'_>) -> Option<HashFn> {
        match alg {
            Algorithm::Md5 | Algorithm::Md5Sess => Some(HashFn::Md5),
            Algorithm::Sha256 | Algorithm::Sha256Sess => Some(HashFn::Sha256),
            Algorithm::Sha512_256 | Algorithm::Sha512_256Sess => Some(HashFn::Sha512_256),
            Algorithm::Other(_) => None,
        }
    }

    /// Length of the hex form.
    fn hex_len(self) -> usize {
        match self {
            HashFn::Md5 => 32,
            HashFn::Sha256 | HashFn::Sha512_256 => 64,
        }
    }

    /// `H(parts[0] ":" parts[1] ":" ...)` in lowercase hex (RFC 8760 §2.2).
    fn hex(self, parts: &[&[u8]]) -> Hex {
        fn run<D: Digest>(parts: &[&[u8]]) -> Hex {
            let mut d = D::new();
            for (i, p) in parts.iter().enumerate() {
                if i > 0 {
                    d.update(b":");
                }
                d.update(p);
            }
            Hex::of(&d.finalize())
        }
        match self {
            HashFn::Md5 => run::<Md5>(parts),
            HashFn::Sha256 => run::<Sha256>(parts),
            HashFn::Sha512_256 => run::<Sha512_256>(parts),
        }
    }
}

/// Strength rank of a supported algorithm (RFC 8760 §3: MD5 is kept only
/// for compatibility): SHA-512-256 > SHA-256 > MD5; a `-sess` variant
/// ranks with its hash. `None` for tokens this crate cannot compute.
pub fn strength(alg: Algorithm<'_>) -> Option<u8> {
    HashFn::of(alg).map(|h| match h {
        HashFn::Md5 => 1,
        HashFn::Sha256 => 2,
        HashFn::Sha512_256 => 3,
    })
}

/// The `'static` form of a supported algorithm (`None` for
/// [`Algorithm::Other`]).
pub(crate) fn known(alg: Algorithm<'_>) -> Option<Algorithm<'static>> {
    Some(match alg {
        Algorithm::Md5 => Algorithm::Md5,
        Algorithm::Md5Sess => Algorithm::Md5Sess,
        Algorithm::Sha256 => Algorithm::Sha256,
        Algorithm::Sha256Sess => Algorithm::Sha256Sess,
        Algorithm::Sha512_256 => Algorithm::Sha512_256,
        Algorithm::Sha512_256Sess => Algorithm::Sha512_256Sess,
        Algorithm::Other(_) => return None,
    })
}

/// A digest in lowercase hex: 32 characters for MD5, 64 for SHA-256 and
/// SHA-512/256. Held inline, no allocation.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Hex {
    buf: [u8; 64],
    len: u8,
}

impl Hex {
    fn of(bytes: &[u8]) -> Hex {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut h = Hex { buf: [0; 64], len: 0 };
        for (i, &b) in bytes.iter().take(32).enumerate() {
            h.buf[2 * i] = DIGITS[usize::from(b >> 4)];
            h.buf[2 * i + 1] = DIGITS[usize::from(b & 15)];
            h.len += 2;
        }
        h
    }

    /// Copies hex digits (at most 64), lowercased.
    fn from_hex(hex: &[u8]) -> Hex {
        let mut h = Hex { buf: [0; 64], len: 0 };
        for (d, s) in h.buf.iter_mut().zip(hex) {
            *d = s.to_ascii_lowercase();
            h.len += 1;
        }
        h
    }

    /// The hex digits.
    pub fn as_str(&self) -> &str {
        // Only ASCII hex digits are ever stored.
        core::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }

    /// The hex digits as bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..usize::from(self.len)]
    }
}

impl fmt::Debug for Hex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Hex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl AsRef<str> for Hex {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

/// `H(unq(username) ":" unq(realm) ":" passwd)` (RFC 7616 §3.4.2), the
/// non-session HA1 a user database may store in place of the password.
/// For a `-sess` algorithm this is the inner hash, the same value as for
/// the algorithm without `-sess`. `None` for an unknown algorithm.
pub fn ha1(alg: Algorithm<'_>, username: &[u8], realm: &[u8], password: &[u8]) -> Option<Hex> {
    Some(HashFn::of(alg)?.hex(&[username, realm, password]))
}

/// `H(unq(username) ":" unq(realm))`, the hashed username (RFC 7616
/// §3.4.4). `None` for an unknown algorithm.
pub fn userhash(alg: Algorithm<'_>, username: &[u8], realm: &[u8]) -> Option<Hex> {
    Some(HashFn::of(alg)?.hex(&[username, realm]))
}

/// The inputs of a request digest (RFC 7616 §3.4.1-§3.4.3), values
/// unquoted (quoted-pairs resolved).
#[derive(Clone, Copy, Debug)]
pub struct DigestParams<'a> {
    /// The algorithm.
    pub algorithm: Algorithm<'a>,
    /// The non-session HA1 in hex, from [`ha1`] (case-insensitive hex).
    pub ha1: &'a [u8],
    /// The server's nonce.
    pub nonce: &'a [u8],
    /// The client's nonce (needed with a qop or a `-sess` algorithm).
    pub cnonce: &'a [u8],
    /// The nonce count.
    pub nc: u32,
    /// The qop, or `None` for the RFC 2069 form (RFC 3261 §22.4 item 8).
    pub qop: Option<Qop>,
    /// The request method.
    pub method: &'a [u8],
    /// The digest-uri (for SIP, the Request-URI: RFC 8760 §2.6 item 3).
    pub uri: &'a [u8],
    /// The body (used with `auth-int` only).
    pub body: &'a [u8],
}

/// The request digest, the `response` parameter (RFC 7616 §3.4.1; without
/// a qop, `KD(HA1, nonce ":" HA2)` as RFC 2069 and RFC 3261 §22.4 have it).
/// `None` for an unknown algorithm or an HA1 of the wrong length.
pub fn request_digest(p: &DigestParams<'_>) -> Option<Hex> {
    let h = HashFn::of(p.algorithm)?;
    if p.ha1.len() != h.hex_len() || !p.ha1.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    let mut ha1_lc = [0u8; 64];
    for (d, s) in ha1_lc.iter_mut().zip(p.ha1) {
        *d = s.to_ascii_lowercase();
    }
    let ha1_lc = &ha1_lc[..p.ha1.len()];
    let sess;
    let ha1 = if p.algorithm.is_sess() {
        sess = h.hex(&[ha1_lc, p.nonce, p.cnonce]);
        sess.as_bytes()
    } else {
        ha1_lc
    };
    let ha2 = match p.qop {
        Some(Qop::AuthInt) => h.hex(&[p.method, p.uri, h.hex(&[p.body]).as_bytes()]),
        _ => h.hex(&[p.method, p.uri]),
    };
    Some(match p.qop {
        Some(q) => {
            let nc = nc_hex(p.nc);
            h.hex(&[ha1, p.nonce, &nc, p.cnonce, q.as_str().as_bytes(), ha2.as_bytes()])
        }
        None => h.hex(&[ha1, p.nonce, ha2.as_bytes()]),
    })
}

/// `nc-value = 8LHEX` (RFC 3261 §25.1).
pub(crate) fn nc_hex(nc: u32) -> [u8; 8] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 8];
    for (i, d) in out.iter_mut().enumerate() {
        *d = DIGITS[((nc >> (28 - 4 * i)) & 15) as usize];
    }
    out
}

/// Compares two byte strings in time that depends on their lengths only.
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Case-insensitive hex comparison in constant time (the response may be
/// sent in either case).
pub(crate) fn ct_eq_hex(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x.to_ascii_lowercase() ^ y.to_ascii_lowercase())) == 0
}

/// The value of a quoted-string (the bytes between the DQUOTEs as the
/// parser returns them) with quoted-pairs resolved. `None` if it holds a
/// control character (a fold included) or is longer than `max`, checked
/// before anything is copied.
pub(crate) fn unquote(raw: &[u8], max: usize) -> Option<String> {
    if raw.len() > 2 * max {
        return None;
    }
    let v: Vec<u8> = crate::message::lex::Unquoted::new(raw).collect();
    if v.len() > max || v.iter().any(|&c| c < 0x20 || c == 0x7f) {
        return None;
    }
    String::from_utf8(v).ok()
}

/// Appends `name="value"`, escaping `"` and `\` as quoted-pairs.
pub(crate) fn push_quoted(out: &mut String, name: &str, value: &str) {
    push_sep(out);
    out.push_str(name);
    out.push_str("=\"");
    for c in value.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}

/// Appends `name=token`.
pub(crate) fn push_token(out: &mut String, name: &str, value: &str) {
    push_sep(out);
    out.push_str(name);
    out.push('=');
    out.push_str(value);
}

fn push_sep(out: &mut String) {
    if !out.ends_with("Digest ") {
        out.push_str(", ");
    }
}

/// URL-safe base64 without padding (RFC 4648 §5): token characters only,
/// so a nonce or cnonce never needs escaping.
pub(crate) fn base64url(bytes: &[u8], out: &mut String) {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
}

/// Decodes [`base64url`] into `out`; `None` on a bad character or length.
pub(crate) fn base64url_decode<const N: usize>(s: &[u8]) -> Option<[u8; N]> {
    fn val(c: u8) -> Option<u32> {
        Some(u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        }))
    }
    if s.len() != (N * 4).div_ceil(3) {
        return None;
    }
    let mut out = [0u8; N];
    let mut k = 0;
    for chunk in s.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= val(c)? << (18 - 6 * i);
        }
        for i in 0..chunk.len() - 1 {
            *out.get_mut(k)? = (n >> (16 - 8 * i)) as u8;
            k += 1;
        }
    }
    // Reject non-canonical encodings (stray low bits in the last char).
    let mut again = String::new();
    base64url(&out, &mut again);
    (again.as_bytes() == s).then_some(out)
}
