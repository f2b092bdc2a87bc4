/*
 * mremap, msync, mincore, mlock, and shared file mappings written back
 * to a host directory (TEST_VOL: a -v volume under umk).
 */
#include "harness.h"
#include <sys/mman.h>

#define PG 4096L

static const char *vol_path(const char *name)
{
	static char buf[4096];
	const char *v = getenv("TEST_VOL");

	snprintf(buf, sizeof buf, "%s/%s", v && *v ? v : ".", name);
	return buf;
}

static char *anon(long pages)
{
	return mmap(NULL, pages * PG, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static void t_mremap_grow(void)
{
	char *a = anon(2), *b, *c;

	strcpy(a, "first");
	strcpy(a + PG, "second");
	b = (char *)SYSOK(mremap(a, 2 * PG, 64 * PG, MREMAP_MAYMOVE));
	say("contents: %s %s", b, b + PG);
	b[63 * PG] = 7;
	say("new tail: %d %d", b[62 * PG], b[63 * PG]);
	c = (char *)SYSOK(mremap(b, 64 * PG, PG, 0));
	TRUE(c == b);
	say("after shrink: %s", c);
	/* the freed tail is gone */
	TRUE(mincore(b + PG, PG, (unsigned char[1]){ 0 }) == -1 && errno == ENOMEM);
	/* grow in place into free space right after it */
	char *d = (char *)SYSOK(mremap(c, PG, 4 * PG, 0));
	TRUE(d == c);
	d[3 * PG] = 1;
	SYS(munmap(d, 4 * PG));
}

static void t_mremap_args(void)
{
	char *a = anon(4);

	SYS(mremap(a + 1, PG, PG, 0));
	SYS(mremap(a, PG, 0, 0));
	SYS(mremap(a, PG, PG, 8));
	SYS(mremap(a, PG, PG, MREMAP_FIXED, a + 8 * PG));
	SYS(mremap(a, PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP));
	SYS(mremap(a, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, a));
	SYS(mremap(a, 8 * PG, 16 * PG, MREMAP_MAYMOVE));
	SYS(mremap(a, 0, PG, MREMAP_MAYMOVE));
	SYS(munmap(a + PG, PG));
	SYS(mremap(a, 3 * PG, 4 * PG, MREMAP_MAYMOVE));
	SYS(mremap((void *)0x10000, PG, PG, 0));
	/* no room to grow in place, and no move allowed */
	char *b = anon(2);
	SYS(munmap(b + PG, PG));
	char *c = mmap(b + PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
		       MAP_FIXED, -1, 0);
	TRUE(c == b + PG);
	SYS(mremap(b, PG, 2 * PG, 0));
}

static void t_mremap_fixed(void)
{
	char *a = anon(2), *t = anon(8);

	strcpy(a, "moved");
	char *n = (char *)SYSOK(mremap(a, 2 * PG, 2 * PG,
				       MREMAP_MAYMOVE | MREMAP_FIXED, t + 4 * PG));
	TRUE(n == t + 4 * PG);
	say("at target: %s", n);
	TRUE(mincore(a, PG, (unsigned char[1]){ 0 }) == -1 && errno == ENOMEM);
	/* the rest of the target mapping is still there */
	t[0] = 1;
	say("target head: %d", t[0]);
}

static void t_mremap_dontunmap(void)
{
	char *a = anon(1);
	long r;

	a[0] = 'x';
	/* glibc's wrapper passes junk as the address: use the raw call */
	r = RAWOK(SYS_mremap, a, PG, PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0);
	if (r > 0) {
		say("new: %c, old now: %d", ((char *)r)[0], a[0]);
		a[0] = 'y';
		say("old written: %c, new still: %c", a[0], ((char *)r)[0]);
	}
	RAW(SYS_mremap, a, PG, PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 1);
}

static void t_mremap_file(void)
{
	int fd = SYS(open("mrf", O_RDWR | O_CREAT | O_TRUNC, 0644));
	char *p, *q;

	SYS(ftruncate(fd, 4 * PG));
	SYS(pwrite(fd, "page0", 5, 0));
	SYS(pwrite(fd, "page3", 5, 3 * PG));
	p = (char *)SYSOK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0));
	q = (char *)SYSOK(mremap(p, PG, 4 * PG, MREMAP_MAYMOVE));
	say("grown file map: %.5s %.5s", q, q + 3 * PG);
	/* a second mapping of a shared mapping (old_size 0) */
	char *s = (char *)SYSOK(mmap(NULL, PG, PROT_READ | PROT_WRITE,
				     MAP_SHARED, fd, 0));
	char *s2 = (char *)SYSOK(mremap(s, 0, PG, MREMAP_MAYMOVE));
	s[0] = 'P';
	say("duplicate sees: %.5s", s2);
	SYS(mremap(q, 0, PG, MREMAP_MAYMOVE));
	close(fd);
}

static void t_msync_args(void)
{
	char *a = anon(2);

	SYS(msync(a, PG, MS_SYNC));
	SYS(msync(a, PG, MS_ASYNC));
	SYS(msync(a + 1, PG, MS_SYNC));
	SYS(msync(a, PG, MS_SYNC | MS_ASYNC));
	SYS(msync(a, PG, 8));
	SYS(msync(a, 0, MS_SYNC));
	SYS(munmap(a + PG, PG));
	SYS(msync(a, 2 * PG, MS_SYNC));
	SYS(msync((void *)0x10000, PG, MS_SYNC));
}

/* A shared writable mapping of a file in dir: write, read, write back. */
static void shared_file(const char *path)
{
	char buf[32] = { 0 }, *p, *q;
	int fd = SYS(open(path, O_RDWR | O_CREAT | O_TRUNC, 0644)), st;

	SYS(ftruncate(fd, 3 * PG));
	p = (char *)SYSOK(mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE,
			       MAP_SHARED, fd, 0));
	strcpy(p, "through the map");
	strcpy(p + 2 * PG + 100, "third page");
	SYS(pread(fd, buf, 15, 0));
	say("read sees: %.15s", buf);
	SYS(msync(p, 3 * PG, MS_SYNC));
	SYS(pread(fd, buf, 10, 2 * PG + 100));
	say("read sees: %.10s", buf);
	SYS(pwrite(fd, "WRITE", 5, 0));
	say("map sees: %.15s", p);
	/* a child writes through its copy of the shared mapping */
	if (fork() == 0) {
		strcpy(p + PG, "from the child");
		_exit(0);
	}
	wait(&st);
	SYS(pread(fd, buf, 14, PG));
	say("read sees child's: %.14s", buf);
	/* a second, read-only mapping sees the first one's writes */
	q = (char *)SYSOK(mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0));
	p[1] = 'R';
	say("second map: %.15s", q);
	SYS(munmap(q, PG));
	p[14] = 'P';
	SYS(munmap(p, 3 * PG));
	close(fd);
	fd = SYS(open(path, O_RDONLY));
	SYS(read(fd, buf, 15));
	say("after munmap: %.15s", buf);
	struct stat sb;
	SYS(fstat(fd, &sb));
	say("size: %lld", (long long)sb.st_size);
	close(fd);
	/* written by a map, then the process exits: no msync, no munmap */
	fd = SYS(open(path, O_RDWR));
	if (fork() == 0) {
		char *m = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED,
			       fd, 0);
		memcpy(m, "EXIT", 4);
		_exit(0);
	}
	wait(&st);
	SYS(pread(fd, buf, 15, 0));
	say("after exit: %.15s", buf);
	close(fd);
	SYS(unlink(path));
}

static void t_shared_vol(void)
{
	shared_file(vol_path("shared-vol"));
}

static void t_shared_tmp(void)
{
	shared_file("shared-tmp");
}

static void t_mincore(void)
{
	unsigned char vec[4] = { 9, 9, 9, 9 };
	char *a = anon(4);

	a[0] = 1;
	a[2 * PG] = 1;
	SYS(mincore(a, 4 * PG, vec));
	say("resident: %d ? %d ?", vec[0] & 1, vec[2] & 1);
	SYS(mincore(a + 1, PG, vec));
	SYS(mincore(a, 4 * PG, (void *)1));
	SYS(munmap(a + PG, PG));
	SYS(mincore(a, 4 * PG, vec));
	SYS(mincore(a, 0, vec));
}

static void t_mlock(void)
{
	char *a = anon(2);

	SYS(mlock(a, 2 * PG));
	SYS(munlock(a, 2 * PG));
	SYS(mlock(a + 1, PG));
	SYS(munmap(a + PG, PG));
	SYS(mlock(a, 2 * PG));
	SYS(munlock(a, 2 * PG));
	SYS(mlockall(MCL_CURRENT | MCL_FUTURE));
	SYS(munlockall());
	SYS(mlockall(0));
	SYS(mlockall(MCL_ONFAULT));
	SYS(mlockall(16));
	SYS(syscall(SYS_mlock2, a, PG, 0));
	SYS(syscall(SYS_mlock2, a, PG, 2));
}

static const struct tcase cases[] = {
	{ t_mremap_grow, "mremap_grow" },
	{ t_mremap_args, "mremap_args" },
	{ t_mremap_fixed, "mremap_fixed" },
	{ t_mremap_dontunmap, "mremap_dontunmap" },
	{ t_mremap_file, "mremap_file" },
	{ t_msync_args, "msync_args" },
	{ t_shared_vol, "shared_vol" },
	{ t_shared_tmp, "shared_tmp" },
	{ t_mincore, "mincore" },
	{ t_mlock, "mlock" },
};

HARNESS_MAIN(cases)
