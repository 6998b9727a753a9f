import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import {
  canBeUnblinded,
  limbLines,
  PASSWORD_MAX_LENGTH,
  REASON_MAX_LENGTH,
  REASON_MIN_LENGTH,
  reasonLength,
  unblindingProblems,
  type UnblindingForm,
} from './unblinding';

/** The numbers in `@MinLength(n)` / `@MaxLength(n)` on a property of a DTO class, read from its source. */
function lengthBounds(file: string, className: string, property: string) {
  const source = ts.createSourceFile(
    file,
    readFileSync(file, 'utf8'),
    ts.ScriptTarget.Latest,
    true,
  );
  const bounds: Record<string, number> = {};
  source.forEachChild((node) => {
    if (!ts.isClassDeclaration(node) || node.name?.text !== className) return;
    for (const member of node.members) {
      if (!ts.isPropertyDeclaration(member) || member.name.getText(source) !== property) continue;
      for (const decorator of ts.getDecorators(member) ?? []) {
        const call = decorator.expression;
        if (!ts.isCallExpression(call)) continue;
        const name = call.expression.getText(source);
        const first = call.arguments[0];
        if ((name === 'MinLength' || name === 'MaxLength') && first && ts.isNumericLiteral(first))
          bounds[name] = Number(first.text);
      }
    }
  });
  return bounds;
}

const DTO = join(__dirname, '../../../src/unblinding/dto/unblinding.dto.ts');

const valid: UnblindingForm = {
  participantId: 'ELA-001',
  typedAgain: 'ELA-001',
  reason: 'Serious adverse event, treating physician asks',
  password: 'the-password',
};

describe('emergency unblinding form', () => {
  it('bounds the reason and the password as the API’s UnblindingRequestDto does', () => {
    expect(lengthBounds(DTO, 'UnblindingRequestDto', 'reason')).toEqual({
      MinLength: REASON_MIN_LENGTH,
      MaxLength: REASON_MAX_LENGTH,
    });
    expect(lengthBounds(DTO, 'UnblindingRequestDto', 'password').MaxLength).toBe(
      PASSWORD_MAX_LENGTH,
    );
  });

  it('lets a complete form go', () => {
    expect(unblindingProblems(valid)).toEqual([]);
  });

  it('wants a chosen participant, typed again exactly', () => {
    expect(unblindingProblems({ ...valid, participantId: '', typedAgain: '' })).toEqual([
      'noParticipant',
    ]);
    expect(unblindingProblems({ ...valid, typedAgain: 'ELA-002' })).toEqual(['idMismatch']);
    expect(unblindingProblems({ ...valid, typedAgain: 'ela-001' })).toEqual(['idMismatch']);
    expect(unblindingProblems({ ...valid, typedAgain: '' })).toEqual(['idMismatch']);
    // Blanks pasted around the id are not a different id.
    expect(unblindingProblems({ ...valid, typedAgain: ' ELA-001 ' })).toEqual([]);
  });

  it('wants a reason of at least the API’s minimum, not counting blanks at the ends', () => {
    expect(unblindingProblems({ ...valid, reason: 'x'.repeat(REASON_MIN_LENGTH) })).toEqual([]);
    expect(unblindingProblems({ ...valid, reason: 'x'.repeat(REASON_MIN_LENGTH - 1) })).toEqual([
      'reasonTooShort',
    ]);
    expect(unblindingProblems({ ...valid, reason: `  ${'x'.repeat(9)}      ` })).toEqual([
      'reasonTooShort',
    ]);
    expect(unblindingProblems({ ...valid, reason: ' '.repeat(40) })).toEqual(['reasonTooShort']);
    expect(unblindingProblems({ ...valid, reason: 'x'.repeat(REASON_MAX_LENGTH + 1) })).toEqual([
      'reasonTooLong',
    ]);
  });

  it('counts a reason’s characters, not its UTF-16 units', () => {
    expect(reasonLength('ñandú')).toBe(5);
    expect(reasonLength('🩺🩺🩺🩺🩺')).toBe(5);
    expect(unblindingProblems({ ...valid, reason: '🩺'.repeat(9) })).toEqual(['reasonTooShort']);
  });

  it('wants the password, the electronic signature', () => {
    expect(unblindingProblems({ ...valid, password: '' })).toEqual(['noPassword']);
    expect(unblindingProblems({ ...valid, password: 'p'.repeat(PASSWORD_MAX_LENGTH + 1) })).toEqual(
      ['passwordTooLong'],
    );
  });

  it('names every problem at once, in the order of the fields', () => {
    expect(
      unblindingProblems({
        participantId: 'ELA-001',
        typedAgain: 'ELA-01',
        reason: '',
        password: '',
      }),
    ).toEqual(['reasonTooShort', 'idMismatch', 'noPassword']);
  });

  it('unblinds only an allocated participant, or answers an unblinded one again', () => {
    expect(canBeUnblinded({ allocatedAt: '2026-03-01T10:00:00.000Z' })).toBe(true);
    expect(canBeUnblinded({ allocatedAt: null })).toBe(false);
  });

  it('shows the cells first, then saline on the other leg', () => {
    expect(limbLines({ cellLimb: 'LEFT', salineLimb: 'RIGHT' })).toEqual([
      { content: 'CELLS', limb: 'LEFT' },
      { content: 'SALINE', limb: 'RIGHT' },
    ]);
    expect(limbLines({ cellLimb: 'RIGHT', salineLimb: 'LEFT' })).toEqual([
      { content: 'CELLS', limb: 'RIGHT' },
      { content: 'SALINE', limb: 'LEFT' },
    ]);
    expect(limbLines({ cellLimb: 'RIGHT', salineLimb: null })).toEqual([
      { content: 'CELLS', limb: 'RIGHT' },
    ]);
  });
});
