/*
 * sysfs: a minimal /sys, built with procfs's machinery (procfs.h).
 * Only what common programs probe: the CPU sets (glibc's
 * get_nprocs_conf, nproc, lscpu), transparent huge pages (allocators)
 * and an empty /sys/fs/cgroup.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/fs/procfs.h"

#define SYSFS_MAGIC 0x62656572

/* "0-N", or "0" for one CPU. */
static int show_cpus(struct pfs_ctx *c, struct pbuf *b)
{
	int n = sched_ncpus();

	(void)c;
	if (n > 1)
		pb_printf(b, "0-%d\n", n - 1);
	else
		pb_puts(b, "0\n");
	return 0;
}

#define REG(n, ...) { .name = n, .mode = S_IFREG | 0444, __VA_ARGS__ }
#define DIR(n, ...) { .name = n, .mode = S_IFDIR | 0755, __VA_ARGS__ }

static const struct pfs_entry cpu_entries[] = {
	REG("kernel_max", .value = "8191\n"),
	REG("offline", .value = "\n"),
	REG("online", .show = show_cpus),
	REG("possible", .show = show_cpus),
	REG("present", .show = show_cpus),
	{ 0 }
};

/* /sys/devices/system/cpu/cpuN: a directory per CPU. */
const struct pfs_entry sysfs_cpu_entry = DIR("cpuN");

static const struct pfs_entry system_entries[] = {
	DIR("cpu", .dir = cpu_entries, .dyn = PD_CPUS),
	{ 0 }
};

static const struct pfs_entry devices_entries[] = {
	DIR("system", .dir = system_entries),
	{ 0 }
};

static const struct pfs_entry thp_entries[] = {
	REG("defrag", .value = "always defer defer+madvise madvise [never]\n"),
	REG("enabled", .value = "always madvise [never]\n"),
	{ 0 }
};

static const struct pfs_entry mm_entries[] = {
	DIR("transparent_hugepage", .dir = thp_entries),
	{ 0 }
};

static const struct pfs_entry kernel_entries[] = {
	DIR("mm", .dir = mm_entries),
	{ 0 }
};

static const struct pfs_entry fs_entries[] = {
	DIR("cgroup"),
	{ 0 }
};

static const struct pfs_entry root_entries[] = {
	DIR("devices", .dir = devices_entries),
	DIR("fs", .dir = fs_entries),
	DIR("kernel", .dir = kernel_entries),
	{ 0 }
};

const struct pfs_entry sysfs_root = DIR("/", .dir = root_entries);

struct super_block *sysfs_create(void)
{
	return pfs_create("sysfs", SYSFS_MAGIC, &sysfs_root);
}
