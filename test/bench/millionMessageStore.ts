// A storage folder holding 1,000,000 messages (100 threads × 10,000) and their saved search index, written with the
// store's and the index's own code, for the benches that measure what a big store costs a real VS Code. Building it
// takes a minute or two, so it is kept in the temp folder and reused while the formats it was written in hold.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SearchIndex } from '../../src/core/search';
import { POSTINGS_FORMAT_VERSION } from '../../src/core/search/threadPostings';
import { ThreadStore } from '../../src/core/store/threadStore';
import { messageInput } from './search.bench';

export const MILLION_STORE_THREADS = 100;
export const MILLION_STORE_MESSAGES_PER_THREAD = 10_000;
const BATCH = 5_000;

/** The folder of the store (built on first use); copy it before writing to it. */
export async function millionMessageStore(): Promise<string> {
  // The postings format is in the name: a store written for an older format would measure a one-off migration.
  const root = path.join(os.tmpdir(), `agent-threads-bench-1m-postings${POSTINGS_FORMAT_VERSION}`);
  const done = path.join(root, 'complete');
  if (fs.existsSync(done)) return root;
  fs.rmSync(root, { recursive: true, force: true });
  const start = performance.now();
  const store = new ThreadStore({ root });
  try {
    for (let t = 0; t < MILLION_STORE_THREADS; t++) {
      const thread = await store.create({ title: `Bench ${t}` });
      for (let from = 0; from < MILLION_STORE_MESSAGES_PER_THREAD; from += BATCH) {
        await store.appendMessages(
          thread.id,
          Array.from({ length: BATCH }, (_, i) => messageInput(t, from + i)),
        );
      }
    }
    const index = new SearchIndex({ root, store, saveDelayMs: 60_000 });
    await index.open();
    index.dispose();
    await index.flush();
  } finally {
    store.dispose();
  }
  fs.writeFileSync(done, '');
  console.log(`  built the 1,000,000-message store in ${((performance.now() - start) / 1000).toFixed(0)} s (${root})`);
  return root;
}
