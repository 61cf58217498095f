#!/usr/bin/env bats
# [audit] export: each event of the trail also goes to the fleet's log
# pipeline as it is recorded: systemd-journald (native protocol, structured
# fields), syslog (RFC 5424 with structured data), OCSF-shaped JSON lines.
# Each test starts Debian's own journald or rsyslogd with a socket of its
# own and reads back what arrived.
load helpers
bats_require_minimum_version 1.5.0

setup() {
	common_setup
	mkdir -p "$HOME/.config/nono"
}
teardown() {
	[ -n "${DAEMON:-}" ] && kill "$DAEMON" 2>/dev/null && wait "$DAEMON" 2>/dev/null
	[ -n "${NS:-}" ] && rm -rf "/run/systemd/journal.$NS" /var/log/journal/*."$NS" /run/log/journal/*."$NS"
	common_teardown
}

# CI (NONO_E2E_REQUIRED) fails instead of skipping
cannot() {
	[ -z "${NONO_E2E_REQUIRED:-}" ] || { echo "$1" >&2; return 1; }
	skip "$1"
}

config() { printf '[audit]\nexport = %s\n' "$1" >"$HOME/.config/nono/config.ini"; }

# a session with a refused write and a done one
refused_session() {
	run timeout 30 "$NONO" run --silent --rollback --allow "$WORK" -- sh -c "echo y > /etc/evil.conf; echo z > $WORK/in.txt; true"
	[ ! -e /etc/evil.conf ]
	ID=$(find "$HOME/.local/state/nono/audit" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort | tail -n1)
	[ -n "$ID" ]
}

@test "journald: each event arrives in systemd-journald with its fields (the journal of a namespace of its own)" {
	[ "$(id -u)" -eq 0 ] || cannot "a journald of its own needs root"
	jd=$(command -v systemd-journald || echo /lib/systemd/systemd-journald)
	[ -x "$jd" ] && command -v journalctl >/dev/null || cannot "systemd-journald and journalctl are not installed (package systemd)"
	NS="nonotest$$"
	"$jd" "$NS" >"$SCRATCH/journald.log" 2>&1 &
	DAEMON=$!
	for _ in $(seq 100); do [ -S "/run/systemd/journal.$NS/socket" ] && break; sleep 0.05; done
	[ -S "/run/systemd/journal.$NS/socket" ] || cannot "systemd-journald would not start here: $(cat "$SCRATCH/journald.log")"
	config "journald:/run/systemd/journal.$NS/socket"
	refused_session
	for _ in $(seq 50); do
		journalctl --namespace="$NS" -o json --no-pager NONO_SESSION_ID="$ID" >"$SCRATCH/j.json" 2>/dev/null
		grep -q '"NONO_TYPE":"end"' "$SCRATCH/j.json" && break
		sleep 0.1
	done
	python3 - "$SCRATCH/j.json" "$ID" "$WORK" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
sid, work = sys.argv[2], sys.argv[3]
assert lines, "nothing in the journal"
assert all(e["SYSLOG_IDENTIFIER"] == "nono" and e["NONO_SESSION_ID"] == sid for e in lines), lines
r = [e for e in lines if e.get("NONO_PATH") == "/etc/evil.conf"]
assert r, [e.get("NONO_PATH") for e in lines]
e = r[0]
assert e["NONO_TYPE"] == "file" and e["NONO_OP"] == "open-trunc", e
assert e["NONO_OUTCOME"] == "refused" and e["NONO_REFUSED_BY"] == "landlock" and e["NONO_ERRNO"] == "EACCES", e
assert e["PRIORITY"] == "4" and e["MESSAGE"] == "refused open-trunc /etc/evil.conf (landlock, EACCES)", e
assert json.loads(e["NONO_EVENT"])["path"] == "/etc/evil.conf", e
d = [e for e in lines if e.get("NONO_PATH") == work + "/in.txt"]
assert d and d[0]["NONO_OUTCOME"] == "done" and d[0]["PRIORITY"] == "6", d
assert any(e["NONO_TYPE"] == "session_start" for e in lines), lines
assert any(e["NONO_TYPE"] == "end" and e["NONO_EXIT_STATUS"] == "0" for e in lines), lines
PY
	# the trail itself is as without the export, and intact
	run -0 "$NONO" audit verify "$ID"
}

@test "syslog: each event arrives in rsyslog as RFC 5424 with its fields as structured data" {
	command -v rsyslogd >/dev/null || cannot "rsyslogd is not installed (package rsyslog)"
	cat >"$SCRATCH/rsyslog.conf" <<EOF
global(workDirectory="$SCRATCH")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$SCRATCH/log.sock" UseSpecialParser="off" ParseHostname="on")
template(name="fields" type="string" string="%app-name%|%msgid%|%syslogseverity-text%|%syslogfacility-text%|%structured-data%|%msg%\\n")
action(type="omfile" file="$SCRATCH/received.log" template="fields")
EOF
	rsyslogd -n -f "$SCRATCH/rsyslog.conf" -i "$SCRATCH/rsyslogd.pid" >"$SCRATCH/rsyslogd.log" 2>&1 &
	DAEMON=$!
	for _ in $(seq 100); do [ -S "$SCRATCH/log.sock" ] && break; sleep 0.05; done
	[ -S "$SCRATCH/log.sock" ] || cannot "rsyslogd would not start here: $(cat "$SCRATCH/rsyslogd.log")"
	config "syslog:$SCRATCH/log.sock"
	refused_session
	for _ in $(seq 50); do grep -q '|end|' "$SCRATCH/received.log" 2>/dev/null && break; sleep 0.1; done
	run cat "$SCRATCH/received.log"
	has "nono|file|warning|authpriv|[nono@32473 session=\"$ID\""
	has "type=\"file\""
	has "op=\"open-trunc\" path=\"/etc/evil.conf\" outcome=\"refused\" refused_by=\"landlock\" errno=\"EACCES\""
	has "]|refused open-trunc /etc/evil.conf (landlock, EACCES)"
	has "nono|session_start|info|authpriv|"
	has "nono|end|info|"
}

@test "ocsf: OCSF-shaped JSON lines, one an event, with class, status, disposition and nono's own event" {
	config "ocsf:$SCRATCH/events.ocsf"
	refused_session
	python3 - "$SCRATCH/events.ocsf" "$ID" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
sid = sys.argv[2]
r = [e for e in lines if e.get("file", {}).get("path") == "/etc/evil.conf"]
assert r, lines
e = r[0]
assert e["class_uid"] == 1001 and e["category_uid"] == 1 and e["activity_name"] == "Update", e
assert e["type_uid"] == 100103 and e["status"] == "Failure" and e["status_detail"] == "EACCES", e
assert e["disposition"] == "Blocked" and e["action"] == "Denied" and e["severity_id"] == 3, e
assert e["metadata"]["product"]["name"] == "nono" and e["metadata"]["correlation_uid"] == sid, e
assert e["unmapped"]["nono"]["refused_by"] == "landlock" and isinstance(e["time"], int), e
p = [e for e in lines if e["class_uid"] == 1007 and e["activity_id"] == 1]
assert p and p[0]["process"]["file"]["path"], p
PY
	[ "$(stat -c %a "$SCRATCH/events.ocsf")" = 600 ]
}

@test "a bad export target is refused with the forms it takes; one that cannot be reached is warned about, the session runs" {
	config "splunk"
	run -125 timeout 30 "$NONO" run --allow "$WORK" -- true
	has "[audit] export = 'splunk': send each event on too: journald[:SOCKET], syslog[:SOCKET], ocsf:FILE"
	config "syslog:relative/path"
	run -125 timeout 30 "$NONO" run --allow "$WORK" -- true
	config "ocsf:$SCRATCH/no/such/dir/x"
	run -0 timeout 30 "$NONO" run --allow "$WORK" -- sh -c 'echo ran'
	has "ran"
	has "audit export ocsf:$SCRATCH/no/such/dir/x"
	# a socket nobody listens on: the events are dropped and counted, the session is recorded
	config "journald:$SCRATCH/nobody.sock"
	run -0 timeout 30 "$NONO" run --allow "$WORK" -- sh -c 'echo ran'
	has "could not be sent"
	run -0 "$NONO" audit verify last
	run -0 "$NONO" config
	has "export"
}
