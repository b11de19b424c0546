import type { IntervalHistogram } from 'node:perf_hooks';

/** The resolution of the event-loop delay monitors the benches use to find the longest task. */
export const LOOP_RESOLUTION_MS = 5;

/**
 * The longest task a `monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS })` saw: its timer fires every
 * resolution ms, so its longest interval minus the resolution is how long something held the event loop.
 */
export function longestTaskMs(histogram: IntervalHistogram): number {
  return Math.max(0, histogram.max / 1e6 - LOOP_RESOLUTION_MS);
}

/** A benchmark: prints its own figures and ratios through `report`, measured against a baseline in the same run. */
export interface Bench {
  name: string;
  run(report: BenchReport): Promise<void>;
}

export interface BenchFigure {
  metric: string;
  value: number;
  unit: string;
  /** A target the figure must meet, written for people ("ratio <= 1.5"). */
  target?: string;
  /** Whether the target was met; undefined when the figure has no target. */
  pass?: boolean;
}

/** A measured curve for the report's chart, e.g. append latency against thread size. */
export interface BenchSeries {
  chart: string;
  name: string;
  xLabel: string;
  yUnit: string;
  points: { x: number; y: number }[];
}

export class BenchReport {
  readonly figures: { bench: string; figure: BenchFigure }[] = [];
  constructor(
    private readonly benchName: string,
    private readonly sink: BenchReport['figures'],
    private readonly seriesSink: BenchSeries[] = [],
  ) {}

  /** Records a curve for the report's charts. */
  series(series: BenchSeries): void {
    this.seriesSink.push(series);
    console.log(
      `  ${series.chart} — ${series.name}: ${series.points.map((p) => `${p.x}: ${formatNumber(p.y)} ${series.yUnit}`).join(', ')}`,
    );
  }

  /** Records a figure and prints it at once so long benchmarks show progress. */
  add(figure: BenchFigure): void {
    this.sink.push({ bench: this.benchName, figure });
    const verdict = figure.pass === undefined ? '' : figure.pass ? '  PASS' : '  FAIL';
    const target = figure.target ? `  (target ${figure.target})` : '';
    console.log(`  ${figure.metric}: ${formatNumber(figure.value)} ${figure.unit}${target}${verdict}`);
  }
}

/** Runs `fn` `iterations` times and returns the median duration in milliseconds. */
export async function medianMs(iterations: number, fn: () => unknown): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

export function formatNumber(value: number): string {
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}
