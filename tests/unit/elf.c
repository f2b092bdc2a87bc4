/*
 * ELF parsing and loading (kernel/elf.c): elf_header_ok on good and
 * bad headers, and elf_load of hand-made programs kept in a tmpfs
 * root: segments, bss, PIE bias, the interpreter, and hostile headers.
 */
#include "kernel/kernel.h"
#include "kernel/task.h"
#include "kernel/exec.h"
#include "kernel/uaccess.h"
#include "kernel/abi/elf.h"
#include "kernel/mm/mm.h"
#include "kernel/fs/vfs.h"
#include "tests/unit/unit.h"
#include "tests/unit/fake_engine.h"

#define P PAGE_SIZE

static struct task *t;

static void good_header(struct elf64_ehdr *eh, u16 type)
{
	memset(eh, 0, sizeof(*eh));
	memcpy(eh->e_ident, ELFMAG, 4);
	eh->e_ident[4] = ELFCLASS64;
	eh->e_ident[5] = ELFDATA2LSB;
	eh->e_ident[6] = EV_CURRENT;
	eh->e_type = type;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(struct elf64_phdr);
}

static void test_header_ok(void)
{
	struct elf64_ehdr eh;

	CHECK_EQ(sizeof(eh), 64);
	good_header(&eh, ET_EXEC);
	CHECK(elf_header_ok(&eh, sizeof(eh)));
	good_header(&eh, ET_DYN);
	CHECK(elf_header_ok(&eh, sizeof(eh)));
	CHECK(!elf_header_ok(&eh, sizeof(eh) - 1));
	CHECK(!elf_header_ok(&eh, 0));
	good_header(&eh, ET_EXEC);
	eh.e_ident[0] = 0x7e;
	CHECK(!elf_header_ok(&eh, sizeof(eh)));
	good_header(&eh, ET_EXEC);
	eh.e_ident[3] = 'f';
	CHECK(!elf_header_ok(&eh, sizeof(eh)));
	good_header(&eh, ET_EXEC);
	eh.e_ident[4] = 1; /* ELFCLASS32 */
	CHECK(!elf_header_ok(&eh, sizeof(eh)));
	good_header(&eh, ET_EXEC);
	eh.e_ident[5] = 2; /* big endian */
	CHECK(!elf_header_ok(&eh, sizeof(eh)));
	good_header(&eh, ET_EXEC);
	eh.e_ident[6] = 0;
	CHECK(!elf_header_ok(&eh, sizeof(eh)));
	good_header(&eh, ET_EXEC);
	eh.e_machine = 3; /* EM_386 */
	CHECK(!elf_header_ok(&eh, sizeof(eh)));
	good_header(&eh, ET_EXEC);
	eh.e_machine = 183; /* EM_AARCH64 */
	CHECK(!elf_header_ok(&eh, sizeof(eh)));
	good_header(&eh, 1); /* ET_REL */
	CHECK(!elf_header_ok(&eh, sizeof(eh)));
	good_header(&eh, 4); /* ET_CORE */
	CHECK(!elf_header_ok(&eh, sizeof(eh)));
	good_header(&eh, 0);
	CHECK(!elf_header_ok(&eh, sizeof(eh)));
	/* Not ELF at all. */
	CHECK(!elf_header_ok("#!/bin/sh\n echo hello world, this is a script"
			     " and not ELF at all..........", 64));
}

/* ---- loading ---- */

static void setup(void)
{
	unit_machine_default();
	t = current;
	mount_root(tmpfs_create(), 0);
	t->fs = fs_create(&root_path);
	t->files = files_create();
	t->mm = mm_create();
	t->mm->mmap_base = 0x7f0000000000ULL;
}

/* Write a file of len bytes at path; return it open for reading. */
static struct file *put_file(const char *path, const void *data, size_t len)
{
	struct file *f;
	struct iov_iter it;
	u64 pos = 0;

	REQUIRE(vfs_open(t, AT_FDCWD, path, O_CREAT | O_RDWR | O_TRUNC, 0755,
			 &f) == 0);
	iter_kernel(&it, (void *)data, len);
	REQUIRE(vfs_write(f, &it, &pos) == (ssize_t)len);
	return f;
}

/* An image under construction: header, program headers, payload. */
struct image {
	u8 buf[0x6000];
	size_t len;
	struct elf64_ehdr *eh;
	struct elf64_phdr *ph;
};

static void image_init(struct image *im, u16 type, uaddr_t entry)
{
	memset(im, 0, sizeof(*im));
	im->eh = (struct elf64_ehdr *)im->buf;
	im->ph = (struct elf64_phdr *)(im->buf + 64);
	good_header(im->eh, type);
	im->eh->e_entry = entry;
	im->eh->e_phoff = 64;
	im->len = sizeof(im->buf);
	for (size_t i = 0x400; i < sizeof(im->buf); i++)
		im->buf[i] = (u8)(i * 13 + 1);
}

static struct elf64_phdr *add_ph(struct image *im, u32 type, u32 flags,
				 u64 off, u64 vaddr, u64 filesz, u64 memsz)
{
	struct elf64_phdr *p = &im->ph[im->eh->e_phnum++];

	*p = (struct elf64_phdr){ .p_type = type, .p_flags = flags,
				  .p_offset = off, .p_vaddr = vaddr,
				  .p_paddr = vaddr, .p_filesz = filesz,
				  .p_memsz = memsz, .p_align = P };
	return p;
}

static int load(struct image *im, struct elf_image *img)
{
	struct file *f = put_file("/prog", im->buf, im->len);
	int rc = elf_load(t, t->mm, f, img);

	file_put(f);
	return rc;
}

/* The usual static program: text, then data with bss. */
static void static_image(struct image *im)
{
	image_init(im, ET_EXEC, 0x400123);
	add_ph(im, PT_LOAD, PF_R | PF_X, 0, 0x400000, 0x1800, 0x1800);
	add_ph(im, PT_LOAD, PF_R | PF_W, 0x1800, 0x601800, 0x900, 0x3000);
}

static int prot_at(uaddr_t va)
{
	struct vma *v = vma_at(t->mm, va);

	return v ? v->prot : -1;
}

static void test_load_static(void)
{
	struct image im;
	struct elf_image img;
	u8 buf[0x900];

	static_image(&im);
	REQUIRE(load(&im, &img) == 0);
	CHECK_EQ(img.entry, 0x400123);
	CHECK_EQ(img.prog_entry, 0x400123);
	CHECK_EQ(img.interp_base, 0);
	CHECK_EQ(img.phdr, 0x400000 + 64); /* inside the first segment */
	CHECK_EQ(img.phnum, 2);
	CHECK_EQ(img.phent, sizeof(struct elf64_phdr));
	CHECK_EQ(img.start_code, 0x400000);
	CHECK_EQ(img.end_code, 0x401800);
	CHECK_EQ(img.start_data, 0x601800);
	CHECK_EQ(img.end_data, 0x602100);
	CHECK_EQ(img.end, 0x604800);
	CHECK_EQ(prot_at(0x400000), PROT_READ | PROT_EXEC);
	CHECK_EQ(prot_at(0x401fff), PROT_READ | PROT_EXEC);
	CHECK_EQ(prot_at(0x402000), -1);
	CHECK_EQ(prot_at(0x600fff), -1);
	CHECK_EQ(prot_at(0x601000), PROT_READ | PROT_WRITE);
	CHECK_EQ(prot_at(0x604fff), PROT_READ | PROT_WRITE);
	CHECK_EQ(prot_at(0x605000), -1);
	/* Text and data hold the file's bytes. */
	CHECK_EQ(copy_from_user(buf, 0x400400, 0x100), 0);
	CHECK(!memcmp(buf, im.buf + 0x400, 0x100));
	CHECK_EQ(copy_from_user(buf, 0x601800, 0x900), 0);
	CHECK(!memcmp(buf, im.buf + 0x1800, 0x900));
	/* bss is zero: the rest of the last file page and beyond, though
	   the file goes on there. */
	CHECK_EQ(copy_from_user(buf, 0x602100, 0x900), 0);
	for (int i = 0; i < 0x900; i++)
		if (buf[i]) {
			FAIL("bss byte %#x is %#x", 0x602100 + i, buf[i]);
			break;
		}
	CHECK_EQ(copy_from_user(buf, 0x604000, 0x800), 0);
	for (int i = 0; i < 0x800; i++)
		if (buf[i]) {
			FAIL("bss byte %#x is %#x", 0x604000 + i, buf[i]);
			break;
		}
	/* ... and the file's page cache was not written by that. */
	{
		struct file *f;
		u8 c;

		REQUIRE(vfs_open(t, AT_FDCWD, "/prog", O_RDONLY, 0, &f) == 0);
		CHECK_EQ(kernel_read(f, &c, 1, 0x2100), 1);
		CHECK_EQ(c, im.buf[0x2100]);
		file_put(f);
	}
	CHECK_ENGINE(t->mm);
}

static void test_load_pie(void)
{
	struct image im;
	struct elf_image img;
	uaddr_t bias;

	image_init(&im, ET_DYN, 0x1100);
	add_ph(&im, PT_PHDR, PF_R, 64, 64, 2 * 56, 2 * 56);
	add_ph(&im, PT_LOAD, PF_R | PF_X, 0, 0, 0x2000, 0x2000);
	add_ph(&im, PT_LOAD, PF_R | PF_W, 0x2000, 0x3000, 0x100, 0x2000);
	REQUIRE(load(&im, &img) == 0);
	bias = img.entry - 0x1100;
	CHECK_EQ(bias & ~PAGE_MASK, 0);
	CHECK(bias >= 0x10000);
	CHECK(bias + 0x5000 <= task_size);
	CHECK_EQ(img.phdr, bias + 64);
	CHECK_EQ(prot_at(bias), PROT_READ | PROT_EXEC);
	CHECK_EQ(prot_at(bias + 0x2000), -1);
	CHECK_EQ(prot_at(bias + 0x3000), PROT_READ | PROT_WRITE);
	CHECK_EQ(prot_at(bias + 0x4fff), PROT_READ | PROT_WRITE);
	CHECK_EQ(img.end, bias + 0x5000);
	CHECK_ENGINE(t->mm);
}

static void test_load_interp(void)
{
	struct image prog, ld;
	struct elf_image img;
	static const char interp[] = "/lib/ld.so";
	struct nameidata nd;
	struct inode *dir;

	REQUIRE(path_walk(t, AT_FDCWD, "/", 0, &nd) == 0);
	dir = nd.path.dentry->inode;
	REQUIRE(dir->iop->mkdir(dir, "lib", 0755) == 0);
	path_put(&nd.path);

	image_init(&ld, ET_DYN, 0x80);
	add_ph(&ld, PT_LOAD, PF_R | PF_X, 0, 0, 0x1000, 0x1000);
	add_ph(&ld, PT_LOAD, PF_R | PF_W, 0x1000, 0x2000, 0x100, 0x1000);
	file_put(put_file(interp, ld.buf, 0x2000));

	static_image(&prog);
	memcpy(prog.buf + 0x300, interp, sizeof(interp));
	add_ph(&prog, PT_INTERP, PF_R, 0x300, 0x400300, sizeof(interp),
	       sizeof(interp));
	REQUIRE(load(&prog, &img) == 0);
	CHECK(img.interp_base != 0);
	CHECK_EQ(img.interp_base & ~PAGE_MASK, 0);
	CHECK_EQ(img.entry, img.interp_base + 0x80);
	CHECK_EQ(img.prog_entry, 0x400123);
	CHECK_EQ(img.end, 0x604800); /* the program's, not the interpreter's */
	CHECK_EQ(prot_at(img.interp_base), PROT_READ | PROT_EXEC);
	CHECK_EQ(prot_at(img.interp_base + 0x2000), PROT_READ | PROT_WRITE);
	CHECK_ENGINE(t->mm);

	/* An interpreter that is no ET_DYN, a missing one, a bad path. */
	vma_unmap(t->mm, 0, task_size);
	ld.eh->e_type = ET_EXEC;
	file_put(put_file(interp, ld.buf, 0x2000));
	CHECK_EQ(load(&prog, &img), -ELIBBAD);
	memcpy(prog.buf + 0x300, "/lib/nope", 10);
	CHECK_EQ(load(&prog, &img), -ENOENT);
	memset(prog.buf + 0x300, 'x', sizeof(interp)); /* no NUL */
	CHECK_EQ(load(&prog, &img), -ENOEXEC);
	prog.ph[2].p_filesz = 1;
	CHECK_EQ(load(&prog, &img), -ENOEXEC);
	prog.ph[2].p_filesz = 0x1000000;
	CHECK_EQ(load(&prog, &img), -ENOEXEC);
}

/* Hostile headers give -ENOEXEC (or another error), never a crash. */
static void test_load_bad(void)
{
	struct image im;
	struct elf_image img;

	static_image(&im);
	im.ph[1].p_memsz = 0x800; /* < p_filesz */
	CHECK_EQ(load(&im, &img), -ENOEXEC);

	static_image(&im);
	im.ph[1].p_vaddr = task_size - 0x800; /* runs past the top */
	im.ph[1].p_offset = 0x1800;
	CHECK_EQ(load(&im, &img), -ENOEXEC);

	static_image(&im);
	im.ph[1].p_vaddr = ~0ULL - 0x7ff; /* wraps around */
	CHECK_EQ(load(&im, &img), -ENOEXEC);

	static_image(&im);
	im.ph[1].p_vaddr = 0x601900; /* offset and address disagree */
	CHECK_EQ(load(&im, &img), -ENOEXEC);

	static_image(&im);
	im.eh->e_phnum = 0;
	CHECK_EQ(load(&im, &img), -ENOEXEC);

	static_image(&im);
	im.eh->e_phnum = 129;
	CHECK_EQ(load(&im, &img), -ENOEXEC);

	static_image(&im);
	im.eh->e_phentsize = 32;
	CHECK_EQ(load(&im, &img), -ENOEXEC);

	static_image(&im);
	im.eh->e_phoff = sizeof(im.buf) - 60; /* headers past the end */
	CHECK_EQ(load(&im, &img), -ENOEXEC);

	static_image(&im);
	im.eh->e_phoff = ~0ULL - 8;
	CHECK_EQ(load(&im, &img), -ENOEXEC);

	static_image(&im);
	im.ph[0].p_type = PT_NOTE;
	im.ph[1].p_type = PT_NOTE; /* nothing to load */
	CHECK_EQ(load(&im, &img), -ENOEXEC);

	static_image(&im);
	im.len = 40; /* shorter than a header */
	CHECK_EQ(load(&im, &img), -ENOEXEC);

	static_image(&im);
	im.eh->e_machine = 40;
	CHECK_EQ(load(&im, &img), -ENOEXEC);

	/* File contents that end early: the missing pages are not there,
	   the load still succeeds or fails cleanly. */
	static_image(&im);
	im.ph[1].p_filesz = 0x100000;
	im.ph[1].p_memsz = 0x100000;
	(void)load(&im, &img);
	CHECK_ENGINE(t->mm);
	CHECK_EQ(fake_violations, 0);
}

/*
 * sys_mmap refuses addresses below MMAP_MIN_ADDR (64 KiB) with EPERM,
 * as Linux's vm.mmap_min_addr does; a program's segments must not get
 * there either (Linux fails such an exec).
 */
static void test_load_low_address(void)
{
	struct image im;
	struct elf_image img;

	image_init(&im, ET_EXEC, 0x123);
	add_ph(&im, PT_LOAD, PF_R | PF_X, 0, 0, 0x1800, 0x1800);
	CHECK(load(&im, &img) < 0);
	CHECK_EQ(prot_at(0), -1);
}

static const struct unit_case cases[] = {
	{ "header_ok", test_header_ok },
	{ "load_static", test_load_static },
	{ "load_pie", test_load_pie },
	{ "load_interp", test_load_interp },
	{ "load_bad", test_load_bad },
	{ "load_low_address", test_load_low_address },
};

UNIT_MAIN(cases, setup)
