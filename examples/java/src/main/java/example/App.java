package example;

import java.util.List;

import dev.cdkwatchkeeper.AgentConfig;
import dev.cdkwatchkeeper.AgentLogFileProps;
import dev.cdkwatchkeeper.AgentPlugin;
import dev.cdkwatchkeeper.AlertTopic;
import dev.cdkwatchkeeper.IdleShutdown;
import dev.cdkwatchkeeper.MonitoredService;
import dev.cdkwatchkeeper.ServiceCompute;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.ec2.Vpc;

/** A watched batch worker in Java: the agent, presets, idle shutdown. */
public final class App {
    public static void main(final String[] args) {
        software.amazon.awscdk.App app = new software.amazon.awscdk.App();
        Stack stack = new Stack(app, "WatchkeeperJava");
        AlertTopic alerts = AlertTopic.Builder.create(stack, "Alerts").emails(List.of("oncall@example.com")).build();
        IdleShutdown idle = IdleShutdown.Builder.create(stack, "IdleShutdown").alertTopic(alerts).build();
        MonitoredService.Builder.create(stack, "Worker")
            .vpc(Vpc.Builder.create(stack, "Vpc").maxAzs(2).build())
            .alertTopic(alerts)
            .compute(ServiceCompute.newInstance())
            .idleShutdown(idle)
            .agent(AgentConfig.Builder.create()
                .additionalMetrics(List.of(AgentPlugin.cpu()))
                .logFiles(List.of(AgentLogFileProps.builder().filePath("/var/log/worker.log").logGroupName("/worker/app").build()))
                .build())
            .build();
        app.synth();
    }
}
