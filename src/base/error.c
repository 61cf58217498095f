/* error.c - see error.h (both sides). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"

int
nono_error_set(struct nono_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (code > 0)
		code = -code;
	if (!err)
		return code;
	err->code = code;
	err->usage = false;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	err->hint[0] = '\0';
	return code;
}

void
nono_error_hint(struct nono_error *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(err->hint, sizeof(err->hint), fmt, ap);
	va_end(ap);
}

void
nono_error_clear(struct nono_error *err)
{
	if (!err)
		return;
	err->code = 0;
	err->usage = false;
	err->msg[0] = '\0';
	err->hint[0] = '\0';
}
