"""Card identity: the GUID rule and the identity ledger.

A card's id is its Anki GUID and its site anchor. It must survive the edits people make to
notes for years (rewording a question, editing an answer, moving a card to another chapter,
renumbering), without writing ids into the notes. The ledger, a small tab-separated file kept
beside the notes and committed with them, remembers each card's id, a fingerprint of what was
last written to Anki, a sketch of its answer and when its content last changed.

On every build the cards are matched to the ledger, most certain first:

``exact``     same chapter and title
``moved``     same title, another chapter or file
``reworded``  same answer (a near-identical sketch), another title
``similar``   a similar title *and* a similar answer, each the other's only good match

A match must be unique on both sides, so an ambiguous match never steals another card's id.
Unmatched cards are ``new``; unmatched live entries become ``retired`` and stay in the ledger,
so a card that comes back gets its old id (and its Anki history) back.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import os
import re
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path

from .diagnostics import Diagnostic, NotegenError, error, warning
from .ir import Card, Deck
from .read import display_path

LEDGER_NAME = "notegen-ledger.tsv"
_HEADER = (
    "# notegen identity ledger: keeps each card's Anki note (and its review history) across\n"
    "# edits. Commit it with the notes. One card a line, tab-separated:\n"
    "# id\tstate\tchanged\tfingerprint\tanswer\tfile\tchapter\ttitle\n"
)
_COLUMNS = 8
_ID_RE = re.compile(r"^c[a-z2-7]{11,}$")
_CONFLICT_RE = re.compile(r"^(<{7}|={7}|>{7}|\|{7})( |$)")

# Thresholds for the fuzzy stages, checked against the seed notes by the tests: no two
# distinct seed cards come close to matching each other.
_SAME_ANSWER = 0.85  # estimated Jaccard similarity of answer trigrams
_SIMILAR_ANSWER = 0.5
_SIMILAR_TITLE = 0.6  # Dice coefficient of title character bigrams
_BINS = 32
_EMPTY = 1 << 27
_CROWDED = 32  # entries sharing one sketch band


def natural_id(key: tuple[str, str], occurrence: int = 0) -> str:
    """The id a card gets when nothing else is known about it: a hash of its chapter and
    title (and which occurrence of that pair it is). Letters and digits only, starting with a
    letter, so it serves as an Anki GUID, an HTML id and a URL fragment alike."""
    text = "\x1f".join((*key, str(occurrence)))
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "c" + base64.b32encode(digest).decode("ascii").lower()[:11]


class Match(Enum):
    EXACT = "exact"
    MOVED = "moved"
    REWORDED = "reworded"
    SIMILAR = "similar"
    NEW = "new"


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    changed: int
    """When the card's content last changed, seconds since the epoch (UTC)."""
    fingerprint: str
    """Of the note as last written to Anki ("" when none was written)."""
    answer: str
    """Similarity sketch of the answer (see ``sketch``)."""
    file: str
    """Note file, relative to the notes folder: for whoever reads the ledger (matching goes by
    chapter, title and answer, so a card moved to another file keeps its id)."""
    chapter: str
    title: str
    retired: bool = False


@dataclass(frozen=True, slots=True)
class Identified:
    """The outcome of matching a deck against the ledger."""

    deck: Deck
    matches: Mapping[str, Match]
    """Card id → how it was matched."""
    retired: tuple[Entry, ...]
    """Entries whose cards are gone from the notes (now or earlier)."""
    newly_retired: tuple[Entry, ...]
    sketches: Mapping[str, str]
    """Card id → sketch of its answer, as matching computed it."""


@dataclass(frozen=True)
class Ledger:
    path: Path
    entries: tuple[Entry, ...] = ()
    existed: bool = False

    @functools.cached_property
    def by_id(self) -> dict[str, Entry]:
        return {e.id: e for e in self.entries}

    @classmethod
    def load(cls, path: Path) -> Ledger:
        """Read the ledger; a missing one is an empty ledger, a damaged one an error."""
        if not path.is_file():
            return cls(path)
        shown = display_path(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise NotegenError(error(shown, f"cannot read the ledger: {exc}")) from None
        entries: list[Entry] = []
        problems: list[Diagnostic] = []
        seen: set[str] = set()
        for no, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            entry, problem = _parse_entry(line)
            if problem is None and entry is not None and entry.id in seen:
                problem = f"id {entry.id} appears twice; keep one of the two lines"
            if problem is not None:
                problems.append(error(shown, problem, no, 1))
            elif entry is not None:
                seen.add(entry.id)
                entries.append(entry)
        if problems:
            raise NotegenError(*problems)
        return cls(path, tuple(entries), existed=True)

    def identify(self, deck: Deck) -> Identified:
        """Give each card of the deck its id from the ledger, or a new one."""
        cards = deck.cards
        facts = [_Facts.of(card) for card in cards]
        assigned: dict[int, tuple[Entry, Match]] = {}
        # Cards still in the notes first: a retired entry must never make a live card's
        # match ambiguous. Retired entries then take back cards that returned.
        live = [e for e in self.entries if not e.retired]
        retired = [e for e in self.entries if e.retired]
        for pool in (live, retired):
            for stage, match in _STAGES:
                used = {entry.id for entry, _ in assigned.values()}
                free = [e for e in pool if e.id not in used]
                todo = [i for i in range(len(cards)) if i not in assigned]
                for i, entry in stage(todo, facts, free).items():
                    assigned[i] = (entry, match)
        taken = {entry.id for entry in self.entries}
        ids: dict[int, str] = {}
        matches: dict[str, Match] = {}
        for i, card in enumerate(cards):
            if i in assigned:
                entry, match = assigned[i]
                ids[i] = entry.id
            else:
                ids[i] = _fresh_id(card, taken)
                match = Match.NEW
            taken.add(ids[i])
            matches[ids[i]] = match
        used = {ids[i] for i in assigned}
        gone = tuple(e for e in self.entries if e.id not in used)
        newly = tuple(e for e in gone if not e.retired)
        sketches = {ids[i]: f.sketch for i, f in enumerate(facts)}
        return Identified(_renumbered(deck, ids), matches, gone, newly, sketches)

    def last_changed(self, card_id: str, fingerprint: str, now: int) -> int:
        """When the note with this id last changed, given its fingerprint now."""
        entry = self.by_id.get(card_id)
        return entry.changed if entry is not None and entry.fingerprint == fingerprint else now

    def updated(self, identified: Identified, notes_root: Path,
                fingerprints: Mapping[str, str], now: int) -> Ledger:
        """The ledger to save after a build: live cards in note order, then retired ones. A
        card with no note written (an empty answer) keeps what the ledger knew of it."""
        live = []
        for card in identified.deck.cards:
            old = self.by_id.get(card.id)
            fingerprint = fingerprints.get(card.id, old.fingerprint if old else "")
            live.append(Entry(card.id, self.last_changed(card.id, fingerprint, now),
                              fingerprint, identified.sketches[card.id],
                              _relative(card.source.path, notes_root), card.chapter, card.title))
        retired = sorted(
            (replace(e, retired=True) for e in identified.retired), key=lambda e: e.id)
        return Ledger(self.path, (*live, *retired), existed=True)

    def save(self) -> None:
        """Write atomically: a crash never leaves half a ledger."""
        os.replace(self.write_pending(), self.path)

    def write_pending(self) -> Path:
        """Write the ledger beside its place, to be moved there once the build is out."""
        lines = [_HEADER.rstrip("\n")]
        lines.extend(_format_entry(e) for e in self.entries)
        pending = self.path.with_name(self.path.name + ".new")
        pending.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return pending


def missing_ledger_warning(path: Path, earlier_deck: Path) -> Diagnostic:
    """Said when a deck was built before without this ledger: only then can Anki hold notes
    whose identity the ledger would have kept."""
    return warning(
        display_path(path),
        f"no identity ledger was found, so a new one was started. If {display_path(earlier_deck)} "
        "(built earlier) is in Anki, cards whose question changed since then will import as new "
        "notes: restore the ledger from version control to keep their history",
    )


def build_time() -> int:
    """Now, or SOURCE_DATE_EPOCH when set (for reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(epoch) if epoch.isdigit() else int(time.time())


# --- matching ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Facts:
    """What matching looks at for one card."""

    title: str
    chapter: str
    sketch: str

    @classmethod
    def of(cls, card: Card) -> _Facts:
        return cls(_norm(card.title), card.chapter, sketch(card.answer))


Stage = Callable[[Sequence[int], Sequence[_Facts], Sequence[Entry]], dict[int, Entry]]


def _by_key(key_card: Callable[[_Facts], object], key_entry: Callable[[Entry], object],
            unique: bool = False) -> Stage:
    """Pair cards and entries with equal keys. A key held by one card and one entry pairs
    them; cards sharing a key (two questions 总结) pair with the entries whose answers they
    resemble, and any left over pair in order when the counts agree."""

    def stage(todo: Sequence[int], facts: Sequence[_Facts], free: Sequence[Entry]
              ) -> dict[int, Entry]:
        cards: dict[object, list[int]] = defaultdict(list)
        entries: dict[object, list[Entry]] = defaultdict(list)
        for i in todo:
            cards[key_card(facts[i])].append(i)
        for entry in free:
            entries[key_entry(entry)].append(entry)
        paired: dict[int, Entry] = {}
        for key, group in cards.items():
            candidates = entries.get(key, []) if key is not None else []
            if len(group) == len(candidates) == 1:
                paired[group[0]] = candidates[0]
            elif candidates and not unique:
                by_answer = _unique_pairs(group, facts, candidates, lambda f, e: resemblance(
                    f.sketch, e.answer) >= _SIMILAR_ANSWER)
                paired.update(by_answer)
                rest = [i for i in group if i not in by_answer]
                left = [e for e in candidates if e not in by_answer.values()]
                if len(rest) == len(left):
                    paired.update(zip(rest, left, strict=True))
        return paired

    return stage


def same_answer(sketch_a: str, sketch_b: str) -> bool:
    """Answers this close are one answer, at most lightly edited."""
    return resemblance(sketch_a, sketch_b) >= _SAME_ANSWER


def similar(title_a: str, sketch_a: str, title_b: str, sketch_b: str) -> bool:
    """A similar title and a similar answer."""
    return (resemblance(sketch_a, sketch_b) >= _SIMILAR_ANSWER
            and dice(_norm(title_a), _norm(title_b)) >= _SIMILAR_TITLE)


def taken_for_rewording(title_a: str, answer_a: str, title_b: str, answer_b: str) -> bool:
    """Would one card be taken for the other, reworded (by the fuzzy stages)?"""
    a, b = sketch(answer_a), sketch(answer_b)
    return same_answer(a, b) or similar(title_a, a, title_b, b)


def _stage_same_answer(todo: Sequence[int], facts: Sequence[_Facts], free: Sequence[Entry]
                       ) -> dict[int, Entry]:
    # Answers this alike share 11 of 16 bands on average; 6 keeps nearly all of them.
    return _unique_pairs(todo, facts, free, lambda f, e: same_answer(f.sketch, e.answer), 6)


def _stage_similar(todo: Sequence[int], facts: Sequence[_Facts], free: Sequence[Entry]
                   ) -> dict[int, Entry]:
    return _unique_pairs(todo, facts, free,
                         lambda f, e: similar(f.title, f.sketch, e.title, e.answer))


def _unique_pairs(todo: Sequence[int], facts: Sequence[_Facts], free: Sequence[Entry],
                  fits: Callable[[_Facts, Entry], bool], min_bands: int = 1
                  ) -> dict[int, Entry]:
    """Pairs that fit each other and nothing else.

    Only entries sharing ``min_bands`` sketch bands with a card are tried, and a band
    shared by more than ``_CROWDED`` entries is passed over (it says nothing, like a stop
    word), so the work stays linear in the number of cards however alike the notes are."""
    index: dict[tuple[int, str], list[Entry]] = defaultdict(list)
    for entry in free:
        if entry.answer:
            for band in _bands(entry.answer):
                index[band].append(entry)
    options: dict[int, set[str]] = {}
    chosen: dict[str, list[int]] = defaultdict(list)
    by_id = {e.id: e for e in free}
    for i in todo:
        if not facts[i].sketch:
            continue
        shared: Counter[str] = Counter()
        for band in _bands(facts[i].sketch):
            bucket = index.get(band, ())
            if len(bucket) <= _CROWDED:
                shared.update(e.id for e in bucket)
        near = [eid for eid, n in shared.items() if n >= min_bands]
        options[i] = {eid for eid in near if fits(facts[i], by_id[eid])}
        for eid in options[i]:
            chosen[eid].append(i)
    return {i: by_id[next(iter(ids))] for i, ids in options.items()
            if len(ids) == 1 and len(chosen[next(iter(ids))]) == 1}


def _bands(sketch_text: str) -> Iterable[tuple[int, str]]:
    """Sixteen bands of two bins. Sketches of texts half alike share a band with odds of
    99 %; unrelated ones, one band in 4,096, so few pairs are ever compared."""
    return ((i, sketch_text[4 * i : 4 * i + 4]) for i in range(_BINS // 2))


_STAGES: tuple[tuple[Stage, Match], ...] = (
    (_by_key(lambda f: (f.chapter, f.title), lambda e: (e.chapter, _norm(e.title))), Match.EXACT),
    (_by_key(lambda f: f.title, lambda e: _norm(e.title)), Match.MOVED),
    # The same answer exactly (its whole sketch), then nearly.
    (_by_key(lambda f: f.sketch or None, lambda e: e.answer or None, unique=True),
     Match.REWORDED),
    (_stage_same_answer, Match.REWORDED),
    (_stage_similar, Match.SIMILAR),
)


def sketch(text: str) -> str:
    """A one-permutation MinHash of the text's character trigrams (whitespace ignored): 32
    bins of 8 bits as 64 characters, ``--`` for an empty bin; "" for an empty text. Two
    sketches agree in about the share of bins that the texts share trigrams."""
    chars = "".join(text.split())
    if not chars:
        return ""
    data = memoryview(chars.encode("utf-32-le"))  # four bytes a character: trigram = 12 bytes
    bins = [_EMPTY] * _BINS
    for h in {zlib.crc32(data[i : i + 12]) for i in range(0, max(4, len(data) - 8), 4)}:
        b, value = h >> 27, h & 0x7FFFFFF
        if value < bins[b]:
            bins[b] = value
    # The low bits of each minimum: its high bits are mostly zero in a long text.
    return "".join("--" if v == _EMPTY else f"{v & 0xFF:02x}" for v in bins)


def resemblance(a: str, b: str) -> float:
    """Estimated Jaccard similarity of two texts' trigrams, from their sketches."""
    if not a or not b:
        return 0.0
    pairs = [(a[i : i + 2], b[i : i + 2]) for i in range(0, 2 * _BINS, 2)]
    filled = [(x, y) for x, y in pairs if x != "--" or y != "--"]
    return sum(x == y for x, y in filled) / len(filled) if filled else 0.0


def dice(a: str, b: str) -> float:
    """Dice coefficient of character bigrams."""
    x = {a[i : i + 2] for i in range(len(a) - 1)} or {a}
    y = {b[i : i + 2] for i in range(len(b) - 1)} or {b}
    return 2 * len(x & y) / (len(x) + len(y))


def _norm(title: str) -> str:
    return " ".join(title.casefold().split())


def _fresh_id(card: Card, taken: set[str]) -> str:
    n = 0
    while (candidate := natural_id(card.key, n)) in taken:
        n += 1
    return candidate


def _renumbered(deck: Deck, ids: Mapping[int, str]) -> Deck:
    counter = iter(range(len(ids)))
    chapters = tuple(
        replace(ch, cards=tuple(replace(card, id=ids[next(counter)]) for card in ch.cards))
        for ch in deck.chapters
    )
    return replace(deck, chapters=chapters)


# --- file format -------------------------------------------------------------------------

def _parse_entry(line: str) -> tuple[Entry | None, str | None]:
    if _CONFLICT_RE.match(line):
        return None, ("merge conflict marker: keep the lines of both sides (drop the markers), "
                      "or delete the ledger to start afresh")
    cols = line.split("\t")
    if len(cols) != _COLUMNS:
        return None, f"expected {_COLUMNS} tab-separated columns, found {len(cols)}"
    card_id, state, changed, fingerprint, answer, file, chapter, title = cols
    if not _ID_RE.match(card_id):
        return None, f"{card_id!r} is not a card id"
    if state not in ("live", "retired"):
        return None, f"state must be 'live' or 'retired', not {state!r}"
    try:
        stamp = int(datetime.strptime(changed, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
                    .timestamp())
    except ValueError:
        return None, f"{changed!r} is not a time like 2024-01-31T12:00:00Z"
    if not re.fullmatch(r"[0-9a-f]{0,64}", fingerprint):
        return None, f"fingerprint {fingerprint!r} is not hex digits"
    if not re.fullmatch(r"(?:(?:[0-9a-f]{2}|--){32})?", answer):
        return None, f"answer sketch {answer!r} is not 32 bins of 2 hex digits or --"
    return Entry(card_id, stamp, fingerprint, answer, _unescape(file), _unescape(chapter),
                 _unescape(title), state == "retired"), None


def _format_entry(e: Entry) -> str:
    changed = datetime.fromtimestamp(e.changed, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    state = "retired" if e.retired else "live"
    return "\t".join((e.id, state, changed, e.fingerprint, e.answer, _escape(e.file),
                      _escape(e.chapter), _escape(e.title)))


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"t": "\t", "n": "\n"}.get(m.group(1), m.group(1)), text)


@functools.lru_cache(maxsize=1024)
def _relative(path: str, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(path).name

