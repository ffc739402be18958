/**
 * Dead-export check: lists every exported declaration in src/** that nothing in src/ or bin/ uses —
 * not another file, and not its own (code kept alive only by its export, or only by tests). Front doors (index.ts) and re-exports are not declarations, and an `export *` or
 * `export { x } from` is not a use; a name reached through a front door counts as a use of the
 * declaration it resolves to. A name used only by tests is reported as such.
 *
 * Names listed in scripts/public-api.txt (one a line, `#` starts a comment) are public library API
 * on purpose and are not reported. Exits 1 when anything else is dead.
 *
 *   node --import tsx scripts/dead-exports.ts [--verbose]
 *
 * An export whose own file uses it (a type in an exported signature, a constant of the module) is
 * library surface reached through the front doors, not dead code; --verbose lists those too, and
 * the allowlisted names.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { BUNDLE_ENTRIES } from './bundle-cli.js';

const started = performance.now();
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'src') + sep;
const TEST = join(ROOT, 'test') + sep;
const BIN = join(ROOT, 'bin');
const verbose = process.argv.includes('--verbose');

const rel = (file: string): string => relative(ROOT, file).split(sep).join('/');
const isSrc = (file: string): boolean => resolve(file).startsWith(SRC);
const isTest = (file: string): boolean => resolve(file).startsWith(TEST);
const isFrontDoor = (file: string): boolean => file.endsWith(`${sep}index.ts`) || file.endsWith('/index.ts');

function loadProgram(): ts.Program {
  const configPath = join(ROOT, 'tsconfig.json');
  const read = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, ROOT, { noEmit: true }, configPath);
  // Declarations from node_modules (SDKs, vega-lite, @types/node) cannot hold a src export and only
  // cost time, so they load as empty files; the standard library (typescript/lib) loads as usual.
  const host = ts.createCompilerHost(parsed.options, true);
  const getSourceFile = host.getSourceFile.bind(host);
  const libDir = dirname(ts.getDefaultLibFilePath(parsed.options));
  host.getSourceFile = (fileName, languageVersion, ...rest) =>
    fileName.includes('/node_modules/') && !fileName.startsWith(libDir) ? ts.createSourceFile(fileName, '', languageVersion) : getSourceFile(fileName, languageVersion, ...rest);
  return ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, host });
}

function readAllowlist(): Set<string> {
  const path = join(ROOT, 'scripts', 'public-api.txt');
  if (!existsSync(path)) return new Set();
  const names = readFileSync(path, 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line !== '');
  return new Set(names);
}

interface Target {
  readonly file: string;
  readonly name: string;
  usedInSrc: boolean;
  usedInTests: boolean;
  usedInOwnFile: boolean;
}

const program = loadProgram();
const checker = program.getTypeChecker();

function resolveAlias(symbol: ts.Symbol): ts.Symbol {
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

// 1. Every declaration exported from a non-front-door src module, keyed by its resolved symbol.
const targets = new Map<ts.Symbol, Target>();
const srcFiles = program.getSourceFiles().filter((sf) => !sf.isDeclarationFile && isSrc(sf.fileName));
for (const sf of srcFiles) {
  if (isFrontDoor(sf.fileName)) continue;
  const moduleSymbol = checker.getSymbolAtLocation(sf);
  if (!moduleSymbol) continue;
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol = resolveAlias(exported);
    // A re-export (`export *`, `export { x } from`): the declaration lives, and is judged, elsewhere.
    if (!(symbol.declarations ?? []).some((d) => d.getSourceFile() === sf)) continue;
    if (!targets.has(symbol)) targets.set(symbol, { file: sf.fileName, name: exported.getName(), usedInSrc: false, usedInTests: false, usedInOwnFile: false });
  }
}

function markUse(symbol: ts.Symbol | undefined, fromFile: string, at?: ts.Identifier): void {
  if (!symbol) return;
  const resolved = resolveAlias(symbol);
  const target = targets.get(resolved);
  if (!target) return;
  if (at && (resolved.declarations ?? []).some((d) => ts.getNameOfDeclaration(d) === at)) return; // the declaration's own name
  if (resolve(target.file) === resolve(fromFile)) {
    target.usedInOwnFile = true;
    return;
  }
  if (isTest(fromFile)) target.usedInTests = true;
  else if (isSrc(fromFile) || fromFile.startsWith(BIN)) target.usedInSrc = true;
}

/** Is this identifier only naming the binding in an import or export clause (not a use)? */
function inImportOrExportClause(node: ts.Identifier): boolean {
  const parent = node.parent;
  return ts.isImportSpecifier(parent) || ts.isImportClause(parent) || ts.isNamespaceImport(parent) || ts.isExportSpecifier(parent) || ts.isImportEqualsDeclaration(parent);
}

// 2. Every reference in src/ and test/ (type positions included) that resolves to a target. Only
// identifiers spelled like an export are resolved, which keeps the checker's work small.
const targetNames = new Set([...targets.values()].map((t) => t.name));
for (const sf of program.getSourceFiles()) {
  if (sf.isDeclarationFile || !(isSrc(sf.fileName) || isTest(sf.fileName))) continue;
  // Renamed imports (`import { x as y }`): `y` spells the use.
  for (const statement of sf.statements) {
    const bindings = ts.isImportDeclaration(statement) ? statement.importClause?.namedBindings : undefined;
    if (bindings && ts.isNamedImports(bindings)) for (const e of bindings.elements) if (e.propertyName && targetNames.has(e.propertyName.text)) targetNames.add(e.name.text);
  }
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && targetNames.has(node.text) && !inImportOrExportClause(node)) {
      markUse(checker.getSymbolAtLocation(node), sf.fileName, node);
      if (ts.isShorthandPropertyAssignment(node.parent)) markUse(checker.getShorthandAssignmentValueSymbol(node.parent), sf.fileName);
      // `const { name } = await import('…')`: the binding names a property of the module object.
      if (ts.isBindingElement(node.parent) && ts.isObjectBindingPattern(node.parent.parent) && (node.parent.propertyName ?? node.parent.name) === node) {
        const property = checker.getTypeAtLocation(node.parent.parent).getProperty(node.text);
        markUse(property, sf.fileName);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}

// 3. bin/ launchers are plain JS importing the build (`../dist/x.js`, or the bundle's `../dist/bundle/<entry>.js`); map them back onto src/x.ts.
for (const name of existsSync(BIN) ? readdirSync(BIN) : []) {
  const binFile = join(BIN, name);
  const text = readFileSync(binFile, 'utf8');
  const sf = ts.createSourceFile(binFile, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  for (const statement of sf.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const match = /(?:^|\/)dist\/(.+)\.js$/.exec(statement.moduleSpecifier.text);
    if (!match) continue;
    const bundled = /^bundle\/(.+)$/.exec(match[1] as string);
    const module = bundled ? BUNDLE_ENTRIES[bundled[1] as string] : match[1];
    const srcModule = module && program.getSourceFile(join(ROOT, 'src', `${module}.ts`));
    const moduleSymbol = srcModule && checker.getSymbolAtLocation(srcModule);
    if (!moduleSymbol) continue;
    const exports = new Map(checker.getExportsOfModule(moduleSymbol).map((s) => [s.getName(), s] as const));
    const bindings = statement.importClause?.namedBindings;
    if (bindings && ts.isNamedImports(bindings)) {
      for (const element of bindings.elements) markUse(exports.get((element.propertyName ?? element.name).text), binFile);
    } else if (bindings && ts.isNamespaceImport(bindings)) {
      for (const symbol of exports.values()) markUse(symbol, binFile);
    }
  }
}

// 4. Report.
const allow = readAllowlist();
const unused = [...targets.values()].filter((t) => !t.usedInSrc && (verbose || !t.usedInOwnFile)).sort((x, y) => (x.file === y.file ? x.name.localeCompare(y.name) : x.file < y.file ? -1 : 1));
const reported = unused.filter((t) => !allow.has(t.name));
const dead = reported.filter((t) => !t.usedInOwnFile);
const allowed = unused.filter((t) => allow.has(t.name));
// --verbose says whether the declaration's own file uses it (only the `export` is dead) or nothing does.
const ownFile = (t: Target): string => (verbose ? (t.usedInOwnFile ? '; its own file uses it' : '; not used in its own file either') : '');
for (const t of reported) console.log(`${rel(t.file)}: ${t.name} (${t.usedInTests ? 'used only in tests' : 'unused'}${ownFile(t)})`);
if (verbose) for (const t of allowed) console.log(`${rel(t.file)}: ${t.name} (public API, allowlisted)`);
const stale = [...allow].filter((name) => ![...targets.values()].some((t) => t.name === name));
for (const name of stale) console.log(`scripts/public-api.txt: ${name} (allowlisted but not an exported declaration in src)`);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.error(
  `dead-exports: ${targets.size} exported declarations in ${srcFiles.length} src files; ${dead.length} dead (${dead.filter((t) => t.usedInTests).length} kept alive only by tests), ${allowed.length} allowlisted; ${seconds} s`,
);
process.exitCode = dead.length > 0 || stale.length > 0 ? 1 : 0;
