/* groups.c - built-in group data; see groups.h (pure data). */
#include "config.h"

#include <string.h>

#include "policy/groups.h"
#include "policy/policy.h"

#define L(...) ((const char *const[]){__VA_ARGS__, NULL})

static const struct nono_cmd cmds_common[] = {
    {"rm", "file destruction"},
    {"rmdir", "file destruction"},
    {"shred", "file destruction"},
    {"srm", "file destruction"},
    {"dd", "disk operations"},
    {"mkfs", "disk operations"},
    {"mkfs.*", "disk operations"},
    {"mkswap", "disk operations"},
    {"fdisk", "disk operations"},
    {"gdisk", "disk operations"},
    {"parted", "disk operations"},
    {"wipefs", "disk operations"},
    {"chmod", "permission changes"},
    {"chown", "permission changes"},
    {"chgrp", "permission changes"},
    {"chattr", "permission changes"},
    {"shutdown", "system modification"},
    {"reboot", "system modification"},
    {"halt", "system modification"},
    {"poweroff", "system modification"},
    {"init", "system modification"},
    {"systemctl", "system modification"},
    /* the system's package managers; a project's own (npm, pip) work
     * inside the grants, where the journal keeps what they replace */
    {"apt", "package managers"},
    {"apt-get", "package managers"},
    {"dpkg", "package managers"},
    {"brew", "package managers"},
    {"yum", "package managers"},
    {"dnf", "package managers"},
    {"pacman", "package managers"},
    {"mv", "file operations"},
    {"cp", "file operations"},
    {"truncate", "file operations"},
    {"sudo", "privilege escalation"},
    {"su", "privilege escalation"},
    {"doas", "privilege escalation"},
    {"pkexec", "privilege escalation"},
    {"scp", "network exfiltration"},
    {"rsync", "network exfiltration"},
    {"sftp", "network exfiltration"},
    {"ftp", "network exfiltration"},
    {"kill", "process control"},
    {"killall", "process control"},
    {"pkill", "process control"},
    {NULL, NULL},
};

const struct nono_group nono_groups[] = {
    {
	.name = "deny_credentials",
	.description = "SSH keys, cloud, container and package-registry credentials",
	.required = true,
	.deny = L("~/.ssh", "~/.gnupg", "~/.aws", "~/.azure", "~/.config/gcloud", "~/.gcloud", "~/.kube", "~/.docker",
		  "~/.git-credentials", "~/.netrc", "~/.npmrc", "~/.vault-token", "~/.credentials", "~/.secrets",
		  "~/.keys", "~/.pki", "~/.terraform.d", "~/.config/op"),
    },
    {
	.name = "deny_keychains_linux",
	.description = "password stores and desktop keyrings",
	.required = true,
	.deny = L("~/.password-store", "~/.1password", "~/.op", "~/.local/share/keyrings"),
    },
    {
	.name = "deny_browser_data_linux",
	.description = "browser profiles (cookies, saved passwords, sessions)",
	.required = true,
	.deny = L("~/.config/google-chrome", "~/.config/chromium", "~/.mozilla/firefox", "~/.config/microsoft-edge",
		  "~/.config/BraveSoftware", "~/.config/vivaldi", "~/.config/opera"),
    },
    {
	.name = "deny_shell_history",
	.description = "shell and REPL history",
	.required = true,
	.deny = L("~/.bash_history", "~/.zsh_history", "~/.history", "~/.python_history"),
    },
    {
	.name = "deny_shell_configs",
	.description = "shell and login start-up files (a write there runs code outside the sandbox)",
	.required = true,
	/* written by a person, not by tools: refused rather than swept */
	.deny = L("~/.zshrc", "~/.zprofile", "~/.zshenv", "~/.zlogin", "~/.zlogout", "~/.bashrc", "~/.bash_profile",
		  "~/.bash_login", "~/.bash_logout", "~/.bash_aliases", "~/.profile", "~/.config/fish", "~/.env",
		  "~/.envrc", "~/.pam_environment", "~/.xprofile", "~/.xsessionrc", "~/.xsession", "~/.xinitrc"),
    },
    {
	.name = "deny_url_handlers",
	.description = "the desktop's URL handlers, which xdg-open reads when open_urls opens a URL outside the "
		       "sandbox; added with open_urls",
	.required = false,
	.deny = L("~/.config/mimeapps.list", "~/.local/share/applications"),
    },
    {
	.name = "nono_state",
	.description = "nono's own state (audit trail, rollback store, shell history)",
	.required = true,
	.own = true,
	.deny = L("$XDG_STATE_HOME/nono", "~/.local/state/nono", "~/.nono"),
    },
    {
	/* what the next launch loads, and the hook Claude Code runs outside a
	 * sandbox too: a write here would widen a later sandbox or run code
	 * outside one. Readable, so the hook runs inside. */
	.name = "nono_files",
	.description = "nono's own configuration, profiles and hook script: readable, never writable",
	.required = true,
	.own = true,
	.protect = L("$XDG_CONFIG_HOME/nono", "$XDG_DATA_HOME/nono", "~/.config/nono", "~/.local/share/nono"),
    },
    {
	/* programs the host runs later, outside any sandbox: writable where a
	 * grant reaches (git must work), neutralised at the session's end
	 * (store/persist.c, docs/SECURITY.md); setuid bits never set */
	.name = "persistence",
	.description = "files that run later outside the sandbox: neutralised when the session ends",
	.required = true,
	.swept =
	    L("git hooks (the hooks directory, core.hooksPath)",
	      "git config entries that run programs (core.fsmonitor, core.pager, filter.*, alias.*=!...)",
	      "~/.gitconfig, ~/.config/git/config and what they include", ".envrc", ".vscode/tasks.json",
	      ".vscode/settings.json", ".idea/", ".mcp.json", ".claude/settings.json (hooks, statusLine, ...)",
	      ".claude/settings.local.json", ".claude/commands/", ".claude/agents/", ".claude/hooks/", ".gitmodules",
	      "~/.local/bin/", "~/.config/systemd/user/", "~/.local/share/systemd/user/", "~/.config/autostart/",
	      "~/.config/environment.d/", "~/.config/plasma-workspace/env/", "~/.local/share/applications/",
	      "~/.config/mimeapps.list", "git hooks of submodules (.git/modules/**/hooks) and bare repositories",
	      "core.hooksPath of the global and system git configuration",
	      "Python user site: .pth files with import lines, usercustomize, sitecustomize",
	      "~/.cargo/config.toml, ~/.cargo/config, ~/.cargo/bin/", "~/.yarnrc, ~/.yarnrc.yml",
	      "~/.vimrc, ~/.gvimrc, ~/.exrc, ~/.vim/ (not swap, undo, backup)",
	      "~/.config/nvim/, ~/.local/share/nvim/site/ and lazy/", "~/.tmux.conf, ~/.config/tmux/, ~/.tmux/plugins/",
	      "setuid and setgid bits, file capabilities (refused)"),
    },
    {
	.name = "system_read_linux_core",
	.description = "system programs, libraries and configuration every program needs",
	.required = false,
	/* /etc/machine-id and dbus's copy of it: an identifier, not a secret,
	 * read by dbus, systemd's libraries and Node programs (Claude Code at
	 * every start) */
	.read =
	    L("/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/lib", "/lib64", "/lib/x86_64-linux-gnu",
	      "/lib/aarch64-linux-gnu", "/usr/lib", "/usr/lib64", "/usr/lib/x86_64-linux-gnu",
	      "/usr/lib/aarch64-linux-gnu", "/usr/local/lib", "/usr/local/lib64", "/usr/libexec", "/usr/include",
	      "/usr/local/include", "/etc/resolv.conf", "/etc/hosts", "/etc/nsswitch.conf", "/etc/gai.conf", "/etc/ssl",
	      "/etc/pki", "/etc/ca-certificates", "/etc/crypto-policies", "/etc/ld.so.cache", "/etc/ld.so.conf",
	      "/etc/ld.so.conf.d", "/etc/localtime", "/etc/timezone", "/etc/locale.conf", "/etc/locale.gen",
	      "/etc/alternatives", "/etc/os-release", "/etc/machine-id", "/var/lib/dbus/machine-id", "/etc/services",
	      "/etc/protocols", "/etc/gitconfig", "/etc/passwd", "/etc/group", "/usr/share", "/lib/terminfo",
	      "/etc/terminfo", "/dev/random", "/dev/urandom", "/dev/console", "/proc", "/opt"),
    },
    {
	.name = "system_dev_linux",
	.description = "terminal and null devices (read, write and terminal ioctls)",
	.required = false,
	.extra_access = NONO_ACC_IOCTL,
	.readwrite = L("/dev/null", "/dev/zero", "/dev/full", "/dev/tty", "/dev/pts", "/dev/ptmx"),
    },
    {
	.name = "user_tools",
	.description = "user-installed programs and data under ~/.local",
	.required = false,
	.read = L("~/.local/bin", "~/.local/share/applications", "~/.local/share/man", "~/.local/share/bash-completion",
		  "~/.local/share/zsh"),
    },
    {
	.name = "git_config",
	.description = "git's user configuration (read-only)",
	.required = false,
	.read = L("$HOME/.gitconfig", "$HOME/.gitignore_global", "$HOME/.config/git/config", "$HOME/.config/git/ignore",
		  "$HOME/.config/git/attributes"),
    },
    {
	.name = "dangerous_commands",
	.description = "commands that destroy data, change permissions or escalate privileges",
	.required = false,
	.commands = cmds_common,
    },
};

const size_t nono_n_groups = sizeof(nono_groups) / sizeof(nono_groups[0]);

const char *const nono_default_groups[] = {
    "deny_credentials",
    "deny_keychains_linux",
    "deny_browser_data_linux",
    "deny_shell_history",
    "deny_shell_configs",
    "nono_state",
    "nono_files",
    "persistence",
    "system_read_linux_core",
    "system_dev_linux",
    "user_tools",
    "git_config",
    "dangerous_commands",
    NULL,
};

const struct nono_group *
nono_group_find(const char *name)
{
	for (size_t i = 0; i < nono_n_groups; i++)
		if (strcmp(nono_groups[i].name, name) == 0)
			return &nono_groups[i];
	return NULL;
}
