//! The zero-copy message parser (RFC 3261 §7): start line, header index,
//! body, and the strict checks of the headers the transaction layer reads.
//!
//! One pass over the header section finds every line with a SIMD search;
//! each field is recorded as an eight-byte entry (name kind, offsets) in an
//! inline index. Header values are not decoded here except for the few the
//! transaction layer depends on (RFC 3261 §17: Via, From, To, Call-ID, CSeq;
//! Content-Length for framing, Max-Forwards for proxies). All other values
//! are decoded on demand, so a proxy can forward a message whose unknown or
//! unused headers are malformed (RFC 3261 §16.6 step 1 forwards what it
//! need not interpret).

use super::error::{Element, ErrorKind, ParseError};
use super::headers::{CSeq, NameAddr, Via};
use super::lex;
use super::limits::{HEADER_CAPACITY, Limits};
use super::method::Method;
use super::name::HeaderName;
use super::status::StatusCode;
use super::uri::{AbsoluteUri, Uri};

/// One header field in the index: where its name and value sit in the
/// message buffer. Eight bytes: the index of a 128-field message is 1 KiB.
///
/// In this order (`repr(C)`) the header loop builds an entry as one word
/// with fewer shifts and masks: the name and its length, constants of the
/// classifier's arm, in the low bytes, the offsets above them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub(crate) struct Entry {
    pub(crate) name: HeaderName,
    pub(crate) name_len: u8,
    pub(crate) line_start: u16,
    pub(crate) value_start: u16,
    pub(crate) value_end: u16,
}

/// The request line (RFC 3261 §7.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequestLine<'a> {
    /// The method.
    pub method: Method<'a>,
    /// The Request-URI, decoded.
    pub uri: Uri<'a>,
    /// The Request-URI exactly as it appeared.
    pub raw_uri: &'a [u8],
}

/// The status line (RFC 3261 §7.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusLine<'a> {
    /// The status code, 100 to 699.
    pub status: StatusCode,
    /// The reason phrase as it appeared; may be empty (RFC 4475 §3.1.1.13)
    /// and may hold UTF-8 (§3.1.1.12).
    pub reason: &'a [u8],
}

impl<'a> StatusLine<'a> {
    /// The reason phrase as text, if it is valid UTF-8.
    pub fn reason_str(&self) -> Option<&'a str> {
        core::str::from_utf8(self.reason).ok()
    }
}

/// A start line: a request line or a status line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StartLine<'a> {
    /// A request.
    Request(RequestLine<'a>),
    /// A response.
    Response(StatusLine<'a>),
}

/// A parsed SIP message: a borrowed view over the caller's bytes.
///
/// Parsing allocates nothing and takes time linear in the input. The header
/// index records every field in order; typed values are decoded on demand by
/// the accessors (see [`super::headers`]), except for the transaction-layer
/// headers checked strictly at parse time.
//
// The fields are laid out by the compiler: the index at 0x300 (its `len`,
// then the 1,024-byte buffer), `head_len` and `head_str` after it. Each
// caller of `Message::unparsed` zeroes 0x300..0x718 with one `memset` (77
// instructions a message): the index's uninitialised buffer merged with
// the zero stores of `len`, `head_len` and `head_str`. With `head_len`
// stored non-zero the `memset` still covers `len` and the buffer (0x408
// bytes), and the figures did not move (7,140 a message, +37 a call), so
// it is `heapless::Vec::new()` itself here, not only its neighbours.
// `repr(C)` with the index last removes the `memset` but measured +49 a
// message and +1,158 a call (the move out of the `Result` becomes two
// copies); with the index between the start line and the limits, +10 a
// message and +898 a call.
#[derive(Clone, Debug)]
pub struct Message<'a> {
    pub(crate) buf: &'a [u8],
    pub(crate) start: StartLine<'a>,
    pub(crate) index: heapless::Vec<Entry, HEADER_CAPACITY>,
    /// End of the header section (first byte of the body).
    pub(crate) head_len: usize,
    /// The header section as text, if it is valid UTF-8 (RFC 3261 §25.1:
    /// every header value is UTF-8 text, so it nearly always is). Checked
    /// once per message so that decoders slice `&str` values out of it
    /// instead of checking each small piece again; `None` sends them back
    /// to a per-value check (a proxy still forwards such a message).
    pub(crate) head_str: Option<&'a str>,
    pub(crate) body: &'a [u8],
    pub(crate) content_length: Option<u32>,
    pub(crate) cseq: Option<CSeq<'a>>,
    pub(crate) max_forwards: Option<u8>,
    // What the strict parse-time checks decoded, kept so the accessors do
    // not decode the same bytes twice.
    pub(crate) call_id: Option<&'a str>,
    pub(crate) top_via: Option<Via<'a>>,
    /// Where the comma list of the first Via field stood after the top
    /// Via (`None`: nothing followed it), so `vias()` resumes there
    /// instead of splitting the field again.
    pub(crate) top_via_rest: Option<u16>,
    pub(crate) from: Option<NameAddr<'a>>,
    pub(crate) to: Option<NameAddr<'a>>,
    pub(crate) limits: Limits,
    /// Where the fields of the list headers the transaction layer walks
    /// (Via, Contact, Route) stand in the index, recorded by the header
    /// loop, so their iterators start at the first and stop after the
    /// last instead of walking the whole index.
    pub(crate) spans: ListSpans,
    /// Whether a header line was a continuation (RFC 3261 §7.3.1), set
    /// by the cold [`fold`] path: without one, no value holds a line
    /// break (a line ends at its LF, and a CR not before it fails the
    /// parse), so a builder copies the values without looking for one.
    folded: bool,
    /// Where `Result<Message, _>` keeps its `Err` (see [`Niche`]).
    niche: Niche,
}

/// A field with one valid value in eight bytes: the largest niche of the
/// message (2^64 - 1 spare values; the From slot's tag leaves 2^64 - 4),
/// so `Result<Message, ParseError>` tells `Err` by it. The returning
/// parse writes it after the fill, so the compiler knows the result is
/// `Ok` there and moves the message once into the caller's binding; with
/// the tag of `from` as the niche, which the out-of-line fill may have
/// written, it tested it again and copied the message twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
enum Niche {
    Message = 0,
}

/// The header section `buf[..head_len]` as text, if it is valid UTF-8
/// (RFC 3261 §25.1).
///
/// simdutf8 checks 64-byte blocks and copies a shorter tail into a block
/// of its own (about 100 instructions of a 200-instruction check for a
/// usual head). Where the input goes on past the head (a body), the
/// check covers the head rounded up to whole blocks instead, and the
/// head is cut from that text: a prefix of valid UTF-8 is valid exactly
/// when it ends on a character boundary, which the cut tests. If the
/// longer text is not UTF-8 (a binary body), the head is checked alone,
/// so the answer is always the head's own: at most 63 bytes more are
/// read, and at worst the head is checked twice.
#[inline(always)]
fn head_text(buf: &[u8], head_len: usize) -> Option<&str> {
    if let Some(wider) = buf.get(..head_len.next_multiple_of(64)) {
        if let Ok(t) = simdutf8::basic::from_utf8(wider) {
            return t.get(..head_len);
        }
    }
    simdutf8::basic::from_utf8(buf.get(..head_len).unwrap_or(&[])).ok()
}

/// Finds the next line end at or after `i`. Returns `(content_end, next)`:
/// the line's content stops at `content_end` (CR stripped), the next line
/// starts at `next`. A CR not followed by LF is an error: some stacks treat
/// it as a line end, so letting it through would let a header be smuggled
/// past a proxy (RFC 3261 §7.3.1 allows only CRLF; a lone LF is accepted
/// for robustness, as most deployed stacks do).
#[inline(always)]
fn line_end<F: LineBreaks>(finder: &F, buf: &[u8], i: usize) -> Result<Option<(usize, usize)>, ()> {
    let Some(rest) = buf.get(i..) else {
        return Ok(None);
    };
    match finder.find(rest) {
        None => Ok(None),
        Some(k) => {
            let p = i + k;
            match (buf.get(p), buf.get(p + 1)) {
                (Some(b'\n'), _) => Ok(Some((p, p + 1))),
                (_, Some(b'\n')) => Ok(Some((p, p + 2))),
                (_, Some(_)) => Err(()),
                (_, None) => Ok(None),
            }
        }
    }
}

/// Finds the line breaks of the header section: the next CR or LF.
///
/// Searching for CR as well as LF is what refuses a bare CR without a
/// second pass over the head: every CR is seen, and each must be followed
/// by LF (see [`line_end`] for why). The parser is compiled once for each
/// finder, so the choice is made once per message, not once per line.
trait LineBreaks {
    fn find(&self, hay: &[u8]) -> Option<usize>;

    /// [`LineBreaks::find`], with `hay.len()` for "none": the header loop
    /// tests one number, with no `Option` to merge across the finder's
    /// paths.
    #[inline(always)]
    fn find_or_len(&self, hay: &[u8]) -> usize {
        self.find(hay).unwrap_or(hay.len())
    }

    /// [`LineBreaks::find_or_len`] for a haystack of at least 32 bytes.
    #[inline(always)]
    fn find_long(&self, hay: &[u8]) -> usize {
        self.find_or_len(hay)
    }
}

/// memchr's AVX2 finder, called directly: built once per parse where AVX2
/// is there (detected at run time with `std`, or enabled at compile time).
///
/// Measured worse than it (bench figures per message, base 7,140; per
/// call, base 81,514), with SSE2 through `safe_arch`: a 16-byte compare
/// loop inline in the header loop with a step-back tail, +106 (per call
/// -83); 32-byte steps with one test of both halves, +27 (per call -133);
/// one 64-byte CR/LF block mask kept across lines (a shift and a
/// `trailing_zeros` a line, a block of four loads when it runs out),
/// +178. A 64-byte block costs about 40 instructions and the header lines
/// average about 50 bytes, so SSE2's 16 bytes a compare does not beat
/// AVX2's 32 plus memchr's call.
#[cfg(target_arch = "x86_64")]
impl LineBreaks for memchr::arch::x86_64::avx2::memchr::Two {
    #[inline(always)]
    fn find(&self, hay: &[u8]) -> Option<usize> {
        // memchr's finder handles a haystack shorter than one AVX2 vector
        // (32 bytes) inline, with SSE2 needles of its own that then stay
        // live across the header loop; a haystack known to be longer
        // reaches the AVX2 routine alone. A shorter one (the last lines of
        // a message without a body) takes `short_find`.
        if hay.len() >= 32 {
            memchr::arch::x86_64::avx2::memchr::Two::find(self, hay)
        } else {
            short_find(hay)
        }
    }

    #[inline(always)]
    fn find_or_len(&self, hay: &[u8]) -> usize {
        if hay.len() >= 32 {
            memchr::arch::x86_64::avx2::memchr::Two::find(self, hay).unwrap_or(hay.len())
        } else {
            short_find(hay).unwrap_or(hay.len())
        }
    }

    #[inline(always)]
    fn find_long(&self, hay: &[u8]) -> usize {
        memchr::arch::x86_64::avx2::memchr::Two::find(self, hay).unwrap_or(hay.len())
    }
}

/// The line-break search over fewer than 32 bytes (see the AVX2 finder),
/// out of line: memchr's SSE2 finder (SSE2 is part of every x86_64
/// target), its needles built here rather than kept by the loop.
///
/// A haystack of 16 to 32 bytes (nearly always the last header line and
/// the empty line of a message without a body, `Content-Length: 0` and
/// CRLF CRLF) is searched by two SSE2 windows instead, the first 16 bytes
/// and the last 16 (see [`crlf_windows`]).
#[cfg(target_arch = "x86_64")]
#[inline(never)]
fn short_find(hay: &[u8]) -> Option<usize> {
    #[cfg(target_feature = "sse2")]
    if let Some(found) = crlf_windows(hay) {
        return found;
    }
    match memchr::arch::x86_64::sse2::memchr::Two::new(b'\r', b'\n') {
        Some(two) => two.find(hay),
        None => memchr::memchr2(b'\r', b'\n', hay),
    }
}

/// The first CR or LF of a haystack of 16 to 32 bytes (`Some(None)`:
/// none), by two SSE2 windows: its first 16 bytes, then its last 16. The
/// windows overlap where the haystack is under 32 bytes; the first had no
/// CR or LF, so the second's first is the haystack's. `None` for any
/// other length (the caller's search takes it).
#[cfg(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2"))]
#[inline(always)]
fn crlf_windows(hay: &[u8]) -> Option<Option<usize>> {
    use lex::sse2::splat;
    use safe_arch::{bitor_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i};
    // One bit a byte, set for CR and LF.
    #[inline(always)]
    fn breaks(w: &[u8; 16]) -> u32 {
        let x = load_unaligned_m128i(w);
        let cr = cmp_eq_mask_i8_m128i(x, splat(b'\r'));
        let lf = cmp_eq_mask_i8_m128i(x, splat(b'\n'));
        // Sixteen sign bits, in 0..=0xFFFF: the cast is exact.
        move_mask_i8_m128i(bitor_m128i(cr, lf)) as u32
    }
    if hay.len() > 32 {
        return None;
    }
    let (first, last) = (hay.first_chunk::<16>()?, hay.last_chunk::<16>()?);
    let m = breaks(first);
    if m != 0 {
        return Some(Some(m.trailing_zeros() as usize));
    }
    let m = breaks(last);
    Some((m != 0).then(|| hay.len() - 16 + m.trailing_zeros() as usize))
}

/// Elsewhere memchr's `memchr2` (which picks its implementation itself).
struct Portable;

impl LineBreaks for Portable {
    #[inline(always)]
    fn find(&self, hay: &[u8]) -> Option<usize> {
        memchr::memchr2(b'\r', b'\n', hay)
    }
}

/// The field name: `line` up to its first ':', found eight bytes at a
/// time with the exact "has a zero byte" word trick (`None`: no colon).
/// `hay` is `line` and what follows it, and `first` is `hay`'s first
/// eight bytes as a little-endian word (zero-padded past its end): it is
/// loaded once for both this search and the name classifier. A colon
/// found past the line is not the line's, and as the first colon of
/// `hay` it means the line has none.
#[inline(always)]
fn find_colon<'l>(line: &'l [u8], hay: &[u8], first: u64) -> Option<&'l [u8]> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const COLONS: u64 = ONES * b':' as u64;
    let hit = |w: u64| lex::zero_byte_flags(w ^ COLONS);
    // The name, in the same test as the colon's place in the line.
    let within = |at: usize| if at < line.len() { line.get(..at) } else { None };
    let m = hit(first);
    if m != 0 {
        return within((m.trailing_zeros() / 8) as usize);
    }
    // Names of nine to sixteen bytes (Max-Forwards, Content-Length,
    // Record-Route, ...): the colon is in `hay`'s second word, read
    // without a test of the line's length.
    if let Some(&[a, b, c, d, e, f, g, h]) = hay.get(8..16) {
        let m = hit(u64::from_le_bytes([a, b, c, d, e, f, g, h]));
        if m != 0 {
            return within(8 + (m.trailing_zeros() / 8) as usize);
        }
    }
    let mut i = 8;
    while let Some(chunk) = line.get(i..i + 8) {
        let Ok(w) = <[u8; 8]>::try_from(chunk) else { break };
        let m = hit(u64::from_le_bytes(w));
        if m != 0 {
            return within(i + (m.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    let at = line.get(i..)?.iter().position(|&c| c == b':')?;
    within(i + at)
}

/// A field name with its colon (`Name:`), as three masked little-endian
/// words: bytes 0..8 in `m0`/`v0`, bytes 8..16 in `m1`/`v1`, bytes 16..24
/// in `m2`/`v2`. A letter is
/// compared with its upper-case form under `0xdf` (only its two cases
/// pass), any other byte exactly under `0xff`; bytes past the pattern are
/// masked off.
struct Prefix {
    m0: u64,
    v0: u64,
    m1: u64,
    v1: u64,
    m2: u64,
    v2: u64,
}

const fn prefix(s: &[u8]) -> Prefix {
    let mut p = Prefix { m0: 0, v0: 0, m1: 0, v1: 0, m2: 0, v2: 0 };
    let mut i = 0;
    while i < s.len() && i < 24 {
        let b = s[i];
        let (m, v) = if b.is_ascii_alphabetic() { (0xdf, b.to_ascii_uppercase()) } else { (0xff, b) };
        let (m, v) = ((m as u64) << (8 * (i % 8)), (v as u64) << (8 * (i % 8)));
        if i < 8 {
            p.m0 |= m;
            p.v0 |= v;
        } else if i < 16 {
            p.m1 |= m;
            p.v1 |= v;
        } else {
            p.m2 |= m;
            p.v2 |= v;
        }
        i += 1;
    }
    p
}

/// The names of nearly every header line (RFC 3261 §8.1.1's mandatory
/// six, Contact, the framing and routing headers, and the common others
/// of §20), told by the line's first bytes with their colon and one SP
/// (`Name: `): the name and the colon's position, or `None` for the
/// general path (colon search, length-and-letter classifier, SWS test).
/// `w` is `hay`'s first word (zero-padded). One compare of the first
/// word (and of the second for names of eight bytes or more) replaces
/// the colon search and two jump tables.
///
/// A match is what the general path answers: the pattern holds no colon
/// before its own, so that one is the line's first; it holds no CR or LF,
/// so it lies within the line (the line ends at the first CR or LF of
/// `hay`); the name is a known name in some letter case (RFC 3261
/// §7.3.1), so a token, with no white space before the colon. The zero
/// padding past a short `hay` (or a second word of 0 when `hay` is under
/// sixteen bytes) never matches a pattern byte.
#[inline(always)]
fn known_name(w: u64, hay: &[u8]) -> Option<(HeaderName, usize)> {
    macro_rules! one {
        ($lit:literal => $name:ident) => {{
            const PAT: Prefix = prefix($lit);
            const _: () = assert!($lit.len() <= 8);
            if w & PAT.m0 == PAT.v0 {
                return Some((HeaderName::$name, $lit.len() - 2));
            }
        }};
    }
    // `hay`'s bytes 8..16, or 0 (which matches no pattern) if it is
    // shorter: the general path takes such a line.
    let second = || match hay.get(8..16).map(<[u8; 8]>::try_from) {
        Some(Ok(a)) => u64::from_le_bytes(a),
        _ => 0,
    };
    let third = || match hay.get(16..24).map(<[u8; 8]>::try_from) {
        Some(Ok(a)) => u64::from_le_bytes(a),
        _ => 0,
    };
    // Patterns of nine to sixteen bytes: the second word is read only
    // once the first matched.
    macro_rules! two {
        ($lit:literal => $name:ident) => {{
            const PAT: Prefix = prefix($lit);
            const _: () = assert!(8 < $lit.len() && $lit.len() <= 16);
            if w & PAT.m0 == PAT.v0 && second() & PAT.m1 == PAT.v1 {
                return Some((HeaderName::$name, $lit.len() - 2));
            }
        }};
    }
    // The first byte's low five bits pick the arm: a full table, so no
    // range test (any other byte lands on an arm whose compare fails).
    const A: u8 = b'a' & 0x1f;
    const C: u8 = b'c' & 0x1f;
    const D: u8 = b'd' & 0x1f;
    const E: u8 = b'e' & 0x1f;
    const F: u8 = b'f' & 0x1f;
    const H: u8 = b'h' & 0x1f;
    const M: u8 = b'm' & 0x1f;
    const P: u8 = b'p' & 0x1f;
    const R: u8 = b'r' & 0x1f;
    const S: u8 = b's' & 0x1f;
    const T: u8 = b't' & 0x1f;
    const U: u8 = b'u' & 0x1f;
    const V: u8 = b'v' & 0x1f;
    const W: u8 = b'w' & 0x1f;
    // Patterns of seventeen to twenty-four bytes: three words.
    macro_rules! three {
        ($lit:literal => $name:ident) => {{
            const PAT: Prefix = prefix($lit);
            const _: () = assert!(16 < $lit.len() && $lit.len() <= 24);
            if w & PAT.m0 == PAT.v0 && second() & PAT.m1 == PAT.v1 && third() & PAT.m2 == PAT.v2 {
                return Some((HeaderName::$name, $lit.len() - 2));
            }
        }};
    }
    match w as u8 & 0x1f {
        V => one!(b"via: " => Via),
        F => one!(b"from: " => From),
        T => one!(b"to: " => To),
        // Five names: the second letter picks one or the Cont- three.
        C => match (w >> 8) as u8 | 0x20 {
            b'a' => two!(b"call-id: " => CallId),
            b's' => one!(b"cseq: " => CSeq),
            _ => {
                two!(b"contact: " => Contact);
                const CONTENT: Prefix = prefix(b"content-");
                if w & CONTENT.m0 == CONTENT.v0 {
                    let w2 = second();
                    const LENGTH: Prefix = prefix(b"content-length: ");
                    const TYPE: Prefix = prefix(b"content-type: ");
                    if w2 & LENGTH.m1 == LENGTH.v1 {
                        return Some((HeaderName::ContentLength, 14));
                    }
                    if w2 & TYPE.m1 == TYPE.v1 {
                        return Some((HeaderName::ContentType, 12));
                    }
                }
            }
        },
        M => two!(b"max-forwards: " => MaxForwards),
        R => {
            two!(b"record-route: " => RecordRoute);
            one!(b"route: " => Route);
            two!(b"require: " => Require);
        }
        U => two!(b"user-agent: " => UserAgent),
        A => {
            one!(b"allow: " => Allow);
            one!(b"accept: " => Accept);
        }
        S => {
            two!(b"supported: " => Supported);
            one!(b"server: " => Server);
            three!(b"session-expires: " => SessionExpires);
        }
        P => three!(b"p-asserted-identity: " => PAssertedIdentity),
        W => three!(b"www-authenticate: " => WwwAuthenticate),
        D => one!(b"date: " => Date),
        H => two!(b"history-info: " => HistoryInfo),
        E => {
            two!(b"expires: " => Expires);
            one!(b"event: " => Event);
        }
        _ => {}
    }
    None
}

/// The eight bytes of `buf` at `i` as a little-endian word, zero-padded
/// past the end of `buf`.
#[inline(always)]
fn word_at(buf: &[u8], i: usize) -> u64 {
    match buf.get(i..i + 8) {
        Some(w) => match <[u8; 8]>::try_from(w) {
            Ok(a) => u64::from_le_bytes(a),
            Err(_) => 0,
        },
        None => super::name::head_word(buf.get(i..).unwrap_or(&[])),
    }
}

/// True if `s` starts with `SIP/` in any case (a status line).
#[inline]
fn starts_with_sip_slash(s: &[u8]) -> bool {
    // One word compare: OR-ing 0x20 into the three letters folds exactly
    // their two cases onto the lower one (no other byte lands on 's', 'i'
    // or 'p'); the '/' is compared as it is.
    match s.get(..4) {
        Some(&[a, b, c, d]) => u32::from_le_bytes([a, b, c, d]) | 0x0020_2020 == u32::from_le_bytes(*b"sip/"),
        _ => false,
    }
}

/// Checks a SIP-Version (RFC 3261 §25.1: `"SIP" "/" 1*DIGIT "." 1*DIGIT`,
/// "SIP" case-insensitive). Ok for 2.0 (with any leading zeros), 505 for a
/// well-formed other version, 400 otherwise.
fn check_version(v: &[u8]) -> Result<(), ParseError> {
    if v == b"SIP/2.0" {
        return Ok(()); // as (nearly) every message spells it
    }
    if !starts_with_sip_slash(v) {
        return Err(ParseError::syntax(Element::Version));
    }
    let nums = &v[4..];
    let dot = lex::find_byte(b'.', nums).ok_or(ParseError::syntax(Element::Version))?;
    let (major, minor) = (&nums[..dot], &nums[dot + 1..]);
    let digits = |s: &[u8]| !s.is_empty() && s.iter().all(|&c| lex::is_digit(c));
    if !digits(major) || !digits(minor) {
        return Err(ParseError::syntax(Element::Version));
    }
    let is = |s: &[u8], d: u8| {
        let nz = s.iter().position(|&c| c != b'0');
        match nz {
            None => d == 0,
            Some(p) => s.len() - p == 1 && s[p] == b'0' + d,
        }
    };
    if is(major, 2) && is(minor, 0) {
        Ok(())
    } else {
        Err(ParseError::new(Element::Version, ErrorKind::UnsupportedVersion))
    }
}

fn parse_status_line(line: &[u8]) -> Result<StatusLine<'_>, ParseError> {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
    // Nearly every response starts "SIP/2.0 ": one compare settles the
    // version and finds the first SP; any other start takes the search
    // and the full version check, in the same order.
    let sp = if line.get(..8) == Some(&b"SIP/2.0 "[..]) {
        7
    } else {
        let sp = lex::find_byte(b' ', line).ok_or(ParseError::syntax(Element::StartLine))?;
        check_version(&line[..sp])?;
        sp
    };
    let rest = &line[sp + 1..];
    // Exactly three digits, then SP (RFC 4475 §3.1.1.13 keeps the SP even
    // with an empty reason) or, leniently, the end of the line.
    let code = rest.get(..3).ok_or(ParseError::syntax(Element::StatusCode))?;
    if !code.iter().all(|&c| lex::is_digit(c)) {
        return Err(ParseError::syntax(Element::StatusCode));
    }
    let n = u16::from(code[0] - b'0') * 100 + u16::from(code[1] - b'0') * 10 + u16::from(code[2] - b'0');
    if !(100..=699).contains(&n) {
        // RFC 4475 §3.1.2.19: status codes are 100-699.
        return Err(ParseError::new(Element::StatusCode, ErrorKind::OutOfRange));
    }
    let reason = match rest.get(3) {
        None => &[][..],
        Some(b' ') => &rest[4..],
        Some(_) => return Err(ParseError::syntax(Element::StatusCode)),
    };
    // Reason-Phrase excludes CR and LF (already split) and other controls
    // but HTAB.
    if reason_has_ctl(line, reason.len()) {
        return Err(ParseError::syntax(Element::ReasonPhrase));
    }
    Ok(StatusLine { status: StatusCode(n), reason })
}

/// Whether the last `n` bytes of the status line `line`, its
/// Reason-Phrase, hold a control byte other than HTAB, or DEL (RFC 3261
/// §25.1: `Reason-Phrase = *(reserved / unreserved / escaped /
/// UTF8-NONASCII / UTF8-CONT / SP / HTAB)`), eight bytes at a time. A
/// reason of up to eight bytes ("OK", "Ringing", "Trying") lies in the
/// line's last eight, read as one word whose top `n` bytes are the
/// reason's.
#[inline(always)]
fn reason_has_ctl(line: &[u8], n: usize) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = ONES * 0x80;
    const LOW7: u64 = ONES * 0x7f;
    // Each test is exact per byte (no carry crosses a byte): the high bit
    // of a byte set where it is zero, or below SP.
    let zero = |v: u64| !(((v & LOW7) + LOW7) | v) & HIGHS;
    let below_sp = |v: u64| !(((v & LOW7) + ONES * (0x80 - 0x20)) | v) & HIGHS;
    let bad = |x: u64| (below_sp(x) & !zero(x ^ (ONES * 0x09))) | zero(x ^ (ONES * 0x7f));
    let Some(reason) = line.len().checked_sub(n).and_then(|a| line.get(a..)) else {
        return false;
    };
    if n == 0 {
        return false;
    }
    if n <= 8 {
        return match line.last_chunk::<8>() {
            Some(w) => bad(u64::from_le_bytes(*w)) & (HIGHS << (8 * (8 - n))) != 0,
            None => reason.iter().any(|&c| c < 0x20 && c != b'\t' || c == 0x7f),
        };
    }
    let mut words = reason.chunks_exact(8);
    for c in &mut words {
        if let Ok(w) = <[u8; 8]>::try_from(c)
            && bad(u64::from_le_bytes(w)) != 0
        {
            return true;
        }
    }
    // The last eight bytes again (overlapping), for a remainder.
    !words.remainder().is_empty() && line.last_chunk::<8>().is_some_and(|w| bad(u64::from_le_bytes(*w)) != 0)
}

/// The first SP of a request line: in the line's first word for a method
/// of up to seven bytes (INVITE, ACK, BYE, ...) or its second for one of
/// up to fifteen, else searched for past them. A word is zero-padded past
/// a short line, and a zero byte never matches SP, so the position found
/// lies in the line.
#[inline(always)]
fn first_sp(line: &[u8]) -> Option<usize> {
    const SPACES: u64 = 0x0101_0101_0101_0101 * b' ' as u64;
    let first = lex::zero_byte_flags(word_at(line, 0) ^ SPACES);
    if first != 0 {
        return Some((first.trailing_zeros() / 8) as usize);
    }
    // REGISTER, SUBSCRIBE: the second word.
    let second = lex::zero_byte_flags(word_at(line, 8) ^ SPACES);
    if second != 0 {
        return Some(8 + (second.trailing_zeros() / 8) as usize);
    }
    line.get(16..).and_then(|rest| lex::find_byte(b' ', rest)).map(|k| k + 16)
}

/// Splits a request line, writing its method and raw Request-URI into
/// `dst` (in place: a request line is the larger part of a start line).
/// Returns the Request-URI's span in the message buffer, given `at`, the
/// line's offset in it: the URI is decoded once the header section is
/// known to be text ([`Message::parse_request_uri`]), so that it is not
/// checked as UTF-8 on its own.
fn split_request_line<'a>(
    line: &'a [u8],
    at: usize,
    dst: &mut StartLine<'a>,
) -> Result<(usize, usize), ParseError> {
    // Request-Line = Method SP Request-URI SP SIP-Version: exactly two SPs.
    // Extra or trailing SPs and LWS inside the URI are rejected, which
    // RFC 4475 §3.1.2.8-10 permits (a liberal parser must never forward them).
    let sp1 = first_sp(line).ok_or(ParseError::syntax(Element::StartLine))?;
    // Nearly every request ends in " SIP/2.0": one word compare finds the
    // second SP and settles the version; other endings take the search.
    let tail = line.len().checked_sub(8).and_then(|i| line.get(i..));
    let common = tail == Some(&b" SIP/2.0"[..]);
    let sp2 = if common {
        line.len() - 8 // the last SP: "SIP/2.0" holds none
    } else {
        memchr::memrchr(b' ', line).ok_or(ParseError::syntax(Element::StartLine))?
    };
    if sp1 >= sp2 {
        return Err(ParseError::syntax(Element::StartLine));
    }
    let method = Method::from_bytes(&line[..sp1]).ok_or(ParseError::syntax(Element::Method))?;
    let raw_uri = &line[sp1 + 1..sp2];
    if !common {
        check_version(&line[sp2 + 1..])?;
    }
    // A control byte, SP or DEL in the Request-URI is refused by the URI
    // grammar itself (RFC 3261 §25.1: no URI component holds one), with
    // the same error, when the URI is decoded after the header loop, or
    // before a header error is reported (`check_request_uri`); so the
    // line is not scanned for them here too.
    if raw_uri.is_empty() {
        return Err(ParseError::syntax(Element::RequestUri));
    }
    // The URI's place holds `Uri::PLACEHOLDER` (an empty opaque URI)
    // until the Request-URI is decoded into it
    // ([`Message::parse_request_uri`]). Rebuilt here with its `raw` cut
    // from the line, it is a few field stores; the constant itself was a
    // copy of all 128 bytes from a global.
    let empty = raw_uri.get(..0).unwrap_or(&[]);
    let uri = match Uri::PLACEHOLDER {
        Uri::Other(a) => Uri::Other(AbsoluteUri { scheme: a.scheme, raw: empty }),
        other => other,
    };
    *dst = StartLine::Request(RequestLine { method, uri, raw_uri });
    Ok((at + sp1 + 1, at + sp2))
}

/// Checks a Request-URI, as the header loop failed: a malformed
/// Request-URI is reported first, as the start line comes first.
#[cold]
#[inline(never)]
fn check_request_uri(raw: &[u8]) -> Result<(), ParseError> {
    let uri = Uri::parse(raw).map_err(|e| ParseError::new(Element::RequestUri, e.kind))?;
    check_no_uri_headers(&uri)
}

/// RFC 3261 §19.1.1 (table): headers are not allowed in a Request-URI
/// (RFC 4475 §3.1.2.11).
#[inline(always)]
fn check_no_uri_headers(uri: &Uri<'_>) -> Result<(), ParseError> {
    if uri.sip().is_some_and(|u| u.headers.is_some()) {
        return Err(ParseError::syntax(Element::RequestUri));
    }
    Ok(())
}

impl<'a> Message<'a> {
    /// Parses one complete message with the default [`Limits`].
    ///
    /// The input is one datagram, or one frame cut by the stream deframer.
    /// With a Content-Length, the body is that many bytes and anything after
    /// it is ignored (RFC 3261 §18.3); without one, the rest of the input is
    /// the body (datagram rules, §18.3).
    #[inline(always)]
    pub fn parse(buf: &'a [u8]) -> Result<Message<'a>, ParseError> {
        Self::parse_with(buf, &Limits::DEFAULT)
    }

    /// Parses one complete message under the given limits.
    ///
    /// Inlined into the caller, so the message is built in the caller's
    /// frame and filled there by one out-of-line call: the
    /// `let msg = Message::parse(b)?` of the caller moves it once (the
    /// parse returning it through its own frame moved it twice).
    #[inline(always)]
    pub fn parse_with(buf: &'a [u8], limits: &Limits) -> Result<Message<'a>, ParseError> {
        let mut msg = Message::unparsed(buf, limits);
        match msg.fill_returned(limits) {
            Ok(()) => {
                msg.niche = Niche::Message;
                Ok(msg)
            }
            Err(e) => Err(e),
        }
    }

    /// The returning parse's fill, out of line (one body for every
    /// caller), with the transaction headers decoded inline.
    #[inline(never)]
    fn fill_returned(&mut self, limits: &Limits) -> Result<(), ParseError> {
        #[cfg(target_arch = "x86_64")]
        if let Some(two) = &memchr::arch::x86_64::avx2::memchr::Two::new(b'\r', b'\n') {
            return self.fill::<_, true>(limits, two);
        }
        self.fill::<_, true>(limits, &Portable)
    }

    /// The returning parse over a given line finder, for the tests that
    /// hold the finders to each other.
    #[cfg(test)]
    fn parse_using<F: LineBreaks>(
        buf: &'a [u8],
        limits: &Limits,
        finder: &F,
    ) -> Result<Message<'a>, ParseError> {
        let mut msg = Message::unparsed(buf, limits);
        msg.fill::<F, true>(limits, finder)?;
        Ok(msg)
    }

    /// An empty message over `buf`, for [`Message::parse_in_place`] to
    /// fill: a caller that keeps the message in a place of its own (the
    /// endpoint's `Received`) builds it there, so the large value is
    /// filled where it stays instead of being moved in.
    #[inline(always)]
    pub(crate) fn unparsed(buf: &'a [u8], limits: &Limits) -> Message<'a> {
        Message {
            buf,
            start: StartLine::Response(StatusLine { status: StatusCode(0), reason: &[] }),
            index: heapless::Vec::new(),
            head_len: 0,
            head_str: None,
            body: &[],
            content_length: None,
            cseq: None,
            max_forwards: None,
            call_id: None,
            top_via: None,
            top_via_rest: None,
            from: None,
            to: None,
            limits: *limits,
            spans: ListSpans::EMPTY,
            folded: false,
            niche: Niche::Message,
        }
    }

    /// Parses `self.buf` into `self`, which must be fresh from
    /// [`Message::unparsed`] with the same `limits`. After an error the
    /// value is partly filled and must not be used. (Only the endpoint's
    /// shared received message needs it, and the endpoint needs `alloc`.)
    #[cfg(feature = "alloc")]
    pub(crate) fn parse_in_place(&mut self, limits: &Limits) -> Result<(), ParseError> {
        #[cfg(target_arch = "x86_64")]
        if let Some(two) = &memchr::arch::x86_64::avx2::memchr::Two::new(b'\r', b'\n') {
            return self.fill_using(limits, two);
        }
        self.fill_using(limits, &Portable)
    }

    #[cfg(feature = "alloc")]
    #[inline(never)]
    fn fill_using<F: LineBreaks>(&mut self, limits: &Limits, finder: &F) -> Result<(), ParseError> {
        self.fill::<F, false>(limits, finder)
    }

    /// The parse proper, over `self.buf`, into `self`.
    #[inline(always)]
    ///
    /// `INLINE`: whether the transaction headers are decoded inline here
    /// (the returning parse, -12 instructions a message) or through one
    /// call (the in-place parse of the endpoint, which measured +370 per
    /// call with them inlined).
    fn fill<F: LineBreaks, const INLINE: bool>(
        &mut self,
        limits: &Limits,
        finder: &F,
    ) -> Result<(), ParseError> {
        let buf = self.buf;
        if buf.len() > limits.max_message_size {
            return Err(ParseError::new(Element::Message, ErrorKind::MessageTooLarge));
        }
        // RFC 3261 §7.5: CRLFs before the start line are ignored.
        let mut pos = 0;
        while let Some(&c) = buf.get(pos) {
            if c == b'\r' || c == b'\n' {
                pos += 1;
            } else {
                break;
            }
        }
        let (sl_end, next) = match line_end(finder, buf, pos) {
            Ok(Some(v)) => v,
            Ok(None) => return Err(ParseError::new(Element::StartLine, ErrorKind::Incomplete)),
            Err(()) => return Err(ParseError::syntax(Element::StartLine)),
        };
        if sl_end - pos > limits.max_line_length {
            return Err(ParseError::new(Element::StartLine, ErrorKind::LineTooLong));
        }
        let line = &buf[pos..sl_end];

        // The message is filled in place: the start line and the index are
        // written into it directly, so neither is copied afterwards.
        let uri_span = if starts_with_sip_slash(line) {
            self.start = StartLine::Response(parse_status_line(line)?);
            None
        } else {
            Some(split_request_line(line, pos, &mut self.start)?)
        };
        let mut tx = TxFields::none();
        if let Err(e) = self.scan_fields(finder, next, limits, &mut tx) {
            // A malformed Request-URI is reported before anything in the
            // header section, as the start line comes first.
            if let Some((a, b)) = uri_span {
                check_request_uri(buf.get(a..b).unwrap_or(&[]))?;
            }
            return Err(e);
        }
        let body_start = self.head_len;
        // The in-place parse (the endpoint's) checks the head alone: the
        // wider check measured +64 to +155 instructions a call there.
        self.head_str = if INLINE {
            head_text(buf, body_start)
        } else {
            simdutf8::basic::from_utf8(buf.get(..body_start).unwrap_or(&[])).ok()
        };
        if let Some((a, b)) = uri_span {
            self.parse_request_uri(a, b)?;
        }
        self.check_transaction_headers::<INLINE>(&tx)?;

        // Body: RFC 3261 §18.3. With Content-Length, exactly that many bytes;
        // more is ignored (RFC 4475 §3.1.1.8), fewer is an error (§3.1.2.2).
        let available = buf.get(body_start..).unwrap_or(&[]);
        self.body = match self.content_length {
            Some(n) => {
                available.get(..n as usize).ok_or(ParseError::new(Element::Body, ErrorKind::Incomplete))?
            }
            None => available,
        };
        Ok(())
    }

    /// Decodes the Request-URI at `a..b` into the request line, sliced
    /// out of the header section's text (checked as UTF-8 once with the
    /// rest of the section) rather than checked on its own.
    #[inline(always)]
    fn parse_request_uri(&mut self, a: usize, b: usize) -> Result<(), ParseError> {
        // Two one-sided cuts rather than `get(a..b)`: a second caller of the
        // two-sided cut makes it go out of line for every value slicing
        // (`value_str`), which costs more than this saves.
        let text = self.head_str.and_then(|h| h.get(..b)).and_then(|h| h.get(a..));
        let StartLine::Request(r) = &mut self.start else {
            return Ok(());
        };
        // Decoded straight into its place in the request line.
        match text {
            Some(t) => Uri::parse_str_into(t, &mut r.uri),
            None => Uri::parse(r.raw_uri).map(|u| r.uri = u),
        }
        .map_err(|e| ParseError::new(Element::RequestUri, e.kind))?;
        check_no_uri_headers(&r.uri)
    }

    /// The header loop: one line per turn, from the first header line at
    /// `next` through the empty line. Fills the index and `head_len`, and
    /// notes where the first field of each transaction header stands so
    /// that [`Message::check_transaction_headers`] goes straight to them.
    ///
    /// Per line: one CR-or-LF search (SIMD), one eight-byte word loaded
    /// for both the colon search and the name classifier, and the common
    /// shapes (`Name: value`, no trailing white space, a known name) taken
    /// without a byte loop. Folds, white space before the colon, unusual
    /// white space around the value and unknown names go out of line.
    #[inline(always)]
    fn scan_fields<F: LineBreaks>(
        &mut self,
        finder: &F,
        next: usize,
        limits: &Limits,
        tx: &mut TxFields,
    ) -> Result<(), ParseError> {
        self.head_len = scan_fields(finder, self.buf, next, limits, &mut self.index, tx)? as usize;
        self.folded = tx.folded;
        self.spans = tx.spans();
        Ok(())
    }

    /// Decodes and checks, once, the headers every transaction and framing
    /// decision depends on (the first Via, From, To, Call-ID, CSeq and
    /// Max-Forwards fields, and the one Content-Length); caches them.
    ///
    /// The fields were located by the header loop, so this does not walk
    /// the index again. On any failure the walk in field order
    /// ([`Message::first_transaction_error`]) reports the same error the
    /// first malformed field would.
    #[inline(always)]
    fn check_transaction_headers<const INLINE: bool>(&mut self, tx: &TxFields) -> Result<(), ParseError> {
        if tx.dup_cl {
            return Err(self.first_transaction_error());
        }
        #[cfg(feature = "alloc")]
        let ok = if INLINE {
            self.decode_transaction_headers(tx).is_ok()
        } else {
            self.decode_transaction_headers_out_of_line(tx).is_ok()
        };
        #[cfg(not(feature = "alloc"))]
        let ok = self.decode_transaction_headers(tx).is_ok();
        if ok { Ok(()) } else { Err(self.first_transaction_error()) }
    }

    /// The in-place parse's call (see [`Message::fill`]); it exists only
    /// with `alloc`, as that parse does.
    #[cfg(feature = "alloc")]
    #[inline(never)]
    fn decode_transaction_headers_out_of_line(&mut self, tx: &TxFields) -> Result<(), ParseError> {
        self.decode_transaction_headers(tx)
    }

    #[inline(always)]
    fn decode_transaction_headers(&mut self, tx: &TxFields) -> Result<(), ParseError> {
        let entry = |i: u8| self.index.get(i as usize).copied();
        let (via, from, to, call_id, cseq, mf, cl) = (
            entry(tx.first[TxFields::VIA]),
            entry(tx.first[TxFields::FROM]),
            entry(tx.first[TxFields::TO]),
            entry(tx.first[TxFields::CALL_ID]),
            entry(tx.first[TxFields::CSEQ]),
            entry(tx.first[TxFields::MAX_FORWARDS]),
            entry(tx.first[TxFields::CONTENT_LENGTH]),
        );
        if let Some(e) = cl {
            self.content_length = Some(super::headers::parse_u32_field_inline(self.value_of(&e), e.name)?);
        }
        if let Some(e) = cseq {
            let t = self.text(&e)?;
            decode_cseq(&mut self.cseq, t)?;
        }
        if let Some(e) = mf {
            self.max_forwards = Some(super::headers::parse_max_forwards(self.value_of(&e))?);
        }
        if let Some(e) = call_id {
            self.call_id = Some(decode_call_id(self.text(&e)?)?);
        }
        if let Some(e) = via {
            self.decode_top_via(&e)?;
        }
        if let Some(e) = from {
            let t = self.text(&e)?;
            decode_name_addr(&mut self.from, t, e.name)?;
        }
        if let Some(e) = to {
            let t = self.text(&e)?;
            decode_name_addr(&mut self.to, t, e.name)?;
        }
        Ok(())
    }

    /// A transaction header's value as text: the values decoded at parse
    /// time are UTF-8 by their grammar (RFC 3261 §25.1); one that is not
    /// is malformed.
    #[inline(always)]
    fn text(&self, e: &Entry) -> Result<&'a str, ParseError> {
        self.value_str(e).ok_or(ParseError::header(e.name))
    }

    /// The top Via is what §17 matches and §18.2.2 routes on.
    #[inline(always)]
    fn decode_top_via(&mut self, e: &Entry) -> Result<(), ParseError> {
        // The parse of the first via-parm ends its own list element, so the
        // field is not searched for a comma first.
        // Built in the message's own slot (on error it stays `None`, and
        // the parse fails).
        let rest = Via::parse_top_into(self.text(e)?, &mut self.top_via)?;
        // Positions inside a value are below the header-section limit, so
        // they fit in 16 bits.
        self.top_via_rest = rest.map(|p| p as u16);
        Ok(())
    }

    /// The error of the first malformed transaction header in field order
    /// (RFC 4475 §3.3.9: a second Content-Length is one), as a walk of the
    /// whole index finds it. Only failing messages come here.
    #[cold]
    #[inline(never)]
    fn first_transaction_error(&mut self) -> ParseError {
        let mut seen = TxFields::NONE;
        let mut at = 0;
        while let Some(e) = self.index.get(at).copied() {
            let again = seen.seen(e.name);
            seen.note(e.name, at);
            at += 1;
            if seen.dup_cl {
                return ParseError::new(Element::Header(e.name), ErrorKind::Duplicate);
            }
            if again {
                continue; // not the first of its kind: not decoded
            }
            let r = match e.name {
                HeaderName::ContentLength => {
                    super::headers::parse_u32_field(self.value_of(&e), e.name).map(drop)
                }
                HeaderName::CSeq => self.text(&e).and_then(CSeq::parse_str).map(drop),
                HeaderName::MaxForwards => super::headers::parse_max_forwards(self.value_of(&e)).map(drop),
                HeaderName::CallId => self.text(&e).and_then(super::headers::parse_call_id_str).map(drop),
                HeaderName::Via => self.decode_top_via(&e),
                HeaderName::From | HeaderName::To => {
                    self.text(&e).and_then(|t| NameAddr::parse_for_str(t, e.name)).map(drop)
                }
                _ => Ok(()),
            };
            if let Err(err) = r {
                return err;
            }
        }
        // Unreachable for a message the fast path refused; a typed error
        // all the same.
        ParseError::syntax(Element::Message)
    }

    #[inline(always)]
    pub(crate) fn value_of(&self, e: &Entry) -> &'a [u8] {
        // Offsets were produced by the parser from this buffer, but stay on
        // the safe side of hostile state anyway: `get` never panics.
        self.buf.get(e.value_start as usize..e.value_end as usize).unwrap_or(&[])
    }

    /// A field's value as text: a slice of the once-checked header section,
    /// or (if that was not UTF-8) this value checked on its own.
    #[inline(always)]
    pub(crate) fn value_str(&self, e: &Entry) -> Option<&'a str> {
        let (s, t) = (e.value_start as usize, e.value_end as usize);
        match self.head_str {
            // Two one-sided cuts: the two-sided `get(s..t)` on a `str` is an
            // out-of-line call here (≈ 20 instructions a value).
            Some(h) => h.get(..t)?.get(s..),
            None => core::str::from_utf8(self.buf.get(s..t)?).ok(),
        }
    }

    #[inline(always)]
    pub(crate) fn name_of(&self, e: &Entry) -> &'a [u8] {
        let s = e.line_start as usize;
        self.buf.get(s..s + e.name_len as usize).unwrap_or(&[])
    }

    /// The start line.
    pub fn start_line(&self) -> &StartLine<'a> {
        &self.start
    }

    /// The request line, if this is a request.
    pub fn request(&self) -> Option<&RequestLine<'a>> {
        match &self.start {
            StartLine::Request(r) => Some(r),
            StartLine::Response(_) => None,
        }
    }

    /// The status line, if this is a response.
    pub fn response(&self) -> Option<&StatusLine<'a>> {
        match &self.start {
            StartLine::Response(r) => Some(r),
            StartLine::Request(_) => None,
        }
    }

    /// True for a request.
    pub fn is_request(&self) -> bool {
        matches!(self.start, StartLine::Request(_))
    }

    /// The request method, if this is a request.
    pub fn method(&self) -> Option<Method<'a>> {
        self.request().map(|r| r.method)
    }

    /// The status code, if this is a response.
    pub fn status(&self) -> Option<StatusCode> {
        self.response().map(|r| r.status)
    }

    /// Whether any header line was a continuation (RFC 3261 §7.3.1). When
    /// not, no header value of this message holds CR or LF, so the
    /// builders copy them without the check a fold needs (a bare-LF fold
    /// written with CRLF).
    /// (Read only by the builders, which need `alloc`.)
    #[cfg(feature = "alloc")]
    #[inline]
    pub(crate) fn has_folds(&self) -> bool {
        self.folded
    }

    /// The body (exactly Content-Length bytes when that header is present).
    pub fn body(&self) -> &'a [u8] {
        self.body
    }

    /// The header section: start line through the empty line, exactly as
    /// received.
    pub fn head(&self) -> &'a [u8] {
        self.buf.get(..self.head_len).unwrap_or(self.buf)
    }

    /// The whole message as received (head and body; trailing bytes beyond
    /// Content-Length excluded).
    pub fn as_bytes(&self) -> &'a [u8] {
        let end = self.head_len + self.body.len();
        self.buf.get(..end).unwrap_or(self.buf)
    }

    /// The Content-Length value, if the header is present.
    pub fn content_length(&self) -> Option<u32> {
        self.content_length
    }

    /// The limits this message was parsed under (typed accessors apply the
    /// list limits from here).
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Number of header fields.
    pub fn header_count(&self) -> usize {
        self.index.len()
    }

    /// All header fields in order.
    pub fn headers(&self) -> HeaderFields<'_, 'a> {
        HeaderFields { msg: self, i: 0 }
    }

    /// The raw value of the first field named `name`.
    pub fn header(&self, name: HeaderName) -> Option<&'a [u8]> {
        self.index.iter().find(|e| e.name == name).map(|e| self.value_of(e))
    }

    /// The raw values of every field named `name`, in order.
    pub fn header_all(&self, name: HeaderName) -> impl Iterator<Item = &'a [u8]> + '_ {
        self.index.iter().filter(move |e| e.name == name).map(|e| self.value_of(e))
    }

    /// How many fields named `name` the message has.
    pub fn header_field_count(&self, name: HeaderName) -> usize {
        self.index.iter().filter(|e| e.name == name).count()
    }

    /// The raw values of every field whose name matches `name`
    /// case-insensitively (long or compact form for known headers; exact
    /// name otherwise).
    pub fn header_by_name<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'a [u8]> + 's {
        let kind = HeaderName::from_bytes(name.as_bytes());
        self.index
            .iter()
            .filter(move |e| {
                e.name == kind && (kind != HeaderName::Other || lex::eq_ic(self.name_of(e), name.as_bytes()))
            })
            .map(|e| self.value_of(e))
    }

    /// Every comma-separated value of every field named `name`, for list
    /// headers (RFC 3261 §7.3.1: `Route: a, b` equals `Route: a` then
    /// `Route: b`). At most [`Limits::max_list_values`] values are yielded.
    pub fn header_values(&self, name: HeaderName) -> impl Iterator<Item = &'a [u8]> + '_ {
        self.header_all(name).flat_map(lex::CommaList::new).take(self.limits.max_list_values)
    }
}

/// The header loop proper (see [`Message::scan_fields`]), out of line and
/// given only what it reads and what it fills (the index, and `tx`, where
/// the fields stand), so that it keeps its values in registers whether the
/// message it fills is a local or lies behind a reference. Returns the
/// header section's length as a `u32` (at most `MAX_HEADER_SECTION` + 1),
/// so that the result comes back in a register, not through a pointer
/// the loop would keep live.
///
/// Measured worse (bench figures per message, base 6,394.3, 6,352.0 or
/// 6,339.6): the none-found test moved into the non-CRLF branch
/// (+10); with the line cut on each path (+73); the entry built as one
/// `u64` by a multiply and cut into its fields (+130); `other_name`
/// inlined (+98); `split_request_line` inlined into the fill (+4.9 a
/// message, -62 a call).
/// Measured worse before (base 6,796.9 or 6,744.5):
/// the line finder answering an `Option` again (6,838.0); the prefix
/// arm picked by the first byte's low five bits turned so that the arms
/// span all 32 values and the jump table has no range test (6,809.4); the
/// name's length carried as a `u8` (no change); the haystack carried
/// from line to line as the rest after the last line break instead of
/// cut from `head` at each line's start (6,755.7, base 6,744.5).
#[inline(never)]
fn scan_fields<F: LineBreaks>(
    finder: &F,
    buf: &[u8],
    mut next: usize,
    limits: &Limits,
    index: &mut heapless::Vec<Entry, HEADER_CAPACITY>,
    tx: &mut TxFields,
) -> Result<u32, ParseError> {
    let max_head = limits.effective_max_header_section();
    let max_line = limits.max_line_length;
    let max_headers = limits.effective_max_headers();
    // Nothing past the header-section limit is ever scanned.
    let head = buf.get(..max_head + 1).unwrap_or(buf);
    // Whether the header-section limit cut the input short (so that a
    // missing line end lies past the limit rather than past the input).
    let cut = head.len() < buf.len();
    let buf_len = buf.len();
    // One line's work, from its line break at `k` in `hay` (the rest of
    // `head` from `line_start`): written once, expanded in the two loops
    // below.
    macro_rules! line {
        ($hay:ident, $k:ident, $line_start:ident) => {{
            let (hay, k, line_start) = ($hay, $k, $line_start);
            if k >= hay.len() {
                let head_len = end_without_empty_line(buf_len, line_start, cut, max_head, index.is_empty())?;
                return Ok(head_len as u32);
            }
            // RFC 3261 §7.3.1 ends lines with CRLF (a lone LF is accepted
            // for robustness); a CR not followed by LF is refused, since
            // some stacks end a line there and a header could be smuggled
            // past a proxy.
            // Nearly every line ends in CRLF: one two-byte compare.
            next = line_start + k + 2;
            if hay.get(k..k + 2) != Some(&b"\r\n"[..]) {
                next = line_start + other_line_end(hay, k, cut)?;
            }
            // One compare for both rare cases: the empty line (k = 0 wraps
            // around) and a line over the limit.
            if k.wrapping_sub(1) >= max_line {
                if k == 0 {
                    // The empty line: the header section ends.
                    if next > max_head {
                        return Err(head_limit_hit());
                    }
                    return Ok(next as u32);
                }
                return Err(ParseError::new(Element::Header(HeaderName::Other), ErrorKind::LineTooLong));
            }
            let Some(line) = hay.get(..k) else {
                return Err(ParseError::syntax(Element::Header(HeaderName::Other)));
            };
            // The line's first eight bytes (or fewer, zero-padded), loaded
            // once for the name's prefix, the fold test, the colon search and
            // the classifier.
            let w = word_at(hay, 0);
            // The common names followed at once by their colon and one SP are
            // told by the line's first bytes alone (see `known_name`); then
            // a byte above SP starts the value (SWS = one SP, as nearly
            // always). The colon search and the length dispatch are for the
            // rest, and so is any other white space after the colon. Such a
            // line starts with a letter, so it is no continuation line: the
            // fold test is the general path's.
            let (name, name_end, vs) = match known_name(w, hay) {
                Some((name, colon)) if hay.get(colon + 2).is_some_and(|&c| c > b' ') => {
                    (name, colon, colon + 2)
                }
                _ => {
                    let first = w as u8;
                    if first <= b' ' && lex::is_ws(first) {
                        // RFC 3261 §7.3.1: a continuation line folds into the
                        // previous field's value.
                        fold(index, line, line_start, &mut tx.folded)?;
                        continue;
                    }
                    // field-name HCOLON, HCOLON = *( SP / HTAB ) ":" SWS. A
                    // name cannot hold ':', so the first colon ends it.
                    let Some(name_bytes) = find_colon(line, hay, w) else {
                        return Err(ParseError::syntax(Element::Header(HeaderName::Other)));
                    };
                    let colon = name_bytes.len();
                    // A known name matched exactly, so it is a token (and at
                    // most 20 bytes long) with no white space before the
                    // colon; any other name goes out of line, where white
                    // space before the colon is trimmed (HCOLON) and the name
                    // is checked (RFC 3261 §7.3.1: field-name is a token) and
                    // its length must fit the entry.
                    let mut name = HeaderName::classify(name_bytes, w);
                    let mut name_end = colon;
                    if name == HeaderName::Other {
                        (name, name_end) = other_name(line, colon, w)?;
                    }
                    // SWS after the colon: nearly always exactly one SP, then
                    // a byte above SP. Those two bytes lie in the line when
                    // they match: the line ends at a CR or LF, both below SP.
                    let mut vs = colon + 2;
                    match hay.get(colon + 1..colon + 3) {
                        Some(&[b' ', c]) if c > b' ' => {}
                        _ => vs = skip_ws(line, colon + 1),
                    }
                    (name, name_end, vs)
                }
            };
            // Trailing white space is rare too (the line holds no CR/LF).
            let mut ve = k;
            if line.get(k - 1).is_some_and(|&c| c <= b' ') {
                ve = trim_ws_end(line, vs, ve);
            }
            let at = index.len();
            if at >= max_headers {
                return Err(ParseError::new(Element::Message, ErrorKind::TooManyHeaders));
            }
            tx.note(name, at);
            // Offsets fit: a line's content ends before its line break,
            // which lies in `head`, at most max_head + 1 <= u16::MAX + 1
            // bytes long.
            // The three offsets as one word: the line's start added to
            // the three 16-bit lanes by one multiply (no lane overflows:
            // every offset lies below the head's end, at most u16::MAX).
            let p = (u64::from(name_end as u8) << 8 | (vs as u64) << 32 | (ve as u64) << 48)
                .wrapping_add((line_start as u64).wrapping_mul(0x0001_0001_0001_0000));
            let _ = index.push(Entry {
                name,
                name_len: (p >> 8) as u8,
                line_start: (p >> 16) as u16,
                value_start: (p >> 32) as u16,
                value_end: (p >> 48) as u16,
            });
        }};
    }
    // While at least 32 bytes of `head` are left (every line but the
    // last one or two), the finder needs no short-haystack path, and the
    // line's first three words and the bytes after a known name's colon
    // lie in `hay`, so their loads are not tested (the known names are at
    // most 22 bytes with their colon and SP).
    loop {
        let line_start = next;
        // Each line starts at or before the end of `head` (after a line
        // break found in it), so this never fails.
        let Some(hay) = head.get(line_start..) else {
            return Err(ParseError::new(Element::Message, ErrorKind::Incomplete));
        };
        if hay.len() < 32 {
            break;
        }
        let k = finder.find_long(hay);
        line!(hay, k, line_start);
    }
    // The rest of the header section: fewer than 32 bytes, nearly
    // always the last line and the empty line. The empty line (CRLF at
    // the line's start: the first CR or LF, and CRLF) is told by one
    // compare instead of the short-haystack search.
    loop {
        let line_start = next;
        let Some(hay) = head.get(line_start..) else {
            return Err(ParseError::new(Element::Message, ErrorKind::Incomplete));
        };
        let k = if hay.starts_with(b"\r\n") {
            0
        } else {
            #[cfg(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2"))]
            let k = match crlf_windows(hay) {
                Some(found) => found.unwrap_or(hay.len()),
                None => finder.find_or_len(hay),
            };
            #[cfg(not(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2")))]
            let k = finder.find_or_len(hay);
            k
        };
        line!(hay, k, line_start);
    }
}

/// Where the header loop found the first (and the last) field of each
/// header name, the ones the transaction layer needs among them (index
/// positions; `u8::MAX` first if absent), and whether Content-Length
/// appeared twice. Every name has its own place, so the loop records a
/// line without looking its name up.
#[derive(Clone, Copy)]
struct TxFields {
    /// By name (its discriminant): the index position of its first field.
    first: [u8; NAMES],
    /// The index position of the last field of each name (meaningful
    /// only where `first` is set).
    last: [u8; NAMES],
    dup_cl: bool,
    /// A continuation line was met (see [`Message::has_folds`]).
    folded: bool,
}

/// One past the largest `HeaderName` discriminant.
const NAMES: usize = {
    let mut n = HeaderName::Other as usize;
    let mut i = 0;
    while i < HeaderName::ALL.len() {
        if HeaderName::ALL[i] as usize > n {
            n = HeaderName::ALL[i] as usize;
        }
        i += 1;
    }
    n + 1
};

impl TxFields {
    const VIA: usize = HeaderName::Via as usize;
    const FROM: usize = HeaderName::From as usize;
    const TO: usize = HeaderName::To as usize;
    const CALL_ID: usize = HeaderName::CallId as usize;
    const CSEQ: usize = HeaderName::CSeq as usize;
    const MAX_FORWARDS: usize = HeaderName::MaxForwards as usize;
    const CONTENT_LENGTH: usize = HeaderName::ContentLength as usize;
    /// Recorded for their iterators only (see [`ListSpans`]).
    const CONTACT: usize = HeaderName::Contact as usize;
    const ROUTE: usize = HeaderName::Route as usize;
    /// No such field (positions are below `HEADER_CAPACITY` = 128).
    /// The cold error walk starts from it; the parse from
    /// [`TxFields::none`], the same value.
    const NONE: TxFields =
        TxFields { first: [u8::MAX; NAMES], last: [0; NAMES], dup_cl: false, folded: false };

    /// [`TxFields::NONE`], built by stores in place: a zeroed value with
    /// `first` filled with `u8::MAX` is two inline runs of stores, where
    /// the constant, holding two byte values, was copied in by a `memcpy`
    /// call at the start of every parse (29 instructions).
    #[inline(always)]
    fn none() -> TxFields {
        let mut tx = TxFields { first: [0; NAMES], last: [0; NAMES], dup_cl: false, folded: false };
        tx.first.fill(u8::MAX);
        tx
    }

    /// Records that field `at` is named `name`: every name has its place,
    /// so there is no slot to look up and no test of one.
    #[inline(always)]
    fn note(&mut self, name: HeaderName, at: usize) {
        let i = name as u8 as usize;
        // at < HEADER_CAPACITY <= u8::MAX.
        if let Some(l) = self.last.get_mut(i) {
            *l = at as u8;
        }
        let Some(p) = self.first.get_mut(i) else { return };
        if *p == u8::MAX {
            *p = at as u8;
        } else if name == HeaderName::ContentLength {
            self.dup_cl = true;
        }
    }

    /// Whether a field named `name` was noted.
    #[inline(always)]
    fn seen(&self, name: HeaderName) -> bool {
        self.first.get(name as u8 as usize).is_some_and(|&p| p != u8::MAX)
    }

    /// The spans of Via, Contact and Route: the recorded bytes as they
    /// are (no test here; see [`FieldSpan`] for how they read).
    #[inline(always)]
    fn spans(&self) -> ListSpans {
        let span = |slot: usize| FieldSpan {
            first: self.first.get(slot).copied().unwrap_or(u8::MAX),
            last: self.last.get(slot).copied().unwrap_or(0),
        };
        ListSpans { via: span(Self::VIA), contact: span(Self::CONTACT), route: span(Self::ROUTE) }
    }
}

/// The index positions of the first and the last field of one header
/// name (other fields may lie between them), so a list iterator looks
/// only at `first..=last`. With no such field `first` is `u8::MAX`, past
/// any index (`HEADER_CAPACITY` is 128), and `last` is 0: the span
/// `first..last + 1` is then empty, so it is read without a test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FieldSpan {
    pub(crate) first: u8,
    pub(crate) last: u8,
}

impl FieldSpan {
    /// No field of that name.
    pub(crate) const EMPTY: FieldSpan = FieldSpan { first: u8::MAX, last: 0 };

    /// The index range `first..end` to walk (empty if `first >= end`).
    #[inline(always)]
    pub(crate) fn range(self) -> (usize, usize) {
        (usize::from(self.first), usize::from(self.last) + 1)
    }
}

/// The [`FieldSpan`]s the header loop records (RFC 3261 §7.3.1: the
/// fields of a list header may be spread over the header section, in
/// order), for `vias()`, `contacts()` and `routes()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ListSpans {
    pub(crate) via: FieldSpan,
    pub(crate) contact: FieldSpan,
    pub(crate) route: FieldSpan,
}

impl ListSpans {
    pub(crate) const EMPTY: ListSpans =
        ListSpans { via: FieldSpan::EMPTY, contact: FieldSpan::EMPTY, route: FieldSpan::EMPTY };
}

// The strict decoders. The header loop is a function of its own
// (`scan_fields`), so these no longer share its registers: CSeq, Call-ID
// and the top Via (`Message::decode_top_via`) are inlined into
// `decode_transaction_headers`, which saves each a call, a prologue and
// an epilogue (measured: 29 instructions a message); From and To share
// one out-of-line body, which inlined twice gained nothing. The larger
// values are written straight into the message's field, not returned
// through a temporary and copied again.
#[inline(always)]
fn decode_cseq<'a>(dst: &mut Option<CSeq<'a>>, s: &'a str) -> Result<(), ParseError> {
    *dst = Some(CSeq::parse_str_inline(s)?);
    Ok(())
}

#[inline(always)]
fn decode_call_id(s: &str) -> Result<&str, ParseError> {
    super::headers::parse_call_id_str_inline(s)
}

#[inline(never)]
fn decode_name_addr<'a>(
    dst: &mut Option<NameAddr<'a>>,
    s: &'a str,
    name: HeaderName,
) -> Result<(), ParseError> {
    // Built in the message's own slot, not returned and copied there.
    NameAddr::parse_into(s, name, dst)
}

fn head_limit_hit() -> ParseError {
    ParseError::new(Element::Message, ErrorKind::HeaderSectionTooLarge)
}

/// A CR not followed by LF: refused if a byte follows it; otherwise the
/// input (or, if `cut`, the header-section limit) ends right after it.
#[cold]
#[inline(never)]
fn bare_cr(byte_after: bool, cut: bool) -> ParseError {
    if byte_after {
        ParseError::syntax(Element::Header(HeaderName::Other))
    } else if cut {
        // The LF would lie past the limit.
        head_limit_hit()
    } else {
        ParseError::new(Element::Message, ErrorKind::Incomplete)
    }
}

/// No line break after `line_start` before `scan_end`: the header section
/// is too large, or it ends with the input. Returns the header length.
#[cold]
#[inline(never)]
fn end_without_empty_line(
    buf_len: usize,
    line_start: usize,
    cut: bool,
    max_head: usize,
    no_fields: bool,
) -> Result<usize, ParseError> {
    if cut {
        return Err(head_limit_hit());
    }
    // The input ends right after a complete header line: the datagram
    // boundary ends the header section (some UAs omit the final empty line
    // of a bodiless UDP message; RFC 4475's archive has such a message).
    // Stream framing never hands us such input.
    if line_start == buf_len && !no_fields {
        if buf_len > max_head {
            return Err(head_limit_hit());
        }
        return Ok(buf_len);
    }
    Err(ParseError::new(Element::Message, ErrorKind::Incomplete))
}

/// A continuation line (RFC 3261 §7.3.1: it folds into the previous
/// field's value): extends that value to the line's trimmed end.
#[cold]
#[inline(never)]
fn fold(
    index: &mut heapless::Vec<Entry, HEADER_CAPACITY>,
    line: &[u8],
    line_start: usize,
    folded: &mut bool,
) -> Result<(), ParseError> {
    let Some(last) = index.last_mut() else {
        return Err(ParseError::syntax(Element::Header(HeaderName::Other)));
    };
    // Set for a blank continuation too (its line break stays out of the
    // value): the flag may only err towards looking.
    *folded = true;
    if !lex::is_blank(line) {
        // The line is not blank, so its last non-blank byte lies past
        // the previous value's start. Below scan_end <= u16::MAX + 1.
        last.value_end = (line_start + trim_ws_end(line, 0, line.len())) as u16;
    }
    Ok(())
}

/// A line break found at `k` in `hay` that is not CRLF: a lone LF (RFC
/// 3261 §7.3.1 ends lines with CRLF; a lone LF is accepted for
/// robustness), or a CR not followed by LF, which is refused, since some
/// stacks end a line there and a header could be smuggled past a proxy.
/// Returns where the next line starts.
#[cold]
#[inline(never)]
fn other_line_end(hay: &[u8], k: usize, cut: bool) -> Result<usize, ParseError> {
    match hay.get(k) {
        Some(b'\r') => match hay.get(k + 1) {
            Some(b'\n') => Ok(k + 2),
            after => Err(bare_cr(after.is_some(), cut)),
        },
        Some(_) => Ok(k + 1),
        None => Err(ParseError::syntax(Element::Header(HeaderName::Other))),
    }
}

/// A field name the classifier did not know, ending at `colon`: white
/// space before the colon is trimmed (HCOLON = *( SP / HTAB ) ":"), the
/// name that is left classified again (it may be a known one), and an
/// unknown one checked as a `token` that fits the entry. Returns the
/// name and where it ends.
#[cold]
#[inline(never)]
fn other_name(line: &[u8], colon: usize, w: u64) -> Result<(HeaderName, usize), ParseError> {
    let ws_before = colon.checked_sub(1).and_then(|i| line.get(i)).is_none_or(|&c| lex::is_ws(c));
    let (name, end) = if ws_before {
        let end = name_end_before_ws(line, colon)?;
        let bytes = line.get(..end).unwrap_or(&[]);
        (HeaderName::classify(bytes, w), end)
    } else {
        (HeaderName::Other, colon)
    };
    if name == HeaderName::Other {
        check_token_name(line, end)?;
    }
    Ok((name, end))
}

/// The end of a field name followed by white space before its colon
/// (HCOLON = *( SP / HTAB ) ":"); an empty name is refused.
#[cold]
#[inline(never)]
fn name_end_before_ws(line: &[u8], colon: usize) -> Result<usize, ParseError> {
    let mut end = colon;
    while end > 0 && line.get(end - 1).is_some_and(|&c| lex::is_ws(c)) {
        end -= 1;
    }
    if end == 0 {
        return Err(ParseError::syntax(Element::Header(HeaderName::Other)));
    }
    Ok(end)
}

/// An unknown field name must still be a `token` (RFC 3261 §7.3.1), and
/// short enough for the entry to record its length.
///
/// `line` is the name's line: the name is its first `end` bytes. Names
/// of letters, digits and '-' (every extension header in use:
/// `P-Charging-Vector`, `Session-ID`, `Diversion`, ...) of up to 32 bytes
/// are told by one or two SSE2 windows of the line on x86; anything else
/// (another token character, a shorter line) takes the byte loop.
#[inline(always)]
fn check_token_name(line: &[u8], end: usize) -> Result<(), ParseError> {
    #[cfg(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2"))]
    if plain_name_sse2(line, end) {
        return Ok(());
    }
    check_token_name_bytes(line.get(..end).unwrap_or(&[]))
}

/// The byte loop of [`check_token_name`] (its only path off x86).
#[inline(always)]
fn check_token_name_bytes(name: &[u8]) -> Result<(), ParseError> {
    // token = 1*(...) (RFC 3261 §25.1): an empty name is none.
    if !name.is_empty() && name.len() <= u8::MAX as usize && lex::scan_token(name, 0) == name.len() {
        Ok(())
    } else {
        Err(ParseError::syntax(Element::Header(HeaderName::Other)))
    }
}

/// Whether `line`'s first `n` bytes (1 ..= 32 of them) are all ALPHA,
/// DIGIT or '-' (RFC 3261 §25.1: all `token` characters), by one SSE2
/// window of sixteen bytes from the line's start and, for a name over
/// sixteen bytes, one ending at the name's end. `false` (the byte loop
/// decides) for any other name or a line shorter than sixteen bytes.
/// The classes as in the URI host windows: a letter is a byte that ORed
/// with 0x20 lies in `a..=z` (exactly `A-Z` and `a-z`), a range is one
/// add moving its start to -128 and one signed compare.
#[cfg(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2"))]
#[inline(always)]
fn plain_name_sse2(line: &[u8], n: usize) -> bool {
    use lex::sse2::{in_range, letters, splat};
    use safe_arch::{bitor_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i};
    // One bit a byte, set for ALPHA / DIGIT / '-'; move_mask gives the
    // sixteen sign bits in 0..=0xFFFF, so the cast is exact.
    #[inline(always)]
    fn plain(w: &[u8; 16]) -> u32 {
        let x = load_unaligned_m128i(w);
        let letter = letters(x);
        let digit = in_range(x, b'0', 10);
        let dash = cmp_eq_mask_i8_m128i(x, splat(b'-'));
        move_mask_i8_m128i(bitor_m128i(bitor_m128i(letter, digit), dash)) as u32
    }
    // An empty name is no token (the caller refuses one before it comes
    // here); with no bits to test, the windows would read it as accepted.
    if n == 0 {
        return false;
    }
    let Some(first) = line.first_chunk::<16>() else { return false };
    let head = plain(first);
    if n <= 16 {
        // The name's bits, the low n (n >= 1: a name is never empty here,
        // and for n = 0 the test passes with no byte to check, as the
        // byte loop's would).
        let want = (1u32 << n) - 1;
        return head & want == want;
    }
    let tail = match n.checked_sub(16).and_then(|a| line.get(a..n)).and_then(<[u8]>::first_chunk::<16>) {
        Some(w) if n <= 32 => plain(w),
        _ => return false,
    };
    head & tail == 0xffff
}

/// Skips SP / HTAB from `i`.
#[cold]
#[inline(never)]
fn skip_ws(line: &[u8], mut i: usize) -> usize {
    while line.get(i).is_some_and(|&c| lex::is_ws(c)) {
        i += 1;
    }
    i
}

/// Moves `end` back over trailing SP / HTAB, not before `start`.
#[cold]
#[inline(never)]
fn trim_ws_end(line: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && line.get(end - 1).is_some_and(|&c| lex::is_ws(c)) {
        end -= 1;
    }
    end
}

/// One header field of a message: its kind, its name as written, and its
/// raw value (folds included, outer LWS trimmed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeaderField<'a> {
    /// The recognised name ([`HeaderName::Other`] for unknown ones).
    pub name: HeaderName,
    /// The name as it appeared (compact or long, any case).
    pub raw_name: &'a [u8],
    /// The value, byte-exact.
    pub value: &'a [u8],
}

/// Iterator over a message's header fields.
#[derive(Clone, Debug)]
pub struct HeaderFields<'m, 'a> {
    msg: &'m Message<'a>,
    i: usize,
}

impl<'a> Iterator for HeaderFields<'_, 'a> {
    type Item = HeaderField<'a>;
    fn next(&mut self) -> Option<HeaderField<'a>> {
        let e = self.msg.index.get(self.i)?;
        self.i += 1;
        Some(HeaderField { name: e.name, raw_name: self.msg.name_of(e), value: self.msg.value_of(e) })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.msg.index.len() - self.i;
        (n, Some(n))
    }
}

impl ExactSizeIterator for HeaderFields<'_, '_> {}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &[u8] = b"OPTIONS sip:bob@biloxi.example.com SIP/2.0\r\n\
Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n\
To: <sip:bob@biloxi.example.com>\r\n\
From: <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
Call-ID: a84b4c76e66710\r\n\
CSeq: 1 OPTIONS\r\n";

    fn msg(extra: &[u8], body: &[u8]) -> heapless::Vec<u8, 4096> {
        let mut v = heapless::Vec::new();
        v.extend_from_slice(BASE).unwrap();
        v.extend_from_slice(extra).unwrap();
        v.extend_from_slice(b"\r\n").unwrap();
        v.extend_from_slice(body).unwrap();
        v
    }

    fn err(bytes: &[u8], limits: &Limits) -> ParseError {
        Message::parse_with(bytes, limits).unwrap_err()
    }

    #[test]
    fn rfc3261_7_5_leading_crlf_ignored() {
        let mut v: heapless::Vec<u8, 4096> = heapless::Vec::new();
        v.extend_from_slice(b"\r\n\r\n").unwrap();
        v.extend_from_slice(&msg(b"", b"")).unwrap();
        assert!(Message::parse(&v).unwrap().is_request());
    }

    #[test]
    fn rfc3261_7_3_1_folded_value_and_hcolon_whitespace() {
        let m = msg(b"Subject : I know you're there,\r\n pick up the phone\r\n", b"");
        let m = Message::parse(&m).unwrap();
        assert_eq!(m.header(HeaderName::Subject), Some(&b"I know you're there,\r\n pick up the phone"[..]));
        // A continuation before any field is an error.
        let bad = b"OPTIONS sip:a@b SIP/2.0\r\n folded\r\n\r\n";
        assert!(Message::parse(bad).is_err());
    }

    #[test]
    fn rfc3261_7_3_1_lone_cr_is_refused() {
        let m = msg(b"Subject: a\rInjected: b\r\n", b"");
        assert_eq!(Message::parse(&m).unwrap_err().element, Element::Header(HeaderName::Other));
    }

    #[test]
    fn rfc3261_7_3_1_bare_cr_anywhere_in_the_head_is_refused() {
        // The line search finds every CR as well as every LF; a CR in any
        // position of any header line (not followed by LF) is refused.
        let good = msg(b"Subject: hello\r\n", b"");
        let head_end = good.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
        let first_lf = good.iter().position(|&c| c == b'\n').unwrap();
        for i in first_lf + 1..head_end {
            if matches!(good[i], b'\r' | b'\n') {
                continue;
            }
            let mut m = good.clone();
            m[i] = b'\r';
            let e = Message::parse(&m).unwrap_err();
            assert_eq!(e.element, Element::Header(HeaderName::Other), "CR at {i}");
        }
        // A CR as the last byte of the input.
        let mut m = good.clone();
        m.truncate(first_lf);
        m.extend_from_slice(b"\nVia: x\r").unwrap();
        assert_eq!(Message::parse(&m).unwrap_err().kind, ErrorKind::Incomplete);
    }

    /// The plain reading of a line start that `known_name` answers for:
    /// the first colon at `colon`, no CR or LF before the byte after its
    /// SP, that SP, and a known name (long or compact, any case) before.
    fn plain_known_name(hay: &[u8]) -> Option<(HeaderName, usize)> {
        let colon = hay.iter().position(|&c| c == b':')?;
        let head = hay.get(..colon + 2)?;
        if head.iter().any(|&c| c == b'\r' || c == b'\n') || head[colon + 1] != b' ' {
            return None;
        }
        let name = &hay[..colon];
        let kind = HeaderName::ALL.iter().copied().find(|h| {
            name.eq_ignore_ascii_case(h.as_str().as_bytes())
                || h.compact().is_some_and(|c| name.eq_ignore_ascii_case(c.as_bytes()))
        })?;
        Some((kind, colon))
    }

    #[test]
    fn rfc3261_7_3_1_known_name_prefix_agrees_with_a_plain_reading_for_every_byte() {
        // Every known name (long and compact forms, three letter cases),
        // followed by the usual and unusual colon shapes, each line cut
        // at every length and with every byte value at every position
        // through two bytes past the colon: whenever `known_name` answers,
        // the plain reading gives the same name and colon.
        let mut hits = 0usize;
        let suffixes: [&[u8]; 6] =
            [b": value\r\n", b":value\r\n", b" : v\r\n", b":\t v\r\n", b": \r\n", b"::x"];
        let mut names: heapless::Vec<heapless::Vec<u8, 32>, 512> = heapless::Vec::new();
        let mut add = |n: &[u8]| {
            let v = heapless::Vec::from_slice(n).unwrap();
            names.push(v).unwrap();
        };
        for h in HeaderName::ALL {
            let long = h.as_str().as_bytes();
            for form in [Some(long), h.compact().map(str::as_bytes)].into_iter().flatten() {
                add(form);
                let mut buf = [0u8; 32];
                let b = &mut buf[..form.len()];
                b.copy_from_slice(form);
                b.make_ascii_lowercase();
                add(b);
                b.make_ascii_uppercase();
                add(b);
            }
        }
        add(b"X-Unknown");
        for name in &names {
            for suffix in suffixes {
                let mut line: heapless::Vec<u8, 64> = heapless::Vec::from_slice(name).unwrap();
                line.extend_from_slice(suffix).unwrap();
                line.extend_from_slice(b"Next: 1\r\n").unwrap();
                let check = |hay: &[u8], hits: &mut usize| {
                    let got = known_name(word_at(hay, 0), hay);
                    if let Some(g) = got {
                        assert_eq!(Some(g), plain_known_name(hay), "{:?}", core::str::from_utf8(hay));
                        *hits += 1;
                    }
                };
                for cut in 0..=line.len() {
                    check(&line[..cut], &mut hits);
                }
                for at in 0..(name.len() + 3).min(line.len()) {
                    let keep = line[at];
                    for b in 0..=255u8 {
                        line[at] = b;
                        check(&line, &mut hits);
                    }
                    line[at] = keep;
                }
            }
        }
        assert!(hits > 0);
        // The names of the bench's lines take the prefix path (fails if
        // it answers nothing); a haystack under sixteen bytes leaves the
        // longer names to the general path.
        for (line, kind, colon) in [
            (&b"Via: SIP/2.0/UDP h"[..], HeaderName::Via, 3),
            (b"from: <sip:a@b>", HeaderName::From, 4),
            (b"TO: <sip:a@b>", HeaderName::To, 2),
            (b"Call-ID: abc", HeaderName::CallId, 7),
            (b"CSeq: 1 INVITE", HeaderName::CSeq, 4),
            (b"Contact: <sip:a@b>", HeaderName::Contact, 7),
            (b"Content-Length: 0\r\n", HeaderName::ContentLength, 14),
            (b"Content-Type: application/sdp", HeaderName::ContentType, 12),
            (b"Max-Forwards: 70\r\n", HeaderName::MaxForwards, 12),
            (b"Route: <sip:p>", HeaderName::Route, 5),
            (b"Record-Route: <sip:p>", HeaderName::RecordRoute, 12),
            (b"User-Agent: x", HeaderName::UserAgent, 10),
            (b"Allow: INVITE", HeaderName::Allow, 5),
            (b"Accept: a/b", HeaderName::Accept, 6),
            (b"Supported: x", HeaderName::Supported, 9),
            (b"Expires: 3600", HeaderName::Expires, 7),
            (b"Event: x", HeaderName::Event, 5),
            (b"Require: 100rel", HeaderName::Require, 7),
            (b"Server: x", HeaderName::Server, 6),
            (b"Date: Sat, 13 Nov 2010", HeaderName::Date, 4),
            (b"History-Info: <sip:a>", HeaderName::HistoryInfo, 12),
            (b"Session-Expires: 1800", HeaderName::SessionExpires, 15),
            (b"P-Asserted-Identity: <sip:a@b>", HeaderName::PAssertedIdentity, 19),
            (b"WWW-Authenticate: Digest", HeaderName::WwwAuthenticate, 16),
        ] {
            // A line and what follows it: the haystack of a header line.
            let mut hay: heapless::Vec<u8, 64> = heapless::Vec::from_slice(line).unwrap();
            hay.extend_from_slice(b"\r\nNext: 1\r\n").unwrap();
            assert_eq!(known_name(word_at(&hay, 0), &hay), Some((kind, colon)));
        }
    }

    #[test]
    fn rfc3261_7_3_1_find_colon_matches_a_plain_search() {
        // Every line length up to 40 with the colon at every position (or
        // none), and a first word that may run past the line with a colon
        // there, which must not count.
        for len in 0..40usize {
            for at in 0..=len {
                let mut buf = [b'a'; 48];
                if at < len {
                    buf[at] = b':';
                }
                buf[len] = b':'; // just past the line
                let line = &buf[..len];
                let want = line.iter().position(|&c| c == b':');
                let colon = |hay: &[u8]| find_colon(line, hay, word_at(hay, 0)).map(<[u8]>::len);
                assert_eq!(colon(&buf), want, "len {len} at {at}");
                // The zero-padded word the parser builds at the buffer's end.
                assert_eq!(colon(line), want, "len {len} at {at}");
                // A haystack running on past the line, with colons only
                // after it, or none.
                assert_eq!(colon(&buf[..len + 1]), want, "len {len} at {at}");
                for extra in 0..20 {
                    let mut far = [b'a'; 64];
                    far[..len].copy_from_slice(line);
                    far[len + extra] = b':';
                    let hay = &far[..len + extra + 1];
                    assert_eq!(colon(hay), want, "len {len} at {at} +{extra}");
                }
            }
        }
    }

    #[test]
    fn rfc3261_7_1_first_sp_matches_a_plain_search() {
        // Every line length up to 80 (past find_byte's memchr threshold)
        // with an SP at every position or none, and an SP just past the
        // line, which must not count.
        for len in 0..80usize {
            for at in 0..=len {
                let mut buf = [b'A'; 96];
                if at < len {
                    buf[at] = b' ';
                }
                buf[len] = b' ';
                let line = &buf[..len];
                assert_eq!(first_sp(line), line.iter().position(|&c| c == b' '), "len {len} at {at}");
            }
        }
    }

    #[test]
    fn rfc3261_7_bare_lf_line_ends_accepted() {
        let m = b"SIP/2.0 200 OK\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nCSeq: 1 OPTIONS\n\nbody";
        let m = Message::parse(m).unwrap();
        assert_eq!(m.body(), b"body");
        assert_eq!(m.cseq().unwrap().seq, 1);
    }

    #[test]
    fn rfc3261_18_3_content_length_frames_the_body() {
        let m = msg(b"Content-Length: 4\r\n", b"abcdEXTRA");
        assert_eq!(Message::parse(&m).unwrap().body(), b"abcd");
        let m = msg(b"Content-Length: 40\r\n", b"abcd");
        let e = Message::parse(&m).unwrap_err();
        assert_eq!((e.element, e.kind), (Element::Body, ErrorKind::Incomplete));
        let m = msg(b"", b"no length");
        assert_eq!(Message::parse(&m).unwrap().body(), b"no length");
        let m = msg(b"l: 99999999999\r\n", b"");
        assert_eq!(Message::parse(&m).unwrap_err().kind, ErrorKind::OutOfRange);
    }

    #[test]
    fn rfc3261_8_2_layered_strictness_unknown_and_unused_headers() {
        // A malformed header nobody needs does not stop the parse; decoding
        // it reports the error.
        let m = msg(b"Expires: soon\r\nX-Odd: <<<\"\r\n", b"");
        let m = Message::parse(&m).unwrap();
        assert!(m.expires().is_err());
        assert_eq!(m.header_by_name("x-odd").next(), Some(&b"<<<\""[..]));
        // A malformed transaction header does.
        let m = msg(b"Max-Forwards: lots\r\n", b"");
        assert_eq!(Message::parse(&m).unwrap_err().element, Element::Header(HeaderName::MaxForwards));
    }

    #[test]
    fn rfc3261_21_5_8_limits_enforced() {
        let m = msg(b"", b"");
        let tight = |f: fn(&mut Limits)| {
            let mut l = Limits::DEFAULT;
            f(&mut l);
            l
        };
        assert_eq!(err(&m, &tight(|l| l.max_message_size = 100)).status(), StatusCode::MESSAGE_TOO_LARGE);
        assert_eq!(err(&m, &tight(|l| l.max_headers = 3)).kind, ErrorKind::TooManyHeaders);
        assert_eq!(err(&m, &tight(|l| l.max_line_length = 40)).kind, ErrorKind::LineTooLong);
        assert_eq!(err(&m, &tight(|l| l.max_header_section = 100)).kind, ErrorKind::HeaderSectionTooLarge);
        let many = msg(b"Via: SIP/2.0/UDP a, SIP/2.0/UDP b, SIP/2.0/UDP c\r\n", b"");
        let m = Message::parse_with(&many, &tight(|l| l.max_vias = 2)).unwrap();
        let vias: heapless::Vec<_, 8> = m.vias().collect();
        assert_eq!(vias.len(), 3);
        assert_eq!(vias[2].unwrap_err().kind, ErrorKind::TooManyVias);
    }

    #[test]
    fn rfc3261_7_2_sip_slash_word_compare_matches_a_case_insensitive_one() {
        // Every byte at every one of the four positions.
        for i in 0..4 {
            for b in 0..=255u8 {
                let mut v = *b"SIP/2.0";
                v[i] = b;
                assert_eq!(starts_with_sip_slash(&v), lex::eq_ic(&v[..4], b"SIP/"), "{i} {b}");
            }
        }
        assert!(!starts_with_sip_slash(b"SIP"));
        assert!(starts_with_sip_slash(b"sIp/"));
    }

    #[test]
    fn rfc3261_7_2_status_lines() {
        let ok = |s: &[u8]| Message::parse(s).map(|m| m.status().unwrap().0);
        assert_eq!(ok(b"SIP/2.0 180 Ringing\r\n\r\n"), Ok(180));
        assert_eq!(ok(b"sip/2.0 200 \r\n\r\n"), Ok(200));
        assert!(ok(b"SIP/2.0 099 Low\r\n\r\n").is_err());
        assert!(ok(b"SIP/2.0 2000 OK\r\n\r\n").is_err());
        assert_eq!(ok(b"SIP/3.0 200 OK\r\n\r\n").unwrap_err().status(), StatusCode::VERSION_NOT_SUPPORTED);
        assert!(ok(b"SIP/2.0 200 OK\x01\r\n\r\n").is_err());
        // "SIP/2.0" exactly is taken at once; other spellings are checked.
        assert_eq!(ok(b"SIP/02.00 200 OK\r\n\r\n"), Ok(200));
        assert_eq!(ok(b"SIP/2.1 200 OK\r\n\r\n").unwrap_err().status(), StatusCode::VERSION_NOT_SUPPORTED);
        assert_eq!(ok(b"SIP/2.0x 200 OK\r\n\r\n").unwrap_err().kind, ErrorKind::Syntax);
        assert_eq!(ok(b"SIP/20 200 OK\r\n\r\n").unwrap_err().kind, ErrorKind::Syntax);
        // The "SIP/2.0 " fast path still needs exactly one SP and a code.
        assert_eq!(ok(b"SIP/2.0  200 OK\r\n\r\n").unwrap_err().element, Element::StatusCode);
        assert_eq!(ok(b"SIP/2.0 \r\n\r\n").unwrap_err().element, Element::StatusCode);
        assert_eq!(ok(b"SIP/2.0 20\r\n\r\n").unwrap_err().element, Element::StatusCode);
        assert_eq!(ok(b"SIP/2.0 200\r\n\r\n"), Ok(200));
        assert_eq!(ok(b"SIP/2.0\t200 OK\r\n\r\n").unwrap_err().kind, ErrorKind::Syntax);
    }

    #[test]
    fn rfc3261_7_1_request_line_shape() {
        for bad in [
            &b"INVITE  sip:a@b SIP/2.0\r\n\r\n"[..],
            b"INVITE sip:a@b SIP/2.0 \r\n\r\n",
            b"INVITE sip:a@b\r\n\r\n",
            b"INV;TE sip:a@b SIP/2.0\r\n\r\n",
            b"INVITE <sip:a@b> SIP/2.0\r\n\r\n",
            b"INVITE sip:a@b?Route=x SIP/2.0\r\n\r\n",
            // The " SIP/2.0" fast path still needs two SPs and a URI.
            b"INVITE SIP/2.0\r\n\r\n",
            b" SIP/2.0\r\n\r\n",
            b"INVITE  SIP/2.0\r\n\r\n",
            b"INV\x01TE sip:a@b SIP/2.0\r\n\r\n",
        ] {
            assert!(Message::parse(bad).is_err(), "{:?}", core::str::from_utf8(bad));
        }
        // Other spellings of the version take the full check (RFC 3261
        // §7.1: "SIP" is case-insensitive; 505 for another version).
        let ok = |line: &[u8]| {
            let mut v: heapless::Vec<u8, 512> = heapless::Vec::new();
            v.extend_from_slice(line).unwrap();
            v.extend_from_slice(&BASE[BASE.iter().position(|&c| c == b'\n').unwrap() + 1..]).unwrap();
            v.extend_from_slice(b"\r\n").unwrap();
            Message::parse(&v).map(|m| m.method().map(|m| m.as_str() == "OPTIONS"))
        };
        assert_eq!(ok(b"OPTIONS sip:a@b SIP/2.0\r\n"), Ok(Some(true)));
        assert_eq!(ok(b"OPTIONS sip:a@b sip/2.0\r\n"), Ok(Some(true)));
        assert_eq!(
            ok(b"OPTIONS sip:a@b SIP/2.1\r\n").unwrap_err().status(),
            StatusCode::VERSION_NOT_SUPPORTED
        );
        assert_eq!(ok(b"OPTIONS sip:a@b XIP/2.0\r\n").unwrap_err().element, Element::Version);
    }

    /// The Request-URI is decoded after the header loop (from the header
    /// section's text), yet its errors still come first, as the start line
    /// does; and a header section that is not UTF-8 elsewhere still has
    /// its Request-URI decoded (from the bytes).
    #[test]
    fn rfc3261_7_1_request_uri_decoded_after_the_header_loop() {
        let with = |line: &[u8], extra: &[u8]| {
            let mut v: heapless::Vec<u8, 512> = heapless::Vec::new();
            v.extend_from_slice(line).unwrap();
            v.extend_from_slice(&BASE[BASE.iter().position(|&c| c == b'\n').unwrap() + 1..]).unwrap();
            v.extend_from_slice(extra).unwrap();
            v.extend_from_slice(b"\r\n").unwrap();
            v
        };
        // A bad URI and a bare CR in the head: the URI is reported.
        let v = with(b"OPTIONS sip:a@b:99999 SIP/2.0\r\n", b"X: a\rb\r\n");
        assert_eq!(err(&v, &Limits::DEFAULT).element, Element::RequestUri);
        let v = with(b"OPTIONS sip:a@b?Route=x SIP/2.0\r\n", b"X: a\rb\r\n");
        assert_eq!(err(&v, &Limits::DEFAULT).element, Element::RequestUri);
        // A good URI with the same head: the header error.
        let v = with(b"OPTIONS sip:a@b SIP/2.0\r\n", b"X: a\rb\r\n");
        assert_ne!(err(&v, &Limits::DEFAULT).element, Element::RequestUri);
        // A bad URI and a malformed CSeq: the URI is reported.
        let v = with(b"OPTIONS sip:a@b:99999 SIP/2.0\r\n", b"CSeq: x\r\n");
        assert_eq!(err(&v, &Limits::DEFAULT).element, Element::RequestUri);
        // Not UTF-8 in an unused header: the URI is decoded all the same.
        let v = with(b"OPTIONS sip:carol@chicago.example.com;transport=tcp SIP/2.0\r\n", b"X: \xff\r\n");
        let m = Message::parse(&v).unwrap();
        assert!(m.head_str.is_none());
        let u = m.request().unwrap().uri.sip().unwrap();
        assert_eq!(u.host, super::super::uri::Host::Domain("chicago.example.com"));
        // Not UTF-8 inside the URI itself: refused as a URI error.
        let v = with(b"OPTIONS sip:\xc3\xa9@b SIP/2.0\r\n", b"");
        assert_eq!(err(&v, &Limits::DEFAULT).element, Element::RequestUri);
        // And from the text when the head is UTF-8.
        let v = with(b"OPTIONS sip:carol@chicago.example.com SIP/2.0\r\n", b"");
        let m = Message::parse(&v).unwrap();
        assert!(m.head_str.is_some());
        assert_eq!(m.request().unwrap().raw_uri, b"sip:carol@chicago.example.com");
        assert_eq!(
            m.request().unwrap().uri.sip().unwrap().host,
            super::super::uri::Host::Domain("chicago.example.com")
        );
    }

    /// RFC 3261 §25.1 / RFC 4475 §3.1.2.8-10: a control byte, SP or DEL
    /// anywhere in a Request-URI is refused as a syntax error of the
    /// Request-URI (the error the removed pre-check gave), whether the
    /// header section is text, is not UTF-8 elsewhere, or holds a header
    /// error after the start line. Every such byte at every position of
    /// URIs of each scheme form, inserted and in place of a byte.
    #[test]
    fn rfc3261_25_1_request_uri_refuses_every_ctl_sp_and_del_byte() {
        let uris: [&[u8]; 7] = [
            b"sip:alice:pw@atlanta.example.com:5060;transport=tcp;lr;maddr=10.0.0.1",
            b"sips:%61lice@[2001:db8::1]:5061;x=y",
            b"sip:192.0.2.4",
            b"SIP:bob@biloxi.example.com",
            b"tel:+1-201-555-0123;phone-context=example.com",
            b"urn:service:sos",
            b"mailto:a@b.example.com",
        ];
        let tails: [&[u8]; 3] = [b"", b"X: \xff\r\n", b"X: a\rb\r\n"];
        let rest = &BASE[BASE.iter().position(|&c| c == b'\n').unwrap() + 1..];
        let bad: heapless::Vec<u8, 40> =
            (0u8..=0x20).chain([0x7f]).filter(|&c| c != b'\r' && c != b'\n').collect();
        let want = ParseError::syntax(Element::RequestUri);
        for uri in uris {
            for tail in tails {
                let mut ok: heapless::Vec<u8, 1024> = heapless::Vec::new();
                ok.extend_from_slice(b"OPTIONS ").unwrap();
                ok.extend_from_slice(uri).unwrap();
                ok.extend_from_slice(b" SIP/2.0\r\n").unwrap();
                ok.extend_from_slice(rest).unwrap();
                ok.extend_from_slice(tail).unwrap();
                ok.extend_from_slice(b"\r\n").unwrap();
                if tail.is_empty() {
                    assert!(Message::parse(&ok).is_ok(), "{:?}", core::str::from_utf8(&ok));
                }
                for at in 0..=uri.len() {
                    for &c in &bad {
                        for replace in [false, true] {
                            if replace && at == uri.len() {
                                continue;
                            }
                            let mut v: heapless::Vec<u8, 1024> = heapless::Vec::new();
                            v.extend_from_slice(b"OPTIONS ").unwrap();
                            v.extend_from_slice(&uri[..at]).unwrap();
                            v.push(c).unwrap();
                            v.extend_from_slice(&uri[at + usize::from(replace)..]).unwrap();
                            v.extend_from_slice(&ok[8 + uri.len()..]).unwrap();
                            assert_eq!(Message::parse(&v).map(drop), Err(want), "{}", v.escape_ascii());
                        }
                    }
                }
            }
        }
    }

    /// RFC 3261 §25.1: the header section is UTF-8 text. `head_text`,
    /// which checks the head rounded up to 64-byte blocks where the input
    /// goes on, answers as a check of the head alone: for every head
    /// length up to 200, with a character of two, three or four bytes
    /// starting at every position around the cut and the block's end, and
    /// with a byte that is no UTF-8 (0xff, a lone continuation byte, a
    /// truncated lead) at every position past the head.
    #[test]
    fn rfc3261_25_1_head_text_agrees_with_a_check_of_the_head_alone() {
        let chars: [&[u8]; 3] = ["é".as_bytes(), "€".as_bytes(), "😀".as_bytes()];
        let bad: [&[u8]; 3] = [b"\xff", b"\x80", b"\xe2\x82"];
        let mut buf = [b'a'; 300];
        let check = |buf: &[u8], n: usize| {
            let want = core::str::from_utf8(&buf[..n]).ok();
            assert_eq!(head_text(buf, n), want, "head {n} of {:?}", &buf[n.saturating_sub(4)..]);
        };
        for n in 0..=200usize {
            for len in [n, n + 1, n + 63, n + 64, 300] {
                buf.fill(b'a');
                check(&buf[..len], n);
                for c in chars {
                    for at in n.saturating_sub(4)..(n + 70).min(len.saturating_sub(c.len())) {
                        buf.fill(b'a');
                        buf[at..at + c.len()].copy_from_slice(c);
                        check(&buf[..len], n);
                    }
                }
                for b in bad {
                    for at in n..(n + 70).min(len.saturating_sub(b.len())) {
                        buf.fill(b'a');
                        buf[at..at + b.len()].copy_from_slice(b);
                        check(&buf[..len], n);
                    }
                }
            }
        }
    }

    /// RFC 3261 §7.3.1 / §25.1: an unknown field name is a `token`. The
    /// SSE2 windows of `check_token_name` answer as the byte loop does
    /// for every byte value at every position of names of 1 to 40 bytes,
    /// in lines that end with the name, two bytes after it and well past
    /// sixteen bytes; what the windows accept is a token.
    #[test]
    fn rfc3261_7_3_1_unknown_name_token_windows_match_the_byte_loop() {
        // An empty name is refused by both (RFC 3261 §25.1: a token has
        // at least one character).
        assert!(check_token_name(b"                : value", 0).is_err());
        let mut line = [0u8; 64];
        for n in 1..=40usize {
            for p in 0..n {
                for b in 0..=255u8 {
                    line.fill(b'x');
                    line[..n].fill(b'A');
                    line[p] = b;
                    line[n] = b':';
                    line[n + 1] = b' ';
                    let want = check_token_name_bytes(&line[..n]).is_ok();
                    assert_eq!(want, (0..n).all(|i| lex::is_token(line[i])));
                    for len in [n, n + 2, 64] {
                        let got = check_token_name(&line[..len], n).is_ok();
                        assert_eq!(got, want, "n {n} p {p} byte {b:#04x} len {len}");
                        #[cfg(all(
                            any(target_arch = "x86", target_arch = "x86_64"),
                            target_feature = "sse2"
                        ))]
                        if plain_name_sse2(&line[..len], n) {
                            assert!(want, "n {n} p {p} byte {b:#04x} len {len}");
                            assert!(line[..n].iter().all(|&c| c.is_ascii_alphanumeric() || c == b'-'));
                        }
                    }
                }
            }
        }
        // The names that take the windows in the bench and in real traffic.
        #[cfg(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2"))]
        for name in [
            &b"P-Charging-Vector"[..],
            b"P-Access-Network-Info",
            b"P-Visited-Network-ID",
            b"P-Early-Media",
            b"Diversion",
            b"Session-ID",
            b"X-0123456789-abcdefghij-ABCDEFG",
        ] {
            let mut l = heapless::Vec::<u8, 64>::new();
            l.extend_from_slice(name).unwrap();
            l.extend_from_slice(b": some value here").unwrap();
            assert!(plain_name_sse2(&l, name.len()), "{name:?}");
        }
    }

    #[test]
    fn rfc3261_7_3_1_field_name_length_and_line_limit_edges() {
        // An unknown name of 255 bytes fits its entry; one of 256 is
        // refused (the entry records a name's length in a byte).
        let mut line: heapless::Vec<u8, 512> = heapless::Vec::new();
        for n in [255usize, 256] {
            line.clear();
            for _ in 0..n {
                line.push(b'x').unwrap();
            }
            line.extend_from_slice(b": v\r\n").unwrap();
            let m = msg(&line, b"");
            let r = Message::parse(&m);
            if n == 255 {
                let m = r.unwrap();
                assert_eq!(
                    m.header_by_name(core::str::from_utf8(&line[..n]).unwrap()).next(),
                    Some(&b"v"[..])
                );
            } else {
                assert_eq!(r.unwrap_err().element, Element::Header(HeaderName::Other));
            }
        }
        // The empty line and the line limit share one compare: a line of
        // exactly max_line_length bytes passes, one more is refused, and
        // the empty line (length 0) still ends the section.
        let m = msg(b"Subject: abc\r\n", b"");
        let mut l = Limits::DEFAULT;
        l.max_line_length =
            "Subject: abc".len().max(BASE.split(|&c| c == b'\n').map(|x| x.len()).max().unwrap());
        assert!(Message::parse_with(&m, &l).is_ok());
        let long =
            msg(b"Subject: abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopq\r\n", b"");
        assert_eq!(Message::parse_with(&long, &l).unwrap_err().kind, ErrorKind::LineTooLong);
        l.max_line_length = "SIP/2.0 200 OK".len();
        assert!(Message::parse_with(b"SIP/2.0 200 OK\r\n\r\n", &l).is_ok());
        assert_eq!(
            Message::parse_with(b"SIP/2.0 200 OK\r\nX: 0123456789abc\r\n\r\n", &l).unwrap_err().kind,
            ErrorKind::LineTooLong
        );
        l.max_line_length = "X: 0123456789abc".len();
        let ok = Message::parse_with(b"SIP/2.0 200 OK\r\nX: 0123456789abc\r\n\r\n", &l).unwrap();
        assert_eq!(ok.header_by_name("x").next(), Some(&b"0123456789abc"[..]));
    }

    #[test]
    fn rfc3261_7_3_1_sws_and_trailing_white_space_around_values() {
        for (line, want) in [
            (&b"Subject:x\r\n"[..], &b"x"[..]),
            (b"Subject: x\r\n", b"x"),
            (b"Subject:  \t x \t \r\n", b"x"),
            (b"Subject:\tx y\t\r\n", b"x y"),
            (b"Subject: \r\n", b""),
            (b"Subject:\r\n", b""),
            (b"Subject \t: x\r\n", b"x"),
        ] {
            let m = msg(line, b"");
            let m = Message::parse(&m).unwrap();
            assert_eq!(m.header(HeaderName::Subject), Some(want), "{:?}", core::str::from_utf8(line));
        }
        // No name before the colon, or white space only.
        assert!(Message::parse(&msg(b": x\r\n", b"")).is_err());
        assert!(Message::parse(&msg(b" \t: x\r\n", b"")).is_err());
        // A control byte in a name is not a token (RFC 3261 §7.3.1).
        assert!(Message::parse(&msg(b"X-A\x01: x\r\n", b"")).is_err());
        assert!(Message::parse(&msg(b"X-A\x01 : x\r\n", b"")).is_err());
    }

    /// The header loop takes `Name: value` with one SP, a byte above SP
    /// after it and no trailing white space at once; every other spelling
    /// of SWS and trailing white space goes out of line. Checked against a
    /// plain trim (RFC 3261 §7.3.1, §25.1 SWS) for every mix of up to
    /// three SP/HTAB on either side of several values.
    #[test]
    fn rfc3261_7_3_1_value_trim_fast_path_matches_a_plain_trim() {
        let ws: &[&[u8]] = &[b"", b" ", b"\t", b"  ", b" \t", b"\t ", b"\t\t", b"   ", b" \t ", b"\t \t"];
        for value in [&b""[..], b"x", b"x y", b"ab\tc", b"\x01", b"v\x01"] {
            for pre in ws {
                for post in ws {
                    let mut line: heapless::Vec<u8, 64> = heapless::Vec::new();
                    line.extend_from_slice(b"Subject:").unwrap();
                    line.extend_from_slice(pre).unwrap();
                    line.extend_from_slice(value).unwrap();
                    line.extend_from_slice(post).unwrap();
                    let after = &line[b"Subject:".len()..];
                    let is_ws = |c: &u8| *c == b' ' || *c == b'\t';
                    let a = after.iter().position(|c| !is_ws(c)).unwrap_or(after.len());
                    let b = after.iter().rposition(|c| !is_ws(c)).map_or(a, |i| i + 1);
                    let want: heapless::Vec<u8, 64> = heapless::Vec::from_slice(&after[a..b]).unwrap();
                    line.extend_from_slice(b"\r\n").unwrap();
                    let m = msg(&line, b"");
                    let m = Message::parse(&m).unwrap();
                    assert_eq!(m.header(HeaderName::Subject), Some(&want[..]), "{line:?}");
                }
            }
        }
    }

    /// A known name is taken as classified; white space before the colon
    /// (HCOLON, RFC 3261 §25.1) sends the name out of line, where it is
    /// trimmed and classified again, so every known name, long or compact,
    /// in any case, with SP/HTAB before its colon is still recognised, and
    /// an unknown name keeps its token check (§7.3.1).
    #[test]
    fn rfc3261_7_3_1_white_space_before_the_colon_of_every_known_name() {
        let names: &[(&[u8], HeaderName)] = &[
            (b"Via", HeaderName::Via),
            (b"v", HeaderName::Via),
            (b"From", HeaderName::From),
            (b"t", HeaderName::To),
            (b"Call-ID", HeaderName::CallId),
            (b"Max-Forwards", HeaderName::MaxForwards),
            (b"Content-Length", HeaderName::ContentLength),
            (b"Record-Route", HeaderName::RecordRoute),
            (b"P-Preferred-Identity", HeaderName::PPreferredIdentity),
            (b"SUBJECT", HeaderName::Subject),
            (b"X-Unknown", HeaderName::Other),
        ];
        for &(name, kind) in names {
            for ws in [&b""[..], b" ", b"\t", b" \t "] {
                let mut line: heapless::Vec<u8, 64> = heapless::Vec::new();
                line.extend_from_slice(name).unwrap();
                line.extend_from_slice(ws).unwrap();
                line.extend_from_slice(b": 0\r\n").unwrap();
                let v = msg(&line, b"");
                let m = Message::parse(&v);
                // Via, From and To do not parse as "0": then the error
                // must name the field's kind.
                let fields = match m {
                    Ok(m) => m.headers().map(|f| (f.name, f.raw_name.len(), f.value)).last().unwrap(),
                    Err(e) => {
                        assert_eq!(e.element, Element::Header(kind), "{line:?}");
                        continue;
                    }
                };
                assert_eq!(fields, (kind, name.len(), &b"0"[..]), "{line:?}");
            }
        }
        // Not a token, with or without white space before the colon.
        for bad in [&b"X@Y: 1\r\n"[..], b"X@Y : 1\r\n", b"Via@ : 1\r\n", b"V\x01ia: 1\r\n"] {
            assert_eq!(
                Message::parse(&msg(bad, b"")).unwrap_err().element,
                Element::Header(HeaderName::Other)
            );
        }
    }

    #[test]
    fn rfc3261_17_transaction_header_errors_in_field_order() {
        // The strict checks report the first malformed transaction header
        // in field order, whichever order they are decoded in.
        let base = b"OPTIONS sip:bob@biloxi.example.com SIP/2.0\r\n";
        let parse = |fields: &[u8]| {
            let mut v: heapless::Vec<u8, 1024> = heapless::Vec::new();
            v.extend_from_slice(base).unwrap();
            v.extend_from_slice(fields).unwrap();
            v.extend_from_slice(b"\r\n").unwrap();
            Message::parse(&v).map(|_| ()).map_err(|e| (e.element, e.kind))
        };
        let hdr = |n| Element::Header(n);
        assert_eq!(
            parse(b"From: <<bad\r\nVia: nonsense\r\nCSeq: x\r\n").unwrap_err().0,
            hdr(HeaderName::From)
        );
        assert_eq!(parse(b"Via: nonsense\r\nFrom: <<bad\r\n").unwrap_err().0, hdr(HeaderName::Via));
        assert_eq!(parse(b"To: <<bad\r\nCall-ID: \x01\r\n").unwrap_err().0, hdr(HeaderName::To));
        // RFC 4475 §3.3.9: a second Content-Length, unless an earlier field
        // is already malformed.
        assert_eq!(
            parse(b"l: 0\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n").unwrap_err(),
            (hdr(HeaderName::ContentLength), ErrorKind::Duplicate)
        );
        assert_eq!(parse(b"CSeq: x\r\nl: 0\r\nContent-Length: 0\r\n").unwrap_err().0, hdr(HeaderName::CSeq));
        assert_eq!(
            parse(b"l: 0\r\nl: 0\r\nCSeq: x\r\n").unwrap_err(),
            (hdr(HeaderName::ContentLength), ErrorKind::Duplicate)
        );
        // Only the first of the others is decoded at parse time.
        assert_eq!(parse(b"Max-Forwards: 70\r\nMax-Forwards: lots\r\nCSeq: 1 OPTIONS\r\n"), Ok(()));
        assert_eq!(
            parse(b"Max-Forwards: lots\r\nMax-Forwards: 70\r\n").unwrap_err().0,
            hdr(HeaderName::MaxForwards)
        );
        let m = msg(b"Via: SIP/2.0/UDP second.example.com;branch=z9hG4bK2\r\nCall-ID: other\r\n", b"");
        let m = Message::parse(&m).unwrap();
        assert_eq!(m.call_id(), Ok("a84b4c76e66710"));
        assert_eq!(m.vias().count(), 2);
    }

    /// RFC 3261 §7.1: the split request line holds the empty opaque
    /// placeholder in the Request-URI's place (rebuilt at run time, equal
    /// to the constant) until the URI is decoded into it, and the URI's
    /// span is the text between the two SPs.
    #[test]
    fn rfc3261_7_1_split_request_line_holds_the_placeholder_uri() {
        let line = b"INVITE sip:bob@biloxi.example.com SIP/2.0";
        let mut start = StartLine::Response(StatusLine { status: StatusCode(0), reason: &[] });
        let (a, b) = split_request_line(line, 3, &mut start).unwrap();
        assert_eq!((a, b), (3 + 7, 3 + line.len() - 8));
        let StartLine::Request(r) = start else { panic!("not a request line") };
        assert_eq!(r.uri, Uri::PLACEHOLDER);
        assert_eq!(r.raw_uri, b"sip:bob@biloxi.example.com");
        assert_eq!(r.method, Method::Invite);
    }

    /// `TxFields` keeps a place for every name: each name's first and
    /// last positions are what a plain walk finds, whatever names lie
    /// between, and only a second Content-Length is a duplicate (RFC 4475
    /// §3.3.9); the transaction headers read their own places.
    #[test]
    fn rfc3261_7_3_1_tx_fields_record_every_name_in_its_own_place() {
        let mut names: heapless::Vec<HeaderName, 80> = heapless::Vec::new();
        names.extend_from_slice(HeaderName::ALL).unwrap();
        names.push(HeaderName::Other).unwrap();
        for &a in &names {
            assert!((a as usize) < NAMES, "{a:?}");
            for &b in &names {
                let mut tx = TxFields::NONE;
                let order = [b, a, b, a, b];
                for (at, &n) in order.iter().enumerate() {
                    tx.note(n, at);
                }
                for n in [a, b] {
                    let first = order.iter().position(|&x| x == n).unwrap();
                    let last = order.iter().rposition(|&x| x == n).unwrap();
                    assert_eq!(tx.first[n as usize], first as u8, "{a:?} {b:?}");
                    assert_eq!(tx.last[n as usize], last as u8, "{a:?} {b:?}");
                    assert!(tx.seen(n));
                }
                let untouched = names.iter().filter(|&&n| n != a && n != b);
                assert!(untouched.clone().all(|&n| !tx.seen(n)));
                assert_eq!(tx.dup_cl, a == HeaderName::ContentLength || b == HeaderName::ContentLength);
            }
        }
        let (built, none) = (TxFields::none(), TxFields::NONE);
        assert_eq!(
            (built.first, built.last, built.dup_cl, built.folded),
            (none.first, none.last, none.dup_cl, none.folded)
        );
        for (slot, name) in [
            (TxFields::VIA, HeaderName::Via),
            (TxFields::FROM, HeaderName::From),
            (TxFields::TO, HeaderName::To),
            (TxFields::CALL_ID, HeaderName::CallId),
            (TxFields::CSEQ, HeaderName::CSeq),
            (TxFields::MAX_FORWARDS, HeaderName::MaxForwards),
            (TxFields::CONTENT_LENGTH, HeaderName::ContentLength),
            (TxFields::CONTACT, HeaderName::Contact),
            (TxFields::ROUTE, HeaderName::Route),
        ] {
            let mut tx = TxFields::NONE;
            tx.note(name, 3);
            assert_eq!(tx.first[slot], 3, "{name:?}");
        }
    }

    /// The header lines as a plain reading of RFC 3261 §7.3.1 splits them
    /// (byte loops, no word tricks): `None` where the loop must refuse the
    /// section. From `at` (the first header line) through the empty line;
    /// a section without one is left to the other tests (`None` here).
    fn reference_fields(buf: &[u8], mut at: usize) -> Option<heapless::Vec<Entry, HEADER_CAPACITY>> {
        let ws = |c: u8| c == b' ' || c == b'\t';
        let mut out: heapless::Vec<Entry, HEADER_CAPACITY> = heapless::Vec::new();
        loop {
            let rest = buf.get(at..)?;
            let k = rest.iter().position(|&c| c == b'\r' || c == b'\n')?;
            let next = match (rest[k], rest.get(k + 1)) {
                (b'\n', _) => at + k + 1,
                (_, Some(b'\n')) => at + k + 2,
                _ => return None,
            };
            let line = &rest[..k];
            if line.is_empty() {
                return Some(out);
            }
            if ws(line[0]) {
                let last = out.last_mut()?;
                if let Some(e) = line.iter().rposition(|&c| !ws(c)) {
                    last.value_end = (at + e + 1) as u16;
                }
            } else {
                let colon = line.iter().position(|&c| c == b':')?;
                let mut end = colon;
                while end > 0 && ws(line[end - 1]) {
                    end -= 1;
                }
                let name_bytes = &line[..end];
                let name = HeaderName::from_bytes(name_bytes);
                let token = |c: u8| c.is_ascii_alphanumeric() || b"-.!%*_+`'~".contains(&c);
                if name == HeaderName::Other
                    && (end == 0 || end > 255 || !name_bytes.iter().all(|&c| token(c)))
                {
                    return None;
                }
                let mut vs = colon + 1;
                while vs < line.len() && ws(line[vs]) {
                    vs += 1;
                }
                let mut ve = line.len();
                while ve > vs && ws(line[ve - 1]) {
                    ve -= 1;
                }
                out.push(Entry {
                    name,
                    name_len: end as u8,
                    line_start: at as u16,
                    value_start: (at + vs) as u16,
                    value_end: (at + ve) as u16,
                })
                .ok()?;
            }
            at = next;
        }
    }

    /// The header loop's word reads (the line's first word for the fold
    /// test, the colon search and the classifier, the haystack's second
    /// word for a longer name, the two bytes after the colon, the byte
    /// before the line break) against the plain reading above: every
    /// byte value but CR and LF (their own tests put those everywhere,
    /// and hold the AVX2 finder to the portable one used here)
    /// at every position from a header line's start to two bytes past
    /// its colon, in the bench messages and the RFC 4475 / RFC 5118
    /// messages of the corpus (RFC 3261 §7.3.1).
    #[test]
    fn rfc3261_7_3_1_header_loop_agrees_with_a_plain_reading_for_every_byte() {
        let corpus: [&[u8]; 8] = [
            include_bytes!("../../benches/messages/01_invite_sdp.sip"),
            include_bytes!("../../benches/messages/07_401_unauthorized.sip"),
            include_bytes!("../../benches/messages/10_subscribe.sip"),
            include_bytes!("../../benches/messages/12_invite_heavy.sip"),
            include_bytes!("../../tests/corpus/rfc4475/wsinv.dat"),
            include_bytes!("../../tests/corpus/rfc4475/lwsdisp.dat"),
            include_bytes!("../../tests/corpus/rfc4475/intmeth.dat"),
            include_bytes!("../../tests/corpus/rfc5118/mult-ip-in-header.dat"),
        ];
        let scan = |m: &[u8], first: usize| {
            let mut index = heapless::Vec::new();
            let r = scan_fields(&Portable, m, first, &Limits::DEFAULT, &mut index, &mut { TxFields::NONE });
            r.ok().map(|_| index)
        };
        let mut checked = 0usize;
        for m in corpus {
            let Some(first) = m.iter().position(|&c| c == b'\n').map(|p| p + 1) else { continue };
            let Some(head) = m.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4) else { continue };
            let m = &m[..head];
            assert_eq!(scan(m, first), reference_fields(m, first), "{:?}", core::str::from_utf8(m));
            checked += each_name_byte_variant(m, first, |v, i, b| {
                let want = reference_fields(v, first);
                assert_eq!(scan(v, first), want, "byte {b:#x} at {i}: {:?}", core::str::from_utf8(v));
            });
        }
        assert!(checked > 50_000, "{checked}");
    }

    /// Every header line of `m` from the one at `line` to the end: every
    /// byte value but CR and LF at every position from the line's start
    /// to two bytes past its colon, handed to `f` with the changed
    /// message, the position and the byte. Answers how many there were.
    fn each_name_byte_variant(m: &[u8], mut line: usize, mut f: impl FnMut(&[u8], usize, u8)) -> usize {
        let mut v: heapless::Vec<u8, 4096> = heapless::Vec::new();
        v.extend_from_slice(m).unwrap();
        let mut n = 0;
        while line + 2 < m.len() {
            let k = m[line..].iter().position(|&c| c == b'\n').unwrap();
            let colon = m[line..line + k].iter().position(|&c| c == b':').unwrap_or(k);
            for i in line..(line + colon + 3).min(line + k) {
                for b in (0..=255u8).filter(|&b| b != b'\r' && b != b'\n') {
                    v[i] = b;
                    f(&v, i, b);
                    n += 1;
                }
                v[i] = m[i];
            }
            line += k + 1;
        }
        n
    }

    /// The short line-break search (RFC 3261 §7.3.1: lines end at CR or
    /// LF) answers as memchr2 for every haystack length up to 40, with
    /// every byte value at every position and, after it, a CR or LF or
    /// none; the SSE2 windows answer for 16 to 32 bytes and only there.
    #[test]
    fn rfc3261_7_3_1_short_line_break_search_agrees_with_memchr() {
        let mut checked = 0usize;
        for len in 0..=40usize {
            for p in 0..len {
                for b in 0..=255u8 {
                    for after in [None, Some(b'\r'), Some(b'\n')] {
                        let mut hay = [b'a'; 40];
                        hay[p] = b;
                        if let Some(c) = after {
                            hay[len - 1] = c;
                        }
                        let hay = &hay[..len];
                        let want = memchr::memchr2(b'\r', b'\n', hay);
                        #[cfg(target_arch = "x86_64")]
                        assert_eq!(short_find(hay), want, "{hay:?}");
                        #[cfg(all(
                            any(target_arch = "x86", target_arch = "x86_64"),
                            target_feature = "sse2"
                        ))]
                        {
                            let got = crlf_windows(hay);
                            assert_eq!(got.is_some(), (16..=32).contains(&len), "{len}");
                            if let Some(got) = got {
                                assert_eq!(got, want, "{hay:?}");
                            }
                        }
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 300_000, "{checked}");
    }

    /// The header loop runs as two loops: one while at least 32 bytes of
    /// the section are left (no short-haystack finder, the known names'
    /// words and the byte after their colon read untested), one for the
    /// rest. With a first line of every length from 9 to 42 bytes, the point
    /// 32 bytes before the section's end falls at every position of the
    /// lines after it; at every byte of those lines' names, colons, SWS
    /// and first value bytes, every byte value but CR and LF, both
    /// finders answer as the plain reading of RFC 3261 §7.3.1.
    #[test]
    fn rfc3261_7_3_1_header_loop_agrees_with_a_plain_reading_at_every_distance_from_the_end() {
        let scan = |m: &[u8], first: usize| {
            let mut index = heapless::Vec::new();
            let r = scan_fields(&Portable, m, first, &Limits::DEFAULT, &mut index, &mut { TxFields::NONE });
            r.ok().map(|h| (index, h))
        };
        #[cfg(target_arch = "x86_64")]
        let two = memchr::arch::x86_64::avx2::memchr::Two::new(b'\r', b'\n');
        let tail: &[u8] = b"To: <sip:b@c>\r\nVia: SIP/2.0/UDP h\r\nCSeq: 1 A\r\nMax-Forwards: 70\r\n\
            Content-Length: 0\r\nSession-Expires: 90\r\nP-Asserted-Identity: <sip:a@b>\r\nX: y \r\n\r\n";
        let mut checked = 0usize;
        for pad in 0..34 {
            let mut v: heapless::Vec<u8, 512> = heapless::Vec::new();
            v.extend_from_slice(b"X-Pad: ").unwrap();
            for _ in 0..pad {
                v.push(b'a').unwrap();
            }
            v.extend_from_slice(b"\r\n").unwrap();
            let first = 0;
            let second = v.len();
            v.extend_from_slice(tail).unwrap();
            checked += each_name_byte_variant(&v, second, |v, i, b| {
                let want = reference_fields(v, first);
                let got = scan(v, first);
                assert_eq!(got.as_ref().map(|g| &g.0), want.as_ref(), "byte {b:#x} at {i}, pad {pad}");
                #[cfg(target_arch = "x86_64")]
                if let Some(two) = &two {
                    let mut index = heapless::Vec::new();
                    let r = scan_fields(two, v, first, &Limits::DEFAULT, &mut index, &mut { TxFields::NONE });
                    assert_eq!(r.ok().map(|h| (index, h)), got, "AVX2, byte {b:#x} at {i}, pad {pad}");
                }
            });
        }
        assert!(checked > 100_000, "{checked}");
    }

    /// The returning parse (`parse_with`, inlined into its caller and
    /// filled by one out-of-line call) answers what the fill over the
    /// portable finder does, for the bench messages and every prefix of
    /// them (RFC 3261 §7), and `Result<Message, _>` keeps its `Err` in a
    /// niche of the message (no tag word of its own).
    #[test]
    fn rfc3261_7_returning_parse_agrees_with_the_fill() {
        assert_eq!(size_of::<Result<Message<'_>, ParseError>>(), size_of::<Message<'_>>());
        type Seen = Result<(heapless::Vec<Entry, HEADER_CAPACITY>, usize, usize, Option<u32>), ParseError>;
        let seen = |m: Result<Message<'_>, ParseError>| -> Seen {
            m.map(|m| (m.index.clone(), m.head_len, m.body.len(), m.content_length))
        };
        for m in [
            &include_bytes!("../../benches/messages/01_invite_sdp.sip")[..],
            include_bytes!("../../benches/messages/02_180_ringing.sip"),
            include_bytes!("../../benches/messages/09_200_register_3contacts.sip"),
            include_bytes!("../../benches/messages/12_invite_heavy.sip"),
        ] {
            for i in 0..=m.len() {
                let b = &m[..i];
                let l = Limits::DEFAULT;
                assert_eq!(seen(Message::parse(b)), seen(Message::parse_using(b, &l, &Portable)));
                let tight = Limits { max_headers: 5, ..Limits::DEFAULT };
                assert_eq!(
                    seen(Message::parse_with(b, &tight)),
                    seen(Message::parse_using(b, &tight, &Portable))
                );
            }
        }
    }

    /// The parse is compiled once per line finder; the AVX2 one serves on
    /// this machine, so the portable one (memchr2, every other target) is
    /// checked against it here: same fields, same framing, same errors,
    /// over the bench messages, every prefix of them, and a CR or LF put
    /// at every position of their heads (RFC 3261 §7.3.1 line ends).
    #[test]
    fn rfc3261_7_3_1_portable_line_finder_agrees_with_avx2() {
        #[cfg(target_arch = "x86_64")]
        {
            let Some(two) = memchr::arch::x86_64::avx2::memchr::Two::new(b'\r', b'\n') else {
                return;
            };
            type Seen =
                Result<(heapless::Vec<Entry, HEADER_CAPACITY>, usize, usize, Option<u32>), ParseError>;
            let seen = |m: Result<Message<'_>, ParseError>| -> Seen {
                m.map(|m| (m.index.clone(), m.head_len, m.body.len(), m.content_length))
            };
            let check = |bytes: &[u8]| {
                let l = Limits::DEFAULT;
                let a = seen(Message::parse_using(bytes, &l, &two));
                let b = seen(Message::parse_using(bytes, &l, &Portable));
                assert_eq!(a, b, "{:?}", core::str::from_utf8(bytes));
            };
            for m in [
                &include_bytes!("../../benches/messages/01_invite_sdp.sip")[..],
                include_bytes!("../../benches/messages/02_180_ringing.sip"),
                include_bytes!("../../benches/messages/04_ack.sip"),
                include_bytes!("../../benches/messages/07_401_unauthorized.sip"),
                include_bytes!("../../benches/messages/12_invite_heavy.sip"),
            ] {
                for i in 0..=m.len() {
                    check(&m[..i]);
                }
                let head = m.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
                let mut v: heapless::Vec<u8, 4096> = heapless::Vec::new();
                for i in 0..head {
                    for c in [b'\r', b'\n'] {
                        v.clear();
                        v.extend_from_slice(m).unwrap();
                        v[i] = c;
                        check(&v);
                    }
                }
            }
        }
    }

    /// The AVX2 finder hands a haystack under one vector (32 bytes) to
    /// `short_find`: for every length up to 70 (both sides of the split),
    /// a CR, an LF or neither at every position, over a background of
    /// every other byte, it answers as memchr2 does (RFC 3261 §7.3.1: the
    /// first CR or LF ends the line).
    #[test]
    fn rfc3261_7_3_1_short_haystacks_find_the_first_line_break() {
        #[cfg(target_arch = "x86_64")]
        {
            let Some(two) = memchr::arch::x86_64::avx2::memchr::Two::new(b'\r', b'\n') else {
                return;
            };
            let mut hay = [0u8; 70];
            for len in 0..=hay.len() {
                for bg in (0..=255u8).filter(|&b| b != b'\r' && b != b'\n') {
                    for p in 0..=len {
                        for c in [b'\r', b'\n', bg] {
                            hay.fill(bg);
                            if let Some(x) = hay.get_mut(p) {
                                *x = c;
                            }
                            if let Some(x) = hay.get_mut(p + 3) {
                                *x = b'\n'; // a later break must not win
                            }
                            let h = &hay[..len];
                            let want = memchr::memchr2(b'\r', b'\n', h);
                            assert_eq!(LineBreaks::find(&two, h), want, "{h:?}");
                            assert_eq!(short_find(h), want, "{h:?}");
                        }
                    }
                }
            }
        }
    }

    /// The word-at-a-time Reason-Phrase check against the grammar's byte
    /// rule (RFC 3261 §25.1: no control byte but HTAB, no DEL): every byte
    /// value at every position of reasons of every length to 24, after the
    /// usual and a longer status-line start; and through the parse.
    #[test]
    fn rfc3261_25_1_reason_phrase_control_bytes_word_check() {
        let plain = |r: &[u8]| r.iter().any(|&c| c < 0x20 && c != b'\t' || c == 0x7f);
        for start in [&b"SIP/2.0 200 "[..], b"SIP/02.00 486 "] {
            for n in 0..=24usize {
                for p in 0..n {
                    for c in 0..=255u8 {
                        let mut line: heapless::Vec<u8, 64> = heapless::Vec::new();
                        line.extend_from_slice(start).unwrap();
                        for i in 0..n {
                            line.push(if i == p { c } else { b"Ringing OK"[i % 10] }).unwrap();
                        }
                        let reason = &line[start.len()..];
                        assert_eq!(reason_has_ctl(&line, n), plain(reason), "{line:?}");
                    }
                }
            }
        }
        assert!(!reason_has_ctl(b"SIP/2.0 200 ", 0));
        assert!(!reason_has_ctl(b"OK", 2) && reason_has_ctl(b"O\x01", 2), "line under eight bytes");
        let e = Message::parse(b"SIP/2.0 200 O\x7fK\r\n\r\n").unwrap_err();
        assert_eq!(e.element, Element::ReasonPhrase);
        assert!(Message::parse(b"SIP/2.0 200 O\tK \xc3\xa9\r\nl: 0\r\n\r\n").is_ok());
    }

    #[test]
    fn rfc3261_7_every_prefix_is_handled() {
        let m = msg(b"Content-Length: 3\r\n", b"abc");
        for i in 0..=m.len() {
            let _ = Message::parse(&m[..i]);
        }
    }

    /// The spans a plain walk of the index finds for `name`.
    fn walked_span(m: &Message<'_>, name: HeaderName) -> FieldSpan {
        let mut span = FieldSpan::EMPTY;
        for (i, e) in m.index.iter().enumerate() {
            if e.name == name {
                if span.first == u8::MAX {
                    span.first = i as u8;
                }
                span.last = i as u8;
            }
        }
        span
    }

    /// The header loop's recorded spans equal a plain walk of the index,
    /// for the returning parse and the endpoint's in-place parse alike,
    /// and the span holds every field of its name (RFC 3261 §7.3.1: the
    /// fields of a list header may stand anywhere, in order).
    fn check_spans(bytes: &[u8]) {
        let l = Limits::DEFAULT;
        let Ok(m) = Message::parse_with(bytes, &l) else { return };
        let walked = ListSpans {
            via: walked_span(&m, HeaderName::Via),
            contact: walked_span(&m, HeaderName::Contact),
            route: walked_span(&m, HeaderName::Route),
        };
        assert_eq!(m.spans, walked, "{:?}", core::str::from_utf8(bytes));
        #[cfg(feature = "alloc")]
        {
            let mut p = Message::unparsed(bytes, &l);
            p.parse_in_place(&l).unwrap();
            assert_eq!(p.spans, walked);
        }
        for (span, name) in [
            (walked.via, HeaderName::Via),
            (walked.contact, HeaderName::Contact),
            (walked.route, HeaderName::Route),
        ] {
            let (a, b) = span.range();
            for (i, e) in m.index.iter().enumerate() {
                assert!(e.name != name || (a..b).contains(&i));
            }
        }
        // The iterators that start and stop at the spans answer what
        // they answer over the whole index.
        let mut whole = m.clone();
        let all = FieldSpan { first: 0, last: (m.index.len().max(1) - 1) as u8 };
        if m.spans.via != FieldSpan::EMPTY {
            whole.spans.via = FieldSpan { first: m.spans.via.first, last: all.last };
        }
        whole.spans.contact = all;
        whole.spans.route = all;
        type V<T> = std::vec::Vec<T>;
        assert_eq!(m.contacts().collect::<V<_>>(), whole.contacts().collect::<V<_>>());
        assert_eq!(m.routes().collect::<V<_>>(), whole.routes().collect::<V<_>>());
        assert_eq!(m.routes().collect::<V<_>>(), m.name_addrs(HeaderName::Route).collect::<V<_>>());
        assert_eq!(m.vias().collect::<V<_>>(), whole.vias().collect::<V<_>>());
        let plain: V<_> = m.header_values(HeaderName::Via).map(Via::parse).collect();
        let vias: V<_> = m.vias().collect();
        assert_eq!(vias.len(), plain.len());
        for (a, b) in vias.iter().zip(plain.iter()) {
            assert_eq!(a.as_ref().ok(), b.as_ref().ok());
        }
    }

    #[cfg(feature = "std")]
    #[test]
    fn rfc3261_7_3_1_list_spans_recorded_as_the_index_walk_finds_them() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut n = 0;
        for dir in ["tests/corpus/rfc4475", "tests/corpus/rfc5118", "benches/messages"] {
            for e in std::fs::read_dir(root.join(dir)).unwrap() {
                let bytes = std::fs::read(e.unwrap().path()).unwrap();
                check_spans(&bytes);
                n += 1;
            }
        }
        assert!(n > 40);
        // Generated header orders: every permutation of Via, Contact,
        // Route and other lines (long, compact and folded forms,
        // repeated), after the transaction headers and before them.
        let lines: [&[u8]; 6] = [
            b"Via: SIP/2.0/UDP a.example.com;branch=z9hG4bKa, SIP/2.0/TCP b.example.com\r\n",
            b"v: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKc\r\n",
            b"Contact: <sip:c@example.com>;expires=5,\r\n sip:d@example.com\r\n",
            b"m: *\r\n",
            b"Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\n",
            b"X-Other: x\r\n\tfolded\r\n",
        ];
        let mut order = [0usize, 1, 2, 3, 4, 5];
        let mut v: heapless::Vec<u8, 4096> = heapless::Vec::new();
        let mut permute = |order: &[usize; 6]| {
            for front in [false, true] {
                for cut in 0..=order.len() {
                    v.clear();
                    let (head, _) = BASE.split_at(BASE.iter().position(|&c| c == b'\n').unwrap() + 1);
                    v.extend_from_slice(head).unwrap();
                    if front {
                        for &i in &order[..cut] {
                            v.extend_from_slice(lines[i]).unwrap();
                        }
                    }
                    v.extend_from_slice(&BASE[head.len()..]).unwrap();
                    for &i in if front { &order[cut..] } else { &order[..cut] } {
                        v.extend_from_slice(lines[i]).unwrap();
                    }
                    v.extend_from_slice(b"Route: <sip:p3.example.com;lr>\r\n").unwrap();
                    v.extend_from_slice(b"\r\n").unwrap();
                    check_spans(&v);
                }
            }
        };
        // Heap's algorithm: all 720 orders.
        let mut c = [0usize; 6];
        permute(&order);
        let mut i = 0;
        while i < 6 {
            if c[i] < i {
                order.swap(if i % 2 == 0 { 0 } else { c[i] }, i);
                permute(&order);
                c[i] += 1;
                i = 0;
            } else {
                c[i] = 0;
                i += 1;
            }
        }
    }

    #[test]
    fn rfc3261_7_3_1_list_spans_empty_without_fields() {
        let m = Message::parse(BASE_END).unwrap();
        assert_eq!(m.spans.contact, FieldSpan::EMPTY);
        assert_eq!(m.spans.route, FieldSpan::EMPTY);
        assert_eq!(m.spans.via, FieldSpan { first: 0, last: 0 });
        assert_eq!(m.contacts().count(), 0);
        assert_eq!(m.routes().count(), 0);
        assert_eq!(m.vias().count(), 1);
    }

    const BASE_END: &[u8] = b"OPTIONS sip:bob@biloxi.example.com SIP/2.0\r\n\
Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n\
To: <sip:bob@biloxi.example.com>\r\n\
From: <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
Call-ID: a84b4c76e66710\r\n\
CSeq: 1 OPTIONS\r\n\r\n";
}
