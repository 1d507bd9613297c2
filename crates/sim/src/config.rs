//! The world's settings: cluster size and how the network behaves.

pub use crate::network::Network;
use protocol::{Tick, MAX_NODES};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Longest message latency a world accepts, in ticks. Keeps the queue's time
/// span bounded and the canvas readable.
pub const MAX_LATENCY_MS: Tick = 60_000;

/// How the simulated network and cluster behave. These are the defaults of
/// both the app and the CLI, so a link and a command line agree.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimConfig {
    /// Number of nodes, `1..=MAX_NODES` (each protocol may allow fewer).
    pub nodes: u32,
    /// One-way message latency, drawn uniformly from `[min, max]` ticks.
    pub latency_ms: [Tick; 2],
    /// Probability that the network loses a message at send time.
    pub drop: f64,
    /// Probability that the network delivers a second copy of a message.
    pub dup: f64,
    /// The channel semantics ([`Network`]); left out of traces and links
    /// when it is the default, `lossy`, so they read as they always did.
    #[serde(default, skip_serializing_if = "Network::is_lossy")]
    pub network: Network,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self { nodes: 5, latency_ms: [10, 40], drop: 0.0, dup: 0.0, network: Network::Lossy }
    }
}

/// A setting outside its allowed range. Names the field.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("{field}: {reason}")]
pub struct ConfigError {
    pub field: &'static str,
    pub reason: String,
}

impl ConfigError {
    pub fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self { field, reason: reason.into() }
    }
}

impl SimConfig {
    /// Check every field; `max_nodes` is the protocol's own limit.
    pub fn validate(&self, max_nodes: u32) -> Result<(), ConfigError> {
        let max_nodes = max_nodes.min(MAX_NODES);
        if self.nodes == 0 || self.nodes > max_nodes {
            return Err(ConfigError::new("nodes", format!("must be between 1 and {max_nodes}, got {}", self.nodes)));
        }
        let [lo, hi] = self.latency_ms;
        if lo == 0 || lo > hi || hi > MAX_LATENCY_MS {
            return Err(ConfigError::new(
                "latency",
                format!("must be MIN..MAX with 1 <= MIN <= MAX <= {MAX_LATENCY_MS}, got {lo}..{hi}"),
            ));
        }
        for (field, p) in [("drop", self.drop), ("dup", self.dup)] {
            if !(0.0..=1.0).contains(&p) {
                return Err(ConfigError::new(field, format!("must be a probability in [0, 1], got {p}")));
            }
        }
        Ok(())
    }
}

/// Parse a latency range written `MIN..MAX` (or a single number).
pub fn parse_latency(text: &str) -> Result<[Tick; 2], ConfigError> {
    let bad = || ConfigError::new("latency", format!("expected MIN..MAX in ms (like 10..40), got {text:?}"));
    let (lo, hi) = match text.split_once("..") {
        Some((lo, hi)) => (lo.trim().parse().map_err(|_| bad())?, hi.trim().parse().map_err(|_| bad())?),
        None => {
            let v = text.trim().parse().map_err(|_| bad())?;
            (v, v)
        }
    };
    Ok([lo, hi])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        SimConfig::default().validate(9).unwrap();
    }

    #[test]
    fn errors_name_the_field() {
        let c = SimConfig { nodes: 1000, ..Default::default() };
        assert_eq!(c.validate(9).unwrap_err().field, "nodes");
        let c = SimConfig { drop: 1.5, ..Default::default() };
        assert_eq!(c.validate(9).unwrap_err().field, "drop");
        let c = SimConfig { latency_ms: [40, 10], ..Default::default() };
        assert_eq!(c.validate(9).unwrap_err().field, "latency");
    }

    #[test]
    fn latency_parses() {
        assert_eq!(parse_latency("10..40").unwrap(), [10, 40]);
        assert_eq!(parse_latency("25").unwrap(), [25, 25]);
        assert!(parse_latency("10-40").is_err());
    }
}
