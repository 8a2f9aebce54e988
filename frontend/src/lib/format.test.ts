import { describe, expect, it } from 'vitest';
import { formatBytes, formatDate, megabytes, pluralCases, todayISO } from './format';

describe('format', () => {
  it('shows dates the German way', () => {
    expect(formatDate('2026-03-05')).toBe('05.03.2026');
    expect(formatDate('')).toBe('');
    expect(formatDate('kein Datum')).toBe('kein Datum');
  });

  it('counts cases in German', () => {
    expect(pluralCases(1)).toBe('1 Vorgang');
    expect(pluralCases(100000)).toBe('100.000 Vorgänge');
  });

  it('shows sizes', () => {
    expect(formatBytes(512)).toBe('512 Byte');
    expect(formatBytes(1536)).toBe('1,5 KB');
    expect(megabytes(100 * 1024 * 1024)).toBe(100);
  });

  it('gives the local day', () => {
    expect(todayISO(new Date(2026, 0, 9, 23, 30))).toBe('2026-01-09');
  });
});
