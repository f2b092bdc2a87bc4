/* The engines compiled into umk, chosen by name at run time. */
#include "kernel/kernel.h"
#include "kernel/engine.h"

static const struct engine_ops *const engines[] = {
	&kvm_engine_ops,
	&ptrace_engine_ops,
	&systrap_engine_ops,
};

const struct engine_ops *engine_lookup(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(engines); i++)
		if (!strcmp(engines[i]->name, name))
			return engines[i];
	return NULL;
}

/*
 * FPU state a task starts with after execve, as Linux gives it: x87 and
 * SSE in their initial state (control word 0x37f, MXCSR 0x1f80), every
 * other component too (its XSTATE_BV bit clear).  Not what the host
 * thread that carries the task last held, which may be another guest
 * program's.
 */
int engine_reset_fpu(struct engine *e, struct engine_ctx *ctx)
{
	char *buf = kmalloc(e->fpu_size);
	u16 fcw = 0x37f;
	u32 mxcsr = 0x1f80;
	u64 bv = 3;
	int rc;

	memset(buf, 0, e->fpu_size);
	memcpy(buf, &fcw, 2);
	memcpy(buf + 24, &mxcsr, 4);
	memcpy(buf + 512, &bv, 8);
	rc = e->ops->set_fpu(ctx, buf);
	kfree(buf);
	return rc;
}

/* A new thread or process starts with its parent's FPU state. */
int engine_copy_fpu(struct engine *e, struct engine_ctx *to,
		    struct engine_ctx *from)
{
	char *buf = kmalloc(e->fpu_size);
	int rc;

	rc = e->ops->get_fpu(from, buf);
	if (rc == 0)
		rc = e->ops->set_fpu(to, buf);
	kfree(buf);
	return rc;
}
