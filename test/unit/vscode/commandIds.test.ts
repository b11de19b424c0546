import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CommandId } from '../../../src/vscode/shared/commandIds';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

interface Manifest {
  contributes: {
    commands: { command: string }[];
    views?: Record<string, { id: string }[]>;
    menus?: Record<string, { command?: string }[]>;
    keybindings?: { command: string }[];
  };
}

const manifestText = fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8');
const manifest = JSON.parse(manifestText) as Manifest;
const known = new Set<string>(Object.values(CommandId));
const contributed = manifest.contributes.commands.map((entry) => entry.command);
/** Views get a `<view id>.focus` command from VS Code itself; a link may name it. */
const viewIds = Object.values(manifest.contributes.views ?? {}).flatMap((views) => views.map((view) => view.id));

function isKnown(id: string): boolean {
  return known.has(id) || viewIds.some((view) => id === `${view}.focus`);
}

describe('command ids', () => {
  it('name exactly the commands package.json contributes', () => {
    assert.deepEqual([...known].sort(), [...contributed].sort());
    assert.equal(new Set(contributed).size, contributed.length, 'package.json contributes a command twice');
  });

  it('cover every menu entry and keybinding in package.json', () => {
    const menuCommands = Object.values(manifest.contributes.menus ?? {}).flatMap((entries) =>
      entries.flatMap((entry) => (entry.command ? [entry.command] : [])),
    );
    const keyCommands = (manifest.contributes.keybindings ?? []).map((binding) => binding.command);
    assert.ok(menuCommands.length > 0, 'package.json has no menu entries to check');
    assert.deepEqual(
      [...menuCommands, ...keyCommands].filter((id) => !isKnown(id)),
      [],
    );
  });

  it('cover every command: link and onCommand: event of ours in package.json', () => {
    const linked = [...manifestText.matchAll(/\b(?:command|onCommand):(agentThreads\.[\w.]+)/g)].map((match) => match[1]);
    assert.ok(linked.length > 0, 'package.json has no command links to check');
    assert.deepEqual(
      linked.filter((id) => !isKnown(id)),
      [],
    );
  });
});
