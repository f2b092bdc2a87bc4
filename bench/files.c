/*
 * files: small-file metadata work, the kind a build or a test suite does.
 *
 *   files DIR [N]
 *
 * In DIR, creates N files of 100 bytes (open O_CREAT, write, close),
 * stats them all, reads them all (open, read, close) and unlinks them
 * all; three rounds after a warm-up, and prints the median time per
 * file for the four steps together:
 *   files_us <microseconds per file>
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

static void die(const char *what, const char *path)
{
	fprintf(stderr, "files: %s %s: %s\n", what, path, strerror(errno));
	exit(1);
}

static void one_round(const char *dir, long n)
{
	char path[4096], buf[128];
	struct stat st;

	memset(buf, 'x', sizeof(buf));
	for (long i = 0; i < n; i++) {
		int fd;

		snprintf(path, sizeof(path), "%s/f%ld", dir, i);
		fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
		if (fd < 0 || write(fd, buf, 100) != 100)
			die("create", path);
		close(fd);
	}
	for (long i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f%ld", dir, i);
		if (stat(path, &st) < 0 || st.st_size != 100)
			die("stat", path);
	}
	for (long i = 0; i < n; i++) {
		int fd;

		snprintf(path, sizeof(path), "%s/f%ld", dir, i);
		fd = open(path, O_RDONLY);
		if (fd < 0 || read(fd, buf, sizeof(buf)) != 100)
			die("read", path);
		close(fd);
	}
	for (long i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f%ld", dir, i);
		if (unlink(path) < 0)
			die("unlink", path);
	}
}

int main(int argc, char **argv)
{
	long n = arg_long(argc, argv, 2, 2000);
	double t[3];


	if (argc < 2 || n < 1) {
		fprintf(stderr, "usage: files DIR [N]\n");
		return 2;
	}
	one_round(argv[1], n / 4 + 1);
	for (int r = 0; r < 3; r++) {
		uint64_t t0 = now_ns();

		one_round(argv[1], n);
		t[r] = (now_ns() - t0) / 1e3 / n;
	}
	printf("files_us %.2f\n", median(t, 3));
	return 0;
}
