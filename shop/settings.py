"""Settings for every environment, read from environment variables.

Defaults are the embedded development stack (SQLite, kombu's filesystem
broker, local media, the local Stripe emulator). ``RETROCEL_ENV=production``
turns on the secure defaults and refuses to start without real secrets.
Every variable is listed in ``.env.example`` and the README.
"""

from __future__ import annotations

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from shop.storage_config import filesystem_storages, s3_storages

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("RETROCEL_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)

ENVIRONMENT = env.str("RETROCEL_ENV", default="development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured("RETROCEL_ENV must be 'development' or 'production'")
PRODUCTION = ENVIRONMENT == "production"

# --- Core ---------------------------------------------------------------------------------------
DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
DEV_WEBHOOK_SECRET = "whsec_localstripe_development"
if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if len(SECRET_KEY) < 32:
        raise ImproperlyConfigured("SECRET_KEY must be set (at least 32 characters) in production")
    if SECRET_KEY == DEV_SECRET_KEY or SECRET_KEY.startswith(("django-insecure", "dev-only")):
        raise ImproperlyConfigured(
            "SECRET_KEY is the development key; set a real secret in production"
        )
else:
    SECRET_KEY = env.str("SECRET_KEY", default=DEV_SECRET_KEY)

DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured(
        "DJANGO_DEBUG must be off in production (it shows tracebacks and settings to anyone)"
    )
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "shop",
    "catalog",
    # Before styling: its sign-in receiver must read the pre-sign-in owner key before
    # styling's receiver moves it to the new session key (receivers run in connection order).
    "accounts",
    "showcase",
    "styling",
    "orders",
    "printing",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "csp",
]

MIDDLEWARE = [
    "shop.middleware.HealthCheckMiddleware",
    "shop.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Anonymous storefront pages from the shared cache, before the rest does any work
    # (see "Storefront at scale" below and shop/pagecache/middleware.py).
    "shop.pagecache.middleware.PageCacheMiddleware",
    "shop.ratelimits.RateLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "shop.csp.ContentSecurityPolicyMiddleware",
    # A media store that is down or slow: 503 "try again" (issue 18), not a 500.
    "shop.media_middleware.StoreUnavailableMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "shop.urls"
WSGI_APPLICATION = "shop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "shop.context_processors.site",
            ],
        },
    },
]

# --- Data -----------------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'retrocel.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so a Celery worker subprocess can share the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-retrocel.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {"timeout": 30, "transaction_mode": "IMMEDIATE"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# --- Storefront at scale (issue 18 part 4): shared cache, page cache, persistent connections ---
# Rate-limit counters (shop.ratelimits) and the page cache's entries and generation tokens
# live in the default cache, so every web and worker process must see the same one. A cache
# private to a process (locmem, dummy) or to a host (file) would let each gunicorn worker count
# its own rate limits and keep serving pages an editor changed on another process, so
# production refuses to start with one (fail closed, like the secrets above).
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "shop.cache.RedisCache"  # one Redis client per pool
_PROCESS_LOCAL_CACHES = ("locmem.LocMemCache", "dummy.DummyCache")
CACHE_IS_SHARED = not CACHES["default"]["BACKEND"].endswith(_PROCESS_LOCAL_CACHES)
if PRODUCTION and not (
    CACHE_IS_SHARED and not CACHES["default"]["BACKEND"].endswith("filebased.FileBasedCache")
):
    raise ImproperlyConfigured(
        "CACHE_URL must name a cache every host shares (redis://host:6379/1) in production: "
        "rate limits and the page cache live there"
    )
# Anonymous GETs of Wagtail pages and the gallery listing are answered from the default cache
# (shop.pagecache) for at most this many seconds; any content change invalidates them at once.
# On by default only with a cache processes share (0 = off: the embedded locmem default).
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600 if CACHE_IS_SHARED else 0)
PAGE_CACHE_ALIAS = "default"
# Paths never looked up (they are never cached; this only saves the cache round trip).
PAGE_CACHE_SKIP_PREFIXES = [
    "/static/", "/media/", "/cms/", "/django-admin/", "/documents/", "/accounts/", "/create/",
    "/cart/", "/checkout/", "/orders/", "/vendor/", "/stripe/", "/healthz/",
]  # fmt: skip
# Cookies that do not change a cached page (cached pages hold no CSRF token); any other cookie
# (the session: sign-in, cart, messages) makes the request render for itself.
PAGE_CACHE_IGNORED_COOKIES = env.list("PAGE_CACHE_IGNORED_COOKIES", default=["csrftoken"])
# Persistent database connections (PostgreSQL in production): a connection per worker thread,
# kept for CONN_MAX_AGE seconds and checked before reuse, instead of a new one per request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if PRODUCTION else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
# Sessions stay in the database (Django's default engine), which every process shares.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Media and static -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Third-party browser libraries from npm (package.json; `make venv` runs `npm ci`).
    ("vendor/cropperjs", BASE_DIR / "node_modules" / "cropperjs" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    # The strict (CSP-safe: no eval) build: 3D colour plots on the result page and style gallery.
    ("vendor/plotly", BASE_DIR / "node_modules" / "plotly.js-strict-dist-min"),
]
# --- Media storage (issue 18: object storage) ---------------------------------------------------
# Every file goes through Django's storage API: STORAGES["default"] holds public media (mockups,
# style samples, gallery images), STORAGES["private"] what shoppers own (photos, styled images,
# print files) and style weights. MEDIA_BACKEND=filesystem (the default: make run, make test)
# keeps them under MEDIA_ROOT / PRIVATE_MEDIA_ROOT; MEDIA_BACKEND=s3 puts them in two buckets of
# an S3 API (AWS S3, MinIO, SeaweedFS), so web and worker hosts share no disk. Private objects are
# never given a URL: they are streamed by views that check ownership (README, "Media").
MEDIA_BACKEND = env.str("MEDIA_BACKEND", default="filesystem")
if MEDIA_BACKEND not in {"filesystem", "s3"}:
    raise ImproperlyConfigured("MEDIA_BACKEND must be 'filesystem' or 's3'")
MEDIA_URL = "/media/"
# With S3 these two folders are only this process's scratch space (nothing else reads them).
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media" / "public")))
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "media" / "private")))
AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="")  # empty: AWS itself
AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="us-east-1")
AWS_ACCESS_KEY_ID = env.str("AWS_ACCESS_KEY_ID", default="")
AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", default="")
MEDIA_PUBLIC_BUCKET = env.str("MEDIA_PUBLIC_BUCKET", default="retrocel-public")
MEDIA_PRIVATE_BUCKET = env.str("MEDIA_PRIVATE_BUCKET", default="retrocel-private")
# Where browsers fetch public media: a CDN or the public bucket's address. Empty: Django streams
# it from the store at MEDIA_URL (shop.views.public_media).
MEDIA_PUBLIC_URL = env.str("MEDIA_PUBLIC_URL", default="")
# A store that does not answer within this many seconds is "down": the shopper gets a 503
# "try again" page, a worker retries the task later (shop.media.StoreUnavailable).
MEDIA_STORE_TIMEOUT = env.float("MEDIA_STORE_TIMEOUT", default=5.0)
MEDIA_STORE_ATTEMPTS = env.int("MEDIA_STORE_ATTEMPTS", default=3)


def _media_origin(url: str) -> list[str]:
    """The scheme://host[:port] of MEDIA_PUBLIC_URL, for the CSP's img-src ([] when unset)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []


if MEDIA_BACKEND == "s3":
    if MEDIA_PUBLIC_BUCKET == MEDIA_PRIVATE_BUCKET:
        raise ImproperlyConfigured("MEDIA_PUBLIC_BUCKET and MEDIA_PRIVATE_BUCKET must differ")
    _media_storages = s3_storages(
        endpoint_url=AWS_S3_ENDPOINT_URL,
        region=AWS_S3_REGION_NAME,
        access_key=AWS_ACCESS_KEY_ID,
        secret_key=AWS_SECRET_ACCESS_KEY,
        public_bucket=MEDIA_PUBLIC_BUCKET,
        private_bucket=MEDIA_PRIVATE_BUCKET,
    )
else:
    _media_storages = filesystem_storages(str(PRIVATE_MEDIA_ROOT))
STORAGES = {
    **_media_storages,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Outside production, whitenoise serves straight from the app folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
# Django streams public media from the store at MEDIA_URL (development, the embedded stack, and an
# S3 deployment without MEDIA_PUBLIC_URL); with a CDN / public bucket address browsers go there.
SERVE_MEDIA = env.bool(
    "SERVE_MEDIA", default=not PRODUCTION or (MEDIA_BACKEND == "s3" and not MEDIA_PUBLIC_URL)
)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024

# --- Auth, i18n -------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
# After sign-in without ?next= the shopper sees their account page (designs, orders, published).
LOGIN_REDIRECT_URL = "/accounts/"
LOGOUT_REDIRECT_URL = "/accounts/signed-out/"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Shopper accounts (django-allauth): e-mail + password, the address verified by a mailed link
# before the first sign-in. Users made by staff (admins, vendor users) have no allauth e-mail
# row and sign in with their username as before (accounts.adapter).
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Retrocel: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# Sign-in attempts are throttled by shop.ratelimits (RATE_LIMIT_SIGN_IN, per address and per
# name, the same rule as /cms/login/), so allauth's own login counters are off rather than
# counting the same attempts twice with other windows. Its other limits (sign-up, password
# reset, verification mail cooldown, change password) stay at allauth's defaults.
ACCOUNT_RATE_LIMITS = {"login": False, "login_failed": False}
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Email ----------------------------------------------------------------------------------------
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
if PRODUCTION:
    EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
    EMAIL_PORT = env.int("EMAIL_PORT", default=587)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Retrocel <shop@retrocel.test>")
ADMINS = [("Retrocel admins", a) for a in env.list("ADMIN_EMAILS", default=["admin@retrocel.test"])]

# --- Celery ---------------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_RESULT_BACKEND = env.str(
    "CELERY_RESULT_BACKEND",
    default=CELERY_BROKER_URL
    if CELERY_BROKER_URL.startswith("redis")
    else f"file://{VAR_DIR / 'celery' / 'results'}",
)
CELERY_FILESYSTEM_DIR = Path(
    env.str("CELERY_FILESYSTEM_DIR", default=str(VAR_DIR / "celery" / "broker"))
)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
# Tasks that need other limits than the two above: name -> (soft, hard) seconds, applied by
# shop.task_policy.PolicyTask (the base class of every task).
TASK_TIME_LIMITS = {
    "styling.gpu_stylize": (240, 300),
    "printing.gpu_upscale_line": (1800, 1900),
    "printing.write_line_pdf": (600, 660),
}

# --- Styling (uploads, jobs, designs) ---------------------------------------------------------
# Upload limits shown on the upload page and enforced by ml.imageio on the server.
STYLING_UPLOAD_MAX_BYTES = env.int("STYLING_UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
STYLING_UPLOAD_MAX_PIXELS = env.int("STYLING_UPLOAD_MAX_PIXELS", default=40_000_000)
# Request bodies larger than this are refused (413) from the Content-Length header, unread.
REQUEST_MAX_BYTES = env.int("REQUEST_MAX_BYTES", default=STYLING_UPLOAD_MAX_BYTES + 1024 * 1024)
# Admins upload style weights and images through these paths, so they get a larger limit.
ADMIN_PATH_PREFIXES = ["/cms/", "/django-admin/"]
ADMIN_REQUEST_MAX_BYTES = env.int("ADMIN_REQUEST_MAX_BYTES", default=512 * 1024 * 1024)
# Long side the styles run at; larger photos are reduced to it, the result keeps that size.
STYLING_WORKING_SIZE = env.int("STYLING_WORKING_SIZE", default=1024)
# A running job whose worker has not reported for this long is re-queued (or failed) by the
# watchdog; a queued job nobody picked up for STYLING_JOB_QUEUE_TIMEOUT_SECONDS is failed.
STYLING_JOB_STALE_SECONDS = env.int("STYLING_JOB_STALE_SECONDS", default=120)
STYLING_JOB_QUEUE_TIMEOUT_SECONDS = env.int("STYLING_JOB_QUEUE_TIMEOUT_SECONDS", default=1800)
STYLING_JOB_MAX_ATTEMPTS = env.int("STYLING_JOB_MAX_ATTEMPTS", default=2)
STYLING_WATCHDOG_INTERVAL_SECONDS = env.int("STYLING_WATCHDOG_INTERVAL_SECONDS", default=60)
# Uploads, jobs and designs nobody touched for this many days are deleted (never ordered ones).
STYLING_RETENTION_DAYS = env.int("STYLING_RETENTION_DAYS", default=7)
# Clips (issue 17): longest clip, long side the frames are styled at, and how long one worker
# task styles frames before it hands the rest to a fresh task (frames done are kept, so a
# long clip never meets the task time limit and a dead worker costs at most one frame).
STYLING_CLIP_MAX_SECONDS = env.float("STYLING_CLIP_MAX_SECONDS", default=10.0)
STYLING_CLIP_SIZE = env.int("STYLING_CLIP_SIZE", default=512)
STYLING_CLIP_SLICE_SECONDS = env.int("STYLING_CLIP_SLICE_SECONDS", default=150)
# Classical styles paint a clip with its keyframes' pooled palette (off: it shifts hues and
# bench/ml_motion.py measures no flicker gain; the still-pixel hold removes the flicker).
STYLING_CLIP_FIXED_PALETTE = env.bool("STYLING_CLIP_FIXED_PALETTE", default=False)
# Classical styles quantise every frame of a clip onto its keyframes' k-means centres (the
# style's own colours, fixed once per clip): bench/ml_motion.py measures the flicker left
# after the still-pixel hold at a fraction of the hold alone. Off: each frame picks its own.
STYLING_CLIP_FIXED_CENTRES = env.bool("STYLING_CLIP_FIXED_CENTRES", default=True)
# Most the print pipeline's RDN upscaler may enlarge a styled image (for the print-quality badge).
# The one source of "x4 at most" for the shop: the DPI badge, its message and the print upscaler
# (passed to ml.sr.upscale_to as max_scale) all read it.
STYLING_MAX_SR_SCALE = env.int("STYLING_MAX_SR_SCALE", default=4)

# --- Abuse limits (shop.ratelimits, django-ratelimit counters in the default cache) -------------
# Rates are "count/period" (s, m, h; e.g. "20/m", "10/5m"). Keys: "ip" is REMOTE_ADDR, so behind a
# proxy set RATELIMIT_IP_META_KEY (e.g. HTTP_X_FORWARDED_FOR's first hop via the proxy's config).
RATELIMIT_IP_META_KEY = env.str("RATELIMIT_IP_META_KEY", default="REMOTE_ADDR")
RATE_LIMITS = {
    "uploads": {
        "path": r"^/create/$",
        "methods": ["POST"],
        "keys": ["ip"],
        "rate": env.str("RATE_LIMIT_UPLOADS", default="20/m"),
        "message": "Too many photo uploads from your connection.",
    },
    "styling-jobs": {
        "path": r"^/create/uploads/[0-9a-f-]+/$",
        "methods": ["POST"],
        "keys": ["ip"],
        "rate": env.str("RATE_LIMIT_STYLING_JOBS", default="20/m"),
        "message": "Too many styles requested from your connection.",
    },
    "checkout": {
        "path": r"^/checkout/$",
        "methods": ["POST"],
        "keys": ["ip"],
        "rate": env.str("RATE_LIMIT_CHECKOUT", default="20/m"),
        "message": "Too many checkout attempts from your connection.",
    },
    "gallery-reports": {
        "path": r"^/gallery/[0-9a-f-]+/report/$",
        "methods": ["POST"],
        "keys": ["ip"],
        "rate": env.str("RATE_LIMIT_GALLERY_REPORTS", default="10/h"),
        "message": "Too many reports from your connection.",
    },
    "sign-in": {
        "path": r"^/(accounts|cms|django-admin)/login/$",
        "methods": ["POST"],
        # allauth's form names the field "login", Django's "username" (shop.ratelimits).
        "keys": ["ip", "shop.ratelimits.sign_in_name"],
        "rate": env.str("RATE_LIMIT_SIGN_IN", default="10/5m"),
        "message": "Too many sign-in attempts.",
    },
}
# Most styling jobs one shopper may have queued or running at once (the rest of the queue is fair).
STYLING_MAX_ACTIVE_JOBS = env.int("STYLING_MAX_ACTIVE_JOBS", default=2)

# --- Payments (Stripe) ----------------------------------------------------------------------------
# Development and tests talk to the local Stripe emulator (devkit/stripe_emulator, localstripe) over HTTP;
# an empty STRIPE_API_BASE means real Stripe. Production refuses to start without real secrets.
SHOP_CURRENCY = env.str("SHOP_CURRENCY", default="USD").upper()
if PRODUCTION:
    STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
    STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
    STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
    STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
    if not STRIPE_SECRET_KEY.startswith(("sk_live_", "sk_test_", "rk_live_", "rk_test_")):
        raise ImproperlyConfigured(
            "STRIPE_SECRET_KEY must be set to a Stripe secret key in production"
        )
    if not STRIPE_PUBLISHABLE_KEY.startswith(("pk_live_", "pk_test_")):
        raise ImproperlyConfigured("STRIPE_PUBLISHABLE_KEY must be set in production")
    if not STRIPE_WEBHOOK_SECRET.startswith("whsec_"):
        raise ImproperlyConfigured("STRIPE_WEBHOOK_SECRET must be set (whsec_...) in production")
    if STRIPE_WEBHOOK_SECRET == DEV_WEBHOOK_SECRET or "localstripe" in STRIPE_WEBHOOK_SECRET:
        raise ImproperlyConfigured(
            "STRIPE_WEBHOOK_SECRET is the development emulator's secret; set the endpoint's "
            "signing secret from the Stripe dashboard in production"
        )
    if STRIPE_API_BASE:
        raise ImproperlyConfigured(
            "STRIPE_API_BASE (the local emulator) must be empty in production"
        )
else:
    STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="sk_test_localstripe")
    STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="pk_test_localstripe")
    STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default=DEV_WEBHOOK_SECRET)
    STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="http://127.0.0.1:8420").rstrip("/")
STRIPE_JS_URL = env.str(
    "STRIPE_JS_URL",
    default=f"{STRIPE_API_BASE}/js.stripe.com/v3/"
    if STRIPE_API_BASE
    else "https://js.stripe.com/v3/",
)
# Seconds a webhook signature stays valid (Stripe's own default tolerance).
STRIPE_WEBHOOK_TOLERANCE = env.int("STRIPE_WEBHOOK_TOLERANCE", default=300)
# Seconds a webhook signature may be dated ahead of our clock (skew between Stripe and us).
STRIPE_WEBHOOK_FUTURE_SKEW = env.int("STRIPE_WEBHOOK_FUTURE_SKEW", default=60)

# --- Print files --------------------------------------------------------------------------------
# RDN weights the print pipeline upscales with; empty = the weights shipped in ml/sr/weights.
PRINT_UPSCALER_WEIGHTS = env.str("PRINT_UPSCALER_WEIGHTS", default="")
# RDN (x4 only) runs when the print still needs more than this factor over the style render;
# at or below it Lanczos alone lands on the size (RDN would compute >= 4x the pixels kept).
PRINT_SR_MIN_FACTOR = env.float("PRINT_SR_MIN_FACTOR", default=2.0)
# The style re-run for print works on at most this many pixels of the original crop (classical
# styles run whole, so this bounds a print worker's memory: ~2.5 GB peak at 12 MP, measured by
# bench/print_pdf.py --from-original); the upscaler covers the rest, never past x4.
PRINT_STYLE_MAX_PIXELS = env.int("PRINT_STYLE_MAX_PIXELS", default=12_500_000)
# The print watchdog (printing.watchdog): a running step reports every PRINT_HEARTBEAT_SECONDS;
# one silent for PRINT_STALE_SECONDS (its worker died), or a step nobody started within
# PRINT_QUEUE_TIMEOUT_SECONDS of being sent, gets its chain sent again, at most
# PRINT_MAX_REQUEUES times per line; the sweep runs every PRINT_WATCHDOG_INTERVAL_SECONDS.
PRINT_HEARTBEAT_SECONDS = env.int("PRINT_HEARTBEAT_SECONDS", default=10)
PRINT_STALE_SECONDS = env.int("PRINT_STALE_SECONDS", default=120)
PRINT_QUEUE_TIMEOUT_SECONDS = env.int("PRINT_QUEUE_TIMEOUT_SECONDS", default=1800)
PRINT_MAX_REQUEUES = env.int("PRINT_MAX_REQUEUES", default=3)
PRINT_WATCHDOG_INTERVAL_SECONDS = env.int("PRINT_WATCHDOG_INTERVAL_SECONDS", default=60)

# --- Wagtail --------------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Retrocel"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# No calls from the admin to other sites (gravatar.com, releases.wagtail.io): the admin's CSP
# keeps connections and images to our own origin.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

# --- Security -------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# Wagtail's live preview frames our own pages, which needs SAMEORIGIN rather than DENY.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = ["security.W019"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp through shop.csp). Shop pages run only our own static
# scripts and styles: no inline script or style, no eval. The pay page adds Stripe.js's origins,
# taken from STRIPE_JS_URL / STRIPE_API_BASE when it is served (orders.csp), so the local emulator
# on its own port works the same way real Stripe does.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # data: for Cropper.js's checkerboard, blob: for the chosen photo's local preview.
        "img-src": ["'self'", "data:", "blob:"] + _media_origin(MEDIA_PUBLIC_URL),
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    },
}
# Wagtail's admin (and Django's) render inline <script> blocks and style attributes from their
# own templates (inline panels, date widgets, the page editor), which we neither own nor can
# nonce, so under these prefixes a separate policy allows inline script/style but keeps
# everything else to our own origin: no third-party scripts, frames or connections.
CSP_ADMIN_URL_PREFIXES = ["/cms/", "/django-admin/"]
CSP_ADMIN_DIRECTIVES = {
    **CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    # Live preview frames our own pages; avatars are drawn locally (WAGTAIL_GRAVATAR off).
    "frame-src": ["'self'"],
}

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
    },
}
