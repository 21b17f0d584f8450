"""Print the database and media settings of the portal as shell assignments.

Used by deploy/backup.sh and deploy/restore.sh so that they read exactly what Django reads
(the environment, or .env beside manage.py), never a second copy of the configuration.
"""

import os
import shlex
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yanan_portal.settings")

from django.conf import settings  # noqa: E402

database = settings.DATABASES["default"]
engine = database["ENGINE"].rsplit(".", 1)[-1]
values = {
    "PORTAL_DB_ENGINE": engine,
    "PORTAL_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    "PORTAL_BACKUP_DIR": os.environ.get("BACKUP_DIR", str(Path(settings.BASE_DIR) / "var" / "backups")),
}
if engine == "postgresql":
    values.update(
        PGDATABASE=database["NAME"],
        PGUSER=database.get("USER") or "",
        PGPASSWORD=database.get("PASSWORD") or "",
        PGHOST=database.get("HOST") or "",
        PGPORT=str(database.get("PORT") or ""),
    )
else:
    values["PORTAL_SQLITE_FILE"] = str(database["NAME"])
for name, value in values.items():
    print(f"export {name}={shlex.quote(value)}")
