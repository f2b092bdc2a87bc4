/*
 * What every kernel file needs: printing, panics, allocation, string
 * helpers and small arithmetic.
 *
 * The string functions are the compiler's builtins; the C library
 * only provides their out-of-line copies.  Allocation and output go
 * through host/host.h like every other host service.
 */
#ifndef UMK_KERNEL_H
#define UMK_KERNEL_H

#include <stdarg.h>
#include "kernel/types.h"
#include "kernel/abi/errno.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define __unused __attribute__((unused))
#define __noreturn __attribute__((noreturn))
#define __printf(a, b) __attribute__((format(printf, a, b)))

/* String and memory helpers (compiler builtins). */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strcpy(char *dst, const char *src);
char *strstr(const char *haystack, const char *needle);

/* kernel/lib.c */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
char *kstrdup(const char *s);
char *kstrndup(const char *s, size_t n);
size_t kstrlcpy(char *dst, const char *src, size_t size);
/* Parse a decimal or 0x-hex number; -EINVAL if s is not one. */
int kstrtou64(const char *s, u64 *out);

/* A hash of a name within a salt (a parent object): FNV-1a. */
static inline u32 hash_name(const void *salt, const char *name)
{
	u32 h = 2166136261u ^ (u32)((uintptr_t)salt >> 4);

	while (*name)
		h = (h ^ (u8)*name++) * 16777619u;
	return h;
}

/* Random numbers (from the host's source). */
void get_random_bytes(void *buf, size_t len);
u64 get_random_u64(void);
/* Uniform in [0, n), n > 0. */
u64 rand_range(u64 n);
/* The strerror text of a negative errno. */
const char *strerror_k(int err);
/* The symbolic name of a negative errno ("ENOENT"), or NULL. */
const char *errno_name(int err);

/* Allocation: never returns NULL for small sizes (panics instead). */
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void *krealloc(void *p, size_t size);
void kfree(void *p);
/* May fail: for sizes a guest controls.  Returns NULL on failure. */
void *kmalloc_try(size_t size);

/* Console output of the kernel itself (umk's stderr). */
void printk(const char *fmt, ...) __printf(1, 2);
__noreturn void panic(const char *fmt, ...) __printf(1, 2);

#define BUG_ON(cond)                                                     \
	do {                                                             \
		if (unlikely(cond))                                      \
			panic("BUG_ON(%s) at %s:%d", #cond, __FILE__,    \
			      __LINE__);                                 \
	} while (0)

/* Overflow-safe range check: [addr, addr + len) inside [0, limit). */
static inline bool range_ok(u64 addr, u64 len, u64 limit)
{
	return addr <= limit && len <= limit - addr;
}

#endif
