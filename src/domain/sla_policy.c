/*
 * sla_policy.c — SLA policies as data: the names of metrics, actions and
 * outcomes, checking a policy, and choosing the policy that covers a ticket
 * (see sla.h). The clocks themselves (hd_sla_plan and friends) live in
 * sla.c.
 *
 * Pure: no I/O, no allocation. A policy is checked here once, when it is
 * stored; matching trusts a checked policy and runs on every ticket write,
 * so it only compares masks and short arrays.
 */
#include <string.h>

#include "domain/sla.h"
#include "util/banned.h"

/** Targets and warnings: at most a year (365 days) of minutes. */
#define YEAR_MIN ((int64_t)365 * 24 * 60)

static const char *const metric_names[] = { "first_response", "next_response",
					    "periodic_update", "resolution" };
static const char *const act_names[] = { "notify_lead", "raise_priority", "set_team",
					 "add_tag" };
static const char *const outcome_names[] = { "running", "met", "breached", "cancelled" };

_Static_assert(sizeof(metric_names) / sizeof(*metric_names) == HD_SLA__COUNT, "metrics");
_Static_assert(sizeof(act_names) / sizeof(*act_names) == HD_SLA_ACT__COUNT, "actions");
_Static_assert(sizeof(outcome_names) / sizeof(*outcome_names) == HD_SLA_CANCELLED + 1,
	       "outcomes");

/* ---- names ----------------------------------------------------------------- */

/* The index of `s` in names[0..n), or -1. */
static int find_name(const char *const *names, int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

int hd_sla_metric_parse(const char *s)
{
	return find_name(metric_names, HD_SLA__COUNT, s);
}

const char *hd_sla_metric_name(int m)
{
	return m >= 0 && m < HD_SLA__COUNT ? metric_names[m] : "unknown";
}

int hd_sla_act_parse(const char *s)
{
	return find_name(act_names, HD_SLA_ACT__COUNT, s);
}

const char *hd_sla_act_name(int a)
{
	return a >= 0 && a < HD_SLA_ACT__COUNT ? act_names[a] : "unknown";
}

const char *hd_sla_outcome_name(int o)
{
	return o >= 0 && o <= HD_SLA_CANCELLED ? outcome_names[o] : "unknown";
}

/* ---- validation ------------------------------------------------------------ */

/* 1 when `s` (a char[cap]) holds a non-empty NUL-terminated string. */
static int text_ok(const char *s, size_t cap)
{
	return s[0] && memchr(s, '\0', cap) != NULL;
}

static int ids_ok(const int64_t *ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] <= 0)
			return 0;
	return 1;
}

static int actions_ok(const struct hd_sla_action *a, size_t n, const char *field,
		      struct hd_err *err)
{
	if (n > HD_SLA_MAX_ACTIONS)
		return hd_err_set(err, HD_EINVAL, field, "%s has more than %d actions", field,
				  HD_SLA_MAX_ACTIONS);
	for (size_t i = 0; i < n; i++) {
		if ((unsigned)a[i].kind >= HD_SLA_ACT__COUNT)
			return hd_err_set(err, HD_EINVAL, field, "%s: action %zu is unknown", field,
					  i);
		if (a[i].kind == HD_SLA_ACT_SET_TEAM && a[i].team_id <= 0)
			return hd_err_set(err, HD_EINVAL, field, "%s: set_team needs a team_id",
					  field);
		if (a[i].kind == HD_SLA_ACT_ADD_TAG && !text_ok(a[i].tag, sizeof(a[i].tag)))
			return hd_err_set(err, HD_EINVAL, field, "%s: add_tag needs a tag", field);
	}
	return 0;
}

int hd_sla_policy_validate(const struct hd_sla_policy *p, struct hd_err *err)
{
	int any = 0;

	if (!text_ok(p->name, sizeof(p->name)))
		return hd_err_set(err, HD_EINVAL, "name", "a policy needs a name");
	if (p->priorities >> HD_PRIORITY__COUNT || p->channels >> HD_CHANNEL__COUNT)
		return hd_err_set(err, HD_EINVAL, "conditions", "unknown priority or channel");
	if (p->nteams > HD_SLA_MAX_IDS || p->norgs > HD_SLA_MAX_IDS ||
	    p->ntags > HD_SLA_MAX_TAGS)
		return hd_err_set(err, HD_EINVAL, "conditions",
				  "a condition lists at most %d teams, %d organizations and %d "
				  "tags",
				  HD_SLA_MAX_IDS, HD_SLA_MAX_IDS, HD_SLA_MAX_TAGS);
	if (!ids_ok(p->teams, p->nteams) || !ids_ok(p->orgs, p->norgs))
		return hd_err_set(err, HD_EINVAL, "conditions", "ids must be positive");
	for (size_t i = 0; i < p->ntags; i++)
		if (!text_ok(p->tags[i], sizeof(p->tags[i])))
			return hd_err_set(err, HD_EINVAL, "conditions", "tags must not be empty");
	for (int m = 0; m < HD_SLA__COUNT; m++) {
		if (p->target_min[m] < 0 || p->target_min[m] > YEAR_MIN)
			return hd_err_set(err, HD_EINVAL, "targets",
					  "%s must be at most %lld minutes (a year)",
					  metric_names[m], (long long)YEAR_MIN);
		any |= p->target_min[m] > 0;
	}
	if (!any)
		return hd_err_set(err, HD_EINVAL, "targets", "a policy needs at least one target");
	if (p->calendar_id < 0)
		return hd_err_set(err, HD_EINVAL, "calendar_id", "calendar_id must be positive");
	if (p->pause_statuses >> HD_STATUS__COUNT)
		return hd_err_set(err, HD_EINVAL, "pause_in", "unknown status");
	if (p->warn_min < 0 || p->warn_min > YEAR_MIN)
		return hd_err_set(err, HD_EINVAL, "warn_before",
				  "warn_before must be at most %lld minutes", (long long)YEAR_MIN);
	if (actions_ok(p->on_warn, p->non_warn, "on_warning", err))
		return HD_EINVAL;
	return actions_ok(p->on_breach, p->non_breach, "on_breach", err);
}

/* ---- matching -------------------------------------------------------------- */

static int has_id(const int64_t *ids, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

/* 1 when one of the subject's tags is one of the policy's. */
static int has_tag(const struct hd_sla_policy *p, const struct hd_sla_subject *s)
{
	for (size_t i = 0; i < s->ntags; i++)
		for (size_t j = 0; j < p->ntags; j++)
			if (s->tags[i] && strcmp(s->tags[i], p->tags[j]) == 0)
				return 1;
	return 0;
}

/* The mask bit of an enum value; none for a value out of range. */
static unsigned bit(unsigned v)
{
	return v < 32 ? 1u << v : 0;
}

int hd_sla_matches(const struct hd_sla_policy *p, const struct hd_sla_subject *s)
{
	if (p->priorities && !(p->priorities & bit((unsigned)s->priority)))
		return 0;
	if (p->channels && !(p->channels & bit((unsigned)s->channel)))
		return 0;
	/* a ticket without a team (0) or organization matches no list */
	if (p->nteams && (s->team_id <= 0 || !has_id(p->teams, p->nteams, s->team_id)))
		return 0;
	if (p->norgs && (s->org_id <= 0 || !has_id(p->orgs, p->norgs, s->org_id)))
		return 0;
	return !p->ntags || has_tag(p, s);
}

int hd_sla_match(const struct hd_sla_policy *p, size_t n, const struct hd_sla_subject *s)
{
	for (size_t i = 0; i < n; i++)
		if (hd_sla_matches(&p[i], s))
			return (int)i;
	return -1;
}
