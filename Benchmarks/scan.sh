#!/usr/bin/env bash
# Benchmark of `taizhang scan` against sha256sum on the same files (release build).
#   Benchmarks/scan.sh [COMMUNITIES] [FILES_PER_COMMUNITY] [KB_PER_FILE]
#   TAIZHANG_BIN=path   measure that binary instead of building
# Fills the synthetic pack's item folders with random files, then times a first scan (every
# file hashed, on both cores), a repeat scan (nothing changed: nothing re-read), sha256sum on
# one core and `xargs -P2 sha256sum` on two: once with the page cache dropped before each
# command (root only; every contender reads from disk), once with the files read just before
# (hashing and overhead alone; the first scan starts without database and scan cache).
# Fails if a repeat scan hashes anything or a hash differs from sha256sum's.
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
for pack in sorted(os.listdir(root)):
    if not os.path.isdir(os.path.join(root, pack)): continue  # e.g. generate's run record
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
drop() { sync; (echo 3 > /proc/sys/vm/drop_caches) 2>/dev/null || true; }
warm() { xargs -0 cat <"$work/list" >/dev/null; }
fresh() { rm -rf "$work/ws/.taizhang" "$work"/ws/output/*/.taizhang-scan-cache; }  # a first scan: no database, no cache
t() {  # prepare (drop or warm), label, command…  Sets $last (wall) and $cpu (user + system, children included).
  local prepare=$1 label=$2 times user sys TIMEFORMAT='%R %U %S'; shift 2
  "$prepare"
  printf '%-40s' "$label"
  times=$( { time "$@" >/dev/null 2>"$work/stderr"; } 2>&1 ) || { cat "$work/stderr" >&2; exit 1; }
  read -r last user sys <<<"$times"
  cpu=$(python3 -c "print(f'{$user + $sys:.2f}')")
  printf '%8.2f s   cpu %6.2f s\n' "$last" "$cpu"
}
find "$work/ws/output" -name '扫描件*' -print0 >"$work/list"
cold=true
(sync; echo 3 > /proc/sys/vm/drop_caches) 2>/dev/null || cold=false
$cold || echo "(cannot drop the page cache here: the cold figures are warm too)"
echo "cold page cache (dropped before each command):"
t drop "  taizhang scan (first, both cores)" "$bin" scan --workspace "$work/ws"; first=$last; firstcpu=$cpu
t drop "  taizhang scan (repeat, no changes)" "$bin" scan --workspace "$work/ws"; repeat=$last
t drop "  sha256sum (one core)" sh -c "xargs -0 sha256sum <'$work/list'"; onecpu=$cpu
t drop "  xargs -P2 sha256sum (two cores)" sh -c "xargs -0 -P2 -n 500 sha256sum <'$work/list'"; floor=$last
echo "warm page cache (files read once before each command):"
fresh
t warm "  taizhang scan (first, both cores)" "$bin" scan --workspace "$work/ws"; wfirst=$last
t warm "  taizhang scan (repeat, no changes)" "$bin" scan --workspace "$work/ws"; wrepeat=$last
t warm "  xargs -P2 sha256sum (two cores)" sh -c "xargs -0 -P2 -n 500 sha256sum <'$work/list'"; wfloor=$last
python3 -c "print(f'cold: first / xargs -P2 sha256sum: {$first / $floor:.2f}x (goal <= 1.1); repeat / first: {$repeat / $first:.2f}x (goal <= 0.2)')"
python3 -c "print(f'warm: first / xargs -P2 sha256sum: {$wfirst / $wfloor:.2f}x (goal <= 1.1); repeat / first: {$wrepeat / $wfirst:.2f}x (goal <= 0.2)')"
python3 -c "print(f'cpu: first scan {$firstcpu} s (all of it: walk, hashing, database) vs sha256sum {$onecpu} s (hashing alone)')"
# Correctness: the repeat scans hashed nothing, and every hash agrees with sha256sum.
"$bin" scan --workspace "$work/ws" | tail -1 | grep -q " 0 hashed," || { echo "a repeat scan hashed files" >&2; exit 1; }
python3 - "$work/ws" "$files" <<'PY'
import glob, hashlib, os, sqlite3, sys
ws, files = sys.argv[1], int(sys.argv[2])
pack = glob.glob(os.path.join(ws, "output", "*", ""))[0]
rows = sqlite3.connect(os.path.join(ws, ".taizhang", "tracker.sqlite")).execute("SELECT path, sha256 FROM document").fetchall()
wrong = [p for p, h in rows if hashlib.sha256(open(os.path.join(pack, p), "rb").read()).hexdigest() != h]
scanned = sum(1 for p, _ in rows if "扫描件" in p)
if wrong or scanned != files:
    sys.exit(f"wrong hashes: {wrong[:3]}; {scanned} of {files} scanned files recorded")
print(f"checked: {len(rows)} recorded hashes agree with hashlib")
PY
