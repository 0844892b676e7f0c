export * from './types';
export { parseVppToken, type ParseVppTokenOptions } from './parse-vpp-token';
export { looksLikeVppToken, isVppTokenFileName, locationFromTokenFileName, decodeBase64 } from './looks-like-vpp-token';
export { redactBase64Runs, redactSecret } from './redact-secret';
