import { Duration, Stack, aws_logs as logs } from 'aws-cdk-lib';
import { renderAndKeep } from './write-config';
import {
  AgentConfig, AgentLogFilter, AgentMetricTarget, AgentOs, AgentPlugin, AppendDimension, WindowsEventLevel,
} from '../../src';

const GROUP = AgentMetricTarget.autoScalingGroup('orders-api');
const INSTANCE = AgentMetricTarget.instance('i-0123456789abcdef0');

function dims(metric: { dimensions?: Record<string, unknown> }): Record<string, unknown> {
  return Stack.of(new Stack()).resolve(metric.dimensions);
}

describe('AgentConfig', () => {
  test('the recommended Linux config: memory, swap and root disk, rolled up per group and per instance and path', () => {
    const json = renderAndKeep('recommended-linux', new AgentConfig());
    expect(json).toEqual({
      agent: { metrics_collection_interval: 60 },
      metrics: {
        namespace: 'CWAgent',
        append_dimensions: { InstanceId: '${aws:InstanceId}', AutoScalingGroupName: '${aws:AutoScalingGroupName}' },
        aggregation_dimensions: [['AutoScalingGroupName'], ['AutoScalingGroupName', 'path'], ['InstanceId', 'path']],
        metrics_collected: {
          mem: { measurement: ['used_percent'] },
          swap: { measurement: ['used_percent'] },
          disk: {
            measurement: ['used_percent', 'inodes_free'],
            resources: ['/'],
            drop_device: true,
            ignore_file_system_types: ['sysfs', 'devtmpfs', 'tmpfs', 'overlay', 'squashfs'],
            drop_original_metrics: ['disk_used_percent', 'disk_inodes_free'],
          },
        },
      },
    });
  });

  test('renders the same text for the same model, keys in a fixed order', () => {
    const make = () => new AgentConfig({ metrics: [AgentPlugin.cpu(), AgentPlugin.memory()], interval: Duration.seconds(10) });
    expect(make().render()).toEqual(make().render());
    expect(make().render().indexOf('"agent"')).toBeLessThan(make().render().indexOf('"metrics"'));
  });

  test('every Linux plugin, high resolution, logs with globs, multi-line events, filters and encoding', () => {
    const config = new AgentConfig({
      interval: Duration.seconds(10),
      namespace: 'Orders/Agent',
      metrics: [
        AgentPlugin.cpu({ perCore: true, measurements: ['cpu_usage_active', 'usage_iowait'] }),
        AgentPlugin.memory({ measurements: ['used_percent', 'available_percent'] }),
        AgentPlugin.swap(),
        AgentPlugin.disk({ paths: ['/', '/data'], dropOriginalMetrics: false, interval: Duration.minutes(1) }),
        AgentPlugin.diskIo({ resources: ['nvme0n1'] }),
        AgentPlugin.network({ resources: ['ens5'] }),
        AgentPlugin.netstat(),
        AgentPlugin.processes(),
        AgentPlugin.procstat({ exe: 'nginx' }),
        AgentPlugin.procstat({ pidFile: '/run/orders.pid', measurements: ['memory_rss'] }),
        AgentPlugin.nvidiaGpu(),
      ],
      logFiles: [{
        filePath: '/var/log/orders/**.log',
        logGroupName: '/orders/app',
        logStreamName: '{instance_id}-app',
        timestampFormat: '%Y-%m-%dT%H:%M:%S',
        multiLineStartPattern: '{timestamp_format}',
        filters: [AgentLogFilter.exclude('GET /health'), AgentLogFilter.include('ERROR|WARN')],
        encoding: 'latin1',
        retention: logs.RetentionDays.ONE_WEEK,
      }],
    });
    const json = renderAndKeep('every-linux-plugin', config);
    expect(json.agent.metrics_collection_interval).toBe(10);
    expect(json.metrics.namespace).toBe('Orders/Agent');
    const mc = json.metrics.metrics_collected;
    expect(Object.keys(mc)).toEqual(['cpu', 'mem', 'swap', 'disk', 'diskio', 'net', 'netstat', 'processes', 'procstat', 'nvidia_gpu']);
    expect(mc.cpu).toEqual({ measurement: ['usage_active', 'usage_iowait'], totalcpu: true, resources: ['*'] });
    expect(mc.disk.metrics_collection_interval).toBe(60);
    expect(mc.disk.drop_original_metrics).toBeUndefined();
    expect(mc.procstat).toEqual([
      { measurement: ['cpu_usage', 'memory_rss', 'pid_count'], exe: 'nginx' },
      { measurement: ['memory_rss'], pid_file: '/run/orders.pid' },
    ]);
    expect(json.logs.logs_collected.files.collect_list).toEqual([{
      file_path: '/var/log/orders/**.log',
      log_group_name: '/orders/app',
      log_stream_name: '{instance_id}-app',
      timestamp_format: '%Y-%m-%dT%H:%M:%S',
      multi_line_start_pattern: '{timestamp_format}',
      filters: [{ type: 'exclude', expression: 'GET /health' }, { type: 'include', expression: 'ERROR|WARN' }],
      encoding: 'latin1',
    }]);
  });

  test('Windows: counters, custom objects and event logs', () => {
    const config = new AgentConfig({
      os: AgentOs.WINDOWS,
      metrics: [
        AgentPlugin.windowsMemory(),
        AgentPlugin.windowsLogicalDisk({ instances: ['C:', 'D:'] }),
        AgentPlugin.windowsProcessor(),
        AgentPlugin.windowsPagingFile(),
        AgentPlugin.windowsPhysicalDisk(),
        AgentPlugin.windowsCounters('TCPv4', ['Connections Established']),
      ],
      windowsEventLogs: [
        { eventName: 'System', logGroupName: '/orders/windows/system' },
        { eventName: 'Application', logGroupName: '/orders/windows/application', levels: [WindowsEventLevel.ERROR] },
      ],
    });
    const json = renderAndKeep('windows', config);
    expect(json.metrics.metrics_collected.LogicalDisk).toEqual({ measurement: ['% Free Space', 'Free Megabytes'], resources: ['C:', 'D:'] });
    expect(json.metrics.metrics_collected.TCPv4).toEqual({ measurement: ['Connections Established'] });
    expect(json.metrics.aggregation_dimensions).toEqual([['AutoScalingGroupName'], ['AutoScalingGroupName', 'instance']]);
    expect(json.logs.logs_collected.windows_events.collect_list[1]).toEqual({
      event_name: 'Application', event_levels: ['ERROR'], log_group_name: '/orders/windows/application', log_stream_name: '{instance_id}',
    });
    expect(config.diskPaths).toEqual(['C:', 'D:']);
  });

  test.each([
    ['the recommended Linux plugins', new AgentConfig(), true],
    ['the recommended Windows plugins', new AgentConfig({ os: AgentOs.WINDOWS }), true],
    ['Linux without the memory plugin', new AgentConfig({ metrics: [AgentPlugin.cpu(), AgentPlugin.disk()] }), false],
    ['Windows without the Memory counters', new AgentConfig({ os: AgentOs.WINDOWS, metrics: [AgentPlugin.windowsLogicalDisk()] }), false],
  ])('says whether memory in use is collected: %s', (_what, config, collected) => {
    expect(config.collectsMemory).toBe(collected);
    if (collected) expect(() => config.metricMemUsedPercent(GROUP)).not.toThrow();
    else expect(() => config.metricMemUsedPercent(GROUP)).toThrow(/not collected/);
  });

  test('Windows disk usage is 100 - LogicalDisk free space per drive, C: when every drive is measured', () => {
    const windows = new AgentConfig({ os: AgentOs.WINDOWS });
    expect(windows.diskPaths).toEqual(['C:']);
    const used = windows.metricDiskUsedPercent('C:', GROUP, { statistic: 'Maximum' }) as any;
    expect(used.expression).toBe('100 - free');
    expect(used.usingMetrics.free.metricName).toBe('LogicalDisk % Free Space');
    expect(used.usingMetrics.free.statistic).toBe('Minimum');
    expect(used.usingMetrics.free.dimensions).toEqual({ AutoScalingGroupName: 'orders-api', instance: 'C:' });
    expect(() => windows.metricDiskUsedPercent('E:', GROUP)).toThrow(/a drive the LogicalDisk counters measure \(C:\), got 'E:'/);
  });

  test('a member of an Auto Scaling group is read with its group dimension, never {InstanceId} alone', () => {
    const config = new AgentConfig();
    const member = AgentMetricTarget.autoScalingGroupMember('i-0123456789abcdef0', 'orders-api');
    expect(config.metricMemUsedPercent(member).dimensions).toEqual({ AutoScalingGroupName: 'orders-api', InstanceId: 'i-0123456789abcdef0' });
    expect(config.metricDiskUsedPercent('/', member).dimensions).toEqual({ InstanceId: 'i-0123456789abcdef0', path: '/' });
    // with a per-instance roll-up, the roll-up is read
    const rolled = new AgentConfig({ aggregateByInstance: true });
    expect(rolled.metricMemUsedPercent(member).dimensions).toEqual({ InstanceId: 'i-0123456789abcdef0' });
    // a standalone instance keeps {InstanceId}
    expect(config.metricMemUsedPercent(INSTANCE).dimensions).toEqual({ InstanceId: INSTANCE.dimensionValue });
  });

  test('procstat publishes pid_count as procstat_lookup_pid_count, with its selector and pid_finder dimensions', () => {
    const config = new AgentConfig({ additionalMetrics: [AgentPlugin.procstat({ exe: 'gunicorn' }), AgentPlugin.procstat({ pidFile: '/run/nginx.pid' })] });
    expect(config.publishedDimensionSets('procstat_pid_count')).toEqual([]);
    expect(config.publishedDimensionSets('procstat_lookup_pid_count')).toEqual(expect.arrayContaining([
      'AutoScalingGroupName,InstanceId,exe,pid_finder', 'InstanceId,exe,pid_finder', 'InstanceId,pid_file,pid_finder',
    ]));
    expect(config.publishedDimensionSets('procstat_cpu_usage')).toEqual(expect.arrayContaining(['InstanceId,exe,pid_finder,process_name']));
  });

  test('a logs-only configuration renders no metrics section', () => {
    const json = renderAndKeep('logs-only', new AgentConfig({ metrics: [], logFiles: [{ filePath: '/var/log/messages', logGroupName: '/os/messages' }] }));
    expect(json.metrics).toBeUndefined();
    expect(json.logs.logs_collected.files.collect_list).toHaveLength(1);
  });

  test('opens the EMF listener on the agent\'s default address: logs.metrics_collected.emf, next to the log files', () => {
    const json = renderAndKeep('emf', new AgentConfig({
      logFiles: [{ filePath: '/var/log/orders/app.log', logGroupName: '/orders/app' }],
      emf: { logGroupName: '/orders/metrics', retention: logs.RetentionDays.TWO_WEEKS },
    }));
    expect(json.logs).toEqual({
      logs_collected: { files: { collect_list: [expect.objectContaining({ file_path: '/var/log/orders/app.log' })] } },
      metrics_collected: { emf: {} },
    });
    const emfOnly = renderAndKeep('emf-only', new AgentConfig({ metrics: [], emf: { logGroupName: '/orders/metrics' } }));
    expect(emfOnly).toEqual({ agent: { metrics_collection_interval: 60 }, logs: { metrics_collected: { emf: {} } } });
  });

  test('fails on an EMF log group with a bad name, infinite retention, or a retention other sources of the group disagree with', () => {
    expect(() => new AgentConfig({ emf: { logGroupName: 'bad name' } })).toThrow(/emf.logGroupName/);
    expect(() => new AgentConfig({ emf: { logGroupName: '/m', retention: logs.RetentionDays.INFINITE } })).toThrow(/emf.retention must be a finite retention/);
    expect(() => new AgentConfig({
      logFiles: [{ filePath: '/a.log', logGroupName: '/m', retention: logs.RetentionDays.ONE_WEEK }],
      emf: { logGroupName: '/m', retention: logs.RetentionDays.ONE_MONTH },
    })).toThrow(/the same for every source writing to one log group/);
  });

  describe('metric accessors return exactly a series the configuration publishes', () => {
    const linux = new AgentConfig({ additionalMetrics: [AgentPlugin.cpu(), AgentPlugin.netstat()] });
    const windows = new AgentConfig({ os: AgentOs.WINDOWS });
    const cases: Array<[string, AgentConfig, (t: AgentMetricTarget) => any, string, Record<string, string>, Record<string, string>]> = [
      ['memory', linux, t => linux.metricMemUsedPercent(t), 'mem_used_percent', {}, {}],
      ['swap', linux, t => linux.metricSwapUsedPercent(t), 'swap_used_percent', {}, {}],
      ['disk', linux, t => linux.metricDiskUsedPercent('/', t), 'disk_used_percent', { path: '/' }, { path: '/' }],
      ['inodes', linux, t => linux.metricDiskInodesFree('/', t), 'disk_inodes_free', { path: '/' }, { path: '/' }],
      ['cpu', linux, t => linux.metricCpuUsageActive(t), 'cpu_usage_active', {}, { cpu: 'cpu-total' }],
      ['tcp', linux, t => linux.metricTcpEstablished(t), 'netstat_tcp_established', {}, {}],
      ['windows memory', windows, t => windows.metricMemUsedPercent(t), 'Memory % Committed Bytes In Use', {}, { objectname: 'Memory' }],
      ['windows paging', windows, t => windows.metricSwapUsedPercent(t), 'Paging File % Usage', {}, { objectname: 'Paging File', instance: '_Total' }],
      ['windows disk', windows, t => windows.metricLogicalDiskFreePercent('C:', t), 'LogicalDisk % Free Space', { instance: 'C:' }, { objectname: 'LogicalDisk', instance: 'C:' }],
    ];
    test.each(cases)('%s', (_name, config, read, metricName, groupExtra, instanceExtra) => {
      const perGroup = read(GROUP);
      const perInstance = read(INSTANCE);
      expect(perGroup.metricName).toBe(metricName);
      expect(perGroup.namespace).toBe('CWAgent');
      expect(dims(perGroup)).toEqual({ ...groupExtra, AutoScalingGroupName: 'orders-api' });
      expect(dims(perInstance)).toEqual({ ...instanceExtra, InstanceId: 'i-0123456789abcdef0' });
      const published = config.publishedDimensionSets(metricName);
      for (const m of [perGroup, perInstance]) {
        expect(published).toContain(Object.keys(dims(m)).sort().join(','));
      }
    });

    test('reads per instance through the roll-up when ImageId is appended', () => {
      const config = new AgentConfig({
        appendDimensions: [AppendDimension.INSTANCE_ID, AppendDimension.IMAGE_ID, AppendDimension.AUTO_SCALING_GROUP_NAME],
        aggregateByInstance: true,
      });
      expect(dims(config.metricMemUsedPercent(INSTANCE))).toEqual({ InstanceId: 'i-0123456789abcdef0' });
      expect(config.publishedDimensionSets('mem_used_percent')).toContain('InstanceId');
    });

    test('periods follow the collection interval, never below a minute unless asked', () => {
      expect(new AgentConfig({ interval: Duration.seconds(10) }).metricMemUsedPercent(GROUP).period.toSeconds()).toBe(60);
      expect(new AgentConfig({ interval: Duration.minutes(5) }).metricMemUsedPercent(GROUP).period.toSeconds()).toBe(300);
      expect(new AgentConfig().metricMemUsedPercent(GROUP, { period: Duration.seconds(10) }).period.toSeconds()).toBe(10);
    });
  });

  test('counts the custom metric series it makes, per instance and per group', () => {
    const config = new AgentConfig({ additionalMetrics: [AgentPlugin.cpu()] });
    // mem 1 + swap 1 + disk 2 (rolled up per instance and path; originals dropped) + cpu 3
    expect(config.seriesPerInstance()).toBe(7);
    // per group: every metric once, plus the disk metrics per path
    expect(config.seriesPerAutoScalingGroup()).toBe(9);
  });

  describe('fails on what the agent would ignore or refuse', () => {
    const cases: Array<[string, () => unknown, RegExp]> = [
      ['an unknown measurement', () => AgentPlugin.memory({ measurements: ['mem_usedpercent'] }),
        /AgentConfig: mem.measurements must be measurements the agent knows for mem \(.*used_percent.*\), got 'mem_usedpercent'/],
      ['an empty measurement list', () => AgentPlugin.swap({ measurements: [] }), /swap.measurements must be a non-empty list, got \[\]/],
      ['a duplicate measurement', () => AgentPlugin.cpu({ measurements: ['usage_idle', 'cpu_usage_idle'] }), /cpu.measurements must be without duplicates, got 'usage_idle'/],
      ['a fractional interval', () => new AgentConfig({ interval: Duration.millis(1500) }), /interval must be whole seconds between 1 second and 2 days/],
      ['an interval over two days', () => new AgentConfig({ interval: Duration.days(3) }), /interval must be whole seconds/],
      ['a relative disk path', () => AgentPlugin.disk({ paths: ['data'] }), /disk.paths must be absolute mount paths.*got 'data'/],
      ['a duplicate disk path', () => AgentPlugin.disk({ paths: ['/', '/'] }), /disk.paths must be unique, got '\/'/],
      ['no disk path', () => AgentPlugin.disk({ paths: [] }), /disk.paths must be a non-empty list/],
      ['procstat with two selectors', () => AgentPlugin.procstat({ exe: 'a', pattern: 'b' }), /procstat must be given exactly one of exe, pattern or pidFile/],
      ['procstat with an invalid regex', () => AgentPlugin.procstat({ pattern: '([' }), /procstat.pattern must be a valid regular expression/],
      ['a namespace under AWS/', () => new AgentConfig({ namespace: 'AWS/EC2' }), /namespace must be a CloudWatch namespace/],
      ['a Windows plugin in a Linux config', () => new AgentConfig({ metrics: [AgentPlugin.windowsMemory()] }),
        /metrics\[Memory\] must be a linux plugin in a linux configuration \(set os: AgentOs.WINDOWS.*\), got 'a windows plugin'/],
      ['the same plugin twice', () => new AgentConfig({ metrics: [AgentPlugin.memory(), AgentPlugin.memory()] }), /metrics must be free of duplicate plugins \(merge the two mem plugins into one\), got 'mem'/],
      ['Windows event logs on Linux', () => new AgentConfig({ windowsEventLogs: [{ eventName: 'System', logGroupName: '/s' }] }),
        /windowsEventLogs must be empty in a linux configuration/],
      ['nothing to collect', () => new AgentConfig({ metrics: [] }), /metrics must be non-empty when no logs are collected/],
      ['duplicate appended dimensions', () => new AgentConfig({ appendDimensions: [AppendDimension.INSTANCE_ID, AppendDimension.INSTANCE_ID] }),
        /appendDimensions must be without duplicates/],
      ['group roll-ups without the group dimension', () => new AgentConfig({ appendDimensions: [AppendDimension.INSTANCE_ID] }),
        /appendDimensions must be including AUTO_SCALING_GROUP_NAME when aggregateByAutoScalingGroup is on/],
      ['an empty file path', () => new AgentConfig({ logFiles: [{ filePath: ' ', logGroupName: '/a' }] }), /logFiles.filePath must be a non-empty single-line path/],
      ['a duplicate file path', () => new AgentConfig({ logFiles: [{ filePath: '/a.log', logGroupName: '/a' }, { filePath: '/a.log', logGroupName: '/b' }] }),
        /logFiles must be free of duplicate file paths, got '\/a.log'/],
      ['a bad log group name', () => new AgentConfig({ logFiles: [{ filePath: '/a.log', logGroupName: 'has space' }] }), /logGroupName must be a log group name/],
      ['infinite retention', () => new AgentConfig({ logFiles: [{ filePath: '/a.log', logGroupName: '/a', retention: logs.RetentionDays.INFINITE }] }),
        /retention must be a finite retention/],
      ['two retentions for one group', () => new AgentConfig({
        logFiles: [
          { filePath: '/a.log', logGroupName: '/a', retention: logs.RetentionDays.ONE_WEEK },
          { filePath: '/b.log', logGroupName: '/a', retention: logs.RetentionDays.ONE_MONTH },
        ],
      }), /retention must be the same for every source writing to one log group/],
      ['an invalid multi-line pattern', () => new AgentConfig({ logFiles: [{ filePath: '/a.log', logGroupName: '/a', multiLineStartPattern: '[' }] }),
        /multiLineStartPattern must be a valid regular expression/],
      ['{timestamp_format} without a format', () => new AgentConfig({ logFiles: [{ filePath: '/a.log', logGroupName: '/a', multiLineStartPattern: '{timestamp_format}' }] }),
        /multiLineStartPattern must be used with timestampFormat/],
      ['an invalid filter', () => AgentLogFilter.include('('), /filters must be valid regular expressions/],
      ['eleven filters', () => new AgentConfig({ logFiles: [{ filePath: '/a.log', logGroupName: '/a', filters: Array.from({ length: 11 }, (_, i) => AgentLogFilter.exclude(`x${i}`)) }] }),
        /filters must be at most 10 filters, got 11/],
      ['an unknown encoding', () => new AgentConfig({ logFiles: [{ filePath: '/a.log', logGroupName: '/a', encoding: 'utf-9' }] }), /encoding must be one of utf-8/],
      ['no event levels', () => new AgentConfig({ os: AgentOs.WINDOWS, windowsEventLogs: [{ eventName: 'System', logGroupName: '/s', levels: [] }] }),
        /levels must be a non-empty list/],
      ['a metric that is not collected', () => new AgentConfig().metricCpuUsageActive(GROUP),
        /metric cpu_usage_active must be collected: add AgentPlugin.cpu\(\) with measurement usage_active/],
      ['a disk path that is not measured', () => new AgentConfig().metricDiskUsedPercent('/data', GROUP), /must be read for a measured path \(\/\), got '\/data'/],
      ['a group series without group roll-ups', () => new AgentConfig({ aggregateByAutoScalingGroup: false }).metricMemUsedPercent(GROUP),
        /metric mem_used_percent must be published per AutoScalingGroupName to be read that way \(keep aggregateByAutoScalingGroup on/],
      ['an instance series that carries ImageId', () => new AgentConfig({
        appendDimensions: [AppendDimension.INSTANCE_ID, AppendDimension.IMAGE_ID, AppendDimension.AUTO_SCALING_GROUP_NAME],
      }).metricMemUsedPercent(INSTANCE), /must be published per InstanceId to be read that way.*publishes \[/],
      ['a Windows plugin in a Linux configuration, naming os', () => new AgentConfig({ metrics: [AgentPlugin.windowsMemory()] }),
        /must be a linux plugin in a linux configuration \(set os: AgentOs.WINDOWS on the AgentConfig/],
      ['a second disk plugin in additionalMetrics, naming metrics', () => new AgentConfig({ additionalMetrics: [AgentPlugin.disk({ paths: ['/data'] })] }),
        /the recommended set already has disk: to change it, give metrics instead of additionalMetrics, for example metrics: \[AgentPlugin.memory\(\), AgentPlugin.swap\(\), AgentPlugin.disk\(\{ ... \}\)\]/],
    ];
    test.each(cases)('fails on %s', (_name, make, message) => {
      expect(make).toThrow(message);
    });
  });
});
