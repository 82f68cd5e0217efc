import type { AnswerId, StepId } from './context.js';

/** Which answers each step owns (cleared when the user goes back to it, offered as defaults). */
export const OWNED: Record<StepId, AnswerId[]> = {
  org: ['orgKind', 'loginUrl', 'username'],
  key: ['keyPath', 'certPath'],
  app: ['appKind', 'appName', 'contactEmail'],
  policies: [],
  access: ['access'],
  'consumer-key': ['clientId'],
  verify: [],
};

/** What the resume screen shows, in step order; the key pair is shown but changed by starting over. */
export const ANSWER_LABELS: readonly [AnswerId, string][] = [
  ['orgKind', 'org kind'],
  ['loginUrl', 'login URL'],
  ['username', 'run-as username'],
  ['keyPath', 'private key'],
  ['appKind', 'app kind'],
  ['appName', 'app name'],
  ['contactEmail', 'contact email'],
  ['access', 'profile or permission set'],
  ['clientId', 'consumer key'],
];
export const CHANGEABLE = new Set<AnswerId>(['orgKind', 'loginUrl', 'username', 'appKind', 'appName', 'contactEmail', 'access', 'clientId']);

export function ownerOf(id: AnswerId): StepId {
  return (Object.keys(OWNED) as StepId[]).find((step) => OWNED[step].includes(id))!;
}

export function labelOf(id: AnswerId): string {
  return ANSWER_LABELS.find(([answer]) => answer === id)![1];
}
