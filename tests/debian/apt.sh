# debian/apt: what dpkg and apt know about the installed system.
cd /tmp || exit 1
apt list --installed 2>/dev/null | head -n 20
apt list --installed 2>/dev/null | wc -l
dpkg -L make
dpkg -L coreutils | grep -c /usr/bin/
dpkg -s bash | grep -E '^(Package|Status|Priority|Architecture):'
dpkg-query -W -f '${Package} ${Version} ${db:Status-Abbrev}\n' | sort | head -n 15
dpkg -S /bin/ls /usr/bin/gcc-12
dpkg --verify coreutils make; echo "verify: exit $?"
dpkg-query -W nosuchpackage; echo "missing package: exit $?"
apt-cache policy gcc 2>&1 | head -n 4
apt-config dump | grep -E '^(APT::Architecture|Dir::State) '
