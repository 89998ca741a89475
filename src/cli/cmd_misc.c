/*
 * cmd_misc.c — the small commands: `heed migrate`, `heed token create`,
 * `heed seed`.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/secret.h"
#include "util/timeutil.h"
#include "util/banned.h"

/* ---- migrate ------------------------------------------------------------- */

static const char migrate_usage[] =
	"usage: heed migrate [--data DIR]\n"
	"\n"
	"Apply pending schema migrations (heed serve does this too) and print the\n"
	"schema version.\n";

int hd_cmd_migrate(int argc, char **argv)
{
	static const struct option opts[] = { { "data", required_argument, NULL, 'd' },
					      { "help", no_argument, NULL, 'h' },
					      { NULL, 0, NULL, 0 } };
	const char *data = NULL;
	struct hd_config cfg;
	struct hd_store *st;
	int rc = hd_cli_opts(argc, argv, migrate_usage, opts, &data, NULL, NULL), have, want;

	if (rc)
		return rc < 0 ? 0 : rc;
	if ((rc = hd_cli_config(data, &cfg)) || (rc = hd_cli_open(data, &cfg, 0, &st)))
		return rc;
	hd_store_schema_version(st, &have, &want);
	printf("schema version %d (latest %d)\n", have, want);
	hd_store_close(st);
	return 0;
}

/* ---- token --------------------------------------------------------------- */

static const char token_usage[] =
	"usage: heed token create [--data DIR] [--agent EMAIL] [--name NAME]\n"
	"\n"
	"Create an API token for an agent (default: the first administrator) and\n"
	"print it on the last line. Only its hash is stored: keep it safe.\n";

struct token_opts {
	const char *agent, *name;
};

static int token_extra(int c, const char *arg, void *ctx)
{
	struct token_opts *o = ctx;

	if (c == 'a')
		o->agent = arg;
	else if (c == 'n')
		o->name = arg;
	else
		return -1;
	return 0;
}

int hd_cmd_token(int argc, char **argv)
{
	static const struct option opts[] = { { "data", required_argument, NULL, 'd' },
					      { "agent", required_argument, NULL, 'a' },
					      { "name", required_argument, NULL, 'n' },
					      { "help", no_argument, NULL, 'h' },
					      { NULL, 0, NULL, 0 } };
	struct token_opts o = { NULL, "cli" };
	const char *data = NULL;
	struct hd_config cfg;
	struct hd_store *st;
	struct hd_agent *agents;
	struct hd_arena a;
	struct hd_err err = { 0 };
	char token[64], hash[80];
	int64_t agent = 0, id;
	size_t n;
	int rc;

	if (argc < 2 || strcmp(argv[1], "create") != 0) {
		if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
			fputs(token_usage, stdout);
			return 0;
		}
		fputs(token_usage, stderr);
		return EX_USAGE;
	}
	rc = hd_cli_opts(argc - 1, argv + 1, token_usage, opts, &data, token_extra, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	if ((rc = hd_cli_config(data, &cfg)) || (rc = hd_cli_open(data, &cfg, 0, &st)))
		return rc;
	hd_arena_init(&a, 64 << 20);
	if (hd_store_agent_list(st, &agents, &n, &a, &err)) {
		hd_cli_error("token", &err);
		rc = EX_UNAVAILABLE;
		goto out;
	}
	for (size_t i = 0; i < n && !agent; i++) {
		if (o.agent ? !strcmp(agents[i].email, o.agent)
			    : agents[i].role == HD_ROLE_ADMIN && agents[i].active)
			agent = agents[i].id;
	}
	if (!agent) {
		fprintf(stderr, "heed token: %s\n",
			o.agent ? "no agent has that e-mail" : "there is no active administrator");
		rc = EX_NOUSER;
		goto out;
	}
	hd_secret_token("hd_", token, sizeof(token));
	hd_secret_sha256_hex(token, strlen(token), hash);
	if (hd_store_token_create(st, agent, o.name, hash, &id, &err)) {
		hd_cli_error("token", &err);
		rc = hd_cli_status(err.code);
		goto out;
	}
	printf("%s\n", token);
out:
	hd_arena_release(&a);
	hd_store_close(st);
	return rc;
}

/* ---- seed ---------------------------------------------------------------- */

static const char seed_usage[] =
	"usage: heed seed [--data DIR] [--tickets N] [--messages M] [--teams T] [--days D]\n"
	"\n"
	"Add N synthetic tickets (default 1000000) with M messages each (default 5),\n"
	"spread over T teams (default 10) and N/4 customers, for benchmarks.\n"
	"With --days, the tickets are spread over the last D days and each is given\n"
	"a worked history (replies, solves, reopens, closes, SLA clocks, promises,\n"
	"5 agents per team) for the metrics; without, they are one second apart.\n"
	"Shows progress on a terminal.\n";

struct seed_cli {
	int64_t tickets;
	int messages, teams;
	int64_t t0;
	int tty;
	int days;
};

static int seed_extra(int c, const char *arg, void *ctx)
{
	struct seed_cli *s = ctx;
	char *end;
	long long v = strtoll(arg, &end, 10);

	if (*end || v < 0)
		return -1;
	if (c == 't')
		s->tickets = v;
	else if (c == 'm' && v <= 1000)
		s->messages = (int)v;
	else if (c == 'T' && v >= 1 && v <= 100000)
		s->teams = (int)v;
	else if (c == 'D' && v >= 1 && v <= 3650)
		s->days = (int)v;
	else
		return -1;
	return 0;
}

static void seed_progress(int64_t done, int64_t total, void *ctx)
{
	struct seed_cli *s = ctx;
	double secs = (double)(hd_mono_ms() - s->t0) / 1000.0;
	double rate = secs > 0 ? (double)done / secs : 0;

	if (done < 0) {
		fprintf(stderr, "%sindexing every message for search...\n", s->tty ? "\n" : "");
		return;
	}
	if (!s->tty && done != total && done % 100000)
		return;
	fprintf(stderr, "%sseeding: %lld/%lld tickets (%.0f%%), %.0f tickets/s, %.0f s left%s",
		s->tty ? "\r" : "", (long long)done, (long long)total,
		total ? 100.0 * (double)done / (double)total : 100.0, rate,
		rate > 0 ? (double)(total - done) / rate : 0.0, s->tty ? "   " : "\n");

}

int hd_cmd_seed(int argc, char **argv)
{
	static const struct option opts[] = { { "data", required_argument, NULL, 'd' },
					      { "tickets", required_argument, NULL, 't' },
					      { "messages", required_argument, NULL, 'm' },
					      { "teams", required_argument, NULL, 'T' },
					      { "days", required_argument, NULL, 'D' },
					      { "help", no_argument, NULL, 'h' },
					      { NULL, 0, NULL, 0 } };
	struct seed_cli s = { 1000000, 5, 10, 0, 0, 0 };
	struct hd_seed_opts so;
	const char *data = NULL;
	struct hd_config cfg;
	struct hd_store *st;
	struct hd_err err = { 0 };
	int rc = hd_cli_opts(argc, argv, seed_usage, opts, &data, seed_extra, &s);

	if (rc)
		return rc < 0 ? 0 : rc;
	if ((rc = hd_cli_config(data, &cfg)) || (rc = hd_cli_open(data, &cfg, 0, &st)))
		return rc;
	s.t0 = hd_mono_ms();
	s.tty = isatty(STDERR_FILENO);
	memset(&so, 0, sizeof(so));
	so.tickets = s.tickets;
	so.messages_per_ticket = s.messages;
	so.teams = s.teams;
	so.days = s.days;
	so.progress = seed_progress;
	so.progress_ctx = &s;
	rc = hd_store_seed(st, &so, &err);
	if (rc) {
		hd_cli_error("seed", &err);
		rc = hd_cli_status(rc);
	} else {
		printf("seeded %lld tickets with %d messages each in %.1f s\n",
		       (long long)s.tickets, s.messages, (double)(hd_mono_ms() - s.t0) / 1000.0);
	}
	hd_store_close(st);
	return rc;
}
