//! The side panel of the ring algorithm: add and remove nodes, the options
//! that shape the ring, the balance of the load (the keys per node are the
//! protocol's own panel), the figures of the last
//! membership change (and the same change under `hash mod N`), a key
//! lookup, and a what-if block that prints exactly what
//! `cli ring --add 1 --json` prints for the run's settings.
//!
//! Every number is also in a `data-value` attribute at full precision, so
//! tests compare them with the CLI's JSON without parsing rounded text.

use crate::model::cmd::Cmd;
use crate::model::core::Core;
use crate::model::ring::RingScene;
use ring::{Change, ReportConfig};
use sim::Action;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Most keys the what-if block measures (a larger report would stall the tab).
pub const MAX_WHATIF_KEYS: u32 = 1_000_000;
/// The what-if block's key count until the user changes it: the example.
pub const WHATIF_KEYS_DEFAULT: u32 = 100_000;

/// A fraction as the page shows it: four decimals.
pub fn fraction(x: f64) -> String {
    format!("{x:.4}")
}

/// One row of figures: a label, the shown text and the exact value.
fn stat(id: &'static str, label: &str, value: f64, text: String) -> Html {
    html! {
        <tr data-stat={id}>
            <th scope="row">{ label.to_string() }</th>
            <td class="mono" data-value={value.to_string()}>{ text }</td>
        </tr>
    }
}

/// The panel for a ring run (`ring` is the synced [`RingScene`]).
pub fn ring_panel(core: &Core, ring: Option<&RingScene>, send: &Callback<Cmd>) -> Html {
    let Some(ring) = ring else { return html! {} };
    let members = ring.members();
    html! {
        <section class="panel ring-panel" aria-labelledby="ring-h" id="ring-panel">
            <h2 id="ring-h">{"Hash ring"}</h2>
            { membership(core, ring, send) }
            { sliders(ring, send) }
            { stats(ring, send) }
            { lookup(ring, send) }
            <WhatIf nodes={members.len() as u32} vnodes={ring.vnodes} replicas={ring.replicas} seed={ring.seed} />
        </section>
    }
}

fn membership(core: &Core, ring: &RingScene, send: &Callback<Cmd>) -> Html {
    let standby = ring.with_status("standby");
    let add = standby.first().copied();
    let selected = core.selected_node.filter(|&id| ring.status.get(id as usize) == Some(&"member"));
    let add_title = match add {
        Some(id) => format!("Node {id} (the lowest standby node) joins the ring and pulls the ranges it now owns"),
        None => "Every node is in the ring: no standby node left to add (more nodes: the Nodes menu)".to_string(),
    };
    let remove_title = match selected {
        Some(id) => format!("Node {id} leaves the ring and hands its keys to their new owners"),
        None => "Select a member node on the canvas first".to_string(),
    };
    html! {
        <div class="btn-row">
            <button id="ring-add" class="primary" disabled={add.is_none()} title={add_title}
                onclick={send.reform(move |_| match add {
                    Some(node) => Cmd::Act(Action::Request { node, cmd: "join".into() }),
                    None => Cmd::Refresh,
                })}>{"Add node"}</button>
            <button id="ring-remove" disabled={selected.is_none()} title={remove_title}
                onclick={send.reform(move |_| match selected {
                    Some(node) => Cmd::Act(Action::Request { node, cmd: "leave".into() }),
                    None => Cmd::Refresh,
                })}>{ match selected { Some(id) => format!("Remove node {id}"), None => "Remove node".to_string() } }</button>
        </div>
    }
}

fn sliders(ring: &RingScene, send: &Callback<Cmd>) -> Html {
    let slider =
        |name: &'static str, label: &'static str, value: u32, (min, max, step): (u32, u32, u32), help: &'static str| {
            let onchange = send.reform(move |e: Event| Cmd::SetOption {
                name: name.to_string(),
                value: e.target_unchecked_into::<HtmlInputElement>().value(),
            });
            let id = format!("ring-{name}");
            html! {
                <div class="ring-slider">
                    <label for={id.clone()} title={help}>{ label }</label>
                    <input id={id} type="range" min={min.to_string()} max={max.to_string()} step={step.to_string()}
                        value={value.to_string()} data-option={name} title={help} {onchange} />
                    <output class="mono">{ value }</output>
                </div>
            }
        };
    html! {
        <div class="ring-sliders" role="group" aria-label="Ring settings (each change replays the run)">
            { slider("vnodes", "Virtual nodes", ring.vnodes, (1, ring::kv::MAX_SIM_VNODES, 1),
                "Virtual nodes per physical node: more even out the load") }
            { slider("replicas", "Replicas", ring.replicas, (1, ring::kv::MAX_REPLICAS, 1),
                "Copies of each key: the length of its preference list") }
            { slider("keys", "Keys", ring.initial_keys, (0, ring::kv::MAX_KEYS, 50),
                "Keys loaded into the store at start (k0, k1, ...)") }
        </div>
    }
}

fn ids(nodes: &[u32]) -> String {
    nodes.iter().map(|n| format!("node {n}")).collect::<Vec<_>>().join(", ")
}

fn stats(ring: &RingScene, send: &Callback<Cmd>) -> Html {
    let on_compare = send.reform(|e: Event| Cmd::RingCompare(e.target_unchecked_into::<HtmlInputElement>().checked()));
    // The run's change itself (what changed, the moved fraction of the
    // ring) is the protocol's "Last membership change" panel; here are the
    // run's keys that moved with it, and the same change under other
    // schemes when comparing.
    let change = ring.last_change.as_ref().map(|c| {
        let expected_label = if c.left.is_empty() { "Expected, k/(N+k)" } else { "Expected, 1/N" };
        html! {
            <>
            <tr class="group"><th scope="rowgroup" colspan="2">{"Keys of this run in the last change"}</th></tr>
            <tr data-stat="moved"><th scope="row">{"Keys that changed owner"}</th>
                <td class="mono" data-value={c.moved.to_string()}>{ format!("{} of {}", c.moved, c.keys) }</td></tr>
            { c.expected.map(|x| stat("expected", expected_label, x, fraction(x))).unwrap_or_default() }
            { if ring.compare { html! { <>
                { stat("modulo_moved_fraction", "Keys moved, hash mod N", c.modulo_moved_fraction, fraction(c.modulo_moved_fraction)) }
                { stat("rendezvous_moved_fraction", "Keys moved, rendezvous", c.rendezvous_moved_fraction, fraction(c.rendezvous_moved_fraction)) }
            </> } } else { html! {} } }
            </>
        }
    });
    html! {
        <div class="ring-stats">
            <table id="ring-stats" class="figures">
                <tbody>
                    <tr data-stat="members"><th scope="row">{"Members"}</th>
                        <td class="mono" data-value={ring.members().len().to_string()}>
                            { ring.members().iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", ") }</td></tr>
                    { stat("load_stddev", "Load std. dev. (keys owned)", ring.load_stddev, format!("{:.2}", ring.load_stddev)) }
                    { stat("max_over_mean", "Max / mean", ring.max_over_mean, format!("{:.3}", ring.max_over_mean)) }
                    { change.unwrap_or_else(|| html! {
                        <tr class="group"><td colspan="2" class="muted">{"Add or remove a node to see how many keys move."}</td></tr>
                    }) }
                </tbody>
            </table>
            <label class="toggle" title="Show the same change under hash mod N and rendezvous hashing, on the same keys">
                <input id="ring-compare" type="checkbox" checked={ring.compare} onchange={on_compare} />
                {" Compare with hash mod N"}
            </label>
        </div>
    }
}

fn lookup(ring: &RingScene, send: &Callback<Cmd>) -> Html {
    let onsubmit = {
        let send = send.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            // By id: the panel is rebuilt often, and the field with it.
            let key = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id("ring-lookup"))
                .and_then(|el| el.dyn_into::<HtmlInputElement>().ok())
                .map(|el| el.value())
                .unwrap_or_default();
            send.emit(Cmd::RingLookup(key));
        })
    };
    let result = match &ring.lookup {
        Some(l) => {
            let owner = l.nodes.first().copied();
            let replicas = l.nodes.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(",");
            html! {
                <p id="ring-lookup-result" data-key={l.key.clone()} data-position={l.position.to_string()}
                    data-owner={owner.map(|o| o.to_string()).unwrap_or_default()} data-replicas={replicas}>
                    <span class="mono">{ l.key.clone() }</span>
                    { format!(" is at {} of the ring (position {}). ", fraction(ring::fraction(l.position)), l.position) }
                    { match owner {
                        Some(o) => format!("Owner: node {o}. Preference list ({} of {}): {}.", l.nodes.len(), ring.replicas, ids(&l.nodes)),
                        None => "No node is in the ring.".to_string(),
                    } }
                </p>
            }
        }
        None => html! { <p id="ring-lookup-result" class="muted">{"Type a key to see where it lives."}</p> },
    };
    html! {
        <form class="request ring-lookup" {onsubmit}>
            <label for="ring-lookup">{"Look up a key"}</label>
            <div class="row">
                // Not a controlled field: a re-render would undo what is being typed.
                <input id="ring-lookup" type="text" placeholder="k42" maxlength="256"
                    title="A key: its position, owner and replicas are highlighted on the ring" />
                <button type="submit">{"Look up"}</button>
            </div>
            { result }
        </form>
    }
}

#[derive(Properties, PartialEq)]
pub struct WhatIfProps {
    pub nodes: u32,
    pub vnodes: u32,
    pub replicas: u32,
    pub seed: u64,
}

/// `cli ring --nodes N --vnodes V --replicas R --keys K --seed S --add 1`,
/// measured in the page for the run's settings.
#[function_component(WhatIf)]
pub fn what_if(props: &WhatIfProps) -> Html {
    let keys = use_state(|| WHATIF_KEYS_DEFAULT);
    // The field is filled once, not bound to the state: a re-render while
    // the user types would otherwise put the old number back.
    let field = use_node_ref();
    {
        let field = field.clone();
        use_effect_with((), move |_| {
            if let Some(input) = field.cast::<HtmlInputElement>() {
                input.set_value(&WHATIF_KEYS_DEFAULT.to_string());
            }
        });
    }
    let config = ReportConfig {
        nodes: props.nodes,
        vnodes: props.vnodes,
        replicas: props.replicas,
        keys: *keys,
        seed: props.seed,
        change: Change::Add(1),
    };
    let key = (config.nodes, config.vnodes, config.replicas, config.keys, config.seed);
    let report = use_memo(key, move |_| ring::report(&config).map_err(|e| e.to_string()));
    let onchange = {
        let keys = keys.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            match input.value().trim().parse::<u32>() {
                Ok(k) if (1..=MAX_WHATIF_KEYS).contains(&k) => keys.set(k),
                _ => input.set_value(&keys.to_string()),
            }
        })
    };
    let command = format!(
        "cli ring --nodes {} --vnodes {} --replicas {} --keys {} --seed {} --add 1",
        props.nodes, props.vnodes, props.replicas, *keys, props.seed
    );
    let body = match report.as_ref() {
        Ok(r) => html! {
            <table id="ring-whatif" class="figures" data-nodes={props.nodes.to_string()} data-vnodes={props.vnodes.to_string()}
                data-replicas={props.replicas.to_string()} data-keys={keys.to_string()} data-seed={props.seed.to_string()}>
                <tbody>
                    { stat("moved_fraction", "Moved fraction (ring)", r.ring.moved_fraction, fraction(r.ring.moved_fraction)) }
                    { stat("expected_moved_fraction", "Expected, 1/(N+1)", r.expected_moved_fraction, fraction(r.expected_moved_fraction)) }
                    { stat("modulo_moved_fraction", "Moved fraction, hash mod N", r.modulo_moved_fraction, fraction(r.modulo_moved_fraction)) }
                    { stat("rendezvous_moved_fraction", "Moved fraction, rendezvous", r.rendezvous_moved_fraction, fraction(r.rendezvous_moved_fraction)) }
                    { stat("load_stddev_before", "Load std. dev. before", r.ring.load_stddev.before, fraction(r.ring.load_stddev.before)) }
                    { stat("load_stddev_after", "Load std. dev. after", r.ring.load_stddev.after, fraction(r.ring.load_stddev.after)) }
                    { stat("max_over_mean_before", "Max / mean before", r.ring.max_over_mean.before, fraction(r.ring.max_over_mean.before)) }
                    { stat("max_over_mean_after", "Max / mean after", r.ring.max_over_mean.after, fraction(r.ring.max_over_mean.after)) }
                </tbody>
            </table>
        },
        Err(e) => html! { <p id="ring-whatif" class="muted">{ format!("No what-if: {e}") }</p> },
    };
    html! {
        <details class="ring-whatif" open=true>
            <summary title="The same figures as the command line prints">{"What if one more node joins a fresh ring?"}</summary>
            <p class="muted small" id="whatif-note">{ format!(
                "A different ring from the run's: as `cli ring` does, its virtual nodes are salted with the seed ({}) \
                 and it measures its own keys, while the run's ring uses salt 0. The run's own change is under \
                 “Last membership change”.", props.seed) }</p>
            <label class="whatif-keys">{"Keys "}
                <input id="whatif-keys" ref={field} type="number" min="1" max={MAX_WHATIF_KEYS.to_string()} step="1"
                    {onchange} title="Keys measured (k{seed}-0, k{seed}-1, ...); Enter to apply" />
            </label>
            <p class="muted mono small" id="whatif-command">{ command }</p>
            { body }
        </details>
    }
}
