/*
 * Directories: getdents64 (names printed sorted, with their types),
 * getcwd, chdir, fchdir.  Paths are printed relative to TEST_DATA, whose
 * absolute name differs between the two worlds.
 */
#include "harness.h"

struct kdirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static char cwd0[4096];     /* getcwd() in TEST_DATA */

static const char *dtype(int t)
{
	switch (t) {
	case 4: return "dir";
	case 8: return "reg";
	case 10: return "lnk";
	case 2: return "chr";
	case 0: return "unknown";
	}
	return "other";
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Reads a directory to its end with getdents64 and a buffer of bufsz
 * bytes; prints the entries sorted, or the error.  prefix: only names
 * that start with it (NULL: all).
 */
static void list(int fd, size_t bufsz, const char *prefix)
{
	static char buf[65536];
	char *names[256];
	int n = 0, calls = 0, badrec = 0, i;
	long r;

	do {
		r = syscall(SYS_getdents64, fd, buf, bufsz);
		if (r < 0) {
			say("getdents64 = -1 %s", errname(errno));
			break;
		}
		calls++;
		for (long off = 0; off < r;) {
			struct kdirent64 *d = (void *)(buf + off);
			char *s;

			if (d->d_reclen % 8 || d->d_reclen < 24)
				badrec++;
			off += d->d_reclen;
			if (prefix && strncmp(d->d_name, prefix, strlen(prefix)))
				continue;
			if (n < 256 && asprintf(&s, "%s %s%s", d->d_name,
						 dtype(d->d_type),
						 d->d_ino ? "" : " ino0") > 0)
				names[n++] = s;
		}
	} while (r > 0 && calls < 1000);
	qsort(names, n, sizeof names[0], cmpstr);
	for (i = 0; i < n; i++) {
		say("  %s", names[i]);
		free(names[i]);
	}
	say("entries %d, bad records %d, more than one call: %s", n, badrec,
	    calls > 2 ? "yes" : "no");
}

static void t_list_data(void)
{
	int fd;

	fd = SYS(open(test_data(), O_RDONLY | O_DIRECTORY));
	list(fd, 4096, NULL);
	/* at the end, it stays at the end */
	SYS(syscall(SYS_getdents64, fd, (char[4096]){ 0 }, 4096));
	/* rewinding starts over */
	SYS(lseek(fd, 0, SEEK_SET));
	list(fd, 4096, NULL);
	close(fd);
	fd = SYS(open(data_path("dir/sub"), O_RDONLY | O_DIRECTORY));
	list(fd, 4096, NULL);
	close(fd);
}

static void t_list_small(void)
{
	char buf[64];
	int fd;

	fd = SYS(open(data_path("dir"), O_RDONLY | O_DIRECTORY));
	/* room for one entry at a time */
	list(fd, 32, NULL);
	SYS(lseek(fd, 0, SEEK_SET));
	SYS(syscall(SYS_getdents64, fd, buf, 10));
	SYS(syscall(SYS_getdents64, fd, buf, 0));
	SYS(syscall(SYS_getdents64, fd, buf, 24));
	close(fd);
}

static void t_list_scratch(void)
{
	int fd;

	make_file("g_a", "1");
	make_file("g_b", "22");
	make_file("g_c", "");
	fd = SYS(open(".", O_RDONLY | O_DIRECTORY));
	list(fd, 4096, "g_");
	close(fd);
	/* a file created after the listing started shows up after a rewind */
	fd = SYS(open(".", O_RDONLY | O_DIRECTORY));
	list(fd, 4096, "g_");
	make_file("g_d", "");
	SYS(lseek(fd, 0, SEEK_SET));
	list(fd, 4096, "g_");
	close(fd);
}

static void t_getdents_bad(void)
{
	char buf[4096];
	int fd;

	fd = SYS(open(data_path("hello.txt"), O_RDONLY));
	SYS(syscall(SYS_getdents64, fd, buf, sizeof buf));
	close(fd);
	SYS(syscall(SYS_getdents64, fd, buf, sizeof buf));
	SYS(syscall(SYS_getdents64, -1, buf, sizeof buf));
	fd = SYS(open(data_path("dir"), O_PATH | O_DIRECTORY));
	SYS(syscall(SYS_getdents64, fd, buf, sizeof buf));
	close(fd);
	fd = SYS(open("/dev/null", O_RDONLY));
	SYS(syscall(SYS_getdents64, fd, buf, sizeof buf));
	close(fd);
}

/* Prints the cwd relative to cwd0 (TEST_DATA). */
static void pwd(void)
{
	char buf[4096];
	long r;
	size_t n = strlen(cwd0);

	r = syscall(SYS_getcwd, buf, sizeof buf);
	if (r < 0) {
		say("getcwd = -1 %s", errname(errno));
		return;
	}
	if (r != (long)strlen(buf) + 1)
		say("getcwd returned %ld for a %zu-byte name", r, strlen(buf));
	if (!strncmp(buf, cwd0, n) && (buf[n] == '/' || buf[n] == 0))
		say("cwd: DATA%s", buf + n);
	else if (cwd0[0] && !strncmp(cwd0, buf, strlen(buf)))
		say("cwd: an ancestor of DATA");
	else
		say("cwd: %s", buf);
}

static int setup_cwd0(void)
{
	if (chdir(test_data()) < 0 || !getcwd(cwd0, sizeof cwd0)) {
		say("cannot get into TEST_DATA: %s", errname(errno));
		return -1;
	}
	return 0;
}

static void t_chdir(void)
{
	char buf[16];
	ssize_t n;
	int fd;

	if (setup_cwd0() < 0)
		return;
	pwd();
	SYS(chdir("dir"));
	pwd();
	fd = SYS(open("a", O_RDONLY));
	n = SYS(read(fd, buf, sizeof buf));
	show_bytes("a", buf, n);
	close(fd);
	SYS(chdir("sub"));
	pwd();
	SYS(chdir("../.."));
	pwd();
	SYS(chdir("dirlink"));
	pwd();
	SYS(chdir("./sub/../sub/."));
	pwd();
	SYS(chdir(""));
	SYS(chdir("missing"));
	SYS(chdir("c"));
	SYS(chdir("c/"));
	SYS(chdir("../../loop1"));
	SYS(chdir("../../link"));
	SYS(chdir("../../dangling"));
	pwd();
	SYS(chdir("/"));
	pwd();
	SYS(chdir(".."));
	pwd();
	SYS(chdir("/../../."));
	pwd();
}

static void t_fchdir(void)
{
	int here, d, f;

	if (setup_cwd0() < 0)
		return;
	here = SYS(open(".", O_RDONLY | O_DIRECTORY));
	d = SYS(open("dir/sub", O_RDONLY | O_DIRECTORY));
	SYS(fchdir(d));
	pwd();
	SYS(fchdir(here));
	pwd();
	close(d);
	d = SYS(open("dir", O_PATH | O_DIRECTORY));
	SYS(fchdir(d));
	pwd();
	close(d);
	SYS(fchdir(d));
	SYS(fchdir(-1));
	f = SYS(open("a", O_RDONLY));
	SYS(fchdir(f));
	pwd();
	close(f);
	f = SYS(open("/dev/null", O_RDONLY));
	SYS(fchdir(f));
	close(f);
	pwd();
}

/* raw getcwd with a buffer of strlen(cwd0) + extra bytes */
static void getcwd_rel(size_t extra)
{
	char buf[4096];
	size_t n = strlen(cwd0);
	long r;

	errno = 0;
	r = syscall(SYS_getcwd, buf, n + extra);
	if (r < 0)
		say("getcwd(len0+%zu) = -1 %s", extra, errname(errno));
	else
		say("getcwd(len0+%zu) = len0+%ld", extra, r - (long)n);
}

static void t_getcwd(void)
{
	char buf[4096], *p;

	SYS(chdir("/"));
	SYS(syscall(SYS_getcwd, buf, sizeof buf));
	say("cwd %s", buf);
	SYS(syscall(SYS_getcwd, buf, 2));
	SYS(syscall(SYS_getcwd, buf, 1));
	SYS(syscall(SYS_getcwd, buf, 0));
	if (setup_cwd0() < 0)
		return;
	SYS(chdir("dir/sub"));
	/* "/dir/sub" and the NUL: len0 + 9 bytes */
	getcwd_rel(8);
	getcwd_rel(9);
	getcwd_rel(10);
	SYS(getcwd(buf, 0) ? 0 : -1);
	SYS(getcwd(buf, 1) ? 0 : -1);
	p = getcwd(NULL, 0);
	TRUE(p && !strncmp(p, cwd0, strlen(cwd0)) &&
	     !strcmp(p + strlen(cwd0), "/dir/sub"));
	free(p);
}

static const struct tcase cases[] = {
	{ t_list_data, "list_data" },
	{ t_list_small, "list_small" },
	{ t_list_scratch, "list_scratch" },
	{ t_getdents_bad, "getdents_bad" },
	{ t_chdir, "chdir" },
	{ t_fchdir, "fchdir" },
	{ t_getcwd, "getcwd" },
};

HARNESS_MAIN(cases)
