/* log.c - user-facing messages; see log.h. Runs on the supervisor side. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/escape.h"
#include "base/log.h"

static int level = NONO_LOG_NORMAL;
static int colour[3] = {-1, -1, -1};
static int forced = -1; /* -1 on a terminal, 0 never, 1 always */

void
nono_log_force_colour(int mode)
{
	forced = mode;
	colour[1] = colour[2] = -1;
}

void
nono_log_init(void)
{
	colour[1] = colour[2] = -1;
}

void
nono_log_set_level(int l)
{
	level = l;
}

int
nono_log_level(void)
{
	return level;
}

bool
nono_log_colour(int fd)
{
	const char *nc, *term;

	if (fd < 0 || fd > 2)
		return false;
	if (colour[fd] < 0) {
		nc = getenv("NO_COLOR");
		term = getenv("TERM");
		colour[fd] = !(nc && *nc) && forced != 0 &&
			     (forced == 1 || (isatty(fd) && !(term && strcmp(term, "dumb") == 0)));
	}
	return colour[fd] == 1;
}

const char *
nono_c(int fd, const char *seq)
{
	return nono_log_colour(fd) ? seq : "";
}

/* One line: the message is escaped whole, since its arguments may be paths,
 * commands or hosts that came from the sandbox (escape.h). */
static void
vmsg(const char *prefix, const char *col, const char *fmt, va_list ap)
{
	char *msg = NULL;

	fprintf(stderr, "%s%s%s", nono_c(2, col), prefix, nono_c(2, C_RESET));
	if (vasprintf(&msg, fmt, ap) < 0)
		fputs(fmt, stderr); /* out of memory: the bare message */
	else
		nono_fputs_escaped(msg, stderr);
	fputc('\n', stderr);
	free(msg);
}

void
log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("nono: ", C_RED, fmt, ap);
	va_end(ap);
}

void
log_hint(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("hint: ", C_DIM, fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	if (level < NONO_LOG_NORMAL)
		return;
	va_start(ap, fmt);
	vmsg("nono: warning: ", C_YELLOW, fmt, ap);
	va_end(ap);
}

void
log_note(const char *fmt, ...)
{
	va_list ap;

	if (level < NONO_LOG_NORMAL)
		return;
	va_start(ap, fmt);
	vmsg("nono: ", C_BOLD, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	if (level < NONO_LOG_VERBOSE)
		return;
	va_start(ap, fmt);
	vmsg("nono: ", "", fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (level < NONO_LOG_DEBUG)
		return;
	va_start(ap, fmt);
	vmsg("nono: debug: ", C_DIM, fmt, ap);
	va_end(ap);
}

void
nono_print_error(const struct nono_error *err)
{
	log_error("%s", err->msg[0] ? err->msg : "failed");
	if (err->hint[0])
		log_hint("%s", err->hint);
}

void
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("nono: ", C_RED, fmt, ap);
	va_end(ap);
	exit(125);
}

void
die_errno(const char *fmt, ...)
{
	va_list ap;
	int e = errno;
	char *msg = NULL;

	fprintf(stderr, "%snono: %s", nono_c(2, C_RED), nono_c(2, C_RESET));
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		fputs(fmt, stderr);
	else
		nono_fputs_escaped(msg, stderr);
	va_end(ap);
	free(msg);
	fprintf(stderr, ": %s\n", strerror(e));
	exit(125);
}
