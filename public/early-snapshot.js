// The popup's first read, started while its modules still load: the token overview's last snapshot, from
// storage.local. Plain script, no imports, so it runs at once; PopupApp parses what it gets (a content script
// can write storage.local) through lib/messaging/extension-client.ts.
globalThis.tokenRelayEarlySnapshot = (globalThis.browser ?? globalThis.chrome).storage.local
  .get('tokenSnapshot')
  .then((stored) => stored.tokenSnapshot, () => undefined);
