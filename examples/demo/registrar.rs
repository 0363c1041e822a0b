//! The demo's registrar: an Endpoint with a minimal binding table (the
//! crate's registrar core is a later issue) that challenges every REGISTER
//! without valid credentials (RFC 3261 §10.3 steps 1–8, §22).

use std::collections::BTreeMap;

use sip_proto::Instant;
use sip_proto::endpoint::{Endpoint, EndpointConfig, Event};
use sip_proto::message::builder::response_to;
use sip_proto::message::validate::Policy;
use sip_proto::message::{HeaderName, Message, Method, StatusCode};

/// The registrar of `sip.example`.
pub struct Registrar {
    /// Its endpoint.
    pub ep: Endpoint,
    /// AOR → Contact URI.
    bindings: BTreeMap<String, String>,
}

impl Registrar {
    pub fn new(at: &str, seed: [u8; 32]) -> Self {
        let a: std::net::SocketAddr = at.parse().expect("an address");
        let mut c = EndpointConfig::new(&a.ip().to_string(), seed);
        c.via_port = Some(a.port());
        c.policy = Some(Policy::registrar());
        Registrar { ep: Endpoint::new(c), bindings: BTreeMap::new() }
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
        if !credentials_ok(m) {
            let r = challenge(m)?;
            let _ = self.ep.send_response(now, transaction, r);
            return Some("challenges the REGISTER (401)".into());
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

// Until the digest module lands these accept the demo's fixed token.
fn credentials_ok(m: &Message<'_>) -> bool {
    m.header(HeaderName::Authorization).is_some_and(|v| v.windows(9).any(|w| w == b"response="))
}

fn challenge(m: &Message<'_>) -> Option<sip_proto::message::builder::OwnedMessage> {
    response_to(m, StatusCode::UNAUTHORIZED, Some("reg"))
        .header(
            HeaderName::WwwAuthenticate,
            "Digest realm=\"sip.example\", nonce=\"demo\", algorithm=SHA-256, qop=\"auth\"",
        )
        .build()
        .ok()
}

/// The UA side: the Authorization answering the registrar's challenge.
pub fn answer_challenge(_challenge: &Message<'_>, user: &str, _password: &str) -> Option<String> {
    Some(format!(
        "Digest username=\"{user}\", realm=\"sip.example\", nonce=\"demo\", uri=\"sip:sip.example\", response=\"0\", algorithm=SHA-256"
    ))
}
