//! The options of the two CAP stores, kv-raft and kv-lww: the same names
//! for their clients, so one link differs between them by `algo=` alone.

use super::{bug, duration, get, get_range, OptionSpec, Options};
use crate::SetupError;

/// kv-raft's options: the clients', then Raft's timing.
pub const KV_RAFT: &[OptionSpec] = &[
    OptionSpec {
        name: "servers",
        default: "3",
        help: "Raft servers: nodes 0..servers (1..=9); the other nodes are clients",
    },
    OptionSpec { name: "keys", default: "2", help: "keys the clients read and write: x, y, z (1..=3)" },
    OptionSpec { name: "think_ms", default: "20..80", help: "a client's pause between operations, MIN..MAX" },
    OptionSpec {
        name: "resend_ms",
        default: "100",
        help: "how long a client waits for an answer before trying the next server",
    },
    OptionSpec {
        name: "attempts",
        default: "10",
        help: "tries before a client gives up: fail if every server refused, info if one may have taken it",
    },
    OptionSpec {
        name: "election_timeout_ms",
        default: "150..300",
        help: "Raft's election timeout range MIN..MAX (§5.2)",
    },
    OptionSpec { name: "heartbeat_ms", default: "50", help: "how often an idle Raft leader sends AppendEntries" },
];

/// kv-lww's options: the clients', then anti-entropy.
pub const KV_LWW: &[OptionSpec] = &[
    OptionSpec { name: "servers", default: "3", help: "replicas: nodes 0..servers; the other nodes are clients" },
    KV_RAFT[1],
    KV_RAFT[2],
    KV_RAFT[3],
    OptionSpec {
        name: "attempts",
        default: "10",
        help: "tries before a client gives up (a replica always answers unless cut off)",
    },
    OptionSpec {
        name: "gossip_ms",
        default: "50",
        help: "how often a replica sends its versions to the others (anti-entropy)",
    },
];

fn client_config(
    specs: &[OptionSpec],
    options: &Options,
    nodes: u32,
    max_servers: u32,
) -> Result<kvraft::ClientConfig, SetupError> {
    let servers: u32 = get(specs, options, "servers")?;
    let most = max_servers.min(nodes.saturating_sub(1));
    if servers == 0 || servers > most {
        return Err(SetupError::new(
            "servers",
            format!("expected 1..={most} servers, leaving at least one client of {nodes} nodes, got {servers}"),
        ));
    }
    let keys: u32 = get(specs, options, "keys")?;
    if !(1..=3).contains(&keys) {
        return Err(SetupError::new("keys", format!("expected 1..=3 keys, got {keys}")));
    }
    let attempts: u32 = get(specs, options, "attempts")?;
    if !(1..=1000).contains(&attempts) {
        return Err(SetupError::new("attempts", format!("expected 1..=1000 tries, got {attempts}")));
    }
    Ok(kvraft::ClientConfig {
        servers,
        keys,
        think_ms: get_range(specs, options, "think_ms")?,
        resend_ms: duration(specs, options, "resend_ms", 1)?,
        attempts,
    })
}

/// Build kv-raft's config from its options, for a world of `nodes`.
pub fn kv_raft_config(options: &Options, nodes: u32) -> Result<kvraft::KvRaftConfig, SetupError> {
    Ok(kvraft::KvRaftConfig {
        clients: client_config(KV_RAFT, options, nodes, raft::MAX_NODES)?,
        raft: raft::RaftConfig {
            election_timeout_ms: get_range(KV_RAFT, options, "election_timeout_ms")?,
            heartbeat_ms: duration(KV_RAFT, options, "heartbeat_ms", 1)?,
            ..raft::RaftConfig::default()
        },
        bug: bug(options)?,
    })
}

/// Build kv-lww's config from its options, for a world of `nodes`.
pub fn kv_lww_config(options: &Options, nodes: u32) -> Result<kvlww::LwwConfig, SetupError> {
    Ok(kvlww::LwwConfig {
        clients: client_config(KV_LWW, options, nodes, kvlww::MAX_NODES)?,
        gossip_ms: duration(KV_LWW, options, "gossip_ms", 1)?,
        bug: bug(options)?,
    })
}
