"""The incident directory on disk: event log, summary, locking, following and recovery.

Nothing is imported here: `ic --help` and the scripted verbs import only the modules they use
(`store.errors` alone must not pull in pydantic through `store.incident`).
"""
