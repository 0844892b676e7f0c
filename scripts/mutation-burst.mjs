// The burst both benches time (scripts/bench-content.mjs, scripts/bench-observers.mjs), so their figures compare.
// Passed to page.evaluate: it runs in the page and may use nothing from this module.

/** In the page: `count` mutations outside the token section: subtrees appended, removed, texts swapped. */
export function burst(count) {
  return new Promise((resolve) => {
    let noise = document.getElementById('bench-noise');
    if (!noise) {
      noise = document.createElement('div');
      noise.id = 'bench-noise';
      for (let index = 0; index < 400; index++) noise.insertAdjacentHTML('beforeend', `<div><span>Item ${index}</span><a href="#">Open</a></div>`);
      document.body.append(noise);
    }
    const texts = [...noise.querySelectorAll('span')];
    requestAnimationFrame(() =>
      setTimeout(() => {
        const started = performance.now();
        for (let index = 0; index < count; index++) {
          const kind = index % 3;
          if (kind === 0) {
            const toast = document.createElement('div');
            toast.append(document.createElement('span'));
            noise.append(toast);
          } else if (kind === 1) noise.lastElementChild?.remove();
          else texts[index % texts.length].textContent = `Item ${index}`;
        }
        // Every world's mutation observers run in this task's microtask checkpoint; then style and layout.
        void document.body.offsetHeight;
        const done = performance.now() - started;
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(done)));
      }, 0),
    );
  });
}
