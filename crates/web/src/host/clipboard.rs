//! Copying a link to the clipboard, with a notice saying whether it worked.

use crate::model::cmd::Cmd;
use js_sys::Reflect;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::Callback;

/// Copy `text` to the clipboard, then say whether it worked.
pub fn copy_text(text: &str, send: Callback<Cmd>) {
    let shown = text.to_string();
    let clipboard = web_sys::window()
        .map(|w| w.navigator())
        .and_then(|n| Reflect::get(&n, &"clipboard".into()).ok())
        .filter(|c| !c.is_undefined() && !c.is_null());
    let promise = clipboard.and_then(|c| {
        let write = Reflect::get(&c, &"writeText".into()).ok()?.dyn_into::<js_sys::Function>().ok()?;
        write.call1(&c, &JsValue::from_str(text)).ok()?.dyn_into::<js_sys::Promise>().ok()
    });
    let failed = {
        let send = send.clone();
        let shown = shown.clone();
        move || send.emit(Cmd::Notify { text: format!("Copy this link: {shown}"), error: false })
    };
    match promise {
        Some(p) => {
            let ok = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| {
                send.emit(Cmd::Notify { text: "Link copied to the clipboard.".into(), error: false })
            });
            let failed = RefCell::new(Some(failed));
            let err = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| {
                if let Some(f) = failed.borrow_mut().take() {
                    f()
                }
            });
            let _ = p.then2(&ok, &err);
            // One of them runs once, later; a click's worth of memory is kept.
            ok.forget();
            err.forget();
        }
        None => failed(),
    }
}
