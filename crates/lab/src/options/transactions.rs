//! The options of the transactions: two- and three-phase commit, the saga
//! and the outbox.

use super::{bug, duration, get_range, on_off, OptionSpec, Options};
use crate::{Algo, SetupError};

const COMMIT_COMMON: [OptionSpec; 4] = [
    OptionSpec {
        name: "vote_no",
        default: "none",
        help: "participants that vote no, comma-separated node ids (none: every participant votes yes)",
    },
    OptionSpec {
        name: "vote_timeout_ms",
        default: "200",
        help: "how long the coordinator waits for the votes (3PC: and the pre-commit acks)",
    },
    OptionSpec {
        name: "decision_timeout_ms",
        default: "300..400",
        help: "how long a participant that voted yes waits for the outcome before it asks (3PC: runs the termination protocol), MIN..MAX",
    },
    OptionSpec { name: "resend_ms", default: "200", help: "how often a decision or a question is sent again" },
];

/// `2pc`.
pub const TWO_PC: &[OptionSpec] = &[
    COMMIT_COMMON[0],
    OptionSpec {
        name: "cooperative",
        default: "off",
        help: "on: a participant in doubt also asks the other participants (cooperative termination)",
    },
    COMMIT_COMMON[1],
    COMMIT_COMMON[2],
    COMMIT_COMMON[3],
];

/// `3pc`.
pub const THREE_PC: &[OptionSpec] = &[COMMIT_COMMON[0], COMMIT_COMMON[1], COMMIT_COMMON[2], COMMIT_COMMON[3]];

/// Build the 2PC or 3PC config from its options, for a world of `nodes`.
pub fn commit_config(algo: Algo, options: &Options, nodes: u32) -> Result<txn::CommitConfig, SetupError> {
    let specs = algo.info().options;
    let vote_no = match options.get("vote_no").map(|v| v.trim()) {
        None | Some("none") | Some("") => Vec::new(),
        Some(list) => list
            .split(',')
            .map(|id| match id.trim().parse::<u32>() {
                Ok(id) if (1..nodes).contains(&id) => Ok(id),
                _ => Err(SetupError::new(
                    "vote_no",
                    format!("expected participant ids between 1 and {}, got {id:?}", nodes - 1),
                )),
            })
            .collect::<Result<_, _>>()?,
    };
    let positive = |name: &'static str| duration(specs, options, name, 1);
    Ok(txn::CommitConfig {
        vote_no,
        cooperative: algo == Algo::TwoPc && on_off(specs, options, "cooperative")?,
        vote_timeout_ms: positive("vote_timeout_ms")?,
        decision_timeout_ms: get_range(specs, options, "decision_timeout_ms")?,
        resend_ms: positive("resend_ms")?,
        bug: bug(options)?,
    })
}

/// `saga`.
pub const SAGA: &[OptionSpec] = &[
    OptionSpec {
        name: "fail_step",
        default: "none",
        help: "the step whose service refuses it, 1..nodes-1 (none: every step succeeds)",
    },
    OptionSpec { name: "retry_ms", default: "150", help: "how often the orchestrator re-sends its current request" },
];

/// Build the saga's config from its options, for a world of `nodes`.
pub fn saga_config(options: &Options, nodes: u32) -> Result<txn::SagaConfig, SetupError> {
    let fail_step = match options.get("fail_step").map(|v| v.trim()) {
        None | Some("none") => None,
        Some(v) => match v.parse::<u32>() {
            Ok(k) if (1..nodes).contains(&k) => Some(k),
            _ => {
                return Err(SetupError::new(
                    "fail_step",
                    format!("expected a step between 1 and {}, got {v:?}", nodes - 1),
                ))
            }
        },
    };
    let retry_ms = duration(SAGA, options, "retry_ms", 1)?;
    Ok(txn::SagaConfig { fail_step, retry_ms, bug: bug(options)? })
}

/// `outbox`.
pub const OUTBOX: &[OptionSpec] = &[
    OptionSpec { name: "poll_ms", default: "100", help: "how often the relay polls the service's outbox" },
    OptionSpec {
        name: "redeliver_ms",
        default: "150",
        help: "how often the broker re-delivers an unacknowledged message",
    },
];

/// Build the outbox's config from its options.
pub fn outbox_config(options: &Options) -> Result<txn::OutboxConfig, SetupError> {
    let positive = |name: &'static str| duration(OUTBOX, options, name, 1);
    Ok(txn::OutboxConfig { poll_ms: positive("poll_ms")?, redeliver_ms: positive("redeliver_ms")?, bug: bug(options)? })
}
