import type { Charger } from '../../store/chargers.js';
import type { OcppUrls } from '../../api/ocppUrls.js';
import { CopyField } from '../ui/CopyField.js';
import { When } from '../ui/Notice.js';

/** What to configure in the charger: its OCPP URL(s), and how it must prove who it is. */
export function ChargerConnect({ charger }: { charger: Charger & { ocppUrls: OcppUrls } }) {
  const urls = charger.ocppUrls;
  return (
    <details data-testid="connect">
      <summary>Connect this charger</summary>
      {urls.ws && <CopyField label="OCPP URL (ws)" value={urls.ws} testId="ocpp-url-ws" />}
      {urls.wss && <CopyField label="OCPP URL (wss, TLS)" value={urls.wss} testId="ocpp-url-wss" />}
      <p data-testid="security-state">
        {charger.securityProfile === null ? 'Security profile: the installation\'s' : `Security profile ${charger.securityProfile}`}
        {' · '}
        {charger.passwordSetAt ? <>Basic-auth password set <When at={charger.passwordSetAt} /></> : 'no Basic-auth password set'}
      </p>
    </details>
  );
}
