/*
 * Pipes and FIFOs.
 *
 * A pipe is a ring buffer of 64 KiB (F_SETPIPE_SZ changes it) with
 * counts of readers and writers.  Writes of at most PIPE_BUF bytes are
 * atomic; larger ones may be split.  Reading an empty pipe with no
 * writer is end-of-file; writing with no reader is EPIPE and SIGPIPE.
 * A FIFO is the same pipe, hung off its inode, whose opens wait for
 * the other end as Linux's do.
 *
 * Hand-off: a writer that finds the pipe empty and a reader blocked in
 * read() copies straight into that reader's buffer.  Nothing a program
 * can see changes (the data never sits in the pipe), but the writer
 * need not wait for the reader to drain the pipe before its next
 * write, so writer and reader overlap instead of taking turns: under
 * ptrace every turn costs two round trips.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/signal.h"
#include "kernel/uaccess.h"
#include "kernel/fs/vfs.h"
#include "kernel/abi/misc.h"

#define PIPE_BUF 4096
#define PIPE_DEF_SIZE (16 * PAGE_SIZE)
#define PIPE_MAX_SIZE (1U << 20)

struct pipe {
	char *buf;
	u32 size;        /* capacity */
	u32 head;        /* where the next byte is read */
	u32 len;         /* bytes held */
	int readers, writers;
	unsigned r_counter, w_counter; /* opens so far, for FIFO opens */
	struct waitq rwait, wwait;
	struct list blocked_readers;  /* struct pipe_reader.link */
};

/* A reader asleep in pipe_read, ready to take a hand-off. */
struct pipe_reader {
	struct iov_iter *it;
	size_t got;
	struct list link;
};

static struct pipe *pipe_new(void)
{
	struct pipe *p = kzalloc(sizeof(*p));

	p->size = PIPE_DEF_SIZE;
	p->buf = kmalloc(p->size);
	waitq_init(&p->rwait);
	waitq_init(&p->wwait);
	list_init(&p->blocked_readers);
	return p;
}

static void pipe_free(struct pipe *p)
{
	kfree(p->buf);
	kfree(p);
}

static struct pipe *pipe_of(struct file *f)
{
	return f->priv;
}

static const struct file_ops pipe_fops;

/* Copy up to n bytes out of the ring into it. */
static size_t ring_out(struct pipe *p, struct iov_iter *it, size_t n)
{
	size_t done = 0;

	while (done < n) {
		size_t chunk = MIN(n - done, p->size - p->head);
		size_t got = copy_to_iter(p->buf + p->head, chunk, it);

		p->head = (p->head + got) % p->size;
		p->len -= got;
		done += got;
		if (got < chunk)
			break;
	}
	return done;
}

static size_t ring_in(struct pipe *p, struct iov_iter *it, size_t n)
{
	size_t done = 0;

	while (done < n) {
		u32 tail = (p->head + p->len) % p->size;
		size_t chunk = MIN(n - done, p->size - tail);
		size_t got = copy_from_iter(p->buf + tail, chunk, it);

		p->len += got;
		done += got;
		if (got < chunk)
			break;
	}
	return done;
}

/* Copy up to n bytes from iterator src to iterator dst (two spaces). */
static size_t iter_to_iter(struct iov_iter *dst, struct iov_iter *src, size_t n)
{
	struct host_iovec d[16], s[16];
	size_t done = 0;

	while (done < n) {
		int nd = iter_host_iov(dst, n - done, true, d, 16);
		int ns = iter_host_iov(src, n - done, false, s, 16);
		size_t chunk;

		if (!nd || !ns)
			break;
		chunk = MIN(d[0].len, s[0].len);
		memcpy(d[0].base, s[0].base, chunk);
		iter_advance(dst, chunk);
		iter_advance(src, chunk);
		done += chunk;
	}
	return done;
}

/*
 * Writers are woken only when a read makes room where there was too
 * little to write (POLLOUT off), as Linux wakes them only when the pipe
 * was full: an edge-triggered epoll on the write end must not see a
 * write event for every read.
 */
static void wake_writers(struct pipe *p, bool was_full)
{
	if (was_full)
		wake_up_key(&p->wwait, POLLOUT | POLLWRNORM);
}

static bool pipe_full(struct pipe *p)
{
	return p->size - p->len < PIPE_BUF;
}

static ssize_t pipe_read(struct file *f, struct iov_iter *it, u64 *pos)
{
	struct pipe *p = pipe_of(f);
	bool was_full;
	size_t n;

	(void)pos;
	while (!p->len) {
		struct pipe_reader r = { it, 0 };
		int rc;

		if (!p->writers)
			return 0;
		if (f->f_flags & O_NONBLOCK)
			return -EAGAIN;
		list_add_tail(&p->blocked_readers, &r.link);
		rc = sleep_on(&p->rwait, true, 0);
		list_del(&r.link);
		if (r.got) {
			wake_writers(p, pipe_full(p));
			return r.got;
		}
		if (rc == -EINTR)
			return -ERESTARTSYS;
	}
	was_full = pipe_full(p);
	n = ring_out(p, it, MIN(it->count, p->len));
	if (!n)
		return -EFAULT;
	wake_writers(p, was_full);
	return n;
}

static ssize_t pipe_write(struct file *f, struct iov_iter *it, u64 *pos)
{
	struct pipe *p = pipe_of(f);
	size_t total = it->count, done = 0;
	bool atomic = total <= PIPE_BUF;

	(void)pos;
	if (!total)
		return 0;
	while (done < total) {
		size_t room, n;

		if (!p->readers) {
			send_signal_thread(current, SIGPIPE,
					   &(struct linux_siginfo){
						   .si_signo = SIGPIPE,
						   .si_code = SI_USER });
			return done ? (ssize_t)done : -EPIPE;
		}
		if (!p->len && !list_empty(&p->blocked_readers)) {
			struct pipe_reader *r = list_first(&p->blocked_readers,
							   struct pipe_reader, link);
			size_t want = MIN(total - done, r->it->count);

			n = iter_to_iter(r->it, it, want);
			list_del(&r->link);
			list_init(&r->link);
			if (n) {
				r->got = n;
				done += n;
				wake_up(&p->rwait);
				continue;
			}
			/* A bad buffer on either side: take the slow path. */
		}
		room = p->size - p->len;
		if (room && (!atomic || room >= total)) {
			n = ring_in(p, it, MIN(room, total - done));
			wake_up(&p->rwait);
			if (!n)
				return done ? (ssize_t)done : -EFAULT;
			done += n;
			continue;
		}
		if (f->f_flags & O_NONBLOCK)
			return done ? (ssize_t)done : -EAGAIN;
		if (sleep_on(&p->wwait, true, 0) == -EINTR)
			return done ? (ssize_t)done : -ERESTARTSYS;
	}
	return done;
}

static int pipe_poll(struct file *f, struct poll_table *pt)
{
	struct pipe *p = pipe_of(f);
	int mask = 0;

	if (f->f_mode & FMODE_READ) {
		poll_wait(pt, &p->rwait);
		if (p->len)
			mask |= POLLIN | POLLRDNORM;
		if (!p->writers && p->w_counter)
			mask |= POLLHUP;
	}
	if (f->f_mode & FMODE_WRITE) {
		poll_wait(pt, &p->wwait);
		if (p->size - p->len >= PIPE_BUF)
			mask |= POLLOUT | POLLWRNORM;
		if (!p->readers)
			mask |= POLLERR;
	}
	return mask;
}

static long pipe_ioctl(struct file *f, unsigned cmd, uaddr_t arg)
{
	if (cmd != FIONREAD)
		return -ENOTTY;
	return put_user((s32)pipe_of(f)->len, arg);
}

static void pipe_release(struct file *f)
{
	struct pipe *p = pipe_of(f);
	struct inode *inode = f->f_inode;

	if (f->f_mode & FMODE_READ)
		p->readers--;
	if (f->f_mode & FMODE_WRITE)
		p->writers--;
	wake_up(&p->rwait);
	wake_up(&p->wwait);
	if (!p->readers && !p->writers) {
		if (inode->pipe == p)
			inode->pipe = NULL;
		pipe_free(p);
	}
}

static s64 pipe_llseek(struct file *f, s64 off, int whence)
{
	(void)f, (void)off, (void)whence;
	return -ESPIPE;
}

long pipe_fcntl_size(struct file *f, int cmd, u64 arg)
{
	struct pipe *p;
	u32 size;
	char *buf;

	if (f->fop->read != pipe_read)
		return -EBADF;
	p = pipe_of(f);
	if (cmd != F_SETPIPE_SZ)
		return p->size;
	if (arg > PIPE_MAX_SIZE)
		return -EPERM;
	size = PAGE_SIZE;
	while (size < arg)
		size *= 2;
	if (size < p->len)
		return -EBUSY;
	buf = kmalloc(size);
	for (u32 i = 0; i < p->len; i++)
		buf[i] = p->buf[(p->head + i) % p->size];
	kfree(p->buf);
	p->buf = buf;
	p->size = size;
	p->head = 0;
	return size;
}

/* ---- moving data without read() and write(): splice.c ---- */

bool file_is_pipe(struct file *f)
{
	return f->fop == &pipe_fops;
}

bool same_pipe(struct file *a, struct file *b)
{
	return pipe_of(a) == pipe_of(b);
}

int pipe_wait_data(struct file *f, bool nonblock)
{
	struct pipe *p = pipe_of(f);

	while (!p->len) {
		if (!p->writers)
			return 0;
		if (nonblock)
			return -EAGAIN;
		if (sleep_on(&p->rwait, true, 0) == -EINTR)
			return -ERESTARTSYS;
	}
	return (int)MIN(p->len, (u32)INT32_MAX);
}

int pipe_wait_room(struct file *f, bool nonblock)
{
	struct pipe *p = pipe_of(f);

	for (;;) {
		if (!p->readers) {
			send_signal_thread(current, SIGPIPE,
					   &(struct linux_siginfo){
						   .si_signo = SIGPIPE,
						   .si_code = SI_USER });
			return -EPIPE;
		}
		if (p->len < p->size)
			return (int)(p->size - p->len);
		if (nonblock)
			return -EAGAIN;
		if (sleep_on(&p->wwait, true, 0) == -EINTR)
			return -ERESTARTSYS;
	}
}

size_t pipe_take(struct file *f, struct iov_iter *it, size_t n, bool peek)
{
	struct pipe *p = pipe_of(f);
	u32 head = p->head, len = p->len;
	size_t got = ring_out(p, it, MIN(n, p->len));

	if (peek) {
		p->head = head;
		p->len = len;
	} else if (got) {
		wake_up(&p->wwait);
	}
	return got;
}

size_t pipe_unget(struct file *f, const void *buf, size_t n)
{
	struct pipe *p = pipe_of(f);
	const char *src = buf;

	if (n > p->size - p->len)
		return 0;
	p->head = (p->head + p->size - (u32)n) % p->size;
	for (size_t i = 0; i < n; i++)
		p->buf[(p->head + i) % p->size] = src[i];
	p->len += (u32)n;
	wake_up(&p->rwait);
	return n;
}

size_t pipe_put(struct file *f, struct iov_iter *it, size_t n)
{
	struct pipe *p = pipe_of(f);
	size_t put = ring_in(p, it, MIN(n, p->size - p->len));

	if (put)
		wake_up(&p->rwait);
	return put;
}

/* ---- FIFOs ---- */

static int fifo_open(struct inode *inode, struct file *f);

static const struct file_ops pipe_fops = {
	.open = fifo_open,
	.read = pipe_read,
	.write = pipe_write,
	.poll = pipe_poll,
	.ioctl = pipe_ioctl,
	.llseek = pipe_llseek,
	.release = pipe_release,
};

/* Wait until counter moves (the other end opened); -ERESTARTSYS. */
static int wait_for_partner(struct pipe *p, struct waitq *wq,
			    unsigned *counter)
{
	unsigned start = *counter;

	while (*counter == start)
		if (sleep_on(wq, true, 0) == -EINTR)
			return -ERESTARTSYS;
	return 0;
}

static struct super_block *pipefs;

static int fifo_open(struct inode *inode, struct file *f)
{
	struct pipe *p = inode->pipe;
	/* An end of pipe(2) reopened through /proc/self/fd/N: Linux
	   does not wait for the other end then. */
	bool anon = inode->sb == pipefs;
	int rc = 0;

	if (!p)
		p = inode->pipe = pipe_new();
	f->priv = p;
	f->f_mode &= ~(FMODE_LSEEK | FMODE_PREAD);
	switch (f->f_mode & (FMODE_READ | FMODE_WRITE)) {
	case FMODE_READ:
		p->readers++;
		p->r_counter++;
		wake_up(&p->wwait);
		if (!p->writers && !anon && !(f->f_flags & O_NONBLOCK))
			rc = wait_for_partner(p, &p->rwait, &p->w_counter);
		break;
	case FMODE_WRITE:
		if (!p->readers && !anon && (f->f_flags & O_NONBLOCK)) {
			rc = -ENXIO;
			break;
		}
		p->writers++;
		p->w_counter++;
		wake_up(&p->rwait);
		if (!p->readers && !anon)
			rc = wait_for_partner(p, &p->wwait, &p->r_counter);
		break;
	default:
		p->readers++;
		p->writers++;
		p->r_counter++;
		p->w_counter++;
		wake_up(&p->rwait);
		wake_up(&p->wwait);
	}
	if (rc < 0) {
		if (f->f_mode & FMODE_READ)
			p->readers--;
		if (f->f_mode & FMODE_WRITE)
			p->writers--;
		if (!p->readers && !p->writers) {
			inode->pipe = NULL;
			pipe_free(p);
		}
	}
	return rc;
}

/* ---- pipe(2) ---- */

static struct inode *pipe_inode(struct task *t)
{
	struct inode *inode;

	if (!pipefs)
		pipefs = sb_alloc("pipefs", NULL);
	inode = inode_alloc(pipefs);
	inode->ino = pipefs->next_ino++;
	inode->mode = S_IFIFO | 0600;
	inode->uid = t->proc->cred.fsuid;
	inode->gid = t->proc->cred.fsgid;
	inode->fop = &pipe_fops;
	{
		s64 now = ktime_real();

		inode->atime.tv_sec = now / 1000000000;
		inode->atime.tv_nsec = now % 1000000000;
		inode->mtime = inode->ctime = inode->atime;
	}
	return inode;
}

long sys_pipe2(struct task *t, uaddr_t ufds, int flags)
{
	struct inode *inode;
	struct file *r, *w;
	struct pipe *p;
	s32 fds[2];

	if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
		return -EINVAL;
	inode = pipe_inode(t);
	p = pipe_new();
	/* Found by fifo_open when /proc/self/fd/N reopens an end. */
	inode->pipe = p;
	p->readers = p->writers = 1;
	p->r_counter = p->w_counter = 1;
	r = file_anon(inode, O_RDONLY | (flags & O_NONBLOCK));
	w = file_anon(inode, O_WRONLY | (flags & O_NONBLOCK));
	inode_put(inode);
	r->priv = w->priv = p;
	r->fop = w->fop = &pipe_fops;
	fds[0] = fd_install(t, r, flags & O_CLOEXEC, 0);
	if (fds[0] < 0) {
		file_put(r);
		file_put(w);
		return fds[0];
	}
	fds[1] = fd_install(t, w, flags & O_CLOEXEC, 0);
	if (fds[1] < 0) {
		fd_close(t, fds[0]);
		file_put(w);
		return fds[1];
	}
	if (copy_to_user(ufds, fds, sizeof(fds))) {
		fd_close(t, fds[0]);
		fd_close(t, fds[1]);
		return -EFAULT;
	}
	return 0;
}

long sys_pipe(struct task *t, uaddr_t ufds)
{
	return sys_pipe2(t, ufds, 0);
}

void pipe_init(void)
{
	fifo_fops = &pipe_fops;
}
