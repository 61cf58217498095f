"""nono for Python: start programs confined by nono's kernel sandbox.

A thin layer over libnono (lib/nono.h) through ctypes, for the system
python3: no compiler and no package index needed. The library is found as
$NONO_LIBRARY, else libnono.so.0 on the loader's path.

    from nono import Sandbox
    with Sandbox(allow=["."], block_network=True) as sb:
        r = sb.run(["make", "test"])
        print(r.status, r.stdout.decode(), r.session_id)

Every setting is one of nono's profile keys or 'nono run' flags
(Sandbox.set("filesystem.read", path)); a refused one raises NonoError with
nono's message and hint.
"""
import ctypes
import ctypes.util
import json
import os
import subprocess
import threading

__all__ = ["Sandbox", "Child", "Result", "NonoError", "READ", "WRITE", "READWRITE", "library", "changes"]

READ, WRITE = 1, 2
READWRITE = READ | WRITE

_lib = None


class NonoError(Exception):
    """What libnono refused: code (a negative errno), message, hint."""

    def __init__(self, code, message, hint=""):
        super().__init__(message + (f" (hint: {hint})" if hint else ""))
        self.code, self.message, self.hint = code, message, hint


def library():
    """The loaded libnono (ctypes.CDLL), loaded on first use."""
    global _lib
    if _lib is not None:
        return _lib
    names = [os.environ.get("NONO_LIBRARY"), "libnono.so.0", ctypes.util.find_library("nono")]
    errors = []
    for name in filter(None, names):
        try:
            lib = ctypes.CDLL(name)
            break
        except OSError as e:
            errors.append(str(e))
    else:
        raise NonoError(-2, "libnono not found: " + "; ".join(errors) or "libnono not found",
                        "install nono (make install) or set NONO_LIBRARY to libnono.so.0")
    P, S, I, E = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_void_p)
    sigs = {
        "nono_version": (S, []),
        "nono_sandbox_create": (P, []),
        "nono_sandbox_destroy": (None, [P]),
        "nono_sandbox_set": (I, [P, S, S, E]),
        "nono_sandbox_allow": (I, [P, S, ctypes.c_uint, E]),
        "nono_sandbox_block_network": (I, [P, E]),
        "nono_sandbox_allow_domain": (I, [P, S, E]),
        "nono_sandbox_use_profile": (I, [P, S, E]),
        "nono_sandbox_set_rollback": (I, [P, ctypes.c_bool, E]),
        "nono_sandbox_set_audit": (I, [P, ctypes.c_bool, E]),
        "nono_sandbox_set_workdir": (I, [P, S, E]),
        "nono_sandbox_set_stdio": (None, [P, I, I, I]),
        "nono_sandbox_set_verbose": (None, [P, ctypes.c_bool]),
        "nono_sandbox_validate": (I, [P, E]),
        "nono_sandbox_spawn": (I, [P, ctypes.POINTER(S), E, E]),
        "nono_sandbox_apply_self": (I, [P, E]),
        "nono_child_wait": (I, [P, ctypes.POINTER(I)]),
        "nono_child_signal": (I, [P, I]),
        "nono_child_pid": (I, [P]),
        "nono_child_session_id": (S, [P]),
        "nono_child_release": (None, [P]),
        "nono_error_get_code": (I, [P]),
        "nono_error_get_message": (S, [P]),
        "nono_error_get_hint": (S, [P]),
        "nono_error_release": (None, [P]),
    }
    for fn, (res, args) in sigs.items():
        f = getattr(lib, fn)
        f.restype, f.argtypes = res, args
    _lib = lib
    return lib


def _b(s):
    return os.fsencode(s) if s is not None else None


def _check(rc, err):
    """Raise the error libnono set, or pass rc on."""
    if rc >= 0:
        return rc
    lib = library()
    if err.value:
        e = NonoError(lib.nono_error_get_code(err), lib.nono_error_get_message(err).decode(),
                      lib.nono_error_get_hint(err).decode())
        lib.nono_error_release(err)
        err.value = None
        raise e
    raise NonoError(rc, os.strerror(-rc))


class Result:
    """A finished program: status (exit status, or 128 + signal), stdout and
    stderr (bytes; None when not captured), session_id (for 'nono audit show'
    and 'nono rollback show')."""

    def __init__(self, status, stdout, stderr, session_id):
        self.status, self.stdout, self.stderr, self.session_id = status, stdout, stderr, session_id

    def __repr__(self):
        return f"Result(status={self.status}, session_id={self.session_id!r})"


class Child:
    """A running, supervised program. As a context manager, leaving the block
    sends SIGTERM if it still runs, then waits."""

    def __init__(self, handle):
        self._h = handle
        lib = library()
        self.pid = lib.nono_child_pid(handle)
        self.session_id = lib.nono_child_session_id(handle).decode()
        self.status = None

    def wait(self):
        if self.status is None:
            st = ctypes.c_int()
            rc = library().nono_child_wait(self._h, ctypes.byref(st))
            if rc < 0:
                raise NonoError(rc, os.strerror(-rc))
            self.status = st.value
        return self.status

    def signal(self, sig):
        rc = library().nono_child_signal(self._h, sig)
        if rc < 0:
            raise NonoError(rc, os.strerror(-rc))

    def release(self):
        if self._h:
            library().nono_child_release(self._h)
            self._h = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.status is None:
            try:
                self.signal(15)
            except NonoError:
                pass
            self.wait()
        self.release()

    def __del__(self):
        self.release()


class Sandbox:
    """What a launch may do. Keyword arguments are shorthands: allow (read and
    write), read, write (lists of paths), block_network, allow_domains,
    profile, rollback, audit, workdir, verbose (nono's banner and report on
    the program's stderr), settings (a dict of profile keys or flag names to
    a value, a list of values, or True for a switch)."""

    def __init__(self, allow=(), read=(), write=(), block_network=False, allow_domains=(), profile=None,
                 rollback=None, audit=True, workdir=None, verbose=False, settings=None):
        self._h = library().nono_sandbox_create()
        if not self._h:
            raise MemoryError("nono_sandbox_create")
        if profile:
            self.use_profile(profile)
        for p in allow:
            self.allow(p, READWRITE)
        for p in read:
            self.allow(p, READ)
        for p in write:
            self.allow(p, WRITE)
        if block_network:
            self._call("nono_sandbox_block_network")
        for h in allow_domains:
            self._call("nono_sandbox_allow_domain", _b(h))
        if rollback is not None:
            self._call("nono_sandbox_set_rollback", bool(rollback))
        if not audit:
            self._call("nono_sandbox_set_audit", False)
        if workdir:
            self._call("nono_sandbox_set_workdir", _b(os.path.abspath(workdir)))
        library().nono_sandbox_set_verbose(self._h, bool(verbose))
        for key, val in (settings or {}).items():
            for v in (val if isinstance(val, (list, tuple)) else [val]):
                self.set(key, None if v is True else v)

    def _call(self, fn, *args):
        err = ctypes.c_void_p()
        return _check(getattr(library(), fn)(self._h, *args, ctypes.byref(err)), err)

    def set(self, key, value=None):
        """One setting: a profile key ("filesystem.read") or a flag's name ("read")."""
        self._call("nono_sandbox_set", _b(key), _b(value))
        return self

    def allow(self, path, access=READWRITE):
        self._call("nono_sandbox_allow", _b(os.path.abspath(path)), access)
        return self

    def use_profile(self, name_or_path):
        self._call("nono_sandbox_use_profile", _b(name_or_path))
        return self

    def validate(self):
        """Raise NonoError for what a spawn would refuse; nothing runs."""
        self._call("nono_sandbox_validate")

    def spawn(self, argv, stdin=None, stdout=None, stderr=None):
        """Start argv; the std* are file descriptors of this process (or None)."""
        fd = lambda f: -1 if f is None else (f if isinstance(f, int) else f.fileno())
        library().nono_sandbox_set_stdio(self._h, fd(stdin), fd(stdout), fd(stderr))
        arr = (ctypes.c_char_p * (len(argv) + 1))(*[_b(a) for a in argv], None)
        child = ctypes.c_void_p()
        err = ctypes.c_void_p()
        _check(library().nono_sandbox_spawn(self._h, arr, ctypes.byref(child), ctypes.byref(err)), err)
        return Child(child)

    def run(self, argv, capture=True, input=None):
        """Run argv to its end; with capture, its stdout and stderr as bytes."""
        if not capture:
            with self.spawn(argv) as c:
                return Result(c.wait(), None, None, c.session_id)
        (ir, iw), (outr, outw), (errr, errw) = os.pipe(), os.pipe(), os.pipe()
        try:
            c = self.spawn(argv, stdin=ir, stdout=outw, stderr=errw)
        finally:
            for f in (ir, outw, errw):
                os.close(f)
        chunks = {outr: [], errr: []}

        def drain(f):
            while True:
                b = os.read(f, 65536)
                if not b:
                    break
                chunks[f].append(b)

        readers = [threading.Thread(target=drain, args=(f,)) for f in (outr, errr)]
        for t in readers:
            t.start()
        try:
            if input:
                os.write(iw, input)
        except BrokenPipeError:
            pass
        os.close(iw)
        status = c.wait()
        for t in readers:
            t.join()
        os.close(outr)
        os.close(errr)
        r = Result(status, b"".join(chunks[outr]), b"".join(chunks[errr]), c.session_id)
        c.release()
        return r

    def apply_self(self):
        """Confine this process itself, for good (no supervisor: see nono.h)."""
        self._call("nono_sandbox_apply_self")

    def close(self):
        if self._h:
            library().nono_sandbox_destroy(self._h)
            self._h = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()


def changes(session_id, nono_binary=None):
    """What a session changed, from its rollback journal: a list of dicts
    (path, status: created, modified, deleted, mode, replaced, unchanged).
    Asks 'nono rollback show ID --json' ($NONO, else nono on PATH); a
    session that changed nothing has no journal and gives []."""
    exe = nono_binary or os.environ.get("NONO") or "nono"
    out = subprocess.run([exe, "rollback", "show", session_id, "--json"], capture_output=True, text=True)
    if out.returncode != 0:
        if "no rollback session" in out.stderr or "not found" in out.stderr or "no session" in out.stderr:
            return []
        raise NonoError(-1, out.stderr.strip() or "nono rollback show failed")
    return json.loads(out.stdout).get("paths", [])
