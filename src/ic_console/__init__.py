"""ic-console: an incident commander's console for the terminal."""

from __future__ import annotations

#: The one place the version is written: the wheel reads it from here ([tool.hatch.version]).
__version__ = "0.1.0"
