//! [`MessageEdit`]: changing a parsed message without re-encoding what is
//! not changed.

use alloc::vec::Vec;

use super::field::{FieldName, Key, push_value, valid_request_uri, write_field};
use super::sink::{Sink, SinkError, put_folded, put_uint};
use super::{BuildError, OwnedMessage};
use crate::message::headers::parse_max_forwards;
use crate::message::{HeaderName, Message, lex};

/// Bytes of a field name or value: in the message's buffer, or in the
/// editor's own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Src {
    Msg(usize, usize),
    Arena(usize, usize),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Item {
    /// Field `i` of the message, written as its original line.
    Orig(usize),
    /// A new or changed field, written `Name: value`.
    New { kind: HeaderName, raw_name: Src, value: Src },
}

/// Edits a parsed message the way a proxy changes a request before
/// forwarding it (RFC 3261 §16.6), and writes the result.
///
/// Fields the edit does not touch are written as the bytes of their
/// original lines: name as received (compact, odd case), separator and
/// value verbatim, so a header this crate does not understand, or cannot
/// parse, passes through unchanged (§16.6 step 1: the proxy copies what it
/// does not act on). Only fields an operation changes are written anew, in
/// canonical form, and Content-Length when the body changes. Line breaks
/// are always written as CRLF. Each operation is linear in the number of
/// fields; writing is linear in the message size.
///
/// Content-Length belongs to the editor: the received one is kept while
/// the body is, replaced when [`set_body`](Self::set_body) changes it, and
/// added if the message had none (it is mandatory on stream transports,
/// §18.3); Content-Length fields set through the editor are ignored.
///
/// ```
/// use sip_proto::message::builder::MessageEdit;
/// use sip_proto::message::{HeaderName, Message};
///
/// // A response is used here; a request is edited the same way.
/// let bytes = b"SIP/2.0 200 OK\r\n\
/// v: SIP/2.0/UDP b.example.com;branch=z9hG4bK2, SIP/2.0/UDP a.example.com;branch=z9hG4bK1\r\n\
/// Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\n\
/// X-Weird :  <<<\r\n\
/// Content-Length: 0\r\n\r\n";
/// let msg = Message::parse(bytes)?;
/// let mut edit = MessageEdit::new(&msg);
/// edit.remove_first_value(HeaderName::Via); // §16.7 step 3: pop our own Via
/// edit.append_header("Warning", "399 p.example.com \"edited\"")?;
/// assert_eq!(
///     edit.to_vec(),
///     b"SIP/2.0 200 OK\r\n\
/// Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\r\n\
/// Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\n\
/// X-Weird :  <<<\r\n\
/// Content-Length: 0\r\n\
/// Warning: 399 p.example.com \"edited\"\r\n\r\n"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct MessageEdit<'m, 'a> {
    msg: &'m Message<'a>,
    items: Vec<Item>,
    arena: Vec<u8>,
    uri: Option<Src>,
    body: Option<Src>,
}

impl<'m, 'a> MessageEdit<'m, 'a> {
    /// Starts an edit of `msg` with nothing changed.
    pub fn new(msg: &'m Message<'a>) -> Self {
        MessageEdit {
            msg,
            items: (0..msg.index.len()).map(Item::Orig).collect(),
            arena: Vec::new(),
            uri: None,
            body: None,
        }
    }

    /// The message being edited, as parsed.
    pub fn original(&self) -> &'m Message<'a> {
        self.msg
    }

    fn bytes(&self, s: Src) -> &[u8] {
        match s {
            Src::Msg(a, b) => self.msg.buf.get(a..b).unwrap_or_default(),
            Src::Arena(a, b) => &self.arena[a..b],
        }
    }

    fn kind(&self, item: Item) -> HeaderName {
        match item {
            Item::Orig(i) => self.msg.index[i].name,
            Item::New { kind, .. } => kind,
        }
    }

    fn raw_name(&self, item: Item) -> Src {
        match item {
            Item::Orig(i) => {
                let e = &self.msg.index[i];
                let s = usize::from(e.line_start);
                Src::Msg(s, s + usize::from(e.name_len))
            }
            Item::New { raw_name, .. } => raw_name,
        }
    }

    fn value(&self, item: Item) -> Src {
        match item {
            Item::Orig(i) => {
                let e = &self.msg.index[i];
                Src::Msg(usize::from(e.value_start), usize::from(e.value_end))
            }
            Item::New { value, .. } => value,
        }
    }

    fn position(&self, key: Key<'_>) -> Option<usize> {
        self.items.iter().position(|&it| key.matches(self.kind(it), self.bytes(self.raw_name(it))))
    }

    fn push_arena(&mut self, b: &[u8]) -> Src {
        let start = self.arena.len();
        self.arena.extend_from_slice(b);
        Src::Arena(start, self.arena.len())
    }

    /// A new field from user input (name resolved, value checked).
    fn new_item(&mut self, name: FieldName<'_>, value: &[u8]) -> Result<Item, BuildError> {
        let key = name.resolve()?;
        let raw_name = self.push_arena(key.raw);
        let start = self.arena.len();
        if let Err(e) = push_value(&mut self.arena, key.kind, value) {
            self.arena.truncate(start);
            return Err(e);
        }
        Ok(Item::New { kind: key.kind, raw_name, value: Src::Arena(start, self.arena.len()) })
    }

    /// True if `item` and `new` name the same header.
    fn same_name(&self, item: Item, new: Item) -> bool {
        let kind = self.kind(new);
        self.kind(item) == kind
            && (kind != HeaderName::Other
                || lex::eq_ic(self.bytes(self.raw_name(item)), self.bytes(self.raw_name(new))))
    }

    /// Replaces the Request-URI (RFC 3261 §16.6 step 2, §16.5). The method
    /// and version are kept as received.
    pub fn set_request_uri(&mut self, uri: &str) -> Result<&mut Self, BuildError> {
        if !self.msg.is_request() {
            return Err(BuildError::NotARequest);
        }
        if !valid_request_uri(uri.as_bytes()) {
            return Err(BuildError::InvalidRequestUri);
        }
        self.uri = Some(self.push_arena(uri.as_bytes()));
        Ok(self)
    }

    /// Adds a Via field above all others (RFC 3261 §16.6 step 8), e.g.
    /// `"SIP/2.0/UDP p1.example.com;branch=z9hG4bK4b43c2ff8.1"`.
    pub fn push_via_top(&mut self, value: &str) -> Result<&mut Self, BuildError> {
        self.insert_before(HeaderName::Via, HeaderName::Via, value)
    }

    /// Inserts a field right before the first field named `anchor`, or
    /// after the last field if there is none.
    pub fn insert_before<'n, 'k>(
        &mut self,
        anchor: impl Into<FieldName<'k>>,
        name: impl Into<FieldName<'n>>,
        value: &str,
    ) -> Result<&mut Self, BuildError> {
        let anchor = anchor.into().resolve()?;
        let item = self.new_item(name.into(), value.as_bytes())?;
        let at = self.position(anchor).unwrap_or(self.items.len());
        self.items.insert(at, item);
        Ok(self)
    }

    /// Appends a field after the last one (RFC 3261 §16.6 step 5 appends a
    /// Record-Route this way when there is none, for instance).
    pub fn append_header<'n>(
        &mut self,
        name: impl Into<FieldName<'n>>,
        value: &str,
    ) -> Result<&mut Self, BuildError> {
        let item = self.new_item(name.into(), value.as_bytes())?;
        self.items.push(item);
        Ok(self)
    }

    /// Sets a header: the first field of that name is replaced in place,
    /// the others removed; with none, the field is appended.
    pub fn set_header<'n>(
        &mut self,
        name: impl Into<FieldName<'n>>,
        value: &str,
    ) -> Result<&mut Self, BuildError> {
        let item = self.new_item(name.into(), value.as_bytes())?;
        let Some(first) = self.items.iter().position(|&it| self.same_name(it, item)) else {
            self.items.push(item);
            return Ok(self);
        };
        let mut items = core::mem::take(&mut self.items);
        let mut k = 0;
        items.retain(|&it| {
            k += 1;
            k - 1 <= first || !self.same_name(it, item)
        });
        items[first] = item;
        self.items = items;
        Ok(self)
    }

    /// Removes the first field named `name`, whole. Returns false if there
    /// was none (or the name is not a token).
    pub fn remove_first<'n>(&mut self, name: impl Into<FieldName<'n>>) -> bool {
        let Ok(key) = name.into().resolve() else {
            return false;
        };
        match self.position(key) {
            Some(i) => {
                self.items.remove(i);
                true
            }
            None => false,
        }
    }

    /// Removes the first value of the first field named `name`: from
    /// `Route: <sip:a;lr>, <sip:b;lr>` it leaves `Route: <sip:b;lr>`
    /// (RFC 3261 §16.4, §16.12: a proxy pops the Route value naming it;
    /// §16.7 step 3: the Via it added). A field with one value is removed
    /// whole; so is any field of a header that is not a list (RFC 3261
    /// §7.3.1). Headers this crate does not know are split at top-level
    /// commas as asked. Returns false if there was no such field.
    ///
    /// Only this field is rewritten; the remaining values are copied
    /// byte-exact.
    pub fn remove_first_value<'n>(&mut self, name: impl Into<FieldName<'n>>) -> bool {
        let Ok(key) = name.into().resolve() else {
            return false;
        };
        let Some(i) = self.position(key) else {
            return false;
        };
        let item = self.items[i];
        let kind = self.kind(item);
        let (src, v) = {
            let src = self.value(item);
            (src, self.bytes(src))
        };
        let comma = lex::find_top_level_comma(v, 0);
        let rest = lex::skip_lws(v, comma.saturating_add(1));
        if !(kind.is_list() || kind == HeaderName::Other) || comma >= v.len() || rest >= v.len() {
            self.items.remove(i);
            return true;
        }
        let value = match src {
            Src::Msg(a, b) => Src::Msg(a + rest, b),
            Src::Arena(a, b) => Src::Arena(a + rest, b),
        };
        let raw_name = if kind == HeaderName::Other { self.raw_name(item) } else { Src::Arena(0, 0) };
        self.items[i] = Item::New { kind, raw_name, value };
        true
    }

    /// Removes every field named `name`; returns how many.
    pub fn remove_all<'n>(&mut self, name: impl Into<FieldName<'n>>) -> usize {
        let Ok(key) = name.into().resolve() else {
            return 0;
        };
        let before = self.items.len();
        let mut items = core::mem::take(&mut self.items);
        items.retain(|&it| !key.matches(self.kind(it), self.bytes(self.raw_name(it))));
        self.items = items;
        before - self.items.len()
    }

    /// RFC 3261 §16.6 step 3: decrements Max-Forwards by one, or adds
    /// `Max-Forwards: 70` (after the Via fields) if there is none. Returns
    /// the new value.
    ///
    /// Fails with [`BuildError::MaxForwardsExhausted`] if it is already 0
    /// (the proxy answers 483 Too Many Hops instead, §16.3 step 2), and
    /// with [`BuildError::InvalidHeaderValue`] if it is not a number 0-255.
    pub fn decrement_max_forwards(&mut self) -> Result<u8, BuildError> {
        let key = Key { kind: HeaderName::MaxForwards, raw: &[] };
        let Some(i) = self.position(key) else {
            let item = self.new_item(HeaderName::MaxForwards.into(), b"70")?;
            let at = self.items.iter().rposition(|&it| self.kind(it) == HeaderName::Via).map_or(0, |p| p + 1);
            self.items.insert(at, item);
            return Ok(70);
        };
        let item = self.items[i];
        let n = parse_max_forwards(self.bytes(self.value(item)))
            .map_err(|_| BuildError::InvalidHeaderValue(HeaderName::MaxForwards))?;
        let n = n.checked_sub(1).ok_or(BuildError::MaxForwardsExhausted)?;
        let start = self.arena.len();
        let _ = put_uint(&mut self.arena, u64::from(n));
        let value = Src::Arena(start, self.arena.len());
        self.items[i] = Item::New { kind: HeaderName::MaxForwards, raw_name: Src::Arena(0, 0), value };
        Ok(n)
    }

    /// Replaces the body. With `Some(content_type)` Content-Type is set to
    /// it; with `None` Content-Type is removed (use `None` for an empty
    /// body). Content-Length is recomputed.
    pub fn set_body(&mut self, body: &[u8], content_type: Option<&str>) -> Result<&mut Self, BuildError> {
        match content_type {
            Some(ct) => {
                self.set_header(HeaderName::ContentType, ct)?;
            }
            None => {
                self.remove_all(HeaderName::ContentType);
            }
        }
        self.body = Some(self.push_arena(body));
        Ok(self)
    }

    /// The start line as received, without leading CRLFs or its line end.
    fn start_line(&self) -> &'a [u8] {
        let head = self.msg.head();
        let from = head.iter().position(|&c| c != b'\r' && c != b'\n').unwrap_or(head.len());
        let line = &head[from..];
        let end = memchr::memchr2(b'\r', b'\n', line).unwrap_or(line.len());
        &line[..end]
    }

    /// Writes the edited message into `out`.
    pub fn write_to<S: Sink + ?Sized>(&self, out: &mut S) -> Result<(), SinkError> {
        let line = self.start_line();
        match self.uri {
            Some(uri) => {
                // Method SP Request-URI SP SIP-Version: the parser checked
                // there are exactly two SPs.
                let sp1 = memchr::memchr(b' ', line).unwrap_or(line.len());
                let sp2 = memchr::memrchr(b' ', line).unwrap_or(line.len());
                out.put(&line[..sp1])?;
                out.put(b" ")?;
                out.put(self.bytes(uri))?;
                out.put(&line[sp2..])?;
            }
            None => out.put(line)?,
        }
        out.put(b"\r\n")?;
        let body = match self.body {
            Some(b) => self.bytes(b),
            None => self.msg.body(),
        };
        let mut kept_length = false;
        for &item in &self.items {
            match item {
                Item::Orig(i) => {
                    let e = &self.msg.index[i];
                    if e.name == HeaderName::ContentLength {
                        if self.body.is_some() {
                            continue;
                        }
                        kept_length = true;
                    }
                    let line = self.bytes(Src::Msg(usize::from(e.line_start), usize::from(e.value_end)));
                    // A line of a message without folds holds no line
                    // break: copied without looking for one.
                    if self.msg.has_folds() {
                        put_folded(out, line)?;
                    } else {
                        out.put(line)?;
                    }
                    out.put(b"\r\n")?;
                }
                Item::New { kind: HeaderName::ContentLength, .. } => {}
                Item::New { kind, raw_name, value } => {
                    // An added value may come from anywhere: looked at.
                    write_field(out, kind, self.bytes(raw_name), self.bytes(value), true)?;
                }
            }
        }
        if !kept_length {
            out.put(b"Content-Length: ")?;
            put_uint(out, body.len() as u64)?;
            out.put(b"\r\n")?;
        }
        out.put(b"\r\n")?;
        out.put(body)
    }

    /// The edited message in a new buffer.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.msg.as_bytes().len() + self.arena.len() + 32);
        // Writing to a Vec cannot fail.
        let _ = self.write_to(&mut out);
        out
    }

    /// The edited message as an [`OwnedMessage`].
    pub fn into_owned(self) -> OwnedMessage {
        OwnedMessage::from_vec(self.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::builder::SliceSink;

    /// A request as a proxy receives it: compact names, odd spacing, a
    /// fold, headers we do not know or cannot parse.
    const REQUEST: &[u8] = b"INVITE sip:bob@biloxi.example.com SIP/2.0\r\n\
v: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8\r\n\
Route: <sip:p1.example.com;lr>,\r\n <sip:p2.example.com;lr>\r\n\
max-forwards:10\r\n\
To :Bob <sip:bob@biloxi.example.com>\r\n\
f: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
i: a84b4c76e66710\r\n\
CSeq: 314159 INVITE\r\n\
X-Bad: <<<\r\n\
P-Unknown:   spaced   out\r\n\
Subject: one\r\n\ttwo\r\n\
Contact: <sip:alice@pc33.atlanta.example.com>\r\n\
c: application/sdp\r\n\
l: 5\r\n\
\r\n\
v=0\r\n";

    #[test]
    fn rfc3261_16_6_proxy_edits_keep_other_headers_byte_exact() {
        let msg = Message::parse(REQUEST).unwrap();
        let mut e = MessageEdit::new(&msg);
        // §16.4: the top Route names this proxy; pop it.
        assert!(e.remove_first_value(HeaderName::Route));
        // §16.6 step 2: new target.
        e.set_request_uri("sip:bob@192.0.2.4:5060").unwrap();
        // Step 3.
        assert_eq!(e.decrement_max_forwards(), Ok(9));
        // Step 4: Record-Route.
        e.insert_before(HeaderName::Route, HeaderName::RecordRoute, "<sip:p1.example.com;lr>").unwrap();
        // Step 8: our Via on top.
        e.push_via_top("SIP/2.0/UDP p1.example.com;branch=z9hG4bK4b43c2ff8.1").unwrap();
        let out = e.to_vec();
        assert_eq!(
            core::str::from_utf8(&out).unwrap(),
            "INVITE sip:bob@192.0.2.4:5060 SIP/2.0\r\n\
Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bK4b43c2ff8.1\r\n\
v: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8\r\n\
Record-Route: <sip:p1.example.com;lr>\r\n\
Route: <sip:p2.example.com;lr>\r\n\
Max-Forwards: 9\r\n\
To :Bob <sip:bob@biloxi.example.com>\r\n\
f: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
i: a84b4c76e66710\r\n\
CSeq: 314159 INVITE\r\n\
X-Bad: <<<\r\n\
P-Unknown:   spaced   out\r\n\
Subject: one\r\n\ttwo\r\n\
Contact: <sip:alice@pc33.atlanta.example.com>\r\n\
c: application/sdp\r\n\
l: 5\r\n\
\r\n\
v=0\r\n"
        );
        let fwd = Message::parse(&out).unwrap();
        assert_eq!(fwd.request().unwrap().raw_uri, b"sip:bob@192.0.2.4:5060");
        assert_eq!(fwd.max_forwards(), Some(9));
        assert_eq!(fwd.header_field_count(HeaderName::Via), 2);
        assert_eq!(fwd.header_by_name("X-Bad").next(), Some(&b"<<<"[..]));
        assert_eq!(fwd.body(), b"v=0\r\n");
        // Every untouched field has the same value after the edit.
        for n in [HeaderName::To, HeaderName::From, HeaderName::CallId, HeaderName::CSeq, HeaderName::Subject]
        {
            assert_eq!(fwd.header(n), msg.header(n), "{n:?}");
        }
    }

    #[test]
    fn rfc3261_16_12_pop_route_values_one_at_a_time() {
        let msg = Message::parse(REQUEST).unwrap();
        let mut e = MessageEdit::new(&msg);
        assert!(e.remove_first_value("Route"));
        let out = e.to_vec();
        let fwd = Message::parse(&out).unwrap();
        let routes: Vec<_> = fwd.header_values(HeaderName::Route).collect();
        assert_eq!(routes, [&b"<sip:p2.example.com;lr>"[..]]);
        // Popping the last value removes the field.
        assert!(e.remove_first_value(HeaderName::Route));
        assert!(!e.remove_first_value(HeaderName::Route));
        let out = e.to_vec();
        assert_eq!(Message::parse(&out).unwrap().header(HeaderName::Route), None);
        // Nothing else moved.
        let untouched = |b: &[u8]| {
            let s = core::str::from_utf8(b).unwrap();
            s.lines().filter(|l| !l.starts_with("Route") && !l.starts_with(" <sip:p2")).count()
        };
        assert_eq!(untouched(&out), untouched(REQUEST));
    }

    #[test]
    fn rfc3261_16_6_step3_max_forwards_decrement() {
        let msg = Message::parse(REQUEST).unwrap();
        let mut e = MessageEdit::new(&msg);
        for expect in (0..10).rev() {
            assert_eq!(e.decrement_max_forwards(), Ok(expect));
        }
        // §16.3 step 2: at zero the proxy answers 483 instead.
        assert_eq!(e.decrement_max_forwards(), Err(BuildError::MaxForwardsExhausted));
        assert_eq!(Message::parse(&e.to_vec()).unwrap().max_forwards(), Some(0));

        // Absent: add 70, after the Via fields.
        let mut e = MessageEdit::new(&msg);
        e.remove_all(HeaderName::MaxForwards);
        assert_eq!(e.decrement_max_forwards(), Ok(70));
        let out = e.to_vec();
        let text = core::str::from_utf8(&out).unwrap();
        assert!(text.contains("branch=z9hG4bKnashds8\r\nMax-Forwards: 70\r\nRoute:"));
    }

    #[test]
    fn rfc3261_16_6_request_uri_must_be_safe() {
        let msg = Message::parse(REQUEST).unwrap();
        let mut e = MessageEdit::new(&msg);
        assert_eq!(e.set_request_uri("sip:a SIP/2.0\r\nX: y").err(), Some(BuildError::InvalidRequestUri));
        assert_eq!(e.set_request_uri("").err(), Some(BuildError::InvalidRequestUri));
        assert_eq!(e.set_request_uri("no-scheme").err(), Some(BuildError::InvalidRequestUri));
        assert_eq!(e.to_vec(), msg.as_bytes());
    }

    const RESPONSE: &[u8] = b"SIP/2.0 180 Ringing\r\n\
Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bK1, SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK0\r\n\
t: <sip:bob@biloxi.example.com>;tag=8321234356\r\n\
From: <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n\
Call-ID: 3848276298220188511@atlanta.example.com\r\n\
CSeq: 1 INVITE\r\n\
X-Bad: <<<\r\n\
X-List: a, \"b,c\", d\r\n\
Record-Route: <sip:p2.example.com;lr>\r\n\
Record-Route: <sip:p1.example.com;lr>\r\n\
Content-Length: 0\r\n\
\r\n";

    #[test]
    fn rfc3261_16_6_no_edit_writes_the_message_unchanged() {
        let msg = Message::parse(RESPONSE).unwrap();
        assert_eq!(MessageEdit::new(&msg).to_vec(), RESPONSE);
        assert_eq!(MessageEdit::new(&msg).into_owned().as_bytes(), RESPONSE);
    }

    #[test]
    fn rfc3261_16_7_step3_pop_own_via_from_a_comma_list() {
        let msg = Message::parse(RESPONSE).unwrap();
        let mut e = MessageEdit::new(&msg);
        assert!(e.remove_first_value(HeaderName::Via));
        let out = e.to_vec();
        let expected = core::str::from_utf8(RESPONSE).unwrap().replace(
            "Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bK1, SIP/2.0/UDP pc33",
            "Via: SIP/2.0/UDP pc33",
        );
        assert_eq!(core::str::from_utf8(&out).unwrap(), expected);
        assert!(e.remove_first_value(HeaderName::Via));
        assert_eq!(Message::parse(&e.to_vec()).unwrap().header(HeaderName::Via), None);
    }

    #[test]
    fn rfc3261_7_3_1_unknown_headers_split_only_at_top_level_commas() {
        let msg = Message::parse(RESPONSE).unwrap();
        let mut e = MessageEdit::new(&msg);
        assert!(e.remove_first_value("x-list"));
        assert!(e.to_vec().windows(18).any(|w| w == b"X-List: \"b,c\", d\r\n"));
        assert!(e.remove_first_value("X-List"));
        assert!(e.to_vec().windows(11).any(|w| w == b"X-List: d\r\n"));
        // A header that is not a list loses the whole field.
        assert!(e.remove_first_value(HeaderName::CallId));
        assert_eq!(Message::parse(&e.to_vec()).unwrap().header(HeaderName::CallId), None);
    }

    #[test]
    fn rfc3261_18_3_content_length_fixed_when_body_changes() {
        let msg = Message::parse(RESPONSE).unwrap();
        let mut e = MessageEdit::new(&msg);
        e.set_body(b"v=0\r\n", Some("application/sdp")).unwrap();
        // A Content-Length set by hand is ignored.
        e.append_header("l", "99").unwrap();
        let out = e.to_vec();
        let m = Message::parse(&out).unwrap();
        assert_eq!(m.content_length(), Some(5));
        assert_eq!(m.header_field_count(HeaderName::ContentLength), 1);
        assert_eq!(m.body(), b"v=0\r\n");
        assert_eq!(m.header(HeaderName::ContentType), Some(&b"application/sdp"[..]));
        assert_eq!(m.header_by_name("X-Bad").next(), Some(&b"<<<"[..]));
        // Back to no body.
        e.set_body(b"", None).unwrap();
        let out = e.to_vec();
        let m = Message::parse(&out).unwrap();
        assert_eq!(
            (m.content_length(), m.header(HeaderName::ContentType), m.body()),
            (Some(0), None, &b""[..])
        );
    }

    #[test]
    fn rfc3261_18_3_content_length_added_when_missing() {
        let src = b"SIP/2.0 200 OK\r\nCall-ID: x\r\nX-A: 1\r\n\r\nab";
        let msg = Message::parse(src).unwrap();
        let out = MessageEdit::new(&msg).to_vec();
        assert_eq!(out, b"SIP/2.0 200 OK\r\nCall-ID: x\r\nX-A: 1\r\nContent-Length: 2\r\n\r\nab");
    }

    #[test]
    fn set_header_replaces_in_place_and_removes_the_rest() {
        let msg = Message::parse(RESPONSE).unwrap();
        let mut e = MessageEdit::new(&msg);
        e.set_header(HeaderName::RecordRoute, "<sip:p9.example.com;lr>").unwrap();
        e.set_header("To", "<sip:carol@chicago.example.com>;tag=1").unwrap();
        e.set_header("X-New", "fresh").unwrap();
        let out = e.to_vec();
        let expected = core::str::from_utf8(RESPONSE)
            .unwrap()
            .replace(
                "t: <sip:bob@biloxi.example.com>;tag=8321234356",
                "To: <sip:carol@chicago.example.com>;tag=1",
            )
            .replace(
                "Record-Route: <sip:p2.example.com;lr>\r\nRecord-Route: <sip:p1.example.com;lr>",
                "Record-Route: <sip:p9.example.com;lr>",
            )
            .replace("Content-Length: 0\r\n", "Content-Length: 0\r\nX-New: fresh\r\n");
        assert_eq!(core::str::from_utf8(&out).unwrap(), expected);
        assert_eq!(e.remove_all(HeaderName::RecordRoute), 1);
        assert_eq!(e.remove_all("x-new"), 1);
        assert!(e.remove_first("X-BAD"));
        assert!(!e.remove_first("X-BAD"));
        let m = e.to_vec();
        let m = Message::parse(&m).unwrap();
        assert_eq!(m.header(HeaderName::RecordRoute), None);
        assert_eq!(m.header_by_name("X-Bad").next(), None);
    }

    #[test]
    fn rfc3261_7_3_1_edit_values_cannot_inject_headers() {
        let msg = Message::parse(RESPONSE).unwrap();
        let mut e = MessageEdit::new(&msg);
        let hv = |n| Some(BuildError::InvalidHeaderValue(n));
        assert_eq!(e.push_via_top("SIP/2.0/UDP x\r\nVia: y").err(), hv(HeaderName::Via));
        assert_eq!(e.set_header("X-A", "1\n2").err(), hv(HeaderName::Other));
        assert_eq!(e.append_header("X-A: 1\r\nX-B", "2").err(), Some(BuildError::InvalidHeaderName));
        assert_eq!(e.set_body(b"", Some("a/b\r\n")).err(), hv(HeaderName::ContentType));
        assert_eq!(e.set_request_uri("sip:x").err(), Some(BuildError::NotARequest));
        assert_eq!(e.to_vec(), RESPONSE);
        // A fold is accepted and unfolded.
        e.append_header("Subject", "a\r\n b").unwrap();
        assert!(e.to_vec().windows(15).any(|w| w == b"\r\nSubject: a b\r"));
    }

    #[test]
    fn rfc3261_7_3_1_bare_lf_input_is_written_with_crlf() {
        let src = b"SIP/2.0 200 OK\nX-Fold: a,\n b\nCall-ID: x\n\n";
        let msg = Message::parse(src).unwrap();
        let out = MessageEdit::new(&msg).to_vec();
        assert_eq!(out, b"SIP/2.0 200 OK\r\nX-Fold: a,\r\n b\r\nCall-ID: x\r\nContent-Length: 0\r\n\r\n");
        assert_eq!(Message::parse(&out).unwrap().header_by_name("x-fold").next(), Some(&b"a,\r\n b"[..]));
    }

    #[test]
    fn push_via_top_and_insert_before() {
        let msg = Message::parse(RESPONSE).unwrap();
        let mut e = MessageEdit::new(&msg);
        e.push_via_top("SIP/2.0/TCP p0.example.com;branch=z9hG4bK9").unwrap();
        e.push_via_top("SIP/2.0/TCP q.example.com;branch=z9hG4bK8").unwrap();
        e.insert_before("X-Missing", "X-End", "last").unwrap();
        e.insert_before(HeaderName::CSeq, "X-Before-CSeq", "1").unwrap();
        let out = e.to_vec();
        let m = Message::parse(&out).unwrap();
        let vias: Vec<_> = m.header_values(HeaderName::Via).collect();
        assert_eq!(vias[0], b"SIP/2.0/TCP q.example.com;branch=z9hG4bK8");
        assert_eq!(vias[1], b"SIP/2.0/TCP p0.example.com;branch=z9hG4bK9");
        assert_eq!(vias.len(), 4);
        let names: Vec<_> = m.headers().map(|f| f.raw_name).collect();
        assert_eq!(names[names.len() - 1], b"X-End");
        let cseq = names.iter().position(|n| *n == b"CSeq").unwrap();
        assert_eq!(names[cseq - 1], b"X-Before-CSeq");
    }

    #[test]
    fn write_to_a_fixed_buffer() {
        let msg = Message::parse(RESPONSE).unwrap();
        let mut e = MessageEdit::new(&msg);
        e.remove_first_value(HeaderName::Via);
        let mut buf = [0u8; 1024];
        let mut sink = SliceSink::new(&mut buf);
        e.write_to(&mut sink).unwrap();
        assert_eq!(sink.written(), &e.to_vec()[..]);
        let mut small = [0u8; 32];
        assert!(e.write_to(&mut SliceSink::new(&mut small)).is_err());
        assert_eq!(e.original().as_bytes(), RESPONSE);
    }
}
