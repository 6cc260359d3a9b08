"""Follow-ups to the tracker (`ic followups`, `ic followups mark`) and the stakeholders' status
page (`ic status`): what leaves the console, and that nothing internal leaks."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from ic_console.domain.clock import FakeClock
from ic_console.review.followups import JIRA_COLUMNS

from .conftest import Ic, ok, refused, wait_for

#: A follow-up whose words would run commands if the script quoted them badly.
HOSTILE = "Add alert on 5xx'; touch PWNED; echo '$(touch PWNED2) `touch PWNED3` \"quoted\""


@pytest.fixture
def incident(ic: Ic, clock: FakeClock) -> str:
    """A resolved SEV-1 with follow-ups, internal notes, tasks and both kinds of update."""
    incident_id = ok(ic("new", "Checkout errors SECRET-TITLE-7f3", "--sev", "1")).out.strip()
    ok(ic("role", "ic", "Alex"))
    ok(ic("join", "Zebediah-Responder-91c"))
    ok(ic("task", "assign", "Zebediah-Responder-91c", "TASK-TEXT-4d2 check replica", "--in", "5m"))
    ok(ic("log", "INTERNAL-NOTE-a81 the primary is flapping"))
    ok(ic("update", "internal", "INTERNAL-UPDATE-b55 execs told"))
    clock.advance(180)
    ok(ic("update", "external", "We are investigating errors at checkout <script>x</script>."))
    ok(ic("log", "TODO: Add an alert when checkout 5xx stay above 1% for 10 minutes @sam"))
    ok(ic("log", "--kind", "followup", "Investigate monitoring"))
    ok(ic("log", "--kind", "followup", HOSTILE))
    clock.advance(1800)
    ok(ic("update", "external", "A fix is rolling out; errors are falling."))
    ok(ic("resolve", "--keep-open"))
    return incident_id


def _items(ic: Ic, incident_id: str, *extra: str) -> list[dict[str, object]]:
    return json.loads(ok(ic("followups", incident_id, "--format", "json", *extra)).out)  # type: ignore[no-any-return]


# -- follow-ups -------------------------------------------------------------------------------


def test_items_carry_stable_ids_owner_due_date_link_and_warnings(ic: Ic, incident: str) -> None:
    items = _items(ic, incident)
    assert [item["summary"] for item in items][:2] == [
        "Add an alert when checkout 5xx stay above 1% for 10 minutes @sam",
        "Investigate monitoring",
    ]
    ids = [item["id"] for item in items]
    assert all(str(i).startswith("F") for i in ids) and len(set(ids)) == 3
    assert items[0]["key"] == f"ic:{incident}/{ids[0]}"
    assert items[0]["owner"] == "sam" and items[1]["owner"] == ""
    assert {item["due"] for item in items} == {"2026-11-26"}  # SEV-1: 3 business days
    assert all(str(item["link"]).startswith("file://") for item in items)
    assert items[0]["warnings"] == []
    assert any("investigat" in str(w) for w in items[1]["warnings"])  # type: ignore[attr-defined]
    # Exporting again, even after another item, gives the same ids.
    ok(ic("log", incident, "--kind", "followup", "Document the failover steps in the runbook"))
    assert [item["id"] for item in _items(ic, incident)][:3] == ids


def test_incident_url_template_from_config(
    ic: Ic, incident: str, config: Callable[[str], Path]
) -> None:
    config('[followups]\nincident_url = "https://wiki.example.com/incidents/{id}"\n')
    assert _items(ic, incident)[0]["link"] == f"https://wiki.example.com/incidents/{incident}"


def _fake_gh(tmp: Path, existing: set[str]) -> dict[str, str]:
    """A `gh` on PATH that records what it is asked and knows some issues already exist."""
    bin_dir = tmp / "bin"
    bin_dir.mkdir(exist_ok=True)
    calls = tmp / "gh-calls.jsonl"
    gh = bin_dir / "gh"
    gh.write_text(
        "#!/usr/bin/env python3\n"
        "import json, sys\n"
        f"existing = {sorted(existing)!r}\n"
        f"with open({str(calls)!r}, 'a') as f: f.write(json.dumps(sys.argv[1:]) + '\\n')\n"
        "if sys.argv[1:3] == ['issue', 'list']:\n"
        "    query = sys.argv[sys.argv.index('--search') + 1]\n"
        "    print('17' if any(key in query for key in existing) else '')\n"
    )
    gh.chmod(gh.stat().st_mode | stat.S_IXUSR)
    return {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}


def _creates(tmp: Path) -> list[list[str]]:
    calls = tmp / "gh-calls.jsonl"
    lines = calls.read_text().splitlines() if calls.exists() else []
    return [c for c in map(json.loads, lines) if c[:2] == ["issue", "create"]]


def test_github_script_quotes_every_word_and_creates_each_item_once(ic: Ic, incident: str) -> None:
    script = ic.tmp / "followups.sh"
    script.write_text(ok(ic("followups", incident, "--format", "github")).out)
    work = ic.tmp / "work"
    work.mkdir()
    subprocess.run(["sh", str(script)], cwd=work, env=_fake_gh(ic.tmp, set()), check=True)
    creates = _creates(ic.tmp)
    titles = [call[call.index("--title") + 1] for call in creates]
    assert HOSTILE in titles  # passed as one literal word
    assert not list(work.iterdir())  # nothing in the text ran
    first = creates[0]
    assert first[first.index("--assignee") + 1] == "sam"
    body = first[first.index("--body") + 1]
    assert f"ic:{incident}/F" in body and "Due: 2026-11-26" in body
    # Run again with those issues existing: nothing is created twice.
    keys = {item["key"] for item in _items(ic, incident)}
    (ic.tmp / "gh-calls.jsonl").unlink()
    subprocess.run(["sh", str(script)], cwd=work, env=_fake_gh(ic.tmp, keys), check=True)  # type: ignore[arg-type]
    assert _creates(ic.tmp) == []


def test_jira_csv_has_the_importer_columns(ic: Ic, incident: str) -> None:
    out = ok(ic("followups", incident, "--format", "jira-csv")).out
    rows = list(csv.reader(io.StringIO(out)))
    assert tuple(rows[0]) == JIRA_COLUMNS
    assert len(rows) == 4
    summary, kind, description, assignee, due, label, key_label = rows[1]
    assert summary.startswith("Add an alert") and kind == "Task" and assignee == "sam"
    assert due == "2026-11-26" and label == "postmortem"
    assert key_label.startswith(f"ic-{incident}-f")
    assert "Incident: file://" in description


def test_mark_records_the_link_shown_by_the_postmortem_and_left_out_of_exports(
    ic: Ic, incident: str
) -> None:
    first = _items(ic, incident)[0]["id"]
    url = "https://github.com/acme/ops/issues/17"
    result = ok(ic("followups", "mark", incident, str(first), "--tracked", url))
    assert result.out.strip() == f"Follow-up {first} marked as tracked at {url}."
    items = _items(ic, incident)
    assert items[0]["tracked"] == url
    script = ok(ic("followups", incident, "--format", "github"))
    assert "Add an alert when checkout" not in script.out
    assert "already marked as tracked" in script.err
    assert (
        "Add an alert when checkout"
        in ok(ic("followups", incident, "--format", "github", "--all")).out
    )
    draft = ok(ic("postmortem", incident)).out
    assert f"**Tracked:** <{url}>" in draft  # an autolink: it leads to the item
    assert f"- [x] **{first}**" in ok(ic("followups", incident)).out


def test_mark_refuses_what_is_no_item_or_no_link(ic: Ic, incident: str) -> None:
    refused(ic("followups", "mark", incident, "F1", "--tracked", "https://x.test/1"), "F1 is not")
    refused(ic("followups", "mark", incident, "F9", "--tracked", "ftp://x"), "not a link")
    refused(ic("followups", "mark", incident, "nine", "--tracked", "https://x"), "not a follow")
    refused(ic("followups", "mark", incident, "F9"), "--tracked URL")


# -- status page ----------------------------------------------------------------------------


INTERNAL = (
    "SECRET-TITLE-7f3",
    "Zebediah-Responder-91c",
    "TASK-TEXT-4d2",
    "INTERNAL-NOTE-a81",
    "INTERNAL-UPDATE-b55",
    "Alex",
)


def test_status_page_shows_only_external_updates_and_times(ic: Ic, incident: str) -> None:
    ok(ic("status", incident, "-o", str(ic.tmp / "site")))
    page = (ic.tmp / "site" / "index.html").read_text()
    for marker in INTERNAL:
        assert marker not in page, marker
    assert "Add an alert" not in page and "Investigate" not in page  # follow-ups are internal
    first = page.index("We are investigating errors at checkout")
    assert first < page.index("A fix is rolling out")  # in the order they were posted
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script" not in page.lower()
    assert "Resolved" in page and "2026-11-23 14:00 UTC" in page
    assert "http://" not in page and "https://" not in page and " src=" not in page
    assert 'name="viewport"' in page
    mode = (ic.tmp / "site" / "index.html").stat().st_mode
    assert mode & stat.S_IROTH  # a web server may read it


def test_status_page_while_active_says_when_the_next_update_is_due(ic: Ic) -> None:
    incident_id = ok(ic("new", "Checkout errors", "--sev", "2")).out.strip()
    ok(ic("update", "external", "We are looking into slow checkouts."))
    page = ok(ic("status", incident_id)).out
    assert "Investigating" in page
    assert "Next update" in page and "2026-11-23 14:20 UTC" in page  # SEV-2: every 20 minutes


def test_status_page_is_rewritten_after_each_external_update(
    ic: Ic, config: Callable[[str], Path]
) -> None:
    site = ic.tmp / "public"
    config(f'[status]\ndir = "{site}"\ntitle = "Acme status"\n')
    incident_id = ok(ic("new", "Checkout errors")).out.strip()
    page = site / "index.html"
    assert wait_for(page.exists)
    ok(ic("update", "internal", "INTERNAL-UPDATE-b55 execs told"))
    ok(ic("update", "external", "Checkout is slow for some customers."))
    assert wait_for(lambda: "Checkout is slow for some customers." in page.read_text())
    text = page.read_text()
    assert "Acme status" in text and "INTERNAL-UPDATE-b55" not in text
    assert incident_id not in text


def test_status_refuses_to_write_inside_the_incident_folders(ic: Ic) -> None:
    incident_id = ok(ic("new", "Checkout errors")).out.strip()
    inside = ic.home / "incidents" / incident_id
    refused(ic("status", incident_id, "-o", str(inside)), "Refusing to write")
