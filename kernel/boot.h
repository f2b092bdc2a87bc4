/*
 * Booting the guest kernel: what umk's command line hands the kernel.
 * Types only, so umk.c can include it next to the C library.
 */
#ifndef UMK_BOOT_H
#define UMK_BOOT_H

#include "kernel/types.h"

struct engine_ops;

/* A host directory shared into the guest (-v HOST:GUEST[:ro]). */
struct boot_volume {
	const char *host;
	const char *guest;
	bool readonly;
};

struct boot_params {
	const struct engine_ops *engine;  /* which engine runs guest code;
					     NULL: kvm where it works, else
					     ptrace */
	const char *root;                 /* host directory of the root fs;
					     NULL: the built-in initramfs */
	const char *overlay;              /* host directory for the upper
					     layer; NULL: in memory */
	const struct boot_volume *volumes;
	int nvolumes;
	u64 memory;                       /* bytes of guest physical memory */
	int cpus;                         /* guest CPUs; 0: the host's */
	const char *hostname;             /* uname's nodename; NULL: "umk" */
	bool strace;                      /* trace guest system calls (and
					     say which engine runs) */
	bool stats;                       /* print trap counts at the end */
	bool verbose;                     /* say which engine runs and why */
	char **argv;                      /* the first program and its args */
	char **envp;                      /* its environment */
};

/*
 * Build the machine and run the guest until its first process is gone.
 * Returns that process's wait status (exit << 8, or the signal), or -1
 * when the machine could not be built (a message has been printed).
 */
int kernel_main(const struct boot_params *bp);

#endif
