//! Every protocol's fingerprint (its derived `Hash` fed to
//! `protocol::Fingerprint`) tells apart exactly the states its complete
//! description, the derived `Debug`, tells apart: along a run of every
//! algorithm in the catalog, with client requests, crashes and restarts,
//! two node states (and two messages, and two durable states) fingerprint
//! alike if and only if they print alike. So a field that changes what a
//! node does, and that `Debug` shows, changes its fingerprint; and equal
//! states (a clone) hash equal.

use lab::{Setup, Visit, ALGOS};
use protocol::{Fingerprint, NodeId, Protocol};
use sim::{Action, World};
use std::collections::BTreeMap;
use std::hash::Hasher;

/// Steps per algorithm: enough for each to elect, propose, commit.
const STEPS: u32 = 1_500;

/// What was seen: Debug text -> fingerprint, and fingerprint -> Debug text.
#[derive(Default)]
struct Seen {
    by_text: BTreeMap<String, u64>,
    by_hash: BTreeMap<u64, String>,
}

impl Seen {
    fn add(&mut self, what: &str, text: String, hash: u64) {
        if let Some(&h) = self.by_text.get(&text) {
            assert_eq!(h, hash, "{what}: equal states hash differently: {text}");
        }
        if let Some(t) = self.by_hash.get(&hash) {
            assert_eq!(t, &text, "{what}: different states share a fingerprint");
        }
        self.by_text.insert(text.clone(), hash);
        self.by_hash.insert(hash, text);
    }
}

fn hash_with(f: impl FnOnce(&mut Fingerprint)) -> u64 {
    let mut h = Fingerprint::default();
    f(&mut h);
    h.finish()
}

struct Walk;

impl Visit for Walk {
    type Out = (usize, usize, usize);
    fn visit<P: Protocol>(self, setup: Setup, config: P::Config) -> Self::Out
    where
        World<P>: Send + Sync,
    {
        let mut world = World::<P>::new(setup.sim, config, setup.seed).unrecorded();
        let (mut states, mut msgs, mut durables) = (Seen::default(), Seen::default(), Seen::default());
        let n = world.node_count();
        for step in 0..STEPS {
            // Requests, and now and then a crash and a restart, so that
            // clients, recovery and what was persisted all show up.
            let node = (step / 7) % n;
            let action = match step % 97 {
                40 => Some(Action::Crash { node }),
                60 => Some(Action::Restart { node }),
                s if s % 7 == 3 => Some(Action::Request { node, cmd: format!("k{}={step}", step % 3) }),
                _ => None,
            };
            if let Some(action) = action {
                let _ = world.apply(&action);
            }
            world.step();
            for id in 0..n as NodeId {
                let state = world.node(id);
                states.add(P::NAME, format!("{state:?}"), hash_with(|h| state.fingerprint(h)));
                let copy = state.clone();
                assert_eq!(hash_with(|h| copy.fingerprint(h)), hash_with(|h| state.fingerprint(h)));
                if let Some(d) = world.durable(id) {
                    durables.add(P::NAME, format!("{d:?}"), hash_with(|h| P::fingerprint_durable(d, h)));
                }
            }
            for env in world.in_flight() {
                msgs.add(P::NAME, format!("{:?}", env.msg), hash_with(|h| P::fingerprint_msg(&env.msg, h)));
            }
        }
        let copy = world.clone();
        assert_eq!(copy.fingerprint(), world.fingerprint());
        (states.by_text.len(), msgs.by_text.len(), durables.by_text.len())
    }
}

#[test]
fn every_protocol_fingerprints_exactly_what_its_debug_shows() {
    for info in ALGOS {
        let setup = Setup::new(info.algo);
        let (states, msgs, durables) = lab::with_protocol(&setup, Walk).unwrap();
        // A real walk: many distinct states and messages were compared.
        assert!(states > 10, "{}: only {states} distinct node states", info.name);
        assert!(msgs > 3, "{}: only {msgs} distinct messages", info.name);
        let _ = durables;
    }
}
