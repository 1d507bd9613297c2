//! How a protocol presents itself: the one description the app draws any
//! protocol from.
//!
//! A protocol says, in plain typed data and with no browser types, how each
//! node looks ([`Look`]), what the inspector shows of a node
//! ([`Protocol::inspect`](crate::Protocol::inspect)), and what the whole
//! cluster means right now ([`Picture`]: arrangement, legend, banner, marked
//! nodes, side panels). Protocol reasoning (which quorum chose a value, how
//! much of a lease is left, which keys moved) is computed here, on the
//! protocol side, where it is unit-tested on the host. The app only draws:
//! it maps a [`Tone`] to a theme colour, a [`Shape`] to a path, a [`Panel`]
//! to a table, grid or bar chart, and never branches on an algorithm's name.

use crate::{NodeId, Tick};
use serde::Serialize;

/// A colour key: one slot of the app's palette. The app maps each slot to a
/// colour of the current theme (light or dark), so a protocol picks meaning,
/// not colours, and every protocol shares one palette.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Tone(pub u8);

impl Tone {
    /// Number of palette slots.
    pub const COUNT: u8 = 8;
    pub const GREEN: Tone = Tone(0);
    pub const ORANGE: Tone = Tone(1);
    pub const BLUE: Tone = Tone(2);
    pub const AMBER: Tone = Tone(3);
    pub const CYAN: Tone = Tone(4);
    pub const PURPLE: Tone = Tone(5);
    pub const PINK: Tone = Tone(6);
    pub const OLIVE: Tone = Tone(7);

    /// A tone for a number that should look different from its neighbours
    /// (a Raft term, a ballot round): consecutive numbers get different slots.
    pub fn cycle(n: u64) -> Tone {
        Tone((n % u64::from(Self::COUNT)) as u8)
    }

    /// A stable tone for a name (FNV-1a onto the palette), the same on every
    /// platform and in every run: the default colour of a message kind.
    pub fn of_name(name: &str) -> Tone {
        let mut h: u32 = 0x811c_9dc5;
        for b in name.bytes() {
            h ^= u32::from(b);
            h = h.wrapping_mul(0x0100_0193);
        }
        Tone((h % u32::from(Self::COUNT)) as u8)
    }

    /// The default colour of a role that has none of its own: a stable
    /// slot that avoids the first three (Raft's leader, candidate and
    /// follower), so that no role looks like a leader by accident.
    pub fn of_role(name: &str) -> Tone {
        Tone(3 + Self::of_name(name).0 % (Self::COUNT - 3))
    }

    /// The palette index, `0..COUNT`.
    pub fn slot(self) -> usize {
        usize::from(self.0 % Self::COUNT)
    }
}

/// How a node is drawn, so roles differ by more than colour.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Shape {
    #[default]
    Circle,
    Diamond,
    Square,
    /// A small circle: a node that only listens (a Paxos learner).
    Dot,
    Hexagon,
}

impl Shape {
    pub const ALL: [Shape; 5] = [Shape::Circle, Shape::Diamond, Shape::Square, Shape::Dot, Shape::Hexagon];
}

/// A countdown drawn as a ring around a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Countdown {
    /// The node's own timer of this name, while it is armed (Raft's
    /// election timeout).
    Timer(&'static str),
    /// Another node's timer, drawn around this one (the lease as the lock
    /// server sees it, around the client it believes holds the lock).
    TimerOf { node: NodeId, timer: &'static str },
    /// From `since` to `until` on the node's own clock (the lease as its
    /// holder believes it); the world converts local ticks to its own time
    /// with the node's clock rate.
    Local { since: Tick, until: Tick },
}

/// How a node is drawn: everything about one node the canvas needs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Look {
    /// The role name, shown in the legend and the inspector (`"leader"`).
    pub role: &'static str,
    /// The role's colour.
    pub tone: Tone,
    pub shape: Shape,
    /// A short line under the node (`"T3"`).
    pub badge: String,
    /// A second, quieter line under the badge (an acceptor's promised and
    /// accepted ballots); empty for none.
    pub note: String,
    /// The countdown drawn around the node, if any.
    pub ring: Option<Countdown>,
}

/// How nodes are placed on the canvas.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Arrangement {
    /// On a circle, node 0 at the top (clusters of peers).
    #[default]
    Circle,
    /// Three columns: the first `servers` nodes on the left, the next
    /// `clients` in the middle, the rest on the right.
    Columns { servers: u32, clients: u32 },
    /// On a hash ring drawn by the protocol's own canvas layer.
    Ring,
}

/// One entry of the legend.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum LegendItem {
    /// A node role: its shape in its tone.
    Role { label: &'static str, tone: Tone, shape: Shape },
    /// A ring drawn around nodes; `outer` for the second ring
    /// ([`Picture::outer_rings`]).
    Ring { label: &'static str, outer: bool },
    /// A line of text only (`"t= local clock ×rate"`).
    Text { label: &'static str },
    /// The halo drawn around [`Picture::marked`] nodes
    /// (`"quorum that chose the value"`).
    Marked { label: &'static str },
}

/// A ring drawn around `around` in addition to its own (the lease as the
/// lock server sees it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct OuterRing {
    pub around: NodeId,
    pub countdown: Countdown,
}

/// What the whole cluster means right now: everything beyond single nodes
/// that the app shows. Built from every node's state by
/// [`Protocol::picture`](crate::Protocol::picture) when the world changes.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Picture {
    pub arrangement: Arrangement,
    /// Roles, rings and notes, in display order.
    pub legend: Vec<LegendItem>,
    /// A sentence drawn over the canvas (`"chosen: x=1 (ballot 3.1)"`).
    pub banner: Option<String>,
    /// The banner says something has gone wrong (two primaries in one
    /// epoch, a history that is not linearizable): drawn in the colour of a
    /// broken property rather than of a healthy cluster.
    pub banner_alarm: bool,
    /// Nodes drawn with a halo: the quorum that chose the value on show.
    pub marked: Vec<NodeId>,
    /// Extra rings around nodes, drawn outside their own ring.
    pub outer_rings: Vec<OuterRing>,
    /// Draw each node's local clock under it (protocols whose safety
    /// depends on clocks, such as leases).
    pub clocks: bool,
    /// Side panels, in display order.
    pub panels: Vec<Panel>,
    /// The role that leads the cluster, for protocols that have one: the
    /// app makes its holders stand out and names them in the canvas's text.
    pub lead: Option<Lead>,
    /// Nothing the run does by itself changes what it shows until a client
    /// asks (an outbox's relay polls an empty outbox forever): the app
    /// offers a client request as it does when nothing is left to happen.
    pub awaits_client: bool,
}

/// A leading role and the running nodes that hold it now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Lead {
    /// The role's name, as in [`Look::role`] (`"leader"`).
    pub role: &'static str,
    /// Each holder, in id order, with a phrase for it (`"leader of term 3"`).
    pub holders: Vec<(NodeId, String)>,
}

/// A side panel: a titled table, grid, bar chart or list of facts.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Panel {
    /// A stable id for the page and its tests (`"raft-logs"`).
    pub id: &'static str,
    pub title: String,
    /// A line under the title (`"Highest token accepted: 34"`).
    pub note: Option<String>,
    pub body: Body,
}

/// What a panel holds.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Body {
    /// Label–value pairs.
    Facts { facts: Vec<Fact> },
    /// Rows under column headings, each row optionally judged good or bad
    /// (a write the storage accepted or rejected).
    Table { columns: Vec<&'static str>, rows: Vec<Row>, empty: &'static str },
    /// A row per node, a column per position: every server's log side by
    /// side, the Multi-Paxos slots.
    Grid(Grid),
    /// A bar per item against a common scale (the ring's load per node).
    /// `parts` names the solid and the light part of bars split in two
    /// ([`Bar::part`]), such as "owned" and "replica". `full` is the value
    /// a whole bar stands for when the scale is fixed (a detector's
    /// threshold, 100 for a share of it); `None` scales to the largest bar.
    Bars { bars: Vec<Bar>, unit: &'static str, parts: Option<[&'static str; 2]>, full: Option<f64> },
    /// Lines over time against a common scale (queue lengths, latency
    /// percentiles), drawn as a small chart. The protocol keeps a bounded
    /// number of samples ([`Chart::MAX_SAMPLES`] at most).
    Series(Chart),
}

/// Samples of a few quantities taken at the same moments.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Chart {
    /// What the values count (`"ms"`, `"requests"`).
    pub unit: &'static str,
    /// When each sample was taken (world ticks), ascending.
    pub times: Vec<Tick>,
    /// One line per quantity, each with a value per time.
    pub lines: Vec<Line>,
}

impl Chart {
    /// Most samples a chart holds: the newest are kept.
    pub const MAX_SAMPLES: usize = 120;

    /// The largest value of any line (0 when there is none): the top of the scale.
    pub fn most(&self) -> f64 {
        self.lines.iter().flat_map(|l| l.values.iter().copied()).filter(|v| v.is_finite()).fold(0.0, f64::max)
    }
}

/// One quantity of a [`Chart`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Line {
    pub label: String,
    pub tone: Tone,
    /// A value per [`Chart::times`] entry.
    pub values: Vec<f64>,
}

/// One label–value pair.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fact {
    pub label: &'static str,
    pub value: String,
}

impl Fact {
    pub fn new(label: &'static str, value: impl Into<String>) -> Self {
        Self { label, value: value.into() }
    }
}

/// A table row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Row {
    pub cells: Vec<String>,
    /// `Some(true)` drawn as accepted, `Some(false)` as rejected.
    pub verdict: Option<bool>,
}

/// A grid of positions (log indexes, slots) per node. Only a window of
/// columns is included, the newest, so a long run stays light.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Grid {
    /// What a column counts (`"index"`, `"slot"`).
    pub axis: &'static str,
    /// The position of the first column shown.
    pub first: u64,
    /// Number of columns shown.
    pub columns: u32,
    pub rows: Vec<GridRow>,
    /// What a cell's tone means (`"colour = term"`).
    pub key: &'static str,
    /// What the panel says while no node has a position yet, as a table's
    /// `empty` does (`"Every log is empty: no client command yet."`).
    pub empty: &'static str,
}

/// One node's row of a grid.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct GridRow {
    pub node: NodeId,
    /// Crashed nodes are drawn dimmed.
    pub down: bool,
    /// Cells from [`Grid::first`]; `None` where the node has nothing.
    pub cells: Vec<Option<Cell>>,
    /// A position drawn as a marker after its cell (the commit index).
    pub mark: Option<u64>,
    /// A short line after the row (`"next 7 · match 6"`).
    pub tail: String,
}

/// One cell of a grid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Cell {
    /// A few characters (the term, the value).
    pub text: String,
    pub tone: Tone,
    /// Drawn solid: committed, chosen.
    pub strong: bool,
    /// Hover and screen-reader text: the whole entry.
    pub title: String,
}

/// One bar of a bar chart.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub tone: Tone,
    /// Of `value`, the part drawn solid, the rest drawn light (the keys a
    /// node owns of those it stores); `None`: all of it solid.
    pub part: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tones_are_stable_and_in_range() {
        // Pinned: a change would recolour every message kind of every protocol.
        assert_eq!(Tone::of_name("Prepare"), Tone::of_name("Prepare"));
        assert!((0..10_000u64).all(|n| Tone::cycle(n).slot() < usize::from(Tone::COUNT)));
        assert_ne!(Tone::cycle(3), Tone::cycle(4));
        assert_eq!(Tone(9).slot(), 1);
        assert!((0..500u32).all(|n| (3..8).contains(&Tone::of_role(&n.to_string()).0)));
    }

    #[test]
    fn a_charts_scale_is_its_largest_finite_value() {
        let line = |values: Vec<f64>| Line { label: "q".into(), tone: Tone::BLUE, values };
        let chart = Chart {
            unit: "ms",
            times: vec![0, 100, 200],
            lines: vec![line(vec![1.0, 7.5, 2.0]), line(vec![3.0, f64::NAN, 0.0])],
        };
        assert_eq!(chart.most(), 7.5);
        assert_eq!(Chart::default().most(), 0.0);
    }

    #[test]
    fn fnv_matches_the_published_vector() {
        // FNV-1a of "a" is 0xe40c292c; 0xe40c292c % 8 = 4.
        assert_eq!(Tone::of_name("a"), Tone(4));
    }
}
