package io.distill4j.spring.lifecycle;

import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code SIGTERM}: closes the application context (the graceful sequence of {@link ServingShutdown}, the servers,
 * the engine) <em>before</em> the JVM's shutdown hooks start, then hands the signal to the handler it replaced —
 * the JVM's own, which exits with status 143 and runs the hooks.
 *
 * <p>Why: ONNX Runtime's Java binding registers a shutdown hook of its own that releases its native environment
 * ({@code OrtEnvironment$OrtEnvCloser}), and the JVM runs shutdown hooks concurrently. Left to Spring Boot's hook,
 * the environment can be released while requests are still draining through the sessions, which crashes the JVM
 * in native code (microsoft/onnxruntime#31352). Closing the context first means that hook finds every session
 * closed.
 *
 * <p>Handlers chain: one installed after this one (another context in the same JVM) closes its context and hands
 * the signal on to this one.
 */
final class CloseOnSigterm implements SignalHandler {

    private static final Logger logger = LoggerFactory.getLogger(CloseOnSigterm.class);

    private static final String TERM = "TERM";

    private final ConfigurableApplicationContext context;

    /** The handler this one replaced: the JVM's own, or another context's. */
    private volatile SignalHandler previous;

    CloseOnSigterm(ConfigurableApplicationContext context, SignalHandler previous) {
        this.context = Objects.requireNonNull(context, "context");
        this.previous = previous;
    }

    /**
     * Installs a handler that closes {@code context}, or none (and {@code null}) where the JVM does not let
     * applications handle {@code SIGTERM} ({@code -Xrs}, a platform without it) or the process ignores it.
     */
    static CloseOnSigterm install(ConfigurableApplicationContext context) {
        synchronized (CloseOnSigterm.class) {
            CloseOnSigterm handler = new CloseOnSigterm(context, null);
            try {
                handler.previous = Signal.handle(new Signal(TERM), handler);
            }
            catch (IllegalArgumentException ex) {
                logger.debug("SIGTERM cannot be handled in this JVM: {}", ex.getMessage());
                return null;
            }
            if (handler.previous == SignalHandler.SIG_IGN) {
                Signal.handle(new Signal(TERM), SignalHandler.SIG_IGN);
                return null;
            }
            return handler;
        }
    }

    /** The handler this one replaced. */
    SignalHandler replaced() {
        return this.previous;
    }

    /** Puts back the handler this one replaced, unless another has been installed since. */
    void uninstall() {
        synchronized (CloseOnSigterm.class) {
            Signal term = new Signal(TERM);
            SignalHandler current = Signal.handle(term, this.previous == null ? SignalHandler.SIG_DFL : this.previous);
            if (current != this) {
                Signal.handle(term, current);
            }
        }
    }

    /**
     * Closes the context and hands the signal on, in a thread that is not a daemon: until it is done, the JVM
     * cannot start its shutdown because its last other non-daemon thread (a server's) ended, which would run the
     * hooks, ONNX Runtime's included, while the engine is still closing, and end with status 0.
     */
    @Override
    public void handle(Signal signal) {
        logger.info("SIG{}: closing the application context before the JVM's shutdown hooks run", signal.getName());
        Thread closing = new Thread(() -> closeAndHandOn(signal), "distill4j-SIG" + signal.getName());
        closing.setDaemon(false);
        closing.start();
        try {
            closing.join();
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeAndHandOn(Signal signal) {
        try {
            this.context.close();
        }
        catch (RuntimeException ex) {
            logger.error("Closing the application context on SIG{} failed", signal.getName(), ex);
        }
        finally {
            handOn(signal);
        }
    }

    private void handOn(Signal signal) {
        SignalHandler next = this.previous;
        if (next == null || next == SignalHandler.SIG_DFL || next == SignalHandler.SIG_IGN) {
            // What the JVM does by default: exit with 128 + the signal's number, running the shutdown hooks.
            System.exit(128 + signal.getNumber());
        }
        next.handle(signal);
    }
}
