/*
 * search_query.h — turning what a person types into a safe FTS5 query.
 *
 * People type words, "quoted phrases" and word* prefixes; FTS5 has its own
 * syntax (NEAR, AND, column filters, ^) that must never be reachable from
 * outside, or a stray quote becomes a syntax error. Every term is emitted as
 * an FTS5 string ("...", inner quotes doubled), terms are ANDed, a trailing
 * '*' on a word becomes a prefix query. At most 16 terms. Pure.
 */
#ifndef HD_DOMAIN_SEARCH_QUERY_H
#define HD_DOMAIN_SEARCH_QUERY_H

#include <stddef.h>

#include "util/err.h"
#include "util/sbuf.h"

#define HD_SEARCH_MAX_TERMS 16

/** Append the FTS5 form of `q` to `out`. HD_EINVAL when `q` has no
 * searchable term; HD_ETOOBIG when `out` is full. */
int hd_search_query_build(const char *q, struct hd_sbuf *out, struct hd_err *err);

#endif
