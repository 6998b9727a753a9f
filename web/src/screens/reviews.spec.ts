import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  COMMENT_MAX_LENGTH,
  PASSWORD_MAX_LENGTH,
  REVIEW_DECISIONS,
  reviewAction,
  reviewProblems,
  type ReviewForm,
} from './reviews';

const SOURCE = readFileSync(
  join(__dirname, '../../../src/unblinding/dto/unblinding.dto.ts'),
  'utf8',
);
const reviewRequest = SOURCE.slice(
  SOURCE.indexOf('class UnblindingReviewRequestDto'),
  SOURCE.indexOf('class UnblindingReviewDto'),
);

const valid: ReviewForm = {
  decision: 'ACKNOWLEDGED',
  comment: 'Reason and timing checked with the treating physician',
  password: 'the-password',
};

describe('unblinding reviews', () => {
  it('bounds the comment and the password as the API’s UnblindingReviewRequestDto does', () => {
    expect(reviewRequest).toContain(`@MaxLength(${COMMENT_MAX_LENGTH})\n  comment`);
    expect(reviewRequest).toContain(`@MaxLength(${PASSWORD_MAX_LENGTH})\n  password`);
  });

  it('offers both decisions the API takes', () => {
    expect(REVIEW_DECISIONS).toEqual(['ACKNOWLEDGED', 'CONCERNS_RAISED']);
  });

  it('offers a review of another user’s unblinding, never of one’s own, and none twice', () => {
    expect(reviewAction({ unblindedBy: 'unb', review: null }, 'unb2')).toBe('reviewable');
    expect(reviewAction({ unblindedBy: 'unb', review: null }, 'unb')).toBe('own');
    expect(reviewAction({ unblindedBy: 'unb', review: { decision: 'ACKNOWLEDGED' } }, 'unb2')).toBe(
      'reviewed',
    );
    // Reviewed by someone else: the one who unblinded sees the review, not a refusal.
    expect(reviewAction({ unblindedBy: 'unb', review: { decision: 'ACKNOWLEDGED' } }, 'unb')).toBe(
      'reviewed',
    );
  });

  it('lets a complete review go', () => {
    expect(reviewProblems(valid)).toEqual([]);
    expect(reviewProblems({ ...valid, decision: 'CONCERNS_RAISED' })).toEqual([]);
  });

  it('wants a decision, a comment that is not blank, and the password', () => {
    expect(reviewProblems({ decision: '', comment: '   ', password: '' })).toEqual([
      'noDecision',
      'noComment',
      'noPassword',
    ]);
    expect(reviewProblems({ ...valid, comment: 'x'.repeat(COMMENT_MAX_LENGTH + 1) })).toEqual([
      'commentTooLong',
    ]);
    expect(reviewProblems({ ...valid, comment: 'x'.repeat(COMMENT_MAX_LENGTH) })).toEqual([]);
    expect(reviewProblems({ ...valid, password: 'p'.repeat(PASSWORD_MAX_LENGTH + 1) })).toEqual([
      'passwordTooLong',
    ]);
  });
});
