//! Parser limits: every one configurable, every one checked before the work
//! it guards.

/// How many header fields the index of a parsed [`Message`](super::Message)
/// can hold. The index lives inline in the message (no allocation), so this
/// is a compile-time capacity; [`Limits::max_headers`] may only lower it.
pub const HEADER_CAPACITY: usize = 128;

/// The largest header section the index can address: positions are stored
/// as 16-bit offsets to keep an entry at eight bytes. Bodies may be larger
/// (up to [`Limits::max_message_size`]).
pub const MAX_HEADER_SECTION: usize = u16::MAX as usize;

/// Resource limits applied while parsing and framing.
///
/// The defaults suit a UA or proxy on the public Internet; an embedded UA can
/// lower them, a server behind a trusted edge can raise them. Each limit is
/// enforced before the parser does the work it bounds, so an attacker's
/// declared sizes (Content-Length, part counts) never drive an allocation or
/// a long loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Limits {
    /// Largest message (start line, headers and body) accepted, in bytes.
    /// A datagram or a stream frame larger than this is refused with 513
    /// (RFC 3261 §21.5.8, §18.1.1). Default 65,535.
    pub max_message_size: usize,
    /// Largest header section (start line through the empty line), capped
    /// at [`MAX_HEADER_SECTION`]. Default 16,384.
    pub max_header_section: usize,
    /// Most header fields (lines, counting folded continuations as part of
    /// their field), capped at [`HEADER_CAPACITY`]. Default 128.
    pub max_headers: usize,
    /// Longest single line, folds counted separately. Default 8,192.
    pub max_line_length: usize,
    /// Most Via values (across all Via fields). Default 64.
    pub max_vias: usize,
    /// Deepest nesting of multipart bodies (RFC 5621 §3.1 allows nesting).
    /// Default 4.
    pub max_multipart_depth: usize,
    /// Most body parts in one multipart body. Default 32.
    pub max_multipart_parts: usize,
    /// Most comma-separated values decoded from one list header. Default 256.
    pub max_list_values: usize,
}

impl Limits {
    /// The defaults described on each field.
    pub const DEFAULT: Limits = Limits {
        max_message_size: 65_535,
        max_header_section: 16_384,
        max_headers: HEADER_CAPACITY,
        max_line_length: 8_192,
        max_vias: 64,
        max_multipart_depth: 4,
        max_multipart_parts: 32,
        max_list_values: 256,
    };

    /// The header-count limit actually in force (never above the capacity).
    #[inline]
    pub fn effective_max_headers(&self) -> usize {
        self.max_headers.min(HEADER_CAPACITY)
    }

    /// The header-section limit actually in force.
    #[inline]
    pub fn effective_max_header_section(&self) -> usize {
        self.max_header_section.min(MAX_HEADER_SECTION)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}
