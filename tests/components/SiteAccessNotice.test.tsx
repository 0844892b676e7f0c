import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { SiteAccessNotice } from '../../components/SiteAccessNotice';
import type { SiteAccessPort } from '../../lib/permissions/browser-site-access';

/** A browser whose granted origins the test controls; `request` grants what it is asked when `allow` is true. */
function fakeAccess(granted: string[], { allow = true } = {}) {
  const listeners = new Set<() => void>();
  const access = {
    contains: vi.fn(async (origins: string[]) => origins.every((o) => granted.includes(o))),
    request: vi.fn(async (origins: string[]) => {
      if (allow) granted.push(...origins);
      return allow;
    }),
    onChanged: (listener: () => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  } satisfies SiteAccessPort;
  return { access, granted, changed: () => listeners.forEach((l) => l()) };
}

const ALL = [
  'https://business.apple.com/*',
  'https://school.apple.com/*',
  'https://app.addigy.com/*',
  'https://login.addigy.com/*',
  'https://vpp.itunes.apple.com/*',
  'https://api.addigy.com/*',
];

describe('SiteAccessNotice', () => {
  it('shows nothing while every site is allowed', async () => {
    const { access } = fakeAccess([...ALL]);
    const { container } = render(<SiteAccessNotice access={access} />);
    await waitFor(() => expect(access.contains).toHaveBeenCalledTimes(ALL.length));
    expect(container.innerHTML).toBe('');
  });

  it('names each missing site and why, and one click asks for all of them', async () => {
    const { access } = fakeAccess(['https://school.apple.com/*', 'https://app.addigy.com/*', 'https://login.addigy.com/*']);
    render(<SiteAccessNotice access={access} />);
    const notice = await screen.findByRole('region', { name: 'Token Relay needs access to 3 sites' });
    expect(notice.textContent).toContain('business.apple.com: Apple Business Manager: to put Send to Addigy');
    expect(notice.textContent).toContain('vpp.itunes.apple.com');
    expect(notice.textContent).toContain('api.addigy.com');
    expect(notice.textContent).not.toContain('school.apple.com');

    fireEvent.click(screen.getByRole('button', { name: 'Allow access to these sites' }));
    expect(access.request).toHaveBeenCalledTimes(1);
    expect(access.request).toHaveBeenCalledWith([
      'https://business.apple.com/*',
      'https://vpp.itunes.apple.com/*',
      'https://api.addigy.com/*',
    ]);
    await waitFor(() => expect(screen.queryByRole('region')).toBeNull());
  });

  it('asks inside the click: the request is made before anything is awaited', async () => {
    const { access } = fakeAccess([]);
    render(<SiteAccessNotice access={access} />);
    const allow = await screen.findByRole('button', { name: 'Allow access to these sites' });
    fireEvent.click(allow);
    // Synchronously, in the same task as the click.
    expect(access.request).toHaveBeenCalledTimes(1);
  });

  it('says where else to allow it when the browser refuses', async () => {
    const { access } = fakeAccess([...ALL.slice(1)], { allow: false });
    render(<SiteAccessNotice access={access} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Allow access to business.apple.com' }));
    await screen.findByText(/The browser did not allow it\./);
    expect(screen.getByRole('region', { name: 'Token Relay needs access to a site' })).toBeTruthy();
  });

  it('follows access granted or revoked elsewhere', async () => {
    const fake = fakeAccess([...ALL]);
    render(<SiteAccessNotice access={fake.access} />);
    await waitFor(() => expect(fake.access.contains).toHaveBeenCalled());
    fake.granted.splice(fake.granted.indexOf('https://api.addigy.com/*'), 1);
    fake.changed();
    await screen.findByRole('region', { name: 'Token Relay needs access to a site' });
    fake.granted.push('https://api.addigy.com/*');
    fake.changed();
    await waitFor(() => expect(screen.queryByRole('region')).toBeNull());
  });
});
