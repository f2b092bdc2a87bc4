/*
 * The path walk (kernel/fs/namei.c) on tmpfs: ".", "..", symlinks,
 * trailing slashes, LOOKUP_PARENT, mounts, and the task's own root.
 *
 * The tree every case starts with (made through the inode operations,
 * as the system calls would):
 *
 *   /a/b/file        /a/rel -> b/file      /a/up -> ..
 *   /a/file          /a/lnkdir -> /a/b     /a/lnkfile -> /a/file
 *   /loop1 -> loop2  /loop2 -> loop1       /self -> self
 *   /dangling -> nope                      /empty -> ""
 *   /chain0 -> chain1 -> ... -> chain40 -> /a/file  (41 links)
 *   /jail/etc/jailfile  /jail/abs -> /etc  /jail/dotdot -> ../../..
 *   /etc/hostfile       /mnt/              /priv/x (mode 0700)
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/fs/vfs.h"
#include "tests/unit/unit.h"

static struct task *t;

/* Create path (kind 'd' directory, 'f' file, 'l' symlink to target). */
static void make(const char *path, int kind, const char *target)
{
	struct nameidata nd;
	struct inode *dir, *inode;
	int rc = path_walk(t, AT_FDCWD, path, LOOKUP_PARENT, &nd);

	if (rc < 0) {
		FAIL("cannot walk to the parent of %s: %s", path,
		     errno_name(rc));
		unit_abort();
	}
	dir = nd.path.dentry->inode;
	if (kind == 'd') {
		rc = dir->iop->mkdir(dir, nd.last, 0755);
	} else if (kind == 'f') {
		rc = dir->iop->mknod(dir, nd.last, S_IFREG | 0644, 0, &inode);
		if (!rc)
			inode_put(inode);
	} else {
		rc = dir->iop->symlink(dir, nd.last, target);
	}
	if (rc < 0) {
		FAIL("cannot create %s: %s", path, errno_name(rc));
		unit_abort();
	}
	d_drop_child(nd.path.dentry, nd.last);
	path_put(&nd.path);
}

static void setup(void)
{
	char name[16], next[16];

	unit_machine_default();
	t = current;
	mount_root(tmpfs_create(), 0);
	t->fs = fs_create(&root_path);
	t->files = files_create();
	make("/a", 'd', NULL);
	make("/a/b", 'd', NULL);
	make("/a/b/file", 'f', NULL);
	make("/a/file", 'f', NULL);
	make("/a/rel", 'l', "b/file");
	make("/a/up", 'l', "..");
	make("/a/lnkdir", 'l', "/a/b");
	make("/a/lnkfile", 'l', "/a/file");
	make("/loop1", 'l', "loop2");
	make("/loop2", 'l', "loop1");
	make("/self", 'l', "self");
	make("/dangling", 'l', "nope");
	make("/empty", 'l', "");
	for (int i = 0; i <= 40; i++) {
		ksnprintf(name, sizeof(name), "/chain%d", i);
		ksnprintf(next, sizeof(next), "chain%d", i + 1);
		make(name, 'l', i == 40 ? "/a/file" : next);
	}
	make("/jail", 'd', NULL);
	make("/jail/etc", 'd', NULL);
	make("/jail/etc/jailfile", 'f', NULL);
	make("/jail/abs", 'l', "/etc");
	make("/jail/dotdot", 'l', "../../..");
	make("/etc", 'd', NULL);
	make("/etc/hostfile", 'f', NULL);
	make("/mnt", 'd', NULL);
	make("/priv", 'd', NULL);
	make("/priv/x", 'f', NULL);
}

/*
 * Walk name (from the cwd) and check the result: want is the path
 * from the namespace root, or an errno name ("ENOENT").
 */
static bool walk_resolve_is(int dirfd, const char *name, unsigned flags,
			    unsigned resolve, const char *want, const char *file,
			    int line)
{
	struct nameidata nd;
	char buf[256];
	int rc = path_walk_resolve(t, dirfd, name, flags, resolve, &nd);

	if (rc < 0) {
		const char *e = errno_name(rc);

		if (!strcmp(want, e ? e : "?"))
			return true;
		unit_fail(file, line, "walk \"%s\": %s, want %s", name,
			  e ? e : "?", want);
		return false;
	}
	rc = d_path(&nd.path, &root_path, buf, sizeof(buf));
	path_put(&nd.path);
	if (rc < 0 || strcmp(buf, want)) {
		unit_fail(file, line, "walk \"%s\": %s, want %s", name,
			  rc < 0 ? "(d_path failed)" : buf, want);
		return false;
	}
	return true;
}

static bool walk_is(const char *name, unsigned flags, const char *want,
		    const char *file, int line)
{
	return walk_resolve_is(AT_FDCWD, name, flags, 0, want, file, line);
}

#define WALK(name, flags, want) walk_is(name, flags, want, __FILE__, __LINE__)
#define WALKR(dirfd, name, flags, resolve, want)                           \
	walk_resolve_is(dirfd, name, flags, resolve, want, __FILE__, __LINE__)
#define F LOOKUP_FOLLOW

/* The mode of what name (not followed) names, or 0. */
static mode_t mode_of(const char *name, unsigned flags)
{
	struct nameidata nd;
	mode_t m;

	if (path_walk(t, AT_FDCWD, name, flags, &nd) < 0)
		return 0;
	m = nd.path.dentry->inode->mode;
	path_put(&nd.path);
	return m;
}

static void set_cwd(const char *name)
{
	struct nameidata nd;

	REQUIRE(path_walk(t, AT_FDCWD, name, F | LOOKUP_DIRECTORY, &nd) == 0);
	path_put(&t->fs->cwd);
	t->fs->cwd = nd.path;
}

static void test_basics(void)
{
	WALK("/", F, "/");
	WALK("///", F, "/");
	WALK(".", F, "/");
	WALK("/a/b", F, "/a/b");
	WALK("a/b", F, "/a/b");
	WALK("a//b//", F, "/a/b");
	WALK("/a/./b/.", F, "/a/b");
	WALK("./a/b/file", F, "/a/b/file");
	set_cwd("/a/b");
	WALK(".", F, "/a/b");
	WALK("file", F, "/a/b/file");
	WALK("/a", F, "/a");
	WALK("", 0, "ENOENT");
	WALK("", LOOKUP_EMPTY, "/a/b");
}

static void test_dotdot(void)
{
	WALK("..", F, "/");
	WALK("/..", F, "/");
	WALK("/../../..", F, "/");
	WALK("/../../a", F, "/a");
	WALK("a/b/..", F, "/a");
	WALK("a/b/../..", F, "/");
	WALK("a/b/../../..", F, "/");
	WALK("a/b/../../a/b", F, "/a/b");
	set_cwd("/a/b");
	WALK("..", F, "/a");
	WALK("../..", F, "/");
	WALK("../../../../", F, "/");
	WALK("../b/../../a", F, "/a");
}

static void test_trailing_slash(void)
{
	WALK("/a/file", F, "/a/file");
	WALK("/a/file/", F, "ENOTDIR");
	WALK("/a/file/", 0, "ENOTDIR");
	WALK("/a/file/.", F, "ENOTDIR");
	WALK("/a/file/..", F, "ENOTDIR");
	WALK("/a/file/x", F, "ENOTDIR");
	WALK("/a/file", F | LOOKUP_DIRECTORY, "ENOTDIR");
	WALK("/a/b/", 0, "/a/b");
	WALK("/a/b", LOOKUP_DIRECTORY, "/a/b");
	/* A trailing slash follows a final symlink, even without FOLLOW. */
	WALK("/a/lnkdir/", 0, "/a/b");
	WALK("/a/lnkfile/", 0, "ENOTDIR");
	WALK("/a/lnkfile/", F, "ENOTDIR");
}

static void test_symlinks(void)
{
	/* A final symlink is the link itself unless followed. */
	CHECK(S_ISLNK(mode_of("/a/lnkfile", 0)));
	CHECK(S_ISREG(mode_of("/a/lnkfile", F)));
	WALK("/a/lnkfile", 0, "/a/lnkfile");
	WALK("/a/lnkfile", F, "/a/file");
	/* Relative targets are walked from the link's directory. */
	WALK("/a/rel", F, "/a/b/file");
	set_cwd("/etc");
	WALK("/a/rel", F, "/a/b/file");
	WALK("/a/up", F, "/");
	WALK("/a/up/a/up/a", F, "/a");
	/* Links in the middle are always followed. */
	WALK("/a/lnkdir/file", 0, "/a/b/file");
	WALK("/a/lnkdir/../file", 0, "/a/file");
	/* Dangling and empty links. */
	WALK("/dangling", 0, "/dangling");
	WALK("/dangling", F, "ENOENT");
	WALK("/dangling/x", 0, "ENOENT");
	WALK("/empty", F, "ENOENT");
}

static void test_loops(void)
{
	WALK("/loop1", 0, "/loop1");
	WALK("/loop1", F, "ELOOP");
	WALK("/loop1/x", 0, "ELOOP");
	WALK("/self", F, "ELOOP");
	WALK("/self/", 0, "ELOOP");
	/* 40 links may be followed in one walk, not 41. */
	WALK("/chain1", F, "/a/file");
	WALK("/chain0", F, "ELOOP");
	WALK("/chain0", 0, "/chain0");
	/* Fewer links are fine, of course. */
	WALK("/chain20", F, "/a/file");
}

static void test_errors(void)
{
	char longname[300];

	WALK("/nope", F, "ENOENT");
	WALK("/nope/x", F, "ENOENT");
	WALK("nope/", F, "ENOENT");
	WALK("/a/b/file/x/y", F, "ENOTDIR");
	memset(longname, 'x', sizeof(longname));
	longname[0] = '/';
	longname[256] = 0;
	WALK(longname, F, "ENOENT"); /* 255 characters: allowed */
	longname[256] = 'x';
	longname[257] = 0;
	WALK(longname, F, "ENAMETOOLONG");
	longname[257] = '/';
	longname[258] = 0;
	WALK(longname, F, "ENAMETOOLONG");
}

/* Absolute symlinks and ".." resolve against the task's root. */
static void test_task_root(void)
{
	struct nameidata nd;

	REQUIRE(path_walk(t, AT_FDCWD, "/jail", F, &nd) == 0);
	path_put(&t->fs->root);
	path_put(&t->fs->cwd);
	t->fs->root = nd.path;
	t->fs->cwd = nd.path;
	path_get(&nd.path);
	WALK("/", F, "/jail");
	WALK("/..", F, "/jail");
	WALK("..", F, "/jail");
	WALK("/etc/jailfile", F, "/jail/etc/jailfile");
	WALK("/etc/hostfile", F, "ENOENT");
	WALK("/abs", F, "/jail/etc");
	WALK("/abs/jailfile", F, "/jail/etc/jailfile");
	WALK("/abs/hostfile", F, "ENOENT");
	WALK("/abs/../..", F, "/jail");
	WALK("/dotdot", F, "/jail");
	WALK("/dotdot/etc/jailfile", F, "/jail/etc/jailfile");
	WALK("etc/../../../etc", F, "/jail/etc");
}

static bool parent_is(const char *name, const char *dir, const char *last,
		      enum last_type type, bool slash, const char *file,
		      int line)
{
	struct nameidata nd;
	char buf[256];
	int rc = path_walk(t, AT_FDCWD, name, LOOKUP_PARENT, &nd);
	bool ok;

	if (rc < 0) {
		unit_fail(file, line, "walk \"%s\" for its parent: %s", name,
			  errno_name(rc));
		return false;
	}
	rc = d_path(&nd.path, &root_path, buf, sizeof(buf));
	path_put(&nd.path);
	ok = rc >= 0 && !strcmp(buf, dir) && !strcmp(nd.last, last) &&
	     nd.last_type == type && nd.trailing_slash == slash;
	if (!ok)
		unit_fail(file, line, "parent of \"%s\": %s, \"%s\", type %d, "
			  "slash %d; want %s, \"%s\", type %d, slash %d", name,
			  buf, nd.last, nd.last_type, nd.trailing_slash, dir,
			  last, type, slash);
	return ok;
}

#define PARENT(name, dir, last, type, slash)                               \
	parent_is(name, dir, last, type, slash, __FILE__, __LINE__)

static void test_parent(void)
{
	PARENT("/a/b/c", "/a/b", "c", LAST_NORM, false);
	PARENT("a/b/c", "/a/b", "c", LAST_NORM, false);
	PARENT("/a/b/c/", "/a/b", "c", LAST_NORM, true);
	PARENT("/a/b/c//", "/a/b", "c", LAST_NORM, true);
	PARENT("x", "/", "x", LAST_NORM, false);
	PARENT("/a/..", "/a", "..", LAST_DOTDOT, false);
	PARENT("/a/.", "/a", ".", LAST_DOT, false);
	PARENT("/", "/", "", LAST_ROOT, false);
	/* The final name is not looked at: it may not exist, or be a link. */
	PARENT("/a/lnkdir", "/a", "lnkdir", LAST_NORM, false);
	PARENT("/a/lnkdir/new", "/a/b", "new", LAST_NORM, false);
	PARENT("/a/up/x", "/", "x", LAST_NORM, false);
	WALK("/nope/x", LOOKUP_PARENT, "ENOENT");
	WALK("/a/file/x", LOOKUP_PARENT, "ENOTDIR");
	WALK("/loop1/x", LOOKUP_PARENT, "ELOOP");
}

static struct mount *mount_tmpfs(const char *where)
{
	struct nameidata nd;
	struct mount *m = NULL;

	REQUIRE(path_walk(t, AT_FDCWD, where, F, &nd) == 0);
	CHECK_EQ(do_mount_sb(tmpfs_create(), &nd.path, 0, &m), 0);
	path_put(&nd.path);
	REQUIRE(m != NULL);
	return m;
}

static void test_mounts(void)
{
	struct mount *m = mount_tmpfs("/mnt"), *m2;
	struct nameidata nd;

	make("/mnt/inside", 'd', NULL);
	make("/mnt/inside/out", 'l', "../../a");
	make("/mnt/inside/abs", 'l', "/a/b");
	make("/a/into", 'l', "../mnt/inside");
	REQUIRE(path_walk(t, AT_FDCWD, "/mnt", F, &nd) == 0);
	CHECK(nd.path.mnt == m);
	CHECK(nd.path.dentry == m->root);
	path_put(&nd.path);
	WALK("/mnt", F, "/mnt");
	WALK("/mnt/inside", F, "/mnt/inside");
	WALK("/mnt/..", F, "/");
	WALK("/mnt/inside/../..", F, "/");
	WALK("/mnt/inside/../../a", F, "/a");
	WALK("/mnt/inside/out", F, "/a");
	WALK("/mnt/inside/abs", F, "/a/b");
	WALK("/a/into", F, "/mnt/inside");
	WALK("/a/into/..", F, "/mnt");
	WALK("/a/into/../..", F, "/");
	set_cwd("/mnt/inside");
	WALK("..", F, "/mnt");
	WALK("../..", F, "/");
	WALK("../../mnt/./inside", F, "/mnt/inside");
	WALK("out/b", F, "/a/b");

	/* A second mount on the same point hides the first. */
	m2 = mount_tmpfs("/mnt");
	CHECK(m2 != m);
	WALK("/mnt/inside", F, "ENOENT");
	WALK("/mnt/..", F, "/");
	/* cwd was inside the hidden mount: it still walks from there. */
	WALK("..", F, "/mnt");
	WALK("../..", F, "/");
	/* A mount inside a mount, crossed both ways. */
	make("/mnt/deep", 'd', NULL);
	mount_tmpfs("/mnt/deep");
	make("/mnt/deep/file", 'f', NULL);
	WALK("/mnt/deep/file", F, "/mnt/deep/file");
	WALK("/mnt/deep/..", F, "/mnt");
	WALK("/mnt/deep/../..", F, "/");
	WALK("/mnt/deep/../../mnt/deep/file", F, "/mnt/deep/file");
	set_cwd("/mnt/deep");
	WALK("../../a", F, "/a");
}

static void test_dirfd(void)
{
	struct nameidata nd;
	struct file *dir, *reg;
	int dfd, rfd;
	char buf[64];

	REQUIRE(path_walk(t, AT_FDCWD, "/a", F, &nd) == 0);
	dir = file_alloc(&nd.path, O_RDONLY | O_DIRECTORY);
	path_put(&nd.path);
	REQUIRE(path_walk(t, AT_FDCWD, "/a/file", F, &nd) == 0);
	reg = file_alloc(&nd.path, O_RDONLY);
	path_put(&nd.path);
	dfd = fd_install(t, dir, false, 0);
	rfd = fd_install(t, reg, false, 0);
	REQUIRE(dfd >= 0 && rfd >= 0);

	REQUIRE(path_walk(t, dfd, "b/file", F, &nd) == 0);
	CHECK(d_path(&nd.path, &root_path, buf, sizeof(buf)) > 0);
	CHECK_STR(buf, "/a/b/file");
	path_put(&nd.path);
	REQUIRE(path_walk(t, dfd, "..", F, &nd) == 0);
	CHECK(d_path(&nd.path, &root_path, buf, sizeof(buf)) > 0);
	CHECK_STR(buf, "/");
	path_put(&nd.path);
	/* An absolute name ignores dirfd, even a bad one. */
	CHECK_EQ(path_walk(t, 999, "/a", F, &nd), 0);
	path_put(&nd.path);
	CHECK_EQ(path_walk(t, rfd, "x", F, &nd), -ENOTDIR);
	CHECK_EQ(path_walk(t, 999, "x", F, &nd), -EBADF);
	CHECK_EQ(path_walk(t, -1, "x", F, &nd), -EBADF);
	/* AT_EMPTY_PATH: the file itself. */
	REQUIRE(path_walk(t, rfd, "", LOOKUP_EMPTY, &nd) == 0);
	CHECK(nd.path.dentry->inode == reg->f_inode);
	path_put(&nd.path);
	CHECK_EQ(path_walk(t, rfd, "", 0, &nd), -ENOENT);
}

static void test_permissions(void)
{
	struct iattr ia = { .valid = ATTR_MODE, .mode = 0700 };
	struct nameidata nd;

	REQUIRE(path_walk(t, AT_FDCWD, "/priv", F, &nd) == 0);
	nd.path.dentry->inode->iop->setattr(nd.path.dentry->inode, &ia);
	path_put(&nd.path);
	WALK("/priv/x", F, "/priv/x"); /* root may */
	t->proc->cred.fsuid = 1000;
	t->proc->cred.fsgid = 1000;
	WALK("/priv/x", F, "EACCES");
	WALK("/priv/nope", F, "EACCES");
	WALK("/priv", F, "/priv");
	/* As Linux: the parent of the last name needs search permission. */
	WALK("/priv/x", LOOKUP_PARENT, "EACCES");
	WALK("/a/b/file", F, "/a/b/file");
}

/* An fd on directory name, as open(O_DIRECTORY) makes it. */
static int dirfd_of(const char *name)
{
	struct nameidata nd;
	struct file *f;
	int fd;

	REQUIRE(path_walk(t, AT_FDCWD, name, F | LOOKUP_DIRECTORY, &nd) == 0);
	f = file_alloc(&nd.path, O_RDONLY | O_DIRECTORY);
	path_put(&nd.path);
	fd = fd_install(t, f, false, 0);
	REQUIRE(fd >= 0);
	return fd;
}

/* openat2's RESOLVE_* scoping, as Linux defines it. */
static void test_resolve(void)
{
	int a = dirfd_of("/a"), jail = dirfd_of("/jail"), mnt;

	/* BENEATH: nothing may leave the starting directory. */
	WALKR(a, "b/file", F, RESOLVE_BENEATH, "/a/b/file");
	WALKR(a, "b/..", F, RESOLVE_BENEATH, "/a");
	WALKR(a, "rel", F, RESOLVE_BENEATH, "/a/b/file");
	WALKR(a, "/a", F, RESOLVE_BENEATH, "EXDEV");
	WALKR(a, "..", F, RESOLVE_BENEATH, "EXDEV");
	WALKR(a, "b/../..", F, RESOLVE_BENEATH, "EXDEV");
	WALKR(a, "up", F, RESOLVE_BENEATH, "EXDEV");
	WALKR(a, "lnkdir", F, RESOLVE_BENEATH, "EXDEV");
	WALKR(a, "lnkdir", 0, RESOLVE_BENEATH, "/a/lnkdir");
	/* IN_ROOT: the starting directory is "/" for this walk. */
	WALKR(jail, "/etc/jailfile", F, RESOLVE_IN_ROOT, "/jail/etc/jailfile");
	WALKR(jail, "abs/jailfile", F, RESOLVE_IN_ROOT, "/jail/etc/jailfile");
	WALKR(jail, "dotdot", F, RESOLVE_IN_ROOT, "/jail");
	WALKR(jail, "../../etc/hostfile", F, RESOLVE_IN_ROOT, "ENOENT");
	WALKR(jail, "/", F, RESOLVE_IN_ROOT, "/jail");
	WALKR(jail, "", LOOKUP_EMPTY, RESOLVE_IN_ROOT, "/jail");
	/* NO_SYMLINKS: any symlink on the way is ELOOP. */
	WALKR(AT_FDCWD, "/a/rel", F, RESOLVE_NO_SYMLINKS, "ELOOP");
	WALKR(AT_FDCWD, "/a/lnkdir/file", 0, RESOLVE_NO_SYMLINKS, "ELOOP");
	WALKR(AT_FDCWD, "/a/rel", 0, RESOLVE_NO_SYMLINKS, "/a/rel");
	/* NO_XDEV: no mount crossed, however. */
	mount_tmpfs("/mnt");
	make("/mnt/inside", 'd', NULL);
	make("/mnt/inside/abs", 'l', "/a/b");
	make("/mnt/inside/rel", 'l', "../../a");
	mnt = dirfd_of("/mnt");
	WALKR(AT_FDCWD, "/a/b", F, RESOLVE_NO_XDEV, "/a/b");
	WALKR(AT_FDCWD, "/mnt", F, RESOLVE_NO_XDEV, "EXDEV");
	WALKR(AT_FDCWD, "/mnt/inside", F, RESOLVE_NO_XDEV, "EXDEV");
	WALKR(mnt, "inside", F, RESOLVE_NO_XDEV, "/mnt/inside");
	WALKR(mnt, "..", F, RESOLVE_NO_XDEV, "EXDEV");
	WALKR(mnt, "inside/rel", F, RESOLVE_NO_XDEV, "EXDEV");
	/* An absolute name may start on another mount (Linux allows it:
	   the walk starts there), but a symlink may not jump there. */
	WALKR(mnt, "/a/b", F, RESOLVE_NO_XDEV, "/a/b");
	WALKR(mnt, "inside/abs", F, RESOLVE_NO_XDEV, "EXDEV");
}

/* ---- reference counts: a walk, failed or not, leaves none behind ---- */

static long tree_refs(struct dentry *d)
{
	long n = d->refcount;
	struct dentry *c;

	list_for_each(c, &d->children, sibling)
		n += tree_refs(c);
	return n;
}

static long all_refs(void)
{
	struct mount *m;
	long n = 0;

	list_for_each(m, &mount_list, link) {
		n += m->refcount;
		n += tree_refs(m->root);
	}
	return n;
}

static void test_no_leaks(void)
{
	static const struct {
		const char *name;
		unsigned flags;
	} walks[] = {
		{ "/a/b/file", F }, { "/a/rel", F }, { "/a/up/a/up", F },
		{ "/loop1", F }, { "/loop1/x", 0 }, { "/chain0", F },
		{ "/chain1", F }, { "/dangling", F }, { "/a/file/", 0 },
		{ "/a/file/x", F }, { "/nope/x", F }, { "/a/lnkdir/../b", F },
		{ "/mnt/x/..", F }, { "/a/b/new", LOOKUP_PARENT },
		{ "/a/lnkdir/new", LOOKUP_PARENT }, { "/loop1/y", LOOKUP_PARENT },
		{ "/mnt/inside/out/b", F }, { "../../..", F },
		{ "/mnt/inside/..", F }, { "/a/file", LOOKUP_DIRECTORY },
		{ "/priv/x", F },
	};
	struct nameidata nd;
	long before;

	mount_tmpfs("/mnt");
	make("/mnt/inside", 'd', NULL);
	make("/mnt/inside/out", 'l', "../../a");
	/* The first round fills the dentry cache, the second counts. */
	for (int round = 0; round < 2; round++) {
		before = all_refs();
		for (size_t i = 0; i < ARRAY_SIZE(walks); i++) {
			if (path_walk(t, AT_FDCWD, walks[i].name, walks[i].flags,
				      &nd) == 0)
				path_put(&nd.path);
			if (round == 1 && all_refs() != before) {
				FAIL("walking \"%s\" left %ld references",
				     walks[i].name, all_refs() - before);
				before = all_refs();
			}
		}
		if (round == 0)
			set_cwd("/mnt/inside");
	}
}

static const struct unit_case cases[] = {
	{ "basics", test_basics },
	{ "dotdot", test_dotdot },
	{ "trailing_slash", test_trailing_slash },
	{ "symlinks", test_symlinks },
	{ "loops", test_loops },
	{ "errors", test_errors },
	{ "task_root", test_task_root },
	{ "parent", test_parent },
	{ "mounts", test_mounts },
	{ "dirfd", test_dirfd },
	{ "permissions", test_permissions },
	{ "resolve", test_resolve },
	{ "no_leaks", test_no_leaks },
};

UNIT_MAIN(cases, setup)
