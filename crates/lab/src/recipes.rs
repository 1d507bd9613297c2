//! For each broken variant (`bug=NAME`) the model checker finds from a
//! world's start, the smallest world and budgets that find it: a
//! protocol designer who switches a bug on learns what check shows it
//! (the app's check panel offers to set it up, `cli algos` prints it),
//! and the check crate's tests find every bug with these very budgets
//! (`crates/check/tests/it/bugs*.rs`, `mid_step.rs`: the shortest
//! counterexample, replayed). A bug missing here needs a run that has
//! already gone somewhere first (a lagging follower, a paused lock
//! holder): those tests say what was tried.

use crate::{Algo, Setup};

/// A world and the budgets that find one bug.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Recipe {
    pub algo: Algo,
    pub bug: &'static str,
    pub nodes: u32,
    /// Options besides the bug, as `(name, value)`.
    pub options: &'static [(&'static str, &'static str)],
    pub depth: u32,
    pub crashes: u32,
    /// Crashes may also cut a step short.
    pub crash_mid_step: bool,
    pub dups: u32,
    pub requests: u32,
    /// The client commands a request may carry.
    pub commands: &'static [&'static str],
}

const fn recipe(
    algo: Algo,
    bug: &'static str,
    nodes: u32,
    depth: u32,
    crashes: u32,
    dups: u32,
    requests: u32,
) -> Recipe {
    Recipe { algo, bug, nodes, options: &[], depth, crashes, crash_mid_step: false, dups, requests, commands: &[] }
}

const SPLIT_ONE_ACCEPTOR: &[(&str, &str)] = &[("roles", "split"), ("proposers", "2"), ("acceptors", "1")];

/// Every bug the checker finds from a world's start, in the catalog's order.
pub const RECIPES: &[Recipe] = &[
    Recipe { commands: &["x"], ..recipe(Algo::Paxos, "accept-unproposed", 3, 10, 0, 0, 1) },
    Recipe {
        options: SPLIT_ONE_ACCEPTOR,
        commands: &["x", "y"],
        ..recipe(Algo::Paxos, "ignore-promised-values", 3, 12, 0, 0, 2)
    },
    Recipe {
        options: &[("roles", "all")],
        commands: &["x", "y"],
        ..recipe(Algo::Paxos, "forget-promise", 3, 10, 1, 0, 2)
    },
    Recipe {
        options: SPLIT_ONE_ACCEPTOR,
        commands: &["x", "y"],
        ..recipe(Algo::MultiPaxos, "ignore-promised-values", 3, 12, 0, 0, 2)
    },
    Recipe { commands: &["x", "y"], ..recipe(Algo::MultiPaxos, "forget-promise", 3, 10, 1, 0, 2) },
    Recipe { commands: &["x"], ..recipe(Algo::MultiPaxos, "accept-unproposed", 3, 10, 0, 0, 1) },
    recipe(Algo::Raft, "forget-vote", 3, 9, 1, 0, 0),
    Recipe { crash_mid_step: true, ..recipe(Algo::Raft, "vote-before-persist", 3, 7, 1, 0, 0) },
    Recipe { commands: &["x=1", "x=2"], ..recipe(Algo::Raft, "overwrite-own-entry", 2, 8, 0, 0, 2) },
    Recipe { commands: &["x=1"], ..recipe(Algo::Raft, "truncate-always", 2, 10, 0, 1, 1) },
    recipe(Algo::LockFenced, "no-fencing", 3, 12, 0, 0, 0),
    Recipe {
        options: &[("members", "2"), ("keys", "1"), ("vnodes", "1"), ("replicas", "1")],
        commands: &["leave"],
        ..recipe(Algo::Ring, "handoff-without-confirm", 2, 10, 0, 0, 1)
    },
    Recipe {
        options: &[("members", "2"), ("keys", "1"), ("vnodes", "1"), ("replicas", "1")],
        commands: &["join"],
        ..recipe(Algo::Ring, "keep-handed-off", 3, 10, 0, 0, 1)
    },
    Recipe { commands: &["x=1"], ..recipe(Algo::TwoPc, "abort-after-yes", 3, 10, 1, 0, 1) },
    Recipe { commands: &["x=1"], ..recipe(Algo::ThreePc, "abort-after-yes", 3, 12, 1, 0, 1) },
    Recipe {
        options: &[("fail_step", "2")],
        commands: &["x=1"],
        ..recipe(Algo::Saga, "compensate-twice", 3, 10, 0, 1, 1)
    },
    Recipe { commands: &["x=1"], ..recipe(Algo::Outbox, "no-dedup", 4, 10, 0, 1, 1) },
    Recipe {
        crash_mid_step: true,
        commands: &["x=1"],
        ..recipe(Algo::Outbox, "publish-before-commit", 4, 12, 1, 0, 1)
    },
    recipe(Algo::PrimaryBackup, "no-epoch-bump", 3, 10, 0, 0, 0),
    Recipe { options: &[("max_queue", "1")], ..recipe(Algo::Balance, "unbounded-queue", 2, 8, 0, 0, 0) },
    Recipe { options: &[("max_queue", "2")], ..recipe(Algo::Balance, "drop-when-full", 2, 10, 0, 0, 0) },
    Recipe { options: &[("servers", "2"), ("keys", "1")], ..recipe(Algo::KvLww, "last-arrival-wins", 3, 10, 0, 0, 0) },
    Recipe {
        options: &[("servers", "2"), ("keys", "1")],
        ..recipe(Algo::KvLww, "clock-only-timestamps", 4, 8, 0, 0, 0)
    },
];

/// The recipe that finds `bug` in `algo`, if the checker finds it from a
/// world's start.
pub fn find(algo: Algo, bug: &str) -> Option<&'static Recipe> {
    RECIPES.iter().find(|r| r.algo == algo && r.bug == bug)
}

impl Recipe {
    /// The world to check: the recipe's size and options with the bug on,
    /// and `seed`; no scheduled actions.
    pub fn setup(&self, seed: u64) -> Setup {
        let mut setup = Setup::new(self.algo);
        setup.seed = seed;
        setup.sim.nodes = self.nodes;
        for (name, value) in self.options.iter().chain([&(crate::options::BUG, self.bug)]) {
            setup.options.insert(name.to_string(), value.to_string());
        }
        setup
    }

    /// The budgets as the check panel's fields and `cli check`'s flags
    /// name them, breadth-first (the shortest counterexample).
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("depth", self.depth.to_string()),
            ("crashes", self.crashes.to_string()),
            ("crash_mid_step", self.crash_mid_step.to_string()),
            ("drops", "0".to_string()),
            ("dups", self.dups.to_string()),
            ("requests", self.requests.to_string()),
            // With no request, the panel's default (unused).
            ("commands", if self.commands.is_empty() { "x=1".to_string() } else { self.commands.join(",") }),
            ("symmetry", "false".to_string()),
            ("strategy", "bfs".to_string()),
        ]
    }

    /// In words: "3 nodes (roles=all), depth 10, 1 crash, 2 client
    /// requests (x, y)".
    pub fn describe(&self) -> String {
        let mut text = format!("{} nodes", self.nodes);
        if !self.options.is_empty() {
            let options: Vec<String> = self.options.iter().map(|(k, v)| format!("{k}={v}")).collect();
            text.push_str(&format!(" ({})", options.join(", ")));
        }
        text.push_str(&format!(", depth {}", self.depth));
        let plural = |n: u32, one: &str, many: &str| format!(", {n} {}", if n == 1 { one } else { many });
        if self.crashes > 0 {
            text.push_str(&plural(self.crashes, "crash", "crashes"));
            if self.crash_mid_step {
                text.push_str(" (also inside a step)");
            }
        }
        if self.dups > 0 {
            text.push_str(&plural(self.dups, "duplicate", "duplicates"));
        }
        if self.requests > 0 {
            text.push_str(&plural(self.requests, "client request", "client requests"));
            if !self.commands.is_empty() {
                text.push_str(&format!(" ({})", self.commands.join(", ")));
            }
        }
        text
    }

    /// The same check on the command line.
    pub fn command(&self) -> String {
        let mut cmd = format!("cli check --algo {} --nodes {}", self.algo.name(), self.nodes);
        for (k, v) in self.options.iter().chain([&(crate::options::BUG, self.bug)]) {
            cmd.push_str(&format!(" --set {k}={v}"));
        }
        cmd.push_str(&format!(" --depth {}", self.depth));
        for (flag, n) in [("--crashes", self.crashes), ("--dups", self.dups), ("--requests", self.requests)] {
            if n > 0 {
                cmd.push_str(&format!(" {flag} {n}"));
            }
        }
        if self.crash_mid_step {
            cmd.push_str(" --crash-mid-step");
        }
        for c in self.commands {
            cmd.push_str(&format!(" --cmd {c}"));
        }
        cmd
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_recipe_names_a_bug_of_its_algorithm_and_options_it_has() {
        for r in RECIPES {
            let info = r.algo.info();
            assert!(info.bugs.iter().any(|b| b.name == r.bug), "{:?} has no bug {}", r.algo, r.bug);
            assert!(r.nodes >= info.min_nodes && r.nodes <= info.max_nodes, "{r:?}");
            r.setup(1).validate().unwrap_or_else(|e| panic!("{r:?}: {e}"));
            assert!(r.commands.is_empty() == (r.requests == 0), "commands go with requests: {r:?}");
            assert_eq!(find(r.algo, r.bug), Some(r), "one recipe per bug");
        }
        assert_eq!(find(Algo::KvRaft, "stale-read"), None, "found only from a run that went somewhere");
    }

    #[test]
    fn a_recipe_reads_as_words_and_as_a_command_line() {
        let r = find(Algo::Paxos, "forget-promise").unwrap();
        assert_eq!(r.describe(), "3 nodes (roles=all), depth 10, 1 crash, 2 client requests (x, y)");
        assert_eq!(
            r.command(),
            "cli check --algo paxos --nodes 3 --set roles=all --set bug=forget-promise --depth 10 --crashes 1 \
             --requests 2 --cmd x --cmd y"
        );
        let r = find(Algo::Raft, "vote-before-persist").unwrap();
        assert_eq!(r.describe(), "3 nodes, depth 7, 1 crash (also inside a step)");
        let s = r.setup(42);
        assert_eq!((s.algo, s.seed, s.sim.nodes), (Algo::Raft, 42, 3));
        assert_eq!(s.options.get("bug").map(String::as_str), Some("vote-before-persist"));
        assert!(r.fields().contains(&("crash_mid_step", "true".to_string())));
    }
}
