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

/// `name` equals `lower` (a lower-case known name) once each byte of
/// `name` is OR-ed with 0x20 (the case fold of [`HeaderName::from_token`]).
///
/// Every byte of a known name has bit 0x20 set (lower-case letters, `-`),
/// so whole words can be OR-ed and compared: two overlapping loads cover
/// any length from 4 to 16, a loop the rest.
#[inline(always)]
fn eq_lower(name: &[u8], lower: &[u8]) -> bool {
    #[inline(always)]
    fn w8(s: &[u8], i: usize) -> Option<u64> {
        Some(u64::from_le_bytes(s.get(i..i + 8)?.try_into().ok()?))
    }
    #[inline(always)]
    fn w4(s: &[u8], i: usize) -> Option<u32> {
        Some(u32::from_le_bytes(s.get(i..i + 4)?.try_into().ok()?))
    }
    const F8: u64 = 0x2020_2020_2020_2020;
    const F4: u32 = 0x2020_2020;
    let n = lower.len();
    if name.len() != n {
        return false;
    }
    let eq8 = |i: usize| matches!((w8(name, i), w8(lower, i)), (Some(a), Some(b)) if a | F8 == b);
    let eq4 = |i: usize| matches!((w4(name, i), w4(lower, i)), (Some(a), Some(b)) if a | F4 == b);
    match n {
        0 => true,
        1..=3 => name.iter().zip(lower).all(|(&a, &b)| a | 0x20 == b),
        4..=8 => eq4(0) && eq4(n - 4),
        9..=16 => eq8(0) && eq8(n - 8),
        _ => {
            let mut i = 0;
            while i + 8 < n {
                if !eq8(i) {
                    return false;
                }
                i += 8;
            }
            eq8(n - 8)
        }
    }
}

impl HeaderName {
    /// Recognises a header name, long or compact, in any letter case.
    /// Unknown names give [`HeaderName::Other`].
    #[inline]
    pub fn from_bytes(name: &[u8]) -> HeaderName {
        if !name.iter().all(|&c| super::lex::is_token(c)) {
            return HeaderName::Other;
        }
        Self::from_token(name)
    }

    /// [`HeaderName::from_bytes`] for a name already known to be a `token`
    /// (the parser checks that while finding the colon).
    ///
    /// OR-ing 0x20 folds letters to lower case; on the other token
    /// characters it changes nothing or (for '_') yields a byte no known
    /// name contains, so it never makes an unknown token match. (It is not
    /// safe for non-tokens: CR would become '-'.)
    #[inline(always)]
    pub(crate) fn from_token(name: &[u8]) -> HeaderName {
        let n = name.len();
        let Some(&first) = name.first() else {
            return HeaderName::Other;
        };
        // Dispatch on length and first letter, then compare with the one
        // or two names left (lower-case by OR-ing 0x20, see above).
        let (cand, kind) = match (n, first | 0x20) {
            (1, b'a') => return HeaderName::AcceptContact,
            (1, b'b') => return HeaderName::ReferredBy,
            (1, b'c') => return HeaderName::ContentType,
            (1, b'd') => return HeaderName::RequestDisposition,
            (1, b'e') => return HeaderName::ContentEncoding,
            (1, b'f') => return HeaderName::From,
            (1, b'i') => return HeaderName::CallId,
            (1, b'j') => return HeaderName::RejectContact,
            (1, b'k') => return HeaderName::Supported,
            (1, b'l') => return HeaderName::ContentLength,
            (1, b'm') => return HeaderName::Contact,
            (1, b'o') => return HeaderName::Event,
            (1, b'r') => return HeaderName::ReferTo,
            (1, b's') => return HeaderName::Subject,
            (1, b't') => return HeaderName::To,
            (1, b'u') => return HeaderName::AllowEvents,
            (1, b'v') => return HeaderName::Via,
            (1, b'x') => return HeaderName::SessionExpires,
            (1, b'y') => return HeaderName::Identity,
            (2, b't') => (&b"to"[1..], HeaderName::To),
            (3, b'v') => (&b"via"[1..], HeaderName::Via),
            (4, b'c') => (&b"cseq"[1..], HeaderName::CSeq),
            (4, b'd') => (&b"date"[1..], HeaderName::Date),
            (4, b'f') => (&b"from"[1..], HeaderName::From),
            (4, b'p') => (&b"path"[1..], HeaderName::Path),
            (4, b'r') => {
                if eq_lower(&name[1..], &b"rack"[1..]) {
                    return HeaderName::RAck;
                }
                (&b"rseq"[1..], HeaderName::RSeq)
            }
            (5, b'a') => (&b"allow"[1..], HeaderName::Allow),
            (5, b'e') => (&b"event"[1..], HeaderName::Event),
            (5, b'r') => (&b"route"[1..], HeaderName::Route),
            (6, b'a') => (&b"accept"[1..], HeaderName::Accept),
            (6, b'm') => (&b"min-se"[1..], HeaderName::MinSe),
            (6, b'r') => (&b"reason"[1..], HeaderName::Reason),
            (6, b's') => (&b"server"[1..], HeaderName::Server),
            (7, b'c') => {
                if eq_lower(&name[1..], &b"call-id"[1..]) {
                    return HeaderName::CallId;
                }
                (&b"contact"[1..], HeaderName::Contact)
            }
            (7, b'e') => (&b"expires"[1..], HeaderName::Expires),
            (7, b'p') => (&b"privacy"[1..], HeaderName::Privacy),
            (7, b'r') => (&b"require"[1..], HeaderName::Require),
            (7, b's') => (&b"subject"[1..], HeaderName::Subject),
            (7, b'w') => (&b"warning"[1..], HeaderName::Warning),
            (8, b'i') => (&b"identity"[1..], HeaderName::Identity),
            (8, b'p') => (&b"priority"[1..], HeaderName::Priority),
            (8, b'r') => {
                if eq_lower(&name[1..], &b"refer-to"[1..]) {
                    return HeaderName::ReferTo;
                }
                (&b"reply-to"[1..], HeaderName::ReplyTo)
            }
            (9, b'c') => (&b"call-info"[1..], HeaderName::CallInfo),
            (9, b's') => (&b"supported"[1..], HeaderName::Supported),
            (9, b't') => (&b"timestamp"[1..], HeaderName::Timestamp),
            (10, b'a') => (&b"alert-info"[1..], HeaderName::AlertInfo),
            (10, b'c') => (&b"content-id"[1..], HeaderName::ContentId),
            (10, b'e') => (&b"error-info"[1..], HeaderName::ErrorInfo),
            (10, b'u') => (&b"user-agent"[1..], HeaderName::UserAgent),
            (11, b'i') => (&b"in-reply-to"[1..], HeaderName::InReplyTo),
            (11, b'm') => (&b"min-expires"[1..], HeaderName::MinExpires),
            (11, b'r') => {
                if eq_lower(&name[1..], &b"referred-by"[1..]) {
                    return HeaderName::ReferredBy;
                }
                (&b"retry-after"[1..], HeaderName::RetryAfter)
            }
            (11, b'u') => (&b"unsupported"[1..], HeaderName::Unsupported),
            (12, b'a') => (&b"allow-events"[1..], HeaderName::AllowEvents),
            (12, b'c') => (&b"content-type"[1..], HeaderName::ContentType),
            (12, b'f') => (&b"feature-caps"[1..], HeaderName::FeatureCaps),
            (12, b'h') => (&b"history-info"[1..], HeaderName::HistoryInfo),
            (12, b'm') => {
                if eq_lower(&name[1..], &b"max-forwards"[1..]) {
                    return HeaderName::MaxForwards;
                }
                (&b"mime-version"[1..], HeaderName::MimeVersion)
            }
            (12, b'o') => (&b"organization"[1..], HeaderName::Organization),
            (12, b'r') => (&b"record-route"[1..], HeaderName::RecordRoute),
            (13, b'a') => (&b"authorization"[1..], HeaderName::Authorization),
            (13, b'p') => (&b"proxy-require"[1..], HeaderName::ProxyRequire),
            (14, b'a') => (&b"accept-contact"[1..], HeaderName::AcceptContact),
            (14, b'c') => (&b"content-length"[1..], HeaderName::ContentLength),
            (14, b'r') => (&b"reject-contact"[1..], HeaderName::RejectContact),
            (15, b'a') => {
                if eq_lower(&name[1..], &b"accept-encoding"[1..]) {
                    return HeaderName::AcceptEncoding;
                }
                (&b"accept-language"[1..], HeaderName::AcceptLanguage)
            }
            (15, b's') => {
                if eq_lower(&name[1..], &b"security-client"[1..]) {
                    return HeaderName::SecurityClient;
                }
                if eq_lower(&name[1..], &b"security-server"[1..]) {
                    return HeaderName::SecurityServer;
                }
                if eq_lower(&name[1..], &b"security-verify"[1..]) {
                    return HeaderName::SecurityVerify;
                }
                (&b"session-expires"[1..], HeaderName::SessionExpires)
            }
            (16, b'c') => {
                if eq_lower(&name[1..], &b"content-encoding"[1..]) {
                    return HeaderName::ContentEncoding;
                }
                (&b"content-language"[1..], HeaderName::ContentLanguage)
            }
            (16, b'w') => (&b"www-authenticate"[1..], HeaderName::WwwAuthenticate),
            (18, b'p') => {
                if eq_lower(&name[1..], &b"proxy-authenticate"[1..]) {
                    return HeaderName::ProxyAuthenticate;
                }
                (&b"proxy-inspect-body"[1..], HeaderName::ProxyInspectBody)
            }
            (18, b's') => (&b"subscription-state"[1..], HeaderName::SubscriptionState),
            (19, b'a') => (&b"authentication-info"[1..], HeaderName::AuthenticationInfo),
            (19, b'c') => (&b"content-disposition"[1..], HeaderName::ContentDisposition),
            (19, b'p') => {
                if eq_lower(&name[1..], &b"p-asserted-identity"[1..]) {
                    return HeaderName::PAssertedIdentity;
                }
                (&b"proxy-authorization"[1..], HeaderName::ProxyAuthorization)
            }
            (19, b'r') => (&b"request-disposition"[1..], HeaderName::RequestDisposition),
            (20, b'p') => (&b"p-preferred-identity"[1..], HeaderName::PPreferredIdentity),
            _ => return HeaderName::Other,
        };
        if eq_lower(&name[1..], cand) { kind } else { HeaderName::Other }
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
}
