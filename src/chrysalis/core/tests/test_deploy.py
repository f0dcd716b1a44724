"""Deployment settings parsed from the environment: uploads store, cache, TLS."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from chrysalis.core.deploy import cache_settings, storage_settings


def test_uploads_default_to_the_data_folder_and_s3_urls_are_parsed():
    assert storage_settings("")["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    s3 = storage_settings("s3://files/chrysalis/prod?endpoint=http://127.0.0.1:9000&region=eu-west-1")["default"]
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    assert s3["OPTIONS"] == {
        "bucket_name": "files", "location": "chrysalis/prod", "file_overwrite": False, "default_acl": None,
        "querystring_auth": True, "endpoint_url": "http://127.0.0.1:9000", "region_name": "eu-west-1",
    }


@pytest.mark.parametrize("url", ["ftp://files", "s3://", "s3://b?acl=public-read"])
def test_bad_uploads_urls_are_refused_with_the_reason(url):
    with pytest.raises(ImproperlyConfigured, match="CHRYSALIS_UPLOADS_URL"):
        storage_settings(url)


def test_cache_is_per_process_unless_redis_is_named():
    assert cache_settings("")["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    redis = cache_settings("redis://127.0.0.1:6379/2")["default"]
    assert (redis["BACKEND"], redis["LOCATION"]) == ("django.core.cache.backends.redis.RedisCache",
                                                     "redis://127.0.0.1:6379/2")
    with pytest.raises(ImproperlyConfigured, match="CHRYSALIS_REDIS_URL"):
        cache_settings("memcached://x")


def test_https_mode_marks_cookies_secure_and_sends_hsts(tmp_path):
    env = {**os.environ, "CHRYSALIS_HTTPS": "1", "CHRYSALIS_DATA_DIR": str(tmp_path),
           "CHRYSALIS_ALLOWED_HOSTS": "chrysalis.example.com", "DJANGO_SETTINGS_MODULE": "chrysalis.config.settings"}
    env.pop("DATABASE_URL", None)
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.CSRF_TRUSTED_ORIGINS)")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "True True 31536000 ['https://chrysalis.example.com']", out.stderr
