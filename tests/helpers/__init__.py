"""Helpers shared by several test areas (`tests/` is on sys.path, so `helpers.console`)."""
