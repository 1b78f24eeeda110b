// The study mode: the cards one at a time, each revealed and graded "again" or "good", on
// every chapter page (a Study button in the toolbar) and for the whole site (the Study page).
//
// Everything stays in the browser: the cards come from script files written beside the site
// by emit/site/study.py (scripts, because a page opened from file:// may load a script but
// not fetch a file), and progress is kept in localStorage. Nothing is sent anywhere.
(() => {
  "use strict";

  // study.js is served from assets/notegen/; the site's root is two folders up. Several
  // sites can share an origin (file://, user.github.io/repo/): each keeps its own progress.
  const ROOT = new URL("../../", document.currentScript.src);
  const DATA = new URL("assets/study/", ROOT);
  const STORE = `notegen-study:${ROOT.pathname}`;
  const ALL = "*"; // the scope of the Study page; a chapter page's scope is its URL
  const AGAIN = 0;
  const GOOD = 1;

  const TEXT = {
    zh: {
      study: "学习", allChapters: "全部章节", chapter: "章节", tag: "标签", anyTag: "全部标签",
      onlyMissed: "只学答错的", shuffle: "随机顺序", start: "开始（{n} 张）",
      resume: "继续（{at} / {n}）", show: "显示答案", again: "忘记", good: "记得",
      space: "空格", close: "关闭", loading: "加载中…",
      keys: "键盘：空格显示答案；然后 1 忘记，2 或空格记得。",
      keysInDialog: "键盘：空格显示答案；然后 1 忘记，2 或空格记得；Esc 关闭。",
      stats: "{n} 张卡片：{good} 张记得，{missed} 张忘记，{fresh} 张未学。",
      none: "没有符合条件的卡片。", noAnswer: "（笔记中没有答案）",
      done: "完成：{good} 张记得，{missed} 张忘记。", studyMissed: "再学忘记的 {n} 张",
      newSession: "重新开始", onPage: "在页面中查看",
      failed: "学习数据无法加载：网站可能刚更新过，请刷新页面。",
      unsaved: "进度无法保存：此浏览器不允许本地存储。",
    },
    en: {
      study: "Study", allChapters: "All chapters", chapter: "Chapter", tag: "Tag",
      anyTag: "Any tag", onlyMissed: "Only the ones I missed", shuffle: "Shuffle",
      start: "Start ({n} cards)", resume: "Resume ({at} / {n})", show: "Show answer",
      again: "Again", good: "Good", space: "Space", close: "Close", loading: "Loading…",
      keys: "Keys: Space shows the answer; then 1 for again, 2 or Space for good.",
      keysInDialog: "Keys: Space shows the answer; then 1 for again, 2 or Space for good; " +
        "Esc closes.",
      stats: "{n} cards: {good} good, {missed} missed, {fresh} not studied yet.",
      none: "No card matches.", noAnswer: "(no answer in the notes)",
      done: "Done: {good} good, {missed} missed.", studyMissed: "Study the {n} missed again",
      newSession: "New session", onPage: "See it on its page",
      failed: "The study data could not be loaded: the site may have just been updated. " +
        "Reload the page.",
      unsaved: "Progress cannot be saved: this browser does not allow local storage.",
    },
  };

  const text = (key, values = {}) => {
    const lang = document.documentElement.lang.startsWith("zh") ? "zh" : "en";
    return TEXT[lang][key].replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
  };

  const el = (tag, attrs = {}, children = []) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value !== null && value !== false) node.setAttribute(name, value === true ? "" : value);
    }
    node.append(...children.filter((child) => child !== null));
    return node;
  };

  // --- data: an index, then chunks of cards, each a script calling notegenStudyLoad --------

  const arrived = new Map(); // script name → its promise's resolve
  const scripts = new Map(); // script name → promise of its payload
  window.notegenStudyLoad = (name, payload) => {
    const resolve = arrived.get(name);
    arrived.delete(name);
    resolve?.(payload);
  };

  const loadScript = (name) => {
    if (!scripts.has(name)) {
      const tag = el("script", { src: new URL(`${name}.js`, DATA).href });
      const loading = new Promise((resolve, reject) => {
        arrived.set(name, resolve);
        const fail = () => {
          arrived.delete(name);
          scripts.delete(name); // a later call tries again
          reject(new Error(`notegen: ${tag.src} did not load`));
        };
        tag.onerror = fail;
        tag.onload = () => arrived.has(name) && fail(); // it ran without handing over data
      }).finally(() => tag.remove());
      scripts.set(name, loading);
      document.head.append(tag);
    }
    return scripts.get(name);
  };

  // A page's address as the site links to it: "chapter/", "chapter/index.html" and
  // "chapter/#card" are one page.
  const pageKey = (href) => {
    const url = new URL(href);
    return decodeURI(url.pathname.replace(/index\.html$/, ""));
  };

  class Deck {
    constructor(index) {
      this.pages = index.pages.map(([url, title, count]) => ({ url, title, count,
                                                               href: new URL(url, ROOT).href }));
      this.ids = index.ids;
      this.tags = index.tags;
      this.cardTags = index.cardTags;
      this.chunks = index.chunks;
      this.position = new Map(this.ids.map((id, i) => [id, i]));
      this.pageOf = this.pages.flatMap((page, n) => Array(page.count).fill(n));
      this.chunkOf = this.chunks.flatMap(([, count], n) => Array(count).fill(n));
      this.chunkStart = [];
      let start = 0;
      for (const [, count] of this.chunks) {
        this.chunkStart.push(start);
        start += count;
      }
    }

    has(id) { return this.position.has(id); }
    page(id) { return this.pages[this.pageOf[this.position.get(id)]]; }
    tagsOf(id) { return this.cardTags[this.position.get(id)].map((n) => this.tags[n]); }

    idsOfPage(page) {
      const first = this.pageOf.indexOf(this.pages.indexOf(page));
      return this.ids.slice(first, first + page.count);
    }

    pageAt(href) { return this.pages.find((page) => pageKey(page.href) === pageKey(href)); }

    chunkName(id) { return this.chunks[this.chunkOf[this.position.get(id)]][0]; }

    async card(id) {
      const i = this.position.get(id);
      const rows = await loadScript(this.chunkName(id));
      const [question, answer, context] = rows[i - this.chunkStart[this.chunkOf[i]]];
      return { id, question, answer, context, page: this.page(id), tags: this.tagsOf(id) };
    }

    prefetch(id) {
      // A failure here shows when the card is due: loadScript forgets failed loads.
      if (id !== undefined && this.has(id)) loadScript(this.chunkName(id)).catch(() => {});
    }
  }

  let deckLoading = null;
  const loadDeck = () => {
    deckLoading ??= loadScript("index").then((index) => new Deck(index), (error) => {
      deckLoading = null;
      throw error;
    });
    return deckLoading;
  };

  // --- progress: each card's last grade, and each scope's session, in localStorage ---------

  const emptyProgress = () => ({ v: 1, cards: {}, sessions: {} });

  const readProgress = () => {
    try {
      const stored = JSON.parse(localStorage.getItem(STORE));
      const readable = stored?.v === 1 && typeof stored.cards === "object"
        && typeof stored.sessions === "object";
      return readable ? stored : emptyProgress();
    } catch {
      return emptyProgress(); // storage disabled, or a value this version cannot read
    }
  };

  // Read, change, write back: another tab may have graded cards since this one last read.
  const saveProgress = (change) => {
    const progress = readProgress();
    change(progress);
    try {
      localStorage.setItem(STORE, JSON.stringify(progress));
      return true;
    } catch {
      return false;
    }
  };

  const missed = (progress, id) => progress.cards[id]?.[0] === AGAIN;

  const tally = (progress, ids) => {
    const counts = { n: ids.length, good: 0, missed: 0, fresh: 0 };
    for (const id of ids) {
      const grade = progress.cards[id]?.[0];
      if (grade === GOOD) counts.good += 1;
      else if (grade === AGAIN) counts.missed += 1;
      else counts.fresh += 1;
    }
    return counts;
  };

  const shuffled = (items) => {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i -= 1) {
      const j = Math.floor(Math.random() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  };

  // --- math: MathJax is on every page (mathjax-config.js) ---------------------------------

  // Typeset calls are chained on MathJax's own promise, as MathJax asks, so that two never
  // work on the page at once.
  const typeset = (node) => {
    const mathjax = window.MathJax;
    if (!mathjax?.startup?.promise) return Promise.resolve();
    mathjax.startup.promise = mathjax.startup.promise
      .then(() => mathjax.typesetPromise([node]))
      .catch((error) => console.error("notegen: MathJax could not typeset a card", error));
    return mathjax.startup.promise;
  };

  const forgetMath = (node) => window.MathJax?.typesetClear?.([node]);

  // --- one card on screen -----------------------------------------------------------------

  // Card HTML was written for its own page: its images and links are relative to that page.
  const fromPage = (markup, page, className) => {
    const node = el("div", { class: className });
    node.innerHTML = markup; // sanitized when the site was built
    for (const item of node.querySelectorAll("[src], [href]")) {
      for (const attr of ["src", "href"]) {
        const value = item.getAttribute(attr);
        if (value !== null) item.setAttribute(attr, new URL(value, page.href).href);
      }
    }
    return node;
  };

  // A cloze front first shows each deletion as a blank (its hint, if it has one).
  const blanked = (front) => {
    const copy = front.cloneNode(true);
    const outer = [...copy.querySelectorAll(".ng-cloze")]
      .filter((span) => !span.parentElement.closest(".ng-cloze"));
    for (const span of outer) {
      span.replaceChildren(`[${span.getAttribute("title") || "…"}]`);
      span.classList.add("ng-blank");
    }
    return copy;
  };

  // What waits for the reveal is laid out (out of sight) from the start, so that MathJax can
  // measure it when the card is typeset and the reveal is instant.
  const waiting = (node) => el("div", { class: "ng-study-later" }, [node]);

  class CardView {
    constructor(card, linkToPage) {
      const front = fromPage(card.question, card.page, "ng-study-q");
      const cloze = front.querySelector(".ng-cloze") !== null;
      // The page reveals deletions one by one, each a stop for the keyboard; here the reveal
      // shows them all.
      for (const span of front.querySelectorAll(".ng-cloze")) span.removeAttribute("tabindex");
      this.blanks = cloze ? blanked(front) : null; // shown instead of the front until the reveal
      this.front = cloze ? waiting(front) : null;
      const answer = card.answer
        ? fromPage(card.answer, card.page, "ng-study-a")
        : el("div", { class: "ng-study-a" }, [el("p", { class: "ng-empty" }, [text("noAnswer")])]);
      if (linkToPage) {
        answer.append(el("p", { class: "ng-study-onpage" }, [
          el("a", { href: `${card.page.href}#${card.id}` }, [text("onPage")])]));
      }
      this.answer = waiting(answer);
      const tags = card.tags.length
        ? el("p", { class: "ng-tags" },
             card.tags.map((tag) => el("span", { class: "ng-tag" }, [tag])))
        : null;
      this.node = el("article", { class: "ng-study-card", "data-card": card.id,
                                  "data-tags": card.tags.join(" "), tabindex: "-1" }, [
        card.context ? fromPage(card.context, card.page, "ng-context") : null,
        this.blanks ?? front, this.front, tags, this.answer,
      ]);
    }

    reveal() {
      this.blanks?.remove();
      this.front?.classList.remove("ng-study-later");
      this.answer.classList.remove("ng-study-later");
      this.node.classList.add("is-revealed");
    }
  }

  const showFailure = (host, error) => {
    console.warn(error);
    const close = host.tagName === "DIALOG"
      ? el("button", { type: "button", class: "ng-study-btn" }, [text("close")])
      : null;
    close?.addEventListener("click", () => host.close());
    host.replaceChildren(el("p", { class: "ng-study-failed", role: "alert" }, [text("failed")]),
                         ...(close ? [close] : []));
  };

  // --- a study session in a host element: the Study page, or a chapter page's dialog -------

  class Study {
    constructor(host, deck, scope, ids, dialog) {
      this.deck = deck;
      this.scope = scope;
      this.ids = ids; // the cards in scope, in page order
      this.dialog = dialog;
      this.view = null; // the card on screen, once loaded
      this.current = null; // its session and id
      this.revealed = false;
      this.shown = 0; // counts card loads: a slow one must not replace a later card
      this.count = el("span", { class: "ng-study-count", "aria-live": "polite" });
      this.fill = el("span");
      this.body = el("div", { class: "ng-study-body" });
      this.actions = el("div", { class: "ng-study-actions" });
      this.notice = el("p", { class: "ng-study-notice", role: "status" });
      this.where = el("span", { class: "ng-study-where" }, [this.title()]);
      const close = dialog
        ? el("button", { type: "button", class: "ng-study-close", "aria-label": text("close"),
                         title: text("close") }, ["×"])
        : null;
      close?.addEventListener("click", () => dialog.close());
      this.node = el("div", { class: "ng-study" }, [
        el("div", { class: "ng-study-head" }, [
          this.where, this.count, close]),
        el("div", { class: "ng-study-bar", "aria-hidden": "true" }, [this.fill]),
        this.body, this.notice, this.actions,
      ]);
      host.replaceChildren(this.node);
      dialog?.addEventListener("keydown", (event) => this.key(event));
    }

    // What the cards on screen are from: the page's chapter, or on the Study page the
    // chapter of the card shown.
    title(card = null) {
      if (card) return card.page.title;
      return this.scope === ALL ? text("allChapters") : this.deck.page(this.ids[0]).title;
    }

    session(progress) {
      const stored = progress.sessions[this.scope];
      if (!stored) return null;
      // Cards deleted from the notes since leave the session; the position moves with them.
      const done = stored.ids.slice(0, stored.at).filter((id) => this.deck.has(id)).length;
      const ids = stored.ids.filter((id) => this.deck.has(id));
      return { ...stored, ids, at: done };
    }

    save(change) {
      const saved = saveProgress(change);
      this.notice.textContent = saved ? "" : text("unsaved");
    }

    matching(filter, progress) {
      return this.ids.filter((id) =>
        (!filter.page || this.deck.page(id).url === filter.page)
        && (!filter.tag || this.deck.tagsOf(id).includes(filter.tag))
        && (!filter.missed || missed(progress, id)));
    }

    screen(name, count, share) {
      this.node.dataset.screen = name;
      this.where.textContent = this.title();
      this.count.textContent = count;
      this.fill.style.width = `${Math.round(share * 100)}%`;
    }

    // The last button is the one to press next: it takes the focus, unless the reader is
    // elsewhere on the Study page (opening it must not move the focus).
    buttons(...items) {
      const focused = this.dialog || this.node.contains(document.activeElement);
      this.actions.replaceChildren(...items);
      if (focused) items[items.length - 1]?.focus({ preventScroll: true });
    }

    button(label, onClick, { kind = "", keys = [] } = {}) {
      const node = el("button", { type: "button", class: `ng-study-btn ${kind}`.trim() }, [
        label, ...keys.map((key) => el("kbd", {}, [key]))]);
      node.addEventListener("click", onClick);
      return node;
    }

    // The first screen: which cards, in which order; resume the last session or start anew.
    showSetup() {
      this.leaveCard();
      const progress = readProgress();
      const session = this.session(progress);
      const filter = { page: "", tag: "", missed: false, shuffle: false, ...session?.filter };
      const stats = el("p", { class: "ng-study-stats", "aria-live": "polite" });
      const start = this.button("", () => this.start(filter));
      const update = () => {
        const now = readProgress();
        const ids = this.matching(filter, now);
        stats.textContent = ids.length ? text("stats", tally(now, ids)) : text("none");
        start.textContent = text("start", { n: ids.length });
        start.disabled = ids.length === 0;
      };
      const fields = el("div", { class: "ng-study-setup" }, [
        this.scope === ALL ? this.choice(text("chapter"), "page", filter, update,
          [["", text("allChapters")], ...this.deck.pages.map((p) => [p.url, p.title])]) : null,
        this.tagChoice(filter, update),
        this.toggle(text("onlyMissed"), "missed", filter, update),
        this.toggle(text("shuffle"), "shuffle", filter, update),
        stats,
        el("p", { class: "ng-study-keys" }, [text(this.dialog ? "keysInDialog" : "keys")]),
      ]);
      this.body.replaceChildren(fields);
      this.screen("setup", "", 0);
      update();
      const unfinished = session && session.at < session.ids.length;
      this.buttons(...(unfinished
        ? [start, this.button(text("resume", { at: session.at + 1, n: session.ids.length }),
                              () => this.showCard(), { kind: "ng-primary" })]
        : [start]));
      start.classList.toggle("ng-primary", !unfinished);
    }

    choice(label, name, filter, update, options) {
      const select = el("select", { "data-filter": name },
        options.map(([value, title]) => el("option", { value }, [title])));
      select.value = options.some(([value]) => value === filter[name]) ? filter[name] : "";
      filter[name] = select.value;
      select.addEventListener("change", () => {
        filter[name] = select.value;
        update();
      });
      return el("label", { class: "ng-study-field" }, [el("span", {}, [label]), select]);
    }

    tagChoice(filter, update) {
      const counts = new Map();
      for (const id of this.ids) {
        for (const tag of this.deck.tagsOf(id)) counts.set(tag, (counts.get(tag) ?? 0) + 1);
      }
      if (!counts.size) {
        filter.tag = "";
        return null;
      }
      const tags = [...counts.keys()].sort((a, b) => a.localeCompare(b, undefined,
                                                                      { numeric: true }));
      return this.choice(text("tag"), "tag", filter, update,
        [["", text("anyTag")], ...tags.map((tag) => [tag, `${tag} (${counts.get(tag)})`])]);
    }

    toggle(label, name, filter, update) {
      const box = el("input", { type: "checkbox", "data-filter": name, checked: filter[name] });
      box.addEventListener("change", () => {
        filter[name] = box.checked;
        update();
      });
      return el("label", { class: "ng-study-toggle" }, [box, el("span", {}, [label])]);
    }

    start(filter, ids = this.matching(filter, readProgress())) {
      const session = { ids: filter.shuffle ? shuffled(ids) : ids, at: 0, filter };
      this.save((progress) => {
        progress.sessions[this.scope] = session;
        // Sessions of pages that are gone would otherwise stay in storage for good.
        for (const scope of Object.keys(progress.sessions)) {
          if (scope !== ALL && !this.deck.pages.some((page) => page.url === scope)) {
            delete progress.sessions[scope];
          }
        }
      });
      this.showCard();
    }

    async showCard() {
      const session = this.session(readProgress());
      if (!session || session.at >= session.ids.length) {
        this.showDone();
        return;
      }
      const id = session.ids[session.at];
      const shown = ++this.shown;
      this.leaveCard();
      this.revealed = false;
      const { at, ids } = session;
      this.screen("card", `${at + 1} / ${ids.length}`, at / ids.length);
      this.body.replaceChildren(el("p", { class: "ng-study-loading" }, [text("loading")]));
      const show = this.button(text("show"), () => this.reveal(), { kind: "ng-primary",
                                                                    keys: [text("space")] });
      // Not disabled while the card loads: a disabled button would drop the focus.
      show.setAttribute("aria-disabled", "true");
      this.buttons(show);
      let card;
      try {
        card = await this.deck.card(id);
      } catch (error) {
        if (shown === this.shown) this.fail(error);
        return;
      }
      if (shown !== this.shown) return;
      this.current = { session, id };
      this.where.textContent = this.title(card);
      this.view = new CardView(card, this.scope === ALL);
      this.body.replaceChildren(this.view.node);
      this.body.scrollTop = 0;
      this.view.node.addEventListener("click", (event) => {
        if (!event.target.closest("a, button, .ng-study-a")) this.reveal(); // tap to reveal
      });
      show.removeAttribute("aria-disabled");
      this.deck.prefetch(session.ids[session.at + 1]);
      await typeset(this.view.node);
    }

    leaveCard() {
      if (this.view) forgetMath(this.view.node);
      this.view = null;
      this.current = null;
    }

    reveal() {
      if (!this.view || this.revealed) return;
      this.revealed = true;
      this.view.reveal();
      this.buttons(
        this.button(text("again"), () => this.grade(AGAIN), { kind: "ng-again", keys: ["1"] }),
        this.button(text("good"), () => this.grade(GOOD),
                    { kind: "ng-good", keys: ["2", text("space")] }));
    }

    grade(grade) {
      if (!this.view || !this.revealed) return;
      const { session, id } = this.current;
      this.save((progress) => {
        progress.cards[id] = [grade, Math.floor(Date.now() / 1000)];
        progress.sessions[this.scope] = { ...session, at: session.at + 1 };
      });
      this.showCard();
    }

    showDone() {
      this.leaveCard();
      const progress = readProgress();
      const session = this.session(progress) ?? { ids: [], filter: {} };
      const counts = tally(progress, session.ids);
      this.screen("done", `${session.ids.length} / ${session.ids.length}`, 1);
      this.body.replaceChildren(el("p", { class: "ng-study-done" }, [text("done", counts)]));
      const again = session.ids.filter((id) => missed(progress, id));
      this.buttons(...[
        this.button(text("newSession"), () => this.showSetup()),
        again.length ? this.button(text("studyMissed", { n: again.length }),
          () => this.start({ ...session.filter, missed: true }, again), { kind: "ng-primary" })
          : null,
      ].filter((item) => item !== null));
    }

    fail(error) {
      showFailure(this.body, error);
      this.buttons();
    }

    key(event) {
      if (this.dialog) event.stopPropagation(); // the page's shortcuts wait behind the dialog
      const field = event.target.closest?.("input, select, textarea, [contenteditable]");
      if (!this.view || field || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === " ") {
        if (this.revealed) this.grade(GOOD);
        else this.reveal();
      } else if (this.revealed && (event.key === "1" || event.key === "2")) {
        this.grade(event.key === "1" ? AGAIN : GOOD);
      } else {
        return;
      }
      event.preventDefault(); // Space would also press the focused button, or scroll
    }
  }

  // --- where the study mode appears --------------------------------------------------------

  // The Study page's keys act wherever the focus is (but in a field): one listener for
  // whichever Study page is on screen.
  let pageStudy = null;
  document.addEventListener("keydown", (event) => {
    if (pageStudy?.node.isConnected) pageStudy.key(event);
  });

  const mountStudyPage = async (host) => {
    host.replaceChildren(el("p", { class: "ng-study-loading" }, [text("loading")]));
    try {
      const deck = await loadDeck();
      if (!host.isConnected) return; // the reader has moved on
      pageStudy = new Study(host, deck, ALL, deck.ids, null);
      pageStudy.showSetup();
    } catch (error) {
      showFailure(host, error);
    }
  };

  // A chapter page studies its own cards in a dialog, made when first opened.
  const addStudyButton = (toolbar) => {
    const dialog = el("dialog", { class: "ng-study-dialog", "aria-label": text("study") });
    const open = el("button", { type: "button",
                                class: "md-button md-button--primary ng-study-open" },
                    [text("study")]);
    let study = null;
    open.addEventListener("click", async () => {
      dialog.showModal();
      if (study) {
        study.showSetup();
        return;
      }
      dialog.replaceChildren(el("p", { class: "ng-study-loading" }, [text("loading")]));
      try {
        const deck = await loadDeck();
        const page = deck.pageAt(location.href);
        if (!page) throw new Error(`notegen: no study data for ${location.href}`);
        study = new Study(dialog, deck, page.url, deck.idsOfPage(page), dialog);
        study.showSetup();
      } catch (error) {
        showFailure(dialog, error);
      }
    });
    toolbar.append(open, dialog);
  };

  const mounted = new WeakSet();
  const once = (node, mount) => {
    if (!mounted.has(node)) {
      mounted.add(node);
      mount(node);
    }
  };

  const setup = () => {
    for (const host of document.querySelectorAll(".ng-study-page")) once(host, mountStudyPage);
    for (const toolbar of document.querySelectorAll(".ng-toolbar")) once(toolbar, addStudyButton);
  };

  // Material's instant navigation swaps pages without reloading and emits document$ for each;
  // where it emits nothing (a page opened from file://), the page as loaded is set up.
  if (typeof document$ !== "undefined") document$.subscribe(setup);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
