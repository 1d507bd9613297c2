//! A replica: primary or backup, with a failure detector on its peer.
//!
//! Primary-backup replication (Alsberg & Day 1976; Budhiraja, Marzullo,
//! Schneider & Toueg, "The Primary-Backup Approach", 1993), for a pair:
//!
//! 1. The primary orders each client write, sends it to the backup
//!    (`Replicate`) and accepts it (appends it, answers `Written`) once the
//!    backup acknowledged. A primary never drops its backup on its own: it
//!    cannot tell a dead backup from one that has taken over.
//! 2. Both replicas send heartbeats every `heartbeat_ms` and watch the
//!    other's with a detector (see [`crate::detector`]).
//! 3. A backup that suspects the primary promotes itself and accepts writes
//!    alone. Suspicion can be false (a delayed link, a paused primary): then
//!    two replicas believe they are primary.
//! 4. With `fencing=epoch` the promotion starts a new epoch (one only this
//!    replica may start: epoch `e` belongs to replica `1 + (e-1) mod 2`),
//!    replication carries the epoch, and a replica refuses an older one
//!    (`Stale`): the deposed primary cannot collect an acknowledgement, so
//!    it accepts nothing more and steps down (Kleppmann's fencing tokens, in
//!    the replication path). With `fencing=none` nothing changes epoch and
//!    nothing is refused: both accept writes, split brain.

use crate::config::{Fencing, PbBug, PbConfig};
use crate::detector::{judge, Heartbeats, Verdict};
use crate::message::{Entry, PbMsg, PbTimer};
use crate::{Out, PbDurable, CLIENT, REPLICAS};
use protocol::{Input, Level, NodeId, Tick};
use std::collections::VecDeque;

/// Entries of its log a replica keeps (older ones are counted, not kept).
pub const LOG_KEEP: usize = 12;
/// Writes a primary waits on at once; more are ignored (the client times out).
pub const MAX_PENDING: usize = 8;

/// The newest [`LOG_KEEP`] entries of a write log and its full length.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
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

/// The replica that may start epoch `epoch`.
pub fn owner(epoch: u64) -> NodeId {
    1 + (epoch.saturating_sub(1) % u64::from(REPLICAS)) as NodeId
}

#[derive(Clone, Debug)]
pub struct Replica {
    pub id: NodeId,
    pub(crate) config: PbConfig,
    pub epoch: u64,
    pub primary: bool,
    pub log: Log,
    /// The last epoch this replica accepted writes in as primary, and how many.
    pub accepted: Option<(u64, u64)>,
    /// Whether the primary waits for the backup's acknowledgement.
    pub backup_in_view: bool,
    /// Writes sent to the backup, not acknowledged yet.
    pub pending: Vec<Entry>,
    pub beats: Heartbeats,
    /// The detector's verdict on the peer at the last step.
    pub verdict: Verdict,
    /// The local time of the last step.
    pub now: Tick,
}

impl Replica {
    pub fn new(id: NodeId, config: &PbConfig, durable: Option<&PbDurable>) -> Self {
        let (epoch, primary, log, accepted) = match durable {
            Some(PbDurable::Replica { epoch, primary, log, accepted }) => (*epoch, *primary, log.clone(), *accepted),
            _ => (1, id == owner(1), Log::default(), None),
        };
        Self {
            id,
            config: config.clone(),
            epoch,
            primary,
            log,
            accepted,
            backup_in_view: true,
            pending: Vec::new(),
            beats: Heartbeats::new(config.window),
            verdict: Verdict { level: 0.0, threshold: 0.0, suspect: false },
            now: 0,
        }
    }

    /// The other replica.
    pub fn peer(&self) -> NodeId {
        REPLICAS + 1 - self.id
    }

    fn fenced(&self) -> bool {
        self.config.fencing == Fencing::Epoch
    }

    fn durable(&self) -> PbDurable {
        PbDurable::Replica { epoch: self.epoch, primary: self.primary, log: self.log.clone(), accepted: self.accepted }
    }

    fn judge(&mut self, now: Tick) {
        let c = &self.config;
        self.verdict = judge(c.detector, &self.beats, now, c.heartbeat_ms, c.timeout_ms, c.phi_threshold);
    }

    pub fn step(&mut self, now: Tick, input: Input<PbMsg, PbTimer>, out: &mut Out) {
        self.now = now;
        match input {
            Input::Start => {
                self.beats.watch(now);
                out.set_timer(PbTimer::Heartbeat, self.config.heartbeat_ms, self.config.heartbeat_ms);
            }
            Input::Request { .. } => out.emit(
                Level::Info,
                format!(
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
        let peer = self.peer();
        out.send(peer, PbMsg::Heartbeat { epoch: self.epoch, primary: self.primary });
        if self.primary && self.backup_in_view {
            for &entry in &self.pending {
                out.send(peer, PbMsg::Replicate { epoch: self.epoch, entry });
            }
        }
        out.set_timer(PbTimer::Heartbeat, self.config.heartbeat_ms, self.config.heartbeat_ms);
        self.judge(now);
        if !self.primary && self.verdict.suspect {
            self.promote(out);
        }
    }

    fn promote(&mut self, out: &mut Out) {
        let was = self.epoch;
        if self.fenced() && self.config.bug != Some(PbBug::NoEpochBump) {
            self.epoch += 1;
            while owner(self.epoch) != self.id {
                self.epoch += 1;
            }
        }
        self.primary = true;
        self.backup_in_view = false;
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
            format!("replica {} suspects primary {} ({how}): promotes itself, {epoch}", self.id, self.peer()),
        );
    }

    fn step_down(&mut self, epoch: u64, out: &mut Out) {
        let was_primary = self.primary;
        self.epoch = epoch;
        self.primary = false;
        self.backup_in_view = true;
        for entry in std::mem::take(&mut self.pending) {
            out.send(CLIENT, PbMsg::NotPrimary { id: entry.id, epoch });
        }
        out.persist(self.durable());
        if was_primary {
            out.emit(Level::Notice, format!("replica {} learns of epoch {epoch}: steps down to backup", self.id));
        }
    }

    fn accept(&mut self, entry: Entry, out: &mut Out) {
        self.log.push(entry);
        self.accepted = match self.accepted {
            Some((e, n)) if e == self.epoch => Some((e, n + 1)),
            _ => Some((self.epoch, 1)),
        };
        out.persist(self.durable());
        out.send(CLIENT, PbMsg::Written { id: entry.id, epoch: self.epoch });
    }

    fn on_message(&mut self, now: Tick, from: NodeId, msg: PbMsg, out: &mut Out) {
        match msg {
            PbMsg::Heartbeat { epoch, primary } if from == self.peer() => {
                self.beats.heard(now);
                if self.fenced() && epoch > self.epoch {
                    self.step_down(epoch, out);
                } else if self.primary && !primary && (epoch == self.epoch || !self.fenced()) && !self.backup_in_view {
                    self.backup_in_view = true;
                    let log: Vec<Entry> = self.log.entries.iter().copied().collect();
                    out.send(from, PbMsg::Sync { epoch: self.epoch, log, len: self.log.len });
                    out.emit(Level::Info, format!("primary {} takes replica {from} back as its backup", self.id));
                }
            }
            PbMsg::Write { id, value } => {
                if !self.primary {
                    out.send(from, PbMsg::NotPrimary { id, epoch: self.epoch });
                    return;
                }
                if self.pending.iter().any(|e| e.id == id) || self.pending.len() >= MAX_PENDING {
                    return;
                }
                let entry = Entry { epoch: self.epoch, id, value };
                if self.backup_in_view {
                    self.pending.push(entry);
                    out.send(self.peer(), PbMsg::Replicate { epoch: self.epoch, entry });
                } else {
                    self.accept(entry, out);
                }
            }
            PbMsg::Replicate { epoch, entry } => {
                if self.fenced() && epoch < self.epoch {
                    out.send(from, PbMsg::Stale { epoch: self.epoch });
                    out.emit(
                        Level::Notice,
                        format!(
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
                out.send(from, PbMsg::Ack { epoch, id: entry.id });
            }
            PbMsg::Ack { epoch, id } if self.primary && epoch == self.epoch => {
                if let Some(i) = self.pending.iter().position(|e| e.id == id) {
                    let entry = self.pending.remove(i);
                    self.accept(entry, out);
                }
            }
            PbMsg::Stale { epoch } if self.fenced() && epoch > self.epoch => self.step_down(epoch, out),
            PbMsg::Sync { epoch, log, len } if !self.primary && (epoch >= self.epoch || !self.fenced()) => {
                self.epoch = self.epoch.max(epoch);
                self.log = Log { entries: log.into_iter().collect(), len };
                out.persist(self.durable());
            }
            _ => {}
        }
    }
}
