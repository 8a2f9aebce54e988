// Checks that keep the UI's API contract in one place (run by contract.test.ts):
// duplicates() finds types in frontend/src that copy a generated Wails model, and
// diagnose() type-checks a fixture file the way svelte-check does.

import ts from 'typescript';

/** A generated model: its qualified name (app.CaseDetail) and its field names. */
export interface Model {
  qualified: string;
  name: string;
  fields: string;
}

/** models reads the classes of the generated models.ts (one namespace per Go package). */
export function models(src: string): Model[] {
  const out: Model[] = [];
  const sf = ts.createSourceFile('models.ts', src, ts.ScriptTarget.Latest);
  const walk = (n: ts.Node, ns: string) => {
    if (ts.isModuleDeclaration(n)) ns = n.name.text;
    if (ts.isClassDeclaration(n) && n.name) {
      const fields = n.members.filter(ts.isPropertyDeclaration).map((p) => p.name.getText(sf));
      out.push({ qualified: `${ns}.${n.name.text}`, name: n.name.text, fields: fieldKey(fields) });
    }
    ts.forEachChild(n, (c) => walk(c, ns));
  };
  walk(sf, '');
  return out;
}

function fieldKey(names: string[]): string {
  return [...new Set(names.map((n) => n.replace(/^['"]|['"]$/g, '')))].sort().join(',');
}

/** scripts returns the TypeScript of a file: all of a .ts file, the <script> blocks of a .svelte file. */
export function scripts(path: string, src: string): string {
  if (!path.endsWith('.svelte')) return src;
  const blocks = [...src.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  return blocks.join('\n');
}

// reexport reports whether an alias is the sanctioned re-export: type X = Plain<ns.X>.
function reexport(n: ts.TypeAliasDeclaration, sf: ts.SourceFile, model: Model): boolean {
  const t = n.type;
  if (!ts.isTypeReferenceNode(t) || t.typeName.getText(sf) !== 'Plain' || t.typeArguments?.length !== 1) return false;
  return t.typeArguments[0].getText(sf) === model.qualified;
}

function members(n: ts.Node): ts.NodeArray<ts.TypeElement | ts.ClassElement> | null {
  if (ts.isInterfaceDeclaration(n) || ts.isTypeLiteralNode(n) || ts.isClassDeclaration(n) || ts.isClassExpression(n)) {
    return n.members;
  }
  return null;
}

function fieldsOf(n: ts.Node, sf: ts.SourceFile): string[] {
  const ms = members(n) ?? [];
  const names: string[] = [];
  for (const m of ms) {
    if ((ts.isPropertySignature(m) || ts.isPropertyDeclaration(m)) && m.name) names.push(m.name.getText(sf));
  }
  return names;
}

/**
 * duplicates lists the types declared in files that copy a generated model: a type,
 * interface, class or enum with a model's name (other than `type X = Plain<ns.X>`),
 * or any object type (named or inline) whose field names are exactly a model's.
 */
export function duplicates(files: Record<string, string>, generated: Model[]): string[] {
  const byName = new Map(generated.map((m) => [m.name, m]));
  const byFields = new Map(generated.map((m) => [m.fields, m]));
  const found: string[] = [];
  for (const [path, src] of Object.entries(files)) {
    const sf = ts.createSourceFile(path, scripts(path, src), ts.ScriptTarget.Latest, true);
    const at = (n: ts.Node) => `${path}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}`;
    const walk = (n: ts.Node) => {
      const named = ts.isInterfaceDeclaration(n) || ts.isTypeAliasDeclaration(n) || ts.isClassDeclaration(n) || ts.isEnumDeclaration(n);
      if (named && n.name) {
        const m = byName.get(n.name.text);
        if (m && !(ts.isTypeAliasDeclaration(n) && reexport(n, sf, m))) {
          found.push(`${at(n)}: ${n.name.text} has the name of the generated ${m.qualified}: re-export it (type ${m.name} = Plain<${m.qualified}>)`);
        }
      }
      // type X = { ... } is reported under its name, at the alias.
      const body = ts.isTypeAliasDeclaration(n) && ts.isTypeLiteralNode(n.type) ? n.type : n;
      const fields = fieldsOf(body, sf);
      if (fields.length > 0) {
        const m = byFields.get(fieldKey(fields));
        if (m) {
          const what = named && n.name ? n.name.text : 'an object type';
          found.push(`${at(n)}: ${what} has the fields of the generated ${m.qualified}: use ${m.name} from types.ts`);
        }
      }
      if (body === n) ts.forEachChild(n, walk);
      else ts.forEachChild(body, walk);
    };
    walk(sf);
  }
  return found;
}

/** A compiler error in one file: line (1-based) and code (TS2322 is 2322). */
export interface Diagnostic {
  file: string;
  line: number;
  code: number;
  text: string;
}

/** diagnose type-checks root with the compiler options of tsconfig and returns every error. */
export function diagnose(tsconfig: string, root: string): Diagnostic[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(tsconfig, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (!parsed) throw new Error(`cannot read ${tsconfig}`);
  const program = ts.createProgram([root], parsed.options);
  return ts.getPreEmitDiagnostics(program).map((d) => ({
    file: d.file?.fileName ?? '',
    line: d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0,
    code: d.code,
    text: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
  }));
}

/** expected reads the "// expect TS1234" marks of a fixture: line (1-based) and code. */
export function expected(src: string): { line: number; code: number }[] {
  const out: { line: number; code: number }[] = [];
  src.split('\n').forEach((l, i) => {
    const m = /\/\/ expect TS(\d+)\b/.exec(l);
    if (m) out.push({ line: i + 1, code: Number(m[1]) });
  });
  return out;
}
