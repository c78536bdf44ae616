/**
 * What each preset alarm tells the person it pages, for an instance and for an Auto Scaling
 * group: what failed and what to do. `what` names the target (`instance <path>`,
 * `Auto Scaling group <path>`), `t` is the threshold and `when` the span ("for 15 minutes").
 */
export interface PresetDescriptions {
  systemStatusCheck(what: string, action: 'recover' | 'group' | 'restart'): string;
  instanceStatusCheck(what: string, reboot: boolean): string;
  attachedEbsStatusCheck(what: string): string;
  cpu(what: string, t: number, when: string): string;
  cpuCreditBalance(what: string, t: number): string;
  memory(what: string, t: number, when: string): string;
  disk(what: string, path: string, t: number): string;
  swap(what: string, t: number, when: string): string;
}

/** One instance. */
export const INSTANCE_DESCRIPTIONS: PresetDescriptions = {
  systemStatusCheck: (what, action) => `The AWS system status check of ${what} failed (host hardware, power or network) or it stopped reporting. `
    + (action === 'recover'
      ? 'EC2 is recovering it onto healthy hardware; check it comes back, and stop or replace it yourself if recovery fails.'
      : action === 'group' ? 'Its Auto Scaling group replaces it once the group marks it unhealthy; check the group\'s activity history.'
        : 'Stop and start the instance to move it to healthy hardware.'),
  instanceStatusCheck: (what, reboot) => `The instance status check of ${what} failed (operating system unreachable: kernel, memory, network configuration, full disk) or it stopped reporting. `
    + (reboot ? 'EC2 reboots it; if that does not help, read the system log and screenshot in the EC2 console.'
      : 'Read the system log and screenshot in the EC2 console, then reboot or replace it.'),
  attachedEbsStatusCheck: what => `An EBS volume attached to ${what} is impaired (I/O stalls). Check the volume's status checks in the EC2 console; restore from a snapshot or move the data if it stays impaired.`,
  cpu: (what, t, when) => `CPU of ${what} has been above ${t}% ${when}. Find the busy process (top, CloudWatch Agent procstat), then fix it or move to a larger type.`,
  cpuCreditBalance: (what, t) => `The CPU credit balance of ${what} is below ${t}: it will soon be throttled to its baseline (standard mode) or pay for surplus credits (unlimited mode). Find what keeps the CPU busy or move to a larger or non-burstable type.`,
  memory: (what, t, when) => `Memory in use on ${what} has been above ${t}% ${when}; the kernel may soon kill processes. Find the process that grows, then fix it or move to a type with more memory.`,
  disk: (what, path, t) => `Disk ${path} on ${what} is more than ${t}% full. Delete or rotate old files (logs, caches) or grow the volume before it fills.`,
  swap: (what, t, when) => `Swap in use on ${what} has been above ${t}% ${when}: it runs short of memory and slows down. Find the process that grows or move to a type with more memory.`,
};

/** A whole Auto Scaling group, one alarm per signal. */
export const GROUP_DESCRIPTIONS: PresetDescriptions = {
  systemStatusCheck: what => `An instance of ${what} failed its AWS system status check (host hardware, power or network). `
    + 'With EC2 health checks the group replaces the instance; check that it does and that capacity returns.',
  instanceStatusCheck: what => `An instance of ${what} failed its instance status check (operating system unreachable). `
    + 'The group replaces it; if this repeats, read a failing instance\'s system log: the launch template or AMI may be broken.',
  attachedEbsStatusCheck: what => `An EBS volume of an instance of ${what} is impaired. Find the instance with the failing check in the EC2 console and terminate it so the group replaces it.`,
  cpu: (what, t, when) => `Average CPU of ${what} has been above ${t}% ${when}: it is short of capacity. Check the scaling policy and maximum size, or find the busy process.`,
  cpuCreditBalance: (what, t) => `An instance of ${what} has fewer than ${t} CPU credits left and will soon be throttled or pay for surplus credits. Scale out, or use a larger or non-burstable type.`,
  memory: (what, t, when) => `Memory in use on an instance of ${what} has been above ${t}% ${when}. Find the instance and the process that grows.`,
  disk: (what, path, t) => `Disk ${path} on an instance of ${what} is more than ${t}% full. Rotate or delete old files, or grow the volume in the launch template.`,
  swap: (what, t, when) => `Swap in use on an instance of ${what} has been above ${t}% ${when}. Find the instance and the process that grows.`,
};

/** The in-service capacity alarm of a group. */
export function inServiceCapacityDescription(what: string): string {
  return `${what} has fewer instances in service than its minimum size, or reports no group metrics. `
    + 'Check its activity history for failed launches (capacity, quota, launch template, health checks).';
}
