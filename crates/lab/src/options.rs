//! Protocol settings a user may change, by name: `--set heartbeat_ms=30` on
//! the command line, `&heartbeat_ms=30` in a link. Each algorithm lists its
//! options in the catalog; a value is parsed into the protocol's config when
//! the run opens, and a bad one is an error naming the option.

mod choices;
mod kv;
mod services;
mod transactions;

pub use choices::choices;
pub use kv::{kv_lww_config, kv_raft_config, KV_LWW, KV_RAFT};
pub use services::{abd_config, balance_config, pb_config, ABD, BALANCE, PRIMARY_BACKUP};
pub use transactions::{commit_config, outbox_config, saga_config, OUTBOX, SAGA, THREE_PC, TWO_PC};

use crate::{Algo, SetupError};
use protocol::Tick;
use std::str::FromStr;

/// Option values by name, in name order (so links and traces are stable).
pub type Options = protocol::FlatMap<String, String>;

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
    OptionSpec {
        name: "max_entries_per_append",
        default: "64",
        help:
            "most log entries one AppendEntries carries, 1 to 1024 (1: a follower catches up one entry per round trip)",
    },
];

/// Most entries an AppendEntries may carry (`max_entries_per_append`).
pub const MAX_ENTRIES_PER_APPEND: usize = 1024;

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

pub const RING: &[OptionSpec] = &[
    OptionSpec { name: "vnodes", default: "100", help: "virtual nodes per node (1..=1000)" },
    OptionSpec { name: "replicas", default: "2", help: "copies of each key: the preference list's length R (1..=5)" },
    OptionSpec { name: "keys", default: "200", help: "keys loaded into the store at start (0..=10000)" },
    OptionSpec {
        name: "members",
        default: "auto",
        help: "nodes that start in the ring; the others stand by to join (auto: 4, or all but one of fewer nodes)",
    },
];

/// `lock-lease`, `lock-fenced` and `redlock`. Times are on the local clock
/// of the node that measures them.
pub const LOCK_LEASE: &[OptionSpec] = &[
    OptionSpec { name: "ttl_ms", default: "1000", help: "how long a granted lease lasts (the PX of SET NX PX)" },
    LOCK_HOLD,
    LOCK_BACKOFF,
    LOCK_REQUEST_TIMEOUT,
    OptionSpec {
        name: "drift_allowance_ms",
        default: "12",
        help: "subtracted from a lease's validity for clock drift (Redis: ttl × 0.01 + 2 ms); below ttl_ms",
    },
    LOCK_FIRST_TOKEN,
];

/// `lock-zk`.
pub const LOCK_ZK: &[OptionSpec] = &[
    OptionSpec {
        name: "session_timeout_ms",
        default: "1000",
        help: "a session without a heartbeat for this long expires, and its entries with it",
    },
    OptionSpec {
        name: "heartbeat_ms",
        default: "250",
        help: "how often a client sends a heartbeat; below session_timeout_ms",
    },
    LOCK_HOLD,
    LOCK_BACKOFF,
    LOCK_REQUEST_TIMEOUT,
    LOCK_FIRST_TOKEN,
];

const LOCK_HOLD: OptionSpec = OptionSpec {
    name: "hold_ms",
    default: "200..800",
    help: "how long a client works holding the lock before it writes, MIN..MAX, drawn each time",
};
const LOCK_BACKOFF: OptionSpec = OptionSpec {
    name: "backoff_ms",
    default: "50..250",
    help: "how long a client waits before it tries again, MIN..MAX",
};
const LOCK_REQUEST_TIMEOUT: OptionSpec = OptionSpec {
    name: "request_timeout_ms",
    default: "200",
    help: "how long a client waits for an answer before giving up or asking again",
};
const LOCK_FIRST_TOKEN: OptionSpec = OptionSpec {
    name: "first_token",
    default: "1",
    help: "the first token the lock service issues (Kleppmann's figure: 33)",
};

/// The option that switches on a deliberately broken variant of the
/// protocol (`--set bug=forget-vote`, `&bug=forget-vote`). It is not in
/// any algorithm's `options`, so the app's menus never offer it; the
/// catalog lists each algorithm's bugs, and `cli algos` prints them.
pub const BUG: &str = "bug";

/// The broken variant the options name, if any.
pub fn bug<B: FromStr<Err = String>>(options: &Options) -> Result<Option<B>, SetupError> {
    options.get(BUG).map(|name| name.trim().parse::<B>().map_err(|e| SetupError::new(BUG, e))).transpose()
}

/// Check every option: known to the algorithm, and a valid value for a
/// cluster of `nodes` (the config is built, as opening the run builds it, so
/// a setup that passes this check opens).
pub fn check(algo: Algo, options: &Options, nodes: u32) -> Result<(), SetupError> {
    check_names(algo, options)?;
    match algo {
        Algo::Raft => raft_config(options).map(drop),
        Algo::Paxos | Algo::MultiPaxos => paxos_config(algo, options).map(drop),
        Algo::LockLease | Algo::LockFenced | Algo::Redlock | Algo::LockZk => lock_config(algo, options).map(drop),
        Algo::Ring => ring_config_for(options, nodes).map(drop),
        Algo::TwoPc | Algo::ThreePc => commit_config(algo, options, nodes).map(drop),
        Algo::Saga => saga_config(options, nodes).map(drop),
        Algo::Outbox => outbox_config(options).map(drop),
        Algo::Abd => abd_config(options, nodes).map(drop),
        Algo::PrimaryBackup => pb_config(options, nodes).map(drop),
        Algo::Balance => balance_config(options, nodes).map(drop),
        Algo::KvRaft => kv_raft_config(options, nodes).map(drop),
        Algo::KvLww => kv_lww_config(options, nodes).map(drop),
    }
}

/// Reject option names the algorithm does not have.
pub fn check_names(algo: Algo, options: &Options) -> Result<(), SetupError> {
    let specs = algo.info().options;
    for name in options.keys() {
        if name == BUG {
            if algo.info().bugs.is_empty() {
                let reason =
                    format!("{} has no broken variants (`cli algos` lists each algorithm's)", algo.info().name);
                return Err(SetupError::new(BUG, reason));
            }
            continue;
        }
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
    text.trim()
        .parse()
        .map_err(|_| SetupError::new(spec.name, format!("invalid value {text:?} for {}: {}", spec.name, spec.help)))
}

/// A decimal option, read as [`get`] reads others (the same value and error)
/// but through [`crate::decimal::parse`].
pub fn get_decimal(specs: &[OptionSpec], options: &Options, name: &'static str) -> Result<f64, SetupError> {
    let spec = specs.iter().find(|s| s.name == name).expect("the option is in the catalog");
    let text = options.get(name).map_or(spec.default, String::as_str);
    crate::decimal::parse(text.trim())
        .ok_or_else(|| SetupError::new(spec.name, format!("invalid value {text:?} for {}: {}", spec.name, spec.help)))
}

/// Longest duration an option may give, in ms: the longest latency, a
/// minute of model time. World time is added to durations, so they are
/// bounded like every other input (a `u64` would overflow it).
pub const MAX_DURATION_MS: Tick = sim::config::MAX_LATENCY_MS;

/// Largest first fencing token: tokens count up from it for the whole run.
pub const MAX_FIRST_TOKEN: u64 = 1_000_000_000;

/// A duration option in ms, at least `min` (0 or 1) and at most
/// [`MAX_DURATION_MS`].
pub fn duration(specs: &[OptionSpec], options: &Options, name: &'static str, min: Tick) -> Result<Tick, SetupError> {
    let value: Tick = get(specs, options, name)?;
    if (min..=MAX_DURATION_MS).contains(&value) {
        Ok(value)
    } else {
        Err(SetupError::new(name, format!("must be between {min} and {MAX_DURATION_MS} ms, got {value}")))
    }
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
    let heartbeat_ms = duration(RAFT, options, "heartbeat_ms", 1)?;
    Ok(raft::RaftConfig {
        election_timeout_ms: get_range(RAFT, options, "election_timeout_ms")?,
        heartbeat_ms,
        max_entries_per_append: entries_per_append(options)?,
        bug: bug(options)?,
    })
}

fn entries_per_append(options: &Options) -> Result<usize, SetupError> {
    let n: usize = get(RAFT, options, "max_entries_per_append")?;
    if (1..=MAX_ENTRIES_PER_APPEND).contains(&n) {
        Ok(n)
    } else {
        Err(SetupError::new(
            "max_entries_per_append",
            format!("must be between 1 and {MAX_ENTRIES_PER_APPEND}, got {n}"),
        ))
    }
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
    let retry_ms = duration(specs, options, "retry_ms", 1)?;
    let mut config = paxos::PaxosConfig {
        placement,
        proposers,
        acceptors,
        backoff: on_off(specs, options, "backoff")?,
        retry_ms: [retry_ms, retry_ms],
        backoff_ms: get_range(specs, options, "backoff_ms")?,
        bug: bug(options)?,
        ..paxos::PaxosConfig::default()
    };
    if algo == Algo::MultiPaxos {
        config.heartbeat_ms = duration(specs, options, "heartbeat_ms", 1)?;
        config.leader_timeout_ms = get_range(specs, options, "leader_timeout_ms")?;
    }
    Ok(config)
}

/// Build the ring store's config from its options.
pub fn ring_config(options: &Options) -> Result<ring::KvConfig, SetupError> {
    let within = |name: &'static str, lo: u32, hi: u32| -> Result<u32, SetupError> {
        let value: u32 = get(RING, options, name)?;
        if (lo..=hi).contains(&value) {
            Ok(value)
        } else {
            Err(SetupError::new(name, format!("must be between {lo} and {hi}, got {value}")))
        }
    };
    let members = match options.get("members").map(|m| m.trim()) {
        None | Some("auto") => None,
        Some(_) => Some(within("members", 1, ring::kv::MAX_NODES)?),
    };
    Ok(ring::KvConfig {
        vnodes: within("vnodes", 1, ring::kv::MAX_SIM_VNODES)?,
        replicas: within("replicas", 1, ring::kv::MAX_REPLICAS)?,
        keys: within("keys", 0, ring::kv::MAX_KEYS)?,
        members,
        bug: bug(options)?,
        ..ring::KvConfig::default()
    })
}

/// The ring store's config for a cluster of `nodes`: `members` must fit in it.
pub fn ring_config_for(options: &Options, nodes: u32) -> Result<ring::KvConfig, SetupError> {
    let config = ring_config(options)?;
    match config.members {
        Some(m) if m > nodes => {
            Err(SetupError::new("members", format!("must be at most the number of nodes ({nodes}), got {m}")))
        }
        _ => Ok(config),
    }
}

/// Build a lock's config from its options. The variant comes with the
/// algorithm; options it does not list keep their defaults.
pub fn lock_config(algo: Algo, options: &Options) -> Result<lock::LockConfig, SetupError> {
    let specs = algo.info().options;
    let positive = |name: &'static str| duration(specs, options, name, 1);
    let first_token: u64 = get(specs, options, "first_token")?;
    if first_token > MAX_FIRST_TOKEN {
        return Err(SetupError::new("first_token", format!("must be at most {MAX_FIRST_TOKEN}, got {first_token}")));
    }
    let mut config = lock::LockConfig {
        hold_ms: get_range(specs, options, "hold_ms")?,
        backoff_ms: get_range(specs, options, "backoff_ms")?,
        request_timeout_ms: positive("request_timeout_ms")?,
        first_token,
        bug: bug(options)?,
        ..lock::LockConfig::default()
    };
    if algo == Algo::LockZk {
        config.session_timeout_ms = positive("session_timeout_ms")?;
        config.heartbeat_ms = positive("heartbeat_ms")?;
        if config.heartbeat_ms >= config.session_timeout_ms {
            return Err(SetupError::new("heartbeat_ms", "must be below session_timeout_ms"));
        }
    } else {
        config.ttl_ms = positive("ttl_ms")?;
        config.drift_allowance_ms = duration(specs, options, "drift_allowance_ms", 0)?;
        if config.drift_allowance_ms >= config.ttl_ms {
            return Err(SetupError::new("drift_allowance_ms", "must be below ttl_ms, or no lease is ever valid"));
        }
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
        assert_eq!(raft_config(&opts(&[("max_entries_per_append", "1")])).unwrap().max_entries_per_append, 1);
        for bad in ["0", "1025", "many"] {
            let err = raft_config(&opts(&[("max_entries_per_append", bad)])).unwrap_err();
            assert_eq!(err.field, "max_entries_per_append", "{bad}: {err}");
        }
        let err = check_names(Algo::Raft, &opts(&[("vnodes", "3")])).unwrap_err();
        assert!(err.reason.contains("no option \"vnodes\""), "{err}");
    }

    /// Every algorithm's bugs are reachable by name, and a wrong name lists
    /// the known ones.
    #[test]
    fn bugs_are_options_by_name() {
        for info in crate::ALGOS {
            for spec in info.bugs {
                let options = opts(&[("bug", spec.name)]);
                check(info.algo, &options, info.default_nodes)
                    .unwrap_or_else(|e| panic!("{} bug={}: {e}", info.name, spec.name));
                assert!(info.properties.contains(&spec.breaks), "{}: {} breaks {}", info.name, spec.name, spec.breaks);
            }
        }
        let config = raft_config(&opts(&[("bug", "forget-vote")])).unwrap();
        assert_eq!(config.bug, Some(raft::Bug::ForgetVote));
        let err = check(Algo::Raft, &opts(&[("bug", "nope")]), 5).unwrap_err();
        assert_eq!(err.field, "bug");
        assert!(err.reason.contains("forget-vote"), "{err}");
        // A variant that would change nothing is refused, not listed.
        for algo in [Algo::LockLease, Algo::Redlock] {
            assert!(algo.info().bugs.is_empty());
            let err = check(algo, &opts(&[("bug", "no-fencing")]), algo.info().default_nodes).unwrap_err();
            assert_eq!(err.field, "bug");
            assert!(err.reason.contains("has no broken variants"), "{err}");
        }
    }
}
