#!/usr/bin/env python3
"""The example app in Python: the same stack as examples/app.ts, construct for construct.

`compare.py` synthesizes both and checks that they produce the same templates.
"""
import os

import aws_cdk as cdk
from aws_cdk import (
    Duration,
    RemovalPolicy,
    Stack,
    Validations,
    aws_cloudwatch as cloudwatch,
    aws_ec2 as ec2,
    aws_iam as iam,
    aws_kms as kms,
    aws_logs as logs,
)
from cdk_nag import AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks
from constructs import Construct

import cdk_watchkeeper as wk


def add_example_alarms(scope: Construct, alerts: wk.IAlertTopic) -> None:
    """Presets on an instance this app does not define, and fleet-wide alarms (examples/alarms.ts)."""
    routing = wk.AlarmRouting.to_topic(alerts)
    legacy = wk.InstanceAlarms(
        scope, "LegacyHostAlarms",
        instance_id="i-0123456789abcdef0",
        instance_type=ec2.InstanceType("t3.small"),
        routing=routing,
        alarm_name_prefix="example-legacy-host",
        runbook_url="https://wiki.example.com/runbooks/legacy-host",
        tags={"service": "example", "team": "platform"},
        cpu=wk.PercentAlarmOptions(threshold_percent=85),
    )
    # Resource tags for telemetry: one setting per account and Region, kept in the account setup.
    cdk.Annotations.of(scope).acknowledge_warning(
        "cdk-watchkeeper:MetricsInsights.resourceTagsForTelemetry",
        "Resource tags for telemetry are turned on once per account and Region by the account setup, outside this app.",
    )
    fleet = wk.AlarmSet(scope, "FleetAlarms", routing=routing, alarm_name_prefix="example-fleet", tags={"service": "example"})
    any_status_check = fleet.add_metrics_insights_alarm(
        "AnyStatusCheckFailed",
        query=wk.MetricsInsightsQuery.aggregate(
            aggregation=wk.MetricsInsightsAggregation.MAX,
            namespace="AWS/EC2",
            metric_name="StatusCheckFailed",
            schema_dimensions=["InstanceId"],
            where={"tag.fleet": "example-legacy"},
        ),
        threshold=1,
        period=Duration.minutes(1),
        evaluation_periods=3,
        severity=wk.AlarmSeverity.CRITICAL,
        description="At least one instance of the legacy fleet (tagged fleet=example-legacy) fails a status check. "
        "Run the query grouped by InstanceId in CloudWatch Metrics Insights to find it.",
    )
    fleet.add_metrics_insights_alarm(
        "BusiestCpu",
        query=wk.MetricsInsightsQuery.aggregate(
            aggregation=wk.MetricsInsightsAggregation.MAX,
            namespace="AWS/EC2",
            metric_name="CPUUtilization",
            schema_dimensions=["InstanceId"],
            where={"tag.fleet": "example-legacy"},
        ),
        threshold=95,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    )
    fleet.add_composite_alarm(
        "LegacyHostDown",
        rule=cloudwatch.AlarmRule.all_of(
            cloudwatch.AlarmRule.from_alarm(any_status_check, cloudwatch.AlarmState.ALARM),
            cloudwatch.AlarmRule.any_of(*[cloudwatch.AlarmRule.from_alarm(a, cloudwatch.AlarmState.ALARM) for a in legacy.liveness_alarms]),
        ),
        description="The legacy host fails its status checks. Follow the runbook.",
        runbook_url="https://wiki.example.com/runbooks/legacy-host",
    )
    fleet.add_anomaly_alarm(
        "LegacyHostCpuAnomaly",
        cloudwatch.Metric(
            namespace="AWS/EC2", metric_name="CPUUtilization", dimensions_map={"InstanceId": legacy.instance_id}, period=Duration.minutes(5),
        ),
        direction=wk.AnomalyDirection.ABOVE,
        severity=wk.AlarmSeverity.INFO,
    )


def add_example_services(scope: Construct, alert_topic: wk.IAlertTopic, idle_shutdown: wk.IdleShutdown):
    """A compliant VPC, the orders API on a group and the batch worker instance (examples/service.ts)."""
    region = Stack.of(scope).region
    log_key = kms.Key(scope, "LogKey", description="Encrypts the example service logs", enable_key_rotation=True)
    # Only log groups of this account and Region may use the key (CloudWatch Logs sends the
    # group's ARN as encryption context).
    log_key.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal(f"logs.{region}.amazonaws.com")],
            actions=["kms:Decrypt", "kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"],
            resources=["*"],
            conditions={
                "ArnLike": {
                    "kms:EncryptionContext:aws:logs:arn": Stack.of(scope).format_arn(
                        service="logs", resource="log-group", resource_name="*", arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME
                    )
                }
            },
        )
    )

    def log_group(construct_id: str, name: str) -> logs.LogGroup:
        return logs.LogGroup(
            scope, construct_id, log_group_name=name, encryption_key=log_key,
            retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.RETAIN,
        )

    vpc = ec2.Vpc(
        scope, "Vpc",
        max_azs=2,
        nat_gateways=1,
        restrict_default_security_group=True,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="public", subnet_type=ec2.SubnetType.PUBLIC, map_public_ip_on_launch=False),
            ec2.SubnetConfiguration(name="app", subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
        ],
    )
    for subnet in vpc.public_subnets:
        route = subnet.node.find_child("DefaultRoute")
        for pack in ["NIST.800.53.R5", "HIPAA.Security", "PCI.DSS.321"]:
            Validations.of(route).acknowledge(cdk.Acknowledgment(
                id=f"{pack}-VPCNoUnrestrictedRouteToIGW",
                reason="Public subnet of the NAT gateway only: instances run in private subnets without public addresses.",
            ))
    flow_log_group = log_group("FlowLogGroup", "/example/vpc-flow-logs")
    flow_log_role = iam.Role(scope, "FlowLogRole", assumed_by=iam.ServicePrincipal("vpc-flow-logs.amazonaws.com"))
    iam.ManagedPolicy(
        scope, "FlowLogPolicy",
        roles=[flow_log_role],
        statements=[iam.PolicyStatement(
            actions=["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            resources=[flow_log_group.log_group_arn],
        )],
    )
    vpc.add_flow_log(
        "FlowLogs",
        destination=ec2.FlowLogDestination.to_cloud_watch_logs(flow_log_group, flow_log_role.without_policy_updates()),
    )

    api = wk.MonitoredService(
        scope, "Api",
        vpc=vpc,
        alert_topic=alert_topic,
        service_name="orders-api",
        alarms=wk.ServiceAlarmOptions(owner="orders-team", runbook_url="https://wiki.example.com/runbooks/orders-api"),
        compute=wk.ServiceCompute.new_auto_scaling_group(min_capacity=2, max_capacity=6),
        log_groups=[log_group("ApiLogs", "/example/orders-api")],
        agent=wk.AgentConfig(
            additional_metrics=[wk.AgentPlugin.cpu(), wk.AgentPlugin.netstat()],
            log_files=[wk.AgentLogFileProps(
                file_path="/var/log/orders-api/access.log",
                log_group_name="/example/orders-api/access",
                filters=[wk.AgentLogFilter.exclude("GET /health")],
            )],
        ),
    )
    api.scale_on_cpu_utilization("CpuScaling", target_utilization_percent=50)
    api.scale_on_memory_utilization("MemoryScaling", target_utilization_percent=70)
    api.scale_on_business_hours(
        "BusinessHours",
        time_zone="Europe/Berlin",
        during_hours=wk.ScheduledCapacity(min_capacity=2),
        outside_hours=wk.ScheduledCapacity(min_capacity=1),
    )
    # Sunday-night patching: the API's alarms are muted for an hour (they keep evaluating).
    wk.MaintenanceWindow(scope, "ApiPatching", schedule="cron(0 3 * * SUN)", duration=Duration.hours(1), time_zone="Europe/Berlin", services=[api])

    worker = wk.MonitoredService(
        scope, "Worker",
        vpc=vpc,
        alert_topic=alert_topic,
        service_name="batch-worker",
        alarms=wk.ServiceAlarmOptions(owner="batch-team"),
        compute=wk.ServiceCompute.new_instance(instance_type=ec2.InstanceType("t3.medium")),
        log_groups=[log_group("WorkerLogs", "/example/batch-worker")],
        event_notifications=True,
        idle_shutdown=idle_shutdown,
        agent=wk.AgentConfig(
            additional_metrics=[wk.AgentPlugin.procstat(exe="batch-worker")],
            log_files=[wk.AgentLogFileProps(
                file_path="/var/log/batch-worker/*.log",
                log_group_name="/example/batch-worker/jobs",
                timestamp_format="%Y-%m-%dT%H:%M:%S",
                multi_line_start_pattern="{timestamp_format}",
            )],
        ),
    )
    return api, worker


def add_example_logs(scope: Construct, alerts: wk.IAlertTopic, app_role: iam.IRole, auto_scaling_group) -> None:
    """App log group, metric filters, saved queries, grants, event rules and the audit trail (examples/logs.ts)."""
    api_logs = wk.AppLogGroup(scope, "ApiAppLogs", log_group_name="/example/orders-api/app")
    api_logs.add_no_logs_alarm("ApiSilent", alert_topic=alerts)
    metrics = wk.JsonLogMetrics(scope, "ApiLogMetrics", log_group=api_logs.log_group, namespace="WatchkeeperExample/Api", alert_topic=alerts)
    metrics.add_error_count("Errors", alarm=wk.LogMetricAlarmOptions(threshold=5, evaluation_periods=2))
    metrics.add_latency("Latency", dimensions={"Route": "route"}, alarm=wk.LogMetricAlarmOptions(threshold=1500, evaluation_periods=3))
    metrics.add_status_class_count("ServerErrors", status_class=wk.HttpStatusClass.SERVER_ERROR, alarm=wk.LogMetricAlarmOptions(threshold=10))
    metrics.add_status_class_count("ClientErrors", status_class=wk.HttpStatusClass.CLIENT_ERROR)
    # Error lines, with up to 20 of them (the traceback) in the notification email.
    metrics.add_error_log_alarm("ErrorLines", log_lines=20)
    # The API's log alarms belong to the orders team, like its other alarms.
    cdk.Tags.of(metrics).add("service", "orders-api")
    cdk.Tags.of(metrics).add("owner", "orders-team")
    wk.LogQueries(scope, "ApiQueries", log_groups=[api_logs.log_group], folder="watchkeeper-example/api", slow_request_threshold=Duration.millis(800))
    api_logs.grant_write(app_role)
    access = wk.TelemetryAccess(scope, "ApiTelemetryAccess", log_groups=[api_logs.log_group])
    access.grant_put_metric_data(app_role, "WatchkeeperExample/Api")
    # What the API publishes with PutMetricData (about one call a second), for the cost report.
    wk.AppMetrics(
        scope, "ApiAppMetrics",
        namespace="WatchkeeperExample/Api",
        metric_names=["RequestCount", "ResponseTime"],
        dimensions=["Method", "Route", "StatusCode"],
        series=60,
        transport=wk.AppMetricsTransport.put_metric_data(1),
    )
    access.grant_read(iam.Role(scope, "OnCallReadOnly", assumed_by=iam.AccountRootPrincipal()))
    wk.EventNotifications(scope, "ApiEvents", alert_topic=alerts, auto_scaling_groups=[auto_scaling_group])
    wk.AuditTrail(scope, "Audit", alert_topic=alerts, trail_name="watchkeeper-example-audit")


class ExampleServiceStack(Stack):
    """A web API and a batch worker, watched (examples/app.ts)."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        # Who hears that alerts do not arrive: a second topic, since the alert topic cannot
        # deliver news of its own failure.
        escalation = wk.AlertTopic(self, "Escalation", display_name="Example alert delivery failures", emails=["platform@example.com"])
        alerts = wk.AlertTopic(
            self, "Alerts",
            display_name="Example service alerts",
            emails=["oncall@example.com"],
            failed_delivery_routing=wk.AlarmRouting.to_topic(escalation),
        )
        # The orders team's pager hears only its CRITICAL alarms (by the tags alarms carry).
        alerts.add_sms_subscription("+14155550100", severities=[wk.AlarmSeverity.CRITICAL], owners=["orders-team"])
        add_example_alarms(self, alerts)
        idle_shutdown = wk.IdleShutdown(self, "IdleShutdown", alert_topic=alerts, expected_instances=1)
        api, worker = add_example_services(self, alerts, idle_shutdown)
        wk.ScheduledStartStop(
            self, "WorkerOfficeHours",
            instances=worker.instances,
            alert_topic=alerts,
            start="cron(0 7 ? * MON-FRI *)",
            stop="cron(0 20 ? * MON-FRI *)",
            time_zone="Europe/Berlin",
            liveness_alarms=[a for s in worker.alarm_sets for a in s.liveness_alarms],
        )
        # One Metrics Insights alarm per signal for every group, acting per instance (examples/alarms.ts).
        fleet = wk.FleetAlarms(
            self, "ServiceFleet",
            routing=wk.AlarmRouting.to_topic(alerts),
            runbook_url="https://wiki.example.com/runbooks/fleet",
        )
        for service in [api, worker]:
            if service.auto_scaling_group is not None:
                fleet.add_auto_scaling_group(service.auto_scaling_group)
        add_example_logs(self, alerts, api.role, api.auto_scaling_group)
        # Log ingestion and storage need a volume: about 1 GB a month for each log group here.
        wk.CostReport(
            self, "CostReport", title="Example service", default_log_gb_per_month=1,
            print=os.environ.get("WATCHKEEPER_QUIET") is None,
        )


app = cdk.App()
ExampleServiceStack(app, "WatchkeeperExample")
# monitoring-report.md and .html in cdk.out: every alarm, log group, schedule and dollar.
wk.MonitoringReport.of(app)
Validations.of(app).add_plugins(
    AwsSolutionsChecks(app),
    NIST80053R5Checks(app),
    HIPAASecurityChecks(app),
    PCIDSS321Checks(app),
)
app.synth()
