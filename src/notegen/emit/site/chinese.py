"""Chinese words for the search index, cut the way Material's search plugin cuts them: jieba
(plus the user's own jieba dictionaries from the search settings) with the notes' own terms
added, every run of Chinese characters becoming its words parted by U+200B, which the search
separates words on.

jieba's dictionary takes a second and some 60 MB to load, so it is loaded only when a text
to cut holds Chinese, once per process; another build in the same process (``notegen
serve``) takes back the terms of the last one before it adds its own.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from ...cache import digest

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


class Segmenter:
    """Cuts texts with one set of dictionaries and terms."""

    def __init__(self, dictionaries: Dictionaries, terms: Sequence[str] = ()) -> None:
        self.dictionaries, self.terms = dictionaries, tuple(terms)
        self._base = dictionaries.digest()
        self.digest = digest(self._base, *self.terms)
        """Of everything the cut depends on."""
        self._words: dict[str, str] = {}

    def known(self, word: str) -> bool:
        """Whether jieba's dictionaries (without the notes' terms) hold the word."""
        return bool(_loaded(self.dictionaries, self._base, ()).FREQ.get(word, 0) > 0)

    def __call__(self, text: str) -> str:
        return HAN_RE.sub(self._cut, text).strip(WORD_BREAK)

    def _cut(self, run: re.Match[str]) -> str:
        text = run.group()
        if text not in self._words:
            tokenizer = _loaded(self.dictionaries, self._base, self.terms)
            self._words[text] = WORD_BREAK + WORD_BREAK.join(tokenizer.cut(text)) + WORD_BREAK
        return self._words[text]


class _Jieba:
    """One jieba tokenizer, its dictionaries loaded, and the terms added to it."""

    def __init__(self, dictionaries: Dictionaries, base: str) -> None:
        import jieba

        jieba.setLogLevel(logging.WARNING)  # it announces loading its dictionary on stderr
        self.base = base
        main = dictionaries.main
        self.tokenizer: Any = jieba.Tokenizer(str(main) if main else jieba.DEFAULT_DICT)
        self.tokenizer.initialize()
        if dictionaries.user:
            self.tokenizer.load_userdict(str(dictionaries.user))
        self.terms: tuple[str, ...] = ()
        self._before: dict[str, int | None] = {}
        """What the terms changed: each word's (and prefix's) frequency before, or None."""
        self._total = self.tokenizer.total

    def use(self, terms: tuple[str, ...]) -> Any:
        if terms != self.terms:
            self._take_back()
            freq = self.tokenizer.FREQ
            for term in terms:
                for end in range(1, len(term) + 1):
                    self._before.setdefault(term[:end], freq.get(term[:end]))
                self.tokenizer.add_word(term)
            self.terms = terms
        return self.tokenizer

    def _take_back(self) -> None:
        freq = self.tokenizer.FREQ
        for word, before in self._before.items():
            if before is None:
                freq.pop(word, None)
            else:
                freq[word] = before
        self._before = {}
        self.tokenizer.total = self._total


_JIEBA: _Jieba | None = None


def _loaded(dictionaries: Dictionaries, base: str, terms: tuple[str, ...]) -> Any:
    """jieba with ``dictionaries`` (whose digest is ``base``) and ``terms`` added."""
    global _JIEBA
    if _JIEBA is None or _JIEBA.base != base:
        _JIEBA = _Jieba(dictionaries, base)
    return _JIEBA.use(terms)
