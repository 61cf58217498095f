/* escape.h - untrusted text made safe for a terminal, or for a JSON string,
 * without allocating: the core that log lines, util.h's escaped copies and
 * the JSON writers share, so log.c needs nothing that allocates (both
 * sides). Text the sandbox chose (paths, argv, URLs, hosts) goes through
 * here before it reaches a terminal. */
#ifndef NONO_ESCAPE_H
#define NONO_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

/* flags: keep tab and newline as they are (file content in a diff) */
#define NONO_ESC_KEEP_TAB (1u << 0)
#define NONO_ESC_KEEP_NL  (1u << 1)

/* The unit of text at p (n > 0 bytes left) escaped into out (16 bytes at
 * least): control bytes (< 0x20, 0x7f), C1 controls (U+0080-U+009F), the
 * bidirectional marks and overrides and U+2028/U+2029 (their bytes), and
 * bytes that are not valid UTF-8 as \e, \n, \r, \t or \xNN, a backslash as
 * \\, printable UTF-8 kept. Returns its length in out; *used says how many
 * bytes of p it took. */
size_t nono_escape_unit(char *out, const unsigned char *p, size_t n, unsigned flags, size_t *used);
/* The length of the valid UTF-8 sequence at s (n > 0 bytes left) and its
 * code point in *cp; 0 for a byte that starts none (overlong, surrogate,
 * truncated). */
size_t nono_utf8_seq(const unsigned char *s, size_t n, unsigned *cp);
/* fputs of s escaped unit by unit (NULL prints nothing). */
void nono_fputs_escaped(const char *s, FILE *f);
/* A JSON string literal of s on f: always valid JSON, and safe on a
 * terminal (controls, DEL, C1 and the reordering marks as \uXXXX; a byte
 * that is not UTF-8 as U+FFFD). */
void nono_json_string(FILE *f, const char *s);

#endif
