#!/usr/bin/env bash
# make bench: the portal side by side with the peer (../shared/peerbench), on loopback.
#
#   bash tools/bench/run.sh
#
# 1. (Re)creates the throw-away PostgreSQL database $BENCH_DB with $ARTICLES sample articles
#    (load_demo --articles), VACUUM ANALYZE, collectstatic into $BENCH_DIR.
# 2. Starts the production server (gunicorn, deploy/gunicorn.conf.py, $WORKERS sync workers,
#    DEBUG off) twice: "cached" (the page cache on Redis when it answers, else local memory)
#    and "uncached" (CACHE_URL=dummycache://), and runs wrk against home, a channel list,
#    an article, search and /sitemap.xml (skipped when they answer 404).
# 3. When ../shared/peerbench exists, the peer (Wagtail) and nginx serving its static page
#    are measured in the same run, with the harness's own scripts.
# 4. EXPLAIN of the list queries at $ARTICLES and, unless BIG_ARTICLES=0, at $BIG_ARTICLES,
#    where the channel list and search are measured again (uncached), and the search issue's
#    own measure is taken (tools/bench_search.py: median and p95 per search).
# 5. Prints the table (req/s, p50, p99, errors, ratios, target checks), writes JSON.
#
# env: DURATION (10) CONNS (32) ROUNDS (3) WARMUP (2) ARTICLES (10000) BIG_ARTICLES (100000, 0 = skip)
#      WORKERS (5) BENCH_DB (portal_bench) BENCH_PORT (8001) PB_PEER_PORT (8101) PB_STATIC_PORT (8199)
#      PG_URL (postgres://postgres@127.0.0.1:5432) REDIS_URL (redis://127.0.0.1:6379/9, "" = local memory)
#      PEER_SETUP (auto: build the peer when missing; 0 = never) KEEP_DB (0: drop the database at the end)
#      BENCH_DIR (/tmp/portal-bench) READER_ROWS (1: also an article row with a reader's User-Agent, counted)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
DURATION="${DURATION:-10}"; CONNS="${CONNS:-32}"; ROUNDS="${ROUNDS:-3}"
export THREADS="${THREADS:-2}" WARMUP="${WARMUP:-2}"
ARTICLES="${ARTICLES:-10000}"; BIG_ARTICLES="${BIG_ARTICLES:-100000}"
WORKERS="${WORKERS:-5}"
BENCH_DB="${BENCH_DB:-portal_bench}"; BENCH_PORT="${BENCH_PORT:-8001}"
PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432}"
REDIS_URL="${REDIS_URL-redis://127.0.0.1:6379/9}"
BENCH_DIR="${BENCH_DIR:-/tmp/portal-bench}"
READER_ROWS="${READER_ROWS:-1}"
PEERBENCH="${PEERBENCH:-$ROOT/../shared/peerbench}"
[[ -d "$PEERBENCH" ]] || PEERBENCH=""
PY="$ROOT/.venv/bin/python"
READER_UA="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47"

OUT="$BENCH_DIR/results/$(date -u +%Y%m%dT%H%M%SZ)"
RUN="$BENCH_DIR/run"; PIDFILE="$RUN/gunicorn.pid"
mkdir -p "$OUT" "$RUN" "$BENCH_DIR/logs"
BASE="http://127.0.0.1:$BENCH_PORT"
log() { printf '\n== %s\n' "$*"; }

# --- tools ------------------------------------------------------------------------------
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
command -v curl >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl; }
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
fi
if [[ -n "$REDIS_URL" ]] && ! "$PY" -c "import redis,sys; redis.Redis.from_url(sys.argv[1], socket_connect_timeout=0.5).ping()" "$REDIS_URL" 2>/dev/null; then
  echo "Redis at $REDIS_URL does not answer: the cached run uses local memory"; REDIS_URL=""
fi

# --- our server ----------------------------------------------------------------------------
SECRET="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(64))')"
server_env() {  # the production environment, DEBUG off
  export DEBUG=0 PORTAL_LOCAL=0 HTTPS=off SECRET_KEY="$SECRET" ALLOWED_HOSTS=127.0.0.1,localhost
  export DATABASE_URL="$PG_URL/$BENCH_DB" STATIC_ROOT="$BENCH_DIR/static" MEDIA_ROOT="$BENCH_DIR/media"
  export WEB_CONCURRENCY="$WORKERS" GUNICORN_ACCESS_LOG="" LOG_LEVEL=WARNING
}
stop_ours() {
  [[ -s "$PIDFILE" ]] || return 0
  local pid; pid="$(cat "$PIDFILE")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -f "$PIDFILE"
}
start_ours() {  # $1 = cache URL
  stop_ours
  (
    server_env
    export CACHE_URL="$1" CACHE_KEY_PREFIX="bench-$$-$RANDOM"
    setsid nohup "$ROOT/.venv/bin/gunicorn" yanan_portal.wsgi --config deploy/gunicorn.conf.py \
      --bind "127.0.0.1:$BENCH_PORT" --workers "$WORKERS" --pid "$PIDFILE" \
      </dev/null >>"$RUN/gunicorn.log" 2>&1 &
  )
  for _ in $(seq 1 150); do
    curl -s -o /dev/null --max-time 2 "$BASE/healthz" && [[ -s "$PIDFILE" ]] && return 0
    sleep 0.2
  done
  echo "our gunicorn did not start; $RUN/gunicorn.log says:" >&2; tail -n 20 "$RUN/gunicorn.log" >&2; exit 1
}

STARTED_PEER=0
cleanup() {
  stop_ours
  if [[ "$STARTED_PEER" == 1 ]]; then
    PB_DIR="${PB_DIR:-/tmp/peerbench}" "$PEERBENCH/stop_static.sh" >/dev/null 2>&1 || true
    PB_DIR="${PB_DIR:-/tmp/peerbench}" "$PEERBENCH/stop_peer.sh" >/dev/null 2>&1 || true
  fi
  if [[ "${KEEP_DB:-0}" != 1 ]]; then
    psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS $BENCH_DB" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

# One wrk measurement, appended to bench.jsonl. $1 label, $2 URL, $3 close (0/1), $4 User-Agent.
measure() {
  local label="$1" url="$2" close="${3:-0}" ua="${4:-}" line
  if [[ -n "$PEERBENCH" && -z "$ua" ]]; then
    line="$(LABEL="$label" PB_CONNECTION_CLOSE="$close" PB_EXTRA_PIDFILES="$PIDFILE" \
            "$PEERBENCH/bench.sh" "$url" "$DURATION" "$CONNS")" || { echo "bench failed: $label" >&2; return 0; }
  else
    local logf="$BENCH_DIR/logs/wrk-$(date +%H%M%S)-$RANDOM.txt"
    (( WARMUP > 0 )) && BENCH_UA="$ua" PB_CONNECTION_CLOSE="$close" timeout $((WARMUP + 30)) \
      wrk -t "$THREADS" -c "$CONNS" -d "${WARMUP}s" -s tools/bench/wrk_report.lua "$url" >/dev/null 2>&1 || true
    BENCH_UA="$ua" PB_CONNECTION_CLOSE="$close" PB_LABEL="$label" PB_URL="$url" PB_THREADS="$THREADS" \
      PB_CONNS="$CONNS" PB_LOG="$logf" timeout $((DURATION + 30)) \
      wrk -t "$THREADS" -c "$CONNS" -d "${DURATION}s" --timeout 10s --latency -s tools/bench/wrk_report.lua "$url" >"$logf" 2>&1 || true
    line="$(grep '^PEERBENCH_JSON ' "$logf" | tail -n1 | sed 's/^PEERBENCH_JSON //')"
    [[ -n "$line" ]] || { echo "wrk failed: $label ($logf)" >&2; return 0; }
  fi
  echo "$line" | sed "s/^{/{\"round\":$ROUND,\"articles\":$CURRENT_ARTICLES,/" >> "$OUT/bench.jsonl"
  printf '  %-28s %10s req/s  p99 %s ms\n' "$label" \
    "$(sed -n 's/.*"rps":\([0-9.]*\).*/\1/p' <<<"$line")" "$(sed -n 's/.*"p99_ms":\([0-9.]*\).*/\1/p' <<<"$line")"
}

status_of() { curl -s -o /dev/null -w '%{http_code}' --max-time 20 -A "$READER_UA" "$1" || true; }

# --- 1. data -------------------------------------------------------------------------------
log "database $BENCH_DB with $ARTICLES articles"
psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS $BENCH_DB" -c "CREATE DATABASE $BENCH_DB" >/dev/null
(
  server_env; export CACHE_URL=dummycache://
  "$PY" manage.py migrate --noinput -v0
  "$PY" manage.py load_demo --articles "$ARTICLES" -v0
  "$PY" manage.py collectstatic --noinput -v0
)
psql "$PG_URL/$BENCH_DB" -qc "VACUUM ANALYZE" >/dev/null
CURRENT_ARTICLES="$(psql "$PG_URL/$BENCH_DB" -tAc "SELECT count(*) FROM news_article")"
ARTICLE_PATH="$(psql "$PG_URL/$BENCH_DB" -tAc "SELECT '/news/' || c.slug || '/' || a.id || '/' FROM news_article a JOIN news_channel c ON c.id = a.channel_id WHERE a.is_sample ORDER BY a.id OFFSET $(( ARTICLES / 2 )) LIMIT 1")"
CHANNEL_PATH=/news/work/

{
  echo "date_utc: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -1)), $(free -g | awk '/^Mem:/{print $2}') GiB RAM, $(uname -sr)"
  echo "portal: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null), $("$PY" --version), Django $("$PY" -c 'import django; print(django.__version__)'), gunicorn sync ${WORKERS} workers, DEBUG off"
  echo "database: PostgreSQL $(psql "$PG_URL/postgres" -tAc 'SHOW server_version'), $CURRENT_ARTICLES articles"
  echo "cache (cached run): ${REDIS_URL:-local memory}"
  echo "load: wrk ${DURATION}s, $CONNS connections, $THREADS threads, ${WARMUP}s warm-up, $ROUNDS rounds (medians)"
  echo "peer: ${PEERBENCH:-absent}"
} | tee "$OUT/env.txt"

# --- 2./3. load ------------------------------------------------------------------------------
PEER_TARGETS=()
if [[ -n "$PEERBENCH" ]]; then
  export PB_DIR="${PB_DIR:-/tmp/peerbench}"
  log "peer (Wagtail) and nginx static from $PEERBENCH"
  if [[ ! -f "$PB_DIR/wagtailsite/manage.py" && "${PEER_SETUP:-auto}" != 0 ]]; then
    "$PEERBENCH/setup_peer.sh" > "$BENCH_DIR/logs/setup_peer.log" 2>&1 || { echo "setup_peer.sh failed, see $BENCH_DIR/logs/setup_peer.log" >&2; PEERBENCH=""; }
  fi
  if [[ -n "$PEERBENCH" ]]; then
    STARTED_PEER=1
    "$PEERBENCH/run_peer.sh" && "$PEERBENCH/run_static.sh" --refresh || { echo "peer did not start" >&2; PEERBENCH=""; STARTED_PEER=0; }
  fi
  if [[ -n "$PEERBENCH" ]]; then
    P="http://127.0.0.1:${PB_PEER_PORT:-8101}"; S="http://127.0.0.1:${PB_STATIC_PORT:-8199}"; D="${PB_DETAIL_PATH:-/news/news-1000/}"
    PEER_TARGETS=("peer:home=$P/" "peer:index=$P/news/" "peer:detail=$P$D" "static:detail=$S$D" "static:detail-close=$S$D")
  fi
fi

our_targets() {  # $1 = side (cached / uncached)
  local side="$1"
  OUR_TARGETS=("$side:home=$BASE/" "$side:index=$BASE$CHANNEL_PATH" "$side:detail=$BASE$ARTICLE_PATH")
  [[ "$(status_of "$BASE/search/?q=%E6%B5%B7%E5%91%98")" == 200 ]] && OUR_TARGETS+=("$side:search=$BASE/search/?q=%E6%B5%B7%E5%91%98") \
    || echo "  (search answers $(status_of "$BASE/search/?q=%E6%B5%B7%E5%91%98"): skipped)"
  [[ "$(status_of "$BASE/sitemap.xml")" == 200 ]] && OUR_TARGETS+=("$side:sitemap=$BASE/sitemap.xml") \
    || echo "  (sitemap.xml answers $(status_of "$BASE/sitemap.xml"): skipped)"
  return 0
}

run_rounds() {  # targets in "${TARGETS[@]}"
  for ((ROUND = 1; ROUND <= ROUNDS; ROUND++)); do
    echo " round $ROUND/$ROUNDS"
    for t in "${TARGETS[@]}"; do
      local label="${t%%=*}" url="${t#*=}" close=0
      [[ "$label" == *-close ]] && close=1
      measure "$label" "$url" "$close"
    done
    if [[ "$READER_ROWS" == 1 && "${SIDE:-}" != "" ]]; then
      measure "$SIDE:detail-reader" "$BASE$ARTICLE_PATH" 0 "$READER_UA"
    fi
  done
}

for SIDE in cached uncached; do
  if [[ "$SIDE" == cached ]]; then start_ours "${REDIS_URL:-locmemcache://bench}"; else start_ours "dummycache://"; fi
  log "ours, $SIDE ($([[ $SIDE == cached ]] && echo "${REDIS_URL:-local memory}" || echo dummycache://))"
  our_targets "$SIDE"
  for t in "${OUR_TARGETS[@]}"; do curl -s -o /dev/null -A "$READER_UA" "${t#*=}"; done   # fill the cache
  TARGETS=("${OUR_TARGETS[@]}")
  [[ "$SIDE" == cached ]] && TARGETS+=("${PEER_TARGETS[@]}")
  run_rounds
  if [[ "$SIDE" == cached ]]; then
    curl -s -D "$OUT/headers-cached-detail.txt" -o /dev/null -A "$READER_UA" "$BASE$ARTICLE_PATH" || true
  fi
done
stop_ours
if [[ "$STARTED_PEER" == 1 ]]; then "$PEERBENCH/stop_static.sh" >/dev/null; "$PEERBENCH/stop_peer.sh" >/dev/null; STARTED_PEER=0; fi

# --- 4. EXPLAIN and the big variant ---------------------------------------------------------------
log "EXPLAIN of the list queries at $CURRENT_ARTICLES articles"
( server_env; export CACHE_URL=dummycache://; "$PY" tools/bench/explain.py "$OUT/explain-$CURRENT_ARTICLES.json" ) || true
if [[ "$BIG_ARTICLES" -gt "$ARTICLES" ]]; then
  log "top up to $BIG_ARTICLES articles"
  ( server_env; export CACHE_URL=dummycache://; "$PY" manage.py load_demo --articles "$BIG_ARTICLES" -v0 )
  psql "$PG_URL/$BENCH_DB" -qc "VACUUM ANALYZE" >/dev/null
  CURRENT_ARTICLES="$(psql "$PG_URL/$BENCH_DB" -tAc "SELECT count(*) FROM news_article")"
  log "EXPLAIN of the list queries at $CURRENT_ARTICLES articles"
  ( server_env; export CACHE_URL=dummycache://; "$PY" tools/bench/explain.py "$OUT/explain-$CURRENT_ARTICLES.json" ) || true
  start_ours "dummycache://"
  log "ours, uncached, $CURRENT_ARTICLES articles: lists and search"
  SIDE=""
  TARGETS=("big-uncached:home=$BASE/" "big-uncached:index=$BASE$CHANNEL_PATH" "big-uncached:index-leaf=$BASE/news/county-news/" "big-uncached:index-page50=$BASE/news/county-news/?page=50")
  [[ "$(status_of "$BASE/search/?q=%E6%B5%B7%E5%91%98")" == 200 ]] && TARGETS+=("big-uncached:search=$BASE/search/?q=%E6%B5%B7%E5%91%98")
  run_rounds
  stop_ours
  log "search at $CURRENT_ARTICLES articles (tools/bench_search.py: the whole Django stack in one process)"
  ( server_env; export CACHE_URL=dummycache://; "$PY" tools/bench_search.py --json "$OUT/search-$CURRENT_ARTICLES.json" ) || true
fi

# --- 5. summary ------------------------------------------------------------------------------------
log "summary"
"$PY" tools/bench/summarize.py "$OUT" | tee "$OUT/summary.md"
echo
echo "results: $OUT (summary.md, results.json, bench.jsonl, explain-*.json)"
