import { describe, expect, it } from 'vitest';
import { isCrawlerIp } from '../../../src/proxy/crawler';

describe('crawler verification by IP range', () => {
  it.each([
    ['66.249.66.1', true], // Googlebot
    ['66.249.95.255', true],
    ['66.249.96.0', false], // just past the /19
    ['157.55.39.7', true], // Bingbot
    ['2001:4860:4801:10::1', true],
    ['2001:4860:4802::1', false],
    ['203.0.113.9', false],
    ['not an ip', false],
    ['66.249.66.1.5', false],
    ['::ffff:66.249.66.1', false],
  ])('%s → %s', (ip, verified) => {
    expect(isCrawlerIp(ip)).toBe(verified);
  });
});
