//! The simulator benchmark (`?sim-bench=5`): the native benchmark scenario
//! (`lab::scenario`, also run by `cli bench` and `cargo bench -p cli`) run in
//! the browser's wasm, so the two speeds compare directly. Instead of the app
//! it runs, once:
//!
//! 1. one run of `steps` events (default 1,000,000), timing the first and
//!    last `window` events and sampling the wasm memory (and the longest
//!    log, which it holds) every 100,000 events;
//!    this is the page's first run, cold: V8 starts wasm on its baseline
//!    compiler and tiers hot functions up to the optimizing one while they
//!    run, so its first events are several times slower than the rest (the
//!    native binary has no such phase);
//! 2. the same run again, warm, timed the same way: the speed to compare
//!    with native (`cold` in the output keeps the first run's figures);
//! 3. a run of `seek-steps` events (default 100,000) sent to `seeks` steps
//!    spread over it, timing each seek.
//!
//! It writes the figures as JSON into `<pre id="sim-bench-result">` and
//! `window.clusterscopeSimBench`. `cargo xtask bench` opens this page in
//! headless Chromium and prints them beside the native ones. This is a
//! measurement, not a test: nothing here passes or fails.

use lab::scenario;
use serde_json::json;
use wasm_bindgen::JsCast;

/// Events between two memory samples.
const SAMPLE_EVERY: u64 = 100_000;

/// The benchmark's settings, read from the query string.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub nodes: u32,
    pub steps: u64,
    pub window: u64,
    pub seek_steps: u64,
    pub seeks: u32,
}

/// Read the settings; a bad value is an error naming its parameter.
pub fn parse(get: impl Fn(&str) -> Option<String>) -> Result<Settings, String> {
    fn num<T: std::str::FromStr + PartialOrd + std::fmt::Display>(
        get: &impl Fn(&str) -> Option<String>,
        name: &str,
        default: T,
        range: (T, T),
    ) -> Result<T, String> {
        let Some(text) = get(name).filter(|t| !t.is_empty()) else { return Ok(default) };
        match text.trim().parse::<T>() {
            Ok(v) if v >= range.0 && v <= range.1 => Ok(v),
            _ => Err(format!("{name}: must be a number from {} to {}, got {text:?}", range.0, range.1)),
        }
    }
    // The scenario's own algorithm sets the limit, whichever it is.
    let max_nodes = scenario::setup(1, 0).algo.info().max_nodes;
    Ok(Settings {
        nodes: num(&get, "sim-bench", 5, (1, max_nodes))?,
        steps: num(&get, "steps", 1_000_000, (1, 50_000_000))?,
        window: num(&get, "window", 100_000, (1, 50_000_000))?,
        seek_steps: num(&get, "seek-steps", 100_000, (1, 10_000_000))?,
        seeks: num(&get, "seeks", 50, (1, 10_000))?,
    })
}

/// Milliseconds of `performance.now()`, in seconds.
fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now() / 1000.0)
}

/// The wasm memory in MB (it only grows, so a sample is a high-water mark).
fn wasm_memory_mb() -> f64 {
    let memory = wasm_bindgen::memory();
    js_sys::Reflect::get(&memory, &"buffer".into())
        .ok()
        .and_then(|b| b.dyn_into::<js_sys::ArrayBuffer>().ok())
        .map_or(0.0, |b| f64::from(b.byte_length()) / 1e6)
}

/// Run the benchmark and return its figures as JSON text.
pub fn run(settings: &Settings) -> String {
    // [step, MB, longest log]: memory against the state it holds.
    let mut memory = vec![json!([0, wasm_memory_mb(), 0])];
    let long = scenario::long_run(settings.nodes, 1, settings.steps, settings.window, &now, SAMPLE_EVERY, &mut |s| {
        memory.push(json!([s.steps(), wasm_memory_mb(), scenario::longest_log(s)]))
    });
    let warm = scenario::long_run(settings.nodes, 1, settings.steps, settings.window, &now, u64::MAX, &mut |_| {});
    let mut seeks = scenario::seek_times(settings.nodes, 1, settings.seek_steps, settings.seeks, &now);
    protocol::sort::sort_by(&mut seeks, f64::total_cmp);
    let mean = seeks.iter().sum::<f64>() / seeks.len().max(1) as f64;
    json!({
        "nodes": settings.nodes,
        "steps": warm.steps,
        "seconds": warm.seconds,
        "events_per_second": warm.steps as f64 / warm.seconds,
        "first_window": warm.first_window,
        "last_window": warm.last_window,
        "longest_log": warm.longest_log,
        "actions": warm.actions,
        "memory_mb": memory,
        "cold": {
            "seconds": long.seconds,
            "events_per_second": long.steps as f64 / long.seconds,
            "first_window": long.first_window,
            "last_window": long.last_window,
        },
        "seek": {
            "run_steps": settings.seek_steps,
            "targets": seeks.len(),
            "median_ms": seeks.get(seeks.len() / 2).copied().unwrap_or(0.0),
            "mean_ms": mean,
            "max_ms": seeks.last().copied().unwrap_or(0.0),
        },
    })
    .to_string()
}

/// If the page was opened with `?sim-bench`, run the benchmark instead of
/// the app and return `true`.
pub fn run_if_asked() -> bool {
    let Some(window) = web_sys::window() else { return false };
    let search = window.location().search().unwrap_or_default();
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else { return false };
    if !params.has("sim-bench") {
        return false;
    }
    let document = window.document().expect("a page has a document");
    let out = document.create_element("pre").expect("pre is an element");
    out.set_id("sim-bench-result");
    let text = match parse(|name| params.get(name)) {
        Ok(settings) => run(&settings),
        Err(e) => json!({ "error": e }).to_string(),
    };
    out.set_text_content(Some(&text));
    if let Ok(value) = js_sys::JSON::parse(&text) {
        let _ = js_sys::Reflect::set(&window, &"clusterscopeSimBench".into(), &value);
    }
    document.body().expect("a page has a body").append_child(&out).expect("append");
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    #[test]
    fn settings_default_and_name_the_bad_parameter() {
        let s = parse(query(&[("sim-bench", "")])).unwrap();
        assert_eq!(s, Settings { nodes: 5, steps: 1_000_000, window: 100_000, seek_steps: 100_000, seeks: 50 });
        let s = parse(query(&[("sim-bench", "9"), ("steps", "2000")])).unwrap();
        assert_eq!((s.nodes, s.steps), (9, 2000));
        let e = parse(query(&[("sim-bench", "5"), ("steps", "lots")])).unwrap_err();
        assert_eq!(e, "steps: must be a number from 1 to 50000000, got \"lots\"");
        let e = parse(query(&[("sim-bench", "10")])).unwrap_err();
        assert!(e.starts_with("sim-bench: must be a number from 1 to 9"), "{e}");
    }
}
