import { promises as fs } from 'node:fs';
import type { Logger } from '../util/logger';
import { EMPTY_HEADER, type IndexChanges, type IndexHeader, type MessageSlot, type ThreadIndex } from './threadIndex';
import { type LogRecord, scanLog } from './threadLog';

/** Index changes implied by records found in the log after what `base` covers. */
export function changesFor(
  base: IndexHeader,
  lines: { offset: number; length: number; record: LogRecord }[],
): { changes: IndexChanges; next: IndexHeader } {
  const changes: IndexChanges = { newSlots: [], updatedSlots: [], newRunEntries: [] };
  let lastActivityAt = base.lastActivityAt;
  // Updates of messages found in this same scan are matched by id, so a corrupt line skipped earlier cannot
  // shift an update onto the wrong message.
  const newOrdinals = new Map<string, number>();
  for (const { offset, length, record } of lines) {
    lastActivityAt = Math.max(lastActivityAt, record.at);
    switch (record.t) {
      case 'message':
        newOrdinals.set(record.message.id, changes.newSlots.length);
        changes.newSlots.push({ offset, length, id: record.message.id });
        break;
      case 'message_update':
      case 'message_hidden': {
        const id = record.t === 'message_hidden' ? record.id : record.message.id;
        const slot: MessageSlot = { offset, length, id };
        const fresh = newOrdinals.get(id);
        if (fresh !== undefined) changes.newSlots[fresh] = slot;
        else if (record.ord < base.messageCount) changes.updatedSlots.push({ ordinal: record.ord, slot });
        break;
      }
      case 'run':
        changes.newRunEntries.push({ kind: 'run', offset, length, id: record.run.id, runId: record.run.id });
        break;
      case 'step':
        changes.newRunEntries.push({ kind: 'step', offset, length, id: record.step.id, runId: record.step.run_id });
        break;
    }
  }
  const next: IndexHeader = {
    covered: base.covered,
    messageCount: base.messageCount + changes.newSlots.length,
    runEntryCount: base.runEntryCount + changes.newRunEntries.length,
    lastActivityAt,
  };
  return { changes, next };
}

/**
 * Warns about records of types this version does not know (written by a later version) once per type for the life
 * of a store, however many lines, logs and index rebuilds carry them: they are expected, not damage.
 */
export class UnknownRecordTypes {
  private readonly warned = new Set<string>();

  constructor(private readonly logger: Logger) {}

  /** Notes a record of `type` found in `logPath`; warns the first time this type is seen. */
  note(type: string, logPath: string): void {
    if (this.warned.has(type)) return;
    this.warned.add(type);
    const shown = type.length > 64 ? `${type.slice(0, 64)}…` : type;
    this.logger.warn(
      `Skipping records of type ${JSON.stringify(shown)} (first met in ${logPath}): a newer version of Agent Threads wrote them. ` +
        'They stay in the log unchanged; further ones are skipped without a warning.',
    );
  }
}

async function endsWithNewline(logPath: string, offset: number): Promise<boolean> {
  if (offset === 0) return true;
  const handle = await fs.open(logPath, 'r');
  try {
    const byte = Buffer.alloc(1);
    const { bytesRead } = await handle.read(byte, 0, 1, offset - 1);
    return bytesRead === 1 && byte[0] === 10;
  } finally {
    await handle.close();
  }
}

/**
 * Brings the index up to date with the log after a crash, a second writer, or a lost index: extends it from where
 * it stopped or rebuilds it, drops a torn last record (reported once), and skips corrupt lines with a warning.
 * Records of unknown types are left out of the index and kept in the log (see decodeLine).
 * Call only while holding the thread's lock. Never throws for corrupt data.
 */
export async function repairIndex(
  logPath: string,
  index: ThreadIndex,
  header: IndexHeader | undefined,
  logger: Logger,
  unknownTypes: UnknownRecordTypes,
): Promise<IndexHeader> {
  const size = (await fs.stat(logPath)).size;
  if (header && header.covered === size) return header;
  let base = EMPTY_HEADER;
  if (!header) {
    logger.info(`Rebuilding the missing index of ${logPath}.`);
  } else if (header.covered < size && (await endsWithNewline(logPath, header.covered))) {
    base = header;
  } else {
    logger.warn(`The index of ${logPath} covers ${header.covered} bytes but the log has ${size}; rebuilding it.`);
  }
  const scan = await scanLog(logPath, base.covered);
  if (scan.torn) {
    // Only a crash mid-write leaves bytes after the last newline; the record was never acknowledged.
    await fs.truncate(logPath, scan.torn.offset);
    logger.warn(
      `Dropped an incomplete last record (${scan.torn.length} bytes at offset ${scan.torn.offset}) from ${logPath}; it was being written when the app stopped.`,
    );
  }
  const valid: { offset: number; length: number; record: LogRecord }[] = [];
  for (const { offset, length, lineNumber, decoded } of scan.lines) {
    if (decoded.kind === 'record') valid.push({ offset, length, record: decoded.record });
    else if (decoded.kind === 'unknown') unknownTypes.note(decoded.type, logPath);
    else
      logger.warn(
        `Skipped a corrupt record in ${logPath} at ${lineNumber !== undefined ? `line ${lineNumber}` : `byte offset ${offset}`}.`,
      );
  }
  const { changes, next } = changesFor(base, valid);
  next.covered = scan.end;
  if (base === EMPTY_HEADER) {
    await index.writeFresh(next, changes.newSlots, changes.newRunEntries);
  } else {
    await index.apply(base, changes, next);
  }
  return next;
}
