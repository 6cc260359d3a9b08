"""Offline review of a saved incident: timeline, metrics, postmortem draft, exports, search.

Pure of Textual: everything here works from the event log and returns data or text, so the
`ic review` screen, the CLI verbs and other tools share one set of answers.
"""

from __future__ import annotations
