import type { Mailer } from '../mail/mailer';
import type { PromptIdentity } from '../prompt/render';
import type { AccountsConfig } from './config';

/** What the prompt offers about accounts, for a device that is (or is not) signed in. */
export function promptIdentity(
  services: {
    mailer: Mailer | null;
    config: { accounts: Pick<AccountsConfig, 'registration'> };
  },
  signedIn: boolean,
): PromptIdentity {
  const { registration } = services.config.accounts;
  return {
    available: services.mailer !== null,
    signedIn,
    registerExtra: registration.enabled ? registration.extraArticles : null,
  };
}
