#!/usr/bin/env bash
# libFuzzer targets for the checklist loader and the walkthrough CSV reader (Linux).
#
#   Fuzz/fuzz.sh build                      build both targets with -sanitize=fuzzer,address
#   Fuzz/fuzz.sh run loader|csv [RUNS] [libFuzzer options…]
#                                           fuzz one target (default 1,000,000 runs)
#
# The committed seed corpus is Fuzz/Corpus/<target>/; the growing working corpus, crash
# reproducers and logs go to Fuzz/.build/work/<target>/ (not committed). A crash reproducer is
# a file `crash-…` there: add it as a test and fix the cause.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build() {
    swift build --package-path "$here" -c release \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library "$@"
}
case "${1:-}" in
build)
    build
    ;;
run)
    target="${2:?loader or csv}"
    runs="${3:-1000000}"
    shift $(( $# < 3 ? $# : 3 ))
    case "$target" in
        loader) product=FuzzChecklistLoader; max_len=16384 ;;
        csv) product=FuzzCSVReader; max_len=8192 ;;
        *) echo "fuzz.sh: unknown target $target (loader or csv)" >&2; exit 64 ;;
    esac
    binary="$(build --show-bin-path)/$product"
    [ -x "$binary" ] || { echo "fuzz.sh: build first (Fuzz/fuzz.sh build)" >&2; exit 1; }
    work="$here/.build/work/$target"
    mkdir -p "$work/corpus"
    cd "$work"
    # Scratch files on tmpfs when there is one; leak checks off: Foundation leaks 4 KiB per
    # empty file read with FileManager.contents(atPath:) or Data(contentsOf:) (reported, not ours to fix here).
    [ -d /dev/shm ] && export TMPDIR=/dev/shm
    export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"
    exec "$binary" "$work/corpus" "$here/Corpus/$target" \
        -runs="$runs" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$@"
    ;;
*)
    sed -n '2,10p' "$0" >&2
    exit 64
    ;;
esac
