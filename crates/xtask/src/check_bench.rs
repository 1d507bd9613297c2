//! `cargo xtask check-bench`: the model checker's unique states per second
//! on our models, with one thread and with every core, beside Stateright
//! checking its own comparable examples, in one table.
//!
//! Stateright is the published crate at the version Cargo.lock pins (a
//! never-built dev-dependency of this crate, so that `cargo fetch` brings
//! its source). Its package ships its examples; we build them where cargo
//! unpacked it, into a target directory of ours, and run them. Its
//! reporter only looks every second whether the check is done, so its
//! wall time is rounded up to a whole second: we time it by the CPU time
//! the process used instead (user + system, from `/proc/self/stat`'s
//! children fields, 10 ms resolution). Its Paxos example takes about a
//! tenth of a second of CPU, so each round runs each example
//! [`STATERIGHT_RUNS`] times and takes the mean.
//!
//! One thread against one thread: its examples start as many threads as
//! the process may use CPUs, so pinned to one CPU (`taskset -c 0`) they
//! check with one, and our one-thread run is pinned the same way and timed
//! by the same clock (its CPU time). With every core, ours is timed by the
//! wall clock (what a user waits for) and Stateright's still by CPU time,
//! which favours us by up to the number of cores; that row is shown, but
//! the one-thread ratio is the like-for-like one.
//!
//! The machine's speed drifts between minutes, so a ratio of two runs made
//! a minute apart can be off by a third. The runs are made in rounds
//! (`--rounds N`, default [`DEFAULT_ROUNDS`]): each round runs every one of
//! our checks and every Stateright example once, so each of our runs has a
//! Stateright run of the same round beside it. A row reports the median
//! rate over the rounds and its range, and the ratio is the median of the
//! rounds' own ratios (paired), with their range.
//!
//! Stateright's Paxos example is finished after 16,668 states, a tenth of
//! our Paxos model's at depth 9; a search slows as its state space outgrows
//! the caches, so a rate measured on a space nine times larger is not a
//! like-for-like one. Our Paxos model is therefore also checked at depth 7
//! (15,243 states, the size of Stateright's space), and, being as short as
//! Stateright's runs, run [`SHORT_RUNS`] times per round, timed together.
//!
//! Stateright's 2PC example is checked with six resource managers (50,816
//! states), beside our 2PC model at depth 11 (47,836), the nearest sizes the
//! two models have. Ours takes under a tenth of a second of CPU too, eight
//! ticks of the 10 ms clock, so it is also run [`SHORT_RUNS`] times per
//! round, timed together (timed once, a round's rate could be a tick, an
//! eighth, off either way).
//!
//! Each model is also checked with symmetry reduction (`--symmetry`: Paxos's
//! three acceptors, 2PC's two participants are interchangeable), beside
//! Stateright's `2pc check-sym`; a row with it on is compared with
//! Stateright's row with it on, if there is one.

use crate::shell;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One measured row: a checker on a model, timed once per round.
struct Row {
    model: &'static str,
    checker: String,
    threads: usize,
    unique: u64,
    /// Seconds per round, by `clock`.
    seconds: Vec<f64>,
    /// What `seconds` is: wall time, or CPU time.
    clock: String,
    /// Symmetry reduction on: unique states count states up to renaming
    /// interchangeable nodes.
    symmetry: bool,
    stateright: bool,
}

/// Shortest time a rate is computed from: below it the 10 ms CPU clock
/// is too coarse.
const SHORTEST: f64 = 0.02;

impl Row {
    /// Unique states per second in each round, if every round was long
    /// enough to time.
    fn rates(&self) -> Option<Vec<f64>> {
        self.seconds.iter().map(|&s| (s >= SHORTEST).then(|| self.unique as f64 / s)).collect()
    }

    fn rate(&self) -> Option<Summary> {
        Summary::of(self.rates()?)
    }
}

/// The median of a few numbers, with their range.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Summary {
    median: f64,
    min: f64,
    max: f64,
}

impl Summary {
    fn of(mut values: Vec<f64>) -> Option<Self> {
        if values.is_empty() {
            return None;
        }
        values.sort_by(f64::total_cmp);
        let n = values.len();
        let median = if n % 2 == 1 { values[n / 2] } else { (values[n / 2 - 1] + values[n / 2]) / 2.0 };
        Some(Self { median, min: values[0], max: values[n - 1] })
    }
}

const PAXOS: &str = "single-decree Paxos";
const TWO_PC: &str = "two-phase commit";
/// Our Paxos model, checked at depth 9 and, with about as many states as
/// Stateright's whole Paxos space, at depth 7 (the depth is [`Ours::depth`]).
const PAXOS_ARGS: &[&str] = &[
    "--algo",
    "paxos",
    "--nodes",
    "5",
    "--set",
    "roles=split",
    "--set",
    "proposers=2",
    "--set",
    "acceptors=3",
    "--requests",
    "2",
    "--cmd",
    "A",
    "--cmd",
    "B",
];
/// Our 2PC model, checked at depth 11: 47,836 states, the size nearest
/// Stateright's 2PC space with six resource managers (50,816; at depth 9
/// ours has 8,909, and Stateright's has 8,832 with five managers, 296,448
/// with seven). Until stop 45 a participant kept its clock at its last
/// step for its note, which set apart states that differ in nothing else:
/// 77,054 states at depth 9, 21,965 at depth 8.
const TWO_PC_ARGS: &[&str] = &["--algo", "2pc", "--nodes", "3", "--requests", "1"];

/// Runs per round of a check as short as Stateright's, timed together.
const SHORT_RUNS: u32 = 5;

/// Rounds when `--rounds` is not given.
const DEFAULT_ROUNDS: usize = 5;

/// Runs of each Stateright example per round, timed together.
const STATERIGHT_RUNS: u32 = 5;

/// One of our checks.
struct Ours {
    model: &'static str,
    args: &'static [&'static str],
    /// `--depth`.
    depth: &'static str,
    checker: &'static str,
    symmetry: bool,
    threads: usize,
    /// One thread, pinned to one CPU and timed by its CPU time.
    pinned: bool,
    /// Runs per round, timed together (the mean is the round's time).
    runs: u32,
}

/// One of Stateright's examples.
struct Theirs {
    model: &'static str,
    example: &'static str,
    command: &'static str,
    arg: &'static str,
    size: &'static str,
    /// Pinned to one CPU, so it checks with one thread.
    pinned: bool,
}

#[derive(Debug)]
struct Options {
    json: bool,
    rounds: usize,
}

fn parse(rest: &[String]) -> Result<Options, String> {
    let mut options = Options { json: false, rounds: DEFAULT_ROUNDS };
    let mut args = rest.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--json" => options.json = true,
            "--rounds" => {
                let value = args.next().ok_or("--rounds needs a number of rounds")?;
                options.rounds = match value.parse::<usize>() {
                    Ok(n @ 1..=100) => n,
                    _ => return Err(format!("--rounds: expected 1 to 100, got {value:?}")),
                };
            }
            other => return Err(format!("unexpected argument {other:?}: check-bench takes --json and --rounds N")),
        }
    }
    Ok(options)
}

pub fn run(rest: &[String]) -> Result<(), String> {
    let options = parse(rest)?;
    let root = shell::root();
    let cli = shell::build_cli()?;
    let target = shell::target_dir()?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let pin = shell::on_path("taskset");
    if !pin {
        shell::note("check-bench", "taskset is not installed: one-thread runs are not pinned to one CPU");
    }
    let models = [
        (PAXOS, PAXOS_ARGS, "9", "cli check (2 proposers, 3 acceptors, 2 requests, depth 9)", 1),
        (PAXOS, PAXOS_ARGS, "7", "cli check (the same, depth 7: the size of Stateright's space)", SHORT_RUNS),
        (TWO_PC, TWO_PC_ARGS, "11", "cli check (coordinator + 2 participants, 1 transaction, depth 11)", SHORT_RUNS),
    ];
    let mut thread_counts = vec![1];
    if cores > 1 {
        thread_counts.push(cores);
    }
    let ours: Vec<Ours> = models
        .iter()
        .flat_map(|&(model, args, depth, checker, runs)| {
            [(model, args, depth, checker, runs, false), (model, args, depth, checker, runs, true)]
        })
        .flat_map(|(model, args, depth, checker, runs, symmetry)| {
            thread_counts.iter().map(move |&threads| Ours {
                model,
                args,
                depth,
                checker,
                symmetry,
                threads,
                pinned: threads == 1 && pin,
                runs,
            })
        })
        .collect();
    let (version, examples) = stateright_build(&root, &target)?;
    let theirs: Vec<Theirs> = [
        (PAXOS, "paxos", "check", "2", "2 clients, 3 servers"),
        // Six managers: with three (its README's size) the space is 288
        // states, checked in a millisecond, too small to time for a ratio.
        (TWO_PC, "2pc", "check", "6", "6 resource managers"),
        (TWO_PC, "2pc", "check-sym", "6", "6 resource managers, symmetry reduction"),
    ]
    .into_iter()
    .flat_map(|(model, example, command, arg, size)| {
        let pinned: &[bool] = if pin && cores > 1 { &[true, false] } else { &[false] };
        pinned.iter().map(move |&pinned| Theirs { model, example, command, arg, size, pinned })
    })
    .collect();

    let mut rows: Vec<Row> = ours
        .iter()
        .map(|o| Row {
            model: o.model,
            checker: if o.symmetry { format!("{} --symmetry", o.checker) } else { o.checker.to_string() },
            threads: o.threads,
            unique: 0,
            seconds: Vec::new(),
            clock: match (o.pinned, o.runs) {
                (true, 1) => "CPU, pinned to one CPU".to_string(),
                (true, n) => format!("CPU, mean of {n} runs, pinned to one CPU"),
                (false, 1) => "wall".to_string(),
                (false, n) => format!("wall, mean of {n} runs"),
            },
            symmetry: o.symmetry,
            stateright: false,
        })
        .chain(theirs.iter().map(|t| Row {
            model: t.model,
            checker: format!("Stateright {version} (`{} {} {}`: {}, finished)", t.example, t.command, t.arg, t.size),
            threads: if t.pinned { 1 } else { cores },
            unique: 0,
            seconds: Vec::new(),
            clock: format!("CPU, mean of {STATERIGHT_RUNS} runs{}", if t.pinned { ", pinned to one CPU" } else { "" }),
            symmetry: t.command == "check-sym",
            stateright: true,
        }))
        .collect();

    for round in 1..=options.rounds {
        shell::announce("check-bench", &format!("round {round} of {}", options.rounds));
        for (o, row) in ours.iter().zip(rows.iter_mut()) {
            let (unique, seconds) = run_ours(&cli, o)?;
            record(row, unique, seconds)?;
        }
        for (t, row) in theirs.iter().zip(rows.iter_mut().skip(ours.len())) {
            let (unique, seconds) = run_theirs(&examples, t)?;
            record(row, unique, seconds)?;
        }
    }
    let browser = browser_rows(&root)?;
    if options.json {
        print_json(&rows, browser.as_deref());
    } else {
        print_table(&rows, browser.as_deref(), options.rounds);
    }
    Ok(())
}

/// Add a round's time to `row`; every round must find the same states.
fn record(row: &mut Row, unique: u64, seconds: f64) -> Result<(), String> {
    if !row.seconds.is_empty() && row.unique != unique {
        return Err(format!("{}: {unique} unique states in this round, {} before", row.checker, row.unique));
    }
    row.unique = unique;
    row.seconds.push(seconds);
    Ok(())
}

/// Prefix `command` with `taskset -c 0` when `pinned`.
fn command(program: &Path, pinned: bool) -> Command {
    if pinned {
        let mut c = Command::new("taskset");
        c.args(["-c", "0"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

/// A round's runs of our check ([`Ours::runs`], timed together): its
/// unique states and the mean seconds of a run (CPU time of the pinned
/// process for one thread, else the search's wall time).
fn run_ours(cli: &Path, o: &Ours) -> Result<(u64, f64), String> {
    let flag: &[&str] = if o.symmetry { &["--symmetry"] } else { &[] };
    let threads = o.threads.to_string();
    let pinned = o.pinned;
    let args = [o.args, &["--depth", o.depth], flag, &["--threads", &threads]].concat();
    let announced = args.join(" ");
    let times = if o.runs > 1 { format!(", {} times", o.runs) } else { String::new() };
    let taskset = if pinned { "taskset -c 0 " } else { "" };
    shell::announce("check-bench", &format!("{taskset}cli check {announced}{times}"));
    let before = children_cpu_seconds();
    let (mut unique, mut wall) = (None, 0.0);
    for _ in 0..o.runs {
        let out = capture(command(cli, pinned).arg("check").args(&args).arg("--json"))?;
        let this = json_number(&out, "unique").ok_or("cli check printed no unique count")? as u64;
        if unique.is_some_and(|u| u != this) {
            return Err(format!("cli check {announced} found {this} unique states, and {unique:?} before"));
        }
        unique = Some(this);
        wall += json_number(&out, "seconds").ok_or("cli check printed no time")?;
    }
    let after = children_cpu_seconds();
    let runs = f64::from(o.runs);
    let seconds = match (pinned, before, after) {
        (true, Some(a), Some(b)) => (b - a) / runs,
        _ => wall / runs,
    };
    Ok((unique.expect("at least one run"), seconds))
}

/// [`STATERIGHT_RUNS`] runs of one of Stateright's examples: its unique
/// states and the mean CPU seconds of a run.
fn run_theirs(examples: &Path, t: &Theirs) -> Result<(u64, f64), String> {
    let (example, command_name, arg) = (t.example, t.command, t.arg);
    let pinned = if t.pinned { "taskset -c 0 " } else { "" };
    shell::announce("check-bench", &format!("{pinned}{example} {command_name} {arg}, {STATERIGHT_RUNS} times"));
    let before = children_cpu_seconds();
    let mut unique = None;
    for _ in 0..STATERIGHT_RUNS {
        let out = capture(command(&examples.join(example), t.pinned).args([command_name, arg]))?;
        let this = done_field(&out, "unique").ok_or_else(|| format!("{example} printed no Done line"))?;
        if unique.is_some_and(|u| u != this) {
            return Err(format!("{example} {command_name} {arg} found {this} unique states, and {unique:?} before"));
        }
        unique = Some(this);
    }
    let cpu = match (before, children_cpu_seconds()) {
        (Some(a), Some(b)) => (b - a) / f64::from(STATERIGHT_RUNS),
        _ => return Err("cannot read this process's children's CPU time from /proc/self/stat".into()),
    };
    Ok((unique.expect("at least one run"), cpu))
}

/// Build Stateright's examples from its unpacked package: its version and
/// the directory of the built examples.
fn stateright_build(root: &Path, target: &Path) -> Result<(String, PathBuf), String> {
    let dir = stateright_dir(root)?;
    let version = dir.file_name().map(|n| n.to_string_lossy().replace("stateright-", "")).unwrap_or_default();
    let manifest = dir.join("Cargo.toml");
    let sr_target = target.join("stateright");
    shell::announce(
        "check-bench",
        &format!("Stateright {version}: its paxos and 2pc examples, built in {}", dir.display()),
    );
    shell::run(
        shell::cargo()
            .args(["build", "--release", "--example", "paxos", "--example", "2pc", "--manifest-path"])
            .arg(&manifest)
            .arg("--target-dir")
            .arg(&sr_target)
            .current_dir(root),
    )?;
    Ok((version, sr_target.join("release").join("examples")))
}

/// Where cargo unpacked the stateright package Cargo.lock pins.
fn stateright_dir(root: &Path) -> Result<PathBuf, String> {
    let out = capture(shell::cargo().args(["metadata", "--format-version", "1", "--offline"]).current_dir(root))?;
    let key = "\"manifest_path\":\"";
    let mut rest = out.as_str();
    while let Some(i) = rest.find(key) {
        rest = &rest[i + key.len()..];
        let path = &rest[..rest.find('"').unwrap_or(0)];
        let p = Path::new(path);
        let dir = p.parent().unwrap_or(p);
        if dir.file_name().is_some_and(|n| n.to_string_lossy().starts_with("stateright-")) {
            return Ok(dir.to_path_buf());
        }
    }
    Err("cargo metadata lists no stateright package: run `cargo fetch` (it is a dev-dependency of xtask)".into())
}

/// The user + system CPU seconds of this process's waited-for children.
fn children_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name in parentheses; cutime and cstime are
    // fields 16 and 17 (1-based), in clock ticks (100 per second on Linux).
    let after = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after.split(' ').collect();
    let cutime: f64 = fields.get(13)?.parse().ok()?;
    let cstime: f64 = fields.get(14)?.parse().ok()?;
    Some((cutime + cstime) / 100.0)
}

/// The browser's rows, from the other page's probe, if it and dist/ exist.
fn browser_rows(root: &Path) -> Result<Option<String>, String> {
    let script = root.join("tests").join("perf").join("check-rate.mjs");
    if !root.join("dist").is_dir() || !script.is_file() {
        return Ok(None);
    }
    shell::announce("check-bench", "browser: node tests/perf/check-rate.mjs");
    let out = capture(shell::cmd("node").arg(&script).env("CLUSTERSCOPE_DIST", root.join("dist")).current_dir(root))?;
    Ok(Some(out.trim().to_string()))
}

fn capture(command: &mut Command) -> Result<String, String> {
    let out = command.output().map_err(|e| format!("cannot start {:?}: {e}", command.get_program()))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(format!("{:?} failed ({}): {}", command.get_program(), out.status, err.trim()));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The number after the first `"key":` in a JSON text.
fn json_number(json: &str, key: &str) -> Option<f64> {
    let start = json.find(&format!("\"{key}\":"))? + key.len() + 3;
    let text: String =
        json[start..].chars().take_while(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | 'e' | 'E' | '+')).collect();
    text.parse().ok()
}

/// A field of Stateright's last `Done. states=…, unique=…, depth=…` line.
fn done_field(out: &str, key: &str) -> Option<u64> {
    let line = out.lines().rev().find(|l| l.starts_with("Done."))?;
    let start = line.find(&format!("{key}="))? + key.len() + 1;
    line[start..].chars().take_while(char::is_ascii_digit).collect::<String>().parse().ok()
}

/// Our rate against Stateright's on the same model, symmetry reduction on
/// or off alike, and the same number of threads (one: pinned; every core),
/// round by round: the median of the rounds' ratios and their range.
fn ratio(rows: &[Row], row: &Row) -> Option<Summary> {
    if row.stateright {
        return None;
    }
    let ours = row.rates()?;
    let theirs = rows
        .iter()
        .find(|r| r.stateright && r.model == row.model && r.symmetry == row.symmetry && r.threads == row.threads)?
        .rates()?;
    Summary::of(ours.iter().zip(&theirs).map(|(a, b)| a / b).collect())
}

fn print_table(rows: &[Row], browser: Option<&str>, rounds: usize) {
    println!(
        "| model | checker | symmetry | threads | unique states | seconds, median of {rounds} rounds | unique/s, median (range) | ratio to Stateright, median of rounds (range) |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for row in rows {
        let rate = row
            .rate()
            .map_or("too small to time".to_string(), |r| format!("{:.0} ({:.0} to {:.0})", r.median, r.min, r.max));
        let ratio =
            ratio(rows, row).map_or("-".to_string(), |r| format!("{:.2} ({:.2} to {:.2})", r.median, r.min, r.max));
        let seconds = Summary::of(row.seconds.clone()).map_or(0.0, |s| s.median);
        let (model, checker, threads, unique) = (row.model, &row.checker, row.threads, row.unique);
        let symmetry = if row.symmetry { "on" } else { "off" };
        println!(
            "| {model} | {checker} | {symmetry} | {threads} | {unique} | {seconds:.3} ({}) | {rate} | {ratio} |",
            row.clock
        );
    }
    match browser {
        Some(json) => println!("browser (tests/perf/check-rate.mjs): {json}"),
        None => println!("browser: run cargo xtask dist first (and tests/perf/check-rate.mjs must exist)"),
    }
}

/// The JSON summary: the fields of the one-run version (`seconds`,
/// `unique_per_s` and `ratio_to_stateright` now medians over the rounds),
/// plus each round's seconds and the ranges.
fn print_json(rows: &[Row], browser: Option<&str>) {
    let num = |v: Option<f64>| v.map_or("null".to_string(), |v| format!("{v:.3}"));
    let items: Vec<String> = rows
        .iter()
        .map(|r| {
            let rate = r.rate();
            let ratio = ratio(rows, r);
            let seconds = Summary::of(r.seconds.clone()).map_or(0.0, |s| s.median);
            let rounds: Vec<String> = r.seconds.iter().map(|s| format!("{s:.3}")).collect();
            format!(
                "{{\"model\":\"{}\",\"checker\":\"{}\",\"threads\":{},\"unique\":{},\"seconds\":{:.3},\"clock\":\"{}\",\"unique_per_s\":{},\"ratio_to_stateright\":{},\"symmetry\":{},\"rounds_seconds\":[{}],\"unique_per_s_min\":{},\"unique_per_s_max\":{},\"ratio_min\":{},\"ratio_max\":{}}}",
                r.model,
                r.checker,
                r.threads,
                r.unique,
                seconds,
                r.clock,
                num(rate.map(|s| s.median)),
                num(ratio.map(|s| s.median)),
                r.symmetry,
                rounds.join(","),
                num(rate.map(|s| s.min)),
                num(rate.map(|s| s.max)),
                num(ratio.map(|s| s.min)),
                num(ratio.map(|s| s.max)),
            )
        })
        .collect();
    println!("{{\"rows\":[{}],\"browser\":{}}}", items.join(","), browser.unwrap_or("null"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_our_summary_and_stateright_s_done_line() {
        let json = r#"{"depth":9,"seconds":6.2,"unique":152131,"unique_per_second":24536.8}"#;
        assert_eq!(json_number(json, "unique"), Some(152_131.0));
        assert_eq!(json_number(json, "seconds"), Some(6.2));
        assert_eq!(json_number(json, "missing"), None);
        let out = "Checking. states=4, unique=4, depth=1\nDone. states=33010, unique=16668, depth=14, sec=1\n";
        assert_eq!(done_field(out, "unique"), Some(16_668));
        assert_eq!(done_field("no line", "unique"), None);
    }

    #[test]
    fn the_ratio_pairs_rounds_of_the_same_model_symmetry_and_threads() {
        let row = |model, checker: &str, threads, unique, seconds: &[f64], symmetry| Row {
            model,
            checker: checker.into(),
            threads,
            unique,
            seconds: seconds.to_vec(),
            clock: "wall".into(),
            symmetry,
            stateright: checker.starts_with("Stateright"),
        };
        let rows = vec![
            row(PAXOS, "cli check", 1, 100_000, &[1.0, 2.0, 1.0], false),
            row(PAXOS, "Stateright 0.30.2", 1, 50_000, &[1.0, 1.0, 0.5], false),
            row(TWO_PC, "cli check", 1, 1_000, &[1.0], false),
            row(TWO_PC, "Stateright 0.30.2", 1, 288, &[0.001], false),
            row(TWO_PC, "cli check --symmetry", 1, 3_000, &[1.0], true),
            row(TWO_PC, "Stateright 0.30.2 check-sym", 1, 1_000, &[1.0], true),
            row(PAXOS, "cli check --symmetry", 1, 3_000, &[1.0], true),
            row(PAXOS, "cli check", 2, 100_000, &[1.0, 1.0, 1.0], false),
            row(PAXOS, "Stateright 0.30.2", 2, 50_000, &[0.25, 0.25, 0.25], false),
        ];
        // Rounds 2.0, 1.0 and 1.0: the median of the paired ratios (1.0),
        // not the ratio of the medians (100,000 / 50,000 = 2.0).
        assert_eq!(ratio(&rows, &rows[0]), Some(Summary { median: 1.0, min: 1.0, max: 2.0 }));
        assert_eq!(ratio(&rows, &rows[1]), None, "Stateright is the yardstick, not compared");
        assert_eq!(ratio(&rows, &rows[2]), None, "too small to time");
        assert_eq!(ratio(&rows, &rows[4]).map(|s| s.median), Some(3.0), "symmetric against symmetric");
        assert_eq!(ratio(&rows, &rows[6]), None, "Stateright's Paxos has no symmetric variant");
        assert_eq!(ratio(&rows, &rows[7]).map(|s| s.median), Some(0.5), "two threads against two");
    }

    #[test]
    fn summaries_and_options() {
        assert_eq!(Summary::of(vec![3.0, 1.0, 2.0]), Some(Summary { median: 2.0, min: 1.0, max: 3.0 }));
        assert_eq!(Summary::of(vec![4.0, 1.0]).map(|s| s.median), Some(2.5));
        assert_eq!(Summary::of(vec![]), None);
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let o = parse(&args(&["--rounds", "3", "--json"])).unwrap();
        assert_eq!((o.rounds, o.json), (3, true));
        assert_eq!(parse(&args(&[])).unwrap().rounds, DEFAULT_ROUNDS);
        assert!(parse(&args(&["--rounds", "0"])).unwrap_err().contains("--rounds"));
        assert!(parse(&args(&["--rounds"])).is_err());
        assert!(parse(&args(&["--fast"])).unwrap_err().contains("--fast"));
    }
}
