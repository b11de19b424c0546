import { strict as assert } from 'node:assert';
import type { ListQuery, Message, Page } from '../../../src/core/domain';
import { promptPreview, promptsOfRuns } from '../../../src/core/runs/runPrompts';
import { textMessage } from '../../fixtures/threadExport';

function message(id: string, role: 'user' | 'assistant', text: string, createdAt: number): Message {
  return textMessage(id, 't', role, text, createdAt);
}

/** A thread's messages served newest first in pages of `size`, as the stores do; counts the pages read. */
function pages(messages: Message[], size = 2) {
  const newestFirst = [...messages].reverse();
  const served = { pages: 0 };
  const list = async (query: ListQuery): Promise<Page<Message>> => {
    served.pages++;
    const start = query.after ? newestFirst.findIndex((m) => m.id === query.after) + 1 : 0;
    const data = newestFirst.slice(start, start + size);
    return {
      object: 'list',
      data,
      first_id: data[0]?.id ?? null,
      last_id: data.at(-1)?.id ?? null,
      has_more: start + size < newestFirst.length,
    };
  };
  return { list, served };
}

describe('the message that started each run', () => {
  it('is the newest user message written no later than the run, across pages', async () => {
    const { list } = pages([
      message('m1', 'user', 'First question', 10),
      message('m2', 'assistant', 'First answer', 11),
      message('m3', 'user', 'Second question', 20),
      message('m4', 'assistant', 'Second answer', 21),
      message('m5', 'user', 'Not answered yet', 30),
    ]);
    const prompts = await promptsOfRuns(list, [
      { id: 'run_1', created_at: 10 },
      { id: 'run_2', created_at: 20 },
    ]);
    assert.equal(prompts.get('run_1'), 'First question');
    assert.equal(prompts.get('run_2'), 'Second question');
  });

  it('names each run by the message before its answer when two turns fall in the same second', async () => {
    const answer = (id: string, text: string, runId: string) => ({ ...message(id, 'assistant', text, 10), run_id: runId });
    const { list } = pages(
      [
        message('m1', 'user', 'First question', 10),
        answer('m2', 'First answer', 'run_1'),
        message('m3', 'user', 'Second question', 10),
        answer('m4', 'Second answer', 'run_2'),
      ],
      100,
    );
    const prompts = await promptsOfRuns(list, [
      { id: 'run_1', created_at: 10 },
      { id: 'run_2', created_at: 10 },
    ]);
    assert.equal(prompts.get('run_2'), 'Second question');
    assert.equal(prompts.get('run_1'), 'First question');
  });

  it('stops reading once every run is named', async () => {
    const history = Array.from({ length: 40 }, (_, i) => message(`m${i}`, 'user', `Question ${i}`, i));
    const { list, served } = pages(history);
    const prompts = await promptsOfRuns(list, [{ id: 'latest', created_at: 39 }]);
    assert.equal(prompts.get('latest'), 'Question 39');
    assert.equal(served.pages, 1);
  });

  it('leaves a run without a prompt when no user message precedes it', async () => {
    const { list } = pages([message('m1', 'assistant', 'Hello', 5)]);
    assert.equal((await promptsOfRuns(list, [{ id: 'run_1', created_at: 5 }])).has('run_1'), false);
  });

  it('previews a prompt on one line, cut at a word', () => {
    assert.equal(promptPreview('  Fix the\n failing test  '), 'Fix the failing test');
    const preview = promptPreview('word '.repeat(40), 30);
    assert.ok(preview.length <= 31 && preview.endsWith('…') && !preview.includes('  '), preview);
  });
});
