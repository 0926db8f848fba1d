#!/usr/bin/env bash
# District benchmark (#14 item 7): STREETS streets × COMMUNITIES communities in one district;
# two `serve --district` instances on one throwaway PostgreSQL database take CLIENTS clients
# over loopback (half each), then one instance on the streets' SQLite files takes the same.
# The load is wrk with Benchmarks/wrk/district.lua: each client a street lead who signs in,
# then ticks items, each tick followed by the reload of the page it redirects to.
#   Benchmarks/district.sh            (STREETS=10 COMMUNITIES=20 CLIENTS=32 DURATION=20s)
# Prints ticks/s and p50/p99 latency (of every request: ticks, reloads and each client's first
# sign-in, one bcrypt check, which wrk cannot leave out) per run, and checks
# the audit trail: every acknowledged tick (303) is an event, and no event is not a sent tick
# (a tick wrk abandons when the time is up may still land: events lie between the two).
# Exits 1 when a check fails. Release build: .build/release/taizhang (or $TAIZHANG_BIN) when it is
# there, else it is built.
set -euo pipefail
cd "$(dirname "$0")/.."
streets=${STREETS:-10}
communities=${COMMUNITIES:-20}
clients=${CLIENTS:-32}
duration=${DURATION:-20s}
password=bench-password
[ $((clients / 2 * 2)) -eq "$clients" ] || { echo "CLIENTS must be even (two instances)" >&2; exit 64; }
[ $(((clients - 1) / streets + 1)) -le "$communities" ] || { echo "too few communities for $clients clients" >&2; exit 64; }
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 69; }

bin=${TAIZHANG_BIN:-.build/release/taizhang}
[ -x "$bin" ] || { swift build -c release --product taizhang >/dev/null; bin=$(swift build -c release --show-bin-path)/taizhang; }
bin=$(cd "$(dirname "$bin")" && pwd)/taizhang

work=$(mktemp -d /tmp/taizhang-district.XXXXXX)
servers=()
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
pgas=()
cleanup() {
  for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "$pgbin" ] && [ -d "$work/pg/data" ]; then "${pgas[@]}" "$pgbin/pg_ctl" -D "$work/pg/data" -m fast stop >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

python3 Benchmarks/make-district.py . "$work/district" "$streets" "$communities"
file="$work/district/district.xml"
leads=$(((clients - 1) / streets + 1))

# Accounts: the leads of communities 1…leads of every street (each client is one of them).
accounts() { # $@: extra options (--db)
  for s in $(seq -f %02g 1 "$streets"); do
    for k in $(seq -f %04g 1 "$leads"); do
      echo "$password" | "$bin" user add "pc$k" --password-stdin --workspace "$work/district/streets/s$s" "$@" >/dev/null
    done
  done
  echo "$password" | "$bin" user add --district "$file" qu01 --password-stdin "$@" >/dev/null
}

start() { # $1 port, then serve options
  local port=$1
  shift
  "$bin" serve --district "$file" --host 127.0.0.1 --port "$port" "$@" 2>>"$work/serve.log" &
  servers+=($!)
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/login" && return 0; sleep 0.2; done
  echo "serve on port $port did not start:" >&2
  cat "$work/serve.log" >&2
  exit 1
}

stop_servers() {
  for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${servers[@]}"; do wait "$pid" 2>/dev/null || true; done
  servers=()
}

# Item events in every street's audit trail.
events() { # $@: extra options (--db)
  local total=0 n
  for s in $(seq -f %02g 1 "$streets"); do
    n=$("$bin" log --workspace "$work/district/streets/s$s" --format json "$@" | grep -c '"kind" : "item"' || true)
    total=$((total + n))
  done
  echo "$total"
}

failed=0
# run LABEL PORT… : wrk against each port with CLIENTS/ports clients, then the figures.
run() {
  local label=$1
  shift
  local ports=("$@") per=$((clients / $#)) offset=0 i=0
  local pids=()
  for port in "${ports[@]}"; do
    DISTRICT_HISTOGRAM="$work/histogram-$i" wrk -t "$per" -c "$per" -d "$duration" --timeout 10s -s Benchmarks/wrk/district.lua \
      "http://127.0.0.1:$port" -- "$offset" "$streets" "$password" >"$work/wrk-$i.txt" 2>&1 &
    pids+=($!)
    offset=$((offset + per))
    i=$((i + 1))
  done
  if [ -n "${connections:-}" ]; then
    sleep 5
    local open
    open=$(psql -h 127.0.0.1 -p "$pgport" -U postgres -Atc "$connections" district)
    echo "$label: $open PostgreSQL connections open after 5 s (at most $((16 * ${#ports[@]})): 16 per instance)"
    if [ "$open" -gt $((16 * ${#ports[@]})) ]; then
      echo "$label: TOO MANY CONNECTIONS: one pool per process holds at most 16"
      failed=1
    fi
  fi
  for pid in "${pids[@]}"; do wait "$pid"; done
  python3 - "$label" "$work" "$i" <<'PY'
import sys, re
label, work, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
totals = {}
histogram = {}
for i in range(runs):
    text = open(f"{work}/wrk-{i}.txt").read()
    match = re.search(r"RESULT (.*)", text)
    if not match:
        print(text); sys.exit(1)
    for failure in re.findall(r"FAILURE (.*)", text):
        print("  failed:", failure)
    for pair in match.group(1).split():
        key, value = pair.split("=")
        totals[key] = max(totals.get(key, 0), int(value)) if key == "duration_us" else totals.get(key, 0) + int(value)
    for line in open(f"{work}/histogram-{i}"):
        value, count = map(int, line.split())
        histogram[value] = histogram.get(value, 0) + count
def percentile(p):
    total = sum(histogram.values())
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen * 100 >= p * total:
            return value
    return 0
seconds = totals["duration_us"] / 1e6
print(f"{label}: {totals['ticks']} ticks in {seconds:.1f} s = {totals['ticks'] / seconds:.0f} ticks/s "
      f"({totals['requests'] / seconds:.0f} requests/s), latency p50 {percentile(50) / 1000:.1f} ms, p99 {percentile(99) / 1000:.1f} ms; "
      f"failures {totals['failures']}, wrk errors {totals['errors']}")
open(f"{work}/counts", "w").write(f"{totals['sent']} {totals['ticks']} {totals['failures']}\n")
PY
}

check() { # LABEL EVENTS
  local sent ticks failures
  read -r sent ticks failures <"$work/counts"
  if [ "$2" -ge "$ticks" ] && [ "$2" -le "$sent" ] && [ "$failures" -eq 0 ] && [ "$ticks" -gt 0 ]; then
    echo "$1: audit events $2 = $ticks acknowledged ticks + $(($2 - ticks)) of the $((sent - ticks)) ticks in flight when wrk stopped: none lost"
  else
    echo "$1: MISMATCH: audit events $2, acknowledged ticks $ticks, sent $sent, failed requests $failures"
    failed=1
  fi
}

echo "district: $streets streets × $communities communities, $clients clients, $duration per run ($(nproc) cores)"

# PostgreSQL: a throwaway cluster on loopback, as in .ci/run, with the server's default
# max_connections (100): each serve --district holds one pool of at most 16 connections for all
# its streets.
if [ -n "$pgbin" ]; then
  mkdir -p "$work/pg"
  if [ "$(id -u)" = 0 ]; then chown postgres "$work/pg"; chmod 755 "$work"; pgas=(runuser -u postgres --); fi
  "${pgas[@]}" "$pgbin/initdb" -D "$work/pg/data" -A trust -U postgres >"$work/pg/initdb.log" 2>&1
  pgport=""
  for _ in 1 2 3 4 5; do
    port=$((55432 + RANDOM % 5000))
    if "${pgas[@]}" "$pgbin/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -w \
         -o "-c listen_addresses=127.0.0.1 -p $port -k $work/pg -c fsync=on" start >/dev/null 2>&1; then
      pgport=$port; break
    fi
  done
  [ -n "$pgport" ] || { echo "PostgreSQL could not be started" >&2; exit 1; }
  "$pgbin/createdb" -h 127.0.0.1 -p "$pgport" -U postgres district
  db="postgres://postgres@127.0.0.1:$pgport/district"
  accounts --db "$db"
  p1=$((20000 + RANDOM % 10000)); p2=$((p1 + 1))
  start "$p1" --db "$db"
  start "$p2" --db "$db"
  connections="select count(*) from pg_stat_activity where datname = 'district' and application_name like 'taizhang/%'"
  run "PostgreSQL, 2 instances" "$p1" "$p2"
  connections=""
  stop_servers
  check "PostgreSQL" "$(events --db "$db")"
else
  echo "PostgreSQL is not installed (apt-get install postgresql): its run is skipped"
fi

# SQLite: one instance, each street its own file.
accounts
p3=$((30000 + RANDOM % 10000))
start "$p3"
run "SQLite, 1 instance" "$p3"
stop_servers
check "SQLite" "$(events)"
exit "$failed"
