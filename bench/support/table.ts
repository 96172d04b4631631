import type { Metric } from './metric';

const headers = ['metric', 'measured', 'unit', 'reference / target', 'ratio', 'goal', 'met'];

/** The results as a Markdown table, ready to paste into bench/README.md. */
export function formatTable(metrics: readonly Metric[]): string {
  const rows = metrics.map((metric) => [
    metric.label,
    formatNumber(metric.value),
    metric.unit,
    `${formatNumber(metric.reference.value)} ${metric.reference.label}`,
    metric.ratio.toFixed(2),
    `${metric.target.comparison} ${metric.target.ratio.toFixed(2)}`,
    metric.met ? 'yes' : 'NO',
  ]);
  const numeric = new Set([1, 4]);
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    `| ${cells
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        return numeric.has(column) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join(' | ')} |`;
  const rule = `| ${widths
    .map((width, column) => (numeric.has(column) ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width)))
    .join(' | ')} |`;
  const notes = metrics
    .filter((metric) => metric.problem !== undefined)
    .map((metric) => `- ${metric.label}: ${metric.problem ?? ''}`);
  return [line(headers), rule, ...rows.map(line), ...(notes.length ? ['', ...notes] : [])].join(
    '\n',
  );
}

export function formatNumber(value: number): string {
  const digits = Math.abs(value) >= 100 ? 0 : 1;
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}
