//! The abd crate's integration tests: one module per file, all in one
//! test binary. Each binary links the crate and everything it depends
//! on, so one per file spent most of the test stage linking (README,
//! "Numbers").

mod handlers;
mod narration;
mod sweep;
