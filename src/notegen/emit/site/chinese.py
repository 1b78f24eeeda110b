"""Chinese words for the search index, cut the way Material's search plugin cuts them: jieba
(with the user's own jieba dictionaries from the search settings) and the notes' own terms,
every run of Chinese characters becoming its words parted by U+200B, which the search
separates words on.

jieba runs in a process of its own (terms.Jieba), started only when a word to look up or a
text to cut holds Chinese. Requests go out as soon as they are known and their answers are
read when they are needed, so that jieba loads and cuts while the build goes on. ``notegen
serve`` keeps the process from one build to the next (``KeptJieba``), so that a rebuild finds
jieba's dictionary loaded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from ...cache import Table, digest
from ...terms import Jieba

# Han script, as Material's plugin finds it (``\p{script: Han}``).
HAN_RE = re.compile(
    "[\u2e80-\u2e99\u2e9b-\u2ef3\u2f00-\u2fd5\u3005\u3007\u3021-\u3029\u3038-\u303b"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufa6d\ufa70-\ufad9"
    "\U00020000-\U0002a6df\U0002a700-\U0002ebe0\U0002f800-\U0002fa1d\U00030000-\U0003134a]+")
WORD_BREAK = "\u200b"


@dataclass(frozen=True, slots=True)
class Dictionaries:
    """The user's jieba dictionaries (Material's ``jieba_dict``, ``jieba_dict_user``)."""

    main: Path | None = None
    user: Path | None = None

    def digest(self) -> str:
        return digest(metadata.version("jieba"),
                      *(file.read_bytes() if file else b"" for file in (self.main, self.user)))


class KeptJieba:
    """A jieba process that outlives a build, for the next build to use while it loads the
    same dictionaries and adds the same terms; ``close`` ends it."""

    def __init__(self) -> None:
        self.process: Jieba | None = None
        self.dictionaries = ""
        """Digest of the dictionaries it loaded."""

    def take(self, dictionaries: str) -> Jieba | None:
        """The process, for a build with these dictionaries; None (and the process ended)
        when it loaded others, or an earlier build left answers unread."""
        if self.process is not None and not (self.process.idle
                                             and self.dictionaries == dictionaries):
            self.close()
        return self.process

    def close(self) -> None:
        if self.process is not None:
            self.process.close()
            self.process = None


class Chinese:
    """Cutting Chinese for one build, each run of it cut once (``cache`` keeps the cuts from
    build to build); ``close`` ends jieba's process, unless it is ``kept`` for the next
    build."""

    def __init__(self, dictionaries: Dictionaries, cache: Table,
                 kept: KeptJieba | None = None) -> None:
        self.dictionaries, self.cache = dictionaries, cache
        self.base = dictionaries.digest()
        """Digest of the dictionaries, without the notes' terms."""
        self.terms: tuple[str, ...] = ()
        self._kept = kept
        self._jieba = kept.take(self.base) if kept else None
        self._words: dict[str, str] = {}
        self.cuts = 0
        """How many runs of Chinese jieba has cut."""

    @property
    def digest(self) -> str:
        """Of everything a cut depends on."""
        return digest(self.base, *self.terms)

    def known(self, words: Sequence[str]) -> Callable[[], list[bool]]:
        """Whether jieba's dictionaries hold each word, when called."""
        if not words:
            return list
        jieba = self._started()
        jieba.send("known", words)
        return lambda: list(jieba.receive())

    def use(self, terms: Sequence[str]) -> None:
        """The notes' terms, added to jieba's dictionary for every cut after this (once the
        answers to ``known`` are in: a process that added other terms is replaced)."""
        self.terms = tuple(terms)

    def cut(self, texts: Sequence[str]) -> Callable[[], list[str]]:
        """The texts, their Chinese cut into words, when called (one cut at a time)."""
        salt = self.digest
        runs = []
        for run in dict.fromkeys(run for text in texts for run in HAN_RE.findall(text)):
            if run not in self._words:
                cached = self.cache.get(digest(salt, run))
                if isinstance(cached, str):
                    self._words[run] = cached
                else:
                    runs.append(run)
        if runs:
            self._started(self.terms).send("cut", runs, self.terms)
            self.cuts += len(runs)

        def finish() -> list[str]:
            if runs:
                assert self._jieba is not None
                for run, words in zip(runs, self._jieba.receive(), strict=True):
                    cut = self._words[run] = WORD_BREAK + WORD_BREAK.join(words) + WORD_BREAK
                    self.cache.put(digest(salt, run), cut)
            words = self._words
            return [HAN_RE.sub(lambda m: words[m.group()], text).strip(WORD_BREAK)
                    for text in texts]

        return finish

    def close(self) -> None:
        if self._jieba is not None and self._kept is None:
            self._jieba.close()
        self._jieba = None

    def _started(self, terms: tuple[str, ...] | None = None) -> Jieba:
        """jieba, with these dictionaries, and ready to add ``terms``: a process kept from
        a build that added others cannot cut with these."""
        if self._jieba is not None and terms is not None and self._jieba.terms not in (
                None, terms):
            self._jieba.close()
            self._jieba = None
        if self._jieba is None:
            self._jieba = Jieba(self.dictionaries.main, self.dictionaries.user)
            if self._kept is not None:
                self._kept.process, self._kept.dictionaries = self._jieba, self.base
        return self._jieba
