package dev.modelsummary.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SiteJsonTest {
    private static final SiteGroup GROUP = new SiteGroup("image/classification", "Image classification");
    private static final SiteEntry SMALL = new SiteEntry("small", "small.md", 10, 8, 2, 48, 2,
            List.of(new FormShare("Vector", 1, 2), new FormShare("Matrix", 1, 8)), "torchvision");
    private static final SiteEntry LARGE = new SiteEntry("large", "large.html", 1000, 1000, 0, 4000, 3,
            List.of(new FormShare("Vector", 1, 10), new FormShare("Matrix", 1, 90), new FormShare("Tensor rank 4", 1,
                    900)), "file");

    @Test
    void readsWhatItWritesSortedByName() throws IOException {
        GroupData data = new GroupData(GROUP, List.of(SMALL, LARGE));

        String json = write(data);

        assertThat(data.models()).extracting(SiteEntry::name).containsExactly("large", "small");
        assertThat(SiteJson.read(json.getBytes(StandardCharsets.UTF_8), GROUP)).isEqualTo(data);
        assertThat(json).startsWith("{\n  \"group\": \"image/classification\",\n  \"models\": [\n").endsWith("}\n")
                .doesNotContain("\r");
    }

    @Test
    void flopsAndTheirInputAreReadBackAndAnEarlierSitesFileHasNone() throws IOException {
        SiteEntry counted = new SiteEntry("counted", "counted.md", 10, 10, 0, 40, 1, List.of(), "torchvision",
                "1x3x224x224", 8_178_368_512L, 411_041_792L);
        GroupData data = new GroupData(GROUP, List.of(SMALL, counted));

        String json = write(data);

        assertThat(SiteJson.read(json.getBytes(StandardCharsets.UTF_8), GROUP)).isEqualTo(data);
        assertThat(json).contains("\"input\": \"1x3x224x224\",\n      \"flops\": 8178368512,\n"
                + "      \"inferenceBytes\": 411041792,", "\"input\": null,\n      \"flops\": null,\n"
                + "      \"inferenceBytes\": null,");
        String earlier = json.replace("      \"input\": null,\n      \"flops\": null,\n      \"inferenceBytes\": null,\n",
                "");
        assertThat(earlier).doesNotContain("null");
        assertThat(SiteJson.read(earlier.getBytes(StandardCharsets.UTF_8), GROUP)).isEqualTo(data);
        for (String bad : List.of(json.replace("\"input\": \"1x3x224x224\"", "\"input\": null"),
                json.replace("\"flops\": 8178368512", "\"flops\": null"),
                json.replace("\"flops\": 8178368512", "\"flops\": -1"),
                json.replace("\"inferenceBytes\": 411041792", "\"inferenceBytes\": -1"),
                json.replace("\"inferenceBytes\": null", "\"inferenceBytes\": 5"),
                json.replace("1x3x224x224", "<b>"))) {
            assertThatThrownBy(() -> SiteJson.read(bad.getBytes(StandardCharsets.UTF_8), GROUP))
                    .as(bad).isInstanceOf(SiteDataException.class);
        }
        assertThat(data.rankedByFlops()).extracting(SiteEntry::name).containsExactly("counted", "small");
    }

    @Test
    void mergeReplacesByNameAndRanksByParametersThenName() {
        SiteEntry tie = new SiteEntry("a-tie", "a-tie.md", 10, 10, 0, 40, 1, List.of(), "timm");
        SiteEntry grown = new SiteEntry("small", "small.md", 5000, 5000, 0, 20000, 1, List.of(), "torchvision");

        GroupData merged = new GroupData(GROUP, List.of(SMALL, LARGE)).merge(List.of(tie));
        GroupData replaced = merged.merge(List.of(grown));

        assertThat(merged.ranked()).extracting(SiteEntry::name).containsExactly("large", "a-tie", "small");
        assertThat(merged.ranks().get("small").rank()).isEqualTo(3);
        assertThat(merged.ranks().get("small").groupSize()).isEqualTo(3);
        assertThat(replaced.models()).hasSize(3).contains(grown).doesNotContain(SMALL);
        assertThat(replaced.ranked().get(0)).isEqualTo(grown);
    }

    @Test
    void refusesWhatASiteDoesNotWrite() throws IOException {
        String good = write(new GroupData(GROUP, List.of(SMALL)));
        List<String> bad = List.of(
                "", "[]", "null", "{\"group\": \"image/classification\"}",
                good.replace("image/classification", "image/detection"),
                good.replace("\"small.md\"", "\"../../../etc/passwd\""),
                good.replace("\"small.md\"", "\"other.md\""),
                good.replace("\"name\": \"small\"", "\"name\": \"sm/all\""),
                good.replace("\"name\": \"small\"", "\"name\": \"<b>\""),
                good.replace("\"parameters\": 10", "\"parameters\": -10"),
                good.replace("\"parameters\": 10", "\"parameters\": 1e3"),
                good.replace("\"parameters\": 10", "\"parameters\": 99999999999999999999"),
                good.replace("\"tensors\": 2", "\"tensors\": 4294967296"),
                good.replace("\"Vector\"", "\"Scalar\""),
                good.replace("\"torchvision\"", "\"<script>\""),
                good.replace("\"name\": \"small\",", "\"name\": \"small\", \"name\": \"x\","),
                good.replace("\"models\": [", "\"models\": [" + modelOf(good) + ","),
                good.replace("\"forms\": [", "\"forms\": [[[[[[[[[[]]]]]]]]]],"),
                good.substring(0, good.length() / 2));
        for (String text : bad) {
            assertThatThrownBy(() -> SiteJson.read(text.getBytes(StandardCharsets.UTF_8), GROUP))
                    .as(text).isInstanceOf(SiteDataException.class);
        }
    }

    /** The one model object of a data.json with one model. */
    private static String modelOf(String json) {
        int start = json.indexOf('{', json.indexOf("\"models\""));
        int end = json.lastIndexOf(']');
        return json.substring(start, json.lastIndexOf('}', end) + 1);
    }

    private static String write(GroupData data) throws IOException {
        StringWriter out = new StringWriter();
        SiteJson.write(data, out);
        return out.toString();
    }
}
