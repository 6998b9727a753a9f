import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError } from '../api/client';
import type { components } from '../api/schema';
import { useApiGet } from '../api/use-api';
import { ErrorMessage } from '../components/ErrorMessage';
import { ScreenTitle } from '../components/ScreenTitle';
import { useI18n } from '../i18n/i18n-context';
import { useSession } from '../session/session-context';
import {
  COMMENT_MAX_LENGTH,
  REVIEW_DECISIONS,
  reviewAction,
  reviewProblems,
  type ReviewDecision,
  type ReviewProblem,
} from './reviews';

type UnblindingSummary = components['schemas']['UnblindingSummaryDto'];
type ReviewRequest = components['schemas']['UnblindingReviewRequestDto'];
type Review = components['schemas']['UnblindingReviewDto'];

/**
 * Reviews of emergency unblindings (admin, unblinder): the list from GET /api/unblindings, which
 * carries no limb, and a signed review of one that another user did.
 */
export function ReviewsScreen() {
  const { t } = useI18n();
  const session = useSession();
  const username = session.state.kind === 'none' ? '' : session.state.user.username;
  const [unblindings, reload] = useApiGet<UnblindingSummary[]>('/api/unblindings');
  const [reviewing, setReviewing] = useState<string | undefined>(undefined);
  const [done, setDone] = useState<string | undefined>(undefined);
  const [refused, setRefused] = useState<unknown>(undefined);
  const doneMessage = useRef<HTMLParagraphElement>(null);
  // The form that had the focus is gone: the confirmation takes it, so nobody is left on nothing.
  useEffect(() => {
    if (done) doneMessage.current?.focus();
  }, [done]);

  const rows = unblindings.kind === 'loaded' ? unblindings.data : undefined;
  const open = rows?.find((row) => row.participantId === reviewing);

  return (
    <>
      <ScreenTitle titleKey="reviews.title" />
      <p>{t('reviews.intro')}</p>
      {unblindings.kind === 'failed' && <ErrorMessage error={unblindings.error} />}
      {unblindings.kind === 'loading' && <p>{t('app.loading')}</p>}
      {done && (
        <p className="message message-ok" role="status" ref={doneMessage} tabIndex={-1}>
          {t('reviews.done', { participantId: done })}
        </p>
      )}
      {refused !== undefined && <ErrorMessage error={refused} />}
      {rows && rows.length === 0 && <p role="status">{t('reviews.none')}</p>}
      {rows && rows.length > 0 && (
        <ReviewsTable
          rows={rows}
          username={username}
          onReview={(participantId) => {
            setDone(undefined);
            setRefused(undefined);
            setReviewing(participantId);
          }}
        />
      )}
      {open && reviewAction(open, username) === 'reviewable' && (
        <ReviewForm
          key={open.participantId}
          unblinding={open}
          onCancel={() => setReviewing(undefined)}
          onReviewed={(review) => {
            setReviewing(undefined);
            setDone(review.participantId);
            reload();
          }}
          onStale={(failure) => {
            // Reviewed meanwhile by someone else: the form goes, the table shows who did.
            setReviewing(undefined);
            setRefused(failure);
            reload();
          }}
        />
      )}
      <p className="reviews-help">{t('reviews.help')}</p>
    </>
  );
}

function ReviewsTable({
  rows,
  username,
  onReview,
}: {
  rows: UnblindingSummary[];
  username: string;
  onReview: (participantId: string) => void;
}) {
  const { t, dateTime } = useI18n();
  return (
    <div className="table-wrap">
      <table>
        <caption>{t('reviews.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('reviews.col.participant')}</th>
            <th scope="col">{t('reviews.col.unblinded')}</th>
            <th scope="col">{t('reviews.col.by')}</th>
            <th scope="col">{t('reviews.col.reason')}</th>
            <th scope="col">{t('reviews.col.notification')}</th>
            <th scope="col">{t('reviews.col.review')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const action = reviewAction(row, username);
            return (
              <tr key={row.participantId}>
                <th scope="row">{row.participantId}</th>
                <td>{dateTime(row.unblindedAt)}</td>
                <td>{row.unblindedBy}</td>
                <td className="reviews-text">{row.reason}</td>
                <td>{t(`reviews.notification.${row.notification}`)}</td>
                <td className="reviews-text">
                  {action === 'reviewed' &&
                    row.review &&
                    t('reviews.reviewed', {
                      decision: t(`reviews.decision.${row.review.decision}`),
                      at: dateTime(row.review.reviewedAt),
                      by: row.review.reviewedBy,
                      comment: row.review.comment,
                    })}
                  {action === 'own' && `${t('reviews.pending')} ${t('error.SELF_REVIEW')}`}
                  {action === 'reviewable' && (
                    <>
                      {t('reviews.pending')}{' '}
                      <button type="button" onClick={() => onReview(row.participantId)}>
                        {t('reviews.reviewButton', { participantId: row.participantId })}
                      </button>
                    </>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function ReviewForm({
  unblinding,
  onCancel,
  onReviewed,
  onStale,
}: {
  unblinding: UnblindingSummary;
  onCancel: () => void;
  onReviewed: (review: Review) => void;
  onStale: (failure: unknown) => void;
}) {
  const { t, dateTime } = useI18n();
  const session = useSession();
  const heading = useRef<HTMLHeadingElement>(null);
  const [decision, setDecision] = useState<ReviewDecision | ''>('');
  const [comment, setComment] = useState('');
  const [password, setPassword] = useState('');
  const [problems, setProblems] = useState<ReviewProblem[]>([]);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const { participantId } = unblinding;

  useEffect(() => {
    heading.current?.focus();
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setError(undefined);
    const found = reviewProblems({ decision, comment, password });
    setProblems(found);
    if (found.length > 0 || !decision) return;
    setBusy(true);
    try {
      const body: ReviewRequest = { decision, comment: comment.trim(), password };
      const review = await session.json<Review>(
        'POST',
        `/api/participants/${encodeURIComponent(participantId)}/unblinding/review`,
        body,
      );
      onReviewed(review);
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 409) onStale(failure);
      else setError(failure);
    } finally {
      setPassword('');
      setBusy(false);
    }
  };

  const invalid = (...which: ReviewProblem[]) =>
    problems.some((problem) => which.includes(problem)) || undefined;

  return (
    <form
      className="reviews-form"
      noValidate
      aria-labelledby="reviews-form-title"
      onSubmit={(event) => void submit(event)}
    >
      <h2 id="reviews-form-title" ref={heading} tabIndex={-1}>
        {t('reviews.form.title', { participantId })}
      </h2>
      <p>
        {t('reviews.form.summary', {
          at: dateTime(unblinding.unblindedAt),
          by: unblinding.unblindedBy,
          reason: unblinding.reason,
        })}
      </p>
      <fieldset>
        <legend>{t('reviews.decision')}</legend>
        {REVIEW_DECISIONS.map((option) => (
          <div key={option} className="reviews-choice">
            <input
              type="radio"
              id={`reviews-decision-${option}`}
              name="reviews-decision"
              value={option}
              checked={decision === option}
              onChange={() => setDecision(option)}
            />
            <label htmlFor={`reviews-decision-${option}`}>{t(`reviews.decision.${option}`)}</label>
          </div>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="reviews-comment">{t('reviews.comment')}</label>
        <textarea
          id="reviews-comment"
          rows={4}
          value={comment}
          aria-describedby="reviews-comment-help"
          aria-invalid={invalid('noComment', 'commentTooLong')}
          onChange={(event) => setComment(event.target.value)}
        />
        <p id="reviews-comment-help" className="hint">
          {t('reviews.commentHelp')}
        </p>
      </div>
      <div className="field">
        <label htmlFor="reviews-password">{t('reviews.password')}</label>
        <input
          id="reviews-password"
          type="password"
          value={password}
          autoComplete="current-password"
          aria-describedby="reviews-password-help"
          aria-invalid={invalid('noPassword', 'passwordTooLong')}
          onChange={(event) => setPassword(event.target.value)}
        />
        <p id="reviews-password-help" className="hint">
          {t('reviews.passwordHelp')}
        </p>
      </div>
      {problems.length > 0 && (
        <div className="message message-error" role="alert">
          <p>{t('reviews.problem.title')}</p>
          <ul>
            {problems.map((problem) => (
              <li key={problem}>{t(`reviews.problem.${problem}`, { max: COMMENT_MAX_LENGTH })}</li>
            ))}
          </ul>
        </div>
      )}
      {error !== undefined && <ErrorMessage error={error} />}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('reviews.submitting') : t('reviews.submit')}
        </button>
        <button type="button" onClick={onCancel} disabled={busy}>
          {t('app.cancel')}
        </button>
      </div>
    </form>
  );
}
