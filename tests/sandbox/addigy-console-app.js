// The sandbox's Addigy console: a small single-page app without a framework, shaped like Addigy's Vue app.
// Bulma class names plus `data-v-*` build hashes on every element, so nothing may key on them (domain.md).
(() => {
  'use strict';
  const config = JSON.parse(document.getElementById('__console_config__').textContent);
  const variants = new Set(config.variants);
  const API = '/sandbox-console/api';
  const withRole = !variants.has('dialog-without-role');

  /** Creates an element; `scope` is the component's build hash, as Vue's scoped styles add. */
  function h(scope, tag, props, ...children) {
    const element = document.createElement(tag);
    element.setAttribute(`data-v-${scope}`, '');
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') element.className = value;
      else if (key.startsWith('on')) element.addEventListener(key.slice(2).toLowerCase(), value);
      else element.setAttribute(key, value === true ? '' : String(value));
    }
    element.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
    return element;
  }

  const formatDate = (iso) =>
    iso ? new Date(iso).toLocaleDateString('en-US', { year: 'numeric', month: 'short', day: 'numeric' }) : '—';
  const formatDateTime = (iso) =>
    iso ? new Date(iso).toLocaleString('en-US', { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }) : 'Never';

  async function api(method, path, body) {
    const response = await fetch(`${API}${path}`, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const data = await response.json().catch(() => ({}));
    return { ok: response.ok, status: response.status, data };
  }

  // ── Shell ────────────────────────────────────────────────────────────────────
  const app = document.getElementById('app');
  const NAV = '5c2f1a3e';
  const main = h('757e2e4a', 'main', { class: 'section' });
  const navLink = (label, href) =>
    h(NAV, 'a', { class: 'navbar-item', href, onClick: (event) => { event.preventDefault(); go(href); } }, label);
  const navLinks = [navLink('Dashboard', '/dashboard/events'), navLink('Policies', '/policies'), navLink('Devices', '/devices')];
  app.append(
    h(NAV, 'nav', { class: 'navbar is-dark', 'aria-label': 'main navigation' },
      h(NAV, 'span', { class: 'navbar-brand' }, 'Addigy'), ...navLinks,
      h(NAV, 'span', { class: 'navbar-item', style: 'margin-left:auto' }, config.user.name)),
    main,
  );

  function go(path) {
    history.pushState(null, '', path);
    render();
  }
  window.addEventListener('popstate', render);

  function render() {
    closeModal();
    const path = location.pathname.replace(/\/+$/, '') || '/';
    for (const link of navLinks) link.classList.toggle('is-active', path.startsWith(link.getAttribute('href')));
    main.replaceChildren();
    if (path === '/' || path === '/policies') return renderPolicies();
    const policy = path.match(/^\/policies\/([^/]+)$/);
    if (policy) return renderPolicy(decodeURIComponent(policy[1]));
    if (path === '/dashboard/events') return renderEvents();
    main.append(h('757e2e4a', 'h1', { class: 'title is-4' }, 'Devices'), h('757e2e4a', 'p', {}, 'No devices to show.'));
  }

  // ── Policies ─────────────────────────────────────────────────────────────────
  async function renderPolicies() {
    const S = '4d8e0b71';
    main.append(h(S, 'h1', { class: 'title is-4' }, 'Policies'));
    const { data } = await api('GET', '/policies');
    main.append(
      h(S, 'ul', { class: 'menu-list box' },
        (data || []).map((policy) => h(S, 'li', {}, h(S, 'a', { href: `/policies/${encodeURIComponent(policy.id)}`, onClick: (event) => { event.preventDefault(); go(`/policies/${encodeURIComponent(policy.id)}`); } }, policy.name)))),
    );
  }

  // ── A policy: tabs, Integrations & Settings, Apple Apps ──────────────────────
  const TABS = ['Overview', 'Devices', 'Instructions', 'Integrations & Settings'];
  async function renderPolicy(policyId) {
    const S = '757e2e4a';
    const { data } = await api('GET', `/policies/${encodeURIComponent(policyId)}/apple-apps`);
    const policy = data.policy || { id: policyId, name: policyId };
    let tab = 'Overview';
    let setting = null;
    const tabLinks = TABS.map((label) =>
      h(S, 'li', {}, h(S, 'a', { role: 'tab', 'aria-selected': 'false', onClick: () => { tab = label; setting = null; show(); } }, label)));
    const body = h(S, 'div', { role: 'tabpanel' });
    main.append(h(S, 'h1', { class: 'title is-4' }, policy.name), h(S, 'div', { class: 'tabs is-boxed' }, h(S, 'ul', { role: 'tablist' }, tabLinks)), body);

    function show() {
      for (const item of tabLinks) {
        const selected = item.textContent === tab;
        item.classList.toggle('is-active', selected);
        item.firstChild.setAttribute('aria-selected', String(selected));
      }
      body.replaceChildren();
      if (tab !== 'Integrations & Settings') {
        body.append(h(S, 'div', { class: 'box' }, h(S, 'p', {}, `${tab} of ${policy.name}.`)));
        return;
      }
      const M = '2b9e8f10';
      const menuItem = (label) =>
        h(M, 'li', {}, h(M, 'a', { class: setting === label ? 'is-active' : '', 'aria-current': setting === label ? 'page' : null, onClick: () => { setting = label; show(); } }, label));
      const content = h('3f0d7c21', 'section', { class: 'column' });
      body.append(
        h(S, 'div', { class: 'columns' },
          h(M, 'aside', { class: 'column is-3 menu' },
            h(M, 'p', { class: 'menu-label' }, 'Integrations & Settings'),
            h(M, 'ul', { class: 'menu-list' }, ['Apple Apps', 'MDM Settings', 'Single Sign-On'].map(menuItem))),
          content),
      );
      if (setting === 'Apple Apps') renderAppleApps(content, policyId);
      else content.append(h('3f0d7c21', 'p', {}, 'Choose a setting on the left.'));
    }
    show();
  }

  const P = '3f0d7c21';
  async function renderAppleApps(content, policyId, notice) {
    content.replaceChildren(
      h(P, 'h2', { class: 'title is-5' }, 'Apple Apps'),
      h(P, 'label', { class: 'checkbox' }, h(P, 'input', { type: 'checkbox' }), ' Enable Token Inheritance'),
      h(P, 'p', { class: 'loading' }, 'Loading…'),
    );
    const { data } = await api('GET', `/policies/${encodeURIComponent(policyId)}/apple-apps`);
    if (!content.isConnected) return;
    content.querySelector('.loading').remove();
    const reload = (next) => renderAppleApps(content, policyId, next);
    if (notice) content.append(noticeBox(notice));
    const tokens = data.tokens || [];
    if (tokens.length === 0) {
      content.append(h(P, 'p', {}, 'No Apple Apps tokens in this policy.'));
      return;
    }
    const status = (token) =>
      token.syncing
        ? h(P, 'span', { class: 'tag is-warning' }, 'Syncing…')
        : h(P, 'span', { class: token.lastSyncingStatus === 'success' ? 'tag is-success' : 'tag is-danger' }, token.lastSyncingStatus === 'success' ? 'Synced' : 'Last scan failed');
    const buttons = (token, small) => [
      variants.has('no-renew') ? null : button(small ? 'button is-small is-primary' : 'card-footer-item', 'Renew', () => openRenew(token, policyId, reload), small),
      button(small ? 'button is-small' : 'card-footer-item', 'Scan Now', async () => {
        const answer = await api('POST', '/scan', { policyId, locationId: token.locationId });
        reload(answer.ok ? { success: 'Scan started.' } : { error: answer.data.error || 'Bad status response[500]' });
      }, small),
    ];
    if (variants.has('cards')) {
      content.append(
        h(P, 'div', { class: 'cards' }, tokens.map((token) =>
          h(P, 'div', { class: 'card' },
            h(P, 'div', { class: 'card-content' },
              h(P, 'h3', { class: 'title is-6' }, token.locationName),
              h(P, 'p', {}, `Expiration Date: ${formatDate(token.expDate)}`),
              h(P, 'p', {}, `Last Successful Sync: ${formatDateTime(token.lastSync)}`),
              status(token)),
            h(P, 'footer', { class: 'card-footer' }, buttons(token, false))))),
      );
      return;
    }
    content.append(
      h(P, 'table', { class: 'table is-fullwidth' },
        h(P, 'thead', {}, h(P, 'tr', {}, ['Location', 'Expiration Date', 'Last Successful Sync', 'Status', ''].map((label) => h(P, 'th', {}, label)))),
        h(P, 'tbody', {}, tokens.map((token) =>
          h(P, 'tr', {},
            h(P, 'td', {}, token.locationName),
            h(P, 'td', {}, formatDate(token.expDate)),
            h(P, 'td', {}, formatDateTime(token.lastSync)),
            h(P, 'td', {}, status(token), token.inheritedFrom ? h(P, 'span', { class: 'tag' }, 'Inherited') : null),
            h(P, 'td', {}, buttons(token, true)))))),
    );
  }

  function button(className, label, onClick, isButton = true) {
    return isButton
      ? h(P, 'button', { class: className, type: 'button', onClick }, label)
      : h(P, 'a', { class: className, onClick }, label);
  }

  // Addigy's red box near Scan Now [C], or a green one after a Save.
  function noticeBox(notice) {
    const box = h(P, 'div', notice.error ? { class: 'notification is-danger', role: 'alert' } : { class: 'notification is-success', role: 'status' });
    box.append(h(P, 'button', { class: 'delete', 'aria-label': 'close', onClick: () => box.remove() }), notice.error || notice.success);
    return box;
  }

  // ── Windows ──────────────────────────────────────────────────────────────────
  const W = '6a1b2c3d';
  let openModal = null;
  function closeModal() {
    openModal?.remove();
    openModal = null;
  }

  function modal(title, bodyChildren, footerChildren) {
    closeModal();
    const titleId = `modal-title-${Math.random().toString(36).slice(2, 8)}`;
    const element = h(W, 'div', withRole ? { class: 'modal is-active', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': titleId } : { class: 'modal is-active' },
      h(W, 'div', { class: 'modal-background', onClick: closeModal }),
      h(W, 'div', { class: 'modal-card' },
        h(W, 'header', { class: 'modal-card-head' }, h(W, 'p', { class: 'modal-card-title', id: titleId }, title), h(W, 'button', { class: 'delete', 'aria-label': 'close', onClick: closeModal })),
        h(W, 'section', { class: 'modal-card-body' }, bodyChildren),
        h(W, 'footer', { class: 'modal-card-foot' }, footerChildren)));
    document.body.append(element);
    openModal = element;
    return element;
  }

  function openRenew(token, policyId, reload) {
    let file = null;
    const chosen = h(W, 'p', { class: 'help' });
    const save = h(W, 'button', { class: 'button is-primary', type: 'button', disabled: true, onClick: onSave }, 'Save');
    const input = variants.has('drop-only')
      ? null
      : h(W, 'input', { type: 'file', accept: '.vpptoken', style: 'display:none', onChange: () => pick(input.files && input.files[0]) });
    const zone = h(W, 'div', {
      class: 'dropzone',
      tabindex: '0',
      onClick: () => input && input.click(),
      onDragenter: (event) => { event.preventDefault(); zone.classList.add('is-dragover'); },
      onDragover: (event) => event.preventDefault(),
      onDragleave: () => zone.classList.remove('is-dragover'),
      onDrop: (event) => {
        event.preventDefault();
        zone.classList.remove('is-dragover');
        pick(event.dataTransfer && event.dataTransfer.files[0]);
      },
    }, h(W, 'p', {}, 'Drop your .vpptoken file here or click to browse'));
    function pick(next) {
      file = next || null;
      chosen.textContent = file ? file.name : '';
      if (file) save.removeAttribute('disabled');
      else save.setAttribute('disabled', '');
    }
    async function onSave() {
      if (!file) return;
      save.classList.add('is-loading');
      const text = typeof file.text === 'function' ? await file.text() : await readAsText(file);
      const answer = await api('POST', '/renew/preview', { policyId, locationId: token.locationId, fileName: file.name, token: text });
      closeModal();
      if (!answer.ok) return reload({ error: answer.data.error || `Bad status response[${answer.status}]` });
      setTimeout(() => openConfirmation(answer.data, { policyId, locationId: token.locationId, fileName: file.name, token: text }, reload), config.confirmationDelayMs);
    }
    if (variants.has('hostile-markup')) addUnseenWindows();
    modal('Renew Apple Apps token', [zone, input, chosen], [save, h(W, 'button', { class: 'button', type: 'button', onClick: closeModal }, 'Cancel')]);
  }

  // The hostile-markup variant: windows that open with the real one but that the admin cannot see (off-screen, clipped
  // away by a 1 px ancestor, zero-sized), before it in page order. Only their rendered box tells them apart.
  function addUnseenWindows() {
    const unseen = (style) =>
      h(W, 'div', { role: 'dialog', 'aria-modal': 'true', 'aria-label': 'Renew Apple Apps token', style },
        h(W, 'p', {}, 'Drop your .vpptoken file here or click to browse'),
        h(W, 'input', { type: 'file', class: 'unseen-input' }),
        h(W, 'button', { type: 'button' }, 'Save'),
        h(W, 'button', { type: 'button' }, 'Cancel'));
    const clippedAway = h(W, 'div', { style: 'position:absolute;top:0;left:0;width:1px;height:1px;overflow:hidden' }, unseen('width:400px;height:300px'));
    document.body.append(
      unseen('position:fixed;left:-10000px;top:0;width:400px;height:300px;background:#fff'),
      clippedAway,
      unseen('position:absolute;width:0;height:0;overflow:hidden'),
    );
  }

  function readAsText(file) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result));
      reader.onerror = () => reject(reader.error);
      reader.readAsText(file);
    });
  }

  function openConfirmation(details, upload, reload) {
    const line = (label, value) => h(W, 'p', {}, h(W, 'strong', {}, `${label}:`), ` ${value}`);
    const save = h(W, 'button', {
      class: 'button is-primary',
      type: 'button',
      onClick: async () => {
        save.setAttribute('disabled', '');
        const answer = await api('POST', '/renew', upload);
        closeModal();
        reload(answer.ok ? { success: 'Token renewed. Addigy is scanning its licenses.' } : { error: answer.data.error || `Bad status response[${answer.status}]` });
      },
    }, 'Save');
    modal('Confirm Apple Apps token', [
      h(W, 'p', {}, 'Check the details of the token you are uploading.'),
      line('ID number', details.idNumber),
      line('Name', details.name),
      line('Apple ID', details.appleId),
      line('Organization', details.organization),
    ], [save, h(W, 'button', { class: 'button', type: 'button', onClick: closeModal }, 'Cancel')]);
  }

  // ── System events ────────────────────────────────────────────────────────────
  async function renderEvents() {
    const S = '9a0c3e55';
    main.append(h(S, 'h1', { class: 'title is-4' }, 'System Events'));
    const { data } = await api('GET', '/events');
    main.append(
      h(S, 'table', { class: 'table is-fullwidth' },
        h(S, 'thead', {}, h(S, 'tr', {}, ['Date', 'Receiver Type', 'Receiver', 'Result'].map((label) => h(S, 'th', {}, label)))),
        h(S, 'tbody', {}, (data || []).map((event) =>
          h(S, 'tr', {},
            h(S, 'td', {}, formatDateTime(event.date)),
            h(S, 'td', {}, 'vpp-token'),
            h(S, 'td', {}, (event.action_receiver && event.action_receiver.name) || ''),
            h(S, 'td', {}, (event.result && event.result.details) || ''))))),
    );
  }

  if (location.pathname === '/' ) history.replaceState(null, '', '/policies');
  render();
})();
