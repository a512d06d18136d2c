// Settle's islands loader: one small file the browser caches, instead of a copy inline in
// every page. Once the browser is idle it loads the page's module and its WebAssembly (both
// named by the page's preload links) and hands each island element, in document order, to
// its component's hydrate function. Pages work without it: islands only enhance. Settle's
// islands take no children; an island passed as another island's children would need Leptos'
// `leptos-children` hand-over, which this loader does not do.
async function wakeIslands() {
  const js = document.querySelector('link[rel="modulepreload"]');
  const wasm = document.querySelector('link[rel="preload"][as="fetch"]');
  if (!js || !wasm) {
    return;
  }
  const app = await import(js.href);
  await app.default({ module_or_path: wasm.href });
  app.hydrate();
  for (const island of document.querySelectorAll("leptos-island")) {
    const hydrate = app[island.dataset.component];
    if (hydrate) {
      await hydrate(island);
    } else {
      console.warn(`no hydrate function for the island ${island.dataset.component}`);
    }
  }
}

if ("requestIdleCallback" in window) {
  window.requestIdleCallback(wakeIslands);
} else {
  wakeIslands();
}
