package io.distill4j.cli;

/**
 * The exit statuses of every {@code distill4j} command, so that scripts can tell a failed job from a typo.
 *
 * <table>
 * <caption>Exit statuses</caption>
 * <tr><td>0</td><td>success</td></tr>
 * <tr><td>1</td><td>the work failed: a job failed or was cancelled, a call to the server failed (its status is
 * printed), a model could not be read, a quantization gate failed</td></tr>
 * <tr><td>2</td><td>usage: an unknown option, a missing argument, an invalid spec file (nothing was done)</td></tr>
 * <tr><td>3</td><td>{@code onnx check}: the model is incompatible with the provider</td></tr>
 * <tr><td>130</td><td>interrupted (Ctrl-C); a job followed from the command line is cancelled first</td></tr>
 * </table>
 */
public final class ExitCodes {

    /** Success. */
    public static final int OK = 0;

    /** The work failed. */
    public static final int FAILED = 1;

    /** Bad usage; nothing was done. */
    public static final int USAGE = 2;

    /** {@code onnx check}: incompatible. */
    public static final int INCOMPATIBLE = 3;

    /** Interrupted. */
    public static final int INTERRUPTED = 130;

    /** The table above, for {@code --help}. */
    static final String HELP = "Exit status: 0 success; 1 the work failed (a job failed or was cancelled, a server "
            + "call failed, a model could not be read, a quantization gate failed); 2 bad usage or an invalid spec "
            + "file (nothing was done); 3 onnx check found the model incompatible; 130 interrupted.";

    private ExitCodes() {
    }
}
