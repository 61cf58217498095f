//! The C API of nono.h, declared by hand (no bindgen, no libc crate). Every
//! function here is unsafe to call; the crate's root wraps them safely.
#![allow(non_camel_case_types)]

use std::os::raw::{c_char, c_int, c_uint};

/// `nono_sandbox`: what a launch may do (opaque).
#[repr(C)]
pub struct nono_sandbox {
    _private: [u8; 0],
}

/// `nono_child`: a running, supervised program (opaque).
#[repr(C)]
pub struct nono_child {
    _private: [u8; 0],
}

/// `nono_error`: what went wrong (opaque).
#[repr(C)]
pub struct nono_error {
    _private: [u8; 0],
}

/// `pid_t` on the systems nono runs on.
pub type pid_t = i32;

pub const NONO_API_VERSION: c_int = 1;
pub const NONO_ACCESS_READ: c_uint = 1;
pub const NONO_ACCESS_WRITE: c_uint = 2;
pub const NONO_ACCESS_READWRITE: c_uint = NONO_ACCESS_READ | NONO_ACCESS_WRITE;

extern "C" {
    pub fn nono_version() -> *const c_char;

    pub fn nono_sandbox_create() -> *mut nono_sandbox;
    pub fn nono_sandbox_destroy(sb: *mut nono_sandbox);
    pub fn nono_sandbox_set(
        sb: *mut nono_sandbox,
        key: *const c_char,
        value: *const c_char,
        err: *mut *mut nono_error,
    ) -> c_int;
    pub fn nono_sandbox_allow(
        sb: *mut nono_sandbox,
        path: *const c_char,
        access: c_uint,
        err: *mut *mut nono_error,
    ) -> c_int;
    pub fn nono_sandbox_block_network(sb: *mut nono_sandbox, err: *mut *mut nono_error) -> c_int;
    pub fn nono_sandbox_allow_domain(sb: *mut nono_sandbox, host: *const c_char, err: *mut *mut nono_error) -> c_int;
    pub fn nono_sandbox_use_profile(
        sb: *mut nono_sandbox,
        name_or_path: *const c_char,
        err: *mut *mut nono_error,
    ) -> c_int;
    pub fn nono_sandbox_set_rollback(sb: *mut nono_sandbox, on: bool, err: *mut *mut nono_error) -> c_int;
    pub fn nono_sandbox_set_audit(sb: *mut nono_sandbox, on: bool, err: *mut *mut nono_error) -> c_int;
    pub fn nono_sandbox_set_workdir(sb: *mut nono_sandbox, dir: *const c_char, err: *mut *mut nono_error) -> c_int;
    pub fn nono_sandbox_set_stdio(sb: *mut nono_sandbox, stdin: c_int, stdout: c_int, stderr: c_int);
    pub fn nono_sandbox_set_verbose(sb: *mut nono_sandbox, on: bool);
    pub fn nono_sandbox_validate(sb: *mut nono_sandbox, err: *mut *mut nono_error) -> c_int;
    pub fn nono_sandbox_spawn(
        sb: *mut nono_sandbox,
        argv: *const *const c_char,
        out: *mut *mut nono_child,
        err: *mut *mut nono_error,
    ) -> c_int;
    pub fn nono_sandbox_apply_self(sb: *mut nono_sandbox, err: *mut *mut nono_error) -> c_int;

    pub fn nono_child_wait(c: *mut nono_child, status: *mut c_int) -> c_int;
    pub fn nono_child_signal(c: *mut nono_child, sig: c_int) -> c_int;
    pub fn nono_child_pid(c: *const nono_child) -> pid_t;
    pub fn nono_child_session_id(c: *const nono_child) -> *const c_char;
    pub fn nono_child_release(c: *mut nono_child);

    pub fn nono_error_get_code(e: *const nono_error) -> c_int;
    pub fn nono_error_get_message(e: *const nono_error) -> *const c_char;
    pub fn nono_error_get_hint(e: *const nono_error) -> *const c_char;
    pub fn nono_error_release(e: *mut nono_error);
}
