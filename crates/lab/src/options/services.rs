//! The options of the shared register (ABD), primary-backup and the load
//! balancer.

use super::{bug, duration, get, get_range, OptionSpec, Options};
use crate::SetupError;

/// `abd`.
pub const ABD: &[OptionSpec] = &[
    OptionSpec {
        name: "servers",
        default: "3",
        help: "server replicas: nodes 0..servers; the other nodes are clients",
    },
    OptionSpec { name: "keys", default: "1", help: "registers the clients read and write: x, y, z (1..=3)" },
    OptionSpec { name: "think_ms", default: "20..80", help: "a client's pause between operations, MIN..MAX" },
    OptionSpec {
        name: "resend_ms",
        default: "100",
        help: "how long a client waits before re-sending its phase to the servers that have not answered",
    },
];

/// Build ABD's config from its options, for a world of `nodes`.
pub fn abd_config(options: &Options, nodes: u32) -> Result<abd::AbdConfig, SetupError> {
    let servers: u32 = get(ABD, options, "servers")?;
    if servers == 0 || servers >= nodes {
        return Err(SetupError::new(
            "servers",
            format!(
                "expected 1..{} servers, leaving at least one client of {nodes} nodes, got {servers}",
                nodes.max(2) - 1
            ),
        ));
    }
    let keys: u32 = get(ABD, options, "keys")?;
    if !(1..=3).contains(&keys) {
        return Err(SetupError::new("keys", format!("expected 1..=3 registers, got {keys}")));
    }
    Ok(abd::AbdConfig {
        servers,
        keys,
        think_ms: get_range(ABD, options, "think_ms")?,
        resend_ms: duration(ABD, options, "resend_ms", 1)?,
        bug: bug(options)?,
    })
}

/// `primary-backup`.
pub const PRIMARY_BACKUP: &[OptionSpec] = &[
    OptionSpec {
        name: "topology",
        default: "pair",
        help: "pair: a primary and a backup (3 nodes); chain: 2 to 5 replicas in a chain, writes flow head to tail (3..=6 nodes)",
    },
    OptionSpec {
        name: "detector",
        default: "timeout",
        help: "timeout: suspect after timeout_ms of silence; phi: phi-accrual (Hayashibara et al. 2004), suspect above phi_threshold",
    },
    OptionSpec {
        name: "fencing",
        default: "epoch",
        help: "epoch: a promotion starts a new epoch and replicas refuse older ones; none: no epoch, a false suspicion is a split brain",
    },
    OptionSpec { name: "heartbeat_ms", default: "50", help: "how often each replica sends its peer a heartbeat" },
    OptionSpec { name: "timeout_ms", default: "200", help: "silence after which the timeout detector suspects" },
    OptionSpec {
        name: "phi_threshold",
        default: "8",
        help: "phi above which the phi detector suspects (0.5..=30; 8: one chance in 10^8 that the beat is only late)",
    },
    OptionSpec { name: "window", default: "16", help: "inter-arrival times the phi detector keeps (2..=100)" },
    OptionSpec { name: "write_ms", default: "100", help: "how often the client writes" },
    OptionSpec {
        name: "request_timeout_ms",
        default: "300",
        help: "how long the client waits for an answer before it tries the other replica",
    },
];

/// Build primary-backup's config from its options, for a world of `nodes`.
pub fn pb_config(options: &Options, nodes: u32) -> Result<pb::PbConfig, SetupError> {
    let specs = PRIMARY_BACKUP;
    let word = |name: &'static str| {
        let spec = specs.iter().find(|s| s.name == name).expect("the option is in the catalog");
        options.get(name).map_or(spec.default, String::as_str).trim().to_string()
    };
    let topology = match word("topology").as_str() {
        "pair" if nodes == pb::NODES => pb::Topology::Pair,
        "pair" => {
            return Err(SetupError::new(
                "topology",
                format!("a pair has 3 nodes (client and two replicas), got {nodes}; use topology=chain"),
            ))
        }
        "chain" => pb::Topology::Chain,
        other => return Err(SetupError::new("topology", format!("expected pair or chain, got {other:?}"))),
    };
    let detector = match word("detector").as_str() {
        "timeout" => pb::Detector::Timeout,
        "phi" => pb::Detector::Phi,
        other => return Err(SetupError::new("detector", format!("expected timeout or phi, got {other:?}"))),
    };
    let fencing = match word("fencing").as_str() {
        "epoch" => pb::Fencing::Epoch,
        "none" => pb::Fencing::None,
        other => return Err(SetupError::new("fencing", format!("expected epoch or none, got {other:?}"))),
    };
    let phi_threshold = crate::options::get_decimal(specs, options, "phi_threshold")?;
    if !(0.5..=pb::detector::PHI_MAX).contains(&phi_threshold) {
        return Err(SetupError::new("phi_threshold", format!("must be between 0.5 and 30, got {phi_threshold}")));
    }
    let window: u32 = get(specs, options, "window")?;
    if !(pb::detector::WINDOW_MIN..=pb::detector::WINDOW_MAX).contains(&window) {
        return Err(SetupError::new("window", format!("must be between 2 and 100, got {window}")));
    }
    let positive = |name: &'static str| duration(specs, options, name, 1);
    Ok(pb::PbConfig {
        topology,
        detector,
        fencing,
        heartbeat_ms: positive("heartbeat_ms")?,
        timeout_ms: positive("timeout_ms")?,
        phi_threshold,
        window,
        write_ms: positive("write_ms")?,
        request_timeout_ms: positive("request_timeout_ms")?,
        bug: bug(options)?,
    })
}

/// `balance`.
pub const BALANCE: &[OptionSpec] = &[
    OptionSpec {
        name: "strategy",
        default: "round-robin",
        help: "round-robin, least-outstanding, ring (consistent hashing of the request key) or two-choices",
    },
    OptionSpec { name: "interval_ms", default: "6", help: "the balancer sends a request every this many ms" },
    OptionSpec { name: "service_ms", default: "16", help: "mean service time of a request (each is 1/2..3/2 of it)" },
    OptionSpec { name: "slow", default: "none", help: "a server slow_factor times slower than the others, 1..nodes-1" },
    OptionSpec { name: "slow_factor", default: "5", help: "how much slower the slow server is (1..=100)" },
    OptionSpec {
        name: "max_queue",
        default: "32",
        help: "requests a server holds at most; more are refused (1..=1000)",
    },
    OptionSpec { name: "timeout_ms", default: "2000", help: "the balancer gives up on a request unanswered this long" },
];

/// Build the load balancer's config from its options, for a world of `nodes`.
pub fn balance_config(options: &Options, nodes: u32) -> Result<balance::BalanceConfig, SetupError> {
    let specs = BALANCE;
    let strategy_text = options.get("strategy").map_or("round-robin", |s| s.trim());
    let strategy = balance::Strategy::parse(strategy_text).ok_or_else(|| {
        SetupError::new(
            "strategy",
            format!("expected round-robin, least-outstanding, ring or two-choices, got {strategy_text:?}"),
        )
    })?;
    let slow = match options.get("slow").map(|v| v.trim()) {
        None | Some("none") => None,
        Some(v) => match v.parse::<u32>() {
            Ok(k) if (1..nodes).contains(&k) => Some(k),
            _ => {
                return Err(SetupError::new(
                    "slow",
                    format!("expected a server between 1 and {}, got {v:?}", nodes - 1),
                ))
            }
        },
    };
    let bounded = |name: &'static str, max: u64| -> Result<u64, SetupError> {
        let v: u64 = get(specs, options, name)?;
        if (1..=max).contains(&v) {
            Ok(v)
        } else {
            Err(SetupError::new(name, format!("must be between 1 and {max}, got {v}")))
        }
    };
    let positive = |name: &'static str| duration(specs, options, name, 1);
    Ok(balance::BalanceConfig {
        strategy,
        interval_ms: positive("interval_ms")?,
        service_ms: positive("service_ms")?,
        slow,
        slow_factor: bounded("slow_factor", 100)?,
        max_queue: bounded("max_queue", 1000)? as u32,
        timeout_ms: positive("timeout_ms")?,
        bug: bug(options)?,
        ..balance::BalanceConfig::default()
    })
}
