//! Lookups at 100 nodes × 200 virtual nodes (20,000 tokens), ours and the
//! `hashring` crate's, side by side in one run.
//!
//! Both rings are sorted `Vec`s searched by binary search; they differ in the
//! hash. Ours hashes the key's bytes with xxh3; `hashring` hashes through
//! `std::hash::Hash` with SipHash-1-3 by default. So there are three pairs:
//!
//! - `key`: a string key to its owner, each crate with its own hash;
//! - `key_same_hash`: the same, with `hashring` given an xxh3 hasher too
//!   (`Hash for str` also feeds a 0xff terminator, so the values differ, but
//!   the work is the same);
//! - `preference_list_3`: three distinct physical nodes. `hashring`'s
//!   `get_with_replicas` returns the next tokens, which may repeat a node, and
//!   copies its ring on every call; it is shown for completeness.
//!
//! `cargo bench -p ring --bench lookup` prints each time per lookup, then the
//! ratios ours/theirs.

use criterion::{black_box, criterion_group, Criterion};
use hashring::HashRing;
use ring::{key_position, Ring};
use std::hash::{Hash, Hasher};
use std::time::Duration;
use xxhash_rust::xxh3::Xxh3Builder;

const NODES: u32 = 100;
const VNODES: u32 = 200;
const KEYS: usize = 4096;

/// A virtual node in `hashring`, in the shape its documentation suggests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct VNode {
    node: u32,
    index: u32,
}

impl Hash for VNode {
    fn hash<H: Hasher>(&self, state: &mut H) {
        format!("n{}-v{}", self.node, self.index).hash(state);
    }
}

fn keys() -> Vec<String> {
    (0..KEYS).map(|i| format!("user:{i}")).collect()
}

fn theirs<S: std::hash::BuildHasher>(mut ring: HashRing<VNode, S>) -> HashRing<VNode, S> {
    for node in 0..NODES {
        for index in 0..VNODES {
            ring.add(VNode { node, index });
        }
    }
    ring
}

fn bench(c: &mut Criterion) {
    let keys = keys();
    let ours = Ring::of(VNODES, 0, 0..NODES);
    let sip = theirs(HashRing::new());
    let xxh = theirs(HashRing::with_hasher(Xxh3Builder::new()));
    assert_eq!(ours.tokens().len(), sip.len());

    let mut group = c.benchmark_group("lookup");
    group.measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    let mut i = 0;
    group.bench_function("key/ours", |b| {
        b.iter(|| {
            i = (i + 1) % KEYS;
            ours.owner(key_position(black_box(&keys[i])))
        })
    });
    group.bench_function("key/hashring", |b| {
        b.iter(|| {
            i = (i + 1) % KEYS;
            sip.get(black_box(&keys[i].as_str())).map(|v| v.node)
        })
    });
    group.bench_function("key_same_hash/hashring_xxh3", |b| {
        b.iter(|| {
            i = (i + 1) % KEYS;
            xxh.get(black_box(&keys[i].as_str())).map(|v| v.node)
        })
    });
    group.bench_function("preference_list_3/ours", |b| {
        b.iter(|| {
            i = (i + 1) % KEYS;
            ours.preference_list(key_position(black_box(&keys[i])), 3)
        })
    });
    group.bench_function("preference_list_3/hashring", |b| {
        b.iter(|| {
            i = (i + 1) % KEYS;
            sip.get_with_replicas(black_box(&keys[i].as_str()), 2).map(|v| v.len())
        })
    });
    group.finish();
}

criterion_group!(benches, bench);

/// Criterion's own report, then the ratios read back from its estimates.
fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"))
        .join("criterion/lookup");
    let ns = |id: &str| -> Option<f64> {
        let text = std::fs::read_to_string(dir.join(id).join("new/estimates.json")).ok()?;
        let at = text.find("\"mean\"")?;
        let rest = &text[at..];
        let at = rest.find("\"point_estimate\":")? + "\"point_estimate\":".len();
        rest[at..].split([',', '}']).next()?.trim().parse().ok()
    };
    println!("\nns per lookup (mean), 100 nodes × 200 virtual nodes:");
    for (ours, theirs, what) in [
        ("key/ours", "key/hashring", "key → owner, each crate's own hash (xxh3 vs SipHash-1-3)"),
        ("key/ours", "key_same_hash/hashring_xxh3", "key → owner, both xxh3"),
        ("preference_list_3/ours", "preference_list_3/hashring", "3 replicas"),
    ] {
        match (ns(&ours.replace('/', "_")), ns(&theirs.replace('/', "_"))) {
            (Some(a), Some(b)) => println!("  {what}: ours {a:.1} ns, hashring {b:.1} ns, ratio {:.2}", a / b),
            _ => println!("  {what}: no estimate found under {}", dir.display()),
        }
    }
}
