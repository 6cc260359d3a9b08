"""Allow `python -m ic_console`."""

from __future__ import annotations

from ic_console.cli import main

raise SystemExit(main())
