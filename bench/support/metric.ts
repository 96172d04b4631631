/** One line of the results: a measured value beside what it is judged against. */
export interface Metric {
  /** Stable key in bench/results/latest.json, e.g. `append.single.8-writers`. */
  readonly key: string;
  readonly label: string;
  readonly value: number;
  readonly unit: string;
  /** A baseline measured in the same run on the same server, or a fixed target. */
  readonly reference: {
    readonly label: string;
    readonly value: number;
    readonly unit: string;
    readonly kind: 'measured' | 'target';
  };
  /** value / reference.value */
  readonly ratio: number;
  /** The ratio the metric should reach (`>=`) or stay under (`<=`). */
  readonly target: { readonly comparison: '>=' | '<='; readonly ratio: number };
  /** False when the ratio misses the target or a problem was found. */
  readonly met: boolean;
  /** What went wrong beyond the numbers, e.g. events missing from a read. */
  readonly problem?: string;
  /** Anything else worth keeping: sizes, counts, durations. */
  readonly details?: Readonly<Record<string, number | string>>;
}

export interface MetricInput {
  readonly key: string;
  readonly label: string;
  readonly value: number;
  readonly unit: string;
  readonly problem?: string | undefined;
  readonly details?: Readonly<Record<string, number | string>>;
}

/** A value judged by its ratio to a baseline measured in the same run. */
export function againstMeasured(
  input: MetricInput,
  reference: { readonly label: string; readonly value: number },
  target: Metric['target'],
): Metric {
  return judge(input, { ...reference, unit: input.unit, kind: 'measured' }, target);
}

/** A value judged against a fixed target in the same unit: it should reach it. */
export function againstTarget(input: MetricInput, targetValue: number, label = 'target'): Metric {
  return judge(
    input,
    { label, value: targetValue, unit: input.unit, kind: 'target' },
    { comparison: '>=', ratio: 1 },
  );
}

/** A value judged against a fixed limit in the same unit: it should stay at or under it. */
export function underLimit(input: MetricInput, limitValue: number, label = 'limit'): Metric {
  return judge(
    input,
    { label, value: limitValue, unit: input.unit, kind: 'target' },
    { comparison: '<=', ratio: 1 },
  );
}

function judge(
  { problem, ...input }: MetricInput,
  reference: Metric['reference'],
  target: Metric['target'],
): Metric {
  const ratio = reference.value === 0 ? Number.NaN : input.value / reference.value;
  const reached = target.comparison === '>=' ? ratio >= target.ratio : ratio <= target.ratio;
  const metric: Metric = { ...input, reference, ratio, target, met: reached && !problem };
  return problem === undefined ? metric : { ...metric, problem };
}
