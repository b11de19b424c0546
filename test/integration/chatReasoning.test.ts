/**
 * A reasoning model's answer in the real VS Code: its thinking streams into an open "Thinking" part, which folds
 * once the answer is there and opens on a click, readable at 300 px in Dark Modern, Light Modern and High Contrast.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ui } from './driver';
import { fakeModel, fakeModelUrl } from './fakeModel';
import {
  pickAgentInComposer,
  sendFromComposer as send,
  setSidebarWidth,
  sidebarWidth,
  useFakeModel,
  waitForRunStatus as runBadge,
} from './helpers';

const chat = { webview: 'chat' as const };
const AGENT_NAME = 'Deep Thinker';
const SUMMARY = [
  '**Reading the question** The user wants the product of six and seven, a small multiplication.',
  '**Working it out** Six sevens are forty-two, so the answer is 42.',
];

/** What the Thinking part of the newest answer looks like now: state, texts, boxes against the view, colours. */
function readThinking() {
  const part = [...document.querySelectorAll<HTMLDetailsElement>('.message.assistant details.reasoning')].at(-1);
  if (!part) return undefined;
  const summary = part.querySelector<HTMLElement>('.reasoning-summary')!;
  const body = part.querySelector<HTMLElement>('.reasoning-body')!;
  const answer = part.closest('.message')!.querySelector<HTMLElement>('.message-body')!;
  const box = (element: Element) => {
    const rect = element.getBoundingClientRect();
    return { left: rect.left, right: rect.right, width: rect.width, height: rect.height };
  };
  const probe = document.createElement('span');
  document.body.append(probe);
  probe.style.color = 'var(--vscode-descriptionForeground)';
  const themed = getComputedStyle(probe).color;
  probe.remove();
  return {
    open: part.open,
    label: part.querySelector('.reasoning-label')?.textContent ?? '',
    gist: part.querySelector('.reasoning-gist')?.textContent ?? '',
    bodyText: body.textContent ?? '',
    // A closed <details> hides its content with content-visibility, which leaves boxes in place: ask what shows.
    bodyShown: body.checkVisibility(),
    summaryBox: box(summary),
    bodyBox: box(body),
    aboveAnswer: part.getBoundingClientRect().bottom <= answer.getBoundingClientRect().top + 0.5,
    answerText: answer.textContent?.trim() ?? '',
    viewWidth: innerWidth,
    colour: getComputedStyle(summary).color,
    themed,
    background: getComputedStyle(document.body).backgroundColor,
  };
}

type Thinking = NonNullable<ReturnType<typeof readThinking>>;

/** A check the driver runs in the chat: the state of the Thinking part once `condition` (on `state`) holds. */
function thinkingWhen(condition: string): () => Thinking | undefined {
  // The driver sends a function's source, so readThinking travels inside it.
  return new Function(
    `${readThinking.toString()}\nconst state = readThinking();\nreturn state && (${condition}) ? state : undefined;`,
  ) as () => Thinking | undefined;
}

describe('a reasoning model’s thinking in the chat', () => {
  let originalWidth: number;
  let originalModels: unknown[];
  let agentId: string;

  before(async () => {
    await useFakeModel();
    // A second profile on the same fake server that speaks the Responses API, as OpenAI profiles do by default.
    const models = vscode.workspace.getConfiguration('agentThreads').get<unknown[]>('models', []);
    originalModels = models;
    await vscode.workspace.getConfiguration('agentThreads').update(
      'models',
      [
        ...models,
        {
          id: 'fake-responses',
          provider: 'openai-compatible',
          api: 'responses',
          baseUrl: fakeModelUrl(),
          model: 'fake-model',
          contextWindow: 16000,
        },
      ],
      vscode.ConfigurationTarget.Global,
    );
    ({ id: agentId } = (await vscode.commands.executeCommand('agentThreads.createAgent', {
      name: AGENT_NAME,
      model: { profile: 'fake-responses', name: 'fake-model' },
      instructions: 'Think, then answer.',
      reasoning_effort: 'high',
    })) as { id: string });
    await vscode.commands.executeCommand('agentThreads.newChatThread');
    originalWidth = await sidebarWidth();
  });

  after(async () => {
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
    await setSidebarWidth(originalWidth);
    // Leave no reasoning agent, thread or Responses profile behind: the chat would pick the agent for the next
    // suite's send, and the thread would lengthen the tree later suites search.
    const threadId = await ui.evaluate(chat, () => document.body.dataset.threadId);
    if (threadId) await vscode.commands.executeCommand('agentThreads.deleteThread', threadId, true);
    await vscode.commands.executeCommand('agentThreads.deleteAgent', agentId, true);
    await vscode.workspace.getConfiguration('agentThreads').update('models', originalModels, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('agentThreads.newChatThread');
  });

  it('streams the thinking open, folds it once the answer comes, and opens it on a click, readable in every theme at 300 px', async () => {
    await setSidebarWidth(300);
    await pickAgentInComposer(chat, AGENT_NAME);
    await fakeModel.script({ kind: 'text', text: 'It is 42.', reasoning: { summary: SUMMARY }, chunkDelayMs: 60 });
    const before = await send(chat, 'What is 6 x 7?');

    // While the model thinks: the part is open and says so, and the thinking arrives word by word.
    const thinking = await ui.waitFor(chat, thinkingWhen("state.open && state.bodyText.includes('Reading the question')"));
    assert.equal(thinking.label, 'Thinking…');

    await runBadge(chat, 'Completed', before);
    const folded = await ui.waitFor(chat, thinkingWhen("!state.open && state.answerText === 'It is 42.'"));
    await ui.screenshot('chat-reasoning-folded-300px');
    assert.equal(folded.label, 'Thinking');
    assert.equal(folded.gist, 'Working it out', 'the folded part names the latest step of the thinking');
    assert.equal(folded.bodyShown, false, 'folded: the thinking itself is hidden');
    assert.ok(folded.aboveAnswer, 'the Thinking part sits above the answer');
    assert.ok(
      folded.summaryBox.left >= 0 && folded.summaryBox.right <= folded.viewWidth,
      `summary at ${JSON.stringify(folded.summaryBox)}`,
    );
    assert.equal(folded.colour, folded.themed, 'the part is in the theme’s description colour');

    const requests = (await fakeModel.requests()) as unknown as { path: string; responsesBody?: { reasoning?: unknown } }[];
    const sent = requests.at(-1)!;
    assert.equal(sent.path, '/v1/responses');
    assert.deepEqual(sent.responsesBody?.reasoning, { effort: 'high', summary: 'auto' });

    await ui.click(chat, '.message.assistant details.reasoning .reasoning-summary');
    const opened = await ui.waitFor(chat, thinkingWhen('state.open && state.bodyShown'));
    assert.match(opened.bodyText, /Reading the question.*Six sevens are forty-two/s);
    assert.ok(opened.bodyBox.left >= 0 && opened.bodyBox.right <= opened.viewWidth, `thinking at ${JSON.stringify(opened.bodyBox)}`);
    await ui.screenshot('chat-reasoning-open-300px');

    for (const [theme, kind] of [
      ['Default Dark Modern', 'vscode-dark'],
      ['Default Light Modern', 'vscode-light'],
      ['Default High Contrast', 'vscode-high-contrast'],
    ]) {
      await vscode.workspace.getConfiguration('workbench').update('colorTheme', theme, vscode.ConfigurationTarget.Global);
      await ui.waitFor(chat, new Function(`return document.body.classList.contains(${JSON.stringify(kind)})`) as () => boolean);
      const shown = await ui.waitFor(chat, thinkingWhen('state.colour === state.themed'));
      assert.ok(shown.open, `${theme}: still open as the reader left it`);
      assert.notEqual(shown.colour, shown.background, `${theme}: the thinking is not in the background colour`);
      await ui.screenshot(`chat-reasoning-open-300px-${theme.replace(/\s+/g, '-')}`);
    }
  });
});
