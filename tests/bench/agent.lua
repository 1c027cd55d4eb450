-- wrk script for tests/bench/agent.sh. RDC_BENCH_MODE selects the request:
--   warm       POST /api/sysinfo once for each id of this thread's share (the
--              service's first request, client-truth S12 step 1), then
--              GET /healthz until agent.sh stops wrk. When every sysinfo of
--              the share is answered the thread writes "<ok> <failed>" to
--              RDC_BENCH_MARKER.<thread number> so agent.sh knows it is done.
--   heartbeat  POST /api/heartbeat cycling over this thread's ids (S12 step 2)
--   check      the same heartbeats, counting replies that are not exactly {}
--              (an id the warm-up missed would get {"sysinfo":1})
--   get        a plain GET of the URL's path (/healthz; nginx's return 200)
-- RDC_BENCH_DEVICES ids exist: 100000000 + [0, N). Thread t of T owns the ids
-- i with i % T == t. The uuid is derived from the id (base64 alphabet, opaque
-- to the server). RDC_BENCH_CLOSE=1 adds "Connection: close": one TCP
-- connection per request. done() prints one machine-readable RESULT line.
local mode = os.getenv("RDC_BENCH_MODE") or "get"
local devices = tonumber(os.getenv("RDC_BENCH_DEVICES") or "1")
local threads = tonumber(os.getenv("RDC_BENCH_THREADS") or "1")
local marker = os.getenv("RDC_BENCH_MARKER") or ""
local close = os.getenv("RDC_BENCH_CLOSE") == "1"

local headers = { ["Content-Type"] = "application/json" }
if close then
  headers["Connection"] = "close"
end
-- The load generator shares the server's cores, so its own cost per request
-- matters: wrk's SCRIPTING notes that building a request with wrk.format in
-- every request() call is expensive. The heartbeat head is formatted once
-- (every id has 9 digits, so every body has the same length) and each
-- request only concatenates the head and the body; the references (healthz,
-- nginx) send a static request, with no request() call at all.
local kIdFirst = 100000000
if devices > 999999999 - kIdFirst + 1 then
  error("RDC_BENCH_DEVICES: at most " .. (999999999 - kIdFirst + 1) .. " (ids have 9 digits)")
end

local all_threads = {}
local next_thread = 0
function setup(thread)
  thread:set("thread_no", next_thread)
  next_thread = next_thread + 1
  table.insert(all_threads, thread)
end

local share -- how many ids this thread owns
local k = 0 -- requests made so far (index into the share)
-- Globals: done() reads them per thread with thread:get().
answered, failed, unexpected = 0, 0, 0
function init(args)
  local t = thread_no or 0
  share = math.floor((devices - 1 - t) / threads) + 1
  if share < 1 then
    share = 1
  end
  -- Measurement runs start at a random place so consecutive runs do not
  -- replay the same ids in the same order.
  if mode ~= "warm" then
    math.randomseed(os.time() + t * 7919)
    k = math.random(0, share - 1)
  end
end

local function device(index)
  local t = thread_no or 0
  local id = tostring(kIdFirst + t + threads * (index % share))
  return id, "YmVuY2gtbWFjaGluZS0" .. id .. "Cg=="
end

local function heartbeatBody(id, uuid)
  return '{"id":"' .. id .. '","uuid":"' .. uuid .. '","ver":1004090,"modified_at":0}'
end

-- "POST /api/heartbeat ... Content-Length: N\r\n\r\n", formatted once (on
-- the first request, when wrk's Host is known).
local heartbeatHead
local function formatHeartbeatHead()
  local sample = heartbeatBody(tostring(kIdFirst), "YmVuY2gtbWFjaGluZS0" .. kIdFirst .. "Cg==")
  local whole = wrk.format("POST", "/api/heartbeat", headers, sample)
  return whole:sub(1, #whole - #sample)
end

local function warmRequest()
  local id, uuid = device(k)
  k = k + 1
  local body = '{"cpu":"Intel(R) Xeon(R), 2.90GHz, 8/16 cores","memory":"15.86GB",'
    .. '"os":"linux / Debian GNU/Linux 12 (bookworm)","hostname":"bench-' .. id
    .. '","username":"bench","version":"1.4.9","id":"' .. id .. '","uuid":"' .. uuid .. '"}'
  return wrk.format("POST", "/api/sysinfo", headers, body)
end

if mode == "warm" then
  local calls = 0
  local filler = wrk.format("GET", "/healthz")
  function request()
    calls = calls + 1
    -- wrk calls request() once on the first thread to verify the script and
    -- discards the result: the first call of every thread is a filler, so
    -- no id of the share is lost that way.
    if calls == 1 or k >= share then
      return filler
    end
    return warmRequest()
  end
elseif mode == "heartbeat" or mode == "check" then
  function request()
    heartbeatHead = heartbeatHead or formatHeartbeatHead()
    local id, uuid = device(k)
    k = k + 1
    return heartbeatHead .. heartbeatBody(id, uuid)
  end
elseif close then
  -- get: a static request (wrk builds it once from wrk.headers).
  wrk.headers["Connection"] = "close"
end

if mode == "warm" then
  function response(status, hdrs, body)
    if body == '{"status":"ok"}' then
      return -- the filler after the share
    end
    if status == 200 and body == "SYSINFO_UPDATED" then
      answered = answered + 1
    else
      failed = failed + 1
      if failed <= 3 then
        io.stderr:write("warm-up: sysinfo answered " .. status .. ": " .. tostring(body) .. "\n")
      end
    end
    if answered + failed == share and marker ~= "" then
      local f = io.open(marker .. "." .. (thread_no or 0), "w")
      f:write(answered .. " " .. failed .. "\n")
      f:close()
    end
  end
elseif mode == "check" then
  function response(status, hdrs, body)
    if status ~= 200 or body ~= "{}" then
      unexpected = unexpected + 1
      if unexpected <= 3 then
        io.stderr:write("check: heartbeat answered " .. status .. ": " .. tostring(body) .. "\n")
      end
    end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  local odd = 0
  for _, t in ipairs(all_threads) do
    odd = odd + (t:get("unexpected") or 0)
  end
  io.write(string.format(
    "RESULT rps=%.1f p50_us=%d p99_us=%d p999_us=%d requests=%d socket_errors=%d status_errors=%d unexpected=%d\n",
    summary.requests / seconds, latency:percentile(50), latency:percentile(99),
    latency:percentile(99.9), summary.requests, e.connect + e.read + e.write + e.timeout,
    e.status, odd))
end
