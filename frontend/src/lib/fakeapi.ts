// In-memory Api for Vitest only (never imported by the app): generated rows, a small
// status table, recorded calls, and injectable failures.

import type { Api, Bindings } from './bindings';
import { EventCasesChanged, EventSessionChanged, type EventName, type EventPayloads } from './events';
import type {
  BulkResult, CaseDetail, CaseRow, ConflictView, Counts, DecisionDraft, DecisionEditorState, DecisionPreview,
  DueFollowUp, LetterPreview, LetterPreviewInput, LetterSettings, LetterheadForm, ListPage, ListQuery,
  CAChoice, MailCheckView, MailFailureView, MailSettingsInput, MailSettingsView, MailStatusView, NewCaseInput, OpenResult, Option,
  PrintBatchResult, PrintLetter, PrintQuery, RejectedView, RemedyForm, ResolveConflictInput, ScanStatusView, Session,
  SignResult, SignatureCheck, SigningKeyInput, SigningKeyView, SyncConnectInput, SyncProbe, SyncStatusView,
  TemplateForm, AbsenceInput, InvitationView, SubstitutionView, UsersView,
} from './types';

import { actionsByStatus, fakeFingerprint, fakeLetterSettings, fakePassword, fakePlainHTTP, fakePreviewOutdated, fakePrintLetters, fakeSession, label, makeRow } from './fakefixtures';
// Tests import the fixtures from here, with the fake.
export { fakePassword, fakeSession, makeRow, fakePreviewOutdated, fakePlainHTTP, fakeLetterSettings, fakePrintLetters, fakeFingerprint, fakeConflict, fakeRejected } from './fakefixtures';

type GoMethod = keyof Bindings;

export class FakeApi implements Api {
  calls: { name: GoMethod; args: unknown[] }[] = [];
  queries: ListQuery[] = [];
  total: number;
  /** What a method throws instead of answering, by Go method name. */
  fail: Partial<Record<GoMethod, unknown>> = {};
  details = new Map<string, CaseDetail>();
  // Callbacks by event; on() and emit() keep each event's payload type.
  private listeners = new Map<EventName, Set<(p: never) => void>>();
  due: DueFollowUp[] = [];
  revisions = 0;
  /** CaseRow.scan by case ID (the virus scanner's mark in the list). */
  rowScan = new Map<string, string>();

  constructor(total = 30) {
    this.total = total;
  }

  private async rec<T>(name: GoMethod, args: unknown[], f: () => T): Promise<T> {
    this.calls.push({ name, args });
    if (name in this.fail) throw this.fail[name];
    return f();
  }

  called(name: GoMethod) {
    return this.calls.filter((c) => c.name === name);
  }

  detail(id: string): CaseDetail {
    let d = this.details.get(id);
    if (!d) {
      const i = Number(id.replace('case-', '')) || 0;
      const r = makeRow(i);
      d = {
        id, revision: 'r0', fileNumber: r.fileNumber, title: `Antrag ${i}`, type: r.type, typeLabel: r.typeLabel,
        channel: 'POST', channelLabel: 'Post', received: r.received, status: r.status,
        statusLabel: r.statusLabel, assignee: r.assignee, assigneeName: r.assigneeName, orgUnit: 'Ordnungsamt',
        legalDeadline: '2026-04-01', targetDeadline: r.deadline, overdue: r.overdue,
        applicant: { name: r.applicant, street: 'Hauptstraße 1', postalCode: '24103', city: 'Kiel', email: '', phone: '', postfach: '' },
        form: [{ label: 'Betrieb', value: '', items: [{ label: 'Name', value: 'Bäckerei', items: null }] }],
        attachments: [], history: [], comments: [], followUps: [], messages: [], decisions: [],
        actions: [], mayAssignOthers: false, substitute: '', notAccepted: '', scanNotices: [],
      };
      this.setStatus(d, r.status);
      this.details.set(id, d);
    }
    return structuredClone(d);
  }

  setStatus(d: CaseDetail, status: string) {
    d.status = status;
    d.statusLabel = label(status);
    d.actions = (actionsByStatus[status] ?? []).map(({ action, label: l, needsReason, destructive, confirm }) =>
      ({ action, label: l, needsReason, destructive: !!destructive, confirm: confirm ?? '' }));
  }

  private update(id: string, f: (d: CaseDetail) => void): CaseDetail {
    const d = this.detail(id);
    f(d);
    this.details.set(id, d);
    // Like the Go side: the store's change feed emits "cases:changed" after the commit.
    d.revision = `r${++this.revisions}`;
    setTimeout(() => this.emit(EventCasesChanged, [{ id, revision: d.revision }]), 0);
    return structuredClone(d);
  }

  emit<E extends EventName>(event: E, payload: EventPayloads[E]) {
    for (const cb of this.listeners.get(event) ?? []) (cb as (p: EventPayloads[E]) => void)(payload);
  }

  /** Who works here, as Session answers; SignIn, Lock, Unlock and SignOut change it. */
  session: Session = structuredClone(fakeSession);
  Session = () => this.rec('Session', [], () => structuredClone(this.session));
  private signedIn(c: Session['clerk']): Session {
    this.session = { ...structuredClone(fakeSession), clerk: structuredClone(c), signedIn: true, locked: false, lockReason: '' };
    setTimeout(() => this.emit(EventSessionChanged, undefined), 0);
    return structuredClone(this.session);
  }
  private wrongPassword(): never {
    throw JSON.stringify({ code: 'SIGN_IN', message: 'Das Passwort ist falsch.', fields: { password: 'Das Passwort ist falsch.' } });
  }
  SignIn = (user: string, password: string) => this.rec('SignIn', [user, password], () => {
    const c = this.session.signInClerks?.find((x) => x.id === user || x.name.toLowerCase() === user.trim().toLowerCase());
    if (!c) {
      const msg = 'Diesen Benutzernamen gibt es auf diesem PC nicht.';
      throw JSON.stringify({ code: 'SIGN_IN', message: msg, fields: { user: msg } });
    }
    if (password !== fakePassword) this.wrongPassword();
    return this.signedIn(c);
  });
  Activate = (code: string, password: string) => this.rec('Activate', [code, password], () => {
    if (code !== 'ABCD-EFGH-JKLM') {
      const msg = 'Der Einladungscode ist falsch.';
      throw JSON.stringify({ code: 'SIGN_IN', message: msg, fields: { code: msg } });
    }
    void password;
    return this.signedIn(fakeSession.clerk);
  });
  SetUpLocal = (name: string, password: string) => this.rec('SetUpLocal', [name, password], () =>
    this.signedIn({ id: 'admin', name, role: 'administration', roleLabel: 'Administration' }));
  Unlock = (password: string) => this.rec('Unlock', [password], () => {
    if (password !== fakePassword) this.wrongPassword();
    return this.signedIn(this.session.clerk);
  });
  Lock = () => this.rec('Lock', [], () => {
    this.session = { ...this.session, locked: true, lockReason: 'Der Bildschirm ist gesperrt.', clerks: [] };
    return structuredClone(this.session);
  });
  SignOut = () => this.rec('SignOut', [], () => {
    this.session = { ...structuredClone(fakeSession), signedIn: false, clerk: { id: '', name: '', role: '', roleLabel: '' }, clerks: [] };
    return structuredClone(this.session);
  });
  Touch = () => this.rec('Touch', [], () => undefined);
  users: UsersView = {
    users: [{ id: 'c1', name: 'Anna Schmidt', role: 'sachbearbeitung', roleLabel: 'Sachbearbeitung', state: 'aktiv', deactivated: false }],
    managed: true, roles: [{ value: 'sachbearbeitung', label: 'Sachbearbeitung' }, { value: 'leitung', label: 'Sachgebietsleitung' }],
    idleLockMinutes: 10,
  };
  ListUsers = () => this.rec('ListUsers', [], () => structuredClone(this.users));
  AddUser = (name: string, role: string) => this.rec('AddUser', [name, role], (): InvitationView => {
    const user = { id: `u${this.users.users!.length}`, name, role, roleLabel: role, state: 'wartet auf das erste Passwort', deactivated: false };
    this.users.users!.push(user);
    return { user, code: 'ABCD-EFGH-JKLM', expires: '14.12.2026, 10:00' };
  });
  ResetUserPassword = (id: string) => this.rec('ResetUserPassword', [id], (): InvitationView => ({
    user: structuredClone(this.users.users!.find((u) => u.id === id)!), code: 'NPQR-STUV-WXYZ', expires: '14.12.2026, 10:00',
  }));
  DeactivateUser = (id: string) => this.rec('DeactivateUser', [id], () => {
    for (const u of this.users.users!) if (u.id === id) Object.assign(u, { deactivated: true, state: 'deaktiviert' });
    return structuredClone(this.users);
  });
  SetIdleLock = (minutes: number) => this.rec('SetIdleLock', [minutes], () => {
    this.users.idleLockMinutes = minutes;
    return structuredClone(this.users);
  });
  substitution: SubstitutionView = { absences: [], clerks: structuredClone(fakeSession.clerks!), mayRecordForOthers: false };
  Absences = () => this.rec('Absences', [], () => structuredClone(this.substitution));
  RecordAbsence = (input: AbsenceInput) => this.rec('RecordAbsence', [structuredClone(input)], () => {
    const name = (id: string) => this.substitution.clerks?.find((c) => c.id === id)?.name ?? id;
    const absent = input.absent || this.session.clerk.id;
    this.substitution.absences!.push({
      id: `a${this.substitution.absences!.length}`, absent, absentName: name(absent), substitute: input.substitute,
      substituteName: name(input.substitute), from: input.from, to: input.to, now: true, state: '', refused: false, mayDelete: true,
    });
    return structuredClone(this.substitution);
  });
  DeleteAbsence = (id: string) => this.rec('DeleteAbsence', [id], () => {
    this.substitution.absences = this.substitution.absences!.filter((a) => a.id !== id);
    return structuredClone(this.substitution);
  });
  ResubmitCase = (id: string) => this.rec('ResubmitCase', [id], () => this.update(id, (d) => { d.notAccepted = ''; }));
  DiscardCase = (id: string) => this.rec('DiscardCase', [id], () => {
    this.details.delete(id);
  });
  ListCases = (q: ListQuery) => this.rec('ListCases', [q], (): ListPage => {
    this.queries.push(structuredClone(q));
    const rows: CaseRow[] = [];
    for (let i = q.offset; i < Math.min(this.total, q.offset + q.limit); i++) rows.push({ ...makeRow(i), scan: this.rowScan.get(`case-${i}`) ?? '' });
    return { total: this.total, offset: q.offset, rows };
  });
  Counts = () => this.rec('Counts', [], (): Counts => ({
    all: this.total, mine: 7, unassigned: 5, overdue: 3, followUp: 2, byStatus: { NEU: 11, ANGENOMMEN: 9, IN_BEARBEITUNG: 10 }, pending: 4,
  }));
  GetCase = (id: string) => this.rec('GetCase', [id], () => this.detail(id));
  Transition = (id: string, action: string, reason: string) => this.rec('Transition', [id, action, reason], () =>
    this.update(id, (d) => {
      const t = (actionsByStatus[d.status] ?? []).find((a) => a.action === action);
      if (!t) throw JSON.stringify({ code: 'NOT_ALLOWED', message: 'Diese Aktion ist im Status nicht erlaubt.' });
      this.setStatus(d, t.to);
    }));
  Assign = (id: string, clerkID: string) => this.rec('Assign', [id, clerkID], () =>
    this.update(id, (d) => {
      d.assignee = clerkID;
      d.assigneeName = fakeSession.clerks!.find((c) => c.id === clerkID)?.name ?? '';
    }));
  AddComment = (id: string, text: string) => this.rec('AddComment', [id, text], () =>
    this.update(id, (d) => d.comments!.push({ id: `k${d.comments!.length}`, at: '2026-03-10T10:00:00Z', by: 'Anna Schmidt', text })));
  AddFollowUp = (id: string, due: string, reason: string) => this.rec('AddFollowUp', [id, due, reason], () =>
    this.update(id, (d) => d.followUps!.push({ id: `f${d.followUps!.length}`, due, reason, by: 'Anna Schmidt', owner: 'Anna Schmidt', mine: true, done: false, doneAt: '', state: 'open' })));
  CompleteFollowUp = (id: string, fid: string) => this.rec('CompleteFollowUp', [id, fid], () =>
    this.update(id, (d) => {
      const f = d.followUps!.find((x) => x.id === fid)!;
      f.done = true;
      f.state = 'done';
    }));
  SendMessage = (id: string, subject: string, body: string) => this.rec('SendMessage', [id, subject, body], () =>
    this.update(id, (d) => d.messages!.push({ id: `m${d.messages!.length}`, direction: 'OUT', state: 'PENDING', stateLabel: 'wartet auf Versand', subject, body, at: '2026-03-10T10:00:00Z', by: 'Anna Schmidt' })));
  AddAttachmentsFromDialog = (id: string) => this.rec('AddAttachmentsFromDialog', [id], () => this.detail(id));
  AddDroppedFiles = (id: string, drop: string) => this.rec('AddDroppedFiles', [id, drop], () => this.detail(id));
  AddAttachmentData = (id: string, name: string, mediaType: string, data: string) =>
    this.rec('AddAttachmentData', [id, name, mediaType, data], () => this.detail(id));
  // What "Öffnen" answers, by attachment ID; opened unless a test sets another.
  openResults: Record<string, OpenResult> = {};
  OpenAttachment = (id: string, aid: string) =>
    this.rec('OpenAttachment', [id, aid], (): OpenResult => this.openResults[aid] ?? { outcome: 'opened', message: '', entries: [], truncated: false, maySave: false });
  OpenAttachmentConfirmed = (id: string, aid: string) =>
    this.rec('OpenAttachmentConfirmed', [id, aid], (): OpenResult => ({ outcome: 'opened', message: '', entries: [], truncated: false, maySave: false }));
  SaveAttachmentAs = (id: string, aid: string) => this.rec('SaveAttachmentAs', [id, aid], () => '/home/amt/Kopie.pdf');
  CheckSignature = (id: string, aid: string) =>
    this.rec('CheckSignature', [id, aid], () => ({
      file: 'Bescheid.pdf',
      signatures: [{ valid: true, signer: 'Testsiegel', organization: 'Gemeinde Musterhausen', signingTime: '2026-11-28T10:00:00+01:00', keyType: 'RSA 3072', wholeDocument: true, timestamped: false, problem: '' }],
      summary: 'Die Signatur ist gültig: unterschrieben von Testsiegel.',
    }));
  CheckSignatureFromDialog = (): Promise<SignatureCheck> =>
    this.rec('CheckSignatureFromDialog', [], () => ({ file: '', signatures: [], summary: '' }));
  VerifyHistory = (id: string) => this.rec('VerifyHistory', [id], () => ({ ok: true, entries: 3, message: 'Der Verlauf ist unverändert (3 Einträge).' }));
  CreateCase = (input: NewCaseInput) => this.rec('CreateCase', [input], () => this.update('case-9999', () => {}));
  /** Cases a colleague holds: BulkAssign asks before taking them. */
  heldByColleague = new Set(['case-3']);
  BulkAssign = (ids: string[], clerkID: string, takeOver: boolean) => this.rec('BulkAssign', [ids, clerkID, takeOver], (): BulkResult => {
    const ask = takeOver ? [] : ids.filter((id) => this.heldByColleague.has(id)).map((id) => ({
      id, fileNumber: this.detail(id).fileNumber, status: 'In Bearbeitung', ask: true,
      reason: 'Bernd Weber ist zuständig (Status „In Bearbeitung“); nur nach Rückfrage übernehmen.',
    }));
    return { done: ids.length - ask.length, failed: [], ask };
  });
  BulkTransition = (ids: string[], action: string) => this.rec('BulkTransition', [ids, action], (): BulkResult => ({
    done: ids.length - 1, failed: [{ id: ids[0], fileNumber: makeRow(0).fileNumber, status: 'Angenommen', ask: false, reason: '„Annehmen“ ist im Status „Angenommen“ nicht möglich; nicht geändert.' }], ask: [],
  }));
  // E-Mail-Eingang: the fake keeps the password apart and, like Go, never returns it.
  mail: MailSettingsView = {
    configured: false, host: '', port: 993, tls: 'tls', user: '', passwordSet: false, folder: 'INBOX', ca: '',
    tlsModes: [
      { value: 'tls', label: 'TLS (verschlüsselt von Anfang an, meist Port 993)' },
      { value: 'starttls', label: 'STARTTLS (meist Port 143)' },
      { value: 'none', label: 'Keine Verschlüsselung (nur für einen Server auf diesem Rechner)' },
    ],
  };
  mailPassword = '';
  mailCheck: MailCheckView = { ok: true, summary: 'Die Verbindung funktioniert.', passed: ['Server erreicht, Anmeldung erfolgreich.'], warnings: [], problem: '' };
  mailStatusValue: MailStatusView = { configured: false, state: 'off', lastCheck: '', importedToday: 0, failed: 0, errors: 0, lastError: '', lastErrorAt: '' };
  mailFailureList: MailFailureView[] = [];
  caChoice: CAChoice = { name: '' };
  MailSettings = () => this.rec('MailSettings', [], () => structuredClone(this.mail));
  SaveMailSettings = (input: MailSettingsInput) => this.rec('SaveMailSettings', [input], () => {
    const { password, ...rest } = input;
    if (password) this.mailPassword = password;
    this.mail = { ...this.mail, ...rest, configured: true, passwordSet: this.mailPassword !== '' };
    return structuredClone(this.mail);
  });
  ClearMailSettings = () => this.rec('ClearMailSettings', [], () => {
    this.mailPassword = '';
    this.mail = { ...this.mail, configured: false, host: '', user: '', passwordSet: false, ca: '' };
    return structuredClone(this.mail);
  });
  ChooseMailCAFile = () => this.rec('ChooseMailCAFile', [], () => structuredClone(this.caChoice));
  TestMailConnection = (input: MailSettingsInput) => this.rec('TestMailConnection', [input], () => structuredClone(this.mailCheck));
  MailStatus = () => this.rec('MailStatus', [], () => structuredClone(this.mailStatusValue));
  scanStatusValue: ScanStatusView = { state: 'off', message: '', since: '' };
  ScanStatus = () => this.rec('ScanStatus', [], () => structuredClone(this.scanStatusValue));
  MailFailures = () => this.rec('MailFailures', [], () => structuredClone(this.mailFailureList));
  RetryMail = (uid: number) => this.rec('RetryMail', [uid], () => {
    this.mailFailureList = this.mailFailureList.map((f) => (f.uid === uid ? { ...f, retrying: true } : f));
    return structuredClone(this.mailFailureList);
  });
  RetryAllMail = () => this.rec('RetryAllMail', [], () => {
    this.mailFailureList = this.mailFailureList.map((f) => ({ ...f, retrying: true }));
    return structuredClone(this.mailFailureList);
  });
  DueFollowUps = (all: boolean) => this.rec('DueFollowUps', [all], () => structuredClone(all ? this.due : this.due.filter((d) => d.mine)));
  HandFollowUp = (id: string, fid: string, clerkID: string) => this.rec('HandFollowUp', [id, fid, clerkID], () =>
    this.update(id, (d) => {
      const f = d.followUps!.find((x) => x.id === fid)!;
      f.done = true;
      f.state = 'done';
      const owner = fakeSession.clerks!.find((c) => c.id === clerkID)?.name ?? clerkID;
      d.followUps!.push({ ...f, id: `f${d.followUps!.length}`, done: false, state: 'open', owner, mine: false });
    }));
  // Decisions: drafts per case, the demo key with password "demo".
  drafts = new Map<string, DecisionDraft>();
  key: SigningKeyView = {
    kind: 'pkcs12', label: 'PKCS#12-Datei (fortgeschrittenes Siegel)', fileName: 'demo-siegel.p12', module: '', tokenLabel: '',
    keyLabel: '', tsaUrl: '', tsaRoots: '', demo: true, demoPassword: 'demo', secretLabel: 'Passwort', subject: '', validUntil: '', keyType: '', mayEdit: false,
  };
  DecisionEditor = (id: string) => this.rec('DecisionEditor', [id], (): DecisionEditorState => {
    const d = this.detail(id);
    const may = d.status === 'IN_BEARBEITUNG' && d.assignee === fakeSession.clerk.id;
    const active = d.decisions?.find((x) => x.signed && !x.supersededBy);
    return {
      templates: [
        { id: 'bewilligung', name: 'Bewilligung', hasFee: true, feeRequired: false },
        { id: 'ablehnung', name: 'Ablehnung', hasFee: false, feeRequired: false },
        { id: 'teilbewilligung', name: 'Teilbewilligung', hasFee: true, feeRequired: false },
        { id: 'gebuehrenbescheid', name: 'Gebührenbescheid', hasFee: true, feeRequired: true },
      ],
      draft: structuredClone(this.drafts.get(id) ?? { caseId: id, templateId: '', templateName: '', fee: false, feeAmount: '', feeDue: '', values: [], blocks: [], supersedes: '', supersedesTitle: '', updatedAt: '' }),
      key: structuredClone(this.key),
      mayDecide: may,
      reason: may ? '' : 'Einen Bescheid kann man erst erstellen, wenn der Vorgang in Bearbeitung ist.',
      supersedes: active ? `„${active.title}“` : '',
    };
  });
  StartDecision = (id: string, templateID: string) => this.rec('StartDecision', [id, templateID], (): DecisionDraft => {
    const names: Record<string, string> = { bewilligung: 'Bewilligung', ablehnung: 'Ablehnung', teilbewilligung: 'Teilbewilligung', gebuehrenbescheid: 'Gebührenbescheid' };
    const fee = templateID !== 'ablehnung';
    const active = this.detail(id).decisions?.find((x) => x.signed && !x.supersededBy);
    const d: DecisionDraft = {
      caseId: id, templateId: templateID, templateName: names[templateID], fee, feeAmount: '', feeDue: fee ? '2026-04-10' : '',
      values: templateID === 'ablehnung' ? [{ name: 'ablehnungsgrund', label: 'Grund der Ablehnung', value: '', multiline: true }] : [],
      blocks: [
        { kind: 'betreff', label: 'Betreff', title: '', text: '{{vorgangsart}}: Ihr Antrag vom {{eingangsdatum}}' },
        { kind: 'tenor', label: 'Entscheidung (Tenor)', title: '', text: 'Ihrem Antrag wird stattgegeben.' },
        { kind: 'begruendung', label: 'Begründung', title: 'Begründung', text: templateID === 'ablehnung' ? '{{ablehnungsgrund}}' : 'Die Voraussetzungen sind erfüllt.' },
        ...(fee ? [{ kind: 'gebuehr', label: 'Gebühr', title: 'Gebühr', text: 'Betrag: {{gebuehr}}' }] : []),
      ],
      supersedes: active?.id ?? '', supersedesTitle: active ? `„${active.title}“` : '', updatedAt: '2026-03-10T10:00:00+01:00',
    };
    this.drafts.set(id, structuredClone(d));
    return d;
  });
  UpdateDecisionDraft = (d: DecisionDraft) => this.rec('UpdateDecisionDraft', [structuredClone(d)], (): DecisionPreview => {
    this.drafts.set(d.caseId, structuredClone(d));
    const missing = d.values?.find((v) => !v.value.trim());
    if (missing) return { pdf: '', pages: 0, verificationCode: '', id: '', problem: `Bitte geben Sie „${missing.label}“ an; der Bescheid braucht diesen Text.`, field: `value:${missing.name}` };
    if (d.fee && !d.feeAmount.trim()) return { pdf: '', pages: 0, verificationCode: '', id: '', problem: 'Bitte geben Sie den Betrag der Gebühr an.', field: 'feeAmount' };
    // As Go: the preview has an ID, and signing signs only the draft it shows.
    this.previewed = { id: `preview-${++this.previews}`, draft: JSON.stringify(d) };
    return { pdf: btoa('%PDF-1.4 Vorschau'), pages: 1, verificationCode: '3F2A-91C0-77B4-0D1E', id: this.previewed.id, problem: '', field: '' };
  });
  previews = 0;
  previewed = { id: '', draft: '' };
  DiscardDecisionDraft = (id: string) => this.rec('DiscardDecisionDraft', [id], () => {
    this.drafts.delete(id);
  });
  SignDecision = (d: DecisionDraft, previewId: string, secret: string) => this.rec('SignDecision', [structuredClone(d), previewId, secret], (): SignResult => {
    if (!previewId || previewId !== this.previewed.id || JSON.stringify(d) !== this.previewed.draft) {
      throw JSON.stringify({ code: 'STALE', message: fakePreviewOutdated });
    }
    if (secret !== 'demo') {
      throw JSON.stringify({ code: 'INVALID', message: 'Das Passwort für die Schlüsseldatei ist falsch. Es wurde nichts unterschrieben und nichts gespeichert.', fields: { secret: 'Das Passwort für die Schlüsseldatei ist falsch.' } });
    }
    this.drafts.delete(d.caseId);
    const n = (this.detail(d.caseId).decisions?.length ?? 0) + 1;
    const id = `dec${n}`;
    const c = this.update(d.caseId, (x) => {
      for (const old of x.decisions ?? []) if (old.id === d.supersedes) old.supersededBy = id;
      x.decisions!.push({
        id, title: d.supersedes ? `Änderungsbescheid: ${d.templateName}` : d.templateName, createdAt: '2026-03-10T10:00:00+01:00',
        signed: true, signedAt: '2026-03-10T10:00:00+01:00', supersededBy: '', supersedes: d.supersedes, posted: '',
        document: { id: `doc${n}`, name: `Bescheid ${x.fileNumber} ${d.templateName}.pdf`, mediaType: 'application/pdf', size: 40000, addedAt: '2026-03-10T10:00:00+01:00', addedBy: 'Anna Schmidt', url: `/files/${x.id}/doc${n}`, preview: 'pdf', scan: '', scanLabel: '', scanMessage: '' },
      });
    });
    return { case: c, decisionId: id, verificationCode: '3F2A-91C0-77B4-0D1E', timestamped: false, notice: 'Der Bescheid ist unterschrieben und gespeichert.' };
  });
  SigningKey = () => this.rec('SigningKey', [], () => structuredClone(this.key));
  modules: Option[] = [{ value: '/usr/lib/softhsm/libsofthsm2.so', label: '/usr/lib/softhsm/libsofthsm2.so' }];
  ChooseTSACertificate = () => this.rec('ChooseTSACertificate', [], () => {
    this.key = { ...this.key, tsaRoots: 'tsa-ca.pem' };
    return structuredClone(this.key);
  });
  ClearTSACertificate = () => this.rec('ClearTSACertificate', [], () => {
    this.key = { ...this.key, tsaRoots: '' };
    return structuredClone(this.key);
  });
  SigningModules = () => this.rec('SigningModules', [], () => structuredClone(this.modules));
  ChooseSigningKeyFile = () => this.rec('ChooseSigningKeyFile', [], () => {
    this.key = { ...this.key, kind: 'pkcs12', label: 'PKCS#12-Datei (fortgeschrittenes Siegel)', fileName: 'siegel.p12', demo: false, demoPassword: '', secretLabel: 'Passwort' };
    return structuredClone(this.key);
  });
  SaveSigningKey = (input: SigningKeyInput) => this.rec('SaveSigningKey', [structuredClone(input)], () => {
    const token = input.kind === 'pkcs11';
    this.key = {
      ...this.key, kind: input.kind, module: input.module, tokenLabel: input.tokenLabel, keyLabel: input.keyLabel, tsaUrl: input.tsaUrl,
      label: token ? 'Token (qualifiziertes Siegel möglich)' : 'PKCS#12-Datei (fortgeschrittenes Siegel)', secretLabel: token ? 'PIN' : 'Passwort',
      demo: token ? false : this.key.demo,
    };
    return structuredClone(this.key);
  });
  TestSigningKey = (secret: string) => this.rec('TestSigningKey', [secret], () => {
    if (secret !== 'demo') throw JSON.stringify({ code: 'INVALID', message: 'Das Passwort für die Schlüsseldatei ist falsch.', fields: { secret: 'Das Passwort ist falsch.' } });
    return { ...structuredClone(this.key), subject: 'Demo-Siegel Gemeinde Musterhausen', validUntil: '2031-03-10', keyType: 'ECDSA P-256' };
  });
  letters: LetterSettings = fakeLetterSettings();
  printable: PrintLetter[] = fakePrintLetters();
  LetterSettings = () => this.rec('LetterSettings', [], () => structuredClone(this.letters));
  SaveLetterhead = (f: LetterheadForm) => this.rec('SaveLetterhead', [structuredClone(f)], () => {
    this.letters.letterhead = structuredClone(f);
    return structuredClone(this.letters);
  });
  ChooseLetterLogo = () => this.rec('ChooseLetterLogo', [], () => 'iVBORw0KGgo=');
  SaveLetterTemplate = (f: TemplateForm) => this.rec('SaveLetterTemplate', [structuredClone(f)], () => {
    this.letters.templates = this.letters.templates!.map((t) => (t.id === f.id ? { ...structuredClone(f), changed: true } : t));
    return structuredClone(this.letters);
  });
  ResetLetterTemplate = (id: string) => this.rec('ResetLetterTemplate', [id], () => {
    const shipped = fakeLetterSettings().templates!.find((t) => t.id === id)!;
    this.letters.templates = this.letters.templates!.map((t) => (t.id === id ? shipped : t));
    return structuredClone(this.letters);
  });
  SaveLetterRemedy = (f: RemedyForm) => this.rec('SaveLetterRemedy', [structuredClone(f)], () => {
    this.letters.remedies = this.letters.remedies!.map((r) => (r.caseType === f.caseType ? { ...structuredClone(f), default: false } : r));
    return structuredClone(this.letters);
  });
  ResetLetterRemedy = (caseType: string) => this.rec('ResetLetterRemedy', [caseType], () => {
    const shipped = fakeLetterSettings().remedies!.find((r) => r.caseType === caseType)!;
    this.letters.remedies = this.letters.remedies!.map((r) => (r.caseType === caseType ? shipped : r));
    return structuredClone(this.letters);
  });
  PreviewLetter = (input: LetterPreviewInput) => this.rec('PreviewLetter', [structuredClone(input)], (): LetterPreview => ({ pdf: 'JVBERi0xLjQK', pages: 2 }));
  PrintDecision = (id: string, decisionID: string) => this.rec('PrintDecision', [id, decisionID], () => undefined);
  PrintCandidates = (q: PrintQuery) => this.rec('PrintCandidates', [structuredClone(q)], () =>
    structuredClone(this.printable.filter((l) => (q.scope === 'today' ? l.signedAt.startsWith('2026-03-10') : q.scope === 'unposted' ? !l.posted : (q.caseIds ?? []).includes(l.caseId)))));
  PrintBatch = (letters: PrintLetter[]) => this.rec('PrintBatch', [structuredClone(letters)], (): PrintBatchResult => ({
    file: '/home/test/.local/share/OZG-Cloud Desktop/druck/Sammeldruck-2026-03-10-101500.pdf', letters: structuredClone(letters), pages: letters.length * 2, blank: 1, opened: true,
  }));
  ConfirmPosted = (letters: PrintLetter[]) => this.rec('ConfirmPosted', [structuredClone(letters)], (): BulkResult => {
    for (const l of letters) {
      const p = this.printable.find((x) => x.decisionId === l.decisionId);
      if (p) p.posted = '2026-03-10';
    }
    return { done: new Set(letters.map((l) => l.caseId)).size, failed: [], ask: [] };
  });
  // Sync with the OZG-Cloud: not connected until connectSync; conflicts and
  // rejected changes are set by tests (fakeConflict, fakeRejected).
  sync: SyncStatusView = {
    enrolled: false, server: '', tenant: '', online: false, syncing: false, pending: 4, rejected: 0, openConflicts: 0,
    wantedBlobs: 0, lastSync: '', lastError: '', nextTry: '', mayConnect: false, notice: '',
  };
  conflicts: ConflictView[] = [];
  rejected: RejectedView[] = [];
  private syncView() {
    const s = { ...this.sync, openConflicts: this.conflicts.length, rejected: this.rejected.length };
    return s;
  }
  SyncStatus = () => this.rec('SyncStatus', [], () => this.syncView());
  SyncNow = () => this.rec('SyncNow', [], () => {
    if (!this.sync.enrolled) throw JSON.stringify({ code: 'NOT_ALLOWED', message: 'Dieser PC ist noch nicht mit der OZG-Cloud verbunden.' });
    this.sync = { ...this.sync, pending: 0, online: true, lastSync: '2026-03-10T10:15:00+01:00', lastError: '' };
    return this.syncView();
  });
  DismissSyncNotice = () => this.rec('DismissSyncNotice', [], () => {
    this.sync = { ...this.sync, notice: '' };
    return this.syncView();
  });
  ProbeSyncServer = (server: string) => this.rec('ProbeSyncServer', [server], (): SyncProbe => {
    if (!server.trim()) throw JSON.stringify({ code: 'INVALID', message: 'Bitte prüfen Sie die Adresse des Servers.', fields: { server: 'Bitte eine Adresse wie https://ozg.example.de:8443 angeben.' } });
    // As Go: http:// only to a loopback IP written as such, "plain" once it answered.
    const plain = /^http:\/\/(127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(server.trim());
    if (server.trim().startsWith('http://') && !plain) throw JSON.stringify({ code: 'INVALID', message: fakePlainHTTP, fields: { server: fakePlainHTTP } });
    if (plain) return { server: server.trim(), fingerprint: '', plain: true };
    return { server: server.includes('://') ? server : `https://${server}`, fingerprint: fakeFingerprint, plain: false };
  });
  ChooseSyncCAFile = () => this.rec('ChooseSyncCAFile', [], (): CAChoice => ({ name: 'ozg-ca.pem' }));
  ConnectSync = (input: SyncConnectInput) => this.rec('ConnectSync', [structuredClone(input)], () => {
    if (input.code.trim() === '') throw JSON.stringify({ code: 'INVALID', message: 'Bitte geben Sie den Anmeldecode ein.', fields: { code: 'Bitte den Anmeldecode eingeben.' } });
    if (input.code === 'FALSCH') throw JSON.stringify({ code: 'INVALID', message: 'Der Anmeldecode ist unbekannt, schon benutzt oder abgelaufen. Bitte lassen Sie sich einen neuen geben.', fields: { code: 'Der Anmeldecode ist unbekannt.' } });
    this.sync = { ...this.sync, enrolled: true, server: input.server, tenant: 'musterhausen', online: true, lastSync: '2026-03-10T10:00:00+01:00' };
    return this.syncView();
  });
  SyncConflicts = (caseID: string) => this.rec('SyncConflicts', [caseID], () => structuredClone(this.conflicts.filter((c) => !caseID || c.caseId === caseID)));
  ResolveConflict = (input: ResolveConflictInput) => this.rec('ResolveConflict', [structuredClone(input)], () => {
    const c = this.conflicts.find((x) => x.id === input.id);
    if (!c) throw JSON.stringify({ code: 'NOT_FOUND', message: 'Der Vorgang oder Eintrag wurde nicht gefunden.' });
    if (input.keep === 'merged' && c.kind === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(input.value)) {
      throw JSON.stringify({ code: 'INVALID', message: 'Bitte ein Datum wählen.', fields: { value: 'Bitte ein Datum wählen.' } });
    }
    this.conflicts = this.conflicts.filter((x) => x.id !== input.id);
    return this.detail(c.caseId);
  });
  RejectedChanges = () => this.rec('RejectedChanges', [], () => structuredClone(this.rejected));
  DismissRejected = (seq: number) => this.rec('DismissRejected', [seq], () => {
    this.rejected = this.rejected.filter((r) => r.seq !== seq);
    return structuredClone(this.rejected);
  });
  orgUnits: Option[] = [];
  SyncOrgUnits = () => this.rec('SyncOrgUnits', [], () => structuredClone(this.orgUnits));
  Forward = (id: string, orgUnit: string, reason: string) => this.rec('Forward', [id, orgUnit, reason], () =>
    this.update(id, (d) => {
      this.setStatus(d, 'WEITERGELEITET');
      d.orgUnit = this.orgUnits.find((o) => o.value === orgUnit)?.label ?? orgUnit;
    }));
  on = <E extends EventName>(event: E, cb: (payload: EventPayloads[E]) => void) => {
    const cbs = this.listeners.get(event) ?? new Set();
    cbs.add(cb);
    this.listeners.set(event, cbs);
    return () => {
      cbs.delete(cb);
    };
  };
  acceptFileDrops = () => () => {};
  nativeFileDrop = () => false;
}
