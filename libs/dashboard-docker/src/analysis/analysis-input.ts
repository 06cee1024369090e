import type { ContainerStats, Finding, FindingRule, FindingSeverity } from '../container-types.js';

export interface HealthcheckConfig {
  Test?: string[] | null;
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  Retries?: number;
}

export type PortBindings = Record<string, { HostIp?: string; HostPort?: string }[] | null> | null;

/** What the analyzer reads of `GET /containers/{id}/json` (dockerode's ContainerInspectInfo fits). */
export interface InspectedContainer {
  Id: string;
  Name: string;
  Config: {
    Image: string;
    User?: string;
    Env?: string[] | null;
    Labels?: Record<string, string> | null;
    ExposedPorts?: Record<string, unknown> | null;
    Healthcheck?: HealthcheckConfig | null;
  };
  HostConfig: {
    Privileged?: boolean;
    Memory?: number;
    NanoCpus?: number;
    CpuQuota?: number;
    CpusetCpus?: string;
    NetworkMode?: string;
    PortBindings?: PortBindings;
    PublishAllPorts?: boolean;
    Binds?: string[] | null;
  };
  Mounts?: { Type?: string; Source?: string; Destination?: string; RW?: boolean }[] | null;
  State?: {
    Running?: boolean;
    Health?: { Status?: string; FailingStreak?: number; Log?: { ExitCode?: number; Output?: string }[] | null } | null;
  };
  NetworkSettings?: { Ports?: PortBindings };
}

/** What the analyzer reads of `GET /images/{id}/json`. */
export interface InspectedImage {
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
  Config?: {
    User?: string;
    Healthcheck?: HealthcheckConfig | null;
    Labels?: Record<string, string> | null;
    ExposedPorts?: Record<string, unknown> | null;
  } | null;
}

/** One container to judge: its inspect data, its image's (null when the image is gone) and, if known, its current usage. */
export interface AnalysisSubject {
  host: string;
  container: InspectedContainer;
  image: InspectedImage | null;
  stats?: Pick<ContainerStats, 'memoryBytes'> | null;
}

/** What a rule reports; the analyzer adds host and container. */
export interface RuleResult {
  severity: FindingSeverity;
  message: string;
  fix: string;
}

export interface AnalyzerRule {
  id: FindingRule;
  check(subject: AnalysisSubject): RuleResult | undefined;
}

export type { Finding };
