/* upstream.c - see upstream.h: upstream nono's flags and commands that this
 * nono lacks, from its reference, with what to use instead (supervisor side). */
#include "config.h"

#include <string.h>

#include "config/upstream.h"

static const struct nono_upstream rows[] = {
    /* global */
    {"--theme", true, "nono's output has one style; NO_COLOR or config.ini's [ui] color turns colour off"},
    {"--log-file", true, "redirect stderr (nono -v run ... 2>FILE); the session's record is 'nono audit show'"},
    /* filesystem */
    {"--suppress-save-prompt", true, "nono never offers to save a profile; nothing to suppress"},
    {"--ignore-denied", true, "nono never offers to save a profile; nothing to suppress"},
    {"--allow-unix-socket-bind", true, "--allow-unix-socket PATH (connect) with a writable grant on its directory"},
    {"--allow-unix-socket-dir", true, "--allow-unix-socket PATH for each socket"},
    {"--allow-unix-socket-dir-bind", true, "--allow-unix-socket PATH with a writable grant on the directory"},
    {"--allow-unix-socket-subtree", true, "--allow-unix-socket PATH for each socket"},
    {"--allow-unix-socket-subtree-bind", true, "--allow-unix-socket PATH with a writable grant on the directory"},
    /* network */
    {"--allow-net", false, "the network is open unless --block-net, --allow-domain or --network-profile"},
    {"--net-allow", false, "the network is open unless --block-net, --allow-domain or --network-profile"},
    {"--allow-connect-port", true, "leave the network open, or reach hosts through --allow-domain"},
    {"--upstream-proxy", true, "no chained proxy: run nono where the hosts are reachable directly"},
    {"--external-proxy", true, "no chained proxy: run nono where the hosts are reachable directly"},
    {"--upstream-bypass", true, "no chained proxy: run nono where the hosts are reachable directly"},
    {"--external-proxy-bypass", true, "no chained proxy: run nono where the hosts are reachable directly"},
    {"--trust-proxy-ca", false, "nono's proxy never intercepts TLS: no CA to trust"},
    {"--proxy-ca-validity", true, "nono's proxy never intercepts TLS: no CA"},
    {"--allow-http2", false, "the proxy tunnels CONNECT end to end, so HTTP/2 inside TLS already works"},
    /* credentials */
    {"--credential", true, "--env-credential NAME (the keystore secret in the environment)"},
    {"--proxy-credential", true, "--env-credential NAME (the keystore secret in the environment)"},
    {"--allow-endpoint", true, "--allow-domain HOST (nono filters by host, not by path)"},
    {"--env-credential-map", true, "--env-credential REF=VAR (keyring://SERVICE/ACCOUNT=VAR)"},
    /* general */
    {"--extends", true, "a profile file with \"extends\": [\"PROFILE\"] (nono profile init NAME --extends P)"},
    {"--config", true, "--profile FILE (nono reads profiles, not capability manifests)"},
    {"--allow-launch-services", false, "macOS only; on Linux open_urls delegates the browser"},
    {"--allow-gpu", false, "--allow /dev/dri (or the device files the program needs)"},
    {"--sandbox-policy", true, "nono always enforces with Landlock and seccomp; see 'nono setup --check-only'"},
    {"--detached", false, "run nono inside tmux or screen and detach that"},
    {"--detach-timeout", true, "run nono inside tmux or screen and detach that"},
    {"--name", true, "sessions are named by their id (nono audit list)"},
    {"--no-rollback-prompt", false, "nono never prompts after a run; 'nono rollback show ID' reviews it"},
    {"--rollback-include", true, "--rollback-exclude PATTERN is the only filter; nothing is excluded by default"},
    {"--rollback-all", false, "the journal already covers every writable grant"},
    {"--rollback-dest", true, "the journal lives in $XDG_STATE_HOME/nono (nono rollback list)"},
    {"--skip-dir", true, "--rollback-exclude NAME"},
    {"--no-diagnostics", false, "--silent"},
    {"--diagnostics-json", false, "nono run --dry-run --json for the plan; nono audit show ID --json afterwards"},
    {"--startup-timeout", true, "timeout(1): nono run ... -- timeout SECS PROGRAM"},
    {"--no-audit-integrity", false, "--no-audit"},
    {"--audit-integrity", false, "the trail is always hash-chained (nono audit verify ID)"},
    {"--audit-sign-key", true, "nono audit verify ID (the trail is hash-chained)"},
    /* commands */
    {"wrap", false, "nono run (nono stays as the supervisor; there is no unsupervised mode)"},
    {"learn", false, "nono run -v, then nono audit show ID for what was refused"},
    {"ps", false, "nono audit list (sessions are not detached)"},
    {"stop", false, "end the program itself; sessions are not detached"},
    {"detach", false, "run nono inside tmux or screen"},
    {"pause", false, "run nono inside tmux or screen"},
    {"attach", false, "run nono inside tmux or screen"},
    {"resume", false, "run nono inside tmux or screen"},
    {"logs", false, "nono audit show ID"},
    {"inspect", false, "nono audit show ID"},
    {"prune", false, "nono audit cleanup and nono rollback cleanup"},
    {"session", false, "nono audit cleanup and nono rollback cleanup"},
    {"policy", false, "nono profile (groups, list, show, diff, validate)"},
    {"pin", false, "nono pull OWNER/NAME@VERSION"},
    {"unpin", false, "nono update OWNER/NAME"},
    {"outdated", false, "nono update (installs the latest of each pack)"},
    {NULL, false, NULL},
};

const struct nono_upstream *
nono_upstream_find(const char *arg)
{
	size_t n = strcspn(arg, "=");

	for (const struct nono_upstream *u = rows; u->name; u++)
		if (strlen(u->name) == n && strncmp(u->name, arg, n) == 0)
			return u;
	return NULL;
}
