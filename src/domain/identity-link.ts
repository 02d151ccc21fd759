import { invalidInput } from './errors.js';

/** How a person signs in through the identity provider: its subject, or a verified e-mail address. */
export interface SignInLink {
  oidc_subject?: string | null;
  email?: string | null;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** Validates a link for an identity of this kind; e-mail addresses are kept lowercased, as they are compared. */
export function defineSignInLink(link: SignInLink, kind: string): { oidc_subject: string | null; email: string | null } {
  const subject = link.oidc_subject ?? null;
  const email = link.email ? link.email.trim().toLowerCase() : null;
  const errors = [];
  if (subject !== null && (subject.length === 0 || subject.length > 255)) errors.push({ field: 'oidc_subject', message: 'must be 1-255 characters: the "sub" your identity provider gives this person' });
  if (email !== null && !EMAIL.test(email)) errors.push({ field: 'email', message: 'must be an e-mail address such as ada@example.com' });
  if ((subject !== null || email !== null) && kind !== 'human') errors.push({ field: 'kind', message: 'only a human signs in through the identity provider; agents use tokens' });
  if (errors.length > 0) throw invalidInput(errors);
  return { oidc_subject: subject, email };
}
