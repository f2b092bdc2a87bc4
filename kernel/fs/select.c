/*
 * Polling files: the wait queues a poll registers on, so that a task
 * can sleep on all the files it polls at once.
 */
#include "kernel/kernel.h"
#include "kernel/fs/vfs.h"

void poll_wait(struct poll_table *pt, struct waitq *wq)
{
	if (!pt)
		return;
	for (int i = 0; i < pt->n; i++)
		if (pt->wq[i] == wq)
			return;
	if (pt->n == pt->max) {
		pt->max = pt->max ? pt->max * 2 : 8;
		pt->wq = krealloc(pt->wq, pt->max * sizeof(*pt->wq));
	}
	pt->wq[pt->n++] = wq;
}

void poll_table_free(struct poll_table *pt)
{
	kfree(pt->wq);
	pt->wq = NULL;
	pt->n = pt->max = 0;
}
