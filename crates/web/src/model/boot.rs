//! Opening the app from its query: the world a link describes, the render
//! benchmark it asks for, or the rest of a bad link with a notice naming every
//! bad parameter. Pure: the query's pairs come from the host's URL.

use super::core::Core;
use super::embed::{embed_view, EmbedView, Origins};
use lab::Setup;

/// Furthest step a link replays to when it is opened (a few seconds of
/// simulation in the browser; a larger number would freeze the tab).
pub const MAX_LINK_STEP: u64 = 2_000_000;

/// `?view=spacetime` shows the space-time diagram.
pub const VIEW: &str = "view";

/// `?render-bench=NxM`: the render benchmark instead of a world.
const RENDER_BENCH: &str = "render-bench";

/// `view=spacetime` in a link shows the space-time diagram.
pub const VIEW_SPACETIME: &str = "spacetime";

/// The `view` a link asks for: `Some(true)` for the space-time diagram,
/// `Some(false)` for the canvas alone (`view=canvas`), `None` when it does
/// not say; an error names a value that is neither.
pub fn view_param(pairs: &[(String, String)]) -> Result<Option<bool>, String> {
    match pairs.iter().rev().find(|(k, _)| k == VIEW).map(|(_, v)| v.trim()) {
        None => Ok(None),
        Some(VIEW_SPACETIME) => Ok(Some(true)),
        Some("canvas") => Ok(Some(false)),
        Some(other) => Err(format!("view: expected {VIEW_SPACETIME} or canvas, got {other:?}")),
    }
}

/// The parameters the page reads beside the setup's ([`lab::query::KEYS`]
/// and the algorithms' options): the render benchmark, the embedding ones,
/// the view, the side-by-side world and the tour.
const PAGE_KEYS: &[&str] = &[
    RENDER_BENCH,
    super::embed::PARENT,
    super::embed::EMBED,
    super::embed::CONTROLS,
    super::embed::AUTOPLAY,
    VIEW,
    lab::compare::COMPARE,
    lab::compare::COMPARE_SET,
    super::tour::TOUR,
    super::tour::AT,
];

/// What the page opens with.
pub struct Boot {
    pub core: Core,
    /// `(nodes, messages)` when showing the render benchmark.
    pub bench: Option<(u32, u32)>,
    /// The origins `?parent=` allows to drive the app over `postMessage`.
    pub origins: Origins,
    /// `?embed=1`: the compact view for another page's iframe.
    pub embed: Option<EmbedView>,
    /// `?tour=ID&at=N`: the guided tour to fetch and open.
    pub tour: Option<super::tour::TourRequest>,
}

/// Read the page's query pairs: open the world they describe, or what the
/// rest of them describe with a notice naming every bad parameter.
pub fn boot(pairs: &[(String, String)]) -> Boot {
    let mut bench = None;
    let mut bench_error = None;
    if let Some((_, spec)) = pairs.iter().find(|(k, _)| k == RENDER_BENCH) {
        match super::bench::parse(spec) {
            Ok(b) => bench = Some(b),
            Err(e) => bench_error = Some(e),
        }
    }
    // A link spells its setup out, or names a catalog scenario
    // (`?preset=ID&step=N`), whose card then says what it shows.
    // A link with bad parameters opens the rest of it, and says which
    // were left out.
    let (parsed, invalid) = match lab::query::parse_lenient(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))) {
        Ok(q) => (Some(q), None),
        Err(bad) => {
            let shown = match (&bad.rest, bad.errors.len()) {
                (None, _) => "Showing the default world instead.",
                (Some(_), 1) => "Opened the rest of the link without it.",
                (Some(_), _) => "Opened the rest of the link without them.",
            };
            let text = match bad.errors.as_slice() {
                [e] => format!("The link's “{}” parameter is invalid ({}). {shown}", e.field, e.reason),
                errors => {
                    let names: Vec<String> = errors.iter().map(|e| format!("“{}”", e.field)).collect();
                    let reasons: Vec<String> = errors.iter().map(ToString::to_string).collect();
                    match names.split_last() {
                        Some((last, others)) => format!(
                            "The link's {} and {last} parameters are invalid ({}). {shown}",
                            others.join(", "),
                            reasons.join("; ")
                        ),
                        None => shown.to_string(),
                    }
                }
            };
            (bad.rest.map(|q| *q), Some(text))
        }
    };
    let mut core = match parsed {
        Some(q) if q.step.is_some_and(|s| s > MAX_LINK_STEP) => {
            let mut core = Core::new(q.setup, Some(MAX_LINK_STEP));
            core.notify(
                    format!("The link's “step” is past {MAX_LINK_STEP}, the most a link replays on opening; showing step {MAX_LINK_STEP}."),
                    true,
                );
            core
        }
        Some(q) => {
            let mut core = Core::new(q.setup, q.step);
            // A moment the run never reaches (it ran out of things to happen
            // first, as a protocol waiting for a client does) is said, not
            // silently replaced by the last step.
            let at = core.session.steps();
            if let Some(asked) = q.step.filter(|&s| s > at && core.session.next_event_time().is_none()) {
                core.notify(
                    format!("The link's “step” is {asked}, but the run has nothing left to happen after step {at}; showing step {at}."),
                    true,
                );
            }
            if let Some(id) = q.preset {
                core.show_scenario(id);
            }
            core
        }
        None => Core::new(Setup::default(), None),
    };
    if let Some(text) = invalid {
        core.notify(text, true);
    }
    if let Some(e) = bench_error {
        core.notify(e, true);
    }
    let (origins, errors) = Origins::from_query(pairs);
    for e in errors {
        core.notify(format!("The link's {e}; messages from that origin will be ignored."), true);
    }
    let (embed, errors) = embed_view(pairs);
    for e in errors {
        core.notify(format!("The link's {e}."), true);
    }
    match view_param(pairs) {
        Ok(Some(true)) => {
            let _ = core.apply(super::cmd::Cmd::ShowDiagram(true));
        }
        Ok(_) => {}
        Err(e) => core.notify(format!("The link's {e}."), true),
    }
    match lab::compare::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))) {
        Ok(None) => {}
        Ok(Some(against)) => {
            if let Err(e) = core.apply(super::cmd::Cmd::Compare(Some(against))) {
                core.notify(format!("The link's side-by-side view cannot open: {e}."), true);
            }
        }
        Err(e) => core.notify(format!("The link's “{}” parameter is invalid ({}).", e.field, e.reason), true),
    }
    let tour = super::tour::request(pairs).unwrap_or_else(|e| {
        core.notify(format!("The link's {e}."), true);
        None
    });
    // A parameter no one reads is left alone (an embedding page may add its
    // own), unless it is a slip from one that is read: then the link does
    // not do what its author meant, and the notice says which was meant.
    let mut named: Vec<&str> = Vec::new();
    for (key, _) in pairs {
        if let Some(meant) = lab::query::misspelling(key, PAGE_KEYS).filter(|_| !named.contains(&key.as_str())) {
            named.push(key);
            core.notify(
                format!(
                    "The link's “{key}” parameter is not one the app reads, so it was ignored: did you mean “{meant}”?"
                ),
                true,
            );
        }
    }
    Boot { core, bench, origins, embed, tour }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(q: &[(&str, &str)]) -> Vec<(String, String)> {
        q.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn a_link_opens_its_world_and_a_bad_one_says_why() {
        // Any algorithm of the catalog and any scenario will do: the first ones.
        let (algo, preset) = (lab::Setup::default().algo.info().name, lab::presets::PRESETS[0].id);
        let b = boot(&pairs(&[("algo", algo), ("nodes", "3"), ("seed", "7"), ("step", "20")]));
        assert_eq!((b.core.node_count(), b.core.session.seed(), b.core.session.steps()), (3, 7, 20));
        assert!(b.core.notices.is_empty() && b.bench.is_none());
        let b = boot(&pairs(&[("nodes", "1000")]));
        assert_eq!(b.core.node_count(), 5);
        assert!(b.core.notices[0].text.contains("“nodes” parameter is invalid"), "{:?}", b.core.notices);
        // The rest of a bad link opens: the algorithm and seed it names.
        let b = boot(&pairs(&[("algo", "paxos"), ("nodes", "1000"), ("seed", "7")]));
        assert_eq!((b.core.setup.algo, b.core.session.seed()), (lab::Algo::Paxos, 7));
        assert_eq!(b.core.notices.len(), 1, "{:?}", b.core.notices);
        assert!(b.core.notices[0].text.ends_with("Opened the rest of the link without it."), "{:?}", b.core.notices);
        let b = boot(&pairs(&[("algo", "nope"), ("nodes", "3"), ("seed", "x")]));
        assert_eq!(b.core.node_count(), 3);
        let text = &b.core.notices[0].text;
        assert!(text.starts_with("The link's “algo” and “seed” parameters are invalid (algo: "), "{text}");
        assert!(text.contains("; seed: ") && text.ends_with("without them."), "{text}");
        // A link of a later format opens nothing of its own.
        let b = boot(&pairs(&[("v", "9"), ("algo", "paxos")]));
        assert_eq!(b.core.setup.algo, lab::Algo::Raft);
        assert!(b.core.notices[0].text.ends_with("Showing the default world instead."), "{:?}", b.core.notices);
        let b = boot(&pairs(&[("preset", preset), ("step", "x")]));
        assert!(b.core.notices[0].text.contains("“step”"), "{:?}", b.core.notices);
        let b = boot(&pairs(&[("render-bench", "10x100")]));
        assert_eq!(b.bench, Some((10, 100)));
        // An embedding page's origin allow-list, and a bad entry named.
        let b = boot(&pairs(&[("parent", "https://docs.example.org"), ("parent", "docs.example.org")]));
        assert!(b.origins.allows("https://docs.example.org") && !b.origins.allows("https://else.example"));
        assert!(b.core.notices[0].text.contains("parent: expected an origin"), "{:?}", b.core.notices);
        // A tour is fetched after the page opens; a bad id is named at once.
        let b = boot(&pairs(&[("tour", "raft-basics"), ("at", "3")]));
        assert_eq!(b.tour, Some(crate::model::tour::TourRequest { id: "raft-basics".into(), at: 3 }));
        // The space-time diagram, and a view that is not one.
        let b = boot(&pairs(&[("view", "spacetime"), ("step", "40")]));
        assert_eq!(b.core.spacetime.as_ref().map(|r| r.diagram.last_step()), Some(40));
        let b = boot(&pairs(&[("view", "timeline")]));
        assert!(b.core.spacetime.is_none());
        assert!(b.core.notices[0].text.contains("view: expected spacetime or canvas"), "{:?}", b.core.notices);
        // A step past the run's end: the run waits for a client from step 0.
        let idle = lab::ALGOS.iter().map(|i| i.name).find(|name| {
            let b = boot(&pairs(&[("algo", name), ("step", "1")]));
            b.core.session.next_event_time().is_none()
        });
        let idle = idle.expect("some protocol of the catalog waits for a client");
        let b = boot(&pairs(&[("algo", idle), ("step", "300")]));
        assert_eq!(b.core.session.steps(), 0);
        assert!(
            b.core.notices[0].text.contains("“step” is 300") && b.core.notices[0].text.contains("after step 0"),
            "{:?}",
            b.core.notices
        );
        // A slip of a parameter's name is said (once), with the one meant;
        // the rest of the link still opens, and a parameter of the
        // embedding page's own is no one's business.
        let b = boot(&pairs(&[("algo", algo), ("nodse", "3"), ("seed", "7"), ("nodse", "4"), ("utm_source", "docs")]));
        assert_eq!((b.core.node_count(), b.core.session.seed()), (5, 7));
        let texts: Vec<&str> = b.core.notices.iter().map(|n| n.text.as_str()).collect();
        assert_eq!(
            texts,
            ["The link's “nodse” parameter is not one the app reads, so it was ignored: did you mean “nodes”?"]
        );
        let b = boot(&pairs(&[("embd", "1"), ("compare_sett", "x=1")]));
        assert!(b.core.notices[0].text.contains("did you mean “embed”?"), "{:?}", b.core.notices);
        assert!(b.core.notices[1].text.contains("did you mean “compare_set”?"), "{:?}", b.core.notices);
        let b = boot(&pairs(&[("tour", "../secret")]));
        assert!(b.tour.is_none() && b.core.notices[0].text.starts_with("The link's tour: "), "{:?}", b.core.notices);
    }

    /// The app's whole query edge, fuzzed: whatever a link holds, the app
    /// opens a world, and every problem is a notice naming a parameter
    /// (`cargo xtask fuzz` runs a million; the test run a slice).
    mod fuzz {
        use super::*;
        use proptest::prelude::*;

        fn config() -> ProptestConfig {
            let cases = std::env::var("FUZZ_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(1_000);
            ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
        }

        const KEYS: &[&str] = &[
            "v",
            "algo",
            "nodes",
            "seed",
            "drop",
            "dup",
            "latency",
            "actions",
            "actions-z",
            "step",
            "preset",
            "bug",
            "heartbeat_ms",
            "ttl_ms",
            "embed",
            "controls",
            "autoplay",
            "parent",
            "render-bench",
            "tour",
            "at",
            "x",
        ];

        fn value() -> impl Strategy<Value = String> {
            prop_oneof![
                ".{0,12}",
                (0u64..400).prop_map(|n| n.to_string()),
                any::<u64>().prop_map(|n| n.to_string()),
                prop::sample::select(lab::ALGOS.iter().map(|i| i.name).collect::<Vec<_>>()).prop_map(str::to_string),
                prop::sample::select(lab::presets::PRESETS.iter().map(|p| p.id).collect::<Vec<_>>())
                    .prop_map(str::to_string),
                Just(r#"[{"step":3,"do":"crash","node":1}]"#.to_string()),
                Just("https://docs.example.org".to_string()),
                "[0-9]{1,3}x[0-9]{1,4}",
            ]
        }

        proptest! {
            #![proptest_config(config())]

            #[test]
            fn any_query_opens_a_world_and_names_what_it_refused(
                pairs in prop::collection::vec((prop::sample::select(KEYS), value()), 0..6)
            ) {
                // A huge `step` replays for seconds by design (up to MAX_LINK_STEP): keep the slice quick.
                let pairs: Vec<(String, String)> = pairs
                    .into_iter()
                    .filter(|(k, v)| *k != "step" || v.parse::<u64>().map_or(true, |n| n < 5_000))
                    .filter(|(k, v)| *k != "render-bench" || v.len() < 8)
                    .map(|(k, v)| (k.to_string(), v))
                    .collect();
                let b = boot(&pairs);
                prop_assert!(b.core.node_count() >= 1);
                for notice in &b.core.notices {
                    prop_assert!(
                        KEYS.iter().any(|k| notice.text.contains(k)) || notice.text.contains("MAX") || notice.text.contains("step"),
                        "a notice that names no parameter: {:?} for {pairs:?}", notice.text
                    );
                }
            }
        }
    }
}
