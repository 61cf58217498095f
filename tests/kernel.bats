#!/usr/bin/env bats
# What the kernel enforces beyond paths: --block-net (Landlock TCP rules and
# seccomp for every other family), the hardening filter on both x86 ABIs,
# Landlock scopes, device nodes, /proc, capabilities, and the ABI floor.
load helpers
bats_require_minimum_version 1.5.0

setup() { common_setup; }
teardown() {
	[ -n "${LISTENER:-}" ] && kill "$LISTENER" 2>/dev/null
	common_teardown
}

# a TCP listener on loopback that writes whatever it receives to $1
listen_tcp() {
	python3 - "$1" <<'PY' &
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(5)
open(sys.argv[1] + ".port", "w").write(str(s.getsockname()[1]))
s.settimeout(15)
try:
    while True:
        c, _ = s.accept(); c.settimeout(2)
        try:
            data = c.recv(100)
        except Exception:
            data = b""
        open(sys.argv[1], "ab").write(b"conn:" + data + b"\n")
except Exception:
    pass
PY
	LISTENER=$!
	for _ in $(seq 100); do [ -s "$1.port" ] && break; sleep 0.05; done
	PORT=$(cat "$1.port")
}

@test "the network is allowed by default" {
	listen_tcp "$SCRATCH/got"
	run nono_run -- python3 -c "
import socket; s = socket.create_connection(('127.0.0.1', $PORT)); s.sendall(b'hello'); s.close()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.sendto(b'x', ('127.0.0.1', 9)); print('udp-ok')"
	[[ "$output" == *udp-ok* ]]
	sleep 0.3
	grep -q "conn:hello" "$SCRATCH/got"
}

@test "--block-net: TCP connect and bind fail with EACCES, nothing arrives" {
	listen_tcp "$SCRATCH/got"
	run nono_run --block-net -- python3 -c "
import socket
for what in ('connect', 'bind'):
    s = socket.socket()
    try:
        s.connect(('127.0.0.1', $PORT)) if what == 'connect' else s.bind(('127.0.0.1', 0))
        print(what, 'ALLOWED')
    except OSError as e:
        print(what, 'errno', e.errno)"
	[[ "$output" == *"connect errno 13"* ]]
	[[ "$output" == *"bind errno 13"* ]]
	sleep 0.3
	[ ! -s "$SCRATCH/got" ]
}

@test "--block-net: UDP, raw, packet, netlink, SCTP and MPTCP sockets are refused; UNIX sockets work" {
	run nono_run --net-block -- python3 -c "
import socket
cases = [('udp', socket.AF_INET, socket.SOCK_DGRAM, 0), ('udp6', socket.AF_INET6, socket.SOCK_DGRAM, 0),
         ('raw', socket.AF_INET, socket.SOCK_RAW, 1), ('packet', socket.AF_PACKET, socket.SOCK_RAW, 0),
         ('netlink', socket.AF_NETLINK, socket.SOCK_RAW, 0), ('sctp', socket.AF_INET, socket.SOCK_STREAM, 132),
         ('mptcp', socket.AF_INET, socket.SOCK_STREAM, 262), ('seqpacket', socket.AF_INET, socket.SOCK_SEQPACKET, 132)]
for name, f, t, p in cases:
    try:
        socket.socket(f, t, p); print(name, 'ALLOWED')
    except OSError as e:
        print(name, 'errno', e.errno)
a, b = socket.socketpair(); a.send(b'u'); print('unix', b.recv(1).decode())"
	[ "$(echo "$output" | grep -c 'errno 13')" -eq 8 ]
	[[ "$output" != *ALLOWED* ]]
	[[ "$output" == *"unix u"* ]]
}

@test "NONO_BLOCK_NET=1 blocks too" {
	run env NONO_BLOCK_NET=1 timeout 30 "$NONO" run --silent -- python3 -c "
import socket
try:
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM); print('ALLOWED')
except OSError as e: print('errno', e.errno)"
	[[ "$output" == *"errno 13"* ]]
}

@test "--block-net: TCP Fast Open cannot carry data past the connect rule" {
	listen_tcp "$SCRATCH/got"
	run nono_run --block-net -- python3 -c "
import socket
s = socket.socket()
try:
    s.sendto(b'exfil', 0x20000000, ('127.0.0.1', $PORT)); print('sendto ALLOWED')
except OSError as e: print('sendto errno', e.errno)
t = socket.socket()
try:
    t.setsockopt(socket.IPPROTO_TCP, 30, 1); print('setsockopt ALLOWED')
except OSError as e: print('setsockopt errno', e.errno)"
	[[ "$output" == *"sendto errno 13"* ]]
	[[ "$output" == *"setsockopt errno 13"* ]]
	sleep 0.3
	! grep -q exfil "$SCRATCH/got" 2>/dev/null
}

@test "the hardening filter refuses escape and kernel-attack syscalls with EPERM" {
	run nono_run -- python3 -c "
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
calls = {'ptrace': (101, 0, 0, 0, 0), 'process_vm_readv': (310, os.getppid(), 0, 0, 0), 'bpf': (321, 0, 0, 0, 0),
         'perf_event_open': (298, 0, 0, 0, 0), 'userfaultfd': (323, 0, 0, 0, 0), 'keyctl': (250, 0, 0, 0, 0),
         'add_key': (248, 0, 0, 0, 0), 'mount': (165, 0, 0, 0, 0), 'umount2': (166, 0, 0, 0, 0),
         'pivot_root': (155, 0, 0, 0, 0), 'fsopen': (430, 0, 0, 0, 0), 'open_tree': (428, 0, 0, 0, 0),
         'io_uring_setup': (425, 1, 0, 0, 0), 'syslog': (103, 3, 0, 0, 0), 'sethostname': (170, 0, 0, 0, 0),
         'open_by_handle_at': (304, 0, 0, 0, 0), 'kexec_load': (246, 0, 0, 0, 0), 'init_module': (175, 0, 0, 0, 0)}
for name, (nr, *args) in calls.items():
    r = libc.syscall(nr, *args); e = ctypes.get_errno()
    print(name, 'EPERM' if r == -1 and e == 1 else 'GOT %d/%d' % (r, e))"
	[ "$(echo "$output" | grep -c EPERM)" -eq 18 ]
	[[ "$output" != *GOT* ]]
}

@test "terminal injection (TIOCSTI, TIOCLINUX) is refused" {
	run nono_run -- python3 -c "
import fcntl, os, termios
m, s = os.openpty()
# the kernel reads ioctl's request as 32 bits: high bits must not slip past
for name, req in (('TIOCSTI', termios.TIOCSTI), ('TIOCLINUX', 0x541C), ('TIOCSTI-high', termios.TIOCSTI | (1 << 32))):
    try:
        fcntl.ioctl(s, req, b'x'); print(name, 'ALLOWED')
    except OSError as e: print(name, 'errno', e.errno)
    except OverflowError: print(name, 'errno 1')
fcntl.ioctl(s, termios.TCGETS, bytes(60)); print('tcgets ok')"
	[[ "$output" == *"TIOCSTI errno 1"* ]]
	[[ "$output" == *"TIOCLINUX errno 1"* ]]
	[[ "$output" == *"TIOCSTI-high errno 1"* ]]
	[[ "$output" == *"tcgets ok"* ]]
}

@test "the 32-bit x86 ABI is filtered as well" {
	cc -O0 -o "$SCRATCH/int80" "$NONO_SRCDIR/tests/fixtures/int80.c" 2>/dev/null || skip "no C compiler"
	# getpid (20) passes; ptrace (26), mount (21), sethostname (74) are refused with -EPERM
	run nono_run --read "$SCRATCH" -- sh -c "for nr in 20 26 21 74; do '$SCRATCH/int80' \$nr; done"
	[ "$(echo "$output" | sed -n 1p)" -gt 0 ]
	[ "$(echo "$output" | sed -n 2p)" -eq -1 ]
	[ "$(echo "$output" | sed -n 3p)" -eq -1 ]
	[ "$(echo "$output" | sed -n 4p)" -eq -1 ]
	run "$SCRATCH/int80" 26
	[ "$output" -ne -1 ]
}

@test "signals cannot leave the sandbox, but work inside it" {
	sleep 30 &
	victim=$!
	run nono_run -- sh -c "kill -TERM $victim; echo rc=\$?; sleep 5 & kill \$! && echo inner-ok"
	kill -0 "$victim"
	kill "$victim"
	[[ "$output" == *"Operation not permitted"* ]]
	[[ "$output" == *inner-ok* ]]
}

@test "abstract UNIX sockets outside the sandbox are unreachable" {
	python3 -c "
import socket, time
s = socket.socket(socket.AF_UNIX); s.bind('\0nono-test-$$'); s.listen(1); time.sleep(10)" &
	srv=$!
	sleep 0.3
	run nono_run -- python3 -c "
import socket
try:
    socket.socket(socket.AF_UNIX).connect('\0nono-test-$$'); print('CONNECTED')
except OSError as e: print('errno', e.errno)"
	kill "$srv"
	[[ "$output" == *"errno 1"* ]]
}

@test "device nodes cannot be created even in a writable grant" {
	run nono_run --allow "$WORK" -- python3 -c "
import os, stat
try:
    os.mknod('$WORK/kmsg', 0o600 | stat.S_IFCHR, os.makedev(1, 11)); print('MADE')
except OSError as e: print('errno', e.errno)"
	[[ "$output" != *MADE* ]]
	[ ! -e "$WORK/kmsg" ]
}

@test "other processes' environ and maps are unreadable; our own /proc works in grandchildren" {
	env NONO_TEST_SECRET=abc123xyz sleep 30 &
	victim=$!
	run nono_run -- sh -c "cat /proc/$victim/environ; cat /proc/$victim/maps; sh -c 'sh -c \"ls /proc/self/fd | wc -l\"'"
	kill "$victim"
	[[ "$output" != *abc123xyz* ]]
	[[ "$output" == *"Permission denied"* ]]
	[ "$(echo "$output" | tail -n1)" -gt 2 ]
}

@test "as root, administrative capabilities are gone and /proc/kcore is unreadable" {
	[ "$(id -u)" -eq 0 ] || skip "root only"
	run nono_run -- sh -c 'grep CapBnd /proc/self/status; head -c1 /proc/kcore >/dev/null && echo KCORE'
	bnd=$(echo "$output" | awk '/CapBnd/ {print $2}')
	[ $(( 0x$bnd & (1 << 21) )) -eq 0 ]
	[ $(( 0x$bnd & (1 << 17) )) -eq 0 ]
	[[ "$output" != *KCORE* ]]
}

@test "below Landlock ABI 6 nono refuses to run and names the missing feature" {
	for abi in 1 2 3 4 5; do
		run env NONO_TEST_LANDLOCK_ABI=$abi timeout 30 "$NONO" run --silent --allow "$WORK" -- touch "$WORK/ran-$abi"
		[ "$status" -eq 125 ]
		[[ "$output" == *"needs ABI"* ]]
		[ ! -e "$WORK/ran-$abi" ]
	done
	run env NONO_TEST_LANDLOCK_ABI=2 timeout 30 "$NONO" run --silent -- true
	[[ "$output" == *"truncation control needs ABI 3"* ]]
	run env NONO_TEST_LANDLOCK_ABI=5 timeout 30 "$NONO" run --silent -- true
	[[ "$output" == *"signal isolation needs ABI 6"* ]]
	for abi in 6 7; do
		run env NONO_TEST_LANDLOCK_ABI=$abi timeout 30 "$NONO" run --silent --allow "$WORK" -- touch "$WORK/ran-$abi"
		[ "$status" -eq 0 ]
		[ -e "$WORK/ran-$abi" ]
	done
}

@test "at ABI 6 the sandbox still holds; setup and dry-run report the capped ABI" {
	run env NONO_TEST_LANDLOCK_ABI=6 timeout 30 "$NONO" run --silent -- cat "$HOME/.ssh/id_rsa"
	[[ "$output" != *SECRET* ]]
	run env NONO_TEST_LANDLOCK_ABI=4 timeout 30 "$NONO" setup --check-only --json
	[ "$status" -eq 1 ]
	echo "$output" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["landlock_abi"]==4 and d["ready"] is False'
	run env NONO_TEST_LANDLOCK_ABI=4 timeout 30 "$NONO" run --dry-run --json -- true
	echo "$output" | python3 -c '
import json,sys; d=json.load(sys.stdin); assert d["refused"]
f={x["name"]: x["available"] for x in d["features"]}; assert f["TCP connect and bind control"] and not f["signal isolation"]'
	run timeout 30 "$NONO" setup --check-only
	[ "$status" -eq 0 ]
	[[ "$output" == *"nono run: ready"* ]]
}
