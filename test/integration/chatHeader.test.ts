/**
 * The chat's header in a narrow sidebar, while a run waits for an approval: the thread's title keeps enough letters
 * to recognise it (the usage meter gives way first), the status badge reads whole, nothing leaves the header's box,
 * and the spinner beside the badge is a clearly visible progress indicator, in Dark, Light and High Contrast.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ui } from './driver';
import { fakeModel } from './fakeModel';
import {
  giveTheChatTheRoom,
  pickAgentInComposer,
  sendFromComposer,
  setSidebarWidth,
  sidebarWidth,
  THEMES,
  useFakeModel,
  useTheme,
  waitForRunStatus,
} from './helpers';

const chat = { webview: 'chat' as const };
const QUESTION = 'mcp server configuration for the staging cluster';

/** The header as a person sees it: what the title, the badge, the meter and the spinner show, and where. */
interface ShownHeader {
  title: string;
  /** Letters of the title on screen (before its ellipsis, if it has one). */
  titleLetters: number;
  badge: string;
  badgeWhole: boolean;
  meterShown: boolean;
  /** Header controls that leave the header's box, or overlap another. */
  misplaced: string[];
  spinner: { width: number; height: number; contrast: number; thickness: number; smallestShare: number; spinning: boolean };
}

function shownHeader(): ShownHeader | undefined {
  const header = document.querySelector<HTMLElement>('.thread-header');
  const title = header?.querySelector<HTMLElement>('.thread-title');
  const badge = document.getElementById('run-status');
  const meter = document.getElementById('thread-usage');
  const spinner = document.getElementById('run-progress');
  if (!header || !title || !badge || !meter || !spinner || badge.hidden || spinner.hidden || !title.textContent) return undefined;
  const text = title.textContent;
  // The letters that fit before the ellipsis, measured on the title's own text.
  const range = document.createRange();
  const node = title.firstChild!;
  const widthOf = (letters: number) => {
    range.setStart(node, 0);
    range.setEnd(node, letters);
    return range.getBoundingClientRect().width;
  };
  let titleLetters = text.length;
  if (title.scrollWidth > title.clientWidth) {
    const room = title.clientWidth - widthOf(1) * 0.8; // about an ellipsis' width
    titleLetters = 0;
    while (titleLetters < text.length && widthOf(titleLetters + 1) <= room) titleLetters++;
  }
  const box = header.getBoundingClientRect();
  const controls = [...header.children].filter(
    (child): child is HTMLElement => child instanceof HTMLElement && !child.classList.contains('spacer') && child.offsetParent !== null,
  );
  const misplaced: string[] = [];
  const rects = controls.map((control) => ({ name: control.id || control.className, rect: control.getBoundingClientRect() }));
  for (const { name, rect } of rects) {
    if (rect.left < box.left - 0.5 || rect.right > box.right + 0.5 || rect.top < box.top - 0.5 || rect.bottom > box.bottom + 0.5)
      misplaced.push(`${name} leaves the header: ${JSON.stringify(rect)} in ${JSON.stringify(box)}`);
  }
  rects.forEach((a, i) =>
    rects.slice(i + 1).forEach((b) => {
      const overlap =
        Math.min(a.rect.right, b.rect.right) - Math.max(a.rect.left, b.rect.left) > 0.5 &&
        Math.min(a.rect.bottom, b.rect.bottom) - Math.max(a.rect.top, b.rect.top) > 0.5;
      if (overlap) misplaced.push(`${a.name} overlaps ${b.name}`);
    }),
  );
  if (header.scrollWidth > header.clientWidth + 1)
    misplaced.push(`the header scrolls sideways: ${header.scrollWidth} > ${header.clientWidth}`);

  // The spinner, as drawn: a ring by CSS (its borders) or an SVG ring in a component's shadow tree (its stroke).
  const rgb = (colour: string) => (colour.match(/[\d.]+/g) ?? ['0', '0', '0']).slice(0, 3).map(Number);
  const luminance = (colour: string) =>
    rgb(colour)
      .map((value) => value / 255)
      .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
      .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  let background = 'rgb(255, 255, 255)';
  for (let element: Element | null = header; element; element = element.parentElement) {
    const colour = getComputedStyle(element).backgroundColor;
    if (colour !== 'rgba(0, 0, 0, 0)' && colour !== 'transparent') {
      background = colour;
      break;
    }
  }
  const style = getComputedStyle(spinner);
  const spinnerBox = spinner.getBoundingClientRect();
  const circle = spinner.shadowRoot?.querySelector<SVGCircleElement>('circle:last-of-type');
  let arc: { colour: string; thickness: number; smallestShare: number };
  if (circle) {
    // An indeterminate SVG ring animates its dash: at its smallest it draws that dash's length of the circumference.
    const scale = spinnerBox.width / 16;
    const dashes = circle
      .getAnimations()
      .flatMap((animation) => (animation.effect as KeyframeEffect).getKeyframes())
      .map((frame) => parseFloat(String(frame.strokeDasharray ?? getComputedStyle(circle).strokeDasharray)));
    const circumference = 2 * Math.PI * circle.r.baseVal.value;
    arc = {
      colour: getComputedStyle(circle).stroke,
      thickness: parseFloat(getComputedStyle(circle).strokeWidth) * scale,
      smallestShare: dashes.length > 0 ? Math.min(...dashes) / circumference : 1,
    };
  } else {
    // A CSS ring: the sides drawn in its colour are the arc; the others are its faint track.
    const sides = ['Top', 'Right', 'Bottom', 'Left'].filter(
      (side) => style.getPropertyValue(`border-${side.toLowerCase()}-color`) === style.color,
    );
    arc = { colour: style.color, thickness: parseFloat(style.borderTopWidth), smallestShare: sides.length / 4 };
  }
  const [hi, lo] = [luminance(arc.colour), luminance(background)].sort((x, y) => y - x);
  return {
    title: text,
    titleLetters,
    badge: badge.textContent ?? '',
    badgeWhole: badge.scrollWidth <= badge.clientWidth + 1 && badge.getBoundingClientRect().width > 0,
    meterShown: !meter.hidden && meter.offsetParent !== null && meter.getBoundingClientRect().width > 0,
    misplaced,
    spinner: {
      width: spinnerBox.width,
      height: spinnerBox.height,
      contrast: (hi + 0.05) / (lo + 0.05),
      thickness: arc.thickness,
      smallestShare: arc.smallestShare,
      // Its own animations or its shadow tree's (a component's).
      spinning: [spinner, ...(spinner.shadowRoot?.querySelectorAll('*') ?? [])].some((element) =>
        element.getAnimations().some((animation) => animation.playState === 'running'),
      ),
    },
  };
}

describe('the chat header in a narrow sidebar: the title wins, the run shows clearly', () => {
  let originalWidth: number;

  before(async () => {
    await useFakeModel();
    await vscode.commands.executeCommand('agentThreads.createAgent', {
      name: 'Header Check',
      model: { profile: 'fake', name: 'fake-model' },
      instructions: 'Use the workspace tools.',
      tools: [{ name: 'edit_file' }],
      approval_policy: { edit_file: 'ask' },
    });
    originalWidth = await sidebarWidth();
    await vscode.commands.executeCommand('agentThreads.openChat');
    await vscode.commands.executeCommand('agentThreads.newChatThread');
    await giveTheChatTheRoom();
    await pickAgentInComposer(chat, 'Header Check');
    const edits = [{ search: 'Hello', replace: 'Hi' }];
    await fakeModel.script({
      kind: 'tool_calls',
      calls: [{ name: 'edit_file', arguments: JSON.stringify({ path: 'src/greet.ts', edits }) }],
    });
    // Waiting for the approval: the title, the usage so far, the spinner and the badge all in the header.
    await waitForRunStatus(chat, 'Needs approval', await sendFromComposer(chat, QUESTION));
  });

  after(async () => {
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
    await setSidebarWidth(originalWidth);
    await ui.click(chat, 'vscode-button#cancel');
    await waitForRunStatus(chat, 'Cancelled');
    await vscode.commands.executeCommand('agentThreads.newChatThread');
  });

  /** The header in each theme at 240 and 600 px, with a screenshot of each; `check` lists what is wrong in one. */
  async function everyThemeAndWidth(check: (shown: ShownHeader, width: number) => string[], shot: string): Promise<string[]> {
    const problems: string[] = [];
    for (const [theme, bodyClass, short] of THEMES) {
      await useTheme(theme, bodyClass, [chat]);
      for (const width of [240, 600]) {
        await setSidebarWidth(width);
        const shown = await ui.waitFor(chat, shownHeader);
        await ui.screenshot(`${shot}-${short}-${width}`);
        problems.push(...check(shown, width).map((problem) => `${theme}, ${width} px: ${problem}`));
      }
    }
    return problems;
  }

  it('keeps a dozen letters of the title and the badge whole at 240 px, the meter giving way, and shows the meter at 600 px', async function () {
    this.timeout(180_000); // three themes at two widths, each laid out and measured
    const problems = await everyThemeAndWidth(
      (shown, width) => [
        ...(shown.titleLetters < Math.min(12, shown.title.length)
          ? [`the title shows ${shown.titleLetters} letters of "${shown.title}"`]
          : []),
        ...(shown.badge !== 'Needs approval' || !shown.badgeWhole ? [`the badge reads "${shown.badge}", cut off`] : []),
        ...shown.misplaced,
        ...(width === 600 && !shown.meterShown ? ['no usage meter'] : []),
      ],
      'chat-header',
    );
    assert.deepEqual(problems, []);
  });

  it('shows a clearly visible, turning progress indicator beside the badge', async function () {
    this.timeout(180_000);
    const problems = await everyThemeAndWidth(
      ({ spinner }) => [
        ...(spinner.width < 14 || spinner.height < 14 ? [`the spinner is ${spinner.width}×${spinner.height} px`] : []),
        ...(spinner.contrast < 3 ? [`the spinner's contrast is ${spinner.contrast.toFixed(2)}:1`] : []),
        ...(spinner.thickness < 2 ? [`the spinner's arc is ${spinner.thickness} px thick`] : []),
        ...(spinner.smallestShare < 0.25 ? [`the spinner's arc shrinks to ${(spinner.smallestShare * 100).toFixed(1)}% of its ring`] : []),
        ...(spinner.spinning ? [] : ['the spinner does not turn']),
      ],
      'chat-header-spinner',
    );
    assert.deepEqual(problems, []);
  });
});
