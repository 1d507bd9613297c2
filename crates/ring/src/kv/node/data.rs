//! A node's part in the data path: routing and coordinating puts and gets,
//! settling each copy it holds until the key's preference list has
//! confirmed it, and the copies and confirmations it receives.

use super::*;

impl KvNode {
    pub(super) fn fail(&mut self, client: NodeId, req: u64, key: Arc<str>, reason: String, fx: &mut Fx) {
        if client == self.id {
            fx.ops.extend(self.asked.answer(req, &key, Err(())));
            fx.note(Level::Warn, format!("request for {key} failed: {reason}"));
        } else {
            fx.send(client, Msg::Failed { req, key, reason });
        }
    }

    pub(super) fn route_put(
        &mut self,
        req: u64,
        client: NodeId,
        key: Arc<str>,
        value: Arc<str>,
        hops: u8,
        fx: &mut Fx,
    ) {
        match self.ring_new.owner(key_position(&key)) {
            None => self.fail(client, req, key, "no node is in the ring".into(), fx),
            Some(owner) if owner != self.id => {
                if hops < MAX_HOPS {
                    fx.send(owner, Msg::Put { req, client, key, value, hops: hops + 1 });
                } else {
                    self.fail(client, req, key, format!("no owner found in {MAX_HOPS} hops"), fx);
                }
            }
            Some(_) if self.still_pulling() => {
                if self.waiting.len() < MAX_WAITING {
                    self.waiting.push_back(Waiting::Put { req, client, key, value });
                } else {
                    self.fail(client, req, key, "too many requests wait for the join".into(), fx);
                }
            }
            Some(_) => self.coordinate_put(req, client, key, value, fx),
        }
    }

    pub(super) fn coordinate_put(&mut self, req: u64, client: NodeId, key: Arc<str>, value: Arc<str>, fx: &mut Fx) {
        if self.pending_puts.len() >= MAX_PENDING_PUTS {
            return self.fail(client, req, key, "too many puts in flight".into(), fx);
        }
        let position = key_position(&key);
        let current = self.disk.store.get(&key).map_or(0, |s| s.version.counter);
        let counter = self.disk.clock.max(current) + 1;
        self.disk.clock = counter;
        let version = Version { counter, node: self.id };
        let pref = pref_set(&self.ring_new, position, self.replicas());
        let stored = Stored { value: value.clone(), version, position, pref, confirmed: 0 };
        Arc::make_mut(&mut self.disk.store).insert(key.clone(), stored);
        fx.dirty = true;
        self.pending_puts.push(PendingPut { key: key.clone(), version, client, req });
        let item = Item { key: key.clone(), value, version };
        for peer in members_of(pref & !self.me()) {
            fx.send(peer, Msg::Replicate { round: self.disk.round, items: vec![item.clone()] });
        }
        self.settle(&key, fx);
    }

    pub(super) fn route_get(&mut self, req: u64, client: NodeId, key: Arc<str>, hops: u8, fx: &mut Fx) {
        match self.ring_new.owner(key_position(&key)) {
            None => self.fail(client, req, key, "no node is in the ring".into(), fx),
            Some(owner) if owner != self.id => {
                if hops < MAX_HOPS {
                    fx.send(owner, Msg::Get { req, client, key, hops: hops + 1 });
                } else {
                    self.fail(client, req, key, format!("no owner found in {MAX_HOPS} hops"), fx);
                }
            }
            Some(_) if self.still_pulling() => {
                if self.waiting.len() < MAX_WAITING {
                    self.waiting.push_back(Waiting::Get { req, client, key });
                } else {
                    self.fail(client, req, key, "too many requests wait for the join".into(), fx);
                }
            }
            Some(_) => {
                let found = self.disk.store.get(&key);
                let (value, version) = (found.map(|s| s.value.clone()), found.map(|s| s.version));
                if client == self.id {
                    fx.ops.extend(self.asked.answer(req, &key, Ok(value.as_ref())));
                    fx.note(Level::Info, show_get(&key, &value, &version));
                } else {
                    fx.send(client, Msg::GetReply { req, key, value, version });
                }
            }
        }
    }

    /// If every other node of the key's list has confirmed: acknowledge the
    /// puts of it this node coordinated, and drop the copy if this node is
    /// not on the list.
    pub(super) fn settle(&mut self, key: &Arc<str>, fx: &mut Fx) {
        let me = self.id;
        let Some(s) = self.disk.store.get(key) else { return };
        if s.pref == 0 || s.awaiting(me) {
            return;
        }
        let version = s.version;
        let drop = s.pref & bit(me) == 0;
        let mut i = 0;
        while i < self.pending_puts.len() {
            let p = &self.pending_puts[i];
            if p.key == *key && p.version <= version {
                let p = self.pending_puts.swap_remove(i);
                self.acknowledge(p, fx);
            } else {
                i += 1;
            }
        }
        if drop && self.has_bug(Bug::KeepHandedOff) {
            return;
        }
        if drop {
            Arc::make_mut(&mut self.disk.store).remove(key);
            fx.dirty = true;
        }
    }

    pub(super) fn acknowledge(&mut self, p: PendingPut, fx: &mut Fx) {
        self.disk.acked.push(Held { key: p.key.clone(), version: p.version });
        fx.dirty = true;
        if p.client == self.id {
            fx.ops.extend(self.asked.answer(p.req, &p.key, Ok(None)));
            fx.note(Level::Info, format!("put {} acknowledged at {}", p.key, p.version));
        } else {
            fx.send(p.client, Msg::PutOk { req: p.req, key: p.key, version: p.version });
        }
    }

    /// Send every key still waiting for a confirmation to the nodes of its
    /// list that have not confirmed: a replication if this node is on the
    /// list, a hand-off if not.
    pub(super) fn send_unconfirmed(&mut self, fx: &mut Fx) {
        let me = self.id;
        let mut batches: FlatMap<(NodeId, bool), Vec<Item>> = FlatMap::new();
        for (key, s) in self.disk.store.iter() {
            if s.pref == 0 || !s.awaiting(me) {
                continue;
            }
            let handoff = s.pref & bit(me) == 0;
            for peer in members_of(s.pref & !bit(me) & !s.confirmed) {
                let item = Item { key: key.clone(), value: s.value.clone(), version: s.version };
                batches.entry((peer, handoff)).or_default().push(item);
            }
        }
        let entry = self.disk.view.get(me);
        for ((peer, handoff), items) in batches {
            for chunk in items.chunks(MAX_BATCH) {
                let round = self.disk.round;
                let items = chunk.to_vec();
                if handoff {
                    fx.send(peer, Msg::Handoff { round, status: entry.status, inc: entry.inc, items });
                } else {
                    fx.send(peer, Msg::Replicate { round, items });
                }
            }
            if handoff && self.has_bug(Bug::HandoffWithoutConfirm) {
                for item in &items {
                    Arc::make_mut(&mut self.disk.store).remove(&item.key);
                }
                fx.dirty = true;
            }
        }
    }

    /// Take copies sent by `from`. `kept` marks items the sender keeps and
    /// is responsible for: that is a confirmation from it.
    pub(super) fn receive_items(&mut self, from: NodeId, round: u32, items: Vec<(Item, bool)>, fx: &mut Fx) {
        let me = self.me();
        let mut held = Vec::new();
        let mut refused = Vec::new();
        for (item, kept) in items {
            let position = key_position(&item.key);
            let pref = pref_set(&self.ring_new, position, self.replicas());
            if pref & me == 0 {
                refused.push(item.key);
                continue;
            }
            self.disk.clock = self.disk.clock.max(item.version.counter);
            let newer = match self.disk.store.get(&item.key) {
                Some(s) => item.version > s.version,
                None => true,
            };
            if newer {
                let stored = Stored { value: item.value, version: item.version, position, pref, confirmed: 0 };
                Arc::make_mut(&mut self.disk.store).insert(item.key.clone(), stored);
                fx.dirty = true;
            }
            let s = self.disk.store.get(&item.key).expect("just stored");
            let version = s.version;
            if kept && version == item.version && s.pref & bit(from) != 0 && s.confirmed & bit(from) == 0 {
                Arc::make_mut(&mut self.disk.store).get_mut(&item.key).expect("just stored").confirmed |= bit(from);
                fx.dirty = true;
            }
            held.push(Held { key: item.key, version });
        }
        for h in &held {
            self.settle(&h.key, fx);
        }
        if !held.is_empty() {
            fx.send(from, Msg::Confirm { round, held });
        }
        if !refused.is_empty() {
            fx.send(from, Msg::Refuse { keys: refused, view: self.disk.view.clone() });
        }
    }

    pub(super) fn on_confirm(&mut self, from: NodeId, round: u32, held: Vec<Held>, fx: &mut Fx) {
        if round != self.disk.round {
            return; // From before this node's view last changed: it may no longer hold.
        }
        for h in held {
            let Some(s) = self.disk.store.get(&h.key) else { continue };
            if h.version >= s.version && s.pref & bit(from) != 0 && s.confirmed & bit(from) == 0 {
                Arc::make_mut(&mut self.disk.store).get_mut(&h.key).expect("held").confirmed |= bit(from);
                fx.dirty = true;
                self.settle(&h.key, fx);
            }
        }
    }
}
