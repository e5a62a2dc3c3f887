// State files Halo wrote and reads back (mutes, signal labels): a damaged one
// is an error naming the file, what it should be and what to do, never
// silently replaced; a missing one is empty.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MuteStore } from '../src/history/mutes.ts';
import { SignalStore } from '../src/signals/store.ts';
import { tempDir } from './helpers/ingest.ts';

const tmp = tempDir('state-files');
afterAll(() => tmp.cleanup());

describe('damaged state files', () => {
  it('mutes: missing is none muted; bad JSON and a wrong shape name the file and the remedy', () => {
    const dir = join(tmp.dir, 'm');
    mkdirSync(dir, { recursive: true });
    const mutes = new MuteStore(dir);
    expect(mutes.list()).toEqual([]);
    writeFileSync(mutes.path, '{"schemaVersion": 1, "mutes": [');
    expect(() => mutes.list()).toThrow(new RegExp(`^${mutes.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON \\(.*\\); fix it or delete it to unmute everything$`));
    writeFileSync(mutes.path, '{"schemaVersion": 1, "mutes": 3}');
    expect(() => mutes.list()).toThrow(/: not a mutes file \(mutes: /);
  });

  it('signal labels: missing is an empty store; a wrong shape names the file', () => {
    const dir = join(tmp.dir, 's');
    const store = new SignalStore(dir, 'frustrated');
    expect(store.all()).toEqual([]);
    mkdirSync(join(dir, 'signals'), { recursive: true });
    writeFileSync(store.path, '[]');
    expect(() => store.all()).toThrow(/frustrated\.json: not a signal labels file \(\(root\): /);
    writeFileSync(store.path, 'nope');
    expect(() => store.all()).toThrow(/: not valid JSON \(.*\); fix it or delete it to label again$/);
  });
});
