import type { AnalyzerRule } from '../analysis-input.js';
import { composeFix, containerName } from '../compose-snippet.js';

/** `privileged: true` lifts every isolation: all devices, all capabilities, no seccomp/AppArmor. */
export const privilegedRule: AnalyzerRule = {
  id: 'privileged',
  check(subject) {
    if (subject.container.HostConfig.Privileged !== true) return undefined;
    return {
      severity: 'critical',
      message: `${containerName(subject)} runs privileged: it has every capability and every device of the host, so whoever controls it controls the host.`,
      fix: composeFix(subject, [
        'privileged: false',
        'cap_add: [NET_ADMIN]            # only the capabilities it really needs',
        'devices: ["/dev/dri:/dev/dri"]  # only the devices it really needs',
      ]),
    };
  },
};
