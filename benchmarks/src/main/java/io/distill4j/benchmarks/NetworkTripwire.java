package io.distill4j.benchmarks;

import java.io.IOException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Makes any attempt to open a network connection through the JDK fail loudly, so a system that would
 * quietly download a model or a native library during the benchmark stops it instead. The JDK asks the
 * default {@link ProxySelector} before it opens a URL connection or a socket; this one records the
 * address and refuses.
 */
final class NetworkTripwire extends ProxySelector {

    private static final NetworkTripwire INSTANCE = new NetworkTripwire();

    private final List<String> attempts = new CopyOnWriteArrayList<>();

    private NetworkTripwire() {
    }

    /** Installs the tripwire as the JVM's default proxy selector. */
    static NetworkTripwire install() {
        ProxySelector.setDefault(INSTANCE);
        return INSTANCE;
    }

    /** The addresses something tried to reach, in order. */
    List<String> attempts() {
        return List.copyOf(this.attempts);
    }

    @Override
    public List<Proxy> select(URI uri) {
        this.attempts.add(String.valueOf(uri));
        throw new IllegalStateException("The benchmark runs offline; refused a connection to " + uri);
    }

    @Override
    public void connectFailed(URI uri, SocketAddress address, IOException ex) {
        // Nothing connects: select() refuses first.
    }
}
