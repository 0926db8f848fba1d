#!/usr/bin/env bash
# Benchmark of concurrent ticking through the command line (release build).
#   Benchmarks/tick.sh [PROCESSES] [ROUNDS]
# Each process ticks every ledger item of its own community (one transaction per item), ROUNDS
# times alternating tick/untick, all processes at once against one tracker database. Prints
# ticks per second and checks that the audit trail has exactly one event per tick.
set -euo pipefail
cd "$(dirname "$0")/.."
p=${1:-8}
rounds=${2:-3}
work=$(mktemp -d /tmp/taizhang-tickbench.XXXXXX)
trap 'rm -rf "$work"' EXIT

swift build -c release --product taizhang >/dev/null
bin=$(swift build -c release --show-bin-path)/taizhang
python3 Benchmarks/make-workspace.py . "$work/ws" "$p"
# The items of community c0003 (no conditional attributes, so every community has them).
"$bin" generate --workspace "$work/ws" --community c0003 >/dev/null
items=$(ls "$work"/ws/output/*/"03 "*/*/ | grep -oE '^[0-9]{2}\.[0-9]{2}' | sort -u)
count=$(echo "$items" | wc -l)
echo "processes: $p, items per process: $count, rounds: $rounds"

start=$(date +%s.%N)
for i in $(seq 1 "$p"); do
  community=$(printf 'c%04d' "$i")
  (
    for r in $(seq 1 "$rounds"); do
      if (( r % 2 == 1 )); then
        "$bin" tick $items --community "$community" --by p03 --workspace "$work/ws" >/dev/null
      else
        "$bin" untick $items --community "$community" --by p03 --workspace "$work/ws" >/dev/null
      fi
    done
  ) &
done
wait
end=$(date +%s.%N)

total=$((p * count * rounds))
events=$("$bin" log --workspace "$work/ws" | wc -l)
python3 - "$start" "$end" "$total" "$events" <<'PY'
import sys
start, end, total, events = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
secs = end - start
print(f"ticks: {total} in {secs:.2f} s = {total / secs:.0f} ticks/s (including process start-up)")
print(f"audit events: {events} ({'none lost' if events == total else 'MISMATCH'})")
PY
