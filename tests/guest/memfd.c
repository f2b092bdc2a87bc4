/*
 * memfd_create and file seals: flags and names, what a memfd looks
 * like (mode, links, flags, the /proc name), F_ADD_SEALS/F_GET_SEALS,
 * and each seal enforced on write, truncate, fallocate, mmap and
 * mprotect.  Plus the seals of ordinary tmpfs files (/dev/shm) and of
 * other files (none).
 */
#include "harness.h"

#include <sys/mman.h>

#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#define MFD_EXEC 0x0010U
#endif
#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x0020
#endif

static int mfd(const char *name, unsigned flags)
{
	return (int)syscall(SYS_memfd_create, name, flags);
}

static void t_create(void)
{
	char name[300];
	int fd;

	fd = SYS(mfd("a", 0));
	SYS(fcntl(fd, F_GETFD));
	SYS(fcntl(fd, F_GETFL));
	fd = SYS(mfd("b", MFD_CLOEXEC | MFD_ALLOW_SEALING));
	SYS(fcntl(fd, F_GETFD));
	SYS(mfd("", 0) >= 0);
	SYS(mfd("a/b c", 0) >= 0);
	SYS(mfd("c", 0x20));
	SYS(mfd("c", 0x100));
	SYS(mfd("c", -1));
	SYS(mfd("c", MFD_EXEC | MFD_NOEXEC_SEAL));
	SYS(mfd(NULL, 0));
	SYS(mfd(BADPTR_KERNEL, 0));
	/* flags are checked before the name */
	SYS(mfd(NULL, 0x20));
	/* 249 bytes is the longest name */
	memset(name, 'n', sizeof name);
	name[249] = 0;
	SYS_L("249 bytes", mfd(name, 0) >= 0);
	name[249] = 'n';
	name[250] = 0;
	SYS_L("250 bytes", mfd(name, 0));
	name[299] = 0;
	SYS_L("299 bytes", mfd(name, 0));
}

static void t_file(void)
{
	int fd = mfd("look", 0);
	char buf[64], link[64];
	struct stat st;
	ssize_t n;

	SYS(fstat(fd, &st));
	say("mode 0%o nlink %ld size %ld", st.st_mode, (long)st.st_nlink,
	    (long)st.st_size);
	TRUE(st.st_uid == geteuid());
	SYS(write(fd, "hello memfd", 11));
	SYS(lseek(fd, 0, SEEK_SET));
	n = read(fd, buf, sizeof buf);
	show_bytes("read", buf, n);
	SYS(pread(fd, buf, 5, 6));
	SYS(ftruncate(fd, 4));
	SYS(fstat(fd, &st));
	say("size %ld", (long)st.st_size);
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	n = readlink(link, buf, sizeof buf - 1);
	buf[n < 0 ? 0 : n] = 0;
	say("link %s", buf);
	/* a shared mapping shows the same name in /proc/self/maps */
	{
		char *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
		char line[256];
		FILE *maps = fopen("/proc/self/maps", "r");

		while (maps && fgets(line, sizeof line, maps))
			if (strstr(line, "memfd:"))
				say("maps: %s", strchr(line, '/'));
		if (maps)
			fclose(maps);
		munmap(p, 4096);
	}
	/* MFD_NOEXEC_SEAL: not executable, and sealed against it */
	fd = mfd("noexec", MFD_NOEXEC_SEAL);
	SYS(fstat(fd, &st));
	say("mode 0%o", st.st_mode);
	SYS(fcntl(fd, F_GET_SEALS));
}

static void t_mmap(void)
{
	int fd = mfd("map", 0);
	char *p, *q;

	SYS(ftruncate(fd, 8192));
	p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	q = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
	TRUE(p != MAP_FAILED && q != MAP_FAILED);
	memcpy(p + 4096, "shared", 6);
	say("q sees %.6s", q + 4096);
	SYS(pwrite(fd, "pwrite", 6, 10));
	say("p sees %.6s", p + 10);
}

static void t_seals_basic(void)
{
	int fd = mfd("s", MFD_ALLOW_SEALING), ro, plain = mfd("p", 0);
	char link[64];

	SYS(fcntl(fd, F_GET_SEALS));
	SYS(fcntl(plain, F_GET_SEALS));
	SYS(fcntl(plain, F_ADD_SEALS, F_SEAL_GROW));
	SYS(fcntl(plain, F_ADD_SEALS, 0));
	SYS(fcntl(fd, F_ADD_SEALS, 0));
	SYS(fcntl(fd, F_ADD_SEALS, 0x40));
	SYS(fcntl(fd, F_ADD_SEALS, -1));
	SYS(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK));
	SYS(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK));
	SYS(fcntl(fd, F_GET_SEALS));
	SYS(fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL));
	SYS(fcntl(fd, F_GET_SEALS));
	SYS(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW));
	SYS(fcntl(fd, F_ADD_SEALS, 0));
	/* an unknown seal is EINVAL even when sealed */
	SYS(fcntl(fd, F_ADD_SEALS, 0x40));
	/* a read-only descriptor may look, not seal */
	fd = mfd("r", MFD_ALLOW_SEALING);
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	ro = SYS(open(link, O_RDONLY));
	SYS(fcntl(ro, F_GET_SEALS));
	SYS(fcntl(ro, F_ADD_SEALS, F_SEAL_GROW));
	SYS(fcntl(ro, F_ADD_SEALS, 0x40));
	SYS(fcntl(fd, F_ADD_SEALS, F_SEAL_EXEC));
	SYS(fcntl(fd, F_GET_SEALS));
}

static void t_seals_other_files(void)
{
	char shm[64];
	int fd, p[2];

	snprintf(shm, sizeof shm, "/dev/shm/umk-memfd-%d", (int)getpid());
	fd = open(shm, O_RDWR | O_CREAT | O_EXCL, 0600);
	unlink(shm);
	/* a tmpfs file: sealed against seals */
	SYS(fcntl(fd, F_GET_SEALS));
	SYS(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW));
	/* not tmpfs: no seals at all */
	pipe(p);
	SYS(fcntl(p[0], F_GET_SEALS));
	SYS(fcntl(p[1], F_ADD_SEALS, F_SEAL_GROW));
	fd = open(data_path("hello.txt"), O_RDONLY);
	SYS(fcntl(fd, F_GET_SEALS));
	SYS(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW));
	fd = open(".", O_RDONLY);
	SYS(fcntl(fd, F_GET_SEALS));
	fd = open(".", O_PATH);
	SYS(fcntl(fd, F_GET_SEALS));
}

static void t_seal_grow_shrink(void)
{
	int fd = mfd("gs", MFD_ALLOW_SEALING);
	struct stat st;
	char buf[32];
	ssize_t n;

	SYS(write(fd, "hello world", 11));
	SYS(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW));
	SYS(pwrite(fd, "abc", 3, 9));
	SYS(pwrite(fd, "ab", 2, 9));
	SYS(write(fd, "x", 1));
	SYS(ftruncate(fd, 12));
	SYS(ftruncate(fd, 11));
	SYS(ftruncate(fd, 10));
	SYS(fallocate(fd, 0, 0, 100));
	SYS(fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 100));
	SYS(fallocate(fd, 0, 0, 5));
	SYS(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK));
	SYS(ftruncate(fd, 9));
	SYS(ftruncate(fd, 10));
	SYS(fstat(fd, &st));
	say("size %ld", (long)st.st_size);
	n = pread(fd, buf, sizeof buf, 0);
	show_bytes("data", buf, n);
	/* a write that starts below the size and ends past it: with whole
	   pages below the size, those go through */
	fd = mfd("gs2", MFD_ALLOW_SEALING);
	SYS(ftruncate(fd, 5000));
	SYS(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW));
	{
		static char big[8192];

		SYS(pwrite(fd, big, 6000, 0));
		SYS(pwrite(fd, big, 1000, 4000));
		SYS(pwrite(fd, big, 1000, 4500));
		SYS(pwrite(fd, big, 0, 9000));
	}
	/* O_APPEND writes always grow */
	fd = mfd("gs3", MFD_ALLOW_SEALING);
	SYS(write(fd, "abc", 3));
	SYS(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW));
	SYS(fcntl(fd, F_SETFL, O_APPEND));
	SYS(write(fd, "d", 1));
}

static void t_seal_write(void)
{
	int fd = mfd("w", MFD_ALLOW_SEALING);
	char *p, *q;

	SYS(ftruncate(fd, 4096));
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	/* a writable shared mapping: busy */
	SYS(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
	munmap(p, 4096);
	/* so is a read-only one that could become writable */
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	SYS(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
	munmap(p, 4096);
	/* private mappings do not count */
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	SYS(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
	SYS(fcntl(fd, F_GET_SEALS));
	SYS(write(fd, "x", 1));
	SYS(pwrite(fd, "x", 1, 0));
	SYS(write(fd, "", 0));
	SYS(ftruncate(fd, 100));
	SYS(ftruncate(fd, 8192));
	SYS(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 10));
	SYS((q = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) == MAP_FAILED ? -1 : 0);
	SYS((q = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0)) == MAP_FAILED ? -1 : 0);
	SYS(mprotect(q, 4096, PROT_READ | PROT_WRITE));
	SYS(mprotect(q, 4096, PROT_READ | PROT_EXEC));
	/* the private copy is still writable */
	p[0] = 'p';
	say("private %c", p[0]);
	SYS((q = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0)) == MAP_FAILED ? -1 : 0);
	SYS(mprotect(q, 4096, PROT_READ));
	SYS(mprotect(q, 4096, PROT_READ | PROT_WRITE));
}

static void t_seal_future_write(void)
{
	int fd = mfd("fw", MFD_ALLOW_SEALING);
	char *p, *q, buf[8] = { 0 };

	SYS(ftruncate(fd, 4096));
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	/* existing writable mappings stay writable */
	SYS(fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE));
	memcpy(p, "still", 5);
	SYS(pread(fd, buf, 5, 0));
	say("read %s", buf);
	SYS(write(fd, "x", 1));
	SYS(pwrite(fd, "x", 1, 0));
	SYS((q = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) == MAP_FAILED ? -1 : 0);
	SYS((q = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0)) == MAP_FAILED ? -1 : 0);
	SYS(mprotect(q, 4096, PROT_READ | PROT_WRITE));
	SYS(ftruncate(fd, 100));
	/* and F_SEAL_WRITE now: the old mapping is busy */
	SYS(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
	munmap(p, 4096);
	munmap(q, 4096);
	SYS(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
	SYS(fcntl(fd, F_GET_SEALS));
}

static void t_seal_exec(void)
{
	int fd = mfd("ex", MFD_ALLOW_SEALING);

	/* on an executable memfd, F_SEAL_EXEC brings the write seals */
	SYS(fcntl(fd, F_ADD_SEALS, F_SEAL_EXEC));
	SYS(fcntl(fd, F_GET_SEALS));
	SYS(write(fd, "x", 1));
	fd = mfd("nx", MFD_NOEXEC_SEAL);
	SYS(fcntl(fd, F_ADD_SEALS, F_SEAL_EXEC));
	SYS(fcntl(fd, F_GET_SEALS));
	SYS(write(fd, "x", 1));
}

static void t_fork(void)
{
	int fd = mfd("fk", MFD_ALLOW_SEALING);
	pid_t pid;
	char buf[8] = { 0 };

	SYS(write(fd, "parent", 6));
	pid = fork();
	if (pid == 0) {
		pwrite(fd, "child", 5, 0);
		fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE);
		exit(0);
	}
	waitpid(pid, NULL, 0);
	SYS(pread(fd, buf, 6, 0));
	say("read %s", buf);
	SYS(fcntl(fd, F_GET_SEALS));
	SYS(write(fd, "x", 1));
}

static const struct tcase cases[] = {
	{ t_create, "create" },
	{ t_file, "file" },
	{ t_mmap, "mmap" },
	{ t_seals_basic, "seals_basic" },
	{ t_seals_other_files, "seals_other_files" },
	{ t_seal_grow_shrink, "seal_grow_shrink" },
	{ t_seal_write, "seal_write" },
	{ t_seal_future_write, "seal_future_write" },
	{ t_seal_exec, "seal_exec" },
	{ t_fork, "fork" },
};

HARNESS_MAIN(cases)
