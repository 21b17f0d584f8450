"""
Settings of the 延安老促会 portal: one file, everything read from the environment.

Every variable is documented in ``deploy/.env.example`` and the README. Safe defaults
make a local run need nothing; with ``DEBUG`` off the portal refuses to start on a
missing or weak secret or an empty ``ALLOWED_HOSTS``.
"""

import secrets
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# An optional .env file beside manage.py; real environment variables win.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)


def _local_secret_key() -> str:
    """A key generated once per checkout, so a local run is stable without configuration."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


# "Production" is any run that is not explicitly local: DEBUG off and not the local
# `make run` (which sets PORTAL_LOCAL=1 so that it may use the generated key).
PORTAL_LOCAL = env.bool("PORTAL_LOCAL", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if DEBUG or PORTAL_LOCAL:
        SECRET_KEY = _local_secret_key()
    else:
        raise ImproperlyConfigured(
            "生产模式(DEBUG 关闭)必须设置 SECRET_KEY 环境变量。"
            " SECRET_KEY must be set when DEBUG is off (see deploy/.env.example)."
        )
if not (DEBUG or PORTAL_LOCAL) and (
    len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure")
):
    raise ImproperlyConfigured(
        "SECRET_KEY 太弱:至少 50 个字符且不能是默认值。"
        " SECRET_KEY is too weak: use at least 50 random characters."
    )

_default_hosts = ["127.0.0.1", "localhost", "[::1]"] if (DEBUG or PORTAL_LOCAL) else []
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=_default_hosts)
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "生产模式必须设置 ALLOWED_HOSTS。 ALLOWED_HOSTS must list the site's host names."
    )
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Django's page (templates/403_csrf.html), or for a form of the admin the admin's with the way back.
CSRF_FAILURE_VIEW = "yanan_portal.security_views.csrf_failure"
# Django's storage (cookie, then session); admin messages built of two sentences lose the
# English space between them (yanan_portal/messages.py).
MESSAGE_STORAGE = "yanan_portal.messages.ChineseSentenceStorage"

# Absolute address of the site, used for QR codes, feeds and canonical links.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The 备案号 shown in the footer, e.g. "陕ICP备00000000号-1".
ICP_RECORD = env.str("ICP_RECORD", default="")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_prose_editor",
    "yanan_portal",
    "news",
    "members",
    "projects",
]

MIDDLEWARE = [
    # Browsers revalidate pages (字号/配色 cookies, edits, withdrawals); outside the page cache.
    "yanan_portal.middleware.RevalidatePagesMiddleware",
    # perf: 浏览量 is counted in front of the page cache, and a cached page skips every
    # other middleware (yanan_portal/cache.py; docs/performance-and-deployment.md).
    "yanan_portal.cache.ArticleViewCounterMiddleware",
    "yanan_portal.cache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # perf: ETag/Last-Modified → 304 for every page, cached or not.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # perf: the page cache for readers with a session cookie (needs request.user).
    "yanan_portal.cache.PageCacheSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# --- Editorial workflow (issue 3): versions of every article save, with the staff member
# who made them (django-simple-history).
INSTALLED_APPS += ["simple_history"]
MIDDLEWARE += ["simple_history.middleware.HistoryRequestMiddleware"]
# --- end editorial workflow

ROOT_URLCONF = "yanan_portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "yanan_portal.context_processors.portal",
            ],
        },
    },
]

WSGI_APPLICATION = "yanan_portal.wsgi.application"

# The embedded default is an SQLite file under var/; production sets DATABASE_URL
# (postgres://user:password@host:5432/name).
DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    # A connection broken by a database restart is replaced before the next request uses it.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    # WAL and a busy timeout let gunicorn's workers read while one of them writes.
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    VAR_DIR.mkdir(parents=True, exist_ok=True)

# A PostgreSQL streaming replica for readers' uncached pages (yanan_portal/replica.py; the
# path beyond one machine in docs/performance-and-deployment.md, 扩展). Unset: one database.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db_url("DATABASE_REPLICA_URL")
    if {DATABASES["default"]["ENGINE"], DATABASES["replica"]["ENGINE"]} != {"django.db.backends.postgresql"}:
        raise ImproperlyConfigured("DATABASE_REPLICA_URL 需要主库和副本都是 PostgreSQL")
    DATABASES["replica"].setdefault("CONN_MAX_AGE", DATABASES["default"]["CONN_MAX_AGE"])
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    # A replica that does not answer costs a reader 2 s once, then is skipped (replica.py).
    # One whose host vanishes mid-page (no reset sent) would hold the reader for the kernel's
    # 15 minutes of retransmissions: data it does not acknowledge ends the connection after
    # tcp_user_timeout (5 s); a query waiting for an answer sends nothing, so keep-alives
    # start after 5 s idle and the user timeout ends it at the second probe (about 7-10 s).
    replica_options = DATABASES["replica"].setdefault("OPTIONS", {})
    for option, value in {"connect_timeout": 2, "keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2, "keepalives_count": 3, "tcp_user_timeout": 5000}.items():
        replica_options.setdefault(option, value)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["yanan_portal.replica.PrimaryReplicaRouter"]
    # Right after the page cache: only the requests it did not answer get this far.
    MIDDLEWARE.insert(MIDDLEWARE.index("yanan_portal.cache.PageCacheMiddleware") + 1, "yanan_portal.replica.ReplicaReadsMiddleware")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Local memory by default; production: CACHE_URL=redis://127.0.0.1:6379/1
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://portal")}
# perf: redis:// uses Django's built-in Redis backend, wrapped so that a Redis that is
# down means "serve uncached" rather than a 500 (yanan_portal/cache.py).
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "yanan_portal.cache.FaultTolerantRedisCache"
    # Several sites (or test runs) may share one Redis; django-environ drops ?key_prefix=.
    CACHES["default"]["KEY_PREFIX"] = env.str("CACHE_KEY_PREFIX", default="portal")
elif CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache":
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 5000)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
# Uploaded media are served by Django only in a local run; nginx serves them in production.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=DEBUG or PORTAL_LOCAL)

# Uploads: large bodies are refused with a message rather than read into memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
FILE_UPLOAD_PERMISSIONS = 0o644
# nginx (www-data) reads media and protected files from MEDIA_ROOT: the folders Django creates
# must be readable whatever the process's umask (the systemd unit sets UMask=0027).
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o755

# Security headers. CSP: everything from our own host, no inline script without a nonce.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
_csp = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    # The admin's rich-text editor and Django's admin widgets set inline styles.
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
if env.bool("CSP_REPORT_ONLY", default=False):
    SECURE_CSP_REPORT_ONLY = _csp
else:
    SECURE_CSP = _csp

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=2 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # staff sessions expire after inactivity, not mid-work
if not DEBUG:
    # Behind nginx with TLS. HTTPS=off for a local run without TLS (make run sets it).
    _https = env.bool("HTTPS", default=not PORTAL_LOCAL)
    SECURE_SSL_REDIRECT = _https
    SESSION_COOKIE_SECURE = _https
    CSRF_COOKIE_SECURE = _https
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if _https else 0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
    SECURE_HSTS_PRELOAD = _https
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

ADMIN_URL = env.str("ADMIN_URL", default="admin/").strip("/") + "/"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}


# Articles per page on channel lists.
NEWS_PAGE_SIZE = 20


# --- Security hardening (issue 10) ---------------------------------------------------
# Kept in one block so that merges with other helpers' settings stay additive.
from datetime import timedelta  # noqa: E402

_LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1", "testserver"}
if DEBUG and not PORTAL_LOCAL and set(ALLOWED_HOSTS) - _LOCAL_HOSTS:
    # DEBUG shows settings and stack traces to anyone: never on a public host name.
    raise ImproperlyConfigured(
        "生产环境不能开启 DEBUG:ALLOWED_HOSTS 包含公网域名时必须设置 DEBUG=0。"
        "(只在本机测试时可设 PORTAL_LOCAL=1。)"
        " DEBUG must be off when ALLOWED_HOSTS names a public host (PORTAL_LOCAL=1 on a test machine only)."
    )
if not (DEBUG or PORTAL_LOCAL) and "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "生产模式的 ALLOWED_HOSTS 不能是 *,请写明网站域名。"
        " ALLOWED_HOSTS must not be '*' in production."
    )

# Permissions-Policy (yanan_portal.middleware) right after SecurityMiddleware so that every
# response, error pages included, carries it. Axes must come last (its documentation).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "yanan_portal.middleware.PermissionsPolicyMiddleware",
)
# Inside the CSP middleware so that its 400 page carries the policy too.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.csp.ContentSecurityPolicyMiddleware") + 1,
    "yanan_portal.middleware.NullByteMiddleware",
)
# Uploads whose database transaction rolls back are deleted (yanan_portal.storage).
MIDDLEWARE.insert(
    MIDDLEWARE.index("yanan_portal.middleware.PermissionsPolicyMiddleware") + 1,
    "yanan_portal.storage.OrphanFileCleanupMiddleware",
)
STORAGES["default"]["BACKEND"] = "yanan_portal.storage.TransactionalFileSystemStorage"
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
INSTALLED_APPS += [
    "yanan_portal.vendor_apps.AxesConfig",  # axes, under a Chinese name in the admin
    "django_otp",
    "yanan_portal.vendor_apps.OTPTOTPConfig",  # django_otp.plugins.otp_totp
    "yanan_portal.vendor_apps.OTPStaticConfig",  # django_otp.plugins.otp_static
]
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), "
    "fullscreen=(self), geolocation=(), gyroscope=(), hid=(), magnetometer=(), microphone=(), "
    "midi=(), payment=(), picture-in-picture=(), publickey-credentials-get=(), serial=(), "
    "screen-wake-lock=(), sync-xhr=(self), usb=(), xr-spatial-tracking=()"
)

# Login throttling (django-axes): AXES_FAILURE_LIMIT failures for one user name OR one
# address lock further attempts for AXES_COOLOFF_MINUTES. Unlock: see README (axes_reset).
AUTHENTICATION_BACKENDS = [
    "yanan_portal.auth.PortalAxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# Log the user name and address of failures in clear (the password is always masked):
# an administrator needs them to tell a forgotten password from an attack.
AXES_SENSITIVE_PARAMETERS: list[str] = []
AXES_LOCKOUT_CALLABLE = "yanan_portal.auth.lockout_response"
AXES_COOLOFF_MESSAGE = "登录失败次数过多,账户已暂时锁定。请稍后再试,或联系网站管理员解锁。"
AXES_PERMALOCK_MESSAGE = "登录失败次数过多,账户已锁定。请联系网站管理员解锁。"
# Behind nginx every request comes from 127.0.0.1: the reader's address is in X-Real-IP,
# trusted only when the request really came from the proxy.
AXES_CLIENT_IP_CALLABLE = "yanan_portal.auth.client_ip"
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=["127.0.0.1", "::1"])

# Optional second factor for the admin (django-otp, TOTP). Register a device first
# (admin → TOTP devices), then set ADMIN_REQUIRE_OTP=1.
ADMIN_REQUIRE_OTP = env.bool("ADMIN_REQUIRE_OTP", default=False)
OTP_TOTP_ISSUER = "延安市老促会网站"

LOGGING["loggers"].update(
    {
        # Failed and locked-out logins, with user name and address (never the password).
        "axes": {"level": "INFO"},
        "yanan_portal.cache": {"level": "WARNING"},
        "yanan_portal.storage": {"level": "WARNING"},
        "django.security": {"level": "WARNING"},
    }
)
# --- end security hardening ----------------------------------------------------------
# --- perf: page cache, media storage (docs/performance-and-deployment.md) ---------------------------------
# Whole public pages for anonymous readers; PAGE_CACHE=off turns it off (CACHE_URL=dummycache://
# does too). Lifetimes in seconds; article pages are short-lived so that 浏览量 lags ≤ 1 min.
PAGE_CACHE_ENABLED = env.bool("PAGE_CACHE", default=True)
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
PAGE_CACHE_ARTICLE_SECONDS = env.int("PAGE_CACHE_ARTICLE_SECONDS", default=45)
# With Redis, 浏览量 are gathered there and written to the database at most this often
# (0: one UPDATE per view). Shown with a lag ≤ PAGE_CACHE_ARTICLE_SECONDS + this ≤ 1 min.
VIEW_COUNT_FLUSH_SECONDS = env.int("VIEW_COUNT_FLUSH_SECONDS", default=10)
# Paths never cached (besides the admin): per-reader or side-effect URLs.
PAGE_CACHE_EXCLUDE = ("/preferences/", "/healthz", "/media/", "/static/", "/news/preview/", "/news/attachments/", "/accounts/")
# A change to a model of these apps invalidates every cached page.
PAGE_CACHE_APPS = {"news", "members", "projects"}
# With the local-memory cache, the gunicorn workers of one host share the cache
# generation through this file's modification time.
PAGE_CACHE_GENERATION_FILE = VAR_DIR / "page-cache-generation"

# Attachments and publication PDFs are handed over by nginx (X-Accel-Redirect to its internal
# /protected-media/ location) after a view checked publication; off: Django streams them.
MEDIA_ACCEL_REDIRECT = env.bool("MEDIA_ACCEL_REDIRECT", default=False)

# Media: the local folder MEDIA_ROOT by default; S3-compatible object storage (django-storages)
# when MEDIA_S3_BUCKET is set. django-storages is always installed (small); boto3 only then
# (pip install "django-storages[s3]"); settings refuse to start without it.
MEDIA_S3_BUCKET = env.str("MEDIA_S3_BUCKET", default="")
if MEDIA_S3_BUCKET:
    import importlib.util

    # Attachments and publication PDFs must never share the public folder.
    _media_prefix = env.str("MEDIA_S3_PREFIX", default="media").strip("/")
    _protected_prefix = env.str("MEDIA_S3_PROTECTED_PREFIX", default="protected").strip("/")
    _nested = f"{_protected_prefix}/".startswith(f"{_media_prefix}/") or f"{_media_prefix}/".startswith(f"{_protected_prefix}/")
    if not (_media_prefix and _protected_prefix) or _nested:
        raise ImproperlyConfigured(
            "MEDIA_S3_PREFIX 和 MEDIA_S3_PROTECTED_PREFIX 必须是桶里两个互不包含的非空目录,否则附件和刊物 PDF 会随公开目录一起公开。"
            " MEDIA_S3_PREFIX and MEDIA_S3_PROTECTED_PREFIX must be two separate, non-empty folders of the bucket."
        )

    if importlib.util.find_spec("boto3") is None:
        raise ImproperlyConfigured(
            "设置了 MEDIA_S3_BUCKET,但没有安装 boto3:pip install \"django-storages[s3]\"。"
            " MEDIA_S3_BUCKET is set but boto3 is missing: pip install \"django-storages[s3]\"."
        )
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": env.str("MEDIA_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("MEDIA_S3_REGION", default="") or None,
            "access_key": env.str("MEDIA_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("MEDIA_S3_SECRET_ACCESS_KEY", default="") or None,
            # Public-read objects under a stable address (a CDN or the bucket's own domain).
            "custom_domain": env.str("MEDIA_S3_CUSTOM_DOMAIN", default="") or None,
            "location": _media_prefix,
            "default_acl": None,
            "querystring_auth": env.bool("MEDIA_S3_SIGNED_URLS", default=False),
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=2592000"},
        },
    }
    # Attachments and publication PDFs follow the publication rule: a prefix of the bucket
    # that is not public (the bucket policy makes only MEDIA_S3_PREFIX public; each object is
    # also written private, which wins over a bucket-wide public-read ACL on COS and OSS),
    # read through signed addresses handed out by the views that check published()
    # (yanan_portal.protected_media). An hour, because a browser's PDF viewer reads a large
    # file in ranges for as long as the reader turns its pages.
    STORAGES["protected"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **STORAGES["default"]["OPTIONS"],
            "custom_domain": None,  # a signature is made for the bucket's own address
            "location": _protected_prefix,
            # Empty for a bucket that refuses ACLs (AWS "bucket owner enforced").
            "default_acl": env.str("MEDIA_S3_PROTECTED_ACL", default="private") or None,
            "querystring_auth": True,
            "querystring_expire": 3600,
            "signature_version": "s3v4",  # what AWS, COS, OSS and MinIO all accept
            "object_parameters": {"CacheControl": "private, max-age=3600"},
        },
    }
    # Photos come from the bucket's or the CDN's address: the pages' CSP must allow it.
    _options = STORAGES["default"]["OPTIONS"]
    if _options["custom_domain"]:
        _csp["img-src"].append(f"https://{_options['custom_domain']}")
    elif _options["endpoint_url"]:
        _endpoint = urlsplit(_options["endpoint_url"])
        _csp["img-src"] += [f"{_endpoint.scheme}://{_endpoint.netloc}", f"{_endpoint.scheme}://{MEDIA_S3_BUCKET}.{_endpoint.netloc}"]
    else:
        _csp["img-src"].append(f"https://{MEDIA_S3_BUCKET}.s3.amazonaws.com")
else:
    # The same folder as every upload; nginx and the media view refuse PROTECTED_PREFIXES.
    STORAGES["protected"] = {**STORAGES["default"]}
