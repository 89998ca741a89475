/*
 * cli.h — the `heed` commands. Each takes the arguments after its name,
 * prints what it did, and returns the process exit status (0 success,
 * 64 usage error, 65 bad data, 69 unavailable, 70 internal, 75 try again:
 * sysexits.h, which MTAs understand).
 */
#ifndef HD_CLI_H
#define HD_CLI_H

#include "store/store.h"
#include "util/config.h"

int hd_cmd_init(int argc, char **argv);
int hd_cmd_serve(int argc, char **argv);
int hd_cmd_migrate(int argc, char **argv);
int hd_cmd_token(int argc, char **argv);
int hd_cmd_seed(int argc, char **argv);
int hd_cmd_mailgate(int argc, char **argv);
int hd_cmd_fetch(int argc, char **argv);

/** Dispatch `heed <command> ...`; the whole program. */
int hd_cli_main(int argc, char **argv);

/** The data directory: --data, else HEED_DATA, else "./heed-data". */
const char *hd_cli_data_dir(const char *flag);

/** Load heed.conf from `data` and HEED_* from the environment into `cfg`.
 * Prints the problem and returns non-zero on a bad setting. */
int hd_cli_config(const char *data, struct hd_config *cfg);

/** Open the store in `data`, printing the problem on failure. Unless
 * `create` is set, a directory without a heed database is refused (so a
 * mistyped --data never starts an empty desk). */
int hd_cli_open(const char *data, const struct hd_config *cfg, int create, struct hd_store **st);

/** Print `err` as "heed: <what>: <message>" on stderr. */
void hd_cli_error(const char *what, const struct hd_err *err);

/** Parse the options every command shares, --data (as 'd') and --help
 * ('h'), handing the others to `extra` (may be NULL). 0 to go on, -1 after
 * printing help, EX_USAGE after printing usage. `*data` is resolved with
 * hd_cli_data_dir. */
struct option;
int hd_cli_opts(int argc, char **argv, const char *usage, const struct option *opts,
		const char **data, int (*extra)(int c, const char *arg, void *ctx), void *ctx);

/** Exit status for an HD_E* code. */
int hd_cli_status(int code);

#endif
