import { DomainError, DomainErrorKind } from '@homelab/contracts';

/** HOME_ASSISTANT_URL / HOME_ASSISTANT_TOKEN are not set: there is nothing to act on. */
export class HomeAssistantNotConfiguredError extends DomainError {
  constructor() {
    super(DomainErrorKind.Unavailable, 'HOME_ASSISTANT_NOT_CONFIGURED', 'Home Assistant is not configured (set HOME_ASSISTANT_URL and HOME_ASSISTANT_TOKEN)');
  }
}

/** Not connected to Home Assistant right now (offline, reconnecting, token refused): actions cannot reach it. */
export class HomeAssistantUnavailableError extends DomainError {
  constructor(reason: string, options?: ErrorOptions) {
    super(DomainErrorKind.Unavailable, 'HOME_ASSISTANT_UNAVAILABLE', `Home Assistant is unavailable: ${reason}`, { reason }, options);
  }
}

/** Home Assistant has no such entity (while connected, so the list is current). */
export class HaEntityNotFoundError extends DomainError {
  constructor(entityId: string) {
    const shown = entityId.slice(0, 255);
    super(DomainErrorKind.NotFound, 'HA_ENTITY_NOT_FOUND', `Home Assistant has no entity "${shown}"`, { entityId: shown });
  }
}

/** Only lights, switches, fans and input booleans can be toggled. */
export class NotToggleableError extends DomainError {
  constructor(entityId: string, domain: string) {
    super(DomainErrorKind.Invalid, 'NOT_TOGGLEABLE', `"${entityId}" cannot be toggled: only lights, switches, fans and input booleans can (this is a ${domain})`, {
      entityId,
      domain,
    });
  }
}

/** `…/scenes/:entityId/activate` on an entity that is not a scene. */
export class NotASceneError extends DomainError {
  constructor(entityId: string) {
    super(DomainErrorKind.Invalid, 'NOT_A_SCENE', `"${entityId}" is not a scene (scene entity ids start with "scene.")`, { entityId });
  }
}

/** Home Assistant answered the service call with an error (`details.haCode` is its code). */
export class HomeAssistantCallFailedError extends DomainError {
  constructor(service: string, haCode: string, haMessage: string) {
    super(DomainErrorKind.Unavailable, 'HOME_ASSISTANT_CALL_FAILED', `Home Assistant could not run ${service}: ${haMessage}`, { service, haCode });
  }
}

/** Home Assistant did not answer the service call in time; it may still run. */
export class HomeAssistantTimeoutError extends DomainError {
  constructor(service: string, timeoutMs: number) {
    super(DomainErrorKind.Timeout, 'HOME_ASSISTANT_TIMEOUT', `Home Assistant did not answer ${service} within ${timeoutMs} ms (it may still happen)`, { service, timeoutMs });
  }
}
