//! Files the app writes and reads: "save run" (a small run file that
//! reopens the same run however long it is), "download trace" (the whole
//! trace or a step range of it, with a warning when it would be large), and
//! opening either kind again ([`lab::file`] reads them). The browser's part
//! (starting a download, reading a dropped file) is `host::files`.

use sim::Session;

/// A trace estimated above this many bytes is written only once the user
/// confirms, with the size shown (a full Raft trace reaches tens of MB
/// after a few thousand steps).
pub const TRACE_WARN_BYTES: u64 = 20_000_000;

/// Largest file the app opens, in bytes; the longest trace the CLI writes
/// fits several times over in a browser tab's memory, but not this.
pub const MAX_OPEN_BYTES: u64 = 512_000_000;

/// What to save.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Save {
    /// The run file: inputs and the current step.
    Run,
    /// The trace of steps `from..=to` (`to` of `None`: the current step);
    /// `anyway` skips the size warning.
    Trace { from: u64, to: Option<u64>, anyway: bool },
    /// The run up to now in a format other tools read: a ShiViz log, a
    /// trace-event file for Perfetto, a Jepsen history.
    Export(sim::Export),
}

/// A file to hand to the browser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Download {
    pub name: String,
    pub mime: &'static str,
    pub text: String,
}

/// A trace asked for that would be large: its range and estimated size,
/// shown with a button to write it anyway.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceWarning {
    pub from: u64,
    pub to: u64,
    pub bytes: u64,
}

/// The start of every file name: `clusterscope-raft-seed42-step120`.
fn base_name(session: &dyn Session) -> String {
    format!("clusterscope-{}-seed{}-step{}", session.algo(), session.seed(), session.steps())
}

/// The run file of `setup` (the run's whole setup) at the session's step.
pub fn run_file(session: &dyn Session, setup: &lab::Setup) -> Download {
    Download {
        name: format!("{}.run.json", base_name(session)),
        mime: "application/json",
        text: lab::file::write_run(setup, session.steps()),
    }
}

/// The steps a trace request covers, checked: `from` at least 1, `to` at
/// most the current step.
pub fn trace_range(session: &dyn Session, from: u64, to: Option<u64>) -> Result<(u64, u64), String> {
    let now = session.steps();
    let to = to.unwrap_or(now);
    if now == 0 {
        return Err("The run has no steps yet: step it first, then download its trace.".into());
    }
    if from == 0 || from > to || to > now {
        return Err(format!(
            "trace range: expected steps FROM..TO with 1 <= FROM <= TO <= {now} (the current step), got {from}..{to}"
        ));
    }
    Ok((from, to))
}

/// About how many bytes the trace of `from..=to` takes: the current step's
/// size times the steps (a node's state grows along a run, so the current
/// step is the large end).
pub fn estimate(session: &dyn Session, from: u64, to: u64) -> u64 {
    let per_step = (0..session.node_count()).map(|id| session.node_json(id).len() as u64 + 1).sum::<u64>() + 160;
    per_step * (to - from + 1) + 1_000
}

/// The trace of `from..=to`, named for its range when it is not the whole run.
pub fn trace(session: &dyn Session, from: u64, to: u64) -> Download {
    let mut bytes = Vec::new();
    session.write_trace_range(from, to, &mut bytes).expect("writing to memory cannot fail");
    let range = if from == 1 && to == session.steps() { String::new() } else { format!("-steps{from}-{to}") };
    Download {
        name: format!("{}{range}.trace.json", base_name(session)),
        mime: "application/json",
        text: String::from_utf8(bytes).expect("serde_json writes UTF-8"),
    }
}

/// The run up to the current step as `format`; an error (a history of an
/// algorithm without clients) says why not.
pub fn export(session: &dyn Session, format: sim::Export) -> Result<Download, String> {
    let (suffix, mime) = match format {
        sim::Export::ShiViz => ("shiviz.log", "text/plain"),
        sim::Export::Perfetto => ("perfetto.json", "application/json"),
        sim::Export::Edn => ("jepsen.edn", "application/edn"),
    };
    let mut bytes = Vec::new();
    session.write_export(format, &mut bytes).map_err(|e| e.to_string())?;
    Ok(Download {
        name: format!("{}.{suffix}", base_name(session)),
        mime,
        text: String::from_utf8(bytes).expect("the exports are UTF-8"),
    })
}

/// A size for people: `820 B`, `12 kB`, `3.4 MB`.
pub fn size_text(bytes: u64) -> String {
    match bytes {
        0..=999 => format!("{bytes} B"),
        1_000..=999_999 => format!("{} kB", bytes / 1_000),
        _ => format!("{:.1} MB", bytes as f64 / 1e6),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(steps: u64) -> Box<dyn Session> {
        let mut s = lab::open(&lab::Setup::default()).unwrap();
        s.seek(steps);
        s
    }

    #[test]
    fn names_say_what_and_when() {
        let s = session(120);
        let setup = lab::Setup::default();
        let algo = setup.algo.name();
        assert_eq!(run_file(s.as_ref(), &setup).name, format!("clusterscope-{algo}-seed1-step120.run.json"));
        assert_eq!(trace(s.as_ref(), 1, 120).name, format!("clusterscope-{algo}-seed1-step120.trace.json"));
        assert_eq!(trace(s.as_ref(), 5, 9).name, format!("clusterscope-{algo}-seed1-step120-steps5-9.trace.json"));
        assert_eq!(trace(s.as_ref(), 1, 120).text, s.trace_json());
    }

    #[test]
    fn exports_are_named_by_format_and_a_history_needs_clients() {
        let s = session(200);
        let algo = lab::Setup::default().algo.name();
        let shiviz = export(s.as_ref(), sim::Export::ShiViz).unwrap();
        assert_eq!(shiviz.name, format!("clusterscope-{algo}-seed1-step200.shiviz.log"));
        assert!(shiviz.text.starts_with(sim::SHIVIZ_REGEX), "{}", &shiviz.text[..80]);
        let perfetto = export(s.as_ref(), sim::Export::Perfetto).unwrap();
        assert!(serde_json::from_str::<serde_json::Value>(&perfetto.text).unwrap()["traceEvents"].is_array());
        // An algorithm whose clients report nothing has no history to give.
        let mut quiet = lab::ALGOS
            .iter()
            .map(|info| lab::open(&lab::Setup::new(info.algo)).unwrap())
            .find(|s| s.client_ops().is_empty())
            .expect("an algorithm without clients");
        quiet.seek(50);
        assert!(export(quiet.as_ref(), sim::Export::Edn).unwrap_err().contains("no clients"));
    }

    #[test]
    fn ranges_are_checked() {
        let s = session(50);
        assert_eq!(trace_range(s.as_ref(), 1, None), Ok((1, 50)));
        assert_eq!(trace_range(s.as_ref(), 10, Some(20)), Ok((10, 20)));
        for (from, to) in [(0, None), (30, Some(20)), (1, Some(51))] {
            let err = trace_range(s.as_ref(), from, to).unwrap_err();
            assert!(err.starts_with("trace range: expected steps FROM..TO with 1 <= FROM <= TO <= 50"), "{err}");
        }
        assert!(trace_range(session(0).as_ref(), 1, None).unwrap_err().contains("no steps yet"));
    }

    #[test]
    fn the_estimate_is_near_the_real_size() {
        let s = session(600);
        let real = trace(s.as_ref(), 1, 600).text.len() as f64;
        let guess = estimate(s.as_ref(), 1, 600) as f64;
        // The current step is the large end: an estimate above, not wildly.
        assert!(guess >= real * 0.8 && guess <= real * 2.5, "estimated {guess}, wrote {real}");
        assert_eq!(size_text(820), "820 B");
        assert_eq!(size_text(12_345), "12 kB");
        assert_eq!(size_text(3_400_000), "3.4 MB");
    }
}
