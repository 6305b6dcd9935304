import { EmulatorError, ManualClock, SettableClock } from '../../lib/emulator';
import { thrownBy } from './helpers';

describe('SettableClock', () => {
  it('GIVEN a SettableClock over a real clock WHEN advanced and set THEN it follows real time plus the offset they move', () => {
    // GIVEN a real clock frozen at t=1000 s
    let real = 1_000_000;
    const clock = new SettableClock(0, () => real);
    // WHEN
    clock.advance('1h');
    real += 500;
    // THEN
    expect(clock.now().getTime()).toBe(1_000_500 + 3600_000);
    expect(clock.offsetMs).toBe(3600_000);
    clock.set(new Date(0));
    expect(clock.now().getTime()).toBe(0);
    expect(clock.offsetMs).toBe(-1_000_500);
  });
});

describe('ManualClock', () => {
  it('GIVEN a ManualClock WHEN moved by durations or milliseconds THEN it moves by exactly that and otherwise stands still', () => {
    const clock = new ManualClock(new Date('2030-01-01T00:00:00Z'));
    clock.advance('2h45m30s');
    clock.advance(-30_000);
    expect(clock.now().toISOString()).toBe('2030-01-01T02:45:00.000Z');
  });

  it.each([
    ['a duration with a space', () => new ManualClock().advance('1 h'), /^advance: "1 h" is not a duration/],
    ['a zero duration', () => new ManualClock().advance('0s'), /^advance: "0s" is zero/],
    ['NaN milliseconds', () => new ManualClock().advance(Number.NaN), /^advance: NaN is not a number of milliseconds/],
    ['an invalid date', () => new ManualClock().set(new Date('nope')), /^set: Invalid Date is not a valid instant/],
  ])('GIVEN %s WHEN the ManualClock is moved THEN it throws EmulatorError', async (_label, act, message) => {
    const thrown = await thrownBy(act);
    expect(thrown).toBeInstanceOf(EmulatorError);
    expect((thrown as EmulatorError).message).toMatch(message);
  });
});
