import type { LetterSettings, TemplateForm } from '../../types';

/**
 * previewTemplate picks the template a sample letter shows: the first one, unless it
 * has a fee block and no IBAN is given yet; then the first one without a fee, so the
 * letterhead or remedy can be seen before the bank details are there.
 */
export function previewTemplate(settings: LetterSettings, iban: string): TemplateForm {
  const all = settings.templates ?? [];
  if (iban.trim()) return all[0];
  return all.find((t) => !(t.blocks ?? []).some((b) => b.kind === 'gebuehr')) ?? all[0];
}
