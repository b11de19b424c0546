/**
 * The agent editor as a person uses it (the chat experience issue, items 4 and 5), seen on screen in the real VS Code:
 * an edit marks the tab unsaved, Ctrl+S saves a new version, Ctrl+Z undoes in the form, closing a changed agent asks
 * Save / Don't Save / Cancel; the tool list reads cleanly at 300 px and wide, and a new agent can read code.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ui } from './driver';
import { eventually, fromPalette, settingForSuite, useFakeModel } from './helpers';

const form = { webview: 'agent' as const };

/** The tab of the agent editor open on `name`, if any. */
function agentTab(name: string): vscode.Tab | undefined {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .find((tab) => tab.input instanceof vscode.TabInputCustom && tab.input.viewType === 'agentThreads.agentEditor' && tab.label === name);
}
/** Whether the workbench shows the active tab with its unsaved mark. */
function activeTabShowsUnsaved(): Promise<boolean> {
  return ui.evaluate('workbench', () => Boolean(document.querySelector('.tabs-container .tab.active.dirty')));
}

async function createAgent(name: string): Promise<string> {
  const agent = (await vscode.commands.executeCommand('agentThreads.createAgent', {
    name,
    model: { profile: 'fake', name: 'fake-model' },
    instructions: 'Read the code first.',
  })) as { id: string };
  return agent.id;
}

/** The text of the instructions field as the form shows it. */
function shownInstructions(): Promise<string> {
  return ui.evaluate(form, () => (document.getElementById('instructions') as HTMLElement & { value: string }).value);
}

describe('the agent editor', () => {
  before(useFakeModel);
  // VS Code for the Web (code-server) saves after a second by default; desktop VS Code, whose prompt this tests, does not.
  settingForSuite('files', 'autoSave', 'off');

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('marks the tab unsaved on an edit, undoes it with Ctrl+Z and saves a new version with Ctrl+S', async () => {
    const agentId = await createAgent('Undo Helper');
    await vscode.commands.executeCommand('agentThreads.editAgent', agentId);
    await ui.waitFor(form, () => document.querySelector('.form-title')?.textContent?.includes('version 1'));
    assert.equal(agentTab('Undo Helper')?.isDirty, false, 'a freshly opened agent is not unsaved');

    await ui.fill(form, 'vscode-textarea#instructions', 'Read the code, then answer briefly.');
    await eventually(
      () => agentTab('Undo Helper')?.isDirty,
      (dirty) => dirty === true,
      'the tab to be unsaved',
    );
    assert.ok(
      await ui.waitFor('workbench', () => document.querySelector('.tabs-container .tab.active.dirty')),
      'the tab shows the unsaved dot',
    );
    await ui.screenshot('agent-editor-unsaved');

    await ui.press('Control+Z');
    await ui.waitFor(
      form,
      () => (document.getElementById('instructions') as HTMLElement & { value: string }).value === 'Read the code first.',
    );
    await eventually(
      () => agentTab('Undo Helper')?.isDirty,
      (dirty) => dirty === false,
      'undo back to the saved agent',
    );
    assert.equal(await activeTabShowsUnsaved(), false);

    await ui.press('Control+Shift+Z');
    await ui.waitFor(form, () =>
      (document.getElementById('instructions') as HTMLElement & { value: string }).value.includes('answer briefly'),
    );
    assert.equal(agentTab('Undo Helper')?.isDirty, true, 'redo makes it unsaved again');

    await ui.press('Control+S');
    const saved = await ui.waitFor(form, () => document.querySelector('.form-status.saved')?.textContent);
    assert.match(saved, /version 2/);
    assert.match(await ui.evaluate(form, () => document.querySelector('.form-title')?.textContent ?? ''), /version 2/);
    await eventually(
      () => agentTab('Undo Helper')?.isDirty,
      (dirty) => dirty === false,
      'the saved tab to be clean',
    );
    assert.equal(await activeTabShowsUnsaved(), false);

    // Reopened, it shows what was saved.
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await vscode.commands.executeCommand('agentThreads.editAgent', agentId);
    await ui.waitFor(form, () => document.querySelector('.form-title')?.textContent?.includes('version 2'));
    assert.equal(await shownInstructions(), 'Read the code, then answer briefly.');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it("asks Save / Don't Save / Cancel when a changed agent is closed", async function () {
    this.timeout(120_000); // a second workbench starts on shared cores
    const agentId = await createAgent('Close Helper');
    // VS Code answers "Don't Save" without asking in the window that runs extension tests, so a person's window
    // (the second one, with the extension but not the tests) shows the prompt.
    const window = ui.second;
    await ui.openSecondWindow();
    try {
      await window.waitFor('workbench', () => document.querySelector('.activitybar [aria-label^="Agent Threads"]'), 30_000);
      await fromPalette(window, 'Agent Threads: Edit Agent');
      // With one agent the command opens it at once; with more it asks which.
      const next = await window.waitFor('workbench', () => {
        if ([...document.querySelectorAll('.quick-input-widget .monaco-list-row')].some((r) => r.textContent?.includes('Close Helper')))
          return 'pick';
        return [...document.querySelectorAll('.tabs-container .tab')].some((t) => t.textContent?.includes('Close Helper')) ? 'open' : '';
      });
      if (next === 'pick') {
        await window.fill('workbench', '.quick-input-widget input.input', 'Close Helper');
        await window.press('Enter');
      }
      await window.waitFor(form, () => document.querySelector('.form-title')?.textContent?.includes('Close Helper · version 1'), 30_000);
      await window.fill(form, 'vscode-textfield#temperature', '0.3');
      await window.waitFor('workbench', () =>
        document.querySelector('.tabs-container .tab.active.dirty')?.textContent?.includes('Close Helper'),
      );

      const dialog = () =>
        window.waitFor('workbench', () => {
          const box = document.querySelector('.monaco-dialog-box');
          return (
            box && { text: box.textContent ?? '', buttons: [...box.querySelectorAll('.monaco-button')].map((b) => b.textContent ?? '') }
          );
        });
      await window.press('Control+W');
      const shown = await dialog();
      assert.match(shown.text, /save/i);
      assert.match(shown.text, /Close Helper/);
      assert.deepEqual(
        ['Save', "Don't Save", 'Cancel'].map((label) => shown.buttons.some((b) => b.includes(label))),
        [true, true, true],
        `buttons: ${shown.buttons.join(', ')}`,
      );
      await window.screenshot('agent-editor-close-prompt');
      await window.click('workbench', '.monaco-dialog-box .monaco-button:has-text("Cancel")');
      await window.waitFor('workbench', () => !document.querySelector('.monaco-dialog-box'));
      assert.ok(
        await window.evaluate('workbench', () =>
          document.querySelector('.tabs-container .tab.active.dirty')?.textContent?.includes('Close Helper'),
        ),
        'Cancel keeps the editor open with its change',
      );
      assert.equal(
        await window.evaluate(form, () => (document.getElementById('temperature') as HTMLElement & { value: string }).value),
        '0.3',
      );

      await window.press('Control+W');
      await dialog();
      await window.click('workbench', `.monaco-dialog-box .monaco-button:has-text("Don't Save")`);
      await window.waitFor(
        'workbench',
        () => ![...document.querySelectorAll('.tabs-container .tab')].some((t) => t.textContent?.includes('Close Helper')),
      );
    } finally {
      await ui.closeSecondWindow();
    }

    await vscode.commands.executeCommand('agentThreads.editAgent', agentId);
    await ui.waitFor(form, () => document.querySelector('.form-title')?.textContent?.includes('Close Helper · version 1'));
    assert.equal(
      await ui.evaluate(form, () => (document.getElementById('temperature') as HTMLElement & { value: string }).value),
      '',
      "Don't Save left the agent as it was",
    );
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('lists tools with names clear of the approval at 300 px and wide, no doubled prefix, no echo, read-only tools on', async () => {
    const agentId = await createAgent('Code Helper');
    await vscode.commands.executeCommand('agentThreads.editAgent', agentId);
    await ui.waitFor(form, () => document.querySelectorAll('.tool-row').length > 0);

    const checked = await ui.evaluate<Record<string, boolean>>(form, () =>
      Object.fromEntries(
        [...document.querySelectorAll<HTMLElement & { checked: boolean }>('vscode-checkbox[data-tool]')].map((c) => [
          c.dataset.tool ?? '',
          c.checked,
        ]) as [string, boolean][],
      ),
    );
    for (const tool of ['read_file', 'list_directory', 'find_files', 'search_text']) assert.equal(checked[tool], true, `${tool} is on`);
    for (const tool of ['create_file', 'edit_file', 'delete_file', 'run_command']) assert.equal(checked[tool], false, `${tool} is off`);
    assert.ok(!('echo' in checked), 'the test-only echo tool is not offered');
    const text = await ui.evaluate(form, () => document.body.innerText);
    assert.doesNotMatch(text, /vscode_vscode/);

    /** What is wrong with the tool list's layout at the form's current width: overlaps and overflow, in words. */
    const layoutProblems = () =>
      ui.evaluate(form, () => {
        const app = document.getElementById('app')!;
        const bounds = app.getBoundingClientRect();
        const problems: string[] = [];
        if (app.scrollWidth > app.clientWidth + 1) problems.push(`the form scrolls sideways (${app.scrollWidth} > ${app.clientWidth})`);
        for (const row of document.querySelectorAll('.tool-row')) {
          const name = row.querySelector('.tool-name')!.getBoundingClientRect();
          const select = row.querySelector('.tool-approval')!.getBoundingClientRect();
          const label = row.querySelector('.tool-name')!.textContent;
          const overlaps = name.left < select.right && select.left < name.right && name.top < select.bottom && select.top < name.bottom;
          if (overlaps) problems.push(`${label} runs under its approval`);
          for (const box of [name, select])
            if (box.right > bounds.right + 1 || box.left < bounds.left - 1) problems.push(`${label} leaves the form`);
          const description = row.querySelector('.tool-description')!;
          const lines = description.getBoundingClientRect().height / parseFloat(getComputedStyle(description).lineHeight || '16');
          if (lines > 2.5) problems.push(`${label}'s description shows ${lines.toFixed(1)} lines`);
        }
        return { width: Math.round(bounds.width), problems };
      });

    const wide = await layoutProblems();
    assert.deepEqual(wide.problems, [], `at ${wide.width} px`);
    await ui.screenshot('agent-editor-tools-wide');
    // The editor at 300 px, as in a narrow split: the form lays out by its own width (a container query).
    await ui.evaluate(form, () => (document.getElementById('app')!.style.width = '300px'));
    const narrow = await layoutProblems();
    assert.equal(narrow.width, 300);
    assert.deepEqual(narrow.problems, [], 'at 300 px');
    await ui.screenshot('agent-editor-tools-300px');
    for (const [theme, kind] of [
      ['Default Light Modern', 'vscode-light'],
      ['Default High Contrast', 'vscode-high-contrast'],
    ]) {
      await vscode.workspace.getConfiguration('workbench').update('colorTheme', theme, vscode.ConfigurationTarget.Global);
      await ui.waitFor(form, new Function(`return document.body.classList.contains(${JSON.stringify(kind)})`) as () => boolean);
      await ui.screenshot(`agent-editor-tools-300px-${theme.replace(/\s+/g, '-')}`);
    }
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
  });
});
