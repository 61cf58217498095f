#!/usr/bin/env bats
# The supervisor's mediation, attacked from inside the sandbox and judged
# from outside: arguments it cannot read, paths the kernel resolves
# differently from a string, a thread with its own working directory, a
# 108-byte socket name, exec tricks, the calls and ABIs beside the common
# ones, and what namespaces keep from the host.

load helpers

setup() {
	common_setup
	# the sandbox reads its tools from here
	mkdir -p "$SCRATCH/bin"
	cp "$BATS_TEST_DIRNAME/fixtures/attack.py" "$SCRATCH/bin/"
	ATTACK="$SCRATCH/bin/attack.py"
	echo victim >"$OUTSIDE/victim"
	chmod 644 "$OUTSIDE/victim"
}
teardown() {
	[ -n "${LISTENER:-}" ] && kill "$LISTENER" 2>/dev/null
	[ -n "${SHM_ID:-}" ] && ipcrm -m "$SHM_ID" 2>/dev/null
	common_teardown
}

attack() {
	run timeout 30 "$NONO" run --silent --read "$SCRATCH/bin" "$@"
	echo "$output"
}

# a UNIX socket listening at $1 outside the sandbox; what it receives goes
# to $1.got
listen_at() {
	rm -f "$1" "$1.got"
	timeout 20 python3 -c "
import ctypes, socket, struct, sys
s = socket.socket(socket.AF_UNIX)
# bound through libc: a name of all 108 bytes, which Python refuses
sa = struct.pack('H', socket.AF_UNIX) + sys.argv[1].encode()
assert ctypes.CDLL(None).bind(s.fileno(), ctypes.create_string_buffer(sa, len(sa)), len(sa)) == 0
s.listen(4); s.settimeout(15)
while True:
    c, _ = s.accept()
    open(sys.argv[1] + '.got', 'ab').write(c.recv(100) or b'(connected)')
" "$1" &
	LISTENER=$!
	for _ in $(seq 100); do [ -S "$1" ] && return 0; sleep 0.05; done
	return 1
}

need_secret_memory() {
	python3 -c 'import ctypes; l = ctypes.CDLL(None); l.syscall.restype = ctypes.c_long; exit(l.syscall(447, 0) < 0)' ||
		skip "memfd_secret is not available on this host"
}

mode_of() { stat -c %a "$1"; }

# ---- 1. arguments the supervisor cannot read are refused ---------------------

@test "a path in secret memory: chmod outside the grants fails, the mode is unchanged" {
	need_secret_memory
	attack --allow "$WORK" -- python3 "$ATTACK" secret-chmod "$OUTSIDE/victim"
	[[ "$output" == "secret-chmod -1" ]]
	[ "$(mode_of "$OUTSIDE/victim")" = 644 ]
	# inside the grants as well: what cannot be read is never let through
	echo in >"$WORK/in"
	chmod 644 "$WORK/in"
	attack --allow "$WORK" -- python3 "$ATTACK" secret-chmod "$WORK/in"
	[[ "$output" == "secret-chmod -1" ]]
	[ "$(mode_of "$WORK/in")" = 644 ]
	# and the refusal is in the audit trail
	run timeout 30 "$NONO" audit show last
	echo "$output"
	[[ "$output" == *"could not read exactly"* ]]
}

@test "a path in secret memory: the blocked program does not run" {
	need_secret_memory
	attack --strict-exec --allow "$WORK" -- python3 "$ATTACK" secret-exec /usr/bin/dd
	[[ "$output" == *"secret-exec -1"* ]]
	[[ "$output" != *"records in"* ]]
}

@test "a socket address in secret memory reaches no socket outside the grants" {
	need_secret_memory
	listen_at "$OUTSIDE/s.sock"
	attack --allow "$WORK" -- python3 "$ATTACK" secret-connect "$OUTSIDE/s.sock"
	[[ "$output" == "secret-connect -1" ]]
	sleep 0.3
	[ ! -e "$OUTSIDE/s.sock.got" ]
}

@test "a path in secret memory: unlink and truncate are refused, not let past the journal" {
	need_secret_memory
	echo keep >"$WORK/f"
	echo keep >"$WORK/g"
	attack --rollback --allow-delete --allow "$WORK" -- sh -c "python3 '$ATTACK' secret-unlink '$WORK/f'; python3 '$ATTACK' secret-truncate '$WORK/g'"
	[[ "$output" == *"secret-unlink -1"* ]]
	[[ "$output" == *"secret-truncate -1"* ]]
	[ "$(cat "$WORK/f")" = keep ]
	[ "$(cat "$WORK/g")" = keep ]
}

# ---- 2. paths resolved as the kernel resolves them -----------------------------

@test "l/../victim through a link out of the grants: chmod, utime and xattr do not reach the file" {
	ln -s "$OUTSIDE" "$WORK/l"
	mkdir -p "$OUTSIDE/sub"
	echo victim >"$OUTSIDE/sub/victim"
	ln -sfn "$OUTSIDE/sub" "$WORK/l"
	echo decoy >"$WORK/victim"
	chmod 644 "$OUTSIDE/victim" "$WORK/victim"
	before=$(stat -c %Y "$OUTSIDE/victim")
	attack --allow "$WORK" -- sh -c "cd '$WORK'
python3 '$ATTACK' chmod l/../victim 777
python3 '$ATTACK' utime l/../victim
python3 '$ATTACK' setxattr l/../victim user.nono"
	# the kernel names $OUTSIDE/victim; the string looks like ./victim
	[[ "$output" == *"chmod -1"* ]]
	[[ "$output" == *"utime -1"* ]]
	[[ "$output" == *"setxattr -1"* ]]
	[ "$(mode_of "$OUTSIDE/victim")" = 644 ]
	[ "$(stat -c %Y "$OUTSIDE/victim")" = "$before" ]
	! getfattr -n user.nono "$OUTSIDE/victim" 2>/dev/null | grep -q nono || false
	# the decoy the string named is untouched too
	[ "$(mode_of "$WORK/victim")" = 644 ]
}

@test "l/../victim as root with setuid bits: no setuid file appears anywhere" {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
	mkdir -p "$OUTSIDE/sub"
	ln -s "$OUTSIDE/sub" "$WORK/l"
	cp /bin/true "$OUTSIDE/victim"
	cp /bin/true "$WORK/mine"
	attack --allow "$WORK" -- sh -c "cd '$WORK'
python3 '$ATTACK' chmod l/../victim 4777
python3 '$ATTACK' chmod mine 4755
python3 '$ATTACK' chmod mine 2755
python3 -c 'import os; os.open(\"new\", os.O_CREAT | os.O_WRONLY, 0o4755)' || echo create-refused"
	[[ "$output" == *"chmod -1"* ]]
	[[ "$output" == *"create-refused"* ]]
	[ -z "$(find "$OUTSIDE" "$WORK" -perm /6000)" ]
}

@test "l/../sock: connect reaches no socket outside the grants" {
	mkdir -p "$OUTSIDE/sub"
	ln -s "$OUTSIDE/sub" "$WORK/l"
	listen_at "$OUTSIDE/s.sock"
	attack --allow "$WORK" -- sh -c "cd '$WORK'; python3 '$ATTACK' connect l/../s.sock"
	[[ "$output" == "connect -13" ]]
	sleep 0.3
	[ ! -e "$OUTSIDE/s.sock.got" ]
}

@test "l/../victim inside the grants: the journal records the file the kernel changed" {
	mkdir -p "$WORK/a/b"
	echo real >"$WORK/a/victim"
	echo decoy >"$WORK/victim"
	ln -s "$WORK/a/b" "$WORK/l"
	attack --rollback --allow-delete --allow "$WORK" -- sh -c "cd '$WORK'
python3 '$ATTACK' unlink l/../victim
python3 -c 'open(\"l/../decoy2\", \"w\").write(\"x\")'"
	[[ "$output" == *"unlink 0"* ]]
	[ ! -e "$WORK/a/victim" ]
	[ "$(cat "$WORK/victim")" = decoy ]
	run timeout 30 "$NONO" rollback restore last
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(cat "$WORK/a/victim")" = real ]
	[ ! -e "$WORK/a/decoy2" ]
	[ "$(cat "$WORK/victim")" = decoy ]
}

@test "a relative exec through l/.. meets the blocklist" {
	ln -s /usr/lib "$WORK/l"
	attack --strict-exec --allow "$WORK" -- sh -c "cd '$WORK'; ./l/../bin/dd if=/dev/null of=/dev/null; echo rc=\$?"
	[[ "$output" == *"rc=126"* ]]
	[[ "$output" != *"records in"* ]]
}

# ---- 3. a thread with a working directory of its own -----------------------------

@test "/proc/self/cwd from a thread with its own fs names the process's cwd, as the kernel does" {
	attack --allow "$WORK" -- python3 "$ATTACK" thread-cwd-chmod "$OUTSIDE" "$WORK" victim
	# the thread stands in $WORK, but /proc/self/cwd is the process's: $OUTSIDE
	[[ "$output" == "thread-cwd-chmod -1" ]]
	[ "$(mode_of "$OUTSIDE/victim")" = 644 ]
}

# ---- 4. a 108-byte socket name without a NUL --------------------------------------

@test "a 108-byte sun_path without a NUL is read whole: no socket outside the grants" {
	# a name of exactly 108 bytes, and its 107-byte prefix: a socket the
	# sandbox may reach. The kernel connects to the 108-byte one.
	base="$OUTSIDE/"
	dir=$base$(printf 'd%.0s' $(seq $((100 - ${#base}))))
	mkdir -p "$dir"
	name="$dir/$(printf 's%.0s' $(seq $((108 - ${#dir} - 1))))"
	[ "${#name}" -eq 108 ]
	prefix=${name%?}
	python3 -c "import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])" "$prefix"
	listen_at "$name"
	attack --allow "$WORK" --allow-unix-socket "$prefix" -- python3 "$ATTACK" connect-raw "$name"
	[[ "$output" == "connect-raw -13" ]]
	sleep 0.3
	[ ! -e "$name.got" ]
	# granted, the same name connects
	attack --allow "$WORK" --allow-unix-socket "$name" -- python3 "$ATTACK" connect-raw "$name"
	[[ "$output" == "connect-raw 0" ]]
	for _ in $(seq 40); do [ -s "$name.got" ] && break; sleep 0.05; done
	[ "$(cat "$name.got")" = RAW-CONNECTED ]
}

# ---- 5. exec mediation ------------------------------------------------------------

@test "fexecve of a memfd holding a blocked program is refused and audited" {
	attack --strict-exec --allow "$WORK" -- python3 "$ATTACK" memfd-exec /usr/bin/dd
	[[ "$output" == *"memfd-exec -1"* ]]
	[[ "$output" != *"records in"* ]]
	run timeout 30 "$NONO" audit show last
	echo "$output"
	[[ "$output" == *"anonymous or deleted file"* ]]
}

@test "ld.so asked to run a blocked program is refused" {
	ldso=$(readlink -f /lib64/ld-linux-x86-64.so.2 2>/dev/null || true)
	[ -x "$ldso" ] || skip "no x86-64 dynamic loader here"
	attack --strict-exec --allow "$WORK" -- sh -c "'$ldso' /usr/bin/dd if=/dev/null of=/dev/null; echo rc=\$?
'$ldso' --library-path /usr/lib /usr/bin/dd if=/dev/null of=/dev/null; echo rc=\$?
'$ldso' /usr/bin/true; echo rc=\$?"
	[ "$(echo "$output" | grep -c '^rc=126$')" -eq 2 ]
	[[ "$output" == *"rc=0"* ]]
	[[ "$output" != *"records in"* ]]
}

@test "a blocked program copied under another name is still refused" {
	attack --strict-exec --allow "$WORK" -- sh -c "cat /usr/bin/dd > '$WORK/harmless'; /usr/bin/env chmod 755 '$WORK/harmless' 2>/dev/null
python3 -c 'import os; os.chmod(\"$WORK/harmless\", 0o755)'
'$WORK/harmless' if=/dev/null of=/dev/null; echo rc=\$?"
	[[ "$output" == *"rc=126"* ]]
	[[ "$output" == *"a copy of a blocked command"* ]]
	[[ "$output" != *"records in"* ]]
}

# ---- 6. the calls beside the common ones ----------------------------------------

@test "file_setattr(2) is refused; inode flags of a file outside the grants stay as they were" {
	lsattr "$OUTSIDE/victim" >/dev/null 2>&1 || skip "no inode flags on this filesystem"
	before=$(lsattr -d "$OUTSIDE/victim" | cut -d' ' -f1)
	attack --allow "$WORK" --read "$OUTSIDE" -- sh -c "python3 '$ATTACK' file_setattr '$OUTSIDE/victim'
python3 '$ATTACK' setflags '$OUTSIDE/victim' 0x80"
	[[ "$output" == *"file_setattr -38"* ]]
	[[ "$output" == *"setflags -1"* ]]
	[ "$(lsattr -d "$OUTSIDE/victim" | cut -d' ' -f1)" = "$before" ]
	# inside the grants they work (noatime, 0x80)
	echo in >"$WORK/in"
	attack --allow "$WORK" -- python3 "$ATTACK" setflags "$WORK/in" 0x80
	[[ "$output" == "setflags 0" ]]
	lsattr "$WORK/in" | grep -q A
}

@test "the 32-bit ABI: truncate64, ftruncate64, chown32, utimensat_time64 and socketcall are refused" {
	need_ia32
	mv "$SCRATCH/int80" "$SCRATCH/bin/"
	echo keep >"$WORK/f"
	chmod 644 "$WORK/f"
	run timeout 30 "$NONO" run --silent --rollback --allow-delete --read "$SCRATCH/bin" --allow "$WORK" -- sh -c "
cd '$WORK'
exec 3<>f
'$SCRATCH/bin/int80' 194 3 0 0
'$SCRATCH/bin/int80' 212 0 0 0
'$SCRATCH/bin/int80' 102 3 0 0"
	echo "$output"
	[ "${#lines[@]}" -eq 3 ]
	for i in 0 1 2; do [ "${lines[$i]}" -eq -1 ]; done
	[ "$(cat "$WORK/f")" = keep ]
}

# ---- 7. namespaces and capabilities ------------------------------------------------

@test "the host's SysV shared memory is out of reach" {
	command -v ipcmk >/dev/null || skip "no ipcmk"
	SHM_ID=$(ipcmk -M 4096 | grep -o '[0-9]*$')
	[ -n "$SHM_ID" ]
	before=$(ipcs -m -i "$SHM_ID" | grep -E 'att_time|nattch' | tr -s ' ')
	attack --allow "$WORK" -- python3 -c "
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
p = libc.shmat($SHM_ID, None, 0)
print('shmat', 'FAILED' if p in (None, ctypes.c_void_p(-1).value) else 'ATTACHED', ctypes.get_errno())"
	[[ "$output" == *"shmat FAILED"* ]]
	[ "$(ipcs -m -i "$SHM_ID" | grep -E 'att_time|nattch' | tr -s ' ')" = "$before" ]
}

@test "packet and raw sockets are refused without --block-net; nothing is sniffed" {
	attack --allow "$WORK" -- python3 -c "
import socket
for fam, typ, proto, name in ((17, socket.SOCK_RAW, 0x0300, 'packet'), (socket.AF_INET, socket.SOCK_RAW, 1, 'raw'), (socket.AF_INET6, socket.SOCK_RAW, 58, 'raw6')):
    try:
        s = socket.socket(fam, typ, proto); print(name, 'OPEN')
    except OSError as e: print(name, e.errno)
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM); print('tcp ok')"
	[[ "$output" == *"packet 1"* ]]
	[[ "$output" == *"raw 1"* ]]
	[[ "$output" == *"raw6 1"* ]]
	[[ "$output" == *"tcp ok"* ]]
	[[ "$output" != *OPEN* ]]
}

@test "as root, CAP_NET_RAW is gone inside" {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
	attack --allow "$WORK" -- sh -c 'grep CapEff /proc/self/status'
	eff=$((16#$(echo "$output" | awk '{print $2}')))
	# CAP_NET_RAW is bit 13
	[ $(((eff >> 13) & 1)) -eq 0 ]
}
