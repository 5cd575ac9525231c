package dev.modelsummary.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.model.Form;
import dev.modelsummary.model.Shape;
import dev.modelsummary.summary.Summary;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PieChartTest {
    /**
     * Where the pie lands at 800x600 with the legend on the right: centre near (243, 325), radius near 210. Half a
     * radius below the centre is inside the slice that covers 6 o'clock, whatever the exact layout.
     */
    private static final int BELOW_CENTRE_X = 243;
    private static final int BELOW_CENTRE_Y = 430;
    /** The legend is right of the pie. */
    private static final int LEGEND_LEFT = 470;

    private static Summary vit;
    private static BufferedImage vitImage;

    @BeforeAll
    static void renderVitOnce() throws IOException {
        vit = ChartModels.vitL16();
        vitImage = decode(PieChart.png(vit));
    }

    @Test
    void pngDecodesAtTheFixedSize() {
        assertThat(vitImage.getWidth()).isEqualTo(PieChart.WIDTH).isEqualTo(800);
        assertThat(vitImage.getHeight()).isEqualTo(PieChart.HEIGHT).isEqualTo(600);
    }

    @Test
    void theLargestSliceHasItsFormsColour() {
        assertThat(rgb(vitImage, BELOW_CENTRE_X, BELOW_CENTRE_Y)).isEqualTo(FormPalette.color(Form.MATRIX));
    }

    @Test
    void theColourFollowsTheFormNotTheSlicePosition() throws IOException {
        // Tensor rank 4 is the third form in report order but holds 90% here; Vector and Matrix come first.
        Summary convs = ChartModels.of("convs", Shape.of(50), Shape.of(10, 5), Shape.of(30, 5, 3, 2));

        BufferedImage image = decode(PieChart.png(convs));

        assertThat(rgb(image, BELOW_CENTRE_X, BELOW_CENTRE_Y)).isEqualTo(FormPalette.color(new Form(4)));
    }

    @Test
    void cornersAreWhite() {
        assertThat(rgb(vitImage, 0, 0)).isEqualTo(Color.WHITE);
        assertThat(rgb(vitImage, 799, 599)).isEqualTo(Color.WHITE);
    }

    @Test
    void theLegendShowsASwatchForEveryFormEvenTheTinyOnes() throws IOException {
        Summary many = ChartModels.manyForms();
        BufferedImage image = decode(PieChart.png(many));

        for (PieSlices.Slice slice : PieSlices.of(many)) {
            assertThat(countPixels(image, FormPalette.color(slice.form()), LEGEND_LEFT, PieChart.WIDTH))
                    .as("legend swatch pixels of %s", slice.form()).isGreaterThan(50);
        }
        for (PieSlices.Slice slice : PieSlices.of(vit)) {
            assertThat(countPixels(vitImage, FormPalette.color(slice.form()), LEGEND_LEFT, PieChart.WIDTH))
                    .as("legend swatch pixels of %s", slice.form()).isGreaterThan(50);
        }
    }

    @Test
    void theSameSummaryGivesTheSameBytes() {
        assertThat(PieChart.png(vit)).isEqualTo(PieChart.png(ChartModels.vitL16()));
    }

    @Test
    void aModelWithoutParametersGivesAChartWithoutSlices() throws IOException {
        BufferedImage image = decode(PieChart.png(ChartModels.noParameters()));

        assertThat(image.getWidth()).isEqualTo(800);
        for (int rank = 0; rank <= 6; rank++) {
            assertThat(countPixels(image, FormPalette.color(new Form(rank)), 0, PieChart.WIDTH)).isZero();
        }
        // The message is drawn where the pie would be.
        assertThat(countNonWhite(image, 200, 600, 250, 320)).isGreaterThan(100);
    }

    @Test
    void writePngWritesTheSameBytes(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("vit_l_16_pie_chart.png");

        PieChart.writePng(vit, file);

        assertThat(Files.readAllBytes(file)).isEqualTo(PieChart.png(vit));
    }

    @Test
    void aLongTitleIsCentredOnTheImageOrSetSmallerNotClipped() throws IOException {
        String name = "mistralai-Mixtral-8x7B-v0.1";
        BufferedImage image = decode(PieChart.png(ChartModels.of(name, Shape.of(266_240), Shape.of(4096, 4096))));

        // XChart centres its title: one wider than the chart lost its first and last letters at both edges
        assertThat(countNonWhite(image, 0, 12, 0, 60)).isZero();
        assertThat(countNonWhite(image, PieChart.WIDTH - 12, PieChart.WIDTH, 0, 60)).isZero();
        PieChart.Title title = PieChart.fitTitle(name + " parameters by form");
        assertThat(title.text()).isEqualTo(name + " parameters by form");
        assertThat(title.font().getSize()).isEqualTo(22); // centred on the image, not on the plot left of the legend
        assertThat(PieChart.fitTitle("m".repeat(60) + " parameters by form").font().getSize()).isBetween(12, 21);
    }

    @Test
    void aTitleTooLongForTheSmallestSizeKeepsItsEnds() {
        String long200 = "m".repeat(200) + " parameters by form";

        PieChart.Title title = PieChart.fitTitle(long200);

        assertThat(title.font().getSize()).isEqualTo(12);
        assertThat(title.text()).startsWith("mmm").endsWith("by form").contains("\u2026").hasSizeLessThan(130);
    }

    private static BufferedImage decode(byte[] png) throws IOException {
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image).isNotNull();
        return image;
    }

    private static Color rgb(BufferedImage image, int x, int y) {
        return new Color(image.getRGB(x, y) & 0xFFFFFF);
    }

    private static int countPixels(BufferedImage image, Color colour, int fromX, int toX) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = fromX; x < toX; x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == (colour.getRGB() & 0xFFFFFF)) {
                    n++;
                }
            }
        }
        return n;
    }

    private static int countNonWhite(BufferedImage image, int fromX, int toX, int fromY, int toY) {
        int n = 0;
        for (int y = fromY; y < toY; y++) {
            for (int x = fromX; x < toX; x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) != 0xFFFFFF) {
                    n++;
                }
            }
        }
        return n;
    }
}
