package dev.modelsummary.report;

import dev.modelsummary.summary.PythonNumbers;
import dev.modelsummary.summary.Summary;
import java.util.stream.Collectors;

/**
 * The lines a site page adds to the published page, in its bold style: what the original project's later
 * pages showed (trainable parameters, bytes, the rank in the group), with bytes apart from parameters (the
 * original printed MiB under "Number of parameters").
 */
public final class SiteLines {
    private SiteLines() {
    }

    /** {@code **Trainable parameters: [ 304.33M ]**}. */
    public static String trainable(Summary summary) {
        return "**Trainable parameters: [ " + PythonNumbers.humanCount(summary.parameters().trainable()) + " ]**";
    }

    /**
     * {@code **Size: [ 1.13 GiB ]** (float32)}: the stored bytes of parameters and buffers, and the dtype; with
     * several dtypes, each one's share ({@code (float32: 44.59 MiB, int64: 160 B)}).
     */
    public static String size(Summary summary) {
        String dtypes = summary.dtypes().size() == 1 ? summary.dtypes().get(0).dtype().torchName()
                : summary.dtypes().stream().map(d -> d.dtype().torchName() + ": " + TextReport.humanBytes(d.bytes()))
                        .collect(Collectors.joining(", "));
        String line = "**Size: [ " + TextReport.humanBytes(summary.storedBytes()) + " ]**";
        return summary.dtypes().isEmpty() ? line : line + " (" + dtypes + ")";
    }

    /** {@code **Rank: [ 3 / 80 ] in [image/classification](README.md)**}: by parameters, largest first. */
    public static String rank(SiteRank rank) {
        return "**Rank: [ " + rank.rank() + " / " + rank.groupSize() + " ] in ["
                + MarkdownReport.cell(rank.groupTitle()) + "](" + rank.rankingLink() + ")**";
    }

}
