# debian/git: git init, add, commit, log, branch, merge and diff in a
# fresh repository.  Author, committer and dates are fixed, so the
# commit hashes are the same on every run and in both worlds.
cd /tmp && mkdir work && cd work || exit 1
export GIT_AUTHOR_NAME="A U Thor" GIT_AUTHOR_EMAIL=author@example.org
export GIT_COMMITTER_NAME="C O Mitter" GIT_COMMITTER_EMAIL=committer@example.org
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
t=1700000000
tick() { t=$((t + 60)); export GIT_AUTHOR_DATE="@$t +0000" GIT_COMMITTER_DATE="@$t +0000"; }

git init -q -b main repo && cd repo || exit 1
printf 'hello\n' > README
mkdir src && seq 1 100 > src/numbers && printf 'int main(void) { return 0; }\n' > src/main.c
git add . && tick && git commit -q -m "first commit"
echo "commit 1: exit $?"
seq 1 2 100 > src/numbers && echo world >> README
git status --porcelain
git diff --stat
tick && git commit -q -a -m "second: odd numbers"
git checkout -q -b topic
printf 'topic\n' > topic.txt && git add topic.txt && tick && git commit -q -m "topic work"
git checkout -q main
printf 'on main\n' >> README && tick && git commit -q -a -m "main work"
tick && git merge -q --no-edit topic && echo "merged"
git tag -a v1 -m "version 1"
git log --graph --format='%h %an %ad %s' --date=iso-strict
git log --stat --format='%H%n%B' -n 2 | sed '/^$/d'
git show --format=%T -s HEAD
git rev-parse HEAD HEAD^ HEAD^2 v1^{commit}
git cat-file -p HEAD | sed 1,3d
git ls-files -s | head -n 5
git diff HEAD~2 HEAD -- README
git branch -a --format='%(refname:short)'
git describe --tags
echo "untracked" > new.txt && git status --short --branch
git stash -u -q && git stash list | sed 's/: .*//' && git stash pop -q && ls new.txt
git rm -q --cached new.txt 2>/dev/null; git clean -q -f && git status --short
git fsck --no-progress 2>&1 | head -n 3; echo "fsck: exit ${PIPESTATUS[0]}"
git gc -q --no-prune 2>&1; echo "gc: exit $?"
git count-objects -v | grep -E '^(count|in-pack|packs):'
