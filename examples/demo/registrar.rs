//! The demo's registrar: an Endpoint with a minimal binding table (the
//! crate's registrar core is a later issue) that challenges every REGISTER
//! without valid credentials (RFC 3261 §10.3 steps 1–8, §22).

use std::collections::BTreeMap;

use sip_proto::Instant;
use sip_proto::auth::server::{DigestServer, Role, Secret, ServerConfig, Verification};
use sip_proto::endpoint::{Endpoint, EndpointConfig, Event};
use sip_proto::message::builder::{OwnedMessage, response_to};
use sip_proto::message::validate::Policy;
use sip_proto::message::{HeaderName, Message, Method, StatusCode};

/// The registrar of `sip.example`.
pub struct Registrar {
    /// Its endpoint.
    pub ep: Endpoint,
    /// AOR → Contact URI.
    bindings: BTreeMap<String, String>,
    /// Digest (RFC 3261 §22, RFC 7616): SHA-256 offered before MD5,
    /// stateless HMAC-signed nonces.
    digest: DigestServer,
    /// The user database: username → password.
    users: BTreeMap<&'static str, &'static str>,
}

impl Registrar {
    pub fn new(at: &str, seed: [u8; 32]) -> Self {
        let a: std::net::SocketAddr = at.parse().expect("an address");
        let mut c = EndpointConfig::new(&a.ip().to_string(), seed);
        c.via_port = Some(a.port());
        c.policy = Some(Policy::registrar());
        let digest = DigestServer::new(
            b"the demo registrar's nonce key",
            ServerConfig::new("sip.example", Role::Registrar),
        );
        Registrar {
            ep: Endpoint::new(c),
            bindings: BTreeMap::new(),
            digest,
            users: BTreeMap::from([("alice", "wonderland")]),
        }
    }

    /// The Contact bound to `aor`.
    pub fn lookup(&self, aor: &str) -> Option<String> {
        self.bindings.get(aor).cloned()
    }

    /// Handles one endpoint event; returns a line for the log.
    pub fn handle(&mut self, now: Instant, e: Event) -> Option<String> {
        let Event::Request { transaction, request } = e else { return None };
        let m = request.message();
        if m.method() != Some(Method::Register) {
            let r = response_to(m, StatusCode::METHOD_NOT_ALLOWED, Some("reg")).build().ok()?;
            let _ = self.ep.send_response(now, transaction, r);
            return None;
        }
        let users = &self.users;
        let verdict =
            self.digest.verify(now, m, |q| users.get(q.username).map(|p| Secret::Password((*p).into())));
        match verdict {
            Verification::Verified { .. } => {}
            Verification::Stale => {
                let r = challenge(&mut self.digest, now, m, true)?;
                let _ = self.ep.send_response(now, transaction, r);
                return Some("the nonce is stale: challenges again (401, stale=true)".into());
            }
            other => {
                let r = challenge(&mut self.digest, now, m, false)?;
                let _ = self.ep.send_response(now, transaction, r);
                let why =
                    if matches!(other, Verification::Missing) { "no credentials" } else { "bad credentials" };
                return Some(format!("challenges the REGISTER ({why}): 401 with SHA-256 and MD5"));
            }
        }
        let aor = m.to().ok().map(|t| String::from_utf8_lossy(t.uri.as_bytes()).into_owned())?;
        let contact = m.contacts().next()?.ok()?;
        let uri = String::from_utf8_lossy(contact.uri()?.as_bytes()).into_owned();
        let expires =
            contact.expires().and_then(Result::ok).or(m.expires().ok().flatten()).unwrap_or(3600).min(3600);
        let mut ok = response_to(m, StatusCode::OK, Some("reg"));
        ok = ok.header(HeaderName::Contact, format!("<{uri}>;expires={expires}"));
        let line = format!("binds {aor} to {uri} for {expires} s");
        if expires == 0 {
            self.bindings.remove(&aor);
        } else {
            self.bindings.insert(aor, uri);
        }
        let _ = self.ep.send_response(now, transaction, ok.build().ok()?);
        Some(line)
    }
}

/// The digest challenge of a REGISTER without valid credentials.
fn challenge(digest: &mut DigestServer, now: Instant, m: &Message<'_>, stale: bool) -> Option<OwnedMessage> {
    digest.challenge(now, m, stale, Some("reg")).build().ok()
}
