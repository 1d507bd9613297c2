//! The simulator's interface to a node: inputs in, commands out, and the
//! node's views, fingerprint and presentation.

use super::*;

impl Protocol for KvNode {
    /// Every field of the node's state by its derived `Hash` (see
    /// `protocol::fingerprint`), and so its messages, what it persisted and
    /// its timers: several times cheaper than their `Debug` text.
    fn fingerprint(&self, h: &mut protocol::Fingerprint) {
        std::hash::Hash::hash(self, h);
    }
    fn fingerprint_msg(msg: &Self::Msg, h: &mut protocol::Fingerprint) {
        std::hash::Hash::hash(msg, h);
    }
    fn fingerprint_durable(durable: &Self::Durable, h: &mut protocol::Fingerprint) {
        std::hash::Hash::hash(durable, h);
    }
    fn fingerprint_timer(timer: &Self::Timer, h: &mut protocol::Fingerprint) {
        std::hash::Hash::hash(timer, h);
    }
    const NAME: &'static str = "ring";
    type Config = KvConfig;
    type Msg = Msg;
    type Timer = RingTimer;
    type Durable = Durable;
    type View = KvView;
    type Checker = crate::kv::checker::KvChecker;
    const CLIENT_OPS: &'static [protocol::OpFn] = &[protocol::OpFn::Read, protocol::OpFn::Write];

    fn new(id: NodeId, cluster: &Cluster, config: &KvConfig, durable: Option<&Durable>) -> Self {
        let nodes = cluster.nodes.min(crate::kv::config::MAX_NODES);
        let universe = universe_of(config.vnodes, nodes);
        let restarted = durable.is_some();
        let disk = match durable {
            Some(d) => d.clone(),
            None => {
                let view = View::initial(nodes, config.initial_members(nodes));
                let owns = view.set_of(Status::owns);
                let ring = universe.subset(|n| owns & bit(n) != 0);
                let mut store = BTreeMap::new();
                for (key, value, position) in initial_load(config.keys.min(crate::kv::config::MAX_KEYS)).iter() {
                    let pref = pref_set(&ring, *position, config.replicas);
                    if pref & bit(id) != 0 {
                        let (value, position) = (value.clone(), *position);
                        let version = Version { counter: 0, node: 0 };
                        // The initial load is consistent by construction.
                        store
                            .insert(key.clone(), Stored { value, version, position, pref, confirmed: pref & !bit(id) });
                    }
                }
                Durable { view, store: Arc::new(store), clock: 0, round: 0, acked: AckLog::default(), generation: 0 }
            }
        };
        let owns = disk.view.set_of(Status::owns);
        let holds = disk.view.set_of(Status::holds);
        let awaiting = count_awaiting(&disk.store, id);
        Self {
            id,
            config: config.clone(),
            ring_new: Arc::new(universe.subset(|n| owns & bit(n) != 0)),
            ring_old: Arc::new(universe.subset(|n| holds & bit(n) != 0)),
            universe,
            disk,
            restarted,
            unacked: 0,
            pull_plan: FlatMap::new(),
            pulls: FlatSet::new(),
            waiting: VecDeque::new(),
            pending_puts: Vec::new(),
            next_req: 0,
            asked: Asked::default(),
            retry_armed: false,
            gossip_to: id,
            awaiting,
            last_change: None,
        }
    }

    fn step(&mut self, _now: Tick, input: Input<Msg, RingTimer>, out: &mut Out<Msg, RingTimer, Durable>) {
        let mut fx = Fx::default();
        match input {
            Input::Start => self.on_start(&mut fx),
            Input::Message { from, msg } => self.on_message(from, msg, &mut fx),
            Input::Timer(RingTimer::Retry) => self.on_retry(&mut fx),
            Input::Timer(RingTimer::Gossip) => self.on_gossip_timer(&mut fx),
            Input::Request { cmd } => self.on_request(&cmd, &mut fx),
        }
        self.finish(fx, out);
    }

    fn view(&self, up: bool) -> KvView {
        KvView {
            id: self.id,
            up,
            vnodes: self.universe.vnodes_of(self.id),
            keys: self.disk.store.len() as u32,
            status: self.status(),
            pending: self.pending_keys() as u32,
        }
    }

    /// A node in standby may join the ring; any other stores a key.
    fn client_request(&self, n: u64) -> Option<String> {
        Some(match self.status() {
            crate::kv::membership::Status::Standby => "join".to_string(),
            _ => format!("put k{n}=v{n}"),
        })
    }

    fn look(&self) -> Look {
        crate::kv::present::look(self)
    }

    fn inspect(&self, up: bool) -> Vec<Panel> {
        crate::kv::present::inspect(self, up)
    }

    fn picture(nodes: &[NodeRef<'_, Self>], _config: &KvConfig) -> Picture {
        crate::kv::present::picture(nodes)
    }
}
