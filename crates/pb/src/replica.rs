//! A replica: primary or backup, with a failure detector on the others.
//!
//! Primary-backup replication (Alsberg & Day 1976; Budhiraja, Marzullo,
//! Schneider & Toueg, "The Primary-Backup Approach", 1993) over a *view*:
//! the replicas in line, the primary first. A pair is a view of two; with
//! `topology=chain` the view is a chain (van Renesse & Schneider, "Chain
//! Replication", OSDI 2004) along which writes flow head to tail and
//! acknowledgements flow back.
//!
//! 1. The primary orders each client write, sends it down the view
//!    (`Replicate`; each replica appends it and passes it on, the last one
//!    acknowledges, and each passes the `Ack` back) and accepts it (appends
//!    it, answers `Written`) once the acknowledgement is back. A primary
//!    never drops a replica from its view: it cannot tell a dead backup
//!    from one that has taken over (with no configuration master, a failed
//!    middle of a chain stalls writes until it returns).
//! 2. Both replicas send heartbeats every `heartbeat_ms` and watch the
//!    other's with a detector (see [`crate::detector`]).
//! 3. A backup that suspects the primary and every replica between it and
//!    the primary promotes itself, heading the rest of the view. Suspicion can be false (a delayed link, a paused primary): then
//!    two replicas believe they are primary.
//! 4. With `fencing=epoch` the promotion starts a new epoch (one only this
//!    replica may start: epoch `e` belongs to replica `1 + (e-1) mod R`),
//!    replication carries the epoch, and a replica refuses an older one
//!    (`Stale`): the deposed primary cannot collect an acknowledgement, so
//!    it accepts nothing more and steps down (Kleppmann's fencing tokens, in
//!    the replication path). With `fencing=none` nothing changes epoch and
//!    nothing is refused: both accept writes, split brain.
//!
//! The event log has one line per write, the primary's commit that answers
//! the client (the canvas shows the write travelling down the view; a line
//! per replica buried the failovers the presets are about); a refusal (not
//! primary, a stale epoch) is a notice, a promotion a warning.

use crate::config::{Fencing, PbBug, PbConfig};
use crate::detector::{judge, Heartbeats, Verdict};
use crate::message::{Entry, PbMsg, PbTimer};
use crate::{Out, PbDurable, CLIENT};
use protocol::{Input, Level, NodeId, Tick};
use std::collections::VecDeque;

/// Entries of its log a replica keeps (older ones are counted, not kept).
pub const LOG_KEEP: usize = 12;
/// Writes a primary waits on at once; more are ignored (the client times out).
pub const MAX_PENDING: usize = 8;

/// The newest [`LOG_KEEP`] entries of a write log and its full length.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Log {
    pub entries: VecDeque<Entry>,
    pub len: u64,
}

impl Log {
    pub fn push(&mut self, entry: Entry) {
        if self.entries.len() == LOG_KEEP {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
        self.len += 1;
    }
    pub fn has(&self, id: u64) -> bool {
        self.entries.iter().any(|e| e.id == id)
    }
}

/// A view for the event log, the primary first: `2 → 3 → 1`.
struct ViewText<'a>(&'a [NodeId]);

impl std::fmt::Display for ViewText<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, r) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" → ")?;
            }
            write!(f, "{r}")?;
        }
        Ok(())
    }
}

/// The replica of `replicas` that may start epoch `epoch`.
pub fn owner(epoch: u64, replicas: u32) -> NodeId {
    1 + (epoch.saturating_sub(1) % u64::from(replicas.max(1))) as NodeId
}

#[derive(Clone, Debug, Hash)]
pub struct Replica {
    pub id: NodeId,
    pub(crate) config: PbConfig,
    /// Replicas in the world: nodes `1..=replicas`.
    pub replicas: u32,
    pub epoch: u64,
    pub primary: bool,
    pub log: Log,
    /// The last epoch this replica accepted writes in as primary, and how many.
    pub accepted: Option<(u64, u64)>,
    /// The replicas in line, the primary first, as this replica last knew it.
    pub view: Vec<NodeId>,
    /// Writes sent down the view, not acknowledged yet (primary).
    pub pending: Vec<Entry>,
    /// Heartbeats heard from each replica (index `id - 1`).
    pub beats: Vec<Heartbeats>,
    /// The detector's verdict on [`Replica::watched`] at the last step.
    pub verdict: Verdict,
    /// Whether the detector suspects each replica (index `id - 1`).
    pub suspects: Vec<bool>,
    /// The local time of the last step.
    pub now: Tick,
}

impl Replica {
    pub fn new(id: NodeId, replicas: u32, config: &PbConfig, durable: Option<&PbDurable>) -> Self {
        let (epoch, primary, log, accepted, view) = match durable {
            Some(PbDurable::Replica { epoch, primary, log, accepted, view }) => {
                (*epoch, *primary, log.clone(), *accepted, view.clone())
            }
            _ => (1, id == owner(1, replicas), Log::default(), None, (1..=replicas).collect()),
        };
        Self {
            id,
            config: config.clone(),
            replicas,
            epoch,
            primary,
            log,
            accepted,
            view,
            pending: Vec::new(),
            beats: vec![Heartbeats::new(config.window); replicas as usize],
            verdict: Verdict { level: 0.0, threshold: 0.0, suspect: false },
            suspects: vec![false; replicas as usize],
            now: 0,
        }
    }

    fn position(&self) -> Option<usize> {
        self.view.iter().position(|&r| r == self.id)
    }

    /// The next replica down the view, if any.
    pub fn successor(&self) -> Option<NodeId> {
        self.position().and_then(|i| self.view.get(i + 1).copied())
    }

    /// The replica before this one in the view, if any.
    pub fn predecessor(&self) -> Option<NodeId> {
        self.position().filter(|&i| i > 0).map(|i| self.view[i - 1])
    }

    /// The replica whose suspicion the app shows: a backup watches the
    /// primary, the primary its successor (else the next replica).
    pub fn watched(&self) -> NodeId {
        let head = self.view.first().copied().filter(|&h| h != self.id);
        let next = 1 + self.id % self.replicas.max(1);
        if self.primary {
            self.successor().unwrap_or(next)
        } else {
            head.unwrap_or(next)
        }
    }

    /// Whether the primary waits for another replica's acknowledgement.
    pub fn has_backup(&self) -> bool {
        self.successor().is_some()
    }

    fn fenced(&self) -> bool {
        self.config.fencing == Fencing::Epoch
    }

    fn durable(&self) -> PbDurable {
        PbDurable::Replica {
            epoch: self.epoch,
            primary: self.primary,
            log: self.log.clone(),
            accepted: self.accepted,
            view: self.view.clone(),
        }
    }

    fn judge(&mut self, now: Tick) {
        let c = &self.config;
        let verdict = |beats: &Heartbeats| judge(c.detector, beats, now, c.heartbeat_ms, c.timeout_ms, c.phi_threshold);
        for (i, beats) in self.beats.iter().enumerate() {
            self.suspects[i] = i as NodeId + 1 != self.id && verdict(beats).suspect;
        }
        self.verdict = verdict(&self.beats[(self.watched() - 1) as usize]);
    }

    /// A backup takes over when it suspects every replica ahead of it in
    /// the view (a pair: the primary).
    fn should_promote(&self) -> bool {
        let ahead = match self.position() {
            Some(i) if i > 0 => &self.view[..i],
            _ => return false,
        };
        ahead.iter().all(|&r| self.suspects[(r - 1) as usize])
    }

    pub fn step(&mut self, now: Tick, input: Input<PbMsg, PbTimer>, out: &mut Out) {
        self.now = now;
        match input {
            Input::Start => {
                self.beats.iter_mut().for_each(|b| b.watch(now));
                out.set_timer(PbTimer::Heartbeat, self.config.heartbeat_ms, self.config.heartbeat_ms);
            }
            Input::Request { .. } => out.emit(
                Level::Info,
                format_args!(
                    "replica {} takes writes from the client (node {CLIENT}), which sends them on its own",
                    self.id
                ),
            ),
            Input::Timer(PbTimer::Heartbeat) => self.beat(now, out),
            Input::Timer(_) => {}
            Input::Message { from, msg } => self.on_message(now, from, msg, out),
        }
        self.judge(now);
    }

    /// Every `heartbeat_ms`: tell the peer we live, re-send what waits for
    /// an acknowledgement, and look at the detector.
    fn beat(&mut self, now: Tick, out: &mut Out) {
        for peer in (1..=self.replicas).filter(|&r| r != self.id) {
            let view = if self.primary { self.view.clone() } else { Vec::new() };
            out.send(peer, PbMsg::Heartbeat { epoch: self.epoch, primary: self.primary, view });
        }
        if let (true, Some(next)) = (self.primary, self.successor()) {
            for &entry in &self.pending {
                out.send(next, PbMsg::Replicate { epoch: self.epoch, entry });
            }
        }
        out.set_timer(PbTimer::Heartbeat, self.config.heartbeat_ms, self.config.heartbeat_ms);
        self.judge(now);
        if !self.primary && self.should_promote() {
            self.promote(out);
        }
    }

    fn promote(&mut self, out: &mut Out) {
        let was = self.epoch;
        let suspected = self.view.first().copied().unwrap_or(self.id);
        if self.fenced() && self.config.bug != Some(PbBug::NoEpochBump) {
            self.epoch += 1;
            while owner(self.epoch, self.replicas) != self.id {
                self.epoch += 1;
            }
        }
        self.primary = true;
        // Head the rest of the view: every replica ahead of this one is suspected.
        let from = self.position().unwrap_or(0);
        self.view = self.view[from..].to_vec();
        if self.view.first() != Some(&self.id) {
            self.view = vec![self.id];
        }
        self.pending.clear();
        out.persist(self.durable());
        let v = self.verdict;
        let how = match self.config.detector {
            crate::Detector::Timeout => format!("silent {:.0} ms > {:.0} ms", v.level, v.threshold),
            crate::Detector::Phi => format!("phi {:.2} > {:.1}", v.level, v.threshold),
        };
        let epoch = if !self.fenced() {
            "no fencing: same epoch".to_string()
        } else if self.epoch == was {
            format!("keeps epoch {was} (bug)")
        } else {
            format!("epoch {was} → {}", self.epoch)
        };
        out.emit(
            Level::Warn,
            format_args!("replica {} suspects primary {suspected} ({how}): promotes itself, {epoch}", self.id),
        );
    }

    fn step_down(&mut self, epoch: u64, out: &mut Out) {
        let was_primary = self.primary;
        self.epoch = epoch;
        self.primary = false;
        for entry in std::mem::take(&mut self.pending) {
            out.send(CLIENT, PbMsg::NotPrimary { id: entry.id, epoch });
        }
        out.persist(self.durable());
        if was_primary {
            out.emit(Level::Notice, format_args!("replica {} learns of epoch {epoch}: steps down to backup", self.id));
        }
    }

    fn accept(&mut self, entry: Entry, out: &mut Out) {
        self.log.push(entry);
        self.accepted = match self.accepted {
            Some((e, n)) if e == self.epoch => Some((e, n + 1)),
            _ => Some((self.epoch, 1)),
        };
        out.persist(self.durable());
        let (id, epoch) = (self.id, self.epoch);
        let alone = if self.has_backup() { "" } else { " alone" };
        out.emit(
            Level::Info,
            format_args!("primary {id} commits w{}{alone} in epoch {epoch}, answers the client", entry.id),
        );
        out.send(CLIENT, PbMsg::Written { id: entry.id, epoch: self.epoch });
    }

    fn on_message(&mut self, now: Tick, from: NodeId, msg: PbMsg, out: &mut Out) {
        match msg {
            PbMsg::Heartbeat { epoch, primary, view } if (1..=self.replicas).contains(&from) && from != self.id => {
                self.beats[(from - 1) as usize].heard(now);
                if self.fenced() && epoch > self.epoch {
                    self.step_down(epoch, out);
                }
                let current = epoch == self.epoch || !self.fenced();
                if primary && !self.primary && current && !view.is_empty() && view != self.view {
                    // The primary's view is the line this backup stands in.
                    self.view = view;
                    out.persist(self.durable());
                    if self.view.contains(&self.id) {
                        out.emit(
                            Level::Info,
                            format_args!("replica {} follows primary {from}'s view: {}", self.id, ViewText(&self.view)),
                        );
                    }
                } else if self.primary && !primary && current && !self.view.contains(&from) {
                    self.view.push(from);
                    out.persist(self.durable());
                    let log: Vec<Entry> = self.log.entries.iter().copied().collect();
                    out.send(from, PbMsg::Sync { epoch: self.epoch, log, len: self.log.len });
                    out.emit(Level::Info, format_args!("primary {} takes replica {from} back as its backup", self.id));
                }
            }
            PbMsg::Write { id, value } => {
                if !self.primary {
                    out.send(from, PbMsg::NotPrimary { id, epoch: self.epoch });
                    out.emit(Level::Notice, format_args!("replica {} refuses w{id}: it is not primary", self.id));
                    return;
                }
                if self.pending.iter().any(|e| e.id == id) {
                    return;
                }
                if self.pending.len() >= MAX_PENDING {
                    out.emit(
                        Level::Notice,
                        format_args!("primary {} ignores w{id}: {MAX_PENDING} writes wait for the backup", self.id),
                    );
                    return;
                }
                let entry = Entry { epoch: self.epoch, id, value };
                if let Some(next) = self.successor() {
                    self.pending.push(entry);
                    out.send(next, PbMsg::Replicate { epoch: self.epoch, entry });
                } else {
                    self.accept(entry, out);
                }
            }
            PbMsg::Replicate { epoch, entry } => {
                if self.fenced() && epoch < self.epoch {
                    out.send(from, PbMsg::Stale { epoch: self.epoch });
                    out.emit(
                        Level::Notice,
                        format_args!(
                            "replica {} refuses w{} of stale epoch {epoch}: epoch {} is current",
                            self.id, entry.id, self.epoch
                        ),
                    );
                    return;
                }
                if self.fenced() && epoch > self.epoch {
                    self.step_down(epoch, out);
                }
                if !self.log.has(entry.id) {
                    self.log.push(entry);
                    out.persist(self.durable());
                }
                // Down the chain if there is more of it, else back with an acknowledgement.
                match self.successor().filter(|_| !self.primary) {
                    Some(next) => out.send(next, PbMsg::Replicate { epoch, entry }),
                    None => out.send(from, PbMsg::Ack { epoch, id: entry.id }),
                }
            }
            PbMsg::Ack { epoch, id } if self.primary && epoch == self.epoch => {
                if let Some(i) = self.pending.iter().position(|e| e.id == id) {
                    let entry = self.pending.remove(i);
                    self.accept(entry, out);
                }
            }
            PbMsg::Ack { epoch, id } if !self.primary => {
                if let Some(back) = self.predecessor() {
                    out.send(back, PbMsg::Ack { epoch, id });
                }
            }
            PbMsg::Stale { epoch } if self.fenced() && epoch > self.epoch => self.step_down(epoch, out),
            PbMsg::Sync { epoch, log, len } if !self.primary && (epoch >= self.epoch || !self.fenced()) => {
                self.epoch = self.epoch.max(epoch);
                self.log = Log { entries: log.into_iter().collect(), len };
                out.persist(self.durable());
                out.emit(
                    Level::Info,
                    format_args!(
                        "replica {} takes primary {from}'s log of {len} write{}",
                        self.id,
                        protocol::plural(len)
                    ),
                );
            }
            _ => {}
        }
    }
}
