//! The lock family's broken storages (see the table in `bugs.rs`): each is
//! found with a shortest counterexample that replays to the same step.
//!
//! lock-lease has no fencing token, so its `no-fencing` and
//! `storage-forgets-highest` storages are the lease's own: the correct
//! lease breaks at the same depth with the same 113,335 states (`cli check
//! --algo lock-lease --nodes 3 --depth 12`; `found_and_replayed` compares
//! with the correct protocol only up to depth 10, so it does not see this). The fenced lock's and
//! the ZooKeeper recipe's variants, too deep from a fresh world, are found
//! from a run's state in `from_run_locks.rs`.

mod common;

use common::bugs::{budgets, found_and_replayed, Case};

#[test]
fn lock_without_fencing_lets_two_clients_write() {
    found_and_replayed(&Case {
        algo: "lock-fenced",
        nodes: 3,
        options: &[],
        bug: "no-fencing",
        budgets: budgets(12, 0, 0, 0),
        commands: &[],
        property: "Storage Mutual Exclusion",
        shortest: 12,
    });
}

#[test]
fn lease_lock_without_fencing_lets_two_clients_write() {
    found_and_replayed(&Case {
        algo: "lock-lease",
        nodes: 3,
        options: &[],
        bug: "no-fencing",
        budgets: budgets(12, 0, 0, 0),
        commands: &[],
        property: "Storage Mutual Exclusion",
        shortest: 12,
    });
}

#[test]
#[ignore = "324,553 states: cargo test --release -p check --test bugs_lock -- --ignored"]
fn lease_lock_storage_forgetting_its_highest_token_accepts_a_stale_one() {
    found_and_replayed(&Case {
        algo: "lock-lease",
        nodes: 3,
        options: &[],
        bug: "storage-forgets-highest",
        budgets: budgets(12, 1, 0, 0),
        commands: &[],
        property: "Storage Mutual Exclusion",
        shortest: 12,
    });
}
