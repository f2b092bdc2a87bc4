/*
 * The system-wide files of /proc: /proc itself (its fixed entries;
 * the pid directories are procfs.c's), meminfo, cpuinfo, stat,
 * uptime, loadavg, version, filesystems, and /proc/sys.  Formats are
 * Linux 6.1's; numbers come from the frame allocator, the scheduler,
 * the process list and the clock.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/mm/mm.h"
#include "kernel/fs/procfs.h"
#include "kernel/abi/time.h"
#include "host/host.h"

#define TICK_NS (NSEC_PER_SEC / USER_HZ)

/* kernel/sys_proc.c: what uname(2) reports. */
extern char utsname_nodename[65];
extern const char *utsname_release;
extern char utsname_domainname[65];
#define domainname utsname_domainname

/* ---- /proc/self, /proc/thread-self ---- */

static int text_self(struct pfs_ctx *c, struct pbuf *b)
{
	pb_printf(b, "%d", c->reader->proc->pid);
	return 0;
}

static int text_thread_self(struct pfs_ctx *c, struct pbuf *b)
{
	pb_printf(b, "%d/task/%d", c->reader->proc->pid, c->reader->tid);
	return 0;
}

/* ---- memory ---- */

static void pb_kb(struct pbuf *b, const char *name, u64 kb)
{
	pb_printf(b, "%-16s%8llu kB\n", name, (unsigned long long)kb);
}

static int show_meminfo(struct pfs_ctx *c, struct pbuf *b)
{
	u64 total = frames_total() * (PAGE_SIZE / 1024);
	u64 free = frames_free() * (PAGE_SIZE / 1024);
	u64 used = total > free ? total - free : 0;
	static const char *const zero1[] = {
		"Buffers:", "Cached:", "SwapCached:", NULL
	};
	static const char *const zero2[] = {
		"Unevictable:", "Mlocked:", "SwapTotal:", "SwapFree:",
		"Dirty:", "Writeback:", NULL
	};
	static const char *const zero3[] = {
		"Mapped:", "Shmem:", "KReclaimable:", "Slab:",
		"SReclaimable:", "SUnreclaim:", "KernelStack:", "PageTables:",
		"NFS_Unstable:", "Bounce:", "WritebackTmp:", NULL
	};
	static const char *const zero4[] = {
		"Percpu:", "AnonHugePages:",
		"ShmemHugePages:", "ShmemPmdMapped:", "FileHugePages:",
		"FilePmdMapped:", NULL
	};

	(void)c;
	pb_kb(b, "MemTotal:", total);
	pb_kb(b, "MemFree:", free);
	pb_kb(b, "MemAvailable:", free);
	for (int i = 0; zero1[i]; i++)
		pb_kb(b, zero1[i], 0);
	pb_kb(b, "Active:", used);
	pb_kb(b, "Inactive:", 0);
	pb_kb(b, "Active(anon):", used);
	pb_kb(b, "Inactive(anon):", 0);
	pb_kb(b, "Active(file):", 0);
	pb_kb(b, "Inactive(file):", 0);
	for (int i = 0; zero2[i]; i++)
		pb_kb(b, zero2[i], 0);
	pb_kb(b, "AnonPages:", used);
	for (int i = 0; zero3[i]; i++)
		pb_kb(b, zero3[i], 0);
	pb_kb(b, "CommitLimit:", total / 2);
	pb_kb(b, "Committed_AS:", used);
	pb_kb(b, "VmallocTotal:", 34359738367ULL);
	pb_kb(b, "VmallocUsed:", 0);
	pb_kb(b, "VmallocChunk:", 0);
	for (int i = 0; zero4[i]; i++) {
		pb_kb(b, zero4[i], 0);
		if (i == 0)
			pb_puts(b, "HardwareCorrupted:     0 kB\n");
	}
	pb_puts(b, "HugePages_Total:       0\nHugePages_Free:        0\n"
		   "HugePages_Rsvd:        0\nHugePages_Surp:        0\n");
	pb_kb(b, "Hugepagesize:", 2048);
	pb_kb(b, "Hugetlb:", 0);
	pb_kb(b, "DirectMap4k:", total);
	return 0;
}

/* ---- cpuinfo ---- */

/*
 * Linux's names of CPUID feature bits (arch/x86/include/asm/
 * cpufeatures.h), per register; NULL for bits it does not show.
 */
static const char *const edx1_names[32] = {
	"fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic",
	NULL, "sep", "mtrr", "pge", "mca", "cmov", "pat", "pse36", "pn",
	"clflush", NULL, "dts", "acpi", "mmx", "fxsr", "sse", "sse2", "ss",
	"ht", "tm", "ia64", "pbe",
};
static const char *const ext_edx_names[32] = {
	[11] = "syscall", [19] = "mp", [20] = "nx", [22] = "mmxext",
	[25] = "fxsr_opt", [26] = "pdpe1gb", [27] = "rdtscp", [29] = "lm",
	[30] = "3dnowext", [31] = "3dnow",
};
static const char *const ecx1_names[32] = {
	"pni", "pclmulqdq", "dtes64", "monitor", "ds_cpl", "vmx", "smx", "est",
	"tm2", "ssse3", "cid", "sdbg", "fma", "cx16", "xtpr", "pdcm", NULL,
	"pcid", "dca", "sse4_1", "sse4_2", "x2apic", "movbe", "popcnt",
	"tsc_deadline_timer", "aes", "xsave", NULL, "avx", "f16c", "rdrand",
	"hypervisor",
};
static const char *const ext_ecx_names[32] = {
	"lahf_lm", "cmp_legacy", "svm", "extapic", "cr8_legacy", "abm",
	"sse4a", "misalignsse", "3dnowprefetch", "osvw", "ibs", "xop",
	"skinit", "wdt", NULL, "lwp", "fma4", "tce", NULL, "nodeid_msr", NULL,
	"tbm", "topoext", "perfctr_core", "perfctr_nb", NULL, "bpext", "ptsc",
	"perfctr_llc", "mwaitx",
};
static const char *const ebx7_names[32] = {
	"fsgsbase", "tsc_adjust", "sgx", "bmi1", "hle", "avx2", NULL, "smep",
	"bmi2", "erms", "invpcid", "rtm", "cqm", NULL, "mpx", "rdt_a",
	"avx512f", "avx512dq", "rdseed", "adx", "smap", "avx512ifma", NULL,
	"clflushopt", "clwb", "intel_pt", "avx512pf", "avx512er", "avx512cd",
	"sha_ni", "avx512bw", "avx512vl",
};
static const char *const ecx7_names[32] = {
	[1] = "avx512vbmi", [2] = "umip", [3] = "pku", [4] = "ospke",
	[5] = "waitpkg", [6] = "avx512_vbmi2", [8] = "gfni", [9] = "vaes",
	[10] = "vpclmulqdq", [11] = "avx512_vnni", [12] = "avx512_bitalg",
	[13] = "tme", [14] = "avx512_vpopcntdq", [16] = "la57", [22] = "rdpid",
	[24] = "bus_lock_detect", [25] = "cldemote", [27] = "movdiri",
	[28] = "movdir64b", [29] = "enqcmd", [30] = "sgx_lc",
};
static const char *const edx7_names[32] = {
	[2] = "avx512_4vnniw", [3] = "avx512_4fmaps", [4] = "fsrm",
	[8] = "avx512_vp2intersect", [10] = "md_clear", [14] = "serialize",
	[16] = "tsxldtrk", [18] = "pconfig", [19] = "arch_lbr", [20] = "ibt",
	[22] = "amx_bf16", [23] = "avx512_fp16", [24] = "amx_tile",
	[25] = "amx_int8", [28] = "flush_l1d", [29] = "arch_capabilities",
	[31] = "spec_ctrl_ssbd",
};

static void pb_flags(struct pbuf *b, u32 word, const char *const names[32])
{
	for (int i = 0; i < 32; i++)
		if ((word & (1u << i)) && names[i])
			pb_printf(b, " %s", names[i]);
}

static void cpuinfo_block(struct pbuf *b, const struct host_cpuinfo *ci,
			  int cpu, int ncpus)
{
	const char *name = ci->model_name;

	while (*name == ' ')
		name++;
	pb_printf(b, "processor\t: %d\nvendor_id\t: %s\ncpu family\t: %u\n"
		  "model\t\t: %u\nmodel name\t: %s\nstepping\t: %u\n",
		  cpu, ci->vendor, ci->family, ci->model,
		  *name ? name : "unknown", ci->stepping);
	pb_printf(b, "cpu MHz\t\t: %u.%03u\n", ci->khz / 1000, ci->khz % 1000);
	if (ci->cache_kb)
		pb_printf(b, "cache size\t: %u KB\n", ci->cache_kb);
	pb_printf(b, "physical id\t: 0\nsiblings\t: %d\ncore id\t\t: %d\n"
		  "cpu cores\t: %d\napicid\t\t: %d\ninitial apicid\t: %d\n"
		  "fpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: %u\n"
		  "wp\t\t: yes\nflags\t\t:",
		  ncpus, cpu, ncpus, cpu, cpu, ci->max_leaf);
	pb_flags(b, ci->leaf1_edx, edx1_names);
	pb_flags(b, ci->ext1_edx, ext_edx_names);
	pb_flags(b, ci->leaf1_ecx, ecx1_names);
	pb_flags(b, ci->ext1_ecx, ext_ecx_names);
	pb_flags(b, ci->leaf7_ebx, ebx7_names);
	pb_flags(b, ci->leaf7_ecx, ecx7_names);
	pb_flags(b, ci->leaf7_edx, edx7_names);
	pb_printf(b, "\nbogomips\t: %u.%02u\nclflush size\t: 64\n"
		  "cache_alignment\t: 64\n"
		  "address sizes\t: %u bits physical, %u bits virtual\n"
		  "power management:\n\n",
		  ci->khz * 2 / 1000, ci->khz * 2 % 1000 / 10, ci->phys_bits,
		  ci->virt_bits);
}

static int show_cpuinfo(struct pfs_ctx *c, struct pbuf *b)
{
	static struct host_cpuinfo ci;
	static bool have;
	int n = sched_ncpus();

	(void)c;
	if (!have) {
		host_cpu_info(&ci);
		have = true;
	}
	for (int cpu = 0; cpu < n; cpu++)
		cpuinfo_block(b, &ci, cpu, n);
	return 0;
}

/* ---- time and load ---- */

static s64 uptime_ns(void)
{
	return ktime_mono() - boot_mono;
}

/* CPU time of every process still known, and of the children they
 * reaped: the guest's user time since boot. */
static s64 total_user_ns(void)
{
	struct process *p;
	struct task *t;
	s64 sum = 0;

	list_for_each(p, &all_processes, all_link) {
		sum += p->utime_ns + p->cutime_ns;
		list_for_each(t, &p->threads, thread_link)
			if (t->state != TASK_DEAD)
				sum += task_cpu_ns(t);
	}
	return sum;
}

static s64 idle_ns(s64 user)
{
	s64 idle = uptime_ns() * sched_ncpus() - user;

	return idle > 0 ? idle : 0;
}

static int show_uptime(struct pfs_ctx *c, struct pbuf *b)
{
	u64 up = (u64)uptime_ns() / (NSEC_PER_SEC / 100);
	u64 idle = (u64)idle_ns(total_user_ns()) / (NSEC_PER_SEC / 100);

	(void)c;
	pb_printf(b, "%llu.%02llu %llu.%02llu\n", (unsigned long long)up / 100,
		  (unsigned long long)up % 100, (unsigned long long)idle / 100,
		  (unsigned long long)idle % 100);
	return 0;
}

/* Tasks that run or could: on a CPU, queued, or in user mode. */
static void count_tasks(int *running, int *blocked, int *total)
{
	struct process *p;
	struct task *t;

	*running = *blocked = *total = 0;
	list_for_each(p, &all_processes, all_link) {
		list_for_each(t, &p->threads, thread_link) {
			if (t->state == TASK_DEAD)
				continue;
			++*total;
			if (t->state == TASK_RUNNING || t->state == TASK_USER)
				++*running;
			else if (t->state == TASK_SLEEPING &&
				 !t->sleep_interruptible)
				++*blocked;
		}
	}
}

static int show_loadavg(struct pfs_ctx *c, struct pbuf *b)
{
	int running, blocked, total;

	(void)c;
	count_tasks(&running, &blocked, &total);
	pb_printf(b, "0.00 0.00 0.00 %d/%d %d\n", running, total, pid_last());
	return 0;
}

static void pb_cpu_line(struct pbuf *b, const char *name, u64 user, u64 idle)
{
	pb_printf(b, "%s %llu 0 0 %llu 0 0 0 0 0 0\n", name,
		  (unsigned long long)user, (unsigned long long)idle);
}

static int show_stat(struct pfs_ctx *c, struct pbuf *b)
{
	int n = sched_ncpus(), running, blocked, total;
	s64 user = total_user_ns(), idle = idle_ns(user);
	s64 boot = (ktime_real() - uptime_ns()) / NSEC_PER_SEC;

	(void)c;
	pb_cpu_line(b, "cpu ", (u64)user / TICK_NS, (u64)idle / TICK_NS);
	for (int i = 0; i < n; i++) {
		char name[16];

		ksnprintf(name, sizeof(name), "cpu%d", i);
		pb_cpu_line(b, name, (u64)user / n / TICK_NS,
			    (u64)idle / n / TICK_NS);
	}
	count_tasks(&running, &blocked, &total);
	pb_printf(b, "intr 0\nctxt 0\nbtime %lld\nprocesses %llu\n"
		  "procs_running %d\nprocs_blocked %d\n"
		  "softirq 0 0 0 0 0 0 0 0 0 0 0\n",
		  (long long)boot, (unsigned long long)pid_count(), running,
		  blocked);
	return 0;
}

static int show_version(struct pfs_ctx *c, struct pbuf *b)
{
	(void)c;
	pb_printf(b, "Linux version %s (umk@umk) (umk) #1 SMP umk\n",
		  utsname_release);
	return 0;
}

/* ---- /proc/sys ---- */

static int show_osrelease(struct pfs_ctx *c, struct pbuf *b)
{
	(void)c;
	pb_printf(b, "%s\n", utsname_release);
	return 0;
}

static int show_hostname(struct pfs_ctx *c, struct pbuf *b)
{
	(void)c;
	pb_printf(b, "%s\n", utsname_nodename);
	return 0;
}

static int show_domainname(struct pfs_ctx *c, struct pbuf *b)
{
	(void)c;
	pb_printf(b, "%s\n", domainname);
	return 0;
}

/*
 * A string sysctl (Linux's proc_dostring): a write at offset 0
 * replaces the value, a later one appends at its offset; the value
 * ends at the first newline or NUL and is cut to the buffer's size.
 */
static int store_string(char *value, size_t size, const char *buf,
			size_t len, u64 pos)
{
	size_t cur = strlen(value), n = 0;

	if (pos > cur)
		return 0;
	while (n < len && buf[n] != '\n' && buf[n])
		n++;
	if (n > size - 1 - pos)
		n = size - 1 - pos;
	memcpy(value + pos, buf, n);
	value[pos + n] = 0;
	return 0;
}

static int store_hostname(struct pfs_ctx *c, const char *buf, size_t len,
			  u64 pos)
{
	(void)c;
	return store_string(utsname_nodename, sizeof(utsname_nodename), buf,
			    len, pos);
}

static int store_domainname(struct pfs_ctx *c, const char *buf, size_t len,
			    u64 pos)
{
	(void)c;
	return store_string(domainname, sizeof(domainname), buf, len, pos);
}

static void pb_uuid(struct pbuf *b, const u8 r[16])
{
	for (int i = 0; i < 16; i++) {
		u8 v = r[i];

		if (i == 6)
			v = (v & 0x0f) | 0x40; /* version 4 */
		if (i == 8)
			v = (v & 0x3f) | 0x80; /* RFC 4122 variant */
		pb_printf(b, "%02x%s", v,
			  i == 3 || i == 5 || i == 7 || i == 9 ? "-" : "");
	}
	pb_putc(b, '\n');
}

static int show_boot_id(struct pfs_ctx *c, struct pbuf *b)
{
	static u8 id[16];
	static bool have;

	(void)c;
	if (!have) {
		get_random_bytes(id, sizeof(id));
		have = true;
	}
	pb_uuid(b, id);
	return 0;
}

static int show_uuid(struct pfs_ctx *c, struct pbuf *b)
{
	u8 id[16];

	(void)c;
	get_random_bytes(id, sizeof(id));
	pb_uuid(b, id);
	return 0;
}

#define SYSCTL(n, m, ...) \
	{ .name = n, .mode = S_IFREG | (m), .flags = PE_SYSCTL, __VA_ARGS__ }
#define DIR(n, d) { .name = n, .mode = S_IFDIR | 0555, .dir = d }
#define REG(n, ...) { .name = n, .mode = S_IFREG | 0444, __VA_ARGS__ }

static const struct pfs_entry sys_kernel_random[] = {
	SYSCTL("boot_id", 0444, .show = show_boot_id),
	SYSCTL("entropy_avail", 0444, .value = "256\n"),
	SYSCTL("poolsize", 0444, .value = "256\n"),
	SYSCTL("uuid", 0444, .show = show_uuid),
	{ 0 }
};

static const struct pfs_entry sys_kernel[] = {
	SYSCTL("cap_last_cap", 0444, .value = "40\n"),
	SYSCTL("domainname", 0644, .show = show_domainname,
	       .store = store_domainname),
	SYSCTL("hostname", 0644, .show = show_hostname,
	       .store = store_hostname),
	SYSCTL("ngroups_max", 0444, .value = "65536\n"),
	SYSCTL("osrelease", 0444, .show = show_osrelease),
	SYSCTL("ostype", 0444, .value = "Linux\n"),
	SYSCTL("overflowgid", 0644, .value = "65534\n"),
	SYSCTL("overflowuid", 0644, .value = "65534\n"),
	SYSCTL("pid_max", 0644, .value = "32768\n"),
	DIR("random", sys_kernel_random),
	SYSCTL("randomize_va_space", 0644, .value = "2\n"),
	SYSCTL("threads-max", 0644, .value = "32768\n"),
	SYSCTL("version", 0444, .value = "#1 SMP umk\n"),
	{ 0 }
};

static const struct pfs_entry sys_vm[] = {
	SYSCTL("max_map_count", 0644, .value = "65530\n"),
	SYSCTL("overcommit_memory", 0644, .value = "0\n"),
	SYSCTL("overcommit_ratio", 0644, .value = "50\n"),
	SYSCTL("swappiness", 0644, .value = "60\n"),
	{ 0 }
};

static const struct pfs_entry sys_fs[] = {
	SYSCTL("file-max", 0644, .value = "9223372036854775807\n"),
	SYSCTL("nr_open", 0644, .value = "1048576\n"),
	SYSCTL("pipe-max-size", 0644, .value = "1048576\n"),
	{ 0 }
};

static const struct pfs_entry proc_sys[] = {
	DIR("fs", sys_fs),
	DIR("kernel", sys_kernel),
	DIR("vm", sys_vm),
	{ 0 }
};

/* ---- /proc ---- */

static const struct pfs_entry proc_root_entries[] = {
	REG("cmdline", .value = "umk\n"),
	REG("cpuinfo", .show = show_cpuinfo),
	REG("filesystems", .value = "nodev\tsysfs\nnodev\ttmpfs\n"
				    "nodev\tdevtmpfs\nnodev\tproc\n"
				    "nodev\tpipefs\nnodev\tdevpts\n"
				    "nodev\thostfs\n"),
	REG("loadavg", .show = show_loadavg),
	REG("meminfo", .show = show_meminfo),
	{ .name = "mounts", .mode = S_IFLNK | 0777, .value = "self/mounts" },
	{ .name = "self", .mode = S_IFLNK | 0777, .text = text_self },
	REG("stat", .show = show_stat),
	REG("swaps", .value = "Filename\t\t\t\tType\t\tSize\t\tUsed\t\t"
			      "Priority\n"),
	DIR("sys", proc_sys),
	{ .name = "thread-self", .mode = S_IFLNK | 0777,
	  .text = text_thread_self },
	REG("uptime", .show = show_uptime),
	REG("version", .show = show_version),
	{ 0 }
};

const struct pfs_entry proc_root = {
	.name = "/", .mode = S_IFDIR | 0555, .dir = proc_root_entries,
	.dyn = PD_PIDS,
};
