package dev.modelsummary.catalog.torchvision.segmentation;

import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.catalog.torchvision.MobileNetV3;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code mobilenet_v3_large(weights=weights_backbone, dilated=True).features}, the backbone that
 * {@code deeplabv3.py} and {@code lraspp.py} both take, with what both compute from it: the stage indices and
 * each block's {@code out_channels}.
 *
 * @param conf     the configuration the features were built from
 * @param features the {@code features} Sequential
 */
record MobileNetV3Features(MobileNetV3.Conf conf, Sequential features) {

    private static final String ARCH = "mobilenet_v3_large";

    /**
     * The backbone as the segmentation builders call it: only {@code dilated=True} is passed (their
     * {@code **kwargs} go nowhere), with mobilenet_v3_large's default norm layer. Neither the dilation nor
     * {@code weights_backbone} changes the tensors.
     */
    static MobileNetV3Features large() {
        Kwargs kwargs = Kwargs.parse(ARCH, MobileNetV3.confArgs(), Map.of("dilated", "true"));
        MobileNetV3.Conf conf = MobileNetV3.conf(ARCH, kwargs);
        return new MobileNetV3Features(conf, MobileNetV3.features(conf, MobileNetV3::batchNorm));
    }

    /**
     * {@code stage_indices = [0] + [i for i, b in enumerate(backbone) if getattr(b, "_is_cn", False)] +
     * [len(backbone) - 1]}: the blocks with stride > 1 ({@code _is_cn} keeps the configured stride even when
     * dilation makes the conv's stride 1), between the first and last convolutions.
     */
    List<Integer> stageIndices() {
        List<Integer> indices = new ArrayList<>(List.of(0));
        List<MobileNetV3.BlockConfig> blocks = conf.blocks();
        for (int i = 0; i < blocks.size(); i++) {
            if (blocks.get(i).stride() > 1) {
                indices.add(i + 1); // features[0] is the first conv; block i is features[i + 1]
            }
        }
        indices.add(features.size() - 1);
        return indices;
    }

    /** The stage index {@code stage_indices[-k]}, counted from the end as Python's negative index. */
    int stageFromEnd(int k) {
        List<Integer> indices = stageIndices();
        return indices.get(indices.size() - k);
    }

    /** {@code features[index].out_channels}: the first conv, an InvertedResidual, or the last 1x1 conv. */
    long outChannels(int index) {
        List<MobileNetV3.BlockConfig> blocks = conf.blocks();
        if (index == 0) {
            return blocks.get(0).inputChannels();
        }
        if (index <= blocks.size()) {
            return blocks.get(index - 1).outChannels();
        }
        return Dims.mul(6, blocks.get(blocks.size() - 1).outChannels());
    }
}
