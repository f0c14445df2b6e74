package io.distill4j.pipeline.tune;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import io.distill4j.engine.files.FileTrees;
import io.distill4j.pipeline.student.StudentConfig;
import io.distill4j.pipeline.train.Checkpoints;
import io.distill4j.pipeline.train.EncodedSplit;
import io.distill4j.pipeline.train.RunFingerprint;
import io.distill4j.pipeline.train.TrainerConfig;
import io.distill4j.pipeline.train.TrainingResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the tuning trials of a job keep their training {@link Checkpoints}, so that the same spec run
 * again after its process died picks every trial up where it stopped: {@code
 * <workDirectory>/checkpoints/<key>/}, the key being a SHA-256 over everything a trial's training depends
 * on (see {@link #components}): the data as the student sees it (token ids after vocabulary pruning,
 * hard labels and the teacher's soft targets, of the training and validation splits), the student's
 * configuration (architecture, sizes, vocabulary size), the candidate (its label, settings,
 * temperature, alpha, learning rate) and the trainer's configuration (the rung's epochs, batch size,
 * learning rate, patience, seed, …). The same spec on the same data and distiller settings finds the same
 * directories; a change to any of these gives other ones, never another run's checkpoint. What only
 * shapes the search (the time budget, the number of trials, the distiller's maximum epochs) is not part
 * of the key: a trial trained the same way is the same trial.
 *
 * <pre>{@code
 * TrialCheckpoints checkpoints = TrialCheckpoints.under(config.workDirectory());
 * TrainingResult result = trainer.train(model, train, validation, progress, stop,
 *         checkpoints.forTrial(candidate, studentConfig, trainerConfig, train, validation));
 * // ... when the whole job has succeeded:
 * checkpoints.deleteAll();
 * }</pre>
 *
 * <p>The directories are for crash recovery only: the job deletes those it used ({@link #deleteAll()})
 * when it succeeds, and keeps them when it fails or is cancelled. One instance serves one job on one
 * thread. Two jobs of identical specs running at once share directories; both still train correctly,
 * but each may resume from the other's checkpoints and the first to succeed deletes them.
 */
public final class TrialCheckpoints {

    private static final Logger logger = LoggerFactory.getLogger(TrialCheckpoints.class);

    /** The folder under the work directory that holds every job's trial checkpoints. */
    public static final String DIRECTORY = "checkpoints";

    /** Version of the key's derivation; part of every key, so a new derivation never meets old folders. */
    static final int KEY_VERSION = 2;

    private final Path root;

    private final Set<Path> used = new LinkedHashSet<>();

    private EncodedSplit digestedTrain;

    private EncodedSplit digestedValidation;

    private String dataDigest;

    private TrialCheckpoints(Path root) {
        this.root = root;
    }

    /** The trial checkpoints of a job of a distiller working in {@code workDirectory}. */
    public static TrialCheckpoints under(Path workDirectory) {
        return new TrialCheckpoints(Objects.requireNonNull(workDirectory, "workDirectory").resolve(DIRECTORY)
                .toAbsolutePath().normalize());
    }

    /** {@code <workDirectory>/checkpoints}, absolute. */
    Path root() {
        return this.root;
    }

    /**
     * The checkpoints of one trial, in the directory its key names; the directory is remembered for
     * {@link #deleteAll()}. Nothing is written here; the trainer creates the directory.
     */
    public Checkpoints forTrial(Candidate candidate, StudentConfig student, TrainerConfig training,
            EncodedSplit train, EncodedSplit validation) {
        Path directory = this.root.resolve(key(components(candidate, student, training, data(train, validation))));
        this.used.add(directory);
        return Checkpoints.in(directory);
    }

    /** The directories handed out so far, in order, each once. */
    List<Path> directories() {
        return List.copyOf(this.used);
    }

    /**
     * Deletes every directory handed out, and {@link #root()} if that leaves it empty. A directory that
     * cannot be deleted is logged and left: the job's result does not depend on it.
     */
    public void deleteAll() {
        for (Path directory : this.used) {
            try {
                FileTrees.delete(directory);
            }
            catch (UncheckedIOException ex) {
                logger.warn("Could not delete the trial checkpoints {}: {}", directory, ex.toString());
            }
        }
        this.used.clear();
        try {
            Files.deleteIfExists(this.root);
        }
        catch (DirectoryNotEmptyException ex) {
            // Other jobs' checkpoints are still there.
        }
        catch (IOException ex) {
            logger.warn("Could not delete {}: {}", this.root, ex.toString());
        }
    }

    /**
     * What a trial's key is computed from, by name.
     * @param dataDigest the SHA-256 of the splits the trial trains and validates on, see {@link #data}
     */
    static SortedMap<String, String> components(Candidate candidate, StudentConfig student,
            TrainerConfig training, String dataDigest) {
        SortedMap<String, String> components = new TreeMap<>();
        components.put("version", Integer.toString(KEY_VERSION));
        components.put("candidate", candidate.describe().toString());
        components.put("student", student.getClass().getSimpleName() + " " + student);
        components.put("trainer", training.toString());
        components.put("data", dataDigest);
        return components;
    }

    /** The key of a trial: the {@link RunFingerprint#hash()} of its components. */
    static String key(Map<String, String> components) {
        return RunFingerprint.of(components).hash();
    }

    /**
     * The SHA-256 of the splits as the student sees them ({@link RunFingerprint#data}): token ids, hard
     * labels and the teacher's rows. Computed once for the splits of a job.
     */
    String data(EncodedSplit train, EncodedSplit validation) {
        if (this.dataDigest == null || train != this.digestedTrain || validation != this.digestedValidation) {
            this.dataDigest = RunFingerprint.data(List.of(train, validation));
            this.digestedTrain = train;
            this.digestedValidation = validation;
        }
        return this.dataDigest;
    }
}
