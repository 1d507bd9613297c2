//! A [`protocol::present::Chart`] drawn as a small line chart: inline SVG
//! polylines on a common scale, each in its tone's class (`c0`..`c7`, no
//! style attributes: the app runs under a Content-Security-Policy without
//! inline styles), and a caption with every line's latest value, which is
//! also the figure's accessible name.

use protocol::present::{Chart, Line};
use yew::prelude::*;

/// The plot's coordinate box; the SVG stretches it to the panel's width.
pub const WIDTH: f64 = 120.0;
pub const HEIGHT: f64 = 40.0;

/// A value as the caption writes it: whole numbers without decimals, others with one.
pub fn value_text(value: f64, unit: &str) -> String {
    let number = if value.fract() == 0.0 { format!("{value:.0}") } else { format!("{value:.1}") };
    if unit.is_empty() {
        number
    } else {
        format!("{number} {unit}")
    }
}

/// The polyline's `points` for `line`: time left to right over the chart's
/// span, value bottom to top from 0 to the chart's largest value.
pub fn points(chart: &Chart, line: &Line) -> String {
    let (Some(&first), Some(&last)) = (chart.times.first(), chart.times.last()) else { return String::new() };
    let span = (last.saturating_sub(first)).max(1) as f64;
    let most = chart.most().max(f64::MIN_POSITIVE);
    chart
        .times
        .iter()
        .zip(&line.values)
        .filter(|(_, v)| v.is_finite())
        .map(|(&t, &v)| {
            let x = (t - first) as f64 / span * WIDTH;
            let y = HEIGHT - 1.0 - (v / most).clamp(0.0, 1.0) * (HEIGHT - 2.0);
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The chart in words: each line's latest value, the scale and the span.
pub fn summary(chart: &Chart) -> String {
    let latest: Vec<String> = chart
        .lines
        .iter()
        .map(|l| format!("{} {}", l.label, l.values.last().map_or("none".to_string(), |&v| value_text(v, chart.unit))))
        .collect();
    match (chart.times.first(), chart.times.last()) {
        (Some(first), Some(last)) => format!(
            "{}; scale 0 to {}; {} samples from {first} to {last} ms",
            latest.join(", "),
            value_text(chart.most(), chart.unit),
            chart.times.len()
        ),
        _ => "no samples yet".to_string(),
    }
}

#[derive(Properties, PartialEq)]
pub struct ChartProps {
    pub chart: Chart,
    /// The panel's id; the figure is `{id}-chart`.
    pub id: AttrValue,
}

#[function_component(ChartView)]
pub fn chart_view(props: &ChartProps) -> Html {
    let chart = &props.chart;
    html! {
        <figure class="chart" id={format!("{}-chart", props.id)}>
            <svg class="chart-plot" viewBox={format!("0 0 {WIDTH} {HEIGHT}")} preserveAspectRatio="none"
                role="img" aria-label={summary(chart)}>
                <line class="axis" x1="0" y1={(HEIGHT - 0.5).to_string()} x2={WIDTH.to_string()} y2={(HEIGHT - 0.5).to_string()} />
                { for chart.lines.iter().map(|l| html! {
                    <polyline class={classes!("line", format!("c{}", l.tone.slot()))} points={points(chart, l)}
                        vector-effect="non-scaling-stroke" />
                }) }
            </svg>
            <figcaption class="chart-key mono" aria-hidden="true">
                { for chart.lines.iter().map(|l| html! {
                    <span class={classes!("key", format!("c{}", l.tone.slot()))} data-line={l.label.clone()}
                        data-latest={l.values.last().map(|v| v.to_string())}>
                        <span class="swatch"></span>
                        { format!("{} {}", l.label, l.values.last().map_or("–".to_string(), |&v| value_text(v, chart.unit))) }
                    </span>
                }) }
                <span class="muted">{ format!("max {}", value_text(chart.most(), chart.unit)) }</span>
            </figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::present::Tone;

    fn chart() -> Chart {
        let line = |label: &str, values: Vec<f64>| Line { label: label.into(), tone: Tone::BLUE, values };
        Chart {
            unit: "ms",
            times: vec![100, 200, 300],
            lines: vec![line("p50", vec![2.0, 4.0, 3.0]), line("p99", vec![8.0, 10.0, 9.5])],
        }
    }

    #[test]
    fn points_span_the_box_and_scale_to_the_largest_value() {
        let c = chart();
        assert_eq!(points(&c, &c.lines[1]), "0.0,8.6 60.0,1.0 120.0,2.9");
        assert_eq!(points(&Chart::default(), &c.lines[0]), "");
    }

    #[test]
    fn the_summary_says_each_latest_value() {
        assert_eq!(summary(&chart()), "p50 3 ms, p99 9.5 ms; scale 0 to 10 ms; 3 samples from 100 to 300 ms");
        assert_eq!(summary(&Chart::default()), "no samples yet");
    }
}
