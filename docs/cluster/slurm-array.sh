#!/usr/bin/env bash
# Grade a class as a Slurm job array: task I of N grades a deterministic 1/N of the
# submissions (the same split on every node), then one job merges the shards.
#
#   sbatch --array=0-7 docs/cluster/slurm-array.sh /shared/class /shared/out
#   # when all tasks are done:
#   grade merge /shared/out/shard-* --out /shared/out/class
#
#SBATCH --job-name=backprop-lab-grade
#SBATCH --cpus-per-task=4
#SBATCH --mem=8G
#SBATCH --time=01:00:00
set -euo pipefail
SUBMISSIONS=${1:?submissions folder}
OUT=${2:?output folder}
SHARDS=${SLURM_ARRAY_TASK_COUNT:?run with sbatch --array=0-(N-1)}
INDEX=${SLURM_ARRAY_TASK_ID}
grade batch "$SUBMISSIONS" --out "$OUT/shard-$INDEX" --shard "$INDEX/$SHARDS" -j "$SLURM_CPUS_PER_TASK"
