//! Two worlds side by side: the run on screen and another algorithm's, on
//! the same seed, network and fault schedule, stepping together.
//!
//! A link asks for it with `&compare=ALGO` and, when the other algorithm
//! needs settings of its own, `&compare_set=NAME=VALUE,NAME=VALUE` (the
//! parameter may also repeat). The other world's [`Setup`] is the run's,
//! with its algorithm and settings, and with the actions both worlds can
//! take: message ids are a run's own, so dropping, duplicating or delaying
//! one message stays in the run it was aimed at; everything else (crashes,
//! pauses, partitions, clients' requests...) happens in both.

use crate::{Algo, Options, Setup, SetupError};
use sim::{Action, Scheduled};

/// The link parameter naming the other algorithm.
pub const COMPARE: &str = "compare";
/// The link parameter with the other algorithm's settings.
pub const COMPARE_SET: &str = "compare_set";

/// The other side of a comparison: an algorithm and its settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Against {
    pub algo: Algo,
    pub options: Options,
}

impl Against {
    pub fn new(algo: Algo) -> Self {
        Self { algo, options: Options::new() }
    }

    /// The other world's setup beside `run`'s: the same nodes, seed,
    /// network and shareable actions, with this algorithm and settings.
    /// Errors name `compare` (the algorithm cannot run that cluster) or
    /// `compare_set` (a setting it refuses).
    pub fn setup(&self, run: &Setup) -> Result<Setup, SetupError> {
        let setup = Setup {
            algo: self.algo,
            sim: run.sim.clone(),
            seed: run.seed,
            actions: shared_actions(&run.actions, run.sim.nodes),
            options: self.options.clone(),
        };
        setup.validate().map_err(|e| {
            let field = if e.field == "options" || self.algo.info().options.iter().any(|s| s.name == e.field) {
                COMPARE_SET
            } else {
                COMPARE
            };
            SetupError::new(field, format!("{} beside this run: {e}", self.algo.name()))
        })?;
        Ok(setup)
    }

    /// The link parameters that ask for this comparison.
    pub fn encode(&self) -> Vec<(&'static str, String)> {
        let mut pairs = vec![(COMPARE, self.algo.name().to_string())];
        if !self.options.is_empty() {
            let set: Vec<String> = self.options.iter().map(|(k, v)| format!("{k}={v}")).collect();
            pairs.push((COMPARE_SET, set.join(",")));
        }
        pairs
    }
}

/// The actions of a run that another world of `nodes` nodes takes too: not
/// those aimed at one message (its ids are the run's own).
pub fn shared_actions(actions: &[Scheduled], nodes: u32) -> Vec<Scheduled> {
    actions
        .iter()
        .filter(|s| !matches!(s.action, Action::Drop { .. } | Action::Duplicate { .. } | Action::Delay { .. }))
        .filter(|s| s.action.validate(nodes).is_ok())
        .cloned()
        .collect()
}

/// Read `compare` and `compare_set` from decoded link pairs: `None` when
/// the link asks for no comparison. Settings are checked when the other
/// world opens ([`Against::setup`]), against the run it sits beside.
pub fn parse<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Option<Against>, SetupError> {
    let pairs: Vec<(&str, &str)> = pairs.into_iter().collect();
    let algo = pairs.iter().rev().find(|(k, _)| *k == COMPARE).map(|(_, v)| v.trim());
    let sets: Vec<&str> = pairs.iter().filter(|(k, _)| *k == COMPARE_SET).map(|(_, v)| *v).collect();
    let Some(algo) = algo.filter(|a| !a.is_empty()) else {
        if !sets.is_empty() {
            return Err(SetupError::new(
                COMPARE_SET,
                "settings for a comparison, but no compare=ALGO to apply them to",
            ));
        }
        return Ok(None);
    };
    let algo: Algo = algo.parse().map_err(|e: SetupError| SetupError::new(COMPARE, e.reason))?;
    let mut against = Against::new(algo);
    for item in sets.iter().flat_map(|s| s.split(',')).map(str::trim).filter(|s| !s.is_empty()) {
        let Some((name, value)) = item.split_once('=') else {
            return Err(SetupError::new(COMPARE_SET, format!("expected NAME=VALUE, got {item:?}")));
        };
        let (name, value) = (name.trim(), value.trim());
        let known = algo.info().options.iter().any(|s| s.name == name) || name == crate::options::BUG;
        if !known {
            let names: Vec<&str> = algo.info().options.iter().map(|s| s.name).collect();
            let names = if names.is_empty() { "none".to_string() } else { names.join(", ") };
            return Err(SetupError::new(
                COMPARE_SET,
                format!("{} has no setting {name:?} (its settings: {names})", algo.name()),
            ));
        }
        against.options.insert(name.to_string(), value.to_string());
    }
    Ok(Some(against))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::parse_actions;

    fn parse_str(q: &str) -> Result<Option<Against>, SetupError> {
        parse(q.split('&').filter_map(|kv| kv.split_once('=')))
    }

    #[test]
    fn a_link_names_the_other_algorithm_and_its_settings() {
        assert_eq!(parse_str("algo=raft&seed=3").unwrap(), None);
        let a = parse_str("algo=raft&compare=multipaxos").unwrap().unwrap();
        assert_eq!(a, Against::new(Algo::MultiPaxos));
        let pairs = [("compare", "balance"), ("compare_set", "strategy=ring, slow=2"), ("compare_set", "bug=x")];
        let a = parse(pairs).unwrap().unwrap();
        assert_eq!(a.options.get("strategy").map(String::as_str), Some("ring"));
        assert_eq!(a.options.get("slow").map(String::as_str), Some("2"));
        let encoded = a.encode();
        assert_eq!(encoded[1], (COMPARE_SET, "bug=x,slow=2,strategy=ring".to_string()));
        let back: Vec<(&str, &str)> = encoded.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(parse(back).unwrap().unwrap(), a);
    }

    #[test]
    fn bad_comparisons_name_their_parameter() {
        assert_eq!(parse_str("compare=nope").unwrap_err().field, COMPARE);
        assert_eq!(parse_str("compare_set=a=1").unwrap_err().field, COMPARE_SET);
        let e = parse([("compare", "raft"), ("compare_set", "strategy=ring")]).unwrap_err();
        assert_eq!(e.field, COMPARE_SET);
        assert!(e.reason.contains("strategy"), "{}", e.reason);
        assert_eq!(parse([("compare", "raft"), ("compare_set", "oops")]).unwrap_err().field, COMPARE_SET);
        let e = Against { algo: Algo::Balance, options: [("strategy".into(), "fastest".into())].into() }
            .setup(&Setup::new(Algo::Balance))
            .unwrap_err();
        assert_eq!(e.field, COMPARE_SET, "{e}");
        // Paxos takes at most 9 nodes: a ring of 20 has no Paxos twin.
        let big = Setup { sim: sim::SimConfig { nodes: 20, ..Default::default() }, ..Setup::new(Algo::Ring) };
        assert_eq!(Against::new(Algo::Paxos).setup(&big).unwrap_err().field, COMPARE);
    }

    #[test]
    fn the_other_world_shares_seed_network_and_every_action_but_message_ones() {
        let actions = parse_actions(
            r#"[{"step":5,"do":"crash","node":1},{"step":6,"do":"drop","msg":3},{"step":7,"do":"partition","groups":[[0,1]]},
                {"step":8,"do":"duplicate","msg":4},{"step":9,"do":"delay","msg":5,"by":10},{"step":10,"do":"heal"}]"#,
            5,
        )
        .unwrap();
        let mut run = Setup { seed: 42, actions, ..Setup::new(Algo::Raft) };
        run.sim.drop = 0.1;
        let twin = Against::new(Algo::MultiPaxos).setup(&run).unwrap();
        assert_eq!((twin.seed, twin.sim.clone(), twin.algo), (42, run.sim.clone(), Algo::MultiPaxos));
        let verbs: Vec<&str> = twin.actions.iter().map(|s| s.action.verb()).collect();
        assert_eq!(verbs, ["crash", "partition", "heal"]);
    }
}
