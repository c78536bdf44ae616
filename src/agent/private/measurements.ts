/**
 * The measurements the CloudWatch agent registers per Linux plugin (the agent's
 * measurement lists, as documented in "Metrics collected by the CloudWatch agent"). A name
 * outside the list is dropped by the agent without an error, so the model refuses it.
 */
export const LINUX_MEASUREMENTS: Record<string, readonly string[]> = {
  cpu: ['time_active', 'time_guest', 'time_guest_nice', 'time_idle', 'time_iowait', 'time_irq', 'time_nice', 'time_softirq',
    'time_steal', 'time_system', 'time_user', 'usage_active', 'usage_guest', 'usage_guest_nice', 'usage_idle', 'usage_iowait',
    'usage_irq', 'usage_nice', 'usage_softirq', 'usage_steal', 'usage_system', 'usage_user'],
  mem: ['active', 'available', 'available_percent', 'buffered', 'cached', 'free', 'inactive', 'shared', 'total', 'used', 'used_percent'],
  swap: ['free', 'used', 'used_percent'],
  disk: ['free', 'inodes_free', 'inodes_total', 'inodes_used', 'total', 'used', 'used_percent'],
  diskio: ['iops_in_progress', 'io_time', 'reads', 'read_bytes', 'read_time', 'writes', 'write_bytes', 'write_time',
    'ebs_total_read_ops', 'ebs_total_write_ops', 'ebs_total_read_bytes', 'ebs_total_write_bytes', 'ebs_total_read_time',
    'ebs_total_write_time', 'ebs_volume_performance_exceeded_iops', 'ebs_volume_performance_exceeded_tp',
    'ebs_ec2_instance_performance_exceeded_iops', 'ebs_ec2_instance_performance_exceeded_tp', 'ebs_volume_queue_length'],
  net: ['bytes_sent', 'bytes_recv', 'drop_in', 'drop_out', 'err_in', 'err_out', 'packets_sent', 'packets_recv'],
  netstat: ['tcp_close', 'tcp_close_wait', 'tcp_closing', 'tcp_established', 'tcp_fin_wait1', 'tcp_fin_wait2', 'tcp_last_ack',
    'tcp_listen', 'tcp_none', 'tcp_syn_sent', 'tcp_syn_recv', 'tcp_time_wait', 'udp_socket'],
  processes: ['blocked', 'dead', 'idle', 'paging', 'running', 'sleeping', 'stopped', 'total', 'total_threads', 'wait', 'zombies'],
  procstat: ['cpu_time', 'cpu_time_guest', 'cpu_time_guest_nice', 'cpu_time_idle', 'cpu_time_iowait', 'cpu_time_irq', 'cpu_time_nice',
    'cpu_time_soft_irq', 'cpu_time_steal', 'cpu_time_system', 'cpu_time_user', 'cpu_usage', 'involuntary_context_switches',
    'memory_data', 'memory_locked', 'memory_rss', 'memory_stack', 'memory_swap', 'memory_vms', 'nice_priority', 'num_fds',
    'num_threads', 'pid', 'pid_count', 'read_bytes', 'read_count', 'realtime_priority', 'signals_pending',
    'voluntary_context_switches', 'write_bytes', 'write_count'],
  nvidia_gpu: ['utilization_gpu', 'temperature_gpu', 'power_draw', 'utilization_memory', 'fan_speed', 'memory_total', 'memory_used',
    'memory_free', 'pcie_link_gen_current', 'pcie_link_width_current', 'encoder_stats_session_count', 'encoder_stats_average_fps',
    'encoder_stats_average_latency', 'clocks_current_graphics', 'clocks_current_sm', 'clocks_current_memory', 'clocks_current_video'],
};

/**
 * The dimensions each Linux plugin puts on its own series, before the appended EC2
 * dimensions (agent documentation, "Metrics collected by the CloudWatch agent on Linux").
 */
export const LINUX_OWN_DIMENSIONS: Record<string, readonly string[]> = {
  cpu: ['cpu'],
  mem: [],
  swap: [],
  disk: ['path', 'device', 'fstype'],
  diskio: ['name'],
  net: ['interface'],
  netstat: [],
  processes: [],
};

/**
 * The published metric name of a Linux measurement: `<plugin>_<measurement>`, except that
 * nvidia_gpu publishes as `nvidia_smi_…` and procstat's `pid_count` as
 * `procstat_lookup_pid_count` ("Metrics collected by procstat",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Agent-procstat-process-metrics.html).
 */
export function linuxMetricName(plugin: string, measurement: string): string {
  if (plugin === 'procstat' && measurement === 'pid_count') return 'procstat_lookup_pid_count';
  const prefix = plugin === 'nvidia_gpu' ? 'nvidia_smi' : plugin;
  return `${prefix}_${measurement}`;
}

/** procstat's selectors, as they appear in the configuration and as dimension names. */
export const PROCSTAT_SELECTORS = ['exe', 'pattern', 'pid_file'] as const;

/**
 * The dimensions procstat puts on its own series: the selector it was configured with
 * (`exe`, `pattern` or `pid_file`, with the configured string as value) and `pid_finder`;
 * per-process metrics also carry `process_name`, the lookup metrics
 * (`procstat_lookup_pid_count`) do not (the agent's procstat input, after Telegraf's).
 */
export function procstatDimensions(selector: string, metricName: string): string[] {
  return metricName.startsWith('procstat_lookup_') ? [selector, 'pid_finder'] : [selector, 'pid_finder', 'process_name'];
}
