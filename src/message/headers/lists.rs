//! Token-list headers: Require, Supported, Proxy-Require, Unsupported
//! (RFC 3261 §20.32, §20.37, §20.29, §20.40), Allow (§20.5) and
//! Allow-Events (RFC 6665 §8.2.2), plus [`TypedValues`], the iterator every
//! multi-valued typed accessor of this crate returns.

use crate::message::error::ParseError;
use crate::message::lex;
use crate::message::method::Method;
use crate::message::name::HeaderName;
use crate::message::parse::{Entry, FieldSpan, Message};

/// Decodes one value of a header, given as text cut from the message's
/// once-checked header section; the name is passed so the error can say
/// which header failed.
pub type DecodeFn<'a, T> = fn(&'a str, HeaderName) -> Result<T, ParseError>;

/// Decodes one list element given as the rest of its field from the
/// element on, writing the value (or its error) into `out`, the iterator's
/// result, so a large value is built where it is returned rather than
/// built and copied. Returns where the element ends in the rest (the
/// position of its top-level `,`, or the rest's length) when the decoder
/// found it; `None` leaves the comma search to the iterator (RFC 3261
/// §7.3.1), as for an element that failed.
pub(crate) type DecodeIntoFn<'a, T> =
    fn(&'a str, HeaderName, &mut Option<Result<T, ParseError>>) -> Option<usize>;

/// Iterates the values of every field of one header kind, in message order,
/// decoding each on demand.
///
/// For list headers (RFC 3261 §7.3.1) each comma-separated element is one
/// value, so `Require: a, b` and `Require: a` + `Require: b` iterate the
/// same. For headers whose grammar uses commas inside one value
/// (WWW-Authenticate, Authorization, ...) each field is one value. At most
/// [`Limits::max_list_values`](crate::message::Limits) values are yielded.
/// A malformed value yields `Err` and iteration continues with the next one.
#[derive(Clone)]
pub struct TypedValues<'m, 'a, T> {
    msg: &'m Message<'a>,
    name: HeaderName,
    /// The index position from which the next field of `name` is looked
    /// for (a cursor: each entry is looked at once per iteration).
    field: usize,
    /// Where the search for fields stops: past the last field of `name`
    /// when the header loop recorded it ([`FieldSpan`]), else the end of
    /// the index.
    end: usize,
    /// The field whose comma list is being split, as text.
    text: &'a str,
    /// Where the next element of `text` starts; `None` once its list is
    /// done (or for headers that are not split).
    pos: Option<usize>,
    split: bool,
    left: usize,
    decode: DecodeFn<'a, T>,
    /// For list headers whose decoder ends its own element (name-addr
    /// lists, Contact): used instead of `decode`.
    decode_into: Option<DecodeIntoFn<'a, T>>,
}

impl<T> core::fmt::Debug for TypedValues<'_, '_, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TypedValues").field("name", &self.name).field("field", &self.field).finish()
    }
}

/// True for what may surround a list element inside a (folded) field.
#[inline(always)]
fn is_lws_byte(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

/// The next field named `name` in `idx` from position `*field` on: its
/// entry, with `*field` moved past it; `None`, with `*field` at the end of
/// `idx`, if there is none. Shared by the list iterators and the Via
/// cursor, which walk the span the header loop recorded for the name.
///
/// The entry is answered by reference, not copied: an `Option<Entry>`
/// came back as the entry's seven bytes after its name, gathered from
/// three loads and put together by shifts and ORs, only for the value's
/// two offsets to be cut out again (ten instructions a field); read
/// where it lies, they are two loads (measured, bench set: 6,394.6 ->
/// 6,379.5 instructions a message).
#[inline(always)]
pub(crate) fn next_named<'i>(idx: &'i [Entry], field: &mut usize, name: HeaderName) -> Option<&'i Entry> {
    let mut f = *field;
    let found = loop {
        let Some(e) = idx.get(f) else { break None };
        f += 1;
        if e.name == name {
            break Some(e);
        }
    };
    *field = f;
    found
}

/// The text of the next field named `name` with a value, from index
/// position `*field` up to `end` (a blank field holds no list element, as
/// `lex::CommaList::new` reads it), with `*field` moved past it:
/// `Some(Ok(text))`; `Some(Err(()))` for a field that is not text (possible
/// only when the header section as a whole is not); `None` when no field
/// is left. Shared by the self-ending list iterators and the Via cursor.
#[inline(always)]
pub(crate) fn next_field_text<'a>(
    msg: &Message<'a>,
    field: &mut usize,
    end: usize,
    name: HeaderName,
) -> Option<Result<&'a str, ()>> {
    loop {
        let all = &msg.index;
        let idx = all.get(..end).unwrap_or(all);
        let found = next_named(idx, field, name)?;
        match msg.value_str(found) {
            Some(text) if lex::is_blank(text.as_bytes()) => {}
            Some(text) => return Some(Ok(text)),
            None => return Some(Err(())),
        }
    }
}

impl<'m, 'a, T> TypedValues<'m, 'a, T> {
    /// Values of a comma-separated list header.
    pub(crate) fn list(msg: &'m Message<'a>, name: HeaderName, decode: DecodeFn<'a, T>) -> Self {
        let left = msg.limits().max_list_values;
        let end = msg.index.len();
        TypedValues {
            msg,
            name,
            field: 0,
            end,
            text: "",
            pos: None,
            split: true,
            left,
            decode,
            decode_into: None,
        }
    }

    /// One value per field (headers that are not comma lists).
    pub(crate) fn fields(msg: &'m Message<'a>, name: HeaderName, decode: DecodeFn<'a, T>) -> Self {
        let left = msg.limits().max_list_values;
        TypedValues {
            msg,
            name,
            field: 0,
            end: msg.index.len(),
            text: "",
            pos: None,
            split: false,
            left,
            decode,
            decode_into: None,
        }
    }

    /// Values of a comma-separated list header whose decoder ends each
    /// element itself and writes it in place ([`DecodeIntoFn`]); `decode`
    /// is the same decoder given one element.
    pub(crate) fn list_into(
        msg: &'m Message<'a>,
        name: HeaderName,
        decode: DecodeFn<'a, T>,
        decode_into: DecodeIntoFn<'a, T>,
    ) -> Self {
        Self::list_into_range(msg, name, (0, msg.index.len()), decode, decode_into)
    }

    /// [`TypedValues::list_into`] over the fields the header loop
    /// recorded for `name` (`span`, from its first field to past its
    /// last): the index outside it holds no field of `name`, so it is not
    /// walked.
    #[inline(always)]
    pub(crate) fn list_into_span(
        msg: &'m Message<'a>,
        name: HeaderName,
        span: FieldSpan,
        decode: DecodeFn<'a, T>,
        decode_into: DecodeIntoFn<'a, T>,
    ) -> Self {
        Self::list_into_range(msg, name, span.range(), decode, decode_into)
    }

    /// [`TypedValues::list_into`] over the index positions `field..end`.
    #[inline(always)]
    fn list_into_range(
        msg: &'m Message<'a>,
        name: HeaderName,
        (field, end): (usize, usize),
        decode: DecodeFn<'a, T>,
        decode_into: DecodeIntoFn<'a, T>,
    ) -> Self {
        let left = msg.limits().max_list_values;
        let decode_into = Some(decode_into);
        TypedValues { msg, name, field, end, text: "", pos: None, split: true, left, decode, decode_into }
    }

    /// The next raw value, before decoding: `Err` for a field that is not
    /// UTF-8 text (only possible if the header section as a whole is not).
    #[inline]
    pub(crate) fn next_raw(&mut self) -> Option<Result<&'a str, ParseError>> {
        loop {
            if self.left == 0 {
                return None;
            }
            if let Some(start) = self.pos {
                // The next element of the comma list (RFC 3261 §7.3.1),
                // cut from the text and trimmed of LWS: what
                // lex::CommaList yields, without a second pass.
                let s = self.text.as_bytes();
                let end = lex::find_top_level_comma(s, start);
                self.pos = if end < s.len() { Some(end + 1) } else { None };
                let (mut a, mut b) = (start, end.min(s.len()));
                while a < b && s.get(a).is_some_and(|&c| is_lws_byte(c)) {
                    a += 1;
                }
                while b > a && s.get(b - 1).is_some_and(|&c| is_lws_byte(c)) {
                    b -= 1;
                }
                self.left -= 1;
                return Some(self.text.get(a..b).ok_or(ParseError::header(self.name)));
            }
            match self.next_field()? {
                Some(value) => {
                    self.left -= 1;
                    return Some(value);
                }
                None => continue,
            }
        }
    }

    /// Moves to the next field of this name, from the cursor on: `None`
    /// at the end, `Some(Some(value))` for a value to yield whole (a field
    /// that is not split, or not text), `Some(None)` when a comma list
    /// was started (or the field was blank).
    #[inline(always)]
    fn next_field(&mut self) -> Option<Option<Result<&'a str, ParseError>>> {
        // Only the span that can hold a field of this name is walked.
        let all = &self.msg.index;
        let idx = all.get(..self.end).unwrap_or(all);
        let name = self.name;
        let mut f = self.field;
        // Most entries are other headers: test four names per step (one
        // combined branch), then find which one matched. The steps walk
        // a shrinking slice, so a step costs one length test and no
        // overflow test of the position.
        if let Some(mut rest) = idx.get(f..) {
            while let [a, b, c, d, tail @ ..] = rest {
                if a.name == name || b.name == name || c.name == name || d.name == name {
                    break;
                }
                rest = tail;
                f += 4;
            }
        }
        let found = next_named(idx, &mut f, name);
        self.field = f;
        let entry = found?;
        let Some(text) = self.msg.value_str(entry) else {
            return Some(Some(Err(ParseError::header(self.name))));
        };
        if !self.split {
            return Some(Some(Ok(text)));
        }
        // An entirely blank field contributes nothing (as
        // lex::CommaList::new; RFC 3261 §20.37 allows an empty Supported).
        if !lex::is_blank(text.as_bytes()) {
            self.text = text;
            self.pos = Some(0);
        }
        Some(None)
    }
}

impl<'a, T> TypedValues<'_, 'a, T> {
    /// The next element of a list whose decoder ends its own element: the
    /// next element of the current field, or else the first of the next
    /// field of the name (a blank field holds none, a field that is not
    /// text is one error), counted against the list limit, decoded from
    /// the rest of its field straight into the result; it ends where the
    /// decoder says or, if it could not tell, where the comma search
    /// finds it (RFC 3261 §7.3.1). One step, as `Vias::step` is: the new
    /// field's text is decoded from where it was found, not stored as the
    /// cursor's text, read back and cut again first. The fields are found
    /// one entry a step: the four-entry steps of `next_field` measured
    /// worse here (+10 instructions a message), the spans of Contact and
    /// Route holding few other fields.
    #[inline(always)]
    fn next_into(&mut self, decode_into: DecodeIntoFn<'a, T>) -> Option<Result<T, ParseError>> {
        // Only a value found counts against the limit, so it is tested
        // once, before the search.
        if self.left == 0 {
            return None;
        }
        let (text, start) = match self.pos {
            Some(start) => (self.text, start),
            None => {
                let mut f = self.field;
                let found = next_field_text(self.msg, &mut f, self.end, self.name);
                self.field = f;
                match found? {
                    Ok(text) => (text, 0),
                    Err(()) => {
                        self.left -= 1;
                        return Some(Err(ParseError::header(self.name)));
                    }
                }
            }
        };
        self.left -= 1;
        let s = text.as_bytes();
        let mut out = None;
        let end = match text.get(start..) {
            Some(rest) => decode_into(rest, self.name, &mut out).map(|e| start + e),
            None => None,
        };
        let end = match end {
            Some(e) => e,
            None => lex::find_top_level_comma(s, start),
        };
        self.text = text;
        self.pos = if end < s.len() { Some(end + 1) } else { None };
        // Every decoder writes a result; none must end the list.
        Some(out.unwrap_or(Err(ParseError::header(self.name))))
    }
}

impl<'a, T> Iterator for TypedValues<'_, 'a, T> {
    type Item = Result<T, ParseError>;
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if let Some(decode_into) = self.decode_into {
            // No element left in the field and no field after it: the
            // end, told from two words (what the field search would
            // find; for a header that is absent, all of an empty span).
            if self.pos.is_none() && self.field >= self.end {
                return None;
            }
            return self.next_into(decode_into);
        }
        Some(self.next_raw()?.and_then(|v| (self.decode)(v, self.name)))
    }
}

/// Decodes one `token` list element (an option-tag, RFC 3261 §25.1, or a
/// content-coding, §20.12).
pub fn parse_token(v: &[u8], name: HeaderName) -> Result<&str, ParseError> {
    let v = lex::trim_lws(v);
    if !lex::is_token_str(v) {
        return Err(ParseError::header(name));
    }
    lex::ascii_str(v).ok_or(ParseError::header(name))
}

/// Decodes one element of Allow (RFC 3261 §20.5): a `Method`.
pub fn parse_method(v: &[u8], name: HeaderName) -> Result<Method<'_>, ParseError> {
    Method::from_bytes(lex::trim_lws(v)).ok_or(ParseError::header(name))
}

/// Decodes one element of Allow-Events (RFC 6665 §8.2.2): an `event-type`,
/// `event-package *( "." event-template )`, each part a `token-nodot`.
pub fn parse_event_type(v: &[u8], name: HeaderName) -> Result<&str, ParseError> {
    let v = lex::trim_lws(v);
    if !is_event_type(v) {
        return Err(ParseError::header(name));
    }
    lex::ascii_str(v).ok_or(ParseError::header(name))
}

/// True if `v` is an `event-type` (RFC 6665 §8.4): dot-separated non-empty
/// `token-nodot` parts.
pub(crate) fn is_event_type(v: &[u8]) -> bool {
    lex::is_token_str(v) && v.split(|&c| c == b'.').all(|p| !p.is_empty())
}

/// Iterator over option-tags (Require, Supported, Proxy-Require,
/// Unsupported): each item is a `token`, or an error naming the header.
pub type OptionTags<'m, 'a> = TypedValues<'m, 'a, &'a str>;

impl<'a> Message<'a> {
    /// The option-tags of every field of a token-list header `name`
    /// (Require, Supported, Proxy-Require, Unsupported, Content-Encoding,
    /// ...). An empty field contributes nothing (RFC 3261 §20.37 allows an
    /// empty Supported).
    pub fn option_tags(&self, name: HeaderName) -> OptionTags<'_, 'a> {
        TypedValues::list(self, name, |v, n| parse_token(v.as_bytes(), n))
    }

    /// Require (RFC 3261 §20.32).
    pub fn require(&self) -> OptionTags<'_, 'a> {
        self.option_tags(HeaderName::Require)
    }

    /// Supported (RFC 3261 §20.37); may be empty.
    pub fn supported(&self) -> OptionTags<'_, 'a> {
        self.option_tags(HeaderName::Supported)
    }

    /// Proxy-Require (RFC 3261 §20.29).
    pub fn proxy_require(&self) -> OptionTags<'_, 'a> {
        self.option_tags(HeaderName::ProxyRequire)
    }

    /// Unsupported (RFC 3261 §20.40).
    pub fn unsupported(&self) -> OptionTags<'_, 'a> {
        self.option_tags(HeaderName::Unsupported)
    }

    /// True if the token-list header `name` lists `tag`. Tokens compare
    /// case-insensitively (RFC 3261 §7.3.1). A malformed element is an
    /// error, so a broken Require is never read as "nothing required".
    pub fn option_tag_present(&self, name: HeaderName, tag: &str) -> Result<bool, ParseError> {
        for t in self.option_tags(name) {
            if lex::eq_ic(t?.as_bytes(), tag.as_bytes()) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Allow (RFC 3261 §20.5): the methods listed; an empty field lists
    /// none. Methods are case-sensitive (§7.1).
    pub fn allow(&self) -> TypedValues<'_, 'a, Method<'a>> {
        TypedValues::list(self, HeaderName::Allow, |v, n| parse_method(v.as_bytes(), n))
    }

    /// Allow-Events (RFC 6665 §8.2.2, compact `u`): the event types listed.
    pub fn allow_events(&self) -> TypedValues<'_, 'a, &'a str> {
        TypedValues::list(self, HeaderName::AllowEvents, |v, n| parse_event_type(v.as_bytes(), n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::error::{Element, ErrorKind};

    fn msg(extra: &str) -> heapless::Vec<u8, 2048> {
        let mut v = heapless::Vec::new();
        let head = "SIP/2.0 200 OK\r\n\
            Via: SIP/2.0/UDP h.example.com;branch=z9hG4bKkdjuw\r\n\
            To: sip:j_user@example.com\r\n\
            From: sip:caller@example.net;tag=242etr\r\n\
            Call-ID: lists.0ha0isndaksdj\r\n\
            CSeq: 8 OPTIONS\r\n";
        v.extend_from_slice(head.as_bytes()).unwrap();
        v.extend_from_slice(extra.as_bytes()).unwrap();
        v.extend_from_slice(b"Content-Length: 0\r\n\r\n").unwrap();
        v
    }

    #[test]
    fn rfc4475_3_3_5_bext01_require_and_proxy_require() {
        let b = msg("Require: nothingSupportsThis, nothingSupportsThisEither\r\n\
            Proxy-Require: noProxiesSupportThis, norDoAnyProxiesSupportThis\r\n");
        let m = Message::parse(&b).unwrap();
        let r: heapless::Vec<&str, 4> = m.require().map(Result::unwrap).collect();
        assert_eq!(&r[..], &["nothingSupportsThis", "nothingSupportsThisEither"]);
        let p: heapless::Vec<&str, 4> = m.proxy_require().map(Result::unwrap).collect();
        assert_eq!(&p[..], &["noProxiesSupportThis", "norDoAnyProxiesSupportThis"]);
        assert!(m.option_tag_present(HeaderName::Require, "NOTHINGsupportsthis").unwrap());
        assert!(!m.option_tag_present(HeaderName::Require, "100rel").unwrap());
        assert_eq!(m.unsupported().count(), 0);
    }

    #[test]
    fn rfc3261_7_3_1_list_spans_fields() {
        let b = msg("Supported: replaces, outbound\r\nk: gruu\r\nSupported: path\r\n");
        let m = Message::parse(&b).unwrap();
        let s: heapless::Vec<&str, 8> = m.supported().map(Result::unwrap).collect();
        assert_eq!(&s[..], &["replaces", "outbound", "gruu", "path"]);
    }

    #[test]
    fn rfc3261_20_37_empty_supported_is_allowed() {
        let b = msg("Supported: \r\n");
        let m = Message::parse(&b).unwrap();
        assert_eq!(m.supported().count(), 0);
        assert!(!m.option_tag_present(HeaderName::Supported, "timer").unwrap());
    }

    #[test]
    fn rfc3261_25_1_malformed_option_tags_rejected() {
        let b = msg("Require: 100rel,, timer\r\nUnsupported: a b\r\n");
        let m = Message::parse(&b).unwrap();
        let r: heapless::Vec<_, 4> = m.require().collect();
        assert_eq!(r.len(), 3);
        assert_eq!(r[1], Err(ParseError::new(Element::Header(HeaderName::Require), ErrorKind::Syntax)));
        assert_eq!(r[2], Ok("timer"));
        assert!(m.option_tag_present(HeaderName::Require, "timer").is_err());
        assert_eq!(
            m.unsupported().next().unwrap().unwrap_err().element,
            Element::Header(HeaderName::Unsupported)
        );
    }

    #[test]
    fn rfc3261_20_5_allow_methods() {
        let b = msg("Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, NOTIFY, MESSAGE, SUBSCRIBE, INFO, \
            PRACK, UPDATE, FOO\r\nAllow:\r\n");
        let m = Message::parse(&b).unwrap();
        let a: heapless::Vec<Method, 16> = m.allow().map(Result::unwrap).collect();
        assert_eq!(a.len(), 13);
        assert_eq!(a[0], Method::Invite);
        assert_eq!(a[12], Method::Extension("FOO"));
        let b = msg("Allow: INVITE ACK\r\n");
        assert!(Message::parse(&b).unwrap().allow().next().unwrap().is_err());
    }

    #[test]
    fn rfc6665_8_2_2_allow_events() {
        let b = msg("Allow-Events: presence, message-summary, refer\r\nu: presence.winfo\r\n");
        let m = Message::parse(&b).unwrap();
        let e: heapless::Vec<&str, 8> = m.allow_events().map(Result::unwrap).collect();
        assert_eq!(&e[..], &["presence", "message-summary", "refer", "presence.winfo"]);
        assert!(parse_event_type(b"presence.", HeaderName::AllowEvents).is_err());
        assert!(parse_event_type(b".x", HeaderName::AllowEvents).is_err());
        assert!(parse_event_type(b"a..b", HeaderName::AllowEvents).is_err());
    }

    #[test]
    fn rfc3261_7_3_1_fields_found_at_every_index_position() {
        // The field search tests four index entries per step: fields of
        // the header at every position relative to those steps, with
        // runs of other headers between them, are all found, in order.
        for gap in 0..10 {
            for lead in 0..6 {
                let mut extra = heapless::String::<1024>::new();
                for _ in 0..lead {
                    extra.push_str("X-Pad: p\r\n").unwrap();
                }
                for tag in ["a", "b", "c"] {
                    extra.push_str("Supported: ").unwrap();
                    extra.push_str(tag).unwrap();
                    extra.push_str("\r\n").unwrap();
                    for _ in 0..gap {
                        extra.push_str("X-Pad: p\r\n").unwrap();
                    }
                }
                let b = msg(&extra);
                let m = Message::parse(&b).unwrap();
                let s: heapless::Vec<&str, 4> = m.supported().map(Result::unwrap).collect();
                assert_eq!(&s[..], &["a", "b", "c"], "gap {gap} lead {lead}");
                let mut it = m.supported();
                assert_eq!(it.by_ref().count(), 3);
                assert_eq!(it.next(), None, "a drained iterator stays drained");
            }
        }
    }

    #[test]
    fn rfc3261_7_3_1_self_ending_lists_end_where_the_comma_lists_do() {
        // contacts(), routes() and record_routes() (decoders that end
        // their own element, the end of the list told without the field
        // search) yield what splitting every field with the comma list
        // and decoding each element yields, with the fields absent, at
        // the start or the end of the index, among others, blank, and
        // under every list limit 0..5; a drained iterator stays drained.
        use crate::message::headers::addr::{ContactValue, NameAddr};
        let lines = [
            "Contact: <sip:a@example.com>;expires=5, sip:b@example.com\r\n",
            "m: *\r\n",
            "Contact: \r\n",
            "Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\n",
            "Route: <sip:p3.example.com;lr\r\n",
            "Record-Route: <sip:r1.example.com;lr>,<sip:r2.example.com>\r\n",
            "X-Pad: p\r\n",
        ];
        for mask in 0u32..(1 << lines.len()) {
            for front in [false, true] {
                let mut extra = heapless::String::<1024>::new();
                for (k, l) in lines.iter().enumerate() {
                    if mask & (1 << k) != 0 {
                        extra.push_str(l).unwrap();
                    }
                }
                let mut b: heapless::Vec<u8, 2048> = heapless::Vec::new();
                if front {
                    b.extend_from_slice(b"SIP/2.0 200 OK\r\n").unwrap();
                    b.extend_from_slice(extra.as_bytes()).unwrap();
                    b.extend_from_slice(&msg("")[16..]).unwrap();
                } else {
                    b = msg(&extra);
                }
                for max in 0..6 {
                    let mut l = crate::message::Limits::DEFAULT;
                    l.max_list_values = max;
                    let m = Message::parse_with(&b, &l).unwrap();
                    type V<T> = heapless::Vec<T, 16>;
                    let plain: V<_> =
                        TypedValues::list(&m, HeaderName::Contact, |v, _| ContactValue::parse_str(v))
                            .collect();
                    assert_eq!(m.contacts().collect::<V<_>>(), plain, "{extra:?} {max}");
                    for (name, got) in [
                        (HeaderName::Route, m.routes().collect::<V<_>>()),
                        (HeaderName::RecordRoute, m.record_routes().collect::<V<_>>()),
                    ] {
                        let plain: V<_> = TypedValues::list(&m, name, NameAddr::parse_for_str).collect();
                        assert_eq!(got, plain, "{name:?} {extra:?} {max}");
                    }
                    let mut it = m.contacts();
                    it.by_ref().for_each(drop);
                    assert!(it.next().is_none());
                }
            }
        }
    }

    #[test]
    fn rfc3261_25_1_self_ending_list_field_that_is_not_text_is_one_error() {
        // A Contact or Route field that is not UTF-8 (RFC 3261 §25.1;
        // possible only when the header section as a whole is not) is one
        // error, counted against the list limit, and the fields after it
        // still come out: as the comma-list path (next_raw, then the
        // one-element decoder) reads them, under every list limit 0..6.
        use crate::message::headers::addr::{ContactValue, NameAddr};
        let m: &[u8] = b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\
            To: <sip:a@b>\r\nFrom: <sip:c@d>;tag=1\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n\
            Contact: <sip:a@example.com>, <sip:b@example.com>\r\nRoute: <sip:\xffp;lr>\r\n\
            Contact: <sip:\xff@example.com>, <sip:c@example.com>\r\nContact: \r\n\
            Route: <sip:p2;lr>,<sip:p3;lr>\r\nContact: <sip:d@example.com>\r\n\
            Content-Length: 0\r\n\r\n";
        for max in 0..7 {
            let mut l = crate::message::Limits::DEFAULT;
            l.max_list_values = max;
            let m = Message::parse_with(m, &l).unwrap();
            type V<T> = heapless::Vec<T, 16>;
            let got: V<_> = m.contacts().collect();
            let plain: V<_> =
                TypedValues::list(&m, HeaderName::Contact, |v, _| ContactValue::parse_str(v)).collect();
            assert_eq!(got, plain, "{max}");
            assert_eq!(got.len(), max.min(4), "{max}");
            if max >= 3 {
                assert_eq!(
                    got[2].as_ref().err().map(|e| e.element),
                    Some(Element::Header(HeaderName::Contact))
                );
            }
            let got: V<_> = m.routes().collect();
            let plain: V<_> = TypedValues::list(&m, HeaderName::Route, NameAddr::parse_for_str).collect();
            assert_eq!(got, plain, "{max}");
            assert_eq!(got.len(), max.min(3), "{max}");
        }
    }

    #[test]
    fn rfc3261_7_3_1_list_values_capped_by_limits() {
        let mut l = crate::message::Limits::DEFAULT;
        l.max_list_values = 2;
        let b = msg("Supported: a, b, c\r\nSupported: d\r\n");
        let m = Message::parse_with(&b, &l).unwrap();
        assert_eq!(m.supported().count(), 2);
    }
}
