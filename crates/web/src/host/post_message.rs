//! `window.clusterscope` for a page that embeds the app in an iframe: the
//! same verbs over `postMessage`.

use js_sys::{Error, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The same verbs for a page that embeds the app in an iframe:
/// `iframe.contentWindow.postMessage({clusterscope: "step", args: [10], id: 1}, "*")`
/// is answered with `{clusterscope: "reply", id: 1, ok: true, result}` (or
/// `ok: false, error: "message"`) posted back to the sender.
pub fn post_message_bridge(window: &web_sys::Window, api: &Object) -> gloo::events::EventListener {
    let api = api.clone();
    gloo::events::EventListener::new(window, "message", move |event| {
        let Some(event) = event.dyn_ref::<web_sys::MessageEvent>() else { return };
        let data = event.data();
        let Some(verb) = Reflect::get(&data, &"clusterscope".into()).ok().and_then(|v| v.as_string()) else {
            return;
        };
        if verb == "reply" || verb.starts_with("__") {
            return;
        }
        let id = Reflect::get(&data, &"id".into()).unwrap_or(JsValue::NULL);
        let args = Reflect::get(&data, &"args".into())
            .ok()
            .and_then(|a| a.dyn_into::<js_sys::Array>().ok())
            .unwrap_or_default();
        let reply = Object::new();
        let _ = Reflect::set(&reply, &"clusterscope".into(), &"reply".into());
        let _ = Reflect::set(&reply, &"id".into(), &id);
        let outcome =
            match Reflect::get(&api, &verb.as_str().into()).ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok()) {
                Some(f) => f.apply(&api, &args),
                None => Err(Error::new(&format!("unknown verb {verb:?}")).into()),
            };
        match outcome {
            Ok(result) => {
                let _ = Reflect::set(&reply, &"ok".into(), &JsValue::TRUE);
                let _ = Reflect::set(&reply, &"result".into(), &result);
            }
            Err(e) => {
                let text = e.dyn_ref::<Error>().map_or_else(|| format!("{e:?}"), |e| String::from(e.message()));
                let _ = Reflect::set(&reply, &"ok".into(), &JsValue::FALSE);
                let _ = Reflect::set(&reply, &"error".into(), &text.into());
            }
        }
        if let Some(source) = event.source().map(|s| s.unchecked_into::<web_sys::Window>()) {
            let _ = source.post_message(&reply, "*");
        }
    })
}
