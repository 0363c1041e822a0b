//! Typed header values, decoded on demand from a [`Message`](super::Message).
//!
//! Each type has a `parse(value: &[u8])` that decodes one field value (or,
//! for list headers, one comma-separated element), and `Message` has an
//! accessor per header that finds the fields and decodes them.

mod scalar;
pub use scalar::*;
mod via;
pub use via::*;
mod addr;
pub use addr::*;
mod lists;
pub use lists::*;
mod auth;
pub use auth::*;
mod content;
pub use content::*;
mod misc;
pub use misc::*;

use super::error::ParseError;
use super::name::HeaderName;

/// Decodes one header field value with the typed decoder for `name`
/// (every comma-separated element for list headers) and reports the first
/// error. Headers without a typed decoder are accepted as they are.
///
/// This is the one table from header name to decoder;
/// [`validate::decode_all`](super::validate::decode_all) runs it over a
/// whole message.
pub fn decode_field(name: HeaderName, value: &[u8]) -> Result<(), ParseError> {
    use HeaderName as H;
    fn each(value: &[u8], mut f: impl FnMut(&[u8]) -> Result<(), ParseError>) -> Result<(), ParseError> {
        super::lex::CommaList::new(value).try_for_each(&mut f)
    }
    match name {
        H::Via => each(value, |v| Via::parse(v).map(drop)),
        H::From | H::To | H::ReplyTo => NameAddr::parse_for(value, name).map(drop),
        H::Contact => each(value, |v| ContactValue::parse(v).map(drop)),
        H::Route | H::RecordRoute | H::Path | H::PAssertedIdentity | H::PPreferredIdentity => {
            each(value, |v| NameAddr::parse_for(v, name).map(drop))
        }
        H::CallId => parse_call_id(value).map(drop),
        H::CSeq => CSeq::parse(value).map(drop),
        H::MaxForwards => parse_max_forwards(value).map(drop),
        H::Expires | H::MinExpires | H::ContentLength => scalar::parse_u32_field(value, name).map(drop),
        H::RSeq => match scalar::parse_u32_field(value, name)? {
            0 => Err(ParseError::new(super::Element::Header(name), super::ErrorKind::OutOfRange)),
            _ => Ok(()),
        },
        H::RAck => RAck::parse(value).map(drop),
        H::RetryAfter => RetryAfter::parse(value).map(drop),
        H::Timestamp => Timestamp::parse(value).map(drop),
        H::Date => Date::parse(value).map(drop),
        H::ContentType => MediaType::parse_header(value, name).map(drop),
        H::Accept => each(value, |v| AcceptRange::parse_header(v, name).map(drop)),
        H::ContentDisposition => ContentDisposition::parse(value).map(drop),
        H::ContentId => parse_content_id(value).map(drop),
        H::ContentEncoding => each(value, |v| parse_token(v, name).map(drop)),
        H::ContentLanguage => each(value, |v| parse_language_tag(v, name).map(drop)),
        H::Require | H::Supported | H::ProxyRequire | H::Unsupported => {
            each(value, |v| parse_token(v, name).map(drop))
        }
        H::Allow => each(value, |v| parse_method(v, name).map(drop)),
        H::AllowEvents => each(value, |v| parse_event_type(v, name).map(drop)),
        H::WwwAuthenticate | H::ProxyAuthenticate => Challenge::parse_header(value, name).map(drop),
        H::Authorization | H::ProxyAuthorization => Credentials::parse_header(value, name).map(drop),
        H::AuthenticationInfo => AuthenticationInfo::parse(value).map(drop),
        H::Warning => each(value, |v| Warning::parse(v).map(drop)),
        H::FeatureCaps => each(value, |v| FeatureCap::parse(v).map(drop)),
        H::Reason => each(value, |v| Reason::parse(v).map(drop)),
        H::Event => Event::parse(value).map(drop),
        H::SubscriptionState => SubscriptionState::parse(value).map(drop),
        H::Privacy => Privacy::parse(value).map(drop),
        H::SessionExpires => SessionExpires::parse(value).map(drop),
        H::MinSe => parse_min_se(value).map(drop),
        _ => Ok(()),
    }
}
