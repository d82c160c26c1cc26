#!/usr/bin/env bash
# Proves a backup can be restored: dumps a PostgreSQL database (pg_dump -Fc), restores the
# dump into a fresh scratch database on the same server, and compares the row count of
# every table in the two. Exits non-zero on any difference; always drops the scratch copy.
#
#   scripts/backup-restore-check.sh postgres://user@host:5432/dbname
#
# Needs pg_dump, pg_restore and psql of the server's major version (or newer), and a role
# that may create databases. KEEP_DUMP=path keeps the dump file there.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 postgres://user@host:port/dbname" >&2
  exit 2
fi

SOURCE_URL="$1"
query_string=""
case "$SOURCE_URL" in *\?*) query_string="?${SOURCE_URL#*\?}" ;; esac
without_query="${SOURCE_URL%%\?*}"
server_url="${without_query%/*}"
source_db="${without_query##*/}"
scratch_db="${source_db}_restore_check_$$"
scratch_url="${server_url}/${scratch_db}${query_string}"
maintenance_url="${server_url}/postgres${query_string}"

workdir="$(mktemp -d)"
dump_file="${KEEP_DUMP:-$workdir/backup.dump}"
scratch_created=0

cleanup() {
  if [ "$scratch_created" = 1 ]; then
    psql -X -q -v ON_ERROR_STOP=1 "$maintenance_url" \
      -c "DROP DATABASE IF EXISTS \"${scratch_db}\" WITH (FORCE)" >/dev/null || true
  fi
  rm -rf "$workdir"
}
trap cleanup EXIT

# Every table of every non-system schema with its exact row count, one "schema.table|n" a line.
count_rows() {
  psql -X -q -At -v ON_ERROR_STOP=1 "$1" <<'SQL' | sort
SELECT format('SELECT %L || ''|'' || count(*) FROM %I.%I', n.nspname || '.' || c.relname,
              n.nspname, c.relname)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg_toast%'
ORDER BY 1
\gexec
SQL
}

echo "dumping ${source_db}"
pg_dump --format=custom --no-owner --file="$dump_file" "$SOURCE_URL"

echo "restoring into ${scratch_db}"
psql -X -q -v ON_ERROR_STOP=1 "$maintenance_url" -c "CREATE DATABASE \"${scratch_db}\"" >/dev/null
scratch_created=1
pg_restore --no-owner --exit-on-error --dbname="$scratch_url" "$dump_file"

count_rows "$SOURCE_URL" >"$workdir/source.txt"
count_rows "$scratch_url" >"$workdir/restored.txt"

tables=$(wc -l <"$workdir/source.txt")
if [ "$tables" -eq 0 ]; then
  echo "FAIL: no tables found in ${source_db}" >&2
  exit 1
fi
if ! diff -u --label "$source_db" --label "$scratch_db" \
    "$workdir/source.txt" "$workdir/restored.txt" >&2; then
  echo "FAIL: row counts differ between the database and its restored backup" >&2
  exit 1
fi
rows=$(awk -F'|' '{ s += $2 } END { print s }' "$workdir/source.txt")
echo "OK: ${tables} tables, ${rows} rows, identical after restore"
