/** What a change may touch, as the policy declares it. */
export interface CheckpointScope {
  /** Absolute paths of regular files (existing or not). */
  paths: string[];
  /** Container names (or ids). */
  containers: string[];
}

export type FileSnapshot =
  | { path: string; exists: false }
  | {
      path: string;
      exists: true;
      /** Octal permission bits as `stat -c %a` prints them, e.g. `644`, `4755`. */
      mode: string;
      uid: number;
      gid: number;
      owner: string;
      group: string;
      size: number;
      sha256: string;
      contentBase64: string;
    };

export interface NetworkEndpointSnapshot {
  IPAMConfig: unknown;
  Links: string[] | null;
  Aliases: string[] | null;
  DriverOpts: Record<string, string> | null;
}

export type ContainerSnapshot =
  | { name: string; exists: false }
  | {
      name: string;
      exists: true;
      id: string;
      /** Image ID (`sha256:…`) the container ran; the recreated container is pinned to it. */
      imageId: string;
      /** `Config.Image` as it was given (e.g. `nginx:1.27`), for people reading the checkpoint. */
      imageRef: string;
      /** `repo@sha256:…` of that image, to pull it again if it was removed. */
      repoDigests: string[];
      running: boolean;
      config: Record<string, unknown>;
      hostConfig: Record<string, unknown>;
      endpoints: Record<string, NetworkEndpointSnapshot>;
    };

export interface CheckpointSnapshot {
  version: 1;
  files: FileSnapshot[];
  containers: ContainerSnapshot[];
}
