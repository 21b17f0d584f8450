#!/usr/bin/env bash
# `make audit`: Lighthouse (mobile) on the home page, a channel, an article and a programme page
# of a running portal, with Debian's Chromium. Prints the four scores and the page weights and
# exits non-zero when a target of issue 8 is missed.
#
#   tools/audit/lighthouse.sh [BASE_URL]      (default http://127.0.0.1:${PORT:-8000})
#   AUDIT_PAGES="/ /news/org/ …"              audit these paths instead of the discovered ones
#   CHROME_PATH=/usr/bin/chromium             the browser Lighthouse drives
#
# Start the portal first, e.g. `make run` in another terminal.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
base="${1:-${AUDIT_URL:-http://127.0.0.1:${PORT:-8000}}}"
base="${base%/}"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
out="${AUDIT_OUT:-$here/../../test-artifacts/lighthouse}"

[ -x "$CHROME_PATH" ] || { echo "Chromium not found at $CHROME_PATH (apt-get install chromium)" >&2; exit 2; }
if [ ! -x "$here/node_modules/.bin/lighthouse" ]; then
  npm ci --prefix "$here" --ignore-scripts --no-audit --no-fund --loglevel=error
fi
curl -fsS -o /dev/null "$base/" || { echo "No portal answers at $base/ — start it first (make run)." >&2; exit 2; }

# A channel, an article and a programme as a reader finds them: the first links on their lists.
first_link() { curl -fsS "$base$1" | grep -oE "href=\"$2\"" | head -n1 | cut -d'"' -f2; }
if [ -n "${AUDIT_PAGES:-}" ]; then
  read -r -a pages <<<"$AUDIT_PAGES"
else
  channel="$(first_link / '/news/[a-z0-9-]+/')"
  article="$(first_link "$channel" '/news/[a-z0-9-]+/[0-9]+/')"
  programme="$(first_link /programmes/ '/programmes/[a-z0-9-]+/')"
  pages=(/ "$channel" "$article" "$programme")
fi

mkdir -p "$out"
reports=()
for path in "${pages[@]}"; do
  [ -n "$path" ] || { echo "could not find one of the pages to audit" >&2; exit 2; }
  name="$(echo "$path" | tr -c 'a-zA-Z0-9\n' '_' | sed 's/^_*$/home/')"
  report="$out/$name.json"
  echo "Lighthouse: $base$path" >&2
  "$here/node_modules/.bin/lighthouse" "$base$path" \
    --quiet --output=json --output-path="$report" \
    --only-categories=performance,accessibility,best-practices,seo \
    --form-factor=mobile --locale=zh \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run"
  reports+=("$report")
done
node "$here/summary.mjs" "${reports[@]}"
