-- wrk script of tools/bench (used when ../shared/peerbench is absent, and for the
-- reader rows that send a browser User-Agent). Prints ONE line, "PEERBENCH_JSON {...}",
-- in the same format as peerbench's wrk_report.lua, so that one summariser reads both.
-- env: PB_LABEL, PB_URL, PB_THREADS, PB_CONNS, PB_LOG, PB_CONNECTION_CLOSE=1, BENCH_UA.
if os.getenv("PB_CONNECTION_CLOSE") == "1" then
  wrk.headers["Connection"] = "close"
end
if os.getenv("BENCH_UA") and os.getenv("BENCH_UA") ~= "" then
  wrk.headers["User-Agent"] = os.getenv("BENCH_UA")
end

local function jstr(s)
  s = tostring(s or "")
  s = s:gsub('\\', '\\\\'):gsub('"', '\\"'):gsub('%c', ' ')
  return '"' .. s .. '"'
end

done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  local n = summary.requests
  local function ms(us) return string.format("%.3f", us / 1000) end
  io.write("PEERBENCH_JSON {",
    '"label":', jstr(os.getenv("PB_LABEL")),
    ',"url":', jstr(os.getenv("PB_URL")),
    ',"when":', jstr(os.date("!%Y-%m-%dT%H:%M:%SZ")),
    ',"threads":', tonumber(os.getenv("PB_THREADS") or 0),
    ',"connections":', tonumber(os.getenv("PB_CONNS") or 0),
    ',"keepalive":', (os.getenv("PB_CONNECTION_CLOSE") == "1") and "false" or "true",
    string.format(',"requests":%d,"duration_s":%.3f,"rps":%.2f', n, secs, n / secs),
    ',"p50_ms":', ms(latency:percentile(50)),
    ',"p90_ms":', ms(latency:percentile(90)),
    ',"p99_ms":', ms(latency:percentile(99)),
    ',"mean_ms":', ms(latency.mean),
    ',"max_ms":', ms(latency.max),
    string.format(',"bytes_per_req":%.1f', n > 0 and summary.bytes / n or 0),
    string.format(',"errors_connect":%d,"errors_read":%d,"errors_write":%d,"errors_timeout":%d,"non2xx3xx":%d',
      e.connect, e.read, e.write, e.timeout, e.status),
    ',"log":', jstr(os.getenv("PB_LOG")),
    "}\n")
end
