/*
 * AF_UNIX sockets: stream, datagram and seqpacket, as Linux's af_unix.
 *
 * In a nutshell:
 *  - A socket has a receive queue of buffers (struct skb).  A sender
 *    puts its data straight into the peer's queue; each buffer is
 *    charged to the sender's send buffer until the reader frees it,
 *    which is the flow control: a sender blocks while what it sent and
 *    is not yet read reaches SO_SNDBUF (buffer sizes follow Linux's
 *    accounting, so the same programs block at about the same point).
 *    A datagram receiver that is not connected back to its sender also
 *    refuses more than MAX_DGRAM_QLEN queued datagrams.
 *  - Stream connect creates the server's end at once (an "embryo") and
 *    queues it on the listener as a connection request; the client is
 *    connected before accept() takes the embryo, as in Linux.
 *  - Names: a path bind makes a socket node in the guest's file system
 *    (on a host directory, a real socket file made with mknod, which
 *    anyone may do) and files the socket under the node's inode in a
 *    table; connect looks the path up and asks the table.  Nothing is
 *    ever connected to a host socket: a node no guest socket is bound
 *    to refuses connections.  Abstract names (a leading NUL) and
 *    autobind names live in the same table, by name and type.
 *  - Passed files (SCM_RIGHTS) ride in the buffers with a reference
 *    each; they are installed by recvmsg or dropped with the buffer.
 *    Sockets passed inside their own queues (or in cycles) are found
 *    by a garbage collector (unix_gc) when a socket closes.
 *  - Dropping buffers can drop the last reference to other sockets;
 *    those releases are deferred and run one after the other, so that
 *    a long chain of sockets inside sockets cannot overflow the stack.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/signal.h"
#include "kernel/uaccess.h"
#include "kernel/fs/vfs.h"
#include "kernel/net/net.h"
#include "kernel/abi/misc.h"

#define UNIX_HASH 256
#define MAX_DGRAM_QLEN 10         /* net.unix.max_dgram_qlen */
/* Linux's buffer geometry, for sizes and accounting. */
#define SKB_SHINFO 320            /* struct skb_shared_info, aligned */
#define SKB_STRUCT 256            /* struct sk_buff, aligned */
#define SKB_MAX_HEAD (PAGE_SIZE - SKB_SHINFO)
#define SKB_FRAGS_SZ 32768        /* stream: paged part of a buffer */
#define SKB_MAX_ALLOC (4 * PAGE_SIZE - SKB_SHINFO)
#define MAX_SKB_FRAGS 17
#define AUTOBIND_LEN 8            /* family, NUL, five hex digits */
#define SUN_PATH_OFF 2
#define SUN_MAX (SUN_PATH_OFF + 108)
#define OVERFLOW_ID 65534
#define GC_DELAY_NS (10 * 1000 * 1000LL)

#define POLLOUT_ALL (POLLOUT | POLLWRNORM | POLLWRBAND)
#define POLLIN_ALL (POLLIN | POLLRDNORM | POLLRDBAND | POLLPRI)

/* A bound name, shared by a listener and the sockets it accepts. */
struct unix_addr {
	int refcount;
	int len;                      /* as getsockname reports it */
	u8 name[SOCKADDR_STORAGE + 1];
};

/* A buffer in a receive queue: a datagram, a piece of a stream, or a
   connection request (embryo). */
struct skb {
	struct list link;
	struct unix_sock *from;       /* sender (a reference), or NULL */
	size_t len, consumed;         /* stream: bytes already read */
	size_t truesize;              /* charged to from's send buffer */
	struct scm_fds *fds;          /* passed files, or NULL */
	bool has_creds;
	struct sock_creds creds;
	struct unix_sock *embryo;     /* a connection request (its owner) */
	char data[];
};

struct unix_sock {
	struct sock sk;
	struct unix_addr *addr;       /* bound name, or NULL */
	struct path path;             /* a path bind: the node (a reference) */
	struct inode *node;           /* its backing inode (a reference) */
	struct list bind_link;        /* bound[]; empty when not findable */
	struct unix_sock *peer;       /* a reference */
	struct list senders;          /* socks whose peer we are */
	struct list sender_link;      /* in peer->senders */
	bool relay;                   /* wants POLLOUT when peer's queue drains */
	struct list recvq;            /* struct skb.link */
	unsigned qlen;                /* buffers in recvq */
	size_t inq;                   /* bytes not yet read in recvq */
	int max_backlog;              /* listen backlog; datagram queue limit */
	struct waitq peer_wait;       /* senders and connectors waiting for room */
	bool dead;                    /* released */
	/* the garbage collector */
	int inflight;                 /* our file is in this many queued buffers */
	struct list gc_link;          /* inflight_list while inflight > 0 */
	int gc_refs;
	bool gc_candidate;
};

static const struct proto_ops unix_stream_ops, unix_dgram_ops,
	unix_seqpacket_ops;
static struct list bound[UNIX_HASH];
static struct list inflight_list = LIST_INIT(inflight_list);
static long inflight_total;
static void unix_gc(void);

static struct unix_sock *unix_sk(struct sock *sk)
{
	return container_of(sk, struct unix_sock, sk);
}

static bool connection_based(struct sock *sk)
{
	return sk->type == SOCK_STREAM || sk->type == SOCK_SEQPACKET;
}

struct sock *unix_sock_of_file(struct file *f)
{
	struct sock *sk = sock_of_file(f);

	return sk && sk->family == AF_UNIX ? sk : NULL;
}

/* ---- deferred file releases ---- */

static struct file **put_queue;
static size_t put_n, put_max;
static bool put_running;

static void defer_fput(struct file *f)
{
	if (put_n == put_max) {
		put_max = put_max ? put_max * 2 : 64;
		put_queue = krealloc(put_queue, put_max * sizeof(*put_queue));
	}
	put_queue[put_n++] = f;
}

/* Drop the deferred references, one after the other. */
static void run_fputs(void)
{
	if (put_running)
		return;
	put_running = true;
	while (put_n)
		file_put(put_queue[--put_n]);
	put_running = false;
}

/* ---- in-flight accounting for the garbage collector ---- */

static void fds_inflight(struct scm_fds *fds, int delta)
{
	if (!fds)
		return;
	for (int i = 0; i < fds->count; i++) {
		struct sock *sk = unix_sock_of_file(fds->fp[i]);
		struct unix_sock *u;

		if (!sk)
			continue;
		u = unix_sk(sk);
		if (delta > 0 && u->inflight++ == 0)
			list_add_tail(&inflight_list, &u->gc_link);
		if (delta < 0 && --u->inflight == 0)
			list_del(&u->gc_link);
		inflight_total += delta;
	}
}

/* ---- buffers ---- */

static size_t kmalloc_size(size_t n)
{
	size_t s = 512;

	while (s < n)
		s *= 2;
	return s;
}

static size_t truesize(size_t head, size_t paged)
{
	return kmalloc_size(head + SKB_SHINFO) + SKB_STRUCT + paged;
}

static bool writable(struct unix_sock *u)
{
	return u->sk.state != SK_LISTEN && u->sk.wmem * 4 <= (size_t)u->sk.sndbuf;
}

/* A buffer of len bytes from u (charged to it), paged bytes of them paged. */
static struct skb *skb_alloc(struct unix_sock *u, size_t len, size_t paged)
{
	struct skb *skb = kmalloc_try(sizeof(*skb) + len);

	if (!skb)
		return NULL;
	memset(skb, 0, sizeof(*skb));
	skb->len = len;
	skb->truesize = truesize(len - paged, paged);
	if (u) {
		skb->from = u;
		sock_hold(&u->sk);
		u->sk.wmem += skb->truesize;
	}
	return skb;
}

static void skb_free(struct skb *skb)
{
	struct unix_sock *from = skb->from;

	if (skb->fds) {
		for (int i = 0; i < skb->fds->count; i++)
			defer_fput(skb->fds->fp[i]);
		kfree(skb->fds);
	}
	if (from) {
		bool was = writable(from);

		from->sk.wmem -= skb->truesize;
		if (!was && writable(from))
			sock_wake(&from->sk, POLLOUT_ALL);
		sock_put(&from->sk);
	}
	kfree(skb);
}

static void queue_tail(struct unix_sock *u, struct skb *skb)
{
	list_add_tail(&u->recvq, &skb->link);
	u->qlen++;
	u->inq += skb->len;
	fds_inflight(skb->fds, 1);
}

static void unlink_skb(struct unix_sock *u, struct skb *skb)
{
	list_del(&skb->link);
	u->qlen--;
	u->inq -= skb->len - skb->consumed;
	fds_inflight(skb->fds, -1);
}

/* The files of skb, taken out of it (no longer in flight). */
static struct scm_fds *detach_fds(struct skb *skb)
{
	struct scm_fds *fds = skb->fds;

	fds_inflight(fds, -1);
	skb->fds = NULL;
	return fds;
}

static void purge_queue(struct unix_sock *u)
{
	while (!list_empty(&u->recvq)) {
		struct skb *skb = list_first(&u->recvq, struct skb, link);

		unlink_skb(u, skb);
		skb_free(skb);
	}
}

static struct skb *first_skb(struct unix_sock *u)
{
	return list_empty(&u->recvq) ? NULL
				     : list_first(&u->recvq, struct skb, link);
}

static bool recvq_full(struct unix_sock *u)
{
	return u->qlen > (unsigned)u->max_backlog;
}

/* ---- names ---- */

static unsigned hash_bytes(const u8 *p, int n, unsigned seed)
{
	unsigned h = seed * 31 + 7;

	while (n--)
		h = h * 31 + *p++;
	return h % UNIX_HASH;
}

static void bound_init(void)
{
	if (!bound[0].next)
		for (int i = 0; i < UNIX_HASH; i++)
			list_init(&bound[i]);
}

static struct list *bucket_of_node(struct inode *node)
{
	uintptr_t p = (uintptr_t)node;

	bound_init();
	return &bound[hash_bytes((u8 *)&p, sizeof(p), 1)];
}

static struct list *bucket_of_name(const u8 *name, int len, int type)
{
	bound_init();
	return &bound[hash_bytes(name, len, (unsigned)type + 2)];
}

/* The inode a bound socket is filed under (through overlays). */
static struct inode *inode_backing(struct inode *inode)
{
	while (inode->iop && inode->iop->real)
		inode = inode->iop->real(inode);
	return inode;
}

static struct unix_sock *find_by_node(struct inode *node)
{
	struct unix_sock *u;

	list_for_each(u, bucket_of_node(node), bind_link)
		if (u->node == node)
			return u;
	return NULL;
}

static struct unix_sock *find_by_name(const u8 *name, int len, int type)
{
	struct unix_sock *u;

	list_for_each(u, bucket_of_name(name, len, type), bind_link)
		if (!u->node && u->sk.type == type && u->addr->len == len &&
		    !memcmp(u->addr->name, name, len))
			return u;
	return NULL;
}

static struct unix_addr *addr_new(const u8 *name, int len)
{
	struct unix_addr *a = kzalloc(sizeof(*a));

	a->refcount = 1;
	a->len = len;
	memcpy(a->name, name, len);
	return a;
}

static void addr_put(struct unix_addr *a)
{
	if (a && --a->refcount == 0)
		kfree(a);
}

static void unbind(struct unix_sock *u)
{
	list_del(&u->bind_link);
	if (u->node) {
		inode_put(u->node);
		path_put(&u->path);
		u->node = NULL;
	}
}

static u16 family_of(const struct sockaddr_k *a)
{
	return (u16)(a->bytes[0] | a->bytes[1] << 8);
}

static int validate_addr(const struct sockaddr_k *a, int len)
{
	if (len <= SUN_PATH_OFF || len > SUN_MAX)
		return -EINVAL;
	if (family_of(a) != AF_UNIX)
		return -EINVAL;
	return 0;
}

/* NUL-terminate a path address; the length Linux gives its name. */
static int path_addr_len(struct sockaddr_k *a, int len)
{
	a->bytes[len] = 0;
	return (int)strlen((char *)a->bytes + SUN_PATH_OFF) + SUN_PATH_OFF + 1;
}

static int autobind(struct unix_sock *u)
{
	u8 name[AUTOBIND_LEN + 1];
	u32 start, n;

	if (u->addr)
		return 0;
	start = (u32)get_random_u64() & 0xfffff;
	for (n = (start + 1) & 0xfffff;; n = (n + 1) & 0xfffff) {
		name[0] = AF_UNIX;
		name[1] = 0;
		name[2] = 0;
		ksnprintf((char *)name + 3, 6, "%05x", n);
		if (!find_by_name(name, AUTOBIND_LEN, u->sk.type))
			break;
		if (n == start)
			return -ENOSPC;
	}
	u->addr = addr_new(name, AUTOBIND_LEN);
	list_add(bucket_of_name(name, AUTOBIND_LEN, u->sk.type), &u->bind_link);
	return 0;
}

static int bind_abstract(struct unix_sock *u, const struct sockaddr_k *a,
			 int len)
{
	if (u->addr)
		return -EINVAL;
	if (find_by_name(a->bytes, len, u->sk.type))
		return -EADDRINUSE;
	u->addr = addr_new(a->bytes, len);
	list_add(bucket_of_name(a->bytes, len, u->sk.type), &u->bind_link);
	return 0;
}

/* Make the socket node for path: its path (a reference) in *out. */
static int make_node(struct task *t, const char *path, struct path *out)
{
	struct nameidata nd;
	struct path child;
	int rc = path_walk(t, AT_FDCWD, path, LOOKUP_PARENT, &nd);

	if (rc < 0)
		return rc;
	if (nd.last_type != LAST_NORM) {
		rc = -EEXIST;
		goto out;
	}
	rc = lookup_one(&nd.path, nd.last, &child);
	if (rc < 0)
		goto out;
	if (child.dentry->inode)
		rc = -EEXIST;
	else if (nd.trailing_slash)
		rc = -ENOENT;
	path_put(&child);
	if (rc == 0)
		rc = vfs_mknod(t, &nd.path, nd.last,
			       S_IFSOCK | (0777 & ~t->fs->umask), 0);
	if (rc == 0)
		rc = lookup_one(&nd.path, nd.last, out);
	if (rc == 0 && !out->dentry->inode) {
		path_put(out);
		rc = -ENOENT;
	}
out:
	path_put(&nd.path);
	return rc;
}

/* Undo make_node() (bind found the socket bound meanwhile). */
static void remove_node(struct task *t, struct path *node)
{
	struct path dir = { node->mnt, node->dentry->parent };

	dget(dir.dentry);
	vfs_unlink(t, &dir, node->dentry);
	d_drop_child(dir.dentry, node->dentry->name);
	dput(dir.dentry);
}

static int bind_path(struct unix_sock *u, struct sockaddr_k *a, int len)
{
	struct task *t = current;
	struct path node;
	int rc;

	len = path_addr_len(a, len);
	rc = make_node(t, (char *)a->bytes + SUN_PATH_OFF, &node);
	if (rc < 0)
		return rc == -EEXIST ? -EADDRINUSE : rc;
	if (u->addr) {
		remove_node(t, &node);
		path_put(&node);
		return -EINVAL;
	}
	u->addr = addr_new(a->bytes, len);
	u->path = node;
	u->node = inode_backing(node.dentry->inode);
	inode_get(u->node);
	list_add(bucket_of_node(u->node), &u->bind_link);
	return 0;
}

static int unix_bind(struct sock *sk, struct sockaddr_k *a, int len)
{
	struct unix_sock *u = unix_sk(sk);
	int rc;

	if (len == SUN_PATH_OFF && family_of(a) == AF_UNIX)
		return autobind(u);
	rc = validate_addr(a, len);
	if (rc < 0)
		return rc;
	if (a->bytes[SUN_PATH_OFF])
		return bind_path(u, a, len);
	return bind_abstract(u, a, len);
}

/* The socket bound at the address, with a reference, or -errno. */
static int find_other(struct sockaddr_k *a, int len, int type,
		      struct unix_sock **out)
{
	struct task *t = current;
	struct unix_sock *u = NULL;
	struct nameidata nd;
	struct inode *inode;
	int rc;

	if (!a->bytes[SUN_PATH_OFF]) {
		u = find_by_name(a->bytes, len, type);
		if (!u)
			return -ECONNREFUSED;
		sock_hold(&u->sk);
		*out = u;
		return 0;
	}
	path_addr_len(a, len);
	rc = path_walk(t, AT_FDCWD, (char *)a->bytes + SUN_PATH_OFF,
		       LOOKUP_FOLLOW, &nd);
	if (rc < 0)
		return rc;
	inode = nd.path.dentry->inode;
	rc = inode_permission(t, inode, MAY_WRITE);
	if (rc == 0 && !S_ISSOCK(inode->mode))
		rc = -ECONNREFUSED;
	if (rc == 0) {
		u = find_by_node(inode_backing(inode));
		if (!u)
			rc = -ECONNREFUSED;
		else if (u->sk.type != type)
			rc = -EPROTOTYPE;
	}
	path_put(&nd.path);
	if (rc < 0)
		return rc;
	sock_hold(&u->sk);
	*out = u;
	return 0;
}

/* ---- peers ---- */

static void set_peer(struct unix_sock *u, struct unix_sock *other)
{
	struct unix_sock *old = u->peer;

	u->relay = false;
	if (old)
		list_del(&u->sender_link);
	if (other) {
		sock_hold(&other->sk);
		list_add_tail(&other->senders, &u->sender_link);
	}
	u->peer = other;
	if (old)
		sock_put(&old->sk);
}

/* Those that waited for room in u's queue may try again. */
static void wake_senders(struct unix_sock *u)
{
	struct unix_sock *s;

	wake_up_key(&u->peer_wait, POLLOUT_ALL);
	list_for_each(s, &u->senders, sender_link) {
		if (s->relay) {
			s->relay = false;
			sock_wake(&s->sk, POLLOUT_ALL);
		}
	}
}

/* May u send to other?  Not if other is connected to a third. */
static bool may_send(struct unix_sock *u, struct unix_sock *other)
{
	return !other->peer || other->peer == u;
}

static struct sock_creds euid_creds(void)
{
	return current_creds(true);
}

/* ---- creation and release ---- */

static void unix_destruct(struct sock *sk)
{
	struct unix_sock *u = unix_sk(sk);

	purge_queue(u);
	addr_put(u->addr);
	kfree(u);
}

static struct unix_sock *unix_alloc(int type)
{
	struct unix_sock *u = kzalloc(sizeof(*u));
	const struct proto_ops *ops = type == SOCK_STREAM ? &unix_stream_ops :
		type == SOCK_SEQPACKET ? &unix_seqpacket_ops : &unix_dgram_ops;

	sock_init(&u->sk, AF_UNIX, type, 0, ops);
	u->sk.destruct = unix_destruct;
	list_init(&u->bind_link);
	list_init(&u->senders);
	list_init(&u->sender_link);
	list_init(&u->recvq);
	list_init(&u->gc_link);
	waitq_init(&u->peer_wait);
	u->max_backlog = MAX_DGRAM_QLEN;
	return u;
}

int unix_create(int type, int protocol, struct sock **out)
{
	if (protocol && protocol != AF_UNIX)
		return -EPROTONOSUPPORT;
	switch (type) {
	case SOCK_RAW:
		type = SOCK_DGRAM; /* as BSD, and Linux */
		break;
	case SOCK_STREAM:
	case SOCK_DGRAM:
	case SOCK_SEQPACKET:
		break;
	default:
		return -ESOCKTNOSUPPORT;
	}
	*out = &unix_alloc(type)->sk;
	return 0;
}

/* Tear u down: its file is gone, or it is an embryo never accepted. */
static void release_sock(struct unix_sock *u, bool embryo)
{
	struct unix_sock *peer = u->peer, *s;
	enum sock_state state = u->sk.state;

	unbind(u);
	u->dead = true;
	u->sk.shutdown = SHUTDOWN_MASK;
	u->sk.state = SK_CLOSE;
	wake_up(&u->peer_wait);
	list_for_each(s, &u->senders, sender_link) {
		s->relay = false;
		sock_wake(&s->sk, POLLOUT_ALL);
	}
	if (peer) {
		if (connection_based(&u->sk)) {
			peer->sk.shutdown = SHUTDOWN_MASK;
			if (!list_empty(&u->recvq) || embryo)
				peer->sk.err = ECONNRESET;
			sock_wake(&peer->sk, 0);
		}
		set_peer(u, NULL);
	}
	while (!list_empty(&u->recvq)) {
		struct skb *skb = list_first(&u->recvq, struct skb, link);

		unlink_skb(u, skb);
		if (state == SK_LISTEN && skb->embryo) {
			release_sock(skb->embryo, true);
			skb->embryo = NULL;
		}
		skb_free(skb);
	}
	sock_put(&u->sk);
}

static void gc_timer_fire(struct ktimer *timer)
{
	(void)timer;
	unix_gc();
}

/*
 * A release may leave a cycle behind at once, or only once the program
 * closes the last descriptors of its members a moment later (Linux's
 * collector runs from a work queue, a little later, and finds those):
 * collect now, and again in a while.
 */
static void schedule_gc(void)
{
	static struct ktimer gc_timer;

	if (!gc_timer.fn)
		timer_init(&gc_timer, gc_timer_fire);
	unix_gc();
	if (inflight_total)
		timer_arm(&gc_timer, ktime_mono() + GC_DELAY_NS);
}

static void unix_release(struct sock *sk)
{
	release_sock(unix_sk(sk), false);
	run_fputs();
	if (inflight_total)
		schedule_gc();
}

static int unix_socketpair(struct sock *a, struct sock *b)
{
	struct unix_sock *ua = unix_sk(a), *ub = unix_sk(b);

	set_peer(ua, ub);
	set_peer(ub, ua);
	a->peercred = b->peercred = euid_creds();
	a->has_peercred = b->has_peercred = true;
	a->state = b->state = SK_ESTABLISHED;
	return 0;
}

static int unix_listen(struct sock *sk, int backlog)
{
	struct unix_sock *u = unix_sk(sk);

	if (sk->type != SOCK_STREAM && sk->type != SOCK_SEQPACKET)
		return -EOPNOTSUPP;
	if (!u->addr)
		return -EINVAL;
	if (sk->state != SK_CLOSE && sk->state != SK_LISTEN)
		return -EINVAL;
	if (backlog > u->max_backlog)
		wake_up(&u->peer_wait);
	u->max_backlog = backlog;
	sk->state = SK_LISTEN;
	sk->peercred = euid_creds();
	sk->has_peercred = true;
	return 0;
}

/* ---- waiting ---- */

/* Sleep on wq until woken, the deadline or a signal. */
static int sock_sleep(struct waitq *wq, s64 *deadline)
{
	int rc = sleep_on(wq, true, *deadline > 0 ? *deadline : 0);

	if (rc == -ETIMEDOUT)
		*deadline = -1;
	return rc;
}

/* Wait until sk may allocate another buffer (Linux's sock_alloc_send). */
static int wait_for_wmem(struct sock *sk, s64 deadline)
{
	for (;;) {
		int err = sock_error(sk);

		if (err)
			return err;
		if (sk->shutdown & SEND_SHUTDOWN)
			return -EPIPE;
		if (sk->wmem < (size_t)sk->sndbuf)
			return 0;
		if (deadline < 0)
			return -EAGAIN;
		if (signal_pending(current))
			return sock_intr_errno(deadline);
		sock_sleep(&sk->wait, &deadline);
	}
}

/*
 * The first buffer of u's queue, unlinked unless peeking, waiting as
 * the deadline says.  NULL with *err: -errno, or 0 at end of file.
 */
static struct skb *recv_skb(struct unix_sock *u, int flags, s64 deadline,
			    int *err)
{
	struct sock *sk = &u->sk;

	for (;;) {
		struct skb *skb;

		*err = sock_error(sk);
		if (*err)
			return NULL;
		skb = first_skb(u);
		if (skb) {
			if (!(flags & MSG_PEEK))
				unlink_skb(u, skb);
			return skb;
		}
		*err = -EAGAIN;
		if (deadline < 0)
			return NULL;
		if (sk->shutdown & RCV_SHUTDOWN) {
			*err = 0;
			return NULL;
		}
		if (connection_based(sk) && sk->state != SK_ESTABLISHED &&
		    sk->state != SK_LISTEN) {
			*err = -ENOTCONN;
			return NULL;
		}
		if (signal_pending(current)) {
			*err = sock_intr_errno(deadline);
			return NULL;
		}
		sock_sleep(&sk->wait, &deadline);
	}
}

/* ---- connecting ---- */

static int unix_stream_connect(struct sock *sk, struct sockaddr_k *a,
			       int len, int flags)
{
	struct unix_sock *u = unix_sk(sk), *other, *embryo;
	s64 deadline;
	struct skb *skb;
	int rc = validate_addr(a, len);

	if (rc < 0)
		return rc;
	if (sk->passcred && !u->addr && (rc = autobind(u)) < 0)
		return rc;
	deadline = sock_deadline(sk->sndtimeo, flags & O_NONBLOCK);
	for (;;) {
		rc = find_other(a, len, sk->type, &other);
		if (rc < 0)
			return rc;
		if (other->sk.state != SK_LISTEN ||
		    (other->sk.shutdown & RCV_SHUTDOWN)) {
			rc = -ECONNREFUSED;
			goto out;
		}
		if (!recvq_full(other))
			break;
		if (deadline < 0) {
			rc = -EAGAIN;
			goto out;
		}
		if (signal_pending(current)) {
			rc = sock_intr_errno(deadline);
			goto out;
		}
		sock_sleep(&other->peer_wait, &deadline);
		sock_put(&other->sk);
	}
	if (sk->state != SK_CLOSE) {
		rc = sk->state == SK_ESTABLISHED ? -EISCONN : -EINVAL;
		goto out;
	}
	embryo = unix_alloc(sk->type);
	set_peer(embryo, u);
	embryo->sk.state = SK_ESTABLISHED;
	embryo->sk.peercred = euid_creds();
	embryo->sk.has_peercred = true;
	embryo->sk.passcred = other->sk.passcred;
	embryo->sk.passrights = other->sk.passrights;
	embryo->addr = other->addr;
	embryo->addr->refcount++;
	sk->peercred = other->sk.peercred;
	sk->has_peercred = other->sk.has_peercred;
	sk->state = SK_ESTABLISHED;
	set_peer(u, embryo);
	skb = skb_alloc(NULL, 0, 0);
	skb->embryo = embryo;
	queue_tail(other, skb);
	sock_wake(&other->sk, POLLIN_ALL);
	rc = 0;
out:
	sock_put(&other->sk);
	return rc;
}

/* u's datagram peer changed from old: what old sent us is gone. */
static void dgram_disconnected(struct unix_sock *u, struct unix_sock *old)
{
	if (list_empty(&u->recvq))
		return;
	purge_queue(u);
	wake_up(&u->peer_wait);
	if (!old->dead && old->peer == u) {
		old->sk.err = ECONNRESET;
		sock_wake(&old->sk, POLLERR);
	}
	run_fputs();
}

static int unix_dgram_connect(struct sock *sk, struct sockaddr_k *a, int len,
			      int flags)
{
	struct unix_sock *u = unix_sk(sk), *other = NULL, *old = u->peer;
	int rc;

	(void)flags;
	if (len < SUN_PATH_OFF)
		return -EINVAL;
	if (family_of(a) != AF_UNSPEC) {
		rc = validate_addr(a, len);
		if (rc < 0)
			return rc;
		if (sk->passcred && !u->addr && (rc = autobind(u)) < 0)
			return rc;
		rc = find_other(a, len, sk->type, &other);
		if (rc < 0)
			return rc;
		if (!may_send(u, other)) {
			sock_put(&other->sk);
			return -EPERM;
		}
		sk->state = SK_ESTABLISHED;
		other->sk.state = SK_ESTABLISHED;
	}
	if (old)
		sock_hold(&old->sk);
	set_peer(u, other);
	if (old) {
		if (!other)
			sk->state = SK_CLOSE;
		sock_wake(sk, POLLOUT_ALL);
		if (other != old) {
			dgram_disconnected(u, old);
			if (!old->peer)
				old->sk.state = SK_CLOSE;
		}
		sock_put(&old->sk);
	}
	if (other)
		sock_put(&other->sk);
	return 0;
}

static int unix_accept(struct sock *sk, struct sock **out, int flags)
{
	struct unix_sock *u = unix_sk(sk), *embryo;
	struct skb *skb;
	int err;

	if (sk->type != SOCK_STREAM && sk->type != SOCK_SEQPACKET)
		return -EOPNOTSUPP;
	if (sk->state != SK_LISTEN)
		return -EINVAL;
	skb = recv_skb(u, 0, sock_deadline(sk->rcvtimeo, flags & O_NONBLOCK),
		       &err);
	if (!skb)
		return err ? err : -EINVAL;
	embryo = skb->embryo;
	skb->embryo = NULL;
	skb_free(skb);
	wake_up_key(&u->peer_wait, POLLOUT_ALL);
	*out = &embryo->sk;
	return 0;
}

static int unix_getname(struct sock *sk, struct sockaddr_k *a, bool peer)
{
	struct unix_sock *u = unix_sk(sk);

	if (peer) {
		u = u->peer;
		if (!u)
			return -ENOTCONN;
	}
	if (!u->addr) {
		a->bytes[0] = AF_UNIX;
		a->bytes[1] = 0;
		a->bytes[2] = 0;
		return SUN_PATH_OFF;
	}
	memcpy(a->bytes, u->addr->name, u->addr->len);
	return u->addr->len;
}

static int unix_shutdown(struct sock *sk, int how)
{
	struct unix_sock *peer = unix_sk(sk)->peer;
	unsigned mode, peer_mode = 0;

	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	mode = (unsigned)how + 1;
	sk->shutdown |= mode;
	sock_wake(sk, 0);
	if (peer && connection_based(sk)) {
		if (mode & RCV_SHUTDOWN)
			peer_mode |= SEND_SHUTDOWN;
		if (mode & SEND_SHUTDOWN)
			peer_mode |= RCV_SHUTDOWN;
		peer->sk.shutdown |= peer_mode;
		sock_wake(&peer->sk, 0);
	}
	return 0;
}

/* ---- sending ---- */

/* Credentials a message carries: sent, or added when someone wants them. */
static void skb_creds(struct skb *skb, const struct scm *scm,
		      struct unix_sock *u, struct unix_sock *other)
{
	if (scm->has_creds) {
		skb->has_creds = true;
		skb->creds = scm->creds;
	} else if (u->sk.passcred || other->sk.passcred || !other->sk.file) {
		skb->has_creds = true;
		skb->creds = current_creds(false);
	}
}

static size_t page_align(size_t n)
{
	return (n + PAGE_SIZE - 1) & ~(size_t)(PAGE_SIZE - 1);
}

static ssize_t unix_stream_sendmsg(struct sock *sk, struct kmsg *m, size_t len)
{
	struct unix_sock *u = unix_sk(sk), *other;
	bool fds_sent = false;
	size_t sent = 0;
	struct scm scm;
	ssize_t err = scm_send(sk, m, &scm);

	if (err < 0)
		return err;
	err = -EOPNOTSUPP;
	if (m->flags & MSG_OOB)
		goto out_err;
	if (m->namelen) {
		err = sk->state == SK_ESTABLISHED ? -EISCONN : -EOPNOTSUPP;
		goto out_err;
	}
	other = u->peer;
	err = -ENOTCONN;
	if (!other)
		goto out_err;
	sock_hold(&other->sk);
	if (sk->shutdown & SEND_SHUTDOWN)
		goto out_pipe;
	while (sent < len) {
		size_t size = MIN(len - sent, (size_t)(sk->sndbuf / 2 - 64));
		size_t paged = 0;
		struct skb *skb;

		size = MIN(size, SKB_MAX_HEAD + SKB_FRAGS_SZ);
		if (size > SKB_MAX_HEAD)
			paged = MIN(size, page_align(size - SKB_MAX_HEAD));
		err = wait_for_wmem(sk, sock_deadline(sk->sndtimeo,
						     m->flags & MSG_DONTWAIT));
		if (err < 0)
			goto out_put;
		err = -ENOBUFS;
		skb = skb_alloc(u, size, paged);
		if (!skb)
			goto out_put;
		if (!fds_sent) {
			skb->fds = scm.fds;
			scm.fds = NULL;
			fds_sent = true;
		}
		skb_creds(skb, &scm, u, other);
		if (copy_from_iter(skb->data, size, m->it) != size) {
			err = -EFAULT;
			skb_free(skb);
			goto out_put;
		}
		if (other->dead || (other->sk.shutdown & RCV_SHUTDOWN)) {
			skb_free(skb);
			goto out_pipe;
		}
		if (skb->fds && !other->sk.passrights) {
			err = -EPERM;
			skb_free(skb);
			goto out_put;
		}
		queue_tail(other, skb);
		sock_wake(&other->sk, POLLIN_ALL);
		sent += size;
	}
	err = 0;
	goto out_put;
out_pipe:
	if (!sent && !(m->flags & MSG_NOSIGNAL))
		send_sigpipe();
	err = -EPIPE;
out_put:
	sock_put(&other->sk);
out_err:
	scm_destroy(&scm);
	run_fputs();
	return sent ? (ssize_t)sent : err;
}

/* Sleep until other's queue has room, or it goes away. */
static int wait_for_peer(struct unix_sock *other, s64 *deadline)
{
	if (signal_pending(current))
		return sock_intr_errno(*deadline);
	if (!other->dead && !(other->sk.shutdown & RCV_SHUTDOWN) &&
	    recvq_full(other))
		sock_sleep(&other->peer_wait, deadline);
	if (signal_pending(current))
		return sock_intr_errno(*deadline);
	return 0;
}

/*
 * Where a datagram goes: other with a reference, or -errno.  A peer that
 * died disconnects us (ECONNREFUSED); a name bound again is looked up
 * again.
 */
static int dgram_target(struct unix_sock *u, struct kmsg *m,
			struct unix_sock **out)
{
	struct unix_sock *other;
	int rc;

	for (;;) {
		if (m->namelen) {
			rc = find_other(m->name, m->namelen, u->sk.type, &other);
			if (rc < 0)
				return rc;
		} else {
			other = u->peer;
			if (!other)
				return -ENOTCONN;
			sock_hold(&other->sk);
		}
		if (!may_send(u, other)) {
			sock_put(&other->sk);
			return -EPERM;
		}
		if (!other->dead) {
			*out = other;
			return 0;
		}
		if (u->sk.type == SOCK_SEQPACKET) {
			sock_put(&other->sk);
			return -EPIPE;
		}
		if (u->peer == other) {
			set_peer(u, NULL);
			u->sk.state = SK_CLOSE;
			sock_wake(&u->sk, POLLOUT_ALL);
			dgram_disconnected(u, other);
			sock_put(&other->sk);
			return -ECONNREFUSED;
		}
		sock_put(&other->sk);
		if (!m->namelen)
			return -ECONNRESET;
	}
}

static ssize_t unix_dgram_sendmsg(struct sock *sk, struct kmsg *m, size_t len)
{
	struct unix_sock *u = unix_sk(sk), *other = NULL;
	size_t paged = 0;
	struct skb *skb = NULL;
	struct scm scm;
	s64 deadline;
	ssize_t err = scm_send(sk, m, &scm);

	if (err < 0)
		return err;
	err = -EOPNOTSUPP;
	if (m->flags & MSG_OOB)
		goto out;
	if (m->namelen && (err = validate_addr(m->name, m->namelen)) < 0)
		goto out;
	if (sk->passcred && !u->addr && (err = autobind(u)) < 0)
		goto out;
	err = -EMSGSIZE;
	if (len > (size_t)sk->sndbuf - 32)
		goto out;
	if (len > SKB_MAX_ALLOC)
		paged = page_align(MIN(len - SKB_MAX_ALLOC,
				       (size_t)MAX_SKB_FRAGS * PAGE_SIZE));
	deadline = sock_deadline(sk->sndtimeo, m->flags & MSG_DONTWAIT);
	err = wait_for_wmem(sk, deadline);
	if (err < 0)
		goto out;
	err = -ENOBUFS;
	skb = skb_alloc(u, len, paged);
	if (!skb)
		goto out;
	skb->fds = scm.fds;
	scm.fds = NULL;
	err = -EFAULT;
	if (copy_from_iter(skb->data, len, m->it) != len)
		goto out;
	for (;;) {
		err = dgram_target(u, m, &other);
		if (err < 0)
			goto out;
		skb_creds(skb, &scm, u, other);
		err = -EPIPE;
		if (other->sk.shutdown & RCV_SHUTDOWN)
			goto out;
		err = -EPERM;
		if (skb->fds && !other->sk.passrights)
			goto out;
		if (other == u || other->peer == u || !recvq_full(other))
			break;
		if (deadline >= 0) {
			err = wait_for_peer(other, &deadline);
			if (err < 0)
				goto out;
			sock_put(&other->sk);
			other = NULL;
			continue;
		}
		if (u->peer == other)
			u->relay = true; /* POLLOUT when other drains */
		err = -EAGAIN;
		goto out;
	}
	queue_tail(other, skb);
	skb = NULL;
	sock_wake(&other->sk, POLLIN_ALL);
	err = (ssize_t)len;
out:
	if (other)
		sock_put(&other->sk);
	if (skb)
		skb_free(skb);
	scm_destroy(&scm);
	run_fputs();
	return err;
}

static ssize_t unix_seqpacket_sendmsg(struct sock *sk, struct kmsg *m,
				      size_t len)
{
	int err = sock_error(sk);

	if (err)
		return err;
	if (sk->state != SK_ESTABLISHED)
		return -ENOTCONN;
	m->namelen = 0;
	return unix_dgram_sendmsg(sk, m, len);
}

/* ---- receiving ---- */

static void copy_addr(struct kmsg *m, struct unix_sock *from)
{
	if (!m->name || !from || !from->addr)
		return;
	m->namelen = from->addr->len;
	memcpy(m->name->bytes, from->addr->name, from->addr->len);
}

static void creds_to_scm(const struct skb *skb, struct scm *scm)
{
	scm->has_creds = skb->has_creds;
	scm->creds = skb->creds;
}

static ssize_t unix_dgram_recvmsg(struct sock *sk, struct kmsg *m,
				  size_t size, int flags)
{
	struct unix_sock *u = unix_sk(sk);
	struct scm scm = { 0 };
	struct skb *skb;
	ssize_t ret;
	int err;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	skb = recv_skb(u, flags, sock_deadline(sk->rcvtimeo,
					       flags & MSG_DONTWAIT), &err);
	if (!skb) {
		if (sk->type == SOCK_SEQPACKET && err == -EAGAIN &&
		    (sk->shutdown & RCV_SHUTDOWN))
			err = 0;
		return err;
	}
	wake_senders(u);
	copy_addr(m, skb->from);
	if (size > skb->len)
		size = skb->len;
	else if (size < skb->len)
		m->flags |= MSG_TRUNC;
	if (copy_to_iter(skb->data, size, m->it) != size) {
		ret = -EFAULT;
		goto out;
	}
	creds_to_scm(skb, &scm);
	if (!(flags & MSG_PEEK))
		scm.fds = detach_fds(skb);
	else if (skb->fds)
		scm.fds = scm_fds_dup(skb->fds);
	ret = (flags & MSG_TRUNC) ? (ssize_t)skb->len : (ssize_t)size;
	scm_recv(sk, m, &scm);
out:
	if (!(flags & MSG_PEEK))
		skb_free(skb);
	run_fputs();
	return ret;
}

static ssize_t unix_seqpacket_recvmsg(struct sock *sk, struct kmsg *m,
				      size_t size, int flags)
{
	if (sk->state != SK_ESTABLISHED)
		return -ENOTCONN;
	return unix_dgram_recvmsg(sk, m, size, flags);
}

static bool creds_eq(const struct skb *skb, const struct scm *scm)
{
	return skb->has_creds == scm->has_creds &&
	       (!skb->has_creds ||
		(skb->creds.pid == scm->creds.pid &&
		 skb->creds.uid == scm->creds.uid &&
		 skb->creds.gid == scm->creds.gid));
}

/* Wait for stream data: -errno to stop with, 0 to look again. */
static int stream_wait(struct sock *sk, s64 *deadline)
{
	if (*deadline < 0)
		return -EAGAIN;
	sock_sleep(&sk->wait, deadline);
	if (signal_pending(current))
		return sock_intr_errno(*deadline);
	return 0;
}

static ssize_t unix_stream_recvmsg(struct sock *sk, struct kmsg *m,
				   size_t size, int flags)
{
	struct unix_sock *u = unix_sk(sk);
	struct scm scm = { 0 };
	bool check_creds = false, peek = flags & MSG_PEEK;
	size_t copied = 0, target;
	ssize_t err = 0;
	s64 deadline;

	if (sk->state != SK_ESTABLISHED)
		return -EINVAL;
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	target = (flags & MSG_WAITALL) ? size : MIN((size_t)sk->rcvlowat, size);
	if (!target)
		target = 1;
	deadline = sock_deadline(sk->rcvtimeo, flags & MSG_DONTWAIT);
	for (;;) {
		struct skb *skb = first_skb(u);

		if (!skb) {
			if (copied >= target)
				break;
			err = sock_error(sk);
			if (err || (sk->shutdown & RCV_SHUTDOWN))
				break;
			err = stream_wait(sk, &deadline);
			if (err == -EAGAIN)
				break;
			if (err < 0) {
				scm_destroy(&scm);
				goto out;
			}
			continue;
		}
		/* Peeking walks the queue; reading eats its head. */
		for (;;) {
			size_t chunk;

			if (check_creds) {
				if (!creds_eq(skb, &scm))
					goto done;
			} else if (sk->passcred) {
				creds_to_scm(skb, &scm);
				check_creds = true;
			}
			copy_addr(m, skb->from);
			chunk = MIN(skb->len - skb->consumed, size);
			if (copy_to_iter(skb->data + skb->consumed, chunk,
					 m->it) != chunk) {
				if (!copied)
					err = -EFAULT;
				goto done;
			}
			copied += chunk;
			size -= chunk;
			if (!peek) {
				skb->consumed += chunk;
				u->inq -= chunk;
				if (skb->fds)
					scm.fds = detach_fds(skb);
				if (skb->len > skb->consumed)
					goto done;
				unlink_skb(u, skb);
				skb_free(skb);
				if (scm.fds)
					goto done;
				break;
			}
			if (skb->fds) {
				scm.fds = scm_fds_dup(skb->fds);
				goto done;
			}
			if (skb->link.next == &u->recvq || !size)
				goto done;
			skb = list_entry(skb->link.next, struct skb, link);
		}
		if (!size)
			break;
	}
done:
	scm_recv(sk, m, &scm);
out:
	run_fputs();
	return copied ? (ssize_t)copied : err;
}

/* ---- poll and ioctl ---- */

static int unix_stream_poll(struct sock *sk, struct poll_table *pt)
{
	struct unix_sock *u = unix_sk(sk);
	int mask = 0;

	poll_wait(pt, &sk->wait);
	if (sk->err)
		mask |= POLLERR;
	if (sk->shutdown == SHUTDOWN_MASK)
		mask |= POLLHUP;
	if (sk->shutdown & RCV_SHUTDOWN)
		mask |= POLLRDHUP | POLLIN | POLLRDNORM;
	if (u->qlen)
		mask |= POLLIN | POLLRDNORM;
	if (sk->state == SK_CLOSE)
		mask |= POLLHUP;
	if (writable(u))
		mask |= POLLOUT_ALL;
	return mask;
}

static int unix_dgram_poll(struct sock *sk, struct poll_table *pt)
{
	struct unix_sock *u = unix_sk(sk), *other = u->peer;
	int mask = 0;

	poll_wait(pt, &sk->wait);
	if (sk->err)
		mask |= POLLERR;
	if (sk->shutdown & RCV_SHUTDOWN)
		mask |= POLLRDHUP | POLLIN | POLLRDNORM;
	if (sk->shutdown == SHUTDOWN_MASK)
		mask |= POLLHUP;
	if (u->qlen)
		mask |= POLLIN | POLLRDNORM;
	if (sk->type == SOCK_SEQPACKET && sk->state == SK_CLOSE)
		mask |= POLLHUP;
	if (!writable(u))
		return mask;
	if (other && other->peer != u && recvq_full(other) && !other->dead) {
		u->relay = true;
		return mask;
	}
	return mask | POLLOUT_ALL;
}

static long unix_ioctl(struct sock *sk, unsigned cmd, uaddr_t arg)
{
	struct unix_sock *u = unix_sk(sk);
	struct skb *skb;
	long n = 0;

	switch (cmd) {
	case SIOCOUTQ:
		return put_user((s32)sk->wmem, arg);
	case SIOCINQ:
		if (sk->state == SK_LISTEN)
			return -EINVAL;
		if (sk->type == SOCK_DGRAM) {
			skb = first_skb(u);
			n = skb ? (long)skb->len : 0;
		} else {
			n = (long)u->inq;
		}
		return put_user((s32)n, arg);
	case SIOCATMARK:
		return put_user((s32)0, arg);
	default:
		return -ENOTTY;
	}
}

static const struct proto_ops unix_stream_ops = {
	.family = AF_UNIX,
	.release = unix_release,
	.bind = unix_bind,
	.connect = unix_stream_connect,
	.socketpair = unix_socketpair,
	.accept = unix_accept,
	.getname = unix_getname,
	.poll = unix_stream_poll,
	.ioctl = unix_ioctl,
	.listen = unix_listen,
	.shutdown = unix_shutdown,
	.sendmsg = unix_stream_sendmsg,
	.recvmsg = unix_stream_recvmsg,
};

static const struct proto_ops unix_dgram_ops = {
	.family = AF_UNIX,
	.release = unix_release,
	.bind = unix_bind,
	.connect = unix_dgram_connect,
	.socketpair = unix_socketpair,
	.accept = unix_accept,
	.getname = unix_getname,
	.poll = unix_dgram_poll,
	.ioctl = unix_ioctl,
	.listen = unix_listen,
	.shutdown = unix_shutdown,
	.sendmsg = unix_dgram_sendmsg,
	.recvmsg = unix_dgram_recvmsg,
};

static const struct proto_ops unix_seqpacket_ops = {
	.family = AF_UNIX,
	.release = unix_release,
	.bind = unix_bind,
	.connect = unix_stream_connect,
	.socketpair = unix_socketpair,
	.accept = unix_accept,
	.getname = unix_getname,
	.poll = unix_dgram_poll,
	.ioctl = unix_ioctl,
	.listen = unix_listen,
	.shutdown = unix_shutdown,
	.sendmsg = unix_seqpacket_sendmsg,
	.recvmsg = unix_seqpacket_recvmsg,
};

/* ---- the garbage collector ---- */

/* Call fn on every in-flight candidate passed in u's queue (and in the
   queues of the connections waiting on it). */
static void for_each_child(struct unix_sock *u,
			   void (*fn)(struct unix_sock *child, void *arg),
			   void *arg)
{
	struct skb *skb;

	list_for_each(skb, &u->recvq, link) {
		if (skb->embryo)
			for_each_child(skb->embryo, fn, arg);
		if (!skb->fds)
			continue;
		for (int i = 0; i < skb->fds->count; i++) {
			struct sock *sk = unix_sock_of_file(skb->fds->fp[i]);

			if (sk && unix_sk(sk)->gc_candidate)
				fn(unix_sk(sk), arg);
		}
	}
}

static void dec_refs(struct unix_sock *child, void *arg)
{
	(void)arg;
	child->gc_refs--;
}

struct gc_stack {
	struct unix_sock **v;
	size_t n, max;
};

static void push(struct gc_stack *s, struct unix_sock *u)
{
	if (s->n == s->max) {
		s->max = s->max ? s->max * 2 : 32;
		s->v = krealloc(s->v, s->max * sizeof(*s->v));
	}
	s->v[s->n++] = u;
}

/* A candidate found alive: no longer a candidate, and what it holds
   is to be looked at. */
static void push_live(struct unix_sock *child, void *arg)
{
	if (!child->gc_candidate)
		return;
	child->gc_candidate = false;
	push(arg, child);
}

/* Move the buffers of u's queue (and its embryos') to list l. */
static void collect(struct unix_sock *u, struct list *l)
{
	struct skb *skb, *tmp;

	list_for_each_safe(skb, tmp, &u->recvq, link) {
		if (skb->embryo)
			collect(skb->embryo, l);
		unlink_skb(u, skb);
		list_add_tail(l, &skb->link);
	}
}

/*
 * Sockets whose files are referenced only from the queues of sockets in
 * the same situation can never be received: a cycle.  Candidates are
 * the in-flight sockets all of whose file references are in-flight
 * ones; a candidate passed in the queue of anything else is alive, and
 * so is all it holds.  The queues of the rest are dropped, which frees
 * them all.
 */
static void unix_gc(void)
{
	static bool running;
	struct gc_stack live = { 0 }, dead = { 0 };
	struct list garbage;
	struct unix_sock *u;

	if (running)
		return;
	running = true;
	list_for_each(u, &inflight_list, gc_link) {
		u->gc_refs = u->inflight;
		u->gc_candidate = u->sk.file &&
				  u->sk.file->refcount == u->inflight;
	}
	list_for_each(u, &inflight_list, gc_link)
		if (u->gc_candidate)
			for_each_child(u, dec_refs, NULL);
	list_for_each(u, &inflight_list, gc_link)
		if (u->gc_candidate && u->gc_refs > 0)
			push_live(u, &live);
	while (live.n)
		for_each_child(live.v[--live.n], push_live, &live);
	kfree(live.v);
	/* Collecting changes the in-flight list: list the garbage first. */
	list_for_each(u, &inflight_list, gc_link)
		if (u->gc_candidate)
			push(&dead, u);
	list_init(&garbage);
	for (size_t i = 0; i < dead.n; i++)
		collect(dead.v[i], &garbage);
	for (size_t i = 0; i < dead.n; i++)
		dead.v[i]->gc_candidate = false;
	kfree(dead.v);
	while (!list_empty(&garbage)) {
		struct skb *skb = list_first(&garbage, struct skb, link);

		list_del(&skb->link);
		if (skb->embryo) {
			release_sock(skb->embryo, true);
			skb->embryo = NULL;
		}
		skb_free(skb);
	}
	run_fputs();
	running = false;
}
