import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { ERROR_CODES } from '../../../src/common/domain-errors';
import { CATALOGUES, chooseLanguage, errorKeyOf, formatDateTime, translate } from './language';
import { en } from './messages-en';
import { es } from './messages-es';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogues', () => {
  it('have the same keys in Spanish and English', () => {
    expect(Object.keys(es).sort()).toEqual(Object.keys(en).sort());
  });

  it('have a non-empty text for every key, with the same placeholders in both languages', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect({ key, en: en[key].trim().length > 0, es: es[key].trim().length > 0 }).toEqual({
        key,
        en: true,
        es: true,
      });
      expect({ key, placeholders: placeholders(es[key]) }).toEqual({
        key,
        placeholders: placeholders(en[key]),
      });
    }
  });

  it('have words for every refusal code the API can send (SPEC section 4)', () => {
    for (const code of Object.keys(ERROR_CODES)) expect(errorKeyOf(code)).toBe(`error.${code}`);
    expect(errorKeyOf('SOMETHING_NEW')).toBeUndefined();
  });

  it('are the only place of the interface’s words: no component writes text of its own', () => {
    // Parsed, not grepped: JSX text with a letter in it, or a literal label, title or
    // placeholder attribute, is a text that no catalogue translates.
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory()
          ? files(join(dir, entry.name))
          : entry.name.endsWith('.tsx')
            ? [join(dir, entry.name)]
            : [],
      );
    const worded = /\p{L}/u;
    const textAttributes = new Set([
      'aria-label',
      'title',
      'placeholder',
      'alt',
      'aria-description',
    ]);
    const offenders: string[] = [];
    for (const file of files(join(__dirname, '..'))) {
      const source = ts.createSourceFile(
        file,
        readFileSync(file, 'utf8'),
        ts.ScriptTarget.Latest,
        true,
        ts.ScriptKind.TSX,
      );
      const visit = (node: ts.Node) => {
        if (ts.isJsxText(node) && worded.test(node.text))
          offenders.push(`${file}: ${node.text.trim()}`);
        if (
          ts.isJsxAttribute(node) &&
          textAttributes.has(node.name.getText(source)) &&
          node.initializer &&
          ts.isStringLiteral(node.initializer)
        )
          offenders.push(`${file}: ${node.name.getText(source)}="${node.initializer.text}"`);
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(offenders).toEqual([]);
  });
});

describe('language choice', () => {
  it('takes the saved choice first, then the browser’s first known language, else English', () => {
    expect(chooseLanguage('es', ['en-GB'])).toBe('es');
    expect(chooseLanguage(null, ['fr-FR', 'es-ES', 'en'])).toBe('es');
    expect(chooseLanguage(null, ['en-US', 'es'])).toBe('en');
    expect(chooseLanguage('de', ['fr'])).toBe('en');
    expect(chooseLanguage(null, [])).toBe('en');
  });

  it('fills placeholders and leaves an unknown one visible', () => {
    expect(translate('en', 'app.signedInAs', { username: 'ana', roles: 'pharmacist' })).toBe(
      'Signed in as ana (pharmacist)',
    );
    expect(translate('es', 'app.signedInAs', { username: 'ana' })).toContain('{roles}');
    expect(Object.keys(CATALOGUES)).toEqual(['en', 'es']);
  });
});

describe('dates', () => {
  it('are shown in the trial’s time zone, the language’s way, with the zone named', () => {
    // 23:30 UTC on New Year's Eve is already 1 January in Madrid.
    const iso = '2026-12-31T23:30:00.000Z';
    const english = formatDateTime('en', 'Europe/Madrid', iso);
    const spanish = formatDateTime('es', 'Europe/Madrid', iso);
    expect(english).toMatch(/1 Jan 2027/);
    expect(english).toMatch(/00:30/);
    expect(spanish).toMatch(/1 ene 2027/);
    expect(spanish).toMatch(/0:30/);
    expect(english).toMatch(/CET|GMT\+1/);
    expect(formatDateTime('en', 'Europe/Madrid', null)).toBe('—');
  });
});
