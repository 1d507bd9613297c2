//! Generic panels: any [`protocol::present::Panel`] drawn as DOM, so a
//! protocol describes its side panels as data and the app needs no code of
//! its own for them.
//!
//! - Facts: a `<dl>`;
//! - Table: column headings, rows judged accepted or rejected by class;
//! - Grid: a row per node and a column per position (log index, slot) in a
//!   scrolling table that keeps its newest columns in view, each cell
//!   coloured by its tone (`c0`..`c7`), the mark (commit index) drawn after
//!   its cell, rows of crashed nodes dimmed;
//! - Bars: a bar per item with its value as text for screen readers;
//! - Series: a small line chart over time (see [`chart`]).
//!
//! Each panel is a `<section class="panel" id={prefix + panel.id}>` with an
//! `<h2>`, a component with `PartialEq` props, so an unchanged panel is not
//! rebuilt. Its parts take ids and data attributes derived from the panel
//! (`{id}-table`, `{id}-grid`, `{id}-note`, `data-col`, `data-fact`,
//! `data-verdict`, `data-index`), so pages and tests find them without
//! knowing the protocol.

use protocol::present::{Bar, Body, Cell, Fact, Grid, GridRow, Panel, Row};
use yew::prelude::*;

// Charts live in their own file beside this one (components/chart.rs).
#[path = "chart.rs"]
pub mod chart;

#[derive(Properties, PartialEq)]
pub struct PanelsProps {
    pub panels: Vec<Panel>,
    /// Put before every id, so two sets of panels (the picture's and the
    /// inspector's) never share one.
    #[prop_or_default]
    pub prefix: &'static str,
    /// Drawn inside another panel (the inspector): headings one level down.
    #[prop_or_default]
    pub nested: bool,
    /// A title the enclosing panel already shows (the inspector's "Node 2"):
    /// a panel with this title gets no heading of its own.
    #[prop_or_default]
    pub shown_title: AttrValue,
}

/// Every panel of a picture, in order.
#[function_component(Panels)]
pub fn panels(props: &PanelsProps) -> Html {
    html! {
        <>{ for props.panels.iter().map(|p| html! {
            <PanelView key={p.id} panel={p.clone()} id={format!("{}{}", props.prefix, p.id)} nested={props.nested}
                untitled={props.nested && p.title == props.shown_title.as_str()} />
        }) }</>
    }
}

#[derive(Properties, PartialEq)]
pub struct PanelProps {
    pub panel: Panel,
    /// The section's id (the panel's, with its prefix).
    pub id: AttrValue,
    #[prop_or_default]
    pub nested: bool,
    /// Leave the heading out (the enclosing panel shows the same title).
    #[prop_or_default]
    pub untitled: bool,
}

#[function_component(PanelView)]
pub fn panel_view(props: &PanelProps) -> Html {
    let p = &props.panel;
    let id = props.id.as_str();
    let heading = format!("{id}-h");
    let body = match &p.body {
        Body::Facts { facts } => facts_view(facts),
        Body::Table { columns, rows, empty } => table_view(id, columns, rows, empty),
        Body::Grid(grid) => html! { <GridView grid={grid.clone()} id={props.id.clone()} /> },
        Body::Bars { bars, unit, parts, full } => bars_view(bars, unit, *parts, *full),
        Body::Series(c) => html! { <chart::ChartView chart={c.clone()} id={props.id.clone()} /> },
    };
    let title = p.title.clone();
    let note =
        p.note.as_ref().map(|n| html! { <p class="muted panel-note" id={format!("{id}-note")}>{ n.clone() }</p> });
    if props.nested {
        return html! {
            <div class="subpanel" id={id.to_string()} role="group" aria-label={title.clone()}>
                if !props.untitled { <h3 id={heading}>{ title }</h3> }
                { note.unwrap_or_default() }
                { body }
            </div>
        };
    }
    html! {
        <section class="panel" id={id.to_string()} aria-labelledby={heading.clone()}>
            <h2 id={heading}>{ title }</h2>
            { note.unwrap_or_default() }
            { body }
        </section>
    }
}

fn facts_view(facts: &[Fact]) -> Html {
    html! {
        <dl class="facts">
            { for facts.iter().map(|f| html! {
                <><dt>{ f.label }</dt><dd class="mono" data-fact={f.label}>{ f.value.clone() }</dd></>
            }) }
        </dl>
    }
}

/// The class of a table row: its verdict.
pub fn verdict_class(verdict: Option<bool>) -> Option<&'static str> {
    verdict.map(|ok| if ok { "accepted" } else { "rejected" })
}

fn table_view(id: &str, columns: &[&'static str], rows: &[Row], empty: &str) -> Html {
    if rows.is_empty() {
        return html! { <p class="muted">{ empty.to_string() }</p> };
    }
    html! {
        <table class="panel-table mono" id={format!("{id}-table")}>
            <thead><tr>{ for columns.iter().map(|c| html! { <th scope="col">{ *c }</th> }) }</tr></thead>
            <tbody>
            { for rows.iter().map(|r| html! {
                <tr class={classes!(verdict_class(r.verdict))}
                    data-verdict={r.verdict.map(|v| v.to_string()).unwrap_or_default()}>
                    { for r.cells.iter().zip(columns).map(|(c, col)| html! { <td data-col={*col}>{ c.clone() }</td> }) }
                </tr>
            }) }
            </tbody>
        </table>
    }
}

/// The positions a grid shows, in column order.
pub fn positions(grid: &Grid) -> std::ops::Range<u64> {
    grid.first..grid.first + u64::from(grid.columns)
}

/// The classes of one grid cell: its tone, solid when strong, `mark` at the
/// row's marked position (the commit index), `empty` where the node has nothing.
pub fn cell_classes(cell: Option<&Cell>, position: u64, row: &GridRow) -> Classes {
    let marked = row.mark == Some(position);
    match cell {
        Some(c) => classes!(format!("c{}", c.tone.slot()), c.strong.then_some("strong"), marked.then_some("mark")),
        None => classes!("empty", marked.then_some("mark")),
    }
}

#[derive(Properties, PartialEq)]
pub struct GridProps {
    pub grid: Grid,
    /// The panel's id; the table is `{id}-grid`.
    pub id: AttrValue,
}

/// A grid that scrolls to its end whenever it changes, so the newest
/// columns (and the commit marks next to them) are in view.
#[function_component(GridView)]
pub fn grid_view(props: &GridProps) -> Html {
    let scroll_ref = use_node_ref();
    {
        let scroll_ref = scroll_ref.clone();
        use_effect_with(props.grid.clone(), move |_| {
            if let Some(el) = scroll_ref.cast::<web_sys::Element>() {
                el.set_scroll_left(el.scroll_width());
            }
        });
    }
    let grid = &props.grid;
    if grid.rows.is_empty() || grid.columns == 0 {
        return html! { <p class="muted">{ grid.empty }</p> };
    }
    html! {
        <>
        <div class="grid-scroll" tabindex="0" role="region" ref={scroll_ref}
            aria-label={format!("{}s {} to {} per node", grid.axis, grid.first, grid.first + u64::from(grid.columns) - 1)}>
            <table class="grid mono" id={format!("{}-grid", props.id)}>
                <thead><tr>
                    <th scope="col">{"node"}</th>
                    { for positions(grid).map(|i| html! { <th scope="col">{ i }</th> }) }
                    <th scope="col" class="tail"><span class="sr-only">{"notes"}</span></th>
                </tr></thead>
                <tbody>
                { for grid.rows.iter().map(|row| html! {
                    <tr data-node={row.node.to_string()} class={classes!(row.down.then_some("down"))}
                        data-mark={row.mark.map(|m| m.to_string()).unwrap_or_default()}>
                        <th scope="row">{ if row.down { format!("{} ✕", row.node) } else { row.node.to_string() } }</th>
                        { for positions(grid).enumerate().map(|(k, i)| {
                            let cell = row.cells.get(k).and_then(Option::as_ref);
                            html! {
                                <td class={cell_classes(cell, i, row)} data-index={i.to_string()}
                                    title={cell.map(|c| c.title.clone()).unwrap_or_default()}>
                                    { cell.map(|c| c.text.clone()).unwrap_or_default() }
                                </td>
                            }
                        }) }
                        <td class="tail">{ row.tail.clone() }</td>
                    </tr>
                }) }
                </tbody>
            </table>
        </div>
        <p class="muted grid-key">{ grid.key }</p>
        </>
    }
}

/// A bar's width in percent of the largest value (0 when all are 0).
pub fn bar_percent(value: f64, most: f64) -> f64 {
    if most > 0.0 && value.is_finite() {
        (value / most * 100.0).clamp(0.0, 100.0)
    } else {
        0.0
    }
}

/// A value as the bar's text: at most two decimals, none that are zero
/// ("4", "9.5", "0.12").
pub fn bar_text(value: f64, unit: &str) -> String {
    let v = lab::decimal::short(value);
    if unit.is_empty() {
        v
    } else {
        format!("{v} {unit}")
    }
}

fn bars_view(bars: &[Bar], unit: &str, parts: Option<[&str; 2]>, full: Option<f64>) -> Html {
    let most = full.unwrap_or_else(|| bars.iter().map(|b| b.value).fold(0.0, f64::max));
    html! {
        <>
        <ul class="bars">
            { for bars.iter().enumerate().map(|(i, b)| {
                let solid = b.part.map_or(b.value, |p| p.min(b.value));
                let (text, said) = match (b.part, parts) {
                    (Some(_), Some([first, second])) => {
                        let (a, z) = (bar_text(solid, ""), bar_text(b.value - solid, ""));
                        (format!("{a} + {z}"), format!("{a} {first}, {z} {second} ({})", bar_text(b.value, unit)))
                    }
                    _ => (bar_text(b.value, unit), bar_text(b.value, unit)),
                };
                let tone = format!("c{}", b.tone.slot());
                html! {
                    <li aria-label={format!("{}: {said}", b.label)} data-index={i.to_string()}
                        data-value={b.value.to_string()} data-part={b.part.map(|p| p.to_string())}>
                        <span class="name mono" aria-hidden="true">{ b.label.clone() }</span>
                        // An SVG's geometry, not a style attribute: the app runs
                        // under a Content-Security-Policy without inline styles.
                        <svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                            <rect class={classes!("fill", tone.clone())} height="10"
                                width={format!("{:.2}", bar_percent(solid, most))} />
                            if b.part.is_some() {
                                <rect class={classes!("fill", "light", tone)} height="10"
                                    x={format!("{:.2}", bar_percent(solid, most))}
                                    width={format!("{:.2}", bar_percent(b.value - solid, most))} />
                            }
                        </svg>
                        <span class="num mono" aria-hidden="true">{ text }</span>
                    </li>
                }
            }) }
        </ul>
        if let Some([first, second]) = parts {
            <p class="bars-key muted" aria-hidden="true">
                <span class="swatch solid"></span>{ first }{" + "}<span class="swatch light"></span>{ second }
                { if unit.is_empty() { String::new() } else { format!(" ({unit})") } }
            </p>
        }
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::present::Tone;

    fn row(mark: Option<u64>) -> GridRow {
        GridRow { node: 1, down: false, cells: Vec::new(), mark, tail: String::new() }
    }

    #[test]
    fn grid_cells_take_their_tone_and_the_mark() {
        let cell = Cell { text: "3".into(), tone: Tone(11), strong: true, title: "term 3".into() };
        let classes = cell_classes(Some(&cell), 7, &row(Some(7)));
        assert_eq!(classes.to_string(), "c3 strong mark");
        assert_eq!(cell_classes(None, 8, &row(Some(7))).to_string(), "empty");
        let grid = Grid { axis: "index", first: 40, columns: 3, ..Grid::default() };
        assert_eq!(positions(&grid).collect::<Vec<_>>(), vec![40, 41, 42]);
    }

    #[test]
    fn bars_scale_to_the_largest_and_say_their_value() {
        assert_eq!(bar_percent(5.0, 10.0), 50.0);
        assert_eq!(bar_percent(5.0, 0.0), 0.0);
        assert_eq!(bar_percent(f64::NAN, 3.0), 0.0);
        // A fixed scale (a share of a threshold) holds a bar past it at full.
        assert_eq!(bar_percent(150.0, 100.0), 100.0);
        assert_eq!(bar_text(12.0, "keys"), "12 keys");
        assert_eq!(bar_text(0.5, ""), "0.5");
        assert_eq!(bar_text(9.5, "% of threshold"), "9.5 % of threshold");
        assert_eq!(bar_text(0.125, ""), "0.12");
        assert_eq!(bar_text(2.0 / 3.0, "keys"), "0.67 keys");
    }

    #[test]
    fn table_rows_are_judged_by_class() {
        assert_eq!(verdict_class(Some(true)), Some("accepted"));
        assert_eq!(verdict_class(Some(false)), Some("rejected"));
        assert_eq!(verdict_class(None), None);
    }
}
