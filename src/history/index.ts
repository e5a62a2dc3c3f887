export { RunHistory, RunRecord, type RecordRunInput } from './store.ts';
export { annotateWithHistory, trajectory, sinceLastRun, type FindingStatus, type TrendPoint } from './diff.ts';
export { acquireLock, LockedError, type Lock } from './lock.ts';
export { writeFileAtomic } from './atomic.ts';
export { openHistorySession, type HistorySession } from './session.ts';
