// Loaded in the page's <head>, before the theme. Material's instant navigation loads pages
// with fetch, which a page opened from disk (file://) cannot use, and with it turned on such
// a page starts none of the theme's parts (search, palette, table of contents). So from
// disk the theme runs without it: its features are read from the #__config element, which
// is rewritten as soon as the parser has it, before the theme's script runs.
if (location.protocol === "file:") {
  new MutationObserver((records, observer) => {
    const element = document.getElementById("__config");
    if (!element) return;
    let config;
    try {
      config = JSON.parse(element.textContent);
    } catch {
      return; // not all parsed yet
    }
    config.features = config.features.filter((name) => !name.startsWith("navigation.instant"));
    element.textContent = JSON.stringify(config);
    observer.disconnect();
  }).observe(document, { childList: true, subtree: true, characterData: true });
}
