"""How fast notegen is on large notes: figures, not a pass/fail test.

    .venv/bin/python benchmarks/bench.py [--cards 10000] [--site]

Writes a synthetic notes folder (Chinese text with math, code and tables, 100 cards a
chapter), then times each stage on it, a full build, and a rebuild after one edit.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from notegen.build import build, load
from notegen.config import SiteConfig
from notegen.emit.anki import write_apkg
from notegen.render import Renderer
from notegen.segment import parse_paths

T = TypeVar("T")
WORDS = ("梯度消失", "交叉熵", "过拟合", "注意力机制", "卷积核", "感受野", "正则化", "学习率",
         "批归一化", "残差结构", "特征图", "损失函数", "优化器", "样本不均衡", "数据增强")


def synthetic_notes(folder: Path, cards: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    lines: list[str] = []
    for n in range(cards):
        if n % 100 == 0:
            lines += [f"# 第{n // 100 + 1}章 {rng.choice(WORDS)}", "", "2024年1月1日 10:00", ""]
        a, b = rng.sample(WORDS, 2)
        lines.append(f"## {n % 100 + 1}. {a}和{b}的区别是什么？（深度学习-P{n % 300 + 1}）")
        lines.append("")
        for _ in range(rng.randint(2, 5)):
            lines.append(f"- {rng.choice(WORDS)}：当 $x_{{{n}}} \\to 0$ 时，{rng.choice(WORDS)}"
                         f"会导致 $\\frac{{\\partial L}}{{\\partial w}} \\approx 0$")
            lines.append(f"  - ◆ {rng.choice(WORDS)}与{rng.choice(WORDS)}相关")
        if n % 5 == 0:
            lines += ["", "$$L = -\\sum_i y_i \\log \\hat{y}_i$$", ""]
        if n % 10 == 0:
            lines += ["```python", f"def f{n}(x):", "    return x * 2", "```", ""]
        if n % 25 == 0:
            lines += ["方法\t复杂度", "快速排序\t$O(n \\log n)$", ""]
        lines.append("")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "notes.md").write_text("\n".join(lines), encoding="utf-8")


def timed(label: str, action: Callable[[], T]) -> T:
    start = time.perf_counter()
    result = action()
    print(f"  {label:<34} {time.perf_counter() - start:7.3f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--site", action="store_true", help="also time the full site build")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="notegen-bench-"))
    try:
        notes = work / "notes"
        synthetic_notes(notes, args.cards)
        size = (notes / "notes.md").stat().st_size
        print(f"{args.cards} cards, {size / 1e6:.1f} MB of notes")
        deck, _ = timed("read + parse", lambda: parse_paths([notes], "Bench"))
        loaded = timed("parse + identify (empty ledger)", lambda: load([notes], "Bench"))
        renderer = Renderer(notes)
        timed("render all cards", lambda: [renderer.card(c) for c in deck.cards])
        timed("write .apkg (renders cached)", lambda: write_apkg(
            loaded.deck, renderer, work / "bench.apkg", lambda _i, _f: 1_700_000_000, None,
            lambda _c: ""))
        loaded.ledger.updated(loaded.identified, loaded.notes_root, {}, 1_700_000_000).save()
        note = notes / "notes.md"
        original = note.read_text(encoding="utf-8")
        note.write_text(original.replace("的区别是什么", "有何不同"), encoding="utf-8")
        reworded = timed("identify, every title reworded", lambda: load([notes], "Bench"))
        counts = Counter(m.value for m in reworded.identified.matches.values())
        print(f"  {'  matched':<34} {dict(counts)}")
        note.write_text(original, encoding="utf-8")
        if args.site:
            timed("full build (deck + site)", lambda: build(notes, work / "out", SiteConfig()))
            note.write_text(note.read_text(encoding="utf-8").replace("的区别是什么", "有何不同", 1),
                            encoding="utf-8")
            timed("rebuild after one edit", lambda: build(notes, work / "out", SiteConfig()))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  {'peak memory (RSS)':<34} {peak:7.0f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
