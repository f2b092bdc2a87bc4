/*
 * The page cache: file pages in physical memory, so that read(), mmap
 * and exec all see the same frames on every engine.  Host-backed
 * files fill pages with their readpages operation; files that live in
 * memory (tmpfs) use the cache as their storage and read holes as
 * zeroes.
 */
#include "kernel/kernel.h"
#include "kernel/uaccess.h"
#include "kernel/fs/vfs.h"
#include "kernel/time.h"
#include "kernel/abi/time.h"
#include "host/host.h"

#define FILL_MAX 64

static u64 size_pages(const struct inode *inode)
{
	return (inode->size + PAGE_SIZE - 1) >> PAGE_SHIFT;
}

/* Make the host back the frames at once, run by contiguous run. */
static void populate_runs(const phys_t *frames, u64 n)
{
	u64 i = 0;

	while (i < n) {
		u64 j = i + 1;

		while (j < n && frames[j] == frames[j - 1] + PAGE_SIZE)
			j++;
		host_physmem_populate(frames[i], (j - i) * PAGE_SIZE);
		i = j;
	}
}

int pagecache_fill(struct inode *inode, u64 index, u64 n)
{
	u64 end = MIN(index + n, size_pages(inode));
	phys_t frames[FILL_MAX];

	if (index >= end)
		return index >= size_pages(inode) ? -ENXIO : 0;
	if (!inode->iop || !inode->iop->readpages)
		return 0; /* memory-backed: nothing to read */
	while (index < end) {
		u64 run = 0;
		int rc;

		while (index < end && pagemap_get(&inode->pages, index))
			index++;
		while (index + run < end && run < FILL_MAX &&
		       !pagemap_get(&inode->pages, index + run))
			run++;
		run = frames_alloc_run(frames, run, 0);
		if (!run)
			return index < end ? -ENOMEM : 0;
		populate_runs(frames, run);
		rc = inode->iop->readpages(inode, index, run, frames);
		for (u64 i = 0; i < run; i++) {
			if (rc < 0 || pagemap_set(&inode->pages, index + i,
						   frames[i]) < 0)
				frame_put(frames[i]);
		}
		if (rc < 0)
			return rc;
		index += run;
	}
	return 0;
}

phys_t pagecache_get(struct inode *inode, u64 index)
{
	phys_t p = pagemap_get(&inode->pages, index);
	int rc;

	if (!p) {
		if (index >= size_pages(inode))
			return (phys_t)-ENXIO;
		if (inode->iop && inode->iop->readpages) {
			rc = pagecache_fill(inode, index, 1);
			if (rc < 0)
				return (phys_t)(s64)rc;
			p = pagemap_get(&inode->pages, index);
			if (!p)
				return (phys_t)-EIO;
		} else {
			p = frame_alloc(FRAME_ZERO);
			if (PHYS_ERR(p))
				return (phys_t)-ENOMEM;
			if (pagemap_set(&inode->pages, index, p) < 0) {
				frame_put(p);
				return (phys_t)-ENOMEM;
			}
		}
	}
	frame_get(p);
	return p;
}

ssize_t pagecache_read(struct file *f, struct iov_iter *it, u64 *pos)
{
	struct inode *inode = f->f_inode;
	size_t done = 0;

	while (it->count && *pos < inode->size) {
		u64 index = *pos >> PAGE_SHIFT, off = *pos & ~PAGE_MASK;
		size_t chunk = MIN(PAGE_SIZE - off, inode->size - *pos);
		phys_t p = pagemap_get(&inode->pages, index);
		static const char zeroes[PAGE_SIZE];
		size_t n;

		chunk = MIN(chunk, it->count);
		n = copy_to_iter(p ? (char *)phys_to_kva(p) + off : zeroes, chunk,
				 it);
		done += n;
		*pos += n;
		if (n < chunk)
			return done ? (ssize_t)done : -EFAULT;
	}
	return done;
}

static void touch_mtime(struct inode *inode)
{
	s64 now = ktime_real();

	inode->mtime.tv_sec = now / NSEC_PER_SEC;
	inode->mtime.tv_nsec = now % NSEC_PER_SEC;
	inode->ctime = inode->mtime;
}

ssize_t pagecache_write(struct file *f, struct iov_iter *it, u64 *pos)
{
	struct inode *inode = f->f_inode;
	size_t done = 0;

	if (f->f_flags & O_APPEND)
		*pos = inode->size;
	if (*pos > (u64)INT64_MAX - it->count)
		return -EFBIG;
	while (it->count) {
		u64 index = *pos >> PAGE_SHIFT, off = *pos & ~PAGE_MASK;
		size_t chunk = MIN(PAGE_SIZE - off, it->count), n;
		phys_t p = pagemap_get(&inode->pages, index);

		if (!p) {
			p = frame_alloc(FRAME_ZERO);
			if (PHYS_ERR(p) || pagemap_set(&inode->pages, index, p) < 0) {
				if (!PHYS_ERR(p))
					frame_put(p);
				if (done)
					break;
				return -ENOSPC;
			}
		}
		n = copy_from_iter((char *)phys_to_kva(p) + off, chunk, it);
		done += n;
		*pos += n;
		if (*pos > inode->size)
			inode->size = *pos;
		if (n < chunk) {
			if (!done)
				return -EFAULT;
			break;
		}
	}
	if (done)
		touch_mtime(inode);
	inode->blocks = inode->pages.npages * (PAGE_SIZE / 512);
	return done;
}

int pagecache_truncate(struct inode *inode, u64 size)
{
	u64 keep = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;

	pagemap_truncate(&inode->pages, keep);
	if (size & ~PAGE_MASK) {
		phys_t p = pagemap_get(&inode->pages, size >> PAGE_SHIFT);

		if (p)
			memset((char *)phys_to_kva(p) + (size & ~PAGE_MASK), 0,
			       PAGE_SIZE - (size & ~PAGE_MASK));
	}
	inode->size = size;
	inode->blocks = inode->pages.npages * (PAGE_SIZE / 512);
	touch_mtime(inode);
	return 0;
}

/*
 * Give a memory-backed inode the contents data[0..len): frames in
 * contiguous runs, made resident in one go, then copied.  For unpacking
 * archives at boot.  0 or -ENOMEM.
 */
int pagecache_load(struct inode *inode, const void *data, size_t len)
{
	u64 pages = (len + PAGE_SIZE - 1) >> PAGE_SHIFT, index = 0;
	const char *src = data;
	phys_t frames[FILL_MAX];

	pagemap_truncate(&inode->pages, 0);
	while (index < pages) {
		u64 n = frames_alloc_run(frames, MIN(FILL_MAX, pages - index), 0);

		if (!n)
			return -ENOMEM;
		populate_runs(frames, n);
		for (u64 i = 0; i < n; i++, index++) {
			u64 off = index << PAGE_SHIFT;
			size_t c = MIN(PAGE_SIZE, len - off);
			char *dst = phys_to_kva(frames[i]);

			memcpy(dst, src + off, c);
			memset(dst + c, 0, PAGE_SIZE - c);
			if (pagemap_set(&inode->pages, index, frames[i]) < 0) {
				while (i < n)
					frame_put(frames[i++]);
				return -ENOMEM;
			}
		}
	}
	inode->size = len;
	inode->blocks = pages * (PAGE_SIZE / 512);
	return 0;
}

/* ---- shared mappings: dirty pages ---- */

bool pagecache_tracks_dirty(struct inode *inode)
{
	return inode->iop && inode->iop->writepages;
}

void pagecache_mark_dirty(struct inode *inode, u64 index)
{
	u64 w = index / 64;

	if (!pagecache_tracks_dirty(inode))
		return;
	if (w >= inode->dirty_words) {
		u64 n = MAX(w + 1, inode->dirty_words * 2);
		u64 *bits = kmalloc_try(n * sizeof(*bits));

		if (!bits)
			return; /* written back at the next msync all the same */
		memset(bits, 0, n * sizeof(*bits));
		if (inode->dirty_words)
			memcpy(bits, inode->dirty, inode->dirty_words * sizeof(*bits));
		kfree(inode->dirty);
		inode->dirty = bits;
		inode->dirty_words = n;
	}
	inode->dirty[w] |= 1ULL << (index % 64);
	inode->has_dirty = true;
}

bool pagecache_is_dirty(struct inode *inode, u64 index)
{
	u64 w = index / 64;

	return w < inode->dirty_words && (inode->dirty[w] >> (index % 64) & 1);
}

int pagecache_writeback(struct inode *inode, u64 index, u64 n)
{
	u64 end = size_pages(inode), i;
	phys_t frames[FILL_MAX];
	int rc = 0;

	if (!inode->has_dirty || !pagecache_tracks_dirty(inode))
		return 0;
	if (n && index + n < end)
		end = index + n;
	end = MIN(end, inode->dirty_words * 64);
	for (i = index; i < end;) {
		u64 run = 0;

		while (i < end && !pagecache_is_dirty(inode, i))
			i++;
		while (i + run < end && run < FILL_MAX &&
		       pagecache_is_dirty(inode, i + run) &&
		       (frames[run] = pagemap_get(&inode->pages, i + run)))
			run++;
		if (!run) {
			i++; /* dirty but no longer cached (truncated) */
			continue;
		}
		if (inode->iop->writepages(inode, i, run, frames) < 0 && !rc)
			rc = -EIO;
		i += run;
	}
	/* With no mapping left, nothing can write the pages any more. */
	if (!inode->mmap_shared && !n) {
		kfree(inode->dirty);
		inode->dirty = NULL;
		inode->dirty_words = 0;
		inode->has_dirty = false;
	}
	return rc;
}

void pagecache_mmap_get(struct inode *inode)
{
	inode->mmap_shared++;
}

void pagecache_mmap_put(struct inode *inode)
{
	if (--inode->mmap_shared == 0 && inode->has_dirty)
		pagecache_writeback(inode, 0, 0);
}
