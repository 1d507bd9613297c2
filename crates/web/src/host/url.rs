//! The page's query string: read it into `(name, value)` pairs and write a
//! setup back, both through the browser's `URLSearchParams` (which does the
//! percent-encoding). The meaning of each parameter is `lab::query`'s.

use lab::Setup;
use std::cell::RefCell;
use std::rc::Rc;
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

/// The query for the run `core` shows, at its step: `preset=ID&step=N`
/// while the run is a catalog scenario, else its setup and actions.
pub fn query_of(core: &crate::model::core::Core) -> String {
    let step = core.session.steps();
    let mut pairs = match core.scenario() {
        Some(p) => lab::query::encode_preset(p.id, step),
        None => lab::query::encode(&core.full_setup(), step),
    };
    if core.spacetime.is_some() {
        pairs.push((crate::model::boot::VIEW, crate::model::boot::VIEW_SPACETIME.to_string()));
    }
    if let Some(twin) = core.compare.as_ref() {
        pairs.extend(twin.against.encode());
    }
    encode(pairs)
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

/// Put `query` in the address bar: a new history entry when the run's
/// inputs changed since the last one (`last` remembers them), so the
/// browser's Back returns to the previous state of the run; the same
/// entry, replaced, when only the step moved.
pub fn record_query(query: &str, inputs: &Setup, last: &RefCell<Option<Setup>>) {
    let mut last = last.borrow_mut();
    let changed = last.as_ref().is_some_and(|l| l != inputs);
    if last.as_ref() != Some(inputs) {
        *last = Some(inputs.clone());
    }
    if changed {
        push_query(query);
    } else {
        replace_query(query);
    }
}

fn push_query(query: &str) {
    let Some(window) = web_sys::window() else { return };
    if let Ok(history) = window.history() {
        let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("?{query}")));
    }
}

/// Back and Forward: open the query the browser went to. `last` is told
/// first, so that opening it is not recorded as a new entry.
pub fn listen_history(
    dispatch: yew::Callback<crate::model::cmd::Input>,
    last: Rc<RefCell<Option<Setup>>>,
) -> Option<gloo::events::EventListener> {
    let window = web_sys::window()?;
    Some(gloo::events::EventListener::new(&window, "popstate", move |_| {
        let pairs = read_pairs();
        // A tour's link is opened as the page first opened it: its file is fetched.
        if pairs.iter().any(|(k, _)| k == crate::model::tour::TOUR) {
            if let Some(window) = web_sys::window() {
                let _ = window.location().reload();
            }
            return;
        }
        let parsed = lab::query::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        *last.borrow_mut() = parsed.ok().map(|q| q.setup);
        dispatch.emit(crate::model::cmd::Input::Ui(crate::model::cmd::Cmd::OpenLink(pairs)));
    }))
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
