//! The user agent core: INVITE sessions over dialogs (RFC 3261 §13–15),
//! with reliable provisionals (RFC 3262), UPDATE (RFC 3311), re-INVITE
//! failure rules (RFC 6141) and the 2xx handling of RFC 6026.
//!
//! A [`UserAgent`] owns an [`Endpoint`] and follows the same four verbs:
//! feed it what the network did (`handle_datagram`, `handle_stream_data`,
//! connection notices) and what the application wants ([`invite`],
//! [`ring`], [`answer`], [`reject`], [`hangup`], [`reinvite`],
//! [`request`]); drain [`poll_output`] (transmits and [`UaEvent`]s); sleep
//! until [`poll_timeout`]; call [`handle_timeout`].
//!
//! What the UA core does by itself, so the application does not have to:
//!
//! * UAC: creates an early dialog per forked 1xx with a To tag; ACKs every
//!   2xx (§13.2.2.4) and sends the same ACK again for each retransmission
//!   of it (RFC 6026 §8.9); keeps the first answered dialog and ends any
//!   other fork's with BYE ([`ForkPolicy::KeepFirst`], §13.2.2.4), or
//!   leaves the choice to the application ([`ForkPolicy::Application`]);
//!   sends PRACK for each reliable provisional, once (RFC 3262 §4); CANCELs
//!   an unanswered call (§9.1) and ACKs-then-BYEs a 2xx that crosses the
//!   CANCEL; retries a re-INVITE refused with 491 after the randomized
//!   delay of §14.1.
//! * UAS: retransmits its 2xx from T1 doubling to T2 until the ACK, and
//!   ends the call with BYE after 64·T1 without one (§13.3.1.4);
//!   retransmits a reliable provisional from T1 doubling until the PRACK,
//!   and answers 500 after 64·T1 without one (RFC 3262 §3); answers a
//!   CANCEL's INVITE with 487 (§9.2); answers 491 to a re-INVITE that
//!   collides with its own and 500 with Retry-After to one that arrives
//!   while another is pending (§14.2); 481 to in-dialog requests for
//!   unknown dialogs (§12.2.2), 500 to out-of-order ones.
//! * Both: a BYE ends the session (§15); 481 or 408 (or a timeout) to an
//!   in-dialog request ends the dialog with BYE (§12.2.1.2); a failed
//!   re-INVITE otherwise leaves the session as it was (RFC 6141 §3).
//!
//! Name resolution (RFC 3263) is the caller's: requests go to the
//! [`Destination`] the call was placed with (or, for a UAS, where the
//! INVITE came from), except that an in-dialog request over UDP goes to
//! the next hop's address when that is an IP literal.
//!
//! [`invite`]: UserAgent::invite
//! [`ring`]: UserAgent::ring
//! [`answer`]: UserAgent::answer
//! [`reject`]: UserAgent::reject
//! [`hangup`]: UserAgent::hangup
//! [`reinvite`]: UserAgent::reinvite
//! [`request`]: UserAgent::request
//! [`poll_output`]: UserAgent::poll_output
//! [`poll_timeout`]: UserAgent::poll_timeout
//! [`handle_timeout`]: UserAgent::handle_timeout

use alloc::boxed::Box;
use alloc::collections::{BinaryHeap, VecDeque};
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::cmp::Reverse;
use core::hash::{BuildHasherDefault, Hasher};
use core::net::SocketAddr;
use core::time::Duration;

use bytes::Bytes;
use hashbrown::HashTable;
use rand_chacha::ChaCha12Rng;
use rand_core::{Rng, SeedableRng};

use crate::dialog::{Dialog, DialogId, DialogKey, DialogRole, DialogState, UacSeed};
use crate::endpoint::{
    Destination, Endpoint, EndpointConfig, EndpointError, Event, KeyedHash, Output, Received, TransactionId,
    Transmit,
};
use crate::message::builder::{OwnedMessage, RequestBuilder, ResponseBuilder, response_to};
use crate::message::{HeaderName, Message, Method, StatusCode};
use crate::time::Instant;
use crate::transport::{ConnectionId, Transport};

/// A handle to one INVITE session of a [`UserAgent`]. Never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SessionId(pub u64);

impl core::fmt::Display for SessionId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "call#{}", self.0)
    }
}

/// What to do when a forked INVITE is answered by more than one UAS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ForkPolicy {
    /// Keep the first 2xx's dialog; ACK each later one and end it with BYE
    /// (§13.2.2.4). Each is reported as [`UaEvent::ForkAnswered`].
    KeepFirst,
    /// Keep the first as the session's dialog, ACK the others and keep
    /// them too; the application ends the ones it does not want with
    /// [`UserAgent::bye_dialog`].
    Application,
}

/// User agent settings.
#[derive(Clone, Debug)]
pub struct UaConfig {
    /// The endpoint underneath (timers, limits, seed, Via host).
    pub endpoint: EndpointConfig,
    /// Our Contact for dialogs, e.g. `<sip:alice@192.0.2.1:5060>`
    /// (§12.1.1, §12.1.2: a SIP or SIPS URI with global scope).
    pub contact: String,
    /// Offer `Supported: 100rel` and PRACK reliable provisionals
    /// (RFC 3262).
    pub reliable_provisionals: bool,
    /// See [`ForkPolicy`].
    pub fork_policy: ForkPolicy,
    /// Most live sessions; beyond it new INVITEs are answered 486 and
    /// [`UserAgent::invite`] fails.
    pub max_sessions: usize,
    /// Username and password to answer 401/407 challenges to our INVITEs
    /// with (RFC 3261 §22.2, RFC 7616; the strongest algorithm offered).
    pub credentials: Option<(String, String)>,
    /// Most dialogs (forks) one INVITE may create. Each 1xx or 2xx with a
    /// new To tag makes one, so a peer could otherwise grow a session
    /// without bound within Timer M; responses with further tags are
    /// ignored (their 2xx are not ACKed). Default 16.
    pub max_forks: usize,
}

impl UaConfig {
    /// Defaults for a UA at `host` with Contact `contact`, seeded with
    /// `seed` (32 bytes from the caller's CSPRNG).
    pub fn new(host: &str, contact: &str, seed: [u8; 32]) -> Self {
        let mut endpoint = EndpointConfig::new(host, seed);
        endpoint.policy = Some(crate::message::validate::Policy::user_agent());
        UaConfig {
            endpoint,
            contact: contact.into(),
            reliable_provisionals: true,
            fork_policy: ForkPolicy::KeepFirst,
            max_sessions: 1 << 16,
            credentials: None,
            max_forks: 16,
        }
    }
}

/// Why a session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndReason {
    /// We sent BYE.
    LocalBye,
    /// The peer sent BYE.
    RemoteBye,
    /// We cancelled the call before it was answered (§9.1).
    Cancelled,
    /// The caller cancelled the call before we answered (§9.2).
    RemoteCancel,
    /// The call was refused with this final status (UAC side).
    Rejected(StatusCode),
    /// We refused the call with this final status (UAS side).
    Declined(StatusCode),
    /// No final response came (Timer B, §8.1.3.1: a 408).
    Timeout,
    /// The transport failed (§8.1.3.1: a 503).
    TransportError,
    /// Our 2xx was never ACKed within 64·T1 (§13.3.1.4).
    NoAck,
    /// A reliable provisional was never PRACKed within 64·T1 (RFC 3262 §3).
    NoPrack,
    /// An in-dialog request got 481 or 408, or timed out (§12.2.1.2).
    DialogGone,
}

/// What the UA core tells the application.
#[derive(Debug)]
#[non_exhaustive]
pub enum UaEvent {
    /// A new INVITE: answer with [`UserAgent::ring`], [`UserAgent::answer`]
    /// or [`UserAgent::reject`].
    IncomingCall {
        /// The session created for it.
        session: SessionId,
        /// The INVITE.
        request: Received,
    },
    /// A provisional response (101–199) to our INVITE, from any fork.
    Progress {
        /// The session.
        session: SessionId,
        /// The early dialog, if the response had a To tag.
        dialog: Option<DialogId>,
        /// The response.
        response: Received,
    },
    /// Our INVITE was answered (2xx, ACKed already): the session is up.
    Answered {
        /// The session.
        session: SessionId,
        /// The confirmed dialog.
        dialog: DialogId,
        /// The 2xx.
        response: Received,
    },
    /// Another fork answered too (ACKed; under [`ForkPolicy::KeepFirst`]
    /// already ended with BYE).
    ForkAnswered {
        /// The session.
        session: SessionId,
        /// That fork's dialog.
        dialog: DialogId,
    },
    /// The ACK for our 2xx arrived (UAS side): the session is confirmed.
    Acked {
        /// The session.
        session: SessionId,
    },
    /// A re-INVITE arrived in the session: answer it with
    /// [`UserAgent::answer`] or [`UserAgent::reject`].
    ReInvite {
        /// The session.
        session: SessionId,
        /// The re-INVITE.
        request: Received,
    },
    /// Our re-INVITE was accepted (2xx, ACKed already).
    ReInviteAnswered {
        /// The session.
        session: SessionId,
        /// The 2xx.
        response: Received,
    },
    /// Our re-INVITE failed with this status; the session goes on as it
    /// was before it (RFC 6141 §3.4).
    ReInviteFailed {
        /// The session.
        session: SessionId,
        /// The final status.
        status: StatusCode,
    },
    /// Any other request: in a session (INFO, UPDATE, MESSAGE, OPTIONS...)
    /// or outside any (OPTIONS, MESSAGE, REGISTER...). Answer it with
    /// [`UserAgent::respond`].
    Request {
        /// The session it belongs to, if any.
        session: Option<SessionId>,
        /// The server transaction to answer through.
        transaction: TransactionId,
        /// The request.
        request: Received,
    },
    /// A response to a request sent with [`UserAgent::request`] or
    /// [`UserAgent::send_out_of_dialog`].
    Response {
        /// The session, if the request was in one.
        session: Option<SessionId>,
        /// The client transaction.
        transaction: TransactionId,
        /// The response.
        response: Received,
    },
    /// A request sent with [`UserAgent::request`] or
    /// [`UserAgent::send_out_of_dialog`] got no final response (timeout or
    /// transport error).
    RequestFailed {
        /// The session, if any.
        session: Option<SessionId>,
        /// The client transaction.
        transaction: TransactionId,
    },
    /// The session ended.
    Ended {
        /// The session.
        session: SessionId,
        /// Why.
        reason: EndReason,
    },
    /// A connection carried bytes that cannot be framed (an oversized or
    /// malformed message on a stream; see [`Event::ConnectionError`]):
    /// nothing more can be read from it. The adapter closes its socket and
    /// reports that with [`UserAgent::handle_connection_closed`], which
    /// fails the transactions still using it.
    ConnectionError {
        /// The connection.
        connection: ConnectionId,
        /// Why.
        error: crate::transport::FramingError,
    },
}

/// What [`UserAgent::poll_output`] yields.
#[derive(Debug)]
pub enum UaOutput {
    /// Bytes to send.
    Transmit(Transmit),
    /// Something for the application.
    Event(UaEvent),
}

/// Why the UA refused a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UaError {
    /// No such session (never issued, or ended).
    #[error("no such session")]
    UnknownSession,
    /// The session is not in a state where that can be done (answering a
    /// call already answered, a re-INVITE while another is pending, ...).
    #[error("the session cannot do that now")]
    InvalidState,
    /// Too many sessions.
    #[error("too many sessions")]
    TooManySessions,
    /// The endpoint refused.
    #[error(transparent)]
    Endpoint(#[from] EndpointError),
    /// The dialog refused (terminated, ...).
    #[error(transparent)]
    Dialog(#[from] crate::dialog::DialogError),
    /// A message could not be built.
    #[error("the message could not be built")]
    Build,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SessionState {
    /// UAC: INVITE sent, nothing but 100 yet; UAS: INVITE received.
    Initial,
    /// A provisional went (UAS) or came (UAC).
    Early,
    /// Answered.
    Confirmed,
    /// BYE sent, waiting for its response.
    Ending,
}

/// What a client transaction of ours is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Purpose {
    Invite,
    ReInvite,
    /// The BYE of the session's own dialog: its end ends the session.
    Bye,
    /// The BYE of another fork's dialog (§13.2.2.4): it ends only that
    /// dialog, not the session.
    ForkBye,
    Prack,
    /// The application's own request (in a session or not).
    App,
}

/// A response the UAS core retransmits itself: a 2xx until the ACK
/// (§13.3.1.4), a reliable provisional until the PRACK (RFC 3262 §3).
#[derive(Debug)]
struct Retransmit {
    transaction: TransactionId,
    response: OwnedMessage,
    interval: Duration,
    next: Instant,
    give_up: Instant,
    /// For a reliable provisional: RSeq and the CSeq number it answers.
    rseq: Option<(u32, u32)>,
    /// The CSeq number of the INVITE answered (its ACK carries it).
    cseq: u32,
}

/// What remains of an ended session's INVITE while its client transaction
/// can still pass on 2xx responses (RFC 6026 Accepted, Timer M).
#[derive(Debug)]
struct Orphan {
    invite: Bytes,
    invite_seq: u32,
    destination: Destination,
    /// The ACK sent for each 2xx, by the dialog's ID (its remote tag
    /// tells the forks apart).
    acks: Few<(DialogId, Bytes, Destination)>,
}

/// The INVITE (initial or re-) the UAS side has not answered with a final
/// response yet.
#[derive(Debug)]
struct PendingInvite {
    transaction: TransactionId,
    request: Received,
    reinvite: bool,
}

#[derive(Debug)]
struct Session {
    role: DialogRole,
    state: SessionState,
    destination: Destination,
    /// UAC: one dialog per answering fork; UAS: the one dialog.
    dialogs: Dialogs,
    /// The UA's dialog index hash of the first dialog ([`DialogIndex`]).
    index_hash: u64,
    /// The session's dialog (the first confirmed one), by its index in
    /// `dialogs` (which only grows while a dialog can be chosen).
    chosen: Option<usize>,
    /// UAC: the initial INVITE's transaction and its CSeq number.
    invite_tx: Option<TransactionId>,
    invite: Option<Bytes>,
    invite_seq: u32,
    /// UAC: what the dialogs of the initial INVITE take from it, kept
    /// from its builder until the session is answered, so that a 1xx or
    /// 2xx makes its dialog without parsing the INVITE again (later
    /// forks parse it).
    /// Inline: a box of its own would be one more allocation per call for
    /// some 50 bytes.
    uac_seed: Option<UacSeed>,
    /// UAC: the ACK sent for each 2xx, by (dialog index, CSeq number).
    acks: Vec<(usize, u32, Bytes, Destination)>,
    /// UAC: highest RSeq PRACKed per remote tag.
    rseqs: Vec<(String, u32)>,
    cancelled: bool,
    /// UAS: our To tag until the dialog is made, which then holds it
    /// (see [`Session::tag`]).
    local_tag: String,
    pending: Option<PendingInvite>,
    retransmit_2xx: Option<Box<Retransmit>>,
    reliable_1xx: Option<Box<Retransmit>>,
    next_rseq: u32,
    /// UAC: our re-INVITE in progress, its CSeq number, and the body to
    /// send again after a 491.
    reinvite_tx: Option<TransactionId>,
    reinvite_seq: u32,
    reinvite_body: Option<(String, Vec<u8>)>,
    glare_retry: Option<Instant>,
    /// UAS: our 2xx to the initial INVITE is not ACKed yet.
    awaiting_ack: bool,
    /// UAS: the application hung up before that ACK; the BYE waits for
    /// it (§15).
    bye_deferred: bool,
    /// The deadline last pushed on the UA's timer heap.
    scheduled: Option<Instant>,
}

impl Session {
    fn new(role: DialogRole, destination: Destination) -> Self {
        Session {
            role,
            state: SessionState::Initial,
            destination,
            dialogs: Dialogs::default(),
            index_hash: 0,
            chosen: None,
            invite_tx: None,
            invite: None,
            invite_seq: 0,
            uac_seed: None,
            acks: Vec::new(),
            rseqs: Vec::new(),
            cancelled: false,
            local_tag: String::new(),
            pending: None,
            retransmit_2xx: None,
            reliable_1xx: None,
            next_rseq: 1,
            reinvite_tx: None,
            reinvite_seq: 0,
            reinvite_body: None,
            glare_retry: None,
            awaiting_ack: false,
            bye_deferred: false,
            scheduled: None,
        }
    }

    fn dialog_index(&self, key: DialogKey<'_>) -> Option<usize> {
        self.dialogs.iter().position(|d| d.id().key() == key)
    }

    fn dialog_mut(&mut self, key: DialogKey<'_>) -> Option<&mut Dialog> {
        self.dialogs.iter_mut().find(|d| d.id().key() == key)
    }

    /// UAS: our To tag, the dialog's local tag once there is a dialog
    /// (moved into it: one copy less per call and per idle session).
    fn tag(&self) -> &str {
        match self.dialogs.get(0) {
            Some(d) => d.id().local_tag(),
            None => &self.local_tag,
        }
    }

    fn chosen(&self) -> Option<&Dialog> {
        self.dialogs.get(self.chosen?)
    }

    fn chosen_mut(&mut self) -> Option<&mut Dialog> {
        self.dialogs.get_mut(self.chosen?)
    }

    fn is_chosen(&self, key: DialogKey<'_>) -> bool {
        self.chosen().is_some_and(|d| d.id().key() == key)
    }

    fn next_deadline(&self) -> Option<Instant> {
        let mut next: Option<Instant> = None;
        let mut consider = |t: Instant| next = Some(next.map_or(t, |n| n.min(t)));
        for r in [&self.retransmit_2xx, &self.reliable_1xx].into_iter().flatten() {
            consider(r.next.min(r.give_up));
        }
        if let Some(t) = self.glare_retry {
            consider(t);
        }
        next
    }
}

/// Hashes the identifiers this crate assigns itself (session numbers, the
/// endpoint's transaction slots): no peer chooses them, so one multiply
/// (FxHash's) spreads them well enough, without SipHash's rounds.
#[derive(Clone, Copy, Debug, Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        // The table picks buckets by the low bits, which a multiply fills
        // from the low bits of the key only: fold the high half in (a
        // transaction's generation sits there).
        self.0 ^ (self.0 >> 32)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// The UA core's maps keyed by its own identifiers (see [`IdHasher`]).
type IdMap<K, V> = hashbrown::HashMap<K, V, BuildHasherDefault<IdHasher>>;

/// Gives back most of a map's room once it holds a quarter of it or less:
/// a hash table keeps the capacity of its busiest moment (a burst of call
/// set-ups), which idle sessions would otherwise pay for.
fn trim<K: core::hash::Hash + Eq, V>(map: &mut IdMap<K, V>) {
    if map.capacity() > 64 && map.len() * 4 < map.capacity() {
        map.shrink_to(map.len() * 2);
    }
}

/// Each dialog of each session, by the keyed hash of its ID. An entry
/// holds only the hash and the session, whose dialogs hold the ID itself:
/// a message finds its dialog (§12.2.2) without a copy of the ID, here or
/// for the lookup.
#[derive(Debug)]
struct DialogIndex {
    table: HashTable<(u64, SessionId)>,
    /// Keyed from the seed: peers choose Call-IDs and tags, and must not
    /// be able to force collisions (see [`KeyedHash`]).
    hasher: KeyedHash,
}

impl DialogIndex {
    /// The keyed hash of a dialog's Call-ID and local tag. The remote tag
    /// is left out: the forks of one INVITE then share one hash, computed
    /// once per session ([`Session::index_hash`]); they are few
    /// (`max_forks`), and the lookup compares whole IDs.
    fn hash(&self, call_id: &str, local_tag: &str) -> u64 {
        // The parts joined by a byte no Call-ID holds, so that they cannot
        // run into each other. Joined on the stack when short (as IDs
        // nearly always are), into a vector otherwise: the same byte
        // string, so the same value.
        let (c, t) = (call_id.as_bytes(), local_tag.as_bytes());
        let mut buf = [0u8; 128];
        let join = |b: &mut [u8]| {
            b[..c.len()].copy_from_slice(c);
            b[c.len()] = 0xff;
            b[c.len() + 1..].copy_from_slice(t);
        };
        if let Some(b) = buf.get_mut(..c.len() + 1 + t.len()) {
            join(b);
            return self.hasher.hash(b);
        }
        let mut v = alloc::vec![0u8; c.len() + 1 + t.len()];
        join(&mut v);
        self.hasher.hash(&v)
    }

    /// The session holding the dialog with this ID.
    fn find(&self, key: DialogKey<'_>, sessions: &IdMap<SessionId, Box<Session>>) -> Option<SessionId> {
        let hash = self.hash(key.call_id, key.local_tag);
        self.table
            .find(hash, |&(h, id)| {
                h == hash && sessions.get(&id).is_some_and(|s| s.dialog_index(key).is_some())
            })
            .map(|&(_, id)| id)
    }

    /// The hash of the session's dialog number `i`: the first dialog's, kept
    /// in the session, for every dialog with its Call-ID and local tag.
    fn hash_of(&self, s: &Session, i: usize) -> u64 {
        let d = s.dialogs[i].id();
        let first = s.dialogs[0].id();
        if i == 0 || (first.call_id() == d.call_id() && first.local_tag() == d.local_tag()) {
            s.index_hash
        } else {
            self.hash(d.call_id(), d.local_tag())
        }
    }

    /// Adds `d` to the session's dialogs, and records it here.
    fn add(&mut self, s: &mut Session, session: SessionId, d: Dialog) {
        if s.dialogs.is_empty() {
            s.index_hash = self.hash(d.id().call_id(), d.id().local_tag());
        }
        s.dialogs.push(d);
        let hash = self.hash_of(s, s.dialogs.len() - 1);
        self.table.insert_unique(hash, (hash, session), |&(h, _)| h);
    }

    /// Forgets every dialog of the session.
    fn remove_all(&mut self, s: &Session, session: SessionId) {
        for i in 0..s.dialogs.len() {
            let hash = self.hash_of(s, i);
            if let Ok(e) = self.table.find_entry(hash, |&(h, id)| h == hash && id == session) {
                e.remove();
            }
        }
    }
}

/// A SIP user agent: the UA core over an [`Endpoint`] (see the
/// [module documentation](self)).
pub struct UserAgent {
    ep: Endpoint,
    config: UaConfig,
    rng: ChaCha12Rng,
    next_session: u64,
    /// Boxed: a session is some 400 bytes, which the map's nodes would
    /// otherwise shift on every insertion and removal (and keep slack room
    /// for in every node).
    sessions: IdMap<SessionId, Box<Session>>,
    by_dialog: DialogIndex,
    by_transaction: IdMap<TransactionId, (Option<SessionId>, Purpose)>,
    /// UAS: the INVITE server transaction of each unanswered INVITE.
    by_server_tx: IdMap<TransactionId, SessionId>,
    timers: BinaryHeap<Reverse<(Instant, SessionId)>>,
    /// UAC: INVITEs whose session ended while their client transaction
    /// lives on, so that a 2xx still coming from some fork is ACKed and
    /// ended with BYE (§13.2.2.4).
    orphans: IdMap<TransactionId, Orphan>,
    outputs: VecDeque<UaOutput>,
    digest: Option<crate::auth::client::DigestClient>,
    /// The configured Contact holds nothing the header check would change
    /// or refuse, so it is copied into messages without that check.
    contact_clean: bool,
}

impl core::fmt::Debug for UserAgent {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("UserAgent")
            .field("endpoint", &self.ep)
            .field("sessions", &self.sessions.len())
            .finish()
    }
}

fn body_of(b: RequestBuilder, body: &Option<(String, Vec<u8>)>) -> RequestBuilder {
    match body {
        Some((ct, bytes)) => b.body(ct, bytes.clone()),
        None => b,
    }
}

/// `b` with our Contact, copied as it is if it was found clean when the UA
/// was made (it is the same on every response), else checked.
fn with_contact(b: ResponseBuilder, contact: &str, clean: bool) -> ResponseBuilder {
    if clean { b.header_clean(HeaderName::Contact, contact) } else { b.contact(contact) }
}

fn response_body(b: ResponseBuilder, body: Option<(&str, Vec<u8>)>) -> ResponseBuilder {
    match body {
        Some((ct, bytes)) => b.body(ct, bytes),
        None => b,
    }
}

/// The UAC dialog a response to our INVITE creates: from the INVITE's
/// seed while there is one, else from the INVITE parsed again.
fn uac_dialog<'r>(
    seed: Option<&UacSeed>,
    request: impl FnOnce() -> Result<Message<'r>, crate::message::ParseError>,
    response: &Message<'_>,
) -> Result<Dialog, ()> {
    match seed {
        Some(seed) => Dialog::uac_seeded(seed, response, false).map_err(|_| ()),
        None => request().map_err(|_| ()).and_then(|r| Dialog::uac(&r, response, false).map_err(|_| ())),
    }
}

/// A short list whose first element sits inline: most sessions have one
/// dialog and most ended calls one ACK to keep, and a Vec of one would be
/// one more allocation per call.
#[derive(Debug)]
struct Few<T> {
    first: Option<T>,
    /// Elements 1.. (empty while `first` is `None`).
    more: Vec<T>,
}

impl<T> Default for Few<T> {
    fn default() -> Self {
        Few { first: None, more: Vec::new() }
    }
}

impl<T> Few<T> {
    fn len(&self) -> usize {
        usize::from(self.first.is_some()) + self.more.len()
    }

    fn is_empty(&self) -> bool {
        self.first.is_none()
    }

    fn get(&self, i: usize) -> Option<&T> {
        match i {
            0 => self.first.as_ref(),
            _ => self.more.get(i - 1),
        }
    }

    fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        match i {
            0 => self.first.as_mut(),
            _ => self.more.get_mut(i - 1),
        }
    }

    /// Appends `x` as the last element.
    fn push(&mut self, x: T) {
        if self.first.is_none() {
            self.first = Some(x);
        } else {
            // Exactly: these lists are short (at most `max_forks`), and a
            // first push would reserve four.
            self.more.reserve_exact(1);
            self.more.push(x);
        }
    }

    fn iter(&self) -> impl Iterator<Item = &T> {
        self.first.iter().chain(self.more.iter())
    }

    fn iter_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.first.iter_mut().chain(self.more.iter_mut())
    }

    fn clear(&mut self) {
        self.first = None;
        self.more = Vec::new();
    }
}

impl<T> core::ops::Index<usize> for Few<T> {
    type Output = T;

    fn index(&self, i: usize) -> &T {
        match self.get(i) {
            Some(x) => x,
            None => panic!("element {i} of {}", self.len()),
        }
    }
}

impl<T> core::ops::IndexMut<usize> for Few<T> {
    fn index_mut(&mut self, i: usize) -> &mut T {
        let n = self.len();
        match self.get_mut(i) {
            Some(x) => x,
            None => panic!("element {i} of {n}"),
        }
    }
}

/// A session's dialogs, by number (see [`Few`]).
type Dialogs = Few<Dialog>;

/// The destination of an in-dialog request: the call's own when it runs
/// over a connection, else the next hop (first route, or the remote
/// target) if it names an IP address, else the call's own.
fn next_hop(dialog: &Dialog, fallback: Destination) -> Destination {
    if let Destination::Connection(_) = fallback {
        return fallback;
    }
    // Decoded when the route set or the remote target was taken.
    match dialog.next_hop_addr() {
        Some(addr) => Destination::Datagram(addr),
        None => fallback,
    }
}

impl UserAgent {
    /// A user agent with `config`.
    pub fn new(config: UaConfig) -> Self {
        let mut seed = config.endpoint.seed;
        // Separate the UA core's draws (glare delays, RSeq) from the
        // endpoint's, which use the seed as given.
        seed[31] ^= 0x5a;
        seed[0] ^= 0xa5;
        let mut digest_seed = seed;
        digest_seed[15] ^= 0x3c;
        let digest = config
            .credentials
            .as_ref()
            .map(|(u, p)| crate::auth::client::DigestClient::new(u, p, digest_seed));
        // The dialog table's hash keys from a third derivation of the seed,
        // leaving the UA core's own draws as they were.
        let mut hash_seed = seed;
        hash_seed[7] ^= 0x69;
        let mut keys = ChaCha12Rng::from_seed(hash_seed);
        let dialog_hasher = KeyedHash::new((keys.next_u64(), keys.next_u64()));
        UserAgent {
            contact_clean: crate::message::builder::is_clean(config.contact.as_bytes()),
            digest,
            ep: Endpoint::new(config.endpoint.clone()),
            config,
            rng: ChaCha12Rng::from_seed(seed),
            next_session: 1,
            sessions: IdMap::default(),
            by_dialog: DialogIndex { table: HashTable::new(), hasher: dialog_hasher },
            by_transaction: IdMap::default(),
            by_server_tx: IdMap::default(),
            timers: BinaryHeap::new(),
            orphans: IdMap::default(),
            outputs: VecDeque::new(),
        }
    }

    /// The endpoint underneath.
    pub fn endpoint(&self) -> &Endpoint {
        &self.ep
    }

    /// The endpoint underneath, for requests outside the UA core's
    /// concerns. Outputs it produces come out of
    /// [`poll_output`](Self::poll_output) after the next input.
    pub fn endpoint_mut(&mut self) -> &mut Endpoint {
        &mut self.ep
    }

    /// The configuration.
    pub fn config(&self) -> &UaConfig {
        &self.config
    }

    /// Live sessions.
    pub fn session_count(&self) -> usize {
        self.sessions.len()
    }

    /// The session's dialog (the answered one), if any.
    pub fn dialog(&self, session: SessionId) -> Option<&Dialog> {
        self.sessions.get(&session)?.chosen()
    }

    // ---- the four verbs --------------------------------------------------

    /// The next output, until `None`.
    pub fn poll_output(&mut self) -> Option<UaOutput> {
        self.pump(Instant::ZERO);
        self.outputs.pop_front()
    }

    /// The next deadline (the endpoint's or the UA core's own).
    pub fn poll_timeout(&mut self) -> Option<Instant> {
        while let Some(&Reverse((at, id))) = self.timers.peek() {
            match self.sessions.get(&id) {
                Some(s) if s.scheduled == Some(at) => break,
                _ => {
                    self.timers.pop();
                }
            }
        }
        let own = self.timers.peek().map(|Reverse((at, _))| *at);
        match (own, self.ep.poll_timeout()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Time has reached `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.handle_timeout_inner(now);
        // Timers end transactions and sessions in bulk: the maps give back
        // the room they needed at their busiest.
        trim(&mut self.sessions);
        trim(&mut self.by_transaction);
        trim(&mut self.by_server_tx);
        trim(&mut self.orphans);
        let table = &mut self.by_dialog.table;
        if table.capacity() > 64 && table.len() * 4 < table.capacity() {
            table.shrink_to(table.len() * 2, |&(h, _)| h);
        }
    }

    fn handle_timeout_inner(&mut self, now: Instant) {
        self.ep.handle_timeout(now);
        self.pump(now);
        while let Some(&Reverse((at, id))) = self.timers.peek() {
            if at > now {
                break;
            }
            self.timers.pop();
            if self.sessions.get(&id).is_some_and(|s| s.scheduled == Some(at)) {
                if let Some(s) = self.sessions.get_mut(&id) {
                    s.scheduled = None;
                }
                self.session_timeout(now, id);
                self.reschedule(id);
            }
        }
        self.pump(now);
    }

    /// A datagram arrived (see [`Endpoint::handle_datagram`]).
    pub fn handle_datagram(&mut self, now: Instant, from: SocketAddr, bytes: Bytes) {
        self.ep.handle_datagram(now, from, bytes);
        self.pump(now);
    }

    /// Bytes arrived on a connection (see [`Endpoint::handle_stream_data`]).
    pub fn handle_stream_data(&mut self, now: Instant, connection: ConnectionId, data: &[u8]) {
        self.ep.handle_stream_data(now, connection, data);
        self.pump(now);
    }

    /// A connection opened.
    pub fn handle_connection_opened(
        &mut self,
        now: Instant,
        connection: ConnectionId,
        transport: Transport,
        peer: SocketAddr,
    ) {
        self.ep.handle_connection_opened(now, connection, transport, peer);
    }

    /// A connection closed.
    pub fn handle_connection_closed(&mut self, now: Instant, connection: ConnectionId) {
        self.ep.handle_connection_closed(now, connection);
        self.pump(now);
    }

    /// A connection failed.
    pub fn handle_connection_failed(&mut self, now: Instant, connection: ConnectionId) {
        self.ep.handle_connection_failed(now, connection);
        self.pump(now);
    }

    // ---- application commands ---------------------------------------------

    /// A new INVITE to `request_uri`, From `from` (a fresh tag added), To
    /// `to`, with a fresh Call-ID and CSeq: complete it (body, headers) and
    /// pass it to [`invite`](Self::invite).
    pub fn new_invite(&mut self, request_uri: &str, from: &str, to: &str) -> RequestBuilder {
        // The tag and the Call-ID are only copied into the request: drawn
        // into stack buffers (the same draws as new_tag and new_call_id).
        let mut tag = [0u8; crate::endpoint::TAG_LEN];
        let tag = self.ep.fill_tag(&mut tag);
        let b = RequestBuilder::new(Method::Invite, request_uri)
            .set_header_tagged(HeaderName::From, from.as_bytes(), tag.as_bytes())
            .to(to);
        let b = self.ep.with_call_id(|call_id| b.call_id(call_id));
        let seq = (self.rng.next_u32() & 0xffff) + 1;
        b.cseq(seq)
    }

    /// Places a call: sends `invite` (an INVITE without Via or Contact:
    /// the UA adds its Contact, `Supported: 100rel` when configured, and
    /// the endpoint the Via) to `destination`.
    pub fn invite(
        &mut self,
        now: Instant,
        invite: RequestBuilder,
        destination: Destination,
    ) -> Result<SessionId, UaError> {
        if self.sessions.len() >= self.config.max_sessions {
            return Err(UaError::TooManySessions);
        }
        let contact = &self.config.contact;
        let mut invite = if self.contact_clean && invite.field(HeaderName::Contact).is_none() {
            invite.header_clean(HeaderName::Contact, contact)
        } else {
            invite.set_header(HeaderName::Contact, contact.as_bytes())
        };
        if self.config.reliable_provisionals {
            invite = invite.header_clean(HeaderName::Supported, "100rel");
        }
        // The sequence number from the builder: the request sent carries
        // that CSeq (the builder checked it), no need to parse it back.
        let seq = invite.cseq_seq().unwrap_or(0);
        let seed = UacSeed::of_builder(&invite);
        let tx = self.ep.send_request(now, invite, destination)?;
        let request = self.ep.client_request(tx).cloned();
        let id = self.new_session_id();
        // Made in its box: a session is too big to move about.
        let mut s = Box::new(Session::new(DialogRole::Uac, destination));
        s.invite_tx = Some(tx);
        s.invite = request;
        s.invite_seq = seq;
        s.uac_seed = Some(seed);
        self.sessions.insert(id, s);
        self.by_transaction.insert(tx, (Some(id), Purpose::Invite));
        self.pump(now);
        Ok(id)
    }

    /// Sends a provisional response (101–199) to the session's pending
    /// INVITE; `reliable` sends it per RFC 3262 (when the INVITE allowed
    /// it) and retransmits it until the PRACK.
    pub fn ring(
        &mut self,
        now: Instant,
        session: SessionId,
        status: StatusCode,
        reliable: bool,
        body: Option<(&str, Vec<u8>)>,
    ) -> Result<(), UaError> {
        if !(101..=199).contains(&status.0) {
            return Err(UaError::InvalidState);
        }
        let contact = &self.config.contact;
        let t1 = self.config.endpoint.timers.t1;
        let s = self.sessions.get_mut(&session).ok_or(UaError::UnknownSession)?;
        let pending = s.pending.as_ref().ok_or(UaError::InvalidState)?;
        let msg = pending.request.message();
        // RFC 3262 §3: only if the INVITE offered or required 100rel, and
        // only one unacknowledged at a time.
        // (The INVITE's option tags are read only when asked to send
        // reliably.)
        let reliable = reliable
            && !pending.reinvite
            && (msg.option_tag_present(HeaderName::Supported, "100rel").unwrap_or(false)
                || msg.option_tag_present(HeaderName::Require, "100rel").unwrap_or(false));
        if reliable && s.reliable_1xx.is_some() {
            return Err(UaError::InvalidState);
        }
        let mut b = with_contact(response_to(msg, status, Some(s.tag())), contact, self.contact_clean);
        let rseq = if reliable {
            let r = s.next_rseq;
            s.next_rseq += 1;
            b = b.header(HeaderName::Require, "100rel").header(HeaderName::RSeq, r.to_string());
            Some(r)
        } else {
            None
        };
        let response = response_body(b, body).build().map_err(|_| UaError::Build)?;
        let tx = pending.transaction;
        let seq = msg.cseq().map(|c| c.seq).unwrap_or(0);
        if s.dialogs.is_empty() {
            let d = Dialog::uas_taking_tag(msg, &mut s.local_tag, contact, false, false)?;
            self.by_dialog.add(s, session, d);
        }
        if let Some(rseq) = rseq {
            s.reliable_1xx = Some(Box::new(Retransmit {
                transaction: tx,
                response: response.clone(),
                interval: t1,
                next: now + t1,
                give_up: now + t1.saturating_mul(64),
                rseq: Some((rseq, seq)),
                cseq: seq,
            }));
        }
        if s.state == SessionState::Initial {
            s.state = SessionState::Early;
        }
        self.ep.send_response(now, tx, response)?;
        self.reschedule(session);
        self.pump(now);
        Ok(())
    }

    /// Answers the session's pending INVITE (initial or re-INVITE) with
    /// 200 OK, our Contact and `body`; the UA core retransmits it until
    /// the ACK (§13.3.1.4). Refused ([`UaError::InvalidState`]) while a
    /// reliable provisional with a body awaits its PRACK (RFC 3262 §3).
    pub fn answer(
        &mut self,
        now: Instant,
        session: SessionId,
        body: Option<(&str, Vec<u8>)>,
    ) -> Result<(), UaError> {
        let contact = &self.config.contact;
        let t1 = self.config.endpoint.timers.t1;
        let s = self.sessions.get_mut(&session).ok_or(UaError::UnknownSession)?;
        // RFC 3262 §3: no 2xx while a reliable provisional that carried a
        // session description is unacknowledged ("it MUST NOT send a
        // final response until those provisional responses are
        // acknowledged"): answer once the PRACK came.
        let unpracked_sdp =
            s.reliable_1xx.as_ref().is_some_and(|r| r.response.parse().is_ok_and(|m| !m.body().is_empty()));
        if unpracked_sdp && s.pending.as_ref().is_some_and(|p| !p.reinvite) {
            return Err(UaError::InvalidState);
        }
        let pending = s.pending.take().ok_or(UaError::InvalidState)?;
        let msg = pending.request.message();
        let response = response_body(
            with_contact(response_to(msg, StatusCode::OK, Some(s.tag())), contact, self.contact_clean),
            body,
        )
        .build()
        .map_err(|_| UaError::Build)?;
        if pending.reinvite {
            // RFC 6141 §4.6: the target changes as the 2xx goes.
            if let Some(d) = s.chosen_mut() {
                d.accept_target_refresh(msg);
            }
        } else {
            if s.dialogs.is_empty() {
                let d = Dialog::uas_taking_tag(msg, &mut s.local_tag, contact, true, false)?;
                self.by_dialog.add(s, session, d);
            }
            s.dialogs[0].confirm(None);
            s.chosen = Some(0);
            s.state = SessionState::Confirmed;
            // A final response stops the reliable provisional's
            // retransmissions (RFC 3262 §3).
            s.reliable_1xx = None;
            s.awaiting_ack = true;
        }
        s.retransmit_2xx = Some(Box::new(Retransmit {
            transaction: pending.transaction,
            response: response.clone(),
            interval: t1,
            next: now + t1,
            give_up: now + t1.saturating_mul(64),
            rseq: None,
            cseq: msg.cseq().map_or(0, |c| c.seq),
        }));
        self.by_server_tx.remove(&pending.transaction);
        self.ep.send_response(now, pending.transaction, response)?;
        self.reschedule(session);
        self.pump(now);
        Ok(())
    }

    /// Refuses the session's pending INVITE with `status` (300–699). An
    /// initial INVITE's session ends; a refused re-INVITE leaves the
    /// session as it was.
    pub fn reject(&mut self, now: Instant, session: SessionId, status: StatusCode) -> Result<(), UaError> {
        self.refuse(now, session, status, EndReason::Declined(status))
    }

    /// [`reject`](Self::reject), ending an initial INVITE's session with
    /// `reason`.
    fn refuse(
        &mut self,
        now: Instant,
        session: SessionId,
        status: StatusCode,
        reason: EndReason,
    ) -> Result<(), UaError> {
        if !(300..=699).contains(&status.0) {
            return Err(UaError::InvalidState);
        }
        let s = self.sessions.get_mut(&session).ok_or(UaError::UnknownSession)?;
        let pending = s.pending.take().ok_or(UaError::InvalidState)?;
        let response = response_to(pending.request.message(), status, Some(s.tag()))
            .build()
            .map_err(|_| UaError::Build)?;
        self.by_server_tx.remove(&pending.transaction);
        self.ep.send_response(now, pending.transaction, response)?;
        if !pending.reinvite {
            self.end(now, session, reason);
        }
        self.pump(now);
        Ok(())
    }

    /// Refuses the session's pending INVITE with a response the application
    /// built from the request (e.g. a 401 with the challenge of
    /// [`DigestServer::challenge`](crate::auth::server::DigestServer::challenge),
    /// a 3xx with Contacts). Its status must be 300–699; the session ends
    /// as with [`reject`](Self::reject).
    pub fn reject_with(
        &mut self,
        now: Instant,
        session: SessionId,
        response: OwnedMessage,
    ) -> Result<(), UaError> {
        let status = response.parse().ok().and_then(|m| m.status()).ok_or(UaError::Build)?;
        if !(300..=699).contains(&status.0) {
            return Err(UaError::InvalidState);
        }
        let s = self.sessions.get_mut(&session).ok_or(UaError::UnknownSession)?;
        let pending = s.pending.take().ok_or(UaError::InvalidState)?;
        self.by_server_tx.remove(&pending.transaction);
        self.ep.send_response(now, pending.transaction, response)?;
        if !pending.reinvite {
            self.end(now, session, EndReason::Declined(status));
        }
        self.pump(now);
        Ok(())
    }

    /// Ends the session: CANCEL while our INVITE is unanswered (§9.1), BYE
    /// once answered (§15.1.1). An unanswered incoming call is refused
    /// with [`reject`](Self::reject) instead. A callee whose 2xx is not
    /// ACKed yet sends the BYE when the ACK comes, or after 64·T1 without
    /// one (§15). If the call's connection is gone, the session ends at
    /// once with [`EndReason::TransportError`].
    pub fn hangup(&mut self, now: Instant, session: SessionId) -> Result<(), UaError> {
        let s = self.sessions.get_mut(&session).ok_or(UaError::UnknownSession)?;
        match (s.role, s.state) {
            (_, SessionState::Ending) => Ok(()),
            (DialogRole::Uac, SessionState::Initial | SessionState::Early) => {
                s.cancelled = true;
                let tx = s.invite_tx.ok_or(UaError::InvalidState)?;
                self.ep.cancel(now, tx)?;
                self.pump(now);
                Ok(())
            }
            (DialogRole::Uas, SessionState::Initial | SessionState::Early) if s.chosen.is_none() => {
                Err(UaError::InvalidState)
            }
            (DialogRole::Uas, _) if s.awaiting_ack => {
                // §15: "the callee's UA MUST NOT send a BYE on a confirmed
                // dialog until it has received an ACK for its 2xx response
                // or until the server transaction times out". The 2xx
                // goes on being retransmitted; the BYE goes with the ACK,
                // or at 64·T1 without one.
                s.bye_deferred = true;
                Ok(())
            }
            _ => {
                let chosen = s.chosen.ok_or(UaError::InvalidState)?;
                // Other forks the application kept (ForkPolicy::Application)
                // end with the session: none is left without its BYE.
                for fork in 0..s.dialogs.len() {
                    let confirmed = self
                        .sessions
                        .get(&session)
                        .and_then(|s| s.dialogs.get(fork))
                        .is_some_and(|d| d.state() == DialogState::Confirmed);
                    if fork != chosen && confirmed {
                        let _ = self.send_bye(now, session, fork);
                    }
                }
                if let Err(e) = self.send_bye(now, session, chosen) {
                    if e != UaError::Endpoint(EndpointError::UnknownConnection) {
                        return Err(e);
                    }
                    // §18.1.1 leaves opening a new connection to the
                    // transport user; the call's is gone, so the BYE
                    // cannot go and the session ends here (§8.1.3.1: a
                    // transport failure is a 503).
                    self.end(now, session, EndReason::TransportError);
                    self.pump(now);
                    return Ok(());
                }
                if let Some(s) = self.sessions.get_mut(&session) {
                    s.state = SessionState::Ending;
                    s.retransmit_2xx = None;
                }
                self.pump(now);
                Ok(())
            }
        }
    }

    /// Ends one dialog of a forked call with BYE (see
    /// [`ForkPolicy::Application`]).
    pub fn bye_dialog(&mut self, now: Instant, session: SessionId, dialog: &DialogId) -> Result<(), UaError> {
        let s = self.sessions.get(&session).ok_or(UaError::UnknownSession)?;
        if s.is_chosen(dialog.key()) {
            return self.hangup(now, session);
        }
        let index = s.dialog_index(dialog.key()).ok_or(UaError::InvalidState)?;
        self.send_bye(now, session, index)?;
        self.pump(now);
        Ok(())
    }

    /// Sends a re-INVITE in the session (§14.1) with `body` (typically a
    /// new offer). Refused while another INVITE transaction of the session
    /// is pending in either direction (ours, or the peer's until our 2xx
    /// to it is ACKed).
    pub fn reinvite(
        &mut self,
        now: Instant,
        session: SessionId,
        body: Option<(&str, Vec<u8>)>,
    ) -> Result<(), UaError> {
        let s = self.sessions.get_mut(&session).ok_or(UaError::UnknownSession)?;
        // §14.1: not while another INVITE transaction is in progress in
        // either direction, which includes one of the peer's whose 2xx we
        // sent and that is not ACKed yet.
        if s.state != SessionState::Confirmed
            || s.reinvite_tx.is_some()
            || s.pending.is_some()
            || s.retransmit_2xx.is_some()
            || s.glare_retry.is_some()
        {
            return Err(UaError::InvalidState);
        }
        s.reinvite_body = body.map(|(ct, b)| (ct.to_string(), b));
        self.send_reinvite(now, session)
    }

    fn send_reinvite(&mut self, now: Instant, session: SessionId) -> Result<(), UaError> {
        let seq0 = self.rng.next_u32() & 0xffff;
        let s = self.sessions.get_mut(&session).ok_or(UaError::UnknownSession)?;
        let body = s.reinvite_body.clone();
        let fallback = s.destination;
        let d = s.chosen_mut().ok_or(UaError::InvalidState)?;
        let req = body_of(d.request(Method::Invite, seq0)?, &body);
        let seq = d.local_seq().unwrap_or(0);
        let dest = next_hop(d, fallback);
        let tx = self.ep.send_request(now, req, dest)?;
        if let Some(s) = self.sessions.get_mut(&session) {
            s.reinvite_tx = Some(tx);
            s.reinvite_seq = seq;
        }
        self.by_transaction.insert(tx, (Some(session), Purpose::ReInvite));
        self.pump(now);
        Ok(())
    }

    /// Sends another request in the session's dialog (UPDATE, INFO,
    /// MESSAGE, OPTIONS...; RFC 3311 for UPDATE, which may also be sent in
    /// an early dialog). Its responses come as [`UaEvent::Response`].
    pub fn request(
        &mut self,
        now: Instant,
        session: SessionId,
        method: Method<'_>,
        body: Option<(&str, Vec<u8>)>,
    ) -> Result<TransactionId, UaError> {
        if matches!(method, Method::Invite | Method::Ack | Method::Cancel | Method::Bye | Method::Prack) {
            return Err(UaError::InvalidState);
        }
        let seq0 = self.rng.next_u32() & 0xffff;
        let s = self.sessions.get_mut(&session).ok_or(UaError::UnknownSession)?;
        let fallback = s.destination;
        // UPDATE in an early dialog (RFC 3311 §5.1): the first one.
        let index = s.chosen.unwrap_or(0);
        let d = s.dialogs.get_mut(index).ok_or(UaError::InvalidState)?;
        let req = d.request(method, seq0)?;
        let req = match body {
            Some((ct, b)) => req.body(ct, b),
            None => req,
        };
        let dest = next_hop(d, fallback);
        let tx = self.ep.send_request(now, req, dest)?;
        self.by_transaction.insert(tx, (Some(session), Purpose::App));
        self.pump(now);
        Ok(tx)
    }

    /// Sends a request outside any session (OPTIONS, MESSAGE, REGISTER...)
    /// through the endpoint; its responses come as [`UaEvent::Response`].
    pub fn send_out_of_dialog(
        &mut self,
        now: Instant,
        request: RequestBuilder,
        destination: Destination,
    ) -> Result<TransactionId, UaError> {
        let tx = self.ep.send_request(now, request, destination)?;
        self.by_transaction.insert(tx, (None, Purpose::App));
        self.pump(now);
        Ok(tx)
    }

    /// Answers a request the application received as [`UaEvent::Request`].
    pub fn respond(
        &mut self,
        now: Instant,
        transaction: TransactionId,
        response: OwnedMessage,
    ) -> Result<(), UaError> {
        self.ep.send_response(now, transaction, response)?;
        self.pump(now);
        Ok(())
    }

    // ---- internals --------------------------------------------------------

    fn new_session_id(&mut self) -> SessionId {
        let id = SessionId(self.next_session);
        self.next_session += 1;
        id
    }

    fn event(&mut self, e: UaEvent) {
        self.outputs.push_back(UaOutput::Event(e));
    }

    fn reschedule(&mut self, id: SessionId) {
        let Some(s) = self.sessions.get_mut(&id) else { return };
        let next = s.next_deadline();
        if next != s.scheduled {
            s.scheduled = next;
            if let Some(at) = next {
                self.timers.push(Reverse((at, id)));
            }
        }
    }

    fn end(&mut self, now: Instant, id: SessionId, reason: EndReason) {
        if let Some(mut s) = self.sessions.remove(&id) {
            self.by_dialog.remove_all(&s, id);
            if let Some(p) = &s.pending {
                self.by_server_tx.remove(&p.transaction);
                // §15.1.2: pending requests of the dialog still get a
                // response, 487 as recommended (a re-INVITE the
                // application had not answered when it hung up), so that
                // neither side's INVITE transaction is left waiting.
                if let Ok(r) =
                    response_to(p.request.message(), StatusCode::REQUEST_TERMINATED, Some(s.tag())).build()
                {
                    let _ = self.ep.send_response(now, p.transaction, r);
                }
            }
            // Our INVITEs still waiting for a final response (a BYE
            // came in the early dialog, its 2xx lost; or during our
            // re-INVITE): a final may never come, and their client
            // transactions would wait for it for good. CANCEL them
            // (§9.1): a 487 ends them, or without one the restarted
            // Timer B. (Nothing to cancel once a final came.)
            let unanswered = s.invite_tx.filter(|_| s.chosen.is_none());
            for tx in [unanswered, s.reinvite_tx].into_iter().flatten() {
                let _ = self.ep.cancel(now, tx);
            }
            // While the INVITE's transaction lives, 2xx from other forks
            // can still come (§13.2.2.4).
            if let (Some(tx), Some(invite)) = (s.invite_tx, s.invite.take()) {
                if self.ep.client_request(tx).is_some() {
                    // The session is going: its ACKs move to the orphan,
                    // each with its dialog's ID (shared, not copied).
                    let invite_seq = s.invite_seq;
                    let dialogs = &s.dialogs;
                    let mut acks = Few::default();
                    for (i, _, b, d) in core::mem::take(&mut s.acks).into_iter().filter(|a| a.1 == invite_seq)
                    {
                        acks.push((
                            dialogs.get(i).map_or_else(|| DialogId::new("", "", ""), |d| d.id().clone()),
                            b,
                            d,
                        ));
                    }
                    let o = Orphan { invite, invite_seq, destination: s.destination, acks };
                    self.orphans.insert(tx, o);
                }
            }
            self.event(UaEvent::Ended { session: id, reason });
        }
    }

    /// BYE in the session's dialog number `dialog`.
    fn send_bye(&mut self, now: Instant, session: SessionId, dialog: usize) -> Result<(), UaError> {
        let seq0 = self.rng.next_u32() & 0xffff;
        let s = self.sessions.get_mut(&session).ok_or(UaError::UnknownSession)?;
        let fallback = s.destination;
        let d = s.dialogs.get_mut(dialog).ok_or(UaError::InvalidState)?;
        let bye = d.request(Method::Bye, seq0)?;
        let dest = next_hop(d, fallback);
        d.terminate();
        // §13.2.2.4: ending another fork's dialog leaves the session (its
        // chosen dialog) up; only the BYE of the chosen one ends it.
        let purpose = if s.chosen == Some(dialog) { Purpose::Bye } else { Purpose::ForkBye };
        let tx = self.ep.send_request(now, bye, dest)?;
        self.by_transaction.insert(tx, (Some(session), purpose));
        Ok(())
    }

    /// Drains the endpoint: transmits out, events through the UA core.
    fn pump(&mut self, now: Instant) {
        while let Some(out) = self.ep.poll_output() {
            match out {
                Output::Transmit(t) => self.outputs.push_back(UaOutput::Transmit(t)),
                Output::Event(e) => self.on_event(now, e),
            }
        }
    }

    fn on_event(&mut self, now: Instant, e: Event) {
        match e {
            Event::Request { transaction, request } => self.on_request(now, transaction, request),
            Event::Ack { request, .. } => self.on_ack(now, request),
            Event::Cancelled { transaction, .. } => self.on_cancelled(now, transaction),
            Event::Response { transaction, response } => self.on_response(now, transaction, response),
            Event::TransportError { transaction } if !self.by_transaction.contains_key(&transaction) => {
                self.on_server_transport_error(now, transaction)
            }
            Event::Timeout { transaction } | Event::TransportError { transaction } => {
                let timeout = matches!(e, Event::Timeout { .. });
                self.on_failure(now, transaction, timeout)
            }
            Event::Terminated { transaction } => {
                if let Some((Some(id), purpose @ (Purpose::Invite | Purpose::ReInvite))) =
                    self.by_transaction.remove(&transaction)
                {
                    // Timer M ended the INVITE client transaction: no
                    // more 2xx can reach us through it (RFC 6026 §8.4),
                    // so the INVITE and the ACKs kept to answer their
                    // retransmissions can go.
                    if let Some(s) = self.sessions.get_mut(&id) {
                        let seq = if purpose == Purpose::Invite { s.invite_seq } else { s.reinvite_seq };
                        s.acks.retain(|a| a.1 != seq);
                        s.acks.shrink_to_fit();
                        // (A challenged INVITE's transaction ends while its
                        // successor with credentials goes on.)
                        if purpose == Purpose::Invite && s.invite_tx == Some(transaction) {
                            s.invite = None;
                            s.invite_tx = None;
                        }
                    }
                }
                self.orphans.remove(&transaction);
                if let Some(id) = self.by_server_tx.remove(&transaction) {
                    // The INVITE server transaction ended before the TU
                    // answered (a transport failure, never answered).
                    if let Some(s) = self.sessions.get_mut(&id) {
                        s.pending = None;
                    }
                }
            }
            Event::ConnectionError { connection, error } => {
                self.event(UaEvent::ConnectionError { connection, error })
            }
        }
    }

    fn respond_status(
        &mut self,
        now: Instant,
        tx: TransactionId,
        request: &Received,
        status: StatusCode,
        retry_after: Option<u32>,
    ) {
        let tag = self.ep.new_tag();
        let mut b = response_to(request.message(), status, Some(&tag));
        if let Some(secs) = retry_after {
            b = b.header(HeaderName::RetryAfter, secs.to_string());
        }
        if let Ok(r) = b.build() {
            let _ = self.ep.send_response(now, tx, r);
        }
    }

    fn on_request(&mut self, now: Instant, tx: TransactionId, request: Received) {
        let msg = request.message();
        let Some(method) = msg.method() else { return };
        let dialog_id = DialogKey::of_request(msg);
        let session = dialog_id.and_then(|d| self.by_dialog.find(d, &self.sessions));
        if dialog_id.is_some() && session.is_none() && method != Method::Ack {
            // §12.2.2: a To tag naming no dialog of ours.
            self.respond_status(now, tx, &request, StatusCode::CALL_OR_TRANSACTION_DOES_NOT_EXIST, None);
            return;
        }
        match (method, session) {
            (Method::Invite, None) => self.on_new_invite(now, tx, request),
            (_, None) => self.event(UaEvent::Request { session: None, transaction: tx, request }),
            (method, Some(id)) => {
                let Some(did) = dialog_id else { return };
                // §12.2.2: CSeq order.
                let checked =
                    self.sessions.get_mut(&id).and_then(|s| s.dialog_mut(did)).map(|d| d.handle_request(msg));
                match checked {
                    Some(Err(e)) => {
                        self.respond_status(now, tx, &request, e.status(), None);
                        return;
                    }
                    None => return,
                    Some(Ok(())) => {}
                }
                match method {
                    Method::Invite => self.on_reinvite(now, id, tx, request),
                    Method::Bye => self.on_bye(now, id, tx, request),
                    Method::Prack => self.on_prack(now, id, tx, request),
                    _ => self.event(UaEvent::Request { session: Some(id), transaction: tx, request }),
                }
            }
        }
    }

    fn on_new_invite(&mut self, now: Instant, tx: TransactionId, request: Received) {
        if self.sessions.len() >= self.config.max_sessions {
            self.respond_status(now, tx, &request, StatusCode::BUSY_HERE, None);
            return;
        }
        let destination = match request.source().connection {
            Some(c) => Destination::Connection(c),
            None => Destination::Datagram(request.source().peer),
        };
        let id = self.new_session_id();
        let mut s = Box::new(Session::new(DialogRole::Uas, destination));
        s.local_tag = self.ep.new_tag();
        s.next_rseq = (self.rng.next_u32() & 0x3fff_ffff) + 1;
        // Kept to be answered, and handed to the application: one parse,
        // shared.
        let ev_request = request.into_shared();
        let copy = ev_request.clone();
        s.pending = Some(PendingInvite { transaction: tx, request: copy, reinvite: false });
        self.sessions.insert(id, s);
        self.by_server_tx.insert(tx, id);
        self.event(UaEvent::IncomingCall { session: id, request: ev_request });
    }

    fn on_reinvite(&mut self, now: Instant, id: SessionId, tx: TransactionId, request: Received) {
        let Some(s) = self.sessions.get_mut(&id) else { return };
        if s.reinvite_tx.is_some() {
            // §14.2: our own re-INVITE is in progress: 491.
            self.respond_status(now, tx, &request, StatusCode::REQUEST_PENDING, None);
            return;
        }
        if s.pending.is_some() || s.retransmit_2xx.is_some() {
            // §14.2: the previous INVITE is not finished: 500 with a
            // Retry-After of 0–10 s.
            let secs = self.rng.next_u32() % 11;
            self.respond_status(now, tx, &request, StatusCode::SERVER_INTERNAL_ERROR, Some(secs));
            return;
        }
        let request = request.into_shared();
        let copy = request.clone();
        s.pending = Some(PendingInvite { transaction: tx, request: copy, reinvite: true });
        self.by_server_tx.insert(tx, id);
        self.event(UaEvent::ReInvite { session: id, request });
    }

    fn on_bye(&mut self, now: Instant, id: SessionId, tx: TransactionId, request: Received) {
        // §15.1.2: 200 to the BYE; a still pending INVITE gets 487.
        if let Ok(ok) = response_to(request.message(), StatusCode::OK, None).build() {
            let _ = self.ep.send_response(now, tx, ok);
        }
        if let Some(p) = self.sessions.get_mut(&id).and_then(|s| s.pending.take()) {
            let tag = self.sessions.get(&id).map(|s| String::from(s.tag())).unwrap_or_default();
            if let Ok(r) =
                response_to(p.request.message(), StatusCode::REQUEST_TERMINATED, Some(&tag)).build()
            {
                let _ = self.ep.send_response(now, p.transaction, r);
            }
        }
        self.end(now, id, EndReason::RemoteBye);
    }

    fn on_prack(&mut self, now: Instant, id: SessionId, tx: TransactionId, request: Received) {
        let rack =
            request.message().rack().ok().flatten().map(|r| (r.rseq, r.cseq, r.method == Method::Invite));
        let Some(s) = self.sessions.get_mut(&id) else { return };
        let matches = match (&s.reliable_1xx, rack) {
            (Some(r), Some((rseq, cseq, true))) => r.rseq == Some((rseq, cseq)),
            _ => false,
        };
        if matches {
            // RFC 3262 §3: a matching PRACK stops the retransmissions and
            // gets 2xx.
            s.reliable_1xx = None;
            if let Ok(ok) = response_to(request.message(), StatusCode::OK, None).build() {
                let _ = self.ep.send_response(now, tx, ok);
            }
            self.reschedule(id);
        } else {
            self.respond_status(now, tx, &request, StatusCode::CALL_OR_TRANSACTION_DOES_NOT_EXIST, None);
        }
    }

    fn on_ack(&mut self, now: Instant, request: Received) {
        let Some(did) = DialogKey::of_request(request.message()) else { return };
        let Some(id) = self.by_dialog.find(did, &self.sessions) else { return };
        let Some(s) = self.sessions.get_mut(&id) else { return };
        let seq = request.message().cseq().map(|c| c.seq).unwrap_or(0);
        // The ACK acknowledges the 2xx of the INVITE with its number.
        let acked = s.retransmit_2xx.as_ref().is_some_and(|r| r.cseq == seq);
        if acked {
            s.retransmit_2xx = None;
            let deferred = s.awaiting_ack && s.bye_deferred;
            s.awaiting_ack = false;
            self.reschedule(id);
            self.event(UaEvent::Acked { session: id });
            if deferred {
                let _ = self.hangup(now, id);
            }
        }
    }

    fn on_cancelled(&mut self, now: Instant, invite_tx: TransactionId) {
        let Some(&id) = self.by_server_tx.get(&invite_tx) else { return };
        let Some(s) = self.sessions.get_mut(&id) else { return };
        let Some(p) = s.pending.take() else { return };
        self.by_server_tx.remove(&invite_tx);
        let tag = String::from(s.tag());
        let reinvite = p.reinvite;
        if let Ok(r) = response_to(p.request.message(), StatusCode::REQUEST_TERMINATED, Some(&tag)).build() {
            let _ = self.ep.send_response(now, p.transaction, r);
        }
        if !reinvite {
            self.end(now, id, EndReason::RemoteCancel);
        }
    }

    fn on_response(&mut self, now: Instant, tx: TransactionId, response: Received) {
        let Some(&(session, purpose)) = self.by_transaction.get(&tx) else { return };
        let status = response.message().status().unwrap_or(StatusCode(0));
        match (purpose, session) {
            (Purpose::Invite, Some(id)) => self.on_invite_response(now, id, tx, response),
            (Purpose::ReInvite, Some(id)) => self.on_reinvite_response(now, id, response),
            (Purpose::Bye, Some(id)) if status.0 >= 200 => self.end(now, id, EndReason::LocalBye),
            (Purpose::App, session) => {
                if status.0 >= 200 {
                    if let (Some(id), true) = (session, matches!(status.0, 408 | 481)) {
                        self.dialog_gone(now, id);
                    }
                }
                self.event(UaEvent::Response { session, transaction: tx, response });
            }
            _ => {}
        }
    }

    fn on_invite_response(&mut self, now: Instant, id: SessionId, tx: TransactionId, response: Received) {
        let msg = response.message();
        let status = msg.status().unwrap_or(StatusCode(0));
        let Some(s) = self.sessions.get_mut(&id) else {
            if status.is_success() {
                self.on_orphan_2xx(now, tx, &response);
            }
            return;
        };
        let Some(invite) = s.invite.clone() else { return };
        // The INVITE is parsed again only where a dialog or a retry is
        // built from it.
        let request = || Message::parse(&invite);
        match status.0 {
            100 => {}
            101..=199 => {
                if s.state == SessionState::Initial {
                    s.state = SessionState::Early;
                }
                let mut index = None;
                if msg.to().ok().and_then(|t| t.tag()).is_some() {
                    if let Some(did) = DialogKey::of_response(msg) {
                        index = s.dialog_index(did);
                        if index.is_none() && s.dialogs.len() < self.config.max_forks {
                            if let Ok(d) = uac_dialog(s.uac_seed.as_ref(), request, msg) {
                                self.by_dialog.add(s, id, d);
                                index = Some(s.dialogs.len() - 1);
                            }
                        }
                    }
                }
                let dialog = index.and_then(|i| s.dialogs.get(i)).map(|d| d.id().clone());
                if let Some(i) = index {
                    self.maybe_prack(now, id, i, &response);
                }
                self.event(UaEvent::Progress { session: id, dialog, response });
            }
            200..=299 => {
                let Some(did) = DialogKey::of_response(msg) else { return };
                let known = s.dialog_index(did);
                if let Some((_, _, ack, dest)) =
                    s.acks.iter().find(|(i, seq, _, _)| Some(*i) == known && *seq == s.invite_seq)
                {
                    // A retransmission of a 2xx already ACKed: the same
                    // ACK again (§13.2.2.4, RFC 6026 §8.9).
                    let (ack, dest) = (ack.clone(), *dest);
                    let _ = self.ep.send_raw(now, ack, dest);
                    return;
                }
                let full = s.dialogs.len() >= self.config.max_forks;
                let index = match known {
                    Some(i) => {
                        s.dialogs[i].confirm(Some(msg));
                        i
                    }
                    // Beyond max_forks: ignored (see UaConfig::max_forks).
                    None if full => return,
                    None => match uac_dialog(s.uac_seed.as_ref(), request, msg) {
                        Ok(d) => {
                            self.by_dialog.add(s, id, d);
                            s.dialogs.len() - 1
                        }
                        Err(_) => return,
                    },
                };
                let fallback = s.destination;
                let invite_seq = s.invite_seq;
                let d = &s.dialogs[index];
                let (ack, dest) = (d.ack(invite_seq), next_hop(d, fallback));
                let Ok(bytes) = self.ep.send_ack(now, ack, dest) else { return };
                let Some(s) = self.sessions.get_mut(&id) else { return };
                s.acks.push((index, invite_seq, bytes, dest));
                let dialog = s.dialogs[index].id().clone();
                let first = s.chosen.is_none();
                if first {
                    s.uac_seed = None;
                    s.chosen = Some(index);
                    s.state = SessionState::Confirmed;
                    // Early dialogs of other forks stay until their own
                    // final; only the chosen one is the session's.
                    if s.cancelled {
                        // §9.1 note: the 2xx crossed our CANCEL; end the
                        // call it set up.
                        let _ = self.hangup(now, id);
                        return;
                    }
                    self.event(UaEvent::Answered { session: id, dialog, response });
                } else {
                    if self.config.fork_policy == ForkPolicy::KeepFirst {
                        let _ = self.send_bye(now, id, index);
                    }
                    self.event(UaEvent::ForkAnswered { session: id, dialog });
                }
            }
            401 | 407 if self.digest.is_some() && !s.cancelled && s.chosen.is_none() => {
                // §22.2: send the INVITE again with credentials, CSeq + 1,
                // in a new transaction (the ICT ACKed the challenge). The
                // client refuses a second non-stale challenge (§22.4:
                // wrong credentials), which ends the call below.
                let Ok(request) = request() else { return };
                let retry = self.digest.as_mut().map(|d| d.authorize(&request, msg));
                drop(request);
                if let Some(Ok(builder)) = retry {
                    let dest = s.destination;
                    let seq = builder.cseq_seq();
                    if let Ok(new_tx) = self.ep.send_request(now, builder, dest) {
                        let bytes = self.ep.client_request(new_tx).cloned();
                        if let Some(s) = self.sessions.get_mut(&id) {
                            s.invite_tx = Some(new_tx);
                            s.invite = bytes;
                            s.invite_seq = seq.unwrap_or(0);
                            s.uac_seed = None;
                            // The challenge ended the early dialogs (§12.3);
                            // the retry makes its own.
                            self.by_dialog.remove_all(s, id);
                            s.dialogs.clear();
                        }
                        self.by_transaction.insert(new_tx, (Some(id), Purpose::Invite));
                        return;
                    }
                }
                self.end(now, id, EndReason::Rejected(status));
            }
            _ => {
                // §12.3: a non-2xx final ends the early dialogs. The ICT
                // sent the ACK.
                let answered = s.chosen.is_some();
                for d in s.dialogs.iter_mut().filter(|d| d.state() == DialogState::Early) {
                    d.terminate();
                }
                let _ = tx;
                if !answered {
                    let reason = if s.cancelled && status == StatusCode::REQUEST_TERMINATED {
                        EndReason::Cancelled
                    } else {
                        EndReason::Rejected(status)
                    };
                    self.end(now, id, reason);
                }
            }
        }
    }

    /// §13.2.2.4: a 2xx to the INVITE of a session that already ended
    /// (the caller hung up on the first fork before this one answered, or
    /// the 2xx crossed the session's end) is ACKed all the same, and its
    /// dialog ended with BYE; a retransmission of it gets the same ACK.
    fn on_orphan_2xx(&mut self, now: Instant, tx: TransactionId, response: &Received) {
        let msg = response.message();
        let Some(o) = self.orphans.get_mut(&tx) else { return };
        let Some(did) = DialogKey::of_response(msg) else { return };
        if let Some((_, ack, dest)) = o.acks.iter().find(|(t, _, _)| t.remote_tag() == did.remote_tag) {
            let (ack, dest) = (ack.clone(), *dest);
            let _ = self.ep.send_raw(now, ack, dest);
            return;
        }
        if o.acks.len() >= self.config.max_forks {
            return;
        }
        let Ok(request) = Message::parse(&o.invite) else { return };
        let Ok(mut d) = Dialog::uac(&request, msg, false) else { return };
        drop(request);
        let dest = next_hop(&d, o.destination);
        let Ok(ack) = self.ep.send_ack(now, d.ack(o.invite_seq), dest) else { return };
        o.acks.push((d.id().clone(), ack, dest));
        let seq0 = self.rng.next_u32() & 0xffff;
        if let Ok(bye) = d.request(Method::Bye, seq0) {
            if let Ok(bye_tx) = self.ep.send_request(now, bye, dest) {
                self.by_transaction.insert(bye_tx, (None, Purpose::ForkBye));
            }
        }
    }

    /// RFC 3262 §4: PRACK a reliable provisional once, in its dialog.
    fn maybe_prack(&mut self, now: Instant, id: SessionId, dialog: usize, response: &Received) {
        if !self.config.reliable_provisionals {
            return;
        }
        let msg = response.message();
        let reliable = msg.option_tag_present(HeaderName::Require, "100rel").unwrap_or(false);
        let Some(rseq) = msg.rseq().ok().flatten().filter(|_| reliable) else { return };
        let Ok(cseq) = msg.cseq() else { return };
        let seq0 = self.rng.next_u32() & 0xffff;
        let Some(s) = self.sessions.get_mut(&id) else { return };
        let Some(d) = s.dialogs.get_mut(dialog) else { return };
        let remote_tag = d.id().remote_tag();
        match s.rseqs.iter_mut().find(|(t, _)| t == remote_tag) {
            // A retransmission (or out of order): no new PRACK.
            Some((_, last)) if rseq <= *last => return,
            Some((_, last)) => *last = rseq,
            None => s.rseqs.push((remote_tag.into(), rseq)),
        }
        let fallback = s.destination;
        // RFC 6141 §4.7: a reliable provisional refreshes the target.
        d.handle_response(Method::Invite, msg);
        let Ok(prack) = d.request(Method::Prack, seq0) else { return };
        let prack =
            prack.header(HeaderName::RAck, alloc::format!("{rseq} {} {}", cseq.seq, cseq.method.as_str()));
        let dest = next_hop(d, fallback);
        if let Ok(tx) = self.ep.send_request(now, prack, dest) {
            self.by_transaction.insert(tx, (Some(id), Purpose::Prack));
        }
    }

    fn on_reinvite_response(&mut self, now: Instant, id: SessionId, response: Received) {
        let msg = response.message();
        let status = msg.status().unwrap_or(StatusCode(0));
        let Some(s) = self.sessions.get_mut(&id) else { return };
        let Some(chosen) = s.chosen else { return };
        match status.0 {
            100..=199 => {}
            200..=299 => {
                // The 2xx's own CSeq number: a retransmission of an earlier
                // re-INVITE's 2xx (its ACK lost) may come after a later
                // re-INVITE started; it gets its own ACK again (§13.2.2.4),
                // not a new one with the later number and a second event.
                let seq = msg.cseq().map(|c| c.seq).unwrap_or(s.reinvite_seq);
                if let Some((_, _, ack, dest)) = s.acks.iter().find(|(i, q, _, _)| *i == chosen && *q == seq)
                {
                    let (ack, dest) = (ack.clone(), *dest);
                    let _ = self.ep.send_raw(now, ack, dest);
                    return;
                }
                if seq != s.reinvite_seq {
                    return;
                }
                let fallback = s.destination;
                let Some(d) = s.dialogs.get_mut(chosen) else { return };
                d.handle_response(Method::Invite, msg);
                let ack = d.ack(seq);
                let dest = next_hop(d, fallback);
                let Ok(bytes) = self.ep.send_ack(now, ack, dest) else { return };
                let Some(s) = self.sessions.get_mut(&id) else { return };
                s.acks.push((chosen, seq, bytes, dest));
                s.reinvite_tx = None;
                s.reinvite_body = None;
                self.event(UaEvent::ReInviteAnswered { session: id, response });
            }
            491 => {
                // §14.1: retry after a random time in 10 ms units: 2.1–4 s
                // if we own the Call-ID (we were the UAC of the dialog),
                // else 0–2 s.
                s.reinvite_tx = None;
                let units = if s.role == DialogRole::Uac {
                    210 + self.rng.next_u32() % 191
                } else {
                    self.rng.next_u32() % 201
                };
                s.glare_retry = Some(now + Duration::from_millis(u64::from(units) * 10));
                self.reschedule(id);
            }
            408 | 481 => {
                s.reinvite_tx = None;
                self.dialog_gone(now, id);
            }
            _ => {
                // RFC 6141 §3.4: the session goes on as before.
                s.reinvite_tx = None;
                s.reinvite_body = None;
                self.event(UaEvent::ReInviteFailed { session: id, status });
            }
        }
    }

    /// §12.2.1.2: the dialog is gone (481, 408, timeout): BYE and end.
    fn dialog_gone(&mut self, now: Instant, id: SessionId) {
        let Some(s) = self.sessions.get(&id) else { return };
        match (s.role, s.chosen) {
            (_, Some(chosen)) => {
                let _ = self.send_bye(now, id, chosen);
            }
            // An early dialog (a 481 or 408 to an UPDATE or INFO before
            // the answer): ending it must not leave the INVITE hanging.
            // The UAC CANCELs it (§9.1); the session ends as the INVITE
            // does, and a 2xx that crosses the CANCEL is ACKed and BYEd.
            (DialogRole::Uac, None) => {
                if self.hangup(now, id).is_ok() {
                    return;
                }
            }
            // The UAS refuses its pending INVITE, so that the INVITE's
            // server transaction completes and the caller hears of it.
            (DialogRole::Uas, None) => {
                if self.refuse(now, id, StatusCode::SERVER_INTERNAL_ERROR, EndReason::DialogGone).is_ok() {
                    return;
                }
            }
        }
        self.end(now, id, EndReason::DialogGone);
    }

    fn on_failure(&mut self, now: Instant, tx: TransactionId, timeout: bool) {
        let Some(&(session, purpose)) = self.by_transaction.get(&tx) else { return };
        match (purpose, session) {
            (Purpose::Invite, Some(id)) => {
                let answered = self.sessions.get(&id).is_some_and(|s| s.chosen.is_some());
                if !answered {
                    self.end(now, id, if timeout { EndReason::Timeout } else { EndReason::TransportError });
                }
            }
            (Purpose::ReInvite, Some(id)) => {
                // §12.2.1.2: a timeout is a 408; RFC 6141 §5 aside, a
                // transport failure ends the dialog too.
                if let Some(s) = self.sessions.get_mut(&id) {
                    s.reinvite_tx = None;
                }
                self.dialog_gone(now, id);
            }
            (Purpose::Bye, Some(id)) => self.end(now, id, EndReason::LocalBye),
            (Purpose::App, session) => {
                if let Some(id) = session {
                    if timeout {
                        self.dialog_gone(now, id);
                    }
                }
                self.event(UaEvent::RequestFailed { session, transaction: tx });
            }
            _ => {}
        }
    }

    /// A response of ours could not be sent (§17.2.4: the connection the
    /// INVITE came on is gone). An unanswered INVITE gets a final response
    /// all the same, so that its server transaction completes and ends
    /// (Timer H), and an initial one's session ends; a 2xx that cannot
    /// reach the caller will never be ACKed, so that session ends too.
    fn on_server_transport_error(&mut self, now: Instant, tx: TransactionId) {
        if let Some(id) = self.by_server_tx.remove(&tx) {
            let Some(s) = self.sessions.get_mut(&id) else { return };
            let Some(p) = s.pending.take() else { return };
            let tag = String::from(s.tag());
            s.reliable_1xx = None;
            if let Ok(r) =
                response_to(p.request.message(), StatusCode::SERVER_INTERNAL_ERROR, Some(&tag)).build()
            {
                let _ = self.ep.send_response(now, tx, r);
            }
            if !p.reinvite {
                self.end(now, id, EndReason::TransportError);
            }
            return;
        }
        let unacked = self
            .sessions
            .iter()
            .find(|(_, s)| s.retransmit_2xx.as_ref().is_some_and(|r| r.transaction == tx))
            .map(|(&id, _)| id);
        if let Some(id) = unacked {
            if let Some(s) = self.sessions.get_mut(&id) {
                s.retransmit_2xx = None;
                s.awaiting_ack = false;
            }
            let _ = self.hangup(now, id);
            self.end(now, id, EndReason::TransportError);
        }
    }

    fn session_timeout(&mut self, now: Instant, id: SessionId) {
        let t2 = self.config.endpoint.timers.t2;
        let Some(s) = self.sessions.get_mut(&id) else { return };
        // §13.3.1.4: the 2xx again, T1 doubling to T2, BYE after 64·T1.
        if let Some(r) = &mut s.retransmit_2xx {
            if now >= r.give_up {
                s.retransmit_2xx = None;
                s.awaiting_ack = false;
                let _ = self.hangup(now, id);
                if let Some(s) = self.sessions.get_mut(&id) {
                    s.state = SessionState::Ending;
                }
                // The session ends when the BYE completes; say why now.
                self.end(now, id, EndReason::NoAck);
                return;
            }
            if now >= r.next {
                let (tx, resp) = (r.transaction, r.response.clone());
                r.interval = r.interval.saturating_mul(2).min(t2);
                r.next = now + r.interval;
                let _ = self.ep.send_response(now, tx, resp);
            }
        }
        let Some(s) = self.sessions.get_mut(&id) else { return };
        // RFC 3262 §3: the reliable provisional again, T1 doubling (no
        // cap), 5xx after 64·T1 without PRACK.
        if let Some(r) = &mut s.reliable_1xx {
            if now >= r.give_up {
                s.reliable_1xx = None;
                if s.pending.is_some() {
                    // (The reason used to be patched into the last output,
                    // which by then was the 500's transmit, not the Ended.)
                    let _ = self.refuse(now, id, StatusCode::SERVER_INTERNAL_ERROR, EndReason::NoPrack);
                }
                return;
            }
            if now >= r.next {
                let (tx, resp) = (r.transaction, r.response.clone());
                r.interval = r.interval.saturating_mul(2);
                r.next = now + r.interval;
                let _ = self.ep.send_response(now, tx, resp);
            }
        }
        let Some(s) = self.sessions.get_mut(&id) else { return };
        if s.glare_retry.is_some_and(|t| now >= t) {
            s.glare_retry = None;
            if s.state == SessionState::Confirmed {
                if s.pending.is_some() || s.retransmit_2xx.is_some() {
                    // §14.1: no re-INVITE while another INVITE transaction
                    // is in progress in either direction (the peer's,
                    // which we have not answered or whose 2xx is not
                    // ACKed yet). Wait another T rather than drop the
                    // application's re-INVITE without a word.
                    let units = if s.role == DialogRole::Uac {
                        210 + self.rng.next_u32() % 191
                    } else {
                        self.rng.next_u32() % 201
                    };
                    if let Some(s) = self.sessions.get_mut(&id) {
                        s.glare_retry = Some(now + Duration::from_millis(u64::from(units) * 10));
                    }
                } else {
                    let _ = self.send_reinvite(now, id);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ua(ip: [u8; 4], user: &str, seed: u8) -> UserAgent {
        let host = core::net::IpAddr::from(ip).to_string();
        let mut c = UaConfig::new(&host, &alloc::format!("<sip:{user}@{host}:5060>"), [seed; 32]);
        c.endpoint.via_port = Some(5060);
        c.endpoint.policy = None;
        UserAgent::new(c)
    }

    /// Moves `a`'s transmits to `b` (from `from`), returning `a`'s events.
    fn deliver(
        a: &mut UserAgent,
        b: &mut UserAgent,
        from: SocketAddr,
        sent: &mut Vec<Bytes>,
    ) -> Vec<UaEvent> {
        let mut evs = Vec::new();
        while let Some(out) = a.poll_output() {
            match out {
                UaOutput::Transmit(t) => {
                    sent.push(t.bytes.clone());
                    b.handle_datagram(Instant::ZERO, from, t.bytes);
                }
                UaOutput::Event(e) => evs.push(e),
            }
        }
        evs
    }

    /// RFC 3261 §12.2.2: a request is matched to its dialog by Call-ID and
    /// tags, whatever their length: the dialog index joins a short ID on
    /// the stack and a long one in a vector, and both must give the value
    /// the same bytes give.
    #[test]
    fn rfc3261_12_2_2_dialog_index_hash_same_for_any_length() {
        let a = ua([192, 0, 2, 1], "alice", 1);
        let idx = &a.by_dialog;
        let joined = |c: &str, t: &str| {
            let mut v = alloc::vec::Vec::from(c.as_bytes());
            v.push(0xff);
            v.extend_from_slice(t.as_bytes());
            idx.hasher.hash(&v)
        };
        let long = "c".repeat(200);
        let edge = "c".repeat(126);
        for (c, t) in
            [("a84b4c76e66710@pc33", "1928301774"), (long.as_str(), "t"), (edge.as_str(), "t"), ("", "")]
        {
            assert_eq!(idx.hash(c, t), joined(c, t), "{c}");
        }
        assert_ne!(idx.hash("ab", "c"), idx.hash("a", "bc"));
    }

    fn to_tag(b: &Bytes) -> Option<String> {
        Message::parse(b).ok()?.to().ok()?.tag().map(String::from)
    }

    /// RFC 3261 §8.2.6.2, §12.1.1: every response of the UAS in the dialog
    /// carries the same To tag, the dialog's local tag, also once the
    /// dialog made by the first of them holds it.
    #[test]
    fn rfc3261_12_1_1_uas_responses_keep_one_to_tag() {
        let (sa, sb) = (SocketAddr::from(([192, 0, 2, 1], 5060)), SocketAddr::from(([192, 0, 2, 2], 5060)));
        for reject in [false, true] {
            let (mut a, mut b) = (ua([192, 0, 2, 1], "alice", 1), ua([192, 0, 2, 2], "bob", 2));
            let inv = a.new_invite("sip:bob@192.0.2.2", "<sip:alice@192.0.2.1>", "<sip:bob@192.0.2.2>");
            a.invite(Instant::ZERO, inv, Destination::Datagram(sb)).unwrap();
            let (mut to_b, mut to_a) = (Vec::new(), Vec::new());
            deliver(&mut a, &mut b, sa, &mut to_b);
            let evs = deliver(&mut b, &mut a, sb, &mut to_a);
            let Some(UaEvent::IncomingCall { session, .. }) = evs.first() else { panic!("{evs:?}") };
            let session = *session;
            b.ring(Instant::ZERO, session, StatusCode::RINGING, false, None).unwrap();
            b.ring(Instant::ZERO, session, StatusCode(183), false, None).unwrap();
            if reject {
                b.reject(Instant::ZERO, session, StatusCode::BUSY_HERE).unwrap();
            } else {
                b.answer(Instant::ZERO, session, None).unwrap();
            }
            deliver(&mut b, &mut a, sb, &mut to_a);
            let tags: Vec<_> = to_a.iter().map(to_tag).collect();
            assert_eq!(tags.len(), 3, "{tags:?}");
            assert!(tags[0].as_deref().is_some_and(|t| !t.is_empty()));
            assert!(tags.iter().all(|t| *t == tags[0]), "{tags:?}");
            if !reject {
                assert_eq!(b.dialog(session).map(|d| d.id().local_tag().into()), tags[0]);
            }
        }
    }

    /// RFC 3261 §13.2.2.4: a forked INVITE's dialogs keep the numbers they
    /// were made with (the session's chosen one is one of them), however
    /// many forks come, with the first held inline.
    #[test]
    fn rfc3261_13_2_2_4_forks_keep_their_numbers() {
        let mut f: Few<u32> = Few::default();
        assert!(f.is_empty());
        assert_eq!(f.get(0), None);
        for n in 0..5 {
            f.push(n * 10);
            assert_eq!(f.len(), n as usize + 1);
        }
        assert!(!f.is_empty());
        assert_eq!(f.iter().copied().collect::<alloc::vec::Vec<_>>(), [0, 10, 20, 30, 40]);
        assert_eq!((f[0], f[3], f.get(5)), (0, 30, None));
        f[3] = 33;
        for x in f.iter_mut() {
            *x += 1;
        }
        assert_eq!(f.iter().copied().collect::<alloc::vec::Vec<_>>(), [1, 11, 21, 34, 41]);
        f.clear();
        assert!(f.is_empty() && f.get(0).is_none() && f.get(1).is_none());
        assert_eq!(f.len(), 0);
        f.push(7);
        assert_eq!((f.len(), f[0]), (1, 7));
    }
}
