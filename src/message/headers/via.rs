//! Via (RFC 3261 §20.42, §18.2.1; RFC 3581; RFC 5118). INTERFACE STUB.
use crate::message::error::ParseError;

/// One Via value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Via<'a> {
    raw: &'a [u8],
}
impl<'a> Via<'a> {
    /// Parses one via-parm.
    pub fn parse(raw: &'a [u8]) -> Result<Via<'a>, ParseError> {
        Ok(Via { raw })
    }
    /// The branch parameter.
    pub fn branch(&self) -> Option<&'a str> {
        None
    }
}
