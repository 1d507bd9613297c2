//! [`Any`]: the catalog's protocols but Raft as one protocol type, so that
//! the app, which opens runs through [`crate::open`] (in the browser,
//! [`crate::open_wrapped`]), carries one copy of the generic simulator
//! (`World<P>`, `Run<P>`, their trace, state and export writers) for all of
//! them instead of one per protocol. The protocol chosen is a runtime value,
//! the variant of the config, as [`paxos::AnyPaxos`] does for single-decree
//! Paxos and Multi-Paxos and the lock and commit crates for their variants.
//!
//! A world of [`Any`] behaves, traces and exports exactly as a world of
//! the protocol it wraps: every method hands the call to the variant's node,
//! messages, timers, durable state, views and configs serialize and print as
//! the variant's own, and the checker is the variant's checker. The tests
//! below run every algorithm and each of its bugs both ways and compare them
//! byte for byte.
//!
//! The wrapping costs time: a wrapped node's step writes its commands into
//! a buffer of its own that [`Any`] then moves into the world's, and its
//! checker gets a list of the variant's nodes made for each check. Natively
//! that made the lab's benchmark 21% to 40% slower per algorithm, so there,
//! where the program's size does not matter, [`crate::open`] opens each
//! protocol as its own type. In the browser the difference was lost in the
//! noise of stepping through the app (README, "Numbers"). Raft keeps its own
//! type everywhere: it is the simulator benchmark's scenario and the app's
//! first algorithm. The model checker (crate `check`, through
//! [`crate::with_protocol`]) explores each protocol's own type too: its
//! worlds need each protocol's symmetry, and its speed.

use crate::dispatch::Visit;
use crate::Setup;
use protocol::{
    Checker, Cluster, Fingerprint, Input, Look, Message, NodeId, NodeRef, OpFn, Out, Panel, Picture, Protocol, Tick,
    Timer, Tone, Violation,
};
use serde::{Serialize, Serializer};
use std::fmt;

/// A value of another variant than its world's: a world's nodes, messages,
/// timers and durable state all come from the one config it was built with.
#[cold]
#[inline(never)]
fn mixed() -> ! {
    unreachable!("a world of one protocol holds a value of another")
}

macro_rules! catalog {
    ($($variant:ident($ty:ty)),+ $(,)?) => {
        /// A node of one of the catalog's protocols; see the module's
        /// documentation.
        #[derive(Clone)]
        pub enum Any {
            $($variant($ty)),+
        }

        /// The config of an [`Any`] world: which protocol, with its settings.
        #[derive(Clone)]
        pub enum AnyConfig {
            $($variant(<$ty as Protocol>::Config)),+
        }

        /// A message of an [`Any`] world.
        #[derive(Clone)]
        pub enum AnyMsg {
            $($variant(<$ty as Protocol>::Msg)),+
        }

        /// A timer of an [`Any`] world. A world's timers are all of one
        /// variant, so they are ordered as the variant's are.
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
        pub enum AnyTimer {
            $($variant(<$ty as Protocol>::Timer)),+
        }

        /// What a node of an [`Any`] world persists.
        #[derive(Clone)]
        pub enum AnyDurable {
            $($variant(<$ty as Protocol>::Durable)),+
        }

        /// A node's view in the trace of an [`Any`] world.
        pub enum AnyView {
            $($variant(<$ty as Protocol>::View)),+
        }

        /// The checker of an [`Any`] world: its protocol's, made at the
        /// world's first check (a checker is built before it sees a node).
        /// Unboxed, as a world of the protocol holds its checker: a world
        /// holds one, and copies it with every snapshot.
        #[allow(clippy::large_enum_variant)]
        #[derive(Clone, Default)]
        pub enum AnyChecker {
            #[default]
            Unset,
            $($variant(<$ty as Protocol>::Checker)),+
        }

        /// Call `visitor` with the protocol type of `config` and its own
        /// config: what [`crate::with_protocol`] does for every protocol
        /// but Raft.
        pub(crate) fn visit<V: Visit>(config: AnyConfig, setup: Setup, visitor: V) -> V::Out {
            match config {
                $(AnyConfig::$variant(c) => visitor.visit::<$ty>(setup, c)),+
            }
        }

        // Each prints and serializes as its variant's own value.
        catalog!(@debug [$($variant)+] Any AnyConfig AnyMsg AnyTimer AnyDurable);
        impl fmt::Debug for AnyChecker {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    Self::Unset => f.write_str("Unset"),
                    $(Self::$variant(x) => fmt::Debug::fmt(x, f)),+
                }
            }
        }

        catalog!(@serialize [$($variant)+] AnyConfig AnyMsg AnyTimer AnyView);

        impl Default for AnyConfig {
            /// The first variant's default (a world is always built from
            /// a config its setup chose; this is for the trait's sake).
            fn default() -> Self {
                catalog!(@first $($variant)+)
            }
        }

        impl Message for AnyMsg {
            fn kind(&self) -> &'static str {
                match self { $(Self::$variant(m) => Message::kind(m)),+ }
            }
            fn label(&self) -> String {
                match self { $(Self::$variant(m) => Message::label(m)),+ }
            }
            fn term(&self) -> Option<u64> {
                match self { $(Self::$variant(m) => Message::term(m)),+ }
            }
            fn tone(&self) -> Tone {
                match self { $(Self::$variant(m) => Message::tone(m)),+ }
            }
        }

        impl Timer for AnyTimer {
            fn name(&self) -> &'static str {
                match self { $(Self::$variant(t) => Timer::name(t)),+ }
            }
        }

        impl Protocol for Any {
            /// Not an algorithm's name: a world's is its config's
            /// ([`Protocol::name`]).
            const NAME: &'static str = "any";
            type Config = AnyConfig;
            type Msg = AnyMsg;
            type Timer = AnyTimer;
            type Durable = AnyDurable;
            type View = AnyView;
            type Checker = AnyChecker;

            fn name(config: &AnyConfig) -> &'static str {
                match config { $(AnyConfig::$variant(c) => <$ty as Protocol>::name(c)),+ }
            }
            fn client_ops(config: &AnyConfig) -> &'static [OpFn] {
                match config { $(AnyConfig::$variant(c) => <$ty as Protocol>::client_ops(c)),+ }
            }
            fn properties(config: &AnyConfig) -> &'static [&'static str] {
                match config { $(AnyConfig::$variant(c) => <$ty as Protocol>::properties(c)),+ }
            }

            fn new(id: NodeId, cluster: &Cluster, config: &AnyConfig, durable: Option<&AnyDurable>) -> Self {
                match config {
                    $(AnyConfig::$variant(c) => {
                        let durable = durable.map(|d| match d {
                            AnyDurable::$variant(d) => d,
                            #[allow(unreachable_patterns)]
                            _ => mixed(),
                        });
                        Self::$variant(<$ty as Protocol>::new(id, cluster, c, durable))
                    }),+
                }
            }

            fn step(&mut self, now: Tick, input: Input<AnyMsg, AnyTimer>, out: &mut Out<AnyMsg, AnyTimer, AnyDurable>) {
                match self {
                    $(Self::$variant(node) => {
                        #[allow(unreachable_patterns)]
                        let input = match input {
                            Input::Start => Input::Start,
                            Input::Message { from, msg: AnyMsg::$variant(msg) } => Input::Message { from, msg },
                            Input::Timer(AnyTimer::$variant(timer)) => Input::Timer(timer),
                            Input::Request { cmd } => Input::Request { cmd },
                            _ => mixed(),
                        };
                        let mut inner = out.inner();
                        Protocol::step(node, now, input, &mut inner);
                        out.forward(&mut inner, AnyMsg::$variant, AnyTimer::$variant, AnyDurable::$variant);
                    }),+
                }
            }

            fn view(&self, up: bool) -> AnyView {
                match self { $(Self::$variant(node) => AnyView::$variant(Protocol::view(node, up))),+ }
            }
            fn look(&self) -> Look {
                match self { $(Self::$variant(node) => Protocol::look(node)),+ }
            }
            fn inspect(&self, up: bool) -> Vec<Panel> {
                match self { $(Self::$variant(node) => Protocol::inspect(node, up)),+ }
            }
            fn client_request(&self, n: u64) -> Option<String> {
                match self { $(Self::$variant(node) => Protocol::client_request(node, n)),+ }
            }
            fn picture(nodes: &[NodeRef<'_, Self>], config: &AnyConfig) -> Picture {
                match config {
                    $(AnyConfig::$variant(c) => {
                        #[allow(unreachable_patterns)]
                        let nodes = protocol::narrow(nodes, |n| match n { Self::$variant(x) => Some(x), _ => None });
                        <$ty as Protocol>::picture(&nodes, c)
                    }),+
                }
            }

            fn fingerprint(&self, h: &mut Fingerprint) {
                match self { $(Self::$variant(node) => Protocol::fingerprint(node, h)),+ }
            }
            fn fingerprint_msg(msg: &AnyMsg, h: &mut Fingerprint) {
                match msg { $(AnyMsg::$variant(m) => <$ty as Protocol>::fingerprint_msg(m, h)),+ }
            }
            fn fingerprint_durable(durable: &AnyDurable, h: &mut Fingerprint) {
                match durable { $(AnyDurable::$variant(d) => <$ty as Protocol>::fingerprint_durable(d, h)),+ }
            }
            fn fingerprint_timer(timer: &AnyTimer, h: &mut Fingerprint) {
                match timer { $(AnyTimer::$variant(t) => <$ty as Protocol>::fingerprint_timer(t, h)),+ }
            }
            // No symmetry: the model checker explores each protocol's own
            // type (see the module's documentation).
        }

        impl Checker<Any> for AnyChecker {
            /// Empty: a world's properties are its protocol's
            /// ([`Protocol::properties`]).
            const PROPERTIES: &'static [&'static str] = &[];

            fn check(&mut self, nodes: &[NodeRef<'_, Any>]) -> Option<Violation> {
                self.check_changed(nodes, None)
            }

            fn check_changed(&mut self, nodes: &[NodeRef<'_, Any>], changed: Option<NodeId>) -> Option<Violation> {
                if let Self::Unset = self {
                    *self = match nodes.first()?.state {
                        $(Any::$variant(_) => Self::$variant(Default::default())),+
                    };
                }
                match self {
                    Self::Unset => None,
                    $(Self::$variant(checker) => {
                        #[allow(unreachable_patterns)]
                        let nodes = protocol::narrow(nodes, |n| match n { Any::$variant(x) => Some(x), _ => None });
                        Checker::<$ty>::check_changed(checker, &nodes, changed)
                    }),+
                }
            }

            fn fingerprint(&self, h: &mut Fingerprint) {
                match self {
                    Self::Unset => {}
                    $(Self::$variant(checker) => Checker::<$ty>::fingerprint(checker, h)),+
                }
            }
        }
    };
    // Debug and Serialize as the variant's own, for each enum named.
    (@debug $variants:tt $($enum:ident)+) => {
        $(catalog!(@debug_one $enum $variants);)+
    };
    (@debug_one $enum:ident [$($variant:ident)+]) => {
        impl fmt::Debug for $enum {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self { $(Self::$variant(x) => fmt::Debug::fmt(x, f)),+ }
            }
        }
    };
    (@serialize $variants:tt $($enum:ident)+) => {
        $(catalog!(@serialize_one $enum $variants);)+
    };
    (@serialize_one $enum:ident [$($variant:ident)+]) => {
        impl Serialize for $enum {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self { $(Self::$variant(x) => Serialize::serialize(x, s)),+ }
            }
        }
    };
    (@first $first:ident $($rest:ident)*) => {
        AnyConfig::$first(Default::default())
    };
}

catalog! {
    Paxos(paxos::AnyPaxos),
    Lock(lock::Lock),
    Ring(ring::KvNode),
    Commit(txn::Commit),
    Saga(txn::Saga),
    Outbox(txn::Outbox),
    Abd(abd::Abd),
    PrimaryBackup(pb::PrimaryBackup),
    Balance(balance::Balance),
    KvRaft(kvraft::KvRaft),
    KvLww(kvlww::Lww),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{open_own, open_wrapped, Algo, Setup, Typed, ALGOS};
    use protocol::Status;
    use sim::{Action, Export, Session};

    /// What a user does to a run: client requests, a crash and a restart,
    /// a pause and a resume, a message dropped and one duplicated.
    fn poke(s: &mut dyn Session, step: u64) {
        let n = s.node_count();
        let node = (step / 40 % u64::from(n)) as NodeId;
        let _ = match step % 120 {
            10 | 70 => s.act(Action::Request { node, cmd: format!("x={step}") }),
            30 if s.node_info(node).status == Status::Up => s.act(Action::Crash { node }),
            60 => {
                let down = (0..n).find(|&id| s.node_info(id).status == Status::Crashed);
                down.map_or(Ok(()), |node| s.act(Action::Restart { node }))
            }
            80 if s.node_info(node).status == Status::Up => s.act(Action::Pause { node, for_ms: None }),
            100 => {
                let paused = (0..n).find(|&id| s.node_info(id).status == Status::Paused);
                paused.map_or(Ok(()), |node| s.act(Action::Resume { node }))
            }
            50 | 90 => {
                let mut msgs = Vec::new();
                s.messages_into(&mut msgs);
                match msgs.first() {
                    Some(m) if step % 120 == 50 => s.act(Action::Drop { msg: m.id }),
                    Some(m) => s.act(Action::Duplicate { msg: m.id }),
                    None => Ok(()),
                }
            }
            _ => Ok(()),
        };
    }

    /// `a == b`, or a failure quoting where they first differ (a trace is
    /// too long to print whole).
    fn same(a: &str, b: &str, what: &str) {
        if a != b {
            let at = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
            let around = |s: &str| s.get(at.saturating_sub(80)..(at + 80).min(s.len())).unwrap_or("").to_string();
            panic!("{what}: differ at byte {at}:\n  wrapped: {}\n  own:     {}", around(a), around(b));
        }
    }

    fn export(s: &dyn Session, format: Export) -> String {
        let mut out = Vec::new();
        let _ = s.write_export(format, &mut out);
        String::from_utf8(out).expect("exports are UTF-8")
    }

    /// Every algorithm but Raft, and each of its bugs, opened as [`Any`]
    /// and as its own type, driven alike with faults: the same trace, the
    /// same state, pictures, inspectors, exports and first violation.
    #[test]
    fn a_wrapped_world_is_its_protocols_world() {
        let mut cases = 0;
        for info in ALGOS.iter().filter(|info| info.algo != Algo::Raft) {
            let bugs = info.bugs.iter().map(|b| Some(b.name));
            for bug in std::iter::once(None).chain(bugs) {
                let mut setup = Setup::new(info.algo);
                setup.sim.drop = 0.05;
                setup.sim.dup = 0.02;
                setup.seed = 7;
                if let Some(bug) = bug {
                    setup.options.insert("bug".into(), bug.into());
                }
                let mut wrapped = open_wrapped(&setup).unwrap();
                let mut own = open_own(&setup).unwrap();
                let what = format!("{} bug={bug:?}", info.name);
                assert_eq!(wrapped.algo(), info.name, "{what}");
                assert_eq!(wrapped.properties(), info.properties, "{what}");
                assert_eq!(wrapped.protocol_config_json(), own.protocol_config_json(), "{what}");
                assert_eq!(wrapped.client_ops().len(), own.client_ops().len(), "{what}");
                for step in 0..600u64 {
                    poke(&mut *wrapped, step);
                    poke(&mut *own, step);
                    let (a, b) = (wrapped.step(), own.step());
                    assert_eq!(a, b, "{what} at step {step}");
                    if step % 97 == 0 {
                        same(&wrapped.state_json(), &own.state_json(), &format!("{what} at step {step}"));
                        assert_eq!(wrapped.picture(), own.picture(), "{what} at step {step}");
                        assert_eq!(wrapped.client_request(None), own.client_request(None), "{what} at step {step}");
                        for id in 0..wrapped.node_count() {
                            assert_eq!(wrapped.client_request(Some(id)), own.client_request(Some(id)), "{what} {id}");
                            assert_eq!(wrapped.inspect(id), own.inspect(id), "{what} node {id}");
                            assert_eq!(
                                format!("{:?}", wrapped.node_info(id)),
                                format!("{:?}", own.node_info(id)),
                                "{what} node {id}"
                            );
                        }
                    }
                }
                same(&wrapped.trace_json(), &own.trace_json(), &what);
                assert_eq!(wrapped.first_violation(), own.first_violation(), "{what}");
                for format in [Export::ShiViz, Export::Perfetto, Export::Edn] {
                    same(&export(&*wrapped, format), &export(&*own, format), &format!("{what} {format:?}"));
                }
                wrapped.seek(123);
                own.seek(123);
                same(&wrapped.state_json(), &own.state_json(), &format!("{what} after a seek"));
                cases += 1;
            }
        }
        assert!(cases > 30, "every algorithm and bug ran: {cases}");
    }

    #[test]
    fn properties_and_names_come_from_the_config() {
        for info in ALGOS.iter().filter(|info| info.algo != Algo::Raft) {
            let Typed::Other(config) = crate::typed(&Setup::new(info.algo)).unwrap() else {
                panic!("{} is wrapped", info.name)
            };
            assert_eq!(Any::name(&config), info.name);
            assert_eq!(Any::properties(&config), info.properties);
        }
        assert!(matches!(crate::typed(&Setup::new(Algo::Raft)), Ok(Typed::Raft(_))));
    }

    #[test]
    fn the_checker_is_made_at_the_first_check() {
        let mut checker = AnyChecker::default();
        assert!(matches!(checker, AnyChecker::Unset));
        assert_eq!(checker.check(&[]), None, "no node, nothing to check");
        let Typed::Other(config) = crate::typed(&Setup::new(Algo::TwoPc)).unwrap() else { unreachable!() };
        let cluster = Cluster { nodes: 3 };
        let nodes: Vec<Any> = (0..3).map(|id| Any::new(id, &cluster, &config, None)).collect();
        let refs: Vec<NodeRef<'_, Any>> = nodes
            .iter()
            .enumerate()
            .map(|(id, state)| NodeRef { id: id as NodeId, status: Status::Up, state })
            .collect();
        assert_eq!(checker.check(&refs), None);
        assert!(matches!(checker, AnyChecker::Commit(_)));
    }
}
