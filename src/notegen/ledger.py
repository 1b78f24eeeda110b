"""Card identity: the GUID rule and the identity ledger.

A card's id is its Anki GUID and its site anchor. It must survive the edits people make to
notes for years (rewording a question, editing an answer, moving a card to another chapter,
renumbering), without writing ids into the notes. The ledger, a small tab-separated file kept
beside the notes and committed with them, remembers each card's id, a fingerprint of what was
last written to Anki, a sketch of its answer and when its content last changed.

On every build the cards are matched to the ledger, most certain first:

``exact``     same chapter and title
``moved``     same title in another chapter or file, and a similar answer
``reworded``  the same answer (a near-identical sketch) under a related title
``similar``   a similar title *and* a similar answer

Within a stage a card takes the entry it resembles best, and only if that entry resembles no
other card as well: an ambiguous match never takes another card's id. Candidates that are the
same content (title and answer) are no ambiguity: they pair in order. In its own chapter a
card keeps the id of the one entry left with its title, whatever its answer says now;
anywhere else the answer has to confirm it. A short answer (需要, 是) tells cards apart no
better than chance, so it never carries a match on its own.

Unmatched cards are ``new``; unmatched live entries become ``retired`` and stay in the ledger,
so a card that comes back gets its old id (and its Anki history) back.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import operator
import os
import re
import stat
import time
import zlib
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import Enum
from itertools import product, repeat
from pathlib import Path

from .cache import Table, digest
from .diagnostics import Diagnostic, NotegenError, error, warning
from .emit.anki import ID_FIELD, MODEL_NAME
from .ir import Card, Deck
from .read import display_path

# The first line says which format follows. The first format (no such line) escaped tabs,
# line breaks and backslashes by hand; the second is CSV, which quotes instead.
_FORMAT_2 = "# notegen identity ledger, format 2"
_HEADER = (
    f"{_FORMAT_2}: keeps each card's Anki note (and its review history)\n"
    "# across edits. Commit it with the notes. One card a record, tab-separated; a value\n"
    "# holding a tab, a line break or a quote is quoted (CSV).\n"
    "# id\tstate\tchanged\tfingerprint\tanswer\tfile\tchapter\ttitle\n"
)
_COLUMNS = 8
_ID_RE = re.compile(r"^c[a-z2-7]{11,}$")
_CONFLICT_RE = re.compile(r"^(<{7}|={7}|>{7}|\|{7})( |$)")

# Thresholds, checked against the seed notes by the tests: no two distinct seed cards come
# close to matching each other.
_SAME_ANSWER = 0.85  # estimated Jaccard similarity of answer trigrams
_SIMILAR_ANSWER = 0.5
_RELATED_ANSWER = 0.25  # enough to tell two cards of one title apart
_SIMILAR_TITLE = 0.6  # Dice coefficient of title character bigrams
_RELATED_TITLE = 0.25  # "GAN网络的思想" → "GAN的基本思想是什么" is 0.35
_INFORMATIVE = 8  # filled sketch bins: about ten distinct trigrams, a dozen characters
_BINS = 32
_CROWDED = 32  # entries sharing one sketch band; also the largest group compared pairwise


_BASE32 = "abcdefghijklmnopqrstuvwxyz234567"


def natural_id(key: tuple[str, str], occurrence: int = 0) -> str:
    """The id a card gets when nothing else is known about it: a hash of its chapter and
    title (and which occurrence of that pair it is). Letters and digits only, starting with a
    letter, so it serves as an Anki GUID, an HTML id and a URL fragment alike."""
    text = "\x1f".join((*key, str(occurrence)))
    # The first 55 bits of the hash in base 32: what base64.b32encode(digest)[:11] gives,
    # without encoding the whole digest a character at a time.
    bits = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:7], "big") >> 1
    return "c" + "".join(_BASE32[(bits >> shift) & 31] for shift in range(50, -1, -5))


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
    """The ``mod`` last written to Anki for the card: when its content last changed, seconds
    since the epoch (UTC)."""
    fingerprint: str
    """Of the note as last written to Anki ("" when none was written)."""
    answer: str
    """Similarity sketch of the answer (see ``sketch``)."""
    file: str
    """Note file, relative to the notes folder. Its folders and the chapter are the subdeck
    the card was last written to; matching goes by chapter, title and answer, so a card
    moved to another file keeps its id."""
    chapter: str
    title: str
    retired: bool = False

    @property
    def deck_path(self) -> tuple[str, ...]:
        """Subdeck levels below the root deck (see ``Card.deck_path``)."""
        folder = self.file.rpartition("/")[0]
        return (*(folder.split("/") if folder else ()), self.chapter)


@dataclass(frozen=True, slots=True)
class Moved:
    """A card whose subdeck changed since its note was last written to Anki. Anki never
    moves the card of a note it already has, so the user has to."""

    id: str
    title: str
    before: tuple[str, ...]
    """Subdeck levels below the root deck, as last written."""
    after: tuple[str, ...]


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
    moved: tuple[Moved, ...] = ()


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
        text = _read(path)
        if text is None:
            return cls(path)
        entries: list[Entry] = []
        problems: list[Diagnostic] = []
        seen: set[str] = set()
        shown = display_path(path)
        for no, row in _records(text):
            entry, problem = _parse_entry(row)
            if entry is not None and entry.id in seen:
                problem = f"id {entry.id} appears twice; keep one of the two lines"
            if problem is not None:
                problems.append(error(shown, problem, no, 1))
            elif entry is not None:
                seen.add(entry.id)
                entries.append(entry)
        if problems:
            raise NotegenError(*problems)
        return cls(path, tuple(entries), existed=True)

    def identify(self, deck: Deck, cache: Table | None = None) -> Identified:
        """Give each card of the deck its id from the ledger, or a new one. ``cache`` keeps
        answer sketches between builds."""
        cards = deck.cards
        facts = [_Facts(_norm(c.title), c.chapter, _cached_sketch(c.answer, cache))
                 for c in cards]
        assigned: dict[int, tuple[Entry, Match]] = {}
        # Cards still in the notes first: a retired entry must never make a live card's
        # match ambiguous. Retired entries then take back cards that returned.
        for pool in ([e for e in self.entries if not e.retired],
                     [e for e in self.entries if e.retired]):
            known = [_Facts(_norm(e.title), e.chapter, e.answer) for e in pool]
            taken: set[int] = set()
            for stage, match in _STAGES:
                todo = [i for i in range(len(cards)) if i not in assigned]
                free = [j for j in range(len(pool)) if j not in taken]
                if not todo or not free:
                    break
                for i, j in stage(todo, facts, free, known).items():
                    assigned[i] = (pool[j], match)
                    taken.add(j)
        taken_ids = {entry.id for entry in self.entries}
        tried: dict[tuple[str, str], int] = {}
        ids: dict[int, str] = {}
        matches: dict[str, Match] = {}
        for i, card in enumerate(cards):
            if i in assigned:
                entry, match = assigned[i]
                ids[i] = entry.id
            else:
                ids[i] = _fresh_id(card, taken_ids, tried)
                match = Match.NEW
            taken_ids.add(ids[i])
            matches[ids[i]] = match
        used = {ids[i] for i in assigned}
        gone = tuple(e for e in self.entries if e.id not in used)
        newly = tuple(e for e in gone if not e.retired)
        sketches = {ids[i]: f.sketch for i, f in enumerate(facts)}
        moved = tuple(Moved(entry.id, cards[i].title, entry.deck_path, cards[i].deck_path)
                      for i, (entry, _) in sorted(assigned.items())
                      if entry.fingerprint and entry.deck_path != cards[i].deck_path)
        return Identified(_renumbered(deck, ids), matches, gone, newly, sketches, moved)

    def last_changed(self, card_id: str, fingerprint: str, now: int) -> int:
        """The ``mod`` to write for a note with this fingerprint now. Anki takes an update
        only when it is newer than what it holds, so a change always gets a later time than
        the last one written, even when the clock says otherwise (a constant
        SOURCE_DATE_EPOCH, a clock behind the last build's)."""
        entry = self.by_id.get(card_id)
        if entry is None:
            return now
        if entry.fingerprint == fingerprint:  # unchanged, a card with no note (no answer) too
            return entry.changed
        if not entry.fingerprint:
            return now
        # The last time the ledger can write (year 99999) is as far as it goes.
        return min(max(now, entry.changed + 1), _LAST_TIME)

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

    def write(self, file: Path) -> None:
        """Write the ledger to a file: beside its place, to be moved there once the build is
        out."""
        lines = [_HEADER.rstrip("\n")]
        lines.extend(_format_entry(e) for e in self.entries)
        file.write_text("\n".join(lines) + "\n", encoding="utf-8")


def missing_ledger_warning(path: Path, earlier_deck: Path) -> Diagnostic:
    """Said when a deck was built before without this ledger: only then can Anki hold notes
    whose identity the ledger would have kept."""
    return warning(
        display_path(path),
        f"no identity ledger was found, so a new one was started. If {display_path(earlier_deck)} "
        "(built earlier) is in Anki, cards whose question changed since then will import as new "
        "notes: restore the ledger from version control to keep their history",
    )


def anki_search(ids: Iterable[str]) -> str:
    """An Anki browser search selecting the notes of these cards, whatever their note type
    (notegen, notegen-reversed, notegen-cloze). Ids hold no search wildcards."""
    terms = " OR ".join(f"{ID_FIELD}:{card_id}" for card_id in ids)
    return f'"note:{MODEL_NAME}*" ({terms})'


def build_time() -> int:
    """Now, or SOURCE_DATE_EPOCH when set (for reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch.isdigit():
        return int(time.time())
    if int(epoch) > _LAST_TIME:
        raise NotegenError(error("SOURCE_DATE_EPOCH", f"{epoch} seconds is after the year "
                                 "99999; set it to a time such as 1700000000, or unset it"))
    return int(epoch)


# --- matching ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Facts:
    """What matching looks at, for a card and for a ledger entry alike."""

    title: str
    """Case-folded, with runs of white space as one space."""
    chapter: str
    sketch: str

    @property
    def content(self) -> tuple[str, str]:
        """What two candidates must share to be interchangeable."""
        return (self.title, self.sketch)


Stage = Callable[[Sequence[int], Sequence[_Facts], Sequence[int], Sequence[_Facts]],
                 dict[int, int]]
Evidence = Callable[[_Facts, _Facts], float | None]
"""How strongly a card and an entry look like one card (higher is stronger), or None when
they do not."""


def _twins(card: _Facts, entry: _Facts) -> float | None:
    """Same chapter and title: the answer tells cards of one title apart."""
    r = resemblance(card.sketch, entry.sketch)
    return r if r >= _RELATED_ANSWER else None


def _moved(card: _Facts, entry: _Facts) -> float | None:
    """Same title elsewhere: the answer must confirm that it is the same card."""
    r = resemblance(card.sketch, entry.sketch)
    return r if r >= _SIMILAR_ANSWER else None


def _reworded(card: _Facts, entry: _Facts) -> float | None:
    """The same answer, at most lightly edited, under a title that still resembles."""
    if not informative(card.sketch) or not informative(entry.sketch):
        return None
    r, d = resemblance(card.sketch, entry.sketch), dice(card.title, entry.title)
    return r + d if r >= _SAME_ANSWER and d >= _RELATED_TITLE else None


def _similar(card: _Facts, entry: _Facts) -> float | None:
    """A similar title and a similar answer."""
    if not informative(card.sketch) or not informative(entry.sketch):
        return None
    r, d = resemblance(card.sketch, entry.sketch), dice(card.title, entry.title)
    return r + d if r >= _SIMILAR_ANSWER and d >= _SIMILAR_TITLE else None


def taken_for_rewording(title_a: str, answer_a: str, title_b: str, answer_b: str) -> bool:
    """Would the matching stages take one card for the other, reworded or edited?"""
    a = _Facts(_norm(title_a), "", sketch(answer_a))
    b = _Facts(_norm(title_b), "", sketch(answer_b))
    return _reworded(a, b) is not None or _similar(a, b) is not None


def _by_key(key: Callable[[_Facts], object], evidence: Evidence, sole: bool = False) -> Stage:
    """Pair cards and entries with equal keys (None is no key): the same content in order,
    then by best evidence. With ``sole``, the one card and the one entry of a key left over
    pair even so."""

    def stage(todo: Sequence[int], cards: Sequence[_Facts], free: Sequence[int],
              entries: Sequence[_Facts]) -> dict[int, int]:
        groups: dict[object, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
        for i in todo:
            if (k := key(cards[i])) is not None:
                groups[k][0].append(i)
        for j in free:
            if (k := key(entries[j])) in groups:
                groups[k][1].append(j)
        paired: dict[int, int] = {}
        for group, candidates in groups.values():
            if candidates:
                paired |= _pair_group(group, cards, candidates, entries, evidence, sole)
        return paired

    return stage


def _pair_group(group: Sequence[int], cards: Sequence[_Facts], candidates: Sequence[int],
                entries: Sequence[_Facts], evidence: Evidence, sole: bool) -> dict[int, int]:
    if len(group) == len(candidates) == 1:  # the common case, decided at once
        i, j = group[0], candidates[0]
        fits = (sole or cards[i].content == entries[j].content
                or evidence(cards[i], entries[j]) is not None)
        return {i: j} if fits else {}
    found = _same_content(group, cards, candidates, entries)
    rest, left = _unpaired(group, candidates, found)
    if rest and left and not (sole and len(rest) == len(left) == 1):
        pairs = _pairs_within(rest, cards, left, entries)
        found |= _best_pairs(_scored(pairs, cards, entries, evidence), cards, entries)
        rest, left = _unpaired(group, candidates, found)
    if sole and len(rest) == len(left) == 1:
        found[rest[0]] = left[0]
    return found


def _same_content(group: Sequence[int], cards: Sequence[_Facts], candidates: Sequence[int],
                  entries: Sequence[_Facts]) -> dict[int, int]:
    """Cards and entries of the same content (title and answer), paired in order: nothing
    tells them apart, and nothing needs to. Most cards of a rebuild pair here."""
    waiting: dict[tuple[str, str], deque[int]] = defaultdict(deque)
    for j in candidates:
        waiting[entries[j].content].append(j)
    found = {}
    for i in group:
        if same := waiting.get(cards[i].content):
            found[i] = same.popleft()
    return found


def _unpaired(group: Sequence[int], candidates: Sequence[int], found: Mapping[int, int]
              ) -> tuple[list[int], list[int]]:
    taken = set(found.values())
    return [i for i in group if i not in found], [j for j in candidates if j not in taken]


def _by_sketch(evidence: Evidence, min_bands: int) -> Stage:
    """Pair cards and entries whose sketches share ``min_bands`` bands, by best evidence."""

    def stage(todo: Sequence[int], cards: Sequence[_Facts], free: Sequence[int],
              entries: Sequence[_Facts]) -> dict[int, int]:
        pairs = _sharing_bands(todo, cards, free, entries, min_bands)
        return _best_pairs(_scored(pairs, cards, entries, evidence), cards, entries)

    return stage


_STAGES: tuple[tuple[Stage, Match], ...] = (
    (_by_key(lambda f: (f.chapter, f.title), _twins, sole=True), Match.EXACT),
    (_by_key(lambda f: f.title, _moved), Match.MOVED),
    # The same answer exactly (its whole sketch), then nearly: answers this alike share 11
    # of 16 bands on average, and 6 keeps nearly all of them.
    (_by_key(lambda f: f.sketch or None, _reworded), Match.REWORDED),
    (_by_sketch(_reworded, min_bands=6), Match.REWORDED),
    (_by_sketch(_similar, min_bands=1), Match.SIMILAR),
)


def _pairs_within(group: Sequence[int], cards: Sequence[_Facts], candidates: Sequence[int],
                  entries: Sequence[_Facts]) -> Iterable[tuple[int, int]]:
    """Every pair of a small group; in a large one, the pairs whose answers can resemble."""
    if len(group) * len(candidates) <= _CROWDED:
        return product(group, candidates)
    return _sharing_bands(group, cards, candidates, entries, 1)


def _sharing_bands(todo: Sequence[int], cards: Sequence[_Facts], free: Sequence[int],
                   entries: Sequence[_Facts], min_bands: int) -> Iterator[tuple[int, int]]:
    """Card and entry pairs whose sketches share ``min_bands`` bands. A band shared by more
    than ``_CROWDED`` entries is passed over (it says nothing, like a stop word), so the work
    stays linear in the number of cards however alike the notes are."""
    index: dict[tuple[int, str], list[int]] = defaultdict(list)
    for j in free:
        for band in _bands(entries[j].sketch):
            index[band].append(j)
    for i in todo:
        shared: Counter[int] = Counter()
        for band in _bands(cards[i].sketch):
            bucket = index.get(band, ())
            if len(bucket) <= _CROWDED:
                shared.update(bucket)
        yield from ((i, j) for j, n in shared.items() if n >= min_bands)


def _bands(sketch_text: str) -> Iterable[tuple[int, str]]:
    """Sixteen bands of two bins (none for an empty sketch). Sketches of texts half alike
    share a band with odds of 99 %; unrelated ones, one band in 4,096."""
    return ((i, sketch_text[4 * i : 4 * i + 4]) for i in range(_BINS // 2 if sketch_text else 0))


def _scored(pairs: Iterable[tuple[int, int]], cards: Sequence[_Facts],
            entries: Sequence[_Facts], evidence: Evidence) -> dict[int, list[tuple[float, int]]]:
    """Card → (evidence, entry) for the pairs that look like one card."""
    scored: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for i, j in pairs:
        if (score := evidence(cards[i], entries[j])) is not None:
            scored[i].append((score, j))
    return scored


def _best_pairs(scored: Mapping[int, Sequence[tuple[float, int]]], cards: Sequence[_Facts],
                entries: Sequence[_Facts]) -> dict[int, int]:
    """Pair each card with the entry it resembles best when that entry also resembles it
    best, until no such pair is left; ties between different contents pair nothing."""
    if len(scored) == 1:  # one card: it is every entry's favourite
        ((i, options),) = scored.items()
        j = _favourite(options, entries, ())
        return {} if j is None else {i: j}
    by_entry: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for card, options in scored.items():
        for score, entry in options:
            by_entry[entry].append((score, card))
    paired: dict[int, int] = {}
    taken: set[int] = set()
    queue = deque(sorted(scored))
    while queue:
        i = queue.popleft()
        if i in paired:
            continue
        j = _favourite(scored[i], entries, taken)
        if j is None or _favourite(by_entry[j], cards, paired.keys()) != i:
            continue
        paired[i] = j
        taken.add(j)
        # Whoever counted on i or j may have another favourite now.
        queue.extend(k for _, k in by_entry[j])
        queue.extend(k for _, other in scored[i] for _, k in by_entry[other])
    return paired


def _favourite(options: Sequence[tuple[float, int]], facts: Sequence[_Facts],
               gone: Container[int]) -> int | None:
    """The option scored highest, if it is the only one or all options tied with it are the
    same content (then the first, in note or ledger order); else None."""
    left = [(score, k) for score, k in options if k not in gone]
    if not left:
        return None
    top = max(score for score, _ in left)
    tied = sorted(k for score, k in left if score == top)
    return tied[0] if all(facts[k].content == facts[tied[0]].content for k in tied) else None


# --- similarity ----------------------------------------------------------------------------

_WINDOWS = tuple(slice(4 * i, 4 * i + 12) for i in range(4096))
_HEX = tuple(f"{v:02x}" for v in range(256))


def sketch(text: str) -> str:
    """A one-permutation MinHash of the text's character trigrams (whitespace ignored): 32
    bins of 8 bits as 64 characters, ``--`` for an empty bin; "" for an empty text. Two
    sketches agree in about the share of bins that the texts share trigrams.

    Each trigram is hashed as CRC-32 of its UTF-32-LE bytes; the top five bits choose the
    bin, which keeps the smallest hash, shown by its low eight bits. The ledger stores
    sketches, so this must never change."""
    chars = "".join(text.split())
    if not chars:
        return ""
    data = chars.encode("utf-32-le")
    trigrams = max(1, len(chars) - 2)
    windows = _WINDOWS[:trigrams] if trigrams <= len(_WINDOWS) else (
        slice(4 * i, 4 * i + 12) for i in range(trigrams))
    hashes = sorted(set(map(zlib.crc32, map(data.__getitem__, windows))), reverse=True)
    # Largest first: each bin keeps the last hash it is given, its smallest.
    smallest = dict(zip(map(operator.rshift, hashes, repeat(27)), hashes, strict=True))
    return "".join([_HEX[smallest[b] & 0xFF] if b in smallest else "--" for b in range(_BINS)])


def _cached_sketch(answer: str, cache: Table | None) -> str:
    if cache is None:
        return sketch(answer)
    key = digest("sketch", answer)
    found = cache.get(key)
    if isinstance(found, str):
        return found
    value = sketch(answer)
    cache.put(key, value)
    return value


_EMPTY_BINS = str.maketrans("-0123456789abcdef", "10000000000000000")
_BIN_SLICES = tuple(slice(k, k + 2) for k in range(0, 2 * _BINS, 2))


def resemblance(a: str, b: str) -> float:
    """Estimated Jaccard similarity of two texts' trigrams, from their sketches: the share of
    the bins filled in either that agree."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    agree = sum(map(operator.eq, map(a.__getitem__, _BIN_SLICES), map(b.__getitem__, _BIN_SLICES)))
    both_empty = (_empty_bins(a) & _empty_bins(b)).bit_count()
    return (int(agree) - both_empty) / (_BINS - both_empty)


def _empty_bins(sketch_text: str) -> int:
    """A bit for each empty bin (its first character is "-")."""
    return int(sketch_text[::2].translate(_EMPTY_BINS), 2)


def informative(sketch_text: str) -> bool:
    """Is the answer long enough to tell cards apart?"""
    return bool(sketch_text) and _BINS - sketch_text[::2].count("-") >= _INFORMATIVE


_PAIRS = tuple(slice(i, i + 2) for i in range(256))


def dice(a: str, b: str) -> float:
    """Dice coefficient of character bigrams."""
    x, y = _bigrams(a), _bigrams(b)
    return 2 * len(x & y) / (len(x) + len(y))


def _bigrams(text: str) -> set[str]:
    """The text's character bigrams; a text of one character (or none) is its own."""
    count = max(0, len(text) - 1)
    pairs = _PAIRS[:count] if count <= len(_PAIRS) else (slice(i, i + 2) for i in range(count))
    return set(map(text.__getitem__, pairs)) or {text}


def _norm(title: str) -> str:
    return " ".join(title.casefold().split())


def _fresh_id(card: Card, taken: set[str], tried: dict[tuple[str, str], int]) -> str:
    """The first natural id of the card's key that no card or entry has. ``tried`` keeps, per
    key, how far earlier cards looked: ids are only ever taken, so the search goes on from
    there (else k cards of one title would cost k² hashes)."""
    n = tried.get(card.key, 0)
    while (candidate := natural_id(card.key, n)) in taken:
        n += 1
    tried[card.key] = n + 1
    return candidate


def _renumbered(deck: Deck, ids: Mapping[int, str]) -> Deck:
    """The deck with the cards' ids (most keep the natural id they were parsed with)."""
    counter = iter(range(len(ids)))
    chapters = []
    for chapter in deck.chapters:
        cards = tuple(card if card.id == (new := ids[next(counter)]) else replace(card, id=new)
                      for card in chapter.cards)
        chapters.append(chapter if cards == chapter.cards else replace(chapter, cards=cards))
    return replace(deck, chapters=tuple(chapters))


# --- file format -------------------------------------------------------------------------

class _Dialect(csv.excel_tab):
    # The writer quotes a value holding any character of the line terminator, so "\r\n"
    # makes it quote a lone "\r" too; records are joined with "\n" (see _format_entry).
    lineterminator = "\r\n"
    strict = True  # a quote left open is damage to report, not text to swallow


def _read(path: Path) -> str | None:
    """The ledger's text, None when there is none yet; refused when it cannot be read, before
    the build writes anything."""
    shown = display_path(path)
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise NotegenError(error(shown, "the ledger is a folder: move it away (or restore "
                                     "the file from version control)"))
        if not stat.S_ISREG(mode):
            raise NotegenError(error(shown, "the ledger is not a regular file: replace it by "
                                     "the file (from version control)"))
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:  # none yet (a link may lead to where it is to be written)
        return None
    except OSError as exc:
        raise NotegenError(error(shown, f"cannot read the ledger: {exc.strerror}")) from None
    except UnicodeDecodeError as exc:
        raise NotegenError(error(shown, f"cannot read the ledger: not UTF-8 text (byte "
                                 f"{exc.object[exc.start]:#04x} at {exc.start})")) from None


def _records(text: str) -> Iterator[tuple[int, list[str] | str]]:
    """The ledger's records with the line each starts on, less comments and blank lines; a
    record the reader cannot take apart is a message, and the last."""
    rows = _rows(text) if text.startswith(_FORMAT_2) else _first_format_rows(text)
    for no, row in rows:
        if isinstance(row, str) or ("".join(row).strip() and not row[0].startswith("#")):
            yield no, row


def _rows(text: str) -> Iterator[tuple[int, list[str] | str]]:
    # No value can be longer than the text, whatever the reader's default limit.
    csv.field_size_limit(max(csv.field_size_limit(), len(text)))
    reader = csv.reader(io.StringIO(text, newline=""), _Dialect)
    start = 1
    try:
        for row in reader:
            yield start, row
            start = reader.line_num + 1
    except csv.Error as exc:
        yield start, f"{exc}: check the quotes of this record (a quote in a value is doubled)"


def _first_format_rows(text: str) -> Iterator[tuple[int, list[str] | str]]:
    """The first format: one record a line, tabs, line breaks and backslashes escaped."""
    for no, line in enumerate(text.split("\n"), 1):
        fields = line.removesuffix("\r").split("\t")
        yield no, fields[:5] + [_unescape(f) for f in fields[5:]]


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"t": "\t", "n": "\n"}.get(m.group(1), m.group(1)), text)


def _parse_entry(fields: list[str] | str) -> tuple[Entry | None, str | None]:
    if isinstance(fields, str):
        return None, fields
    if _CONFLICT_RE.match(fields[0]):
        return None, ("merge conflict marker: keep the lines of both sides (drop the markers), "
                      "or delete the ledger to start afresh")
    if len(fields) != _COLUMNS:
        return None, f"expected {_COLUMNS} tab-separated columns, found {len(fields)}"
    card_id, state, changed, fingerprint, answer, file, chapter, title = fields
    if not _ID_RE.match(card_id):
        return None, f"{card_id!r} is not a card id"
    if state not in ("live", "retired"):
        return None, f"state must be 'live' or 'retired', not {state!r}"
    stamp = _parse_time(changed)
    if stamp is None:
        return None, f"{changed!r} is not a time like 2024-01-31T12:00:00Z"
    if not re.fullmatch(r"[0-9a-f]{0,64}", fingerprint):
        return None, f"fingerprint {fingerprint!r} is not hex digits"
    if not re.fullmatch(r"(?:(?:[0-9a-f]{2}|--){32})?", answer):
        return None, f"answer sketch {answer!r} is not 32 bins of 2 hex digits or --"
    return Entry(card_id, stamp, fingerprint, answer, file, chapter, title,
                 state == "retired"), None


def _format_entry(e: Entry) -> str:
    out = io.StringIO()
    csv.writer(out, _Dialect).writerow(
        (e.id, "retired" if e.retired else "live", _format_time(e.changed), e.fingerprint,
         e.answer, e.file, e.chapter, e.title))
    return out.getvalue().removesuffix(_Dialect.lineterminator)


# Times are written as ISO 8601 in UTC with a four-digit year or more: an edit after a
# ledger date of 9999-12-31T23:59:59Z must still get a later one. Python's datetime stops at
# the year 9999, so later years are shifted into its range by whole Gregorian cycles (400
# years, exactly 146,097 days: the calendar repeats).
_TIME_RE = re.compile(r"(\d{4,5})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)Z")
_CYCLE_YEARS, _CYCLE_SECONDS = 400, 146_097 * 86_400
_LAST_TIME = 3_093_527_980_799  # 99999-12-31T23:59:59Z


@functools.lru_cache(maxsize=4096)  # a ledger holds few distinct times: its builds'
def _format_time(stamp: int) -> str:
    cycles = stamp // _CYCLE_SECONDS  # so that the shifted time falls in 1970–2369
    shifted = datetime.fromtimestamp(stamp - cycles * _CYCLE_SECONDS, UTC)
    return f"{shifted.year + cycles * _CYCLE_YEARS:04d}{shifted:-%m-%dT%H:%M:%SZ}"


@functools.lru_cache(maxsize=4096)
def _parse_time(text: str) -> int | None:
    m = _TIME_RE.fullmatch(text)
    if m is None:
        return None
    year, month, day, hour, minute, second = map(int, m.groups())
    cycles = (year - 1970) // _CYCLE_YEARS
    try:
        shifted = datetime(year - cycles * _CYCLE_YEARS, month, day, hour, minute, second,
                           tzinfo=UTC)
    except ValueError:  # no such day or time
        return None
    return int(shifted.timestamp()) + cycles * _CYCLE_SECONDS if year >= 1 else None


@functools.lru_cache(maxsize=1024)
def _relative(path: str, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(path).name
