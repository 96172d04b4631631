import { quickstartCommands } from './readme-quickstart';

describe('the README Quickstart commands', () => {
  it('are the lines of the sh blocks between the markers, and only those', () => {
    const readme = [
      '```sh',
      'npm ci',
      '```',
      '<!-- quickstart:start -->',
      '',
      '```sh',
      'npm start   # the engine',
      '```',
      'Then:',
      '```sh',
      'loomctl tenants list',
      '',
      'loomctl vpcs list tenants/acme',
      '```',
      '```text',
      'not a command',
      '```',
      '<!-- quickstart:end -->',
      '```sh',
      'npm test',
      '```',
    ].join('\n');
    expect(quickstartCommands(readme)).toEqual([
      'npm start   # the engine',
      'loomctl tenants list',
      'loomctl vpcs list tenants/acme',
    ]);
  });

  it('are missing when the markers are', () => {
    expect(() => quickstartCommands('# Loom\n```sh\nnpm start\n```\n')).toThrow('quickstart:start');
  });
});
