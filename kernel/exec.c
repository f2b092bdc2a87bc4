/*
 * execve: gather argv and envp, follow #! interpreters, load the ELF
 * into a new address space, build the initial stack (strings, auxv,
 * pointers) and switch the task over.  Until the switch the old
 * program is untouched, so a failing exec returns an error to it.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/exec.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "kernel/abi/elf.h"
#include "kernel/mm/mm.h"
#include "kernel/fs/vfs.h"
#include "host/host.h"

#define MAX_ARG_STRLEN (32 * PAGE_SIZE)
#define BINPRM_BUF_SIZE 256
#define MAX_INTERP_DEPTH 4
#define STACK_INITIAL (128 * 1024)

/* ---- arguments ---- */

static void args_init(struct task *t, struct exec_args *a)
{
	u64 stack = t->proc->rlim[RLIMIT_STACK].rlim_cur;

	/* Linux: a quarter of the stack limit, at least 32 pages, and at
	   most three quarters of the default 8 MiB stack. */
	memset(a, 0, sizeof(*a));
	a->limit = stack == RLIM_INFINITY ? (6ULL << 20)
		   : MIN(MAX(stack / 4, 32 * PAGE_SIZE), 6ULL << 20);
}

static int args_add(struct exec_args *a, const char *s, size_t len)
{
	if (len + 1 > MAX_ARG_STRLEN)
		return -E2BIG;
	/* Each string also costs a pointer on the stack. */
	if (a->len + len + 1 + (a->argc + a->envc + 1) * 8 > a->limit)
		return -E2BIG;
	if (a->len + len + 1 > a->cap) {
		a->cap = MAX(a->cap * 2, a->len + len + 1 + 4096);
		a->buf = krealloc(a->buf, a->cap);
	}
	memcpy(a->buf + a->len, s, len);
	a->buf[a->len + len] = 0;
	a->len += len + 1;
	return 0;
}

/* Copy a guest string vector; envp counts into envc. */
static int args_copy_user(struct exec_args *a, uaddr_t uvec, bool env)
{
	char *tmp;
	int rc = 0;

	if (!uvec)
		return 0;
	tmp = kmalloc(MAX_ARG_STRLEN);
	for (;;) {
		u64 up;
		long n;

		if (get_user(up, uvec)) {
			rc = -EFAULT;
			break;
		}
		if (!up)
			break;
		n = strncpy_from_user(tmp, up, MAX_ARG_STRLEN);
		if (n < 0) {
			rc = n == -ENAMETOOLONG ? -E2BIG : (int)n;
			break;
		}
		rc = args_add(a, tmp, n);
		if (rc < 0)
			break;
		if (env)
			a->envc++;
		else
			a->argc++;
		uvec += 8;
	}
	kfree(tmp);
	return rc;
}

static int args_copy_kernel(struct exec_args *a, char *const *vec, bool env)
{
	for (; vec && *vec; vec++) {
		int rc = args_add(a, *vec, strlen(*vec));

		if (rc < 0)
			return rc;
		if (env)
			a->envc++;
		else
			a->argc++;
	}
	return 0;
}

/* Replace argv[0] by the interpreter words and the script's path. */
static int args_shebang(struct exec_args *a, const char *interp,
			const char *arg, const char *script)
{
	struct exec_args n = { .limit = a->limit };
	char *p = a->buf;
	int rc;

	rc = args_add(&n, interp, strlen(interp));
	if (rc == 0 && arg)
		rc = args_add(&n, arg, strlen(arg));
	if (rc == 0)
		rc = args_add(&n, script, strlen(script));
	n.argc = arg ? 3 : 2;
	if (a->argc) /* drop the old argv[0] */
		p += strlen(p) + 1;
	if (rc == 0 && p < a->buf + a->len) {
		size_t rest = a->buf + a->len - p;

		if (n.len + rest + (n.argc + a->argc - 1 + a->envc + 1) * 8 >
		    n.limit) {
			rc = -E2BIG;
		} else {
			n.cap = n.len + rest;
			n.buf = krealloc(n.buf, n.cap);
			memcpy(n.buf + n.len, p, rest);
			n.len += rest;
		}
	}
	if (rc < 0) {
		kfree(n.buf);
		return rc;
	}
	n.argc += a->argc ? a->argc - 1 : 0;
	n.envc = a->envc;
	kfree(a->buf);
	*a = n;
	return 0;
}

/* Parse "#!interp [arg]" in buf; 0, -ENOEXEC when buf is not a script. */
static int parse_shebang(char *buf, size_t len, char **interp, char **arg)
{
	char *p, *end;

	if (len < 2 || buf[0] != '#' || buf[1] != '!')
		return -ENOEXEC;
	buf[len < BINPRM_BUF_SIZE ? len : BINPRM_BUF_SIZE - 1] = 0;
	end = strchr(buf, '\n');
	if (!end) {
		if (len >= BINPRM_BUF_SIZE - 1)
			return -ENOEXEC; /* interpreter line too long */
		end = buf + strlen(buf);
	}
	*end = 0;
	for (p = end - 1; p > buf + 1 && (*p == ' ' || *p == '\t'); p--)
		*p = 0;
	for (p = buf + 2; *p == ' ' || *p == '\t'; p++)
		;
	if (!*p)
		return -ENOEXEC;
	*interp = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	*arg = NULL;
	if (*p) {
		*p++ = 0;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p)
			*arg = p;
	}
	return 0;
}

/* ---- the initial stack ---- */

struct stack_builder {
	struct mm *mm;
	uaddr_t sp;
};

static int push_bytes(struct stack_builder *sb, const void *p, size_t n)
{
	sb->sp -= n;
	return copy_to_mm(sb->mm, sb->sp, p, n);
}

static int build_stack(struct task *t, struct mm *mm, struct exec_args *a,
		       const char *execfn, const struct elf_image *img,
		       uaddr_t stack_top)
{
	struct stack_builder sb = { mm, stack_top };
	int nptr = 1 + a->argc + 1 + a->envc + 1;
	const struct creds *c = &t->proc->cred;
	uaddr_t strings, execfn_at, platform_at, random_at, sp;
	u64 auxv[2 * 24], *vec;
	u8 rnd[16];
	int n = 0, rc;
	char *s;

	rc = push_bytes(&sb, &(u64){ 0 }, 8);
	if (rc == 0)
		rc = push_bytes(&sb, execfn, strlen(execfn) + 1);
	execfn_at = sb.sp;
	if (rc == 0)
		rc = push_bytes(&sb, a->buf, a->len);
	strings = sb.sp;
	if (rc == 0)
		rc = push_bytes(&sb, "x86_64", 7);
	platform_at = sb.sp;
	get_random_bytes(rnd, sizeof(rnd));
	if (rc == 0)
		rc = push_bytes(&sb, rnd, sizeof(rnd));
	random_at = sb.sp;
	if (rc < 0)
		return rc;
#define AUX(k, v) (auxv[n++] = (k), auxv[n++] = (v))
	AUX(AT_HWCAP, host_cpu_hwcap());
	AUX(AT_PAGESZ, PAGE_SIZE);
	AUX(AT_CLKTCK, 100);
	AUX(AT_PHDR, img->phdr);
	AUX(AT_PHENT, img->phent);
	AUX(AT_PHNUM, img->phnum);
	AUX(AT_BASE, img->interp_base);
	AUX(AT_FLAGS, 0);
	AUX(AT_ENTRY, img->prog_entry);
	AUX(AT_UID, c->uid);
	AUX(AT_EUID, c->euid);
	AUX(AT_GID, c->gid);
	AUX(AT_EGID, c->egid);
	AUX(AT_SECURE, 0);
	AUX(AT_RANDOM, random_at);
	AUX(AT_HWCAP2, 0);
	AUX(AT_EXECFN, execfn_at);
	AUX(AT_PLATFORM, platform_at);
	AUX(AT_MINSIGSTKSZ, engine->fpu_size + 1024);
	if (engine->vdso)
		AUX(AT_SYSINFO_EHDR, engine->vdso);
	AUX(AT_NULL, 0);
#undef AUX
	sp = ALIGN_DOWN(sb.sp - (nptr * 8 + n * 8), 16);
	vec = kmalloc(nptr * 8 + n * 8);
	vec[0] = a->argc;
	s = a->buf;
	for (int i = 0; i < a->argc + a->envc; i++) {
		int slot = i < a->argc ? 1 + i : 2 + i;

		vec[slot] = strings + (s - a->buf);
		s += strlen(s) + 1;
	}
	vec[1 + a->argc] = 0;
	vec[2 + a->argc + a->envc] = 0;
	memcpy(vec + nptr, auxv, n * 8);
	rc = copy_to_mm(mm, sp, vec, nptr * 8 + n * 8);
	kfree(vec);
	if (rc < 0)
		return rc;
	mm->start_stack = sp;
	memcpy(mm->saved_auxv, auxv, n * 8);
	mm->nauxv = n;
	mm->arg_start = strings;
	mm->env_start = strings;
	s = a->buf;
	for (int i = 0; i < a->argc; i++)
		s += strlen(s) + 1;
	mm->arg_end = mm->env_start = strings + (s - a->buf);
	mm->env_end = strings + a->len;
	t->regs.rsp = sp;
	return 0;
}

/* ---- the exec ---- */

static void set_comm(struct process *p, const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	kstrlcpy(p->comm, base, sizeof(p->comm));
}

/* Lay out a fresh mm: stack at the top, mmap area below it. */
static uaddr_t layout(struct task *t, struct mm *mm)
{
	u64 gap = t->proc->rlim[RLIMIT_STACK].rlim_cur;
	uaddr_t stack_top = task_size - rand_range(1ULL << 22) * PAGE_SIZE;

	gap = MAX(MIN(gap, task_size / 6 * 5), 128ULL << 20);
	mm->mmap_base = PAGE_DOWN(stack_top - gap - rand_range(1ULL << 28) *
						       PAGE_SIZE);
	return stack_top;
}

static int open_exec(struct task *t, int dirfd, const char *path, int flags,
		     struct file **out)
{
	struct file *f;
	int rc;

	rc = vfs_open(t, dirfd, path,
		      O_RDONLY | ((flags & AT_SYMLINK_NOFOLLOW) ? O_NOFOLLOW : 0),
		      0, &f);
	if (rc == -ELOOP && (flags & AT_SYMLINK_NOFOLLOW))
		return -ELOOP;
	if (rc < 0)
		return rc;
	if (!S_ISREG(f->f_inode->mode) || (f->path.mnt->flags & MNT_NOEXEC))
		rc = -EACCES;
	else
		rc = inode_permission(t, f->f_inode, MAY_EXEC);
	if (rc < 0) {
		file_put(f);
		return rc;
	}
	*out = f;
	return 0;
}

/*
 * The point of no return of an exec by a thread: every other thread of
 * the process exits (as if killed, without exit_group), and the caller
 * takes the leader's pid.  Only a fatal signal stops it: -EINTR.
 */
static int de_thread(struct task *t)
{
	struct process *p = t->proc;
	struct task *o;

	if (p->nr_threads > 1) {
		if (p->exiting || p->exec_task)
			return -EAGAIN;
		p->exec_task = t;
		list_for_each(o, &p->threads, thread_link)
			if (o != t)
				signal_wake(o, true);
		while (p->nr_threads > 1 && !p->exiting)
			sleep_on(&p->exec_wait, false, 0);
		p->exec_task = NULL;
		if (p->exiting)
			return -EINTR;
	}
	task_become_leader(t);
	return 0;
}

/* Own, not shared, descriptors and handlers for the new program. */
static void unshare_for_exec(struct task *t)
{
	struct process *p = t->proc;

	if (t->files->refcount > 1) {
		struct files *n = files_dup(t->files);

		files_put(t->files);
		t->files = n;
	}
	if (p->sighand->refcount > 1) {
		struct sighand *sh = sighand_create();

		memcpy(sh->action, p->sighand->action, sizeof(sh->action));
		sighand_put(p->sighand);
		p->sighand = sh;
	}
}

/* Switch t to the loaded program.  Cannot fail. */
static void commit(struct task *t, struct mm *mm, struct file *f,
		   const struct elf_image *img, const char *path)
{
	struct mm *old = t->mm;
	char *exe = kmalloc(PATH_MAX);

	/* A vfork child gives its parent's context back first. */
	if (t->vfork_parent)
		vfork_release(t);
	if (t->ctx) {
		if (engine->ops->ctx_set_as(t->ctx, mm->as) < 0)
			panic("ctx_set_as");
	} else if (engine->ops->ctx_create(mm->as, t, &t->ctx) < 0) {
		panic("ctx_create");
	}
	if (engine_reset_fpu(engine, t->ctx) < 0)
		panic("engine_reset_fpu");
	t->proc->did_exec = true;
	timers_release(t->proc, true);
	t->mm = mm;
	mm->exe = f;
	file_get(f);
	if (old)
		mm_put(old);
	if (d_path(&f->path, &root_path, exe, PATH_MAX) >= 0) {
		kfree(t->proc->exe_path);
		t->proc->exe_path = kstrdup(exe);
	}
	kfree(exe);
	set_comm(t->proc, path);
	files_close_on_exec(t->files);
	flush_signal_handlers(t);
	t->altstack = (struct linux_stack){ .ss_flags = SS_DISABLE };
	t->clear_child_tid = 0;
	t->robust_list = 0;
	t->rseq = 0;
	memset(&t->regs, 0, sizeof(t->regs));
	t->regs.rsp = mm->start_stack;
	t->regs.rip = img->entry;
	t->regs.eflags = 0x202;
	t->regs.orig_rax = (u64)-1;
	t->in_syscall = false;
}

static int exec_file(struct task *t, struct file *f, struct exec_args *a,
		     const char *path)
{
	struct elf_image img;
	struct mm *mm = mm_create();
	uaddr_t stack_top;
	int rc;

	if (!mm)
		return -EAGAIN;
	stack_top = layout(t, mm);
	rc = elf_load(t, mm, f, &img);
	if (rc == 0)
		rc = vma_map(mm, stack_top - STACK_INITIAL, STACK_INITIAL,
			     PROT_READ | PROT_WRITE, VMA_GROWSDOWN | VMA_STACK,
			     NULL, 0);
	if (rc == 0)
		rc = build_stack(t, mm, a, path, &img, stack_top);
	if (rc == 0)
		rc = mm_populate(mm, stack_top - STACK_INITIAL / 2, stack_top,
				 true);
	if (rc == 0)
		rc = de_thread(t);
	if (rc < 0) {
		mm_put(mm);
		return rc;
	}
	unshare_for_exec(t);
	mm->start_brk = mm->brk = PAGE_ALIGN(img.end) + rand_range(1 << 13) *
								PAGE_SIZE;
	mm->start_code = img.start_code;
	mm->end_code = img.end_code;
	mm->start_data = img.start_data;
	mm->end_data = img.end_data;
	commit(t, mm, f, &img, path);
	return 0;
}

static int do_execve(struct task *t, int dirfd, const char *path,
		     struct exec_args *a, int flags)
{
	char *name = kstrdup(path), *hdr = kmalloc(BINPRM_BUF_SIZE + 1);
	int rc = -ELOOP;

	for (int depth = 0; depth <= MAX_INTERP_DEPTH; depth++) {
		char *interp, *arg;
		struct file *f;
		ssize_t n;

		rc = open_exec(t, dirfd, name, flags, &f);
		if (rc < 0)
			break;
		n = kernel_read(f, hdr, BINPRM_BUF_SIZE, 0);
		if (n < 0) {
			file_put(f);
			rc = (int)n;
			break;
		}
		if (elf_header_ok(hdr, n)) {
			rc = exec_file(t, f, a, name);
			file_put(f);
			break;
		}
		file_put(f);
		rc = parse_shebang(hdr, n, &interp, &arg);
		if (rc < 0)
			break;
		rc = args_shebang(a, interp, arg, name);
		if (rc < 0)
			break;
		kfree(name);
		name = kstrdup(interp);
		dirfd = AT_FDCWD;
		flags = 0;
		rc = -ELOOP;
	}
	kfree(hdr);
	kfree(name);
	return rc;
}

int kernel_execve(struct task *t, const char *path, char *const argv[],
		  char *const envp[])
{
	struct exec_args a;
	int rc;

	args_init(t, &a);
	rc = args_copy_kernel(&a, argv, false);
	if (rc == 0)
		rc = args_copy_kernel(&a, envp, true);
	if (rc == 0)
		rc = do_execve(t, AT_FDCWD, path, &a, 0);
	kfree(a.buf);
	return rc;
}

static long execveat_common(struct task *t, int dirfd, uaddr_t upath,
			    uaddr_t uargv, uaddr_t uenvp, int flags)
{
	struct exec_args a;
	char *path;
	int rc = 0;

	/* The name is read, and an empty one refused, before the flags. */
	path = getname(upath, &rc);
	if (!path)
		return rc;
	if (!path[0] && !(flags & AT_EMPTY_PATH)) {
		kfree(path);
		return -ENOENT;
	}
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) {
		kfree(path);
		return -EINVAL;
	}
	args_init(t, &a);
	rc = args_copy_user(&a, uargv, false);
	if (rc == 0)
		rc = args_copy_user(&a, uenvp, true);
	if (rc == 0 && !path[0]) {
		/* AT_EMPTY_PATH: run the file dirfd names. */
		struct file *f = fget(t, dirfd);

		if (!f) {
			rc = -EBADF;
		} else {
			char *p = kmalloc(PATH_MAX);

			if (d_path(&f->path, &t->fs->root, p, PATH_MAX) < 0)
				ksnprintf(p, PATH_MAX, "/dev/fd/%d", dirfd);
			file_put(f);
			kfree(path);
			path = p;
			dirfd = AT_FDCWD;
		}
	}
	if (rc == 0)
		rc = do_execve(t, dirfd, path, &a, flags);
	kfree(a.buf);
	kfree(path);
	return rc;
}

long sys_execve(struct task *t, uaddr_t upath, uaddr_t uargv, uaddr_t uenvp)
{
	return execveat_common(t, AT_FDCWD, upath, uargv, uenvp, 0);
}

long sys_execveat(struct task *t, int dirfd, uaddr_t upath, uaddr_t uargv,
		  uaddr_t uenvp, int flags)
{
	return execveat_common(t, dirfd, upath, uargv, uenvp, flags);
}
