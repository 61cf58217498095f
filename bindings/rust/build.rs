//! Finds libnono for the linker, without the pkg-config crate: $NONO_LIB_DIR
//! (a build tree's directory holding libnono.so; a relative one is taken
//! against the crate's directory, where cargo runs this), else the directories of
//! `pkg-config --libs-only-L nono` (an installed nono), else the linker's own
//! path. A directory found either way is also put in the tests' and examples'
//! run path, so they load the libnono they were linked against.
use std::env;
use std::fs;
use std::path::PathBuf;
use std::process::Command;

const FALLBACK: &str =
    "linking -lnono from the linker's path (or set NONO_LIB_DIR to a build tree's directory holding libnono.so)";

fn pkg_config_dirs() -> Vec<PathBuf> {
    let exe = env::var("PKG_CONFIG").unwrap_or_else(|_| "pkg-config".to_string());
    let out = match Command::new(&exe).args(["--libs-only-L", "nono"]).output() {
        Ok(out) if out.status.success() => out,
        Ok(out) => {
            println!(
                "cargo:warning=pkg-config found no nono ({}); {}",
                String::from_utf8_lossy(&out.stderr).trim(),
                FALLBACK
            );
            return Vec::new();
        }
        Err(e) => {
            println!("cargo:warning=cannot run {} ({}); {}", exe, e, FALLBACK);
            return Vec::new();
        }
    };
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .filter_map(|w| w.strip_prefix("-L"))
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .collect()
}

fn main() {
    for var in &[
        "NONO_LIB_DIR",
        "PKG_CONFIG",
        "PKG_CONFIG_PATH",
        "PKG_CONFIG_LIBDIR",
        "PKG_CONFIG_SYSROOT_DIR",
    ] {
        println!("cargo:rerun-if-env-changed={}", var);
    }
    println!("cargo:rerun-if-changed=build.rs");
    let dirs = match env::var_os("NONO_LIB_DIR") {
        Some(d) if !d.is_empty() => {
            // absolute: the run path is used from wherever the tests run,
            // and cargo runs build.rs in the crate's directory, not the
            // caller's (a relative NONO_LIB_DIR names the crate's)
            let dir = fs::canonicalize(&d).unwrap_or_else(|e| {
                panic!(
                    "NONO_LIB_DIR={}: {} (a directory holding libnono.so, best given as an absolute path)",
                    PathBuf::from(&d).display(),
                    e
                )
            });
            if !dir.join("libnono.so").exists() && !dir.join("libnono.dylib").exists() {
                panic!(
                    "NONO_LIB_DIR={}: no libnono.so there (build nono first: make)",
                    dir.display()
                );
            }
            vec![dir]
        }
        _ => pkg_config_dirs(),
    };
    for dir in &dirs {
        println!("cargo:rustc-link-search=native={}", dir.display());
        println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir.display());
    }
    println!("cargo:rustc-link-lib=dylib=nono");
}
