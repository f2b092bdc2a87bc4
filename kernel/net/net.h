/*
 * Sockets: the generic layer (socket.c) and the families behind it.
 *
 *   struct sock        one socket; generic state here, a family's own
 *                      state around it (struct unix_sock embeds one)
 *   struct proto_ops   what a family does: every call but the argument
 *                      checks and the copying of addresses, messages and
 *                      options, which socket.c does for all of them
 *   struct kmsg        a message on its way in or out: the data as an
 *                      iterator, the address, the control data
 *   struct scm         what a message carries besides data: passed
 *                      files (SCM_RIGHTS) and credentials
 *
 * A socket file holds a reference to its sock (file->priv); a family may
 * keep socks that have no file yet (a connection waiting for accept) or
 * no more (one still in flight).  Only AF_UNIX is implemented; other
 * families give EAFNOSUPPORT.
 */
#ifndef UMK_NET_H
#define UMK_NET_H

#include "kernel/types.h"
#include "kernel/wait.h"
#include "kernel/abi/socket.h"

struct task;
struct file;
struct inode;
struct poll_table;
struct iov_iter;

/* sk->shutdown */
#define RCV_SHUTDOWN 1
#define SEND_SHUTDOWN 2
#define SHUTDOWN_MASK 3

/* sk->state, as Linux's TCP_* states that AF_UNIX uses */
enum sock_state { SK_CLOSE, SK_LISTEN, SK_ESTABLISHED };

#define SOCK_DEFAULT_BUF 212992     /* net.core.[wr]mem_default */
#define SOCK_MAX_WMEM 4194304       /* net.core.wmem_max */
#define SOCK_MAX_RMEM 4194304       /* net.core.rmem_max */
#define SOCK_MIN_SNDBUF 4608
#define SOCK_MIN_RCVBUF 2304
#define SOCK_OPTMEM_MAX 131072      /* net.core.optmem_max: control data */

struct sock_creds {
	s32 pid;
	u32 uid, gid;
};

/* Files passed in one message, a reference each. */
struct scm_fds {
	int count;
	struct file *fp[SCM_MAX_FD];
};

struct scm {
	struct scm_fds *fds;        /* NULL: none */
	bool has_creds;             /* creds set (sent, or added) */
	struct sock_creds creds;
};

struct sockaddr_k {
	u8 bytes[SOCKADDR_STORAGE + 1]; /* +1: room for a NUL after a path */
};

struct kmsg {
	struct sockaddr_k *name;    /* send: the address given, or NULL */
	int namelen;                /* recv: set by the family, 0: none */
	struct iov_iter *it;
	void *control;              /* send: a kernel copy, NULL: none */
	size_t controllen;
	uaddr_t ucontrol;           /* recv: where control data goes next */
	size_t ucontrollen;         /* recv: room left there */
	int flags;                  /* send: MSG_* asked; recv: MSG_* out */
};

struct sock;

struct proto_ops {
	int family;
	/* The socket's file is gone: tear it down and drop its reference. */
	void (*release)(struct sock *sk);
	int (*bind)(struct sock *sk, struct sockaddr_k *addr, int len);
	/* flags: the file's O_NONBLOCK. */
	int (*connect)(struct sock *sk, struct sockaddr_k *addr, int len,
		       int flags);
	int (*socketpair)(struct sock *a, struct sock *b);
	/* A new connected sock (a reference) in *out. */
	int (*accept)(struct sock *sk, struct sock **out, int flags);
	/* The address (peer's if peer) into addr; its length or -errno. */
	int (*getname)(struct sock *sk, struct sockaddr_k *addr, bool peer);
	int (*poll)(struct sock *sk, struct poll_table *pt);
	long (*ioctl)(struct sock *sk, unsigned cmd, uaddr_t arg);
	int (*listen)(struct sock *sk, int backlog);
	int (*shutdown)(struct sock *sk, int how);
	ssize_t (*sendmsg)(struct sock *sk, struct kmsg *m, size_t len);
	ssize_t (*recvmsg)(struct sock *sk, struct kmsg *m, size_t len,
			   int flags);
};

struct sock {
	int family, type, protocol;
	int refcount;
	const struct proto_ops *ops;
	struct file *file;          /* its file, while it has one (no ref) */
	enum sock_state state;
	unsigned shutdown;          /* RCV_SHUTDOWN | SEND_SHUTDOWN */
	int err;                    /* pending error (positive), SO_ERROR */
	int sndbuf, rcvbuf, rcvlowat;
	s64 sndtimeo, rcvtimeo;     /* ns; 0: forever */
	bool passcred, passrights, reuseaddr, keepalive, broadcast;
	bool dontroute, oobinline, debug;
	int priority;
	struct linux_linger linger;
	bool has_peercred;          /* SO_PEERCRED */
	struct sock_creds peercred;
	size_t wmem;                /* truesize of what it sent, not yet freed */
	struct waitq wait;          /* readers, writers, pollers */
	void (*destruct)(struct sock *sk);  /* the last reference went */
};

/* socket.c */
void sock_init(struct sock *sk, int family, int type, int protocol,
	       const struct proto_ops *ops);
void sock_hold(struct sock *sk);
void sock_put(struct sock *sk);
/* A new file for sk (taking the caller's reference); flags O_NONBLOCK. */
struct file *sock_file(struct task *t, struct sock *sk, unsigned flags);
/* The sock of a socket file, or NULL. */
struct sock *sock_of_file(struct file *f);
/* Take the pending error: -errno, or 0. */
int sock_error(struct sock *sk);
/* Readers and pollers: data, or a state change, or an error. */
void sock_wake(struct sock *sk, unsigned key);
/* The timeout of a blocking call: deadline (0: none), or -1: none at all. */
s64 sock_deadline(s64 timeo, bool nonblock);
/* -ERESTARTSYS, or -EINTR when a timeout was set (Linux's rule). */
int sock_intr_errno(s64 deadline);
/* Credentials of the calling task, for SO_PEERCRED and messages. */
struct sock_creds current_creds(bool effective);
/* SIGPIPE to the calling thread, as a failed write raises it. */
void send_sigpipe(void);

/* Control messages (socket.c). */
int scm_send(struct sock *sk, struct kmsg *m, struct scm *scm);
void scm_destroy(struct scm *scm);
struct scm_fds *scm_fds_dup(const struct scm_fds *fds);
void scm_fds_free(struct scm_fds *fds);
/* Deliver creds and files of scm to m's control data; scm is consumed. */
void scm_recv(struct sock *sk, struct kmsg *m, struct scm *scm);
int put_cmsg(struct kmsg *m, int level, int type, int len, const void *data);

/* The families. */
int unix_create(int type, int protocol, struct sock **out);
/* The AF_UNIX sock behind a passed file, for the garbage collector. */
struct sock *unix_sock_of_file(struct file *f);

#endif
