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
//! children fields, 10 ms resolution), which counts both of its threads.
//! Its Paxos example takes about 0.07 s of CPU, so one run's time is known
//! to ±15%: each example runs [`STATERIGHT_RUNS`] times and the row gives
//! the mean.
//!
//! Each model is also checked with symmetry reduction (`--symmetry`: Paxos's
//! three acceptors, 2PC's two participants are interchangeable), beside
//! Stateright's `2pc check-sym`; a row with it on is compared with
//! Stateright's row with it on, if there is one.

use crate::shell;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// One measured row.
struct Row {
    model: &'static str,
    checker: String,
    threads: usize,
    unique: u64,
    seconds: f64,
    /// What `seconds` is: wall time, or CPU time for Stateright.
    clock: String,
    /// Symmetry reduction on: unique states count states up to renaming
    /// interchangeable nodes.
    symmetry: bool,
}

impl Row {
    fn rate(&self) -> Option<f64> {
        (self.seconds >= 0.02).then(|| self.unique as f64 / self.seconds)
    }
}

const PAXOS: &str = "single-decree Paxos";
const TWO_PC: &str = "two-phase commit";
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
    "--depth",
    "9",
];
const TWO_PC_ARGS: &[&str] = &["--algo", "2pc", "--nodes", "3", "--requests", "1", "--depth", "8"];

pub fn run(rest: &[String]) -> Result<(), String> {
    let json = match rest {
        [] => false,
        [flag] if flag == "--json" => true,
        _ => return Err(format!("unexpected arguments {rest:?}: check-bench takes only --json")),
    };
    let root = shell::root();
    shell::run(shell::cargo().args(["build", "--profile", "cli", "-p", "cli"]).current_dir(&root))?;
    let target = shell::target_dir()?;
    let cli = target.join("cli").join("cli");
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut rows = Vec::new();
    let models = [
        (PAXOS, PAXOS_ARGS, "cli check (2 proposers, 3 acceptors, 2 requests, depth 9)"),
        (TWO_PC, TWO_PC_ARGS, "cli check (coordinator + 2 participants, 1 transaction, depth 8)"),
    ];
    for ((model, args, checker), symmetry) in models.iter().flat_map(|m| [(*m, false), (*m, true)]) {
        let mut threads = vec![1];
        if cores > 1 {
            threads.push(cores);
        }
        let flag: &[&str] = if symmetry { &["--symmetry"] } else { &[] };
        for t in threads {
            let announced = [args, flag, &["--threads", &t.to_string()]].concat().join(" ");
            shell::announce("check-bench", &format!("cli check {announced}"));
            let out = capture(Command::new(&cli).arg("check").args(args).args(flag).args([
                "--threads",
                &t.to_string(),
                "--json",
            ]))?;
            let unique = json_number(&out, "unique").ok_or("cli check printed no unique count")?;
            let seconds = json_number(&out, "seconds").ok_or("cli check printed no time")?;
            let checker = if symmetry { format!("{checker} --symmetry") } else { checker.to_string() };
            rows.push(Row {
                model,
                checker,
                threads: t,
                unique: unique as u64,
                seconds,
                clock: "wall".into(),
                symmetry,
            });
        }
    }
    rows.extend(stateright(&root, &target, cores)?);
    let browser = browser_rows(&root)?;
    if json {
        print_json(&rows, browser.as_deref());
    } else {
        print_table(&rows, browser.as_deref());
    }
    Ok(())
}

/// Runs of each Stateright example, timed together.
const STATERIGHT_RUNS: u32 = 10;

/// Build Stateright's examples from its unpacked package and run them.
fn stateright(root: &Path, target: &Path, cores: usize) -> Result<Vec<Row>, String> {
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
    let examples = sr_target.join("release").join("examples");
    let mut rows = Vec::new();
    let examples_run = [
        (PAXOS, "paxos", "check", "2", "2 clients, 3 servers"),
        (TWO_PC, "2pc", "check", "3", "3 resource managers"),
        (TWO_PC, "2pc", "check-sym", "3", "3 resource managers, symmetry reduction"),
    ];
    for (model, example, command, arg, size) in examples_run {
        shell::announce("check-bench", &format!("{example} {command} {arg}, {STATERIGHT_RUNS} times"));
        let before = children_cpu_seconds();
        let start = Instant::now();
        let mut unique = None;
        for _ in 0..STATERIGHT_RUNS {
            let out = capture(Command::new(examples.join(example)).args([command, arg]))?;
            let this = done_field(&out, "unique").ok_or_else(|| format!("{example} printed no Done line"))?;
            if unique.is_some_and(|u| u != this) {
                return Err(format!("{example} {command} {arg} found {this} unique states, and {unique:?} before"));
            }
            unique = Some(this);
        }
        let unique = unique.expect("at least one run");
        let runs = f64::from(STATERIGHT_RUNS);
        let wall = start.elapsed().as_secs_f64() / runs;
        let cpu = match (before, children_cpu_seconds()) {
            (Some(a), Some(b)) => Some((b - a) / runs),
            _ => None,
        };
        let (seconds, clock) = cpu.map_or((wall, "wall"), |c| (c, "CPU"));
        let clock = format!("{clock}, mean of {STATERIGHT_RUNS} runs");
        let checker = format!("Stateright {version} (`{example} {command} {arg}`: {size}, finished)");
        let symmetry = command == "check-sym";
        rows.push(Row { model, checker, threads: cores, unique, seconds, clock, symmetry });
    }
    Ok(rows)
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
/// or off alike.
fn ratio(rows: &[Row], row: &Row) -> Option<f64> {
    let ours = row.rate()?;
    let theirs = rows
        .iter()
        .find(|r| r.model == row.model && r.symmetry == row.symmetry && r.checker.starts_with("Stateright"))?
        .rate()?;
    Some(ours / theirs)
}

fn print_table(rows: &[Row], browser: Option<&str>) {
    println!("| model | checker | symmetry | threads | unique states | seconds | unique/s | ratio to Stateright |");
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for row in rows {
        let rate = row.rate().map_or("too small to time".to_string(), |r| format!("{r:.0}"));
        let ratio = ratio(rows, row).map_or("-".to_string(), |r| format!("{r:.2}"));
        let (model, checker, threads, unique) = (row.model, &row.checker, row.threads, row.unique);
        let symmetry = if row.symmetry { "on" } else { "off" };
        println!(
            "| {model} | {checker} | {symmetry} | {threads} | {unique} | {:.3} ({}) | {rate} | {ratio} |",
            row.seconds, row.clock
        );
    }
    match browser {
        Some(json) => println!("browser (tests/perf/check-rate.mjs): {json}"),
        None => println!("browser: run cargo xtask dist first (and tests/perf/check-rate.mjs must exist)"),
    }
}

fn print_json(rows: &[Row], browser: Option<&str>) {
    let items: Vec<String> = rows
        .iter()
        .map(|r| {
            let num = |v: Option<f64>| v.map_or("null".to_string(), |v| format!("{v:.3}"));
            format!(
                "{{\"model\":\"{}\",\"checker\":\"{}\",\"threads\":{},\"unique\":{},\"seconds\":{:.3},\"clock\":\"{}\",\"unique_per_s\":{},\"ratio_to_stateright\":{},\"symmetry\":{}}}",
                r.model,
                r.checker,
                r.threads,
                r.unique,
                r.seconds,
                r.clock,
                num(r.rate()),
                num(ratio(rows, r)),
                r.symmetry
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
    fn the_ratio_compares_the_same_model_only() {
        let row = |model, checker: &str, unique, seconds, symmetry| Row {
            model,
            checker: checker.into(),
            threads: 1,
            unique,
            seconds,
            clock: "wall".into(),
            symmetry,
        };
        let rows = vec![
            row(PAXOS, "cli check", 100_000, 1.0, false),
            row(PAXOS, "Stateright 0.30.2", 50_000, 1.0, false),
            row(TWO_PC, "cli check", 1_000, 1.0, false),
            row(TWO_PC, "Stateright 0.30.2", 288, 0.001, false),
            row(TWO_PC, "cli check --symmetry", 3_000, 1.0, true),
            row(TWO_PC, "Stateright 0.30.2 check-sym", 1_000, 1.0, true),
            row(PAXOS, "cli check --symmetry", 3_000, 1.0, true),
        ];
        assert_eq!(ratio(&rows, &rows[0]), Some(2.0));
        assert_eq!(ratio(&rows, &rows[2]), None, "too small to time");
        assert_eq!(ratio(&rows, &rows[4]), Some(3.0), "symmetric against symmetric");
        assert_eq!(ratio(&rows, &rows[6]), None, "Stateright's Paxos has no symmetric variant");
    }
}
