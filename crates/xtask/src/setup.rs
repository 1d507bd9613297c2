//! `cargo xtask setup`: every tool the build and the tests need, each
//! installed only when it is missing or at the wrong version.

use crate::shell::{self, announce, note};
use std::path::Path;
use std::process::Command;

/// trunk's version: 0.22 needs a newer rustc than this project's.
pub const TRUNK_VERSION: &str = "0.21.14";
const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// What to set up.
#[derive(Clone, Copy, Debug)]
pub struct Needs {
    /// Debian's chromium, for the browser tests (driven by playwright-core
    /// over the DevTools protocol: no WebDriver).
    pub browser: bool,
    /// rustfmt and clippy, for the test stages.
    pub lints: bool,
}

impl Needs {
    pub const ALL: Needs = Needs { browser: true, lints: true };
    /// Building and serving the app.
    pub const APP: Needs = Needs { browser: false, lints: false };
}

pub fn run(needs: Needs) -> Result<(), String> {
    system_packages(needs)?;
    rust_components(needs)?;
    wasm_target()?;
    trunk()?;
    wasm_bindgen()?;
    npm_packages()?;
    fetch()?;
    Ok(())
}

/// Debian packages: Node.js and npm when missing, and for the tests
/// chromium. One `apt-get update`, one install. Then Node.js must be new
/// enough for playwright-core.
fn system_packages(needs: Needs) -> Result<(), String> {
    let mut missing = Vec::new();
    if !shell::on_path("node") || !shell::on_path("npm") {
        missing.extend(["nodejs", "npm"]);
    }
    if needs.browser && !Path::new("/usr/bin/chromium").is_file() {
        missing.push("chromium");
    }
    announce("apt", "Debian packages: node, npm, chromium");
    if missing.is_empty() {
        node_version()?;
        let chromium = if needs.browser {
            shell::output("/usr/bin/chromium", &["--version"]).unwrap_or_else(|| "/usr/bin/chromium".into())
        } else {
            "chromium not needed".into()
        };
        let node = shell::output("node", &["--version"]).unwrap_or_default();
        note("apt", &format!("ok: node {node}, {chromium}"));
        return Ok(());
    }
    let packages = missing.join(" ");
    let script = format!("apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y {packages}");
    let is_root = shell::output("id", &["-u"]).as_deref() == Some("0");
    let mut command = if is_root {
        let mut c = Command::new("sh");
        c.args(["-c", &script]);
        c
    } else if shell::on_path("sudo") {
        let mut c = Command::new("sudo");
        c.args(["sh", "-c", &script]);
        c
    } else {
        return Err(format!("missing Debian packages ({packages}) and not root, no sudo; run as root:\n    {script}"));
    };
    note("apt", &format!("installing {packages}"));
    shell::run(&mut command).map_err(|e| format!("{e}\n    install by hand with: {script}"))?;
    note("apt", &format!("ok: installed {packages}"));
    node_version()?;
    Ok(())
}

/// The oldest Node.js playwright-core runs on (its `engines` field).
const NODE_MAJOR: u32 = 20;

/// Node.js must be new enough for playwright-core; say which it is when not.
fn node_version() -> Result<(), String> {
    let version = shell::output("node", &["--version"]).unwrap_or_default();
    match parse_node_major(&version) {
        Some(major) if major >= NODE_MAJOR => Ok(()),
        _ => Err(format!(
            "Node.js {version:?} is too old or missing: playwright-core needs {NODE_MAJOR} or newer \
             (Debian 13's nodejs package is 20; Debian 12's is 18). Install Node.js {NODE_MAJOR}+ and run again"
        )),
    }
}

/// `v20.19.2` → 20.
fn parse_node_major(version: &str) -> Option<u32> {
    version.trim().strip_prefix('v')?.split('.').next()?.parse().ok()
}

fn rustup_installed(kind: &str) -> Result<String, String> {
    shell::output("rustup", &[kind, "list", "--installed"])
        .ok_or_else(|| "rustup is needed (https://rustup.rs) to add the wasm32 target and components".to_string())
}

fn rust_components(needs: Needs) -> Result<(), String> {
    if !needs.lints {
        return Ok(());
    }
    announce("rustup", "components rustfmt and clippy");
    let installed = rustup_installed("component")?;
    let missing: Vec<&str> = ["rustfmt", "clippy"]
        .into_iter()
        .filter(|c| !installed.lines().any(|line| line.starts_with(&format!("{c}-")) || line == *c))
        .collect();
    if missing.is_empty() {
        note("rustup", "ok: rustfmt and clippy already installed");
        return Ok(());
    }
    let mut command = Command::new("rustup");
    command.args(["component", "add"]).args(&missing);
    shell::run(&mut command)?;
    note("rustup", &format!("ok: added {}", missing.join(", ")));
    Ok(())
}

fn wasm_target() -> Result<(), String> {
    announce("target", WASM_TARGET);
    if rustup_installed("target")?.lines().any(|line| line.trim() == WASM_TARGET) {
        note("target", "ok: already installed");
        return Ok(());
    }
    shell::run(Command::new("rustup").args(["target", "add", WASM_TARGET]))?;
    note("target", "ok: added");
    Ok(())
}

/// The version a tool prints, like `trunk 0.21.14` → `0.21.14`.
fn tool_version(program: &str) -> Option<String> {
    let out = shell::output(program, &["--version"])?;
    out.split_whitespace().nth(1).map(str::to_string)
}

fn trunk() -> Result<(), String> {
    announce("trunk", &format!("trunk {TRUNK_VERSION}"));
    match tool_version("trunk") {
        Some(v) if v == TRUNK_VERSION => {
            note("trunk", &format!("ok: trunk {v} already installed"));
            return Ok(());
        }
        Some(v) => note("trunk", &format!("found trunk {v}; installing {TRUNK_VERSION} (about 2 minutes on 2 cores)")),
        None => note("trunk", &format!("not found; installing {TRUNK_VERSION} (about 2 minutes on 2 cores)")),
    }
    // The fast build: no default features (trunk then never downloads
    // tools and needs no TLS stack), and none of its release profile's
    // optimization (fat LTO, one codegen unit, opt-level 3). Trunk waits on
    // cargo, wasm-bindgen and wasm-opt; its own work on this app (the page,
    // hashes, the CSS) takes no measurable time at opt-level 0, which
    // builds in 2m19s where the optimized build took 5m44s (one sitting,
    // 2026-12-05; `trunk build --release` 22.5 s with either binary, and
    // the same dist/ byte for byte).
    shell::run(
        shell::cargo()
            .args(["install", "trunk", "--version", TRUNK_VERSION, "--locked", "--no-default-features", "--force"])
            .env("CARGO_PROFILE_RELEASE_LTO", "false")
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0"),
    )?;
    verify("trunk", TRUNK_VERSION)
}

/// After installing, the tool on PATH must be the version asked for.
fn verify(program: &str, want: &str) -> Result<(), String> {
    match tool_version(program) {
        Some(v) if v == want => {
            note(program, &format!("ok: {program} {v} installed"));
            Ok(())
        }
        other => Err(format!(
            "installed {program} {want}, but `{program} --version` on PATH says {other:?}; is {} first on PATH?",
            shell::cargo_bin_dir().display()
        )),
    }
}

/// The version of `package` recorded in a Cargo.lock text.
pub fn locked_version(lock: &str, package: &str) -> Option<String> {
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == format!("name = \"{package}\"") {
            let version = lines.next()?.trim();
            return version.strip_prefix("version = \"")?.strip_suffix('"').map(str::to_string);
        }
    }
    None
}

/// The crates where wasm-bindgen spends its time on a module (a profile of
/// the unoptimized build: walrus's IR, wasmparser, the hash tables and the
/// log filter on every instruction), built optimized.
const WASM_BINDGEN_HOT: &[&str] = &[
    "walrus",
    "wasmparser",
    "wasm-encoder",
    "id-arena",
    "hashbrown",
    "log",
    "wasm-bindgen-cli-support",
    "wasm-bindgen-externref-xform",
    "wasm-bindgen-multi-value-xform",
    "wasm-bindgen-threads-xform",
    "wasm-bindgen-wasm-conventions",
    "wasm-bindgen-wasm-interpreter",
];

fn wasm_bindgen() -> Result<(), String> {
    let lock = std::fs::read_to_string(shell::root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let Some(want) = locked_version(&lock, "wasm-bindgen") else {
        announce("wasm-bindgen", "wasm-bindgen-cli");
        note("wasm-bindgen", "skipped: Cargo.lock has no wasm-bindgen yet (the web crate does not use it)");
        return Ok(());
    };
    announce("wasm-bindgen", &format!("wasm-bindgen-cli {want} (the version in Cargo.lock)"));
    match tool_version("wasm-bindgen") {
        Some(v) if v == want => {
            note("wasm-bindgen", &format!("ok: wasm-bindgen {v} already installed"));
            return Ok(());
        }
        Some(v) => note("wasm-bindgen", &format!("found {v}; installing {want} (about a minute)")),
        None => note("wasm-bindgen", &format!("not found; installing {want} (about a minute)")),
    }
    // Locked to the crate's own lock file where the registry still has
    // every release it pins. 0.2.130's pins webpki-roots 1.0.11, which the
    // registry does not offer (`failed to select a version`): then the
    // newest compatible releases are used instead, and the note says so.
    let install = |locked: bool| {
        let mut c = shell::cargo();
        c.args(["install", "wasm-bindgen-cli", "--version", &want, "--force"]);
        // Unoptimized but for the crates that do its work on a module
        // (reading, rewriting and writing it): 1m18s to build instead of
        // 2m27s, and 0.42 s instead of 0.39 on the app's wasm (all at
        // opt-level 0: 50 s to build, 1.8 s per run, paid on every build).
        c.env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0");
        for package in WASM_BINDGEN_HOT {
            c.args(["--config", &format!("profile.release.package.{package}.opt-level=1")]);
        }
        if locked {
            c.arg("--locked");
        }
        shell::run(&mut c)
    };
    if let Err(e) = install(true) {
        note("wasm-bindgen", &format!("--locked failed ({e}); installing with the newest compatible dependencies"));
        install(false)?;
    }
    verify("wasm-bindgen", &want)
}

/// `npm ci` when node_modules is missing or package-lock.json changed since
/// the last install (a copy of the lock file is kept in node_modules).
fn npm_packages() -> Result<(), String> {
    let root = shell::root();
    announce(
        "npm",
        "package.json: binaryen (wasm-opt), terser and csso (minify), playwright-core, axe-core, ajv, edn-data",
    );
    if !root.join("package.json").is_file() {
        note("npm", "skipped: no package.json");
        return Ok(());
    }
    let lock_path = root.join("package-lock.json");
    let lock = std::fs::read(&lock_path).ok();
    let stamp = root.join("node_modules").join(".xtask-package-lock.json");
    if let Some(lock) = &lock {
        if std::fs::read(&stamp).ok().as_ref() == Some(lock) && root.join("node_modules/.bin/wasm-opt").exists() {
            note("npm", "ok: node_modules matches package-lock.json");
            return Ok(());
        }
    }
    let verb = if lock.is_some() { "ci" } else { "install" };
    shell::run(
        Command::new("npm")
            .args([verb, "--no-audit", "--no-fund"])
            .current_dir(&root)
            // playwright-core never downloads a browser; say so to any
            // package that might.
            .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"),
    )?;
    if let Ok(lock) = std::fs::read(&lock_path) {
        std::fs::write(&stamp, lock).map_err(|e| format!("cannot write {}: {e}", stamp.display()))?;
    }
    let wasm_opt = shell::output("wasm-opt", &["--version"]).unwrap_or_else(|| "wasm-opt not found".into());
    note("npm", &format!("ok: npm {verb} done; {wasm_opt}"));
    Ok(())
}

/// trunk builds offline, so every crate must be in cargo's cache first.
fn fetch() -> Result<(), String> {
    announce("fetch", "cargo fetch --locked");
    shell::run(shell::cargo().args(["fetch", "--locked"]).current_dir(shell::root()))?;
    note("fetch", "ok: every crate in Cargo.lock is available offline");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_major_versions_are_read() {
        assert_eq!(parse_node_major("v20.19.2\n"), Some(20));
        assert_eq!(parse_node_major("v18.19.0"), Some(18));
        assert_eq!(parse_node_major(""), None);
        assert_eq!(parse_node_major("20.1"), None);
    }

    #[test]
    fn reads_versions_from_cargo_lock() {
        let lock = "[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\nsource = \"registry\"\n\n\
                    [[package]]\nname = \"wasm-bindgen-backend\"\nversion = \"0.2.130\"\n";
        assert_eq!(locked_version(lock, "wasm-bindgen").as_deref(), Some("0.2.130"));
        assert_eq!(locked_version(lock, "wasm"), None);
        assert_eq!(locked_version(lock, "yew"), None);
    }
}
