/** Jamf Pro: its API client auth, volume purchasing locations (list and renew), and their wire shapes. */
export * from './jamf-pro-adapter';
export * from './schemas';
