//! Symmetry reduction's renamings on real worlds (`sim`'s
//! `world/symmetry.rs` and `world/rename.rs`, each protocol's
//! `symmetry.rs`): along a fixed run of Paxos (2 proposers, acceptors 2, 3
//! and 4), of 2PC (participants 1, 2 and 3) and of ABD (servers 0, 1 and
//! 2), for every renaming of the interchangeable nodes,
//!
//! - renaming and renaming back gives the original state;
//! - the fingerprint of the renaming computed without building it is the
//!   fingerprint of the renamed world built for real;
//! - a world and its renaming have the same representative fingerprint;
//! - the precondition: the successor of the renamed world by each choice is
//!   the renamed successor (so what can happen is the same, renamed).
//!
//! And the last test shows the precondition failing where it should: Paxos
//! proposers are not interchangeable (a ballot's tie-break is its id).

use protocol::{NodeId, Protocol, Renaming, Status};
use sim::{Action, SimConfig, World};

fn sim(nodes: u32) -> SimConfig {
    SimConfig { nodes, drop: 0.0, dup: 0.0, ..SimConfig::default() }
}

fn paxos() -> World<paxos::Paxos> {
    let config =
        paxos::PaxosConfig { placement: paxos::Placement::Split, proposers: 2, acceptors: 3, ..Default::default() };
    World::new(sim(5), config, 1).unrecorded()
}

fn two_pc() -> World<txn::TwoPc> {
    World::new(sim(4), txn::CommitConfig::default(), 1).unrecorded()
}

/// Every permutation of `group`, the other ids of `0..n` fixed.
fn renamings(n: u32, group: &[NodeId]) -> Vec<Renaming> {
    fn permutations(items: &[NodeId]) -> Vec<Vec<NodeId>> {
        if items.len() <= 1 {
            return vec![items.to_vec()];
        }
        let mut all = Vec::new();
        for i in 0..items.len() {
            let mut rest = items.to_vec();
            let first = rest.remove(i);
            for mut p in permutations(&rest) {
                p.insert(0, first);
                all.push(p);
            }
        }
        all
    }
    permutations(group)
        .into_iter()
        .map(|image| {
            let mut to: Vec<NodeId> = (0..n).collect();
            for (&from, &into) in group.iter().zip(&image) {
                to[from as usize] = into;
            }
            Renaming::new(to)
        })
        .collect()
}

/// Apply one choice as the checker does.
fn after<P: Protocol>(world: &World<P>, action: &Action) -> World<P> {
    let mut next = world.clone();
    next.apply(action).unwrap();
    if matches!(action, Action::Deliver { .. } | Action::Fire { .. }) {
        next.step();
    }
    next
}

/// The choices a world offers: deliver each message, fire each timer,
/// crash each up node, restart each crashed one.
fn choices<P: Protocol>(world: &World<P>) -> Vec<Action> {
    let mut all: Vec<Action> = world.in_flight().map(|e| Action::Deliver { msg: e.id }).collect();
    for node in 0..world.node_count() {
        match world.status(node) {
            Status::Up => {
                all.extend(
                    world.armed_timers(node).map(|t| Action::Fire { node, timer: protocol::Timer::name(&t).into() }),
                );
                all.push(Action::Crash { node });
            }
            _ => all.push(Action::Restart { node }),
        }
    }
    all
}

/// The same choice in a world renamed by `r` (messages keep their ids).
fn rename_action(action: &Action, r: &Renaming) -> Action {
    match action {
        Action::Fire { node, timer } => Action::Fire { node: r.id(*node), timer: timer.clone() },
        Action::Crash { node } => Action::Crash { node: r.id(*node) },
        Action::Restart { node } => Action::Restart { node: r.id(*node) },
        other => other.clone(),
    }
}

/// A fixed run: `requests`, then deliveries picked by a fixed rule, with a
/// crash and a restart of node `crash` on the way.
fn run<P: Protocol>(mut world: World<P>, requests: &[Action], crash: NodeId, steps: usize) -> Vec<World<P>> {
    let mut states = vec![world.clone()];
    for r in requests {
        world = after(&world, r);
        states.push(world.clone());
    }
    for i in 0..steps {
        let ids: Vec<_> = world.in_flight().map(|e| e.id).collect();
        let action = match i {
            3 => Action::Crash { node: crash },
            5 => Action::Restart { node: crash },
            _ if ids.is_empty() => match choices(&world).into_iter().find(|a| matches!(a, Action::Fire { .. })) {
                Some(fire) => fire,
                None => break,
            },
            _ => Action::Deliver { msg: ids[(i * 7) % ids.len()] },
        };
        world = after(&world, &action);
        states.push(world.clone());
    }
    states
}

fn fp<P: Protocol>(world: &World<P>) -> u64 {
    world.exact_fingerprint()
}

fn check_renamings<P: Protocol>(states: &[World<P>], group: &[NodeId]) {
    let n = states[0].node_count();
    let mut moved = 0;
    for (at, w) in states.iter().enumerate() {
        let reduced = w.clone().with_symmetry().unwrap();
        assert_eq!(reduced.interchangeable(), Some(&[group.to_vec()][..]));
        for r in renamings(n, group) {
            let renamed = w.renamed(&r).unwrap();
            let back = renamed.renamed(&r.inverse()).unwrap();
            assert_eq!(fp(&back), fp(w), "state {at}: renaming back by {r:?}");
            assert_eq!(w.fingerprint_renamed(&r), Some(fp(&renamed)), "state {at}: {r:?}");
            moved += usize::from(fp(&renamed) != fp(w));
            let a = reduced.fingerprint();
            let b = renamed.clone().with_symmetry().unwrap().fingerprint();
            assert_eq!(a, b, "state {at}: one representative for the world and its renaming {r:?}");
            for action in choices(w) {
                let one = after(w, &action).renamed(&r).unwrap();
                let two = after(&renamed, &rename_action(&action, &r));
                assert_eq!(fp(&one), fp(&two), "state {at}: {action:?} then {r:?}, or the other way");
                assert_eq!(one.violation().map(|v| v.property), two.violation().map(|v| v.property));
            }
        }
    }
    assert!(moved > states.len(), "the renamings changed the states ({moved})");
}

#[test]
fn paxos_acceptors_rename_soundly() {
    let requests = [Action::Request { node: 0, cmd: "A".into() }, Action::Request { node: 1, cmd: "B".into() }];
    let states = run(paxos(), &requests, 3, 24);
    assert!(states.len() > 20);
    check_renamings(&states, &[2, 3, 4]);
}

#[test]
fn two_phase_commit_participants_rename_soundly() {
    let states = run(two_pc(), &[Action::Request { node: 0, cmd: "t".into() }], 2, 16);
    assert!(states.len() > 12);
    check_renamings(&states, &[1, 2, 3]);
}

#[test]
fn abd_servers_rename_soundly() {
    // Servers 0-2, clients 3 and 4, whose workload timers start operations.
    let world = World::<abd::Abd>::new(sim(5), abd::AbdConfig::default(), 1).unrecorded();
    let fire = |node| Action::Fire { node, timer: "next".into() };
    let states = run(world, &[fire(3), fire(4)], 1, 24);
    assert!(states.len() > 20);
    check_renamings(&states, &[0, 1, 2]);
}

#[test]
fn swapping_paxos_proposers_is_not_a_symmetry() {
    // Both proposers prepare round 1; ballot 1.1 beats 1.0 at an acceptor,
    // but renamed, 1.0 arrives where 1.1 was: what follows differs.
    let requests = [Action::Request { node: 0, cmd: "A".into() }, Action::Request { node: 1, cmd: "A".into() }];
    let swap = Renaming::new(vec![1, 0, 2, 3, 4]);
    let states = run(paxos(), &requests, 4, 12);
    let broken = states.iter().any(|w| {
        let renamed = w.renamed(&swap).unwrap();
        choices(w)
            .iter()
            .any(|a| fp(&after(w, a).renamed(&swap).unwrap()) != fp(&after(&renamed, &rename_action(a, &swap))))
    });
    assert!(broken, "renaming the proposers must not commute with every step");
}
