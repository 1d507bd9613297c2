//! The side-by-side view's panel: the two worlds' counters in one table
//! (messages sent, operations and their latency to each outcome, time
//! blocked, safety), at the step both stand at, and a button that closes
//! the view. The other world's canvas sits beside the run's
//! ([`other_canvas`]); this is its text.

use crate::model::cmd::Cmd;
use sim::Counters;
use yew::prelude::*;

/// One world as the table shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct World {
    /// The algorithm and its settings: `balance (strategy=ring)`.
    pub name: String,
    pub counters: Counters,
    /// The first property broken, and its step.
    pub violation: Option<(String, u64)>,
}

#[derive(Properties, PartialEq)]
pub struct CompareProps {
    /// The run on screen, then the other world.
    pub worlds: [World; 2],
    pub send: Callback<Cmd>,
}

pub use crate::model::compare::world_name;

fn ms(v: u64) -> String {
    format!("{v} ms")
}

/// `mean / max ms` of the operations that ended one way, `—` for none.
fn latency(l: &sim::meter::Latency) -> String {
    match l.mean() {
        None => "—".into(),
        Some(mean) => format!("{mean} / {} ms", l.max),
    }
}

/// The table's rows: a key (for scripts and tests), a label, and each
/// world's value as text and as a number.
fn rows(w: &World) -> Vec<(&'static str, &'static str, String, u64)> {
    let c = &w.counters;
    let safety = match &w.violation {
        None => "OK".to_string(),
        Some((p, step)) => format!("{p} broken at step {step}"),
    };
    vec![
        ("sent", "Messages sent", c.sent.to_string(), c.sent),
        ("delivered", "Delivered", c.delivered.to_string(), c.delivered),
        ("lost", "Lost", c.lost.to_string(), c.lost),
        ("invoked", "Client operations", c.invoked.to_string(), c.invoked),
        ("ok", "Took effect (ok)", c.ok.count.to_string(), c.ok.count),
        ("ok-latency", "Latency to ok, mean / max", latency(&c.ok), c.ok.mean().unwrap_or(0)),
        ("fail", "Refused (fail)", c.fail.count.to_string(), c.fail.count),
        ("fail-latency", "Latency to fail, mean / max", latency(&c.fail), c.fail.mean().unwrap_or(0)),
        ("info", "Outcome unknown", c.info.to_string(), c.info),
        ("waiting", "Still waiting", c.waiting.to_string(), c.waiting),
        ("blocked", "Time blocked", ms(c.blocked), c.blocked),
        ("safety", "Safety", safety, u64::from(w.violation.is_some())),
    ]
}

#[function_component(ComparePanel)]
pub fn compare_panel(props: &CompareProps) -> Html {
    let [run, other] = &props.worlds;
    let close = props.send.reform(|_: MouseEvent| Cmd::Compare(None));
    let (a, b) = (rows(run), rows(other));
    let step = run.counters.step;
    // A world with nothing left to happen stops where it ended.
    let at = if other.counters.step == step {
        format!("both at step {step}")
    } else {
        format!("{} at step {step}, {} ended at step {}", run.name, other.name, other.counters.step)
    };
    html! {
        <section class="panel compare" id="compare" aria-labelledby="compare-h">
            <div class="panel-head">
                <h2 id="compare-h">{"Side by side"}</h2>
                <button class="close" onclick={close} title="Close the side-by-side view" aria-label="Close the side-by-side view">{"×"}</button>
            </div>
            <table class="figures compare-counters" id="compare-counters">
                <caption>{ format!("Same seed, network and actions; {at}. \
                    Times are model ms: an operation's latency runs from its invocation to its outcome, \
                    and time blocked is how long at least one client waited.") }</caption>
                <thead><tr><th scope="col">{"Counter"}</th>
                    <th scope="col" data-world="run">{ name_head(&run.name) }</th>
                    <th scope="col" data-world="other">{ name_head(&other.name) }</th></tr></thead>
                <tbody>
                    { for a.into_iter().zip(b).map(|((key, label, x, xv), (_, _, y, yv))| html! {
                        <tr data-counter={key}>
                            <th scope="row">{ label }</th>
                            <td data-world="run" data-value={xv.to_string()}>{ x }</td>
                            <td data-world="other" data-value={yv.to_string()}>{ y }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </section>
    }
}

/// The other world's canvas, beside the run's, named, with its picture in
/// words for screen readers.
pub fn other_canvas(canvas: &NodeRef, name: &str, summary: String, banner: bool, step: u64, nodes: u32) -> Html {
    html! {
        <div class="canvas-wrap twin-wrap">
            <span class={world_name_class(banner, None)} title={name.to_string()}>{ name.to_string() }</span>
            <canvas ref={canvas.clone()} id="twin" role="img" aria-label={format!("{name}, beside the run: {summary}")}
                data-step={step.to_string()} data-nodes={nodes.to_string()} />
        </div>
    }
}

/// A world's name in the counters' head: the algorithm whole ("multipaxos"
/// broke into "multipaxo / s"), its changed settings free to break anywhere.
fn name_head(name: &str) -> Html {
    match name.split_once(" (") {
        Some((algo, settings)) => {
            html! { <><span class="algo">{ algo }</span>{" "}<span>{ format!("({settings}") }</span></> }
        }
        None => html! { <span class="algo">{ name }</span> },
    }
}

/// A corner label's classes: without a banner to keep room for, the label
/// may take the top band up to the network badge (`wide`), so a phone reads
/// a long bug's or world's name whole; beside a banner it takes its share
/// ([`banner::name_max`](crate::model::layout::banner::name_max)).
pub fn world_name_class(banner: bool, kind: Option<&'static str>) -> Classes {
    classes!("world-name", kind, (!banner).then_some("wide"))
}
