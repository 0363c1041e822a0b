//! The keyed hash of the lookup tables whose keys peers choose: the
//! transaction table (branches, Call-IDs, tags) and the UA's dialog index
//! (Call-IDs and tags).
//!
//! A peer that could predict where its keys land could send requests whose
//! keys all share one bucket and turn every lookup into a walk of them
//! (HashDoS; Crosby and Wallach, "Denial of Service via Algorithmic
//! Complexity Attacks", USENIX Security 2003, who proposed universal
//! hashing as the remedy). The defence is a hash drawn at random, from the
//! configured seed, out of a family in which no pair of distinct inputs
//! collides more often than chance.
//!
//! Keys up to [`MULTILINEAR_MAX`] bytes (all the keys of ordinary traffic)
//! go through Multilinear (Lemire and Kaser, "Strongly universal string
//! hashing is fast", The Computer Journal 57(11), 2014): with 64-bit random
//! `m[i]` and the input read as 32-bit words `s[i]`,
//! `h = (m[0] + Σ m[i+1]·s[i] mod 2^64) >> 32` is *strongly* universal: for
//! any two distinct inputs and any two outputs, the probability over the
//! keys that they hash to those outputs is 2^-64, so any b of the 32 bits
//! (the table's bucket index) collide with probability 2^-b. The first word
//! is the input's length and the last one is zero-padded, so distinct
//! inputs of any lengths up to the maximum are distinct word sequences
//! (padded with zero words, which add nothing). That costs one multiply
//! and add per four bytes, against SipHash-1-3's rounds per eight and its
//! finalization (about 60 instructions instead of 280 for a 40-byte key).
//!
//! What universal hashing does not give, and SipHash (a pseudo-random
//! function) does, is resistance to a peer that *observes* collisions and
//! solves for the keys. The tables never reveal a hash value; a collision
//! shows only as a few nanoseconds more on one lookup, which a remote peer
//! would have to tell apart from network jitter for many chosen keys.
//! Longer keys (rare: long Call-IDs or branches) keep SipHash-1-3.

use core::hash::Hasher;

use rand_chacha::ChaCha12Rng;
use rand_core::{Rng, SeedableRng};
use siphasher::sip::SipHasher13;

/// The longest input hashed by Multilinear; longer ones go through SipHash.
pub(crate) const MULTILINEAR_MAX: usize = 128;

/// Multilinear keys: the constant term, the length's, one per 32-bit word.
const WORDS: usize = 2 + MULTILINEAR_MAX / 4;

/// A keyed hash (see the [module documentation](self)).
#[derive(Clone)]
pub(crate) struct KeyedHash {
    m: [u64; WORDS],
    sip: (u64, u64),
}

impl core::fmt::Debug for KeyedHash {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // The keys stay out of logs.
        f.write_str("KeyedHash")
    }
}

impl KeyedHash {
    /// The hash keyed by `keys` (128 bits drawn from the configured seed):
    /// SipHash takes them as they are; Multilinear's are expanded from
    /// them by ChaCha12.
    pub(crate) fn new(keys: (u64, u64)) -> Self {
        let mut seed = [0u8; 32];
        seed[..8].copy_from_slice(&keys.0.to_le_bytes());
        seed[8..16].copy_from_slice(&keys.1.to_le_bytes());
        // Domain separation from any other use of the two keys.
        seed[16..].copy_from_slice(b"sip-proto mlhash");
        let mut rng = ChaCha12Rng::from_seed(seed);
        let mut m = [0u64; WORDS];
        for k in &mut m {
            *k = rng.next_u64();
        }
        KeyedHash { m, sip: keys }
    }

    /// The hash of `bytes`. Its 32 strongly universal bits are repeated in
    /// both halves of the result, so that the low bits (the bucket index)
    /// and the top seven (hashbrown's tag) both come from them.
    #[inline]
    pub(crate) fn hash(&self, bytes: &[u8]) -> u64 {
        if bytes.len() > MULTILINEAR_MAX {
            return self.sip(bytes);
        }
        let m = &self.m;
        // The length is at most 128: it fits the 32-bit word.
        let mut sum = m[0].wrapping_add(m[1].wrapping_mul(bytes.len() as u64));
        let mut keys = m[2..].chunks_exact(2);
        let mut words = bytes.chunks_exact(8);
        for (w, k) in (&mut words).zip(&mut keys) {
            let mut b = [0u8; 8];
            b.copy_from_slice(w);
            let w = u64::from_le_bytes(b);
            sum =
                sum.wrapping_add(k[0].wrapping_mul(w & 0xffff_ffff)).wrapping_add(k[1].wrapping_mul(w >> 32));
        }
        let tail = words.remainder();
        if !tail.is_empty() {
            if let Some(k) = keys.next() {
                // The zero-padded tail word: the input's last eight bytes
                // shifted down past those already read, or (a short input)
                // the tail copied into a zeroed word.
                let w = match bytes.len().checked_sub(8).and_then(|at| bytes.get(at..)) {
                    Some(last) => {
                        let mut b = [0u8; 8];
                        b.copy_from_slice(last);
                        u64::from_le_bytes(b) >> (8 * (8 - tail.len()))
                    }
                    None => {
                        let mut b = [0u8; 8];
                        b[..tail.len()].copy_from_slice(tail);
                        u64::from_le_bytes(b)
                    }
                };
                sum = sum
                    .wrapping_add(k[0].wrapping_mul(w & 0xffff_ffff))
                    .wrapping_add(k[1].wrapping_mul(w >> 32));
            }
        }
        let h = sum >> 32;
        h | h << 32
    }

    /// SipHash-1-3 of `bytes`, for inputs past Multilinear's keys.
    #[cold]
    fn sip(&self, bytes: &[u8]) -> u64 {
        let mut h = SipHasher13::new_with_keys(self.sip.0, self.sip.1);
        h.write(bytes);
        h.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    /// Multilinear as Lemire and Kaser write it, word by word over the
    /// length and the zero-padded 32-bit words: the 8-byte loop must give
    /// exactly that, for every length it takes.
    fn reference(k: &KeyedHash, bytes: &[u8]) -> u64 {
        let mut words: Vec<u64> = alloc::vec![bytes.len() as u64];
        for c in bytes.chunks(4) {
            let mut b = [0u8; 4];
            b[..c.len()].copy_from_slice(c);
            words.push(u64::from(u32::from_le_bytes(b)));
        }
        let mut sum = k.m[0];
        for (i, w) in words.iter().enumerate() {
            sum = sum.wrapping_add(k.m[i + 1].wrapping_mul(*w));
        }
        let h = sum >> 32;
        h | h << 32
    }

    fn input(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i as u8).wrapping_mul(37).wrapping_add(11)).collect()
    }

    /// RFC 3261 §17.2.3, §12.2.2 (the keys the tables match on): the hash is
    /// the strongly universal Multilinear for every input length up to the
    /// maximum, and SipHash-1-3 beyond it.
    #[test]
    fn rfc3261_17_2_3_table_hash_is_multilinear_then_siphash() {
        let k = KeyedHash::new((0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210));
        for n in 0..=MULTILINEAR_MAX {
            let b = input(n);
            assert_eq!(k.hash(&b), reference(&k, &b), "length {n}");
        }
        for n in [MULTILINEAR_MAX + 1, 200, 1000] {
            let b = input(n);
            let mut h = SipHasher13::new_with_keys(k.sip.0, k.sip.1);
            h.write(&b);
            assert_eq!(k.hash(&b), h.finish(), "length {n}");
        }
    }

    /// The hash is keyed: another seed moves the same keys elsewhere, and
    /// inputs that differ only by trailing zero bytes (which the padding
    /// would otherwise merge) or by one bit do not share a value.
    #[test]
    fn rfc3261_17_2_3_table_hash_keyed_and_length_aware() {
        let a = KeyedHash::new((1, 2));
        let b = KeyedHash::new((1, 3));
        let key = b"Sz9hG4bK776asdhds\0INVITE\0";
        assert_ne!(a.hash(key), b.hash(key));
        assert_ne!(a.hash(b"abc"), a.hash(b"abc\0"));
        assert_ne!(a.hash(b""), a.hash(b"\0"));
        let base = input(64);
        for i in 0..base.len() * 8 {
            let mut flipped = base.clone();
            flipped[i / 8] ^= 1 << (i % 8);
            assert_ne!(a.hash(&base), a.hash(&flipped), "bit {i}");
        }
    }
}
