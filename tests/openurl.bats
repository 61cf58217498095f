#!/usr/bin/env bats
# open_urls: the sandbox asks the supervisor to open a URL (xdg-open, or
# $BROWSER as Node's open and Python's webbrowser use it); the supervisor
# runs xdg-open outside the sandbox for the allowed origins only. A fake
# xdg-open first on the supervisor's PATH records what it was asked.
load helpers
bats_require_minimum_version 1.5.0

setup() {
	common_setup
	mkdir -p "$SCRATCH/bin"
	printf '#!/bin/sh\necho "$@" >> %s/opened\n' "$SCRATCH" > "$SCRATCH/bin/xdg-open"
	chmod +x "$SCRATCH/bin/xdg-open"
	cat > "$SCRATCH/p.json" <<'JSON'
{
  "filesystem": {"allow": ["$WORKDIR"]},
  "open_urls": {"allow_origins": ["https://claude.ai", "https://login.example.com:8443"], "allow_localhost": true}
}
JSON
}
teardown() { common_teardown; }

opened() { sleep 0.3; cat "$SCRATCH/opened" 2>/dev/null; }

@test "an allowed origin is opened outside the sandbox, by xdg-open and by BROWSER" {
	run env PATH="$SCRATCH/bin:$PATH" timeout 30 "$NONO" run --silent --profile "$SCRATCH/p.json" -- sh -c \
		'xdg-open "https://claude.ai/oauth/authorize?code=1"; echo a=$?; "$BROWSER" https://login.example.com:8443/x; echo b=$?
		python3 -c "import webbrowser; print(\"py\", webbrowser.open(\"http://localhost:54545/callback\"))"'
	[[ "$output" == *a=0* ]] && [[ "$output" == *b=0* ]] && [[ "$output" == *"py True"* ]]
	run opened
	[ "${lines[0]}" = "https://claude.ai/oauth/authorize?code=1" ]
	[ "${lines[1]}" = "https://login.example.com:8443/x" ]
	[ "${lines[2]}" = "http://localhost:54545/callback" ]
}

@test "other origins, plain http, other ports and odd URLs are refused, and nothing is opened" {
	run env PATH="$SCRATCH/bin:$PATH" timeout 30 "$NONO" run --silent --profile "$SCRATCH/p.json" -- sh -c '
		for u in https://evil.example/ http://claude.ai/ https://claude.ai:444/ https://claude.ai.evil.example/ \
			"https://user@claude.ai/" "https://claude.ai/a b" file:///etc/passwd javascript:alert; do
			xdg-open "$u"; echo "rc=$?"
		done'
	[ "$(echo "$output" | grep -c 'rc=1')" -eq 8 ]
	[[ "$output" == *"the supervisor did not open https://evil.example/: its origin is not in open_urls.allow_origins"* ]]
	[ -z "$(opened)" ]
}

@test "without allow_localhost, localhost is refused; without open_urls, xdg-open is the real one" {
	printf '{"filesystem": {"allow": ["$WORKDIR"]}, "open_urls": {"allow_origins": ["https://claude.ai"]}}\n' > "$SCRATCH/q.json"
	run env PATH="$SCRATCH/bin:$PATH" timeout 30 "$NONO" run --silent --profile "$SCRATCH/q.json" -- sh -c \
		'xdg-open http://localhost:8080/; echo rc=$?'
	[[ "$output" == *rc=1* ]]
	[ -z "$(opened)" ]
	# no open_urls: no socket, no BROWSER, and xdg-open runs inside the sandbox
	run env PATH="$SCRATCH/bin:$PATH" timeout 30 "$NONO" run --silent --allow "$WORK" -- sh -c 'echo "browser=${BROWSER:-none} sock=${NONO_URL_SOCKET:-none}"'
	[ "$output" = "browser=none sock=none" ]
}

@test "open_urls in profiles: a child replaces its base's; a bad origin is an error with its source" {
	printf '{"extends": "%s/p.json", "open_urls": {"allow_origins": ["https://other.example"]}}\n' "$SCRATCH" > "$SCRATCH/child.json"
	run env PATH="$SCRATCH/bin:$PATH" timeout 30 "$NONO" run --silent --profile "$SCRATCH/child.json" -- sh -c \
		'xdg-open https://claude.ai/; echo a=$?; xdg-open https://other.example/ok; echo b=$?'
	[[ "$output" == *a=1* ]] && [[ "$output" == *b=0* ]]
	[ "$(opened)" = "https://other.example/ok" ]
	printf '{"open_urls": {"allow_origins": ["https://claude.ai/path"]}}\n' > "$SCRATCH/bad.json"
	run timeout 30 "$NONO" run --profile "$SCRATCH/bad.json" -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"open_urls.allow_origins https://claude.ai/path: an origin is https://HOST[:PORT]"* ]]
	printf '{"open_urls": {"allow_orgins": []}}\n' > "$SCRATCH/typo.json"
	run timeout 30 "$NONO" run --profile "$SCRATCH/typo.json" -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"did you mean \"allow_origins\""* ]]
}

@test "the request socket and its directory are gone after the session; requests are in the audit trail" {
	export XDG_STATE_HOME="$SCRATCH/state"
	run env PATH="$SCRATCH/bin:$PATH" timeout 30 "$NONO" run --silent --profile "$SCRATCH/p.json" -- sh -c \
		'echo "$NONO_URL_SOCKET"; xdg-open https://claude.ai/x; xdg-open https://evil.example/'
	sock=${lines[0]}
	[[ "$sock" == /tmp/nono-url-*/supervisor.sock ]]
	[ ! -e "$sock" ] && [ ! -e "$(dirname "$sock")" ]
	run timeout 30 "$NONO" audit show last
	[[ "$output" == *"open_url"*"https://claude.ai/x"* ]]
	[[ "$output" == *REFUSED*"open_url"*"https://evil.example/"* ]]
}
