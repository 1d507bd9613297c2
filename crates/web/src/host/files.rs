//! Files in and out: hand a [`Download`] to the browser, and read a file
//! the user chose, dropped on the page or pasted as text into a
//! [`Cmd::OpenFile`]. What the files mean is `model::files` and `lab::file`.

use crate::model::cmd::{Cmd, Input};
use crate::model::files::{size_text, Download, MAX_OPEN_BYTES};
use gloo::events::{EventListener, EventListenerOptions};
use gloo::timers::callback::Timeout;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, ClipboardEvent, DragEvent, File, HtmlAnchorElement, Url};
use yew::Callback;

/// The id of the page's file input (the "Open file" button's, and the one
/// the `o` shortcut clicks).
pub const OPEN_INPUT_ID: &str = "open-file";

/// Save `file` through the browser's download.
pub fn download(file: &Download) -> Result<(), String> {
    let failed = |what: &str| format!("Saving {} failed: {what}.", file.name);
    let parts = js_sys::Array::of1(&JsValue::from_str(&file.text));
    let options = BlobPropertyBag::new();
    options.set_type(file.mime);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options).map_err(|_| failed("no memory for it"))?;
    let url = Url::create_object_url_with_blob(&blob).map_err(|_| failed("the browser refused a file URL"))?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or_else(|| failed("no document"))?;
    let link: HtmlAnchorElement = document.create_element("a").map_err(|_| failed("no link element"))?.unchecked_into();
    link.set_href(&url);
    link.set_download(&file.name);
    link.set_hidden(true);
    if let Some(body) = document.body() {
        let _ = body.append_child(&link);
        link.click();
        let _ = body.remove_child(&link);
    }
    // The browser reads the file after this task; let it go a little later.
    Timeout::new(60_000, move || {
        let _ = Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

/// Read `file` as text and open it; a file too large says so.
pub fn open_file(file: &File, dispatch: &Callback<Input>) {
    let size = file.size() as u64;
    if size > MAX_OPEN_BYTES {
        let text =
            format!("{} is {}; the app opens files up to {}.", file.name(), size_text(size), size_text(MAX_OPEN_BYTES));
        dispatch.emit(Input::Ui(Cmd::Notify { text, error: true }));
        return;
    }
    let name = file.name();
    let ok = {
        let dispatch = dispatch.clone();
        Closure::once(move |text: JsValue| {
            dispatch.emit(Input::Ui(Cmd::OpenFile(text.as_string().unwrap_or_default())))
        })
    };
    let failed = {
        let dispatch = dispatch.clone();
        Closure::once(move |_: JsValue| {
            dispatch.emit(Input::Ui(Cmd::Notify { text: format!("{name} could not be read."), error: true }))
        })
    };
    let _ = file.text().then2(&ok, &failed);
    // One of them runs once, later.
    ok.forget();
    failed.forget();
}

/// Files dropped anywhere on the page, and JSON pasted outside a text
/// field, are opened. The listeners live as long as the returned value.
pub fn listen(dispatch: Callback<Input>) -> Option<[EventListener; 3]> {
    let document = web_sys::window()?.document()?;
    let options = EventListenerOptions::enable_prevent_default();
    // Dragging files over the page: say a drop is welcome.
    let over = EventListener::new_with_options(&document, "dragover", options, |event| {
        let Some(e) = event.dyn_ref::<DragEvent>() else { return };
        if e.data_transfer().is_some_and(|d| d.types().includes(&"Files".into(), 0)) {
            e.prevent_default();
        }
    });
    let drop_dispatch = dispatch.clone();
    let drop = EventListener::new_with_options(&document, "drop", options, move |event| {
        let Some(e) = event.dyn_ref::<DragEvent>() else { return };
        if let Some(file) = e.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)) {
            e.prevent_default();
            open_file(&file, &drop_dispatch);
        }
    });
    let paste = EventListener::new(&document, "paste", move |event| {
        let Some(e) = event.dyn_ref::<ClipboardEvent>() else { return };
        if super::keys::typing_in(e.target()) {
            return;
        }
        let text = e.clipboard_data().and_then(|d| d.get_data("text").ok()).unwrap_or_default();
        // Only what looks like a file: other pastes are not the app's.
        if text.trim_start().starts_with('{') {
            dispatch.emit(Input::Ui(Cmd::OpenFile(text)));
        }
    });
    Some([over, drop, paste])
}

/// Open the file chooser, as the "Open file" button does.
pub fn choose() {
    if let Some(input) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(OPEN_INPUT_ID)) {
        if let Some(input) = input.dyn_ref::<web_sys::HtmlElement>() {
            input.click();
        }
    }
}
