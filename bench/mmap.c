/*
 * mmap: map, touch and unmap anonymous memory.
 *
 *   mmap [PAGES [COUNT]]
 *
 * COUNT times (default 200) maps PAGES pages (default 64) of private
 * anonymous memory, writes one byte in each page and unmaps them, after
 * a few warm-up rounds; prints the median of 5 batches:
 *   mmap_touch_us <us per mmap + PAGES page touches + munmap>
 */
#include <string.h>
#include <sys/mman.h>

#include "common.h"

static int one(long pages)
{
	char *p = mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	for (long i = 0; i < pages; i++)
		p[i * 4096] = 1;
	return munmap(p, pages * 4096);
}

int main(int argc, char **argv)
{
	long pages = arg_long(argc, argv, 1, 64);
	long count = arg_long(argc, argv, 2, 200);
	double v[5];

	if (pages < 1 || pages > 65536 || count < 1) {
		fprintf(stderr, "usage: mmap [PAGES [COUNT]]\n");
		return 2;
	}
	for (int i = 0; i < 5; i++)
		if (one(pages) < 0)
			goto fail;
	for (int b = 0; b < 5; b++) {
		uint64_t t0 = now_ns();

		for (long i = 0; i < count; i++)
			if (one(pages) < 0)
				goto fail;
		v[b] = (double)(now_ns() - t0) / count / 1000.0;
	}
	printf("mmap_touch_us %.1f\n", median(v, 5));
	return 0;
fail:
	perror("mmap");
	return 1;
}
