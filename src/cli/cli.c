/*
 * cli.c — `heed <command>` dispatch and what the commands share.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>

#include "cli/cli.h"
#include "util/secret.h"
#include "util/banned.h"

static const char main_usage[] =
	"usage: heed <command> [options]\n"
	"\n"
	"heed is a self-hosted customer service desk.\n"
	"\n"
	"commands:\n"
	"  init      create a data directory: database, settings, first admin, API token\n"
	"  serve     serve the API (and the web app) over HTTP\n"
	"  fetch     read the IMAP mailboxes once\n"
	"  mailgate  take one e-mail on stdin from a mail server (Postfix, Exim pipe)\n"
	"  migrate   bring the database schema up to date and print its version\n"
	"  token     create an API token (heed token create)\n"
	"  seed      fill a data directory with synthetic tickets (benchmarks)\n"
	"  version   print the version\n"
	"\n"
	"Every command takes --data DIR (default: $HEED_DATA, else ./heed-data)\n"
	"and --help. Settings come from DIR/heed.conf, then HEED_* variables, then flags.\n";

const char *hd_cli_data_dir(const char *flag)
{
	const char *env = getenv("HEED_DATA");

	if (flag && flag[0])
		return flag;
	return env && env[0] ? env : "./heed-data";
}

void hd_cli_error(const char *what, const struct hd_err *err)
{
	fprintf(stderr, "heed: %s: %s\n", what, err->msg[0] ? err->msg : hd_err_name(err->code));
}

int hd_cli_status(int code)
{
	switch (code) {
	case 0: return 0;
	case HD_EINVAL:
	case HD_ECONFLICT:
	case HD_ETOOBIG: return EX_DATAERR;
	case HD_ENOTFOUND: return EX_NOINPUT;
	case HD_EBUSY: return EX_TEMPFAIL;
	case HD_EUNAUTH:
	case HD_EDENIED: return EX_NOPERM;
	default: return EX_SOFTWARE;
	}
}

int hd_cli_config(const char *data, struct hd_config *cfg)
{
	struct hd_err err = { 0 };
	char path[4096];

	hd_config_defaults(cfg);
	snprintf(path, sizeof(path), "%s/heed.conf", data);
	if (hd_config_load(cfg, path, &err)) {
		hd_cli_error(path, &err);
		return EX_CONFIG;
	}
	if (hd_config_env(cfg, &err)) {
		hd_cli_error("environment", &err);
		return EX_CONFIG;
	}
	return 0;
}

int hd_cli_open(const char *data, const struct hd_config *cfg, int create, struct hd_store **st)
{
	struct hd_store_opts o = { data,
				   cfg->readers,
				   cfg->cache_kib,
				   cfg->mail_domain[0] ? cfg->mail_domain
						       : strchr(cfg->mail_from, '@') + 1,
				   cfg->desk_name,
				   (int)cfg->autoreply_max,
				   cfg->autoreply_window_minutes * 60000,
				   cfg->first_response_minutes,
				   cfg->autoclose_days * 86400000,
				   cfg->public_url };
	struct hd_err err = { 0 };
	char path[4096];
	struct stat sb;
	int rc;

	snprintf(path, sizeof(path), "%s/heed.db", data);
	if (!create && stat(path, &sb) != 0) {
		fprintf(stderr, "heed: %s has no heed database (create one with: heed init --data %s)\n",
			data, data);
		return EX_NOINPUT;
	}
	rc = hd_store_open(st, &o, &err);
	if (rc) {
		hd_cli_error(data, &err);
		return rc == HD_EINVAL ? EX_DATAERR : EX_UNAVAILABLE;
	}
	return 0;
}

int hd_cli_opts(int argc, char **argv, const char *usage, const struct option *opts,
		       const char **data, int (*extra)(int c, const char *arg, void *ctx),
		       void *ctx)
{
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'd') {
			*data = optarg;
		} else if (c == 'h') {
			fputs(usage, stdout);
			return -1;
		} else if (c == '?' || !extra || extra(c, optarg, ctx)) {
			fputs(usage, stderr);
			return EX_USAGE;
		}
	}
	*data = hd_cli_data_dir(*data);
	return 0;
}

int hd_cli_main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (hd_secret_init()) {
		fputs("heed: cannot initialise libsodium\n", stderr);
		return EX_SOFTWARE;
	}
	if (!cmd || !strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		fputs(main_usage, cmd ? stdout : stderr);
		return cmd ? 0 : EX_USAGE;
	}
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		printf("heed %s\n", HEED_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "init"))
		return hd_cmd_init(argc - 1, argv + 1);
	if (!strcmp(cmd, "serve"))
		return hd_cmd_serve(argc - 1, argv + 1);
	if (!strcmp(cmd, "fetch"))
		return hd_cmd_fetch(argc - 1, argv + 1);
	if (!strcmp(cmd, "mailgate"))
		return hd_cmd_mailgate(argc - 1, argv + 1);
	if (!strcmp(cmd, "migrate"))
		return hd_cmd_migrate(argc - 1, argv + 1);
	if (!strcmp(cmd, "token"))
		return hd_cmd_token(argc - 1, argv + 1);
	if (!strcmp(cmd, "seed"))
		return hd_cmd_seed(argc - 1, argv + 1);
	fprintf(stderr, "heed: unknown command \"%s\"\n\n%s", cmd, main_usage);
	return EX_USAGE;
}
