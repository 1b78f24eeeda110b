// Self-testing on notegen's pages: a card's question shows, its answer waits in a
// collapsible block. Clicking the question, or Enter or Space on it, reveals the answer; one
// button shows them all; a cloze blank shows its text when clicked.
(() => {
  const answerOf = (question) => document.getElementById(question.getAttribute("aria-controls"));

  const toggle = (question) => {
    const answer = answerOf(question);
    if (answer) answer.open = !answer.open;
  };

  const openTarget = () => {
    const id = decodeURIComponent(location.hash.slice(1));
    const question = id && document.getElementById(id);
    if (question && question.classList.contains("ng-q")) {
      const answer = answerOf(question);
      if (answer) answer.open = true;
    }
  };

  // Listeners on the document serve every page instant navigation swaps in.
  document.addEventListener("click", (event) => {
    const cloze = event.target.closest(".ng-cloze");
    if (cloze) {
      cloze.classList.add("ng-shown");
      return;
    }
    const question = event.target.closest(".ng-q");
    if (question && !event.target.closest("a")) toggle(question);
    const all = event.target.closest("button.ng-toggle-all");
    if (all) {
      const answers = [...document.querySelectorAll("details.ng-answer")];
      const open = !answers.every((answer) => answer.open);
      answers.forEach((answer) => (answer.open = open));
      all.textContent = open ? all.dataset.hide : all.dataset.show;
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" && event.key !== " ") return;
    const target = event.target.closest(".ng-q, .ng-cloze");
    if (!target || event.target.closest("a")) return;
    event.preventDefault(); // Space would scroll the page
    if (target.classList.contains("ng-cloze")) target.classList.add("ng-shown");
    else toggle(target);
  });

  // The question tells assistive technology whether its answer is open.
  document.addEventListener("toggle", (event) => {
    const answer = event.target;
    if (!answer.matches("details.ng-answer")) return;
    const question = document.querySelector(`[aria-controls="${CSS.escape(answer.id)}"]`);
    if (question) question.setAttribute("aria-expanded", String(answer.open));
  }, true);

  // Inline math wider than its line scrolls in a box of its own (ng-wide) rather than
  // widening the page; narrower math stays on its line. Math in a closed answer has no width
  // yet: it is measured when the answer opens.
  const markWideMath = (root) => {
    for (const math of root.querySelectorAll(".arithmatex > mjx-container:not([display])")) {
      const holder = math.parentElement;
      holder.classList.remove("ng-wide");
      const box = holder.parentElement.closest("p, li, td, th, dd, div, article");
      if (box && math.getBoundingClientRect().width > box.clientWidth) {
        holder.classList.add("ng-wide");
      }
    }
  };
  document.addEventListener("notegen:typeset", () => markWideMath(document));
  document.addEventListener("toggle", (event) => {
    if (event.target.open && event.target.matches("details.ng-answer")) markWideMath(event.target);
  }, true);
  let resized = 0;
  window.addEventListener("resize", () => {
    clearTimeout(resized);
    resized = setTimeout(() => markWideMath(document), 200);
  });

  const ready = () => {
    openTarget();
    document.body.dataset.notegen = "ready";
  };
  if (typeof document$ !== "undefined") {
    document$.subscribe(ready);
  } else {
    document.addEventListener("DOMContentLoaded", ready);
  }
  window.addEventListener("hashchange", openTarget);
})();
