/*
 * The machine the kernel unit tests run on: physical memory, frames,
 * the fake engine and a current task (see unit.h).
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/mm/mm.h"
#include "host/host.h"
#include "tests/unit/unit.h"
#include "tests/unit/fake_engine.h"

static struct task unit_task;

void unit_machine(unsigned long long mem_bytes, unsigned long long user_top)
{
	void *base;
	int fd, rc;

	rc = host_physmem_create(mem_bytes, &fd, &base);
	if (rc < 0) {
		unit_printf("cannot create %llu bytes of physical memory: %s\n",
			    mem_bytes, strerror_k(rc));
		unit_abort();
	}
	frames_init(base, mem_bytes);
	fake_engine_install(user_top, mem_bytes);
	unit_task.proc = process_create(NULL);
	unit_task.tid = unit_task.proc->pid;
	unit_task.proc->leader = &unit_task;
	current = &unit_task;
}

void unit_machine_default(void)
{
	unit_machine(64ULL << 20, UNIT_USER_TOP);
}
