//! Runs `credinet` as a child process, as an operator would, and reads what it cost: wall time and
//! peak resident memory (the kernel's `ru_maxrss` of that one child, from `wait4`), optionally
//! SIGKILLing it after a delay.

use std::fs::File;
use std::io;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    Exited(i32),
    /// Ended by this signal (9 when we killed it).
    Signalled(i32),
}

#[derive(Debug)]
pub struct Run {
    pub ended: Ended,
    pub wall: Duration,
    pub peak_rss_kib: i64,
    /// CPU time the child spent (user + system): on a machine shared with compilers, the wall time
    /// also counts the time the child waited for a core.
    pub cpu: Duration,
    /// What it printed on stdout and stderr, for a failure's message.
    pub output: String,
}

impl Run {
    pub fn succeeded(&self) -> bool {
        self.ended == Ended::Exited(0)
    }
}

/// Runs `credinet --database-url <url> <args…>` to its end, or SIGKILLs it `kill_after` after it
/// started if it is still running then.
pub fn credinet(url: &str, args: &[&str], kill_after: Option<Duration>) -> io::Result<Run> {
    credinet_with_env(url, args, &[], kill_after)
}

/// [`credinet`] with `env` added to the child's environment (e.g. `CREDINET_BACKUP_DIR`).
pub fn credinet_with_env(
    url: &str,
    args: &[&str],
    env: &[(&str, &str)],
    kill_after: Option<Duration>,
) -> io::Result<Run> {
    let mut command = Command::new(env!("CARGO_BIN_EXE_credinet"));
    command
        .arg("--database-url")
        .arg(url)
        .args(args)
        .env("RUST_LOG", "warn")
        .envs(env.iter().copied());
    measure(command, kill_after)
}

/// Runs `command` (stdin empty, stdout and stderr kept for [`Run::output`]) and measures it. The CPU
/// time counts the children it waited for too (a shell pipeline's programs), as `wait4` reports it.
pub fn measure(mut command: Command, kill_after: Option<Duration>) -> io::Result<Run> {
    let log = output_file();
    let out = File::create(&log)?;
    let err = out.try_clone()?;
    let started = Instant::now();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err))
        .spawn()?;
    if let Some(delay) = kill_after {
        std::thread::sleep(delay);
        // The child is not reaped until wait4 below, so its pid cannot name another process; if it
        // has already exited this does nothing and the status says so.
        child.kill()?;
    }
    let (status, usage) = wait4(child.id())?;
    let wall = started.elapsed();
    let output = std::fs::read_to_string(&log).unwrap_or_default();
    let _ = std::fs::remove_file(&log);
    let ended = if libc::WIFSIGNALED(status) {
        Ended::Signalled(libc::WTERMSIG(status))
    } else {
        Ended::Exited(libc::WEXITSTATUS(status))
    };
    Ok(Run {
        ended,
        wall,
        peak_rss_kib: usage.ru_maxrss,
        cpu: seconds(usage.ru_utime) + seconds(usage.ru_stime),
        output,
    })
}

fn seconds(t: libc::timeval) -> Duration {
    let secs = u64::try_from(t.tv_sec).unwrap_or(0);
    let micros = u32::try_from(t.tv_usec).unwrap_or(0);
    Duration::from_secs(secs) + Duration::from_micros(u64::from(micros))
}

fn output_file() -> PathBuf {
    std::env::temp_dir().join(format!(
        "credinet-bench-child-{}-{}.log",
        std::process::id(),
        rand::random::<u32>()
    ))
}

/// Waits for child `pid` and returns its wait status and resource usage. `std` has no way to get a
/// child's own rusage (getrusage(RUSAGE_CHILDREN) keeps the largest of every child ever waited for).
fn wait4(pid: u32) -> io::Result<(i32, libc::rusage)> {
    let pid = libc::pid_t::try_from(pid).map_err(io::Error::other)?;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain old data, for which all-zero bytes are a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: both pointers are to live locals of the right types; pid is our own child.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == pid {
            return Ok((status, usage));
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}
