export { type FolderResult, listFolders, runConformance, totals } from './run.ts';
