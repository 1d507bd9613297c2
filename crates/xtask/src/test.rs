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

    // The browser tests replay the page's runs in the CLI the test stage
    // built (its integration tests run it): their 73 calls take 2.6 s in
    // it and 2.2 s in the optimized build (`--profile cli`, fat LTO), which
    // took 2.5 minutes to compile on two cores. The same command
    // as the test stage's, so it finds that build fresh and only builds
    // when the test stage was skipped.
    let mut cli_binary = None;
    run.stage("cli", |_| {
        if let Outcome::Failed(e) = cargo_stage(shell::cargo().args(["test", "--workspace", "--no-run"])) {
            return Outcome::Failed(e);
        }
        match shell::target_dir() {
            Ok(target) => {
                let binary = target.join("debug").join("cli");
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
            Ok(b) => b,
            Err(e) => return Outcome::Failed(e),
        };
        match bundle_size(&dist) {
            Ok(bundle) => {
                println!("{}", bundle.report);
                match budget.judge(&bundle) {
                    Ok(summary) => Outcome::Ok(summary),
                    Err(over) => Outcome::Failed(over),
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

/// Where the bundle's size budgets are kept, relative to the repository root.
pub const BUDGET_FILE: &str = "www/bundle-budget";

/// The files of `dist/` that make up the model checker's Web Worker: its
/// script and its own wasm module (crate `checker`), fetched only when a
/// check starts. Everything else is the page's (with `docs/`, as the
/// budget has always counted it).
pub const CHECKER_FILES: &[&str] = &["check-worker.js", "checker.js", "checker_bg.wasm"];

/// The budgets in KiB of gzipped wasm+js+css: the page's (what every
/// visit loads), and the model checker's module's.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Budget {
    pub page: f64,
    pub checker: f64,
}

impl Budget {
    /// A one-line summary within budget, or which part is over and by how
    /// much.
    pub fn judge(&self, bundle: &Bundle) -> Result<String, String> {
        let (page, checker) = (kib(bundle.page), kib(bundle.checker));
        let mut over = Vec::new();
        if page > self.page {
            over.push(format!(
                "the page is {page:.1} KiB gzipped (wasm+js+css), over its budget of {} KiB in {BUDGET_FILE}",
                self.page
            ));
        }
        if checker > self.checker {
            over.push(format!(
                "the model checker's module is {checker:.1} KiB gzipped, over its budget of {} KiB in {BUDGET_FILE}",
                self.checker
            ));
        }
        if over.is_empty() {
            Ok(format!(
                "{page:.1} KiB gzipped wasm+js+css, budget {} KiB; checker module {checker:.1} KiB, budget {} KiB",
                self.page, self.checker
            ))
        } else {
            Err(over.join("; "))
        }
    }
}

fn kib(bytes: u64) -> f64 {
    bytes as f64 / 1024.0
}

/// Read [`BUDGET_FILE`]: its first line that is not a `#` comment is the
/// page's budget (`NNN KiB`), and a line `checker NNN KiB` the checker
/// module's.
pub fn read_budget(path: &Path) -> Result<Budget, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    parse_budget(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn parse_budget(text: &str) -> Result<Budget, String> {
    let number = |word: Option<&str>| word.and_then(|w| w.parse::<f64>().ok()).filter(|kib| *kib > 0.0);
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'));
    let page = number(lines.next().and_then(|l| l.split_whitespace().next()))
        .ok_or("expected a first line `NNN KiB`, the page's budget in KiB")?;
    let checker = lines
        .find_map(|l| l.strip_prefix("checker "))
        .and_then(|rest| number(rest.split_whitespace().next()))
        .ok_or("expected a line `checker NNN KiB`, the model checker module's budget in KiB")?;
    Ok(Budget { page, checker })
}

/// The gzipped sizes of `dist/`'s wasm, JavaScript and CSS: the report,
/// and the totals in bytes of the page and of the checker's module.
#[derive(Clone, Debug)]
pub struct Bundle {
    pub report: String,
    pub page: u64,
    pub checker: u64,
}

/// Gzip (`-9`) every shipped wasm, JavaScript and CSS file in `dist`.
pub fn bundle_size(dist: &Path) -> Result<Bundle, String> {
    let mut files = Vec::new();
    collect(dist, &mut files).map_err(|e| format!("cannot list {}: {e}", dist.display()))?;
    files.retain(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("wasm" | "js" | "css")));
    files.sort();
    if files.is_empty() {
        return Err(format!("no .wasm, .js or .css files in {}", dist.display()));
    }
    let mut report = String::from("bundle (gzip -9):\n");
    let (mut raw, mut bundle) = ([0u64; 2], Bundle { report: String::new(), page: 0, checker: 0 });
    for file in &files {
        let name = file.strip_prefix(dist).unwrap_or(file);
        let checker = CHECKER_FILES.iter().any(|f| name == Path::new(f));
        let size = std::fs::metadata(file).map_err(|e| e.to_string())?.len();
        let gz = gzipped_len(file)?;
        raw[usize::from(checker)] += size;
        *(if checker { &mut bundle.checker } else { &mut bundle.page }) += gz;
        let part = if checker { "checker" } else { "page" };
        report += &format!("  {:<48} {part:<8} {size:>9} bytes  {gz:>8} gzipped\n", name.display());
    }
    report += &format!(
        "  total wasm+js+css: {:.1} KiB gzipped ({:.1} KiB raw) for the page, \
         {:.1} KiB gzipped ({:.1} KiB raw) for the model checker's module",
        kib(bundle.page),
        kib(raw[0]),
        kib(bundle.checker),
        kib(raw[1])
    );
    bundle.report = report;
    Ok(bundle)
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
    fn the_budgets_are_the_first_number_and_the_checker_line() {
        let b = parse_budget("# KiB of gzipped wasm+js+css\n\n480 KiB\n# the worker\nchecker 330 KiB\n").unwrap();
        assert_eq!(b, Budget { page: 480.0, checker: 330.0 });
        assert!(parse_budget("# only a comment\n").unwrap_err().contains("first line"));
        assert!(parse_budget("lots\nchecker 3\n").unwrap_err().contains("first line"));
        assert!(parse_budget("0\nchecker 3\n").unwrap_err().contains("first line"));
        assert!(parse_budget("480 KiB\n").unwrap_err().contains("checker NNN KiB"));
        assert!(parse_budget("480 KiB\nchecker none\n").unwrap_err().contains("checker NNN KiB"));
    }

    #[test]
    fn each_part_is_judged_against_its_own_budget() {
        let budget = Budget { page: 10.0, checker: 5.0 };
        let bundle =
            |page: u64, checker: u64| Bundle { report: String::new(), page: page * 1024, checker: checker * 1024 };
        let ok = budget.judge(&bundle(10, 5)).unwrap();
        assert!(ok.starts_with("10.0 KiB gzipped wasm+js+css, budget 10 KiB; checker module 5.0 KiB"), "{ok}");
        let over = budget.judge(&bundle(11, 5)).unwrap_err();
        assert!(over.starts_with("the page is 11.0 KiB") && !over.contains("checker"), "{over}");
        let over = budget.judge(&bundle(10, 6)).unwrap_err();
        assert!(over.starts_with("the model checker's module is 6.0 KiB"), "{over}");
        assert_eq!(budget.judge(&bundle(12, 7)).unwrap_err().matches("over its budget").count(), 2);
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
