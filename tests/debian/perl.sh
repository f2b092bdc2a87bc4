# debian/perl: perl -e one-liners: hashes, sort, regexes, files, fork,
# pipes, core modules.
cd /tmp && mkdir work && cd work || exit 1
perl -e 'my %h; $h{$_ % 7} += $_ for 1..1000; print join(",", map { "$_=$h{$_}" } sort keys %h), "\n"'
perl -e 'my @w = sort { length($a) <=> length($b) or $a cmp $b } qw(user mode kernel umk ptrace stub); print "@w\n"'
perl -e '$_ = "2024-05-20 umk v1.2.3"; my @n = /(\d+)/g; print scalar(@n), " numbers: @n\n"; s/(\d+)/<$1>/g; print "$_\n"'
perl -e 'open(my $f, ">", "f.txt") or die; print $f "line $_\n" for 1..50; close $f;
	open($f, "<", "f.txt") or die; my @l = <$f>; print scalar(@l), " lines, last: $l[-1]";
	printf "size %d\n", -s "f.txt"; unlink "f.txt"; print -e "f.txt" ? "still there\n" : "unlinked\n"'
perl -e 'my $pid = fork; if ($pid == 0) { exit 5 } waitpid($pid, 0); print "child exit ", $? >> 8, "\n"'
perl -e 'open(my $p, "-|", "echo", "from", "a", "pipe") or die; print "read: ", <$p>; close $p; print "status $?\n"'
perl -e 'my $out = `printf "%s\n" c b a | sort`; $out =~ s/\n/ /g; print "backticks: $out\n"; system("false"); print "system: ", $? >> 8, "\n"'
perl -MDigest::MD5=md5_hex -MList::Util=sum,max -MPOSIX=floor -e 'print md5_hex("umk"), " ", sum(1..100), " ", max(3, 9, 2), " ", floor(-2.5), "\n"'
perl -MData::Dumper -e '$Data::Dumper::Sortkeys = 1; $Data::Dumper::Indent = 1; print Dumper({ a => [1, 2], b => { c => undef } })'
perl -e 'local $SIG{ALRM} = sub { print "alarm caught\n" }; alarm 1; select(undef, undef, undef, 1.5); print "after select\n"'
perl -e 'print "sprintf: ", sprintf("%05.1f|%-4s|%x|%e", 3.14159, "ab", 255, 12345.678), "\n"; print "done\n"; exit 2'
echo "perl: exit $?"
