#!/usr/bin/env bash
# Benchmark of the web page: 16 concurrent clients tick over loopback (release build); each
# tick is a POST plus the GET of the page it redirects to, as a browser does.
#   Benchmarks/web.sh [CLIENTS] [TICKS_PER_CLIENT]
# Prints ticks/s and p50/p90/p99 latency, then checks the audit trail holds every tick.
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${1:-16}
per=${2:-200}
work=$(mktemp -d /tmp/taizhang-webbench.XXXXXX)
port=$((20000 + RANDOM % 20000))
cleanup() { [ -n "${server:-}" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

swift build -c release --product taizhang >/dev/null
bin=$(swift build -c release --show-bin-path)/taizhang
python3 Benchmarks/make-workspace.py . "$work/ws" "$clients"
"$bin" generate --workspace "$work/ws" --community c0003 >/dev/null
ls "$work"/ws/output/*/"03 "*/*/ | grep -oE '^[0-9]{2}\.[0-9]{2}' | sort -u >"$work/items"
echo "bench-password" | "$bin" user add p03 --password-stdin --workspace "$work/ws" >/dev/null
"$bin" serve --host 127.0.0.1 --port "$port" --workspace "$work/ws" 2>/dev/null &
server=$!
for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$port/login" && break; sleep 0.2; done

python3 Benchmarks/web-clients.py "http://127.0.0.1:$port" "$clients" "$per" "$work/items"
events=$("$bin" log --workspace "$work/ws" --format json | grep -c '"kind" : "item"')
expected=$((clients * per))
echo "audit events for items: $events of $expected ($([ "$events" -eq "$expected" ] && echo 'none lost' || echo MISMATCH))"
