//! `window.clusterscope` for a page that embeds the app in an iframe: the
//! same verbs over `postMessage`, under the rules of [`crate::model::embed`].
//!
//! - A call is `{clusterscope: VERB, args: [...], id}`; only the verbs of
//!   [`VERBS`](crate::model::embed::VERBS) are answered, and only from the
//!   origins `?parent=` names (any origin when it names none).
//! - The answer, `{clusterscope: "reply", id, ok: true, result}` or
//!   `{..., ok: false, error}`, goes to the caller's window and origin,
//!   never to `"*"`.
//! - `{clusterscope: "ready", version, algo, step}` goes to the parent when
//!   the app is live; `ping` answers with the same at any time.
//! - `{clusterscope: "event", type, ...}` goes to the parent as the run
//!   changes (see [`Event`]).
//! - A long `step` or `seek` runs in slices of
//!   [`SLICE_STEPS`](crate::model::embed::SLICE_STEPS), giving the page the
//!   main thread between them; calls are answered in the order they came.

use crate::model::core::Core;
use crate::model::embed::{is_verb, Announcer, Event, Origins, TourAt, PROTOCOL_VERSION, SLICE_STEPS};
use gloo::timers::callback::Timeout;
use js_sys::{Array, Error, Function, Object, Reflect};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Window};

/// One call from a parent page, waiting for its turn.
struct Call {
    verb: String,
    /// The arguments, or what was sent in their place (as JSON) when it
    /// was not an array: the reply says so rather than calling without them.
    args: Result<Array, String>,
    id: JsValue,
    origin: String,
    source: Window,
}

struct State {
    api: Object,
    core: Rc<RefCell<Core>>,
    origins: Origins,
    /// Where events go: the origins named, or else the embedding page's
    /// (from the referrer, or the latest caller's).
    targets: Vec<String>,
    queue: VecDeque<Call>,
    /// A sliced call is in progress (its next slice is scheduled).
    busy: bool,
    announcer: Announcer,
}

/// The bridge; dropping it stops listening.
pub struct Bridge {
    state: Rc<RefCell<State>>,
    _listener: gloo::events::EventListener,
}

fn field(obj: &Object, name: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &name.into(), value);
}

fn message(kind: &str) -> Object {
    let obj = Object::new();
    field(&obj, "clusterscope", &kind.into());
    obj
}

/// The embedding page's origin as the referrer tells it, if it does.
fn referrer_origin(window: &Window) -> Option<String> {
    let referrer = window.document()?.referrer();
    let origin = web_sys::Url::new(&referrer).ok()?.origin();
    (origin != "null" && !origin.is_empty()).then_some(origin)
}

impl Bridge {
    /// Answer the parent's calls to `api`, from the origins `origins` allows.
    pub fn install(window: &Window, api: &Object, core: Rc<RefCell<Core>>, origins: Origins) -> Self {
        let targets = match origins.named() {
            [] => referrer_origin(window).into_iter().collect(),
            named => named.to_vec(),
        };
        let state = Rc::new(RefCell::new(State {
            api: api.clone(),
            core,
            origins,
            targets,
            queue: VecDeque::new(),
            busy: false,
            announcer: Announcer::default(),
        }));
        let on_message = state.clone();
        let listener = gloo::events::EventListener::new(window, "message", move |event| {
            let Some(event) = event.dyn_ref::<MessageEvent>() else { return };
            receive(&on_message, event);
        });
        let bridge = Self { state, _listener: listener };
        bridge.post_to_parent(&bridge.ready());
        bridge
    }

    /// `{clusterscope: "ready", version, algo, step}`.
    fn ready(&self) -> Object {
        ready_message(&self.state.borrow())
    }

    /// Post `msg` to the parent page at each target origin (a browser
    /// delivers it only where the origin matches).
    fn post_to_parent(&self, msg: &Object) {
        let Some(window) = web_sys::window() else { return };
        let Ok(Some(parent)) = window.parent() else { return };
        if parent == window {
            return; // not embedded
        }
        for origin in &self.state.borrow().targets {
            let _ = parent.post_message(msg, origin);
        }
    }

    /// Tell the parent what changed in the run since the last time.
    pub fn announce(&self, banner: Option<&str>, alarm: bool, caption: &str) {
        let events = {
            let mut state = self.state.borrow_mut();
            let state = &mut *state;
            let Ok(core) = state.core.try_borrow() else { return };
            // In a guided tour, the tour's caption is the one shown.
            match core.tour_view().as_ref().map(TourAt::of_view) {
                Some((text, at)) => state.announcer.changes(core.session.as_ref(), banner, alarm, &text, Some(at)),
                None => state.announcer.changes(core.session.as_ref(), banner, alarm, caption, None),
            }
        };
        for event in &events {
            self.post_to_parent(&event_message(event));
        }
    }
}

fn ready_message(state: &State) -> Object {
    let msg = message("ready");
    field(&msg, "version", &PROTOCOL_VERSION.into());
    if let Ok(core) = state.core.try_borrow() {
        field(&msg, "algo", &core.setup.algo.to_string().into());
        field(&msg, "step", &(core.session.steps() as f64).into());
    }
    msg
}

fn event_message(event: &Event) -> Object {
    let msg = message("event");
    field(&msg, "type", &event.kind().into());
    match event {
        Event::Step { step, time } => {
            field(&msg, "step", &(*step as f64).into());
            field(&msg, "time", &(*time as f64).into());
        }
        Event::Roles { roles } => {
            let list = Array::new();
            for &(node, role, status) in roles {
                let one = Object::new();
                field(&one, "node", &node.into());
                field(&one, "role", &role.into());
                field(&one, "status", &status.into());
                list.push(&one);
            }
            field(&msg, "nodes", &list);
        }
        Event::Banner { text, alarm } => {
            field(&msg, "text", &text.as_deref().map_or(JsValue::NULL, JsValue::from));
            field(&msg, "alarm", &(*alarm).into());
        }
        Event::Violation { step, property, detail, nodes } => {
            field(&msg, "step", &(*step as f64).into());
            field(&msg, "property", &(*property).into());
            field(&msg, "detail", &detail.as_str().into());
            field(&msg, "nodes", &nodes.iter().map(|&n| JsValue::from(n)).collect::<Array>());
        }
        Event::Caption { text, tour } => {
            field(&msg, "text", &text.as_str().into());
            if let Some(t) = tour {
                field(&msg, "tour", &t.id.as_str().into());
                field(&msg, "at", &(t.at as u32).into());
                field(&msg, "of", &(t.of as u32).into());
            }
        }
    }
    msg
}

/// A message arrived: queue it if it is a call we answer.
fn receive(state: &Rc<RefCell<State>>, event: &MessageEvent) {
    let data = event.data();
    let Some(verb) = Reflect::get(&data, &"clusterscope".into()).ok().and_then(|v| v.as_string()) else { return };
    let origin = event.origin();
    // A cross-origin parent is a WindowProxy of another realm: not an
    // `instanceof Window` here, yet it has `postMessage`.
    let Some(source) = event.source().map(|s| s.unchecked_into::<Window>()) else { return };
    {
        let mut s = state.borrow_mut();
        if !s.origins.allows(&origin) {
            return; // not ours to answer: silently ignored
        }
        // Our own messages echoed back, or another app's.
        if matches!(verb.as_str(), "reply" | "ready" | "event") {
            return;
        }
        if s.origins.named().is_empty() && !s.targets.contains(&origin) {
            // The page that talks to us is the one to tell about the run.
            s.targets = vec![origin.clone()];
        }
        let id = Reflect::get(&data, &"id".into()).unwrap_or(JsValue::NULL);
        let args = match Reflect::get(&data, &"args".into()) {
            Ok(a) if a.is_undefined() => Ok(Array::new()),
            Ok(a) => a.dyn_into::<Array>().map_err(|a| {
                js_sys::JSON::stringify(&a)
                    .ok()
                    .and_then(|t| t.as_string())
                    .unwrap_or_else(|| "a value JSON cannot write".into())
            }),
            Err(_) => Ok(Array::new()),
        };
        s.queue.push_back(Call { verb, args, id, origin, source });
        if s.busy {
            return;
        }
    }
    drain(state);
}

/// Answer queued calls in order; a long one runs a slice and comes back.
fn drain(state: &Rc<RefCell<State>>) {
    loop {
        let Some(call) = state.borrow_mut().queue.pop_front() else {
            state.borrow_mut().busy = false;
            return;
        };
        if let Some(rest) = slice(state, &call) {
            // More to do: the rest of this call goes first, after a pause.
            let mut s = state.borrow_mut();
            s.queue.push_front(rest);
            s.busy = true;
            let next = state.clone();
            Timeout::new(0, move || drain(&next)).forget();
            return;
        }
        answer(state, &call);
    }
}

/// For a `step` or `seek` that has more than a slice to simulate, do one
/// slice and return what is left; `None` when the call can run whole.
fn slice(state: &Rc<RefCell<State>>, call: &Call) -> Option<Call> {
    if call.verb != "step" && call.verb != "seek" {
        return None;
    }
    let api = state.borrow().api.clone();
    let now = state.borrow().core.try_borrow().ok()?.session.steps();
    let n = call.args.as_ref().ok()?.get(0).as_f64().filter(|n| n.is_finite() && *n >= 0.0 && n.fract() == 0.0)? as u64;
    let left = match call.verb.as_str() {
        "step" => n,
        _ => n.checked_sub(now)?,
    };
    if left <= SLICE_STEPS {
        return None;
    }
    let step = Reflect::get(&api, &"step".into()).ok()?.dyn_into::<Function>().ok()?;
    step.call1(&api, &(SLICE_STEPS as f64).into()).ok()?;
    let moved = state.borrow().core.try_borrow().ok()?.session.steps().saturating_sub(now);
    if moved == 0 {
        return None; // the run cannot go on: the whole call answers now
    }
    let args = match call.verb.as_str() {
        "step" => Ok(Array::of1(&((n - moved) as f64).into())),
        _ => call.args.clone(),
    };
    Some(Call {
        verb: call.verb.clone(),
        args,
        id: call.id.clone(),
        origin: call.origin.clone(),
        source: call.source.clone(),
    })
}

/// Run `call` and post its answer to the caller's window and origin.
fn answer(state: &Rc<RefCell<State>>, call: &Call) {
    let reply = message("reply");
    field(&reply, "id", &call.id);
    let outcome = match &call.args {
        _ if !is_verb(&call.verb) => Err(Error::new(&format!("unknown verb {:?}", call.verb)).into()),
        Err(got) => Err(Error::new(&format!("{}: args must be an array (or left out), got {got}", call.verb)).into()),
        Ok(_) if call.verb == "ping" => Ok(ready_message(&state.borrow()).into()),
        Ok(args) => {
            let api = state.borrow().api.clone();
            match Reflect::get(&api, &call.verb.as_str().into()).ok().and_then(|f| f.dyn_into::<Function>().ok()) {
                Some(f) => f.apply(&api, args),
                None => Err(Error::new(&format!("{} is not available on this page", call.verb)).into()),
            }
        }
    };
    match outcome {
        Ok(result) => {
            field(&reply, "ok", &JsValue::TRUE);
            field(&reply, "result", &result);
        }
        Err(e) => {
            let text = e.dyn_ref::<Error>().map_or_else(|| format!("{e:?}"), |e| String::from(e.message()));
            field(&reply, "ok", &JsValue::FALSE);
            field(&reply, "error", &text.into());
        }
    }
    let _ = call.source.post_message(&reply, &call.origin);
}
