//! The `nanomq` binary: parses arguments, loads the configuration, sets up logging and the
//! runtime, runs the broker until SIGINT/SIGTERM or `ctrl/stop`.

mod args;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use nanomq::config::{self, Overrides};
use nanomq::server::Control;
use shared_types::config::Config;
use tracing::{info, warn};
use tracing_subscriber::EnvFilter;

use args::{Args, Command, StartArgs};

fn main() -> ExitCode {
    let args = Args::parse();
    match args.command {
        Command::Start(start) => run(start),
        Command::DefaultConfig => {
            say(config::DEFAULT_CONFIG_TEXT.trim_end());
            ExitCode::SUCCESS
        }
        Command::Check { conf, file } => check(conf.or(file).unwrap_or_default()),
        Command::Man { dir } => man(dir),
    }
}

/// `nanomq man`: the man page clap_mangen makes of the arguments, printed, or every page
/// written into `dir`.
fn man(dir: Option<std::path::PathBuf>) -> ExitCode {
    use clap::CommandFactory;
    let command = Args::command();
    let written = match dir {
        Some(dir) => clap_mangen::generate_to(command, &dir),
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(command)
                .render(&mut page)
                .and_then(|()| std::io::stdout().lock().write_all(&page))
        }
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            complain(&format!("cannot write the man page: {e}"));
            ExitCode::from(1)
        }
    }
}

/// `nanomq check`: what `start` would check before it serves (the file parses and
/// validates; its password, ACL, TLS and JWT files load, the TLS key matches its certificate;
/// its ports are free; its store can be opened), and the warnings `start` would log are
/// logged (to stderr).
fn check(path: std::path::PathBuf) -> ExitCode {
    let config = match config::load(&path) {
        Ok(config) => config,
        Err(e) => {
            complain(&format!("invalid configuration: {e}"));
            return ExitCode::from(2);
        }
    };
    let mut quiet = config.clone();
    quiet.log.level = shared_types::config::LogLevel::Warn;
    quiet.log.to = vec![shared_types::config::LogTarget::Console];
    init_logging(&quiet);
    if let Err(e) = nanomq::preflight::check(&config) {
        complain(&format!("{}: {e}", path.display()));
        return ExitCode::from(2);
    }
    for warning in nanomq::http::startup_warnings(&config) {
        warn!("{warning}");
    }
    say(&format!("{}: ok", path.display()));
    ExitCode::SUCCESS
}

fn run(start: StartArgs) -> ExitCode {
    let path = config::resolve_path(start.conf);
    let loaded = match &path {
        Some(path) => config::load(path).map_err(|e| e.to_string()),
        None => Ok(config::embedded_default()),
    };
    let overrides = Overrides {
        url: start.url,
        http_port: start.http_port,
        log_level: start.log_level,
    };
    let config = match loaded.and_then(|c| overrides.apply(c).map_err(|e| e.to_string())) {
        Ok(config) => config,
        Err(e) => {
            complain(&format!("invalid configuration: {e}"));
            return ExitCode::from(2);
        }
    };
    init_logging(&config);
    match &path {
        Some(path) => info!(file = %path.display(), "configuration loaded"),
        None => info!("no configuration file: running on the built-in defaults"),
    }
    if config.daemon {
        warn!(
            "daemon = true is not supported: run nanomq under a service manager; staying in the foreground"
        );
    }
    // Soft limit up to the hard one: idle clients are cheap, file descriptors should not be
    // what caps them. `max_connections = 0` is derived from the result.
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => info!(limit, "open-file limit"),
        Err(e) => warn!(error = %e, "cannot raise the open-file limit"),
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(worker_threads(&config))
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            complain(&format!("cannot start the runtime: {e}"));
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(serve(config, path, overrides))
}

async fn serve(config: Config, path: Option<std::path::PathBuf>, overrides: Overrides) -> ExitCode {
    // Before anything is printed or bound: a SIGTERM that comes as soon as the addresses are
    // out (or during recovery) must find the handler in place, not the default action.
    let signals = Signals::install();
    let handle = match nanomq::start(config, path, overrides).await {
        Ok(handle) => handle,
        Err(e) => {
            complain(&format!("cannot start: {e}"));
            return ExitCode::FAILURE;
        }
    };
    if let Some(addrs) = handle.addrs() {
        say(&format!("nanomq: MQTT/TCP listening on {}", addrs.mqtt));
        let optional = [
            ("MQTT/TLS", addrs.tls),
            ("MQTT/WebSocket", addrs.ws),
            ("MQTT/WebSocket+TLS", addrs.wss),
            ("HTTP API", addrs.http),
        ];
        for (what, addr) in optional {
            if let Some(addr) = addr {
                say(&format!("nanomq: {what} listening on {addr}"));
            }
        }
    }
    let control = handle.control();
    let broker = handle.broker.clone();
    tokio::spawn(async move {
        let mut signals = signals;
        loop {
            match signals.next().await {
                Signal::Stop => {
                    info!("signal received, shutting down");
                    control.request(Control::Stop);
                    return;
                }
                Signal::Reload => {
                    info!("SIGHUP received, reloading the configuration");
                    if let Err(reason) = nanomq::reload::reload(&broker, &control).await {
                        warn!(%reason, "not reloaded; the running configuration stays");
                    }
                }
            }
        }
    });
    handle.stopped().await;
    ExitCode::SUCCESS
}

/// What a signal asks for.
enum Signal {
    /// SIGINT or SIGTERM.
    Stop,
    /// SIGHUP: re-read the configuration file and apply it live.
    Reload,
}

/// SIGINT, SIGTERM and SIGHUP, caught from the moment [`Signals::install`] returns.
struct Signals {
    int: Option<tokio::signal::unix::Signal>,
    term: Option<tokio::signal::unix::Signal>,
    hup: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    fn install() -> Signals {
        use tokio::signal::unix::{SignalKind, signal};
        Signals {
            int: signal(SignalKind::interrupt()).ok(),
            term: signal(SignalKind::terminate()).ok(),
            hup: signal(SignalKind::hangup()).ok(),
        }
    }

    /// The next signal (never, for one that could not be caught).
    async fn next(&mut self) -> Signal {
        async fn one(signal: &mut Option<tokio::signal::unix::Signal>) {
            match signal {
                Some(signal) => {
                    if signal.recv().await.is_none() {
                        std::future::pending::<()>().await;
                    }
                }
                None => std::future::pending().await,
            }
        }
        tokio::select! {
            () = one(&mut self.int) => Signal::Stop,
            () = one(&mut self.term) => Signal::Stop,
            () = one(&mut self.hup) => Signal::Reload,
        }
    }
}

/// Writes a line to stdout. Whoever reads it may be gone (`nanomq start | head -1`): that is
/// no reason to stop, so the error is ignored (`println!` would panic).
fn say(line: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// Writes an error line to stderr, ignoring a reader that is gone (see [`say`]).
fn complain(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "nanomq: {line}");
}

fn init_logging(config: &Config) {
    use shared_types::config::{LogFormat, LogTarget};
    use tracing_subscriber::Layer;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;

    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(config.log.level.as_str()));
    // The filter can be replaced at run time (`log.level` on reload).
    let (filter, handle) = tracing_subscriber::reload::Layer::new(filter);
    let json = config.log.format == LogFormat::Json;
    let file = if config.log.to.contains(&LogTarget::File) {
        let max = config.log.rotation.size_bytes().unwrap_or(10 << 20);
        match nanomq::logfile::RotatingFile::open(
            std::path::Path::new(&config.log.dir),
            &config.log.file,
            max,
            config.log.rotation.count,
        ) {
            Ok(file) => Some(file),
            Err(e) => {
                complain(&format!(
                    "cannot open the log file {}/{}: {e}; logging to the console instead",
                    config.log.dir, config.log.file
                ));
                None
            }
        }
    } else {
        None
    };
    let console = config.log.to.contains(&LogTarget::Console) || file.is_none();
    let mut outputs = Vec::new();
    if console {
        // log_internal_errors(false): a failed write is reported with `eprintln!`, which
        // panics when stderr is a closed pipe; the panicking task (the signal handler, say)
        // would die with it.
        let layer = tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()) && !json)
            .log_internal_errors(false);
        outputs.push(if json {
            layer.json().boxed()
        } else {
            layer.fmt_fields(nanomq::logline::escaped_fields()).boxed()
        });
    }
    if let Some(file) = file {
        let layer = tracing_subscriber::fmt::layer()
            .with_writer(move || file.clone())
            .with_ansi(false)
            .log_internal_errors(false);
        outputs.push(if json {
            layer.json().boxed()
        } else {
            layer.fmt_fields(nanomq::logline::escaped_fields()).boxed()
        });
    }
    tracing_subscriber::registry()
        .with(filter)
        .with(outputs)
        .init();
    nanomq::reload::set_log_level_hook(Box::new(move |level| {
        let filter = EnvFilter::try_new(level).map_err(|e| e.to_string())?;
        handle.reload(filter).map_err(|e| e.to_string())
    }));
}

/// `num_taskq_thread` (0 = the number of CPUs), clamped to `max_taskq_thread` and to the CPUs
/// this process may run on (its affinity mask, as `taskset` or a container sets it): a worker
/// thread beyond those only time-slices a core with another one, which adds a scheduler
/// quantum to the latency of whatever it holds (the default of 4 on one pinned core did).
fn worker_threads(config: &Config) -> usize {
    let cpus = std::thread::available_parallelism().map_or(1, usize::from);
    let wanted = match config.num_taskq_thread {
        0 => cpus,
        n => n as usize,
    };
    let max = (config.max_taskq_thread as usize).max(1);
    if wanted > max {
        warn!(
            num_taskq_thread = wanted,
            max_taskq_thread = max,
            "worker threads clamped to max_taskq_thread"
        );
    }
    let threads = wanted.clamp(1, max).min(cpus);
    if threads < wanted.min(max) {
        info!(
            num_taskq_thread = wanted,
            cpus, "worker threads capped to the CPUs this process may run on"
        );
    }
    threads
}
