/*
 * Intrusive doubly linked lists, in the style of Linux's list.h.
 * A list head is a struct list whose next and prev point to itself
 * when empty.
 */
#ifndef UMK_LIST_H
#define UMK_LIST_H

#include "kernel/types.h"

struct list {
	struct list *next, *prev;
};

#define LIST_INIT(name) { &(name), &(name) }

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

static inline void list_init(struct list *l)
{
	l->next = l->prev = l;
}

static inline bool list_empty(const struct list *l)
{
	return l->next == l;
}

static inline void list_insert(struct list *prev, struct list *next,
			       struct list *n)
{
	n->next = next;
	n->prev = prev;
	prev->next = n;
	next->prev = n;
}

/* Add n at the tail of list l. */
static inline void list_add_tail(struct list *l, struct list *n)
{
	list_insert(l->prev, l, n);
}

/* Add n at the head of list l. */
static inline void list_add(struct list *l, struct list *n)
{
	list_insert(l, l->next, n);
}

/* Insert n after the element pos. */
static inline void list_add_after(struct list *pos, struct list *n)
{
	list_insert(pos, pos->next, n);
}

static inline void list_del(struct list *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = n;
}

#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first(l, type, member) list_entry((l)->next, type, member)

#define list_for_each(pos, head, member)                                   \
	for (pos = list_entry((head)->next, __typeof__(*pos), member);     \
	     &pos->member != (head);                                       \
	     pos = list_entry(pos->member.next, __typeof__(*pos), member))

#define list_for_each_safe(pos, tmp, head, member)                         \
	for (pos = list_entry((head)->next, __typeof__(*pos), member),     \
	     tmp = list_entry(pos->member.next, __typeof__(*pos), member); \
	     &pos->member != (head);                                       \
	     pos = tmp,                                                    \
	     tmp = list_entry(tmp->member.next, __typeof__(*pos), member))

#endif
