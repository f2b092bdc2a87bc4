/*
 * Signals: sending, pending sets, default actions, delivery to guest
 * handlers with an x86-64 rt_sigframe, and sigreturn.
 */
#ifndef UMK_SIGNAL_H
#define UMK_SIGNAL_H

#include "kernel/abi/signal.h"

struct task;
struct process;

/* Is a signal pending that t does not block (or a fatal one)? */
bool signal_pending(struct task *t);
/* Send sig to the process of t, as the kernel (SI_KERNEL). */
void send_sig(struct task *t, int sig);
/* Send to a process (any thread) or to one thread, with info. */
int send_signal_process(struct process *p, int sig,
			const struct linux_siginfo *info);
int send_signal_thread(struct task *t, int sig,
		       const struct linux_siginfo *info);
/* A fault: sig with code and addr, delivered even if blocked. */
void force_sig_fault(struct task *t, int sig, int code, uaddr_t addr,
		     int trapno, int err);
/* Deliver pending signals before t returns to user mode. */
void do_signal(struct task *t);
/* rt_sigreturn */
long sys_rt_sigreturn(struct task *t);
/* Wake t for a newly pending signal (kick it out of user mode). */
void signal_wake(struct task *t, bool fatal);
/* Reset handled signals to default (execve). */
void flush_signal_handlers(struct task *t);
struct sighand *sighand_create(void);
void sighand_put(struct sighand *sh);
/* Continue a stopped process (SIGCONT semantics). */
void process_continue(struct process *p);
/* Remove and return the first pending signal in mask, or 0. */
int dequeue_signal(struct task *t, sigset_t mask, struct linux_siginfo *info);
/*
 * The temporary signal mask of ppoll, pselect6 and epoll_pwait: umask
 * (size bytes; 0: none) replaces t's mask for the call.  0, -EINVAL or
 * -EFAULT.  After the call, restore_saved_sigmask_unless(t, rc == -EINTR):
 * the old mask comes back, unless a signal interrupted the call, whose
 * handler then runs under the temporary mask (sigreturn restores).
 */
int set_user_sigmask(struct task *t, uaddr_t umask, size_t size);
void restore_saved_sigmask_unless(struct task *t, bool interrupted);

#define SIG_KERNEL_ONLY (SIGMASK(SIGKILL) | SIGMASK(SIGSTOP))
#define valid_signal(sig) ((sig) >= 1 && (sig) <= NSIG)

#endif
