#!/bin/bash
# bench/cbuild-guest.sh: the cbuild benchmark's guest side.  Runs inside
# the Debian root (natively in a chroot, under umk, under PRoot) with
# this folder at /t: copies the generated project (/t/cproject) to /tmp,
# builds it with make -j2, runs the program and prints
#   cbuild_ms MILLISECONDS    the wall time of make -j2 alone
#   checksum N                the program's output, the same everywhere
set -eu
cp -r /t/cproject /tmp/proj
cd /tmp/proj
start=$(date +%s%N)
make -j2 -s CC=gcc
end=$(date +%s%N)
./prog
echo "cbuild_ms $(( (end - start) / 1000000 ))"
