/*
 * pipe: pipe throughput between two processes.
 *
 *   pipe [MIB [CHUNK_KIB]]
 *
 * A child writes MIB MiB (default 1024) into a pipe in CHUNK_KIB KiB
 * writes (default 64); the parent reads it all in reads of the same
 * size.  After a warm-up of 1/16 of the data, prints the throughput:
 *   pipe_mib_s <MiB per second>
 */
#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

static void die(const char *what)
{
	fprintf(stderr, "pipe: %s: %s\n", what, strerror(errno));
	exit(1);
}

int main(int argc, char **argv)
{
	long mib = arg_long(argc, argv, 1, 1024);
	long chunk = arg_long(argc, argv, 2, 64) * 1024;
	long long total, warm, got = 0, base = 0;
	uint64_t t0 = 0;
	char *buf;
	int fd[2], st;
	pid_t pid;

	if (mib < 1 || chunk < 1) {
		fprintf(stderr, "usage: pipe [MIB [CHUNK_KIB]]\n");
		return 2;
	}
	total = (long long)mib << 20;
	warm = total / 16;
	buf = malloc(chunk);
	if (!buf)
		die("malloc");
	memset(buf, 'x', chunk);
	if (pipe(fd) < 0)
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		long long left = warm + total;

		close(fd[0]);
		while (left > 0) {
			ssize_t n = write(fd[1], buf, left < chunk ? left : chunk);

			if (n <= 0)
				_exit(1);
			left -= n;
		}
		_exit(0);
	}
	close(fd[1]);
	for (;;) {
		ssize_t n = read(fd[0], buf, chunk);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("read");
		if (n == 0)
			break;
		if (got < warm && got + n >= warm) {
			t0 = now_ns();
			base = got + n;
		}
		got += n;
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "pipe: writer failed\n");
		return 1;
	}
	if (got != warm + total) {
		fprintf(stderr, "pipe: read %lld bytes, expected %lld\n", got,
			warm + total);
		return 1;
	}
	printf("pipe_mib_s %.1f\n",
	       (double)(got - base) / (1 << 20) / ((now_ns() - t0) / 1e9));
	return 0;
}
