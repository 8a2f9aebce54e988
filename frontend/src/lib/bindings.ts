// The one place where the generated Wails bindings become the UI's API contract.
// Api is derived from them, keyed by the Go method names (api.GetCase(id)): when Go
// renames a method or changes a parameter or result, the regenerated bindings change
// Api, and every call site and the fake that no longer fit fail svelte-check.
//
// To bind another Go service: main.go lists it in Bind, `bin/wails generate module
// -tags webkit2_41` writes wailsjs/go/<package>/<Service>.js and .d.ts; import that
// module here (`import * as Cases from '../../wailsjs/go/app/Cases';`) and add it to
// `modules` ({ App, Cases }). Nothing else changes. Method names must be unique across
// services (`noClash` below names a clash), and a method whose Go result is a slice
// must be listed in `listResults` (`allListed` below names one that is missing).

import * as Desk from '../../wailsjs/go/app/Desk';
import * as Users from '../../wailsjs/go/app/Users';
import * as Substitution from '../../wailsjs/go/app/Substitution';
import * as Cases from '../../wailsjs/go/app/Cases';
import * as Attachments from '../../wailsjs/go/app/Attachments';
import * as Letters from '../../wailsjs/go/app/Letters';
import * as Decisions from '../../wailsjs/go/app/Decisions';
import * as Signing from '../../wailsjs/go/app/Signing';
import * as Printing from '../../wailsjs/go/app/Printing';
import * as Mailbox from '../../wailsjs/go/app/Mailbox';
import * as Sync from '../../wailsjs/go/app/Sync';
import type { EventName, EventPayloads } from './events';
import type { Plain } from './plain';

/** The generated binding modules, one per bound Go service (main.go binds them). */
const modules = { Desk, Users, Substitution, Cases, Attachments, Letters, Decisions, Signing, Printing, Mailbox, Sync };

type Modules = typeof modules;
type Intersect<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** Every bound Go method by name, across all services. */
export type Bindings = Intersect<Modules[keyof Modules]>;

/** bindings holds every bound Go method by name (the generated functions). */
export const bindings = Object.assign({}, ...Object.values(modules)) as Bindings;

// A method name bound by two services would be called on one of them only.
type Clash<M> = { [A in keyof M]: { [B in Exclude<keyof M, A>]: keyof M[A] & keyof M[B] }[Exclude<keyof M, A>] }[keyof M];
export const noClash: [Clash<Modules>] extends [never] ? true : { methodBoundTwice: Clash<Modules> } = true;

/** The UI's view of one Go method: plain JSON objects in and out, lists never null. */
export type ApiMethod<F> = F extends (...args: infer A) => Promise<infer R>
  ? (...args: { [I in keyof A]: NonNullable<Plain<A[I]>> }) => Promise<R extends readonly unknown[] ? NonNullable<Plain<R>> : Plain<R>>
  : never;

/** ApiOf maps generated bindings to the API the UI calls (used with fixtures in tests). */
export type ApiOf<B> = { [K in keyof B]: ApiMethod<B[K]> };

type ListMethod<B> = { [K in keyof B]: B[K] extends (...args: never) => Promise<readonly unknown[]> ? K : never }[keyof B];

/** Methods whose Go result is a slice: Go sends a nil slice as null, the UI gets []. */
export const listResults = [
  'DismissRejected', 'DueFollowUps', 'MailFailures', 'PrintCandidates', 'RejectedChanges',
  'RetryAllMail', 'RetryMail', 'SigningModules', 'SyncConflicts', 'SyncOrgUnits',
] as const satisfies readonly ListMethod<Bindings>[];

type Unlisted = Exclude<ListMethod<Bindings>, (typeof listResults)[number]>;
export const allListed: [Unlisted] extends [never] ? true : { addToListResults: Unlisted } = true;

/** What the UI needs from the window beyond Go's methods. */
export interface WindowApi {
  /** Subscribes to a backend event (events.ts); returns the unsubscribe function. */
  on<E extends EventName>(event: E, cb: (payload: EventPayloads[E]) => void): () => void;
  /**
   * Lets the desktop window take dropped files: Go receives their paths and announces
   * the drop (EventFilesDropped); the page never sees a path. Returns the undo.
   */
  acceptFileDrops(): () => void;
  /** nativeFileDrop reports whether the desktop window delivers drops to Go. */
  nativeFileDrop(): boolean;
}

/** The API the UI uses: wailsApi (api.ts) binds it to Go, fakeapi.ts to memory in tests. */
export type Api = ApiOf<Bindings> & WindowApi;
