#!/usr/bin/env bats
# Proxy mode (--allow-domain, --network-profile, the profile's
# network.allow_domain and network_profile): the sandbox reaches the network
# only through nono's HTTP proxy on loopback, which tunnels or forwards to the
# allowed hosts and refuses the rest. Each test checks what the loopback
# server actually received.
load helpers
bats_require_minimum_version 1.5.0

setup() {
	common_setup
	unset NONO_ALLOW_DOMAIN NONO_NETWORK_PROFILE
	echo "served-bytes-$$" > "$OUTSIDE/page.txt"
}
teardown() {
	[ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null
	common_teardown
}


# curl inside the sandbox: localhost is not exempted from the proxy here
in_curl() { echo "NO_PROXY= no_proxy= curl -s -S --max-time 20 $*"; }

@test "an allowed host is reached through the proxy; a direct connection is refused" {
	start_http
	run timeout 60 "$NONO" run --silent --allow "$WORK" --allow-domain localhost -- sh -c \
		"$(in_curl "http://localhost:$PORT/page.txt"); echo; curl -s -S --noproxy '*' --max-time 5 http://127.0.0.1:$PORT/page.txt; echo direct=\$?"
	[[ "$output" == *"served-bytes-$$"* ]]
	[[ "$output" == *"direct=7"* ]]
	[ "$(grep -c 'GET /page.txt' "$SCRATCH/requests")" -eq 1 ]
	# python sees EACCES from Landlock for the direct connect
	run timeout 60 "$NONO" run --silent --allow "$WORK" --allow-domain localhost -- python3 -c "
import socket
try:
    socket.create_connection(('127.0.0.1', $PORT), timeout=5); print('connected')
except OSError as e: print('errno', e.errno)"
	[ "$output" = "errno 13" ]
	[ "$(grep -c 'GET' "$SCRATCH/requests")" -eq 1 ]
}

@test "the proxy's port at any other address is refused: Landlock's rule is per port, the supervisor checks the address" {
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	# a listener on 127.0.0.2 with the port the proxy will have
	timeout 30 python3 -c "
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.2', $port)); s.listen(5); open('$SCRATCH/l.up', 'w').close(); s.settimeout(20)
c, _ = s.accept(); open('$SCRATCH/reached', 'w').write('yes')" &
	LST=$!
	for _ in $(seq 100); do [ -e "$SCRATCH/l.up" ] && break; sleep 0.05; done
	run timeout 30 "$NONO" run --silent --allow "$WORK" --allow-domain localhost --proxy-port "$port" -- python3 -c "
import socket
for a in ('127.0.0.2', '127.0.0.1'):
    try:
        socket.create_connection((a, $port), timeout=5).close(); print(a, 'connected')
    except OSError as e: print(a, 'errno', e.errno)"
	kill "$LST" 2>/dev/null || true
	[[ "$output" == *"127.0.0.2 errno 13"* ]]
	[[ "$output" == *"127.0.0.1 connected"* ]]
	[ ! -e "$SCRATCH/reached" ]
}

@test "a host not on the list gets 403 naming the flag, and the server sees nothing" {
	start_http
	run timeout 60 "$NONO" run --silent --allow "$WORK" --allow-domain example.invalid -- sh -c \
		"$(in_curl -w '%{http_code}' "http://localhost:$PORT/page.txt")"
	[[ "$output" == *"localhost is not on this sandbox's allow list"*"--allow-domain localhost"*403 ]]
	[ ! -s "$SCRATCH/requests" ]
}

@test "CONNECT tunnels to an allowed host only; the proxy wants its token (407 without)" {
	start_http
	run timeout 60 "$NONO" run --silent --allow "$WORK" --allow-domain localhost -- python3 -c "
import base64, os, socket, urllib.parse
u = urllib.parse.urlparse(os.environ['HTTP_PROXY'])
def ask(target, auth):
    s = socket.create_connection((u.hostname, u.port), timeout=10)
    h = 'CONNECT %s HTTP/1.1\r\nHost: %s\r\n' % (target, target)
    if auth: h += 'Proxy-Authorization: Basic %s\r\n' % base64.b64encode(auth.encode()).decode()
    s.sendall((h + '\r\n').encode())
    return s, s.recv(4096).decode(errors='replace').split('\r\n')[0]
s, line = ask('localhost:$PORT', 'nono:' + os.environ['NONO_PROXY_TOKEN'])
print('ok:', line)
s.sendall(b'GET /page.txt HTTP/1.0\r\nHost: localhost\r\n\r\n')
data = b''
while True:
    b = s.recv(4096)
    if not b: break
    data += b
print('body:', data.decode().split('\r\n\r\n', 1)[1].strip())
print('other:', ask('elsewhere.invalid:443', 'nono:' + os.environ['NONO_PROXY_TOKEN'])[1])
print('wrong:', ask('localhost:$PORT', 'nono:wrong')[1])
print('none:', ask('localhost:$PORT', None)[1])
"
	[[ "$output" == *"ok: HTTP/1.1 200 Connection established"* ]]
	[[ "$output" == *"body: served-bytes-$$"* ]]
	[[ "$output" == *"other: HTTP/1.1 403 Forbidden"* ]]
	[[ "$output" == *"wrong: HTTP/1.1 407"* ]]
	[[ "$output" == *"none: HTTP/1.1 407"* ]]
	[ "$(grep -c 'GET /page.txt' "$SCRATCH/requests")" -eq 1 ]
}

@test "the proxy's decisions are in the audit trail with host and port; each refusal is said at once and in the report" {
	start_http
	run --separate-stderr timeout 60 "$NONO" run --allow "$WORK" --allow-domain localhost -- sh -c "
		$(in_curl -o /dev/null "http://localhost:$PORT/page.txt")
		$(in_curl -o /dev/null "http://elsewhere.invalid:8081/x")
		$(in_curl -o /dev/null "https://other.invalid/")
		true"
	[[ "$stderr" == *"nono: the proxy refused GET elsewhere.invalid:8081: not on the allow list (--allow-domain elsewhere.invalid would allow it)"* ]]
	[[ "$stderr" == *"nono: the proxy refused CONNECT other.invalid:443"* ]]
	[[ "$stderr" == *"  proxy elsewhere.invalid, other.invalid (the proxy): --allow-domain"* ]] ||
		[[ "$stderr" == *"  proxy elsewhere.invalid (the proxy): --allow-domain elsewhere.invalid would allow it"* ]]
	"$NONO" audit show last --json | pyjson "
n = [(e['op'], e['host'], e['port'], e['outcome'], e.get('refused_by')) for e in d['events'] if e['type'] == 'network']
assert ('GET', 'localhost', $PORT, 'done', None) in n, n
assert ('GET', 'elsewhere.invalid', 8081, 'refused', 'proxy') in n, n
assert ('CONNECT', 'other.invalid', 443, 'refused', 'proxy') in n, n
"
	run -0 "$NONO" audit show last
	has "REFUSED  network  GET elsewhere.invalid:8081  (the proxy, EACCES)"
	has "network  GET localhost:$PORT"
	# --silent: in the trail, not on stderr
	run timeout 60 "$NONO" run --silent --allow "$WORK" --allow-domain localhost -- sh -c \
		"$(in_curl -o /dev/null "http://elsewhere.invalid/x"); true"
	lacks "refused"
	"$NONO" audit show last --json | pyjson "assert any(e['type'] == 'network' and e['outcome'] == 'refused' for e in d['events'])"
}

@test "--deny-domain: a host the resolver would decode (\\DDD, \\., %XX) is refused with 400 on every path; the server sees nothing" {
	start_http
	# glibc's resolver reads local\104ost as localhost: the lists would see
	# another name than the one resolved
	run --separate-stderr timeout 60 "$NONO" run --allow "$WORK" --deny-domain localhost -- python3 -c "
import base64, os, socket, sys, urllib.parse
u = urllib.parse.urlparse(os.environ['HTTP_PROXY'])
auth = 'Proxy-Authorization: Basic %s\r\n' % base64.b64encode(('nono:' + os.environ['NONO_PROXY_TOKEN']).encode()).decode()
def ask(line, extra=''):
    s = socket.create_connection((u.hostname, u.port), timeout=10)
    s.sendall((line + ' HTTP/1.1\r\nHost: localhost:$PORT\r\n' + extra + auth + '\r\n').encode())
    print(line.split(' ')[1], '->', s.recv(4096).decode(errors='replace').split('\r\n')[0].split(' ')[1])
ask(r'CONNECT local\104ost:$PORT')
ask(r'CONNECT local\.host:$PORT')
ask(r'GET http://local\104ost:$PORT/page.txt')
ask(r'GET http://%6cocalhost:$PORT/page.txt')
ask(r'GET http://local\104ost:$PORT/ws', 'Upgrade: websocket\r\nConnection: Upgrade\r\n')
ask(r'CONNECT [::1%lo]:$PORT')
ask(r'GET http://127.1:$PORT/page.txt')
ask(r'GET http://LocalHost.:$PORT/page.txt')
"
	[ "${lines[0]}" = "local\\104ost:$PORT -> 400" ]
	[ "${lines[1]}" = "local\\.host:$PORT -> 400" ]
	[ "${lines[2]}" = "http://local\\104ost:$PORT/page.txt -> 400" ]
	[ "${lines[3]}" = "http://%6cocalhost:$PORT/page.txt -> 400" ]
	[ "${lines[4]}" = "http://local\\104ost:$PORT/ws -> 400" ]
	[ "${lines[5]}" = "[::1%lo]:$PORT -> 400" ]
	[ "${lines[6]}" = "http://127.1:$PORT/page.txt -> 400" ]
	# a plain name compares without case and final dot: denied
	[ "${lines[7]}" = "http://LocalHost.:$PORT/page.txt -> 403" ]
	[ ! -s "$SCRATCH/requests" ]
	[[ "$stderr" == *"the proxy refused CONNECT local\\\\104ost:$PORT: not a plain host name"* ]]
	"$NONO" audit show last --json | pyjson "
n = [(e['op'], e['host'], e['port'], e['outcome'], e.get('refused_by')) for e in d['events'] if e['type'] == 'network']
assert ('CONNECT', r'local\\104ost', $PORT, 'refused', 'proxy') in n, n
assert ('GET', '%6cocalhost', $PORT, 'refused', 'proxy') in n, n
assert ('GET', 'localhost', $PORT, 'refused', 'proxy') in n, n
assert all(o == 'refused' for _, _, _, o, _ in n), n
"
}

@test "proxy mode refuses UDP and listening, like --block-net" {
	run timeout 60 "$NONO" run --silent --allow "$WORK" --allow-domain localhost -- python3 -c "
import socket
for what in ('udp', 'listen'):
    try:
        if what == 'udp':
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('127.0.0.1', 9))
        else:
            s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(1)
        print(what, 'allowed')
    except OSError as e: print(what, 'errno', e.errno)"
	[[ "$output" == *"udp errno 1"* || "$output" == *"udp errno 13"* ]]
	[[ "$output" == *"listen errno"* ]]
	[[ "$output" != *allowed* ]]
}

@test "*.domain matches subdomains, not the apex; hosts compare without case" {
	start_http
	# the proxy resolves names itself: sub.localhost is not in /etc/hosts,
	# so an allowed subdomain fails to resolve (502) where a refused one is 403
	run timeout 60 "$NONO" run --silent --allow "$WORK" --allow-domain '*.localhost' -- sh -c \
		"$(in_curl -o /dev/null -w '%{http_code}\\n' "http://LOCALHOST:$PORT/page.txt"); $(in_curl -o /dev/null -w '%{http_code}\\n' "http://nope.invalid-sub.localhost:$PORT/")"
	[ "${lines[0]}" = 403 ]
	[[ "${lines[1]}" = 502 || "${lines[1]}" = 200 ]]
	run timeout 60 "$NONO" run --silent --allow "$WORK" --allow-domain LocalHost -- sh -c \
		"$(in_curl "http://localhost:$PORT/page.txt")"
	[[ "$output" == *"served-bytes-$$"* ]]
}

@test "network profiles, NONO_ALLOW_DOMAIN and --proxy-port; conflicts and bad entries are refused" {
	run timeout 30 "$NONO" run --dry-run --json --network-profile minimal -- true
	echo "$output" | python3 -c 'import json,sys; d=json.load(sys.stdin); h=d["net_proxy_hosts"]; assert "api.anthropic.com" in h and "github.com" not in h, h'
	run timeout 30 "$NONO" run --dry-run --json --network-profile developer -- true
	echo "$output" | python3 -c 'import json,sys; d=json.load(sys.stdin); h=d["net_proxy_hosts"]; assert {"github.com","pypi.org","api.anthropic.com"} <= set(h), h'
	run env NONO_ALLOW_DOMAIN=a.example,b.example timeout 30 "$NONO" run --dry-run --json -- true
	echo "$output" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["net_proxy_hosts"] == ["a.example","b.example"] and d["net_blocked"]'
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	run timeout 30 "$NONO" run --silent --allow-domain x.example --proxy-port "$port" -- sh -c 'echo "$HTTPS_PROXY"'
	[[ "$output" == "http://nono:"*"@127.0.0.1:$port" ]]
	run timeout 30 "$NONO" run --block-net --allow-domain x.example -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"--block-net and proxy mode"* ]]
	run timeout 30 "$NONO" run --allow-domain 'https://x.example/api/**' -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"a path needs TLS interception"* ]]
	run timeout 30 "$NONO" run --network-profile nope -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"unknown network profile 'nope'"* ]]
}

@test "profile keys: network.allow_domain and network_profile; endpoint objects are an error with line and column" {
	start_http
	cat > "$SCRATCH/p.json" <<EOF
{
  "filesystem": {"allow": ["\$WORKDIR"]},
  "network": {"allow_domain": ["localhost"], "network_profile": "minimal"}
}
EOF
	run timeout 60 "$NONO" run --silent --profile "$SCRATCH/p.json" -- sh -c "$(in_curl "http://localhost:$PORT/page.txt")"
	[[ "$output" == *"served-bytes-$$"* ]]
	run timeout 30 "$NONO" run --dry-run --json --profile "$SCRATCH/p.json" -- true
	echo "$output" | python3 -c 'import json,sys; d=json.load(sys.stdin); h=d["net_proxy_hosts"]; assert "localhost" in h and "api.anthropic.com" in h'
	cat > "$SCRATCH/bad.json" <<'EOF'
{
  "network": {"allow_domain": [{"domain": "api.example.com", "endpoints": [{"method": "GET", "path": "/x"}]}]}
}
EOF
	run timeout 30 "$NONO" run --profile "$SCRATCH/bad.json" -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"bad.json' line 2 col "*"need TLS interception"* ]]
	# a profile's network.block and an allowed domain conflict
	printf '{"network": {"block": true, "allow_domain": ["x.example"]}}\n' > "$SCRATCH/both.json"
	run timeout 30 "$NONO" run --profile "$SCRATCH/both.json" -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"--block-net and proxy mode"* ]]
}

@test "the proxy ends with the session" {
	run timeout 60 "$NONO" run --silent --allow-domain localhost -- sh -c 'echo "$HTTP_PROXY"'
	port=${output##*:}
	[ -n "$port" ]
	sleep 0.2
	run python3 -c "
import socket
try:
    socket.create_connection(('127.0.0.1', $port), timeout=3); print('still listening')
except OSError as e: print('gone', e.errno)"
	[[ "$output" == "gone 111" ]]
}

@test "nono shell in proxy mode: caps says so" {
	run bash -c "printf 'caps\n' | timeout 30 '$NONO' shell --silent --allow '$WORK' --allow-domain localhost --allow-domain x.example"
	[[ "$output" == *"network through the proxy on 127.0.0.1:"*" to 2 hosts"* ]]
}

@test "the proxy serves at most 512 connections at once; the rest are closed at once" {
	run timeout 60 "$NONO" run --silent --allow "$WORK" --allow-domain localhost -- python3 -c "
import os, resource, socket, urllib.parse
resource.setrlimit(resource.RLIMIT_NOFILE, (2048, 2048))
u = urllib.parse.urlparse(os.environ['HTTP_PROXY'])
held = [socket.create_connection((u.hostname, u.port), timeout=10) for _ in range(530)]
closed = 0
for s in held[520:]:
    s.settimeout(5)
    try:
        closed += s.recv(1) == b''
    except socket.timeout:
        pass
held[0].settimeout(1)
try:
    first = held[0].recv(1)
except socket.timeout:
    first = 'waiting'
print('closed', closed, 'first', first)"
	[ "$output" = "closed 10 first waiting" ]
}
