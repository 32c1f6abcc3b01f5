-- paths.lua — wrk script for the soak: GET the paths listed in the file
-- $SOAK_PATHS round robin, count 5xx per thread, and print one summary
-- line: SOAK requests=N rps=R p50_us=… p99_us=… max_us=… status5xx=N errors=N
local paths = {}
for line in io.lines(os.getenv("SOAK_PATHS")) do paths[#paths + 1] = line end
local i = math.random(#paths)
errs5xx = 0
local threads = {}

function setup(thread) table.insert(threads, thread) end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end

function response(status, headers, body)
  if status >= 500 then errs5xx = errs5xx + 1 end
end

function done(summary, latency, requests)
  local e = 0
  for _, t in ipairs(threads) do e = e + t:get("errs5xx") end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("SOAK requests=%d rps=%.1f p50_us=%d p99_us=%d max_us=%d status5xx=%d errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(99), latency.max, e, errors))
end
