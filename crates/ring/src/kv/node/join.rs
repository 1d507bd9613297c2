//! A node's part in membership changes: its view changing, the ranges it
//! pulls when it joins (and answers when others pull), and when it
//! becomes a member or leaves.

use super::*;

impl KvNode {
    /// Rebuild what depends on the view: rings, preference lists, the pull plan.
    pub(super) fn view_changed(&mut self, fx: &mut Fx) {
        let view = &self.disk.view;
        let owns = view.set_of(Status::owns);
        let holds = view.set_of(Status::holds);
        let before = self.ring_new.nodes().fold(0, |set, n| set | bit(n));
        if before != owns {
            self.last_change = Some(RingChange { before, after: owns });
        }
        self.ring_new = Arc::new(self.universe.subset(|n| owns & bit(n) != 0));
        self.ring_old = Arc::new(self.universe.subset(|n| holds & bit(n) != 0));
        self.disk.round += 1;
        fx.dirty = true;
        let replicas = self.replicas();
        for s in Arc::make_mut(&mut self.disk.store).values_mut() {
            let pref = pref_set(&self.ring_new, s.position, replicas);
            if pref != s.pref {
                s.pref = pref;
                s.confirmed = 0;
            }
        }
        if self.status() == Status::Joining {
            self.replan_pulls(fx);
        }
        let keys: Vec<Arc<str>> = self.disk.store.keys().cloned().collect();
        for key in keys {
            self.settle(&key, fx);
        }
    }

    /// Change this node's own status and tell every peer.
    pub(super) fn set_status(&mut self, status: Status, fx: &mut Fx) {
        let inc = self.disk.view.get(self.id).inc + 1;
        self.disk.view.set(self.id, Entry { status, inc });
        fx.dirty = true;
        self.unacked = self.others();
        for peer in members_of(self.unacked) {
            fx.send(peer, Msg::Announce { status, inc });
        }
        self.view_changed(fx);
    }

    /// The ranges this node owns in the new ring, by the old owner to pull
    /// each from. The ring is cut at every token of both rings, so each
    /// piece has one preference list in each.
    pub(super) fn plan_pulls(&self) -> FlatMap<NodeId, Vec<Range>> {
        let mut points: Vec<Position> =
            self.ring_new.tokens().iter().chain(self.ring_old.tokens()).map(|t| t.position).collect();
        protocol::sort::sort(&mut points);
        points.dedup();
        let mut plan: FlatMap<NodeId, Vec<Range>> = FlatMap::new();
        let n = points.len();
        for i in 0..n {
            let (start, end) = (points[(i + n - 1) % n], points[i]);
            if pref_set(&self.ring_new, end, self.replicas()) & self.me() == 0 {
                continue;
            }
            let sources = pref_set(&self.ring_old, end, self.replicas()) & !self.me();
            for source in members_of(sources) {
                let ranges = plan.entry(source).or_default();
                match ranges.last_mut() {
                    Some(last) if last[1] == start => last[1] = end,
                    _ => ranges.push([start, end]),
                }
            }
        }
        plan
    }

    /// Pull from every old owner whose ranges are new or changed.
    pub(super) fn replan_pulls(&mut self, fx: &mut Fx) {
        let plan = self.plan_pulls();
        self.pulls.retain(|s| plan.contains_key(s));
        let inc = self.disk.view.get(self.id).inc;
        for (source, ranges) in &plan {
            if self.pull_plan.get(source) != Some(ranges) {
                self.pulls.insert(*source);
                fx.send(*source, Msg::Pull { inc, ranges: ranges.clone() });
            }
        }
        self.pull_plan = plan;
        if self.pulls.is_empty() {
            self.finish_join(fx);
        }
    }

    pub(super) fn finish_join(&mut self, fx: &mut Fx) {
        if self.status() != Status::Joining {
            return;
        }
        fx.note(Level::Notice, format!("node {} has its ranges and is a member", self.id));
        self.pull_plan.clear();
        self.set_status(Status::Member, fx);
        for w in std::mem::take(&mut self.waiting) {
            match w {
                Waiting::Put { req, client, key, value } => self.route_put(req, client, key, value, 0, fx),
                Waiting::Get { req, client, key } => self.route_get(req, client, key, 0, fx),
            }
        }
    }

    /// A joining node serves its ranges only once it has pulled them.
    pub(super) fn still_pulling(&self) -> bool {
        self.status() == Status::Joining && !self.pulls.is_empty()
    }

    pub(super) fn on_pull(&mut self, from: NodeId, inc: u32, ranges: Vec<Range>, fx: &mut Fx) {
        if self.disk.view.merge_entry(from, Entry { status: Status::Joining, inc }) {
            self.view_changed(fx);
        }
        let (mut copies, mut handoffs) = (Vec::new(), Vec::new());
        for (key, s) in self.disk.store.iter() {
            if ranges.iter().any(|r| in_range(r, s.position)) {
                let item = Item { key: key.clone(), value: s.value.clone(), version: s.version };
                if s.pref & self.me() != 0 {
                    copies.push(item);
                } else {
                    handoffs.push(item);
                }
            }
        }
        if self.has_bug(Bug::HandoffWithoutConfirm) {
            for item in &handoffs {
                Arc::make_mut(&mut self.disk.store).remove(&item.key);
                fx.dirty = true;
            }
        }
        fx.send(from, Msg::Transfer { round: self.disk.round, copies, handoffs });
    }
}
