/*
 * getpid: the cost of one system call that does (almost) nothing.
 *
 *   getpid [ROUND_MS [ROUNDS]]
 *
 * Calibrates in a warm-up so that one round of raw syscall(SYS_getpid)
 * calls lasts about ROUND_MS milliseconds (default 100), times ROUNDS
 * rounds (default 5) and prints the median time per call:
 *   getpid_ns <ns per call>
 */
#include <sys/syscall.h>
#include <unistd.h>

#include "common.h"

int main(int argc, char **argv)
{
	double round_ms = (double)arg_long(argc, argv, 1, 100);
	int rounds = (int)arg_long(argc, argv, 2, 5);
	double v[64];
	long calls = 64, i;
	int r;

	if (round_ms < 1 || rounds < 1 || rounds > 64) {
		fprintf(stderr, "usage: getpid [ROUND_MS [ROUNDS<=64]]\n");
		return 2;
	}
	for (;;) {                      /* warm up and calibrate */
		uint64_t t0 = now_ns(), dt;

		for (i = 0; i < calls; i++)
			syscall(SYS_getpid);
		dt = now_ns() - t0;
		if (dt >= 10000000ull) {
			calls = (long)(calls * (round_ms * 1e6 / dt)) + 1;
			break;
		}
		calls *= 2;
	}
	for (r = 0; r < rounds; r++) {
		uint64_t t0 = now_ns();

		for (i = 0; i < calls; i++)
			syscall(SYS_getpid);
		v[r] = (double)(now_ns() - t0) / calls;
	}
	printf("getpid_ns %.1f\n", median(v, rounds));
	return 0;
}
