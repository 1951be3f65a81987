#!/bin/bash
# Start a private single-node Slurm cluster on 127.0.0.1 (Debian bookworm, as root, no systemd):
#     tests/slurm/start-slurm.sh DIR
# munged, slurmctld and slurmd run with every file under DIR (created if needed):
#     DIR/slurm.conf   the configuration (from ./slurm.conf)
#     DIR/run/*.pid    pid files read by stop-slurm.sh;  DIR/log/*.log  daemon logs
# /etc/slurm/slurm.conf becomes a symlink to DIR/slurm.conf: Snakemake's jobstep
# executor drops SLURM_CONF (all SLURM_* variables) before its `srun` inside a
# cluster job, so only the default path reaches that srun. An existing
# /etc/slurm/slurm.conf (a real cluster's) is never replaced: the script fails.
# Ports: SLURMCTLD_PORT (default 16817) and SLURMD_PORT (default 16818).
# Prerequisite: apt-get install -y slurm-wlm munge
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
DIR=${1:?usage: start-slurm.sh DIR}
mkdir -p "$DIR"; DIR=$(cd "$DIR" && pwd)
HOST=$(hostname -s)
CPUS=$(nproc); [ "$CPUS" -ge 2 ] || CPUS=2   # the profiles' group jobs ask for up to 2 CPUs
MEM=$(( $(awk '/MemTotal/{print int($2/1024)}' /proc/meminfo) * 85 / 100 ))
mkdir -p "$DIR"/{run,log,state,spool,munge}
# munged insists: key dir private, socket dir (and its parents) traversable by all
chmod 755 "$DIR" "$DIR/run"; chmod 700 "$DIR/munge"
sed -e "s#@DIR@#$DIR#g" -e "s#@HOST@#$HOST#g" -e "s#@CPUS@#$CPUS#g" -e "s#@MEM@#$MEM#g" \
    -e "s#@CTLD_PORT@#${SLURMCTLD_PORT:-16817}#g" -e "s#@SLURMD_PORT@#${SLURMD_PORT:-16818}#g" \
    "$HERE/slurm.conf" > "$DIR/slurm.conf"
export SLURM_CONF="$DIR/slurm.conf"
ETC=/etc/slurm/slurm.conf
# a symlink whose target is gone is a leftover of an earlier test run
if [ -L "$ETC" ] && [ ! -e "$ETC" ]; then rm -f "$ETC"; fi
if [ -e "$ETC" ] && [ "$(readlink -f "$ETC")" != "$SLURM_CONF" ]; then
  echo "start-slurm.sh: $ETC exists (a real SLURM configuration?); not replacing it" >&2; exit 2
fi
mkdir -p /etc/slurm; ln -sfn "$SLURM_CONF" "$ETC"
# --- munged with its own key and socket
if [ ! -s "$DIR/munge/munge.key" ]; then
  dd if=/dev/urandom bs=1 count=1024 of="$DIR/munge/munge.key" status=none
  chmod 400 "$DIR/munge/munge.key"
fi
/usr/sbin/munged --force --socket="$DIR/run/munge.socket" --key-file="$DIR/munge/munge.key" \
    --pid-file="$DIR/run/munged.pid" --seed-file="$DIR/munge/munged.seed" --log-file="$DIR/log/munged.log"
for i in $(seq 1 50); do [ -S "$DIR/run/munge.socket" ] && break; sleep 0.1; done
munge -S "$DIR/run/munge.socket" -n | unmunge -S "$DIR/run/munge.socket" > /dev/null
echo "munged pid $(cat "$DIR/run/munged.pid")"
# --- slurmctld + slurmd (both daemonize and write their pid files)
/usr/sbin/slurmctld -f "$SLURM_CONF"
/usr/sbin/slurmd -f "$SLURM_CONF"
for i in $(seq 1 100); do
  sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)$' && break; sleep 0.2
done
echo "slurmctld pid $(cat "$DIR/run/slurmctld.pid"), slurmd pid $(cat "$DIR/run/slurmd.pid")"
sinfo -h -o '%T' | grep -qE '^(idle|mixed|allocated)$' || { sinfo; tail -5 "$DIR/log/slurmctld.log" "$DIR/log/slurmd.log"; echo "node not idle" >&2; exit 1; }
sinfo
