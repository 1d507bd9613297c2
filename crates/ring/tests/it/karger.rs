//! The ring against the papers: Karger et al., "Consistent Hashing and
//! Random Trees" (STOC 1997), for how few keys move and how virtual nodes
//! even out the load, and DeCandia et al., "Dynamo" (SOSP 2007) §4.3, for
//! preference lists. Keys are named from the seed (`k{seed}-{i}`) and the
//! seed salts the virtual-node positions, so each seed is an independent ring.

use ring::{
    key_position, moved_fraction, report, stat_keys, stddev, Change, Modulo, Placement, Rendezvous, ReportConfig, Ring,
};

fn ring(nodes: u32, vnodes: u32, seed: u64) -> Ring {
    Ring::of(vnodes, seed, 0..nodes)
}

/// Karger et al. §2.1 ("smoothness"/monotonicity) and Dynamo §4.2: adding
/// one node to `N` moves about `1/(N+1)` of the keys, all of them to the new
/// node. Averaged over 50 seeds with N = 10, 100 virtual nodes, 100,000 keys:
/// within 20% of 1/11.
#[test]
fn adding_one_node_to_n_moves_about_one_over_n_plus_one() {
    let (n, seeds) = (10, 50);
    let mut sum = 0.0;
    for seed in 0..seeds {
        let keys = stat_keys(seed, 100_000);
        let (before, mut after) = (ring(n, 100, seed), ring(n, 100, seed));
        after.add(n);
        for &k in keys.iter().step_by(97) {
            let (a, b) = (before.owner(k), after.owner(k));
            assert!(a == b || b == Some(n), "seed {seed}: a key moved between old nodes");
        }
        sum += moved_fraction(&before, &after, &keys);
    }
    let mean = sum / seeds as f64;
    let ideal = 1.0 / f64::from(n + 1);
    println!("adding 1 node to {n}: moved {mean:.4} on average over {seeds} seeds (ideal {ideal:.4})");
    assert!((mean - ideal).abs() <= 0.2 * ideal, "moved {mean}, ideal {ideal}");
}

/// The scheme consistent hashing replaces: with `hash mod N`, going from N
/// to N+1 nodes moves every key whose remainder changes, about N/(N+1).
#[test]
fn modulo_n_moves_about_n_over_n_plus_one() {
    let n = 10;
    let keys = stat_keys(1, 100_000);
    let moved = moved_fraction(&Modulo::new(0..n), &Modulo::new(0..=n), &keys);
    let ideal = f64::from(n) / f64::from(n + 1);
    println!("hash mod N, {n} → {}: moved {moved:.4} (N/(N+1) = {ideal:.4})", n + 1);
    assert!((moved - ideal).abs() < 0.01, "moved {moved}");
}

/// Rendezvous hashing moves the ideal 1/(N+1), only to the new node.
#[test]
fn rendezvous_moves_about_one_over_n_plus_one_to_the_new_node() {
    let n = 10;
    let keys = stat_keys(2, 50_000);
    let (before, after) = (Rendezvous::new(0..n, 2), Rendezvous::new(0..=n, 2));
    let moved = moved_fraction(&before, &after, &keys);
    let ideal = 1.0 / f64::from(n + 1);
    assert!((moved - ideal).abs() < 0.1 * ideal, "moved {moved}");
    assert!(keys.iter().all(|&k| before.owner(k) == after.owner(k) || after.owner(k) == Some(n)));
}

/// Removing a node moves exactly its keys, about 1/N, spread over the others.
#[test]
fn removing_a_node_moves_only_its_keys() {
    let keys = stat_keys(3, 50_000);
    let before = ring(10, 100, 3);
    let mut after = before.clone();
    after.remove(4);
    for &k in &keys {
        let (a, b) = (before.owner(k), after.owner(k));
        assert!(a == b || a == Some(4), "a key not on node 4 moved");
    }
    let moved = moved_fraction(&before, &after, &keys);
    assert!((moved - 0.1).abs() < 0.03, "moved {moved}");
}

/// Karger et al. §4 and Dynamo §4.2: with `v` virtual nodes per node the
/// spread of load falls like 1/sqrt(v). Going from 10 to 1,000 virtual nodes
/// should divide the standard deviation of keys per node by about 10; we
/// accept 5 to 20 (averaged over 10 seeds, N = 10, 100,000 keys), and ask
/// that 100 lies in between.
#[test]
fn load_stddev_falls_like_one_over_sqrt_vnodes() {
    let spread = |vnodes: u32| {
        let mut sum = 0.0;
        for seed in 0..10 {
            let ring = ring(10, vnodes, seed);
            let loads = ring::loads(&ring, &stat_keys(seed, 100_000), 1);
            sum += stddev(&loads.iter().map(|l| l.primary).collect::<Vec<_>>());
        }
        sum / 10.0
    };
    let (s10, s100, s1000) = (spread(10), spread(100), spread(1000));
    let ratio = s10 / s1000;
    println!(
        "load stddev (keys per node): v=10 {s10:.0}, v=100 {s100:.0}, v=1000 {s1000:.0}; v=10/v=1000 = {ratio:.1}"
    );
    assert!((5.0..=20.0).contains(&ratio), "ratio {ratio}");
    assert!(s10 > s100 && s100 > s1000);
}

/// Dynamo §4.3: "the preference list ... contains only distinct physical
/// nodes", the owner first, then clockwise.
#[test]
fn replica_sets_have_r_distinct_physical_nodes() {
    let ring = ring(8, 50, 5);
    for (i, &k) in stat_keys(5, 5_000).iter().enumerate() {
        let r = 1 + (i % 5) as u32;
        let list = ring.preference_list(k, r);
        assert_eq!(list.len(), r as usize);
        assert_eq!(Some(list[0]), ring.owner(k));
        let mut distinct = list.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), list.len(), "{list:?}");
        // Each next replica is the first new node clockwise after the previous one's token.
        let tokens = ring.tokens();
        let start = ring.successor(k).unwrap();
        let mut expect = Vec::new();
        for step in 0..tokens.len() {
            let node = tokens[(start + step) % tokens.len()].node;
            if !expect.contains(&node) {
                expect.push(node);
            }
        }
        expect.truncate(r as usize);
        assert_eq!(list, expect);
    }
    assert_eq!(ring.preference_list(1, 20).len(), 8, "never more than the nodes there are");
}

/// The binary search finds the same owner as a scan of every token.
#[test]
fn binary_search_agrees_with_a_brute_force_scan() {
    let ring = ring(7, 30, 6);
    let tokens = ring.tokens();
    let scan = |p: u64| {
        tokens.iter().filter(|t| t.position >= p).min_by_key(|t| t.position).or_else(|| tokens.first()).map(|t| t.node)
    };
    let mut probes: Vec<u64> = stat_keys(6, 20_000);
    probes.extend([0, 1, u64::MAX, u64::MAX - 1]);
    for t in tokens {
        probes.extend([t.position, t.position.wrapping_sub(1), t.position.wrapping_add(1)]);
    }
    for p in probes {
        assert_eq!(ring.owner(p), scan(p), "position {p}");
    }
    assert_eq!(ring.owner(key_position("user:42")), scan(key_position("user:42")));
}

/// A node of weight 2 gets twice the virtual nodes and about twice the keys.
#[test]
fn weight_scales_a_nodes_share() {
    let mut ring = ring(5, 100, 7);
    ring.add_weighted(5, 2.0);
    assert_eq!(ring.vnodes_of(5), 200);
    let loads = ring::loads(&ring, &stat_keys(7, 100_000), 1);
    let heavy = loads.iter().find(|l| l.node == 5).unwrap().primary as f64;
    let light = loads.iter().filter(|l| l.node != 5).map(|l| l.primary as f64).sum::<f64>() / 5.0;
    assert!((1.6..2.4).contains(&(heavy / light)), "{heavy} vs {light}");
}

/// The CLI's report: the issue's example, and its figures agree with the
/// ring computed directly.
#[test]
fn report_of_the_issue_example() {
    let r = report(&ReportConfig::default()).unwrap();
    assert_eq!((r.members_before.len(), r.members_after.len()), (10, 11));
    assert!((r.expected_moved_fraction - 1.0 / 11.0).abs() < 1e-12);
    assert!((r.ring.moved_fraction - r.expected_moved_fraction).abs() < 0.3 * r.expected_moved_fraction);
    assert!((r.modulo_moved_fraction - 10.0 / 11.0).abs() < 0.01);
    assert!((r.rendezvous_moved_fraction - 1.0 / 11.0).abs() < 0.01);
    assert_eq!(r.ring.load.before.iter().map(|l| l.primary).sum::<u64>(), 100_000);
    assert_eq!(r.ring.load.after.len(), 11);
    let keys = stat_keys(1, 100_000);
    let direct = moved_fraction(&Ring::of(100, 1, 0..10), &Ring::of(100, 1, 0..11), &keys);
    assert_eq!(r.ring.moved_fraction, direct);
    let json = serde_json::to_value(&r).unwrap();
    for field in ["moved_fraction", "modulo_moved_fraction", "rendezvous_moved_fraction", "load", "load_stddev"] {
        assert!(json.get(field).is_some(), "{field} missing from {json}");
    }
    assert_eq!(json["change"], serde_json::json!({"add": 1}));
    assert!(json["max_over_mean"]["after"].as_f64().unwrap() >= 1.0);
    let text = r.to_string();
    assert!(
        text.contains("consistent hashing") && text.contains("hash mod N") && text.contains("rendezvous"),
        "{text}"
    );

    let removed = report(&ReportConfig { change: Change::Remove(3), keys: 20_000, ..ReportConfig::default() }).unwrap();
    assert!(!removed.members_after.contains(&3));
    assert_eq!(removed.expected_moved_fraction, 0.1);
    let err = report(&ReportConfig { change: Change::Remove(10), ..ReportConfig::default() }).unwrap_err();
    assert_eq!(err.field, "remove");
    assert_eq!(report(&ReportConfig { vnodes: 0, ..ReportConfig::default() }).unwrap_err().field, "vnodes");
}
