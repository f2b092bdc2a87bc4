# Here-documents: expanded, quoted, tab-stripped, into loops and commands.
cd "$TEST_TMP" || exit 99
name=world
while read -r line; do echo "[$line]"; done <<EOF
hello $name
sum $((2 + 3))
cmd $(echo sub)
escaped \$name
EOF
while read -r line; do echo "[$line]"; done <<'EOF'
hello $name
sum $((2 + 3))
EOF
while read -r line; do echo "[$line]"; done <<-EOF
	tab stripped $name
		two tabs
EOF
cat <<EOF
through cat: $name
EOF
wc -l <<EOF
1
2
3
EOF
read a b <<EOF
first second third
EOF
echo "a=$a b=$b"
f() {
	cat <<END
in a function: $1
END
}
f arg
