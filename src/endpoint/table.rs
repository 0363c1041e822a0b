//! The transaction table: a slab of entries addressed by generation-checked
//! ids, a keyed-hash index over matching keys, and a timer heap. Every
//! operation costs O(1) or O(log n) in the number of live transactions;
//! nothing scans them.

use alloc::collections::{BinaryHeap, VecDeque};
use alloc::vec::Vec;
use core::cmp::Reverse;
use hashbrown::HashTable;

use super::hash::KeyedHash;

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
    hasher: KeyedHash,
    /// Wake-ups, earliest first. Every transaction timer runs a fixed
    /// delay from now (T1·2ⁿ, T4, 64·T1), so the wake-ups of one delay
    /// come in order: each goes at the back of a lane whose last is no
    /// later than it (about a lane per delay), where a push and a pop cost
    /// O(1). With one lane, a caller's 500 ms Timer E queued behind its
    /// 32 s Timer M went on the heap, whose pop costs O(log n); only those
    /// that fit no lane go there now. The earliest is at the front of a
    /// lane or on top of the heap.
    timers: BinaryHeap<Reverse<(Instant, TransactionId)>>,
    in_order: [VecDeque<(Instant, TransactionId)>; LANES],
}

/// Lanes of in-order wake-ups: enough for the delays a caller's
/// transactions run at once (a call's 500 ms Timers A and E, 32 s Timer M,
/// 5 s Timer K); each lane more costs every pop a look at its front.
const LANES: usize = 3;

/// Where [`Table::earliest`] found the earliest wake-up.
#[derive(Clone, Copy)]
enum Side {
    Lane(usize),
    Heap,
}

impl<T: Indexed> Table<T> {
    pub(crate) fn new(keys: (u64, u64)) -> Self {
        Table {
            slots: Vec::new(),
            free: Vec::new(),
            len: 0,
            by_key: HashTable::new(),
            by_merge_key: HashTable::new(),
            hasher: KeyedHash::new(keys),
            timers: BinaryHeap::new(),
            in_order: Default::default(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    fn hash(hasher: &KeyedHash, key: &Key) -> u64 {
        hasher.hash(key.as_bytes())
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
        Self::hash(&self.hasher, key)
    }

    /// [`find`](Self::find) with the key's hash already computed.
    pub(crate) fn find_hashed(&self, key: &Key, h: u64) -> Option<TransactionId> {
        let slots = &self.slots;
        let slot = *self.by_key.find(h, |&s| Self::value(slots, s).is_some_and(|v| v.key() == key))?;
        Some(self.id_of(slot))
    }

    /// The entry whose merge key is `key`, `h` being its
    /// [`hash_of`](Self::hash_of).
    pub(crate) fn find_merged_hashed(&self, key: &Key, h: u64) -> Option<TransactionId> {
        let slots = &self.slots;
        let slot = *self
            .by_merge_key
            .find(h, |&s| Self::value(slots, s).is_some_and(|v| v.merge_key() == Some(key)))?;
        Some(self.id_of(slot))
    }

    /// Inserts `value`; its key must not be in the table yet.
    pub(crate) fn insert(&mut self, value: T) -> TransactionId {
        let h = self.hash_of(value.key());
        let mh = value.merge_key().map(|k| self.hash_of(k));
        self.insert_hashed(value, h, mh)
    }

    /// [`insert`](Self::insert) with the hashes of the key and of the
    /// merge key (if any) already computed ([`hash_of`](Self::hash_of)).
    pub(crate) fn insert_hashed(&mut self, value: T, h: u64, mh: Option<u64>) -> TransactionId {
        self.insert_hashed_with(h, mh, || value)
    }

    /// [`insert_hashed`](Self::insert_hashed) of the value `make` returns,
    /// made once its slot is known, so that it can be written where it
    /// stays (an entry is several hundred bytes: built on the caller's
    /// stack, it was copied into the argument and again into the slot).
    #[inline]
    pub(crate) fn insert_hashed_with(
        &mut self,
        h: u64,
        mh: Option<u64>,
        make: impl FnOnce() -> T,
    ) -> TransactionId {
        let merge_hash = mh.unwrap_or(0);
        let slot = match self.free.pop() {
            Some(s) => s,
            None => {
                let s = u32::try_from(self.slots.len()).expect("fewer than 2^32 transactions");
                self.slots.push(Slot { generation: 0, value: None, hash: h, merge_hash });
                s
            }
        };
        let entry = &mut self.slots[slot as usize];
        entry.hash = h;
        entry.merge_hash = merge_hash;
        let value = entry.value.insert(make());
        debug_assert_eq!(h, Self::hash(&self.hasher, value.key()));
        debug_assert_eq!(mh, value.merge_key().map(|k| Self::hash(&self.hasher, k)));
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

    /// Removes the entry `id`, returning what `f` reads of it first. The
    /// entry is dropped where it lies rather than moved out (entries are
    /// several hundred bytes).
    pub(crate) fn remove_with<R>(&mut self, id: TransactionId, f: impl FnOnce(&T) -> R) -> Option<R> {
        self.get(id)?;
        let slot = id.slot() as u32;
        let read = {
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
            f(v)
        };
        let s = &mut self.slots[id.slot()];
        s.value = None;
        s.generation = s.generation.wrapping_add(1);
        self.free.push(slot);
        self.len -= 1;
        Some(read)
    }

    /// Schedules a wake-up for `id` at `at`. Stale entries (the
    /// transaction is gone, or rescheduled) are skipped when popped.
    pub(crate) fn schedule(&mut self, id: TransactionId, at: Instant) {
        // First fit: the first lane that is empty or whose last is not
        // after `at` keeps its lane in order. (Best fit, the latest such
        // last, took a pass over every lane and measured worse.)
        for q in &mut self.in_order {
            if q.back().is_none_or(|&(last, _)| last <= at) {
                q.push_back((at, id));
                return;
            }
        }
        self.timers.push(Reverse((at, id)));
    }

    /// The earliest scheduled wake-up, stale or not, and where it is (on a
    /// tie, the first lane holding it: among wake-ups due at one instant
    /// the order is unspecified).
    fn earliest(&self) -> Option<((Instant, TransactionId), Side)> {
        let mut best = self.timers.peek().map(|&Reverse(h)| (h, Side::Heap));
        for (i, q) in self.in_order.iter().enumerate().rev() {
            if let Some(&f) = q.front() {
                if best.is_none_or(|(b, _)| f.0 <= b.0) {
                    best = Some((f, Side::Lane(i)));
                }
            }
        }
        best
    }

    fn pop_earliest(&mut self, from: Side) -> Option<(Instant, TransactionId)> {
        match from {
            Side::Lane(i) => self.in_order[i].pop_front(),
            Side::Heap => self.timers.pop().map(|Reverse(e)| e),
        }
    }

    /// The earliest scheduled wake-up, stale or not.
    pub(crate) fn next_wakeup(&self) -> Option<Instant> {
        self.earliest().map(|((at, _), _)| at)
    }

    /// Pops the next wake-up due at `now`.
    pub(crate) fn pop_due(&mut self, now: Instant) -> Option<(Instant, TransactionId)> {
        match self.earliest()? {
            ((at, _), from) if at <= now => self.pop_earliest(from),
            _ => None,
        }
    }

    /// Drops stale wake-ups from the front so that
    /// [`next_wakeup`](Self::next_wakeup) is exact.
    pub(crate) fn prune(&mut self, is_current: impl Fn(&T, Instant) -> bool) {
        while let Some(((at, id), from)) = self.earliest() {
            match self.get(id) {
                Some(v) if is_current(v, at) => return,
                _ => {
                    self.pop_earliest(from);
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
            + (self.timers.capacity() + self.in_order.iter().map(VecDeque::capacity).sum::<usize>())
                * core::mem::size_of::<(Instant, TransactionId)>()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::Method;
    use crate::transaction::key::client_key;

    struct V(Key);

    impl Indexed for V {
        fn key(&self) -> &Key {
            &self.0
        }
        fn merge_key(&self) -> Option<&Key> {
            None
        }
    }

    #[test]
    fn wake_ups_come_earliest_first_whatever_the_order_scheduled() {
        let mut t = Table::new((1, 2));
        let ids: Vec<_> =
            (0..6).map(|i| t.insert(V(client_key(&alloc::format!("z9hG4bK{i}"), Method::Options)))).collect();
        let at = Instant::from_millis;
        // In order, then earlier than the last (to the heap), then equal.
        for (i, ms) in [(0, 500), (1, 900), (2, 300), (3, 900), (4, 100), (5, 2000)] {
            t.schedule(ids[i], at(ms));
        }
        assert_eq!(t.next_wakeup(), Some(at(100)));
        assert_eq!(t.pop_due(at(50)), None);
        let mut fired = Vec::new();
        while let Some((when, id)) = t.pop_due(at(1000)) {
            fired.push((when, ids.iter().position(|&x| x == id).unwrap()));
        }
        assert_eq!(fired[..3], [(at(100), 4), (at(300), 2), (at(500), 0)]);
        let mut tie: Vec<_> = fired[3..].to_vec();
        tie.sort();
        assert_eq!(tie, [(at(900), 1), (at(900), 3)]);
        assert_eq!(t.next_wakeup(), Some(at(2000)));
        // A stale wake-up is pruned from whichever side it is on.
        t.schedule(ids[0], at(1500));
        t.prune(|_, when| when != at(1500));
        assert_eq!(t.next_wakeup(), Some(at(2000)));
        assert_eq!(t.remove_with(ids[5], |_| 5), Some(5));
        assert_eq!(t.remove_with(ids[5], |_| 5), None, "the id is stale");
        t.prune(|_, _| true);
        assert_eq!(t.next_wakeup(), None);
    }

    #[test]
    fn fixed_delay_wake_ups_of_calls_queue_in_lanes_and_fire_earliest_first() {
        // A caller's wake-ups per call (RFC 3261 §17.1.1.2 Timer A,
        // RFC 6026 §8.4 Timer M, §17.1.2.2 Timers E and K), a call every
        // 20 ms: each delay is in order on its own, not among the others.
        let mut t = Table::new((1, 2));
        let at = Instant::from_millis;
        let mut want = Vec::new();
        for call in 0..200u64 {
            let now = call * 20;
            for (j, delay) in [500, 32_000, 500, 5_000].into_iter().enumerate() {
                let key = client_key(&alloc::format!("z9hG4bK{call}x{j}"), Method::Options);
                let id = t.insert(V(key));
                t.schedule(id, at(now + delay));
                want.push((at(now + delay), id));
            }
        }
        assert!(t.timers.is_empty(), "every wake-up fits a lane: none pays the heap's O(log n) pop");
        let mut fired = Vec::new();
        while let Some(w) = t.pop_due(at(60_000)) {
            fired.push(w);
        }
        assert!(fired.windows(2).all(|w| w[0].0 <= w[1].0), "earliest first");
        fired.sort();
        want.sort();
        assert_eq!(fired, want, "each wake-up fires once");
        assert_eq!(t.next_wakeup(), None);
    }
}
