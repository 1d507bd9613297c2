//! `cargo xtask test`: set up, then run every stage in order, stopping at
//! the first failure. A stage whose inputs do not exist yet (no index.html,
//! no tests/e2e) is skipped with a note; once they exist, it runs.

use crate::setup;
use crate::shell::{self, announce, note};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const STAGES: &[&str] = &["setup", "fmt", "test", "benches", "clippy", "cli", "trunk", "size", "wasm-test", "e2e"];

#[derive(Debug)]
enum Outcome {
    Ok(String),
    Skipped(String),
    Failed(String),
}

struct Record {
    stage: &'static str,
    outcome: Outcome,
    time: Duration,
}

/// Test counts read from the runners' own closing lines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub passed: u64,
    pub failed: u64,
    pub skipped: u64,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.skipped += other.skipped;
    }

    /// Sum libtest's `test result: ok. 5 passed; 0 failed; 1 ignored; ...` lines.
    pub fn from_cargo(lines: &[String]) -> Counts {
        let mut counts = Counts::default();
        for line in lines {
            let Some(rest) = line.strip_prefix("test result: ") else { continue };
            for part in rest.split(';') {
                let words: Vec<&str> = part.split_whitespace().collect();
                // "ok. 5 passed" or "FAILED. 4 passed" or "0 failed"
                let (n, what) = match words.as_slice() {
                    [_, n, what] | [n, what] => (n.parse::<u64>().unwrap_or(0), *what),
                    _ => continue,
                };
                match what {
                    "passed" => counts.passed += n,
                    "failed" => counts.failed += n,
                    "ignored" => counts.skipped += n,
                    _ => {}
                }
            }
        }
        counts
    }

    /// Read node's test runner summary (`# pass 9` in TAP, `ℹ pass 9` in spec).
    pub fn from_node(lines: &[String]) -> Counts {
        let mut counts = Counts::default();
        for line in lines {
            let words: Vec<&str> = line.split_whitespace().collect();
            let [mark, what, n] = words.as_slice() else { continue };
            if *mark != "#" && *mark != "ℹ" {
                continue;
            }
            let Ok(n) = n.parse::<u64>() else { continue };
            match *what {
                "pass" => counts.passed = n,
                "fail" => counts.failed = n,
                "skipped" | "todo" | "cancelled" => counts.skipped += n,
                _ => {}
            }
        }
        counts
    }

    fn text(&self) -> String {
        format!("{} passed, {} failed, {} skipped", self.passed, self.failed, self.skipped)
    }
}

struct Run {
    records: Vec<Record>,
    counts: Counts,
    skip: Vec<String>,
    started: Instant,
}

impl Run {
    /// Run one stage unless `--skip` names it; on failure print the summary
    /// and stop.
    fn stage(&mut self, stage: &'static str, body: impl FnOnce(&mut Self) -> Outcome) -> Result<(), String> {
        if self.skip.iter().any(|s| s == stage) {
            self.records.push(Record { stage, outcome: Outcome::Skipped("--skip".into()), time: Duration::ZERO });
            return Ok(());
        }
        println!();
        announce(stage, "stage starts");
        let start = Instant::now();
        let outcome = body(self);
        let time = start.elapsed();
        match &outcome {
            Outcome::Ok(detail) => note(stage, &format!("ok ({:.1} s) {detail}", time.as_secs_f64())),
            Outcome::Skipped(why) => note(stage, &format!("skipped: {why}")),
            Outcome::Failed(why) => note(stage, &format!("FAILED: {why}")),
        }
        let failed = matches!(outcome, Outcome::Failed(_));
        self.records.push(Record { stage, outcome, time });
        if failed {
            self.print_summary();
            return Err(format!("stage `{stage}` failed; the stages after it did not run"));
        }
        Ok(())
    }

    fn print_summary(&self) {
        println!();
        println!("xtask: summary");
        for r in &self.records {
            let (word, detail) = match &r.outcome {
                Outcome::Ok(d) => ("ok", d.as_str()),
                Outcome::Skipped(d) => ("skipped", d.as_str()),
                Outcome::Failed(d) => ("FAILED", d.as_str()),
            };
            println!("  {:<10} {:<8} {:>7.1} s  {detail}", r.stage, word, r.time.as_secs_f64());
        }
        println!("  {:<10} {:<8} {:>7.1} s", "total", "", self.started.elapsed().as_secs_f64());
    }
}

fn cargo_stage(command: &mut Command) -> Outcome {
    match shell::run(command.current_dir(shell::root())) {
        Ok(()) => Outcome::Ok(String::new()),
        Err(e) => Outcome::Failed(e),
    }
}

/// Run a test runner, echoing its output, and count its results.
fn test_stage(run: &mut Run, command: &mut Command, count: fn(&[String]) -> Counts) -> Outcome {
    match shell::run_capturing(command.current_dir(shell::root())) {
        Ok(lines) => {
            let counts = count(&lines);
            run.counts.add(counts);
            Outcome::Ok(counts.text())
        }
        Err((e, lines)) => {
            let counts = count(&lines);
            run.counts.add(counts);
            Outcome::Failed(format!("{e}; {}", counts.text()))
        }
    }
}

pub fn run(args: &[String]) -> Result<(), String> {
    let mut skip = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--skip" => {
                let stage = args.next().ok_or("--skip needs a stage name")?;
                if !STAGES.contains(&stage.as_str()) {
                    return Err(format!("--skip: unknown stage {stage:?}; stages: {}", STAGES.join(", ")));
                }
                skip.push(stage.clone());
            }
            other => {
                return Err(format!("test: unexpected argument {other:?}; usage: cargo xtask test [--skip STAGE]"))
            }
        }
    }
    let root = shell::root();
    let mut run = Run { records: Vec::new(), counts: Counts::default(), skip, started: Instant::now() };

    run.stage("setup", |_| match setup::run(setup::Needs::ALL) {
        Ok(()) => Outcome::Ok(String::new()),
        Err(e) => Outcome::Failed(e),
    })?;
    run.stage("fmt", |_| cargo_stage(shell::cargo().args(["fmt", "--all", "--check"])))?;
    run.stage("test", |run| test_stage(run, shell::cargo().args(["test", "--workspace"]), Counts::from_cargo))?;
    // Each criterion benchmark once, in test mode (one iteration, no
    // timing): a benchmark that no longer runs fails here, not when someone
    // next measures. The whole workspace, as the test stage builds it: the
    // same packages selected resolve the same features, so every library
    // the test stage compiled is reused and only the benchmarks are built
    // (naming three packages resolved fewer features and rebuilt all of
    // them and their dependencies, 4.4 minutes).
    // `--bench '*'` is every benchmark target and nothing else (`--benches`
    // would also run every library's unit tests again).
    run.stage("benches", |_| cargo_stage(shell::cargo().args(["test", "--workspace", "--bench", "*"])))?;
    run.stage("clippy", |_| {
        cargo_stage(shell::cargo().args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))
    })?;

    let mut cli_binary = None;
    run.stage("cli", |_| {
        if let Outcome::Failed(e) = cargo_stage(shell::cargo().args(["build", "--profile", "cli", "-p", "cli"])) {
            return Outcome::Failed(e);
        }
        match shell::target_dir() {
            Ok(target) => {
                let binary = target.join("cli").join("cli");
                let detail = binary.display().to_string();
                cli_binary = Some(binary);
                Outcome::Ok(detail)
            }
            Err(e) => Outcome::Failed(e),
        }
    })?;

    let has_app = root.join("index.html").is_file() && root.join("Trunk.toml").is_file();
    let dist = root.join("dist");
    run.stage("trunk", |_| {
        if !has_app {
            return Outcome::Skipped("no index.html and Trunk.toml at the root yet".into());
        }
        match shell::run(Command::new("trunk").args(["build", "--release"]).current_dir(&root)) {
            Ok(()) => Outcome::Ok(dist.display().to_string()),
            Err(e) => Outcome::Failed(e),
        }
    })?;
    run.stage("size", |_| {
        if !has_app {
            return Outcome::Skipped("no app built".into());
        }
        let budget = match read_budget(&root.join(BUDGET_FILE)) {
            Ok(kib) => kib,
            Err(e) => return Outcome::Failed(e),
        };
        match bundle_size(&dist) {
            Ok((report, gz_total)) => {
                println!("{report}");
                let kib = gz_total as f64 / 1024.0;
                if kib > budget {
                    Outcome::Failed(format!(
                        "the bundle is {kib:.1} KiB gzipped (wasm+js+css), over its budget of {budget} KiB in {BUDGET_FILE}"
                    ))
                } else {
                    Outcome::Ok(format!("{kib:.1} KiB gzipped wasm+js+css, budget {budget} KiB"))
                }
            }
            Err(e) => Outcome::Failed(e),
        }
    })?;

    run.stage("wasm-test", |run| {
        let web = std::fs::read_to_string(root.join("crates/web/Cargo.toml")).unwrap_or_default();
        if !web.contains("wasm-bindgen-test") {
            return Outcome::Skipped("the web crate has no wasm-bindgen-test tests".into());
        }
        // Set-up does not install a WebDriver: nothing else would use it.
        if !Path::new("/usr/bin/chromedriver").is_file() {
            return Outcome::Failed(
                "wasm-bindgen-test runs in Chromium through ChromeDriver: apt-get install chromium-driver".into(),
            );
        }
        test_stage(
            run,
            shell::cargo()
                .args(["test", "--target", "wasm32-unknown-unknown", "-p", "web"])
                .env("CHROMEDRIVER", "/usr/bin/chromedriver")
                .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", "wasm-bindgen-test-runner"),
            Counts::from_cargo,
        )
    })?;

    run.stage("e2e", |run| {
        let e2e = root.join("tests").join("e2e");
        // The files, not the directory: newer Node versions read a
        // directory argument as a module to run, not a place to search.
        let files = test_files(&e2e);
        if files.is_empty() {
            return Outcome::Skipped("no tests in tests/e2e yet".into());
        }
        let Some(cli) = cli_binary.as_ref() else {
            return Outcome::Failed("the cli stage was skipped; the end-to-end tests need its binary".into());
        };
        test_stage(
            run,
            Command::new("node")
                .arg("--test")
                .args(&files)
                .env("CLUSTERSCOPE_DIST", &dist)
                .env("CLUSTERSCOPE_CLI", cli),
            Counts::from_node,
        )
    })?;

    run.print_summary();
    // The closing line, in the plain form test-result readers know.
    println!("tests: {}", run.counts.text());
    if run.counts.failed > 0 {
        return Err(format!("{} tests failed", run.counts.failed));
    }
    Ok(())
}

/// The test files under `dir`, as node's test runner would find them in a
/// directory (`test.js`, `test-*.js`, `*.test.js`, `*-test.js`,
/// `*_test.js`, also `.mjs` and `.cjs`), recursively, sorted.
fn test_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    for e in entries.flatten() {
        let path = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if name != "node_modules" {
                out.extend(test_files(&path));
            }
        } else if is_node_test_file(&name) {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn is_node_test_file(name: &str) -> bool {
    let Some(stem) = [".js", ".mjs", ".cjs"].iter().find_map(|ext| name.strip_suffix(ext)) else {
        return false;
    };
    stem == "test" || stem.starts_with("test-") || [".test", "-test", "_test"].iter().any(|s| stem.ends_with(s))
}

/// Where the bundle's size budget is kept, relative to the repository root.
pub const BUDGET_FILE: &str = "www/bundle-budget";

/// The budget in KiB of gzipped wasm+js+css: the first number on the first
/// line of the file that is not a `#` comment.
pub fn read_budget(path: &Path) -> Result<f64, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    parse_budget(&text).ok_or_else(|| format!("{}: expected a line `KiB`, a number of KiB", path.display()))
}

fn parse_budget(text: &str) -> Option<f64> {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#'))?;
    line.split_whitespace().next()?.parse::<f64>().ok().filter(|kib| *kib > 0.0)
}

/// Gzipped sizes of the shipped wasm, JavaScript and CSS in `dist`: the
/// report and the gzipped total in bytes.
pub fn bundle_size(dist: &Path) -> Result<(String, u64), String> {
    let mut files = Vec::new();
    collect(dist, &mut files).map_err(|e| format!("cannot list {}: {e}", dist.display()))?;
    files.retain(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("wasm" | "js" | "css")));
    files.sort();
    if files.is_empty() {
        return Err(format!("no .wasm, .js or .css files in {}", dist.display()));
    }
    let mut report = String::from("bundle (gzip -9):\n");
    let (mut raw_total, mut gz_total) = (0u64, 0u64);
    for file in &files {
        let raw = std::fs::metadata(file).map_err(|e| e.to_string())?.len();
        let gz = gzipped_len(file)?;
        raw_total += raw;
        gz_total += gz;
        let name = file.strip_prefix(dist).unwrap_or(file).display();
        report += &format!("  {name:<48} {:>9} bytes  {:>8} gzipped\n", raw, gz);
    }
    report += &format!(
        "  total wasm+js+css: {:.1} KiB gzipped ({:.1} KiB raw)",
        gz_total as f64 / 1024.0,
        raw_total as f64 / 1024.0
    );
    Ok((report, gz_total))
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

fn gzipped_len(file: &Path) -> Result<u64, String> {
    let out =
        Command::new("gzip").args(["-9", "-c"]).arg(file).output().map_err(|e| format!("cannot run gzip: {e}"))?;
    if !out.status.success() {
        return Err(format!("gzip {} failed", file.display()));
    }
    Ok(out.stdout.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_is_the_first_number_after_comments() {
        assert_eq!(parse_budget("# KiB of gzipped wasm+js+css\n\n480 KiB\n"), Some(480.0));
        assert_eq!(parse_budget("# only a comment\n"), None);
        assert_eq!(parse_budget("lots\n"), None);
        assert_eq!(parse_budget("0\n"), None);
    }

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_string).collect()
    }

    #[test]
    fn finds_node_test_files_like_node_does() {
        for name in ["test.js", "test-load.mjs", "load.test.mjs", "load-test.cjs", "load_test.js"] {
            assert!(is_node_test_file(name), "{name}");
        }
        for name in ["harness.mjs", "testing.js", "load.test.ts", "README.md", "contest.js"] {
            assert!(!is_node_test_file(name), "{name}");
        }
    }

    #[test]
    fn counts_cargo_results() {
        let out = lines(
            "running 3 tests\ntest a ... ok\n\
             test result: ok. 3 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s\n\
             test result: FAILED. 4 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 1.2s\n",
        );
        assert_eq!(Counts::from_cargo(&out), Counts { passed: 7, failed: 2, skipped: 1 });
    }

    #[test]
    fn counts_node_results_in_tap_and_spec() {
        let tap = lines("# tests 9\n# suites 0\n# pass 8\n# fail 1\n# cancelled 0\n# skipped 2\n# todo 0\n");
        assert_eq!(Counts::from_node(&tap), Counts { passed: 8, failed: 1, skipped: 2 });
        let spec = lines("ℹ tests 3\nℹ pass 3\nℹ fail 0\nℹ skipped 0\nℹ duration_ms 812.5\n");
        assert_eq!(Counts::from_node(&spec), Counts { passed: 3, failed: 0, skipped: 0 });
    }
}
