// The bound Go services (app.Desk, app.Cases ...; see main.go), composed into one flat
// object: method names are unique across the services (a Go test in app checks it).
// This is the only place that lists the generated service modules.
import * as Desk from '../../wailsjs/go/app/Desk';
import * as Cases from '../../wailsjs/go/app/Cases';
import * as Attachments from '../../wailsjs/go/app/Attachments';
import * as Letters from '../../wailsjs/go/app/Letters';
import * as Decisions from '../../wailsjs/go/app/Decisions';
import * as Signing from '../../wailsjs/go/app/Signing';
import * as Printing from '../../wailsjs/go/app/Printing';
import * as Mailbox from '../../wailsjs/go/app/Mailbox';
import * as Sync from '../../wailsjs/go/app/Sync';

export const bound = { ...Desk, ...Cases, ...Attachments, ...Letters, ...Decisions, ...Signing, ...Printing, ...Mailbox, ...Sync };

export type Bound = typeof bound;
