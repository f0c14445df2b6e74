package io.distill4j.spring.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The Open Inference Protocol's REST binding ({@code distill4j.rest.*}), served under {@code /v2} on the web
 * application's port when the application serves (see {@link ConditionalOnServing}).
 */
@ConfigurationProperties("distill4j.rest")
public class RestProperties {

    /**
     * Whether a Spring MVC application serves the Open Inference Protocol's REST binding under /v2. Unset: as
     * distill4j.serving.enabled.
     */
    private Boolean enabled;

    /**
     * Largest inference request body the REST binding reads; a larger one is refused with 400 naming the limit
     * (16 MB, as the platform server's gRPC messages).
     */
    private DataSize maxRequestSize = DataSize.ofMegabytes(16);

    public Boolean getEnabled() {
        return this.enabled;
    }

    public void setEnabled(Boolean enabled) {
        this.enabled = enabled;
    }

    public DataSize getMaxRequestSize() {
        return this.maxRequestSize;
    }

    public void setMaxRequestSize(DataSize maxRequestSize) {
        if (maxRequestSize == null || maxRequestSize.toBytes() < 1) {
            throw new IllegalArgumentException("distill4j.rest.max-request-size must be at least 1B, got "
                    + maxRequestSize);
        }
        this.maxRequestSize = maxRequestSize;
    }
}
