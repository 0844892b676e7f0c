// What any extension with the `downloads` permission sees of other extensions' downloads.
const seen = [];
const states = [];
let writing = Promise.resolve();

function record(event, fields) {
  for (const [field, url] of Object.entries(fields)) {
    if (typeof url === 'string' && url) seen.push({ event, field, url });
  }
  writing = writing.then(() => chrome.storage.local.set({ seen, states }));
}

chrome.downloads.onCreated.addListener((item) => record('created', { url: item.url, finalUrl: item.finalUrl }));
chrome.downloads.onChanged.addListener((delta) => {
  if (delta.state) states.push({ id: delta.id, state: delta.state.current, error: delta.error?.current });
  record('changed', { url: delta.url?.current, finalUrl: delta.finalUrl?.current });
});
