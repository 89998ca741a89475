/*
 * cmd_serve.c — `heed serve`: open the store, start the HTTP server, run
 * until SIGINT or SIGTERM, then stop cleanly (running requests finish, the
 * writer drains, the WAL is checkpointed).
 */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cli/cli.h"
#include "http/http.h"
#include "jobs/fetch.h"
#include "jobs/outbox.h"
#include "jobs/timers.h"
#include "util/timeutil.h"
#include "util/banned.h"

static const char usage[] =
	"usage: heed serve [--data DIR] [--listen HOST:PORT] [--workers N]\n"
	"\n"
	"Serve the REST API under /api/v1 until interrupted (SIGINT/SIGTERM).\n"
	"\n"
	"  --data DIR         the data directory (default $HEED_DATA or ./heed-data)\n"
	"  --listen H:P       address to listen on; port 0 picks a free port\n"
	"                     (setting listen, HEED_LISTEN; default 127.0.0.1:8080)\n"
	"  --workers N        HTTP I/O threads (setting workers, HEED_WORKERS; default\n"
	"                     0: one per core);\n"
	"                     writes run on 64 more threads that wait for group commits\n"
	"\n"
	"Other settings (heed.conf or HEED_<KEY>): readers, cache_kib, desk_name,\n"
	"public_url, first_response_minutes, autoclose_days, promise_remind_minutes,\n"
	"callback_due_minutes, max_body_bytes, max_attachment_bytes, mail_from,\n"
	"smtp_* (outbound mail), mailbox.<name>.* (IMAP); see docs/operations.md.\n"
	"On start it prints `heed serving on http://HOST:PORT`.\n";

int hd_cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "workers", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *data = NULL, *listen = NULL, *workers = NULL;
	struct hd_config cfg;
	struct hd_err err = { 0 };
	struct hd_store *st = NULL;
	struct hd_server *srv = NULL;
	struct hd_outbox_worker *outbox = NULL;
	struct hd_fetchers *fetchers = NULL;
	struct hd_timer_worker *timers = NULL;
	struct hd_app app;
	sigset_t set;
	unsigned port = 0;
	char host[128];
	int c, sig, rc;
	int64_t t0 = hd_mono_ms();

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': data = optarg; break;
		case 'l': listen = optarg; break;
		case 'w': workers = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return EX_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "heed serve: unexpected argument \"%s\"\n%s", argv[optind], usage);
		return EX_USAGE;
	}
	data = hd_cli_data_dir(data);
	rc = hd_cli_config(data, &cfg);
	if (rc)
		return rc;
	if ((listen && hd_config_set(&cfg, "listen", listen, &err)) ||
	    (workers && hd_config_set(&cfg, "workers", workers, &err))) {
		hd_cli_error("serve", &err);
		return EX_USAGE;
	}
	if (cfg.workers == 0) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);

		cfg.workers = cpus > 0 && cpus <= 1024 ? (int)cpus : 2;
	}
	/* Signals are taken by sigwait below; block them before any thread
	 * starts so no worker is interrupted by them. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	rc = hd_cli_open(data, &cfg, 0, &st);
	if (rc)
		return rc;
	app.store = st;
	app.cfg = &cfg;
	app.started_at = hd_now_ms();
	app.data_dir = data;
#ifdef HD_TEST_CLOCK
	{
		char path[4096];
		long long off = 0;
		FILE *f;

		snprintf(path, sizeof(path), "%s/" HD_TEST_CLOCK_FILE, data);
		f = fopen(path, "r");
		if (f && fscanf(f, "%lld", &off) == 1 && off > 0)
			hd_clock_advance(off);
		if (f)
			fclose(f);
	}
#endif
	if (hd_server_start(&app, &srv, &port, &err)) {
		hd_cli_error("serve", &err);
		hd_store_close(st);
		return EX_UNAVAILABLE;
	}
	if (hd_outbox_worker_start(&outbox, st, &cfg, &err) ||
	    hd_timer_worker_start(&timers, st, 0, &err) ||
	    hd_fetchers_start(&fetchers, st, &cfg, &err)) {
		hd_cli_error("serve", &err);
		hd_timer_worker_stop(timers);
		hd_outbox_worker_stop(outbox);
		hd_server_stop(srv);
		hd_store_close(st);
		return EX_UNAVAILABLE;
	}
	snprintf(host, sizeof(host), "%s", cfg.listen);
	*strrchr(host, ':') = '\0';
	printf("heed serving on http://%s:%u (data %s, %d workers, ready in %lld ms)\n", host, port,
	       data, cfg.workers, (long long)(hd_mono_ms() - t0));
	fflush(stdout);
	sigwait(&set, &sig);
	fprintf(stderr, "heed: %s received, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
	hd_fetchers_stop(fetchers);
	hd_outbox_worker_stop(outbox);
	hd_server_stop(srv);
	hd_timer_worker_stop(timers);
	hd_store_close(st);
	return 0;
}
