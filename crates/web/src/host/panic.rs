//! A panic must never leave a blank page. The hook, installed before Yew
//! starts, writes an error panel straight into the DOM with plain `web_sys`
//! (Yew may be dead by then) and logs the message to the console. Release
//! builds abort on panic; the hook still runs first.

/// Install the hook (through Yew, so that Yew's renderer keeps it instead of
/// putting in its own console-only hook; it is still `std::panic::set_hook`).
pub fn install() {
    yew::set_custom_panic_hook(Box::new(|info| {
        crate::model::mark_panicked();
        let text = info.to_string();
        #[cfg(target_arch = "wasm32")]
        {
            web_sys::console::error_1(&format!("Clusterscope panicked: {text}").into());
            show_panel(&text);
        }
        #[cfg(not(target_arch = "wasm32"))]
        eprintln!("Clusterscope panicked: {text}");
    }));
}

/// Build the error panel with text nodes only: the message is never parsed as HTML.
#[cfg(target_arch = "wasm32")]
fn show_panel(text: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let Some(body) = doc.body() else { return };
    if doc.get_element_by_id("panic").is_some() {
        return;
    }
    let el = |tag: &str, content: &str| {
        let e = doc.create_element(tag).ok()?;
        e.set_text_content(Some(content));
        Some(e)
    };
    let Some(panel) = el("section", "") else { return };
    panel.set_id("panic");
    let _ = panel.set_attribute("role", "alert");
    let _ = panel.set_attribute("class", "panic-panel");
    let parts = [
        el("h2", "Clusterscope stopped: internal error"),
        el(
            "p",
            "The app hit a bug and cannot go on. The address bar still holds the last saved state of the world; \
             reload the page to continue from there, and please report the message below.",
        ),
        el("pre", text),
    ];
    for part in parts.into_iter().flatten() {
        let _ = panel.append_child(&part);
    }
    if let Some(reload) = el("a", "Reload") {
        let href = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
        let _ = reload.set_attribute("href", &href);
        let _ = reload.set_attribute("class", "button");
        let _ = panel.append_child(&reload);
    }
    let _ = body.prepend_with_node_1(&panel);
}
