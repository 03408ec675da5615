package dev.labq.cli;

import dev.labq.core.LabqScheduler;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.function.UnaryOperator;

/**
 * A real scheduler on a {@link TestHome}, serving its commands as {@code labq serve} does (ticking every 20 ms),
 * closed after each test: {@code @RegisterExtension final ServedHome served = new ServedHome();}.
 */
final class ServedHome implements AfterEachCallback {
    private LabqScheduler scheduler;

    /** Starts a scheduler on {@code home}, with the home's labq.yaml as it is now. */
    LabqScheduler start(TestHome home) {
        return start(home, b -> b);
    }

    /** Starts a scheduler on {@code home} with {@code options} added to the builder. */
    LabqScheduler start(TestHome home, UnaryOperator<LabqScheduler.Builder> options) {
        scheduler = options.apply(LabqScheduler.builder(home.root).serveCommands(ServeCommand::commands).tickMillis(20)).start();
        return scheduler;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (scheduler != null) {
            scheduler.close();
            scheduler = null;
        }
    }
}
