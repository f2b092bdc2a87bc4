/*
 * Basic types of the guest kernel.
 *
 * kernel/ is portable: it sees freestanding C headers only.  Guest
 * addresses have their own type, uaddr_t; they are numbers, never
 * pointers, and reach kernel memory only through kernel/uaccess.h.
 */
#ifndef UMK_TYPES_H
#define UMK_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
typedef long ssize_t;

/* An address in a guest address space. */
typedef u64 uaddr_t;

/* An offset into physical memory (the memory file). */
typedef u64 phys_t;

typedef int pid_t;
typedef u32 uid_t;
typedef u32 gid_t;
typedef u32 mode_t;
typedef s64 off_t;

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PAGE_ALIGN(x) (((x) + PAGE_SIZE - 1) & PAGE_MASK)
#define PAGE_DOWN(x) ((x) & PAGE_MASK)

#endif
