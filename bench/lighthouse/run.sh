#!/bin/sh
# Lighthouse on the volunteer app, signed in: a session cookie from the real login form
# is passed with --extra-headers (Lighthouse cannot sign in by itself).
# Usage: bench/lighthouse/run.sh BASE_URL PASSWORD [OUT_PREFIX] [extra lighthouse args]
# e.g.   bench/lighthouse/run.sh http://127.0.0.1:5063 secret /tmp/lh-app
#        bench/lighthouse/run.sh http://127.0.0.1:5063 secret /tmp/lh-app --preset=desktop
set -eu
here=$(cd "$(dirname "$0")" && pwd)
base=$1; password=$2; out=${3:-/tmp/lighthouse-visits}
shift 2; [ $# -gt 0 ] && shift
jar=$(mktemp)
csrf=$(curl -s -c "$jar" "$base/login" | sed -n 's/.*name="csrf_token" type="hidden" value="\([^"]*\)".*/\1/p')
curl -s -b "$jar" -c "$jar" -o /dev/null -d "csrf_token=$csrf" -d username=volunteer \
  --data-urlencode "password=$password" "$base/login"
session=$(awk '$6 == "session" {print $7}' "$jar")
rm -f "$jar"
[ -n "$session" ] || { echo "sign-in failed" >&2; exit 1; }
CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium} "$here/node_modules/.bin/lighthouse" \
  "$base/visits/app" --only-categories=accessibility,performance \
  --chrome-flags="--headless --no-sandbox" \
  --extra-headers="{\"Cookie\": \"session=$session\"}" \
  --output=json --output=html --output-path="$out" --quiet "$@"
node -e '
const r = require(process.argv[1]);
const a = r.audits;
console.log("accessibility", Math.round(r.categories.accessibility.score * 100),
            "performance", Math.round(r.categories.performance.score * 100),
            "CLS", a["cumulative-layout-shift"].numericValue.toFixed(3),
            "LCP", Math.round(a["largest-contentful-paint"].numericValue), "ms");
for (const [id, audit] of Object.entries(a)) {
  if (audit.score !== null && audit.score < 1 && r.categories.accessibility.auditRefs.some((x) => x.id === id))
    console.log("  a11y fails:", id, audit.title);
}' "$out.report.json"
