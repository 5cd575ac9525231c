package dev.modelsummary.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.model.Model;
import dev.modelsummary.source.ModelLoader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each tensor's digest is the SHA-256 of its own elements in row-major order, whatever view of a storage it is:
 * checked against digests computed here from the values torch reports for {@code fixtures/pytorch/dtypes.pth}
 * ({@code w = arange(6.).reshape(2, 3)}, {@code w_t = w.t()}, {@code w_row1 = w[1]}).
 */
class TensorDigestTest {
    private static final String DTYPES = "src/test/resources/fixtures/pytorch/dtypes.pth";

    private static byte[] sha256OfFloats(float... values) throws Exception {
        ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            bytes.putFloat(v);
        }
        return MessageDigest.getInstance("SHA-256").digest(bytes.array());
    }

    @Test
    void viewsAreHashedAsTheirOwnElements() throws Exception {
        TensorData.Recorded<Model> recorded = TensorData.recording(() -> {
            try {
                return ModelLoader.standard().load(DTYPES, Map.of());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Map<String, TensorData.Location> at = recorded.locations();

        assertThat(at).containsKeys("w", "w_t", "w_row1", "w_again", "float32");
        assertThat(TensorDigest.sha256(at.get("w"))).isEqualTo(sha256OfFloats(0, 1, 2, 3, 4, 5));
        assertThat(TensorDigest.sha256(at.get("w_t"))).isEqualTo(sha256OfFloats(0, 3, 1, 4, 2, 5));
        assertThat(TensorDigest.sha256(at.get("w_row1"))).isEqualTo(sha256OfFloats(3, 4, 5));
        assertThat(TensorDigest.sha256(at.get("w_again"))).isEqualTo(sha256OfFloats(0, 1, 2, 3, 4, 5));
        assertThat(TensorDigest.sha256(at.get("float32"))).isEqualTo(sha256OfFloats(0, 0, 0, 0, 0, 0));
    }

    @Test
    void aZeroStrideViewIsItsOneElementRepeated() throws Exception {
        // resnet18.pth is made with the expand trick: bn1.weight is zeros(()).expand(64), stride (0,)
        TensorData.Recorded<Model> recorded = TensorData.recording(() -> {
            try {
                return ModelLoader.standard().load("src/test/resources/fixtures/pytorch/resnet18.pth", Map.of());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        assertThat(TensorDigest.sha256(recorded.locations().get("bn1.weight"))).isEqualTo(sha256OfFloats(
                new float[64]));
    }

    @Test
    void outsideARecordingNothingIsNoted() throws Exception {
        ModelLoader.standard().load(DTYPES, Map.of());
        assertThat(TensorData.recording(() -> 1).locations()).isEmpty();
    }
}
