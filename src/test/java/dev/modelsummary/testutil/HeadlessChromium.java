package dev.modelsummary.testutil;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A headless Chromium driven over the Chrome DevTools Protocol, with nothing but the JDK's HTTP and WebSocket
 * clients and Jackson: enough to open a local page, collect its console errors, run scripts in it and take a
 * screenshot. Every wait has a timeout, and {@link #close} always kills the browser and deletes its profile, so
 * a broken browser fails a test instead of hanging the suite.
 *
 * <pre>{@code
 * try (HeadlessChromium browser = HeadlessChromium.start()) {
 *     browser.open(page);
 *     assertThat(browser.consoleErrors()).isEmpty();
 *     JsonNode rows = browser.evaluate("document.querySelectorAll('tr').length");
 *     browser.screenshot(Path.of("target/screenshots/page.png"));
 * }
 * }</pre>
 */
public final class HeadlessChromium implements AutoCloseable {
    /** Debian's package; {@code .ci/run} installs it. -Dchromium.executable=PATH names another. */
    private static final String EXECUTABLE = "/usr/bin/chromium";
    /** Every wait; a slow machine may raise it with -Dchromium.timeout.seconds=N. */
    private static final Duration TIMEOUT = Duration.ofSeconds(Integer.getInteger("chromium.timeout.seconds", 20));
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> replies = new ConcurrentHashMap<>();
    private final List<String> consoleErrors = new CopyOnWriteArrayList<>();
    private volatile CompletableFuture<Void> loaded = new CompletableFuture<>();

    private HeadlessChromium(Process process, Path profile, WebSocket.Builder sockets, URI page)
            throws IOException {
        this.process = process;
        this.profile = profile;
        this.socket = await(sockets.buildAsync(page, new Listener()), "connecting to the page");
        for (String domain : List.of("Runtime", "Log", "Page")) {
            call(domain + ".enable", JSON.createObjectNode());
        }
    }

    /** The browser to start: {@code -Dchromium.executable}, else Debian's {@code /usr/bin/chromium}. */
    public static Path executable() {
        return Path.of(System.getProperty("chromium.executable", EXECUTABLE));
    }

    public static boolean isInstalled() {
        return Files.isExecutable(executable());
    }

    /**
     * Skips the calling test when Chromium is not installed, except under CI ({@code CI=true}, or
     * {@code -Dchromium.required=true}), where a missing browser is a broken build machine and fails. Call it
     * from each test (or a {@code @BeforeEach}), not from {@code @BeforeAll}: a class aborted as a whole shows
     * in surefire as "Tests run: 0", while an abort per test is counted and reported as skipped, with this
     * reason.
     */
    public static void assumeInstalled() {
        if (isInstalled()) {
            return;
        }
        String message = executable() + " is missing: install it with 'apt-get install -y chromium'";
        String required = System.getProperty("chromium.required", System.getenv("CI"));
        if ("true".equals(required)) {
            throw new AssertionError(message + " (CI must run the browser tests)");
        }
        Assumptions.abort(message);
    }

    /** Starts a browser with a fresh profile, window {@code width × height} CSS pixels, on about:blank. */
    public static HeadlessChromium start(int width, int height) throws IOException {
        Path profile = Files.createTempDirectory("model-summary-chromium");
        Process process = null;
        try {
            process = new ProcessBuilder(executable().toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-extensions", "--hide-scrollbars",
                    "--window-size=" + width + "," + height, "--user-data-dir=" + profile,
                    "--remote-debugging-port=0", "about:blank")
                    .redirectErrorStream(true)
                    .redirectOutput(profile.resolve("chromium.log").toFile())
                    .start();
            int port = debuggingPort(profile, process);
            HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
                    .connectTimeout(TIMEOUT).build();
            return new HeadlessChromium(process, profile, http.newWebSocketBuilder().connectTimeout(TIMEOUT),
                    pageSocket(http, port));
        } catch (IOException | RuntimeException | Error e) {
            kill(process, profile);
            throw e;
        }
    }

    /** A browser with a 1280 × 900 window. */
    public static HeadlessChromium start() throws IOException {
        return start(1280, 900);
    }

    /** Chromium writes the port it chose, then the browser's path, to DevToolsActivePort once it listens. */
    private static int debuggingPort(Path profile, Process process) throws IOException {
        Path file = profile.resolve("DevToolsActivePort");
        Instant deadline = Instant.now().plus(TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (Files.exists(file)) {
                List<String> lines = Files.readAllLines(file);
                if (lines.size() >= 2) {
                    return Integer.parseInt(lines.get(0).trim());
                }
            }
            if (!process.isAlive()) {
                throw new IOException("chromium exited with " + process.exitValue() + ": " + log(profile));
            }
            pause();
        }
        throw new IOException("chromium wrote no DevToolsActivePort within " + TIMEOUT + ": " + log(profile));
    }

    private static URI pageSocket(HttpClient http, int port) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                .timeout(TIMEOUT).build();
        Instant deadline = Instant.now().plus(TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            try {
                JsonNode targets = JSON.readTree(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
                for (JsonNode target : targets) {
                    if ("page".equals(target.path("type").asText())) {
                        return URI.create(target.path("webSocketDebuggerUrl").asText());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            pause(); // the first tab may not be listed yet
        }
        throw new IOException("chromium listed no page target within " + TIMEOUT);
    }

    /** Loads a local file and waits for its load event; console errors from earlier pages are forgotten. */
    public void open(Path file) throws IOException {
        consoleErrors.clear();
        loaded = new CompletableFuture<>();
        ObjectNode params = JSON.createObjectNode().put("url", file.toAbsolutePath().toUri().toString());
        JsonNode result = call("Page.navigate", params);
        if (result.hasNonNull("errorText")) {
            throw new IOException("cannot open " + file + ": " + result.get("errorText").asText());
        }
        await(loaded, "the load event of " + file);
    }

    /**
     * Runs {@code expression} in the page and returns its value as JSON ({@code returnByValue}); a promise is
     * awaited. An exception in the page fails with its description.
     */
    public JsonNode evaluate(String expression) throws IOException {
        ObjectNode params = JSON.createObjectNode().put("expression", expression).put("returnByValue", true)
                .put("awaitPromise", true);
        JsonNode result = call("Runtime.evaluate", params);
        if (result.has("exceptionDetails")) {
            throw new IOException("script failed: " + result.get("exceptionDetails").path("exception")
                    .path("description").asText(result.get("exceptionDetails").toString()));
        }
        return result.path("result").path("value");
    }

    /**
     * What the page reported as an error since it was opened: uncaught exceptions, {@code console.error} and
     * {@code console.warn}, and the browser's own error entries (a blocked request, a CSP violation).
     */
    public List<String> consoleErrors() {
        return List.copyOf(consoleErrors);
    }

    /** A PNG of the whole page (not just the window), written to {@code file}. */
    public void screenshot(Path file) throws IOException {
        ObjectNode params = JSON.createObjectNode().put("format", "png").put("captureBeyondViewport", true);
        JsonNode size = evaluate("({w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight})");
        params.putObject("clip").put("x", 0).put("y", 0).put("width", size.path("w").asInt())
                .put("height", size.path("h").asInt()).put("scale", 1);
        JsonNode result = call("Page.captureScreenshot", params);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Base64.getDecoder().decode(result.path("data").asText()));
    }

    /** Sends one command and waits for its reply. */
    private JsonNode call(String method, ObjectNode params) throws IOException {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        replies.put(id, reply);
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", params);
        await(socket.sendText(JSON.writeValueAsString(message), true), "sending " + method);
        JsonNode answer = await(reply, method);
        if (answer.has("error")) {
            throw new IOException(method + " failed: " + answer.get("error"));
        }
        return answer.path("result");
    }

    private void receive(String text) {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (IOException e) {
            consoleErrors.add("unreadable DevTools message: " + e.getMessage());
            return;
        }
        if (message.has("id")) {
            CompletableFuture<JsonNode> reply = replies.remove(message.get("id").asInt());
            if (reply != null) {
                reply.complete(message);
            }
            return;
        }
        JsonNode params = message.path("params");
        switch (message.path("method").asText()) {
            case "Page.loadEventFired" -> loaded.complete(null);
            case "Runtime.exceptionThrown" -> consoleErrors.add("exception: " + params.path("exceptionDetails")
                    .path("exception").path("description").asText(params.path("exceptionDetails").toString()));
            case "Runtime.consoleAPICalled" -> {
                String type = params.path("type").asText();
                if (type.equals("error") || type.equals("warning") || type.equals("assert")) {
                    List<String> args = new ArrayList<>();
                    params.path("args").forEach(arg -> args.add(arg.path("value").asText(arg.toString())));
                    consoleErrors.add("console." + type + ": " + String.join(" ", args));
                }
            }
            case "Log.entryAdded" -> {
                JsonNode entry = params.path("entry");
                if (entry.path("level").asText().equals("error")) {
                    consoleErrors.add("log: " + entry.path("text").asText() + " " + entry.path("url").asText(""));
                }
            }
            default -> {
                // other events are of no interest
            }
        }
    }

    /** Kills the browser (its whole process tree) and deletes its profile. */
    @Override
    public void close() {
        socket.abort();
        kill(process, profile);
    }

    private static void kill(Process process, Path profile) {
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        deleteTree(profile);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a file the dying browser still wrote: the temp dir is cleaned by the OS eventually
        }
    }

    private static String log(Path profile) {
        try {
            String text = Files.readString(profile.resolve("chromium.log"));
            return text.length() > 2000 ? text.substring(0, 2000) : text;
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static <T> T await(CompletionStage<T> stage, String what) throws IOException {
        try {
            return stage.toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException("no answer within " + TIMEOUT + " to " + what, e);
        } catch (ExecutionException e) {
            throw new IOException(what + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for " + what, e);
        }
    }

    /** Reassembles messages that arrive in several text frames, then hands each whole one on. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                receive(text);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            IOException closed = new IOException("DevTools connection failed", error);
            replies.values().forEach(reply -> reply.completeExceptionally(closed));
            loaded.completeExceptionally(closed);
        }
    }
}
