"""`CHRYSALIS_EMAIL_URL` → Django's `MAILERS` setting (read by the settings module, so nothing here
imports Django's configured parts).

    smtp://user:pass@host:587?tls=1   SMTP with STARTTLS (user and password optional, %-encoded)
    smtp://host:25                    plain SMTP
    smtps://user:pass@host:465        SMTP over TLS (also smtp://...?ssl=1)
    console:// or unset               print each message on the worker's standard output
    ?timeout=10                       seconds before an SMTP connection gives up (default 30)
"""

from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

SMTP = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE = "chrysalis.notifications.console.EmailBackend"  # the console backend, readable
CONSOLE_DESCRIPTION = "console (CHRYSALIS_EMAIL_URL is not set: e-mail is printed by the worker, not sent)"
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def _flag(query: dict, name: str) -> bool:
    value = query.get(name, ["0"])[-1].lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"CHRYSALIS_EMAIL_URL: {name}= must be 1 or 0, not {value!r}.")


def parse_email_url(url: str) -> tuple[dict, str]:
    """(MAILERS, a one-line description without the password) for an e-mail URL."""
    url = url.strip()
    if not url or url in ("console://", "console:"):
        return {"default": {"BACKEND": CONSOLE}}, CONSOLE_DESCRIPTION
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("smtp", "smtps"):
        raise ImproperlyConfigured(
            f"CHRYSALIS_EMAIL_URL must start with smtp://, smtps:// or console://, not {parts.scheme or url!r}."
        )
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured("CHRYSALIS_EMAIL_URL: the port must be a number from 1 to 65535.") from None
    if not parts.hostname:
        raise ImproperlyConfigured("CHRYSALIS_EMAIL_URL needs a host, e.g. smtp://mail.example.com:587?tls=1.")
    query = parse_qs(parts.query, keep_blank_values=True)
    use_ssl = scheme == "smtps" or _flag(query, "ssl")
    use_tls = _flag(query, "tls")
    if use_ssl and use_tls:
        raise ImproperlyConfigured("CHRYSALIS_EMAIL_URL: choose tls=1 (STARTTLS) or ssl (smtps://), not both.")
    try:
        timeout = float(query.get("timeout", ["30"])[-1])
    except ValueError:
        raise ImproperlyConfigured("CHRYSALIS_EMAIL_URL: timeout= must be a number of seconds.") from None
    options = {
        "host": parts.hostname,
        "port": port or (465 if use_ssl else 587 if use_tls else 25),
        "username": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "use_tls": use_tls,
        "use_ssl": use_ssl,
        "timeout": timeout,
    }
    security = " with STARTTLS" if use_tls else " over TLS" if use_ssl else ""
    who = f" as {options['username']}" if options["username"] else ""
    description = f"SMTP {options['host']}:{options['port']}{security}{who}"
    return {"default": {"BACKEND": SMTP, "OPTIONS": options}}, description
