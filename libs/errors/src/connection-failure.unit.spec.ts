import { createServer, type Server } from 'node:net';
import { Client, DatabaseError } from 'pg';
import { QueryFailedError } from 'typeorm';
import { isConnectionFailure } from './connection-failure';
import { errorKindOf } from './error-kind';
import { InvalidArgumentError, UnavailableError } from './loom-errors';

/** What node-postgres throws when it connects to `port` on loopback. */
async function connectError(port: number): Promise<unknown> {
  const client = new Client({ host: '127.0.0.1', port, user: 'loom', database: 'loom' });
  client.on('error', () => undefined);
  return client.connect().then(
    () => {
      throw new Error('the connection must fail');
    },
    (error: unknown) => error,
  );
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });
}

/** A PostgreSQL error as node-postgres parses it from the server's ErrorResponse. */
function serverError(code: string, message: string): DatabaseError {
  const error = new DatabaseError(message, 0, 'error');
  error.code = code;
  return error;
}

describe('isConnectionFailure and errorKindOf', () => {
  it('counts a refused connection (nothing listens) as unavailable', async () => {
    const server = createServer();
    const port = await listen(server);
    await new Promise((closed) => server.close(closed));
    const error = await connectError(port);
    expect(error).toMatchObject({ code: 'ECONNREFUSED' });
    expect(isConnectionFailure(error)).toBe(true);
    expect(errorKindOf(error)).toBe('unavailable');
  });

  it('counts a server that closes the connection ("Connection terminated") as unavailable', async () => {
    const server = createServer((socket) => socket.destroy());
    const port = await listen(server);
    try {
      const error = await connectError(port);
      expect(String(error)).toContain('Connection terminated');
      expect(errorKindOf(error)).toBe('unavailable');
    } finally {
      await new Promise((closed) => server.close(closed));
    }
  });

  it.each([
    ['57P01', 'terminating connection due to administrator command'],
    ['57P02', 'terminating connection because of crash of another server process'],
    ['57P03', 'the database system is starting up'],
    ['08006', 'connection failure'],
    ['08001', 'could not connect to server'],
  ])('counts the PostgreSQL state %s (%s) as unavailable', (code, message) => {
    expect(errorKindOf(serverError(code, message))).toBe('unavailable');
  });

  it('sees through TypeORM, a cause and an AggregateError of connection attempts', () => {
    const shutdown = serverError('57P01', 'terminating connection due to administrator command');
    expect(errorKindOf(new QueryFailedError('SELECT 1', [], shutdown))).toBe('unavailable');
    expect(errorKindOf(new Error('reading the tenants failed', { cause: shutdown }))).toBe(
      'unavailable',
    );
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:5432'), {
      code: 'ECONNREFUSED',
    });
    expect(errorKindOf(new AggregateError([refused, refused]))).toBe('unavailable');
  });

  it.each([
    ['a unique violation', serverError('23505', 'duplicate key value violates unique constraint')],
    ['a syntax error', serverError('42601', 'syntax error at or near "SELEC"')],
    ['a serialization failure', serverError('40001', 'could not serialize access')],
    ['a plain error', new Error('boom')],
    ['a file that is not there', Object.assign(new Error('ENOENT'), { code: 'ENOENT' })],
    ['an AggregateError with one bug in it', new AggregateError([new Error('boom')])],
    ['an empty AggregateError', new AggregateError([])],
    ['a string', 'Connection terminated'],
    ['undefined', undefined],
  ])('leaves %s internal', (_name, error) => {
    expect(isConnectionFailure(error)).toBe(false);
    expect(errorKindOf(error)).toBe('internal');
  });

  it('lets a LoomError keep its own kind, whatever it wraps', () => {
    const refused = Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    const invalid = new InvalidArgumentError([{ field: 'name', description: 'is empty' }]);
    expect(errorKindOf(Object.assign(invalid, { cause: refused }))).toBe('invalid-argument');
    expect(errorKindOf(new UnavailableError('the database is down'))).toBe('unavailable');
  });
});
