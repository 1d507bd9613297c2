//! The linearizability verdict a store shows about its own clients, and
//! their history as a table: shared by kv-raft and kv-lww, so the two
//! stores are judged the same way on the same actions.
//!
//! The verdict is computed from the clients' states alone (a picture sees
//! nothing else), at a bounded cost: each client keeps its first
//! [`FIRST_KEPT`] operations since it (re)started, and the verdict judges
//! the prefix of the run they cover, with the whole-history search of
//! [`protocol::linearizable::check`]. Once a client has kept its
//! [`FIRST_KEPT`], the prefix ends at that client's last kept completion
//! `T` (the earliest such among the clients): operations invoked from `T`
//! on are left out, and those still running at `T` count as open (a write
//! may or may not have taken effect; a read constrains nothing). That cut
//! is sound: everything left out is linearized after `T`, everything that
//! completed by `T` before it. So a "no" stays a "no". Times are the
//! clients' clocks (ms); they agree unless a client's clock is set to drift.
//!
//! kv-raft's checker also checks Linearizability live over the whole run,
//! in the world's order of steps; kv-lww has no such property (an AP store
//! is not linearizable), only this verdict.

use crate::client::{key_name, show, Done, Kind, KvClient, Outcome, FIRST_KEPT};
use protocol::flat::FlatSet;
use protocol::linearizable::{check, Entry, RegOp, Verdict};
use protocol::present::{Body, Fact, Row};
use protocol::{NodeId, Panel, Tick};

/// Rows of the history panel.
pub const HISTORY_ROWS: usize = 12;

/// What the verdict found.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Finding {
    Yes,
    /// Why, in a sentence naming the operations; the clients involved.
    No {
        why: String,
        clients: Vec<NodeId>,
    },
    Undecided(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Judgement {
    pub finding: Finding,
    /// Operations judged.
    pub ops: usize,
    /// The end of the judged prefix, if the run is longer than it.
    pub through: Option<Tick>,
}

impl Judgement {
    /// A few words for the banner: `Linearizable: no (clients 3, 4)`; the
    /// panel says why.
    pub fn short(&self) -> String {
        match &self.finding {
            Finding::Yes => format!("Linearizable: yes ({} op{})", self.ops, protocol::plural(self.ops as u64)),
            Finding::No { clients, .. } => {
                let ids: Vec<String> = clients.iter().map(u32::to_string).collect();
                format!("Linearizable: no (clients {})", ids.join(", "))
            }
            Finding::Undecided(_) => "Linearizable: undecided".to_string(),
        }
    }

    /// One line: `Linearizable: yes (12 operations checked)`.
    pub fn text(&self) -> String {
        let through = self.through.map_or(String::new(), |t| format!(", through {t} ms"));
        match &self.finding {
            Finding::Yes => format!(
                "Linearizable: yes ({} operation{} checked{through})",
                self.ops,
                protocol::plural(self.ops as u64)
            ),
            Finding::No { why, .. } => format!("Linearizable: no — {why}"),
            Finding::Undecided(reason) => format!("Linearizable: undecided ({reason})"),
        }
    }
}

fn entry(client: NodeId, d: &Done, through: Tick) -> Option<Entry> {
    let complete = (d.completed_at < through).then_some(d.completed_at);
    let op = match (d.outcome, d.kind) {
        (Outcome::Fail, _) => return None,
        (Outcome::Ok(v), Kind::Read) if complete.is_some() => RegOp::Read(v),
        (_, Kind::Read) => return None,
        (_, Kind::Write(v)) => RegOp::Write(v),
    };
    let complete = if d.outcome == Outcome::Info { None } else { complete };
    Some(Entry { process: client, op, invoke: d.invoked_at, complete })
}

/// Judge the clients' kept operations (see the module's doc).
pub fn judge(clients: &[(NodeId, &KvClient)]) -> Judgement {
    let through = clients
        .iter()
        .filter(|(_, c)| c.first.len() == FIRST_KEPT)
        .filter_map(|(_, c)| c.first.last().map(|d| d.completed_at))
        .min();
    let cut = through.unwrap_or(Tick::MAX);
    let mut ops: Vec<(u8, Entry)> = Vec::new();
    for (id, c) in clients {
        ops.extend(c.first.iter().filter(|d| d.invoked_at < cut).filter_map(|d| Some((d.key, entry(*id, d, cut)?))));
        // The operation in progress, if it started before the cut and is
        // not among the kept ones: a write may already have taken effect.
        if let Some(cur) = c.current.as_ref().filter(|cur| cur.invoked_at < cut && c.first.len() < FIRST_KEPT) {
            if let Kind::Write(v) = cur.kind {
                ops.push((
                    cur.key,
                    Entry { process: *id, op: RegOp::Write(v), invoke: cur.invoked_at, complete: None },
                ));
            }
        }
    }
    let keys: FlatSet<u8> = ops.iter().map(|(k, _)| *k).collect();
    let mut finding = Finding::Yes;
    for key in keys {
        let mut h: Vec<Entry> = ops.iter().filter(|(k, _)| *k == key).map(|(_, e)| e.clone()).collect();
        protocol::sort::sort_by_key(&mut h, |e| (e.invoke, e.process));
        match check(&[None], &h) {
            Verdict::Linearizable { .. } => {}
            Verdict::Violated { witness } => {
                let clients = witness.iter().map(|e| e.process).collect::<FlatSet<_>>().into_iter().collect();
                finding = Finding::No { why: explain(key, &witness), clients };
                break;
            }
            Verdict::Undecided { reason } => finding = Finding::Undecided(format!("key {}: {reason}", key_name(key))),
        }
    }
    Judgement { finding, ops: ops.len(), through }
}

/// Say why a witness is not linearizable: a read that returned an old
/// value, i.e. a write `w` had completed before the read began, and the
/// write of the value it returned (if any) had completed before `w` began,
/// so `w` must have overwritten it. Values are unique per write.
pub fn explain(key: u8, witness: &[Entry]) -> String {
    let k = key_name(key);
    let reads = witness.iter().filter_map(|r| match r.op {
        RegOp::Read(v) => Some((r, v)),
        RegOp::Write(_) => None,
    });
    for (r, v) in reads.rev() {
        let source = witness.iter().find(|w| v.is_some_and(|v| w.op == RegOp::Write(v)));
        let before = witness
            .iter()
            .filter_map(|w| match (w.op, w.complete) {
                (RegOp::Write(x), Some(done)) if done < r.invoke && Some(x) != v => Some((w, x, done)),
                _ => None,
            })
            .filter(|(w, _, _)| match source {
                Some(s) => s.complete.is_some_and(|c| c < w.invoke),
                None => true,
            })
            .max_by_key(|(_, _, done)| *done);
        if let Some((w, x, done)) = before {
            return format!(
                "client {} read {k}={} at {} ms after client {}'s write {k}={x} had completed at {done} ms",
                r.process,
                show(v),
                r.invoke,
                w.process
            );
        }
    }
    let listed: Vec<String> = witness.iter().map(Entry::to_string).collect();
    format!("no order of these operations on {k} explains the reads: {}", listed.join("; "))
}

/// The verdict as a panel, with facts a store adds (kv-lww's lost updates).
pub fn verdict_panel(j: &Judgement, extra: Vec<Fact>) -> Panel {
    let mut facts = vec![Fact::new("Verdict", j.text())];
    facts.extend(extra);
    Panel {
        id: "kv-verdict",
        title: "Linearizability".to_string(),
        note: Some(format!(
            "The clients' history judged by the Wing & Gong search over each client's first {FIRST_KEPT} operations (client clocks, ms)."
        )),
        body: Body::Facts { facts },
    }
}

fn outcome_name(o: Outcome) -> &'static str {
    match o {
        Outcome::Ok(_) => "ok",
        Outcome::Fail => "fail",
        Outcome::Info => "info",
    }
}

/// The clients' recent operations, oldest first: each client's last
/// [`crate::client::DONE_KEPT`] finished ones and the one in progress.
pub fn history_panel(clients: &[(NodeId, &KvClient)]) -> Panel {
    let mut rows: Vec<(Tick, Row)> = Vec::new();
    for (id, c) in clients {
        for d in &c.done {
            let (f, value) = match (d.kind, d.outcome) {
                (Kind::Read, Outcome::Ok(v)) => ("read", show(v)),
                (Kind::Read, _) => ("read", "?".to_string()),
                (Kind::Write(v), _) => ("write", v.to_string()),
            };
            let cells = vec![
                id.to_string(),
                f.to_string(),
                key_name(d.key).to_string(),
                value,
                outcome_name(d.outcome).to_string(),
                d.invoked_at.to_string(),
                d.completed_at.to_string(),
            ];
            rows.push((d.invoked_at, Row { cells, verdict: Some(matches!(d.outcome, Outcome::Ok(_))) }));
        }
        if let Some(cur) = &c.current {
            let (f, value) = match cur.kind {
                Kind::Read => ("read", "?".to_string()),
                Kind::Write(v) => ("write", v.to_string()),
            };
            let cells = vec![
                id.to_string(),
                f.to_string(),
                key_name(cur.key).to_string(),
                value,
                format!("… try {}", cur.attempts),
                cur.invoked_at.to_string(),
                String::new(),
            ];
            rows.push((cur.invoked_at, Row { cells, verdict: None }));
        }
    }
    protocol::sort::sort_by_key(&mut rows, |(at, _)| *at);
    let skip = rows.len().saturating_sub(HISTORY_ROWS);
    Panel {
        id: "kv-history",
        title: "Client history".to_string(),
        note: Some("Each operation from invocation to completion (client clocks, ms): ok, fail (refused: never happened) or info (unknown).".to_string()),
        body: Body::Table {
            columns: vec!["client", "f", "key", "value", "outcome", "invoked", "completed"],
            rows: rows.into_iter().skip(skip).map(|(_, r)| r).collect(),
            empty: "No operation yet.",
        },
    }
}

/// A stale read's explanation and a clean history's, on hand-built clients.
#[cfg(test)]
mod tests {
    use super::*;

    fn client(id: NodeId, ops: &[(Kind, Outcome, Tick, Tick)]) -> KvClient {
        let mut c = KvClient::new(id, 3, 0);
        for (i, &(kind, outcome, invoked_at, completed_at)) in ops.iter().enumerate() {
            c.first.push(Done { seq: i as u64, key: 0, kind, outcome, invoked_at, completed_at });
        }
        c
    }

    #[test]
    fn a_read_of_the_old_value_after_a_write_completed_is_explained() {
        let a = client(3, &[(Kind::Write(103), Outcome::Ok(Some(103)), 10, 20)]);
        let b = client(4, &[(Kind::Read, Outcome::Ok(None), 30, 35)]);
        let j = judge(&[(3, &a), (4, &b)]);
        assert_eq!(
            j.text(),
            "Linearizable: no — client 4 read x=nil at 30 ms after client 3's write x=103 had completed at 20 ms"
        );
        assert!(matches!(&j.finding, Finding::No { clients, .. } if clients == &[3, 4]), "{j:?}");
    }

    #[test]
    fn failed_writes_never_happened_and_unknown_ones_may_have() {
        let a = client(3, &[(Kind::Write(103), Outcome::Fail, 10, 20), (Kind::Write(203), Outcome::Info, 21, 40)]);
        let b = client(4, &[(Kind::Read, Outcome::Ok(None), 30, 35), (Kind::Read, Outcome::Ok(Some(203)), 50, 55)]);
        assert_eq!(judge(&[(3, &a), (4, &b)]).text(), "Linearizable: yes (3 operations checked)");
        let c = client(4, &[(Kind::Read, Outcome::Ok(Some(103)), 30, 35)]);
        assert!(matches!(judge(&[(3, &a), (4, &c)]).finding, Finding::No { .. }), "a read of a failed write");
    }
}
