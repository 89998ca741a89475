/*
 * fuzz_search_query.c — arbitrary text as a search box entry; the FTS5
 * expression built from it must always be accepted by SQLite's FTS5.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "domain/search_query.h"

static sqlite3 *db;
static sqlite3_stmt *st;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *q = malloc(size + 1);
	struct hd_sbuf sb;

	if (!q)
		return 0;
	memcpy(q, data, size);
	q[size] = '\0';
	if (!db) {
		sqlite3_open(":memory:", &db);
		sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='unicode61 "
				 "remove_diacritics 2'); INSERT INTO t VALUES ('hello world');",
			     NULL, NULL, NULL);
		sqlite3_prepare_v2(db, "SELECT count(*) FROM t WHERE t MATCH ?1", -1, &st, NULL);
	}
	hd_sbuf_init(&sb, 1 << 16);
	if (strlen(q) == size && hd_search_query_build(q, &sb, NULL) == 0) {
		int rc;

		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, sb.buf, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc != SQLITE_ROW)
			abort(); /* the builder produced something FTS5 rejects */
	}
	hd_sbuf_release(&sb);
	free(q);
	return 0;
}
