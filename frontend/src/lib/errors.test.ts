import { describe, expect, it } from 'vitest';
import { ApiError, parseError } from './errors';

describe('parseError', () => {
  it('reads the JSON of app.Error from a rejected string', () => {
    const e = parseError('{"code":"INVALID","message":"Bitte prüfen Sie die Eingaben.","fields":{"name":"Name fehlt."}}');
    expect(e).toBeInstanceOf(ApiError);
    expect(e.code).toBe('INVALID');
    expect(e.message).toBe('Bitte prüfen Sie die Eingaben.');
    expect(e.fields).toEqual({ name: 'Name fehlt.' });
  });

  it('reads the JSON from an Error message', () => {
    const e = parseError(new Error('{"code":"NOT_ALLOWED","message":"Nicht erlaubt."}'));
    expect(e.code).toBe('NOT_ALLOWED');
    expect(e.message).toBe('Nicht erlaubt.');
    expect(e.fields).toEqual({});
  });

  it('accepts an already parsed object', () => {
    const e = parseError({ code: 'TOO_LARGE', message: 'Datei zu groß.' });
    expect(e.code).toBe('TOO_LARGE');
  });

  it('keeps a plain text error as the message', () => {
    const e = parseError('no such method');
    expect(e.code).toBe('UNKNOWN');
    expect(e.message).toBe('no such method');
  });

  it('survives broken JSON and junk', () => {
    expect(parseError('{"code":').message).toBe('{"code":');
    expect(parseError(undefined).message).toMatch(/fehlgeschlagen/);
    expect(parseError({ foo: 1 }).code).toBe('UNKNOWN');
  });

  it('ignores non-string field values', () => {
    const e = parseError('{"code":"INVALID","message":"x","fields":{"a":"b","n":3}}');
    expect(e.fields).toEqual({ a: 'b' });
  });

  it('returns an ApiError unchanged', () => {
    const a = new ApiError('STORE', 'Nichts gespeichert.');
    expect(parseError(a)).toBe(a);
  });
});
