// The workspace's files straight from disk, for places with no editor (the bench, a headless restore); the
// extension uses its own access that also sees unsaved editor text.

import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { errnoCode } from '../util/errors';
import type { WorkspaceFileAccess } from './restore';

/** File access through Node's file system. */
export const nodeFileAccess: WorkspaceFileAccess = {
  async read(absolute) {
    try {
      return await fs.readFile(absolute);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return undefined;
      throw error;
    }
  },
  async write(absolute, content) {
    await fs.mkdir(dirname(absolute), { recursive: true });
    await fs.writeFile(absolute, content);
  },
  async remove(absolute) {
    await fs.rm(absolute);
  },
};
