//! Via (RFC 3261 §20.42, §18.2.1; RFC 3581 rport; RFC 5118 §4.5).
//!
//! The top Via is what the transaction layer matches on (§17.1.3,
//! §17.2.3) and where responses are routed (§18.2.2), so the parser checks
//! it at parse time; the others are decoded on demand.

use super::scalar::{digit_len, scan_u32};
use crate::message::error::{Element, ErrorKind, ParseError};
use crate::message::lex;
use crate::message::name::HeaderName;
use crate::message::parse::Message;
use crate::message::uri::{Host, ipv4_read};

const N: HeaderName = HeaderName::Via;

fn err() -> ParseError {
    ParseError::header(N)
}

fn too_many() -> ParseError {
    ParseError::new(Element::Header(N), ErrorKind::TooManyVias)
}

/// The RFC 3261 branch magic cookie (§8.1.1.7).
pub const MAGIC_COOKIE: &str = "z9hG4bK";

/// One via-parm: `sent-protocol LWS sent-by *( SEMI via-params )`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Via<'a> {
    /// The protocol version, `2.0` (the name `SIP` is checked).
    pub version: &'a str,
    /// The transport token as written (`UDP`, `TCP`, `TLS`, `SCTP`, `WS`,
    /// `WSS` or an extension, RFC 4475 §3.1.1.10); compare with
    /// [`Via::transport_is`].
    pub transport: &'a str,
    /// The sent-by host.
    pub host: Host<'a>,
    /// The sent-by port, if given.
    pub port: Option<u16>,
    /// The via-params, raw.
    pub params: lex::Params<'a>,
    /// The branch parameter, found while the parameters were checked
    /// (it is read on every transaction match, §17.1.3, §17.2.3).
    branch: Option<&'a str>,
    /// Which of `received`, `rport` (and whether the first is valueless)
    /// and `maddr` the parameters hold, noted in the same pass: the
    /// endpoint routes every response on them (RFC 3261 §18.2.2, RFC 3581
    /// §4) and need not walk the parameters again when they say enough.
    marks: ViaMarks,
}

/// Parameter presence bits of a [`Via`] (see its `marks` field).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) struct ViaMarks(u8);

impl ViaMarks {
    pub(crate) const RECEIVED: u8 = 1;
    pub(crate) const RPORT: u8 = 2;
    /// The first `rport` has no value (RFC 3581 §4: the client asks for it).
    pub(crate) const RPORT_VALUELESS: u8 = 4;
    pub(crate) const MADDR: u8 = 8;

    /// True if every bit of `bits` is set.
    #[cfg(feature = "alloc")] // read by the endpoint only
    pub(crate) fn has(self, bits: u8) -> bool {
        self.0 & bits == bits
    }
}

/// Splits `SWS "/" SWS`-separated sent-protocol parts (the general path,
/// for spellings with LWS around the slashes, RFC 4475 §3.1.1.1).
fn protocol_part(s: &[u8], i: usize) -> Result<(usize, usize, usize), ParseError> {
    let a = lex::skip_lws(s, i);
    let b = lex::scan_token(s, a);
    if a == b {
        return Err(err());
    }
    Ok((a, b, lex::skip_lws(s, b)))
}

/// `v[a..b]`, where both ends were found on ASCII bytes of `v` (so they
/// are char boundaries; `get` checks it anyway and never panics).
/// (Split in two so both boundary checks inline: `str::get` with a range
/// stays an out-of-line call here.)
#[inline(always)]
fn sub(v: &str, a: usize, b: usize) -> Result<&str, ParseError> {
    match v.split_at_checked(b) {
        Some((head, _)) => match head.split_at_checked(a) {
            Some((_, piece)) => Ok(piece),
            None => Err(err()),
        },
        None => Err(err()),
    }
}

/// "SIP/2.0/" read as one little-endian word, letters in lower case.
const SIP_2_0: u64 = u64::from_le_bytes(*b"sip/2.0/");
/// OR-ing 0x20 into the three letters of "SIP" lower-cases them; for a
/// letter position, `c | 0x20 == b's'` holds for `S` and `s` only.
const SIP_CASE: u64 = 0x0000_0000_0020_2020;

/// The transport of the usual spellings, `UDP`, `TCP`, `TLS`, `WSS`
/// followed by SP, as a four-byte word (RFC 3261 §20.42 `transport`).
const fn word4(s: &[u8; 4]) -> u32 {
    u32::from_le_bytes(*s)
}
const UDP_SP: u32 = word4(b"UDP ");
const TCP_SP: u32 = word4(b"TCP ");
const TLS_SP: u32 = word4(b"TLS ");
const WSS_SP: u32 = word4(b"WSS ");
const WS_SP: u32 = word4(b"WS \0") & 0x00ff_ffff;

/// True if `name` is `lower` in any case, for a `lower` made of lower-case
/// letters only: for a letter, `c | 0x20` equals it for its two cases and
/// no other byte, so each byte is one OR and one compare, without
/// branches (parameter names are case-insensitive, RFC 3261 §7.3.1).
#[inline(always)]
fn is_name<const L: usize>(name: &[u8], lower: &[u8; L]) -> bool {
    let Ok(n) = <&[u8; L]>::try_from(name) else { return false };
    let mut same = true;
    let mut k = 0;
    while k < L {
        same &= n[k] | 0x20 == lower[k];
        k += 1;
    }
    same
}

/// A via-params number, `1*DIGIT` read as `lex::parse_u32` reads it (no
/// digit, a non-digit or a value past u32 is a syntax error) and at most
/// `max` (RFC 3261 §25.1 `ttl = 1*3DIGIT ; 0 to 255`; RFC 3581 port).
/// The value is `s[a..b]`; its digits are read in `s`, where the bytes
/// after it let the run be read as one word.
#[inline(always)]
fn bounded(s: &[u8], (a, b): (usize, usize), max: u32) -> Result<(), ParseError> {
    match scan_u32(s, a) {
        (end, Some(n)) if end == b && end > a => {
            if n > max {
                return Err(ParseError::new(Element::Header(N), ErrorKind::OutOfRange));
            }
            Ok(())
        }
        _ => Err(err()),
    }
}

/// True for what may follow a sent-by host: LWS, `;`, `:` (the port),
/// `,` (the next via-parm) or the end. Any other byte would be part of the
/// host, and no host holds it.
#[inline(always)]
fn ends_sent_by(c: Option<&u8>) -> bool {
    matches!(c, None | Some(b' ' | b'\t' | b';' | b':' | b'\r' | b'\n' | b','))
}

/// The dotted quad at `i` (RFC 3261 §25.1 `IPv4address`, each octet 1-3
/// digits at most 255, leading zeros tolerated as in
/// `Host::scan_str`), if one is there and the byte after it ends the
/// host: a sent-by's (`SENT_BY`, see [`ends_sent_by`]) or a token
/// value's (`;`, `,`, LWS or the end). Then it is exactly the address
/// `Host::scan_str` classifies (it reads the same octets, and a byte that
/// is no host byte ends its run there); any other text gives `None`, and
/// the caller takes that general path.
///
/// The octets are read by the URI parser's own reader (`ipv4_read`, at
/// most fifteen bytes) from the sixteen at `i`, so no read needs a
/// bounds check: `& 15` only tells the compiler what holds. Where `s`
/// holds sixteen bytes at `i` they are read in place, and so is the byte
/// after the address (among them, as the address is at most fifteen);
/// nearer the end, they are the last sixteen shifted down with zeros past
/// the end ([`lex::bytes16_at`]), no digit or dot, and the end is read
/// from `s`. Out of line: inlined into the via-parm
/// parser, its registers spill (measured: 10,808 vs 10,722 instr/msg).
#[inline(always)]
fn dotted_quad<const SENT_BY: bool>(s: &[u8], i: usize) -> Option<([u8; 4], usize)> {
    match dotted_quad_word::<SENT_BY>(s, i) {
        0 => None,
        q => Some(((q as u32).to_le_bytes(), (q >> 32) as usize)),
    }
}

/// [`dotted_quad`]'s answer in one register: the address in the low 32
/// bits (first octet lowest), its end above; 0 for `None` (an address
/// ends seven bytes after its start at least, so no answer is 0). An
/// `Option` of an array and a position came back through memory.
#[inline(never)]
fn dotted_quad_word<const SENT_BY: bool>(s: &[u8], i: usize) -> u64 {
    let ends = |end: Option<&u8>| {
        if SENT_BY {
            ends_sent_by(end)
        } else {
            matches!(end, None | Some(b';' | b',' | b' ' | b'\t' | b'\r' | b'\n'))
        }
    };
    let word = |out: [u8; 4], j: usize| u64::from(u32::from_le_bytes(out)) | ((i + j) as u64) << 32;
    // The usual case: sixteen bytes of the text at `i`, read where they
    // are (no copy), the byte after the address among them (it ends at
    // most fifteen bytes after `i`).
    if let Some(b) = s.get(i..).and_then(<[u8]>::first_chunk::<16>) {
        let Some((out, j)) = ipv4_read(|k| b[k & 15]) else { return 0 };
        return if ends(Some(&b[j & 15])) { word(out, j) } else { 0 };
    }
    let Some(b) = lex::bytes16_at(s, i) else { return 0 };
    let Some((out, j)) = ipv4_read(|k| b[k & 15]) else { return 0 };
    if ends(s.get(i + j)) { word(out, j) } else { 0 }
}

/// The dotted quad at `i` for [`Via::parse_plain`] (RFC 3261 §25.1
/// `IPv4address`, read by the URI parser's `ipv4_read` as
/// [`dotted_quad`] reads it) and its end, without a test of the byte
/// after it: the plain pass accepts only `:`, `;`, `,` or the end there,
/// each of which ends a host run, and leaves any other byte to the
/// general path. Inlined, the address stays in registers (no packing
/// into one word for a call). The octets are read from the sixteen bytes
/// at `i` where the text holds them, else (a `received` ending the
/// field) from the text's last sixteen shifted down, zeros past the end
/// ([`lex::bytes16_at`]): a zero is no digit or dot, so the read stops
/// at the end as at any other byte that is neither.
///
/// An SSE2 reader of the same window (`safe_arch`: the digits and the dots
/// as two sixteen-bit masks, each octet's run one trailing-zero count, its
/// value summed from its digits) measured worse for both quads: 7,140 ->
/// 7,189 instructions a message, +485 a call. For the `received` quad
/// alone, whose value is not kept (the masks and a "255" compare for a
/// three-digit octet only): 7,132 a message, but +370 a call; not kept.
///
/// With `IN_PLACE` (the top Via's parse, and the others' out-of-line
/// `Via::parse_element`) the usual sixteen bytes are read where they are,
/// not copied to the stack first; the reader then stands twice. Measured
/// (bench set, from 6,235.2 instructions a message): for every Via,
/// 6,240.0 (parse alone -9, the other Vias' step worse); for the top Via
/// only, 6,225.7 (-21 a call). With the other Vias parsed by a function
/// of their own (not the cursor's step), in place there too: 6,070 ->
/// 6,065, -20 a call.
#[inline(always)]
fn quad_at<const IN_PLACE: bool>(s: &[u8], i: usize) -> Option<([u8; 4], usize)> {
    if IN_PLACE {
        if let Some(b) = s.get(i..).and_then(<[u8]>::first_chunk::<16>) {
            return ipv4_read(|k| b[k & 15]).map(|(out, j)| (out, i + j));
        }
    }
    let b = match s.get(i..).and_then(<[u8]>::first_chunk::<16>) {
        Some(b) => *b,
        None => lex::bytes16_at(s, i)?,
    };
    ipv4_read(|k| b[k & 15]).map(|(out, j)| (out, i + j))
}

/// Where the dotted quad of a `received` value at `i` ends ([`quad_at`]),
/// or 0 if none starts there (an address ends seven bytes after its
/// start at least, so no end is 0). Its value is not kept: the endpoint
/// reads `received` from the parameters when it needs it.
///
/// Out of line: inlined into the via-parm pass, each of the quad reader's
/// exits restored nine of the pass's registers from the stack, about
/// thirty instructions a `received` quad (11 in the bench set's 22 Vias).
/// An SSE2 reader of the window here (the digit and dot bits of one
/// compare, the first three non-digits checked as dots and the runs
/// before them as one to three digits, a three-digit octet compared with
/// "255") measured worse than the byte reader: 118 instructions a quad
/// against 93; 6,920 -> 6,939 instructions a message, +58 a call. On x86
/// the quad is now told from the masks alone ([`quad_run_end`], no walk
/// of the octets): 74 instructions a quad; 6,413 -> 6,399 a message. The
/// masks' reader answers 0 where a digit or dot follows the fourth
/// octet, and the host scan the caller then runs says what that longer
/// run is (a dotted string of digits is an address or nothing). Reading
/// a window near the end as the text's last sixteen bytes with each mask
/// shifted down, instead of moving the bytes ([`lex::bytes16_at`]):
/// 6,400 a message (+1), -12 a call; not kept. With the masks (few
/// general registers, one usual exit) it is inlined again on x86: 6,399
/// -> 6,395 a message (parse alone +2.5, the top Via's frame; the others
/// -), -39 a call.
#[cfg_attr(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2"), inline(always))]
#[cfg_attr(
    not(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2")),
    inline(never)
)]
fn received_quad_end(s: &[u8], i: usize) -> usize {
    #[cfg(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2"))]
    {
        let w = match s.get(i..).and_then(<[u8]>::first_chunk::<16>) {
            Some(w) => *w,
            None => match lex::bytes16_at(s, i) {
                Some(w) => w,
                None => return 0,
            },
        };
        match quad_run_end(&w) {
            0 => 0,
            e => i + e,
        }
    }
    #[cfg(not(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2")))]
    match quad_at::<false>(s, i) {
        Some((_, end)) => end,
        None => 0,
    }
}

/// Where the run of digits and dots at the start of `w` ends, if that run
/// is exactly a dotted quad (RFC 3261 §25.1 `IPv4address`: four octets of
/// one to three digits, each at most 255, leading zeros tolerated as
/// `ipv4_read` tolerates them), else 0. This is [`quad_at`]'s end where
/// the byte there is neither a digit nor a dot; where it is one, `quad_at`
/// ends inside a longer run (a fourth octet of four digits, a fifth
/// octet) that no via-param value's host is (the run is a dotted string of
/// digits: an address or nothing, as `Host::scan_str` reads it), and 0
/// sends the caller to that host scan, which says so. Zeros past the end
/// of the text ([`lex::bytes16_at`]) are neither, as the end is not.
///
/// One SSE2 compare each gives the digits and the dots as sixteen-bit
/// masks; the run's end is the first bit in neither. Within the run the
/// shape is told from the masks alone, without walking the octets: every
/// dot has a digit on both sides (no dot first or last, no two dots
/// together), no four digits are in a row, and there are exactly three
/// dots; then the runs between them are the four octets of one to three
/// digits. A three-digit octet starting with `2` or more is compared with
/// "255" by the masks of `> '2'`, `== '2'`, `> '5'` and `== '5'` at its
/// three places (digit order is number order). An earlier SSE2 reader
/// walked the octets by trailing-zero counts and summed their digits: 118
/// instructions a quad against the byte reader's 93.
#[cfg(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2"))]
#[inline(always)]
fn quad_run_end(w: &[u8; 16]) -> usize {
    use crate::message::lex::sse2::{in_range, splat};
    use safe_arch::{cmp_eq_mask_i8_m128i, cmp_gt_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i};
    let x = load_unaligned_m128i(w);
    // move_mask gives the sixteen sign bits in 0..=0xFFFF: the casts are exact.
    let mask = |m| move_mask_i8_m128i(m) as u32;
    let digits = mask(in_range(x, b'0', 10));
    let dots = mask(cmp_eq_mask_i8_m128i(x, splat(b'.')));
    // At most 16 (bits 16 and up of the complement are set).
    let end = (!(digits | dots)).trailing_zeros();
    let run = (1u32 << end) - 1;
    let d = digits & run;
    let p = dots & run;
    let lone = p & !(d << 1 & d >> 1);
    let four = d & d >> 1 & d >> 2 & d >> 3;
    // Three dots: clearing the lowest set bit twice leaves exactly one.
    let p2 = p & p.wrapping_sub(1);
    let p2 = p2 & p2.wrapping_sub(1);
    // Two tests, not one `||` chain: the chain was compiled into flags
    // combined by `setcc`s (measured, bench set: 6,251.8 -> 6,246.1
    // instructions a message, -15 a call).
    if lone | four | (p2 & p2.wrapping_sub(1)) != 0 {
        return 0;
    }
    if p2 == 0 {
        return 0;
    }
    // Bit k: a three-digit octet starts at k (runs are at most three).
    let three = d & d >> 1 & d >> 2;
    // Signed compares: the lanes read are digits, positive as i8.
    let gt = |c: u8| mask(cmp_gt_mask_i8_m128i(x, splat(c)));
    if three & gt(b'1') != 0 {
        let eq = |c: u8| mask(cmp_eq_mask_i8_m128i(x, splat(c)));
        let (gt2, gt5, eq5) = (gt(b'2'), gt(b'5'), eq(b'5'));
        let over = gt2 | eq(b'2') & (gt5 >> 1 | eq5 >> 1 & gt5 >> 2);
        if three & over != 0 {
            return 0;
        }
    }
    end as usize
}

/// "z9hG4bK", the magic cookie (RFC 3261 §8.1.1.7), as the low seven
/// bytes of a little-endian word.
const COOKIE: u64 = u64::from_le_bytes(*b"z9hG4bK\0");

/// Where the token scan of a branch value at `v0` may start: past the
/// magic cookie when the value starts with it (seven token bytes, known
/// by one compare instead of being scanned; every RFC 3261 branch starts
/// with it, §8.1.1.7), else at `v0`. `scan_token` from there ends where it
/// ends from `v0`. (A branch scan of its own in eight-byte steps, each
/// step's classes combined in one test, measured worse, +32 instructions a
/// message and +357 a call; the SSE2 scan, [`branch_end`], is kept out of
/// line.)
#[inline(always)]
fn after_cookie(s: &[u8], v0: usize) -> usize {
    match s.get(v0..).and_then(<[u8]>::first_chunk::<8>) {
        Some(w) if u64::from_le_bytes(*w) & 0x00ff_ffff_ffff_ffff == COOKIE => v0 + 7,
        _ => v0,
    }
}

/// Where the token run from `v0` ends (RFC 3261 §25.1 `token`): what
/// `lex::scan_token(s, v0)` gives. A branch value's magic cookie is
/// skipped here first ([`after_cookie`]), not by the caller: the via-parm
/// pass then holds one value fewer across the call (measured, bench set:
/// 6,541 -> 6,536 instructions a message, parse alone 4,941 -> 4,936;
/// calls 80,101 -> 80,127, the UA's cookie compare now behind the call's
/// argument moves; the message figure being the goal, kept).
///
/// A branch value is mostly letters, digits, `.` and `-` (RFC 3261
/// §8.1.1.7: any token; the bench set's are 10 to 29 bytes after the
/// cookie), so on x86 the run of those is found sixteen
/// bytes a step by SSE2 compares ([`fast_token_bits`]); the byte scan
/// then finishes from the first other byte, which ends the run or is one
/// of the other token bytes (`!`, `%`, `*`, `_`, `+`, `` ` ``, `'`, `~`).
///
/// Out of line: inlined into the via-parm pass (as tried last round:
/// 7,140 -> 7,140 instructions a message, +307 a call), its six vector
/// constants were hoisted to the parameter loop and shuffled between
/// registers around the `received` quad; here they are loaded per call.
/// Measured (bench set): 6,971 -> 6,942 instructions a message, parse
/// alone 5,284 -> 5,276; +44 a call (the UA's branches are sixteen bytes
/// after the cookie: one full window and a second for the end). Telling
/// the end after a full window from the next byte instead of a second
/// window measured +7 a message (6,920 -> 6,927) and -147 a call (81,336
/// -> 81,189); not kept, the message figure being the goal. Measured
/// again with the cookie skipped here (from 6,536 a message, 80,127 a
/// call): the next byte told by `lex::is_token`, 6,544 and 79,985; told
/// as `;` or the end only (any other byte: the next window), 6,541 and
/// 79,973. Not kept either: every long branch pays the test.
#[inline(never)]
fn branch_end(s: &[u8], v0: usize) -> usize {
    let i = after_cookie(s, v0);
    #[cfg(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2"))]
    {
        let mut j = i;
        while let Some(bits) = fast_token_window(s, j) {
            let stop = !bits & 0xFFFF;
            if stop != 0 {
                j += stop.trailing_zeros() as usize;
                break;
            }
            j += 16;
        }
        // Nearly always the run's end (`;`, `,` or the end of the text);
        // else one of the other token bytes, and the byte scan goes on.
        match s.get(j) {
            Some(&c) if lex::is_token(c) => lex::scan_token(s, j),
            _ => j,
        }
    }
    #[cfg(not(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2")))]
    lex::scan_token(s, i)
}

/// Bit `k` set for byte `k` of `w` that is a letter, a digit, `-` or `.`
/// (all token bytes, RFC 3261 §25.1), by SSE2 compares: letters after
/// OR-ing 0x20 (which maps exactly `A-Z` / `a-z` into `a-z`), then `-`,
/// `.`, `/` and the digits as one range less `/`; a range `lo..lo+n` is
/// one add moving `lo` to -128 and one signed `<` against -128 + n, exact
/// for all 256 byte values.
#[cfg(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2"))]
#[inline(always)]
fn fast_token_bits(w: &[u8; 16]) -> u32 {
    use crate::message::lex::sse2::{in_range, letters, splat};
    use safe_arch::{
        bitandnot_m128i, bitor_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i,
    };
    let x = load_unaligned_m128i(w);
    let letter = letters(x);
    // '-' (0x2d), '.', '/', '0'..='9' (0x39): thirteen bytes, less '/'.
    let run = bitandnot_m128i(cmp_eq_mask_i8_m128i(x, splat(b'/')), in_range(x, b'-', 13));
    // move_mask gives the sixteen sign bits in 0..=0xFFFF: the cast is exact.
    move_mask_i8_m128i(bitor_m128i(letter, run)) as u32
}

/// [`fast_token_bits`] of the sixteen bytes from `j`; with fewer left (a
/// value ending the text), of the text's last sixteen bytes moved down to
/// `j`, so the bits past the end are clear (a stop, as the end is). `None`
/// at the end or for a text shorter than sixteen bytes.
#[cfg(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2"))]
#[inline(always)]
fn fast_token_window(s: &[u8], j: usize) -> Option<u32> {
    if let Some(w) = s.get(j..).and_then(<[u8]>::first_chunk::<16>) {
        return Some(fast_token_bits(w));
    }
    let left = s.len().checked_sub(j).filter(|&l| l > 0)?;
    let last = s.last_chunk::<16>()?;
    // 1..=15 bytes left: the window starts 16 - left bytes before `j`.
    Some(fast_token_bits(last) >> (16 - left))
}

/// The via-params RFC 3261 §20.42 and RFC 3581 give a grammar of their
/// own; any other is a plain generic-param.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Known {
    Branch,
    Received,
    Maddr,
    Ttl,
    Rport,
    Other,
}

/// The kind of a via-param named `name`, a token run (empty: a syntax
/// error). Dispatched on length and first letter before the names are
/// compared (case-insensitively, RFC 3261 §7.3.1).
#[inline(always)]
fn name_kind(name: &[u8]) -> Result<Known, ParseError> {
    let Some(&first) = name.first() else { return Err(err()) };
    Ok(match (name.len(), first | 0x20) {
        (6, b'b') if is_name(name, b"branch") => Known::Branch,
        (8, b'r') if is_name(name, b"received") => Known::Received,
        (5, b'm') if is_name(name, b"maddr") => Known::Maddr,
        (3, b't') if is_name(name, b"ttl") => Known::Ttl,
        (5, b'r') if is_name(name, b"rport") => Known::Rport,
        _ => Known::Other,
    })
}

/// `name`, a lower-case letter-only via-param name of at most 8 bytes, as
/// a little-endian word and the mask of its bytes.
const fn name_word(name: &[u8]) -> (u64, u64) {
    let mut w = 0u64;
    let mut k = 0;
    while k < name.len() {
        w |= (name[k] as u64) << (8 * k);
        k += 1;
    }
    let mask = if name.len() == 8 { u64::MAX } else { (1u64 << (8 * name.len())) - 1 };
    (w, mask)
}
const BRANCH: (u64, u64) = name_word(b"branch");
const RECEIVED: (u64, u64) = name_word(b"received");
const RPORT: (u64, u64) = name_word(b"rport");
const MADDR: (u64, u64) = name_word(b"maddr");
const TTL: (u64, u64) = name_word(b"ttl");
const ALIAS: (u64, u64) = name_word(b"alias");
/// "65535", the largest port (RFC 3581 §4 rport), as the five bytes of a
/// little-endian word swapped into big-endian order: compared so with a
/// five-digit run read the same way, the larger word is the larger
/// number.
const RPORT_MAX: u64 = u64::from_le_bytes(*b"65535\0\0\0").swap_bytes();
/// `branch=` as a word (the name in lower case) and the mask of its bytes.
const BRANCH_EQ: (u64, u64) = name_word(b"branch=");

/// The known via-param whose name starts at `n0`, and the name's end, read
/// from the eight bytes there with one word compare: what
/// `name_kind(&s[n0..lex::scan_token(s, n0)])` gives for those names, as
/// the name must be followed by a byte that ends the token (past the end
/// of `s` the word holds zeros, [`lex::word8_at`], which end it as the end
/// does). `None` if the name is none of them (the caller then scans).
/// OR-ing 0x20 into every byte lower-cases letters, and for a letter
/// position `c | 0x20` equals a lower-case letter exactly for that
/// letter's two cases; every known name is letters only. `branch=`, on
/// every Via, is compared first with its '=' (a byte that ends the
/// token), so it needs no dispatch and no class lookup.
#[inline(always)]
fn known_name(s: &[u8], n0: usize) -> Option<(Known, usize)> {
    let w = lex::word8_at(s, n0)?;
    let lower = w | 0x2020_2020_2020_2020;
    let ends = |k: usize| !lex::is_token((w >> (8 * k)) as u8);
    let is = |(name, mask): (u64, u64)| lower & mask == name;
    // The usual spelling first, by a compare that takes the '=' after
    // the name with it (`=` ends the token, RFC 3261 §25.1 EQUAL): one
    // masked word compare, no byte class lookup and no dispatch.
    if w & BRANCH_EQ.1 | 0x2020_2020_2020 == BRANCH_EQ.0 {
        return Some((Known::Branch, n0 + 6));
    }
    let (kind, len) = match w as u8 | 0x20 {
        b'b' if is(BRANCH) && ends(6) => (Known::Branch, 6),
        b'r' if is(RPORT) && ends(5) => (Known::Rport, 5),
        b'r' if is(RECEIVED) && s.get(n0 + 8).is_none_or(|&c| !lex::is_token(c)) => (Known::Received, 8),
        b'm' if is(MADDR) && ends(5) => (Known::Maddr, 5),
        b't' if is(TTL) && ends(3) => (Known::Ttl, 3),
        // RFC 5923 connection reuse: no value of its own to check, but as
        // common on TLS Vias as the others.
        b'a' if is(ALIAS) && ends(5) => (Known::Other, 5),
        _ => return None,
    };
    Some((kind, n0 + len))
}

impl<'a> Via<'a> {
    /// Parses one via-parm given as text, in one forward pass: the
    /// sent-protocol (the usual `SIP/2.0/` and transport read as words),
    /// the sent-by, then every via-param, checking `branch`, `received`,
    /// `rport`, `maddr` and `ttl` as they are met (RFC 3261 §20.42,
    /// §25.1; RFC 3581). Every piece is a sub-slice of `v`, except a
    /// `2.0` version and a word-matched transport, which are constants
    /// holding the same bytes.
    pub fn parse_str(v: &'a str) -> Result<Via<'a>, ParseError> {
        Self::parse_text::<false>(v).map(|(via, _)| via)
    }

    /// The top Via of a message: the first via-parm of the field's text
    /// `v`, and where the list's next element starts (`None` if it has
    /// none), as `lex::CommaList::new(v)`, its first element parsed with
    /// [`Via::parse_str`] and `CommaList::resume_point` would give,
    /// but with the list split by the parse itself: no comma search over
    /// the field ahead of the parse (see [`Via::parse_text`]).
    #[inline]
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn parse_top(v: &'a str) -> Result<(Via<'a>, Option<usize>), ParseError> {
        let (via, end) = Self::parse_text::<true>(v)?;
        Ok((via, (end < v.len()).then_some(end + 1)))
    }

    /// [`Via::parse_top`] straight into `out` (the message's top Via
    /// slot): the Via is built where it is kept, not built on the stack,
    /// returned and copied (120 bytes). On error `out` is left `None`.
    /// Inlined into its one caller, the parser's out-of-line top-Via step.
    #[inline(always)]
    pub(crate) fn parse_top_into(v: &'a str, out: &mut Option<Via<'a>>) -> Result<Option<usize>, ParseError> {
        let end = Self::parse_text_into::<true, true, true>(v, out)?;
        Ok((end < v.len()).then_some(end + 1))
    }

    /// A via-parm after the top one, as [`Vias`]'s step parses it (see
    /// [`Via::parse_text_into`]): out of line, the cursor's step around it
    /// inlined into the caller's loop. Inlined as well: 6,065 -> 6,059
    /// instructions a message, calls even, but 12 KB more code in the
    /// bench binary (every caller of `Vias::next` holds the whole pass);
    /// not kept.
    #[inline(never)]
    fn parse_element(rest: &'a str, out: &mut Option<Via<'a>>) -> Result<usize, ParseError> {
        Self::parse_text_into::<true, true, true>(rest, out)
    }

    /// [`Via::parse_text`] by value.
    #[inline(always)]
    fn parse_text<const LIST: bool>(v: &'a str) -> Result<(Via<'a>, usize), ParseError> {
        let mut out = None;
        let end = Self::parse_text_into::<LIST, false, false>(v, &mut out)?;
        Ok((out.ok_or(err())?, end))
    }

    /// Parses the via-parm at the start of `v`, the rest of a Via field
    /// from one element on: it ends at the end of `v` or, if `LIST`, at a
    /// `,`, whose position is returned (`v.len()` if none). A via-parm
    /// holds no `<` and its quoted strings are skipped as the list
    /// splitter skips them, so when it parses, that `,` is the one
    /// [`lex::find_top_level_comma`] would find (RFC 3261 §7.3.1): the
    /// list is split by the parse itself, without a search ahead of it.
    /// Without `EARLY`, the Via is written into `out` only once it has
    /// parsed (`out` is untouched on error). With it (the message's own
    /// slot, or the slot in the frame of `Vias::next`'s caller), the sent-protocol and sent-by are written as soon as they
    /// are read and the parameters' results after the walk, so they are
    /// not held across it; on error `out` is set to `None`. `TOP`: the
    /// sent-by quad read in place ([`Via::parse_plain`] says what differs).
    #[inline(always)]
    fn parse_text_into<const LIST: bool, const EARLY: bool, const TOP: bool>(
        v: &'a str,
        out: &mut Option<Via<'a>>,
    ) -> Result<usize, ParseError> {
        if let Some(end) = Self::parse_plain::<LIST, TOP>(v, out) {
            return Ok(end);
        }
        Self::parse_general::<LIST, EARLY>(v, out)
    }

    /// The via-parm as nearly every one is written, in one straight pass:
    /// `SIP/2.0/` and a usual transport with its SP (one sixteen-byte
    /// load), the sent-by with no LWS around it, then `;name[=token]`
    /// parameters with no LWS, quoted strings or brackets, up to the end
    /// or (if `LIST`) a `,`. Writes the Via into `out` and returns where
    /// it ends, exactly as [`Via::parse_general`] would; any other
    /// spelling, and every error, gives `None` with `out` untouched, and
    /// the caller takes the general path (which then reports the error).
    ///
    /// No LWS is looked for: a byte that would need it (or any other byte
    /// the general path would have to judge) ends the pass. Each value is
    /// checked once, where it is read; the known parameters' values
    /// (RFC 3261 §20.42, RFC 3581 §4) as the general path checks them,
    /// any other by its token run. `TOP` (the parse-time top Via and
    /// [`Via::parse_element`]) reads the sent-by quad in place
    /// ([`quad_at`]); the result is the same.
    #[inline(always)]
    fn parse_plain<const LIST: bool, const TOP: bool>(
        v: &'a str,
        out: &mut Option<Via<'a>>,
    ) -> Option<usize> {
        let s = v.as_bytes();
        let head = u128::from_le_bytes(*s.first_chunk::<16>()?);
        if head as u64 | SIP_CASE != SIP_2_0 {
            return None;
        }
        let word = (head >> 64) as u32;
        let (transport, h0) = match word {
            UDP_SP => ("UDP", 12),
            TCP_SP => ("TCP", 12),
            TLS_SP => ("TLS", 12),
            WSS_SP => ("WSS", 12),
            _ if word & 0x00ff_ffff == WS_SP => ("WS", 11),
            _ => return None,
        };
        // sent-by = host [ COLON port ]: a dotted quad, or a name's run
        // (an LWS or '[' there is no host byte: no host, the general path).
        let (host, mut i) = match quad_at::<TOP>(s, h0) {
            Some((addr, h1)) => (Host::Ipv4(addr), h1),
            None => match Host::scan_str(v, h0) {
                (h1, Some(host)) if ends_sent_by(s.get(h1)) => (host, h1),
                _ => return None,
            },
        };
        let mut port = None;
        if s.get(i) == Some(&b':') {
            let p0 = i + 1;
            match scan_u32(s, p0) {
                (p1, Some(n)) if p1 > p0 => {
                    port = Some(u16::try_from(n).ok()?);
                    i = p1;
                }
                _ => return None,
            }
        }
        let p0 = i;
        let mut marks = 0u8;
        let mut branch = None;
        loop {
            match s.get(i) {
                None => break,
                Some(b';') => {}
                Some(b',') if LIST => break,
                _ => return None,
            }
            let n0 = i + 1;
            let w = lex::word8_at(s, n0)?;
            let lower = w | 0x2020_2020_2020_2020;
            // The byte after a five-letter name (zero past the end, as
            // the end: the loop's head tells them apart).
            let c5 = (w >> 40) as u8;
            // Measured worse and not kept (bench set, instructions a
            // message): the names other than `branch=` dispatched on
            // their first two letters (one match, each arm then checked
            // whole), 6,398.6 -> 6,411.5; branch_end inlined here, 6,394.6
            // -> 6,395.8 (-33 a call); `received` tested before `rport`,
            // 6,379.5 -> 6,387.5; the received quad inlined for the
            // non-top Vias only (a const parameter), 6,379.5 -> 6,377.0
            // but +27 a call.
            i = if w & BRANCH_EQ.1 | 0x2020_2020_2020 == BRANCH_EQ.0 {
                // via-branch = "branch" EQUAL token; the first one is kept.
                let v0 = n0 + 7;
                let t = branch_end(s, v0);
                if t == v0 {
                    return None;
                }
                if branch.is_none() {
                    branch = Some(sub(v, v0, t).ok()?);
                }
                t
            } else if lower & RPORT.1 == RPORT.0 && (c5 == b'=' || !lex::is_token(c5)) {
                if c5 == b'=' {
                    // A filled-in rport (RFC 3581 §4): 1*DIGIT, at most
                    // 65535, checked without its value: up to four digits
                    // are below it, five are compared with "65535" as a
                    // big-endian word (same length: the digit order is
                    // the number order). Six or more (leading zeros) go
                    // the general way.
                    let d0 = n0 + 6;
                    let w = lex::word8_at(s, d0)?;
                    let n = digit_len(w)?;
                    let five = (w & 0xff_ffff_ffff).swap_bytes();
                    if n == 0 || n > 5 || (n == 5 && five > RPORT_MAX) {
                        return None;
                    }
                    marks |= ViaMarks::RPORT;
                    d0 + n
                } else {
                    // A valueless rport: the client asks for it.
                    if marks & ViaMarks::RPORT == 0 {
                        marks |= ViaMarks::RPORT | ViaMarks::RPORT_VALUELESS;
                    }
                    n0 + 5
                }
            } else if lower == RECEIVED.0 && s.get(n0 + 8) == Some(&b'=') {
                // received = IPv4address / IPv6address (RFC 5118 §4.5: a
                // bare IPv6 one is left to the general path) or a name.
                let v0 = n0 + 9;
                marks |= ViaMarks::RECEIVED;
                match received_quad_end(s, v0) {
                    0 => match Host::scan_str(v, v0) {
                        (h1, Some(_)) if h1 > v0 => h1,
                        _ => return None,
                    },
                    h1 => h1,
                }
            } else if lower & ALIAS.1 == ALIAS.0 && !lex::is_token(c5) {
                // RFC 5923 alias: no value of its own.
                n0 + 5
            } else {
                // Any other generic-param: a token name that is none of
                // the known ones (those with other spellings go the
                // general way), and a token value if any.
                let n1 = lex::scan_token(s, n0);
                if n1 == n0 || name_kind(s.get(n0..n1)?).ok()? != Known::Other {
                    return None;
                }
                if s.get(n1) == Some(&b'=') {
                    let v1 = lex::scan_token(s, n1 + 1);
                    if v1 == n1 + 1 {
                        return None;
                    }
                    v1
                } else {
                    n1
                }
            };
        }
        let params = lex::Params::new(s.get(p0..i)?);
        // Written once, here. Measured worse this round (from 6,536
        // instructions a message, 80,127 a call): the sent-protocol and
        // sent-by written into `out` before the parameter loop and the
        // loop's results after it (the `EARLY` contract), 6,539 and
        // 80,060 (the top Via's copy in the parser +5, the others -2);
        // the `received` host-name fallback moved out of line with the
        // quad reader (one call for both), 6,541 and 80,144.
        *out = Some(Via { version: "2.0", transport, host, port, params, branch, marks: ViaMarks(marks) });
        Some(i)
    }

    /// [`Via::parse_text_into`] for any spelling: LWS and folds anywhere
    /// the grammar allows them (RFC 4475 §3.1.1.1), any transport and
    /// host, quoted and bracketed parameter values, and every error.
    #[inline(never)]
    fn parse_general<const LIST: bool, const EARLY: bool>(
        v: &'a str,
        out: &mut Option<Via<'a>>,
    ) -> Result<usize, ParseError> {
        let full = v.len();
        let s = v.as_bytes();
        // Trim LWS (the list splitter has trimmed already; then this is
        // two byte tests).
        let mut a = 0;
        let mut b = s.len();
        while a < b && matches!(s[a], b' ' | b'\t' | b'\r' | b'\n') {
            a += 1;
        }
        while b > a && matches!(s[b - 1], b' ' | b'\t' | b'\r' | b'\n') {
            b -= 1;
        }
        let v = sub(v, a, b)?;
        let s = v.as_bytes();
        let at = |end: usize| if end == s.len() { full } else { a + end };

        // sent-protocol = protocol-name SLASH protocol-version SLASH transport
        let word = |at: usize| -> Option<u32> {
            match s.get(at..at + 4)? {
                &[a, b, c, d] => Some(u32::from_le_bytes([a, b, c, d])),
                _ => None,
            }
        };
        let prefix = match s.get(..8) {
            Some(&[a, b, c, d, e, f, g, h]) => u64::from_le_bytes([a, b, c, d, e, f, g, h]),
            _ => 0,
        };
        let (version, t0) = if prefix | SIP_CASE == SIP_2_0 {
            ("2.0", 8)
        } else {
            let (n0, n1, i) = protocol_part(s, 0)?;
            if !lex::eq_ic(&s[n0..n1], b"SIP") || s.get(i) != Some(&b'/') {
                return Err(err());
            }
            let (v0, v1, i) = protocol_part(s, i + 1)?;
            if s.get(i) != Some(&b'/') {
                return Err(err());
            }
            (sub(v, v0, v1)?, lex::skip_lws(s, i + 1))
        };
        // The transport: the usual ones by a word compare, any other
        // token (RFC 4475 §3.1.1.10) by a scan. LWS must follow.
        // A word-matched transport is the constant of the same bytes (no
        // slicing), and the SP after it is the LWS sent-by needs.
        let (transport, h0) = match word(t0) {
            Some(UDP_SP) => ("UDP", lex::skip_lws(s, t0 + 4)),
            Some(TCP_SP) => ("TCP", lex::skip_lws(s, t0 + 4)),
            Some(TLS_SP) => ("TLS", lex::skip_lws(s, t0 + 4)),
            Some(WSS_SP) => ("WSS", lex::skip_lws(s, t0 + 4)),
            Some(w) if w & 0x00ff_ffff == WS_SP => ("WS", lex::skip_lws(s, t0 + 3)),
            _ => {
                // SWS may follow the last SLASH.
                let t0 = lex::skip_lws(s, t0);
                let t1 = lex::scan_token(s, t0);
                if t1 == t0 {
                    return Err(err());
                }
                let h0 = lex::skip_lws(s, t1);
                if h0 == t1 {
                    return Err(err()); // LWS is mandatory before sent-by
                }
                (sub(v, t0, t1)?, h0)
            }
        };

        // sent-by = host [ COLON port ]
        let (host, h1) = if s.get(h0) == Some(&b'[') {
            let h1 = h0 + lex::find_byte(b']', &s[h0..]).ok_or(err())? + 1;
            (Host::parse_str(sub(v, h0, h1)?).map_err(|_| err())?, h1)
        } else {
            // The run of host bytes (alphanumerics, '-', '.') is scanned
            // and classified in one pass; it must end sent-by, at LWS, ';',
            // ':', ',' or the end (any other byte there would be part of
            // the host, and no host holds it).
            // A dotted quad, the usual sent-by, is read from its
            // sixteen-byte window first.
            match dotted_quad::<true>(s, h0) {
                Some((addr, h1)) => (Host::Ipv4(addr), h1),
                None => {
                    let (h1, host) = Host::scan_str(v, h0);
                    if !ends_sent_by(s.get(h1)) {
                        return Err(err());
                    }
                    (host.ok_or(err())?, h1)
                }
            }
        };
        let mut i = lex::skip_lws(s, h1);
        let mut port = None;
        if s.get(i) == Some(&b':') {
            let p0 = lex::skip_lws(s, i + 1);
            // The digits' end and value in one loop, as parse_u32 would
            // read them: a value past u32 is a syntax error, one past u16
            // out of range.
            let (p1, n) = scan_u32(s, p0);
            let n = match n {
                Some(n) if p1 > p0 => n,
                _ => return Err(err()),
            };
            port = Some(
                u16::try_from(n).map_err(|_| ParseError::new(Element::Header(N), ErrorKind::OutOfRange))?,
            );
            i = lex::skip_lws(s, p1);
        }
        if !EARLY {
            let mut branch = None;
            let (marks, last, end) = Self::check_params::<LIST>(v, i, &mut branch)?;
            let params = lex::Params::new(&s[i..last]);
            *out = Some(Via { version, transport, host, port, params, branch, marks });
            return Ok(at(end));
        }
        // What is known so far goes into the slot now, not kept live (or
        // spilled) across the parameter walk; the walk's results follow.
        // On error the slot is emptied again.
        let params = lex::Params::EMPTY;
        let via =
            out.insert(Via { version, transport, host, port, params, branch: None, marks: ViaMarks(0) });
        // The branch is written into the slot where it is found.
        match Self::check_params::<LIST>(v, i, &mut via.branch) {
            Ok((marks, last, end)) => {
                via.params = lex::Params::new(&s[i..last]);
                via.marks = marks;
                Ok(at(end))
            }
            Err(e) => {
                *out = None;
                Err(e)
            }
        }
    }

    /// Parses one via-parm (one element of a Via field's comma list).
    #[inline]
    pub fn parse(v: &'a [u8]) -> Result<Via<'a>, ParseError> {
        Self::parse_str(core::str::from_utf8(v).map_err(|_| err())?)
    }

    /// Checks `*( SEMI via-params )` from `i` in one pass, with the
    /// generic-param grammar of [`lex::Params`] (RFC 3261 §25.1), and the
    /// values of the parameters RFC 3261 §20.42 and RFC 3581 give a
    /// grammar, so the accessors can be cheap. Writes the first branch
    /// into `branch` (given `None`; for the top Via, the message's slot,
    /// so it is not held through the walk) and returns the routing marks,
    /// where the last parameter ends (before any LWS) and where the
    /// element ends (the end, or a `,` if `LIST`).
    #[inline(always)]
    fn check_params<const LIST: bool>(
        v: &'a str,
        mut i: usize,
        branch: &mut Option<&'a str>,
    ) -> Result<(ViaMarks, usize, usize), ParseError> {
        let s = v.as_bytes();
        let mut marks = 0u8;
        let mut last = i;
        loop {
            match s.get(i) {
                None => return Ok((ViaMarks(marks), last, i)),
                Some(b';') => {}
                Some(b',') if LIST => return Ok((ViaMarks(marks), last, i)),
                Some(_) => return Err(err()),
            }
            let n0 = lex::skip_lws(s, i + 1);
            // The known names by one word compare where the text allows
            // it; any other name (or a short tail) by the token scan.
            let (kind, n1) = match known_name(s, n0) {
                Some(k) => k,
                None => {
                    let n1 = lex::scan_token(s, n0);
                    (name_kind(s.get(n0..n1).ok_or(err())?)?, n1)
                }
            };
            // The usual spellings, `name=value` without LWS, of the values
            // read on every message: each is settled here when its value
            // ends as the general path below would find it (a token, no
            // ':' after it), with the same checks; anything else goes on.
            if s.get(n1) == Some(&b'=') {
                let v0 = n1 + 1;
                let end = match kind {
                    Known::Branch if s.get(v0).is_some_and(|&c| lex::is_token(c)) => {
                        let t = lex::scan_token(s, after_cookie(s, v0));
                        if s.get(t) == Some(&b':') {
                            None
                        } else {
                            if branch.is_none() {
                                *branch = Some(sub(v, v0, t)?);
                            }
                            Some(t)
                        }
                    }
                    // A received IPv4 address or name: its host run, scanned
                    // and classified at once, ends the token value when a
                    // delimiter follows it (host bytes are token bytes; no
                    // ':' follows, so the value is that token).
                    Known::Received => match dotted_quad::<false>(s, v0) {
                        Some((_, h1)) => Some(h1),
                        None => {
                            let (h1, host) = Host::scan_str(v, v0);
                            if h1 > v0
                                && matches!(
                                    s.get(h1),
                                    None | Some(b';' | b',' | b' ' | b'\t' | b'\r' | b'\n')
                                )
                            {
                                host.ok_or(err())?;
                                Some(h1)
                            } else {
                                None
                            }
                        }
                    },
                    // A filled-in rport (RFC 3581 §4): a digit run that
                    // ends the token value is that value; one past 65535
                    // takes the general path to its range error.
                    Known::Rport => match scan_u32(s, v0) {
                        (d, Some(n))
                            if d > v0
                                && n <= u32::from(u16::MAX)
                                && matches!(
                                    s.get(d),
                                    None | Some(b';' | b',' | b' ' | b'\t' | b'\r' | b'\n')
                                ) =>
                        {
                            marks |= ViaMarks::RPORT;
                            Some(d)
                        }
                        _ => None,
                    },
                    _ => None,
                };
                if let Some(end) = end {
                    if kind == Known::Received {
                        marks |= ViaMarks::RECEIVED;
                    }
                    last = end;
                    i = lex::skip_lws(s, end);
                    continue;
                }
            }
            i = n1;
            // `[ EQUAL gen-value ]`; `token` tells a plain token value.
            let mut value = None;
            let mut token = false;
            let e = lex::skip_lws(s, n1);
            if s.get(e) == Some(&b'=') {
                let v0 = lex::skip_lws(s, e + 1);
                let v1 = match s.get(v0) {
                    // The common unquoted value: a token run, extended over
                    // the rest of the gen-value alphabet if a ':' follows.
                    Some(&c) if lex::is_token(c) => {
                        let t = lex::scan_token(s, v0);
                        if s.get(t) == Some(&b':') {
                            lex::scan_gen_value(s, t).ok_or(err())?
                        } else {
                            token = true;
                            t
                        }
                    }
                    _ => lex::scan_gen_value(s, v0).ok_or(err())?,
                };
                value = Some((v0, v1));
                i = v1;
            }
            let val = |(a, b): (usize, usize)| s.get(a..b).ok_or(err());
            match kind {
                Known::Other => {}
                Known::Branch => match value {
                    Some((a, b)) if token => {
                        if branch.is_none() {
                            *branch = Some(sub(v, a, b)?);
                        }
                    }
                    _ => return Err(err()),
                },
                Known::Received => {
                    let (a, b) = value.ok_or(err())?;
                    // A plain token holds no ':' (nor '['), so it is no
                    // bare IPv6 address: parse_lenient_ipv6 would give it
                    // to Host::parse, without searching it for a ':'.
                    // The token is text already: no UTF-8 check for a name.
                    if token {
                        Host::parse_str(sub(v, a, b)?)
                    } else {
                        Host::parse_lenient_ipv6(val((a, b))?)
                    }
                    .map_err(|_| err())?;
                    marks |= ViaMarks::RECEIVED;
                }
                Known::Maddr => {
                    Host::parse(val(value.ok_or(err())?)?).map_err(|_| err())?;
                    marks |= ViaMarks::MADDR;
                }
                Known::Ttl => bounded(s, value.ok_or(err())?, 255)?,
                Known::Rport => {
                    if let Some(r) = value {
                        bounded(s, r, u32::from(u16::MAX))?;
                    }
                    if marks & ViaMarks::RPORT == 0 {
                        marks |= ViaMarks::RPORT;
                        if value.is_none() {
                            marks |= ViaMarks::RPORT_VALUELESS;
                        }
                    }
                }
            }
            last = i;
            i = lex::skip_lws(s, i);
        }
    }

    /// A parameter's raw value: `Some(None)` if present without one.
    pub fn param(&self, name: &str) -> Option<Option<&'a [u8]>> {
        self.params.get(name)
    }

    /// The branch parameter (§8.1.1.7).
    pub fn branch(&self) -> Option<&'a str> {
        self.branch
    }

    /// Which routing parameters the via-parm holds.
    #[cfg(feature = "alloc")] // read by the endpoint only
    pub(crate) fn marks(&self) -> ViaMarks {
        self.marks
    }

    /// True if the branch starts with the RFC 3261 magic cookie, so the
    /// §17.1.3/§17.2.3 matching applies (otherwise RFC 2543 matching).
    pub fn has_magic_cookie(&self) -> bool {
        self.branch().is_some_and(|b| b.starts_with(MAGIC_COOKIE))
    }

    /// The `received` parameter (§18.2.1), bracketed or bare IPv6 accepted
    /// (RFC 5118 §4.5).
    pub fn received(&self) -> Option<Host<'a>> {
        Host::parse_lenient_ipv6(self.params.get("received").flatten()?).ok()
    }

    /// The `rport` parameter (RFC 3581): `Some(None)` when requested
    /// without a value, `Some(Some(port))` when filled in.
    pub fn rport(&self) -> Option<Option<u16>> {
        let v = self.params.get("rport")?;
        Some(v.and_then(lex::parse_u32).and_then(|n| u16::try_from(n).ok()))
    }

    /// The `maddr` parameter.
    pub fn maddr(&self) -> Option<Host<'a>> {
        Host::parse(self.params.get("maddr").flatten()?).ok()
    }

    /// The `ttl` parameter.
    pub fn ttl(&self) -> Option<u8> {
        lex::parse_u32(self.params.get("ttl").flatten()?).and_then(|t| u8::try_from(t).ok())
    }

    /// The `alias` parameter (RFC 5923 connection reuse).
    pub fn alias(&self) -> bool {
        self.params.contains("alias")
    }

    /// Case-insensitive transport comparison.
    pub fn transport_is(&self, transport: &str) -> bool {
        self.transport.eq_ignore_ascii_case(transport)
    }
}

/// Every Via value of a message, top first, across fields (RFC 3261
/// §7.3.1). After [`Limits::max_vias`](crate::message::Limits) values it
/// yields one `TooManyVias` error and stops.
///
/// A cursor of its own over the Via fields the header loop recorded:
/// the top Via decoded at parse time is yielded from the message, and
/// each later via-parm is found and counted by the cursor's step, inlined
/// into the caller's loop, and parsed by one out-of-line call
/// ([`Vias::next`] says why), which ends its list element itself.
#[derive(Clone)]
pub struct Vias<'m, 'a> {
    msg: &'m Message<'a>,
    /// The index position from which the next Via field is looked for.
    field: usize,
    /// Where that search stops: past the last Via field (the span the
    /// header loop recorded).
    end: usize,
    /// The field whose comma list is being read, as text (read only while
    /// `pos` is `Some`; a finished list leaves the last one here).
    text: &'a str,
    /// Where the next element of `text` starts; `None` once that list is
    /// done.
    pos: Option<usize>,
    /// Values both limits still allow after the top Via: the smaller of
    /// what the list limit (`Limits::max_list_values`) and
    /// `Limits::max_vias` leave, so one counter is kept, not two.
    budget: usize,
    /// True if `budget` is what `max_vias` leaves (the smaller): a value
    /// found past it is one `TooManyVias` error. Else past it the list
    /// ends, as every other list header's does.
    vias_cap: bool,
    done: bool,
    /// The top Via, already decoded at parse time (borrowed from the
    /// message, so it is copied once, when yielded).
    cached_top: Option<&'m Via<'a>>,
}

impl core::fmt::Debug for Vias<'_, '_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Vias")
            .field("field", &self.field)
            .field("pos", &self.pos)
            .field("budget", &self.budget)
            .field("done", &self.done)
            .field("cached_top", &self.cached_top)
            .finish()
    }
}

impl<'a> Iterator for Vias<'_, 'a> {
    type Item = Result<Via<'a>, ParseError>;
    /// The cached top Via and the end of the list (no element left in the
    /// field, no field after it: told from two words, without a call) are
    /// answered here; any other via-parm is found and counted by
    /// `Vias::step`, inlined, and parsed by one out-of-line call
    /// (`Via::parse_element`). With the whole step out of line, the
    /// cursor was loaded from and stored to memory on each call, its
    /// frame saved every register, and the two limits were two counters
    /// (measured, bench set: 6,112 -> 6,070 instructions a message,
    /// 79,112 -> 79,128 a call).
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        // The top Via was counted against the list limit when the
        // iterator was made; the Via limit counts it here.
        if let Some(top) = self.cached_top.take() {
            if self.msg.limits.max_vias == 0 {
                self.done = true;
                return Some(Err(too_many()));
            }
            return Some(Ok(*top));
        }
        if self.pos.is_none() && self.field >= self.end {
            return None;
        }
        // Parsed into a slot of the caller's frame: once this is inlined
        // the caller copies out only the fields it reads.
        let mut slot = None;
        let done = self.step(&mut slot)?;
        // The slot is filled exactly when the step succeeded, so it is
        // read first: one test for the usual value, not the step's answer
        // and then the slot's (measured, bench set: 6,246.1 -> 6,241.9
        // instructions a message, calls even).
        Some(match slot {
            Some(via) => Ok(via),
            None => Err(done.err().unwrap_or(err())),
        })
    }
}

impl<'a> Vias<'_, 'a> {
    /// Counts one value found against the budget: past it (only asked
    /// when it is `max_vias`'s, see `step`) one `TooManyVias` error, and
    /// the list ends.
    #[inline(always)]
    fn count_value(&mut self) -> Result<(), ParseError> {
        if self.budget == 0 {
            self.done = true;
            return Err(too_many());
        }
        self.budget -= 1;
        Ok(())
    }

    /// The next via-parm after the top one: the next element of the
    /// current field's comma list, or else the first of the next Via
    /// field (a blank field holds none, as `lex::CommaList::new` reads
    /// it), counted against both limits, then parsed straight into
    /// `out`; it ends its list element itself (RFC 3261 §7.3.1). If it
    /// fails, the element is found by the comma search
    /// (`lex::find_top_level_comma`) and yielded as this error; a field
    /// that is not text (possible only when the header section as a
    /// whole is not) is one error. `None`: no value is left. `out` (given
    /// `None`) is filled exactly when the answer is `Some(Ok(()))`.
    #[inline(always)]
    fn step(&mut self, out: &mut Option<Via<'a>>) -> Option<Result<(), ParseError>> {
        // Past the list limit the list ends before any search; past the
        // Via limit, a value found is the error.
        if self.budget == 0 && !self.vias_cap {
            return None;
        }
        // A blank field is skipped by the field search. Told only after a
        // failed parse instead (a via-parm starts `SIP/2.0/`), measured
        // worse (from 6,065 instructions a message, 79,108 a call): with
        // the step looping, 6,070 and 79,140; with an out-of-line step for
        // what follows a blank field, 6,097 and 79,161.
        let (text, start) = match self.pos {
            Some(start) => (self.text, start),
            // The next field of the name, in the recorded span only; its
            // text is parsed from its start without being stored first.
            None => {
                let mut f = self.field;
                let found = super::lists::next_field_text(self.msg, &mut f, self.end, N);
                self.field = f;
                match found? {
                    Ok(text) => (text, 0),
                    Err(()) => return Some(self.count_value().and(Err(err()))),
                }
            }
        };
        if let Err(e) = self.count_value() {
            return Some(Err(e)); // and the list ends
        }
        let s = text.as_bytes();
        let parsed = match text.get(start..) {
            Some(rest) => Via::parse_element(rest, out),
            None => Err(err()),
        };
        let end = match parsed {
            Ok(e) => start + e,
            Err(_) => lex::find_top_level_comma(s, start),
        };
        // The text is kept only for a list that goes on (measured, bench
        // set: 6,241.9 -> 6,235.2 instructions a message, calls even).
        if end < s.len() {
            self.text = text;
            self.pos = Some(end + 1);
        } else {
            self.pos = None;
        }
        Some(parsed.map(drop))
    }
}

impl<'a> Message<'a> {
    /// The top Via (checked at parse time).
    pub fn top_via(&self) -> Result<Via<'a>, ParseError> {
        self.top_via.ok_or(ParseError::new(Element::Header(N), ErrorKind::Missing))
    }

    /// Every Via value, top first.
    #[inline]
    pub fn vias(&self) -> Vias<'_, 'a> {
        // Only the index span the header loop recorded holds Via fields.
        let (first, end) = self.spans.via.range();
        let list = self.limits.max_list_values;
        let left = self.limits.max_vias;
        if let (Some(top), Some(list_left), true) = (self.top_via.as_ref(), list.checked_sub(1), first < end)
        {
            // Resume the first field's comma list where the parser left
            // it after the top Via, rather than splitting that field
            // again; its text is cut only if a value followed the top Via
            // (nearly every message has one Via per field). The first
            // field decoded at parse time, so its value is text.
            let rest = self.top_via_rest.map(usize::from);
            let text = match rest {
                Some(_) => self.index.get(first).and_then(|e| self.value_str(e)),
                None => None,
            };
            let pos = text.and(rest);
            let text = text.unwrap_or("");
            return Vias {
                msg: self,
                field: first + 1,
                end,
                text,
                pos,
                budget: list_left.min(left.saturating_sub(1)),
                vias_cap: left < list,
                done: false,
                cached_top: Some(top),
            };
        }
        // No top Via decoded (no Via field), or a list limit of 0: the
        // fields, if any, are read from the first.
        Vias {
            msg: self,
            field: first,
            end,
            text: "",
            pos: None,
            budget: list.min(left),
            vias_cap: left < list,
            done: false,
            cached_top: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3261_20_42_sent_by_port_read_with_its_digits() {
        let port = |s: &str| Via::parse(s.as_bytes()).map(|v| v.port);
        assert_eq!(port("SIP/2.0/UDP h:5060;branch=z9hG4bK1"), Ok(Some(5060)));
        assert_eq!(port("SIP/2.0/UDP h : 0065535"), Ok(Some(65535)));
        assert_eq!(port("SIP/2.0/UDP h:0"), Ok(Some(0)));
        assert_eq!(port("SIP/2.0/UDP h").unwrap(), None);
        // Past u16: out of range; past u32: a syntax error (as parse_u32).
        assert_eq!(port("SIP/2.0/UDP h:65536").unwrap_err().kind, ErrorKind::OutOfRange);
        assert_eq!(port("SIP/2.0/UDP h:4294967295").unwrap_err().kind, ErrorKind::OutOfRange);
        assert_eq!(port("SIP/2.0/UDP h:4294967296").unwrap_err().kind, ErrorKind::Syntax);
        assert_eq!(port("SIP/2.0/UDP h:99999999999999999999").unwrap_err().kind, ErrorKind::Syntax);
        assert_eq!(port("SIP/2.0/UDP h:00000000000000005060"), Ok(Some(5060)));
        assert_eq!(port("SIP/2.0/UDP h:").unwrap_err().kind, ErrorKind::Syntax);
        assert_eq!(port("SIP/2.0/UDP h:;branch=z9hG4bK1").unwrap_err().kind, ErrorKind::Syntax);
    }

    #[test]
    fn rfc3261_20_42_via_params() {
        let v = Via::parse(b"SIP/2.0/UDP pc33.atlanta.com:5066;branch=z9hG4bK776asdhds;received=192.0.2.1;ttl=16;maddr=224.2.0.1;rport=5060;alias").unwrap();
        assert_eq!((v.version, v.transport), ("2.0", "UDP"));
        assert_eq!((v.host, v.port), (Host::Domain("pc33.atlanta.com"), Some(5066)));
        assert_eq!(v.branch(), Some("z9hG4bK776asdhds"));
        assert!(v.has_magic_cookie());
        assert_eq!(v.received(), Some(Host::Ipv4([192, 0, 2, 1])));
        assert_eq!(v.ttl(), Some(16));
        assert_eq!(v.maddr(), Some(Host::Ipv4([224, 2, 0, 1])));
        assert_eq!(v.rport(), Some(Some(5060)));
        assert!(v.alias());
    }

    #[test]
    fn rfc3261_20_42_sent_protocol_kept_as_written() {
        // Common tokens come back as constants, others as written; either
        // way the text is what the message held (transport is a token of
        // any case, RFC 4475 §3.1.1.10).
        for (value, version, transport) in [
            (&b"SIP/2.0/UDP h"[..], "2.0", "UDP"),
            (b"SIP/2.0/udp h", "2.0", "udp"),
            (b"SIP/2.0/WSS h", "2.0", "WSS"),
            (b"SIP/2.0/Ws h", "2.0", "Ws"),
            (b"sip/02.0/SCTP h", "02.0", "SCTP"),
            (b"SIP/2.0/NEWTRANS h", "2.0", "NEWTRANS"),
        ] {
            let v = Via::parse(value).unwrap();
            assert_eq!((v.version, v.transport), (version, transport), "{value:?}");
        }
        assert!(Via::parse(b"SIP/2.0/UDP").is_err());
        // The unspaced "SIP/2.0/" prefix is read directly; LWS after it, a
        // spaced form or another version go the long way, same result.
        let v = Via::parse(b"sIp/2.0/ TCP h").unwrap();
        assert_eq!((v.version, v.transport), ("2.0", "TCP"));
        let v = Via::parse(b"SIP / 2.0 /TCP h").unwrap();
        assert_eq!((v.version, v.transport), ("2.0", "TCP"));
        assert_eq!(Via::parse(b"SIP/2.01/UDP h").unwrap().version, "2.01");
        assert!(Via::parse(b"SIP/2.0/").is_err());
        assert!(Via::parse(b"SIPS/2.0/UDP h").is_err());
        assert!(Via::parse(b"SIP/2.0/UD\x00P h").is_err());
    }

    #[test]
    fn rfc3261_20_42_branch_must_be_a_token() {
        // The parameter scan tells a token value from the wider gen-value
        // alphabet; only a token is a branch (RFC 3261 §25.1 via-branch).
        assert_eq!(
            Via::parse(b"SIP/2.0/UDP h;branch=z9hG4bK.a-1!%*_+`'~").unwrap().branch(),
            Some("z9hG4bK.a-1!%*_+`'~")
        );
        for bad in [
            &b"SIP/2.0/UDP h;branch=a:b"[..],
            b"SIP/2.0/UDP h;branch=\"z9\"",
            b"SIP/2.0/UDP h;branch=[::1]",
            b"SIP/2.0/UDP h;branch",
        ] {
            assert!(Via::parse(bad).is_err(), "{bad:?}");
        }
        // Other parameters keep the wider alphabet.
        let v = Via::parse(b"SIP/2.0/UDP h;received=2001:db8::1;x=\"q\";branch=z9hG4bKx").unwrap();
        assert_eq!((v.branch(), v.param("x")), (Some("z9hG4bKx"), Some(Some(&b"\"q\""[..]))));
    }

    #[test]
    fn rfc3261_7_3_1_vias_across_fields_and_limits() {
        // The top Via is cached at parse time and vias() resumes the first
        // field's comma list after it: the values, their order and the
        // list-value limit must come out as if the fields were split anew.
        use crate::message::Limits;
        let m = b"OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP a;branch=1, SIP/2.0/UDP b;branch=2\r\nTo: <sip:b@h>\r\nVia: SIP/2.0/UDP c;branch=3 ,SIP/2.0/UDP d;branch=4\r\nFrom: <sip:a@h>;tag=x\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\nVia: SIP/2.0/TCP e\r\n\r\n";
        let hosts = |limits: &Limits| -> heapless::Vec<heapless::String<4>, 8> {
            let msg = Message::parse_with(m, limits).unwrap();
            msg.vias()
                .map(|v| match v {
                    Ok(v) => heapless::String::try_from(match v.host {
                        Host::Domain(d) => d,
                        _ => "?",
                    })
                    .unwrap(),
                    Err(e) => heapless::String::try_from(if e.kind == ErrorKind::TooManyVias {
                        "many"
                    } else {
                        "err"
                    })
                    .unwrap(),
                })
                .collect()
        };
        let with = |f: fn(&mut Limits)| {
            let mut l = Limits::DEFAULT;
            f(&mut l);
            l
        };
        assert_eq!(hosts(&Limits::DEFAULT), ["a", "b", "c", "d", "e"]);
        assert_eq!(hosts(&with(|l| l.max_list_values = 0)), [""; 0]);
        assert_eq!(hosts(&with(|l| l.max_list_values = 1)), ["a"]);
        assert_eq!(hosts(&with(|l| l.max_list_values = 3)), ["a", "b", "c"]);
        assert_eq!(hosts(&with(|l| l.max_vias = 0)), ["many"]);
        assert_eq!(hosts(&with(|l| l.max_vias = 2)), ["a", "b", "many"]);
        let single = b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP a\r\nCSeq: 1 BYE\r\n\r\n";
        assert_eq!(Message::parse(single).unwrap().vias().count(), 1);
    }

    /// The sent-protocol grammar read plainly (RFC 3261 §20.42, SLASH =
    /// SWS "/" SWS), followed by LWS and the host `h`.
    fn reference_sent_protocol(s: &[u8]) -> Option<(&[u8], &[u8])> {
        fn token(s: &[u8], i: usize) -> Option<(usize, usize)> {
            let a = lex::skip_lws(s, i);
            let b = a + s.get(a..)?.iter().take_while(|&&c| lex::is_token(c)).count();
            (b > a).then_some((a, b))
        }
        fn slash(s: &[u8], i: usize) -> Option<usize> {
            let i = lex::skip_lws(s, i);
            (s.get(i) == Some(&b'/')).then_some(i + 1)
        }
        let (n0, n1) = token(s, 0)?;
        if !s[n0..n1].eq_ignore_ascii_case(b"SIP") {
            return None;
        }
        let (v0, v1) = token(s, slash(s, n1)?)?;
        let (t0, t1) = token(s, slash(s, v1)?)?;
        let h = lex::skip_lws(s, t1);
        (h > t1 && &s[h..] == b"h").then_some((&s[v0..v1], &s[t0..t1]))
    }

    #[test]
    fn rfc3261_20_42_sent_protocol_word_compare_agrees_with_grammar() {
        // Every byte value at every position of the common spellings,
        // which the word compares read: the result must be the grammar's.
        for base in [
            "SIP/2.0/UDP h",
            "SIP/2.0/TCP h",
            "SIP/2.0/TLS h",
            "SIP/2.0/WSS h",
            "SIP/2.0/WS h",
            "SIP/2.0/SCTP h",
        ] {
            let mut buf = [0u8; 16];
            let n = base.len();
            for pos in 0..n - 1 {
                for c in 0..=255u8 {
                    buf[..n].copy_from_slice(base.as_bytes());
                    buf[pos] = c;
                    let s = &buf[..n];
                    let Ok(text) = core::str::from_utf8(s) else { continue };
                    let got =
                        Via::parse_str(text).ok().map(|v| (v.version.as_bytes(), v.transport.as_bytes()));
                    assert_eq!(got, reference_sent_protocol(s), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn rfc3261_7_3_1_param_names_compare_case_insensitively() {
        // The OR-0x20 compare against every byte value in every position.
        let lower = b"received";
        for pos in 0..lower.len() {
            for c in 0..=255u8 {
                let mut n = *lower;
                n[pos] = c;
                assert_eq!(is_name(&n, lower), n.eq_ignore_ascii_case(lower), "{pos} {c}");
            }
        }
        assert!(!is_name(b"receive", lower) && !is_name(b"receivedx", lower));
        assert!(is_name(b"BrAnCh", b"branch"));
    }

    #[test]
    fn rfc3261_25_1_via_params_follow_the_generic_param_grammar() {
        // Via checks its parameters in its own pass; for parameters it
        // gives no meaning it must accept exactly what lex::Params does.
        let pieces = [
            ";x",
            " ;x",
            ";x ",
            "; x",
            ";x=",
            ";x=a",
            ";x = a",
            ";x=a:b",
            ";x=:a",
            ";x=a:",
            ";x=\"q\"",
            ";x=\"q",
            ";x=[::1]",
            ";x=[zz]",
            ";x=[]",
            ";x=a b",
            ";",
            ";;",
            " x",
            ";x=<a>",
            ";x\r\n ;y",
            ";x\r\n;y",
            ";x==a",
            ";x=a=b",
            ";x=%41",
            ";x=a;",
            ";lr",
            ";=a",
            ";x=\"a;b\"",
        ];
        let mut text = heapless::String::<96>::new();
        for a in pieces {
            for b in pieces {
                for c in ["", ";y=1", " ;branch=z9hG4bKq"] {
                    text.clear();
                    for p in ["SIP/2.0/UDP h", a, b, c] {
                        text.push_str(p).unwrap();
                    }
                    let tail = &text.as_bytes()["SIP/2.0/UDP h".len()..];
                    let tail_start = lex::skip_lws(tail, 0);
                    let want = lex::Params::new(&tail[tail_start..]).validate().is_ok();
                    assert_eq!(Via::parse_str(&text).is_ok(), want, "{text:?}");
                }
            }
        }
    }

    /// The sent-by host as the previous implementation read it: the host
    /// bytes, then anything up to a delimiter, given to `Host::parse`.
    fn reference_sent_by(s: &[u8]) -> Result<(Host<'_>, usize), ParseError> {
        let mut j = crate::message::uri::scan_host_chars(s, 0);
        while let Some(&c) = s.get(j) {
            if matches!(c, b' ' | b'\t' | b';' | b':' | b'\r' | b'\n' | b',') {
                break;
            }
            j += 1;
        }
        Host::parse(&s[..j]).map(|h| (h, j)).map_err(|_| err())
    }

    #[test]
    fn rfc3261_20_42_sent_by_host_scanned_once_as_by_host_parse() {
        // Host::scan_str classifies the run of host bytes in the pass
        // that finds its end; the host and the error must be those of
        // delimiting the sent-by first and parsing it with Host::parse.
        let hosts = [
            "h",
            "pc33.atlanta.com",
            "pc33.atlanta.com.",
            "192.0.2.1",
            "192.0.2.256",
            "1.2.3",
            "1.2.3.4.5",
            "1.2.3.4a",
            "a-b.c",
            "-a.b",
            "a-.b",
            "a..b",
            ".a",
            "a.1",
            "1a.b2",
            "x_y",
            "a+b",
            "\u{e9}t\u{e9}",
            "",
        ];
        let tails = ["", " ", "\t", ";", ":5060", ",", "\r\n", "x", "@", "/", "_z", "[", "]"];
        for h in hosts {
            for t in tails {
                let text = [h, t].concat();
                let new = match Host::scan_str(&text, 0) {
                    (e, host)
                        if matches!(
                            text.as_bytes().get(e),
                            None | Some(b' ' | b'\t' | b';' | b':' | b'\r' | b'\n' | b',')
                        ) =>
                    {
                        host.map(|h| (h, e)).ok_or(err())
                    }
                    _ => Err(err()),
                };
                assert_eq!(new, reference_sent_by(text.as_bytes()), "{text:?}");
                // And through the whole via-parm.
                let via = ["SIP/2.0/UDP ", &text, ";branch=z9hG4bK1"].concat();
                let host = Via::parse_str(&via).map(|v| v.host);
                let want = reference_sent_by(text.as_bytes()).map(|(h, _)| h);
                if want.is_err() {
                    assert!(host.is_err(), "{via:?}");
                } else if let Ok(host) = host {
                    assert_eq!(Ok(host), want, "{via:?}");
                }
            }
        }
    }

    #[test]
    fn rfc3261_18_2_2_top_via_split_by_the_parse_as_by_the_comma_list() {
        // Via::parse_top must give the parse-time result of the comma list:
        // the first element parsed, and where the next one starts.
        let fields = [
            "SIP/2.0/UDP a;branch=z9hG4bK1",
            "SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/TCP b",
            "SIP/2.0/UDP a:5060 ,SIP/2.0/TCP b,",
            " SIP/2.0/TCP c;x=\"q,r\";branch=z9hG4bK2 , SIP/2.0/UDP d",
            "SIP/2.0/UDP d;x=<e,f>, SIP/2.0/UDP g",
            "SIP/2.0/UDP [::1]:5;rport,SIP/2.0/UDP h",
            "SIP/2.0/UDP [::1, SIP/2.0/UDP h",
            "SIP/2.0/UDP h;branch=\"open, SIP/2.0/UDP i",
            "SIP / 2.0 / UDP g\r\n ;received=192.0.2.1,SIP/2.0/UDP i",
            ", SIP/2.0/UDP j",
            "",
            "  ",
            "junk, SIP/2.0/UDP k",
        ];
        for f in fields {
            let mut list = lex::CommaList::new(f.as_bytes());
            let first = match list.next() {
                Some(first) => {
                    let at = first.as_ptr() as usize - f.as_ptr() as usize;
                    &f[at..at + first.len()]
                }
                None => "",
            };
            let want = Via::parse_str(first).map(|v| (v, list.resume_point()));
            assert_eq!(Via::parse_top(f), want, "{f:?}");
            // The in-place entry the parser uses gives the same, and
            // leaves its slot empty on error.
            let mut slot = None;
            let r = Via::parse_top_into(f, &mut slot);
            assert_eq!(r.map(|rest| (slot.unwrap(), rest)), want, "{f:?}");
            assert!(want.is_ok() || slot.is_none(), "{f:?}");
        }
    }

    #[test]
    fn rfc3261_20_42_byte_and_text_entry_points_agree() {
        for s in ["SIP/2.0/UDP h;branch=z9hG4bK1", " SIP/2.0/TCP [::1]:5 ;rport ", "SIP/2.0/UDP h;x=\u{e9}"] {
            assert_eq!(Via::parse(s.as_bytes()), Via::parse_str(s));
        }
        assert!(Via::parse(b"SIP/2.0/UDP h;x=\xff").is_err());
    }

    /// vias() read plainly (RFC 3261 §7.3.1): every Via field of the
    /// index in order, a field that is not text one error, a blank one
    /// nothing, any other split by lex::CommaList and each element given
    /// to Via::parse; at most `max_list_values` values, and after
    /// `max_vias` of them one TooManyVias error if another follows.
    #[cfg(feature = "std")]
    fn reference_vias<'a>(m: &Message<'a>) -> std::vec::Vec<Result<Via<'a>, ParseError>> {
        let l = m.limits();
        let mut values = std::vec::Vec::new();
        for e in m.index.iter().filter(|e| e.name == N) {
            match m.value_str(e) {
                None => values.push(Err(err())),
                Some(t) => values.extend(lex::CommaList::new(t.as_bytes()).map(Via::parse)),
            }
        }
        values.truncate(l.max_list_values);
        if values.len() > l.max_vias {
            values.truncate(l.max_vias);
            values.push(Err(ParseError::new(Element::Header(N), ErrorKind::TooManyVias)));
        }
        values
    }

    #[cfg(feature = "std")]
    #[test]
    fn rfc3261_7_3_1_vias_cursor_agrees_with_a_plain_walk_of_the_fields() {
        // The Via cursor (the cached top Via, the end told without a
        // call, the cursor's step over the recorded span) yields what
        // the plain walk does, under every pair of the two limits, for
        // the corpora and for fields spread among others, blank, not
        // text, with comma lists, errors and LWS.
        use crate::message::Limits;
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut msgs: std::vec::Vec<std::vec::Vec<u8>> = std::vec::Vec::new();
        for dir in ["tests/corpus/rfc4475", "tests/corpus/rfc5118", "benches/messages"] {
            for e in std::fs::read_dir(root.join(dir)).unwrap() {
                msgs.push(std::fs::read(e.unwrap().path()).unwrap());
            }
        }
        let fields: [&[u8]; 9] = [
            b"Via: SIP/2.0/UDP a;branch=z9hG4bK1",
            b"v: SIP/2.0/UDP 192.0.2.1:5060;rport=1;branch=z9hG4bK2, SIP/2.0/TCP b ;ttl=2",
            b"Via: \t",
            b"Via: SIP/2.0/UDP \xff, SIP/2.0/UDP x",
            b"Via: junk, SIP/2.0/UDP c;x=\"q,r\" , SIP/2.0/UDP d,",
            b"Via: ,SIP/2.0/UDP e",
            b"Via: SIP/2.0/UDP f;branch=z9hG4bK3,\r\n SIP/2.0/UDP g",
            b"X-Pad: p",
            b"Via: SIP/2.0/UDP h;received=198.51.100.7;branch=z9hG4bK.4",
        ];
        // Field choices drawn by lex::TestBytes (one byte, 0..=255, a draw).
        let mut x = lex::TestBytes::new(0x7a3);
        let alphabet: std::vec::Vec<u8> = (0..=255).collect();
        let mut draw = move || {
            let mut b = [0u8];
            x.fill(&mut b, &alphabet, 1);
            b[0]
        };
        for _ in 0..400 {
            let mut m = b"OPTIONS sip:b@h SIP/2.0\r\n".to_vec();
            for _ in 0..(draw() % 7) {
                m.extend_from_slice(fields[usize::from(draw()) % fields.len()]);
                m.extend_from_slice(b"\r\n");
            }
            m.extend_from_slice(b"CSeq: 1 OPTIONS\r\n");
            for _ in 0..(draw() % 4) {
                m.extend_from_slice(fields[usize::from(draw()) % fields.len()]);
                m.extend_from_slice(b"\r\n");
            }
            m.extend_from_slice(b"\r\n");
            msgs.push(m);
        }
        let mut parsed = 0;
        for m in &msgs {
            for list in 0..6 {
                for vias in 0..6 {
                    let mut l = Limits::DEFAULT;
                    l.max_list_values = list;
                    l.max_vias = vias;
                    let Ok(msg) = Message::parse_with(m, &l) else { continue };
                    parsed += 1;
                    let got: std::vec::Vec<_> = msg.vias().collect();
                    assert_eq!(got, reference_vias(&msg), "{:?} list {list} vias {vias}", msg.buf);
                    // A drained cursor stays drained.
                    let mut it = msg.vias();
                    it.by_ref().for_each(drop);
                    assert_eq!(it.next(), None);
                }
            }
            let Ok(msg) = Message::parse(m) else { continue };
            assert_eq!(msg.vias().collect::<std::vec::Vec<_>>(), reference_vias(&msg));
        }
        assert!(parsed > 5000, "{parsed}");
    }

    #[test]
    fn rfc3261_25_1_a_via_field_that_is_not_text_is_one_error() {
        // A later Via field that is not UTF-8 (RFC 3261 §25.1) yields one
        // error from Vias::next itself, and the fields after it still
        // come out.
        let m = b"OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\r\nCSeq: 1 OPTIONS\r\nVia: SIP/2.0/UDP \xff, SIP/2.0/UDP x\r\nVia: SIP/2.0/UDP c\r\n\r\n";
        let msg = Message::parse(m).unwrap();
        let got: heapless::Vec<Result<Via, ParseError>, 4> = msg.vias().collect();
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[0].as_ref().map(|v| v.host), Ok(Host::Domain("a")));
        assert_eq!(got[1].as_ref().err().map(|e| e.element), Some(Element::Header(N)));
        assert_eq!(got[2].as_ref().map(|v| v.host), Ok(Host::Domain("c")));
    }

    #[test]
    fn rfc3261_7_3_1_vias_after_a_lone_top_via() {
        // When nothing follows the top Via in its field, vias() does not
        // cut that field's text again: the later fields must still come
        // out in order, as the comma lists split anew, under every limit.
        for first in [
            "SIP/2.0/UDP a;branch=z9hG4bK1",
            "SIP/2.0/UDP a ;branch=z9hG4bK1 \t",
            "SIP/2.0/UDP a,",
            "SIP/2.0/UDP a, ",
            "SIP/2.0/UDP a, SIP/2.0/UDP a2",
        ] {
            let mut msg = heapless::Vec::<u8, 256>::new();
            for p in [
                "OPTIONS sip:b@h SIP/2.0\r\nVia: ",
                first,
                "\r\nCSeq: 1 OPTIONS\r\nVia: SIP/2.0/UDP b, SIP/2.0/UDP c\r\nVia: x\r\n\r\n",
            ] {
                msg.extend_from_slice(p.as_bytes()).unwrap();
            }
            for max in 0..6 {
                let mut l = crate::message::Limits::DEFAULT;
                l.max_list_values = max;
                let m = Message::parse_with(&msg, &l).unwrap();
                let got: heapless::Vec<Result<Via, ParseError>, 8> = m.vias().collect();
                let mut want: heapless::Vec<Result<Via, ParseError>, 8> = heapless::Vec::new();
                for f in [first, "SIP/2.0/UDP b, SIP/2.0/UDP c", "x"] {
                    for e in lex::CommaList::new(f.as_bytes()) {
                        if want.len() < max {
                            want.push(Via::parse(e)).unwrap();
                        }
                    }
                }
                assert_eq!(got, want, "{first:?} max {max}");
            }
        }
    }

    #[test]
    fn rfc3261_7_3_1_vias_split_by_the_parse_as_by_the_comma_list() {
        // vias() lets each via-parm end its own list element; the values
        // and errors must be those of splitting each field with
        // lex::CommaList and parsing each element.
        let elements = [
            "SIP/2.0/UDP a;branch=z9hG4bK1",
            "SIP/2.0/UDP b:5060 ",
            " SIP/2.0/TCP c;x=\"q,r\";branch=z9hG4bK2",
            "SIP/2.0/UDP d;x=<e,f>",
            "",
            "SIP/2.0/UDP [::1]:5;rport",
            "SIP/2.0/UDP [::1",
            "SIP / 2.0 / UDP g\r\n ;received=192.0.2.1",
            "SIP/2.0/UDP h;branch=\"open",
            "SIP/2.0/UDP i ;ttl=1 ",
            "junk",
        ];
        let mut field = heapless::String::<160>::new();
        let mut msg = heapless::Vec::<u8, 512>::new();
        for a in elements {
            for b in elements {
                for sep in [",", " , ", ",\r\n "] {
                    field.clear();
                    for p in ["SIP/2.0/UDP top;branch=z9hG4bK0,", a, sep, b] {
                        field.push_str(p).unwrap();
                    }
                    msg.clear();
                    for p in [
                        "OPTIONS sip:b@h SIP/2.0\r\nVia: ",
                        field.as_str(),
                        "\r\nVia: ",
                        b,
                        "\r\nCSeq: 1 OPTIONS\r\n\r\n",
                    ] {
                        msg.extend_from_slice(p.as_bytes()).unwrap();
                    }
                    let m = Message::parse(&msg).unwrap();
                    let got: heapless::Vec<Result<Via, ParseError>, 8> = m.vias().collect();
                    let mut want: heapless::Vec<Result<Via, ParseError>, 8> = heapless::Vec::new();
                    for f in [field.as_str(), b] {
                        for e in lex::CommaList::new(f.as_bytes()) {
                            want.push(Via::parse(e)).unwrap();
                        }
                    }
                    assert_eq!(got, want, "{field:?} / {b:?}");
                }
            }
        }
    }

    #[test]
    fn rfc3261_7_3_1_known_via_param_names_read_by_word_as_by_the_token_scan() {
        // known_name reads a name from the eight bytes at its start; where
        // it answers, the kind and the end must be the token scan's and
        // name_kind's, for every byte value at every position it reads.
        for base in [
            &b"branch=z9hG4bK"[..],
            b"received=192.0.2.1",
            b"rport;branch",
            b"rport=5060",
            b"maddr=h;x",
            b"ttl=16;x=1",
            b"alias;branch",
            b"BrAnCh=1;x=2",
            b"BRANCH=z9hG4bK",
            b"branch==1;x=2",
            b"rports=1;x=2",
            b"receivedx=1;",
        ] {
            let mut buf = [0u8; 24];
            buf[..base.len()].copy_from_slice(base);
            let n = base.len();
            for pos in 0..n.min(9) {
                for c in 0..=255u8 {
                    let mut b = buf;
                    b[pos] = c;
                    let s = &b[..n];
                    if let Some((kind, e)) = known_name(s, 0) {
                        assert_eq!(e, lex::scan_token(s, 0), "{s:?}");
                        assert_eq!(Ok(kind), name_kind(&s[..e]), "{s:?}");
                        assert!(kind != Known::Other || s[..e].eq_ignore_ascii_case(b"alias"), "{s:?}");
                    }
                }
            }
        }
        // The word read answers for the usual spellings (so the fast path
        // is taken), and leaves short tails to the scan.
        assert_eq!(known_name(b"branch=z9hG4bK1", 0), Some((Known::Branch, 6)));
        assert_eq!(known_name(b"Received=1.2.3.4", 0), Some((Known::Received, 8)));
        assert_eq!(known_name(b"rport;branch=1", 0), Some((Known::Rport, 5)));
        assert_eq!(known_name(b"x;rport", 2), None); // shorter than a word
        assert_eq!(known_name(b"SIP/2.0/UDP h;rport", 14), Some((Known::Rport, 19)));
        assert_eq!(known_name(b"SIP/2.0/UDP h;rpor", 14), None);
        assert_eq!(known_name(b"SIP/2.0/UDP h;ttl", 14), Some((Known::Ttl, 17)));
        assert_eq!(known_name(b"branchy=1", 0), None);
        assert_eq!(known_name(b"alias;branch=1", 0), Some((Known::Other, 5)));
    }

    #[test]
    fn rfc5118_4_5_received_host_run_read_as_the_general_value_path() {
        // A received value whose host run ends at a delimiter is taken from
        // that run; the result must be the general one: the generic-param
        // grammar (lex::Params) holds and every received value is an IPv4
        // address, a host name or an IPv6 address, bracketed or not.
        let values = [
            "192.0.2.1",
            "192.0.2.256",
            "1.2.3",
            "1.2.3.4.5",
            "pc33.atlanta.com",
            "h.",
            "a..b",
            "a-.b",
            "-a",
            "x_y",
            "a%41",
            "2001:db8::1",
            "[2001:db8::1]",
            "[zz]",
            "\"q\"",
            "",
            "1.2.3.4:5",
            "\u{e9}",
            "a=b",
            "a b",
        ];
        let tails = ["", ";rport", ",SIP/2.0/UDP x", " ;x", "\r\n ;y", ";", ":", "x"];
        let mut text = heapless::String::<96>::new();
        for v in values {
            for t in tails {
                text.clear();
                for p in ["SIP/2.0/UDP h;branch=z9hG4bK1;received=", v, t] {
                    text.push_str(p).unwrap();
                }
                let got =
                    Via::parse_top(&text).map(|(via, _)| (via.marks.0 & ViaMarks::RECEIVED, via.received()));
                let s = text.as_bytes();
                let tail_start = "SIP/2.0/UDP h".len();
                let end = tail_start + lex::find_top_level_comma(&s[tail_start..], 0);
                let params = lex::Params::new(&s[tail_start..end]);
                let want_ok = params.validate().is_ok()
                    && params
                        .filter_map(Result::ok)
                        .filter(|p| p.name.eq_ignore_ascii_case(b"received"))
                        .all(|p| p.value.is_some_and(|v| Host::parse_lenient_ipv6(v).is_ok()));
                match got {
                    Ok((mark, host)) => {
                        assert!(want_ok, "{text:?}");
                        assert_eq!(mark, ViaMarks::RECEIVED, "{text:?}");
                        let first =
                            params.get("received").flatten().and_then(|v| Host::parse_lenient_ipv6(v).ok());
                        assert_eq!(host, first, "{text:?}");
                    }
                    Err(e) => assert!(!want_ok && e == err(), "{text:?}"),
                }
            }
        }
    }

    #[test]
    fn rfc3261_25_1_dotted_quad_read_as_the_host_scan_reads_it() {
        // Where dotted_quad answers, it must be what Host::scan_str gives
        // (the same address and end) with a byte after it that ends the
        // sent-by or the token value; every byte value at every position
        // of the sixteen bytes it reads.
        for base in [
            "192.168.1.23:51372;rport",
            "1.2.3.4;branch=z9hG4bK1",
            "255.255.255.255,SIP/2.0/UDP",
            "010.001.000.9 ;received=1",
            "203.0.113.10\r\n ;branch=x",
        ] {
            let mut buf = [0u8; 32];
            let n = base.len();
            buf[..n].copy_from_slice(base.as_bytes());
            for pos in 0..16 {
                for c in 0..=255u8 {
                    let mut b = buf;
                    b[pos] = c;
                    let Ok(text) = core::str::from_utf8(&b[..n]) else { continue };
                    let s = text.as_bytes();
                    for (got, sent_by) in
                        [(dotted_quad::<true>(s, 0), true), (dotted_quad::<false>(s, 0), false)]
                    {
                        let Some((addr, e)) = got else { continue };
                        assert_eq!(Host::scan_str(text, 0), (e, Some(Host::Ipv4(addr))), "{text:?}");
                        let after = s.get(e);
                        let want = if sent_by {
                            ends_sent_by(after)
                        } else {
                            matches!(after, None | Some(b';' | b',' | b' ' | b'\t' | b'\r' | b'\n'))
                        };
                        assert!(want, "{text:?}");
                    }
                }
            }
        }
        // At the end of the text, where the window is the last sixteen
        // bytes shifted down: every cut of every shape, after a prefix.
        for base in ["192.168.1.23", "1.2.3.4", "255.255.255.255", "010.001.000.9", "1.2.3.256", "1.2.3.4a"] {
            for cut in 1..=base.len() {
                let text = ["SIP/2.0/UDP h;received=", &base[..cut]].concat();
                let at = text.len() - cut;
                let s = text.as_bytes();
                for got in [dotted_quad::<true>(s, at), dotted_quad::<false>(s, at)] {
                    let want = match Host::scan_str(&text, at) {
                        (e, Some(Host::Ipv4(a))) if e == s.len() => Some((a, e)),
                        _ => None,
                    };
                    assert_eq!(got, want, "{text:?}");
                }
            }
        }
        // It answers for the usual forms, and leaves the rest to the scan.
        assert_eq!(dotted_quad::<true>(b"192.168.1.23:51372;rport", 0), Some(([192, 168, 1, 23], 12)));
        assert_eq!(dotted_quad::<false>(b"198.51.100.77;rport=5060", 0), Some(([198, 51, 100, 77], 13)));
        assert_eq!(dotted_quad::<false>(b"198.51.100.77:5060;rport", 0), None);
        assert_eq!(dotted_quad::<true>(b"1.2.3.4.example.com;x", 0), None);
        assert_eq!(dotted_quad::<true>(b"1.2.3.256;branch=z9hG4bK", 0), None);
        assert_eq!(dotted_quad::<true>(b"1.2.3.4", 0), None);
    }

    #[test]
    fn rfc3261_25_1_dotted_quad_read_in_place_as_near_the_end() {
        // The sixteen bytes at the address are read where they are when
        // the text holds them, and from the shifted last sixteen when it
        // does not: for every shape, every prefix and every cut of what
        // follows (so the text ends before, at and past the window's last
        // byte), the answer is Host::scan_str's address and end with a
        // delimiter after it, or nothing.
        for shape in [
            "192.168.1.23",
            "1.2.3.4",
            "255.255.255.255",
            "203.0.113.200",
            "010.001.000.9",
            "1.2.3.256",
            "1.2.3.4a",
            "1.2.3",
            "1..2.3",
            "1.2.3.4.5",
        ] {
            for prefix in ["", "x;received="] {
                for tail in [";rport=5060;branch=z9hG4bK1", ":5060;x", ",SIP/2.0/UDP h", " ;x", "a;x", ".5;x"]
                {
                    let full = [prefix, shape, tail].concat();
                    let at = prefix.len();
                    for cut in at..=full.len() {
                        let text = &full[..cut];
                        let s = text.as_bytes();
                        for sent_by in [true, false] {
                            let got = if sent_by {
                                dotted_quad::<true>(s, at)
                            } else {
                                dotted_quad::<false>(s, at)
                            };
                            let want = match Host::scan_str(text, at) {
                                (e, Some(Host::Ipv4(a)))
                                    if if sent_by {
                                        ends_sent_by(s.get(e))
                                    } else {
                                        matches!(
                                            s.get(e),
                                            None | Some(b';' | b',' | b' ' | b'\t' | b'\r' | b'\n')
                                        )
                                    } =>
                                {
                                    Some((a, e))
                                }
                                _ => None,
                            };
                            // Shorter than sixteen bytes from the start of
                            // the text: the general path answers instead.
                            if s.len() >= 16 {
                                assert_eq!(got, want, "{text:?} {sent_by}");
                            } else {
                                assert_eq!(got, None, "{text:?}");
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn rfc3261_25_1_branch_token_run_ends_where_the_token_scan_does() {
        // branch_end (on x86 the SSE2 windows of letters, digits, '-' and
        // '.', then the byte scan) must end every run where lex::scan_token
        // ends it: every byte value at every position of runs of 1 to 40
        // bytes (so the stop falls in the first, second and third window,
        // in place and in the shifted last window), from three starts,
        // with text after them and without; and fast_token_bits must be the
        // byte classes for all 256 values.
        #[cfg(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2"))]
        for c in 0..=255u8 {
            let w = [c; 16];
            let fast = c.is_ascii_alphanumeric() || c == b'-' || c == b'.';
            assert_eq!(fast_token_bits(&w), if fast { 0xFFFF } else { 0 }, "{c:#x}");
            assert!(!fast || lex::is_token(c));
        }
        let run = b"a1-.Zz09b~x_Kk!q%r*s+t`u'vABCDEFGHIJKLMNOP";
        for len in 1..=40 {
            for tail in [&b""[..], b";rport", b",SIP/2.0/UDP h", b" ;x"] {
                let base = [&run[..len], tail].concat();
                for pos in 0..base.len() {
                    for c in 0..=255u8 {
                        let mut b = base.clone();
                        b[pos] = c;
                        for i in [0, 1, len / 2] {
                            assert_eq!(branch_end(&b, i), lex::scan_token(&b, i), "{b:?} from {i}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn rfc3261_20_42_received_quad_end_is_the_quad_readers_end() {
        // received_quad_end (out of line, 0 for no quad) answers the end
        // quad_at gives, for every byte value at every position of
        // received values (RFC 3261 §20.42 via-received, RFC 3261 §25.1
        // IPv4address) after prefixes of 0..3 bytes, ending the text or
        // followed by more; a quad ends seven bytes after its start at
        // least, so 0 never stands for an end. The values cover every
        // octet length and bound (256, 299, 260 and 255, a fourth and a
        // fifth octet, a missing one) in texts shorter and longer than
        // sixteen bytes.
        let bases = [
            "198.51.100.77",
            "1.2.3.4",
            "255.255.255.255;rport",
            "10.0.0.1,SIP/2.0/UDP h",
            "1.2.3.256",
            "256.1.1.1;rport=5060;branch=z9hG4bK1",
            "1.299.1.1;rport=5060;branch=z9hG4bK1",
            "1.1.260.1;rport=5060",
            "099.199.249.255;branch=z9hG4bK1",
            "1.2.3.4567;rport=5060;branch=z9",
            "12.34.56.78.90;rport=5060",
            "1.2.3.;rport=5060;branch=z9hG4bK",
            "0.0.0.0",
            "1234.5.6.7;rport=5060;branch=z9hG4bK1",
        ];
        for base in bases {
            for pre in 0..4 {
                let text = ["x;=".get(..pre).unwrap_or(""), base].concat();
                for pos in pre..text.len() {
                    for c in 0..=255u8 {
                        let mut b = text.as_bytes().to_vec();
                        b[pos] = c;
                        // Read in place or from a copy: the same answer.
                        assert_eq!(quad_at::<true>(&b, pre), quad_at::<false>(&b, pre), "{b:?}");
                        let want = quad_at::<false>(&b, pre).map(|(_, e)| e);
                        assert!(want.is_none_or(|e| e >= pre + 7), "{b:?}");
                        // On x86 the masks' reader: quad_at's end where
                        // no digit or dot follows it.
                        #[cfg(all(
                            any(target_arch = "x86", target_arch = "x86_64"),
                            target_feature = "sse2"
                        ))]
                        let want = want.filter(|&e| !matches!(b.get(e), Some(b'0'..=b'9' | b'.')));
                        assert_eq!(received_quad_end(&b, pre), want.unwrap_or(0), "{b:?}");
                    }
                }
            }
        }
    }

    /// Octet spellings around every bound of RFC 3261 §25.1 `IPv4address`
    /// (1*3DIGIT, at most 255, leading zeros as `ipv4_read` reads them),
    /// and too long ones.
    const OCTETS: [&str; 22] = [
        "0", "9", "00", "09", "10", "99", "000", "099", "100", "199", "200", "249", "250", "255", "256",
        "259", "260", "299", "300", "999", "0000", "2550",
    ];

    #[cfg(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2"))]
    #[test]
    fn rfc3261_25_1_quad_masks_read_every_octet_shape_as_the_byte_reader() {
        // The SSE2 masks' reader (quad_run_end) against the byte reader
        // (quad_at, the URI parser's ipv4_read): for every four octets of
        // OCTETS, each followed by every kind of byte (the end, ';', a
        // letter, a digit, a dot, a zero byte, a non-ASCII byte), the
        // masks give quad_at's end where no digit or dot follows it and 0
        // everywhere else; also with a dot or octet missing (three
        // octets), a fifth octet, and a leading or trailing dot.
        let mut texts = std::vec::Vec::new();
        for a in OCTETS {
            for b in OCTETS {
                for c in OCTETS {
                    texts.push(std::format!("{a}.{b}.{c}"));
                    texts.push(std::format!(".{a}.{b}.{c}"));
                    texts.push(std::format!("{a}..{b}.{c}"));
                    for d in ["1", "25", "255", "256", "0009"] {
                        texts.push(std::format!("{a}.{b}.{c}.{d}"));
                        texts.push(std::format!("{d}.{a}.{b}.{c}"));
                        texts.push(std::format!("{a}.{b}.{c}.{d}."));
                        texts.push(std::format!("{a}.{b}.{c}.{d}.7"));
                    }
                }
            }
        }
        let mut n = 0;
        for t in &texts {
            for tail in ["", ";", "a", "7", ".", "\0", "\u{e9}", ";rport=5060;branch=z9hG4bK"] {
                let text = std::format!("{t}{tail}");
                let b = text.as_bytes();
                let want = quad_at::<false>(b, 0)
                    .map(|(_, e)| e)
                    .filter(|&e| !matches!(b.get(e), Some(b'0'..=b'9' | b'.')));
                let w = lex::bytes16_at(b, 0).unwrap_or([0; 16]);
                assert_eq!(quad_run_end(&w), want.unwrap_or(0), "{text:?}");
                assert_eq!(received_quad_end(b, 0), want.unwrap_or(0), "{text:?}");
                n += usize::from(want.is_some());
            }
        }
        // The valid quads were met (the test is not vacuous).
        assert!(n > 10_000, "{n}");
    }

    #[test]
    fn rfc3261_8_1_1_7_branch_scan_past_the_cookie_ends_where_the_full_scan_does() {
        // The seven cookie bytes are skipped by one compare; the token scan
        // from there must end where the scan from the value's start ends,
        // and the Via must read the same branch as with LWS before the
        // value (the general path, which scans it all), for every byte
        // value at every position of cookie-like values and what follows.
        for base in [
            "z9hG4bK776asdhds;rport",
            "z9hG4bK;x",
            "z9hG4bK",
            "z9hG4b",
            "z9hG4bKz9hG4bK,x",
            "Z9HG4BK1",
            // Past the cookie: one full SSE2 window and a second, then text.
            "z9hG4bK.aB4mZ8pQ1x2y3z4w5v6u7;rport",
        ] {
            let n = base.len();
            for pos in 0..n {
                for c in 0..=255u8 {
                    let mut b = base.as_bytes().to_vec();
                    b[pos] = c;
                    let s = &b[..];
                    assert_eq!(lex::scan_token(s, after_cookie(s, 0)), lex::scan_token(s, 0), "{s:?}");
                    // branch_end skips the cookie itself: still the token run's end.
                    for i in [0, 1] {
                        assert_eq!(branch_end(s, i), lex::scan_token(s, i), "{s:?} from {i}");
                    }
                    let Ok(text) = core::str::from_utf8(s) else { continue };
                    let tight = ["SIP/2.0/UDP h;branch=", text].concat();
                    let spaced = ["SIP/2.0/UDP h;branch= ", text].concat();
                    fn read(t: &str) -> Result<(Option<&str>, Option<usize>), ParseError> {
                        Via::parse_top(t).map(|(via, rest)| (via.branch(), rest.map(|r| t.len() - r)))
                    }
                    assert_eq!(read(&tight), read(&spaced), "{tight:?}");
                }
            }
        }
        assert_eq!(after_cookie(b"z9hG4bK776asdhds", 0), 7);
        assert_eq!(after_cookie(b"x;z9hG4bK776asdhds", 2), 9);
        assert_eq!(after_cookie(b"z9hG4bK", 0), 0); // shorter than a word: scanned
        assert_eq!(after_cookie(b"Z9hG4bK776asdhds", 0), 0); // the cookie is case-sensitive
    }

    /// What a via-parm reads to, compared by the differential test below.
    type ViaRead<'t> = (&'t [u8], &'t [u8], Host<'t>, Option<u16>, Option<&'t [u8]>, &'t [u8]);

    /// The via-parm grammar read plainly, one rule after the other (RFC
    /// 3261 §20.42, §25.1; RFC 3581 §4; RFC 5118 §4.5): the sent-protocol
    /// as three SLASH-separated tokens, the sent-by delimited first and
    /// given to `Host::parse`, the port's digits, the parameters walked by
    /// `lex::Params` and each known one checked on its own value. Only the
    /// error kind is compared (every error names Via).
    fn reference_via(t: &str) -> Result<ViaRead<'_>, ErrorKind> {
        let syntax = ErrorKind::Syntax;
        let lws = |c: &u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n');
        let mut s = t.as_bytes();
        while let [first, rest @ ..] = s
            && lws(first)
        {
            s = rest;
        }
        while let [rest @ .., last] = s
            && lws(last)
        {
            s = rest;
        }
        let token = |i: usize| -> Result<(usize, usize), ErrorKind> {
            let a = lex::skip_lws(s, i);
            let b = a + s[a..].iter().take_while(|&&c| lex::is_token(c)).count();
            if b > a { Ok((a, b)) } else { Err(syntax) }
        };
        let slash = |i: usize| -> Result<usize, ErrorKind> {
            let i = lex::skip_lws(s, i);
            if s.get(i) == Some(&b'/') { Ok(i + 1) } else { Err(syntax) }
        };
        let (n0, n1) = token(0)?;
        if !s[n0..n1].eq_ignore_ascii_case(b"SIP") {
            return Err(syntax);
        }
        let (v0, v1) = token(slash(n1)?)?;
        let (t0, t1) = token(slash(v1)?)?;
        let h0 = lex::skip_lws(s, t1);
        if h0 == t1 {
            return Err(syntax);
        }
        let (host, h1) = if s.get(h0) == Some(&b'[') {
            let close = h0 + s[h0..].iter().position(|&c| c == b']').ok_or(syntax)?;
            (Host::parse(&s[h0..=close]).map_err(|_| syntax)?, close + 1)
        } else {
            let (host, n) = reference_sent_by(&s[h0..]).map_err(|_| syntax)?;
            (host, h0 + n)
        };
        let mut i = lex::skip_lws(s, h1);
        let mut port = None;
        if s.get(i) == Some(&b':') {
            let p0 = lex::skip_lws(s, i + 1);
            let p1 = p0 + s[p0..].iter().take_while(|c| c.is_ascii_digit()).count();
            let n = lex::parse_u32(&s[p0..p1]).ok_or(syntax)?;
            port = Some(u16::try_from(n).map_err(|_| ErrorKind::OutOfRange)?);
            i = lex::skip_lws(s, p1);
        }
        let raw = &s[i..];
        lex::Params::new(raw).validate().map_err(|_| syntax)?;
        let number = |v: Option<&[u8]>, max: u32| -> Result<(), ErrorKind> {
            let v = v.ok_or(syntax)?;
            if v.is_empty() || !v.iter().all(u8::is_ascii_digit) {
                return Err(syntax);
            }
            match lex::parse_u32(v) {
                Some(n) if n <= max => Ok(()),
                Some(_) => Err(ErrorKind::OutOfRange),
                None => Err(syntax),
            }
        };
        let mut branch = None;
        for p in lex::Params::new(raw) {
            let p = p.map_err(|_| syntax)?;
            let name = |n: &str| p.name.eq_ignore_ascii_case(n.as_bytes());
            if name("branch") {
                let v = p.value.filter(|v| lex::is_token_str(v)).ok_or(syntax)?;
                branch = branch.or(Some(v));
            } else if name("received") {
                Host::parse_lenient_ipv6(p.value.ok_or(syntax)?).map_err(|_| syntax)?;
            } else if name("maddr") {
                Host::parse(p.value.ok_or(syntax)?).map_err(|_| syntax)?;
            } else if name("ttl") {
                number(p.value, 255)?;
            } else if name("rport") && p.value.is_some() {
                number(p.value, 65_535)?;
            }
        }
        Ok((&s[v0..v1], &s[t0..t1], host, port, branch, raw))
    }

    #[test]
    fn rfc3261_20_42_one_pass_via_parse_agrees_with_the_grammar_read_plainly() {
        // Every fast path of the one-pass parser (the SIP/2.0/ and
        // transport words, the in-place dotted quad, the port and rport
        // digit words, the branch= compare, the cookie skip, the received
        // host run) against the plain reading, for every byte value at
        // every position of the bench set's Vias and RFC 4475/5118 ones.
        let vias = [
            "SIP/2.0/UDP 203.0.113.10:5060;branch=z9hG4bK7f3a.9c1e8a4b;rport",
            "SIP/2.0/UDP 192.168.1.23:51372;received=198.51.100.77;rport=51372;branch=z9hG4bK.Zp3s9KdQe",
            "SIP/2.0/TLS 192.168.1.23:50312;alias;branch=z9hG4bK.aB4mZ8pQ1;rport=50312;received=198.51.100.77",
            "SIP/2.0/TCP 192.168.1.23:50313;alias;branch=z9hG4bK.m5Rt2WqZ;rport",
            "SIP/2.0/UDP 203.0.113.200:5060;branch=z9hG4bKe3b1.7a2f9c4d1e8b0a3c5d7e9f1a",
            "SIP/2.0/TCP 203.0.113.140:5070;branch=z9hG4bK9a8b.6c5d4e3f2a1b0c9d8e7f6a5b;received=203.0.113.140",
            "SIP/2.0/UDP 10.20.30.40:5060;received=198.51.100.40;rport=5060;branch=z9hG4bK-524287-1---0bd1c9f2e7a3",
            "SIP/2.0/WSS 198.51.100.50:5060;branch=z9hG4bK77aa.3c2b1a0f9e8d7c6b5a4f3e2d;alias",
            // RFC 4475 §3.1.1.1, §3.1.1.10 and RFC 5118 §4.5 shapes.
            "SIP / 2.0 / UDP 192.0.2.2;branch=390skdjuw;ttl=16;maddr=224.2.0.1",
            "SIP/2.0/TCP t1.example.com;branch=z9hG4bKkdjuw2349i",
            "SIP/2.0/UDP [2001:db8::9:1];received=[2001:db8::9:255];branch=z9hG4bKas3-111",
            "SIP/2.0/UDP [2001:db8::9:1]:5060;received=2001:db8::9:255;branch=z9hG4bKas3",
        ];
        for base in vias {
            let n = base.len();
            for pos in 0..n {
                for c in 0..=255u8 {
                    let mut b = base.as_bytes().to_vec();
                    b[pos] = c;
                    let Ok(text) = core::str::from_utf8(&b) else { continue };
                    let got = Via::parse_str(text)
                        .map(|v| {
                            (
                                v.version.as_bytes(),
                                v.transport.as_bytes(),
                                v.host,
                                v.port,
                                v.branch().map(str::as_bytes),
                                v.params.as_bytes(),
                            )
                        })
                        .map_err(|e| e.kind);
                    let want = reference_via(text).map(|(ver, tr, h, p, br, raw)| {
                        // The parser keeps the parameters without trailing LWS.
                        let keep = raw.len()
                            - raw
                                .iter()
                                .rev()
                                .take_while(|c| matches!(c, b' ' | b'\t' | b'\r' | b'\n'))
                                .count();
                        (ver, tr, h, p, br, &raw[..keep])
                    });
                    assert_eq!(got, want, "{text:?}");
                }
            }
        }
    }

    /// The Vias the plain pass is held to the general path on: every one
    /// of the bench set, the call harness's shapes and RFC 4475 / RFC
    /// 5118 §4.5 ones (which the plain pass leaves to the general path).
    const PLAIN_VIAS: [&str; 21] = [
        "SIP/2.0/UDP 203.0.113.10:5060;branch=z9hG4bK7f3a.9c1e8a4b;rport",
        "SIP/2.0/UDP 192.168.1.23:51372;received=198.51.100.77;rport=51372;branch=z9hG4bK.Zp3s9KdQe",
        "SIP/2.0/UDP 203.0.113.10:5060;branch=z9hG4bK7f3a.9c1e8a4b;rport=5060",
        "SIP/2.0/UDP 192.168.1.23:51372;rport;branch=z9hG4bK.Lm2N8xV4a",
        "SIP/2.0/TLS 192.168.1.23:50312;alias;branch=z9hG4bK.aB4mZ8pQ1;rport=50312;received=198.51.100.77",
        "SIP/2.0/TCP 192.168.1.23:50313;alias;branch=z9hG4bK.m5Rt2WqZ;rport",
        "SIP/2.0/TCP 203.0.113.10:5060;branch=z9hG4bK.n3Wq8Lp0",
        "SIP/2.0/UDP 203.0.113.200:5060;branch=z9hG4bKe3b1.7a2f9c4d1e8b0a3c5d7e9f1a",
        "SIP/2.0/UDP 203.0.113.150:5060;branch=z9hG4bK5d2c.0f1e2d3c4b5a69788796a5b4;rport=5060",
        "SIP/2.0/TCP 203.0.113.140:5070;branch=z9hG4bK9a8b.6c5d4e3f2a1b0c9d8e7f6a5b;received=203.0.113.140",
        "SIP/2.0/UDP 198.51.100.60:5060;branch=z9hG4bKbeef.f0e1d2c3b4a59687f0e1d2c3;rport=5060;received=198.51.100.60",
        "SIP/2.0/WSS 198.51.100.50:5060;branch=z9hG4bK77aa.3c2b1a0f9e8d7c6b5a4f3e2d;alias",
        "SIP/2.0/UDP 10.20.30.40:5060;received=198.51.100.40;rport=5060;branch=z9hG4bK-524287-1---0bd1c9f2e7a3",
        "SIP/2.0/WS df7jal23ls0d.invalid;rport;branch=z9hG4bKx;received=1.2.3.4",
        "SIP/2.0/UDP pc33.atlanta.com:5066;branch=z9hG4bK776asdhds;received=h.example.com;x=1;y;z=a.b-c",
        "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1,SIP/2.0/TCP h;rport=1;received=192.0.2.255",
        // Every bound one byte away (the port, rport, an octet), and a
        // second branch (the first is kept).
        "SIP/2.0/TLS 255.255.255.255:65535;rport=65535;received=255.255.255.255;branch=z9hG4bK;branch=2",
        "SIP / 2.0 / UDP 192.0.2.2;branch=390skdjuw;ttl=16;maddr=224.2.0.1",
        "SIP/2.0/TCP t1.example.com;branch=z9hG4bKkdjuw2349i",
        "SIP/2.0/UDP [2001:db8::9:1];received=[2001:db8::9:255];branch=z9hG4bKas3-111",
        "SIP/2.0/UDP [2001:db8::9:1]:5060;received=2001:db8::9:255;branch=z9hG4bKas3",
    ];

    /// The plain pass of `t` against the general path: when it answers,
    /// the general path must give the same end and the same Via, its
    /// pieces cut at the same places of `t`. True if it answered.
    fn plain_agrees<const LIST: bool>(t: &str) -> bool {
        let mut plain = None;
        let mut top = None;
        let answer = Via::parse_plain::<LIST, false>(t, &mut plain);
        // The top Via's instance (the quad read in place) answers the same.
        assert_eq!(Via::parse_plain::<LIST, true>(t, &mut top), answer, "{t:?}");
        assert_eq!(top, plain, "{t:?}");
        let Some(end) = answer else {
            assert_eq!(plain, None, "{t:?}");
            return false;
        };
        let mut general = None;
        assert_eq!(Via::parse_general::<LIST, false>(t, &mut general), Ok(end), "{t:?}");
        assert_eq!(plain, general, "{t:?}");
        let (Some(p), Some(g)) = (plain, general) else { unreachable!() };
        assert_eq!(p.params.as_bytes().as_ptr(), g.params.as_bytes().as_ptr(), "{t:?}");
        assert_eq!(p.branch.map(str::as_ptr), g.branch.map(str::as_ptr), "{t:?}");
        true
    }

    #[test]
    fn rfc3261_20_42_plain_pass_agrees_with_the_general_path() {
        // Every byte value replaced and inserted at every position of
        // real Vias, as a list element and alone: the plain pass answers
        // only what the general path answers (values, cut points, marks,
        // the element's end), and it answers the usual spellings.
        for (k, base) in PLAIN_VIAS.iter().enumerate() {
            // Spaced sent-protocol and IPv6 hosts go the general way, and
            // a list of two is no via-parm alone.
            let usual = ![17, 19, 20].contains(&k);
            assert_eq!(plain_agrees::<true>(base), usual, "{base:?}");
            assert_eq!(plain_agrees::<false>(base), usual && k != 15, "{base:?}");
            let n = base.len();
            for pos in 0..=n {
                for c in 0..=255u8 {
                    let mut b = base.as_bytes().to_vec();
                    if pos < n {
                        b[pos] = c;
                    }
                    for insert in [false, true] {
                        if insert {
                            b = base.as_bytes().to_vec();
                            b.insert(pos, c);
                        } else if pos == n {
                            continue;
                        }
                        let Ok(text) = core::str::from_utf8(&b) else { continue };
                        plain_agrees::<true>(text);
                        plain_agrees::<false>(text);
                        // Cut short: the reads near the end.
                        for cut in [text.len().saturating_sub(1), pos.min(text.len())] {
                            if let Some(t) = text.get(..cut) {
                                plain_agrees::<true>(t);
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn rfc3581_4_rport_range_told_without_its_value() {
        // The plain pass tells a valued rport's range by its digit count
        // and, for five digits, a big-endian word compare with "65535":
        // for every value of one to five digits, and of six with a
        // leading zero, before the end, a ';' and a ',', it answers
        // exactly the values up to 65535 written in at most five digits,
        // and then as the general path does.
        let mut t = heapless::String::<96>::new();
        for width in 1..=6usize {
            let top = if width == 6 { 100_000 } else { 10u32.pow(width as u32) };
            for n in 0..top {
                for tail in ["", ";branch=z9hG4bKx", ",SIP/2.0/UDP b"] {
                    t.clear();
                    core::fmt::write(&mut t, format_args!("SIP/2.0/UDP h;rport={n:0width$}{tail}")).unwrap();
                    let want = width <= 5 && n <= 65535;
                    assert_eq!(plain_agrees::<true>(&t), want, "{t:?}");
                    if want {
                        let v = Via::parse_str(t.split(',').next().unwrap()).unwrap();
                        assert_eq!(v.rport(), Some(Some(n as u16)));
                    }
                }
            }
        }
    }

    #[test]
    fn rfc3261_25_1_unspaced_known_params_read_as_spaced_ones() {
        // `name=value` without LWS is settled by the fast path, `name =
        // value` by the general one (RFC 3261 §25.1 EQUAL = SWS "=" SWS
        // allows LWS): both must accept the same values and read the same
        // (branch, received, and rport's digits and range, RFC 3581 §4).
        let values = [
            "z9hG4bK1",
            "z9hG4bK.a-1!%*_+`'~",
            "192.0.2.1",
            "1.2.3.256",
            "h.example.com",
            "2001:db8::1",
            "[2001:db8::1]",
            "a:b",
            "\"q\"",
            "",
            "5060",
            "99999",
            "0",
            "65535",
            "65536",
            "0005060",
            "4294967296",
            "12345678901",
            "5060a",
            "50.60",
        ];
        for name in ["branch", "received", "BRANCH", "Received", "rport", "RPort"] {
            for v in values {
                for tail in ["", ";x", ",SIP/2.0/UDP i", " ;x", ";rport", ";rport=1"] {
                    let tight = ["SIP/2.0/UDP h;", name, "=", v, tail].concat();
                    let spaced = ["SIP/2.0/UDP h;", name, " = ", v, tail].concat();
                    // The next element's start, counted from the end.
                    type Read<'t> = Result<
                        (Option<&'t str>, ViaMarks, Option<Host<'t>>, Option<Option<u16>>, Option<usize>),
                        ParseError,
                    >;
                    fn read(t: &str) -> Read<'_> {
                        Via::parse_top(t).map(|(via, rest)| {
                            (via.branch(), via.marks, via.received(), via.rport(), rest.map(|r| t.len() - r))
                        })
                    }
                    assert_eq!(read(&tight), read(&spaced), "{tight:?}");
                }
            }
        }
    }

    #[test]
    fn rfc3581_rport_without_value() {
        let v = Via::parse(b"SIP/2.0/UDP 10.0.0.1;rport;branch=z9hG4bKx").unwrap();
        assert_eq!(v.rport(), Some(None));
        assert!(Via::parse(b"SIP/2.0/UDP 10.0.0.1;rport=70000").is_err());
    }

    #[test]
    fn rfc4475_3_1_1_1_odd_lws_in_sent_protocol() {
        let v = Via::parse(b"SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;branch=390skdjuw").unwrap();
        assert_eq!((v.transport, v.branch()), ("UDP", Some("390skdjuw")));
        let v = Via::parse(b"SIP  /    2.0   / UDP  192.168.255.111   ; branch=\r\n z9hG4bK30239").unwrap();
        assert_eq!(v.host, Host::Ipv4([192, 168, 255, 111]));
        assert_eq!(v.branch(), Some("z9hG4bK30239"));
    }

    #[test]
    fn rfc5118_4_5_received_ipv6_with_and_without_brackets() {
        for s in [
            &b"SIP/2.0/UDP [2001:db8::9:1];received=[2001:db8::9:255];branch=z9hG4bKas3"[..],
            b"SIP/2.0/UDP [2001:db8::9:1];received=2001:db8::9:255;branch=z9hG4bKas3",
        ] {
            let v = Via::parse(s).unwrap();
            assert!(matches!(v.host, Host::Ipv6 { .. }));
            assert!(matches!(v.received(), Some(Host::Ipv6 { .. })));
        }
    }

    #[test]
    fn rfc3261_20_42_malformed_vias_rejected() {
        for bad in [
            &b"SIP/2.0/UDP 192.0.2.15;;"[..], // RFC 4475 §3.1.2.1
            b"SIP/2.0 192.0.2.15",
            b"SIP/2.0/UDP",
            b"SIP/2.0/UDP192.0.2.15",
            b"HTTP/1.1/TCP host",
            b"SIP/2.0/UDP host:99999",
            b"SIP/2.0/UDP host;branch",
            b"SIP/2.0/UDP host;ttl=256",
            b"SIP/2.0/UDP host;received=not a host",
            b"SIP/2.0/UDP [::1",
        ] {
            assert!(Via::parse(bad).is_err(), "{:?}", core::str::from_utf8(bad));
        }
    }

    #[test]
    fn rfc3261_20_42_every_prefix_is_handled() {
        let s = b"SIP / 2.0 / TCP [2001:db8::1]:5061 ;branch=z9hG4bK1;received=[2001:db8::2];rport=1";
        for i in 0..=s.len() {
            let _ = Via::parse(&s[..i]);
        }
    }
}
