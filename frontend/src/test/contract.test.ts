// @vitest-environment node
// The UI's API contract has one source, the generated Wails bindings: no type in
// frontend/src copies a generated model, and the Api derived from the bindings is
// strict enough that a changed Go signature fails type-checking (fixtures/contract).

import { describe, expect, it } from 'vitest';
import generatedSrc from '../../wailsjs/go/models.ts?raw';
import mismatchSrc from '../../fixtures/contract/api-mismatch.ts?raw';
import duplicatesSrc from '../../fixtures/contract/duplicates.ts?raw';
import { diagnose, duplicates, expected, models } from './contract';

const generated = models(generatedSrc);

// Every TypeScript and Svelte file of the UI, tests included.
const sources = import.meta.glob<string>(['/src/**/*.ts', '/src/**/*.svelte'], { query: '?raw', import: 'default', eager: true });

const path = (rel: string) => decodeURIComponent(new URL(rel, import.meta.url).pathname);

describe('one API contract', () => {
  it('reads the generated models', () => {
    const detail = generated.find((m) => m.qualified === 'app.CaseDetail');
    expect(detail?.fields.split(',')).toContain('fileNumber');
    expect(generated.length).toBeGreaterThan(40);
  });

  it('finds no copy of a generated type in frontend/src', () => {
    expect(Object.keys(sources)).toContain('/src/lib/types.ts');
    expect(Object.keys(sources)).toContain('/src/App.svelte');
    expect(duplicates(sources, generated)).toEqual([]);
  });

  it('finds every kind of copy in the fixture', () => {
    const marked = duplicatesSrc.split('\n').flatMap((l, i) => (l.includes('// dup:') ? [i + 1] : []));
    const found = duplicates({ 'duplicates.ts': duplicatesSrc }, generated);
    expect(found.map((f) => Number(f.split(':')[1]))).toEqual(marked);
    expect(found[0]).toContain('CaseRow has the name of the generated app.CaseRow');
    expect(found[2]).toContain('Choice has the fields of the generated app.Option');
  });

  it('reads the script of a Svelte component', () => {
    const svelte = '<script lang="ts">\n  interface Probe { server: string; fingerprint: string; plain: boolean }\n</script>\n<p>{1}</p>\n';
    expect(duplicates({ 'X.svelte': svelte }, generated)).toEqual([
      'X.svelte:2: Probe has the fields of the generated app.SyncProbe: use SyncProbe from types.ts',
    ]);
  });

  it('fails type-checking where Go and the UI disagree, and only there', () => {
    const fixture = path('../../fixtures/contract/api-mismatch.ts');
    const got = diagnose(path('../../tsconfig.json'), fixture);
    const want = expected(mismatchSrc);
    expect(want.length).toBeGreaterThanOrEqual(8);
    expect(got.filter((d) => d.file !== fixture)).toEqual([]);
    expect(got.map(({ line, code }) => ({ line, code }))).toEqual(want);
  });
});
