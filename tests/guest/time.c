/*
 * Time: clock_gettime/clock_getres for every clock, gettimeofday, time,
 * nanosleep and clock_nanosleep.  Times themselves differ between runs,
 * so cases print validity, order and bounds, and the kernel's errors.
 * Raw system calls: the libc would answer from the vDSO.
 */
#include "harness.h"

#include <sys/time.h>
#include <time.h>

static const struct {
	int id;
	const char *name;
} clocks[] = {
	{ 0, "REALTIME" }, { 1, "MONOTONIC" }, { 2, "PROCESS_CPUTIME_ID" },
	{ 3, "THREAD_CPUTIME_ID" }, { 4, "MONOTONIC_RAW" },
	{ 5, "REALTIME_COARSE" }, { 6, "MONOTONIC_COARSE" }, { 7, "BOOTTIME" },
	{ 11, "TAI" }, { 10, "SGI_CYCLE" }, { 12, "12" }, { 16, "16" },
	{ 100, "100" }, { -1, "-1" }, { 0x7fffffff, "INT_MAX" },
	/* CPU clocks of a process by pid: (~pid << 3) | type */
	{ (int)(~0U << 3) | 2, "self process sched clock" },
	{ (int)(~0U << 3) | 6, "self thread sched clock" },
	{ (int)(~999999U << 3) | 2, "cpu clock of pid 999999" },
	{ (int)(~0U << 3) | 3, "pid clock of bad type" },
};

static long kgettime(int id, struct timespec *ts)
{
	return syscall(SYS_clock_gettime, id, ts);
}

static long long ns_of(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

static long long now(int id)
{
	struct timespec ts;

	kgettime(id, &ts);
	return ns_of(&ts);
}

static void t_gettime(void)
{
	struct timespec ts;
	unsigned i;
	long r;

	for (i = 0; i < NELEM(clocks); i++) {
		ts.tv_sec = -5;
		ts.tv_nsec = -5;
		errno = 0;
		r = kgettime(clocks[i].id, &ts);
		if (r < 0)
			say("clock_gettime(%s) = -1 %s", clocks[i].name,
			    errname(errno));
		else
			say("clock_gettime(%s) = %ld, valid %s", clocks[i].name,
			    r, ts.tv_sec >= 0 && ts.tv_nsec >= 0 &&
			    ts.tv_nsec < 1000000000 ? "yes" : "no");
	}
}

static void t_getres(void)
{
	struct timespec ts;
	unsigned i;
	long r;

	for (i = 0; i < NELEM(clocks); i++) {
		ts.tv_sec = -5;
		ts.tv_nsec = -5;
		errno = 0;
		r = syscall(SYS_clock_getres, clocks[i].id, &ts);
		if (r < 0)
			say("clock_getres(%s) = -1 %s", clocks[i].name,
			    errname(errno));
		else if (clocks[i].id == 5 || clocks[i].id == 6)
			/* a tick: the host's HZ */
			say("clock_getres(%s) = %ld, a tick: %s",
			    clocks[i].name, r, ts.tv_sec == 0 &&
			    ts.tv_nsec >= 1000000 && ts.tv_nsec <= 10000000 ?
			    "yes" : "no");
		else
			say("clock_getres(%s) = %ld, %lld ns", clocks[i].name,
			    r, ns_of(&ts));
	}
	SYS(syscall(SYS_clock_getres, 0, NULL));
	SYS(syscall(SYS_clock_getres, 100, NULL));
}

static void t_monotonic(void)
{
	static const int ids[] = { 1, 4, 6, 7, 2, 3 };
	unsigned i;
	int j, back;

	for (i = 0; i < NELEM(ids); i++) {
		long long prev = now(ids[i]), t;

		for (back = 0, j = 0; j < 500; j++) {
			t = now(ids[i]);
			back += t < prev;
			prev = t;
		}
		say("clock %d went back %d times", ids[i], back);
	}
	long long mono = now(1), boot = now(7);
	TRUE(boot >= mono);
	TRUE(now(1) > 0);
	TRUE(now(0) > 1600000000LL * 1000000000LL);
}

static void t_realtime(void)
{
	struct timespec ts;
	struct timeval tv;
	struct timezone tz;
	time_t t, t2;

	kgettime(0, &ts);
	t = syscall(SYS_time, &t2);
	TRUE(t == t2);
	TRUE(t - ts.tv_sec >= 0 && t - ts.tv_sec <= 1);
	SYS(syscall(SYS_gettimeofday, &tv, NULL));
	TRUE(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
	TRUE(tv.tv_sec - ts.tv_sec >= 0 && tv.tv_sec - ts.tv_sec <= 1);
	SYS(syscall(SYS_gettimeofday, NULL, NULL));
	memset(&tz, 0x55, sizeof tz);
	SYS(syscall(SYS_gettimeofday, NULL, &tz));
	say("tz %d %d", tz.tz_minuteswest, tz.tz_dsttime);
	TRUE(syscall(SYS_time, NULL) >= t);
	/* libc's view (the vDSO natively) agrees */
	TRUE(time(NULL) - t >= 0 && time(NULL) - t <= 2);
	gettimeofday(&tv, NULL);
	TRUE(tv.tv_sec - t >= 0 && tv.tv_sec - t <= 2);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	TRUE(ns_of(&ts) <= now(1));
}

static void t_nanosleep(void)
{
	struct timespec req = { 0, 20000000 }, rem = { 77, 77 };
	long long t0, dt;

	t0 = now(1);
	SYS(syscall(SYS_nanosleep, &req, &rem));
	dt = now(1) - t0;
	TRUE_L("slept at least 20 ms", dt >= 20000000);
	TRUE_L("and less than 2 s", dt < 2000000000LL);
	TRUE_L("rem untouched", rem.tv_sec == 77 && rem.tv_nsec == 77);
	req = (struct timespec){ 0, 0 };
	SYS(syscall(SYS_nanosleep, &req, NULL));
	req = (struct timespec){ 0, 1000000000 };
	SYS(syscall(SYS_nanosleep, &req, NULL));
	req = (struct timespec){ 0, -1 };
	SYS(syscall(SYS_nanosleep, &req, NULL));
	req = (struct timespec){ -1, 0 };
	SYS(syscall(SYS_nanosleep, &req, NULL));
	SYS(syscall(SYS_nanosleep, NULL, NULL));
	req = (struct timespec){ 0, 1000 };
	SYS(syscall(SYS_nanosleep, &req, (void *)1));
	/* libc's */
	req = (struct timespec){ 0, 5000000 };
	t0 = now(1);
	SYS(nanosleep(&req, NULL));
	TRUE_L("slept at least 5 ms", now(1) - t0 >= 5000000);
}

static void t_clock_nanosleep(void)
{
	struct timespec req, rem;
	long long t0, dt;

	req = (struct timespec){ 0, 10000000 };
	t0 = now(1);
	SYS(syscall(SYS_clock_nanosleep, 1, 0, &req, &rem));
	dt = now(1) - t0;
	TRUE_L("slept at least 10 ms", dt >= 10000000);
	/* absolute: 15 ms ahead on the monotonic clock */
	kgettime(1, &req);
	req.tv_nsec += 15000000;
	if (req.tv_nsec >= 1000000000) {
		req.tv_sec++;
		req.tv_nsec -= 1000000000;
	}
	SYS(syscall(SYS_clock_nanosleep, 1, TIMER_ABSTIME, &req, NULL));
	TRUE_L("woke at or after the deadline", now(1) >= ns_of(&req));
	/* in the past: at once */
	req = (struct timespec){ 1, 0 };
	t0 = now(1);
	SYS(syscall(SYS_clock_nanosleep, 1, TIMER_ABSTIME, &req, NULL));
	TRUE_L("returned within 1 s", now(1) - t0 < 1000000000LL);
	kgettime(0, &req);
	req.tv_sec -= 10;
	SYS(syscall(SYS_clock_nanosleep, 0, TIMER_ABSTIME, &req, NULL));
	req = (struct timespec){ 0, 1000000 };
	SYS(syscall(SYS_clock_nanosleep, 7, 0, &req, NULL));
	SYS(syscall(SYS_clock_nanosleep, 4, 0, &req, NULL));
	SYS(syscall(SYS_clock_nanosleep, 3, 0, &req, NULL));
	SYS(syscall(SYS_clock_nanosleep, 100, 0, &req, NULL));
	SYS(syscall(SYS_clock_nanosleep, -1, 0, &req, NULL));
	req = (struct timespec){ 0, 1000000000 };
	SYS(syscall(SYS_clock_nanosleep, 1, 0, &req, NULL));
	req = (struct timespec){ -1, 0 };
	SYS(syscall(SYS_clock_nanosleep, 1, 0, &req, NULL));
	SYS(syscall(SYS_clock_nanosleep, 1, 0, NULL, NULL));
	/* libc returns the error number itself */
	req = (struct timespec){ 0, 2000000000 };
	say("clock_nanosleep(bad nsec) returns %s",
	    errname(clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL)));
}

static void t_cpu_time(void)
{
	long long p0 = now(2), t0 = now(3), w0 = now(1);
	volatile unsigned long x = 0;

	/* spin until 20 ms of CPU time have gone, or 3 s of wall time */
	while (now(3) - t0 < 20000000 && now(1) - w0 < 3000000000LL)
		for (int i = 0; i < 10000; i++)
			x += i;
	TRUE_L("thread CPU time advanced 20 ms", now(3) - t0 >= 20000000);
	TRUE_L("process CPU time advanced as much", now(2) - p0 >= 20000000);
	TRUE_L("CPU time <= wall time + 10 ms",
	       now(3) - t0 <= now(1) - w0 + 10000000);
}

static const struct tcase cases[] = {
	{ t_gettime, "gettime" },
	{ t_getres, "getres" },
	{ t_monotonic, "monotonic" },
	{ t_realtime, "realtime" },
	{ t_nanosleep, "nanosleep" },
	{ t_clock_nanosleep, "clock_nanosleep" },
	{ t_cpu_time, "cpu_time" },
};

HARNESS_MAIN(cases)
