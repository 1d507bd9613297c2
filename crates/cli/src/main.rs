//! `cli`: run Clusterscope scenarios from the command line. See `cli --help`
//! and the crate docs of the `cli` library for the design.

use clap::Parser;
use cli::args::{BenchArgs, Cli, Command, InputError, Output, RunArgs};
use cli::report::{summary, Tally, Verdict, Written};
use cli::{scenario, Exit};
use lab::decimal::thousands;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

/// mimalloc rather than the system's allocator. `cli check` keeps tens of
/// thousands of worlds of a few kilobytes each; glibc's malloc grows its
/// heap a 4 KiB page at a time, and faulting those pages in took a tenth
/// of the search's time (16,300 faults for 2PC at depth 9, 39,900 for
/// Paxos), where mimalloc maps its segments in large pages (about 300
/// faults) and allocates faster: 2PC -16%, Paxos -10% task-clock, one
/// thread. The simulator's loop (`cli bench`) gains 8 to 15% as well. The
/// app keeps its own allocator (Talc, in the web crate).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    quiet_on_closed_pipe();
    match Cli::parse().command {
        Command::Run(args) => run(&args).into(),
        Command::Algos => {
            print!("{}", algos());
            ExitCode::SUCCESS
        }
        Command::Bench(args) => bench(&args).into(),
        Command::Ring(args) => cli::ring::run(&args).into(),
        Command::Soak(args) => cli::soak::run(&args).into(),
        Command::Check(args) => cli::check::run(&args).into(),
    }
}

/// `cli run --trace - | head` closes the pipe early: end quietly, as other
/// command-line tools do, rather than panic on the next `println!` (Rust
/// ignores SIGPIPE, so every write after it fails and `print!` panics).
fn quiet_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: resetting a signal's disposition to its default, once, before
    // any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn bad_input(e: InputError) -> Exit {
    eprintln!("error: {e}\n\nFor more information, try 'cli run --help'.");
    Exit::BadInput
}

/// Where the trace or an export goes: a file, or standard output for `-`.
enum Sink {
    File(BufWriter<File>),
    Stdout(BufWriter<io::StdoutLock<'static>>),
}

impl Sink {
    /// Open before running, so a bad path fails at once, not after a long run.
    fn open(flag: &'static str, path: &Path) -> Result<Self, InputError> {
        if path == Path::new("-") {
            return Ok(Sink::Stdout(BufWriter::new(io::stdout().lock())));
        }
        File::create(path)
            .map(|f| Sink::File(BufWriter::new(f)))
            .map_err(|e| InputError::new(flag, format!("cannot create {}: {e}", path.display())))
    }

    fn writer(&mut self) -> &mut dyn Write {
        match self {
            Sink::File(w) => w,
            Sink::Stdout(w) => w,
        }
    }
}

/// Counts the bytes written through it.
struct Counting<'a> {
    inner: &'a mut dyn Write,
    bytes: u64,
}

impl Write for Counting<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn run(args: &RunArgs) -> Exit {
    let (setup, until) = match args.input() {
        Ok(input) => input,
        Err(e) => return bad_input(e),
    };
    let mut session = match lab::open(&setup) {
        Ok(session) => session,
        Err(e) => return bad_input(InputError::new("a flag", e.to_string())),
    };
    if args.edn.is_some() && session.client_ops().is_empty() {
        return bad_input(InputError::new("--edn", no_clients(session.algo())));
    }
    let mut sinks = Vec::new();
    for (output, path) in args.outputs() {
        match Sink::open(output.flag(), path) {
            Ok(sink) => sinks.push((output, path, sink)),
            Err(e) => return bad_input(e),
        }
    }

    let tally = Tally::run(&mut *session, until.steps());

    let mut written = Vec::new();
    for (output, path, sink) in &mut sinks {
        let mut out = Counting { inner: sink.writer(), bytes: 0 };
        // The trace is exactly the bytes the app's traceText() gives: nothing added.
        let result = match *output {
            Output::Trace => session.write_trace(&mut out),
            Output::Export(format) => session.write_export(format, &mut out),
        };
        if let Err(e) = result.and_then(|()| out.flush()) {
            eprintln!("error: writing the {} to {} failed: {e}", output.name(), path.display());
            return Exit::Io;
        }
        let path = if *path == Path::new("-") { "standard output".to_string() } else { path.display().to_string() };
        written.push(Written { what: output.name(), path, bytes: out.bytes });
    }

    let text = summary(&*session, until, &tally, &written);
    // With an output on standard output, the summary goes to standard error.
    let printed = if sinks.iter().any(|(_, _, sink)| matches!(sink, Sink::Stdout(_))) {
        io::stderr().write_all(text.as_bytes())
    } else {
        io::stdout().write_all(text.as_bytes())
    };
    if let Err(e) = printed {
        if e.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("error: printing the summary failed: {e}");
            return Exit::Io;
        }
    }

    let verdict = Verdict::of(&*session, until);
    for line in &verdict.problems {
        eprintln!("{line}");
    }
    verdict.exit
}

/// Why `algo` has no EDN history, naming the algorithms that have one.
fn no_clients(algo: &str) -> String {
    let with_clients: Vec<&str> = lab::ALGOS
        .iter()
        .filter(|info| lab::open(&lab::Setup::new(info.algo)).is_ok_and(|s| !s.client_ops().is_empty()))
        .map(|info| info.name)
        .collect();
    format!(
        "{algo} has no clients; an EDN history is for the algorithms whose clients report operations: {}",
        with_clients.join(", ")
    )
}

/// The `cli algos` listing.
fn algos() -> String {
    let mut s = String::new();
    let name_width = lab::ALGOS.iter().map(|i| i.name.len()).max().unwrap_or(0);
    let indent = " ".repeat(name_width + 1);
    for info in lab::ALGOS {
        s += &format!(
            "{:<name_width$} {} — nodes {}..={} (default {})\n",
            info.name, info.title, info.min_nodes, info.max_nodes, info.default_nodes
        );
        s += &format!("{indent}safety properties: {}\n", info.properties.join(", "));
        if !info.options.is_empty() {
            s += &format!("{indent}options (--set NAME=VALUE, default shown):\n");
            let width = info.options.iter().map(|o| o.name.len() + 1 + o.default.len()).max().unwrap_or(0);
            for o in info.options {
                let setting = format!("{}={}", o.name, o.default);
                s += &format!("{indent}  {setting:<width$}  {}\n", o.help);
            }
        }
        if !info.bugs.is_empty() {
            s += &format!("{indent}bugs, deliberately broken variants (--set bug=NAME; not in the app's menus):\n");
            let width = info.bugs.iter().map(|b| b.name.len()).max().unwrap_or(0);
            for b in info.bugs {
                s += &format!("{indent}  {:<width$}  breaks {}: {}\n", b.name, b.breaks, b.what);
                // The smallest check that finds it from the start, if one does.
                if let Some(recipe) = lab::recipes::find(info.algo, b.name) {
                    s += &format!("{indent}  {:<width$}  found by: {}\n", "", recipe.command());
                }
            }
        }
    }
    s += "\nnetwork modes, for every algorithm (--network MODE, &network=MODE in a link):\n";
    for n in sim::Network::ALL {
        s += &format!("  {:<13}  {}\n", n.name(), n.help());
    }
    s
}

fn bench(args: &BenchArgs) -> Exit {
    let max = lab::Algo::Raft.info().max_nodes;
    if let Some(bad) = args.nodes.iter().find(|&&n| n == 0 || n > max) {
        return bad_input(InputError::new("--nodes", format!("must be between 1 and {max}, got {bad}")));
    }
    println!(
        "scenario: raft, drop 0.05, dup 0.01, latency 10..40 ms; per {} steps: a partition, heal, \
         a leader crash and restart; a client request every {} steps",
        scenario::CYCLE,
        scenario::REQUEST_EVERY
    );
    for &nodes in &args.nodes {
        let clock = Instant::now();
        let cpu_start = cpu_seconds();
        let long = scenario::long_run(
            nodes,
            args.seed,
            args.steps,
            args.window,
            &|| clock.elapsed().as_secs_f64(),
            u64::MAX,
            &mut |_: &dyn sim::Session| {},
        );
        let cpu = cpu_start
            .zip(cpu_seconds())
            .map(|(a, b)| b - a)
            .filter(|&c| c > 0.0)
            .map(|c| {
                format!(" ({c:.2} s on the CPU: {} events per CPU-second)", thousands((long.steps as f64 / c) as u64))
            })
            .unwrap_or_default();
        println!(
            "raft {nodes} nodes: {} events in one run, {:.2} s = {} events/s{cpu}",
            thousands(long.steps),
            long.seconds,
            thousands((long.steps as f64 / long.seconds) as u64)
        );
        let (first, last) = (long.first_window, long.last_window);
        println!(
            "  first {} events {} events/s, last {} {} events/s (last/first {:.2}); longest log {} entries, {} actions",
            thousands(args.window.min(long.steps)),
            thousands(first as u64),
            thousands(args.window.min(long.steps)),
            thousands(last as u64),
            last / first,
            thousands(long.longest_log),
            thousands(long.actions as u64),
        );
    }
    let nodes = args.nodes.first().copied().unwrap_or(5);
    let mut session = scenario::open(nodes, args.seed);
    scenario::drive(&mut *session, 5_000);
    let mut sink = Counting { inner: &mut io::sink(), bytes: 0 };
    let start = Instant::now();
    let mut rounds = 0;
    while start.elapsed().as_secs_f64() < 1.0 || rounds == 0 {
        if let Err(e) = session.write_trace(&mut sink) {
            eprintln!("error: writing the trace failed: {e}");
            return Exit::Io;
        }
        rounds += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "trace ({nodes} nodes, 5000 steps, {} bytes, replayed and written {rounds} times): {:.1} MB/s",
        sink.bytes / rounds,
        sink.bytes as f64 / secs / 1e6
    );
    Exit::Ok
}

/// CPU time this process has used, from /proc/self/stat (Linux; `None`
/// elsewhere). On a busy machine wall time overstates the simulator's cost;
/// CPU time does much less so. Ticks are USER_HZ, 100 on Linux.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat[stat.rfind(')')? + 1..].split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}
