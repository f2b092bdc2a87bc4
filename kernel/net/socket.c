/*
 * The socket layer: socket files and the socket system calls.
 *
 * Every call checks its arguments and copies addresses, messages,
 * control data and options between the guest and the kernel here, in
 * the order Linux does (so that bad input fails with the errno Linux
 * gives); the family (struct proto_ops) does the rest.  Control data
 * on the way in is parsed into a struct scm (scm_send, called by the
 * family when Linux's family would), and on the way out written as
 * cmsgs straight into the guest's buffer (put_cmsg, scm_recv).
 *
 * A socket file has an inode of its own on "sockfs" (S_IFSOCK, 0777),
 * as in Linux; /proc/PID/fd shows it as socket:[INODE].
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/signal.h"
#include "kernel/uaccess.h"
#include "kernel/fs/vfs.h"
#include "kernel/net/net.h"
#include "kernel/abi/misc.h"
#include "kernel/abi/time.h"

#define MAX_RW_COUNT 0x7ffff000UL
#define SOMAXCONN 4096
#define HZ 250                  /* timeouts are kept in Linux's jiffies */
#define JIFFY_NS (NSEC_PER_SEC / HZ)
#define TIMEO_FOREVER (-1)      /* sk->sndtimeo, rcvtimeo: no timeout */
#define OVERFLOW_ID 65534       /* an id that cannot be mapped */

static struct super_block *sockfs;
static const struct file_ops socket_fops;

/* ---- socks ---- */

void sock_init(struct sock *sk, int family, int type, int protocol,
	       const struct proto_ops *ops)
{
	sk->family = family;
	sk->type = type;
	sk->protocol = protocol;
	sk->ops = ops;
	sk->refcount = 1;
	sk->state = SK_CLOSE;
	sk->sndbuf = sk->rcvbuf = SOCK_DEFAULT_BUF;
	sk->rcvlowat = 1;
	sk->sndtimeo = sk->rcvtimeo = TIMEO_FOREVER;
	sk->passrights = true;
	waitq_init(&sk->wait);
}

void sock_hold(struct sock *sk)
{
	sk->refcount++;
}

void sock_put(struct sock *sk)
{
	BUG_ON(sk->refcount <= 0);
	if (--sk->refcount)
		return;
	BUG_ON(waitq_active(&sk->wait));
	sk->destruct(sk);
}

int sock_error(struct sock *sk)
{
	int err = sk->err;

	sk->err = 0;
	return -err;
}

void sock_wake(struct sock *sk, unsigned key)
{
	wake_up_key(&sk->wait, key);
}

s64 sock_deadline(s64 timeo, bool nonblock)
{
	if (nonblock || timeo == 0)
		return -1;
	if (timeo == TIMEO_FOREVER)
		return 0;
	return ktime_mono() + timeo;
}

int sock_intr_errno(s64 deadline)
{
	return deadline == 0 ? -ERESTARTSYS : -EINTR;
}

struct sock_creds current_creds(bool effective)
{
	const struct creds *c = &current->proc->cred;

	return (struct sock_creds){ current->proc->pid,
				    effective ? c->euid : c->uid,
				    effective ? c->egid : c->gid };
}

void send_sigpipe(void)
{
	struct linux_siginfo info = { .si_signo = SIGPIPE, .si_code = SI_USER };

	info.kill.pid = current->proc->pid;
	info.kill.uid = current->proc->cred.uid;
	send_signal_thread(current, SIGPIPE, &info);
}

/* ---- socket files ---- */

struct sock *sock_of_file(struct file *f)
{
	return f->fop == &socket_fops ? f->priv : NULL;
}

struct file *sock_file(struct task *t, struct sock *sk, unsigned flags)
{
	struct inode *inode;
	struct file *f;
	s64 now = ktime_real();

	if (!sockfs)
		sockfs = sb_alloc("sockfs", NULL);
	inode = inode_alloc(sockfs);
	inode->ino = sockfs->next_ino++;
	inode->mode = S_IFSOCK | 0777;
	inode->uid = t->proc->cred.fsuid;
	inode->gid = t->proc->cred.fsgid;
	inode->atime.tv_sec = now / NSEC_PER_SEC;
	inode->atime.tv_nsec = now % NSEC_PER_SEC;
	inode->mtime = inode->ctime = inode->atime;
	f = file_anon(inode, O_RDWR | (flags & O_NONBLOCK));
	inode_put(inode);
	f->fop = &socket_fops;
	f->priv = sk;
	sk->file = f;
	return f;
}

static ssize_t sock_read(struct file *f, struct iov_iter *it, u64 *pos)
{
	struct sock *sk = f->priv;
	struct kmsg m = { .it = it };

	(void)pos;
	return sk->ops->recvmsg(sk, &m, it->count,
				(f->f_flags & O_NONBLOCK) ? MSG_DONTWAIT : 0);
}

static ssize_t sock_write(struct file *f, struct iov_iter *it, u64 *pos)
{
	struct sock *sk = f->priv;
	struct kmsg m = { .it = it };

	(void)pos;
	if (f->f_flags & O_NONBLOCK)
		m.flags |= MSG_DONTWAIT;
	if (sk->type == SOCK_SEQPACKET)
		m.flags |= MSG_EOR;
	return sk->ops->sendmsg(sk, &m, it->count);
}

static int sock_poll(struct file *f, struct poll_table *pt)
{
	struct sock *sk = f->priv;

	return sk->ops->poll(sk, pt);
}

static long sock_ioctl(struct file *f, unsigned cmd, uaddr_t arg)
{
	struct sock *sk = f->priv;
	long rc;

	switch (cmd) {
	case FIOSETOWN:
	case SIOCSPGRP:
		return get_user(rc, arg) ? -EFAULT : 0;
	case FIOGETOWN:
	case SIOCGPGRP:
		return put_user((s32)0, arg);
	}
	rc = sk->ops->ioctl ? sk->ops->ioctl(sk, cmd, arg) : -ENOTTY;
	return rc;
}

static void sock_release(struct file *f)
{
	struct sock *sk = f->priv;

	sk->file = NULL;
	sk->ops->release(sk);
}

static const struct file_ops socket_fops = {
	.read = sock_read,
	.write = sock_write,
	.poll = sock_poll,
	.ioctl = sock_ioctl,
	.release = sock_release,
};

/* ---- addresses ---- */

static int move_addr_to_kernel(uaddr_t uaddr, int len, struct sockaddr_k *a)
{
	memset(a, 0, sizeof(*a));
	if (len < 0 || len > SOCKADDR_STORAGE)
		return -EINVAL;
	if (len && copy_from_user(a->bytes, uaddr, len))
		return -EFAULT;
	return 0;
}

/* Copy klen bytes of a (no more than *ulen says) and the length out. */
static int move_addr_to_user(const struct sockaddr_k *a, int klen,
			     uaddr_t uaddr, uaddr_t ulen)
{
	int len;

	if (get_user(len, ulen))
		return -EFAULT;
	if (len > klen)
		len = klen;
	if (len >= 0 && put_user(klen, ulen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	if (len && copy_to_user(uaddr, a->bytes, len))
		return -EFAULT;
	return 0;
}

/* The sock at fd with a reference on its file: 0, -EBADF or -ENOTSOCK. */
static int sock_get(struct task *t, int fd, struct file **fp,
		    struct sock **out)
{
	struct file *f = fget_io(t, fd);

	if (!f)
		return -EBADF;
	if (f->fop != &socket_fops) {
		file_put(f);
		return -ENOTSOCK;
	}
	*fp = f;
	*out = f->priv;
	return 0;
}

/* ---- creating ---- */

static int sock_create(int family, int type, int protocol, struct sock **out)
{
	if (family < 0 || family >= AF_MAX)
		return -EAFNOSUPPORT;
	if (type < 0 || type >= SOCK_MAX)
		return -EINVAL;
	switch (family) {
	case AF_UNIX:
		return unix_create(type, protocol, out);
	default:
		return -EAFNOSUPPORT;
	}
}

/* Install a new file for sk at the lowest free fd: the fd or -errno. */
static int sock_install(struct task *t, struct sock *sk, int flags)
{
	struct file *f = sock_file(t, sk, flags & SOCK_NONBLOCK);
	int fd = fd_install(t, f, flags & SOCK_CLOEXEC, 0);

	if (fd < 0)
		file_put(f);
	return fd;
}

/* Are n descriptors free under RLIMIT_NOFILE? (fds Linux would reserve) */
static bool fds_free(struct task *t, int n)
{
	struct files *files = t->files;
	u64 limit = t->proc->rlim[RLIMIT_NOFILE].rlim_cur;

	for (u64 fd = 0; fd < limit && n; fd++)
		if (fd >= (u64)files->max || !files->fd[fd])
			n--;
	return n == 0;
}

long sys_socket(struct task *t, int family, int type, int protocol)
{
	int flags = type & ~SOCK_TYPE_MASK;
	struct sock *sk;
	int rc;

	if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	rc = sock_create(family, type & SOCK_TYPE_MASK, protocol, &sk);
	if (rc < 0)
		return rc;
	return sock_install(t, sk, flags);
}

long sys_socketpair(struct task *t, int family, int type, int protocol,
		    uaddr_t usv)
{
	int flags = type & ~SOCK_TYPE_MASK, rc;
	struct sock *a, *b;
	s32 fds[2];

	if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	type &= SOCK_TYPE_MASK;
	if (!fds_free(t, 2))
		return -EMFILE;
	if (!user_writable(usv, sizeof(fds)))
		return -EFAULT;
	rc = sock_create(family, type, protocol, &a);
	if (rc < 0)
		return rc;
	rc = sock_create(family, type, protocol, &b);
	if (rc < 0) {
		a->ops->release(a);
		return rc;
	}
	rc = a->ops->socketpair ? a->ops->socketpair(a, b) : -EOPNOTSUPP;
	if (rc < 0) {
		a->ops->release(a);
		b->ops->release(b);
		return rc;
	}
	fds[0] = sock_install(t, a, flags);
	fds[1] = sock_install(t, b, flags);
	if (copy_to_user(usv, fds, sizeof(fds))) {
		fd_close(t, fds[0]);
		fd_close(t, fds[1]);
		return -EFAULT;
	}
	return 0;
}

/* ---- addresses and connections ---- */

long sys_bind(struct task *t, int fd, uaddr_t uaddr, int len)
{
	struct sockaddr_k a;
	struct sock *sk;
	struct file *f;
	int rc = sock_get(t, fd, &f, &sk);

	if (rc < 0)
		return rc;
	rc = move_addr_to_kernel(uaddr, len, &a);
	if (rc == 0)
		rc = sk->ops->bind(sk, &a, len);
	file_put(f);
	return rc;
}

long sys_listen(struct task *t, int fd, int backlog)
{
	struct sock *sk;
	struct file *f;
	int rc = sock_get(t, fd, &f, &sk);

	if (rc < 0)
		return rc;
	if ((unsigned)backlog > SOMAXCONN)
		backlog = SOMAXCONN;
	rc = sk->ops->listen ? sk->ops->listen(sk, backlog) : -EOPNOTSUPP;
	file_put(f);
	return rc;
}

long sys_connect(struct task *t, int fd, uaddr_t uaddr, int len)
{
	struct sockaddr_k a;
	struct sock *sk;
	struct file *f = fget_io(t, fd);
	int rc;

	if (!f)
		return -EBADF;
	rc = move_addr_to_kernel(uaddr, len, &a);
	if (rc == 0 && !(sk = sock_of_file(f)))
		rc = -ENOTSOCK;
	if (rc == 0)
		rc = sk->ops->connect(sk, &a, len, f->f_flags);
	file_put(f);
	return rc;
}

long sys_accept4(struct task *t, int fd, uaddr_t uaddr, uaddr_t ulen,
		 int flags)
{
	struct sock *sk, *newsk;
	struct file *f, *nf;
	struct sockaddr_k a;
	int rc, len, nfd;

	f = fget_io(t, fd);
	if (!f)
		return -EBADF;
	rc = -EINVAL;
	if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
		goto out;
	rc = -EMFILE;
	if (!fds_free(t, 1))
		goto out;
	rc = -ENOTSOCK;
	if (!(sk = sock_of_file(f)))
		goto out;
	rc = sk->ops->accept ? sk->ops->accept(sk, &newsk, f->f_flags)
			     : -EOPNOTSUPP;
	if (rc < 0)
		goto out;
	nf = sock_file(t, newsk, flags & SOCK_NONBLOCK);
	if (uaddr) {
		len = newsk->ops->getname(newsk, &a, true);
		rc = len < 0 ? -ECONNABORTED
			     : move_addr_to_user(&a, len, uaddr, ulen);
		if (rc < 0) {
			file_put(nf); /* the connection is lost, as in Linux */
			goto out;
		}
	}
	nfd = fd_install(t, nf, flags & SOCK_CLOEXEC, 0);
	if (nfd < 0)
		file_put(nf);
	rc = nfd;
out:
	file_put(f);
	return rc;
}

long sys_accept(struct task *t, int fd, uaddr_t uaddr, uaddr_t ulen)
{
	return sys_accept4(t, fd, uaddr, ulen, 0);
}

static long do_getname(struct task *t, int fd, uaddr_t uaddr, uaddr_t ulen,
		    bool peer)
{
	struct sockaddr_k a;
	struct sock *sk;
	struct file *f;
	int rc = sock_get(t, fd, &f, &sk);

	if (rc < 0)
		return rc;
	memset(&a, 0, sizeof(a));
	rc = sk->ops->getname(sk, &a, peer);
	if (rc >= 0)
		rc = move_addr_to_user(&a, rc, uaddr, ulen);
	file_put(f);
	return rc;
}

long sys_getsockname(struct task *t, int fd, uaddr_t uaddr, uaddr_t ulen)
{
	return do_getname(t, fd, uaddr, ulen, false);
}

long sys_getpeername(struct task *t, int fd, uaddr_t uaddr, uaddr_t ulen)
{
	return do_getname(t, fd, uaddr, ulen, true);
}

long sys_shutdown(struct task *t, int fd, int how)
{
	struct sock *sk;
	struct file *f;
	int rc = sock_get(t, fd, &f, &sk);

	if (rc < 0)
		return rc;
	rc = sk->ops->shutdown(sk, how);
	file_put(f);
	return rc;
}

/* ---- sending and receiving ---- */

long sys_sendto(struct task *t, int fd, uaddr_t buf, size_t len,
		unsigned flags, uaddr_t uaddr, int alen)
{
	struct linux_iovec iov;
	struct iov_iter it;
	struct sockaddr_k a;
	struct kmsg m = { .it = &it };
	struct sock *sk;
	struct file *f;
	long rc;

	len = MIN(len, MAX_RW_COUNT);
	if (!range_ok(buf, len, task_size))
		return -EFAULT;
	rc = sock_get(t, fd, &f, &sk);
	if (rc < 0)
		return rc;
	if (uaddr) {
		rc = move_addr_to_kernel(uaddr, alen, &a);
		if (rc < 0)
			goto out;
		m.name = &a;
		m.namelen = alen;
	}
	iov = (struct linux_iovec){ buf, len };
	iter_user(&it, &iov, 1, len);
	m.flags = flags & ~MSG_INTERNAL_SENDMSG_FLAGS;
	if (f->f_flags & O_NONBLOCK)
		m.flags |= MSG_DONTWAIT;
	rc = sk->ops->sendmsg(sk, &m, len);
out:
	file_put(f);
	return rc;
}

long sys_recvfrom(struct task *t, int fd, uaddr_t buf, size_t len,
		  unsigned flags, uaddr_t uaddr, uaddr_t ulen)
{
	struct linux_iovec iov;
	struct iov_iter it;
	struct sockaddr_k a;
	struct kmsg m = { .it = &it };
	struct sock *sk;
	struct file *f;
	long rc;
	int err;

	len = MIN(len, MAX_RW_COUNT);
	if (!range_ok(buf, len, task_size))
		return -EFAULT;
	rc = sock_get(t, fd, &f, &sk);
	if (rc < 0)
		return rc;
	memset(&a, 0, sizeof(a));
	if (uaddr)
		m.name = &a;
	iov = (struct linux_iovec){ buf, len };
	iter_user(&it, &iov, 1, len);
	if (f->f_flags & O_NONBLOCK)
		flags |= MSG_DONTWAIT;
	rc = sk->ops->recvmsg(sk, &m, len, flags);
	if (rc >= 0 && uaddr) {
		err = move_addr_to_user(&a, m.namelen, uaddr, ulen);
		if (err < 0)
			rc = err;
	}
	file_put(f);
	return rc;
}

/* A guest msghdr, imported. */
struct umsg {
	struct linux_msghdr h;
	struct linux_iovec iovstack[8];
	struct linux_iovec *iov;
	struct iov_iter it;
	struct sockaddr_k addr;
	size_t len;
	void *ctl;
};

static void umsg_free(struct umsg *u)
{
	if (u->iov != u->iovstack)
		kfree(u->iov);
	kfree(u->ctl);
}

/* Copy the msghdr at umsg and its iovecs; the address too when sending. */
static int umsg_import(uaddr_t umsg, struct umsg *u, struct kmsg *m,
		       bool recv)
{
	ssize_t total;
	int namelen;

	u->iov = u->iovstack;
	u->ctl = NULL;
	if (copy_from_user(&u->h, umsg, sizeof(u->h)))
		return -EFAULT;
	namelen = u->h.msg_name ? u->h.msg_namelen : 0;
	if (namelen < 0)
		return -EINVAL;
	namelen = MIN(namelen, SOCKADDR_STORAGE);
	memset(&u->addr, 0, sizeof(u->addr));
	m->name = NULL;
	m->namelen = 0;
	if (recv) {
		m->name = &u->addr;
	} else if (u->h.msg_name && namelen) {
		if (copy_from_user(u->addr.bytes, u->h.msg_name, namelen))
			return -EFAULT;
		m->name = &u->addr;
		m->namelen = namelen;
	}
	if (u->h.msg_iovlen > UIO_MAXIOV)
		return -EMSGSIZE;
	if (u->h.msg_iovlen > ARRAY_SIZE(u->iovstack))
		u->iov = kmalloc(u->h.msg_iovlen * sizeof(*u->iov));
	total = import_iovec(u->h.msg_iov, (int)u->h.msg_iovlen, u->iov);
	if (total < 0)
		return (int)total;
	u->len = total;
	iter_user(&u->it, u->iov, (int)u->h.msg_iovlen, total);
	m->it = &u->it;
	return 0;
}

static long do_sendmsg(struct task *t, struct file *f, struct sock *sk,
		       uaddr_t umsg, unsigned flags, unsigned allowed)
{
	struct umsg u;
	struct kmsg m = { 0 };
	long rc = umsg_import(umsg, &u, &m, false);

	if (rc < 0)
		goto out;
	rc = -ENOBUFS;
	if (u.h.msg_controllen > 0x7fffffff)
		goto out;
	if (u.h.msg_controllen) {
		if (u.h.msg_controllen > 36 &&
		    u.h.msg_controllen >= SOCK_OPTMEM_MAX)
			goto out;
		u.ctl = kmalloc(u.h.msg_controllen);
		rc = -EFAULT;
		if (copy_from_user(u.ctl, u.h.msg_control, u.h.msg_controllen))
			goto out;
		m.control = u.ctl;
		m.controllen = u.h.msg_controllen;
	}
	flags |= u.h.msg_flags & allowed;
	m.flags = flags & ~MSG_INTERNAL_SENDMSG_FLAGS;
	if (f->f_flags & O_NONBLOCK)
		m.flags |= MSG_DONTWAIT;
	rc = sk->ops->sendmsg(sk, &m, u.len);
out:
	umsg_free(&u);
	return rc;
}

static long do_recvmsg(struct task *t, struct file *f, struct sock *sk,
		       uaddr_t umsg, unsigned flags)
{
	struct umsg u;
	struct kmsg m = { 0 };
	long rc = umsg_import(umsg, &u, &m, true), err;

	if (rc < 0)
		goto out;
	m.ucontrol = u.h.msg_control;
	m.ucontrollen = u.h.msg_controllen;
	m.flags = flags & MSG_CMSG_CLOEXEC;
	if (f->f_flags & O_NONBLOCK)
		flags |= MSG_DONTWAIT;
	rc = sk->ops->recvmsg(sk, &m, u.len, flags);
	if (rc < 0)
		goto out;
	if (u.h.msg_name) {
		err = move_addr_to_user(&u.addr, m.namelen, u.h.msg_name,
					umsg + offsetof(struct linux_msghdr,
							msg_namelen));
		if (err < 0) {
			rc = err;
			goto out;
		}
	}
	if (put_user((s32)(m.flags & ~MSG_CMSG_COMPAT),
		     umsg + offsetof(struct linux_msghdr, msg_flags)) ||
	    put_user((u64)(m.ucontrol - u.h.msg_control),
		     umsg + offsetof(struct linux_msghdr, msg_controllen)))
		rc = -EFAULT;
out:
	umsg_free(&u);
	return rc;
}

long sys_sendmsg(struct task *t, int fd, uaddr_t umsg, unsigned flags)
{
	struct sock *sk;
	struct file *f;
	long rc;

	if (flags & MSG_CMSG_COMPAT)
		return -EINVAL;
	rc = sock_get(t, fd, &f, &sk);
	if (rc < 0)
		return rc;
	rc = do_sendmsg(t, f, sk, umsg, flags, 0);
	file_put(f);
	return rc;
}

long sys_recvmsg(struct task *t, int fd, uaddr_t umsg, unsigned flags)
{
	struct sock *sk;
	struct file *f;
	long rc;

	if (flags & MSG_CMSG_COMPAT)
		return -EINVAL;
	rc = sock_get(t, fd, &f, &sk);
	if (rc < 0)
		return rc;
	rc = do_recvmsg(t, f, sk, umsg, flags);
	file_put(f);
	return rc;
}

long sys_sendmmsg(struct task *t, int fd, uaddr_t umsgs, unsigned vlen,
		  unsigned flags)
{
	struct sock *sk;
	struct file *f;
	unsigned n = 0;
	long rc;

	if (flags & MSG_CMSG_COMPAT)
		return -EINVAL;
	vlen = MIN(vlen, UIO_MAXIOV);
	rc = sock_get(t, fd, &f, &sk);
	if (rc < 0)
		return rc;
	for (rc = 0; n < vlen; n++) {
		uaddr_t e = umsgs + n * sizeof(struct linux_mmsghdr);

		rc = do_sendmsg(t, f, sk, e, flags, MSG_EOR);
		if (rc < 0)
			break;
		if (put_user((u32)rc, e + offsetof(struct linux_mmsghdr,
						    msg_len))) {
			rc = -EFAULT;
			break;
		}
	}
	file_put(f);
	return n ? (long)n : rc;
}

long sys_recvmmsg(struct task *t, int fd, uaddr_t umsgs, unsigned vlen,
		  unsigned flags, uaddr_t uts)
{
	struct linux_timespec ts;
	s64 end = 0, left;
	struct sock *sk;
	struct file *f;
	unsigned n = 0;
	long rc;

	if (flags & MSG_CMSG_COMPAT)
		return -EINVAL;
	if (uts) {
		if (copy_from_user(&ts, uts, sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC)
			return -EINVAL;
		end = ktime_mono() + MIN(ts.tv_sec, 1LL << 32) * NSEC_PER_SEC +
		      ts.tv_nsec;
	}
	rc = sock_get(t, fd, &f, &sk);
	if (rc < 0)
		return rc;
	rc = (flags & MSG_ERRQUEUE) ? 0 : sock_error(sk);
	if (rc < 0)
		goto out;
	for (; n < vlen; n++) {
		uaddr_t e = umsgs + n * sizeof(struct linux_mmsghdr);

		rc = do_recvmsg(t, f, sk, e, flags & ~MSG_WAITFORONE);
		if (rc < 0)
			break;
		if (put_user((u32)rc, e + offsetof(struct linux_mmsghdr,
						    msg_len))) {
			rc = -EFAULT;
			break;
		}
		rc = 0;
		if (flags & MSG_WAITFORONE)
			flags |= MSG_DONTWAIT;
		if (uts) {
			left = end - ktime_mono();
			if (left <= 0) {
				n++;
				ts.tv_sec = ts.tv_nsec = 0;
				break;
			}
			ts.tv_sec = left / NSEC_PER_SEC;
			ts.tv_nsec = left % NSEC_PER_SEC;
		}
	}
	if (n && rc < 0 && rc != -EAGAIN)
		sk->err = (int)-rc; /* reported by the next call, as Linux */
	if (n) {
		rc = n;
		if (uts && copy_to_user(uts, &ts, sizeof(ts)))
			rc = -EFAULT;
	}
out:
	file_put(f);
	return rc;
}

/* ---- control messages ---- */

void scm_fds_free(struct scm_fds *fds)
{
	if (!fds)
		return;
	for (int i = fds->count - 1; i >= 0; i--)
		file_put(fds->fp[i]);
	kfree(fds);
}

struct scm_fds *scm_fds_dup(const struct scm_fds *fds)
{
	struct scm_fds *d = kmalloc(sizeof(*d));

	d->count = fds->count;
	for (int i = 0; i < fds->count; i++) {
		d->fp[i] = fds->fp[i];
		file_get(d->fp[i]);
	}
	return d;
}

void scm_destroy(struct scm *scm)
{
	scm_fds_free(scm->fds);
	scm->fds = NULL;
}

static int scm_rights(struct task *t, const struct linux_cmsghdr *c,
		      struct scm *scm)
{
	const s32 *fdp = (const s32 *)(c + 1);
	int num = (int)((c->cmsg_len - CMSG_HDRLEN) / sizeof(s32));

	if (num <= 0)
		return 0;
	if (num > SCM_MAX_FD)
		return -EINVAL;
	if (!scm->fds) {
		scm->fds = kmalloc(sizeof(*scm->fds));
		scm->fds->count = 0;
	}
	if (scm->fds->count + num > SCM_MAX_FD)
		return -EINVAL;
	for (int i = 0; i < num; i++) {
		struct file *f = fdp[i] < 0 ? NULL : fget(t, fdp[i]);

		if (!f)
			return -EBADF;
		scm->fds->fp[scm->fds->count++] = f;
	}
	return 0;
}

static bool id_in(u32 id, u32 a, u32 b, u32 c)
{
	return id == a || id == b || id == c;
}

static int scm_creds(struct task *t, const struct linux_cmsghdr *c,
		     struct scm *scm)
{
	const struct creds *cr = &t->proc->cred;
	struct linux_ucred u;
	bool root = cr->euid == 0;

	if (c->cmsg_len != CMSG_LEN(sizeof(u)))
		return -EINVAL;
	memcpy(&u, c + 1, sizeof(u));
	if (u.uid == (u32)-1 || u.gid == (u32)-1)
		return -EINVAL;
	if (!((u.pid == t->proc->pid || root) &&
	      (id_in(u.uid, cr->uid, cr->euid, cr->suid) || root) &&
	      (id_in(u.gid, cr->gid, cr->egid, cr->sgid) || root)))
		return -EPERM;
	if ((!scm->has_creds || scm->creds.pid != u.pid) &&
	    (u.pid <= 0 || !task_find(u.pid)))
		return -ESRCH;
	scm->has_creds = true;
	scm->creds = (struct sock_creds){ u.pid, u.uid, u.gid };
	return 0;
}

int scm_send(struct sock *sk, struct kmsg *m, struct scm *scm)
{
	const u8 *ctl = m->control;
	size_t off = 0, size = m->controllen;
	int rc = 0;

	memset(scm, 0, sizeof(*scm));
	while (size >= CMSG_HDRLEN && off <= size - CMSG_HDRLEN) {
		struct linux_cmsghdr c;

		memcpy(&c, ctl + off, sizeof(c));
		rc = -EINVAL;
		if (c.cmsg_len < CMSG_HDRLEN || c.cmsg_len > size - off)
			goto error;
		if (c.cmsg_level == SOL_SOCKET) {
			switch (c.cmsg_type) {
			case SCM_RIGHTS:
				rc = sk->family == AF_UNIX ?
					scm_rights(current, (void *)(ctl + off),
						   scm) : -EINVAL;
				break;
			case SCM_CREDENTIALS:
				rc = scm_creds(current, (void *)(ctl + off),
					       scm);
				break;
			default:
				rc = -EINVAL;
			}
			if (rc < 0)
				goto error;
		}
		off += CMSG_ALIGN(c.cmsg_len);
	}
	if (scm->fds && !scm->fds->count) {
		kfree(scm->fds);
		scm->fds = NULL;
	}
	return 0;
error:
	scm_destroy(scm);
	return rc;
}

int put_cmsg(struct kmsg *m, int level, int type, int len, const void *data)
{
	struct linux_cmsghdr c;
	size_t cmlen = CMSG_LEN(len);

	if (!m->ucontrol || m->ucontrollen < CMSG_HDRLEN) {
		m->flags |= MSG_CTRUNC;
		return 0;
	}
	if (m->ucontrollen < cmlen) {
		m->flags |= MSG_CTRUNC;
		cmlen = m->ucontrollen;
	}
	c = (struct linux_cmsghdr){ cmlen, level, type };
	if (copy_to_user(m->ucontrol, &c, sizeof(c)) ||
	    copy_to_user(m->ucontrol + CMSG_HDRLEN, data, cmlen - CMSG_HDRLEN))
		return -EFAULT;
	cmlen = MIN(CMSG_SPACE(len), m->ucontrollen);
	m->ucontrol += cmlen;
	m->ucontrollen -= cmlen;
	return 0;
}

/* Install the passed files as fds in the guest's control buffer. */
static void scm_detach_fds(struct kmsg *m, struct scm_fds *fds)
{
	struct task *t = current;
	bool cloexec = m->flags & MSG_CMSG_CLOEXEC;
	int max = m->ucontrollen <= CMSG_HDRLEN ? 0 :
		(int)((m->ucontrollen - CMSG_HDRLEN) / sizeof(s32));
	int n = MIN(max, fds->count), i;

	for (i = 0; i < n; i++) {
		struct file *f = fds->fp[i];
		int fd;

		file_get(f);
		fd = fd_install(t, f, cloexec, 0);
		if (fd < 0) {
			file_put(f);
			break;
		}
		if (put_user((s32)fd, m->ucontrol + CMSG_HDRLEN + i * 4)) {
			fd_close(t, fd);
			break;
		}
	}
	if (i > 0) {
		struct linux_cmsghdr c = { CMSG_LEN(i * 4), SOL_SOCKET,
					   SCM_RIGHTS };

		if (copy_to_user(m->ucontrol, &c, sizeof(c)) == 0) {
			size_t len = MIN(CMSG_SPACE(i * 4), m->ucontrollen);

			m->ucontrol += len;
			m->ucontrollen -= len;
		}
	}
	if (i < fds->count || (fds->count && max <= 0))
		m->flags |= MSG_CTRUNC;
	scm_fds_free(fds);
}

void scm_recv(struct sock *sk, struct kmsg *m, struct scm *scm)
{
	if (!m->ucontrol) {
		if (sk->passcred || scm->fds)
			m->flags |= MSG_CTRUNC;
		scm_destroy(scm);
		return;
	}
	if (sk->passcred) {
		struct linux_ucred u = { 0, OVERFLOW_ID, OVERFLOW_ID };

		if (scm->has_creds)
			u = (struct linux_ucred){ scm->creds.pid, scm->creds.uid,
						  scm->creds.gid };
		put_cmsg(m, SOL_SOCKET, SCM_CREDENTIALS, sizeof(u), &u);
	}
	if (scm->fds) {
		scm_detach_fds(m, scm->fds);
		scm->fds = NULL;
	}
}

/* ---- options ---- */

static s64 tv_to_timeo(const struct linux_timeval *tv)
{
	s64 j;

	if (tv->tv_sec < 0)
		return 0;
	if (!tv->tv_sec && !tv->tv_usec)
		return TIMEO_FOREVER;
	if (tv->tv_sec >= (1LL << 31) / HZ - 1)
		return TIMEO_FOREVER;
	j = tv->tv_sec * HZ + (tv->tv_usec + 1000000 / HZ - 1) / (1000000 / HZ);
	return j * JIFFY_NS;
}

static struct linux_timeval timeo_to_tv(s64 timeo)
{
	s64 j = timeo == TIMEO_FOREVER ? 0 : timeo / JIFFY_NS;

	return (struct linux_timeval){ j / HZ, (j % HZ) * 1000000 / HZ };
}

static int set_timeo(s64 *timeo, uaddr_t uval, int len)
{
	struct linux_timeval tv;

	if (len < (int)sizeof(tv))
		return -EINVAL;
	if (copy_from_user(&tv, uval, sizeof(tv)))
		return -EFAULT;
	if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
		return -EDOM;
	*timeo = tv_to_timeo(&tv);
	return 0;
}

static int sock_setsockopt(struct sock *sk, int name, uaddr_t uval, int len)
{
	bool root = current->proc->cred.euid == 0;
	struct linux_linger l;
	int val;

	if (len < (int)sizeof(int))
		return -EINVAL;
	if (get_user(val, uval))
		return -EFAULT;
	switch (name) {
	case SO_PRIORITY:
		if ((val < 0 || val > 6) && !root)
			return -EPERM;
		sk->priority = val;
		return 0;
	case SO_SNDTIMEO_OLD:
	case SO_SNDTIMEO_NEW:
		return set_timeo(&sk->sndtimeo, uval, len);
	case SO_RCVTIMEO_OLD:
	case SO_RCVTIMEO_NEW:
		return set_timeo(&sk->rcvtimeo, uval, len);
	case SO_DEBUG:
		if (val && !root)
			return -EACCES;
		sk->debug = val;
		return 0;
	case SO_REUSEADDR:
		sk->reuseaddr = val;
		return 0;
	case SO_REUSEPORT:
		return val ? -EOPNOTSUPP : 0;
	case SO_DONTROUTE:
		sk->dontroute = val;
		return 0;
	case SO_BROADCAST:
		sk->broadcast = val;
		return 0;
	case SO_SNDBUFFORCE:
		if (!root)
			return -EPERM;
		val = MAX(val, 0);
		/* fall through */
	case SO_SNDBUF:
		if (name == SO_SNDBUF)
			val = (int)MIN((u32)val, (u32)SOCK_MAX_WMEM);
		val = MIN(val, 0x7fffffff / 2);
		sk->sndbuf = MAX(val * 2, SOCK_MIN_SNDBUF);
		sock_wake(sk, POLLOUT | POLLWRNORM | POLLWRBAND);
		return 0;
	case SO_RCVBUFFORCE:
		if (!root)
			return -EPERM;
		val = MAX(val, 0);
		/* fall through */
	case SO_RCVBUF:
		if (name == SO_RCVBUF)
			val = (int)MIN((u32)val, (u32)SOCK_MAX_RMEM);
		val = MIN(val, 0x7fffffff / 2);
		sk->rcvbuf = MAX(val * 2, SOCK_MIN_RCVBUF);
		return 0;
	case SO_KEEPALIVE:
		sk->keepalive = val;
		return 0;
	case SO_OOBINLINE:
		sk->oobinline = val;
		return 0;
	case SO_NO_CHECK:
		return 0;
	case SO_LINGER:
		if (len < (int)sizeof(l))
			return -EINVAL;
		if (copy_from_user(&l, uval, sizeof(l)))
			return -EFAULT;
		sk->linger.l_onoff = !!l.l_onoff;
		if (l.l_onoff)
			sk->linger.l_linger = l.l_linger;
		return 0;
	case SO_BSDCOMPAT:
		return 0;
	case SO_RCVLOWAT:
		if (val < 0)
			val = 0x7fffffff;
		sk->rcvlowat = val ? val : 1;
		return 0;
	case SO_PASSCRED:
		sk->passcred = val;
		return 0;
	case SO_PASSRIGHTS:
		sk->passrights = val;
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

long sys_setsockopt(struct task *t, int fd, int level, int name, uaddr_t uval,
		    int len)
{
	struct sock *sk;
	struct file *f;
	int rc = sock_get(t, fd, &f, &sk);

	if (rc < 0)
		return rc;
	if (len < 0)
		rc = -EINVAL;
	else if (level != SOL_SOCKET)
		rc = -EOPNOTSUPP;
	else
		rc = sock_setsockopt(sk, name, uval, len);
	file_put(f);
	return rc;
}

static int sock_getsockopt(struct sock *sk, int name, uaddr_t uval,
			   uaddr_t ulen)
{
	union {
		int val;
		struct linux_timeval tv;
		struct linux_linger l;
		struct linux_ucred cred;
	} v;
	int len, lv = sizeof(int);

	if (get_user(len, ulen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	memset(&v, 0, sizeof(v));
	switch (name) {
	case SO_DEBUG: v.val = sk->debug; break;
	case SO_DONTROUTE: v.val = sk->dontroute; break;
	case SO_BROADCAST: v.val = sk->broadcast; break;
	case SO_SNDBUF: v.val = sk->sndbuf; break;
	case SO_RCVBUF: v.val = sk->rcvbuf; break;
	case SO_REUSEADDR: v.val = sk->reuseaddr; break;
	case SO_REUSEPORT: v.val = 0; break;
	case SO_KEEPALIVE: v.val = sk->keepalive; break;
	case SO_TYPE: v.val = sk->type; break;
	case SO_PROTOCOL: v.val = sk->protocol; break;
	case SO_DOMAIN: v.val = sk->family; break;
	case SO_ERROR: v.val = -sock_error(sk); break;
	case SO_OOBINLINE: v.val = sk->oobinline; break;
	case SO_NO_CHECK: v.val = 0; break;
	case SO_PRIORITY: v.val = sk->priority; break;
	case SO_BSDCOMPAT: break;
	case SO_RCVLOWAT: v.val = sk->rcvlowat; break;
	case SO_SNDLOWAT: v.val = 1; break;
	case SO_PASSCRED: v.val = sk->passcred; break;
	case SO_PASSRIGHTS: v.val = sk->passrights; break;
	case SO_ACCEPTCONN: v.val = sk->state == SK_LISTEN; break;
	case SO_LINGER:
		lv = sizeof(v.l);
		v.l = sk->linger;
		break;
	case SO_RCVTIMEO_OLD:
	case SO_RCVTIMEO_NEW:
		lv = sizeof(v.tv);
		v.tv = timeo_to_tv(sk->rcvtimeo);
		break;
	case SO_SNDTIMEO_OLD:
	case SO_SNDTIMEO_NEW:
		lv = sizeof(v.tv);
		v.tv = timeo_to_tv(sk->sndtimeo);
		break;
	case SO_PEERCRED:
		lv = sizeof(v.cred);
		v.cred = (struct linux_ucred){ 0, (u32)-1, (u32)-1 };
		if (sk->has_peercred)
			v.cred = (struct linux_ucred){ sk->peercred.pid,
						       sk->peercred.uid,
						       sk->peercred.gid };
		break;
	default:
		return -ENOPROTOOPT;
	}
	len = MIN(len, lv);
	if (copy_to_user(uval, &v, len))
		return -EFAULT;
	return put_user(len, ulen);
}

long sys_getsockopt(struct task *t, int fd, int level, int name, uaddr_t uval,
		    uaddr_t ulen)
{
	struct sock *sk;
	struct file *f;
	int rc = sock_get(t, fd, &f, &sk);

	if (rc < 0)
		return rc;
	rc = level == SOL_SOCKET ? sock_getsockopt(sk, name, uval, ulen)
				 : -EOPNOTSUPP;
	file_put(f);
	return rc;
}
