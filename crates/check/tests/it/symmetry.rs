//! Symmetry reduction (`Options::symmetry`) on the protocols that support
//! it: the correct protocols break nothing with it on, in fewer unique
//! states (exact counts: they are deterministic, on any number of threads);
//! every bug is still found, by a counterexample as short as without the
//! reduction, that replays through an ordinary run.
//!
//! Correct protocols, depth 7 (unique states without → with): Paxos's
//! check-bench model (2 proposers, acceptors 2-4, 2 requests) 15,243 →
//! 3,833; 2PC with three participants, 1 request, 4,513 → 988; 3PC
//! likewise 5,352 → 1,012; 2PC with two participants and a crash 3,725 →
//! 1,943; ABD with 3 servers and 2 clients, depth 8, 32,185 → 7,049.
//! Until stop 45 a participant kept the local time of its last step
//! (`last_now`, for showing how long it had been blocked), which no
//! renaming equates: 2PC merged 30,296 → 16,195, far from its 3! bound.
//!
//! | algo | nodes, options | bug | budgets | property | shortest | unique without | unique with |
//! |------|----------------|-----|---------|----------|----------|----------------|-------------|
//! | paxos | 4, split, proposers=1, acceptors=3 | accept-unproposed | depth 10, requests 1 (`x`) | Validity | 7 | 550 | 144 |
//! | paxos | 4, split, proposers=1, acceptors=3 | forget-promise | depth 10, crashes 1, requests 1 | Promise Integrity | 3 | 51 | 24 |
//! | paxos | 5, split, proposers=2, acceptors=1 | ignore-promised-values | depth 12, requests 2 (`x`, `y`) | Stability | 8 | 5,199 | 4,831 |
//! | 2pc | 3 | abort-after-yes | depth 10, crashes 1, requests 1 | Atomicity | 7 | 2,677 | 1,350 |
//! | 3pc | 3 | abort-after-yes | depth 12, crashes 1, requests 1 | Atomicity | 8 | 8,117 | 4,038 |

use crate::common;

use check::{Budgets, Options, Report, Stop};
use common::bugs::budgets;
use common::{explore, options, replay, setup};

struct Case {
    algo: &'static str,
    nodes: u32,
    options: &'static [(&'static str, &'static str)],
    bug: &'static str,
    budgets: Budgets,
    commands: &'static [&'static str],
    property: &'static str,
    shortest: usize,
    /// Unique states without and with the reduction.
    unique: (u64, u64),
}

fn with_symmetry(mut o: Options) -> Options {
    o.symmetry = true;
    o
}

fn found_alike(case: &Case) {
    let mut opts: Vec<(&str, &str)> = case.options.to_vec();
    opts.push(("bug", case.bug));
    let s = setup(case.algo, case.nodes, &opts);
    let plain = explore(&s, &options(case.budgets.clone(), case.commands));
    let reduced = explore(&s, &with_symmetry(options(case.budgets.clone(), case.commands)));
    for report in [&plain, &reduced] {
        let found = report.violation.as_ref().unwrap_or_else(|| panic!("{} {}: not found", case.algo, case.bug));
        assert_eq!(report.stop, Stop::Violation);
        assert_eq!(found.property, case.property, "{} {}", case.algo, case.bug);
        assert_eq!(found.actions.len(), case.shortest, "{} {}: {:?}", case.algo, case.bug, found.actions);
        assert_eq!(replay(&s, report), Some((case.property, found.step)), "{} {} replays", case.algo, case.bug);
    }
    assert!(reduced.symmetry.as_ref().is_some_and(|r| r.interchangeable >= 2), "{:?}", reduced.symmetry);
    assert_eq!((plain.unique, reduced.unique), case.unique, "{} {}", case.algo, case.bug);
}

const SPLIT_1_3: &[(&str, &str)] = &[("roles", "split"), ("proposers", "1"), ("acceptors", "3")];

#[test]
fn paxos_bugs_are_found_as_short_with_symmetry_and_replay() {
    for case in [
        Case {
            algo: "paxos",
            nodes: 4,
            options: SPLIT_1_3,
            bug: "accept-unproposed",
            budgets: budgets(10, 0, 0, 1),
            commands: &["x"],
            property: "Validity",
            shortest: 7,
            // 550 and 144 before the Paxos checker's fingerprint left out its
            // node records: nine of the states where Validity fails, at the
            // last level, differed only in how far the checker had read
            // when it stopped at the failure.
            unique: (541, 143),
        },
        Case {
            algo: "paxos",
            nodes: 4,
            options: SPLIT_1_3,
            bug: "forget-promise",
            budgets: budgets(10, 1, 0, 1),
            commands: &["x"],
            property: "Promise Integrity",
            shortest: 3,
            unique: (51, 24),
        },
        Case {
            algo: "paxos",
            nodes: 5,
            options: &[("roles", "split"), ("proposers", "2"), ("acceptors", "1")],
            bug: "ignore-promised-values",
            budgets: budgets(12, 0, 0, 2),
            commands: &["x", "y"],
            property: "Stability",
            shortest: 8,
            unique: (5_199, 4_831),
        },
    ] {
        found_alike(&case);
    }
}

#[test]
fn commit_bugs_are_found_as_short_with_symmetry_and_replay() {
    for (algo, depth, shortest, unique) in [("2pc", 10, 7, (2_677, 1_350)), ("3pc", 12, 8, (8_117, 4_038))] {
        found_alike(&Case {
            algo,
            nodes: 3,
            options: &[],
            bug: "abort-after-yes",
            budgets: budgets(depth, 1, 0, 1),
            commands: &["x=1"],
            property: "Atomicity",
            shortest,
            unique,
        });
    }
}

/// The correct protocol with and without the reduction, on 1 and 2 threads.
fn correct(algo: &str, nodes: u32, opts: &[(&str, &str)], b: Budgets, commands: &[&str]) -> (u64, u64) {
    let s = setup(algo, nodes, opts);
    let plain = explore(&s, &options(b.clone(), commands));
    let mut counts = Vec::new();
    for threads in [1, 2] {
        let mut o = with_symmetry(options(b.clone(), commands));
        o.threads = threads;
        let r: Report = explore(&s, &o);
        assert_eq!(r.violation, None, "{algo} with symmetry");
        assert_eq!(r.stop, plain.stop);
        assert_eq!(r.depth, plain.depth);
        counts.push(r.unique);
    }
    assert_eq!(counts[0], counts[1], "{algo}: the same count on 1 and 2 threads");
    assert_eq!(plain.violation, None, "{algo}");
    (plain.unique, counts[0])
}

#[test]
fn correct_protocols_break_nothing_in_fewer_states() {
    let paxos = [("roles", "split"), ("proposers", "2"), ("acceptors", "3")];
    let b = Budgets { depth: 7, requests: 2, ..Budgets::default() };
    assert_eq!(correct("paxos", 5, &paxos, b, &["A", "B"]), (15_243, 3_833), "paxos, the check-bench model at depth 7");
    let b = Budgets { depth: 7, requests: 1, ..Budgets::default() };
    assert_eq!(correct("2pc", 4, &[], b.clone(), &["t"]), (4_513, 988), "2pc, three participants");
    assert_eq!(correct("3pc", 4, &[], b, &["t"]), (5_352, 1_012), "3pc, three participants");
    let b = Budgets { depth: 7, requests: 1, crashes: 1, ..Budgets::default() };
    assert_eq!(correct("2pc", 3, &[], b, &["t"]), (3_725, 1_943), "2pc with a crash");
    let b = Budgets { depth: 8, ..Budgets::default() };
    assert_eq!(correct("abd", 5, &[("servers", "3")], b, &[]), (32_185, 7_049), "abd, 3 servers and 2 clients");
}

#[test]
fn an_algorithm_without_interchangeable_nodes_says_so() {
    use lab::Visit;
    struct Ask;
    impl Visit for Ask {
        type Out = Result<check::Reduction, sim::NoSymmetry>;
        fn visit<P: protocol::Protocol>(self, setup: lab::Setup, config: P::Config) -> Self::Out
        where
            sim::World<P>: Send + Sync,
        {
            check::reduction(&sim::World::<P>::new(setup.sim, config, setup.seed))
        }
    }
    let ask =
        |algo: &str, nodes: u32, opts: &[(&str, &str)]| lab::with_protocol(&setup(algo, nodes, opts), Ask).unwrap();
    let err = ask("raft", 3, &[]).unwrap_err();
    assert_eq!(err.algo, "raft");
    assert!(err.to_string().starts_with("raft does not support symmetry reduction"), "{err}");
    assert_eq!(ask("multipaxos", 3, &[]).unwrap_err().algo, "multipaxos");
    // Supported, but three nodes of Paxos's default roles have no two alike.
    assert_eq!(ask("paxos", 3, &[]).unwrap(), check::Reduction { groups: vec![], interchangeable: 0 });
    let r = ask("paxos", 6, &[("roles", "split"), ("proposers", "2"), ("acceptors", "2")]).unwrap();
    assert_eq!(r.groups, vec![vec![4, 5], vec![2, 3]], "acceptors, then pure learners");
    let r = ask("2pc", 5, &[("vote_no", "2")]).unwrap();
    assert_eq!(r.groups, vec![vec![1, 3, 4]], "the participants that vote yes; one votes no");
    assert_eq!(ask("3pc", 3, &[]).unwrap().interchangeable, 2);
    assert_eq!(ask("abd", 6, &[]).unwrap().groups, vec![vec![0, 1, 2]], "the servers, not the clients");
}
