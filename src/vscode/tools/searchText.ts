// search_text: ripgrep as shipped with VS Code (the same binary its search view uses), so it honours .gitignore and
// is fast on big trees. Output is read as --json events and cut off at the requested number of matches.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import * as vscode from 'vscode';
import { defineTool } from '../../core/tools/defineTool';
import { WorkspaceToolName } from '../../core/tools/toolNames';
import type { ToolDefinition } from '../../core/tools/toolRegistry';
import type { WorkspaceAccess } from './workspaceAccess';

/** The rg binary inside VS Code's installation, or undefined when this build does not ship one where we look. */
export function findRipgrep(appRoot: string = vscode.env.appRoot): string | undefined {
  const exe = process.platform === 'win32' ? 'rg.exe' : 'rg';
  return ['node_modules', 'node_modules.asar.unpacked']
    .map((modules) => path.join(appRoot, modules, '@vscode', 'ripgrep', 'bin', exe))
    .find((candidate) => existsSync(candidate));
}

interface RgMatch {
  type: 'match';
  data: { path: { text?: string }; lines: { text?: string }; line_number: number };
}

/** search_text: regex or literal text search across the workspace folders. */
export function searchTextTool(access: WorkspaceAccess): ToolDefinition {
  return defineTool({
    name: WorkspaceToolName.searchText,
    description:
      'Searches the text of workspace files (skipping .gitignored ones). Literal by default; set is_regex for a regular expression. Returns path:line: text.',
    parameters: {
      type: 'object',
      properties: {
        query: { type: 'string', minLength: 1 },
        is_regex: { type: 'boolean' },
        case_sensitive: { type: 'boolean' },
        glob: { type: 'string', description: 'Only files matching this glob, e.g. "*.ts" or "src/**".' },
        max_results: { type: 'integer', minimum: 1, maximum: 1000 },
      },
      required: ['query'],
      additionalProperties: false,
    },
    readOnly: true,
    invoke: async ({ query, is_regex = false, case_sensitive = false, glob, max_results = 100 }, context) => {
      const rg = findRipgrep();
      if (!rg) throw new Error(`ripgrep was not found under ${vscode.env.appRoot}; use find_files and read_file instead.`);
      const folders = access.folders();
      if (folders.length === 0) throw new Error('No workspace folder is open, so there is nothing to search.');
      const rgArgs = ['--json', '--max-columns', '400', '--max-filesize', '2M', '--no-require-git', '--no-messages'];
      if (!is_regex) rgArgs.push('--fixed-strings');
      if (!case_sensitive) rgArgs.push('--ignore-case');
      if (glob) rgArgs.push('--glob', glob);
      rgArgs.push('--regexp', query, '--', ...folders);
      const matches = await runRipgrep(rg, rgArgs, max_results, context.signal);
      if (matches.error) throw new Error(matches.error);
      const rows = matches.found.map(
        (m) => `${relativeTo(folders, m.data.path.text ?? '')}:${m.data.line_number}: ${(m.data.lines.text ?? '').trimEnd()}`,
      );
      if (rows.length === 0) return `No matches for ${JSON.stringify(query)}.`;
      return `${rows.join('\n')}${matches.more ? `\n[stopped after ${max_results} matches; narrow the query or the glob]` : ''}`;
    },
  });
}

function runRipgrep(
  rg: string,
  args: string[],
  max: number,
  signal: AbortSignal,
): Promise<{ found: RgMatch[]; more: boolean; error?: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(rg, args, { stdio: ['ignore', 'pipe', 'pipe'], signal });
    const found: RgMatch[] = [];
    let more = false;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      if (more) return;
      const event = JSON.parse(line) as { type: string };
      if (event.type !== 'match') return;
      if (found.length === max) {
        more = true;
        child.kill();
        return;
      }
      found.push(event as RgMatch);
    });
    child.on('error', reject);
    // rg exits 1 for "no matches" and 2 for errors (a bad regex says so on stderr).
    child.on('close', (code) =>
      resolve({
        found,
        more,
        error: code === 2 && !more && found.length === 0 ? `ripgrep failed: ${stderr.trim() || 'exit code 2'}` : undefined,
      }),
    );
  });
}

function relativeTo(folders: string[], absolute: string): string {
  const folder = folders.find((f) => absolute.startsWith(f + path.sep));
  const relative = folder ? path.relative(folder, absolute) : absolute;
  return folders.length > 1 && folder ? `${path.basename(folder)}/${relative}` : relative;
}
