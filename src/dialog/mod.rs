//! Dialogs (RFC 3261 §12): the peer-to-peer relationship an INVITE (or an
//! extension's request) establishes, and the requests sent within it.
//!
//! A [`Dialog`] holds the state of §12.1 — the dialog ID (Call-ID, local
//! and remote tag), local and remote sequence numbers, local and remote
//! URIs, the remote target and the route set, the secure flag — and
//! applies the rules that use it:
//!
//! * creation from the UAS side ([`Dialog::uas`], §12.1.1) and from a
//!   response on the UAC side ([`Dialog::uac`], §12.1.2), early (a 1xx with
//!   a To tag) or confirmed (a 2xx);
//! * in-dialog requests ([`Dialog::request`], §12.2.1.1): To, From,
//!   Call-ID, CSeq incremented by one, Request-URI and Route from the
//!   remote target and the route set, loose routing and the strict-routing
//!   compatibility rule;
//! * incoming in-dialog requests ([`Dialog::handle_request`], §12.2.2):
//!   the remote CSeq rule (lower → 500) and remote target refresh;
//! * responses to in-dialog requests ([`Dialog::handle_response`],
//!   §12.2.1.2): target refresh from a 2xx, termination on 481 and 408.
//!
//! The dialog type is not tied to INVITE: a SUBSCRIBE-created dialog
//! (RFC 6665) uses the same state with other target refresh methods
//! ([`Dialog::set_target_refresh_methods`]).

use alloc::string::String;
use alloc::vec::Vec;
use core::net::{IpAddr, SocketAddr};

use crate::message::builder::RequestBuilder;
use crate::message::headers::NameAddr;
use crate::message::uri::{Host, Uri};
use crate::message::{HeaderName, Message, Method, StatusCode};

/// The dialog ID (§12): Call-ID, local tag and remote tag, from this UA's
/// point of view.
///
/// The three are kept one after the other in one shared, immutable
/// buffer: the UA core names a dialog in the events it hands out
/// ([`UaEvent::Progress`](crate::ua::UaEvent::Progress), `Answered`, ...),
/// and a copy of the ID is then a reference count, not three strings.
/// Compared, ordered and hashed as the tuple (Call-ID, local tag, remote
/// tag).
#[derive(Clone)]
pub struct DialogId {
    text: Shared<str>,
    /// Where the Call-ID and the local tag end in `text`.
    ends: [usize; 2],
}

// Atomic where the target has pointer-wide atomics (so that an ID can move
// between threads with the event naming it), counted otherwise.
#[cfg(target_has_atomic = "ptr")]
type Shared<T> = alloc::sync::Arc<T>;
#[cfg(not(target_has_atomic = "ptr"))]
type Shared<T> = alloc::rc::Rc<T>;

impl DialogId {
    /// The ID with these parts.
    pub fn new(call_id: &str, local_tag: &str, remote_tag: &str) -> DialogId {
        let ends = [call_id.len(), call_id.len() + local_tag.len()];
        let len = ends[1] + remote_tag.len();
        // Joined on the stack when short (every ID this crate makes: a
        // Call-ID and two tags), so that the shared buffer is the one
        // allocation.
        let mut buf = [0u8; 192];
        let text = match buf.get_mut(..len) {
            Some(b) => {
                b[..ends[0]].copy_from_slice(call_id.as_bytes());
                b[ends[0]..ends[1]].copy_from_slice(local_tag.as_bytes());
                b[ends[1]..].copy_from_slice(remote_tag.as_bytes());
                // Three `str`s joined: always UTF-8.
                core::str::from_utf8(b).map(Shared::from).unwrap_or_default()
            }
            None => {
                let mut s = String::with_capacity(len);
                for part in [call_id, local_tag, remote_tag] {
                    s.push_str(part);
                }
                Shared::from(s)
            }
        };
        DialogId { text, ends }
    }

    /// The Call-ID.
    pub fn call_id(&self) -> &str {
        self.text.get(..self.ends[0]).unwrap_or_default()
    }

    /// This UA's tag (From of its requests, To of its responses).
    pub fn local_tag(&self) -> &str {
        self.text.get(self.ends[0]..self.ends[1]).unwrap_or_default()
    }

    /// The peer's tag; empty for an RFC 2543 peer that sent none.
    pub fn remote_tag(&self) -> &str {
        self.text.get(self.ends[1]..).unwrap_or_default()
    }

    /// The ID of the dialog a received request belongs to, seen by the UAS:
    /// local tag from To, remote tag from From. `None` without a To tag
    /// (the request is outside any dialog).
    pub fn of_request(request: &Message<'_>) -> Option<DialogId> {
        DialogKey::of_request(request).map(DialogKey::to_owned)
    }

    /// The ID of the dialog a received response belongs to, seen by the
    /// UAC: local tag from From, remote tag from To (empty if none).
    pub fn of_response(response: &Message<'_>) -> Option<DialogId> {
        DialogKey::of_response(response).map(DialogKey::to_owned)
    }

    /// The ID borrowed, to compare with a [`DialogKey`].
    pub(crate) fn key(&self) -> DialogKey<'_> {
        DialogKey { call_id: self.call_id(), local_tag: self.local_tag(), remote_tag: self.remote_tag() }
    }
}

impl PartialEq for DialogId {
    fn eq(&self, other: &Self) -> bool {
        // Same parts in the same places: the same joined text and ends.
        self.ends == other.ends && *self.text == *other.text
    }
}

impl Eq for DialogId {}

impl PartialOrd for DialogId {
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for DialogId {
    fn cmp(&self, other: &Self) -> core::cmp::Ordering {
        let (a, b) = (self.key(), other.key());
        (a.call_id, a.local_tag, a.remote_tag).cmp(&(b.call_id, b.local_tag, b.remote_tag))
    }
}

impl core::hash::Hash for DialogId {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl core::fmt::Debug for DialogId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DialogId")
            .field("call_id", &self.call_id())
            .field("local_tag", &self.local_tag())
            .field("remote_tag", &self.remote_tag())
            .finish()
    }
}

/// A dialog ID borrowed from a message: what the UA core looks dialogs up
/// by, so that matching a message to its dialog (§12.2.2) copies nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct DialogKey<'a> {
    pub(crate) call_id: &'a str,
    pub(crate) local_tag: &'a str,
    pub(crate) remote_tag: &'a str,
}

impl<'a> DialogKey<'a> {
    /// [`DialogId::of_request`], borrowed. The To and From were decoded at
    /// parse time, so this only reads them.
    pub(crate) fn of_request(request: &Message<'a>) -> Option<DialogKey<'a>> {
        let local_tag = request.to().ok()?.tag()?;
        let remote_tag = request.from().ok()?.tag().unwrap_or("");
        Some(DialogKey { call_id: request.call_id().ok()?, local_tag, remote_tag })
    }

    /// [`DialogId::of_response`], borrowed.
    pub(crate) fn of_response(response: &Message<'a>) -> Option<DialogKey<'a>> {
        let local_tag = response.from().ok()?.tag()?;
        let remote_tag = response.to().ok()?.tag().unwrap_or("");
        Some(DialogKey { call_id: response.call_id().ok()?, local_tag, remote_tag })
    }

    /// The owned ID.
    pub(crate) fn to_owned(self) -> DialogId {
        DialogId::new(self.call_id, self.local_tag, self.remote_tag)
    }
}

/// The dialog's state (§12.1, §12.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialogState {
    /// Created by a provisional response; ended by a non-2xx final.
    Early,
    /// Created or confirmed by a 2xx.
    Confirmed,
    /// Ended (BYE, a non-2xx final to the initial request, 481 or 408 to
    /// an in-dialog request).
    Terminated,
}

/// Which side of the initial transaction this UA was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialogRole {
    /// This UA sent the initial request.
    Uac,
    /// This UA received it.
    Uas,
}

/// Why dialog state could not be created or a request not accepted, with
/// the status a UAS answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DialogError {
    /// A header the dialog needs is missing or malformed.
    #[error("the {0:?} header is missing or malformed")]
    BadHeader(HeaderName),
    /// The response that would create the dialog has no To tag and the
    /// caller did not accept that (§12.1.2 allows it for RFC 2543 peers).
    #[error("the response has no To tag")]
    MissingTag,
    /// The Contact is not a SIP or SIPS URI (§12.1.1, §12.1.2).
    #[error("the Contact is not a SIP or SIPS URI")]
    ContactNotSip,
    /// The request's CSeq is lower than the remote sequence number
    /// (§12.2.2): out of order, answered 500.
    #[error("CSeq lower than the remote sequence number")]
    OutOfOrder,
    /// The message belongs to another dialog.
    #[error("the message belongs to another dialog")]
    WrongDialog,
    /// The dialog has terminated.
    #[error("the dialog has terminated")]
    Terminated,
}

impl DialogError {
    /// The status a UAS answers the request with.
    pub fn status(self) -> StatusCode {
        match self {
            DialogError::OutOfOrder => StatusCode::SERVER_INTERNAL_ERROR,
            DialogError::WrongDialog | DialogError::Terminated => {
                StatusCode::CALL_OR_TRANSACTION_DOES_NOT_EXIST
            }
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

/// The state of one dialog (RFC 3261 §12.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dialog {
    id: DialogId,
    state: DialogState,
    role: DialogRole,
    local_seq: Option<u32>,
    remote_seq: Option<u32>,
    /// The local URI and the remote URI (§12.1: the URIs of the From and
    /// the To of our requests, each written `<uri>`, without display name
    /// or tag), our Contact, and the remote target, one after the other:
    /// one allocation instead of four for what every idle dialog keeps.
    /// `ends` marks where the first three end; the remote target, the one
    /// part that changes (target refresh), comes last.
    text: String,
    ends: [usize; 3],
    /// Route set values as written (name-addrs with their parameters).
    route_set: Vec<String>,
    /// The next hop's address when it names an IP literal (first route,
    /// else the remote target; port 5060 when none): kept with the route
    /// set and the remote target, from the URI decoded when either was
    /// taken, so that each in-dialog request does not parse it again.
    hop: Option<SocketAddr>,
    secure: bool,
    target_refresh: &'static [Method<'static>],
}

/// The address of a SIP or SIPS URI whose host is an IP literal.
fn ip_hop(uri: &Uri<'_>) -> Option<SocketAddr> {
    let s = uri.sip()?;
    let ip = match s.host {
        Host::Ipv4(a) => IpAddr::from(a),
        Host::Ipv6 { addr, .. } => IpAddr::from(addr),
        _ => return None,
    };
    Some(SocketAddr::new(ip, s.port.unwrap_or(5060)))
}

/// The next hop of a dialog with this route set and remote target
/// (`target` decoded, when the caller has it so): the first route's URI,
/// else the remote target's.
fn hop_of(route_set: &[String], target: Option<&Uri<'_>>, target_text: &str) -> Option<SocketAddr> {
    match route_set.first() {
        Some(r) => NameAddr::parse(r.as_bytes()).ok().and_then(|na| ip_hop(&na.uri)),
        None => match target {
            Some(u) => ip_hop(u),
            None => Uri::parse(target_text.as_bytes()).ok().and_then(|u| ip_hop(&u)),
        },
    }
}

/// Appends `b` to `s`, as `String::from_utf8_lossy` would (every message
/// this crate parses is UTF-8, so the check is all it costs).
fn push_lossy(s: &mut String, b: &[u8]) {
    match core::str::from_utf8(b) {
        Ok(t) => s.push_str(t),
        Err(_) => s.push_str(&String::from_utf8_lossy(b)),
    }
}

/// [`Dialog::text`] and its `ends` from the parts: the two URIs (written
/// here in brackets), our Contact and the remote target. One copy into a
/// buffer of the exact size and one UTF-8 check of the whole.
fn pack(
    local_uri: &[u8],
    remote_uri: &[u8],
    local_contact: &[u8],
    remote_target: &[u8],
) -> (String, [usize; 3]) {
    let len = local_uri.len() + remote_uri.len() + 4 + local_contact.len() + remote_target.len();
    let mut bytes = alloc::vec::Vec::with_capacity(len);
    let mut ends = [0; 3];
    for (end, uri) in ends.iter_mut().zip([local_uri, remote_uri]) {
        bytes.push(b'<');
        bytes.extend_from_slice(uri);
        bytes.push(b'>');
        *end = bytes.len();
    }
    bytes.extend_from_slice(local_contact);
    ends[2] = bytes.len();
    bytes.extend_from_slice(remote_target);
    match String::from_utf8(bytes) {
        Ok(text) => (text, ends),
        // Not UTF-8 (no message this crate parses): part by part, lossily.
        Err(_) => {
            let mut text = String::with_capacity(len);
            for (end, uri) in ends.iter_mut().zip([local_uri, remote_uri]) {
                text.push('<');
                push_lossy(&mut text, uri);
                text.push('>');
                *end = text.len();
            }
            push_lossy(&mut text, local_contact);
            ends[2] = text.len();
            push_lossy(&mut text, remote_target);
            (text, ends)
        }
    }
}

/// Target refresh requests of an INVITE dialog: re-INVITE (§12.2) and
/// UPDATE (RFC 3311 §5.1).
const INVITE_TARGET_REFRESH: &[Method<'static>] = &[Method::Invite, Method::Update];

fn field<'a>(msg: &Message<'a>, name: HeaderName) -> Result<&'a [u8], DialogError> {
    msg.header(name).ok_or(DialogError::BadHeader(name))
}

/// The URI of a name-addr header (display names and header parameters
/// dropped: §12.2.1.1 copies only the URI).
fn uri_of<'a>(msg: &Message<'a>, name: HeaderName) -> Result<&'a [u8], DialogError> {
    // From and To were decoded at parse time (the first field of each,
    // which `header` gives too): no need to decode them again.
    let decoded = match name {
        HeaderName::From => msg.from().ok(),
        HeaderName::To => msg.to().ok(),
        _ => None,
    };
    let na = match decoded {
        Some(na) => na,
        None => {
            let v = field(msg, name)?;
            NameAddr::parse_for(v, name).map_err(|_| DialogError::BadHeader(name))?
        }
    };
    Ok(na.uri.as_bytes())
}

/// `String::from_utf8_lossy(b).into_owned()`, with the check of valid
/// UTF-8 (every message this crate parses) done the fast way.
fn lossy(b: &[u8]) -> String {
    match core::str::from_utf8(b) {
        Ok(s) => s.into(),
        Err(_) => String::from_utf8_lossy(b).into_owned(),
    }
}

fn bracket(uri: &[u8]) -> String {
    let mut s = String::with_capacity(uri.len() + 2);
    s.push('<');
    match core::str::from_utf8(uri) {
        Ok(u) => s.push_str(u),
        Err(_) => s.push_str(&String::from_utf8_lossy(uri)),
    }
    s.push('>');
    s
}

/// The remote target: the Contact URI, which must be SIP or SIPS.
fn contact_target<'a>(msg: &Message<'a>) -> Result<Uri<'a>, DialogError> {
    let c = msg.contacts().next().ok_or(DialogError::BadHeader(HeaderName::Contact))?;
    let c = c.map_err(|_| DialogError::BadHeader(HeaderName::Contact))?;
    let uri = c.uri().ok_or(DialogError::BadHeader(HeaderName::Contact))?;
    if !uri.is_sip() {
        return Err(DialogError::ContactNotSip);
    }
    Ok(uri)
}

fn record_routes(msg: &Message<'_>) -> Vec<String> {
    msg.header_values(HeaderName::RecordRoute).map(|v| lossy(crate::message::lex::trim_lws(v))).collect()
}

fn is_sips(uri: &[u8]) -> bool {
    Uri::parse(uri).is_ok_and(|u| u.sip().is_some_and(|s| s.secure))
}

/// What the UAC side of a dialog takes from the request that creates it
/// (§12.1.2), kept from the builder of a request this UA sent so that the
/// dialog is made without parsing that request again: From, To, Call-ID
/// and Contact values, the Request-URI and the CSeq number.
#[derive(Clone, Debug)]
pub(crate) struct UacSeed {
    text: String,
    /// Ends of From, To, Call-ID and Contact in `text`; the Request-URI
    /// follows. (u32: the seed sits inline in every session.)
    ends: [u32; 4],
    seq: Option<u32>,
}

impl UacSeed {
    /// The seed of the request `b` builds (its Via aside).
    pub(crate) fn of_builder(b: &RequestBuilder) -> UacSeed {
        let parts = [
            b.field(HeaderName::From).unwrap_or_default(),
            b.field(HeaderName::To).unwrap_or_default(),
            b.field(HeaderName::CallId).unwrap_or_default(),
            b.field(HeaderName::Contact).unwrap_or_default(),
        ];
        let uri = b.uri_str();
        let mut bytes = Vec::with_capacity(parts.iter().map(|p| p.len()).sum::<usize>() + uri.len());
        let mut ends = [0; 4];
        for (end, p) in ends.iter_mut().zip(parts) {
            bytes.extend_from_slice(p);
            *end = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
        }
        bytes.extend_from_slice(uri.as_bytes());
        let text = String::from_utf8(bytes).unwrap_or_default();
        UacSeed { text, ends, seq: b.cseq_seq() }
    }

    fn part(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        let end = self.ends.get(i).map_or(self.text.len(), |&e| e as usize);
        self.text.get(start..end).unwrap_or_default()
    }

    fn present(&self, i: usize) -> Option<&str> {
        Some(self.part(i)).filter(|p| !p.is_empty())
    }
}

/// The From value `ours` (written by this UA, kept in its seed) decoded,
/// when the response repeats it byte for byte (a UAS copies it, §8.2.6.2):
/// the parser decoded those very bytes already, with the parser that would
/// decode `ours`.
fn echoed_from<'a>(ours: &'a str, response: &Message<'a>) -> Option<NameAddr<'a>> {
    if response.header(HeaderName::From)? != ours.as_bytes() {
        return None;
    }
    response.from().ok()
}

/// The URI of the To value `ours` (written by this UA), when it is
/// `<uri>` and the response's To is that with parameters after it (the
/// UAS adds its tag, §8.2.6.2): a name-addr's URI is what lies between
/// its first `<` and the first `>`, so the response's To, which the parser
/// decoded, holds the same URI, checked by the same URI parser.
fn tagged_to<'a>(ours: &'a str, response: &Message<'a>) -> Option<Uri<'a>> {
    let o = ours.as_bytes();
    let (&first, inner) = o.split_first()?;
    let (&last, inner) = inner.split_last()?;
    if first != b'<' || last != b'>' || inner.contains(&b'>') {
        return None;
    }
    let theirs = response.header(HeaderName::To)?;
    if theirs.len() <= o.len() || &theirs[..o.len()] != o || theirs[o.len()] != b';' {
        return None;
    }
    let to = response.to().ok()?;
    (to.bracketed && to.uri.as_bytes() == inner).then_some(to.uri)
}

impl Dialog {
    /// The UAS side (§12.1.1): the dialog a response with To tag
    /// `local_tag` to `request` creates — early for a 1xx, confirmed for a
    /// 2xx. `local_contact` is the Contact this UA puts in its responses
    /// and requests (`<sip:...>`); `over_tls` is whether the request came
    /// over TLS (with a SIPS Request-URI that sets the secure flag).
    pub fn uas(
        request: &Message<'_>,
        local_tag: &str,
        local_contact: &str,
        confirmed: bool,
        over_tls: bool,
    ) -> Result<Dialog, DialogError> {
        Self::uas_with(request, local_tag, local_contact, confirmed, over_tls)
    }

    /// [`uas`](Self::uas) with the local tag taken out of `local_tag`
    /// (left empty, its buffer freed) once the dialog is made; untouched
    /// on error.
    pub(crate) fn uas_taking_tag(
        request: &Message<'_>,
        local_tag: &mut String,
        local_contact: &str,
        confirmed: bool,
        over_tls: bool,
    ) -> Result<Dialog, DialogError> {
        let d = Self::uas_with(request, local_tag, local_contact, confirmed, over_tls)?;
        // The dialog holds its own copy, in its ID's one buffer: the
        // caller's goes, not to be kept by every idle session.
        *local_tag = String::new();
        Ok(d)
    }

    fn uas_with(
        request: &Message<'_>,
        local_tag: &str,
        local_contact: &str,
        confirmed: bool,
        over_tls: bool,
    ) -> Result<Dialog, DialogError> {
        let cseq = request.cseq().map_err(|_| DialogError::BadHeader(HeaderName::CSeq))?;
        let call_id = request.call_id().map_err(|_| DialogError::BadHeader(HeaderName::CallId))?;
        let remote_tag =
            request.from().map_err(|_| DialogError::BadHeader(HeaderName::From))?.tag().unwrap_or("");
        let secure = over_tls && request.request().is_some_and(|r| is_sips(r.raw_uri));
        let local_uri = uri_of(request, HeaderName::To)?;
        let remote_uri = uri_of(request, HeaderName::From)?;
        let target = contact_target(request)?;
        let (text, ends) = pack(local_uri, remote_uri, local_contact.as_bytes(), target.as_bytes());
        // §12.1.1: Record-Route in order.
        let route_set = record_routes(request);
        let hop = hop_of(&route_set, Some(&target), "");
        Ok(Dialog {
            id: DialogId::new(call_id, local_tag, remote_tag),
            state: if confirmed { DialogState::Confirmed } else { DialogState::Early },
            role: DialogRole::Uas,
            local_seq: None,
            remote_seq: Some(cseq.seq),
            text,
            ends,
            route_set,
            hop,
            secure,
            target_refresh: INVITE_TARGET_REFRESH,
        })
    }

    /// The remote tag a dialog-creating response carries in its To: a 2xx
    /// without one is an RFC 2543 peer (empty tag), a 1xx without one
    /// creates no dialog (§12.1.2).
    fn remote_tag_of<'m>(response: &Message<'m>, status: u16) -> Result<&'m str, DialogError> {
        let to = response.to().map_err(|_| DialogError::BadHeader(HeaderName::To))?;
        let remote_tag = match to.tag() {
            Some(t) => t,
            None if (200..300).contains(&status) => "",
            None => return Err(DialogError::MissingTag),
        };
        Ok(remote_tag)
    }

    /// The UAC side (§12.1.2): the dialog `response` (a 1xx with a To tag,
    /// or a 2xx) to our `request` creates. A response without a To tag is
    /// refused with [`DialogError::MissingTag`] unless it is a 2xx (an
    /// RFC 2543 peer; the remote tag is then empty).
    pub fn uac(request: &Message<'_>, response: &Message<'_>, over_tls: bool) -> Result<Dialog, DialogError> {
        let status = response.status().map(|s| s.0).unwrap_or(0);
        let remote_tag = Self::remote_tag_of(response, status)?;
        let from = request.from().map_err(|_| DialogError::BadHeader(HeaderName::From))?;
        let local_tag = from.tag().ok_or(DialogError::BadHeader(HeaderName::From))?;
        let cseq = request.cseq().map_err(|_| DialogError::BadHeader(HeaderName::CSeq))?;
        let call_id = request.call_id().map_err(|_| DialogError::BadHeader(HeaderName::CallId))?;
        let mut route_set = record_routes(response);
        // §12.1.2: Record-Route of the response, in reverse order.
        route_set.reverse();
        let secure = over_tls && request.request().is_some_and(|r| is_sips(r.raw_uri));
        let local_contact =
            request.header(HeaderName::Contact).ok_or(DialogError::BadHeader(HeaderName::Contact))?;
        let local_uri = uri_of(request, HeaderName::From)?;
        let remote_uri = uri_of(request, HeaderName::To)?;
        // A 1xx need not carry a Contact; the target then stays the
        // Request-URI until one does.
        let target = match contact_target(response) {
            Ok(u) => Ok(u),
            Err(e) => match request.request() {
                Some(r) if (100..200).contains(&status) => Err(r.raw_uri),
                _ => return Err(e),
            },
        };
        let remote_target = target.as_ref().map_or_else(|raw| *raw, Uri::as_bytes);
        let (text, ends) = pack(local_uri, remote_uri, local_contact, remote_target);
        let hop = hop_of(&route_set, target.as_ref().ok(), &text[ends[2]..]);
        Ok(Dialog {
            id: DialogId::new(call_id, local_tag, remote_tag),
            state: if (200..300).contains(&status) { DialogState::Confirmed } else { DialogState::Early },
            role: DialogRole::Uac,
            local_seq: Some(cseq.seq),
            remote_seq: None,
            text,
            ends,
            route_set,
            hop,
            secure,
            target_refresh: INVITE_TARGET_REFRESH,
        })
    }

    /// [`uac`](Self::uac) for a request this UA built, from its
    /// [`UacSeed`]: the same checks in the same order, on the values the
    /// builder wrote.
    pub(crate) fn uac_seeded(
        seed: &UacSeed,
        response: &Message<'_>,
        over_tls: bool,
    ) -> Result<Dialog, DialogError> {
        let status = response.status().map(|s| s.0).unwrap_or(0);
        let remote_tag = Self::remote_tag_of(response, status)?;
        let bad_from = DialogError::BadHeader(HeaderName::From);
        let from = seed.present(0).ok_or(bad_from)?;
        let from = echoed_from(from, response).map_or_else(
            || NameAddr::parse_for(from.as_bytes(), HeaderName::From).map_err(|_| bad_from),
            Ok,
        )?;
        let local_tag = from.tag().ok_or(bad_from)?;
        let seq = seed.seq.ok_or(DialogError::BadHeader(HeaderName::CSeq))?;
        let call_id = seed.present(2).ok_or(DialogError::BadHeader(HeaderName::CallId))?;
        let mut route_set = record_routes(response);
        // §12.1.2: Record-Route of the response, in reverse order.
        route_set.reverse();
        let request_uri = seed.part(4);
        let secure = over_tls && is_sips(request_uri.as_bytes());
        let local_contact = seed.present(3).ok_or(DialogError::BadHeader(HeaderName::Contact))?;
        let to_value = seed.present(1).ok_or(DialogError::BadHeader(HeaderName::To))?;
        let remote_uri = match tagged_to(to_value, response) {
            Some(uri) => uri,
            None => {
                NameAddr::parse_for(to_value.as_bytes(), HeaderName::To)
                    .map_err(|_| DialogError::BadHeader(HeaderName::To))?
                    .uri
            }
        };
        let target = match contact_target(response) {
            Ok(u) => Ok(u),
            Err(_) if (100..200).contains(&status) => Err(request_uri.as_bytes()),
            Err(e) => return Err(e),
        };
        let remote_target = target.as_ref().map_or_else(|raw| *raw, Uri::as_bytes);
        let (text, ends) =
            pack(from.uri.as_bytes(), remote_uri.as_bytes(), local_contact.as_bytes(), remote_target);
        let hop = hop_of(&route_set, target.as_ref().ok(), &text[ends[2]..]);
        Ok(Dialog {
            id: DialogId::new(call_id, local_tag, remote_tag),
            state: if (200..300).contains(&status) { DialogState::Confirmed } else { DialogState::Early },
            role: DialogRole::Uac,
            local_seq: Some(seq),
            remote_seq: None,
            text,
            ends,
            route_set,
            hop,
            secure,
            target_refresh: INVITE_TARGET_REFRESH,
        })
    }

    /// The dialog ID.
    pub fn id(&self) -> &DialogId {
        &self.id
    }

    /// The state.
    pub fn state(&self) -> DialogState {
        self.state
    }

    /// Which side of the initial request this UA was.
    pub fn role(&self) -> DialogRole {
        self.role
    }

    /// The local sequence number (`None` until this UA sends a request in
    /// the dialog, on the UAS side).
    pub fn local_seq(&self) -> Option<u32> {
        self.local_seq
    }

    /// The remote sequence number.
    pub fn remote_seq(&self) -> Option<u32> {
        self.remote_seq
    }

    /// The remote target (the peer's Contact URI).
    pub fn remote_target(&self) -> &str {
        &self.text[self.ends[2]..]
    }

    /// The local URI, as `<uri>`.
    fn local_uri(&self) -> &str {
        &self.text[..self.ends[0]]
    }

    /// The remote URI, as `<uri>`.
    fn remote_uri(&self) -> &str {
        &self.text[self.ends[0]..self.ends[1]]
    }

    /// The Contact this UA puts in its requests in the dialog.
    fn local_contact(&self) -> &str {
        &self.text[self.ends[1]..self.ends[2]]
    }

    /// A target refresh: `uri` becomes the remote target.
    fn set_remote_target(&mut self, uri: &Uri<'_>) {
        self.text.truncate(self.ends[2]);
        // Exactly: the dialog may stay idle for hours with it.
        self.text.reserve_exact(uri.as_bytes().len());
        push_lossy(&mut self.text, uri.as_bytes());
        if self.route_set.is_empty() {
            self.hop = ip_hop(uri);
        }
    }

    /// The next hop's address, when it is an IP literal: the first
    /// route's URI, else the remote target's (§12.2.1.1, §8.1.2).
    pub(crate) fn next_hop_addr(&self) -> Option<SocketAddr> {
        self.hop
    }

    /// Whether `msg`'s first Contact field is `<` the remote target `>`
    /// exactly: decoding it would give the target we have (a URI holding
    /// none of the bytes that could make the field parse otherwise), so
    /// a 2xx that repeats the Contact of its 1xx changes nothing.
    fn same_contact(&self, msg: &Message<'_>) -> bool {
        let target = self.remote_target().as_bytes();
        let Some(v) = msg.header(HeaderName::Contact) else { return false };
        v.len() == target.len() + 2
            && v[0] == b'<'
            && v[v.len() - 1] == b'>'
            && &v[1..v.len() - 1] == target
            && !target.iter().any(|&c| matches!(c, b'<' | b'>' | b',' | b'"'))
    }

    /// The route set, first hop first.
    pub fn route_set(&self) -> &[String] {
        &self.route_set
    }

    /// The secure flag (§12.1.1: TLS and a SIPS Request-URI).
    pub fn is_secure(&self) -> bool {
        self.secure
    }

    /// Methods whose requests and 2xx responses refresh the remote target;
    /// re-INVITE and UPDATE by default (RFC 3261 §12.2, RFC 3311).
    pub fn set_target_refresh_methods(&mut self, methods: &'static [Method<'static>]) {
        self.target_refresh = methods;
    }

    /// A 2xx arrived for the request that created an early dialog, or the
    /// UAS sent one: the dialog is confirmed. The 2xx's Contact (UAC side)
    /// becomes the remote target, and its Record-Route the route set.
    pub fn confirm(&mut self, response: Option<&Message<'_>>) {
        let was_early = self.state == DialogState::Early;
        if was_early {
            self.state = DialogState::Confirmed;
        }
        if let Some(r) = response {
            if !self.same_contact(r) {
                if let Ok(t) = contact_target(r) {
                    self.set_remote_target(&t);
                }
            }
            if was_early && self.role == DialogRole::Uac {
                // §13.2.2.4: when a 2xx confirms an early dialog, "the
                // route set for the dialog MUST be recomputed based on the
                // 2xx response" (its Record-Route, reversed, §12.1.2).
                let mut routes = record_routes(r);
                routes.reverse();
                if !(routes.is_empty() && self.route_set.is_empty()) {
                    self.route_set = routes;
                    self.hop = hop_of(&self.route_set, None, self.remote_target());
                }
            }
        }
    }

    /// The dialog ends.
    pub fn terminate(&mut self) {
        self.state = DialogState::Terminated;
    }

    /// A request within the dialog (§12.2.1.1), for the caller to complete
    /// (body, extra headers) and send; the Endpoint adds the Via.
    ///
    /// The CSeq is the local sequence number plus one (ACK and CANCEL are
    /// built by [`ack`](Self::ack) and by the transaction layer). On the
    /// UAS side, whose local sequence number starts empty, the first one
    /// is `initial_seq` (§8.1.1.5: below 2³¹; the caller draws it).
    pub fn request(&mut self, method: Method<'_>, initial_seq: u32) -> Result<RequestBuilder, DialogError> {
        if self.state == DialogState::Terminated {
            return Err(DialogError::Terminated);
        }
        let seq = match self.local_seq {
            Some(s) => s.wrapping_add(1) & 0x7fff_ffff,
            None => initial_seq & 0x7fff_ffff,
        };
        self.local_seq = Some(seq);
        let mut b = self.base(method);
        b = b.cseq(seq);
        if self.target_refresh.contains(&method) || method == Method::Subscribe {
            b = b.contact(self.local_contact());
        }
        Ok(b)
    }

    /// The ACK for a 2xx to the INVITE with CSeq number `invite_seq`
    /// (§13.2.2.4): built like any in-dialog request but with the INVITE's
    /// sequence number.
    pub fn ack(&self, invite_seq: u32) -> RequestBuilder {
        self.base(Method::Ack).cseq(invite_seq)
    }

    fn base(&self, method: Method<'_>) -> RequestBuilder {
        let mut b = if self.route_set.is_empty() {
            // The common case: no copy of the remote target or the routes,
            // and no check of the target, a URI the parser decoded.
            RequestBuilder::new_trusted(method, self.remote_target())
        } else {
            let (uri, routes) = self.request_target();
            let mut b = RequestBuilder::new(method, &uri);
            for r in routes {
                b = b.header(HeaderName::Route, r.as_bytes());
            }
            b
        };
        // The two URIs are `<uri>` around URIs the parser decoded (or our
        // own From, which the builder checked): nothing to check again.
        b = b.set_header_tagged_trusted(
            HeaderName::To,
            self.remote_uri().as_bytes(),
            self.id.remote_tag().as_bytes(),
        );
        b = b.set_header_tagged_trusted(
            HeaderName::From,
            self.local_uri().as_bytes(),
            self.id.local_tag().as_bytes(),
        );
        // The Call-ID was checked where the dialog got it (the parser, or
        // the builder of our request).
        b.call_id_checked(self.id.call_id())
    }

    /// The Request-URI and Route values of an in-dialog request
    /// (§12.2.1.1): with an empty route set, the remote target and no
    /// Route; with a loose-routing first hop, the remote target and the
    /// route set; with a strict router first, that router's URI (stripped
    /// of the parameters a Request-URI may not carry) and the rest of the
    /// route set followed by the remote target.
    pub fn request_target(&self) -> (String, Vec<String>) {
        let Some(first) = self.route_set.first() else {
            return (self.remote_target().into(), Vec::new());
        };
        let first_uri = NameAddr::parse(first.as_bytes()).ok().map(|na| na.uri);
        let loose = first_uri.as_ref().and_then(|u| u.sip()).is_none_or(|s| s.lr());
        if loose {
            return (self.remote_target().into(), self.route_set.clone());
        }
        let uri = first_uri.map(|u| strip_for_request_uri(u.as_bytes())).unwrap_or_default();
        let mut routes: Vec<String> = self.route_set[1..].to_vec();
        routes.push(bracket(self.remote_target().as_bytes()));
        (uri, routes)
    }

    /// A request arrived in this dialog (§12.2.2): check and record the
    /// remote sequence number. ACK and CANCEL carry the number of the
    /// request they belong to and are not checked.
    ///
    /// A target refresh request's Contact is not taken here: RFC 6141 §4.6
    /// replaces §12.2.2 so that the remote target changes only when the UA
    /// answers with a 2xx or a reliable provisional
    /// ([`accept_target_refresh`](Self::accept_target_refresh)); an error
    /// response leaves it as it was.
    pub fn handle_request(&mut self, request: &Message<'_>) -> Result<(), DialogError> {
        if self.state == DialogState::Terminated {
            return Err(DialogError::Terminated);
        }
        if DialogKey::of_request(request) != Some(self.id.key()) {
            return Err(DialogError::WrongDialog);
        }
        let cseq = request.cseq().map_err(|_| DialogError::BadHeader(HeaderName::CSeq))?;
        let method = request.method().ok_or(DialogError::BadHeader(HeaderName::CSeq))?;
        if matches!(method, Method::Ack | Method::Cancel) {
            return Ok(());
        }
        if let Some(remote) = self.remote_seq {
            // §12.2.2: lower is out of order (500); equal is a new request
            // with a reused number, equally out of order.
            if cseq.seq <= remote {
                return Err(DialogError::OutOfOrder);
            }
        }
        self.remote_seq = Some(cseq.seq);
        Ok(())
    }

    /// This UA answers a target refresh request with a 2xx or a reliable
    /// provisional (RFC 6141 §4.6): its Contact becomes the remote target.
    pub fn accept_target_refresh(&mut self, request: &Message<'_>) {
        let refresh = request.method().is_some_and(|m| self.target_refresh.contains(&m));
        if refresh {
            if let Ok(t) = contact_target(request) {
                self.set_remote_target(&t);
            }
        }
    }

    /// A response to a request this UA sent in the dialog (§12.2.1.2): a
    /// 2xx (or, RFC 6141 §4.7, a reliable provisional) to a target refresh
    /// request updates the remote target; a 481 or 408 ends the dialog
    /// (for an INVITE dialog the caller then sends BYE). Returns whether
    /// the dialog terminated.
    pub fn handle_response(&mut self, method: Method<'_>, response: &Message<'_>) -> bool {
        let Some(status) = response.status() else { return false };
        let reliable_1xx = status.0 / 100 == 1 && response.rseq().ok().flatten().is_some();
        if (status.0 / 100 == 2 || reliable_1xx) && self.target_refresh.contains(&method) {
            if let Ok(t) = contact_target(response) {
                self.set_remote_target(&t);
            }
        }
        if matches!(status, StatusCode::CALL_OR_TRANSACTION_DOES_NOT_EXIST | StatusCode::REQUEST_TIMEOUT) {
            self.terminate();
            return true;
        }
        false
    }

    /// The transaction of an in-dialog request timed out: treated as 408
    /// (§12.2.1.2), the dialog ends. Returns true.
    pub fn handle_timeout(&mut self) -> bool {
        self.terminate();
        true
    }
}

/// §12.2.1.1 strips "any parameters that are not allowed in a
/// Request-URI": by §19.1.1 Table 1 those are `method` and the headers
/// part; `maddr`, `ttl`, `transport`, `user` and `lr` may stay.
fn strip_for_request_uri(uri: &[u8]) -> String {
    let s = String::from_utf8_lossy(uri);
    let s = s.split('?').next().unwrap_or_default();
    let mut out = String::with_capacity(s.len());
    for (i, part) in s.split(';').enumerate() {
        if i > 0 && part.len() >= 6 && part[..6].eq_ignore_ascii_case("method") {
            continue;
        }
        if i > 0 {
            out.push(';');
        }
        out.push_str(part);
    }
    out
}

#[cfg(test)]
mod tests;
