/*
 * walltime: the wall time of a whole command, start to exit.
 *
 *   walltime RUNS WARMUP CMD [ARG...]
 *
 * Runs CMD WARMUP times untimed, then RUNS times timed (fork, execvp,
 * waitpid; stdin from /dev/null, stdout and stderr to /dev/null), and
 * prints
 *   wall_ms <median> <min> <max>
 * It fails, printing the command's status, if any run does not exit 0.
 * With WALLTIME_STDERR=FILE, each run's stderr goes to FILE instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

static const char *errpath;

static double run(char **cmd)
{
	uint64_t t0 = now_ns();
	int st;
	pid_t pid = fork();

	if (pid < 0) {
		perror("walltime: fork");
		exit(1);
	}
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		int out = open("/dev/null", O_WRONLY);
		int err = errpath ? open(errpath, O_WRONLY | O_CREAT | O_TRUNC,
					 0644) : out;

		dup2(in, 0);
		dup2(out, 1);
		dup2(err < 0 ? out : err, 2);
		execvp(cmd[0], cmd);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) != pid) {
		perror("walltime: waitpid");
		exit(1);
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		if (WIFEXITED(st))
			fprintf(stderr, "exit status %d\n", WEXITSTATUS(st));
		else
			fprintf(stderr, "killed by signal %d\n", WTERMSIG(st));
		exit(1);
	}
	return (double)(now_ns() - t0) / 1e6;
}

int main(int argc, char **argv)
{
	double v[1000];
	int runs, warm, i;

	if (argc < 4) {
		fprintf(stderr, "usage: walltime RUNS WARMUP CMD [ARG...]\n");
		return 2;
	}
	runs = atoi(argv[1]);
	warm = atoi(argv[2]);
	if (runs < 1 || runs > 1000 || warm < 0) {
		fprintf(stderr, "walltime: bad RUNS or WARMUP\n");
		return 2;
	}
	errpath = getenv("WALLTIME_STDERR");
	for (i = 0; i < warm; i++)
		run(argv + 3);
	for (i = 0; i < runs; i++)
		v[i] = run(argv + 3);
	median(v, runs);        /* sorts */
	printf("wall_ms %.2f %.2f %.2f\n", runs % 2 ? v[runs / 2] :
	       (v[runs / 2 - 1] + v[runs / 2]) / 2, v[0], v[runs - 1]);
	return 0;
}
