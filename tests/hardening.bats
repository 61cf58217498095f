#!/usr/bin/env bats
# The hardening that is always on: the seccomp filter (both x86 ABIs), the
# Landlock scopes (signals, abstract UNIX sockets), device nodes, /proc of
# other processes, and the capabilities root keeps inside.
load helpers
bats_require_minimum_version 1.5.0

setup() { common_setup; }
teardown() { common_teardown; }

# python prologue: libc with errno, and a helper that prints NAME EPERM or
# NAME GOT r/errno
PY_PRE='
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
def check(name, r):
    e = ctypes.get_errno()
    print(name, "EPERM" if r == -1 and e == 1 else "GOT %d/%d" % (r, e))
'

@test "ptrace is refused: PTRACE_TRACEME, PTRACE_ATTACH to a sibling, and strace" {
	run nono_run -- sh -c "sleep 20 & export SIB=\$!; python3 -c '$PY_PRE
check(\"traceme\", libc.ptrace(0, 0, 0, 0))
check(\"attach\", libc.syscall(101, 16, int(os.environ[\"SIB\"]), 0, 0))
check(\"seize\", libc.syscall(101, 0x4206, int(os.environ[\"SIB\"]), 0, 0))
'; grep TracerPid /proc/\$SIB/status; kill \$SIB"
	[[ "$output" == *"traceme EPERM"* ]]
	[[ "$output" == *"attach EPERM"* ]]
	[[ "$output" == *"seize EPERM"* ]]
	[[ "$output" == *"TracerPid:	0"* ]]
	if command -v strace >/dev/null; then
		run nono_run -- strace -o /dev/null echo strace-ran-the-program
		[[ "$output" == *"Operation not permitted"* ]]
		[[ "$output" != *strace-ran-the-program* ]]
	fi
}

@test "process_vm_readv and process_vm_writev are refused and copy nothing" {
	run nono_run -- python3 -c "$PY_PRE
src = ctypes.create_string_buffer(b'secret-in-memory', 32)
dst = ctypes.create_string_buffer(32)
class iovec(ctypes.Structure): _fields_ = [('base', ctypes.c_void_p), ('len', ctypes.c_size_t)]
liov = iovec(ctypes.cast(dst, ctypes.c_void_p), 32); riov = iovec(ctypes.cast(src, ctypes.c_void_p), 32)
check('process_vm_readv', libc.syscall(310, os.getpid(), ctypes.byref(liov), 1, ctypes.byref(riov), 1, 0))
print('copied', dst.raw.rstrip(b'\0'))
check('process_vm_writev', libc.syscall(311, os.getpid(), ctypes.byref(riov), 1, ctypes.byref(liov), 1, 0))
print('written', dst.raw.rstrip(b'\0'))"
	[[ "$output" == *"process_vm_readv EPERM"* ]]
	[[ "$output" == *"process_vm_writev EPERM"* ]]
	[[ "$output" != *"secret-in-memory"* ]]
	[[ "$output" == *"copied b''"* ]]
}

@test "TIOCSTI cannot inject input into a terminal" {
	# outside, as root, the injection works (the contrast that makes this a test)
	run python3 -c "
import os, fcntl, termios, tty
m, s = os.openpty(); tty.setraw(s)
fcntl.ioctl(s, termios.TIOCSTI, b'x'); os.set_blocking(s, False); print('outside read', os.read(s, 10))"
	[[ "$output" == *"outside read b'x'"* ]] || skip "TIOCSTI not usable here outside the sandbox"
	run nono_run -- python3 -c "
import os, fcntl, termios, tty
m, s = os.openpty(); tty.setraw(s)
for fd, name in ((s, 'slave'), (m, 'master')):
    try:
        fcntl.ioctl(fd, termios.TIOCSTI, b'x'); print(name, 'INJECTED')
    except OSError as e: print(name, 'errno', e.errno)
try:
    t = os.open('/dev/tty', os.O_RDWR)
    try:
        fcntl.ioctl(t, termios.TIOCSTI, b'x'); print('devtty INJECTED')
    except OSError as e: print('devtty errno', e.errno)
except OSError: print('no controlling tty')
os.set_blocking(s, False)
try: print('read', os.read(s, 10))
except BlockingIOError: print('nothing injected')"
	[[ "$output" == *"slave errno 1"* ]]
	[[ "$output" == *"master errno 1"* ]]
	[[ "$output" != *INJECTED* ]]
	[[ "$output" == *"nothing injected"* ]]
}

@test "io_uring_setup (425) is refused with EPERM, though it works outside" {
	run python3 -c "$PY_PRE
r = libc.syscall(425, 1, ctypes.create_string_buffer(120)); print('outside', r)"
	[ "$(echo "$output" | awk '/outside/ {print $2}')" -ge 0 ] || skip "io_uring disabled on this kernel"
	run nono_run -- python3 -c "$PY_PRE
check('io_uring_setup', libc.syscall(425, 1, ctypes.create_string_buffer(120)))
check('io_uring_enter', libc.syscall(426, 0, 0, 0, 0, 0, 0))
check('io_uring_register', libc.syscall(427, 0, 0, 0, 0))
print('fds', sorted(os.listdir('/proc/self/fd')))"
	[[ "$output" == *"io_uring_setup EPERM"* ]]
	[[ "$output" == *"io_uring_enter EPERM"* ]]
	[[ "$output" == *"io_uring_register EPERM"* ]]
}

@test "mount, umount2, pivot_root, fsopen, open_tree, move_mount are refused; nothing gets mounted" {
	mkdir "$WORK/mnt"
	run nono_run --allow "$WORK" -- python3 -c "$PY_PRE
check('mount', libc.syscall(165, b'none', b'$WORK/mnt', b'tmpfs', 0, 0))
check('umount2', libc.syscall(166, b'/proc', 2))
check('pivot_root', libc.syscall(155, b'$WORK', b'$WORK/mnt'))
check('fsopen', libc.syscall(430, b'tmpfs', 0))
check('open_tree', libc.syscall(428, -100, b'$WORK', 1))
check('move_mount', libc.syscall(429, -1, b'', -100, b'$WORK/mnt', 4))
check('mount_setattr', libc.syscall(442, -100, b'/', 0, 0, 0))
print('mounted' if os.path.ismount('$WORK/mnt') else 'not-mounted')"
	[ "$(echo "$output" | grep -c EPERM)" -eq 7 ]
	[[ "$output" != *GOT* ]]
	[[ "$output" == *not-mounted* ]]
	! grep -q " $WORK/mnt " /proc/self/mountinfo || false
}

@test "keyctl, add_key, request_key are refused" {
	run nono_run -- python3 -c "$PY_PRE
check('add_key', libc.syscall(248, b'user', b'nono-test-key', b'payload', 7, -2))
check('keyctl', libc.syscall(250, 0, -3, 0))
check('request_key', libc.syscall(249, b'user', b'nono-test-key', None, 0))"
	[[ "$output" == *"add_key EPERM"* ]]
	[[ "$output" == *"keyctl EPERM"* ]]
	[[ "$output" == *"request_key EPERM"* ]]
}

@test "bpf, perf_event_open, userfaultfd are refused (userfaultfd works outside)" {
	run python3 -c "$PY_PRE
print('outside', libc.syscall(323, 0))"
	outside=$(echo "$output" | awk '/outside/ {print $2}')
	run nono_run -- python3 -c "$PY_PRE
attr = ctypes.create_string_buffer(128)
check('bpf', libc.syscall(321, 0, attr, 72))
check('perf_event_open', libc.syscall(298, attr, 0, -1, -1, 0))
check('userfaultfd', libc.syscall(323, 0))
check('userfaultfd-cloexec', libc.syscall(323, os.O_CLOEXEC | os.O_NONBLOCK))"
	[ "$(echo "$output" | grep -c EPERM)" -eq 4 ]
	[[ "$output" != *GOT* ]]
	[ "$outside" -ge 0 ]
}

@test "syslog (klogctl) is refused and reads nothing, though root reads it outside" {
	run python3 -c "$PY_PRE
print('outside', libc.klogctl(10, None, 0))"
	run nono_run -- python3 -c "$PY_PRE
buf = ctypes.create_string_buffer(4096)
check('klogctl-read-all', libc.klogctl(3, buf, 4096))
print('bytes', len(buf.value))
check('klogctl-size', libc.klogctl(10, None, 0))
check('klogctl-clear', libc.klogctl(5, None, 0))"
	[[ "$output" == *"klogctl-read-all EPERM"* ]]
	[[ "$output" == *"klogctl-size EPERM"* ]]
	[[ "$output" == *"klogctl-clear EPERM"* ]]
	[[ "$output" == *"bytes 0"* ]]
}

@test "sethostname and setdomainname are refused; the hostname is unchanged" {
	[ "$(id -u)" -eq 0 ] || skip "root only: needs a private UTS namespace"
	command -v unshare >/dev/null || skip "no unshare"
	# a private UTS namespace: if the filter failed, only it would change
	run timeout 30 unshare --uts sh -c "
hostname nono-before
'$NONO' run --silent -- python3 -c '$PY_PRE
check(\"sethostname\", libc.sethostname(b\"nono-pwned\", 10))
check(\"setdomainname\", libc.setdomainname(b\"nono-pwned\", 10))'
echo host=\$(hostname) dom=\$(cat /proc/sys/kernel/domainname)"
	[[ "$output" == *"sethostname EPERM"* ]]
	[[ "$output" == *"setdomainname EPERM"* ]]
	[[ "$output" == *"host=nono-before"* ]]
	[[ "$output" != *nono-pwned* ]]
}

@test "open_by_handle_at is refused (it opens the file outside the sandbox)" {
	echo "handle-secret" > "$OUTSIDE/h.txt"
	py="$PY_PRE
class fh(ctypes.Structure): _fields_ = [('bytes', ctypes.c_uint), ('type', ctypes.c_int), ('h', ctypes.c_ubyte * 128)]
h = fh(128, 0); mnt = ctypes.c_int()
r = libc.name_to_handle_at(-100, b'$OUTSIDE/h.txt', ctypes.byref(h), ctypes.byref(mnt), 0)
print('handle', r, ctypes.get_errno())
mfd = os.open('$WORK', os.O_RDONLY)
fd = libc.syscall(304, mfd, ctypes.byref(h), os.O_RDONLY)
check('open_by_handle_at', fd)
if fd >= 0: print('read', os.read(fd, 100))"
	# outside, as root, the handle opens the file
	run python3 -c "$py"
	[[ "$output" == *handle-secret* ]] || skip "file handles not supported here"
	run nono_run --read "$WORK" -- python3 -c "$py"
	[[ "$output" == *"open_by_handle_at EPERM"* ]]
	[[ "$output" != *handle-secret* ]]
}

@test "the 32-bit x86 ABI is filtered: ptrace, mount, sethostname, keyctl, io_uring via int 0x80" {
	need_ia32
	# outside: ptrace(PTRACE_TRACEME) succeeds, sethostname with a too-long name
	# is EINVAL, io_uring_setup with no params is EFAULT: none is -1 (EPERM)
	[ "$("$SCRATCH/int80" 26 0 0 0)" -eq 0 ]
	[ "$("$SCRATCH/int80" 74 0 100000)" -eq -22 ]
	run nono_run --read "$SCRATCH" -- sh -c "
for c in '20' '26 0 0 0' '21 0 0 0' '74 0 100000' '288 0 -3 0' '286 0 0 0' '425 1 0' '103 10 0 0' '52 0 0 0'; do
	'$SCRATCH/int80' \$c
done"
	[ "${#lines[@]}" -eq 9 ]
	# getpid passes
	[ "${lines[0]}" -gt 0 ]
	# ptrace, mount, sethostname, keyctl, add_key, io_uring_setup, syslog, umount2: -EPERM
	for i in 1 2 3 4 5 6 7 8; do
		[ "${lines[$i]}" -eq -1 ]
	done
}

@test "signals cannot reach processes outside the sandbox; inside they work" {
	sleep 30 &
	victim=$!
	bg "$victim"
	# --no-pid-ns: the victim is visible, so this is Landlock's signal scope
	# alone (with the PID namespace the sandbox can't even name it)
	run nono_run --no-pid-ns -- sh -c "
kill -0 $victim; echo probe=\$?
kill -KILL $victim; echo kill=\$?
python3 -c 'import os, signal
try:
    os.kill($victim, signal.SIGTERM); print(\"py SENT\")
except OSError as e: print(\"py errno\", e.errno)'
sleep 20 & inner=\$!
kill -TERM \$inner; wait \$inner; echo inner-status=\$?"
	[[ "$output" == *"Operation not permitted"* ]]
	[[ "$output" == *"probe=1"* ]]
	[[ "$output" == *"kill=1"* ]]
	[[ "$output" == *"py errno 1"* ]]
	[[ "$output" == *"inner-status=143"* ]]
	# the outside process is still alive
	kill -0 "$victim"
	kill "$victim"
}

@test "abstract UNIX sockets created outside are unreachable; inside ones work" {
	name="nono-test-$$-$RANDOM"
	timeout 20 python3 -c "
import socket
s = socket.socket(socket.AF_UNIX); s.bind('\0$name'); s.listen(1); s.settimeout(10)
open('$SCRATCH/ready', 'w').write('1')
c, _ = s.accept(); open('$SCRATCH/got', 'wb').write(b'accepted:' + c.recv(50))" &
	srv=$!
	bg "$srv"
	for _ in $(seq 100); do [ -e "$SCRATCH/ready" ] && break; sleep 0.05; done
	run nono_run -- python3 -c "
import socket
try:
    c = socket.socket(socket.AF_UNIX); c.connect('\0$name'); c.send(b'leak'); print('CONNECTED')
except OSError as e: print('outside-socket errno', e.errno)
d = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
try:
    d.sendto(b'leak', '\0$name'); print('dgram SENT')
except OSError as e: print('dgram errno', e.errno)
s = socket.socket(socket.AF_UNIX); s.bind('\0$name-inner'); s.listen(1)
c = socket.socket(socket.AF_UNIX); c.connect('\0$name-inner'); a, _ = s.accept(); c.send(b'in'); print('inner', a.recv(2).decode())"
	sleep 0.3
	kill "$srv" 2>/dev/null || true
	[[ "$output" == *"outside-socket errno 1"* ]]
	[[ "$output" != *CONNECTED* ]]
	[[ "$output" != *"dgram SENT"* ]]
	[[ "$output" == *"inner in"* ]]
	[ ! -e "$SCRATCH/got" ]
}

@test "device nodes cannot be created even in a writable grant" {
	[ "$(id -u)" -eq 0 ] || skip "only root could make device nodes anyway"
	run nono_run --allow "$WORK" --allow-delete -- python3 -c "
import os, stat
for name, mode, dev in (('kmsg', stat.S_IFCHR, os.makedev(1, 11)), ('mem', stat.S_IFCHR, os.makedev(1, 1)),
                        ('disk', stat.S_IFBLK, os.makedev(8, 0))):
    try:
        os.mknod('$WORK/' + name, 0o600 | mode, dev); print(name, 'MADE')
    except OSError as e: print(name, 'errno', e.errno)"
	[ "$(echo "$output" | grep -c 'errno')" -eq 3 ]
	[[ "$output" != *MADE* ]]
	[ ! -e "$WORK/kmsg" ]
	[ ! -e "$WORK/mem" ]
	[ ! -e "$WORK/disk" ]
}

@test "another process's environ and maps are unreadable; the secret stays out" {
	env SECRET_ENV=abc123-nono-secret sleep 30 &
	victim=$!
	bg "$victim"
	sleep 0.2
	grep -q abc123-nono-secret "/proc/$victim/environ"
	# --no-pid-ns: the victim is listed, so this is Landlock's ptrace
	# restriction alone (with the PID namespace it is not there at all)
	run nono_run --no-pid-ns -- sh -c "cat /proc/$victim/environ; echo env-rc=\$?; cat /proc/$victim/maps; echo maps-rc=\$?
tr '\\0' '\\n' < /proc/$victim/environ; head -c 100 /proc/$victim/mem; echo mem-rc=\$?"
	kill "$victim"
	[[ "$output" != *abc123-nono-secret* ]]
	[[ "$output" == *"Permission denied"* ]]
	[[ "$output" == *"env-rc=1"* ]]
	[[ "$output" == *"maps-rc=1"* ]]
	[[ "$output" != *"mem-rc=0"* ]]
}

@test "the sandbox's own /proc/self/environ and /proc/self/fd work, in grandchildren too" {
	# three levels of shell: the innermost lists its own descriptors and greps its own environ
	run env NONO_OWN_MARK=own-env-visible timeout 30 "$NONO" run --silent -- sh -c '
grep -ao "NONO_OWN_MARK=[a-z-]*" /proc/self/environ
sh -c "sh -c \"echo fds: \\\$(ls /proc/self/fd); grep -ao NONO_OWN_MARK=[a-z-]* /proc/self/environ\""'
	[[ "$output" == *"NONO_OWN_MARK=own-env-visible"* ]]
	[[ "$output" != *"Permission denied"* ]]
	[ "${#lines[@]}" -eq 3 ]
	# the grandchild lists at least 0, 1, 2 and sees its own environment
	[[ "${lines[1]}" == "fds: 0 1 2"* ]]
	[ "${lines[2]}" = "NONO_OWN_MARK=own-env-visible" ]
}

@test "as root, CAP_SYS_ADMIN and CAP_SYS_RAWIO are gone and /proc/kcore is unreadable" {
	[ "$(id -u)" -eq 0 ] || skip "root only"
	outside=$(awk '/CapBnd/ {print $2}' /proc/self/status)
	[ $(( 0x$outside & (1 << 21) )) -ne 0 ] || skip "CAP_SYS_ADMIN already absent outside"
	run nono_run -- sh -c 'grep -E "^Cap(Bnd|Eff|Prm)" /proc/self/status; if head -c 16 /proc/kcore >/dev/null; then echo KCORE-READ; else echo kcore-refused; fi'
	for f in CapBnd CapEff CapPrm; do
		v=$(echo "$output" | awk -v f="$f:" '$1 == f {print $2}')
		[ -n "$v" ]
		[ $(( 0x$v & (1 << 21) )) -eq 0 ]
		[ $(( 0x$v & (1 << 17) )) -eq 0 ]
	done
	[[ "$output" == *kcore-refused* ]]
	[[ "$output" != *KCORE-READ* ]]
}
