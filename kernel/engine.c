/* The engines compiled into umk, chosen by name at run time. */
#include "kernel/kernel.h"
#include "kernel/engine.h"

static const struct engine_ops *const engines[] = {
	&kvm_engine_ops,
	&ptrace_engine_ops,
};

const struct engine_ops *engine_lookup(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(engines); i++)
		if (!strcmp(engines[i]->name, name))
			return engines[i];
	return NULL;
}
