import { InvalidConfigError, loadEngineConfig } from './engine.config';

describe('loadEngineConfig', () => {
  it('gives the embedded defaults when nothing is set', () => {
    expect(loadEngineConfig({})).toMatchObject({
      LOOM_DATA_DIR: './.loom',
      LOOM_EMBEDDED_PG_PORT: 54329,
      LOOM_EVENT_STORE: 'postgres',
      LOOM_LOG_LEVEL: 'info',
    });
    expect(loadEngineConfig({}).DATABASE_URL).toBeUndefined();
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
});
