/*
 * Futexes: sleeping on a word of guest memory.  Private futexes are
 * keyed by (mm, address); futexes in shared mappings by the physical
 * address, so processes that share the memory meet on the same key.
 */
#ifndef UMK_FUTEX_H
#define UMK_FUTEX_H

#include "kernel/types.h"

struct mm;

/* Wake up to n waiters on the private futex at uaddr in mm. */
int futex_wake_addr(struct mm *mm, uaddr_t uaddr, int n);

#endif
