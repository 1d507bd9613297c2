//! What a node does with each input (a client request, a message, a
//! timer, its start), and how it turns a step's effects into commands.

use super::*;

impl KvNode {
    pub(super) fn on_request(&mut self, cmd: &str, fx: &mut Fx) {
        let id = self.id;
        match parse(cmd) {
            Err(reason) => fx.note(Level::Warn, format!("node {id}: {reason}")),
            Ok(Cmd::Join) => {
                if self.status() != Status::Standby {
                    return fx.note(Level::Warn, format!("node {id} cannot join: it is {}", self.status().name()));
                }
                self.set_status(Status::Joining, fx);
                let sources: Vec<String> = self.pull_plan.keys().map(|s| s.to_string()).collect();
                let ranges: usize = self.pull_plan.values().map(Vec::len).sum();
                fx.note(
                    Level::Notice,
                    format!("node {id} joins: pulls {ranges} ranges from nodes {}", sources.join(", ")),
                );
            }
            Ok(Cmd::Leave) => {
                if self.status() != Status::Member {
                    return fx.note(Level::Warn, format!("node {id} cannot leave: it is {}", self.status().name()));
                }
                if self.disk.view.set_of(Status::owns) & !self.me() == 0 {
                    return fx.note(Level::Warn, format!("node {id} cannot leave: it is the last member"));
                }
                self.set_status(Status::Leaving, fx);
                let keys = self.disk.store.len();
                fx.note(
                    Level::Notice,
                    format!("node {id} leaves: hands off {keys} key{}", protocol::plural(keys as u64)),
                );
                self.send_unconfirmed(fx);
            }
            Ok(Cmd::Put(key, value)) => {
                self.next_req += 1;
                let (invoke, info) = self.asked.invoke(self.next_req, &key, Some(&value));
                fx.ops.extend([invoke].into_iter().chain(info));
                self.route_put(self.next_req, id, key, value, 0, fx);
            }
            Ok(Cmd::Get(key)) => {
                self.next_req += 1;
                let (invoke, info) = self.asked.invoke(self.next_req, &key, None);
                fx.ops.extend([invoke].into_iter().chain(info));
                self.route_get(self.next_req, id, key, 0, fx);
            }
        }
    }

    pub(super) fn on_message(&mut self, from: NodeId, msg: Msg, fx: &mut Fx) {
        match msg {
            Msg::Announce { status, inc } => {
                if self.disk.view.merge_entry(from, Entry { status, inc }) {
                    self.view_changed(fx);
                }
                fx.send(from, Msg::AnnounceAck { inc });
            }
            Msg::AnnounceAck { inc } => {
                if inc == self.disk.view.get(self.id).inc {
                    self.unacked &= !bit(from);
                }
            }
            Msg::Pull { inc, ranges } => self.on_pull(from, inc, ranges, fx),
            Msg::Transfer { round, copies, handoffs } => {
                let items = copies.into_iter().map(|i| (i, true)).chain(handoffs.into_iter().map(|i| (i, false)));
                self.receive_items(from, round, items.collect(), fx);
                if self.pulls.remove(&from) && self.pulls.is_empty() {
                    self.finish_join(fx);
                }
            }
            Msg::Replicate { round, items } => {
                self.receive_items(from, round, items.into_iter().map(|i| (i, true)).collect(), fx)
            }
            Msg::Handoff { round, status, inc, items } => {
                if self.disk.view.merge_entry(from, Entry { status, inc }) {
                    self.view_changed(fx);
                }
                self.receive_items(from, round, items.into_iter().map(|i| (i, false)).collect(), fx)
            }
            Msg::Confirm { round, held } => self.on_confirm(from, round, held, fx),
            Msg::Gossip { view } => {
                if self.disk.view.merge(&view) {
                    self.view_changed(fx);
                }
                if self.disk.view != view {
                    let mut theirs = view;
                    if theirs.merge(&self.disk.view) {
                        fx.send(from, Msg::Gossip { view: self.disk.view.clone() });
                    }
                }
            }
            Msg::Refuse { view, .. } => {
                if self.disk.view.merge(&view) {
                    self.view_changed(fx);
                }
            }
            Msg::Put { req, client, key, value, hops } => self.route_put(req, client, key, value, hops, fx),
            Msg::Get { req, client, key, hops } => self.route_get(req, client, key, hops, fx),
            Msg::PutOk { req, key, version } => {
                fx.ops.extend(self.asked.answer(req, &key, Ok(None)));
                fx.note(Level::Info, format!("put {key} acknowledged at {version}"));
            }
            Msg::GetReply { req, key, value, version } => {
                fx.ops.extend(self.asked.answer(req, &key, Ok(value.as_ref())));
                fx.note(Level::Info, show_get(&key, &value, &version))
            }
            Msg::Failed { req, key, reason } => {
                fx.ops.extend(self.asked.answer(req, &key, Err(())));
                fx.note(Level::Warn, format!("request for {key} failed: {reason}"))
            }
        }
    }

    pub(super) fn on_retry(&mut self, fx: &mut Fx) {
        self.retry_armed = false;
        let entry = self.disk.view.get(self.id);
        for peer in members_of(self.unacked) {
            fx.send(peer, Msg::Announce { status: entry.status, inc: entry.inc });
        }
        for source in &self.pulls {
            let ranges = self.pull_plan.get(source).cloned().unwrap_or_default();
            fx.send(*source, Msg::Pull { inc: entry.inc, ranges });
        }
        self.send_unconfirmed(fx);
    }

    pub(super) fn on_gossip_timer(&mut self, fx: &mut Fx) {
        let n = self.disk.view.len();
        if n > 1 {
            self.gossip_to = (self.gossip_to + 1) % n;
            if self.gossip_to == self.id {
                self.gossip_to = (self.gossip_to + 1) % n;
            }
            fx.send(self.gossip_to, Msg::Gossip { view: self.disk.view.clone() });
        }
        self.arm_gossip(fx);
    }

    pub(super) fn arm_gossip(&self, fx: &mut Fx) {
        let ms = self.config.gossip_ms;
        fx.cmds.push(Command::SetTimer { timer: RingTimer::Gossip, after_min: ms - ms / 5, after_max: ms + ms / 5 });
    }

    pub(super) fn on_start(&mut self, fx: &mut Fx) {
        self.arm_gossip(fx);
        if !self.restarted {
            return;
        }
        let entry = self.disk.view.get(self.id);
        let keys = self.disk.store.len();
        fx.note(
            Level::Info,
            format!(
                "node {} is back as {} with {keys} key{} on disk",
                self.id,
                entry.status.name(),
                protocol::plural(keys as u64)
            ),
        );
        if entry.inc > 0 {
            self.unacked = self.others();
            for peer in members_of(self.unacked) {
                fx.send(peer, Msg::Announce { status: entry.status, inc: entry.inc });
            }
        }
        if entry.status == Status::Joining {
            self.replan_pulls(fx);
        }
    }

    /// End of a step: a leaving node with nothing left becomes standby; then
    /// persist, then speak, then keep the retry timer armed while busy.
    pub(super) fn finish(&mut self, mut fx: Fx, out: &mut Out<Msg, RingTimer, Durable>) {
        if self.status() == Status::Leaving && self.disk.store.is_empty() {
            fx.note(Level::Notice, format!("node {} handed off every key and left the ring", self.id));
            self.set_status(Status::Standby, &mut fx);
        }
        if fx.dirty {
            self.awaiting = count_awaiting(&self.disk.store, self.id);
            self.disk.generation += 1;
            out.persist(self.disk.clone());
        }
        for cmd in fx.cmds {
            match cmd {
                Command::Send { to, msg } => out.send(to, msg),
                Command::Emit(note) => out.emit(note.level, note.text),
                Command::Persist(d) => out.persist(d),
                Command::SetTimer { timer, after_min, after_max } => out.set_timer(timer, after_min, after_max),
                Command::CancelTimer { timer } => out.cancel_timer(timer),
            }
        }
        for op in fx.ops {
            out.op(op);
        }
        if !self.retry_armed && !self.idle() {
            out.set_timer(RingTimer::Retry, self.config.retry_ms, self.config.retry_ms);
            self.retry_armed = true;
        }
    }
}
