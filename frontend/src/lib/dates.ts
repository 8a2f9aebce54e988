// German date entry (TT.MM.JJJJ) whatever the locale of the window: the text a clerk
// types is read here, never by the browser's date input, which follows the system
// locale (MM/DD/YYYY and an English calendar on a non-German system).

import { addDaysISO, addMonthsISO } from './format';

const pad = (n: number) => String(n).padStart(2, '0');

/** The result of reading a typed date: the civil date, or a German message. */
export type Parsed = { iso: string; error: '' } | { iso: ''; error: string };

export const MONTHS = ['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Dezember'];
export const WEEKDAYS = ['Montag', 'Dienstag', 'Mittwoch', 'Donnerstag', 'Freitag', 'Samstag', 'Sonntag'];

export const msgDateFormat = 'Bitte das Datum als TT.MM.JJJJ eingeben, zum Beispiel 21.12.2026.';

/** daysIn returns the number of days of month m (1-12) of year y. */
export function daysIn(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/**
 * parseGermanDate reads "21.12.2026" (also "1.2.2026" and "21122026"); an empty text
 * is no date and no error. Two-digit years are refused: 21.12.26 could be 1926.
 */
export function parseGermanDate(text: string): Parsed {
  const s = text.trim();
  if (!s) return { iso: '', error: '' };
  const m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(s) ?? /^(\d{2})(\d{2})(\d{4})$/.exec(s);
  if (!m) return { iso: '', error: msgDateFormat };
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12) return { iso: '', error: `Einen Monat ${m[2]} gibt es nicht. ${msgDateFormat}` };
  if (d < 1 || d > daysIn(y, mo)) return { iso: '', error: `Den ${pad(d)}.${pad(mo)}.${y} gibt es nicht.` };
  if (y < 1900 || y > 2199) return { iso: '', error: `Das Jahr ${y} ist nicht möglich.` };
  return { iso: `${y}-${pad(mo)}-${pad(d)}`, error: '' };
}

/** germanDate writes "2026-12-21" as "21.12.2026" ("" stays ""). */
export function germanDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}.${m[2]}.${m[1]}` : '';
}

/** A quick choice of a date field: a label and the date it means from today. */
export interface QuickChoice {
  label: string;
  from: (today: string) => string;
}

/** The quick choices of follow-ups. */
export const followUpChoices: QuickChoice[] = [
  { label: 'in 1 Woche', from: (t) => addDaysISO(t, 7) },
  { label: 'in 2 Wochen', from: (t) => addDaysISO(t, 14) },
  { label: 'in 1 Monat', from: (t) => addMonthsISO(t, 1) },
];

/** monthGrid returns the weeks (Monday first) of month m of year y as ISO dates, '' outside it. */
export function monthGrid(y: number, m: number): string[][] {
  const first = (new Date(Date.UTC(y, m - 1, 1)).getUTCDay() + 6) % 7; // Monday = 0
  const cells: string[] = Array(first).fill('');
  for (let d = 1; d <= daysIn(y, m); d++) cells.push(`${y}-${pad(m)}-${pad(d)}`);
  while (cells.length % 7) cells.push('');
  const weeks: string[][] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  return weeks;
}
