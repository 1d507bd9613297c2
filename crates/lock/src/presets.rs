//! Scenarios as data: the algorithm, the world's size, the seed, the
//! options and the scheduled actions. The network is the default one
//! (latency 10..40 ms, no loss). Each pair runs the same story under a bare
//! lease and under fencing, step for step the same until the storage judges
//! the stale write, so they can be shown side by side.
//!
//! [`Preset::query`] writes one as a link's query string, which the lab
//! reads like any other link.

use crate::config::{LockConfig, Variant};

/// A named scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Preset {
    /// A stable identifier.
    pub id: &'static str,
    pub variant: Variant,
    pub title: &'static str,
    /// What to watch for.
    pub description: &'static str,
    pub nodes: u32,
    pub seed: u64,
    /// The `first_token` option; every other option keeps its default.
    pub first_token: u64,
    /// The scheduled actions, as JSON.
    pub actions: &'static str,
}

impl Preset {
    /// The `--algo` name.
    pub fn algo(&self) -> &'static str {
        self.variant.name()
    }

    /// Options that differ from the defaults, by name.
    pub fn options(&self) -> Vec<(&'static str, String)> {
        let mut options = Vec::new();
        if self.first_token != LockConfig::default().first_token {
            options.push(("first_token", self.first_token.to_string()));
        }
        options
    }

    /// The protocol config the options make.
    pub fn config(&self) -> LockConfig {
        LockConfig { first_token: self.first_token, ..LockConfig::default() }
    }

    /// The preset as a link's query parameters (not percent-encoded).
    pub fn query(&self) -> String {
        let mut q = format!("algo={}&nodes={}&seed={}", self.algo(), self.nodes, self.seed);
        for (name, value) in self.options() {
            q.push_str(&format!("&{name}={value}"));
        }
        q.push_str(&format!("&actions={}", self.actions));
        q
    }
}

const KLEPPMANN_DESCRIPTION_LEASE: &str = "Kleppmann's figure: client 1 gets the lease (token 33) and pauses \
    for 1.5 s, as in a long GC pause. Its lease expires on the server, client 2 gets token 34 and writes. \
    Client 1 wakes, finishes its work and writes with token 33: the storage accepts it and client 2's \
    write is lost.";
const KLEPPMANN_DESCRIPTION_FENCED: &str = "Kleppmann's figure with fencing: the same pause, the same \
    expiry, client 2 writes with token 34. When client 1 wakes and writes with token 33, the storage has \
    already seen 34 and rejects it.";
/// Client 1 pauses right after it learns it holds the lock (step 4 of seed 1).
const KLEPPMANN_ACTIONS: &str = r#"[{"step":4,"do":"pause","node":1,"for":1500}]"#;
const SLOW_CLOCK_ACTIONS: &str = r#"[{"step":0,"do":"drift","node":1,"rate":0.5}]"#;
const SLOW_CLOCK_REDLOCK_ACTIONS: &str = r#"[{"step":0,"do":"drift","node":5,"rate":0.5}]"#;

pub const KLEPPMANN_LEASE: Preset = Preset {
    id: "kleppmann-lease",
    variant: Variant::Lease,
    title: "Process pause, lease only",
    description: KLEPPMANN_DESCRIPTION_LEASE,
    nodes: 4,
    seed: 1,
    first_token: 33,
    actions: KLEPPMANN_ACTIONS,
};

pub const KLEPPMANN_FENCED: Preset = Preset {
    id: "kleppmann-fenced",
    variant: Variant::Fenced,
    title: "Process pause, fencing token",
    description: KLEPPMANN_DESCRIPTION_FENCED,
    ..KLEPPMANN_LEASE
};

pub const SLOW_CLOCK_LEASE: Preset = Preset {
    id: "slow-clock-lease",
    variant: Variant::Lease,
    title: "Slow clock, lease only",
    description: concat!(
        "Client 1's clock runs at half speed, so its lease looks valid to it for twice as long as the server ",
        "grants it. It writes after the server gave the lock to client 2 and client 2 wrote: the storage ",
        "accepts the stale write."
    ),
    nodes: 4,
    seed: 10,
    first_token: 1,
    actions: SLOW_CLOCK_ACTIONS,
};

pub const SLOW_CLOCK_FENCED: Preset = Preset {
    id: "slow-clock-fenced",
    variant: Variant::Fenced,
    title: "Slow clock, fencing token",
    description: concat!(
        "Client 1's clock runs at half speed, so its lease looks valid to it for twice as long as the server ",
        "grants it. Its late write carries an old token, and the storage rejects it."
    ),
    ..SLOW_CLOCK_LEASE
};

pub const SLOW_CLOCK_REDLOCK: Preset = Preset {
    id: "slow-clock-redlock",
    variant: Variant::Redlock,
    title: "Slow clock, Redlock",
    description: concat!(
        "Redlock's majority does not help a client whose clock runs slow: client 5 at half speed believes ",
        "its lock valid long after all five servers expired it, and writes after client 6 did."
    ),
    nodes: 8,
    seed: 2,
    first_token: 1,
    actions: SLOW_CLOCK_REDLOCK_ACTIONS,
};

/// Every preset, in menu order.
pub const PRESETS: &[Preset] =
    &[KLEPPMANN_LEASE, KLEPPMANN_FENCED, SLOW_CLOCK_LEASE, SLOW_CLOCK_FENCED, SLOW_CLOCK_REDLOCK];

/// Kleppmann's figure under `variant` (`Lease` or `Fenced`).
pub fn kleppmann(variant: Variant) -> Option<Preset> {
    match variant {
        Variant::Lease => Some(KLEPPMANN_LEASE),
        Variant::Fenced => Some(KLEPPMANN_FENCED),
        Variant::Redlock | Variant::Zk => None,
    }
}

pub fn find(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_queries_name_everything() {
        for (i, p) in PRESETS.iter().enumerate() {
            assert!(PRESETS[..i].iter().all(|q| q.id != p.id), "{}", p.id);
            assert_eq!(find(p.id), Some(p));
            let q = p.query();
            assert!(q.starts_with(&format!("algo={}&nodes={}&seed={}", p.algo(), p.nodes, p.seed)), "{q}");
            assert!(q.ends_with(&format!("&actions={}", p.actions)), "{q}");
        }
        assert_eq!(
            KLEPPMANN_FENCED.query(),
            r#"algo=lock-fenced&nodes=4&seed=1&first_token=33&actions=[{"step":4,"do":"pause","node":1,"for":1500}]"#
        );
    }
}
