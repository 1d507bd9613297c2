//! The check crate's integration tests: one module per file, all in one
//! test binary. Each binary links the crate and everything it depends
//! on, so one per file spent most of the test stage linking (README,
//! "Numbers").

mod bugs;
mod bugs_lock;
mod bugs_raft;
mod common;
mod determinism;
mod fingerprint;
mod from_run;
mod from_run_locks;
mod mid_step;
mod renaming;
mod symmetry;
