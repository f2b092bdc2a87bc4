/*
 * forkexec: fork + execve + wait of a static program.
 *
 *   forkexec [COUNT [PROGRAM]]
 *
 * Runs PROGRAM (default: this program itself, which exits at once when
 * its first argument is "-exit") COUNT times (default 200) after a few
 * warm-up runs, each as fork, execve in the child and waitpid in the
 * parent, and prints the median of 5 batches:
 *   fork_exec_wait_us <us per fork+exec+wait>
 */
#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

static char *prog;

static void one(void)
{
	char *args[] = { prog, "-exit", NULL };
	char *env[] = { NULL };
	int st;
	pid_t pid = fork();

	if (pid < 0) {
		fprintf(stderr, "forkexec: fork: %s\n", strerror(errno));
		exit(1);
	}
	if (pid == 0) {
		execve(prog, args, env);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) != pid) {
		fprintf(stderr, "forkexec: waitpid: %s\n", strerror(errno));
		exit(1);
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "forkexec: %s failed (status 0x%x)\n", prog, st);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	long count, i;
	double v[5];
	int r, batches = 5;

	if (argc > 1 && !strcmp(argv[1], "-exit"))
		return 0;
	count = arg_long(argc, argv, 1, 200);
	prog = argc > 2 ? argv[2] : argv[0];
	if (count < batches) {
		fprintf(stderr, "usage: forkexec [COUNT>=5 [PROGRAM]]\n");
		return 2;
	}
	for (i = 0; i < 5; i++)         /* warm up */
		one();
	for (r = 0; r < batches; r++) {
		uint64_t t0 = now_ns();
		long n = count / batches;

		for (i = 0; i < n; i++)
			one();
		v[r] = (double)(now_ns() - t0) / n / 1000;
	}
	printf("fork_exec_wait_us %.1f\n", median(v, batches));
	return 0;
}
