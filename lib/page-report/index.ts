export {
  MAX_OUTLINE_NODES,
  MAX_OUTLINE_NODE_CHARS,
  keepVocabulary,
  outlinePage,
  outlineRoute,
  pageReportFile,
} from './page-outline';
