# gdb settings for debugging umk as a normal process:
#   gdb -x umk.gdb --args ./umk run -- /bin/sh -c 'echo hi'
#   (gdb) break sys_getpid
#   (gdb) run
#   (gdb) bt          # the kernel path on the task's own kernel stack
#
# umk waits for its stub processes with waitpid (SIGCHLD) and ignores
# SIGPIPE; neither concerns the person debugging.  umk starts stubs with
# clone(CLONE_VM|CLONE_VFORK) + execveat: gdb must let go of them, since
# umk itself traces them.
handle SIGCHLD nostop noprint pass
handle SIGPIPE nostop noprint pass
set detach-on-fork on
set follow-fork-mode parent
set follow-exec-mode same
set print thread-events off
set pagination off
