import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8')) as JsonObject;
const manifest = readJson('package.json');
const nls = readJson('package.nls.json') as Record<string, string>;
const contributes = manifest.contributes as JsonObject;

/** Fields of `contributes` that VS Code shows to people, wherever they occur (commands, settings, views, walkthroughs…). */
const SHOWN_FIELDS = new Set([
  'title',
  'shortTitle',
  'category',
  'description',
  'markdownDescription',
  'contextualTitle',
  'contents',
  'fullName',
  'altText',
  'deprecationMessage',
  'markdownDeprecationMessage',
]);
/** Arrays of shown strings, one per enum value. */
const SHOWN_ARRAYS = new Set(['enumDescriptions', 'markdownEnumDescriptions', 'enumItemLabels']);
/** `name` is shown for views but is a handle elsewhere (the chat participant's @name, its /commands). */
const SHOWN_NAME_UNDER = /^contributes\.views\.[^.]+\[\d+\]$/;

const NLS_REFERENCE = /^%([^%]+)%$/;

/** Where `contributes` shows a person a literal string instead of a %key% from package.nls.json. */
function literalShownStrings(value: Json, at: string): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => literalShownStrings(item, `${at}[${index}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const where = `${at}.${key}`;
    const shown = SHOWN_FIELDS.has(key) || (key === 'name' && SHOWN_NAME_UNDER.test(at));
    if (shown && typeof child === 'string') return NLS_REFERENCE.test(child) ? [] : [where];
    if (SHOWN_ARRAYS.has(key) && Array.isArray(child)) {
      return child.flatMap((item, index) => (typeof item === 'string' && NLS_REFERENCE.test(item) ? [] : [`${where}[${index}]`]));
    }
    return literalShownStrings(child, where);
  });
}

/** Every %key% used anywhere in the manifest. */
function nlsKeysUsed(value: Json): string[] {
  if (typeof value === 'string') return NLS_REFERENCE.test(value) ? [value.slice(1, -1)] : [];
  if (Array.isArray(value)) return value.flatMap(nlsKeysUsed);
  if (value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap(nlsKeysUsed);
}

/** A %key% resolved the way VS Code resolves it when it loads the manifest. */
const localized = (text: string) => text.replace(NLS_REFERENCE, (_, key: string) => nls[key] ?? text);

interface Step {
  id: string;
  description: string;
  media: { svg?: string; markdown?: string; image?: string };
  completionEvents?: string[];
}
const walkthroughs = contributes.walkthroughs as unknown as { id: string; steps: Step[] }[];
const commandIds = new Set((contributes.commands as { command: string }[]).map((c) => c.command));
const viewIds = new Set(Object.values(contributes.views as Record<string, { id: string }[]>).flatMap((views) => views.map((v) => v.id)));
const commandLinks = (text: string) => [...localized(text).matchAll(/\(command:([\w.]+)/g)].map((match) => match[1]);

describe('package.json contributions', () => {
  it('finds a literal where a shown string should be a %key% (the rule itself can fail)', () => {
    const probe = { commands: [{ command: 'x.y', title: 'Literal', category: '%c%' }], views: { c: [{ id: 'v', name: 'View' }] } };
    assert.deepEqual(literalShownStrings(probe, 'contributes'), ['contributes.commands[0].title', 'contributes.views.c[0].name']);
  });

  it('shows people only strings from package.nls.json', () => {
    assert.deepEqual(
      literalShownStrings(contributes, 'contributes'),
      [],
      'move these strings to package.nls.json and refer to them as "%key%"',
    );
  });

  it('has an entry in package.nls.json for every %key%, and no entry that nothing uses', () => {
    const used = new Set(nlsKeysUsed(manifest));
    assert.ok(used.size > 0);
    assert.deepEqual(
      [...used].filter((key) => typeof nls[key] !== 'string' || !nls[key].trim()),
      [],
      'keys without text in package.nls.json',
    );
    assert.deepEqual(
      Object.keys(nls).filter((key) => !used.has(key)),
      [],
      'entries of package.nls.json that package.json does not use',
    );
  });

  it('walks through picking a model, creating an agent, chatting, tools and search with real commands', () => {
    const steps = walkthroughs.flatMap((walkthrough) => walkthrough.steps);
    assert.deepEqual(
      steps.map((step) => commandLinks(step.description)),
      [
        ['agentThreads.configureModel'],
        ['agentThreads.createAgent'],
        ['agentThreads.openChat'],
        ['agentThreads.editAgent'],
        ['agentThreads.searchThreads'],
      ],
    );
    for (const step of steps) {
      assert.ok(step.completionEvents?.length, `${step.id} never completes`);
      for (const event of step.completionEvents) {
        const [kind, target] = event.split(/:(.*)/s);
        if (kind === 'onCommand') assert.ok(commandIds.has(target), `${step.id}: ${event} names no contributed command`);
        else if (kind === 'onView') assert.ok(viewIds.has(target), `${step.id}: ${event} names no contributed view`);
        else assert.ok(['onContext', 'onSettingChanged'].includes(kind), `${step.id}: unexpected completion event ${event}`);
      }
      const media = step.media.svg ?? step.media.markdown ?? step.media.image ?? '';
      assert.match(media, /^media\/walkthrough\//, `${step.id} media lives under media/walkthrough/`);
      assert.ok(fs.existsSync(path.join(REPO_ROOT, media)), `${step.id}: ${media} is missing`);
    }
  });

  it('links only to contributed commands from welcome content and walkthroughs', () => {
    const texts = [
      ...(contributes.viewsWelcome as { contents: string }[]).map((welcome) => welcome.contents),
      ...walkthroughs.flatMap((walkthrough) => walkthrough.steps.map((step) => step.description)),
    ];
    const links = texts.flatMap(commandLinks);
    assert.ok(links.length > 0);
    assert.deepEqual(
      links.filter((id) => !commandIds.has(id)),
      [],
    );
  });

  it('has a 128×128 PNG icon, a gallery banner and links to the repository', () => {
    const png = fs.readFileSync(path.join(REPO_ROOT, String(manifest.icon)));
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128], 'width and height from the IHDR chunk');
    assert.match(String((manifest.galleryBanner as JsonObject).color), /^#[0-9a-fA-F]{6}$/);
    assert.ok(['dark', 'light'].includes(String((manifest.galleryBanner as JsonObject).theme)));
    assert.match(String((manifest.repository as JsonObject).url), /^https:\/\/github\.com\/agent-threads\/agent-threads/);
  });
});
