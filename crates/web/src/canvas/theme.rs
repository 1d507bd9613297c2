//! The canvas's colours, read from the stylesheet: `www/style.css` defines
//! every colour once, as `light-dark(LIGHT, DARK)` custom properties, and
//! the canvas asks the browser what each resolves to under the page's
//! current colour scheme (see `frame.rs`). The eight palette slots are
//! `--c0`..`--c7`; a [`protocol::present::Tone`] picks one by index.

use crate::model::palette::PALETTE_LEN;

/// The colours of the current theme, as CSS colour strings.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Theme {
    pub muted: String,
    pub link: String,
    pub ring: String,
    pub node_text: String,
    pub crashed: String,
    pub paused: String,
    pub cut: String,
    pub accent: String,
    /// The third line under a node (ballots, clocks).
    pub node_note: String,
    /// Behind the banner text.
    pub banner_bg: String,
    /// Behind the banner text when it is an alarm ([`Picture::banner_alarm`](protocol::present::Picture::banner_alarm)).
    pub banner_alarm_bg: String,
    /// The stage's background: the halo round a node's lines of text, so
    /// a message or link passing under them leaves them readable.
    pub stage: String,
    pub palette: [String; PALETTE_LEN],
    /// Translucent fills for partition groups.
    pub groups: [String; 4],
    pub group_edges: [String; 4],
}

/// The custom properties of `www/style.css` the canvas draws with.
pub const SINGLE: [&str; 12] = [
    "muted",
    "link",
    "ring",
    "node-text",
    "crashed",
    "paused",
    "cut",
    "accent",
    "node-note",
    "banner-bg",
    "banner-alarm-bg",
    "stage",
];

impl Theme {
    /// The names of every custom property the canvas reads, without `--`
    /// (those [`Theme::read`] asks for, in its order).
    #[cfg(test)]
    pub fn variables() -> Vec<String> {
        let mut names = Vec::new();
        Theme::read(|name| {
            names.push(name.to_string());
            String::new()
        });
        names
    }

    /// The theme whose colour for each custom property (named without
    /// `--`) is `color(name)`.
    pub fn read(mut color: impl FnMut(&str) -> String) -> Self {
        let [muted, link, ring, node_text, crashed, paused, cut, accent, node_note, banner_bg, banner_alarm_bg, stage] =
            SINGLE.map(&mut color);
        Self {
            muted,
            link,
            ring,
            node_text,
            crashed,
            paused,
            cut,
            accent,
            node_note,
            banner_bg,
            banner_alarm_bg,
            stage,
            palette: std::array::from_fn(|i| color(&format!("c{i}"))),
            groups: std::array::from_fn(|i| color(&format!("group{i}"))),
            group_edges: std::array::from_fn(|i| color(&format!("group-edge{i}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSS: &str = include_str!("../../../../www/style.css");

    /// `--name: light-dark(light, dark);` as the stylesheet declares it.
    fn declaration(name: &str) -> Option<&'static str> {
        let at = CSS.find(&format!("--{name}:"))?;
        let rest = &CSS[at + name.len() + 3..];
        Some(rest[..rest.find(';')?].trim())
    }

    #[test]
    fn every_colour_the_canvas_reads_is_declared_once_for_both_themes() {
        for name in Theme::variables() {
            let value = declaration(&name).unwrap_or_else(|| panic!("--{name} is not in www/style.css"));
            assert!(value.starts_with("light-dark("), "--{name}: {value}: one declaration, both themes");
            assert_eq!(CSS.matches(&format!("--{name}:")).count(), 1, "--{name} is declared once");
        }
    }

    #[test]
    fn each_field_reads_its_own_property() {
        let theme = Theme::read(|name| name.to_string());
        assert_eq!((theme.node_text.as_str(), theme.banner_bg.as_str()), ("node-text", "banner-bg"));
        assert_eq!(theme.palette[7], "c7");
        assert_eq!((theme.groups[3].as_str(), theme.group_edges[0].as_str()), ("group3", "group-edge0"));
    }
}
