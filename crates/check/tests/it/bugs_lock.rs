//! The lock family's broken storages (see the table in `bugs.rs`): each is
//! found with a shortest counterexample that replays to the same step.
//!
//! lock-lease and Redlock have no broken variants: they issue no fencing
//! token, so `no-fencing` and `storage-forgets-highest` would be the
//! algorithm itself (the correct lease breaks at depth 12 with 113,335
//! states, `cli check --algo lock-lease --nodes 3 --depth 12`), and `bug=`
//! is refused for them (`from_run_locks.rs`). The fenced lock's and
//! the ZooKeeper recipe's variants, too deep from a fresh world, are found
//! from a run's state in `from_run_locks.rs`.

use crate::common;

use common::bugs::{found_and_replayed, recipe_case};

#[test]
fn lock_without_fencing_lets_two_clients_write() {
    found_and_replayed(&recipe_case("lock-fenced", "no-fencing", "Storage Mutual Exclusion", 12));
}
