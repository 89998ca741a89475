/*
 * test_policies.c — calendars and SLA policies in the store
 * (store/policies.h, src/store/sqlite/policies.c) and their documents
 * (store/policy_json.h): canonical round trips, positions kept 1..n, and
 * the parsed configuration the SLA engine reads inside writer jobs — in
 * order, calendars found by id with their zones loaded, cached, and
 * rebuilt after a write, on invalidation and when the clock moves on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/policy_json.h"
#include "store/sqlite/internal.h"
#include "util/timeutil.h"

#define DAY ((int64_t)86400000)

struct fx {
	char dir[64];
	struct hd_store *st;
	struct hd_arena a;
};

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct hd_store_opts o = { .readers = 2 };
	struct hd_err err = { 0 };

	snprintf(f->dir, sizeof(f->dir), "/tmp/heed-policies-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	o.data_dir = f->dir;
	if (hd_store_open(&f->st, &o, &err)) {
		print_error("open: %s\n", err.msg);
		return -1;
	}
	hd_arena_init(&f->a, 64 << 20);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	hd_store_close(f->st);
	hd_arena_release(&f->a);
	nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* Create from JSON text; the id, or fail. */
static int64_t create(struct fx *f, int policy, const char *text)
{
	json_t *doc = json_loads(text, 0, NULL);
	struct hd_err err = { 0 };
	int64_t id = 0;
	int rc = policy ? hd_store_sla_policy_create(f->st, doc, NULL, &id, &err)
			: hd_store_calendar_create(f->st, doc, NULL, &id, &err);

	json_decref(doc);
	if (rc)
		fail_msg("create %s: %s (%s)", text, err.msg, err.field);
	return id;
}

static int update(struct fx *f, int policy, int64_t id, const char *text, struct hd_err *err)
{
	json_t *doc = json_loads(text, 0, NULL);
	int rc = policy ? hd_store_sla_policy_update(f->st, id, doc, err)
			: hd_store_calendar_update(f->st, id, doc, err);

	json_decref(doc);
	return rc;
}

#define BERLIN                                                                                 \
	"{\"name\": \"Berlin\", \"time_zone\": \"Europe/Berlin\", \"hours\": {\"monday\": "     \
	"[{\"start\": \"09:00\", \"end\": \"17:00\"}]}}"

/* ---- documents ------------------------------------------------------------- */

static void calendar_canonical_round_trip(void **state)
{
	struct fx *f = *state;
	const char *text = "{\"name\": \"C\", \"time_zone\": \"America/New_York\", \"hours\": "
			   "{\"friday\": [{\"start\": \"13:00\", \"end\": \"24:00\"}, "
			   "{\"start\": \"00:00\", \"end\": \"08:30\"}]}, \"holidays\": "
			   "[\"2026-07-04\", \"2025-12-25\", \"2026-07-04\"], \"closures\": "
			   "[{\"from\": \"2026-03-01T10:00:00-05:00\", \"to\": "
			   "\"2026-03-01T12:00:00-05:00\", \"reason\": \"move\"}]}";
	json_t *doc = json_loads(text, 0, NULL), *canon, *again;
	struct hd_calendar_def d, d2;
	char *s;

	assert_int_equal(hd_calendar_parse(doc, &d, &f->a, NULL), 0);
	assert_int_equal(d.cal.nintervals[4], 2);
	assert_int_equal(d.cal.week[4][0].start, 0);
	assert_int_equal(d.cal.week[4][0].end, 510);
	assert_int_equal(d.cal.week[4][1].end, 1440);
	assert_int_equal(d.cal.nholidays, 2);
	assert_int_equal(d.cal.holidays[0].year, 2025);
	assert_int_equal(d.cal.closures[0].from_ms, 1772377200000);
	canon = hd_calendar_json(&d);
	s = json_dumps(canon, JSON_COMPACT);
	assert_string_equal(
		s, "{\"name\":\"C\",\"time_zone\":\"America/New_York\",\"hours\":{\"monday\":[],"
		   "\"tuesday\":[],\"wednesday\":[],\"thursday\":[],\"friday\":[{\"start\":"
		   "\"00:00\",\"end\":\"08:30\"},{\"start\":\"13:00\",\"end\":\"24:00\"}],"
		   "\"saturday\":[],\"sunday\":[]},\"holidays\":[\"2025-12-25\",\"2026-07-04\"],"
		   "\"closures\":[{\"from\":\"2026-03-01T15:00:00.000Z\",\"to\":"
		   "\"2026-03-01T17:00:00.000Z\",\"reason\":\"move\"}]}");
	assert_int_equal(hd_calendar_parse(canon, &d2, &f->a, NULL), 0);
	again = hd_calendar_json(&d2);
	assert_true(json_equal(canon, again));
	free(s);
	json_decref(again);
	json_decref(canon);
	json_decref(doc);
}

static void zones_load_or_are_refused(void **state)
{
	struct fx *f = *state;
	json_t *doc = json_loads(BERLIN, 0, NULL);
	struct hd_calendar_def d;
	struct hd_err err = { 0 };
	int64_t monday_10_cest = 1774857600000; /* 2026-03-30T08:00:00Z */

	assert_int_equal(hd_calendar_parse(doc, &d, &f->a, NULL), 0);
	assert_int_equal(hd_calendar_load_zone(&d, monday_10_cest - DAY, monday_10_cest + DAY,
					       &f->a, NULL),
			 0);
	assert_true(hd_cal_is_open(&d.cal, monday_10_cest));
	assert_false(hd_cal_is_open(&d.cal, monday_10_cest + 7 * 3600000)); /* 17:00 */
	d.time_zone = "Atlantis/Capital";
	assert_int_equal(hd_calendar_load_zone(&d, 0, DAY, &f->a, &err), HD_EINVAL);
	assert_string_equal(err.field, "time_zone");
	json_decref(doc);
}

static void policy_canonical_round_trip(void **state)
{
	const char *text = "{\"name\": \"P\", \"position\": 3, \"conditions\": {\"tags\": "
			   "[\"gold\"], \"priority\": [\"urgent\"]}, \"targets\": "
			   "{\"next_response\": 30}, \"pause_in\": [], \"on_breach\": "
			   "[{\"action\": \"add_tag\", \"tag\": \"late\"}]}";
	json_t *doc = json_loads(text, 0, NULL), *canon, *again;
	struct hd_sla_policy p, p2;
	int64_t pos;
	char *s;

	assert_int_equal(hd_sla_policy_parse(doc, &p, &pos, NULL), 0);
	assert_int_equal(pos, 3);
	assert_int_equal(p.target_min[HD_SLA_NEXT_RESPONSE], 30);
	assert_int_equal(p.pause_statuses, 0);
	assert_string_equal(p.tags[0], "gold");
	canon = hd_sla_policy_json(&p);
	s = json_dumps(canon, JSON_COMPACT);
	assert_string_equal(
		s, "{\"name\":\"P\",\"conditions\":{\"priority\":[\"urgent\"],\"channel\":[],"
		   "\"team_id\":[],\"organization_id\":[],\"tags\":[\"gold\"]},\"targets\":"
		   "{\"first_response\":null,\"next_response\":30,\"periodic_update\":null,"
		   "\"resolution\":null},\"calendar_id\":null,\"pause_in\":[],\"warn_before\":null,"
		   "\"on_warning\":[],\"on_breach\":[{\"action\":\"add_tag\",\"tag\":\"late\"}]}");
	assert_int_equal(hd_sla_policy_parse(canon, &p2, &pos, NULL), 0);
	assert_int_equal(pos, 0);
	again = hd_sla_policy_json(&p2);
	assert_true(json_equal(canon, again));
	free(s);
	json_decref(again);
	json_decref(canon);
	json_decref(doc);
}

/* ---- positions ------------------------------------------------------------- */

static void positions_stay_dense(void **state)
{
	struct fx *f = *state;
	struct hd_def_rec *ps;
	struct hd_err err = { 0 };
	int64_t a = create(f, 1, "{\"name\": \"A\", \"targets\": {\"resolution\": 60}}");
	int64_t b = create(f, 1, "{\"name\": \"B\", \"targets\": {\"resolution\": 60}}");
	int64_t c = create(f, 1, "{\"name\": \"C\", \"position\": 1, \"targets\": "
				 "{\"resolution\": 60}}");
	size_t n;

	assert_int_equal(hd_store_sla_policy_list(f->st, &ps, &n, &f->a, NULL), 0);
	assert_int_equal(n, 3);
	assert_int_equal(ps[0].id, c);
	assert_int_equal(ps[1].id, a);
	assert_int_equal(ps[2].id, b);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(ps[i].position, (int64_t)i + 1);
	assert_int_equal(update(f, 1, c, "{\"position\": 3}", &err), 0);
	assert_int_equal(hd_store_sla_policy_delete(f->st, a, NULL), 0);
	assert_int_equal(hd_store_sla_policy_list(f->st, &ps, &n, &f->a, NULL), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ps[0].id, b);
	assert_int_equal(ps[0].position, 1);
	assert_int_equal(ps[1].id, c);
	assert_int_equal(ps[1].position, 2);
	assert_int_equal(hd_store_sla_policy_delete(f->st, a, NULL), HD_ENOTFOUND);
}

/* ---- the parsed configuration ---------------------------------------------- */

struct probe {
	int64_t now;
	int64_t calendar_id; /* look this one up */
	int64_t at;          /* and ask whether it is open then */
	const void *cfg;     /* which configuration the job got */
	size_t npolicies;
	int64_t ids[4];
	int64_t first_target; /* first policy's first_response target */
	int found, open;
};

static int probe_job(struct hd_conn *c, void *arg, struct hd_err *err)
{
	struct probe *p = arg;
	const struct hd_sla_config *cfg;
	const struct hd_calendar *cal;
	int rc = hd_sla_config_get(c, p->now, &cfg, err);

	if (rc)
		return rc;
	p->cfg = cfg;
	p->npolicies = cfg->npolicies;
	for (size_t i = 0; i < cfg->npolicies && i < 4; i++)
		p->ids[i] = cfg->policies[i].id;
	p->first_target = cfg->npolicies ? cfg->policies[0].target_min[HD_SLA_FIRST_RESPONSE] : 0;
	cal = hd_sla_config_calendar(cfg, p->calendar_id);
	p->found = cal != NULL;
	p->open = cal && hd_cal_is_open(cal, p->at);
	return 0;
}

static struct probe probe(struct fx *f, int64_t now, int64_t calendar_id, int64_t at)
{
	struct probe p = { now, calendar_id, at, NULL, 0, { 0 }, 0, 0, 0 };

	assert_int_equal(hd_writer_run(f->st, probe_job, &p, NULL), 0);
	return p;
}

static void config_is_parsed_cached_and_rebuilt(void **state)
{
	struct fx *f = *state;
	int64_t now = 1774857600000; /* Monday 2026-03-30 10:00 CEST */
	int64_t cal = create(f, 0, BERLIN);
	int64_t other = create(f, 0, "{\"name\": \"Tokyo\", \"time_zone\": \"Asia/Tokyo\", "
				     "\"hours\": {}}");
	int64_t p1 = create(f, 1, "{\"name\": \"One\", \"targets\": {\"first_response\": 60}}");
	int64_t p2;
	char text[160];
	struct probe a, b;
	struct hd_err err = { 0 };

	snprintf(text, sizeof(text),
		 "{\"name\": \"Two\", \"position\": 1, \"calendar_id\": %lld, \"targets\": "
		 "{\"first_response\": 30}}",
		 (long long)cal);
	p2 = create(f, 1, text);

	a = probe(f, now, cal, now);
	assert_int_equal(a.npolicies, 2);
	assert_int_equal(a.ids[0], p2);
	assert_int_equal(a.ids[1], p1);
	assert_int_equal(a.first_target, 30);
	assert_true(a.found);
	assert_true(a.open);
	/* a Friday in October (past the autumn change): closed, Mondays only */
	b = probe(f, now, cal, 1792746000000 /* 2026-10-23T09:00:00Z */);
	assert_ptr_equal(b.cfg, a.cfg); /* cached */
	assert_false(b.open);           /* Friday: closed in this calendar */
	b = probe(f, now, other, now);
	assert_true(b.found);
	assert_false(b.open); /* never open */
	assert_false(probe(f, now, 0, now).found);
	assert_false(probe(f, now, 999, now).found);

	/* a write makes the next job see the new configuration */
	assert_int_equal(update(f, 1, p2, "{\"targets\": {\"first_response\": 20}}", &err), 0);
	b = probe(f, now, cal, now);
	assert_int_equal(b.first_target, 20);
	assert_int_equal(update(f, 1, p1, "{\"position\": 1}", &err), 0);
	b = probe(f, now, cal, now);
	assert_int_equal(b.ids[0], p1);
	assert_int_equal(hd_store_calendar_delete(f->st, other, NULL), 0);
	assert_false(probe(f, now, other, now).found);
	/* a calendar in use stays */
	assert_int_equal(hd_store_calendar_delete(f->st, cal, &err), HD_ECONFLICT);

	/* the clock moving on a month rebuilds it (zones loaded around now) */
	a = probe(f, now, cal, now);
	b = probe(f, now + 29 * DAY, cal, now);
	assert_ptr_equal(b.cfg, a.cfg);
	b = probe(f, now + 31 * DAY, cal, now + 31 * DAY);
	assert_true(b.found);
	assert_int_equal(b.npolicies, 2);
	/* so does an invalidation from any thread */
	hd_sla_config_invalidate(f->st);
	a = probe(f, now + 31 * DAY, cal, now);
	assert_true(a.found);
	assert_true(a.open);
}

static void refused_writes_change_nothing(void **state)
{
	struct fx *f = *state;
	struct hd_def_rec before, after;
	struct hd_err err = { 0 };
	int64_t cal = create(f, 0, BERLIN);

	assert_int_equal(hd_store_calendar_get(f->st, cal, &before, &f->a, NULL), 0);
	assert_int_equal(update(f, 0, cal, "{\"time_zone\": \"Nowhere/Land\"}", &err), HD_EINVAL);
	assert_string_equal(err.field, "time_zone");
	assert_int_equal(hd_store_calendar_get(f->st, cal, &after, &f->a, NULL), 0);
	assert_string_equal(before.definition, after.definition);
	assert_int_equal(update(f, 0, cal, "{}", NULL), HD_EINVAL);
	assert_int_equal(update(f, 0, 999, "{\"name\": \"x\"}", NULL), HD_ENOTFOUND);
	assert_int_equal(hd_store_calendar_delete(f->st, 999, NULL), HD_ENOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(calendar_canonical_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(zones_load_or_are_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(policy_canonical_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(positions_stay_dense, setup, teardown),
		cmocka_unit_test_setup_teardown(config_is_parsed_cached_and_rebuilt, setup,
						teardown),
		cmocka_unit_test_setup_teardown(refused_writes_change_nothing, setup, teardown),
	};
	return cmocka_run_group_tests_name("store/policies", tests, NULL, NULL);
}
