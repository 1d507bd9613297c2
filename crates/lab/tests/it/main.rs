//! The lab crate's integration tests: one module per file, all in one
//! test binary. Each binary links the crate and everything it depends
//! on, so one per file spent most of the test stage linking (README,
//! "Numbers").

mod abd_lab;
mod balance_lab;
mod fuzz;
mod golden;
mod kv_lab;
mod lock_lab;
mod meter;
mod network_lab;
mod paxos_sim;
mod pb_lab;
mod present;
mod raft_sim;
mod requests;
mod ring_sim;
mod smoke;
mod soak;
mod tours;
mod txn_lab;
