//! name-addr / addr-spec headers. INTERFACE STUB.
use crate::message::error::ParseError;

/// A name-addr or addr-spec with header parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NameAddr<'a> {
    raw: &'a [u8],
}
impl<'a> NameAddr<'a> {
    /// Parses one value.
    pub fn parse(raw: &'a [u8]) -> Result<NameAddr<'a>, ParseError> {
        Ok(NameAddr { raw })
    }
}
