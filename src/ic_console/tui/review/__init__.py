"""`ic review`: a read-only screen over a saved incident's timeline and response metrics."""

from __future__ import annotations
