//! Stream framing (RFC 3261 §18.3, §7.5; RFC 5626 §4.4.1).
//!
//! A byte stream (TCP, TLS, SCTP used as a stream) carries messages back to
//! back, and CRLF keep-alives between them. A deframer is fed whatever
//! chunks the socket returns, split anywhere, several messages coalesced or
//! one message spread over many reads, and yields [`Frame`]s:
//!
//! * [`Frame::Message`] — exactly one message: the header section through
//!   the empty line, then Content-Length octets of body. CRLFs before the
//!   start line (RFC 3261 §7.5) are not part of it. Parse it with
//!   [`Message::parse_with`](crate::message::Message::parse_with).
//! * [`Frame::Ping`] — a double CRLF between messages: the peer checks the
//!   flow is alive; answer with [`PONG`] (RFC 5626 §4.4.1: "MUST
//!   immediately respond with a single CRLF").
//! * [`Frame::Pong`] — a single CRLF between messages: the answer to a
//!   [`PING`] we sent.
//!
//! Two deframers share one framing core, so they behave identically:
//! [`StreamDeframer`] works in a caller-provided buffer and never allocates;
//! `BytesDeframer` (feature `alloc`) grows a `BytesMut` and hands out each
//! message as `Bytes` split off without copying.
//!
//! # Framing rules
//!
//! * The header section ends at the first empty line: CRLF CRLF, or with
//!   bare LF line ends (which the parser also accepts) LF LF.
//! * Content-Length (or its compact form `l`, any case, white space allowed
//!   before the colon) gives the body size. On a stream it is mandatory
//!   (RFC 3261 §18.3: "MUST be used with stream oriented transports");
//!   a message without it is a [`FramingError::MissingContentLength`].
//!   A repeated Content-Length (RFC 4475 §3.3.9 `mcl01`), a value that is
//!   not `1*DIGIT` (negative: RFC 4475 §3.1.2.3 `ncl`) are errors too.
//!   Continuation lines (starting with SP or HTAB, RFC 3261 §7.3.1) belong
//!   to the field above them and are never read as a header name.
//! * A header section longer than [`Limits::max_header_section`] without
//!   its empty line, or a declared size (head plus Content-Length) above
//!   [`Limits::max_message_size`], is refused as soon as it is known:
//!   before the body is waited for or stored, and no space is ever reserved
//!   for a declared size.
//! * A Content-Length larger than what has arrived just waits for more
//!   (RFC 4475 §3.1.2.2 `clerr`: on a stream the rest may still come).
//!
//! Every [`FramingError`] is fatal for the connection: once the framing is
//! lost there is no reliable way to find the next message. Answer a request
//! with [`FramingError::status`] if its start line is known to be a
//! request, then close. After an error the deframer yields nothing more.
//!
//! # Telling a ping from a pong
//!
//! A CRLF followed by nothing yet may be a pong or the first half of a
//! ping; only the next octets tell. The rule, which gives the same frames
//! however the input is split:
//!
//! * CR LF CR LF between messages is a [`Frame::Ping`], reported as soon as
//!   its last octet arrives (pairs are taken greedily, so six CRLFs are
//!   three pings);
//! * a single CRLF is a [`Frame::Pong`] once the next octet is known not to
//!   start another CRLF (it starts a message);
//! * a single CRLF with nothing after it yet is held undecided, **unless**
//!   the owner announced with [`StreamDeframer::ping_sent`] that it sent a
//!   [`PING`] and waits for the answer: then the first CRLF is a
//!   [`Frame::Pong`] at once and the expectation is cleared. A client (which
//!   sends pings) thus sees the pong without delay, and a server (which
//!   receives them) answers every ping without delay.
//!
//! A bare LF counts as a CRLF (robustness, as for line ends). A CR not
//! followed by LF between messages is discarded.

use crate::message::{HeaderName, Limits, StatusCode, lex};

/// The keep-alive "ping" a client sends (RFC 5626 §4.4.1): a double CRLF.
pub const PING: &[u8] = b"\r\n\r\n";

/// The keep-alive "pong" a server answers a ping with (RFC 5626 §4.4.1): a
/// single CRLF.
pub const PONG: &[u8] = b"\r\n";

/// One unit cut from a stream.
///
/// `M` is the message representation: `&[u8]` borrowed from the
/// [`StreamDeframer`]'s buffer, or `bytes::Bytes` from the
/// `BytesDeframer`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Frame<M> {
    /// Exactly one message (head and Content-Length body), without the
    /// CRLFs that preceded its start line.
    Message(M),
    /// A double CRLF: answer with [`PONG`] (RFC 5626 §4.4.1).
    Ping,
    /// A single CRLF: the answer to a [`PING`] (RFC 5626 §4.4.1).
    Pong,
}

impl<M> Frame<M> {
    /// The message, if this frame is one.
    pub fn message(self) -> Option<M> {
        match self {
            Frame::Message(m) => Some(m),
            _ => None,
        }
    }

    /// Converts the message representation.
    pub fn map<N>(self, f: impl FnOnce(M) -> N) -> Frame<N> {
        match self {
            Frame::Message(m) => Frame::Message(f(m)),
            Frame::Ping => Frame::Ping,
            Frame::Pong => Frame::Pong,
        }
    }
}

/// Why a stream cannot be framed. Every variant is fatal for the
/// connection: the boundary of the next message is unknown, so the owner
/// sends [`FramingError::status`] (for a request) and closes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum FramingError {
    /// A message without Content-Length on a stream (RFC 3261 §18.3).
    #[error("missing Content-Length on a stream transport")]
    MissingContentLength,
    /// More than one Content-Length field (RFC 4475 §3.3.9).
    #[error("more than one Content-Length")]
    DuplicateContentLength,
    /// A Content-Length that is not `1*DIGIT`, such as a negative one
    /// (RFC 4475 §3.1.2.3).
    #[error("malformed Content-Length")]
    InvalidContentLength,
    /// The header section grew past `limit` octets without its empty line
    /// ([`Limits::max_header_section`], or the deframer's buffer size if
    /// smaller).
    #[error("header section longer than {limit} octets")]
    HeaderSectionTooLarge {
        /// The limit in force.
        limit: usize,
    },
    /// Head plus declared body is `size` octets, above `limit`
    /// ([`Limits::max_message_size`], or the deframer's buffer size if
    /// smaller). Reported before any of the body is awaited.
    #[error("message of {size} octets exceeds {limit}")]
    MessageTooLarge {
        /// Head length plus Content-Length (saturated at `u64::MAX`).
        size: u64,
        /// The limit in force.
        limit: usize,
    },
}

impl FramingError {
    /// The status to answer a request that failed this way with, before
    /// closing the connection: 513 Message Too Large for the size limits
    /// (RFC 3261 §21.5.8), 400 Bad Request otherwise (§21.4.1).
    pub const fn status(&self) -> StatusCode {
        match self {
            FramingError::HeaderSectionTooLarge { .. } | FramingError::MessageTooLarge { .. } => {
                StatusCode::MESSAGE_TOO_LARGE
            }
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

/// What the core asks the storage to do with the front of its window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Action {
    /// Nothing can be decided until more octets arrive.
    Need,
    /// Drop this many octets and step again.
    Skip(usize),
    /// Cut this many octets as one message frame.
    Message(usize),
    /// Report a keep-alive after dropping this many octets.
    KeepAlive(Frame<()>, usize),
    /// Framing failed.
    Fail(FramingError),
}

/// Progress through the header section of the message at the window's
/// front. Every offset is relative to the message's first octet, which
/// stays at the window's front until the message is cut, so the state
/// survives compaction of the storage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Head {
    /// Start of the line being read.
    line_start: usize,
    /// Octets before this offset hold no LF of the current line.
    scanned: usize,
    /// Still on the start line.
    start_line: bool,
    /// The Content-Length value's extent, once its field was seen.
    cl: Option<(usize, usize)>,
    /// The field being read is Content-Length (its folds extend `cl`).
    in_cl: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Between messages. `lone_crlf`: one CRLF was consumed and is not yet
    /// known to be a pong or half a ping.
    Between { lone_crlf: bool },
    /// Reading a header section.
    Head(Head),
    /// Head done; the message is `total` octets long.
    Body { total: usize },
    /// A framing error was reported; nothing more is framed.
    Failed(FramingError),
}

/// The framing state machine shared by both deframers. It never owns or
/// copies octets: each step looks at the unconsumed window and says what to
/// do with its front. Each octet is examined once (scans resume where they
/// stopped), so feeding a message one octet at a time costs linear time.
#[derive(Clone, Debug)]
struct Core {
    state: State,
    limits: Limits,
    /// Largest window the storage can ever hold.
    capacity: usize,
    expect_pong: bool,
}

impl Core {
    fn new(limits: Limits, capacity: usize) -> Self {
        Core { state: State::Between { lone_crlf: false }, limits, capacity, expect_pong: false }
    }

    fn error(&self) -> Option<FramingError> {
        match self.state {
            State::Failed(e) => Some(e),
            _ => None,
        }
    }

    fn fail(&mut self, e: FramingError) -> Action {
        self.state = State::Failed(e);
        Action::Fail(e)
    }

    fn max_head(&self) -> usize {
        self.limits.effective_max_header_section().min(self.capacity)
    }

    fn max_message(&self) -> usize {
        self.limits.max_message_size.min(self.capacity)
    }

    fn step(&mut self, w: &[u8]) -> Action {
        match self.state {
            State::Failed(_) => Action::Need,
            State::Between { lone_crlf } => self.between(w, lone_crlf),
            State::Head(h) => self.head(w, h),
            State::Body { total } => {
                if w.len() >= total {
                    self.state = State::Between { lone_crlf: false };
                    Action::Message(total)
                } else {
                    Action::Need
                }
            }
        }
    }

    fn between(&mut self, w: &[u8], lone_crlf: bool) -> Action {
        if lone_crlf && self.expect_pong {
            // The CRLF held undecided is the awaited pong.
            self.expect_pong = false;
            self.state = State::Between { lone_crlf: false };
            return Action::KeepAlive(Frame::Pong, 0);
        }
        let unit = match w.first() {
            None => return Action::Need,
            Some(b'\n') => 1,
            Some(b'\r') => match w.get(1) {
                None => return Action::Need,
                Some(b'\n') => 2,
                Some(_) => return Action::Skip(1),
            },
            Some(_) => {
                if lone_crlf {
                    // A CRLF followed by a message: a pong.
                    self.state = State::Between { lone_crlf: false };
                    return Action::KeepAlive(Frame::Pong, 0);
                }
                let h = Head { line_start: 0, scanned: 0, start_line: true, cl: None, in_cl: false };
                self.state = State::Head(h);
                return self.head(w, h);
            }
        };
        if self.expect_pong {
            self.expect_pong = false;
            Action::KeepAlive(Frame::Pong, unit)
        } else if lone_crlf {
            self.state = State::Between { lone_crlf: false };
            Action::KeepAlive(Frame::Ping, unit)
        } else {
            self.state = State::Between { lone_crlf: true };
            Action::Skip(unit)
        }
    }

    fn head(&mut self, w: &[u8], mut h: Head) -> Action {
        let max_head = self.max_head();
        loop {
            let Some(k) = w.get(h.scanned..).and_then(|rest| memchr::memchr(b'\n', rest)) else {
                h.scanned = w.len();
                self.state = State::Head(h);
                // No empty line within the first `max_head` octets, or the
                // buffer is full of an unfinished head: it can never end.
                if w.len() > max_head || w.len() >= self.capacity {
                    return self.fail(FramingError::HeaderSectionTooLarge { limit: max_head });
                }
                return Action::Need;
            };
            let lf = h.scanned + k;
            let next = lf + 1;
            if next > max_head {
                return self.fail(FramingError::HeaderSectionTooLarge { limit: max_head });
            }
            let mut end = lf;
            if end > h.line_start && w[end - 1] == b'\r' {
                end -= 1;
            }
            let line = &w[h.line_start..end];
            if h.start_line {
                h.start_line = false;
            } else if line.is_empty() {
                return self.head_done(w, &h, next);
            } else if lex::is_ws(line[0]) {
                // A fold continues the field above (RFC 3261 §7.3.1).
                if h.in_cl {
                    h.cl = h.cl.map(|(s, _)| (s, end));
                }
            } else {
                h.in_cl = false;
                if let Some(colon) = memchr::memchr(b':', line) {
                    let mut name_end = colon;
                    while name_end > 0 && lex::is_ws(line[name_end - 1]) {
                        name_end -= 1;
                    }
                    if HeaderName::from_bytes(&line[..name_end]) == HeaderName::ContentLength {
                        if h.cl.is_some() {
                            return self.fail(FramingError::DuplicateContentLength);
                        }
                        h.cl = Some((h.line_start + colon + 1, end));
                        h.in_cl = true;
                    }
                }
                // A line without a colon is left for the parser to reject.
            }
            h.line_start = next;
            h.scanned = next;
        }
    }

    fn head_done(&mut self, w: &[u8], h: &Head, head_len: usize) -> Action {
        let Some((s, e)) = h.cl else {
            return self.fail(FramingError::MissingContentLength);
        };
        let value = lex::trim_lws(&w[s..e]);
        if value.is_empty() || !value.iter().all(|&c| lex::is_digit(c)) {
            return self.fail(FramingError::InvalidContentLength);
        }
        let size = lex::parse_u64(value).map_or(u64::MAX, |n| n.saturating_add(head_len as u64));
        let limit = self.max_message();
        if size > limit as u64 {
            return self.fail(FramingError::MessageTooLarge { size, limit });
        }
        // size <= limit, which is a usize.
        let total = size as usize;
        self.state = State::Body { total };
        self.step(w)
    }
}

/// A stream deframer over a caller-provided buffer; never allocates.
///
/// `B` is any byte buffer: `[u8; N]`, `&mut [u8]`, a `Vec<u8>`... Its
/// length bounds the largest message (and header section) accepted, on top
/// of the [`Limits`]. Octets are appended with [`push`](Self::push) (or read
/// straight into [`write_buf`](Self::write_buf) and
/// [`commit`](Self::commit)ted), and frames taken with
/// [`poll`](Self::poll), which borrows each message from the buffer.
/// Consumed space is reclaimed lazily: the unconsumed tail is moved to the
/// front only when the free space at the end is too small, so a caller that
/// drains [`poll`](Self::poll) before refilling copies each octet at most
/// once.
///
/// ```
/// use sip_proto::message::Limits;
/// use sip_proto::transport::{Frame, PONG, StreamDeframer};
///
/// let mut d = StreamDeframer::new([0u8; 2048], Limits::DEFAULT);
/// d.push(b"\r\n\r\nOPTIONS sip:a@b SIP/2.0\r\nContent-Length: 2\r\n\r\nhi");
/// assert_eq!(d.poll(), Some(Ok(Frame::Ping))); // answer with PONG
/// let Some(Ok(Frame::Message(m))) = d.poll() else { panic!() };
/// assert!(m.ends_with(b"\r\n\r\nhi"));
/// assert_eq!(d.poll(), None);
/// ```
#[derive(Clone, Debug)]
pub struct StreamDeframer<B> {
    buf: B,
    start: usize,
    end: usize,
    core: Core,
}

impl<B: AsRef<[u8]> + AsMut<[u8]>> StreamDeframer<B> {
    /// A deframer using `buf` as its storage (its current contents are
    /// ignored) and the given limits.
    pub fn new(buf: B, limits: Limits) -> Self {
        let capacity = buf.as_ref().len();
        StreamDeframer { buf, start: 0, end: 0, core: Core::new(limits, capacity) }
    }

    /// Appends as much of `chunk` as fits and returns how many octets were
    /// taken; the caller keeps the rest and offers it again after polling.
    /// Returns 0 after a framing error.
    pub fn push(&mut self, chunk: &[u8]) -> usize {
        if self.core.error().is_some() {
            return 0;
        }
        if self.buf.as_ref().len() - self.end < chunk.len() {
            self.compact();
        }
        let buf = self.buf.as_mut();
        let n = chunk.len().min(buf.len() - self.end);
        buf[self.end..self.end + n].copy_from_slice(&chunk[..n]);
        self.end += n;
        n
    }

    /// Free space to read into directly (for example with
    /// `socket.read(d.write_buf())`), followed by [`commit`](Self::commit).
    /// Empty after a framing error, or when the buffer is full of an
    /// unfinished frame (which [`poll`](Self::poll) then reports as too
    /// large).
    pub fn write_buf(&mut self) -> &mut [u8] {
        if self.core.error().is_some() {
            return &mut [];
        }
        // Reclaim consumed space only when it is worth the copy.
        if self.buf.as_ref().len() - self.end < self.start {
            self.compact();
        }
        let end = self.end;
        &mut self.buf.as_mut()[end..]
    }

    /// Marks `n` octets written into [`write_buf`](Self::write_buf) as
    /// received. `n` is clamped to the free space.
    pub fn commit(&mut self, n: usize) {
        if self.core.error().is_none() {
            self.end = (self.end + n).min(self.buf.as_ref().len());
        }
    }

    fn compact(&mut self) {
        if self.start > 0 {
            self.buf.as_mut().copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
    }

    /// The next frame, if one is complete; `None` when more input is
    /// needed. A `Some(Err(_))` is reported once and is fatal: answer and
    /// close the connection (see [`FramingError`]).
    pub fn poll(&mut self) -> Option<Result<Frame<&[u8]>, FramingError>> {
        loop {
            let action = self.core.step(&self.buf.as_ref()[self.start..self.end]);
            match action {
                Action::Need => {
                    if self.start == self.end {
                        // Empty window: reclaim the whole buffer for free.
                        self.start = 0;
                        self.end = 0;
                    }
                    return None;
                }
                Action::Skip(n) => self.start += n,
                Action::KeepAlive(f, n) => {
                    self.start += n;
                    return Some(Ok(f.map(|()| &[][..])));
                }
                Action::Message(n) => {
                    let s = self.start;
                    self.start += n;
                    return Some(Ok(Frame::Message(&self.buf.as_ref()[s..s + n])));
                }
                Action::Fail(e) => return Some(Err(e)),
            }
        }
    }

    /// Announces that we sent a [`PING`]: the next CRLF received between
    /// messages is reported as [`Frame::Pong`] at once, without waiting to
    /// see whether another CRLF follows.
    pub fn ping_sent(&mut self) {
        self.core.expect_pong = true;
    }

    /// True while a pong announced by [`ping_sent`](Self::ping_sent) has
    /// not arrived.
    pub fn expecting_pong(&self) -> bool {
        self.core.expect_pong
    }

    /// The framing error reported, if any.
    pub fn error(&self) -> Option<FramingError> {
        self.core.error()
    }

    /// Octets received and not yet returned as frames.
    pub fn buffered(&self) -> usize {
        self.end - self.start
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.core.limits
    }

    /// Gives the buffer back.
    pub fn into_inner(self) -> B {
        self.buf
    }
}

#[cfg(feature = "alloc")]
pub use self::growable::BytesDeframer;

#[cfg(feature = "alloc")]
mod growable {
    use super::{Action, Core, Frame, FramingError};
    use crate::message::Limits;
    use bytes::{Buf, Bytes, BytesMut};

    /// A stream deframer over a growable `BytesMut`, yielding each message
    /// as `Bytes` split off the buffer without copying, so the caller can
    /// keep it (for example inside a transaction) while reading goes on.
    ///
    /// Same framing as [`StreamDeframer`](super::StreamDeframer); the
    /// buffer grows only with octets actually pushed, never by a declared
    /// Content-Length.
    ///
    /// ```
    /// use sip_proto::message::Limits;
    /// use sip_proto::transport::{BytesDeframer, Frame};
    ///
    /// let mut d = BytesDeframer::new(Limits::DEFAULT);
    /// d.push(b"SIP/2.0 200 OK\r\nl: 0\r\n\r\n");
    /// let Some(Ok(Frame::Message(m))) = d.poll() else { panic!() };
    /// assert_eq!(&m[..], b"SIP/2.0 200 OK\r\nl: 0\r\n\r\n");
    /// ```
    #[derive(Clone, Debug)]
    pub struct BytesDeframer {
        buf: BytesMut,
        core: Core,
    }

    impl BytesDeframer {
        /// An empty deframer.
        pub fn new(limits: Limits) -> Self {
            Self::with_buffer(BytesMut::new(), limits)
        }

        /// A deframer appending to `buf` (its contents count as received).
        pub fn with_buffer(buf: BytesMut, limits: Limits) -> Self {
            BytesDeframer { buf, core: Core::new(limits, usize::MAX) }
        }

        /// Appends `chunk`. Ignored after a framing error.
        pub fn push(&mut self, chunk: &[u8]) {
            if self.core.error().is_none() {
                self.buf.extend_from_slice(chunk);
            }
        }

        /// The next frame, if one is complete; `None` when more input is
        /// needed. A `Some(Err(_))` is reported once and is fatal.
        pub fn poll(&mut self) -> Option<Result<Frame<Bytes>, FramingError>> {
            loop {
                match self.core.step(&self.buf) {
                    Action::Need => return None,
                    Action::Skip(n) => self.buf.advance(n),
                    Action::KeepAlive(f, n) => {
                        self.buf.advance(n);
                        return Some(Ok(f.map(|()| Bytes::new())));
                    }
                    Action::Message(n) => return Some(Ok(Frame::Message(self.buf.split_to(n).freeze()))),
                    Action::Fail(e) => return Some(Err(e)),
                }
            }
        }

        /// See [`StreamDeframer::ping_sent`](super::StreamDeframer::ping_sent).
        pub fn ping_sent(&mut self) {
            self.core.expect_pong = true;
        }

        /// True while an announced pong has not arrived.
        pub fn expecting_pong(&self) -> bool {
            self.core.expect_pong
        }

        /// The framing error reported, if any.
        pub fn error(&self) -> Option<FramingError> {
            self.core.error()
        }

        /// Octets received and not yet returned as frames.
        pub fn buffered(&self) -> usize {
            self.buf.len()
        }

        /// The limits in force.
        pub fn limits(&self) -> &Limits {
            &self.core.limits
        }
    }
}

// The tests collect frames and build inputs in `Vec`s.
#[cfg(all(test, feature = "alloc"))]
mod tests {
    use super::*;
    use crate::message::{Message, StatusCode};
    use alloc::vec;
    use alloc::vec::Vec;

    const M1: &[u8] = b"INVITE sip:bob@biloxi.example.com SIP/2.0\r\n\
Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9\r\n\
Max-Forwards: 70\r\n\
From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n\
To: Bob <sip:bob@biloxi.example.com>\r\n\
Call-ID: 3848276298220188511@atlanta.example.com\r\n\
CSeq: 1 INVITE\r\n\
Content-Type: application/sdp\r\n\
Content-Length: 18\r\n\
\r\n\
v=0\r\n\r\n\r\nCONTENT\r\n";

    const M2: &[u8] = b"SIP/2.0 180 Ringing\r\n\
Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9\r\n\
From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n\
To: Bob <sip:bob@biloxi.example.com>;tag=8321234356\r\n\
Call-ID: 3848276298220188511@atlanta.example.com\r\n\
CSeq: 1 INVITE\r\n\
l  : 0\r\n\
\r\n";

    type Owned = Frame<Vec<u8>>;

    fn cat(parts: &[&[u8]]) -> Vec<u8> {
        parts.concat()
    }

    /// Feeds `chunks` into a no-alloc deframer with an `N`-octet buffer,
    /// draining after every push; stops at the first error.
    fn run<const N: usize>(chunks: &[&[u8]], limits: Limits) -> (Vec<Owned>, Option<FramingError>) {
        let mut d = StreamDeframer::new([0u8; N], limits);
        let mut out = Vec::new();
        for chunk in chunks {
            let mut rest = *chunk;
            loop {
                let n = d.push(rest);
                rest = &rest[n..];
                while let Some(f) = d.poll() {
                    match f {
                        Ok(f) => out.push(f.map(<[u8]>::to_vec)),
                        Err(e) => return (out, Some(e)),
                    }
                }
                if rest.is_empty() {
                    break;
                }
                assert!(n > 0, "deframer stalled with a full buffer");
            }
        }
        (out, d.error())
    }

    fn run_bytes(chunks: &[&[u8]], limits: Limits) -> (Vec<Owned>, Option<FramingError>) {
        let mut d = BytesDeframer::new(limits);
        let mut out = Vec::new();
        for chunk in chunks {
            d.push(chunk);
            while let Some(f) = d.poll() {
                match f {
                    Ok(f) => out.push(f.map(|b| b.to_vec())),
                    Err(e) => return (out, Some(e)),
                }
            }
        }
        (out, d.error())
    }

    /// Both deframers, same answer.
    fn frames(chunks: &[&[u8]], limits: Limits) -> (Vec<Owned>, Option<FramingError>) {
        let a = run::<4096>(chunks, limits);
        assert_eq!(a, run_bytes(chunks, limits), "both deframers agree");
        a
    }

    fn whole(stream: &[u8]) -> (Vec<Owned>, Option<FramingError>) {
        frames(&[stream], Limits::DEFAULT)
    }

    #[test]
    fn rfc3261_18_3_two_messages_split_at_every_point() {
        let stream = cat(&[M1, M2]);
        let expected = vec![Frame::Message(M1.to_vec()), Frame::Message(M2.to_vec())];
        assert_eq!(whole(&stream), (expected.clone(), None));
        for i in 0..=stream.len() {
            let (a, b) = stream.split_at(i);
            assert_eq!(frames(&[a, b], Limits::DEFAULT), (expected.clone(), None), "split at {i}");
        }
        // The frame is what the parser expects (responses only until the
        // URI parser lands on this branch).
        let m = Message::parse(M2).unwrap();
        assert_eq!((m.content_length(), m.body()), (Some(0), &b""[..]));
    }

    #[test]
    fn rfc3261_18_3_byte_at_a_time_with_keep_alives() {
        let stream = cat(&[b"\r\n\r\n", M1, b"\r\n", M2, b"\r\n\r\n"]);
        let expected = vec![
            Frame::Ping,
            Frame::Message(M1.to_vec()),
            Frame::Pong,
            Frame::Message(M2.to_vec()),
            Frame::Ping,
        ];
        assert_eq!(whole(&stream), (expected.clone(), None));
        let bytes: Vec<&[u8]> = stream.chunks(1).collect();
        assert_eq!(frames(&bytes, Limits::DEFAULT), (expected.clone(), None));
        for i in 0..=stream.len() {
            for j in i..=stream.len() {
                let chunks = [&stream[..i], &stream[i..j], &stream[j..]];
                assert_eq!(run::<1024>(&chunks, Limits::DEFAULT), (expected.clone(), None), "{i} {j}");
            }
        }
    }

    #[test]
    fn rfc3261_18_3_coalesced_messages_in_one_chunk() {
        let stream = cat(&[M2, M1, M2, M2]);
        let (f, e) = whole(&stream);
        assert_eq!(e, None);
        assert_eq!(f.len(), 4);
        assert_eq!(f[1], Frame::Message(M1.to_vec()));
        // Borrowed frames come straight out of the buffer.
        let mut d = StreamDeframer::new([0u8; 2048], Limits::DEFAULT);
        assert_eq!(d.push(&stream), stream.len());
        let mut n = 0;
        while let Some(Ok(Frame::Message(m))) = d.poll() {
            assert!(m == M1 || m == M2);
            n += 1;
        }
        assert_eq!((n, d.buffered()), (4, 0));
    }

    #[test]
    fn rfc3261_7_5_leading_crlfs_not_part_of_message() {
        // An odd number of CRLFs: pings, then a pong (decided by the start
        // line that follows), then the message without them.
        let stream = cat(&[b"\r\n\r\n\r\n", M2]);
        assert_eq!(whole(&stream), (vec![Frame::Ping, Frame::Pong, Frame::Message(M2.to_vec())], None));
        // Bare LF counts as a line end; a stray CR is dropped.
        let stream = cat(&[b"\n\r", M2]);
        assert_eq!(whole(&stream), (vec![Frame::Pong, Frame::Message(M2.to_vec())], None));
    }

    #[test]
    fn rfc5626_4_4_1_ping_pong() {
        assert_eq!((PING, PONG), (&b"\r\n\r\n"[..], &b"\r\n"[..]));
        // Server side: a ping is reported as soon as it is complete, even
        // split, so it can be answered at once.
        let mut d = StreamDeframer::new([0u8; 64], Limits::DEFAULT);
        d.push(b"\r\n\r");
        assert_eq!(d.poll(), None);
        d.push(b"\n");
        assert_eq!(d.poll(), Some(Ok(Frame::Ping)));
        assert_eq!(d.poll(), None);
        // A lone CRLF stays undecided until the next octet...
        d.push(PONG);
        assert_eq!(d.poll(), None);
        d.push(b"\r\n");
        assert_eq!(d.poll(), Some(Ok(Frame::Ping)), "...which may complete a ping");
        // Client side: after ping_sent, the pong is reported at once.
        d.ping_sent();
        assert!(d.expecting_pong());
        d.push(PONG);
        assert_eq!(d.poll(), Some(Ok(Frame::Pong)));
        assert!(!d.expecting_pong());
        // A CRLF held undecided becomes the awaited pong when announced late.
        d.push(PONG);
        assert_eq!(d.poll(), None);
        d.ping_sent();
        assert_eq!(d.poll(), Some(Ok(Frame::Pong)));
        assert_eq!(d.poll(), None);
        assert_eq!(d.buffered(), 0);
    }

    #[test]
    fn rfc5626_4_4_1_pong_on_bytes_deframer() {
        let mut d = BytesDeframer::new(Limits::DEFAULT);
        d.ping_sent();
        d.push(b"\r\n");
        assert_eq!(d.poll(), Some(Ok(Frame::Pong)));
        d.push(M2);
        let Some(Ok(Frame::Message(m))) = d.poll() else { panic!() };
        // The frame is owned and outlives further input.
        d.push(M1);
        assert_eq!(&m[..], M2);
        assert_eq!(d.poll().and_then(|f| f.ok()).and_then(Frame::message).as_deref(), Some(M1));
    }

    #[test]
    fn rfc4475_3_1_2_2_clerr_waits_on_stream() {
        let clerr = include_bytes!("../../tests/corpus/rfc4475/clerr.dat");
        let mut d = StreamDeframer::new([0u8; 16384], Limits::DEFAULT);
        assert_eq!(d.push(clerr), clerr.len());
        assert_eq!(d.poll(), None, "body shorter than Content-Length: wait");
        assert_eq!(d.error(), None);
        assert_eq!(d.buffered(), clerr.len());
    }

    #[test]
    fn rfc3261_18_3_missing_content_length_is_fatal() {
        let msg = b"OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\nOPTIONS sip:a@b SIP/2.0\r\n";
        let (f, e) = whole(msg);
        assert!(f.is_empty());
        assert_eq!(e, Some(FramingError::MissingContentLength));
        assert_eq!(e.unwrap().status(), StatusCode::BAD_REQUEST);
        // After the error nothing more is framed or accepted.
        let mut d = StreamDeframer::new([0u8; 256], Limits::DEFAULT);
        d.push(msg);
        assert_eq!(d.poll(), Some(Err(FramingError::MissingContentLength)));
        assert_eq!(d.poll(), None);
        assert_eq!(d.push(M2), 0);
        assert!(d.write_buf().is_empty());
    }

    #[test]
    fn rfc4475_3_3_9_mcl01_duplicate_content_length_is_fatal() {
        let mcl = include_bytes!("../../tests/corpus/rfc4475/mcl01.dat");
        assert_eq!(whole(mcl).1, Some(FramingError::DuplicateContentLength));
        // Long and compact forms count as the same header.
        let m = b"SIP/2.0 200 OK\r\nContent-Length: 0\r\nL: 0\r\n\r\n";
        assert_eq!(whole(m).1, Some(FramingError::DuplicateContentLength));
    }

    #[test]
    fn rfc4475_3_1_2_3_ncl_negative_content_length_is_fatal() {
        let ncl = include_bytes!("../../tests/corpus/rfc4475/ncl.dat");
        let (f, e) = whole(ncl);
        assert!(f.is_empty());
        assert_eq!(e, Some(FramingError::InvalidContentLength));
        for bad in [&b"abc"[..], b"", b"1 2", b"0x10", b"+5"] {
            let m = cat(&[b"SIP/2.0 200 OK\r\nContent-Length:", bad, b"\r\n\r\n"]);
            assert_eq!(whole(&m).1, Some(FramingError::InvalidContentLength), "{bad:?}");
        }
    }

    #[test]
    fn rfc3261_18_3_huge_content_length_refused_before_body() {
        let head = b"SIP/2.0 200 OK\r\nContent-Length: 4294967296000\r\n\r\n";
        let mut d = StreamDeframer::new([0u8; 256], Limits::DEFAULT);
        d.push(head);
        let e = d.poll().unwrap().unwrap_err();
        assert!(matches!(e, FramingError::MessageTooLarge { limit: 256, .. }), "{e:?}");
        assert_eq!(e.status(), StatusCode::MESSAGE_TOO_LARGE);
        // The limit counts head and body, and is checked with no body yet.
        let limits = Limits { max_message_size: 100, ..Limits::DEFAULT };
        let head = b"SIP/2.0 200 OK\r\nContent-Length: 63\r\n\r\n";
        assert_eq!(head.len(), 38);
        assert_eq!(frames(&[head], limits).1, Some(FramingError::MessageTooLarge { size: 101, limit: 100 }));
        let (f, e) = frames(&[head, &[b'x'; 63]], Limits { max_message_size: 101, ..limits });
        assert_eq!((f.len(), e), (1, None));
        // Beyond u64: saturated.
        let m = b"SIP/2.0 200 OK\r\nl: 99999999999999999999999999\r\n\r\n";
        let e = frames(&[m], Limits { max_message_size: 1000, ..limits }).1;
        assert_eq!(e, Some(FramingError::MessageTooLarge { size: u64::MAX, limit: 1000 }));
    }

    #[test]
    fn rfc3261_18_3_header_section_over_limit() {
        let limits = Limits { max_header_section: 64, ..Limits::DEFAULT };
        let mut long = Vec::from(&b"SIP/2.0 200 OK\r\nX-Pad: "[..]);
        long.resize(200, b'a');
        // Detected without the empty line ever arriving, split or not.
        for i in 0..long.len() {
            let (a, b) = long.split_at(i);
            let e = frames(&[a, b], limits).1;
            assert_eq!(e, Some(FramingError::HeaderSectionTooLarge { limit: 64 }), "split {i}");
        }
        // Many short lines, also over the limit.
        let lines =
            b"SIP/2.0 200 OK\r\nA: 1\r\nA: 1\r\nA: 1\r\nA: 1\r\nA: 1\r\nA: 1\r\nA: 1\r\nA: 1\r\nA: 1\r\n";
        assert_eq!(frames(&[lines], limits).1, Some(FramingError::HeaderSectionTooLarge { limit: 64 }));
        assert_eq!(FramingError::HeaderSectionTooLarge { limit: 64 }.status(), StatusCode::MESSAGE_TOO_LARGE);
        // Exactly at the limit is fine.
        let mut exact = Vec::from(&b"SIP/2.0 200 OK\r\nl: 0\r\nX: "[..]);
        exact.resize(64 - 4, b'b');
        exact.extend_from_slice(b"\r\n\r\n");
        assert_eq!(frames(&[&exact], limits), (vec![Frame::Message(exact.clone())], None));
    }

    #[test]
    fn rfc3261_7_3_1_folded_lines_are_not_header_names() {
        // A continuation line that looks like a Content-Length header is
        // part of the field above it.
        let m = b"SIP/2.0 200 OK\r\nSubject: a\r\n Content-Length: 99\r\nContent-Length: 3\r\n\r\nabc";
        assert_eq!(whole(m), (vec![Frame::Message(m.to_vec())], None));
        // A folded Content-Length value is read whole.
        let m = b"SIP/2.0 200 OK\r\nContent-Length:\r\n  3\r\n\r\nabc";
        assert_eq!(whole(m), (vec![Frame::Message(m.to_vec())], None));
        let m = b"SIP/2.0 200 OK\r\nContent-Length: 1\r\n 2\r\n\r\nabc";
        assert_eq!(whole(m).1, Some(FramingError::InvalidContentLength));
    }

    #[test]
    fn rfc3261_7_bare_lf_line_ends_accepted() {
        let m = b"SIP/2.0 200 OK\nContent-Length: 2\n\nok";
        assert_eq!(whole(m), (vec![Frame::Message(m.to_vec())], None));
        let m = b"SIP/2.0 200 OK\r\nCONTENT-length \t: 2\r\n\nok";
        assert_eq!(whole(m), (vec![Frame::Message(m.to_vec())], None));
    }

    #[test]
    fn no_alloc_buffer_full_refuses_and_resumes() {
        // A buffer just big enough for the larger message: pushes are
        // partial, the rest is taken after polling.
        let stream = cat(&[M1, M2, M1]);
        let expected =
            vec![Frame::Message(M1.to_vec()), Frame::Message(M2.to_vec()), Frame::Message(M1.to_vec())];
        const N: usize = 512;
        assert!(M1.len() <= N && M1.len() + M2.len() > N);
        assert_eq!(run::<N>(&[&stream], Limits::DEFAULT), (expected.clone(), None));
        for i in 0..stream.len() {
            let (a, b) = stream.split_at(i);
            assert_eq!(run::<N>(&[a, b], Limits::DEFAULT), (expected.clone(), None), "{i}");
        }
        let mut d = StreamDeframer::new([0u8; N], Limits::DEFAULT);
        assert_eq!(d.push(&stream), N, "refuses more than the free space");
        assert_eq!(d.push(b"x"), 0);
        // A message that cannot fit the buffer is an error, not a stall.
        let mut d = StreamDeframer::new([0u8; 64], Limits::DEFAULT);
        assert_eq!(d.push(M2), 64);
        assert_eq!(d.poll(), Some(Err(FramingError::HeaderSectionTooLarge { limit: 64 })));
        let mut d = StreamDeframer::new([0u8; 64], Limits::DEFAULT);
        d.push(b"SIP/2.0 200 OK\r\nl: 40\r\n\r\n");
        assert_eq!(d.poll(), Some(Err(FramingError::MessageTooLarge { size: 65, limit: 64 })));
    }

    #[test]
    fn write_buf_and_commit_read_in_place() {
        let mut storage = [0u8; 1024];
        let mut d = StreamDeframer::new(&mut storage[..], Limits::DEFAULT);
        let stream = cat(&[M2, M2, M2]);
        let mut got = 0;
        for chunk in stream.chunks(100) {
            let w = d.write_buf();
            w[..chunk.len()].copy_from_slice(chunk);
            d.commit(chunk.len());
            while let Some(f) = d.poll() {
                assert_eq!(f, Ok(Frame::Message(M2)));
                got += 1;
            }
        }
        assert_eq!(got, 3);
    }

    /// Any input, split anywhere, gives the same frames and the same error
    /// as when fed whole; nothing panics.
    #[test]
    fn rfc3261_18_3_chunking_never_changes_frames_quickcheck() {
        const TOKENS: [&[u8]; 14] = [
            b"\r\n",
            b"\n",
            b"\r",
            b"SIP/2.0 200 OK",
            b"l: 3",
            b"Content-Length : 12",
            b"X: y",
            b" ",
            b"abc",
            b":",
            b"-1",
            b"\r\n\r\n",
            b"l:\r\n 1",
            b"99999999999",
        ];
        fn prop(picks: Vec<u8>, splits: Vec<usize>) -> bool {
            let stream: Vec<u8> =
                picks.iter().flat_map(|&p| TOKENS[p as usize % TOKENS.len()].iter().copied()).collect();
            let limits = Limits { max_header_section: 64, max_message_size: 128, ..Limits::DEFAULT };
            let reference = run_bytes(&[&stream], limits);
            let mut cuts: Vec<usize> = splits.iter().map(|&s| s % (stream.len() + 1)).collect();
            cuts.sort_unstable();
            let mut chunks = Vec::new();
            let mut at = 0;
            for c in cuts {
                chunks.push(&stream[at..c]);
                at = c;
            }
            chunks.push(&stream[at..]);
            let bytes: Vec<&[u8]> = stream.chunks(1).collect();
            run_bytes(&chunks, limits) == reference
                && run::<256>(&chunks, limits) == reference
                && run::<256>(&bytes, limits) == reference
        }
        quickcheck::QuickCheck::new().tests(2000).quickcheck(prop as fn(Vec<u8>, Vec<usize>) -> bool);
    }
}
