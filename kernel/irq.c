/* Dispatch of host events to drivers (see irq.h). */
#include "kernel/kernel.h"
#include "kernel/irq.h"
#include "host/host.h"

int irq_watch(struct irq *irq, int fd, int events)
{
	return host_irq_watch(fd, events, irq);
}

void irq_unwatch(int fd)
{
	host_irq_unwatch(fd);
}

static void dispatch_one(void *cookie, int revents)
{
	struct irq *irq = cookie;

	irq->handler(irq, revents);
}

void irq_dispatch(void)
{
	host_irq_poll(dispatch_one);
}
