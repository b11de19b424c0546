import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { sharedWorkspaceStorage } from '../../../src/vscode/backend/sharedStorage';
import { makeTempDir, removeTempDir } from '../store/helpers';

describe('the workspace storage shared by windows on one workspace', () => {
  let home: string;
  const own = (folder: string) => join(home, folder, 'agent-threads.agent-threads');

  beforeEach(async () => {
    home = await makeTempDir();
    await fs.mkdir(join(home, '-39d7d5c3'));
    await fs.writeFile(join(home, '-39d7d5c3', 'meta.json'), JSON.stringify({ id: '-39d7d5c3', name: 'workspace' }));
  });
  afterEach(() => removeTempDir(home));

  it("uses the first window's folder from a second window's <id>-1 folder", () => {
    assert.equal(sharedWorkspaceStorage(own('-39d7d5c3-1')), own('-39d7d5c3'));
    assert.equal(sharedWorkspaceStorage(own('-39d7d5c3-12')), own('-39d7d5c3'));
  });

  it('keeps its own folder in the first window, and when the sibling is not the same workspace', async () => {
    assert.equal(sharedWorkspaceStorage(own('-39d7d5c3')), own('-39d7d5c3'));
    assert.equal(sharedWorkspaceStorage(own('a1b2c3d4e5f6')), own('a1b2c3d4e5f6'), 'desktop ids have no suffix');
    assert.equal(sharedWorkspaceStorage(own('-77aa-1')), own('-77aa-1'), 'no folder -77aa');
    await fs.mkdir(join(home, 'other'));
    await fs.writeFile(join(home, 'other', 'meta.json'), JSON.stringify({ id: 'something-else' }));
    assert.equal(sharedWorkspaceStorage(own('other-1')), own('other-1'), 'meta.json names another workspace');
    await fs.mkdir(join(home, 'broken'));
    await fs.writeFile(join(home, 'broken', 'meta.json'), '{ not json');
    assert.equal(sharedWorkspaceStorage(own('broken-1')), own('broken-1'));
  });
});
