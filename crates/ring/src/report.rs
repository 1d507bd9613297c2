//! The figures of one membership change under three schemes, for the
//! command line (`cli ring ... --json`) and the app's stats table.
//!
//! Nodes `0..nodes` start in the ring; the change adds `k` nodes (ids
//! `nodes..nodes+k`) or removes one. The seed salts the virtual-node
//! positions and names the keys (`k{seed}-{i}`), so one seed gives one
//! placement and one key set, the same on every platform.

use crate::hash::Position;
use crate::ring::{Ring, MAX_VNODES};
use crate::schemes::{Modulo, Placement, Rendezvous};
use crate::stats::MAX_STAT_KEYS;
use crate::stats::{copies_moved_fraction, loads, max_over_mean, moved_fraction, stat_keys, stddev, Load};
use protocol::NodeId;
use serde::Serialize;
use std::fmt;
use thiserror::Error;

/// Most nodes a report may place keys on.
pub const MAX_REPORT_NODES: u32 = 10_000;
/// Most replicas per key in a report.
pub const MAX_REPORT_REPLICAS: u32 = 16;

/// A membership change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// Add this many nodes, with the next free ids.
    Add(u32),
    /// Remove the node with this id.
    Remove(NodeId),
}

/// What to measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ReportConfig {
    pub nodes: u32,
    pub vnodes: u32,
    pub replicas: u32,
    pub keys: u32,
    pub seed: u64,
    pub change: Change,
}

impl Default for ReportConfig {
    /// The example: `--nodes 10 --vnodes 100 --replicas 1 --keys 100000 --seed 1 --add 1`.
    fn default() -> Self {
        Self { nodes: 10, vnodes: 100, replicas: 1, keys: 100_000, seed: 1, change: Change::Add(1) }
    }
}

/// A setting a report cannot use; names the field.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("{field}: {reason}")]
pub struct ReportError {
    pub field: &'static str,
    pub reason: String,
}

impl ReportError {
    fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self { field, reason: reason.into() }
    }
}

impl ReportConfig {
    pub fn validate(&self) -> Result<(), ReportError> {
        let within = |field, value: u32, lo: u32, hi: u32| {
            if (lo..=hi).contains(&value) {
                Ok(())
            } else {
                Err(ReportError::new(field, format!("must be between {lo} and {hi}, got {value}")))
            }
        };
        within("nodes", self.nodes, 1, MAX_REPORT_NODES)?;
        within("vnodes", self.vnodes, 1, MAX_VNODES)?;
        within("replicas", self.replicas, 1, MAX_REPORT_REPLICAS)?;
        within("keys", self.keys, 1, MAX_STAT_KEYS)?;
        match self.change {
            Change::Add(k) => within("add", k, 1, MAX_REPORT_NODES - self.nodes.min(MAX_REPORT_NODES - 1)),
            Change::Remove(id) if id >= self.nodes => Err(ReportError::new(
                "remove",
                format!("node {id} is not in the ring (nodes are 0..{})", self.nodes - 1),
            )),
            Change::Remove(_) if self.nodes == 1 => Err(ReportError::new("remove", "cannot remove the only node")),
            Change::Remove(_) => Ok(()),
        }
    }
}

/// A pair of figures, before and after the change.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pair<T> {
    pub before: T,
    pub after: T,
}

/// One scheme's figures for the change.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Figures {
    /// Fraction of keys whose owner changed.
    pub moved_fraction: f64,
    /// Fraction of the stored copies (`replicas` per key) that had to be
    /// copied to a node that did not hold the key.
    pub copies_moved_fraction: f64,
    /// Keys per node, in id order.
    pub load: Pair<Vec<Load>>,
    /// Standard deviation of the keys owned per node.
    pub load_stddev: Pair<f64>,
    /// The most keys one node owns over the mean.
    pub max_over_mean: Pair<f64>,
}

/// The report: the configuration, the ring's figures at the top level, and
/// the same figures for `hash mod N` and for rendezvous hashing.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    #[serde(flatten)]
    pub config: ReportConfig,
    pub members_before: Vec<NodeId>,
    pub members_after: Vec<NodeId>,
    /// The ideal: adding `k` nodes to `N` moves `k/(N+k)` of the keys,
    /// removing one of `N` moves `1/N` (Karger et al., 1997).
    pub expected_moved_fraction: f64,
    /// Consistent hashing with virtual nodes.
    #[serde(flatten)]
    pub ring: Figures,
    pub modulo_moved_fraction: f64,
    pub rendezvous_moved_fraction: f64,
    pub modulo: Figures,
    pub rendezvous: Figures,
}

/// Measure the change `config` describes.
pub fn report(config: &ReportConfig) -> Result<Report, ReportError> {
    config.validate()?;
    let before: Vec<NodeId> = (0..config.nodes).collect();
    let (after, expected): (Vec<NodeId>, f64) = match config.change {
        Change::Add(k) => ((0..config.nodes + k).collect(), f64::from(k) / f64::from(config.nodes + k)),
        Change::Remove(id) => (before.iter().copied().filter(|&n| n != id).collect(), 1.0 / f64::from(config.nodes)),
    };
    let keys = stat_keys(config.seed, config.keys);
    let ring_before = Ring::of(config.vnodes, config.seed, before.iter().copied());
    let ring_after = Ring::of(config.vnodes, config.seed, after.iter().copied());
    let ring = figures(&ring_before, &ring_after, &keys, config.replicas);
    let modulo = figures(&Modulo::new(before.clone()), &Modulo::new(after.clone()), &keys, config.replicas);
    let rendezvous = figures(
        &Rendezvous::new(before.clone(), config.seed),
        &Rendezvous::new(after.clone(), config.seed),
        &keys,
        config.replicas,
    );
    Ok(Report {
        config: *config,
        members_before: before,
        members_after: after,
        expected_moved_fraction: expected,
        modulo_moved_fraction: modulo.moved_fraction,
        rendezvous_moved_fraction: rendezvous.moved_fraction,
        ring,
        modulo,
        rendezvous,
    })
}

/// The figures of one scheme for a change from `before` to `after`.
pub fn figures(before: &impl Placement, after: &impl Placement, keys: &[Position], replicas: u32) -> Figures {
    let (load_before, load_after) = (loads(before, keys, replicas), loads(after, keys, replicas));
    let primary = |l: &[Load]| l.iter().map(|l| l.primary).collect::<Vec<_>>();
    let (p_before, p_after) = (primary(&load_before), primary(&load_after));
    Figures {
        moved_fraction: moved_fraction(before, after, keys),
        copies_moved_fraction: copies_moved_fraction(before, after, keys, replicas),
        load_stddev: Pair { before: stddev(&p_before), after: stddev(&p_after) },
        max_over_mean: Pair { before: max_over_mean(&p_before), after: max_over_mean(&p_after) },
        load: Pair { before: load_before, after: load_after },
    }
}

/// Percent with two decimals.
fn pct(x: f64) -> String {
    format!("{:.2}%", x * 100.0)
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.config;
        let change = match c.change {
            Change::Add(k) => {
                format!("add {k} (node{} {})", protocol::plural(k as u64), ids(&self.members_after[c.nodes as usize..]))
            }
            Change::Remove(id) => format!("remove node {id}"),
        };
        writeln!(
            f,
            "{} nodes, {} virtual nodes each, {} replica{}, {} keys, seed {}: {change}",
            c.nodes,
            c.vnodes,
            c.replicas,
            protocol::plural(c.replicas as u64),
            c.keys,
            c.seed
        )?;
        writeln!(f, "expected moved fraction  {}", pct(self.expected_moved_fraction))?;
        writeln!(f)?;
        writeln!(f, "scheme              moved    copies moved  stddev before → after  max/mean before → after")?;
        for (name, fig) in
            [("consistent hashing", &self.ring), ("hash mod N", &self.modulo), ("rendezvous (HRW)", &self.rendezvous)]
        {
            let spread = format!("{:.1} → {:.1}", fig.load_stddev.before, fig.load_stddev.after);
            writeln!(
                f,
                "{name:<19} {:<8} {:<13} {spread:<22} {:.3} → {:.3}",
                pct(fig.moved_fraction),
                pct(fig.copies_moved_fraction),
                fig.max_over_mean.before,
                fig.max_over_mean.after
            )?;
        }
        writeln!(f)?;
        writeln!(f, "keys per node, consistent hashing (primary + replica):")?;
        writeln!(f, "node  before            after")?;
        for &node in &self.members_after.iter().chain(&self.members_before).copied().collect::<protocol::FlatSet<_>>() {
            let show = |loads: &[Load]| {
                loads
                    .iter()
                    .find(|l| l.node == node)
                    .map_or("-".to_string(), |l| format!("{} + {}", l.primary, l.replica))
            };
            writeln!(f, "{node:<5} {:<17} {}", show(&self.ring.load.before), show(&self.ring.load.after))?;
        }
        Ok(())
    }
}

fn ids(nodes: &[NodeId]) -> String {
    nodes.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", ")
}
