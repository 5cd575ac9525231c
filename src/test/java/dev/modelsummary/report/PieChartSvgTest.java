package dev.modelsummary.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.modelsummary.model.DType;
import dev.modelsummary.model.Form;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.summary.Summary;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class PieChartSvgTest {
    private static final String SVG_NS = "http://www.w3.org/2000/svg";

    @Test
    void vitL16HasOneColouredSliceAndOneLegendLinePerForm() throws Exception {
        Summary vit = ChartModels.vitL16();
        Document doc = parse(PieChartSvg.svg(vit));

        assertThat(doc.getDocumentElement().getLocalName()).isEqualTo("svg");
        List<Element> slices = slices(doc);
        List<PieSlices.Slice> expected = PieSlices.of(vit);
        assertThat(slices).hasSize(3).allMatch(e -> e.getLocalName().equals("path"));
        for (int i = 0; i < expected.size(); i++) {
            assertThat(slices.get(i).getAttribute("fill")).isEqualTo(FormPalette.hex(expected.get(i).form()));
        }
        // counts as the page's cards write them (the Hub's way), not as the published PNG does (324.58K)
        assertThat(texts(doc)).containsExactly("vit_l_16 parameters by form",
                "Vector 0.11% (325K)", "Matrix 99.63% (303M)", "Tensor rank 4 0.26% (786K)");
    }

    @Test
    void slicesTileTheCircleCounterClockwiseFromTwelveOClock() throws Exception {
        Document doc = parse(PieChartSvg.svg(ChartModels.manyForms()));
        List<Element> slices = slices(doc);
        assertThat(slices).hasSize(7);

        double[] previousEnd = null;
        for (Element slice : slices) {
            double[] d = pathNumbers(slice.getAttribute("d"));
            // M cx,cy L x0,y0 A r,r 0 large,sweep x1,y1 Z
            double cx = d[0];
            double cy = d[1];
            double r = d[4];
            assertThat(Math.hypot(d[2] - cx, d[3] - cy)).isCloseTo(r, within(0.02));
            assertThat(Math.hypot(d[9] - cx, d[10] - cy)).isCloseTo(r, within(0.02));
            assertThat(d[8]).as("sweep flag: counter-clockwise").isZero();
            if (previousEnd == null) {
                assertThat(d[2]).isEqualTo(cx);
                assertThat(d[3]).isEqualTo(cy - r);
            } else {
                assertThat(new double[] {d[2], d[3]}).containsExactly(previousEnd);
            }
            previousEnd = new double[] {d[9], d[10]};
        }
        assertThat(previousEnd).containsExactly(pathNumbers(slices.get(0).getAttribute("d"))[2],
                pathNumbers(slices.get(0).getAttribute("d"))[3]);
    }

    @Test
    void onlyASliceOverHalfThePieTakesTheLargeArc() throws Exception {
        List<Element> slices = slices(parse(PieChartSvg.svg(ChartModels.vitL16())));

        assertThat(slices).extracting(e -> pathNumbers(e.getAttribute("d"))[7]).containsExactly(0.0, 1.0, 0.0);
    }

    @Test
    void aSingleFormIsAFullCircleNotADegenerateArc() throws Exception {
        Document doc = parse(PieChartSvg.svg(ChartModels.of("one_matrix", Shape.of(30, 10), Shape.of(4, 4))));

        List<Element> slices = slices(doc);
        assertThat(slices).hasSize(1);
        assertThat(slices.get(0).getLocalName()).isEqualTo("circle");
        assertThat(slices.get(0).getAttribute("fill")).isEqualTo(FormPalette.hex(Form.MATRIX));
        assertThat(texts(doc)).contains("Matrix 100.00% (316)");
    }

    @Test
    void aSliceWhoseRestIsTooThinToSeeIsAFullCircle() throws Exception {
        // Mixtral-8x7B: 46,702,526,464 matrix elements and 266,240 in vectors (0.0006 %): the matrix arc's end
        // points rounded to one point, and the arc from a point to itself drew nothing
        Document doc = parse(PieChartSvg.svg(ChartModels.of("mixtral_like", Shape.of(266_240),
                Shape.of(4096, 11_401_984))));

        List<Element> slices = slices(doc);
        assertThat(slices).extracting(Element::getLocalName).containsExactly("path", "circle");
        assertThat(slices.get(1).getAttribute("fill")).isEqualTo(FormPalette.hex(Form.MATRIX));
        assertThat(slices.get(1).getAttribute("r")).isEqualTo("130");
        assertThat(PieChartSvg.coversThePie(999, 1000)).isFalse(); // 0.1 %: an arc of 0.8 px, drawn as a slice
    }

    @Test
    void aTinySliceIsStillAWellFormedPath() throws Exception {
        // One scalar next to a billion matrix elements: an angle of about 3.6e-7 degrees.
        Summary summary = ChartModels.of("tiny", Shape.of(1000, 1000, 1000), Shape.of(100_000, 10_000),
                Shape.scalar());
        String svg = PieChartSvg.svg(summary);
        Document doc = parse(svg);

        assertThat(slices(doc)).hasSize(3).allMatch(e -> e.getLocalName().equals("path"));
        assertThat(svg).doesNotContain("NaN").doesNotContain("Infinity").doesNotContain("E-");
        assertThat(texts(doc)).contains("Tensor rank 0 0.00% (1)");
    }

    @Test
    void aModelWithoutParametersSaysSoAndDrawsNoSlice() throws Exception {
        Document doc = parse(PieChartSvg.svg(ChartModels.noParameters()));

        assertThat(slices(doc)).isEmpty();
        assertThat(texts(doc)).containsExactly("empty_model parameters by form", "No parameters");
    }

    @Test
    void markupInTheModelNameIsEscaped() throws Exception {
        Summary summary = Summary.of(new Model("a<b>&\"c'", "safetensors", "x",
                List.of(TensorEntry.parameter("w", Shape.of(2, 2), DType.FLOAT16, true)), List.of()));

        Document doc = parse(PieChartSvg.svg(summary));

        assertThat(texts(doc).get(0)).isEqualTo("a<b>&\"c' parameters by form");
    }

    @Test
    void aLongLegendWidensTheCanvasAndManyFormsHeightenIt() throws Exception {
        List<Shape> shapes = new ArrayList<>();
        for (int rank = 3; rank <= 22; rank++) {
            long[] dims = new long[rank];
            java.util.Arrays.fill(dims, 2);
            shapes.add(Shape.of(dims));
        }
        Element svg = parse(PieChartSvg.svg(ChartModels.of("deep", shapes.toArray(new Shape[0]))))
                .getDocumentElement();

        assertThat(Integer.parseInt(svg.getAttribute("height"))).isGreaterThan(20 * 24);
        assertThat(svg.getAttribute("viewBox")).isEqualTo("0 0 " + svg.getAttribute("width") + " "
                + svg.getAttribute("height"));
    }

    @Test
    void coordinatesIgnoreTheDefaultLocale() {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            assertThat(PieChartSvg.svg(ChartModels.vitL16())).isEqualTo(withRootLocale());
            assertThat(PieChartSvg.fmt(159.125)).isEqualTo("159.12");
            assertThat(PieChartSvg.fmt(-0.001)).isEqualTo("0");
            assertThat(PieChartSvg.fmt(76.0)).isEqualTo("76");
        } finally {
            Locale.setDefault(saved);
        }
    }

    private static String withRootLocale() {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.ROOT);
            return PieChartSvg.svg(ChartModels.vitL16());
        } finally {
            Locale.setDefault(saved);
        }
    }

    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    /** The pie's slices: every path and circle, in document order. */
    private static List<Element> slices(Document doc) {
        List<Element> out = new ArrayList<>();
        NodeList all = doc.getElementsByTagNameNS(SVG_NS, "*");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (e.getLocalName().equals("path") || e.getLocalName().equals("circle")) {
                out.add(e);
            }
        }
        return out;
    }

    /** The visible texts, in document order (not the tooltips). */
    private static List<String> texts(Document doc) {
        List<String> out = new ArrayList<>();
        NodeList texts = doc.getElementsByTagNameNS(SVG_NS, "text");
        for (int i = 0; i < texts.getLength(); i++) {
            out.add(texts.item(i).getTextContent());
        }
        return out;
    }

    private static double[] pathNumbers(String d) {
        String[] parts = d.replaceAll("[MLAZ]", " ").trim().split("[\\s,]+");
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Double.parseDouble(parts[i]);
        }
        return out;
    }
}
