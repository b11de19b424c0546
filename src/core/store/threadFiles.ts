import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Message } from '../domain/message';
import type { Logger } from '../util/logger';
import { type MessageSlot, ThreadIndex } from './threadIndex';
import { type LogRecord, readRecords } from './threadLog';

/** The files of one thread folder. */
export class ThreadFiles {
  readonly log: string;
  readonly meta: string;
  readonly index: ThreadIndex;

  constructor(readonly folder: string) {
    this.log = join(folder, 'messages.jsonl');
    this.meta = join(folder, 'thread.json');
    this.index = new ThreadIndex(join(folder, 'messages.idx'), join(folder, 'runs.idx'));
  }

  /** Appends `data` (whole records) to the log with a single write; on failure cuts the log back to `offset`. */
  async appendToLog(offset: number, data: Buffer): Promise<void> {
    const handle = await fs.open(this.log, 'a');
    try {
      const { bytesWritten } = await handle.write(data);
      if (bytesWritten !== data.length) {
        throw Object.assign(new Error(`short write (${bytesWritten} of ${data.length} bytes)`), { code: 'ENOSPC' });
      }
    } catch (err) {
      // Leave no partial record behind for the next open to trip over.
      await handle.truncate(offset).catch(() => undefined);
      throw err;
    } finally {
      await handle.close();
    }
  }

  /**
   * Messages with ordinals in [from, to), oldest first, each in its latest version; deleted ones are left out. A slot whose record is
   * unreadable or another message's means the log changed under the index (edited by hand while the app ran):
   * with `strict` that throws StaleIndexError so the caller can rebuild the index; otherwise it is skipped.
   */
  async readMessages(from: number, to: number, logger: Logger, strict = false): Promise<Message[]> {
    const slots = await this.index.readSlots(from, to);
    const records = await readRecords(this.log, slots);
    const messages: Message[] = [];
    records.forEach((record, i) => {
      if (isTombstoneOf(record, slots[i].id)) return;
      const message = messageOf(record);
      if (message?.id === slots[i].id) return void messages.push(message);
      if (strict) throw new StaleIndexError(this.log);
      logger.warn(`Skipped message ${slots[i].id}: its record in ${this.log} at byte ${slots[i].offset} is unreadable.`);
    });
    return messages;
  }

  /** The messages the given slots point at, in the same order; undefined for a missing slot, a deleted message or an unreadable record. */
  async messagesAt(slots: readonly (MessageSlot | undefined)[], logger: Logger): Promise<(Message | undefined)[]> {
    const present = slots.filter((slot): slot is MessageSlot => slot !== undefined);
    const records = await readRecords(this.log, present);
    const byOffset = new Map(present.map((slot, i) => [slot.offset, messageOf(records[i])]));
    const hidden = new Set(present.filter((slot, i) => isTombstoneOf(records[i], slot.id)).map((slot) => slot.offset));
    return slots.map((slot) => {
      if (!slot || hidden.has(slot.offset)) return undefined;
      const message = byOffset.get(slot.offset);
      if (!message) logger.warn(`Skipped message ${slot.id}: its record in ${this.log} at byte ${slot.offset} is unreadable.`);
      return message;
    });
  }
}

/** The index points at bytes of the log that are not the records it names. */
export class StaleIndexError extends Error {
  constructor(log: string) {
    super(`The index of ${log} does not match the log.`);
  }
}

/** The message a record carries, if it carries one. */
export function messageOf(record: LogRecord | undefined): Message | undefined {
  return record?.t === 'message' || record?.t === 'message_update' ? record.message : undefined;
}

/** Whether a record is the tombstone of message `id` (see LogRecord). */
function isTombstoneOf(record: LogRecord | undefined, id: string): boolean {
  return record?.t === 'message_hidden' && record.id === id;
}
