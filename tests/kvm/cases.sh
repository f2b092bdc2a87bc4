# tests/kvm/cases.sh: sourced by tests/kvm/suite (inside the VM) and
# tests/kvm/check (outside it), which judge run-tests logs alike.

# cases TEST LOG: the differing cases run-tests named for TEST in LOG,
# or "*" when it named none.
cases() {
	awk -v t="$1" '$1 == "FAIL" || $1 == "PASS" { cur = ($2 == t) }
		cur && /cases that differ:/ { sub(/.*cases that differ: */, ""); print; found = 1; exit }
		END { if (!found) print "*" }' "$2"
}

# covered TEST KVMLOG PTRACELOG: whether TEST failed under ptrace and
# every case that differs in KVMLOG differs under ptrace too (any case,
# when ptrace named none): the VM's kernel, the oracle there, disagrees
# with both engines alike.
covered() {
	local kc pc c
	grep -qxF "FAIL $1" "$3" || return 1
	pc=$(cases "$1" "$3")
	[ "$pc" = "*" ] && return 0
	kc=$(cases "$1" "$2")
	[ "$kc" = "*" ] && return 1
	for c in $kc; do
		case " $pc " in *" $c "*) ;; *) return 1 ;; esac
	done
	return 0
}
