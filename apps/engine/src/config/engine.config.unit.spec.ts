import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidConfigError, loadEngineConfig, parseVniRange } from './engine.config';

describe('loadEngineConfig', () => {
  it('gives the embedded defaults when nothing is set', () => {
    expect(loadEngineConfig({})).toMatchObject({
      LOOM_DATA_DIR: './.loom',
      LOOM_EMBEDDED_PG_PORT: 54329,
      LOOM_EVENT_STORE: 'postgres',
      LOOM_LOG_LEVEL: 'info',
      LOOM_GRPC_HOST: '127.0.0.1',
      LOOM_GRPC_PORT: 50051,
      LOOM_HTTP_HOST: '127.0.0.1',
      LOOM_HTTP_PORT: 8080,
      LOOM_SHUTDOWN_GRACE_MS: 10_000,
    });
    expect(loadEngineConfig({}).DATABASE_URL).toBeUndefined();
    expect(loadEngineConfig({}).LOOM_JWT_PUBLIC_KEY).toBeUndefined();
  });

  it('opens the listeners to the network only when told to (LOOM_GRPC_HOST, LOOM_HTTP_HOST)', () => {
    expect(loadEngineConfig({ LOOM_GRPC_HOST: '0.0.0.0', LOOM_HTTP_HOST: '::' })).toMatchObject({
      LOOM_GRPC_HOST: '0.0.0.0',
      LOOM_HTTP_HOST: '::',
    });
    expect(loadEngineConfig({ DATABASE_URL: 'postgres://db/loom' })).toMatchObject({
      LOOM_GRPC_HOST: '127.0.0.1',
      LOOM_HTTP_HOST: '127.0.0.1',
    });
  });

  it('reads the API listeners and an external token key file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-config-'));
    try {
      const keyFile = join(dir, 'portal.pem');
      writeFileSync(keyFile, '-----BEGIN PUBLIC KEY-----\n');
      const config = loadEngineConfig({
        LOOM_GRPC_HOST: '127.0.0.1',
        LOOM_GRPC_PORT: '6001',
        LOOM_HTTP_PORT: '6002',
        LOOM_JWT_PUBLIC_KEY: keyFile,
        LOOM_SHUTDOWN_GRACE_MS: '0',
      });
      expect(config).toMatchObject({
        LOOM_GRPC_HOST: '127.0.0.1',
        LOOM_GRPC_PORT: 6001,
        LOOM_HTTP_PORT: 6002,
        LOOM_JWT_PUBLIC_KEY: keyFile,
        LOOM_SHUTDOWN_GRACE_MS: 0,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad API listeners and a token key file that is not there', () => {
    let refused: unknown;
    try {
      loadEngineConfig({
        LOOM_GRPC_PORT: '0',
        LOOM_HTTP_PORT: 'http',
        LOOM_GRPC_HOST: 'not a host',
        LOOM_JWT_PUBLIC_KEY: '/nonexistent/portal.pem',
        LOOM_SHUTDOWN_GRACE_MS: '-1',
      });
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(InvalidConfigError);
    expect(refused).toEqual(
      expect.objectContaining({
        problems: expect.arrayContaining([
          expect.stringContaining('LOOM_GRPC_PORT'),
          'LOOM_HTTP_PORT must be a port number',
          'LOOM_GRPC_HOST must be a host name or IP address',
          'LOOM_JWT_PUBLIC_KEY must name a readable PEM or JWK file',
          expect.stringContaining('LOOM_SHUTDOWN_GRACE_MS'),
        ]) as unknown,
      }),
    );
  });

  it('reads numbers and an external database', () => {
    const config = loadEngineConfig({
      LOOM_EMBEDDED_PG_PORT: '6000',
      DATABASE_URL: 'postgres://u:p@db/loom',
    });
    expect(config.LOOM_EMBEDDED_PG_PORT).toBe(6000);
    expect(config.DATABASE_URL).toBe('postgres://u:p@db/loom');
  });

  it('reports every problem at once', () => {
    try {
      loadEngineConfig({
        LOOM_EMBEDDED_PG_PORT: '70000',
        DATABASE_URL: 'mysql://x',
        LOOM_EVENT_STORE: 'eventstoredb',
      });
      throw new Error('expected a configuration error');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidConfigError);
      expect((error as InvalidConfigError).problems).toEqual(
        expect.arrayContaining([
          expect.stringContaining('LOOM_EMBEDDED_PG_PORT'),
          'DATABASE_URL must be a postgres:// connection string',
          expect.stringContaining('EVENTSTORE_URL must be an esdb://'),
        ]),
      );
    }
  });

  it('reads VNI ranges and refuses reversed or malformed ones', () => {
    const config = loadEngineConfig({ LOOM_L3_VNI_RANGE: '7000-7099' });
    expect(parseVniRange(config.LOOM_L3_VNI_RANGE)).toEqual({ first: 7000, last: 7099 });
    expect(() => loadEngineConfig({ LOOM_L3_VNI_RANGE: '7099-7000' })).toThrow(
      'LOOM_L3_VNI_RANGE must run from a lower',
    );
    expect(() => loadEngineConfig({ LOOM_L2_VNI_RANGE: 'many' })).toThrow(
      'LOOM_L2_VNI_RANGE must be a VNI range',
    );
    expect(() => loadEngineConfig({ LOOM_L2_VNI_RANGE: '1-99999999' })).toThrow(
      'LOOM_L2_VNI_RANGE must run from a lower',
    );
  });

  it('reads the service pool and refuses public or too small ones', () => {
    expect(loadEngineConfig({}).LOOM_SERVICE_POOL).toBe('100.64.0.0/16');
    expect(loadEngineConfig({ LOOM_SERVICE_POOL: '10.250.0.0/24' }).LOOM_SERVICE_POOL).toBe(
      '10.250.0.0/24',
    );
    for (const [pool, problem] of [
      ['198.51.100.0/24', 'LOOM_SERVICE_POOL must be a private block'],
      ['10.0.0.0/31', 'LOOM_SERVICE_POOL must hold at least two /31s'],
    ]) {
      expect(() => loadEngineConfig({ LOOM_SERVICE_POOL: pool })).toThrow(problem);
    }
  });

  it('reads the transfer pool and refuses public, misaligned or too small ones', () => {
    expect(loadEngineConfig({}).LOOM_TRANSFER_POOL).toBe('172.16.0.0/16');
    expect(loadEngineConfig({ LOOM_TRANSFER_POOL: '100.64.0.0/22' }).LOOM_TRANSFER_POOL).toBe(
      '100.64.0.0/22',
    );
    for (const [pool, problem] of [
      ['203.0.113.0/24', 'LOOM_TRANSFER_POOL must be a private block'],
      ['172.15.0.0/16', 'LOOM_TRANSFER_POOL must be a private block'],
      ['172.16.0.1/16', 'LOOM_TRANSFER_POOL has host bits set: did you mean 172.16.0.0/16?'],
      ['10.0.0.0/31', 'LOOM_TRANSFER_POOL must hold at least two /31s'],
      ['ten', 'LOOM_TRANSFER_POOL must be an IPv4 CIDR block'],
    ]) {
      expect(() => loadEngineConfig({ LOOM_TRANSFER_POOL: pool })).toThrow(problem);
    }
  });
});
