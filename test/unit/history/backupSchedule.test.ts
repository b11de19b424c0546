import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { archivePrefix, runScheduledBackup } from '../../../src/core/history';
import { ThreadStore } from '../../../src/core/store/threadStore';
import { makeTempDir, removeTempDir, text } from '../store/helpers';

describe('scheduled backups', () => {
  let dir: string;
  let root: string;
  let folder: string;
  let prefix: string;

  beforeEach(async () => {
    dir = await makeTempDir();
    root = join(dir, 'store');
    folder = join(dir, 'backups');
    prefix = archivePrefix('My Project', root);
    const store = new ThreadStore({ root });
    await store.create({ title: 'T', messages: [text('x')] });
    store.dispose();
  });
  afterEach(() => removeTempDir(dir));

  const day = (n: number) => new Date(Date.UTC(2026, 0, 1 + n, 12));
  const run = (schedule: 'off' | 'daily' | 'weekly', keep: number, now: Date) =>
    runScheduledBackup({ root, folder, prefix, schedule, keep, extensionVersion: '1', now: () => now });

  it('daily: writes one archive a day, keeps the newest N, and leaves other stores’ archives alone', async () => {
    await fs.mkdir(folder);
    const foreign = `${archivePrefix('Other', join(dir, 'other'))}20250101T000000Z.tar`;
    await fs.writeFile(join(folder, foreign), 'not ours');
    assert.match(prefix, /^agent-threads-My-Project-[0-9a-f]{8}-$/);
    for (let n = 0; n < 5; n++) {
      const { summary } = await run('daily', 3, day(n));
      assert.ok(summary, `day ${n} is due`);
      const again = await run('daily', 3, new Date(day(n).getTime() + 3600_000));
      assert.equal(again.summary, undefined, 'an hour later nothing is due');
    }
    const names = (await fs.readdir(folder)).sort();
    const expected = [foreign, `${prefix}20260103T120000Z.tar`, `${prefix}20260104T120000Z.tar`, `${prefix}20260105T120000Z.tar`];
    assert.deepEqual(names, expected.sort());
  });

  it('weekly waits seven days; off never writes', async () => {
    assert.ok((await run('weekly', 2, day(0))).summary);
    assert.equal((await run('weekly', 2, day(6))).summary, undefined);
    assert.ok((await run('weekly', 2, day(7))).summary);
    assert.equal((await run('off', 2, day(30))).summary, undefined);
    assert.equal((await fs.readdir(folder)).length, 2);
  });
});
