# Test settings live in chrysalis.config.settings_test (named in pyproject.toml).
