"""Run every ``bench/bench_*.py`` module and print one table of figures.

The contract for a benchmark module: it defines ``run() -> list[Figure]`` (``Figure`` from
``bench/common.py``) and runs standalone (``python bench/bench_x.py`` prints its own figures).
Benchmarks report; they never pass or fail on timing.
"""

from __future__ import annotations

import importlib.util
import sys
import time
import traceback
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from common import Figure, format_table  # noqa: E402


def discover() -> list[Path]:
    """The benchmark modules, in name order."""
    return sorted(BENCH_DIR.glob("bench_*.py"))


def run_module(path: Path) -> list[Figure]:
    """Import one benchmark module by path and call its ``run()``."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    figures = module.run()
    if not isinstance(figures, list) or not all(isinstance(f, Figure) for f in figures):
        raise TypeError(f"{path.name}: run() must return list[Figure]")
    return figures


def main() -> int:
    figures: list[Figure] = []
    failed: list[str] = []
    for path in discover():
        started = time.perf_counter()
        print(f"running {path.name} ...", file=sys.stderr, flush=True)
        try:
            figures.extend(run_module(path))
        except Exception:
            failed.append(path.name)
            traceback.print_exc()
        print(f"  {path.name}: {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    print(format_table(figures))
    if failed:
        print(f"benchmarks that failed to run: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
