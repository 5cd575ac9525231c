package dev.modelsummary.catalog.torchvision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.catalog.ArgumentException;
import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.TensorEntry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The detection builders refuse and warn where torchvision 0.14.1 does. */
class DetectionArgsTest {
    private static final Catalog CATALOG = Catalog.standard();

    private static Model build(String name, Map<String, String> args) {
        return CATALOG.build(name, args).orElseThrow();
    }

    @Test
    void weightsFixNumClassesButAnExplicitNoneIsNoConflict() {
        assertThatThrownBy(() -> build("fasterrcnn_resnet50_fpn", Map.of("weights", "DEFAULT", "num_classes", "10")))
                .isInstanceOf(ArgumentException.class)
                .hasMessage("fasterrcnn_resnet50_fpn: The parameter 'num_classes' expected value 91 but got 10 "
                        + "instead.");
        assertThat(build("fasterrcnn_resnet50_fpn", Map.of("weights", "DEFAULT", "num_classes", "None")).tensors())
                .extracting(TensorEntry::name).contains("roi_heads.box_predictor.cls_score.weight");
    }

    @Test
    void keypointWeightsFixNumKeypoints() {
        assertThatThrownBy(() -> build("keypointrcnn_resnet50_fpn", Map.of("weights", "DEFAULT", "num_keypoints", "5")))
                .isInstanceOf(ArgumentException.class)
                .hasMessage("keypointrcnn_resnet50_fpn: The parameter 'num_keypoints' expected value 17 but got 5 "
                        + "instead.");
    }

    @Test
    void trainableLayersAreCheckedAgainstEachBuildersMaximum() {
        assertThatThrownBy(() -> build("fasterrcnn_resnet50_fpn",
                Map.of("weights_backbone", "DEFAULT", "trainable_backbone_layers", "6")))
                .isInstanceOf(ArgumentException.class)
                .hasMessage("fasterrcnn_resnet50_fpn: Trainable backbone layers should be in the range [0,5], got 6 ");
        assertThatThrownBy(() -> build("fasterrcnn_mobilenet_v3_large_fpn",
                Map.of("weights_backbone", "DEFAULT", "trainable_backbone_layers", "7")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("should be in the range [0,6], got 7");
    }

    @Test
    void trainableLayersWithoutPretrainedWeightsWarnAndTrainEverything() {
        Model model = build("retinanet_resnet50_fpn", Map.of("trainable_backbone_layers", "9"));

        assertThat(model.warnings()).containsExactly("Changing trainable_backbone_layers has "
                + "not effect if neither pretrained nor pretrained_backbone have been set to True, falling back to "
                + "trainable_backbone_layers=5 so that all layers are trainable");
        assertThat(model.tensors()).filteredOn(TensorEntry::isParameter).allMatch(TensorEntry::trainable);
    }

    @Test
    void matcherThresholdsMustBeOrdered() {
        assertThatThrownBy(() -> build("fasterrcnn_resnet50_fpn_v2", Map.of("rpn_bg_iou_thresh", "0.8")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageStartingWith("fasterrcnn_resnet50_fpn_v2: low_threshold should be <= high_threshold");
        assertThatThrownBy(() -> build("retinanet_resnet50_fpn", Map.of("fg_iou_thresh", "0.3")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("low_threshold should be <= high_threshold");
    }

    @Test
    void aNegativeClassCountIsRefused() {
        assertThatThrownBy(() -> build("fcos_resnet50_fpn", Map.of("num_classes", "-1")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageStartingWith("fcos_resnet50_fpn: ");
    }
}
