/* log.h - user-facing messages and fatal errors (both sides; child uses the
 * error pipe instead, see spawn.c). Colour only on a terminal, NO_COLOR honoured. */
#ifndef NONO_LOG_H
#define NONO_LOG_H

#include <stdbool.h>

#include "base/error.h"

enum nono_log_level { NONO_LOG_QUIET = -1, NONO_LOG_NORMAL = 0, NONO_LOG_VERBOSE = 1, NONO_LOG_DEBUG = 2 };

void nono_log_init(void);
void nono_log_set_level(int level);
int nono_log_level(void);
bool nono_log_colour(int fd);
/* -1: colour on a terminal (default), 0: never, 1: always; NO_COLOR wins */
void nono_log_force_colour(int mode);

__attribute__((format(printf, 1, 2))) void log_warn(const char *fmt, ...);
/* at the normal level, not a warning: a summary the user should see */
__attribute__((format(printf, 1, 2))) void log_note(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void log_info(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void log_debug(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void log_error(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void log_hint(const char *fmt, ...);
__attribute__((format(printf, 1, 2), noreturn)) void die(const char *fmt, ...);
__attribute__((format(printf, 1, 2), noreturn)) void die_errno(const char *fmt, ...);

/* err's message and hint, the house way: "nono: MESSAGE", "hint: HINT". */
void nono_print_error(const struct nono_error *err);

/* ANSI sequences, or "" when colour is off for stderr/stdout */
const char *nono_c(int fd, const char *seq);
#define C_RED	 "\033[31m"
#define C_GREEN	 "\033[32m"
#define C_YELLOW "\033[33m"
#define C_CYAN	 "\033[36m"
#define C_BOLD	 "\033[1m"
#define C_DIM	 "\033[2m"
#define C_RESET	 "\033[0m"

#endif
