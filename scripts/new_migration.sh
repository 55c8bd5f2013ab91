#!/usr/bin/env bash
# Autogenerate one migration for one domain's tables, chained after the current head.
#   scripts/new_migration.sh rounds "elder-gift rounds"
# A lock keeps parallel callers from chaining onto the same head.
set -euo pipefail
domain=$1; message=$2
cd "$(dirname "$0")/.."
exec 9>/tmp/welfare-migration.lock
flock 9
tmp=$(mktemp -d)
export WELFARE_INSTANCE=$tmp
unset DATABASE_URL
.venv/bin/flask --app welfare db upgrade >/dev/null
count=$(ls migrations/versions/*.py | wc -l)
rev=$(printf '%04d' $((count + 1)))
WELFARE_MIGRATE_DOMAIN=$domain .venv/bin/flask --app welfare db migrate -m "$message" --rev-id "$rev"
for f in migrations/versions/${rev}_*.py; do mv "$f" "migrations/versions/${rev}_${domain}.py"; done
rm -rf "$tmp"
echo "created migrations/versions/${rev}_${domain}.py"
