//! The lock family's broken storages (see the table in `bugs.rs`): each is
//! found with a shortest counterexample that replays to the same step.

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
