//! The app's one-click client request (`Session::client_request`): a node
//! offers a request exactly when it would act on one now, and a world that
//! waits for a client moves once it gets the request the app suggests. The
//! protocol says which nodes take requests (`Protocol::client_request`);
//! every algorithm is checked both as its own simulator type and as the
//! browser's wrapped one.

use lab::{open_own, open_wrapped, Setup, SetupError, ALGOS};
use sim::{Action, Session};

type Open = fn(&Setup) -> Result<Box<dyn Session>, SetupError>;
const OPENS: [(&str, Open); 2] = [("own", open_own), ("wrapped", open_wrapped)];

/// The world `steps` events on: its state and messages in flight, not
/// its log (a refusal is a line of the log and of the clients' history).
fn later(mut s: Box<dyn Session>, steps: u32) -> String {
    for _ in 0..steps {
        s.step();
    }
    let mut msgs = Vec::new();
    s.messages_into(&mut msgs);
    format!("{} {:?} {:?}", s.state_json(), msgs, s.next_event_time())
}

fn opened(open: Open, setup: &Setup, at: u64) -> Box<dyn Session> {
    let mut s = open(setup).unwrap();
    while s.steps() < at && s.step() {}
    s
}

/// At the start, and later (Raft has a leader, the ring's store has
/// settled, clients are busy or idle): a node that offers a request acts on
/// it, one that offers none changes nothing when sent one anyway.
#[test]
fn a_node_offers_a_request_exactly_when_it_would_act_on_one() {
    let mut offered = 0;
    for info in ALGOS {
        for (how, open) in OPENS {
            let setup = Setup::new(info.algo);
            for at in [0, 150, 700] {
                let probe = opened(open, &setup, at);
                for id in 0..probe.node_count() {
                    let what = format!("{} ({how}) node {id} at step {at}", info.name);
                    let offer = probe.client_request(Some(id));
                    let cmd = match &offer {
                        Some(Action::Request { node, cmd }) => {
                            assert_eq!(*node, id, "{what}: offered for another node");
                            offered += 1;
                            cmd.clone()
                        }
                        Some(other) => panic!("{what}: offered {other:?}"),
                        None => "x=1".to_string(),
                    };
                    let mut s = opened(open, &setup, at);
                    s.act(Action::Request { node: id, cmd: cmd.clone() }).unwrap();
                    let acted = later(s, 20) != later(opened(open, &setup, at), 20);
                    assert_eq!(offer.is_some(), acted, "{what}: offered {offer:?}, and {cmd:?} acted: {acted}");
                }
            }
        }
    }
    assert!(offered > 100, "requests offered: {offered}");
}

/// Paxos, 2PC, 3PC and the saga do nothing until a client asks: the
/// suggested request gets them going, and the next one is numbered on.
#[test]
fn a_world_that_waits_for_a_client_moves_after_the_suggested_request() {
    let mut waiting = Vec::new();
    for info in ALGOS {
        for (how, open) in OPENS {
            let mut s = open(&Setup::new(info.algo)).unwrap();
            if s.next_event_time().is_some() {
                continue;
            }
            waiting.push(info.name);
            let what = format!("{} ({how})", info.name);
            let Some(first @ Action::Request { .. }) = s.client_request(None) else {
                panic!("{what} waits for a client, and no node offers a request")
            };
            s.act(first.clone()).unwrap();
            assert!(s.next_event_time().is_some(), "{what}: {first:?} changed nothing");
            for _ in 0..2_000 {
                if !s.step() {
                    break;
                }
            }
            assert!(s.steps() > 3, "{what}: {first:?} led to {} steps", s.steps());
            if let Some(Action::Request { cmd, .. }) = s.client_request(None) {
                let Action::Request { cmd: first, .. } = first else { unreachable!() };
                assert_ne!(cmd, first, "{what}: the second request is numbered on");
            }
        }
    }
    waiting.dedup();
    assert_eq!(waiting, ["paxos", "2pc", "3pc", "saga"]);
}

/// With a leader, the suggestion goes to it, not to the first node.
#[test]
fn raft_suggests_its_leader() {
    for (how, open) in OPENS {
        let mut s = open(&Setup::new(lab::Algo::Raft)).unwrap();
        assert_eq!(s.client_request(None), None, "{how}: no leader at the start");
        let mut leader = None;
        while leader.is_none() && s.step() {
            leader = s.picture().lead.and_then(|l| l.holders.first().map(|h| h.0));
        }
        let leader = leader.expect("a leader is elected");
        assert_eq!(s.client_request(None), Some(Action::Request { node: leader, cmd: "x=1".into() }), "{how}");
        s.act(Action::Request { node: leader, cmd: "x=1".into() }).unwrap();
        assert_eq!(s.client_request(None), Some(Action::Request { node: leader, cmd: "x=2".into() }), "{how}");
    }
}
