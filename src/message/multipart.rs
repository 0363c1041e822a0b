//! Multipart bodies (RFC 5621, RFC 2046 §5.1): borrowed views, no
//! allocation.
//!
//! A [`Multipart`] is a view over a body whose Content-Type is
//! `multipart/*`; its [`parts`](Multipart::parts) are [`Part`]s with their
//! own header fields and body, each body byte-exact (binary parts keep NUL
//! octets and bare LFs, RFC 5621 §3.2 and RFC 4475 §3.1.1.11 `mpart01`).
//!
//! # Delimiters (RFC 2046 §5.1.1)
//!
//! ```text
//! multipart-body := [preamble CRLF] dash-boundary transport-padding CRLF
//!                   body-part *encapsulation close-delimiter
//!                   transport-padding [CRLF epilogue]
//! encapsulation  := delimiter transport-padding CRLF body-part
//! delimiter      := CRLF dash-boundary        dash-boundary := "--" boundary
//! close-delimiter := delimiter "--"           transport-padding := *LWSP-char
//! body-part      := MIME-part-headers [CRLF *OCTET]
//! ```
//!
//! * A delimiter counts only at the start of a line (or of the body), and
//!   the line break before it belongs to the delimiter, not to the part
//!   before it. A line break is CRLF or, for robustness, a bare LF.
//! * After the boundary: optional spaces and tabs, then the line break; or
//!   `--` for the close delimiter. A line starting with the boundary but
//!   followed by anything else is part content.
//! * The preamble (before the first delimiter) and epilogue (after the close
//!   delimiter) are ignored. A body without a close delimiter is an error.
//! * The boundary is 1 to 70 characters from RFC 2046 `bchars`, not ending
//!   in a space; in Content-Type it may be quoted.
//!
//! # Validation and limits
//!
//! [`Multipart::parse`] checks the whole structure once, in linear time:
//! delimiters, close delimiter, each part's header section, and the part
//! count against [`Limits::max_multipart_parts`]. Iterating the parts then
//! cannot fail. Nested multiparts (RFC 5621 §3.1, a part whose type is
//! `multipart/*`) are checked only when opened with [`Part::as_multipart`],
//! which enforces [`Limits::max_multipart_depth`] (the top-level body is
//! depth 1).
//!
//! ```
//! use sip_proto::message::Limits;
//! use sip_proto::message::multipart::Multipart;
//!
//! let body = b"--b1\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n\
//! --b1\r\nContent-Type: application/resource-lists+xml\r\n\
//! Content-Disposition: recipient-list\r\nContent-ID: <list@example.com>\r\n\r\n<list/>\r\n--b1--\r\n";
//! let mp = Multipart::parse(body, b"multipart/mixed;boundary=\"b1\"", &Limits::DEFAULT)?;
//! assert_eq!(mp.len(), 2);
//! let list = mp.find_by_content_id(b"cid:list@example.com").unwrap();
//! assert_eq!(list.body(), b"<list/>");
//! assert!(list.handling_required());
//! # Ok::<(), sip_proto::message::ParseError>(())
//! ```

use super::error::{Element, ErrorKind, ParseError};
use super::lex;
use super::limits::Limits;
use super::name::HeaderName;
use super::parse::{HeaderField, Message};

/// Longest boundary RFC 2046 §5.1.1 allows.
pub const MAX_BOUNDARY_LEN: usize = 70;

const fn body_err(kind: ErrorKind) -> ParseError {
    ParseError::new(Element::Body, kind)
}

const fn part_err(kind: ErrorKind) -> ParseError {
    ParseError::new(Element::BodyPart, kind)
}

const CT_ERR: ParseError = ParseError::new(Element::Header(HeaderName::ContentType), ErrorKind::Syntax);

/// RFC 2046 `bcharsnospace`.
fn is_bchar_nospace(c: u8) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c, b'\'' | b'(' | b')' | b'+' | b'_' | b',' | b'-' | b'.' | b'/' | b':' | b'=' | b'?')
}

/// True if `b` is a valid RFC 2046 boundary: 1 to 70 `bchars`, the last
/// not a space.
pub fn is_valid_boundary(b: &[u8]) -> bool {
    match b.last() {
        Some(&last) => {
            b.len() <= MAX_BOUNDARY_LEN
                && is_bchar_nospace(last)
                && b.iter().all(|&c| c == b' ' || is_bchar_nospace(c))
        }
        None => false,
    }
}

/// A media type split from a Content-Type value (RFC 3261 §20.15).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct MediaType<'a> {
    ty: &'a [u8],
    subtype: &'a [u8],
    params: lex::Params<'a>,
}

fn media_type(value: &[u8]) -> Option<MediaType<'_>> {
    // media-type = m-type SLASH m-subtype *(SEMI m-parameter), SLASH with SWS.
    let v = lex::trim_lws(value);
    let ty_end = lex::scan_token(v, 0);
    let slash = lex::skip_lws(v, ty_end);
    if ty_end == 0 || v.get(slash) != Some(&b'/') {
        return None;
    }
    let sub_start = lex::skip_lws(v, slash + 1);
    let sub_end = lex::scan_token(v, sub_start);
    if sub_end == sub_start {
        return None;
    }
    Some(MediaType {
        ty: &v[..ty_end],
        subtype: &v[sub_start..sub_end],
        params: lex::Params::new(&v[sub_end..]),
    })
}

/// One delimiter found in a multipart body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Delimiter {
    /// Where the content before the delimiter ends (its line break
    /// excluded).
    content_end: usize,
    /// First octet after the delimiter line (the next part's start).
    next: usize,
    /// `--boundary--`.
    close: bool,
}

/// Finds the first delimiter at or after `from`: `--boundary` at `from`
/// or after a line break, followed by `--`, or by transport padding and a
/// line break. `None` if there is none.
fn find_delimiter(body: &[u8], boundary: &[u8], from: usize) -> Option<Delimiter> {
    let mut search = from + 2;
    loop {
        let p = search + memchr::memmem::find(body.get(search..)?, boundary)?;
        search = p + 1;
        let d = p - 2;
        if &body[d..p] != b"--" {
            continue;
        }
        let content_end = if d == from {
            from
        } else if body[d - 1] == b'\n' {
            let e = d - 1;
            if e > from && body[e - 1] == b'\r' { e - 1 } else { e }
        } else {
            continue;
        };
        let q = p + boundary.len();
        if body.get(q..q + 2) == Some(b"--") {
            return Some(Delimiter { content_end, next: body.len(), close: true });
        }
        let mut r = q;
        while body.get(r).is_some_and(|&c| lex::is_ws(c)) {
            r += 1;
        }
        let next = match (body.get(r), body.get(r + 1)) {
            (Some(b'\n'), _) => r + 1,
            (Some(b'\r'), Some(b'\n')) => r + 2,
            _ => continue,
        };
        return Some(Delimiter { content_end, next, close: false });
    }
}

/// Splits a part into its header section and body (RFC 2046 `body-part :=
/// MIME-part-headers [CRLF *OCTET]`), checking the header lines.
fn split_part<'a>(content: &'a [u8], limits: &Limits) -> Result<(&'a [u8], &'a [u8]), ParseError> {
    let mut pos = 0;
    let mut fields = 0;
    while pos < content.len() {
        let (line, next) = match memchr::memchr(b'\n', &content[pos..]) {
            Some(k) => (&content[pos..pos + k], pos + k + 1),
            None => (&content[pos..], content.len()),
        };
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            return Ok((&content[..pos], &content[next..]));
        }
        if line.contains(&b'\r') {
            // A CR that does not end a line: smuggling bait (RFC 3261 §7.3.1).
            return Err(part_err(ErrorKind::Syntax));
        }
        if lex::is_ws(line[0]) {
            if fields == 0 {
                return Err(part_err(ErrorKind::Syntax));
            }
        } else {
            let colon = memchr::memchr(b':', line).ok_or(part_err(ErrorKind::Syntax))?;
            // field-name HCOLON, white space allowed before the colon.
            let mut name_end = colon;
            while name_end > 0 && lex::is_ws(line[name_end - 1]) {
                name_end -= 1;
            }
            if !lex::is_token_str(&line[..name_end]) {
                return Err(part_err(ErrorKind::Syntax));
            }
            fields += 1;
            if fields > limits.effective_max_headers() {
                return Err(part_err(ErrorKind::TooManyHeaders));
            }
        }
        pos = next;
    }
    // Headers only, no empty line: the body is empty.
    Ok((content, &[]))
}

/// A multipart body: a borrowed, validated view (see the module
/// documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Multipart<'a> {
    body: &'a [u8],
    boundary: &'a [u8],
    subtype: Option<&'a [u8]>,
    /// First octet of the first part.
    first: usize,
    count: usize,
    depth: usize,
    limits: Limits,
}

impl<'a> Multipart<'a> {
    /// Parses `body` described by the Content-Type value
    /// `content_type_value` (for example `multipart/mixed;boundary=xyz`).
    ///
    /// Errors: a Content-Type that is not `multipart/*` or lacks a valid
    /// `boundary` is a syntax error in [`HeaderName::ContentType`]; body
    /// errors are reported on [`Element::Body`] (no first delimiter:
    /// `Syntax`; no close delimiter: `Incomplete`; too many parts:
    /// `TooManyParts`) and [`Element::BodyPart`] (a malformed part header
    /// section).
    pub fn parse(body: &'a [u8], content_type_value: &'a [u8], limits: &Limits) -> Result<Self, ParseError> {
        Self::parse_at_depth(body, content_type_value, limits, 1)
    }

    /// Parses `body` with the boundary given directly (without quotes).
    pub fn new(body: &'a [u8], boundary: &'a [u8], limits: &Limits) -> Result<Self, ParseError> {
        Self::build(body, boundary, None, limits, 1)
    }

    /// The multipart body of `msg`, if its Content-Type is `multipart/*`
    /// (`None` otherwise), under the limits `msg` was parsed with.
    pub fn of(msg: &Message<'a>) -> Option<Result<Self, ParseError>> {
        let ct = msg.header(HeaderName::ContentType)?;
        let mt = media_type(ct)?;
        lex::eq_ic(mt.ty, b"multipart").then(|| Self::parse(msg.body(), ct, msg.limits()))
    }

    fn parse_at_depth(
        body: &'a [u8],
        ct: &'a [u8],
        limits: &Limits,
        depth: usize,
    ) -> Result<Self, ParseError> {
        let mt = media_type(ct).ok_or(CT_ERR)?;
        if !lex::eq_ic(mt.ty, b"multipart") {
            return Err(CT_ERR);
        }
        let mut boundary = None;
        for p in mt.params {
            let p = p.map_err(|_| CT_ERR)?;
            if lex::eq_ic(p.name, b"boundary") {
                if boundary.is_some() {
                    return Err(ParseError::new(
                        Element::Header(HeaderName::ContentType),
                        ErrorKind::Duplicate,
                    ));
                }
                boundary = p.unquoted();
            }
        }
        Self::build(body, boundary.ok_or(CT_ERR)?, Some(mt.subtype), limits, depth)
    }

    fn build(
        body: &'a [u8],
        boundary: &'a [u8],
        subtype: Option<&'a [u8]>,
        limits: &Limits,
        depth: usize,
    ) -> Result<Self, ParseError> {
        if !is_valid_boundary(boundary) {
            return Err(CT_ERR);
        }
        if depth > limits.max_multipart_depth {
            return Err(part_err(ErrorKind::TooManyParts));
        }
        let open = find_delimiter(body, boundary, 0).ok_or(body_err(ErrorKind::Syntax))?;
        if open.close {
            // RFC 2046 requires at least one body part.
            return Err(body_err(ErrorKind::Syntax));
        }
        let mut count = 0;
        let mut pos = open.next;
        loop {
            let d = find_delimiter(body, boundary, pos).ok_or(body_err(ErrorKind::Incomplete))?;
            count += 1;
            if count > limits.max_multipart_parts {
                return Err(body_err(ErrorKind::TooManyParts));
            }
            split_part(&body[pos..d.content_end], limits)?;
            if d.close {
                break;
            }
            pos = d.next;
        }
        Ok(Multipart { body, boundary, subtype, first: open.next, count, depth, limits: *limits })
    }

    /// The boundary (unquoted).
    pub fn boundary(&self) -> &'a [u8] {
        self.boundary
    }

    /// The media subtype (`mixed`, `alternative`, `related`...), if this
    /// view was built from a Content-Type value.
    pub fn subtype(&self) -> Option<&'a [u8]> {
        self.subtype
    }

    /// The whole body this view covers.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.body
    }

    /// Nesting depth: 1 for a message body, 2 for a multipart inside it...
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// Number of parts (at least one).
    pub fn len(&self) -> usize {
        self.count
    }

    /// Always false: a valid multipart body has at least one part.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The parts in order.
    pub fn parts(&self) -> Parts<'a> {
        Parts { mp: *self, pos: self.first, left: self.count }
    }

    /// The `i`th part.
    pub fn get(&self, i: usize) -> Option<Part<'a>> {
        self.parts().nth(i)
    }

    /// The first part whose Content-ID is `id`, searching nested multiparts
    /// too (depth first, in order, within the depth limit). `id` may be
    /// given bare (`a@b`), in angle brackets (`<a@b>`), or as a `cid:` URL
    /// (RFC 2392, percent-encoded; RFC 5621 §9.1).
    pub fn find_by_content_id(&self, id: &[u8]) -> Option<Part<'a>> {
        let id = lex::trim_lws(id);
        let (id, url) = match id.get(..4) {
            Some(p) if lex::eq_ic(p, b"cid:") => (&id[4..], true),
            _ => (id, false),
        };
        let id = strip_angle(id);
        self.find_cid(id, url)
    }

    fn find_cid(&self, id: &[u8], url: bool) -> Option<Part<'a>> {
        for part in self.parts() {
            if part.content_id().is_some_and(|cid| cid_matches(id, url, cid)) {
                return Some(part);
            }
            if let Some(Ok(inner)) = part.as_multipart() {
                if let Some(found) = inner.find_cid(id, url) {
                    return Some(found);
                }
            }
        }
        None
    }
}

fn strip_angle(v: &[u8]) -> &[u8] {
    match v {
        [b'<', inner @ .., b'>'] => inner,
        _ => v,
    }
}

/// Compares a Content-ID with `id`, decoding `%XX` escapes in `id` when it
/// came from a `cid:` URL (RFC 2392 §2).
fn cid_matches(id: &[u8], url: bool, cid: &[u8]) -> bool {
    if !url {
        return id == cid;
    }
    let mut i = 0;
    let mut j = 0;
    while i < id.len() {
        let c = if id[i] == b'%' {
            match (id.get(i + 1).and_then(|&h| lex::hex_val(h)), id.get(i + 2).and_then(|&l| lex::hex_val(l)))
            {
                (Some(h), Some(l)) => {
                    i += 3;
                    h << 4 | l
                }
                _ => return false,
            }
        } else {
            i += 1;
            id[i - 1]
        };
        if cid.get(j) != Some(&c) {
            return false;
        }
        j += 1;
    }
    j == cid.len()
}

/// Iterator over the parts of a [`Multipart`].
#[derive(Clone, Debug)]
pub struct Parts<'a> {
    mp: Multipart<'a>,
    pos: usize,
    left: usize,
}

impl<'a> Iterator for Parts<'a> {
    type Item = Part<'a>;

    fn next(&mut self) -> Option<Part<'a>> {
        if self.left == 0 {
            return None;
        }
        let mp = &self.mp;
        // Validated at construction; a failure here only ends the iteration.
        let d = find_delimiter(mp.body, mp.boundary, self.pos)?;
        let raw = mp.body.get(self.pos..d.content_end)?;
        let (head, body) = split_part(raw, &mp.limits).ok()?;
        self.pos = d.next;
        self.left = if d.close { 0 } else { self.left - 1 };
        Some(Part { raw, head, body, depth: mp.depth, limits: mp.limits })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.left))
    }
}

/// One body part: header fields and body, borrowed from the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Part<'a> {
    raw: &'a [u8],
    head: &'a [u8],
    body: &'a [u8],
    /// Depth of the multipart holding this part.
    depth: usize,
    limits: Limits,
}

impl<'a> Part<'a> {
    /// The part's body, byte-exact (the line break before the next
    /// delimiter is not included).
    pub fn body(&self) -> &'a [u8] {
        self.body
    }

    /// The part as it appeared between its delimiters: header section,
    /// empty line and body.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.raw
    }

    /// The header fields in order; folded values are returned whole (fold
    /// included, outer white space trimmed), as for message headers.
    pub fn headers(&self) -> PartHeaders<'a> {
        PartHeaders { s: self.head, pos: 0 }
    }

    /// The raw value of the first field named `name`.
    pub fn header(&self, name: HeaderName) -> Option<&'a [u8]> {
        self.headers().find(|f| f.name == name).map(|f| f.value)
    }

    /// The raw Content-Type value, if present. Absent means `text/plain`
    /// (RFC 2045 §5.2).
    pub fn content_type(&self) -> Option<&'a [u8]> {
        self.header(HeaderName::ContentType)
    }

    /// The Content-ID without its angle brackets (RFC 2045 §7, RFC 5621
    /// §9.1).
    pub fn content_id(&self) -> Option<&'a [u8]> {
        self.header(HeaderName::ContentId).map(strip_angle)
    }

    /// The raw Content-Disposition value (RFC 3261 §20.11).
    pub fn content_disposition(&self) -> Option<&'a [u8]> {
        self.header(HeaderName::ContentDisposition)
    }

    /// The disposition type (`session`, `render`, `by-reference`...), if a
    /// Content-Disposition is present.
    pub fn disposition_type(&self) -> Option<&'a [u8]> {
        let v = self.content_disposition()?;
        let end = memchr::memchr(b';', v).unwrap_or(v.len());
        Some(lex::trim_lws(&v[..end]))
    }

    /// Whether the recipient must understand this part or fail the request
    /// with 415: the Content-Disposition `handling` parameter, `required`
    /// unless it says `optional` (RFC 3261 §20.11, RFC 5621 §8.1: the
    /// default is `required`).
    pub fn handling_required(&self) -> bool {
        let Some(v) = self.content_disposition() else {
            return true;
        };
        let Some(semi) = memchr::memchr(b';', v) else {
            return true;
        };
        let handling = lex::Params::new(&v[semi..]).get("handling").flatten();
        let unquoted =
            handling.map(|h| h.strip_prefix(b"\"").and_then(|h| h.strip_suffix(b"\"")).unwrap_or(h));
        !unquoted.is_some_and(|h| lex::eq_ic(h, b"optional"))
    }

    /// True if the Content-Type is `multipart/*`.
    pub fn is_multipart(&self) -> bool {
        self.content_type().and_then(media_type).is_some_and(|mt| lex::eq_ic(mt.ty, b"multipart"))
    }

    /// The nested multipart body (RFC 5621 §3.1), if this part's
    /// Content-Type is `multipart/*`; an error if it is malformed or nested
    /// deeper than [`Limits::max_multipart_depth`]
    /// (`ErrorKind::TooManyParts` on [`Element::BodyPart`]).
    pub fn as_multipart(&self) -> Option<Result<Multipart<'a>, ParseError>> {
        let ct = self.content_type()?;
        let mt = media_type(ct)?;
        if !lex::eq_ic(mt.ty, b"multipart") {
            return None;
        }
        Some(Multipart::parse_at_depth(self.body, ct, &self.limits, self.depth + 1))
    }
}

/// Iterator over the header fields of a [`Part`].
#[derive(Clone, Debug)]
pub struct PartHeaders<'a> {
    s: &'a [u8],
    pos: usize,
}

impl<'a> PartHeaders<'a> {
    /// The next line from `pos`: its content (line break stripped) and the
    /// start of the following line.
    fn line(&self, pos: usize) -> Option<(&'a [u8], usize)> {
        let rest = self.s.get(pos..).filter(|r| !r.is_empty())?;
        let (line, next) = match memchr::memchr(b'\n', rest) {
            Some(k) => (&rest[..k], pos + k + 1),
            None => (rest, self.s.len()),
        };
        Some((line.strip_suffix(b"\r").unwrap_or(line), next))
    }
}

impl<'a> Iterator for PartHeaders<'a> {
    type Item = HeaderField<'a>;

    fn next(&mut self) -> Option<HeaderField<'a>> {
        loop {
            let start = self.pos;
            let (line, mut next) = self.line(start)?;
            self.pos = next;
            // Validated at construction; skip anything that is not a field.
            let Some(colon) =
                memchr::memchr(b':', line).filter(|_| !line.first().is_some_and(|&c| lex::is_ws(c)))
            else {
                continue;
            };
            let mut end = start + line.len();
            // Absorb continuation lines (RFC 3261 §7.3.1).
            while let Some((cont, after)) = self.line(next) {
                if !cont.first().is_some_and(|&c| lex::is_ws(c)) {
                    break;
                }
                end = next + cont.len();
                next = after;
            }
            self.pos = next;
            let raw_name = lex::trim_lws(&line[..colon]);
            let value = lex::trim_lws(&self.s[start + colon + 1..end]);
            return Some(HeaderField { name: HeaderName::from_bytes(raw_name), raw_name, value });
        }
    }
}

// The tests collect frames and build inputs in `Vec`s.
#[cfg(all(test, feature = "alloc"))]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::vec::Vec;

    const MPART01: &[u8] = include_bytes!("../../tests/corpus/rfc4475/mpart01.dat");

    /// Content-Type value and body of a corpus message, found without the
    /// message parser (the request line needs the URI parser).
    fn split_message(m: &[u8]) -> (&[u8], &[u8]) {
        let head_end = m.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
        let head = &m[..head_end];
        let ct_at = head.windows(14).position(|w| w == b"Content-Type: ").unwrap() + 14;
        let ct_end = ct_at + head[ct_at..].iter().position(|&c| c == b'\r').unwrap();
        (&m[ct_at..ct_end], &m[head_end..])
    }

    fn find(hay: &[u8], needle: &[u8]) -> usize {
        hay.windows(needle.len()).position(|w| w == needle).unwrap()
    }

    #[test]
    fn rfc4475_3_1_1_11_mpart01_binary_part_exact() {
        let (ct, body) = split_message(MPART01);
        assert_eq!(body.len(), 553, "Content-Length of mpart01");
        let mp = Multipart::parse(body, ct, &Limits::DEFAULT).unwrap();
        assert_eq!(
            (mp.len(), mp.boundary(), mp.subtype()),
            (2, &b"7a9cbec02ceef655"[..], Some(&b"mixed"[..]))
        );
        let parts: Vec<Part<'_>> = mp.parts().collect();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].content_type(), Some(&b"text/plain"[..]));
        assert_eq!(parts[0].body(), b"Hello");
        assert_eq!(parts[1].content_type(), Some(&b"application/octet-stream"[..]));
        assert_eq!(parts[1].header(HeaderName::Other), Some(&b"binary"[..]), "Content-Transfer-Encoding");
        // The binary part, computed independently: from after its empty
        // line to the CRLF before the close delimiter.
        let second = find(body, b"application/octet-stream");
        let start = second + find(&body[second..], b"\r\n\r\n") + 4;
        let end = body.len() - b"\r\n--7a9cbec02ceef655--\r\n".len();
        let expected = &body[start..end];
        assert_eq!(parts[1].body(), expected);
        assert!(expected.contains(&0) && expected.windows(2).any(|w| w[1] == b'\n' && w[0] != b'\r'));
        assert_eq!(parts[1].body().len(), 342);
    }

    #[test]
    fn rfc2046_5_1_1_preamble_epilogue_padding_and_empty_parts() {
        let body = b"This is the preamble.\r\n--xyz  \t\r\nContent-Type: text/plain\r\n\r\none\r\n\
--xyz\r\n\r\ntwo, no headers\r\n--xyz\r\n\r\n\r\n--xyz--  \r\nepilogue --xyz\r\n";
        let mp = Multipart::new(body, b"xyz", &Limits::DEFAULT).unwrap();
        let parts: Vec<_> = mp.parts().collect();
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0].body(), b"one");
        assert_eq!(parts[1].headers().count(), 0);
        assert_eq!(parts[1].body(), b"two, no headers");
        assert_eq!(parts[2].body(), b"");
        assert_eq!(mp.get(1).map(|p| p.body()), Some(&b"two, no headers"[..]));
    }

    #[test]
    fn rfc2046_5_1_1_delimiter_only_at_line_start() {
        // "--b" inside a line, and "--bx" at a line start, are content.
        let body = b"--b\r\n\r\nx--b y\r\n--bx\r\nz\r\n--b--";
        let mp = Multipart::new(body, b"b", &Limits::DEFAULT).unwrap();
        assert_eq!(mp.len(), 1);
        assert_eq!(mp.get(0).unwrap().body(), b"x--b y\r\n--bx\r\nz");
        // The CRLF before a delimiter belongs to it; an extra one is body.
        let mp = Multipart::new(b"--b\r\n\r\nabc\r\n\r\n--b--", b"b", &Limits::DEFAULT).unwrap();
        assert_eq!(mp.get(0).unwrap().body(), b"abc\r\n");
        // Bare LF line breaks are accepted.
        let mp = Multipart::new(b"--b\nA: 1\n\nabc\n--b--\n", b"b", &Limits::DEFAULT).unwrap();
        assert_eq!(mp.get(0).unwrap().body(), b"abc");
        assert_eq!(mp.get(0).unwrap().headers().next().unwrap().value, b"1");
    }

    #[test]
    fn rfc2046_5_1_1_missing_close_delimiter_is_error() {
        let e = Multipart::new(b"--b\r\n\r\nabc\r\n--b\r\n\r\ndef", b"b", &Limits::DEFAULT).unwrap_err();
        assert_eq!((e.element, e.kind), (Element::Body, ErrorKind::Incomplete));
        let e = Multipart::new(b"no delimiter at all", b"b", &Limits::DEFAULT).unwrap_err();
        assert_eq!((e.element, e.kind), (Element::Body, ErrorKind::Syntax));
        let e = Multipart::new(b"--b--\r\n", b"b", &Limits::DEFAULT).unwrap_err();
        assert_eq!((e.element, e.kind), (Element::Body, ErrorKind::Syntax), "no parts");
    }

    #[test]
    fn rfc2046_5_1_1_boundary_syntax() {
        assert!(is_valid_boundary(b"gc0pJq0M:08jU534c0p"));
        assert!(is_valid_boundary(b"a b"));
        assert!(is_valid_boundary(&[b'x'; 70]));
        assert!(!is_valid_boundary(&[b'x'; 71]));
        assert!(!is_valid_boundary(b""));
        assert!(!is_valid_boundary(b"trailing "));
        assert!(!is_valid_boundary(b"semi;colon"));
        let body = b"--a b:c\r\n\r\nx\r\n--a b:c--";
        let mp =
            Multipart::parse(body, b"multipart/related; type=\"x/y\"; boundary=\"a b:c\"", &Limits::DEFAULT);
        assert_eq!(mp.unwrap().get(0).unwrap().body(), b"x");
        for bad in [
            &b"multipart/mixed"[..],
            b"multipart/mixed;boundary=\"\"",
            b"text/plain;boundary=a",
            b"multipart/mixed;boundary=\"a\";boundary=\"b\"",
            b"multipart",
        ] {
            let e = Multipart::parse(body, bad, &Limits::DEFAULT).unwrap_err();
            assert_eq!(e.element, Element::Header(HeaderName::ContentType), "{bad:?}");
        }
        // Case-insensitive type and parameter name, SWS around the slash.
        assert!(
            Multipart::parse(b"--q\r\n\r\n\r\n--q--", b"Multipart / Mixed ;BOUNDARY=q", &Limits::DEFAULT)
                .is_ok()
        );
    }

    #[test]
    fn rfc5621_3_1_nested_multipart() {
        let inner = b"--inner\r\nContent-Type: text/plain\r\nContent-ID: <deep@x>\r\n\r\ndeep\r\n--inner--";
        let mut body = Vec::from(
            &b"--outer\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n\
--outer\r\nContent-Type: multipart/alternative; boundary=inner\r\n\r\n"[..],
        );
        body.extend_from_slice(inner);
        body.extend_from_slice(b"\r\n--outer--\r\n");
        let mp = Multipart::parse(&body, b"multipart/mixed;boundary=outer", &Limits::DEFAULT).unwrap();
        assert!(mp.get(0).unwrap().as_multipart().is_none());
        let nested = mp.get(1).unwrap();
        assert!(nested.is_multipart());
        assert_eq!(nested.body(), inner);
        let inner_mp = nested.as_multipart().unwrap().unwrap();
        assert_eq!((inner_mp.depth(), inner_mp.subtype()), (2, Some(&b"alternative"[..])));
        assert_eq!(inner_mp.get(0).unwrap().body(), b"deep");
        // Content-ID lookup descends into nested parts.
        assert_eq!(mp.find_by_content_id(b"<deep@x>").unwrap().body(), b"deep");
        // Depth limit: the top level is depth 1.
        let limits = Limits { max_multipart_depth: 1, ..Limits::DEFAULT };
        let mp = Multipart::parse(&body, b"multipart/mixed;boundary=outer", &limits).unwrap();
        let e = mp.get(1).unwrap().as_multipart().unwrap().unwrap_err();
        assert_eq!((e.element, e.kind), (Element::BodyPart, ErrorKind::TooManyParts));
        assert!(mp.find_by_content_id(b"deep@x").is_none(), "not found beyond the depth limit");
    }

    #[test]
    fn rfc5621_3_1_deep_nesting_stops_at_limit() {
        // Each level's boundary is one longer: b, bb, bbb...
        let mut body: Vec<u8> = b"leaf".to_vec();
        for level in (1..=10).rev() {
            let b = "b".repeat(level);
            let mut outer = Vec::new();
            outer.extend_from_slice(
                format!("--{b}\r\nContent-Type: multipart/mixed;boundary={b}b\r\n\r\n").as_bytes(),
            );
            outer.extend_from_slice(&body);
            outer.extend_from_slice(format!("\r\n--{b}--").as_bytes());
            body = outer;
        }
        let mut mp = Multipart::new(&body, b"b", &Limits::DEFAULT).unwrap();
        let mut levels = 1;
        let err = loop {
            match mp.get(0).unwrap().as_multipart() {
                Some(Ok(inner)) => {
                    mp = inner;
                    levels += 1;
                }
                Some(Err(e)) => break e,
                None => panic!("ran out of nesting"),
            }
        };
        assert_eq!(levels, Limits::DEFAULT.max_multipart_depth);
        assert_eq!(err.kind, ErrorKind::TooManyParts);
    }

    #[test]
    fn limits_part_count() {
        let mut body = Vec::new();
        for _ in 0..5 {
            body.extend_from_slice(b"--b\r\n\r\nx\r\n");
        }
        body.extend_from_slice(b"--b--");
        let limits = Limits { max_multipart_parts: 5, ..Limits::DEFAULT };
        assert_eq!(Multipart::new(&body, b"b", &limits).unwrap().parts().count(), 5);
        let limits = Limits { max_multipart_parts: 4, ..Limits::DEFAULT };
        let e = Multipart::new(&body, b"b", &limits).unwrap_err();
        assert_eq!((e.element, e.kind), (Element::Body, ErrorKind::TooManyParts));
    }

    #[test]
    fn rfc3261_7_3_1_part_headers_folding_and_errors() {
        let body = b"--b\r\nContent-Type: text/plain;\r\n  charset=utf-8\r\nc : text/html\r\nX-Y:z\r\n\r\nhi\r\n--b--";
        let part = Multipart::new(body, b"b", &Limits::DEFAULT).unwrap().get(0).unwrap();
        let fields: Vec<_> = part.headers().collect();
        assert_eq!(fields.len(), 3);
        assert_eq!(fields[0].value, b"text/plain;\r\n  charset=utf-8");
        assert_eq!((fields[1].name, fields[1].raw_name), (HeaderName::ContentType, &b"c"[..]));
        assert_eq!((fields[2].raw_name, fields[2].value), (&b"X-Y"[..], &b"z"[..]));
        assert_eq!(part.content_type(), Some(&b"text/plain;\r\n  charset=utf-8"[..]));
        for bad in [
            &b"--b\r\nno colon here\r\n\r\nx\r\n--b--"[..],
            b"--b\r\n folded first\r\n\r\nx\r\n--b--",
            b"--b\r\nbad name: x\r\n\r\nx\r\n--b--",
            b"--b\r\nA: x\ry\r\n\r\nx\r\n--b--",
            b"--b\r\nHello\r\n--b--",
        ] {
            let e = Multipart::new(bad, b"b", &Limits::DEFAULT).unwrap_err();
            assert_eq!((e.element, e.kind), (Element::BodyPart, ErrorKind::Syntax), "{bad:?}");
        }
    }

    #[test]
    fn rfc5621_9_1_content_id_lookup() {
        let body = b"--b\r\nContent-ID: <one@example.com>\r\n\r\n1\r\n\
--b\r\nContent-ID: <two%41@example.com>\r\n\r\n2\r\n\
--b\r\nContent-ID: <A@example.com>\r\n\r\n3\r\n--b--";
        let mp = Multipart::new(body, b"b", &Limits::DEFAULT).unwrap();
        assert_eq!(mp.get(0).unwrap().content_id(), Some(&b"one@example.com"[..]));
        for id in
            [&b"one@example.com"[..], b"<one@example.com>", b"cid:one@example.com", b" CID:one@example.com "]
        {
            assert_eq!(mp.find_by_content_id(id).map(|p| p.body()), Some(&b"1"[..]), "{id:?}");
        }
        // cid: URLs are percent-decoded (RFC 2392), bare ids are not.
        assert_eq!(mp.find_by_content_id(b"cid:%41@example.com").map(|p| p.body()), Some(&b"3"[..]));
        assert_eq!(mp.find_by_content_id(b"two%41@example.com").map(|p| p.body()), Some(&b"2"[..]));
        assert_eq!(mp.find_by_content_id(b"cid:two%2541@example.com").map(|p| p.body()), Some(&b"2"[..]));
        assert!(mp.find_by_content_id(b"cid:%4").is_none());
        assert!(mp.find_by_content_id(b"missing@example.com").is_none());
    }

    #[test]
    fn rfc5621_8_1_handling_defaults_to_required() {
        let body = b"--b\r\n\r\nnone\r\n\
--b\r\nContent-Disposition: render\r\n\r\nrender\r\n\
--b\r\nContent-Disposition: signal ; Handling=Optional\r\n\r\nopt\r\n\
--b\r\nContent-Disposition: session;handling=\"optional\"\r\n\r\nquoted\r\n\
--b\r\nContent-Disposition: by-reference;handling=required\r\n\r\nreq\r\n--b--";
        let mp = Multipart::new(body, b"b", &Limits::DEFAULT).unwrap();
        let got: Vec<_> = mp.parts().map(|p| (p.disposition_type(), p.handling_required())).collect();
        assert_eq!(
            got,
            [
                (None, true),
                (Some(&b"render"[..]), true),
                (Some(&b"signal"[..]), false),
                (Some(&b"session"[..]), false),
                (Some(&b"by-reference"[..]), true),
            ]
        );
        assert_eq!(mp.get(2).unwrap().content_disposition(), Some(&b"signal ; Handling=Optional"[..]));
    }

    #[test]
    fn truncated_multipart_never_panics() {
        let (ct, body) = split_message(MPART01);
        let limits = Limits::DEFAULT;
        for n in 0..=body.len() {
            let prefix = &body[..n];
            match Multipart::parse(prefix, ct, &limits) {
                Ok(mp) => {
                    // Only once the close delimiter is in.
                    assert!(n >= body.len() - 2, "{n}");
                    assert_eq!(mp.parts().count(), 2);
                }
                Err(e) => assert!(e.element == Element::Body || e.element == Element::BodyPart, "{n}: {e:?}"),
            }
            // Every suffix too, and with the boundary of a nested type.
            let _ = Multipart::parse(&body[n..], ct, &limits).map(|mp| {
                mp.parts().for_each(|p| {
                    let _ = (p.headers().count(), p.as_multipart(), p.handling_required());
                })
            });
        }
    }

    #[test]
    fn rfc5621_4_multipart_of_a_message() {
        let m = b"SIP/2.0 200 OK\r\nContent-Type: multipart/mixed;boundary=zz\r\nContent-Length: 26\r\n\r\n\
--zz\r\n\r\nbody\r\n--zz--\r\nTRAILING";
        let msg = Message::parse(m).unwrap();
        assert_eq!(msg.body().len(), 26);
        let mp = Multipart::of(&msg).unwrap().unwrap();
        assert_eq!(mp.get(0).unwrap().body(), b"body");
        let plain = Message::parse(b"SIP/2.0 200 OK\r\nContent-Type: text/plain\r\nl: 0\r\n\r\n").unwrap();
        assert!(Multipart::of(&plain).is_none());
    }
}
