//! Headers whose values are `( name-addr / addr-spec ) *( SEMI param )`:
//! From, To, Contact, Route, Record-Route, Path, Reply-To,
//! P-Asserted-Identity and friends (RFC 3261 §20.10, §20.20, §20.30,
//! §20.34, §20.39, §25.1; RFC 3327; RFC 3325).
//!
//! §20.10: when the URI is not enclosed in `<>`, the parameters after it
//! belong to the header, not the URI (RFC 4475 §3.3.12 vs §3.3.13), and a
//! URI holding `,`, `;` or `?` must be enclosed (RFC 4475 §3.1.2.13).

use super::content::parse_qvalue;
use super::lists::TypedValues;
use crate::message::error::{Element, ErrorKind, ParseError};
use crate::message::lex;
use crate::message::name::HeaderName;
use crate::message::parse::Message;
use crate::message::uri::{AbsoluteUri, Uri};

/// A display name (RFC 3261 §25.1 `display-name`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DisplayName<'a> {
    /// A quoted string; the inside, quoted-pairs not yet resolved (iterate
    /// [`lex::Unquoted`] to resolve them).
    Quoted(&'a [u8]),
    /// `*(token LWS)`, as written (inner LWS kept).
    Tokens(&'a [u8]),
}

impl<'a> DisplayName<'a> {
    /// The display name's characters with quoted-pairs resolved.
    pub fn chars(&self) -> lex::Unquoted<'a> {
        match self {
            DisplayName::Quoted(s) | DisplayName::Tokens(s) => lex::Unquoted::new(s),
        }
    }
}

/// A name-addr or addr-spec with header parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NameAddr<'a> {
    /// The display name, if any (only in name-addr form).
    pub display_name: Option<DisplayName<'a>>,
    /// The URI.
    pub uri: Uri<'a>,
    /// True for the name-addr form (`<...>`).
    pub bracketed: bool,
    /// The header parameters (tag, expires, q, ...).
    pub params: lex::Params<'a>,
    /// The tag, found while the parameters were checked (dialog matching
    /// reads it on every message, RFC 3261 §12, §17.2.3).
    tag: Option<&'a str>,
}

impl<'a> NameAddr<'a> {
    /// What a NameAddr is before the parser fills it in: no display name,
    /// no parameters, and as its URI the empty text at the start of `v`. A
    /// value made at run time is written field by field (a dozen stores),
    /// where a 200-byte constant placeholder was a `memcpy` call.
    #[inline(always)]
    fn placeholder_at(v: &'a str) -> NameAddr<'a> {
        let empty = v.get(..0).unwrap_or("");
        NameAddr {
            display_name: None,
            uri: Uri::Other(AbsoluteUri { scheme: empty, raw: empty.as_bytes() }),
            bracketed: false,
            // Made from the same empty text, not copied from a constant.
            params: lex::Params::new(empty.as_bytes()),
            tag: None,
        }
    }

    /// Parses one value; errors are reported against [`HeaderName::Other`]
    /// (use [`NameAddr::parse_for`] to name the header).
    pub fn parse(v: &'a [u8]) -> Result<NameAddr<'a>, ParseError> {
        Self::parse_for(v, HeaderName::Other)
    }

    /// Parses one value of header `name`, given as text (a slice of the
    /// message's once-checked header section).
    pub fn parse_for_str(v: &'a str, name: HeaderName) -> Result<NameAddr<'a>, ParseError> {
        Self::parse_for_str_walk::<true>(v, name)
    }

    /// [`NameAddr::parse_for_str`] with the plain parameter reading
    /// ([`lex::Params::next_plain`]) or, for `PLAIN` false, the general
    /// walk alone: the tests' reference for the plain reading.
    #[inline(always)]
    fn parse_for_str_walk<const PLAIN: bool>(
        v: &'a str,
        name: HeaderName,
    ) -> Result<NameAddr<'a>, ParseError> {
        // Filled in place: a NameAddr is large, and each move of it (or of
        // its URI) through a `Result` is a copy.
        let mut a = NameAddr::placeholder_at(v);
        if PLAIN && name_addr_plain::<false, false>(v, &mut a).is_some() {
            return Ok(a);
        }
        let rest = Self::parse_unchecked_params(v, name, &mut a)?;
        // The tag is found while the parameters are checked, in one pass;
        // a `;tag=` first, as From and To nearly always have it, without
        // the general parameter walk.
        let (mut params, mut seen_tag) = params_after_leading_tag(&mut a, rest);
        while let Some(p) = if PLAIN { params.next_plain() } else { params.next_kind() } {
            let (p, _) = p.map_err(|_| ParseError::header(name))?;
            note_tag(&mut a.tag, &p, &mut seen_tag, rest, params.offset());
        }
        Ok(a)
    }

    /// [`NameAddr::parse_for_str`] straight into `out` (the message's From
    /// or To slot): the value is built where it is kept, not built, returned
    /// and copied. On error `out` is `None`.
    #[inline]
    pub(crate) fn parse_into(
        v: &'a str,
        name: HeaderName,
        out: &mut Option<NameAddr<'a>>,
    ) -> Result<(), ParseError> {
        let a = out.insert(NameAddr::placeholder_at(v));
        // The usual spelling in one straight pass; the rest (and every
        // error) by the general path, out of line as Via's (the plain
        // pass keeps a small frame).
        if name_addr_plain::<false, false>(v, a).is_some() {
            return Ok(());
        }
        Self::parse_into_general(v, name, out)
    }

    /// [`NameAddr::parse_into`] by the general path alone.
    #[inline(never)]
    fn parse_into_general(
        v: &'a str,
        name: HeaderName,
        out: &mut Option<NameAddr<'a>>,
    ) -> Result<(), ParseError> {
        let a = out.insert(NameAddr::placeholder_at(v));
        let r = Self::parse_in_place(v, name, a);
        if r.is_err() {
            *out = None;
        }
        r
    }

    /// The body of [`NameAddr::parse_for_str`], writing into `a` (kept
    /// apart from it: sharing one inlined body changed how the by-value
    /// path compiled, +69 instr/msg).
    #[inline(always)]
    #[cfg_attr(not(test), allow(dead_code))]
    fn parse_in_place(v: &'a str, name: HeaderName, a: &mut NameAddr<'a>) -> Result<(), ParseError> {
        let rest = Self::parse_unchecked_params(v, name, a)?;
        // The tag is found while the parameters are checked, in one pass;
        // a `;tag=` first, as From and To nearly always have it, without
        // the general parameter walk.
        let (mut params, mut seen_tag) = params_after_leading_tag(a, rest);
        // The plain spelling (and the end right after the tag) read
        // without the general walk's LWS skips.
        while let Some(p) = params.next_plain() {
            let (p, _) = p.map_err(|_| ParseError::header(name))?;
            note_tag(&mut a.tag, &p, &mut seen_tag, rest, params.offset());
        }
        Ok(())
    }

    /// One element of the name-addr list header `name` from `v`, the rest
    /// of its field, into `out`, ending its own element as
    /// [`ContactValue::parse_rest_into`] does (same forms, same reasons).
    pub(crate) fn parse_rest_into(
        v: &'a str,
        name: HeaderName,
        out: &mut Option<Result<NameAddr<'a>, ParseError>>,
    ) -> Option<usize> {
        // The usual spelling in one straight pass, the rest out of line.
        if matches!(v.as_bytes().first(), Some(b'<' | b'"'))
            && let Ok(a) = out.insert(Ok(NameAddr::placeholder_at(v)))
            && let Some(end) = name_addr_plain::<false, true>(v, a)
        {
            return Some(end);
        }
        Self::parse_rest_general(v, name, out)
    }

    /// [`NameAddr::parse_rest_into`] by the general path alone.
    #[inline(never)]
    fn parse_rest_general(
        v: &'a str,
        name: HeaderName,
        out: &mut Option<Result<NameAddr<'a>, ParseError>>,
    ) -> Option<usize> {
        let b = v.as_bytes();
        let first = lex::skip_lws(b, 0);
        if !matches!(b.get(first), Some(b'<' | b'"')) {
            let end = lex::find_top_level_comma(b, 0);
            *out =
                Some(v.get(..end).ok_or(ParseError::header(name)).and_then(|e| Self::parse_for_str(e, name)));
            return Some(end);
        }
        let Ok(a) = out.insert(Ok(NameAddr::placeholder_at(v))) else {
            return None;
        };
        let r = (|| {
            let rest = Self::parse_unchecked_params(v, name, a)?;
            let (mut params, mut seen_tag) = params_after_leading_tag(a, rest);
            loop {
                let at = params.offset();
                match params.next_plain() {
                    None => return Ok(v.len()),
                    Some(Ok((p, _))) => note_tag(&mut a.tag, &p, &mut seen_tag, rest, params.offset()),
                    Some(Err(_)) => {
                        return params_end_at_comma(v, rest, at, &mut a.params)
                            .ok_or(ParseError::header(name));
                    }
                }
            }
        })();
        match r {
            Ok(end) => Some(end),
            Err(e) => {
                *out = Some(Err(e));
                None
            }
        }
    }

    /// Parses one value of header `name`.
    pub fn parse_for(v: &'a [u8], name: HeaderName) -> Result<NameAddr<'a>, ParseError> {
        Self::parse_for_str(core::str::from_utf8(v).map_err(|_| ParseError::header(name))?, name)
    }

    /// Parses everything but the header parameters, which the caller must
    /// walk (and so check) itself: Contact checks its own in one pass.
    /// Also returns the text the parameters were cut from.
    ///
    /// The form is told by the first byte (RFC 3261 §25.1): `"` or `<`
    /// start a name-addr, a token is a display name if tokens and LWS lead
    /// to a `<` and otherwise the scheme of an addr-spec (no display-name
    /// token is followed by `:`). Nothing is searched for ahead of the
    /// parse, and the URI of a name-addr is parsed up to its `>` in one go.
    #[inline(always)]
    fn parse_unchecked_params(
        v: &'a str,
        name: HeaderName,
        out: &mut NameAddr<'a>,
    ) -> Result<&'a str, ParseError> {
        let err = ParseError::header(name);
        let b = v.as_bytes();
        // Trim LWS bytes from both ends, as a whole value was trimmed. The
        // values the parser cuts out of a field are trimmed already (the
        // usual case): two byte tests instead of the two loops.
        let (a, z) = trim_bounds(b);
        let bt = b.get(..z).ok_or(err)?;
        let (display_name, lt) = match bt.get(a) {
            Some(b'"') => {
                // RFC 4475 §3.1.2.6: an unterminated quote is an error.
                let end = scan_display_quoted(bt, a).ok_or(err)?;
                // The usual spelling, `"name" <`, told by one two-byte
                // compare; anything else (no space, a fold, more LWS)
                // through skip_lws, which finds the same `<` there.
                let lt = laquot_after_display_name(bt, end);
                if bt.get(lt) != Some(&b'<') {
                    return Err(err);
                }
                (Some(DisplayName::Quoted(bt.get(a + 1..end - 1).ok_or(err)?)), lt)
            }
            Some(b'<') => (None, a),
            Some(&c) if lex::is_token(c) => match display_tokens(bt, a) {
                Some((dn_end, lt)) => (Some(DisplayName::Tokens(bt.get(a..dn_end).ok_or(err)?)), lt),
                None => return Self::parse_addr_spec(v, a, z, name, out),
            },
            _ => return Self::parse_addr_spec(v, a, z, name, out),
        };
        // One-sided cuts here and below: a two-sided `str::get` is called
        // out of line, with the same char-boundary checks.
        let inner = v.get(..z).and_then(|t| t.get(lt + 1..)).ok_or(err)?;
        let mut gt = 0;
        Uri::parse_bracketed(inner, &mut gt, &mut out.uri)
            .map_err(|e| ParseError::new(Element::Header(name), e.kind))?;
        if inner.as_bytes().get(gt) != Some(&b'>') {
            return Err(err);
        }
        let rest = inner.get(gt + 1..).ok_or(err)?;
        out.display_name = display_name;
        out.bracketed = true;
        out.params = lex::Params::new(rest.as_bytes());
        Ok(rest)
    }

    /// The addr-spec form, `v[a..z]` trimmed: the URI ends at the first
    /// `;` (§20.10), holds no LWS (RFC 4475 §3.1.2.14) and no headers
    /// (§3.1.2.13).
    #[inline(never)]
    fn parse_addr_spec(
        v: &'a str,
        a: usize,
        z: usize,
        name: HeaderName,
        out: &mut NameAddr<'a>,
    ) -> Result<&'a str, ParseError> {
        let err = ParseError::header(name);
        let b = v.as_bytes();
        let body = b.get(a..z).ok_or(err)?;
        let end = lex::find_byte(b';', body).map_or(z, |k| a + k);
        let (mut ua, mut ub) = (a, end);
        while ua < ub && b.get(ua).is_some_and(|&c| is_lws_byte(c)) {
            ua += 1;
        }
        while ub > ua && b.get(ub - 1).is_some_and(|&c| is_lws_byte(c)) {
            ub -= 1;
        }
        // One-sided cuts: a two-sided `str::get` is an out-of-line call.
        let uri_raw = v.get(..ub).and_then(|t| t.get(ua..)).ok_or(err)?;
        if uri_raw.is_empty() || lex::has_ctl_or_sp(uri_raw.as_bytes()) {
            return Err(err);
        }
        let uri = Uri::parse_str(uri_raw).map_err(|e| ParseError::new(Element::Header(name), e.kind))?;
        if uri.sip().is_some_and(|u| u.headers.is_some()) {
            return Err(err);
        }
        let rest = v.get(..z).and_then(|t| t.get(end..)).ok_or(err)?;
        out.uri = uri;
        out.params = lex::Params::new(rest.as_bytes());
        Ok(rest)
    }

    /// A header parameter: `Some(None)` if present without a value.
    pub fn param(&self, name: &str) -> Option<Option<&'a [u8]>> {
        self.params.get(name)
    }

    /// The `tag` parameter (§19.3).
    pub fn tag(&self) -> Option<&'a str> {
        self.tag
    }
}

/// The usual bracketed name-addr, read in one straight pass (RFC 3261
/// §25.1 `name-addr *(SEMI generic-param)`, §20.10, §20.20, §20.39):
/// `<` or a quoted display name and ` <` at the very start, a SIP URI by
/// [`Uri::parse_bracketed_plain`] up to its `>`, then `;tag=token`
/// parameters and, for `CONTACT` only, any `;name[=value]` with the
/// name a token run ended by `=`, `;`, `,` or the end, and the value a
/// token run not followed by `:` or a quoted string (what
/// [`lex::Params::next_plain`] reads with no LWS anywhere), up to the
/// end or, for `LIST`, a `,` right after a parameter (the list element's
/// end, RFC 3261 §7.3.1). `tag` must have a token value (§19.3, the
/// first one is kept); for `CONTACT`, `expires` one to nine digits and
/// `q` a qvalue (§20.10 `c-p-expires`, `c-p-q`), checked where they are
/// read. Every `skip_lws` and trim of the general path is the identity
/// on such text, so the general path gives the same value, cut at the
/// same places.
///
/// Answers where the value ends in `v` only when the whole value has that
/// shape; anything else (LWS, a fold, a token display name, an addr-spec,
/// a quoted tag, a parameter value the contact check would read, any
/// error) gives `None`, and the caller's general path parses it from the
/// start and reports the error. Only the URI and a quoted display name
/// may have been written then, which the general path writes again before
/// anything reads them: it starts from a fresh placeholder, or (the
/// by-value parsers) reads the same value, whose first byte `"` takes its
/// quoted display-name branch, which writes the name or fails.
#[inline(always)]
fn name_addr_plain<'a, const CONTACT: bool, const LIST: bool>(
    v: &'a str,
    a: &mut NameAddr<'a>,
) -> Option<usize> {
    let b = v.as_bytes();
    let lt = match b.first()? {
        b'<' => 0,
        b'"' => {
            let end = scan_display_quoted(b, 0)?;
            if b.get(end..end + 2) != Some(b" <") {
                return None;
            }
            // Written now, not kept live across the URI's reading (three
            // words spilled to the stack and read back for the final
            // stores); the placeholder's None stands for `<`. Measured:
            // 6,541 -> 6,496 instr/msg, 4,941 -> 4,911 parse only.
            a.display_name = Some(DisplayName::Quoted(b.get(1..end - 1)?));
            end + 1
        }
        _ => return None,
    };
    let inner = v.get(lt + 1..)?;
    let mut gt = 0;
    // From and To (not a list, not a Contact) read URI parameters by a
    // call: theirs seldom have any, and the parse-time pass stays small.
    let plain = if CONTACT {
        Uri::parse_bracketed_plain::<false, true>(inner, &mut gt, &mut a.uri)
    } else if LIST {
        Uri::parse_bracketed_plain::<false, false>(inner, &mut gt, &mut a.uri)
    } else {
        Uri::parse_bracketed_plain::<true, false>(inner, &mut gt, &mut a.uri)
    };
    if !plain {
        return None;
    }
    if inner.as_bytes().get(gt) != Some(&b'>') {
        return None;
    }
    let rest = inner.get(gt + 1..)?;
    let r = rest.as_bytes();
    // From and To (neither a Contact nor a list element) end, nearly
    // always, right after the `>` or with one `;tag=` and its token
    // running to the end (RFC 3261 §19.3): written at once, without the
    // loop's second turn, the first tag's bounds kept across it and its
    // value cut at both ends (the end is the text's, which needs no
    // char-boundary test; a token's first byte is ASCII). The loop below
    // gives the same for these, and reads every other spelling.
    if !CONTACT && !LIST {
        let end = lt + 1 + gt + 1 + r.len();
        if r.is_empty() {
            a.bracketed = true;
            a.params = lex::Params::new(r);
            return Some(end);
        }
        if let Some(&[s0, s1, s2, s3, eq]) = r.first_chunk::<5>() {
            const SEMI_TAG: u32 = u32::from_le_bytes(*b";tag");
            const FOLD: u32 = u32::from_le_bytes([0, 0x20, 0x20, 0x20]);
            if u32::from_le_bytes([s0, s1, s2, s3]) | FOLD == SEMI_TAG
                && eq == b'='
                && let Some(value) = r.get(5..)
                && !value.is_empty()
                && is_token_tail(b, value.len())
            {
                a.tag = Some(rest.get(5..)?);
                a.bracketed = true;
                a.params = lex::Params::new(r);
                return Some(end);
            }
        }
    }
    // The first tag value's bounds in `rest`.
    let mut tag: Option<(usize, usize)> = None;
    let mut i = 0;
    loop {
        match r.get(i) {
            None => break,
            Some(b',') if LIST => break,
            Some(b';') => {}
            _ => return None,
        }
        // The names nearly every value carries told by one word compare
        // (0x20 OR-ed onto the letters only, exact as in is_tag_name):
        // `tag=` (§19.3) with its token value, `expires=` (§20.10) with
        // one to nine digits, `+sip.instance="` (RFC 5626 §4.1) with its
        // quoted string; the same reading as the name scan below, which
        // ends these names at the `=` too.
        //
        // For a Contact, the byte after the `;` (0x20 OR-ed on) tells
        // which of them can be there at all, as each compare needs it
        // (`+`, `e`): any other parameter pays this one dispatch, not the
        // compares. A Contact's tag (which no Contact carries in practice)
        // is the general path's, which notes it: the pass keeps no tag
        // state for it. From and To, whose one parameter is nearly always
        // the tag, go straight to its compare.
        let k = r.get(i + 1).map_or(0, |&c| c | 0x20);
        if !CONTACT && let Some(w) = r.get(i..).and_then(<[u8]>::first_chunk::<5>) {
            const SEMI_TAG: u32 = u32::from_le_bytes(*b";tag");
            const FOLD: u32 = u32::from_le_bytes([0, 0x20, 0x20, 0x20]);
            let &[s0, s1, s2, s3, eq] = w;
            if u32::from_le_bytes([s0, s1, s2, s3]) | FOLD == SEMI_TAG && eq == b'=' {
                let t = lex::scan_token(r, i + 5);
                if t == i + 5 || r.get(t) == Some(&b':') {
                    return None;
                }
                if tag.is_none() {
                    tag = Some((i + 5, t));
                }
                i = t;
                continue;
            }
        }
        if CONTACT
            && k == b'+'
            && r.get(i..).and_then(<[u8]>::first_chunk::<16>) == Some(b";+sip.instance=\"")
        {
            i = lex::scan_quoted_words(r, i + 15)?;
            continue;
        }
        if CONTACT
            && k == b'e'
            && r.get(i + 1..)
                .and_then(<[u8]>::first_chunk::<8>)
                .is_some_and(|e| lex::is_expires_eq(u64::from_le_bytes(*e)))
        {
            // What the loop's head accepts after the digits is what the
            // shared reader ends them at (a `,` outside a list stops the
            // pass there).
            i = lex::expires_digits_end(r, i + 9)?;
            continue;
        }
        // A name-addr's other header parameters (From, To, Route, ...
        // carry none but the tag in practice) to the general path: the
        // parse-time pass stays the tag's alone, a smaller body.
        if !CONTACT {
            return None;
        }
        let n0 = i + 1;
        let n1 = lex::scan_token(r, n0);
        let name = r.get(n0..n1)?;
        if name.is_empty() {
            return None;
        }
        match r.get(n1) {
            // No value: a tag needs one, and the general path keeps its
            // absence; any other name is a generic-param (for Contact a
            // contact-extension).
            None | Some(b';' | b',') => {
                if is_tag_name(name) {
                    return None;
                }
                i = n1;
            }
            Some(b'=') => {
                let v0 = n1 + 1;
                let (end, token) = match r.get(v0) {
                    Some(&c) if lex::is_token(c) => {
                        let t = lex::scan_token(r, v0);
                        // A ':' widens it to a gen-value: the walk's.
                        if r.get(t) == Some(&b':') {
                            return None;
                        }
                        (t, true)
                    }
                    Some(b'"') => (lex::scan_quoted_words(r, v0)?, false),
                    _ => return None,
                };
                if is_tag_name(name) {
                    if CONTACT || !token {
                        return None;
                    }
                    if tag.is_none() {
                        tag = Some((v0, end));
                    }
                } else if CONTACT && matches!(name, [b'q' | b'Q']) {
                    // Checked in place, not by the call that also takes its
                    // value (some hundred instructions for `0.5`). An
                    // `expires=` never comes here: the word compare above
                    // takes every one (it needs the same eight bytes the
                    // name scan ends at the `=`), and a value it refuses
                    // ends the pass.
                    if !is_qvalue(r.get(v0..end)?) {
                        return None;
                    }
                }
                i = end;
            }
            _ => return None,
        }
    }
    let params = r.get(..i)?;
    a.tag = match tag {
        Some((t0, t1)) => Some(rest.get(..t1)?.get(t0..)?),
        None => None,
    };
    a.bracketed = true;
    a.params = lex::Params::new(params);
    Some(lt + 1 + gt + 1 + i)
}

/// [`lex::is_token_run`] of the last `n` bytes of `text` (a tag running
/// to the end of its From or To value, RFC 3261 §19.3); false if `text`
/// is shorter. A tag is nearly always letters and digits, all `token`
/// bytes (§25.1): with SSE2, the last sixteen bytes of `text` are loaded
/// with one bounds test and the run's lanes (the top `n`) tested for
/// alphanumerics at once. A run of more than sixteen bytes, a shorter
/// text or any other byte is left to the run test. The window answers
/// only where every byte is alphanumeric, so the result is the run
/// test's for every input (an empty run is a token run too).
#[inline(always)]
fn is_token_tail(text: &[u8], n: usize) -> bool {
    #[cfg(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2"))]
    if let (1..=16, Some(w)) = (n, text.last_chunk::<16>()) {
        let alnum = lex::sse2::alphanum_bits(w);
        // 1..=16 lanes: both shifts are below 32.
        let n = n as u32;
        if alnum >> (16 - n) == (1u32 << n) - 1 {
            return true;
        }
    }
    text.len().checked_sub(n).and_then(|k| text.get(k..)).is_some_and(lex::is_token_run)
}

/// Whether `v` is a `qvalue` (RFC 3261 §25.1), as [`parse_qvalue`] tells
/// it (inlined here, the value itself is not computed).
#[inline(always)]
fn is_qvalue(v: &[u8]) -> bool {
    parse_qvalue(v).is_some()
}

/// Records the first `tag` parameter (as `params.get("tag")` would); `end`
/// is where its value ends in `text`, the parameters' text, so the value
/// is cut from it as text with no UTF-8 check.
#[inline(always)]
fn note_tag<'a>(tag: &mut Option<&'a str>, p: &lex::Param<'a>, seen: &mut bool, text: &'a str, end: usize) {
    // Tested before `seen`, so that the test is not a branch of its own
    // (measured: -36 instr/msg against the other order).
    let is_tag = is_tag_name(p.name);
    if !*seen && is_tag {
        *seen = true;
        *tag = p.value.and_then(|v| text.get(..end)?.get(end - v.len()..));
    }
}

/// The walk over the parameters of `a` (their text `rest`) that checks
/// them and finds the tag, with a leading `;tag=` (as From and To nearly
/// always have) already taken into `a.tag` by [`leading_tag`], without the
/// general walk; and whether the tag was seen.
#[inline(always)]
fn params_after_leading_tag<'a>(a: &mut NameAddr<'a>, rest: &'a str) -> (lex::Params<'a>, bool) {
    match leading_tag(rest) {
        Some((tag, end)) => {
            a.tag = Some(tag);
            (a.params.resumed_at(end), true)
        }
        None => (a.params, false),
    }
}

/// A `;tag=` at the start of the parameters `rest`, spelled without LWS
/// and with a token value not followed by `:`: the tag and where it ends.
/// That is what [`lex::Params`] reads there (first parameter `tag`, its
/// value the token run, the walk resuming after it), found by one word
/// test and the token scan; any other spelling is left to the walk.
#[inline(always)]
fn leading_tag(rest: &str) -> Option<(&str, usize)> {
    let b = rest.as_bytes();
    let &[semi, t, a, g, eq] = b.first_chunk::<5>()?;
    // `;tag` in one word compare: 0x20 OR-ed onto the letters only (as
    // is_tag_name, exact for letters), the `;` compared as it is.
    const SEMI_TAG: u32 = u32::from_le_bytes(*b";tag");
    const FOLD: u32 = u32::from_le_bytes([0, 0x20, 0x20, 0x20]);
    if u32::from_le_bytes([semi, t, a, g]) | FOLD != SEMI_TAG || eq != b'=' {
        return None;
    }
    let e = lex::scan_token(b, 5);
    if e == 5 || b.get(e) == Some(&b':') {
        return None;
    }
    Some((rest.get(..e)?.get(5..)?, e))
}

/// `name` is `tag` in any case. `c | 0x20` is `t`, `a` or `g` exactly
/// when `c` is that letter in either case: the case-insensitive compare
/// without folding both sides byte by byte.
#[inline(always)]
fn is_tag_name(name: &[u8]) -> bool {
    matches!(name, &[t, a, g] if t | 0x20 == b't' && a | 0x20 == b'a' && g | 0x20 == b'g')
}

/// [`lex::scan_quoted`] of the quoted display name opening at `a`: the
/// position just past its closing DQUOTE. Display names are short: the
/// first sixteen bytes after the DQUOTE, loaded with one bounds test, are
/// tested once for the bytes that are not plain qdtext (RFC 3261 §25.1:
/// a control byte, DQUOTE, `\` or DEL; the step of
/// [`lex::scan_quoted`]). A DQUOTE found first ends the name; anything
/// else (an escape, a fold, a byte with no place in a quoted string, a
/// longer name, fewer than sixteen bytes after the DQUOTE) is left to
/// scan_quoted, out of line. One step rather than scan_quoted's loop
/// inline: the loop measured +21 a From/To value (register pressure in
/// the name-addr pass).
#[inline(always)]
fn scan_display_quoted(v: &[u8], a: usize) -> Option<usize> {
    let j = a + 1;
    // Loaded with one bounds test.
    if let Some(p) = v.get(j..).and_then(<[u8]>::first_chunk::<16>) {
        #[cfg(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2"))]
        let first = {
            let m = lex::quoted_stops16_sse2(p);
            (m != 0).then(|| m.trailing_zeros() as usize)
        };
        #[cfg(not(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2")))]
        let first = lex::quoted_first_stop16(p);
        if let Some(off) = first {
            let k = j + off;
            if v.get(k) == Some(&b'"') && v.get(a) == Some(&b'"') {
                return Some(k + 1);
            }
        }
    }
    lex::scan_quoted(v, a)
}

/// Where `b` trimmed of LWS bytes from both ends starts and ends: at its
/// ends when neither end byte is LWS, told by two byte tests; otherwise
/// by the loops of [`lws_trim_bounds`].
#[inline(always)]
fn trim_bounds(b: &[u8]) -> (usize, usize) {
    match (b.first(), b.last()) {
        (Some(&f), Some(&l)) if !is_lws_byte(f) && !is_lws_byte(l) => (0, b.len()),
        _ => lws_trim_bounds(b),
    }
}

/// Where `b` trimmed of LWS bytes from both ends starts and ends (the
/// general case of [`trim_bounds`]).
#[inline(never)]
fn lws_trim_bounds(b: &[u8]) -> (usize, usize) {
    let mut z = b.len();
    while z > 0 && b.get(z - 1).is_some_and(|&c| is_lws_byte(c)) {
        z -= 1;
    }
    let mut a = 0;
    while a < z && b.get(a).is_some_and(|&c| is_lws_byte(c)) {
        a += 1;
    }
    (a, z)
}

/// [`lex::skip_lws`] from `end`, just past a quoted display name: the
/// usual spelling, `"name" <`, told by one two-byte compare (the SP is
/// skipped and the walk stops at the `<`, as skip_lws would); anything
/// else (no SP, HTAB, a fold, more LWS) through skip_lws itself.
#[inline(always)]
fn laquot_after_display_name(bt: &[u8], end: usize) -> usize {
    if bt.get(end..end + 2) == Some(b" <") { end + 1 } else { lex::skip_lws(bt, end) }
}

/// True for SP, HTAB, CR and LF, what trimming a value removes.
#[inline(always)]
fn is_lws_byte(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

/// `display-name = *(token LWS)` from `a`, which holds a token byte: the
/// end of its last token and the position of the `<` after it, or `None`
/// if the tokens and LWS do not lead to a `<` (RFC 4475 §3.1.2.15: only
/// tokens and LWS before `<`; §3.1.1.6: no LWS needed before it).
#[inline(always)]
fn display_tokens(v: &[u8], a: usize) -> Option<(usize, usize)> {
    let mut i = a;
    loop {
        let j = lex::scan_token(v, i);
        let k = lex::skip_lws(v, j);
        match v.get(k) {
            Some(b'<') => return Some((j, k)),
            Some(&c) if k > j && lex::is_token(c) => i = k,
            _ => return None,
        }
    }
}

/// One Contact value (RFC 3261 §20.10): `*` or an address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContactValue<'a> {
    /// `Contact: *` (REGISTER removing all bindings, §10.2.2).
    Star,
    /// An address with contact-params.
    Addr(NameAddr<'a>),
}

impl<'a> ContactValue<'a> {
    /// Parses one Contact value given as text.
    pub fn parse_str(v: &'a str) -> Result<ContactValue<'a>, ParseError> {
        Self::parse_str_walk::<true>(v)
    }

    /// [`ContactValue::parse_str`] with the plain parameter reading or, for
    /// `PLAIN` false, the general walk alone: the tests' reference for the
    /// plain reading.
    #[inline(always)]
    fn parse_str_walk<const PLAIN: bool>(v: &'a str) -> Result<ContactValue<'a>, ParseError> {
        // `*` (§20.10). Only a value whose first byte past LWS is '*' (a
        // display-name token may start with one too) is trimmed to see.
        let b = v.as_bytes();
        let first = b.iter().position(|&c| !is_lws_byte(c));
        if first.is_some_and(|k| b.get(k) == Some(&b'*')) && lex::trim_lws(b) == b"*" {
            return Ok(ContactValue::Star);
        }
        let mut a = NameAddr::placeholder_at(v);
        if PLAIN && name_addr_plain::<true, false>(v, &mut a).is_some() {
            return Ok(ContactValue::Addr(a));
        }
        let rest = NameAddr::parse_unchecked_params(v, C, &mut a)?;
        let mut params = a.params;
        let mut seen_tag = false;
        loop {
            if PLAIN && params.skip_plain_contact_known() {
                continue;
            }
            let Some(p) = (if PLAIN { params.next_plain() } else { params.next_kind() }) else { break };
            let (p, _) = p.map_err(|_| ParseError::header(C))?;
            check_contact_param(&mut a, &p, &mut seen_tag, rest, params.offset())?;
        }
        Ok(ContactValue::Addr(a))
    }

    /// One Contact list element from `v`, the rest of its field, into
    /// `out` (see [`lists::DecodeIntoFn`](super::lists::DecodeIntoFn)).
    /// The usual bracketed form (first byte past LWS `<` or `"`) ends its
    /// own element: the parameter walk after `>` stops where it meets a
    /// `,` instead of a `;`. That is the comma the list splitter finds
    /// (RFC 3261 §7.3.1): it skips the `<...>` and quoted strings the
    /// parse has read, and a parameter holds no other `<` or `"`. Other
    /// forms (`*`, a token display name, an addr-spec) are cut at the
    /// splitter's comma and parsed as one element.
    pub(crate) fn parse_rest_into(
        v: &'a str,
        out: &mut Option<Result<ContactValue<'a>, ParseError>>,
    ) -> Option<usize> {
        // The usual spelling in one straight pass, the rest out of line.
        if matches!(v.as_bytes().first(), Some(b'<' | b'"'))
            && let Ok(ContactValue::Addr(a)) = out.insert(Ok(ContactValue::Addr(NameAddr::placeholder_at(v))))
            && let Some(end) = name_addr_plain::<true, true>(v, a)
        {
            return Some(end);
        }
        Self::parse_rest_general(v, out)
    }

    /// [`ContactValue::parse_rest_into`] by the general path alone.
    #[inline(never)]
    fn parse_rest_general(
        v: &'a str,
        out: &mut Option<Result<ContactValue<'a>, ParseError>>,
    ) -> Option<usize> {
        let b = v.as_bytes();
        let first = lex::skip_lws(b, 0);
        if !matches!(b.get(first), Some(b'<' | b'"')) {
            let end = lex::find_top_level_comma(b, 0);
            *out = Some(v.get(..end).ok_or(ParseError::header(C)).and_then(Self::parse_str));
            return Some(end);
        }
        let Ok(ContactValue::Addr(a)) = out.insert(Ok(ContactValue::Addr(NameAddr::placeholder_at(v))))
        else {
            return None;
        };
        let r = (|| {
            let rest = NameAddr::parse_unchecked_params(v, C, a)?;
            let mut params = a.params;
            let mut seen_tag = false;
            loop {
                // expires and +sip.instance stepped over as the walk and
                // the check below would read and accept them.
                if params.skip_plain_contact_known() {
                    continue;
                }
                let at = params.offset();
                match params.next_plain() {
                    None => return Ok(v.len()),
                    Some(Ok((p, _))) => check_contact_param(a, &p, &mut seen_tag, rest, params.offset())?,
                    Some(Err(_)) => {
                        return params_end_at_comma(v, rest, at, &mut a.params).ok_or(ParseError::header(C));
                    }
                }
            }
        })();
        match r {
            Ok(end) => Some(end),
            Err(e) => {
                *out = Some(Err(e));
                None
            }
        }
    }

    /// Parses one Contact value.
    pub fn parse(v: &'a [u8]) -> Result<ContactValue<'a>, ParseError> {
        Self::parse_str(core::str::from_utf8(v).map_err(|_| ParseError::header(HeaderName::Contact))?)
    }

    /// The address, unless this is `*`.
    pub fn addr(&self) -> Option<&NameAddr<'a>> {
        match self {
            ContactValue::Star => None,
            ContactValue::Addr(a) => Some(a),
        }
    }

    /// The URI, unless this is `*`.
    pub fn uri(&self) -> Option<Uri<'a>> {
        self.addr().map(|a| a.uri)
    }

    /// A contact-param.
    pub fn param(&self, name: &str) -> Option<Option<&'a [u8]>> {
        self.addr()?.param(name)
    }

    /// The `expires` contact-param (§20.10), overflow an error; `None` if
    /// absent or given without a value.
    pub fn expires(&self) -> Option<Result<u32, ParseError>> {
        let v = self.param("expires")??;
        Some(super::scalar::parse_u32_field(v, HeaderName::Contact))
    }

    /// The `q` contact-param in thousandths (`q=0.7` is 700); `None` if
    /// absent or given without a value.
    pub fn q(&self) -> Option<Result<u16, ParseError>> {
        let v = self.param("q")??;
        Some(parse_qvalue(v).ok_or(ParseError::header(HeaderName::Contact)))
    }

    /// The `+sip.instance` contact-param without its quotes (RFC 5626 §4.1).
    pub fn instance(&self) -> Option<&'a [u8]> {
        let a = self.addr()?;
        a.params
            .map_while(Result::ok)
            .find(|p| lex::eq_ic(p.name, b"+sip.instance"))
            .and_then(|p| p.unquoted())
    }

    /// The `reg-id` contact-param (RFC 5626 §4.2).
    pub fn reg_id(&self) -> Option<u32> {
        lex::parse_u32(self.param("reg-id")??)
    }
}

const C: HeaderName = HeaderName::Contact;

/// Checks one contact-param `p` of `a` (and notes a tag): the scalar ones
/// by value (RFC 4475 §3.1.2.4: an expires above 2**32-1 is invalid).
/// `text` is the parameters' text, `end` where `p` ends in it.
#[inline(always)]
fn check_contact_param<'a>(
    a: &mut NameAddr<'a>,
    p: &lex::Param<'a>,
    seen_tag: &mut bool,
    text: &'a str,
    end: usize,
) -> Result<(), ParseError> {
    note_tag(&mut a.tag, p, seen_tag, text, end);
    // Without a value these are contact-extensions (generic-param,
    // RFC 3261 §25.1); with one, the value must fit c-p-expires / c-p-q.
    let Some(value) = p.value else { return Ok(()) };
    match (p.name.len(), p.name.first().map_or(0, |c| c | 0x20)) {
        (7, b'e') if is_expires_name(p.name) => {
            // One to nine digits cannot overflow: checked here, without
            // the call; anything else as the field rule.
            let short = (1..=9).contains(&value.len()) && value.iter().all(u8::is_ascii_digit);
            if !short {
                super::scalar::parse_u32_field(value, C)?;
            }
        }
        (1, b'q') => {
            parse_qvalue(value).ok_or(ParseError::header(C))?;
        }
        _ => {}
    }
    Ok(())
}

/// `name` is `expires` in any case, told by two overlapping four-byte
/// words with `0x20` OR-ed in: exact, as in [`is_tag_name`], since every
/// byte it is compared with is a letter (`c | 0x20` is a lower-case
/// letter exactly when `c` is that letter in either case).
#[inline(always)]
fn is_expires_name(name: &[u8]) -> bool {
    const FOLD: u32 = 0x2020_2020;
    match name {
        &[a, b, c, d, e, f, g] => {
            u32::from_le_bytes([a, b, c, d]) | FOLD == u32::from_le_bytes(*b"expi")
                && u32::from_le_bytes([d, e, f, g]) | FOLD == u32::from_le_bytes(*b"ires")
        }
        _ => false,
    }
}

/// The parameter walk over `rest` (a slice of the list's rest `v`) failed
/// just after offset `at`, where the last good parameter ended: if a `,`
/// follows there past LWS, the list element ends at it (RFC 3261 §7.3.1),
/// and `params` is cut to the parameters before it, as they read for the
/// element cut and trimmed by the splitter. Returns that comma's position
/// in `v`; `None` if the walk failed on anything else.
#[inline(always)]
fn params_end_at_comma<'a>(
    v: &'a str,
    rest: &'a str,
    at: usize,
    params: &mut lex::Params<'a>,
) -> Option<usize> {
    let pb = rest.as_bytes();
    let k = lex::skip_lws(pb, at);
    if pb.get(k) != Some(&b',') {
        return None;
    }
    *params = lex::Params::new(pb.get(..at)?);
    // `rest` is a slice of `v`: its offset there, by address.
    Some(rest.as_ptr() as usize - v.as_ptr() as usize + k)
}

fn decode_name_addr<'a>(v: &'a str, name: HeaderName) -> Result<NameAddr<'a>, ParseError> {
    NameAddr::parse_for_str(v, name)
}

fn decode_name_addr_into<'a>(
    v: &'a str,
    name: HeaderName,
    out: &mut Option<Result<NameAddr<'a>, ParseError>>,
) -> Option<usize> {
    NameAddr::parse_rest_into(v, name, out)
}

fn decode_contact<'a>(v: &'a str, _: HeaderName) -> Result<ContactValue<'a>, ParseError> {
    ContactValue::parse_str(v)
}

fn decode_contact_into<'a>(
    v: &'a str,
    _: HeaderName,
    out: &mut Option<Result<ContactValue<'a>, ParseError>>,
) -> Option<usize> {
    ContactValue::parse_rest_into(v, out)
}

impl<'a> Message<'a> {
    /// From (§20.20; checked at parse time).
    pub fn from(&self) -> Result<NameAddr<'a>, ParseError> {
        self.from.ok_or(ParseError::new(Element::Header(HeaderName::From), ErrorKind::Missing))
    }

    /// To (§20.39; checked at parse time).
    pub fn to(&self) -> Result<NameAddr<'a>, ParseError> {
        self.to.ok_or(ParseError::new(Element::Header(HeaderName::To), ErrorKind::Missing))
    }

    /// Reply-To (§20.31), if present.
    pub fn reply_to(&self) -> Result<Option<NameAddr<'a>>, ParseError> {
        self.header(HeaderName::ReplyTo).map(|v| NameAddr::parse_for(v, HeaderName::ReplyTo)).transpose()
    }

    /// Every Contact value, across fields.
    pub fn contacts(&self) -> TypedValues<'_, 'a, ContactValue<'a>> {
        // Only the index span the header loop recorded is walked.
        let span = self.spans.contact;
        TypedValues::list_into_span(self, HeaderName::Contact, span, decode_contact, decode_contact_into)
    }

    /// Every value of a name-addr list header (Route, Record-Route, Path,
    /// P-Asserted-Identity, ...), across fields.
    pub fn name_addrs(&self, name: HeaderName) -> TypedValues<'_, 'a, NameAddr<'a>> {
        TypedValues::list_into(self, name, decode_name_addr, decode_name_addr_into)
    }

    /// Route values in order (§20.34).
    pub fn routes(&self) -> TypedValues<'_, 'a, NameAddr<'a>> {
        // As name_addrs(Route), over the index span the header loop
        // recorded.
        let span = self.spans.route;
        TypedValues::list_into_span(self, HeaderName::Route, span, decode_name_addr, decode_name_addr_into)
    }

    /// Record-Route values in order (§20.30).
    pub fn record_routes(&self) -> TypedValues<'_, 'a, NameAddr<'a>> {
        self.name_addrs(HeaderName::RecordRoute)
    }

    /// Path values in order (RFC 3327).
    pub fn paths(&self) -> TypedValues<'_, 'a, NameAddr<'a>> {
        self.name_addrs(HeaderName::Path)
    }

    /// P-Asserted-Identity values (RFC 3325).
    pub fn p_asserted_identities(&self) -> TypedValues<'_, 'a, NameAddr<'a>> {
        self.name_addrs(HeaderName::PAssertedIdentity)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::uri::Host;

    fn na(s: &[u8]) -> Result<NameAddr<'_>, ParseError> {
        NameAddr::parse_for(s, HeaderName::To)
    }

    #[test]
    fn rfc3261_20_20_from_parsed_into_its_slot_as_by_value() {
        // parse_into fills the message's slot with what parse_for_str
        // returns, and leaves it empty on an error (also over a value a
        // previous parse left there).
        for v in [
            "\"Alice\" <sip:alice@atlanta.example.com>;tag=1928301774",
            "sip:bob@biloxi.example.com;tag=a6c85cf",
            "Bob <sips:bob@[2001:db8::1]:5061;transport=tls>;tag=x;tag=y",
            "<sip:alice@atlanta.example.com",
            "<sip:alice@atlanta.example.com>;tag=",
            "",
        ] {
            let want = NameAddr::parse_for_str(v, HeaderName::From);
            let mut slot = NameAddr::parse_for_str("<sip:old@h>;tag=old", HeaderName::From).ok();
            let got = NameAddr::parse_into(v, HeaderName::From, &mut slot);
            assert_eq!(got.map(|()| slot.expect("filled")), want, "{v:?}");
            if want.is_err() {
                assert_eq!(slot, None, "{v:?}");
            }
        }
    }

    #[test]
    fn rfc3261_20_20_parse_time_walk_equals_the_general_one_for_every_byte() {
        // parse_into (From/To at parse time), parse_for_str and
        // parse_rest_into (name-addr lists), which read parameters the
        // plain way, against a copy with the general walk, with every byte
        // at every position of the bench set's From/To/Route spellings and
        // of RFC 4475 ones.
        for v in [
            "\"Alice Liddell\" <sip:alice@atlanta.example.com>;tag=hsT3xq9Vq",
            "<sip:alice@sip.example.com>;tag=8f2a71c3e5d0b6a4c19e",
            "\"+1 212 555 0199\" <sip:+12125550199@ims.atlanta.example.com;user=phone>;tag=6f1c2d",
            "<tel:+14155550123>",
            "sip:caller@example.net;tag=242etr;x=\"a b\";y",
            "caller<sip:caller@example.com>;tag=323 ; a = b",
            "<sip:203.0.113.150:5060;lr;r2=on>;x;y=\"q\";tag=z",
        ] {
            lex::each_byte_variant(v, |s| {
                let want = NameAddr::parse_for_str_walk::<false>(s, HeaderName::From);
                assert_eq!(NameAddr::parse_for_str(s, HeaderName::From), want, "{s:?}");
                let mut slot = None;
                let got = NameAddr::parse_into(s, HeaderName::From, &mut slot);
                assert_eq!(got.map(|()| slot.expect("filled")), want, "{s:?}");
                // A whole value without a top-level comma is one
                // element of a name-addr list (Route, ...).
                if !s.contains(',') {
                    let mut out = None;
                    let end = NameAddr::parse_rest_into(s, HeaderName::From, &mut out);
                    assert_eq!(out, Some(want), "{s:?}");
                    assert!(end.is_none_or(|e| e == s.len()), "{s:?}");
                }
            });
        }
    }

    #[test]
    fn rfc3261_25_1_display_name_quoted_scan_agrees_with_scan_quoted() {
        // The one-step display-name scan against lex::scan_quoted on
        // every string over the bytes that matter in a quoted string (and
        // ordinary ones), at every start, up to twice the lengths its step
        // and its fallback cover.
        const ALPHABET: &[u8] = b"\"\\\n\r a\t\x01\x7f\x80";
        let mut buf = [0u8; 40];
        let mut rng = lex::TestBytes::new(0x2545_f491_4f6c_dd1d);
        for round in 0..40_000usize {
            let len = 1 + round % 40;
            // Mostly ordinary bytes, as names are.
            rng.fill(&mut buf[..len], ALPHABET, 4);
            buf[0] = b'"';
            let s = &buf[..len];
            for a in 0..len {
                assert_eq!(scan_display_quoted(s, a), lex::scan_quoted(s, a), "{s:?} at {a}");
            }
        }
    }

    #[test]
    fn rfc3261_25_1_a_control_byte_in_a_quoted_display_name_or_parameter_is_malformed() {
        // qdtext has no control bytes but HTAB and no DEL; a quoted-pair
        // may escape them. From and To are decoded strictly at parse time,
        // so such a display name fails the parse naming the field; in a
        // Contact (decoded on demand) the value fails. Short names take
        // the first sixteen-byte step, long ones more.
        let message = |from: &str, contact: &str| {
            let mut b: heapless::Vec<u8, 512> = heapless::Vec::new();
            for part in [
                "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nTo: <sip:a@b>\r\nFrom: ",
                from,
                ";tag=1\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nContact: ",
                contact,
                "\r\nContent-Length: 0\r\n\r\n",
            ] {
                b.extend_from_slice(part.as_bytes()).unwrap();
            }
            b
        };
        const GOOD_CONTACT: &str = "<sip:c@d>;+sip.instance=\"<urn:uuid:0c7d4e1f-2a3b-4c5d>\"";
        for name in [
            "A\x01B",
            "A\x7fB",
            "A\x00B",
            "Alice Liddell of \x1bWonderland",
            "Alice Liddell of Wonderland\x7f",
        ] {
            let b = message(&alloc_free_format(name), GOOD_CONTACT);
            let e = Message::parse(&b).unwrap_err();
            assert_eq!(e.element, Element::Header(HeaderName::From), "{name:?}");
        }
        for name in ["A\tB", "A\\\x01B", "Alice Liddell of \\\x7fWonderland", "A\r\n B"] {
            let b = message(&alloc_free_format(name), GOOD_CONTACT);
            let m = Message::parse(&b).unwrap_or_else(|e| panic!("{name:?}: {e}"));
            assert!(m.from().is_ok(), "{name:?}");
            assert_eq!(m.contacts().filter(Result::is_ok).count(), 1);
        }
        for bad in ["<sip:c@d>;+sip.instance=\"<urn:uuid:0c7d4e1f-\x012a3b-4c5d>\"", "\"C\x01\" <sip:c@d>"] {
            let b = message("<sip:c@d>", bad);
            let m = Message::parse(&b).unwrap();
            assert!(m.contacts().next().is_some_and(|c| c.is_err()), "{bad:?}");
        }
    }

    /// `"name" <sip:f@g>`, without allocating.
    fn alloc_free_format(name: &str) -> heapless::String<96> {
        let mut s = heapless::String::new();
        for p in ["\"", name, "\" <sip:f@g>"] {
            s.push_str(p).unwrap();
        }
        s
    }

    #[test]
    fn rfc3261_20_10_contact_plain_walk_equals_the_general_one_for_every_byte() {
        // parse_str (the plain parameter reading) against the general walk,
        // and contacts() against both, with every byte at every position
        // of the bench set's Contact spellings and RFC 4475 ones.
        for v in [
            "<sip:alice@198.51.100.77:51372;transport=udp>;+sip.instance=\"<urn:uuid:5b8e1c2a-7d3f>\"",
            "<sip:alice@203.0.113.45:5062;ob>;expires=1187;+sip.instance=\"<urn:x>\";reg-id=1",
            "<sip:alice@192.0.2.33:5060>;expires=45;q=0.5",
            "<sip:+1@h;ob>;+g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp\";+g.3gpp.mid-call;audio;video",
            "\"Quoted\" <sip:j@example.com> ; newparam = newvalue ; secondparam ; q = 0.33",
            "sip:+19725552222@gw1.example.net;unknownparam;expires=0",
            "<sip:a@h>;expires=600",
            "<sip:a@h>;EXPIRES=123456789;+sip.instance=\"<urn:uuid:5b8e1c2a-7d3f>\";+sip.pnsreg",
            "<sip:a@h>;expires=4294967296",
        ] {
            let check = |s: &str| {
                let want = ContactValue::parse_str_walk::<false>(s);
                assert_eq!(ContactValue::parse_str(s), want, "{s:?}");
                let mut out = None;
                let end = ContactValue::parse_rest_into(s, &mut out);
                // A whole value without a top-level comma is one element.
                if !s.contains(',') {
                    assert_eq!(out, Some(want), "{s:?}");
                    assert!(end.is_none_or(|e| e == s.len()), "{s:?}");
                }
            };
            lex::each_byte_variant(v, check);
            lex::each_byte_insertion(v, check);
        }
    }

    #[test]
    fn rfc3261_7_3_1_value_trim_two_byte_test_equals_the_trim_loops() {
        // trim_bounds against the loops (and against lex::trim_lws) for
        // every first and last byte of values of lengths 0..6 whose inner
        // bytes are LWS or not.
        for len in 0..6usize {
            for inner in [b' ', b'a', b'\t', b'\n'] {
                for f in 0..=255u8 {
                    for l in 0..=255u8 {
                        let mut buf = [inner; 6];
                        if len > 0 {
                            buf[0] = f;
                            buf[len - 1] = l;
                        }
                        let b = &buf[..len];
                        let (a, z) = trim_bounds(b);
                        assert_eq!((a, z), lws_trim_bounds(b), "{b:?}");
                        assert_eq!(&b[a..z], lex::trim_lws(b), "{b:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn rfc3261_25_1_lwsdisp_after_a_quoted_name_read_as_skip_lws_reads_it() {
        // The two-byte test for `" <"` against skip_lws for every pair of
        // bytes after the display name, at the end of the text and before
        // it, and for the folded and spaced spellings (RFC 4475 §3.1.1.6).
        for x in 0..=255u8 {
            for y in 0..=255u8 {
                let t = [b'"', b'a', b'"', x, y, b'<'];
                for n in 3..=t.len() {
                    let b = &t[..n];
                    assert_eq!(laquot_after_display_name(b, 3), lex::skip_lws(b, 3), "{b:?}");
                }
            }
        }
        for t in
            [&b"\"a\"<x"[..], b"\"a\"  <x", b"\"a\"\t<x", b"\"a\" \r\n <x", b"\"a\"\r\n\t<x", b"\"a\" \r\n<x"]
        {
            assert_eq!(laquot_after_display_name(t, 3), lex::skip_lws(t, 3), "{t:?}");
        }
    }

    #[test]
    fn rfc3261_19_3_tag_tail_window_equals_the_token_run_test() {
        // The SSE2 window of is_token_tail against lex::is_token_run of
        // the same tail, for every byte value at every position of texts
        // of 1 to 40 bytes and every tail length up to the whole text
        // (and one past it): around the sixteen-byte window's edges, with
        // texts shorter than the window.
        let mut buf = [b'a'; 40];
        for len in 1..=buf.len() {
            for pos in 0..len {
                for c in 0..=255u8 {
                    buf[..len].fill(b'a');
                    buf[pos] = c;
                    let text = &buf[..len];
                    for n in 0..=len {
                        let want = lex::is_token_run(&text[len - n..]);
                        assert_eq!(is_token_tail(text, n), want, "{text:?} {n}");
                    }
                    assert!(!is_token_tail(text, len + 1), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn rfc3261_25_1_qvalue_test_accepts_what_parse_qvalue_accepts() {
        // The grammar read the plain way (split at the dot), the reference
        // for the slice match of `parse_qvalue`: same value, same refusals.
        fn reference(v: &[u8]) -> Option<u16> {
            let (int, frac) = match v.iter().position(|&c| c == b'.') {
                Some(d) => (&v[..d], &v[d + 1..]),
                None => (v, &[][..]),
            };
            if frac.len() > 3 || !frac.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let f = (0..3).fold(0u16, |f, i| f * 10 + frac.get(i).map_or(0, |&c| u16::from(c - b'0')));
            match int {
                b"0" => Some(f),
                b"1" if f == 0 => Some(1000),
                _ => None,
            }
        }
        // Every string of up to six bytes over the digits, '.', and bytes
        // next to them.
        const ALPHABET: &[u8] = b"0123456789./:";
        let mut n = 0;
        for len in 0..=6u32 {
            for mut k in 0..ALPHABET.len().pow(len) {
                let mut buf = [0u8; 6];
                for b in buf.iter_mut().take(len as usize) {
                    *b = ALPHABET[k % ALPHABET.len()];
                    k /= ALPHABET.len();
                }
                let v = &buf[..len as usize];
                assert_eq!(is_qvalue(v), parse_qvalue(v).is_some(), "{v:?}");
                assert_eq!(parse_qvalue(v), reference(v), "{v:?}");
                n += usize::from(is_qvalue(v));
            }
        }
        assert!(n > 1000, "{n}");
        assert!(is_qvalue(b"0.5") && is_qvalue(b"1.000") && is_qvalue(b"1.") && !is_qvalue(b"1.001"));
    }

    #[test]
    fn rfc3261_20_10_expires_name_test_is_case_insensitive_compare() {
        // Every byte at each position of "expires" in both cases, against
        // eq_ignore_ascii_case; other lengths never match.
        for base in [*b"expires", *b"EXPIRES", *b"ExPiReS"] {
            for pos in 0..7 {
                for c in 0..=255u8 {
                    let mut n = base;
                    n[pos] = c;
                    assert_eq!(is_expires_name(&n), n.eq_ignore_ascii_case(b"expires"), "{n:?}");
                }
            }
        }
        assert!(!is_expires_name(b"expire") && !is_expires_name(b"expiress") && !is_expires_name(b""));
    }

    #[test]
    fn rfc3261_19_3_tag_name_test_is_case_insensitive_compare() {
        // Every byte at each position, the others from the spellings of
        // "tag" and a few near misses, against eq_ignore_ascii_case.
        let others = [b't', b'T', b'a', b'A', b'g', b'G', b'x', b'\r', b'-'];
        for pos in 0..3 {
            for c in 0..=255u8 {
                for &o1 in &others {
                    for &o2 in &others {
                        let mut n = [o1, o2, o2];
                        n[pos] = c;
                        assert_eq!(is_tag_name(&n), n.eq_ignore_ascii_case(b"tag"), "{n:?}");
                    }
                }
            }
        }
        assert!(!is_tag_name(b"ta") && !is_tag_name(b"tags") && !is_tag_name(b""));
    }

    #[test]
    fn rfc3261_19_3_leading_tag_read_as_the_parameter_walk_reads_it() {
        let seeds = [
            ";tag=1928301774",
            ";TaG=a6c85cf;x=1",
            ";tag=a:b",
            ";tag= x",
            ";tag =x",
            "; tag=x",
            ";tag=\"q\"",
            ";tag=[::1]",
            ";tag=;x",
            ";tag",
            ";tags=1",
            ";tag=a b;tag=c",
            ";tag=a;tag=b",
            ";x=1;tag=y",
            ";tag=a\r\n ;y",
        ];
        let mut n = 0;
        for seed in seeds {
            for cut in 0..=seed.len() {
                let Some(s) = seed.get(..cut) else { continue };
                // The walk's first parameter, and where it left off.
                let mut walk = lex::Params::new(s.as_bytes());
                let first = walk.next_kind();
                if let Some((tag, end)) = leading_tag(s) {
                    n += 1;
                    let Some(Ok((p, _))) = first else { panic!("{s:?}: walk fails") };
                    assert!(is_tag_name(p.name), "{s:?}");
                    assert_eq!(p.value, Some(tag.as_bytes()), "{s:?}");
                    assert_eq!(walk.offset(), end, "{s:?}");
                }
                // The whole value: the tag is the first tag parameter's
                // value, as a lookup finds it; errors where the walk fails
                // (over the parameters as the value's trimming leaves them).
                let v = std::format!("<sip:a@b>{s}");
                let walked = lex::Params::new(lex::trim_lws(s.as_bytes()));
                match NameAddr::parse_for_str(&v, HeaderName::To) {
                    Ok(a) => {
                        assert!(walked.validate().is_ok(), "{v:?}");
                        let want = walked.get("tag").flatten();
                        assert_eq!(a.tag().map(str::as_bytes), want, "{v:?}");
                    }
                    Err(_) => assert!(walked.validate().is_err(), "{v:?}"),
                }
            }
        }
        assert!(n > 20, "{n}");
        // Every byte at every position of the usual spelling (the word
        // compare of `;tag` among them): whenever leading_tag answers, the
        // walk reads the same first parameter and resumes at the same
        // place; and it answers for the spelling's own case variants.
        let mut answered = 0;
        lex::each_byte_variant(";tag=a6c85cf;x=1", |s| {
            let mut walk = lex::Params::new(s.as_bytes());
            let first = walk.next_kind();
            if let Some((tag, end)) = leading_tag(s) {
                answered += 1;
                let Some(Ok((p, _))) = first else { panic!("{s:?}: walk fails") };
                assert!(is_tag_name(p.name) && p.value == Some(tag.as_bytes()), "{s:?}");
                assert_eq!(walk.offset(), end, "{s:?}");
            }
        });
        // The unchanged text, T/A/G upper-cased, and the token bytes at
        // each of the value's and the rest's positions.
        assert!(answered > 11 * 70, "{answered}");
        for t in [";TAG=x", ";Tag=x", ";tAg=x", ";taG=x"] {
            assert_eq!(leading_tag(t), Some(("x", 6)), "{t:?}");
        }
    }

    #[test]
    fn rfc3261_25_1_name_addr_forms() {
        let a = na(br#""A. G. Bell \"x\"" <sip:agb@bell-telephone.com> ;tag=a48s"#).unwrap();
        assert_eq!(a.display_name, Some(DisplayName::Quoted(br#"A. G. Bell \"x\""#)));
        let resolved: heapless::Vec<u8, 32> = a.display_name.unwrap().chars().collect();
        assert_eq!(&resolved[..], br#"A. G. Bell "x""#);
        assert_eq!(a.tag(), Some("a48s"));
        assert!(a.bracketed);
        // The first tag parameter counts, as a lookup would find it.
        assert_eq!(na(b"<sip:a@b>;tag;tag=x").unwrap().tag(), None);
        assert_eq!(na(b"<sip:a@b>;x=1;TAG=y;tag=z").unwrap().tag(), Some("y"));
        let b = na(b"Bob Smith <sip:bob@biloxi.com>").unwrap();
        assert_eq!(b.display_name, Some(DisplayName::Tokens(b"Bob Smith")));
        let c = na(b"<sip:bob@biloxi.com>").unwrap();
        assert_eq!(c.display_name, None);
    }

    #[test]
    fn rfc4475_3_1_1_6_lwsdisp_accepted() {
        let a = na(b"caller<sip:caller@example.com>;tag=323").unwrap();
        assert_eq!(a.display_name, Some(DisplayName::Tokens(b"caller")));
        assert_eq!(a.tag(), Some("323"));
    }

    #[test]
    fn rfc3261_20_10_addr_spec_params_belong_to_header() {
        // RFC 4475 §3.3.12 / §3.3.13.
        let a = ContactValue::parse(b"sip:+19725552222@gw1.example.net;unknownparam").unwrap();
        assert!(a.param("unknownparam").is_some());
        assert!(a.uri().unwrap().sip().unwrap().params.get("unknownparam").is_none());
        let b = ContactValue::parse(b"<sip:+19725552222@gw1.example.net;unknownparam>").unwrap();
        assert!(b.param("unknownparam").is_none());
        assert!(b.uri().unwrap().sip().unwrap().params.get("unknownparam").is_some());
    }

    #[test]
    fn rfc4475_invalid_address_values_rejected() {
        assert!(na(br#""Mr. J. User <sip:j.user@example.com>"#).is_err()); // §3.1.2.6 quotbal
        assert!(na(b"\"Watson, Thomas\" < sip:t.watson@example.org >").is_err()); // §3.1.2.14
        assert!(na(b"Watson, Thomas <sip:t.watson@example.org>").is_err()); // §3.1.2.15
        assert!(ContactValue::parse(b"sip:user@example.com?Route=%3Csip:sip.example.com%3E").is_err()); // §3.1.2.13
        assert!(na(b"<sip:a@b").is_err());
        assert!(na(b"").is_err());
        assert!(na(b"<sip:a@b>;tag").is_ok());
        assert!(na(b"<sip:a@b>;=x").is_err());
    }

    #[test]
    fn rfc3261_20_10_contact_star_expires_q_instance() {
        assert_eq!(ContactValue::parse(b" * ").unwrap(), ContactValue::Star);
        assert_eq!(ContactValue::parse(b"\r\n\t*").unwrap(), ContactValue::Star);
        // A display-name token may start with '*' too.
        let c = ContactValue::parse(b"*x <sip:a@b>").unwrap();
        assert_eq!(c.addr().unwrap().display_name, Some(DisplayName::Tokens(b"*x")));
        assert!(ContactValue::parse(b"* *").is_err() && ContactValue::parse(b"").is_err());
        let c = ContactValue::parse(
            br#"<sip:alice@192.0.2.4;ob>;expires=3600;q=0.7;+sip.instance="<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>";reg-id=1"#,
        )
        .unwrap();
        assert_eq!(c.expires(), Some(Ok(3600)));
        assert_eq!(c.q(), Some(Ok(700)));
        assert_eq!(c.instance(), Some(&b"<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>"[..]));
        assert_eq!(c.reg_id(), Some(1));
        assert_eq!(c.uri().unwrap().sip().unwrap().host, Host::Ipv4([192, 0, 2, 4]));
        // RFC 4475 §3.1.2.4: expires above 2**32-1.
        assert!(ContactValue::parse(b"<sip:a@b>;expires=280297596632815").is_err());
        assert_eq!(
            ContactValue::parse(b"<sip:a@b>;expires=4294967296").unwrap_err().kind,
            ErrorKind::OutOfRange
        );
        assert!(ContactValue::parse(b"<sip:a@b>;expires=4294967295").is_ok());
        assert!(ContactValue::parse(b"<sip:a@b>;expires=999999999").is_ok());
        assert!(ContactValue::parse(b"<sip:a@b>;expires=12a").is_err());
        assert!(ContactValue::parse(b"<sip:a@b>;expires=-1").is_err());
        assert!(ContactValue::parse(b"<sip:a@b>;q=2").is_err());
        // Valueless `q` / `expires` are contact-extensions (generic-param).
        let bare = ContactValue::parse(b"<sip:a@b>;q;expires").unwrap();
        assert_eq!((bare.q(), bare.expires()), (None, None));
        assert!(bare.param("q").is_some());
    }

    #[test]
    fn rfc3261_25_1_form_told_by_first_byte() {
        // An addr-spec whose header parameter quotes a '<' (gen-value =
        // quoted-string) is no name-addr.
        let c = ContactValue::parse(br#"sip:a@b;+sip.instance="<urn:x>""#).unwrap();
        assert!(!c.addr().unwrap().bracketed);
        assert_eq!(c.instance(), Some(&b"<urn:x>"[..]));
        // A token followed by ':' is a scheme, not a display name.
        let a = na(b"sip:a@b;tag=1").unwrap();
        assert!(!a.bracketed && a.display_name.is_none());
        assert_eq!(a.tag(), Some("1"));
        // Tokens and LWS leading to '<' are a display name, folds included.
        let a = na(b"Bob \r\n Smith<sip:b@h>").unwrap();
        assert_eq!(a.display_name, Some(DisplayName::Tokens(b"Bob \r\n Smith")));
        // The URI's '>' ends it: what follows belongs to the header.
        let a = na(b"<sip:h;lr>;lr").unwrap();
        assert!(a.param("lr").is_some());
        assert!(a.uri.sip().unwrap().lr());
        assert!(na(b"<sip:h;lr").is_err());
        // An unterminated name-addr is a syntax error even where the URI
        // alone would be out of range; a range error inside is reported.
        assert_eq!(na(b"<sip:h:99999").unwrap_err().kind, ErrorKind::Syntax);
        assert_eq!(na(b"<sip:h;ttl=300 >").unwrap_err().kind, ErrorKind::Syntax);
        assert_eq!(na(b"<sip:h;ttl=300>").unwrap_err().kind, ErrorKind::OutOfRange);
        assert_eq!(na(b"<sip:h;ttl=300>").unwrap_err().element, Element::Header(HeaderName::To));
        // Not UTF-8: an error, not a panic.
        assert!(na(b"<sip:\xff@h>").is_err());
        assert!(ContactValue::parse(b"\xc3").is_err());
    }

    #[test]
    fn rfc3261_20_10_every_prefix_is_handled() {
        let s = br#""Quoted string \"\"" <sip:jdrosen@example.com> ; newparam = newvalue ; secondparam ; q = 0.33"#;
        for i in 0..=s.len() {
            let _ = ContactValue::parse(&s[..i]);
        }
        assert_eq!(ContactValue::parse(s).unwrap().q(), Some(Ok(330)));
    }

    #[test]
    fn rfc3261_7_3_1_contact_and_route_lists_split_by_the_parse_as_by_the_comma_search() {
        // contacts() and name_addrs() let the parse of a bracketed element
        // end it; the values, errors and where the next element starts
        // must be those of the comma search splitting the field first
        // (TypedValues::list with the one-element decoders).
        let pool = [
            "<sip:a@b>",
            "<sip:a@b>;expires=60",
            "\"A, B\" <sip:x@y;lr>;q=0.5",
            "<sip:a@b>;+sip.instance=\"<urn:x,y>\";reg-id=1",
            "Bob <sip:b@c>",
            "sip:c@d;tag=1",
            "*",
            "<sip:a@b>;tag=x;TAG=y",
            ";tag=1",
            "<sip:a@b>;tag=t ;x = 1 ",
            "<sip:a@b>;x=\"a,b\"junk",
            "<sip:a@b",
            "\"unterminated <sip:x>",
            "<sip:a,b@c>;p",
            "<sip:a@b>;",
            "<sip:a@b>;x=<y,z>",
            "<sip:a@b>;expires=99999999999",
            "",
            " ",
            "<sip:a@b>junk",
            "<sip:a@b>;x=[::1];q=2",
            "\"q\" <sip:a@b>;p\r\n ;r",
        ];
        let seps = [",", " , ", ",\r\n ", "\t,"];
        let mut fields: heapless::Vec<heapless::String<256>, 2048> = heapless::Vec::new();
        for a in pool {
            let mut f = heapless::String::new();
            f.push_str(a).unwrap();
            fields.push(f).unwrap();
            for b in pool {
                let sep = seps[(a.len() + b.len()) % seps.len()];
                let mut f = heapless::String::new();
                for part in [a, sep, b] {
                    f.push_str(part).unwrap();
                }
                fields.push(f.clone()).unwrap();
                f.push_str(seps[a.len() % seps.len()]).unwrap();
                f.push_str(pool[(a.len() * 7 + b.len()) % pool.len()]).unwrap();
                fields.push(f).unwrap();
            }
        }
        for f in &fields {
            for name in ["Contact", "Route"] {
                let mut b = heapless::Vec::<u8, 1024>::new();
                for part in [
                    "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nTo: <sip:a@b>\r\n",
                    "From: <sip:c@d>;tag=1\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n",
                    name,
                    ": ",
                    f,
                    "\r\n",
                    name,
                    ": <sip:last@z>\r\nContent-Length: 0\r\n\r\n",
                ] {
                    b.extend_from_slice(part.as_bytes()).unwrap();
                }
                let Ok(m) = Message::parse(&b) else { continue };
                if name == "Contact" {
                    let got: heapless::Vec<_, 8> = m.contacts().collect();
                    let want: heapless::Vec<_, 8> =
                        TypedValues::list(&m, HeaderName::Contact, decode_contact).collect();
                    assert_eq!(got, want, "{f:?}");
                } else {
                    let got: heapless::Vec<_, 8> = m.routes().collect();
                    let want: heapless::Vec<_, 8> =
                        TypedValues::list(&m, HeaderName::Route, decode_name_addr).collect();
                    assert_eq!(got, want, "{f:?}");
                }
            }
        }
    }

    /// Where a value's pieces were cut: each piece's address and length,
    /// so two equal values are also the same slices of the same text.
    fn cuts(a: &NameAddr<'_>) -> [(usize, usize); 6] {
        let at = |p: &[u8]| (p.as_ptr() as usize, p.len());
        let dn = match a.display_name {
            Some(DisplayName::Quoted(d) | DisplayName::Tokens(d)) => at(d),
            None => (0, 0),
        };
        let (user, params) =
            a.uri.sip().map_or(((0, 0), (0, 0)), |u| (u.user.map_or((0, 0), at), at(u.params.raw)));
        [
            dn,
            at(a.uri.as_bytes()),
            user,
            params,
            at(a.params.as_bytes()),
            a.tag.map_or((0, 0), |t| at(t.as_bytes())),
        ]
    }

    #[test]
    fn rfc3261_25_1_display_name_written_by_a_refused_plain_pass_is_rewritten() {
        // The plain pass writes a quoted display name before it reads the
        // URI; when it then refuses the value (LWS, a parameter it leaves,
        // another scheme, an error), every public path gives what the
        // general walk alone gives, in place and by value, alone and as a
        // list element.
        for v in [
            "\"A\" <sip:a@b>;x=1",
            "\"A\" <sip:a@b> ;tag=1",
            "\"A\" <tel:+1>",
            "\"A\" <sip:a@b>;tag=\"q\"",
            "\"A\" <sip:a@b",
            "\"A\" <sip:a@b>;expires=x",
            "\"A\" <sip:a@b>;q=2",
        ] {
            let want = NameAddr::parse_for_str_walk::<false>(v, HeaderName::From);
            assert_eq!(NameAddr::parse_for_str(v, HeaderName::From), want, "{v:?}");
            let mut out = None;
            let r = NameAddr::parse_into(v, HeaderName::From, &mut out);
            assert_eq!(r.map(|()| out.unwrap()), want, "{v:?}");
            let mut out = None;
            NameAddr::parse_rest_into(v, HeaderName::Route, &mut out);
            let mut general = None;
            NameAddr::parse_rest_general(v, HeaderName::Route, &mut general);
            assert_eq!(out, general, "{v:?}");
            let want = ContactValue::parse_str_walk::<false>(v);
            assert_eq!(ContactValue::parse_str(v), want, "{v:?}");
            let mut out = None;
            ContactValue::parse_rest_into(v, &mut out);
            let mut general = None;
            ContactValue::parse_rest_general(v, &mut general);
            assert_eq!(out, general, "{v:?}");
        }
    }

    #[test]
    fn rfc3261_19_3_from_to_ending_at_the_gt_or_with_one_tag_read_as_the_general_walk_reads_it() {
        // The From/To pass's straight reading of a value ending at its `>`
        // or with one `;tag=` token running to the end, against the
        // general walk, for those forms and the ones next to them that
        // the loop (or the general path) reads: the same value, the same
        // tag cut at the same address, the same end.
        for v in [
            "<sip:bob@biloxi.example.com>",
            "<sip:bob@biloxi.example.com>;tag=a6c85cf",
            "\"Alice Liddell\" <sip:alice@atlanta.example.com>;tag=hsT3xq9Vq",
            "<sip:a@b>;TAG=x",
            "<sip:a@b>;tAg=x",
            "<sip:a@b>;tag=x;tag=y",
            "<sip:a@b>;tag=x;",
            "<sip:a@b>;tag=",
            "<sip:a@b>;tag",
            "<sip:a@b>;tag=a:b",
            "<sip:a@b>;tag=a b",
            "<sip:a@b>;tag=\"q\"",
            "<sip:a@b>;tagx=1",
            "<sip:a@b>;tag=~!%*_+`'.-",
            "<sip:a@b>;ta",
            "<sip:a@b>x",
        ] {
            let got = NameAddr::parse_for_str(v, HeaderName::From);
            let want = NameAddr::parse_for_str_walk::<false>(v, HeaderName::From);
            assert_eq!(got, want, "{v:?}");
            if let (Ok(g), Ok(w)) = (got, want) {
                assert_eq!(cuts(&g), cuts(&w), "{v:?}");
            }
            let mut a = NameAddr::placeholder_at(v);
            if let Some(e) = name_addr_plain::<false, false>(v, &mut a) {
                assert_eq!(e, v.len(), "{v:?}");
                assert_eq!(Ok(a), want, "{v:?}");
            }
        }
        let v = "<sip:a@b>;tag=~!%*_+`'.-";
        let mut a = NameAddr::placeholder_at(v);
        assert_eq!(name_addr_plain::<false, false>(v, &mut a), Some(v.len()));
        assert_eq!(a.tag().map(str::as_ptr), v.get(v.len() - 10..).map(str::as_ptr));
    }

    #[test]
    fn rfc3261_25_1_name_addr_plain_pass_equals_the_general_path_for_every_byte() {
        // name_addr_plain against the general path (the same parses with
        // the plain pass left out), for every byte value replaced and
        // inserted at every position of the bench set's From/To, Contact,
        // Route and Record-Route values and of RFC 4475 / RFC 5118
        // name-addrs, alone and as the first element of a list: whenever
        // it answers, the general path gives the same value, cut at the
        // same places, and the same end; and it answers every bench
        // spelling.
        const BENCH: &[&str] = &[
            "\"Alice Liddell\" <sip:alice@atlanta.example.com>;tag=hsT3xq9Vq",
            "<sip:bob@biloxi.example.com>",
            "<sip:bob@biloxi.example.com>;tag=a6c85cf",
            "<sip:alice@sip.example.com>;tag=8f2a71c3e5d0b6a4c19e",
            "\"+1 212 555 0199\" <sip:+12125550199@ims.atlanta.example.com;user=phone>;tag=6f1c2d",
            "<sip:203.0.113.10;lr;ftag=hsT3xq9Vq>",
            "<sip:203.0.113.140:5070;transport=tcp;lr;r2=on;did=8a1.c2f3>",
            "<sip:scscf.ims.atlanta.example.com:6060;lr>",
            "<sip:alice@198.51.100.77:51372;transport=udp>;+sip.instance=\"<urn:uuid:5b8e1c2a-7d3f-4a6b-9e0c-1f2d3e4a5b6c>\"",
            "<sip:bob@198.51.100.20:5060;transport=udp>",
            "<sip:alice@203.0.113.45:5062;transport=tcp;ob>;expires=1187;+sip.instance=\"<urn:uuid:0c7d4e1f-2a3b>\";reg-id=1",
            "<sip:alice@192.0.2.33:5060>;expires=45;q=0.5",
            "<sip:a@192.168.1.23:50312;transport=tls;pn-provider=apns>;expires=600;+sip.instance=\"<urn:x>\";+sip.pnsreg",
            "<sip:+1@198.51.100.77:51372;ob>;+g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp\";+g.3gpp.mid-call;audio;video",
            // A last ;expires= with fewer than sixteen bytes left, told by
            // its own eight-byte compare.
            "<sip:a@h>;+sip.pnsreg;Expires=600",
        ];
        const OTHER: &[&str] = &[
            "<tel:+14155550123>",
            "<tel:863-1234;phone-context=+1-914-555>;tag=x",
            "<mailto:a@b.example>",
            "\"Quoted\" <sip:j@example.com>;newparam=newvalue;secondparam;q=0.33",
            "<sip:a@h>;EXPIRES=123456789;TAG=x;tag=y",
            "<sip:a@h>;expires=4294967296",
            "<sip:a@h>;tag;tag=x",
            "<sips:user@[2001:db8::10]:5070>;tag=1",
            "\"a\\\"b\" <sip:a@b>;x=\"q\"",
            "<sip:user;par=u%40example.net@example.com>;q=1",
        ];
        let next = ", <sip:next@h>;lr";
        let check = |s: &str| {
            for contact in [false, true] {
                let mut a = NameAddr::placeholder_at(s);
                let got = if contact {
                    name_addr_plain::<true, false>(s, &mut a)
                } else {
                    name_addr_plain::<false, false>(s, &mut a)
                };
                if got.is_some() {
                    assert_eq!(got, Some(s.len()), "{s:?}");
                    if contact {
                        let want = ContactValue::parse_str_walk::<false>(s);
                        let Ok(ContactValue::Addr(w)) = want else { panic!("{s:?}: {want:?}") };
                        assert_eq!((w, cuts(&w)), (a, cuts(&a)), "{s:?}");
                    } else {
                        let want = NameAddr::parse_for_str_walk::<false>(s, HeaderName::From);
                        let w = want.unwrap_or_else(|e| panic!("{s:?}: {e:?}"));
                        assert_eq!((w, cuts(&w)), (a, cuts(&a)), "{s:?}");
                    }
                }
            }
            // As the first element of a list, and as its last one.
            let mut buf = heapless::String::<512>::new();
            buf.push_str(s).unwrap();
            buf.push_str(next).unwrap();
            for t in [s, buf.as_str()] {
                let mut a = NameAddr::placeholder_at(t);
                if let Some(e) = name_addr_plain::<false, true>(t, &mut a) {
                    let mut out = None;
                    let ge = NameAddr::parse_rest_general(t, HeaderName::Route, &mut out);
                    let Some(Ok(w)) = out else { panic!("{t:?}: {out:?}") };
                    assert_eq!((ge, w, cuts(&w)), (Some(e), a, cuts(&a)), "{t:?}");
                }
                let mut a = NameAddr::placeholder_at(t);
                if let Some(e) = name_addr_plain::<true, true>(t, &mut a) {
                    let mut out = None;
                    let ge = ContactValue::parse_rest_general(t, &mut out);
                    let Some(Ok(ContactValue::Addr(w))) = out else { panic!("{t:?}: {out:?}") };
                    assert_eq!((ge, w, cuts(&w)), (Some(e), a, cuts(&a)), "{t:?}");
                }
            }
        };
        for &v in BENCH {
            // The usual spellings are answered, alone and in a list: every
            // one without a tag as a Contact, the From/To/Route ones (no
            // header parameter but the tag) as any name-addr.
            if !v.contains(";tag=") {
                let mut a = NameAddr::placeholder_at(v);
                assert_eq!(name_addr_plain::<true, false>(v, &mut a), Some(v.len()), "{v:?}");
            }
        }
        for &v in &BENCH[..8] {
            for list in [false, true] {
                let mut a = NameAddr::placeholder_at(v);
                let got = if list {
                    name_addr_plain::<false, true>(v, &mut a)
                } else {
                    name_addr_plain::<false, false>(v, &mut a)
                };
                assert_eq!(got, Some(v.len()), "{v:?}");
            }
        }
        // A Contact's tag is the general path's, which keeps it.
        for v in ["<sip:a@b>;tag=x", "<sip:a@b>;expires=5;TAG=x;tag=y"] {
            let mut a = NameAddr::placeholder_at(v);
            assert_eq!(name_addr_plain::<true, false>(v, &mut a), None, "{v:?}");
            let c = ContactValue::parse_str(v).unwrap_or_else(|e| panic!("{v:?}: {e:?}"));
            assert_eq!(c.addr().and_then(NameAddr::tag), Some("x"), "{v:?}");
            assert_eq!(ContactValue::parse_str_walk::<false>(v), Ok(c), "{v:?}");
        }
        // Any other header parameter of a name-addr is the general path's.
        for v in ["<sip:a@b>;tag=1;x", "<sip:a@b>;x=1;tag=2", "<sip:a@b>;lr"] {
            let mut a = NameAddr::placeholder_at(v);
            assert_eq!(name_addr_plain::<false, false>(v, &mut a), None, "{v:?}");
            let want = NameAddr::parse_for_str_walk::<false>(v, HeaderName::From);
            assert!(want.is_ok() && NameAddr::parse_for_str(v, HeaderName::From) == want, "{v:?}");
        }
        for &v in BENCH.iter().chain(OTHER) {
            check(v);
            lex::each_byte_variant(v, check);
            lex::each_byte_insertion(v, check);
        }
    }
}
