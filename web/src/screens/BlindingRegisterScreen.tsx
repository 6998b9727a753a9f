import type { components } from '../api/schema';
import { useApiGet } from '../api/use-api';
import { ErrorMessage } from '../components/ErrorMessage';
import { ScreenTitle } from '../components/ScreenTitle';
import { useI18n } from '../i18n/i18n-context';
import { exposureKey, roleKey } from './audit-log-query';

type Schemas = components['schemas'];
type BlindingRegister = Schemas['BlindingRegisterDto'];
type FullListExport = Schemas['FullListExportDto'];

/**
 * Monitor and admin: who has been exposed to which participant's allocation, when and how. The
 * answer names people and participants, never a limb, so this screen shows none.
 */
export function BlindingRegisterScreen() {
  const { t } = useI18n();
  const [register, reload] = useApiGet<BlindingRegister>('/api/blinding-register');
  return (
    <>
      <ScreenTitle titleKey="register.blindingTitle" />
      <p>{t('register.blindingIntro')}</p>
      <p>{t('register.blindingSource')}</p>
      <div className="actions">
        <button type="button" onClick={reload}>
          {t('register.blindingRefresh')}
        </button>
      </div>
      {register.kind === 'loading' && <p role="status">{t('app.loading')}</p>}
      {register.kind === 'failed' && <ErrorMessage error={register.error} />}
      {register.kind === 'loaded' && (
        <>
          <ExposuresSection register={register.data} />
          <FullListExportsSection exports={register.data.fullListExports} />
        </>
      )}
    </>
  );
}

function useRoleNames(): (roles: string[]) => string {
  const { t } = useI18n();
  return (roles) =>
    roles
      .map((role) => {
        const key = roleKey(role);
        return key ? t(key) : role;
      })
      .join(', ');
}

function ExposuresSection({ register }: { register: BlindingRegister }) {
  const { t, dateTime } = useI18n();
  const roleNames = useRoleNames();
  const rows = register.participants.flatMap((participant) =>
    participant.exposures.map((exposure) => ({
      participantId: participant.participantId,
      exposure,
    })),
  );
  return (
    <section aria-labelledby="blinding-exposures-heading">
      <h2 id="blinding-exposures-heading">{t('register.blindingExposures')}</h2>
      {rows.length === 0 ? (
        <p role="status">{t('register.blindingNone')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption>
              {t('register.blindingCaption', {
                participants: register.participants.length,
                exposures: rows.length,
              })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('register.blindingCol.participant')}</th>
                <th scope="col">{t('register.blindingCol.person')}</th>
                <th scope="col">{t('register.blindingCol.roles')}</th>
                <th scope="col">{t('register.blindingCol.how')}</th>
                <th scope="col">{t('register.blindingCol.at')}</th>
                <th scope="col">{t('register.blindingCol.seq')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ participantId, exposure }) => {
                const how = exposureKey(exposure.how);
                return (
                  <tr key={exposure.auditSeq}>
                    <th scope="row">{participantId}</th>
                    <td>{exposure.username}</td>
                    <td>{roleNames(exposure.roles)}</td>
                    <td>{how ? t(how) : exposure.how}</td>
                    <td>
                      <time dateTime={exposure.at}>{dateTime(exposure.at)}</time>
                    </td>
                    <td>{exposure.auditSeq}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function FullListExportsSection({ exports }: { exports: FullListExport[] }) {
  const { t, dateTime } = useI18n();
  const roleNames = useRoleNames();
  return (
    <section aria-labelledby="blinding-exports-heading">
      <h2 id="blinding-exports-heading">{t('register.blindingExports')}</h2>
      <p>{t('register.blindingExportsIntro')}</p>
      {exports.length === 0 ? (
        <p role="status">{t('register.blindingExportsNone')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption>{t('register.blindingExportsCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('register.blindingCol.person')}</th>
                <th scope="col">{t('register.blindingCol.roles')}</th>
                <th scope="col">{t('register.blindingCol.at')}</th>
                <th scope="col">{t('register.blindingCol.seq')}</th>
              </tr>
            </thead>
            <tbody>
              {exports.map((exported) => (
                <tr key={exported.auditSeq}>
                  <th scope="row">{exported.username}</th>
                  <td>{roleNames(exported.roles)}</td>
                  <td>
                    <time dateTime={exported.at}>{dateTime(exported.at)}</time>
                  </td>
                  <td>{exported.auditSeq}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
