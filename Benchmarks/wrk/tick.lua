-- wrk script for Benchmarks/web.sh: each wrk thread drives ONE connection (run wrk with as
-- many threads as connections, -t N -c N), signed in with its own session, and does what a
-- browser does when a person ticks an item on the items page: the form's POST to /items/tick
-- (or /items/untick for 撤销一步), then the GET of the page the 303 names (the reloaded list).
--
-- Environment (set by web.sh):
--   TICK_SESSIONS  file with one line per connection: "COOKIE CSRF UNIT" (signed in by web.sh)
--   TICK_ITEMS     file with the item codes to pick from, one per line
--   TICK_RESULT    file this script writes its counts to, for web.sh to check against the log
--   TICK_CHECK_PAGE  0: do not look for the item in the reloaded page (the hello-world floor)
--
-- Clients share communities (web.sh signs two people into each), so two of them sometimes
-- change the same item at once, as in real use: a tick that finds nothing to change is
-- answered "unchanged" (ok=unchanged in the redirect) and logs no event; every other
-- acknowledged tick must have exactly one event in the audit log.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } tick_timespec;
  int clock_gettime(int clock, tick_timespec *ts);
]]
local timespec = ffi.new("tick_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, timespec) -- CLOCK_MONOTONIC
  return tonumber(timespec.tv_sec) * 1000 + tonumber(timespec.tv_nsec) / 1e6
end

local function lines(path)
  local result = {}
  local file = assert(io.open(path, "r"), "cannot read " .. tostring(path))
  for line in file:lines() do
    if line ~= "" then result[#result + 1] = line end
  end
  file:close()
  return result
end

local function urlencode(text)
  return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

-- Main state: number the threads, so that each takes its own session.
local counter = 0
local threads = {}
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  threads[#threads + 1] = thread
end

-- Thread state.
local cookie, csrf, unit, items, check_page
local pending          -- nil: next is a tick; else the path to reload
local ticking          -- the item of the tick in flight
local unticking        -- whether that was 撤销一步
local started          -- when the tick's POST was made
local believed = {}    -- what this client last saw of each item (true: ticked)
latencies = {}         -- ms per tick + reload (read by done)
changes, unchanged, failures = 0, 0, 0
inflight = 0           -- 1 while a tick's POST awaits its answer (wrk may stop the run then)
failure = ""           -- the first failure, for the report

function init(args)
  local sessions = lines(os.getenv("TICK_SESSIONS"))
  local mine = assert(sessions[id], "no session for connection " .. id .. ": run wrk with -t N -c N, N <= sessions")
  cookie, csrf, unit = mine:match("^(%S+) (%S+) (%S+)$")
  items = lines(os.getenv("TICK_ITEMS"))
  math.randomseed(id * 7919)
  -- TICK_CHECK_PAGE=0: any 200 is a reload (web.sh's hello-world floor answers "hello").
  check_page = os.getenv("TICK_CHECK_PAGE") ~= "0"
end

local function fail(why)
  failures = failures + 1
  if failure == "" then failure = why end
end

function request()
  local headers = { ["Cookie"] = cookie }
  if pending then
    return wrk.format("GET", pending, headers)
  end
  ticking = items[math.random(#items)]
  unticking = believed[ticking] == true
  local body = "csrf=" .. csrf .. "&unit=" .. unit .. "&item=" .. urlencode(ticking) .. "&return=" .. urlencode("unit=" .. unit)
  if not unticking then body = body .. "&status=ticked&note=" end
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  started = now_ms()
  inflight = 1
  return wrk.format("POST", unticking and "/items/untick" or "/items/tick", headers, body)
end

function response(status, headers, body)
  if not pending then
    inflight = 0
    local location = headers["Location"] or headers["location"]
    if status ~= 303 or not location then
      fail("tick " .. ticking .. ": status " .. status)
      return
    end
    local kind = location:match("[?&]ok=([%w]+)")
    if kind == "unchanged" then
      unchanged = unchanged + 1
    elseif kind then
      changes = changes + 1
    else
      fail("tick " .. ticking .. ": no ok= in " .. location)
    end
    -- The browser drops the #fragment when it follows the redirect.
    pending = location:gsub("#.*$", "")
    -- After a tick the item is 已确认 (whoever set it); after 撤销一步 it is not.
    believed[ticking] = not unticking
    return
  end
  pending = nil
  if status ~= 200 or (check_page and not body:find('id="item-' .. ticking .. '"', 1, true)) then
    fail("reload after " .. ticking .. ": status " .. status)
    return
  end
  latencies[#latencies + 1] = now_ms() - started
end

function done(summary, latency, requests)
  local all, total_changes, total_unchanged, total_failures, total_inflight, first = {}, 0, 0, 0, 0, ""
  for _, thread in ipairs(threads) do
    for _, ms in ipairs(thread:get("latencies")) do all[#all + 1] = ms end
    total_changes = total_changes + thread:get("changes")
    total_unchanged = total_unchanged + thread:get("unchanged")
    total_failures = total_failures + thread:get("failures")
    total_inflight = total_inflight + thread:get("inflight")
    if first == "" then first = thread:get("failure") end
  end
  table.sort(all)
  local function pct(p)
    if #all == 0 then return 0 end
    return all[math.min(#all, math.floor(#all * p) + 1)]
  end
  local seconds = summary.duration / 1e6
  local errors = summary.errors
  local socket_errors = errors.connect + errors.read + errors.write + errors.timeout
  io.write(string.format("ticks (POST + reload GET, both answered): %d in %.2f s = %.0f ticks/s\n", #all, seconds, #all / seconds))
  io.write(string.format("tick + reload latency ms: p50 %.2f, p90 %.2f, p99 %.2f, max %.2f\n", pct(0.50), pct(0.90), pct(0.99), pct(1.0)))
  io.write(string.format("per request latency ms (POST and GET alike): p50 %.2f, p99 %.2f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
  io.write(string.format("changes acknowledged: %d, unchanged (another client got there first): %d, unanswered when the run stopped: %d\n",
    total_changes, total_unchanged, total_inflight))
  io.write(string.format("failed ticks or reloads: %d%s, socket errors: %d, non-2xx/3xx: %d\n",
    total_failures, first ~= "" and (" (first: " .. first .. ")") or "", socket_errors, errors.status))
  local out = assert(io.open(os.getenv("TICK_RESULT"), "w"))
  out:write(string.format("ticks %d\nseconds %.3f\nchanges %d\nunchanged %d\ninflight %d\nfailures %d\nsocket_errors %d\nstatus_errors %d\np50 %.3f\np99 %.3f\n",
    #all, seconds, total_changes, total_unchanged, total_inflight, total_failures, socket_errors, errors.status, pct(0.50), pct(0.99)))
  out:close()
end
