"""The fourth hunt's faults in the `ic` verbs that review, follow up and drill: each test here
failed before its fix."""

from __future__ import annotations

from pathlib import Path

from .conftest import Run, ok, refused


def _resolved_incident(ic: Run) -> None:
    ok(ic("new", "Checkout errors", "--id", "20261123-checkout-errors", "--sev", "1"))
    ok(ic("role", "ic", "Alex"))
    ok(ic("log", "Add an alert on pool exhaustion @Sam", "--kind", "followup"))
    ok(ic("log", "replica lag is 40 s", "--kind", "status", "--as", "Sam"))
    ok(ic("resolve"))


def test_followups_take_the_short_names_of_an_incident(ic: Run) -> None:
    """README: an ID "may be the whole id, any unique start of it, or the number in the #
    column of `ic list`". `ic followups 20261123-ch` and `ic followups 1` said "There is no
    incident '20261123-ch'", while `ic export 20261123-ch` and every other verb took it."""
    _resolved_incident(ic)
    whole = ok(ic("followups", "20261123-checkout-errors", "--format", "json")).out
    assert ok(ic("followups", "20261123-ch", "--format", "json")).out == whole
    assert ok(ic("followups", "1", "--format", "json")).out == whole
    # and `mark` with a short id (it went through the verbs' own lookup already)
    ok(ic("followups", "mark", "2026", "F4", "--tracked", "https://example.com/1"))


def test_drill_start_from_a_short_name_gets_as_far_as_the_terminal(ic: Run) -> None:
    """`ic drill start --from 20261123-ch` and `--from 1` said there was no such incident."""
    _resolved_incident(ic)
    # Without a terminal it stops there (exit 1), having found the incident and made nothing.
    for given in ("20261123-ch", "1"):
        result = ic("drill", "start", "--from", given)
        assert result.code == 1, result.err
        assert "needs a terminal" in result.err, result.err


def test_drill_score_takes_a_unique_start_of_a_drill_id(ic: Run, home: Path) -> None:
    from ic_console.content.library import load_scenarios
    from ic_console.domain.clock import FakeClock
    from ic_console.live.drill import start_drill

    from .conftest import START

    scenario = load_scenarios([])[0]["db-failover-stall"]
    drill = start_drill(home, scenario, trainee="Alex", speed=10, base_clock=FakeClock(START))
    whole = ok(ic("drill", "score", drill.incident_id, "--format", "json")).out
    assert ok(ic("drill", "score", "drill-2026", "--format", "json")).out == whole
    refused(ic("drill", "score", "drill-nope"), "there is no drill drill-nope")


def test_show_reads_a_drill_on_the_drills_own_clock(ic: Run, home: Path, clock) -> None:
    """A mentor ran `ic show DRILL` beside a drill at 20x: the console said the update was 20
    minutes late and the drill 39 minutes in, `ic show` (and `--json`) said "2m elapsed" and
    the update "due in 17m", not overdue: it read the wall clock. It hid what was late."""
    from datetime import timedelta

    from ic_console.content.library import load_scenarios
    from ic_console.domain import commands as c
    from ic_console.live.drill import start_drill
    from ic_console.store.incident import IncidentStore

    scenario = load_scenarios([])[0]["db-failover-stall"]
    drill = start_drill(home, scenario, trainee="Alex", speed=20, base_clock=clock)
    store = IncidentStore.open(home, drill.incident_id, clock=drill.clock, actor="Alex")
    store.execute(c.AssignTask(owner="Jordan", text="fence it", timebox=timedelta(minutes=5)))
    clock.advance(120)  # two minutes of wall time: 40 minutes of drill time
    view = ok(ic("show", drill.incident_id, "--json")).json()
    assert isinstance(view, dict)
    assert view["elapsed_seconds"] == 40 * 60
    assert view["next_update"]["overdue"] is True
    assert view["overdue_tasks"] == 1 and view["tasks"][0]["overdue"] is True
    text = ok(ic("show", drill.incident_id)).out
    assert "40m" in text and "overdue" in text, text


def test_list_drills_reads_each_drill_on_its_own_clock(ic: Run, home: Path, clock) -> None:
    """`ic list --drills` beside a 20x drill: OVERDUE 0 and UPDATE "in 18m" for a drill whose
    task and update its console showed late."""
    from datetime import timedelta

    from ic_console.content.library import load_scenarios
    from ic_console.domain import commands as c
    from ic_console.live.drill import start_drill
    from ic_console.store.incident import IncidentStore

    scenario = load_scenarios([])[0]["db-failover-stall"]
    drill = start_drill(home, scenario, trainee="Alex", speed=20, base_clock=clock)
    store = IncidentStore.open(home, drill.incident_id, clock=drill.clock, actor="Alex")
    store.execute(c.AssignTask(owner="Jordan", text="fence it", timebox=timedelta(minutes=5)))
    clock.advance(120)  # 40 minutes of drill time
    rows = ok(ic("list", "--drills", "--json")).json()
    assert isinstance(rows, list)
    assert rows[0]["overdue_tasks"] == 1 and rows[0]["next_update_overdue"] is True
    table = ok(ic("list", "--drills")).out
    assert "late 20m" in table, table


def test_exported_action_items_carry_their_owner_and_due_date(ic: Run) -> None:
    """`ic export --format csv` has the columns "Summary, Description, Owner, Due date,
    Labels" (README), but Owner and Due date were always empty, and the JSON export's
    action items always said "owner": null, "due": null, while `ic followups` on the same
    incident named the owner (@Sam) and the postmortem's due date."""
    import csv
    import io
    import json

    _resolved_incident(ic)
    due = json.loads(ok(ic("export", "1", "--format", "json")).out)["postmortem_due"]
    assert due
    rows = list(csv.DictReader(io.StringIO(ok(ic("export", "1", "--format", "csv")).out)))
    assert [(r["Owner"], r["Due date"]) for r in rows] == [("Sam", due)]
    items = json.loads(ok(ic("export", "1", "--format", "json")).out)["action_items"]
    assert [(i["owner"], i["due"]) for i in items] == [("Sam", due)]


def test_a_followups_owner_is_never_read_from_the_incidents_title(ic: Run) -> None:
    """An incident titled "Errors for @acme" gave every follow-up item the owner "acme" in
    `ic followups` (JSON, Jira's Assignee, `gh --assignee acme`): the owner was looked for in
    the description, which names the incident and its title."""
    import json

    ok(ic("new", "Errors for @acme customers", "--id", "acme"))
    ok(ic("log", "Add an alert on pool exhaustion", "--kind", "followup"))
    items = json.loads(ok(ic("followups", "acme", "--format", "json")).out)
    assert [item["owner"] for item in items] == [""]
    assert "--assignee" not in ok(ic("followups", "acme", "--format", "github")).out


def test_the_followups_checklist_shows_what_was_typed_once_pasted_into_a_tracker(
    ic: Run,
) -> None:
    """`ic followups` (Markdown, "for the team's tracker") wrote item texts and the title as
    raw Markdown: pasted into an issue, "Remove the <details> wrapper" lost its tag (read as
    HTML, and it folded away the rest of the list), `rm -rf` became code and *now* italics.
    The postmortem draft escapes the same texts."""
    import html
    import re

    from markdown_it import MarkdownIt

    typed = "Remove the <details> wrapper from `runbook.md`, *now* | then_check_it"
    title = "Checkout <b>EU</b> | `pay`"
    ok(ic("new", title, "--id", "md"))
    ok(ic("log", typed, "--kind", "followup", "--as", "dev_ops"))
    text = ok(ic("followups", "md")).out
    rendered = MarkdownIt("gfm-like").render(text)
    assert "<details>" not in rendered and "<b>" not in rendered and "<code>" not in rendered
    shown = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    assert typed in shown and title in shown and "dev_ops" in shown, shown


def test_followups_json_times_are_utc_ending_in_z(ic: Run) -> None:
    """README ("JSON output"): times are ISO-8601 in UTC ending in Z. `ic followups --format
    json` said "raised_at": "2026-11-23T14:00:03.392127+00:00", the one JSON output that did
    not (the export's action items say "2026-11-23T14:00:03Z")."""
    import json

    ok(ic("new", "Checkout errors", "--id", "z"))
    ok(ic("log", "Add an alert on pool exhaustion", "--kind", "followup"))
    (item,) = json.loads(ok(ic("followups", "z", "--format", "json")).out)
    exported = json.loads(ok(ic("export", "z", "--format", "json")).out)["action_items"]
    assert item["raised_at"] == exported[0]["raised_at"] == "2026-11-23T14:00:00Z"


def test_the_postmortem_draft_shows_tildes_and_entities_as_typed(ic: Run) -> None:
    """Pasted into a doc that renders GitHub Markdown, the draft showed the decision
    "keep ~~v1~~ v2 &amp; v3, &lt;5% errors" as "keep v1(struck through) v2 & v3, <5% errors":
    tildes and character references were not escaped, the other Markdown specials were."""
    import html
    import re

    from markdown_it import MarkdownIt

    typed = "keep ~~v1~~ v2 &amp; v3, &lt;5% errors & ~tilde~ &#169;"
    ok(ic("new", "Checkout & payments ~EU~", "--id", "amp"))
    ok(ic("role", "ic", "Alex"))
    ok(ic("decide", "propose", typed))
    ok(ic("log", f"TODO: {typed}"))
    draft = ok(ic("postmortem", "amp")).out
    rendered = MarkdownIt("gfm-like").render(draft)
    assert "<s>" not in rendered and "<del>" not in rendered
    shown = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    assert shown.count(typed) >= 3, shown  # the timeline, the decisions, the action items
    assert "Checkout & payments ~EU~" in shown
    # and the follow-up checklist for the tracker
    listed = MarkdownIt("gfm-like").render(ok(ic("followups", "amp")).out)
    assert typed in html.unescape(re.sub(r"<[^>]+>", "", listed))


def test_list_json_gives_a_damaged_incident_its_short_form_and_its_late_work(
    ic: Run, home: Path, clock
) -> None:
    """README: `ic list --json` is "an array of the short form" (id, title, severity, ...,
    overdue_tasks, next_update_overdue, ...). An incident whose log is damaged in the middle
    came as {"id", "title", "status", "damaged", "directory"} only: a bot reading
    row["overdue_tasks"] failed, and the task 20 minutes late in the readable part (which
    `ic show` shows) was hidden, in the table too (OVERDUE "-")."""
    from ic_console.store.paths import event_files

    ok(ic("new", "Checkout errors", "--id", "dmg", "--sev", "1"))
    ok(ic("task", "assign", "Sam", "check the pool", "--in", "5m"))
    ok(ic("log", "a note"))
    ok(ic("log", "another note"))
    clock.advance(25 * 60)
    (events,) = event_files(home / "incidents" / "dmg")
    lines = events.read_bytes().splitlines(keepends=True)
    lines[-2] = lines[-2][:40] + b"GARBAGE\n"  # no longer JSON
    events.write_bytes(b"".join(lines))
    (row,) = ok(ic("list", "--json")).json()  # type: ignore[misc]
    shown = ok(ic("show", "dmg", "--json")).json()
    assert isinstance(row, dict) and isinstance(shown, dict)
    for key in ("view", "severity", "active", "open_tasks", "overdue_tasks", "last_seq"):
        assert row[key] == shown[key], key
    assert row["overdue_tasks"] == 1 and row["next_update_overdue"] is True
    assert row["damaged"].startswith(str(events))
    table = ok(ic("list")).out.splitlines()[1].split()
    assert table[3] == "damaged" and table[8:10] == ["1", "late"], table


def test_drill_rm_refuses_a_drill_that_is_open_in_a_console(ic: Run, home: Path, clock) -> None:
    """`ic drill rm` deleted a drill while the trainee was running it in a console: the
    console said its folder was removed, and the drill so far was lost. It is refused while a
    console has it open (its presence heartbeat), and deleted once the console has closed."""
    from ic_console.content.library import load_scenarios
    from ic_console.live.drill import start_drill
    from ic_console.store.paths import incident_dir
    from ic_console.store.presence import PresenceBoard

    scenario = load_scenarios([])[0]["db-failover-stall"]
    drill = start_drill(home, scenario, trainee="Alex", speed=10, base_clock=clock)
    folder = incident_dir(home, drill.incident_id)
    console = PresenceBoard(folder, clock=clock, actor="Alex")
    console.beat()
    refused(ic("drill", "rm", drill.incident_id), "open in a console", "Alex", "nothing was")
    assert folder.is_dir()
    console.leave()
    assert ok(ic("drill", "rm", drill.incident_id)).out.startswith("Deleted drill")
    assert not folder.exists()


def test_a_drill_never_rewrites_the_stakeholders_status_page(
    ic: Run, home: Path, clock, config, tmp_path: Path
) -> None:
    """With `[status] dir` set, a drill's declaration and its practice update ("DRILL: card
    payments are failing") rewrote the public status page, over the real incident's: the
    stakeholders read "Investigating" and a made-up outage. The page job (`ic status ID -o
    DIR --quiet`, run after each such event) leaves a drill out, and `ic status DRILL` does
    not write to the configured folder; `-o` elsewhere still shows a drill's page."""
    from ic_console.content.library import load_scenarios
    from ic_console.live.drill import start_drill

    public = tmp_path / "public"
    config(f'[status]\ndir = "{public}"\n')
    ok(ic("new", "Checkout errors", "--id", "real"))
    ok(ic("update", "real", "external", "We are fixing card payments."))
    ok(ic("status", "real"))
    page = (public / "index.html").read_bytes()
    scenario = load_scenarios([])[0]["payment-provider-outage"]
    drill = start_drill(home, scenario, trainee="Alex", speed=10, base_clock=clock)
    # what the console and the verbs run after a drill's external update
    ok(ic("status", drill.incident_id, "-o", str(public), "--quiet"))
    refused(ic("status", drill.incident_id), "is a drill", "-o")
    assert (public / "index.html").read_bytes() == page
    elsewhere = tmp_path / "practice"
    ok(ic("status", drill.incident_id, "-o", str(elsewhere)))
    assert (elsewhere / "index.html").is_file()


def test_a_tracked_link_in_the_postmortem_draft_still_leads_to_the_item(ic: Run) -> None:
    """`ic followups mark ... --tracked https://wiki.example.com/Incident_2026/~ops`: the draft
    wrote the address with its Markdown escaped ("Incident\\_2026/\\~ops"), and rendered the
    link went to ".../Incident%5C_2026/%5C~ops", a page that does not exist. It is written as
    an autolink, which renders to the address as given."""
    from markdown_it import MarkdownIt

    url = "https://wiki.example.com/Incident_2026/~ops*x"
    ok(ic("new", "Checkout errors", "--id", "trk"))
    ok(ic("log", "Add an alert on pool exhaustion", "--kind", "followup"))
    (item,) = __import__("json").loads(ok(ic("followups", "trk", "--format", "json")).out)
    ok(ic("followups", "mark", "trk", item["id"], "--tracked", url))
    rendered = MarkdownIt("gfm-like").render(ok(ic("postmortem", "trk")).out)
    assert f'<a href="{url}">{url}</a>' in rendered.replace("%7E", "~"), rendered


def test_a_drill_is_named_by_a_unique_start_of_its_id_too(ic: Run, home: Path, clock) -> None:
    """A mentor typed `ic show drill-2026` (or `ic watch`, `ic export --drills`) for the one
    drill running: "There is no incident 'drill-2026'", though a unique start names any real
    incident. Drills stay out of the numbers and of the only-active default."""
    from ic_console.content.library import load_scenarios
    from ic_console.live.drill import start_drill

    scenario = load_scenarios([])[0]["db-failover-stall"]
    drill = start_drill(home, scenario, trainee="Alex", speed=10, base_clock=clock)
    whole = ok(ic("show", drill.incident_id, "--json")).json()
    assert ok(ic("show", "drill-2026", "--json")).json() == whole
    assert ok(ic("export", "drill-2026", "--drills", "--format", "json")).out
    refused(ic("show", "1"), "There is no incident '1'")  # a drill has no number


def test_list_with_drills_keeps_the_numbers_every_verb_takes(ic: Run, home: Path, clock) -> None:
    """`ic list --drills` numbered the drills among the incidents: a drill declared between
    two incidents took number 2, and the second incident showed as 3, while `ic show 3`,
    `ic resolve 3`... (drills have no number) said there was no such incident, or named
    another incident than the one on that row."""
    from ic_console.content.library import load_scenarios
    from ic_console.live.drill import start_drill

    ok(ic("new", "First", "--id", "first"))
    clock.advance(60)
    scenario = load_scenarios([])[0]["db-failover-stall"]
    drill = start_drill(home, scenario, trainee="Alex", speed=10, base_clock=clock)
    clock.advance(60)
    ok(ic("new", "Second", "--id", "second"))
    rows = {
        line.split()[1]: line.split()[0] for line in ok(ic("list", "--drills")).out.splitlines()[1:]
    }
    assert rows == {"second": "2", drill.incident_id: "-", "first": "1"}
    assert ok(ic("show", "2", "--json")).json()["id"] == "second"  # type: ignore[index]


def test_the_github_script_never_carries_terminal_codes(ic: Run) -> None:
    """`ic followups --format github` (read it, then run it) wrote a log entry's escape
    sequences raw into the issue body: printed to read it, the script retitled the terminal
    and cleared the screen. Control characters are shown as symbols, as everywhere else."""
    ok(ic("new", "Checkout errors", "--id", "esc"))
    ok(ic("log", "TODO: add an alert \x1b]0;pwned\x07 \x1b[2J now"))
    script = ok(ic("followups", "esc", "--format", "github")).out
    assert "\x1b" not in script and "\x07" not in script
    assert "\\x1b]0;pwned\\x07 \\x1b[2J now" in script


def test_the_status_page_on_stdout_never_carries_terminal_codes(ic: Run) -> None:
    """`ic status` without -o prints the page: an external update holding an escape sequence
    (pasted from a terminal) went out raw and cleared the screen of whoever ran it. Control
    characters are shown as symbols, on the page and in the terminal alike."""
    ok(ic("new", "Checkout errors", "--id", "sp"))
    ok(ic("update", "sp", "external", "We are on it \x1b[2J\x1b]0;x\x07 now"))
    page = ok(ic("status", "sp")).out
    assert "\x1b" not in page and "\x07" not in page
    assert "We are on it \\x1b[2J\\x1b]0;x\\x07 now" in page


def test_list_since_a_month_ago_is_not_held_to_the_log_entries_week(ic: Run, clock) -> None:
    """`ic list --all --since -30d` (the incidents of the last month) was refused: '"-30d" is
    more than 7 days ago: a log entry may reach back at most 7 days' - a limit of `--at`, not
    of a filter over months of incidents."""
    ok(ic("new", "Old one", "--id", "old"))
    ok(ic("resolve", "old"))
    clock.advance(20 * 86400)
    ok(ic("new", "New one", "--id", "new"))
    ids = {row["id"] for row in ok(ic("list", "--all", "--json", "--since", "-30d")).json()}  # type: ignore[index, union-attr]
    assert ids == {"old", "new"}
    ids = {row["id"] for row in ok(ic("list", "--all", "--json", "--since", "-10d")).json()}  # type: ignore[index, union-attr]
    assert ids == {"new"}
    refused(ic("log", "new", "x", "--at", "-30d"), "more than 7 days ago")  # --at keeps it


def test_log_at_on_a_drill_is_read_on_the_drills_clock(ic: Run, home: Path, clock) -> None:
    """A mentor logged into a 20x drill `--at -5m` (five minutes ago): the entry was recorded
    as happening 45 minutes before it was recorded, since "-5m" was read on the wall clock
    while the drill records on its own, 40 minutes ahead after 2 minutes."""
    from datetime import datetime, timedelta

    from ic_console.content.library import load_scenarios
    from ic_console.live.drill import start_drill

    scenario = load_scenarios([])[0]["db-failover-stall"]
    drill = start_drill(home, scenario, trainee="Alex", speed=20, base_clock=clock)
    clock.advance(120)  # 40 minutes of drill time
    ok(ic("log", drill.incident_id, "the replica caught up", "--at", "-5m", "--as", "Jordan"))
    (entry,) = [
        e
        for e in ok(ic("show", drill.incident_id, "--json")).json()["log"]  # type: ignore[index]
        if e["text"] == "the replica caught up"
    ]

    def at(text: str) -> datetime:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))

    assert at(entry["recorded_at"]) - at(entry["occurred_at"]) == timedelta(minutes=5)
