package io.distill4j.spark;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.session.SessionConfig;
import org.apache.spark.SparkFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engines of one executor JVM: one per model, opened on the first task that needs it, shared by the
 * tasks running side by side (their calls meet in the engine's batcher), and closed once the executor's tasks
 * using it have ended and no other started within {@link SparkModel#idleSeconds()} — so a stage's tasks, which
 * follow one another, open the model once. Anything still open is closed when the executor stops
 * ({@link Distill4jSparkPlugin}) or, failing that, when its JVM exits.
 *
 * <p>A task takes a {@link Lease} and closes it when it ends ({@code TaskContext.addTaskCompletionListener}).
 */
public final class ExecutorEngines {

    private static final Logger logger = LoggerFactory.getLogger(ExecutorEngines.class);

    private static final Map<String, Entry> ENGINES = new HashMap<>();

    private static final ScheduledExecutorService CLOSER = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "distill4j-engine-closer");
        thread.setDaemon(true);
        return thread;
    });

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ExecutorEngines::closeAll, "distill4j-engines-shutdown"));
    }

    private ExecutorEngines() {
    }

    /** The engine serving {@code model} in this JVM, opened if needed; the caller closes the lease when done. */
    public static Lease acquire(SparkModel model) {
        synchronized (ENGINES) {
            Entry entry = ENGINES.get(model.key());
            if (entry == null) {
                entry = new Entry(model, open(model));
                ENGINES.put(model.key(), entry);
            }
            if (entry.pendingClose != null) {
                entry.pendingClose.cancel(false);
                entry.pendingClose = null;
            }
            entry.leases++;
            return new Lease(entry);
        }
    }

    /** Engines open in this JVM now. */
    public static int openEngines() {
        synchronized (ENGINES) {
            return ENGINES.size();
        }
    }

    /** Closes every engine of this JVM now (the executor is stopping). */
    public static void closeAll() {
        synchronized (ENGINES) {
            ENGINES.values().forEach(entry -> closeQuietly(entry));
            ENGINES.clear();
        }
    }

    /** An engine over the folder of Spark's files, where the model arrived as a repository of its own. */
    private static OnnxInferenceEngine open(SparkModel model) {
        Path repository = Path.of(SparkFiles.getRootDirectory());
        long start = System.nanoTime();
        int threads = SparkThreads.resolve(model.threads());
        OnnxInferenceEngine engine = OnnxInferenceEngine.open(EngineConfig.builder().modelRepository(repository)
                .maxTextBytes(model.maxTextBytes())
                .session(SessionConfig.builder().intraOpThreads(threads).interOpThreads(1).build())
                .build());
        try {
            engine.load(model.shippedName());
        }
        catch (RuntimeException ex) {
            engine.close();
            throw ex;
        }
        logger.info("distill4j: opened {} on this executor ({} intra-op threads) in {} ms", model.description(),
                threads, (System.nanoTime() - start) / 1_000_000);
        return engine;
    }

    private static void release(Entry entry) {
        synchronized (ENGINES) {
            entry.leases--;
            if (entry.leases > 0 || ENGINES.get(entry.model.key()) != entry) {
                return;
            }
            Runnable close = () -> {
                synchronized (ENGINES) {
                    if (entry.leases == 0 && ENGINES.remove(entry.model.key(), entry)) {
                        closeQuietly(entry);
                    }
                }
            };
            if (entry.model.idleSeconds() == 0) {
                close.run();
            }
            else {
                entry.pendingClose = CLOSER.schedule(close, entry.model.idleSeconds(), TimeUnit.SECONDS);
            }
        }
    }

    private static void closeQuietly(Entry entry) {
        try {
            entry.engine.close();
            logger.info("distill4j: closed {} on this executor", entry.model.description());
        }
        catch (RuntimeException ex) {
            logger.warn("distill4j: closing {} failed: {}", entry.model.description(), ex.toString());
        }
    }

    private static final class Entry {

        private final SparkModel model;

        private final OnnxInferenceEngine engine;

        private int leases;

        private ScheduledFuture<?> pendingClose;

        private Entry(SparkModel model, OnnxInferenceEngine engine) {
            this.model = model;
            this.engine = engine;
        }
    }

    /** A task's use of an engine; closing it (once) lets the engine close when no task uses it. */
    public static final class Lease implements AutoCloseable {

        private final Entry entry;

        private boolean closed;

        private Lease(Entry entry) {
            this.entry = entry;
        }

        /** The engine; the model is loaded in it under its {@link SparkModel#shippedName()}. */
        public OnnxInferenceEngine engine() {
            if (this.closed) {
                throw new IllegalStateException("lease closed");
            }
            return this.entry.engine;
        }

        /**
         * Runs {@code work} on the engine while no other task of this executor does: the tasks take turns, one
         * call (a chunk of texts, already a batch) at a time. Measured on 2 cores, two tasks calling the one
         * engine at once were 10 % slower than one after the other — their tokenizing and Spark's own threads
         * competed with the model's — so the cores go to one call at a time.
         */
        public <T> T call(java.util.function.Function<OnnxInferenceEngine, T> work) {
            OnnxInferenceEngine engine = engine();
            synchronized (this.entry) {
                return work.apply(engine);
            }
        }

        @Override
        public void close() {
            synchronized (this) {
                if (this.closed) {
                    return;
                }
                this.closed = true;
            }
            release(this.entry);
        }
    }
}
