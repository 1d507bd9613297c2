//! `cargo xtask`: set up the tools, serve the app, run every test.
//!
//! ```text
//! cargo xtask setup            install what is missing (idempotent)
//! cargo xtask serve [--port P] setup, then `trunk serve`
//! cargo xtask test [--skip S]  setup, then every test stage, fail-fast
//! cargo xtask dist             setup, then `trunk build --release` and the bundle size
//! cargo xtask bench [--only P]  the benchmarks whose numbers the README quotes
//! cargo xtask frames [ARGS]    the main thread's cost of a frame, per scene
//! cargo xtask fuzz [--cases N]  every input parser, a million inputs each
//! cargo xtask soak [ARGS]      `cli soak --all` (10,000 seeds × 10,000 steps each)
//! cargo xtask monkey [ARGS]    seeded sequences of real interactions on every page
//! cargo xtask check-bench [--json] [--rounds N]  the model checker's unique states/s beside Stateright's
//! ```
//!
//! Each setup step checks a version before installing anything, so a second
//! run takes seconds. The tools and versions (README, "Two commands"): the
//! wasm32 target, trunk 0.21.14, wasm-bindgen-cli at the version in
//! Cargo.lock, npm's binaryen (wasm-opt) and playwright-core, Node.js 20 or
//! newer, Debian's Chromium. trunk runs offline (Trunk.toml), so
//! `cargo fetch --locked` comes first.
//!
//! std only: this runs before anything else is built.

mod check_bench;
mod setup;
mod shell;
mod test;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  setup              install the tools that are missing or at the wrong version:
                     rustfmt and clippy, the wasm32 target, trunk 0.21.14,
                     wasm-bindgen-cli (the version in Cargo.lock), npm packages
                     (binaryen for wasm-opt, playwright-core), Debian's chromium,
                     a check that Node.js is 20 or newer; then `cargo fetch --locked`
  serve [--port P]   setup (without the browser), then `trunk serve`
                     (http://127.0.0.1:8080/ unless --port says otherwise)
  test [--skip S]    setup, then: fmt, test, clippy, cli, trunk, size, wasm-test, e2e;
                     stops at the first failing stage. --skip (repeatable) leaves
                     a stage out, for local runs; CI runs everything
  dist               setup (without the browser), `trunk build --release`, bundle size
  bench [--only P]   the benchmarks the README quotes, in order (--only picks one):
                     criterion  `cargo bench -p cli` (one run of a million events,
                                trace MB/s) and `cargo bench -p lab` (every algorithm)
                     native     `cli bench` (first and last 100,000 events of the run)
                     browser    the same run in headless Chromium (`?sim-bench=N`),
                                with seek times and wasm memory, beside `cli bench`
  frames [ARGS]      setup, `trunk build --release`, then the main thread's ms per
                     frame and the fps of each scene in headless Chromium
                     (tests/perf/frames.mjs; ARGS: --seconds N, --scene ID, --json)
  fuzz [--cases N]   the property-based fuzzers of every edge that takes outside
                     input (links, actions, run files and traces, tours, the command
                     line, the app's boot from a query) with N inputs per parser
                     (default 1,000,000; the test run tries 2,000). Built with
                     overflow checks on, so an arithmetic overflow is a failure
  soak [ARGS]        build the CLI (profile cli), then `cli soak --all` over every
                     core: 10,000 seeds × 10,000 steps per algorithm under every
                     fault its model allows; ARGS go to `cli soak` (for instance
                     --algo raft --seeds 1000). Exit 1 on any violation
  monkey [ARGS]      setup, `trunk build --release`, the CLI (profile cli), then
                     tests/soak/monkey.mjs: on every algorithm's page, desktop,
                     phone and embedded (720x420), 20 seeded sequences of up to 60 interactions (keys,
                     buttons, menus, taps, typing, sliders, time passing), the page
                     checked after each and the run replayed by the CLI to the same
                     trace; a failure is shrunk and printed with its seed. ARGS:
                     --runs N, --actions N, --seed S, --algo A (repeatable),
                     --view desktop|phone|embed|all. Exit 1 on any failure
  check-bench [--json] [--rounds N]
                     build the CLI (profile cli) and `cli check` Paxos (2 proposers,
                     3 acceptors, depth 9 and 7) and 2PC (3 nodes, depth 9) on 1 thread and
                     every core; build Stateright's paxos and 2pc examples from the
                     crate Cargo.lock pins and run them; one table of unique states,
                     seconds, unique/s and the ratio to Stateright (and the browser's
                     rows from tests/perf/check-rate.mjs when dist/ exists)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    shell::prepare_path();
    let result = match command.as_str() {
        "setup" => no_args(rest).and_then(|()| setup::run(setup::Needs::ALL)),
        "serve" => serve(rest),
        "test" => test::run(rest),
        "dist" => no_args(rest).and_then(|()| dist()),
        "bench" => bench(rest),
        "frames" => frames(rest),
        "fuzz" => fuzz(rest),
        "soak" => soak(rest),
        "monkey" => monkey(rest),
        "check-bench" => check_bench::run(rest),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command {other:?}\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn no_args(rest: &[String]) -> Result<(), String> {
    match rest.first() {
        None => Ok(()),
        Some(arg) => Err(format!("unexpected argument {arg:?}\n\n{USAGE}")),
    }
}

fn serve(rest: &[String]) -> Result<(), String> {
    let mut trunk_args = vec!["serve".to_string()];
    let mut rest = rest.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--port" => {
                let port = rest.next().ok_or("--port needs a value, like --port 8080")?;
                port.parse::<u16>().map_err(|_| format!("--port: expected a port number, got {port:?}"))?;
                trunk_args.extend(["--port".to_string(), port.clone()]);
            }
            other => return Err(format!("serve: unexpected argument {other:?}; usage: cargo xtask serve [--port P]")),
        }
    }
    setup::run(setup::Needs::APP)?;
    shell::require_app_sources()?;
    shell::announce("serve", &format!("trunk {}", trunk_args.join(" ")));
    shell::run(shell::cmd("trunk").args(&trunk_args).current_dir(shell::root()))
}

/// Set up what `needs` says, then `trunk build --release` into dist/.
fn build_dist(needs: setup::Needs) -> Result<(), String> {
    setup::run(needs)?;
    shell::require_app_sources()?;
    shell::run(shell::cmd("trunk").args(["build", "--release"]).current_dir(shell::root()))
}

fn dist() -> Result<(), String> {
    build_dist(setup::Needs::APP)?;
    let bundle = test::bundle_size(&shell::root().join("dist"))?;
    println!("{}", bundle.report);
    let budget = test::read_budget(&shell::root().join(test::BUDGET_FILE))?;
    println!("  budgets: page {} KiB, checker module {} KiB ({})", budget.page, budget.checker, test::BUDGET_FILE);
    Ok(())
}

/// The fuzz tests with `cases` inputs per property (`FUZZ_CASES`), in the
/// test profile: optimized, with overflow checks.
fn fuzz(rest: &[String]) -> Result<(), String> {
    let cases = match rest {
        [] => 1_000_000,
        [flag, n] if flag == "--cases" => {
            n.parse::<u64>().ok().filter(|&n| n > 0).ok_or(format!("--cases: expected a positive number, got {n:?}"))?
        }
        _ => return Err(format!("fuzz: unexpected arguments {rest:?}; usage: cargo xtask fuzz [--cases N]")),
    };
    let root = shell::root();
    shell::announce("fuzz", &format!("{cases} inputs per parser"));
    let cases = cases.to_string();
    // The lab's and the CLI's fuzzers are the `fuzz` module of their
    // integration tests; the web crate's are unit tests named `fuzz`.
    for (package, target, filter) in
        [("lab", Some("--test=it"), "fuzz::"), ("cli", Some("--test=it"), "fuzz::"), ("web", None, "fuzz")]
    {
        let mut cargo = shell::cargo();
        cargo.args(["test", "-p", package]).args(target).args(["--", filter]);
        shell::run(cargo.env("FUZZ_CASES", &cases).current_dir(&root))?;
    }
    Ok(())
}

/// Build dist/, then measure a frame's main-thread cost per scene in
/// headless Chromium (`tests/perf/frames.mjs`; its arguments pass through).
fn frames(rest: &[String]) -> Result<(), String> {
    build_dist(setup::Needs::ALL)?;
    shell::announce("frames", "main-thread ms per frame, headless Chromium, 1280x800");
    page_script("tests/perf/frames.mjs", rest, None)
}

fn monkey(rest: &[String]) -> Result<(), String> {
    build_dist(setup::Needs::ALL)?;
    let cli = shell::build_cli()?;
    shell::announce("monkey", "seeded interactions on every page, headless Chromium");
    page_script("tests/soak/monkey.mjs", rest, Some(cli))
}

/// Run a Node script that drives the built app (dist/) in headless
/// Chromium, its arguments passed through, and the CLI's binary if it
/// replays runs.
fn page_script(script: &str, rest: &[String], cli: Option<std::path::PathBuf>) -> Result<(), String> {
    let root = shell::root();
    let mut node = std::process::Command::new("node");
    node.arg(root.join(script)).args(rest).env("CLUSTERSCOPE_DIST", root.join("dist")).current_dir(&root);
    if let Some(cli) = cli {
        node.env("CLUSTERSCOPE_CLI", cli);
    }
    shell::run(&mut node)
}

fn bench(rest: &[String]) -> Result<(), String> {
    const PARTS: [&str; 3] = ["criterion", "native", "browser"];
    let only = match rest {
        [] => None,
        [flag, part] if flag == "--only" && PARTS.contains(&part.as_str()) => Some(part.as_str()),
        _ => return Err(format!("bench: expected nothing or --only {}, got {rest:?}", PARTS.join("|"))),
    };
    let wanted = |part: &str| only.is_none_or(|o| o == part);
    let root = shell::root();
    if wanted("criterion") {
        shell::announce("bench", "criterion: cargo bench -p cli, cargo bench -p lab");
        shell::run(shell::cargo().args(["bench", "-p", "cli"]).current_dir(&root))?;
        shell::run(shell::cargo().args(["bench", "-p", "lab"]).current_dir(&root))?;
    }
    if !wanted("native") && !wanted("browser") {
        return Ok(());
    }
    let cli = shell::build_cli()?;
    if wanted("native") {
        shell::announce("bench", "native: cli bench");
        shell::run(shell::cmd(&cli.to_string_lossy()).arg("bench").current_dir(&root))?;
    }
    if wanted("browser") {
        build_dist(setup::Needs::ALL)?;
        shell::announce("bench", "browser: ?sim-bench in headless Chromium, beside cli bench");
        shell::run(
            shell::cmd("node")
                .arg("tests/bench/sim.mjs")
                .env("CLUSTERSCOPE_DIST", root.join("dist"))
                .env("CLUSTERSCOPE_CLI", &cli)
                .current_dir(&root),
        )?;
    }
    Ok(())
}

/// The full soak: `cli soak --all` by default, or `cli soak ARGS`.
fn soak(rest: &[String]) -> Result<(), String> {
    let root = shell::root();
    let cli = shell::build_cli()?;
    let args: Vec<String> = if rest.is_empty() { vec!["--all".to_string()] } else { rest.to_vec() };
    shell::announce("soak", &format!("cli soak {}", args.join(" ")));
    shell::run(shell::cmd(&cli.to_string_lossy()).arg("soak").args(&args).current_dir(&root))
}
