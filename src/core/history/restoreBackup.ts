// Restoring a backup into the current store, safely: unpack and verify in a staging folder inside the store
// (stagedArchive.ts), decide the merge (restorePlan.ts), write the plan, then move each staged thread, agent and file
// into place with one atomic rename each. A crash before the plan is written leaves only a staging folder, which the
// next start removes; a crash after it leaves a plan, which the next start finishes (each move is idempotent), so a
// thread is either wholly there or not at all, and nothing in the store is ever overwritten or deleted.

import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import { atomicWrite, readJsonFile, syncFolder } from '../store/atomicWrite';
import { withFileLock } from '../store/lock';
import { errnoCode } from '../util/errors';
import { type Logger, silentLogger } from '../util/logger';
import { type Move, planRestore, type RestorePlan, type RestoreResult } from './restorePlan';
import { stagedPath, unpackVerified } from './stagedArchive';

export type { RestoreResult } from './restorePlan';

/** The folder of the store where restores stage their files (one subfolder per restore). */
export const STAGING_FOLDER = 'restore-staging';
const PLAN = 'plan.json';
const DATA = 'data';

export interface RestoreOptions {
  /** The store's folder (ExtensionContext.storageUri's path). */
  root: string;
  /** The backup archive to restore. */
  archive: string;
  logger?: Logger;
  /** Called after each move into the store (for progress). */
  onMoved?: (done: number, total: number) => void;
}

/**
 * Merges the backup at `archive` into the store at `root` (see restorePlan.ts for the rules) once every entry has
 * passed its checksum; throws BackupError, naming the entry at fault, with the store untouched otherwise.
 */
export async function restoreBackup(options: RestoreOptions): Promise<RestoreResult> {
  const logger = options.logger ?? silentLogger;
  await fs.mkdir(options.root, { recursive: true });
  return withRestoreLock(options.root, logger, 60_000, async () => {
    await finishStaged(options.root, logger);
    const staging = join(options.root, STAGING_FOLDER, `${Date.now()}-${randomBytes(4).toString('hex')}`);
    const data = join(staging, DATA);
    await fs.mkdir(data, { recursive: true });
    let plan: RestorePlan;
    try {
      const manifest = await unpackVerified(options.archive, data);
      plan = await planRestore(options.root, data, manifest);
      await atomicWrite(join(staging, PLAN), JSON.stringify(plan));
    } catch (error) {
      await removeStaging(options.root, staging);
      throw error;
    }
    // From here on a failure leaves the plan for the next start (or restore) to finish.
    await applyMoves(options.root, data, plan.moves, options.onMoved);
    await removeStaging(options.root, staging);
    return plan.result;
  });
}

/**
 * Finishes or cleans up restores a crash interrupted (call on start, off the activation path): a staging folder with
 * a plan has its remaining moves made; one without is removed. Returns how many restores it finished.
 */
export async function finishInterruptedRestores(root: string, logger: Logger = silentLogger): Promise<number> {
  try {
    await fs.access(join(root, STAGING_FOLDER));
  } catch {
    return 0;
  }
  // Another window restoring now holds the lock: its staging folder is live, leave it.
  return withRestoreLock(root, logger, 0, () => finishStaged(root, logger)).catch((error: unknown) => {
    logger.warn(`Could not finish an interrupted restore: ${error instanceof Error ? error.message : String(error)}`);
    return 0;
  });
}

async function finishStaged(root: string, logger: Logger): Promise<number> {
  const folder = join(root, STAGING_FOLDER);
  const names = await fs.readdir(folder).catch(() => [] as string[]);
  let finished = 0;
  for (const name of names) {
    const staging = join(folder, name);
    const plan = (await readJsonFile(join(staging, PLAN)).catch(() => undefined)) as RestorePlan | undefined;
    if (plan?.moves) {
      await applyMoves(root, join(staging, DATA), plan.moves);
      logger.info(`Finished a restore that was interrupted (${plan.moves.length} moves).`);
      finished++;
    } else {
      logger.info(`Removed an unfinished restore's staging folder ${name}.`);
    }
    await fs.rm(staging, { recursive: true, force: true });
  }
  await fs.rmdir(folder).catch(() => undefined);
  return finished;
}

/** Removes one restore's staging folder, and the folder of staging folders once it is empty. */
async function removeStaging(root: string, staging: string): Promise<void> {
  await fs.rm(staging, { recursive: true, force: true });
  await fs.rmdir(join(root, STAGING_FOLDER)).catch(() => undefined); // another restore's folder may still be there
}

/** Makes each move that is not made yet: a staged path that is gone was moved before an interruption. */
async function applyMoves(root: string, data: string, moves: Move[], onMoved?: (done: number, total: number) => void): Promise<void> {
  let done = 0;
  const touched = new Set<string>();
  for (const move of moves) {
    const from = stagedPath(data, move.from);
    const to = stagedPath(root, move.to);
    const stat = await fs.stat(from).catch(() => undefined);
    if (stat) {
      await fs.mkdir(dirname(to), { recursive: true });
      if (stat.isDirectory()) await renameFolder(from, to);
      else await moveFileUnlessPresent(from, to);
      touched.add(dirname(to));
    }
    onMoved?.(++done, moves.length);
  }
  // Once per folder, before the plan is removed: until then a power cut is recovered from the plan.
  for (const folder of touched) await syncFolder(folder);
}

/** Renames a folder into place; one already there (another window restored the same) is left as it is. */
async function renameFolder(from: string, to: string): Promise<void> {
  try {
    await fs.rename(from, to);
  } catch (error) {
    if (errnoCode(error) !== 'ENOTEMPTY' && errnoCode(error) !== 'EEXIST') throw error;
  }
}

/** Moves a file into place without ever replacing one (link refuses where rename would overwrite). */
async function moveFileUnlessPresent(from: string, to: string): Promise<void> {
  try {
    await fs.link(from, to);
  } catch (error) {
    if (errnoCode(error) !== 'EEXIST') throw error;
  }
  await fs.rm(from, { force: true });
}

function withRestoreLock<T>(root: string, logger: Logger, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  // The lock is a folder beside the staging folder's name; the target itself need not exist.
  return withFileLock(join(root, STAGING_FOLDER), { staleMs: 10_000, timeoutMs, logger }, fn);
}
