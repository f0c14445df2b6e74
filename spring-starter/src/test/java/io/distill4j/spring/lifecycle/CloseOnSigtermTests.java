package io.distill4j.spring.lifecycle;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import org.springframework.context.support.GenericApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** The SIGTERM handler, called directly: no signal is raised in the test JVM. */
@EnabledOnOs(value = { OS.LINUX, OS.MAC }, disabledReason = "SIGTERM handling is tested where Kubernetes sends it")
class CloseOnSigtermTests {

    private final List<String> events = new CopyOnWriteArrayList<>();

    @Test
    void theContextIsClosedWithItsDrainBeforeTheSignalIsHandedOn() {
        ServingGate gate = new ServingGate();
        GenericApplicationContext context = new GenericApplicationContext();
        context.registerBean(ServingShutdown.class,
                () -> new ServingShutdown(gate, context, Duration.ZERO, Duration.ofSeconds(30), false));
        context.registerBean("engine", AutoCloseable.class, () -> () -> this.events.add("engine closed"));
        context.refresh();
        SignalHandler jvm = signal -> this.events.add("handed on SIG" + signal.getName() + ", refusing: "
                + gate.refusing() + ", context active: " + context.isActive());
        new CloseOnSigterm(context, jvm).handle(new Signal("TERM"));
        assertThat(this.events).containsExactly("engine closed",
                "handed on SIGTERM, refusing: true, context active: false");
    }

    @Test
    void handlersChainAndUninstallRestoresTheOneReplaced() {
        GenericApplicationContext first = new GenericApplicationContext();
        GenericApplicationContext second = new GenericApplicationContext();
        CloseOnSigterm a = CloseOnSigterm.install(first);
        assertThat(a).isNotNull();
        String jvmHandler = String.valueOf(a.replaced());
        try {
            CloseOnSigterm b = CloseOnSigterm.install(second);
            assertThat(b.replaced()).isSameAs(a);
            b.uninstall();
            CloseOnSigterm c = CloseOnSigterm.install(second);
            assertThat(c.replaced()).as("b's uninstall put a back").isSameAs(a);
            c.uninstall();
        }
        finally {
            a.uninstall();
        }
        CloseOnSigterm d = CloseOnSigterm.install(first);
        try {
            assertThat(String.valueOf(d.replaced())).as("the JVM's handler is back").isEqualTo(jvmHandler);
        }
        finally {
            d.uninstall();
        }
    }
}
