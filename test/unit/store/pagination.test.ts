import assert from 'node:assert/strict';
import { messageText } from '../../../src/core/domain/message';
import type { ListQuery } from '../../../src/core/store/pagination';
import { ThreadStore } from '../../../src/core/store/threadStore';
import { makeTempDir, removeTempDir, seededRandom, text } from './helpers';

/** The obvious in-memory model of a thread's messages: an array, oldest first, with the list contract applied to it. */
class ModelThread {
  readonly items: { id: string; text: string }[] = [];

  list(query: ListQuery): { ids: string[]; has_more: boolean } {
    const limit = query.limit ?? 20;
    const ordered = query.order === 'asc' ? [...this.items] : [...this.items].reverse();
    const start = query.after ? ordered.findIndex((m) => m.id === query.after) + 1 : 0;
    const end = query.before ? ordered.findIndex((m) => m.id === query.before) : ordered.length;
    if (end <= start) return { ids: [], has_more: false };
    const window = ordered.slice(start, end);
    const page = query.before && !query.after ? window.slice(Math.max(0, window.length - limit)) : window.slice(0, limit);
    return { ids: page.map((m) => m.id), has_more: page.length < window.length };
  }
}

describe('ThreadStore pagination against an in-memory model', () => {
  let root: string;
  beforeEach(async () => {
    root = await makeTempDir();
  });
  afterEach(() => removeTempDir(root));

  for (const seed of [1, 2, 3]) {
    it(`matches the model over 250 random operations (seed ${seed})`, async function () {
      this.timeout(20_000);
      const random = seededRandom(seed);
      const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
      const store = new ThreadStore({ root });
      const thread = await store.create();
      const model = new ModelThread();
      for (let step = 0; step < 250; step++) {
        const roll = random();
        if (roll < 0.35 || model.items.length < 3) {
          const count = 1 + Math.floor(random() * 4);
          const inputs = Array.from({ length: count }, (_, i) => text(`s${step}-${i}`));
          const added = await store.appendMessages(thread.id, inputs);
          added.forEach((m) => model.items.push({ id: m.id, text: messageText(m) }));
        } else if (roll < 0.5) {
          const target = pick(model.items);
          target.text = `${target.text}+u${step}`;
          await store.updateMessage(thread.id, target.id, { content: [{ type: 'text', text: { value: target.text } }] });
        } else {
          const query: ListQuery = { limit: 1 + Math.floor(random() * 12), order: random() < 0.5 ? 'asc' : 'desc' };
          if (random() < 0.5) query.after = pick(model.items).id;
          if (random() < 0.4) query.before = pick(model.items).id;
          // Reopen now and then so reads go through a cold instance too.
          const reader = random() < 0.2 ? new ThreadStore({ root }) : store;
          const page = await reader.listMessages(thread.id, query);
          const expected = model.list(query);
          const context = `seed ${seed} step ${step} ${JSON.stringify(query)}`;
          assert.deepEqual(
            page.data.map((m) => m.id),
            expected.ids,
            context,
          );
          assert.equal(page.has_more, expected.has_more, context);
          assert.equal(page.first_id, expected.ids[0] ?? null, context);
          assert.equal(page.last_id, expected.ids[expected.ids.length - 1] ?? null, context);
          const texts = new Map(model.items.map((m) => [m.id, m.text]));
          assert.deepEqual(
            page.data.map(messageText),
            page.data.map((m) => texts.get(m.id)),
            context,
          );
        }
      }
    });
  }

  it('walks every message exactly once by following after cursors, in both orders', async () => {
    const store = new ThreadStore({ root });
    const thread = await store.create();
    const added = await store.appendMessages(
      thread.id,
      Array.from({ length: 53 }, (_, i) => text(`m${i}`)),
    );
    for (const order of ['asc', 'desc'] as const) {
      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await store.listMessages(thread.id, { order, limit: 10, after });
        seen.push(...page.data.map((m) => m.id));
        if (!page.has_more) break;
        after = page.last_id ?? undefined;
      }
      const expected = added.map((m) => m.id);
      assert.deepEqual(seen, order === 'asc' ? expected : expected.reverse());
    }
  });
});
