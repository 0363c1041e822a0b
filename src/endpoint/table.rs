//! The transaction table: a slab of entries addressed by generation-checked
//! ids, a keyed-hash index over matching keys, and a timer heap. Every
//! operation costs O(1) or O(log n) in the number of live transactions;
//! nothing scans them.

use alloc::collections::BinaryHeap;
use alloc::vec::Vec;
use core::cmp::Reverse;
use core::hash::Hasher;

use hashbrown::HashTable;
use siphasher::sip::SipHasher13;

use crate::time::Instant;
use crate::transaction::key::Key;

/// A handle to one transaction of an [`Endpoint`](super::Endpoint).
///
/// Ids are never reused while the endpoint lives long enough for 2³²
/// transactions to pass through one slot; a stale id simply matches
/// nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TransactionId(u64);

impl TransactionId {
    fn new(slot: u32, generation: u32) -> Self {
        TransactionId(u64::from(generation) << 32 | u64::from(slot))
    }

    fn slot(self) -> usize {
        (self.0 & 0xffff_ffff) as usize
    }

    fn generation(self) -> u32 {
        (self.0 >> 32) as u32
    }

    /// The id as a number (for logs and maps).
    pub fn as_u64(self) -> u64 {
        self.0
    }

    /// An arbitrary id, for unit tests of transaction users.
    #[cfg(test)]
    pub(crate) fn for_tests(n: u64) -> Self {
        TransactionId(n)
    }
}

impl core::fmt::Display for TransactionId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "tx#{}.{}", self.slot(), self.generation())
    }
}

/// What a table entry must expose to be indexed.
pub(crate) trait Indexed {
    fn key(&self) -> &Key;
    fn merge_key(&self) -> Option<&Key>;
}

struct Slot<T> {
    generation: u32,
    value: Option<T>,
    /// The hashes of the value's key and merge key, kept so that removal
    /// and index growth do not hash the keys again.
    hash: u64,
    merge_hash: u64,
}

pub(crate) struct Table<T> {
    slots: Vec<Slot<T>>,
    free: Vec<u32>,
    len: usize,
    by_key: HashTable<u32>,
    by_merge_key: HashTable<u32>,
    keys: (u64, u64),
    timers: BinaryHeap<Reverse<(Instant, TransactionId)>>,
}

impl<T: Indexed> Table<T> {
    pub(crate) fn new(keys: (u64, u64)) -> Self {
        Table {
            slots: Vec::new(),
            free: Vec::new(),
            len: 0,
            by_key: HashTable::new(),
            by_merge_key: HashTable::new(),
            keys,
            timers: BinaryHeap::new(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    fn hash(keys: (u64, u64), key: &Key) -> u64 {
        let mut h = SipHasher13::new_with_keys(keys.0, keys.1);
        h.write(key.as_bytes());
        h.finish()
    }

    fn id_of(&self, slot: u32) -> TransactionId {
        TransactionId::new(slot, self.slots[slot as usize].generation)
    }

    pub(crate) fn get(&self, id: TransactionId) -> Option<&T> {
        let s = self.slots.get(id.slot())?;
        if s.generation != id.generation() {
            return None;
        }
        s.value.as_ref()
    }

    pub(crate) fn get_mut(&mut self, id: TransactionId) -> Option<&mut T> {
        let s = self.slots.get_mut(id.slot())?;
        if s.generation != id.generation() {
            return None;
        }
        s.value.as_mut()
    }

    fn value(slots: &[Slot<T>], slot: u32) -> Option<&T> {
        slots.get(slot as usize).and_then(|s| s.value.as_ref())
    }

    pub(crate) fn find(&self, key: &Key) -> Option<TransactionId> {
        self.find_hashed(key, self.hash_of(key))
    }

    /// The index hash of `key`, for [`find_hashed`](Self::find_hashed)
    /// and [`insert_hashed`](Self::insert_hashed).
    pub(crate) fn hash_of(&self, key: &Key) -> u64 {
        Self::hash(self.keys, key)
    }

    /// [`find`](Self::find) with the key's hash already computed.
    pub(crate) fn find_hashed(&self, key: &Key, h: u64) -> Option<TransactionId> {
        let slots = &self.slots;
        let slot = *self.by_key.find(h, |&s| Self::value(slots, s).is_some_and(|v| v.key() == key))?;
        Some(self.id_of(slot))
    }

    pub(crate) fn find_merged(&self, key: &Key) -> Option<TransactionId> {
        let h = Self::hash(self.keys, key);
        let slots = &self.slots;
        let slot = *self
            .by_merge_key
            .find(h, |&s| Self::value(slots, s).is_some_and(|v| v.merge_key() == Some(key)))?;
        Some(self.id_of(slot))
    }

    /// Inserts `value`; its key must not be in the table yet.
    pub(crate) fn insert(&mut self, value: T) -> TransactionId {
        let h = self.hash_of(value.key());
        self.insert_hashed(value, h)
    }

    /// [`insert`](Self::insert) with the key's hash already computed
    /// ([`hash_of`](Self::hash_of)).
    pub(crate) fn insert_hashed(&mut self, value: T, h: u64) -> TransactionId {
        let keys = self.keys;
        debug_assert_eq!(h, Self::hash(keys, value.key()));
        let mh = value.merge_key().map(|k| Self::hash(keys, k));
        let merge_hash = mh.unwrap_or(0);
        let slot = match self.free.pop() {
            Some(s) => {
                let slot = &mut self.slots[s as usize];
                slot.value = Some(value);
                slot.hash = h;
                slot.merge_hash = merge_hash;
                s
            }
            None => {
                let s = u32::try_from(self.slots.len()).expect("fewer than 2^32 transactions");
                self.slots.push(Slot { generation: 0, value: Some(value), hash: h, merge_hash });
                s
            }
        };
        self.len += 1;
        let slots = &self.slots;
        let rehash = |&s: &u32| slots.get(s as usize).map_or(0, |v| v.hash);
        self.by_key.insert_unique(h, slot, rehash);
        if let Some(mh) = mh {
            let rehash = |&s: &u32| slots.get(s as usize).map_or(0, |v| v.merge_hash);
            self.by_merge_key.insert_unique(mh, slot, rehash);
        }
        self.id_of(slot)
    }

    pub(crate) fn remove(&mut self, id: TransactionId) -> Option<T> {
        self.get(id)?;
        let slot = id.slot() as u32;
        {
            let entry = &self.slots[id.slot()];
            let v = entry.value.as_ref()?;
            if let Ok(e) = self.by_key.find_entry(entry.hash, |&s| s == slot) {
                e.remove();
            }
            if v.merge_key().is_some() {
                if let Ok(e) = self.by_merge_key.find_entry(entry.merge_hash, |&s| s == slot) {
                    e.remove();
                }
            }
        }
        let s = &mut self.slots[id.slot()];
        let value = s.value.take();
        s.generation = s.generation.wrapping_add(1);
        self.free.push(slot);
        self.len -= 1;
        value
    }

    /// Schedules a wake-up for `id` at `at`. Stale entries (the
    /// transaction is gone, or rescheduled) are skipped when popped.
    pub(crate) fn schedule(&mut self, id: TransactionId, at: Instant) {
        self.timers.push(Reverse((at, id)));
    }

    /// The earliest scheduled wake-up, stale or not.
    pub(crate) fn next_wakeup(&self) -> Option<Instant> {
        self.timers.peek().map(|Reverse((at, _))| *at)
    }

    /// Pops the next wake-up due at `now`.
    pub(crate) fn pop_due(&mut self, now: Instant) -> Option<(Instant, TransactionId)> {
        match self.timers.peek() {
            Some(Reverse((at, _))) if *at <= now => self.timers.pop().map(|Reverse(e)| e),
            _ => None,
        }
    }

    /// Drops stale wake-ups from the top of the heap so that
    /// [`next_wakeup`](Self::next_wakeup) is exact.
    pub(crate) fn prune(&mut self, is_current: impl Fn(&T, Instant) -> bool) {
        while let Some(&Reverse((at, id))) = self.timers.peek() {
            match self.get(id) {
                Some(v) if is_current(v, at) => return,
                _ => {
                    self.timers.pop();
                }
            }
        }
    }

    /// Heap bytes the table itself holds (slots, indexes, timer heap), for
    /// memory accounting.
    pub(crate) fn heap_size(&self) -> usize {
        self.slots.capacity() * core::mem::size_of::<Slot<T>>()
            + self.free.capacity() * 4
            + (self.by_key.capacity() + self.by_merge_key.capacity()) * 5
            + self.timers.capacity() * core::mem::size_of::<(Instant, TransactionId)>()
    }
}

impl<T: Indexed> Table<T> {
    /// Ids of the live entries that satisfy `pred`: a full pass, for rare
    /// events only.
    pub(crate) fn ids_where(&self, pred: impl Fn(&T) -> bool) -> Vec<TransactionId> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let v = s.value.as_ref()?;
                pred(v).then(|| TransactionId::new(i as u32, s.generation))
            })
            .collect()
    }
}
