/*
 * Kernel library: formatted printing, strings, random numbers, and the
 * errno names.  kernel/ has no C library of its own, so printf lives
 * here (enough of it for printk, /proc files and --strace).
 */
#include "kernel/kernel.h"
#include "host/host.h"

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_str(struct out *o, const char *s, int width, int prec,
		    bool left)
{
	int len = 0;

	if (!s)
		s = "(null)";
	while ((prec < 0 || len < prec) && s[len])
		len++;
	if (!left)
		for (int i = len; i < width; i++)
			put(o, ' ');
	for (int i = 0; i < len; i++)
		put(o, s[i]);
	if (left)
		for (int i = len; i < width; i++)
			put(o, ' ');
}

static void put_num(struct out *o, unsigned long long v, bool neg, int base,
		    bool upper, int width, bool zero, bool left, bool alt,
		    bool plus)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[32];
	int n = 0, prefix = 0, pad;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (alt && base == 8 && tmp[n - 1] != '0')
		tmp[n++] = '0';
	if (neg || plus)
		prefix++;
	if (alt && base == 16)
		prefix += 2;
	pad = width - n - prefix;
	if (!left && !zero)
		for (; pad > 0; pad--)
			put(o, ' ');
	if (neg)
		put(o, '-');
	else if (plus)
		put(o, '+');
	if (alt && base == 16) {
		put(o, '0');
		put(o, upper ? 'X' : 'x');
	}
	if (!left && zero)
		for (; pad > 0; pad--)
			put(o, '0');
	while (n)
		put(o, tmp[--n]);
	if (left)
		for (; pad > 0; pad--)
			put(o, ' ');
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		bool left = false, zero = false, alt = false, plus = false;
		int width = 0, prec = -1, lng = 0;
		unsigned long long u;
		long long s;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		for (fmt++;; fmt++) {
			if (*fmt == '-') left = true;
			else if (*fmt == '0') zero = true;
			else if (*fmt == '#') alt = true;
			else if (*fmt == '+') plus = true;
			else break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		if (*fmt == '.') {
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			}
			while (*fmt >= '0' && *fmt <= '9')
				prec = prec * 10 + (*fmt++ - '0');
		}
		for (;; fmt++) {
			if (*fmt == 'l' || *fmt == 'z' || *fmt == 'j' || *fmt == 't')
				lng++;
			else if (*fmt != 'h')
				break;
		}
		switch (*fmt) {
		case 'd': case 'i':
			s = lng ? va_arg(ap, long long) : va_arg(ap, int);
			put_num(&o, s < 0 ? -(unsigned long long)s : (unsigned long long)s,
				s < 0, 10, false, width, zero, left, false, plus);
			break;
		case 'u': case 'x': case 'X': case 'o':
			u = lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned);
			put_num(&o, u, false,
				*fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16, *fmt == 'X',
				width, zero, left, alt, false);
			break;
		case 'p':
			u = (unsigned long long)(uintptr_t)va_arg(ap, void *);
			put_num(&o, u, false, 16, false, width, zero, left, true, false);
			break;
		case 's':
			put_str(&o, va_arg(ap, const char *), width, prec, left);
			break;
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case '%':
			put(&o, '%');
			break;
		default:
			put(&o, '%');
			if (*fmt)
				put(&o, *fmt);
			else
				fmt--;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void printk(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	host_log_write(buf, MIN((size_t)n, sizeof(buf) - 1));
}

void panic(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	n = ksnprintf(buf, sizeof(buf), "umk: kernel panic: ");
	va_start(ap, fmt);
	n += kvsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	if (n < (int)sizeof(buf) - 1)
		buf[n++] = '\n';
	host_log_write(buf, MIN((size_t)n, sizeof(buf)));
	host_backtrace();
	host_exit(125);
}

void *kmalloc_try(size_t size)
{
	return host_mem_alloc(size);
}

void *kmalloc(size_t size)
{
	void *p = host_mem_alloc(size);

	if (!p)
		panic("out of memory allocating %zu bytes", size);
	return p;
}

void *kzalloc(size_t size)
{
	void *p = host_mem_zalloc(size);

	if (!p)
		panic("out of memory allocating %zu bytes", size);
	return p;
}

void *krealloc(void *p, size_t size)
{
	void *q = host_mem_realloc(p, size);

	if (!q)
		panic("out of memory reallocating %zu bytes", size);
	return q;
}

void kfree(void *p)
{
	host_mem_free(p);
}

char *kstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(kmalloc(n), s, n);
}

char *kstrndup(const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	char *p = kmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

size_t kstrlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size) {
		size_t c = n < size - 1 ? n : size - 1;

		memcpy(dst, src, c);
		dst[c] = 0;
	}
	return n;
}

int kstrtou64(const char *s, u64 *out)
{
	u64 v = 0;
	int base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return -EINVAL;
		if (v > (UINT64_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

/* ---- randomness ---- */

static u8 pool[512];
static size_t pool_left;

void get_random_bytes(void *buf, size_t len)
{
	u8 *p = buf;

	while (len) {
		size_t n;

		if (!pool_left) {
			if (host_getrandom(pool, sizeof(pool)) < 0)
				panic("no host randomness");
			pool_left = sizeof(pool);
		}
		n = MIN(len, pool_left);
		memcpy(p, pool + sizeof(pool) - pool_left, n);
		pool_left -= n;
		p += n;
		len -= n;
	}
}

u64 get_random_u64(void)
{
	u64 v;

	get_random_bytes(&v, sizeof(v));
	return v;
}

u64 rand_range(u64 n)
{
	return n ? get_random_u64() % n : 0;
}

/* ---- errno names ---- */

struct errno_desc {
	int num;
	const char *name, *text;
};

static const struct errno_desc errnos[] = {
#define ERRNO_DESC(n, v, t) { v, #n, t },
	ERRNO_LIST(ERRNO_DESC)
#undef ERRNO_DESC
};

static const struct errno_desc *errno_find(int err)
{
	for (size_t i = 0; i < ARRAY_SIZE(errnos); i++)
		if (errnos[i].num == -err)
			return &errnos[i];
	return NULL;
}

const char *strerror_k(int err)
{
	const struct errno_desc *d = errno_find(err);

	return d ? d->text : "Unknown error";
}

const char *errno_name(int err)
{
	const struct errno_desc *d = errno_find(err);

	return d ? d->name : NULL;
}
