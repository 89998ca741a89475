/*
 * cmd_init.c — `heed init`: a new data directory with its settings file,
 * database, first administrator (password printed once) and API token,
 * and with --demo a small team, agents, customers and tickets to look at.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>

#include "cli/cli.h"
#include "domain/identity.h"
#include "util/secret.h"
#include "util/timeutil.h"
#include "util/banned.h"

static const char usage[] =
	"usage: heed init [--data DIR] [--admin-email E] [--admin-name N] [--listen H:P]\n"
	"                 [--desk-name NAME] [--demo]\n"
	"\n"
	"Create a data directory: DIR/heed.conf (settings), DIR/heed.db (database),\n"
	"the first administrator with a generated password and an API token, both\n"
	"printed once. Refuses a directory that already holds a heed database.\n"
	"\n"
	"  --data DIR          where to create it (default $HEED_DATA or ./heed-data)\n"
	"  --admin-email E     the administrator's e-mail (default admin@example.com)\n"
	"  --admin-name N      the administrator's name (default Administrator)\n"
	"  --listen H:P        the address `heed serve` will listen on (127.0.0.1:8080)\n"
	"  --desk-name NAME    how mail to customers is signed (heed support)\n"
	"  --demo              add two teams, two agents, customers and tickets\n";

static int check(int rc, const char *what, const struct hd_err *err)
{
	if (rc)
		hd_cli_error(what, err);
	return rc;
}

struct demo_ticket {
	const char *subject, *email, *name, *text, *team;
	enum hd_priority prio;
};

static int demo(struct hd_store *st, int64_t admin, FILE *creds, struct hd_err *err)
{
	static const struct demo_ticket tickets[] = {
		{ "Invoice charged twice this month", "maria.keller@example.org", "Maria Keller",
		  "Hello, my card was charged twice for the November invoice (INV-2211).\n"
		  "Could you refund one of the two payments?",
		  "Billing", HD_PRIORITY_HIGH },
		{ "Cannot log in after password reset", "j.okafor@example.net", "James Okafor",
		  "I reset my password yesterday and now the login page says my account is "
		  "locked. I have a presentation tomorrow morning.",
		  "Support", HD_PRIORITY_URGENT },
		{ "Where is my order #88412?", "lea.dubois@example.com", "Léa Dubois",
		  "The tracking page has not changed for five days. Can you check with the "
		  "courier?",
		  "Support", HD_PRIORITY_NORMAL },
		{ "Change billing address", "maria.keller@example.org", "Maria Keller",
		  "We moved offices: please use Hauptstrasse 12, 8001 Zürich from now on.",
		  "Billing", HD_PRIORITY_LOW },
	};
	struct hd_actor who = { HD_AUTHOR_AGENT, admin, HD_ROLE_ADMIN };
	struct hd_agent_new an;
	char pw[32], hash[HD_PWHASH_LEN];
	int64_t support = 0, billing = 0, alice = 0, bob = 0, id;
	int64_t members[1];
	int rc;

	memset(&an, 0, sizeof(an));
	an.role = HD_ROLE_AGENT;
	hd_secret_password(pw, sizeof(pw));
	if (hd_secret_pwhash(pw, hash))
		return hd_err_set(err, HD_ENOMEM, NULL, "out of memory");
	an.password_hash = hash;
	an.name = "Alice Martin";
	an.email = "alice@example.com";
	rc = hd_store_agent_create(st, &an, NULL, &alice, err);
	an.name = "Bob Svensson";
	an.email = "bob@example.com";
	rc = rc ? rc : hd_store_agent_create(st, &an, NULL, &bob, err);
	members[0] = alice;
	rc = rc ? rc : hd_store_team_create(st, "Support", members, 1, NULL, &support, err);
	members[0] = bob;
	rc = rc ? rc : hd_store_team_create(st, "Billing", members, 1, NULL, &billing, err);
	if (rc)
		return rc;
	printf("  demo agents:   alice@example.com (Support), bob@example.com (Billing)\n"
	       "                 password for both: %s\n",
	       pw);
	if (creds)
		fprintf(creds, "demo agents: alice@example.com, bob@example.com\n"
			       "their password: %s\n", pw);
	for (size_t i = 0; i < sizeof(tickets) / sizeof(tickets[0]) && !rc; i++) {
		struct hd_ticket_new t;

		memset(&t, 0, sizeof(t));
		t.subject = tickets[i].subject;
		t.requester.kind = HD_IDKIND_EMAIL;
		t.requester.value = tickets[i].email;
		t.requester.name = tickets[i].name;
		t.created_by = HD_AUTHOR_CUSTOMER;
		t.priority = tickets[i].prio;
		t.channel = HD_CHANNEL_EMAIL;
		t.team_name = tickets[i].team;
		t.text = tickets[i].text;
		t.desk_name = "heed demo";
		rc = hd_store_ticket_create(st, &who, &t, NULL, &id, err);
		if (!rc && i == 1) {
			struct hd_message_new m;
			int64_t mid;

			memset(&m, 0, sizeof(m));
			m.author = HD_AUTHOR_AGENT;
			m.visibility = HD_VIS_INTERNAL;
			m.text = "Account lock comes from 5 failed attempts; unlocking now.";
			rc = hd_store_message_add(st, &who, id, &m, NULL, &mid, err);
			m.visibility = HD_VIS_PUBLIC;
			m.text = "Hello James, your account is unlocked again. Could you try to "
				 "sign in and tell us whether it works?";
			rc = rc ? rc : hd_store_message_add(st, &who, id, &m, NULL, &mid, err);
		}
	}
	return rc;
}

int hd_cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "admin-email", required_argument, NULL, 'e' },
		{ "admin-name", required_argument, NULL, 'n' },
		{ "listen", required_argument, NULL, 'l' },
		{ "desk-name", required_argument, NULL, 'k' },
		{ "demo", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *data = NULL, *email = "admin@example.com", *name = "Administrator";
	char path[4096], conf[4096], pw[32], hash[HD_PWHASH_LEN], token[64], thash[80];
	char norm[HD_IDENTITY_MAX];
	struct hd_config cfg;
	struct hd_err err = { 0 };
	struct hd_store *st = NULL;
	struct hd_agent_new an;
	struct stat sb;
	int64_t admin, tid;
	int c, with_demo = 0, rc;
	FILE *f;

	hd_config_defaults(&cfg);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': data = optarg; break;
		case 'e': email = optarg; break;
		case 'n': name = optarg; break;
		case 'l':
			if (hd_config_set(&cfg, "listen", optarg, &err)) {
				hd_cli_error("--listen", &err);
				return EX_USAGE;
			}
			break;
		case 'k':
			if (hd_config_set(&cfg, "desk_name", optarg, &err)) {
				hd_cli_error("--desk-name", &err);
				return EX_USAGE;
			}
			break;
		case 'D': with_demo = 1; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return EX_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "heed init: unexpected argument \"%s\"\n%s", argv[optind], usage);
		return EX_USAGE;
	}
	data = hd_cli_data_dir(data);
	if (hd_identity_normalize(HD_IDKIND_EMAIL, email, norm, "--admin-email", &err)) {
		hd_cli_error("--admin-email", &err);
		return EX_USAGE;
	}
	snprintf(path, sizeof(path), "%s/heed.db", data);
	if (stat(path, &sb) == 0) {
		fprintf(stderr, "heed init: %s already holds a heed database; nothing was changed\n",
			data);
		return EX_CANTCREAT;
	}
	if (mkdir(data, 0700) != 0 && stat(data, &sb) != 0) {
		perror(data);
		return EX_CANTCREAT;
	}
	hd_config_format(&cfg, conf, sizeof(conf));
	snprintf(path, sizeof(path), "%s/heed.conf", data);
	f = fopen(path, "wx");
	if (f) {
		fputs(conf, f);
		fclose(f);
	}
	rc = hd_cli_open(data, &cfg, 1, &st);
	if (rc)
		return rc;
	hd_secret_password(pw, sizeof(pw));
	memset(&an, 0, sizeof(an));
	an.name = name;
	an.email = norm;
	an.role = HD_ROLE_ADMIN;
	an.password_hash = hash;
	hd_secret_token("hd_", token, sizeof(token));
	hd_secret_sha256_hex(token, strlen(token), thash);
	if (hd_secret_pwhash(pw, hash) ||
	    check(hd_store_agent_create(st, &an, NULL, &admin, &err), "admin", &err) ||
	    check(hd_store_token_create(st, admin, "heed init", thash, &tid, &err), "token", &err)) {
		rc = hd_cli_status(err.code ? err.code : HD_ENOMEM);
		goto out;
	}
	printf("heed initialised in %s\n"
	       "  admin e-mail:  %s\n"
	       "  password:      %s   (shown once)\n"
	       "  API token:     %s   (shown once)\n",
	       data, norm, pw, token);
	if (with_demo) {
		/* A demo directory remembers its first credentials so `make run`
		 * can show them every time; a real one never writes them down. */
		snprintf(path, sizeof(path), "%s/demo-credentials.txt", data);
		f = fopen(path, "w");
		if (f) {
			chmod(path, 0600);
			fprintf(f, "admin e-mail: %s\npassword: %s\nAPI token: %s\n", norm, pw,
				token);
		}
		rc = check(demo(st, admin, f, &err), "demo", &err);
		if (f)
			fclose(f);
		if (rc) {
			rc = hd_cli_status(err.code);
			goto out;
		}
	}
	rc = 0;
out:
	hd_store_close(st);
	return rc;
}
