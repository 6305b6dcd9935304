import { log, logEnabled, logThreshold, resetLogLevel, setLogSink } from '../../lib/provider/log';

describe('provider log level', () => {
  const saved = {
    TF_LOG: process.env.TF_LOG,
    TF_LOG_PROVIDER: process.env.TF_LOG_PROVIDER,
    TF_LOG_PROVIDER_MLP: process.env.TF_LOG_PROVIDER_MLP,
  };
  let written: string[];
  beforeEach(() => {
    written = [];
    setLogSink((line) => written.push(line));
  });
  afterEach(() => {
    setLogSink(undefined);
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    resetLogLevel();
  });
  const withEnv = (env: Record<string, string | undefined>): void => {
    for (const k of Object.keys(saved)) delete process.env[k];
    Object.assign(process.env, env);
    resetLogLevel();
  };

  test('GIVEN no TF_LOG variable WHEN a debug line is logged THEN nothing is written, while warnings and errors still are', () => {
    withEnv({});
    log('debug', 'ReadResource done in 0 ms');
    log('info', 'configured');
    expect(written).toEqual([]);
    log('warn', 'serving without TLS');
    log('error', 'crashed');
    expect(written).toHaveLength(2);
    expect(JSON.parse(written[0]!)['@level']).toBe('warn');
  });

  test('GIVEN TF_LOG=debug WHEN a debug line is logged THEN it is written as an hclog JSON line', () => {
    withEnv({ TF_LOG: 'debug' });
    log('debug', 'ReadResource done in 0 ms');
    expect(written).toHaveLength(1);
    expect(JSON.parse(written[0]!)).toMatchObject({
      '@level': 'debug',
      '@message': 'ReadResource done in 0 ms',
      '@module': 'provider.mlp',
    });
    expect(logEnabled('trace')).toBe(false);
  });

  test.each([
    [{ TF_LOG: 'TRACE' }, 0],
    [{ TF_LOG: 'JSON' }, 0],
    [{ TF_LOG: 'yes please' }, 0],
    [{ TF_LOG: 'info' }, 2],
    [{ TF_LOG: 'off' }, 5],
    [{ TF_LOG: 'trace', TF_LOG_PROVIDER: 'error' }, 4],
    [{ TF_LOG: 'trace', TF_LOG_PROVIDER: 'error', TF_LOG_PROVIDER_MLP: 'debug' }, 1],
    [{}, 3],
  ])('GIVEN the environment %j WHEN the log threshold is read THEN it is %d (trace 0 .. error 4, off 5)', (env, rank) => {
    expect(logThreshold(env)).toBe(rank);
  });
});
