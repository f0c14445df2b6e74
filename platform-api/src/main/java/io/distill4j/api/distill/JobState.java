package io.distill4j.api.distill;

/**
 * Life cycle of a {@link DistillationJob}: {@code QUEUED → RUNNING →} one of the terminal states
 * {@code SUCCEEDED}, {@code FAILED}, {@code CANCELLED}. A queued job can also be cancelled before it runs.
 */
public enum JobState {
    /** Accepted, waiting for a worker. */
    QUEUED(false),
    /** A worker is running its stages. */
    RUNNING(false),
    /** Finished; {@link DistillationJob#await()} returns the result (whether the gates passed is in it). */
    SUCCEEDED(true),
    /** Stopped by an error; {@link DistillationJob#await()} throws it. */
    FAILED(true),
    /** Stopped by {@link DistillationJob#cancel()}, an interrupted caller or shutdown. */
    CANCELLED(true);

    private final boolean terminal;

    JobState(boolean terminal) {
        this.terminal = terminal;
    }

    /** Whether the job has ended: no event follows one in a terminal state. */
    public boolean isTerminal() {
        return this.terminal;
    }
}
