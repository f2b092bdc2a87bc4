/*
 * umk: a user-mode kernel.  This file reads the command line, builds
 * the machine (physical memory, engine, file systems, console) and
 * boots the guest kernel with one program as its first process.
 *
 *   umk run [--root DIR] [--engine auto|systrap|ptrace|kvm] [--strace] [--verbose]
 *           [--memory SIZE] [--cpus N] [--] PROGRAM [ARG...]
 *
 * umk exits with the status of its first process: its exit code, or
 * 128+N when signal N killed it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "kernel/boot.h"
#include "kernel/engine.h"
#include "host/host.h"

#define EXIT_USAGE 2

extern char **environ;

#define MAX_VOLUMES 64

struct options {
	const char *root;
	const char *overlay;
	struct boot_volume volumes[MAX_VOLUMES];
	int nvolumes;
	const char *engine;
	unsigned long long memory;
	int cpus;
	const char *hostname;
	bool strace;
	bool verbose;
	bool stats;
	char **argv;    /* PROGRAM [ARG...] */
};

static const char usage[] =
	"usage: umk run [--root DIR] [--overlay DIR] [-v HOSTDIR:GUESTDIR[:ro]]...\n"
	"               [--engine auto|systrap|ptrace|kvm] [--strace] [--stats]\n"
	"               [--verbose]\n"
	"               [--memory SIZE] [--cpus N] [--hostname NAME]\n"
	"               [--] PROGRAM [ARG...]\n"
	"       umk --version | --help\n"
	"\n"
	"  --root DIR     the guest's root file system: a host directory,\n"
	"                 never modified; the guest writes to an upper layer\n"
	"                 in memory (default: the busybox root built into umk)\n"
	"  --overlay DIR  keep the root's upper layer in host directory DIR\n"
	"  -v HOST:GUEST[:ro]  share host directory HOST at GUEST, read-write\n"
	"                 or read-only (repeatable)\n"
	"  --engine NAME  how guest programs run: systrap (host processes\n"
	"                 whose system calls trap by signal into shared\n"
	"                 memory), ptrace (host processes under\n"
	"                 PTRACE_SYSEMU), kvm (ring 3 of a KVM vCPU; needs\n"
	"                 /dev/kvm) or auto (default: kvm where /dev/kvm\n"
	"                 works, else systrap with two CPUs or more, else\n"
	"                 ptrace)\n"
	"  --strace       print every guest system call to stderr\n"
	"  --verbose      say which engine runs, and why kvm does not\n"
	"  --stats        at the end, print counts of traps and system calls\n"
	"  --memory SIZE  guest physical memory, e.g. 512M or 4G (default 2G)\n"
	"  --cpus N       guest CPUs (default: the host's)\n"
	"  --hostname NAME  the guest's host name (default: umk)\n"
	"\n"
	"PROGRAM without a '/' is looked up in the guest's PATH.\n";

static __attribute__((noreturn)) void die_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "umk: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "; run 'umk --help' for usage\n");
	exit(EXIT_USAGE);
}

static unsigned long long parse_size(const char *s)
{
	char *end;
	unsigned long long v;
	unsigned long long mult = 1;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || s[0] == '-')
		die_usage("bad size '%s' (use a number with K, M or G)", s);
	switch (*end) {
	case 'k': case 'K': mult = 1ULL << 10; end++; break;
	case 'm': case 'M': mult = 1ULL << 20; end++; break;
	case 'g': case 'G': mult = 1ULL << 30; end++; break;
	case 0: break;
	default: die_usage("bad size '%s' (use a number with K, M or G)", s);
	}
	if (*end || v > (1ULL << 46) / mult)
		die_usage("bad size '%s' (use a number with K, M or G)", s);
	v *= mult;
	if (v < (64ULL << 20))
		die_usage("memory size '%s' is too small (at least 64M)", s);
	return (v + (4ULL << 20) - 1) & ~((4ULL << 20) - 1);
}

static void check_dir(const char *what, const char *dir)
{
	struct stat st;

	if (stat(dir, &st) < 0)
		die_usage("%s does not exist (give an existing directory)", dir);
	if (!S_ISDIR(st.st_mode))
		die_usage("%s is not a directory", dir);
	(void)what;
}

/* HOST:GUEST or HOST:GUEST:ro or HOST:GUEST:rw */
static void parse_volume(struct options *o, const char *arg)
{
	char *s = strdup(arg), *guest, *mode;
	struct boot_volume *v;

	if (o->nvolumes == MAX_VOLUMES)
		die_usage("too many -v options (at most %s)", "64");
	guest = strchr(s, ':');
	if (!guest || guest == s || !guest[1])
		die_usage("bad volume '%s' (use -v HOSTDIR:GUESTDIR[:ro])", arg);
	*guest++ = 0;
	mode = strchr(guest, ':');
	if (mode)
		*mode++ = 0;
	if (guest[0] != '/')
		die_usage("bad volume '%s' (the guest directory must be absolute)",
			  arg);
	if (mode && strcmp(mode, "ro") && strcmp(mode, "rw"))
		die_usage("bad volume '%s' (the mode is ro or rw)", arg);
	check_dir("volume", s);
	v = &o->volumes[o->nvolumes++];
	v->host = s;
	v->guest = guest;
	v->readonly = mode && !strcmp(mode, "ro");
}

/* Whether the kvm engine starts here (it runs a probe guest). */
static bool kvm_works(void)
{
	struct engine e = { .ops = &kvm_engine_ops };
	struct engine_config cfg = { .phys_size = 64ULL << 20, .quiet = true };
	bool ok;

	cfg.phys_fd = memfd_create("umk-probe", MFD_CLOEXEC);
	if (cfg.phys_fd < 0 || ftruncate(cfg.phys_fd, cfg.phys_size) < 0)
		return false;
	ok = kvm_engine_ops.init(&e, &cfg) == 0;
	if (ok)
		kvm_engine_ops.shutdown(&e);
	close(cfg.phys_fd);
	return ok;
}

static void print_version(void)
{
	printf("umk %s (engines: kvm, systrap, ptrace; --engine auto runs "
	       "%s here; --engine kvm %s here)\n", PACKAGE_VERSION,
	       host_ncpus() > 1 ? "systrap" : "ptrace",
	       kvm_works() ? "works" : "does not work");
}

static void parse(int argc, char **argv, struct options *o)
{
	int i = 1;

	if (argc < 2)
		die_usage("%s", "no command given");
	if (!strcmp(argv[1], "--version")) {
		print_version();
		exit(0);
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage, stdout);
		exit(0);
	}
	if (strcmp(argv[1], "run"))
		die_usage("unknown command '%s' (the command is 'run')", argv[1]);
	for (i = 2; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[0] != '-')
			break;
		if (!strcmp(a, "--strace")) {
			o->strace = true;
			continue;
		}
		if (!strcmp(a, "--verbose")) {
			o->verbose = true;
			continue;
		}
		if (!strcmp(a, "--stats")) {
			o->stats = true;
			continue;
		}
		if (!strcmp(a, "--root") || !strcmp(a, "--engine") ||
		    !strcmp(a, "--memory") || !strcmp(a, "--cpus") ||
		    !strcmp(a, "--overlay") || !strcmp(a, "-v") ||
		    !strcmp(a, "--volume") || !strcmp(a, "--hostname")) {
			const char *v = argv[++i];

			if (i >= argc)
				die_usage("option '%s' needs a value", a);
			if (!strcmp(a, "--root"))
				o->root = v;
			else if (!strcmp(a, "--overlay"))
				o->overlay = v;
			else if (a[1] == 'v' || !strcmp(a, "--volume"))
				parse_volume(o, v);
			else if (!strcmp(a, "--engine"))
				o->engine = v;
			else if (!strcmp(a, "--memory"))
				o->memory = parse_size(v);
			else if (!strcmp(a, "--hostname")) {
				if (!*v || strlen(v) > 64)
					die_usage("bad host name '%s' (1 to 64 "
						  "characters)", v);
				o->hostname = v;
			}
			else {
				char *end;
				long n = strtol(v, &end, 10);

				if (*end || n < 1 || n > 1024)
					die_usage("bad CPU count '%s'", v);
				o->cpus = (int)n;
			}
			continue;
		}
		die_usage("unknown option '%s'", a);
	}
	if (i >= argc)
		die_usage("%s", "no program to run");
	o->argv = argv + i;
}

static void check_root(const char *root)
{
	struct stat st;

	if (stat(root, &st) < 0)
		die_usage("the root file system '%s' does not exist (give a "
			  "directory with --root)", root);
	if (!S_ISDIR(st.st_mode))
		die_usage("the root file system '%s' is not a directory", root);
}

/* What umk needs of the host process itself. */
static void host_setup(void)
{
	struct rlimit r;

	umask(0);                 /* guest modes reach hostfs unchanged */
	signal(SIGPIPE, SIG_IGN); /* EPIPE is handled per guest write */
	if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
		/* hostfs keeps a descriptor per cached file */
		struct rlimit raised = r;

		raised.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_NOFILE, &raised);
	}
}

static struct termios saved_tio;
static bool tio_saved;

static void restore_tty(void)
{
	if (tio_saved)
		tcsetattr(0, TCSANOW, &saved_tio);
}

int main(int argc, char **argv)
{
	static struct options o = { .engine = "auto", .memory = 2ULL << 30 };
	struct boot_params bp;
	int status;

	parse(argc, argv, &o);
	bp.engine = strcmp(o.engine, "auto") ? engine_lookup(o.engine) : NULL;
	if (!bp.engine && strcmp(o.engine, "auto"))
		die_usage("unknown engine '%s' (use auto, systrap, ptrace or kvm)", o.engine);
	if (o.root)
		check_root(o.root);
	host_setup();
	if (tcgetattr(0, &saved_tio) == 0)
		tio_saved = true;
	bp.root = o.root;
	bp.overlay = o.overlay;
	bp.volumes = o.volumes;
	bp.nvolumes = o.nvolumes;
	if (o.overlay)
		check_dir("overlay", o.overlay);
	bp.memory = o.memory;
	bp.cpus = o.cpus;
	bp.hostname = o.hostname;
	bp.strace = o.strace;
	bp.verbose = o.verbose;
	bp.stats = o.stats;
	bp.argv = o.argv;
	bp.envp = environ;
	status = kernel_main(&bp);
	restore_tty();
	if (status < 0)
		return 1;
	if (status & 0x7f)
		return 128 + (status & 0x7f);
	return (status >> 8) & 0xff;
}
