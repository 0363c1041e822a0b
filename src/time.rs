//! Time as an input: a monotonic [`Instant`] the caller supplies.
//!
//! sip-proto reads no clock. Every stateful object takes `now` as an
//! argument and reports its next deadline as an [`Instant`]; the event loop
//! maps that to its own clock (tokio, mio, a hardware timer, or the virtual
//! time of a simulation). Durations are [`core::time::Duration`].

use core::ops::{Add, AddAssign, Sub};
use core::time::Duration;

/// A point on the caller's monotonic clock, in nanoseconds since an epoch
/// the caller chooses (process start, boot, or zero in a simulation).
///
/// Only differences between instants mean anything, so two instants from
/// different epochs must never be mixed. Arithmetic saturates: a deadline
/// past `u64::MAX` ns (584 years) stays at the end of time rather than
/// wrapping.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Instant(u64);

impl Instant {
    /// The epoch of the caller's clock.
    pub const ZERO: Instant = Instant(0);
    /// The latest representable instant; a deadline that is never reached.
    pub const MAX: Instant = Instant(u64::MAX);

    /// The instant `nanos` nanoseconds after the epoch.
    #[inline]
    pub const fn from_nanos(nanos: u64) -> Instant {
        Instant(nanos)
    }

    /// The instant `millis` milliseconds after the epoch.
    #[inline]
    pub const fn from_millis(millis: u64) -> Instant {
        Instant(millis.saturating_mul(1_000_000))
    }

    /// Nanoseconds since the epoch.
    #[inline]
    pub const fn as_nanos(self) -> u64 {
        self.0
    }

    /// Whole milliseconds since the epoch.
    #[inline]
    pub const fn as_millis(self) -> u64 {
        self.0 / 1_000_000
    }

    /// The time from `earlier` to `self`, or zero if `earlier` is later.
    #[inline]
    pub fn saturating_duration_since(self, earlier: Instant) -> Duration {
        Duration::from_nanos(self.0.saturating_sub(earlier.0))
    }

    /// `self + d`, saturating at [`Instant::MAX`].
    #[inline]
    pub fn saturating_add(self, d: Duration) -> Instant {
        let nanos = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        Instant(self.0.saturating_add(nanos))
    }

    /// The instant of a `std::time::Instant`, measured from `epoch`
    /// (instants before the epoch map to [`Instant::ZERO`]).
    #[cfg(feature = "std")]
    pub fn from_std(epoch: std::time::Instant, t: std::time::Instant) -> Instant {
        Instant::ZERO.saturating_add(t.saturating_duration_since(epoch))
    }

    /// The `std::time::Instant` of `self`, measured from `epoch`.
    #[cfg(feature = "std")]
    pub fn to_std(self, epoch: std::time::Instant) -> std::time::Instant {
        epoch + Duration::from_nanos(self.0)
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;
    #[inline]
    fn add(self, d: Duration) -> Instant {
        self.saturating_add(d)
    }
}

impl AddAssign<Duration> for Instant {
    #[inline]
    fn add_assign(&mut self, d: Duration) {
        *self = self.saturating_add(d);
    }
}

impl Sub<Instant> for Instant {
    type Output = Duration;
    /// Saturating: `a - b` is zero when `b` is later than `a`.
    #[inline]
    fn sub(self, earlier: Instant) -> Duration {
        self.saturating_duration_since(earlier)
    }
}

impl core::fmt::Display for Instant {
    /// Seconds with millisecond precision, as a ladder diagram prints them.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let ms = self.as_millis();
        write!(f, "{}.{:03}s", ms / 1000, ms % 1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_saturates_at_the_ends_of_time() {
        let t = Instant::from_millis(500);
        assert_eq!(t + Duration::from_millis(1500), Instant::from_millis(2000));
        assert_eq!(Instant::MAX + Duration::from_secs(1), Instant::MAX);
        assert_eq!(Instant::from_millis(1) - Instant::from_millis(5), Duration::ZERO);
        assert_eq!(Instant::from_millis(5) - Instant::from_millis(1), Duration::from_millis(4));
        assert_eq!(Instant::ZERO + Duration::MAX, Instant::MAX);
    }

    #[cfg(feature = "alloc")]
    #[test]
    fn displays_seconds_and_milliseconds() {
        assert_eq!(alloc::format!("{}", Instant::from_millis(64_500)), "64.500s");
    }
}
