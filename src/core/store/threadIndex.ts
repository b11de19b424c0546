import { constants, promises as fs } from 'node:fs';
import { MAX_ID_LENGTH } from '../domain/ids';
import { atomicWrite } from './atomicWrite';
import { errnoCode } from '../util/errors';

/**
 * The rebuildable index of one thread log, in two binary files of fixed-size entries:
 * - `messages.idx`: a header, then one slot per message ordinal giving the byte range of that message's latest
 *   record (an update overwrites the slot in place) and its id, so pages and cursors never touch the log.
 * - `runs.idx`: one entry per run or run-step snapshot, appended in log order.
 * The header records how many log bytes the index covers; an index that covers a different length than the log
 * is stale and is extended or rebuilt from the log, which stays the only source of truth.
 */

export interface IndexHeader {
  /** Log bytes the index accounts for; always the end of a complete line. */
  covered: number;
  messageCount: number;
  runEntryCount: number;
  lastActivityAt: number;
}

export interface MessageSlot {
  offset: number;
  length: number;
  id: string;
}

export interface RunEntry {
  kind: 'run' | 'step';
  offset: number;
  length: number;
  id: string;
  runId: string;
}

const MAGIC = 0x31495441; // "ATI1"
export const HEADER_SIZE = 64;
const SLOT_SIZE = 16 + MAX_ID_LENGTH + 1;
const RUN_ENTRY_SIZE = 16 + 2 * (MAX_ID_LENGTH + 1);
const ID_AREA = MAX_ID_LENGTH + 1;

export const EMPTY_HEADER: IndexHeader = { covered: 0, messageCount: 0, runEntryCount: 0, lastActivityAt: 0 };

function encodeHeader(header: IndexHeader): Buffer {
  const buffer = Buffer.alloc(HEADER_SIZE);
  buffer.writeUInt32LE(MAGIC, 0);
  buffer.writeUIntLE(header.covered, 8, 6);
  buffer.writeUInt32LE(header.messageCount, 16);
  buffer.writeUInt32LE(header.runEntryCount, 20);
  buffer.writeDoubleLE(header.lastActivityAt, 24);
  return buffer;
}

function writeId(buffer: Buffer, at: number, id: string): void {
  buffer.writeUInt8(Buffer.byteLength(id), at);
  buffer.write(id, at + 1, ID_AREA - 1, 'latin1');
}

function readId(buffer: Buffer, at: number): string {
  return buffer.toString('latin1', at + 1, at + 1 + buffer.readUInt8(at));
}

function encodeSlots(slots: MessageSlot[]): Buffer {
  const buffer = Buffer.alloc(slots.length * SLOT_SIZE);
  slots.forEach((slot, i) => {
    const at = i * SLOT_SIZE;
    buffer.writeUIntLE(slot.offset, at, 6);
    buffer.writeUInt32LE(slot.length, at + 8);
    writeId(buffer, at + 16, slot.id);
  });
  return buffer;
}

function decodeSlot(buffer: Buffer, at: number): MessageSlot {
  return { offset: buffer.readUIntLE(at, 6), length: buffer.readUInt32LE(at + 8), id: readId(buffer, at + 16) };
}

function encodeRunEntries(entries: RunEntry[]): Buffer {
  const buffer = Buffer.alloc(entries.length * RUN_ENTRY_SIZE);
  entries.forEach((entry, i) => {
    const at = i * RUN_ENTRY_SIZE;
    buffer.writeUIntLE(entry.offset, at, 6);
    buffer.writeUInt32LE(entry.length, at + 8);
    buffer.writeUInt8(entry.kind === 'run' ? 1 : 2, at + 12);
    writeId(buffer, at + 16, entry.id);
    writeId(buffer, at + 16 + ID_AREA, entry.runId);
  });
  return buffer;
}

function decodeRunEntry(buffer: Buffer, at: number): RunEntry {
  return {
    offset: buffer.readUIntLE(at, 6),
    length: buffer.readUInt32LE(at + 8),
    kind: buffer.readUInt8(at + 12) === 1 ? 'run' : 'step',
    id: readId(buffer, at + 16),
    runId: readId(buffer, at + 16 + ID_AREA),
  };
}

function decodeHeader(buffer: Buffer): IndexHeader | undefined {
  if (buffer.length < HEADER_SIZE || buffer.readUInt32LE(0) !== MAGIC) return undefined;
  return {
    covered: buffer.readUIntLE(8, 6),
    messageCount: buffer.readUInt32LE(16),
    runEntryCount: buffer.readUInt32LE(20),
    lastActivityAt: buffer.readDoubleLE(24),
  };
}

/** Reads the slots of `ordinals` with one read per run of adjacent ordinals, so scattered look-ups cost only the slots they touch. */
async function slotsAt(handle: fs.FileHandle, ordinals: readonly number[]): Promise<(MessageSlot | undefined)[]> {
  const out = new Array<MessageSlot | undefined>(ordinals.length).fill(undefined);
  const order = ordinals.map((_, i) => i).sort((a, b) => ordinals[a] - ordinals[b]);
  const runs: { from: number; to: number }[] = [];
  for (let i = 0; i < order.length;) {
    let j = i + 1;
    while (j < order.length && ordinals[order[j]] - ordinals[order[j - 1]] <= 1) j++;
    runs.push({ from: i, to: j });
    i = j;
  }
  await Promise.all(
    runs.map(async ({ from, to }) => {
      const first = ordinals[order[from]];
      const buffer = Buffer.allocUnsafe((ordinals[order[to - 1]] - first + 1) * SLOT_SIZE);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, HEADER_SIZE + first * SLOT_SIZE);
      for (let k = from; k < to; k++) {
        const at = (ordinals[order[k]] - first) * SLOT_SIZE;
        if (at + SLOT_SIZE <= bytesRead) out[order[k]] = decodeSlot(buffer, at);
      }
    }),
  );
  return out;
}

/** Changes to apply to an index after new records were appended to (or found at the end of) the log. */
export interface IndexChanges {
  /** Slots for messages numbered from the old header's messageCount on. */
  newSlots: MessageSlot[];
  /** Slots of existing messages that now point at a newer record. */
  updatedSlots: { ordinal: number; slot: MessageSlot }[];
  newRunEntries: RunEntry[];
}

async function readAt(path: string, position: number, length: number): Promise<Buffer> {
  const handle = await fs.open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, position);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Reads and writes the two index files of one thread folder. */
export class ThreadIndex {
  constructor(
    private readonly messagesPath: string,
    private readonly runsPath: string,
  ) {}

  /** The header, or undefined when the index is missing or not ours (then it must be rebuilt). */
  async readHeader(): Promise<IndexHeader | undefined> {
    let buffer: Buffer;
    try {
      buffer = await readAt(this.messagesPath, 0, HEADER_SIZE);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return undefined;
      throw err;
    }
    const header = decodeHeader(buffer);
    if (!header) return undefined;
    const size = await fs.stat(this.messagesPath).then((s) => s.size);
    // Slots the header counts but the file lacks mean a torn index write: treat the index as missing.
    return size >= HEADER_SIZE + header.messageCount * SLOT_SIZE ? header : undefined;
  }

  /**
   * The header and the slots of `ordinals` (in the order asked) through one open file, for reads that need both at
   * once. A slot the file does not hold in full is undefined; the header is undefined when it is not ours.
   */
  async readHeaderAndSlotsAt(
    ordinals: readonly number[],
  ): Promise<{ header: IndexHeader | undefined; slots: (MessageSlot | undefined)[] }> {
    const handle = await fs.open(this.messagesPath, 'r');
    try {
      const buffer = Buffer.alloc(HEADER_SIZE);
      const [{ bytesRead }, slots] = await Promise.all([handle.read(buffer, 0, HEADER_SIZE, 0), slotsAt(handle, ordinals)]);
      return { header: bytesRead === HEADER_SIZE ? decodeHeader(buffer) : undefined, slots };
    } finally {
      await handle.close();
    }
  }

  /** Slots of messages with ordinals in [from, to). */
  async readSlots(from: number, to: number): Promise<MessageSlot[]> {
    if (to <= from) return [];
    const buffer = await readAt(this.messagesPath, HEADER_SIZE + from * SLOT_SIZE, (to - from) * SLOT_SIZE);
    const slots: MessageSlot[] = [];
    for (let at = 0; at + SLOT_SIZE <= buffer.length; at += SLOT_SIZE) slots.push(decodeSlot(buffer, at));
    return slots;
  }

  /** Slots of the given ordinals (any order), in the order asked; undefined where the file does not hold one in full. */
  async readSlotsAt(ordinals: readonly number[]): Promise<(MessageSlot | undefined)[]> {
    const handle = await fs.open(this.messagesPath, 'r');
    try {
      return await slotsAt(handle, ordinals);
    } finally {
      await handle.close();
    }
  }

  /** The ordinal of message `id` among the first `count`, searching from the newest end (where cursors usually are); -1 if absent. */
  async findOrdinal(id: string, count: number): Promise<number> {
    const chunk = 4096;
    for (let to = count; to > 0; to -= chunk) {
      const from = Math.max(0, to - chunk);
      const slots = await this.readSlots(from, to);
      for (let i = slots.length - 1; i >= 0; i--) if (slots[i].id === id) return from + i;
    }
    return -1;
  }

  /** Run and step entries with positions in [from, to). */
  async readRunEntries(from: number, to: number): Promise<RunEntry[]> {
    if (to <= from) return [];
    let buffer: Buffer;
    try {
      buffer = await readAt(this.runsPath, from * RUN_ENTRY_SIZE, (to - from) * RUN_ENTRY_SIZE);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return [];
      throw err;
    }
    const entries: RunEntry[] = [];
    for (let at = 0; at + RUN_ENTRY_SIZE <= buffer.length; at += RUN_ENTRY_SIZE) entries.push(decodeRunEntry(buffer, at));
    return entries;
  }

  /** Writes changes in place, header last, so a crash in between leaves a header that still matches its slots. */
  async apply(old: IndexHeader, changes: IndexChanges, next: IndexHeader): Promise<void> {
    if (changes.newRunEntries.length) {
      const handle = await fs.open(this.runsPath, constants.O_RDWR | constants.O_CREAT, 0o666);
      try {
        await handle.write(encodeRunEntries(changes.newRunEntries), 0, undefined, old.runEntryCount * RUN_ENTRY_SIZE);
      } finally {
        await handle.close();
      }
    }
    const handle = await fs.open(this.messagesPath, constants.O_RDWR | constants.O_CREAT, 0o666);
    try {
      if (changes.newSlots.length) {
        await handle.write(encodeSlots(changes.newSlots), 0, undefined, HEADER_SIZE + old.messageCount * SLOT_SIZE);
      }
      for (const { ordinal, slot } of changes.updatedSlots) {
        await handle.write(encodeSlots([slot]), 0, undefined, HEADER_SIZE + ordinal * SLOT_SIZE);
      }
      await handle.write(encodeHeader(next), 0, undefined, 0);
    } finally {
      await handle.close();
    }
  }

  /** Replaces both index files with ones built from scratch. */
  async writeFresh(header: IndexHeader, slots: MessageSlot[], runEntries: RunEntry[]): Promise<void> {
    await atomicWrite(this.runsPath, encodeRunEntries(runEntries));
    await atomicWrite(this.messagesPath, Buffer.concat([encodeHeader(header), encodeSlots(slots)]));
  }
}
