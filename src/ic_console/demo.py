"""A realistic demo incident, built through the real domain commands on a scripted timeline.

About an hour and forty minutes of a SEV-1 are replayed with a `FakeClock`, so the demo has a
history: people joined and were released, roles changed hands, tasks ran over, a decision drew an
objection, and forty scribe entries were written. The timeline ends at `end` (now, by default),
so the countdowns are live when the console opens on it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from ic_console.domain import commands as cmd
from ic_console.domain.model import Audience, LogKind, Phase, Role
from ic_console.synthetic import ScriptedIncident

DEMO_ID = "demo-checkout-eu"
DEMO_TITLE = "Checkout errors for EU card payments"
#: How long before `end` the demo incident was declared.
DEMO_LENGTH = timedelta(minutes=100)

IC = "Alex"
DEPUTY = "Priya"
SCRIBE = "Sam"
DB = "Jordan"
PAYMENTS = "Mei"
INTERNAL = "Chris"
CUSTOMER = "Dana"
RELEASE = "Riley"
NETWORK = "Kai"

NOTE, ACTION, STATUS, FOLLOWUP = LogKind.NOTE, LogKind.ACTION, LogKind.STATUS, LogKind.FOLLOWUP

#: The scribe's forty entries: (minute, author, kind, text, happened this many minutes earlier).
ENTRIES: tuple[tuple[float, str, LogKind, str, int], ...] = (
    (0.5, SCRIBE, NOTE, "Alert: checkout 5xx above 5% in eu-west for 5 minutes", 6),
    (1, IC, STATUS, "Card payments failing for EU shoppers; US and APAC look normal", 0),
    (2, SCRIBE, NOTE, "Support reports a spike in 'payment declined' tickets from Germany", 0),
    (4, DB, NOTE, "Primary database healthy; replication lag under 1 s", 0),
    (5, PAYMENTS, NOTE, "Payment provider dashboard shows no incident on their side", 0),
    (7, IC, ACTION, "Paged the payments on-call and the checkout-api owner", 0),
    (9, SCRIBE, NOTE, "Error rate now 18% of EU checkout requests", 0),
    (11, IC, STATUS, "Treating as SEV-1: one in five EU card payments fails", 0),
    (13, PAYMENTS, NOTE, "Failures are all 3-D Secure challenges; non-3DS cards succeed", 0),
    (15, DB, STATUS, "Database ruled out: no slow queries, pool at 40%", 0),
    (
        17,
        SCRIBE,
        NOTE,
        "Deploy 4411 of checkout-api went out at 13:41, 10 minutes before the alert",
        0,
    ),
    (19, PAYMENTS, NOTE, "4411 changed the 3DS callback URL builder", 0),
    (22, IC, NOTE, "Hypothesis: 4411 builds a wrong callback URL for EU locales", 0),
    (24, CUSTOMER, NOTE, "Status page draft ready: 'Some card payments in Europe may fail'", 0),
    (27, RELEASE, ACTION, "Started rollback of checkout-api to 4410", 0),
    (31, RELEASE, STATUS, "Rollback complete on 12 of 12 hosts", 0),
    (34, SCRIBE, NOTE, "Error rate down to 9% but not to baseline", 0),
    (
        37,
        PAYMENTS,
        NOTE,
        "Cached callback URLs in the session store still point at the bad path",
        2,
    ),
    (40, IC, FOLLOWUP, "Add a canary check for the 3DS callback before full rollout", 0),
    (43, DB, ACTION, "Flushed 3DS session keys for EU shoppers", 0),
    (46, SCRIBE, NOTE, "Error rate 4%; remaining failures are from one acquiring bank", 0),
    (49, PAYMENTS, NOTE, "Acquirer returns timeouts for 3DS v2 on cards from two issuers", 0),
    (52, INTERNAL, NOTE, "VP Commerce asked for an ETA; told next update at 14:55", 0),
    (55, IC, STATUS, "Two causes: bad deploy (fixed) and acquirer timeouts (open)", 0),
    (58, SCRIBE, NOTE, "Finance asks for a list of affected merchants", 0),
    (60, CUSTOMER, ACTION, "Posted the scoping update on the status page", 0),
    (63, DB, NOTE, "Connection pool on checkout-api climbing: 70% and rising", 0),
    (66, IC, FOLLOWUP, "Alert on 3DS failure rate per acquirer, not only overall 5xx", 0),
    (69, PAYMENTS, NOTE, "Acquirer confirms a partial outage of their 3DS servers", 0),
    (72, SCRIBE, NOTE, "Retries from the checkout page may be adding load", 0),
    (75, IC, ACTION, "Asked the acquirer for an ETA through the partner channel", 0),
    (78, NETWORK, NOTE, "Packet loss of 2% on the link to the acquirer from eu-west-1b", 0),
    (81, PAYMENTS, NOTE, "Acquirer ETA: 30 to 45 minutes", 0),
    (84, INTERNAL, ACTION, "Executive summary sent to the leadership channel", 0),
    (86, SCRIBE, NOTE, "Error rate steady at 3.5%", 0),
    (89, DB, NOTE, "Pool at 85%; retries are the main source of new connections", 0),
    (91, IC, FOLLOWUP, "Review client retry policy: exponential backoff with jitter", 0),
    (94, NETWORK, STATUS, "Packet loss gone after moving traffic off eu-west-1b", 0),
    (96, SCRIBE, NOTE, "Morgan (VP) joined the bridge asking for a root cause", 0),
    (98, PAYMENTS, NOTE, "Still seeing 3DS timeouts from the acquirer", 0),
)


def _m(minutes: float) -> timedelta:
    return timedelta(minutes=minutes)


_INTERNAL_1 = (
    "SEV-1: about one in five card payments in Europe fails at checkout since 13:52 UTC. "
    "Payments and database engineers are investigating. Next update in 20 minutes."
)
_EXTERNAL_1 = (
    "Some card payments in Europe may fail at checkout. We are investigating and will post "
    "another update within 20 minutes."
)
_INTERNAL_2 = (
    "A checkout-api deploy is the likely cause and has been rolled back; errors fell from 18% "
    "to 9%. Still investigating the rest. Next update in 20 minutes."
)
_INTERNAL_3 = (
    "Errors at 4%, now from one acquiring bank timing out on 3-D Secure. Raised with the "
    "acquirer. Next update in 20 minutes."
)
_EXTERNAL_2 = (
    "Most card payments in Europe are working again. A small number still fail; we are working "
    "with our payment partner on a fix. Next update within 20 minutes."
)
_INTERNAL_4 = (
    "Acquirer confirms a partial outage of their 3-D Secure servers, ETA 30 to 45 minutes. "
    "3.5% of EU card payments still fail. Next update in 20 minutes."
)


#: The commands of the incident besides the scribe's entries: (minute, command, who ran it).
SCRIPT: tuple[tuple[float, cmd.Command, str], ...] = (
    (0.2, cmd.AssignRole(role=Role.IC, name=IC), IC),
    (0.3, cmd.ChangePhase(phase=Phase.MOBILIZE), IC),
    (1.5, cmd.AssignRole(role=Role.DEPUTY, name=DEPUTY), IC),
    (1.6, cmd.AssignRole(role=Role.SCRIBE, name=SCRIBE), IC),
    (3, cmd.AssignRole(role=Role.SME, name=DB), IC),
    (3.2, cmd.AssignTask(owner=DB, text="check the primary database", timebox=_m(10)), IC),
    (3.4, cmd.AcknowledgeTask(number=1), DB),
    (4.5, cmd.AssignRole(role=Role.SME, name=PAYMENTS), IC),
    (
        4.7,
        cmd.AssignTask(owner=PAYMENTS, text="look at 3DS error codes", timebox=_m(10)),
        IC,
    ),
    (4.8, cmd.AcknowledgeTask(number=2), PAYMENTS),
    (10.5, cmd.ChangeSeverity(severity=1), IC),
    (10.7, cmd.AssignRole(role=Role.INTERNAL_LIAISON, name=INTERNAL), IC),
    (10.8, cmd.AssignRole(role=Role.CUSTOMER_LIAISON, name=CUSTOMER), IC),
    (12, cmd.ChangePhase(phase=Phase.DIAGNOSE), IC),
    (12.5, cmd.PostUpdate(audience=Audience.INTERNAL, text=_INTERNAL_1), INTERNAL),
    (14, cmd.PostUpdate(audience=Audience.EXTERNAL, text=_EXTERNAL_1), CUSTOMER),
    (15.5, cmd.CompleteTask(number=1), IC),
    (15.7, cmd.ExtendTask(number=2, timebox=_m(10)), IC),
    (23, cmd.ProposeDecision(text="Roll back checkout-api deploy 4411 to 4410"), IC),
    (25, cmd.AcceptDecision(number=1), IC),
    (25.5, cmd.Join(name=RELEASE), IC),
    (25.7, cmd.AssignTask(owner=RELEASE, text="roll back deploy 4411", timebox=_m(10)), IC),
    (25.8, cmd.AcknowledgeTask(number=3), RELEASE),
    (26, cmd.CompleteTask(number=2), IC),
    (32, cmd.CompleteTask(number=3), IC),
    (33, cmd.PostUpdate(audience=Audience.INTERNAL, text=_INTERNAL_2), INTERNAL),
    (38, cmd.AssignTask(owner=DB, text="flush 3DS session keys for EU", timebox=_m(5)), IC),
    (38.2, cmd.AcknowledgeTask(number=4), DB),
    (44, cmd.CompleteTask(number=4), IC),
    (45, cmd.Release(name=RELEASE), IC),
    (53, cmd.PostUpdate(audience=Audience.INTERNAL, text=_INTERNAL_3), INTERNAL),
    (60, cmd.PostUpdate(audience=Audience.EXTERNAL, text=_EXTERNAL_2), CUSTOMER),
    (
        74,
        cmd.AssignTask(
            owner=NETWORK, text="check the network path to the acquirer", timebox=_m(15)
        ),
        IC,
    ),
    (74.2, cmd.AcknowledgeTask(number=5), NETWORK),
    (74.5, cmd.AssignRole(role=Role.SME, name=NETWORK), IC),
    (
        85,
        cmd.AssignTask(
            owner=DB,
            text="find what is filling the checkout-api connection pool",
            timebox=_m(10),
        ),
        IC,
    ),
    (85.3, cmd.AcknowledgeTask(number=6), DB),
    (86, cmd.PostUpdate(audience=Audience.INTERNAL, text=_INTERNAL_4), INTERNAL),
    (
        88,
        cmd.AssignTask(owner=PAYMENTS, text="get a firm ETA from the acquirer", timebox=_m(15)),
        IC,
    ),
    (88.2, cmd.AcknowledgeTask(number=7), PAYMENTS),
    (
        92,
        cmd.ProposeDecision(text="Turn off 3DS retries on the checkout page for one hour"),
        IC,
    ),
    (
        93,
        cmd.RaiseObjection(
            number=2, by=CUSTOMER, text="Shoppers would see a hard failure with no retry"
        ),
        IC,
    ),
    (95, cmd.CompleteTask(number=5), IC),
    (96, cmd.Join(name="Morgan"), IC),
    (
        97,
        cmd.AssignTask(owner=DEPUTY, text="page the acquirer's account manager", timebox=_m(5)),
        IC,
    ),
    (
        98.5,
        cmd.AssignTask(
            owner=INTERNAL, text="collect the list of affected merchants", timebox=_m(20)
        ),
        IC,
    ),
)


def build_demo(home: Path, *, end: datetime | None = None) -> str:
    """Create the demo incident under `home`; returns its id. Its timeline ends at `end`."""
    finish = (end or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    start = finish - DEMO_LENGTH
    demo = ScriptedIncident.in_store(
        home,
        cmd.Declare(incident_id=DEMO_ID, title=DEMO_TITLE, severity=2),
        start=start,
        actor=IC,
    )

    events: list[tuple[float, int, cmd.Command, str]] = [
        (minute, 0, command, actor) for minute, command, actor in SCRIPT
    ]
    for minute, author, kind, text, earlier in ENTRIES:
        occurred = start + timedelta(minutes=minute - earlier) if earlier else None
        entry = cmd.AddLogEntry(text=text, kind=kind, occurred_at=occurred)
        events.append((minute, 1, entry, author))
    for minute, _order, command, actor in sorted(events, key=lambda item: (item[0], item[1])):
        if actor not in (IC,) and demo.state.find_participant(actor) is None:
            demo.at(minute, cmd.Join(name=actor), IC)
        demo.at(minute, command, actor)
    demo.clock.set(finish)
    return demo.state.incident_id
