/* session.h - the interactive session of nono-shell (inside the sandbox):
 * the user's shell runs interactive on a pseudo-terminal of its own, and
 * nono's readline prompt in front feeds it one line at a time. The shell
 * keeps its state (variables, aliases, functions, cwd, $?, jobs); it marks
 * each prompt it would print, so the session knows when to read the next
 * line and with which status. */
#ifndef NONO_SHELL_SESSION_H
#define NONO_SHELL_SESSION_H

#include <stdbool.h>

/* What the session asks of the rest of nono-shell. */
struct nono_shell_hooks {
	/* the prompt for status (cont: a continuation line); caller frees */
	char *(*prompt)(int status, bool cont);
	/* a line read at the prompt: 0 to send it to the shell, 1 when nono
	 * handled it (a builtin), -1 when it is refused (said already) */
	int (*line)(const char *line, bool cont, int *status);
	/* after a command, before the next prompt: the hints */
	void (*after)(int status);
	void (*history_add)(const char *line);
};

/* The marker the shell prints as its prompts: ESC ] 6973 ; NONCE ; then
 * P<status> BEL (a command's prompt) or C BEL (a continuation). */
#define NONO_SHELL_MARK_PS1 "\033]6973;%s;P"
#define NONO_SHELL_MARK_PS2 "\033]6973;%s;C\a"

/* Run argv (the shell, which prints the markers made of nonce) until it
 * exits; its exit status. */
int nono_shell_session_run(char *const *argv, char *const *envp, const char *nonce, const struct nono_shell_hooks *h);

#endif
