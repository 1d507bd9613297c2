//! The top bar: algorithm, cluster size, seed, network, options, the
//! scenario menu, reset, the File menu, copy link, theme and help.

use super::icons::{icon, kbd};
use crate::model::cmd::{Cmd, ThemeChoice};
use lab::{Algo, Setup, ALGOS};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    /// The run's setup without its actions.
    pub setup: Setup,
    pub theme: ThemeChoice,
    /// The running world's size and seed.
    pub nodes: u32,
    pub seed: u64,
    pub send: Callback<Cmd>,
    pub on_copy: Callback<()>,
    /// A large trace waiting for "download anyway" (the File menu's).
    pub warning: Option<crate::model::files::TraceWarning>,
    /// The file chosen in the File menu.
    pub on_files: Callback<web_sys::File>,
    /// Whether the run's clients report operations (the File menu's Jepsen export).
    pub has_clients: bool,
}

#[function_component(Toolbar)]
pub fn toolbar(props: &ToolbarProps) -> Html {
    let ToolbarProps { setup, theme, nodes, seed, send, on_copy, warning, on_files, has_clients } = props;
    let (nodes, seed) = (*nodes, *seed);
    let info = setup.algo.info();

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
            // What was typed, read before the field is put back.
            let typed = input.value();
            match typed.trim().parse::<u64>() {
                Ok(seed) => {
                    let mut next = setup.clone();
                    next.seed = seed;
                    send.emit(Cmd::Open(next));
                }
                Err(_) => {
                    input.set_value(&setup.seed.to_string());
                    send.emit(Cmd::Notify {
                        text: format!("seed: expected a whole number from 0 to {}, got {typed:?}", u64::MAX),
                        error: true,
                    });
                }
            }
        })
    };
    let theme_next = match theme {
        ThemeChoice::Auto => ThemeChoice::Dark,
        ThemeChoice::Dark => ThemeChoice::Light,
        ThemeChoice::Light => ThemeChoice::Auto,
    };
    let theme_label = match theme {
        ThemeChoice::Auto => "Theme: system",
        ThemeChoice::Dark => "Theme: dark",
        ThemeChoice::Light => "Theme: light",
    };
    html! {
        <header class="topbar">
            <div class="brand">
                <span class="logo" aria-hidden="true">{"◎"}</span>
                <h1>{"Clusterscope"}</h1>
                // A line breaks between the parts, never inside "seed 1".
                <span class="sub">{ format!("{} · {nodes}\u{a0}nodes · seed\u{a0}{seed}", info.title) }
                    // A deliberately broken variant is never in a menu, so
                    // the page says when one is on, in the link's words.
                    if let Some(bug) = setup.bug() {
                        {" · "}
                        <span class="bug-tag" id="bug-tag" title={format!("A deliberately broken variant: {} (it breaks {})", bug.what, bug.breaks)}>
                            { format!("bug={}", bug.name) }
                        </span>
                    }
                </span>
            </div>
            <div class="settings" role="group" aria-label="World settings">
                <div class="group world">
                    <label title="Algorithm">
                        <span class="label">{"Algorithm"}</span>
                        <select id="algo" onchange={on_algo} title="Algorithm to run">
                            { for ALGOS.iter().map(|a| html! {
                                <option value={a.name} selected={a.algo == setup.algo}>{ a.title }</option>
                            }) }
                        </select>
                    </label>
                    <label title="Cluster size">
                        <span class="label">{"Nodes"}</span>
                        <select id="nodes" onchange={on_nodes} title="Cluster size (opens a new world)">
                            { for (info.min_nodes..=info.max_nodes).map(|n| html! {
                                <option value={n.to_string()} selected={n == nodes}>{ n }</option>
                            }) }
                        </select>
                    </label>
                    <label title="Random seed: the same seed and actions give the same run">
                        <span class="label">{"Seed"}</span>
                        <input id="seed" type="number" min="0" step="1" value={setup.seed.to_string()}
                            onchange={on_seed} title="Seed of the simulated network and timers (Enter to apply)" />
                    </label>
                    { network(setup, send) }
                    { super::options::options_panel(setup, send) }
                    <PresetMenu send={send.clone()} />
                    <button id="reset" title="Restart this world from step 0 without actions (r)"
                        onclick={send.reform(|_| Cmd::Reset)}>{icon("reset")}{"Reset"}{kbd("r")}</button>
                </div>
                <div class="group misc">
                    <button id="check-button" title="Model check: explore every interleaving from this step (m)"
                        onclick={send.reform(|_| Cmd::Check(crate::model::check::CheckCmd::Open(true)))}>
                        {"Check"}{kbd("m")}</button>
                    <super::files::FilesMenu warning={*warning} has_clients={*has_clients} send={send.clone()} on_files={on_files.clone()} />
                    <button id="copy-link" title="Copy a link that reproduces this exact view"
                        onclick={on_copy.reform(|_| ())}>
                        {icon("link")}{"Copy link"}</button>
                    <button id="theme" title={format!("{theme_label} (click to change)")}
                        onclick={send.reform(move |_| Cmd::SetTheme(theme_next))}>
                        { match theme { ThemeChoice::Auto => "◐", ThemeChoice::Dark => "☾", ThemeChoice::Light => "☀" } }
                        <span class="sr-only">{ theme_label }</span>
                    </button>
                    <button id="help-button" title="Keyboard shortcuts (?)" onclick={send.reform(|_| Cmd::ToggleHelp)}>
                        {"?"}</button>
                </div>
            </div>
        </header>
    }
}

#[derive(Properties, PartialEq)]
pub struct PresetProps {
    pub send: Callback<Cmd>,
}

/// The scenario menu: choosing one is one [`Cmd::LoadPreset`].
#[function_component(PresetMenu)]
pub fn preset_menu(props: &PresetProps) -> Html {
    if lab::presets::PRESETS.is_empty() {
        return html! {};
    }
    let onchange = {
        let send = props.send.clone();
        Callback::from(move |e: Event| {
            let select = e.target_unchecked_into::<HtmlSelectElement>();
            let id = select.value();
            if !id.is_empty() {
                send.emit(Cmd::LoadPreset(id));
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

fn network(setup: &Setup, send: &Callback<Cmd>) -> Html {
    let field = |name: &'static str| {
        let send = send.clone();
        let setup = setup.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let value = input.value();
            let mut next = setup.clone();
            let ok = match name {
                // Probabilities, as in links (`drop=0.05`) and the CLI (`--drop 0.05`).
                "drop" | "dup" => match lab::decimal::parse(value.trim()) {
                    Some(p) if (0.0..=1.0).contains(&p) => {
                        if name == "drop" {
                            next.sim.drop = p;
                        } else {
                            next.sim.dup = p;
                        }
                        Ok(())
                    }
                    _ => Err(format!("{name}: expected a probability in [0, 1], got {value:?}")),
                },
                _ => sim::parse_latency(&value).map(|l| next.sim.latency_ms = l).map_err(|e| e.to_string()),
            };
            match ok {
                Ok(()) => send.emit(Cmd::Open(next)),
                Err(text) => send.emit(Cmd::Notify { text, error: true }),
            }
        })
    };
    let sim = &setup.sim;
    let on_mode = {
        let send = send.clone();
        let setup = setup.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
            let Some(network) = sim::Network::ALL.into_iter().find(|n| n.name() == value) else { return };
            send.emit(Cmd::Open(lab::Setup { sim: sim::SimConfig { network, ..setup.sim.clone() }, ..setup.clone() }));
        })
    };
    html! {
        <details class="network">
            <summary title="Network: loss, duplication, latency (opens a new world)">{"Network"}</summary>
            <div class="network-body">
                <label>{"Mode"}<select id="net-mode" onchange={on_mode}
                    title="Channel semantics, as network= in a link and --network in the CLI">
                    { for sim::Network::ALL.into_iter().map(|n| html! {
                        <option value={n.name()} selected={n == sim.network} title={n.help()}>{ n.name() }</option>
                    }) }
                </select></label>
                <label>{"Drop (0–1)"}<input id="drop" type="number" min="0" max="1" step="0.01"
                    value={sim.drop.to_string()} onchange={field("drop")}
                    title="Probability that the network loses a message, as drop= in a link and --drop in the CLI" /></label>
                <label>{"Duplicate (0–1)"}<input id="dup" type="number" min="0" max="1" step="0.01"
                    value={sim.dup.to_string()} onchange={field("dup")}
                    title="Probability that the network delivers a message twice, as dup= in a link and --dup in the CLI" /></label>
                <label>{"Latency ms"}<input id="latency" type="text" size="7"
                    value={format!("{}..{}", sim.latency_ms[0], sim.latency_ms[1])} onchange={field("latency")}
                    title="One-way latency range MIN..MAX in model ms" /></label>
            </div>
        </details>
    }
}
