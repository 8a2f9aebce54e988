// Fixtures of the in-memory Api (fakeapi.ts) for Vitest only: the session, generated
// rows with their status table, letter settings, print letters, conflicts, rejected
// changes and the German texts the Go side sends.

import type { CaseRow, ConflictView, LetterSettings, PrintLetter, RejectedView, Session } from './types';

/** The password the fake takes for every clerk (the demo's). */
export const fakePassword = 'Musterhausen-Demo-2026';

export const fakeSession: Session = {
  fatal: '',
  municipality: 'Gemeinde Musterhausen',
  device: 'A7',
  dataDir: '/home/test/.local/share/OZG-Cloud Desktop',
  clerk: { id: 'c1', name: 'Anna Schmidt', role: 'sachbearbeitung', roleLabel: 'Sachbearbeitung' },
  clerks: [
    { id: 'c1', name: 'Anna Schmidt', role: 'sachbearbeitung', roleLabel: 'Sachbearbeitung' },
    { id: 'c2', name: 'Bernd Weber', role: 'leitung', roleLabel: 'Sachgebietsleitung' },
  ],
  signInClerks: [
    { id: 'c1', name: 'Anna Schmidt', role: 'sachbearbeitung', roleLabel: 'Sachbearbeitung' },
    { id: 'c2', name: 'Bernd Weber', role: 'leitung', roleLabel: 'Sachgebietsleitung' },
  ],
  demo: true,
  demoPassword: fakePassword,
  connected: false,
  signedIn: true,
  locked: false,
  lockReason: '',
  offline: false,
  grantExpires: '',
  notice: '',
  idleLockSeconds: 600,
  standsInFor: [],
  needsSetup: false,
  caseTypes: [
    { value: 'GEWERBE', label: 'Gewerbeanmeldung' },
    { value: 'BAU', label: 'Bauantrag' },
  ],
  statuses: [
    { value: 'NEU', label: 'Neu' },
    { value: 'ANGENOMMEN', label: 'Angenommen' },
    { value: 'IN_BEARBEITUNG', label: 'In Bearbeitung' },
  ],
  channels: [
    { value: 'POST', label: 'Post' },
    { value: 'SCHALTER', label: 'Schalter' },
  ],
  today: '2026-03-10',
  maxAttachmentBytes: 1024 * 1024,
  mayAssignOthers: false,
};

type FakeAction = { action: string; label: string; needsReason: boolean; destructive?: boolean; confirm?: string; to: string };
export const actionsByStatus: Record<string, FakeAction[]> = {
  NEU: [
    { action: 'annehmen', label: 'Annehmen', needsReason: false, to: 'ANGENOMMEN' },
    { action: 'verwerfen', label: 'Verwerfen', needsReason: true, destructive: true, confirm: 'Der Vorgang wird verworfen und nicht weiter bearbeitet.', to: 'VERWORFEN' },
  ],
  ANGENOMMEN: [{ action: 'bearbeiten', label: 'Bearbeitung beginnen', needsReason: false, to: 'IN_BEARBEITUNG' }],
  IN_BEARBEITUNG: [{ action: 'abschliessen', label: 'Abschließen', needsReason: false, to: 'ABGESCHLOSSEN' }],
  ABGESCHLOSSEN: [
    { action: 'wiedereroeffnen', label: 'Wiedereröffnen', needsReason: false, to: 'IN_BEARBEITUNG' },
    { action: 'loeschen_anfordern', label: 'Löschung anfordern', needsReason: false, destructive: true, confirm: 'Der Vorgang wird zur Löschung vorgemerkt.', to: 'ZU_LOESCHEN' },
  ],
};

export const label = (s: string) => fakeSession.statuses?.find((o) => o.value === s)?.label ?? s;

export function makeRow(i: number): CaseRow {
  const status = ['NEU', 'ANGENOMMEN', 'IN_BEARBEITUNG'][i % 3];
  return {
    id: `case-${i}`,
    fileNumber: `GEW-2026-${String(i).padStart(4, '0')}-A7`,
    applicant: `Person ${i}`,
    type: 'GEWERBE',
    typeLabel: 'Gewerbeanmeldung',
    received: '2026-03-01',
    status,
    statusLabel: label(status),
    assignee: i % 2 ? 'c1' : '',
    assigneeName: i % 2 ? 'Anna Schmidt' : '',
    deadline: '2026-03-15',
    overdue: i % 5 === 0,
    followUpDue: false,
    substitute: '',
    notAccepted: false,
    scan: '',
  };
}

/** Go's msgPreviewOutdated. */
export const fakePreviewOutdated = 'Der Bescheid hat sich seit der Vorschau geändert (Vorgang, Briefkopf, Datum oder Text). Es wurde nichts unterschrieben. Bitte prüfen Sie die neue Vorschau und unterschreiben Sie dann.';

/** Go's msgSyncPlainHTTP. */
export const fakePlainHTTP = 'Ohne Verschlüsselung (http://) verbindet sich die App nur mit einem Testserver auf diesem PC, geschrieben als IP-Adresse (http://127.0.0.1:PORT). Bitte verwenden Sie https://.';

export function fakeLetterSettings(): LetterSettings {
  return {
    letterhead: {
      authority: 'Gemeinde Musterhausen', unit: 'Ordnungsamt', street: 'Marktplatz 1', postalCode: '24999', city: 'Musterhausen',
      phone: '', email: '', website: '', bankName: '', iban: '', bic: '', verifyUrl: '', logo: '',
    },
    templates: [
      { id: 'bewilligung', name: 'Bewilligung', changed: false, blocks: [
        { kind: 'betreff', title: '', text: '{{vorgangsart}}: Ihr Antrag vom {{eingangsdatum}}' },
        { kind: 'begruendung', title: 'Begründung', text: 'Die Voraussetzungen sind erfüllt.' },
        { kind: 'gebuehr', title: 'Gebühr', text: 'Bitte überweisen Sie {{gebuehr}} auf {{iban}}.' },
        { kind: 'rechtsbehelf', title: 'Rechtsbehelfsbelehrung', text: '{{rechtsbehelf}}' },
      ] },
      { id: 'ablehnung', name: 'Ablehnung', changed: false, blocks: [
        { kind: 'betreff', title: '', text: 'Ihr Antrag' },
        { kind: 'begruendung', title: 'Begründung', text: '{{ablehnungsgrund}}' },
        { kind: 'rechtsbehelf', title: 'Rechtsbehelfsbelehrung', text: '{{rechtsbehelf}}' },
      ] },
    ],
    remedies: [
      { caseType: 'GEWERBE', caseTypeLabel: 'Gewerbeanmeldung', kind: 'WIDERSPRUCH', body: 'Gemeinde Musterhausen', address: 'Marktplatz 1, 24999 Musterhausen', period: 'eines Monats', default: true },
      { caseType: 'BAU', caseTypeLabel: 'Bauantrag', kind: 'WIDERSPRUCH', body: 'Gemeinde Musterhausen', address: 'Marktplatz 1, 24999 Musterhausen', period: 'eines Monats', default: true },
    ],
    placeholders: [
      { name: 'aktenzeichen', label: 'Aktenzeichen' },
      { name: 'rechtsbehelf', label: 'Rechtsbehelfsbelehrung der Antragsart' },
    ],
    blockKinds: [
      { value: 'betreff', label: 'Betreff' }, { value: 'anrede', label: 'Anrede' }, { value: 'tenor', label: 'Entscheidung (Tenor)' },
      { value: 'begruendung', label: 'Begründung' }, { value: 'gebuehr', label: 'Gebühr' },
      { value: 'rechtsbehelf', label: 'Rechtsbehelfsbelehrung' }, { value: 'text', label: 'Weiterer Text' },
    ],
    remedyKinds: [
      { value: 'WIDERSPRUCH', label: 'Widerspruch bei der Behörde' },
      { value: 'KLAGE', label: 'Klage beim Verwaltungsgericht' },
    ],
    problems: ['Vorlage „Bewilligung“: Der Platzhalter {{iban}} hat keinen Wert. Bitte die Bankverbindung im Briefkopf angeben.'],
  };
}

export function fakePrintLetters(): PrintLetter[] {
  return [
    { caseId: 'case-1', fileNumber: 'GEW-2026-0001-A7', applicant: 'Person 1', decisionId: 'd1', title: 'Bewilligung', signedAt: '2026-03-10T09:00:00+01:00', posted: '' },
    { caseId: 'case-2', fileNumber: 'GEW-2026-0002-A7', applicant: 'Person 2', decisionId: 'd2', title: 'Ablehnung', signedAt: '2026-03-10T09:30:00+01:00', posted: '' },
    { caseId: 'case-3', fileNumber: 'GEW-2026-0003-A7', applicant: 'Person 3', decisionId: 'd3', title: 'Bewilligung', signedAt: '2026-03-09T15:00:00+01:00', posted: '' },
  ];
}

export const fakeFingerprint = '3A:7F:00:12:9B:C4:5D:E6:0F:21:88:4A:B3:CC:17:D2:6E:90:05:AB:3F:11:72:C8:9D:E0:4B:56:A1:08:F3:2C';

export function fakeConflict(over: Partial<ConflictView> = {}): ConflictView {
  return {
    id: 'k1', caseId: 'case-1', fileNumber: makeRow(1).fileNumber, applicant: makeRow(1).applicant, field: 'assignee', fieldLabel: 'Zuständigkeit',
    kind: 'assignee', serverValue: 'Anna Schmidt', clientValue: 'Bernd Müller', serverRaw: 'anna', clientRaw: 'bernd',
    serverAuthor: 'Anna Schmidt', clientAuthor: 'Bernd Müller', serverAt: '2026-03-10T09:58:00+01:00', clientAt: '2026-03-10T10:02:00+01:00',
    receivedAt: '2026-03-10T10:05:00+01:00', open: true, resolvedAt: '', resolvedBy: '', resolution: '', ...over,
  };
}

export function fakeRejected(over: Partial<RejectedView> = {}): RejectedView {
  return {
    seq: 7, caseId: 'case-2', fileNumber: makeRow(2).fileNumber, applicant: makeRow(2).applicant, kind: 'comment.add', what: 'Notiz hinzugefügt',
    by: 'Anna Schmidt', at: '2026-03-10T09:40:00+01:00', reason: 'Den Vorgang gibt es in der OZG-Cloud nicht.', rejectedAt: '2026-03-10T10:00:00+01:00', ...over,
  };
}
