export * from './schemas';
export {
  AppleClient,
  APPLE_VPP_BASE_URL,
  isManagedByOtherMdm,
  otherMdmName,
  type AppleClientOptions,
  type AppleProblem,
  type AppleProblemKind,
} from './apple-client';
