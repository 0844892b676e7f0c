export {
  findTokenEntries,
  findSectionHeadings,
  findTokenSection,
  isDownloadControl,
  isSectionHeading,
  sectionFromHeading,
  type EntryLayout,
  type TokenEntry,
  type TokenSection,
} from './find-token-entries';
export { watchTokenEntries, type TokenEntryHandlers } from './watch-token-entries';
export { OWN_TAG_PREFIX, SEND_HOST_TAG, isOwnElement } from './own-elements';
export { LABELS, LOCALIZED_LABELS, ROUTE_FRAGMENTS, looksLikeTokenRoute, type PageLabels } from './page-knowledge';
export { FLAG_TAG, SEEN_ATTRIBUTE } from './heading-watch';
