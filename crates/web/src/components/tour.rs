//! Guided tours on the page: the caption panel (title, caption, "3 / 7",
//! Back, Next, Take over), the menu of shipped tours, and the fetching of
//! `tours/index.json` and `tours/ID.json` (same origin, relative to the
//! page, as the strict CSP asks). A fetched tour goes to the model as one
//! [`Cmd::OpenTour`]; a tour that cannot be fetched or read is a notice
//! naming the file and the field, and the current run is kept.

use super::icons::kbd;
use crate::model::cmd::Cmd;
use crate::model::tour::{TourRequest, TourView};
use lab::tour::TourEntry;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

/// The text at `url`, or why not (`tours/x.json: 404 Not Found`).
async fn fetch_text(url: &str) -> Result<String, String> {
    let window = web_sys::window().ok_or("no window")?;
    let failed = |_| format!("{url}: the request failed");
    let response: web_sys::Response =
        JsFuture::from(window.fetch_with_str(url)).await.map_err(failed)?.unchecked_into();
    if !response.ok() {
        return Err(format!("{url}: {} {}", response.status(), response.status_text()));
    }
    let text = JsFuture::from(response.text().map_err(failed)?).await.map_err(failed)?;
    text.as_string().ok_or_else(|| format!("{url}: not text"))
}

/// Fetch the tour `request` names and open it at its caption, or say why
/// it cannot be opened.
pub fn load(request: TourRequest, send: Callback<Cmd>) {
    let TourRequest { id, at } = request;
    yew::platform::spawn_local(async move {
        let url = format!("tours/{id}.json");
        let read = fetch_text(&url).await.and_then(|text| {
            let tour = lab::tour::parse(&text).map_err(|e| format!("{url}: {e}"))?;
            if tour.id != id {
                return Err(format!("{url}: id: expected {id:?}, got {:?}", tour.id));
            }
            Ok(tour)
        });
        send.emit(match read {
            Ok(tour) => Cmd::OpenTour { tour: Rc::new(tour), at },
            Err(why) => Cmd::Notify {
                text: format!("The tour “{id}” cannot be opened ({why}). The current run is kept."),
                error: true,
            },
        });
    });
}

/// The caption panel of the tour on show, at the run's `step`. The caption
/// is a live region, so a screen reader reads each new one. (Plain
/// functions rather than components: the page re-renders them with the
/// run, and a component's machinery costs bundle bytes.)
pub fn tour_panel(view: &TourView, step: u64, send: &Callback<Cmd>) -> Html {
    let stop = view.current();
    let at = match stop {
        Some(s) if s.step == step => format!("step {step}"),
        Some(s) => format!("step {step} (caption at {})", s.step),
        None => format!("step {step}; the first caption is at step {}", view.tour.stops[0].step),
    };
    html! {
        <section class="panel tour" id="tour" aria-labelledby="tour-h">
            <div class="panel-head">
                <h2 id="tour-h">{ view.tour.title.clone() }</h2>
                <span class="tour-count mono" id="tour-count" title="Caption of the tour">{ view.count() }</span>
            </div>
            <div class="tour-caption" id="tour-caption" aria-live="polite" aria-atomic="true">
                if let Some(stop) = stop {
                    if let Some(title) = &stop.title {
                        <p class="tour-title"><strong>{ title.clone() }</strong></p>
                    }
                    <p class="tour-text">{ stop.caption.clone() }</p>
                } else {
                    <p class="tour-text">{ "Press Next for the tour's first caption." }</p>
                }
            </div>
            <p class="tour-step muted" id="tour-step">{ at }</p>
            <div class="tour-nav">
                <button id="tour-back" title="Previous caption (b)" disabled={!view.has_back}
                    onclick={send.reform(|_| Cmd::TourBack)}>{ "← Back" }{ kbd("b") }</button>
                <button id="tour-next" class="primary" title="Next caption (n)" disabled={!view.has_next}
                    onclick={send.reform(|_| Cmd::TourNext)}>{ "Next →" }{ kbd("n") }</button>
                <button id="tour-take-over" title="Leave the tour and play freely from this step; its scripted actions still to come are dropped"
                    onclick={send.reform(|_| Cmd::TakeOver)}>{ "Take over" }</button>
            </div>
        </section>
    }
}

/// The list of shipped tours (`tours/index.json`), fetched the first time
/// it is opened; `index` is what the model holds of it.
pub fn tour_menu(index: Option<&Result<Vec<TourEntry>, String>>, send: &Callback<Cmd>) -> Html {
    let ontoggle = {
        let send = send.clone();
        let asked = index.is_some();
        Callback::from(move |e: Event| {
            if asked || !e.target_unchecked_into::<web_sys::HtmlDetailsElement>().open() {
                return;
            }
            let send = send.clone();
            yew::platform::spawn_local(async move {
                let url = "tours/index.json";
                let read = fetch_text(url)
                    .await
                    .and_then(|text| lab::tour::parse_index(&text).map_err(|e| format!("{url}: {e}")));
                send.emit(Cmd::TourIndex(read));
            });
        })
    };
    let body = match index {
        None => html! { <p class="muted">{ "Loading the tours…" }</p> },
        Some(Err(why)) => {
            html! { <p class="tour-error" role="alert">{ format!("The tours cannot be listed ({why}).") }</p> }
        }
        Some(Ok(entries)) => html! {
            <ul class="tour-list">
                { for entries.iter().map(|entry| {
                    let request = TourRequest { id: entry.id.clone(), at: 1 };
                    let send = send.clone();
                    html! {
                        <li><button class="link" data-tour={entry.id.clone()}
                            onclick={Callback::from(move |_| load(request.clone(), send.clone()))}>
                            { entry.title.clone() }</button></li>
                    }
                }) }
            </ul>
        },
    };
    html! {
        <details class="panel tours" id="tours" {ontoggle}>
            <summary><h2>{ "Guided tours" }</h2></summary>
            { body }
        </details>
    }
}
