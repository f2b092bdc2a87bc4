/*
 * Signals: rt_sigaction and rt_sigprocmask read back, rt_sigpending,
 * sigaltstack, handlers for faults (what si_code says, which mask is in
 * force, the alternate stack, SA_RESETHAND, sigreturn), default actions
 * of synchronous signals, and raise/kill.
 */
#include "harness.h"

#include <sys/mman.h>
#include <sys/resource.h>

#define K_SA_RESTORER 0x04000000

/* The kernel's struct sigaction. */
struct ksigaction {
	void *handler;
	unsigned long flags;
	void *restorer;
	unsigned long mask;
};

static volatile int got_sig, got_code, got_count;
static void *volatile got_addr;
static sigjmp_buf jb;
static sigset_t in_handler_mask;
static stack_t in_handler_ss;
static volatile uintptr_t in_handler_sp;

static void on_sig(int sig)
{
	got_sig = sig;
	got_count++;
}

static void on_info(int sig, siginfo_t *si, void *uc)
{
	got_sig = sig;
	got_code = si->si_code;
	got_addr = si->si_addr;
	got_count++;
	sigprocmask(SIG_SETMASK, NULL, &in_handler_mask);
	sigaltstack(NULL, &in_handler_ss);
	in_handler_sp = (uintptr_t)&sig;
	siglongjmp(jb, 1);
}

static void handle(int sig, void (*fn)(int, siginfo_t *, void *), int flags,
		   int masked)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	if (masked)
		sigaddset(&sa.sa_mask, masked);
	sigaction(sig, &sa, NULL);
}

static void show_mask(const char *label, const sigset_t *s)
{
	char buf[256] = "";
	int i;

	for (i = 1; i < 65; i++)
		if (sigismember(s, i) == 1) {
			strcat(buf, " ");
			strcat(buf, signame(i));
		}
	say("%s:%s", label, buf[0] ? buf : " (empty)");
}

static void t_sigaction_rw(void)
{
	struct sigaction sa, old;
	struct ksigaction k;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_info;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	sigaddset(&sa.sa_mask, SIGKILL);
	SYS(sigaction(SIGUSR1, &sa, NULL));
	SYS(sigaction(SIGUSR1, NULL, &old));
	TRUE(old.sa_sigaction == on_info);
	TRUE(old.sa_flags & SA_SIGINFO);
	TRUE(old.sa_flags & SA_RESTART);
	TRUE(!(old.sa_flags & SA_NODEFER));
	show_mask("mask", &old.sa_mask);
	/* the kernel's view */
	SYS(syscall(SYS_rt_sigaction, SIGUSR1, NULL, &k, 8));
	TRUE(k.handler == (void *)on_info);
	TRUE((k.flags & ~(unsigned long)K_SA_RESTORER) == (SA_SIGINFO | SA_RESTART));
	say("mask word %#lx", k.mask);
	/* a raw rt_sigaction keeps what it was given */
	k.flags = SA_ONSTACK | SA_RESETHAND | K_SA_RESTORER;
	k.mask = 1UL << (SIGINT - 1) | 1UL << (SIGSTOP - 1);
	SYS(syscall(SYS_rt_sigaction, SIGUSR2, &k, NULL, 8));
	memset(&k, 0, sizeof k);
	SYS(syscall(SYS_rt_sigaction, SIGUSR2, NULL, &k, 8));
	say("flags %#lx mask %#lx", k.flags, k.mask);
	SYS(syscall(SYS_rt_sigaction, SIGUSR2, &k, NULL, 4));
	SYS(syscall(SYS_rt_sigaction, SIGUSR2, &k, NULL, 16));
	/* ignore and default */
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = 0;
	SYS(sigaction(SIGUSR1, &sa, &old));
	TRUE(old.sa_sigaction == on_info);
	SYS(sigaction(SIGUSR1, NULL, &old));
	TRUE(old.sa_handler == SIG_IGN);
	sa.sa_handler = SIG_DFL;
	SYS(sigaction(SIGUSR1, &sa, NULL));
	SYS(sigaction(SIGUSR1, NULL, &old));
	TRUE(old.sa_handler == SIG_DFL);
	/* real-time signals */
	SYS(syscall(SYS_rt_sigaction, 64, &k, NULL, 8));
	SYS(syscall(SYS_rt_sigaction, 34, NULL, &k, 8));
}

static void t_sigaction_bad(void)
{
	struct ksigaction k = { (void *)SIG_IGN, 0, NULL, 0 };

	SYS(syscall(SYS_rt_sigaction, SIGKILL, &k, NULL, 8));
	SYS(syscall(SYS_rt_sigaction, SIGSTOP, &k, NULL, 8));
	SYS(syscall(SYS_rt_sigaction, SIGKILL, NULL, &k, 8));
	SYS(syscall(SYS_rt_sigaction, 0, &k, NULL, 8));
	SYS(syscall(SYS_rt_sigaction, 0, NULL, &k, 8));
	SYS(syscall(SYS_rt_sigaction, 65, &k, NULL, 8));
	SYS(syscall(SYS_rt_sigaction, -1, &k, NULL, 8));
	SYS(syscall(SYS_rt_sigaction, SIGUSR1, NULL, NULL, 8));
	SYS(syscall(SYS_rt_sigaction, SIGUSR1, NULL, NULL, 7));
	k.handler = (void *)SIG_DFL;
	SYS(syscall(SYS_rt_sigaction, SIGKILL, &k, NULL, 8));
	SYS(signal(SIGKILL, SIG_IGN) == SIG_ERR ? -1 : 0);
}

static void t_sigprocmask(void)
{
	sigset_t s, old;
	unsigned long k, kold;

	sigemptyset(&s);
	SYS(sigprocmask(SIG_SETMASK, NULL, &old));
	show_mask("initial", &old);
	sigaddset(&s, SIGUSR1);
	sigaddset(&s, SIGUSR2);
	sigaddset(&s, SIGKILL);
	sigaddset(&s, SIGSTOP);
	SYS(sigprocmask(SIG_BLOCK, &s, NULL));
	SYS(sigprocmask(SIG_SETMASK, NULL, &old));
	show_mask("blocked", &old);
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	SYS(sigprocmask(SIG_UNBLOCK, &s, &old));
	show_mask("old", &old);
	SYS(sigprocmask(SIG_SETMASK, NULL, &old));
	show_mask("after unblock", &old);
	SYS(sigprocmask(SIG_SETMASK, &s, &old));
	show_mask("old", &old);
	SYS(sigprocmask(SIG_SETMASK, NULL, &old));
	show_mask("set", &old);
	/* raw: the kernel's sizes and hows */
	k = ~0UL;
	SYS(syscall(SYS_rt_sigprocmask, SIG_SETMASK, &k, &kold, 8));
	SYS(syscall(SYS_rt_sigprocmask, SIG_SETMASK, NULL, &kold, 8));
	say("all blocked: %#lx", kold);
	SYS(syscall(SYS_rt_sigprocmask, 3, &k, NULL, 8));
	SYS(syscall(SYS_rt_sigprocmask, -1, &k, NULL, 8));
	SYS(syscall(SYS_rt_sigprocmask, 3, NULL, &kold, 8));
	SYS(syscall(SYS_rt_sigprocmask, SIG_SETMASK, &k, NULL, 4));
	SYS(syscall(SYS_rt_sigprocmask, SIG_SETMASK, &k, NULL, 16));
	k = 0;
	SYS(syscall(SYS_rt_sigprocmask, SIG_SETMASK, &k, NULL, 8));
	SYS(syscall(SYS_rt_sigprocmask, SIG_SETMASK, NULL, &kold, 8));
	say("none blocked: %#lx", kold);
}

static void t_sigpending(void)
{
	unsigned long k = 0x5555;

	SYS(syscall(SYS_rt_sigpending, &k, 8));
	say("pending %#lx", k);
	SYS(syscall(SYS_rt_sigpending, &k, 4));
	SYS(syscall(SYS_rt_sigpending, &k, 16));
	SYS(syscall(SYS_rt_sigpending, NULL, 8));
}

static void t_raise(void)
{
	sigset_t s, p;

	signal(SIGUSR1, on_sig);
	got_count = 0;
	SYS(raise(SIGUSR1));
	say("handled %d times, signal %s", got_count, signame(got_sig));
	SYS(kill(getpid(), SIGUSR1));
	say("handled %d times", got_count);
	SYS(kill(getpid(), 0));
	SYS(kill(getpid(), 65));
	/* blocked: pending until unblocked, delivered once */
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigprocmask(SIG_BLOCK, &s, NULL);
	raise(SIGUSR1);
	raise(SIGUSR1);
	say("handled %d times", got_count);
	sigemptyset(&p);
	SYS(sigpending(&p));
	show_mask("pending", &p);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	say("handled %d times", got_count);
	/* ignored signals are discarded */
	signal(SIGUSR2, SIG_IGN);
	SYS(raise(SIGUSR2));
	signal(SIGCHLD, SIG_DFL);
	SYS(raise(SIGCHLD));
	say("still alive");
}

static void t_raise_term(void)
{
	raise(SIGTERM);
	say("not reached");
}

static void t_abort(void)
{
	abort();
}

static void t_fault_null(void)
{
	*(volatile int *)0 = 1;
}

static void t_fault_ud2(void)
{
	__asm__ volatile("ud2");
}

static void t_fault_div0(void)
{
	volatile int a = 1, b = 0;

	say("%d", a / b);
}

static void t_fault_int3(void)
{
	__asm__ volatile("int3");
}

static void t_fault_hlt(void)
{
	__asm__ volatile("hlt");
}

static void t_fault_noncanonical(void)
{
	say("%d", *(volatile int *)0x8000000000000000UL);
}

static void t_fault_text_write(void)
{
	*(volatile char *)(void *)t_fault_text_write = 0;
}

static void t_fault_ignored(void)
{
	/* the kernel forces the default action for a fault it cannot skip */
	signal(SIGSEGV, SIG_IGN);
	*(volatile int *)0 = 1;
	say("not reached");
}

static void t_fault_blocked(void)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, SIGSEGV);
	sigprocmask(SIG_BLOCK, &s, NULL);
	*(volatile int *)0 = 1;
	say("not reached");
}

/* Runs fn with on_info handling sig; prints what the handler saw. */
static void caught(const char *label, int sig, void (*fn)(void), int flags)
{
	handle(sig, on_info, flags, SIGUSR2);
	got_sig = got_code = 0;
	got_addr = (void *)-1;
	if (sigsetjmp(jb, 1) == 0) {
		fn();
		say("%s: no signal", label);
	} else {
		say("%s: %s code %d addr %s", label, signame(got_sig), got_code,
		    got_addr == NULL ? "0" :
		    got_addr == (void *)fn ? "fn" : "other");
		show_mask("  mask in handler", &in_handler_mask);
	}
	signal(sig, SIG_DFL);
}

static void t_fault_handlers(void)
{
	caught("null", SIGSEGV, t_fault_null, 0);
	caught("text write", SIGSEGV, t_fault_text_write, 0);
	caught("noncanonical", SIGSEGV, t_fault_noncanonical, 0);
	caught("hlt", SIGSEGV, t_fault_hlt, 0);
	caught("ud2", SIGILL, t_fault_ud2, 0);
	caught("div0", SIGFPE, t_fault_div0, 0);
	caught("int3", SIGTRAP, t_fault_int3, 0);
	caught("null, SA_NODEFER", SIGSEGV, t_fault_null, SA_NODEFER);
	/* sigsetjmp(.., 1) put the mask back */
	sigset_t s;
	sigprocmask(SIG_SETMASK, NULL, &s);
	show_mask("after siglongjmp", &s);
}

static volatile char *ro_page;
static volatile int ret_count;

static void fix_and_return(int sig, siginfo_t *si, void *uc)
{
	ret_count++;
	sigprocmask(SIG_SETMASK, NULL, &in_handler_mask);
	mprotect((void *)ro_page, 4096, PROT_READ | PROT_WRITE);
}

static void t_handler_return(void)
{
	struct sigaction sa, old;
	sigset_t s;

	ro_page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	handle(SIGSEGV, fix_and_return, SA_RESETHAND, SIGUSR1);
	ret_count = 0;
	ro_page[1] = 'r';
	say("handler ran %d times, value %c", ret_count, ro_page[1]);
	show_mask("mask in handler", &in_handler_mask);
	sigprocmask(SIG_SETMASK, NULL, &s);
	show_mask("mask after sigreturn", &s);
	SYS(sigaction(SIGSEGV, NULL, &old));
	TRUE_L("SA_RESETHAND reset it", old.sa_handler == SIG_DFL);
	/* the registers survive the round trip through the handler */
	mprotect((void *)ro_page, 4096, PROT_READ);
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = fix_and_return;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	register long r12 __asm__("r12") = 0x1212;
	register long r15 __asm__("r15") = 0x1515;
	__asm__ volatile("movb $7, (%2)" : "+r"(r12), "+r"(r15)
			 : "r"(ro_page + 2) : "memory");
	say("r12 %#lx r15 %#lx value %d runs %d", r12, r15, ro_page[2],
	    ret_count);
}

static void t_sigaltstack(void)
{
	static char stack[65536];
	stack_t ss, old;

	memset(&old, 0x55, sizeof old);
	SYS(sigaltstack(NULL, &old));
	say("initial flags %d", old.ss_flags);
	ss.ss_sp = stack;
	ss.ss_size = sizeof stack;
	ss.ss_flags = 0;
	SYS(sigaltstack(&ss, NULL));
	SYS(sigaltstack(NULL, &old));
	TRUE(old.ss_sp == stack && old.ss_size == sizeof stack);
	say("flags %d", old.ss_flags);
	ss.ss_size = 1024;
	SYS(sigaltstack(&ss, NULL));
	ss.ss_size = sizeof stack;
	ss.ss_flags = 0x10;
	SYS(sigaltstack(&ss, NULL));
	ss.ss_flags = SS_ONSTACK;
	SYS(sigaltstack(&ss, NULL));
	/* a handler with SA_ONSTACK runs on it */
	handle(SIGSEGV, on_info, SA_ONSTACK, 0);
	in_handler_sp = 0;
	if (sigsetjmp(jb, 1) == 0)
		*(volatile int *)0 = 1;
	TRUE_L("handler ran on the alternate stack",
	       in_handler_sp > (uintptr_t)stack &&
	       in_handler_sp < (uintptr_t)stack + sizeof stack);
	say("flags seen in the handler %d", in_handler_ss.ss_flags);
	SYS(sigaltstack(NULL, &old));
	say("flags after %d", old.ss_flags);
	/* without SA_ONSTACK it does not */
	handle(SIGSEGV, on_info, 0, 0);
	if (sigsetjmp(jb, 1) == 0)
		*(volatile int *)0 = 1;
	TRUE_L("without SA_ONSTACK, on the alternate stack",
	       in_handler_sp > (uintptr_t)stack &&
	       in_handler_sp < (uintptr_t)stack + sizeof stack);
	ss.ss_flags = SS_DISABLE;
	SYS(sigaltstack(&ss, NULL));
	SYS(sigaltstack(NULL, &old));
	say("flags %d", old.ss_flags);
	signal(SIGSEGV, SIG_DFL);
}

#pragma GCC diagnostic ignored "-Winfinite-recursion"
static int deep(int n)
{
	volatile char pad[4096];

	pad[0] = (char)n;
	return deep(n + 1) + pad[0];
}

static void t_stack_overflow(void)
{
	static char stack[65536];
	stack_t ss = { stack, 0, sizeof stack };
	struct rlimit r;

	/* overflow a 1 MiB stack; the handler runs on the alternate one */
	getrlimit(RLIMIT_STACK, &r);
	r.rlim_cur = 1 << 20;
	setrlimit(RLIMIT_STACK, &r);
	sigaltstack(&ss, NULL);
	handle(SIGSEGV, on_info, SA_ONSTACK, 0);
	if (sigsetjmp(jb, 1) == 0)
		say("%d", deep(0));
	else
		say("overflow caught: %s %s", signame(got_sig),
		    got_code == SEGV_MAPERR || got_code == SEGV_ACCERR ?
		    "MAPERR or ACCERR" : "other code");
}

static void t_stack_overflow_dies(void)
{
	struct rlimit r;

	getrlimit(RLIMIT_STACK, &r);
	r.rlim_cur = 1 << 20;
	setrlimit(RLIMIT_STACK, &r);
	say("%d", deep(0));
}

static const struct tcase cases[] = {
	{ t_sigaction_rw, "sigaction_rw" },
	{ t_sigaction_bad, "sigaction_bad" },
	{ t_sigprocmask, "sigprocmask" },
	{ t_sigpending, "sigpending" },
	{ t_fault_handlers, "fault_handlers" },
	{ t_handler_return, "handler_return" },
	{ t_sigaltstack, "sigaltstack" },
	{ t_stack_overflow, "stack_overflow" },
	{ t_fault_null, "fault_null" },
	{ t_fault_ud2, "fault_ud2" },
	{ t_fault_div0, "fault_div0" },
	{ t_fault_int3, "fault_int3" },
	{ t_fault_hlt, "fault_hlt" },
	{ t_fault_noncanonical, "fault_noncanonical" },
	{ t_fault_text_write, "fault_text_write" },
	{ t_fault_ignored, "fault_ignored" },
	{ t_fault_blocked, "fault_blocked" },
	{ t_stack_overflow_dies, "stack_overflow_dies" },
	{ t_raise, "raise" },
	{ t_raise_term, "raise_term" },
	{ t_abort, "abort" },
};

HARNESS_MAIN(cases)
