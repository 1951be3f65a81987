#!/bin/bash
# Stop what `start-slurm.sh DIR` started, by PID from DIR/run/*.pid (slurmd, slurmctld, munged):
#     tests/slurm/stop-slurm.sh DIR
# TERM, wait up to 10 s, then KILL; then removes the /etc/slurm/slurm.conf symlink
# start-slurm.sh made. Exits 0 once none of them is alive.
DIR=${1:?usage: stop-slurm.sh DIR}
rc=0
for name in slurmd slurmctld munged; do
  f="$DIR/run/$name.pid"
  [ -s "$f" ] || continue
  pid=$(cat "$f")
  # only a process that is still the daemon we started (pid files can outlive it)
  kill -0 "$pid" 2>/dev/null && grep -q "$name" "/proc/$pid/comm" 2>/dev/null || continue
  kill "$pid"
  for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; sleep 0.2; fi
  if kill -0 "$pid" 2>/dev/null; then echo "WARNING: $name ($pid) still alive" >&2; rc=1; else echo "stopped $name ($pid)"; fi
done
# the /etc/slurm/slurm.conf symlink, if it is ours
ETC=/etc/slurm/slurm.conf
if [ -L "$ETC" ] && [ "$(readlink "$ETC")" = "$(cd "$DIR" && pwd)/slurm.conf" ]; then rm -f "$ETC"; fi
exit $rc
