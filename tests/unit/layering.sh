#!/bin/bash
# The tree is the architecture (DESIGN.md "Layout", STYLE.md habit 1):
# check that each folder only reaches what it may.
#
#   kernel/         includes only "kernel/...", "host/host.h" and the
#                   freestanding C headers; no inline assembly (the one
#                   assembly file is kernel/swtch.S, the context switch)
#                   and no raw host call: syscall(), ptrace(), __NR_*
#   host/           below the kernel: no kernel header but kernel/types.h,
#                   and that only through host/host.h
#   ptrace-engine/, kvm-engine/
#                   kernel/engine.h, kernel/types.h, host/host.h and their
#                   own headers; nothing else of the kernel, no driver
#   drivers/        kernel/ headers and host/host.h; no engine
#
# When the objects are built (tests/run-tests runs make first), it also
# checks what they link to, which catches a host call declared by hand:
#
#   kernel objects  use only kernel symbols, host_*() of host/, what
#                   drivers/ define (driver interfaces: console_init,
#                   ...), data linked in from rootfs/ (the built-in
#                   initramfs), the engines' *_engine_ops tables (the
#                   registry in kernel/engine.c), the pure <string.h>
#                   functions and compiler runtime symbols
#   host objects    use nothing of kernel/, drivers/ or an engine
#   engine objects  use nothing of kernel/ or drivers/
#   driver objects  use nothing of an engine
#
# Run from the top of the build tree (or the source tree).  Prints each
# violation as FILE:LINE: what, and exits 1 if there is any.

set -u
export LC_ALL=C

srcdir=$(cd "$(dirname "$0")/../.." && pwd)
nviol=0

violation() {
	echo "$1: $2"
	nviol=$((nviol + 1))
}

# The files that C or the assembler reads, in the checked folders.
sources() {
	local d
	for d in kernel host drivers ptrace-engine kvm-engine; do
		[ -d "$srcdir/$d" ] || continue
		(cd "$srcdir" && find "$d" -type f \( -name '*.c' -o -name '*.h' \
			-o -name '*.S' -o -name '*.s' -o -name '*.def' \))
	done | sort
}

# strip [strings] < file: blank out comments (and string and character
# literals with "strings"), keeping every line where it was.
STRIP_AWK='
function strip(line, blank_strings,    out, n, i, c, d, q) {
	out = ""; n = length(line); i = 1
	while (i <= n) {
		c = substr(line, i, 1); d = substr(line, i, 2)
		if (incomment) {
			if (d == "*/") { incomment = 0; out = out "  "; i += 2 }
			else { out = out " "; i++ }
			continue
		}
		if (d == "/*") { incomment = 1; out = out "  "; i += 2; continue }
		if (d == "//") break
		if ((c == "\"" || c == "\047") && blank_strings) {
			q = c; out = out c; i++
			while (i <= n) {
				c = substr(line, i, 1)
				if (c == "\\") { out = out "  "; i += 2; continue }
				if (c == q) break
				out = out " "; i++
			}
			out = out q; i++
			continue
		}
		out = out c; i++
	}
	return out
}'

strip() {
	awk -v blank="${1:-}" "$STRIP_AWK"'
	{ print strip($0, blank) }'
}

# The rules of the header of this file, line by line.  Comments never
# count; string literals count only in #include lines.
check_sources() {
	(cd "$srcdir" && awk "$STRIP_AWK"'
	BEGIN {
		n = split("stddef.h stdint.h stdbool.h stdarg.h limits.h " \
			  "float.h stdalign.h stdnoreturn.h iso646.h", a, " ")
		for (i = 1; i <= n; i++)
			freestanding[a[i]] = 1
		ident = "[A-Za-z0-9_]"
	}
	FNR == 1 {
		incomment = 0
		dir = FILENAME; sub(/\/.*/, "", dir)
		asm_file = FILENAME ~ /\.[sS]$/
		if (dir == "kernel" && asm_file && FILENAME != "kernel/swtch.S")
			bad(1, "assembly in kernel/: only kernel/swtch.S (the context switch) may be")
	}
	function bad(line, what) {
		printf "%s:%d: %s\n", FILENAME, line, what
	}
	{
		saved = incomment
		code = strip($0, 0)
		incomment = saved
		bare = strip($0, 1)
	}
	code ~ /^[ \t]*#[ \t]*include/ {
		s = code
		sub(/^[ \t]*#[ \t]*include[ \t]*/, "", s)
		k = substr(s, 1, 1)
		if (k == "\"") { split(substr(s, 2), a, "\""); name = a[1] }
		else if (k == "<") { split(substr(s, 2), a, ">"); name = a[1] }
		else { k = "?"; name = s }
		include(k, name)
		next
	}
	dir == "kernel" && asm_file {
		# The context switch: assembly by design, but no host call.
		if (bare ~ /(^|[^A-Za-z0-9_])(syscall|sysenter)([^A-Za-z0-9_]|$)/ ||
		    bare ~ /(^|[^A-Za-z0-9_])int[ \t]+\$?0x80/)
			bad(FNR, "a system call instruction: kernel/ makes no host call")
		next
	}
	dir == "kernel" {
		if (bare ~ /__NR_/)
			bad(FNR, "uses __NR_* numbers: a raw host system call")
		if (bare ~ /(^|[^A-Za-z0-9_])(asm|__asm|__asm__)([^A-Za-z0-9_]|$)/)
			bad(FNR, "inline assembly: kernel/ is portable (only kernel/swtch.S is assembly)")
		if (match(bare, /(^|[^A-Za-z0-9_])(syscall|ptrace)[ \t]*\(/)) {
			f = substr(bare, RSTART, RLENGTH)
			gsub(/[^a-z]/, "", f)
			bad(FNR, "calls " f "(): a raw host call")
		}
	}
	function include(k, name) {
		if (dir == "kernel") {
			if (k == "\"" && (name ~ /^kernel\// || name == "host/host.h"))
				return
			if (k == "<" && (name in freestanding))
				return
			if (k == "?")
				bad(FNR, "computed #include " name ": not allowed in kernel/")
			else
				bad(FNR, "includes " (k == "<" ? "<" name ">" : "\"" name "\"") \
				    ": kernel/ sees only kernel/ headers, host/host.h and freestanding C headers")
		} else if (dir == "host") {
			if (k != "\"" || name ~ /^host\//)
				return
			if (name == "kernel/types.h" && FILENAME == "host/host.h")
				return
			if (name == "kernel/types.h")
				bad(FNR, "includes \"" name "\": host/ gets kernel/types.h through host/host.h only")
			else if (name ~ /^kernel\//)
				bad(FNR, "includes \"" name "\": host/ is below the kernel and sees none of it")
			else
				bad(FNR, "includes \"" name "\": host/ includes host/ headers and the host'"'"'s")
		} else if (dir ~ /-engine$/) {
			if (k != "\"" || name == "kernel/engine.h" || name == "kernel/types.h" ||
			    name == "host/host.h" || index(name, dir "/") == 1)
				return
			if (name ~ /^kernel\//)
				bad(FNR, "includes \"" name "\": an engine sees kernel/engine.h (and kernel/types.h) only")
			else
				bad(FNR, "includes \"" name "\": an engine includes kernel/engine.h, host/host.h and its own headers")
		} else if (dir == "drivers") {
			if (k != "\"" || name ~ /^(kernel|drivers)\// || name == "host/host.h")
				return
			bad(FNR, "includes \"" name "\": drivers/ see kernel/ headers and host/host.h only")
		}
	}' "$@")
}

files=$(sources)
if [ -n "$files" ]; then
	while IFS= read -r l; do
		echo "$l"
		nviol=$((nviol + 1))
	done < <(
		# shellcheck disable=SC2086
		check_sources $files)
fi

# ---- what the objects link to ----

# The objects make built for umk (automake names them umk-NAME.o).
objects() {
	local d
	for d in kernel host drivers ptrace-engine kvm-engine rootfs; do
		[ -d "$d" ] && find "$d" -name 'umk-*.o' -type f
	done
	[ -f umk-umk.o ] && echo umk-umk.o
}

# source OBJECT: the source file it was compiled from, or nothing.
source_of() {
	local o=$1 base ext
	base=$(dirname "$o")/$(basename "$o" .o)
	base=$(dirname "$base")/$(basename "$base" | sed 's/^umk-//')
	base=${base#./}
	for ext in c S s; do
		[ -f "$srcdir/$base.$ext" ] && { echo "$base.$ext"; return; }
	done
}

# where FILE SYMBOL: FILE:LINE of the first mention of SYMBOL.
where() {
	local n
	n=$(strip strings < "$srcdir/$1" | grep -nw -- "$2" | head -1 | cut -d: -f1)
	echo "$1:${n:-1}"
}

objs=$(objects | sort)
if ! command -v nm > /dev/null || ! echo "$objs" | grep -q '^kernel/'; then
	echo "note: no kernel objects here (or no nm): link-level checks skipped"
else
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/layering.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	# shellcheck disable=SC2086
	nm -g --defined-only -A $objs 2> /dev/null > "$tmp/defined"
	# shellcheck disable=SC2086
	nm -u -A $objs 2> /dev/null > "$tmp/undefined"
	awk '
	function group(path) {
		sub(/^\.\//, "", path)
		if (path ~ /^kernel\//) return "kernel"
		if (path ~ /^host\//) return "host"
		if (path ~ /^drivers\//) return "driver"
		if (path ~ /^(ptrace|kvm)-engine\//) return "engine"
		if (path ~ /^rootfs\//) return "data"
		return "top"
	}
	BEGIN {
		# What kernel/ may use that no object of the tree defines:
		# the pure <string.h> functions (kernel/kernel.h declares
		# those it uses; the compiler treats them as builtins) and
		# compiler runtime symbols.
		n = split("memcpy memmove memset memcmp memchr strlen strnlen " \
			  "strcmp strncmp strchr strrchr strcpy strncpy strcat " \
			  "strncat strstr strspn strcspn strpbrk " \
			  "_GLOBAL_OFFSET_TABLE_ __stack_chk_fail __stack_chk_guard " \
			  "__udivti3 __umodti3 __divti3 __modti3 __popcountdi2", b, " ")
		for (i = 1; i <= n; i++)
			builtin[b[i]] = 1
	}
	FILENAME ~ /\/defined$/ {
		split($1, p, ":")
		owner[$3] = owner[$3] " " group(p[1])
		next
	}
	{
		split($1, p, ":")
		obj = p[1]; sym = $NF; g = group(obj); o = owner[sym]
		why = ""
		if (g == "kernel") {
			# drivers implement kernel interfaces (console_init,
			# ...); rootfs/ objects are data blobs linked into umk
			# (the built-in initramfs image that kernel/boot.c
			# unpacks); the engine registry in kernel/engine.c
			# names each engine'"'"'s ops table.
			if (o ~ /kernel|driver|data/ || (sym in builtin) ||
			    (sym ~ /^__(asan|ubsan|tsan|sanitizer|gcov)_/))
				next
			if (sym ~ /^host_/ && o ~ /host/)
				next
			if (sym ~ /_engine_ops$/ && o ~ /engine/)
				next
			if (o ~ /host/)
				why = "uses " sym " of host/, which is not a host_*() service of host/host.h"
			else if (o ~ /engine/)
				why = "uses " sym " of an engine: kernel/ knows engines only through kernel/engine.h"
			else if (o ~ /top/)
				why = "uses " sym " of umk.c: the kernel is below the command line"
			else
				why = "uses " sym " from the host C library: kernel/ asks the host through host/host.h only"
		} else if (g == "host") {
			if (o ~ /kernel|driver|engine|top/)
				why = "uses " sym ": host/ is below the kernel, the drivers and the engines"
		} else if (g == "engine") {
			if (o ~ /kernel|driver/)
				why = "uses " sym " of the kernel or a driver: an engine sees only what kernel/engine.h hands it"
		} else if (g == "driver") {
			if (o ~ /engine/)
				why = "uses " sym " of an engine: drivers sit on kernel interfaces and host/"
		}
		if (why != "")
			print obj, sym, why
	}' "$tmp/defined" "$tmp/undefined" > "$tmp/bad"
	while read -r obj sym why; do
		src=$(source_of "$obj")
		[ -n "$src" ] || src=$obj
		if [ -f "$srcdir/$src" ]; then
			violation "$(where "$src" "$sym")" "$why"
		else
			violation "$src" "$why"
		fi
	done < "$tmp/bad"
fi

if [ $nviol -gt 0 ]; then
	echo "$nviol layering violations"
	exit 1
fi
echo "layering: no violations"
exit 0
