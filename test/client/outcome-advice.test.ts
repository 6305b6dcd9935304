/**
 * When a state-changing request may have landed although its answer never arrived, every error says
 * so once, with what to do for that route: the advice is part of the error (the `MlpError`
 * constructor adds it from the typed `outcomeUnknown` flag), not patched on later by matching text.
 */
import { MlpClient, MlpConflictError, MlpError, MlpProtocolError, describeError } from '../../lib/client';
import { PATHS } from '../../lib/contract/routes';
import { exchangeAnswer, startStub, type Stub, type StubAnswer } from './stub-server';

const TOKEN = 'configured-token-0123456789abcdef0123456789';
const MINT_ADVICE = 'a registration token may have been minted; it expires unused, so minting again is safe';

let stub: Stub | undefined;
let client: MlpClient | undefined;
afterEach(async () => {
  await client?.close();
  await stub?.close();
  client = undefined;
  stub = undefined;
});

/** A client whose exchange works and whose mint answers are `answers`, one per attempt. */
async function mintAnswering(answers: StubAnswer[]): Promise<MlpClient> {
  let attempt = 0;
  stub = await startStub((req) => (req.url.endsWith(PATHS.exchange) ? exchangeAnswer() : answers[attempt++]!));
  client = new MlpClient({ endpoint: stub.url, token: TOKEN, maxRetries: answers.length - 1 });
  return client;
}

async function mintFailure(c: MlpClient): Promise<MlpError> {
  try {
    await c.mintRegisterToken({ clientName: 'ci', accessTtl: '5m', role: 'user' });
  } catch (err) {
    if (err instanceof MlpError) return err;
    throw err;
  }
  throw new Error('the mint succeeded');
}

const occurrences = (text: string, part: string): number => text.split(part).length - 1;

describe('outcome advice', () => {
  test('GIVEN a mint whose first answer was lost WHEN the retry is refused with 409 THEN the conflict says once that a registration token may have been minted', async () => {
    const conflict: StubAnswer = {
      status: 409,
      body: JSON.stringify({ status: 409, warnorCode: 'ConflictException', warnorParams: { field: 'client_name' } }),
    };
    const err = await mintFailure(await mintAnswering(['destroy', conflict]));
    expect(err).toBeInstanceOf(MlpConflictError);
    expect(err.outcomeUnknown).toBe(true);
    expect(occurrences(err.message, MINT_ADVICE)).toBe(1);
    expect(occurrences(describeError(err).detail, 'The outcome is unknown')).toBe(1);
  });

  test('GIVEN a mint answered 201 with a body that is not JSON WHEN the client reads it THEN the message ends its sentence before the advice', async () => {
    const err = await mintFailure(await mintAnswering([{ status: 201, body: '<html>' }]));
    expect(err).toBeInstanceOf(MlpProtocolError);
    expect(err.message).toMatch(/\(6 bytes\)\. The outcome is unknown: a registration token may have been minted/);
    expect(occurrences(describeError(err).detail, 'The outcome is unknown')).toBe(1);
  });

  test('GIVEN an error whose outcome is known WHEN it is described THEN no outcome advice is added', async () => {
    const err = await mintFailure(
      await mintAnswering([{ status: 400, body: JSON.stringify({ status: 400, warnorCode: 'BadRequestException', warnorParams: {} }) }]),
    );
    expect(err.outcomeUnknown).toBe(false);
    expect(describeError(err).detail).not.toContain('outcome');
  });
});
