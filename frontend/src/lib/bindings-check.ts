// Compile-time check (svelte-check / tsc) that types.ts still matches the generated
// Wails models: a field added or renamed in Go makes this file fail to type-check.
import type { app } from '../../wailsjs/go/models';
import type { Bound } from './bindings';
import type * as T from './types';

type Drift<A, B> = Exclude<keyof A, keyof B | 'convertValues'> | Exclude<keyof B, keyof A>;
type Same<A, B> = [Drift<A, B>] extends [never] ? true : Drift<A, B>;

export const bindingsMatch: [
  Same<app.Session, T.Session>, Same<app.ClerkView, T.ClerkView>, Same<app.Option, T.Option>,
  Same<app.ListQuery, T.ListQuery>, Same<app.ListPage, T.ListPage>, Same<app.CaseRow, T.CaseRow>,
  Same<app.Counts, T.Counts>, Same<app.CaseDetail, T.CaseDetail>, Same<app.ActionView, T.ActionView>,
  Same<app.FormNode, T.FormNode>, Same<app.AttachmentView, T.AttachmentView>,
  Same<app.HistoryView, T.HistoryView>, Same<app.CommentView, T.CommentView>,
  Same<app.FollowUpView, T.FollowUpView>, Same<app.MessageView, T.MessageView>,
  Same<app.DecisionView, T.DecisionView>, Same<app.ApplicantView, T.ApplicantView>,
  Same<app.VerifyResult, T.VerifyResult>, Same<app.NewCaseInput, T.NewCaseInput>,
  Same<app.BulkResult, T.BulkResult>, Same<app.BulkFailed, T.BulkFailed>,
  Same<app.DueFollowUp, T.DueFollowUp>, Same<app.SignatureCheck, T.SignatureCheck>,
  Same<app.SignatureView, T.SignatureView>,
] = [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true];

export const decisionBindingsMatch: [
  Same<app.DecisionValue, T.DecisionValue>, Same<app.DecisionBlock, T.DecisionBlock>,
  Same<app.DecisionTemplateView, T.DecisionTemplateView>, Same<app.DecisionDraft, T.DecisionDraft>,
  Same<app.DecisionPreview, T.DecisionPreview>, Same<app.SigningKeyView, T.SigningKeyView>,
  Same<app.SigningKeyInput, T.SigningKeyInput>, Same<app.DecisionEditorState, T.DecisionEditorState>,
  Same<app.SignResult, T.SignResult>,
] = [true, true, true, true, true, true, true, true, true];

// Every Go method the UI calls must exist in the bindings.
type Called =
  | 'Session' | 'SwitchClerk' | 'ListCases' | 'Counts' | 'GetCase' | 'Transition' | 'Assign'
  | 'AddComment' | 'AddFollowUp' | 'CompleteFollowUp' | 'SendMessage' | 'AddAttachmentsFromDialog'
  | 'AddAttachmentFromPath' | 'AddAttachmentData' | 'OpenAttachment' | 'VerifyHistory'
  | 'CreateCase' | 'BulkAssign' | 'BulkTransition' | 'DueFollowUps' | 'CheckSignature'
  | 'CheckSignatureFromDialog' | 'DecisionEditor' | 'StartDecision' | 'UpdateDecisionDraft'
  | 'DiscardDecisionDraft' | 'SignDecision' | 'SigningKey' | 'ChooseSigningKeyFile' | 'SaveSigningKey'
  | 'TestSigningKey';
export const methodsExist: [Exclude<Called, keyof Bound>] extends [never] ? true : false = true;

export const letterBindingsMatch: [
  Same<app.LetterheadForm, T.LetterheadForm>, Same<app.BlockForm, T.BlockForm>,
  Same<app.TemplateForm, T.TemplateForm>, Same<app.RemedyForm, T.RemedyForm>,
  Same<app.PlaceholderView, T.PlaceholderView>, Same<app.LetterSettings, T.LetterSettings>,
  Same<app.LetterPreviewInput, T.LetterPreviewInput>, Same<app.LetterPreview, T.LetterPreview>,
  Same<app.PrintQuery, T.PrintQuery>, Same<app.PrintLetter, T.PrintLetter>,
  Same<app.PrintBatchResult, T.PrintBatchResult>,
] = [true, true, true, true, true, true, true, true, true, true, true];

type CalledLetters =
  | 'LetterSettings' | 'SaveLetterhead' | 'ChooseLetterLogo' | 'SaveLetterTemplate' | 'ResetLetterTemplate'
  | 'SaveLetterRemedy' | 'ResetLetterRemedy' | 'PreviewLetter' | 'PrintDecision' | 'PrintCandidates'
  | 'PrintBatch' | 'ConfirmPosted';
export const letterMethodsExist: [Exclude<CalledLetters, keyof Bound>] extends [never] ? true : false = true;

// E-Mail-Eingang (issue 5), kept apart from the lists above so helpers do not collide.
export const mailBindingsMatch: [
  Same<app.MailSettingsView, T.MailSettingsView>, Same<app.MailSettingsInput, T.MailSettingsInput>,
  Same<app.MailCheckView, T.MailCheckView>, Same<app.MailStatusView, T.MailStatusView>,
  Same<app.MailFailureView, T.MailFailureView>,
] = [true, true, true, true, true];
type MailCalled =
  | 'MailSettings' | 'SaveMailSettings' | 'ClearMailSettings' | 'ChooseMailCAFile' | 'TestMailConnection'
  | 'MailStatus' | 'MailFailures' | 'RetryMail' | 'RetryAllMail';
export const mailMethodsExist: [Exclude<MailCalled, keyof Bound>] extends [never] ? true : false = true;

// Sync with the OZG-Cloud (issue 4).
export const syncBindingsMatch: [
  Same<app.SyncStatusView, T.SyncStatusView>, Same<app.SyncProbe, T.SyncProbe>,
  Same<app.SyncConnectInput, T.SyncConnectInput>, Same<app.ConflictView, T.ConflictView>,
  Same<app.ResolveConflictInput, T.ResolveConflictInput>, Same<app.RejectedView, T.RejectedView>,
] = [true, true, true, true, true, true];
type SyncCalled =
  | 'SyncStatus' | 'SyncNow' | 'ProbeSyncServer' | 'ChooseSyncCAFile' | 'ConnectSync' | 'SyncConflicts'
  | 'ResolveConflict' | 'RejectedChanges' | 'DismissRejected' | 'SyncOrgUnits' | 'Forward';
export const syncMethodsExist: [Exclude<SyncCalled, keyof Bound>] extends [never] ? true : false = true;
