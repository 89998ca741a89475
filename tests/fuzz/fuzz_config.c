/*
 * fuzz_config.c — arbitrary bytes as heed.conf.
 */
#include <stddef.h>
#include <stdint.h>

#include "util/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hd_config c;
	char out[4096];

	hd_config_defaults(&c);
	if (hd_config_parse(&c, (const char *)data, size, NULL) == 0)
		hd_config_format(&c, out, sizeof(out));
	return 0;
}
