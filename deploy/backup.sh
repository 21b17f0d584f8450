#!/usr/bin/env bash
# Back up the portal: the database (pg_dump custom format; SQLite's own backup for a local
# run) and the media folder, in one timestamped tar file.
#   deploy/backup.sh            -> $BACKUP_DIR/portal-YYYYmmdd-HHMMSS.tar
#   deploy/backup.sh OUTDIR     -> OUTDIR/portal-YYYYmmdd-HHMMSS.tar
# Prints the path of the backup file on its last line.
set -euo pipefail
umask 077
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
eval "$("$PY" deploy/portal_env.py)"

outdir="${1:-$PORTAL_BACKUP_DIR}"
mkdir -p "$outdir"
stamp="$(date +%Y%m%d-%H%M%S)"
archive="$outdir/portal-$stamp.tar"
# The dump is written beside the backups, not to /tmp: on Debian 13 /tmp is in memory.
work="$(mktemp -d "$outdir/.work-XXXXXX")"
trap 'rm -rf "$work" "$archive.partial"' EXIT
trap 'exit 143' TERM INT HUP  # stopped by systemd: still clean up (the work folder holds a dump)

case "$PORTAL_DB_ENGINE" in
  postgresql)
    dump=database.dump
    pg_dump --format=custom --no-owner --no-privileges --file="$work/$dump"
    ;;
  sqlite3)
    dump=database.sqlite3
    "$PY" -c 'import sqlite3, sys; src = sqlite3.connect(sys.argv[1]); dst = sqlite3.connect(sys.argv[2]); src.backup(dst); dst.close()' \
      "$PORTAL_SQLITE_FILE" "$work/$dump"
    ;;
  *)
    echo "不支持的数据库类型: $PORTAL_DB_ENGINE" >&2; exit 2 ;;
esac

# The media folder goes into the archive as media/. GNU tar reads it in place (its links stay
# links); elsewhere (bsdtar on a Mac) it is copied into the work folder first.
if [ ! -d "$PORTAL_MEDIA_ROOT" ]; then
  mkdir "$work/media"; media_args=(-C "$work" media)
elif tar --version 2>/dev/null | grep -q 'GNU tar'; then
  media_args=(-C "$PORTAL_MEDIA_ROOT" --transform 's,^\.\(/\|$\),media\1,S' --warning=no-file-changed .)
else
  cp -a "$PORTAL_MEDIA_ROOT/." "$work/media/"; media_args=(-C "$work" media)
fi
{
  echo "created=$stamp"
  echo "engine=$PORTAL_DB_ENGINE"
  echo "media_files=$(find "${PORTAL_MEDIA_ROOT}/" -type f 2>/dev/null | wc -l)"
} > "$work/MANIFEST"

# GNU tar exits 1 when a file changed while it was read (a PDF being uploaded at 03:15): the
# archive is still whole, with that file as it was.
status=0
tar -cf "$archive.partial" -C "$work" MANIFEST "$dump" "${media_args[@]}" || status=$?
if [ "$status" -eq 1 ]; then
  echo "注意:备份时有文件正在修改 (a file changed while it was read)" >&2
elif [ "$status" -ne 0 ]; then
  exit "$status"
fi
mv "$archive.partial" "$archive"
echo "备份完成 (backup written): $archive" >&2
echo "$archive"
