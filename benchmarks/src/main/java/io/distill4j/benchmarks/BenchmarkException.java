package io.distill4j.benchmarks;

/** A benchmark that cannot go on: bad arguments, unreadable data, or a system that failed. */
final class BenchmarkException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    BenchmarkException(String message) {
        super(message);
    }

    BenchmarkException(String message, Throwable cause) {
        super(message, cause);
    }
}
