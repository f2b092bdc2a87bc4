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

/* Mount sb on the directory where, if the root has one. */
static void mount_at(const char *where, struct super_block *sb)
{
	struct fs_struct fs = { .refcount = 1, .root = root_path,
				.cwd = root_path };
	struct process p = { 0 };
	struct task boot = { .proc = &p, .fs = &fs };
	struct nameidata nd;

	if (path_walk(&boot, AT_FDCWD, where, LOOKUP_FOLLOW | LOOKUP_DIRECTORY,
		      &nd) < 0)
		return; /* no such directory: nothing to mount on */
	do_mount_sb(sb, &nd.path, MNT_NOSUID, NULL);
	path_put(&nd.path);
}

static int boot_fs(const char *root)
{
	struct super_block *sb;
	int rc = hostfs_create(root, true, &sb);

	if (rc < 0) {
		printk("umk: cannot use '%s' as the root: %s\n", root,
		       strerror_k(rc));
		return rc;
	}
	mount_root(sb, MNT_NOSUID);
	mount_at("/dev", devfs_create());
	mount_at("/tmp", tmpfs_create());
	mount_at("/dev/shm", tmpfs_create());
	mount_at("/proc", procfs_create());
	mount_at("/sys", sysfs_create());
	return 0;
}

static void engine_wake(void *arg)
{
	struct engine *e = arg;

	e->ops->wake(e);
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
	the_engine.ops = bp->engine;
	cfg.phys_fd = fd;
	cfg.phys_size = bp->memory;
	rc = bp->engine->init(&the_engine, &cfg);
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
	if (boot_fs(bp->root) < 0)
		return -1;
	sched_init(bp->cpus ? bp->cpus : host_ncpus());
	boot_mono = ktime_mono();
	rc = spawn_init(bp->argv[0], bp->argv, bp->envp);
	if (rc < 0) {
		printk("umk: cannot start the first process: %s\n",
		       strerror_k(rc));
		return -1;
	}
	sched_run();
	engine->ops->shutdown(engine);
	return guest_exit_status;
}
