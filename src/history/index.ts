export { RunHistory, RunRecord, DEFAULT_KEEP, type RecordRunInput, type CorruptedRun } from './store.ts';
export { annotateWithHistory, trajectory, sinceLastRun, type FindingStatus, type TrendPoint } from './diff.ts';
export { acquireLock, LockedError, type Lock } from './lock.ts';
export { writeFileAtomic } from './atomic.ts';
export { openHistorySession, runProfile, type HistorySession, type SessionOptions } from './session.ts';
export { MuteStore, MuteEntry, applyMutes, applyStoredMutes, resurfaceShare, RESURFACE_GROWTH } from './mutes.ts';
