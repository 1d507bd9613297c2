//! Raft inside the simulator: the paper's Figure 8 against a deliberately
//! broken commit rule, a seed sweep with faults (safety), recovery after
//! healing (liveness), determinism, and a hunt for each deliberately broken
//! variant (`raft::Bug`) that ends in a replayable counterexample.

use protocol::Bugs;
use protocol::Status;
use raft::{Bug, Raft, RaftConfig, Role};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sim::{Action, Run, SimConfig, World};

type R = Run<Raft>;

fn five(drop: f64, dup: f64) -> SimConfig {
    SimConfig { nodes: 5, latency_ms: [10, 40], drop, dup, ..SimConfig::default() }
}

fn run_until(r: &mut R, max_steps: u64, pred: impl Fn(&World<Raft>) -> bool) -> bool {
    for _ in 0..max_steps {
        if pred(r.world()) {
            return true;
        }
        r.step();
    }
    pred(r.world())
}

/// The running leader with the highest term among `among`.
fn leader_among(w: &World<Raft>, among: &[u32]) -> Option<u32> {
    among
        .iter()
        .copied()
        .filter(|&id| w.status(id) == Status::Up && w.node(id).role() == Role::Leader)
        .max_by_key(|&id| w.node(id).current_term())
}

fn entry_cmd(w: &World<Raft>, id: u32, index: u64) -> Option<String> {
    w.node(id).log().get(index).map(|e| e.cmd.to_string())
}

fn act(r: &mut R, action: Action) {
    r.act(action.clone()).unwrap_or_else(|e| panic!("{action:?}: {e}"));
}

/// Replays Figure 8 of the paper (§5.4.2) with the world's own actions:
/// (a) leader S1 replicates an entry of its term to one follower only;
/// (b) S1 crashes and S5 is elected with votes from S3, S4 and itself, and
///     takes a different entry at the same index;
/// (c) S5 crashes, S1 restarts, is elected, and brings its old entry to a
///     majority (S1, S2, S3): the broken rule commits it by counting;
/// (d) S1 crashes and S5 is elected again and overwrites it everywhere.
///
/// Returns the run, for the caller to judge.
fn figure_8(config: RaftConfig, seed: u64) -> R {
    let mut r = R::new(five(0.0, 0.0), config, seed, vec![]);
    let all = [0, 1, 2, 3, 4];
    assert!(run_until(&mut r, 5_000, |w| leader_among(w, &all).is_some()), "seed {seed}: no first leader");
    let s1 = leader_among(r.world(), &all).unwrap();
    let others: Vec<u32> = all.iter().copied().filter(|&n| n != s1).collect();
    let s2 = others[0];
    let rest = [others[1], others[2], others[3]];

    // (a) S1 and S2 cut off together; S1 appends "x" and S2 stores it.
    act(&mut r, Action::Partition { groups: vec![vec![s1, s2]] });
    act(&mut r, Action::Request { node: s1, cmd: "x".into() });
    assert!(run_until(&mut r, 5_000, |w| entry_cmd(w, s2, 1).as_deref() == Some("x")), "seed {seed}: (a)");

    // (b) S1 crashes; S5 is elected among the other three, then isolated with "y".
    act(&mut r, Action::Crash { node: s1 });
    act(&mut r, Action::Partition { groups: vec![vec![s2], rest.to_vec()] });
    assert!(run_until(&mut r, 20_000, |w| leader_among(w, &rest).is_some()), "seed {seed}: (b)");
    let s5 = leader_among(r.world(), &rest).unwrap();
    let others: Vec<u32> = rest.iter().copied().filter(|&n| n != s5).collect();
    let (s3, s4) = (others[0], others[1]);
    act(&mut r, Action::Partition { groups: vec![vec![s5], vec![s2]] });
    act(&mut r, Action::Request { node: s5, cmd: "y".into() });
    assert_eq!(entry_cmd(r.world(), s5, 1).as_deref(), Some("y"));

    // (c) S5 crashes; S1 restarts and, with S2 and S3, brings "x" to a majority.
    act(&mut r, Action::Crash { node: s5 });
    act(&mut r, Action::Restart { node: s1 });
    act(&mut r, Action::Partition { groups: vec![vec![s1, s2, s3]] });
    let in_majority = |w: &World<Raft>| {
        entry_cmd(w, s3, 1).as_deref() == Some("x")
            && leader_among(w, &[s1, s2]).is_some()
            && w.node(s3).commit_index() >= 1
    };
    let committed = run_until(&mut r, 20_000, in_majority);
    let leader_c = leader_among(r.world(), &[s1, s2]);
    if !committed {
        // A correct Raft never commits "x" by counting; go on once it is on a majority.
        assert!(
            run_until(&mut r, 20_000, |w| entry_cmd(w, s3, 1).as_deref() == Some("x")
                && leader_among(w, &[s1, s2]).is_some()),
            "seed {seed}: (c)"
        );
    }
    let leader_c = leader_c.or_else(|| leader_among(r.world(), &[s1, s2])).unwrap();

    // (d) The leader of (c) crashes; S5 restarts and is elected by S3 and S4.
    act(&mut r, Action::Crash { node: leader_c });
    act(&mut r, Action::Restart { node: s5 });
    act(&mut r, Action::Partition { groups: vec![vec![s5, s3, s4]] });
    run_until(&mut r, 20_000, |w| entry_cmd(w, s3, 1).as_deref() == Some("y") && w.node(s3).commit_index() >= 1);
    r
}

#[test]
fn figure_8_broken_commit_rule_is_caught() {
    let broken = RaftConfig { bug: Some(Bug::CommitPreviousTerms), ..RaftConfig::default() };
    for seed in 1..=10 {
        let r = figure_8(broken.clone(), seed);
        let v = r.world().first_violation().unwrap_or_else(|| panic!("seed {seed}: the checker missed Figure 8"));
        assert!(
            v.property == raft::LEADER_COMPLETENESS || v.property == raft::STATE_MACHINE_SAFETY,
            "seed {seed}: {v:?}"
        );
        // The counterexample is the run's own actions: replaying them finds it again.
        let mut again = R::new(five(0.0, 0.0), broken.clone(), seed, r.actions().to_vec());
        again.seek(v.step);
        assert_eq!(again.world().first_violation(), Some(v), "seed {seed}: replay");
    }
}

#[test]
fn figure_8_correct_raft_is_safe() {
    for seed in 1..=10 {
        let r = figure_8(RaftConfig::default(), seed);
        assert_eq!(r.world().first_violation(), None, "seed {seed}");
        // S5's entry won: "y" replaced the uncommitted "x" (Figure 8 (d)).
        let w = r.world();
        assert!((0..5).any(|n| w.status(n) == Status::Up && entry_cmd(w, n, 1).as_deref() == Some("y")));
    }
}

/// Inject random faults and client requests into a run: the driver of the
/// sweep. Draws from its own seeded stream, so each seed's run is replayable
/// from its recorded actions.
fn chaos(r: &mut R, rng: &mut ChaCha8Rng) {
    let w = r.world();
    let n = w.node_count();
    let up: Vec<u32> = (0..n).filter(|&i| w.status(i) == Status::Up).collect();
    let down: Vec<u32> = (0..n).filter(|&i| w.status(i) == Status::Crashed).collect();
    let action = match rng.gen_range(0..10u32) {
        0..=2 => {
            let to = leader_among(w, &(0..n).collect::<Vec<_>>()).unwrap_or(rng.gen_range(0..n));
            Action::Request { node: to, cmd: format!("s{}", r.steps()) }
        }
        3 if up.len() > 1 => Action::Crash { node: up[rng.gen_range(0..up.len() as u32) as usize] },
        // A crash in the middle of the node's next step: the commands after
        // the first `after` are lost, a Persist among them included.
        4 if up.len() > 1 => {
            Action::CrashMidStep { node: up[rng.gen_range(0..up.len() as u32) as usize], after: rng.gen_range(0..4) }
        }
        5 if !down.is_empty() => Action::Restart { node: down[rng.gen_range(0..down.len() as u32) as usize] },
        6 => {
            let side: Vec<u32> = (0..n).filter(|_| rng.gen_bool(0.5)).collect();
            Action::Partition { groups: vec![side] }
        }
        7 => Action::Cut { from: rng.gen_range(0..n), to: rng.gen_range(0..n) },
        _ => Action::Heal,
    };
    if let Action::Cut { from, to } = action {
        if from == to {
            return;
        }
    }
    r.act(action).expect("chaos only picks valid actions");
}

/// Safety phase of a VOPR-style sweep: 1,000 seeds × 2,000 steps with 5%
/// loss, 2% duplication, crashes (also in the middle of a step), restarts,
/// partitions, one-way cuts and client requests. Every step is checked; none may break a property.
#[test]
fn sweep_1000_seeds_with_faults_has_no_violation() {
    let mut committed = 0u64;
    for seed in 0..1000u64 {
        let mut r = R::new(five(0.05, 0.02), RaftConfig::default(), seed, vec![]);
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
        while r.steps() < 2000 {
            if r.steps() % 40 == 20 {
                chaos(&mut r, &mut rng);
            }
            if !r.step() {
                break;
            }
        }
        if let Some(v) = r.world().first_violation() {
            panic!(
                "seed {seed}: {} at step {}: {}\nreplay: cli run --algo raft --nodes 5 --seed {seed} --steps 2000 \
                 --drop 0.05 --dup 0.02 --actions <(echo '{}')",
                v.property,
                v.step,
                v.detail,
                serde_json::to_string(r.actions()).unwrap()
            );
        }
        committed += (0..5).map(|i| r.world().node(i).commit_index()).max().unwrap();
    }
    // The sweep must exercise replication, not just elections.
    assert!(committed > 1000 * 5, "only {committed} entries committed across the sweep");
}

/// Liveness phase: after the faults stop (heal, restart everyone) a leader is
/// elected and a client command commits within a bound of model time.
/// Bound: 3,000 ms, ten maximum election timeouts.
#[test]
fn after_healing_a_command_commits_within_3000_ms() {
    const BOUND_MS: u64 = 3_000;
    let mut worst = 0;
    for seed in 0..200u64 {
        let mut r = R::new(five(0.05, 0.02), RaftConfig::default(), seed, vec![]);
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x11fe);
        while r.steps() < 1500 {
            if r.steps() % 40 == 20 {
                chaos(&mut r, &mut rng);
            }
            r.step();
        }
        act(&mut r, Action::Heal);
        for id in 0..5 {
            if r.world().status(id) == Status::Crashed {
                act(&mut r, Action::Restart { node: id });
            }
        }
        let healed_at = r.world().now();
        let all = [0, 1, 2, 3, 4];
        let cmd = format!("probe-{seed}");
        let mut asked: Option<(u32, u64)> = None; // (leader, index of the probe in its log)
        loop {
            let w = r.world();
            assert!(w.now() - healed_at <= BOUND_MS, "seed {seed}: nothing committed {BOUND_MS} ms after healing");
            if let Some((l, index)) = asked {
                let n = w.node(l);
                if n.commit_index() >= index && entry_cmd(w, l, index).as_deref() == Some(cmd.as_str()) {
                    break;
                }
                if n.role() != Role::Leader {
                    asked = None; // leadership moved: ask the new leader
                }
            }
            if asked.is_none() {
                if let Some(l) = leader_among(w, &all) {
                    act(&mut r, Action::Request { node: l, cmd: cmd.clone() });
                    asked = Some((l, r.world().node(l).log().last_index()));
                }
            }
            r.step();
        }
        worst = worst.max(r.world().now() - healed_at);
        assert_eq!(r.world().first_violation(), None, "seed {seed}");
    }
    println!("worst time from heal to commit over 200 seeds: {worst} ms (bound {BOUND_MS} ms)");
}

/// The same inputs give byte-identical traces; the recorded actions of a run
/// driven live replay to the same trace.
#[test]
fn traces_are_deterministic_and_live_actions_replay() {
    let mut live = R::new(five(0.05, 0.02), RaftConfig::default(), 42, vec![]);
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    while live.steps() < 1500 {
        if live.steps() % 40 == 20 {
            chaos(&mut live, &mut rng);
        }
        live.step();
    }
    let mut replay = R::new(five(0.05, 0.02), RaftConfig::default(), 42, live.actions().to_vec());
    replay.seek(1500);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    sim::write_trace(&live, &mut a).unwrap();
    sim::write_trace(&replay, &mut b).unwrap();
    assert!(a == b, "live and replayed traces differ");
    assert_eq!(live.world().views().len(), 5);
}

/// Where a bug hunt aims its mid-step crashes, on top of the sweep's chaos.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Aim {
    /// Only the sweep's chaos.
    Nothing,
    /// The receiver of the next RequestVote in flight crashes during that
    /// step after this many commands: 1 or 2 catches a reply that left
    /// before its Persist; 8 (all of them) catches a vote not restored.
    Votes { after: u32 },
    /// A client request reaches the leader, which crashes while sending
    /// it out (after its Persist, its note and 0 to 2 AppendEntries): an
    /// entry lands on a minority, the start of the paper's Figure 8.
    Requests,
}

/// One step of aimed chaos. Crashed nodes restart at once, so they take
/// part in the next election with whatever they persisted.
fn aimed_chaos(r: &mut R, rng: &mut ChaCha8Rng, aim: Aim) {
    let w = r.world();
    if aim == Aim::Nothing {
        return;
    }
    if let Some(down) = (0..w.node_count()).find(|&id| w.status(id) == Status::Crashed) {
        act(r, Action::Restart { node: down });
        return;
    }
    match aim {
        Aim::Nothing => {}
        Aim::Votes { after } => {
            let next_vote = w
                .in_flight()
                .filter(|e| matches!(e.msg, raft::Msg::RequestVote { .. }) && !e.held)
                .min_by_key(|e| (e.deliver_at, e.id));
            if let Some(e) = next_vote {
                if rng.gen_bool(0.2) {
                    act(
                        r,
                        Action::CrashMidStep {
                            node: e.to,
                            after: if after < 8 { rng.gen_range(after..3) } else { after },
                        },
                    );
                }
            }
        }
        Aim::Requests => {
            if rng.gen_bool(0.01) {
                if let Some(leader) = leader_among(w, &(0..w.node_count()).collect::<Vec<_>>()) {
                    act(r, Action::CrashMidStep { node: leader, after: rng.gen_range(2..5) });
                    act(r, Action::Request { node: leader, cmd: format!("a{}", r.steps()) });
                }
            }
        }
    }
}

/// Run a broken Raft under the sweep's faults, seed after seed, until the
/// checker reports a violation. Returns the run and its seed.
fn hunt(config: &RaftConfig, seeds: std::ops::Range<u64>, steps: u64, aim: Aim) -> Option<(R, u64)> {
    for seed in seeds {
        let mut r = R::new(five(0.05, 0.02), config.clone(), seed, vec![]);
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xb06);
        while r.steps() < steps && r.world().first_violation().is_none() {
            if r.steps() % 40 == 20 {
                chaos(&mut r, &mut rng);
            } else {
                aimed_chaos(&mut r, &mut rng, aim);
            }
            if !r.step() {
                break;
            }
        }
        if r.world().first_violation().is_some() {
            return Some((r, seed));
        }
    }
    None
}

/// "Prove the checkers can fail": every deliberately broken variant is
/// caught by a seeded sweep with faults, as a violation of the property its
/// `BugSpec` names, and the run's recorded actions are a counterexample: a
/// fresh run from the same seed and actions hits the same first violation
/// at the same step.
fn caught_and_replayed(bug: Bug, aim: Aim, seeds: std::ops::Range<u64>, steps: u64) {
    caught_and_replayed_with(RaftConfig { bug: Some(bug), ..RaftConfig::default() }, aim, seeds, steps);
}

/// [`caught_and_replayed`] with settings of its own; `config.bug` is the bug.
fn caught_and_replayed_with(config: RaftConfig, aim: Aim, seeds: std::ops::Range<u64>, steps: u64) {
    let bug = config.bug.expect("a broken config");
    let (r, seed) = hunt(&config, seeds.clone(), steps, aim)
        .unwrap_or_else(|| panic!("{}: no violation in seeds {seeds:?} × {steps} steps", bug.name()));
    let v = r.world().first_violation().unwrap().clone();
    assert_eq!(v.property, bug.spec().breaks, "{} (seed {seed}): {}", bug.name(), v.detail);
    println!("{}: seed {seed}, step {}: {}: {}", bug.name(), v.step, v.property, v.detail);

    let mut again = R::new(five(0.05, 0.02), config, seed, r.actions().to_vec());
    again.seek(v.step);
    assert_eq!(again.world().first_violation(), Some(&v), "{} (seed {seed}): replay", bug.name());
    assert_eq!(again.steps(), v.step);
    // There the violation names the nodes whose states break it, for the canvas to mark.
    let blamed = &again.world().violation().expect("the replay stops at the breaking step").nodes;
    assert!(!blamed.is_empty() && blamed.iter().all(|&n| n < 5), "{}: blamed {blamed:?}", bug.name());
}

/// §5.4.2, Figure 8: committing an entry of an earlier term by counting.
#[test]
fn sweep_catches_commit_previous_terms() {
    caught_and_replayed(Bug::CommitPreviousTerms, Aim::Requests, 0..200, 4000);
}

/// §5.2 and Figure 2 ("Persistent state ... votedFor"): a vote forgotten in
/// a crash lets a node vote twice in one term.
#[test]
fn sweep_catches_forget_vote() {
    caught_and_replayed(Bug::ForgetVote, Aim::Votes { after: 8 }, 0..200, 4000);
}

/// Figure 2, AppendEntries receiver step 3: only a *conflicting* entry is
/// deleted, with those after it.
#[test]
fn sweep_catches_truncate_always() {
    caught_and_replayed(Bug::TruncateAlways, Aim::Nothing, 0..200, 4000);
}

/// §5.4.1: the election restriction.
#[test]
fn sweep_catches_vote_without_log_check() {
    caught_and_replayed(Bug::VoteWithoutLogCheck, Aim::Nothing, 0..200, 4000);
}

/// §5.3, Figure 3 "Leader Append-Only".
#[test]
fn sweep_catches_overwrite_own_entry() {
    caught_and_replayed(Bug::OverwriteOwnEntry, Aim::Nothing, 0..200, 4000);
}

/// Figure 2: "Updated on stable storage before responding to RPCs".
#[test]
fn sweep_catches_vote_before_persist() {
    caught_and_replayed(Bug::VoteBeforePersist, Aim::Votes { after: 1 }, 0..200, 4000);
}

/// §5.3, Figure 3 "Log Matching": the consistency check on prev_log_index
/// and prev_log_term is what makes a shared entry imply a shared prefix.
#[test]
fn sweep_catches_skip_consistency_check() {
    caught_and_replayed(Bug::SkipConsistencyCheck, Aim::Nothing, 0..200, 4000);
}

/// Figure 2, AppendEntries receiver step 5: commitIndex = min(leaderCommit,
/// index of last new entry).
#[test]
fn sweep_catches_commit_past_match() {
    // The bug bites only when an AppendEntries stops short of leaderCommit,
    // so the leader sends one entry at a time.
    let config = RaftConfig { bug: Some(Bug::CommitPastMatch), max_entries_per_append: 1, ..RaftConfig::default() };
    caught_and_replayed_with(config, Aim::Nothing, 0..200, 4000);
}

/// The control for the hunts above: the same aimed chaos finds nothing in
/// a correct Raft, so what they catch is the bug and not the faults.
#[test]
fn aimed_chaos_finds_nothing_in_correct_raft() {
    for aim in [Aim::Votes { after: 1 }, Aim::Votes { after: 8 }, Aim::Requests] {
        if let Some((r, seed)) = hunt(&RaftConfig::default(), 0..40, 4000, aim) {
            panic!("{aim:?}, seed {seed}: {:?}", r.world().first_violation());
        }
    }
    // And one entry per AppendEntries, the setting of the commit-past-match hunt.
    let one = RaftConfig { max_entries_per_append: 1, ..RaftConfig::default() };
    if let Some((r, seed)) = hunt(&one, 0..200, 4000, Aim::Nothing) {
        panic!("one entry per append, seed {seed}: {:?}", r.world().first_violation());
    }
}
