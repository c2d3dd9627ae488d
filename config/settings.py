"""Visitplan settings, read from the environment.

Every variable is documented with its default in .env.example. With nothing set, Visitplan runs on the
embedded default: SQLite in var/, Celery tasks run eagerly in the web process, and the outbox table is the
source of truth for outgoing mail. Production uses config.production, which refuses unsafe values.
"""

import contextlib
import datetime as dt
import os
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A .env file beside manage.py is read if present; real environment variables win.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# A key for development only. config.production refuses to start with it.
DEV_SECRET_KEY = "dev-only-insecure-key-change-me-visitplan"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default=DEV_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = [origin for origin in env.list("CSRF_TRUSTED_ORIGINS", default=[]) if origin]
# The public address of this site, used to build links in e-mails (no trailing slash).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Django's admin, with its site behind two-factor sign-in (accounts.admin_site).
    "accounts.admin_apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_countries",
    # The audit log: below visits, which writes to it from its services.
    "audit",
    "visits",
    # After visits: participation.admin extends the Session admin that visits.admin registers.
    "participation",
    "scheduling",
    "notifications",
    # After participation: responses.admin extends the Session admin registered by then.
    "responses",
    # Received mail (LMTP, IMAP): after responses, whose calendar replies it hands messages to.
    "inbound",
    "planner",
    # Booklets, host sheets and exports: reads the programme, writes to the outbox through its hooks.
    "booklets",
    "directory",
    # The solver that proposes programmes: reads visits and scheduling, writes through visits.services.
    "proposals",
    # Surveys after visits and seminars: reads visits, writes to the outbox; its figures feed the report.
    "evaluations",
    # The report to government: counts what the apps above hold, changes nothing.
    "reports",
    # Open registration for seminars abroad: registrants become members of the seminar's audience.
    "registration",
    # Requests for a visit from the public page, triaged in the planner: creates delegations and visits.
    "intake",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # After django-otp's plugins: accounts.admin replaces their admins.
    "accounts",
    # Last of the domain apps: its erasure reaches the models of every app above.
    "privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy header (CONTENT_SECURITY_POLICY below), with the nonce the page used.
    "csp.middleware.CSPMiddleware",
    # Before anything reads the body: an oversized request to the API is a 413 with a JSON body.
    "api.middleware.RefuseOversizedApiBodies",
    # Serves the collected static files (the board's stylesheet and script) from any WSGI server.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.otp_device: the device whose code this session entered (django-otp), or None.
    "django_otp.middleware.OTPMiddleware",
    # A signed-in page speaks the account's own language (accounts.language), kept across browsers.
    "accounts.language.UserLanguage",
    # Through which door (planner, API, admin, link) the changes of a request come, for the audit log.
    "audit.doors.DoorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # With REQUIRE_TWO_FACTOR: a signed-in session that has not entered a code goes to the code step first.
    "accounts.middleware.TwoFactorRequired",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: answers a sign-in refused for too many failures with the lockout page (config.signin).
    "axes.middleware.AxesMiddleware",
]

# Scripts and styles from this site only, or inline with the request's nonce (`request.csp_nonce`): no inline
# script or style attribute runs without one. The API's documentation pages relax styles (api.urls).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------
# DATABASE_URL, e.g. postgres://visitplan:secret@db.example.org:5432/visitplan. Unset: SQLite in var/.
EMBEDDED_DATABASE = not env.str("DATABASE_URL", default="")
if EMBEDDED_DATABASE:
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env.str("SQLITE_PATH", default=str(VAR_DIR / "visitplan.sqlite3")),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"},
            # A file, not memory, so that a Celery worker in another thread or process sees the test data.
            "TEST": {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")},
        }
    }
else:
    DATABASES = {"default": env.db_url("DATABASE_URL")}
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a sign-in while its user or address is locked out, before any password check.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# After AXES_FAILURE_LIMIT failed sign-ins for one username, or from one address, signing in is refused for
# AXES_COOLOFF_MINUTES (every attempt meanwhile starts the pause again). API tokens are not affected.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_MINUTES = env.int("AXES_COOLOFF_MINUTES", default=15)
AXES_COOLOFF_TIME = dt.timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.signin.locked_out"
# Proxies in front of the site that append the client's address to X-Forwarded-For (1 behind nginx); 0 trusts
# no header and takes the connection's address.
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "config.signin.client_address"
# No record of every successful sign-in (address, browser): personal data nobody needs.
AXES_DISABLE_ACCESS_LOG = True
# A wrong code at the code step counts as a failed sign-in too; codes are masked in what django-axes keeps.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
# Two-factor sign-in (accounts.two_factor): when required, every account sets up an authenticator app and
# enters its code (or a recovery code) after the password. Off in the embedded default (the demo), on in
# production (config.production). An account that has set one up is asked for a code either way.
REQUIRE_TWO_FACTOR = env.bool("REQUIRE_TWO_FACTOR", default=False)
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = "Visitplan"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Languages and time ---------------------------------------------------------------------------------
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en")
LANGUAGES = [("en", "English"), ("sv", "Svenska")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# The zone in which the site shows times that belong to no place (a visit, a venue) of their own.
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Stockholm")

STATIC_URL = "static/"
STATIC_ROOT = env.str("STATIC_ROOT", default=str(VAR_DIR / "static"))
# WhiteNoise serves what collectstatic gathered in STATIC_ROOT; without it (a laptop, the tests) it finds the
# files in the apps, as runserver would.
WHITENOISE_USE_FINDERS = True
with contextlib.suppress(OSError):  # a read-only release: collectstatic made it, or the proxy serves it
    Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)

# --- E-mail ---------------------------------------------------------------------------------------------
# With no EMAIL_HOST, mail is printed to the console instead of sent: nothing leaves a laptop by accident.
EMAIL_HOST = env.str("EMAIL_HOST", default="")
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
# Shorter than the delivery task's time limit, so a hung server fails the attempt, not the worker.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Visitplan <visitplan@localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# The mailbox that appears as ORGANIZER in calendar invitations and receives the experts' replies.
ORGANIZER_EMAIL = env.str("ORGANIZER_EMAIL", default="coordinators@localhost")
# The domain of the reply addresses (reply+<token>@REPLY_DOMAIN) that become each expert's invitation's
# ORGANIZER, so that a calendar program's Accept or Decline is an answer (responses.calendar_replies). Empty:
# invitations name ORGANIZER_EMAIL, as before, and replies reach the coordinators' mailbox.
REPLY_DOMAIN = env.str("REPLY_DOMAIN", default="")

# --- Celery ---------------------------------------------------------------------------------------------
# CELERY_BROKER_URL, e.g. redis://127.0.0.1:6379/0. Unset: tasks run eagerly in the calling process.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
EMBEDDED_BROKER = not CELERY_BROKER_URL
CELERY_TASK_ALWAYS_EAGER = EMBEDDED_BROKER
CELERY_TASK_EAGER_PROPAGATES = False
if EMBEDDED_BROKER:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# A message is acknowledged after its task ran, and re-queued if the worker process dies mid-task.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# On losing the broker, let running tasks finish rather than cancel them (Celery 6 will cancel by default).
# Cancelling terminates the pool process mid-batch: its rows wait for the heartbeat sweep and up to
# OUTBOX_MARK_SENT_EVERY go out twice, and the worker's main process can die on reconnecting (celery#9250:
# the cancelled task is rejected through the closed channel, and asynpool reads the dead process's pipes).
# A task that finishes is acknowledged through the closed channel: config/broker_fixes.py makes that a logged
# connection error, and its message, restored to the queue, runs again and skips the rows already sent.
# Celery warns (CPendingDeprecationWarning) on each connection loss that this setting is False.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30
# Longer than every retry delay and task time limit: an unacknowledged message is redelivered only after this.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# How often beat runs the outbox sweep (requeues a dead worker's rows, sends what was never dispatched).
OUTBOX_SWEEP_SECONDS = env.int("OUTBOX_SWEEP_SECONDS", default=30)
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "sweep-outbox": {"task": "notifications.tasks.sweep_outbox", "schedule": float(OUTBOX_SWEEP_SECONDS)},
}

# --- Outbox ---------------------------------------------------------------------------------------------
# Messages sent per task, over one SMTP connection.
OUTBOX_BATCH_SIZE = env.int("OUTBOX_BATCH_SIZE", default=50)
# Sent messages are marked in groups of this many (one commit each). A worker killed mid-batch may send
# again at most this many messages, plus the one it was sending.
OUTBOX_MARK_SENT_EVERY = env.int("OUTBOX_MARK_SENT_EVERY", default=10)
# Temporary failures (4xx, refused or dropped connections) are retried this many times in all.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
# Exponential backoff with jitter: about base * 2^(attempt-1) seconds, at most the cap (< visibility timeout).
OUTBOX_RETRY_BASE_SECONDS = env.float("OUTBOX_RETRY_BASE_SECONDS", default=30.0)
OUTBOX_RETRY_MAX_SECONDS = env.float("OUTBOX_RETRY_MAX_SECONDS", default=900.0)
# A worker beats on the rows it is sending every OUTBOX_HEARTBEAT_SECONDS; rows whose beat is older than
# OUTBOX_HEARTBEAT_TIMEOUT_SECONDS lost their worker: the sweep queues them again (notifications.heartbeat).
OUTBOX_HEARTBEAT_SECONDS = env.float("OUTBOX_HEARTBEAT_SECONDS", default=10.0)
OUTBOX_HEARTBEAT_TIMEOUT_SECONDS = env.float(
    "OUTBOX_HEARTBEAT_TIMEOUT_SECONDS", default=3 * OUTBOX_HEARTBEAT_SECONDS
)
# A message in "sending" longer than this, with no heartbeat since its claim, had its worker die: requeued.
OUTBOX_STUCK_SECONDS = env.int("OUTBOX_STUCK_SECONDS", default=CELERY_TASK_TIME_LIMIT + 60)
# The sweep leaves queued messages younger than this to the task already dispatched for them.
OUTBOX_SWEEP_GRACE_SECONDS = env.int("OUTBOX_SWEEP_GRACE_SECONDS", default=60)
OUTBOX_SWEEP_LIMIT = env.int("OUTBOX_SWEEP_LIMIT", default=5000)

# --- Monitoring: manage.py health and /metrics (notifications.health) ---------------------------------
HEALTH_MAX_QUEUED_AGE_SECONDS = env.int("HEALTH_MAX_QUEUED_AGE_SECONDS", default=600)
HEALTH_MAX_SWEEP_AGE_SECONDS = env.int("HEALTH_MAX_SWEEP_AGE_SECONDS", default=4 * OUTBOX_SWEEP_SECONDS)
HEALTH_TIMEOUT_SECONDS = env.float("HEALTH_TIMEOUT_SECONDS", default=5.0)
# Prometheus scrapes /metrics with this bearer token. Empty: /metrics answers 404, as if it were not there.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

# --- Scheduling rules ----------------------------------------------------------------------------------
# Warnings, not errors: a coordinator may acknowledge each one.
SCHEDULING_MAX_DAY_HOURS = env.float("SCHEDULING_MAX_DAY_HOURS", default=10.0)
SCHEDULING_MAX_SESSIONS_PER_DAY = env.int("SCHEDULING_MAX_SESSIONS_PER_DAY", default=6)
SCHEDULING_MIN_MEAL_BREAK_MINUTES = env.int("SCHEDULING_MIN_MEAL_BREAK_MINUTES", default=45)
# Travel between venues where no venue pair or city pair is set.
SCHEDULING_SAME_CITY_TRAVEL_MINUTES = env.int("SCHEDULING_SAME_CITY_TRAVEL_MINUTES", default=20)
SCHEDULING_OTHER_CITY_TRAVEL_MINUTES = env.int("SCHEDULING_OTHER_CITY_TRAVEL_MINUTES", default=180)

# --- Proposals (the solver) ----------------------------------------------------------------------------
# How long the solver searches before it returns the best programme found.
PROPOSAL_TIME_LIMIT_SECONDS = env.float("PROPOSAL_TIME_LIMIT_SECONDS", default=10.0)
PROPOSAL_STEP_MINUTES = env.int("PROPOSAL_STEP_MINUTES", default=15)
# Sessions start from and end by these hours (visit's zone); before PROPOSAL_EARLY_BEFORE is an early start.
PROPOSAL_DAY_FROM = env.str("PROPOSAL_DAY_FROM", default="07:00")
PROPOSAL_DAY_UNTIL = env.str("PROPOSAL_DAY_UNTIL", default="21:00")
PROPOSAL_EARLY_BEFORE = env.str("PROPOSAL_EARLY_BEFORE", default="09:00")
# What each soft term costs in the score, per unit (see proposals.domain.values.Weights).
PROPOSAL_WEIGHT_HOLIDAY = env.int("PROPOSAL_WEIGHT_HOLIDAY", default=200)
PROPOSAL_WEIGHT_WEEKEND = env.int("PROPOSAL_WEIGHT_WEEKEND", default=120)
PROPOSAL_WEIGHT_LANGUAGE = env.int("PROPOSAL_WEIGHT_LANGUAGE", default=60)
PROPOSAL_WEIGHT_JOURNEYS = env.int("PROPOSAL_WEIGHT_JOURNEYS", default=30)
PROPOSAL_WEIGHT_BALANCE = env.int("PROPOSAL_WEIGHT_BALANCE", default=1)
PROPOSAL_WEIGHT_PREFERRED = env.int("PROPOSAL_WEIGHT_PREFERRED", default=1)
PROPOSAL_WEIGHT_EARLY = env.int("PROPOSAL_WEIGHT_EARLY", default=30)
PROPOSAL_WEIGHT_MOVED = env.int("PROPOSAL_WEIGHT_MOVED", default=10000)

# --- Logging --------------------------------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
# Every handler masks the tokens of personal links in what it writes (config.log_filters). Django's own
# loggers are pointed at that handler too, instead of its defaults (a console handler, mail to ADMINS, the
# development server's request lines), which would write request paths unmasked.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_tokens": {"()": "config.log_filters.MaskTokens"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["mask_tokens"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.server": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        # Not its "BEGIN" line at every start: the first line of `make run` says which mode it runs in.
        "axes.apps": {"level": "WARNING"},
        # SQL and its parameters (tokens among them), were DEBUG ever on: never logged.
        "django.db.backends": {"level": "WARNING"},
    },
}


def describe_mode() -> str:
    """One line that says which database and broker this process runs on (printed by `make run`)."""
    if EMBEDDED_DATABASE and EMBEDDED_BROKER:
        return (
            f"Visitplan: embedded default: SQLite at {DATABASES['default']['NAME']}, "
            "Celery eager (no broker), outbox table is the source of truth. "
            "Set DATABASE_URL and CELERY_BROKER_URL for PostgreSQL and Redis."
        )
    engine = DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    broker = (
        "Celery eager (no broker)" if EMBEDDED_BROKER else "Celery on " + CELERY_BROKER_URL.split("@")[-1]
    )
    return f"Visitplan: database {engine} {DATABASES['default'].get('NAME')}, {broker}."


# --- Notifications (compose and feeds) ------------------------------------------------------------------
# The name beside ORGANIZER_EMAIL: CN of ORGANIZER in invitations, and the Reply-To of every message.
ORGANIZER_NAME = env.str("ORGANIZER_NAME", default="Visitplan coordinators")
# Days a cancelled session stays in calendar feeds, marked cancelled, after it was cancelled.
FEED_KEEP_CANCELLED_DAYS = env.int("FEED_KEEP_CANCELLED_DAYS", default=30)
# An expert's answer link works this many days after it was sent (notifications.links).
EXPERT_LINK_DAYS = env.int("EXPERT_LINK_DAYS", default=21)
# A refused POST on the pages people reach from e-mail gets a plain page in their language.
CSRF_FAILURE_VIEW = "responses.views.csrf_failure"
# An expert who has not answered gets a reminder every this many days, at most EXPERT_REMINDERS times; the
# same number of days after the last one, the visit's coordinators are alerted.
EXPERT_REMINDER_DAYS = env.int("EXPERT_REMINDER_DAYS", default=3)
EXPERT_REMINDERS = env.int("EXPERT_REMINDERS", default=2)
# Hour of the day (TIME_ZONE) at which coordinators get the digest of experts' confirmations.
CONFIRMATION_DIGEST_HOUR = env.int("CONFIRMATION_DIGEST_HOUR", default=7)
# A person's programme page and feed stop working this many days after the last visit they take part in ends.
PERSONAL_LINK_DAYS_AFTER_VISIT = env.int("PERSONAL_LINK_DAYS_AFTER_VISIT", default=60)
# Minutes after which calendar apps are asked to fetch a feed again (REFRESH-INTERVAL, X-PUBLISHED-TTL).
FEED_REFRESH_MINUTES = env.int("FEED_REFRESH_MINUTES", default=60)
# Where feeds keep each event's serialised lines and the moment their content last changed
# (notifications.feed_cache): a Redis URL (redis://host:6379/2) shared by every process, or, unset, memory in
# each process (enough for one process; the first poll in another one builds what it lacks).
FEED_CACHE_URL = env.str("FEED_CACHE_URL", default="")
# Where the public forms count posts per client address (config.throttle): a Redis URL (redis://host:6379/3)
# shared by every process, or, unset, memory in each process.
THROTTLE_CACHE_URL = env.str("THROTTLE_CACHE_URL", default="")
# At most this many registrations (posted forms) from one address per window.
REGISTRATION_RATE_LIMIT = env.int("REGISTRATION_RATE_LIMIT", default=10)
REGISTRATION_RATE_WINDOW_SECONDS = env.int("REGISTRATION_RATE_WINDOW_SECONDS", default=600)
# How often beat lets lapsed offers of a freed place go, and offers the place to the next on the list.
REGISTRATION_OFFER_SWEEP_SECONDS = env.int("REGISTRATION_OFFER_SWEEP_SECONDS", default=300)
CELERY_BEAT_SCHEDULE["expire-registration-offers"] = {
    "task": "registration.tasks.expire_offers",
    "schedule": float(REGISTRATION_OFFER_SWEEP_SECONDS),
}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "feeds": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": FEED_CACHE_URL,
            "TIMEOUT": 7 * 86400,
        }
        if FEED_CACHE_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "feeds",
            "TIMEOUT": 7 * 86400,
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    ),
    # Counters of the public forms' rate limits (config.throttle): Redis shared by every process
    # (THROTTLE_CACHE_URL, redis://host:6379/3), or, unset, memory in each process (then the limit holds per
    # process: with N processes an address gets at most N times it).
    "throttle": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": THROTTLE_CACHE_URL}
        if THROTTLE_CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle"}
    ),
}

# Hourly: the task itself waits for CONFIRMATION_DIGEST_HOUR in TIME_ZONE, and sends one digest a day.
CELERY_BEAT_SCHEDULE["confirmation-digest"] = {
    "task": "responses.tasks.send_confirmation_digests",
    "schedule": 3600.0,
}

# --- Received mail (inbound) ---------------------------------------------------------------------------
# REPLY_DOMAIN (above, beside ORGANIZER_EMAIL) is the domain received mail arrives at.
# The port `make run` starts the LMTP server on (127.0.0.1) when REPLY_DOMAIN is set.
LMTP_PORT = env.int("LMTP_PORT", default=8025)
# A mailbox to fetch replies from, for agencies that cannot deliver to LMTP:
# imaps://user:password@host:993/INBOX (or imap://...). Empty: no polling.
INBOUND_IMAP_URL = env.str("INBOUND_IMAP_URL", default="")
# Seconds between polls of the mailbox when its server does not offer IDLE (and the longest IDLE wait).
INBOUND_IMAP_POLL_SECONDS = env.int("INBOUND_IMAP_POLL_SECONDS", default=60)
# Where a fetched message goes once stored (created if missing; "/" is the server's hierarchy delimiter), so
# the inbox keeps only what people may want to read. Empty: leave it in the inbox, read.
INBOUND_IMAP_DONE_FOLDER = env.str("INBOUND_IMAP_DONE_FOLDER", default="Visitplan/Processed")
# Days a received message is kept whole; then only its status, outcome and Message-ID remain.
INBOUND_KEEP_DAYS = env.int("INBOUND_KEEP_DAYS", default=30)
# Tries to forward a message before it is marked failed; a row processing this long is put back by the sweep.
INBOUND_MAX_ATTEMPTS = env.int("INBOUND_MAX_ATTEMPTS", default=8)
INBOUND_STUCK_SECONDS = env.int("INBOUND_STUCK_SECONDS", default=CELERY_TASK_TIME_LIMIT + 60)
# The sweep leaves rows younger than this to the task queued when they were stored.
INBOUND_SWEEP_GRACE_SECONDS = env.int("INBOUND_SWEEP_GRACE_SECONDS", default=60)
CELERY_BEAT_SCHEDULE["sweep-received"] = {"task": "inbound.tasks.sweep_received", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["erase-old-received"] = {"task": "inbound.tasks.erase_old_raw", "schedule": 86400.0}
if INBOUND_IMAP_URL:
    CELERY_BEAT_SCHEDULE["poll-imap"] = {
        "task": "inbound.tasks.poll_imap",
        "schedule": float(INBOUND_IMAP_POLL_SECONDS),
    }

# --- Personal data -------------------------------------------------------------------------------------
# Days after the last visit of a delegation member ends that their personal data is erased (privacy.tasks).
PERSONAL_DATA_RETENTION_DAYS = env.int("PERSONAL_DATA_RETENTION_DAYS", default=365)
# Daily: the task erases everyone due by then; a day's delay is within what the retention period promises.
CELERY_BEAT_SCHEDULE["erase-due-personal-data"] = {
    "task": "privacy.tasks.erase_due_personal_data",
    "schedule": 86400.0,
}
CELERY_BEAT_SCHEDULE["erase-due-registrants"] = {
    "task": "registration.tasks.erase_due_registrants",
    "schedule": 86400.0,
}

# --- Evaluations (surveys after a visit or seminar) ---------------------------------------------------------
# A participant's survey link works this many days after it was sent.
SURVEY_LINK_DAYS = env.int("SURVEY_LINK_DAYS", default=30)
# Days after the survey until the one reminder to those who have not answered.
SURVEY_REMINDER_DAYS = env.int("SURVEY_REMINDER_DAYS", default=7)
# Surveys go out for visits that ended at most this many days ago (not for every visit of the past when the
# feature is switched on).
SURVEY_SEND_WITHIN_DAYS = env.int("SURVEY_SEND_WITHIN_DAYS", default=14)
# Daily: the surveys of visits that have ended since (evaluations.tasks).
CELERY_BEAT_SCHEDULE["send-surveys"] = {"task": "evaluations.tasks.send_surveys", "schedule": 86400.0}

# --- Requests for a visit (intake) ----------------------------------------------------------------------
# A request's personal data (organisation's contact, what they wrote) is erased this many days after it was
# declined, accepted (the contact then lives on as a delegation member) or last asked for more information
# without an answer (a daily task). The public form's consent states it.
INTAKE_RETENTION_DAYS = env.int("INTAKE_RETENTION_DAYS", default=180)
# The link in an "ask for more" e-mail works this many days (and once).
INTAKE_LINK_DAYS = env.int("INTAKE_LINK_DAYS", default=30)
# Requests from one address: at most INTAKE_RATE_LIMIT form posts per INTAKE_RATE_WINDOW_SECONDS.
INTAKE_RATE_LIMIT = env.int("INTAKE_RATE_LIMIT", default=5)
INTAKE_RATE_WINDOW_SECONDS = env.int("INTAKE_RATE_WINDOW_SECONDS", default=3600)
# Largest body of the public form in bytes (the form's fields fit in a tenth of it).
INTAKE_MAX_BODY_BYTES = env.int("INTAKE_MAX_BODY_BYTES", default=32_768)
# The city an accepted request's draft visit is planned in, until the coordinator says otherwise.
INTAKE_DEFAULT_CITY = env.str("INTAKE_DEFAULT_CITY", default="Stockholm")
CELERY_BEAT_SCHEDULE["erase-old-visit-requests"] = {
    "task": "intake.tasks.erase_old_requests",
    "schedule": 86400.0,
}

# --- API ------------------------------------------------------------------------------------------------
# Largest request body in bytes, for forms and the API alike (the API answers 413 above it). Uploaded files
# (the members import) are limited separately.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an anonymous request is told how to authenticate (401, not 403).
        "rest_framework.authentication.TokenAuthentication",
        # A signed-in browser's session, once it entered its code when two-factor sign-in is required.
        "api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.IsCoordinator"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pages",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.NestingSafeJSONParser"],
    "DEFAULT_METADATA_CLASS": "api.metadata.Metadata",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Visitplan API",
    "DESCRIPTION": "Delegations, visits and their programmes, for the systems agencies connect to Visitplan.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.local_times",
        "api.schema.positive_ids",
        "api.schema.no_nul_in_text",
    ],
    # One name for each choice set the models share, instead of one per field.
    "ENUM_NAME_OVERRIDES": {
        "LanguageEnum": "visits.fields.language_choices",
        "TimeZoneEnum": "visits.fields.time_zone_choices",
        "CountryEnum": "django_countries.countries",
        "OrganisationKindEnum": "visits.models.people.OrganisationKind",
        "VisitKindEnum": "visits.models.programme.VisitKind",
        "SessionKindEnum": "visits.models.programme.SessionKind",
        "AvailabilityKindEnum": "scheduling.models.AvailabilityException.Kind",
        "MessageKindEnum": "notifications.models.MessageKind",
        "ChangeKindEnum": "scheduling.models.ChangeKind",
        "ConflictKindEnum": "scheduling.conflicts.ConflictKind",
        "VisitStatusEnum": "visits.models.programme.VisitStatus",
        "SessionStatusEnum": "visits.models.programme.SessionStatus",
        "OutboxStatusEnum": "notifications.models.OutboxStatus",
        "VisitRequestStatusEnum": "intake.models.RequestStatus",
    },
}
