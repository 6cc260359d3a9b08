"""`ic team lead`, `ic exit drop`, and handing command to someone in a team (issue 15)."""

from __future__ import annotations

from .conftest import Run, ok, refused


def _bravo(ic: Run) -> str:
    incident = ok(ic("new", "Replica down")).out.strip()
    ok(ic("role", "ic", "Alex"))
    ok(ic("team", "form", "Bravo", "--lead", "Nina", "--member", "Sam", "--goal", "replica"))
    return incident


def test_team_lead_names_the_new_lead_and_the_sentence(ic: Run) -> None:
    _bravo(ic)
    out = ok(ic("team", "lead", "bravo", "Sam")).out.strip()
    assert out.startswith("Sam now leads team Bravo; Nina stays in the team.")
    assert 'Say: "Sam, you now lead team Bravo. Your goal: replica.' in out
    team = ok(ic("show", "--json")).json()["teams"][0]  # type: ignore[index]
    assert (team["lead"], team["members"]) == ("Sam", ["Sam", "Nina"])
    refused(ic("team", "lead", "Bravo", "Sam"), "Sam already leads team Bravo")
    refused(ic("team", "lead", "Bravo"), "ic team [ID] lead TEAM PERSON")
    refused(ic("team", "lead", "Echo", "Sam"), 'There is no team "Echo"')


def test_handover_to_a_lead_is_refused_with_the_way_forward(ic: Run) -> None:
    _bravo(ic)
    line = refused(ic("handover", "Nina"), "Nina leads team Bravo", "ic team lead Bravo PERSON")
    assert "Who will lead Bravo while Nina takes command?" in line
    refused(ic("handover", "Nina", "--acknowledged"), "Nina leads team Bravo")
    assert ok(ic("show", "--json")).json()["ic"] == "Alex"  # type: ignore[index]
    ok(ic("team", "lead", "Bravo", "Sam"))
    out = ok(ic("handover", "Nina")).out
    assert "Nina is now the Incident Commander" in out
    assert "Nina left team Bravo: the Incident Commander directs the teams and is in none." in out
    shown = ok(ic("show", "--json")).json()
    assert shown["ic"] == "Nina"  # type: ignore[index]
    assert shown["teams"][0]["members"] == ["Sam"]  # type: ignore[index]


def test_exit_drop_strikes_a_criterion_and_the_review_shows_it(ic: Run) -> None:
    incident = ok(ic("new", "Replica down")).out.strip()
    ok(ic("role", "ic", "Alex"))
    ok(ic("exit", "add", "errors below 1%"))
    ok(ic("exit", "add", "queue drained"))
    out = ok(ic("exit", "drop", "1")).out
    assert out == "Exit criterion 1 dropped: errors below 1%.\nNow exit 0/1 met.\n"
    refused(ic("exit", "met", "1"), "There is no exit criterion 1 (it was dropped)")
    refused(ic("exit", "drop", "9"), "There is no exit criterion 9")
    refused(ic("exit", "drop"), "ic exit [ID] drop N")
    shown = ok(ic("show", "--json")).json()
    assert [x["number"] for x in shown["exit_criteria"]] == [2]  # type: ignore[index]
    ok(ic("exit", "met", "2"))
    ok(ic("resolve", "--keep-open"))
    draft = ok(ic("postmortem", incident)).out
    assert "**Dropped:** 1. errors below 1%" in draft
    assert "**Met:** 2. queue drained" in draft
    assert "Exit criterion 1 dropped: errors below 1%" in draft  # the timeline
