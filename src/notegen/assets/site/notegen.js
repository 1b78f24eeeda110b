// Self-testing on notegen's pages: a card's question shows, its answer waits in a
// collapsible block. Clicking the question (or "Answer") reveals it; one button shows all.
(() => {
  const answerOf = (heading) => {
    const next = heading.parentElement
      ? [...heading.parentElement.children].slice([...heading.parentElement.children].indexOf(heading) + 1)
      : [];
    for (const el of next) {
      if (el.matches("details.ng-answer")) return el;
      if (el.matches("h1, h2")) return null;
    }
    return null;
  };

  const openTarget = () => {
    const id = decodeURIComponent(location.hash.slice(1));
    const heading = id && document.getElementById(id);
    if (heading && heading.classList.contains("ng-card")) {
      const answer = answerOf(heading);
      if (answer) answer.open = true;
    }
  };

  const setup = () => {
    for (const heading of document.querySelectorAll("h2.ng-card")) {
      heading.addEventListener("click", (event) => {
        if (event.target.closest("a")) return; // the permalink
        const answer = answerOf(heading);
        if (answer) answer.open = !answer.open;
      });
    }
    for (const button of document.querySelectorAll("button.ng-toggle-all")) {
      button.addEventListener("click", () => {
        const answers = [...document.querySelectorAll("details.ng-answer")];
        const open = !answers.every((a) => a.open);
        answers.forEach((a) => (a.open = open));
        button.textContent = open ? button.dataset.hide : button.dataset.show;
      });
    }
    openTarget();
    document.body.dataset.notegen = "ready";
  };

  if (typeof document$ !== "undefined") {
    document$.subscribe(setup);
  } else {
    document.addEventListener("DOMContentLoaded", setup);
  }
  window.addEventListener("hashchange", openTarget);
})();
