//! The event log (it sticks to its newest line unless the reader scrolled
//! up) and the polite live region that announces only notable lines.

use crate::model::cmd::Cmd;
use crate::model::log_lines::fold;
use protocol::Level;
use sim::LogEntry;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Entries of the event log read for the list: all the world keeps.
/// Folding turns runs of routine lines into one line each, so a notable
/// line stays listed (scrolled to) as long as the world keeps it; with 120
/// entries, a failover's line left the list after about 200 steps of a
/// protocol that narrates each write.
pub const LOG_LINES: usize = sim::event_log::LOG_CAPACITY;

#[derive(Properties)]
pub struct EventLogProps {
    pub log: Rc<Vec<LogEntry>>,
    /// The world's generation the log was read at: the log changes only with it.
    pub generation: u64,
    /// List only notices and warnings.
    pub notable_only: bool,
    /// The steps the space-time diagram points at: their lines are marked.
    pub marked: Option<[u64; 2]>,
    pub send: Callback<Cmd>,
}

impl PartialEq for EventLogProps {
    fn eq(&self, other: &Self) -> bool {
        self.generation == other.generation
            && self.log.len() == other.log.len()
            && self.notable_only == other.notable_only
            && self.marked == other.marked
    }
}

#[function_component(EventLog)]
pub fn event_log(props: &EventLogProps) -> Html {
    let log_ref = use_node_ref();
    let stick = use_memo((), |_| Rc::new(Cell::new(true)));
    {
        let log_ref = log_ref.clone();
        let stick = (*stick).clone();
        use_effect_with(props.generation, move |_| {
            if stick.get() {
                if let Some(el) = log_ref.cast::<web_sys::Element>() {
                    el.set_scroll_top(el.scroll_height());
                }
            }
        });
    }
    let onscroll = {
        let log_ref = log_ref.clone();
        let stick = (*stick).clone();
        Callback::from(move |_: Event| {
            if let Some(el) = log_ref.cast::<web_sys::Element>() {
                stick.set(el.scroll_height() - el.scroll_top() - el.client_height() < 24);
            }
        })
    };
    let latest = props.log.iter().rev().find(|e| e.level != Level::Info);
    let lines = fold(&props.log, props.notable_only);
    // A click on a line goes to its step (the timeline and the space-time
    // diagram follow): one handler for the list, reading the line's step.
    let on_line = props.send.reform(|e: MouseEvent| {
        let step = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("li[data-step]").ok().flatten())
            .and_then(|li| li.get_attribute("data-step"))
            .and_then(|s| s.parse().ok());
        step.map_or(Cmd::Refresh, Cmd::Seek)
    });
    let on_notable = props
        .send
        .reform(|e: Event| Cmd::LogNotableOnly(e.target_unchecked_into::<web_sys::HtmlInputElement>().checked()));
    html! {
        <>
        <section class="log-panel" aria-labelledby="log-h">
            <header class="log-head">
                <h2 id="log-h">{"Event log"}</h2>
                <label title="List only leader changes, crashes, violations and other notable lines">
                    <input type="checkbox" id="log-notable" checked={props.notable_only} onchange={on_notable} />
                    {"notable only"}
                </label>
            </header>
            // The live region is a box around a plain list: a list's items
            // must sit in a list (WCAG 1.3.1), and role=log on the <ol>
            // itself took that away.
            <div class="log mono" id="log" role="log" aria-live="off" tabindex="0" aria-label="Event log" ref={log_ref} {onscroll}>
            if lines.is_empty() {
                <p class="muted log-empty" id="log-empty">{ empty_text(props.notable_only, props.log.is_empty()) }</p>
            }
            <ol onclick={on_line} title="Click a line to go to its step">
                { for lines.into_iter().map(|line| {
                    let e = line.entry;
                    let level = match e.level { Level::Info => "lvl-info", Level::Notice => "lvl-notice", Level::Warn => "lvl-warn" };
                    let folded = (line.count > 1).then(|| html! {
                        <span class="folded" title={format!("{} alike lines from step {} to {}", line.count, line.first_step, e.step)}>
                            { format!(" ×{}", line.count) }
                        </span>
                    });
                    html! {
                        <li key={line.key()} class={classes!(level, props.marked.is_some_and(|m| m.contains(&e.step)).then_some("marked"))}
                            data-step={e.step.to_string()} data-count={line.count.to_string()}>
                            <span class="at">{ format!("#{:<6}", e.step) }</span>
                            <span class="at">{ format!("{:>7} ms", e.time) }</span>
                            <span class="text">{ e.text.clone() }{ for folded }</span>
                        </li>
                    }
                }) }
            </ol>
            </div>
        </section>
        // Only the notable lines (leader changes, crashes, violations), so
        // screen readers are not flooded by every message.
        <div class="sr-only" aria-live="polite" aria-atomic="true" id="announcer">
            { latest.map(|e| format!("Step {}: {}", e.step, e.text)).unwrap_or_default() }
        </div>
        </>
    }
}

/// What an empty log says: where its lines come from, or that "notable
/// only" hides every line so far. (The hash ring's default run, gossip
/// only, left the panel blank.)
fn empty_text(notable_only: bool, nothing_logged: bool) -> &'static str {
    if notable_only && !nothing_logged {
        "No notable line yet: a leader elected, a crash, a violation. Clear \"notable only\" for every line."
    } else {
        "Nothing logged yet. The protocol's notes (a leader elected, a value chosen, a write acknowledged), \
         the faults you inject and any violation appear here, newest last; a click on a line goes to its step."
    }
}
