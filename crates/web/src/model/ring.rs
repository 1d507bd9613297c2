//! The hash ring of `--algo ring`, as the canvas shows it: virtual-node
//! ticks and owned arcs coloured by node, the store's keys as dots at their
//! positions, the keys a membership change moved flying to their new owner,
//! and a looked-up key with its preference list.
//!
//! [`RingScene`] is plain data rebuilt from the session when the world
//! changes (only the parts whose inputs changed: the rings when some node's
//! status changes, the keys when the options do), so a frame only draws.
//! Two rings are kept, as the store itself keeps them
//! (`ring::kv::membership`): the ring of *owners* (members and joining
//! nodes) decides the ticks, arcs and lookups; the ring of *holders*
//! (members and leaving nodes) says where the data is, so a key changes
//! colour, and flies, when the transfer completes.

use super::core::Core;
use super::layout::Layout;
use super::palette::PALETTE_LEN;
use super::scene::Scene;
use lab::Algo;
use protocol::NodeId;
use ring::{key_position, Load, Modulo, Position, Rendezvous, Ring};
use sim::{Action, Session};
use std::f64::consts::{FRAC_PI_2, TAU};

/// How long a moved key takes to fly to its new owner, in wall ms.
pub const FLIGHT_MS: f64 = 600.0;
/// Most keys of put actions added to the initial keys on the canvas.
pub const MAX_PUT_KEYS: usize = 1_000;

/// A set of node ids as bits (the store has at most 32 nodes).
type NodeBits = u64;

/// Palette slot of a node's own colour: ticks, arcs, keys and the node itself.
pub fn owner_color(node: NodeId) -> usize {
    node as usize % PALETTE_LEN
}

/// The latest change of the ring of holders, measured on the store's keys.
#[derive(Clone, Debug, PartialEq)]
pub struct LastChange {
    pub joined: Vec<NodeId>,
    pub left: Vec<NodeId>,
    pub before: Vec<NodeId>,
    pub after: Vec<NodeId>,
    /// Keys whose owner changed, of `keys`.
    pub moved: usize,
    pub keys: usize,
    pub moved_fraction: f64,
    /// `k/(N+k)` for `k` joins to `N` nodes, `1/N` for one leave of `N`
    /// (Karger et al., 1997); `None` for a mixed change.
    pub expected: Option<f64>,
    /// The same change under `hash mod N` and rendezvous hashing.
    pub modulo_moved_fraction: f64,
    pub rendezvous_moved_fraction: f64,
}

/// A key on its way from its old owner to its new one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Flight {
    pub key: usize,
    pub from: NodeId,
    pub to: NodeId,
}

/// A key typed in the lookup box: where it is and who stores it.
#[derive(Clone, Debug, PartialEq)]
pub struct Lookup {
    pub key: String,
    pub position: Position,
    /// Its preference list in the ring of owners, the owner first.
    pub nodes: Vec<NodeId>,
}

/// The rings of a run: every node's tokens, and the two subsets of it.
#[derive(Clone, Debug)]
pub struct Rings {
    universe: Ring,
    /// Members and joining nodes: who is responsible for a key.
    pub owners: Ring,
    /// Members and leaving nodes: who holds a key's data.
    pub holders: Ring,
}

impl Default for Rings {
    fn default() -> Self {
        Self { universe: Ring::new(1), owners: Ring::new(1), holders: Ring::new(1) }
    }
}

/// What the canvas and the ring panel show for one state of a ring run.
#[derive(Clone, Debug, Default)]
pub struct RingScene {
    generation: Option<u64>,
    /// `(nodes, vnodes, keys, puts)`: what the universe and the keys were built from.
    inputs: Option<(u32, u32, u32, usize)>,
    pub vnodes: u32,
    pub replicas: u32,
    /// Keys loaded at start (the `keys` option); puts come after them.
    pub initial_keys: u32,
    pub seed: u64,
    /// Each node's status word (`member`, `standby`, `joining`, `leaving`).
    pub status: Vec<&'static str>,
    owners_bits: Option<NodeBits>,
    holders_bits: Option<NodeBits>,
    pub rings: Rings,
    /// Each virtual node: angle fraction and owner.
    pub ticks: Vec<(f64, NodeId)>,
    /// Runs of consecutive spans of one node: start and end angle fractions
    /// (the end may pass 1.0 where a run wraps) and the node.
    pub arcs: Vec<(f64, f64, NodeId)>,
    pub key_names: Vec<String>,
    pub key_pos: Vec<Position>,
    /// Each key's owner in the ring of holders.
    pub key_owner: Vec<Option<NodeId>>,
    pub loads: Vec<Load>,
    pub load_stddev: f64,
    pub max_over_mean: f64,
    pub last_change: Option<LastChange>,
    pub flights: Vec<Flight>,
    /// Wall-clock ms when the flights started.
    pub flight_start: f64,
    pub lookup: Option<Lookup>,
    /// Show the last change under `mod N` and rendezvous too.
    pub compare: bool,
    /// Bumped when the lookup or the comparison changes, so the frame redraws.
    pub rev: u64,
    /// Bumped when the ticks, arcs or keys change: the canvas layer's
    /// offscreen copy of the still ring is stale.
    pub content: u64,
}

impl RingScene {
    /// Whether keys are in flight at wall time `now_ms`.
    pub fn flying(&self, now_ms: f64) -> bool {
        !self.flights.is_empty() && now_ms - self.flight_start < FLIGHT_MS
    }

    /// Nodes whose own status is `member`, in id order.
    pub fn members(&self) -> Vec<NodeId> {
        self.with_status("member")
    }

    pub fn with_status(&self, word: &str) -> Vec<NodeId> {
        (0..self.status.len() as NodeId).filter(|&i| self.status[i as usize] == word).collect()
    }

    /// Look `key` up in the ring of owners (an empty key clears the lookup).
    pub fn set_lookup(&mut self, key: &str) {
        let key = key.trim();
        self.lookup = (!key.is_empty()).then(|| {
            let position = key_position(key);
            Lookup { key: key.to_string(), position, nodes: self.rings.owners.preference_list(position, self.replicas) }
        });
        self.rev += 1;
    }

    pub fn set_compare(&mut self, on: bool) {
        self.compare = on;
        self.rev += 1;
    }

    /// Bring the ring up to date with the session. `now_ms` starts the
    /// flights of a change found here.
    fn update(&mut self, session: &dyn Session, options: &lab::Options, seed: u64, now_ms: f64) {
        let config = lab::options::ring_config(options).unwrap_or_default();
        let n = session.node_count();
        let puts = put_keys(session.actions(), config.keys);
        let inputs = (n, config.vnodes, config.keys, puts.len());
        let fresh = self.inputs != Some(inputs) || self.seed != seed || self.replicas != config.replicas;
        if fresh {
            if self.inputs.map(|i| (i.0, i.1)) != Some((n, config.vnodes)) {
                self.rings.universe = Ring::of(config.vnodes, 0, 0..n);
            }
            self.inputs = Some(inputs);
            self.vnodes = config.vnodes;
            self.replicas = config.replicas;
            self.initial_keys = config.keys;
            self.seed = seed;
            self.key_names = (0..config.keys).map(|i| format!("k{i}")).chain(puts).collect();
            self.key_pos = self.key_names.iter().map(|k| key_position(k)).collect();
            self.owners_bits = None;
            self.holders_bits = None;
            self.last_change = None;
            self.flights.clear();
        }
        if fresh {
            self.content += 1;
        }
        self.status = (0..n).map(|id| session.node_info(id).look.role).collect();
        let bits = |f: fn(&str) -> bool| -> NodeBits {
            self.status.iter().enumerate().filter(|(_, s)| f(s)).fold(0, |b, (i, _)| b | 1 << i)
        };
        let owners = bits(|s| matches!(s, "member" | "joining"));
        let holders = bits(|s| matches!(s, "member" | "leaving"));
        if self.owners_bits != Some(owners) {
            self.owners_bits = Some(owners);
            self.rings.owners = self.rings.universe.subset(|id| owners & 1 << id != 0);
            self.ticks = self.rings.owners.tokens().iter().map(|t| (ring::fraction(t.position), t.node)).collect();
            self.arcs = arcs(&self.rings.owners);
            self.content += 1;
            if let Some(key) = self.lookup.as_ref().map(|l| l.key.clone()) {
                self.set_lookup(&key);
            }
        }
        if self.holders_bits != Some(holders) {
            let before = self.holders_bits.map(|_| self.rings.holders.clone());
            self.holders_bits = Some(holders);
            self.rings.holders = self.rings.universe.subset(|id| holders & 1 << id != 0);
            let owner: Vec<Option<NodeId>> = self.key_pos.iter().map(|&p| self.rings.holders.owner(p)).collect();
            self.flights.clear();
            if let Some(before) = before {
                self.flights = self
                    .key_owner
                    .iter()
                    .zip(&owner)
                    .enumerate()
                    .filter_map(|(key, (a, b))| match (*a, *b) {
                        (Some(from), Some(to)) if from != to => Some(Flight { key, from, to }),
                        _ => None,
                    })
                    .collect();
                self.flight_start = now_ms;
                self.last_change = Some(change(&before, &self.rings.holders, &self.key_pos));
            }
            self.key_owner = owner;
            self.content += 1;
            self.loads = ring::loads(&self.rings.holders, &self.key_pos, self.replicas);
            let primary: Vec<u64> = self.loads.iter().map(|l| l.primary).collect();
            self.load_stddev = ring::stddev(&primary);
            self.max_over_mean = ring::max_over_mean(&primary);
        }
    }
}

/// Keys named by `put k=v` requests among the actions, past the initial
/// `k0..k{initial-1}`, once each, in order.
fn put_keys(actions: &[sim::Scheduled], initial: u32) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in actions {
        let Action::Request { cmd, .. } = &s.action else { continue };
        let Some(rest) = cmd.trim().strip_prefix("put ") else { continue };
        let key = rest.split('=').next().unwrap_or("").trim();
        let initial_key = key.strip_prefix('k').and_then(|i| i.parse::<u32>().ok()).is_some_and(|i| i < initial);
        if key.is_empty() || initial_key || out.iter().any(|k| k == key) {
            continue;
        }
        out.push(key.to_string());
        if out.len() == MAX_PUT_KEYS {
            break;
        }
    }
    out
}

/// The ring's spans merged into runs of one node, as angle fractions. A
/// run that wraps past the top starts below 0.
fn arcs(ring: &Ring) -> Vec<(f64, f64, NodeId)> {
    let spans = ring.spans();
    if ring.node_count() == 1 {
        return spans.first().map(|s| vec![(0.0, 1.0, s.node)]).unwrap_or_default();
    }
    let mut out: Vec<(f64, f64, NodeId)> = Vec::new();
    for span in spans {
        let (mut start, end) = (ring::fraction(span.start), ring::fraction(span.end));
        if start > end {
            start -= 1.0;
        }
        // Spans are contiguous, so a run of one node only grows its end.
        match out.last_mut() {
            Some(last) if last.2 == span.node => last.1 = end,
            _ => out.push((start, end, span.node)),
        }
    }
    // The last run may continue into the first one, past the top.
    if out.len() > 1 && out[0].2 == out[out.len() - 1].2 {
        let first = out.remove(0);
        if let Some(last) = out.last_mut() {
            last.1 = first.1 + 1.0;
        }
    }
    out
}

/// Measure the change from `before` to `after` on `keys`.
fn change(before: &Ring, after: &Ring, keys: &[Position]) -> LastChange {
    let b: Vec<NodeId> = before.nodes().collect();
    let a: Vec<NodeId> = after.nodes().collect();
    let joined: Vec<NodeId> = a.iter().copied().filter(|n| !b.contains(n)).collect();
    let left: Vec<NodeId> = b.iter().copied().filter(|n| !a.contains(n)).collect();
    let moved = ring::moves(before, after, keys).len();
    let expected = match (joined.len(), left.len()) {
        (k, 0) if k > 0 => Some(k as f64 / (b.len() + k) as f64),
        (0, 1) => Some(1.0 / b.len() as f64),
        _ => None,
    };
    LastChange {
        moved,
        keys: keys.len(),
        moved_fraction: if keys.is_empty() { 0.0 } else { moved as f64 / keys.len() as f64 },
        expected,
        modulo_moved_fraction: ring::moved_fraction(&Modulo::new(b.clone()), &Modulo::new(a.clone()), keys),
        rendezvous_moved_fraction: ring::moved_fraction(
            &Rendezvous::new(b.clone(), 0),
            &Rendezvous::new(a.clone(), 0),
            keys,
        ),
        joined,
        left,
        before: b,
        after: a,
    }
}

/// The one algorithm-specific line of the web crate: the algorithm whose
/// picture is completed by the hash ring's own canvas layer
/// ([`crate::canvas::ring_layer`]) and interactive panel
/// ([`crate::components::ring_panel`]). Every other protocol is drawn from
/// its presentation alone.
pub fn registered(algo: Algo) -> bool {
    algo == Algo::Ring
}

/// Keep `ring` in step with the core: present only for the ring
/// algorithm, rebuilt when the world changed, with the core's lookup and
/// comparison. Nodes of `scene` take their own colour.
pub fn sync(ring: &mut Option<RingScene>, scene: &mut Scene, core: &Core, now_ms: f64) {
    if !registered(core.algo()) {
        *ring = None;
        return;
    }
    let ring = ring.get_or_insert_with(RingScene::default);
    if ring.generation != Some(core.generation) {
        ring.generation = Some(core.generation);
        ring.update(core.session.as_ref(), &core.setup.options, core.setup.seed, now_ms);
    }
    if ring.lookup.as_ref().map_or("", |l| l.key.as_str()) != core.ring_lookup.trim() {
        ring.set_lookup(&core.ring_lookup);
    }
    if ring.compare != core.ring_compare {
        ring.set_compare(core.ring_compare);
    }
    for node in &mut scene.nodes {
        node.color = owner_color(node.id);
    }
}

/// The ring's radius: the layout's, which a ring arrangement makes as tall
/// as the canvas with the nodes beside it.
pub fn radius(layout: &Layout) -> f64 {
    layout.radius
}

/// The point at angle fraction `f` (0 at the top, clockwise) and radius `r`.
pub fn point(layout: &Layout, f: f64, r: f64) -> (f64, f64) {
    let a = -FRAC_PI_2 + TAU * f;
    (layout.cx + r * crate::math::cos(a), layout.cy + r * crate::math::sin(a))
}

#[cfg(test)]
mod tests;
