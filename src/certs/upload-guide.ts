import { SETUP_PAGES, setupUrl, quickFindText, type SetupPageId } from '../salesforce/setup-pages.js';
import type { AppKind } from '../salesforce/types.js';

export interface UploadGuide {
  pageTitle: string;
  /** null when the org is unknown (plain files, no profile). */
  setupUrl: string | null;
  steps: string[];
}

/**
 * Where the certificate goes for each app kind. An app holds ONE
 * certificate: uploading replaces the current one.
 */
export function uploadGuide(appKind: AppKind | undefined, loginUrl: string | undefined, certPath: string): UploadGuide {
  const page: SetupPageId = appKind === 'connected-app' ? 'connected-app-manager' : 'eca-manager';
  const url = loginUrl ? setupUrl(page, loginUrl) : null;
  const open = `Open ${SETUP_PAGES[page].title}: ${url ?? quickFindText(page)}`;
  const steps =
    appKind === 'connected-app'
      ? [
          open,
          'On the app\'s row, open the ▾ menu → Edit; in API (Enable OAuth Settings) find "Use digital signatures"',
          `Choose File: ${certPath}`,
          'Save (allow 2-10 minutes for the change to reach the login servers)',
        ]
      : [
          open,
          'Open the app → Settings → Edit → OAuth Settings, where "Enable JWT Bearer Flow" is ticked',
          `Upload Files: ${certPath}`,
          'Save (allow 2-10 minutes for the change to reach the login servers)',
        ];
  return { pageTitle: SETUP_PAGES[page].title, setupUrl: url, steps };
}
