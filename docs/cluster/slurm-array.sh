#!/usr/bin/env bash
# Grade a class as a Slurm job array: task I of N grades a deterministic 1/N of the
# submissions (the same split on every node), then one job merges the shards.
#
# Once, before the array (never inside it: tasks starting together would each make a key,
# or install into one folder at once):
#   python -m venv /shared/backprop-lab/venv
#   /shared/backprop-lab/venv/bin/pip install /path/to/backprop-lab   # or a built wheel
#   (umask 077; python -c 'import secrets; print(secrets.token_hex(32))' \
#       > /shared/backprop-lab/signing.key)
# Then (the shard count is the array's size, written once, here):
#   JOB=$(sbatch --parsable --array=0-7 docs/cluster/slurm-array.sh /shared/class /shared/out)
#   sbatch --dependency=afterany:$JOB --wrap \
#     "/shared/backprop-lab/venv/bin/grade merge /shared/out/shard-* --out /shared/out/class"
# grade merge refuses a set with a shard missing, repeated or interrupted (a task that died or
# hit its time limit; rerun that task: it skips finished students) unless --allow-incomplete,
# and refuses reports whose signature does not verify with the shared key.
#
# Isolation: bubblewrap where the nodes allow unprivileged user namespaces (most do); if they
# do not, grade batch refuses to run, and adding `--isolation limits-only` below grades with
# resource limits only (README, "What the sandbox guarantees"). Network: none needed.
#
#SBATCH --job-name=backprop-lab-grade
#SBATCH --cpus-per-task=4
#SBATCH --mem=8G
#SBATCH --time=01:00:00
set -euo pipefail
SUBMISSIONS=${1:?submissions folder}
OUT=${2:?output folder}
PREFIX=${BACKPROP_LAB_PREFIX:-/shared/backprop-lab}
export BACKPROP_LAB_KEY=${BACKPROP_LAB_KEY:-$PREFIX/signing.key}
if [ ! -r "$BACKPROP_LAB_KEY" ]; then
    echo "no signing key at $BACKPROP_LAB_KEY: create it once before the array (see above)" >&2
    exit 2
fi
SHARDS=${SLURM_ARRAY_TASK_COUNT:?run with sbatch --array=0-(N-1)}
INDEX=${SLURM_ARRAY_TASK_ID}
"$PREFIX/venv/bin/grade" batch "$SUBMISSIONS" --out "$OUT/shard-$INDEX" \
    --shard "$INDEX/$SHARDS" -j "$SLURM_CPUS_PER_TASK"
