//! Running a session, counting what happened, and saying how it went.
//!
//! [`Tally::run`] steps a [`Session`] and counts events by kind and lost
//! messages by reason, using only the session's read-only API. [`summary`]
//! renders the plain-text summary; [`Verdict::of`] decides the exit code and
//! the lines for standard error.

use crate::Exit;
use sim::world::DROPS_CAPACITY;
use sim::{LossReason, Lost, MsgId, MsgInfo, Session};
use std::fmt::Write as _;

/// What a run did, counted while stepping.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    /// Steps this tally ran (the session may have started later than 0).
    pub steps_run: u64,
    /// The run ended before the requested steps: nothing was left to happen.
    pub stopped_early: bool,
    pub delivered: u64,
    pub timers: u64,
    /// Steps whose event was a message arriving at a crashed node or a cut link.
    pub lost_on_arrival: u64,
    /// Steps whose event reached a paused node and waits for it.
    pub held: u64,
    pub resumed: u64,
    /// Steps in which nothing was queued and the world waited for a
    /// scheduled action.
    pub idle: u64,
    /// Messages lost, by reason: network, link cut, receiver down, user, full.
    pub lost: [u64; 5],
    /// `true` when more messages were lost in one step than the session
    /// remembers, so `lost` may undercount.
    pub lost_at_least: bool,
    /// The newest lost message already counted.
    seen_lost: Option<MsgId>,
    lost_buf: Vec<Lost>,
}

/// The short names of [`LossReason`]s, in [`Tally::lost`] order.
pub const LOSS_NAMES: [&str; 5] = ["network", "link cut", "receiver down", "dropped by user", "queue full"];

fn loss_index(reason: LossReason) -> usize {
    match reason {
        LossReason::Network => 0,
        LossReason::LinkCut => 1,
        LossReason::NodeDown => 2,
        LossReason::User => 3,
        LossReason::Full => 4,
    }
}

impl Tally {
    /// A tally that counts what is already on record in `session` as lost
    /// (actions at step 0 may have lost messages before the first step).
    pub fn start(session: &dyn Session) -> Self {
        let mut tally = Self::default();
        tally.absorb_losses(session);
        tally
    }

    /// Step `session` up to `steps` times, counting; stops early when
    /// nothing is left to happen.
    pub fn run(session: &mut dyn Session, steps: u64) -> Self {
        let mut tally = Self::start(session);
        for _ in 0..steps {
            if !session.step() {
                tally.stopped_early = true;
                break;
            }
            tally.count_step(session);
        }
        tally
    }

    /// Count the event of the step `session` just took.
    pub fn count_step(&mut self, session: &dyn Session) {
        self.steps_run += 1;
        match session.last_event_type() {
            Some("deliver") => self.delivered += 1,
            Some("timer") => self.timers += 1,
            Some("lost") => self.lost_on_arrival += 1,
            Some("held") => self.held += 1,
            Some("resume") => self.resumed += 1,
            Some("idle") => self.idle += 1,
            _ => {}
        }
        self.absorb_losses(session);
    }

    /// Count messages lost since the last look. The session keeps the most
    /// recent losses; copy them only when the newest one changed.
    fn absorb_losses(&mut self, session: &dyn Session) {
        let newest = session.last_lost().map(|l| l.id);
        if newest == self.seen_lost {
            return;
        }
        session.lost_into(&mut self.lost_buf);
        let start = match self.seen_lost {
            None => 0,
            Some(seen) => match self.lost_buf.iter().rposition(|l| l.id == seen) {
                Some(i) => i + 1,
                None => {
                    // The last one counted scrolled away: more than the
                    // session keeps were lost at once.
                    self.lost_at_least |= self.lost_buf.len() >= DROPS_CAPACITY;
                    0
                }
            },
        };
        for l in &self.lost_buf[start..] {
            self.lost[loss_index(l.reason)] += 1;
        }
        self.seen_lost = newest;
    }

    pub fn lost_total(&self) -> u64 {
        self.lost.iter().sum()
    }
}

/// Where a run was told to stop. Actions scheduled past the steps asked
/// for (`--steps`, or the default) were not applied: a failure, exit 3.
/// Past the step a run file or trace shows, they are the saved run's later
/// part (a scenario saved before its faults): named, and not a failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Until {
    Steps(u64),
    Shown(u64),
}

impl Until {
    pub fn steps(self) -> u64 {
        match self {
            Until::Steps(n) | Until::Shown(n) => n,
        }
    }
}

/// How the run went, for the exit code and standard error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub exit: Exit,
    /// One line each: the violation, then failed actions.
    pub problems: Vec<String>,
}

impl Verdict {
    /// A violation wins over failed actions (exit 1); failed actions alone
    /// give exit 3. Every problem is listed either way.
    pub fn of(session: &dyn Session, until: Until) -> Self {
        let mut problems = Vec::new();
        let mut exit = Exit::Ok;
        if let Some(v) = session.first_violation() {
            problems.push(format!("violation: {} at step {}: {}", v.property, v.step, v.detail));
            exit = Exit::Violation;
        }
        for line in failed_actions(session) {
            problems.push(format!("action failed: {line}"));
            if exit == Exit::Ok {
                exit = Exit::ActionFailed;
            }
        }
        let unreached = if matches!(until, Until::Steps(_)) { unreached_actions(session, until) } else { Vec::new() };
        for line in unreached {
            problems.push(format!("action not applied: {line}"));
            if exit == Exit::Ok {
                exit = Exit::ActionFailed;
            }
        }
        Self { exit, problems }
    }
}

/// `actions[3] at step 80: drop: message 17 is not in flight`, for each
/// scheduled action that failed.
pub fn failed_actions(session: &dyn Session) -> Vec<String> {
    let actions = session.actions();
    session
        .action_errors()
        .into_iter()
        .map(|(i, e)| {
            let step = actions.get(i).map_or(0, |a| a.step);
            format!("actions[{i}] at step {step}: {e}")
        })
        .collect()
}

/// `actions[4] at step 5000: the run ended at step 1000`, for each
/// scheduled action the run never reached (too few `--steps`), or
/// `actions[1] at step 6: after step 0, where the run file stops`.
pub fn unreached_actions(session: &dyn Session, until: Until) -> Vec<String> {
    let at = session.steps();
    let why = match until {
        Until::Steps(_) => format!("the run ended at step {at}"),
        Until::Shown(_) => format!("after step {at}, where the run file stops"),
    };
    session.pending_actions().into_iter().map(|(i, step)| format!("actions[{i}] at step {step}: {why}")).collect()
}

/// Where the trace or an export went, for the summary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    /// `trace`, `shiviz`, `perfetto` or `edn`.
    pub what: &'static str,
    pub path: String,
    pub bytes: u64,
}

/// The plain-text summary of a run.
pub fn summary(session: &dyn Session, until: Until, tally: &Tally, written: &[Written]) -> String {
    let requested_steps = until.steps();
    let mut s = String::new();
    let config = session.config();
    let [lo, hi] = config.latency_ms;
    let _ = writeln!(s, "algo        {}", session.algo());
    let _ = writeln!(s, "nodes       {}", session.node_count());
    let _ = writeln!(s, "seed        {}", session.seed());
    let _ = writeln!(s, "network     latency {lo}..{hi} ms, drop {}, dup {}", config.drop, config.dup);
    let steps = if tally.stopped_early {
        format!("{} of {requested_steps} (stopped early: nothing was left to happen)", session.steps())
    } else {
        session.steps().to_string()
    };
    let _ = writeln!(s, "steps       {steps}");
    // A world that waits for a client (2PC, Paxos) ran no step without one:
    // say which request would go on, as the actions file writes it.
    if let (true, Some(request)) = (tally.stopped_early, session.client_request(None)) {
        let scheduled = sim::Scheduled { step: session.steps(), action: request };
        if let Ok(json) = serde_json::to_string(&scheduled) {
            let _ = writeln!(s, "go on       with a client request in --actions, like {json}");
        }
    }
    let _ = writeln!(s, "model time  {} ms", session.now());

    let mut events = vec![format!("{} deliveries", tally.delivered), format!("{} timers", tally.timers)];
    for (n, what) in [
        (tally.lost_on_arrival, "lost on arrival"),
        (tally.held, "held"),
        (tally.resumed, "resumes"),
        (tally.idle, "idle (waiting for a scheduled action)"),
    ] {
        if n > 0 {
            events.push(format!("{n} {what}"));
        }
    }
    let _ = writeln!(s, "events      {}", events.join(", "));

    let mut in_flight: Vec<MsgInfo> = Vec::new();
    session.messages_into(&mut in_flight);
    let lost = tally.lost_total();
    let at_least = if tally.lost_at_least { "at least " } else { "" };
    let reasons: Vec<String> =
        LOSS_NAMES.iter().zip(tally.lost).filter(|(_, n)| *n > 0).map(|(name, n)| format!("{n} {name}")).collect();
    let reasons = if reasons.is_empty() { String::new() } else { format!(" ({})", reasons.join(", ")) };
    let _ = writeln!(
        s,
        "messages    {} sent: {} delivered, {at_least}{lost} lost{reasons}, {} in flight",
        tally.delivered + lost + in_flight.len() as u64,
        tally.delivered,
        in_flight.len()
    );

    let actions = session.actions().len();
    let failed = failed_actions(session);
    let unreached = unreached_actions(session, until);
    let later = match until {
        Until::Steps(_) => "not applied".to_string(),
        Until::Shown(_) => format!("later (--steps runs past step {})", session.steps()),
    };
    let applied = match (failed.len(), unreached.len()) {
        (0, 0) => "all applied".to_string(),
        (f, 0) => format!("{f} failed"),
        (0, u) => format!("{u} {later}"),
        (f, u) => format!("{f} failed, {u} {later}"),
    };
    let _ = writeln!(s, "actions     {actions} scheduled, {applied}");
    for line in failed.iter().chain(&unreached) {
        let _ = writeln!(s, "            {line}");
    }

    for id in 0..session.node_count() {
        let info = session.node_info(id);
        let status = info.status.name();
        let _ = writeln!(s, "node {id:<6} {status:<8} {:<10} {}", info.look.role, info.look.badge);
    }

    match session.first_violation() {
        None => {
            let _ = writeln!(s, "safety      OK: {}", session.properties().join(", "));
        }
        Some(v) => {
            let _ = writeln!(s, "safety      VIOLATED: {} at step {}: {}", v.property, v.step, v.detail);
        }
    }
    for w in written {
        let _ = writeln!(s, "{:<12}{} ({} bytes)", w.what, w.path, w.bytes);
    }
    s
}
