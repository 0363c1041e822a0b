//! The UAS, registrar and proxy side of digest authentication (RFC 3261
//! §22.1, §22.3, §22.4; RFC 7616 §3.3, §3.4; RFC 8760 §2.3).
//!
//! [`DigestServer`] issues challenges and verifies credentials. Its nonces
//! are stateless: each is
//!
//! ```text
//! base64url( timestamp_ms (8 bytes, big-endian) || counter (8 bytes)
//!            || HMAC-SHA-256(secret, timestamp_ms || counter || realm)[..16] )
//! ```
//!
//! so a nonce the server did not issue (or issued for another realm) is
//! refused without any table lookup, and its age is read from the nonce
//! itself. The timestamp is the `now` the caller passes (no clock is read);
//! the counter makes two nonces issued in the same millisecond differ.
//!
//! # What is remembered
//!
//! Only nonces that carried a *correct* response are remembered, with the
//! highest nonce count seen and a 64-count window below it (so requests
//! sent with one nonce may arrive out of order, as over UDP, without being
//! taken for replays). The table holds at most
//! [`ServerConfig::replay_capacity`] nonces; when full, the one first
//! remembered longest ago is forgotten, and the server then answers
//! [`Verification::Stale`] for any nonce not in the table that is no newer
//! than the ones it forgot: the client re-authenticates with a new nonce
//! instead of a replay being accepted. A busy server therefore sees more
//! stale challenges when the capacity is too small for its nonce lifetime.
//!
//! Nonce counts are checked per nonce only, not per cnonce. Retransmissions
//! of one request carry the same nonce count: verify after the transaction
//! layer has absorbed them (the [`Endpoint`](crate::endpoint::Endpoint)
//! does), or a retransmission looks like a replay.
//!
//! The secret key must stay the same for as long as the nonces it signed
//! are to be accepted; a new key (say at restart) turns every outstanding
//! nonce into a forged one. If `now` comes from a monotonic clock that
//! restarts at zero, change the key at restart too: nonces from before the
//! restart would otherwise look new, and the replay table is empty.
//!
//! # Mutual authentication
//!
//! A [`Verification::Verified`] carries a [`ResponseAuth`]; its
//! [`authentication_info`](ResponseAuth::authentication_info) gives the
//! Authentication-Info value for the 2xx (RFC 7616 §3.5: `rspauth` proves
//! the server knows the password too, and a `nextnonce` lets the client
//! pre-authorize its next request with it).
//! [`DigestClient::verify_authentication_info`](super::client::DigestClient::verify_authentication_info)
//! checks it.
//!
//! # Statuses
//!
//! [`Role`] picks the header pair and status: a UAS or registrar challenges
//! with WWW-Authenticate in a 401, a proxy with Proxy-Authenticate in a 407
//! (RFC 3261 §22.2, §22.3). For [`Verification::Missing`] and
//! [`Verification::Stale`] answer with [`DigestServer::challenge`] (with
//! `stale = true` for the second). For [`Verification::Invalid`] the choice
//! is the caller's: RFC 3261 §22.4 allows a 403 Forbidden when the
//! credentials are wrong, or a new challenge (a 401/407) so the user can try
//! other credentials; a malformed header may also deserve a 400.

use alloc::borrow::Cow;
use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec::Vec;
use core::hash::{BuildHasher, Hash, Hasher};
use core::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::{Algorithm, DigestParams, HashFn, Qop, ct_eq, ct_eq_hex, known, request_digest, unquote};
use crate::Instant;
use crate::message::builder::{ResponseBuilder, response_to};
use crate::message::headers::Credentials;
use crate::message::{HeaderName, Message, StatusCode};

/// Longest username accepted (after unquoting), in bytes.
pub const MAX_USERNAME: usize = 256;
/// Longest realm accepted.
pub const MAX_REALM: usize = 256;
/// Longest nonce accepted (this server's are 43 characters).
pub const MAX_NONCE: usize = 128;
/// Longest digest-uri accepted.
pub const MAX_URI: usize = 4096;
/// Longest cnonce accepted.
pub const MAX_CNONCE: usize = 256;
/// Longest opaque accepted.
pub const MAX_OPAQUE: usize = 256;

/// Length of the nonce's signature, in bytes (HMAC-SHA-256 truncated to
/// 128 bits, NIST SP 800-107 §5.3.3).
const TAG_LEN: usize = 16;
/// Bytes in a nonce before encoding: timestamp, counter, tag.
const NONCE_LEN: usize = 16 + TAG_LEN;

/// Who is authenticating, which decides the headers and the status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// A user agent server: WWW-Authenticate in a 401, Authorization.
    UserAgent,
    /// A registrar: the same headers as a UAS (RFC 3261 §22.1).
    Registrar,
    /// A proxy: Proxy-Authenticate in a 407, Proxy-Authorization (§22.3).
    Proxy,
}

impl Role {
    /// 401 Unauthorized, or 407 Proxy Authentication Required for a proxy.
    pub fn status(self) -> StatusCode {
        match self {
            Role::Proxy => StatusCode::PROXY_AUTHENTICATION_REQUIRED,
            _ => StatusCode::UNAUTHORIZED,
        }
    }

    /// WWW-Authenticate, or Proxy-Authenticate for a proxy.
    pub fn challenge_header(self) -> HeaderName {
        match self {
            Role::Proxy => HeaderName::ProxyAuthenticate,
            _ => HeaderName::WwwAuthenticate,
        }
    }

    /// Authorization, or Proxy-Authorization for a proxy.
    pub fn credentials_header(self) -> HeaderName {
        match self {
            Role::Proxy => HeaderName::ProxyAuthorization,
            _ => HeaderName::Authorization,
        }
    }
}

/// How a [`DigestServer`] challenges and what it accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerConfig {
    /// The protection realm (RFC 3261 §22.1: typically the domain).
    pub realm: String,
    /// Whose headers and status to use.
    pub role: Role,
    /// The algorithms offered, one challenge each, most preferred first
    /// (RFC 8760 §2.3); only these are accepted. Default `SHA-256`, `MD5`.
    /// Unknown tokens are skipped.
    pub algorithms: Vec<Algorithm<'static>>,
    /// The qop options offered (and accepted). Default `auth`. Empty means
    /// the RFC 2069 form without qop, nc or cnonce, for old clients only:
    /// RFC 8760 §2.6 item 8 says a UAS MUST send a qop, and without a nonce
    /// count replays within the nonce lifetime cannot be detected.
    pub qop: Vec<Qop>,
    /// An `opaque` to send and require back unchanged (RFC 7616 §3.3).
    pub opaque: Option<String>,
    /// How long a nonce stays fresh; older ones get [`Verification::Stale`].
    /// Default 5 minutes.
    pub nonce_lifetime: Duration,
    /// How many nonces the replay table remembers (at least 1); see the
    /// [module docs](self#what-is-remembered). Default 4096.
    pub replay_capacity: usize,
    /// Ask clients to hash the username (`userhash=true`, RFC 7616
    /// §3.4.4). The lookup then receives the hash. Default false.
    pub userhash: bool,
    /// Require the credentials' `uri` to equal the Request-URI byte for
    /// byte. RFC 8760 §2.6 item 6 lets a UAS accept a `uri` that differs
    /// (a proxy may have retargeted the request); doing so lets anyone who
    /// sees the credentials send them with another Request-URI before the
    /// original arrives. Default true; turn off behind retargeting proxies
    /// and check [`Verification::Verified::uri`] instead.
    pub require_uri_match: bool,
}

impl ServerConfig {
    /// The defaults for `realm` and `role`.
    pub fn new(realm: &str, role: Role) -> ServerConfig {
        ServerConfig {
            realm: realm.into(),
            role,
            algorithms: alloc::vec![Algorithm::Sha256, Algorithm::Md5],
            qop: alloc::vec![Qop::Auth],
            opaque: None,
            nonce_lifetime: Duration::from_secs(300),
            replay_capacity: 4096,
            userhash: false,
            require_uri_match: true,
        }
    }
}

/// What the user lookup is asked about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UserQuery<'q> {
    /// The username as sent: with `userhash` the hex hash of
    /// `username:realm` ([`userhash`](super::userhash)).
    pub username: &'q str,
    /// True if `username` is a hash.
    pub userhash: bool,
    /// The realm (this server's).
    pub realm: &'q str,
    /// The algorithm the client used: an HA1 returned must be of its hash.
    pub algorithm: Algorithm<'static>,
}

/// What the user lookup returns for a known user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Secret<'s> {
    /// The password.
    Password(Cow<'s, str>),
    /// The non-session HA1 in hex, `H(username:realm:password)` for the
    /// queried algorithm's hash ([`ha1`](super::ha1)), so the database need
    /// not hold passwords.
    Ha1(Cow<'s, str>),
}

/// Why credentials were refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Invalid {
    /// The header does not parse, or a required parameter is missing, or
    /// both `username` and `username*` are present (RFC 7616 §3.4).
    Malformed,
    /// A parameter is longer than this server accepts.
    TooLong,
    /// An algorithm that was not offered.
    Algorithm,
    /// A qop that was not offered, or none when one was.
    Qop,
    /// `opaque` differs from the one sent.
    Opaque,
    /// The nonce was not issued by this server for this realm.
    ForgedNonce,
    /// The `uri` differs from the Request-URI.
    Uri,
    /// The lookup knows no such user (or returned an HA1 of the wrong
    /// length).
    UnknownUser,
    /// The response does not match: a wrong password, or a tampered
    /// request.
    BadResponse,
    /// The nonce count was seen before with this nonce.
    Replay,
}

/// The outcome of [`DigestServer::verify`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verification {
    /// The credentials are good.
    Verified {
        /// The username as sent (the hash, with `userhash`).
        username: String,
        /// True if `username` is a hash.
        userhash: bool,
        /// The algorithm used.
        algorithm: Algorithm<'static>,
        /// The qop used.
        qop: Option<Qop>,
        /// The digest-uri.
        uri: String,
        /// What it takes to prove the server to the client in an
        /// Authentication-Info header (RFC 7616 §3.5).
        proof: alloc::boxed::Box<ResponseAuth>,
    },
    /// The response was right but the nonce is too old (or forgotten):
    /// challenge again with `stale = true` (RFC 7616 §3.3), and the client
    /// retries without asking its user.
    Stale,
    /// The credentials are refused.
    Invalid(Invalid),
    /// No Digest credentials for this realm: challenge.
    Missing,
}

/// The values of verified credentials that the server's own proof,
/// `rspauth`, is computed from (RFC 7616 §3.5; RFC 3261 §20.6). Holds the
/// user's HA1, which is as good as the password for this realm: it is not
/// shown by `Debug` and should not be kept longer than the response takes.
#[derive(Clone, PartialEq, Eq)]
pub struct ResponseAuth {
    algorithm: Algorithm<'static>,
    ha1: super::Hex,
    nonce: String,
    cnonce: String,
    nc: u32,
    qop: Option<Qop>,
    uri: String,
}

impl core::fmt::Debug for ResponseAuth {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ResponseAuth").field("qop", &self.qop).field("nc", &self.nc).finish_non_exhaustive()
    }
}

impl ResponseAuth {
    /// The Authentication-Info value for the response whose body is
    /// `response_body` (hashed with `auth-int`): `rspauth`, `qop`, `cnonce`,
    /// `nc` and, if given, a `nextnonce` for the client's next request
    /// (from [`DigestServer::new_nonce`]). `None` when the credentials had
    /// no qop: the RFC 2069 form has no rspauth.
    pub fn authentication_info(&self, response_body: &[u8], nextnonce: Option<&str>) -> Option<String> {
        let qop = self.qop?;
        let rspauth = rspauth(
            self.algorithm,
            self.ha1.as_bytes(),
            &self.nonce,
            &self.cnonce,
            self.nc,
            qop,
            &self.uri,
            response_body,
        )?;
        let mut v = String::with_capacity(160);
        if let Some(n) = nextnonce {
            push_param(&mut v, "nextnonce", n, true);
        }
        push_param(&mut v, "qop", qop.as_str(), false);
        push_param(&mut v, "rspauth", rspauth.as_str(), true);
        push_param(&mut v, "cnonce", &self.cnonce, true);
        let nc = super::nc_hex(self.nc);
        push_param(&mut v, "nc", core::str::from_utf8(&nc).unwrap_or_default(), false);
        Some(v)
    }
}

/// `rspauth` (RFC 7616 §3.5): the request digest with an empty method, so
/// A2 is `":" uri` (and `":" H(body)` with `auth-int`, over the
/// response's body).
#[allow(clippy::too_many_arguments)]
pub(crate) fn rspauth(
    algorithm: Algorithm<'_>,
    ha1: &[u8],
    nonce: &str,
    cnonce: &str,
    nc: u32,
    qop: Qop,
    uri: &str,
    response_body: &[u8],
) -> Option<super::Hex> {
    request_digest(&DigestParams {
        algorithm,
        ha1,
        nonce: nonce.as_bytes(),
        cnonce: cnonce.as_bytes(),
        nc,
        qop: Some(qop),
        method: b"",
        uri: uri.as_bytes(),
        body: response_body,
    })
}

fn push_param(out: &mut String, name: &str, value: &str, quoted: bool) {
    if !out.is_empty() {
        out.push_str(", ");
    }
    out.push_str(name);
    out.push('=');
    if quoted {
        out.push('"');
        for c in value.chars() {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
    } else {
        out.push_str(value);
    }
}

/// One remembered nonce: its timestamp, the highest nonce count seen and
/// which of the 64 counts below it were seen.
#[derive(Clone, Copy, Debug)]
struct Seen {
    ts: u64,
    highest: u32,
    window: u64,
}

impl Seen {
    /// Records `nc`; false if it was seen already.
    fn record(&mut self, nc: u32) -> bool {
        if nc > self.highest {
            let shift = nc - self.highest;
            self.window = if shift >= 64 { 0 } else { self.window << shift };
            // The previous highest now sits `shift` places down.
            if shift <= 64 {
                self.window |= 1u64 << (shift - 1);
            }
            self.highest = nc;
            true
        } else if nc == self.highest {
            false
        } else {
            let back = self.highest - nc;
            if back > 64 {
                return false;
            }
            let bit = 1u64 << (back - 1);
            if self.window & bit != 0 {
                return false;
            }
            self.window |= bit;
            true
        }
    }
}

/// The nonce's signature, used as the replay table's key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Tag([u8; TAG_LEN]);

impl Hash for Tag {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let mut b = [0u8; 8];
        b.copy_from_slice(&self.0[..8]);
        state.write_u64(u64::from_le_bytes(b));
    }
}

/// The tags are HMAC outputs and only tags of correctly answered nonces
/// enter the table, so they are already uniform and no one can choose
/// them: hashing is the identity.
#[derive(Clone, Copy, Debug, Default)]
struct TagHasher(u64);

impl Hasher for TagHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 ^= n;
    }
}

#[derive(Clone, Copy, Debug, Default)]
struct BuildTagHasher;

impl BuildHasher for BuildTagHasher {
    type Hasher = TagHasher;
    fn build_hasher(&self) -> TagHasher {
        TagHasher(0)
    }
}

/// Issues challenges and verifies credentials for one realm.
#[derive(Clone)]
pub struct DigestServer {
    mac: Hmac<Sha256>,
    config: ServerConfig,
    counter: u64,
    seen: hashbrown::HashMap<Tag, Seen, BuildTagHasher>,
    order: VecDeque<Tag>,
    /// Nonces no newer than this (ms) may have been forgotten.
    forgotten_until: Option<u64>,
}

impl core::fmt::Debug for DigestServer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // The key stays out of logs.
        f.debug_struct("DigestServer")
            .field("config", &self.config)
            .field("remembered", &self.seen.len())
            .finish_non_exhaustive()
    }
}

/// A decoded nonce of ours.
struct Nonce {
    ts: u64,
    tag: Tag,
}

impl DigestServer {
    /// A server signing its nonces with `secret` (at least 16 random bytes;
    /// 32 recommended, drawn by the caller: this crate has no randomness of
    /// its own).
    pub fn new(secret: &[u8], config: ServerConfig) -> DigestServer {
        // HMAC takes keys of any length, so the fallback is never taken.
        let mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret)
            .unwrap_or_else(|_| <Hmac<Sha256> as KeyInit>::new(&Default::default()));
        // The counter starts at a value derived from the key, so nonces do
        // not reveal how many were issued.
        let mut m = mac.clone();
        m.update(b"sip-proto digest nonce counter");
        let start = m.finalize().into_bytes();
        let mut b = [0u8; 8];
        b.copy_from_slice(&start[..8]);
        DigestServer {
            mac,
            config,
            counter: u64::from_be_bytes(b),
            seen: hashbrown::HashMap::with_hasher(BuildTagHasher),
            order: VecDeque::new(),
            forgotten_until: None,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &ServerConfig {
        &self.config
    }

    /// How many nonces the replay table holds now.
    pub fn remembered(&self) -> usize {
        self.seen.len()
    }

    fn tag(&self, ts: u64, counter: u64) -> Tag {
        let mut m = self.mac.clone();
        m.update(&ts.to_be_bytes());
        m.update(&counter.to_be_bytes());
        m.update(self.config.realm.as_bytes());
        let out = m.finalize().into_bytes();
        let mut t = [0u8; TAG_LEN];
        t.copy_from_slice(&out[..TAG_LEN]);
        Tag(t)
    }

    /// A fresh nonce, stamped `now`.
    pub fn new_nonce(&mut self, now: Instant) -> String {
        self.counter = self.counter.wrapping_add(1);
        let ts = now.as_millis();
        let tag = self.tag(ts, self.counter);
        let mut raw = [0u8; NONCE_LEN];
        raw[..8].copy_from_slice(&ts.to_be_bytes());
        raw[8..16].copy_from_slice(&self.counter.to_be_bytes());
        raw[16..].copy_from_slice(&tag.0);
        let mut s = String::with_capacity(44);
        super::base64url(&raw, &mut s);
        s
    }

    /// Checks that `nonce` is ours for this realm.
    fn open_nonce(&self, nonce: &[u8]) -> Option<Nonce> {
        let raw: [u8; NONCE_LEN] = super::base64url_decode(nonce)?;
        let mut ts = [0u8; 8];
        ts.copy_from_slice(&raw[..8]);
        let mut counter = [0u8; 8];
        counter.copy_from_slice(&raw[8..16]);
        let (ts, counter) = (u64::from_be_bytes(ts), u64::from_be_bytes(counter));
        let mut m = self.mac.clone();
        m.update(&ts.to_be_bytes());
        m.update(&counter.to_be_bytes());
        m.update(self.config.realm.as_bytes());
        // Constant-time comparison of the truncated tag.
        m.verify_truncated_left(&raw[16..]).ok()?;
        let mut tag = [0u8; TAG_LEN];
        tag.copy_from_slice(&raw[16..]);
        Some(Nonce { ts, tag: Tag(tag) })
    }

    /// The challenge header values, one per algorithm offered, most
    /// preferred first, all with one fresh nonce (RFC 8760 §2.3; RFC 7616
    /// §3.3: realm, nonce, opaque and qop quoted, algorithm and stale not).
    pub fn challenge_values(&mut self, now: Instant, stale: bool) -> Vec<String> {
        let nonce = self.new_nonce(now);
        let mut out = Vec::with_capacity(self.config.algorithms.len());
        for alg in &self.config.algorithms {
            if HashFn::of(*alg).is_none() {
                continue;
            }
            let mut v = String::from("Digest ");
            super::push_quoted(&mut v, "realm", &self.config.realm);
            super::push_quoted(&mut v, "nonce", &nonce);
            if let Some(o) = &self.config.opaque {
                super::push_quoted(&mut v, "opaque", o);
            }
            super::push_token(&mut v, "algorithm", alg.as_str());
            if !self.config.qop.is_empty() {
                let mut q = String::new();
                for (i, qop) in self.config.qop.iter().enumerate() {
                    if i > 0 {
                        q.push_str(", ");
                    }
                    q.push_str(qop.as_str());
                }
                super::push_quoted(&mut v, "qop", &q);
            }
            if stale {
                super::push_token(&mut v, "stale", "true");
            }
            if self.config.userhash {
                super::push_token(&mut v, "userhash", "true");
            }
            out.push(v);
        }
        out
    }

    /// A 401 (or 407 for a proxy) answering `request`, with the challenges
    /// ([`challenge_values`](Self::challenge_values)) added. `to_tag` as in
    /// [`response_to`].
    pub fn challenge(
        &mut self,
        now: Instant,
        request: &Message<'_>,
        stale: bool,
        to_tag: Option<&str>,
    ) -> ResponseBuilder {
        let mut r = response_to(request, self.config.role.status(), to_tag);
        for v in self.challenge_values(now, stale) {
            r = r.header(self.config.role.challenge_header(), v);
        }
        r
    }

    /// Verifies the Digest credentials for this realm in `request`
    /// (Authorization, or Proxy-Authorization for a proxy), with
    /// `lookup` giving the user's password or HA1.
    ///
    /// Checks, in order: the lengths of the parameters, algorithm, qop and
    /// opaque against what was offered, the nonce's signature, the `uri`,
    /// the response (constant-time), then the nonce's age
    /// ([`Verification::Stale`] only for a correct response, as RFC 7616
    /// §3.3 says), then the nonce count. Never panics on hostile input.
    ///
    /// ACK and CANCEL are not to be challenged (RFC 3261 §22.1: they cannot
    /// be resubmitted); let them through to the transaction or dialog they
    /// belong to rather than calling this.
    pub fn verify<'s, F>(&mut self, now: Instant, request: &Message<'_>, mut lookup: F) -> Verification
    where
        F: FnMut(&UserQuery<'_>) -> Option<Secret<'s>>,
    {
        let Some(line) = request.request() else {
            return Verification::Invalid(Invalid::Malformed);
        };
        let header = self.config.role.credentials_header();
        // The Digest credentials for our realm; any for other realms (a
        // downstream proxy's, RFC 3261 §22.3) are not ours to judge.
        let mut found = None;
        let mut malformed = false;
        for field in request.header_all(header) {
            match Credentials::parse_header(field, header) {
                Ok(c) if c.is_digest() => {
                    if c.realm()
                        .is_some_and(|r| super::ct_eq(&unquote_lossy(r), self.config.realm.as_bytes()))
                    {
                        found = Some(c);
                        break;
                    }
                }
                Ok(_) => {}
                Err(_) => malformed = true,
            }
        }
        let Some(c) = found else {
            return if malformed { Verification::Invalid(Invalid::Malformed) } else { Verification::Missing };
        };
        match self.check(now, line.method.as_str(), line.raw_uri, request.body(), &c, &mut lookup) {
            Ok(v) | Err(v) => v,
        }
    }

    fn check<'s, F>(
        &mut self,
        now: Instant,
        method: &str,
        request_uri: &[u8],
        body: &[u8],
        c: &Credentials<'_>,
        lookup: &mut F,
    ) -> Result<Verification, Verification>
    where
        F: FnMut(&UserQuery<'_>) -> Option<Secret<'s>>,
    {
        use Verification::Invalid as Bad;
        let too_long = |v: Option<&[u8]>, max: usize| v.is_some_and(|v| v.len() > 2 * max);
        if too_long(c.username(), MAX_USERNAME)
            || too_long(c.username_star(), 3 * MAX_USERNAME)
            || too_long(c.nonce(), MAX_NONCE)
            || too_long(c.uri(), MAX_URI)
            || too_long(c.cnonce(), MAX_CNONCE)
            || too_long(c.opaque(), MAX_OPAQUE)
            || too_long(c.response(), 64)
        {
            return Err(Bad(Invalid::TooLong));
        }
        // Algorithm: absent means MD5 (RFC 7616 §3.3).
        let alg = c.algorithm().unwrap_or(Algorithm::Md5);
        let Some(alg) = known(alg).filter(|a| self.config.algorithms.contains(a)) else {
            return Err(Bad(Invalid::Algorithm));
        };
        let hash = HashFn::of(alg).ok_or(Bad(Invalid::Algorithm))?;
        // Qop.
        let qop = match c.qop() {
            None => None,
            Some(q) => Some(Qop::from_token(q).ok_or(Bad(Invalid::Qop))?),
        };
        let qop_ok = match qop {
            Some(q) => self.config.qop.contains(&q) || (self.config.qop.is_empty() && q == Qop::Auth),
            None => self.config.qop.is_empty(),
        };
        if !qop_ok {
            return Err(Bad(Invalid::Qop));
        }
        // Required parameters (RFC 7616 §3.4).
        let text =
            |v: Option<&[u8]>, max: usize| v.and_then(|v| unquote(v, max)).ok_or(Bad(Invalid::Malformed));
        let (username, userhash) = match (c.username(), c.username_star()) {
            (Some(_), Some(_)) => return Err(Bad(Invalid::Malformed)),
            (Some(u), None) => (text(Some(u), MAX_USERNAME)?, c.userhash()),
            (None, Some(u)) if !c.userhash() => {
                (decode_ext_value(u, MAX_USERNAME).ok_or(Bad(Invalid::Malformed))?, false)
            }
            _ => return Err(Bad(Invalid::Malformed)),
        };
        let nonce = text(c.nonce(), MAX_NONCE)?;
        let uri = text(c.uri(), MAX_URI)?;
        let response = c.response().ok_or(Bad(Invalid::Malformed))?;
        let (cnonce, nc) = match qop {
            Some(_) => {
                let cnonce = text(c.cnonce(), MAX_CNONCE)?;
                let nc = match c.nc() {
                    Some(Ok(n)) => n,
                    _ => return Err(Bad(Invalid::Malformed)),
                };
                (cnonce, nc)
            }
            // -sess needs a cnonce even in the RFC 2069 form.
            None if alg.is_sess() => (text(c.cnonce(), MAX_CNONCE)?, 0),
            None => (String::new(), 0),
        };
        if let Some(o) = &self.config.opaque {
            let sent = text(c.opaque(), MAX_OPAQUE).map_err(|_| Bad(Invalid::Opaque))?;
            if !ct_eq(sent.as_bytes(), o.as_bytes()) {
                return Err(Bad(Invalid::Opaque));
            }
        }
        let Some(opened) = self.open_nonce(nonce.as_bytes()) else {
            return Err(Bad(Invalid::ForgedNonce));
        };
        if self.config.require_uri_match && uri.as_bytes() != request_uri {
            return Err(Bad(Invalid::Uri));
        }
        // The response.
        let query = UserQuery { username: &username, userhash, realm: &self.config.realm, algorithm: alg };
        // An unknown user costs the same hashing as a known one, so the
        // time to answer does not tell which usernames exist.
        let mut unknown = false;
        let ha1: super::Hex = match lookup(&query) {
            Some(Secret::Ha1(h))
                if h.len() == hash.hex_len() && h.as_bytes().iter().all(u8::is_ascii_hexdigit) =>
            {
                super::Hex::from_hex(h.as_bytes())
            }
            // The password alone cannot answer a hashed username.
            Some(Secret::Password(p)) if !userhash => {
                hash.hex(&[username.as_bytes(), self.config.realm.as_bytes(), p.as_bytes()])
            }
            _ => {
                unknown = true;
                hash.hex(&[username.as_bytes(), self.config.realm.as_bytes(), b""])
            }
        };
        let ha1 = &ha1;
        let params = DigestParams {
            algorithm: alg,
            ha1: ha1.as_bytes(),
            nonce: nonce.as_bytes(),
            cnonce: cnonce.as_bytes(),
            nc,
            qop,
            method: method.as_bytes(),
            uri: uri.as_bytes(),
            body,
        };
        let expected = request_digest(&params).ok_or(Bad(Invalid::UnknownUser))?;
        let matches = ct_eq_hex(expected.as_bytes(), response);
        if unknown {
            return Err(Bad(Invalid::UnknownUser));
        }
        if !matches {
            return Err(Bad(Invalid::BadResponse));
        }
        // Age: a correct response with an old nonce is stale.
        let now_ms = now.as_millis();
        let lifetime = u64::try_from(self.config.nonce_lifetime.as_millis()).unwrap_or(u64::MAX);
        if opened.ts > now_ms || now_ms - opened.ts > lifetime {
            return Err(Verification::Stale);
        }
        // Replays (only with a nonce count).
        if qop.is_some() {
            match self.seen.get_mut(&opened.tag) {
                Some(seen) => {
                    if !seen.record(nc) {
                        return Err(Bad(Invalid::Replay));
                    }
                }
                None => {
                    if self.forgotten_until.is_some_and(|f| opened.ts <= f) {
                        return Err(Verification::Stale);
                    }
                    let mut seen = Seen { ts: opened.ts, highest: 0, window: 0 };
                    if !seen.record(nc) || nc == 0 {
                        return Err(Bad(Invalid::Replay));
                    }
                    self.remember(opened.tag, seen);
                }
            }
        }
        let proof = alloc::boxed::Box::new(ResponseAuth {
            algorithm: alg,
            ha1: *ha1,
            nonce,
            cnonce,
            nc,
            qop,
            uri: uri.clone(),
        });
        Ok(Verification::Verified { username, userhash, algorithm: alg, qop, uri, proof })
    }

    fn remember(&mut self, tag: Tag, seen: Seen) {
        let cap = self.config.replay_capacity.max(1);
        while self.order.len() >= cap {
            let Some(old) = self.order.pop_front() else { break };
            if let Some(s) = self.seen.remove(&old) {
                self.forgotten_until = Some(self.forgotten_until.map_or(s.ts, |f| f.max(s.ts)));
            }
        }
        self.seen.insert(tag, seen);
        self.order.push_back(tag);
    }
}

/// A realm compared as sent: quoted-pairs resolved, bounded.
fn unquote_lossy(raw: &[u8]) -> Vec<u8> {
    crate::message::lex::Unquoted::new(raw).take(MAX_REALM + 1).collect()
}

/// `username*` (RFC 7616 §3.4, RFC 5987 §3.2): `UTF-8'[language]'`
/// followed by percent-encoded UTF-8. Other charsets are refused.
fn decode_ext_value(v: &[u8], max: usize) -> Option<String> {
    let prefix = b"UTF-8'";
    if v.len() < prefix.len() || !v[..prefix.len()].eq_ignore_ascii_case(prefix) {
        return None;
    }
    let rest = &v[prefix.len()..];
    let q = memchr::memchr(b'\'', rest)?;
    let enc = &rest[q + 1..];
    let mut out = Vec::with_capacity(enc.len().min(max));
    let mut i = 0;
    while i < enc.len() {
        let c = enc[i];
        if c == b'%' {
            let h = crate::message::lex::hex_val(*enc.get(i + 1)?)?;
            let l = crate::message::lex::hex_val(*enc.get(i + 2)?)?;
            out.push(h << 4 | l);
            i += 3;
        } else if c.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&c) {
            out.push(c);
            i += 1;
        } else {
            return None;
        }
        if out.len() > max {
            return None;
        }
    }
    if out.iter().any(|&c| c < 0x20 || c == 0x7f) {
        return None;
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7616_3_4_nc_window_accepts_reordering_once() {
        let mut s = Seen { ts: 0, highest: 0, window: 0 };
        assert!(s.record(1));
        assert!(!s.record(1));
        assert!(s.record(3));
        assert!(s.record(2));
        assert!(!s.record(2));
        assert!(!s.record(3));
        assert!(s.record(100));
        assert!(!s.record(1), "more than 64 below the highest is refused");
        assert!(s.record(40));
        assert!(!s.record(40));
        assert!(s.record(u32::MAX));
        assert!(!s.record(u32::MAX));
    }

    #[test]
    fn rfc5987_3_2_username_star() {
        assert_eq!(
            decode_ext_value(b"UTF-8''J%C3%A4s%C3%B8n%20Doe", 64).as_deref(),
            Some("J\u{e4}s\u{f8}n Doe")
        );
        assert_eq!(decode_ext_value(b"utf-8'en'abc", 64).as_deref(), Some("abc"));
        assert_eq!(decode_ext_value(b"ISO-8859-1''abc", 64), None);
        assert_eq!(decode_ext_value(b"UTF-8''%0d%0a", 64), None);
        assert_eq!(decode_ext_value(b"UTF-8''%C3", 64), None);
        assert_eq!(decode_ext_value(b"UTF-8''%", 64), None);
        assert_eq!(decode_ext_value(b"UTF-8''aaaa", 3), None);
    }

    #[test]
    fn rfc7616_3_3_nonce_is_signed_and_bound_to_the_realm() {
        let mut a = DigestServer::new(b"k", ServerConfig::new("a.example.com", Role::Registrar));
        let b = DigestServer::new(b"k", ServerConfig::new("b.example.com", Role::Registrar));
        let other_key = DigestServer::new(b"j", ServerConfig::new("a.example.com", Role::Registrar));
        let n = a.new_nonce(Instant::from_millis(5));
        assert_eq!(n.len(), 43);
        let opened = a.open_nonce(n.as_bytes()).unwrap();
        assert_eq!(opened.ts, 5);
        assert!(b.open_nonce(n.as_bytes()).is_none());
        assert!(other_key.open_nonce(n.as_bytes()).is_none());
        // Every single-character change is refused.
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for i in 0..n.len() {
            let mut m = n.clone().into_bytes();
            m[i] = if m[i] == alphabet[0] { alphabet[1] } else { alphabet[0] };
            assert!(a.open_nonce(&m).is_none(), "{i}");
        }
        assert_ne!(a.new_nonce(Instant::from_millis(5)), n, "the counter separates nonces");
    }
}
