import type { HomeAssistantState } from '@homelab/dashboard-api';
import { waitFor } from '@homelab/testing';
import { createLogger, type Logger } from '@homelab/tracing';
import { HomeAssistantClient, type HomeAssistantClientOptions } from '../connection/home-assistant-client.js';

export const TOKEN = 'fake-long-lived-token-for-tests';

export const silentLogger = (): Logger => createLogger({ service: 'spec', instanceId: 'x', level: 'silent', redact: (s) => s });

/** Short delays so reconnects and heartbeats happen within a test. */
export const FAST: Omit<HomeAssistantClientOptions, 'url' | 'token' | 'logger'> = {
  connectTimeoutMs: 1000,
  initialRetryDelayMs: 50,
  maxRetryDelayMs: 200,
  heartbeatIntervalMs: 200,
  heartbeatTimeoutMs: 300,
  callTimeoutMs: 2000,
  snapshotIntervalMs: 50,
};

export function fastClient(url: string, options: Partial<HomeAssistantClientOptions> = {}): HomeAssistantClient {
  return new HomeAssistantClient({ url, token: TOKEN, logger: silentLogger(), ...FAST, ...options });
}

/** Waits until the client's state passes `test`, and returns it. */
export function stateWhere(client: { state(): HomeAssistantState }, test: (state: HomeAssistantState) => boolean, message: string, timeoutMs = 10_000): Promise<HomeAssistantState> {
  return waitFor(
    () => {
      const state = client.state();
      return test(state) ? state : undefined;
    },
    { message, timeoutMs, intervalMs: 20 },
  );
}

export const live = (state: HomeAssistantState): boolean => state.connected && !state.stale;

export function entityState(state: HomeAssistantState, entityId: string): string | undefined {
  return state.entities.find((entity) => entity.entityId === entityId)?.state;
}
