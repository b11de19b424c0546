import assert from 'node:assert/strict';
import { messageText } from '../../../src/core/domain/message';
import { newId } from '../../../src/core/domain/ids';
import { exportFileName, exportThreadJson, exportThreadMarkdown, importThreadJson } from '../../../src/core/backend/threadExport';
import { ThreadStore } from '../../../src/core/store/threadStore';
import { freshThreadStore, makeTempDir, removeTempDir, text } from '../store/helpers';

describe('thread export and import', () => {
  const fresh = freshThreadStore();
  let store: ThreadStore;
  beforeEach(() => {
    store = fresh.store;
  });

  async function sampleThread(): Promise<string> {
    const thread = await store.create({ title: 'Export me', metadata: { k: 'v' } });
    const runId = newId('run');
    await store.appendMessage(thread.id, {
      ...text('What is in src?'),
      content: [
        { type: 'text', text: { value: 'What is in src?' } },
        { type: 'file_ref', path: 'src/index.ts' },
      ],
    });
    await store.appendMessage(thread.id, {
      ...text('It holds the entry point.', 'assistant'),
      run_id: runId,
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '{"path":"src"}', output: 'index.ts' } }],
    });
    await store.saveRun({
      id: runId,
      object: 'thread.run',
      thread_id: thread.id,
      assistant_id: 'asst_0000000001',
      assistant_version: 1,
      status: 'completed',
      model: { profile: 'p', name: 'm' },
      instructions: '',
      tools: [],
      temperature: null,
      top_p: null,
      response_format: 'auto',
      max_prompt_tokens: null,
      max_completion_tokens: null,
      truncation_strategy: { type: 'auto' },
      required_action: null,
      last_error: null,
      incomplete_details: null,
      usage: null,
      metadata: null,
      created_at: 1,
      started_at: 1,
      completed_at: 2,
      cancelled_at: null,
      failed_at: null,
      expires_at: null,
    });
    return thread.id;
  }

  it('round-trips a thread through JSON into a fresh store, keeping free ids', async () => {
    const threadId = await sampleThread();
    const exported: unknown = JSON.parse(JSON.stringify(await exportThreadJson(store, threadId)));
    const otherRoot = await makeTempDir();
    try {
      const other = new ThreadStore({ root: otherRoot });
      const imported = await importThreadJson(other, exported);
      assert.equal(imported.id, threadId);
      assert.equal(imported.title, 'Export me');
      // The import is the thread's latest activity in its new store: the second may have turned meanwhile.
      const { thread: again, ...rest } = await exportThreadJson(other, imported.id);
      const { thread: original, ...expected } = exported as typeof rest & { thread: typeof again };
      assert.deepEqual({ ...again, last_activity_at: 0 }, { ...original, last_activity_at: 0 });
      assert.ok(again.last_activity_at >= original.last_activity_at);
      assert.deepEqual(rest, expected);
    } finally {
      await removeTempDir(otherRoot);
    }
  });

  it('assigns a new thread id on collision and keeps references consistent', async () => {
    const threadId = await sampleThread();
    const exported = await exportThreadJson(store, threadId);
    const copy = await importThreadJson(store, exported);
    assert.notEqual(copy.id, threadId);
    const messages = (await store.listMessages(copy.id, { order: 'asc' })).data;
    assert.deepEqual(messages.map(messageText), ['What is in src?', 'It holds the entry point.']);
    const runs = await store.listRuns(copy.id);
    assert.equal(runs.length, 1);
    assert.equal(messages[1].run_id, runs[0].id);
    assert.equal(runs[0].thread_id, copy.id);
  });

  it('rejects documents that are not thread exports', async () => {
    await assert.rejects(importThreadJson(store, { hello: 1 }), { code: 'invalid_import' });
    await assert.rejects(importThreadJson(store, null), { code: 'invalid_import' });
    const threadId = await sampleThread();
    const exported = await exportThreadJson(store, threadId);
    const broken = { ...exported, messages: { ...exported.messages, data: [{ ...exported.messages.data[0], role: 'robot' }] } };
    await assert.rejects(importThreadJson(store, broken), { code: 'invalid_import' });
    assert.equal((await store.list()).length, 1, 'a rejected import creates no thread');
  });

  it('exports readable Markdown with roles, text, file references and tool calls', async () => {
    const markdown = await exportThreadMarkdown(store, await sampleThread());
    assert.match(markdown, /^# Export me\n/);
    assert.match(markdown, /## User · .*\n\nWhat is in src\?\n\n\[src\/index\.ts\]\(src\/index\.ts\)/);
    assert.match(markdown, /## Assistant · .*\n\nIt holds the entry point\./);
    assert.match(markdown, /Tool `read_file`\(\{"path":"src"\}\) → index\.ts/);
  });

  it('exports a reasoning answer’s thinking as a folded Thinking section above it, without the encrypted item', async () => {
    const thread = await store.create({ title: 'Thinking' });
    await store.appendMessage(thread.id, {
      ...text('It is 42.', 'assistant'),
      reasoning: { id: 'rs_1', summary: ['Reading the question.', 'Multiplying.'], encrypted_content: 'gAAAA-opaque' },
    });
    const markdown = await exportThreadMarkdown(store, thread.id);
    assert.match(
      markdown,
      /## Assistant · .*\n\n<details>\n<summary>Thinking<\/summary>\n\nReading the question\.\n\nMultiplying\.\n\n<\/details>\n\nIt is 42\./,
    );
    assert.ok(!markdown.includes('gAAAA'), 'the encrypted reasoning is not exported as text');
  });

  describe('secrets', () => {
    // An Azure OpenAI key has no telltale prefix: only the list of stored keys catches it.
    const azureKey = '3f9a0c6be1d24477a1b2c3d4e5f60718';
    const openAiKey = 'sk-proj-Zx81mQ0pL3vT6wY9bN2cR5sD7fG4hJ1k';

    async function threadFullOfKeys(): Promise<string> {
      const thread = await store.create({ title: `Key ${azureKey}`, metadata: { note: `pasted ${openAiKey}` } });
      const runId = newId('run');
      await store.appendMessage(thread.id, text(`My key is ${azureKey}, why does it fail?`));
      await store.appendMessage(thread.id, {
        ...text(`Your key ${openAiKey} looks fine.`, 'assistant'),
        run_id: runId,
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: {
              name: 'run_command',
              arguments: '{"command":"env"}',
              output: `AZURE_OPENAI_API_KEY=${azureKey}\nAuthorization: Bearer ${azureKey}x\ncurl -H "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.Xg4a9z"`,
            },
          },
        ],
      });
      await store.saveRun({
        id: runId,
        object: 'thread.run',
        thread_id: thread.id,
        assistant_id: 'asst_0000000001',
        assistant_version: 1,
        status: 'failed',
        model: { profile: 'p', name: 'm' },
        instructions: `Use api_key=${azureKey}`,
        tools: [],
        temperature: null,
        top_p: null,
        response_format: 'auto',
        max_prompt_tokens: null,
        max_completion_tokens: null,
        truncation_strategy: { type: 'auto' },
        required_action: null,
        // A server that echoes the whole key in its 401 body, reaching last_error through some future code path.
        last_error: { code: 'invalid_api_key', message: `Incorrect API key provided: ${azureKey}. Also tried ${openAiKey}.` },
        incomplete_details: null,
        usage: null,
        metadata: null,
        created_at: 1,
        started_at: 1,
        completed_at: null,
        cancelled_at: null,
        failed_at: 2,
        expires_at: null,
      });
      await store.saveRunStep({
        id: newId('step'),
        object: 'thread.run.step',
        thread_id: thread.id,
        run_id: runId,
        assistant_id: 'asst_0000000001',
        type: 'tool_calls',
        status: 'completed',
        step_details: {
          type: 'tool_calls',
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'run_command', arguments: `{"command":"echo ${azureKey}"}`, output: azureKey },
              status: 'completed',
            },
          ],
        },
        last_error: null,
        usage: null,
        created_at: 1,
        completed_at: 2,
        cancelled_at: null,
        failed_at: null,
        expired_at: null,
        metadata: null,
      } as never);
      return thread.id;
    }

    it('never puts a stored or key-shaped API key into a JSON export', async () => {
      const threadId = await threadFullOfKeys();
      const json = JSON.stringify(await exportThreadJson(store, threadId, [azureKey]));
      assert.ok(!json.includes(azureKey), 'the stored key is redacted everywhere');
      assert.ok(!json.includes(openAiKey), 'a key-shaped string is redacted even when it is not stored');
      assert.ok(!json.includes(azureKey.slice(0, 24)), 'no part of the key survives next to a suffix either');
      assert.match(json, /Incorrect API key provided: \[redacted secret\]/, 'the error still says what went wrong');
      assert.match(json, /AZURE_OPENAI_API_KEY=\[redacted secret\]/);
      assert.match(json, /My key is \[redacted secret\], why does it fail\?/);
    });

    it('never puts a stored or key-shaped API key into a Markdown export', async () => {
      const markdown = await exportThreadMarkdown(store, await threadFullOfKeys(), [azureKey]);
      assert.ok(!markdown.includes(azureKey) && !markdown.includes(openAiKey));
      assert.match(markdown, /^# Key \[redacted secret\]\n/);
      assert.match(markdown, /Bearer \[redacted secret\]x/);
      assert.match(markdown, /Bearer \[redacted secret\]"/, 'an unknown bearer token is redacted too');
      assert.ok(!markdown.includes('eyJhbGciOiJIUzI1NiJ9'));
    });

    it('leaves ordinary text that merely resembles a key alone', async () => {
      const thread = await store.create({ title: 'Data science' });
      const ordinary =
        'Install sk-learn (scikit-learn) and read the api_key docs; the task-list is short. Code: `apiKey: config.apiKey`, `api_key=os.environ`.';
      await store.appendMessage(thread.id, text(ordinary));
      const markdown = await exportThreadMarkdown(store, thread.id, ['', 'none']);
      assert.ok(markdown.includes(ordinary), markdown);
    });
  });
});

describe('export file names', () => {
  const day = new Date(2026, 10, 28, 15, 0, 0);

  it('slugs the title without a trailing dash and adds the date', () => {
    assert.equal(exportFileName('Please run the tests!', day, 'md'), 'please-run-the-tests-2026-11-28.md');
    assert.equal(exportFileName('  Café: résumé / notes  ', day, 'thread.json'), 'cafe-resume-notes-2026-11-28.thread.json');
  });

  it('cuts a long title at a word, never leaving a dash at the end', () => {
    const name = exportFileName('Please run the whole integration suite on both releases and then report back run', day, 'md');
    const slug = name.replace(/-2026-11-28\.md$/, '');
    assert.ok(slug.length <= 50 && !slug.endsWith('-') && !slug.startsWith('-'), name);
    assert.equal(slug, 'please-run-the-whole-integration-suite-on-both');
  });

  it('names a thread without a usable title "thread"', () => {
    assert.equal(exportFileName('???', day, 'md'), 'thread-2026-11-28.md');
  });
});
