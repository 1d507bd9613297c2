//! The inspector: a selected node (crash, restart, pause, client request,
//! cutting a link, then what its protocol says of it: the panels of
//! [`sim::Session::inspect`], such as Raft's log) or a selected message
//! (drop, duplicate, delay, its JSON).

use super::icons::{icon, kbd};
use super::panels::Panels;
use crate::model::cmd::Cmd;
use crate::model::core::Core;
use crate::model::text;
use protocol::{NodeId, Status};
use sim::Action;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

pub fn inspector(core: &Core, send: &Callback<Cmd>) -> Html {
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
    let crash = core.crash_or_restart(id);
    let pause = core.pause_or_resume(id);
    let n = session.node_count();

    // The request this node takes now, if any: the field's example.
    let offered = match session.client_request(Some(id)) {
        Some(Action::Request { cmd, .. }) => Some(cmd),
        _ => None,
    };
    let request_ref = NodeRef::default();
    let on_request = {
        let send = send.clone();
        let input = request_ref.clone();
        let example = offered.clone().unwrap_or_else(|| "x=1".into());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(el) = input.cast::<HtmlInputElement>() {
                let cmd = el.value().trim().to_string();
                if cmd.is_empty() {
                    send.emit(Cmd::Notify {
                        text: format!("request: type a command first, like {example}"),
                        error: true,
                    });
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

    let status = match info.status {
        Status::Up => "up",
        Status::Crashed => "down (crashed)",
        Status::Paused => "paused",
    };
    // What the protocol says of the node, under a status line the world
    // knows for every protocol.
    let details = html! {
        <>
        <dl class="facts"><dt>{"Status"}</dt><dd data-fact="Status">{ status }</dd></dl>
        <Panels panels={session.inspect(id)} prefix="insp-" nested=true shown_title={format!("Node {id}")} />
        </>
    };

    html! {
        <section class="panel inspector" aria-labelledby="insp-h" id="inspector">
            <header class="panel-head">
                <h2 id="insp-h">{ format!("Node {id}") }
                    <span class={classes!("chip", format!("c{}", info.look.tone.slot()))}>{ crate::model::text::role_name(info.look.role).into_owned() }</span></h2>
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
                    <input id="request-cmd" ref={request_ref} type="text" maxlength="256"
                        placeholder={offered.clone().unwrap_or_else(|| "x=1".into())}
                        title="A command a client sends this node" />
                    <button type="submit" title="Send the command to this node as a client request">{"Send"}</button>
                </div>
                if offered.is_none() {
                    <p class="muted note" id="request-note">{ format!("Node {id} takes no client request now: it would refuse or ignore one (the log says why).") }</p>
                }
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

fn message_inspector(core: &Core, id: sim::MsgId, send: &Callback<Cmd>) -> Html {
    let Some(json) = core.session.message_json(id) else { return html! {} };
    let pretty = text::pretty_json(&json);
    let mut msgs = Vec::new();
    core.session.messages_into(&mut msgs);
    let kind = msgs.iter().find(|m| m.id == id).map_or("message", |m| m.kind);
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
                <button id="dup-msg" title="Deliver a second copy (u)"
                    onclick={send.reform(move |_| Cmd::Act(Action::Duplicate { msg: id }))}>{"Duplicate"}{kbd("u")}</button>
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
