/*
 * Memory: anonymous and file mmap, munmap, mprotect, madvise, brk, and
 * the signals a bad access raises (reported by si_code and whether
 * si_addr is the address touched, never the address itself).
 */
#include "harness.h"

#include <sys/mman.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x3
#endif

#define PG 4096UL

static sigjmp_buf fault_jmp;
static volatile int fault_sig, fault_code;
static void *volatile fault_addr;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	fault_sig = sig;
	fault_code = si->si_code;
	fault_addr = si->si_addr;
	siglongjmp(fault_jmp, 1);
}

static struct sigaction saved_segv, saved_bus;

/* Installs on_fault for SIGSEGV and SIGBUS; release_faults() puts
 * back what was there (the default, or the harness's own catcher). */
static void catch_faults(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, &saved_segv);
	sigaction(SIGBUS, &sa, &saved_bus);
}

static void release_faults(void)
{
	sigaction(SIGSEGV, &saved_segv, NULL);
	sigaction(SIGBUS, &saved_bus, NULL);
}

static const char *code_name(int sig, int code)
{
	if (sig == SIGSEGV && code == SEGV_MAPERR)
		return "SEGV_MAPERR";
	if (sig == SIGSEGV && code == SEGV_ACCERR)
		return "SEGV_ACCERR";
	if (sig == SIGBUS && code == BUS_ADRERR)
		return "BUS_ADRERR";
	return "other code";
}

/*
 * Reads or writes one byte at p with the fault handlers in place and
 * prints what happened: "read LABEL: ok 'c'" or "... SIGSEGV SEGV_ACCERR
 * at p".
 */
static void probe(const char *label, void *p, int write)
{
	volatile char *v = p;
	char c = 0;

	catch_faults();
	fault_sig = 0;
	if (sigsetjmp(fault_jmp, 1) == 0) {
		if (write)
			*v = 'w';
		else
			c = *v;
		say("%s %s: ok %d", write ? "write" : "read", label, c);
	} else {
		say("%s %s: %s %s%s", write ? "write" : "read", label,
		    signame(fault_sig), code_name(fault_sig, fault_code),
		    fault_addr == p ? " at p" : " elsewhere");
	}
	release_faults();
}

static void *anon(size_t len, int prot)
{
	return mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static void t_anon_rw(void)
{
	unsigned char *p;
	size_t i, len = 16 * PG;
	int bad = 0, nonzero = 0;

	p = (void *)SYSOK(anon(len, PROT_READ | PROT_WRITE));
	TRUE(((uintptr_t)p & (PG - 1)) == 0);
	for (i = 0; i < len; i++)
		nonzero += p[i] != 0;
	say("nonzero bytes in fresh memory: %d", nonzero);
	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(i * 31 + i / PG);
	for (i = 0; i < len; i++)
		bad += p[i] != (unsigned char)(i * 31 + i / PG);
	say("mismatches %d", bad);
	SYS(munmap(p, len));
}

static void t_anon_big(void)
{
	size_t len = 32UL << 20, i;
	char *p;
	long bad = 0;

	p = (void *)SYSOK(anon(len, PROT_READ | PROT_WRITE));
	for (i = 0; i < len; i += PG)
		p[i] = (char)(i >> 12);
	for (i = 0; i < len; i += PG)
		bad += p[i] != (char)(i >> 12);
	say("mismatches %ld", bad);
	SYS(munmap(p, len));
	/* many small mappings, all distinct */
	void *m[64];
	int overlap = 0;
	for (i = 0; i < 64; i++) {
		m[i] = anon(PG, PROT_READ | PROT_WRITE);
		*(long *)m[i] = (long)i;
	}
	for (i = 0; i < 64; i++)
		overlap += *(long *)m[i] != (long)i;
	say("overlapping: %d", overlap);
	for (i = 0; i < 64; i++)
		munmap(m[i], PG);
}

static void t_mmap_args(void)
{
	void *p;

	SYSOK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	SYSOK(mmap(NULL, PG, PROT_READ, MAP_ANONYMOUS, -1, 0));
	SYSOK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 1));
	SYSOK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, PG));
	SYSOK(mmap(NULL, (size_t)-1, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	SYSOK(mmap(NULL, (size_t)-PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	SYSOK(mmap(NULL, 1UL << 47, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	SYSOK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, -1, 0));
	SYSOK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, 9999, 0));
	SYSOK(mmap((void *)0x10001000, PG, PROT_READ,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
	SYSOK(mmap((void *)0x10000123, PG, PROT_READ,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
	SYSOK(mmap((void *)0xffff800000000000UL, PG, PROT_READ,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
	SYSOK(mmap((void *)(0x800000000000UL - PG), 2 * PG, PROT_READ,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
	SYSOK(mmap((void *)0xffff800000000000UL, PG, PROT_READ,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	p = (void *)SYSOK(mmap(NULL, PG, PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0));
	munmap(p, PG);
	p = (void *)SYSOK(mmap(NULL, PG, PROT_READ | PROT_WRITE,
			       MAP_SHARED_VALIDATE | MAP_ANONYMOUS, -1, 0));
	munmap(p, PG);
	p = (void *)SYSOK(mmap(NULL, PG, PROT_READ | PROT_WRITE | PROT_EXEC,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	munmap(p, PG);
	p = (void *)SYSOK(mmap(NULL, PG, PROT_NONE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0));
	munmap(p, PG);
	p = (void *)SYSOK(mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0));
	TRUE(((char *)p)[2 * PG] == 0);
	munmap(p, 3 * PG);
	/* a length that is not a page multiple is rounded up */
	p = (void *)SYSOK(anon(100, PROT_READ | PROT_WRITE));
	probe("last byte of the rounded page", (char *)p + PG - 1, 1);
	SYS(munmap(p, 100));
	probe("unmapped page", p, 0);
}

static void t_mmap_fixed(void)
{
	char *p, *q;

	p = (void *)SYSOK(anon(4 * PG, PROT_READ | PROT_WRITE));
	memset(p, 'A', 4 * PG);
	q = mmap(p + PG, PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	TRUE(q == p + PG);
	say("replaced page: %d, neighbours: %c %c", q[0], p[0], p[2 * PG]);
	SYSOK_L("MAP_FIXED_NOREPLACE on a mapped page",
		mmap(p + 2 * PG, PG, PROT_READ,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0));
	SYSOK_L("MAP_FIXED_NOREPLACE overlapping the end",
		mmap(p + 3 * PG, 2 * PG, PROT_READ,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0));
	say("page 2 still: %c", p[2 * PG]);
	SYS(munmap(p + 3 * PG, PG));
	q = (void *)SYSOK_L("MAP_FIXED_NOREPLACE on a hole",
		mmap(p + 3 * PG, PG, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0));
	TRUE(q == p + 3 * PG);
	/* a hint at a free address is taken as is */
	SYS(munmap(p, 4 * PG));
	q = mmap(p + PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TRUE(q == p + PG);
	munmap(q, PG);
	/* MAP_FIXED over the middle of a mapping splits it */
	p = anon(3 * PG, PROT_READ | PROT_WRITE);
	memset(p, 'B', 3 * PG);
	q = mmap(p + PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		 -1, 0);
	probe("fixed read-only middle", p + PG, 1);
	probe("first", p, 1);
	probe("last", p + 2 * PG, 1);
	SYS(munmap(p, 3 * PG));
}

static void t_mprotect_child(void)
{
	volatile char *p = anon(PG, PROT_READ | PROT_WRITE);

	p[10] = 'x';
	SYS(mprotect((void *)p, PG, PROT_READ));
	say("read back %c", p[10]);
	p[10] = 'y';     /* SIGSEGV: the child dies */
	say("not reached");
}

static volatile char *fix_page;

static void fix_fault(int sig, siginfo_t *si, void *uc)
{
	fault_sig = sig;
	fault_code = si->si_code;
	fault_addr = si->si_addr;
	mprotect((void *)((uintptr_t)fix_page & ~(PG - 1)), PG,
		 PROT_READ | PROT_WRITE);
}

static void t_mprotect_handler(void)
{
	struct sigaction sa;

	fix_page = anon(PG, PROT_READ);
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = fix_fault;
	sa.sa_flags = SA_SIGINFO;
	SYS(sigaction(SIGSEGV, &sa, NULL));
	fix_page[100] = 'z';
	say("after the handler: %c, %s %s%s", fix_page[100], signame(fault_sig),
	    code_name(fault_sig, fault_code),
	    fault_addr == fix_page + 100 ? " at p" : " elsewhere");
}

static void t_mprotect_args(void)
{
	char *p = anon(4 * PG, PROT_READ | PROT_WRITE);

	SYS(mprotect(p + 1, PG, PROT_READ));
	SYS(mprotect(p, 0, PROT_READ));
	SYS(mprotect(p, 1, PROT_READ));
	SYS(mprotect(p, PG, 0x100));
	SYS(mprotect(p, PG, -1));
	SYS(mprotect(p, PG, PROT_READ | PROT_WRITE | PROT_EXEC));
	SYS(munmap(p + 2 * PG, PG));
	SYS(mprotect(p, 4 * PG, PROT_READ));
	SYS(mprotect(p + 2 * PG, PG, PROT_READ));
	SYS(mprotect((void *)0xffff800000000000UL, PG, PROT_READ));
	SYS(mprotect(p, (size_t)-PG, PROT_READ));
	SYS(mprotect(p + 3 * PG, PG, PROT_NONE));
	probe("PROT_NONE", p + 3 * PG, 0);
	SYS(mprotect(p + 3 * PG, PG, PROT_WRITE));
	probe("PROT_WRITE only", p + 3 * PG, 1);
	probe("PROT_WRITE only", p + 3 * PG, 0);
	SYS(mprotect(p, PG, PROT_READ));
	probe("read-only", p, 1);
	probe("read-only", p, 0);
	SYS(mprotect(p, 2 * PG, PROT_READ | PROT_WRITE));
	probe("writable again", p + PG, 1);
}

static void t_munmap_child(void)
{
	volatile char *p = anon(2 * PG, PROT_READ | PROT_WRITE);

	p[0] = 1;
	SYS(munmap((void *)p, 2 * PG));
	say("value %d", p[0]);      /* SIGSEGV: the child dies */
}

static void t_munmap(void)
{
	char *p = anon(3 * PG, PROT_READ | PROT_WRITE);

	memset(p, 'M', 3 * PG);
	SYS(munmap(p + 1, PG));
	SYS(munmap(p, 0));
	SYS(munmap(p + PG, PG));
	probe("first", p, 0);
	probe("unmapped middle", p + PG, 0);
	probe("unmapped middle", p + PG, 1);
	probe("last", p + 2 * PG, 0);
	SYS(munmap(p + PG, PG));
	SYS(munmap(p, 3 * PG));
	probe("first", p, 0);
	SYS(munmap((void *)0xffff800000000000UL, PG));
	SYS(munmap((void *)(0x800000000000UL - PG), 2 * PG));
	SYS(munmap(p, (size_t)-PG));
}

static void t_madvise(void)
{
	char *p = anon(4 * PG, PROT_READ | PROT_WRITE);

	memset(p, 'D', 4 * PG);
	SYS(madvise(p + PG, 2 * PG, MADV_DONTNEED));
	say("after DONTNEED: %d %d %d %d", p[0], p[PG], p[2 * PG + 5], p[3 * PG]);
	SYS(madvise(p, 4 * PG, MADV_NORMAL));
	SYS(madvise(p, 4 * PG, MADV_RANDOM));
	SYS(madvise(p, 4 * PG, MADV_SEQUENTIAL));
	SYS(madvise(p, 4 * PG, MADV_WILLNEED));
	SYS(madvise(p, 0, MADV_DONTNEED));
	SYS(madvise(p + 1, PG, MADV_DONTNEED));
	SYS(madvise(p, PG, 999));
	SYS(madvise(p, PG, -1));
	SYS(munmap(p + 3 * PG, PG));
	SYS(madvise(p, 4 * PG, MADV_NORMAL));
	SYS(madvise(p + 3 * PG, PG, MADV_DONTNEED));
	say("still there: %d", p[0]);
	munmap(p, 3 * PG);
}

static long brk_(unsigned long a)
{
	return syscall(SYS_brk, a);
}

static void t_brk(void)
{
	unsigned long cur = brk_(0), r;
	volatile char *p = (char *)cur;
	int zeros = 0, i;

	r = brk_(cur + 64 * 1024);
	say("brk(+64K) = cur%+ld", (long)(r - cur));
	p[0] = 1;
	p[64 * 1024 - 1] = 2;
	say("read back %d %d", p[0], p[64 * 1024 - 1]);
	r = brk_(cur + 100000);
	say("brk(+100000) = cur%+ld", (long)(r - cur));
	p[99999] = 3;
	say("read back %d", p[99999]);
	r = brk_(cur + 8192);
	say("brk(+8192) = cur%+ld", (long)(r - cur));
	probe("below the break", (char *)p + 8191, 0);
	probe("above the shrunk break", (char *)p + 12288, 0);
	/* grown again: fresh zero pages */
	r = brk_(cur + 100000);
	say("brk(+100000) = cur%+ld", (long)(r - cur));
	for (i = 8192 + 4096; i < 100000; i++)
		zeros += p[i] == 0;
	say("zero bytes %d of %d", zeros, 100000 - 8192 - 4096);
	r = brk_(1);
	say("brk(1) = cur%+ld", (long)(r - cur));
	r = brk_(0);
	say("brk(0) = cur%+ld", (long)(r - cur));
	r = brk_(cur + (1UL << 46));
	say("brk(+64T) = cur%+ld", (long)(r - cur));
	r = brk_(0xffff800000000000UL);
	say("brk(kernel) = cur%+ld", (long)(r - cur));
	r = brk_(cur);
	say("brk(cur) = cur%+ld", (long)(r - cur));
}

static void t_brk_child(void)
{
	unsigned long cur = brk_(0);
	volatile char *p = (char *)cur;

	brk_(cur + 3 * PG);
	p[2 * PG] = 1;
	brk_(cur);
	say("value %d", p[2 * PG]);   /* SIGSEGV */
}

static void t_file_map(void)
{
	char buf[5000], *p;
	int fd, bad = 0, zeros = 0, i;

	fd = SYS(open(data_path("pattern"), O_RDONLY));
	SYS(read(fd, buf, sizeof buf));
	p = (void *)SYSOK(mmap(NULL, 5000, PROT_READ, MAP_PRIVATE, fd, 0));
	for (i = 0; i < 5000; i++)
		bad += p[i] != buf[i];
	for (i = 5000; i < 8192; i++)
		zeros += p[i] == 0;
	say("mismatches %d, zeros after EOF %d", bad, zeros);
	probe("past EOF in the last page", p + 6000, 0);
	SYS(munmap(p, 5000));
	/* at an offset */
	p = (void *)SYSOK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, PG));
	TRUE(memcmp(p, buf + PG, 5000 - PG) == 0);
	SYS(munmap(p, PG));
	/* a private writable map does not write the file */
	p = (void *)SYSOK(mmap(NULL, 5000, PROT_READ | PROT_WRITE, MAP_PRIVATE,
			       fd, 0));
	p[0] = 'Z';
	SYS(pread(fd, buf, 1, 0));
	say("file still: %c, map: %c", buf[0], p[0]);
	SYS(madvise(p, PG, MADV_DONTNEED));
	say("after DONTNEED: %c", p[0]);
	SYS(munmap(p, 5000));
	SYSOK(mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
	SYSOK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 100));
	SYSOK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE, fd, 0));
	close(fd);
	fd = SYS(open(data_path("dir"), O_RDONLY));
	SYSOK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0));
	close(fd);
	fd = SYS(open(data_path("pattern"), O_PATH));
	SYSOK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0));
	close(fd);
	make_file("wo", "write only");
	fd = SYS(open("wo", O_WRONLY));
	SYSOK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0));
	SYSOK(mmap(NULL, PG, PROT_WRITE, MAP_SHARED, fd, 0));
	close(fd);
}

static void t_file_map_sigbus(void)
{
	volatile char *p, *q;
	int fd;

	fd = SYS(open(data_path("pattern"), O_RDONLY));
	p = (void *)SYSOK(mmap(NULL, 4 * PG, PROT_READ, MAP_PRIVATE, fd, 0));
	probe("page past EOF", (char *)p + 2 * PG, 0);
	probe("page past EOF", (char *)p + 3 * PG + 7, 0);
	/* a map that starts past EOF is made, and faults */
	q = (void *)SYSOK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 16 * PG));
	probe("map past EOF", (char *)q, 0);
	say("value %d", p[2 * PG]);   /* SIGBUS: the child dies */
}

static void t_shared_file(void)
{
	char buf[16], *p;
	int fd;

	fd = SYS(open("shared", O_RDWR | O_CREAT | O_TRUNC, 0644));
	SYS(pwrite(fd, "0123456789", 10, 0));
	p = (void *)SYSOK(mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED,
			       fd, 0));
	say("map sees: %.10s", p);
	p[0] = 'S';
	SYS(pread(fd, buf, 10, 0));
	show_bytes("read sees", buf, 10);
	SYS(pwrite(fd, "W", 1, 1));
	say("map sees: %.10s", p);
	/* a second shared map of the same page */
	char *q = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
	p[2] = 'T';
	say("second map sees: %.10s", q);
	SYS(munmap(p, PG));
	SYS(munmap(q, PG));
	close(fd);
	fd = SYS(open("shared", O_RDONLY));
	SYS(read(fd, buf, 16));
	show_bytes("after munmap", buf, 10);
	close(fd);
}

static void t_dev_zero_map(void)
{
	char *p;
	int fd;

	fd = SYS(open("/dev/zero", O_RDWR));
	p = (void *)SYSOK(mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE, fd, 0));
	if (p != MAP_FAILED) {
		say("zero: %d %d", p[0], p[2 * PG - 1]);
		p[5] = 7;
		say("written: %d", p[5]);
		munmap(p, 2 * PG);
	}
	close(fd);
	fd = SYS(open("/dev/null", O_RDWR));
	SYSOK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0));
	close(fd);
}

static int recurse(int n)
{
	volatile char pad[1024];

	pad[0] = (char)n;
	if (n == 0)
		return pad[0];
	return recurse(n - 1) + pad[0] - (char)n;
}

static void t_stack_growth(void)
{
	/* about 2 MiB of stack below the initial pages */
	say("recursion: %d", recurse(2000));
}

static const struct tcase cases[] = {
	{ t_anon_rw, "anon_rw" },
	{ t_anon_big, "anon_big" },
	{ t_mmap_args, "mmap_args" },
	{ t_mmap_fixed, "mmap_fixed" },
	{ t_mprotect_child, "mprotect_child" },
	{ t_mprotect_handler, "mprotect_handler" },
	{ t_mprotect_args, "mprotect_args" },
	{ t_munmap_child, "munmap_child" },
	{ t_munmap, "munmap" },
	{ t_madvise, "madvise" },
	{ t_brk, "brk" },
	{ t_brk_child, "brk_child" },
	{ t_file_map, "file_map" },
	{ t_file_map_sigbus, "file_map_sigbus" },
	{ t_shared_file, "shared_file" },
	{ t_dev_zero_map, "dev_zero_map" },
	{ t_stack_growth, "stack_growth" },
};

HARNESS_MAIN(cases)
