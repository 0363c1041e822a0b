//! The transaction timers of RFC 3261 Table 4 and RFC 6026 §8.11, and the
//! two-slot timer set each state machine keeps.

use core::time::Duration;

use crate::time::Instant;

/// The transaction timers (RFC 3261 §17 and Table 4; RFC 6026 adds L and
/// M). `Trying` is the 200 ms wait after which an INVITE server
/// transaction sends 100 Trying itself (§17.2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Timer {
    /// INVITE request retransmit (T1, doubling), §17.1.1.2.
    A,
    /// INVITE transaction timeout (64·T1), §17.1.1.2.
    B,
    /// Wait for response retransmits after a non-2xx (≥ 32 s; 0 on
    /// reliable transports), §17.1.1.2.
    D,
    /// Non-INVITE request retransmit (T1 doubling, capped at T2), §17.1.2.2.
    E,
    /// Non-INVITE transaction timeout (64·T1), §17.1.2.2.
    F,
    /// INVITE final response retransmit (T1 doubling, capped at T2), §17.2.1.
    G,
    /// Wait for ACK receipt (64·T1), §17.2.1.
    H,
    /// Wait for ACK retransmits (T4; 0 on reliable transports), §17.2.1.
    I,
    /// Wait for non-INVITE request retransmits (64·T1; 0 on reliable
    /// transports), §17.2.2.
    J,
    /// Wait for non-INVITE response retransmits (T4; 0 on reliable
    /// transports), §17.1.2.2.
    K,
    /// Wait for accepted INVITE request retransmits (64·T1), RFC 6026 §8.7.
    L,
    /// Wait for 2xx retransmits and 2xx from other forks (64·T1),
    /// RFC 6026 §8.4.
    M,
    /// Send 100 Trying if the TU has not answered within 200 ms (§17.2.1).
    Trying,
}

/// The shortest delay a retransmit timer (A, E, G) is re-armed with.
///
/// RFC 3261 §17.1.1.2, §17.1.2.2 and §17.2.1 re-arm these timers with an
/// interval that doubles from T1 (capped at T2 for E and G) and set no
/// floor; but with a zero T1 (Timer A) or T2 (Timers E and G) the timer
/// would be re-armed at `now`, already due, and `handle_timeout` would
/// retransmit forever without returning.
pub(crate) const MIN_RETRANSMIT_INTERVAL: Delay = Delay::of(Duration::from_millis(1));

/// A timer value as the nanoseconds `Instant + Duration` adds (clamped to
/// `u64::MAX`, where that sum saturates anyway): eight bytes where a
/// `Duration` takes sixteen. Each machine keeps the few values it reads in
/// this form instead of the whole 80-byte [`TimerConfig`], so a table
/// entry, sized by its largest machine, is smaller; every deadline is the
/// same instant the `Duration` would give (tested below).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Delay(u64);

impl Delay {
    pub(crate) const ZERO: Delay = Delay(0);

    /// `d` in nanoseconds, clamped as [`Instant::saturating_add`] clamps it.
    pub(crate) const fn of(d: Duration) -> Delay {
        let n = d.as_nanos();
        Delay(if n > u64::MAX as u128 { u64::MAX } else { n as u64 })
    }

    /// `self · n`, saturating (as `Duration::saturating_mul` then the
    /// clamp would).
    pub(crate) const fn saturating_mul(self, n: u64) -> Delay {
        Delay(self.0.saturating_mul(n))
    }

    pub(crate) const fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// The deadline `self` after `now`, saturating at [`Instant::MAX`].
    pub(crate) const fn after(self, now: Instant) -> Instant {
        Instant::from_nanos(now.as_nanos().saturating_add(self.0))
    }
}

impl core::ops::Add<Delay> for Instant {
    type Output = Instant;
    #[inline]
    fn add(self, d: Delay) -> Instant {
        d.after(self)
    }
}

/// Timer values (RFC 3261 §17.1.1.1, Table 4), configurable per endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct TimerConfig {
    /// RTT estimate; 500 ms by default. Smaller values are NOT RECOMMENDED
    /// outside closed networks (§17.1.1.2).
    pub t1: Duration,
    /// The longest retransmit interval for non-INVITE requests and INVITE
    /// responses; 4 s.
    pub t2: Duration,
    /// The longest time a message stays in the network; 5 s.
    pub t4: Duration,
    /// Timer D on unreliable transports: "at least 32 seconds"
    /// (§17.1.1.2), because the client cannot know the server's T1.
    pub timer_d: Duration,
    /// How long an INVITE server transaction waits for the TU before it
    /// sends 100 Trying itself; 200 ms (§17.2.1).
    pub trying_delay: Duration,
}

impl TimerConfig {
    /// The defaults of RFC 3261 Table 4.
    pub const RFC3261: TimerConfig = TimerConfig {
        t1: Duration::from_millis(500),
        t2: Duration::from_secs(4),
        t4: Duration::from_secs(5),
        timer_d: Duration::from_secs(32),
        trying_delay: Duration::from_millis(200),
    };

    /// 64·T1: Timers B, F, H, J (unreliable), L and M.
    pub fn timeout_64t1(&self) -> Duration {
        self.t1.saturating_mul(64)
    }

    /// T1 as a [`Delay`].
    pub(crate) const fn t1_delay(&self) -> Delay {
        Delay::of(self.t1)
    }

    /// Checks the values against what RFC 3261 §17 requires of them.
    ///
    /// The state machines never hang on any value (a zero T1 or T2 is
    /// floored when a retransmit timer is re-armed), so an unchecked
    /// configuration is safe; but a value this refuses breaks the
    /// protocol with peers, and a configuration read from a file should be
    /// checked before an endpoint is built with it.
    ///
    /// ```
    /// use core::time::Duration;
    /// use sip_proto::transaction::{TimerConfig, TimerConfigError};
    ///
    /// assert_eq!(TimerConfig::RFC3261.check(), Ok(()));
    /// let bad = TimerConfig { t2: Duration::from_millis(100), ..TimerConfig::RFC3261 };
    /// assert_eq!(bad.check(), Err(TimerConfigError::T2BelowT1));
    /// ```
    pub fn check(&self) -> Result<(), TimerConfigError> {
        // §17.1.1.2: T1 is an RTT estimate, and "whatever the value of
        // T1, the exponential backoffs on retransmissions ... MUST be
        // used": from zero nothing backs off.
        if self.t1.is_zero() {
            return Err(TimerConfigError::T1Zero);
        }
        // §17.1.2.2, §17.2.1: intervals double from T1 and are capped at
        // T2; a cap below the start inverts the schedule.
        if self.t2 < self.t1 {
            return Err(TimerConfigError::T2BelowT1);
        }
        // §17.1.1.2: Timer D is "at least 32 seconds for unreliable
        // transports", because it covers the server's Timer H (64·T1 of
        // the server's T1, which the client cannot know).
        if self.timer_d < Duration::from_secs(32) {
            return Err(TimerConfigError::TimerDTooShort);
        }
        Ok(())
    }
}

/// A [`TimerConfig`] value RFC 3261 §17 does not allow (see
/// [`TimerConfig::check`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TimerConfigError {
    /// T1 is zero (§17.1.1.2: retransmissions must back off from it).
    #[error("T1 is zero: retransmissions could not back off (RFC 3261 §17.1.1.2)")]
    T1Zero,
    /// T2, the cap of the retransmit interval, is below T1, where the
    /// interval starts (§17.1.2.2).
    #[error("T2 is below T1: the retransmit cap lies under its start (RFC 3261 §17.1.2.2)")]
    T2BelowT1,
    /// Timer D is under the 32 s §17.1.1.2 requires on unreliable
    /// transports.
    #[error("Timer D is under 32 s (RFC 3261 §17.1.1.2)")]
    TimerDTooShort,
}

impl Default for TimerConfig {
    fn default() -> Self {
        TimerConfig::RFC3261
    }
}

/// The timers one transaction has running: never more than two at once
/// (A with B, E with F, G with H), so they live inline.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct TimerSet {
    slots: [Option<(Timer, Instant)>; 2],
}

impl TimerSet {
    /// Starts (or restarts) `timer` to fire at `at`.
    pub(crate) fn start(&mut self, timer: Timer, at: Instant) {
        if let Some(slot) = self.slots.iter_mut().find(|s| matches!(s, Some((t, _)) if *t == timer)) {
            *slot = Some((timer, at));
        } else if let Some(slot) = self.slots.iter_mut().find(|s| s.is_none()) {
            *slot = Some((timer, at));
        } else {
            // A state machine bug, not an input: keep the earlier deadline
            // rather than lose one silently.
            debug_assert!(false, "more than two timers running");
            let later = if self.slots[0].map(|s| s.1) > self.slots[1].map(|s| s.1) { 0 } else { 1 };
            self.slots[later] = Some((timer, at));
        }
    }

    pub(crate) fn stop(&mut self, timer: Timer) {
        for s in &mut self.slots {
            if matches!(s, Some((t, _)) if *t == timer) {
                *s = None;
            }
        }
    }

    pub(crate) fn clear(&mut self) {
        self.slots = [None, None];
    }

    pub(crate) fn deadline(&self, timer: Timer) -> Option<Instant> {
        self.slots.iter().flatten().find(|(t, _)| *t == timer).map(|&(_, at)| at)
    }

    /// The earliest deadline.
    pub(crate) fn next(&self) -> Option<Instant> {
        self.slots.iter().flatten().map(|&(_, at)| at).min()
    }

    /// Removes and returns the earliest timer due at `now`.
    pub(crate) fn take_due(&mut self, now: Instant) -> Option<Timer> {
        let i = (0..2)
            .filter(|&i| self.slots[i].is_some_and(|(_, at)| at <= now))
            .min_by_key(|&i| self.slots[i].map(|s| s.1))?;
        self.slots[i].take().map(|(t, _)| t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 3261 §17.1.1.2, §17.1.2.2, §17.2.1 (Table 4): a machine keeps
    /// its timer values as [`Delay`]s; every deadline, doubling, cap and
    /// 64·T1 it computes must be the instant the `Duration` arithmetic of
    /// [`TimerConfig`] gives, up to and past the end of time.
    #[test]
    fn rfc3261_17_timer_delays_give_the_deadlines_of_durations() {
        let durations = [
            Duration::ZERO,
            Duration::from_nanos(1),
            Duration::from_millis(1),
            Duration::from_millis(500),
            Duration::from_secs(4),
            Duration::from_secs(32),
            Duration::from_nanos(u64::MAX / 64),
            Duration::from_nanos(u64::MAX / 64 + 1),
            Duration::from_nanos(u64::MAX / 2 + 1),
            Duration::from_nanos(u64::MAX),
            Duration::from_nanos(u64::MAX) + Duration::from_nanos(1),
            Duration::from_secs(u64::MAX / 1_000_000_000 + 1),
            Duration::MAX,
        ];
        let nows =
            [Instant::ZERO, Instant::from_millis(1500), Instant::from_nanos(u64::MAX - 7), Instant::MAX];
        for &a in &durations {
            let da = Delay::of(a);
            for &now in &nows {
                assert_eq!(now + da, now + a, "{a:?} after {now:?}");
                assert_eq!(now + da.saturating_mul(2), now + a.saturating_mul(2), "2·{a:?}");
                assert_eq!(now + da.saturating_mul(64), now + a.saturating_mul(64), "64·{a:?}");
                assert_eq!(
                    now + da.max(MIN_RETRANSMIT_INTERVAL),
                    now + a.max(Duration::from_millis(1)),
                    "{a:?} floored"
                );
                for &b in &durations {
                    let db = Delay::of(b);
                    assert_eq!(now + da.min(db), now + a.min(b), "min({a:?}, {b:?})");
                    assert_eq!(
                        now + da.saturating_mul(2).min(db),
                        now + a.saturating_mul(2).min(b),
                        "min(2·{a:?}, {b:?})"
                    );
                }
            }
            assert_eq!(da.is_zero(), a.is_zero());
        }
        let c = TimerConfig::RFC3261;
        assert_eq!(Instant::ZERO + c.t1_delay().saturating_mul(64), Instant::ZERO + c.timeout_64t1());
    }

    /// RFC 3261 §17.1.1.2 and §17.1.2.2: the checks refuse a zero T1, a
    /// T2 below T1 and a Timer D under 32 s, and nothing else.
    #[test]
    fn rfc3261_17_timer_config_check() {
        let ok = TimerConfig::RFC3261;
        assert_eq!(ok.check(), Ok(()));
        let with = |f: fn(&mut TimerConfig)| {
            let mut c = ok;
            f(&mut c);
            c.check()
        };
        assert_eq!(with(|c| c.t1 = Duration::ZERO), Err(TimerConfigError::T1Zero));
        assert_eq!(with(|c| c.t1 = Duration::from_millis(50)), Ok(()), "small T1 in closed networks");
        assert_eq!(with(|c| c.t1 = Duration::from_secs(4)), Ok(()), "T2 equal to T1");
        assert_eq!(with(|c| c.t1 = Duration::from_secs(5)), Err(TimerConfigError::T2BelowT1));
        assert_eq!(with(|c| c.t2 = Duration::from_millis(499)), Err(TimerConfigError::T2BelowT1));
        assert_eq!(with(|c| c.timer_d = Duration::from_secs(31)), Err(TimerConfigError::TimerDTooShort));
        assert_eq!(with(|c| c.timer_d = Duration::from_secs(32)), Ok(()));
        assert_eq!(with(|c| c.t4 = Duration::ZERO), Ok(()), "T4 has no floor in §17");
        assert_eq!(with(|c| c.trying_delay = Duration::ZERO), Ok(()), "an immediate 100 Trying");
    }

    #[test]
    fn rfc3261_table4_defaults() {
        let c = TimerConfig::RFC3261;
        assert_eq!(c.t1, Duration::from_millis(500));
        assert_eq!(c.t2, Duration::from_secs(4));
        assert_eq!(c.t4, Duration::from_secs(5));
        assert_eq!(c.timeout_64t1(), Duration::from_secs(32));
    }

    #[test]
    fn timers_fire_earliest_first_and_restart_in_place() {
        let mut s = TimerSet::default();
        s.start(Timer::B, Instant::from_millis(32_000));
        s.start(Timer::A, Instant::from_millis(500));
        assert_eq!(s.next(), Some(Instant::from_millis(500)));
        s.start(Timer::A, Instant::from_millis(1500));
        assert_eq!(s.deadline(Timer::A), Some(Instant::from_millis(1500)));
        assert_eq!(s.take_due(Instant::from_millis(1000)), None);
        assert_eq!(s.take_due(Instant::from_millis(40_000)), Some(Timer::A));
        assert_eq!(s.take_due(Instant::from_millis(40_000)), Some(Timer::B));
        assert_eq!(s.next(), None);
    }
}
