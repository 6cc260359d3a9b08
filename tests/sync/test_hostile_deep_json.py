"""A peer's line nested 200,000 deep: `json.loads` (used to say why a line is bad) raises
RecursionError, which escaped the round: `ic sync` ended in a message about config.toml and the
console's sync thread died without a word. Now the file is refused as any damaged one is, and a
round that fails in a way nobody foresaw is said on the console and tried again. Found by the
day's review."""

from __future__ import annotations

from pathlib import Path

from ic_console.live.syncing import BackgroundSync

from .conftest import INCIDENT, Laptop
from .test_gitfaults_hostile_peer import EVIL, _push_branch


def test_a_deeply_nested_line_is_refused_not_raised(
    laptops: list[Laptop], bare: Path, tmp_path: Path
) -> None:
    alex = laptops[0]
    alex.declare()
    alex.syncer().round()
    deep = b"[" * 200_000 + b"]" * 200_000 + b"\n"
    _push_branch(bare, tmp_path, [("100644", f"incidents/{INCIDENT}/events/{EVIL}.jsonl", deep)])
    report = alex.syncer().round()
    assert any(EVIL in line for line in report.refused), report.refused
    assert alex.store().state.declared  # ours untouched


def test_a_round_that_fails_unforeseen_is_said_and_the_thread_lives_on(
    laptops: list[Laptop],
) -> None:
    alex = laptops[0]
    alex.declare()
    syncing = BackgroundSync(alex.root, alex.remote, "Alex", every=0.2)

    def broken(**_: object) -> None:
        raise RuntimeError("something nobody foresaw")

    syncing.syncer.round = broken  # type: ignore[method-assign,assignment]
    syncing.run_round()  # raised before: the thread ended there
    syncing.run_round()
    assert syncing.rounds == 2
    news = syncing.take_news()
    assert news == [
        "A sync round failed (RuntimeError: something nobody foresaw); the next round tries again."
    ]
    assert "something nobody foresaw" in str(syncing.view())
