/*
 * blobs.c — content-addressed attachment storage under <data>/blobs.
 *
 * A blob lives at blobs/ab/cd/<sha256>. It is written to a temporary file,
 * fsync'd, renamed into place and its directory fsync'd, so a blob that a
 * committed message refers to is always complete on disk. The same content
 * is stored once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/sqlite/internal.h"
#include <sodium.h>

#include "util/secret.h"
#include "util/banned.h"

int hd_store_blob_path(struct hd_store *st, const char *sha256, char *path, size_t len)
{
	if (strlen(sha256) != HD_HASH_HEX_LEN || strspn(sha256, "0123456789abcdef") != HD_HASH_HEX_LEN)
		return HD_EINVAL;
	snprintf(path, len, "%s/%.2s/%.2s/%s", st->blob_dir, sha256, sha256 + 2, sha256);
	return 0;
}

static int mkdir_once(const char *dir)
{
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	int rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int hd_store_blob_put(struct hd_store *st, const void *data, size_t len, char *sha256,
		      struct hd_err *err)
{
	char path[4096], dir[4096], tmp[4200];
	const unsigned char *p = data;
	struct stat sb;
	int fd = -1, rc = 0;

	hd_secret_sha256_hex(data, len, sha256);
	hd_store_blob_path(st, sha256, path, sizeof(path));
	if (stat(path, &sb) == 0 && (size_t)sb.st_size == len)
		return 0; /* already stored */
	snprintf(dir, sizeof(dir), "%s/%.2s", st->blob_dir, sha256);
	if (mkdir_once(dir))
		goto fail;
	snprintf(dir, sizeof(dir), "%s/%.2s/%.2s", st->blob_dir, sha256, sha256 + 2);
	if (mkdir_once(dir))
		goto fail;
	/* Unique per writer: two requests may upload the same content at once. */
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld.%08x", path, (long)getpid(),
		 (unsigned)randombytes_random());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		goto fail;
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto fail;
		p += w;
		len -= (size_t)w;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0 || fsync_dir(dir) != 0)
		goto fail;
	return 0;
fail:
	rc = hd_err_set(err, HD_EIO, NULL, "cannot store attachment: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return rc;
}
