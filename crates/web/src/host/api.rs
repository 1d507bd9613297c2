//! `window.clusterscope`: the scripting API for tests and embedding pages.
//!
//! | call | does |
//! | --- | --- |
//! | `state()` | the current step as the trace shows it, plus `in_flight` messages with ids |
//! | `step(n = 1)`, `back(n = 1)`, `seek(step)` | move through the run; return the new step |
//! | `play()`, `pause()` | start or stop playback |
//! | `act(action)` | apply an action now: an object or JSON string like `{"do":"crash","node":2}` |
//! | `request(node?)` | send the client request the protocol offers (the caption's Send button, `q`): to `node`, which must take one now, or else to the selected node or one that takes it; returns the action sent, as the trace lists it (`{step, do: "request", node, cmd}`) |
//! | `trace()`, `traceText()` | the whole trace up to now, as an object or as the CLI's exact text |
//! | `open(text)` | open the text of a run file or a trace, as the File menu does; throws, naming the field, if it cannot (the run is kept) |
//! | `runFile()` | the run file of the current run at its step, as "Save run" writes it |
//! | `layout()` | where things are drawn, in CSS pixels relative to the canvas: `{width, height, nodes: [{id, x, y, r}], messages: [{id, x, y}]}` (as of the last frame) |
//! | `check(budgets)` | model-check from the current step in a Web Worker (budgets as the Check panel's fields: `{depth, crashes, drops, dups, requests, commands, max_states, memory_mb, strategy, walks, walk_seed}`); a promise of the outcome (`unique`, `generated`, `depth`, `stop`, `violation`, `counterexample` run file, `seconds`, `memory_mb`), rejected on a bad field (named), a cancel or a failure |
//! | `cancelCheck()`, `checkStatus()` | end the running check; `"idle"`, `"running"`, `"done"`, `"failed"` or `"cancelled"` |
//! | `ready` | `true` once loaded (a `clusterscope:ready` event is dispatched too) |
//! | `__panicForTest()` | test hook only: panics, to show the error panel |
//! | `__checkPanicForTest()` | test hook only: a check whose worker panics, to show the error in the checker's panel |
//!
//! An embedding page reaches the same verbs through `postMessage` (see
//! [`super::post_message`]).
//!
//! Every call goes through the same reducer as the UI, so the canvas and
//! panels follow. Bad arguments throw an `Error` whose message names the
//! function and the problem.

use crate::canvas::stage::View;
use crate::model::check::CheckCmd;
use crate::model::cmd::{Cmd, Input};
use crate::model::core::Core;
use js_sys::{Error, Object, Reflect, JSON};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::Callback;

type ApiFn = Closure<dyn Fn(JsValue) -> Result<JsValue, JsValue>>;

/// The installed API; dropping it removes `window.clusterscope`.
pub struct Api {
    /// `window.clusterscope` itself.
    pub object: Object,
    _closures: Vec<ApiFn>,
}

impl Drop for Api {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            let _ = Reflect::delete_property(&window, &"clusterscope".into());
        }
    }
}

fn fail(text: String) -> JsValue {
    Error::new(&text).into()
}

/// A whole number of steps from a script argument (`undefined` → `default`).
fn count(name: &str, arg: &str, value: &JsValue, default: Option<u64>) -> Result<u64, JsValue> {
    if value.is_undefined() {
        if let Some(d) = default {
            return Ok(d);
        }
    }
    match value.as_f64() {
        Some(v) if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= 9_007_199_254_740_991.0 => Ok(v as u64),
        _ => {
            // JSON has no word for NaN or the infinities (it writes null): say them as typed.
            let shown = match value.as_f64() {
                Some(v) if v.is_nan() => "NaN".into(),
                Some(v) if v.is_infinite() => if v > 0.0 { "Infinity" } else { "-Infinity" }.into(),
                _ => JSON::stringify(value).ok().and_then(|s| s.as_string()).unwrap_or_else(|| "undefined".into()),
            };
            Err(fail(format!("{name}: {arg} must be a non-negative integer, got {shown}")))
        }
    }
}

/// What `compare(...)` was given: `null` (close the view), an algorithm's
/// name, or `{algo, set}` with `set` as in a link's `compare_set`.
fn compare_spec(spec: &JsValue) -> Result<Option<lab::compare::Against>, String> {
    if spec.is_null() || spec.is_undefined() {
        return Ok(None);
    }
    let field = |name: &str| Reflect::get(spec, &name.into()).ok().and_then(|v| v.as_string());
    let (algo, set) = match spec.as_string() {
        Some(algo) => (algo, None),
        None if spec.is_object() => {
            let algo = field("algo").ok_or("expected {algo: \"NAME\", set: \"NAME=VALUE,...\"}, without algo")?;
            (algo, field("set"))
        }
        None => return Err("expected an algorithm's name, {algo, set} or null".into()),
    };
    let mut pairs = vec![(lab::compare::COMPARE, algo.as_str())];
    if let Some(set) = set.as_deref() {
        pairs.push((lab::compare::COMPARE_SET, set));
    }
    lab::compare::parse(pairs).map_err(|e| format!("{}: {}", e.field, e.reason))
}

/// The fields a script's `check({depth: 8, ...})` sets, as the panel's
/// text (numbers and strings; `commands` may be an array).
fn check_fields(options: &JsValue) -> Result<Vec<(String, String)>, String> {
    if options.is_undefined() || options.is_null() {
        return Ok(Vec::new());
    }
    if !options.is_object() {
        return Err("expected an object of budgets like {depth: 8, requests: 1}".into());
    }
    let mut pairs = Vec::new();
    for key in Object::keys(options.unchecked_ref::<Object>()).iter() {
        let name = key.as_string().unwrap_or_default();
        let value = Reflect::get(options, &key).unwrap_or(JsValue::UNDEFINED);
        let text = if let Some(s) = value.as_string() {
            s
        } else if let Some(n) = value.as_f64() {
            n.to_string()
        } else if let Some(b) = value.as_bool() {
            b.to_string()
        } else if value.is_null() {
            String::new()
        } else if js_sys::Array::is_array(&value) {
            js_sys::Array::from(&value).iter().filter_map(|v| v.as_string()).collect::<Vec<_>>().join(",")
        } else {
            return Err(format!("{name}: expected a number, a string or a boolean"));
        };
        pairs.push((name, text));
    }
    Ok(pairs)
}

pub fn install(
    core: Rc<RefCell<Core>>,
    view: Rc<RefCell<View>>,
    dispatch: Callback<Input>,
    api_error: Rc<RefCell<Option<String>>>,
    bench: Option<(u32, u32)>,
    check_host: super::check::Shared,
) -> Option<Api> {
    let window = web_sys::window()?;
    let obj = Object::new();
    let mut closures: Vec<ApiFn> = Vec::new();
    let mut add = |name: &str, f: Box<dyn Fn(JsValue) -> Result<JsValue, JsValue>>| {
        let closure = Closure::wrap(f);
        let _ = Reflect::set(&obj, &name.into(), closure.as_ref());
        closures.push(closure);
    };

    // Dispatch a command as a script call; its error comes back as an Error.
    let run = {
        let dispatch = dispatch.clone();
        let api_error = api_error.clone();
        let core = core.clone();
        Rc::new(move |name: &str, cmd: Cmd| -> Result<JsValue, JsValue> {
            *api_error.borrow_mut() = None;
            dispatch.emit(Input::Api(cmd));
            if let Some(e) = api_error.borrow_mut().take() {
                // Named once: the core names some of its commands itself ("request: ...").
                let named = e.strip_prefix(name).is_some_and(|rest| rest.starts_with(": "));
                return Err(fail(if named { e } else { format!("{name}: {e}") }));
            }
            Ok(JsValue::from_f64(core.borrow().session.steps() as f64))
        })
    };

    if bench.is_none() {
        let c = core.clone();
        add(
            "state",
            Box::new(move |_| {
                JSON::parse(&c.borrow().session.state_json()).map_err(|_| fail("state: bad JSON".into()))
            }),
        );
        let r = run.clone();
        add("step", Box::new(move |n| r("step", Cmd::Step(count("step", "n", &n, Some(1))?))));
        let r = run.clone();
        add("back", Box::new(move |n| r("back", Cmd::Back(count("back", "n", &n, Some(1))?))));
        let r = run.clone();
        add("seek", Box::new(move |s| r("seek", Cmd::Seek(count("seek", "step", &s, None)?))));
        let r = run.clone();
        add("play", Box::new(move |_| r("play", Cmd::Play).map(|_| JsValue::UNDEFINED)));
        let r = run.clone();
        add("pause", Box::new(move |_| r("pause", Cmd::Pause).map(|_| JsValue::UNDEFINED)));
        let r = run.clone();
        add(
            "act",
            Box::new(move |action| {
                let json = if let Some(s) = action.as_string() {
                    s
                } else if action.is_object() {
                    JSON::stringify(&action).ok().and_then(|s| s.as_string()).unwrap_or_default()
                } else {
                    return Err(fail(
                        "act: expected an action object or JSON string like {\"do\":\"crash\",\"node\":2}".into(),
                    ));
                };
                // Read and applied by the core, like every other input.
                r("act", Cmd::ActJson(json)).map(|_| JsValue::UNDEFINED)
            }),
        );
        let r = run.clone();
        let c = core.clone();
        add(
            "request",
            Box::new(move |node| {
                let node = match node.is_undefined() || node.is_null() {
                    true => None,
                    false => {
                        let id = count("request", "node", &node, None)?;
                        let n = c.borrow().node_count();
                        // The core checks an id against the world; one past any id is named here.
                        Some(
                            u32::try_from(id)
                                .map_err(|_| fail(format!("request: node must be below {n}, got {id}")))?,
                        )
                    }
                };
                r("request", Cmd::ClientRequest(node))?;
                // What was sent, as the trace lists it.
                let core = c.borrow();
                let Some(sim::Scheduled { step, action: sim::Action::Request { node, cmd } }) =
                    core.session.actions().last()
                else {
                    return Err(fail("request: nothing was sent".into()));
                };
                let o = Object::new();
                let _ = Reflect::set(&o, &"step".into(), &JsValue::from_f64(*step as f64));
                let _ = Reflect::set(&o, &"do".into(), &"request".into());
                let _ = Reflect::set(&o, &"node".into(), &JsValue::from_f64(f64::from(*node)));
                let _ = Reflect::set(&o, &"cmd".into(), &cmd.as_str().into());
                Ok(o.into())
            }),
        );
        let c = core.clone();
        add(
            "trace",
            Box::new(move |_| {
                JSON::parse(&c.borrow().session.trace_json()).map_err(|_| fail("trace: bad JSON".into()))
            }),
        );
        let c = core.clone();
        add("traceText", Box::new(move |_| Ok(JsValue::from_str(&c.borrow().session.trace_json()))));
        let r = run.clone();
        add(
            "open",
            Box::new(move |text| {
                let text = text.as_string().ok_or_else(|| fail("open: expected the file's text as a string".into()))?;
                r("open", Cmd::OpenFile(text))
            }),
        );
        let c = core.clone();
        add(
            "runFile",
            Box::new(move |_| {
                let core = c.borrow();
                Ok(JsValue::from_str(&lab::file::write_run(&core.full_setup(), core.session.steps())))
            }),
        );
        let v = view.clone();
        let c = core.clone();
        add(
            "layout",
            Box::new(move |_| {
                let view = v.borrow();
                let t = c.borrow().draw_time();
                let layout = view.layout;
                let point = |id: f64, x: f64, y: f64| {
                    let o = Object::new();
                    let _ = Reflect::set(&o, &"id".into(), &JsValue::from_f64(id));
                    let _ = Reflect::set(&o, &"x".into(), &JsValue::from_f64(x));
                    let _ = Reflect::set(&o, &"y".into(), &JsValue::from_f64(y));
                    o
                };
                let nodes = js_sys::Array::new();
                for id in 0..layout.n {
                    let (x, y) = layout.node_pos(id);
                    let o = point(f64::from(id), x, y);
                    let _ = Reflect::set(&o, &"r".into(), &JsValue::from_f64(layout.node_r));
                    nodes.push(&o);
                }
                let messages = js_sys::Array::new();
                for m in &view.scene.msgs {
                    let (x, y) = layout.msg_pos(m, t);
                    messages.push(&point(m.id as f64, x, y));
                }
                let out = Object::new();
                let _ = Reflect::set(&out, &"width".into(), &JsValue::from_f64(view.size.0));
                let _ = Reflect::set(&out, &"height".into(), &JsValue::from_f64(view.size.1));
                let _ = Reflect::set(&out, &"nodes".into(), &nodes);
                let _ = Reflect::set(&out, &"messages".into(), &messages);
                Ok(out.into())
            }),
        );
        let r = run.clone();
        add(
            "compare",
            Box::new(move |spec| {
                let against = compare_spec(&spec).map_err(|e| fail(format!("compare: {e}")))?;
                r("compare", Cmd::Compare(against))
            }),
        );
        let c = core.clone();
        add(
            "comparison",
            Box::new(move |_| {
                let core = c.borrow();
                let Some(json) = crate::model::compare::comparison_json(&core) else { return Ok(JsValue::NULL) };
                JSON::parse(&json).map_err(|_| fail("comparison: bad JSON".into()))
            }),
        );
        let r = run.clone();
        let (c, h) = (core.clone(), check_host.clone());
        add(
            "check",
            Box::new(move |options| {
                let pairs = check_fields(&options).map_err(|e| fail(format!("check: {e}")))?;
                r("check", Cmd::Check(CheckCmd::Start(pairs)))?;
                if let Some((_, e)) = &c.borrow().check.invalid {
                    return Err(fail(format!("check: {e}")));
                }
                let ticket = c.borrow().check.ticket;
                Ok(super::check::CheckHost::wait(&h, ticket).into())
            }),
        );
        let r = run.clone();
        let (c, h) = (core.clone(), check_host.clone());
        add(
            "__checkPanicForTest",
            Box::new(move |_| {
                r("__checkPanicForTest", Cmd::Check(CheckCmd::Start(Vec::new())))?;
                let mut core = c.borrow_mut();
                if let Some((_, request)) = core.check.start.as_mut() {
                    Rc::make_mut(request).panic_for_test = true;
                }
                Ok(super::check::CheckHost::wait(&h, core.check.ticket).into())
            }),
        );
        let r = run.clone();
        add(
            "cancelCheck",
            Box::new(move |_| r("cancelCheck", Cmd::Check(CheckCmd::Cancel)).map(|_| JsValue::UNDEFINED)),
        );
        let c = core.clone();
        add("checkStatus", Box::new(move |_| Ok(JsValue::from_str(c.borrow().check.status.name()))));
        add(
            "__panicForTest",
            Box::new(|_| panic!("test panic requested through window.clusterscope.__panicForTest()")),
        );
    }
    let _ = Reflect::set(&obj, &"bench".into(), &JsValue::from_bool(bench.is_some()));
    let _ = Reflect::set(&obj, &"ready".into(), &JsValue::TRUE);
    let _ = Reflect::set(&window, &"clusterscope".into(), &obj);
    if let Ok(event) = web_sys::CustomEvent::new("clusterscope:ready") {
        let _ = window.dispatch_event(&event);
    }
    Some(Api { object: obj, _closures: closures })
}
