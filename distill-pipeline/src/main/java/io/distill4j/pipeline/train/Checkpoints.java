package io.distill4j.pipeline.train;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

import io.distill4j.api.exception.DistillationException;

/**
 * Where {@link StudentTrainer} keeps its checkpoint: nowhere ({@link #none()}), or one file in a
 * directory ({@link #in(Path)}). With a directory, the trainer writes the checkpoint after every
 * epoch, replacing the previous one atomically, and a later call with the same directory resumes from
 * it (or, if that run had finished, returns its result at once). To start over, delete the file or
 * use another directory.
 *
 * <pre>{@code
 * TrainingResult result = trainer.train(model, train, validation, progress, cancelled,
 *         Checkpoints.in(Path.of("work/job-17/checkpoints")));
 * }</pre>
 *
 * <p>A value; it holds no resource. The directory is created when the first checkpoint is written.
 */
public final class Checkpoints {

    /** The name of the checkpoint file inside the directory. */
    public static final String FILE_NAME = "student-trainer.ckpt";

    private static final Checkpoints NONE = new Checkpoints(null);

    private final Path directory;

    private Checkpoints(Path directory) {
        this.directory = directory;
    }

    /** No checkpoints: nothing is written, nothing is resumed. */
    public static Checkpoints none() {
        return NONE;
    }

    /**
     * Checkpoints in {@code directory}, as the file {@value #FILE_NAME}.
     * @param directory where the checkpoint is written; created if missing
     */
    public static Checkpoints in(Path directory) {
        return new Checkpoints(Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize());
    }

    /** The directory, absolute; empty for {@link #none()}. */
    public Optional<Path> directory() {
        return Optional.ofNullable(this.directory);
    }

    /** The checkpoint file, whether it exists yet or not; empty for {@link #none()}. */
    public Optional<Path> file() {
        return directory().map(d -> d.resolve(FILE_NAME));
    }

    /**
     * The last epoch the checkpoint in the directory completed: a {@link StudentTrainer#train} call with
     * these checkpoints goes on with the epoch after it (or, if that run had finished, returns at once).
     * Reads and checks the whole file. Empty for {@link #none()} and while no checkpoint has been written.
     * @throws DistillationException if the checkpoint is damaged or unreadable
     */
    public OptionalInt savedEpoch() {
        if (this.directory == null) {
            return OptionalInt.empty();
        }
        TrainingCheckpoint checkpoint = TrainingCheckpoint.read(this.directory.resolve(FILE_NAME));
        return (checkpoint == null) ? OptionalInt.empty() : OptionalInt.of(checkpoint.epoch());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Checkpoints that && Objects.equals(this.directory, that.directory);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(this.directory);
    }

    @Override
    public String toString() {
        return (this.directory == null) ? "Checkpoints.none()" : "Checkpoints.in(" + this.directory + ")";
    }
}
