//! Settings every node shares, and the deliberately broken variant.

use crate::checker::ONE_PRIMARY_PER_EPOCH;
use protocol::{BugSpec, Bugs, Tick};
use serde::Serialize;

/// How a backup decides that the primary is gone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Detector {
    /// Suspect after `timeout_ms` without a heartbeat.
    #[default]
    Timeout,
    /// Suspect when phi (Hayashibara et al. 2004) exceeds `phi_threshold`.
    Phi,
}

/// What stops a deposed primary from accepting writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Fencing {
    /// A promotion starts a new epoch; replication carries the epoch and a
    /// replica refuses an older one.
    #[default]
    Epoch,
    /// No epoch: the promoted backup and the old primary both accept writes.
    None,
}

/// How the replicas stand in line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Topology {
    /// A primary and one backup (3 nodes with the client).
    #[default]
    Pair,
    /// A chain of 2 to 5 replicas: writes flow from the head to the tail.
    Chain,
}

impl Topology {
    pub fn name(self) -> &'static str {
        match self {
            Topology::Pair => "pair",
            Topology::Chain => "chain",
        }
    }
}

impl Detector {
    pub fn name(self) -> &'static str {
        match self {
            Detector::Timeout => "timeout",
            Detector::Phi => "phi",
        }
    }
}

impl Fencing {
    pub fn name(self) -> &'static str {
        match self {
            Fencing::Epoch => "epoch",
            Fencing::None => "none",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PbConfig {
    pub topology: Topology,
    pub detector: Detector,
    pub fencing: Fencing,
    /// How often a replica sends its peer a heartbeat (and looks at its detector).
    pub heartbeat_ms: Tick,
    /// The fixed timeout (detector `timeout`).
    pub timeout_ms: Tick,
    /// Suspicion level above which the phi detector suspects.
    pub phi_threshold: f64,
    /// Inter-arrival times the phi detector keeps.
    pub window: u32,
    /// How often the client sends a write.
    pub write_ms: Tick,
    /// How long the client waits for an answer before it tries the other replica.
    pub request_timeout_ms: Tick,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bug: Option<PbBug>,
}

/// Every field, the threshold by its bits (`f64` has no `Hash`; equal
/// configs have equal bits, as they are only ever parsed or defaulted).
impl std::hash::Hash for PbConfig {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        let Self {
            topology,
            detector,
            fencing,
            heartbeat_ms,
            timeout_ms,
            phi_threshold,
            window,
            write_ms,
            request_timeout_ms,
            bug,
        } = self;
        (topology, detector, fencing, heartbeat_ms, timeout_ms).hash(h);
        phi_threshold.to_bits().hash(h);
        (window, write_ms, request_timeout_ms, bug).hash(h);
    }
}

impl Default for PbConfig {
    fn default() -> Self {
        Self {
            topology: Topology::Pair,
            detector: Detector::Timeout,
            fencing: Fencing::Epoch,
            heartbeat_ms: 50,
            timeout_ms: 200,
            phi_threshold: 8.0,
            window: 16,
            write_ms: 100,
            request_timeout_ms: 300,
            bug: None,
        }
    }
}

/// A broken primary-backup node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum PbBug {
    /// A promoting backup keeps the epoch of the primary it replaces.
    NoEpochBump,
}

pub const BUGS: &[BugSpec] = &[BugSpec {
    name: "no-epoch-bump",
    breaks: ONE_PRIMARY_PER_EPOCH,
    what: "A backup that suspects the primary promotes itself without starting a new epoch, so it and the old primary accept writes in the same epoch and neither fences the other.",
}];

impl Bugs for PbBug {
    const ALL: &'static [PbBug] = &[PbBug::NoEpochBump];
    const SPECS: &'static [BugSpec] = BUGS;
    const PROTOCOL: &'static str = "primary-backup";
}

impl std::str::FromStr for PbBug {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}
