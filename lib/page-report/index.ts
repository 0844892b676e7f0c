export {
  MAX_OUTLINE_NODES,
  MAX_OUTLINE_NODE_CHARS,
  keepVocabulary,
  outlinePage,
  outlineRoute,
  pageLanguage,
  pageReportFile,
} from './page-outline';
