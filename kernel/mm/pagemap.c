/*
 * Page maps: index -> frame, in chunks of 512 entries allocated on
 * demand.  A page map holds one reference on every frame in it.
 */
#include "kernel/kernel.h"
#include "kernel/mm/mm.h"

#define CHUNK 512

phys_t pagemap_get(struct pagemap *pm, u64 index)
{
	u64 c = index / CHUNK;

	if (c >= pm->nchunks || !pm->chunks[c])
		return 0;
	return pm->chunks[c][index % CHUNK];
}

int pagemap_set(struct pagemap *pm, u64 index, phys_t p)
{
	u64 c = index / CHUNK;
	phys_t *slot;

	if (c >= pm->nchunks) {
		u64 n = MAX(c + 1, pm->nchunks * 2);
		phys_t **chunks;

		if (n > (1ULL << 40) / CHUNK)
			return -EFBIG;
		chunks = kmalloc_try(n * sizeof(*chunks));
		if (!chunks)
			return -ENOMEM;
		memset(chunks, 0, n * sizeof(*chunks));
		if (pm->nchunks)
			memcpy(chunks, pm->chunks, pm->nchunks * sizeof(*chunks));
		kfree(pm->chunks);
		pm->chunks = chunks;
		pm->nchunks = n;
	}
	if (!pm->chunks[c])
		pm->chunks[c] = kzalloc(CHUNK * sizeof(phys_t));
	slot = &pm->chunks[c][index % CHUNK];
	if (*slot) {
		frame_put(*slot);
		pm->npages--;
	}
	*slot = p;
	if (p)
		pm->npages++;
	return 0;
}

void pagemap_truncate(struct pagemap *pm, u64 from)
{
	for (u64 c = from / CHUNK; c < pm->nchunks; c++) {
		phys_t *chunk = pm->chunks[c];
		u64 first;

		if (!chunk)
			continue;
		first = c == from / CHUNK ? from % CHUNK : 0;
		for (u64 i = first; i < CHUNK; i++) {
			if (chunk[i]) {
				frame_put(chunk[i]);
				chunk[i] = 0;
				pm->npages--;
			}
		}
		if (!first) {
			kfree(chunk);
			pm->chunks[c] = NULL;
		}
	}
}

void pagemap_free(struct pagemap *pm)
{
	pagemap_truncate(pm, 0);
	kfree(pm->chunks);
	pm->chunks = NULL;
	pm->nchunks = 0;
}
