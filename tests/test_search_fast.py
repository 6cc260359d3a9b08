"""`ic search` on its fast path (issue 13 item 6): what it must not import, and that it answers
exactly as the store's own reader, listing and vocabulary would.

`review/search.py` keeps standard-library copies of a few store and vocabulary facts (the line
checksum, the summary, the searchable fields) so that a search never loads pydantic; each copy is
checked here against the original. Nothing here is timed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import tomli_w

from ic_console.cli import VERB_HOMES, VERB_MODULES, build_parser, main, verb_of
from ic_console.cli.search import iso
from ic_console.domain import drill
from ic_console.domain.clock import FakeClock
from ic_console.domain.commands import AddLogEntry, ChangeSeverity, Declare
from ic_console.domain.describe import searchable_fields
from ic_console.domain.views import iso as views_iso
from ic_console.review import search as fast
from ic_console.store.catalog import list_incidents
from ic_console.store.eventlog import LogDamaged, decode_body
from ic_console.store.incident import IncidentStore
from ic_console.store.logfiles import log_files
from ic_console.store.paths import SUMMARY_FILE
from ic_console.store.summary import read_summary, write_summary
from ic_console.synthetic import write_busy_incident

START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
RARE = "zebra-crossing"
#: Modules a search must not load: the models, the fold, the store's reader, the screens, and
#: `dataclasses` (it loads `inspect`: ~9 ms, a tenth of a search over 200 incidents).
HEAVY_ROOTS = {"pydantic", "pydantic_core", "textual", "rich", "dataclasses"}
HEAVY_MODULES = {
    "ic_console.domain.events",
    "ic_console.domain.state",
    "ic_console.store.eventlog",
    "ic_console.content.config",
}


# -- the copies agree with the originals ----------------------------------------------------------


def test_the_searchable_fields_are_the_vocabularys() -> None:
    table = "\n".join(f"    {k!r}: {v!r}," for k, v in searchable_fields().items())
    assert searchable_fields() == fast.TEXT_FIELDS, (
        f"review/search.py TEXT_FIELDS is out of date with domain/describe.py; use:\n{table}"
    )


def test_the_drill_prefix_is_the_domains() -> None:
    assert fast.DRILL_PREFIX == drill.DRILL_PREFIX


def _decoded(line: bytes) -> bytes | None:
    try:
        return decode_body(line, path=Path("x"), number=1)
    except LogDamaged:
        return None


def test_the_line_check_is_the_stores(tmp_path: Path) -> None:
    """Every line of a real log, and thousands of damaged variants of them, are judged alike."""
    (path,) = log_files(write_busy_incident(tmp_path, "lines", 300, start=START))
    lines = path.read_bytes().splitlines()
    rng = random.Random(13)
    variants = list(lines)
    for line in lines:
        cut = len(line) - 10
        variants += [
            line[:-1],
            line[: rng.randrange(len(line))],
            line[:cut] + b"+" + line[cut + 1 :],  # int("+...", 16) parses
            line[:cut] + b" " + line[cut + 1 :],
            line[:cut] + b"_" + line[cut + 1 :],
            line.replace(b"Observation", b"observation"),
            line.upper(),
        ]
        flipped = bytearray(line)
        flipped[rng.randrange(len(line))] ^= 1 << rng.randrange(8)
        variants.append(bytes(flipped))
    variants += [b"", b"}", b'"}', b',"crc":"00000000"}', b'{,"crc":"00000000"}']
    assert all(fast.checked_body(line) == _decoded(line) for line in lines)
    differ = [line for line in variants if fast.checked_body(line) != _decoded(line)]
    assert differ == []
    assert sum(_decoded(line) is None for line in variants) > len(lines)  # damage was made


def _head(directory: Path) -> fast.Searched | None:
    return fast.summary_head(directory, log_files(directory))


def test_the_summary_head_is_what_the_store_reads(tmp_path: Path) -> None:
    directory = write_busy_incident(tmp_path, "sum", 60, start=START)
    path = directory / SUMMARY_FILE
    assert _head(directory) is None  # no summary yet
    state = IncidentStore.open(tmp_path, "sum", read_only=True).state
    write_summary(path, state, log_bytes=log_files(directory)[0].stat().st_size)
    good = path.read_text(encoding="utf-8")
    whole = read_summary(path)
    head = _head(directory)
    assert whole is not None and head is not None
    assert (head.incident_id, head.title, head.severity, head.status, head.declared_at) == (
        whole["id"],
        whole["title"],
        whole["severity"],
        whole["status"],
        whole["declared_at"],
    )
    changed = (
        good.replace('title = "', 'title = 3 # "'),
        good.replace("severity = ", "severity = '1' # "),
        good.replace("severity = 1", "severity = 1 # one"),
        good.replace("last_seq = ", "last_seq = -"),
        good.replace('status = "', 'status = "x" # "'),
        good.replace("+00:00", ""),  # a local date-time
        good.replace("\n", "\r\n"),
        good.replace("schema", 'title = "twice"\nschema'),
        good.replace("log_bytes = ", "log_bytes = 1"),
        good.replace('id = "sum"', 'id = "other"'),
        "",
    )
    for text in changed:
        assert text != good
        path.write_text(text, encoding="utf-8")
        assert _head(directory) is None, text
    path.write_text(good + "\n[[[ damaged", encoding="utf-8")
    # Below the top lines nothing is read: the log has not changed since (its size says so), so
    # the catalog, rebuilding the summary from it, lists the same.
    assert read_summary(path) is None and _head(directory) == head


@pytest.mark.parametrize(
    "text",
    [
        "plain",
        'a "quoted" word',
        "back\\slash",
        "tab\there",
        "ctrl\x01\x1b[31m\x7f",
        "é ü 日本 😀",
        "line\nbreak\r\x0c\x08",
        "\u2028 sep",
        "",
    ],
)
def test_summary_strings_read_as_tomllib_reads_them(text: str) -> None:
    written = tomli_w.dumps({"title": text}).split(" = ", 1)[1].rstrip("\n")
    assert tomllib.loads(f"title = {written}")["title"] == text
    assert fast.toml_string(written.encode()) == text


@pytest.mark.parametrize(
    "value", [b"'literal'", b'"\\U0001F600"', b'"\\/"', b'"\\ud800"', b'"open', b'"a" "b"', b"3"]
)
def test_strings_tomli_w_does_not_write_are_left_to_the_catalog(value: bytes) -> None:
    assert fast.toml_string(value) is None


def test_iso_is_the_views() -> None:
    for when in (START, START.replace(tzinfo=None), START.astimezone(UTC) + timedelta(hours=5)):
        assert iso(when) == views_iso(when)


# -- the same answers as the store's listing and a plain reading of every line ------------------


def _summarise(root: Path, incident: str) -> None:
    directory = root / "incidents" / incident
    state = IncidentStore.open(root, incident, read_only=True).state
    size = sum(path.stat().st_size for path in log_files(directory))
    write_summary(directory / SUMMARY_FILE, state, log_bytes=size)


def _written(root: Path, incident: str, title: str, *lines: str, hours: int = 0) -> IncidentStore:
    clock = FakeClock(START + timedelta(hours=hours))
    store = IncidentStore.create(
        root, Declare(incident_id=incident, title=title), clock=clock, actor="Alex"
    )
    for line in lines:
        clock.advance(60)
        store.execute(AddLogEntry(text=line))
    return store


@pytest.fixture
def incidents(tmp_path: Path) -> Path:
    """Incidents of every kind the listing tells apart: fresh summaries, a missing one, a stale
    one, a drill, a damaged line holding the rare word, non-ASCII and quoted text."""
    root = tmp_path / "home"
    for n in range(6):
        rare = RARE if n in (1, 4) else None
        start = START + timedelta(days=n % 3, hours=n)
        write_busy_incident(root, f"busy-{n}", 150, rare=rare, resolve=n % 2 == 0, start=start)
        _summarise(root, f"busy-{n}")
    write_busy_incident(root, "drill-practice", 80, rare=RARE, start=START)
    _summarise(root, "drill-practice")
    _written(root, "umlaut", "Zahlungsfehler", "Überlastung im RZ", 'flag "v2" on', hours=30)
    damaged = _written(root, "damaged", "Damaged line", f"one {RARE}", f"two {RARE}", hours=31)
    raw = damaged.events_path.read_bytes()
    damaged.events_path.write_bytes(raw.replace(f"two {RARE}".encode(), f"tw0 {RARE}".encode()))
    _summarise(root, "damaged")  # fresh again: the damage is found by the search itself
    return root


@dataclass(frozen=True)
class Answer:
    hits: list[tuple[str, str, int, str, str, int, datetime, str, str]]
    searched: int
    damaged: int


def _reference(root: Path, text: str, *, drills: bool = False) -> Answer:
    """The search as the store, the catalog and the vocabulary answer it, line by line."""
    needle = text.strip().casefold()
    fields = searchable_fields()
    raw = not (set(needle) & (set('"\\') | {chr(c) for c in range(0x20)}))
    infos = list_incidents(root, drills=drills)
    hits, damaged = [], 0
    for info in infos:
        for path in log_files(info.directory):
            for line in path.read_bytes().split(b"\n"):
                if not line:
                    continue
                if raw and needle not in line.decode("utf-8", errors="replace").casefold():
                    continue
                try:
                    obj = json.loads(decode_body(line, path=path, number=0))
                except (LogDamaged, ValueError):
                    damaged += 1
                    continue
                data = obj["data"]
                for key, where in fields.get(data["type"], ()):
                    value = data.get(key)
                    if isinstance(value, str) and needle in value.casefold():
                        when = data.get("occurred_at") or obj["at"]
                        at = datetime.fromisoformat(when.replace("Z", "+00:00"))
                        found = (where, obj["seq"], at, obj.get("actor", ""), value)
                        hits.append(
                            (info.incident_id, info.title, info.severity, info.status, *found)
                        )
    return Answer(hits, len(infos), damaged)


def _fast(root: Path, text: str, *, drills: bool = False) -> Answer:
    result = fast.search(root, text, drills=drills)
    hits = [
        (h.incident_id, h.title, h.severity, h.status, h.where, h.seq, h.at, h.actor, h.text)
        for h in result.hits
    ]
    return Answer(hits, result.incidents_searched, result.damaged_lines)


WORDS = (RARE, "ZEBRA", "observation 12", "überlastung", '"v2"', "checkout errors", "nothing-x")


@pytest.mark.parametrize("drills", [False, True])
def test_answers_equal_the_stores_reading(incidents: Path, drills: bool) -> None:
    for word in WORDS:
        assert _fast(incidents, word, drills=drills) == _reference(incidents, word, drills=drills)
    rare = _fast(incidents, RARE, drills=drills)
    assert len(rare.hits) == 3 + drills and rare.damaged == 1


def _fresh(root: Path) -> bool:
    folders = fast._folders(root, drills=True)
    return all(fast.summary_head(folder, files) for folder, files in folders.items())


@pytest.mark.parametrize("kind", ["stale", "missing", "copied"])
def test_a_summary_the_catalog_would_not_trust_sends_the_listing_to_it(
    incidents: Path, kind: str
) -> None:
    folders = incidents / "incidents"
    if kind == "stale":
        before = (folders / "umlaut" / SUMMARY_FILE).read_bytes()
        IncidentStore.open(incidents, "umlaut").execute(ChangeSeverity(severity=1))
        (folders / "umlaut" / SUMMARY_FILE).write_bytes(before)  # the log says SEV-1 now
        assert _head(folders / "umlaut") is None
    elif kind == "missing":
        (folders / "busy-2" / SUMMARY_FILE).unlink()
    else:  # a copy under another name: its summary names the original
        shutil.copytree(folders / "busy-1", folders / "busy-9")
        assert _head(folders / "busy-9") is None
    assert not _fresh(incidents)
    for word in WORDS:
        assert _fast(incidents, word) == _reference(incidents, word)
    if kind == "stale":
        assert {hit[:3] for hit in _fast(incidents, "überlastung").hits} == {
            ("umlaut", "Zahlungsfehler", 1)
        }


def test_the_summaries_give_what_the_catalog_lists(incidents: Path) -> None:
    for drills in (False, True):
        folders = fast._folders(incidents, drills=drills)
        heads = [fast.summary_head(folder, files) for folder, files in folders.items()]
        assert None not in heads
        listed = list_incidents(incidents, drills=drills)
        assert [
            (s.incident_id, s.title, s.severity, s.status, s.directory, s.declared_at)
            for s in fast._newest_first([head for head in heads if head is not None])
        ] == [
            (i.incident_id, i.title, i.severity, i.status, i.directory, i.declared_at)
            for i in listed
        ]


# -- the verb --------------------------------------------------------------------------------------

PROBE = """
import contextlib, io, json, sys
from ic_console.cli import main

codes, outs, errs = [], [], []
heavy_roots, heavy_modules = json.loads(sys.argv[2])
for words in json.loads(sys.argv[1]):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        codes.append(main(["search", *words]))
    outs.append(out.getvalue())
    errs.append(err.getvalue())
heavy = sorted(
    m for m in sys.modules
    if m.split(".")[0] in heavy_roots or m in heavy_modules or m.startswith("ic_console.cli.")
)
print(json.dumps({"codes": codes, "heavy": heavy, "outs": outs, "errs": errs}))
"""


@dataclass
class Probe:
    codes: list[int]
    heavy: list[str]
    outs: list[str]
    errs: list[str]


def _probe(root: Path, config: Path, *searches: list[str]) -> Probe:
    """`ic search` in a fresh interpreter, once for each of `searches`."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            PROBE,
            json.dumps(searches),
            json.dumps([sorted(HEAVY_ROOTS), sorted(HEAVY_MODULES)]),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={
            "IC_CONSOLE_HOME": str(root),
            "IC_CONSOLE_CONFIG": str(config),
            "PATH": os.environ.get("PATH", ""),
            "TZ": "UTC",
        },
    )
    assert result.returncode == 0, result.stderr
    return Probe(**json.loads(result.stdout.strip().splitlines()[-1]))


def test_a_search_loads_neither_pydantic_nor_the_models_nor_other_verbs(
    incidents: Path, tmp_path: Path
) -> None:
    report = _probe(
        incidents, tmp_path / "absent.toml", ["nothing-matches"], [RARE], ["--json", RARE]
    )
    assert report.codes == [0, 0, 0]
    assert report.heavy == ["ic_console.cli.search"]
    assert report.outs[0] == 'No matches for "nothing-matches" in 8 incident(s).\n'
    assert report.outs[1].count(RARE) == 3 and "3 match(es)" in report.errs[1]
    assert "1 damaged log line(s)" in report.errs[1]
    assert len(json.loads(report.outs[2])) == 3


def test_the_output_is_what_a_loaded_default_config_gives(
    incidents: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without config.toml the loader is skipped; with an empty one it runs: same bytes."""
    (tmp_path / "empty.toml").write_text("", encoding="utf-8")
    searches = (["nothing-matches"], [RARE], ["--json", RARE], ["--drills", "ZEBRA"])
    skipped = _probe(incidents, tmp_path / "absent.toml", *searches)
    loaded = _probe(incidents, tmp_path / "empty.toml", *searches)
    assert "ic_console.content.config" in loaded.heavy
    assert "ic_console.content.config" not in skipped.heavy
    assert (skipped.codes, skipped.outs, skipped.errs) == (loaded.codes, loaded.outs, loaded.errs)
    rows = json.loads(skipped.outs[2])
    assert {row["id"] for row in rows} == {"busy-1", "busy-4", "damaged"}
    assert "drill-practice" in skipped.outs[3]


def test_a_broken_config_stops_the_search_as_it_stops_every_verb(
    incidents: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('name = "Alex"\n[[severity]]\nlevel = "two"\n', encoding="utf-8")
    monkeypatch.setenv("IC_CONSOLE_HOME", str(incidents))
    monkeypatch.setenv("IC_CONSOLE_CONFIG", str(config))
    assert main(["search", RARE]) == 2
    searched = capsys.readouterr()
    assert main(["list"]) == 2
    assert searched.out == "" and searched.err == capsys.readouterr().err
    assert f"{config}:3:" in searched.err


def test_configured_severity_names_are_shown(
    incidents: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[[severity]]\nlevel = 1\nname = "Critical"\n', encoding="utf-8")
    monkeypatch.setenv("IC_CONSOLE_HOME", str(incidents))
    monkeypatch.setenv("IC_CONSOLE_CONFIG", str(config))
    assert main(["search", RARE]) == 0
    assert "busy-4  Critical  resolved" in capsys.readouterr().out


def test_a_config_checked_before_is_not_checked_again(incidents: Path, tmp_path: Path) -> None:
    """With a team's config.toml (every laptop that syncs has one) the checker is loaded once:
    the stamp it leaves in the data root gives the next searches the severity names while the
    file's bytes are the same. A changed file, a damaged stamp or another file is checked again."""
    from ic_console.content.config_stamp import STAMP_FILE

    config = tmp_path / "config.toml"
    config.write_text('[[severity]]\nlevel = 1\nname = "Critical"\n', encoding="utf-8")
    first = _probe(incidents, config, [RARE])
    again = _probe(incidents, config, [RARE], ["--json", RARE])
    assert "ic_console.content.config" in first.heavy
    assert again.heavy == ["ic_console.cli.search"]
    assert again.outs[0] == first.outs[0] and "Critical" in first.outs[0]
    assert json.loads(again.outs[1])

    config.write_text('[[severity]]\nlevel = 1\nname = "Sev One"\n', encoding="utf-8")
    changed = _probe(incidents, config, [RARE])
    assert "ic_console.content.config" in changed.heavy and "Sev One" in changed.outs[0]
    config.write_text('[[severity]]\nlevel = "one"\n', encoding="utf-8")
    broken = _probe(incidents, config, [RARE])
    assert broken.codes == [2] and "config.toml cannot be used" in broken.errs[0]

    config.write_text('[[severity]]\nlevel = 1\nname = "Critical"\n', encoding="utf-8")
    _probe(incidents, config, [RARE])
    (incidents / STAMP_FILE).write_text("{not json", encoding="utf-8")
    damaged = _probe(incidents, config, [RARE])
    assert "ic_console.content.config" in damaged.heavy and "Critical" in damaged.outs[0]
    other = tmp_path / "other.toml"
    other.write_bytes(config.read_bytes())
    assert "ic_console.content.config" in _probe(incidents, other, [RARE]).heavy


# -- one verb module per verb ----------------------------------------------------------------------


def _verbs(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (action,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_verb_has_its_home_and_parses_there_as_in_the_whole_parser() -> None:
    whole = _verbs(build_parser())
    missing = sorted(set(whole) - set(VERB_HOMES))
    assert not missing, f"add these verbs to VERB_HOMES in cli/__init__.py: {missing}"
    assert set(VERB_HOMES.values()) <= set(VERB_MODULES)
    for name, module in VERB_HOMES.items():
        alone = _verbs(build_parser(["--home", "x", name, "--help"]))
        assert name in alone, f"{module} does not add `ic {name}`"
        assert alone[name].format_help() == whole[name].format_help()
    assert build_parser(["--help"]).format_help() == build_parser().format_help()


@pytest.mark.parametrize(
    ("words", "verb"),
    [
        (["search", "x"], "search"),
        (["--home", "h", "--as", "A", "log", "x"], "log"),
        (["--home=h", "--as=A", "task", "add"], "task"),
        (["--home", "search", "log"], "log"),
        (["-h"], None),
        (["--ho", "h", "search"], None),
        ([], None),
        (["--as"], None),
    ],
)
def test_the_verb_is_found_only_where_argparse_would_find_it(
    words: list[str], verb: str | None
) -> None:
    assert verb_of(words) == verb


def test_the_stamp_is_written_only_when_it_changes(tmp_path: Path) -> None:
    from ic_console.content.config_stamp import STAMP_FILE, checked_names, write_stamp

    home, config = tmp_path / "home", tmp_path / "config.toml"
    config.write_bytes(b"")
    write_stamp(home, config, b"", {1: "SEV-1"})
    assert not home.exists()  # a stamp never makes the data root
    home.mkdir()
    write_stamp(home, config, b"", {1: "SEV-1"})
    stamp = home / STAMP_FILE
    first = stamp.stat().st_mtime_ns, stamp.stat().st_ino
    write_stamp(home, config, b"", {1: "SEV-1"})
    assert (stamp.stat().st_mtime_ns, stamp.stat().st_ino) == first
    assert checked_names(home, config) == {1: "SEV-1"}
    config.write_bytes(b"\n")
    assert checked_names(home, config) is None
    assert list(home.iterdir()) == [stamp]  # no temporary file left
