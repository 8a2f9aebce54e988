// The only module that touches the generated Wails bindings. Every call goes through
// wrap(), so a rejected promise always carries an ApiError with a German message.

import { bound } from './bindings';
import * as Runtime from '../../wailsjs/runtime/runtime';
import { parseError } from './errors';
import type { Api } from './types';

export { ApiError, parseError } from './errors';

async function wrap<T>(p: () => Promise<T>): Promise<T> {
  try {
    return await p();
  } catch (e) {
    throw parseError(e);
  }
}

// The generated bindings type their arguments as Wails model classes; our plain
// interfaces carry the same JSON fields, so the calls go through this untyped view.
// bindings.test.ts checks that the fields agree.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const go = bound as unknown as Record<string, (...args: any[]) => Promise<any>>;

function call<T>(name: string, ...args: unknown[]): Promise<T> {
  return wrap(() => {
    const fn = go[name];
    if (typeof fn !== 'function') throw new Error(`Die Funktion ${name} ist nicht verfügbar.`);
    return fn(...args) as Promise<T>;
  });
}

export const wailsApi: Api = {
  session: () => call('Session'),
  switchClerk: (clerkID) => call('SwitchClerk', clerkID),
  listCases: (q) => call('ListCases', q),
  counts: () => call('Counts'),
  getCase: (id) => call('GetCase', id),
  transition: (id, action, reason) => call('Transition', id, action, reason),
  assign: (id, clerkID) => call('Assign', id, clerkID),
  addComment: (id, text) => call('AddComment', id, text),
  addFollowUp: (id, due, reason) => call('AddFollowUp', id, due, reason),
  completeFollowUp: (id, fid) => call('CompleteFollowUp', id, fid),
  sendMessage: (id, subject, body) => call('SendMessage', id, subject, body),
  addAttachmentsFromDialog: (id) => call('AddAttachmentsFromDialog', id),
  addAttachmentFromPath: (id, path) => call('AddAttachmentFromPath', id, path),
  addAttachmentData: (id, name, mediaType, data) => call('AddAttachmentData', id, name, mediaType, data),
  openAttachment: (id, aid) => call('OpenAttachment', id, aid),
  verifyHistory: (id) => call('VerifyHistory', id),
  createCase: (input) => call('CreateCase', input),
  bulkAssign: (ids, clerkID) => call('BulkAssign', ids, clerkID),
  bulkTransition: (ids, action) => call('BulkTransition', ids, action),
  checkSignature: (id, aid) => call('CheckSignature', id, aid),
  checkSignatureFromDialog: () => call('CheckSignatureFromDialog'),
  decisionEditor: (id) => call('DecisionEditor', id),
  startDecision: (id, templateID) => call('StartDecision', id, templateID),
  updateDecisionDraft: (d) => call('UpdateDecisionDraft', d),
  discardDecisionDraft: (id) => call('DiscardDecisionDraft', id),
  signDecision: (d, secret) => call('SignDecision', d, secret),
  signingKey: () => call('SigningKey'),
  chooseSigningKeyFile: () => call('ChooseSigningKeyFile'),
  saveSigningKey: (input) => call('SaveSigningKey', input),
  testSigningKey: (secret) => call('TestSigningKey', secret),
  mailSettings: () => call('MailSettings'),
  saveMailSettings: (input) => call('SaveMailSettings', input),
  clearMailSettings: () => call('ClearMailSettings'),
  chooseMailCAFile: () => call('ChooseMailCAFile'),
  testMailConnection: (input) => call('TestMailConnection', input),
  mailStatus: () => call('MailStatus'),
  mailFailures: async () => (await call<import('./types').MailFailureView[] | null>('MailFailures')) ?? [],
  retryMail: async (uid) => (await call<import('./types').MailFailureView[] | null>('RetryMail', uid)) ?? [],
  retryAllMail: async () => (await call<import('./types').MailFailureView[] | null>('RetryAllMail')) ?? [],
  dueFollowUps: async () => (await call<import('./types').DueFollowUp[] | null>('DueFollowUps')) ?? [],
  letterSettings: () => call('LetterSettings'),
  saveLetterhead: (f) => call('SaveLetterhead', f),
  chooseLetterLogo: () => call('ChooseLetterLogo'),
  saveLetterTemplate: (f) => call('SaveLetterTemplate', f),
  resetLetterTemplate: (id) => call('ResetLetterTemplate', id),
  saveLetterRemedy: (f) => call('SaveLetterRemedy', f),
  resetLetterRemedy: (caseType) => call('ResetLetterRemedy', caseType),
  previewLetter: (input) => call('PreviewLetter', input),
  printDecision: (id, decisionID) => call('PrintDecision', id, decisionID),
  printCandidates: async (q) => (await call<import('./types').PrintLetter[] | null>('PrintCandidates', q)) ?? [],
  printBatch: (letters) => call('PrintBatch', letters),
  confirmPosted: (letters) => call('ConfirmPosted', letters),
  syncStatus: () => call('SyncStatus'),
  syncNow: () => call('SyncNow'),
  probeSyncServer: (server) => call('ProbeSyncServer', server),
  chooseSyncCAFile: () => call('ChooseSyncCAFile'),
  connectSync: (input) => call('ConnectSync', input),
  syncConflicts: async (caseID) => (await call<import('./types').ConflictView[] | null>('SyncConflicts', caseID)) ?? [],
  resolveConflict: (input) => call('ResolveConflict', input),
  rejectedChanges: async () => (await call<import('./types').RejectedView[] | null>('RejectedChanges')) ?? [],
  dismissRejected: async (seq) => (await call<import('./types').RejectedView[] | null>('DismissRejected', seq)) ?? [],
  syncOrgUnits: async () => (await call<import('./types').Option[] | null>('SyncOrgUnits')) ?? [],
  forward: (id, orgUnit, reason) => call('Forward', id, orgUnit, reason),
  on(event, cb) {
    try {
      return Runtime.EventsOn(event, (payload: unknown) => cb(payload));
    } catch {
      // outside the Wails window (plain vite dev server) there are no events
      return () => {};
    }
  },
  onFileDrop(cb) {
    try {
      Runtime.OnFileDrop((_x: number, _y: number, paths: string[]) => cb(paths), true);
      return () => Runtime.OnFileDropOff();
    } catch {
      return () => {};
    }
  },
  nativeFileDrop() {
    const w = window as unknown as { wails?: { flags?: { enableWailsDragAndDrop?: boolean } } };
    return w.wails?.flags?.enableWailsDragAndDrop === true;
  },
};
