/*
 * The ELF loader: static, static-PIE and dynamically linked x86-64
 * programs.  Segments are file mappings through the page cache; bss is
 * anonymous memory.  A PT_INTERP program gets its interpreter loaded
 * next to it, and starts there.  Text and data are mapped at once
 * (every fault costs far more than reading ahead).
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/exec.h"
#include "kernel/uaccess.h"
#include "kernel/abi/elf.h"
#include "kernel/mm/mm.h"
#include "kernel/fs/vfs.h"

#define MAX_PHDRS 128
#define MMAP_MIN_ADDR 0x10000ULL /* as sys_mmap: nothing below it */
/* Mapped at exec; the rest comes by fault-around when touched. */
#define POPULATE_MAX (1ULL << 20)
#define BSS_POPULATE_MAX (1ULL << 20)

struct elf_file {
	struct file *f;
	struct elf64_ehdr eh;
	struct elf64_phdr ph[MAX_PHDRS];
};

bool elf_header_ok(const void *buf, size_t len)
{
	const struct elf64_ehdr *eh = buf;

	return len >= sizeof(*eh) && !memcmp(eh->e_ident, ELFMAG, 4) &&
	       eh->e_ident[4] == ELFCLASS64 && eh->e_ident[5] == ELFDATA2LSB &&
	       eh->e_ident[6] == EV_CURRENT && eh->e_machine == EM_X86_64 &&
	       (eh->e_type == ET_EXEC || eh->e_type == ET_DYN);
}

static int elf_read(struct elf_file *ef)
{
	size_t phsize;
	ssize_t n;

	n = kernel_read(ef->f, &ef->eh, sizeof(ef->eh), 0);
	if (n < 0)
		return (int)n;
	if (!elf_header_ok(&ef->eh, n))
		return -ENOEXEC;
	if (ef->eh.e_phentsize != sizeof(struct elf64_phdr) ||
	    ef->eh.e_phnum == 0 || ef->eh.e_phnum > MAX_PHDRS)
		return -ENOEXEC;
	phsize = (size_t)ef->eh.e_phnum * sizeof(struct elf64_phdr);
	n = kernel_read(ef->f, ef->ph, phsize, ef->eh.e_phoff);
	if (n < 0)
		return (int)n;
	if ((size_t)n != phsize)
		return -ENOEXEC;
	return 0;
}

static int prot_of(u32 flags)
{
	return ((flags & PF_R) ? PROT_READ : 0) |
	       ((flags & PF_W) ? PROT_WRITE : 0) |
	       ((flags & PF_X) ? PROT_EXEC : 0);
}

/* The span of the PT_LOAD segments: [lo, hi), page aligned. */
static int load_span(struct elf_file *ef, uaddr_t *lo, uaddr_t *hi)
{
	bool any = false;

	*lo = ~0ULL;
	*hi = 0;
	for (int i = 0; i < ef->eh.e_phnum; i++) {
		const struct elf64_phdr *p = &ef->ph[i];

		if (p->p_type != PT_LOAD)
			continue;
		if (p->p_memsz < p->p_filesz ||
		    !range_ok(p->p_vaddr, p->p_memsz, task_size) ||
		    (ef->eh.e_type == ET_EXEC && p->p_vaddr < MMAP_MIN_ADDR) ||
		    ((p->p_vaddr - p->p_offset) & ~PAGE_MASK))
			return -ENOEXEC;
		*lo = MIN(*lo, p->p_vaddr & PAGE_MASK);
		*hi = MAX(*hi, PAGE_ALIGN(p->p_vaddr + p->p_memsz));
		any = true;
	}
	return any ? 0 : -ENOEXEC;
}

static int map_segment(struct mm *mm, struct elf_file *ef,
		       const struct elf64_phdr *p, uaddr_t bias)
{
	uaddr_t start = bias + p->p_vaddr, pstart = start & PAGE_MASK;
	uaddr_t file_end = start + p->p_filesz, mem_end = start + p->p_memsz;
	uaddr_t anon = PAGE_ALIGN(file_end);
	int prot = prot_of(p->p_flags), rc;

	if (p->p_filesz) {
		u64 pgoff = (p->p_offset - (start - pstart)) >> PAGE_SHIFT;

		rc = vma_map(mm, pstart, anon - pstart, prot, 0, file_real(ef->f),
			     pgoff);
		if (rc < 0)
			return rc;
		rc = mm_populate(mm, pstart, MIN(anon, pstart + POPULATE_MAX),
				 prot & PROT_WRITE);
		if (rc < 0)
			return rc;
		/* The rest of the last file page belongs to bss: zero it. */
		if (p->p_memsz > p->p_filesz && (file_end & ~PAGE_MASK) &&
		    (prot & PROT_WRITE)) {
			char *page = user_ptr(mm, file_end, true);

			if (!page)
				return -EFAULT;
			memset(page, 0, PAGE_SIZE - (file_end & ~PAGE_MASK));
		}
	} else {
		anon = pstart;
	}
	if (PAGE_ALIGN(mem_end) > anon) {
		rc = vma_map(mm, anon, PAGE_ALIGN(mem_end) - anon, prot, 0, NULL, 0);
		if (rc < 0)
			return rc;
		rc = mm_populate(mm, anon,
				 MIN(PAGE_ALIGN(mem_end), anon + BSS_POPULATE_MAX),
				 prot & PROT_WRITE);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int map_image(struct mm *mm, struct elf_file *ef, uaddr_t bias,
		     struct elf_image *img, bool main)
{
	uaddr_t end = 0;
	int rc;

	for (int i = 0; i < ef->eh.e_phnum; i++) {
		const struct elf64_phdr *p = &ef->ph[i];
		uaddr_t a = bias + p->p_vaddr;

		if (p->p_type != PT_LOAD)
			continue;
		rc = map_segment(mm, ef, p, bias);
		if (rc < 0)
			return rc;
		end = MAX(end, a + p->p_memsz);
		if (!main)
			continue;
		if (p->p_flags & PF_X) {
			if (!img->start_code || a < img->start_code)
				img->start_code = a;
			img->end_code = MAX(img->end_code, a + p->p_filesz);
		} else if (p->p_flags & PF_W) {
			if (!img->start_data || a < img->start_data)
				img->start_data = a;
			img->end_data = MAX(img->end_data, a + p->p_filesz);
		}
	}
	if (main)
		img->end = end;
	return 0;
}

/* Where the program headers are in memory (AT_PHDR). */
static uaddr_t phdr_addr(struct elf_file *ef, uaddr_t bias)
{
	for (int i = 0; i < ef->eh.e_phnum; i++)
		if (ef->ph[i].p_type == PT_PHDR)
			return bias + ef->ph[i].p_vaddr;
	for (int i = 0; i < ef->eh.e_phnum; i++) {
		const struct elf64_phdr *p = &ef->ph[i];

		if (p->p_type == PT_LOAD && p->p_offset <= ef->eh.e_phoff &&
		    ef->eh.e_phoff < p->p_offset + p->p_filesz)
			return bias + p->p_vaddr + (ef->eh.e_phoff - p->p_offset);
	}
	return 0;
}

static int open_interp(struct task *t, struct elf_file *ef,
		       struct elf_file *interp)
{
	for (int i = 0; i < ef->eh.e_phnum; i++) {
		const struct elf64_phdr *p = &ef->ph[i];
		char *path;
		ssize_t n;
		int rc;

		if (p->p_type != PT_INTERP)
			continue;
		if (p->p_filesz < 2 || p->p_filesz > PATH_MAX)
			return -ENOEXEC;
		path = kmalloc(p->p_filesz);
		n = kernel_read(ef->f, path, p->p_filesz, p->p_offset);
		if (n != (ssize_t)p->p_filesz || path[n - 1]) {
			kfree(path);
			return -ENOEXEC;
		}
		rc = vfs_open(t, AT_FDCWD, path, O_RDONLY, 0, &interp->f);
		kfree(path);
		if (rc < 0)
			return rc;
		if (!S_ISREG(interp->f->f_inode->mode))
			return -EACCES;
		rc = elf_read(interp);
		if (rc == 0 && interp->eh.e_type != ET_DYN)
			rc = -ELIBBAD;
		return rc;
	}
	return 0;
}

static u64 rand_pages(unsigned bits)
{
	return rand_range(1ULL << bits) << PAGE_SHIFT;
}

int elf_load(struct task *t, struct mm *mm, struct file *f,
	     struct elf_image *img)
{
	struct elf_file *ef = kzalloc(sizeof(*ef));
	struct elf_file *interp = kzalloc(sizeof(*interp));
	uaddr_t lo, hi, bias = 0, ibias = 0;
	int rc;

	ef->f = f;
	rc = elf_read(ef);
	if (rc == 0)
		rc = load_span(ef, &lo, &hi);
	if (rc == 0)
		rc = open_interp(t, ef, interp);
	if (rc < 0)
		goto out;
	memset(img, 0, sizeof(*img));
	if (ef->eh.e_type == ET_DYN) {
		bias = ((task_size / 3 * 2) & PAGE_MASK) + rand_pages(28) - lo;
		if (!range_ok(bias + lo, hi - lo, task_size)) {
			rc = -ENOMEM;
			goto out;
		}
	}
	rc = map_image(mm, ef, bias, img, true);
	if (rc < 0)
		goto out;
	img->prog_entry = bias + ef->eh.e_entry;
	img->entry = img->prog_entry;
	img->phdr = phdr_addr(ef, bias);
	img->phent = ef->eh.e_phentsize;
	img->phnum = ef->eh.e_phnum;
	if (interp->f) {
		uaddr_t ilo, ihi, at;

		rc = load_span(interp, &ilo, &ihi);
		if (rc < 0)
			goto out;
		at = get_unmapped_area(mm, 0, ihi - ilo);
		if (!at) {
			rc = -ENOMEM;
			goto out;
		}
		ibias = at - ilo;
		rc = map_image(mm, interp, ibias, img, false);
		if (rc < 0)
			goto out;
		img->interp_base = at;
		img->entry = ibias + interp->eh.e_entry;
	}
out:
	if (interp->f)
		file_put(interp->f);
	kfree(interp);
	kfree(ef);
	return rc;
}
