package dev.modelsummary.remote;

import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.text.Quote;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP range requests. Redirects are followed by hand so that the token goes only to the Hugging Face
 * endpoint's own origin (scheme, host and port): a redirect to a CDN or any other host gets no
 * {@code Authorization} header. All the exchanges for one file (connects, headers, bodies, redirects) share one
 * timeout, and all the bodies of one input share the remote-bytes limit.
 */
final class HttpRanges {
    private static final int MAX_REDIRECTS = 10;
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d{1,18})-(\\d{1,18})/(\\d{1,18}|\\*)");
    private static final Pattern UNSATISFIED = Pattern.compile("bytes \\*/(\\d{1,18})");

    /** One answer: {@code bytes} start at {@code start}; {@code total} is the file's size. */
    record Range(long start, byte[] bytes, long total) {
    }

    private final HttpClient client;
    private final RemoteSettings settings;
    private final String tokenOrigin;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    HttpRanges(RemoteSettings settings) {
        this.settings = settings;
        this.client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(settings.timeout())
                .build();
        this.tokenOrigin = origin(URI.create(settings.endpoint()));
    }

    long requests() {
        return requests.get();
    }

    long bytes() {
        return bytes.get();
    }

    /**
     * Bytes {@code [start, start + length)} of {@code file} (fewer at the end of the file; none past it).
     * Remembers where redirects led, so later ranges of the same file go straight there. The timeout bounds all
     * the waiting for one file together, every request and redirect, not each request; the remote-bytes limit
     * bounds what one input may ask of the servers.
     */
    Range fetch(RemoteFile file, long start, int length) throws IOException {
        URI uri = file.location();
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpResponse<LimitedBody.Result> response = send(file, uri, start, length);
            int status = response.statusCode();
            if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
                uri = redirectTarget(file, uri, response);
                file.redirectedTo(uri);
                continue;
            }
            return answer(file, start, length, response);
        }
        throw new RemoteIOException(file.display() + ": more than " + MAX_REDIRECTS + " redirects.");
    }

    private HttpResponse<LimitedBody.Result> send(RemoteFile file, URI uri, long start, int length)
            throws IOException {
        long limit = Limits.current().get(Limit.REMOTE_BYTES);
        if (bytes.get() + length > limit) {
            throw new RemoteIOException(file.display() + ": reading it would take more than '" + limit
                    + "' bytes from the server for this input, the limit (" + Limit.REMOTE_BYTES.raise() + ").");
        }
        long left = settings.timeout().toNanos() - file.waitedNanos();
        if (left <= 0) {
            throw timedOut(file, null);
        }
        Duration remaining = Duration.ofNanos(left);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(remaining)
                .header("Range", "bytes=" + start + "-" + (start + length - 1))
                .header("Accept-Encoding", "identity")
                .GET();
        if (settings.token() != null && tokenOrigin.equals(origin(uri))) {
            request.header("Authorization", "Bearer " + settings.token());
        }
        requests.incrementAndGet();
        long began = System.nanoTime();
        CompletableFuture<HttpResponse<LimitedBody.Result>> future = client.sendAsync(request.build(),
                info -> new LimitedBody(info.statusCode() == 206 ? length : 0,
                        info.headers().firstValueAsLong("Content-Length").orElse(-1)));
        try {
            HttpResponse<LimitedBody.Result> response = future.get(left, TimeUnit.NANOSECONDS);
            bytes.addAndGet(response.body().bytes().length);
            return response;
        } catch (TimeoutException e) {
            future.cancel(true);
            throw timedOut(file, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RemoteIOException(file.display() + ": interrupted.", 0, e);
        } catch (ExecutionException | CancellationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof HttpTimeoutException) {
                // the client's own bound (connect or headers) fired before ours: the same failure
                throw timedOut(file, cause);
            }
            throw new RemoteIOException(file.display() + ": request failed (" + describe(cause, uri) + ").", 0, cause);
        } finally {
            file.waited(System.nanoTime() - began);
        }
    }

    private RemoteIOException timedOut(RemoteFile file, Throwable cause) {
        return new RemoteIOException(file.display() + ": no answer within " + seconds()
                + " s, its requests and redirects together (raise --timeout).", 0, cause);
    }

    private Range answer(RemoteFile file, long start, int length, HttpResponse<LimitedBody.Result> response)
            throws IOException {
        int status = response.statusCode();
        switch (status) {
            case 206:
                return partial(file, start, length, response);
            case 416: {
                // asked past the end: only an empty file does that, since we stay inside the size we know
                Matcher m = UNSATISFIED.matcher(response.headers().firstValue("Content-Range").orElse(""));
                if (m.matches()) {
                    return new Range(start, new byte[0], Long.parseLong(m.group(1)));
                }
                throw new RemoteIOException(file.display() + ": HTTP 416 without the file's size.", status, null);
            }
            case 200:
                throw new RemoteIOException(file.display() + ": the server ignores range requests (HTTP 200 with "
                        + "the whole file); refusing to download all of it.", status, null);
            case 404:
                throw new RemoteIOException(file.display() + ": HTTP 404 (not found).", status, null);
            case 401:
            case 403:
                throw new RemoteIOException(file.display() + ": HTTP " + status + " (access denied"
                        + (settings.token() == null ? "; set HF_TOKEN for a gated or private repository" : "")
                        + ").", status, null);
            default:
                throw new RemoteIOException(file.display() + ": HTTP " + status + ".", status, null);
        }
    }

    private Range partial(RemoteFile file, long start, int length, HttpResponse<LimitedBody.Result> response)
            throws IOException {
        String header = response.headers().firstValue("Content-Range").orElse("");
        Matcher m = CONTENT_RANGE.matcher(header.strip());
        if (!m.matches() || "*".equals(m.group(3))) {
            throw new RemoteIOException(file.display() + ": HTTP 206 without a usable Content-Range.", 206, null);
        }
        long first = Long.parseLong(m.group(1));
        long last = Long.parseLong(m.group(2));
        long total = Long.parseLong(m.group(3));
        byte[] body = response.body().bytes();
        if (first != start || last < first || last >= total || last - first + 1 > length
                || body.length != last - first + 1 || response.body().overflow()) {
            throw new RemoteIOException(file.display() + ": the server answered a different range than asked ("
                    + "bytes " + start + "-" + (start + length - 1) + ").", 206, null);
        }
        return new Range(start, body, total);
    }

    private URI redirectTarget(RemoteFile file, URI from, HttpResponse<?> response) throws IOException {
        String location = response.headers().firstValue("Location")
                .orElseThrow(() -> new RemoteIOException(file.display() + ": redirect without a Location."));
        try {
            URI target = from.resolve(new URI(location));
            String scheme = Objects.toString(target.getScheme(), "").toLowerCase(Locale.ROOT);
            if (!scheme.equals("https") && !scheme.equals("http") || target.getHost() == null) {
                throw new RemoteIOException(file.display() + ": redirect to something that is not an HTTP URL.");
            }
            return target;
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new RemoteIOException(file.display() + ": redirect to a malformed URL.", 0, e);
        }
    }

    private String seconds() {
        long millis = settings.timeout().toMillis();
        return millis % 1000 == 0 ? Long.toString(millis / 1000) : Double.toString(millis / 1000.0);
    }

    /**
     * What went wrong, in words: the most telling cause in the chain, never an exception's class name. Each
     * exception java.net.http and the sockets under it raise for a failed request is named by what it means
     * ({@code could not connect to huggingface.co: connection refused}); anything else gives its own message,
     * without a class name in front.
     */
    static String describe(Throwable failure, URI uri) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = failure; t != null && chain.size() < 16 && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        String host = uri == null || uri.getHost() == null ? "the server" : hostAndPort(uri);
        for (Throwable t : chain) {
            if (t instanceof LimitedBody.CutShort) {
                return t.getMessage();
            }
        }
        if (chain.stream().anyMatch(t -> t instanceof java.net.UnknownHostException
                || t instanceof java.nio.channels.UnresolvedAddressException)) {
            return "could not resolve the host name " + host + " (offline, or no such host)";
        }
        for (Throwable t : chain) {
            if (t instanceof javax.net.ssl.SSLException) {
                return "the TLS handshake or session with " + host + " failed" + detail(t);
            }
        }
        for (Throwable t : chain) {
            if (t instanceof java.net.http.HttpConnectTimeoutException || t instanceof java.net.SocketTimeoutException) {
                return "could not connect to " + host + ": timed out";
            }
            if (t instanceof java.net.NoRouteToHostException) {
                return "could not connect to " + host + ": no route to host (offline?)";
            }
            if (t instanceof java.net.PortUnreachableException) {
                return "could not connect to " + host + ": port unreachable";
            }
            if (t instanceof java.net.ConnectException) {
                String own = plain(t.getMessage());
                return "could not connect to " + host
                        + (own.isEmpty() || own.toLowerCase(Locale.ROOT).contains("refused") ? ": connection refused"
                        : detail(t));
            }
        }
        for (Throwable t : chain) {
            String own = t.getMessage() == null ? "" : t.getMessage();
            if (t instanceof java.io.EOFException || own.contains("received no bytes")
                    || own.toLowerCase(Locale.ROOT).contains("closed")) {
                return host + " closed the connection before answering";
            }
        }
        for (Throwable t : chain) {
            if (t instanceof java.net.ProtocolException) {
                return host + " answered something that is not HTTP" + detail(t);
            }
            if (t instanceof java.net.SocketException) {
                // "Connection reset", "Network is unreachable", "Broken pipe"
                return "the connection to " + host + " failed" + detail(t);
            }
        }
        return chain.stream().filter(t -> !(t instanceof java.util.concurrent.CompletionException))
                .map(Throwable::getMessage).filter(m -> m != null && !m.isBlank()).map(HttpRanges::plain).findFirst()
                .filter(m -> !m.isEmpty()).orElse("the connection to " + host + " failed");
    }

    /** {@code : message}, its first word in lower case, without a class name; empty when there is none. */
    private static String detail(Throwable t) {
        String own = plain(t.getMessage());
        if (own.isEmpty()) {
            return "";
        }
        // "Connection reset" reads on in lower case; an acronym ("PKIX path ...") keeps its capitals
        boolean word = own.length() > 1 && Character.isLowerCase(own.charAt(1));
        return ": " + (word ? own.substring(0, 1).toLowerCase(Locale.ROOT) + own.substring(1) : own);
    }

    /**
     * A message without the {@code java.net.ConnectException: } a wrapping exception puts in front of its cause's
     * (an ExecutionException's message is its cause's toString).
     */
    static String plain(String message) {
        if (message == null) {
            return "";
        }
        return message.replaceAll("(?:\\b[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error)(?::\\s*|$)", "")
                .strip();
    }

    /** {@code huggingface.co}, with the port when it is not the scheme's default. */
    private static String hostAndPort(URI uri) {
        String scheme = Objects.toString(uri.getScheme(), "").toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        boolean usual = port == -1 || scheme.equals("https") && port == 443 || scheme.equals("http") && port == 80;
        return Quote.bare(uri.getHost()) + (usual ? "" : ":" + port);
    }

    /** scheme://host:port with the default port filled in, lower case: what "the same host" means for a token. */
    static String origin(URI uri) {
        String scheme = Objects.toString(uri.getScheme(), "").toLowerCase(Locale.ROOT);
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        return scheme + "://" + Objects.toString(uri.getHost(), "").toLowerCase(Locale.ROOT) + ":" + port;
    }
}
