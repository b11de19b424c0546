// Checks that the .vsix ships exactly the files listed in vsix-files.txt: no source maps, no sources, nothing the
// extension does not load. vsce's own file list is the one `vsce package` zips (same .vscodeignore, no dependencies).
// Run after `npm run build:production` (as `npm run package` does); `--update` rewrites the list after a wanted change.
import { listFiles, PackageManager } from '@vscode/vsce';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const LIST = fileURLToPath(new URL('vsix-files.txt', import.meta.url));
const LIST_NAME = 'test/package/vsix-files.txt';
const VSIX = 'agent-threads.vsix';

const packaged = (await listFiles({ packageManager: PackageManager.None })).map((file) => file.replaceAll('\\', '/')).sort();

if (process.argv.includes('--update')) {
  writeFileSync(LIST, `${packaged.join('\n')}\n`);
  console.log(`${LIST_NAME}: ${packaged.length} files`);
  process.exit(0);
}

const expected = readFileSync(LIST, 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter(Boolean);
const unexpected = packaged.filter((file) => !expected.includes(file));
const missing = expected.filter((file) => !packaged.includes(file));

if (unexpected.length || missing.length) {
  console.error(`The .vsix does not hold the files ${LIST_NAME} lists.`);
  if (unexpected.length) console.error(`  packaged but not listed:\n${unexpected.map((f) => `    + ${f}`).join('\n')}`);
  if (missing.length) console.error(`  listed but not packaged:\n${missing.map((f) => `    - ${f}`).join('\n')}`);
  console.error(
    'If the extension loads a new file, or no longer loads one, update the list with\n' +
      '  npm run build:production && node test/package/checkVsixFiles.mjs --update\n' +
      'and commit it. Otherwise fix .vscodeignore or esbuild.mjs so the package ships only what the extension loads.',
  );
  process.exit(1);
}

const size = existsSync(VSIX) ? `, ${VSIX} ${(statSync(VSIX).size / 1024).toFixed(0)} KiB` : '';
console.log(`vsix files: ${packaged.length}, as ${LIST_NAME} lists${size}`);
