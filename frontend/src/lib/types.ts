// Shapes exchanged with the Go API (app/types.go). Dates are "YYYY-MM-DD", times RFC 3339.

export interface Option { value: string; label: string }

export interface ClerkView { id: string; name: string; role: string; roleLabel: string }

export interface Session {
  fatal: string;
  municipality: string;
  device: string;
  dataDir: string;
  clerk: ClerkView;
  clerks: ClerkView[] | null;
  demo: boolean;
  needsSetup: boolean;
  caseTypes: Option[] | null;
  statuses: Option[] | null;
  channels: Option[] | null;
  today: string;
  maxAttachmentBytes: number;
  mayAssignOthers: boolean;
}

export type QuickFilter = 'mine' | 'unassigned' | 'overdue' | 'followup';

export type SortKey = 'fileNumber' | 'applicant' | 'type' | 'received' | 'status' | 'assignee' | 'deadline';

export interface ListQuery {
  search: string;
  statuses: string[];
  filters: string[];
  sort: string;
  desc: boolean;
  offset: number;
  limit: number;
}

export interface CaseRow {
  id: string;
  fileNumber: string;
  applicant: string;
  type: string;
  typeLabel: string;
  received: string;
  status: string;
  statusLabel: string;
  assignee: string;
  assigneeName: string;
  deadline: string;
  overdue: boolean;
  followUpDue: boolean;
}

export interface ListPage { total: number; offset: number; rows: CaseRow[] | null }

export interface Counts {
  all: number;
  mine: number;
  unassigned: number;
  overdue: number;
  followUp: number;
  byStatus: Record<string, number> | null;
  pending: number;
}

export interface ActionView { action: string; label: string; needsReason: boolean }

export interface FormNode { label: string; value: string; items: FormNode[] | null }

export interface AttachmentView {
  id: string;
  name: string;
  mediaType: string;
  size: number;
  addedAt: string;
  addedBy: string;
  url: string;
  preview: string;
}

export interface HistoryView { seq: number; at: string; by: string; summary: string }
export interface CommentView { id: string; at: string; by: string; text: string }

export interface FollowUpView {
  id: string;
  due: string;
  reason: string;
  by: string;
  done: boolean;
  doneAt: string;
  state: string;
}

export interface MessageView {
  id: string;
  direction: string;
  state: string;
  stateLabel: string;
  subject: string;
  body: string;
  at: string;
  by: string;
}

export interface DecisionView {
  id: string;
  title: string;
  createdAt: string;
  signed: boolean;
  signedAt: string;
  supersededBy: string;
  supersedes: string;
  /** Day the letter went out by post, "" when not yet (optional in fakes). */
  posted?: string;
  document: AttachmentView | null;
}

export interface ApplicantView {
  name: string;
  street: string;
  postalCode: string;
  city: string;
  email: string;
  phone: string;
  postfach: string;
}

export interface CaseDetail {
  id: string;
  revision: string;
  fileNumber: string;
  title: string;
  type: string;
  typeLabel: string;
  channel: string;
  channelLabel: string;
  received: string;
  status: string;
  statusLabel: string;
  assignee: string;
  assigneeName: string;
  orgUnit: string;
  legalDeadline: string;
  targetDeadline: string;
  overdue: boolean;
  applicant: ApplicantView;
  form: FormNode[] | null;
  representation: AttachmentView | null;
  attachments: AttachmentView[] | null;
  history: HistoryView[] | null;
  comments: CommentView[] | null;
  followUps: FollowUpView[] | null;
  messages: MessageView[] | null;
  decisions: DecisionView[] | null;
  actions: ActionView[] | null;
  mayAssignOthers: boolean;
}

export interface VerifyResult { ok: boolean; entries: number; message: string }

export interface NewCaseInput {
  type: string;
  channel: string;
  received: string;
  title: string;
  name: string;
  street: string;
  postalCode: string;
  city: string;
  email: string;
  phone: string;
  note: string;
}

export interface BulkFailed { id: string; fileNumber: string; reason: string }
export interface BulkResult { done: number; failed: BulkFailed[] | null }

export interface DueFollowUp {
  caseId: string;
  fileNumber: string;
  applicant: string;
  followUpId: string;
  due: string;
  reason: string;
  overdue: boolean;
}

/** The API the UI uses; wailsApi (api.ts) binds it to Go, fakeapi.ts to memory in tests. */
export interface SignatureView {
  valid: boolean;
  signer: string;
  organization: string;
  signingTime: string;
  keyType: string;
  wholeDocument: boolean;
  timestamped: boolean;
  problem: string;
}

export interface SignatureCheck {
  file: string;
  signatures: SignatureView[];
  summary: string;
}

// Decisions (Bescheid erstellen, Unterschreiben) and the signing key: app/types_decision.go.
export interface DecisionValue { name: string; label: string; value: string; multiline: boolean }
export interface DecisionBlock { kind: string; label: string; title: string; text: string }
export interface DecisionTemplateView { id: string; name: string; hasFee: boolean; feeRequired: boolean }

export interface DecisionDraft {
  caseId: string;
  templateId: string;
  templateName: string;
  fee: boolean;
  feeAmount: string;
  feeDue: string;
  values: DecisionValue[] | null;
  blocks: DecisionBlock[] | null;
  supersedes: string;
  supersedesTitle: string;
  updatedAt: string;
}

export interface DecisionPreview { pdf: string; pages: number; verificationCode: string; problem: string; field: string }

export interface SigningKeyView {
  kind: string;
  label: string;
  fileName: string;
  module: string;
  tokenLabel: string;
  keyLabel: string;
  tsaUrl: string;
  demo: boolean;
  demoPassword: string;
  secretLabel: string;
  subject: string;
  validUntil: string;
  keyType: string;
  mayEdit: boolean;
}

export interface SigningKeyInput { kind: string; module: string; tokenLabel: string; keyLabel: string; tsaUrl: string }

export interface DecisionEditorState {
  templates: DecisionTemplateView[] | null;
  draft: DecisionDraft;
  key: SigningKeyView;
  mayDecide: boolean;
  reason: string;
  supersedes: string;
}

export interface SignResult { case: CaseDetail; decisionId: string; verificationCode: string; timestamped: boolean; notice: string }

export interface Api {
  session(): Promise<Session>;
  switchClerk(clerkID: string): Promise<Session>;
  listCases(q: ListQuery): Promise<ListPage>;
  counts(): Promise<Counts>;
  getCase(id: string): Promise<CaseDetail>;
  transition(id: string, action: string, reason: string): Promise<CaseDetail>;
  assign(id: string, clerkID: string): Promise<CaseDetail>;
  addComment(id: string, text: string): Promise<CaseDetail>;
  addFollowUp(id: string, due: string, reason: string): Promise<CaseDetail>;
  completeFollowUp(id: string, followUpID: string): Promise<CaseDetail>;
  sendMessage(id: string, subject: string, body: string): Promise<CaseDetail>;
  addAttachmentsFromDialog(id: string): Promise<CaseDetail>;
  addAttachmentFromPath(id: string, path: string): Promise<CaseDetail>;
  addAttachmentData(id: string, name: string, mediaType: string, data: string): Promise<CaseDetail>;
  openAttachment(id: string, attachmentID: string): Promise<void>;
  verifyHistory(id: string): Promise<VerifyResult>;
  createCase(input: NewCaseInput): Promise<CaseDetail>;
  bulkAssign(ids: string[], clerkID: string): Promise<BulkResult>;
  bulkTransition(ids: string[], action: string): Promise<BulkResult>;
  dueFollowUps(): Promise<DueFollowUp[]>;
  // E-Mail-Eingang (issue 5)
  mailSettings(): Promise<MailSettingsView>;
  saveMailSettings(input: MailSettingsInput): Promise<MailSettingsView>;
  clearMailSettings(): Promise<MailSettingsView>;
  /** Asks for the CA certificate file; resolves with "" when the clerk cancelled. */
  chooseMailCAFile(): Promise<string>;
  testMailConnection(input: MailSettingsInput): Promise<MailCheckView>;
  mailStatus(): Promise<MailStatusView>;
  mailFailures(): Promise<MailFailureView[]>;
  retryMail(uid: number): Promise<MailFailureView[]>;
  retryAllMail(): Promise<MailFailureView[]>;
  checkSignature(id: string, attachmentID: string): Promise<SignatureCheck>;
  /** Asks for a PDF on disk; resolves with file "" when the clerk cancelled. */
  checkSignatureFromDialog(): Promise<SignatureCheck>;
  decisionEditor(caseID: string): Promise<DecisionEditorState>;
  startDecision(caseID: string, templateID: string): Promise<DecisionDraft>;
  /** Keeps the draft and renders it; a letter not yet possible comes back with problem set. */
  updateDecisionDraft(d: DecisionDraft): Promise<DecisionPreview>;
  discardDecisionDraft(caseID: string): Promise<void>;
  /** Signs with the office's key opened by secret (password or PIN, never stored). */
  signDecision(d: DecisionDraft, secret: string): Promise<SignResult>;
  signingKey(): Promise<SigningKeyView>;
  chooseSigningKeyFile(): Promise<SigningKeyView>;
  saveSigningKey(input: SigningKeyInput): Promise<SigningKeyView>;
  testSigningKey(secret: string): Promise<SigningKeyView>;
  /** Letter settings (administration only). */
  letterSettings(): Promise<LetterSettings>;
  saveLetterhead(f: LetterheadForm): Promise<LetterSettings>;
  /** Asks for a PNG; resolves with "" when cancelled. */
  chooseLetterLogo(): Promise<string>;
  saveLetterTemplate(f: TemplateForm): Promise<LetterSettings>;
  resetLetterTemplate(id: string): Promise<LetterSettings>;
  saveLetterRemedy(f: RemedyForm): Promise<LetterSettings>;
  resetLetterRemedy(caseType: string): Promise<LetterSettings>;
  previewLetter(input: LetterPreviewInput): Promise<LetterPreview>;
  /** Opens one signed decision in the system's PDF viewer. */
  printDecision(caseID: string, decisionID: string): Promise<void>;
  printCandidates(q: PrintQuery): Promise<PrintLetter[]>;
  printBatch(letters: PrintLetter[]): Promise<PrintBatchResult>;
  confirmPosted(letters: PrintLetter[]): Promise<BulkResult>;
  // Sync with the OZG-Cloud (issue 4)
  syncStatus(): Promise<SyncStatusView>;
  syncNow(): Promise<SyncStatusView>;
  probeSyncServer(server: string): Promise<SyncProbe>;
  /** Asks for the CA certificate file; resolves with "" when cancelled. */
  chooseSyncCAFile(): Promise<string>;
  connectSync(input: SyncConnectInput): Promise<SyncStatusView>;
  /** Open conflicts, of one case when caseID is not "". */
  syncConflicts(caseID: string): Promise<ConflictView[]>;
  resolveConflict(input: ResolveConflictInput): Promise<CaseDetail>;
  rejectedChanges(): Promise<RejectedView[]>;
  dismissRejected(seq: number): Promise<RejectedView[]>;
  syncOrgUnits(): Promise<Option[]>;
  /** Weiterleiten to one of syncOrgUnits, with a reason. */
  forward(id: string, orgUnit: string, reason: string): Promise<CaseDetail>;
  /** Subscribes to a backend event; returns the unsubscribe function. */
  on(event: string, cb: (payload: unknown) => void): () => void;
  /** Subscribes to files dropped on an element styled --wails-drop-target (desktop window: paths). */
  onFileDrop(cb: (paths: string[]) => void): () => void;
  /** nativeFileDrop reports whether the desktop window delivers drops as paths. */
  nativeFileDrop(): boolean;
}

// Letter settings and printing (app/types_letters.go).

export interface LetterheadForm {
  authority: string;
  unit: string;
  street: string;
  postalCode: string;
  city: string;
  phone: string;
  email: string;
  website: string;
  bankName: string;
  iban: string;
  bic: string;
  verifyUrl: string;
  /** PNG as base64; "" = no logo. */
  logo: string;
}

export interface BlockForm { kind: string; title: string; text: string }

export interface TemplateForm { id: string; name: string; blocks: BlockForm[] | null; changed: boolean }

export interface RemedyForm {
  caseType: string;
  caseTypeLabel: string;
  kind: string;
  body: string;
  address: string;
  period: string;
  default: boolean;
}

export interface PlaceholderView { name: string; label: string }

export interface LetterSettings {
  letterhead: LetterheadForm;
  templates: TemplateForm[] | null;
  remedies: RemedyForm[] | null;
  placeholders: PlaceholderView[] | null;
  blockKinds: Option[] | null;
  remedyKinds: Option[] | null;
  problems: string[] | null;
}

export interface LetterPreviewInput { letterhead: LetterheadForm; template: TemplateForm; remedy: RemedyForm }

export interface LetterPreview { pdf: string; pages: number }

export interface PrintQuery { scope: 'today' | 'unposted' | 'cases' | string; caseIds: string[] }

export interface PrintLetter {
  caseId: string;
  fileNumber: string;
  applicant: string;
  decisionId: string;
  title: string;
  signedAt: string;
  posted: string;
}

export interface PrintBatchResult { file: string; letters: PrintLetter[] | null; pages: number; blank: number; opened: boolean }

// E-Mail-Eingang (issue 5). The password never comes back: passwordSet says whether one is stored.
export interface MailSettingsView {
  configured: boolean;
  host: string;
  port: number;
  tls: string;
  user: string;
  passwordSet: boolean;
  folder: string;
  caFile: string;
  tlsModes: Option[] | null;
}

/** password "" keeps the stored one; caFile "" means the system's certificates. */
export interface MailSettingsInput {
  host: string;
  port: number;
  tls: string;
  user: string;
  password: string;
  folder: string;
  caFile: string;
}

export interface MailCheckView {
  ok: boolean;
  summary: string;
  passed: string[] | null;
  warnings: string[] | null;
  problem: string;
}

export interface MailStatusView {
  configured: boolean;
  state: 'off' | 'starting' | 'ok' | 'error' | string;
  lastCheck: string;
  importedToday: number;
  failed: number;
  errors: number;
  lastError: string;
  lastErrorAt: string;
}

export interface MailFailureView {
  uid: number;
  folder: string;
  reason: string;
  since: string;
  lastTry: string;
  attempts: number;
  retrying: boolean;
}

// Sync with the OZG-Cloud (app/types_sync.go).

export interface SyncStatusView {
  enrolled: boolean;
  server: string;
  tenant: string;
  online: boolean;
  syncing: boolean;
  pending: number;
  rejected: number;
  openConflicts: number;
  wantedBlobs: number;
  lastSync: string;
  lastError: string;
  nextTry: string;
  mayConnect: boolean;
}

export interface SyncProbe {
  server: string;
  /** "AB:CD:…"; "" for a plain-HTTP test server on this PC. */
  fingerprint: string;
}

export interface SyncConnectInput {
  server: string;
  code: string;
  fingerprint: string;
  caFile: string;
}

export interface ConflictView {
  id: string;
  caseId: string;
  fileNumber: string;
  applicant: string;
  field: string;
  fieldLabel: string;
  /** How a merged value is written: "date", "status" or "assignee" (pick one). */
  kind: string;
  serverValue: string;
  clientValue: string;
  serverRaw: string;
  clientRaw: string;
  serverAuthor: string;
  clientAuthor: string;
  serverAt: string;
  clientAt: string;
  receivedAt: string;
  open: boolean;
  resolvedAt: string;
  resolvedBy: string;
  resolution: string;
}

export interface ResolveConflictInput {
  id: string;
  /** "server", "client" or "merged" (with value). */
  keep: string;
  value: string;
}

export interface RejectedView {
  seq: number;
  caseId: string;
  fileNumber: string;
  applicant: string;
  kind: string;
  what: string;
  by: string;
  at: string;
  reason: string;
  rejectedAt: string;
}
