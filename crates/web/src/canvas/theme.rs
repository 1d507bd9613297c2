//! The canvas's colours for the light and dark themes. The eight palette
//! slots are the CSS custom properties `--c0`..`--c7` of `www/style.css`
//! (keep them in step); a [`protocol::present::Tone`] picks one by index.

use crate::model::palette::PALETTE_LEN;

/// The colours of one theme.
pub struct Theme {
    pub muted: &'static str,
    pub link: &'static str,
    pub ring: &'static str,
    pub node_text: &'static str,
    pub crashed: &'static str,
    pub paused: &'static str,
    pub cut: &'static str,
    pub accent: &'static str,
    /// The third line under a node (ballots, clocks).
    pub node_note: &'static str,
    /// Behind the banner text.
    pub banner_bg: &'static str,
    pub palette: [&'static str; PALETTE_LEN],
    /// Translucent fills for partition groups.
    pub groups: [&'static str; 4],
    pub group_edges: [&'static str; 4],
}

pub const LIGHT: Theme = Theme {
    muted: "#4b5563",
    link: "rgba(100,116,139,0.28)",
    ring: "#64748b",
    node_text: "#ffffff",
    crashed: "#9ca3af",
    paused: "#7c93b8",
    cut: "#dc2626",
    accent: "#7c3aed",
    node_note: "#374151",
    banner_bg: "rgba(240,253,244,0.92)",
    palette: ["#15803d", "#c2410c", "#1d4ed8", "#a16207", "#0e7490", "#9333ea", "#be185d", "#4d7c0f"],
    groups: ["rgba(37,99,235,0.09)", "rgba(217,119,6,0.11)", "rgba(147,51,234,0.09)", "rgba(13,148,136,0.10)"],
    group_edges: ["rgba(37,99,235,0.45)", "rgba(217,119,6,0.5)", "rgba(147,51,234,0.45)", "rgba(13,148,136,0.5)"],
};

pub const DARK: Theme = Theme {
    muted: "#9ca3af",
    link: "rgba(148,163,184,0.22)",
    ring: "#94a3b8",
    node_text: "#0b1220",
    crashed: "#4b5563",
    paused: "#7d9cc9",
    cut: "#f87171",
    accent: "#c4b5fd",
    node_note: "#cbd5e1",
    banner_bg: "rgba(5,46,22,0.85)",
    palette: ["#4ade80", "#fb923c", "#60a5fa", "#facc15", "#22d3ee", "#c084fc", "#f472b6", "#a3e635"],
    groups: ["rgba(96,165,250,0.12)", "rgba(251,146,60,0.12)", "rgba(192,132,252,0.12)", "rgba(45,212,191,0.12)"],
    group_edges: ["rgba(96,165,250,0.5)", "rgba(251,146,60,0.5)", "rgba(192,132,252,0.5)", "rgba(45,212,191,0.5)"],
};
