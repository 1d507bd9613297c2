//! Fuzzing the command line: random arguments from the flags' vocabulary
//! and values near the valid ones (huge numbers, negative ones, ranges the
//! wrong way round, unknown algorithms and options, missing files). The
//! parser never panics, and whatever it refuses names the flag. `cargo
//! xtask fuzz` runs it with `FUZZ_CASES=1000000`; the test run with a slice.

use clap::Parser;
use cli::args::{Cli, Command};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    let cases = std::env::var("FUZZ_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(2_000);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

const FLAGS: &[&str] = &[
    "--algo",
    "--nodes",
    "--seed",
    "--steps",
    "--drop",
    "--dup",
    "--latency",
    "--set",
    "--actions",
    "--trace",
    "--run-file",
    "--help",
    "--bogus",
];

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,12}",
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        (0u32..12).prop_map(|n| n.to_string()),
        (-1.0f64..2.0).prop_map(|p| p.to_string()),
        (0u64..70_000, 0u64..70_000).prop_map(|(a, b)| format!("{a}..{b}")),
        prop::sample::select(lab::ALGOS.iter().map(|i| i.name).collect::<Vec<_>>()).prop_map(str::to_string),
        prop::sample::select(vec!["heartbeat_ms", "ttl_ms", "bug", "vnodes", "roles", "nope"])
            .prop_flat_map(|name| ".{0,8}".prop_map(move |v| format!("{name}={v}"))),
        Just("/nonexistent/file.json".to_string()),
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn flags_are_read_or_refused_by_name(args in prop::collection::vec(prop_oneof![prop::sample::select(FLAGS).prop_map(str::to_string), value()], 0..10)) {
        let mut argv = vec!["cli".to_string(), "run".to_string()];
        // Never write (a random --trace path must not create files), never
        // wait for standard input (`-`), never print the help.
        let args: Vec<String> = args.into_iter().filter(|a| !matches!(a.as_str(), "--trace" | "--help" | "-")).collect();
        argv.extend(args);
        match Cli::try_parse_from(&argv) {
            Ok(cli) => {
                let Command::Run(run) = cli.command else { return Ok(()) };
                if let Err(e) = run.input() {
                    prop_assert!(e.flag.starts_with("--"), "{e} for {argv:?}");
                    prop_assert!(!e.message.is_empty());
                }
            }
            // clap's own refusal: it names the argument, or says what is missing.
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }
}
