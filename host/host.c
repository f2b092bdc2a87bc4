/*
 * host.c: memory, output, time, randomness and facts about the host.
 * See host.h for the conventions.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

#include "host/host.h"

static u64 physmem_size;
static int physmem_fd = -1;
static char *physmem_base;

int host_physmem_create(u64 size, int *fd, void **base)
{
	void *p;
	int f;

	f = memfd_create("umk-physmem", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (f < 0)
		return -errno;
	if (ftruncate(f, size) < 0 ||
	    fcntl(f, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0) {
		int e = errno;

		close(f);
		return -e;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE,
		 f, 0);
	if (p == MAP_FAILED) {
		int e = errno;

		close(f);
		return -e;
	}
	physmem_fd = f;
	physmem_size = size;
	physmem_base = p;
	*fd = f;
	*base = p;
	return 0;
}

void host_physmem_populate(u64 off, u64 len)
{
#ifdef MADV_POPULATE_WRITE
	if (off <= physmem_size && len <= physmem_size - off)
		madvise(physmem_base + off, len, MADV_POPULATE_WRITE);
#else
	(void)off, (void)len;
#endif
}

void host_prefault_read(const void *p, size_t len)
{
#ifdef MADV_POPULATE_READ
	uintptr_t a = (uintptr_t)p & ~(uintptr_t)4095;

	madvise((void *)a, len + ((uintptr_t)p - a), MADV_POPULATE_READ);
#else
	(void)p, (void)len;
#endif
}

int host_physmem_discard(u64 off, u64 len)
{
	if (off > physmem_size || len > physmem_size - off)
		return -EINVAL;
	if (fallocate(physmem_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      off, len) < 0)
		return -errno;
	return 0;
}

void *host_stack_alloc(size_t size)
{
	char *p = mmap(NULL, size + PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	mprotect(p, PAGE_SIZE, PROT_NONE); /* guard page */
	return p + PAGE_SIZE;
}

void host_stack_free(void *stack, size_t size)
{
	munmap((char *)stack - PAGE_SIZE, size + PAGE_SIZE);
}

void *host_mem_alloc(size_t size)
{
	return malloc(size ? size : 1);
}

void *host_mem_zalloc(size_t size)
{
	return calloc(1, size ? size : 1);
}

void *host_mem_realloc(void *p, size_t size)
{
	return realloc(p, size ? size : 1);
}

void host_mem_free(void *p)
{
	free(p);
}

void host_log_write(const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(2, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= n;
	}
}

void host_backtrace(void)
{
	void *frames[64];
	int n = backtrace(frames, 64);

	backtrace_symbols_fd(frames, n, 2);
}

void host_exit(int status)
{
	fflush(stdout);
	_exit(status);
}

s64 host_clock_ns(int clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

s64 host_self_cputime_ns(void)
{
	return host_clock_ns(CLOCK_PROCESS_CPUTIME_ID);
}

int host_getrandom(void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = getrandom(p, len, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= n;
	}
	return 0;
}

int host_ncpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		return CPU_COUNT(&set);
	return (int)sysconf(_SC_NPROCESSORS_ONLN);
}

u64 host_total_ram(void)
{
	struct sysinfo si;

	if (sysinfo(&si) < 0)
		return 0;
	return (u64)si.totalram * si.mem_unit;
}

uid_t host_getuid(void)
{
	return getuid();
}

gid_t host_getgid(void)
{
	return getgid();
}

u64 host_cpu_hwcap(void)
{
	unsigned a, b, c, d;

	__asm__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
	return d;
}

static void cpuid(u32 leaf, u32 sub, u32 r[4])
{
	__asm__("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
		: "a"(leaf), "c"(sub));
}

/* The clock in kHz: CPUID leaf 0x16, else the host's /proc/cpuinfo. */
static u32 cpu_khz(u32 max_leaf)
{
	char line[256];
	double mhz = 0;
	FILE *f;
	u32 r[4];

	if (max_leaf >= 0x16) {
		cpuid(0x16, 0, r);
		if (r[0] & 0xffff)
			return (r[0] & 0xffff) * 1000;
	}
	f = fopen("/proc/cpuinfo", "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "cpu MHz : %lf", &mhz) == 1)
			break;
	fclose(f);
	return (u32)(mhz * 1000);
}

/* The size of the last cache level CPUID describes, in KiB. */
static u32 cpu_cache_kb(const char *vendor, u32 max_ext)
{
	u32 r[4], best = 0;

	if (!strcmp(vendor, "GenuineIntel")) {
		for (u32 i = 0; i < 16; i++) {
			cpuid(4, i, r);
			if (!(r[0] & 0x1f))
				break;
			best = ((r[1] >> 22) + 1) * (((r[1] >> 12) & 0x3ff) + 1) *
			       ((r[1] & 0xfff) + 1) * (r[2] + 1) / 1024;
		}
		return best;
	}
	if (max_ext >= 0x80000006) {
		cpuid(0x80000006, 0, r);
		return r[2] >> 16;
	}
	return 0;
}

void host_cpu_info(struct host_cpuinfo *ci)
{
	u32 r[4], max_ext;

	memset(ci, 0, sizeof(*ci));
	cpuid(0, 0, r);
	ci->max_leaf = r[0];
	memcpy(ci->vendor, &r[1], 4);
	memcpy(ci->vendor + 4, &r[3], 4);
	memcpy(ci->vendor + 8, &r[2], 4);
	cpuid(1, 0, r);
	ci->stepping = r[0] & 0xf;
	ci->family = (r[0] >> 8) & 0xf;
	ci->model = (r[0] >> 4) & 0xf;
	if (ci->family == 0xf)
		ci->family += (r[0] >> 20) & 0xff;
	if (ci->family >= 6)
		ci->model += ((r[0] >> 16) & 0xf) << 4;
	ci->leaf1_ecx = r[2];
	ci->leaf1_edx = r[3];
	if (ci->max_leaf >= 7) {
		cpuid(7, 0, r);
		ci->leaf7_ebx = r[1];
		ci->leaf7_ecx = r[2];
		ci->leaf7_edx = r[3];
	}
	cpuid(0x80000000, 0, r);
	max_ext = r[0];
	if (max_ext >= 0x80000001) {
		cpuid(0x80000001, 0, r);
		ci->ext1_ecx = r[2];
		ci->ext1_edx = r[3];
	}
	if (max_ext >= 0x80000004) {
		for (u32 i = 0; i < 3; i++) {
			cpuid(0x80000002 + i, 0, r);
			memcpy(ci->model_name + 16 * i, r, 16);
		}
		for (int i = (int)strlen(ci->model_name) - 1;
		     i >= 0 && ci->model_name[i] == ' '; i--)
			ci->model_name[i] = 0;
	}
	ci->phys_bits = 36;
	ci->virt_bits = 48;
	if (max_ext >= 0x80000008) {
		cpuid(0x80000008, 0, r);
		ci->phys_bits = r[0] & 0xff;
		ci->virt_bits = (r[0] >> 8) & 0xff;
	}
	ci->khz = cpu_khz(ci->max_leaf);
	ci->cache_kb = cpu_cache_kb(ci->vendor, max_ext);
}

int host_get_rlimit(int resource, u64 *cur, u64 *max)
{
	struct rlimit r;

	if (getrlimit(resource, &r) < 0)
		return -errno;
	*cur = r.rlim_cur == RLIM_INFINITY ? ~0ULL : r.rlim_cur;
	*max = r.rlim_max == RLIM_INFINITY ? ~0ULL : r.rlim_max;
	return 0;
}

bool host_privileged(void)
{
	cap_t caps = cap_get_proc();
	cap_flag_value_t v;
	bool any = false;

	if (!caps)
		return geteuid() == 0;
	for (cap_value_t c = 0; c <= CAP_LAST_CAP && !any; c++) {
		if (cap_get_flag(caps, c, CAP_EFFECTIVE, &v) == 0 && v == CAP_SET)
			any = true;
	}
	cap_free(caps);
	return any;
}
