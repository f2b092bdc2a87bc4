/* Linux x86-64 socket ABI: families, types, flags, options, messages. */
#ifndef UMK_ABI_SOCKET_H
#define UMK_ABI_SOCKET_H

#include "kernel/types.h"

#define AF_UNSPEC 0
#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define AF_NETLINK 16
#define AF_PACKET 17
#define AF_MAX 46              /* NPROTO: families are below it */

#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_RAW 3
#define SOCK_RDM 4
#define SOCK_SEQPACKET 5
#define SOCK_DCCP 6
#define SOCK_PACKET 10
#define SOCK_MAX 11
#define SOCK_TYPE_MASK 0xf
#define SOCK_NONBLOCK 00004000
#define SOCK_CLOEXEC 02000000

#define MSG_OOB 0x1
#define MSG_PEEK 0x2
#define MSG_DONTROUTE 0x4
#define MSG_CTRUNC 0x8
#define MSG_PROBE 0x10
#define MSG_TRUNC 0x20
#define MSG_DONTWAIT 0x40
#define MSG_EOR 0x80
#define MSG_WAITALL 0x100
#define MSG_FIN 0x200
#define MSG_SYN 0x400
#define MSG_CONFIRM 0x800
#define MSG_RST 0x1000
#define MSG_ERRQUEUE 0x2000
#define MSG_NOSIGNAL 0x4000
#define MSG_MORE 0x8000
#define MSG_WAITFORONE 0x10000
#define MSG_BATCH 0x40000
#define MSG_SOCK_DEVMEM 0x2000000
#define MSG_ZEROCOPY 0x4000000
#define MSG_SPLICE_PAGES 0x8000000
#define MSG_FASTOPEN 0x20000000
#define MSG_CMSG_CLOEXEC 0x40000000
#define MSG_CMSG_COMPAT 0x80000000U
/* Flags only the kernel may set on a send (Linux strips them). */
#define MSG_INTERNAL_SENDMSG_FLAGS (MSG_SPLICE_PAGES | 0x10000 | 0x100000)

#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2

#define SOL_SOCKET 1

#define SO_DEBUG 1
#define SO_REUSEADDR 2
#define SO_TYPE 3
#define SO_ERROR 4
#define SO_DONTROUTE 5
#define SO_BROADCAST 6
#define SO_SNDBUF 7
#define SO_RCVBUF 8
#define SO_KEEPALIVE 9
#define SO_OOBINLINE 10
#define SO_NO_CHECK 11
#define SO_PRIORITY 12
#define SO_LINGER 13
#define SO_BSDCOMPAT 14
#define SO_REUSEPORT 15
#define SO_PASSCRED 16
#define SO_PEERCRED 17
#define SO_RCVLOWAT 18
#define SO_SNDLOWAT 19
#define SO_RCVTIMEO_OLD 20
#define SO_SNDTIMEO_OLD 21
#define SO_ACCEPTCONN 30
#define SO_SNDBUFFORCE 32
#define SO_RCVBUFFORCE 33
#define SO_PROTOCOL 38
#define SO_DOMAIN 39
#define SO_RCVTIMEO_NEW 66
#define SO_SNDTIMEO_NEW 67
#define SO_PASSRIGHTS 83

#define SCM_RIGHTS 1
#define SCM_CREDENTIALS 2
#define SCM_MAX_FD 253

/* ioctls */
#define SIOCINQ 0x541B         /* FIONREAD */
#define SIOCOUTQ 0x5411        /* TIOCOUTQ */
#define FIOSETOWN 0x8901
#define SIOCSPGRP 0x8902
#define FIOGETOWN 0x8903
#define SIOCGPGRP 0x8904
#define SIOCATMARK 0x8905

struct linux_sockaddr_un {
	u16 sun_family;
	char sun_path[108];
};

#define SOCKADDR_STORAGE 128   /* sizeof(struct sockaddr_storage) */

struct linux_msghdr {
	u64 msg_name;
	s32 msg_namelen;
	u32 __pad1;
	u64 msg_iov;
	u64 msg_iovlen;
	u64 msg_control;
	u64 msg_controllen;
	s32 msg_flags;
	u32 __pad2;
};

struct linux_mmsghdr {
	struct linux_msghdr msg_hdr;
	u32 msg_len;
	u32 __pad;
};

struct linux_cmsghdr {
	u64 cmsg_len;
	s32 cmsg_level;
	s32 cmsg_type;
};

#define CMSG_ALIGN(len) (((len) + 7) & ~(u64)7)
#define CMSG_HDRLEN sizeof(struct linux_cmsghdr)
#define CMSG_LEN(len) (CMSG_HDRLEN + (len))
#define CMSG_SPACE(len) (CMSG_HDRLEN + CMSG_ALIGN(len))

struct linux_ucred {
	s32 pid;
	u32 uid;
	u32 gid;
};

struct linux_linger {
	s32 l_onoff;
	s32 l_linger;
};

#endif
