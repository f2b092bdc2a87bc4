/*
 * Extended attributes: the set/get/list/remove calls in their path,
 * symlink (l) and descriptor (f) forms, on tmpfs.  The files live in
 * /dev/shm, tmpfs natively as under umk, so the host's tmpfs is the
 * oracle (a scratch directory on ext4 or overlayfs would answer
 * differently).  Each case removes its files natively; under umk the
 * tmpfs goes away with the guest.  Some answers depend on privilege
 * (trusted.*, security.*): they are the same in both worlds for the
 * same user.
 */
#include "harness.h"

#include <grp.h>
#include <sys/xattr.h>

#define SHM "/dev/shm"

static char paths[8][256];
static int npaths;

/* A new empty file in /dev/shm, removed at the end of the case. */
static const char *shm_file(const char *tag, mode_t mode)
{
	char *p = paths[npaths++ % 8];
	int fd;

	snprintf(p, 256, SHM "/umk-xattr-%d-%s", (int)getpid(), tag);
	fd = open(p, O_CREAT | O_EXCL | O_RDWR, mode);
	if (fd < 0)
		say("create %s: %s", tag, errname(errno));
	close(fd);
	return p;
}

static void cleanup(void)
{
	for (int i = 0; i < npaths && i < 8; i++)
		unlink(paths[i]);
}

/* Print a listxattr result, names sorted (the order is the fs's). */
static void show_list(const char *label, const char *buf, ssize_t n)
{
	const char *names[64];
	int count = 0;

	if (n < 0) {
		say("%s: %s", label, errname(errno));
		return;
	}
	for (const char *p = buf; p < buf + n && count < 64; p += strlen(p) + 1)
		names[count++] = p;
	for (int i = 0; i < count; i++)
		for (int j = i + 1; j < count; j++)
			if (strcmp(names[j], names[i]) < 0) {
				const char *t = names[i];

				names[i] = names[j];
				names[j] = t;
			}
	printf("%s: %zd bytes:", label, n);
	for (int i = 0; i < count; i++)
		printf(" %s", names[i]);
	printf("\n");
}

static void show_value(const char *label, const char *buf, ssize_t n)
{
	if (n < 0)
		say("%s: %s", label, errname(errno));
	else
		show_bytes(label, buf, n);
}

static void t_basic(void)
{
	const char *f = shm_file("basic", 0644);
	char buf[256];
	ssize_t n;

	SYS(setxattr(f, "user.a", "hello", 5, 0));
	SYS(getxattr(f, "user.a", NULL, 0));
	n = getxattr(f, "user.a", buf, sizeof buf);
	show_value("user.a", buf, n);
	SYS(getxattr(f, "user.a", buf, 4));
	SYS(getxattr(f, "user.a", buf, 5));
	SYS(setxattr(f, "user.a", "x", 1, XATTR_CREATE));
	SYS(setxattr(f, "user.b", "x", 1, XATTR_REPLACE));
	SYS(setxattr(f, "user.b", "x", 1, XATTR_CREATE | XATTR_REPLACE));
	SYS(setxattr(f, "user.a", "x", 1, XATTR_CREATE | XATTR_REPLACE));
	SYS(setxattr(f, "user.a", "x", 1, 4));
	SYS(setxattr(f, "user.a", "world!", 6, XATTR_REPLACE));
	n = getxattr(f, "user.a", buf, sizeof buf);
	show_value("user.a", buf, n);
	/* an empty value is a value */
	SYS(setxattr(f, "user.empty", "", 0, 0));
	SYS(setxattr(f, "user.null", NULL, 0, XATTR_CREATE));
	SYS(getxattr(f, "user.empty", buf, sizeof buf));
	SYS(getxattr(f, "user.null", NULL, 0));
	SYS(setxattr(f, "user.bin", "a\0b", 3, 0));
	n = getxattr(f, "user.bin", buf, sizeof buf);
	show_value("user.bin", buf, n);
	n = listxattr(f, buf, sizeof buf);
	show_list("list", buf, n);
	SYS(listxattr(f, NULL, 0));
	SYS(listxattr(f, buf, 10));
	SYS(removexattr(f, "user.a"));
	SYS(removexattr(f, "user.a"));
	SYS(getxattr(f, "user.a", buf, sizeof buf));
	SYS(getxattr(f, "user.missing", NULL, 0));
	n = listxattr(f, buf, sizeof buf);
	show_list("list", buf, n);
	cleanup();
}

static void t_names(void)
{
	const char *f = shm_file("names", 0644);
	char name[300], buf[64];

	SYS(setxattr(f, "", "1", 1, 0));
	SYS(getxattr(f, "", buf, sizeof buf));
	SYS(removexattr(f, ""));
	SYS(setxattr(f, "user.", "1", 1, 0));
	SYS(getxattr(f, "user.", buf, sizeof buf));
	SYS(removexattr(f, "user."));
	SYS(setxattr(f, "user", "1", 1, 0));
	SYS(setxattr(f, "foo.bar", "1", 1, 0));
	SYS(getxattr(f, "foo.bar", buf, sizeof buf));
	SYS(removexattr(f, "foo.bar"));
	SYS(setxattr(f, "USER.x", "1", 1, 0));
	SYS(setxattr(f, "system.foo", "1", 1, 0));
	SYS(getxattr(f, "system.foo", buf, sizeof buf));
	SYS(getxattr(f, "system.posix_acl_access", buf, sizeof buf));
	SYS(getxattr(f, "system.posix_acl_default", buf, sizeof buf));
	SYS(setxattr(f, "user.with/slash and space", "1", 1, 0));
	SYS(getxattr(f, "user.with/slash and space", buf, sizeof buf));
	/* 255 bytes is the longest name */
	memset(name, 'n', sizeof name);
	memcpy(name, "user.", 5);
	name[255] = 0;
	SYS_L("set 255", setxattr(f, name, "1", 1, 0));
	SYS_L("get 255", getxattr(f, name, buf, sizeof buf));
	name[255] = 'n';
	name[256] = 0;
	SYS_L("set 256", setxattr(f, name, "1", 1, 0));
	SYS_L("get 256", getxattr(f, name, buf, sizeof buf));
	SYS_L("remove 256", removexattr(f, name));
	name[299] = 0;
	SYS_L("set 299", setxattr(f, name, "1", 1, 0));
	/* the name is checked before the path */
	SYS(setxattr("/nonexistent", "", "1", 1, 0));
	SYS(setxattr("/nonexistent", "user.x", "1", 1, 0));
	SYS(getxattr("/nonexistent", "", buf, 1));
	SYS(setxattr(f, NULL, "1", 1, 0));
	SYS(setxattr(f, BADPTR_KERNEL, "1", 1, 0));
	SYS(getxattr(f, BADPTR_ONE, buf, 1));
	SYS(removexattr(f, NULL));
	cleanup();
}

static void t_values(void)
{
	const char *f = shm_file("values", 0644);
	static char big[70000];
	char buf[16];
	ssize_t n;

	memset(big, 'v', sizeof big);
	SYS(setxattr(f, "user.max", big, 65536, 0));
	SYS(setxattr(f, "user.big", big, 65537, 0));
	SYS(setxattr(f, "user.big", big, (size_t)-1, 0));
	SYS(getxattr(f, "user.max", NULL, 0));
	SYS(getxattr(f, "user.max", big, sizeof big));
	SYS(getxattr(f, "user.max", big, 65535));
	SYS(setxattr(f, "user.small", "abc", 3, 0));
	SYS(getxattr(f, "user.small", big, (size_t)-1));
	/* bad buffers */
	SYS(setxattr(f, "user.x", NULL, 1, 0));
	SYS(setxattr(f, "user.x", BADPTR_KERNEL, 10, 0));
	SYS(getxattr(f, "user.small", NULL, 3));
	SYS(getxattr(f, "user.small", BADPTR_KERNEL, 3));
	SYS(getxattr(f, "user.missing", NULL, 3));
	SYS(listxattr(f, NULL, 100));
	SYS(listxattr(f, BADPTR_KERNEL, 100));
	/* E2BIG comes before the path; EINVAL for flags before that */
	SYS(setxattr("/nonexistent", "user.x", big, 65537, 0));
	SYS(setxattr("/nonexistent", "user.x", big, 65537, 8));
	SYS(setxattr("/nonexistent", "user.x", NULL, 1, 0));
	n = getxattr(f, "user.small", buf, sizeof buf);
	show_value("user.small", buf, n);
	cleanup();
}

static void t_list_big(void)
{
	const char *f = shm_file("listbig", 0644);
	static char buf[70000];
	char name[256];
	int i, ok = 0;

	/* 300 names of 255 bytes: a list longer than 64 KiB */
	memset(name, 'x', sizeof name);
	memcpy(name, "user.", 5);
	name[255] = 0;
	for (i = 0; i < 300; i++) {
		name[5] = 'a' + i % 26;
		name[6] = 'a' + i / 26;
		if (setxattr(f, name, "", 0, 0) == 0)
			ok++;
	}
	say("set %d", ok);
	SYS(listxattr(f, NULL, 0));
	SYS(listxattr(f, buf, sizeof buf));
	SYS(listxattr(f, buf, 65536));
	SYS(listxattr(f, buf, 1000));
	cleanup();
}

/*
 * Under umk the guest runs as root whoever runs umk, so the answers of
 * a privileged caller are printed only as "as expected" (root gets rc
 * 0, or root_errno; others get user_errno), and the rest of a case runs
 * as nobody in both worlds.
 */
static void expect(const char *label, long rc, int err, int root_errno,
		   int user_errno)
{
	int want = geteuid() == 0 ? root_errno : user_errno;

	if ((want == 0 && rc >= 0) || (want && rc < 0 && err == want))
		say("%s: as expected", label);
	else
		say("%s: unexpected for euid %d: %ld %s", label, (int)geteuid(),
		    rc, rc < 0 ? errname(err) : "");
}

#define EXPECT(expr, root_errno, user_errno)                              \
	do {                                                              \
		long r_;                                                  \
		errno = 0;                                                \
		r_ = (long)(expr);                                        \
		expect(#expr, r_, errno, root_errno, user_errno);         \
	} while (0)

/* Become nobody (a no-op for nobody). */
static void drop_to_nobody(void)
{
	setgroups(0, NULL);
	if (setgid(65534) < 0 || setuid(65534) < 0)
		say("drop_to_nobody: %s", errname(errno));
}

static void t_namespaces_priv(void)
{
	const char *f = shm_file("nsp", 0644);
	char buf[256];
	ssize_t n;
	/* vfs_cap_data, revision 2: magic, permitted and inheritable */
	unsigned caps[5] = { 0x02000001, 0, 0, 0, 0 };
	int has_trusted = 0;

	SYS(setxattr(f, "user.u", "1", 1, 0));
	EXPECT(setxattr(f, "trusted.t", "2", 1, 0), 0, EPERM);
	EXPECT(getxattr(f, "trusted.t", buf, sizeof buf), 0, ENODATA);
	SYS(getxattr(f, "trusted.missing", buf, sizeof buf));
	EXPECT(setxattr(f, "security.s", "3", 1, 0), 0, EPERM);
	EXPECT(getxattr(f, "security.s", buf, sizeof buf), 0, ENODATA);
	SYS(getxattr(f, "security.missing", buf, sizeof buf));
	SYS(setxattr(f, "security.capability", "1", 1, 0));
	EXPECT(setxattr(f, "security.capability", caps, sizeof caps, 0), 0, EPERM);
	/* trusted.* is listed for root only */
	n = listxattr(f, buf, sizeof buf);
	for (const char *p = buf; n > 0 && p < buf + n; p += strlen(p) + 1)
		if (!strncmp(p, "trusted.", 8))
			has_trusted = 1;
	TRUE_L("trusted.t listed iff root", has_trusted == (geteuid() == 0));
	EXPECT(removexattr(f, "trusted.t"), 0, EPERM);
	EXPECT(removexattr(f, "security.s"), 0, EPERM);
	EXPECT(removexattr(f, "security.capability"), 0, EPERM);
	SYS(removexattr(f, "system.x"));
	n = listxattr(f, buf, sizeof buf);
	show_list("list", buf, n);
	cleanup();
}

static void t_namespaces_user(void)
{
	const char *f;
	char buf[256];
	ssize_t n;
	unsigned caps[5] = { 0x02000001, 0, 0, 0, 0 };

	drop_to_nobody();
	f = shm_file("nsu", 0644);
	SYS(setxattr(f, "user.u", "1", 1, 0));
	SYS(setxattr(f, "trusted.t", "2", 1, 0));
	SYS(getxattr(f, "trusted.t", buf, sizeof buf));
	SYS(setxattr(f, "security.s", "3", 1, 0));
	SYS(getxattr(f, "security.s", buf, sizeof buf));
	SYS(setxattr(f, "security.capability", "1", 1, 0));
	SYS(setxattr(f, "security.capability", caps, sizeof caps, 0));
	SYS(removexattr(f, "trusted.t"));
	SYS(removexattr(f, "security.s"));
	SYS(removexattr(f, "user.nothing"));
	n = listxattr(f, buf, sizeof buf);
	show_list("list", buf, n);
	cleanup();
}

static void t_permissions(void)
{
	const char *f, *g;
	char buf[16];

	drop_to_nobody();
	f = shm_file("perm0", 0);
	g = shm_file("perm4", 0444);
	SYS(setxattr(f, "user.x", "1", 1, 0));
	SYS(getxattr(f, "user.x", buf, sizeof buf));
	SYS(getxattr(f, "user.y", buf, sizeof buf));
	SYS(listxattr(f, buf, sizeof buf));
	SYS(removexattr(f, "user.x"));
	SYS(setxattr(g, "user.x", "1", 1, 0));
	SYS(getxattr(g, "user.x", buf, sizeof buf));
	/* no permission check for the other namespaces' readers */
	SYS(getxattr(f, "security.x", buf, sizeof buf));
	SYS(getxattr(f, "foo.x", buf, sizeof buf));
	SYS(setxattr(f, "foo.x", "1", 1, 0));
	/* a sticky directory someone else owns: user.* is the owner's */
	SYS(getxattr(SHM, "user.nothing", buf, sizeof buf));
	SYS(setxattr(SHM, "user.x", "1", 1, 0));
	SYS(removexattr(SHM, "user.x"));
	cleanup();
}

static void t_fd_forms(void)
{
	const char *f = shm_file("fd", 0644);
	int rw = open(f, O_RDWR), ro = open(f, O_RDONLY), p = open(f, O_PATH);
	char buf[64];
	ssize_t n;

	SYS(fsetxattr(rw, "user.a", "1", 1, 0));
	/* a read-only descriptor may change attributes */
	SYS(fsetxattr(ro, "user.b", "2", 1, 0));
	SYS(fgetxattr(ro, "user.a", buf, sizeof buf));
	n = flistxattr(rw, buf, sizeof buf);
	show_list("flist", buf, n);
	SYS(fremovexattr(ro, "user.a"));
	SYS(fremovexattr(ro, "user.a"));
	SYS(fsetxattr(p, "user.a", "1", 1, 0));
	SYS(fgetxattr(p, "user.a", buf, sizeof buf));
	SYS(flistxattr(p, buf, sizeof buf));
	SYS(fremovexattr(p, "user.a"));
	SYS(fsetxattr(99, "user.a", "1", 1, 0));
	SYS(fgetxattr(-1, "user.a", buf, sizeof buf));
	SYS(flistxattr(99, buf, sizeof buf));
	SYS(fremovexattr(99, "user.a"));
	/* arguments before the descriptor */
	SYS(fsetxattr(99, "user.a", "1", 1, 8));
	SYS(fsetxattr(99, "", "1", 1, 0));
	SYS(fsetxattr(99, "user.a", "1", 65537, 0));
	SYS(fgetxattr(99, "", buf, sizeof buf));
	SYS(fremovexattr(99, ""));
	cleanup();
}

static void t_pipes(void)
{
	int p[2];
	char buf[64];

	pipe(p);
	EXPECT(fgetxattr(p[0], "trusted.a", buf, sizeof buf), EOPNOTSUPP, ENODATA);
	EXPECT(fsetxattr(p[0], "trusted.a", "1", 1, 0), EOPNOTSUPP, EPERM);
	EXPECT(fsetxattr(p[0], "security.a", "1", 1, 0), EOPNOTSUPP, EPERM);
	drop_to_nobody();
	pipe(p);
	SYS(fgetxattr(p[0], "user.a", buf, sizeof buf));
	SYS(fsetxattr(p[1], "user.a", "1", 1, 0));
	SYS(flistxattr(p[0], buf, sizeof buf));
	SYS(flistxattr(p[0], NULL, 0));
	SYS(fgetxattr(p[0], "trusted.a", buf, sizeof buf));
	SYS(fsetxattr(p[0], "trusted.a", "1", 1, 0));
	SYS(fgetxattr(p[0], "security.a", buf, sizeof buf));
	SYS(fremovexattr(p[0], "user.a"));
	SYS(fgetxattr(p[0], "foo.a", buf, sizeof buf));
	SYS(fgetxattr(p[0], "user.", buf, sizeof buf));
}

static void t_symlinks(void)
{
	char buf[64];

	/* a read-only tree: only reads */
	SYS(lgetxattr(data_path("link"), "user.x", buf, sizeof buf));
	SYS(lgetxattr(data_path("dangling"), "user.x", buf, sizeof buf));
	SYS(getxattr(data_path("dangling"), "user.x", buf, sizeof buf));
	SYS(llistxattr(data_path("dangling"), buf, sizeof buf));
	SYS(listxattr(data_path("dangling"), buf, sizeof buf));
	SYS(lgetxattr(data_path("missing"), "user.x", buf, sizeof buf));
	SYS(getxattr(data_path("loop1"), "user.x", buf, sizeof buf));
	SYS(getxattr(data_path("hello.txt/x"), "user.x", buf, sizeof buf));
	SYS(lremovexattr(data_path("missing"), "user.x"));
	SYS(lsetxattr(data_path("missing"), "user.x", "1", 1, 0));
}

static const struct tcase cases[] = {
	{ t_basic, "basic" },
	{ t_names, "names" },
	{ t_values, "values" },
	{ t_list_big, "list_big" },
	{ t_namespaces_priv, "namespaces_priv" },
	{ t_namespaces_user, "namespaces_user" },
	{ t_permissions, "permissions" },
	{ t_fd_forms, "fd_forms" },
	{ t_pipes, "pipes" },
	{ t_symlinks, "symlinks" },
};

HARNESS_MAIN(cases)
