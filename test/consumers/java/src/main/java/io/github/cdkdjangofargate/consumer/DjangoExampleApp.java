package io.github.cdkdjangofargate.consumer;

import io.github.cdkdjangofargate.DjangoFargateEnvironment;
import io.github.cdkdjangofargate.ScheduledCommandOptions;
import io.github.cdkdjangofargate.WorkerOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.TimeZone;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.scheduler.CronOptionsWithTimezone;
import software.amazon.awscdk.services.scheduler.ScheduleExpression;

/**
 * The example Django environment of examples/app/main.ts, written in Java
 * against the published artifact, as a Java user would write it.
 *
 * <p>Driven by system properties (run.sh sets them on the mvn command line):
 * <ul>
 *   <li>{@code consumer.repoRoot}: the repository root (for examples/)</li>
 *   <li>{@code consumer.outdir}: synthesize the app into this directory</li>
 *   <li>{@code consumer.invalidCapacityMessageFile}: first build the construct
 *       with minCapacity 3 and maxCapacity 2, and write the error's message here</li>
 * </ul>
 * Both steps run in one JVM, since each start of the jsii runtime costs seconds.
 * Keep the props in step with examples/app/main.ts; run.sh compares the templates.
 */
public final class DjangoExampleApp {
    private DjangoExampleApp() {
    }

    public static void main(final String[] args) throws IOException {
        Path examples = Paths.get(required("consumer.repoRoot")).toAbsolutePath().resolve("examples");
        boolean ok = true;

        String messageFile = System.getProperty("consumer.invalidCapacityMessageFile");
        if (messageFile != null) {
            ok &= checkInvalidCapacity(Paths.get(messageFile));
        }
        String outdir = System.getProperty("consumer.outdir");
        if (outdir != null) {
            synthesize(examples, outdir);
        }
        if (!ok) {
            System.exit(1);
        }
    }

    static void synthesize(final Path examples, final String outdir) {
        App app = new App(AppProps.builder().outdir(outdir).build());
        Stack stack = new Stack(app, "DjangoExample", StackProps.builder()
                .description("Example Django environment built with cdk-django-fargate")
                .build());

        DjangoFargateEnvironment.Builder.create(stack, "Production")
                .project("team-task")
                .environment("production")
                // The Django project beside the TypeScript app; `cdk deploy` builds and pushes it.
                .image(ContainerImage.fromAsset(examples.resolve("django-app").toString()))
                .healthCheckPath("/health/")
                .vpcCidr("10.20.0.0/16")
                .publicSubnetCidrs(List.of("10.20.101.0/24", "10.20.102.0/24"))
                .privateSubnetCidrs(List.of("10.20.1.0/24", "10.20.2.0/24", "10.20.3.0/24"))
                .lifecyclePolicyFile(examples.resolve("app").resolve("ecr-lifecycle-policy.json").toString())
                .containerSecrets(Map.of("EMAIL_HOST_PASSWORD", "email_host_password"))
                .containerEnvironment(Map.of("DJANGO_LOG_LEVEL", "INFO"))
                .databaseBackupRetention(Duration.days(14))
                .enableCache(true)
                .workers(List.of(
                        WorkerOptions.builder()
                                .name("celery")
                                .command(List.of("celery", "-A", "config", "worker", "-l", "info"))
                                .build(),
                        WorkerOptions.builder()
                                .name("beat")
                                .command(List.of("celery", "-A", "config", "beat", "-l", "info",
                                        "--schedule", "/tmp/celerybeat-schedule"))
                                .singleton(true)
                                .build()))
                .scheduledCommands(List.of(
                        ScheduledCommandOptions.builder()
                                .name("clearsessions")
                                .schedule(ScheduleExpression.cron(CronOptionsWithTimezone.builder()
                                        .minute("30")
                                        .hour("3")
                                        .timeZone(TimeZone.ETC_UTC)
                                        .build()))
                                .command(List.of("python", "manage.py", "clearsessions"))
                                .build()))
                .build();

        app.synth();
    }

    /** Same invalid props as test/consumers/ts-error-message.js. */
    static boolean checkInvalidCapacity(final Path messageFile) throws IOException {
        App app = new App();
        Stack stack = new Stack(app, "DjangoExample");
        try {
            DjangoFargateEnvironment.Builder.create(stack, "Production")
                    .project("team-task")
                    .environment("production")
                    .minCapacity(3)
                    .maxCapacity(2)
                    .build();
        } catch (RuntimeException e) {
            System.out.println("java threw " + e.getClass().getName());
            Files.write(messageFile, String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8));
            return true;
        }
        System.out.println("FAIL: minCapacity 3 > maxCapacity 2 was accepted; expected a validation error");
        return false;
    }

    private static String required(final String property) {
        String value = System.getProperty(property);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("set -D" + property);
        }
        return value;
    }
}
