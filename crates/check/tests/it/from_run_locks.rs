//! The lock family's and ABD's broken variants that a fresh world does not
//! reach within about 2 M states (`bugs.rs`), found from a run's state as
//! in `from_run.rs`: a scripted run prefix (seed 1, the checker's network)
//! sets the scene, a small budget from its step finds the variant, the
//! counterexample replays from the fresh world to the same property at
//! the same step, and the correct protocol from the same run within the
//! same budgets breaks nothing.
//!
//! | algorithm | bug | the run (seed 1) | from step | budgets | property | choices | unique |
//! | --- | --- | --- | --- | --- | --- | --- | --- |
//! | lock-fenced, 4 | storage-forgets-highest | client 1 pauses 1.5 s holding token 1; client 2 gets token 2 and writes; client 1 resumes | 32 | depth 5, crashes 1 | Storage Mutual Exclusion | 4 | 527 |
//! | lock-zk, 4 | no-fencing | client 1 pauses 1.2 s holding sequence 1; its session expires, client 2 holds and writes with 2; client 1 resumes | 38 | depth 4 | Storage Mutual Exclusion | 2 | 55 |
//! | lock-zk, 4 | storage-forgets-highest | the same run | 38 | depth 6, crashes 1 | Storage Mutual Exclusion | 4 | 3,694 |
//! | abd, 6, think_ms=60000 | no-write-back | client 3's write of 1 reaches server 0 only; client 4 reads at step 10 (links 4→2, 5→0 cut) | 12 | depth 8 | Linearizability | 7 | 4,816 |
//! | abd, 6, think_ms=60000 | no-write-back | the write alone: both reads are the search's | 10 | depth 10 | Linearizability | 10 | 66,913 |
//!
//! A paused node stays paused in the search (the checker resumes nothing
//! and fires no timer of a paused node), so each lock scene starts just
//! after the stale holder resumed: from lock-fenced's step 31, before it
//! resumes, depth 8 with one crash passes 4,112 states with no violation.
//!
//! Redlock and lock-lease have no broken variants (`bug=` is refused for
//! them): they issue no fencing token and their storage checks none, so
//! `no-fencing` and `storage-forgets-highest` would change nothing. Redlock
//! as published breaks Storage Mutual Exclusion under a pause; the last
//! test shows it.

use crate::common;

use check::Budgets;
use common::from_run::{explore, found, found_from, Scene};

/// Kleppmann's figure (the `kleppmann-fenced` preset with token 1): client
/// 1 learns it holds the lease at step 4 and pauses; its lease expires,
/// client 2 gets token 2 and its write is accepted (step 29); client 1
/// resumes at step 32 and will write with token 1.
const KLEPPMANN_FENCED: Scene = Scene {
    algo: "lock-fenced",
    nodes: 4,
    options: &[],
    actions: r#"[{"step":4,"do":"pause","node":1,"for":1500}]"#,
    step: 32,
};

/// The ZooKeeper recipe on one coordination node, clients 1 and 2 and the
/// storage: client 1's entry (sequence 1) is the lowest at step 8 and it
/// pauses past its session timeout; the session expires, client 2 is
/// told by its watch, holds and writes with token 2 (step 34); client 1
/// resumes at step 38 still believing it holds.
const ZK_PAUSE: Scene = Scene {
    algo: "lock-zk",
    nodes: 4,
    options: &[],
    actions: r#"[{"step":8,"do":"pause","node":1,"for":1200}]"#,
    step: 38,
};

#[test]
fn fenced_storage_forgetting_its_highest_token_after_a_restart_accepts_a_stale_write() {
    // The storage crashes and restarts between client 2's write and client
    // 1's late one; with the bug its highest token is gone, so token 1 is
    // accepted after token 2. A correct storage persists it and refuses.
    let budgets = Budgets { depth: 5, crashes: 1, ..Budgets::default() };
    let e = found_from(&KLEPPMANN_FENCED, "storage-forgets-highest", budgets, &[], "Storage Mutual Exclusion", 4);
    assert_eq!(e.report.unique, 527);
    let choices = &e.report.violation.as_ref().unwrap().actions;
    let storage = 3;
    assert!(choices.iter().any(|a| a.action == sim::Action::Crash { node: storage }), "{choices:?}");
    assert!(choices.iter().any(|a| a.action == sim::Action::Restart { node: storage }), "{choices:?}");
}

#[test]
fn zk_lock_without_fencing_accepts_the_expired_holders_late_write() {
    let budgets = Budgets { depth: 4, ..Budgets::default() };
    let e = found_from(&ZK_PAUSE, "no-fencing", budgets, &[], "Storage Mutual Exclusion", 2);
    assert_eq!(e.report.unique, 55);
}

#[test]
fn zk_storage_forgetting_its_highest_token_after_a_restart_accepts_a_stale_write() {
    let budgets = Budgets { depth: 6, crashes: 1, ..Budgets::default() };
    let e = found_from(&ZK_PAUSE, "storage-forgets-highest", budgets, &[], "Storage Mutual Exclusion", 4);
    assert_eq!(e.report.unique, 3_694);
}

#[test]
fn fenced_lock_scene_before_the_holder_resumes_finds_nothing() {
    // The paused client never resumes in the search: the scene must start
    // after it did.
    let s = KLEPPMANN_FENCED.setup("storage-forgets-highest");
    let e = explore(&s, 31, Budgets { depth: 8, crashes: 1, ..Budgets::default() }, &[]);
    assert_eq!((e.report.violation, e.report.unique), (None, 4_112));
}

#[test]
fn redlock_itself_lets_a_paused_holder_write_late() {
    // Client 5 holds a majority at step 10 and pauses at 13; client 6
    // gets the lock and writes (step 109); client 5 resumes at 111. Redlock
    // has no token to fence with, so its late write is accepted: the
    // published algorithm breaks Storage Mutual Exclusion, which is why it
    // offers no broken variant (`bug=` is refused for it and lock-lease).
    let scene = Scene {
        algo: "redlock",
        nodes: 8,
        options: &[],
        actions: r#"[{"step":13,"do":"pause","node":5,"for":1500}]"#,
        step: 111,
    };
    let budgets = Budgets { depth: 5, crashes: 1, ..Budgets::default() };
    let correct = found(&scene, "", budgets, &[], "Storage Mutual Exclusion", 2);
    assert_eq!(correct.report.unique, 277);
    for algo in ["redlock", "lock-lease"] {
        let mut refused = lab::Setup::new(algo.parse().unwrap());
        refused.options.insert("bug".into(), "no-fencing".into());
        let err = refused.validate().expect_err("bug=no-fencing is refused");
        assert!(err.to_string().contains("has no broken variants"), "{algo}: {err}");
    }
}

/// The `abd-new-old-inversion` preset's links: client 3's write of x=1
/// reaches server 0 only (its links to 1 and 2 are cut once it updates);
/// client 4 cannot reach server 2, nor client 5 server 0. Clients think
/// a minute between operations, so none starts one unless a choice fires
/// its timer or the run requests it.
const ABD_WRITE: &str = r#"[{"step":0,"do":"cut","from":4,"to":2},{"step":0,"do":"cut","from":5,"to":0},
    {"step":0,"do":"request","node":3,"cmd":"write x 1"},{"step":5,"do":"cut","from":3,"to":1},
    {"step":5,"do":"cut","from":3,"to":2}]"#;

#[test]
fn abd_read_without_write_back_lets_a_later_read_return_the_older_value() {
    // Client 4's read is scripted at step 10 and its queries reach servers
    // 0 and 1. The search delivers their answers (client 4 returns 1 and,
    // with the bug, writes nothing back), fires client 5's next operation,
    // a read, which asks servers 1 and 2 and returns nil: a new-old
    // inversion. With the write-back, server 1 holds 1 before client 4
    // returns.
    let scene = Scene {
        algo: "abd",
        nodes: 6,
        options: &[("think_ms", "60000..60000")],
        actions: r#"[{"step":0,"do":"cut","from":4,"to":2},{"step":0,"do":"cut","from":5,"to":0},
                     {"step":0,"do":"request","node":3,"cmd":"write x 1"},{"step":5,"do":"cut","from":3,"to":1},
                     {"step":5,"do":"cut","from":3,"to":2},{"step":10,"do":"request","node":4,"cmd":"read x"}]"#,
        step: 12,
    };
    let budgets = Budgets { depth: 8, ..Budgets::default() };
    let e = found_from(&scene, "no-write-back", budgets, &[], "Linearizability", 7);
    assert_eq!(e.report.unique, 4_816);
}

#[test]
fn abd_inversion_is_found_with_both_reads_left_to_the_search() {
    // From the write alone (step 10): the search starts both reads itself,
    // client 4's then client 5's, ten choices.
    let scene = Scene { algo: "abd", nodes: 6, options: &[("think_ms", "60000..60000")], actions: ABD_WRITE, step: 10 };
    let budgets = Budgets { depth: 10, ..Budgets::default() };
    let e = found_from(&scene, "no-write-back", budgets, &[], "Linearizability", 10);
    assert_eq!(e.report.unique, 66_913);
}
