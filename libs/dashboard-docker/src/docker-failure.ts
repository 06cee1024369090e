import { DomainError } from '@homelab/contracts';
import { OperationTimeoutError } from '@homelab/resilience';
import type { DockerHostSpec } from './docker-hosts-config.js';
import { ContainerConflictError, ContainerNotFoundError, DockerHostUnavailableError, DockerTimeoutError } from './docker-errors.js';

/** Why a host could not be used, in words a homelab owner can act on. */
export interface DockerProblem {
  code: string;
  message: string;
}

interface ErrorLike {
  code?: unknown;
  statusCode?: unknown;
  json?: unknown;
  message?: unknown;
  cause?: unknown;
}

/** Walks the `cause` chain (timeouts and aborts wrap the socket error). */
function chain(error: unknown): ErrorLike[] {
  const list: ErrorLike[] = [];
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && list.length < 8) {
    list.push(current as ErrorLike);
    current = (current as ErrorLike).cause;
  }
  return list;
}

/** The HTTP status Docker answered with (docker-modem puts it on the error), if it answered at all. */
export function dockerStatusOf(error: unknown): number | undefined {
  const status = chain(error).find((e) => typeof e.statusCode === 'number')?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Docker's own sentence from an error answer (`{ "message": … }`). */
export function dockerMessageOf(error: unknown): string {
  for (const e of chain(error)) {
    const json = e.json;
    if (typeof json === 'object' && json !== null && typeof (json as { message?: unknown }).message === 'string') return (json as { message: string }).message.trim();
    if (typeof json === 'string' && json.trim()) return json.trim();
  }
  const message = chain(error)[0]?.message;
  return typeof message === 'string' ? message : String(error);
}

function codeOf(error: unknown): string | undefined {
  const code = chain(error).find((e) => typeof e.code === 'string')?.code;
  return typeof code === 'string' ? code : undefined;
}

const TLS_UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
]);

function describeSocket(code: string | undefined, path: string): DockerProblem | undefined {
  if (code === 'ENOENT') {
    return {
      code: 'DOCKER_SOCKET_MISSING',
      message: `The Docker socket ${path} does not exist. Is Docker installed and running on this machine, and is the socket mounted into the dashboard's container (-v ${path}:${path})?`,
    };
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return {
      code: 'DOCKER_SOCKET_PERMISSION',
      message: `No permission to open ${path}. Run the dashboard as a member of the socket's group (usually "docker"; in compose: group_add with the socket's group id).`,
    };
  }
  if (code === 'ECONNREFUSED') {
    return { code: 'DOCKER_NOT_RUNNING', message: `Nothing is listening on ${path}: the Docker daemon is not running (start it, e.g. systemctl start docker).` };
  }
  return undefined;
}

function describeNetwork(code: string | undefined, spec: Extract<DockerHostSpec, { kind: 'http' | 'https' }>): DockerProblem | undefined {
  const where = `${spec.hostname}:${spec.port}`;
  switch (code) {
    case 'ECONNREFUSED':
      return {
        code: 'DOCKER_CONNECTION_REFUSED',
        message: `${where} refused the connection. Is dockerd listening on TCP there (-H tcp://0.0.0.0:${spec.port}) and is the port open in the firewall?`,
      };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { code: 'DOCKER_HOST_NOT_FOUND', message: `The name ${spec.hostname} does not resolve. Check the host name in DOCKER_HOSTS and your DNS.` };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
      return { code: 'DOCKER_HOST_UNREACHABLE', message: `${spec.hostname} is unreachable from the dashboard (no route). Is the machine on and on the network?` };
    case 'ECONNRESET':
      return {
        code: 'DOCKER_CONNECTION_RESET',
        message:
          spec.kind === 'https'
            ? `${where} closed the connection. For https:// hosts this usually means the daemon rejected the client certificate (DOCKER_TLS_CERT) or does not speak TLS on this port.`
            : `${where} closed the connection. If the daemon uses TLS on this port, write https:// in DOCKER_HOSTS and set DOCKER_TLS_CA, DOCKER_TLS_CERT and DOCKER_TLS_KEY.`,
      };
    default:
      return undefined;
  }
}

function describeTls(code: string | undefined, spec: DockerHostSpec): DockerProblem | undefined {
  if (!code || spec.kind === 'unix') return undefined;
  const where = `${spec.hostname}:${spec.port}`;
  if (TLS_UNTRUSTED.has(code)) {
    return { code: 'DOCKER_TLS_UNTRUSTED', message: `The certificate of ${where} is not signed by DOCKER_TLS_CA (${code}). Set DOCKER_TLS_CA to the CA that signed the daemon's certificate.` };
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return { code: 'DOCKER_TLS_EXPIRED', message: `The certificate of ${where} is ${code === 'CERT_HAS_EXPIRED' ? 'expired' : 'not valid yet'}. Renew the daemon's certificate (or check the clocks).` };
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return {
      code: 'DOCKER_TLS_NAME_MISMATCH',
      message: `The certificate of ${where} is not issued for "${spec.hostname}". Use the name the certificate names in DOCKER_HOSTS, or reissue it with this name in its subject alternative names.`,
    };
  }
  if (/^ERR_SSL_.*ALERT_(UNKNOWN_CA|BAD_CERTIFICATE|CERTIFICATE_REQUIRED|CERTIFICATE_UNKNOWN|HANDSHAKE_FAILURE|ACCESS_DENIED)/.test(code)) {
    return {
      code: 'DOCKER_TLS_CLIENT_REJECTED',
      message: `${where} rejected the dashboard's client certificate (DOCKER_TLS_CERT/DOCKER_TLS_KEY): it must be signed by the CA the daemon trusts (--tlscacert) and be valid for client authentication.`,
    };
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'EPROTO' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG') {
    return { code: 'DOCKER_TLS_NOT_SPOKEN', message: `${where} does not speak TLS. If the daemon listens without TLS (e.g. a socket proxy), write http:// in DOCKER_HOSTS.` };
  }
  return undefined;
}

function describeHttp(status: number, error: unknown, spec: DockerHostSpec): DockerProblem {
  const text = dockerMessageOf(error);
  if (status === 400 && /HTTP request to an HTTPS server/i.test(text)) {
    return { code: 'DOCKER_TLS_REQUIRED', message: `${spec.endpoint} expects TLS: write https:// in DOCKER_HOSTS and set DOCKER_TLS_CA, DOCKER_TLS_CERT and DOCKER_TLS_KEY.` };
  }
  if (status === 401 || status === 403) {
    return {
      code: 'DOCKER_FORBIDDEN',
      message: `${spec.endpoint} refused the request (HTTP ${status}). Behind a socket proxy, allow CONTAINERS, EVENTS, INFO, VERSION and IMAGES (and POST for start/stop/restart/remove).`,
    };
  }
  return { code: 'DOCKER_API_ERROR', message: `Docker on ${spec.endpoint} answered HTTP ${status}: ${text}` };
}

/** A connection-level failure or a daemon error, described for the host's status and for 503 answers. */
export function describeDockerFailure(error: unknown, spec: DockerHostSpec): DockerProblem {
  const timeout = chain(error).find((e): e is OperationTimeoutError => e instanceof OperationTimeoutError);
  const code = codeOf(error);
  if (timeout || code === 'ETIMEDOUT') {
    const ms = timeout ? ` within ${timeout.timeoutMs} ms` : '';
    return { code: 'DOCKER_TIMEOUT', message: `No answer from ${spec.endpoint}${ms}. The machine may be off, a firewall may drop the traffic, or the daemon is overloaded.` };
  }
  const status = dockerStatusOf(error);
  if (status !== undefined) return describeHttp(status, error, spec);
  const specific = spec.kind === 'unix' ? describeSocket(code, spec.socketPath) : (describeTls(code, spec) ?? describeNetwork(code, spec));
  if (specific) return specific;
  const message = chain(error)[0]?.message;
  return { code: 'DOCKER_UNREACHABLE', message: `Could not talk to Docker on ${spec.endpoint}: ${typeof message === 'string' ? message : 'unknown error'}${code ? ` (${code})` : ''}` };
}

/**
 * The DomainError an API call answers with when a Docker call failed:
 * 404 CONTAINER_NOT_FOUND, 409 CONTAINER_CONFLICT, 504 DOCKER_TIMEOUT or
 * 503 DOCKER_HOST_UNAVAILABLE (with the described reason).
 */
export function toDomainError(error: unknown, spec: DockerHostSpec, operation: string, container?: string): DomainError {
  if (error instanceof DomainError) return error;
  const timeout = chain(error).find((e): e is OperationTimeoutError => e instanceof OperationTimeoutError);
  if (timeout) return new DockerTimeoutError(spec.name, operation, timeout.timeoutMs, { cause: error });
  const status = dockerStatusOf(error);
  if (status === 404 && container !== undefined) return new ContainerNotFoundError(spec.name, container);
  if (status === 409 && container !== undefined) return new ContainerConflictError(spec.name, container, `Docker refused to ${operation} "${container}": ${dockerMessageOf(error)}`);
  const problem = describeDockerFailure(error, spec);
  return new DockerHostUnavailableError(spec.name, problem.code, `Docker host "${spec.name}" is unavailable: ${problem.message}`, { cause: error });
}
