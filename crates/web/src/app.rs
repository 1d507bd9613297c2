//! The Yew app: toolbar, canvas, inspector, invariants, event log, help.
//!
//! State lives in one `use_reducer` whose value holds the [`Core`] behind
//! `Rc<RefCell<_>>`; every click, key and script call becomes a [`Cmd`]
//! dispatched to it. The animation loop ([`crate::frame`]) draws every frame
//! and asks for a DOM refresh at most ten times a second.

use crate::core::{slider_to_speed, speed_to_slider, Cmd, Core, ThemeChoice};
use crate::frame::{FrameLoop, View};
use crate::text;
use lab::{Algo, Setup, ALGOS};
use protocol::{Level, NodeId, Status};
use sim::Action;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Lines of the event log shown.
pub const LOG_LINES: usize = 120;
/// Furthest step a link replays to when it is opened (a few seconds of
/// simulation in the browser; a larger number would freeze the tab).
pub const MAX_LINK_STEP: u64 = 2_000_000;

/// Who asked: errors of UI commands are shown as notices, errors of script
/// calls are thrown back to the script.
pub enum AppAction {
    Ui(Cmd),
    Api(Cmd),
}

/// The reducer's value: the core plus a revision that changes on every
/// command, so Yew knows to re-render.
#[derive(Clone)]
pub struct AppState {
    pub core: Rc<RefCell<Core>>,
    pub rev: u64,
    /// The error of the latest script call, read by the API right after it
    /// dispatches (dispatching reduces synchronously).
    pub api_error: Rc<RefCell<Option<String>>>,
    /// `(nodes, messages)` when showing the render benchmark.
    pub bench: Option<(u32, u32)>,
}

impl Reducible for AppState {
    type Action = AppAction;

    fn reduce(self: Rc<Self>, action: AppAction) -> Rc<Self> {
        {
            let mut core = self.core.borrow_mut();
            match action {
                AppAction::Ui(cmd) => {
                    if let Err(e) = core.apply(cmd) {
                        core.notify(e, true);
                    }
                }
                AppAction::Api(cmd) => *self.api_error.borrow_mut() = core.apply(cmd).err(),
            }
        }
        Rc::new(AppState { rev: self.rev + 1, ..(*self).clone() })
    }
}

impl AppState {
    /// Read the page's query: open the world it describes, or the default
    /// world with a notice naming the bad parameter.
    pub fn from_url() -> Self {
        let pairs = crate::url::read_pairs();
        let mut bench = None;
        let mut bench_error = None;
        if let Some((_, spec)) = pairs.iter().find(|(k, _)| k == "render-bench") {
            match crate::bench::parse(spec) {
                Ok(b) => bench = Some(b),
                Err(e) => bench_error = Some(e),
            }
        }
        // `?preset=ID` opens one of the catalog's ready-made scenarios.
        let preset = pairs.iter().find(|(k, _)| k == "preset").map(|(_, v)| v.clone());
        // `?preset=ID&step=N` opens it at an exact moment, as any link does.
        let parsed = match preset.as_deref() {
            Some(id) => lab::presets::Preset::find(id)
                .ok_or_else(|| {
                    let known: Vec<&str> = lab::presets::PRESETS.iter().map(|p| p.id).collect();
                    lab::SetupError::new("preset", format!("unknown preset {id:?}; known: {}", known.join(", ")))
                })
                .and_then(|p| {
                    let mut q = p.load();
                    if let Some((_, v)) = pairs.iter().find(|(k, _)| k == "step") {
                        q.step = Some(v.trim().parse().map_err(|_| {
                            lab::SetupError::new("step", format!("expected a whole number of steps, got {v:?}"))
                        })?);
                    }
                    Ok(q)
                }),
            None => lab::query::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
        };
        let mut core = match parsed {
            Ok(q) if q.step.is_some_and(|s| s > MAX_LINK_STEP) => {
                let mut core = Core::new(q.setup, Some(MAX_LINK_STEP));
                core.notify(
                    format!("The link's “step” is past {MAX_LINK_STEP}, the most a link replays on opening; showing step {MAX_LINK_STEP}."),
                    true,
                );
                core
            }
            Ok(q) => Core::new(q.setup, q.step),
            Err(e) => {
                let mut core = Core::new(Setup::default(), None);
                core.notify(
                    format!(
                        "The link's “{}” parameter is invalid ({}). Showing the default world instead.",
                        e.field, e.reason
                    ),
                    true,
                );
                core
            }
        };
        if let Some(e) = bench_error {
            core.notify(e, true);
        }
        AppState { core: Rc::new(RefCell::new(core)), rev: 0, api_error: Rc::default(), bench }
    }
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(AppState::from_url);
    let view = use_mut_ref(View::default);
    let canvas_ref = use_node_ref();
    let wrap_ref = use_node_ref();
    let log_ref = use_node_ref();
    let stick_log = use_memo((), |_| Rc::new(std::cell::Cell::new(true)));

    // Mount: the animation loop, resizing, keyboard, the scripting API.
    {
        let state = state.clone();
        let view = view.clone();
        let canvas_ref = canvas_ref.clone();
        let wrap_ref = wrap_ref.clone();
        use_effect_with((), move |_| {
            let dispatcher = state.dispatcher();
            let frame = FrameLoop::start(
                state.core.clone(),
                view.clone(),
                canvas_ref,
                wrap_ref,
                state.bench,
                dispatcher.clone(),
            );
            let keys = crate::keys::listen(state.core.clone(), dispatcher.clone());
            let api = crate::api::install(state.core.clone(), view, dispatcher, state.api_error.clone(), state.bench);
            move || {
                drop(frame);
                drop(keys);
                drop(api);
            }
        });
    }

    // The address bar follows the world (throttled while playing).
    {
        let core = state.core.clone();
        let last = use_mut_ref(|| 0.0f64);
        use_effect_with(state.rev, move |_| {
            let core = core.borrow();
            let now = js_sys::Date::now();
            if !core.playing || now - *last.borrow() > 250.0 {
                *last.borrow_mut() = now;
                crate::url::replace_query(&crate::url::query_for(&core.full_setup(), core.session.steps()));
            }
        });
    }

    // The event log sticks to its newest line unless the reader scrolled up.
    {
        let log_ref = log_ref.clone();
        let stick = (*stick_log).clone();
        use_effect_with(state.rev, move |_| {
            if stick.get() {
                if let Some(el) = log_ref.cast::<web_sys::Element>() {
                    el.set_scroll_top(el.scroll_height());
                }
            }
        });
    }

    // Opening the help moves focus into it, so Tab and Escape work there.
    {
        let help_open = state.core.borrow().help_open;
        use_effect_with(help_open, move |open| {
            if *open {
                let close = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id("help-close"))
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
                if let Some(close) = close {
                    let _ = close.focus();
                }
            }
        });
    }

    // The theme is an attribute on <html>, so CSS can follow the system or the toggle.
    {
        let theme = state.core.borrow().theme;
        use_effect_with(theme, move |theme| {
            if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
                let _ = match theme {
                    ThemeChoice::Auto => root.remove_attribute("data-theme"),
                    ThemeChoice::Light => root.set_attribute("data-theme", "light"),
                    ThemeChoice::Dark => root.set_attribute("data-theme", "dark"),
                };
            }
        });
    }

    let send: Callback<Cmd> = {
        let d = state.dispatcher();
        Callback::from(move |cmd| d.dispatch(AppAction::Ui(cmd)))
    };

    if let Some((nodes, msgs)) = state.bench {
        return bench_page(nodes, msgs, &canvas_ref, &wrap_ref);
    }

    let core = state.core.borrow();
    let session = core.session.as_ref();
    let state_value: serde_json::Value = serde_json::from_str(&session.state_json()).unwrap_or_default();
    let log = session.log_tail(LOG_LINES);
    let caption = text::caption(&state_value, &log);
    let summary = text::summary(session);
    let canvas_events = crate::frame::canvas_handlers(state.core.clone(), view.clone(), send.clone());

    html! {
        <div class="app">
            { topbar(&core, &send) }
            { notices(&core, &send) }
            <main class="main">
                <section class="stage" aria-label="Cluster view">
                    { transport(&core, &send) }
                    <p class="caption" id="caption">{ caption }</p>
                    <div class="canvas-wrap" ref={wrap_ref}>
                        <canvas ref={canvas_ref} id="cluster" role="img" aria-label={summary}
                            tabindex="-1"
                            data-nodes={session.node_count().to_string()}
                            data-step={session.steps().to_string()}
                            onclick={canvas_events.click}
                            onmousemove={canvas_events.hover} />
                    </div>
                    { legend(&core) }
                </section>
                <aside class="side" aria-label="Details">
                    { crate::ring_panel::ring_panel(&core, &view, &send) }
                    { nodes_panel(&core, &send) }
                    { crate::paxos_view::panel(&core) }
                    { crate::lock_view::panel(&core) }
                    { inspector(&core, &send) }
                    { invariants(&core, &send) }
                </aside>
            </main>
            { event_log(&log, &log_ref, (*stick_log).clone()) }
            { announcer(&log) }
            { if core.help_open { help_overlay(&send) } else { html! {} } }
        </div>
    }
}

fn bench_page(nodes: u32, msgs: u32, canvas_ref: &NodeRef, wrap_ref: &NodeRef) -> Html {
    html! {
        <div class="app bench">
            <header class="topbar">
                <div class="brand"><span class="logo" aria-hidden="true">{"◎"}</span>{" Clusterscope"}
                    <span class="sub">{ format!("render benchmark: {nodes} nodes, {msgs} messages") }</span></div>
            </header>
            <p class="caption">{ "A synthetic scene drawn by the app's own renderer to measure drawing cost. \
                It is not a protocol: nodes and messages follow fixed, made-up routes. " }
                <a href="?">{ "Back to the lab" }</a></p>
            <main class="main single">
                <section class="stage">
                    <div class="canvas-wrap" ref={wrap_ref.clone()}>
                        <canvas ref={canvas_ref.clone()} id="cluster" role="img"
                            aria-label={format!("Render benchmark: {nodes} nodes and {msgs} moving messages")} />
                    </div>
                </section>
            </main>
        </div>
    }
}

/// Small inline icons (SVG, so they render without emoji fonts).
fn icon(name: &str) -> Html {
    let d = match name {
        "play" => "M4 2.5v11l9.5-5.5z",
        "pause" => "M3.5 2.5h3v11h-3zM9.5 2.5h3v11h-3z",
        "back" => "M2.5 2.5h2v11h-2zM13.5 2.5v11L5.5 8z",
        "step" => "M11.5 2.5h2v11h-2zM2.5 2.5v11l8-5.5z",
        "reset" => "M8 2.5a5.5 5.5 0 1 0 5.5 5.5h-2A3.5 3.5 0 1 1 8 4.5V7l4-3.5L8 0z",
        "link" => "M6.5 9.5l3-3M7 4.5l1.5-1.5a2.8 2.8 0 0 1 4 4L11 8.5M9 11.5L7.5 13a2.8 2.8 0 0 1-4-4L5 7.5",
        _ => "",
    };
    let stroke = name == "link";
    html! {
        <svg class="icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
            if stroke {
                <path d={d} fill="none" stroke="currentColor" stroke-width="1.7" stroke-linecap="round" />
            } else {
                <path d={d} fill="currentColor" />
            }
        </svg>
    }
}

fn kbd(key: &str) -> Html {
    html! { <kbd aria-hidden="true">{ key.to_string() }</kbd> }
}

fn topbar(core: &Core, send: &Callback<Cmd>) -> Html {
    let session = core.session.as_ref();
    let info = core.algo().info();
    let steps = session.steps();
    let setup = core.setup.clone();

    let on_algo = {
        let send = send.clone();
        let setup = setup.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            match value.parse::<Algo>() {
                Ok(algo) => {
                    let mut next = Setup::new(algo);
                    next.seed = setup.seed;
                    next.sim = sim::SimConfig { nodes: next.sim.nodes, ..setup.sim.clone() };
                    send.emit(Cmd::Open(next));
                }
                Err(err) => send.emit(Cmd::Notify { text: err.to_string(), error: true }),
            }
        })
    };
    let on_nodes = {
        let send = send.clone();
        let setup = setup.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Ok(n) = value.parse::<u32>() {
                let mut next = setup.clone();
                next.sim.nodes = n;
                send.emit(Cmd::Open(next));
            }
        })
    };
    let on_seed = {
        let send = send.clone();
        let setup = setup.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            match input.value().trim().parse::<u64>() {
                Ok(seed) => {
                    let mut next = setup.clone();
                    next.seed = seed;
                    send.emit(Cmd::Open(next));
                }
                Err(_) => {
                    input.set_value(&setup.seed.to_string());
                    send.emit(Cmd::Notify {
                        text: format!("seed: expected a whole number from 0 to {}, got {:?}", u64::MAX, input.value()),
                        error: true,
                    });
                }
            }
        })
    };
    let theme_next = match core.theme {
        ThemeChoice::Auto => ThemeChoice::Dark,
        ThemeChoice::Dark => ThemeChoice::Light,
        ThemeChoice::Light => ThemeChoice::Auto,
    };
    let theme_label = match core.theme {
        ThemeChoice::Auto => "Theme: system",
        ThemeChoice::Dark => "Theme: dark",
        ThemeChoice::Light => "Theme: light",
    };
    html! {
        <header class="topbar">
            <div class="brand">
                <span class="logo" aria-hidden="true">{"◎"}</span>
                <h1>{"Clusterscope"}</h1>
                <span class="sub">{ format!("{} · {} nodes · seed {}", info.title, session.node_count(), session.seed()) }</span>
            </div>
            <div class="settings" role="group" aria-label="World settings">
                <div class="group world">
                    <label title="Algorithm">
                        <span class="label">{"Algorithm"}</span>
                        <select id="algo" onchange={on_algo} title="Algorithm to run">
                            { for ALGOS.iter().map(|a| html! {
                                <option value={a.name} selected={a.algo == core.algo()}>{ a.title }</option>
                            }) }
                        </select>
                    </label>
                    <label title="Cluster size">
                        <span class="label">{"Nodes"}</span>
                        <select id="nodes" onchange={on_nodes} title="Cluster size (opens a new world)">
                            { for (info.min_nodes..=info.max_nodes).map(|n| html! {
                                <option value={n.to_string()} selected={n == session.node_count()}>{ n }</option>
                            }) }
                        </select>
                    </label>
                    <label title="Random seed: the same seed and actions give the same run">
                        <span class="label">{"Seed"}</span>
                        <input id="seed" type="number" min="0" step="1" value={core.setup.seed.to_string()}
                            onchange={on_seed} title="Seed of the simulated network and timers (Enter to apply)" />
                    </label>
                    { network(core, send) }
                    { crate::options_panel::options_panel(core, send) }
                    { presets(send) }
                    <button id="reset" title="Restart this world from step 0 without actions (r)"
                        onclick={send.reform(|_| Cmd::Reset)}>{icon("reset")}{"Reset"}{kbd("r")}</button>
                </div>
                <div class="group misc">
                    <button id="copy-link" title="Copy a link that reproduces this exact view"
                        onclick={let core_link = crate::url::link_for(&crate::url::query_for(&core.full_setup(), steps));
                                 let send = send.clone();
                                 Callback::from(move |_| crate::api::copy_text(&core_link, send.clone()))}>
                        {icon("link")}{"Copy link"}</button>
                    <button id="theme" title={format!("{theme_label} (click to change)")}
                        onclick={send.reform(move |_| Cmd::SetTheme(theme_next))}>
                        { match core.theme { ThemeChoice::Auto => "◐", ThemeChoice::Dark => "☾", ThemeChoice::Light => "☀" } }
                        <span class="sr-only">{ theme_label }</span>
                    </button>
                    <button id="help-button" title="Keyboard shortcuts (?)" onclick={send.reform(|_| Cmd::ToggleHelp)}>
                        {"?"}</button>
                </div>
            </div>
        </header>
    }
}

fn transport(core: &Core, send: &Callback<Cmd>) -> Html {
    let session = core.session.as_ref();
    let steps = session.steps();
    let can_play = session.next_event_time().is_some();
    let on_speed = {
        let send = send.clone();
        Callback::from(move |e: InputEvent| {
            let pos: f64 = e.target_unchecked_into::<HtmlInputElement>().value().parse().unwrap_or(-0.6);
            send.emit(Cmd::SetSpeed(slider_to_speed(pos)));
        })
    };
    let speed = core.speed;
    let speed_text = format!("{speed:.2}×");
    html! {
        <nav class="toolbar" aria-label="Playback controls">
            <div class="group transport">
                <button id="back" title="Step back one event (← or ,)" disabled={steps == 0}
                    onclick={send.reform(|_| Cmd::Back(1))}>{icon("back")}{"Back"}{kbd("←")}</button>
                <button id="play" class="primary" aria-pressed={core.playing.to_string()}
                    title={if core.playing { "Pause (Space)" } else { "Play (Space)" }}
                    disabled={!can_play && !core.playing}
                    onclick={send.reform(|_| Cmd::TogglePlay)}>
                    { if core.playing { icon("pause") } else { icon("play") } }
                    { if core.playing { "Pause" } else { "Play" } }{kbd("Space")}
                </button>
                <button id="step" title="Step forward one event (→ or .)" disabled={!can_play}
                    onclick={send.reform(|_| Cmd::Step(1))}>{icon("step")}{"Step"}{kbd("→")}</button>
            </div>
            <div class="group speed">
                <label for="speed" title="Playback speed: model milliseconds per wall-clock millisecond (+ / −)">{"Speed"}</label>
                <input id="speed" type="range" min="-2" max="1" step="0.05"
                    value={speed_to_slider(speed).to_string()} oninput={on_speed}
                    aria-valuetext={speed_text.clone()}
                    title="Playback speed, log scale from 0.01× to 10× (+ / −)" />
                <output for="speed" class="mono">{ speed_text }</output>
            </div>
            <div class="group clock mono" aria-live="off" title="Events processed and model time">
                <span id="stepcount">{ format!("step {steps}") }</span>
                <span>{ format!("{} ms", session.now()) }</span>
            </div>
        </nav>
    }
}

fn presets(send: &Callback<Cmd>) -> Html {
    if lab::presets::PRESETS.is_empty() {
        return html! {};
    }
    let onchange = {
        let send = send.clone();
        Callback::from(move |e: Event| {
            let select = e.target_unchecked_into::<HtmlSelectElement>();
            if let Some(p) = lab::presets::Preset::find(&select.value()) {
                let q = p.load();
                send.emit(Cmd::Open(q.setup));
                if let Some(step) = q.step {
                    send.emit(Cmd::Seek(step));
                }
                send.emit(Cmd::Notify { text: format!("{}: {}", p.title, p.description), error: false });
            }
            select.set_value("");
        })
    };
    html! {
        <label title="Load a ready-made scenario">
            <span class="label">{"Scenario"}</span>
            <select id="preset" {onchange} title="Ready-made scenarios (each is a link: ?preset=ID)">
                <option value="" selected=true>{"Choose…"}</option>
                { for lab::presets::PRESETS.iter().map(|p| html! {
                    <option value={p.id} title={p.description}>{ format!("{} ({})", p.title, p.algo.info().title) }</option>
                }) }
            </select>
        </label>
    }
}

fn network(core: &Core, send: &Callback<Cmd>) -> Html {
    let setup = core.setup.clone();
    let field = |name: &'static str| {
        let send = send.clone();
        let setup = setup.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let value = input.value();
            let mut next = setup.clone();
            let ok = match name {
                "drop" | "dup" => match value.trim().parse::<f64>() {
                    Ok(pct) if (0.0..=100.0).contains(&pct) => {
                        if name == "drop" {
                            next.sim.drop = pct / 100.0;
                        } else {
                            next.sim.dup = pct / 100.0;
                        }
                        Ok(())
                    }
                    _ => Err(format!("{name}: expected a percentage from 0 to 100, got {value:?}")),
                },
                _ => sim::parse_latency(&value).map(|l| next.sim.latency_ms = l).map_err(|e| e.to_string()),
            };
            match ok {
                Ok(()) => send.emit(Cmd::Open(next)),
                Err(text) => send.emit(Cmd::Notify { text, error: true }),
            }
        })
    };
    let sim = &core.setup.sim;
    html! {
        <details class="network">
            <summary title="Network: loss, duplication, latency (opens a new world)">{"Network"}</summary>
            <div class="network-body">
                <label>{"Drop %"}<input id="drop" type="number" min="0" max="100" step="1"
                    value={(sim.drop * 100.0).to_string()} onchange={field("drop")}
                    title="Chance that the network loses a message" /></label>
                <label>{"Duplicate %"}<input id="dup" type="number" min="0" max="100" step="1"
                    value={(sim.dup * 100.0).to_string()} onchange={field("dup")}
                    title="Chance that the network delivers a message twice" /></label>
                <label>{"Latency ms"}<input id="latency" type="text" size="7"
                    value={format!("{}..{}", sim.latency_ms[0], sim.latency_ms[1])} onchange={field("latency")}
                    title="One-way latency range MIN..MAX in model ms" /></label>
            </div>
        </details>
    }
}

fn notices(core: &Core, send: &Callback<Cmd>) -> Html {
    let errors = core.session.action_errors();
    if core.notices.is_empty() && errors.is_empty() {
        return html! { <div class="notices" /> };
    }
    let actions = core.session.actions();
    html! {
        <div class="notices">
            { for core.notices.iter().map(|n| {
                let id = n.id;
                html! {
                    <div class={classes!("notice", n.error.then_some("error"))} role={if n.error { "alert" } else { "status" }}>
                        <span>{ n.text.clone() }</span>
                        <button class="dismiss" title="Dismiss" aria-label="Dismiss message"
                            onclick={send.reform(move |_| Cmd::Dismiss(id))}>{"✕"}</button>
                    </div>
                }
            }) }
            { if errors.is_empty() { html! {} } else { html! {
                <div class="notice error" role="alert" id="action-errors">
                    <span>{ "Some scheduled actions failed when their step came:" }</span>
                    <ul>
                        { for errors.iter().map(|(i, e)| {
                            let step = actions.get(*i).map_or(0, |a| a.step);
                            html! { <li>{ format!("actions[{i}] at step {step}: {e}") }</li> }
                        }) }
                    </ul>
                </div>
            } } }
        </div>
    }
}

fn legend(core: &Core) -> Html {
    let mut kinds: Vec<&'static str> = Vec::new();
    let mut msgs = Vec::new();
    core.session.messages_into(&mut msgs);
    for m in &msgs {
        if !kinds.contains(&m.kind) {
            kinds.push(m.kind);
        }
    }
    kinds.sort_unstable();
    // The roles of this algorithm that are on screen (Raft's three always).
    let mut roles: Vec<&'static str> =
        if core.algo() == Algo::Raft { vec!["leader", "candidate", "follower"] } else { Vec::new() };
    for id in 0..core.node_count() {
        let role = core.session.node_info(id).look.role;
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    // On the hash ring a node wears its own colour (that of its ticks,
    // ranges and keys), not its status's: the status is written under it.
    let ring = core.algo() == Algo::Ring;
    if ring {
        roles.clear();
    }
    html! {
        <div class="legend" aria-label="Legend">
            if ring {
                <span class="key">{"node colour = its virtual nodes, ranges and keys · faded: standby · dashed: joining or leaving"}</span>
            }
            { for roles.iter().map(|r| html! {
                <span class="key"><span class={classes!("swatch", "node", format!("c{}", crate::scene::role_color(r)), crate::scene::role_shape(r).class())}></span>{ *r }</span>
            }) }
            { crate::paxos_view::legend(core.session.algo()) }
            { crate::lock_view::legend(core.session.algo()) }
            <span class="key"><span class="swatch node down"></span>{"down"}</span>
            <span class="key"><span class="swatch node paused"></span>{"paused"}</span>
            <span class="sep" aria-hidden="true"></span>
            { for kinds.iter().map(|k| html! {
                <span class="key"><span class={classes!("swatch", "msg", format!("c{}", crate::scene::kind_color(k)))}></span>{ *k }</span>
            }) }
            <span class="key"><span class="swatch cut"></span>{"cut link"}</span>
            <span class="key"><span class="lost-mark" aria-hidden="true">{"✕"}</span>{"lost message"}</span>
            <span class="hint">{"Click a node or message to inspect it · shift-click nodes to pick a partition group · alt-click a node to cut the link from the selected node to it"}</span>
        </div>
    }
}

fn nodes_panel(core: &Core, send: &Callback<Cmd>) -> Html {
    let session = core.session.as_ref();
    let n = session.node_count();
    html! {
        <section class="panel" aria-labelledby="nodes-h">
            <h2 id="nodes-h">{"Nodes"}</h2>
            <ul class="node-list" id="node-list">
                { for (0..n).map(|id| {
                    let info = session.node_info(id);
                    let status = match info.status { Status::Up => "up", Status::Crashed => "down", Status::Paused => "paused" };
                    let role = if info.status == Status::Crashed { "down" } else { info.look.role };
                    let selected = core.selected_node == Some(id);
                    let picked = core.picked.contains(&id);
                    let send2 = send.clone();
                    let onclick = Callback::from(move |e: MouseEvent| {
                        if e.shift_key() {
                            send2.emit(Cmd::TogglePick(id));
                        } else {
                            send2.emit(Cmd::SelectNode(if selected { None } else { Some(id) }));
                        }
                    });
                    html! {
                        <li data-node={id.to_string()} data-role={info.look.role} data-status={status}>
                            <button class={classes!("node-row", selected.then_some("selected"), picked.then_some("picked"))}
                                aria-pressed={selected.to_string()}
                                title={format!("Inspect node {id} (shift-click to pick for a partition)")} {onclick}>
                                <span class={classes!("dot", format!("c{}", crate::scene::role_color(info.look.role)), crate::scene::role_shape(info.look.role).class(), status)}></span>
                                <span class="nid">{ format!("node {id}") }</span>
                                <span class="role">{ role }</span>
                                <span class="badge mono">{ info.look.badge.clone() }</span>
                                { if picked { html! { <span class="pick" title="picked for a partition group">{"◆"}</span> } } else { html! {} } }
                            </button>
                        </li>
                    }
                }) }
            </ul>
            { partition_controls(core, send) }
        </section>
    }
}

fn partition_controls(core: &Core, send: &Callback<Cmd>) -> Html {
    let picked = &core.picked;
    let any_cut = {
        let n = core.node_count();
        (0..n).any(|a| (0..n).any(|b| a != b && core.session.is_cut(a, b)))
    };
    let label = if picked.is_empty() {
        "Shift-click nodes to pick a group".to_string()
    } else {
        format!("Picked: {{{}}}", picked.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(","))
    };
    html! {
        <div class="partition">
            <span class="muted" id="picked">{ label }</span>
            <div class="btn-row">
                <button id="partition" disabled={picked.is_empty()}
                    title="Cut the picked nodes off from the others, both ways"
                    onclick={send.reform(|_| Cmd::PartitionPicked)}>{"Partition picked"}</button>
                <button id="clear-picks" disabled={picked.is_empty()} title="Forget the picked nodes"
                    onclick={send.reform(|_| Cmd::ClearPicks)}>{"Clear"}</button>
                <button id="heal" disabled={!any_cut} title="Restore every link (h)"
                    onclick={send.reform(|_| Cmd::Act(Action::Heal))}>{"Heal"}{kbd("h")}</button>
            </div>
        </div>
    }
}

fn inspector(core: &Core, send: &Callback<Cmd>) -> Html {
    if let Some(id) = core.selected_msg {
        return message_inspector(core, id, send);
    }
    match core.selected_node {
        Some(id) if id < core.node_count() => node_inspector(core, id, send),
        _ => html! {},
    }
}

fn node_inspector(core: &Core, id: NodeId, send: &Callback<Cmd>) -> Html {
    let session = core.session.as_ref();
    let info = session.node_info(id);
    let view: serde_json::Value = serde_json::from_str(&session.node_json(id)).unwrap_or_default();
    let crash = core.crash_or_restart(id);
    let pause = core.pause_or_resume(id);
    let n = session.node_count();

    let request_ref = NodeRef::default();
    let on_request = {
        let send = send.clone();
        let input = request_ref.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(el) = input.cast::<HtmlInputElement>() {
                let cmd = el.value().trim().to_string();
                if cmd.is_empty() {
                    send.emit(Cmd::Notify { text: "request: type a command first, like x=1".into(), error: true });
                } else {
                    send.emit(Cmd::Act(Action::Request { node: id, cmd }));
                    el.set_value("");
                }
            }
        })
    };
    let cut_ref = NodeRef::default();
    let on_cut = {
        let send = send.clone();
        let select = cut_ref.clone();
        Callback::from(move |_| {
            if let Some(el) = select.cast::<HtmlSelectElement>() {
                if let Ok(to) = el.value().parse::<NodeId>() {
                    send.emit(Cmd::Act(Action::Cut { from: id, to }));
                }
            }
        })
    };

    let details = match text::raft_node(&view) {
        Some(raft) => {
            let commit = raft.commit_index as usize;
            html! {
                <>
                <dl class="facts">
                    <dt>{"Status"}</dt><dd>{ match info.status { Status::Up => "up", Status::Crashed => "down (crashed)", Status::Paused => "paused" } }</dd>
                    <dt>{"Role"}</dt><dd>{ raft.role.clone() }</dd>
                    <dt>{"Term"}</dt><dd class="mono" id="insp-term">{ raft.term }</dd>
                    <dt>{"Voted for"}</dt><dd class="mono">{ raft.voted_for.map_or("nobody".to_string(), |v| format!("node {v}")) }</dd>
                    <dt>{"Commit index"}</dt><dd class="mono">{ raft.commit_index }</dd>
                    <dt>{"Log length"}</dt><dd class="mono">{ raft.log.len() }</dd>
                </dl>
                <h3>{"Log"}</h3>
                { if raft.log.is_empty() { html! { <p class="muted">{"Empty log."}</p> } } else { html! {
                    <ol class="entries" aria-label={format!("Log of node {id}; entries 1 to {commit} are committed")}>
                        { for raft.log.iter().enumerate().map(|(i, (term, cmd))| {
                            let committed = i < commit;
                            html! {
                                <li class={classes!(committed.then_some("committed"))}>
                                    <span class="idx mono">{ i + 1 }</span>
                                    <span class="term mono">{ format!("T{term}") }</span>
                                    <span class="cmd mono">{ cmd.clone() }</span>
                                    <span class="state">{ if committed { "✓ committed" } else { "pending" } }</span>
                                </li>
                            }
                        }) }
                    </ol>
                } } }
                </>
            }
        }
        None => generic_json(&view),
    };

    html! {
        <section class="panel inspector" aria-labelledby="insp-h" id="inspector">
            <header class="panel-head">
                <h2 id="insp-h">{ format!("Node {id}") }
                    <span class={classes!("chip", format!("c{}", crate::scene::role_color(info.look.role)))}>{ info.look.role }</span></h2>
                <button class="close" title="Close (Esc)" aria-label="Close inspector"
                    onclick={send.reform(|_| Cmd::SelectNode(None))}>{"✕"}</button>
            </header>
            <div class="btn-row">
                { match crash.clone() {
                    Some(a @ Action::Restart { .. }) => html! {
                        <button id="restart" title="Restart from what the node persisted (x)"
                            onclick={send.reform(move |_| Cmd::Act(a.clone()))}>{icon("reset")}{"Restart"}{kbd("x")}</button> },
                    Some(a) => html! {
                        <button id="crash" class="danger" title="Crash: lose volatile state (c)"
                            onclick={send.reform(move |_| Cmd::Act(a.clone()))}>{"✕ Crash"}{kbd("c")}</button> },
                    None => html! {},
                } }
                { match pause.clone() {
                    Some(a @ Action::Resume { .. }) => html! {
                        <button id="resume" title="Resume: handle what arrived meanwhile (p)"
                            onclick={send.reform(move |_| Cmd::Act(a.clone()))}>{icon("play")}{"Resume"}{kbd("p")}</button> },
                    Some(a) => html! {
                        <button id="pause-node" title="Pause: freeze the node while time runs on (p)"
                            onclick={send.reform(move |_| Cmd::Act(a.clone()))}>{icon("pause")}{"Pause node"}{kbd("p")}</button> },
                    None => html! {},
                } }
            </div>
            <form class="request" onsubmit={on_request}>
                <label for="request-cmd">{"Client request"}</label>
                <div class="row">
                    <input id="request-cmd" ref={request_ref} type="text" placeholder="x=1" maxlength="256"
                        title="A command for the replicated state machine" />
                    <button type="submit" title="Send the command to this node as a client request">{"Send"}</button>
                </div>
            </form>
            { if n > 1 { html! {
                <div class="cut">
                    <label for="cut-to">{ format!("Cut link {id} →") }</label>
                    <div class="row">
                        <select id="cut-to" ref={cut_ref} title="Receiver of the link to cut (one way)">
                            { for (0..n).filter(|&t| t != id).map(|t| html! {
                                <option value={t.to_string()}>{ format!("node {t}{}", if session.is_cut(id, t) { " (cut)" } else { "" }) }</option>
                            }) }
                        </select>
                        <button id="cut" onclick={on_cut} title={format!("Messages from node {id} to that node are lost; the other way still works. Or alt-click a node on the canvas.")}>{"Cut one way"}</button>
                    </div>
                </div>
            } } else { html! {} } }
            { details }
        </section>
    }
}

fn generic_json(view: &serde_json::Value) -> Html {
    match view.as_object() {
        Some(map) => html! {
            <dl class="facts">
                { for map.iter().map(|(k, v)| html! { <><dt>{ k.clone() }</dt><dd class="mono">{ text::short(v) }</dd></> }) }
            </dl>
        },
        None => html! { <pre class="json">{ view.to_string() }</pre> },
    }
}

fn message_inspector(core: &Core, id: sim::MsgId, send: &Callback<Cmd>) -> Html {
    let Some(json) = core.session.message_json(id) else { return html! {} };
    let value: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
    let pretty = serde_json::to_string_pretty(&value).unwrap_or(json);
    let kind = value.get("type").and_then(|v| v.as_str()).unwrap_or("message").to_string();
    let label = core.session.message_label(id).unwrap_or_default();
    let delay_ref = NodeRef::default();
    let on_delay = {
        let send = send.clone();
        let input = delay_ref.clone();
        Callback::from(move |_| {
            let by = input.cast::<HtmlInputElement>().map(|el| el.value()).unwrap_or_default();
            match by.trim().parse::<u64>() {
                Ok(by) => send.emit(Cmd::Act(Action::Delay { msg: id, by })),
                Err(_) => send
                    .emit(Cmd::Notify { text: format!("delay: expected whole milliseconds, got {by:?}"), error: true }),
            }
        })
    };
    html! {
        <section class="panel inspector" aria-labelledby="msg-h" id="msg-inspector">
            <header class="panel-head">
                <h2 id="msg-h">{ format!("{kind} #{id}") }<span class="chip plain mono">{ label }</span></h2>
                <button class="close" title="Close (Esc)" aria-label="Close message inspector"
                    onclick={send.reform(|_| Cmd::SelectMsg(None))}>{"✕"}</button>
            </header>
            <div class="btn-row">
                <button id="drop-msg" class="danger" title="Lose this message (d)"
                    onclick={send.reform(move |_| Cmd::Act(Action::Drop { msg: id }))}>{"✕ Drop"}{kbd("d")}</button>
                <button id="dup-msg" title="Deliver a second copy"
                    onclick={send.reform(move |_| Cmd::Act(Action::Duplicate { msg: id }))}>{"Duplicate"}</button>
            </div>
            <div class="row delay">
                <label for="delay-by">{"Delay by"}</label>
                <input id="delay-by" ref={delay_ref} type="number" min="1" max="60000" value="50" title="Extra delay in model ms" />
                <span>{"ms"}</span>
                <button id="delay-msg" onclick={on_delay} title="Deliver this message later">{"Delay"}</button>
            </div>
            <pre class="json" tabindex="0" aria-label="Message as JSON">{ pretty }</pre>
        </section>
    }
}

fn invariants(core: &Core, send: &Callback<Cmd>) -> Html {
    let session = core.session.as_ref();
    let first = session.first_violation();
    let now = session.violation().map(|v| v.property);
    html! {
        <section class="panel" aria-labelledby="inv-h">
            <h2 id="inv-h">{"Safety properties"}</h2>
            <ul class="invariants" id="invariants">
                { for session.properties().iter().map(|&p| {
                    let broken_first = first.filter(|f| f.property == p);
                    let broken = broken_first.is_some() || now == Some(p);
                    match broken_first {
                        Some(f) => {
                            let step = f.step;
                            html! {
                                <li class="broken" data-property={p}>
                                    <button title={format!("Jump to step {step}, where it first broke: {}", f.detail)}
                                        onclick={send.reform(move |_| Cmd::Seek(step))}>
                                        <span class="mark" aria-hidden="true">{"✗"}</span>{ p }
                                        <span class="when">{ format!("broken at step {step}") }</span>
                                    </button>
                                </li>
                            }
                        }
                        None if broken => html! {
                            <li class="broken" data-property={p}><span class="mark" aria-hidden="true">{"✗"}</span>{ p }
                                <span class="when">{"broken now"}</span></li>
                        },
                        None => html! {
                            <li class="holds" data-property={p}><span class="mark" aria-hidden="true">{"✓"}</span>{ p }
                                <span class="sr-only">{" holds"}</span></li>
                        },
                    }
                }) }
            </ul>
        </section>
    }
}

fn event_log(log: &[sim::LogEntry], log_ref: &NodeRef, stick: Rc<std::cell::Cell<bool>>) -> Html {
    let onscroll = {
        let log_ref = log_ref.clone();
        Callback::from(move |_: Event| {
            if let Some(el) = log_ref.cast::<web_sys::Element>() {
                stick.set(el.scroll_height() - el.scroll_top() - el.client_height() < 24);
            }
        })
    };
    html! {
        <section class="log-panel" aria-labelledby="log-h">
            <h2 id="log-h">{"Event log"}</h2>
            <ol class="log mono" id="log" role="log" aria-live="off" tabindex="0" ref={log_ref.clone()} {onscroll}>
                { for log.iter().map(|e| {
                    let level = match e.level { Level::Info => "lvl-info", Level::Notice => "lvl-notice", Level::Warn => "lvl-warn" };
                    html! {
                        <li class={level}>
                            <span class="at">{ format!("#{:<6}", e.step) }</span>
                            <span class="at">{ format!("{:>7} ms", e.time) }</span>
                            <span class="text">{ e.text.clone() }</span>
                        </li>
                    }
                }) }
            </ol>
        </section>
    }
}

/// A polite live region with only the notable lines (leader changes,
/// crashes, violations), so screen readers are not flooded by every message.
fn announcer(log: &[sim::LogEntry]) -> Html {
    let latest = log.iter().rev().find(|e| e.level != Level::Info);
    html! {
        <div class="sr-only" aria-live="polite" aria-atomic="true" id="announcer">
            { latest.map(|e| format!("Step {}: {}", e.step, e.text)).unwrap_or_default() }
        </div>
    }
}

pub const SHORTCUTS: &[(&str, &str)] = &[
    ("Space", "Play / pause"),
    ("→ or .", "Step forward one event"),
    ("← or ,", "Step back one event"),
    ("+ / −", "Faster / slower"),
    ("r", "Reset the world to step 0"),
    ("h", "Heal the network"),
    ("c", "Crash the selected node"),
    ("x", "Restart the selected node"),
    ("p", "Pause / resume the selected node"),
    ("d", "Drop the selected message"),
    ("click", "Select a node or a message"),
    ("shift-click", "Pick nodes for a partition group"),
    ("alt-click", "Cut the link from the selected node to this one"),
    ("?", "Show / hide this help"),
    ("Esc", "Close this help or the selection"),
];

fn help_overlay(send: &Callback<Cmd>) -> Html {
    html! {
        <div class="overlay" onclick={send.reform(|_| Cmd::ToggleHelp)}>
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="help-h" id="help"
                onclick={Callback::from(|e: MouseEvent| e.stop_propagation())}>
                <header class="panel-head">
                    <h2 id="help-h">{"Keyboard shortcuts"}</h2>
                    <button class="close" id="help-close" title="Close (Esc)" aria-label="Close help"
                        onclick={send.reform(|_| Cmd::ToggleHelp)}>{"✕"}</button>
                </header>
                <table class="shortcuts">
                    <tbody>
                    { for SHORTCUTS.iter().map(|(k, what)| html! {
                        <tr><th scope="row"><kbd>{ *k }</kbd></th><td>{ *what }</td></tr>
                    }) }
                    </tbody>
                </table>
                <p class="muted">{"Scripting: "}<code>{"window.clusterscope"}</code>{" has state(), step(n), back(n), seek(step), play(), pause(), act(action), trace() and traceText()."}</p>
            </div>
        </div>
    }
}

/// Whether keyboard focus is in a text field (shortcuts then stay out of the way).
pub fn typing_in(target: Option<web_sys::EventTarget>) -> bool {
    let Some(el) = target.and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return false };
    matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
        || el.get_attribute("contenteditable").is_some_and(|v| v != "false")
}
