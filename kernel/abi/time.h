/* Clocks and timers. */
#ifndef UMK_ABI_TIME_H
#define UMK_ABI_TIME_H

#include "kernel/types.h"
#include "kernel/abi/stat.h"

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define CLOCK_REALTIME_ALARM 8
#define CLOCK_BOOTTIME_ALARM 9
#define CLOCK_TAI 11

#define TIMER_ABSTIME 1

#define NSEC_PER_SEC 1000000000LL
#define NSEC_PER_USEC 1000LL
#define USER_HZ 100

struct linux_timezone {
	s32 tz_minuteswest;
	s32 tz_dsttime;
};

struct linux_itimerspec {
	struct linux_timespec it_interval;
	struct linux_timespec it_value;
};

struct linux_tms {
	s64 tms_utime;
	s64 tms_stime;
	s64 tms_cutime;
	s64 tms_cstime;
};

#define ITIMER_REAL 0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF 2

#define SIGEV_SIGNAL 0
#define SIGEV_NONE 1
#define SIGEV_THREAD 2
#define SIGEV_THREAD_ID 4

/* struct sigevent: 64 bytes. */
struct linux_sigevent {
	u64 value;
	s32 signo;
	s32 notify;
	s32 tid;
	s32 pad[11];
};

#endif
