package dev.modelsummary.catalog.torchvision.segmentation;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Weights;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.torchvision.Args;
import java.util.List;

/**
 * torchvision {@code models/segmentation/_utils.py} (0.14.1): {@code _SimpleSegmentationModel}, the base of
 * FCN and DeepLabV3; plus the argument handling that {@code fcn.py}, {@code deeplabv3.py} and {@code lraspp.py}
 * repeat word for word in each builder.
 */
class SimpleSegmentationModel extends Module {

    /** {@code num_classes} when neither the user nor the weights give it. */
    static final long DEFAULT_NUM_CLASSES = 21;

    /**
     * {@code _SimpleSegmentationModel(backbone, classifier, aux_classifier)}. A null {@code auxClassifier} is
     * Python's {@code self.aux_classifier = None}: a plain attribute, no tensors.
     */
    SimpleSegmentationModel(Module backbone, Module classifier, Module auxClassifier) {
        add("backbone", backbone);
        add("classifier", classifier);
        if (auxClassifier != null) {
            add("aux_classifier", auxClassifier);
        }
    }

    /**
     * The keyword arguments of the FCN and DeepLabV3 builders, in their signatures' order.
     * Their {@code **kwargs} are unused, so nothing else is declared.
     */
    static List<Arg> args(Weights weights, Weights backboneWeights) {
        return List.of(Args.weights(weights), Args.progress(), numClassesArg(),
                // Optional[bool] upstream: None and False build the same model, and with weights only an explicit
                // False conflicts, which auxLoss reproduces.
                Arg.bool("aux_loss", false, "add the auxiliary classifier (aux_classifier); weights set it to True"),
                weightsBackbone(backboneWeights));
    }

    /**
     * A segmentation weights enum: one member, {@code COCO_WITH_VOC_LABELS_V1}, trained on the 21 VOC categories
     * at {@code min_size (1, 1)}.
     */
    static Weights vocWeights(String className) {
        return Weights.of(className, Args.VOC, 1, "COCO_WITH_VOC_LABELS_V1", "COCO_WITH_VOC_LABELS_V1");
    }

    /** {@code num_classes: Optional[int] = None}. */
    static Arg numClassesArg() {
        return Arg.optionalInteger("num_classes", "number of output classes, background included (None: "
                + DEFAULT_NUM_CLASSES + ", or the weights' categories)");
    }

    /**
     * {@code weights_backbone}. Its default here is None, as in the catalog's default builds (torchvision's
     * is IMAGENET1K_V1): segmentation backbones are built with BatchNorm2d either way, so it leaves no trace.
     */
    static Arg weightsBackbone(Weights weights) {
        return Arg.weights("weights_backbone", weights, "pretrained backbone weights (" + weights.className()
                + "; no effect on the tensors: default None here, IMAGENET1K_V1 in torchvision)");
    }

    /**
     * The builders' {@code num_classes}: with weights, {@code _ovewrite_value_param("num_classes", num_classes,
     * len(weights.meta["categories"]))}; without, {@code 21} when None.
     */
    static long numClasses(Kwargs kwargs) {
        var weights = kwargs.weights("weights");
        if (weights.isPresent()) {
            return kwargs.overwriteValue("num_classes", weights.get().categories());
        }
        Long given = kwargs.optionalInteger("num_classes");
        return given == null ? DEFAULT_NUM_CLASSES : given;
    }

    /** The builders' {@code aux_loss}: weights impose {@code _ovewrite_value_param("aux_loss", aux_loss, True)}. */
    static boolean auxLoss(Kwargs kwargs) {
        if (kwargs.weights("weights").isPresent()) {
            // aux_loss is declared bool (no None): only a value the user gave can conflict, as in Python.
            kwargs.overwrite("aux_loss", true);
        }
        return kwargs.bool("aux_loss");
    }

}
