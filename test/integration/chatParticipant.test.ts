// The `@agents` participant. code-server 4.100.3 has the Chat API (so the participant registers) but no Chat view
// without a default chat agent such as Copilot: the view's `when` clause needs one, and the product ships none. Newer
// VS Code has the view built in but, with no chat model picked, answers "Language model unavailable". So these tests
// check registration and what the Chat view does with "@agents", then drive the participant's own handler (the one
// registered with VS Code, exported by the extension) with a ChatResponseStream of VS Code's types, and check the
// exchange in the real tree and thread view.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AgentThreadsApi } from '../../src/extension';
import { ui } from './driver';
import { fakeModel } from './fakeModel';
import { treeRow, useFakeModel } from './helpers';

/** A ChatResponseStream that keeps the parts, as the Chat view would render them. */
class RecordedResponse implements vscode.ChatResponseStream {
  readonly markdownParts: string[] = [];
  readonly progressLines: string[] = [];
  readonly buttons: vscode.Command[] = [];
  onMarkdown: () => void = () => undefined;
  markdown(value: string | vscode.MarkdownString): void {
    this.markdownParts.push(typeof value === 'string' ? value : value.value);
    this.onMarkdown();
  }
  anchor(): void {}
  button(command: vscode.Command): void {
    this.buttons.push(command);
  }
  filetree(): void {}
  progress(value: string): void {
    this.progressLines.push(value);
  }
  reference(): void {}
  push(part: vscode.ChatResponsePart): void {
    if (part instanceof vscode.ChatResponseMarkdownPart) this.markdown(part.value);
  }
  get text(): string {
    return this.markdownParts.join('');
  }
}

/** A chat session: each request sees the results before it, as VS Code passes them in `context.history`. */
class ChatSession {
  private readonly history: (vscode.ChatRequestTurn | vscode.ChatResponseTurn)[] = [];
  constructor(private readonly api: AgentThreadsApi) {}

  async send(
    prompt: string,
    command?: string,
    token = new vscode.CancellationTokenSource().token,
    response = new RecordedResponse(),
  ): Promise<{ result: vscode.ChatResult; response: RecordedResponse }> {
    const request = {
      prompt,
      command,
      references: [],
      toolReferences: [],
      toolInvocationToken: undefined,
      model: undefined,
    } as unknown as vscode.ChatRequest;
    const result = (await this.api.chatRequestHandler(request, { history: [...this.history] }, response, token)) as vscode.ChatResult;
    this.history.push({
      prompt,
      command,
      participant: 'agentThreads.agents',
      references: [],
      toolReferences: [],
    } as unknown as vscode.ChatRequestTurn);
    this.history.push({ participant: 'agentThreads.agents', command, result, response: [] } as unknown as vscode.ChatResponseTurn);
    return { result, response };
  }
}

function metadataOf(result: vscode.ChatResult): {
  agentId: string | null;
  threadId: string | null;
  runId: string | null;
  status: string | null;
} {
  return result.metadata as never;
}

describe('the @agents chat participant', () => {
  let api: AgentThreadsApi;
  const cleanup: (() => Thenable<unknown>)[] = [];

  before(async () => {
    await useFakeModel();
    await vscode.commands.executeCommand('agentThreads.agents.focus');
    api = (await vscode.extensions.getExtension('agent-threads.agent-threads')!.activate()) as AgentThreadsApi;
  });

  beforeEach(() => fakeModel.reset());

  after(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it('registers where VS Code has a Chat API; the Chat view, where there is one, routes @agents to it', async () => {
    assert.equal(api.chatParticipant, typeof vscode.chat?.createChatParticipant === 'function' ? 'registered' : 'unavailable');
    assert.equal(api.chatParticipant, 'registered', 'code-server has vscode.chat');
    await vscode.commands.executeCommand('workbench.action.chat.open', { query: '@agents /agents' });
    if (vscode.version.startsWith('1.100.')) {
      // code-server 4.100.3 shows no Chat view without a default chat agent: the real UI cannot reach the participant.
      const chatInputs = await ui.evaluate('workbench', () => document.querySelectorAll('.interactive-input-part').length);
      assert.equal(chatInputs, 0, 'if a Chat view appears here, drive @agents through it instead');
      await ui.screenshot('chat-participant-no-chat-view');
    } else {
      // Newer VS Code ships its Chat view built in and shows the request as our participant's. With no chat model
      // picked it answers "Language model unavailable", so the handler is driven directly below, as on 1.100.
      const answeredBy = await ui.waitFor('workbench', () =>
        [...document.querySelectorAll('.interactive-item-container')]
          .map((item) => item.textContent ?? '')
          .find((text) => text.includes('Agent Threads')),
      );
      assert.match(answeredBy, /Agent Threads/);
      await ui.screenshot('chat-participant-chat-view');
      await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
    }
  });

  it('picks an agent with /use, streams answers into the response and keeps the session in one thread shown in the tree', async () => {
    const agent = (await vscode.commands.executeCommand('agentThreads.createAgent', {
      name: 'Chat Pal',
      model: { profile: 'fake', name: 'fake-model' },
      instructions: 'Be brief.',
      tools: [{ name: 'read_file' }],
    })) as { id: string };
    cleanup.push(() => vscode.commands.executeCommand('agentThreads.deleteAgent', agent.id, true));
    const session = new ChatSession(api);

    const listed = await session.send('', 'agents');
    assert.match(listed.response.text, /- \*\*Chat Pal\*\* \(fake\/fake-model\)/);
    const picked = await session.send('chat pal', 'use');
    assert.equal(picked.response.text, 'Talking to **Chat Pal** now. Your next message starts a new thread.');
    assert.deepEqual(metadataOf(picked.result), { agentId: agent.id, threadId: null, runId: null, status: null });

    await fakeModel.script(
      { kind: 'tool_calls', calls: [{ name: 'read_file', arguments: JSON.stringify({ path: 'README.md' }) }] },
      { kind: 'text', text: 'The sample workspace has a README.' },
      { kind: 'text', text: 'Nothing else to add.' },
    );
    const first = await session.send('What is in this workspace?');
    const threadId = metadataOf(first.result).threadId!;
    cleanup.push(() => vscode.commands.executeCommand('agentThreads.deleteThread', threadId, true));
    assert.equal(metadataOf(first.result).status, 'completed');
    assert.equal(first.result.errorDetails, undefined);
    assert.deepEqual(first.response.progressLines, ['Calling tool read_file…']);
    assert.equal(first.response.text, 'The sample workspace has a README.');
    assert.ok(first.response.markdownParts.length > 1, 'the answer streams in pieces');
    // The question, the answer that called the tool, and the answer after it.
    await treeRow('What is in this workspace?', '3 messages');

    const second = await session.send('Anything else?');
    assert.equal(metadataOf(second.result).threadId, threadId, 'the session remembers its agent and thread');
    assert.equal(second.response.text, 'Nothing else to add.');
    await treeRow('What is in this workspace?', '5 messages');

    // The button each answer offers opens the same exchange in our thread view.
    const open = second.response.buttons.at(-1)!;
    assert.equal(open.command, 'agentThreads.openThread');
    await vscode.commands.executeCommand(open.command, ...((open.arguments ?? []) as unknown[]));
    await ui.waitFor(
      { webview: 'thread' },
      () =>
        document.body.textContent?.includes('The sample workspace has a README.') &&
        document.body.textContent.includes('Nothing else to add.'),
    );
    await ui.screenshot('chat-participant-thread');
  });

  it('cancels the run when the chat request is cancelled', async () => {
    const agent = (await vscode.commands.executeCommand('agentThreads.createAgent', {
      name: 'Chat Staller',
      model: { profile: 'fake', name: 'fake-model' },
      instructions: 'Talk.',
    })) as { id: string };
    cleanup.push(() => vscode.commands.executeCommand('agentThreads.deleteAgent', agent.id, true));
    const session = new ChatSession(api);
    await session.send('Chat Staller', 'use');
    await fakeModel.script({ kind: 'stall', text: 'this never ends', afterChunks: 1 });
    const cancellation = new vscode.CancellationTokenSource();
    const response = new RecordedResponse();
    response.onMarkdown = () => cancellation.cancel(); // the user presses Stop once the answer has started
    const { result } = await session.send('Tell me a long story', undefined, cancellation.token, response);
    const { threadId, runId, status } = metadataOf(result);
    cleanup.push(() => vscode.commands.executeCommand('agentThreads.deleteThread', threadId, true));
    assert.equal(status, 'cancelled');
    assert.ok(runId);
    assert.equal(response.text, 'this');
    await treeRow('Tell me a long story', '2 messages');
  });
});
