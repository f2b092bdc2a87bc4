# debian/shell: a bash script of coreutils, find, xargs, sort, sed, awk,
# tar and gzip over a generated tree.  Prints only contents, sizes,
# checksums and counts: nothing that depends on times or inode numbers.
cd /tmp && mkdir work && cd work || exit 1

# a tree: three directories of twenty text files, a symlink, an empty dir
for d in alpha beta gamma; do
	mkdir -p src/$d
	for i in $(seq 1 20); do
		for j in $(seq 1 $((i * 3))); do
			echo "$d line $j of file $i: $((i * j % 17)) $((j * j))"
		done > src/$d/f$i.txt
	done
done
mkdir src/empty
ln -s alpha/f1.txt src/link
printf '#!/bin/sh\necho script ran: "$@"\n' > src/run.sh
chmod 755 src/run.sh

echo "== find"
find src -type f | sort | head -n 5
find src -type f | wc -l
find src -name 'f1*.txt' | sort
find src -type l -printf '%p -> %l\n'
find src -type d | sort
find src -type f -size +2k | sort
find src -perm -u+x -type f
find src -newer src/alpha/f1.txt -name nothing

echo "== xargs"
find src -name '*.txt' -print0 | sort -z | xargs -0 wc -l | tail -n 3
find src -name '*.txt' | sort | xargs -n 7 echo | wc -l
find src -name '*.txt' | sort | xargs -P 2 -n 10 cat | wc -c
echo a b c | xargs -I{} sh -c 'echo "[{}]"'
src/run.sh x y

echo "== sort, uniq, cut, tr"
cat src/*/*.txt | awk '{ print $6 }' | sort -n | uniq -c | sort -k1,1nr -k2,2n | head -n 5
sort -t: -k3,3n /etc/passwd | cut -d: -f1,3 | head -n 5
cat src/beta/f3.txt | tr 'a-z' 'A-Z' | head -n 3
seq 1 100 | paste -sd+ | sed "s|+| + |g" | cut -c1-20; seq 1 100 | awk "{ s += \$1 } END { print s }"
printf 'b 2\na 1\nc 3\n' | sort > s1; printf 'a x\nb y\nd z\n' > s2
join s1 s2
comm -3 <(cut -d' ' -f1 s1) <(cut -d' ' -f1 s2)

echo "== sed"
sed -n '2,4p' src/gamma/f2.txt
sed -e 's/line \([0-9]*\)/L\1/' -e '/: 0 /d' src/alpha/f4.txt | head -n 4
sed -i 's/alpha/ALPHA/g' src/alpha/f5.txt && grep -c ALPHA src/alpha/f5.txt

echo "== awk"
awk '{ n[$1]++; s[$1] += $NF } END { for (k in n) print k, n[k], s[k] }' src/*/*.txt | sort
awk -F: '$3 < 10 { printf "%-8s %d\n", $1, $3 }' /etc/passwd
awk 'BEGIN { for (i = 1; i <= 5; i++) printf "%d^2=%d ", i, i * i; print "" }'
gawk 'BEGIN { PROCINFO["sorted_in"] = "@ind_str_asc"; a["z"]; a["a"]; for (k in a) printf "%s", k; print "" }'

echo "== tar and gzip"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf t.tar src
tar -tvf t.tar | awk '{ print $1, $2, $3, $6 }' | head -n 8
gzip -n -9 -c t.tar > t.tar.gz
gzip -l t.tar.gz | awk 'NR == 2 { print "uncompressed", $2 }'
sha256sum t.tar t.tar.gz
mkdir out && tar -xzf t.tar.gz -C out && diff -r src out/src && echo "extracted tree identical"
gzip -t t.tar.gz && echo "gzip -t ok"
xz -T1 -c t.tar | xz -d | cmp - t.tar && echo "xz round trip ok"
bzip2 -c t.tar | bunzip2 | cmp - t.tar && echo "bzip2 round trip ok"

echo "== files"
cp -a src copy && mv copy/alpha copy/renamed && rm -r copy/beta
ls copy
stat -c '%n %s %a %F' copy/renamed/f2.txt copy/link copy/run.sh
stat -c '%n %a %F' copy/empty
readlink copy/link; readlink -f src/link | sed 's|.*/work/||'
ln src/alpha/f2.txt hard && stat -c '%h' hard
split -l 10 src/gamma/f10.txt part. && ls part.* && cat part.* | cmp - src/gamma/f10.txt && echo "split ok"
od -A d -t x1 -N 16 src/alpha/f1.txt
md5sum src/alpha/f1.txt; cksum src/beta/f2.txt
head -c 100 /dev/zero | wc -c
dd if=/dev/zero of=zero.bin bs=4096 count=16 2>/dev/null && wc -c < zero.bin
truncate -s 1M sparse && stat -c '%s' sparse
date -u -d @86400 '+%Y-%m-%d %H:%M:%S'
expr 6 \* 7; echo $((2 ** 40)); basename /a/b/c.txt .txt; dirname /a/b/c.txt
id -un; hostname; uname -s -m; nproc | awk '{ print ($1 > 0) ? "nproc ok" : "nproc bad" }'
