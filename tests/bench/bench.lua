-- wrk script for tests/bench/run.sh. RDC_BENCH_TOKEN set: POST /api/currentUser
-- with the body a RustDesk client sends at start-up (client-truth.md S1) and a
-- Bearer token; unset: a plain GET of the URL's path (/healthz).
-- done() prints one machine-readable RESULT line that run.sh reads.
local token = os.getenv("RDC_BENCH_TOKEN")

if token and token ~= "" then
  wrk.method = "POST"
  wrk.body = '{"id":"123456789","uuid":"ZjViNGQ5YjQ3MjBmNDk1YWE2YjE0N2U0ZGRlOGJhNTE="}'
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. token
else
  wrk.method = "GET"
end

function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT rps=%.1f p50_us=%d p99_us=%d requests=%d socket_errors=%d status_errors=%d\n",
    summary.requests / seconds, latency:percentile(50), latency:percentile(99),
    summary.requests, e.connect + e.read + e.write + e.timeout, e.status))
end
