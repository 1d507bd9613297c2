//! Running commands: where the repository is, PATH, output, failures.

use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The repository root (this crate lives in `crates/xtask`).
pub fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.ancestors().nth(2).expect("crates/xtask sits two levels below the root").to_path_buf()
}

/// Where `cargo install` puts binaries.
pub fn cargo_bin_dir() -> PathBuf {
    match std::env::var_os("CARGO_HOME") {
        Some(home) => PathBuf::from(home).join("bin"),
        None => PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cargo").join("bin"),
    }
}

/// Put `node_modules/.bin` (wasm-opt from npm's binaryen) and cargo's bin
/// directory (trunk, wasm-bindgen) first on PATH, for this process and every
/// command it starts, so trunk finds the pinned tools and never downloads.
pub fn prepare_path() {
    let mut dirs = vec![root().join("node_modules").join(".bin"), cargo_bin_dir()];
    dirs.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()));
    let path = std::env::join_paths(dirs).expect("PATH entries contain no separator");
    std::env::set_var("PATH", path);
}

/// A command to run.
pub fn cmd(program: &str) -> Command {
    Command::new(program)
}

/// The cargo that runs us, so nested builds use the same toolchain.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo")))
}

/// Print a step's heading.
pub fn announce(step: &str, what: &str) {
    println!("xtask: [{step}] {what}");
}

/// Print the result of a step.
pub fn note(step: &str, what: &str) {
    println!("xtask: [{step}] {what}");
}

/// The command line, with the program by its name (`cargo`, not the
/// toolchain's full path).
fn describe(command: &Command) -> String {
    let program = Path::new(command.get_program());
    let mut text = program.file_name().unwrap_or(program.as_os_str()).to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

/// Run a command with inherited output; fail with its command line.
pub fn run(command: &mut Command) -> Result<(), String> {
    let status = command.status().map_err(|e| format!("cannot start `{}`: {e}", describe(command)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", describe(command)))
    }
}

/// Run a command, echoing its standard output line by line while keeping
/// the lines (test runners' summaries are read from them).
pub fn run_capturing(command: &mut Command) -> Result<Vec<String>, (String, Vec<String>)> {
    let mut child = match command.stdout(Stdio::piped()).spawn() {
        Ok(child) => child,
        Err(e) => return Err((format!("cannot start `{}`: {e}", describe(command)), Vec::new())),
    };
    let mut lines = Vec::new();
    let stdout = child.stdout.take().expect("stdout is piped");
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        println!("{line}");
        lines.push(line);
    }
    let status = child.wait().map_err(|e| (format!("waiting for `{}`: {e}", describe(command)), Vec::new()))?;
    if status.success() {
        Ok(lines)
    } else {
        Err((format!("`{}` failed ({status})", describe(command)), lines))
    }
}

/// A command's trimmed standard output, if it runs and succeeds.
pub fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).stderr(Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Whether `program` can be found on PATH.
pub fn on_path(program: &str) -> bool {
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()).any(|dir| dir.join(program).is_file())
}

/// The app's sources (written by the web crate's engineers) must exist to
/// build or serve it.
pub fn require_app_sources() -> Result<(), String> {
    for file in ["index.html", "Trunk.toml"] {
        if !root().join(file).is_file() {
            return Err(format!("{file} is missing at the repository root: the app cannot be built yet"));
        }
    }
    Ok(())
}

/// Build the command-line tool in its own profile (`cli`, optimized, as the
/// benchmarks and soaks want it) and return the binary's path.
pub fn build_cli() -> Result<PathBuf, String> {
    run(cargo().args(["build", "--profile", "cli", "-p", "cli"]).current_dir(root()))?;
    Ok(target_dir()?.join("cli").join("cli"))
}

/// The workspace's target directory, as cargo reports it (honours
/// CARGO_TARGET_DIR and cargo config).
pub fn target_dir() -> Result<PathBuf, String> {
    let out = cargo()
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .current_dir(root())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err("cargo metadata failed".into());
    }
    let json = String::from_utf8_lossy(&out.stdout);
    json_string_field(&json, "target_directory")
        .map(PathBuf::from)
        .ok_or_else(|| "cargo metadata did not report target_directory".to_string())
}

/// The value of the first `"key":"..."` string field in a JSON text.
fn json_string_field(json: &str, key: &str) -> Option<String> {
    let start = json.find(&format!("\"{key}\":\""))? + key.len() + 4;
    let mut value = String::new();
    let mut chars = json[start..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(value),
            '\\' => match chars.next()? {
                'n' => value.push('\n'),
                't' => value.push('\t'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    value.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                }
                other => value.push(other),
            },
            c => value.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_json_string_field() {
        let json = r#"{"packages":[],"target_directory":"/a \"b\"\\c\u00e9","version":1}"#;
        assert_eq!(json_string_field(json, "target_directory").unwrap(), "/a \"b\"\\cé");
        assert_eq!(json_string_field(json, "missing"), None);
    }

    #[test]
    fn root_holds_the_workspace() {
        assert!(root().join("Cargo.toml").is_file());
        assert!(root().join("crates").join("xtask").is_dir());
    }
}
