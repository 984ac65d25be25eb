import type { Installation } from '../store/installations.js';
import type { User } from '../store/users.js';
import type { Me } from './session.js';

// The API's answers as the portal reads them, and what a page hands its sections: here so no section imports its page.

/** What GET /api/installations/:id adds for a session without a fresh second factor. */
export type InstallationView = Installation & { authenticationLocked?: boolean };

/** What the installation page hands each of its sections. */
export interface SectionProps {
  me: Me;
  installation: InstallationView;
  reload: () => Promise<void>;
  /** After a step-up or an enrolment, so the header and other sections see the fresh factor. */
  onMe: (me: Me) => void;
}

/** GET /api/users also says whether each person has an authenticator set up. */
export type UserItem = User & { secondFactor?: boolean };

/** GET /api/ocpi/partners: an eMSP connected over OCPI (no credentials token is ever shown again). */
export interface RoamingPartner {
  id: string;
  countryCode: string;
  partyId: string;
  roles: { role: string; business_details?: { name?: string } }[];
  versionsUrl: string | null;
  endpoints: { identifier: string; role: string; url: string }[];
  state: 'pending' | 'registered' | 'unregistered' | 'failed';
  lastError: string | null;
  lastErrorAt: string | null;
}

/** A token an eMSP pushed, as OCPI names its fields. */
export interface RoamingToken {
  uid: string;
  type: string;
  contract_id: string;
  issuer: string;
  valid: boolean;
  whitelist: string;
  last_updated: string;
}
