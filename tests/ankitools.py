"""Driving the real Anki backend (PyPI ``anki``): import packages, review cards."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.scheduler.v3 import CardAnswer

# What Anki shows instead of a card when its template is broken.
TEMPLATE_ERRORS = ("template has a problem", "The front of this card is blank",
                   "templates/errors.html")


@dataclass(frozen=True)
class ImportCounts:
    new: int
    updated: int
    duplicate: int
    conflicting: int


def fresh_collection(folder: Path) -> Collection:
    folder.mkdir(parents=True, exist_ok=True)
    return Collection(str(folder / "collection.anki2"))


def import_apkg(col: Collection, apkg: Path) -> ImportCounts:
    """Import with Anki's default options, as the desktop app does."""
    request = ImportAnkiPackageRequest(package_path=str(apkg),
                                       options=ImportAnkiPackageOptions())
    log = col.import_anki_package(request).log
    return ImportCounts(len(log.new), len(log.updated), len(log.duplicate), len(log.conflicting))


def note_ids_by_guid(col: Collection) -> dict[str, int]:
    return {guid: nid for nid, guid in col.db.all("select id, guid from notes")}


def review_all(col: Collection) -> int:
    """Answer every card once ("good"), as a learner would in one long session."""
    for did in col.decks.all_names_and_ids():
        config = col.decks.config_dict_for_deck_id(did.id)
        config["new"]["perDay"] = 9999
        config["rev"]["perDay"] = 9999
        col.decks.update_config(config)
    root = min(col.decks.all_names_and_ids(skip_empty_default=True), key=lambda d: len(d.name))
    col.decks.select(root.id)
    answered = 0
    while queued := col.sched.get_queued_cards(fetch_limit=1).cards:
        card = col.get_card(queued[0].card.id)
        if col.db.scalar("select count() from revlog where cid=?", card.id):
            break  # a learning step came round again: every card has been answered once
        card.start_timer()
        col.sched.answer_card(col.sched.build_answer(card=card, states=queued[0].states,
                                                     rating=CardAnswer.GOOD))
        answered += 1
    return answered


def review_counts(col: Collection) -> dict[int, int]:
    """Note id → number of review log entries of its cards."""
    return dict(col.db.all(
        "select c.nid, count(r.id) from cards c left join revlog r on r.cid = c.id "
        "group by c.nid"))
