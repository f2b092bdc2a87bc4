/*
 * Boot: physical memory, the engine, host interrupts, devices, the
 * mount tree (root, /dev, /tmp, /dev/shm, /proc, /sys), the first
 * process, and the scheduler until the guest is over.
 */
#include "kernel/kernel.h"
#include "kernel/boot.h"
#include "kernel/engine.h"
#include "kernel/task.h"
#include "kernel/strace.h"
#include "kernel/mm/mm.h"
#include "kernel/fs/vfs.h"
#include "host/host.h"

void console_init(void);
void mem_init(void);

static struct engine the_engine;

/* The task that mounts things at boot: root, at the namespace root. */
struct boot_task {
	struct fs_struct fs;
	struct process p;
	struct task t;
};

static void boot_task_init(struct boot_task *b)
{
	memset(b, 0, sizeof(*b));
	b->fs.refcount = 1;
	b->fs.root = b->fs.cwd = root_path;
	b->t.proc = &b->p;
	b->t.fs = &b->fs;
}

/* mkdir -p inside the guest tree (the root is writable). */
static void mkdir_p(struct boot_task *b, const char *path)
{
	char *buf = kstrdup(path);

	for (char *p = buf + 1;; p++) {
		char c = *p;
		struct nameidata nd;

		if (c && c != '/')
			continue;
		*p = 0;
		if (path_walk(&b->t, AT_FDCWD, buf, LOOKUP_PARENT, &nd) == 0) {
			struct path child;

			if (nd.last_type == LAST_NORM &&
			    lookup_one(&nd.path, nd.last, &child) == 0) {
				if (!child.dentry->inode)
					vfs_mkdir(&b->t, &nd.path, nd.last, 0755);
				path_put(&child);
			}
			path_put(&nd.path);
		}
		if (!c)
			break;
		*p = c;
	}
	kfree(buf);
}

/* Mount sb on the directory where (made if missing).  0 or -errno. */
static int mount_at(struct boot_task *b, const char *where,
		    struct super_block *sb, unsigned flags)
{
	struct nameidata nd;
	int rc;

	mkdir_p(b, where);
	rc = path_walk(&b->t, AT_FDCWD, where, LOOKUP_FOLLOW | LOOKUP_DIRECTORY,
		       &nd);
	if (rc < 0)
		return rc;
	rc = do_mount_sb(sb, &nd.path, flags, NULL);
	path_put(&nd.path);
	return rc;
}

extern const char initramfs_start[], initramfs_end[];

static struct super_block *root_sb(const struct boot_params *bp)
{
	struct super_block *lower, *upper;
	int rc;

	if (!bp->root)
		return tmpfs_create(); /* the initramfs goes in */
	rc = hostfs_create(bp->root, true, &lower);
	if (rc < 0) {
		printk("umk: cannot use '%s' as the root: %s\n", bp->root,
		       strerror_k(rc));
		return NULL;
	}
	if (!bp->overlay)
		return overlayfs_create(lower, tmpfs_create());
	rc = hostfs_create(bp->overlay, false, &upper);
	if (rc < 0) {
		printk("umk: cannot use '%s' for the overlay: %s\n", bp->overlay,
		       strerror_k(rc));
		return NULL;
	}
	return overlayfs_create(lower, upper);
}

static int boot_fs(const struct boot_params *bp)
{
	struct super_block *sb = root_sb(bp);
	struct boot_task b;

	if (!sb)
		return -EINVAL;
	mount_root(sb, MNT_NOSUID);
	boot_task_init(&b);
	if (!bp->root) {
		int rc;

		host_prefault_read(initramfs_start,
				   initramfs_end - initramfs_start);
		rc = initramfs_unpack(&b.t, initramfs_start,
				      initramfs_end - initramfs_start);
		if (rc < 0)
			return rc;
	}
	mount_at(&b, "/dev", devfs_create(), MNT_NOSUID);
	mount_at(&b, "/tmp", tmpfs_create(), MNT_NOSUID | MNT_NODEV);
	mount_at(&b, "/dev/shm", tmpfs_create(), MNT_NOSUID | MNT_NODEV);
	mount_at(&b, "/proc", procfs_create(), MNT_NOSUID | MNT_NODEV | MNT_NOEXEC);
	mount_at(&b, "/sys", sysfs_create(), MNT_NOSUID | MNT_NODEV | MNT_NOEXEC);
	for (int i = 0; i < bp->nvolumes; i++) {
		const struct boot_volume *v = &bp->volumes[i];
		int rc = hostfs_create(v->host, v->readonly, &sb);

		if (rc == 0) {
			hostfs_set_shared(sb, true);
			rc = mount_at(&b, v->guest, sb,
				      MNT_NOSUID | (v->readonly ? MNT_RDONLY : 0));
		}
		if (rc < 0) {
			printk("umk: cannot mount '%s' on '%s': %s\n", v->host,
			       v->guest, strerror_k(rc));
			return rc;
		}
	}
	return 0;
}

/* umk run --stats: what the guest trapped into the kernel for. */
static void print_stats(void)
{
	static const char *const kinds[] = {
		[TRAP_SYSCALL] = "syscall", [TRAP_PAGE_FAULT] = "page fault",
		[TRAP_EXCEPTION] = "exception",
		[TRAP_INTERRUPTED] = "interrupted", [TRAP_GONE] = "gone",
	};
	bool shown[512] = { false };

	printk("umk: traps:");
	for (int k = TRAP_SYSCALL; k <= TRAP_GONE; k++)
		printk(" %s %llu", kinds[k], (unsigned long long)stat_traps[k]);
	printk("; pages mapped %llu", (unsigned long long)stat_pages_mapped);
	printk("\numk: most frequent system calls:");
	for (int i = 0; i < 20; i++) {
		int best = -1;

		for (int nr = 0; nr < 512; nr++)
			if (!shown[nr] && stat_syscalls[nr] &&
			    (best < 0 || stat_syscalls[nr] > stat_syscalls[best]))
				best = nr;
		if (best < 0)
			break;
		shown[best] = true;
		printk(" %s %llu", syscall_name(best),
		       (unsigned long long)stat_syscalls[best]);
	}
	printk("\n");
}

static void engine_wake(void *arg)
{
	struct engine *e = arg;

	e->ops->wake(e);
}

/*
 * What --engine auto tries, in order: kvm (where /dev/kvm opens and the
 * engine's probe guest runs every path: system call, exception, page
 * fault), then systrap on a host with CPUs to spare (its system call
 * costs a fifth of ptrace's when umk can poll on one CPU while the
 * guest runs on another; on a single CPU it costs more than ptrace),
 * then ptrace, which needs nothing but ptrace itself.
 */
static void auto_engines(const struct engine_ops *try[3])
{
	try[0] = engine_lookup("kvm");
	try[1] = host_ncpus() > 1 ? engine_lookup("systrap") : NULL;
	try[2] = engine_lookup("ptrace");
}

/*
 * Start the engine bp names, or choose one (auto_engines, quietly
 * unless verbose: only the last one tried may complain).  0 or -errno,
 * with a message printed.
 */
static int engine_start(const struct boot_params *bp,
			struct engine_config *cfg)
{
	const struct engine_ops *try[3] = { bp->engine };
	int rc = -ENODEV;

	if (!bp->engine)
		auto_engines(try);
	for (int i = 0; i < (int)ARRAY_SIZE(try) && rc < 0; i++) {
		if (!try[i])
			continue;
		memset(&the_engine, 0, sizeof(the_engine));
		the_engine.ops = try[i];
		cfg->quiet = !bp->engine && !bp->verbose &&
			     i < (int)ARRAY_SIZE(try) - 1;
		rc = try[i]->init(&the_engine, cfg);
	}
	if (rc == 0 && (bp->verbose || bp->strace))
		printk("umk: the %s engine runs guest programs%s\n",
		       the_engine.ops->name,
		       bp->engine ? "" : " (--engine auto)");
	return rc;
}

static int boot_machine(const struct boot_params *bp)
{
	struct engine_config cfg;
	void *phys;
	int fd, rc;

	rc = host_physmem_create(bp->memory, &fd, &phys);
	if (rc < 0) {
		printk("umk: cannot create %llu bytes of guest memory: %s\n",
		       (unsigned long long)bp->memory, strerror_k(rc));
		return rc;
	}
	frames_init(phys, bp->memory);
	cfg.phys_fd = fd;
	cfg.phys_size = bp->memory;
	rc = engine_start(bp, &cfg);
	if (rc < 0)
		return rc;
	engine = &the_engine;
	task_size = the_engine.user_top;
	rc = host_irq_init(engine_wake, &the_engine);
	if (rc < 0) {
		printk("umk: cannot start the interrupt thread: %s\n",
		       strerror_k(rc));
		return rc;
	}
	return 0;
}

int kernel_main(const struct boot_params *bp)
{
	int rc;

	strace_enabled = bp->strace;
	if (boot_machine(bp) < 0)
		return -1;
	console_init();
	mem_init();
	pipe_init();
	if (boot_fs(bp) < 0)
		return -1;
	sched_init(bp->cpus ? bp->cpus : host_ncpus());
	if (bp->hostname) {
		extern char utsname_nodename[65];

		kstrlcpy(utsname_nodename, bp->hostname, sizeof(utsname_nodename));
	}
	boot_mono = ktime_mono();
	rc = spawn_init(bp->argv[0], bp->argv, bp->envp);
	if (rc < 0) {
		printk("umk: cannot start the first process: %s\n",
		       strerror_k(rc));
		return -1;
	}
	sched_run();
	if (bp->stats)
		print_stats();
	engine->ops->shutdown(engine);
	return guest_exit_status;
}
