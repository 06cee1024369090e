export type { CommandExecutor, ExecOptions, ExecResult } from './types.js';
export {
  ExecError,
  ExecAbortedError,
  SshAuthenticationError,
  SshHostKeyMismatchError,
  type ExecErrorCode,
} from './errors.js';
export { outputDigest, OutputCollector, type CollectedOutput } from './output.js';
export { shellQuote, shellJoin } from './shell-quote.js';
export {
  LocalExecutor,
  SCRUBBED_PATH,
  scrubbedEnvironment,
  currentLocalUser,
  killProcessGroup,
  type LocalExecutorOptions,
  type LocalUser,
} from './local-executor.js';
export {
  SshExecutor,
  remoteInvocation,
  remoteKillScript,
  sshKeyFingerprint,
  type SshConnectionConfig,
  type SshExecutorOptions,
  type RemoteInvocationOptions,
} from './ssh-executor.js';
export {
  createExecutor,
  resolveSshHost,
  type HostConfig,
  type LocalHostConfig,
  type SshHostConfig,
  type SshHostSpec,
  type SecretSource,
  type ExecutorOptions,
} from './hosts.js';
export {
  planExecution,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_MAX_OUTPUT_BYTES,
  type ExecutionPlan,
  type PlanExecutionInput,
} from './plan.js';
export type {
  CheckpointScope,
  CheckpointSnapshot,
  ContainerSnapshot,
  FileSnapshot,
  NetworkEndpointSnapshot,
} from './checkpoint/types.js';
export { CheckpointError, CheckpointAlreadyRestoredError, type CheckpointErrorCode } from './checkpoint/errors.js';
export {
  snapshotFile,
  restoreFile,
  diffFile,
  snapshotScript,
  restoreScript,
  deleteScript,
  DEFAULT_MAX_FILE_BYTES,
  type FileRestoreAction,
} from './checkpoint/file-snapshot.js';
export {
  snapshotContainer,
  restoreContainer,
  diffContainer,
  inspectContainer,
  type ContainerRestoreAction,
} from './checkpoint/container-snapshot.js';
export {
  CheckpointService,
  validateScope,
  type CheckpointServiceOptions,
  type CheckpointRecord,
  type CreateCheckpointInput,
  type RollbackReport,
} from './checkpoint/checkpoint-service.js';
