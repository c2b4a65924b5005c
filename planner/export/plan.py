"""The person's own plan: what a person leaving prison needs to know, in plain English.

`build_plan` gathers, from the same records as the staff summary: their release day (and
time, when recorded), where they are going, who meets them, what to take; every
appointment in date order, from the rule the staff summary uses
(:func:`planner.domain.appointments.appointments`), with whom to ring if unsure; and what
is sorted and what is still being arranged, in the template's own plain wording for each
item (`plain_done`, `plain_open`).

What it leaves out: item ids, prison numbers, gap flags and anything about risk; equality
data (sex, ethnicity, religion, sentence length) always; and health detail unless the
officer chooses to include it (`include_health`). Without it, a health appointment (GP,
treatment, mental health) is listed with its day and time only, as "A health
appointment", the place and phone left for the officer to give in person, and the
health items are left out of the "sorted" and "still being arranged" lists: the plan may
be seen by others where the person stays.

Any abbreviation the plan shows (in its own words or in what an officer typed, such as
"CAS3" in an address) is explained under "What some words mean": in plain words when
planner knows it, and otherwise named there with "ask your officer what these mean".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from planner.domain.appointments import appointments
from planner.domain.assessment import applies, done_and_met
from planner.domain.case import Case
from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.export.contacts import com_name_and_unit
from planner.export.day_one import NOBODY

HEALTH_SECTION = "health"
DAY_PLAN = "release.day_plan"
ADDRESS_ITEM = "accommodation.address"
HEALTH_APPOINTMENT = "A health appointment"
HEALTH_PLACE = "ask your officer"
CHANGE_LINE = "Appointments can change."

# Abbreviations a plan may show, and what each means, in plain words.
ABBREVIATIONS: dict[str, str] = {
    "CAS1": "approved premises: a supervised place to live run by probation",
    "CAS2": "a place to live for people on bail or home detention curfew",
    "CAS3": "a temporary place to live for up to 12 weeks, from probation",
    "CAS": "the Community Accommodation Service: places to live, from probation",
    "COM": "your community offender manager: your probation officer outside prison",
    "POM": "your prison offender manager",
    "PDU": "probation delivery unit: your local probation office",
    "DtR": "Duty to Refer: the prison tells the council you need somewhere to live",
    "UC": "Universal Credit: money to live on",
    "JCP": "Jobcentre Plus",
    "HDC": "home detention curfew: release with an electronic tag",
    "NFA": "no fixed abode: nowhere to live yet",
    "GP": "a family doctor",
    "NHS": "the National Health Service",
    "RECONNECT": "a service that helps people leaving prison with their health",
    "HMP": "His Majesty's Prison",
    "AP": "approved premises: a supervised place to live run by probation",
    "HMO": "a shared house, where each person has their own room",
    "DWP": "the Department for Work and Pensions: the office that pays benefits",
    "ESA": "Employment and Support Allowance: money when illness or disability limits work",
    "PIP": "Personal Independence Payment: money to help with a long illness or disability",
}
# Short words everyone reads: not treated as abbreviations to explain.
PLAIN_CAPITALS = frozenset({"ID", "OK", "UK", "TV", "PDF"})
UNEXPLAINED = "ask your officer what these mean"
_WORD = re.compile(r"[A-Za-z0-9]+")
_ABBREVIATION = re.compile(r"[A-Z][A-Za-z]*[A-Z][A-Za-z]*")


@dataclass(frozen=True, slots=True)
class PlanAppointment:
    when: str  # "Tuesday 12 January 2027 at 10:30"
    what: str
    place: str
    phone: str


@dataclass(frozen=True, slots=True)
class PersonPlan:
    """The plan's content, every part as the person will read it."""

    name: str
    made_on: date
    release: str  # "Wednesday 16 December 2026, at about 08:30", or that it is not known
    going_to: str
    met_by: str
    to_take: list[str]
    appointments: list[PlanAppointment]
    check_line: str
    sorted_items: list[str]
    arranging: list[str]
    include_health: bool
    words: list[tuple[str, str]] = field(default_factory=list)

    def texts(self) -> list[str]:
        """Every text the plan draws (the headings are the PDF's own)."""
        out = [self.name, self.release, self.going_to, self.met_by, self.check_line]
        out += self.to_take + self.sorted_items + self.arranging
        for a in self.appointments:
            out += [a.when, a.what, a.place, a.phone]
        for word, meaning in self.words:
            out += [word, meaning]
        return out


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _long_day(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def build_plan(case: Case, template: Template, *, today: date, include_health: bool) -> PersonPlan:
    """The person's own plan for one case, as of `today`."""
    person = case.person
    day_plan = case.checklist.item(DAY_PLAN).evidence if template.has_item(DAY_PLAN) else {}
    release = "We do not know your release date yet. Your officer will tell you."
    if person.release_date is not None:
        release = _long_day(person.release_date)
        if time := _text(day_plan.get("release_time")):
            release = f"{release}, at about {time}"
    address = ""
    if template.has_item(ADDRESS_ITEM):
        address = _text(case.checklist.item(ADDRESS_ITEM).evidence.get("address"))
    going_to = address or "We are still finding you somewhere to live. Your officer will tell you."
    met = _text(day_plan.get("met_by"))
    if not met:
        met_by = "We have not yet written down who will meet you."
    elif NOBODY.match(met):
        met_by = "Nobody is meeting you. Your officer will tell you how to get where you are going."
    else:
        met_by = f"{met} will meet you."
    typed = _text(day_plan.get("to_take"))
    to_take = [typed] if typed else []
    if "this plan" not in typed.lower():
        to_take.append("This plan.")
    listed = []
    for found in appointments(case, template):
        booked = found.appointment
        if booked.day < today:
            continue  # gone by: the plan lists what is still to come
        if found.health and not include_health:
            listed.append(
                PlanAppointment(booked.when_words(), HEALTH_APPOINTMENT, HEALTH_PLACE, "")
            )
        else:
            listed.append(
                PlanAppointment(booked.when_words(), found.label, booked.place, booked.phone)
            )
    sorted_items, arranging = _progress(case, template, include_health)
    plan = PersonPlan(
        name=person.display_name,
        made_on=today,
        release=release,
        going_to=going_to,
        met_by=met_by,
        to_take=to_take,
        appointments=listed,
        check_line=_check_line(case),
        sorted_items=sorted_items,
        arranging=arranging,
        include_health=include_health,
    )
    return replace(plan, words=explained_words(plan.texts()))


def _check_line(case: Case) -> str:
    """Whom to ring about an appointment: the probation officer recorded, else in general."""
    name, _unit = com_name_and_unit(case)
    phone = case.person.community_offender_manager.phone.strip()
    if name and phone:
        who = f"ring {name}, your probation officer, on {phone}"
    elif phone:
        who = f"ring your probation officer on {phone}"
    elif name:
        who = f"ask {name}, your probation officer"
    else:
        who = "ring the place on the appointment, or ask your probation officer"
    return f"{CHANGE_LINE} If you are not sure, {who}, to check."


def _progress(case: Case, template: Template, include_health: bool) -> tuple[list[str], list[str]]:
    done: list[str] = []
    still: list[str] = []
    for item in template.items:
        if item.section == HEALTH_SECTION and not include_health:
            continue
        record = case.checklist.item(item.id)
        if record.status in (ItemStatus.NOT_REQUIRED, ItemStatus.DECLINED):
            continue
        if not applies(item, case):
            continue
        if done_and_met(item, record):
            if item.plain_done:
                done.append(item.plain_done)
        elif item.plain_open:
            still.append(item.plain_open)
    return done, still


def explained_words(texts: list[str]) -> list[tuple[str, str]]:
    """The abbreviations found in `texts` (as whole words), with their meanings, in the
    order of :data:`ABBREVIATIONS`; then, as one more line, any other word of capitals
    (an officer may type 'MAPPA' or 'NPS' in a place) named with "ask your officer"."""
    found = {word for text in texts for word in _WORD.findall(text)}
    known = [(word, meaning) for word, meaning in ABBREVIATIONS.items() if word in found]
    others = sorted(
        word
        for word in found
        if _ABBREVIATION.fullmatch(word)
        and word not in ABBREVIATIONS
        and word not in PLAIN_CAPITALS
    )
    if others:
        known.append((", ".join(others), UNEXPLAINED))
    return known
