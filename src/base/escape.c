/* escape.c - see escape.h (both sides). */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/escape.h"

/* The length of the valid UTF-8 sequence at s (n bytes left) and its code
 * point; 0 for a byte that starts none (overlong, surrogate, truncated). */
size_t
nono_utf8_seq(const unsigned char *s, size_t n, unsigned *cp)
{
	size_t len;
	unsigned c, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, c = s[0] & 0x1fu, min = 0x80;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, c = s[0] & 0x0fu, min = 0x800;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, c = s[0] & 0x07u, min = 0x10000;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3fu);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* the direction marks and overrides, and the line and paragraph
 * separators: they reorder or break what the terminal shows around them */
static bool
reorders(unsigned cp)
{
	return cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* one byte as \\e, \\n, \\r, \\t or \\xNN at o; the end */
static char *
escape_byte(char *o, unsigned char b)
{
	static const char hex[] = "0123456789abcdef";
	const char *named = b == 0x1b ? "e" : b == '\n' ? "n" : b == '\r' ? "r" : b == '\t' ? "t" : NULL;

	*o++ = '\\';
	if (named) {
		*o++ = *named;
		return o;
	}
	*o++ = 'x';
	*o++ = hex[b >> 4];
	*o++ = hex[b & 0xf];
	return o;
}

size_t
nono_escape_unit(char *out, const unsigned char *p, size_t n, unsigned flags, size_t *used)
{
	unsigned cp = 0;
	size_t len = nono_utf8_seq(p, n, &cp), o = 0;

	if (len == 1 && cp >= 0x20 && cp != 0x7f) {
		if (cp == '\\')
			out[o++] = '\\';
		out[o++] = (char)cp;
	} else if (len > 1 && cp >= 0xa0 && !reorders(cp)) {
		memcpy(out, p, len);
		o = len;
	} else if (len == 1 &&
		   ((cp == '\t' && (flags & NONO_ESC_KEEP_TAB)) || (cp == '\n' && (flags & NONO_ESC_KEEP_NL)))) {
		out[o++] = (char)cp;
	} else {
		/* a control, the bytes of a C1 control or of a reordering mark,
		 * or one byte that starts no UTF-8 sequence */
		len = len ? len : 1;
		for (size_t k = 0; k < len; k++)
			o = (size_t)(escape_byte(out + o, p[k]) - out);
	}
	*used = len;
	return o;
}

/* without allocating: log.c uses it for die("out of memory") too */
void
nono_fputs_escaped(const char *s, FILE *f)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = s ? strlen(s) : 0, i = 0, used;
	char unit[16];

	while (i < n) {
		size_t k = nono_escape_unit(unit, p + i, n - i, 0, &used);

		fwrite(unit, 1, k, f);
		i += used;
	}
}

/* Always valid JSON, and safe on a terminal: controls, DEL, C1 and the
 * reordering marks as \\uXXXX; a byte that is not UTF-8 (a path can be
 * any bytes) as U+FFFD, so that a reader such as jansson, which refuses
 * the whole document for one such byte, still reads the rest. */
void
nono_json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = s ? strlen(s) : 0, i = 0;

	fputc('"', f);
	while (i < n) {
		unsigned cp = 0;
		size_t len = nono_utf8_seq(p + i, n - i, &cp);

		if (!len) {
			fputs("\\ufffd", f);
			len = 1;
		} else if (cp == '"' || cp == '\\') {
			fprintf(f, "\\%c", (char)cp);
		} else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || reorders(cp)) {
			fprintf(f, "\\u%04x", cp);
		} else {
			fwrite(p + i, 1, len, f);
		}
		i += len;
	}
	fputc('"', f);
}
