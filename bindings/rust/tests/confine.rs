//! The Rust binding, by effect: a confined program cannot read the test's
//! secret nor write outside its grants; what it may do it does. `cargo test`
//! with NONO_LIB_DIR naming a build tree's directory (or nono installed);
//! NONO names a nono binary for the audit trail and rollback checks, which
//! skip without it (as the network check does without /usr/bin/python3),
//! unless NONO_RS_STRICT=1: then a skip is a failure. apply_self needs a
//! process of one thread, which this harness is not: tests/apply_self.rs.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A directory of the test's own, removed when dropped: work/ (granted),
/// outside/ with a secret (not granted).
struct Scratch {
    dir: PathBuf,
    work: PathBuf,
    outside: PathBuf,
    secret: PathBuf,
}

static SEQ: AtomicUsize = AtomicUsize::new(0);

impl Scratch {
    fn new() -> Scratch {
        let base = env::var_os("TMPDIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/tmp"));
        let dir = base.join(format!(
            "nono-rs-{}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = fs::remove_dir_all(&dir);
        let (work, outside) = (dir.join("work"), dir.join("outside"));
        fs::create_dir_all(&work).unwrap();
        fs::create_dir_all(&outside).unwrap();
        let secret = outside.join("secret");
        fs::write(&secret, "s3cr3t-rs\n").unwrap();
        fs::write(work.join("keep.txt"), "keep\n").unwrap();
        Scratch {
            dir,
            work,
            outside,
            secret,
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn p(path: &Path) -> String {
    path.display().to_string()
}

/// A path quoted for `sh -c` (a TMPDIR may hold a space, or a quote).
fn q(path: &Path) -> String {
    format!("'{}'", p(path).replace('\'', "'\\''"))
}

/// A check that cannot run here: a note, or with NONO_RS_STRICT=1 a failure.
fn skip(why: &str) {
    if env::var_os("NONO_RS_STRICT").map_or(false, |v| v == "1") {
        panic!("NONO_RS_STRICT=1, and {}", why);
    }
    eprintln!("skipped: {}", why);
}

/// $NONO, or a skip.
fn nono_bin(check: &str) -> Option<PathBuf> {
    match env::var_os("NONO").filter(|n| !n.is_empty()) {
        Some(n) => Some(PathBuf::from(n)),
        None => {
            skip(&format!("{}: NONO names no nono binary", check));
            None
        }
    }
}

#[test]
fn secret_unread_and_no_write_outside() {
    let s = Scratch::new();
    let mut sb = nono::Sandbox::new().unwrap();
    sb.allow(&s.work).unwrap();
    let cmd = format!(
        "cat {secret}; echo x > {out}/new; echo inside > {work}/made; cat {work}/keep.txt",
        secret = q(&s.secret),
        out = q(&s.outside),
        work = q(&s.work)
    );
    let r = sb.run(&["sh", "-c", &cmd]).unwrap();
    assert_eq!(r.status, 0, "stderr: {}", text(&r.stderr));
    assert!(!text(&r.stdout).contains("s3cr3t-rs") && !text(&r.stderr).contains("s3cr3t-rs"));
    assert!(
        text(&r.stderr).contains("Permission denied"),
        "stderr: {}",
        text(&r.stderr)
    );
    assert!(!s.outside.join("new").exists());
    assert_eq!(fs::read_to_string(s.work.join("made")).unwrap(), "inside\n");
    assert_eq!(r.stdout, b"keep\n");
    // YYYYMMDD-HHMMSS-NNN then six hex digits
    let id = r.session_id.as_bytes();
    assert_eq!(id.len(), 25, "{}", r.session_id);
    assert!(id[..8]
        .iter()
        .chain(&id[9..15])
        .chain(&id[16..19])
        .all(u8::is_ascii_digit));
    assert!(id[19..].iter().all(|c| c.is_ascii_hexdigit()) && id[8] == b'-' && id[15] == b'-');
}

#[test]
fn read_only_grant_and_exit_status() {
    let s = Scratch::new();
    let mut sb = nono::Sandbox::new().unwrap();
    sb.read(&s.work).unwrap();
    let keep = s.work.join("keep.txt");
    let r = sb
        .run(&["sh", "-c", &format!("cat {k}; echo no > {k}; exit 3", k = q(&keep))])
        .unwrap();
    assert_eq!(r.status, 3);
    assert_eq!(r.stdout, b"keep\n");
    assert_eq!(fs::read_to_string(&keep).unwrap(), "keep\n");
}

#[test]
fn input_reaches_the_program() {
    let mut sb = nono::Sandbox::new().unwrap();
    let r = sb.run_with_input(&["tr", "a-z", "A-Z"], b"hello\n").unwrap();
    assert_eq!((r.status, r.stdout), (0, b"HELLO\n".to_vec()));
}

#[test]
fn blocked_network() {
    let mut sb = nono::Sandbox::new().unwrap();
    sb.block_network().unwrap();
    let code = "import socket\ntry:\n socket.create_connection(('127.0.0.1', 9), 2); print('connected')\n\
                except OSError as e: print('refused', e.errno)";
    if !Path::new("/usr/bin/python3").exists() {
        return skip("no /usr/bin/python3 to try a connection with");
    }
    let r = sb.run(&["/usr/bin/python3", "-c", code]).unwrap();
    assert!(
        text(&r.stdout).contains("refused 13"),
        "{}{}",
        text(&r.stdout),
        text(&r.stderr)
    );
}

#[test]
fn errors_carry_message_and_hint() {
    let mut sb = nono::Sandbox::new().unwrap();
    let e = sb.set("no.such.key", "x").unwrap_err();
    assert!(e.message.contains("unknown setting"), "{:?}", e);
    assert!(!e.hint.is_empty(), "{:?}", e);
    assert!(e.code < 0);
    assert_eq!(e.to_string(), format!("{}\nhint: {}", e.message, e.hint));
    let boxed: Box<dyn std::error::Error> = Box::new(e);
    assert!(boxed.to_string().contains("unknown setting"));
    let e = sb.profile("no-such-profile-here").unwrap_err();
    assert!(e.code < 0 && !e.message.is_empty(), "{:?}", e);
    let e = sb.spawn(&["/nonexistent/program"]).unwrap_err();
    assert!(!e.message.is_empty(), "{:?}", e);
    assert!(sb.set("read", "a\0b").is_err());
    // the sandbox is still usable after refusals
    assert_eq!(sb.run(&["true"]).unwrap().status, 0);
}

#[test]
fn settings_by_profile_key_and_validate() {
    let s = Scratch::new();
    let mut sb = nono::Sandbox::new().unwrap();
    sb.set("filesystem.read", p(&s.work).as_str())
        .unwrap()
        .set("no-audit", None)
        .unwrap();
    sb.validate().unwrap();
    let keep = s.work.join("keep.txt");
    let r = sb.run(&["cat", &p(&keep)]).unwrap();
    assert_eq!(r.stdout, b"keep\n");
    // read only: the write is refused, the file's bytes stay
    let r = sb
        .run(&["sh", "-c", &format!("echo no >> {k}; echo no > {k}", k = q(&keep))])
        .unwrap();
    assert_ne!(r.status, 0);
    assert!(text(&r.stderr).contains("Permission denied"), "{}", text(&r.stderr));
    assert_eq!(fs::read(&keep).unwrap(), b"keep\n");
}

#[test]
fn nul_bytes_are_errors() {
    let mut sb = nono::Sandbox::new().unwrap();
    for e in vec![
        sb.spawn(&["echo", "a\0b"]).map(|_| ()).unwrap_err(),
        sb.spawn(&["ech\0o"]).map(|_| ()).unwrap_err(),
        sb.run(&["true", "\0"]).map(|_| ()).unwrap_err(),
        sb.allow("/tmp/a\0b").map(|_| ()).unwrap_err(),
        sb.read(Path::new("/tmp/\0")).map(|_| ()).unwrap_err(),
        sb.workdir("a\0").map(|_| ()).unwrap_err(),
        sb.profile("x\0y").map(|_| ()).unwrap_err(),
        sb.allow_domain("example.com\0").map(|_| ()).unwrap_err(),
        sb.set("filesystem.read\0", "/tmp").map(|_| ()).unwrap_err(),
    ] {
        assert_eq!(e.code, -22, "{:?}", e);
        assert!(e.message.contains("NUL"), "{:?}", e);
    }
    // and nothing was recorded: the sandbox still runs a program
    assert_eq!(sb.run(&["true"]).unwrap().status, 0);
}

#[test]
fn workdir_and_rollback_changes() {
    let s = Scratch::new();
    let mut sb = nono::Sandbox::new().unwrap();
    sb.allow(&s.work)
        .unwrap()
        .workdir(&s.work)
        .unwrap()
        .rollback(true)
        .unwrap();
    let r = sb
        .run(&["sh", "-c", "pwd; echo more >> keep.txt; echo new > b.txt"])
        .unwrap();
    assert_eq!(r.status, 0, "{}", text(&r.stderr));
    assert_eq!(text(&r.stdout).trim_end(), p(&fs::canonicalize(&s.work).unwrap()));
    let nono_bin = match nono_bin("the rollback check") {
        Some(n) => n,
        None => return,
    };
    let mut got: Vec<(String, String)> = nono::changes_with(&nono_bin, &r.session_id)
        .unwrap()
        .into_iter()
        .map(|c| (c.path.file_name().unwrap().to_string_lossy().into_owned(), c.status))
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("b.txt".into(), "created".into()),
            ("keep.txt".into(), "modified".into())
        ]
    );
}

#[test]
fn session_id_is_the_audit_trail() {
    let nono_bin = match nono_bin("the audit trail check") {
        Some(n) => n,
        None => return,
    };
    let mut sb = nono::Sandbox::new().unwrap();
    let mut child = sb.spawn(&["true"]).unwrap();
    assert!(child.pid() > 0);
    assert_eq!(child.wait().unwrap(), 0);
    let show = Command::new(&nono_bin)
        .args(["audit", "show", child.session_id(), "--json"])
        .output()
        .unwrap();
    assert!(show.status.success(), "{}", text(&show.stderr));
    let out = text(&show.stdout);
    assert!(
        out.contains(&format!("\"session_id\": \"{}\"", child.session_id())),
        "{}",
        out
    );
    assert!(out.contains("\"exec\""), "{}", out);
}

#[test]
fn signal_stops_the_child() {
    let mut sb = nono::Sandbox::new().unwrap();
    let mut child = sb.spawn(&["sleep", "30"]).unwrap();
    assert_eq!(child.status(), None);
    assert_eq!(child.stop().unwrap(), 128 + 15);
    assert_eq!(child.status(), Some(128 + 15));
    // collected: nothing left to signal
    assert!(child.signal(15).is_err());
}

#[test]
fn version_is_the_library_s() {
    let v = nono::version();
    assert!(
        v.split('.').count() == 3 && v.split('.').all(|n| n.parse::<u32>().is_ok()),
        "{}",
        v
    );
}
