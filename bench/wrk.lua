-- bench/wrk.lua: the requests of one bench/run.py target, and how they were answered.
-- Env:
--   BENCH_COOKIE  a Cookie header for every request (a signed-in target)
--   BENCH_LINES   a file of requests, one a line: path, Accept-Language, Cookie, body,
--                 tab-separated (empty: the target's URL / none). Each request is the next
--                 line (threads start apart), so a crowd never repeats a URL within the run
--   BENCH_METHOD  GET (default) or POST
--   BENCH_EXPECT  2xx (default) or 3xx: which answers count as success. Anything else is
--                 counted as failed, redirects are never followed, and a redirect to
--                 /accounts/ (sign in) is a failure even when 3xx is expected
local cookie = os.getenv("BENCH_COOKIE") or ""
local lines_file = os.getenv("BENCH_LINES")
local method = os.getenv("BENCH_METHOD") or "GET"
if method == "" then method = "GET" end
local expect = os.getenv("BENCH_EXPECT") or "2xx"
local lines = {}
local counter = 0
local next_thread = 0
local threads = {}
-- `thread_index` and `thread_count` are globals that setup() gives each thread's own Lua
-- state (thread:set sets globals; a local of the same name would shadow it and leave every
-- thread at 0, so both threads would send the same requests).
ok, failed, s2, s3, s4, s5, s_other, to_login = 0, 0, 0, 0, 0, 0, 0, 0

local function split(text)
  local out, start = {}, 1
  for _ = 1, 4 do
    local tab = string.find(text, "\t", start, true)
    if tab then
      out[#out + 1] = string.sub(text, start, tab - 1)
      start = tab + 1
    else
      out[#out + 1] = string.sub(text, start)
      start = #text + 2
    end
  end
  return out
end

if lines_file and lines_file ~= "" then
  for text in io.lines(lines_file) do lines[#lines + 1] = split(text) end
end

function setup(thread)
  thread:set("thread_index", next_thread)
  next_thread = next_thread + 1
  table.insert(threads, thread)
end

function init(args)
  -- Each thread starts its own share of the lines apart.
  local count = tonumber(os.getenv("BENCH_THREADS") or "1")
  counter = math.floor(#lines / count) * (thread_index or 0)
end

function request()
  local headers = {}
  local path, body = nil, nil
  local cookies = cookie
  if #lines > 0 then
    local l = lines[(counter % #lines) + 1]
    counter = counter + 1
    if l[1] ~= "" then path = l[1] end
    if l[2] ~= "" then headers["Accept-Language"] = l[2] end
    if l[3] ~= "" then cookies = (cookies ~= "" and (cookies .. "; ") or "") .. l[3] end
    if l[4] ~= "" then body = l[4] end
  end
  if cookies ~= "" then headers["Cookie"] = cookies end
  if body then headers["Content-Type"] = "application/x-www-form-urlencoded" end
  return wrk.format(method, path, headers, body)
end

function response(status, headers, body)
  local good
  if status >= 200 and status < 300 then
    s2 = s2 + 1
    good = expect == "2xx"
  elseif status >= 300 and status < 400 then
    s3 = s3 + 1
    local location = headers["Location"] or headers["location"] or ""
    local login = string.find(location, "/accounts/", 1, true) ~= nil
    if login then to_login = to_login + 1 end
    good = expect == "3xx" and not login
  elseif status >= 400 and status < 500 then
    s4 = s4 + 1
    good = false
  elseif status >= 500 then
    s5 = s5 + 1
    good = false
  else
    s_other = s_other + 1
    good = false
  end
  if good then ok = ok + 1 else failed = failed + 1 end
end

function done(summary, latency, requests)
  local t = {ok = 0, failed = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s_other = 0, to_login = 0}
  for _, thread in ipairs(threads) do
    for key, _ in pairs(t) do t[key] = t[key] + (thread:get(key) or 0) end
  end
  io.write(string.format(
    "BENCH p50_us=%d p95_us=%d p99_us=%d requests=%d ok=%d failed=%d s2xx=%d s3xx=%d "
    .. "s4xx=%d s5xx=%d s_other=%d to_login=%d errors=%d\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99), summary.requests,
    t.ok, t.failed, t.s2, t.s3, t.s4, t.s5, t.s_other, t.to_login,
    summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout))
end
