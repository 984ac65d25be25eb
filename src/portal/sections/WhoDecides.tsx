import type { SectionProps } from '../views.js';
import { AuthorizationSources } from './AuthorizationSources.js';
import { LocationForm } from './LocationForm.js';

/** Who decides whether a card may charge, and where the installation is for the roaming providers among them. */
export function WhoDecides(props: SectionProps) {
  return (
    <>
      <AuthorizationSources {...props} />
      <LocationForm {...props} />
    </>
  );
}
