package dev.labq.store.checkpoint;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.labq.store.checkpoint.CheckpointException.Problem.INVALID_STAGING;
import static dev.labq.store.checkpoint.CheckpointException.Problem.STORAGE;

/**
 * A regular file found in a staging directory as a commit began: where, how large, when last modified, so a file
 * still being written while it is committed is noticed.
 */
record StagedFile(Path file, String relative, long size, long modifiedNanos) {

    /** The files under {@code staging}, in path order; refuses what cannot be committed as a checkpoint. */
    static List<StagedFile> scan(Path staging) {
        if (!Files.isDirectory(staging, LinkOption.NOFOLLOW_LINKS)) {
            throw new CheckpointException(INVALID_STAGING, "staging=" + staging + " is not a directory; commit the"
                    + " directory labq gave the job as LABQ_CHECKPOINT_DIR");
        }
        List<StagedFile> files = new ArrayList<>();
        try {
            Files.walkFileTree(staging, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    String relative = staging.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                    if (attributes.isSymbolicLink()) {
                        Path target = Files.readSymbolicLink(file);
                        throw new CheckpointException(INVALID_STAGING, "file=" + relative + " is a symbolic link (to "
                                + target + "); a checkpoint holds regular files only: copy what it points to into the"
                                + " staging directory");
                    }
                    if (!attributes.isRegularFile()) {
                        throw new CheckpointException(INVALID_STAGING, "file=" + relative + " is not a regular file;"
                                + " a checkpoint holds regular files only");
                    }
                    if (relative.indexOf('\n') >= 0) {
                        throw new CheckpointException(INVALID_STAGING, "file=" + relative.replace("\n", "\\n")
                                + " has a newline in its name; rename it");
                    }
                    files.add(new StagedFile(file, relative, attributes.size(), attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS)));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new CheckpointException(STORAGE, "staging=" + staging + " cannot be read (" + e.getMessage() + ")", e);
        }
        if (files.isEmpty()) {
            throw new CheckpointException(INVALID_STAGING, "staging=" + staging + " holds no file; write the job's"
                    + " state into $LABQ_CHECKPOINT_DIR, then commit");
        }
        files.sort((a, b) -> a.relative.compareTo(b.relative));
        return files;
    }

    /** Refuses the commit when {@code now} (the file as read) is not the file as scanned. */
    void requireUnchanged(Path now) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(now, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        long modified = attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS);
        if (attributes.size() != size || modified != modifiedNanos) {
            throw new CheckpointException(INVALID_STAGING, "file=" + relative + " changed while it was being committed"
                    + " (size " + size + " -> " + attributes.size() + "); finish writing the state, then commit");
        }
    }
}
