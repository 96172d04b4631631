import type { ChainProblem, EventLogVerification } from '@loom/audit';
import { formatFields, formatTable } from '../cli/table';

/** The report for people: the verdict, what it vouches for, then one line per problem. */
export function formatVerification(report: EventLogVerification): string[] {
  const fields = formatFields([
    ['LOG', report.intact ? 'INTACT' : 'TAMPERED'],
    ['EVENTS', `${report.events} (${report.unsealed} after the last checkpoint, not yet sealed)`],
    ['CHECKPOINTS', `${report.storedCheckpoints} stored, ${report.checkpointsMatched} matched`],
    [
      'SEALED UP TO',
      report.lastCheckpoint === undefined
        ? '(nothing)'
        : `position ${report.lastCheckpoint.position} (${report.lastCheckpoint.count} events)`,
    ],
  ]);
  if (report.problems.length === 0) return fields;
  return [
    ...fields,
    '',
    ...formatTable([['PROBLEM', 'WHERE', 'DETAIL'], ...report.problems.map(problemRow)]),
  ];
}

function problemRow(problem: ChainProblem): string[] {
  switch (problem.kind) {
    case 'mismatch':
      return [
        'changed',
        `after ${problem.after} through ${problem.through}`,
        `sealed ${problem.expected.count} events, found ${problem.actual.count} that hash differently`,
      ];
    case 'truncated':
      return [
        'truncated',
        `after ${problem.lastPosition}`,
        `the log ends before checkpoint ${problem.checkpoint}: at least ${problem.missingAtLeast} events missing`,
      ];
    case 'conflicting-checkpoints':
      return [
        'conflicting checkpoints',
        `at ${problem.position}`,
        'two signed checkpoints disagree',
      ];
    case 'bad-signature':
      return ['bad checkpoint', `at ${problem.position}`, problem.reason];
  }
}

/** `--json`: bigints as strings. */
export function verificationJson(report: EventLogVerification): string {
  return JSON.stringify(
    report,
    (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value),
    2,
  );
}
