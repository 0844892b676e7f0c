// The sandbox's second Addigy console layout (variant `unfamiliar`): one that Token Relay's model of the console
// (lib/addigy-console/page-knowledge.ts) does not describe. Same page-internal endpoints and world as
// addigy-console-app.js, but none of the model's words, routes or markup: "configurations" instead of policies,
// a "Volume Purchase" pane instead of the settings tab and section, an "Upload new token" link instead of a
// button, inline forms instead of windows, no ARIA roles at all, errors in a Bulma box without a role.
(() => {
  'use strict';
  const boot = JSON.parse(document.getElementById('__boot__').textContent);
  const flags = new Set(boot.variants);
  const API = '/sandbox-console/api';

  function el(tag, props, ...children) {
    const element = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') element.className = value;
      else if (key.startsWith('on')) element.addEventListener(key.slice(2).toLowerCase(), value);
      else element.setAttribute(key, value === true ? '' : String(value));
    }
    element.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
    return element;
  }

  const day = (iso) => (iso ? new Date(iso).toLocaleDateString('en-GB', { year: 'numeric', month: 'long', day: 'numeric' }) : '—');
  const moment = (iso) =>
    iso ? new Date(iso).toLocaleString('en-GB', { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }) : 'not yet';

  async function api(method, path, body) {
    const response = await fetch(`${API}${path}`, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const data = await response.json().catch(() => ({}));
    return { ok: response.ok, status: response.status, data };
  }

  /** The page-internal endpoint's words without its "Bad status response[400]:" wrapper and quotes. */
  const plainWords = (error) => String(error || 'The upload did not go through.').replace(/^[^:]*\[\d+\]:\s*/, '').replace(/^"|"$/g, '');

  /** A link the app routes itself, as single-page apps do. */
  const link = (label, href, extra) =>
    el('a', { href, class: 'link', ...extra, onClick: (event) => { event.preventDefault(); go(href); } }, label);
  /** A control that is a link, not a button (no href route: it acts on the page). */
  const action = (label, onClick) =>
    el('a', { href: '#', class: 'link action', onClick: (event) => { event.preventDefault(); onClick(event); } }, label);

  // ── Shell ────────────────────────────────────────────────────────────────────
  const root = document.getElementById('root');
  const view = el('div', { class: 'view' });
  root.append(
    el('div', { class: 'topbar' },
      el('span', { class: 'brand' }, 'Addigy'),
      link('Configurations', '/configs'),
      link('Fleet', '/devices'),
      el('span', { class: 'who' }, boot.user.name)),
    view,
  );

  function go(path) {
    history.pushState(null, '', path);
    render();
  }
  window.addEventListener('popstate', render);

  function render() {
    const path = location.pathname.replace(/\/+$/, '') || '/';
    view.replaceChildren();
    // The model's policy routes are not where the tokens are here: they list the configurations.
    if (path === '/' || path === '/configs' || path === '/policies' || /^\/policies\/[^/]+$/.test(path)) return renderConfigurations();
    // The pane is in the query: the path alone does not lead to the tokens.
    const config = path.match(/^\/configs\/([^/]+)$/);
    if (config) return renderConfiguration(decodeURIComponent(config[1]), new URLSearchParams(location.search).get('pane') === 'store' ? 'store' : 'summary');
    view.append(el('h1', { class: 'title is-4' }, 'Fleet'), el('p', {}, 'Nothing to show.'));
  }

  // ── Configurations ───────────────────────────────────────────────────────────
  async function renderConfigurations() {
    view.append(
      el('h1', { class: 'title is-4' }, 'Configurations'),
      el('p', { class: 'hint' }, 'Pick a configuration to see its panes.'),
    );
    const { data } = await api('GET', '/policies');
    view.append(el('ul', { class: 'plain box' }, (data || []).map((config) => el('li', {}, link(config.name, `/configs/${encodeURIComponent(config.id)}`)))));
  }

  async function renderConfiguration(configId, paneName) {
    const { data } = await api('GET', `/policies/${encodeURIComponent(configId)}/apple-apps`);
    const config = data.policy || { id: configId, name: configId };
    const base = `/configs/${encodeURIComponent(configId)}`;
    const pills = [['Summary', base, 'summary'], ['Volume Purchase', `${base}?pane=store`, 'store']].map(([label, href, key]) =>
      link(label, href, { class: key === paneName ? 'pill is-current' : 'pill' }));
    const body = el('div', { class: 'pane' });
    view.append(el('h1', { class: 'title is-4' }, config.name), el('div', { class: 'pills' }, pills), body);
    if (paneName === 'store') renderLicences(body, configId, data.tokens || []);
    else body.append(el('div', { class: 'box' }, el('p', {}, `Configuration “${config.name}”. Choose a pane above.`)));
  }

  // ── Volume Purchase → App Store licences ─────────────────────────────────────
  function renderLicences(body, configId, tokens, notice) {
    body.replaceChildren(el('h2', { class: 'title is-5' }, 'App Store licences'));
    if (notice) body.append(notice);
    if (tokens.length === 0) {
      body.append(el('p', {}, 'No licences in this configuration.'));
      return;
    }
    const reload = async (next) => {
      const { data } = await api('GET', `/policies/${encodeURIComponent(configId)}/apple-apps`);
      if (body.isConnected) renderLicences(body, configId, data.tokens || [], next);
    };
    body.append(el('div', { class: 'entries' }, tokens.map((token) => entry(token, configId, reload))));
  }

  function entry(token, configId, reload) {
    const state = token.syncing ? 'Checking…' : token.lastSyncingStatus === 'success' ? 'In good order' : 'Problem with the last check';
    const slot = el('div', { class: 'slot' });
    const card = el('div', { class: 'entry box' },
      el('strong', { class: 'entry-title' }, token.locationName),
      el('p', {}, `Valid until ${day(token.expDate)}`),
      el('p', {}, `Last checked with Apple: ${moment(token.lastSync)} · ${state}`),
      el('p', { class: 'actions' },
        action('Upload new token', () => openReplaceForm(slot, token, configId, reload)),
        ' ',
        action('Check now', async () => {
          const answer = await api('POST', '/scan', { policyId: configId, locationId: token.locationId });
          reload(answer.ok ? goodBox('Check started.') : badBox(plainWords(answer.data.error)));
        })),
      slot);
    return card;
  }

  const goodBox = (text) => el('div', { class: 'notification is-success' }, text);
  // Bulma's red box and nothing else (no ARIA), as a real console may well show it.
  const badBox = (text) => el('div', { class: 'notification is-danger' }, text);

  // An inline form under the entry: no window, no dialog role.
  function openReplaceForm(slot, token, configId, reload) {
    const input = el('input', { type: 'file', accept: '.vpptoken', class: 'file-input' });
    const answer = el('div', { class: 'answer' });
    const form = el('form', { class: 'replace-form', onSubmit: onSubmit },
      el('p', {}, 'Give the file you downloaded from Apple.'),
      input,
      el('p', { class: 'buttons' },
        el('button', { type: 'submit', class: 'button is-link' }, 'Upload'),
        ' ',
        action('Back', () => slot.replaceChildren())),
      answer);
    slot.replaceChildren(form);

    async function onSubmit(event) {
      event.preventDefault();
      const file = input.files && input.files[0];
      if (!file) {
        answer.replaceChildren(badBox('Choose a file first.'));
        return;
      }
      const text = await file.text();
      const upload = { policyId: configId, locationId: token.locationId, fileName: file.name, token: text };
      const preview = await api('POST', '/renew/preview', upload);
      if (!preview.ok) {
        answer.replaceChildren(badBox(`Upload failed. ${plainWords(preview.data.error)}`));
        return;
      }
      slot.replaceChildren(review(preview.data, upload, slot, reload));
    }
  }

  // The check before the file replaces the current one: labelled values, inline, confirmed with "Confirm".
  function review(details, upload, slot, reload) {
    const pair = (label, value) => [el('dt', {}, label), el('dd', {}, value)];
    const confirm = el('button', {
      type: 'button',
      class: 'button is-link',
      onClick: async () => {
        confirm.setAttribute('disabled', '');
        const answer = await api('POST', '/renew', upload);
        if (!answer.ok) {
          slot.replaceChildren(badBox(`Not replaced. ${plainWords(answer.data.error)}`));
          return;
        }
        reload(goodBox('Token replaced. Addigy is checking it with Apple.'));
      },
    }, 'Confirm');
    return el('div', { class: 'review box' },
      el('p', {}, 'Check this token before it replaces the current one.'),
      el('dl', { class: 'pairs' },
        pair('Site', details.name), pair('Company', details.organization), pair('Account', details.appleId), pair('Identifier', details.idNumber)),
      el('p', { class: 'buttons' }, confirm, ' ', action('Back', () => slot.replaceChildren())));
  }

  // ── late-input: a page script adds a file input that no click of the admin's asked for ──
  if (flags.has('late-input')) {
    let added = false;
    const addLateInput = () => {
      if (added) return;
      added = true;
      const input = el('input', { type: 'file', class: 'file-input' });
      // Whatever it is given goes straight to the page's endpoint, marked so the sandbox can tell.
      input.addEventListener('change', async () => {
        const file = input.files && input.files[0];
        if (!file) return;
        await api('POST', '/renew/preview', { policyId: '', locationId: '', fileName: file.name, token: await file.text(), via: 'late-input' });
      });
      root.append(el('div', { class: 'late-upload box', id: 'late-upload' }, el('p', {}, 'Quick upload'), input, el('button', { type: 'button', class: 'button' }, 'Upload')));
    };
    // Soon after anything else puts an element on the page (Token Relay's guide), or after a while regardless.
    const ours = new Set([root]);
    const observer = new MutationObserver((records) => {
      for (const record of records) {
        for (const node of record.addedNodes) {
          if (node.nodeType === 1 && !ours.has(node) && node.tagName !== 'SCRIPT') {
            observer.disconnect();
            setTimeout(addLateInput, 300);
            return;
          }
        }
      }
    });
    observer.observe(document.documentElement, { childList: true });
    observer.observe(document.body, { childList: true });
    setTimeout(addLateInput, boot.lateInputDelayMs);
  }

  render();
})();
