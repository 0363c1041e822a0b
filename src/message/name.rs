//! Header field names: the known ones, their compact forms (RFC 3261 §7.3.3
//! and later RFCs) and case-insensitive recognition.
//!
//! Generated from the table in this file's history (see the commit); keep
//! the enum, `from_bytes` and `as_str` in step when adding a header.

/// A header field name. Names are case-insensitive (RFC 3261 §7.3.1); compact
/// forms map to the same variant as the long form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[non_exhaustive]
#[repr(u8)]
pub enum HeaderName {
    /// `Accept`, RFC 3261 §20.1.
    Accept,
    /// `Accept-Contact` (compact `a`), RFC 3841.
    AcceptContact,
    /// `Accept-Encoding`, RFC 3261 §20.2.
    AcceptEncoding,
    /// `Accept-Language`, RFC 3261 §20.3.
    AcceptLanguage,
    /// `Alert-Info`, RFC 3261 §20.4.
    AlertInfo,
    /// `Allow`, RFC 3261 §20.5.
    Allow,
    /// `Allow-Events` (compact `u`), RFC 6665 §8.2.2.
    AllowEvents,
    /// `Authentication-Info`, RFC 3261 §20.6.
    AuthenticationInfo,
    /// `Authorization`, RFC 3261 §20.7.
    Authorization,
    /// `Call-ID` (compact `i`), RFC 3261 §20.8.
    CallId,
    /// `Call-Info`, RFC 3261 §20.9.
    CallInfo,
    /// `Contact` (compact `m`), RFC 3261 §20.10.
    Contact,
    /// `Content-Disposition`, RFC 3261 §20.11.
    ContentDisposition,
    /// `Content-Encoding` (compact `e`), RFC 3261 §20.12.
    ContentEncoding,
    /// `Content-ID`, RFC 5621 §9.1 / RFC 2045.
    ContentId,
    /// `Content-Language`, RFC 3261 §20.13.
    ContentLanguage,
    /// `Content-Length` (compact `l`), RFC 3261 §20.14.
    ContentLength,
    /// `Content-Type` (compact `c`), RFC 3261 §20.15.
    ContentType,
    /// `CSeq`, RFC 3261 §20.16.
    CSeq,
    /// `Date`, RFC 3261 §20.17.
    Date,
    /// `Error-Info`, RFC 3261 §20.18.
    ErrorInfo,
    /// `Event` (compact `o`), RFC 6665 §8.2.1.
    Event,
    /// `Expires`, RFC 3261 §20.19.
    Expires,
    /// `Feature-Caps`, RFC 6809 §9.
    FeatureCaps,
    /// `From` (compact `f`), RFC 3261 §20.20.
    From,
    /// `History-Info`, RFC 7044.
    HistoryInfo,
    /// `Identity` (compact `y`), RFC 8224.
    Identity,
    /// `In-Reply-To`, RFC 3261 §20.21.
    InReplyTo,
    /// `Max-Forwards`, RFC 3261 §20.22.
    MaxForwards,
    /// `MIME-Version`, RFC 3261 §20.24.
    MimeVersion,
    /// `Min-Expires`, RFC 3261 §20.23.
    MinExpires,
    /// `Min-SE`, RFC 4028.
    MinSe,
    /// `Organization`, RFC 3261 §20.25.
    Organization,
    /// `P-Asserted-Identity`, RFC 3325.
    PAssertedIdentity,
    /// `P-Preferred-Identity`, RFC 3325.
    PPreferredIdentity,
    /// `Path`, RFC 3327.
    Path,
    /// `Priority`, RFC 3261 §20.26.
    Priority,
    /// `Privacy`, RFC 3323.
    Privacy,
    /// `Proxy-Authenticate`, RFC 3261 §20.27.
    ProxyAuthenticate,
    /// `Proxy-Authorization`, RFC 3261 §20.28.
    ProxyAuthorization,
    /// `Proxy-Inspect-Body`, draft-ietf-sip-e2m-sec §5.
    ProxyInspectBody,
    /// `Proxy-Require`, RFC 3261 §20.29.
    ProxyRequire,
    /// `RAck`, RFC 3262 §7.2.
    RAck,
    /// `Reason`, RFC 3326.
    Reason,
    /// `Record-Route`, RFC 3261 §20.30.
    RecordRoute,
    /// `Refer-To` (compact `r`), RFC 3515.
    ReferTo,
    /// `Referred-By` (compact `b`), RFC 3892.
    ReferredBy,
    /// `Reject-Contact` (compact `j`), RFC 3841.
    RejectContact,
    /// `Reply-To`, RFC 3261 §20.31.
    ReplyTo,
    /// `Request-Disposition` (compact `d`), RFC 3841.
    RequestDisposition,
    /// `Require`, RFC 3261 §20.32.
    Require,
    /// `Retry-After`, RFC 3261 §20.33.
    RetryAfter,
    /// `Route`, RFC 3261 §20.34.
    Route,
    /// `RSeq`, RFC 3262 §7.1.
    RSeq,
    /// `Security-Client`, RFC 3329.
    SecurityClient,
    /// `Security-Server`, RFC 3329.
    SecurityServer,
    /// `Security-Verify`, RFC 3329.
    SecurityVerify,
    /// `Server`, RFC 3261 §20.35.
    Server,
    /// `Session-Expires` (compact `x`), RFC 4028.
    SessionExpires,
    /// `Subject` (compact `s`), RFC 3261 §20.36.
    Subject,
    /// `Subscription-State`, RFC 6665 §8.2.3.
    SubscriptionState,
    /// `Supported` (compact `k`), RFC 3261 §20.37.
    Supported,
    /// `Timestamp`, RFC 3261 §20.38.
    Timestamp,
    /// `To` (compact `t`), RFC 3261 §20.39.
    To,
    /// `Unsupported`, RFC 3261 §20.40.
    Unsupported,
    /// `User-Agent`, RFC 3261 §20.41.
    UserAgent,
    /// `Via` (compact `v`), RFC 3261 §20.42.
    Via,
    /// `Warning`, RFC 3261 §20.43.
    Warning,
    /// `WWW-Authenticate`, RFC 3261 §20.44.
    WwwAuthenticate,
    /// Any other header; its name is kept byte-exact in the message.
    Other,
}

/// A known name as the classifier compares it: the lower-case name read
/// little-endian as up to three words (bytes 0..8, the last eight, and
/// 8..16 for names over 16 bytes), and beside each word the bit 0x20 at
/// every letter position; `mask0` keeps the bytes of the first word that
/// belong to the name (all eight for names of eight bytes or more), so
/// the candidate's first word may carry whatever follows the name.
///
/// OR-ing a candidate's word with `fold` and comparing with `lower` is an
/// exact case-insensitive match (RFC 3261 §7.3.1): at a letter position
/// only the two cases of that letter pass, at a '-' only '-' itself (a
/// plain OR of 0x20 everywhere would let CR, 0x0d, pass for '-'). So a
/// name that matches is a `token` by construction and the parser need not
/// check its bytes again.
struct Pat {
    lower: [u64; 3],
    fold: [u64; 3],
    mask0: u64,
}

const fn pat(name: &[u8]) -> Pat {
    let n = name.len();
    let mut lower = [0u64; 3];
    let mut fold = [0u64; 3];
    let mask0 = if n >= 8 { u64::MAX } else { (1u64 << (8 * n)) - 1 };
    // Word k starts at offs[k]; names of up to eight bytes use word 0 only,
    // zero-padded (the parser zero-pads the candidate the same way).
    let offs = [0, n.saturating_sub(8), 8];
    let words = if n <= 8 {
        1
    } else if n <= 16 {
        2
    } else {
        3
    };
    let mut k = 0;
    while k < words {
        let mut j = 0;
        while j < 8 && offs[k] + j < n {
            let b = name[offs[k] + j];
            lower[k] |= (b as u64) << (8 * j);
            if b.is_ascii_lowercase() {
                fold[k] |= 0x20 << (8 * j);
            }
            j += 1;
        }
        k += 1;
    }
    Pat { lower, fold, mask0 }
}

/// The eight bytes of `s` at `i` as a little-endian word (0 if `s` is too
/// short, which the callers rule out by length).
#[inline(always)]
fn word_at(s: &[u8], i: usize) -> u64 {
    match s.get(i..i + 8) {
        Some(w) => match <[u8; 8]>::try_from(w) {
            Ok(a) => u64::from_le_bytes(a),
            Err(_) => 0,
        },
        None => 0,
    }
}

/// True if `name` (whose length is the pattern's) is the pattern's name in
/// some letter case. `head` holds the first `min(len, 8)` bytes of `name`,
/// little-endian, in its low bytes; its other bytes are ignored.
#[inline(always)]
fn is(name: &[u8], head: u64, p: &Pat) -> bool {
    let n = name.len();
    if (head | p.fold[0]) & p.mask0 != p.lower[0] {
        return false;
    }
    if n <= 8 {
        return true;
    }
    if word_at(name, n - 8) | p.fold[1] != p.lower[1] {
        return false;
    }
    n <= 16 || word_at(name, 8) | p.fold[2] == p.lower[2]
}

/// The first `min(len, 8)` bytes of `s` as a little-endian, zero-padded
/// word: the `head` the classifier takes.
#[inline]
pub(crate) fn head_word(s: &[u8]) -> u64 {
    let mut w = 0u64;
    for (j, &b) in s.iter().take(8).enumerate() {
        w |= u64::from(b) << (8 * j);
    }
    w
}

/// Tries the listed names in turn; `Other` if none matches.
macro_rules! pick {
    ($name:ident, $head:ident; $($lit:literal => $kind:ident),+) => {{
        $(
            {
                const P: Pat = pat($lit);
                if is($name, $head, &P) {
                    return HeaderName::$kind;
                }
            }
        )+
        HeaderName::Other
    }};
}

impl HeaderName {
    /// Recognises a header name, long or compact, in any letter case.
    /// Unknown names (and anything that is not a `token`) give
    /// [`HeaderName::Other`].
    #[inline]
    pub fn from_bytes(name: &[u8]) -> HeaderName {
        Self::classify(name, head_word(name))
    }

    /// [`HeaderName::from_bytes`] with the name's first bytes already
    /// loaded as a little-endian word, as the parser has them: the low
    /// `min(len, 8)` bytes of `head` are the name's, the rest may hold
    /// whatever follows it (the patterns mask them off), so the parser
    /// need not cut the word to the name's length.
    ///
    /// Dispatches on length and first letter, then compares one to four
    /// candidates a word at a time (see [`Pat`]). The match is exact, so
    /// `Other` means only "not a known name": the caller checks that such
    /// a name is a `token`.
    #[inline(always)]
    pub(crate) fn classify(name: &[u8], head: u64) -> HeaderName {
        let n = name.len();
        // No arm has length 0, so an empty name is `Other` without a test
        // of its own. The name's first byte, already in the word.
        let first = head as u8;
        // For a letter, `first | 0x20` is its lower case; any other byte
        // lands on an arm whose full compare then fails, or on `_`.
        match (n, first | 0x20) {
            // Compact forms (RFC 3261 §7.3.3 and the RFCs cited on each
            // variant): one letter, either case.
            (1, b'a') => HeaderName::AcceptContact,
            (1, b'b') => HeaderName::ReferredBy,
            (1, b'c') => HeaderName::ContentType,
            (1, b'd') => HeaderName::RequestDisposition,
            (1, b'e') => HeaderName::ContentEncoding,
            (1, b'f') => HeaderName::From,
            (1, b'i') => HeaderName::CallId,
            (1, b'j') => HeaderName::RejectContact,
            (1, b'k') => HeaderName::Supported,
            (1, b'l') => HeaderName::ContentLength,
            (1, b'm') => HeaderName::Contact,
            (1, b'o') => HeaderName::Event,
            (1, b'r') => HeaderName::ReferTo,
            (1, b's') => HeaderName::Subject,
            (1, b't') => HeaderName::To,
            (1, b'u') => HeaderName::AllowEvents,
            (1, b'v') => HeaderName::Via,
            (1, b'x') => HeaderName::SessionExpires,
            (1, b'y') => HeaderName::Identity,
            // A length with one name needs no first-letter test: the
            // word compare tests every letter, the first among them.
            (2, _) => pick!(name, head; b"to" => To),
            (3, _) => pick!(name, head; b"via" => Via),
            (4, b'c') => pick!(name, head; b"cseq" => CSeq),
            (4, b'd') => pick!(name, head; b"date" => Date),
            (4, b'f') => pick!(name, head; b"from" => From),
            (4, b'p') => pick!(name, head; b"path" => Path),
            (4, b'r') => pick!(name, head; b"rack" => RAck, b"rseq" => RSeq),
            (5, b'a') => pick!(name, head; b"allow" => Allow),
            (5, b'e') => pick!(name, head; b"event" => Event),
            (5, b'r') => pick!(name, head; b"route" => Route),
            (6, b'a') => pick!(name, head; b"accept" => Accept),
            (6, b'm') => pick!(name, head; b"min-se" => MinSe),
            (6, b'r') => pick!(name, head; b"reason" => Reason),
            (6, b's') => pick!(name, head; b"server" => Server),
            (7, b'c') => pick!(name, head; b"call-id" => CallId, b"contact" => Contact),
            (7, b'e') => pick!(name, head; b"expires" => Expires),
            (7, b'p') => pick!(name, head; b"privacy" => Privacy),
            (7, b'r') => pick!(name, head; b"require" => Require),
            (7, b's') => pick!(name, head; b"subject" => Subject),
            (7, b'w') => pick!(name, head; b"warning" => Warning),
            (8, b'i') => pick!(name, head; b"identity" => Identity),
            (8, b'p') => pick!(name, head; b"priority" => Priority),
            (8, b'r') => pick!(name, head; b"refer-to" => ReferTo, b"reply-to" => ReplyTo),
            (9, b'c') => pick!(name, head; b"call-info" => CallInfo),
            (9, b's') => pick!(name, head; b"supported" => Supported),
            (9, b't') => pick!(name, head; b"timestamp" => Timestamp),
            (10, b'a') => pick!(name, head; b"alert-info" => AlertInfo),
            (10, b'c') => pick!(name, head; b"content-id" => ContentId),
            (10, b'e') => pick!(name, head; b"error-info" => ErrorInfo),
            (10, b'u') => pick!(name, head; b"user-agent" => UserAgent),
            (11, b'i') => pick!(name, head; b"in-reply-to" => InReplyTo),
            (11, b'm') => pick!(name, head; b"min-expires" => MinExpires),
            (11, b'r') => pick!(name, head; b"referred-by" => ReferredBy, b"retry-after" => RetryAfter),
            (11, b'u') => pick!(name, head; b"unsupported" => Unsupported),
            (12, b'a') => pick!(name, head; b"allow-events" => AllowEvents),
            (12, b'c') => pick!(name, head; b"content-type" => ContentType),
            (12, b'f') => pick!(name, head; b"feature-caps" => FeatureCaps),
            (12, b'h') => pick!(name, head; b"history-info" => HistoryInfo),
            (12, b'm') => pick!(name, head; b"max-forwards" => MaxForwards, b"mime-version" => MimeVersion),
            (12, b'o') => pick!(name, head; b"organization" => Organization),
            (12, b'r') => pick!(name, head; b"record-route" => RecordRoute),
            (13, b'a') => pick!(name, head; b"authorization" => Authorization),
            (13, b'p') => pick!(name, head; b"proxy-require" => ProxyRequire),
            (14, b'a') => pick!(name, head; b"accept-contact" => AcceptContact),
            (14, b'c') => pick!(name, head; b"content-length" => ContentLength),
            (14, b'r') => pick!(name, head; b"reject-contact" => RejectContact),
            (15, b'a') => {
                pick!(name, head; b"accept-encoding" => AcceptEncoding, b"accept-language" => AcceptLanguage)
            }
            (15, b's') => pick!(name, head;
                b"security-client" => SecurityClient,
                b"security-server" => SecurityServer,
                b"security-verify" => SecurityVerify,
                b"session-expires" => SessionExpires),
            (16, b'c') => {
                pick!(name, head; b"content-encoding" => ContentEncoding, b"content-language" => ContentLanguage)
            }
            (16, b'w') => pick!(name, head; b"www-authenticate" => WwwAuthenticate),
            (18, b'p') => {
                pick!(name, head; b"proxy-authenticate" => ProxyAuthenticate, b"proxy-inspect-body" => ProxyInspectBody)
            }
            (18, b's') => pick!(name, head; b"subscription-state" => SubscriptionState),
            (19, b'a') => pick!(name, head; b"authentication-info" => AuthenticationInfo),
            (19, b'c') => pick!(name, head; b"content-disposition" => ContentDisposition),
            (19, b'p') => {
                pick!(name, head; b"p-asserted-identity" => PAssertedIdentity, b"proxy-authorization" => ProxyAuthorization)
            }
            (19, b'r') => pick!(name, head; b"request-disposition" => RequestDisposition),
            (20, _) => pick!(name, head; b"p-preferred-identity" => PPreferredIdentity),
            _ => HeaderName::Other,
        }
    }

    /// The canonical long name (what the serializer writes). `Other` has no
    /// name of its own: the message keeps the one it arrived with.
    pub const fn as_str(self) -> &'static str {
        match self {
            HeaderName::Accept => "Accept",
            HeaderName::AcceptContact => "Accept-Contact",
            HeaderName::AcceptEncoding => "Accept-Encoding",
            HeaderName::AcceptLanguage => "Accept-Language",
            HeaderName::AlertInfo => "Alert-Info",
            HeaderName::Allow => "Allow",
            HeaderName::AllowEvents => "Allow-Events",
            HeaderName::AuthenticationInfo => "Authentication-Info",
            HeaderName::Authorization => "Authorization",
            HeaderName::CallId => "Call-ID",
            HeaderName::CallInfo => "Call-Info",
            HeaderName::Contact => "Contact",
            HeaderName::ContentDisposition => "Content-Disposition",
            HeaderName::ContentEncoding => "Content-Encoding",
            HeaderName::ContentId => "Content-ID",
            HeaderName::ContentLanguage => "Content-Language",
            HeaderName::ContentLength => "Content-Length",
            HeaderName::ContentType => "Content-Type",
            HeaderName::CSeq => "CSeq",
            HeaderName::Date => "Date",
            HeaderName::ErrorInfo => "Error-Info",
            HeaderName::Event => "Event",
            HeaderName::Expires => "Expires",
            HeaderName::FeatureCaps => "Feature-Caps",
            HeaderName::From => "From",
            HeaderName::HistoryInfo => "History-Info",
            HeaderName::Identity => "Identity",
            HeaderName::InReplyTo => "In-Reply-To",
            HeaderName::MaxForwards => "Max-Forwards",
            HeaderName::MimeVersion => "MIME-Version",
            HeaderName::MinExpires => "Min-Expires",
            HeaderName::MinSe => "Min-SE",
            HeaderName::Organization => "Organization",
            HeaderName::PAssertedIdentity => "P-Asserted-Identity",
            HeaderName::PPreferredIdentity => "P-Preferred-Identity",
            HeaderName::Path => "Path",
            HeaderName::Priority => "Priority",
            HeaderName::Privacy => "Privacy",
            HeaderName::ProxyAuthenticate => "Proxy-Authenticate",
            HeaderName::ProxyAuthorization => "Proxy-Authorization",
            HeaderName::ProxyInspectBody => "Proxy-Inspect-Body",
            HeaderName::ProxyRequire => "Proxy-Require",
            HeaderName::RAck => "RAck",
            HeaderName::Reason => "Reason",
            HeaderName::RecordRoute => "Record-Route",
            HeaderName::ReferTo => "Refer-To",
            HeaderName::ReferredBy => "Referred-By",
            HeaderName::RejectContact => "Reject-Contact",
            HeaderName::ReplyTo => "Reply-To",
            HeaderName::RequestDisposition => "Request-Disposition",
            HeaderName::Require => "Require",
            HeaderName::RetryAfter => "Retry-After",
            HeaderName::Route => "Route",
            HeaderName::RSeq => "RSeq",
            HeaderName::SecurityClient => "Security-Client",
            HeaderName::SecurityServer => "Security-Server",
            HeaderName::SecurityVerify => "Security-Verify",
            HeaderName::Server => "Server",
            HeaderName::SessionExpires => "Session-Expires",
            HeaderName::Subject => "Subject",
            HeaderName::SubscriptionState => "Subscription-State",
            HeaderName::Supported => "Supported",
            HeaderName::Timestamp => "Timestamp",
            HeaderName::To => "To",
            HeaderName::Unsupported => "Unsupported",
            HeaderName::UserAgent => "User-Agent",
            HeaderName::Via => "Via",
            HeaderName::Warning => "Warning",
            HeaderName::WwwAuthenticate => "WWW-Authenticate",
            HeaderName::Other => "",
        }
    }

    /// The compact form, if the header has one.
    pub const fn compact(self) -> Option<&'static str> {
        match self {
            HeaderName::AcceptContact => Some("a"),
            HeaderName::AllowEvents => Some("u"),
            HeaderName::CallId => Some("i"),
            HeaderName::Contact => Some("m"),
            HeaderName::ContentEncoding => Some("e"),
            HeaderName::ContentLength => Some("l"),
            HeaderName::ContentType => Some("c"),
            HeaderName::Event => Some("o"),
            HeaderName::From => Some("f"),
            HeaderName::Identity => Some("y"),
            HeaderName::ReferTo => Some("r"),
            HeaderName::ReferredBy => Some("b"),
            HeaderName::RejectContact => Some("j"),
            HeaderName::RequestDisposition => Some("d"),
            HeaderName::SessionExpires => Some("x"),
            HeaderName::Subject => Some("s"),
            HeaderName::Supported => Some("k"),
            HeaderName::To => Some("t"),
            HeaderName::Via => Some("v"),
            _ => None,
        }
    }

    /// True if the header's grammar allows several comma-separated values
    /// in one field (RFC 3261 §7.3.1), so that the field may be split and
    /// combined. The authentication headers are not lists: their commas
    /// separate parameters.
    pub const fn is_list(self) -> bool {
        matches!(
            self,
            HeaderName::Accept
                | HeaderName::AcceptContact
                | HeaderName::AcceptEncoding
                | HeaderName::AcceptLanguage
                | HeaderName::AlertInfo
                | HeaderName::Allow
                | HeaderName::AllowEvents
                | HeaderName::CallInfo
                | HeaderName::Contact
                | HeaderName::ContentEncoding
                | HeaderName::ContentLanguage
                | HeaderName::ErrorInfo
                | HeaderName::FeatureCaps
                | HeaderName::HistoryInfo
                | HeaderName::InReplyTo
                | HeaderName::PAssertedIdentity
                | HeaderName::PPreferredIdentity
                | HeaderName::Path
                | HeaderName::ProxyInspectBody
                | HeaderName::ProxyRequire
                | HeaderName::Reason
                | HeaderName::RecordRoute
                | HeaderName::RejectContact
                | HeaderName::RequestDisposition
                | HeaderName::Require
                | HeaderName::Route
                | HeaderName::SecurityClient
                | HeaderName::SecurityServer
                | HeaderName::SecurityVerify
                | HeaderName::Supported
                | HeaderName::Unsupported
                | HeaderName::Via
                | HeaderName::Warning
        )
    }

    /// Every known name, in declaration order.
    pub const ALL: &'static [HeaderName] = &[
        HeaderName::Accept,
        HeaderName::AcceptContact,
        HeaderName::AcceptEncoding,
        HeaderName::AcceptLanguage,
        HeaderName::AlertInfo,
        HeaderName::Allow,
        HeaderName::AllowEvents,
        HeaderName::AuthenticationInfo,
        HeaderName::Authorization,
        HeaderName::CallId,
        HeaderName::CallInfo,
        HeaderName::Contact,
        HeaderName::ContentDisposition,
        HeaderName::ContentEncoding,
        HeaderName::ContentId,
        HeaderName::ContentLanguage,
        HeaderName::ContentLength,
        HeaderName::ContentType,
        HeaderName::CSeq,
        HeaderName::Date,
        HeaderName::ErrorInfo,
        HeaderName::Event,
        HeaderName::Expires,
        HeaderName::FeatureCaps,
        HeaderName::From,
        HeaderName::HistoryInfo,
        HeaderName::Identity,
        HeaderName::InReplyTo,
        HeaderName::MaxForwards,
        HeaderName::MimeVersion,
        HeaderName::MinExpires,
        HeaderName::MinSe,
        HeaderName::Organization,
        HeaderName::PAssertedIdentity,
        HeaderName::PPreferredIdentity,
        HeaderName::Path,
        HeaderName::Priority,
        HeaderName::Privacy,
        HeaderName::ProxyAuthenticate,
        HeaderName::ProxyAuthorization,
        HeaderName::ProxyInspectBody,
        HeaderName::ProxyRequire,
        HeaderName::RAck,
        HeaderName::Reason,
        HeaderName::RecordRoute,
        HeaderName::ReferTo,
        HeaderName::ReferredBy,
        HeaderName::RejectContact,
        HeaderName::ReplyTo,
        HeaderName::RequestDisposition,
        HeaderName::Require,
        HeaderName::RetryAfter,
        HeaderName::Route,
        HeaderName::RSeq,
        HeaderName::SecurityClient,
        HeaderName::SecurityServer,
        HeaderName::SecurityVerify,
        HeaderName::Server,
        HeaderName::SessionExpires,
        HeaderName::Subject,
        HeaderName::SubscriptionState,
        HeaderName::Supported,
        HeaderName::Timestamp,
        HeaderName::To,
        HeaderName::Unsupported,
        HeaderName::UserAgent,
        HeaderName::Via,
        HeaderName::Warning,
        HeaderName::WwwAuthenticate,
    ];
}

impl core::fmt::Display for HeaderName {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3261_7_3_3_compact_forms_and_case() {
        assert_eq!(HeaderName::from_bytes(b"v"), HeaderName::Via);
        assert_eq!(HeaderName::from_bytes(b"V"), HeaderName::Via);
        assert_eq!(HeaderName::from_bytes(b"cAlL-iD"), HeaderName::CallId);
        assert_eq!(HeaderName::from_bytes(b"l"), HeaderName::ContentLength);
        assert_eq!(HeaderName::from_bytes(b"X-Unknown"), HeaderName::Other);
        assert_eq!(HeaderName::from_bytes(&[b'a'; 100]), HeaderName::Other);
        // Only letters fold: a CR is not a '-'.
        assert_eq!(HeaderName::from_bytes(b"Call\rID"), HeaderName::Other);
        for &h in HeaderName::ALL {
            assert_eq!(HeaderName::from_bytes(h.as_str().as_bytes()), h, "{h:?}");
            if let Some(c) = h.compact() {
                assert_eq!(HeaderName::from_bytes(c.as_bytes()), h);
            }
        }
    }

    #[test]
    fn rfc3261_7_3_1_names_sharing_length_and_initial() {
        // Recognition dispatches on (length, first letter) and then compares
        // the rest: names in the same bucket, case variations of either
        // letter position, and near misses must all come out right.
        let cases: &[(&[u8], HeaderName)] = &[
            (b"RAck", HeaderName::RAck),
            (b"rseq", HeaderName::RSeq),
            (b"RSEQ", HeaderName::RSeq),
            (b"rsex", HeaderName::Other),
            (b"Call-ID", HeaderName::CallId),
            (b"CONTACT", HeaderName::Contact),
            (b"contacT", HeaderName::Contact),
            (b"Contacts", HeaderName::Other),
            (b"Contac", HeaderName::Other),
            (b"Security-Verify", HeaderName::SecurityVerify),
            (b"security-client", HeaderName::SecurityClient),
            (b"Security-ServeR", HeaderName::SecurityServer),
            (b"Security_Server", HeaderName::Other),
            (b"Vi", HeaderName::Other),
            (b"Via_", HeaderName::Other),
            (b"Wia", HeaderName::Other),
            (b"T", HeaderName::To),
            (b"_", HeaderName::Other),
            (b"1", HeaderName::Other),
            (b"q", HeaderName::Other),
            (b"", HeaderName::Other),
        ];
        for &(name, want) in cases {
            assert_eq!(HeaderName::from_bytes(name), want, "{:?}", core::str::from_utf8(name));
        }
    }

    /// The reference the classifier must agree with: a case-insensitive
    /// compare against every long and compact name (RFC 3261 §7.3.1,
    /// §7.3.3).
    fn reference(name: &[u8]) -> HeaderName {
        HeaderName::ALL
            .iter()
            .copied()
            .find(|h| {
                name.eq_ignore_ascii_case(h.as_str().as_bytes())
                    || h.compact().is_some_and(|c| name.eq_ignore_ascii_case(c.as_bytes()))
            })
            .unwrap_or(HeaderName::Other)
    }

    #[test]
    fn rfc3261_7_3_1_classifier_ignores_the_bytes_after_the_name() {
        // The parser hands the classifier the line's first eight bytes,
        // which may run past the name (the colon, the value): whatever
        // follows must not change the result.
        for &h in HeaderName::ALL {
            for name in [Some(h.as_str()), h.compact()].into_iter().flatten() {
                let n = name.len();
                for junk in [0u8, b':', b' ', b'a', b'-', 0x0d, 0xff] {
                    let mut buf = [junk; 32];
                    buf[..n].copy_from_slice(name.as_bytes());
                    let w = u64::from_le_bytes(buf[..8].try_into().unwrap());
                    assert_eq!(HeaderName::classify(&buf[..n], w), h, "{name} + {junk}");
                    // One byte short is a different (unknown or shorter) name.
                    let short = &buf[..n - 1];
                    assert_eq!(HeaderName::classify(short, w), reference(short), "{name} - 1");
                }
            }
        }
    }

    #[test]
    fn rfc3261_7_3_1_classifier_is_exact_under_every_one_byte_change() {
        // Every byte value at every position of every known name, long and
        // compact, and the name cut or extended by one byte: the word
        // compare must agree with the plain case-insensitive reference (in
        // particular CR, 0x0d, must not pass for '-', 0x2d).
        for &h in HeaderName::ALL {
            for name in [Some(h.as_str()), h.compact()].into_iter().flatten() {
                let mut buf = [0u8; 32];
                let n = name.len();
                buf[..n].copy_from_slice(name.as_bytes());
                for i in 0..=n {
                    for b in 0..=255u8 {
                        let mut m = buf;
                        m[i] = b;
                        // i == n: the name extended by one byte.
                        let cand = &m[..n.max(i + 1)];
                        assert_eq!(HeaderName::from_bytes(cand), reference(cand), "{cand:?}");
                    }
                }
                assert_eq!(HeaderName::from_bytes(&buf[..n - 1]), reference(&buf[..n - 1]));
                let mut upper = buf;
                upper[..n].make_ascii_uppercase();
                assert_eq!(HeaderName::from_bytes(&upper[..n]), h);
            }
        }
    }
}
