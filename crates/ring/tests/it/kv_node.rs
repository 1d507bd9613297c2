//! The key-value store's handlers, one at a time, against Dynamo (DeCandia
//! et al., SOSP 2007) and Karger et al. (STOC 1997): each test names the
//! section it checks and asserts the commands a node produces.

use protocol::{Cluster, Command, Input, Out, Protocol};
use ring::kv::{bit, in_range, pref_set, Held, Item, KvConfig, KvNode, Msg, RingTimer, Status, Version};
use ring::{key_position, Ring};
use std::collections::BTreeSet;
use std::sync::Arc;

type Cmds = Vec<Command<Msg, RingTimer, ring::kv::Durable>>;

fn config(replicas: u32) -> KvConfig {
    KvConfig { vnodes: 8, replicas, keys: 40, members: Some(4), ..KvConfig::default() }
}

fn node(id: u32, replicas: u32) -> KvNode {
    KvNode::new(id, &Cluster { nodes: 5 }, &config(replicas), None)
}

fn step(n: &mut KvNode, input: Input<Msg, RingTimer>) -> Cmds {
    let mut out = Out::default();
    n.step(0, input, &mut out);
    out.take()
}

fn request(n: &mut KvNode, cmd: &str) -> Cmds {
    step(n, Input::Request { cmd: cmd.into() })
}

fn sends(cmds: &Cmds) -> Vec<(u32, Msg)> {
    cmds.iter()
        .filter_map(|c| match c {
            Command::Send { to, msg } => Some((*to, msg.clone())),
            _ => None,
        })
        .collect()
}

fn notes(cmds: &Cmds) -> Vec<String> {
    cmds.iter()
        .filter_map(|c| match c {
            Command::Emit(n) => Some(n.text.clone()),
            _ => None,
        })
        .collect()
}

fn retry() -> Command<Msg, RingTimer, ring::kv::Durable> {
    Command::SetTimer { timer: RingTimer::Retry, after_min: 300, after_max: 300 }
}

/// The initial keys, `k0..k39`.
fn keys() -> Vec<Arc<str>> {
    (0..40).map(|i| Arc::from(format!("k{i}"))).collect()
}

/// Dynamo §4.3 and Karger et al.: at start each member stores exactly the
/// keys whose preference list it is on.
#[test]
fn the_initial_load_follows_the_preference_lists() {
    let members = Ring::of(8, 0, 0..4);
    for id in 0..5 {
        let n = node(id, 2);
        let mine: BTreeSet<Arc<str>> =
            keys().into_iter().filter(|k| members.preference_list(key_position(k), 2).contains(&id)).collect();
        assert_eq!(n.store().keys().cloned().collect::<BTreeSet<_>>(), mine, "node {id}");
        assert_eq!(n.status(), if id < 4 { Status::Member } else { Status::Standby });
        assert!(n.idle(), "node {id} starts with nothing to do");
    }
}

/// Dynamo §4.9 ("when a new node is added ... nodes transfer the keys to it"),
/// here pulled by the newcomer: joining persists the new status first, then
/// announces it to every peer and asks each old owner for exactly the ranges
/// the newcomer now owns, as first owner or replica.
#[test]
fn join_persists_announces_and_pulls_exactly_the_ranges_it_now_owns() {
    let mut j = node(4, 2);
    let cmds = request(&mut j, "join");
    assert!(matches!(cmds[0], Command::Persist(_)), "persist before speaking");
    assert_eq!(cmds.last(), Some(&retry()), "waits for its pulls");
    let sent = sends(&cmds);
    let announced: Vec<u32> =
        sent.iter().filter(|(_, m)| matches!(m, Msg::Announce { .. })).map(|(to, _)| *to).collect();
    assert_eq!(announced, vec![0, 1, 2, 3]);
    assert!(sent.iter().all(|(_, m)| !matches!(m, Msg::Announce { status, inc: 1 } if *status != Status::Joining)));
    assert_eq!(j.status(), Status::Joining);

    let (old, new) = (Ring::of(8, 0, 0..4), Ring::of(8, 0, 0..5));
    for key in keys() {
        let p = key_position(&key);
        let owns = new.preference_list(p, 2).contains(&4);
        let sources: Vec<u32> = sent
            .iter()
            .filter_map(|(to, m)| match m {
                Msg::Pull { ranges, .. } if ranges.iter().any(|r| in_range(r, p)) => Some(*to),
                _ => None,
            })
            .collect();
        if owns {
            let mut old_owners = old.preference_list(p, 2);
            old_owners.sort_unstable();
            assert_eq!(sources, old_owners, "{key}: pulled from every old owner");
        } else {
            assert!(sources.is_empty(), "{key} is not node 4's but was pulled from {sources:?}");
        }
    }
    assert_eq!(notes(&cmds).len(), 1, "{:?}", notes(&cmds));
}

/// The old owner answers a pull with exactly the keys of the ranges, telling
/// copies it keeps from keys it gives away; the joiner stores them, confirms,
/// and becomes a member once every old owner has answered.
#[test]
fn pull_transfer_confirm_then_member() {
    let mut j = node(4, 1);
    let pulls: Vec<(u32, Msg)> =
        sends(&request(&mut j, "join")).into_iter().filter(|(_, m)| matches!(m, Msg::Pull { .. })).collect();
    let new = Ring::of(8, 0, 0..5);
    let mut got = BTreeSet::new();
    for (i, (source, pull)) in pulls.iter().enumerate() {
        let mut s = node(*source, 1);
        let reply = sends(&step(&mut s, Input::Message { from: 4, msg: pull.clone() }));
        let [(4, Msg::Transfer { round, copies, handoffs })] = reply.as_slice() else { panic!("{reply:?}") };
        assert!(copies.is_empty(), "with one replica the old owner keeps nothing");
        for item in handoffs {
            assert_eq!(new.owner(key_position(&item.key)), Some(4));
            got.insert(item.key.clone());
        }
        assert_eq!(s.membership().get(4).status, Status::Joining, "the pull told the old owner");
        let msg = Msg::Transfer { round: *round, copies: copies.clone(), handoffs: handoffs.clone() };
        let cmds = step(&mut j, Input::Message { from: *source, msg });
        assert_eq!(j.status() == Status::Member, i + 1 == pulls.len());
        if handoffs.is_empty() {
            continue; // Nothing of this old owner's falls in the ranges (40 keys only).
        }
        assert!(matches!(cmds[0], Command::Persist(_)));
        let confirm = sends(&cmds).into_iter().find(|(to, m)| *to == *source && matches!(m, Msg::Confirm { .. }));
        let Some((_, Msg::Confirm { round: echoed, held })) = confirm else { panic!("no confirm") };
        assert_eq!((echoed, held.len()), (*round, handoffs.len()));
        // The old owner drops what it handed off once the joiner confirms.
        let before = s.store().len();
        step(&mut s, Input::Message { from: 4, msg: Msg::Confirm { round: *round, held } });
        assert_eq!(s.store().len(), before - handoffs.len());
    }
    let owned: BTreeSet<Arc<str>> = keys().into_iter().filter(|k| new.owner(key_position(k)) == Some(4)).collect();
    assert_eq!(got, owned, "the pulls moved exactly the keys node 4 now owns");
    assert_eq!(j.store().keys().cloned().collect::<BTreeSet<_>>(), owned);
}

/// Dynamo §4.5: the coordinator stores the write and sends it to the rest of
/// the preference list. Here the put is acknowledged only once every replica
/// confirmed (W = N), and a confirmation from before the coordinator's view
/// changed is ignored.
#[test]
fn a_put_is_acknowledged_when_every_replica_confirms() {
    let ring = Ring::of(8, 0, 0..4);
    let key = (0..).map(|i| format!("x{i}")).find(|k| ring.owner(key_position(k)) == Some(1)).unwrap();
    let replica = ring.preference_list(key_position(&key), 2)[1];
    let mut c = node(1, 2);
    let cmds = request(&mut c, &format!("put {key}=7"));
    assert!(matches!(cmds[0], Command::Persist(_)));
    let version = Version { counter: 1, node: 1 };
    let item = Item { key: key.as_str().into(), value: "7".into(), version };
    assert_eq!(sends(&cmds), vec![(replica, Msg::Replicate { round: 0, items: vec![item] })]);
    assert_eq!(c.acked().total(), 0);
    let held = vec![Held { key: key.as_str().into(), version }];
    step(&mut c, Input::Message { from: replica, msg: Msg::Confirm { round: 99, held: held.clone() } });
    assert_eq!(c.acked().total(), 0, "a stale confirmation does not count");
    let cmds = step(&mut c, Input::Message { from: replica, msg: Msg::Confirm { round: 0, held } });
    assert_eq!(c.acked().total(), 1);
    assert_eq!(notes(&cmds), vec![format!("put {key} acknowledged at 1@1")]);
    assert!(c.idle());
}

/// A put sent to a node that does not own the key is forwarded to the owner.
#[test]
fn a_put_goes_to_the_keys_owner() {
    let ring = Ring::of(8, 0, 0..4);
    let key = (0..).map(|i| format!("y{i}")).find(|k| ring.owner(key_position(k)) == Some(2)).unwrap();
    let mut n = node(0, 1);
    let sent = sends(&request(&mut n, &format!("put {key}=1")));
    assert!(matches!(&sent[..], [(2, Msg::Put { hops: 1, .. })]), "{sent:?}");
    assert!(n.get(&key).is_none());
}

/// Only a node on a key's preference list takes a copy; any other refuses
/// and says what it knows of the ring, so the sender can catch up.
#[test]
fn a_node_off_the_preference_list_refuses_a_copy() {
    let ring = Ring::of(8, 0, 0..4);
    let key = (0..).map(|i| format!("z{i}")).find(|k| !ring.preference_list(key_position(k), 2).contains(&3)).unwrap();
    let mut n = node(3, 2);
    let item = Item { key: key.as_str().into(), value: "v".into(), version: Version { counter: 5, node: 0 } };
    let sent = sends(&step(&mut n, Input::Message { from: 0, msg: Msg::Replicate { round: 0, items: vec![item] } }));
    assert!(matches!(&sent[..], [(0, Msg::Refuse { keys, .. })] if keys.len() == 1), "{sent:?}");
    assert!(n.get(&key).is_none());
}

/// Dynamo §4.9 (removal is the reverse of addition): a leaving node is out
/// of the owning ring at once and hands every key to the nodes of its new
/// preference list that lack it; it keeps each until that node confirms,
/// and becomes standby once its store is empty.
#[test]
fn leave_hands_off_every_key_and_keeps_it_until_confirmed() {
    let mut l = node(2, 1);
    let mine = l.store().len();
    assert!(mine > 0);
    let cmds = request(&mut l, "leave");
    assert!(matches!(cmds[0], Command::Persist(_)));
    assert_eq!(l.status(), Status::Leaving);
    let after = Ring::of(8, 0, [0, 1, 3]);
    let mut handed = 0;
    let mut handoffs = Vec::new();
    for (to, msg) in sends(&cmds) {
        if let Msg::Handoff { round, status: Status::Leaving, items, .. } = msg {
            for item in &items {
                assert_eq!(after.owner(key_position(&item.key)), Some(to), "{} went to the wrong node", item.key);
            }
            handed += items.len();
            handoffs.push((to, round, items));
        }
    }
    assert_eq!(handed, mine, "every key handed off");
    assert_eq!(l.store().len(), mine, "nothing dropped before a confirmation");
    let last = handoffs.len() - 1;
    for (i, (to, round, items)) in handoffs.into_iter().enumerate() {
        let held = items.iter().map(|it| Held { key: it.key.clone(), version: it.version }).collect();
        let cmds = step(&mut l, Input::Message { from: to, msg: Msg::Confirm { round, held } });
        if i == last {
            assert_eq!(l.store().len(), 0);
            assert_eq!(l.status(), Status::Standby);
            let announced = sends(&cmds).into_iter().filter(|(_, m)| matches!(m, Msg::Announce { .. })).count();
            assert_eq!(announced, 4);
        }
    }
    assert_eq!(pref_set(l.ring(), 0, 1) & bit(2), 0);
}

/// The last member may not leave: its keys would have nowhere to go.
#[test]
fn the_last_member_cannot_leave() {
    let config = KvConfig { members: Some(1), ..config(1) };
    let mut n = KvNode::new(0, &Cluster { nodes: 2 }, &config, None);
    let cmds = request(&mut n, "leave");
    assert_eq!(notes(&cmds), vec!["node 0 cannot leave: it is the last member".to_string()]);
    assert_eq!(n.status(), Status::Member);
}

/// The trace's node view keeps its public format.
#[test]
fn node_view_format() {
    let n = node(0, 1);
    let json = serde_json::to_string(&n.view(true)).unwrap();
    let keys = n.store().len();
    assert_eq!(json, format!(r#"{{"id":0,"up":true,"vnodes":8,"keys":{keys},"status":"member","pending":0}}"#));
    assert_eq!(n.look().role, "member");
    assert_eq!(n.look().badge, format!("{keys} keys"));
}
