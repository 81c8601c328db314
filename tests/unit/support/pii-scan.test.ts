import { describe, expect, it } from 'vitest';
import { mask, scanLine } from '../../support/pii-scan';

// The scanner the suites run over every log line the worker writes (tests/support/pii-scan.ts):
// each shape it must catch, and the ordinary contents of a log line it must leave alone.

const READER_ID = `${'A1b2C3d4E5f6G7h8I9j0_-'}.${'k'.repeat(20)}${'L9-_m8N7o6P5q4R3s2T1u0V'}`;
const JWT =
  'eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIn0.eyJzdWIiOiJyZWFkZXIiLCJleHAiOjE3MDAwMDAwMDB9.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl';

const MUST_MATCH: readonly [string, string][] = [
  ['email', '{"level":"info","event":"x","email":"a@b.co"}'],
  ['email', 'sending to Reader.Name+tag@mail.example.org failed'],
  ['ipv4', '{"event":"rate_limited","ip":"203.0.113.7"}'],
  ['ipv4', 'client 127.0.0.1 refused'],
  ['ipv6', '{"ip":"2001:db8::1"}'],
  ['ipv6', 'from ::1 at'],
  ['ipv6', 'addr 2001:0db8:85a3:0000:0000:8a2e:0370:7334 seen'],
  ['ipv6', 'mapped ::ffff:192.0.2.1 seen'],
  ['stripe_id', '{"customer":"cus_NffrFeUfNV2Hib"}'],
  ['stripe_id', 'subscription sub_1MowQVLkdIwHu7ixeRlqHVzs renewed'],
  ['stripe_id', '/checkout/complete?x=cs_test_a1B2c3D4e5F6g7H8'],
  ['stripe_id', 'pi_3MtwBwLkdIwHu7ix28a3tqPa'],
  ['stripe_id', 'invoice in_1MtHbELkdIwHu7ixl4OzzPMv'],
  ['jwt', `{"token":"${JWT}"}`],
  ['jwt', `Bearer ${JWT}`],
  ['reader_id', `{"reader":"${READER_ID}"}`],
  ['code', '{"event":"sign_in","code":"012345"}'],
  ['code', 'code=123456'],
  ['code', 'your code is 123 456'],
  ['code', '{"signInCode":654321}'],
  ['code', '{"sent":"987654"}'],
  ['session_id', '/checkout/complete?session_id=cs_abc'],
  ['session_id', '{"sessionId":"s3ss10n"}'],
  ['session_id', 'session_id: xyz'],
];

const MUST_NOT_MATCH: readonly string[] = [
  '{"level":"info","event":"signed_in","supporter":false,"created":true}',
  '{"level":"error","event":"unhandled_error","requestId":"3f2b8c1e-9a4d-4e7b-8c21-5d6f7a8b9c0d","error":"TypeError"}',
  '2026-12-01T00:49:13.123Z GET /_paywall/healthz 200 OK (12ms)',
  'took 00:49:13 in total, 123456 ms',
  '{"event":"meter","count":123456,"durationMs":250}',
  '{"event":"webhook_failed","type":"customer.subscription.deleted","error":"Error"}',
  'status in_progress, sub_expired, cs_pending, cus_unknown',
  'import from @upstash/redis and @cloudflare/workers-types',
  'version 4.86.0 of wrangler, node v20.19.4',
  'encoded 123456 bytes',
  '{"code":"rate_limited","status":429}',
  '{"sessionId":null,"session_id":"undefined"}',
  'workerd/jsg/jsg.c++:123: kj::Exception std::runtime_error',
  'paywall.example.com sub.domain.example.org',
  `short.${'a'.repeat(43)}`,
  'a 22-char raw id alone: A1b2C3d4E5f6G7h8I9j0_-',
  'exception = kj/async-io-unix.c++:186: disconnected: connect(): Connection refused',
];

describe('scanLine', () => {
  it.each(MUST_MATCH)('finds %s in %s', (pattern, line) => {
    expect(scanLine(line).map((f) => f.pattern)).toContain(pattern);
  });

  it.each(MUST_NOT_MATCH)('finds nothing in %s', (line) => {
    expect(scanLine(line)).toEqual([]);
  });

  it('never reports the secret itself', () => {
    const line = `{"email":"reader.person@example.com","token":"${JWT}","reader":"${READER_ID}"}`;
    const findings = scanLine(line);
    expect(findings.map((f) => f.pattern).sort()).toEqual(['email', 'jwt', 'reader_id']);
    for (const finding of findings) {
      expect(finding.masked).not.toContain('@example.com');
      expect(finding.masked).not.toContain(JWT.slice(3, 20));
      expect(finding.masked).not.toContain(READER_ID.slice(3, 20));
    }
  });
});

describe('mask', () => {
  it('keeps at most three leading characters and the length', () => {
    expect(mask('a@b.co')).toBe('a@… (6 chars)');
    expect(mask('203.0.113.7')).toBe('203… (11 chars)');
    expect(mask('12')).toBe('… (2 chars)');
  });
});
