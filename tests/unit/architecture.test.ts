import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { BUILTIN_ENGINES } from '../../core/engines/registry';
import { importCycles, importEdges, sourceFiles } from '../helpers/import-graph';
import { REPO_ROOT } from '../helpers/paths';

/**
 * The house rules of issue 17, checked on the source itself: an engine is a
 * folder that declares itself, and the shared layers never name it.
 */
const SHIPPED = ['core', 'electron', 'renderer/src', 'bin', 'scripts', 'bench'];
const files = sourceFiles(REPO_ROOT, SHIPPED);
const edges = importEdges(REPO_ROOT, files);
const ENGINE_IDS = [...BUILTIN_ENGINES.map((engine) => engine.id), 'demo'];
const engineFolderOf = (file: string) => /^core\/engines\/([^/]+)\//.exec(file)?.[1];

describe('architecture (issue 17)', () => {
  it('has no import cycles, counting type-only imports', () => {
    expect(importCycles(edges)).toEqual([]);
  });

  it('reaches into an engine folder only through its index.ts', () => {
    const deep = edges
      .filter((edge) => {
        const target = engineFolderOf(edge.to);
        return target !== undefined && engineFolderOf(edge.from) !== target && !edge.to.endsWith(`/${target}/index.ts`);
      })
      .map((edge) => `${edge.from} → ${edge.to}`);
    expect(deep).toEqual([]);
  });

  it('compares no string with an engine id outside that engine folder', () => {
    const found: string[] = [];
    for (const file of files) {
      const text = readFileSync(join(REPO_ROOT, file), 'utf8');
      const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
      const own = engineFolderOf(file);
      const isForeignId = (node: ts.Node) => ts.isStringLiteralLike(node) && ENGINE_IDS.includes(node.text) && node.text !== own;
      const visit = (node: ts.Node) => {
        const compared =
          (ts.isBinaryExpression(node) && COMPARISONS.has(node.operatorToken.kind) && (isForeignId(node.left) || isForeignId(node.right))) ||
          (ts.isCaseClause(node) && isForeignId(node.expression));
        if (compared) found.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1} ${node.getText().slice(0, 80)}`);
        // A set or list of engine ids is a comparison waiting to happen (`IMPORT_ENGINES.has(run.engine)`).
        if (ts.isArrayLiteralExpression(node) && node.elements.some(isForeignId) && !file.startsWith('scripts/demo/')) {
          found.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1} ${node.getText().slice(0, 80)}`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(found).toEqual([]);
  });
});

const COMPARISONS = new Set([ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken]);
