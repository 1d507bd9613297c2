//! Small inline icons (SVG, so they render without emoji fonts) and key caps.

use yew::prelude::*;

/// An icon by name: `play`, `pause`, `back`, `step`, `reset`, `link`.
pub fn icon(name: &str) -> Html {
    let d = match name {
        "play" => "M4 2.5v11l9.5-5.5z",
        "pause" => "M3.5 2.5h3v11h-3zM9.5 2.5h3v11h-3z",
        "back" => "M2.5 2.5h2v11h-2zM13.5 2.5v11L5.5 8z",
        "step" => "M11.5 2.5h2v11h-2zM2.5 2.5v11l8-5.5z",
        "reset" => "M8 2.5a5.5 5.5 0 1 0 5.5 5.5h-2A3.5 3.5 0 1 1 8 4.5V7l4-3.5L8 0z",
        "link" => "M6.5 9.5l3-3M7 4.5l1.5-1.5a2.8 2.8 0 0 1 4 4L11 8.5M9 11.5L7.5 13a2.8 2.8 0 0 1-4-4L5 7.5",
        _ => "",
    };
    let stroke = name == "link";
    html! {
        <svg class="icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
            if stroke {
                <path d={d} fill="none" stroke="currentColor" stroke-width="1.7" stroke-linecap="round" />
            } else {
                <path d={d} fill="currentColor" />
            }
        </svg>
    }
}

/// A key cap shown on a button (hidden from screen readers: the title says it).
pub fn kbd(key: &str) -> Html {
    html! { <kbd aria-hidden="true">{ key.to_string() }</kbd> }
}
