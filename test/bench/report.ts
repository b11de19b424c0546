/** Writes the benchmark report: a Markdown table of every figure and an SVG chart of the measured curves. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatNumber, type BenchReport, type BenchSeries } from './harness';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];
const PANEL = { width: 460, height: 300, left: 64, right: 16, top: 36, bottom: 84 };

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function niceStep(max: number): number {
  const raw = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * magnitude).find((step) => step >= raw) ?? raw;
}

/**
 * One chart panel. Sizes span three orders of magnitude, so x is logarithmic; y is logarithmic only when the
 * costs span more than a factor of 20 (a flat curve on a log axis would make noise look like a trend).
 */
function panel(title: string, series: BenchSeries[], offsetX: number): string {
  const points = series.flatMap((s) => s.points);
  const [minX, maxX] = [Math.min(...points.map((p) => p.x)), Math.max(...points.map((p) => p.x))];
  const logY = Math.max(...points.map((p) => p.y)) / Math.min(...points.map((p) => p.y)) > 20;
  const minY = logY ? Math.min(...points.map((p) => p.y)) / 1.5 : 0;
  const maxY = Math.max(...points.map((p) => p.y)) * (logY ? 1.5 : 1.25);
  const plotW = PANEL.width - PANEL.left - PANEL.right;
  const plotH = PANEL.height - PANEL.top - PANEL.bottom;
  const sx = (x: number) => PANEL.left + ((Math.log10(x) - Math.log10(minX)) / (Math.log10(maxX) - Math.log10(minX) || 1)) * plotW;
  const sy = logY
    ? (y: number) => PANEL.top + plotH - ((Math.log10(y) - Math.log10(minY)) / (Math.log10(maxY) - Math.log10(minY) || 1)) * plotH
    : (y: number) => PANEL.top + plotH - (y / maxY) * plotH;
  const ticks = logY
    ? Array.from(
        { length: Math.floor(Math.log10(maxY)) - Math.ceil(Math.log10(minY)) + 1 },
        (_, i) => 10 ** (Math.ceil(Math.log10(minY)) + i),
      )
    : Array.from({ length: Math.floor(maxY / niceStep(maxY)) + 1 }, (_, i) => i * niceStep(maxY));
  const parts: string[] = [
    `<g transform="translate(${offsetX},0)">`,
    `<text x="${PANEL.width / 2}" y="20" text-anchor="middle" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  parts.push(`<rect x="${PANEL.left}" y="${PANEL.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`);
  for (const x of [...new Set(points.map((p) => p.x))]) {
    parts.push(`<text x="${sx(x)}" y="${PANEL.top + plotH + 16}" text-anchor="middle" font-size="11">${x.toLocaleString('en')}</text>`);
  }
  for (const y of ticks) {
    parts.push(`<line x1="${PANEL.left}" x2="${PANEL.left + plotW}" y1="${sy(y)}" y2="${sy(y)}" stroke="#eee"/>`);
    parts.push(`<text x="${PANEL.left - 6}" y="${sy(y) + 4}" text-anchor="end" font-size="11">${formatNumber(y)}</text>`);
  }
  parts.push(
    `<text x="${PANEL.left + plotW / 2}" y="${PANEL.top + plotH + 32}" text-anchor="middle" font-size="11">${escapeXml(series[0].xLabel)} (log)</text>`,
  );
  parts.push(
    `<text transform="translate(14,${PANEL.top + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="11">${escapeXml(series[0].yUnit)}${logY ? ' (log)' : ''}</text>`,
  );
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    parts.push(
      `<polyline fill="none" stroke="${color}" stroke-width="2" points="${s.points.map((p) => `${sx(p.x)},${sy(p.y)}`).join(' ')}"/>`,
    );
    for (const p of s.points) parts.push(`<circle cx="${sx(p.x)}" cy="${sy(p.y)}" r="3" fill="${color}"/>`);
    parts.push(
      `<text x="${PANEL.left}" y="${PANEL.top + plotH + 52 + i * 14}" font-size="11" fill="${color}">■ ${escapeXml(s.name)}</text>`,
    );
  });
  parts.push('</g>');
  return parts.join('\n');
}

/** Writes bench-results/report.md and bench-results/chart.svg; returns the report's path. */
export function writeReport(outDir: string, figures: BenchReport['figures'], series: BenchSeries[]): string {
  fs.mkdirSync(outDir, { recursive: true });
  const charts = [...new Set(series.map((s) => s.chart))];
  if (charts.length > 0) {
    const width = charts.length * PANEL.width;
    const svg = [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${PANEL.height}" font-family="sans-serif" font-size="12">`,
      `<rect width="${width}" height="${PANEL.height}" fill="white"/>`,
      ...charts.map((chart, i) =>
        panel(
          chart,
          series.filter((s) => s.chart === chart),
          i * PANEL.width,
        ),
      ),
      '</svg>',
    ].join('\n');
    fs.writeFileSync(path.join(outDir, 'chart.svg'), svg);
  }
  const rows = figures.map(({ bench, figure }) => {
    const result = figure.pass === undefined ? '' : figure.pass ? 'pass' : '**FAIL**';
    return `| ${bench} | ${figure.metric} | ${formatNumber(figure.value)} ${figure.unit} | ${figure.target ?? ''} | ${result} |`;
  });
  const curves = series.map(
    (s) =>
      `| ${s.chart} | ${s.name} | ${s.points.map((p) => `${p.x.toLocaleString('en')}: ${formatNumber(p.y)} ${s.yUnit}`).join(' · ')} |`,
  );
  const markdown = [
    '# Agent Threads benchmark report',
    '',
    `${new Date().toISOString()} · Node ${process.version} · ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'} · ${Math.round(os.totalmem() / 2 ** 30)} GiB.`,
    'Machines are noisy: read the ratios (measured against a baseline in the same run), not the absolute times.',
    '',
    '| bench | metric | value | target | result |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    ...(charts.length > 0
      ? ['![Scaling with thread size](chart.svg)', '', '| chart | series | points |', '|---|---|---|', ...curves, '']
      : []),
  ].join('\n');
  const file = path.join(outDir, 'report.md');
  fs.writeFileSync(file, markdown);
  return file;
}
