//! Where serialized bytes go: a [`Vec<u8>`], a caller's `&mut [u8]`, or any
//! [`core::fmt::Write`].

use alloc::vec::Vec;

/// A byte destination for the serializers.
///
/// Implemented for [`Vec<u8>`] (never fails), [`SliceSink`] (a caller's
/// fixed buffer; fails when full) and [`FmtSink`] (any [`core::fmt::Write`];
/// fails on bytes that are not UTF-8). Every `put` hands over a whole
/// syntactic unit (a name, a value, a line break, the body), never half a
/// character.
pub trait Sink {
    /// Appends `bytes`, all or nothing.
    fn put(&mut self, bytes: &[u8]) -> Result<(), SinkError>;
}

/// A [`Sink`] refused bytes: its buffer is full, or (for [`FmtSink`]) the
/// bytes are not UTF-8 or the formatter failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[error("the output sink refused the bytes (buffer full, not UTF-8, or formatter error)")]
pub struct SinkError;

impl Sink for Vec<u8> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) -> Result<(), SinkError> {
        self.extend_from_slice(bytes);
        Ok(())
    }
}

impl<S: Sink + ?Sized> Sink for &mut S {
    #[inline]
    fn put(&mut self, bytes: &[u8]) -> Result<(), SinkError> {
        (**self).put(bytes)
    }
}

/// A [`Sink`] over a caller's fixed buffer.
///
/// ```
/// use sip_proto::message::builder::{Sink, SliceSink};
///
/// let mut buf = [0u8; 8];
/// let mut sink = SliceSink::new(&mut buf);
/// sink.put(b"SIP/2.0")?;
/// assert_eq!(sink.written(), b"SIP/2.0");
/// assert!(sink.put(b" 200").is_err()); // does not fit: nothing written
/// assert_eq!(sink.len(), 7);
/// # Ok::<(), sip_proto::message::builder::SinkError>(())
/// ```
#[derive(Debug)]
pub struct SliceSink<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl<'b> SliceSink<'b> {
    /// Writes from the start of `buf`.
    pub fn new(buf: &'b mut [u8]) -> Self {
        SliceSink { buf, len: 0 }
    }

    /// How many bytes have been written.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True if nothing has been written.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The bytes written so far.
    pub fn written(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    /// Gives back the written part of the buffer.
    pub fn into_written(self) -> &'b mut [u8] {
        &mut self.buf[..self.len]
    }
}

impl Sink for SliceSink<'_> {
    fn put(&mut self, bytes: &[u8]) -> Result<(), SinkError> {
        let end = self.len.checked_add(bytes.len()).ok_or(SinkError)?;
        let dst = self.buf.get_mut(self.len..end).ok_or(SinkError)?;
        dst.copy_from_slice(bytes);
        self.len = end;
        Ok(())
    }
}

/// A [`Sink`] over any [`core::fmt::Write`] (a `String`, a formatter, a
/// `heapless::String`). Bytes that are not UTF-8 (a binary body, a Latin-1
/// header) make `put` fail.
#[derive(Debug)]
pub struct FmtSink<W>(pub W);

impl<W: core::fmt::Write> Sink for FmtSink<W> {
    fn put(&mut self, bytes: &[u8]) -> Result<(), SinkError> {
        let s = core::str::from_utf8(bytes).map_err(|_| SinkError)?;
        self.0.write_str(s).map_err(|_| SinkError)
    }
}

/// Writes `n` in decimal.
pub(super) fn put_uint<S: Sink + ?Sized>(out: &mut S, mut n: u64) -> Result<(), SinkError> {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.put(&digits[i..])
}

/// Writes a value taken from a parsed message. Such a value may hold folds
/// (`CRLF 1*WSP`, or `LF 1*WSP`, which the parser accepts); a bare LF is
/// written as CRLF so that the output has only CRLF line breaks. The parser
/// guarantees every line break inside a value is followed by white space,
/// so nothing here can end a header line early.
pub(super) fn put_folded<S: Sink + ?Sized>(out: &mut S, mut v: &[u8]) -> Result<(), SinkError> {
    while let Some(k) = memchr::memchr(b'\n', v) {
        if k > 0 && v[k - 1] == b'\r' {
            out.put(&v[..=k])?;
        } else {
            out.put(&v[..k])?;
            out.put(b"\r\n")?;
        }
        v = &v[k + 1..];
    }
    out.put(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;

    #[test]
    fn slice_sink_is_all_or_nothing() {
        let mut buf = [0u8; 4];
        let mut s = SliceSink::new(&mut buf);
        s.put(b"ab").unwrap();
        assert_eq!(s.put(b"cde"), Err(SinkError));
        s.put(b"cd").unwrap();
        assert_eq!(s.written(), b"abcd");
    }

    #[test]
    fn fmt_sink_rejects_non_utf8() {
        let mut s = FmtSink(String::new());
        s.put(b"ok").unwrap();
        assert_eq!(s.put(&[0xff]), Err(SinkError));
        assert_eq!(s.0, "ok");
    }

    #[test]
    fn put_uint_writes_decimal() {
        for (n, t) in [(0u64, "0"), (7, "7"), (70, "70"), (u64::MAX, "18446744073709551615")] {
            let mut v = Vec::new();
            put_uint(&mut v, n).unwrap();
            assert_eq!(v, t.as_bytes());
        }
    }

    #[test]
    fn rfc3261_7_3_1_folds_are_written_with_crlf() {
        let mut v = Vec::new();
        put_folded(&mut v, b"a,\n b,\r\n\tc").unwrap();
        assert_eq!(v, b"a,\r\n b,\r\n\tc");
    }
}
