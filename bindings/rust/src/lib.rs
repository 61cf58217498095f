//! nono for Rust: start programs confined by nono's kernel sandbox (Landlock
//! and seccomp, under a supervisor process), or confine the calling process,
//! through libnono's C API (`nono.h`).
//!
//! ```no_run
//! let mut sb = nono::Sandbox::new()?;
//! sb.allow(".")?.block_network()?;
//! let out = sb.run(&["make", "test"])?;
//! println!("exit {}, session {}", out.status, out.session_id);
//! print!("{}", String::from_utf8_lossy(&out.stdout));
//! # Ok::<(), nono::Error>(())
//! ```
//!
//! Every setting is one of nono's profile keys or `nono run` flags
//! ([`Sandbox::set`]`("filesystem.read", path)`), read by the same table as
//! nono's command line; a refused one is an [`Error`] with nono's message and
//! hint. Nothing touches the system until [`Sandbox::validate`],
//! [`Sandbox::spawn`] or [`Sandbox::apply_self`].
//!
//! Ownership: a [`Sandbox`] owns its `nono_sandbox` and a [`Child`] its
//! `nono_child`; each frees it when dropped. Errors are copied into [`Error`]
//! and the C error released at once. Dropping a `Child` does not stop the
//! program (as with `std::process::Child`): [`Child::wait`] or
//! [`Child::stop`] it first.

use std::error;
use std::ffi::{CStr, CString, OsStr};
use std::fmt;
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::raw::{c_char, c_int};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::io::{AsFd, AsRawFd, BorrowedFd, FromRawFd};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::ptr;
use std::thread;

mod json;
pub mod sys;

/// What a grant lets the program do with a path (a path that is a file gets
/// a file grant).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
    ReadWrite,
}

impl Access {
    fn bits(self) -> u32 {
        match self {
            Access::Read => sys::NONO_ACCESS_READ,
            Access::Write => sys::NONO_ACCESS_WRITE,
            Access::ReadWrite => sys::NONO_ACCESS_READWRITE,
        }
    }
}

/// What libnono refused: `code` is a negative errno, `message` nono's one
/// line, `hint` what to do about it (empty when there is none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub code: i32,
    pub message: String,
    pub hint: String,
}

impl Error {
    fn new(code: i32, message: impl Into<String>, hint: impl Into<String>) -> Error {
        Error {
            code,
            message: message.into(),
            hint: hint.into(),
        }
    }

    /// An error from a negative errno alone (the calls that set no nono_error).
    fn errno(rc: c_int) -> Error {
        Error::new(rc, io::Error::from_raw_os_error(-rc).to_string(), "")
    }

    /// Takes the C error (copies it, then releases it).
    unsafe fn take(rc: c_int, err: *mut sys::nono_error) -> Error {
        if err.is_null() {
            return Error::errno(rc);
        }
        let e = Error::new(
            sys::nono_error_get_code(err),
            cstr(sys::nono_error_get_message(err)),
            cstr(sys::nono_error_get_hint(err)),
        );
        sys::nono_error_release(err);
        e
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if !self.hint.is_empty() {
            write!(f, "\nhint: {}", self.hint)?;
        }
        Ok(())
    }
}

impl error::Error for Error {}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Error {
        Error::new(-e.raw_os_error().unwrap_or(EIO), e.to_string(), "")
    }
}

const EIO: c_int = 5;
const ENOMEM: c_int = 12;
const EBUSY: c_int = 16;
const EINVAL: c_int = 22;

/// A borrowed C string as an owned String (NULL is "").
unsafe fn cstr(p: *const c_char) -> String {
    if p.is_null() {
        String::new()
    } else {
        CStr::from_ptr(p).to_string_lossy().into_owned()
    }
}

fn c_string(s: &OsStr) -> Result<CString, Error> {
    CString::new(s.as_bytes()).map_err(|_| Error::new(-EINVAL, format!("{:?}: a NUL byte in an argument", s), ""))
}

/// The path made absolute against the current directory, as 'nono run'
/// reads a relative grant (not resolved: the library does that).
fn absolute(p: &Path) -> Result<PathBuf, Error> {
    if p.is_absolute() {
        Ok(p.to_path_buf())
    } else {
        Ok(std::env::current_dir()?.join(p))
    }
}

/// libnono's version ("0.1.0").
pub fn version() -> &'static str {
    // static in the library, for as long as it is loaded (for good)
    unsafe { CStr::from_ptr(sys::nono_version()) }.to_str().unwrap_or("")
}

/// What a launch may do: the grants and settings a spawned program (or the
/// calling process, with [`Sandbox::apply_self`]) gets. A new one reaches
/// the system's read-only paths and nothing of the user's. Used by one
/// thread at a time (it is `Send`, not `Sync`).
pub struct Sandbox {
    raw: *mut sys::nono_sandbox,
}

// One thread at a time, which &mut and the missing Sync give (nono.h).
unsafe impl Send for Sandbox {}

impl Sandbox {
    /// A new, empty sandbox.
    pub fn new() -> Result<Sandbox, Error> {
        let raw = unsafe { sys::nono_sandbox_create() };
        if raw.is_null() {
            return Err(Error::new(-ENOMEM, "nono_sandbox_create: out of memory", ""));
        }
        Ok(Sandbox { raw })
    }

    /// The sandbox's C handle, for calls this crate does not wrap; it stays
    /// owned by the Sandbox.
    pub fn as_raw(&self) -> *mut sys::nono_sandbox {
        self.raw
    }

    /// Runs one C call taking a `nono_error **`, turning a failure into Error.
    fn call<F>(&mut self, f: F) -> Result<&mut Sandbox, Error>
    where
        F: FnOnce(*mut sys::nono_sandbox, *mut *mut sys::nono_error) -> c_int,
    {
        let mut err: *mut sys::nono_error = ptr::null_mut();
        let rc = f(self.raw, &mut err);
        if rc < 0 {
            return Err(unsafe { Error::take(rc, err) });
        }
        Ok(self)
    }

    /// One setting by its profile key (`"filesystem.read"`,
    /// `"network.block"`, ...) or a `nono run` flag's name without the dashes
    /// (`"read"`, `"allow"`, `"block-net"`, `"no-audit"`); `value` is its
    /// argument, or `None` for a switch: `set("read", "/data")`,
    /// `set("block-net", None)`.
    pub fn set<'a, V: Into<Option<&'a str>>>(&mut self, key: &str, value: V) -> Result<&mut Sandbox, Error> {
        let key = c_string(OsStr::new(key))?;
        let value = match value.into() {
            Some(v) => Some(c_string(OsStr::new(v))?),
            None => None,
        };
        let vp = value.as_ref().map_or(ptr::null(), |v| v.as_ptr());
        self.call(|sb, err| unsafe { sys::nono_sandbox_set(sb, key.as_ptr(), vp, err) })
    }

    /// Grants `path` (made absolute against the current directory) with
    /// `access`.
    pub fn allow_access<P: AsRef<Path>>(&mut self, path: P, access: Access) -> Result<&mut Sandbox, Error> {
        let path = c_string(absolute(path.as_ref())?.as_os_str())?;
        self.call(|sb, err| unsafe { sys::nono_sandbox_allow(sb, path.as_ptr(), access.bits(), err) })
    }

    /// Read and write on `path` (`--allow`).
    pub fn allow<P: AsRef<Path>>(&mut self, path: P) -> Result<&mut Sandbox, Error> {
        self.allow_access(path, Access::ReadWrite)
    }

    /// Read only on `path` (`--read`).
    pub fn read<P: AsRef<Path>>(&mut self, path: P) -> Result<&mut Sandbox, Error> {
        self.allow_access(path, Access::Read)
    }

    /// Write only on `path` (`--write`).
    pub fn write<P: AsRef<Path>>(&mut self, path: P) -> Result<&mut Sandbox, Error> {
        self.allow_access(path, Access::Write)
    }

    /// No network at all (`--block-net`).
    pub fn block_network(&mut self) -> Result<&mut Sandbox, Error> {
        self.call(|sb, err| unsafe { sys::nono_sandbox_block_network(sb, err) })
    }

    /// Network only to `host`, through nono's proxy (`--allow-domain`).
    pub fn allow_domain(&mut self, host: &str) -> Result<&mut Sandbox, Error> {
        let host = c_string(OsStr::new(host))?;
        self.call(|sb, err| unsafe { sys::nono_sandbox_allow_domain(sb, host.as_ptr(), err) })
    }

    /// A built-in profile's name, an installed one's, or a profile file's path.
    pub fn profile<S: AsRef<OsStr>>(&mut self, name_or_path: S) -> Result<&mut Sandbox, Error> {
        let p = c_string(name_or_path.as_ref())?;
        self.call(|sb, err| unsafe { sys::nono_sandbox_use_profile(sb, p.as_ptr(), err) })
    }

    /// The rollback journal (on by default for writable grants).
    pub fn rollback(&mut self, on: bool) -> Result<&mut Sandbox, Error> {
        self.call(|sb, err| unsafe { sys::nono_sandbox_set_rollback(sb, on, err) })
    }

    /// The audit trail (on by default).
    pub fn audit(&mut self, on: bool) -> Result<&mut Sandbox, Error> {
        self.call(|sb, err| unsafe { sys::nono_sandbox_set_audit(sb, on, err) })
    }

    /// The program's working directory (default: the caller's), made
    /// absolute against the current directory.
    pub fn workdir<P: AsRef<Path>>(&mut self, dir: P) -> Result<&mut Sandbox, Error> {
        let dir = c_string(absolute(dir.as_ref())?.as_os_str())?;
        self.call(|sb, err| unsafe { sys::nono_sandbox_set_workdir(sb, dir.as_ptr(), err) })
    }

    /// nono's banner and end-of-run report on the program's standard error
    /// (off by default).
    pub fn verbose(&mut self, on: bool) -> &mut Sandbox {
        unsafe { sys::nono_sandbox_set_verbose(self.raw, on) };
        self
    }

    /// Checks everything a spawn would refuse (the policy, the profile, what
    /// this kernel can enforce); nothing runs and nothing is made on disk.
    pub fn validate(&mut self) -> Result<(), Error> {
        self.call(|sb, err| unsafe { sys::nono_sandbox_validate(sb, err) })
            .map(|_| ())
    }

    /// Starts `argv` (`argv[0]` found on PATH as `nono run` does) in the
    /// sandbox under a supervisor of its own, with the caller's standard
    /// input, output and error. Returns once the program runs, or with the
    /// reason it could not (then nothing ran).
    pub fn spawn<S: AsRef<OsStr>>(&mut self, argv: &[S]) -> Result<Child, Error> {
        self.spawn_with(argv, None, None, None)
    }

    /// As [`Sandbox::spawn`], with the program's standard input, output and
    /// error given as descriptors of the caller's, borrowed for the call
    /// (duplicated at spawn; `None`: the caller's own). Any open descriptor
    /// may be given for any of them: `file.as_fd()`, `io::stdout().as_fd()`.
    pub fn spawn_with<S: AsRef<OsStr>>(
        &mut self,
        argv: &[S],
        stdin: Option<BorrowedFd<'_>>,
        stdout: Option<BorrowedFd<'_>>,
        stderr: Option<BorrowedFd<'_>>,
    ) -> Result<Child, Error> {
        if argv.is_empty() {
            return Err(Error::new(-EINVAL, "spawn: no program given", ""));
        }
        let args = argv
            .iter()
            .map(|a| c_string(a.as_ref()))
            .collect::<Result<Vec<CString>, Error>>()?;
        let mut ptrs: Vec<*const c_char> = args.iter().map(|a| a.as_ptr()).collect();
        ptrs.push(ptr::null());
        let raw = |fd: Option<BorrowedFd<'_>>| fd.map_or(-1, |fd| fd.as_raw_fd());
        // the borrows outlive the spawn, the only use of the numbers
        unsafe { sys::nono_sandbox_set_stdio(self.raw, raw(stdin), raw(stdout), raw(stderr)) };
        let mut child: *mut sys::nono_child = ptr::null_mut();
        let mut err: *mut sys::nono_error = ptr::null_mut();
        let rc = unsafe { sys::nono_sandbox_spawn(self.raw, ptrs.as_ptr(), &mut child, &mut err) };
        // the descriptors are the caller's; the next spawn inherits again
        unsafe { sys::nono_sandbox_set_stdio(self.raw, -1, -1, -1) };
        if rc < 0 {
            return Err(unsafe { Error::take(rc, err) });
        }
        let session_id = unsafe { cstr(sys::nono_child_session_id(child)) };
        let pid = unsafe { sys::nono_child_pid(child) };
        Ok(Child {
            raw: child,
            pid,
            session_id,
            status: None,
        })
    }

    /// Runs `argv` to its end with an empty standard input, and captures its
    /// standard output and error.
    pub fn run<S: AsRef<OsStr>>(&mut self, argv: &[S]) -> Result<Output, Error> {
        self.run_with_input(argv, &[])
    }

    /// As [`Sandbox::run`], writing `input` to the program's standard input
    /// (from the calling thread, while two threads of its own read the
    /// output).
    ///
    /// A program that exits without reading all of `input` is no error. The
    /// write then fails with `EPIPE` only because SIGPIPE is ignored, as
    /// Rust's runtime sets it before `main`; a process that restored the
    /// default SIGPIPE disposition would be killed by that write instead.
    pub fn run_with_input<S: AsRef<OsStr>>(&mut self, argv: &[S], input: &[u8]) -> Result<Output, Error> {
        let (in_r, mut in_w) = pipe()?;
        let (out_r, out_w) = pipe()?;
        let (err_r, err_w) = pipe()?;
        let mut child = self.spawn_with(argv, Some(in_r.as_fd()), Some(out_w.as_fd()), Some(err_w.as_fd()))?;
        // only the program holds these now: it ends, they end
        drop((in_r, out_w, err_w));
        // a reader that could not start dropped its end: the program's
        // writes there fail, and the error is reported once it ends
        let out_t = read_in_thread("nono-stdout", out_r);
        let err_t = read_in_thread("nono-stderr", err_r);
        // a program that stops reading early is no error of ours; any
        // other failure is reported once the program is collected
        let wrote = match in_w.write_all(input) {
            Err(ref e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
            r => r,
        };
        drop(in_w);
        // the readers are joined whatever the wait gave: none outlives this
        let status = child.wait();
        let stdout = join_reader(out_t);
        let stderr = join_reader(err_t);
        let (status, stdout, stderr) = (status?, stdout?, stderr?);
        wrote?;
        Ok(Output {
            status,
            stdout,
            stderr,
            session_id: child.session_id.clone(),
        })
    }

    /// Confines the calling process itself: Landlock with the sandbox's
    /// grants and nono's seccomp hardening. It cannot be undone. There is no
    /// supervisor (no rollback journal, no audit trail: see nono.h).
    ///
    /// As root it drops the administrative capabilities `nono run` drops,
    /// and setuid or setgid modes are refused (EPERM; `openat2` gets ENOSYS),
    /// but less is mediated than under `nono run`: pathname UNIX sockets
    /// outside the grants below Landlock ABI 9, chmod, chown, utimes and
    /// xattrs outside the grants, other processes (no PID namespace:
    /// `setpriority`, `prlimit`, `sched_*`), exec checks. The comment on
    /// `nono_sandbox_apply_self` in nono.h lists it precisely.
    ///
    /// Threads: only a process with one thread may call it; with more (as
    /// under `cargo test`'s harness, or once a runtime started its workers)
    /// it is an `Err` with code `-EBUSY` and nothing is applied. The reason:
    /// Landlock confines every thread of the process only on Landlock ABI 8
    /// and later (TSYNC), before that only the calling thread and the
    /// threads it starts later, and the seccomp filter is never loaded with
    /// TSYNC, so a thread that already runs would keep every system call.
    /// Threads started after the call are confined.
    ///
    /// An `Err` with code `-ENOTRECOVERABLE` means the process is half
    /// confined (Landlock applied, the seccomp filter not): it should exit.
    /// Any other `Err` means nothing was applied.
    pub fn apply_self(&mut self) -> Result<(), Error> {
        let threads = std::fs::read_dir("/proc/self/task")
            .map_err(|e| {
                Error::new(
                    -e.raw_os_error().unwrap_or(EIO),
                    format!("apply_self: cannot count this process's threads in /proc/self/task: {}", e),
                    "mount /proc: apply_self confines only a process of one thread",
                )
            })?
            .count();
        if threads > 1 {
            return Err(Error::new(
                -EBUSY,
                format!("apply_self: this process has {} threads; it confines only a process of one", threads),
                "call it before starting threads, or confine a program started with spawn or run instead",
            ));
        }
        self.call(|sb, err| unsafe { sys::nono_sandbox_apply_self(sb, err) })
            .map(|_| ())
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        unsafe { sys::nono_sandbox_destroy(self.raw) };
    }
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox").field("raw", &self.raw).finish()
    }
}

/// A finished program: its exit status (or 128 plus the signal that killed
/// it; 125 when nono failed), what it wrote, and its session's id (for
/// `nono audit show` and `nono rollback show`, or [`changes`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    pub status: i32,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub session_id: String,
}

/// A running, supervised program. Dropping it releases the handle without
/// stopping the program.
#[derive(Debug)]
pub struct Child {
    raw: *mut sys::nono_child,
    pid: i32,
    session_id: String,
    status: Option<i32>,
}

// SAFETY: a nono_child is plain data (the supervisor's pid, a collected
// flag, the status and the session's id; libnono.c's struct nono_lib_child)
// with no tie to the thread that spawned it: any thread of the process may
// waitpid the supervisor or signal it, so the handle may move between
// threads. It is not Sync: wait writes the collected flag that signal reads,
// and &mut self / the missing Sync keep that to one thread at a time, as
// nono.h asks.
unsafe impl Send for Child {}

impl Child {
    /// The supervisor's process id.
    pub fn pid(&self) -> i32 {
        self.pid
    }

    /// The session's id: `nono audit show ID`, `nono rollback show ID`.
    pub fn session_id(&self) -> &str {
        &self.session_id
    }

    /// The exit status, once [`Child::wait`] has collected it.
    pub fn status(&self) -> Option<i32> {
        self.status
    }

    /// Waits for the program to end: its exit status, or 128 plus the signal
    /// that killed it, as `nono run` exits; 125 when the supervisor failed.
    pub fn wait(&mut self) -> Result<i32, Error> {
        if let Some(st) = self.status {
            return Ok(st);
        }
        let mut st: c_int = 0;
        let rc = unsafe { sys::nono_child_wait(self.raw, &mut st) };
        if rc < 0 {
            return Err(Error::errno(rc));
        }
        self.status = Some(st);
        Ok(st)
    }

    /// Sends `sig` to the program through its supervisor (SIGINT, SIGTERM,
    /// SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 are passed on; SIGKILL kills the
    /// supervisor, and the program with it).
    pub fn signal(&self, sig: i32) -> Result<(), Error> {
        let rc = unsafe { sys::nono_child_signal(self.raw, sig) };
        if rc < 0 {
            return Err(Error::errno(rc));
        }
        Ok(())
    }

    /// Stops the program if it still runs (SIGTERM) and waits for it.
    pub fn stop(&mut self) -> Result<i32, Error> {
        if self.status.is_none() {
            // gone already is fine: wait collects it
            let _ = self.signal(15);
        }
        self.wait()
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        unsafe { sys::nono_child_release(self.raw) };
    }
}

/// One path a session changed, from its rollback journal: `status` is
/// `created`, `modified`, `deleted`, `mode`, `replaced` or `unchanged`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub path: PathBuf,
    pub status: String,
}

/// What a session changed: asks `nono rollback show ID --json` of `$NONO`,
/// else of `nono` on PATH. A session that changed nothing has no journal and
/// gives an empty list.
pub fn changes(session_id: &str) -> Result<Vec<Change>, Error> {
    let exe = std::env::var_os("NONO")
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "nono".into());
    changes_with(Path::new(&exe), session_id)
}

/// As [`changes`], asking the `nono` binary at `nono`.
pub fn changes_with(nono: &Path, session_id: &str) -> Result<Vec<Change>, Error> {
    let out = Command::new(nono)
        .args(["rollback", "show", session_id, "--json"])
        .output()
        .map_err(|e| {
            Error::new(
                -e.raw_os_error().unwrap_or(2),
                format!("{}: {}", nono.display(), e),
                "set NONO to nono's path",
            )
        })?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        // nono's own message for a session without a journal, nothing looser
        if stderr.contains("no rollback session '") {
            return Ok(Vec::new());
        }
        let msg = stderr.lines().next().unwrap_or("nono rollback show failed").to_string();
        return Err(Error::new(-EIO, msg, ""));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let bad = |what: &str| Error::new(-EIO, format!("nono rollback show --json: {}", what), "");
    let doc = json::parse(&text).map_err(|e| bad(&e))?;
    let paths = match doc.get("paths") {
        Some(json::Value::Array(a)) => a,
        Some(_) => return Err(bad("\"paths\" is not a list")),
        None => return Ok(Vec::new()),
    };
    let mut v = Vec::with_capacity(paths.len());
    for p in paths {
        match (
            p.get("path").and_then(json::Value::as_str),
            p.get("status").and_then(json::Value::as_str),
        ) {
            (Some(path), Some(status)) => v.push(Change {
                path: PathBuf::from(path),
                status: status.to_string(),
            }),
            _ => return Err(bad("a path without \"path\" or \"status\"")),
        }
    }
    Ok(v)
}

/// A thread reading `f` to its end.
fn read_in_thread(name: &str, mut f: File) -> io::Result<thread::JoinHandle<io::Result<Vec<u8>>>> {
    thread::Builder::new().name(name.to_string()).spawn(move || {
        let mut v = Vec::new();
        f.read_to_end(&mut v).map(|_| v)
    })
}

/// What a reader read, or why it could not (not started, failed, panicked).
fn join_reader(t: io::Result<thread::JoinHandle<io::Result<Vec<u8>>>>) -> Result<Vec<u8>, Error> {
    match t {
        Err(e) => Err(Error::new(
            -e.raw_os_error().unwrap_or(EIO),
            format!("cannot start a thread to read the program's output: {}", e),
            "",
        )),
        Ok(h) => match h.join() {
            Ok(r) => r.map_err(Error::from),
            Err(_) => Err(Error::new(-EIO, "the thread reading the program's output panicked", "")),
        },
    }
}

// ---- pipes, without the libc crate -------------------------------------------------

// nono runs on Linux only (Landlock, seccomp), and O_CLOEXEC below is the
// generic Linux value: alpha, hppa and sparc have others, so the crate is
// limited to the architectures checked to use the generic one.
#[cfg(not(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "x86",
        target_arch = "aarch64",
        target_arch = "arm",
        target_arch = "riscv64",
        target_arch = "powerpc64",
        target_arch = "s390x"
    )
)))]
compile_error!("nono builds for Linux on x86_64, x86, aarch64, arm, riscv64, powerpc64 and s390x only (O_CLOEXEC)");

extern "C" {
    fn pipe2(fds: *mut c_int, flags: c_int) -> c_int;
}
/// asm-generic/fcntl.h's, which these architectures do not override.
const O_CLOEXEC: c_int = 0o2000000;

/// A pipe (read end, write end), close-on-exec from the start: a program
/// that another thread starts meanwhile (std::process) must not inherit an
/// end, or the reader would wait for that program too. (The supervisor
/// closes every descriptor it was not given.)
fn pipe() -> io::Result<(File, File)> {
    let mut fds = [-1 as c_int; 2];
    if unsafe { pipe2(fds.as_mut_ptr(), O_CLOEXEC) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(unsafe { (File::from_raw_fd(fds[0]), File::from_raw_fd(fds[1])) })
}
