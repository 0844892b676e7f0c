/** The storage.local key the Apple-page content script reads for its button's label; no imports, it runs there. */
export const SEND_TARGET_KEY = 'sendButtonTarget';

/** Every label the button may show after "Send to"; anything else in storage is ignored. */
export const SEND_TARGETS = ['Addigy', 'Jamf Pro', 'Microsoft Intune', 'Fleet', 'MDM'] as const;
