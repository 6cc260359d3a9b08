"""Hooks: configured commands run after an event is durable, with its JSON on stdin, in the
background, with a timeout; a failing hook is reported once and never blocks or loses a write."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from ic_console.content.phrasebook import shipped_phrasebook
from ic_console.domain.clock import FakeClock
from ic_console.domain.commands import AddLogEntry, AssignTask, Declare
from ic_console.live.hooks import (
    HOOKS_LOG,
    Hook,
    HookRunner,
    HookSettings,
    HooksLog,
    Job,
    run_job,
    spawn_detached,
)
from ic_console.live.incident import LiveIncident, LiveSettings
from ic_console.store.incident import IncidentStore

from .conftest import START, Ic, ok, wait_for


def _lines(path: Path) -> list[dict[str, object]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_jobs_follow_the_event_type_or_star_in_log_order(tmp_path: Path) -> None:
    store = IncidentStore.create(
        tmp_path, Declare(incident_id="inc-1", title="Checkout", severity=2), actor="Alex"
    )
    events = store.execute(AddLogEntry(text="hello"))
    settings = HookSettings(
        tmp_path,
        (Hook("*", "cat"), Hook("log.added", ("echo", "x")), Hook("task.done", "false")),
    )
    jobs = settings.jobs("inc-1", events)
    assert [job.argv for job in jobs] == [("/bin/sh", "-c", "cat"), ("echo", "x")]
    body = json.loads(jobs[0].stdin)
    assert body["incident"] == "inc-1" and body["data"]["text"] == "hello"
    assert dict(jobs[0].env)["IC_EVENT_TYPE"] == "log.added"


def test_run_job_reports_failure_and_timeout(tmp_path: Path) -> None:
    out = tmp_path / "got.json"
    assert run_job(Job(("/bin/sh", "-c", f"cat > {out}"), '{"a": 1}\n', "hook"), 5) is None
    assert json.loads(out.read_text()) == {"a": 1}
    failed = run_job(Job(("/bin/sh", "-c", "echo broken >&2; exit 3"), "", "hook x"), 5)
    assert failed == "hook x failed with exit status 3: broken"
    started = time.monotonic()
    slow = run_job(Job(("sleep", "30"), "", "hook y"), 0.5)
    assert slow == "hook y was stopped after 0.5 s (hook_timeout)."
    assert time.monotonic() - started < 10
    missing = run_job(Job(("no-such-hook-program",), "", "hook z"), 5)
    assert missing is not None and "could not start" in missing


def test_ic_verbs_run_hooks_detached_and_report_failures_in_hooks_log(
    ic: Ic, config: Callable[[str], Path]
) -> None:
    seen = ic.tmp / "seen.jsonl"
    config(
        'hook_timeout = "2s"\n[hooks]\n'
        f'"*" = "cat >> {seen}"\n'
        '"log.added" = ["/bin/sh", "-c", "echo no chat server >&2; exit 7"]\n'
    )
    incident_id = ok(ic("new", "Checkout errors")).out.strip()
    started = time.monotonic()
    result = ok(ic("log", "checked the dashboards"))
    assert time.monotonic() - started < 5  # the verb does not wait for its hooks
    assert result.out.startswith("Logged note")
    assert wait_for(lambda: any(r["data"]["type"] == "log.added" for r in _lines(seen)))
    assert wait_for(lambda: len(_lines(seen)) == 3)  # declared, joined, logged
    records = _lines(seen)
    assert sorted(r["seq"] for r in records) == [1, 2, 3]
    assert {r["incident"] for r in records} == {incident_id}
    log = ic.home / HOOKS_LOG
    assert wait_for(lambda: log.exists() and "exit status 7" in log.read_text())
    assert "no chat server" in log.read_text()
    # The write was never lost or blocked by the failing hook.
    assert ic.store(incident_id).state.log[-1].text == "checked the dashboards"


def test_a_hook_that_hangs_is_stopped_and_never_blocks_the_verb(
    ic: Ic, config: Callable[[str], Path]
) -> None:
    config('hook_timeout = "1s"\n[hooks]\n"log.added" = "sleep 60"\n')
    ok(ic("new", "Checkout errors"))
    started = time.monotonic()
    ok(ic("log", "one"))
    ok(ic("log", "two"))
    assert time.monotonic() - started < 5
    log = ic.home / HOOKS_LOG
    assert wait_for(lambda: log.exists() and log.read_text().count("stopped after 1 s") == 2)


def test_the_console_runs_hooks_and_reports_a_failing_hook_once(
    tmp_path: Path, config: Callable[[str], Path]
) -> None:
    seen = tmp_path / "seen.jsonl"
    config(f'[hooks]\n"log.added" = "cat >> {seen}"\n"task.assigned" = "exit 9"\n')
    home = tmp_path / "home"
    clock = FakeClock(START)
    IncidentStore.create(
        home,
        Declare(incident_id="inc-1", title="Checkout", severity=2),
        actor="Alex",
        clock=clock,
    )
    settings = LiveSettings(actor="Alex", clock=clock)
    live = LiveIncident.open(home, "inc-1", settings, shipped_phrasebook())
    try:
        assert live.hooks is not None
        assert live.execute(AddLogEntry(text="first")).ok
        assert wait_for(lambda: len(_lines(seen)) == 1)
        assert _lines(seen)[0]["data"]["text"] == "first"
        for text in ("look at the replica", "page the database team"):
            outcome = live.execute(AssignTask(owner="Sam", text=text, timebox=timedelta(minutes=5)))
            assert outcome.ok
        reported: list[str] = []
        assert wait_for(
            lambda: bool(reported.extend(n.message for n in live.poll().notices) or reported)
        )
        time.sleep(0.5)
        reported += [n.message for n in live.poll().notices]
        assert len(reported) == 1 and "exit status 9" in reported[0]
    finally:
        live.close()


def test_hooks_log_gives_each_line_appended_after_it_opened_once(tmp_path: Path) -> None:
    path = tmp_path / HOOKS_LOG
    path.write_text("2026-11-23T13:00:00Z hook for * (old) failed with exit status 1.\n")
    log = HooksLog(path)
    assert log.new_lines() == []  # what was there before the console opened is old news
    with path.open("a") as handle:
        handle.write("2026-11-23T14:00:00Z hook for * (a) failed with exit status 2.\n")
        handle.write("2026-11-23T14:00:00Z hook for * (b) was sto")  # cut mid-line
    assert log.new_lines() == ["hook for * (a) failed with exit status 2."]
    assert log.new_lines() == []
    with path.open("a") as handle:
        handle.write("pped after 1 s (hook_timeout).\n")
    assert log.new_lines() == ["hook for * (b) was stopped after 1 s (hook_timeout)."]
    path.write_text("2026-11-23T15:00:00Z hooks could not start: No space left on device.\n")
    assert log.new_lines() == ["hooks could not start: No space left on device."]  # replaced
    path.unlink()
    assert log.new_lines() == []
    path.write_text("2026-11-23T16:00:00Z hook for * (c) failed with exit status 3.\n")
    assert log.new_lines() == ["hook for * (c) failed with exit status 3."]


def test_an_open_console_reports_the_verbs_hook_failures_once(
    ic: Ic, config: Callable[[str], Path]
) -> None:
    """`ic log` in another terminal runs its hooks detached; they fail into hooks.log, and the
    open console's poll says so once per hook, however often it fails again."""
    config(
        '[hooks]\n"log.added" = ["/bin/sh", "-c", "echo no chat server >&2; exit 7"]\n'
        '"task.assigned" = "exit 9"\n'
    )
    log = ic.home / HOOKS_LOG
    incident_id = ok(ic("new", "Checkout errors")).out.strip()
    log.write_text("2026-11-23T13:00:00Z hook for log.added (old) failed with exit status 1.\n")
    live = LiveIncident.open(
        ic.home,
        incident_id,
        LiveSettings(actor="Alex", clock=FakeClock(START)),
        shipped_phrasebook(),
    )
    try:
        assert live.poll().notices == []
        ok(ic("log", "checked the dashboards"))
        assert wait_for(lambda: "exit status 7" in log.read_text())
        (notice,) = live.poll().notices
        assert notice.message.startswith(
            "hook for log.added (/bin/sh -c echo no chat server >&2; exit 7) failed with "
            "exit status 7: no chat server (from an `ic` command; see "
        )
        assert str(log) in notice.message and "(old)" not in notice.message
        assert live.poll().notices == []  # once
        with log.open("a") as other:  # another incident's console-less verb, same data folder
            other.write(
                "2026-11-23T14:00:00Z [inc-other] hook for * (x) failed with exit status 4.\n"
            )
        assert live.poll().notices == []
        ok(ic("log", "and again"))  # the same hook fails again: already reported
        ok(ic("task", "assign", "Sam", "look at the replica", "--in", "5m"))
        assert wait_for(lambda: "exit status 9" in log.read_text())
        assert wait_for(lambda: log.read_text().count("exit status 7") == 2)
        reported = [n.message for n in live.poll().notices]
        assert len(reported) == 1 and "exit status 9" in reported[0]
        assert live.poll().notices == []
    finally:
        live.close()


def test_jobs_left_when_the_console_closes_still_run(tmp_path: Path) -> None:
    out = tmp_path / "late.txt"
    settings = HookSettings(tmp_path, (Hook("*", f"cat >> {out}"),))
    runner = HookRunner(settings)
    runner._queue.put([Job(("/bin/sh", "-c", f"cat >> {out}"), "late\n", "hook")])
    runner.close()
    assert wait_for(lambda: out.exists() and out.read_text() == "late\n")


def test_status_page_job_follows_external_updates_only(tmp_path: Path) -> None:
    from ic_console.domain.commands import PostUpdate
    from ic_console.domain.model import Audience

    store = IncidentStore.create(
        tmp_path, Declare(incident_id="inc-1", title="Checkout", severity=2), actor="Alex"
    )
    settings = HookSettings(tmp_path, (), status_dir=tmp_path / "site")
    internal = store.execute(PostUpdate(audience=Audience.INTERNAL, text="execs told"))
    external = store.execute(PostUpdate(audience=Audience.EXTERNAL, text="we are on it"))
    assert settings.jobs("inc-1", internal) == []
    (job,) = settings.jobs("inc-1", external)
    assert job.argv[-5:] == ("status", "inc-1", "-o", str(tmp_path / "site"), "--quiet")
    assert job.argv[job.argv.index("--home") + 1] == str(tmp_path)


def test_hooks_log_names_the_incident_and_a_console_reports_only_its_own(tmp_path: Path) -> None:
    """One data folder, two incidents: a console hears of its own incident's failing hooks (and
    of lines naming none, such as an older version's), never of the other incident's."""
    path = tmp_path / HOOKS_LOG
    path.write_text("")
    log = HooksLog(path, "inc-a")
    with path.open("a") as handle:
        handle.write("2026-11-23T14:00:00Z [inc-b] hook for * (b) failed with exit status 2.\n")
        handle.write("2026-11-23T14:00:00Z [inc-a] hook for * (a) failed with exit status 3.\n")
        handle.write("2026-11-23T14:00:00Z hook for * (old) failed with exit status 4.\n")
    assert log.new_lines() == [
        "hook for * (a) failed with exit status 3.",
        "hook for * (old) failed with exit status 4.",
    ]
    everything = HooksLog(path)
    path.write_text("2026-11-23T15:00:00Z [inc-b] hook for * (b) failed with exit status 2.\n")
    assert everything.new_lines() == ["hook for * (b) failed with exit status 2."]


def test_the_detached_runner_writes_the_incident_of_each_failure(tmp_path: Path) -> None:
    settings = HookSettings(tmp_path, (Hook("*", "exit 5"),))
    store = IncidentStore.create(
        tmp_path, Declare(incident_id="inc-9", title="Checkout", severity=2), actor="Alex"
    )
    (job,) = settings.jobs("inc-9", store.execute(AddLogEntry(text="checked")))
    assert job.incident == "inc-9" and Job.from_json(job.as_json()) == job
    spawn_detached(settings, [job], "inc-9")
    log = tmp_path / HOOKS_LOG
    assert wait_for(lambda: log.exists() and "exit status 5" in log.read_text())
    assert " [inc-9] hook for * (exit 5) failed with exit status 5." in log.read_text()
