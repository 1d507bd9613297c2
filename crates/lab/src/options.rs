//! Protocol settings a user may change, by name: `--set heartbeat_ms=30` on
//! the command line, `&heartbeat_ms=30` in a link. Each algorithm lists its
//! options in the catalog; a value is parsed into the protocol's config when
//! the run opens, and a bad one is an error naming the option.

use crate::{Algo, SetupError};
use protocol::Tick;
use std::collections::BTreeMap;
use std::str::FromStr;

/// Option values by name, in name order (so links and traces are stable).
pub type Options = BTreeMap<String, String>;

/// One setting of a protocol.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct OptionSpec {
    pub name: &'static str,
    /// The default, as it would be written.
    pub default: &'static str,
    pub help: &'static str,
}

pub const RAFT: &[OptionSpec] = &[
    OptionSpec {
        name: "election_timeout_ms",
        default: "150..300",
        help: "election timeout range MIN..MAX; each timeout is drawn from it (§5.2)",
    },
    OptionSpec { name: "heartbeat_ms", default: "50", help: "how often an idle leader sends AppendEntries" },
];

const PAXOS_ROLES: OptionSpec = OptionSpec {
    name: "roles",
    default: "split",
    help:
        "split: the first `proposers` nodes propose and the last `acceptors` accept; all: every node plays every role",
};
const PAXOS_COMMON: [OptionSpec; 5] = [
    OptionSpec { name: "proposers", default: "2", help: "how many nodes propose (roles=split)" },
    OptionSpec { name: "acceptors", default: "3", help: "how many nodes accept (roles=split)" },
    OptionSpec {
        name: "backoff",
        default: "on",
        help: "on: a preempted proposer waits a random back-off; off: it retries at once and may duel forever",
    },
    OptionSpec { name: "retry_ms", default: "200", help: "how long a proposer waits for a phase before retrying" },
    OptionSpec { name: "backoff_ms", default: "20..300", help: "the random back-off range MIN..MAX" },
];

pub const PAXOS: &[OptionSpec] =
    &[PAXOS_ROLES, PAXOS_COMMON[0], PAXOS_COMMON[1], PAXOS_COMMON[2], PAXOS_COMMON[3], PAXOS_COMMON[4]];

pub const MULTIPAXOS: &[OptionSpec] = &[
    OptionSpec { default: "all", ..PAXOS_ROLES },
    PAXOS_COMMON[0],
    PAXOS_COMMON[1],
    PAXOS_COMMON[2],
    PAXOS_COMMON[3],
    PAXOS_COMMON[4],
    OptionSpec { name: "heartbeat_ms", default: "50", help: "how often the leader sends heartbeats" },
    OptionSpec {
        name: "leader_timeout_ms",
        default: "200..400",
        help: "silence from the leader after which a proposer runs phase 1 (MIN..MAX)",
    },
];

/// Check every option: known to the algorithm, and a valid value.
pub fn check(algo: Algo, options: &Options) -> Result<(), SetupError> {
    check_names(algo, options)?;
    match algo {
        Algo::Raft => raft_config(options).map(drop),
        Algo::Paxos | Algo::MultiPaxos => paxos_config(algo, options).map(drop),
    }
}

/// Reject option names the algorithm does not have.
pub fn check_names(algo: Algo, options: &Options) -> Result<(), SetupError> {
    let specs = algo.info().options;
    for name in options.keys() {
        if !specs.iter().any(|s| s.name == name) {
            let known: Vec<_> = specs.iter().map(|s| s.name).collect();
            return Err(SetupError::new(
                "options",
                format!(
                    "{} has no option {name:?}; known: {}",
                    algo.info().title,
                    if known.is_empty() { "none".to_string() } else { known.join(", ") }
                ),
            ));
        }
    }
    Ok(())
}

/// The value of option `name` (or its default), parsed.
pub fn get<T: FromStr>(specs: &[OptionSpec], options: &Options, name: &'static str) -> Result<T, SetupError> {
    let spec = specs.iter().find(|s| s.name == name).expect("the option is in the catalog");
    let text = options.get(name).map_or(spec.default, String::as_str);
    text.trim().parse().map_err(|_| SetupError::new(spec.name, format!("invalid value {text:?} ({})", spec.help)))
}

/// A range option written `MIN..MAX` (or one number), with `1 <= MIN <= MAX`.
pub fn get_range(specs: &[OptionSpec], options: &Options, name: &'static str) -> Result<[Tick; 2], SetupError> {
    let spec = specs.iter().find(|s| s.name == name).expect("the option is in the catalog");
    let text = options.get(name).map_or(spec.default, String::as_str);
    let bad = || SetupError::new(spec.name, format!("expected MIN..MAX with 1 <= MIN <= MAX, got {text:?}"));
    let range = sim::parse_latency(text).map_err(|_| bad())?;
    if range[0] == 0 || range[0] > range[1] || range[1] > sim::config::MAX_LATENCY_MS {
        return Err(bad());
    }
    Ok(range)
}

/// Build Raft's config from its options.
pub fn raft_config(options: &Options) -> Result<raft::RaftConfig, SetupError> {
    let heartbeat_ms: Tick = get(RAFT, options, "heartbeat_ms")?;
    if heartbeat_ms == 0 {
        return Err(SetupError::new("heartbeat_ms", "must be at least 1"));
    }
    Ok(raft::RaftConfig {
        election_timeout_ms: get_range(RAFT, options, "election_timeout_ms")?,
        heartbeat_ms,
        ..raft::RaftConfig::default()
    })
}

fn on_off(specs: &[OptionSpec], options: &Options, name: &'static str) -> Result<bool, SetupError> {
    let spec = specs.iter().find(|s| s.name == name).expect("the option is in the catalog");
    match options.get(name).map_or(spec.default, String::as_str).trim() {
        "on" | "true" | "1" => Ok(true),
        "off" | "false" | "0" => Ok(false),
        other => Err(SetupError::new(spec.name, format!("expected on or off, got {other:?}"))),
    }
}

/// Build the Paxos config (single-decree or Multi-Paxos) from its options.
pub fn paxos_config(algo: Algo, options: &Options) -> Result<paxos::PaxosConfig, SetupError> {
    let specs = algo.info().options;
    let placement = match get::<String>(specs, options, "roles")?.as_str() {
        "split" => paxos::Placement::Split,
        "all" => paxos::Placement::All,
        other => return Err(SetupError::new("roles", format!("expected split or all, got {other:?}"))),
    };
    let proposers: u32 = get(specs, options, "proposers")?;
    let acceptors: u32 = get(specs, options, "acceptors")?;
    for (name, n) in [("proposers", proposers), ("acceptors", acceptors)] {
        if n == 0 || n > paxos::MAX_NODES {
            return Err(SetupError::new(name, format!("must be between 1 and {}, got {n}", paxos::MAX_NODES)));
        }
    }
    let retry_ms: Tick = get(specs, options, "retry_ms")?;
    if retry_ms == 0 {
        return Err(SetupError::new("retry_ms", "must be at least 1"));
    }
    let mut config = paxos::PaxosConfig {
        placement,
        proposers,
        acceptors,
        backoff: on_off(specs, options, "backoff")?,
        retry_ms: [retry_ms, retry_ms],
        backoff_ms: get_range(specs, options, "backoff_ms")?,
        ..paxos::PaxosConfig::default()
    };
    if algo == Algo::MultiPaxos {
        config.heartbeat_ms = get(specs, options, "heartbeat_ms")?;
        if config.heartbeat_ms == 0 {
            return Err(SetupError::new("heartbeat_ms", "must be at least 1"));
        }
        config.leader_timeout_ms = get_range(specs, options, "leader_timeout_ms")?;
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(pairs: &[(&str, &str)]) -> Options {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn defaults_build_the_default_config() {
        let config = raft_config(&Options::new()).unwrap();
        assert_eq!(config, raft::RaftConfig::default());
    }

    #[test]
    fn options_are_parsed_and_bad_ones_named() {
        let config = raft_config(&opts(&[("election_timeout_ms", "300..600"), ("heartbeat_ms", "20")])).unwrap();
        assert_eq!(config.election_timeout_ms, [300, 600]);
        assert_eq!(config.heartbeat_ms, 20);
        assert_eq!(raft_config(&opts(&[("heartbeat_ms", "soon")])).unwrap_err().field, "heartbeat_ms");
        assert_eq!(raft_config(&opts(&[("election_timeout_ms", "9..3")])).unwrap_err().field, "election_timeout_ms");
        let err = check_names(Algo::Raft, &opts(&[("vnodes", "3")])).unwrap_err();
        assert!(err.reason.contains("no option \"vnodes\""), "{err}");
    }
}
