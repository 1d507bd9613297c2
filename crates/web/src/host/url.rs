//! The page's query string: read it into `(name, value)` pairs and write a
//! setup back, both through the browser's `URLSearchParams` (which does the
//! percent-encoding). The meaning of each parameter is `lab::query`'s.

use lab::Setup;
use wasm_bindgen::JsCast;
use web_sys::UrlSearchParams;

/// The current page's query, decoded.
pub fn read_pairs() -> Vec<(String, String)> {
    let Some(window) = web_sys::window() else { return Vec::new() };
    let search = window.location().search().unwrap_or_default();
    let Ok(params) = UrlSearchParams::new_with_str(&search) else { return Vec::new() };
    let mut out = Vec::new();
    if let Ok(Some(iter)) = js_sys::try_iter(&params.entries()) {
        for entry in iter.flatten() {
            let pair: js_sys::Array = entry.unchecked_into();
            let key = pair.get(0).as_string().unwrap_or_default();
            let value = pair.get(1).as_string().unwrap_or_default();
            out.push((key, value));
        }
    }
    out
}

/// The query for a setup at a step, percent-encoded, without the `?`.
pub fn query_for(setup: &Setup, step: u64) -> String {
    encode(lab::query::encode(setup, step))
}

/// The query for the run `core` shows, at its step: `preset=ID&step=N`
/// while the run is a catalog scenario, else its setup and actions.
pub fn query_of(core: &crate::model::core::Core) -> String {
    let step = core.session.steps();
    match core.scenario() {
        Some(p) => encode(lab::query::encode_preset(p.id, step)),
        None => query_for(&core.full_setup(), step),
    }
}

/// Pairs as a percent-encoded query, without the `?`.
fn encode(pairs: Vec<(&'static str, String)>) -> String {
    let Ok(params) = UrlSearchParams::new() else { return String::new() };
    for (key, value) in pairs {
        params.append(key, &value);
    }
    String::from(params.to_string())
}

/// The full link to the current page with this query.
pub fn link_for(query: &str) -> String {
    let Some(window) = web_sys::window() else { return String::new() };
    let loc = window.location();
    let origin = loc.origin().unwrap_or_default();
    let path = loc.pathname().unwrap_or_default();
    format!("{origin}{path}?{query}")
}

/// Replace the address bar's query (no new history entry).
pub fn replace_query(query: &str) {
    let Some(window) = web_sys::window() else { return };
    let current = window.location().search().unwrap_or_default();
    if current.strip_prefix('?').unwrap_or(&current) == query {
        return;
    }
    if let Ok(history) = window.history() {
        let hash = window.location().hash().unwrap_or_default();
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("?{query}{hash}")));
    }
}
