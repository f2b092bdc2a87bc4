/*
 * execve: replace a task's program.  exec.c gathers the arguments,
 * follows #! scripts and builds the initial stack; elf.c validates an
 * ELF file and maps its segments.
 */
#ifndef UMK_EXEC_H
#define UMK_EXEC_H

#include "kernel/types.h"

struct task;
struct file;
struct mm;

/* Strings of argv then envp, NUL-separated, as execve copies them. */
struct exec_args {
	char *buf;
	size_t len, cap;
	int argc, envc;
	size_t limit;       /* ARG_MAX for this task */
};

/* What the ELF loader found, for the stack and the registers. */
struct elf_image {
	uaddr_t entry;       /* where to start: the interpreter's, if any */
	uaddr_t phdr;        /* AT_PHDR */
	u16 phent, phnum;
	uaddr_t prog_entry;  /* AT_ENTRY: the program's own */
	uaddr_t interp_base; /* AT_BASE, 0 without one */
	uaddr_t end;         /* highest address of the program, for brk */
	uaddr_t start_code, end_code, start_data, end_data;
};

/* Run a program with kernel argument vectors (the first process). */
int kernel_execve(struct task *t, const char *path, char *const argv[],
		  char *const envp[]);

/* elf.c: map file f (already checked for exec permission) into mm. */
int elf_load(struct task *t, struct mm *mm, struct file *f,
	     struct elf_image *img);
/* Is buf (at least 64 bytes) the start of an ELF file for us? */
bool elf_header_ok(const void *buf, size_t len);

#endif
