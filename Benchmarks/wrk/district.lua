-- wrk script of Benchmarks/district.sh: one connection per wrk thread, each a street lead.
--   DISTRICT_HISTOGRAM=FILE wrk -t N -c N -s Benchmarks/wrk/district.lua URL -- OFFSET STREETS PASSWORD
-- Client i (= OFFSET + thread number) is the lead pcK of community cK (K = i / STREETS + 1) of
-- street sNN (NN = i % STREETS + 1): it signs in on /s/sNN/login, reads its items page, then
-- ticks its items one after another (ticked and filed in turn, so every tick is a change),
-- each tick followed by the GET of the page it redirects to, as a browser reloads it.
-- done() prints one line of counts and writes the latency histogram (microseconds, count)
-- to $DISTRICT_HISTOGRAM, so that several wrk runs can be merged.

local threads = {}
local counter = 0

function setup(thread)
   thread:set("id", counter)
   counter = counter + 1
   table.insert(threads, thread)
end

local function encode(text)
   return (string.gsub(text, "[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
   local offset = tonumber(args[1]) or 0
   local streets = tonumber(args[2]) or 10
   password = args[3] or "bench-password"
   local i = id + offset
   local k = math.floor(i / streets) + 1
   base = string.format("/s/s%02d", (i % streets) + 1)
   community = string.format("c%04d", k)
   lead = string.format("pc%04d", k)
   state = "login-page"
   cookies = {}
   items = {}
   nextItem = 1
   round = 0
   sent = 0
   ticks = 0
   reloads = 0
   failures = 0
   lastFailure = ""
end

local function fail(status, what)
   failures = failures + 1
   lastFailure = string.format("%s %s: HTTP %d", base, what, status)
end

local function headers(form)
   local list = {}
   for name, value in pairs(cookies) do table.insert(list, name .. "=" .. value) end
   local h = { ["Cookie"] = table.concat(list, "; ") }
   if form then h["Content-Type"] = "application/x-www-form-urlencoded" end
   return h
end

function request()
   if state == "login-page" then
      return wrk.format("GET", base .. "/login", headers(false))
   elseif state == "login" then
      local body = "csrf=" .. encode(csrf) .. "&person=" .. lead .. "&password=" .. encode(password)
      return wrk.format("POST", base .. "/login", headers(true), body)
   elseif state == "items" then
      return wrk.format("GET", base .. "/items?unit=" .. community, headers(false))
   elseif state == "tick" then
      local status = (round % 2 == 0) and "ticked" or "filed"
      local body = "csrf=" .. encode(csrf) .. "&unit=" .. community .. "&item=" .. encode(items[nextItem]) .. "&status=" .. status
      sent = sent + 1
      return wrk.format("POST", base .. "/items/tick", headers(true), body)
   else -- reload
      return wrk.format("GET", location, headers(false))
   end
end

function response(status, responseHeaders, body)
   for name, value in pairs(responseHeaders) do
      if string.lower(name) == "set-cookie" then
         local cookie, content = string.match(value, "^([^=;]+)=([^;]*)")
         if cookie then cookies[cookie] = content end
      end
   end
   if state == "login-page" then
      csrf = string.match(body, 'name="csrf" value="([^"]+)"')
      state = csrf and "login" or "login-page"
   elseif state == "login" then
      if status == 303 then state = "items" else fail(status, "sign-in of " .. lead); state = "login-page" end
   elseif state == "items" then
      csrf = string.match(body, 'name="csrf" value="([^"]+)"')
      local seen = {}
      items = {}
      for code in string.gmatch(body, 'name="item" value="(%d[%d%.]*)"') do
         if not seen[code] then seen[code] = true; table.insert(items, code) end
      end
      if csrf and #items > 0 then state = "tick" else fail(status, "items page of " .. lead); state = "login-page" end
   elseif state == "tick" then
      local code = items[nextItem]
      nextItem = nextItem + 1
      if nextItem > #items then nextItem = 1; round = round + 1 end
      local target = responseHeaders["Location"] or responseHeaders["location"]
      if status == 303 and target then
         ticks = ticks + 1
         location = string.match(target, "^[^#]*")
         state = "reload"
      else
         fail(status, "tick of " .. community .. "/" .. code)
      end
   else
      if status == 200 then reloads = reloads + 1 else fail(status, "reload " .. location) end
      state = "tick"
   end
end

function done(summary, latency, requests)
   local s, t, r, f = 0, 0, 0, 0
   for _, thread in ipairs(threads) do
      s = s + thread:get("sent")
      t = t + thread:get("ticks")
      r = r + thread:get("reloads")
      f = f + thread:get("failures")
      if thread:get("failures") > 0 then io.write("FAILURE " .. thread:get("lastFailure") .. "\n") end
   end
   io.write(string.format("RESULT sent=%d ticks=%d reloads=%d failures=%d requests=%d errors=%d duration_us=%d p50_us=%d p99_us=%d\n",
      s, t, r, f, summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
      summary.duration, latency:percentile(50), latency:percentile(99)))
   local path = os.getenv("DISTRICT_HISTOGRAM")
   if path then
      -- latency(i): the i-th of wrk's #latency histogram buckets, as (microseconds, count).
      local out = io.open(path, "w")
      for i = 1, #latency do
         local value, count = latency(i)
         out:write(string.format("%d %d\n", value, count))
      end
      out:close()
   end
end
