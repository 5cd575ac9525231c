package dev.modelsummary.remote;

import java.time.Duration;
import java.util.Map;

/**
 * What remote reading needs from the environment: the Hugging Face endpoint, the token (sent only to the host
 * it was given for, never printed) and the bound on each request. {@code Main} reads it from the process
 * environment; tests build their own.
 */
public record RemoteSettings(String endpoint, String token, Duration timeout) {
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public RemoteSettings {
        endpoint = endpoint == null || endpoint.isBlank() ? DEFAULT_ENDPOINT : stripSlashes(endpoint.strip());
        token = token == null || token.isBlank() ? null : token.strip();
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
    }

    /** From {@code HF_ENDPOINT} and {@code HF_TOKEN}, with the default timeout. */
    public static RemoteSettings fromEnvironment(Map<String, String> environment) {
        return new RemoteSettings(environment.get("HF_ENDPOINT"), environment.get("HF_TOKEN"), DEFAULT_TIMEOUT);
    }

    public RemoteSettings withTimeout(Duration newTimeout) {
        return new RemoteSettings(endpoint, token, newTimeout);
    }

    /** Never the token itself: a record's default {@code toString} would print it. */
    @Override
    public String toString() {
        return "RemoteSettings[endpoint=" + endpoint + ", token=" + (token == null ? "none" : "set") + ", timeout="
                + timeout + "]";
    }

    private static String stripSlashes(String url) {
        String s = url;
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }
}
