import { spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { buildProgram } from '../program';
import { bashCompletionScript } from './completion-script';

/** The generated script, sourced into a real bash, asked what it completes. */
describe('loomctl bash completion', () => {
  const program = buildProgram(
    {
      env: {},
      io: {
        print: () => undefined,
        warn: () => undefined,
        setExitCode: () => undefined,
        progressStream: new PassThrough(),
        onInterrupt: () => () => undefined,
      },
    },
    () => Promise.resolve(''),
  );
  const script = bashCompletionScript(program);

  /** What bash offers after `line` (the last word is the one being completed). */
  function complete(line: string): string[] {
    const words = line.split(' ');
    const result = spawnSync(
      'bash',
      [
        '-c',
        `${script}\nCOMP_WORDS=(${words.map((word) => `'${word}'`).join(' ')}); ` +
          `COMP_CWORD=${words.length - 1}; _loomctl; printf '%s\\n' "\${COMPREPLY[@]}"`,
      ],
      { encoding: 'utf8', timeout: 10_000 },
    );
    expect(result.stderr).toBe('');
    return result.stdout.split('\n').filter((word) => word !== '');
  }

  it('completes the command groups, then their verbs', () => {
    expect(complete('loomctl v')).toEqual(['vpcs']);
    expect(complete('loomctl vpcs ')).toEqual(
      expect.arrayContaining(['create', 'get', 'list', 'update', 'delete']),
    );
    expect(complete('loomctl operations w')).toEqual(['wait']);
  });

  it("completes a command's flags, past its arguments", () => {
    expect(complete('loomctl vpcs create tenants/acme/vpcs/blue --ci')).toEqual(['--cidr']);
    expect(complete('loomctl ports create tenants/a/vpcs/b/subnets/c/ports/d --leaf')).toEqual([
      '--leaf-switch',
    ]);
  });

  it('completes the values of flags that have a fixed set', () => {
    expect(complete('loomctl vpcs list tenants/acme -o y')).toEqual(['yaml']);
    expect(complete('loomctl token mint --role ')).toEqual(['portal', 'tenant', 'ops', 'auditor']);
  });
});
