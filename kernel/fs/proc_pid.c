/*
 * /proc/PID and /proc/PID/task/TID: what procfs shows of a process
 * and of its threads, in Linux's formats (fs/proc/array.c, base.c,
 * task_mmu.c, fd.c of Linux 6.1), from struct process, struct task
 * and the process's mm, files and fs.
 *
 * The generators run with a fresh pfs_ctx (procfs.h): c->proc is the
 * process, c->task the thread shown, c->live a thread that still has
 * memory, files and fs (NULL for a zombie).  A generator that finds
 * no memory shows what Linux shows of a kernel thread or a zombie.
 */
#include "kernel/kernel.h"
#include "kernel/engine.h"
#include "kernel/task.h"
#include "kernel/uaccess.h"
#include "kernel/mm/mm.h"
#include "kernel/fs/procfs.h"
#include "kernel/abi/time.h"

#define PF_RANDOMIZE 0x00400000
#define CAP_FULL 0x000001ffffffffffULL /* CAP_LAST_CAP 40 */
#define TICK_NS (NSEC_PER_SEC / USER_HZ)

/* ---- helpers ---- */

static bool whole_process(const struct pfs_ctx *c)
{
	return !c->node->tid;
}

/* The letter and word of Linux's task states. */
static const char *task_state(const struct pfs_ctx *c)
{
	struct task *t = c->task;

	if (c->proc->zombie || !t || t->state == TASK_DEAD)
		return "Z (zombie)";
	switch (t->state) {
	case TASK_RUNNING:
	case TASK_USER:
		return "R (running)";
	case TASK_STOPPED:
		return "T (stopped)";
	case TASK_SLEEPING:
		return t->sleep_interruptible ? "S (sleeping)"
					       : "D (disk sleep)";
	default:
		return "X (dead)";
	}
}

static s64 thread_cpu_ns(struct task *t)
{
	return t && t->state != TASK_DEAD ? task_cpu_ns(t) : 0;
}

/* User time of what c shows: the thread, or the whole process. */
static s64 user_ns(const struct pfs_ctx *c)
{
	struct task *t;
	s64 sum;

	if (!whole_process(c))
		return thread_cpu_ns(c->task);
	sum = c->proc->utime_ns;
	list_for_each(t, &c->proc->threads, thread_link)
		sum += thread_cpu_ns(t);
	return sum;
}

static u64 ticks(s64 ns)
{
	return ns > 0 ? (u64)ns / TICK_NS : 0;
}

struct mm_stats {
	u64 vm, data, stack, exec, text, rss, anon; /* pages */
};

static void count_anon(pte_t *pte, uaddr_t va, void *arg)
{
	(void)va;
	if (*pte & PTE_ANON)
		++*(u64 *)arg;
}

static void mm_stats(struct mm *mm, struct mm_stats *s)
{
	struct vma *v;

	memset(s, 0, sizeof(*s));
	if (!mm)
		return;
	list_for_each(v, &mm->vmas, link) {
		u64 pages = (v->end - v->start) / PAGE_SIZE;

		s->vm += pages;
		if (v->flags & (VMA_STACK | VMA_GROWSDOWN))
			s->stack += pages;
		else if ((v->prot & PROT_WRITE) && !(v->flags & VMA_SHARED))
			s->data += pages;
		else if (v->prot & PROT_EXEC)
			s->exec += pages;
	}
	s->text = (PAGE_ALIGN(mm->end_code) - PAGE_DOWN(mm->start_code)) /
		  PAGE_SIZE;
	s->rss = mm->rss_pages;
	pt_for_each(&mm->pt, 0, task_size, count_anon, &s->anon);
	s->anon = MIN(s->anon, s->rss);
}

/* Append [start, end) of mm's memory to b; stops at a bad page. */
static void pb_mm(struct pbuf *b, struct mm *mm, uaddr_t start, uaddr_t end)
{
	while (start < end && !b->failed) {
		size_t chunk = MIN(end - start, PAGE_SIZE - (start & ~PAGE_MASK));
		const char *p = user_ptr(mm, start, false);

		if (!p)
			break;
		pb_write(b, p, chunk);
		start += chunk;
	}
}

/* The reader's root, to name paths as it sees them. */
static const struct path *reader_root(const struct pfs_ctx *c)
{
	return c->reader->fs ? &c->reader->fs->root : &root_path;
}

/* ---- stat, statm, status ---- */

static u64 sig_low(sigset_t s)
{
	return s & 0x7fffffffULL;
}

static void sig_masks(const struct pfs_ctx *c, sigset_t *ign, sigset_t *cgt)
{
	struct sighand *sh = c->proc->sighand;

	*ign = *cgt = 0;
	for (int sig = 1; sh && sig <= NSIG; sig++) {
		u64 h = sh->action[sig - 1].handler;

		if (h == SIG_IGN)
			*ign |= 1ULL << (sig - 1);
		else if (h != SIG_DFL)
			*cgt |= 1ULL << (sig - 1);
	}
}

static int show_stat(struct pfs_ctx *c, struct pbuf *b)
{
	struct process *p = c->proc;
	struct task *t = c->task;
	struct mm *mm = ctx_mm(c);
	bool permitted = pfs_may_ptrace(c->reader, p);
	bool whole = whole_process(c);
	struct mm_stats ms;
	sigset_t ign, cgt;
	const char *state = task_state(c);
	int exit_signal = t == p->leader ? p->exit_signal : -1;

	mm_stats(mm, &ms);
	sig_masks(c, &ign, &cgt);
	pb_printf(b, "%d (%s) %c %d %d %d 0 -1 %u 0 0 0 0 ",
		  whole ? p->pid : t->tid, task_comm(t), state[0],
		  p->parent ? p->parent->pid : 0, p->pgid, p->sid, PF_RANDOMIZE);
	pb_printf(b, "%llu %llu %llu %llu 20 0 %d 0 %llu %llu %llu %llu ",
		  (unsigned long long)ticks(user_ns(c)),
		  (unsigned long long)ticks(whole ? p->stime_ns : 0),
		  (unsigned long long)ticks(whole ? p->cutime_ns : 0),
		  (unsigned long long)ticks(whole ? p->cstime_ns : 0),
		  p->nr_threads, (unsigned long long)ticks(p->start_ns - boot_mono),
		  (unsigned long long)(ms.vm * PAGE_SIZE),
		  (unsigned long long)ms.rss,
		  (unsigned long long)p->rlim[RLIMIT_RSS].rlim_cur);
	pb_printf(b, "%llu %llu %llu 0 0 ",
		  (unsigned long long)(mm ? (permitted ? mm->start_code : 1) : 0),
		  (unsigned long long)(mm ? (permitted ? mm->end_code : 1) : 0),
		  (unsigned long long)(mm && permitted ? mm->start_stack : 0));
	pb_printf(b, "%llu %llu %llu %llu %d 0 0 %d 0 0 0 0 0 0 ",
		  (unsigned long long)sig_low(t->pending.set |
					      (whole ? p->shared_pending.set : 0)),
		  (unsigned long long)sig_low(t->blocked),
		  (unsigned long long)sig_low(ign),
		  (unsigned long long)sig_low(cgt),
		  permitted && state[0] != 'R' && state[0] != 'Z' &&
			  (!whole || p->nr_threads < 2),
		  exit_signal);
	if (mm && permitted)
		pb_printf(b, "%llu %llu %llu %llu %llu %llu %llu",
			  (unsigned long long)mm->start_data,
			  (unsigned long long)mm->end_data,
			  (unsigned long long)mm->start_brk,
			  (unsigned long long)mm->arg_start,
			  (unsigned long long)mm->arg_end,
			  (unsigned long long)mm->env_start,
			  (unsigned long long)mm->env_end);
	else
		pb_puts(b, "0 0 0 0 0 0 0");
	pb_printf(b, " %d\n", permitted && p->zombie ? p->exit_code : 0);
	return 0;
}

static int show_statm(struct pfs_ctx *c, struct pbuf *b)
{
	struct mm_stats ms;

	mm_stats(ctx_mm(c), &ms);
	pb_printf(b, "%llu %llu %llu %llu 0 %llu 0\n",
		  (unsigned long long)ms.vm, (unsigned long long)ms.rss,
		  (unsigned long long)(ms.rss - ms.anon),
		  (unsigned long long)ms.text,
		  (unsigned long long)(ms.data + ms.stack));
	return 0;
}

static void pb_kb(struct pbuf *b, const char *name, u64 pages)
{
	pb_printf(b, "%s\t%8llu kB\n", name,
		  (unsigned long long)(pages * (PAGE_SIZE / 1024)));
}

static void status_mm(struct pbuf *b, struct mm *mm)
{
	struct mm_stats ms;

	mm_stats(mm, &ms);
	pb_kb(b, "VmPeak:", ms.vm);
	pb_kb(b, "VmSize:", ms.vm);
	pb_kb(b, "VmLck:", 0);
	pb_kb(b, "VmPin:", 0);
	pb_kb(b, "VmHWM:", ms.rss);
	pb_kb(b, "VmRSS:", ms.rss);
	pb_kb(b, "RssAnon:", ms.anon);
	pb_kb(b, "RssFile:", ms.rss - ms.anon);
	pb_kb(b, "RssShmem:", 0);
	pb_kb(b, "VmData:", ms.data);
	pb_kb(b, "VmStk:", ms.stack);
	pb_kb(b, "VmExe:", ms.text);
	pb_kb(b, "VmLib:", ms.exec > ms.text ? ms.exec - ms.text : 0);
	pb_kb(b, "VmPTE:", 0);
	pb_kb(b, "VmSwap:", 0);
	pb_kb(b, "HugetlbPages:", 0);
}

/* A CPU bitmap as Linux's "%*pb": 32-bit words, high first. */
static void pb_cpumask(struct pbuf *b, int ncpus)
{
	for (int w = (ncpus - 1) / 32; w >= 0; w--) {
		int bits = MIN(32, ncpus - w * 32);
		u32 word = bits == 32 ? 0xffffffffu : (1u << bits) - 1;
		int digits = w == (ncpus - 1) / 32 ? (bits + 3) / 4 : 8;

		pb_printf(b, "%0*x%s", digits, word, w ? "," : "");
	}
}

static void pb_cpulist(struct pbuf *b, int ncpus)
{
	if (ncpus > 1)
		pb_printf(b, "0-%d", ncpus - 1);
	else
		pb_puts(b, "0");
}

static int count_queued(const struct sigpending *sp)
{
	struct sigqueue *q;
	int n = 0;

	list_for_each(q, &sp->queue, link)
		n++;
	return n;
}

static void status_ids(const struct pfs_ctx *c, struct pbuf *b)
{
	struct process *p = c->proc;
	const struct creds *cr = &p->cred;
	pid_t pid = whole_process(c) ? p->pid : c->task->tid;

	pb_printf(b, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n",
		  p->pid, pid, p->parent ? p->parent->pid : 0);
	pb_printf(b, "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n", cr->uid,
		  cr->euid, cr->suid, cr->fsuid, cr->gid, cr->egid, cr->sgid,
		  cr->fsgid);
	pb_printf(b, "FDSize:\t%d\nGroups:\t",
		  c->live ? c->live->files->max : 0);
	for (int i = 0; i < cr->ngroups; i++)
		pb_printf(b, "%s%u", i ? " " : "", cr->groups[i]);
	pb_printf(b, " \nNStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n",
		  p->pid, pid, p->pgid, p->sid);
}

static void status_signals(const struct pfs_ctx *c, struct pbuf *b)
{
	struct process *p = c->proc;
	struct task *t = c->task;
	sigset_t ign, cgt;
	u64 caps = p->cred.euid == 0 ? CAP_FULL : 0;

	sig_masks(c, &ign, &cgt);
	pb_printf(b, "Threads:\t%d\nSigQ:\t%d/%llu\n", p->nr_threads,
		  count_queued(&t->pending) + count_queued(&p->shared_pending),
		  (unsigned long long)p->rlim[RLIMIT_SIGPENDING].rlim_cur);
	pb_printf(b, "SigPnd:\t%016llx\nShdPnd:\t%016llx\nSigBlk:\t%016llx\n"
		  "SigIgn:\t%016llx\nSigCgt:\t%016llx\n",
		  (unsigned long long)t->pending.set,
		  (unsigned long long)p->shared_pending.set,
		  (unsigned long long)t->blocked, (unsigned long long)ign,
		  (unsigned long long)cgt);
	pb_printf(b, "CapInh:\t%016llx\nCapPrm:\t%016llx\nCapEff:\t%016llx\n"
		  "CapBnd:\t%016llx\nCapAmb:\t%016llx\n", 0ULL,
		  (unsigned long long)caps, (unsigned long long)caps, CAP_FULL,
		  0ULL);
	pb_puts(b, "NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n"
		   "Speculation_Store_Bypass:\tthread vulnerable\n"
		   "SpeculationIndirectBranch:\tconditional enabled\n");
}

static int show_status(struct pfs_ctx *c, struct pbuf *b)
{
	pb_puts(b, "Name:\t");
	for (const char *s = task_comm(c->task); *s; s++) {
		if (*s == '\n')
			pb_puts(b, "\\n");
		else if (*s == '\\')
			pb_puts(b, "\\\\");
		else
			pb_putc(b, *s);
	}
	pb_putc(b, '\n');
	if (c->live)
		pb_printf(b, "Umask:\t%04o\n", c->live->fs->umask);
	pb_printf(b, "State:\t%s\n", task_state(c));
	status_ids(c, b);
	if (ctx_mm(c))
		status_mm(b, ctx_mm(c));
	pb_puts(b, "CoreDumping:\t0\nTHP_enabled:\t1\n");
	status_signals(c, b);
	pb_puts(b, "Cpus_allowed:\t");
	pb_cpumask(b, sched_ncpus());
	pb_puts(b, "\nCpus_allowed_list:\t");
	pb_cpulist(b, sched_ncpus());
	pb_puts(b, "\nMems_allowed:\t00000000,00000001\nMems_allowed_list:\t0\n"
		   "voluntary_ctxt_switches:\t0\n"
		   "nonvoluntary_ctxt_switches:\t0\n");
	return 0;
}

/* ---- memory: cmdline, environ, maps ---- */

static int show_cmdline(struct pfs_ctx *c, struct pbuf *b)
{
	struct mm *mm = ctx_mm(c);
	uaddr_t start, end;

	if (!mm || mm->arg_end <= mm->arg_start)
		return 0;
	start = mm->arg_start;
	end = MIN(mm->arg_end, start + PBUF_MAX / 2);
	mm_get(mm);
	pb_mm(b, mm, start, end);
	/*
	 * setproctitle(): when the NUL that ended the arguments was
	 * overwritten, the command line runs on, into the environment,
	 * up to the first NUL (as Linux's get_mm_cmdline).
	 */
	if (b->len == end - start && b->len && b->buf[b->len - 1]) {
		size_t n = strnlen(b->buf, b->len);

		if (n < b->len) {
			b->len = n;
		} else if (mm->env_end > end) {
			pb_mm(b, mm, end, MIN(mm->env_end, end + PAGE_SIZE));
			b->len = strnlen(b->buf, b->len);
		}
	}
	mm_put(mm);
	return 0;
}

static int show_environ(struct pfs_ctx *c, struct pbuf *b)
{
	struct mm *mm = ctx_mm(c);

	if (!mm || mm->env_end <= mm->env_start)
		return 0;
	mm_get(mm);
	pb_mm(b, mm, mm->env_start,
	      MIN(mm->env_end, mm->env_start + PBUF_MAX / 2));
	mm_put(mm);
	return 0;
}

/* What maps names a mapping: a path, [heap], [stack], or nothing. */
static void vma_name(const struct pfs_ctx *c, struct mm *mm, struct vma *v,
		     struct pbuf *b)
{
	if (v->file) {
		pfs_file_name(v->file, reader_root(c), b);
		return;
	}
	if (v->flags & VMA_HEAP)
		pb_puts(b, "[heap]");
	else if ((v->flags & VMA_STACK) ||
		 (v->start <= mm->start_stack && v->end >= mm->start_stack))
		pb_puts(b, "[stack]");
}

/* End the maps line begun at start: the name at column 73, as seq_pad()s. */
static void maps_name(struct pbuf *b, size_t start, const char *name,
		      size_t len)
{
	if (len) {
		for (size_t width = b->len - start; width < 72; width++)
			pb_putc(b, ' ');
		pb_putc(b, ' ');
		pb_write(b, name, len);
	}
	pb_putc(b, '\n');
}

static int show_maps(struct pfs_ctx *c, struct pbuf *b)
{
	struct mm *mm = ctx_mm(c);
	struct vma *v;

	if (!mm)
		return 0;
	list_for_each(v, &mm->vmas, link) {
		struct inode *inode = NULL;
		size_t start = b->len;

		/* The inode the guest sees: the overlay's for backing files. */
		if (v->file)
			inode = v->file->path.dentry->inode ? v->file->path.dentry->inode
							    : v->file->f_inode;
		pb_printf(b, "%08llx-%08llx %c%c%c%c %08llx %02x:%02x %llu ",
			  (unsigned long long)v->start,
			  (unsigned long long)v->end,
			  (v->prot & PROT_READ) ? 'r' : '-',
			  (v->prot & PROT_WRITE) ? 'w' : '-',
			  (v->prot & PROT_EXEC) ? 'x' : '-',
			  (v->flags & VMA_SHARED) ? 's' : 'p',
			  (unsigned long long)(v->file ? v->pgoff * PAGE_SIZE : 0),
			  inode ? dev_major(inode->sb->dev) : 0,
			  inode ? dev_minor(inode->sb->dev) : 0,
			  (unsigned long long)(inode ? inode->ino : 0));
		{
			struct pbuf name = { 0 };

			vma_name(c, mm, v, &name);
			maps_name(b, start, name.buf, name.len);
			pb_free(&name);
		}
	}
	/* The host's special mappings, above every guest mapping. */
	for (int i = 0; i < engine->nspecials; i++) {
		const struct engine_special *sp = &engine->specials[i];
		size_t start = b->len;

		pb_printf(b, "%08llx-%08llx %s 00000000 00:00 0 ",
			  (unsigned long long)sp->start,
			  (unsigned long long)sp->end, sp->perms);
		maps_name(b, start, sp->name, strlen(sp->name));
	}
	return 0;
}

/* The auxiliary vector the process was started with (binary). */
static int show_auxv(struct pfs_ctx *c, struct pbuf *b)
{
	struct mm *mm = ctx_mm(c);

	if (mm)
		pb_write(b, mm->saved_auxv, mm->nauxv * sizeof(u64));
	return 0;
}

/* ---- small files ---- */

static int show_comm(struct pfs_ctx *c, struct pbuf *b)
{
	pb_printf(b, "%s\n", task_comm(c->task));
	return 0;
}

/* Linux lets a thread group rename itself only. */
static int store_comm(struct pfs_ctx *c, const char *buf, size_t len,
		      u64 pos)
{
	char name[16] = { 0 };

	(void)pos;
	if (c->reader->proc != c->proc)
		return -EINVAL;
	memcpy(name, buf, MIN(len, sizeof(name) - 1));
	memcpy(task_comm(c->task), name, sizeof(name));
	return 0;
}

static int store_oom_score_adj(struct pfs_ctx *c, const char *buf,
			       size_t len, u64 pos)
{
	const char *s = buf;
	u64 v;
	char tmp[16];

	(void)c, (void)pos;
	len = strnlen(buf, len);
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		len--;
	if (len && *s == '-') {
		s++;
		len--;
	}
	if (!len || len >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, s, len);
	tmp[len] = 0;
	if (kstrtou64(tmp, &v) < 0 || v > 1000)
		return -EINVAL;
	return 0; /* accepted; umk has no OOM killer to steer */
}

static const struct {
	const char *name, *unit;
} limit_names[RLIM_NLIMITS] = {
	{ "Max cpu time", "seconds" },
	{ "Max file size", "bytes" },
	{ "Max data size", "bytes" },
	{ "Max stack size", "bytes" },
	{ "Max core file size", "bytes" },
	{ "Max resident set", "bytes" },
	{ "Max processes", "processes" },
	{ "Max open files", "files" },
	{ "Max locked memory", "bytes" },
	{ "Max address space", "bytes" },
	{ "Max file locks", "locks" },
	{ "Max pending signals", "signals" },
	{ "Max msgqueue size", "bytes" },
	{ "Max nice priority", NULL },
	{ "Max realtime priority", NULL },
	{ "Max realtime timeout", "us" },
};

static void pb_limit(struct pbuf *b, u64 v)
{
	if (v == RLIM_INFINITY)
		pb_printf(b, "%-20s ", "unlimited");
	else
		pb_printf(b, "%-20llu ", (unsigned long long)v);
}

static int show_limits(struct pfs_ctx *c, struct pbuf *b)
{
	pb_printf(b, "%-25s %-20s %-20s %-10s\n", "Limit", "Soft Limit",
		  "Hard Limit", "Units");
	for (int i = 0; i < RLIM_NLIMITS; i++) {
		pb_printf(b, "%-25s ", limit_names[i].name);
		pb_limit(b, c->proc->rlim[i].rlim_cur);
		pb_limit(b, c->proc->rlim[i].rlim_max);
		if (limit_names[i].unit)
			pb_printf(b, "%-10s\n", limit_names[i].unit);
		else
			pb_putc(b, '\n');
	}
	return 0;
}

/* ---- mounts ---- */

/* Is the mount point of m at or below root? */
static bool mount_visible(struct mount *m, const struct path *root)
{
	struct dentry *d = m->root;

	for (;;) {
		if (m == root->mnt && d == root->dentry)
			return true;
		if (d == m->root) {
			if (m->parent == m)
				return false;
			d = m->mountpoint;
			m = m->parent;
			continue;
		}
		d = d->parent;
	}
}

/* A path as /proc/mounts writes it: space, tab, newline, backslash
 * as octal escapes. */
static void pb_mangle(struct pbuf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];

		if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\\')
			pb_printf(b, "\\%03o", (unsigned)(u8)ch);
		else
			pb_putc(b, ch);
	}
}

static void pb_mountpoint(struct pbuf *b, struct mount *m,
			  const struct path *root)
{
	struct path p = { m, m->root };
	char *buf = kmalloc(PATH_MAX);
	int n = d_path(&p, root, buf, PATH_MAX);

	if (n >= 0)
		pb_mangle(b, buf, (size_t)n);
	else
		b->failed = true;
	kfree(buf);
}

static void pb_mount_opts(struct pbuf *b, struct mount *m)
{
	struct path p = { m, m->root };

	pb_puts(b, path_readonly(&p) ? "ro" : "rw");
	if (m->flags & MNT_NOSUID)
		pb_puts(b, ",nosuid");
	if (m->flags & MNT_NODEV)
		pb_puts(b, ",nodev");
	if (m->flags & MNT_NOEXEC)
		pb_puts(b, ",noexec");
	pb_puts(b, ",relatime");
}

static const char *mount_source(struct mount *m)
{
	return m->parent == m ? "/dev/root" : m->sb->type;
}

/* The mount namespace, from the root of what c's process sees. */
static const struct path *mounts_root(const struct pfs_ctx *c)
{
	if (c->live)
		return &c->live->fs->root;
	return reader_root(c);
}

int proc_show_mounts(struct pfs_ctx *c, struct pbuf *b)
{
	const struct path *root = mounts_root(c);
	struct mount *m;

	if (c->proc && !c->live)
		return 0;
	list_for_each(m, &mount_list, link) {
		if (!mount_visible(m, root))
			continue;
		pb_printf(b, "%s ", mount_source(m));
		pb_mountpoint(b, m, root);
		pb_printf(b, " %s ", m->sb->type);
		pb_mount_opts(b, m);
		pb_puts(b, " 0 0\n");
	}
	return 0;
}

int proc_show_mountinfo(struct pfs_ctx *c, struct pbuf *b)
{
	const struct path *root = mounts_root(c);
	struct mount *m;

	if (c->proc && !c->live)
		return 0;
	list_for_each(m, &mount_list, link) {
		if (!mount_visible(m, root))
			continue;
		/* The root mount's parent is outside the namespace, as
		   Linux's rootfs: an id no other line has. */
		pb_printf(b, "%d %d %u:%u / ", m->id,
			  m->parent == m ? 1 : m->parent->id,
			  dev_major(m->sb->dev), dev_minor(m->sb->dev));
		pb_mountpoint(b, m, root);
		pb_putc(b, ' ');
		pb_mount_opts(b, m);
		pb_printf(b, " - %s %s %s\n", m->sb->type, mount_source(m),
			  (m->sb->flags & SB_RDONLY) ? "ro" : "rw");
	}
	return 0;
}

/* ---- links: exe, cwd, root, fd/N ---- */

static int fs_path(const struct pfs_ctx *c, bool cwd, struct path *out)
{
	if (!c->live)
		return -ENOENT;
	*out = cwd ? c->live->fs->cwd : c->live->fs->root;
	return 0;
}

static int exe_path(const struct pfs_ctx *c, struct path *out)
{
	struct mm *mm = ctx_mm(c);

	if (!mm || !mm->exe)
		return -ENOENT;
	*out = mm->exe->path;
	return 0;
}

static int link_get(int rc, struct path *p, struct path *out)
{
	if (rc < 0)
		return rc;
	*out = *p;
	path_get(out);
	return 0;
}

static int link_cwd(struct pfs_ctx *c, struct path *out)
{
	struct path p;

	return link_get(fs_path(c, true, &p), &p, out);
}

static int link_root(struct pfs_ctx *c, struct path *out)
{
	struct path p;

	return link_get(fs_path(c, false, &p), &p, out);
}

static int link_exe(struct pfs_ctx *c, struct path *out)
{
	struct path p;

	return link_get(exe_path(c, &p), &p, out);
}

static int text_path(struct pfs_ctx *c, int rc, struct path *p,
		     struct pbuf *b)
{
	if (rc < 0)
		return rc;
	pfs_path_name(p, reader_root(c), b);
	return 0;
}

static int text_cwd(struct pfs_ctx *c, struct pbuf *b)
{
	struct path p;

	return text_path(c, fs_path(c, true, &p), &p, b);
}

static int text_root(struct pfs_ctx *c, struct pbuf *b)
{
	struct path p;

	return text_path(c, fs_path(c, false, &p), &p, b);
}

static int text_exe(struct pfs_ctx *c, struct pbuf *b)
{
	struct path p;

	return text_path(c, exe_path(c, &p), &p, b);
}

static int link_fd(struct pfs_ctx *c, struct path *out)
{
	struct file *f = pfs_fget(c, c->node->num);

	if (!f)
		return -ENOENT;
	*out = f->path;
	path_get(out);
	file_put(f);
	return 0;
}

static int text_fd(struct pfs_ctx *c, struct pbuf *b)
{
	struct file *f = pfs_fget(c, c->node->num);

	if (!f)
		return -ENOENT;
	pfs_file_name(f, reader_root(c), b);
	file_put(f);
	return 0;
}

static int show_fdinfo(struct pfs_ctx *c, struct pbuf *b)
{
	struct file *f = pfs_fget(c, c->node->num);
	unsigned flags;

	if (!f)
		return -ENOENT;
	flags = f->f_flags;
	if (fd_cloexec(c->live, c->node->num))
		flags |= O_CLOEXEC;
	pb_printf(b, "pos:\t%lld\nflags:\t0%o\nmnt_id:\t%d\nino:\t%llu\n",
		  (long long)f->pos, flags, f->path.mnt->id,
		  (unsigned long long)f->f_inode->ino);
	file_put(f);
	return 0;
}

/* ---- the tables ---- */

#define REG(n, m, ...) { .name = n, .mode = S_IFREG | (m), __VA_ARGS__ }
#define LNK(n, ...) { .name = n, .mode = S_IFLNK | 0777, __VA_ARGS__ }

const struct pfs_entry proc_pid_entries[] = {
	REG("cgroup", 0444, .value = "0::/\n"),
	REG("cmdline", 0444, .show = show_cmdline),
	REG("comm", 0644, .show = show_comm, .store = store_comm),
	LNK("cwd", .text = text_cwd, .link = link_cwd),
	REG("environ", 0400, .flags = PE_PTRACE, .show = show_environ),
	REG("auxv", 0400, .flags = PE_PTRACE, .show = show_auxv),
	LNK("exe", .text = text_exe, .link = link_exe),
	{ .name = "fd", .mode = S_IFDIR | 0500, .dyn = PD_FDS },
	{ .name = "fdinfo", .mode = S_IFDIR | 0555, .dyn = PD_FDINFOS },
	REG("limits", 0444, .show = show_limits),
	REG("loginuid", 0644, .value = "4294967295"),
	REG("maps", 0444, .flags = PE_PTRACE, .show = show_maps),
	REG("mountinfo", 0444, .show = proc_show_mountinfo),
	REG("mounts", 0444, .show = proc_show_mounts),
	REG("oom_adj", 0644, .value = "0\n"),
	REG("oom_score", 0444, .value = "0\n"),
	REG("oom_score_adj", 0644, .value = "0\n",
	    .store = store_oom_score_adj),
	LNK("root", .text = text_root, .link = link_root),
	REG("sessionid", 0444, .value = "4294967295"),
	REG("stat", 0444, .show = show_stat),
	REG("statm", 0444, .show = show_statm),
	REG("status", 0444, .show = show_status),
	{ .name = "task", .mode = S_IFDIR | 0555, .flags = PE_PROCESS,
	  .dyn = PD_TASKS },
	{ 0 }
};

const struct pfs_entry proc_pid_dir = {
	.name = "PID", .mode = S_IFDIR | 0555, .dir = proc_pid_entries,
};

const struct pfs_entry proc_tid_dir = {
	.name = "TID", .mode = S_IFDIR | 0555, .dir = proc_pid_entries,
};

const struct pfs_entry proc_fd_entry = {
	.name = "N", .mode = S_IFLNK | 0700, .text = text_fd, .link = link_fd,
};

const struct pfs_entry proc_fdinfo_entry = {
	.name = "N", .mode = S_IFREG | 0444, .show = show_fdinfo,
};
