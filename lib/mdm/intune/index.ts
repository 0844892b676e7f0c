/** Microsoft Intune through Microsoft Graph: the adapter, the Microsoft sign-in (PKCE) it depends on, and Graph's wire shapes. */
export * from './intune-adapter';
export * from './microsoft-sign-in';
export * from './schemas';
