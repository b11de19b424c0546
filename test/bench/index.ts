/** `npm run bench`: runs every benchmark (or those named on the command line) and prints a summary table. */
import { modelBench } from './model.bench';
import { runsBench } from './runs.bench';
import { storeBench } from './store.bench';
import { vscodeBench } from './vscode.bench';
import { BenchReport, formatNumber, type Bench } from './harness';

const benches: Bench[] = [storeBench, modelBench, runsBench, vscodeBench];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const figures: BenchReport['figures'] = [];
  let failed = false;
  for (const bench of benches.filter((b) => only.length === 0 || only.includes(b.name))) {
    console.log(`\n# ${bench.name}`);
    try {
      await bench.run(new BenchReport(bench.name, figures));
    } catch (error) {
      failed = true;
      console.error(`  ${bench.name} failed: ${error instanceof Error ? error.stack : String(error)}`);
    }
  }
  console.log('\n| bench | metric | value | target | result |\n|---|---|---|---|---|');
  for (const { bench, figure } of figures) {
    const result = figure.pass === undefined ? '' : figure.pass ? 'pass' : 'FAIL';
    console.log(`| ${bench} | ${figure.metric} | ${formatNumber(figure.value)} ${figure.unit} | ${figure.target ?? ''} | ${result} |`);
  }
  if (failed || figures.some(({ figure }) => figure.pass === false)) process.exitCode = 1;
}

void main();
