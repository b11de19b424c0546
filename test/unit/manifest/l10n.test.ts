/**
 * Every string a person reads goes through l10n: `vscode.l10n.t` in the extension host, `l10n.t` from
 * `@vscode/l10n` in the webviews (configured by webview/shared/l10n.ts), and package.nls.json for the manifest (contributions.test.ts). This test
 * finds literal text handed straight to the places people read it, and checks that l10n/bundle.l10n.json (what
 * translators get) is the one `npm run l10n` makes from the sources today.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { getL10nJson } from '@vscode/l10n-dev';
import * as ts from 'typescript';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

function sourceFiles(folder: string): string[] {
  return fs
    .readdirSync(path.join(REPO_ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => path.join(folder, file))
    .sort();
}

/** A literal a person would read: it holds a letter outside codicon references like `$(sync~spin)`. */
function readableLiteral(node: ts.Node): boolean {
  let text: string;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
  else if (ts.isTemplateExpression(node)) text = [node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join(' ');
  else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    return readableLiteral(node.left) || readableLiteral(node.right);
  } else if (ts.isConditionalExpression(node)) return readableLiteral(node.whenTrue) || readableLiteral(node.whenFalse);
  else return false;
  return /[A-Za-z]/.test(text.replace(/\$\([\w~-]+\)/g, ''));
}

type Finding = { file: string; line: number; text: string };

/** The literals in `node` that a rule says people read: none, one, or (for a message with buttons) several. */
type Rule = (node: ts.Node) => ts.Node | readonly ts.Node[] | undefined;

const isNodeList = (hits: ts.Node | readonly ts.Node[]): hits is readonly ts.Node[] => Array.isArray(hits);

function findBypasses(file: string, isHit: Rule): Finding[] {
  const source = ts.createSourceFile(file, fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const findings: Finding[] = [];
  const visit = (node: ts.Node) => {
    const hits = isHit(node);
    for (const literal of hits === undefined ? [] : isNodeList(hits) ? hits : [hits]) {
      if (!readableLiteral(literal)) continue;
      findings.push({
        file,
        line: source.getLineAndCharacterOfPosition(literal.getStart()).line + 1,
        text: literal.getText().slice(0, 80),
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return findings;
}

const calleeName = (call: ts.CallExpression | ts.NewExpression) => {
  const callee = call.expression;
  return ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '';
};

/** The value of `x.<property> = value` for one of `properties`. */
function assignedTo(node: ts.Node, properties: ReadonlySet<string>): ts.Node | undefined {
  const assigns =
    ts.isBinaryExpression(node) &&
    node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
    ts.isPropertyAccessExpression(node.left) &&
    properties.has(node.left.name.text);
  return assigns ? node.right : undefined;
}

/** In the extension host: messages and their buttons, pickers, input boxes, progress, tree items, status bar. */
const HOST_MESSAGE_CALLS = new Set(['showInformationMessage', 'showWarningMessage', 'showErrorMessage', 'setStatusBarMessage']);
const HOST_SHOWN_PROPERTIES = new Set(['label', 'description', 'placeHolder', 'prompt', 'title', 'tooltip', 'detail', 'validationMessage']);
const HOST_SHOWN_ASSIGNMENTS = new Set(['tooltip', 'text', 'description', 'placeholder', 'title', 'message']);

/** The texts an input box's validateInput answers with: literals it returns or picks between. */
function validationMessages(validator: ts.Node): ts.Node[] {
  const messages: ts.Node[] = [];
  const visit = (node: ts.Node) => {
    const parent = node.parent;
    const answered =
      ts.isReturnStatement(parent) || ts.isArrowFunction(parent) || (ts.isConditionalExpression(parent) && parent.condition !== node);
    if (answered && readableLiteral(node)) messages.push(node);
    ts.forEachChild(node, visit);
  };
  visit(validator);
  return messages;
}

function hostHit(node: ts.Node): ts.Node | readonly ts.Node[] | undefined {
  if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && node.name.text === 'validateInput')
    return validationMessages(node.initializer);
  if (ts.isCallExpression(node) && HOST_MESSAGE_CALLS.has(calleeName(node))) return node.arguments;
  // Our pickers (pickAgent, pickThread…) take the title of the quick pick they show.
  if (ts.isCallExpression(node) && /^pick[A-Z]/.test(calleeName(node))) return node.arguments;
  if (ts.isNewExpression(node) && /TreeItem$/.test(calleeName(node))) return node.arguments?.[0];
  if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && HOST_SHOWN_PROPERTIES.has(node.name.text)) return node.initializer;
  return assignedTo(node, HOST_SHOWN_ASSIGNMENTS);
}

/** In the webviews: text and the attributes people or screen readers read, set through dom.ts or directly. */
const WEBVIEW_SHOWN_ATTRIBUTES = new Set(['title', 'aria-label', 'label', 'placeholder', 'alt', 'aria-description']);
const WEBVIEW_SHOWN_ASSIGNMENTS = new Set(['textContent', 'title', 'placeholder', 'ariaLabel', 'alt']);

function webviewHit(node: ts.Node): ts.Node | undefined {
  if (ts.isCallExpression(node)) {
    const name = calleeName(node);
    if (name === 'el' || name === 'component') return node.arguments[2];
    if (
      name === 'setAttribute' &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0]) &&
      WEBVIEW_SHOWN_ATTRIBUTES.has(node.arguments[0].text)
    ) {
      return node.arguments[1];
    }
  }
  if (
    ts.isPropertyAssignment(node) &&
    WEBVIEW_SHOWN_ATTRIBUTES.has(ts.isStringLiteral(node.name) || ts.isIdentifier(node.name) ? node.name.text : '')
  ) {
    return node.initializer;
  }
  return assignedTo(node, WEBVIEW_SHOWN_ASSIGNMENTS);
}

const report = (findings: Finding[]) => findings.map((finding) => `${finding.file}:${finding.line} ${finding.text}`).join('\n');

/** Model-facing text (tool descriptions, prompts) is not translated: the model reads it, not a person. */
const MODEL_FACING = /^src\/vscode\/tools\/(readTools|searchText|editTools|lmTools|runCommand|index)\.ts$/;

describe('l10n', () => {
  it('the extension host shows no literal text: it goes through vscode.l10n.t', () => {
    const findings = sourceFiles('src/vscode')
      .filter((file) => !MODEL_FACING.test(file))
      .flatMap((file) => findBypasses(file, hostHit));
    assert.equal(report(findings), '', 'wrap these in vscode.l10n.t(...), then run npm run l10n');
  });

  it('the webviews show no literal text: it goes through l10n.t from @vscode/l10n', () => {
    const findings = sourceFiles('webview').flatMap((file) => findBypasses(file, webviewHit));
    assert.equal(report(findings), '', 'wrap these in l10n.t(...), then run npm run l10n');
  });

  it('every string the webviews localise reaches the bundle (the extractor sees only l10n.t, never an alias)', () => {
    const bundle = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'l10n', 'bundle.l10n.json'), 'utf8')) as Record<string, unknown>;
    const missing: Finding[] = [];
    const aliases: Finding[] = [];
    for (const file of sourceFiles('webview')) {
      const source = ts.createSourceFile(file, fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
      const at = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
      const visit = (node: ts.Node) => {
        if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 't') {
          aliases.push({ file, line: at(node), text: node.getText().slice(0, 80) });
        }
        const first = ts.isCallExpression(node) && node.getText().startsWith('l10n.t(') ? node.arguments[0] : undefined;
        if (first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first)) && !(first.text in bundle)) {
          missing.push({ file, line: at(first), text: first.text.slice(0, 80) });
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    assert.equal(report(aliases), '', 'call l10n.t(...) from `import * as l10n from "@vscode/l10n"`: npm run l10n cannot see t(...)');
    assert.equal(report(missing), '', 'not in l10n/bundle.l10n.json: run npm run l10n');
  });

  it('l10n/bundle.l10n.json holds exactly the strings the sources pass to l10n (npm run l10n makes it)', async function () {
    // Parses every source file with the l10n tool's WebAssembly parser: seconds on a quiet machine, far more when
    // both cores are busy with other work.
    this.timeout(120_000);
    const files = [...sourceFiles('src'), ...sourceFiles('webview')].map((file) => ({
      contents: fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'),
      extension: '.ts',
    }));
    const expected = await getL10nJson(files);
    const bundlePath = path.join(REPO_ROOT, 'l10n', 'bundle.l10n.json');
    const actual = fs.existsSync(bundlePath) ? (JSON.parse(fs.readFileSync(bundlePath, 'utf8')) as unknown) : {};
    assert.deepEqual(actual, expected, 'l10n/bundle.l10n.json is stale: run npm run l10n');
    assert.ok(Object.keys(expected).length > 0, 'no string is localised at all');
  });
});
