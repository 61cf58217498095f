/* error.h - error context carried from pure modules up to the CLI layer,
 * which alone prints and chooses the exit code (both sides). */
#ifndef NONO_ERROR_H
#define NONO_ERROR_H

#include <stdbool.h>

struct nono_error {
	int code;   /* negative errno, 0 when unset */
	bool usage; /* the command line itself is wrong: exit 2 */
	char msg[1024];
	char hint[512];
};

__attribute__((format(printf, 3, 4))) int nono_error_set(struct nono_error *err, int code, const char *fmt, ...);
__attribute__((format(printf, 2, 3))) void nono_error_hint(struct nono_error *err, const char *fmt, ...);
void nono_error_clear(struct nono_error *err);

#endif
