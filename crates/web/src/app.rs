//! The app: its state (one reducer over the [`Core`]) and the page built
//! from it. Every click, key and script call arrives as an [`Input`]
//! carrying one [`Cmd`], reduced here in one place. The host edges and the
//! animation loop are mounted above it ([`crate::shell`]); what the page
//! needs of them (copying a link) comes in as callbacks.

use crate::canvas::pointer::canvas_handlers;
use crate::canvas::stage::View;
use crate::components::check::CheckPanel;
use crate::components::compare::{self, ComparePanel};
use crate::components::event_log::{EventLog, LOG_LINES};
use crate::components::help::HelpOverlay;
use crate::components::icons::kbd;
use crate::components::invariants::Invariants;
use crate::components::legend::CanvasLegend;
use crate::components::messages::MessagesPanel;
use crate::components::nodes::{any_cut, node_rows, NodesPanel};
use crate::components::notices::{action_errors, Notices};
use crate::components::panels::Panels;
use crate::components::partition_bar::partition_bar;
use crate::components::scenario::ScenarioCard;
use crate::components::spacetime::{self, SpaceTime};
use crate::components::timeline::Timeline;
use crate::components::toolbar::Toolbar;
use crate::components::tour::{tour_menu, tour_panel};
use crate::components::transport::Transport;
use crate::components::{inspector, ring_panel};
use crate::model::boot::Boot;
use crate::model::cmd::{Cmd, Input};
use crate::model::core::Core;
use crate::model::embed::{EmbedView, Origins};
use crate::model::in_flight::MsgList;
use crate::model::text;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

mod embed;

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
    /// Who may drive the app over `postMessage` (`?parent=`).
    pub origins: Origins,
    /// `?embed=1`: the compact view for another page's iframe.
    pub embed: Option<EmbedView>,
    /// `?tour=ID&at=N`: the tour fetched once the page is up.
    pub tour_request: Option<crate::model::tour::TourRequest>,
}

impl Reducible for AppState {
    type Action = Input;

    fn reduce(self: Rc<Self>, input: Input) -> Rc<Self> {
        {
            let mut core = self.core.borrow_mut();
            match input {
                Input::Ui(cmd) => {
                    if let Err(e) = core.apply(cmd) {
                        core.notify(e, true);
                    }
                }
                Input::Api(cmd) => *self.api_error.borrow_mut() = core.apply(cmd).err(),
            }
        }
        Rc::new(AppState { rev: self.rev + 1, ..(*self).clone() })
    }
}

impl AppState {
    pub fn new(boot: Boot) -> Self {
        AppState {
            core: Rc::new(RefCell::new(boot.core)),
            rev: 0,
            api_error: Rc::default(),
            bench: boot.bench,
            origins: boot.origins,
            embed: boot.embed,
            tour_request: boot.tour,
        }
    }
}

/// The query of a link to what `core` shows: the tour's caption while in a
/// tour, else the run (`host::url::query_of`).
pub fn link_query(core: &Core) -> String {
    core.tour_query().unwrap_or_else(|| crate::host::url::query_of(core))
}

/// The page's handles into the canvas and the host.
pub struct PageRefs<'a> {
    pub view: &'a Rc<RefCell<View>>,
    pub canvas: &'a NodeRef,
    pub wrap: &'a NodeRef,
    pub send: &'a Callback<Cmd>,
    pub on_copy: &'a Callback<()>,
    /// The file chosen in the File menu, to open.
    pub on_files: &'a Callback<web_sys::File>,
    /// The caption of the current step and the request it offers
    /// (computed once per world change).
    pub step: &'a text::StepText,
    /// The messages in flight as the list shows them (once per world change).
    pub msgs: Rc<MsgList>,
}

/// The page for the current state.
pub fn page(state: &AppState, refs: PageRefs<'_>) -> Html {
    if let Some((nodes, msgs)) = state.bench {
        return bench_page(nodes, msgs, refs.canvas, refs.wrap);
    }
    if let Some(view) = state.embed {
        return embed::embed_page(state, &refs, view);
    }
    let send = refs.send;
    let core = state.core.borrow();
    let session = core.session.as_ref();
    let log = Rc::new(session.log_tail(LOG_LINES));
    let picture = core.picture.clone();
    let summary = text::summary(session, &picture);
    let canvas_events = canvas_handlers(state.core.clone(), refs.view.clone(), send.clone());
    // The ring panel shows the ring as the canvas has it, synced now.
    let ring_html = {
        let mut view = refs.view.borrow_mut();
        let view = &mut *view;
        crate::model::ring::sync(&mut view.ring, &mut view.scene, &core, js_sys::Date::now());
        ring_panel::ring_panel(&core, view.ring.as_ref(), send)
    };

    let comparing = comparison(&core, refs.view);
    // Beside the other world, the diagram goes below.
    let diagram_class = core.spacetime.is_some().then(|| {
        let placement = if comparing.is_some() { crate::model::cmd::Placement::Below } else { core.placement };
        format!("diagram-{}", placement.name())
    });
    html! {
        <div class="app">
            <Toolbar setup={core.setup.clone()} theme={core.theme} nodes={session.node_count()}
                seed={session.seed()} send={send.clone()} on_copy={refs.on_copy.clone()}
                warning={core.trace_warning} on_files={refs.on_files.clone()}
                has_clients={!session.client_ops().is_empty()} />
            <Notices notices={core.notices.clone()} errors={action_errors(session)} send={send.clone()} />
            <main class="main">
                <section class={classes!("stage", diagram_class, comparing.is_some().then_some("comparing"))} aria-label="Cluster view">
                    <Transport steps={session.steps()} now={session.now()} playing={core.playing}
                        can_play={session.next_event_time().is_some()} speed={core.speed}
                        partition_mode={core.partition_mode} diagram={core.spacetime.is_some()}
                        compare={core.compare.as_ref().map(|t| t.against.algo)} send={send.clone()} />
                    if core.partition_mode {
                        { partition_bar(&core.picked, session.node_count(), send) }
                    } else {
                        // Idle, the caption says how to go on, in full: it may grow,
                        // as nothing plays to resize the canvas every frame. A run
                        // that plays on while it waits for a client keeps two lines,
                        // with the offered request's button under them.
                        <p class={classes!("caption", if session.next_event_time().is_none() { Some("idle") }
                            else { refs.step.offered.as_ref().map(|_| "offer") })} id="caption"
                            title={refs.step.caption.clone()}><span>{ refs.step.caption.clone() }</span>
                            if let Some((node, cmd)) = refs.step.offered.clone() {
                                <button id="send-request" class="primary"
                                    title="Send this client request; or select a node and type your own (q)"
                                    onclick={send.reform(move |_| Cmd::ClientRequest(Some(node)))}>
                                    { format!("Send {cmd} to node {node}") }{kbd("q")}</button>
                            }
                        </p>
                    }
                    <div class={classes!("canvas-wrap", core.partition_mode.then_some("picking"))} ref={refs.wrap.clone()}>
                        <canvas ref={refs.canvas.clone()} id="cluster" role="img" aria-label={summary}
                            tabindex="-1"
                            data-nodes={session.node_count().to_string()}
                            data-step={session.steps().to_string()}
                            onclick={canvas_events.click}
                            onmousemove={canvas_events.hover} />
                        { network_badge(core.setup.sim.network) }
                        { corner_label(&core.setup, comparing.is_some(), core.picture.banner.is_some()) }
                    </div>
                    if let Some(c) = comparing.as_ref() {
                        { c.drawn.clone() }
                    }
                    if let Some(recorder) = core.spacetime.as_ref() {
                        <SpaceTime core={state.core.clone()} view={refs.view.clone()} placement={core.placement}
                            summary={spacetime::summary(&recorder.diagram, crate::model::spacetime::clipped(session))} send={send.clone()} />
                    }
                    <Timeline steps={session.steps()} end={core.furthest}
                        marks={Rc::new(timeline_marks(&core, &log))}
                        branch={core.branches.last().cloned()} branch_index={core.branches.len().saturating_sub(1)}
                        send={send.clone()} />
                    <CanvasLegend items={legend_items(&picture.legend, comparing.as_ref())} kinds={core.kinds.seen()}
                        violated={session.violation().is_some_and(|v| !v.nodes.is_empty())} />
                </section>
                <aside class="side" aria-label="Details">
                    if core.check.open {
                        <CheckPanel check={core.check.clone()} step={session.steps()} send={send.clone()}
                            bug={core.setup.bug().map(|b| (b.name, lab::recipes::find(core.setup.algo, b.name)))} />
                    }
                    if let Some(Comparing { worlds, .. }) = comparing {
                        <ComparePanel {worlds} send={send.clone()} />
                    }
                    { match core.tour_view() {
                        Some(view) => tour_panel(&view, session.steps(), send),
                        None => tour_menu(core.tour_index.as_ref(), send),
                    } }
                    if let Some(preset) = core.scenario().filter(|_| core.scenario_open) {
                        <ScenarioCard {preset} step={session.steps()} send={send.clone()} />
                    }
                    { ring_html }
                    <NodesPanel rows={node_rows(session)} selected={core.selected_node} picked={core.picked.clone()}
                        any_cut={any_cut(session)} partition_mode={core.partition_mode} send={send.clone()} />
                    // The inspector under the list its selection is in: a
                    // node's under the nodes (a click on a row showed nothing
                    // in view; it is next in the reading order), a message's
                    // under the messages.
                    if core.selected_msg.is_none() {
                        { inspector::inspector(&core, send) }
                    }
                    // The protocol's own picture (every log side by side, the
                    // slots, the lock's writes) before the list of messages.
                    <Panels panels={picture.panels.clone()} />
                    <MessagesPanel list={refs.msgs.clone()} selected={core.selected_msg} send={send.clone()} />
                    if core.selected_msg.is_some() {
                        { inspector::inspector(&core, send) }
                    }
                    <Invariants properties={session.properties()} first={session.first_violation().cloned()}
                        now={session.violation().cloned()} pause_on_violation={core.pause_on_violation}
                        bug={core.setup.bug()} send={send.clone()} />
                </aside>
                // Under the stage; the side column runs down beside both.
                <EventLog log={log} generation={core.generation} notable_only={core.log_notable_only}
                    marked={core.marked} send={send.clone()} />
            </main>
            if core.help_open { <HelpOverlay send={send.clone()} /> }
        </div>
    }
}

/// The side-by-side view, when one is open: both worlds for the counters
/// table, the other world's canvas to put beside the run's, and the keys
/// of its protocol's legend.
pub struct Comparing {
    pub worlds: [compare::World; 2],
    pub drawn: Html,
    pub legend: Vec<protocol::present::LegendItem>,
}

pub fn comparison(core: &Core, view: &Rc<RefCell<View>>) -> Option<Comparing> {
    let twin = core.compare.as_ref()?;
    let (session, other) = (core.session.as_ref(), twin.session());
    let name = compare::world_name(twin.against.algo, &twin.against.options);
    let [run_counters, other_counters] = twin.counters();
    let first = |s: &dyn sim::Session| s.first_violation().map(|v| (v.property.to_string(), v.step));
    let worlds = [
        compare::World {
            name: compare::world_name(core.setup.algo, &core.setup.options),
            counters: run_counters,
            violation: first(session),
        },
        compare::World { name: name.clone(), counters: other_counters, violation: first(other) },
    ];
    let canvas = view.borrow().twin.canvas.clone();
    let picture = other.picture();
    let summary = text::summary(other, &picture);
    let drawn =
        compare::other_canvas(&canvas, &name, summary, picture.banner.is_some(), other.steps(), other.node_count());
    Some(Comparing { worlds, drawn, legend: picture.legend })
}

/// The legend's keys: the run's protocol's and, side by side, the other
/// world's that differ (a leader and followers beside replicas and clients).
fn legend_items(
    own: &[protocol::present::LegendItem],
    comparing: Option<&Comparing>,
) -> Vec<protocol::present::LegendItem> {
    let mut items = own.to_vec();
    if let Some(c) = comparing {
        items.extend(c.legend.iter().filter(|item| !own.contains(item)).cloned());
    }
    items
}

/// The label in the canvas's top-left corner
/// ([`corner_name`](crate::model::compare::corner_name)): the run's name
/// beside another world, or alone the bug it runs, in the alarm colour.
/// `banner`: whether the canvas draws its protocol's banner across the top.
pub fn corner_label(setup: &lab::Setup, comparing: bool, banner: bool) -> Html {
    let Some(name) = crate::model::compare::corner_name(setup, comparing) else {
        return html! {};
    };
    html! {
        <span class={compare::world_name_class(banner, (!comparing).then_some("bug"))} title={name.clone()}>{ name }</span>
    }
}

/// The run's channel semantics, on the canvas: what the network promises
/// the protocol (a reliable, lossy or at-least-once network).
pub fn network_badge(network: sim::Network) -> Html {
    html! {
        <span class={classes!("network-badge", network.name())} id="network-mode" title={network.help()}>
            { crate::model::layout::banner::badge_label(network) }
        </span>
    }
}

/// The timeline's marks: the protocol's notable lines are the space-time
/// diagram's (the whole run) when it is shown, else the event log's.
fn timeline_marks(core: &Core, log: &[sim::LogEntry]) -> Vec<crate::model::timeline::Mark> {
    let (session, end) = (core.session.as_ref(), core.furthest.max(core.session.steps()));
    match core.spacetime.as_ref() {
        Some(recorder) => {
            let notes = recorder.diagram.notes.iter().map(|n| (n.at.step, n.text.as_str()));
            crate::model::timeline::marks(session, &core.branches, end, notes)
        }
        None => {
            let notable = log.iter().filter(|e| e.level != protocol::Level::Info && e.node.is_some());
            crate::model::timeline::marks(session, &core.branches, end, notable.map(|e| (e.step, e.text.as_str())))
        }
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
