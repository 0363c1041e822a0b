//! Header names and values from user input: checking them, and the field
//! list the builders fill.

use alloc::vec::Vec;

use super::BuildError;
use super::sink::{Sink, SinkError, put_folded};
use crate::message::{HeaderName, lex};

/// A header field name given to a builder or editor: a known
/// [`HeaderName`], or a name as text.
///
/// Text is recognised first (`"v"` and `"VIA"` mean [`HeaderName::Via`],
/// written `Via`); a name that is not known is kept as given and must be a
/// `token` (RFC 3261 §7.3.1, §25.1). [`HeaderName::Other`] on its own names
/// nothing and is refused with [`BuildError::InvalidHeaderName`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldName<'n> {
    /// A known header.
    Known(HeaderName),
    /// A header name as text.
    Raw(&'n str),
}

impl From<HeaderName> for FieldName<'_> {
    fn from(n: HeaderName) -> Self {
        FieldName::Known(n)
    }
}

impl<'n> From<&'n str> for FieldName<'n> {
    fn from(n: &'n str) -> Self {
        FieldName::Raw(n)
    }
}

/// A resolved name: the kind, and for [`HeaderName::Other`] the name text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Key<'n> {
    pub(super) kind: HeaderName,
    pub(super) raw: &'n [u8],
}

impl<'n> FieldName<'n> {
    pub(super) fn resolve(self) -> Result<Key<'n>, BuildError> {
        match self {
            FieldName::Known(HeaderName::Other) => Err(BuildError::InvalidHeaderName),
            FieldName::Known(kind) => Ok(Key { kind, raw: &[] }),
            FieldName::Raw(s) => {
                let raw = s.as_bytes();
                // The parser keeps name lengths in a byte.
                if !lex::is_token_str(raw) || raw.len() > usize::from(u8::MAX) {
                    return Err(BuildError::InvalidHeaderName);
                }
                match HeaderName::from_bytes(raw) {
                    HeaderName::Other => Ok(Key { kind: HeaderName::Other, raw }),
                    kind => Ok(Key { kind, raw: &[] }),
                }
            }
        }
    }
}

impl Key<'_> {
    /// True if a field of kind `kind` named `raw` is this header.
    pub(super) fn matches(&self, kind: HeaderName, raw: &[u8]) -> bool {
        self.kind == kind && (kind != HeaderName::Other || lex::eq_ic(self.raw, raw))
    }
}

/// Appends the checked form of a user-supplied header value to `out`.
///
/// RFC 3261 §7.3.1: a value may be folded (`CRLF 1*WSP`, which means one SP);
/// a fold is accepted and written unfolded (the line break dropped, the
/// white space kept). Any other CR or LF would end the header line and let
/// the caller's input add headers of its own, so it is refused, as are the
/// other control characters but HTAB. Leading and trailing white space is
/// dropped (the parser drops it too).
pub(super) fn push_value(out: &mut Vec<u8>, name: HeaderName, v: &[u8]) -> Result<(), BuildError> {
    // The common case, a value with no line break or control character
    // (values copied from a parsed message, most caller text): one
    // vectorizable pass, then one copy of the trimmed value.
    let start = v.iter().position(|&c| !lex::is_ws(c)).unwrap_or(v.len());
    let end = v.iter().rposition(|&c| !lex::is_ws(c)).map_or(start, |e| e + 1);
    let trimmed = &v[start..end.max(start)];
    // A fold without early exit, so that it vectorizes.
    let control = trimmed.iter().fold(false, |bad, &c| bad | (c < 0x20 && c != b'\t') | (c == 0x7f));
    if !control {
        out.extend_from_slice(trimmed);
        return Ok(());
    }
    let bad = || BuildError::InvalidHeaderValue(name);
    let base = out.len();
    let mut i = 0;
    while let Some(&c) = v.get(i) {
        let fold_len = match c {
            b'\r' if v.get(i + 1) == Some(&b'\n') => 2,
            b'\n' => 1,
            _ => 0,
        };
        if fold_len > 0 {
            if !v.get(i + fold_len).is_some_and(|&w| lex::is_ws(w)) {
                out.truncate(base);
                return Err(bad());
            }
            i += fold_len;
            continue;
        }
        if c < 0x20 && c != b'\t' || c == 0x7f {
            out.truncate(base);
            return Err(bad());
        }
        if !(out.len() == base && lex::is_ws(c)) {
            out.push(c);
        }
        i += 1;
    }
    while out.len() > base && lex::is_ws(out[out.len() - 1]) {
        out.pop();
    }
    Ok(())
}

/// True if [`push_value`] would accept `v` and write it unchanged: no
/// control character but HTAB, no leading or trailing white space. A value
/// used again and again (a configured Contact) is checked once with this
/// and then copied as it is.
pub(crate) fn is_clean(v: &[u8]) -> bool {
    let edge = |c: Option<&u8>| c.is_some_and(|&c| lex::is_ws(c));
    !edge(v.first()) && !edge(v.last()) && v.iter().all(|&c| !(c < 0x20 && c != b'\t' || c == 0x7f))
}

/// Checks a value without keeping it (see [`push_value`]).
#[cfg(test)]
pub(super) fn check_value(name: HeaderName, v: &[u8]) -> Result<Vec<u8>, BuildError> {
    let mut out = Vec::with_capacity(v.len());
    push_value(&mut out, name, v)?;
    Ok(out)
}

/// RFC 3261 §25.1 `absoluteURI` starts `scheme ":"` with
/// `scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`; a Request-URI
/// holds no white space or control characters (§7.1).
pub(super) fn valid_request_uri(uri: &[u8]) -> bool {
    let Some(colon) = memchr::memchr(b':', uri) else {
        return false;
    };
    let scheme = &uri[..colon];
    scheme.first().is_some_and(|&c| lex::is_alpha(c))
        && scheme.iter().all(|&c| lex::is_alpha(c) || lex::is_digit(c) || matches!(c, b'+' | b'-' | b'.'))
        && colon + 1 < uri.len()
        && uri.iter().all(|&c| c > b' ' && c != 0x7f)
}

/// A byte range in [`Fields::text`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Span {
    start: usize,
    end: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Field {
    kind: HeaderName,
    /// The whole field as it is written, `CRLF Name ": " value`: the CRLF
    /// ends the line before (the start line or the previous field), so
    /// that fields stored one after the other in the text are written
    /// with one copy.
    line: Span,
    /// Where the value starts in the line (it ends with the line).
    value_start: usize,
    /// The value may hold folds (a value copied from a parsed message);
    /// checked user values never do ([`push_value`] unfolds them).
    folds: bool,
}

/// The header fields of a message under construction, in order. Each
/// field is kept in one buffer as the bytes it is written as (see
/// [`Field::line`]); a replaced field leaves its old bytes behind, which
/// costs memory only until the builder is dropped.
/// Fields reserved at the first one: a dialog request or a response to
/// one carries about ten.
const FIRST_FIELDS: usize = 12;
/// Bytes of the start line, names and values reserved at the first field.
const FIRST_TEXT: usize = 384;

#[derive(Clone, Debug, Default)]
pub(super) struct Fields {
    text: Vec<u8>,
    list: Vec<Field>,
    /// How many LFs the heads put in `text` (one per line written, kept
    /// or replaced): any LF beyond those is in a value copied from a
    /// parsed message, a fold.
    own_lfs: u32,
    /// A bit (see [`bit`]) for each kind of field in `list`, kept exact,
    /// so that asking for a kind (a field set for the first time, the
    /// checks of `build`) reads one bit instead of the list. Bytes, not a
    /// `u128`: the builders move by value, and its alignment would make
    /// them too big to move inline.
    kinds: [u8; KIND_BYTES],
    /// A field copied from a parsed message that had a continuation line
    /// (so the value may hold a fold) was added; copies from fold-free
    /// messages leave it clear, and writing then skips the LF count.
    copied: bool,
}

/// Bytes of [`Fields::kinds`]: a bit for each of the 70 kinds and room.
const KIND_BYTES: usize = 9;

/// The byte and bit of `kind` in [`Fields::kinds`]; `None` for a kind past
/// them, which is then looked for in the list.
#[inline]
fn bit(kind: HeaderName) -> Option<(usize, u8)> {
    let d = usize::from(kind as u8);
    (d / 8 < KIND_BYTES).then(|| (d / 8, 1u8 << (d % 8)))
}

impl Fields {
    fn value_of(&self, g: &Field) -> &[u8] {
        &self.text[g.value_start..g.line.end]
    }

    /// The name text of a [`HeaderName::Other`] field, empty for the
    /// others (their kind names them).
    fn raw_name_of(&self, g: &Field) -> &[u8] {
        if g.kind == HeaderName::Other { &self.text[g.line.start + 2..g.value_start - 2] } else { &[] }
    }

    /// Room for a typical message's fields at the first one, so that a
    /// builder does not grow its buffers field by field.
    #[inline]
    fn reserve_first(&mut self, value_len: usize) {
        // A new vector in place of the empty one: `with_capacity`
        // allocates directly, where `reserve` goes through the growth path
        // (its overflow checks and `finish_grow`) for the same result.
        if self.list.capacity() == 0 {
            self.list = Vec::with_capacity(FIRST_FIELDS);
        }
        if self.text.capacity() == 0 {
            self.text = Vec::with_capacity(FIRST_TEXT.max(value_len + 64));
        }
    }

    /// Puts the start line, without its CRLF (the first field's line, or
    /// the tail, starts with one), at the start of the text buffer, before
    /// any field: it shares its allocation and is written with the fields
    /// that follow it in one copy. Read back with [`prefix`](Self::prefix).
    pub(super) fn push_prefix(&mut self, parts: &[&[u8]]) {
        debug_assert!(self.text.is_empty());
        self.reserve_first(parts.iter().map(|p| p.len()).sum());
        for p in parts {
            self.text.extend_from_slice(p);
        }
    }

    /// The first `len` bytes of the text buffer (see
    /// [`push_prefix`](Self::push_prefix)).
    pub(super) fn prefix(&self, len: usize) -> &[u8] {
        &self.text[..len]
    }

    /// Room for `fields` more fields and `text` more bytes of names and
    /// values. For fields that have no buffers yet (a builder just
    /// started) they are allocated directly, as in
    /// [`reserve_first`](Self::reserve_first).
    pub(super) fn reserve(&mut self, fields: usize, text: usize) {
        if self.list.capacity() == 0 {
            self.list = Vec::with_capacity(fields);
        } else {
            self.list.reserve(fields);
        }
        if self.text.capacity() == 0 {
            self.text = Vec::with_capacity(text);
        } else {
            self.text.reserve(text);
        }
    }

    /// Writes `CRLF Name ": "` for `key` at the end of the text; returns
    /// where the line starts.
    #[inline]
    fn push_head(&mut self, key: Key<'_>, more: usize) -> usize {
        self.reserve_first(more + key.raw.len());
        let start = self.text.len();
        match crlf_head16_of(key.kind) {
            // A fixed 16-byte copy (two stores, no call) cut to the head's
            // length.
            Some((h, n)) => {
                self.text.extend_from_slice(h);
                self.text.truncate(start + n);
            }
            None => push_named_head(&mut self.text, key),
        }
        self.own_lfs = self.own_lfs.saturating_add(1);
        start
    }

    #[inline]
    fn mark(&mut self, kind: HeaderName) {
        if let Some((i, b)) = bit(kind) {
            self.kinds[i] |= b;
        }
    }

    #[inline]
    fn push_field(&mut self, f: Field) {
        self.mark(f.kind);
        self.copied |= f.folds;
        self.list.push(f);
    }

    fn insert_first(&mut self, f: Field) {
        self.mark(f.kind);
        self.copied |= f.folds;
        self.list.insert(0, f);
    }

    /// Drops a line begun at `start` whose value was refused.
    fn abandon(&mut self, start: usize) {
        self.text.truncate(start);
        self.own_lfs = self.own_lfs.saturating_sub(1);
    }

    /// The field whose line began at `start` and ends at the end of the
    /// text, its value after `value_start`.
    fn ended(&self, kind: HeaderName, start: usize, value_start: usize, folds: bool) -> Field {
        Field { kind, line: Span { start, end: self.text.len() }, value_start, folds }
    }

    /// A field with `parts` as its value, copied as they are.
    fn field_of_parts(&mut self, key: Key<'_>, parts: &[&[u8]], folds: bool) -> Field {
        let start = self.push_head(key, parts.iter().map(|p| p.len()).sum());
        let value_start = self.text.len();
        for p in parts {
            self.text.extend_from_slice(p);
        }
        self.ended(key.kind, start, value_start, folds)
    }

    fn new_field(&mut self, key: Key<'_>, value: &[u8], trusted: bool) -> Result<Field, BuildError> {
        if trusted {
            return Ok(self.field_of_parts(key, &[value], true));
        }
        let start = self.push_head(key, value.len());
        let value_start = self.text.len();
        if let Err(e) = push_value(&mut self.text, key.kind, value) {
            self.abandon(start);
            return Err(e);
        }
        Ok(self.ended(key.kind, start, value_start, false))
    }

    /// Appends a known header's field with a value that [`is_clean`]
    /// accepted before: copied as it is, which is what [`push_value`]
    /// would write for it.
    pub(super) fn append_clean(&mut self, kind: HeaderName, value: &[u8]) {
        debug_assert!(is_clean(value));
        let f = self.field_of_parts(Key { kind, raw: &[] }, &[value], false);
        self.push_field(f);
    }

    /// Inserts before all others a field of a known header whose value is
    /// given as consecutive parts that this crate wrote, or that
    /// [`is_clean`] accepted: copied as they are.
    pub(super) fn prepend_clean_parts(&mut self, kind: HeaderName, parts: &[&[u8]]) {
        let f = self.field_of_parts(Key { kind, raw: &[] }, parts, false);
        debug_assert!(is_clean(self.value_of(&f)));
        self.insert_first(f);
    }

    /// Appends a field with a checked user value.
    pub(super) fn append(&mut self, key: Key<'_>, value: &[u8]) -> Result<(), BuildError> {
        let f = self.new_field(key, value, false)?;
        self.push_field(f);
        Ok(())
    }

    /// Inserts a field with a checked user value before all others.
    pub(super) fn prepend(&mut self, key: Key<'_>, value: &[u8]) -> Result<(), BuildError> {
        let f = self.new_field(key, value, false)?;
        self.insert_first(f);
        Ok(())
    }

    /// Appends a value taken from a parsed message (already safe; folds are
    /// normalized when written). `folds` is the message's
    /// `Message::has_folds`: a value of a message without a
    /// continuation line holds no CR or LF (RFC 3261 §7.3.1), so it does
    /// not make [`write`](Self::write) count the text's LFs.
    #[inline]
    pub(super) fn append_trusted(&mut self, kind: HeaderName, raw_name: &[u8], value: &[u8], folds: bool) {
        debug_assert!(folds || !value.iter().any(|&c| c == b'\r' || c == b'\n'), "a fold not flagged");
        let raw = if kind == HeaderName::Other { raw_name } else { &[] };
        let f = self.field_of_parts(Key { kind, raw }, &[value], folds);
        self.push_field(f);
    }

    /// [`append_trusted`](Self::append_trusted) of a known header whose
    /// value is given as consecutive parts (a parsed value, `;tag=`, a
    /// token).
    pub(super) fn append_trusted_parts(&mut self, kind: HeaderName, parts: &[&[u8]], folds: bool) {
        debug_assert!(folds || !parts.iter().flat_map(|p| p.iter()).any(|&c| c == b'\r' || c == b'\n'));
        let f = self.field_of_parts(Key { kind, raw: &[] }, parts, folds);
        self.push_field(f);
    }

    /// Replaces the first field named `key` (keeping its place) and removes
    /// the others; appends if there is none.
    pub(super) fn set(&mut self, key: Key<'_>, value: &[u8]) -> Result<(), BuildError> {
        let f = self.new_field(key, value, false)?;
        self.place(key, f);
        Ok(())
    }

    /// Puts `f` in place of the first field named `key` and removes the
    /// others, or appends it.
    fn place(&mut self, key: Key<'_>, f: Field) {
        match self.position(key) {
            Some(i) => {
                self.list[i] = f;
                if self.list[i + 1..].iter().any(|g| g.kind == key.kind) {
                    let mut j = 0;
                    let mut list = core::mem::take(&mut self.list);
                    list.retain(|g| {
                        j += 1;
                        j - 1 == i || !key.matches(g.kind, self.raw_name_of(g))
                    });
                    self.list = list;
                }
            }
            None => self.push_field(f),
        }
    }

    /// [`set`](Self::set) with the value given as consecutive parts (a
    /// URI, `;tag=`, a tag), each checked as a user value.
    pub(super) fn set_parts(&mut self, key: Key<'_>, parts: &[&[u8]]) -> Result<(), BuildError> {
        let start = self.push_head(key, parts.iter().map(|p| p.len()).sum());
        let value_start = self.text.len();
        for p in parts {
            if let Err(e) = push_value(&mut self.text, key.kind, p) {
                self.abandon(start);
                return Err(e);
            }
        }
        let f = self.ended(key.kind, start, value_start, false);
        self.place(key, f);
        Ok(())
    }

    /// [`set`](Self::set) with a value of a user part, checked, followed by
    /// parts this crate checked itself (`;tag=` and a token): only the
    /// first goes through [`push_value`].
    pub(super) fn set_checked_then(
        &mut self,
        key: Key<'_>,
        checked: &[u8],
        rest: &[&[u8]],
    ) -> Result<(), BuildError> {
        let start = self.push_head(key, checked.len() + rest.iter().map(|p| p.len()).sum::<usize>());
        let value_start = self.text.len();
        if let Err(e) = push_value(&mut self.text, key.kind, checked) {
            self.abandon(start);
            return Err(e);
        }
        for p in rest {
            self.text.extend_from_slice(p);
        }
        let f = self.ended(key.kind, start, value_start, false);
        self.place(key, f);
        Ok(())
    }

    /// [`set`](Self::set) with a value of consecutive parts this crate
    /// wrote (digits, a space, a checked token): copied as they are.
    pub(super) fn set_parts_unchecked(&mut self, key: Key<'_>, parts: &[&[u8]]) {
        let f = self.field_of_parts(key, parts, false);
        self.place(key, f);
    }

    /// [`set_parts_unchecked`](Self::set_parts_unchecked) of `part` and
    /// then the first `prefix` bytes of the text (a request's method, from
    /// its request line).
    pub(super) fn set_part_then_prefix(&mut self, key: Key<'_>, part: &[u8], prefix: usize) {
        let start = self.push_head(key, part.len() + prefix);
        let value_start = self.text.len();
        self.text.extend_from_slice(part);
        self.text.extend_from_within(..prefix);
        let f = self.ended(key.kind, start, value_start, false);
        self.place(key, f);
    }

    /// Removes every field named `key`; returns how many.
    pub(super) fn remove(&mut self, key: Key<'_>) -> usize {
        let before = self.list.len();
        let mut list = core::mem::take(&mut self.list);
        list.retain(|g| !key.matches(g.kind, self.raw_name_of(g)));
        self.list = list;
        self.kinds = [0; KIND_BYTES];
        for i in 0..self.list.len() {
            self.mark(self.list[i].kind);
        }
        before - self.list.len()
    }

    /// False if no field of this kind is in the list; true if one may be.
    #[inline]
    fn may_contain(&self, kind: HeaderName) -> bool {
        bit(kind).is_none_or(|(i, b)| self.kinds[i] & b != 0)
    }

    fn position(&self, key: Key<'_>) -> Option<usize> {
        if !self.may_contain(key.kind) {
            return None;
        }
        self.list.iter().position(|g| key.matches(g.kind, self.raw_name_of(g)))
    }

    /// True if a field of this kind is present.
    pub(super) fn contains(&self, kind: HeaderName) -> bool {
        match bit(kind) {
            Some((i, b)) => self.kinds[i] & b != 0,
            None => self.list.iter().any(|g| g.kind == kind),
        }
    }

    /// The value of the first field of this kind.
    pub(super) fn get(&self, kind: HeaderName) -> Option<&[u8]> {
        if !self.may_contain(kind) {
            return None;
        }
        self.list.iter().find(|g| g.kind == kind).map(|g| self.value_of(g))
    }

    /// The number of bytes [`write`](Self::write) writes, without the
    /// prefix and what `after_vias` adds: exact, but for the CR that a
    /// fold written with a bare LF gains (rare; not looked for, the buffer
    /// grows then).
    pub(super) fn written_len(&self) -> usize {
        self.list
            .iter()
            .filter(|g| g.kind != HeaderName::ContentLength)
            .map(|g| g.line.end - g.line.start)
            .sum()
    }

    /// Whether a copied value may hold a fold, so that [`write`](Self::write)
    /// counts the text's LFs.
    #[cfg(test)]
    pub(super) fn may_hold_folds(&self) -> bool {
        self.copied
    }

    /// Writes the first `prefix` bytes of the text (the start line, see
    /// [`push_prefix`](Self::push_prefix)), then every field but
    /// Content-Length as `CRLF Name ": " value`, calling `after_vias` once
    /// right after the last leading Via field (or before the first field
    /// if the list does not start with Via). Fields that lie one after the
    /// other in the text, as fields appended in order do, go out in one
    /// copy.
    pub(super) fn write<S: Sink + ?Sized>(
        &self,
        out: &mut S,
        prefix: usize,
        mut after_vias: impl FnMut(&mut S) -> Result<(), SinkError>,
    ) -> Result<(), SinkError> {
        let vias = self.list.iter().take_while(|g| g.kind == HeaderName::Via).count();
        // Only a value copied from a parsed message can hold a line break
        // (push_value unfolds the others, names never do, and the start
        // line holds none): one count over the whole text, against the LFs
        // of the heads, clears every copied value at once, where a search
        // per value costs a call each (a response copies five or six).
        let any_folds =
            self.copied && memchr::memchr_iter(b'\n', &self.text).count() != self.own_lfs as usize;
        // A run of text to copy; a bare LF in it can only be a fold of a
        // copied value (the heads' LFs follow their CR): written with CRLF.
        let put = |out: &mut S, a: usize, b: usize| match &self.text[a..b] {
            [] => Ok(()),
            run if any_folds => put_folded(out, run),
            run => out.put(run),
        };
        // The run of text still to copy: [start, end).
        let (mut start, mut end) = (0, prefix);
        for (i, g) in self.list.iter().enumerate() {
            if i == vias {
                put(out, start, end)?;
                after_vias(out)?;
                (start, end) = (g.line.start, g.line.start);
            }
            if g.kind == HeaderName::ContentLength {
                continue;
            }
            if g.line.start != end {
                put(out, start, end)?;
                start = g.line.start;
            }
            end = g.line.end;
        }
        put(out, start, end)?;
        if vias == self.list.len() {
            after_vias(out)?;
        }
        Ok(())
    }
}

/// Writes `Name: value CRLF` with the canonical name for known headers and
/// `raw_name` for the others. The value is copied as is except that bare LF
/// in folds becomes CRLF; `folds` false says the value holds no line break
/// at all (it comes from a message without folded lines, see
/// `Message::has_folds`), so it is copied without looking for one.
#[inline(always)]
pub(super) fn write_field<S: Sink + ?Sized>(
    out: &mut S,
    kind: HeaderName,
    raw_name: &[u8],
    value: &[u8],
    folds: bool,
) -> Result<(), SinkError> {
    put_head(out, kind, raw_name)?;
    if folds {
        put_folded(out, value)?;
    } else {
        out.put(value)?;
    }
    out.put(b"\r\n")
}

/// `Name: ` of the fields nearly every message carries, in one piece (one
/// `put` rather than two for each field written).
fn head_of(kind: HeaderName) -> Option<&'static [u8]> {
    crlf_head_of(kind).map(|h| &h[2..])
}

/// [`head_of`] after the CRLF that ends the field before.
#[inline]
fn crlf_head_of(kind: HeaderName) -> Option<&'static [u8]> {
    Some(match kind {
        HeaderName::Via => b"\r\nVia: ",
        HeaderName::From => b"\r\nFrom: ",
        HeaderName::To => b"\r\nTo: ",
        HeaderName::CallId => b"\r\nCall-ID: ",
        HeaderName::CSeq => b"\r\nCSeq: ",
        HeaderName::Contact => b"\r\nContact: ",
        HeaderName::Expires => b"\r\nExpires: ",
        HeaderName::MaxForwards => b"\r\nMax-Forwards: ",
        HeaderName::ContentType => b"\r\nContent-Type: ",
        HeaderName::Route => b"\r\nRoute: ",
        HeaderName::RecordRoute => b"\r\nRecord-Route: ",
        HeaderName::Supported => b"\r\nSupported: ",
        HeaderName::Allow => b"\r\nAllow: ",
        _ => return None,
    })
}

/// `CRLF Name ": "` of a name without a one-piece head: out of line, so
/// that the common heads' path stays small enough to inline.
#[cold]
#[inline(never)]
fn push_named_head(text: &mut Vec<u8>, key: Key<'_>) {
    let name = if key.kind == HeaderName::Other { key.raw } else { key.kind.as_str().as_bytes() };
    text.extend_from_slice(b"\r\n");
    text.extend_from_slice(name);
    text.extend_from_slice(b": ");
}

/// [`crlf_head_of`] padded to 16 bytes, with its length: copied as a whole
/// and cut, which costs less than a copy of a length known only at run
/// time.
#[inline]
fn crlf_head16_of(kind: HeaderName) -> Option<(&'static [u8; 16], usize)> {
    const fn pad(h: &[u8]) -> ([u8; 16], usize) {
        let mut out = [0u8; 16];
        let mut i = 0;
        while i < h.len() {
            out[i] = h[i];
            i += 1;
        }
        (out, h.len())
    }
    macro_rules! heads {
        ($($kind:ident => $text:literal,)*) => {{
            $(const $kind: ([u8; 16], usize) = pad($text);)*
            match kind {
                $(HeaderName::$kind => Some((&$kind.0, $kind.1)),)*
                _ => None,
            }
        }};
    }
    #[allow(non_upper_case_globals)]
    let h = heads! {
        Via => b"\r\nVia: ",
        From => b"\r\nFrom: ",
        To => b"\r\nTo: ",
        CallId => b"\r\nCall-ID: ",
        CSeq => b"\r\nCSeq: ",
        Contact => b"\r\nContact: ",
        Expires => b"\r\nExpires: ",
        MaxForwards => b"\r\nMax-Forwards: ",
        ContentType => b"\r\nContent-Type: ",
        Route => b"\r\nRoute: ",
        RecordRoute => b"\r\nRecord-Route: ",
        Supported => b"\r\nSupported: ",
        Allow => b"\r\nAllow: ",
    };
    h
}

/// Writes `Name: `: the canonical name of a known header, `raw_name` for
/// [`HeaderName::Other`].
#[inline]
fn put_head<S: Sink + ?Sized>(out: &mut S, kind: HeaderName, raw_name: &[u8]) -> Result<(), SinkError> {
    if let Some(head) = head_of(kind) {
        return out.put(head);
    }
    if kind == HeaderName::Other {
        out.put(raw_name)?;
    } else {
        out.put(kind.as_str().as_bytes())?;
    }
    out.put(b": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(v: &str) -> Result<Vec<u8>, BuildError> {
        check_value(HeaderName::Subject, v.as_bytes())
    }

    #[test]
    fn rfc3261_7_3_1_header_injection_is_rejected() {
        for v in ["a\r\nVia: evil", "a\nVia: evil", "a\rVia: evil", "a\r\n", "a\r", "x\0y", "\r\n\r\nbody"] {
            assert_eq!(clean(v), Err(BuildError::InvalidHeaderValue(HeaderName::Subject)), "{v:?}");
        }
    }

    #[test]
    fn rfc3261_7_3_1_folds_are_unfolded() {
        assert_eq!(clean("a,\r\n b").unwrap(), b"a, b");
        assert_eq!(clean("a,\n\tb").unwrap(), b"a,\tb");
        assert_eq!(clean("  \r\n x  ").unwrap(), b"x");
        assert_eq!(clean("caf\u{e9} \t ok").unwrap(), "caf\u{e9} \t ok".as_bytes());
        assert_eq!(clean("").unwrap(), b"");
    }

    #[test]
    fn clean_values_are_written_unchanged() {
        for v in ["<sip:bob@192.0.2.4>", "a\tb", "", "x"] {
            assert!(is_clean(v.as_bytes()), "{v:?}");
            assert_eq!(clean(v).unwrap(), v.as_bytes());
        }
        for v in [" <sip:a>", "<sip:a> ", "\t", "a\r\n b", "a\0", "a\x7f"] {
            assert!(!is_clean(v.as_bytes()), "{v:?}");
        }
    }

    #[test]
    fn rfc3261_7_3_1_names_must_be_tokens() {
        assert_eq!(FieldName::from("X Y").resolve(), Err(BuildError::InvalidHeaderName));
        assert_eq!(FieldName::from("X:Y").resolve(), Err(BuildError::InvalidHeaderName));
        assert_eq!(FieldName::from("").resolve(), Err(BuildError::InvalidHeaderName));
        assert_eq!(FieldName::from(HeaderName::Other).resolve(), Err(BuildError::InvalidHeaderName));
        assert_eq!(FieldName::from("v").resolve().unwrap().kind, HeaderName::Via);
        let k = FieldName::from("X-Foo").resolve().unwrap();
        assert!(k.matches(HeaderName::Other, b"x-foo"));
        assert!(!k.matches(HeaderName::Other, b"x-bar"));
    }

    #[test]
    fn rfc3261_7_3_1_one_piece_heads_are_the_canonical_names() {
        for k in [
            HeaderName::Via,
            HeaderName::From,
            HeaderName::To,
            HeaderName::CallId,
            HeaderName::CSeq,
            HeaderName::Contact,
            HeaderName::Expires,
            HeaderName::MaxForwards,
            HeaderName::ContentType,
            HeaderName::Route,
            HeaderName::RecordRoute,
            HeaderName::Supported,
            HeaderName::Allow,
        ] {
            let mut v = k.as_str().as_bytes().to_vec();
            v.extend_from_slice(b": ");
            assert_eq!(head_of(k), Some(&v[..]), "{k:?}");
        }
        assert_eq!(head_of(HeaderName::Other), None);
    }

    /// What [`Fields::write`] must give: each field in list order as
    /// `CRLF Name ": " value`, its folds written with CRLF.
    fn one_by_one(f: &Fields) -> Vec<u8> {
        let mut out = Vec::new();
        for g in f.list.iter().filter(|g| g.kind != HeaderName::ContentLength) {
            out.extend_from_slice(b"\r\n");
            put_head(&mut out, g.kind, f.raw_name_of(g)).unwrap();
            put_folded(&mut out, f.value_of(g)).unwrap();
        }
        out
    }

    /// RFC 3261 §7.3.1: the run copy of stored lines writes every field
    /// once, in list order, whatever appends, sets, removals, prepends,
    /// refused values and copied folds left in the text: differential
    /// against writing the fields one by one.
    #[test]
    fn rfc3261_7_3_1_run_copy_equals_fields_written_one_by_one() {
        fn prop(ops: Vec<(u8, u8, alloc::string::String)>) -> bool {
            const NAMES: [&str; 6] = ["Via", "Route", "X-A", "x-b", "Subject", "Content-Length"];
            let mut f = Fields::default();
            for (op, n, v) in &ops {
                let key = FieldName::from(NAMES[usize::from(*n) % NAMES.len()]).resolve().unwrap();
                let v = v.as_bytes();
                match op % 6 {
                    0 => drop(f.append(key, v)),
                    1 => drop(f.set(key, v)),
                    2 => drop(f.prepend(key, v)),
                    3 => drop(f.remove(key)),
                    // A value copied from a parsed message: any LF in it
                    // is followed by white space (a fold).
                    4 => {
                        let mut t = v.to_vec();
                        t.retain(|&c| c != b'\r' && c != b'\n');
                        t.extend_from_slice(b"\n x");
                        f.append_trusted(key.kind, key.raw, &t, true);
                    }
                    // And one from a message without folds.
                    _ => f.append_trusted(
                        key.kind,
                        key.raw,
                        v.split(|&c| c == b'\r' || c == b'\n').next().unwrap(),
                        false,
                    ),
                }
            }
            let mut out = Vec::new();
            f.write(&mut out, 0, |_| Ok(())).unwrap();
            let expected = one_by_one(&f);
            // The kinds word says exactly which kinds the list holds.
            let kinds_exact = [HeaderName::Via, HeaderName::Route, HeaderName::Other, HeaderName::Subject]
                .into_iter()
                .all(|k| f.contains(k) == f.list.iter().any(|g| g.kind == k));
            kinds_exact && out == expected && out.windows(2).all(|w| w[1] != b'\n' || w[0] == b'\r')
        }
        quickcheck::QuickCheck::new().tests(500).quickcheck(prop as fn(_) -> bool);
    }

    /// Every kind has its own bit in the kinds bytes (Other is the last
    /// variant), so that `contains` never reads the list.
    #[test]
    fn every_header_kind_has_a_bit() {
        let (i, b) = bit(HeaderName::Other).unwrap();
        assert!(i < KIND_BYTES && b != 0);
        assert_ne!(bit(HeaderName::Via), bit(HeaderName::Accept));
    }

    /// RFC 3261 §7.3.1: a refused value leaves no line and no count of
    /// its head's LF behind, so that one bare-LF fold copied later is still
    /// told from the heads' LFs and written with CRLF.
    #[test]
    fn rfc3261_7_3_1_a_refused_value_does_not_hide_a_later_fold() {
        let mut f = Fields::default();
        let subj = FieldName::from(HeaderName::Subject).resolve().unwrap();
        assert!(f.set(subj, b"bad\r\nVia: x").is_err());
        f.append_trusted(HeaderName::Subject, b"", b"a,\n b", true);
        let mut out = Vec::new();
        f.write(&mut out, 0, |_| Ok(())).unwrap();
        assert_eq!(out, b"\r\nSubject: a,\r\n b");
    }

    #[test]
    fn set_replaces_first_and_removes_rest() {
        let mut f = Fields::default();
        let route = FieldName::from(HeaderName::Route).resolve().unwrap();
        let subj = FieldName::from(HeaderName::Subject).resolve().unwrap();
        f.append(route, b"<sip:a>").unwrap();
        f.append(subj, b"s").unwrap();
        f.append(route, b"<sip:b>").unwrap();
        f.set(route, b"<sip:c>").unwrap();
        let mut out = Vec::new();
        f.write(&mut out, 0, |_| Ok(())).unwrap();
        assert_eq!(out, b"\r\nRoute: <sip:c>\r\nSubject: s");
        assert_eq!(f.remove(route), 1);
        assert!(!f.contains(HeaderName::Route));
    }
}
