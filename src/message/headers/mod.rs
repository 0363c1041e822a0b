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
