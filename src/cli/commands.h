/* commands.h - the subcommand handlers; main.c's table maps names to them
 * (supervisor side). Each returns the process exit status. */
#ifndef NONO_COMMANDS_H
#define NONO_COMMANDS_H

int nono_cmd_run(int argc, char **argv);
int nono_cmd_shell(int argc, char **argv);
int nono_cmd_why(int argc, char **argv);
int nono_cmd_approvals(int argc, char **argv);
int nono_cmd_completion(int argc, char **argv);
int nono_cmd_setup(int argc, char **argv);
int nono_cmd_profile(int argc, char **argv);
int nono_cmd_hooks(int argc, char **argv);
int nono_cmd_audit(int argc, char **argv);
int nono_cmd_rollback(int argc, char **argv);
int nono_cmd_config(int argc, char **argv);
/* registry packs (cmd_pack.c) and instruction-file trust (cmd_trust.c) */
int nono_cmd_search(int argc, char **argv);
int nono_cmd_pull(int argc, char **argv);
int nono_cmd_list(int argc, char **argv);
int nono_cmd_update(int argc, char **argv);
int nono_cmd_remove(int argc, char **argv);
int nono_cmd_trust(int argc, char **argv);

#endif
