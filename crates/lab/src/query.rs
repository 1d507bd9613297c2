//! A setup as URL query parameters:
//! `?v=1&algo=raft&nodes=5&seed=42&drop=0.05&dup=0&latency=10..40&actions=[...]&step=120`.
//!
//! `v` is the link format's version ([`LINK_VERSION`]; a link without it is
//! version 1, as written before it existed). Actions are either readable
//! JSON (`actions=[...]`, what an author types) or, in links the app
//! writes once the list is long, `actions-z`: the same JSON compressed with
//! DEFLATE and written in unpadded base64url, so a run with hundreds of
//! clicks still fits in a link.
//!
//! Parsing is strict: every bad parameter is an error that names it, so the
//! app can say so and keep the world it has. Parameters this
//! module does not know are left to the caller (an embedding page may add
//! its own). Percent-decoding is the caller's (the browser's `URLSearchParams`).

use crate::{Algo, Setup, SetupError};
use sim::{parse_actions, parse_latency, SimConfig};

/// The link format this release writes and reads. A later format gets a
/// higher number, and this release refuses it by name rather than
/// misreading it.
pub const LINK_VERSION: u32 = 1;

/// Actions JSON longer than this goes into a link compressed.
const COMPRESS_ACTIONS_OVER: usize = 160;

/// A link's worth of state: the setup and the step to show.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    pub setup: Setup,
    /// The step to show; `None` means the start.
    pub step: Option<u64>,
    /// The catalog scenario the link names (`?preset=ID`), whose setup
    /// `setup` is; `None` for a link that spells its setup out.
    pub preset: Option<&'static str>,
}

/// Read a setup from decoded `(name, value)` pairs. Every bad parameter is
/// named: the error's field is the first one, its reason lists them all
/// (`algo: unknown algorithm "nope"...; nodes: ...; seed: ...`).
pub fn parse<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Query, SetupError> {
    parse_all(pairs).map_err(|errors| merged(&errors))
}

/// Several errors as one: the first's field, every reason.
fn merged(errors: &[SetupError]) -> SetupError {
    let field = errors[0].field;
    let mut reasons = errors.iter().map(ToString::to_string);
    let first = reasons.next().map(|r| r[field.len() + 2..].to_string()).unwrap_or_default();
    let rest: Vec<String> = reasons.collect();
    let reason = if rest.is_empty() { first } else { format!("{first}; {}", rest.join("; ")) };
    SetupError::new(field, reason)
}

/// A link with bad parameters, as a page opens it ([`parse_lenient`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Lenient {
    /// Every bad parameter, in the order the link wrote them.
    pub errors: Vec<SetupError>,
    /// The world the rest of the link describes, each bad parameter left
    /// out (a bad `algo` leaves Raft, with the link's other settings);
    /// `None` when nothing of it can open: a link of another format (`v`),
    /// or one whose problem is named by a parameter it does not have.
    pub rest: Option<Box<Query>>,
}

/// [`parse`] for a page opening a link: a link with bad parameters still
/// opens what the rest of it says (`?algo=abd&nodes=1000` opens ABD at its
/// default size; it once opened Raft, the default world). Each pass leaves out
/// the parameters the last found bad; the setup's own checks, and the
/// rest of a link whose `preset` is unknown, may find more, and every one
/// is named.
pub fn parse_lenient<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Query, Lenient> {
    let mut pairs: Vec<(&str, &str)> = pairs.into_iter().collect();
    let keys: Vec<&str> = pairs.iter().map(|(k, _)| *k).collect();
    let mut errors = match parse_pairs(pairs.clone()) {
        Ok(query) => return Ok(query),
        Err(errors) => errors,
    };
    let mut found = errors.clone();
    let rest = loop {
        if errors.iter().any(|e| e.field == "v") {
            break None;
        }
        let before = pairs.len();
        pairs.retain(|(k, _)| !errors.iter().any(|e| e.field == *k));
        if pairs.len() == before {
            break None;
        }
        match parse_pairs(pairs.clone()) {
            Ok(query) => break Some(Box::new(query)),
            Err(more) => {
                for e in &more {
                    if !found.iter().any(|f| f.field == e.field) {
                        found.push(e.clone());
                    }
                }
                errors = more;
            }
        }
    };
    // In the order the link wrote them.
    protocol::sort::sort_by_key(&mut found, |e| keys.iter().position(|k| *k == e.field).unwrap_or(usize::MAX));
    Err(Lenient { errors: found, rest })
}

/// Read a setup from decoded `(name, value)` pairs; on failure, one error
/// per bad parameter, in the order the pairs name them.
pub fn parse_all<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Query, Vec<SetupError>> {
    parse_pairs(pairs.into_iter().collect())
}

/// [`parse_all`] once its pairs are collected: one copy of the code
/// whatever iterator the caller has.
fn parse_pairs(pairs: Vec<(&str, &str)>) -> Result<Query, Vec<SetupError>> {
    let get = |name: &str| pairs.iter().rev().find(|(k, _)| *k == name).map(|(_, v)| v.trim());
    let mut errors = Vec::new();
    if let Some(v) = get("v") {
        if v != LINK_VERSION.to_string() {
            let reason = match v.parse::<u32>() {
                Ok(n) if n > LINK_VERSION => format!(
                    "this link was written by a newer Clusterscope (link format {n}); this one reads format {LINK_VERSION}"
                ),
                _ => format!("expected the link format {LINK_VERSION}, got {v:?}"),
            };
            errors.push(SetupError::new("v", reason));
        }
    }
    fn note(errors: &mut Vec<SetupError>, result: Result<(), SetupError>) {
        if let Err(e) = result {
            errors.push(e);
        }
    }
    let number = |name: &'static str, what: &str| -> Result<Option<u64>, SetupError> {
        get(name)
            .map(|v| v.parse::<u64>().map_err(|_| SetupError::new(name, format!("expected {what}, got {v:?}"))))
            .transpose()
    };
    let probability = |name: &'static str| -> Result<Option<f64>, SetupError> {
        get(name)
            .map(|v| {
                crate::decimal::parse(v)
                    .filter(|p| (0.0..=1.0).contains(p))
                    .ok_or_else(|| SetupError::new(name, format!("expected a probability in [0, 1], got {v:?}")))
            })
            .transpose()
    };

    // A bad algorithm is reported; the rest is still checked, against Raft.
    let algo = match get("algo").map(str::parse::<Algo>).transpose() {
        Ok(algo) => algo.unwrap_or(Algo::Raft),
        Err(e) => {
            note(&mut errors, Err(e));
            Algo::Raft
        }
    };
    let mut setup = Setup::new(algo);
    note(
        &mut errors,
        number("nodes", "a whole number of nodes").map(|n| {
            if let Some(n) = n {
                setup.sim.nodes = u32::try_from(n).unwrap_or(u32::MAX);
            }
        }),
    );
    note(
        &mut errors,
        number("seed", "a whole number from 0 to 18446744073709551615").map(|s| setup.seed = s.unwrap_or(setup.seed)),
    );
    note(&mut errors, probability("drop").map(|p| setup.sim.drop = p.unwrap_or(setup.sim.drop)));
    note(&mut errors, probability("dup").map(|p| setup.sim.dup = p.unwrap_or(setup.sim.dup)));
    if let Some(network) = get("network") {
        note(
            &mut errors,
            network.parse::<sim::Network>().map(|n| setup.sim.network = n).map_err(|e| SetupError::new("network", e)),
        );
    }
    if let Some(latency) = get("latency") {
        note(
            &mut errors,
            parse_latency(latency).map(|l| setup.sim.latency_ms = l).map_err(|e| SetupError::new("latency", e.reason)),
        );
    }
    for spec in algo.info().options {
        if let Some(value) = get(spec.name) {
            setup.options.insert(spec.name.to_string(), value.to_string());
        }
    }
    if let Some(bug) = get(crate::options::BUG).filter(|_| !algo.info().bugs.is_empty()) {
        setup.options.insert(crate::options::BUG.to_string(), bug.to_string());
    }
    // The size before the actions, which are checked against it; a field
    // already reported is not reported twice.
    if let Err(e) = setup.validate() {
        if !errors.iter().any(|r| r.field == e.field) {
            note(&mut errors, Err(e));
        }
    }
    let nodes = setup.sim.nodes.min(algo.info().max_nodes);
    if let Some(actions) = get("actions").filter(|a| !a.is_empty()) {
        match parse_actions(actions, nodes) {
            Ok(actions) => setup.actions = actions,
            Err(e) => note(&mut errors, Err(SetupError::new("actions", e.to_string()))),
        }
    } else if let Some(packed) = get(PACKED_ACTIONS).filter(|a| !a.is_empty()) {
        match unpack(packed).and_then(|json| parse_actions(&json, nodes).map_err(|e| e.to_string())) {
            Ok(actions) => setup.actions = actions,
            Err(e) => note(&mut errors, Err(SetupError::new(PACKED_ACTIONS, e))),
        }
    }
    let step = number("step", "a whole number of steps");
    // `?preset=ID` names one of the catalog's scenarios, whose parameters
    // take the place of the link's own (`step` and `v` still apply).
    if let Some(id) = get("preset") {
        let Some(preset) = crate::presets::Preset::find(id) else {
            let known: Vec<&str> = crate::presets::PRESETS.iter().map(|p| p.id).collect();
            errors.push(SetupError::new(
                "preset",
                format!("unknown preset {id:?}; known: {} (a guided tour opens with tour=ID)", known.join(", ")),
            ));
            return Err(errors);
        };
        let errors: Vec<SetupError> = errors.into_iter().filter(|e| e.field == "v").chain(step.clone().err()).collect();
        if !errors.is_empty() {
            return Err(errors);
        }
        return Ok(Query { setup: preset.load().setup, step: step.ok().flatten(), preset: Some(preset.id) });
    }
    let step = match step {
        Ok(step) => step,
        Err(e) => {
            note(&mut errors, Err(e));
            None
        }
    };
    if errors.is_empty() {
        return Ok(Query { setup, step, preset: None });
    }
    // In the order the link wrote them.
    protocol::sort::sort_by_key(&mut errors, |e| pairs.iter().position(|(k, _)| *k == e.field).unwrap_or(usize::MAX));
    Err(errors)
}

/// The parameters [`parse`] reads, beside the algorithms' option names.
pub const KEYS: &[&str] = &[
    "v",
    "algo",
    "nodes",
    "seed",
    "drop",
    "dup",
    "network",
    "latency",
    crate::options::BUG,
    "actions",
    PACKED_ACTIONS,
    "step",
    "preset",
];

/// The parameter a link most likely meant by `key`, when `key` is one no
/// reader reads and a slip of one or two letters from one that is
/// (`nodse` for `nodes`, `heartbeat_m` for `heartbeat_ms`). The readers'
/// parameters are [`KEYS`], every algorithm's option names, and `others`
/// (the caller's own, like the app's `embed`). A name further from all of
/// them is no one's typo but a parameter of its own: an embedding page may
/// add its own, and they are left alone.
pub fn misspelling(key: &str, others: &[&'static str]) -> Option<&'static str> {
    let options = crate::ALGOS.iter().flat_map(|info| info.options.iter().map(|spec| spec.name));
    let known: Vec<&'static str> = KEYS.iter().chain(others).copied().chain(options).collect();
    if known.contains(&key) {
        return None;
    }
    // The nearest by edits, at most two and fewer than half the name's
    // letters: `x` is no slip for `v`, nor `ab` for `at`.
    known
        .into_iter()
        .map(|k| (strsim::osa_distance(key, k), k))
        .filter(|&(edits, k)| edits <= 2 && 2 * edits < k.chars().count())
        .min()
        .map(|(_, k)| k)
}

/// The link to a catalog scenario at `step`, as `(name, value)` pairs.
pub fn encode_preset(id: &'static str, step: u64) -> Vec<(&'static str, String)> {
    vec![("v", LINK_VERSION.to_string()), ("preset", id.to_string()), ("step", step.to_string())]
}

/// Write a setup (and step) as `(name, value)` pairs, leaving out defaults
/// of the network so links stay short. The caller percent-encodes.
pub fn encode(setup: &Setup, step: u64) -> Vec<(&'static str, String)> {
    let defaults = SimConfig::default();
    let mut pairs = vec![
        ("v", LINK_VERSION.to_string()),
        ("algo", setup.algo.name().to_string()),
        ("nodes", setup.sim.nodes.to_string()),
        ("seed", setup.seed.to_string()),
    ];
    if setup.sim.drop != defaults.drop {
        pairs.push(("drop", setup.sim.drop.to_string()));
    }
    if setup.sim.dup != defaults.dup {
        pairs.push(("dup", setup.sim.dup.to_string()));
    }
    if setup.sim.latency_ms != defaults.latency_ms {
        let [lo, hi] = setup.sim.latency_ms;
        pairs.push(("latency", format!("{lo}..{hi}")));
    }
    if setup.sim.network != defaults.network {
        pairs.push(("network", setup.sim.network.name().to_string()));
    }
    for spec in setup.algo.info().options {
        if let Some(value) = setup.options.get(spec.name).filter(|v| v.as_str() != spec.default) {
            pairs.push((spec.name, value.clone()));
        }
    }
    if let Some(bug) = setup.options.get(crate::options::BUG) {
        pairs.push((crate::options::BUG, bug.clone()));
    }
    if !setup.actions.is_empty() {
        let json = serde_json::to_string(&setup.actions).expect("actions serialize");
        if json.len() > COMPRESS_ACTIONS_OVER {
            pairs.push((PACKED_ACTIONS, pack(&json)));
        } else {
            pairs.push(("actions", json));
        }
    }
    pairs.push(("step", step.to_string()));
    pairs
}

/// The parameter of compressed actions.
const PACKED_ACTIONS: &str = "actions-z";
/// Longest actions JSON a compressed parameter may inflate to: the most
/// actions a run takes, at a generous size each.
const MAX_UNPACKED: usize = sim::action::MAX_ACTIONS * 256;

/// `json` compressed (DEFLATE, best compression) in unpadded base64url,
/// which needs no percent-encoding in a query.
fn pack(json: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 9))
}

/// The JSON text [`pack`] wrote; a reason when `packed` is not such text.
fn unpack(packed: &str) -> Result<String, String> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(packed)
        .map_err(|e| format!("not unpadded base64url: {e}"))?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&bytes, MAX_UNPACKED)
        .map_err(|e| format!("not DEFLATE data, or longer than {MAX_UNPACKED} bytes once inflated ({e})"))?;
    String::from_utf8(json).map_err(|_| "the inflated actions are not UTF-8 text".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(q: &str) -> Result<Query, SetupError> {
        let pairs: Vec<(&str, &str)> = q.split('&').filter_map(|kv| kv.split_once('=')).collect();
        parse(pairs)
    }

    #[test]
    fn a_slip_of_a_letter_or_two_names_the_parameter_meant() {
        let page = &["embed", "compare", "at"];
        let slips = [
            ("nodse", "nodes"),
            ("sed", "seed"),
            ("seeds", "seed"),
            ("heartbeat_m", "heartbeat_ms"),
            ("actions_z", "actions-z"),
            ("embd", "embed"),
            ("compar", "compare"),
        ];
        for (typed, meant) in slips {
            assert_eq!(misspelling(typed, page), Some(meant), "{typed}");
        }
        // A parameter some reader reads, or one no slip from one: left alone.
        for own in
            ["nodes", "bug", "heartbeat_ms", "embed", "at", "x", "ab", "algorithm", "utm_source", "beside", "lang"]
        {
            assert_eq!(misspelling(own, page), None, "{own}");
        }
        // The caller's own parameters count only when it names them.
        assert_eq!(misspelling("embd", &[]), None);
    }

    #[test]
    fn round_trips() {
        let q =
            parse_str(r#"algo=raft&nodes=7&seed=42&drop=0.05&latency=5..20&heartbeat_ms=20&actions=[{"step":3,"do":"heal"}]&step=9"#)
                .unwrap();
        assert_eq!(q.setup.sim.nodes, 7);
        assert_eq!(q.setup.seed, 42);
        assert_eq!(q.setup.sim.drop, 0.05);
        assert_eq!(q.setup.sim.latency_ms, [5, 20]);
        assert_eq!(q.setup.actions.len(), 1);
        assert_eq!(q.step, Some(9));
        assert_eq!(q.setup.options.get("heartbeat_ms").map(String::as_str), Some("20"));
        let pairs = encode(&q.setup, 9);
        let again = parse(pairs.iter().map(|(k, v)| (*k, v.as_str()))).unwrap();
        assert_eq!(again, q);
    }

    #[test]
    fn empty_query_is_the_default_world() {
        let q = parse([]).unwrap();
        assert_eq!(q.setup, Setup::default());
        assert_eq!(q.step, None);
    }

    #[test]
    fn bad_parameters_are_named() {
        for (query, field) in [
            ("algo=paxsos", "algo"),
            ("nodes=1000", "nodes"),
            ("nodes=0", "nodes"),
            ("seed=abc", "seed"),
            ("drop=2", "drop"),
            ("latency=40..10", "latency"),
            ("actions=[{\"step\":1,\"do\":\"crash\",\"node\":7}]", "actions"),
            ("actions=nope", "actions"),
            ("step=-1", "step"),
            ("heartbeat_ms=0", "heartbeat_ms"),
            // Found by the fuzzer: valid alone, not for this cluster (2PC's 4 nodes are 0..3).
            ("algo=2pc&vote_no=4", "vote_no"),
            ("algo=lock-fenced&ttl_ms=1", "drift_allowance_ms"),
        ] {
            let err = parse_str(query).unwrap_err();
            assert_eq!(err.field, field, "{query}: {err}");
        }
    }

    #[test]
    fn every_bad_parameter_is_named() {
        let pairs = [("algo", "nope"), ("nodes", "1000"), ("seed", "abc")];
        let errors = parse_all(pairs).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["algo", "nodes", "seed"]);
        let err = parse(pairs).unwrap_err();
        assert_eq!(err.field, "algo");
        let text = err.to_string();
        assert!(text.starts_with("algo: unknown algorithm \"nope\""), "{text}");
        assert!(text.contains("; nodes: ") && text.contains("; seed: expected a whole number"), "{text}");
    }

    /// A page opens the rest of a bad link: `?algo=abd&nodes=1000` opened
    /// Raft, the default world, instead of ABD at its default size.
    #[test]
    fn a_bad_link_opens_the_rest_of_it() {
        let fields = |bad: &Lenient| bad.errors.iter().map(|e| e.field).collect::<Vec<_>>();
        let bad = parse_lenient([("algo", "abd"), ("nodes", "1000"), ("seed", "7")]).unwrap_err();
        assert_eq!(fields(&bad), ["nodes"]);
        let rest = bad.rest.expect("the rest opens").setup;
        assert_eq!((rest.algo, rest.sim.nodes, rest.seed), (Algo::Abd, Setup::new(Algo::Abd).sim.nodes, 7));
        // A bad algorithm leaves Raft, with the link's other settings.
        let bad = parse_lenient([("algo", "nope"), ("nodes", "3"), ("seed", "abc")]).unwrap_err();
        assert_eq!(fields(&bad), ["algo", "seed"]);
        let rest = bad.rest.unwrap().setup;
        assert_eq!((rest.algo, rest.sim.nodes, rest.seed), (Algo::Raft, 3, Setup::default().seed));
        // An unknown scenario: the link's own setup, and its step.
        let bad = parse_lenient([("preset", "nope"), ("algo", "paxos"), ("step", "4")]).unwrap_err();
        assert_eq!(fields(&bad), ["preset"]);
        assert!(bad.errors[0].reason.ends_with("(a guided tour opens with tour=ID)"), "{}", bad.errors[0].reason);
        let rest = bad.rest.unwrap();
        assert_eq!((rest.setup.algo, rest.step, rest.preset), (Algo::Paxos, Some(4), None));
        // The setup's checks report one problem at a time: every one is
        // still named, in the link's order.
        let bad = parse_lenient([("heartbeat_ms", "0"), ("nodes", "0")]).unwrap_err();
        assert_eq!(fields(&bad), ["heartbeat_ms", "nodes"]);
        assert_eq!(bad.rest.unwrap().setup, Setup::default());
        // A link of another format opens nothing of its own, nor one whose
        // problem is named by a parameter it does not have (a default that
        // its other settings contradict).
        assert_eq!(parse_lenient([("v", "9"), ("algo", "paxos")]).unwrap_err().rest, None);
        let bad = parse_lenient([("algo", "lock-fenced"), ("ttl_ms", "1")]).unwrap_err();
        assert_eq!((fields(&bad), bad.rest), (vec!["drift_allowance_ms"], None));
        // A good link is the strict parse's.
        let good = [("algo", "paxos"), ("seed", "3")];
        assert_eq!(parse_lenient(good), Ok(parse(good).unwrap()));
    }

    fn reparse(pairs: &[(&'static str, String)]) -> Result<Query, SetupError> {
        parse(pairs.iter().map(|(k, v)| (*k, v.as_str())))
    }

    #[test]
    fn long_action_lists_are_compressed_and_reopen() {
        let mut setup = Setup::default();
        let clicks: Vec<String> = (1..=300)
            .map(|i| format!(r#"{{"step":{},"do":"{}","node":{}}}"#, i * 7, ["crash", "restart"][i % 2], i % 5))
            .collect();
        setup.actions = parse_actions(&format!("[{}]", clicks.join(",")), 5).unwrap();
        let pairs = encode(&setup, 2100);
        let packed = &pairs.iter().find(|(k, _)| *k == PACKED_ACTIONS).expect("compressed").1;
        let plain = serde_json::to_string(&setup.actions).unwrap();
        assert!(packed.len() * 5 < plain.len(), "{} bytes packed, {} plain", packed.len(), plain.len());
        assert!(packed.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{packed}");
        assert!(!pairs.iter().any(|(k, _)| *k == "actions"));
        let again = reparse(&pairs).unwrap();
        assert_eq!(again.setup, setup);
        assert_eq!(again.step, Some(2100));
    }

    #[test]
    fn short_action_lists_stay_readable() {
        let setup =
            Setup { actions: parse_actions(r#"[{"step":3,"do":"crash","node":1}]"#, 5).unwrap(), ..Setup::default() };
        let pairs = encode(&setup, 4);
        assert_eq!(pairs[0], ("v", "1".to_string()));
        let actions = &pairs.iter().find(|(k, _)| *k == "actions").unwrap().1;
        assert_eq!(actions, r#"[{"step":3,"do":"crash","node":1}]"#);
        assert_eq!(reparse(&pairs).unwrap().setup, setup);
    }

    #[test]
    fn preset_links_open_their_scenario() {
        let preset = &crate::presets::PRESETS[0];
        let pairs = encode_preset(preset.id, 12);
        let q = reparse(&pairs).unwrap();
        assert_eq!((q.setup, q.step, q.preset), (preset.load().setup, Some(12), Some(preset.id)));
        // The scenario's own parameters win over the link's.
        let q = parse_str(&format!("preset={}&seed=999", preset.id)).unwrap();
        assert_eq!((q.setup.seed, q.step), (preset.load().setup.seed, None));
        for (query, field) in [("preset=nope", "preset"), ("v=9&preset=X", "v")] {
            let query = query.replace('X', preset.id);
            assert_eq!(parse_str(&query).unwrap_err().field, field, "{query}");
        }
        assert_eq!(parse_str(&format!("preset={}&step=x", preset.id)).unwrap_err().field, "step");
    }

    #[test]
    fn links_name_their_format() {
        // Links written before the version existed still open.
        assert!(parse_str("algo=raft&seed=3").is_ok());
        assert!(parse_str("v=1&algo=raft&seed=3").is_ok());
        let err = parse_str("v=2&algo=raft").unwrap_err();
        assert_eq!(err.field, "v");
        assert!(err.reason.contains("newer Clusterscope (link format 2)"), "{err}");
        assert_eq!(parse_str("v=one").unwrap_err().field, "v");
    }

    #[test]
    fn damaged_compressed_actions_are_named() {
        for bad in ["!!!", "AAAA", "eJzLSM3JyVcozy_KSQEAGgQEXQ"] {
            let err = parse_str(&format!("actions-z={bad}")).unwrap_err();
            assert_eq!(err.field, PACKED_ACTIONS, "{bad}: {err}");
        }
        // Valid compression of something that is not an action list.
        let err = parse_str(&format!("actions-z={}", pack(r#"{"step":1}"#))).unwrap_err();
        assert_eq!(err.field, PACKED_ACTIONS);
        assert!(err.reason.contains("invalid type") || err.reason.contains("expected"), "{err}");
    }
}
