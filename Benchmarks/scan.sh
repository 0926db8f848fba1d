#!/usr/bin/env bash
# Benchmark of `taizhang scan` against sha256sum on the same files (release build).
#   Benchmarks/scan.sh [COMMUNITIES] [FILES_PER_COMMUNITY] [KB_PER_FILE]
#   TAIZHANG_BIN=path   measure that binary instead of building
# Fills the synthetic pack's item folders with random files, then times a first scan (every
# file hashed, on both cores), a repeat scan (nothing changed: nothing re-read), sha256sum on
# one core and `xargs -P2 sha256sum` on two. The page cache is dropped before each command
# when the machine allows it (root), so every contender reads from disk.
set -euo pipefail
cd "$(dirname "$0")/.."
communities=${1:-100}
per=${2:-200}
kb=${3:-64}
work=$(mktemp -d /tmp/taizhang-scanbench.XXXXXX)
trap 'rm -rf "$work"' EXIT

if [ -n "${TAIZHANG_BIN:-}" ]; then
  bin=$TAIZHANG_BIN
else
  swift build -c release --product taizhang >/dev/null
  bin=$(swift build -c release --show-bin-path)/taizhang
fi
python3 Benchmarks/make-workspace.py . "$work/ws" "$communities"
"$bin" generate --workspace "$work/ws" >/dev/null
python3 - "$work/ws/output" "$per" "$kb" <<'PY'
import os, random, sys
root, per, kb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(1)
block = os.urandom(kb * 1024)
for pack in os.listdir(root):
    for unit in sorted(os.listdir(os.path.join(root, pack))):
        base = os.path.join(root, pack, unit)
        if not os.path.isdir(base) or unit.startswith("00"): continue
        items = [os.path.join(base, b, i) for b in sorted(os.listdir(base)) if os.path.isdir(os.path.join(base, b))
                 for i in sorted(os.listdir(os.path.join(base, b))) if os.path.isdir(os.path.join(base, b, i))]
        for n in range(per):
            folder = items[n % len(items)]
            with open(os.path.join(folder, f"扫描件{n:04d}.pdf"), "wb") as f:
                f.write(block[: rng.randint(kb * 512, kb * 1024)] + n.to_bytes(4, "big"))
PY
files=$(find "$work/ws/output" -name '扫描件*' | wc -l)
bytes=$(find "$work/ws/output" -name '扫描件*' -printf '%s\n' | awk '{s+=$1} END {print s}')
echo "files: $files, $((bytes / 1024 / 1024)) MiB"
t() {
  local start end
  sync; (echo 3 > /proc/sys/vm/drop_caches) 2>/dev/null || true
  start=$(date +%s.%N); "$@" >/dev/null; end=$(date +%s.%N)
  last=$(python3 -c "print(f'{$end - $start:.3f}')")
  printf '%8.2f s\n' "$last"
}
printf '%-34s' "taizhang scan (first, both cores)"; t "$bin" scan --workspace "$work/ws"; first=$last
printf '%-34s' "taizhang scan (repeat, no changes)"; t "$bin" scan --workspace "$work/ws"; repeat=$last
find "$work/ws/output" -name '扫描件*' -print0 >"$work/list"
printf '%-34s' "sha256sum (one core)"; t sh -c "xargs -0 sha256sum <'$work/list'"
printf '%-34s' "xargs -P2 sha256sum (two cores)"; t sh -c "xargs -0 -P2 -n 500 sha256sum <'$work/list'"; floor=$last
python3 -c "print(f'first / xargs -P2 sha256sum: {$first / $floor:.2f}x (goal <= 1.1); repeat / first: {$repeat / $first:.2f}x (goal <= 0.2)')"
