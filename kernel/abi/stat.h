/* Linux x86-64 struct stat, statx, statfs and file type bits. */
#ifndef UMK_ABI_STAT_H
#define UMK_ABI_STAT_H

#include "kernel/types.h"

#define S_IFMT 0170000
#define S_IFSOCK 0140000
#define S_IFLNK 0120000
#define S_IFREG 0100000
#define S_IFBLK 0060000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFIFO 0010000
#define S_ISUID 0004000
#define S_ISGID 0002000
#define S_ISVTX 0001000
#define S_IRWXU 00700
#define S_IRUSR 00400
#define S_IWUSR 00200
#define S_IXUSR 00100
#define S_IRGRP 00040
#define S_IWGRP 00020
#define S_IXGRP 00010
#define S_IROTH 00004
#define S_IWOTH 00002
#define S_IXOTH 00001
#define S_IRWXG 00070
#define S_IRWXO 00007
#define S_IALLUGO 07777

#define S_ISLNK(m) (((m) & S_IFMT) == S_IFLNK)
#define S_ISREG(m) (((m) & S_IFMT) == S_IFREG)
#define S_ISDIR(m) (((m) & S_IFMT) == S_IFDIR)
#define S_ISCHR(m) (((m) & S_IFMT) == S_IFCHR)
#define S_ISBLK(m) (((m) & S_IFMT) == S_IFBLK)
#define S_ISFIFO(m) (((m) & S_IFMT) == S_IFIFO)
#define S_ISSOCK(m) (((m) & S_IFMT) == S_IFSOCK)

struct linux_timespec {
	s64 tv_sec;
	s64 tv_nsec;
};

struct linux_stat {
	u64 st_dev;
	u64 st_ino;
	u64 st_nlink;
	u32 st_mode;
	u32 st_uid;
	u32 st_gid;
	u32 __pad0;
	u64 st_rdev;
	s64 st_size;
	s64 st_blksize;
	s64 st_blocks;
	struct linux_timespec st_atim;
	struct linux_timespec st_mtim;
	struct linux_timespec st_ctim;
	s64 __reserved[3];
};

struct linux_statx_timestamp {
	s64 tv_sec;
	u32 tv_nsec;
	s32 __reserved;
};

struct linux_statx {
	u32 stx_mask;
	u32 stx_blksize;
	u64 stx_attributes;
	u32 stx_nlink;
	u32 stx_uid;
	u32 stx_gid;
	u16 stx_mode;
	u16 __spare0;
	u64 stx_ino;
	u64 stx_size;
	u64 stx_blocks;
	u64 stx_attributes_mask;
	struct linux_statx_timestamp stx_atime;
	struct linux_statx_timestamp stx_btime;
	struct linux_statx_timestamp stx_ctime;
	struct linux_statx_timestamp stx_mtime;
	u32 stx_rdev_major;
	u32 stx_rdev_minor;
	u32 stx_dev_major;
	u32 stx_dev_minor;
	u64 stx_mnt_id;
	u32 stx_dio_mem_align;
	u32 stx_dio_offset_align;
	u64 __spare3[12];
};

#define STATX_TYPE 0x1U
#define STATX_MODE 0x2U
#define STATX_NLINK 0x4U
#define STATX_UID 0x8U
#define STATX_GID 0x10U
#define STATX_ATIME 0x20U
#define STATX_MTIME 0x40U
#define STATX_CTIME 0x80U
#define STATX_INO 0x100U
#define STATX_SIZE 0x200U
#define STATX_BLOCKS 0x400U
#define STATX_BASIC_STATS 0x7ffU
#define STATX_BTIME 0x800U
#define STATX_MNT_ID 0x1000U
#define STATX__RESERVED 0x80000000U

struct linux_statfs {
	s64 f_type;
	s64 f_bsize;
	u64 f_blocks;
	u64 f_bfree;
	u64 f_bavail;
	u64 f_files;
	u64 f_ffree;
	s32 f_fsid[2];
	s64 f_namelen;
	s64 f_frsize;
	s64 f_flags;
	s64 f_spare[4];
};

struct linux_dirent64 {
	u64 d_ino;
	s64 d_off;
	u16 d_reclen;
	u8 d_type;
	char d_name[];
};

#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_BLK 6
#define DT_REG 8
#define DT_LNK 10
#define DT_SOCK 12

#define UTIME_NOW ((1L << 30) - 1L)
#define UTIME_OMIT ((1L << 30) - 2L)

/* Device numbers as Linux encodes them in st_dev and st_rdev. */
static inline u64 makedev_linux(u32 major, u32 minor)
{
	return ((u64)(major & 0xfffff000) << 32) | ((u64)(major & 0xfff) << 8) |
	       ((u64)(minor & 0xffffff00) << 12) | (minor & 0xff);
}

static inline u32 dev_major(u64 dev)
{
	return ((dev >> 32) & 0xfffff000) | ((dev >> 8) & 0xfff);
}

static inline u32 dev_minor(u64 dev)
{
	return ((dev >> 12) & 0xffffff00) | (dev & 0xff);
}

#endif
