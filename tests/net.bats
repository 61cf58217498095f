#!/usr/bin/env bats
# The network: allowed by default; --block-net (--net-block, NONO_BLOCK_NET=1)
# blocks every non-UNIX socket: TCP connect and bind (Landlock), UDP, raw,
# packet, netlink, SCTP, MPTCP (seccomp), TCP Fast Open, on both x86 ABIs.
# Every test checks what reached a loopback listener, not only an errno.
load helpers
bats_require_minimum_version 1.5.0

setup() { common_setup; }
teardown() {
	local p
	for p in ${LISTENERS:-}; do kill "$p" 2>/dev/null || true; done
	common_teardown
}

# start_tcp FILE [HOST]: a TCP listener on loopback that appends "conn:DATA"
# to FILE for every connection; its port ends up in $PORT. Bounded: it exits
# after 20 seconds whatever happens.
start_tcp() {
	local host="${2:-127.0.0.1}" fam=AF_INET
	[ "$host" = "::1" ] && fam=AF_INET6
	rm -f "$1.port"
	timeout 20 python3 - "$1" "$host" "$fam" <<'PY' &
import socket, sys
s = socket.socket(getattr(socket, sys.argv[3]))
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[2], 0)); s.listen(5)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1] + ".port")
s.settimeout(15)
while True:
    c, _ = s.accept(); c.settimeout(2)
    try:
        data = c.recv(100)
    except Exception:
        data = b""
    with open(sys.argv[1], "ab") as f:
        f.write(b"conn:" + data + b"\n")
PY
	LISTENER=$!
	LISTENERS="${LISTENERS:-} $LISTENER"
	local i
	for i in $(seq 100); do [ -s "$1.port" ] && break; sleep 0.05; done
	PORT=$(cat "$1.port")
	[ -n "$PORT" ]
}

# start_udp FILE: a UDP receiver on 127.0.0.1 that appends "dgram:DATA" to
# FILE for every datagram; its port ends up in $UPORT
start_udp() {
	rm -f "$1.port"
	timeout 20 python3 - "$1" <<'PY' &
import socket, sys, os
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1] + ".port")
s.settimeout(15)
while True:
    data, _ = s.recvfrom(100)
    with open(sys.argv[1], "ab") as f:
        f.write(b"dgram:" + data + b"\n")
PY
	LISTENERS="${LISTENERS:-} $!"
	UDP_LISTENER=$!
	local i
	for i in $(seq 100); do [ -s "$1.port" ] && break; sleep 0.05; done
	UPORT=$(cat "$1.port")
	[ -n "$UPORT" ]
}

# wait_for FILE PATTERN: up to 3 seconds for PATTERN to show up in FILE
wait_for() {
	local i
	for i in $(seq 60); do grep -q -- "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
	return 1
}


@test "default: a TCP connect to a loopback listener works and the data arrives" {
	start_tcp "$SCRATCH/got"
	run nono_run --allow "$WORK" -- python3 -c "
import socket
s = socket.create_connection(('127.0.0.1', $PORT), timeout=5); s.sendall(b'hello-tcp'); s.close()
print('tcp-sent')"
	wait_for "$SCRATCH/got" "conn:hello-tcp"
	stop "$LISTENER"
	[[ "$output" == *tcp-sent* ]]
	grep -q "conn:hello-tcp" "$SCRATCH/got"
}

@test "default: UDP sendto works and the datagram arrives" {
	start_udp "$SCRATCH/udp"
	run nono_run --allow "$WORK" -- python3 -c "
import socket
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
print('sent', u.sendto(b'hello-udp', ('127.0.0.1', $UPORT)))"
	wait_for "$SCRATCH/udp" "dgram:hello-udp"
	stop "$UDP_LISTENER"
	[[ "$output" == *"sent 9"* ]]
	grep -q "dgram:hello-udp" "$SCRATCH/udp"
}

@test "default: IPv6 loopback (::1) TCP works too" {
	python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null || skip "no IPv6 loopback"
	start_tcp "$SCRATCH/got6" "::1"
	run nono_run -- python3 -c "
import socket
s = socket.create_connection(('::1', $PORT), timeout=5); s.sendall(b'hello-v6'); s.close(); print('v6-sent')"
	wait_for "$SCRATCH/got6" "conn:hello-v6"
	stop "$LISTENER"
	[[ "$output" == *v6-sent* ]]
	grep -q "conn:hello-v6" "$SCRATCH/got6"
}

@test "--block-net: TCP connect to the listener fails with EACCES and nothing arrives" {
	start_tcp "$SCRATCH/got"
	run nono_run --allow "$WORK" --block-net -- python3 -c "
import socket
s = socket.socket(); s.settimeout(5)
try:
    s.connect(('127.0.0.1', $PORT)); s.sendall(b'leak'); print('CONNECTED')
except OSError as e:
    print('connect errno', e.errno, e.strerror)"
	sleep 0.5
	stop "$LISTENER"
	[[ "$output" == *"connect errno 13 Permission denied"* ]]
	[[ "$output" != *CONNECTED* ]]
	[ ! -s "$SCRATCH/got" ]
}

@test "--block-net: IPv6 TCP connect to ::1 fails with EACCES and nothing arrives" {
	python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null || skip "no IPv6 loopback"
	start_tcp "$SCRATCH/got6" "::1"
	run nono_run --block-net -- python3 -c "
import socket
for host in ('::1', '::ffff:127.0.0.1'):
    s = socket.socket(socket.AF_INET6); s.settimeout(5)
    try:
        s.connect((host, $PORT)); s.sendall(b'leak'); print(host, 'CONNECTED')
    except OSError as e:
        print(host, 'errno', e.errno)"
	sleep 0.5
	stop "$LISTENER"
	[[ "$output" == *"::1 errno 13"* ]]
	[[ "$output" == *"::ffff:127.0.0.1 errno 13"* ]]
	[[ "$output" != *CONNECTED* ]]
	[ ! -s "$SCRATCH/got6" ]
}

@test "--block-net: binding a TCP port fails with EACCES and nothing listens there" {
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	nono_run --allow "$WORK" --block-net -- python3 -c "
import socket, time
for port in ($port, 0):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(('127.0.0.1', port)); s.listen(1); print('bind', port, 'ALLOWED')
    except OSError as e:
        print('bind', port, 'errno', e.errno)
open('$WORK/ready', 'w').write('1'); time.sleep(1.5)" > "$SCRATCH/out" 2>&1 &
	inner=$!
	for _ in $(seq 100); do [ -e "$WORK/ready" ] && break; sleep 0.05; done
	run python3 -c "
import socket
try:
    socket.create_connection(('127.0.0.1', $port), timeout=2); print('REACHED')
except OSError as e: print('outside errno', e.errno)"
	wait "$inner"
	[ -e "$WORK/ready" ]
	[[ "$output" != *REACHED* ]]
	grep -q "bind $port errno 13" "$SCRATCH/out"
	grep -q "bind 0 errno 13" "$SCRATCH/out"
	! grep -q ALLOWED "$SCRATCH/out" || false
}

@test "--net-block: UDP sockets cannot be created, no datagram arrives" {
	start_udp "$SCRATCH/udp"
	run nono_run --net-block -- python3 -c "
import socket
for fam, host in ((socket.AF_INET, '127.0.0.1'), (socket.AF_INET6, '::ffff:127.0.0.1')):
    for flags in (0, socket.SOCK_NONBLOCK | socket.SOCK_CLOEXEC):
        try:
            u = socket.socket(fam, socket.SOCK_DGRAM | flags)
            u.sendto(b'leak-udp', (host, $UPORT)); print(fam, flags, 'SENT')
        except OSError as e:
            print(fam, flags, 'errno', e.errno)"
	sleep 0.5
	stop "$UDP_LISTENER"
	[ "$(echo "$output" | grep -c 'errno 13')" -eq 4 ]
	[[ "$output" != *SENT* ]]
	[ ! -s "$SCRATCH/udp" ]
}

@test "NONO_BLOCK_NET=1 blocks TCP and UDP like --block-net" {
	start_tcp "$SCRATCH/got"
	start_udp "$SCRATCH/udp"
	run env NONO_BLOCK_NET=1 timeout 30 "$NONO" run --silent --allow "$WORK" -- python3 -c "
import socket
try:
    socket.create_connection(('127.0.0.1', $PORT), timeout=5).sendall(b'leak'); print('tcp CONNECTED')
except OSError as e: print('tcp errno', e.errno)
try:
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'leak', ('127.0.0.1', $UPORT)); print('udp SENT')
except OSError as e: print('udp errno', e.errno)"
	sleep 0.5
	stop "$LISTENER" "$UDP_LISTENER"
	[[ "$output" == *"tcp errno 13"* ]]
	[[ "$output" == *"udp errno 13"* ]]
	[ ! -s "$SCRATCH/got" ]
	[ ! -s "$SCRATCH/udp" ]
}

@test "--block-net: raw, packet, netlink and other non-UNIX families fail; AF_UNIX socketpair works" {
	run nono_run --block-net -- python3 -c "
import socket
cases = [('raw', socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP),
         ('raw-tcp', socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP),
         ('raw6', socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6),
         ('icmp-dgram', socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP),
         ('packet', socket.AF_PACKET, socket.SOCK_RAW, 0),
         ('packet-dgram', socket.AF_PACKET, socket.SOCK_DGRAM, 0),
         ('netlink-route', socket.AF_NETLINK, socket.SOCK_RAW, 0),
         ('netlink-dgram', socket.AF_NETLINK, socket.SOCK_DGRAM, 0),
         ('vsock', 40, socket.SOCK_STREAM, 0),
         ('alg', 38, socket.SOCK_SEQPACKET, 0)]
for name, f, t, p in cases:
    try:
        socket.socket(f, t, p); print(name, 'ALLOWED')
    except OSError as e:
        print(name, 'errno', e.errno)
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
a.send(b'via-unix'); print('unix', b.recv(20).decode())
c, d = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
c.send(b'dgram-unix'); print('unix', d.recv(20).decode())"
	[ "$(echo "$output" | grep -c 'errno 13')" -eq 10 ]
	[[ "$output" != *ALLOWED* ]]
	[[ "$output" == *"unix via-unix"* ]]
	[[ "$output" == *"unix dgram-unix"* ]]
}

@test "--block-net: SCTP and MPTCP sockets are refused, whatever the type flags" {
	run nono_run --block-net -- python3 -c "
import socket
for proto in (132, 262):
    for fam in (socket.AF_INET, socket.AF_INET6):
        for t in (socket.SOCK_STREAM, socket.SOCK_STREAM | socket.SOCK_NONBLOCK | socket.SOCK_CLOEXEC, socket.SOCK_SEQPACKET):
            if proto == 262 and t == socket.SOCK_SEQPACKET:
                continue
            try:
                socket.socket(fam, t, proto); print(proto, fam, t, 'ALLOWED')
            except OSError as e:
                print(proto, fam, t, 'errno', e.errno)"
	[ "$(echo "$output" | grep -c 'errno 13')" -eq 10 ]
	[[ "$output" != *ALLOWED* ]]
}

@test "--block-net: TCP Fast Open (sendto/sendmsg MSG_FASTOPEN, TCP_FASTOPEN_CONNECT) fails, nothing arrives" {
	start_tcp "$SCRATCH/got"
	run nono_run --block-net -- python3 -c "
import socket
MSG_FASTOPEN = 0x20000000
s = socket.socket()
try:
    s.sendto(b'exfil-sendto', MSG_FASTOPEN, ('127.0.0.1', $PORT)); print('sendto ALLOWED')
except OSError as e: print('sendto errno', e.errno)
s = socket.socket()
try:
    s.sendmsg([b'exfil-sendmsg'], [], MSG_FASTOPEN, ('127.0.0.1', $PORT)); print('sendmsg ALLOWED')
except OSError as e: print('sendmsg errno', e.errno)
t = socket.socket()
try:
    t.setsockopt(socket.IPPROTO_TCP, 30, 1); print('setsockopt ALLOWED')
except OSError as e: print('setsockopt errno', e.errno)"
	sleep 0.5
	stop "$LISTENER"
	[[ "$output" == *"sendto errno 13"* ]]
	[[ "$output" == *"sendmsg errno 13"* ]]
	[[ "$output" == *"setsockopt errno 13"* ]]
	[[ "$output" != *ALLOWED* ]]
	[ ! -s "$SCRATCH/got" ]
}

@test "--block-net covers the 32-bit x86 ABI: socket (359) and socketcall (102)" {
	need_ia32
	cc -O0 -o "$SCRATCH/socketcall32" "$BATS_TEST_DIRNAME/fixtures/socketcall32.c" || skip "no C compiler"
	# outside: socket(AF_INET, SOCK_DGRAM) through both entry points gives a descriptor
	[ "$("$SCRATCH/int80" 359 2 2 0)" -ge 0 ]
	[ "$("$SCRATCH/socketcall32" 2 2 0)" -ge 0 ]
	run nono_run --block-net --read "$SCRATCH" -- sh -c "
'$SCRATCH/int80' 359 2 2 0; '$SCRATCH/int80' 359 10 2 0; '$SCRATCH/int80' 359 17 3 0
'$SCRATCH/socketcall32' 2 2 0; '$SCRATCH/socketcall32' 16 3 0; '$SCRATCH/socketcall32' 2 1 262
'$SCRATCH/int80' 359 1 1 0"
	[ "${#lines[@]}" -eq 7 ]
	for i in 0 1 2 3 4 5; do
		[ "${lines[$i]}" -eq -13 ]
	done
	# AF_UNIX through the 32-bit ABI still works
	[ "${lines[6]}" -ge 0 ]
}

@test "--block-net: a listening socket without bind (autobind) cannot accept connections from outside" {
	# listen() on an unbound TCP socket picks an ephemeral port without a
	# bind(): inbound network access must be blocked as well
	nono_run --allow "$WORK" --block-net -- python3 -c "
import socket
s = socket.socket()
try:
    s.listen(1)
except OSError as e:
    print('listen errno', e.errno); open('$WORK/port', 'w').write('none'); raise SystemExit
s.settimeout(4)
# written in one go (a rename would need --allow-delete)
open('$WORK/port', 'w').write(str(s.getsockname()[1]) + '\n')
try:
    c, _ = s.accept(); c.settimeout(2); open('$WORK/inbound', 'wb').write(c.recv(100)); print('ACCEPTED')
except OSError as e: print('accept', e)" > "$SCRATCH/out" 2>&1 &
	inner=$!
	for _ in $(seq 100); do grep -q . "$WORK/port" 2>/dev/null && break; sleep 0.05; done
	port=$(head -n1 "$WORK/port")
	if [ "$port" != none ]; then
		run timeout 10 python3 -c "
import socket
try:
    s = socket.create_connection(('127.0.0.1', $port), timeout=2); s.sendall(b'inbound-data'); s.close(); print('outside CONNECTED')
except OSError as e: print('outside errno', e.errno)"
	fi
	wait "$inner" || true
	cat "$SCRATCH/out"
	! grep -q ACCEPTED "$SCRATCH/out" || false
	[ ! -e "$WORK/inbound" ]
}
