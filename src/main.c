/*
 * main.c — the heed binary: everything happens in the library (src/cli).
 */
#include "cli/cli.h"

int main(int argc, char **argv)
{
	return hd_cli_main(argc, argv);
}
