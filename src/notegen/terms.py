"""The notes' own terms, for the site's Chinese search.

Search segments Chinese with jieba, whose general dictionary cuts 过拟合 into 过|拟合 and 交叉熵
into 交叉|熵. Terms of the notes' field are found in the notes themselves: short Chinese
strings that recur and hold together (their parts seldom occur without them), plus short
bold phrases. Given to jieba as a user dictionary, they stay whole words.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

_HAN_RUN = re.compile(r"[\u3400-\u9fff]{2,}")
_BOLD = re.compile(r"\*\*([^*\n]{2,16}?)\*\*|<b>([^<\n]{2,16}?)</b>")
# Characters that begin or end phrases, not terms ("的原因", "和CNN").
_EDGE = set("的了是和与及或在对为把被从向这那个些有中上下也都就而且并等其之以于即")
_MIN_COUNT = 4
_LONGEST = 5


def discover(texts: Sequence[str], known: Callable[[str], bool] = lambda _: False
             ) -> list[str]:
    """Recurring, cohesive Chinese n-grams of the texts, longest first; words already
    ``known`` to the segmenter are left out. Time linear in the texts: every run of Chinese
    characters is cut into n-grams once, however often it recurs."""
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
        and extended[gram] < 0.8 * count and _cohesive(gram, counts) and not known(gram)
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
