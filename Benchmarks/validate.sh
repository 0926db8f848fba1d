#!/usr/bin/env bash
# Benchmark of `taizhang validate` against `xmllint --schema` on the same files (release build).
#   Benchmarks/validate.sh [COMMUNITIES] [RUNS]     default 640 communities, 21 runs each
#   TAIZHANG_BIN=path                               measure that binary instead of building
# Both sides do the same XML work: parse checklists/taizhang.xml, expand its XIncludes, and
# validate the result against checklists/schema/taizhang.xsd. xmllint needs
# --nofixup-base-uris for that: by default XInclude adds xml:base attributes to the included
# roots, which the schema rejects (Taizhang parses with XML_PARSE_NOBASEFIX for the same
# reason). Taizhang also builds the model and runs its semantic checks; that is the wrapper
# overhead the goal bounds. It also times start-up alone (`taizhang --help`, `xmllint --version`,
# and `taizhang validate` of a missing workspace, validate's own start-up).
# Both must accept the workspace and both must reject a copy with a
# schema error, or the script fails. Runs alternate; medians of wall and CPU time are compared.
# With a C compiler it also times the floor: Benchmarks/validate-floor.c makes the same libxml2
# calls and nothing else, so `taizhang validate` splits into its start-up, that libxml2 work
# and its own work (positions, model, semantic checks), each against the floor's.
# With valgrind installed it also counts instructions (callgrind), which a busy machine does
# not disturb.
set -euo pipefail
cd "$(dirname "$0")/.."
communities=${1:-640}
runs=${2:-21}
work=$(mktemp -d /tmp/taizhang-validatebench.XXXXXX)
trap 'rm -rf "$work"' EXIT

if [ -n "${TAIZHANG_BIN:-}" ]; then
  bin=$TAIZHANG_BIN
else
  swift build -c release --product taizhang >/dev/null
  bin=$(swift build -c release --show-bin-path)/taizhang
fi
command -v xmllint >/dev/null || { echo "needs xmllint (apt-get install libxml2-utils)" >&2; exit 69; }
python3 Benchmarks/make-workspace.py . "$work/ws" "$communities" >/dev/null
lint() { xmllint --noout --xinclude --nofixup-base-uris --schema "$1/checklists/schema/taizhang.xsd" "$1/checklists/taizhang.xml"; }
ours() { "$bin" validate --workspace "$1"; }

# Same verdicts: both accept the workspace, both reject a copy with one schema error.
lint "$work/ws" 2>/dev/null || { echo "xmllint rejects the workspace:" >&2; lint "$work/ws"; exit 1; }
ours "$work/ws" >/dev/null 2>&1 || { echo "taizhang rejects the workspace:" >&2; ours "$work/ws"; exit 1; }
cp -a "$work/ws" "$work/bad"
python3 - "$work/bad/checklists/street.xml" <<'PY'
import sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
open(path, "w", encoding="utf-8").write(text.replace("<community ", "<community colour=\"red\" ", 1))
PY
if lint "$work/bad" 2>/dev/null; then echo "xmllint accepts a schema error" >&2; exit 1; fi
if ours "$work/bad" >/dev/null 2>&1; then echo "taizhang accepts a schema error" >&2; exit 1; fi
floor=""
cc=$(command -v cc || command -v clang || true)
if [ -n "$cc" ] && pkg-config --exists libxml-2.0 \
  && "$cc" -O2 -o "$work/validate-floor" Benchmarks/validate-floor.c $(pkg-config --cflags --libs libxml-2.0); then
  floor="$work/validate-floor"
  "$floor" "$work/ws/checklists/schema/taizhang.xsd" "$work/ws/checklists/taizhang.xml" 2>/dev/null \
    || { echo "the floor program rejects the workspace" >&2; exit 1; }
  if "$floor" "$work/bad/checklists/schema/taizhang.xsd" "$work/bad/checklists/taizhang.xml" 2>/dev/null; then
    echo "the floor program accepts a schema error" >&2; exit 1
  fi
else
  echo "floor: not measured (needs cc or clang and libxml2-dev)"
fi
echo "communities: $communities; $(find "$work/ws/checklists" -name '*.xml' | wc -l) XML files, $(($(cat "$work"/ws/checklists/*.xml "$work"/ws/checklists/*/*.xml | wc -c) / 1024)) KiB; both accept it and reject a copy with a schema error"

# Alternating runs, timed from the parent: wall time and the child's user+system CPU (rusage).
python3 - "$runs" "$bin" "$work/ws" "$floor" <<'PY'
import os, statistics, subprocess, sys, time
runs, binary, ws, floor = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
commands = {
    "xmllint --xinclude --schema": ["xmllint", "--noout", "--xinclude", "--nofixup-base-uris",
                                    "--schema", ws + "/checklists/schema/taizhang.xsd", ws + "/checklists/taizhang.xml"],
    "taizhang validate": [binary, "validate", "--workspace", ws],
    # Start-up alone: the share of either command that is not XML work.
    "xmllint --version": ["xmllint", "--version"],
    "taizhang --help": [binary, "--help"],
    # validate's own start-up: a plain validate command line skips ArgumentParser, which
    # --help goes through, so this is the start-up figure to subtract from validate.
    "taizhang validate (no workspace)": [binary, "validate", "--workspace", "/nonexistent-taizhang-workspace"],
}
if floor:
    commands["floor: same libxml2 calls in C"] = [floor, ws + "/checklists/schema/taizhang.xsd", ws + "/checklists/taizhang.xml"]
    commands["floor: C start-up"] = [floor, "--start-only"]
samples = {name: [] for name in commands}
for _ in range(runs):
    for name, argv in commands.items():
        start = time.perf_counter()
        child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        if status != 0 and name != "taizhang validate (no workspace)":
            sys.exit(f"{name} failed")
        samples[name].append((wall, usage.ru_utime + usage.ru_stime))
medians = {}
for name, rows in samples.items():
    medians[name] = (statistics.median(r[0] for r in rows), statistics.median(r[1] for r in rows))
    print(f"{name:32s} {medians[name][0] * 1000:7.1f} ms wall {medians[name][1] * 1000:7.1f} ms CPU (median of {runs})")
(lw, lc), (ow, oc), (sw, sc), (hw, hc), (vw, vc) = list(medians.values())[:5]
print(f"validate / xmllint: {ow / lw:.2f}x wall, {oc / lc:.2f}x CPU (goal <= 1.2)")
print(f"start-up (--help / xmllint --version): {hw * 1000:.1f} / {sw * 1000:.1f} ms wall, {hc * 1000:.1f} / {sc * 1000:.1f} ms CPU;"
      f" validate without start-up / xmllint without start-up: {(oc - hc) / max(lc - sc, 1e-9):.2f}x CPU")
print(f"validate's own start-up (no workspace): {vc * 1000:.1f} ms CPU; validate without it / xmllint without start-up:"
      f" {(oc - vc) / max(lc - sc, 1e-9):.2f}x CPU")
if floor:
    (fw, fc), (cw, cc) = medians["floor: same libxml2 calls in C"], medians["floor: C start-up"]
    xml = fc - cc
    own = oc - vc - xml
    print(f"floor (C, same libxml2 calls) / xmllint: {fc / lc:.2f}x CPU; validate / floor: {oc / fc:.2f}x CPU")
    print(f"validate, CPU: start-up {vc * 1000:.1f} ms (C: {cc * 1000:.1f}) + libxml2 work {xml * 1000:.1f} ms (as the floor's)"
          f" + its own work {own * 1000:.1f} ms (XInclude pre-check, positions, model, semantic checks)")
    print(f"start-up and libxml2 alone / xmllint: {(vc + xml) / lc:.2f}x CPU; for 1.2x its own work would have to fit in"
          f" {max(1.2 * lc - vc - xml, 0) * 1000:.1f} ms")
PY

if command -v valgrind >/dev/null; then
  count() {  # instructions executed by a command, all threads
    valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$@" >/dev/null 2>"$work/cg.err" || true
    grep -o 'Collected : [0-9]*' "$work/cg.err" | grep -o '[0-9]*$' || true
  }
  li=$(count xmllint --noout --xinclude --nofixup-base-uris --schema "$work/ws/checklists/schema/taizhang.xsd" "$work/ws/checklists/taizhang.xml")
  oi=$(count "$bin" validate --workspace "$work/ws")
  if [ -n "$li" ] && [ -n "$oi" ]; then
    python3 -c "print(f'instructions (callgrind): xmllint {$li / 1e6:.1f} M, taizhang {$oi / 1e6:.1f} M, ratio {$oi / $li:.2f}x')"
  else
    echo "instructions (callgrind): not counted (valgrind stopped on one of the binaries; 3.19 cannot run this Swift build)"
  fi
fi
