package dev.modelsummary.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.ProtocolException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every java.net exception a failed request can surface, said in words that name the host, never a class. */
class HttpRangesDescribeTest {
    private static final URI HUB = URI.create("https://huggingface.co/gpt2/resolve/main/config.json");
    private static final URI LOCAL = URI.create("http://127.0.0.1:8080/m.safetensors");

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(new ConnectException(), HUB, "could not connect to huggingface.co: connection refused"),
                Arguments.of(new ConnectException("Connection refused"), LOCAL,
                        "could not connect to 127.0.0.1:8080: connection refused"),
                Arguments.of(new ExecutionException(new ConnectException()), HUB,
                        "could not connect to huggingface.co: connection refused"),
                Arguments.of(new ConnectException("Network is unreachable"), HUB,
                        "could not connect to huggingface.co: network is unreachable"),
                Arguments.of(new IOException(new UnknownHostException("huggingface.co")), HUB,
                        "could not resolve the host name huggingface.co (offline, or no such host)"),
                Arguments.of(new IOException(new UnresolvedAddressException()), HUB,
                        "could not resolve the host name huggingface.co (offline, or no such host)"),
                Arguments.of(new NoRouteToHostException("No route to host"), HUB,
                        "could not connect to huggingface.co: no route to host (offline?)"),
                Arguments.of(new PortUnreachableException(), LOCAL, "could not connect to 127.0.0.1:8080: port unreachable"),
                Arguments.of(new HttpConnectTimeoutException("HTTP connect timed out"), HUB,
                        "could not connect to huggingface.co: timed out"),
                Arguments.of(new SocketTimeoutException("Read timed out"), HUB,
                        "could not connect to huggingface.co: timed out"),
                Arguments.of(new SSLHandshakeException("PKIX path building failed"), HUB,
                        "the TLS handshake or session with huggingface.co failed: PKIX path building failed"),
                Arguments.of(new EOFException(), HUB, "huggingface.co closed the connection before answering"),
                Arguments.of(new IOException("HTTP/1.1 header parser received no bytes"), HUB,
                        "huggingface.co closed the connection before answering"),
                Arguments.of(new ProtocolException("Invalid status line: \"SSH-2.0\""), LOCAL,
                        "127.0.0.1:8080 answered something that is not HTTP: invalid status line: \"SSH-2.0\""),
                Arguments.of(new SocketException("Connection reset"), HUB,
                        "the connection to huggingface.co failed: connection reset"),
                Arguments.of(new IOException("java.net.SomethingNewException: it broke"), HUB, "it broke"),
                Arguments.of(new IOException(), HUB, "the connection to huggingface.co failed"));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void inWords(Throwable failure, URI uri, String words) {
        String said = HttpRanges.describe(failure, uri);

        assertThat(said).isEqualTo(words);
        assertThat(said).doesNotContain("Exception", "java.");
    }
}
