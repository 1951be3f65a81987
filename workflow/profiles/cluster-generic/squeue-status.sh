#!/bin/sh
# Status of one SLURM job for Snakemake's cluster-generic executor
# (cluster-generic-status-cmd): prints running, success or failed; always exits 0
# (a non-zero exit aborts Snakemake). Asks squeue, which works without SLURM
# accounting and lists finished jobs for MinJobAge seconds (300 by default);
# only for a job squeue no longer knows does it ask sacct.
jobid=$1
if out=$(squeue --noheader --states=all --jobs="$jobid" --format=%T 2>&1); then
  state=$(printf '%s\n' "$out" | head -n 1)
else
  case "$out" in
    *"Invalid job id"*) state=$(sacct --noheader -X --jobs="$jobid" --format=State 2>/dev/null | awk 'NR == 1 {print $1}') ;;
    *) echo running; exit 0 ;;   # controller busy or unreachable: ask again at the next poll
  esac
fi
case "$state" in
  COMPLETED) echo success ;;
  PENDING|CONFIGURING|RUNNING|COMPLETING|SUSPENDED|PREEMPTED|REQUEUED|REQUEUE_FED|REQUEUE_HOLD|RESIZING|SIGNALING|STAGE_OUT|STOPPED) echo running ;;
  *) echo failed ;;   # CANCELLED, FAILED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, ..., or unknown to squeue and sacct
esac
