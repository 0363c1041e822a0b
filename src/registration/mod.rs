//! The registration client of RFC 3261 §10.2 (with the `+sip.instance` and
//! `reg-id` of RFC 5626 §4.2): a sans-IO state machine that produces the
//! REGISTER requests a UA sends to keep one Contact bound to its
//! address-of-record, and reads the registrar's answers.
//!
//! A [`Registration`] never sends anything itself. It hands the caller a
//! [`RequestBuilder`] (without Via: [`Endpoint::send_request`] adds it) and
//! is told what happened: the transaction that carries the request
//! ([`Registration::sent`]), the responses
//! ([`Registration::handle_response`]), the transaction's failure
//! ([`Registration::handle_transaction_failed`]) and the passing of time
//! ([`Registration::poll_timeout`], [`Registration::handle_timeout`]).
//! [`Registration::poll_request`] yields a REGISTER whenever one is due: a
//! refresh, the retry after a 423, a retry after a failure, the answer to a
//! challenge once credentials are set.
//!
//! # What the requests carry (§10.2)
//!
//! * Request-URI: [`RegistrationConfig::registrar`].
//! * To and From: the AOR; From with the tag given to
//!   [`Registration::new`].
//! * Call-ID: the one given to [`Registration::new`], for every REGISTER
//!   of this registration (§10.2.4: the same Call-ID for all registrations
//!   during one boot cycle).
//! * CSeq: starting at `first_cseq`, one more for every request built
//!   (§10.2: "A UA MUST increment the CSeq value by one for each REGISTER
//!   request with the same Call-ID").
//! * Contact: `<contact>;expires=N`, with `+sip.instance="<urn>"` and
//!   `reg-id` when configured (RFC 5626 §4.2.1, §4.2.2: the same values on
//!   refreshes and on the removal), and `Expires: N` with the same value
//!   (§10.2.1.1: the Contact parameter wins, so both agree).
//! * `Supported: outbound, path` when a `reg-id` is configured (RFC 5626
//!   §4.2.1).
//! * The credentials set with [`Registration::set_authorization`].
//!
//! The caller may add fields (a Route to an outbound proxy, User-Agent) to
//! the returned builder before sending it.
//!
//! # Choices where the RFC leaves room
//!
//! * **Granted interval.** The `expires` parameter of *our* Contact in the
//!   2xx, else the Expires header of the 2xx, else the interval requested
//!   (§10.2.4). Our Contact is the one carrying our `+sip.instance` (and
//!   `reg-id` when both sides carry one) when we registered with an
//!   instance; failing that (and always without an instance) a Contact
//!   without instance whose URI is equivalent to ours (§19.1.4). Other
//!   Contacts (other UAs' bindings) are ignored.
//! * **A 2xx that does not list our Contact** (or lists it with
//!   `expires=0`) to a registering REGISTER means the binding does not
//!   exist: it is reported as [`RegistrationEvent::Failed`] with status 200
//!   and retried with backoff.
//! * **Expiry is counted from when the REGISTER was built**, not from when
//!   the 2xx arrived: the registrar started its clock later, so ours ends
//!   first.
//! * **Refresh** at `max(granted · refresh_percent / 100, granted −
//!   refresh_margin)` after the request; with the defaults (50 %, 600 s)
//!   that is half the interval up to 1200 s and ten minutes before expiry
//!   above.
//! * **423** (§10.2.8): the next REGISTER asks for the Min-Expires value,
//!   and no later one asks for less; it is due at once. A 423 without a
//!   Min-Expires above what was asked is a permanent failure (retrying
//!   would loop).
//! * **401 / 407**: [`RegistrationEvent::Challenged`]; the request is
//!   repeated (with a new CSeq) once [`Registration::set_authorization`] is
//!   called, or whenever the caller calls `register` / `unregister`.
//! * **Failures retried with backoff** (§10.2.7: no immediate re-attempt
//!   after a timeout): transaction timeout or transport
//!   error, 408, 480, 500, 502, 503, 504, and the 2xx without our Contact.
//!   The wait is `min_retry · 2^(n−1)` for the n-th consecutive failure,
//!   at most `max_retry`, reset by a success; a Retry-After in the
//!   response is used instead when present (RFC 5626 §4.2.1: 0 means at
//!   once). The defaults, 30 s and 1800 s, are RFC 5626 §4.5's base and
//!   upper bound; no jitter is added (this crate draws no randomness).
//! * **Other final responses** (3xx, other 4xx, 6xx) are permanent: the
//!   state becomes [`RegistrationState::Failed`] until the caller calls
//!   `register` again. Redirects are not followed.
//! * **Removal** (§10.2.2): `unregister` sends our Contact with
//!   `expires=0` (not `*`, which would remove other UAs' bindings too). Its
//!   failures are reported and not retried: the binding lapses on its own.
//! * **One request at a time** (§10.2: no new registration before the final
//!   response to the previous one or its timeout): `poll_request` yields nothing
//!   while a REGISTER is outstanding. `register` and `unregister` always
//!   build one; called while another is outstanding they supersede it, and
//!   the answer to the older one is then ignored (responses are matched by
//!   Call-ID, From tag and CSeq, failures by transaction id).
//!
//! [`Endpoint::send_request`]: crate::endpoint::Endpoint::send_request

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;
use core::time::Duration;

use crate::endpoint::{Event, TransactionId};
use crate::message::builder::RequestBuilder;
use crate::message::headers::ContactValue;
use crate::message::lex;
use crate::message::uri::Uri;
use crate::message::{HeaderName, Message, Method, StatusCode};
use crate::time::Instant;

#[cfg(test)]
mod tests;

/// What a [`Registration`] registers, and how it refreshes and retries.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct RegistrationConfig {
    /// The Request-URI: the registrar's domain, e.g.
    /// `sip:registrar.biloxi.example.com` (§10.2).
    pub registrar: String,
    /// The address-of-record, used as To and From URI, e.g.
    /// `sip:bob@biloxi.example.com`.
    pub aor: String,
    /// Our Contact URI (bare, without `<>`), e.g.
    /// `sip:bob@192.0.2.4:5060`.
    pub contact: String,
    /// The interval asked for, in seconds (default 3600). A 423 raises it
    /// for the rest of the registration.
    pub expires: u32,
    /// The `+sip.instance` URN (RFC 5626 §4.1), e.g.
    /// `urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF` (angle brackets
    /// optional); `None` sends none.
    pub instance: Option<String>,
    /// The `reg-id` (RFC 5626 §4.2.1); `None` sends none. With one, the
    /// REGISTER says `Supported: outbound, path`.
    pub reg_id: Option<u32>,
    /// Refresh after this percentage of the granted interval (default 50;
    /// above 100 counts as 100)...
    pub refresh_percent: u8,
    /// ...or this long before expiry, whichever is later (default 600 s).
    pub refresh_margin: Duration,
    /// The wait after a first failure (default 30 s); it doubles with each
    /// consecutive failure. Should not be zero.
    pub min_retry: Duration,
    /// The longest wait between retries (default 1800 s).
    pub max_retry: Duration,
}

impl RegistrationConfig {
    /// The defaults (3600 s asked, refresh at half the interval or ten
    /// minutes before expiry, retries from 30 s to 30 min) for binding
    /// `contact` to `aor` at `registrar`.
    pub fn new(registrar: &str, aor: &str, contact: &str) -> Self {
        RegistrationConfig {
            registrar: registrar.into(),
            aor: aor.into(),
            contact: contact.into(),
            expires: 3600,
            instance: None,
            reg_id: None,
            refresh_percent: 50,
            refresh_margin: Duration::from_secs(600),
            min_retry: Duration::from_secs(30),
            max_retry: Duration::from_secs(1800),
        }
    }
}

/// Where a [`Registration`] stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RegistrationState {
    /// No binding and nothing under way: before the first REGISTER, and
    /// after a removal succeeded.
    Unregistered,
    /// A REGISTER is outstanding or due, and no binding is known.
    Registering,
    /// The binding is active (until [`Registration::expires_at`]); the next
    /// refresh is scheduled.
    Registered,
    /// The binding is active and its refresh is outstanding (or, after a
    /// 423, due at once).
    Refreshing,
    /// A 401 or 407 came back: waiting for credentials.
    Challenged,
    /// A REGISTER failed; it is retried at a set time (a binding may still
    /// be active meanwhile).
    Retrying,
    /// The removal (`expires=0`) is outstanding.
    Unregistering,
    /// A permanent failure; nothing more happens until `register`.
    Failed,
}

/// What a response, a failure or the passing of time meant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RegistrationEvent {
    /// A 2xx listed our Contact: bound for `expires` seconds.
    Registered {
        /// The interval granted, in seconds.
        expires: u32,
    },
    /// A 2xx answered the removal.
    Unregistered,
    /// A 401 or 407: answer it with [`Registration::set_authorization`],
    /// after which [`Registration::poll_request`] yields the REGISTER again.
    Challenged {
        /// 401 or 407.
        status: StatusCode,
    },
    /// A 423 (§10.2.8): the next REGISTER, due at once, asks for
    /// `min_expires`.
    IntervalTooBrief {
        /// The registrar's Min-Expires.
        min_expires: u32,
    },
    /// The REGISTER failed: with the final status, or `None` for a
    /// transaction timeout or transport error; status 200 means a 2xx that
    /// did not list our Contact.
    Failed {
        /// The status, if a response came.
        status: Option<StatusCode>,
        /// When the retry is due, if there is one.
        retry_at: Option<Instant>,
    },
    /// The binding's interval passed without a successful refresh.
    Expired,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Intent {
    Register,
    Unregister,
}

#[derive(Clone, Copy, Debug)]
struct InFlight {
    cseq: u32,
    intent: Intent,
    built_at: Instant,
    expires: u32,
    transaction: Option<TransactionId>,
}

#[derive(Clone, Copy, Debug)]
struct Binding {
    granted: u32,
    expires_at: Instant,
}

/// What happens once nothing is outstanding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Next {
    /// Nothing scheduled.
    Idle,
    /// The refresh, due at this time.
    Refresh(Instant),
    /// A retry at this time: after a failure, or at once after a 423.
    Retry { at: Instant, intent: Intent, after_failure: bool },
    /// Challenged; `ready` once credentials were set since.
    Credentials { intent: Intent, ready: bool },
}

/// The registration client (RFC 3261 §10.2) for one Contact of one AOR at
/// one registrar; see the [module documentation](self) for what it sends
/// and the rules it applies.
///
/// # Example
///
/// ```
/// use sip_proto::Instant;
/// use sip_proto::message::builder::response_to;
/// use sip_proto::message::{HeaderName, Message, StatusCode};
/// use sip_proto::registration::{
///     Registration, RegistrationConfig, RegistrationEvent, RegistrationState,
/// };
/// use std::time::Duration;
///
/// let config = RegistrationConfig::new(
///     "sip:registrar.biloxi.example.com",
///     "sip:bob@biloxi.example.com",
///     "sip:bob@192.0.2.4",
/// );
/// let mut reg = Registration::new(config, "843817637684230@998sdasdh09".into(), "a73kszlfl".into(), 1826);
/// let now = Instant::ZERO;
///
/// // The REGISTER to send; an Endpoint would add the Via.
/// let register = reg.register(now).via("UDP", "192.0.2.4", "z9hG4bKnashds7").build()?;
/// let request = register.parse()?;
/// assert_eq!(request.header(HeaderName::Contact), Some(&b"<sip:bob@192.0.2.4>;expires=3600"[..]));
/// assert_eq!(request.cseq()?.seq, 1826);
///
/// // The registrar grants less than asked, on our Contact.
/// let ok = response_to(&request, StatusCode::OK, Some("2493k59kd"))
///     .contact("<sip:bob@192.0.2.4>;expires=600")
///     .build()?;
/// let event = reg.handle_response(now, &ok.parse()?);
/// assert_eq!(event, Some(RegistrationEvent::Registered { expires: 600 }));
/// assert_eq!(reg.state(), RegistrationState::Registered);
/// assert_eq!(reg.expires_at(), Some(now + Duration::from_secs(600)));
///
/// // The refresh is due at half the interval, with the same Call-ID and
/// // the next CSeq.
/// let at = reg.poll_timeout().unwrap();
/// assert_eq!(at, now + Duration::from_secs(300));
/// reg.handle_timeout(at);
/// let refresh = reg.poll_request(at).unwrap().via("UDP", "192.0.2.4", "z9hG4bKnashds8").build()?;
/// let refresh = refresh.parse()?;
/// assert_eq!(refresh.cseq()?.seq, 1827);
/// assert_eq!(refresh.call_id()?, "843817637684230@998sdasdh09");
/// assert_eq!(reg.state(), RegistrationState::Refreshing);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Registration {
    config: RegistrationConfig,
    call_id: String,
    from_tag: String,
    next_cseq: u32,
    /// The floor a 423 set on the interval asked for.
    min_expires: u32,
    authorization: Vec<(HeaderName, String)>,
    in_flight: Option<InFlight>,
    binding: Option<Binding>,
    next: Next,
    /// A permanent failure happened and nothing was asked since.
    failed: bool,
    /// Consecutive failures, for the backoff.
    failures: u32,
    /// The last 2xx said `Require: outbound` (RFC 5626 §4.2.1).
    outbound: bool,
}

impl Registration {
    /// A registration with `config`, using `call_id` and `from_tag` for
    /// every REGISTER it builds and CSeq numbers from `first_cseq` (draw
    /// the first two with [`Endpoint::new_call_id`] and
    /// [`Endpoint::new_tag`]; RFC 3261 §8.1.1.5 wants `first_cseq` below
    /// 2**31).
    ///
    /// [`Endpoint::new_call_id`]: crate::endpoint::Endpoint::new_call_id
    /// [`Endpoint::new_tag`]: crate::endpoint::Endpoint::new_tag
    pub fn new(config: RegistrationConfig, call_id: String, from_tag: String, first_cseq: u32) -> Self {
        Registration {
            config,
            call_id,
            from_tag,
            next_cseq: first_cseq,
            min_expires: 0,
            authorization: Vec::new(),
            in_flight: None,
            binding: None,
            next: Next::Idle,
            failed: false,
            failures: 0,
            outbound: false,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &RegistrationConfig {
        &self.config
    }

    /// The Call-ID of every REGISTER.
    pub fn call_id(&self) -> &str {
        &self.call_id
    }

    /// The From tag of every REGISTER.
    pub fn from_tag(&self) -> &str {
        &self.from_tag
    }

    /// The CSeq number the next REGISTER will carry.
    pub fn next_cseq(&self) -> u32 {
        self.next_cseq
    }

    /// The interval the next registering REGISTER asks for: the configured
    /// one, raised to the Min-Expires of any 423.
    pub fn requested_expires(&self) -> u32 {
        self.config.expires.max(self.min_expires)
    }

    /// The REGISTER to send now, adding or refreshing our binding; it
    /// supersedes any outstanding one.
    pub fn register(&mut self, now: Instant) -> RequestBuilder {
        self.build(now, Intent::Register)
    }

    /// The REGISTER to send now removing our binding (§10.2.2: our Contact
    /// with `expires=0`, and `Expires: 0`); it supersedes any outstanding
    /// one, and no refresh follows.
    pub fn unregister(&mut self, now: Instant) -> RequestBuilder {
        self.build(now, Intent::Unregister)
    }

    /// The caller sent the last REGISTER built in `transaction` (the id
    /// [`Endpoint::send_request`](crate::endpoint::Endpoint::send_request)
    /// returned): its failures are recognised by that id.
    pub fn sent(&mut self, transaction: TransactionId) {
        if let Some(f) = &mut self.in_flight {
            f.transaction = Some(transaction);
        }
    }

    /// Credentials for the REGISTERs built from now on: `header` is
    /// [`HeaderName::Authorization`] or [`HeaderName::ProxyAuthorization`],
    /// `value` the whole field value (the digest computed from the
    /// challenge). A value for the same header replaces the previous one.
    /// After a challenge, this makes the repeated REGISTER due.
    ///
    /// A digest with `qop` counts requests (`nc`): a caller whose value
    /// changes with each request sets it again before each
    /// [`poll_request`](Self::poll_request).
    pub fn set_authorization(&mut self, header: HeaderName, value: String) {
        match self.authorization.iter_mut().find(|(h, _)| *h == header) {
            Some(slot) => slot.1 = value,
            None => self.authorization.push((header, value)),
        }
        if let Next::Credentials { ready, .. } = &mut self.next {
            *ready = true;
        }
    }

    /// Forgets every credential set.
    pub fn clear_authorization(&mut self) {
        self.authorization.clear();
    }

    /// A response received; `None` if it is not the final response to the
    /// outstanding REGISTER (another request's, an older REGISTER's, a
    /// provisional), or if it changes nothing.
    pub fn handle_response(&mut self, now: Instant, response: &Message<'_>) -> Option<RegistrationEvent> {
        let status = response.status()?;
        let flight = self.in_flight.as_ref()?;
        let cseq = response.cseq().ok()?;
        if !matches!(cseq.method, Method::Register) || cseq.seq != flight.cseq {
            return None;
        }
        if response.call_id().ok()? != self.call_id
            || response.from().ok()?.tag() != Some(self.from_tag.as_str())
        {
            return None;
        }
        if status.is_provisional() {
            return None;
        }
        let flight = self.in_flight.take()?;
        let code = status.as_u16();
        if status.is_success() {
            return Some(match flight.intent {
                Intent::Unregister => {
                    self.binding = None;
                    self.next = Next::Idle;
                    self.failures = 0;
                    self.outbound = false;
                    RegistrationEvent::Unregistered
                }
                Intent::Register => match self.granted_by(response, flight.expires) {
                    Some(granted) if granted > 0 => {
                        let secs = Duration::from_secs(u64::from(granted));
                        self.binding = Some(Binding { granted, expires_at: flight.built_at + secs });
                        self.next = Next::Refresh(flight.built_at + self.refresh_delay(granted));
                        self.failures = 0;
                        self.outbound =
                            response.option_tag_present(HeaderName::Require, "outbound").unwrap_or(false);
                        RegistrationEvent::Registered { expires: granted }
                    }
                    _ => self.retry_later(now, Some(status), None, Intent::Register),
                },
            });
        }
        if code == 401 || code == 407 {
            self.next = Next::Credentials { intent: flight.intent, ready: false };
            return Some(RegistrationEvent::Challenged { status });
        }
        if code == 423 && flight.intent == Intent::Register {
            if let Ok(Some(min)) = response.min_expires() {
                if min > flight.expires {
                    self.min_expires = self.min_expires.max(min);
                    self.next = Next::Retry { at: now, intent: Intent::Register, after_failure: false };
                    return Some(RegistrationEvent::IntervalTooBrief { min_expires: min });
                }
            }
        }
        if matches!(code, 408 | 480 | 500 | 502 | 503 | 504) && flight.intent == Intent::Register {
            let retry_after = response.retry_after().ok().flatten().map(|r| r.seconds);
            return Some(self.retry_later(now, Some(status), retry_after, Intent::Register));
        }
        Some(self.give_up(Some(status)))
    }

    /// The transaction `transaction` timed out or failed to send (the
    /// endpoint's [`Event::Timeout`] or [`Event::TransportError`]); `None`
    /// unless it carries the outstanding REGISTER. A registering REGISTER
    /// is retried with backoff; a removal is not.
    pub fn handle_transaction_failed(
        &mut self,
        now: Instant,
        transaction: TransactionId,
    ) -> Option<RegistrationEvent> {
        if self.in_flight?.transaction != Some(transaction) {
            return None;
        }
        self.send_failed(now)
    }

    /// The outstanding REGISTER could not be sent at all (the endpoint
    /// refused it): the same as a transaction failure.
    pub fn send_failed(&mut self, now: Instant) -> Option<RegistrationEvent> {
        let flight = self.in_flight.take()?;
        Some(match flight.intent {
            Intent::Register => self.retry_later(now, None, None, Intent::Register),
            Intent::Unregister => self.give_up(None),
        })
    }

    /// Feeds an endpoint event: a response goes to
    /// [`handle_response`](Self::handle_response), a timeout or transport
    /// error to [`handle_transaction_failed`](Self::handle_transaction_failed);
    /// anything else is `None`.
    pub fn handle_event(&mut self, now: Instant, event: &Event) -> Option<RegistrationEvent> {
        match event {
            Event::Response { response, .. } => self.handle_response(now, response.message()),
            Event::Timeout { transaction } | Event::TransportError { transaction } => {
                self.handle_transaction_failed(now, *transaction)
            }
            _ => None,
        }
    }

    /// The next time [`handle_timeout`](Self::handle_timeout) and
    /// [`poll_request`](Self::poll_request) have something to do: a
    /// refresh or retry due (never while a REGISTER is outstanding: its
    /// transaction times out first), or the binding's expiry.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let action = match self.next {
            _ if self.in_flight.is_some() => None,
            Next::Refresh(at) | Next::Retry { at, .. } => Some(at),
            Next::Idle | Next::Credentials { .. } => None,
        };
        let expiry = self.binding.map(|b| b.expires_at);
        match (action, expiry) {
            (Some(a), Some(e)) => Some(a.min(e)),
            (a, e) => a.or(e),
        }
    }

    /// Time has reached `now`: a binding whose interval has passed is
    /// dropped ([`RegistrationEvent::Expired`]). A refresh or retry now
    /// due comes from [`poll_request`](Self::poll_request).
    pub fn handle_timeout(&mut self, now: Instant) -> Option<RegistrationEvent> {
        let b = self.binding?;
        if b.expires_at > now {
            return None;
        }
        self.binding = None;
        self.outbound = false;
        Some(RegistrationEvent::Expired)
    }

    /// The REGISTER due now, if one is and none is outstanding: a refresh,
    /// the retry after a 423 or a failure, or the repeat of a challenged
    /// request once credentials are set.
    pub fn poll_request(&mut self, now: Instant) -> Option<RequestBuilder> {
        if self.in_flight.is_some() {
            return None;
        }
        let intent = match self.next {
            Next::Refresh(at) if at <= now => Intent::Register,
            Next::Retry { at, intent, .. } if at <= now => intent,
            Next::Credentials { intent, ready: true } => intent,
            _ => return None,
        };
        Some(self.build(now, intent))
    }

    /// Where the registration stands.
    pub fn state(&self) -> RegistrationState {
        if let Some(f) = &self.in_flight {
            return match f.intent {
                Intent::Unregister => RegistrationState::Unregistering,
                Intent::Register if self.binding.is_some() => RegistrationState::Refreshing,
                Intent::Register => RegistrationState::Registering,
            };
        }
        match self.next {
            Next::Credentials { .. } => RegistrationState::Challenged,
            Next::Retry { after_failure: true, .. } => RegistrationState::Retrying,
            Next::Retry { .. } if self.binding.is_some() => RegistrationState::Refreshing,
            Next::Retry { .. } => RegistrationState::Registering,
            Next::Refresh(_) if self.binding.is_some() => RegistrationState::Registered,
            Next::Refresh(_) => RegistrationState::Registering,
            Next::Idle if self.failed => RegistrationState::Failed,
            Next::Idle => RegistrationState::Unregistered,
        }
    }

    /// When the binding expires, by our clock, if there is one.
    pub fn expires_at(&self) -> Option<Instant> {
        self.binding.map(|b| b.expires_at)
    }

    /// The interval the registrar granted, in seconds, while the binding
    /// lasts.
    pub fn granted(&self) -> Option<u32> {
        self.binding.map(|b| b.granted)
    }

    /// When the next refresh is due, while registered.
    pub fn refresh_at(&self) -> Option<Instant> {
        match self.next {
            Next::Refresh(at) if self.binding.is_some() => Some(at),
            _ => None,
        }
    }

    /// Whether the last 2xx carried `Require: outbound` (RFC 5626 §4.2.1:
    /// the registrar and edge proxies support outbound, and the UA should
    /// start keep-alives).
    pub fn outbound(&self) -> bool {
        self.outbound
    }

    // ---- internals -------------------------------------------------------

    fn build(&mut self, now: Instant, intent: Intent) -> RequestBuilder {
        let expires = match intent {
            Intent::Register => self.requested_expires(),
            Intent::Unregister => 0,
        };
        let cseq = self.next_cseq;
        self.next_cseq = self.next_cseq.saturating_add(1);
        self.in_flight = Some(InFlight { cseq, intent, built_at: now, expires, transaction: None });
        self.next = Next::Idle;
        self.failed = false;

        let aor = strip_brackets(&self.config.aor);
        let mut to = String::with_capacity(aor.len() + 2);
        let _ = write!(to, "<{aor}>");
        let mut from = String::with_capacity(aor.len() + 7 + self.from_tag.len());
        let _ = write!(from, "<{aor}>;tag={}", self.from_tag);
        let contact_uri = strip_brackets(&self.config.contact);
        let mut contact = String::with_capacity(contact_uri.len() + 96);
        let _ = write!(contact, "<{contact_uri}>;expires={expires}");
        if let Some(instance) = &self.config.instance {
            let _ = write!(contact, ";+sip.instance=\"<{}>\"", strip_brackets(instance));
        }
        if let Some(id) = self.config.reg_id {
            let _ = write!(contact, ";reg-id={id}");
        }
        let mut expires_value = String::new();
        let _ = write!(expires_value, "{expires}");
        let mut b = RequestBuilder::new(Method::Register, &self.config.registrar)
            .to(&to)
            .from(&from)
            .call_id(&self.call_id)
            .cseq(cseq)
            .contact(&contact)
            .header(HeaderName::Expires, expires_value);
        if self.config.reg_id.is_some() {
            b = b.header(HeaderName::Supported, "outbound, path");
        }
        for (name, value) in &self.authorization {
            b = b.header(*name, value);
        }
        b
    }

    /// The interval granted to our Contact by a 2xx (§10.2.4), `None` if
    /// the 2xx does not list it.
    fn granted_by(&self, response: &Message<'_>, requested: u32) -> Option<u32> {
        let contacts = || response.contacts().filter_map(Result::ok);
        // With an instance, a Contact carrying it identifies our binding
        // whatever its URI (an edge may have rewritten it); only without
        // one is a Contact recognised by URI.
        let by_instance =
            self.config.instance.as_ref().and_then(|_| contacts().find(|c| self.same_instance(c)));
        let ours = match by_instance {
            Some(c) => c,
            None => contacts().find(|c| c.instance().is_none() && self.same_uri(c))?,
        };
        match ours.expires() {
            Some(Ok(v)) => Some(v),
            _ => match response.expires() {
                Ok(Some(v)) => Some(v),
                _ => Some(requested),
            },
        }
    }

    /// RFC 5626 §4.2: the same `+sip.instance`, and the same `reg-id` when
    /// both sides carry one.
    fn same_instance(&self, c: &ContactValue<'_>) -> bool {
        let (Some(mine), Some(theirs)) = (&self.config.instance, c.instance()) else { return false };
        let theirs = theirs.strip_prefix(b"<").and_then(|t| t.strip_suffix(b">")).unwrap_or(theirs);
        let reg_id_ok = match (self.config.reg_id, c.reg_id()) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        };
        reg_id_ok && lex::eq_ic(theirs, strip_brackets(mine).as_bytes())
    }

    /// §10.2.4: the URI comparison of §19.1.4.
    fn same_uri(&self, c: &ContactValue<'_>) -> bool {
        let Ok(mine) = Uri::parse(strip_brackets(&self.config.contact).as_bytes()) else { return false };
        c.uri().is_some_and(|u| u.equivalent(&mine))
    }

    fn refresh_delay(&self, granted: u32) -> Duration {
        let interval = Duration::from_secs(u64::from(granted));
        let percent = u32::from(self.config.refresh_percent.min(100));
        let by_fraction = interval * percent / 100;
        let by_margin = interval.saturating_sub(self.config.refresh_margin);
        by_fraction.max(by_margin)
    }

    /// A failure retried after the backoff (or the Retry-After given).
    fn retry_later(
        &mut self,
        now: Instant,
        status: Option<StatusCode>,
        retry_after: Option<u32>,
        intent: Intent,
    ) -> RegistrationEvent {
        self.failures = self.failures.saturating_add(1);
        let wait = match retry_after {
            Some(s) => Duration::from_secs(u64::from(s)),
            None => {
                let factor = 1u32.checked_shl(self.failures - 1).unwrap_or(u32::MAX);
                self.config.min_retry.saturating_mul(factor).min(self.config.max_retry)
            }
        };
        let at = now + wait;
        self.next = Next::Retry { at, intent, after_failure: true };
        RegistrationEvent::Failed { status, retry_at: Some(at) }
    }

    /// A failure not retried.
    fn give_up(&mut self, status: Option<StatusCode>) -> RegistrationEvent {
        self.failed = true;
        self.next = Next::Idle;
        RegistrationEvent::Failed { status, retry_at: None }
    }
}

/// `s` without one pair of enclosing angle brackets.
fn strip_brackets(s: &str) -> &str {
    let s = s.trim();
    s.strip_prefix('<').and_then(|t| t.strip_suffix('>')).unwrap_or(s)
}
