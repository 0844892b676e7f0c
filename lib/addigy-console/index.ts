export {
  DEFAULT_SETTLE_MS,
  DEFAULT_STEP_TIMEOUT_MS,
  pressConfirmationSave,
  redactErrorText,
  runUploadJob,
  type ConsoleDriverOptions,
  type ConsoleIo,
  type ConsoleJobEnd,
} from './console-driver';
export {
  CONSOLE_KNOWN_LABELS,
  LABELS,
  consolePolicyUrl,
  isConsoleSignInUrl,
  isConsoleUrl,
  type ConsoleLabels,
} from './page-knowledge';
export * from './console-messages';
