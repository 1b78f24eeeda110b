"""The notes' own words, for the site's Chinese search.

Search segments Chinese with jieba, whose general dictionary cuts 过拟合 into 过|拟合 and 交叉熵
into 交叉|熵. Terms of the notes' field are found in the notes themselves: short Chinese
strings that recur and hold together (their parts seldom occur without them), plus short
bold phrases. Given to jieba as a user dictionary, they stay whole words.

jieba itself runs in a process of its own (``Jieba``): its dictionary takes a second and some
60 MB to load, which the build's process is spared, and it loads while the build goes on.
"""

from __future__ import annotations

import logging
import marshal
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

_HAN_RUN = re.compile(r"[\u3400-\u9fff]{2,}")
_BOLD = re.compile(r"\*\*([^*\n]{2,16}?)\*\*|<b>([^<\n]{2,16}?)</b>")
# Characters that begin or end phrases, not terms ("的原因", "和CNN").
_EDGE = set("的了是和与及或在对为把被从向这那个些有中上下也都就而且并等其之以于即")
_MIN_COUNT = 4
_LONGEST = 5


def discover(texts: Sequence[str]) -> list[str]:
    """Recurring, cohesive Chinese n-grams of the texts, longest first (the caller leaves out
    those jieba knows). Time linear in the texts: every run of Chinese characters is cut
    into n-grams once, however often it recurs."""
    runs = Counter(run for text in texts for run in _HAN_RUN.findall(text))
    counts: Counter[str] = Counter()
    for run, times in runs.items():
        grams = [run[i : i + n] for n in range(1, _LONGEST + 2) for i in range(len(run) - n + 1)]
        if times == 1:
            counts.update(grams)
        else:
            for gram in grams:
                counts[gram] += times
    # How often the commonest one-character extension (either side) surrounds each gram:
    # a gram nearly always extended the same way is a fragment of a longer word.
    extended: Counter[str] = Counter()
    for gram, count in counts.items():
        for part in (gram[1:], gram[:-1]):
            extended[part] = max(extended[part], count)
    terms = [
        gram for gram, count in counts.items()
        if 3 <= len(gram) <= _LONGEST and count >= _MIN_COUNT
        and gram[0] not in _EDGE and gram[-1] not in _EDGE
        and extended[gram] < 0.8 * count and _cohesive(gram, counts)
    ]
    return sorted(terms, key=lambda t: (-len(t), -counts[t], t))


def _cohesive(gram: str, counts: Counter[str]) -> bool:
    """At every split, the rarer half occurs mostly inside the gram."""
    return all(counts[gram] * 2 >= min(counts[gram[:i]], counts[gram[i:]])
               for i in range(1, len(gram)))


def bold_phrases(texts: Iterable[str]) -> list[str]:
    found = []
    for text in texts:
        for m in _BOLD.finditer(text):
            phrase = (m.group(1) or m.group(2)).strip()
            if _HAN_RUN.search(phrase) and " " not in phrase:
                found.append(phrase)
    return found


# --- jieba, in a process of its own ---------------------------------------------------------

class Jieba:
    """A jieba process, loading its dictionaries (jieba's own, or ``main``, then ``user``) from
    the moment it starts. Requests are answered in order; ``send`` does not wait for the
    answer, ``receive`` does."""

    def __init__(self, main: Path | None = None, user: Path | None = None) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-c", "from notegen.terms import serve_jieba; serve_jieba()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self._send((str(main) if main else None, str(user) if user else None))
        self.terms: tuple[str, ...] | None = None
        """The terms added to its dictionary (by the first ``cut``), None before."""
        self._unanswered = 0

    @property
    def idle(self) -> bool:
        """Running, with every answer read: a next build may use it."""
        return self._unanswered == 0 and self._process.poll() is None

    def known(self, words: Sequence[str]) -> list[bool]:
        """Whether jieba's dictionaries hold each word (before any terms are added)."""
        self.send("known", words)
        return list(self.receive())

    def send(self, kind: str, items: Sequence[str], terms: Sequence[str] = ()) -> None:
        """Ask for ``known`` words, or for the words of each Chinese run to ``cut`` with the
        ``terms`` added to the dictionary."""
        if kind == "cut" and self.terms is None:
            self.terms = tuple(terms)
        self._send((kind, list(items), list(terms)))
        self._unanswered += 1

    def receive(self) -> Any:
        assert self._process.stdout is not None
        try:
            answer = marshal.load(self._process.stdout)
            self._unanswered -= 1
            return answer
        except EOFError:
            raise RuntimeError(f"jieba stopped (exit status {self._process.wait()})") from None

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()

    def _send(self, request: Any) -> None:
        assert self._process.stdin is not None
        marshal.dump(request, self._process.stdin)
        self._process.stdin.flush()


def serve_jieba(requests: IO[bytes] | None = None, answers: IO[bytes] | None = None) -> None:
    """The jieba process: answers requests from ``Jieba`` until its input closes."""
    requests = requests or sys.stdin.buffer
    answers = answers or sys.stdout.buffer
    import jieba

    jieba.setLogLevel(logging.WARNING)  # it announces loading its dictionary on stderr
    main, user = marshal.load(requests)
    tokenizer = jieba.Tokenizer(main or jieba.DEFAULT_DICT)
    tokenizer.initialize()
    if user:
        tokenizer.load_userdict(user)
    added: list[str] | None = None
    # What the dictionary held of each word adding the terms changed: a word is known by the
    # dictionaries alone, whatever terms were added since.
    before: dict[str, int] = {}
    while True:
        try:
            kind, items, terms = marshal.load(requests)
        except EOFError:
            return
        if kind == "known":
            answer: list[Any] = [before.get(word, tokenizer.FREQ.get(word, 0)) > 0
                                 for word in items]
        else:
            if added is None:
                for term in terms:
                    for end in range(1, len(term) + 1):
                        before.setdefault(term[:end], tokenizer.FREQ.get(term[:end], 0))
                    tokenizer.add_word(term)
                added = terms
            if terms != added:
                raise ValueError("one jieba process serves one set of terms")
            answer = [list(tokenizer.cut(run)) for run in items]
        marshal.dump(answer, answers)
        answers.flush()
