-- bench/wrk.lua: percentiles for bench/run.py, and the registration POST.
-- Env: BENCH_COOKIE (Cookie header), BENCH_BODIES (file of POST bodies, one a line: POST mode),
-- BENCH_UNIQUE=1 (a different URL every request, so no cached page answers it).
local cookie = os.getenv("BENCH_COOKIE")
local bodies_file = os.getenv("BENCH_BODIES")
local unique = os.getenv("BENCH_UNIQUE") == "1"
local bodies = {}
local counter = 0
local next_thread = 0
local threads = {}
-- `thread_index` is a global that setup() gives each thread's own Lua state (thread:set
-- sets globals; a local of the same name would shadow it and leave every thread at 0, so
-- both threads would send the same people and URLs).

if bodies_file then
  for line in io.lines(bodies_file) do bodies[#bodies + 1] = line end
end

function setup(thread)
  thread:set("thread_index", next_thread)
  next_thread = next_thread + 1
  table.insert(threads, thread)
end

function init(args)
  -- threads start far apart in the list of people; BENCH_OFFSET keeps the warm-up run's
  -- people apart from the measured run's (a person confirmed once cannot confirm again)
  counter = tonumber(os.getenv("BENCH_OFFSET") or "0") + (thread_index or 0) * 2500
end

function request()
  local headers = {}
  if cookie and cookie ~= "" then headers["Cookie"] = cookie end
  if #bodies > 0 then
    counter = counter + 1
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    local body = bodies[(counter % #bodies) + 1]
    return wrk.format("POST", nil, headers, body)
  end
  if unique then
    counter = counter + 1
    local sep = string.find(wrk.path, "?", 1, true) and "&" or "?"
    return wrk.format("GET", wrk.path .. sep .. "n=" .. thread_index .. "-" .. counter, headers, nil)
  end
  return wrk.format("GET", nil, headers, nil)
end

function done(summary, latency, requests)
  io.write(string.format("BENCH p50_us=%d p95_us=%d p99_us=%d requests=%d non2xx=%d errors=%d\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99), summary.requests,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout))
end
