/*
 * test_sla_policy.c — domain/sla_policy: the names of metrics, actions and
 * outcomes; every condition kind on its own and together (an empty
 * condition matches any ticket); the first matching policy wins; and each
 * rule hd_sla_policy_validate enforces, one broken field at a time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/sla.h"

#define BIT(x) (1u << (x))

/* A valid policy with one target and no conditions. */
static struct hd_sla_policy base(void)
{
	struct hd_sla_policy p;

	memset(&p, 0, sizeof(p));
	memcpy(p.name, "Default", 8);
	p.target_min[HD_SLA_FIRST_RESPONSE] = 60;
	p.pause_statuses = HD_SLA_DEFAULT_PAUSE;
	return p;
}

static struct hd_sla_subject ticket(void)
{
	struct hd_sla_subject s = { HD_PRIORITY_NORMAL, HD_CHANNEL_EMAIL, 0, 0, NULL, 0 };

	return s;
}

/* ---- names ----------------------------------------------------------------- */

static void names_round_trip(void **state)
{
	static const char *const metrics[] = { "first_response", "next_response",
					       "periodic_update", "resolution" };
	static const char *const acts[] = { "notify_lead", "raise_priority", "set_team",
					    "add_tag" };
	static const char *const outcomes[] = { "running", "met", "breached", "cancelled" };

	for (int i = 0; i < HD_SLA__COUNT; i++) {
		assert_string_equal(hd_sla_metric_name(i), metrics[i]);
		assert_int_equal(hd_sla_metric_parse(metrics[i]), i);
	}
	for (int i = 0; i < HD_SLA_ACT__COUNT; i++) {
		assert_string_equal(hd_sla_act_name(i), acts[i]);
		assert_int_equal(hd_sla_act_parse(acts[i]), i);
	}
	for (int i = 0; i <= HD_SLA_CANCELLED; i++)
		assert_string_equal(hd_sla_outcome_name(i), outcomes[i]);
}

static void unknown_names(void **state)
{
	assert_int_equal(hd_sla_metric_parse("First_Response"), -1);
	assert_int_equal(hd_sla_metric_parse(""), -1);
	assert_int_equal(hd_sla_metric_parse(NULL), -1);
	assert_int_equal(hd_sla_act_parse("notify"), -1);
	assert_int_equal(hd_sla_act_parse(NULL), -1);
	assert_string_equal(hd_sla_metric_name(HD_SLA__COUNT), "unknown");
	assert_string_equal(hd_sla_metric_name(-1), "unknown");
	assert_string_equal(hd_sla_act_name(HD_SLA_ACT__COUNT), "unknown");
	assert_string_equal(hd_sla_outcome_name(4), "unknown");
	assert_string_equal(hd_sla_outcome_name(-1), "unknown");
}

/* ---- matching -------------------------------------------------------------- */

static void empty_conditions_match_any_ticket(void **state)
{
	struct hd_sla_policy p = base();
	const char *tags[] = { "vip" };
	struct hd_sla_subject s = ticket();

	assert_true(hd_sla_matches(&p, &s));
	s.priority = HD_PRIORITY_URGENT;
	s.channel = HD_CHANNEL_PHONE;
	s.team_id = 7;
	s.org_id = 9;
	s.tags = tags;
	s.ntags = 1;
	assert_true(hd_sla_matches(&p, &s));
}

static void priority_condition(void **state)
{
	struct hd_sla_policy p = base();
	struct hd_sla_subject s = ticket();

	p.priorities = BIT(HD_PRIORITY_HIGH) | BIT(HD_PRIORITY_URGENT);
	assert_false(hd_sla_matches(&p, &s));
	s.priority = HD_PRIORITY_HIGH;
	assert_true(hd_sla_matches(&p, &s));
	s.priority = HD_PRIORITY_URGENT;
	assert_true(hd_sla_matches(&p, &s));
	s.priority = HD_PRIORITY_LOW;
	assert_false(hd_sla_matches(&p, &s));
}

static void channel_condition(void **state)
{
	struct hd_sla_policy p = base();
	struct hd_sla_subject s = ticket();

	p.channels = BIT(HD_CHANNEL_PHONE);
	assert_false(hd_sla_matches(&p, &s));
	s.channel = HD_CHANNEL_PHONE;
	assert_true(hd_sla_matches(&p, &s));
}

static void team_condition(void **state)
{
	struct hd_sla_policy p = base();
	struct hd_sla_subject s = ticket();

	p.teams[0] = 2;
	p.teams[1] = 5;
	p.nteams = 2;
	assert_false(hd_sla_matches(&p, &s)); /* no team matches no list */
	s.team_id = 5;
	assert_true(hd_sla_matches(&p, &s));
	s.team_id = 3;
	assert_false(hd_sla_matches(&p, &s));
}

static void organization_condition(void **state)
{
	struct hd_sla_policy p = base();
	struct hd_sla_subject s = ticket();

	p.orgs[0] = 11;
	p.norgs = 1;
	assert_false(hd_sla_matches(&p, &s));
	s.org_id = 11;
	assert_true(hd_sla_matches(&p, &s));
	s.org_id = 12;
	assert_false(hd_sla_matches(&p, &s));
}

static void tag_condition(void **state)
{
	struct hd_sla_policy p = base();
	struct hd_sla_subject s = ticket();
	const char *some[] = { "billing", "vip" }, *other[] = { "billing" };

	memcpy(p.tags[0], "vip", 4);
	memcpy(p.tags[1], "gold", 5);
	p.ntags = 2;
	assert_false(hd_sla_matches(&p, &s)); /* no tags */
	s.tags = other;
	s.ntags = 1;
	assert_false(hd_sla_matches(&p, &s));
	s.tags = some;
	s.ntags = 2;
	assert_true(hd_sla_matches(&p, &s)); /* one in common is enough */
}

static void every_condition_must_hold(void **state)
{
	struct hd_sla_policy p = base();
	struct hd_sla_subject s = ticket();
	const char *tags[] = { "vip" };

	p.priorities = BIT(HD_PRIORITY_URGENT);
	p.channels = BIT(HD_CHANNEL_EMAIL);
	p.teams[0] = 2;
	p.nteams = 1;
	p.orgs[0] = 5;
	p.norgs = 1;
	memcpy(p.tags[0], "vip", 4);
	p.ntags = 1;
	s.priority = HD_PRIORITY_URGENT;
	s.team_id = 2;
	s.org_id = 5;
	s.tags = tags;
	s.ntags = 1;
	assert_true(hd_sla_matches(&p, &s));
	s.channel = HD_CHANNEL_WEB;
	assert_false(hd_sla_matches(&p, &s));
	s.channel = HD_CHANNEL_EMAIL;
	s.org_id = 6;
	assert_false(hd_sla_matches(&p, &s));
	s.org_id = 5;
	s.ntags = 0;
	assert_false(hd_sla_matches(&p, &s));
}

static void first_match_wins(void **state)
{
	struct hd_sla_policy ps[3] = { base(), base(), base() };
	struct hd_sla_subject s = ticket();

	ps[0].priorities = BIT(HD_PRIORITY_URGENT);
	ps[1].channels = BIT(HD_CHANNEL_EMAIL); /* the email catch-all */
	/* ps[2]: everything */
	assert_int_equal(hd_sla_match(ps, 3, &s), 1);
	s.priority = HD_PRIORITY_URGENT;
	assert_int_equal(hd_sla_match(ps, 3, &s), 0);
	s.priority = HD_PRIORITY_LOW;
	s.channel = HD_CHANNEL_CHAT;
	assert_int_equal(hd_sla_match(ps, 3, &s), 2);
	assert_int_equal(hd_sla_match(ps, 2, &s), -1);
	assert_int_equal(hd_sla_match(ps, 0, &s), -1);
	assert_int_equal(hd_sla_match(NULL, 0, &s), -1);
}

/* ---- validation ------------------------------------------------------------ */

static void a_valid_policy_passes(void **state)
{
	struct hd_sla_policy p = base();
	struct hd_err err = { 0 };

	assert_int_equal(hd_sla_policy_validate(&p, &err), 0);
	/* everything at its limits */
	p.priorities = BIT(HD_PRIORITY__COUNT) - 1;
	p.channels = BIT(HD_CHANNEL__COUNT) - 1;
	p.nteams = p.norgs = HD_SLA_MAX_IDS;
	for (int i = 0; i < HD_SLA_MAX_IDS; i++)
		p.teams[i] = p.orgs[i] = i + 1;
	p.ntags = HD_SLA_MAX_TAGS;
	for (int i = 0; i < HD_SLA_MAX_TAGS; i++)
		memset(p.tags[i], 'a', HD_SLA_TAG_MAX - 1);
	for (int m = 0; m < HD_SLA__COUNT; m++)
		p.target_min[m] = 365 * 24 * 60;
	p.warn_min = 365 * 24 * 60;
	p.calendar_id = 3;
	p.pause_statuses = 0;
	p.non_warn = p.non_breach = HD_SLA_MAX_ACTIONS;
	for (int i = 0; i < HD_SLA_MAX_ACTIONS; i++) {
		p.on_warn[i].kind = HD_SLA_ACT_NOTIFY_LEAD;
		p.on_breach[i].kind = HD_SLA_ACT_SET_TEAM;
		p.on_breach[i].team_id = 4;
	}
	assert_int_equal(hd_sla_policy_validate(&p, &err), 0);
}

/* One broken field at a time (case i of breaks()), and the field the error
 * names. */
static const struct {
	const char *what;
	const char *field;
} bad_cases[] = {
	{ "no name", "name" },
	{ "a name without its NUL", "name" },
	{ "no target at all", "targets" },
	{ "a negative target", "targets" },
	{ "a target over a year", "targets" },
	{ "a priority past the enum", "conditions" },
	{ "a channel past the enum", "conditions" },
	{ "17 teams", "conditions" },
	{ "team id 0", "conditions" },
	{ "a negative organization id", "conditions" },
	{ "17 tags", "conditions" },
	{ "an empty tag", "conditions" },
	{ "a negative calendar id", "calendar_id" },
	{ "a pause status past the enum", "pause_in" },
	{ "a negative warning", "warn_before" },
	{ "a warning over a year", "warn_before" },
	{ "9 warning actions", "on_warning" },
	{ "an unknown action", "on_breach" },
	{ "set_team without a team", "on_breach" },
	{ "add_tag without a tag", "on_warning" },
};

static void breaks(struct hd_sla_policy *p, size_t i)
{
	switch (i) {
	case 0: p->name[0] = '\0'; break;
	case 1: memset(p->name, 'n', sizeof(p->name)); break;
	case 2: p->target_min[HD_SLA_FIRST_RESPONSE] = 0; break;
	case 3: p->target_min[HD_SLA_RESOLUTION] = -1; break;
	case 4: p->target_min[HD_SLA_RESOLUTION] = 365 * 24 * 60 + 1; break;
	case 5: p->priorities = BIT(HD_PRIORITY__COUNT); break;
	case 6: p->channels = BIT(HD_CHANNEL__COUNT); break;
	case 7: p->nteams = HD_SLA_MAX_IDS + 1; break;
	case 8: p->nteams = 1; break; /* teams[0] is 0 */
	case 9: p->norgs = 1, p->orgs[0] = -4; break;
	case 10: p->ntags = HD_SLA_MAX_TAGS + 1; break;
	case 11: p->ntags = 1; break; /* tags[0] is "" */
	case 12: p->calendar_id = -1; break;
	case 13: p->pause_statuses = BIT(HD_STATUS__COUNT); break;
	case 14: p->warn_min = -5; break;
	case 15: p->warn_min = 365 * 24 * 60 + 1; break;
	case 16: p->non_warn = HD_SLA_MAX_ACTIONS + 1; break;
	case 17: p->non_breach = 1, p->on_breach[0].kind = HD_SLA_ACT__COUNT; break;
	case 18: p->non_breach = 1, p->on_breach[0].kind = HD_SLA_ACT_SET_TEAM; break;
	case 19: p->non_warn = 1, p->on_warn[0].kind = HD_SLA_ACT_ADD_TAG; break;
	default: fail_msg("no case %zu", i);
	}
}

static void each_broken_field_is_refused(void **state)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(*bad_cases); i++) {
		struct hd_sla_policy p = base();
		struct hd_err err = { 0 };

		breaks(&p, i);
		if (hd_sla_policy_validate(&p, &err) != HD_EINVAL)
			fail_msg("accepted: %s", bad_cases[i].what);
		if (strcmp(err.field, bad_cases[i].field))
			fail_msg("%s: field %s, want %s (%s)", bad_cases[i].what, err.field,
				 bad_cases[i].field, err.msg);
		assert_true(err.msg[0] != '\0');
		assert_int_equal(hd_sla_policy_validate(&p, NULL), HD_EINVAL);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_round_trip),
		cmocka_unit_test(unknown_names),
		cmocka_unit_test(empty_conditions_match_any_ticket),
		cmocka_unit_test(priority_condition),
		cmocka_unit_test(channel_condition),
		cmocka_unit_test(team_condition),
		cmocka_unit_test(organization_condition),
		cmocka_unit_test(tag_condition),
		cmocka_unit_test(every_condition_must_hold),
		cmocka_unit_test(first_match_wins),
		cmocka_unit_test(a_valid_policy_passes),
		cmocka_unit_test(each_broken_field_is_refused),
	};
	return cmocka_run_group_tests_name("domain/sla_policy", tests, NULL, NULL);
}
