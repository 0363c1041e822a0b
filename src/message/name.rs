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
    #[inline]
    pub(crate) fn from_token(name: &[u8]) -> HeaderName {
        // Lower-case into a stack buffer, then one `match` on the slice:
        // the compiler turns it into a switch on length plus a compare.
        let mut buf = [0u8; 24];
        let n = name.len();
        if n > buf.len() {
            return HeaderName::Other;
        }
        for i in 0..n {
            buf[i] = name[i] | 0x20;
        }
        match &buf[..n] {
            b"accept" => HeaderName::Accept,
            b"accept-contact" | b"a" => HeaderName::AcceptContact,
            b"accept-encoding" => HeaderName::AcceptEncoding,
            b"accept-language" => HeaderName::AcceptLanguage,
            b"alert-info" => HeaderName::AlertInfo,
            b"allow" => HeaderName::Allow,
            b"allow-events" | b"u" => HeaderName::AllowEvents,
            b"authentication-info" => HeaderName::AuthenticationInfo,
            b"authorization" => HeaderName::Authorization,
            b"call-id" | b"i" => HeaderName::CallId,
            b"call-info" => HeaderName::CallInfo,
            b"contact" | b"m" => HeaderName::Contact,
            b"content-disposition" => HeaderName::ContentDisposition,
            b"content-encoding" | b"e" => HeaderName::ContentEncoding,
            b"content-id" => HeaderName::ContentId,
            b"content-language" => HeaderName::ContentLanguage,
            b"content-length" | b"l" => HeaderName::ContentLength,
            b"content-type" | b"c" => HeaderName::ContentType,
            b"cseq" => HeaderName::CSeq,
            b"date" => HeaderName::Date,
            b"error-info" => HeaderName::ErrorInfo,
            b"event" | b"o" => HeaderName::Event,
            b"expires" => HeaderName::Expires,
            b"feature-caps" => HeaderName::FeatureCaps,
            b"from" | b"f" => HeaderName::From,
            b"history-info" => HeaderName::HistoryInfo,
            b"identity" | b"y" => HeaderName::Identity,
            b"in-reply-to" => HeaderName::InReplyTo,
            b"max-forwards" => HeaderName::MaxForwards,
            b"mime-version" => HeaderName::MimeVersion,
            b"min-expires" => HeaderName::MinExpires,
            b"min-se" => HeaderName::MinSe,
            b"organization" => HeaderName::Organization,
            b"p-asserted-identity" => HeaderName::PAssertedIdentity,
            b"p-preferred-identity" => HeaderName::PPreferredIdentity,
            b"path" => HeaderName::Path,
            b"priority" => HeaderName::Priority,
            b"privacy" => HeaderName::Privacy,
            b"proxy-authenticate" => HeaderName::ProxyAuthenticate,
            b"proxy-authorization" => HeaderName::ProxyAuthorization,
            b"proxy-inspect-body" => HeaderName::ProxyInspectBody,
            b"proxy-require" => HeaderName::ProxyRequire,
            b"rack" => HeaderName::RAck,
            b"reason" => HeaderName::Reason,
            b"record-route" => HeaderName::RecordRoute,
            b"refer-to" | b"r" => HeaderName::ReferTo,
            b"referred-by" | b"b" => HeaderName::ReferredBy,
            b"reject-contact" | b"j" => HeaderName::RejectContact,
            b"reply-to" => HeaderName::ReplyTo,
            b"request-disposition" | b"d" => HeaderName::RequestDisposition,
            b"require" => HeaderName::Require,
            b"retry-after" => HeaderName::RetryAfter,
            b"route" => HeaderName::Route,
            b"rseq" => HeaderName::RSeq,
            b"security-client" => HeaderName::SecurityClient,
            b"security-server" => HeaderName::SecurityServer,
            b"security-verify" => HeaderName::SecurityVerify,
            b"server" => HeaderName::Server,
            b"session-expires" | b"x" => HeaderName::SessionExpires,
            b"subject" | b"s" => HeaderName::Subject,
            b"subscription-state" => HeaderName::SubscriptionState,
            b"supported" | b"k" => HeaderName::Supported,
            b"timestamp" => HeaderName::Timestamp,
            b"to" | b"t" => HeaderName::To,
            b"unsupported" => HeaderName::Unsupported,
            b"user-agent" => HeaderName::UserAgent,
            b"via" | b"v" => HeaderName::Via,
            b"warning" => HeaderName::Warning,
            b"www-authenticate" => HeaderName::WwwAuthenticate,
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
}
