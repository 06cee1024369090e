/** The wired Jarvis (`Jarvis` of @homelab/jarvis): engine, service, approvals, model status. */
export const JARVIS = Symbol('JARVIS');
