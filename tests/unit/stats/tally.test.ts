import { describe, expect, it } from 'vitest';
import { Tally } from '../../../src/stats/tally';

describe('Tally: the isolate batch', () => {
  it('is due after `flushEvents` events, and `take` hands over everything once', () => {
    const tally = new Tally({ flushEvents: 3, flushMs: 60_000 }, () => 0);
    expect(tally.due()).toBe(false);
    tally.add('2026-11-30', 'view|metered|-');
    tally.add('2026-11-30', 'view|metered|-');
    expect(tally.due()).toBe(false);
    tally.add('2026-12-01', 'prompt|wall|-', 2);
    expect(tally.due()).toBe(true);
    const batch = tally.take();
    expect(batch?.events).toBe(3);
    expect([...(batch?.counts ?? [])].map(([d, m]) => [d, [...m]])).toEqual([
      ['2026-11-30', [['view|metered|-', 2]]],
      ['2026-12-01', [['prompt|wall|-', 2]]],
    ]);
    expect(tally.take()).toBeNull();
    expect(tally.due()).toBe(false);
  });

  it('is due `flushMs` after its first event, on an injected clock', () => {
    let now = 1_000;
    const tally = new Tally({ flushEvents: 500, flushMs: 30_000 }, () => now);
    now = 50_000; // time passing with nothing counted starts nothing
    expect(tally.due()).toBe(false);
    tally.add('2026-11-30', 'view|metered|-');
    now = 79_999;
    expect(tally.due()).toBe(false);
    now = 80_000;
    expect(tally.due()).toBe(true);
  });

  it('keeps a count added while a flush is in flight for the next batch', () => {
    const tally = new Tally({ flushEvents: 1, flushMs: 1 }, () => 0);
    tally.add('d', 'a');
    const first = tally.take();
    tally.add('d', 'a');
    expect(first?.counts.get('d')?.get('a')).toBe(1);
    expect(tally.take()?.counts.get('d')?.get('a')).toBe(1);
  });

  it('bounds the reader hashes a batch holds per day and kind', () => {
    const tally = new Tally({ flushEvents: 1, flushMs: 1 }, () => 0);
    for (let i = 0; i < 5_000; i++) tally.addReader('d', 'live', `r${i}`);
    tally.add('d', 'walled|live');
    expect(tally.take()?.readers.get('d|live')?.size).toBe(2_000);
  });
});
