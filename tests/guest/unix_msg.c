/*
 * AF_UNIX messages: passing descriptors (SCM_RIGHTS: between processes,
 * several at once, truncated control buffers, MSG_CMSG_CLOEXEC, MSG_PEEK,
 * files dropped when never received, sockets passed in cycles),
 * credentials (SCM_CREDENTIALS and SO_PASSCRED, which also keeps stream
 * data from different senders apart), sendmsg/recvmsg with bad
 * headers, iovecs, names and control data, and sendmmsg/recvmmsg.
 */
#include "harness.h"

#include <poll.h>
#include <stddef.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>

#ifndef MSG_CMSG_COMPAT
#define MSG_CMSG_COMPAT 0x80000000
#endif

static void msleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Send one byte with n fds in one SCM_RIGHTS message. */
static long send_fds(int sock, const int *fds, int n)
{
	char ctl[CMSG_SPACE(sizeof(int) * 256)];
	struct iovec iov = { "F", 1 };
	struct msghdr m = { 0 };
	struct cmsghdr *c;

	memset(ctl, 0, sizeof ctl);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = ctl;
	m.msg_controllen = CMSG_SPACE(sizeof(int) * n);
	c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * n);
	memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
	return sendmsg(sock, &m, 0);
}

/* Receive with a control buffer of ctllen; print what came; fds out. */
static long recv_show(int sock, size_t ctllen, int flags, int *fds, int *nfds)
{
	char data[64], ctl[4096];
	struct iovec iov = { data, sizeof data };
	struct msghdr m = { 0 };
	struct cmsghdr *c;
	long n;

	memset(ctl, 0x77, sizeof ctl);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = ctllen ? ctl : NULL;
	m.msg_controllen = ctllen;
	if (nfds)
		*nfds = 0;
	errno = 0;
	n = recvmsg(sock, &m, flags);
	if (n < 0) {
		say("recvmsg = -1 %s", errname(errno));
		return n;
	}
	printf("recvmsg = %ld", n);
	if (n > 0)
		printf(" \"%.*s\"", (int)n, data);
	printf(" flags %x controllen %zu\n", m.msg_flags, (size_t)m.msg_controllen);
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		printf("  cmsg level %d type %d len %zu", c->cmsg_level,
		       c->cmsg_type, (size_t)c->cmsg_len);
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));

			printf(" fds");
			for (int i = 0; i < k; i++) {
				int fd;

				memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
				printf(" %d", fd);
				if (fds && nfds)
					fds[(*nfds)++] = fd;
			}
		} else if (c->cmsg_level == SOL_SOCKET &&
			   c->cmsg_type == SCM_CREDENTIALS &&
			   c->cmsg_len >= CMSG_LEN(sizeof(struct ucred))) {
			struct ucred u;

			memcpy(&u, CMSG_DATA(c), sizeof u);
			if (u.pid == 0)	/* none attached: ids that map to nothing */
				printf(" pid 0 uid %u gid %u", u.uid, u.gid);
			else
				printf(" pid-is-me %d uid-is-mine %d gid-is-mine %d",
				       u.pid == getpid(), u.uid == getuid(),
				       u.gid == getgid());
		}
		printf("\n");
	}
	return n;
}

static int open_file(const char *name, const char *text)
{
	make_file(name, text);
	return open(name, O_RDONLY);
}

static void show_fd(const char *label, int fd)
{
	char buf[32];
	long n = read(fd, buf, sizeof buf);

	if (n < 0)
		say("%s: read = -1 %s", label, errname(errno));
	else
		show_bytes(label, buf, n);
}

/* ---- SCM_RIGHTS ---- */

static void t_rights(void)
{
	int sv[2], fds[8], n, f;

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	f = open_file("passed", "the passed file\n");
	SYS(send_fds(sv[0], &f, 1));
	SYS(close(f));
	recv_show(sv[1], 256, 0, fds, &n);
	say("got %d, cloexec %d", n, fcntl(fds[0], F_GETFD));
	show_fd("through it", fds[0]);
	/* Several fds, in two cmsgs of one message: one list comes out. */
	char ctl[CMSG_SPACE(12) + CMSG_SPACE(8)];
	struct iovec iov = { "M", 1 };
	struct msghdr m = { 0 };
	int three[3] = { 0, 1, 2 }, two[2] = { fds[0], sv[0] };
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = ctl;
	m.msg_controllen = sizeof ctl;
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(12);
	memcpy(CMSG_DATA(c), three, 12);
	c = CMSG_NXTHDR(&m, c);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(8);
	memcpy(CMSG_DATA(c), two, 8);
	SYS(sendmsg(sv[0], &m, 0));
	recv_show(sv[1], 256, MSG_CMSG_CLOEXEC, fds, &n);
	say("cloexec %d %d", fcntl(fds[0], F_GETFD), fcntl(fds[4], F_GETFD));
	/* A socket passed over itself, and an O_PATH fd. */
	int p = open(".", O_PATH);
	int pair2[2] = { sv[1], p };
	SYS(send_fds(sv[1], pair2, 2));
	SYS(send_fds(sv[0], pair2, 2));
	recv_show(sv[1], 256, 0, fds, &n);
	struct stat st;
	SYS(fstat(fds[1], &st));
	TRUE(S_ISDIR(st.st_mode));
	SYS(write(fds[0], "via the passed socket", 21));
	recv_show(sv[0], 256, 0, NULL, NULL);
}

static void t_rights_trunc(void)
{
	int sv[2], p[2], fds[8], n, three[3];

	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	pipe(p);
	three[0] = p[1];
	three[1] = p[1];
	three[2] = p[1];
	/* Room for two of three. */
	SYS(send_fds(sv[0], three, 3));
	recv_show(sv[1], CMSG_LEN(8), 0, fds, &n);
	/* Room for none: a bare header. */
	SYS(send_fds(sv[0], three, 3));
	recv_show(sv[1], sizeof(struct cmsghdr), 0, NULL, NULL);
	SYS(send_fds(sv[0], three, 3));
	recv_show(sv[1], 8, 0, NULL, NULL);
	/* No control buffer at all, and read(). */
	SYS(send_fds(sv[0], three, 3));
	recv_show(sv[1], 0, 0, NULL, NULL);
	SYS(send_fds(sv[0], three, 1));
	char c;
	SYS(read(sv[1], &c, 1));
	/* Only the two received copies and ours are left: close them all
	   and the reader sees end of file. */
	SYS(close(p[1]));
	for (int i = 0; i < n; i++)
		close(fds[i]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	show_fd("pipe", p[0]);
}

static void t_rights_peek(void)
{
	int sv[2], fds[4], fds2[4], n, n2, f;

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	f = open_file("peeked", "peek\n");
	SYS(send_fds(sv[0], &f, 1));
	SYS(write(sv[0], "more", 4));
	recv_show(sv[1], 256, MSG_PEEK, fds, &n);
	recv_show(sv[1], 256, 0, fds2, &n2);
	say("two fds: %d, same file %d", n + n2 == 2 && fds[0] != fds2[0],
	    lseek(fds[0], 2, SEEK_SET) == 2 && lseek(fds2[0], 0, SEEK_CUR) == 2);
	/* Data after the fds comes in the next read, not glued. */
	recv_show(sv[1], 256, 0, NULL, NULL);
	/* A read stops after the buffer that carried fds. */
	SYS(write(sv[0], "ab", 2));
	SYS(send_fds(sv[0], &f, 1));
	SYS(write(sv[0], "cd", 2));
	recv_show(sv[1], 256, 0, NULL, NULL);
	recv_show(sv[1], 256, 0, NULL, NULL);
}

static void t_rights_undelivered(void)
{
	int sv[2], p[2];

	pipe(p);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	SYS(send_fds(sv[0], &p[1], 1));
	SYS(close(p[1]));
	show_fd("pipe while in flight", p[0]);
	/* The receiver goes away without reading: the file is closed. */
	SYS(close(sv[1]));
	show_fd("pipe after", p[0]);
	/* In flight in a datagram whose receiver dies. */
	pipe(p);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	int r = socket(AF_UNIX, SOCK_DGRAM, 0), s = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct sockaddr_un a = { AF_UNIX, "@umk-msg-und" };
	a.sun_path[0] = 0;
	bind(r, (struct sockaddr *)&a, 2 + 12);
	connect(s, (struct sockaddr *)&a, 2 + 12);
	SYS(send_fds(s, &p[1], 1));
	close(p[1]);
	show_fd("pipe while in flight", p[0]);
	close(r);
	show_fd("pipe after", p[0]);
}

static void t_rights_fork(void)
{
	int sv[2], fds[4], n, st;
	pid_t pid;

	socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv);
	pid = fork();
	if (pid == 0) {
		int f = open_file("child-file", "opened by the child\n");
		int e = eventfd(5, 0);
		int two[2] = { f, e };

		close(sv[0]);
		_exit(send_fds(sv[1], two, 2) == 1 ? 0 : 1);
	}
	close(sv[1]);
	recv_show(sv[0], 256, 0, fds, &n);
	waitpid(pid, &st, 0);
	say("child %d", WEXITSTATUS(st));
	show_fd("child's file", fds[0]);
	uint64_t v = 0;
	SYS(read(fds[1], &v, 8));
	say("eventfd %llu", (unsigned long long)v);
	recv_show(sv[0], 256, 0, NULL, NULL);
}

static void t_rights_errors(void)
{
	int sv[2], fds[300], ok = open("/", O_RDONLY);
	char ctl[CMSG_SPACE(300 * 4) + 64];
	struct iovec iov = { "E", 1 };
	struct msghdr m = { 0 };
	struct cmsghdr *c;

	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	for (int i = 0; i < 300; i++)
		fds[i] = ok;
	SYS(send_fds(sv[0], &(int){ 99 }, 1));
	SYS(send_fds(sv[0], &(int){ -1 }, 1));
	SYS(send_fds(sv[0], fds, 254));
	SYS(send_fds(sv[0], fds, 253));
	recv_show(sv[1], 16, 0, NULL, NULL);
	int mixed[3] = { ok, 99, ok };
	SYS(send_fds(sv[0], mixed, 3));
	/* Headers that lie. */
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = ctl;
	memset(ctl, 0, sizeof ctl);
	c = (struct cmsghdr *)ctl;
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	m.msg_controllen = CMSG_SPACE(4);
	memcpy(CMSG_DATA(c), &ok, 4);
	c->cmsg_len = 15;
	SYS(sendmsg(sv[0], &m, 0));
	c->cmsg_len = 0;
	SYS(sendmsg(sv[0], &m, 0));
	c->cmsg_len = CMSG_SPACE(4) + 1;
	SYS(sendmsg(sv[0], &m, 0));
	c->cmsg_len = (__typeof__(c->cmsg_len))~0UL;
	SYS(sendmsg(sv[0], &m, 0));
	c->cmsg_len = CMSG_LEN(0);
	SYS(sendmsg(sv[0], &m, 0));
	c->cmsg_len = CMSG_LEN(3);
	SYS(sendmsg(sv[0], &m, 0));
	c->cmsg_len = CMSG_LEN(4);
	c->cmsg_type = 99;
	SYS(sendmsg(sv[0], &m, 0));
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_level = 0;
	SYS(sendmsg(sv[0], &m, 0));
	c->cmsg_level = SOL_SOCKET;
	m.msg_controllen = 15;
	SYS(sendmsg(sv[0], &m, 0));
	m.msg_controllen = 1;
	SYS(sendmsg(sv[0], &m, 0));
	/* A second header past the end, or cut short. */
	m.msg_controllen = CMSG_SPACE(4) + 8;
	SYS(sendmsg(sv[0], &m, 0));
	m.msg_controllen = CMSG_SPACE(4) + 16;
	SYS(sendmsg(sv[0], &m, 0));
	m.msg_controllen = CMSG_SPACE(4);
	m.msg_control = BADPTR_KERNEL;
	SYS(sendmsg(sv[0], &m, 0));
	m.msg_control = NULL;
	SYS(sendmsg(sv[0], &m, 0));
	m.msg_control = ctl;
	m.msg_controllen = 1UL << 31;
	SYS(sendmsg(sv[0], &m, 0));
	m.msg_controllen = 200000;
	SYS(sendmsg(sv[0], &m, 0));
	m.msg_controllen = 36;
	SYS(sendmsg(sv[0], &m, 0));
	for (int i = 0; i < 20; i++) {
		struct pollfd pf = { sv[1], POLLIN, 0 };

		if (poll(&pf, 1, 0) != 1)
			break;
		recv_show(sv[1], 256, 0, NULL, NULL);
	}
	/* SO_PASSRIGHTS off: the receiver refuses files. */
	int off = 0;
	SYS(setsockopt(sv[1], SOL_SOCKET, 83, &off, sizeof off));
	SYS(send_fds(sv[0], &ok, 1));
	SYS(send(sv[0], "plain", 5, 0));
}

/*
 * Wait up to 5 s for p's writers to go.  Linux collects from a work
 * queue, and a run of it that began before a cycle was dropped can miss
 * it; the release of another socket in flight schedules the next run.
 */
static int wait_collected(struct pollfd *pf)
{
	int r = 0;

	for (int i = 0; i < 50 && r == 0; i++) {
		int t[2];

		r = poll(pf, 1, 100);
		if (r == 0 && socketpair(AF_UNIX, SOCK_STREAM, 0, t) == 0) {
			send_fds(t[0], &t[1], 1);
			close(t[0]);
			close(t[1]);
		}
	}
	return r;
}

static void t_gc(void)
{
	int sv[2], c[2], p[2];
	char buf[8];

	/* A socket passed into its own queue, and a pipe with it. */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pipe(p);
	int two[2] = { sv[1], p[1] };
	SYS(send_fds(sv[0], two, 2));
	close(sv[0]);
	close(sv[1]);
	close(p[1]);
	/* Only the collector can close the pipe's write end now. */
	struct pollfd pf = { p[0], POLLIN, 0 };
	SYS(wait_collected(&pf));
	say("revents %x", pf.revents);
	SYS(read(p[0], buf, sizeof buf));
	/* A cycle of two socket pairs. */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	socketpair(AF_UNIX, SOCK_STREAM, 0, c);
	pipe(p);
	int x[2] = { c[0], p[1] };
	SYS(send_fds(sv[0], x, 2));
	SYS(send_fds(c[1], &sv[0], 1));
	close(sv[0]);
	close(c[0]);
	close(p[1]);
	close(c[1]);
	/* sv[1] still holds the cycle: nothing is collected yet. */
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	SYS(read(p[0], buf, sizeof buf));
	close(sv[1]);
	SYS(wait_collected(&pf));
	say("revents %x", pf.revents);
	SYS(read(p[0], buf, sizeof buf));
}

/* ---- credentials ---- */

static long send_creds(int sock, pid_t pid, uid_t uid, gid_t gid, size_t len)
{
	char ctl[CMSG_SPACE(sizeof(struct ucred)) + 8];
	struct iovec iov = { "C", 1 };
	struct msghdr m = { 0 };
	struct cmsghdr *c;
	struct ucred u = { pid, uid, gid };

	memset(ctl, 0, sizeof ctl);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = ctl;
	m.msg_controllen = CMSG_SPACE(sizeof u);
	c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_CREDENTIALS;
	c->cmsg_len = len;
	memcpy(CMSG_DATA(c), &u, sizeof u);
	return sendmsg(sock, &m, 0);
}

static void t_creds(void)
{
	int sv[2], one = 1;

	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	SYS(send(sv[0], "no", 2, 0));
	SYS(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof one));
	/* Queued before anyone asked: no credentials were attached. */
	recv_show(sv[1], 256, 0, NULL, NULL);
	SYS(send(sv[0], "yes", 3, 0));
	recv_show(sv[1], 256, 0, NULL, NULL);
	SYS(send_creds(sv[0], getpid(), getuid(), getgid(),
		       CMSG_LEN(sizeof(struct ucred))));
	recv_show(sv[1], 256, 0, NULL, NULL);
	/* Too small a buffer for them. */
	SYS(send(sv[0], "t", 1, 0));
	recv_show(sv[1], CMSG_LEN(4), 0, NULL, NULL);
	SYS(send(sv[0], "t", 1, 0));
	recv_show(sv[1], 0, 0, NULL, NULL);
	SYS(send_creds(sv[0], getpid(), getuid(), getgid(), CMSG_LEN(8)));
	SYS(send_creds(sv[0], getpid(), -1, getgid(),
		       CMSG_LEN(sizeof(struct ucred))));
	SYS(send_creds(sv[0], getpid(), getuid(), -1,
		       CMSG_LEN(sizeof(struct ucred))));
	/* The sender asks: the receiver gets them even without asking. */
	int a[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, a);
	SYS(setsockopt(a[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof one));
	SYS(write(a[0], "x", 1));
	SYS(setsockopt(a[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof one));
	recv_show(a[1], 256, 0, NULL, NULL);
	/* Nobody may claim another pid or id. */
	pid_t pid = fork();
	if (pid == 0) {
		setgid(65534);
		setuid(65534);
		long r1 = send_creds(sv[0], getppid(), getuid(), getgid(),
				     CMSG_LEN(sizeof(struct ucred)));
		int e1 = errno;
		long r2 = send_creds(sv[0], getpid(), 0, getgid(),
				     CMSG_LEN(sizeof(struct ucred)));
		int e2 = errno;
		long r3 = send_creds(sv[0], getpid(), getuid(), 0,
				     CMSG_LEN(sizeof(struct ucred)));
		int e3 = errno;
		printf("as nobody: %ld %s, %ld %s, %ld %s\n", r1, errname(e1),
		       r2, errname(e2), r3, errname(e3));
		_exit(0);
	}
	waitpid(pid, NULL, 0);
}

static void t_creds_glue(void)
{
	int sv[2], one = 1;
	pid_t pid;

	/* Without SO_PASSCRED, stream data from two processes is glued. */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	SYS(write(sv[0], "ab", 2));
	pid = fork();
	if (pid == 0) {
		write(sv[0], "cd", 2);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	SYS(write(sv[0], "ef", 2));
	recv_show(sv[1], 0, 0, NULL, NULL);
	/* With it, never. */
	SYS(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof one));
	SYS(write(sv[0], "ab", 2));
	pid = fork();
	if (pid == 0) {
		write(sv[0], "cd", 2);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	SYS(write(sv[0], "ef", 2));
	recv_show(sv[1], 256, 0, NULL, NULL);
	recv_show(sv[1], 256, 0, NULL, NULL);
	recv_show(sv[1], 256, MSG_DONTWAIT, NULL, NULL);
}

/* ---- message headers ---- */

static void t_msghdr(void)
{
	int sv[2];
	char buf[16];
	struct iovec iov = { buf, sizeof buf };
	struct msghdr m = { 0 };
	struct sockaddr_un name;

	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	SYS(sendmsg(sv[0], NULL, 0));
	SYS(sendmsg(sv[0], BADPTR_KERNEL, 0));
	SYS(recvmsg(sv[1], NULL, 0));
	m.msg_iov = &iov;
	m.msg_iovlen = 1025;
	SYS(sendmsg(sv[0], &m, 0));
	SYS(recvmsg(sv[1], &m, 0));
	m.msg_iovlen = 1;
	m.msg_iov = BADPTR_KERNEL;
	SYS(sendmsg(sv[0], &m, 0));
	m.msg_iov = &iov;
	iov.iov_len = -1;
	SYS(sendmsg(sv[0], &m, 0));
	iov.iov_base = BADPTR_KERNEL;
	iov.iov_len = 4;
	SYS(sendmsg(sv[0], &m, 0));
	iov.iov_base = buf;
	SYS(sendmsg(sv[0], &m, MSG_CMSG_COMPAT));
	SYS(recvmsg(sv[1], &m, MSG_CMSG_COMPAT | MSG_DONTWAIT));
	m.msg_iovlen = 0;
	SYS(sendmsg(sv[0], &m, 0));
	m.msg_iovlen = 1;
	m.msg_iov = NULL;
	m.msg_iovlen = 0;
	SYS(recvmsg(sv[1], &m, 0));
	say("flags %x", m.msg_flags);
	/* Names: a negative length is refused, a long one cut to 128. */
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_name = &name;
	m.msg_namelen = -1;
	SYS(sendmsg(sv[0], &m, 0));
	m.msg_name = NULL;
	SYS(sendmsg(sv[0], &m, 0));
	m.msg_name = &name;
	m.msg_namelen = 1000;
	memset(&name, 0, sizeof name);
	name.sun_family = AF_UNIX;
	SYS(sendmsg(sv[0], &m, 0));
	m.msg_namelen = 0;
	SYS(sendmsg(sv[0], &m, 0));
	m.msg_name = BADPTR_KERNEL;
	m.msg_namelen = 10;
	SYS(sendmsg(sv[0], &m, 0));
	/* Receiving: the flags and lengths written back. */
	m.msg_name = &name;
	m.msg_namelen = sizeof name;
	m.msg_flags = 0x12345;
	m.msg_control = NULL;
	m.msg_controllen = 0;
	iov.iov_len = 2;
	SYS(recvmsg(sv[1], &m, 0));
	say("namelen %d flags %x", (int)m.msg_namelen, m.msg_flags);
	m.msg_namelen = -1;
	SYS(send(sv[0], "abc", 3, 0));
	SYS(recvmsg(sv[1], &m, 0));
	m.msg_namelen = sizeof name;
	m.msg_name = BADPTR_KERNEL;
	SYS(send(sv[0], "abc", 3, 0));
	SYS(recvmsg(sv[1], &m, 0));
	SYS(recvmsg(sv[1], &m, MSG_DONTWAIT));
	/* A bad control buffer loses only the control data. */
	int one = 1;
	setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
	m.msg_name = NULL;
	m.msg_control = BADPTR_KERNEL;
	m.msg_controllen = 64;
	SYS(send(sv[0], "abc", 3, 0));
	SYS(recvmsg(sv[1], &m, 0));
	say("controllen %zu flags %x", (size_t)m.msg_controllen, m.msg_flags);
	/* Names on a stream socket. */
	int st[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, st);
	m.msg_name = &name;
	m.msg_namelen = sizeof name;
	m.msg_control = NULL;
	m.msg_controllen = 0;
	SYS(sendmsg(st[0], &m, 0));
	m.msg_namelen = 5;
	SYS(sendmsg(st[0], &m, 0));
	SYS(write(st[0], "s", 1));
	m.msg_namelen = sizeof name;
	SYS(recvmsg(st[1], &m, 0));
	say("namelen %d", (int)m.msg_namelen);
}

static void t_mmsg(void)
{
	struct mmsghdr mm[4];
	struct iovec iov[4];
	char bufs[4][16];
	int sv[2];

	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	memset(mm, 0, sizeof mm);
	for (int i = 0; i < 4; i++) {
		snprintf(bufs[i], sizeof bufs[i], "message %d", i);
		iov[i] = (struct iovec){ bufs[i], strlen(bufs[i]) };
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	SYS(sendmmsg(sv[0], mm, 3, 0));
	say("lens %u %u %u %u", mm[0].msg_len, mm[1].msg_len, mm[2].msg_len,
	    mm[3].msg_len);
	SYS(sendmmsg(sv[0], mm, 0, 0));
	mm[1].msg_hdr.msg_iov = BADPTR_KERNEL;
	SYS(sendmmsg(sv[0], mm, 3, 0));
	SYS(sendmmsg(sv[0], mm + 1, 2, 0));
	mm[1].msg_hdr.msg_iov = &iov[1];
	SYS(sendmmsg(sv[0], BADPTR_KERNEL, 2, 0));
	SYS(sendmmsg(sv[0], mm, 2, MSG_CMSG_COMPAT));
	SYS(sendmmsg(99, mm, 2, 0));
	memset(bufs, 0, sizeof bufs);
	for (int i = 0; i < 4; i++) {
		iov[i] = (struct iovec){ bufs[i], sizeof bufs[i] };
		mm[i].msg_len = 0;
	}
	SYS(recvmmsg(sv[1], mm, 4, MSG_DONTWAIT, NULL));
	for (int i = 0; i < 4; i++)
		say("  %u \"%s\"", mm[i].msg_len, bufs[i]);
	SYS(recvmmsg(sv[1], mm, 4, MSG_DONTWAIT, NULL));
	SYS(recvmmsg(sv[1], mm, 4, 0, BADPTR_KERNEL));
	struct timespec ts = { 0, 1000000000 };
	SYS(recvmmsg(sv[1], mm, 4, 0, &ts));
	ts = (struct timespec){ -1, 0 };
	SYS(recvmmsg(sv[1], mm, 4, 0, &ts));
	SYS(recvmmsg(sv[1], mm, 4, MSG_CMSG_COMPAT, NULL));
	SYS(recvmmsg(sv[1], mm, 0, 0, NULL));
	/* WAITFORONE: wait for the first, take what else is there. */
	pid_t pid = fork();
	if (pid == 0) {
		msleep(30);
		send(sv[0], "late", 4, 0);
		send(sv[0], "later", 5, 0);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	SYS(recvmmsg(sv[1], mm, 4, MSG_WAITFORONE, NULL));
	SYS(send(sv[0], "one", 3, 0));
	ts = (struct timespec){ 5, 0 };
	SYS(recvmmsg(sv[1], mm, 4, MSG_WAITFORONE, &ts));
	TRUE(ts.tv_sec == 4 || ts.tv_sec == 5);
	/* A bad entry after a good one: the count, and the error later. */
	send(sv[0], "a", 1, 0);
	send(sv[0], "b", 1, 0);
	mm[1].msg_hdr.msg_iov = BADPTR_KERNEL;
	SYS(recvmmsg(sv[1], mm, 2, MSG_DONTWAIT, NULL));
	int err = 0;
	socklen_t el = sizeof err;
	getsockopt(sv[1], SOL_SOCKET, SO_ERROR, &err, &el);
	say("SO_ERROR %s", errname(err));
}

static const struct tcase cases[] = {
	{ t_rights, "rights" },
	{ t_rights_trunc, "rights_trunc" },
	{ t_rights_peek, "rights_peek" },
	{ t_rights_undelivered, "rights_undelivered" },
	{ t_rights_fork, "rights_fork" },
	{ t_rights_errors, "rights_errors" },
	{ t_gc, "gc" },
	{ t_creds, "creds" },
	{ t_creds_glue, "creds_glue" },
	{ t_msghdr, "msghdr" },
	{ t_mmsg, "mmsg" },
};

HARNESS_MAIN(cases)
