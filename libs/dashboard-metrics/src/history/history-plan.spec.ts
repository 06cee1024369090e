import { describe, expect, it } from 'vitest';
import { MetricsQueryInvalidError } from '../host-metrics-errors.js';
import { planHistory, rawResolutionSeconds } from './history-plan.js';
import { parseHistoryQuery, parseHostQuery } from './host-metrics-query.js';

const now = new Date('2026-06-10T12:00:00Z');

describe('planHistory', () => {
  it('gives each range a resolution for a few hundred points, raw where the samples are that fine', () => {
    const plans = (['1h', '6h', '24h', '7d', '30d'] as const).map((range) => planHistory(range, 10, now));
    expect(plans.map((p) => [p.range, p.resolutionSeconds, p.raw])).toEqual([
      ['1h', 10, true],
      ['6h', 60, false],
      ['24h', 300, false],
      ['7d', 1800, false],
      ['30d', 7200, false],
    ]);
    for (const plan of plans) {
      const points = (plan.to.getTime() - plan.from.getTime()) / 1000 / plan.resolutionSeconds;
      expect(points).toBeGreaterThanOrEqual(280);
      expect(points).toBeLessThanOrEqual(400);
      expect(plan.to).toEqual(now);
    }
  });

  it('never averages finer than the samples: a 1-minute interval serves 1 h and 6 h raw', () => {
    expect(planHistory('1h', 60, now)).toMatchObject({ resolutionSeconds: 60, raw: true });
    expect(planHistory('6h', 60, now)).toMatchObject({ resolutionSeconds: 60, raw: true });
    expect(planHistory('24h', 60, now)).toMatchObject({ resolutionSeconds: 300, raw: false });
  });

  it('stores sub-second intervals as 1 s resolution', () => {
    expect(rawResolutionSeconds(200)).toBe(1);
    expect(rawResolutionSeconds(10_000)).toBe(10);
    expect(planHistory('1h', rawResolutionSeconds(200), now)).toMatchObject({ resolutionSeconds: 10, raw: false });
  });
});

describe('query parsing', () => {
  it('accepts the five ranges and an optional host', () => {
    expect(parseHistoryQuery({ range: '7d' })).toEqual({ range: '7d' });
    expect(parseHistoryQuery({ range: '1h', host: ' nas ' })).toEqual({ range: '1h', host: 'nas' });
    expect(parseHostQuery({})).toEqual({});
    expect(parseHostQuery(undefined)).toEqual({});
  });

  it('refuses a missing or unknown range, naming the field and the allowed values', () => {
    for (const query of [{}, { range: '2h' }, { range: ['1h', '6h'] }]) {
      const error = (() => {
        try {
          parseHistoryQuery(query);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(MetricsQueryInvalidError);
      expect((error as MetricsQueryInvalidError).code).toBe('METRICS_QUERY_INVALID');
      expect((error as MetricsQueryInvalidError).message).toBe('Query parameter "range" must be one of 1h, 6h, 24h, 7d, 30d');
      expect((error as MetricsQueryInvalidError).details).toEqual({ field: 'range', allowed: ['1h', '6h', '24h', '7d', '30d'] });
    }
  });

  it('refuses an empty or malformed host', () => {
    expect(() => parseHostQuery({ host: '' })).toThrow('Query parameter "host" must not be empty');
    expect(() => parseHostQuery({ host: 'a b' })).toThrow('must not contain spaces');
    expect(() => parseHostQuery({ host: 'x'.repeat(300) })).toThrow('at most 253');
  });
});
