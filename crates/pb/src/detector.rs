//! Failure detectors on a stream of heartbeats.
//!
//! - Fixed timeout: suspect when the silence since the last heartbeat is
//!   longer than `timeout_ms`. The level shown is that silence.
//! - Phi accrual (Hayashibara, Défago, Yared, Katayama, "The φ Accrual
//!   Failure Detector", SRDS 2004): keep a bounded window of inter-arrival
//!   times, fit a normal distribution (mean, standard deviation) and report
//!   `phi = -log10(1 - CDF(now - last))`: phi 1 means a 10% chance that a
//!   heartbeat this late is still to come, phi 8 one in 10^8. The CDF is the
//!   logistic approximation Akka's `PhiAccrualFailureDetector` uses.
//!
//! Times are logical ticks on the node's own clock. `exp` and `log10` are
//! computed here from `+ - * /` alone (IEEE-754 rounds those the same
//! everywhere), not from the platform's libm, whose last bits differ between
//! native and wasm: the same run must give the same trace in both.

use crate::config::Detector as Kind;
use protocol::Tick;
use std::collections::VecDeque;

/// The highest phi reported: past it the chance is below 10^-30 anyway.
pub const PHI_MAX: f64 = 30.0;
/// The least standard deviation assumed, in ticks, so that a perfectly
/// regular heartbeat does not make one late tick an alarm (Akka's
/// `min-std-deviation`).
pub const MIN_STD_MS: f64 = 10.0;
/// Bounds of the `window` option.
pub const WINDOW_MIN: u32 = 2;
pub const WINDOW_MAX: u32 = 100;

/// A detector's memory of one peer's heartbeats.
#[derive(Clone, Debug, Default, PartialEq, Hash)]
pub struct Heartbeats {
    /// When the last heartbeat came (or when watching began).
    pub last: Option<Tick>,
    /// The most recent inter-arrival times, oldest first, at most `window`.
    intervals: VecDeque<Tick>,
    window: usize,
}

impl Heartbeats {
    pub fn new(window: u32) -> Self {
        Self { last: None, intervals: VecDeque::new(), window: window.clamp(WINDOW_MIN, WINDOW_MAX) as usize }
    }

    /// Start watching at `now` (no heartbeat yet: silence counts from here).
    pub fn watch(&mut self, now: Tick) {
        self.last = Some(now);
        self.intervals.clear();
    }

    /// A heartbeat arrived at `now`.
    pub fn heard(&mut self, now: Tick) {
        if let Some(last) = self.last {
            if self.intervals.len() == self.window {
                self.intervals.pop_front();
            }
            self.intervals.push_back(now.saturating_sub(last));
        }
        self.last = Some(now);
    }

    pub fn intervals(&self) -> impl Iterator<Item = Tick> + '_ {
        self.intervals.iter().copied()
    }

    /// Ticks since the last heartbeat.
    pub fn silence(&self, now: Tick) -> Tick {
        self.last.map_or(0, |last| now.saturating_sub(last))
    }

    /// Mean and standard deviation of the window (`expected` while it is
    /// empty), the deviation at least [`MIN_STD_MS`].
    pub fn mean_std(&self, expected: Tick) -> (f64, f64) {
        if self.intervals.is_empty() {
            return (expected as f64, MIN_STD_MS.max(expected as f64 / 4.0));
        }
        let n = self.intervals.len() as f64;
        let mean = self.intervals.iter().map(|&i| i as f64).sum::<f64>() / n;
        let var = self.intervals.iter().map(|&i| (i as f64 - mean) * (i as f64 - mean)).sum::<f64>() / n;
        (mean, var.sqrt().max(MIN_STD_MS))
    }

    /// Phi at `now`, heartbeats being expected every `expected` ticks.
    pub fn phi(&self, now: Tick, expected: Tick) -> f64 {
        let (mean, std) = self.mean_std(expected);
        phi(self.silence(now) as f64, mean, std)
    }
}

/// `-log10(1 - F(t))` for a normal `F` of `mean` and `std`, with Akka's
/// logistic approximation of `F`; at most [`PHI_MAX`].
pub fn phi(t: f64, mean: f64, std: f64) -> f64 {
    let y = (t - mean) / std;
    let e = exp(-y * (1.5976 + 0.070566 * y * y));
    let p_later = if t > mean { e / (1.0 + e) } else { 1.0 - 1.0 / (1.0 + e) };
    if p_later <= 0.0 {
        return PHI_MAX;
    }
    (-log10(p_later)).clamp(0.0, PHI_MAX)
}

/// What a detector says about a peer at `now`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Verdict {
    /// Silence in ticks (timeout) or phi.
    pub level: f64,
    /// The level at which it suspects.
    pub threshold: f64,
    pub suspect: bool,
}

/// By the bits of its levels (`f64` has no `Hash`; a verdict is computed
/// the same way from the same inputs, so equal ones have equal bits).
impl std::hash::Hash for Verdict {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.level.to_bits().hash(h);
        self.threshold.to_bits().hash(h);
        self.suspect.hash(h);
    }
}

/// The verdict of detector `kind` on `beats` at `now`.
pub fn judge(
    kind: Kind,
    beats: &Heartbeats,
    now: Tick,
    heartbeat_ms: Tick,
    timeout_ms: Tick,
    phi_threshold: f64,
) -> Verdict {
    let (level, threshold) = match kind {
        Kind::Timeout => (beats.silence(now) as f64, timeout_ms as f64),
        Kind::Phi => (beats.phi(now, heartbeat_ms), phi_threshold),
    };
    Verdict { level, threshold, suspect: beats.last.is_some() && level > threshold }
}

const LN_2: f64 = std::f64::consts::LN_2;
const LN_10: f64 = std::f64::consts::LN_10;

/// `e^x` from basic arithmetic: `x = k ln 2 + r` with `|r| <= ln2/2`, a
/// Taylor series for `e^r` (terms to r^20, far below one ulp), then `2^k`
/// built from the exponent bits.
pub fn exp(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x > 709.0 {
        return f64::INFINITY;
    }
    if x < -745.0 {
        return 0.0;
    }
    let k = (x / LN_2).round();
    let r = x - k * LN_2;
    let (mut term, mut sum) = (1.0, 1.0);
    for n in 1..=20 {
        term = term * r / f64::from(n);
        sum += term;
    }
    sum * pow2(k as i32)
}

/// `2^k` for `-1074 <= k <= 1023`, exactly.
fn pow2(k: i32) -> f64 {
    if k >= -1022 {
        f64::from_bits(((k + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (k + 1074).max(0))
    }
}

/// `log10(x)` for `x > 0` from basic arithmetic: `x = m 2^k` with
/// `m` in `[1/√2, √2)`, `ln m = 2 atanh(s)` with `s = (m-1)/(m+1)`.
pub fn log10(x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::NEG_INFINITY;
    }
    let (mut m, mut k) = (x, 0i32);
    // Subnormals: scale into the normal range first.
    if m < f64::MIN_POSITIVE {
        m *= pow2(60);
        k -= 60;
    }
    let bits = m.to_bits();
    k += ((bits >> 52) & 0x7ff) as i32 - 1023;
    m = f64::from_bits((bits & !(0x7ffu64 << 52)) | (1023u64 << 52));
    if m > std::f64::consts::SQRT_2 {
        m /= 2.0;
        k += 1;
    }
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let (mut term, mut sum) = (s, 0.0);
    for n in 0..30 {
        sum += term / f64::from(2 * n + 1);
        term *= s2;
    }
    (2.0 * sum + f64::from(k) * LN_2) / LN_10
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_and_log10_agree_with_the_platform_to_a_few_ulps() {
        for i in -400..=400 {
            let x = f64::from(i) / 7.0;
            let (ours, theirs) = (exp(x), x.exp());
            assert!(((ours - theirs) / theirs).abs() < 1e-14, "exp({x}): {ours} vs {theirs}");
        }
        for x in [1e-300, 1e-20, 0.001, 0.3, 0.5, 1.0, 2.0, 9.99, 1e10, 5e300] {
            assert!((log10(x) - x.log10()).abs() < 1e-13, "log10({x}): {} vs {}", log10(x), x.log10());
        }
        assert_eq!(log10(0.0), f64::NEG_INFINITY);
        assert!((log10(f64::MIN_POSITIVE / 1024.0) - (f64::MIN_POSITIVE / 1024.0).log10()).abs() < 1e-12);
    }

    #[test]
    fn phi_is_about_0_3_at_the_mean_and_grows_with_silence() {
        // At the mean the CDF is 1/2: phi = -log10(0.5) = 0.301 (the paper's Fig. 2 shape).
        assert!((phi(100.0, 100.0, 10.0) - std::f64::consts::LOG10_2).abs() < 1e-12);
        let levels: Vec<f64> = (0..10).map(|i| phi(100.0 + 10.0 * f64::from(i), 100.0, 10.0)).collect();
        assert!(levels.windows(2).all(|w| w[0] < w[1]), "{levels:?}");
        // Three deviations late: about one chance in 750 (the normal tail is 1/741).
        assert!((phi(130.0, 100.0, 10.0) - 2.87).abs() < 0.1, "{}", phi(130.0, 100.0, 10.0));
        assert_eq!(phi(1e9, 100.0, 10.0), PHI_MAX);
    }

    #[test]
    fn the_window_is_bounded_and_keeps_the_newest_intervals() {
        let mut beats = Heartbeats::new(3);
        beats.watch(0);
        for t in [50, 100, 150, 260, 310] {
            beats.heard(t);
        }
        assert_eq!(beats.intervals().collect::<Vec<_>>(), [50, 110, 50]);
        let (mean, std) = beats.mean_std(50);
        assert!((mean - 70.0).abs() < 1e-9 && (std - 28.284_271).abs() < 1e-5, "{mean} {std}");
        assert_eq!(beats.silence(400), 90);
        assert_eq!(Heartbeats::new(0).window, WINDOW_MIN as usize);
    }

    #[test]
    fn the_timeout_detector_suspects_strictly_after_the_timeout() {
        let mut beats = Heartbeats::new(8);
        beats.watch(0);
        beats.heard(100);
        let at = |now| judge(Kind::Timeout, &beats, now, 50, 200, 8.0);
        assert!(!at(300).suspect && at(301).suspect);
        assert_eq!(at(250).level, 150.0);
        assert!(!judge(Kind::Timeout, &Heartbeats::new(8), 1000, 50, 200, 8.0).suspect, "not watching yet");
    }

    #[test]
    fn the_phi_detector_tolerates_jitter_it_has_seen() {
        // Regular beats every 50: suspicion comes soon after a miss.
        let mut steady = Heartbeats::new(16);
        steady.watch(0);
        (1..=16).for_each(|i| steady.heard(i * 50));
        // Irregular beats 20..140 apart: the same silence is less alarming.
        let mut jittery = Heartbeats::new(16);
        jittery.watch(0);
        let mut t = 0;
        for i in 0..16 {
            t += if i % 2 == 0 { 20 } else { 140 };
            jittery.heard(t);
        }
        let late = 150;
        let steady_phi = steady.phi(800 + late, 50);
        let jittery_phi = jittery.phi(t + late, 50);
        assert!(steady_phi > 8.0 && jittery_phi < 3.0, "steady {steady_phi}, jittery {jittery_phi}");
    }
}
