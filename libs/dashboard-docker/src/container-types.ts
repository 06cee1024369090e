/**
 * The dashboard API's shapes for containers (docs/dashboard-api.md, "Containers"),
 * from @homelab/dashboard-api, under the names this library has always used.
 */
import type { Container, ContainerDetail, DockerHost, ErrorInfo } from '@homelab/dashboard-api';

export type {
  ContainerState,
  ContainerHealth,
  ContainerPort,
  ContainerStats,
  FindingRule,
  FindingSeverity,
  Finding,
  ContainerMount,
  ContainerHealthcheck,
  ContainerResources,
} from '@homelab/dashboard-api';

/** `Container` of the API. */
export type ContainerView = Container;
/** Why a Docker host is down. */
export type HostError = ErrorInfo;
/** `DockerHost` of the API. */
export type DockerHostView = DockerHost;
/** `GET /api/containers/:host/:id`. */
export type ContainerDetailView = ContainerDetail;
