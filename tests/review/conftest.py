from __future__ import annotations

from pathlib import Path

import pytest

from ic_console.review.parts import Review, build_review
from ic_console.review.source import ReviewSource, open_for_review

from .fixture import GOLDEN_ID, build


@pytest.fixture(scope="session")
def golden_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("golden-home")
    build(root)
    return root


@pytest.fixture
def golden_source(golden_root: Path) -> ReviewSource:
    return open_for_review(golden_root, GOLDEN_ID)


@pytest.fixture
def golden_review(golden_source: ReviewSource) -> Review:
    return build_review(golden_source.events, golden_source.state)
