//! Lexical building blocks of the SIP grammar (RFC 3261 §25.1).
//!
//! Everything here works on borrowed byte slices and positions, never
//! allocates, and never indexes past the slice it was given: every accessor
//! goes through `get`, so hostile input can at worst produce an error.
//!
//! Header values handed to these helpers may still contain folded line
//! breaks (`CRLF 1*WSP`); RFC 3261 §7.3.1 says folding has the semantics of
//! a single SP, so [`skip_lws`] and [`trim_lws`] treat it as white space.

/// Byte classes, one bit each, looked up in a single table.
const TOKEN: u8 = 1; // token (§25.1)
const WS: u8 = 2; // SP / HTAB
const DIGIT: u8 = 4;
const HEX: u8 = 8;
const UNRESERVED: u8 = 16; // alphanum / mark (RFC 2396 via §25.1)
const WORD: u8 = 32; // word (§25.1), used by Call-ID
const ALPHA: u8 = 64;
const GEN_VALUE: u8 = 128; // token or ':' (the unquoted gen-value alphabet)

const fn build_table() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut i = 0usize;
    while i < 256 {
        let c = i as u8;
        let mut v = 0u8;
        let alpha = c.is_ascii_alphabetic();
        let digit = c.is_ascii_digit();
        if alpha {
            v |= ALPHA;
        }
        if digit {
            v |= DIGIT;
        }
        if c.is_ascii_hexdigit() {
            v |= HEX;
        }
        if alpha || digit {
            v |= TOKEN | UNRESERVED | WORD | GEN_VALUE;
        }
        if matches!(c, b'-' | b'.' | b'!' | b'%' | b'*' | b'_' | b'+' | b'`' | b'\'' | b'~') {
            v |= TOKEN | WORD | GEN_VALUE;
        }
        if c == b':' {
            v |= GEN_VALUE;
        }
        if matches!(c, b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')') {
            v |= UNRESERVED;
        }
        if matches!(
            c,
            b'(' | b')' | b'<' | b'>' | b':' | b'\\' | b'"' | b'/' | b'[' | b']' | b'?' | b'{' | b'}'
        ) {
            v |= WORD;
        }
        if c == b' ' || c == b'\t' {
            v |= WS;
        }
        t[i] = v;
        i += 1;
    }
    t
}

static CLASS: [u8; 256] = build_table();

/// `token` character (RFC 3261 §25.1).
#[inline(always)]
pub fn is_token(c: u8) -> bool {
    CLASS[c as usize] & TOKEN != 0
}

/// SP or HTAB.
#[inline(always)]
pub fn is_ws(c: u8) -> bool {
    CLASS[c as usize] & WS != 0
}

/// DIGIT.
#[inline(always)]
pub fn is_digit(c: u8) -> bool {
    CLASS[c as usize] & DIGIT != 0
}

/// HEXDIG (either case).
#[inline(always)]
pub fn is_hex(c: u8) -> bool {
    CLASS[c as usize] & HEX != 0
}

/// ALPHA.
#[inline(always)]
pub fn is_alpha(c: u8) -> bool {
    CLASS[c as usize] & ALPHA != 0
}

/// `unreserved` = alphanum / mark (RFC 3261 §25.1).
#[inline(always)]
pub fn is_unreserved(c: u8) -> bool {
    CLASS[c as usize] & UNRESERVED != 0
}

/// `word` character, the alphabet of Call-ID (RFC 3261 §25.1).
#[inline(always)]
pub fn is_word(c: u8) -> bool {
    CLASS[c as usize] & WORD != 0
}

/// The first position at or after `i` whose byte is not in class `mask`
/// (`s.len()` if none). Four bytes are tested per step with one AND of
/// their classes: header values are mostly long runs of one class, and
/// this halves the per-byte cost of a plain `position` loop.
#[inline(always)]
fn scan_class(s: &[u8], mut i: usize, mask: u8) -> usize {
    // Fixed-size chunks of the rest: no index arithmetic to check per step.
    let Some(rest) = s.get(i..) else { return i };
    for ch in rest.chunks_exact(4) {
        let &[a, b, c, d] = ch else { break };
        if CLASS[a as usize] & CLASS[b as usize] & CLASS[c as usize] & CLASS[d as usize] & mask == 0 {
            break;
        }
        i += 4;
    }
    while let Some(&c) = s.get(i) {
        if CLASS[c as usize] & mask == 0 {
            break;
        }
        i += 1;
    }
    i
}

/// True if `s` is a non-empty `token`.
#[inline]
pub fn is_token_str(s: &[u8]) -> bool {
    !s.is_empty() && scan_class(s, 0, TOKEN) == s.len()
}

/// True if every byte of `s` is a `token` byte (RFC 3261 §25.1; true for
/// an empty `s`): the classes of all of them AND-ed together, four at a
/// time, and tested once. Where only the whole run's answer matters (a
/// value whose token must run to the end of its text), this is about two
/// instructions a byte with no exit test per step, against
/// [`scan_token`]'s search for the first other byte and the position it
/// carries.
#[inline(always)]
pub(crate) fn is_token_run(s: &[u8]) -> bool {
    let quads = s.chunks_exact(4);
    let tail = quads.remainder();
    let mut all = TOKEN;
    for q in quads {
        if let &[a, b, c, d] = q {
            all &= CLASS[a as usize] & CLASS[b as usize] & CLASS[c as usize] & CLASS[d as usize];
        }
    }
    for &c in tail {
        all &= CLASS[c as usize];
    }
    all & TOKEN != 0
}

/// The end of the `word` run starting at `i` (see [`is_word_str`]).
#[inline]
pub(crate) fn scan_word(s: &[u8], i: usize) -> usize {
    if i >= s.len() {
        return i;
    }
    scan_class(s, i, WORD)
}

/// True if `s` is a non-empty `word`.
#[inline]
pub fn is_word_str(s: &[u8]) -> bool {
    !s.is_empty() && scan_class(s, 0, WORD) == s.len()
}

/// Skips linear white space from `i`: SP, HTAB, and a line break followed by
/// SP or HTAB (a fold). A line break not followed by white space is not LWS
/// and stops the scan. Returns the first position that is not LWS.
#[inline(always)]
pub fn skip_lws(s: &[u8], mut i: usize) -> usize {
    // Fast path: most positions are not white space at all.
    match s.get(i) {
        Some(b' ' | b'\t' | b'\r' | b'\n') => {}
        _ => return i,
    }
    loop {
        match s.get(i) {
            Some(b' ' | b'\t') => i += 1,
            Some(b'\r') if s.get(i + 1) == Some(&b'\n') && s.get(i + 2).is_some_and(|&c| is_ws(c)) => i += 3,
            Some(b'\n') if s.get(i + 1).is_some_and(|&c| is_ws(c)) => i += 2,
            _ => return i,
        }
    }
}

/// True for SP, HTAB, CR and LF: what may surround a value inside a folded
/// header field.
#[inline(always)]
fn is_lws_byte(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

/// Trims LWS (including folds) from both ends.
#[inline]
pub fn trim_lws(s: &[u8]) -> &[u8] {
    let mut a = 0;
    let mut b = s.len();
    while a < b && is_lws_byte(s[a]) {
        a += 1;
    }
    while b > a && is_lws_byte(s[b - 1]) {
        b -= 1;
    }
    &s[a..b]
}

/// The eight bytes of `s` from `i` as a little-endian word, with zero
/// bytes past the end of `s` (`None` if `i` is past the end, or if `s` is
/// shorter than eight bytes and the tail short). Near the end the word is
/// the last eight bytes shifted down, one load and a shift instead of a
/// byte loop, so word readers work on a value's last bytes too; a zero
/// byte is no token, digit or delimiter byte, and readers that may see
/// one tell the end from `s` itself.
#[inline(always)]
pub(crate) fn word8_at(s: &[u8], i: usize) -> Option<u64> {
    if let Some(w) = s.get(i..).and_then(<[u8]>::first_chunk::<8>) {
        return Some(u64::from_le_bytes(*w));
    }
    let rest = s.len().checked_sub(i).filter(|&r| r > 0)?;
    let last = s.last_chunk::<8>()?;
    Some(u64::from_le_bytes(*last) >> (8 * (8 - rest)))
}

/// [`word8_at`] for sixteen bytes, as an array.
#[inline(always)]
pub(crate) fn bytes16_at(s: &[u8], i: usize) -> Option<[u8; 16]> {
    if let Some(w) = s.get(i..).and_then(<[u8]>::first_chunk::<16>) {
        return Some(*w);
    }
    let rest = s.len().checked_sub(i).filter(|&r| r > 0)?;
    let last = s.last_chunk::<16>()?;
    Some((u128::from_le_bytes(*last) >> (8 * (16 - rest))).to_le_bytes())
}

/// The word trick behind the eight-bytes-at-a-time scans here and in the
/// parser: the high bit of each byte of the result is set where `x` has a
/// zero byte, exactly for the first (lowest) one; bytes above a zero byte
/// may be flagged falsely, so callers use only the lowest flag or "any".
#[inline(always)]
pub(crate) const fn zero_byte_flags(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    x.wrapping_sub(ONES) & !x & HIGH
}

/// The position of the first `needle` in `s`, like `memchr::memchr`.
///
/// Header pieces are short (a URI, a parameter), where memchr's setup
/// costs more than the search: below 64 bytes, eight bytes are tested at a
/// time with the exact "has a zero byte" word trick (its lowest flagged
/// byte is the first match), longer inputs go to memchr.
#[inline]
pub fn find_byte(needle: u8, s: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    if s.len() >= 64 {
        return memchr::memchr(needle, s);
    }
    let pattern = ONES * u64::from(needle);
    let mut i = 0;
    while let Some(chunk) = s.get(i..i + 8) {
        let Ok(word) = <[u8; 8]>::try_from(chunk) else { break };
        let x = u64::from_le_bytes(word) ^ pattern;
        let found = zero_byte_flags(x);
        if found != 0 {
            return Some(i + (found.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    s.get(i..)?.iter().position(|&c| c == needle).map(|k| i + k)
}

/// True if `s` holds a control character, SP or DEL (a byte `<= 0x20` or
/// `== 0x7f`): what a URI may not contain. Eight bytes are tested at a
/// time with the exact "has a byte less than n" and "has a zero byte"
/// word tricks, a fraction of the cost of a per-byte loop.
#[inline]
pub fn has_ctl_or_sp(s: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut chunks = s.chunks_exact(8);
    for chunk in &mut chunks {
        let Ok(word) = <[u8; 8]>::try_from(chunk) else {
            return true;
        };
        let x = u64::from_le_bytes(word);
        let below_sp = x.wrapping_sub(ONES * 0x21) & !x & HIGH;
        let y = x ^ (ONES * 0x7f);
        let del = zero_byte_flags(y);
        if below_sp | del != 0 {
            return true;
        }
    }
    chunks.remainder().iter().any(|&c| c <= b' ' || c == 0x7f)
}

/// True if `s` holds nothing but LWS.
#[inline]
pub fn is_blank(s: &[u8]) -> bool {
    s.iter().all(|&c| is_lws_byte(c))
}

/// Case-insensitive ASCII comparison.
#[inline(always)]
pub fn eq_ic(a: &[u8], b: &[u8]) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// Reads a `token` starting at `i`; returns its end (== `i` if none).
#[inline]
pub fn scan_token(s: &[u8], i: usize) -> usize {
    if i >= s.len() {
        return i;
    }
    scan_class(s, i, TOKEN)
}

/// Scans a `quoted-string` whose opening DQUOTE is at `i`. Returns the
/// position just past the closing DQUOTE, or `None` if it is unterminated
/// or holds a byte the grammar has no place for (RFC 3261 §25.1):
///
/// ```text
/// quoted-string = SWS DQUOTE *(qdtext / quoted-pair ) DQUOTE
/// qdtext        = LWS / %x21 / %x23-5B / %x5D-7E / UTF8-NONASCII
/// quoted-pair   = "\" (%x00-09 / %x0B-0C / %x0E-7F)
/// ```
///
/// So a control byte other than HTAB, and DEL, stand only escaped; a CR
/// or LF only in a fold (LWS: CRLF then SP or HTAB; a lone LF, which the
/// header loop accepts as a line end, folds the same way), never escaped.
/// Non-ASCII bytes are left to the UTF-8 check of the text.
///
/// Sixteen bytes a step, falling back to a byte loop for texts shorter
/// than sixteen bytes and for the rare bytes that need a closer look (a
/// quoted-pair, a fold, HTAB).
#[inline(never)]
pub fn scan_quoted(s: &[u8], i: usize) -> Option<usize> {
    scan_quoted_words(s, i)
}

/// True for the bytes a quoted-pair may escape (RFC 3261 §25.1: any
/// ASCII byte but CR and LF).
#[inline(always)]
fn is_quoted_pair_char(c: u8) -> bool {
    c <= 0x7f && c != b'\r' && c != b'\n'
}

/// Past the line break of LWS inside a quoted string or comment at `j`
/// (RFC 3261 §25.1: `[*WSP CRLF] 1*WSP`; CR LF, or a lone LF, then SP or
/// HTAB): the position of the white space after it, or `None` if the
/// break is no fold.
#[inline(always)]
fn past_fold(s: &[u8], j: usize) -> Option<usize> {
    let lf = if s.get(j) == Some(&b'\r') { j + 1 } else { j };
    (s.get(lf) == Some(&b'\n') && s.get(lf + 1).is_some_and(|&c| is_ws(c))).then_some(lf + 1)
}

/// [`scan_quoted`] byte by byte: the path of texts shorter than sixteen
/// bytes, and the grammar the sixteen-byte steps are tested against.
#[inline(never)]
fn scan_quoted_bytes(s: &[u8], i: usize) -> Option<usize> {
    if s.get(i) != Some(&b'"') {
        return None;
    }
    let mut j = i + 1;
    loop {
        j = match *s.get(j)? {
            b'"' => return Some(j + 1),
            c => past_text(s, j, c)?,
        };
    }
}

/// Past the byte `c` at `j` inside a quoted string or a comment (RFC 3261
/// §25.1), where DQUOTE or the parentheses are not the question: a
/// quoted-pair, a fold, or a qdtext/ctext byte (HTAB, SP and the rest of
/// printable ASCII, UTF8-NONASCII); `None` for a byte neither grammar
/// has a place for.
#[inline(always)]
fn past_text(s: &[u8], j: usize, c: u8) -> Option<usize> {
    match c {
        b'\\' => s.get(j + 1).is_some_and(|&e| is_quoted_pair_char(e)).then_some(j + 2),
        b'\r' | b'\n' => past_fold(s, j),
        b'\t' => Some(j + 1),
        c if c >= 0x20 && c != 0x7f => Some(j + 1),
        _ => None,
    }
}

/// [`scan_quoted`] sixteen bytes at a time, for the long quoted
/// parameter values of Contact (`+sip.instance="<urn:uuid:...>"`,
/// `+g.3gpp.icsi-ref="..."`, RFC 5626 §4.1, RFC 3840 §9) and every other
/// quoted string. A step finds the first byte of the sixteen that is not
/// plain ASCII qdtext: a control byte (HTAB, CR and LF among them),
/// DQUOTE, `\`, DEL or a non-ASCII byte ([`quoted_stops16_sse2`] on x86,
/// [`quoted_first_stop16`] elsewhere). A DQUOTE ends the string; a
/// non-ASCII byte is qdtext (UTF8-NONASCII) and the scan goes on after
/// it; any other stop (a quoted-pair, an HTAB or a fold, all rare, or a
/// byte with no place in a quoted string) and a text shorter than sixteen
/// bytes are left to the byte loop ([`scan_quoted_bytes`]) from the
/// start, out of line, so the inlined scan stays small. Near the end
/// [`bytes16_at`] gives zero bytes past it, which stop the step. Same
/// answer as the byte loop for every input.
#[inline(always)]
pub(crate) fn scan_quoted_words(s: &[u8], i: usize) -> Option<usize> {
    if s.get(i) != Some(&b'"') {
        return None;
    }
    let mut j = i + 1;
    // Sixteen bytes per step; near the end, the last sixteen bytes
    // shifted down (zero bytes past the end).
    loop {
        let p = match s.get(j..).and_then(<[u8]>::first_chunk::<16>) {
            Some(p) => *p,
            None => match bytes16_at(s, j) {
                Some(p) => p,
                // Past the end (no closing DQUOTE), or a text shorter
                // than sixteen bytes.
                None => return scan_quoted_bytes(s, i),
            },
        };
        #[cfg(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2"))]
        let first = {
            let m = quoted_stops16_sse2(&p);
            (m != 0).then(|| m.trailing_zeros() as usize)
        };
        #[cfg(not(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2")))]
        let first = quoted_first_stop16(&p);
        let Some(off) = first else {
            j += 16;
            continue;
        };
        // A DQUOTE ends the string; any other stop (a quoted-pair, a
        // fold, an HTAB: all rare; a byte with no place here; a zero byte
        // past the end) goes byte by byte from the start, out of line.
        let k = j + off;
        match s.get(k) {
            Some(b'"') => return Some(k + 1),
            Some(&c) if c >= 0x80 => j = k + 1,
            _ => return scan_quoted_bytes(s, i),
        }
    }
}

/// The first of the sixteen bytes `p` that stops [`scan_quoted_words`]:
/// a control byte (below SP), DQUOTE, `\`, DEL or a non-ASCII byte. For
/// each of the two words: the has-a-byte-below trick for the control
/// bytes and the has-a-zero-byte trick for DQUOTE and `\` (the lowest
/// flag of each is exact), and the high bit of each byte or of its low
/// seven bits plus one (no carry between bytes: exact everywhere). So
/// the first word's lowest flag, else the second's, is the first such
/// byte. The portable step, and the tests' reference for the SSE2 one.
#[cfg_attr(
    all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2", not(test)),
    allow(dead_code)
)]
#[inline(always)]
pub(crate) fn quoted_first_stop16(p: &[u8; 16]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let flags = |w: u64| {
        (w.wrapping_sub(ONES * 0x20) & !w & HIGH)
            | zero_byte_flags(w ^ (ONES * u64::from(b'"')))
            | zero_byte_flags(w ^ (ONES * u64::from(b'\\')))
            | ((w | ((w & !HIGH) + ONES)) & HIGH)
    };
    let (a, b) = p.split_at(8);
    let (Ok(a), Ok(b)) = (<[u8; 8]>::try_from(a), <[u8; 8]>::try_from(b)) else { return None };
    let fa = flags(u64::from_le_bytes(a));
    let fb = flags(u64::from_le_bytes(b));
    if fa | fb == 0 {
        return None;
    }
    let bit = if fa != 0 { fa.trailing_zeros() } else { 64 + fb.trailing_zeros() };
    Some((bit / 8) as usize)
}

/// The SSE2 lane helpers of the sixteen-byte window scans (the quoted
/// string here, URI host names, the Via branch, unknown field names):
/// one definition of the range test all of them rely on.
#[cfg(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2"))]
pub(crate) mod sse2 {
    use safe_arch::{add_i8_m128i, bitor_m128i, cmp_lt_mask_i8_m128i, m128i, set_splat_i8_m128i};

    /// `c` in every lane.
    #[inline(always)]
    pub(crate) fn splat(c: u8) -> m128i {
        set_splat_i8_m128i(i8::from_ne_bytes([c]))
    }

    /// The lanes of `v` in `lo..lo + n` (unsigned): one add that moves
    /// `lo` to -128 and one signed `<` against -128 + n, exact for all
    /// 256 byte values.
    #[inline(always)]
    pub(crate) fn in_range(v: m128i, lo: u8, n: u8) -> m128i {
        cmp_lt_mask_i8_m128i(add_i8_m128i(v, splat(0x80u8.wrapping_sub(lo))), splat(0x80u8.wrapping_add(n)))
    }

    /// The lanes of `x` holding an ASCII letter: OR-ing 0x20 maps exactly
    /// `A-Z` and `a-z` into `a-z`.
    #[inline(always)]
    pub(crate) fn letters(x: m128i) -> m128i {
        in_range(bitor_m128i(x, splat(0x20)), b'a', 26)
    }

    /// The lanes of `x` holding an ASCII letter or digit (RFC 3261 §25.1
    /// `alphanum`).
    #[inline(always)]
    pub(crate) fn alphanum(x: m128i) -> m128i {
        bitor_m128i(letters(x), in_range(x, b'0', 10))
    }

    /// Bit `k` set where byte `k` of `w` is an ASCII letter or digit.
    #[inline(always)]
    pub(crate) fn alphanum_bits(w: &[u8; 16]) -> u32 {
        // move_mask gives the sixteen sign bits in 0..=0xFFFF: exact.
        safe_arch::move_mask_i8_m128i(alphanum(safe_arch::load_unaligned_m128i(w))) as u32
    }
}

/// Bits of the bytes of `p` that stop a quoted-string scan (bit `k` for
/// byte `k`): DQUOTE and `\` (two equalities), and the control bytes, DEL
/// and the non-ASCII bytes together (one signed compare after adding one,
/// which moves DEL and above to the negative bytes and the control bytes
/// to 1..=32; exact for all 256 values). SP and `!`, common in display
/// names, do not stop it; a non-ASCII byte is qdtext again (RFC 3261
/// §25.1 UTF8-NONASCII) and the scan goes on after it.
#[cfg(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2"))]
#[inline(always)]
pub(crate) fn quoted_stops16_sse2(p: &[u8; 16]) -> u32 {
    use safe_arch::{
        add_i8_m128i, bitor_m128i, cmp_eq_mask_i8_m128i, cmp_lt_mask_i8_m128i, load_unaligned_m128i,
        move_mask_i8_m128i,
    };
    use sse2::splat;
    let x = load_unaligned_m128i(p);
    let eq = |c: u8| cmp_eq_mask_i8_m128i(x, splat(c));
    let outside = cmp_lt_mask_i8_m128i(add_i8_m128i(x, splat(1)), splat(0x21));
    // move_mask gives the sixteen sign bits in 0..=0xFFFF: the cast is exact.
    move_mask_i8_m128i(bitor_m128i(outside, bitor_m128i(eq(b'"'), eq(b'\\')))) as u32
}

/// The contents of a quoted string without its DQUOTEs and with each
/// quoted-pair replaced by its character, yielded byte by byte. Used to
/// compare or copy quoted values without allocating.
#[derive(Clone, Debug)]
pub struct Unquoted<'a> {
    inner: &'a [u8],
    pos: usize,
}

impl<'a> Unquoted<'a> {
    /// `raw` is the inside of a quoted string (no DQUOTEs).
    pub fn new(raw: &'a [u8]) -> Self {
        Unquoted { inner: raw, pos: 0 }
    }
}

impl Iterator for Unquoted<'_> {
    type Item = u8;
    fn next(&mut self) -> Option<u8> {
        let c = *self.inner.get(self.pos)?;
        if c == b'\\' {
            let e = *self.inner.get(self.pos + 1)?;
            self.pos += 2;
            Some(e)
        } else {
            self.pos += 1;
            Some(c)
        }
    }
}

/// Scans a `comment` (RFC 3261 §25.1) whose "(" is at `i`, honouring nesting
/// and quoted-pairs; returns the position after the matching ")".
/// Nesting depth is bounded by `max_depth` so a hostile value cannot make the
/// scan expensive in anything but its length.
///
/// ```text
/// comment = LPAREN *(ctext / quoted-pair / comment) RPAREN
/// ctext   = %x21-27 / %x2A-5B / %x5D-7E / UTF8-NONASCII / LWS
/// ```
///
/// As in a quoted string, a control byte other than HTAB, and DEL, stand
/// only escaped, and a line break only in a fold.
pub fn scan_comment(s: &[u8], i: usize, max_depth: usize) -> Option<usize> {
    if s.get(i) != Some(&b'(') {
        return None;
    }
    let mut depth = 0usize;
    let mut j = i;
    while let Some(&c) = s.get(j) {
        j = match c {
            b'(' => {
                depth += 1;
                if depth > max_depth {
                    return None;
                }
                j + 1
            }
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(j + 1);
                }
                j + 1
            }
            c => past_text(s, j, c)?,
        };
    }
    None
}

/// Iterates the top-level comma-separated elements of a header value
/// (RFC 3261 §7.3.1), ignoring commas inside quoted strings, `<...>` and
/// comments. Elements are trimmed of LWS; empty elements are yielded as
/// empty slices so callers can reject them (RFC 4475 `badinv01`).
///
/// If a quoted string or angle bracket is unterminated the rest of the
/// value is yielded as one element and the element decoder reports it.
#[derive(Clone, Debug)]
pub struct CommaList<'a> {
    s: &'a [u8],
    pos: usize,
    done: bool,
}

impl<'a> CommaList<'a> {
    /// Splits `value`. An entirely empty value yields nothing.
    pub fn new(value: &'a [u8]) -> Self {
        let done = is_blank(value);
        CommaList { s: value, pos: 0, done }
    }
}

impl<'a> CommaList<'a> {
    /// Where the next element starts, or `None` once the list is done
    /// (the reference the top Via's own split is tested against).
    #[cfg(test)]
    pub(crate) fn resume_point(&self) -> Option<usize> {
        (!self.done).then_some(self.pos)
    }
}

/// True if `s` holds a `"` or a `<`: eight bytes are tested at a time with
/// the exact "has a zero byte" word trick, one per needle.
#[inline]
fn has_quote_or_laquot(s: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let mut chunks = s.chunks_exact(8);
    for chunk in &mut chunks {
        let Ok(word) = <[u8; 8]>::try_from(chunk) else {
            return true;
        };
        let x = u64::from_le_bytes(word);
        let q = x ^ (ONES * u64::from(b'"'));
        let l = x ^ (ONES * u64::from(b'<'));
        if zero_byte_flags(q) | zero_byte_flags(l) != 0 {
            return true;
        }
    }
    chunks.remainder().iter().any(|&c| c == b'"' || c == b'<')
}

/// Returns the position of the next top-level comma at or after `i`, or
/// `s.len()` if none; `<...>` and quoted strings are skipped (RFC 3261
/// §7.3.1: a comma inside them does not separate list elements).
#[inline]
pub fn find_top_level_comma(s: &[u8], i: usize) -> usize {
    let Some(rest) = s.get(i..) else { return s.len() };
    // Most values hold no comma at all, and most commas have no quoted
    // string or <...> before them (Via lists, option-tags): one search
    // for the comma and one over the text before it settle both.
    let Some(c) = find_byte(b',', rest) else { return s.len() };
    if !rest.get(..c).is_some_and(has_quote_or_laquot) {
        return i + c;
    }
    top_level_comma_walk(s, i)
}

/// The general case of [`find_top_level_comma`]: walks the value from `i`
/// over quoted strings and `<...>`. Kept out of line so the common cases
/// stay small enough to inline into the list iterators.
#[inline(never)]
fn top_level_comma_walk(s: &[u8], mut i: usize) -> usize {
    while i < s.len() {
        let Some(k) = memchr::memchr3(b',', b'"', b'<', &s[i..]) else {
            return s.len();
        };
        i += k;
        match s[i] {
            b',' => return i,
            b'"' => match scan_quoted(s, i) {
                Some(e) => i = e,
                None => return s.len(),
            },
            _ => match memchr::memchr(b'>', &s[i..]) {
                Some(e) => i += e + 1,
                None => return s.len(),
            },
        }
    }
    s.len()
}

impl<'a> Iterator for CommaList<'a> {
    type Item = &'a [u8];
    #[inline]
    fn next(&mut self) -> Option<&'a [u8]> {
        if self.done {
            return None;
        }
        let start = self.pos;
        let end = find_top_level_comma(self.s, start);
        if end >= self.s.len() {
            self.done = true;
        } else {
            self.pos = end + 1;
        }
        Some(trim_lws(&self.s[start..end]))
    }
}

/// One `generic-param` (RFC 3261 §25.1): `token [ EQUAL gen-value ]`.
///
/// `value` is raw: a quoted value keeps its DQUOTEs (use
/// [`Param::unquoted`]), an IPv6 reference keeps its brackets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Param<'a> {
    /// Parameter name, as written (compare case-insensitively).
    pub name: &'a [u8],
    /// Parameter value, if an `=` was present.
    pub value: Option<&'a [u8]>,
}

impl<'a> Param<'a> {
    /// The value with surrounding DQUOTEs removed (escapes left in place;
    /// iterate [`Unquoted`] to resolve them).
    pub fn unquoted(&self) -> Option<&'a [u8]> {
        let v = self.value?;
        if v.len() >= 2 && v[0] == b'"' && v[v.len() - 1] == b'"' {
            Some(&v[1..v.len() - 1])
        } else {
            Some(v)
        }
    }

    /// True if the value is a quoted string.
    pub fn is_quoted(&self) -> bool {
        self.value.is_some_and(|v| v.first() == Some(&b'"'))
    }
}

/// Error returned by [`Params`] on a malformed parameter list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadParam;

/// Iterates `*( SEMI generic-param )` (RFC 3261 §25.1), the parameter tail of
/// Via, Contact, From/To and most other headers.
///
/// The input starts at the first `;` (or is empty). A value is a token, a
/// quoted string, or an IPv6 reference (`[...]`, used by Via `received` and
/// `maddr`, RFC 5118 §4.5). Anything else yields `Err(BadParam)` once, after
/// which the iterator is fused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params<'a> {
    s: &'a [u8],
    pos: usize,
}

impl<'a> Params<'a> {
    /// `s` must be the text from the first `;` on (leading LWS allowed).
    pub fn new(s: &'a [u8]) -> Self {
        Params { s, pos: 0 }
    }

    /// An iterator that yields nothing.
    pub fn empty() -> Self {
        Self::EMPTY
    }

    /// [`Params::empty`] as a constant.
    pub(crate) const EMPTY: Params<'static> = Params { s: &[], pos: 0 };

    /// The raw text this iterator walks.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.s
    }

    /// Where the iteration stands in [`Params::as_bytes`]: just after the
    /// last parameter returned, so a value `v` it returned ends here and
    /// starts `v.len()` before (used to cut values out of the same text as
    /// `&str`).
    #[inline(always)]
    pub(crate) fn offset(&self) -> usize {
        self.pos
    }

    /// The same list with the iteration standing at `pos` of its text, as
    /// if the parameters before `pos` had been read (for a caller that
    /// read a leading one itself).
    #[inline(always)]
    pub(crate) fn resumed_at(self, pos: usize) -> Self {
        Params { s: self.s, pos }
    }

    /// Finds the first parameter named `name` (case-insensitive). Returns
    /// `Some(None)` for a parameter present without a value.
    pub fn get(&self, name: &str) -> Option<Option<&'a [u8]>> {
        (*self).map_while(Result::ok).find(|p| eq_ic(p.name, name.as_bytes())).map(|p| p.value)
    }

    /// True if a parameter named `name` is present.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Checks the whole list, returning the first error.
    pub fn validate(&self) -> Result<(), BadParam> {
        for p in *self {
            p?;
        }
        Ok(())
    }
}

/// Scans a parameter value starting at `i` (after `=` and LWS); returns its
/// end or `None` if it is not a token, quoted-string or IPv6 reference.
#[inline]
pub fn scan_gen_value(s: &[u8], i: usize) -> Option<usize> {
    match s.get(i)? {
        b'"' => scan_quoted(s, i),
        b'[' => {
            let close = memchr::memchr(b']', s.get(i..)?)?;
            let inner = &s[i + 1..i + close];
            if inner.is_empty() || !inner.iter().all(|&c| is_hex(c) || c == b':' || c == b'.') {
                return None;
            }
            Some(i + close + 1)
        }
        _ => {
            // token, plus ':' so that unbracketed IPv6 in `received`
            // (RFC 5118 §4.5) and host values survive.
            let end = scan_class(s, i, GEN_VALUE);
            (end > i).then_some(end)
        }
    }
}

impl<'a> Iterator for Params<'a> {
    type Item = Result<Param<'a>, BadParam>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        self.next_kind().map(|r| r.map(|(p, _)| p))
    }
}

impl<'a> Params<'a> {
    /// The next parameter and whether its value, if any, is a plain
    /// `token` (found by the scan that delimits it, so callers that need a
    /// token need not scan it again).
    #[inline(always)]
    pub(crate) fn next_kind(&mut self) -> Option<Result<(Param<'a>, bool), BadParam>> {
        let s = self.s;
        let mut i = skip_lws(s, self.pos);
        if i >= s.len() {
            self.pos = s.len();
            return None;
        }
        if s[i] != b';' {
            return self.fail();
        }
        i = skip_lws(s, i + 1);
        let name_start = i;
        i = scan_token(s, i);
        if i == name_start {
            return self.fail();
        }
        let name = &s[name_start..i];
        let mut j = skip_lws(s, i);
        let mut value = None;
        let mut token = true;
        if s.get(j) == Some(&b'=') {
            j = skip_lws(s, j + 1);
            let end = match s.get(j) {
                // The common unquoted value: a token run, extended over
                // the rest of the gen-value alphabet only if a ':' follows.
                Some(&c) if is_token(c) => {
                    let t = scan_token(s, j);
                    if s.get(t) == Some(&b':') {
                        token = false;
                        scan_class(s, t, GEN_VALUE)
                    } else {
                        t
                    }
                }
                _ => {
                    token = false;
                    let Some(end) = scan_gen_value(s, j) else {
                        return self.fail();
                    };
                    end
                }
            };
            value = Some(&s[j..end]);
            i = end;
        }
        self.pos = i;
        Some(Ok((Param { name, value }, token)))
    }

    /// The two contact-params nearly every registration binding carries
    /// (RFC 3261 §20.10 `c-p-expires`, RFC 5626 §4.1 `+sip.instance`),
    /// spelled plainly right where the walk stands, stepped over without
    /// building the parameter: `;expires=` (either case) and one to nine
    /// digits, then the end, `;` or `,`; or `;+sip.instance="` and a
    /// quoted string. Returns false, having moved nothing, for anything
    /// else, which the caller reads with [`Params::next_plain`].
    ///
    /// Exactly what `next_plain` reads there, and what a Contact's check
    /// of it accepts: `expires` is seven token bytes ended by `=`, a
    /// digit run is a token run ended by a byte that is neither a token
    /// byte nor `:` (so no gen-value), and one to nine digits fit a `u32`
    /// (RFC 4475 §3.1.2.4 concerns longer ones, left to the check); the
    /// instance name is thirteen token bytes ended by `=`, its value the
    /// quoted string `scan_quoted_words` ends. Neither name is `tag`.
    #[inline(always)]
    pub(crate) fn skip_plain_contact_known(&mut self) -> bool {
        let s = self.s;
        let i = self.pos;
        let Some(head) = s.get(i..).and_then(<[u8]>::first_chunk::<16>) else {
            return self.skip_plain_expires_near_end();
        };
        let (semi, rest) = head.split_at(1);
        let word = rest.first_chunk::<8>().map_or(0, |w| u64::from_le_bytes(*w));
        if semi == b";" && is_expires_eq(word) {
            return self.skip_digits_value(i + 9);
        }
        if head == b";+sip.instance=\"" {
            if let Some(end) = scan_quoted_words(s, i + 15) {
                self.pos = end;
                return true;
            }
        }
        false
    }

    /// [`Params::skip_plain_contact_known`]'s `;expires=` with fewer than
    /// sixteen bytes left (no `+sip.instance` and its value fit there).
    #[inline(always)]
    fn skip_plain_expires_near_end(&mut self) -> bool {
        let i = self.pos;
        match self.s.get(i..).and_then(<[u8]>::first_chunk::<9>) {
            Some(&[b';', ref word @ ..]) => {
                is_expires_eq(u64::from_le_bytes(*word)) && self.skip_digits_value(i + 9)
            }
            _ => false,
        }
    }

    /// One to nine digits from `v0`, then the end, `;` or `,`: the walk
    /// resumes after them.
    #[inline(always)]
    fn skip_digits_value(&mut self, v0: usize) -> bool {
        let Some(j) = expires_digits_end(self.s, v0) else { return false };
        self.pos = j;
        true
    }

    /// [`Params::next_kind`], with the usual spelling read first: a `;`
    /// right where the walk stands, a token name, and then no value, or
    /// `=` and a token (not followed by `:`) or a quoted string, with no
    /// LWS anywhere (RFC 3261 §25.1: `SEMI` and `EQUAL` are `SWS x SWS`,
    /// and SWS may be empty). There every `skip_lws` of the general walk
    /// is the identity, so it gives the same parameter and resume point;
    /// anything else (LWS, an empty name, another value form) is left to
    /// `next_kind` from the same position, so answers and errors are the
    /// same for every input.
    #[inline(always)]
    pub(crate) fn next_plain(&mut self) -> Option<Result<(Param<'a>, bool), BadParam>> {
        let s = self.s;
        let i = self.pos;
        match s.get(i) {
            // The end: the walk ends here too (no LWS to skip).
            None => {
                self.pos = s.len();
                return None;
            }
            Some(b';') => {}
            _ => return self.next_kind(),
        }
        // `+sip.instance`, the contact-param of every outbound and GRUU
        // registration (RFC 5626 §4.1, RFC 5627), spelled as it nearly
        // always is, with its quoted value: thirteen token bytes and the
        // `=`, which is no token byte, so the token run ends there, where
        // the scan would end it; one sixteen-byte compare instead of the
        // scan. Any other spelling or name is scanned.
        let n1 = if s.get(i..i + 16) == Some(b";+sip.instance=\"") { i + 14 } else { scan_token(s, i + 1) };
        if n1 > i + 1
            && let Some(name) = s.get(i + 1..n1)
        {
            match s.get(n1) {
                // No '=' and no LWS after the name: a parameter without a
                // value, which ends with its name.
                None | Some(&(b';' | b',')) => {
                    self.pos = n1;
                    return Some(Ok((Param { name, value: None }, true)));
                }
                Some(b'=') => {
                    let v0 = n1 + 1;
                    let end = match s.get(v0) {
                        Some(&c) if is_token(c) => {
                            let t = scan_token(s, v0);
                            // A ':' widens it to a gen-value: the walk's.
                            (s.get(t) != Some(&b':')).then_some((t, true))
                        }
                        Some(b'"') => scan_quoted_words(s, v0).map(|e| (e, false)),
                        _ => None,
                    };
                    if let Some((end, token)) = end
                        && let Some(value) = s.get(v0..end)
                    {
                        self.pos = end;
                        return Some(Ok((Param { name, value: Some(value) }, token)));
                    }
                }
                _ => {}
            }
        }
        self.next_kind()
    }

    fn fail(&mut self) -> Option<Result<(Param<'a>, bool), BadParam>> {
        self.pos = self.s.len();
        Some(Err(BadParam))
    }
}

/// `expires=` as a little-endian word, and the bits that fold its letters:
/// 0x20 OR-ed onto the seven letters only (`c | 0x20` is a lower-case
/// letter exactly when `c` is that letter in either case), the `=`
/// compared as it is.
const EXPIRES: u64 = u64::from_le_bytes(*b"expires=");
const EXPIRES_FOLD: u64 = u64::from_le_bytes([0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0]);

/// Whether the eight bytes `w` (a little-endian word) are `expires=`, the
/// name in either case (RFC 3261 §20.10 `c-p-expires`).
#[inline(always)]
pub(crate) fn is_expires_eq(w: u64) -> bool {
    w | EXPIRES_FOLD == EXPIRES
}

/// A plain `c-p-expires` value (RFC 3261 §20.10): one to nine digits from
/// `v0` (so it fits a `u32`; longer runs are left to the full check, RFC
/// 4475 §3.1.2.4), then the end, `;` or `,`. Returns where the digits end.
#[inline(always)]
pub(crate) fn expires_digits_end(s: &[u8], v0: usize) -> Option<usize> {
    // Where eight bytes follow, the digits end at the first byte of the
    // word that is no DIGIT, found by one SWAR test (a byte `c` is a
    // digit iff `c ^ 0x30 < 10`; the high bits are cleared before the
    // add so no carry crosses a byte), not a test and a bound a digit.
    // That byte lies in the window, so the end of the text is not it;
    // eight digits or more go on to the byte loop.
    if let Some(w) = s.get(v0..).and_then(<[u8]>::first_chunk::<8>) {
        const LO: u64 = 0x7F7F_7F7F_7F7F_7F7F;
        const HI: u64 = 0x8080_8080_8080_8080;
        let t = u64::from_le_bytes(*w) ^ 0x3030_3030_3030_3030;
        let stop = (((t & LO) + 0x7676_7676_7676_7676) | t) & HI;
        let n = (stop.trailing_zeros() / 8) as usize;
        if n < 8 {
            return (n > 0 && matches!(w.get(n), Some(b';' | b','))).then_some(v0 + n);
        }
    }
    expires_digits_end_loop(s, v0)
}

/// [`expires_digits_end`] byte by byte: its path near the end of the text
/// and for eight digits or more, and the tests' reference for its window.
#[inline(always)]
fn expires_digits_end_loop(s: &[u8], v0: usize) -> Option<usize> {
    let mut j = v0;
    while s.get(j).is_some_and(u8::is_ascii_digit) {
        j += 1;
    }
    if !(1..=9).contains(&(j - v0)) || !matches!(s.get(j), None | Some(b';' | b',')) {
        return None;
    }
    Some(j)
}

/// Parses `1*DIGIT` as a `u32`, rejecting empty input, non-digits and
/// overflow (RFC 4475 §3.1.2.4: values above 2**32-1 are invalid).
#[inline]
pub fn parse_u32(s: &[u8]) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    if s.len() <= 9 {
        // Nine digits cannot overflow: no check per digit.
        let mut v: u32 = 0;
        for &c in s {
            if !is_digit(c) {
                return None;
            }
            v = v * 10 + u32::from(c - b'0');
        }
        return Some(v);
    }
    // Leading zeros are fine; the loop stops as soon as the value overflows,
    // so a hostile run of digits costs nothing beyond its first eleven.
    let mut v: u64 = 0;
    for &c in s {
        if !is_digit(c) {
            return None;
        }
        v = v * 10 + u64::from(c - b'0');
        if v > u64::from(u32::MAX) {
            return None;
        }
    }
    Some(v as u32)
}

/// Parses `1*DIGIT` as a `u64` with overflow check.
pub fn parse_u64(s: &[u8]) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let mut v: u64 = 0;
    for &c in s {
        if !is_digit(c) {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
    }
    Some(v)
}

/// Value of a hex digit.
#[inline]
pub fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Converts bytes that the grammar already restricted to ASCII into `&str`.
/// The check is still made (no `unsafe`), and a failure is reported as
/// `None` so callers map it to their own error.
#[inline]
pub fn ascii_str(s: &[u8]) -> Option<&str> {
    core::str::from_utf8(s).ok()
}

/// Calls `f` with every text that `v` becomes when the byte at one position
/// is replaced by any byte value (variants that are not UTF-8 are left
/// out): the input set of the fast-path-against-general-path tests.
#[cfg(test)]
pub(crate) fn each_byte_variant(v: &str, mut f: impl FnMut(&str)) {
    let mut buf = [0u8; 256];
    let n = v.len();
    assert!(n <= buf.len(), "test value too long");
    for pos in 0..n {
        for c in 0..=255u8 {
            buf[..n].copy_from_slice(v.as_bytes());
            buf[pos] = c;
            if let Ok(s) = core::str::from_utf8(&buf[..n]) {
                f(s);
            }
        }
    }
}

/// Calls `f` with every text that `v` becomes when any byte value is
/// inserted at one position (variants that are not UTF-8 are left out).
#[cfg(test)]
pub(crate) fn each_byte_insertion(v: &str, mut f: impl FnMut(&str)) {
    let mut buf = [0u8; 257];
    let n = v.len();
    assert!(n < buf.len(), "test value too long");
    for pos in 0..=n {
        for c in 0..=255u8 {
            buf[..pos].copy_from_slice(&v.as_bytes()[..pos]);
            buf[pos] = c;
            buf[pos + 1..=n].copy_from_slice(&v.as_bytes()[pos..]);
            if let Ok(s) = core::str::from_utf8(&buf[..=n]) {
                f(s);
            }
        }
    }
}

/// A fixed xorshift walk for the randomised scanner tests: reproducible
/// strings over a small alphabet of the bytes that matter to a scanner,
/// mixed with ordinary ones.
#[cfg(test)]
pub(crate) struct TestBytes(u64);

#[cfg(test)]
impl TestBytes {
    pub(crate) fn new(seed: u64) -> TestBytes {
        TestBytes(seed)
    }

    /// Fills `buf`, each byte drawn from `alphabet` one time in `one_in`
    /// (every time for 1), an ordinary `x` otherwise.
    pub(crate) fn fill(&mut self, buf: &mut [u8], alphabet: &[u8], one_in: u64) {
        for c in buf {
            let s = &mut self.0;
            *s ^= *s << 13;
            *s ^= *s >> 7;
            *s ^= *s << 17;
            *c = if *s % one_in == 0 { alphabet[(*s >> 8) as usize % alphabet.len()] } else { b'x' };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 3261 §20.10 c-p-expires: the windowed digit end equals the
    /// loop's for every byte value at every position of digit runs of
    /// zero to eleven bytes, with and without a window's eight bytes.
    #[test]
    fn rfc3261_20_10_expires_digits_window_equals_the_loop_for_every_byte_at_every_position() {
        for len in 0..=12 {
            for tail in [&b""[..], b";q=1", b",<sip:a@b>", b"xxxxxxxxxxx"] {
                let mut base = [b'7'; 12][..len].to_vec();
                base.extend_from_slice(tail);
                for pos in 0..base.len().max(1) {
                    for c in 0..=255u8 {
                        let mut t = base.clone();
                        if let Some(x) = t.get_mut(pos) {
                            *x = c;
                        }
                        for v0 in 0..2.min(t.len() + 1) {
                            assert_eq!(
                                expires_digits_end(&t, v0),
                                expires_digits_end_loop(&t, v0),
                                "{t:?} from {v0}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn rfc3261_25_1_token_run_test_equals_the_token_scan_for_every_byte_at_every_position() {
        // is_token_run against scan_token reaching the end, for every byte
        // value at every position of token runs of zero to thirteen bytes
        // (every quad and tail length), and for each of the 256 values
        // alone: the AND of the classes is the per-byte rule.
        let base = b"aZ09-.!%*_+`'~";
        for len in 0..base.len() {
            let run = &base[..len];
            assert!(is_token_run(run), "{run:?}");
            for pos in 0..len {
                for c in 0..=255u8 {
                    let mut t = run.to_vec();
                    t[pos] = c;
                    assert_eq!(is_token_run(&t), scan_token(&t, 0) == t.len(), "{t:?}");
                    assert_eq!(is_token_run(&t), is_token(c), "{t:?}");
                }
            }
        }
    }

    #[test]
    fn rfc3261_25_1_token_scan_chunk_edges() {
        // Runs ending at every offset within and across four-byte chunks,
        // from every start, agree with a byte-by-byte scan.
        let s = b"abcdefghij:klmnop";
        for start in 0..=s.len() + 2 {
            let want = if start >= s.len() {
                start
            } else {
                start + s[start..].iter().position(|&c| !is_token(c)).unwrap_or(s.len() - start)
            };
            assert_eq!(scan_token(s, start), want, "start {start}");
        }
        for n in 0..12 {
            let t = &b"aaaaaaaaaaaa"[..n];
            assert_eq!(scan_class(t, 0, TOKEN), n);
            assert!(n == 0 || is_token_str(t));
        }
    }

    #[test]
    fn rfc3261_25_1_lws_includes_folds() {
        assert_eq!(skip_lws(b"  \r\n\tx", 0), 5);
        assert_eq!(skip_lws(b" \r\nx", 0), 1, "CRLF not followed by WSP ends LWS");
        assert_eq!(trim_lws(b" \r\n a \r\n "), b"a");
    }

    #[test]
    fn rfc3261_25_1_quoted_string_and_pairs() {
        assert_eq!(scan_quoted(br#""a\"b" x"#, 0), Some(6));
        assert_eq!(scan_quoted(br#""unterminated"#, 0), None);
        assert_eq!(scan_quoted(b"\"a\r\nb\"", 0), None, "bare line break inside quotes");
        assert_eq!(scan_quoted(b"\"a\r\n b\"", 0), Some(7), "folded quoted string");
        let u: heapless::Vec<u8, 8> = Unquoted::new(br#"a\"b"#).collect();
        assert_eq!(&u[..], b"a\"b");
    }

    #[test]
    fn rfc3261_25_1_qdtext_refuses_control_bytes_and_del_unless_escaped() {
        // qdtext = LWS / %x21 / %x23-5B / %x5D-7E / UTF8-NONASCII: of the
        // bytes below SP only HTAB stands bare, and CR/LF only in a fold;
        // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F) escapes the
        // others but never CR, LF or a non-ASCII byte. Short strings (the
        // byte loop) and long ones (the sixteen-byte steps) alike, the
        // byte in every position of the long one.
        for pad in [0usize, 30] {
            let quoted = |inner: &[u8]| {
                let mut v: heapless::Vec<u8, 64> = heapless::Vec::new();
                v.push(b'"').unwrap();
                v.extend_from_slice(&b"x".repeat(pad)).unwrap();
                v.extend_from_slice(inner).unwrap();
                v.extend_from_slice(b"\";p").unwrap();
                v
            };
            for c in 0..=255u8 {
                let bare = quoted(&[b'a', c, b'b']);
                let want_bare = match c {
                    b'"' => Some(pad + 3),
                    // `\b` is a quoted-pair.
                    b'\t' | b'\\' => Some(bare.len() - 2),
                    0x7f => None,
                    c if c < 0x20 => None,
                    _ => Some(bare.len() - 2),
                };
                assert_eq!(scan_quoted(&bare, 0), want_bare, "bare {c:#04x}, pad {pad}");
                let escaped = quoted(&[b'a', b'\\', c, b'b']);
                let want_escaped = (c <= 0x7f && c != b'\r' && c != b'\n').then_some(escaped.len() - 2);
                assert_eq!(scan_quoted(&escaped, 0), want_escaped, "escaped {c:#04x}, pad {pad}");
            }
            // Folds: CRLF or a lone LF, then SP or HTAB.
            for (inner, ok) in [
                (&b"a\r\n b"[..], true),
                (b"a\r\n\tb", true),
                (b"a\n b", true),
                (b"a\r\nb", false),
                (b"a\rb", false),
                (b"a\r b", false),
                (b"a\r\r\n b", false),
                (b"a\nb", false),
            ] {
                let v = quoted(inner);
                assert_eq!(scan_quoted(&v, 0), ok.then_some(v.len() - 2), "{inner:?}, pad {pad}");
            }
        }
    }

    #[test]
    fn rfc3261_25_1_quoted_word_scan_equals_the_byte_loop() {
        // scan_quoted_words (sixteen bytes a step) against the byte loop:
        // random strings over the bytes the step stops at or borders on
        // (DQUOTE, '\', LF, CR, HTAB, the other control bytes, DEL, SP,
        // '!', non-ASCII) and ordinary ones, of every length to 72 and at
        // every start...
        const ALPHABET: &[u8] = b"\"\\\n\r \t!#\x00\x01\x1f\x7f\x22\x80\xffaz<>:";
        let mut buf = [0u8; 72];
        let mut rng = TestBytes::new(0x9e37_79b9_7f4a_7c15);
        for round in 0..60_000usize {
            let len = round % 73;
            rng.fill(&mut buf[..len], ALPHABET, 3);
            if len > 0 && round % 2 == 0 {
                buf[0] = b'"';
            }
            let s = &buf[..len];
            for a in 0..=len + 1 {
                assert_eq!(scan_quoted_words(s, a), scan_quoted_bytes(s, a), "{s:?} at {a}");
            }
        }
        // ...and every byte at every position of the bench set's and
        // RFC 4475's quoted parameter values, with what follows them.
        for v in [
            r#""<urn:uuid:5b8e1c2a-7d3f-4a6b-9e0c-1f2d3e4a5b6c>";reg-id=1"#,
            r#""urn%3Aurn-7%3A3gpp-service.ims.icsi.mmtel""#,
            r#""<urn:gsma:imei:35209900-176148-0>";audio"#,
            r#""a\"b" x"#,
            "\"folded\r\n value\"",
            r#""""#,
            r#""with space, and ! inside";q=1"#,
        ] {
            each_byte_variant(v, |t| {
                for a in 0..=t.len() {
                    let b = t.as_bytes();
                    assert_eq!(scan_quoted_words(b, a), scan_quoted_bytes(b, a), "{t:?} at {a}");
                }
            });
        }
    }

    #[test]
    fn rfc3261_25_1_quoted_string_stop_bits_equal_the_grammar_for_every_byte_at_every_lane() {
        // The sixteen-byte step of scan_quoted_words, SSE2 and portable,
        // against its definition (what is not plain ASCII qdtext: a
        // control byte, DQUOTE, `\`, DEL or a non-ASCII byte), for all 256
        // byte values in each lane,
        // the other lanes holding stop and non-stop bytes in turn.
        let stop = |c: u8| !(0x20..0x7f).contains(&c) || c == b'"' || c == b'\\';
        for fill in [b'a', b'"', b' ', b'\\', 0x80, 0xff, 0x7f, 0x1f, 0x20, 0x21, 0x23] {
            for lane in 0..16 {
                for c in 0..=255u8 {
                    let mut w = [fill; 16];
                    w[lane] = c;
                    let want = w.iter().position(|&c| stop(c));
                    assert_eq!(quoted_first_stop16(&w), want, "{w:?}");
                    #[cfg(all(any(target_arch = "x86", target_arch = "x86_64"), target_feature = "sse2"))]
                    {
                        let bits = (0..16).fold(0u32, |m, k| m | (u32::from(stop(w[k])) << k));
                        assert_eq!(quoted_stops16_sse2(&w), bits, "{w:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn rfc3261_25_1_ctext_refuses_control_bytes_and_del_unless_escaped() {
        // ctext = %x21-27 / %x2A-5B / %x5D-7E / UTF8-NONASCII / LWS.
        for c in 0..=255u8 {
            let bare = [b'(', b'a', c, b'b', b')'];
            let want = match c {
                b'(' => None, // opens a nested comment left unclosed
                b')' => Some(3),
                // `\b` is a quoted-pair.
                b'\t' | b'\\' => Some(5),
                c if c < 0x20 || c == 0x7f => None,
                _ => Some(5),
            };
            assert_eq!(scan_comment(&bare, 0, 4), want, "bare {c:#04x}");
            let escaped = [b'(', b'\\', c, b')'];
            let want = (c <= 0x7f && c != b'\r' && c != b'\n').then_some(4);
            assert_eq!(scan_comment(&escaped, 0, 4), want, "escaped {c:#04x}");
        }
        assert_eq!(scan_comment(b"(a\r\n b)", 0, 4), Some(7), "a fold is LWS");
        assert_eq!(scan_comment(b"(a\r\nb)", 0, 4), None, "a line break without fold");
        assert_eq!(scan_comment(b"(a (b) c)", 0, 4), Some(9));
        assert_eq!(scan_comment(b"(((a)))", 0, 2), None, "deeper than the limit");
    }

    #[test]
    fn rfc3261_7_3_1_comma_list_respects_quotes_and_brackets() {
        let v: heapless::Vec<&[u8], 8> = CommaList::new(br#""a,b" <sip:x;p=1,2>;q=1 , <sip:y>"#).collect();
        assert_eq!(v.len(), 2);
        assert_eq!(v[1], b"<sip:y>");
        let e: heapless::Vec<&[u8], 8> = CommaList::new(b"a,,b").collect();
        assert_eq!(&e[..], &[&b"a"[..], b"", b"b"]);
        assert_eq!(CommaList::new(b"  ").count(), 0);
        // Without any comma the value is one element whatever it holds;
        // commas only inside quotes or <...> do not split it either.
        for one in [
            &br#""a" <sip:x;p=1>;q="b""#[..],
            br#"<sip:x,y>"#,
            br#""a,b" <sip:x>"#,
            br#""unterminated"#,
            b"<open",
        ] {
            let v: heapless::Vec<&[u8], 4> = CommaList::new(one).collect();
            assert_eq!(&v[..], &[one], "{:?}", core::str::from_utf8(one));
        }
        assert_eq!(find_top_level_comma(b"a,b", 2), 3);
        assert_eq!(find_top_level_comma(b"<a,b>,c", 0), 5);
    }

    #[test]
    fn rfc3261_7_3_1_quote_or_laquot_found_anywhere() {
        // Every byte value at every position of a word and of the tail.
        let mut buf = [b'a'; 19];
        for len in [0, 1, 7, 8, 9, 16, 19] {
            for pos in 0..len {
                for c in 0..=255u8 {
                    buf[..len].fill(b'a');
                    buf[pos] = c;
                    let s = &buf[..len];
                    assert_eq!(has_quote_or_laquot(s), c == b'"' || c == b'<', "{len} {pos} {c}");
                }
            }
        }
        assert!(!has_quote_or_laquot(b""));
    }

    #[test]
    fn rfc3261_7_3_1_top_level_comma_against_a_plain_walk() {
        // The plain definition: walk byte by byte, skipping quoted strings
        // and <...>; the fast paths must agree from every start.
        fn plain(s: &[u8], mut i: usize) -> usize {
            while i < s.len() {
                match s[i] {
                    b',' => return i,
                    b'"' => match scan_quoted(s, i) {
                        Some(e) => i = e,
                        None => return s.len(),
                    },
                    b'<' => match s[i..].iter().position(|&c| c == b'>') {
                        Some(e) => i += e + 1,
                        None => return s.len(),
                    },
                    _ => i += 1,
                }
            }
            s.len()
        }
        for s in [
            &b"SIP/2.0/UDP a;branch=1, SIP/2.0/UDP b;branch=2,SIP/2.0/TCP c"[..],
            br#""a,b" <sip:x;p=1,2>;q=1 , <sip:y>, z"#,
            br#"a, "b,c", <d,e>, "f"#,
            b"<sip:a,b",
            b",,a,",
            b"",
            b"no comma here, but a <bracket> after",
        ] {
            for i in 0..=s.len() + 1 {
                assert_eq!(find_top_level_comma(s, i), plain(s, i), "{:?} {i}", core::str::from_utf8(s));
            }
        }
    }

    #[test]
    fn rfc3261_25_1_generic_params() {
        let p = Params::new(br#";branch=z9hG4bK1 ; received=[2001:db8::1];lr;x="a;b""#);
        let v: heapless::Vec<_, 8> = p.map(|r| r.unwrap()).collect();
        assert_eq!(v.len(), 4);
        assert_eq!(v[1].value, Some(&b"[2001:db8::1]"[..]));
        assert_eq!(v[2].value, None);
        assert_eq!(v[3].unquoted(), Some(&b"a;b"[..]));
        assert_eq!(p.get("BRANCH"), Some(Some(&b"z9hG4bK1"[..])));
        assert!(Params::new(b";=x").validate().is_err());
        assert!(Params::new(b";a=").validate().is_err());
    }

    /// Parameter tails of the bench messages' From, To, Contact and Route
    /// values and of RFC 4475 / RFC 5118 messages, with LWS, folds, empty
    /// names and values, `:`-widened and bracketed values.
    const PARAM_TAILS: &[&str] = &[
        ";tag=hsT3xq9Vq",
        ";tag=8f2a71c3e5d0b6a4c19e",
        ";+sip.instance=\"<urn:uuid:5b8e1c2a-7d3f-4a6b-9e0c-1f2d3e4a5b6c>\"",
        ";+sip.instance=\"<urn:uuid:5b8e1c2a-7d3f-4a6b-9e0c-1f2d3e4a5b6c>\";+sip.pnsreg;expires=600",
        ";expires=1187;+sip.instance=\"<urn:uuid:0c7d4e1f-2a3b-4c5d-8e9f-a0b1c2d3e4f5>\";reg-id=1",
        ";expires=45;q=0.5",
        ";+g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.mmtel\";+g.3gpp.mid-call;\
         +g.3gpp.srvcc-alerting;+sip.instance=\"<urn:gsma:imei:35209900-176148-0>\";audio;video",
        ";lr;ftag=hsT3xq9Vq",
        " ; newparam = newvalue ; secondparam ; q = 0.33",
        ";tag=a:b;received=[2001:db8::1];maddr=2001:db8::1",
        ";x=\"a\\\"b\";y=\"\r\n c\";z",
        ";=x;;a=;b= c",
        ";tag=1,<sip:next>",
        ";a\r\n ;b=\"q\"junk",
    ];

    #[test]
    fn rfc3261_25_1_plain_param_read_as_the_general_walk_reads_it() {
        // next_plain against next_kind over whole walks (answers, token
        // flags, resume points, errors), with every byte at every position
        // of the tails and every prefix of them.
        fn same(s: &[u8]) {
            let (mut a, mut b) = (Params::new(s), Params::new(s));
            loop {
                let (x, y) = (a.next_plain(), b.next_kind());
                assert_eq!(x, y, "{s:?}");
                assert_eq!(a.offset(), b.offset(), "{s:?}");
                if x.is_none() {
                    break;
                }
            }
        }
        let mut buf = [0u8; 256];
        for t in PARAM_TAILS {
            let t = t.as_bytes();
            for cut in 0..=t.len() {
                same(&t[..cut]);
            }
            for pos in 0..t.len() {
                buf[..t.len()].copy_from_slice(t);
                for c in 0..=255u8 {
                    buf[pos] = c;
                    same(&buf[..t.len()]);
                }
            }
        }
    }

    #[test]
    fn rfc3261_20_10_contact_known_params_skipped_as_the_plain_walk_reads_them() {
        // skip_plain_contact_known against next_plain (and the Contact
        // check's reading of expires) from every position of the tails,
        // with every byte replaced and inserted at every position, and
        // every prefix: when it steps over a parameter, next_plain reads
        // there an expires with one to nine digits or a +sip.instance with
        // a quoted value, and resumes where it resumes; otherwise it moves
        // nothing.
        const TAILS: &[&str] = &[
            ";expires=600",
            ";EXPIRES=123456789;q=0.5",
            ";Expires=1234567890",
            ";expires=45,<sip:b@h>",
            ";expires=0;+sip.instance=\"<urn:uuid:5b8e1c2a-7d3f-4a6b>\";reg-id=1",
            ";+sip.instance=\"<urn:x>\"",
            ";+sip.instance=\"<urn:uuid:0c7d4e1f-2a3b-4c5d-8e9f-a0b1c2d3e4f5>\",x",
            ";+sip.instance=\"a\\\"b\";expires=3600",
        ];
        fn same(s: &[u8]) {
            for start in 0..=s.len() {
                let mut a = Params::new(s).resumed_at(start);
                let mut b = a;
                if !a.skip_plain_contact_known() {
                    assert_eq!(a.offset(), start, "{s:?} at {start}");
                    continue;
                }
                let Some(Ok((p, _))) = b.next_plain() else { panic!("{s:?} at {start}") };
                assert_eq!(a.offset(), b.offset(), "{s:?} at {start}");
                let v = p.value.expect("valued");
                if eq_ic(p.name, b"expires") {
                    assert!((1..=9).contains(&v.len()) && v.iter().all(u8::is_ascii_digit), "{s:?}");
                    assert!(parse_u32(v).is_some(), "{s:?}");
                } else {
                    assert_eq!(p.name, b"+sip.instance", "{s:?} at {start}");
                    assert_eq!(v.first(), Some(&b'"'), "{s:?} at {start}");
                }
            }
        }
        let mut buf = [0u8; 256];
        for t in TAILS {
            let t = t.as_bytes();
            let n = t.len();
            for cut in 0..=n {
                same(&t[..cut]);
            }
            for pos in 0..=n {
                for c in 0..=255u8 {
                    if pos < n {
                        buf[..n].copy_from_slice(t);
                        buf[pos] = c;
                        same(&buf[..n]);
                    }
                    buf[..pos].copy_from_slice(&t[..pos]);
                    buf[pos] = c;
                    buf[pos + 1..=n].copy_from_slice(&t[pos..]);
                    same(&buf[..=n]);
                }
            }
        }
    }

    #[test]
    fn rfc3261_25_1_find_byte_matches_memchr() {
        // Lengths around the word size and the memchr cut-over, the needle
        // at every position, with and without earlier near-misses (bytes
        // one above and below, which the word trick must not flag).
        let mut buf = [0u8; 80];
        for len in [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 80] {
            for pos in 0..=len {
                for (fill, needle) in
                    [(b'a', b'b'), (b'?', b'@'), (b'A', b'@'), (0xff, 0x00), (0x00, 0xff), (0x81, 0x80)]
                {
                    buf[..len].fill(fill);
                    if pos < len {
                        buf[pos] = needle;
                    }
                    let s = &buf[..len];
                    assert_eq!(find_byte(needle, s), memchr::memchr(needle, s), "{len} {pos} {needle}");
                }
            }
        }
    }

    #[test]
    fn rfc3261_25_1_uri_bytes_ctl_sp_del_found_anywhere() {
        // Every byte value at every position of a word and of the tail,
        // against the per-byte definition (RFC 4475 §3.1.2.14: no LWS in
        // an addr-spec).
        let mut buf = [b'a'; 19];
        for len in [1, 7, 8, 9, 16, 19] {
            for pos in 0..len {
                for c in 0..=255u8 {
                    buf[..len].fill(b'a');
                    buf[pos] = c;
                    let s = &buf[..len];
                    assert_eq!(has_ctl_or_sp(s), c <= b' ' || c == 0x7f, "{len} {pos} {c}");
                }
            }
        }
        assert!(!has_ctl_or_sp(b""));
        assert!(!has_ctl_or_sp("sip:\u{e9}t\u{e9}@h".as_bytes()));
    }

    #[test]
    fn rfc3261_25_1_words_at_a_position_zero_padded_past_the_end() {
        // word8_at / bytes16_at against a bytewise zero-padded copy, at
        // every position of texts of every length up to 40 (the shifted
        // last-bytes load near the end must give the same bytes).
        let text: [u8; 40] = core::array::from_fn(|k| b'a' + (k * 7 % 26) as u8);
        for len in 0..=text.len() {
            let s = &text[..len];
            for i in 0..=len + 1 {
                let padded = |n: usize| -> [u8; 16] {
                    let mut b = [0u8; 16];
                    for (k, slot) in b.iter_mut().enumerate().take(n) {
                        *slot = s.get(i + k).copied().unwrap_or(0);
                    }
                    b
                };
                let want8 = (i < len && (len >= 8)).then(|| {
                    let b = padded(8);
                    u64::from_le_bytes(b[..8].try_into().unwrap())
                });
                assert_eq!(word8_at(s, i), want8, "{len} {i}");
                let want16 = (i < len && len >= 16).then(|| padded(16));
                assert_eq!(bytes16_at(s, i), want16, "{len} {i}");
            }
        }
    }

    #[test]
    fn rfc4475_3_1_2_4_u32_overflow_rejected() {
        assert_eq!(parse_u32(b"4294967295"), Some(u32::MAX));
        // Nine digits take the path without overflow checks, ten the other.
        assert_eq!(parse_u32(b"999999999"), Some(999_999_999));
        assert_eq!(parse_u32(b"9999999999"), None);
        assert_eq!(parse_u32(b"99999999x"), None);
        assert_eq!(parse_u32(b"4294967296"), None);
        assert_eq!(parse_u32(b"36893488147419103232"), None);
        assert_eq!(parse_u32(b"0000000000000000000042"), Some(42));
        assert_eq!(parse_u32(b"000000000000"), Some(0));
        assert_eq!(parse_u32(b"0000000000000000000042x"), None);
        assert_eq!(parse_u32(b""), None);
        assert_eq!(parse_u32(b"-1"), None);
    }
}
