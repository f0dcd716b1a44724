# Test settings live in chrysalis.config.settings_test (named in pyproject.toml).
pytest_plugins = ["chrysalis.testsupport.fixtures"]
