import { GOOGLE_CONNECT_TTL_MS } from '@homelab/dashboard-google';
import { RedirectStateCookie } from '../auth/redirect-flow.js';
import { GOOGLE_CALLBACK_PATH } from './google-settings.js';

/** Holds the pending connection (sealed) between the redirect to Google and its callback. */
export const GOOGLE_PENDING_COOKIE = new RedirectStateCookie('homelab_google', GOOGLE_CALLBACK_PATH, GOOGLE_CONNECT_TTL_MS);
