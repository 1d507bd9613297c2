//! Consistent hashing: the ring, its statistics, and a key-value store on it.
//!
//! Follows Karger, Lehman, Leighton, Panigrahy, Levine and Lewin, "Consistent
//! Hashing and Random Trees" (STOC 1997): keys and nodes hash onto one
//! circle, a key belongs to the first node clockwise from it, and each node
//! sits at many points (virtual nodes) so that loads even out; adding one
//! node to `N` moves only about `1/(N+1)` of the keys. Replication follows
//! DeCandia et al., "Dynamo: Amazon's Highly Available Key-value Store"
//! (SOSP 2007), §4.2–4.3: a key is stored on its *preference list*, the first
//! `R` distinct physical nodes clockwise from it.
//!
//! The crate has three layers:
//!
//! 1. [`Ring`]: virtual-node tokens in a sorted `Vec`, looked up by binary
//!    search ([`Ring::owner`], [`Ring::preference_list`]); add, remove and
//!    weight nodes. Positions come from xxh3 ([`hash`]), the same on every
//!    platform. [`Ring::tokens`] and [`Ring::spans`] are what a drawing needs.
//! 2. [`stats`] and [`report`]: per-node load, its standard deviation and
//!    max/mean, and the fraction of keys a change moves, for the ring and,
//!    side by side, for `hash mod N` and rendezvous hashing ([`schemes`]).
//!    [`report()`] measures one membership change, for `cli ring` and the app.
//! 3. [`kv`]: the store as a [`protocol::Protocol`] (`--algo ring`): puts,
//!    gets, joins that pull exactly the ranges that change owner, leaves
//!    that hand them off, crashes, and the checker of its safety properties.
//!
//! To use the ring:
//!
//! ```
//! use ring::{key_position, Ring};
//! let mut ring = Ring::of(100, 0, 0..10); // 10 nodes, 100 virtual nodes each
//! let position = key_position("user:42");
//! let owner = ring.owner(position).unwrap();
//! let replicas = ring.preference_list(position, 3); // owner first, 3 distinct nodes
//! assert_eq!(replicas[0], owner);
//! ring.add(10);
//! ```
//!
//! Nothing here reads a clock or draws a random number: the statistics'
//! keys are named from the seed (`k{seed}-{i}`).

pub mod hash;
pub mod kv;
pub mod report;
pub mod ring;
pub mod schemes;
pub mod stats;

pub use hash::{fraction, key_position, vnode_position, Position};
pub use kv::{KvChecker, KvConfig, KvNode};
pub use report::{report, Change, Figures, Pair, Report, ReportConfig, ReportError};
pub use ring::{Ring, Span, Token, MAX_VNODES};
pub use schemes::{Modulo, Placement, Rendezvous};
pub use stats::{loads, max_over_mean, moved_fraction, moves, stat_key, stat_keys, stddev, Load, Move};
