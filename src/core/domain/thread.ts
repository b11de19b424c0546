import type { Metadata, UnixSeconds } from './common';
import type { MessageInput } from './message';

/** The title of a thread nobody has named yet; a run names such a thread after its first message. */
export const UNTITLED_THREAD_TITLE = 'New thread';

/** A conversation with an agent; message_count and last_activity_at are kept by the store. */
export interface Thread {
  id: string;
  object: 'thread';
  title: string;
  agent_id: string | null;
  created_at: UnixSeconds;
  metadata: Metadata;
  message_count: number;
  last_activity_at: UnixSeconds;
}

export interface CreateThreadOptions {
  /** Keep this id (import); a new one otherwise. */
  id?: string;
  title?: string;
  agent_id?: string | null;
  metadata?: Metadata;
  created_at?: number;
  messages?: MessageInput[];
}

export type ThreadUpdate = Partial<Pick<Thread, 'title' | 'agent_id' | 'metadata'>>;

export type ThreadChange = {
  type: 'created' | 'updated' | 'deleted';
  threadId: string;
  /** Messages just deleted from the thread (an update); views showing them redraw. */
  removedMessageIds?: string[];
  /** The thread came in or grew by whole records from outside the store's own appends (a merge): readers catch up. */
  grewOutside?: boolean;
};
