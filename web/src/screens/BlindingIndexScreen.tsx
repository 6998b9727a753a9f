import type { components } from '../api/schema';
import { useApiGet } from '../api/use-api';
import { ErrorMessage } from '../components/ErrorMessage';
import { ScreenTitle } from '../components/ScreenTitle';
import { useI18n } from '../i18n/i18n-context';
import { en, type MessageKey } from '../i18n/messages-en';
import {
  formatIndex,
  groupHeadingKey,
  notEstimableKey,
  type ArmIndex,
} from './blinding-assessment';

type Assessment = components['schemas']['BlindingAssessmentDto'];
type GroupIndex = components['schemas']['GuesserGroupIndexDto'];

/**
 * The statistician, after lock: Bang's blinding index per guesser group and per arm (the leg that
 * got the cells), with the counts and the 95% interval (docs/blinding-assessment.md). Before lock
 * the API answers 409 NOT_LOCKED, shown in the user's words.
 */
export function BlindingIndexScreen() {
  const { t } = useI18n();
  const [assessment] = useApiGet<Assessment>('/api/blinding-assessment');
  return (
    <>
      <ScreenTitle titleKey="bindex.title" />
      <p>{t('bindex.intro')}</p>
      {assessment.kind === 'loading' && <p role="status">{t('app.loading')}</p>}
      {assessment.kind === 'failed' && <ErrorMessage error={assessment.error} />}
      {assessment.kind === 'loaded' &&
        assessment.data.groups.map((group) => <GroupTable key={group.group} group={group} />)}
      <p className="hint">{t('bindex.reading')}</p>
    </>
  );
}

function GroupTable({ group }: { group: GroupIndex }) {
  const { t, language } = useI18n();
  const heading = `bindex-${group.group}`;
  const armName = (arm: string) => {
    const key = `limb.${arm}`;
    return t('bindex.arm', { leg: key in en ? t(key as MessageKey) : arm });
  };
  const figure = (value: number | null) => (value === null ? '—' : formatIndex(language, value));
  const interval = (arm: ArmIndex) =>
    arm.ci95
      ? t('bindex.interval', {
          lower: formatIndex(language, arm.ci95.lower),
          upper: formatIndex(language, arm.ci95.upper),
        })
      : t(notEstimableKey(arm.notEstimable ?? 'NO_GUESSES'));
  return (
    <section aria-labelledby={heading}>
      <h2 id={heading}>{t(groupHeadingKey(group.group))}</h2>
      <p>{t('bindex.groupSummary', { guesses: group.guesses, guessers: group.guessers })}</p>
      <div className="table-wrap">
        <table>
          <caption>{t('bindex.caption', { group: t(groupHeadingKey(group.group)) })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('bindex.col.arm')}</th>
              <th scope="col">{t('bindex.col.correct')}</th>
              <th scope="col">{t('bindex.col.incorrect')}</th>
              <th scope="col">{t('bindex.col.dontKnow')}</th>
              <th scope="col">{t('bindex.col.n')}</th>
              <th scope="col">{t('bindex.col.index')}</th>
              <th scope="col">{t('bindex.col.se')}</th>
              <th scope="col">{t('bindex.col.ci')}</th>
            </tr>
          </thead>
          <tbody>
            {group.arms.map((arm) => (
              <tr key={arm.arm}>
                <th scope="row">{armName(arm.arm)}</th>
                <td>{arm.correct}</td>
                <td>{arm.incorrect}</td>
                <td>{arm.dontKnow}</td>
                <td>{arm.n}</td>
                <td>{arm.index === null ? t(notEstimableKey('NO_GUESSES')) : figure(arm.index)}</td>
                <td>{figure(arm.standardError)}</td>
                <td>{interval(arm)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
