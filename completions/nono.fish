# fish completion for nono: subcommands, options and their values (profile
# names from 'nono profile list', group names, --op values, paths, commands).
# Rollback and audit session ids come from 'nono rollback list --json' and
# 'nono audit list --json' when this nono has those commands.

# the nono being completed, so ./_build/nono completes with itself
function __nono_bin
    set -l b (commandline -opc)[1]
    if string match -q -- '*/*' $b; and test -x "$b"
        echo $b
    else
        echo nono
    end
end

function __nono_profiles
    set -l nono (__nono_bin)
    $nono profile list 2>/dev/null | string replace -r '^(\S+)\s+(.*)$' '$1\t$2'
end

function __nono_groups
    set -l nono (__nono_bin)
    $nono profile groups 2>/dev/null | string replace -rf '^([A-Za-z0-9_-]+)[ :].*$' '$1'
end

function __nono_ids
    set -l nono (__nono_bin)
    $nono $argv[1] list --json 2>/dev/null | string match -ar '"id"\s*:\s*"[^"]*"' | string replace -r '.*"([^"]*)"$' '$1'
end

# the positional words after 'nono' (option values skipped)
function __nono_pos
    set -l takes -p --profile -a --allow -r --read -w --write --allow-file --read-file --write-file \
        --workdir --bypass-protection --allow-unix-socket --allow-command --block-command --shell \
        -c --command --path --op --extends --keep --older-than --since --rollback-exclude --env-credential \
        --registry
    set -l skip 0
    for w in (commandline -opc)[2..-1]
        if test $skip -eq 1
            set skip 0
        else if contains -- $w $takes
            set skip 1
        else if not string match -q -- '-*' $w
            echo $w
        end
    end
end

# true when the positional words are exactly $argv
function __nono_at
    set -l pos (__nono_pos)
    test "$pos" = "$argv"
end

# true when the positional words start with $argv
function __nono_in
    set -l pos (__nono_pos)
    test (count $pos) -ge (count $argv); or return 1
    for i in (seq (count $argv))
        test "$pos[$i]" = "$argv[$i]"; or return 1
    end
end

set -l cmds run shell approvals why profile config setup help rollback audit hooks search pull list update remove trust completion
complete -c nono -f
complete -c nono -n "not __fish_seen_subcommand_from $cmds" -s V -l version -d 'print the version'
complete -c nono -n "not __fish_seen_subcommand_from $cmds" -s h -l help -d 'show help'
complete -c nono -n "not __fish_seen_subcommand_from $cmds" -a run -d 'run a program in the sandbox'
complete -c nono -n "not __fish_seen_subcommand_from $cmds" -a shell -d 'an interactive shell inside the sandbox'
complete -c nono -n "not __fish_seen_subcommand_from $cmds" -a why -d 'explain why a path is allowed or denied'
complete -c nono -n "not __fish_seen_subcommand_from $cmds" -a approvals -d 'answer the requests of --capability-elevation sessions'
complete -c nono -n '__fish_seen_subcommand_from approvals' -a 'approve deny list' -d action
complete -c nono -n '__fish_seen_subcommand_from approvals' -l json -d 'print the waiting requests as JSON'
complete -c nono -n '__fish_seen_subcommand_from approvals' -l wait -x -d 'with --json: wait for a request'
complete -c nono -n '__fish_seen_subcommand_from approvals' -l session -d 'approve for the session'
complete -c nono -n '__fish_seen_subcommand_from approvals' -l dir -d 'approve reads beneath the directory'
complete -c nono -n "not __fish_seen_subcommand_from $cmds" -a profile -d 'manage sandbox profiles'
complete -c nono -n "not __fish_seen_subcommand_from $cmds" -a config -d 'show the effective settings'
complete -c nono -n "not __fish_seen_subcommand_from $cmds" -a setup -d 'report what this kernel can enforce'
complete -c nono -n "not __fish_seen_subcommand_from $cmds" -a help -d 'show help for a command'
complete -c nono -n "not __fish_seen_subcommand_from $cmds" -a completion -d "print a shell's completion script"
complete -c nono -n "not __fish_seen_subcommand_from $cmds" -s s -l silent -d "print nothing but the program's output"
complete -c nono -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'
# commands this nono may not have yet: offered only when it does
function __nono_has
    set -l nono (__nono_bin)
    $nono $argv[1] --help >/dev/null 2>&1
end
for c in rollback audit hooks
    complete -c nono -n "not __fish_seen_subcommand_from $cmds; and __nono_has $c" -a $c
end

# sandbox options, shared by run, shell and why
for c in run shell why
    set -l on "__fish_seen_subcommand_from $c"
    complete -c nono -n $on -s p -l profile -x -a '(__nono_profiles)' -d 'start from a profile'
    complete -c nono -n $on -s a -l allow -x -a '(__fish_complete_directories)' -d 'grant read and write beneath DIR'
    complete -c nono -n $on -s r -l read -x -a '(__fish_complete_directories)' -d 'grant read beneath DIR'
    complete -c nono -n $on -s w -l write -x -a '(__fish_complete_directories)' -d 'grant write beneath DIR'
    complete -c nono -n $on -l allow-file -r -F -d 'grant read and write on one file'
    complete -c nono -n $on -l read-file -r -F -d 'grant read on one file'
    complete -c nono -n $on -l write-file -r -F -d 'grant write on one file'
    complete -c nono -n $on -l allow-cwd -d 'grant the working directory (the profile level, else read and write)'
    complete -c nono -n $on -l allow-ssh-agent -d 'let the sandbox use the ssh agent socket'
    complete -c nono -n $on -l allow-gpg-agent -d 'let the sandbox sign with gpg-agent'
    complete -c nono -n $on -l workdir -x -a '(__fish_complete_directories)' -d 'working directory and $WORKDIR'
    complete -c nono -n $on -l no-delete -d 'the kernel refuses deletion and truncation in writable grants'
    complete -c nono -n $on -l allow-delete -d 'with --no-delete: let writable grants delete'
    complete -c nono -n $on -l strict-exec -d 'check every exec against the blocklist'
    complete -c nono -n $on -l bypass-protection -r -F -d 'let a grant reach a sensitive path'
    complete -c nono -n $on -l block-net -d 'block all network access'
    complete -c nono -n $on -l net-block -d 'block all network access'
    complete -c nono -n $on -l allow-unix-socket -r -F -d 'connect to the UNIX socket at PATH'
    complete -c nono -n $on -l allow-command -x -a '(__fish_complete_command)' -d 'let a blocked command run'
    complete -c nono -n $on -l block-command -x -a '(__fish_complete_command)' -d 'refuse another command'
    complete -c nono -n $on -s v -l verbose -d 'say more (repeatable)'
    complete -c nono -n $on -s h -l help -d 'show the help'
end
complete -c nono -n '__fish_seen_subcommand_from run shell' -l dry-run -d 'print the plan, run nothing'
complete -c nono -n '__fish_seen_subcommand_from run shell' -s s -l silent -d 'no banner'
complete -c nono -n '__fish_seen_subcommand_from run shell' -l rollback -d 'journal what the session destroys'
complete -c nono -n '__fish_seen_subcommand_from run shell' -l no-rollback -d 'do not journal'
complete -c nono -n '__fish_seen_subcommand_from run shell' -l env-credential -x -d 'put keystore secrets in the environment'
complete -c nono -n '__fish_seen_subcommand_from run shell' -l no-audit -d 'keep no audit trail'
complete -c nono -n '__fish_seen_subcommand_from run shell' -l no-hooks -d 'install none of the profile hooks'
complete -c nono -n '__fish_seen_subcommand_from run shell' -l no-pid-ns -d 'no PID namespace: host processes stay visible'
complete -c nono -n '__fish_seen_subcommand_from run shell why' -l allow-domain -x -d 'proxy mode: reach HOST through the proxy'
complete -c nono -n '__fish_seen_subcommand_from run shell why' -l allow-proxy -x -d 'proxy mode: reach HOST through the proxy'
complete -c nono -n '__fish_seen_subcommand_from run shell why' -l proxy-allow -x -d 'proxy mode: reach HOST through the proxy'
complete -c nono -n '__fish_seen_subcommand_from run shell why' -l deny-domain -x -d 'proxy mode: refuse HOST'
complete -c nono -n '__fish_seen_subcommand_from run shell why' -l open-port -x -d 'TCP to PORT on loopback, and binding it'
complete -c nono -n '__fish_seen_subcommand_from run shell why' -l allow-port -x -d 'TCP to PORT on loopback, and binding it'
complete -c nono -n '__fish_seen_subcommand_from run shell why' -l listen-port -x -d 'binding and listening on PORT'
complete -c nono -n '__fish_seen_subcommand_from run shell why' -l allow-bind -x -d 'binding and listening on PORT'
complete -c nono -n '__fish_seen_subcommand_from why' -l host -x -d 'explain a TCP connection to HOST'
complete -c nono -n '__fish_seen_subcommand_from why' -l port -x -d 'with --host: the port'
complete -c nono -n '__fish_seen_subcommand_from run shell why' -l network-profile -x -a 'minimal developer claude-code codex opencode enterprise' -d 'proxy mode with a named host list'
complete -c nono -n '__fish_seen_subcommand_from run shell' -l proxy-port -x -d 'the proxy port on 127.0.0.1'
complete -c nono -n '__fish_seen_subcommand_from run shell' -l session-id -x -d 'the session id for the audit trail and rollback journal'
complete -c nono -n '__fish_seen_subcommand_from run shell' -l max-processes -x -d 'at most N processes'
complete -c nono -n '__fish_seen_subcommand_from run shell' -l memory -x -d 'at most SIZE of memory'
complete -c nono -n '__fish_seen_subcommand_from run shell' -l rollback-exclude -x -d 'leave matching paths out of the journal'
complete -c nono -n '__fish_seen_subcommand_from run shell' -l trust-override -d 'run despite untrusted instruction files'
complete -c nono -n '__fish_seen_subcommand_from run shell' -l strict -d 'refuse to run weaker than on a current kernel'
complete -c nono -n '__fish_seen_subcommand_from run shell' -l min-abi -x -a '1 2 3 4 5 6 7 8 9' -d 'refuse to run below this Landlock ABI'
complete -c nono -n '__fish_seen_subcommand_from run shell' -l capability-elevation -d 'ask before an open, mkdir or proxy host outside the grants'
complete -c nono -n '__fish_seen_subcommand_from run shell' -l approval-timeout -x -d 'deny a request nobody answers within SECS seconds'
complete -c nono -n '__fish_seen_subcommand_from run why' -l json -d 'machine-readable output'
complete -c nono -n '__nono_at run' -a '(__fish_complete_command)' -d program
complete -c nono -n '__fish_seen_subcommand_from shell' -l shell -r -F -d 'the shell to run'
complete -c nono -n '__fish_seen_subcommand_from shell' -s c -l command -x -d 'run LINE and exit'
complete -c nono -n '__fish_seen_subcommand_from why' -l path -r -F -d 'the path to explain'
complete -c nono -n '__fish_seen_subcommand_from why' -l op -x -a 'read write delete' -d operation
complete -c nono -n '__fish_seen_subcommand_from why' -l self -d 'answer for the sandbox this runs in'
complete -c nono -n '__nono_at why' -F

# profile
complete -c nono -n '__nono_at profile' -a list -d 'built-in and user profiles'
complete -c nono -n '__nono_at profile' -a show -d 'the merged profile and its rules'
complete -c nono -n '__nono_at profile' -a init -d 'write a skeleton profile'
complete -c nono -n '__nono_at profile' -a validate -d 'check a profile'
complete -c nono -n '__nono_at profile' -a diff -d 'what one profile grants that another does not'
complete -c nono -n '__nono_at profile' -a groups -d 'the policy groups'
complete -c nono -n '__nono_in profile list; or __nono_in profile show; or __nono_in profile validate' -l json -d 'machine-readable output'
complete -c nono -n '__nono_at profile show; or __nono_at profile validate; or __nono_in profile diff' -a '(__nono_profiles)'
complete -c nono -n '__nono_in profile init' -l extends -x -a '(__nono_profiles)' -d 'base profile'
complete -c nono -n '__nono_in profile init' -l force -d 'overwrite'
complete -c nono -n '__nono_in profile init' -s o -l output -r -F -d 'write to FILE'
complete -c nono -n '__nono_in profile init' -l description -x -d 'meta.description'
complete -c nono -n '__nono_in profile init' -l groups -x -d 'policy groups to include'
complete -c nono -n '__nono_at profile groups' -a '(__nono_groups)'

# config, setup, help
complete -c nono -n '__fish_seen_subcommand_from config setup' -l json -d 'machine-readable output'
complete -c nono -n '__fish_seen_subcommand_from setup' -l check-only -d 'only check'
complete -c nono -n '__nono_at help' -a "$cmds"

# rollback, audit, hooks (when this nono has them)
complete -c nono -n '__nono_at rollback' -a 'list show restore verify cleanup'
complete -c nono -n '__nono_at rollback show; or __nono_at rollback restore; or __nono_at rollback verify' -a '(__nono_ids rollback) last'
complete -c nono -n '__nono_in rollback show' -l diff -d 'a git patch of the changes'
complete -c nono -n '__nono_in rollback show' -l stat -d 'a diffstat'
complete -c nono -n '__nono_in rollback show' -l binary -d 'binary files as applicable patches'
complete -c nono -n '__nono_in rollback show' -s v -l verbose -d 'say more'
complete -c nono -n '__nono_in rollback cleanup; or __nono_in audit cleanup' -l dry-run -d 'remove nothing'
complete -c nono -n '__nono_in rollback restore' -l dry-run -d 'say what would change'
complete -c nono -n '__nono_in rollback restore' -l path -r -F -d 'only this path'
complete -c nono -n '__nono_in rollback restore' -l quarantined -d 'put back the quarantined versions of what was neutralised'
complete -c nono -n '__nono_in rollback restore' -l force -d 'overwrite paths changed since the session'
complete -c nono -n '__nono_in rollback restore' -l include-vcs -d 'restore inside .git, .hg, .svn too'
complete -c nono -n '__nono_in audit show' -l all -d 'the harmless probes too'
complete -c nono -n '__nono_at audit' -a 'list show verify cleanup'
complete -c nono -n '__nono_at audit show; or __nono_at audit verify' -a '(__nono_ids audit) last'
complete -c nono -n '__nono_in audit list' -l since -x -d 'sessions since DATE'
complete -c nono -n '__nono_in audit list' -l command -x -d 'sessions of CMD'
complete -c nono -n '__nono_in rollback list; or __nono_in rollback show; or __nono_in audit list; or __nono_in audit show' -l json -d 'machine-readable output'
complete -c nono -n '__nono_in rollback cleanup; or __nono_in audit cleanup' -l keep -x -d 'sessions to keep'
complete -c nono -n '__nono_in rollback cleanup; or __nono_in audit cleanup' -l older-than -x -d 'days'
complete -c nono -n '__nono_at hooks' -a 'install remove status'
complete -c nono -n '__nono_in hooks' -l json -d 'machine-readable status'
complete -c nono -n '__nono_in hooks' -l project -d "the current directory's scope"
complete -c nono -n '__nono_at hooks install; or __nono_at hooks remove; or __nono_at hooks status' -a 'claude-code codex'

# registry packs and instruction-file trust (when this nono has them)
function __nono_packs
    set -l nono (__nono_bin)
    $nono list --installed 2>/dev/null | string match -r '^\S+/\S+'
end

function __nono_keyids
    set -l nono (__nono_bin)
    $nono trust list 2>/dev/null | string match -r '^[0-9a-f]{16}'
end

complete -c nono -n "not __fish_seen_subcommand_from $cmds; and __nono_has search" -a search -d 'find packs in the registries'
complete -c nono -n "not __fish_seen_subcommand_from $cmds; and __nono_has pull" -a pull -d 'install a signed pack'
complete -c nono -n "not __fish_seen_subcommand_from $cmds; and __nono_has list" -a list -d 'the installed packs'
complete -c nono -n "not __fish_seen_subcommand_from $cmds; and __nono_has update" -a update -d 'update the installed packs'
complete -c nono -n "not __fish_seen_subcommand_from $cmds; and __nono_has remove" -a remove -d 'remove installed packs'
complete -c nono -n "not __fish_seen_subcommand_from $cmds; and __nono_has trust" -a trust -d 'instruction-file trust and keys'
complete -c nono -n '__fish_seen_subcommand_from search pull list update' -l registry -x -d 'this registry instead'
complete -c nono -n '__fish_seen_subcommand_from search list' -l json -d 'machine-readable output'
complete -c nono -n '__fish_seen_subcommand_from pull' -l init -d "copy the pack's instruction files here"
complete -c nono -n '__fish_seen_subcommand_from pull' -l force -d 'reinstall; with @VERSION, allow an older one'
complete -c nono -n '__fish_seen_subcommand_from list' -l installed -d 'the installed packs, verified again'
complete -c nono -n '__fish_seen_subcommand_from update' -l dry-run -d 'change nothing'
complete -c nono -n '__fish_seen_subcommand_from update remove' -a '(__nono_packs)'
complete -c nono -n '__nono_at trust' -a 'status init sign verify keygen export-key add list remove'
complete -c nono -n '__nono_in trust status; or __nono_in trust verify; or __nono_in trust list' -l json -d 'machine-readable output'
complete -c nono -n '__nono_in trust init' -l all -d 'everywhere'
complete -c nono -n '__nono_in trust keygen' -l force -d 'replace the key'
complete -c nono -n '__nono_in trust export-key' -l pem -d 'a PEM block'
complete -c nono -n '__nono_in trust status; or __nono_in trust init' -x -a '(__fish_complete_directories)'
complete -c nono -n '__nono_in trust sign; or __nono_in trust verify; or __nono_in trust add' -F
complete -c nono -n '__nono_at trust remove' -a '(__nono_keyids)'
