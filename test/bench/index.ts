/** `npm run bench`: runs every benchmark (or those named on the command line), prints a table, writes the report. */
import * as path from 'node:path';
import { BenchReport, formatNumber, type Bench, type BenchSeries } from './harness';
import { backupBench } from './backup.bench';
import { checkpointsBench } from './checkpoints.bench';
import { foundryBench } from './foundry.bench';
import { historyBench } from './history.bench';
import { modelBench } from './model.bench';
import { writeReport } from './report';
import { responsesBench } from './responses.bench';
import { runsBench } from './runs.bench';
import { scalingBench } from './scaling.bench';
import { searchBench } from './search.bench';
import { storeBench } from './store.bench';
import { tracingBench } from './tracing.bench';
import { vscodeBench } from './vscode.bench';

const benches: Bench[] = [
  storeBench,
  checkpointsBench,
  historyBench,
  backupBench,
  scalingBench,
  searchBench,
  modelBench,
  runsBench,
  responsesBench,
  tracingBench,
  foundryBench,
  vscodeBench,
];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const figures: BenchReport['figures'] = [];
  const series: BenchSeries[] = [];
  let failed = false;
  for (const bench of benches.filter((b) => only.length === 0 || only.includes(b.name))) {
    console.log(`\n# ${bench.name}`);
    try {
      await bench.run(new BenchReport(bench.name, figures, series));
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
  const report = writeReport(path.resolve(__dirname, '..', '..', '..', 'bench-results'), figures, series);
  console.log(`\nReport: ${path.relative(process.cwd(), report)} (chart: bench-results/chart.svg)`);
  if (failed || figures.some(({ figure }) => figure.pass === false)) process.exitCode = 1;
}

void main();
