#!/usr/bin/env bash
# Benchmark of the web page under load (release build), with wrk and Benchmarks/wrk/tick.lua.
#   Benchmarks/web.sh [CONNECTIONS] [SECONDS]        (defaults: 16 connections, 20 s)
#
# Each connection is one browser: signed in with its own session and CSRF token (by curl,
# through the real sign-in form), it ticks an item of its community with the items page's
# form (POST /items/tick, or /items/untick for 撤销一步) and then loads the page the 303 names,
# as a browser reloads the list. Two people share each community (its lead and p03 of the
# preparation team), so ticks sometimes meet on the same item. A third of the item folders
# hold a user's file, so the page counts real files.
#
# Prints ticks/s, the latency of the tick + reload pair (p50/p90/p99) and of single requests,
# the server's CPU time per tick and wrk's own CPU (the load generator must not be the
# bottleneck). Exits 1 if a tick or reload failed, or if the audit log does not hold one event
# per acknowledged change (no lost ticks; a tick the run cut off may add one).
#
# Then the framework's floor, with the same wrk script and connections: a bare Hummingbird
# server (Benchmarks/web-floor, product taizhang-web-floor) answering the tick with a 303 and
# the reload with the bytes of a real items page saved from this run ("static page"), then with
# "hello" ("hello world"). Taizhang's server CPU per tick is printed against the static page's.
# WEB_FLOOR=0 skips the floor.
set -euo pipefail
cd "$(dirname "$0")/.."
connections=${1:-16}
seconds=${2:-20}
communities=$(((connections + 1) / 2))
work=$(mktemp -d /tmp/taizhang-webbench.XXXXXX)
port=$((20000 + RANDOM % 20000))
password="bench-password"
cleanup() { [ -n "${server:-}" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# TAIZHANG_BIN=path runs another build (a debug one, to try the script); figures are release's.
bin=${TAIZHANG_BIN:-}
floor=${WEB_FLOOR:-1}
if [ -z "$bin" ]; then
  swift build -c release --product taizhang >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
  if [ "$floor" != 0 ]; then
    swift build -c release --product taizhang-web-floor >>"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
  fi
  bin=$(swift build -c release --show-bin-path)/taizhang
fi
floor_bin=$(dirname "$bin")/taizhang-web-floor
if [ "$floor" != 0 ] && [ ! -x "$floor_bin" ]; then
  echo "no $floor_bin: build it (swift build -c release --product taizhang-web-floor) or set WEB_FLOOR=0" >&2
  exit 1
fi
python3 Benchmarks/make-workspace.py . "$work/ws" "$communities"
"$bin" generate --workspace "$work/ws" >/dev/null 2>"$work/generate.log"
# The items every community has (applies-when conditions differ between them).
for unit in $(seq 1 "$communities"); do
  ls "$work"/ws/output/*/"$(printf '%02d' "$unit") "*/*/ | grep -oE '^[0-9]{2}\.[0-9]{2}' | sort -u
done | sort | uniq -c | awk -v n="$communities" '$1 == n { print $2 }' >"$work/items"
n=0
for folder in "$work"/ws/output/*/*/*/[0-9][0-9].[0-9][0-9]\ */; do
  n=$((n + 1))
  if ((n % 3 == 0)); then printf 'scan %d\n' "$n" >"$folder/扫描件.pdf"; fi
done
people=(p03)
for i in $(seq 1 "$communities"); do people+=("$(printf 'pc%04d' "$i")"); done
for person in "${people[@]}"; do
  echo "$password" | "$bin" user add "$person" --password-stdin --workspace "$work/ws" >/dev/null
done

"$bin" serve --host 127.0.0.1 --port "$port" --workspace "$work/ws" 2>"$work/serve.log" &
server=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -s -o /dev/null "$base/login" && break; sleep 0.1; done

# One session per connection: connection k works in community ceil(k/2), as its lead (odd k)
# or as p03 (even k).
csrf() { awk '!found && match($0, /name="csrf" value="[^"]+"/) { print substr($0, RSTART + 19, RLENGTH - 20); found = 1 }'; }
: >"$work/sessions"
for k in $(seq 1 "$connections"); do
  community=$(printf 'c%04d' $(((k + 1) / 2)))
  if ((k % 2 == 1)); then person=$(printf 'pc%04d' $(((k + 1) / 2))); else person=p03; fi
  jar="$work/jar$k"
  token=$(curl -s -c "$jar" -b "$jar" "$base/login" | csrf)
  curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf=$token" --data-urlencode "person=$person" \
    --data-urlencode "password=$password" "$base/login"
  cookie=$(awk '$6 == "taizhang_session" { print $6 "=" $7 }' "$jar")
  form=$(curl -s -b "$jar" "$base/items?unit=$community" | csrf)
  if [ -z "$cookie" ] || [ -z "$form" ]; then
    echo "sign-in of $person failed" >&2
    exit 1
  fi
  echo "$cookie $form $community" >>"$work/sessions"
done

ticks_per_second=$(getconf CLK_TCK)
TIMEFORMAT="%U %S"
# drive PID URL RESULT [ENV...]: one wrk run against the server PID at URL; prints wrk's
# figures and the server's CPU per tick, and leaves the server's ms per tick in RESULT.cpu.
drive() {
  local pid=$1 url=$2 result=$3
  shift 3
  local before after
  before=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
  { time env "$@" TICK_SESSIONS="$work/sessions" TICK_ITEMS="$work/items" TICK_RESULT="$result" \
    wrk -t "$connections" -c "$connections" -d "${seconds}s" --timeout 5s -s Benchmarks/wrk/tick.lua "$url" \
    | sed -n '/^ticks/,$p' >"$result.out"; } 2>"$result.time"
  after=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
  cat "$result.out"
  local ticks secs wrk_user wrk_system
  ticks=$(awk '$1 == "ticks" { print $2 }' "$result")
  secs=$(awk '$1 == "seconds" { print $2 }' "$result")
  read -r wrk_user wrk_system <"$result.time"
  python3 - "$ticks" "$secs" "$((after - before))" "$ticks_per_second" "$wrk_user" "$wrk_system" "$result.cpu" <<'PY'
import sys
ticks, secs, cpu, hz, wrk_user, wrk_system = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
server = cpu / hz
per_tick = 1000 * server / max(ticks, 1)
print(f"server CPU: {server:.2f} s = {server / secs:.2f} cores, {per_tick:.3f} ms per tick (2 requests)")
print(f"wrk CPU: {wrk_user + wrk_system:.2f} s = {(wrk_user + wrk_system) / secs:.2f} cores")
open(sys.argv[7], "w").write(f"{per_tick:.4f}\n")
PY
}
echo "== taizhang serve"
drive "$server" "$base" "$work/result"
result() { awk -v key="$1" '$1 == key { print $2 }' "$work/result"; }
ticks=$(result ticks)
changes=$(result changes)
# A reload page of this run, for the floor (the page of the first connection's community).
read -r cookie _ community <"$work/sessions"
curl -s -H "Cookie: $cookie" "$base/items?unit=$community" >"$work/page.html"

kill "$server"
wait "$server" 2>/dev/null || true
server=
events=$("$bin" log --workspace "$work/ws" --format json | grep -c '"kind" : "item"' || true)
status=0
# Every acknowledged change has its event; a tick still unanswered when wrk stopped may have
# been saved too (one per connection at most), so it may add one.
inflight=$(result inflight)
if [ "$events" -ge "$changes" ] && [ "$events" -le $((changes + inflight)) ]; then
  echo "audit events for items: $events for $changes acknowledged changes (+ at most $inflight unanswered): none lost"
else
  echo "audit events for items: $events for $changes acknowledged changes (+ at most $inflight unanswered): MISMATCH"
  status=1
fi
for key in failures socket_errors status_errors; do
  if [ "$(result "$key")" != 0 ]; then
    echo "FAILED: $key $(result "$key")"
    status=1
  fi
done
if [ "$ticks" -eq 0 ]; then echo "FAILED: no ticks"; status=1; fi

if [ "$floor" != 0 ]; then
  for kind in page hello; do
    floor_port=$((port + 1))
    if [ "$kind" = page ]; then
      echo "== floor: bare Hummingbird, the same requests, the reload answered with a saved items page ($(wc -c <"$work/page.html") bytes)"
      "$floor_bin" "$floor_port" "$work/page.html" 2>"$work/floor.log" &
    else
      echo "== floor: bare Hummingbird, the same requests, the reload answered with \"hello\""
      "$floor_bin" "$floor_port" 2>"$work/floor.log" &
    fi
    server=$!
    for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$floor_port/items" && break; sleep 0.1; done
    check=1
    [ "$kind" = hello ] && check=0
    drive "$server" "http://127.0.0.1:$floor_port" "$work/floor-$kind" TICK_CHECK_PAGE=$check
    kill "$server"
    wait "$server" 2>/dev/null || true
    server=
    for key in failures socket_errors status_errors; do
      value=$(awk -v key="$key" '$1 == key { print $2 }' "$work/floor-$kind")
      if [ "$value" != 0 ]; then
        echo "FAILED (floor $kind): $key $value"
        status=1
      fi
    done
  done
  python3 - "$(cat "$work/result.cpu")" "$(cat "$work/floor-page.cpu")" "$(cat "$work/floor-hello.cpu")" <<'PY'
import sys
app, page, hello = (float(x) for x in sys.argv[1:4])
print(f"server CPU per tick + reload: taizhang {app:.3f} ms, floor with the page {page:.3f} ms, hello world {hello:.3f} ms")
print(f"taizhang / floor with the page: {app / max(page, 1e-9):.2f}x; taizhang's own work: {app - page:.3f} ms per tick")
PY
fi
exit "$status"
