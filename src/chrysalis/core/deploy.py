"""Settings for running on one machine or several, parsed from one URL each (see docs/deploy.md)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ImproperlyConfigured

STATIC = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}


def storage_settings(url: str) -> dict:
    """STORAGES for CHRYSALIS_UPLOADS_URL: "" or file: -> the data folder (MEDIA_ROOT);
    s3://bucket[/prefix]?endpoint=http://host:port&region=name -> django-storages' S3Storage."""
    if not url or url.startswith("file:"):
        return {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}, "staticfiles": STATIC}
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ImproperlyConfigured(f"CHRYSALIS_UPLOADS_URL must be s3://bucket[/prefix]?endpoint=...: {url!r}")
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    unknown = set(query) - {"endpoint", "region"}
    if unknown:
        raise ImproperlyConfigured(f"CHRYSALIS_UPLOADS_URL: unknown option(s) {', '.join(sorted(unknown))}")
    options = {
        "bucket_name": parts.netloc,
        "location": parts.path.strip("/"),
        "file_overwrite": False,  # two uploads with one name never replace each other
        "default_acl": None,
        "querystring_auth": True,  # nothing in the bucket is public; files go through our views
    }
    if "endpoint" in query:
        options["endpoint_url"] = query["endpoint"]
    if "region" in query:
        options["region_name"] = query["region"]
    return {"default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}, "staticfiles": STATIC}


def cache_settings(url: str) -> dict:
    """CACHES for CHRYSALIS_REDIS_URL: "" -> a memory cache per process; redis://... -> Redis."""
    if not url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if urlsplit(url).scheme not in ("redis", "rediss", "unix"):
        raise ImproperlyConfigured(f"CHRYSALIS_REDIS_URL must be redis://host:port/db: {url!r}")
    return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url,
                        "KEY_PREFIX": "chrysalis"}}
