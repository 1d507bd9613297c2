//! Every keyboard shortcut, in one table: the key handler looks keys up
//! here and the help overlay lists this table, so the two cannot disagree.

/// What a shortcut does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortcut {
    TogglePlay,
    StepForward,
    StepBack,
    Faster,
    Slower,
    Reset,
    Heal,
    Crash,
    Restart,
    PauseNode,
    DropMsg,
    DuplicateMsg,
    DelayMsg,
    ClientRequest,
    PartitionMode,
    ApplyPartition,
    TourNext,
    TourBack,
    Help,
    Escape,
    SaveRun,
    OpenFile,
    Diagram,
    Check,
}

/// Extra delay of the delay shortcut, in model ms (the inspector's default).
pub const DELAY_MS: u64 = 50;

/// One row of the table: the keys (`KeyboardEvent.key` values), how the
/// help writes them, and what they do.
pub struct Row {
    pub keys: &'static [&'static str],
    pub label: &'static str,
    pub what: &'static str,
    pub does: Shortcut,
}

pub const KEYS: &[Row] = &[
    Row { keys: &[" ", "k"], label: "Space or k", what: "Play / pause", does: Shortcut::TogglePlay },
    Row { keys: &["ArrowRight", "."], label: "→ or .", what: "Step forward one event", does: Shortcut::StepForward },
    Row { keys: &["ArrowLeft", ","], label: "← or ,", what: "Step back one event", does: Shortcut::StepBack },
    Row { keys: &["+", "="], label: "+ or =", what: "Faster", does: Shortcut::Faster },
    Row { keys: &["-", "_"], label: "− or _", what: "Slower", does: Shortcut::Slower },
    Row { keys: &["r"], label: "r", what: "Reset the world to step 0", does: Shortcut::Reset },
    Row { keys: &["h"], label: "h", what: "Heal the network", does: Shortcut::Heal },
    Row { keys: &["c"], label: "c", what: "Crash the selected node", does: Shortcut::Crash },
    Row { keys: &["x"], label: "x", what: "Restart the selected node", does: Shortcut::Restart },
    Row { keys: &["p"], label: "p", what: "Pause / resume the selected node", does: Shortcut::PauseNode },
    Row { keys: &["d"], label: "d", what: "Drop the selected message", does: Shortcut::DropMsg },
    Row { keys: &["u"], label: "u", what: "Duplicate the selected message", does: Shortcut::DuplicateMsg },
    Row { keys: &["l"], label: "l", what: "Delay the selected message by 50 ms", does: Shortcut::DelayMsg },
    Row {
        keys: &["q"],
        label: "q",
        what: "Send a client request (to the selected node, or to one that takes it)",
        does: Shortcut::ClientRequest,
    },
    Row {
        keys: &["g"],
        label: "g",
        what: "Partition mode: click or tap nodes to put them on one side",
        does: Shortcut::PartitionMode,
    },
    Row {
        keys: &["Enter"],
        label: "Enter",
        what: "Apply the partition (in partition mode)",
        does: Shortcut::ApplyPartition,
    },
    Row { keys: &["s"], label: "s", what: "Save the run to a file (reopens this exact view)", does: Shortcut::SaveRun },
    Row { keys: &["o"], label: "o", what: "Open a run file or a trace", does: Shortcut::OpenFile },
    Row { keys: &["t"], label: "t", what: "Show / hide the space-time diagram", does: Shortcut::Diagram },
    Row { keys: &["m"], label: "m", what: "Open / close the model checker", does: Shortcut::Check },
    Row { keys: &["n"], label: "n", what: "Next caption (in a guided tour)", does: Shortcut::TourNext },
    Row { keys: &["b"], label: "b", what: "Previous caption (in a guided tour)", does: Shortcut::TourBack },
    Row { keys: &["?"], label: "?", what: "Show / hide this help", does: Shortcut::Help },
    Row {
        keys: &["Escape"],
        label: "Esc",
        what: "Close this help, leave partition mode, or close the selection",
        does: Shortcut::Escape,
    },
];

/// Pointer gestures, listed with the keys.
pub const POINTER: &[(&str, &str)] = &[
    ("click", "Select a node or a message"),
    ("click in partition mode", "Put a node on the picked side (or back)"),
    ("shift-click", "Pick nodes for a partition group"),
    ("alt-click", "Cut the link from the selected node to this one"),
    ("space-time diagram: click", "Go to that moment; on an arrow, select its message"),
    ("space-time diagram: drag, wheel", "Pan back and forth through the run; zoom around the pointer"),
    ("← → + − Home End in the diagram", "Pan, zoom, go to the start, follow the run again"),
];

/// The shortcut of a key, if it is one.
pub fn lookup(key: &str) -> Option<Shortcut> {
    KEYS.iter().find(|row| row.keys.contains(&key)).map(|row| row.does)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_bound_once_and_listed() {
        let mut seen: Vec<&str> = Vec::new();
        for row in KEYS {
            for key in row.keys {
                assert!(!seen.contains(key), "{key:?} is bound twice");
                seen.push(key);
                assert_eq!(lookup(key), Some(row.does));
            }
            assert!(!row.label.is_empty() && !row.what.is_empty());
        }
        // The keys the issue found missing from the help.
        for key in ["k", "=", "_", "u", "l", "g", "Enter", "n", "b"] {
            assert!(lookup(key).is_some(), "{key:?}");
        }
        assert_eq!(lookup("q"), Some(Shortcut::ClientRequest));
        assert_eq!(lookup("z"), None);
    }

    #[test]
    fn every_shortcut_has_a_row() {
        use Shortcut::*;
        for s in [
            TogglePlay,
            StepForward,
            StepBack,
            Faster,
            Slower,
            Reset,
            Heal,
            ClientRequest,
            Crash,
            Restart,
            PauseNode,
            DropMsg,
            DuplicateMsg,
            DelayMsg,
            PartitionMode,
            ApplyPartition,
            TourNext,
            TourBack,
            Help,
            Escape,
            SaveRun,
            OpenFile,
            Diagram,
            Check,
        ] {
            assert_eq!(KEYS.iter().filter(|r| r.does == s).count(), 1, "{s:?}");
        }
    }
}
