// @ts-check
/**
 * Firefox has no --host-resolver-rules. Its PAC script sends the sandbox hosts here, and this
 * CONNECT proxy tunnels each one to the sandbox's port; any other host is refused.
 */
import { createServer, connect } from 'node:net';

/**
 * @param {{ hosts: readonly string[], targetPort: number }} options
 * @returns {Promise<{ port: number, pacUrl: string, close(): Promise<void> }>}
 */
export async function startConnectProxy({ hosts, targetPort }) {
  const allowed = new Set(hosts.map((h) => h.toLowerCase()));
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set();
  const server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    let head = '';
    const onData = (/** @type {Buffer} */ chunk) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > 8192) client.destroy();
        return;
      }
      client.off('data', onData);
      const [method, authority] = head.slice(0, head.indexOf('\r\n')).split(' ');
      const host = (authority ?? '').replace(/:\d+$/, '').toLowerCase();
      if (method !== 'CONNECT' || !allowed.has(host)) {
        client.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
        return;
      }
      const upstream = connect(targetPort, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        const rest = Buffer.from(head.slice(end + 4), 'latin1');
        if (rest.length) upstream.write(rest);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      sockets.add(upstream);
      upstream.on('close', () => {
        sockets.delete(upstream);
        client.destroy();
      });
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
    };
    client.on('data', onData);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(undefined));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const pac =
    `function FindProxyForURL(url, host) {` +
    ` return ${JSON.stringify([...allowed])}.indexOf(host.toLowerCase()) >= 0 ? "PROXY 127.0.0.1:${port}" : "DIRECT"; }`;
  return {
    port,
    pacUrl: `data:application/x-ns-proxy-autoconfig,${encodeURIComponent(pac)}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve(undefined));
      }),
  };
}
