// German display formats. Inputs are "YYYY-MM-DD" dates and RFC 3339 times.
//
// Receipt dates, deadlines and follow-ups are civil dates of Europe/Berlin, whatever
// the PC's zone: a "YYYY-MM-DD" is shown as it is, never through new Date(), and a
// time is shown as it is in Berlin (Intl with timeZone), not in the PC's zone.

const pad = (n: number) => String(n).padStart(2, '0');

/** The municipalities' time zone. */
export const OFFICE_ZONE = 'Europe/Berlin';

const berlinParts = new Intl.DateTimeFormat('en-CA', {
  timeZone: OFFICE_ZONE, year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});

/** berlin returns the wall-clock fields of instant d in Berlin. */
function berlin(d: Date): { y: string; m: string; d: string; h: string; min: string } {
  const p: Record<string, string> = {};
  for (const x of berlinParts.formatToParts(d)) p[x.type] = x.value;
  return { y: p.year, m: p.month, d: p.day, h: p.hour, min: p.minute };
}

/** formatDate shows "2026-03-05" as "05.03.2026"; a time shows its date in Berlin. */
export function formatDate(s: string | null | undefined): string {
  if (!s) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (!m) return s;
  if (s.length > 10) {
    const t = new Date(s);
    if (!Number.isNaN(t.getTime())) {
      const b = berlin(t);
      return `${b.d}.${b.m}.${b.y}`;
    }
  }
  return `${m[3]}.${m[2]}.${m[1]}`;
}

/** formatDateTime shows an RFC 3339 time as "05.03.2026, 14:07" in Berlin. */
export function formatDateTime(s: string | null | undefined): string {
  if (!s) return '';
  const t = new Date(s);
  if (Number.isNaN(t.getTime())) return s;
  const b = berlin(t);
  return `${b.d}.${b.m}.${b.y}, ${b.h}:${b.min}`;
}

/** formatTime shows the time of day of instant t in Berlin: "14:07". */
export function formatTime(t: Date): string {
  const b = berlin(t);
  return `${b.h}:${b.min}`;
}

/** formatBytes shows a size in German units: "1,5 MB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} Byte`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1).replace('.', ',')} KB`;
  return `${(n / 1024 / 1024).toFixed(1).replace('.', ',')} MB`;
}

/** megabytes returns the size limit in whole MB for messages ("max. 100 MB"). */
export function megabytes(n: number): number {
  return Math.round(n / 1024 / 1024);
}

/** todayISO returns the date of instant now in Berlin as YYYY-MM-DD. */
export function todayISO(now: Date = new Date()): string {
  const b = berlin(now);
  return `${b.y}-${b.m}-${b.d}`;
}

/** addDaysISO returns the civil date n days after "YYYY-MM-DD" (calendar arithmetic in
 * UTC, so that no daylight-saving change of the PC moves it). */
export function addDaysISO(iso: string, n: number): string {
  const [y, m, d] = iso.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + n));
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** addMonthsISO returns the civil date n months after "YYYY-MM-DD"; the day is kept,
 * or the month's last day when it has fewer (31.01. + 1 Monat = 28./29.02.). */
export function addMonthsISO(iso: string, n: number): string {
  const [y, m, d] = iso.split('-').map(Number);
  const last = new Date(Date.UTC(y, m - 1 + n + 1, 0)).getUTCDate();
  const t = new Date(Date.UTC(y, m - 1 + n, Math.min(d, last)));
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

export function pluralCases(n: number): string {
  return `${n.toLocaleString('de-DE')} ${n === 1 ? 'Vorgang' : 'Vorgänge'}`;
}
