/* fuzz_profile.c - libFuzzer target: the profile parser (JSONC stripping,
 * jansson, the position scanner, the schema checks) on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "config/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct nono_strv problems = {0};

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	nono_profile_validate_text(text, "fuzz.json", &problems);
	nono_strv_free(&problems);
	free(text);
	return 0;
}
