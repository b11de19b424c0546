import type { ThreadViewEvent, ThreadViewIntent, ThreadViewRequests } from '../../src/protocol/threadView';
import { hostChannel } from '../shared/host';

/** The thread webview's channel to the host (src/protocol/threadView.ts). */
export const host = hostChannel<ThreadViewIntent, ThreadViewEvent, ThreadViewRequests>();

/** Sends an intent to the host. */
export const postToHost = (intent: ThreadViewIntent): void => host.post(intent);
