// German display formats. Inputs are "YYYY-MM-DD" dates and RFC 3339 times.

const pad = (n: number) => String(n).padStart(2, '0');

/** formatDate shows "2026-03-05" (or the date part of a time) as "05.03.2026". */
export function formatDate(s: string | null | undefined): string {
  if (!s) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (!m) return s;
  if (s.length > 10) {
    const d = new Date(s);
    if (!Number.isNaN(d.getTime())) return `${pad(d.getDate())}.${pad(d.getMonth() + 1)}.${d.getFullYear()}`;
  }
  return `${m[3]}.${m[2]}.${m[1]}`;
}

/** formatDateTime shows an RFC 3339 time as "05.03.2026, 14:07" in local time. */
export function formatDateTime(s: string | null | undefined): string {
  if (!s) return '';
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return s;
  return `${pad(d.getDate())}.${pad(d.getMonth() + 1)}.${d.getFullYear()}, ${pad(d.getHours())}:${pad(d.getMinutes())}`;
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

/** todayISO returns the local date as YYYY-MM-DD. */
export function todayISO(now: Date = new Date()): string {
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export function pluralCases(n: number): string {
  return `${n.toLocaleString('de-DE')} ${n === 1 ? 'Vorgang' : 'Vorgänge'}`;
}
