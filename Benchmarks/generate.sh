#!/usr/bin/env bash
# Benchmark of `taizhang generate` at city scale (release build).
#   Benchmarks/generate.sh [N]     N communities, default 640
# Prints: cold generation, no-op regeneration, files written, peak memory, and `cp -a` of the
# same tree as the file-system floor.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-640}
work=$(mktemp -d /tmp/taizhang-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

swift build -c release --product taizhang >/dev/null
bin=$(swift build -c release --show-bin-path)/taizhang
python3 Benchmarks/make-workspace.py . "$work/ws" "$n"
"$bin" validate --workspace "$work/ws" 2>&1 | tail -1

measure() {  # label, command…: prints wall seconds and peak RSS
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out" 2>"$work/err" || { cat "$work/err"; exit 1; }
  read -r secs kb <"$work/time"
  printf '%-28s %8.2f s   peak %6d MiB\n' "$label" "$secs" $((kb / 1024))
}

echo "communities: $n"
measure "cold generation" "$bin" generate --workspace "$work/ws"
tail -2 "$work/out"
pack=$(ls -d "$work"/ws/output/*/)
files=$(find "$pack" -type f | wc -l)
dirs=$(find "$pack" -type d | wc -l)
bytes=$(du -sb "$pack" | cut -f1)
echo "pack: $files files, $dirs folders, $((bytes / 1024 / 1024)) MiB"
measure "no-op regeneration" "$bin" generate --workspace "$work/ws"
tail -2 "$work/out" | head -1
measure "cp -a (file-system floor)" cp -a "$pack" "$work/copy"
