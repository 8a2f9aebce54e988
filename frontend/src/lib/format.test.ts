import { afterEach, describe, expect, it, vi } from 'vitest';
import { addDaysISO, addMonthsISO, formatBytes, formatDate, formatDateTime, formatTime, megabytes, pluralCases, todayISO } from './format';

// The PC's zone must change no date: every date test runs under these zones (Node
// takes a new TZ in its environment at once).
const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Pacific/Kiritimati', 'Pacific/Pago_Pago'];
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('format', () => {
  for (const tz of zones) {
    describe(`with the PC in ${tz}`, () => {
      it('shows civil dates as they are', () => {
        vi.stubEnv('TZ', tz);
        expect(formatDate('2026-03-05')).toBe('05.03.2026');
        expect(formatDate('2026-12-07')).toBe('07.12.2026');
        expect(formatDate('')).toBe('');
        expect(formatDate('kein Datum')).toBe('kein Datum');
      });

      it('shows times and their dates in Berlin', () => {
        vi.stubEnv('TZ', tz);
        // Midnight in Berlin is still the day before in UTC and New York.
        expect(formatDate('2026-12-07T00:00:00+01:00')).toBe('07.12.2026');
        expect(formatDate('2026-12-06T23:00:00Z')).toBe('07.12.2026');
        expect(formatDateTime('2026-12-06T23:30:00Z')).toBe('07.12.2026, 00:30');
        expect(formatDateTime('2026-07-06T22:05:00Z')).toBe('07.07.2026, 00:05');
        // The nights daylight saving changes.
        expect(formatDateTime('2026-03-29T01:00:00Z')).toBe('29.03.2026, 03:00');
        expect(formatDateTime('2026-10-25T01:00:00Z')).toBe('25.10.2026, 02:00');
        expect(formatTime(new Date('2026-12-07T13:07:00Z'))).toBe('14:07');
      });

      it('gives Berlin\'s day as today', () => {
        vi.stubEnv('TZ', tz);
        expect(todayISO(new Date('2026-12-06T23:30:00Z'))).toBe('2026-12-07');
        expect(todayISO(new Date('2026-12-07T22:59:00Z'))).toBe('2026-12-07');
        expect(todayISO(new Date('2026-03-29T21:59:00Z'))).toBe('2026-03-29');
      });

      it('counts days and months on the calendar', () => {
        vi.stubEnv('TZ', tz);
        expect(addDaysISO('2026-03-28', 1)).toBe('2026-03-29');
        expect(addDaysISO('2026-03-28', 2)).toBe('2026-03-30');
        expect(addDaysISO('2026-10-24', 7)).toBe('2026-10-31');
        expect(addDaysISO('2026-12-28', 14)).toBe('2027-01-11');
        expect(addMonthsISO('2026-01-31', 1)).toBe('2026-02-28');
        expect(addMonthsISO('2028-01-31', 1)).toBe('2028-02-29');
        expect(addMonthsISO('2026-12-07', 1)).toBe('2027-01-07');
      });
    });
  }

  it('counts cases in German', () => {
    expect(pluralCases(1)).toBe('1 Vorgang');
    expect(pluralCases(100000)).toBe('100.000 Vorgänge');
  });

  it('shows sizes', () => {
    expect(formatBytes(512)).toBe('512 Byte');
    expect(formatBytes(1536)).toBe('1,5 KB');
    expect(megabytes(100 * 1024 * 1024)).toBe(100);
  });
});
