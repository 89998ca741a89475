/*
 * policy_json.c — calendar and SLA policy documents (see policy_json.h).
 *
 * Each parser walks the members of an object and hands each one to the
 * code for its name, so a member nobody claims is refused by name and a
 * document can never carry something that is silently ignored. The checks
 * the domain owns (intervals in order and apart, closures apart, targets
 * within a year, ...) are left to hd_cal_validate and
 * hd_sla_policy_validate, run on the finished struct.
 *
 * The writers build the canonical form: every member present, lists
 * sorted, instants in heed's RFC 3339 form. Parsing a canonical document
 * gives the struct it was written from.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/policy_json.h"
#include "util/timeutil.h"
#include "util/banned.h"

#define ID_MAX ((int64_t)999999999999999999)

static const char *const day_names[7] = { "monday", "tuesday",  "wednesday", "thursday",
					  "friday", "saturday", "sunday" };

/* ---- members --------------------------------------------------------------- */

static int unknown(const char *key, const char *where, struct hd_err *err)
{
	return hd_err_set(err, HD_EINVAL, key, "unknown field \"%s\" in %s", key, where);
}

static int required(const char *key, struct hd_err *err)
{
	return hd_err_set(err, HD_EINVAL, key, "%s is required", key);
}

/* A string of 1 to `max` bytes without control characters. */
static int text(json_t *v, const char *field, size_t max, const char **out, struct hd_err *err)
{
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);

	if (!s)
		return hd_err_set(err, HD_EINVAL, field, "%s must be a string", field);
	if (n < 1 || n > max)
		return hd_err_set(err, HD_EINVAL, field, "%s must have 1 to %zu bytes", field, max);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return hd_err_set(err, HD_EINVAL, field,
					  "%s must not contain control characters", field);
	*out = s;
	return 0;
}

/* A whole number from `min` to `max`. */
static int whole(json_t *v, const char *field, int64_t min, int64_t max, int64_t *out,
		 struct hd_err *err)
{
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return hd_err_set(err, HD_EINVAL, field,
				  "%s must be a whole number from %lld to %lld", field,
				  (long long)min, (long long)max);
	*out = json_integer_value(v);
	return 0;
}

/* An array of at most `max` items (`v` may be NULL only if the caller
 * checked for null first). */
static int list(json_t *v, const char *field, size_t max, struct hd_err *err)
{
	if (!json_is_array(v) || json_array_size(v) > max)
		return hd_err_set(err, HD_EINVAL, field, "%s must be a list of at most %zu items",
				  field, max);
	return 0;
}

/* The JSON integer `v`, or null for 0. */
static json_t *int_or_null(int64_t v)
{
	return v ? json_integer(v) : json_null();
}

/* ---- calendars: parsing ---------------------------------------------------- */

/* "HH:MM" into minutes of the day; "24:00" only when `end`. -1 otherwise. */
static int hhmm(const char *s, int end)
{
	int h, m;

	if (strlen(s) != 5 || s[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && (m || !end)))
		return -1;
	return h * 60 + m;
}

static int interval(json_t *v, struct hd_cal_interval *iv, struct hd_err *err)
{
	const char *key, *s;
	json_t *m;
	int got = 0;

	if (!json_is_object(v))
		return hd_err_set(err, HD_EINVAL, "hours",
				  "an interval is {\"start\": \"09:00\", \"end\": \"17:00\"}");
	json_object_foreach(v, key, m)
	{
		int end = !strcmp(key, "end"), min;

		if (!end && strcmp(key, "start"))
			return unknown(key, "an interval", err);
		if (text(m, "hours", 5, &s, err))
			return HD_EINVAL;
		min = hhmm(s, end);
		if (min < 0)
			return hd_err_set(err, HD_EINVAL, "hours",
					  "\"%s\" is not a time from 00:00 to 23:59 (24:00 may end "
					  "an interval)",
					  s);
		if (end)
			iv->end = (int16_t)min;
		else
			iv->start = (int16_t)min;
		got |= end ? 2 : 1;
	}
	if (got != 3)
		return hd_err_set(err, HD_EINVAL, "hours", "an interval needs start and end");
	return 0;
}

static int interval_cmp(const void *a, const void *b)
{
	const struct hd_cal_interval *x = a, *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

static int hours(json_t *v, struct hd_calendar *cal, struct hd_err *err)
{
	const char *key;
	json_t *day, *item;
	size_t i;

	if (!json_is_object(v))
		return hd_err_set(err, HD_EINVAL, "hours",
				  "hours must be an object: weekday -> list of intervals");
	json_object_foreach(v, key, day)
	{
		int d = 0;

		while (d < 7 && strcmp(day_names[d], key))
			d++;
		if (d == 7)
			return unknown(key, "hours (weekdays are monday ... sunday)", err);
		if (json_is_null(day))
			continue;
		if (list(day, "hours", HD_CAL_MAX_INTERVALS, err))
			return HD_EINVAL;
		json_array_foreach(day, i, item)
		{
			if (interval(item, &cal->week[d][i], err))
				return HD_EINVAL;
		}
		cal->nintervals[d] = (uint8_t)json_array_size(day);
		qsort(cal->week[d], cal->nintervals[d], sizeof(cal->week[d][0]), interval_cmp);
	}
	return 0;
}

static int64_t date_key(const struct hd_cal_date *d)
{
	return (int64_t)d->year * 10000 + d->month * 100 + d->day;
}

static int date_cmp(const void *a, const void *b)
{
	int64_t x = date_key(a), y = date_key(b);

	return (x > y) - (x < y);
}

/* "YYYY-MM-DD" into `*d` (whether the date exists is hd_cal_validate's). */
static int parse_date(const char *s, struct hd_cal_date *d)
{
	int v[8];

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0, k = 0; i < 10; i++) {
		if (i == 4 || i == 7)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v[k++] = s[i] - '0';
	}
	d->year = (int16_t)(v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3]);
	d->month = (int8_t)(v[4] * 10 + v[5]);
	d->day = (int8_t)(v[6] * 10 + v[7]);
	return 0;
}

static int holidays(json_t *v, struct hd_calendar *cal, struct hd_arena *a, struct hd_err *err)
{
	struct hd_cal_date *out;
	json_t *item;
	size_t i, n = 0;

	if (json_is_null(v))
		return 0;
	if (list(v, "holidays", HD_CAL_MAX_HOLIDAYS, err))
		return HD_EINVAL;
	out = hd_arena_alloc(a, sizeof(*out) * (json_array_size(v) + 1));
	if (!out)
		return hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
	json_array_foreach(v, i, item)
	{
		const char *s;

		if (text(item, "holidays", 10, &s, err))
			return HD_EINVAL;
		if (parse_date(s, &out[i]))
			return hd_err_set(err, HD_EINVAL, "holidays",
					  "\"%s\" is not a date like 2026-12-25", s);
	}
	qsort(out, json_array_size(v), sizeof(*out), date_cmp);
	for (i = 0; i < json_array_size(v); i++) /* drop repeats */
		if (!n || date_key(&out[i]) != date_key(&out[n - 1]))
			out[n++] = out[i];
	cal->holidays = out;
	cal->nholidays = n;
	return 0;
}

/* A closure and its reason, sorted together. */
struct closure {
	struct hd_cal_range r;
	const char *reason;
};

static int closure_cmp(const void *a, const void *b)
{
	const struct closure *x = a, *y = b;

	return (x->r.from_ms > y->r.from_ms) - (x->r.from_ms < y->r.from_ms);
}

static int closure(json_t *v, struct closure *c, struct hd_err *err)
{
	const char *key, *s;
	json_t *m;
	int got = 0;

	if (!json_is_object(v))
		return hd_err_set(err, HD_EINVAL, "closures",
				  "a closure is {\"from\": <time>, \"to\": <time>, \"reason\"}");
	json_object_foreach(v, key, m)
	{
		int to = !strcmp(key, "to");

		if (!strcmp(key, "reason")) {
			if (!json_is_null(m) &&
			    text(m, "closures", HD_CAL_REASON_MAX, &c->reason, err))
				return HD_EINVAL;
			continue;
		}
		if (!to && strcmp(key, "from"))
			return unknown(key, "a closure", err);
		if (text(m, "closures", 64, &s, err) ||
		    hd_time_parse(s, to ? &c->r.to_ms : &c->r.from_ms))
			return hd_err_set(err, HD_EINVAL, "closures",
					  "a closure's from and to are RFC 3339 times");
		got |= to ? 2 : 1;
	}
	if (got != 3)
		return hd_err_set(err, HD_EINVAL, "closures", "a closure needs from and to");
	return 0;
}

static int closures(json_t *v, struct hd_calendar_def *d, struct hd_arena *a, struct hd_err *err)
{
	struct closure *tmp;
	struct hd_cal_range *ranges;
	json_t *item;
	size_t i, n = json_array_size(v);

	if (json_is_null(v))
		return 0;
	if (list(v, "closures", HD_CAL_MAX_CLOSURES, err))
		return HD_EINVAL;
	tmp = hd_arena_alloc(a, sizeof(*tmp) * (n + 1));
	ranges = hd_arena_alloc(a, sizeof(*ranges) * (n + 1));
	d->reasons = hd_arena_alloc(a, sizeof(*d->reasons) * (n + 1));
	if (!tmp || !ranges || !d->reasons)
		return hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
	json_array_foreach(v, i, item)
	{
		if (closure(item, &tmp[i], err))
			return HD_EINVAL;
	}
	qsort(tmp, n, sizeof(*tmp), closure_cmp);
	for (i = 0; i < n; i++) {
		ranges[i] = tmp[i].r;
		d->reasons[i] = tmp[i].reason;
	}
	d->cal.closures = ranges;
	d->cal.nclosures = n;
	return 0;
}

/* An IANA name such as "Europe/Berlin" or "Etc/GMT+5": letters, digits and
 * _ + - in parts separated by /. Refuses what GLib would read as a file
 * path or a POSIX TZ rule with a colon. */
static int zone_name(json_t *v, const char **out, struct hd_err *err)
{
	const char *s;

	if (text(v, "time_zone", 64, &s, err))
		return HD_EINVAL;
	for (const char *p = s; *p; p++) {
		char c = *p;
		int slash = c == '/' && p > s && p[1] && p[-1] != '/';
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			 (c >= '0' && c <= '9') || c == '_' || c == '+' || c == '-' || slash;

		if (!ok)
			return hd_err_set(err, HD_EINVAL, "time_zone",
					  "time_zone must be an IANA time zone name such as "
					  "Europe/Berlin");
	}
	*out = s;
	return 0;
}

/* hd_cal_validate, its fields named as in the document. */
static int check_calendar(const struct hd_calendar *cal, struct hd_err *err)
{
	struct hd_err e = { 0 };
	int rc = hd_cal_validate(cal, &e);

	if (!rc)
		return 0;
	return hd_err_set(err, rc,
			  !strcmp(e.field, "week")   ? "hours"
			  : !strcmp(e.field, "zone") ? "time_zone"
						     : e.field,
			  "%s", e.msg);
}

int hd_calendar_parse(json_t *doc, struct hd_calendar_def *out, struct hd_arena *a,
		      struct hd_err *err)
{
	const char *key;
	json_t *v;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(doc))
		return hd_err_set(err, HD_EINVAL, NULL, "a calendar is a JSON object");
	json_object_foreach(doc, key, v)
	{
		if (!strcmp(key, "name"))
			rc = text(v, "name", HD_POLICY_NAME_MAX, &out->name, err);
		else if (!strcmp(key, "time_zone"))
			rc = zone_name(v, &out->time_zone, err);
		else if (!strcmp(key, "hours"))
			rc = hours(v, &out->cal, err);
		else if (!strcmp(key, "holidays"))
			rc = holidays(v, &out->cal, a, err);
		else if (!strcmp(key, "closures"))
			rc = closures(v, out, a, err);
		else
			rc = unknown(key, "a calendar", err);
		if (rc)
			return rc;
	}
	if (!out->name)
		return required("name", err);
	if (!out->time_zone)
		return required("time_zone", err);
	if (!json_object_get(doc, "hours"))
		return required("hours", err);
	return check_calendar(&out->cal, err);
}

int hd_calendar_load_zone(struct hd_calendar_def *d, int64_t from_ms, int64_t to_ms,
			  struct hd_arena *a, struct hd_err *err)
{
	int rc;

	if (!d->zbuf)
		d->zbuf = hd_arena_alloc(a, sizeof(*d->zbuf));
	if (!d->zbuf)
		return hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
	rc = hd_tz_load(d->time_zone, from_ms, to_ms, d->zbuf, err);
	if (rc) {
		if (err)
			err->code = HD_EINVAL; /* a zone too busy to hold is bad input too */
		return HD_EINVAL;
	}
	d->cal.zone = d->zbuf->zone;
	return check_calendar(&d->cal, err);
}

/* ---- calendars: writing ---------------------------------------------------- */

static json_t *hours_json(const struct hd_calendar *cal)
{
	json_t *o = json_object();
	char s[2][16];
	int bad = 0;

	for (int d = 0; d < 7; d++) {
		json_t *day = json_array();

		for (unsigned i = 0; i < cal->nintervals[d]; i++) {
			const struct hd_cal_interval *iv = &cal->week[d][i];

			snprintf(s[0], sizeof(s[0]), "%02d:%02d", iv->start / 60, iv->start % 60);
			snprintf(s[1], sizeof(s[1]), "%02d:%02d", iv->end / 60, iv->end % 60);
			bad |= json_array_append_new(day, json_pack("{s:s, s:s}", "start", s[0],
								    "end", s[1]));
		}
		bad |= json_object_set_new(o, day_names[d], day);
	}
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *hd_calendar_json(const struct hd_calendar_def *d)
{
	const struct hd_calendar *cal = &d->cal;
	json_t *doc = json_object(), *hol = json_array(), *clo = json_array();
	char t[2][HD_RFC3339_LEN];
	int bad = 0;

	for (size_t i = 0; i < cal->nholidays; i++) {
		const struct hd_cal_date *h = &cal->holidays[i];

		snprintf(t[0], sizeof(t[0]), "%04d-%02d-%02d", h->year, h->month, h->day);
		bad |= json_array_append_new(hol, json_string(t[0]));
	}
	for (size_t i = 0; i < cal->nclosures; i++)
		bad |= json_array_append_new(
			clo, json_pack("{s:s, s:s, s:s?}", "from",
				       hd_time_format(cal->closures[i].from_ms, t[0]), "to",
				       hd_time_format(cal->closures[i].to_ms, t[1]), "reason",
				       d->reasons ? d->reasons[i] : NULL));
	bad |= json_object_set_new(doc, "name", json_string(d->name));
	bad |= json_object_set_new(doc, "time_zone", json_string(d->time_zone));
	bad |= json_object_set_new(doc, "hours", hours_json(cal));
	bad |= json_object_set_new(doc, "holidays", hol);
	bad |= json_object_set_new(doc, "closures", clo);
	if (bad) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

/* ---- policies: parsing ----------------------------------------------------- */

/* A list of enum words (`parse`: word -> value or -1) into a bit mask. */
static int words(json_t *v, const char *field, const char *what, int (*parse)(const char *),
		 unsigned *mask, struct hd_err *err)
{
	json_t *item;
	size_t i;

	*mask = 0;
	if (list(v, field, 16, err))
		return HD_EINVAL;
	json_array_foreach(v, i, item)
	{
		int x = parse(json_string_value(item));

		if (x < 0)
			return hd_err_set(err, HD_EINVAL, field, "%s must list %s names", field,
					  what);
		*mask |= 1u << x;
	}
	return 0;
}

static int ids(json_t *v, const char *field, int64_t *out, size_t *n, struct hd_err *err)
{
	json_t *item;
	size_t i;

	if (list(v, field, HD_SLA_MAX_IDS, err))
		return HD_EINVAL;
	json_array_foreach(v, i, item)
	{
		if (whole(item, field, 1, ID_MAX, &out[i], err))
			return HD_EINVAL;
	}
	*n = json_array_size(v);
	return 0;
}

/* A tag as tickets carry them (the API's rule in http/input.c): a
 * lower-case word of [a-z0-9._:-], 1 to 63 bytes. */
static int tag(json_t *v, const char *field, char *out, struct hd_err *err)
{
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);

	if (!s || n == 0 || n >= HD_SLA_TAG_MAX ||
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789._:-") != n)
		return hd_err_set(err, HD_EINVAL, field,
				  "a tag is a lower-case word of letters, digits and ._:- (1 to "
				  "63 characters)");
	memcpy(out, s, n + 1);
	return 0;
}

static int tags(json_t *v, struct hd_sla_policy *p, struct hd_err *err)
{
	json_t *item;
	size_t i;

	if (list(v, "tags", HD_SLA_MAX_TAGS, err))
		return HD_EINVAL;
	json_array_foreach(v, i, item)
	{
		if (tag(item, "tags", p->tags[i], err))
			return HD_EINVAL;
	}
	p->ntags = json_array_size(v);
	return 0;
}

static int conditions(json_t *v, struct hd_sla_policy *p, struct hd_err *err)
{
	const char *key;
	json_t *m;
	int rc = 0;

	if (json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return hd_err_set(err, HD_EINVAL, "conditions", "conditions must be an object");
	json_object_foreach(v, key, m)
	{
		if (!strcmp(key, "priority"))
			rc = words(m, "priority", "priority", hd_priority_parse, &p->priorities,
				   err);
		else if (!strcmp(key, "channel"))
			rc = words(m, "channel", "channel", hd_channel_parse, &p->channels, err);
		else if (!strcmp(key, "team_id"))
			rc = ids(m, "team_id", p->teams, &p->nteams, err);
		else if (!strcmp(key, "organization_id"))
			rc = ids(m, "organization_id", p->orgs, &p->norgs, err);
		else if (!strcmp(key, "tags"))
			rc = tags(m, p, err);
		else
			rc = unknown(key, "conditions", err);
		if (rc)
			return rc;
	}
	return 0;
}

static int targets(json_t *v, struct hd_sla_policy *p, struct hd_err *err)
{
	const char *key;
	json_t *m;

	if (!json_is_object(v))
		return hd_err_set(err, HD_EINVAL, "targets",
				  "targets must be an object: metric -> minutes");
	json_object_foreach(v, key, m)
	{
		int metric = hd_sla_metric_parse(key);

		if (metric < 0)
			return unknown(key, "targets", err);
		if (!json_is_null(m) &&
		    whole(m, key, 1, HD_SLA_MINUTES_MAX, &p->target_min[metric], err))
			return HD_EINVAL;
	}
	return 0;
}

static int action(json_t *v, const char *field, struct hd_sla_action *a, struct hd_err *err)
{
	const char *key, *kind = NULL;
	json_t *m;

	if (!json_is_object(v))
		return hd_err_set(err, HD_EINVAL, field,
				  "an action is an object such as {\"action\": \"notify_lead\"}");
	json_object_foreach(v, key, m)
	{
		int rc;

		if (!strcmp(key, "action"))
			rc = text(m, field, 32, &kind, err);
		else if (!strcmp(key, "team_id"))
			rc = whole(m, field, 1, ID_MAX, &a->team_id, err);
		else if (!strcmp(key, "tag"))
			rc = tag(m, field, a->tag, err);
		else
			rc = unknown(key, "an action", err);
		if (rc)
			return rc;
	}
	if (!kind || hd_sla_act_parse(kind) < 0)
		return hd_err_set(err, HD_EINVAL, field,
				  "an action is one of notify_lead, raise_priority, set_team, "
				  "add_tag");
	a->kind = (enum hd_sla_act)hd_sla_act_parse(kind);
	if ((a->team_id && a->kind != HD_SLA_ACT_SET_TEAM) ||
	    (json_object_get(v, "tag") && a->kind != HD_SLA_ACT_ADD_TAG))
		return hd_err_set(err, HD_EINVAL, field,
				  "team_id goes with set_team, tag with add_tag");
	return 0;
}

static int actions(json_t *v, const char *field, struct hd_sla_action *out, size_t *n,
		   struct hd_err *err)
{
	json_t *item;
	size_t i;

	*n = 0;
	if (json_is_null(v))
		return 0;
	if (list(v, field, HD_SLA_MAX_ACTIONS, err))
		return HD_EINVAL;
	json_array_foreach(v, i, item)
	{
		if (action(item, field, &out[i], err))
			return HD_EINVAL;
	}
	*n = json_array_size(v);
	return 0;
}

int hd_sla_policy_parse(json_t *doc, struct hd_sla_policy *out, int64_t *position,
			struct hd_err *err)
{
	const char *key, *name = NULL;
	json_t *v;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	*position = 0;
	out->pause_statuses = HD_SLA_DEFAULT_PAUSE;
	if (!json_is_object(doc))
		return hd_err_set(err, HD_EINVAL, NULL, "an SLA policy is a JSON object");
	json_object_foreach(doc, key, v)
	{
		int null = json_is_null(v);

		if (!strcmp(key, "name"))
			rc = text(v, "name", HD_POLICY_NAME_MAX, &name, err);
		else if (!strcmp(key, "position"))
			rc = null ? 0 : whole(v, "position", 1, 1000000, position, err);
		else if (!strcmp(key, "conditions"))
			rc = conditions(v, out, err);
		else if (!strcmp(key, "targets"))
			rc = targets(v, out, err);
		else if (!strcmp(key, "calendar_id"))
			rc = null ? 0 : whole(v, "calendar_id", 1, ID_MAX, &out->calendar_id, err);
		else if (!strcmp(key, "pause_in"))
			rc = null ? 0
				  : words(v, "pause_in", "status", hd_status_parse,
					  &out->pause_statuses, err);
		else if (!strcmp(key, "warn_before"))
			rc = null ? 0
				  : whole(v, "warn_before", 1, HD_SLA_MINUTES_MAX, &out->warn_min,
					  err);
		else if (!strcmp(key, "on_warning"))
			rc = actions(v, "on_warning", out->on_warn, &out->non_warn, err);
		else if (!strcmp(key, "on_breach"))
			rc = actions(v, "on_breach", out->on_breach, &out->non_breach, err);
		else
			rc = unknown(key, "an SLA policy", err);
		if (rc)
			return rc;
	}
	if (!name)
		return required("name", err);
	if (!json_object_get(doc, "targets"))
		return required("targets", err);
	memcpy(out->name, name, strlen(name) + 1);
	return hd_sla_policy_validate(out, err);
}

/* ---- policies: writing ----------------------------------------------------- */

static json_t *mask_json(unsigned mask, int count, const char *(*name)(int))
{
	json_t *a = json_array();

	for (int i = 0; i < count; i++)
		if (mask & (1u << i) && json_array_append_new(a, json_string(name(i)))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *ids_json(const int64_t *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		if (json_array_append_new(a, json_integer(v[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *actions_json(const struct hd_sla_action *v, size_t n)
{
	json_t *a = json_array();
	int bad = 0;

	for (size_t i = 0; i < n; i++) {
		json_t *o = json_pack("{s:s}", "action", hd_sla_act_name(v[i].kind));

		if (v[i].kind == HD_SLA_ACT_SET_TEAM)
			bad |= json_object_set_new(o, "team_id", json_integer(v[i].team_id));
		if (v[i].kind == HD_SLA_ACT_ADD_TAG)
			bad |= json_object_set_new(o, "tag", json_string(v[i].tag));
		bad |= json_array_append_new(a, o);
	}
	if (bad) {
		json_decref(a);
		return NULL;
	}
	return a;
}

json_t *hd_sla_policy_json(const struct hd_sla_policy *p)
{
	json_t *doc = json_object(), *cond = json_object(), *tg = json_object();
	json_t *tags = json_array();
	int bad = 0;

	for (size_t i = 0; i < p->ntags; i++)
		bad |= json_array_append_new(tags, json_string(p->tags[i]));
	bad |= json_object_set_new(cond, "priority",
				   mask_json(p->priorities, HD_PRIORITY__COUNT, hd_priority_name));
	bad |= json_object_set_new(cond, "channel",
				   mask_json(p->channels, HD_CHANNEL__COUNT, hd_channel_name));
	bad |= json_object_set_new(cond, "team_id", ids_json(p->teams, p->nteams));
	bad |= json_object_set_new(cond, "organization_id", ids_json(p->orgs, p->norgs));
	bad |= json_object_set_new(cond, "tags", tags);
	for (int m = 0; m < HD_SLA__COUNT; m++)
		bad |= json_object_set_new(tg, hd_sla_metric_name(m),
					   int_or_null(p->target_min[m]));
	bad |= json_object_set_new(doc, "name", json_string(p->name));
	bad |= json_object_set_new(doc, "conditions", cond);
	bad |= json_object_set_new(doc, "targets", tg);
	bad |= json_object_set_new(doc, "calendar_id", int_or_null(p->calendar_id));
	bad |= json_object_set_new(doc, "pause_in",
				   mask_json(p->pause_statuses, HD_STATUS__COUNT, hd_status_name));
	bad |= json_object_set_new(doc, "warn_before", int_or_null(p->warn_min));
	bad |= json_object_set_new(doc, "on_warning", actions_json(p->on_warn, p->non_warn));
	bad |= json_object_set_new(doc, "on_breach", actions_json(p->on_breach, p->non_breach));
	if (bad) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}
