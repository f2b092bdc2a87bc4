/*
 * AF_UNIX sockets: creation, socketpair of each type, stream, datagram
 * and seqpacket semantics (boundaries, EOF, shutdown, EPIPE/SIGPIPE,
 * ECONNRESET), names (paths in the file system, abstract names,
 * autobind, the address lengths getsockname reports), listen/accept/
 * connect (blocking and not, backlogs, refusals), datagram addressing
 * and connecting, options, timeouts and signals, poll readiness, and
 * processes talking over sockets.  Bad fds, pointers, lengths, flags
 * and addresses get Linux's errno.  (Out-of-band data, Linux's
 * CONFIG_AF_UNIX_OOB, is not implemented and not tested.)
 */
#include "harness.h"

#include <poll.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>

#ifndef SIOCINQ
#define SIOCINQ FIONREAD
#define SIOCOUTQ TIOCOUTQ
#endif

static void msleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* A sockaddr_un for path (abstract when it starts with '@'); its length. */
static socklen_t mkaddr(struct sockaddr_un *a, const char *path)
{
	size_t n = strlen(path);

	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	memcpy(a->sun_path, path, n);
	if (path[0] == '@')
		a->sun_path[0] = 0;
	else
		n++;
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
}

static int bind_to(int fd, const char *path)
{
	struct sockaddr_un a;
	socklen_t len = mkaddr(&a, path);

	return bind(fd, (struct sockaddr *)&a, len);
}

static int connect_to(int fd, const char *path)
{
	struct sockaddr_un a;
	socklen_t len = mkaddr(&a, path);

	return connect(fd, (struct sockaddr *)&a, len);
}

/* Print an address the way it came back: length, family, path. */
static void show_addr(const char *label, struct sockaddr_un *a, socklen_t len)
{
	printf("%s: len %d", label, (int)len);
	if (len >= 2)
		printf(" family %d", a->sun_family);
	if (len > 2) {
		printf(" path \"");
		for (socklen_t i = 0; i < len - 2 && i < sizeof(a->sun_path); i++) {
			unsigned char c = (unsigned char)a->sun_path[i];

			if (c >= 32 && c < 127)
				putchar(c);
			else
				printf("\\x%02x", c);
		}
		printf("\"");
	}
	printf("\n");
}

static void show_name(const char *label, int fd, int peer)
{
	struct sockaddr_un a;
	socklen_t len = sizeof(a);
	int r;

	memset(&a, 0x55, sizeof(a));
	errno = 0;
	r = peer ? getpeername(fd, (struct sockaddr *)&a, &len)
		 : getsockname(fd, (struct sockaddr *)&a, &len);
	if (r < 0) {
		say("%s = -1 %s", label, errname(errno));
		return;
	}
	show_addr(label, &a, len);
}

static int revents(int fd, int events)
{
	struct pollfd p = { fd, (short)events, 0 };

	return poll(&p, 1, 0) < 0 ? -1 : p.revents;
}

#define ALLPOLL (POLLIN | POLLOUT | POLLRDHUP | POLLPRI)

static void show_poll(const char *label, int fd)
{
	say("%s poll %x", label, revents(fd, ALLPOLL));
}

static void show_read(const char *label, int fd, size_t max)
{
	char buf[256];
	long n;

	errno = 0;
	n = read(fd, buf, max < sizeof buf ? max : sizeof buf);
	if (n < 0)
		say("%s = -1 %s", label, errname(errno));
	else
		show_bytes(label, buf, n);
}

static int sockopt(int fd, int name)
{
	int v = -1;
	socklen_t len = sizeof v;

	if (getsockopt(fd, SOL_SOCKET, name, &v, &len) < 0)
		return -1000 - errno;
	return v;
}

static volatile int got_sig;

static void on_sig(int sig)
{
	got_sig = sig;
}

static void catch(int sig, int flags)
{
	struct sigaction sa = { 0 };

	sa.sa_handler = on_sig;
	sa.sa_flags = flags;
	sigaction(sig, &sa, NULL);
}

/* ---- creating ---- */

static void t_create(void)
{
	int fd;

	fd = SYS(socket(AF_UNIX, SOCK_STREAM, 0));
	say("type %d domain %d protocol %d", sockopt(fd, SO_TYPE),
	    sockopt(fd, SO_DOMAIN), sockopt(fd, SO_PROTOCOL));
	fd = SYS(socket(AF_UNIX, SOCK_DGRAM, 0));
	say("type %d", sockopt(fd, SO_TYPE));
	fd = SYS(socket(AF_UNIX, SOCK_SEQPACKET, 0));
	say("type %d", sockopt(fd, SO_TYPE));
	fd = SYS(socket(AF_UNIX, SOCK_RAW, 0));
	say("SOCK_RAW is a datagram socket: type %d", sockopt(fd, SO_TYPE));
	fd = SYS(socket(AF_UNIX, SOCK_STREAM, AF_UNIX));
	say("protocol %d", sockopt(fd, SO_PROTOCOL));
	SYS(socket(AF_UNIX, SOCK_STREAM, 2));
	SYS(socket(AF_UNIX, SOCK_STREAM, -1));
	SYS(socket(AF_UNIX, SOCK_RDM, 0));
	SYS(socket(AF_UNIX, 0, 0));
	SYS(socket(AF_UNIX, SOCK_DCCP, 0));
	SYS(socket(AF_UNIX, SOCK_PACKET, 0));
	SYS(socket(AF_UNIX, 11, 0));
	SYS(socket(AF_UNIX, 15, 0));
	SYS(socket(AF_UNIX, SOCK_STREAM | 0x10, 0));
	SYS(socket(AF_UNIX, SOCK_STREAM | O_RDWR, 0));
	SYS(socket(AF_UNIX, -1, 0));
	SYS(socket(0, SOCK_STREAM, 0));
	SYS(socket(-1, SOCK_STREAM, 0));
	SYS(socket(46, SOCK_STREAM, 0));
	SYS(socket(1000, SOCK_STREAM, 0));
	SYS(socket(46, 99, 0));
	fd = SYS(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
	say("F_GETFL %o F_GETFD %d", fcntl(fd, F_GETFL), fcntl(fd, F_GETFD));
	fd = SYS(socket(AF_UNIX, SOCK_DGRAM, 0));
	say("F_GETFL %o F_GETFD %d", fcntl(fd, F_GETFL), fcntl(fd, F_GETFD));
}

static void t_file(void)
{
	struct stat st;
	char path[64], link[64], buf[8];
	int sv[2];
	long n;

	SYS(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	SYS(fstat(sv[0], &st));
	say("mode %o size %lld nlink %ld blksize %ld", st.st_mode,
	    (long long)st.st_size, (long)st.st_nlink, (long)st.st_blksize);
	TRUE(st.st_uid == geteuid());
	snprintf(path, sizeof path, "/proc/self/fd/%d", sv[0]);
	n = readlink(path, link, sizeof link - 1);
	link[n > 0 ? n : 0] = 0;
	TRUE(!strncmp(link, "socket:[", 8));
	struct stat st2;
	fstat(sv[1], &st2);
	TRUE(st.st_ino != st2.st_ino && st.st_dev == st2.st_dev);
	SYS(lseek(sv[0], 0, SEEK_CUR));
	SYS(pread(sv[0], buf, 1, 0));
	SYS(pwrite(sv[0], buf, 1, 0));
	SYS(open(path, O_RDWR));
	SYS(ftruncate(sv[0], 0));
	SYS(fsync(sv[0]));
	SYS(ioctl(sv[0], TCGETS, buf));
	SYS(mmap(NULL, 4096, 1, 1, sv[0], 0) == MAP_FAILED ? -1 : 0);
}

/* ---- socketpair ---- */

static void t_pair_errors(void)
{
	int sv[2];

	SYS(socketpair(AF_UNIX, SOCK_STREAM, 0, NULL));
	SYS(socketpair(AF_UNIX, SOCK_STREAM, 0, BADPTR_KERNEL));
	SYS(socketpair(AF_UNIX, SOCK_STREAM, 0, (int *)BADPTR_ONE));
	SYS(socketpair(46, SOCK_STREAM, 0, NULL));
	SYS(socketpair(46, SOCK_STREAM, 0, sv));
	SYS(socketpair(0, SOCK_STREAM, 0, sv));
	SYS(socketpair(AF_UNIX, SOCK_STREAM | 0x100, 0, sv));
	SYS(socketpair(AF_UNIX, SOCK_STREAM | 0x100, 0, NULL));
	SYS(socketpair(AF_UNIX, 7, 0, sv));
	SYS(socketpair(AF_UNIX, 12, 0, sv));
	SYS(socketpair(AF_UNIX, SOCK_STREAM, 5, sv));
	SYS(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv));
	say("fds %d %d flags %o %o cloexec %d %d", sv[0], sv[1],
	    fcntl(sv[0], F_GETFL), fcntl(sv[1], F_GETFL), fcntl(sv[0], F_GETFD),
	    fcntl(sv[1], F_GETFD));
	/* No descriptors left: EMFILE before anything else. */
	struct rlimit rl = { 6, 6 };
	setrlimit(RLIMIT_NOFILE, &rl);
	SYS(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	SYS(socketpair(AF_UNIX, SOCK_STREAM, 0, NULL));
	SYS(socket(AF_UNIX, SOCK_STREAM, 0));
	SYS(socket(AF_UNIX, SOCK_STREAM, 0));
}

static void t_stream_pair(void)
{
	struct iovec w[3] = { { "one", 3 }, { "", 0 }, { "twothree", 8 } };
	char a[4], b[16];
	struct iovec r[2] = { { a, 4 }, { b, sizeof b } };
	int sv[2], v;

	SYS(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	show_poll("fresh", sv[0]);
	SYS(write(sv[0], "hello", 5));
	SYS(write(sv[0], " world", 6));
	SYS(ioctl(sv[1], FIONREAD, &v));
	say("FIONREAD %d", v);
	SYS(ioctl(sv[0], SIOCOUTQ, &v));
	TRUE(v > 11);
	show_poll("readable", sv[1]);
	show_read("read 3", sv[1], 3);
	SYS(ioctl(sv[1], SIOCINQ, &v));
	say("SIOCINQ %d", v);
	show_read("read rest", sv[1], 100);
	SYS(ioctl(sv[0], SIOCOUTQ, &v));
	say("SIOCOUTQ after the read %d", v);
	SYS(writev(sv[1], w, 3));
	long n = SYS(readv(sv[0], r, 2));
	show_bytes("a", a, 4);
	show_bytes("b", b, n - 4);
	SYS(write(sv[0], "", 0));
	SYS(send(sv[0], "", 0, 0));
	SYS(fcntl(sv[1], F_SETFL, O_NONBLOCK));
	show_read("empty", sv[1], 10);
	SYS(recv(sv[1], b, 0, 0));
	SYS(recv(sv[1], b, 10, MSG_DONTWAIT));
	SYS(fcntl(sv[1], F_SETFL, 0));
	SYS(recv(sv[1], b, 10, MSG_DONTWAIT));
	show_name("getsockname", sv[0], 0);
	show_name("getpeername", sv[0], 1);
}

static void t_stream_shutdown(void)
{
	int sv[2];

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	catch(SIGPIPE, 0);
	SYS(shutdown(sv[0], SHUT_WR));
	show_poll("writer", sv[0]);
	show_poll("reader", sv[1]);
	show_read("reader at EOF", sv[1], 10);
	SYS(write(sv[0], "x", 1));
	say("signal %s", signame(got_sig));
	got_sig = 0;
	SYS(send(sv[0], "x", 1, MSG_NOSIGNAL));
	say("signal %d", got_sig);
	SYS(write(sv[1], "back", 4));
	show_read("the other way still works", sv[0], 10);
	SYS(shutdown(sv[0], SHUT_RD));
	show_poll("both shut", sv[0]);
	show_read("after SHUT_RD", sv[0], 10);
	SYS(write(sv[1], "late", 4));
	say("signal %s", signame(got_sig));
	SYS(shutdown(sv[0], 3));
	SYS(shutdown(sv[0], -1));
	SYS(shutdown(sv[0], SHUT_RDWR));
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	SYS(shutdown(fd, SHUT_RDWR));
	show_poll("unconnected, shut", fd);
}

static void t_stream_close(void)
{
	int sv[2];

	catch(SIGPIPE, 0);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	SYS(write(sv[1], "abc", 3));
	SYS(close(sv[1]));
	show_poll("peer closed", sv[0]);
	show_read("read", sv[0], 2);
	show_read("read", sv[0], 2);
	show_read("read", sv[0], 2);
	SYS(write(sv[0], "x", 1));
	say("signal %s", signame(got_sig));
	/* Closing with unread data resets the other end. */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	SYS(write(sv[1], "unread", 6));
	SYS(write(sv[0], "mine", 4));
	SYS(close(sv[0]));
	show_poll("reset", sv[1]);
	say("SO_ERROR %s", errname(sockopt(sv[1], SO_ERROR)));
	show_read("read", sv[1], 10);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	SYS(write(sv[1], "unread", 6));
	SYS(close(sv[0]));
	show_read("read", sv[1], 10);
	show_read("read", sv[1], 10);
	show_poll("after", sv[1]);
}

static void t_dgram_pair(void)
{
	char buf[64];
	int sv[2], v;

	SYS(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	show_poll("fresh", sv[0]);
	SYS(send(sv[0], "first", 5, 0));
	SYS(send(sv[0], "second!", 7, 0));
	SYS(send(sv[0], "", 0, 0));
	SYS(write(sv[0], "", 0));
	SYS(ioctl(sv[1], FIONREAD, &v));
	say("FIONREAD (the first datagram) %d", v);
	SYS(recv(sv[1], buf, sizeof buf, MSG_PEEK));
	SYS(recv(sv[1], buf, 2, MSG_PEEK | MSG_TRUNC));
	show_read("read 3 of the first", sv[1], 3);
	show_read("the next one whole", sv[1], 64);
	show_read("an empty one", sv[1], 64);
	SYS(recv(sv[1], buf, 0, MSG_TRUNC));
	SYS(recv(sv[1], buf, 10, MSG_DONTWAIT));
	/* Too big for the send buffer. */
	static char big[300000];
	SYS(send(sv[0], big, 212960, MSG_DONTWAIT));
	SYS(send(sv[0], big, 212961, MSG_DONTWAIT));
	SYS(recv(sv[1], big, sizeof big, 0));
	int sz = 8192;
	SYS(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz));
	SYS(send(sv[0], big, 16352, 0));
	SYS(send(sv[0], big, 16353, 0));
	SYS(recv(sv[1], big, sizeof big, 0));
	show_name("getsockname", sv[0], 0);
	show_name("getpeername", sv[0], 1);
	SYS(recvfrom(sv[1], buf, 10, MSG_DONTWAIT, NULL, NULL));
	SYS(shutdown(sv[0], SHUT_WR));
	SYS(send(sv[0], "x", 1, 0));
	show_poll("after SHUT_WR", sv[0]);
	show_poll("its peer", sv[1]);
	SYS(send(sv[1], "y", 1, 0));
	show_read("read", sv[0], 10);
	SYS(shutdown(sv[1], SHUT_RD));
	SYS(recv(sv[1], buf, 10, 0));
	SYS(close(sv[1]));
	catch(SIGPIPE, 0);
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	SYS(close(sv[1]));
	SYS(send(sv[0], "x", 1, 0));
	SYS(send(sv[0], "x", 1, 0));
	say("signal %d", got_sig);
	show_poll("peer gone", sv[0]);
}

static void t_seqpacket_pair(void)
{
	char buf[64];
	int sv[2], v;

	catch(SIGPIPE, 0);
	SYS(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
	show_poll("fresh", sv[0]);
	SYS(send(sv[0], "first", 5, 0));
	SYS(write(sv[0], "second", 6));
	SYS(send(sv[0], "", 0, 0));
	SYS(ioctl(sv[1], FIONREAD, &v));
	say("FIONREAD (all) %d", v);
	show_read("read 2", sv[1], 2);
	SYS(recv(sv[1], buf, 3, MSG_TRUNC));
	SYS(recv(sv[1], buf, 3, 0));
	SYS(recv(sv[1], buf, 3, MSG_DONTWAIT));
	SYS(sendto(sv[0], "x", 1, 0, (struct sockaddr *)&(struct sockaddr_un){ AF_UNIX, "nowhere" }, 10));
	SYS(recv(sv[1], buf, 3, 0));
	SYS(close(sv[1]));
	show_poll("peer closed", sv[0]);
	SYS(recv(sv[0], buf, 3, 0));
	SYS(recv(sv[0], buf, 3, MSG_DONTWAIT));
	SYS(send(sv[0], "x", 1, 0));
	say("signal %d", got_sig);
	SYS(send(sv[0], "x", 1, 0));
	int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	SYS(send(fd, "x", 1, 0));
	SYS(recv(fd, buf, 1, 0));
	show_poll("unconnected", fd);
}

/* ---- names ---- */

static void t_bind_path(void)
{
	struct stat st;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0), fd2;

	umask(022);
	SYS(bind_to(fd, "sock"));
	SYS(lstat("sock", &st));
	say("mode %o size %lld", st.st_mode, (long long)st.st_size);
	TRUE(st.st_uid == geteuid());
	show_name("getsockname", fd, 0);
	SYS(bind_to(fd, "sock2"));
	SYS(lstat("sock2", &st));
	fd2 = socket(AF_UNIX, SOCK_STREAM, 0);
	SYS(bind_to(fd2, "sock"));
	SYS(open("sock", O_RDONLY));
	SYS(open("sock", O_PATH) >= 0);
	SYS(bind_to(fd2, "."));
	SYS(bind_to(fd2, "/"));
	SYS(bind_to(fd2, "missing/sock"));
	SYS(bind_to(fd2, "sock/x"));
	SYS(bind_to(fd2, "dirsock/"));
	make_file("file", "x");
	SYS(bind_to(fd2, "file"));
	SYS(symlink("dangling-target", "dangling"));
	SYS(bind_to(fd2, "dangling"));
	SYS(lstat("dangling-target", &st));
	umask(0);
	SYS(bind_to(fd2, "sock3"));
	SYS(lstat("sock3", &st));
	say("mode %o", st.st_mode);
	show_name("getsockname", fd2, 0);
	/* The node stays after close; a new bind finds it taken. */
	SYS(close(fd2));
	fd2 = socket(AF_UNIX, SOCK_STREAM, 0);
	SYS(bind_to(fd2, "sock3"));
	SYS(unlink("sock3"));
	SYS(bind_to(fd2, "sock3"));
	/* The same path for the other types is as taken. */
	int d = socket(AF_UNIX, SOCK_DGRAM, 0);
	SYS(bind_to(d, "sock3"));
	SYS(rename("sock3", "sock4"));
	show_name("renamed: the name stays", fd2, 0);
}

static void t_addr_len(void)
{
	struct sockaddr_un a;
	char path[120];
	int fd;

	memset(path, 'p', sizeof path);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	mkaddr(&a, "sockA");
	SYS(bind(fd, (struct sockaddr *)&a, sizeof a));
	show_name("full-size address", fd, 0);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	mkaddr(&a, "sockB");
	SYS(bind(fd, (struct sockaddr *)&a, 2 + 3));
	show_name("cut after 3 bytes", fd, 0);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	SYS(bind(fd, (struct sockaddr *)&a, 1));
	SYS(bind(fd, (struct sockaddr *)&a, 0));
	SYS(bind(fd, (struct sockaddr *)&a, -1));
	SYS(bind(fd, (struct sockaddr *)&a, 111));
	SYS(bind(fd, (struct sockaddr *)&a, 128));
	SYS(bind(fd, (struct sockaddr *)&a, 129));
	SYS(bind(fd, (struct sockaddr *)&a, 1 << 20));
	SYS(bind(fd, NULL, 0));
	SYS(bind(fd, NULL, 12));
	SYS(bind(fd, BADPTR_KERNEL, 12));
	a.sun_family = AF_INET;
	SYS(bind(fd, (struct sockaddr *)&a, 12));
	a.sun_family = AF_UNSPEC;
	SYS(bind(fd, (struct sockaddr *)&a, 12));
	SYS(bind(fd, (struct sockaddr *)&a, 2));
	/* A path of 108 bytes, no room for its NUL. */
	a.sun_family = AF_UNIX;
	memcpy(a.sun_path, path, 108);
	SYS(bind(fd, (struct sockaddr *)&a, sizeof a));
	show_name("108-byte path", fd, 0);
	struct sockaddr_un big[2];
	socklen_t len = sizeof big;
	memset(big, 0, sizeof big);
	SYS(getsockname(fd, (struct sockaddr *)big, &len));
	say("len %d, byte 110 is %d", (int)len, ((char *)big)[110]);
	/* sun_path has no NUL: unlink the name from a string that has. */
	path[108] = '\0';
	SYS(unlink(path) == 0 || errno == ENAMETOOLONG);
	int c = socket(AF_UNIX, SOCK_DGRAM, 0);
	SYS(connect(c, (struct sockaddr *)&a, sizeof a));
	SYS(sendto(c, "x", 1, 0, (struct sockaddr *)&a, sizeof a));
	char buf[4];
	SYS(recv(fd, buf, 4, MSG_DONTWAIT));
}

static void t_names_out(void)
{
	struct sockaddr_un a;
	socklen_t len;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	bind_to(fd, "namedsock");
	len = 5;
	memset(&a, 0, sizeof a);
	SYS(getsockname(fd, (struct sockaddr *)&a, &len));
	show_addr("truncated to 5", &a, 5);
	say("len reported %d", (int)len);
	len = 0;
	SYS(getsockname(fd, (struct sockaddr *)&a, &len));
	say("len %d", (int)len);
	len = -1;
	SYS(getsockname(fd, (struct sockaddr *)&a, &len));
	say("len %d", (int)len);
	len = sizeof a;
	SYS(getsockname(fd, BADPTR_KERNEL, &len));
	SYS(getsockname(fd, (struct sockaddr *)&a, BADPTR_KERNEL));
	SYS(getsockname(fd, (struct sockaddr *)&a, NULL));
	len = 0;
	SYS(getsockname(fd, NULL, &len));
	say("len %d", (int)len);
	SYS(getpeername(fd, (struct sockaddr *)&a, &len));
	SYS(getsockname(99, (struct sockaddr *)&a, &len));
	SYS(getsockname(0 == 1, (struct sockaddr *)&a, &len));
	SYS(getpeername(open(".", O_RDONLY), (struct sockaddr *)&a, &len));
}

static void t_abstract(void)
{
	struct sockaddr_un a;
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	int s2 = socket(AF_UNIX, SOCK_STREAM, 0);
	int d = socket(AF_UNIX, SOCK_DGRAM, 0);
	int c = socket(AF_UNIX, SOCK_STREAM, 0);

	SYS(bind_to(s, "@umk-test-abstract"));
	show_name("getsockname", s, 0);
	SYS(bind_to(s2, "@umk-test-abstract"));
	SYS(bind_to(d, "@umk-test-abstract"));
	SYS(connect_to(c, "@umk-test-abstract"));
	SYS(listen(s, 1));
	SYS(connect_to(c, "@umk-test-abstract"));
	show_name("peer", c, 1);
	SYS(connect_to(socket(AF_UNIX, SOCK_STREAM, 0), "@umk-test-abstrac"));
	SYS(connect_to(socket(AF_UNIX, SOCK_SEQPACKET, 0), "@umk-test-abstract"));
	/* Names are bytes: embedded NULs count. */
	memset(&a, 0, sizeof a);
	a.sun_family = AF_UNIX;
	memcpy(a.sun_path, "\0a\0b", 4);
	SYS(bind(s2, (struct sockaddr *)&a, 2 + 4));
	show_name("with NULs", s2, 0);
	int s3 = socket(AF_UNIX, SOCK_STREAM, 0);
	SYS(bind(s3, (struct sockaddr *)&a, 2 + 3));
	show_name("a prefix is another name", s3, 0);
	/* Just the NUL. */
	int s4 = socket(AF_UNIX, SOCK_STREAM, 0);
	SYS(bind(s4, (struct sockaddr *)&a, 3));
	show_name("empty abstract name", s4, 0);
	SYS(close(s));
	SYS(connect_to(socket(AF_UNIX, SOCK_STREAM, 0), "@umk-test-abstract"));
	int s5 = socket(AF_UNIX, SOCK_STREAM, 0);
	SYS(bind_to(s5, "@umk-test-abstract"));
}

static void t_autobind(void)
{
	struct sockaddr_un a;
	socklen_t len = sizeof a;
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	a.sun_family = AF_UNIX;
	SYS(bind(fd, (struct sockaddr *)&a, 2));
	SYS(getsockname(fd, (struct sockaddr *)&a, &len));
	say("len %d, first byte %d, then %zu hex digits", (int)len, a.sun_path[0],
	    strspn(a.sun_path + 1, "0123456789abcdef"));
	SYS(bind(fd, (struct sockaddr *)&a, 2));
	SYS(bind_to(fd, "@another"));
	/* SO_PASSCRED binds at connect and send. */
	int r = socket(AF_UNIX, SOCK_DGRAM, 0), one = 1;
	bind_to(r, "@umk-test-autobind");
	int s = socket(AF_UNIX, SOCK_DGRAM, 0);
	SYS(setsockopt(s, SOL_SOCKET, SO_PASSCRED, &one, sizeof one));
	show_name("before", s, 0);
	SYS(connect_to(s, "@umk-test-autobind"));
	len = sizeof a;
	getsockname(s, (struct sockaddr *)&a, &len);
	say("after connect: len %d", (int)len);
	int s2 = socket(AF_UNIX, SOCK_DGRAM, 0);
	setsockopt(s2, SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
	struct sockaddr_un to;
	socklen_t tl = mkaddr(&to, "@umk-test-autobind");
	SYS(sendto(s2, "x", 1, 0, (struct sockaddr *)&to, tl));
	len = sizeof a;
	getsockname(s2, (struct sockaddr *)&a, &len);
	say("after sendto: len %d", (int)len);
	struct sockaddr_un from;
	socklen_t fl = sizeof from;
	char c;
	SYS(recvfrom(r, &c, 1, 0, (struct sockaddr *)&from, &fl));
	say("sender's name: len %d, same as its getsockname %d", (int)fl,
	    fl == len && !memcmp(&from, &a, len));
	/* Without SO_PASSCRED nothing is bound. */
	int s3 = socket(AF_UNIX, SOCK_DGRAM, 0);
	SYS(sendto(s3, "x", 1, 0, (struct sockaddr *)&to, tl));
	show_name("plain sender", s3, 0);
	fl = sizeof from;
	SYS(recvfrom(r, &c, 1, 0, (struct sockaddr *)&from, &fl));
	say("from len %d", (int)fl);
}

/* ---- connections ---- */

static void t_listen_accept(void)
{
	int s = socket(AF_UNIX, SOCK_STREAM, 0), c, a;
	struct sockaddr_un addr;
	socklen_t len;

	SYS(listen(s, 5));
	SYS(accept(s, NULL, NULL));
	SYS(bind_to(s, "srv"));
	SYS(accept(s, NULL, NULL));
	show_poll("bound", s);
	SYS(listen(s, 5));
	show_poll("listening", s);
	say("SO_ACCEPTCONN %d", sockopt(s, SO_ACCEPTCONN));
	SYS(fcntl(s, F_SETFL, O_NONBLOCK));
	SYS(accept(s, NULL, NULL));
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	SYS(connect_to(c, "srv"));
	show_poll("with a connection", s);
	show_poll("client", c);
	show_name("client peer", c, 1);
	show_name("client name", c, 0);
	SYS(write(c, "early", 5));
	len = sizeof addr;
	a = SYS(accept4(s, (struct sockaddr *)&addr, &len, SOCK_CLOEXEC));
	show_addr("accepted from", &addr, len);
	say("accepted: F_GETFL %o F_GETFD %d", fcntl(a, F_GETFL), fcntl(a, F_GETFD));
	show_read("data sent before accept", a, 10);
	show_name("accepted name", a, 0);
	show_name("accepted peer", a, 1);
	SYS(listen(s, 10));
	SYS(listen(c, 5));
	SYS(connect_to(c, "srv"));
	SYS(connect_to(s, "srv"));
	SYS(accept(c, NULL, NULL));
	SYS(accept4(s, NULL, NULL, 1));
	SYS(accept4(s, NULL, NULL, O_RDWR));
	SYS(accept4(s, NULL, NULL, SOCK_NONBLOCK));
	int d = socket(AF_UNIX, SOCK_DGRAM, 0);
	bind_to(d, "dgsrv");
	SYS(listen(d, 5));
	SYS(accept(d, NULL, NULL));
	SYS(connect_to(socket(AF_UNIX, SOCK_STREAM, 0), "dgsrv"));
	SYS(connect_to(socket(AF_UNIX, SOCK_DGRAM, 0), "srv"));
	/* A bound client's name shows up at accept. */
	int c2 = socket(AF_UNIX, SOCK_STREAM, 0);
	bind_to(c2, "client2");
	SYS(connect_to(c2, "srv"));
	len = sizeof addr;
	SYS(accept(s, (struct sockaddr *)&addr, &len) >= 0);
	show_addr("accepted from", &addr, len);
	int c3 = socket(AF_UNIX, SOCK_STREAM, 0);
	SYS(connect_to(c3, "srv"));
	len = 1;
	SYS(accept(s, (struct sockaddr *)&addr, &len) >= 0);
	say("len %d", (int)len);
	SYS(connect_to(socket(AF_UNIX, SOCK_STREAM, 0), "srv"));
	len = sizeof addr;
	SYS(accept(s, (struct sockaddr *)&addr, BADPTR_KERNEL));
	SYS(accept(s, NULL, NULL));
}

static void t_backlog(void)
{
	int s = socket(AF_UNIX, SOCK_STREAM, 0), c[4];

	bind_to(s, "bl");
	SYS(listen(s, 0));
	for (int i = 0; i < 4; i++) {
		c[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
		SYS(connect_to(c[i], "bl"));
	}
	SYS(accept(s, NULL, NULL) >= 0);
	SYS(connect_to(c[2], "bl"));
	SYS(listen(s, 2));
	SYS(connect_to(c[3], "bl"));
	SYS(connect_to(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0), "bl"));
	SYS(connect_to(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0), "bl"));
	/* A blocking connect waits for room. */
	pid_t pid = fork();
	if (pid == 0) {
		msleep(50);
		accept(s, NULL, NULL);
		_exit(0);
	}
	SYS(connect_to(socket(AF_UNIX, SOCK_STREAM, 0), "bl"));
	waitpid(pid, NULL, 0);
	/* ... or times out. */
	int t = socket(AF_UNIX, SOCK_STREAM, 0);
	struct timeval tv = { 0, 40000 };
	SYS(setsockopt(t, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv));
	SYS(connect_to(t, "bl"));
}

static void t_refused(void)
{
	struct stat st;
	int c = socket(AF_UNIX, SOCK_STREAM, 0);

	SYS(connect_to(c, "nothing-here"));
	SYS(connect_to(c, "nodir/nothing"));
	make_file("plain", "x");
	SYS(connect_to(c, "plain"));
	SYS(connect_to(c, "."));
	SYS(mknod("node", S_IFSOCK | 0666, 0));
	SYS(stat("node", &st));
	TRUE(S_ISSOCK(st.st_mode));
	SYS(connect_to(c, "node"));
	SYS(connect_to(c, "plain/x"));
	SYS(symlink("node", "link-to-node"));
	SYS(connect_to(c, "link-to-node"));
	/* A bound, not listening socket. */
	int b = socket(AF_UNIX, SOCK_STREAM, 0);
	bind_to(b, "bound-only");
	SYS(connect_to(c, "bound-only"));
	/* Closed: its node stays and refuses. */
	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	bind_to(l, "closed");
	listen(l, 1);
	close(l);
	SYS(connect_to(c, "closed"));
	/* Listening but shut down. */
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	bind_to(l, "shut");
	listen(l, 1);
	SYS(shutdown(l, SHUT_RD));
	SYS(connect_to(c, "shut"));
	SYS(accept(l, NULL, NULL));
	/* The node's permission bits count. */
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	bind_to(l, "perm");
	listen(l, 1);
	SYS(chmod("perm", 0));
	pid_t pid = fork();
	if (pid == 0) {
		setgid(65534);
		setuid(65534);
		int r = connect_to(socket(AF_UNIX, SOCK_STREAM, 0), "perm");
		_exit(r < 0 ? errno : 0);
	}
	int stt;
	waitpid(pid, &stt, 0);
	say("nobody: %s", errname(WEXITSTATUS(stt)));
	/* Through a symlink and an absolute-looking path in cwd. */
	SYS(symlink("perm", "link-to-perm"));
	SYS(chmod("perm", 0777));
	SYS(connect_to(socket(AF_UNIX, SOCK_STREAM, 0), "link-to-perm"));
	char cwdpath[4096];
	if (getcwd(cwdpath, sizeof cwdpath) && strlen(cwdpath) < 90) {
		strcat(cwdpath, "/perm");
		SYS(connect_to(socket(AF_UNIX, SOCK_STREAM, 0), cwdpath));
	} else {
		say("connect_to(socket(AF_UNIX, SOCK_STREAM, 0), cwdpath) = 0");
	}
}

static void t_close_listener(void)
{
	int s = socket(AF_UNIX, SOCK_STREAM, 0), c, c2;

	bind_to(s, "cl");
	listen(s, 5);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	c2 = socket(AF_UNIX, SOCK_STREAM, 0);
	SYS(connect_to(c, "cl"));
	SYS(connect_to(c2, "cl"));
	SYS(write(c2, "lost", 4));
	SYS(close(s));
	show_poll("client", c);
	show_read("read", c, 10);
	show_read("read", c2, 10);
	show_poll("client", c2);
	catch(SIGPIPE, 0);
	SYS(write(c, "x", 1));
	say("signal %s", signame(got_sig));
}

/* ---- datagram addressing ---- */

static void t_dgram_addr(void)
{
	struct sockaddr_un a, to;
	socklen_t len, tl;
	char buf[16];
	int r = socket(AF_UNIX, SOCK_DGRAM, 0), s = socket(AF_UNIX, SOCK_DGRAM, 0);
	int third = socket(AF_UNIX, SOCK_DGRAM, 0);

	bind_to(r, "recv");
	tl = mkaddr(&to, "recv");
	SYS(send(s, "x", 1, 0));
	SYS(sendto(s, "anon", 4, 0, (struct sockaddr *)&to, tl));
	len = sizeof a;
	SYS(recvfrom(r, buf, sizeof buf, 0, (struct sockaddr *)&a, &len));
	say("unbound sender: len %d", (int)len);
	bind_to(s, "sender");
	SYS(sendto(s, "named", 5, 0, (struct sockaddr *)&to, tl));
	len = sizeof a;
	SYS(recvfrom(r, buf, sizeof buf, 0, (struct sockaddr *)&a, &len));
	show_addr("from", &a, len);
	/* Connected: send goes there; others may not send to us... */
	SYS(connect_to(r, "sender"));
	show_name("peer", r, 1);
	bind_to(third, "third");
	SYS(sendto(third, "x", 1, 0, (struct sockaddr *)&to, tl));
	SYS(send(s, "ok", 2, 0));
	SYS(connect_to(s, "recv"));
	SYS(send(s, "ok", 2, 0));
	SYS(recv(r, buf, sizeof buf, 0));
	/* ... and may still send elsewhere. */
	struct sockaddr_un th;
	socklen_t thl = mkaddr(&th, "third");
	SYS(sendto(r, "y", 1, 0, (struct sockaddr *)&th, thl));
	SYS(recv(third, buf, sizeof buf, 0));
	/* Disconnect with AF_UNSPEC. */
	struct sockaddr unspec = { AF_UNSPEC };
	SYS(connect(r, &unspec, sizeof unspec));
	SYS(getpeername(r, (struct sockaddr *)&a, &len));
	SYS(sendto(third, "z", 1, 0, (struct sockaddr *)&to, tl));
	SYS(connect(r, &unspec, 1));
	SYS(connect(r, &unspec, 0));
	SYS(sendto(s, "a", 1, 0, NULL, 0));
	SYS(sendto(s, "a", 1, 0, (struct sockaddr *)&to, 0));
	SYS(sendto(s, "a", 1, 0, (struct sockaddr *)&to, 1));
	SYS(sendto(s, "a", 1, 0, (struct sockaddr *)&to, 200));
	SYS(sendto(s, "a", 1, 0, BADPTR_KERNEL, 12));
	struct sockaddr_un st = { AF_UNIX, "srvstream" };
	int ss = socket(AF_UNIX, SOCK_STREAM, 0);
	bind(ss, (struct sockaddr *)&st, sizeof st);
	SYS(sendto(s, "a", 1, 0, (struct sockaddr *)&st, sizeof st));
	struct sockaddr_un nx = { AF_UNIX, "nonexistent" };
	SYS(sendto(s, "a", 1, 0, (struct sockaddr *)&nx, sizeof nx));
	SYS(sendto(socket(AF_UNIX, SOCK_DGRAM, 0), "a", 1, 0, NULL, 0));
}

static void t_dgram_queue(void)
{
	int r = socket(AF_UNIX, SOCK_DGRAM, 0), s = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct sockaddr_un to;
	socklen_t tl = mkaddr(&to, "@umk-test-queue");
	int n = 0;
	char c;

	bind_to(r, "@umk-test-queue");
	while (sendto(s, "x", 1, MSG_DONTWAIT, (struct sockaddr *)&to, tl) == 1 &&
	       n < 1000)
		n++;
	say("queued %d, then %s", n, errname(errno));
	/* Connected to it: poll says when there is room again. */
	SYS(connect_to(s, "@umk-test-queue"));
	show_poll("sender", s);
	SYS(send(s, "x", 1, MSG_DONTWAIT));
	SYS(recv(r, &c, 1, 0));
	show_poll("sender after a read", s);
	SYS(send(s, "x", 1, MSG_DONTWAIT));
	SYS(send(s, "x", 1, MSG_DONTWAIT));
	/* A blocking sender waits for room. */
	pid_t pid = fork();
	if (pid == 0) {
		msleep(40);
		recv(r, &c, 1, 0);
		_exit(0);
	}
	SYS(send(s, "x", 1, 0));
	waitpid(pid, NULL, 0);
	/* A receiver connected back to the sender takes any number. */
	int a = socket(AF_UNIX, SOCK_DGRAM, 0), b = socket(AF_UNIX, SOCK_DGRAM, 0);
	bind_to(a, "@umk-test-qa");
	bind_to(b, "@umk-test-qb");
	connect_to(a, "@umk-test-qb");
	connect_to(b, "@umk-test-qa");
	for (n = 0; n < 50 && send(a, "x", 1, MSG_DONTWAIT) == 1; n++)
		;
	say("mutual: %d", n);
	/* The peer dies: its queue is gone, and we are disconnected. */
	close(r);
	SYS(send(s, "x", 1, 0));
	SYS(send(s, "x", 1, 0));
	show_poll("after", s);
}

static void t_dgram_reconnect(void)
{
	int a = socket(AF_UNIX, SOCK_DGRAM, 0), b = socket(AF_UNIX, SOCK_DGRAM, 0);
	int c = socket(AF_UNIX, SOCK_DGRAM, 0);
	char buf[8];

	bind_to(a, "@umk-rc-a");
	bind_to(b, "@umk-rc-b");
	bind_to(c, "@umk-rc-c");
	connect_to(a, "@umk-rc-b");
	connect_to(b, "@umk-rc-a");
	SYS(send(b, "1", 1, 0));
	SYS(send(b, "2", 1, 0));
	/* a switches to c: what b sent it is dropped and b hears of it. */
	SYS(connect_to(a, "@umk-rc-c"));
	SYS(recv(a, buf, 8, MSG_DONTWAIT));
	say("b: SO_ERROR %s", errname(sockopt(b, SO_ERROR)));
	say("b: SO_ERROR %s", errname(sockopt(b, SO_ERROR)));
	SYS(send(b, "3", 1, 0));
	show_name("a's peer", a, 1);
}

/* ---- options ---- */

static void t_options(void)
{
	int s = socket(AF_UNIX, SOCK_STREAM, 0), v, sv[2];
	socklen_t len;
	struct ucred cr;
	struct timeval tv;

	say("SO_ERROR %d SO_PASSCRED %d SO_REUSEADDR %d SO_ACCEPTCONN %d",
	    sockopt(s, SO_ERROR), sockopt(s, SO_PASSCRED),
	    sockopt(s, SO_REUSEADDR), sockopt(s, SO_ACCEPTCONN));
	say("SO_KEEPALIVE %d SO_RCVLOWAT %d SO_SNDLOWAT %d SO_PRIORITY %d",
	    sockopt(s, SO_KEEPALIVE), sockopt(s, SO_RCVLOWAT),
	    sockopt(s, SO_SNDLOWAT), sockopt(s, SO_PRIORITY));
	TRUE(sockopt(s, SO_SNDBUF) > 0 && sockopt(s, SO_RCVBUF) > 0);
	v = 65536;
	SYS(setsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, sizeof v));
	SYS(setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof v));
	say("SO_SNDBUF %d SO_RCVBUF %d", sockopt(s, SO_SNDBUF), sockopt(s, SO_RCVBUF));
	v = 1;
	SYS(setsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, sizeof v));
	SYS(setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof v));
	say("minimum SO_SNDBUF %d SO_RCVBUF %d", sockopt(s, SO_SNDBUF),
	    sockopt(s, SO_RCVBUF));
	v = 5;
	SYS(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, sizeof v));
	SYS(setsockopt(s, SOL_SOCKET, SO_PASSCRED, &v, sizeof v));
	SYS(setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof v));
	say("SO_REUSEADDR %d SO_PASSCRED %d SO_KEEPALIVE %d",
	    sockopt(s, SO_REUSEADDR), sockopt(s, SO_PASSCRED),
	    sockopt(s, SO_KEEPALIVE));
	SYS(setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &v, sizeof v));
	v = 0;
	SYS(setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &v, sizeof v));
	v = 3;
	SYS(setsockopt(s, SOL_SOCKET, SO_PRIORITY, &v, sizeof v));
	say("SO_PRIORITY %d", sockopt(s, SO_PRIORITY));
	v = 100;
	SYS(setsockopt(s, SOL_SOCKET, SO_RCVLOWAT, &v, sizeof v));
	say("SO_RCVLOWAT %d", sockopt(s, SO_RCVLOWAT));
	v = 0;
	SYS(setsockopt(s, SOL_SOCKET, SO_RCVLOWAT, &v, sizeof v));
	say("SO_RCVLOWAT %d", sockopt(s, SO_RCVLOWAT));
	v = -5;
	SYS(setsockopt(s, SOL_SOCKET, SO_RCVLOWAT, &v, sizeof v));
	say("SO_RCVLOWAT %d", sockopt(s, SO_RCVLOWAT));
	/* Read-only and unknown options, short and bad buffers. */
	SYS(setsockopt(s, SOL_SOCKET, SO_TYPE, &v, sizeof v));
	SYS(setsockopt(s, SOL_SOCKET, SO_ERROR, &v, sizeof v));
	SYS(setsockopt(s, SOL_SOCKET, SO_PEERCRED, &v, sizeof v));
	SYS(setsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, &v, sizeof v));
	SYS(setsockopt(s, SOL_SOCKET, SO_SNDLOWAT, &v, sizeof v));
	SYS(setsockopt(s, SOL_SOCKET, 9999, &v, sizeof v));
	SYS(setsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, 3));
	SYS(setsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, -1));
	SYS(setsockopt(s, SOL_SOCKET, SO_SNDBUF, BADPTR_KERNEL, 4));
	SYS(setsockopt(s, SOL_SOCKET, SO_SNDBUF, NULL, 4));
	SYS(setsockopt(s, 6, 1, &v, sizeof v));
	SYS(setsockopt(s, 0, 1, &v, sizeof v));
	SYS(setsockopt(s, -1, 1, &v, sizeof v));
	len = sizeof v; /* (was left unset: the result hung on stack garbage) */
	SYS(getsockopt(s, 6, 1, &v, &len));
	SYS(getsockopt(s, SOL_SOCKET, 9999, &v, &len));
	len = 2;
	v = 0;
	SYS(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len));
	say("len %d value %d", (int)len, v);
	len = 100;
	SYS(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len));
	say("len %d", (int)len);
	len = -1;
	SYS(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len));
	len = 4;
	SYS(getsockopt(s, SOL_SOCKET, SO_TYPE, BADPTR_KERNEL, &len));
	SYS(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, BADPTR_KERNEL));
	SYS(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, NULL));
	len = 0;
	SYS(getsockopt(s, SOL_SOCKET, SO_TYPE, NULL, &len));
	/* SO_PEERCRED */
	len = sizeof cr;
	SYS(getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cr, &len));
	say("unconnected: len %d pid %d uid %d gid %d", (int)len, cr.pid,
	    (int)cr.uid, (int)cr.gid);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	len = sizeof cr;
	SYS(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cr, &len));
	say("pair: len %d pid-is-me %d uid-is-me %d gid-is-me %d", (int)len,
	    cr.pid == getpid(), cr.uid == geteuid(), cr.gid == getegid());
	len = 4;
	SYS(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cr, &len));
	say("len %d", (int)len);
	int l = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	bind_to(l, "@umk-test-pc");
	listen(l, 1);
	len = sizeof cr;
	SYS(getsockopt(l, SOL_SOCKET, SO_PEERCRED, &cr, &len));
	say("listener: pid-is-me %d", cr.pid == getpid());
	int dg[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, dg);
	len = sizeof cr;
	SYS(getsockopt(dg[0], SOL_SOCKET, SO_PEERCRED, &cr, &len));
	say("dgram pair: pid-is-me %d", cr.pid == getpid());
	/* Timeouts: kept in jiffies, shown back. */
	len = sizeof tv;
	SYS(getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, &len));
	say("len %d %ld %ld", (int)len, (long)tv.tv_sec, (long)tv.tv_usec);
	tv = (struct timeval){ 1, 500000 };
	SYS(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
	tv = (struct timeval){ 0, 0 };
	SYS(getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, &len));
	say("%ld %ld", (long)tv.tv_sec, (long)tv.tv_usec);
	tv = (struct timeval){ 2, 0 };
	SYS(setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv));
	SYS(getsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, &len));
	say("%ld %ld", (long)tv.tv_sec, (long)tv.tv_usec);
	tv = (struct timeval){ 0, 1000000 };
	SYS(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
	tv = (struct timeval){ 0, -1 };
	SYS(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
	SYS(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, 8));
	SYS(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, BADPTR_KERNEL, sizeof tv));
	struct linger lg = { 1, 5 };
	SYS(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
	SYS(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, 4));
	len = sizeof lg;
	lg = (struct linger){ 0, 0 };
	SYS(getsockopt(s, SOL_SOCKET, SO_LINGER, &lg, &len));
	say("linger %d %d", lg.l_onoff, lg.l_linger);
	/* Not a socket. */
	SYS(setsockopt(0 == 1 ? 0 : open(".", O_RDONLY), SOL_SOCKET, SO_SNDBUF, &v, 4));
	SYS(getsockopt(99, SOL_SOCKET, SO_SNDBUF, &v, &len));
}

static void t_timeouts(void)
{
	int sv[2];
	struct timeval tv = { 0, 40000 };
	char c;

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	SYS(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
	SYS(read(sv[0], &c, 1));
	/* A negative time makes the socket non-blocking. */
	tv = (struct timeval){ -1, 0 };
	SYS(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
	socklen_t len = sizeof tv;
	SYS(getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, &len));
	say("%ld %ld", (long)tv.tv_sec, (long)tv.tv_usec);
	SYS(read(sv[0], &c, 1));
	/* A signal: EINTR with a timeout set, even with SA_RESTART... */
	catch(SIGALRM, SA_RESTART);
	tv = (struct timeval){ 5, 0 };
	SYS(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
	ualarm(20000, 0);
	SYS(read(sv[0], &c, 1));
	/* ... restarted without one. */
	tv = (struct timeval){ 0, 0 };
	SYS(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
	pid_t pid = fork();
	if (pid == 0) {
		msleep(60);
		write(sv[1], "z", 1);
		_exit(0);
	}
	ualarm(20000, 0);
	SYS(read(sv[0], &c, 1));
	say("got %c after %s", c, signame(got_sig));
	waitpid(pid, NULL, 0);
	catch(SIGALRM, 0);
	ualarm(20000, 0);
	SYS(read(sv[0], &c, 1));
	/* Accept and datagram receives too. */
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	bind_to(s, "@umk-test-to");
	listen(s, 1);
	tv = (struct timeval){ 0, 30000 };
	SYS(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
	SYS(accept(s, NULL, NULL));
	ualarm(20000, 0);
	tv = (struct timeval){ 0, 0 };
	SYS(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
	SYS(accept(s, NULL, NULL));
	int d[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, d);
	tv = (struct timeval){ 0, 30000 };
	SYS(setsockopt(d[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
	SYS(recv(d[0], &c, 1, 0));
}

/* ---- processes ---- */

static void t_fork_pair(void)
{
	int sv[2], st;
	char buf[64];
	pid_t pid;

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		for (int i = 0; i < 100; i++) {
			char b[16];
			int n = (int)read(sv[1], b, sizeof b);

			if (n <= 0)
				_exit(1);
			b[0]++;
			write(sv[1], b, n);
		}
		_exit(0);
	}
	close(sv[1]);
	buf[0] = 'a';
	for (int i = 0; i < 100; i++) {
		write(sv[0], buf, 4);
		read(sv[0], buf, sizeof buf);
		buf[0] = (char)(buf[0] - 1 + (i % 2));
	}
	waitpid(pid, &st, 0);
	say("child %d, last %c", WEXITSTATUS(st), buf[0]);
	show_read("after the child exited", sv[0], 10);
}

static void t_bulk(void)
{
	int sv[2], st;
	unsigned long sum = 0, want = 0;
	long total = 0;
	pid_t pid;
	static char buf[100000];

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		for (int i = 0; i < 2000000; i += 25000) {
			char b[25000];

			for (int j = 0; j < 25000; j++)
				b[j] = (char)(i + j);
			if (write(sv[1], b, sizeof b) != sizeof b)
				_exit(1);
		}
		_exit(0);
	}
	close(sv[1]);
	for (long n; (n = read(sv[0], buf, sizeof buf)) > 0; total += n)
		for (long j = 0; j < n; j++)
			sum = sum * 31 + (unsigned char)buf[j];
	for (int i = 0; i < 2000000; i++)
		want = want * 31 + (unsigned char)(char)(i % 25000 + i / 25000 * 25000);
	waitpid(pid, &st, 0);
	say("read %ld, checksum ok %d, child %d", total, sum == want,
	    WEXITSTATUS(st));
	/* MSG_WAITALL waits for the whole buffer. */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 5; i++) {
			msleep(10);
			write(sv[1], "ab", 2);
		}
		_exit(0);
	}
	SYS(recv(sv[0], buf, 10, MSG_WAITALL));
	waitpid(pid, NULL, 0);
	SYS(write(sv[1], "xy", 2));
	close(sv[1]);
	SYS(recv(sv[0], buf, 10, MSG_WAITALL));
}

static void t_fill(void)
{
	int sv[2];
	long total = 0, n;
	static char buf[65536];

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	while ((n = write(sv[0], buf, sizeof buf)) > 0)
		total += n;
	say("full: %s, wrote something %d", errname(errno), total > 0);
	show_poll("full writer", sv[0]);
	show_poll("reader", sv[1]);
	int v;
	ioctl(sv[1], FIONREAD, &v);
	TRUE(v == total);
	/* Drain it: the writer becomes writable again. */
	while (total > 0 && (n = read(sv[1], buf, sizeof buf)) > 0)
		total -= n;
	show_poll("drained writer", sv[0]);
	SYS(send(sv[0], buf, 10, MSG_DONTWAIT));
}

static void t_hostile(void)
{
	int sv[2], dir = open(".", O_RDONLY);
	char buf[16];

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	SYS(bind(99, NULL, 0));
	SYS(bind(dir, NULL, 0));
	SYS(listen(99, 1));
	SYS(listen(dir, 1));
	SYS(accept(99, NULL, NULL));
	SYS(accept(dir, NULL, NULL));
	SYS(accept4(dir, NULL, NULL, -1));
	SYS(connect(99, NULL, 0));
	SYS(connect(dir, NULL, 0));
	SYS(connect(dir, BADPTR_KERNEL, 12));
	SYS(connect(dir, NULL, 200));
	SYS(shutdown(99, 0));
	SYS(shutdown(dir, 0));
	SYS(send(99, buf, 1, 0));
	SYS(send(dir, buf, 1, 0));
	SYS(send(dir, BADPTR_KERNEL, 1, 0));
	SYS(send(99, BADPTR_KERNEL, 1, 0));
	SYS(recv(99, buf, 1, 0));
	SYS(recv(dir, buf, 1, 0));
	SYS(recv(99, BADPTR_KERNEL, 1, 0));
	SYS(sendto(dir, buf, 1, 0, NULL, 0));
	SYS(recvfrom(dir, buf, 1, 0, NULL, NULL));
	SYS(send(sv[0], BADPTR_KERNEL, 1, 0));
	SYS(send(sv[0], BADPTR_NULL, 1, 0));
	SYS(send(sv[0], BADPTR_NULL, 0, 0));
	SYS(write(sv[0], BADPTR_ONE, 10));
	SYS(write(sv[0], "ok", 2));
	SYS(recv(sv[1], BADPTR_KERNEL, 10, 0));
	SYS(recv(sv[1], BADPTR_ONE, 10, 0));
	SYS(read(sv[1], buf, 10));
	SYS(send(sv[0], "y", 1, MSG_MORE | MSG_EOR | MSG_CONFIRM | MSG_DONTROUTE));
	SYS(recv(sv[1], buf, 1, MSG_ERRQUEUE | MSG_DONTWAIT));
	SYS(recv(sv[1], buf, 1, MSG_DONTWAIT | MSG_WAITFORONE));
	/* Sending an address on a stream socket. */
	struct sockaddr_un a = { AF_UNIX, "x" };
	SYS(sendto(sv[0], "z", 1, 0, (struct sockaddr *)&a, sizeof a));
	int u = socket(AF_UNIX, SOCK_STREAM, 0);
	SYS(sendto(u, "z", 1, 0, (struct sockaddr *)&a, sizeof a));
	SYS(send(u, "z", 1, 0));
	SYS(recv(u, buf, 1, 0));
	SYS(recv(u, buf, 1, MSG_DONTWAIT));
	SYS(read(u, buf, 1));
	SYS(write(u, "z", 1));
	SYS(getpeername(u, (struct sockaddr *)&a, &(socklen_t){ sizeof a }));
}

static const struct tcase cases[] = {
	{ t_create, "create" },
	{ t_file, "file" },
	{ t_pair_errors, "pair_errors" },
	{ t_stream_pair, "stream_pair" },
	{ t_stream_shutdown, "stream_shutdown" },
	{ t_stream_close, "stream_close" },
	{ t_dgram_pair, "dgram_pair" },
	{ t_seqpacket_pair, "seqpacket_pair" },
	{ t_bind_path, "bind_path" },
	{ t_addr_len, "addr_len" },
	{ t_names_out, "names_out" },
	{ t_abstract, "abstract" },
	{ t_autobind, "autobind" },
	{ t_listen_accept, "listen_accept" },
	{ t_backlog, "backlog" },
	{ t_refused, "refused" },
	{ t_close_listener, "close_listener" },
	{ t_dgram_addr, "dgram_addr" },
	{ t_dgram_queue, "dgram_queue" },
	{ t_dgram_reconnect, "dgram_reconnect" },
	{ t_options, "options" },
	{ t_timeouts, "timeouts" },
	{ t_fork_pair, "fork_pair" },
	{ t_bulk, "bulk" },
	{ t_fill, "fill" },
	{ t_hostile, "hostile" },
};

HARNESS_MAIN(cases)
