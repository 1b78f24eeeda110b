"""How fast notegen is, beside ankdown 0.7.1 on the same cards: figures, not a pass/fail test.

    .venv/bin/python benchmarks/bench.py [--cards 10000] [--repeat 3] [--large [50000]]

Writes synthetic notes (Chinese text with math, code and tables, 100 cards a chapter) in
notegen's syntax and the same cards in ankdown's, then measures:

- ``notegen build`` as a user runs it (a subprocess, so start-up and imports count) and
  ``ankdown --highlight`` on the same cards: CPU time (user + sys of the child and the workers
  it waited for), wall time, peak memory, and notegen's ratio to ankdown, for a cold full
  build, a cold deck-only build (when ``--only`` exists), a rebuild with nothing changed and a
  rebuild after one answer was edited (in the one file, and in the same notes written in a
  file a topic). Each figure is the median of ``--repeat`` runs, after one warm-up run of
  each tool;
- where one build spends its time, stage by stage, from an in-process build sampled every
  millisecond;
- what a phone downloads before its first search result (headless chromium, one chapter page,
  a query typed into the search box), file by file, with gzip sizes;
- with ``--large``, a cold full build of 50,000 cards and its ratio to the base size.

ankdown lives in a side venv, ``benchmarks/.ankdown-venv`` (created on demand, never
committed). When it cannot be installed, notegen's figures are printed alone.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import os
import platform
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing, contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from types import FrameType
from urllib.parse import unquote, urlsplit

WORDS = ("梯度消失", "交叉熵", "过拟合", "注意力机制", "卷积核", "感受野", "正则化", "学习率",
         "批归一化", "残差结构", "特征图", "损失函数", "优化器", "样本不均衡", "数据增强")
CARDS_PER_CHAPTER = 100
LARGE_CARDS = 50_000
# A word of many titles: the query typed into the site's search box.
QUERY = "交叉熵"
BENCHMARKS = Path(__file__).resolve().parent
ANKDOWN_VENV = BENCHMARKS / ".ankdown-venv"
ANKDOWN_VERSION = "0.7.1"
NOTEGEN = Path(sys.executable).with_name("notegen")
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
MKDOCS_YML = """\
site_name: Bench
theme:
  name: material
  language: zh
plugins:
  - search
"""
MB = 1_000_000


# ---- the cards, in both tools' syntax ----

@dataclass(frozen=True, slots=True)
class SyntheticCard:
    number: int
    """Its place in the deck, from 0; the notes number questions per chapter, from 1."""
    title: str
    ref: str
    """The source reference that ends the question in notegen's syntax (a tag)."""
    answer: tuple[str, ...]
    """Markdown lines, math between dollars."""


@dataclass(frozen=True, slots=True)
class SyntheticChapter:
    title: str
    cards: tuple[SyntheticCard, ...]


def synthetic_deck(cards: int, seed: int = 7) -> list[SyntheticChapter]:
    rng = random.Random(seed)
    chapters = []
    for first in range(0, cards, CARDS_PER_CHAPTER):
        title = f"第{first // CARDS_PER_CHAPTER + 1}章 {rng.choice(WORDS)}"
        last = min(first + CARDS_PER_CHAPTER, cards)
        chapters.append(SyntheticChapter(
            title, tuple(_synthetic_card(rng, n) for n in range(first, last))))
    return chapters


def _synthetic_card(rng: random.Random, n: int) -> SyntheticCard:
    a, b = rng.sample(WORDS, 2)
    answer: list[str] = []
    for _ in range(rng.randint(2, 5)):
        answer.append(f"- {rng.choice(WORDS)}：{_edit_point(n)}，{rng.choice(WORDS)}"
                      f"会导致 $\\frac{{\\partial L}}{{\\partial w}} \\approx 0$")
        answer.append(f"  - ◆ {rng.choice(WORDS)}与{rng.choice(WORDS)}相关")
    if n % 5 == 0:
        answer += ["", "$$L = -\\sum_i y_i \\log \\hat{y}_i$$", ""]
    if n % 10 == 0:
        answer += ["```python", f"def f{n}(x):", "    return x * 2", "```", ""]
    if n % 25 == 0:
        answer += ["方法\t复杂度", "快速排序\t$O(n \\log n)$", ""]
    return SyntheticCard(n, f"{a}和{b}的区别是什么？", f"深度学习-P{n % 300 + 1}", tuple(answer))


def _edit_point(n: int) -> str:
    """Text that only card ``n``'s answer holds (its first bullet first): where an edit goes."""
    return f"当 $x_{{{n}}} \\to 0$ 时"


def synthetic_notes(folder: Path, cards: int, seed: int = 7, by_topic: bool = False) -> None:
    """The cards as notegen reads them: ``#`` chapters, ``##`` numbered questions, in one
    file, or ``by_topic`` in a file for each topic (the word that ends a chapter's title,
    which names its subdeck and page)."""
    files: dict[str, list[str]] = {}
    for chapter in synthetic_deck(cards, seed):
        topic = chapter.title.split()[-1] if by_topic else "notes"
        lines = files.setdefault(topic, [])
        lines += [f"# {chapter.title}", "", "2024年1月1日 10:00", ""]
        for card in chapter.cards:
            number = card.number % CARDS_PER_CHAPTER + 1
            lines += [f"## {number}. {card.title}（{card.ref}）", "", *card.answer, ""]
    folder.mkdir(parents=True, exist_ok=True)
    for topic, lines in files.items():
        (folder / f"{topic}.md").write_text("\n".join(lines), encoding="utf-8")


def ankdown_notes(folder: Path, cards: int, seed: int = 7) -> None:
    """The same cards as ankdown reads them: a folder (its deck) per chapter, each card
    ``front % back % tags`` ending in ``---``, math between ``\\(…\\)`` and ``\\[…\\]``."""
    for chapter in synthetic_deck(cards, seed):
        blocks = [f"{card.title}\n\n%\n\n{_ankdown_math(chr(10).join(card.answer).strip())}"
                  f"\n\n%\n\n{card.ref}\n" for card in chapter.cards]
        deck = folder / chapter.title
        deck.mkdir(parents=True, exist_ok=True)
        (deck / "cards.md").write_text("\n---\n\n".join(blocks), encoding="utf-8")


def _ankdown_math(text: str) -> str:
    """Dollars to ankdown's delimiters (the synthetic notes hold no other dollar sign)."""
    text = re.sub(r"\$\$(.+?)\$\$", r"\\[\1\\]", text)
    return re.sub(r"\$(.+?)\$", r"\\(\1\\)", text)


def write_project(work: Path, cards: int, by_topic: bool = False) -> None:
    """The cards in notegen's syntax and the site's mkdocs.yml: in one file, and ``by_topic``
    in a file a topic too (a project of its own, in ``topics/``); and in ankdown's syntax."""
    synthetic_notes(work / "notes", cards)
    (work / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    if by_topic:
        synthetic_notes(work / "topics" / "notes", cards, by_topic=True)
        (work / "topics" / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    ankdown_notes(work / "ankdown", cards)


def edit_answer(notes: Path, card: int, mark: str) -> None:
    """Add ``mark`` to the first line of one card's answer, in whichever note holds it."""
    point = _edit_point(card)
    for note in sorted(notes.glob("*.md")):
        text = note.read_text(encoding="utf-8")
        if point in text:
            note.write_text(text.replace(point, f"{point}（{mark}）", 1), encoding="utf-8")
            return
    raise ValueError(f"card {card} is not in {notes}")


# ---- running a command and measuring it ----

@dataclass(frozen=True, slots=True)
class Run:
    cpu: float
    """User + system seconds of the child and of the processes it waited for."""
    wall: float
    rss: int
    """Peak memory in bytes: the child's max RSS, or, while it ran workers, the sum of the
    process tree's proportional set sizes, whichever is larger."""


def median_run(runs: Sequence[Run]) -> Run:
    return Run(statistics.median(r.cpu for r in runs), statistics.median(r.wall for r in runs),
               int(statistics.median(r.rss for r in runs)))


def measure(argv: Sequence[str | Path], cwd: Path) -> Run:
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        child = subprocess.Popen([str(a) for a in argv], cwd=cwd, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=errors)
        with _tree_memory(child.pid) as tree_peak:
            _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            errors.seek(0)
            raise SystemExit(f"{' '.join(map(str, argv))} failed ({child.returncode}):\n"
                             + errors.read().decode("utf-8", "replace")[-3000:])
    return Run(usage.ru_utime + usage.ru_stime, wall,
               max(usage.ru_maxrss * 1024, tree_peak()))


@contextmanager
def _tree_memory(pid: int, interval: float = 0.05) -> Iterator[Callable[[], int]]:
    """Watch a process while it runs: the peak of its tree's summed PSS (in bytes), sampled
    while it has child processes. Max RSS alone would count a worker pool as its largest
    process, and summed RSS would count the pages they share once per process."""
    peak = 0
    stop = threading.Event()

    def watch() -> None:
        nonlocal peak
        while not stop.wait(interval):
            tree = _descendants(pid)
            if tree:
                peak = max(peak, sum(_pss(p) for p in (pid, *tree)))

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield lambda: peak
    finally:
        stop.set()
        watcher.join()


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for thread in Path(f"/proc/{pid}/task").iterdir():
            for child in map(int, (thread / "children").read_text().split()):
                found += [child, *_descendants(child)]
    except (OSError, ValueError):
        pass  # the process ended meanwhile
    return found


def _pss(pid: int) -> int:
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    match = re.search(r"^Pss:\s+(\d+) kB", rollup, re.MULTILINE)
    return int(match.group(1)) * 1024 if match else 0


# ---- the two tools ----

@dataclass(frozen=True, slots=True)
class Features:
    """What the ``notegen build`` under test offers (other parts of it change meanwhile)."""

    only: bool
    """``--only anki|site``."""


def notegen_features() -> Features:
    help_text = subprocess.run([NOTEGEN, "build", "--help"], capture_output=True, text=True,
                               check=True).stdout
    return Features(only=re.search(r"--only\b.*\banki\b", help_text) is not None)


def notegen_version() -> str:
    return subprocess.run([NOTEGEN, "--version"], capture_output=True, text=True,
                          check=True).stdout.strip()


def notegen_build(out: Path, *extra: str) -> list[str | Path]:
    return [NOTEGEN, "build", "--notes", "notes", "--out", out, "--config", "mkdocs.yml", *extra]


def ankdown() -> Path | None:
    """The ankdown command of the side venv, installed on first use; None when pip cannot."""
    command = ANKDOWN_VENV / "bin" / "ankdown"
    python = ANKDOWN_VENV / "bin" / "python"
    if not _has_ankdown(python):
        print(f"installing ankdown {ANKDOWN_VERSION} into {ANKDOWN_VENV} …", flush=True)
        shutil.rmtree(ANKDOWN_VENV, ignore_errors=True)
        steps = [[sys.executable, "-m", "venv", str(ANKDOWN_VENV)],
                 [str(python), "-m", "pip", "install", "-q", f"ankdown=={ANKDOWN_VERSION}"]]
        for step in steps:
            done = subprocess.run(step, capture_output=True, text=True)
            if done.returncode != 0:
                print(f"could not install ankdown ({' '.join(step[-3:])} failed):\n"
                      f"{done.stderr.strip()[-1500:]}\nnotegen's figures alone follow.")
                return None
    return command


def _has_ankdown(python: Path) -> bool:
    if not python.is_file():
        return False
    found = subprocess.run(
        [python, "-c", "import importlib.metadata as m; print(m.version('ankdown'))"],
        capture_output=True, text=True)
    return found.stdout.strip() == ANKDOWN_VERSION


# ---- the timings ----

@dataclass(frozen=True, slots=True)
class Timings:
    cold_full: Run
    cold_deck: Run | None
    unchanged: Run
    edited: Run
    edited_topic: Run
    """The same edit, to the same notes written in a file a topic."""
    ankdown: Run | None
    cache_bytes: int | None
    """Size on disk of what the build keeps beside its outputs, when it keeps anything."""


def ankdown_build(command: Path, work: Path) -> list[str | Path]:
    return [command, "-r", work / "ankdown", "-p", work / "ankdown.apkg", "--highlight"]


def warm_up(work: Path, ankdown_run: list[str | Path] | None) -> None:
    """One unmeasured run of each tool: compiled bytecode and the page cache as warm as for
    the measured runs, and the identity ledger that notegen's cold builds then read."""
    measure(notegen_build(work / "out"), work)
    if ankdown_run:
        measure(ankdown_run, work)


def same_cards(work: Path, cards: int, ankdown_run: list[str | Path] | None) -> str:
    """Proof that the two tools are compared on the same cards: their decks' note counts."""
    counts = {"notegen": apkg_notes(next((work / "out").glob("*.apkg")))}
    if ankdown_run:
        counts["ankdown"] = apkg_notes(work / "ankdown.apkg")
    if set(counts.values()) != {cards}:
        raise SystemExit(f"the decks should hold {cards} notes each, but hold {counts}")
    return f"{' and '.join(counts)}: {cards:,} notes in each deck"


def apkg_notes(apkg: Path) -> int:
    with zipfile.ZipFile(apkg) as package, tempfile.TemporaryDirectory() as folder:
        database = package.extract("collection.anki2", folder)
        with closing(sqlite3.connect(database)) as collection:
            (count,) = collection.execute("select count(*) from notes").fetchone()
    return int(count)


def time_builds(work: Path, cards: int, repeat: int, features: Features,
                ankdown_run: list[str | Path] | None) -> Timings:
    """Runs interleaved, one round per repetition, so that a busy spell of the machine
    touches both tools alike."""
    runs: dict[str, list[Run]] = {}
    for round_ in range(repeat):
        if ankdown_run:
            runs.setdefault("ankdown", []).append(measure(ankdown_run, work))
        shutil.rmtree(work / "out")
        runs.setdefault("cold_full", []).append(measure(notegen_build(work / "out"), work))
        runs.setdefault("unchanged", []).append(measure(notegen_build(work / "out"), work))
        edited = (round_ * 997 + cards // 2) % cards
        edit_answer(work / "notes", edited, f"修订{round_}")
        runs.setdefault("edited", []).append(measure(notegen_build(work / "out"), work))
        topics = work / "topics"
        if round_ == 0:  # its first build, not measured: the edits that follow are
            measure(notegen_build(topics / "out"), topics)
        edit_answer(topics / "notes", edited, f"修订{round_}")
        runs.setdefault("edited_topic", []).append(measure(notegen_build(topics / "out"), topics))
        if features.only:
            shutil.rmtree(work / "deck-only", ignore_errors=True)
            runs.setdefault("cold_deck", []).append(
                measure(notegen_build(work / "deck-only", "--only", "anki"), work))
    medians = {name: median_run(found) for name, found in runs.items()}
    return Timings(medians["cold_full"], medians.get("cold_deck"), medians["unchanged"],
                   medians["edited"], medians["edited_topic"], medians.get("ankdown"),
                   _kept_bytes(work / "out"))


def _kept_bytes(out: Path) -> int | None:
    """What a build leaves in its output folder besides the deck and the site: its cache."""
    kept = [p for p in out.iterdir() if p.name != "site" and p.suffix != ".apkg"]
    if not kept:
        return None
    return sum(f.stat().st_size for p in kept for f in (p.rglob("*") if p.is_dir() else [p])
               if f.is_file())


def time_large(work: Path, cards: int, repeat: int) -> Run:
    write_project(work, cards)
    warm_up(work, None)
    runs = []
    for _ in range(repeat):
        shutil.rmtree(work / "out")
        runs.append(measure(notegen_build(work / "out"), work))
    return median_run(runs)


# ---- where the time goes: an in-process build, sampled ----

# The package (or module) whose code a stage runs; a sample counts for the innermost frame
# on the stack that belongs to one, so markdown-it counts as parse when the parser calls it
# and as render when the renderer does.
STAGE_OF_PACKAGE = {
    "notegen.read": "parse", "notegen.scan": "parse",
    "notegen.segment": "parse", "notegen.styles": "parse", "notegen.titles": "parse",
    "notegen.ledger": "identify",
    "notegen.render": "render", "notegen.markdown": "render", "notegen.sanitize": "render",
    "markdown_it": "render", "mdit_py_plugins": "render", "pygments": "render", "nh3": "render",
    "notegen.emit.anki": "deck", "genanki": "deck",
    "notegen.terms": "search", "notegen.emit.site.search": "search",
    "material.plugins.search": "search", "jieba": "search",
    "notegen.emit.site": "site", "mkdocs": "site", "material": "site", "markdown": "site",
    "pymdownx": "site", "jinja2": "site",
}
STAGES = ("start-up", "parse", "identify", "render", "deck", "search", "site", "other")


@functools.cache
def _stage_of_module(module: str) -> str | None:
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        if stage := STAGE_OF_PACKAGE.get(".".join(parts[:n])):
            return stage
    return None


def _stage_of(frame: FrameType | None) -> str:
    while frame is not None:
        if stage := _stage_of_module(frame.f_globals.get("__name__", "")):
            return stage
        frame = frame.f_back
    return "other"


@dataclass(frozen=True, slots=True)
class StageTimes:
    """Seconds per stage of one build: wall time, and the CPU time of the thread that ran it
    (steadier on a busy machine; work handed to other processes is not in it)."""

    wall: dict[str, float]
    cpu: dict[str, float]


class StageSampler:
    """Every millisecond (or when the sampled thread next lets go of the GIL), the wall and
    CPU time since the last sample go to the stage the thread is in."""

    def __init__(self, thread_id: int) -> None:
        self.wall: defaultdict[str, float] = defaultdict(float)
        self.cpu: defaultdict[str, float] = defaultdict(float)
        self._thread_id = thread_id
        self._clock = time.pthread_getcpuclockid(thread_id)
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> StageSampler:
        self._sampler.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._sampler.join()

    def _sample(self) -> None:
        last, last_cpu = time.perf_counter(), time.clock_gettime(self._clock)
        while not self._stop.wait(0.001):
            stage = _stage_of(sys._current_frames().get(self._thread_id))
            now, now_cpu = time.perf_counter(), time.clock_gettime(self._clock)
            self.wall[stage] += now - last
            self.cpu[stage] += now_cpu - last_cpu
            last, last_cpu = now, now_cpu


def profile_build(argv: list[str], cwd: str) -> tuple[dict[str, float], dict[str, float]]:
    """Run ``notegen`` with ``argv`` in this process, a fresh interpreter (so that imports
    and jieba's dictionary count): wall and CPU seconds per stage."""
    os.chdir(cwd)
    start, start_cpu = time.perf_counter(), time.process_time()
    from notegen.cli import run

    wall = {"start-up": time.perf_counter() - start}
    cpu = {"start-up": time.process_time() - start_cpu}
    errors = io.StringIO()
    with (redirect_stdout(io.StringIO()), redirect_stderr(errors),
          StageSampler(threading.get_ident()) as sampler):
        status = run(argv)
    if status != 0:
        raise RuntimeError(f"notegen {' '.join(argv)} failed:\n{errors.getvalue()[-3000:]}")
    return wall | sampler.wall, cpu | sampler.cpu


def stage_breakdown(work: Path, cards: int) -> dict[str, StageTimes]:
    """One profiled build of each kind, each in a new interpreter."""
    argv = [str(a) for a in notegen_build(work / "out")[1:]]
    builds: dict[str, StageTimes] = {}
    spawn = get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=spawn, max_tasks_per_child=1) as pool:
        def profiled() -> StageTimes:
            return StageTimes(*pool.submit(profile_build, argv, str(work)).result())

        shutil.rmtree(work / "out")
        builds["cold"] = profiled()
        builds["unchanged"] = profiled()
        edit_answer(work / "notes", cards // 3, "再修订")
        builds["one edit"] = profiled()
    return builds


# ---- what a phone downloads before its first search result ----

@dataclass(frozen=True, slots=True)
class Fetched:
    path: str
    raw: int
    gzipped: int


@dataclass(frozen=True, slots=True)
class SearchDownload:
    page: str
    files: tuple[Fetched, ...]
    seconds: float
    """From opening the page to the first result on screen (headless chromium, here)."""


def first_search_download(site: Path, query: str) -> SearchDownload | str:
    """Open one chapter page on a phone-sized screen, search, and list every file the server
    sent before the first result showed; or why that could not be measured."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    if not CHROMIUM.is_file():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    pages = sorted(page for page in site.glob("*/index.html")
                   if page.parent.name not in ("study", "search", "assets"))
    if not pages:
        return f"no chapter page in {site}"
    page_path = "/" + pages[0].parent.relative_to(site).as_posix() + "/"
    served: list[str] = []

    from notegen.serve import QuietHandler

    class Recording(QuietHandler):
        def do_GET(self) -> None:
            served.append(self.path)
            super().do_GET()

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Recording, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            phone = browser.new_context(viewport={"width": 390, "height": 844},
                                        is_mobile=True, has_touch=True)
            tab = phone.new_page()
            start = time.perf_counter()
            try:
                # The search box works once the page's scripts run, before its images load.
                tab.goto(f"http://127.0.0.1:{server.server_address[1]}{page_path}",
                         wait_until="domcontentloaded", timeout=300_000)
                tab.locator("label.md-header__button[for=__search]").click()
                field = tab.locator("input.md-search__input")
                field.type(query)
                field.press("End")  # typing Chinese sends no key events; Material searches on keyup
                tab.wait_for_selector(".md-search-result__item", timeout=300_000)
            except Error as exc:
                return f"no search result for {query!r}: {exc}"
            seconds = time.perf_counter() - start
            before_result = list(dict.fromkeys(served))
            browser.close()
    finally:
        server.shutdown()
    files = tuple(f for f in map(functools.partial(_fetched, site), before_result) if f)
    return SearchDownload(page_path, files, seconds)


def _fetched(site: Path, url_path: str) -> Fetched | None:
    path = unquote(urlsplit(url_path).path)
    file = site / path.lstrip("/")
    if file.is_dir():
        file = file / "index.html"
    if not file.is_file():
        return None
    data = file.read_bytes()
    return Fetched(path, len(data), len(gzip.compress(data, compresslevel=6, mtime=0)))


# ---- the report ----

def _ratio(numerator: float, denominator: float | None) -> str:
    return f"{numerator / denominator:6.2f}×" if denominator else "      –"


def _run_row(label: str, run: Run | None, base: Run | None, missing: str = "") -> str:
    if run is None:
        return f"  {label:<34} {missing}"
    return (f"  {label:<34} {run.cpu:7.2f} s {run.wall:7.2f} s {run.rss / MB:6.0f} MB"
            f"   {_ratio(run.cpu, base.cpu if base else None)}"
            f" {_ratio(run.wall, base.wall if base else None)}")


def print_timings(timings: Timings, features: Features) -> None:
    base = timings.ankdown
    print(f"  {'':<34} {'CPU':>9} {'wall':>9} {'peak mem':>9}   {'÷ ankdown (CPU, wall)':>15}")
    if base:
        print(_run_row(f"ankdown {ANKDOWN_VERSION} --highlight (deck)", base, None))
    print(_run_row("cold full build (deck + site)", timings.cold_full, base))
    print(_run_row("cold deck only (--only anki)", timings.cold_deck, base,
                   "not measured: `notegen build` has no --only"))
    print(_run_row("rebuild, nothing changed", timings.unchanged, base))
    print(_run_row("rebuild after one answer edited", timings.edited, base))
    print(_run_row("  the notes in a file a topic", timings.edited_topic, base))
    if base:
        print("  (ankdown has no incremental build: each of its builds is a full one, the"
              " denominator of every ratio)")
    if timings.cache_bytes is not None:
        print(f"  build cache beside the output: {timings.cache_bytes / MB:.1f} MB")
    else:
        print("  no build cache: the output folder holds only the deck and the site")


def print_stages(builds: dict[str, StageTimes]) -> None:
    names = list(builds)
    print(f"  {'':<10}" + "".join(f"{name:>20}" for name in names))
    print(f"  {'':<10}" + f"{'wall':>10}{'CPU':>10}" * len(names))
    for stage in (*STAGES, "total"):
        cells = (f"{_seconds(t.wall, stage):8.2f} s{_seconds(t.cpu, stage):8.2f} s"
                 for t in builds.values())
        print(f"  {stage:<10}" + "".join(cells))


def _seconds(times: dict[str, float], stage: str) -> float:
    return sum(times.values()) if stage == "total" else times.get(stage, 0.0)


def print_download(download: SearchDownload | str) -> None:
    if isinstance(download, str):
        print(f"  not measured: {download}")
        return
    print(f"  page {download.page}, query {QUERY!r}; first result after {download.seconds:.1f} s"
          " (headless chromium on this machine)")
    print(f"  {'file':<60} {'raw':>10} {'gzip':>10}")
    for f in sorted(download.files, key=lambda f: -f.gzipped):
        print(f"  {f.path[-60:]:<60} {f.raw / 1000:8.1f} kB {f.gzipped / 1000:8.1f} kB")
    index = sum(f.gzipped for f in download.files if f.path.endswith(".json"))
    page = sum(f.gzipped for f in download.files if f.path == download.page)
    total = sum(f.gzipped for f in download.files)
    print(f"  search index (JSON) {index / 1000:.1f} kB gzip; the page {page / 1000:.1f} kB gzip;"
          f" in all {total / 1000:.1f} kB gzip ({sum(f.raw for f in download.files) / 1000:.1f}"
          " kB raw)")


def print_large(large: Run, base: Run, scale: float) -> None:
    print(_run_row("cold full build (deck + site)", large, None))
    print(f"  {large.cpu / base.cpu:.2f}× the CPU and {large.wall / base.wall:.2f}× the wall time"
          f" of the base size, for {scale:.1f}× the cards")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--large", type=int, nargs="?", const=LARGE_CARDS, default=None,
                        metavar="CARDS", help=f"also a cold full build of {LARGE_CARDS:,} cards")
    args = parser.parse_args()
    features = notegen_features()
    ankdown_command = ankdown()
    work = Path(tempfile.mkdtemp(prefix="notegen-bench-"))
    try:
        write_project(work, args.cards, by_topic=True)
        ankdown_run = ankdown_build(ankdown_command, work) if ankdown_command else None
        size = (work / "notes" / "notes.md").stat().st_size
        print(f"{notegen_version()} beside ankdown {ANKDOWN_VERSION} --highlight"
              if ankdown_run else notegen_version())
        print(f"{args.cards:,} cards ({size / MB:.1f} MB of notes); {os.cpu_count()} cores, "
              f"Python {platform.python_version()}; `notegen build` offers: "
              f"--only {'yes' if features.only else 'no'}", flush=True)
        warm_up(work, ankdown_run)
        print(same_cards(work, args.cards, ankdown_run))
        print(f"\nBuilds as a user runs them: the median of {args.repeat} after a warm-up "
              "(cold: no output folder, the ledger in place)", flush=True)
        timings = time_builds(work, args.cards, args.repeat, features, ankdown_run)
        print_timings(timings, features)
        print(f"\nWhat a phone downloads before its first search result ({args.cards:,} cards)",
              flush=True)
        print_download(first_search_download(work / "out" / "site", QUERY))
        print("\nWhere one in-process build spends its time (sampled every millisecond)",
              flush=True)
        print_stages(stage_breakdown(work, args.cards))
        if args.large:
            print(f"\n{args.large:,} cards, cold full build (the median of {args.repeat})",
                  flush=True)
            print_large(time_large(work / "large", args.large, args.repeat), timings.cold_full,
                        args.large / args.cards)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
