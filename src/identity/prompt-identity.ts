import type { PromptIdentity } from '../prompt/render';
import type { Services } from '../services';

/** What the prompt offers about accounts, for a device that is (or is not) signed in. */
export function promptIdentity(
  services: Pick<Services, 'mailer' | 'config'>,
  signedIn: boolean,
): PromptIdentity {
  const { registration } = services.config.accounts;
  return {
    available: services.mailer !== null,
    signedIn,
    registerExtra: registration.enabled ? registration.extraArticles : null,
  };
}
