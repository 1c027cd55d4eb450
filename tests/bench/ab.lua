-- wrk script for tests/bench/ab.sh. RDC_BENCH_MODE selects the request:
--   update  PUT /api/ab/peer/update/<guid> {"id":<random existing peer>,"alias":...}
--           (the client's alias edit, client-truth S9), ids 100000000 + [0, RDC_BENCH_PEERS)
--   add     POST /api/ab/peer/add/<guid> with a new id per request (the "Add ID" body)
--   get     a plain GET of the URL's path (/healthz, the reference)
-- done() prints one machine-readable RESULT line that ab.sh reads.
local mode = os.getenv("RDC_BENCH_MODE") or "get"
local token = os.getenv("RDC_BENCH_TOKEN") or ""
local guid = os.getenv("RDC_BENCH_GUID") or ""
local peers = tonumber(os.getenv("RDC_BENCH_PEERS") or "1")
local run = os.getenv("RDC_BENCH_RUN") or "0"

local headers = {
  ["Content-Type"] = "application/json",
  ["Authorization"] = "Bearer " .. token,
}

-- Each wrk thread has its own Lua state; number them so added ids never clash.
local next_thread = 0
function setup(thread)
  thread:set("thread_no", next_thread)
  next_thread = next_thread + 1
end

local counter = 0
function init(args)
  math.randomseed(os.time() + (thread_no or 0) * 7919)
end

function request()
  counter = counter + 1
  if mode == "update" then
    local id = 100000000 + math.random(0, peers - 1)
    local body = string.format('{"id":"%d","alias":"bench alias %d"}', id, counter)
    return wrk.format("PUT", "/api/ab/peer/update/" .. guid, headers, body)
  elseif mode == "add" then
    local body = string.format(
      '{"id":"bench-%s-%d-%d","alias":"added","tags":[],"note":"n"}', run, thread_no or 0, counter)
    return wrk.format("POST", "/api/ab/peer/add/" .. guid, headers, body)
  end
  return wrk.format("GET")
end

function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT rps=%.1f p50_us=%d p99_us=%d requests=%d socket_errors=%d status_errors=%d\n",
    summary.requests / seconds, latency:percentile(50), latency:percentile(99),
    summary.requests, e.connect + e.read + e.write + e.timeout, e.status))
end
