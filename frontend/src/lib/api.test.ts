import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, wailsApi } from './api';
import { bindings, listResults } from './bindings';

// What Wails puts on window in the desktop window: window.go.<package>.<Service>.<Method>.
type Bridge = Record<string, Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>>>;
const win = window as unknown as { go?: Bridge };

// Every bound service (main.go) gets the same methods: each generated function looks
// only under its own service.
const services = ['Desk', 'Cases', 'Attachments', 'Letters', 'Decisions', 'Signing', 'Printing', 'Mailbox', 'Sync'];

function bridge(methods: Record<string, (...args: unknown[]) => Promise<unknown>>) {
  win.go = { app: Object.fromEntries(services.map((s) => [s, methods])) };
}

afterEach(() => {
  delete win.go;
});

describe('wailsApi', () => {
  it('offers every bound Go method under its Go name', () => {
    for (const name of Object.keys(bindings)) {
      expect(typeof (wailsApi as unknown as Record<string, unknown>)[name], name).toBe('function');
    }
    expect(Object.keys(bindings)).toContain('GetCase');
  });

  it('passes the arguments to Go and its answer back', async () => {
    const seen: unknown[][] = [];
    bridge({ Transition: async (...args) => { seen.push(args); return { id: 'case-1', status: 'ANGENOMMEN' }; } });
    const c = await wailsApi.Transition('case-1', 'annehmen', '');
    expect(seen).toEqual([['case-1', 'annehmen', '']]);
    expect(c.status).toBe('ANGENOMMEN');
  });

  it('turns a Go error into an ApiError with its German message and fields', async () => {
    bridge({ SaveMailSettings: () => Promise.reject('{"code":"INVALID","message":"Bitte prüfen Sie die Angaben.","fields":{"host":"Bitte einen Server angeben."}}') });
    const input = { host: '', port: 993, tls: 'tls', user: '', password: '', folder: 'INBOX', ca: '' };
    const err = await wailsApi.SaveMailSettings(input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'INVALID', message: 'Bitte prüfen Sie die Angaben.', fields: { host: 'Bitte einen Server angeben.' } });
  });

  it('rejects with an ApiError outside the desktop window too', async () => {
    const err = await wailsApi.Session().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
  });

  it('gives [] where Go sent a nil slice, for every method returning a list', async () => {
    const methods: Record<string, () => Promise<unknown>> = {};
    for (const name of listResults) methods[name] = async () => null;
    bridge(methods);
    expect(await wailsApi.DueFollowUps(false)).toEqual([]);
    expect(await wailsApi.SyncConflicts('')).toEqual([]);
    for (const name of listResults) {
      const call = (wailsApi as unknown as Record<string, () => Promise<unknown>>)[name];
      expect(await call(), name).toEqual([]);
    }
  });

  it('leaves other answers alone', async () => {
    bridge({ OpenAttachment: async () => null, MailFailures: async () => [{ uid: 7 }] });
    expect(await wailsApi.OpenAttachment('case-1', 'a1')).toBeNull();
    expect(await wailsApi.MailFailures()).toEqual([{ uid: 7 }]);
  });
});
