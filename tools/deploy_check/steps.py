"""The 部署 section's shell blocks, as written, made runnable in the check's container.

    python3 tools/deploy_check/steps.py DOCS OUTDIR

writes OUTDIR/install.sh (steps 1-7) and OUTDIR/update.sh (the update block) from DOCS/
performance-and-deployment.md, and OUTDIR/restore.sh (a restore on the server, taking the backup's
name as $1) from DOCS/security.md. Only what cannot run unattended in a container is replaced,
and every replacement must apply exactly once: when the documentation changes shape, the check
fails here instead of silently testing something else.
"""

import re
import sys
from pathlib import Path

# Values the check fills in where the documentation says 【必改】 or asks a person.
DB_PASSWORD = "deploy-check-db-password"
ADMIN_USER, ADMIN_PASSWORD = "chief", "deploy-check-Admin-2026"
CERT_DIR = "/etc/letsencrypt/live/www.example.cn"

# The 【必改】 values; the folders and CACHE_URL must already be right in deploy/.env.example.
# Without set -x: the secret and the passwords stay out of the log.
FILL_IN_ENV = r"""
set +x
key=$(python3 -c "import secrets; print(secrets.token_urlsafe(64))")
sed -i \
  -e "s|^SECRET_KEY=.*|SECRET_KEY=$key|" \
  -e "s|^ALLOWED_HOSTS=.*|ALLOWED_HOSTS=www.example.cn,example.cn|" \
  -e "s|^CSRF_TRUSTED_ORIGINS=.*|CSRF_TRUSTED_ORIGINS=https://www.example.cn,https://example.cn|" \
  -e "s|^SITE_URL=.*|SITE_URL=https://www.example.cn|" \
  -e "s|^ICP_RECORD=.*|ICP_RECORD=陕ICP备12345678号-1|" \
  -e "s|^DATABASE_URL=.*|DATABASE_URL=postgres://portal:{db_password}@127.0.0.1:5432/portal|" \
  .env
set -x
""".replace("{db_password}", DB_PASSWORD)

INSTALL = [
    ("git clone <repository> /srv/portal\n", "git clone /root/portal.git /srv/portal\n"),
    (
        "sudo -u postgres createuser --pwprompt portal\n",
        f"set +x; printf '%s\\n%s\\n' {DB_PASSWORD} {DB_PASSWORD} | sudo -u postgres createuser --pwprompt portal; set -x\n",
    ),
    (
        "cp deploy/.env.example .env && chown root:portal .env && chmod 640 .env\n",
        "cp deploy/.env.example .env && chown root:portal .env && chmod 640 .env\n" + FILL_IN_ENV,
    ),
    (
        "sudo -u portal .venv/bin/python manage.py createsuperuser\n",
        f"set +x; sudo -u portal env DJANGO_SUPERUSER_USERNAME={ADMIN_USER} DJANGO_SUPERUSER_EMAIL=chief@example.cn "
        f"DJANGO_SUPERUSER_PASSWORD={ADMIN_PASSWORD} .venv/bin/python manage.py createsuperuser --noinput; set -x\n",
    ),
    (
        "cp deploy/nginx/portal.conf /etc/nginx/sites-available/portal\n",
        "cp deploy/nginx/portal.conf /etc/nginx/sites-available/portal\n"
        "cp /etc/nginx/sites-available/portal /root/portal.conf.full\n"
        "awk '/^server \\{/ {n++} n < 2' /root/portal.conf.full > /etc/nginx/sites-available/portal  # no 443 servers\n",
    ),
    (
        "certbot certonly --webroot -w /var/www/letsencrypt -d www.example.cn -d example.cn\n",
        f"mkdir -p {CERT_DIR} && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=www.example.cn "
        f"-addext subjectAltName=DNS:www.example.cn,DNS:example.cn -keyout {CERT_DIR}/privkey.pem "
        f"-out {CERT_DIR}/fullchain.pem 2>/dev/null  # instead of certbot: no ACME server here\n",
    ),
    (
        "#    restore the 443 servers, then:\n",
        "cp /root/portal.conf.full /etc/nginx/sites-available/portal  # the 443 servers back\n",
    ),
    (
        "curl -fsSI --retry 3 --retry-connrefused https://www.example.cn/ ",
        f"curl -fsSI --retry 3 --retry-connrefused --resolve www.example.cn:443:127.0.0.1 --cacert {CERT_DIR}/fullchain.pem "
        "https://www.example.cn/ ",
    ),
]


def replace_each_once(block: str, replacements) -> str:
    for old, new in replacements:
        count = block.count(old)
        if count != 1:
            sys.exit(f"deploy_check: the 部署 block contains {old.strip()!r} {count} times, not once")
        block = block.replace(old, new)
    return block


def shell_blocks(doc: Path, section: str, next_section: str) -> list[str]:
    """The ```sh blocks of one section of a document."""
    text = doc.read_text()
    return re.findall(r"```sh\n(.*?)```", text[text.index(section):text.index(next_section)], re.S)


def main(docs: Path, outdir: Path) -> None:
    blocks = shell_blocks(docs / "performance-and-deployment.md", "## 部署", "## 扩展")
    install = [b for b in blocks if b.startswith("# 1. Packages")]
    update = [b for b in blocks if "git pull" in b]
    if len(install) != 1 or len(update) != 1:
        sys.exit("deploy_check: expected one install block (# 1. Packages …) and one update block (git pull)")
    header = "set -euxo pipefail\nexport DEBIAN_FRONTEND=noninteractive\n"
    (outdir / "install.sh").write_text(header + replace_each_once(install[0], INSTALL))
    (outdir / "update.sh").write_text(header + update[0])

    restore = [
        b for b in shell_blocks(docs / "security.md", "## Backup and restore", "## Dependency audit")
        if b.startswith("cd /srv/portal")
    ]
    if len(restore) != 1:
        sys.exit("deploy_check: expected one server restore block (cd /srv/portal …) in security.md")
    example = re.search(r"var/backups/portal-\d{8}-\d{6}\.tar", restore[0])
    if not example:
        sys.exit("deploy_check: the restore block names no backup file")
    (outdir / "restore.sh").write_text(header + restore[0].replace(example.group(0), '"$1"'))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
