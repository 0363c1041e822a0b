//! The UAC side of digest authentication (RFC 3261 §8.1.3.5, §22.2,
//! §22.3; RFC 7616 §3.4; RFC 8760 §2.4).
//!
//! [`DigestClient`] holds one user's credentials. Given a request and the
//! 401 or 407 it drew, [`DigestClient::authorize`] returns the request to
//! send again as a [`RequestBuilder`]:
//!
//! * every header of the original but Via and Content-Length, in order,
//!   with the CSeq number incremented (RFC 3261 §8.1.3.5: a new request
//!   with the same Call-ID, To, From and Route set, so a new transaction)
//!   and the same body;
//! * **no Via**: the request goes in a new client transaction, which needs
//!   a new branch, and [`Endpoint::send_request`] adds the top Via with a
//!   fresh one. A caller without the endpoint adds its own with
//!   [`RequestBuilder::via`];
//! * one Authorization per WWW-Authenticate realm and one
//!   Proxy-Authorization per Proxy-Authenticate realm answered (RFC 3261
//!   §22.3), replacing any the original sent for those realms, keeping
//!   those for other realms.
//!
//! # Choices
//!
//! * Per realm, the strongest algorithm offered (SHA-512-256 > SHA-256 >
//!   MD5, a `-sess` variant ranking with its hash; among equals the topmost
//!   challenge). RFC 8760 §2.4 says the topmost understood challenge
//!   "unless a local policy dictates otherwise"; this is that policy, since
//!   an on-path attacker can reorder headers to force MD5
//!   ([`ClientConfig::server_order`] restores the RFC's default, and
//!   [`ClientConfig::allow_md5`] refuses MD5 altogether).
//! * qop: `auth-int` when it is offered and the body is at hand
//!   ([`authorize`](DigestClient::authorize) always has it: it is the
//!   request's; [`answer`](DigestClient::answer) may be called without),
//!   else `auth`; without any qop offered, the RFC 2069 form with no qop,
//!   nc or cnonce (RFC 3261 §22.4 item 8). `auth-int` breaks when a middle
//!   box rewrites the body (an SBC changing the SDP):
//!   [`ClientConfig::auth_int`] turns it off.
//! * One cnonce per nonce, drawn when the nonce is first answered, with nc
//!   counting requests under that nonce. Keeping the cnonce makes `-sess`
//!   agree with either reading of RFC 7616 §3.4.2 (the session key from the
//!   first cnonce, or from the current one, which is what stateless
//!   servers compute).
//! * `userhash=true` in a challenge: the username is sent hashed (RFC 7616
//!   §3.4.4).
//!
//! # Refusals
//!
//! * CANCEL and ACK are never answered (RFC 3261 §22.1: they cannot be
//!   resubmitted; a CANCEL must match its INVITE, §9.1, and the ACK of a
//!   non-2xx is the transaction's own, §17.1.1.3):
//!   [`AuthError::NotRetryable`].
//! * If the request already carried our credentials for a realm and the
//!   new challenge for it is not `stale=true`, they were rejected, and the
//!   same ones are not sent again (RFC 3261 §22.2: the UAC "SHOULD NOT
//!   re-attempt" with them): [`AuthError::Rejected`]. `stale=true` with a
//!   new nonce is retried without asking (RFC 7616 §3.3), up to
//!   [`MAX_STALE_RETRIES`] times in a row for one request. A server that
//!   answers an expired pre-authorized nonce with a fresh challenge but
//!   without `stale=true` makes this [`AuthError::Rejected`] too: send the
//!   request again without credentials (a new CSeq) to get a fresh
//!   challenge, after [`forget`](DigestClient::forget) if the cache should
//!   go.
//! * A response whose Call-ID or CSeq is not the request's:
//!   [`AuthError::Mismatch`].
//! * At most 16 realms are answered from one response, and 16 cached.
//!
//! [`Endpoint::send_request`]: crate::endpoint::Endpoint::send_request

use alloc::string::String;
use alloc::vec::Vec;

use rand_chacha::ChaCha12Rng;
use rand_core::{Rng, SeedableRng};

use super::{
    Algorithm, DigestParams, HashFn, Qop, known, push_quoted, push_token, request_digest, strength, unquote,
};
use crate::message::builder::{BuildError, RequestBuilder};
use crate::message::headers::{Challenge, Credentials};
use crate::message::{HeaderName, Message, Method, ParseError};

/// How many `stale=true` challenges in a row one request chain is answered.
pub const MAX_STALE_RETRIES: u8 = 3;

/// The longest challenge value kept (realm, nonce, opaque), in bytes.
const MAX_VALUE: usize = 1024;

/// How many realms' challenges are cached for pre-authorization.
const MAX_REALMS: usize = 16;

/// Why the client does not answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The response is not a 401 or 407.
    #[error("not a 401 or 407")]
    NotAChallenge,
    /// CANCEL and ACK are never resubmitted with credentials.
    #[error("CANCEL and ACK are not resubmitted with credentials")]
    NotRetryable,
    /// No challenge this client can answer: none is Digest with a known
    /// algorithm, none is for the configured realm, or policy refused them
    /// (MD5 disallowed, only `auth-int` with no body).
    #[error("no challenge this client can answer")]
    NoUsableChallenge,
    /// The credentials were refused for this realm: a second, non-stale
    /// challenge (or too many stale ones).
    #[error("credentials rejected for realm {realm:?}")]
    Rejected {
        /// The realm.
        realm: String,
    },
    /// An Authentication-Info `rspauth` that does not prove the server
    /// knows the password (or does not match the credentials sent).
    #[error("Authentication-Info rspauth does not match")]
    BadRspauth,
    /// The response's Call-ID or CSeq is not the request's.
    #[error("the response does not answer this request")]
    Mismatch,
    /// The request or response is malformed (its CSeq, say).
    #[error("malformed message: {0}")]
    Malformed(#[from] ParseError),
    /// The new request could not be built (a header of the original that
    /// the builder refuses, or a CSeq at 2**31 - 1).
    #[error("cannot build the new request: {0}")]
    Build(#[from] BuildError),
}

/// Client policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ClientConfig {
    /// Answer MD5 challenges (RFC 8760 §3 keeps MD5 for compatibility
    /// only). Default true.
    pub allow_md5: bool,
    /// Use `auth-int` when offered and the body is at hand. Default true.
    pub auth_int: bool,
    /// Take the topmost understood challenge of each realm (RFC 8760 §2.4)
    /// rather than the strongest. Default false.
    pub server_order: bool,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig { allow_md5: true, auth_int: true, server_order: false }
    }
}

/// Which header pair a challenge came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChallengeKind {
    /// WWW-Authenticate, answered in Authorization.
    Www,
    /// Proxy-Authenticate, answered in Proxy-Authorization.
    Proxy,
}

impl ChallengeKind {
    /// The header the challenge arrives in.
    pub fn challenge_header(self) -> HeaderName {
        match self {
            ChallengeKind::Www => HeaderName::WwwAuthenticate,
            ChallengeKind::Proxy => HeaderName::ProxyAuthenticate,
        }
    }

    /// The header the answer goes in.
    pub fn credentials_header(self) -> HeaderName {
        match self {
            ChallengeKind::Www => HeaderName::Authorization,
            ChallengeKind::Proxy => HeaderName::ProxyAuthorization,
        }
    }
}

/// What is kept of an answered challenge, per realm.
#[derive(Clone, Debug)]
struct Session {
    kind: ChallengeKind,
    realm: String,
    algorithm: Algorithm<'static>,
    /// Whether the challenge named the algorithm (echoed only then).
    algorithm_sent: bool,
    nonce: String,
    opaque: Option<String>,
    qop_auth: bool,
    qop_auth_int: bool,
    userhash: bool,
    cnonce: String,
    nc: u32,
    /// The request (Call-ID, CSeq) last built by `authorize` for this
    /// realm, and how many stale challenges in a row led to it.
    chain: Option<(String, u32)>,
    stale_run: u8,
}

/// One credential header: name and value, ready for
/// [`RequestBuilder::header`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Authorization {
    /// Authorization or Proxy-Authorization.
    pub header: HeaderName,
    /// The realm it answers.
    pub realm: String,
    /// The value (`Digest username="...", ...`).
    pub value: String,
}

/// A user's digest credentials and the challenges answered with them.
pub struct DigestClient {
    username: String,
    password: String,
    realm: Option<String>,
    config: ClientConfig,
    rng: ChaCha12Rng,
    sessions: Vec<Session>,
}

impl core::fmt::Debug for DigestClient {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // The password stays out of logs.
        f.debug_struct("DigestClient")
            .field("username", &self.username)
            .field("realm", &self.realm)
            .field("config", &self.config)
            .field("realms_cached", &self.sessions.len())
            .finish_non_exhaustive()
    }
}

/// A challenge as chosen, values unquoted.
struct Chosen {
    kind: ChallengeKind,
    realm: String,
    algorithm: Algorithm<'static>,
    algorithm_sent: bool,
    nonce: String,
    opaque: Option<String>,
    qop_auth: bool,
    qop_auth_int: bool,
    stale: bool,
    userhash: bool,
    rank: u8,
}

impl DigestClient {
    /// Credentials for `username` with `password`, answering any realm.
    /// `seed` seeds the ChaCha12 stream the cnonces are drawn from: 32
    /// bytes the caller draws from its OS (this crate draws none).
    pub fn new(username: &str, password: &str, seed: [u8; 32]) -> DigestClient {
        DigestClient {
            username: username.into(),
            password: password.into(),
            realm: None,
            config: ClientConfig::default(),
            rng: ChaCha12Rng::from_seed(seed),
            sessions: Vec::new(),
        }
    }

    /// Answers only challenges for `realm` (compared exactly, RFC 3261
    /// §22.1), so a password is not offered to whoever asks.
    pub fn with_realm(mut self, realm: &str) -> DigestClient {
        self.realm = Some(realm.into());
        self
    }

    /// Sets the policy.
    pub fn with_config(mut self, config: ClientConfig) -> DigestClient {
        self.config = config;
        self
    }

    /// The policy.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// Forgets every cached challenge (after the user changes password,
    /// say).
    pub fn forget(&mut self) {
        self.sessions.clear();
    }

    /// Answers the 401 or 407 `response` to `request`: the request to send
    /// again, without Via (see the [module docs](self)).
    pub fn authorize(
        &mut self,
        request: &Message<'_>,
        response: &Message<'_>,
    ) -> Result<RequestBuilder, AuthError> {
        let Some(line) = request.request() else {
            return Err(AuthError::Malformed(ParseError::header(HeaderName::CSeq)));
        };
        if matches!(line.method, Method::Cancel | Method::Ack) {
            return Err(AuthError::NotRetryable);
        }
        let auths = self.answer(request, response, Some(request.body()))?;
        let cseq = request.cseq()?;
        let next = cseq.seq.checked_add(1).ok_or(BuildError::InvalidHeaderValue(HeaderName::CSeq))?;
        let call_id = request.call_id()?;
        for a in &auths {
            if let Some(s) = self
                .sessions
                .iter_mut()
                .find(|s| s.realm == a.realm && s.kind.credentials_header() == a.header)
            {
                s.chain = Some((call_id.into(), next));
            }
        }
        rebuild(request, line.method, line.raw_uri, next, &auths)
    }

    /// [`authorize`](Self::authorize) for the [`RequestBuilder`] the request
    /// was sent from (what a TU using [`Endpoint::send_request`] holds: the
    /// request without the Via the endpoint added). Returns the builder for
    /// the new request, to hand to `send_request` again.
    ///
    /// [`Endpoint::send_request`]: crate::endpoint::Endpoint::send_request
    pub fn authorize_builder(
        &mut self,
        request: &RequestBuilder,
        response: &Message<'_>,
    ) -> Result<RequestBuilder, AuthError> {
        // A placeholder Via makes it a complete message to parse; the
        // rebuilt request drops every Via again.
        let sent = request.clone().via("UDP", "invalid", "z9hG4bK-auth").build()?;
        let sent = sent.parse()?;
        self.authorize(&sent, response)
    }

    /// The credential headers answering `response` to `request`, for
    /// callers that build the new request themselves. `body` is the
    /// request's body if at hand (`None` rules out `auth-int`). Each
    /// answer counts one use of its nonce.
    pub fn answer(
        &mut self,
        request: &Message<'_>,
        response: &Message<'_>,
        body: Option<&[u8]>,
    ) -> Result<Vec<Authorization>, AuthError> {
        let Some(line) = request.request() else {
            return Err(AuthError::Malformed(ParseError::header(HeaderName::CSeq)));
        };
        if matches!(line.method, Method::Cancel | Method::Ack) {
            return Err(AuthError::NotRetryable);
        }
        match response.status().map(|s| s.as_u16()) {
            Some(401 | 407) => {}
            _ => return Err(AuthError::NotAChallenge),
        }
        let uri = core::str::from_utf8(line.raw_uri).map_err(|_| ParseError::header(HeaderName::CSeq))?;
        let call_id = request.call_id().ok();
        let cseq = request.cseq().ok().map(|c| c.seq);
        // The response must be to this request (RFC 3261 §8.1.3.3 matches
        // responses by Call-ID and CSeq too): answering another request's
        // challenge would resend the wrong request.
        if response.call_id().ok() != call_id || response.cseq().ok().map(|c| c.seq) != cseq {
            return Err(AuthError::Mismatch);
        }

        let chosen = self.choose(response, body.is_some());
        if chosen.is_empty() {
            return Err(AuthError::NoUsableChallenge);
        }
        // Check every realm before touching any state.
        for c in &chosen {
            let sent = sent_credentials(request, c.kind, &c.realm);
            let session = self.session(c.kind, &c.realm);
            if let Some(sent_nonce) = &sent {
                // Our credentials for this realm were in the request.
                if !c.stale || *sent_nonce == c.nonce {
                    return Err(AuthError::Rejected { realm: c.realm.clone() });
                }
                let in_chain = session
                    .and_then(|s| s.chain.as_ref())
                    .is_some_and(|(id, seq)| Some(id.as_str()) == call_id && Some(*seq) == cseq);
                let run = if in_chain { session.map_or(0, |s| s.stale_run) } else { 0 };
                if run >= MAX_STALE_RETRIES {
                    return Err(AuthError::Rejected { realm: c.realm.clone() });
                }
            }
        }
        let mut out = Vec::with_capacity(chosen.len());
        for c in chosen {
            let sent = sent_credentials(request, c.kind, &c.realm).is_some();
            let in_chain = self
                .session(c.kind, &c.realm)
                .and_then(|s| s.chain.as_ref())
                .is_some_and(|(id, seq)| Some(id.as_str()) == call_id && Some(*seq) == cseq);
            let run = match self.session(c.kind, &c.realm) {
                Some(s) if sent && c.stale && in_chain => s.stale_run + 1,
                _ if sent && c.stale => 1,
                _ => 0,
            };
            let idx = self.adopt(c);
            self.sessions[idx].stale_run = run;
            out.push(self.credentials(idx, line.method.as_str(), uri, body)?);
        }
        Ok(out)
    }

    /// Checks the server's proof in a response's Authentication-Info
    /// (RFC 7616 §3.5, RFC 3261 §20.6): its `rspauth` must be the digest of
    /// the credentials `request` carried, computed with our password, so
    /// only a server that knows it could have sent it. A `nextnonce` in a
    /// verified header replaces the cached nonce for the next
    /// [`preauthorize`](Self::preauthorize).
    ///
    /// `Ok(true)` verified, `Ok(false)` no Authentication-Info with a
    /// `rspauth` (the server proved nothing, which RFC 3261 allows), and
    /// [`AuthError::BadRspauth`] for a proof that does not match.
    pub fn verify_authentication_info(
        &mut self,
        request: &Message<'_>,
        response: &Message<'_>,
    ) -> Result<bool, AuthError> {
        let Ok(Some(info)) = response.authentication_info() else {
            return Ok(false);
        };
        let Some(rspauth) = info.rspauth() else {
            return Ok(false);
        };
        // The Authorization we sent (Authentication-Info answers the UAS's
        // challenge, not a proxy's).
        let h = HeaderName::Authorization;
        let mine = request.header_all(h).filter_map(|v| Credentials::parse_header(v, h).ok()).find(|c| {
            c.is_digest()
                && c.realm()
                    .and_then(|r| unquote(r, MAX_VALUE))
                    .is_some_and(|r| self.realm.as_ref().is_none_or(|x| *x == r))
        });
        let Some(c) = mine else { return Err(AuthError::BadRspauth) };
        let text = |v: Option<&[u8]>| v.and_then(|v| unquote(v, MAX_VALUE));
        let (Some(realm), Some(nonce), Some(cnonce), Some(uri)) =
            (text(c.realm()), text(c.nonce()), text(c.cnonce()), text(c.uri()))
        else {
            return Err(AuthError::BadRspauth);
        };
        let (Some(qop), Some(Ok(nc))) = (c.qop().and_then(Qop::from_token), c.nc()) else {
            return Err(AuthError::BadRspauth);
        };
        let alg = known(c.algorithm().unwrap_or(Algorithm::Md5)).ok_or(AuthError::BadRspauth)?;
        let hash = HashFn::of(alg).ok_or(AuthError::BadRspauth)?;
        let ha1 = hash.hex(&[self.username.as_bytes(), realm.as_bytes(), self.password.as_bytes()]);
        let expected =
            super::server::rspauth(alg, ha1.as_bytes(), &nonce, &cnonce, nc, qop, &uri, response.body())
                .ok_or(AuthError::BadRspauth)?;
        if !super::ct_eq_hex(expected.as_bytes(), rspauth) {
            return Err(AuthError::BadRspauth);
        }
        if let Some(next) = info.nextnonce().and_then(|n| unquote(n, MAX_VALUE)) {
            let fresh = self.new_cnonce();
            if let Some(s) =
                self.sessions.iter_mut().find(|s| s.kind == ChallengeKind::Www && s.realm == realm)
            {
                if s.nonce != next {
                    s.nonce = next;
                    s.cnonce = fresh;
                    s.nc = 0;
                }
            }
        }
        Ok(true)
    }

    /// Credentials for a new request from the cached challenges (RFC 3261
    /// §22.3: a UA MAY pre-authorize with credentials that worked before),
    /// each with the nonce count incremented. `body` as in
    /// [`answer`](Self::answer). A realm that refuses the cached nonce
    /// answers `stale=true` and [`authorize`](Self::authorize) retries.
    /// Nothing for CANCEL and ACK.
    pub fn preauthorize(&mut self, method: Method<'_>, uri: &str, body: Option<&[u8]>) -> Vec<Authorization> {
        if matches!(method, Method::Cancel | Method::Ack) {
            return Vec::new();
        }
        (0..self.sessions.len())
            .filter_map(|i| self.credentials(i, method.as_str(), uri, body).ok())
            .collect()
    }

    fn session(&self, kind: ChallengeKind, realm: &str) -> Option<&Session> {
        self.sessions.iter().find(|s| s.kind == kind && s.realm == realm)
    }

    /// Picks, per (kind, realm), the challenge to answer.
    fn choose(&self, response: &Message<'_>, have_body: bool) -> Vec<Chosen> {
        let mut chosen: Vec<Chosen> = Vec::new();
        let kinds = [
            (ChallengeKind::Www, response.www_authenticates()),
            (ChallengeKind::Proxy, response.proxy_authenticates()),
        ];
        for (kind, challenges) in kinds {
            // Unparsable or unknown challenges are ignored (RFC 8760 §2.4).
            for ch in challenges.filter_map(Result::ok) {
                let Some(c) = self.usable(kind, &ch, have_body) else { continue };
                match chosen.iter().position(|o| o.kind == c.kind && o.realm == c.realm) {
                    Some(i) if !self.config.server_order && c.rank > chosen[i].rank => chosen[i] = c,
                    Some(_) => {}
                    // At most MAX_REALMS realms are answered per response.
                    None if chosen.len() < MAX_REALMS => chosen.push(c),
                    None => {}
                }
            }
        }
        chosen
    }

    fn usable(&self, kind: ChallengeKind, ch: &Challenge<'_>, have_body: bool) -> Option<Chosen> {
        if !ch.is_digest() {
            return None;
        }
        let realm = unquote(ch.realm()?, MAX_VALUE)?;
        if self.realm.as_ref().is_some_and(|r| *r != realm) {
            return None;
        }
        let given = ch.algorithm();
        let algorithm = known(given.unwrap_or(Algorithm::Md5))?;
        if !self.config.allow_md5 && HashFn::of(algorithm) == Some(HashFn::Md5) {
            return None;
        }
        let nonce = unquote(ch.nonce()?, MAX_VALUE)?;
        let opaque = match ch.opaque() {
            Some(o) => Some(unquote(o, MAX_VALUE)?),
            None => None,
        };
        let mut qop_auth = false;
        let mut qop_auth_int = false;
        let mut any_qop = false;
        for q in ch.qop_options() {
            any_qop = true;
            match Qop::from_token(q.as_bytes()) {
                Some(Qop::Auth) => qop_auth = true,
                Some(Qop::AuthInt) => qop_auth_int = self.config.auth_int,
                None => {}
            }
        }
        if !have_body {
            qop_auth_int = false;
        }
        // Offered qops, none of which we can use.
        if any_qop && !qop_auth && !qop_auth_int {
            return None;
        }
        Some(Chosen {
            kind,
            realm,
            algorithm,
            algorithm_sent: given.is_some(),
            nonce,
            opaque,
            qop_auth,
            qop_auth_int,
            stale: ch.stale(),
            userhash: ch.userhash(),
            rank: strength(algorithm).unwrap_or(0),
        })
    }

    /// Stores `c` as its realm's session (a new nonce restarts the count
    /// and draws a cnonce); returns its index.
    fn adopt(&mut self, c: Chosen) -> usize {
        let idx = match self.sessions.iter().position(|s| s.kind == c.kind && s.realm == c.realm) {
            Some(i) => i,
            None => {
                if self.sessions.len() >= MAX_REALMS {
                    self.sessions.remove(0);
                }
                self.sessions.push(Session {
                    kind: c.kind,
                    realm: c.realm.clone(),
                    algorithm: c.algorithm,
                    algorithm_sent: false,
                    nonce: String::new(),
                    opaque: None,
                    qop_auth: false,
                    qop_auth_int: false,
                    userhash: false,
                    cnonce: String::new(),
                    nc: 0,
                    chain: None,
                    stale_run: 0,
                });
                self.sessions.len() - 1
            }
        };
        let new_nonce = self.sessions[idx].nonce != c.nonce;
        let cnonce = if new_nonce { Some(self.new_cnonce()) } else { None };
        let s = &mut self.sessions[idx];
        if let Some(cn) = cnonce {
            s.cnonce = cn;
            s.nc = 0;
        }
        s.algorithm = c.algorithm;
        s.algorithm_sent = c.algorithm_sent;
        s.nonce = c.nonce;
        s.opaque = c.opaque;
        s.qop_auth = c.qop_auth;
        s.qop_auth_int = c.qop_auth_int;
        s.userhash = c.userhash;
        idx
    }

    /// 144 bits from the seeded stream, base64url (RFC 7616 §5.12 wants an
    /// unpredictable cnonce).
    fn new_cnonce(&mut self) -> String {
        let mut b = [0u8; 18];
        self.rng.fill_bytes(&mut b);
        let mut s = String::with_capacity(24);
        super::base64url(&b, &mut s);
        s
    }

    /// Builds the credential value for session `idx`, counting one use.
    fn credentials(
        &mut self,
        idx: usize,
        method: &str,
        uri: &str,
        body: Option<&[u8]>,
    ) -> Result<Authorization, AuthError> {
        let s = &mut self.sessions[idx];
        let qop = if s.qop_auth_int && body.is_some() {
            Some(Qop::AuthInt)
        } else if s.qop_auth {
            Some(Qop::Auth)
        } else if s.qop_auth_int {
            // Only auth-int offered and no body at hand.
            return Err(AuthError::NoUsableChallenge);
        } else {
            None
        };
        if qop.is_some() {
            s.nc = s.nc.checked_add(1).ok_or(AuthError::NoUsableChallenge)?;
        }
        let hash = HashFn::of(s.algorithm).ok_or(AuthError::NoUsableChallenge)?;
        let ha1 = hash.hex(&[self.username.as_bytes(), s.realm.as_bytes(), self.password.as_bytes()]);
        let sess = s.algorithm.is_sess();
        let cnonce: &str = if qop.is_some() || sess { &s.cnonce } else { "" };
        let response = request_digest(&DigestParams {
            algorithm: s.algorithm,
            ha1: ha1.as_bytes(),
            nonce: s.nonce.as_bytes(),
            cnonce: cnonce.as_bytes(),
            nc: s.nc,
            qop,
            method: method.as_bytes(),
            uri: uri.as_bytes(),
            body: body.unwrap_or_default(),
        })
        .ok_or(AuthError::NoUsableChallenge)?;
        let mut v = String::with_capacity(256);
        v.push_str("Digest ");
        if s.userhash {
            let h = hash.hex(&[self.username.as_bytes(), s.realm.as_bytes()]);
            push_quoted(&mut v, "username", h.as_str());
        } else {
            push_quoted(&mut v, "username", &self.username);
        }
        push_quoted(&mut v, "realm", &s.realm);
        push_quoted(&mut v, "nonce", &s.nonce);
        push_quoted(&mut v, "uri", uri);
        push_quoted(&mut v, "response", response.as_str());
        if s.algorithm_sent || sess {
            push_token(&mut v, "algorithm", s.algorithm.as_str());
        }
        if qop.is_some() || sess {
            push_quoted(&mut v, "cnonce", cnonce);
        }
        if let Some(o) = &s.opaque {
            push_quoted(&mut v, "opaque", o);
        }
        if let Some(q) = qop {
            push_token(&mut v, "qop", q.as_str());
            let nc = super::nc_hex(s.nc);
            push_token(&mut v, "nc", core::str::from_utf8(&nc).unwrap_or_default());
        }
        if s.userhash {
            push_token(&mut v, "userhash", "true");
        }
        Ok(Authorization { header: s.kind.credentials_header(), realm: s.realm.clone(), value: v })
    }
}

/// The nonce of Digest credentials for `realm` in the request's `kind`
/// header, if it has any.
fn sent_credentials(request: &Message<'_>, kind: ChallengeKind, realm: &str) -> Option<String> {
    let h = kind.credentials_header();
    request
        .header_all(h)
        .filter_map(|v| Credentials::parse_header(v, h).ok())
        .filter(Credentials::is_digest)
        .find(|c| c.realm().and_then(|r| unquote(r, MAX_VALUE)).is_some_and(|r| r == realm))
        .map(|c| c.nonce().and_then(|n| unquote(n, MAX_VALUE)).unwrap_or_default())
}

/// The request again: same start line, headers but Via and
/// Content-Length, CSeq `seq`, old credentials for the answered realms
/// replaced by `auths`, same body.
fn rebuild(
    request: &Message<'_>,
    method: Method<'_>,
    raw_uri: &[u8],
    seq: u32,
    auths: &[Authorization],
) -> Result<RequestBuilder, AuthError> {
    let uri = core::str::from_utf8(raw_uri).map_err(|_| BuildError::InvalidRequestUri)?;
    let mut b = RequestBuilder::new(method, uri);
    let mut content_type = None;
    for f in request.headers() {
        match f.name {
            HeaderName::Via | HeaderName::ContentLength => continue,
            HeaderName::CSeq => {
                b = b.cseq(seq);
                continue;
            }
            HeaderName::ContentType => {
                content_type = Some(f.value);
            }
            HeaderName::Authorization | HeaderName::ProxyAuthorization => {
                let replaced = Credentials::parse_header(f.value, f.name).ok().is_some_and(|c| {
                    c.is_digest()
                        && auths.iter().any(|a| {
                            a.header == f.name
                                && c.realm().and_then(|r| unquote(r, MAX_VALUE)).is_some_and(|r| r == a.realm)
                        })
                });
                if replaced {
                    continue;
                }
            }
            _ => {}
        }
        if f.name == HeaderName::ContentType && !request.body().is_empty() {
            continue; // written by `body` below
        }
        b = match f.name {
            HeaderName::Other => {
                let name = core::str::from_utf8(f.raw_name).map_err(|_| BuildError::InvalidHeaderName)?;
                b.header(name, f.value)
            }
            known => b.header(known, f.value),
        };
    }
    for a in auths {
        b = b.header(a.header, &a.value);
    }
    let body = request.body();
    if !body.is_empty() {
        let ct = content_type.ok_or(BuildError::MissingHeader(HeaderName::ContentType))?;
        let ct =
            core::str::from_utf8(ct).map_err(|_| BuildError::InvalidHeaderValue(HeaderName::ContentType))?;
        b = b.body(ct, body.to_vec());
    }
    Ok(b)
}
