#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into the configured database and media folder.
#   deploy/restore.sh FILE [--yes]
# The database objects are replaced in one transaction; the current media folder is kept
# beside the restored one as MEDIA_ROOT.before-restore-TIMESTAMP.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"

file="${1:-}"
if [ -z "$file" ] || [ ! -f "$file" ]; then
  echo "用法 (usage): deploy/restore.sh 备份文件.tar [--yes]" >&2
  exit 2
fi
eval "$("$PY" deploy/portal_env.py)"

if [ "${2:-}" != "--yes" ]; then
  target="${PGDATABASE:-${PORTAL_SQLITE_FILE:-}}"
  read -r -p "将用 $file 覆盖数据库 $target 和 $PORTAL_MEDIA_ROOT,确定吗?输入 yes 继续: " answer
  [ "$answer" = "yes" ] || { echo "已取消。" >&2; exit 1; }
fi

# The restored folder takes the old one's place by a rename, which a mount point or a link
# cannot do: refused before anything is changed.
if mountpoint -q "$PORTAL_MEDIA_ROOT" 2>/dev/null || [ -L "$PORTAL_MEDIA_ROOT" ]; then
  echo "MEDIA_ROOT ($PORTAL_MEDIA_ROOT) 是挂载点或链接,无法整体替换:请把 MEDIA_ROOT 指向其中的一个子目录,或手动恢复媒体文件。" >&2
  exit 2
fi
# Unpacked beside the media folder (same disk), not in /tmp (in memory on Debian 13).
mkdir -p "$(dirname "$PORTAL_MEDIA_ROOT")"
work="$(mktemp -d "$(dirname "$PORTAL_MEDIA_ROOT")/.restore-XXXXXX")"
trap 'rm -rf "$work"' EXIT
trap 'exit 143' TERM INT HUP
# Restored photos and attachments are read by nginx, another user: whatever umask the caller
# (sudo, a root shell) brings, they must stay readable.
(umask 022 && tar -C "$work" -xf "$file")
grep -q "^engine=$PORTAL_DB_ENGINE\$" "$work/MANIFEST" || {
  echo "备份的数据库类型与当前配置不符: $(grep engine= "$work/MANIFEST") / $PORTAL_DB_ENGINE" >&2; exit 2; }

case "$PORTAL_DB_ENGINE" in
  postgresql)
    pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction \
      --exit-on-error --dbname="$PGDATABASE" "$work/database.dump"
    ;;
  sqlite3)
    "$PY" -c 'import sqlite3, sys; src = sqlite3.connect(sys.argv[1]); dst = sqlite3.connect(sys.argv[2]); src.backup(dst); dst.close()' \
      "$work/database.sqlite3" "$PORTAL_SQLITE_FILE"
    ;;
esac

stamp="$(date +%Y%m%d-%H%M%S)"
if [ -d "$PORTAL_MEDIA_ROOT" ] && [ -n "$(ls -A "$PORTAL_MEDIA_ROOT")" ]; then
  mv "$PORTAL_MEDIA_ROOT" "$PORTAL_MEDIA_ROOT.before-restore-$stamp"
  echo "原媒体目录已保留为 (previous media kept as): $PORTAL_MEDIA_ROOT.before-restore-$stamp" >&2
else
  rm -rf "$PORTAL_MEDIA_ROOT"
fi
mv "$work/media" "$PORTAL_MEDIA_ROOT"
chmod 755 "$PORTAL_MEDIA_ROOT"
# Cached pages show the content from before the restore: they are all rebuilt on their next visit.
if ! "$PY" manage.py invalidate_page_cache >/dev/null 2>"$work/invalidate.log"; then
  echo "警告:缓存页面未能失效,最长 PAGE_CACHE_SECONDS 秒后才显示恢复的内容 (cached pages not invalidated): $(tail -n 1 "$work/invalidate.log")" >&2
fi
echo "恢复完成 (restored): $file" >&2
