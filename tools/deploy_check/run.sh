#!/usr/bin/env bash
# make deploy-check: the 部署 steps of docs/performance-and-deployment.md, as written, on a fresh
# Debian 13 (trixie) system booted with systemd in a container, then the checks a new server must pass.
#
#   sudo bash tools/deploy_check/run.sh
#
# 1. debootstrap a minimal trixie once (kept in $DEPLOY_CHECK_DIR/base-trixie), copy it to a fresh root;
#    the repository is a clone of this checkout's HEAD (commit first: uncommitted changes are not in it).
# 2. boot it with systemd-nspawn (private network: a veth pair, NAT to reach Debian and PyPI).
# 3. run the documented install block (tools/deploy_check/steps.py: only the unattended parts replaced).
# 4. check it through nginx (tools/deploy_check/checks.py served), run the nightly backup unit,
#    lose a change and the photos, restore them as docs/security.md says.
# 5. power off and boot again: everything must come back by itself; check again.
# 6. a new commit, then the documented update block while a reader requests the home page over
#    and over: no answer but 200.
#
# env: DEPLOY_CHECK_DIR (/var/tmp/portal-deploy-check) DEBIAN_MIRROR (http://deb.debian.org/debian)
#      KEEP (0: delete the container's root at the end; 1: keep it for a look)
# One check at a time per machine (a lock on DEPLOY_CHECK_DIR).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="${DEPLOY_CHECK_DIR:-/var/tmp/portal-deploy-check}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
MACHINE=portaldc            # host side of the veth pair: ve-portaldc
NET=10.231.77               # a /30 between host (.1) and container (.2)
BASE="$WORK/base-trixie"; RFS="$WORK/root"; LOG="$WORK/logs"
NSPAWN_PID=""; CPID=""; FORWARD_BEFORE=""; UPDATE_CLONE=""

say() { printf '\n== %s\n' "$*"; }
die() { echo "deploy-check: $*" >&2; exit 1; }

[[ $EUID == 0 ]] || die "needs root (debootstrap, systemd-nspawn, a network namespace)"
missing=()
for tool in debootstrap:debootstrap systemd-nspawn:systemd-container iptables:iptables ip:iproute2 git:git; do
  command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}")
done
if ((${#missing[@]})); then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
mkdir -p "$WORK" "$LOG"
exec 9>"$WORK/.lock"
flock -n 9 || die "another deploy-check is running (lock $WORK/.lock)"

inside() {  # a command in the container, as root, with a clean environment
  nsenter -t "$CPID" -a env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LANG=C.UTF-8 TERM=dumb "$@"
}

boot() {
  systemd-nspawn -D "$RFS" -b -M "$MACHINE" --network-veth --register=no --keep-unit \
    </dev/null >>"$LOG/console.log" 2>&1 &
  NSPAWN_PID=$!
  for _ in $(seq 1 100); do
    CPID="$(pgrep -P "$NSPAWN_PID" | head -1 || true)"
    [[ -n "$CPID" && "$(cat /proc/"$CPID"/comm 2>/dev/null)" == systemd ]] && break
    kill -0 "$NSPAWN_PID" 2>/dev/null || die "the container did not start; $LOG/console.log says: $(tail -5 "$LOG/console.log")"
    sleep 0.2
  done
  [[ "$(cat /proc/"$CPID"/comm 2>/dev/null)" == systemd ]] || die "no systemd in the container"
  ip addr add "$NET.1/30" dev "ve-$MACHINE"
  ip link set "ve-$MACHINE" up
  nsenter -t "$CPID" -n ip addr add "$NET.2/30" dev host0
  nsenter -t "$CPID" -n ip link set host0 up
  nsenter -t "$CPID" -n ip route add default via "$NET.1"
  # systemd answers only once its bus is up: ask again until it does (or a minute passes).
  local state=""
  for _ in $(seq 1 120); do
    state="$(inside systemctl is-system-running --wait 2>/dev/null || true)"
    [[ -n "$state" ]] && break
    sleep 0.5
  done
  echo "booted: ${state:-no answer from systemd}"
}

power_off() {
  [[ -n "$NSPAWN_PID" ]] && kill -0 "$NSPAWN_PID" 2>/dev/null || return 0
  inside systemctl poweroff >/dev/null 2>&1 || true
  for _ in $(seq 1 600); do kill -0 "$NSPAWN_PID" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$NSPAWN_PID" 2>/dev/null; then
    echo "the container did not power off within 2 minutes: killed (the next boot recovers the database)"
    kill -KILL "$NSPAWN_PID" && sleep 1
  fi
  NSPAWN_PID=""; CPID=""
}

cleanup() {
  power_off
  iptables -t nat -D POSTROUTING -s "$NET.0/30" ! -o "ve-$MACHINE" -j MASQUERADE 2>/dev/null || true
  [[ -n "$FORWARD_BEFORE" ]] && sysctl -qw net.ipv4.ip_forward="$FORWARD_BEFORE"
  [[ -n "$UPDATE_CLONE" ]] && rm -rf "$UPDATE_CLONE"
  [[ "${KEEP:-0}" == 1 ]] || rm -rf "$RFS"
}
trap cleanup EXIT

say "1. a fresh Debian 13 (trixie) root"
if [[ ! -f "$BASE/.complete" ]]; then
  rm -rf "$BASE"
  debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,ca-certificates trixie "$BASE" "$MIRROR" \
    >"$LOG/debootstrap.log" 2>&1 || die "debootstrap failed: $LOG/debootstrap.log"
  touch "$BASE/.complete"
fi
rm -rf "$RFS" && cp -a "$BASE" "$RFS" && rm -f "$RFS/.complete"
echo portal-server >"$RFS/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 portal-server\n::1 localhost\n' >"$RFS/etc/hosts"
cp -L /etc/resolv.conf "$RFS/etc/resolv.conf"
# A machine behind a TLS-inspecting proxy trusts the proxy's CA; so must the server under test.
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  cp /usr/local/share/ca-certificates/*.crt "$RFS/usr/local/share/ca-certificates/"
  chroot "$RFS" update-ca-certificates >/dev/null 2>&1
fi
git clone -q --bare "$ROOT" "$RFS/root/portal.git"
COMMIT="$(git -C "$ROOT" rev-parse --short HEAD)"
# The server follows one branch, whatever this checkout is on (a detached HEAD included).
git -C "$RFS/root/portal.git" update-ref refs/heads/deploy-check "$(git -C "$ROOT" rev-parse HEAD)"
git -C "$RFS/root/portal.git" symbolic-ref HEAD refs/heads/deploy-check
python3 "$ROOT/tools/deploy_check/steps.py" "$ROOT/docs" "$RFS/root"
cp "$ROOT/tools/deploy_check/steps.py" "$ROOT/tools/deploy_check/checks.py" "$RFS/root/"
echo "commit $COMMIT of $ROOT; steps from docs/performance-and-deployment.md (部署) and docs/security.md (restore)"

say "2. boot it with systemd"
FORWARD_BEFORE="$(sysctl -n net.ipv4.ip_forward)"
sysctl -qw net.ipv4.ip_forward=1
iptables -t nat -C POSTROUTING -s "$NET.0/30" ! -o "ve-$MACHINE" -j MASQUERADE 2>/dev/null \
  || iptables -t nat -A POSTROUTING -s "$NET.0/30" ! -o "ve-$MACHINE" -j MASQUERADE
boot

say "3. the documented steps 1-7 (log: $LOG/install.log)"
SECONDS=0
inside timeout 1800 bash /root/install.sh >"$LOG/install.log" 2>&1 || die "the install block failed; the end of $LOG/install.log:
$(tail -25 "$LOG/install.log")"
echo "done in ${SECONDS}s"
grep -E '^HTTP/' "$LOG/install.log" | tail -1

say "4. the new server"
inside python3 /root/checks.py served
inside systemctl list-timers --no-pager --all | grep -E 'portal-(backup|clearsessions)' \
  || die "the timers are not scheduled"
# A backup from 40 days ago must go, the new one stay.
inside sudo -u portal touch -d '40 days ago' /srv/portal/var/backups/portal-20000101-031500.tar
inside systemctl start portal-backup.service || die "the backup unit failed: $(inside journalctl -u portal-backup --no-pager | tail -20)"
backup="$(inside find /srv/portal/var/backups -maxdepth 1 -name 'portal-*.tar' -newer /srv/portal/.env | tail -1)"
[[ -n "$backup" ]] || die "no backup written"
inside test ! -e /srv/portal/var/backups/portal-20000101-031500.tar || die "the 40-day-old backup was not deleted"
[[ -z "$(inside find /srv/portal/var/backups -mindepth 1 -name '.*')" ]] || die "the backup left work files behind"
inside stat -c '%U %a %s %n' "$backup"
inside tar -tf "$backup" >"$LOG/backup-contents.txt" || die "$backup is not a tar file"
grep -qx database.dump "$LOG/backup-contents.txt" || die "no database dump in $backup"
grep -q '^media/photos/' "$LOG/backup-contents.txt" || die "no photos in $backup"
[[ "$(inside stat -c '%U %a' "$backup")" == "portal 600" ]] || die "the backup must be the portal user's, mode 600"
echo "ok   the nightly backup unit writes a backup with the database and the media, and deletes old ones"

# Lose something after the backup (a change in the database, the uploaded photos), then restore.
inside sudo -u postgres psql -d portal -qc "UPDATE auth_user SET first_name = 'after-the-backup'"
inside rm -rf /srv/portal/var/media/photos
inside python3 /root/checks.py answers "$(cat "$RFS/root/photo.txt")" 404
# From a root shell with a strict umask: restored files must stay readable by nginx.
inside bash -c "umask 027; bash /root/restore.sh var/backups/$(basename "$backup")" >"$LOG/restore.log" 2>&1 \
  || die "the restore failed: $(tail -20 "$LOG/restore.log")"
[[ -z "$(inside sudo -u postgres psql -d portal -tAc "SELECT first_name FROM auth_user WHERE first_name <> ''")" ]] \
  || die "the database was not restored"
inside python3 /root/checks.py answers "$(cat "$RFS/root/photo.txt")" 200
echo "ok   the documented restore brings back the database and the media, served by nginx"

say "5. power off and boot again"
power_off
boot
# A slow or busy machine can take a while (PostgreSQL first): up to three minutes.
for _ in $(seq 1 180); do inside systemctl is-active -q portal@8001 portal@8002 nginx && break; sleep 1; done
if ! inside systemctl is-active portal@8001 portal@8002 nginx postgresql redis-server portal-backup.timer; then
  inside journalctl -b --no-pager >"$LOG/second-boot.log" 2>&1 || true
  inside systemctl --no-pager status 'postgresql@*' 'portal@*' >>"$LOG/second-boot.log" 2>&1 || true
  die "not everything came back after the boot; $LOG/second-boot.log says: $(grep -iE 'postgres|portal@' "$LOG/second-boot.log" | tail -15)"
fi
inside python3 /root/checks.py served
redis_setting() { inside redis-cli CONFIG GET "$1" | sed -n 2p; }
[[ "$(redis_setting save)" == "" && "$(redis_setting maxmemory)" == "268435456" && "$(redis_setting maxmemory-policy)" == "volatile-lru" ]] \
  || die "after the reboot Redis is not a pure cache: save '$(redis_setting save)', maxmemory $(redis_setting maxmemory), policy $(redis_setting maxmemory-policy)"
echo "ok   Redis came back as a pure cache (no snapshots, 256 MB, drops only entries with a lifetime)"

say "6. an update without a failed request (log: $LOG/update.log)"
# The update changes what every page shows; the home page is in the page cache before it.
MARK="deploy-check-update-$RANDOM$RANDOM"
UPDATE_CLONE="$(mktemp -d)"
git clone -q "$RFS/root/portal.git" "$UPDATE_CLONE"
echo "<!-- $MARK -->" >>"$UPDATE_CLONE/templates/base.html"
git -C "$UPDATE_CLONE" -c user.name=deploy-check -c user.email=check@example.cn commit -qam "deploy-check: an update"
git -C "$UPDATE_CLONE" push -q origin HEAD:deploy-check
NEW="$(git -C "$UPDATE_CLONE" rev-parse HEAD)"
main_pids() { inside systemctl show -p MainPID --value portal@8001 portal@8002 | tr '\n' ' '; }
PIDS_BEFORE="$(main_pids)"
rm -f "$RFS/root/update.done"
inside python3 /root/checks.py reader /root/update.done >"$LOG/reader.log" 2>&1 &
READER=$!
sleep 2
inside timeout 600 bash /root/update.sh >"$LOG/update.log" 2>&1 || { touch "$RFS/root/update.done"; die "the update block failed: $(tail -20 "$LOG/update.log")"; }
sleep 2
touch "$RFS/root/update.done"
wait "$READER" || die "requests failed during the update: $(cat "$LOG/reader.log")"
cat "$LOG/reader.log"
[[ "$(inside git -C /srv/portal rev-parse HEAD)" == "$NEW" ]] || die "/srv/portal is not at the new commit"
PIDS_AFTER="$(main_pids)"
for before in $PIDS_BEFORE; do
  [[ " $PIDS_AFTER " != *" $before "* ]] || die "an instance was not restarted (main PIDs $PIDS_BEFORE → $PIDS_AFTER)"
done
inside python3 /root/checks.py contains / "$MARK"
echo "ok   the update pulled the new commit, restarted both instances, and readers see it at once"

say "deploy-check passed (commit $COMMIT)"
