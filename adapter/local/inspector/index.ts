export { createJournal, type InvocationRecord, type Journal } from './journal.ts';
export { INSPECTOR_PATH, isInspectorPath, serveInspector } from './routes.ts';
