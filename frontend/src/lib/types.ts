// The shapes exchanged with the Go API, as plain JSON objects. They are the models
// Wails generates from Go (wailsjs/go/models.ts, from app/types*.go), re-exported
// here under their Go names so that components import them from one module; never
// write a copy of one (contract.test.ts fails on a copy). Dates are "YYYY-MM-DD",
// times RFC 3339.

import type { app } from '../../wailsjs/go/models';
import type { Plain } from './plain';

export type { Api } from './bindings';
export type { Plain } from './plain';

export type AbsenceInput = Plain<app.AbsenceInput>;
export type AbsenceView = Plain<app.AbsenceView>;
export type ActionView = Plain<app.ActionView>;
export type ApplicantView = Plain<app.ApplicantView>;
export type AttachmentView = Plain<app.AttachmentView>;
export type BlockForm = Plain<app.BlockForm>;
export type BulkFailed = Plain<app.BulkFailed>;
export type BulkResult = Plain<app.BulkResult>;
export type CaseDetail = Plain<app.CaseDetail>;
export type CaseRow = Plain<app.CaseRow>;
export type ClerkView = Plain<app.ClerkView>;
export type CommentView = Plain<app.CommentView>;
export type ConflictView = Plain<app.ConflictView>;
export type Counts = Plain<app.Counts>;
export type DecisionBlock = Plain<app.DecisionBlock>;
export type DecisionDraft = Plain<app.DecisionDraft>;
export type DecisionEditorState = Plain<app.DecisionEditorState>;
export type DecisionPreview = Plain<app.DecisionPreview>;
export type DecisionTemplateView = Plain<app.DecisionTemplateView>;
export type DecisionValue = Plain<app.DecisionValue>;
export type DecisionView = Plain<app.DecisionView>;
export type DueFollowUp = Plain<app.DueFollowUp>;
export type FollowUpView = Plain<app.FollowUpView>;
export type FormNode = Plain<app.FormNode>;
export type HistoryView = Plain<app.HistoryView>;
export type InvitationView = Plain<app.InvitationView>;
export type LetterPreview = Plain<app.LetterPreview>;
export type LetterPreviewInput = Plain<app.LetterPreviewInput>;
export type LetterSettings = Plain<app.LetterSettings>;
export type LetterheadForm = Plain<app.LetterheadForm>;
export type ListPage = Plain<app.ListPage>;
export type ListQuery = Plain<app.ListQuery>;
export type MailCheckView = Plain<app.MailCheckView>;
export type MailFailureView = Plain<app.MailFailureView>;
export type MailSettingsInput = Plain<app.MailSettingsInput>;
export type MailSettingsView = Plain<app.MailSettingsView>;
export type MailStatusView = Plain<app.MailStatusView>;
export type MessageView = Plain<app.MessageView>;
export type NewCaseInput = Plain<app.NewCaseInput>;
export type Option = Plain<app.Option>;
export type PlaceholderView = Plain<app.PlaceholderView>;
export type PrintBatchResult = Plain<app.PrintBatchResult>;
export type PrintLetter = Plain<app.PrintLetter>;
export type PrintQuery = Plain<app.PrintQuery>;
export type RejectedView = Plain<app.RejectedView>;
export type RemedyForm = Plain<app.RemedyForm>;
export type ResolveConflictInput = Plain<app.ResolveConflictInput>;
export type ScanStatusView = Plain<app.ScanStatusView>;
export type Session = Plain<app.Session>;
export type SignResult = Plain<app.SignResult>;
export type SignatureCheck = Plain<app.SignatureCheck>;
export type SignatureView = Plain<app.SignatureView>;
export type SigningKeyInput = Plain<app.SigningKeyInput>;
export type SigningKeyView = Plain<app.SigningKeyView>;
export type SubstitutionView = Plain<app.SubstitutionView>;
export type SyncConnectInput = Plain<app.SyncConnectInput>;
export type SyncProbe = Plain<app.SyncProbe>;
export type SyncStatusView = Plain<app.SyncStatusView>;
export type TemplateForm = Plain<app.TemplateForm>;
export type UserView = Plain<app.UserView>;
export type UsersView = Plain<app.UsersView>;
export type VerifyResult = Plain<app.VerifyResult>;

// UI-only types (no Go counterpart): the quick filters and sort keys of the case list.
export type QuickFilter = 'mine' | 'unassigned' | 'overdue' | 'followup';

export type SortKey = 'fileNumber' | 'applicant' | 'type' | 'received' | 'status' | 'assignee' | 'deadline';
