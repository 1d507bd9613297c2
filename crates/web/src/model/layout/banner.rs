//! Where the protocol's banner goes in the band across the canvas's top
//! ([`BANNER_BAND`](super::BANNER_BAND)): a pill, centred when the canvas
//! is wide, always clear of the labels the page puts in the top corners
//! ([`Corners`]) and inside the canvas. On a narrow canvas (a phone, a canvas beside
//! another) the text gets smaller, then takes two lines, and only a
//! banner too long for two lines of the smallest text loses its end (the
//! canvas's accessible summary reads it whole).

/// The labels the page puts in the canvas's top corners, as pills of
/// 11.5 px text 8 px in from the sides: the world's name when two worlds
/// run side by side (left, bold) and the network badge (right).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Corners {
    pub left: Option<String>,
    pub right: Option<String>,
}

/// The fonts of the corners' labels in the stylesheet (`.world-name`,
/// `.network-badge`).
pub const NAME_FONT: &str = "600 11.5px system-ui, -apple-system, 'Segoe UI', sans-serif";
pub const BADGE_FONT: &str = "11.5px system-ui, -apple-system, 'Segoe UI', sans-serif";

/// The most of a canvas `width` wide that a world's name in the left
/// corner takes, pill included, as `.world-name`'s `max-width` says:
/// `clamp(80px, 60% - 150px, 40%)`, 40% on a wide canvas and less on a
/// narrow one, so the banner keeps room beside a name that carries its
/// settings. A longer name ends with an ellipsis (the label's title has it
/// whole).
pub fn name_max(width: f64) -> f64 {
    (0.6 * width - 150.0).min(0.4 * width).max(80.0)
}

/// The width of a world's name as drawn, for a name `label_w` wide on a
/// canvas `width` wide: at most [`name_max`] less its padding and border.
pub fn name_width(label_w: f64, width: f64) -> f64 {
    label_w.min(name_max(width) - 16.0).max(0.0)
}

/// A canvas narrower than this (a phone held upright) with a label in its
/// left corner puts the banner on a row of its own under the corners'
/// labels ([`stacked`]), and the label may then reach the badge (the
/// stylesheet's container query on `.canvas-wrap` says the same). Two worlds
/// side by side on a desktop, about 450 px each, keep one row.
pub const STACK_BELOW: f64 = 420.0;
/// How far down the second row stands.
pub const ROW: f64 = 28.0;

/// Whether the banner takes a row under the corners' labels: on a canvas
/// `width` wide narrower than [`STACK_BELOW`], beside a name or a bug in the
/// left corner, which would otherwise leave the banner a sliver between the
/// labels (two lines of 10 px text) and hold the name to 80 px ("bug=clo…").
pub fn stacked(corners: &Corners, width: f64) -> bool {
    corners.left.is_some() && width < STACK_BELOW
}

/// The band the banner takes across the canvas's top
/// ([`BANNER_BAND`](super::BANNER_BAND), and a row more when [`stacked`]).
pub fn band(corners: &Corners, width: f64) -> f64 {
    super::BANNER_BAND + if stacked(corners, width) { ROW } else { 0.0 }
}

/// How `text` fits, [`stacked`] or between the corners' labels: `rooms`
/// are the labels' ([`corner_room`]), `measure` as for [`fit`].
pub fn place(text: &str, corners: &Corners, width: f64, rooms: (f64, f64), measure: impl Fn(&str) -> f64) -> Fit {
    if !stacked(corners, width) {
        return fit(text, width, rooms, measure);
    }
    let mut fit = fit(text, width, (0.0, 0.0), measure);
    fit.pill.1 += ROW;
    for (_, y) in &mut fit.lines {
        *y += ROW;
    }
    fit
}

/// The network badge's text.
pub fn badge_label(network: sim::Network) -> String {
    format!("{} network", network.name())
}

/// The room a corner's label takes from its side of the canvas, for a
/// label `label_w` wide: its padding and border (16 px), its 8 px from the
/// side, and a 6 px gap before the banner.
pub fn corner_room(label_w: f64) -> f64 {
    label_w + 30.0
}

/// The banner's text size when it has the room.
pub const FONT_PX: f64 = 14.0;
/// Smallest text on one line before it takes two.
const ONE_LINE_MIN_PX: f64 = 11.0;
/// Smallest text on two lines.
const TWO_LINES_MIN_PX: f64 = 10.0;
/// Between the pill and the canvas's left edge.
const MARGIN: f64 = 6.0;
/// Between the text and the pill's edge, on each side.
const PAD: f64 = 12.0;
/// The middle of the band, where one line stands.
const MIDDLE: f64 = 18.0;
/// A line's height over its text size: two lines of `px` text stand at
/// `MIDDLE ∓ px × LINE / 2`.
const LINE: f64 = 1.2;

/// The banner as drawn: its text size, lines and pill.
#[derive(Clone, Debug, PartialEq)]
pub struct Fit {
    /// The text size in CSS pixels.
    pub font_px: f64,
    /// One or two lines, each with the height of its middle.
    pub lines: Vec<(String, f64)>,
    /// The pill's centre (the lines are centred on it) and size.
    pub x: f64,
    pub pill: (f64, f64, f64, f64),
}

/// How `text` fits a canvas `width` wide whose corners' labels take
/// `rooms` (left, right: [`corner_room`], 0 for none), given `measure`, the
/// width of a text at [`FONT_PX`] (text scales in proportion to its size).
pub fn fit(text: &str, width: f64, (left, right): (f64, f64), measure: impl Fn(&str) -> f64) -> Fit {
    let whole = measure(text);
    // Centred, when that keeps it clear of both corners.
    if whole + 2.0 * PAD <= width - 2.0 * left.max(right) {
        return one_line(text, FONT_PX, whole, width / 2.0);
    }
    // Else in the room between them (or, on a canvas too narrow for even
    // that, the whole width).
    let (left, right) = (left.max(MARGIN), width - right.max(MARGIN));
    let (left, right) = if right - left >= 4.0 * PAD { (left, right) } else { (MARGIN, width - MARGIN) };
    let (x, room) = ((left + right) / 2.0, right - left - 2.0 * PAD);
    let px = (FONT_PX * room / whole).min(FONT_PX);
    if px >= ONE_LINE_MIN_PX {
        // Half pixels down, so the text stays inside.
        let px = (px * 2.0).floor() / 2.0;
        return one_line(text, px, whole * px / FONT_PX, x);
    }
    // Two lines, split at the space that makes the longer one shortest.
    let (first, second) = split(text, &measure);
    let longest = measure(&first).max(measure(&second));
    let px = ((FONT_PX * room / longest).min(ONE_LINE_MIN_PX) * 2.0).floor() / 2.0;
    let px = px.max(TWO_LINES_MIN_PX);
    // The room at this size, in widths at FONT_PX.
    let (scale, reach) = (px / FONT_PX, room * FONT_PX / px);
    // Too long for two lines even so: the first line takes all the words
    // it can, and the second ends with an ellipsis.
    let (first, second) = if longest <= reach {
        (first, second)
    } else {
        let (first, rest) = fill(text, reach, &measure);
        (first, clip(rest, reach, &measure))
    };
    let w = measure(&first).max(measure(&second)) * scale + 2.0 * PAD;
    let gap = px * LINE / 2.0;
    let h = 2.0 * px * LINE + 4.0;
    Fit {
        font_px: px,
        lines: vec![(first, MIDDLE - gap), (second, MIDDLE + gap)],
        x,
        pill: (x - w / 2.0, MIDDLE - h / 2.0, w, h),
    }
}

fn one_line(text: &str, px: f64, text_w: f64, x: f64) -> Fit {
    let w = text_w + 2.0 * PAD;
    Fit { font_px: px, lines: vec![(text.to_string(), MIDDLE)], x, pill: (x - w / 2.0, MIDDLE - 13.0, w, 26.0) }
}

/// `text` in two lines at the space that makes the longer one shortest
/// (no space: it all goes on the first line).
fn split(text: &str, measure: &impl Fn(&str) -> f64) -> (String, String) {
    let best = text
        .char_indices()
        .filter(|&(_, c)| c == ' ')
        .map(|(i, _)| (i, measure(&text[..i]).max(measure(&text[i + 1..]))))
        .min_by(|a, b| a.1.total_cmp(&b.1));
    match best {
        Some((i, _)) => (text[..i].to_string(), text[i + 1..].to_string()),
        None => (text.to_string(), String::new()),
    }
}

/// The most of `text`'s words that measure at most `room` (cut with an
/// ellipsis if even its first word is longer), and the rest.
fn fill(text: &str, room: f64, measure: &impl Fn(&str) -> f64) -> (String, String) {
    let end = text.char_indices().filter(|&(i, c)| c == ' ' && measure(&text[..i]) <= room).map(|(i, _)| i).last();
    match end {
        Some(i) => (text[..i].to_string(), text[i + 1..].to_string()),
        None => (clip(text.to_string(), room, measure), String::new()),
    }
}

/// `line`, shortened with an ellipsis until it measures at most `room`:
/// by whole words, or by characters when one word is too long.
fn clip(line: String, room: f64, measure: &impl Fn(&str) -> f64) -> String {
    if measure(&line) <= room {
        return line;
    }
    let by_words = line
        .char_indices()
        .filter(|&(_, c)| c == ' ')
        .map(|(i, _)| format!("{}…", line[..i].trim_end()))
        .filter(|cut| measure(cut) <= room)
        .last();
    if let Some(cut) = by_words {
        return cut;
    }
    let mut cut = line;
    while !cut.is_empty() {
        cut.pop();
        let candidate = format!("{cut}…");
        if measure(&candidate) <= room {
            return candidate;
        }
    }
    "…".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 7 px a character at 14 px, as the app's bold sans measures roughly.
    fn measure(text: &str) -> f64 {
        7.0 * text.chars().count() as f64
    }

    /// The widest badge's corner: "at-least-once network", 126 px of text
    /// in the browser.
    const BADGE: f64 = 156.0;

    fn fit(text: &str, width: f64) -> Fit {
        super::fit(text, width, (0.0, BADGE), measure)
    }

    /// The pill stays on the canvas and out of the badge's corner.
    fn clear(fit: &Fit, width: f64) {
        let (x, _, w, _) = fit.pill;
        assert!(x >= 0.0 && x + w <= width, "{fit:?} on {width}");
        if width - BADGE - MARGIN >= 4.0 * PAD {
            assert!(x + w <= width - BADGE + 1e-9, "{fit:?} reaches under the badge on {width}");
        }
        for (line, _) in &fit.lines {
            assert!(measure(line) * fit.font_px / FONT_PX + 2.0 * PAD <= w + 1e-9, "{line:?} overflows {fit:?}");
        }
    }

    #[test]
    fn a_wide_canvas_centres_the_banner_at_full_size() {
        let fit = fit("chosen “b” — ballot 3.1 by acceptors 1, 2, 4", 914.0);
        assert_eq!((fit.font_px, fit.x, fit.lines.len()), (FONT_PX, 457.0, 1));
        clear(&fit, 914.0);
    }

    #[test]
    fn a_banner_that_would_reach_the_badge_moves_left_of_it() {
        // 46 characters, 322 px: centred on 600 px it would reach 461,
        // under the badge from 444.
        let text = "primary: replica 1 (epoch 3) · replica 2 is down";
        let fit = fit(text, 600.0);
        assert_eq!((fit.font_px, fit.lines.len()), (FONT_PX, 1));
        assert!(fit.x < 300.0, "{fit:?}");
        clear(&fit, 600.0);
    }

    #[test]
    fn a_phone_shrinks_the_text_then_takes_two_lines() {
        // A phone's canvas: 372 px, 210 left of the widest badge.
        let short = fit("primary: replica 1 (epoch 1)", 372.0);
        assert_eq!(short.lines.len(), 1);
        assert!(short.font_px < FONT_PX && short.font_px >= ONE_LINE_MIN_PX, "{short:?}");
        clear(&short, 372.0);

        let text = "no change yet: select the service (node 0) and send it a client request";
        let long = fit(text, 372.0);
        assert_eq!(long.lines.len(), 2, "{long:?}");
        assert!(long.font_px >= TWO_LINES_MIN_PX);
        clear(&long, 372.0);
        // Both lines inside the band.
        let (_, y, _, h) = long.pill;
        assert!(y >= 0.0 && y + h <= super::super::BANNER_BAND, "{long:?}");
    }

    #[test]
    fn only_what_two_lines_cannot_hold_is_cut() {
        let words = "word ".repeat(40);
        let fit = fit(words.trim_end(), 372.0);
        assert_eq!(fit.lines.len(), 2);
        assert!(fit.lines[1].0.ends_with("word…") && !fit.lines[0].0.ends_with('…'), "{fit:?}");
        clear(&fit, 372.0);
        // A text that fits two lines keeps every word.
        let text = "no change yet: select the service (node 0) and send it a client request";
        let kept: String = fit_words(text, 372.0);
        assert_eq!(kept, text);
    }

    fn fit_words(text: &str, width: f64) -> String {
        fit(text, width).lines.iter().map(|(l, _)| l.as_str()).collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn side_by_side_the_banner_keeps_clear_of_the_worlds_name_too() {
        // Beside another world: the name "kv-lww" in the left corner
        // (about 40 px), no badge on the other world's canvas.
        let (name, width) = (corner_room(40.0), 450.0);
        let text = "Linearizable: yes (0 ops) · 0 updates lost";
        let alone = super::fit(text, width, (name, 0.0), measure);
        let (x, _, w, _) = alone.pill;
        assert!(x >= name && x + w <= width, "{alone:?}");
        // The run's canvas: its name on the left, the badge on the right.
        let both = super::fit(text, width, (name, BADGE), measure);
        let (x, _, w, _) = both.pill;
        assert!(x >= name && x + w <= width - BADGE, "{both:?}");
        assert!(both.font_px < alone.font_px || both.lines.len() > alone.lines.len(), "less room, smaller text");
    }

    /// "kv-raft (attempts=3, think_ms=60000..60000)" took 360 of a 450 px
    /// canvas, the badge 156: the banner fell back to the whole width, under
    /// the name. The name is cut to its share, and the banner fits beside;
    /// in a 720 px iframe (360 px a world) it kept one word, "Linearizab…".
    #[test]
    fn a_long_name_is_cut_to_its_share_and_the_banner_keeps_room() {
        assert_eq!((name_max(914.0), name_max(450.0), name_max(360.0), name_max(200.0)), (365.6, 120.0, 80.0, 80.0));
        assert_eq!(name_width(40.0, 450.0), 40.0, "a short name whole");
        let text = "Linearizable: yes (3 ops) · 0 updates lost";
        for (width, badge) in [(450.0, BADGE), (360.0, corner_room(85.0))] {
            let long = name_width(330.0, width);
            assert_eq!(long, name_max(width) - 16.0);
            let fit = super::fit(text, width, (corner_room(long), badge), measure);
            let (x, _, w, _) = fit.pill;
            assert!(x >= corner_room(long) && x + w <= width - badge, "{width}: {fit:?}");
            assert!(fit.lines.iter().all(|(l, _)| !l.ends_with('…')), "{width}: every word kept: {fit:?}");
        }
    }

    /// A phone's embedded frame running a bug: the name took 80 px
    /// ("bug=clo…") and the banner two lines of small text between the
    /// labels. Now the banner has a row of its own, whole width, under both.
    #[test]
    fn on_a_phone_beside_a_corner_label_the_banner_takes_its_own_row() {
        let corners = Corners { left: Some("bug=clock-only-timestamps".into()), right: Some("lossy network".into()) };
        let text = "Linearizable: yes (0 ops) · 0 updates lost";
        let (width, rooms) = (372.0, (corner_room(66.0), corner_room(80.0)));
        assert!(stacked(&corners, width));
        assert_eq!(band(&corners, width), super::super::BANNER_BAND + ROW);
        let fit = place(text, &corners, width, rooms, measure);
        let (x, y, w, h) = fit.pill;
        assert!(y >= 26.0 && y + h <= band(&corners, width), "under the labels, inside the band: {fit:?}");
        assert!(x >= 0.0 && x + w <= width);
        assert_eq!(fit.lines.len(), 1, "one line on the whole width: {fit:?}");
        assert_eq!(fit_words_of(&fit), text);
        // Without a left label, or on a wider canvas, one row as before.
        let badge_only = Corners { left: None, ..corners.clone() };
        assert!(!stacked(&badge_only, width) && !stacked(&corners, 457.0));
        assert_eq!(band(&badge_only, width), super::super::BANNER_BAND);
        assert_eq!(
            place(text, &badge_only, width, (0.0, rooms.1), measure),
            super::fit(text, width, (0.0, rooms.1), measure)
        );
    }

    fn fit_words_of(fit: &Fit) -> String {
        fit.lines.iter().map(|(l, _)| l.as_str()).collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn a_canvas_narrower_than_the_badge_room_uses_its_width() {
        let fit = fit("Linearizable: yes (8 ops)", 180.0);
        clear(&fit, 180.0);
        assert_eq!(fit.x, 90.0);
    }
}
