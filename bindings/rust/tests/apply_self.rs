//! Sandbox::apply_self, in processes of their own: this binary re-runs
//! itself with NONO_RS_APPLY set. No libtest harness (Cargo.toml: harness =
//! false): libtest runs each test on a thread of its own, and apply_self
//! refuses a process of more than one thread.
use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{self, Command};
use std::sync::mpsc;
use std::thread;

/// The child: confines itself to NONO_RS_WORK, then tries the secret and a
/// write outside.
fn confine(work: &str, secret: &str, outside: &str) {
    let mut sb = nono::Sandbox::new().unwrap();
    sb.allow(work).unwrap();
    sb.apply_self().unwrap();
    fs::write(Path::new(work).join("self"), "in").unwrap();
    let denied = |r: std::io::Result<()>, what: &str| match r {
        Ok(()) => what.to_string(),
        Err(e) => format!("denied {}", e.raw_os_error().unwrap_or(0)),
    };
    let read = denied(fs::read(secret).map(|_| ()), "READ");
    let wrote = denied(fs::write(Path::new(outside).join("x"), "x"), "WROTE");
    println!("APPLY_SELF {} {}", read, wrote);
}

/// The child: with a second thread running, apply_self is refused and
/// nothing is applied (the secret still reads).
fn busy(secret: &str) {
    let (tx, rx) = mpsc::channel::<()>();
    let t = thread::spawn(move || rx.recv().ok());
    let mut sb = nono::Sandbox::new().unwrap();
    let e = sb.apply_self().unwrap_err();
    tx.send(()).unwrap();
    t.join().unwrap();
    assert_eq!(e.code, -16, "{:?}", e);
    assert!(e.message.contains("2 threads") && !e.hint.is_empty(), "{:?}", e);
    assert_eq!(fs::read_to_string(secret).unwrap(), "s3cr3t-rs\n");
    println!("APPLY_SELF refused");
}

fn run_child(mode: &str, dir: &Path) -> (String, String) {
    let out = Command::new(env::current_exe().unwrap())
        .env("NONO_RS_APPLY", mode)
        .env("NONO_RS_WORK", dir.join("work"))
        .env("NONO_RS_SECRET", dir.join("outside/secret"))
        .env("NONO_RS_OUTSIDE", dir.join("outside"))
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(out.status.success(), "{}: {}{}", mode, stdout, stderr);
    (stdout, stderr)
}

fn main() {
    let var = |n: &str| env::var(n).unwrap_or_default();
    match var("NONO_RS_APPLY").as_str() {
        "confine" => return confine(&var("NONO_RS_WORK"), &var("NONO_RS_SECRET"), &var("NONO_RS_OUTSIDE")),
        "busy" => return busy(&var("NONO_RS_SECRET")),
        _ => {}
    }
    let base = env::var_os("TMPDIR").map_or_else(|| PathBuf::from("/tmp"), PathBuf::from);
    let dir = base.join(format!("nono-rs-apply-{}", process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("work")).unwrap();
    fs::create_dir_all(dir.join("outside")).unwrap();
    fs::write(dir.join("outside/secret"), "s3cr3t-rs\n").unwrap();

    let (stdout, stderr) = run_child("confine", &dir);
    assert!(stdout.contains("APPLY_SELF denied 13 denied 13"), "{}{}", stdout, stderr);
    assert_eq!(fs::read_to_string(dir.join("work/self")).unwrap(), "in");
    assert!(!dir.join("outside/x").exists());
    println!("test apply_self ... ok");

    let (stdout, stderr) = run_child("busy", &dir);
    assert!(stdout.contains("APPLY_SELF refused"), "{}{}", stdout, stderr);
    println!("test apply_self_refused_with_threads ... ok");

    let _ = fs::remove_dir_all(&dir);
    println!("\ntest result: ok. 2 passed; 0 failed");
}
