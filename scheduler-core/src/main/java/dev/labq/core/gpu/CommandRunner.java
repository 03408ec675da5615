package dev.labq.core.gpu;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a tool and hands back what it printed: the seam where recorded {@code nvidia-smi} outputs stand in for
 * the real one ({@link RecordedNvidiaSmi}), so discovery is tested without a GPU.
 */
public interface CommandRunner {

    /** What a command printed, and how it exited. */
    record Output(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /**
     * Runs {@code argv} to its end.
     *
     * @throws IOException when it cannot be run at all (not installed), or did not end within the runner's limit
     */
    Output run(List<String> argv) throws IOException;

    /** Real processes, each given {@code limit} to finish before it is killed. */
    static CommandRunner system(Duration limit) {
        return argv -> {
            Process p = new ProcessBuilder(argv).start();
            p.getOutputStream().close();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
            try {
                if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    throw new IOException(String.join(" ", argv) + " did not end within " + limit.toSeconds() + " s");
                }
                return new Output(p.exitValue(), out.join(), err.join());
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running " + argv.get(0), e);
            }
        };
    }

    private static String drain(InputStream in) {
        try (in) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            return bytes.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
