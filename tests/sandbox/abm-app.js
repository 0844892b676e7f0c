// The sandbox's Apple Business Manager / Apple School Manager console: a small single-page app
// without a framework. Class names come from the server as generated hashes, as on Apple's site.
(() => {
  'use strict';
  const config = JSON.parse(document.getElementById('__app_config__').textContent);
  const C = config.classes;
  const params = new URLSearchParams(location.search);
  const delayParam = Number(params.get('delay'));
  const variant = {
    heading: params.get('heading') || 'Content Tokens',
    layout: params.get('layout') === 'cards' ? 'cards' : 'table',
    delay: params.has('delay') && Number.isFinite(delayParam) && delayParam >= 0 ? delayParam : 300,
    viewer: params.get('role') === 'viewer',
    // blob | data | https (script navigation) | link (an <a href> control) | dispatch (a detached link clicked with
    // dispatchEvent, which page hooks cannot see)
    delivery: ['data', 'https', 'link', 'dispatch'].includes(params.get('delivery')) ? params.get('delivery') : 'blob',
    startHome: params.get('start') === 'home',
    // ?row=menu: each entry gets a second control (a "More" menu button) beside its Download.
    rowMenu: params.get('row') === 'menu',
  };
  // ?lang=de|fr|ja: the page in that language, with Apple's words from its localized guides (docs/abm-capture.md);
  // ?lang=ko: a language Token Relay has no words for, shown as opaque symbols. The SPA sets <html lang> itself.
  const WORDS = {
    de: { heading: 'Inhaltstoken', download: 'Laden', payments: 'Zahlungen und Rechnungen' },
    fr: { heading: 'Jetons de contenu', download: 'Télécharger', payments: 'Paiements et facturation' },
    ja: { heading: 'コンテンツトークン', download: 'ダウンロード', payments: 'お支払いと請求' },
    ko: { heading: '◆◆◆', download: '⇩', payments: '◇◇◇' },
  };
  const lang = Object.hasOwn(WORDS, params.get('lang')) ? params.get('lang') : null;
  const words = lang ? WORDS[lang] : null;
  if (lang) document.documentElement.lang = lang;
  const newLayout = variant.heading === 'apps';
  const TOKENS_HASH = '#/main/preferences/paymentsandbilling/appsandbooks';
  const TOKENS_PATH = '/preferences/payments';

  /** Creates an element; `cls` takes space-separated keys of the class map. */
  function h(tag, props, ...children) {
    const element = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'cls') element.className = value.split(' ').map((name) => C[name]).join(' ');
      else if (key.startsWith('on')) element.addEventListener(key.slice(2).toLowerCase(), value);
      else element.setAttribute(key, value === true ? '' : String(value));
    }
    element.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
    return element;
  }

  function currentRoute() {
    const hash = location.hash;
    if (hash.startsWith('#/main/preferences/paymentsandbilling')) return 'tokens';
    if (!hash && location.pathname === TOKENS_PATH) return 'tokens';
    if (hash.startsWith('#/main/preferences/myprofile')) return 'profile';
    if (hash.startsWith('#/main/devices')) return 'devices';
    if (hash.startsWith('#/main/activity')) return 'activity';
    return 'home';
  }

  if (!location.hash && location.pathname !== TOKENS_PATH) {
    history.replaceState(null, '', `${location.pathname}${location.search}${variant.startHome ? '#/main/home' : TOKENS_HASH}`);
  }

  const formatDate = (iso) =>
    iso ? new Date(iso).toLocaleDateString('en-US', { year: 'numeric', month: 'short', day: 'numeric' }) : '—';

  // ── Shell: sidebar and main area ─────────────────────────────────────────────
  const navLinks = [];
  function navLink(label, route, href, onClick) {
    const link = h('a', { cls: 'navLink', href, onClick }, label);
    navLinks.push({ link, route });
    return h('li', { cls: 'navItem' }, link);
  }
  function goToPayments(event) {
    // The newer console routes by path with pushState, not by hash.
    event.preventDefault();
    history.pushState(null, '', `${TOKENS_PATH}${location.search}`);
    renderRoute();
  }
  const paymentsLabel = words ? words.payments : newLayout ? 'Payments & Billing' : 'Payments and Billing';
  const paymentsLink = variant.startHome
    ? navLink(paymentsLabel, 'tokens', `${TOKENS_PATH}${location.search}`, goToPayments)
    : navLink(paymentsLabel, 'tokens', TOKENS_HASH);

  const main = h('main', { cls: 'main', id: 'main-content' });
  const sidebar = h(
    'aside',
    { cls: 'sidebar' },
    h('div', { cls: 'brand' }, h('span', { cls: 'brandMark', 'aria-hidden': 'true' }), config.productName),
    h(
      'nav',
      { 'aria-label': 'Main' },
      h(
        'ul',
        { cls: 'navList' },
        navLink('Home', 'home', '#/main/home'),
        navLink('Activity', 'activity', '#/main/activity'),
        navLink('Devices', 'devices', '#/main/devices'),
      ),
      h('div', { cls: 'navGroupLabel' }, newLayout ? 'Settings' : 'Preferences'),
      h('ul', { cls: 'navList' }, navLink('My Profile', 'profile', '#/main/preferences/myprofile'), paymentsLink),
    ),
    h(
      'div',
      { cls: 'userCard' },
      h('span', { cls: 'avatar', 'aria-hidden': 'true' }, 'AA'),
      h('div', null, h('div', { cls: 'userName' }, 'Alex Admin'), h('div', { cls: 'subtle' }, config.orgName)),
    ),
  );
  document.getElementById('root').replaceChildren(h('div', { cls: 'layout' }, sidebar, main));

  // ── Views ────────────────────────────────────────────────────────────────────
  let renderSeq = 0;
  function renderRoute() {
    const seq = ++renderSeq;
    const route = currentRoute();
    for (const { link, route: linkRoute } of navLinks) {
      if (linkRoute === route) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    main.setAttribute('aria-busy', 'true');
    main.replaceChildren(h('div', { cls: 'loading', role: 'status' }, h('span', { cls: 'spinner', 'aria-hidden': 'true' }), 'Loading…'));
    setTimeout(async () => {
      if (seq !== renderSeq) return;
      const nodes =
        route === 'tokens' ? await tokensView()
        : route === 'profile' ? profileView()
        : route === 'devices' ? placeholderView('Devices', 'Assign devices to your device management service.')
        : route === 'activity' ? placeholderView('Activity', 'No recent activity.')
        : homeView();
      if (seq !== renderSeq) return;
      main.replaceChildren(...nodes);
      main.removeAttribute('aria-busy');
    }, variant.delay);
  }

  function pageHeader(title, crumbs) {
    return h(
      'header',
      { cls: 'pageHeader' },
      crumbs &&
        h('nav', { 'aria-label': 'Breadcrumb' }, h('ol', { cls: 'breadcrumb' }, crumbs.map((crumb) => h('li', { cls: 'breadcrumbItem' }, crumb)))),
      h('h1', { cls: 'title' }, title),
    );
  }

  function homeView() {
    const tile = (value, label) => h('div', { cls: 'tile' }, h('div', { cls: 'tileValue' }, value), h('div', { cls: 'subtle' }, label));
    return [
      pageHeader('Welcome back, Alex'),
      h('div', { cls: 'tiles' }, tile('1,204', 'Devices'), tile('38', 'Apps and Books'), tile('5', 'Locations')),
    ];
  }

  function profileView() {
    const row = (term, value) => [h('dt', null, term), h('dd', null, value)];
    return [
      pageHeader('My Profile'),
      h(
        'section',
        { cls: 'section' },
        h('dl', { cls: 'definitionList' },
          row('Name', 'Alex Admin'),
          row('Managed Apple Account', config.site === 'school' ? 'alex.admin@springfield.example' : 'alex.admin@acme.example'),
          row('Role', variant.viewer ? 'Staff' : config.site === 'school' ? 'Administrator' : 'Content Manager')),
      ),
    ];
  }

  function placeholderView(title, text) {
    return [pageHeader(title), h('section', { cls: 'section' }, h('p', { cls: 'sectionText' }, text))];
  }

  async function fetchLocations() {
    const response = await fetch('/sandbox-api/locations', { credentials: 'same-origin' });
    return response.json();
  }

  async function tokensView() {
    let locations;
    try {
      locations = await fetchLocations();
    } catch {
      return [pageHeader(paymentsLabel), h('div', { cls: 'alert', role: 'alert' }, 'Could not load tokens. Try again later.')];
    }
    const headingText = words ? words.heading : newLayout ? 'Apps & Books' : variant.heading;
    const entries = variant.layout === 'cards' ? h('ul', { cls: 'cardList', role: 'list' }) : h('tbody');
    const list =
      variant.layout === 'cards'
        ? entries
        : h(
            'table',
            { cls: 'table' },
            h('thead', null, h('tr', null, h('th', { cls: 'th', scope: 'col' }, 'Location'), h('th', { cls: 'th', scope: 'col' }, 'Expires'), h('th', { cls: 'th' }))),
            entries,
          );
    const notice = h('div', { 'aria-live': 'polite', cls: 'notice' });
    const refresh = h('button', { cls: 'buttonSecondary', type: 'button', onClick: async () => {
      // A real SPA re-renders by throwing the old nodes away: every entry is a new element.
      fillEntries(entries, await fetchLocations(), notice);
    } }, 'Refresh');
    // A CSV of the locations: a page-made blob: download that is not a token, beside the token downloads.
    const exportCsv = h('button', { cls: 'buttonSecondary', type: 'button', onClick: () => {
      const rows = locations.map((location) => `${location.locationName},${location.expiresAt ?? ''}`);
      const url = URL.createObjectURL(new Blob([`Location,Expires\n${rows.join('\n')}\n`], { type: 'text/csv' }));
      const link = h('a', { href: url, download: 'content-tokens.csv' });
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 0);
    } }, 'Export CSV');
    fillEntries(entries, locations, notice);
    return [
      pageHeader(paymentsLabel, newLayout ? ['Settings', 'Payments & Billing'] : undefined),
      h(
        'section',
        { cls: 'section', 'aria-labelledby': 'tokens-heading' },
        h('div', { cls: 'sectionHeader' }, h('h2', { cls: 'sectionTitle', id: 'tokens-heading' }, headingText), h('div', null, exportCsv, ' ', refresh)),
        h('p', { cls: 'sectionText' },
          'Download a token for each location and upload it to your device management service. ',
          'Each download creates a new token and revokes the one downloaded before it.'),
        list,
        notice,
      ),
      h(
        'section',
        { cls: 'section' },
        h('div', { cls: 'sectionHeader' }, h('h2', { cls: 'sectionTitle' }, 'Payment Information')),
        h('p', { cls: 'sectionText' }, 'Volume purchases are billed to the payment method on file for your organization.'),
      ),
    ];
  }

  function fillEntries(entries, locations, notice) {
    const more = () => (variant.rowMenu ? h('button', { cls: 'buttonSecondary', type: 'button', 'aria-haspopup': 'menu' }, 'More') : null);
    const control = (location) =>
      variant.viewer ? null
      : variant.delivery === 'link'
        ? h('a', { cls: 'buttonPrimary', href: `/sandbox-api/tokens/${encodeURIComponent(location.uId)}/download` }, words ? words.download : 'Download')
        : h('button', { cls: 'buttonPrimary', type: 'button', onClick: () => download(location, notice) }, words ? words.download : 'Download');
    const nodes = locations.map((location) =>
      variant.layout === 'cards'
        ? h('li', { cls: 'card' },
            h('div', null, h('div', { cls: 'cardTitle' }, location.locationName), h('div', { cls: 'subtle' }, `Expires ${formatDate(location.expiresAt)}`)),
            control(location), more())
        : h('tr', null,
            h('td', { cls: 'td cardTitle' }, location.locationName),
            h('td', { cls: 'td' }, formatDate(location.expiresAt)),
            h('td', { cls: 'td tdAction' }, control(location), more())),
    );
    entries.replaceChildren(...nodes);
  }

  // ── Download: the ways a site can hand over a file ────────────────────────
  async function download(location, notice) {
    const fileName = `sToken_for_${location.locationName}.vpptoken`;
    const path = `/sandbox-api/tokens/${encodeURIComponent(location.uId)}`;
    if (variant.delivery === 'https') {
      window.location.href = `${path}/download`;
      return;
    }
    let text;
    try {
      const response = await fetch(`${path}/mint`, { method: 'POST', credentials: 'same-origin' });
      if (!response.ok) throw new Error(String(response.status));
      text = await response.text();
    } catch {
      notice.replaceChildren(h('div', { cls: 'alert', role: 'alert' }, 'The token could not be downloaded. Try again.'));
      return;
    }
    if (variant.delivery === 'data') {
      const link = h('a', { href: `data:application/octet-stream;base64,${btoa(text)}`, download: fileName, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      return;
    }
    const url = URL.createObjectURL(new Blob([text], { type: 'application/octet-stream' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    if (variant.delivery === 'dispatch') link.dispatchEvent(new MouseEvent('click'));
    else link.click();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }

  addEventListener('hashchange', renderRoute);
  addEventListener('popstate', renderRoute);
  renderRoute();
})();
