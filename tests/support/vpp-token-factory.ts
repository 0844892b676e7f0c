/** Token files as Apple makes them: base64 of a JSON object. */
export function makeVppTokenText(fields: { token?: string; orgName?: string; expDate?: string } & Record<string, unknown> = {}): string {
  const json = JSON.stringify({
    token: 'VkxPQy0xMDAxLXNlY3JldA==',
    orgName: 'Acme Corp',
    expDate: '2030-11-08T22:33:22+0000',
    ...fields,
  });
  return Buffer.from(json, 'utf8').toString('base64');
}
