import type { Metadata, UnixSeconds } from './common';

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
