//! Primary-backup through the catalog: on the same seed and the same
//! actions (replica 1 pauses for 600 ms), the unfenced run is caught with a
//! split brain and a counterexample that replays from its link, and the
//! fenced run is not; options are parsed and bad ones named.

use lab::presets::Preset;
use lab::{open, query, Algo, Setup};
use pb::ONE_PRIMARY_PER_EPOCH;

const STEPS: u64 = 3000;

fn pause_setup(fencing: &str) -> Setup {
    let mut setup = Preset::find("pb-false-suspicion-fenced").unwrap().load().setup;
    setup.options.insert("fencing".to_string(), fencing.to_string());
    setup
}

#[test]
fn the_same_pause_is_a_split_brain_without_fencing_and_safe_with_it() {
    let mut fenced = open(&pause_setup("epoch")).unwrap();
    fenced.seek(STEPS);
    assert_eq!(fenced.steps(), STEPS);
    assert!(fenced.first_violation().is_none(), "{:?}", fenced.first_violation());

    let unfenced_setup = pause_setup("none");
    let mut unfenced = open(&unfenced_setup).unwrap();
    unfenced.seek(STEPS);
    let v = unfenced.first_violation().cloned().expect("fencing=none is caught");
    assert_eq!(v.property, ONE_PRIMARY_PER_EPOCH);
    assert!(v.detail.contains("replicas 1 and 2"), "{}", v.detail);

    // The counterexample is the setup itself: written as a link and read
    // back, it breaks the same property at the same step.
    let pairs = query::encode(&unfenced_setup, v.step);
    let again = query::parse(pairs.iter().map(|(k, v)| (*k, v.as_str()))).unwrap().setup;
    assert_eq!(again, unfenced_setup);
    let mut replay = open(&again).unwrap();
    replay.seek(v.step);
    assert_eq!(replay.first_violation(), Some(&v));

    // The preset says the same as the variant built here.
    assert_eq!(Preset::find("pb-split-brain").unwrap().load().setup.options.get("fencing").unwrap(), "none");
}

#[test]
fn the_phi_detector_also_fails_over_after_a_crash() {
    let mut setup = Preset::find("pb-failover").unwrap().load().setup;
    setup.options.insert("detector".to_string(), "phi".to_string());
    let mut s = open(&setup).unwrap();
    s.seek(400);
    assert!(s.first_violation().is_none());
    let promoted = s.log_tail(400).into_iter().find(|l| l.text.contains("promotes itself")).expect("a promotion");
    assert!(promoted.text.contains("phi") && promoted.text.contains("epoch 1 → 2"), "{}", promoted.text);
    assert!(s.picture().banner.unwrap().contains("primary: replica 2 (epoch 2)"));
}

#[test]
fn options_are_parsed_and_bad_ones_named() {
    let mut setup = Setup::new(Algo::PrimaryBackup);
    for (name, bad) in
        [("detector", "psi"), ("fencing", "lease"), ("phi_threshold", "0.1"), ("window", "1"), ("timeout_ms", "0")]
    {
        setup.options.clear();
        setup.options.insert(name.to_string(), bad.to_string());
        assert_eq!(open(&setup).err().map(|e| e.field), Some(name), "{name}={bad}");
    }
    setup.options.clear();
    setup.options.insert("bug".to_string(), "no-epoch-bump".to_string());
    assert!(open(&setup).is_ok());
    setup.sim.nodes = 4;
    assert_eq!(open(&setup).err().map(|e| e.field), Some("topology"), "a pair is three nodes");
    setup.options.insert("topology".to_string(), "chain".to_string());
    assert!(open(&setup).is_ok());
    setup.sim.nodes = 7;
    assert_eq!(open(&setup).err().map(|e| e.field), Some("nodes"));
}
