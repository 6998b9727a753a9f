import type { components } from '../api/schema';

/**
 * What the reviews screen offers for each unblinding, and the review form's own checks. The API
 * decides (403 SELF_REVIEW, 409 already reviewed); this only keeps the screen from offering a
 * form that can only be refused.
 */

/** The API's bounds on a review (UnblindingReviewRequestDto; reviews.spec.ts guards them). */
export const COMMENT_MAX_LENGTH = 4000;
export const PASSWORD_MAX_LENGTH = 256;

export type ReviewDecision = components['schemas']['UnblindingReviewRequestDto']['decision'];
// A record, not a list: a decision added to the API document is a type error here until worded.
const DECISIONS: Record<ReviewDecision, true> = { ACKNOWLEDGED: true, CONCERNS_RAISED: true };
export const REVIEW_DECISIONS = Object.keys(DECISIONS) as ReviewDecision[];

export interface UnblindingToReview {
  unblindedBy: string;
  review: unknown;
}

export type ReviewAction = 'reviewed' | 'own' | 'reviewable';

/** Reviewed already; done by this user (nobody reviews their own); or open to this user. */
export function reviewAction(unblinding: UnblindingToReview, username: string): ReviewAction {
  if (unblinding.review) return 'reviewed';
  if (unblinding.unblindedBy === username) return 'own';
  return 'reviewable';
}

export interface ReviewForm {
  decision: ReviewDecision | '';
  comment: string;
  password: string;
}

export type ReviewProblem =
  'noDecision' | 'noComment' | 'commentTooLong' | 'noPassword' | 'passwordTooLong';

/** What is wrong with the review form, in the order the fields come; empty when it may be sent. */
export function reviewProblems(form: ReviewForm): ReviewProblem[] {
  const problems: ReviewProblem[] = [];
  if (!form.decision) problems.push('noDecision');
  if (form.comment.trim().length === 0) problems.push('noComment');
  if ([...form.comment].length > COMMENT_MAX_LENGTH) problems.push('commentTooLong');
  if (form.password.length === 0) problems.push('noPassword');
  if (form.password.length > PASSWORD_MAX_LENGTH) problems.push('passwordTooLong');
  return problems;
}
