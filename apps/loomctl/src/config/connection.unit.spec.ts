import { CliError } from '../cli/cli-error';
import { resolveConnection } from './connection';

describe('where loomctl calls, and with which token', () => {
  const config = { server: 'from-config:1', token: 'config-token' };
  const env = { LOOM_SERVER: 'from-env:2', LOOM_TOKEN: 'env-token' };

  it('takes the flag first', () => {
    expect(resolveConnection({ server: 'flag:3', token: 'flag-token' }, env, config)).toEqual({
      server: 'flag:3',
      token: 'flag-token',
    });
  });

  it('then the environment, then the config file', () => {
    expect(resolveConnection({}, env, config)).toEqual({
      server: 'from-env:2',
      token: 'env-token',
    });
    expect(resolveConnection({}, {}, config)).toEqual({
      server: 'from-config:1',
      token: 'config-token',
    });
  });

  it('calls localhost:50051 when nothing names a server', () => {
    expect(resolveConnection({}, { LOOM_TOKEN: 't' }, {}).server).toBe('localhost:50051');
  });

  it('without a token anywhere is UNAUTHENTICATED (exit 26) before any call', () => {
    const attempt = () => resolveConnection({}, {}, { server: 'x:1' });
    expect(attempt).toThrow(CliError);
    expect(attempt).toThrow('loomctl login');
    try {
      attempt();
    } catch (error) {
      expect(error).toMatchObject({ exitCode: 26 });
    }
  });
});
