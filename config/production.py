"""Production settings: the base settings, made strict.

Use with DJANGO_SETTINGS_MODULE=config.production. Refuses to start with the development secret key, a short
key, or DEBUG on, because each of those would expose the personal data Visitplan holds.
"""

from django.core.exceptions import ImproperlyConfigured

from config.settings import *  # noqa: F403
from config.settings import DEV_SECRET_KEY, SECRET_KEY, env

if env.bool("DEBUG", default=False):
    raise ImproperlyConfigured("DEBUG is on. Production settings refuse to start with DEBUG=true; unset it.")
DEBUG = False

if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured(
        "SECRET_KEY is the development default or too weak. Set SECRET_KEY to at least 50 random characters, "
        "e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
# Every account enters a code from its authenticator app after its password (accounts.two_factor).
REQUIRE_TWO_FACTOR = env.bool("REQUIRE_TWO_FACTOR", default=True)
# HSTS preloading commits the whole domain; that is the agency's choice, not a default we can make for it.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
