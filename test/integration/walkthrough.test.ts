import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ui } from './driver';

const EXTENSION_ID = 'agent-threads.agent-threads';
const WALKTHROUGH = 'gettingStarted';

interface WalkthroughContribution {
  id: string;
  title: string;
  steps: { id: string; title: string }[];
}

interface RenderedStep {
  id: string;
  title: string;
  button: string;
  checked: string | null;
}

/** The steps the Welcome editor shows for the open walkthrough, as a person sees them. */
function renderedSteps(): Promise<RenderedStep[]> {
  return ui.waitFor('workbench', () => {
    const steps = [...document.querySelectorAll<HTMLElement>('button.getting-started-step')].filter((step) =>
      (step.dataset.stepId ?? '').startsWith('agent-threads.agent-threads#'),
    );
    return steps.length === 0
      ? undefined
      : steps.map((step) => ({
          id: (step.dataset.stepId ?? '').split('#').pop() ?? '',
          title: step.querySelector('.step-title')?.textContent ?? '',
          button: step.querySelector('.button-container .monaco-button')?.textContent ?? '',
          checked: step.getAttribute('aria-checked'),
        }));
  });
}

function stepChecked(stepId: string): Promise<string | null> {
  return ui.evaluate(
    'workbench',
    new Function(
      `return document.querySelector('button.getting-started-step[data-step-id$="#${stepId}"]')?.getAttribute('aria-checked') ?? null;`,
    ) as () => string | null,
  );
}

describe('the Get Started walkthrough', () => {
  let contribution: WalkthroughContribution;

  before(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed in this VS Code`);
    const walkthroughs = (extension.packageJSON as { contributes: { walkthroughs: WalkthroughContribution[] } }).contributes.walkthroughs;
    const found = walkthroughs.find((walkthrough) => walkthrough.id === WALKTHROUGH);
    assert.ok(found, `no walkthrough ${WALKTHROUGH}`);
    contribution = found;
    // Earlier suites ran these commands already; start from a walkthrough nobody has progressed through.
    await vscode.commands.executeCommand('resetGettingStartedProgress');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(async () => {
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens with its five steps, each with a button, in the localized titles', async () => {
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${EXTENSION_ID}#${WALKTHROUGH}`, false);
    const steps = await renderedSteps();
    // VS Code resolved the %keys% of package.json from package.nls.json: these are the English titles.
    assert.equal(contribution.title, 'Get Started with Agent Threads');
    const heading = await ui.waitFor(
      'workbench',
      () => document.querySelector('h2.category-title[x-category-title-for="agent-threads.agent-threads#gettingStarted"]')?.textContent,
    );
    assert.equal(heading, contribution.title);
    assert.deepEqual(
      steps.map((step) => [step.id, step.title]),
      contribution.steps.map((step) => [step.id, step.title]),
    );
    assert.deepEqual(
      steps.map((step) => step.button),
      ['Configure Model', 'Create Agent', 'Open Chat', 'Edit Agent', 'Search Threads'],
    );
    assert.ok(
      steps.every((step) => !step.title.includes('%')),
      'no unresolved %key%',
    );
    await ui.screenshot('walkthrough');
  });

  it("runs a step's command from its button, and marks the step done", async () => {
    assert.equal(await stepChecked('findThread'), 'false', 'the step starts undone');
    await ui.click('workbench', 'button.getting-started-step[data-step-id$="#findThread"]');
    await ui.waitFor('workbench', () =>
      document.querySelector('button.getting-started-step[data-step-id$="#findThread"]')?.getAttribute('aria-expanded') === 'true'
        ? true
        : undefined,
    );
    await ui.click('workbench', 'button.getting-started-step[data-step-id$="#findThread"] .button-container .monaco-button');

    const title = await ui.waitFor('workbench', () => {
      const widget = document.querySelector<HTMLElement>('.quick-input-widget');
      return widget && widget.style.display !== 'none'
        ? document.querySelector('.quick-input-widget .quick-input-title')?.textContent
        : undefined;
    });
    assert.equal(title, 'Search Threads', 'the button opened Search Threads');
    await ui.press('Escape');
    await ui.waitFor('workbench', () =>
      document.querySelector('button.getting-started-step[data-step-id$="#findThread"]')?.getAttribute('aria-checked') === 'true'
        ? true
        : undefined,
    );
    assert.equal(await stepChecked('createAgent'), 'false', 'only the step whose command ran is done');
  });

  for (const [theme, workbenchClass] of [
    ['Default Light Modern', 'vs'],
    ['Default High Contrast', 'hc-black'],
    ['Default Dark Modern', 'vs-dark'],
  ] as const) {
    it(`shows its media in the ${theme} theme`, async () => {
      await vscode.workspace.getConfiguration('workbench').update('colorTheme', theme, vscode.ConfigurationTarget.Global);
      await ui.waitFor(
        'workbench',
        new Function(
          `return document.querySelector('.monaco-workbench')?.classList.contains(${JSON.stringify(workbenchClass)})`,
        ) as () => boolean,
      );
      // Newer VS Code disables the button of a step it already shows expanded: click only one that takes a click.
      await ui.evaluate('workbench', () => {
        const step = document.querySelector<HTMLButtonElement>('button.getting-started-step[data-step-id$="#giveTools"]');
        if (step && !step.disabled) step.click();
      });
      // The step's SVG is shown in a webview inside the Welcome editor's media pane.
      await ui.waitFor('workbench', () => document.querySelector('.getting-started-media iframe, .getting-started-media webview') !== null);
      await ui.screenshot(`walkthrough-${workbenchClass}`);
    });
  }
});
