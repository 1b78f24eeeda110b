// MathJax 3, served from this site (assets/mathjax): no CDN. It typesets only what the
// notes marked as math (class "arithmatex"), exactly as written.
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex",
    enableMenu: false,
  },
  // Typeset from document$ below only: typesetting the first page at startup as well would
  // leave duplicate (hidden) math behind.
  startup: { typeset: false },
};

// Material's instant navigation swaps pages without reloading: typeset every page it shows.
document$.subscribe(() => {
  MathJax.startup.promise.then(() => {
    MathJax.startup.output.clearCache();
    MathJax.typesetClear();
    MathJax.texReset();
    return MathJax.typesetPromise();
  }).then(() => document.dispatchEvent(new Event("notegen:typeset")));
});
