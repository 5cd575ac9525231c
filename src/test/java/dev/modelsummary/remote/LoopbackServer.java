package dev.modelsummary.remote;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP server on 127.0.0.1 for tests: serves the files under a folder with range requests, counts requests
 * and body bytes, and can misbehave on purpose (ignore ranges, redirect, drop the connection, answer late).
 */
public final class LoopbackServer implements AutoCloseable {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");

    /** What the server does with a request for a path (CUT_SHORT: half the announced body, then close). */
    public enum Mode { NORMAL, IGNORE_RANGES, DROP, SLOW, CUT_SHORT }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "loopback-server");
        t.setDaemon(true);
        return t;
    });
    private final Path root;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final List<String> paths = new CopyOnWriteArrayList<>();
    private final Map<String, String> redirects = new ConcurrentHashMap<>();
    private volatile Mode mode = Mode.NORMAL;
    private volatile long delayMillis;

    public LoopbackServer(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** The URL of {@code path} ({@code a/b.safetensors}) on this server. */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + path;
    }

    public void mode(Mode newMode) {
        mode = newMode;
    }

    /** Waits this long before answering any request, redirects included. */
    public void delay(long millis) {
        delayMillis = millis;
    }

    /** Answers requests for {@code /path} with a 302 to {@code location}. */
    public void redirect(String path, String location) {
        redirects.put("/" + path, location);
    }

    public long requests() {
        return requests.get();
    }

    public long bytes() {
        return bytes.get();
    }

    /** The Authorization header of each request, "" when there was none. */
    public List<String> authorizations() {
        return authorizations;
    }

    public List<String> paths() {
        return paths;
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        String path = exchange.getRequestURI().getPath();
        paths.add(path);
        authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")).replace("null", ""));
        try (exchange) {
            if (delayMillis > 0) {
                sleep(delayMillis);
            }
            if (redirects.containsKey(path)) {
                exchange.getResponseHeaders().add("Location", redirects.get(path));
                exchange.sendResponseHeaders(302, -1);
                return;
            }
            switch (mode) {
                case DROP -> throw new IOException("dropping the connection on purpose");
                case SLOW -> sleep(3_000);
                default -> { }
            }
            Path file = root.resolve(path.substring(1)).normalize();
            if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            long size = Files.size(file);
            String range = exchange.getRequestHeaders().getFirst("Range");
            Matcher m = range == null ? null : RANGE.matcher(range);
            if (mode == Mode.IGNORE_RANGES || m == null || !m.matches()) {
                send(exchange, file, 200, 0, size);
                return;
            }
            long first = Long.parseLong(m.group(1));
            long last = Math.min(Long.parseLong(m.group(2)), size - 1);
            if (first >= size) {
                exchange.getResponseHeaders().add("Content-Range", "bytes */" + size);
                exchange.sendResponseHeaders(416, -1);
                return;
            }
            exchange.getResponseHeaders().add("Content-Range", "bytes " + first + "-" + last + "/" + size);
            send(exchange, file, 206, first, last - first + 1);
        }
    }

    private void send(HttpExchange exchange, Path file, int status, long start, long length) throws IOException {
        exchange.sendResponseHeaders(status, length == 0 ? -1 : length);
        byte[] buffer = new byte[64 * 1024];
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r");
                OutputStream out = exchange.getResponseBody()) {
            in.seek(start);
            // CUT_SHORT: the length is announced, then the connection closes after half of it
            long left = mode == Mode.CUT_SHORT ? length / 2 : length;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    break;
                }
                out.write(buffer, 0, n);
                bytes.addAndGet(n);
                left -= n;
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
