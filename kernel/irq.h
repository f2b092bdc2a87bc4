/*
 * Interrupts from the host: a driver that watches a host fd embeds a
 * struct irq and gets its handler called, on the scheduler's stack,
 * when the fd is ready.  Watches are one-shot: re-arm with irq_watch().
 */
#ifndef UMK_IRQ_H
#define UMK_IRQ_H

struct irq {
	void (*handler)(struct irq *irq, int revents);
};

/* Call irq->handler once fd has any of events (POLLIN, POLLOUT). */
int irq_watch(struct irq *irq, int fd, int events);
void irq_unwatch(int fd);
/* Run the handlers of every host event collected so far. */
void irq_dispatch(void);

#endif
