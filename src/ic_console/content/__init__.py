"""Runbooks, checklists, the phrasebook and the user's configuration: shipped defaults plus
the user's own files, validated strictly. Never imports Textual."""

from __future__ import annotations
