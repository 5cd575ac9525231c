package dev.modelsummary.catalog.torchvision.segmentation;

import dev.modelsummary.compute.ShapeException;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

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

    /** {@code _SimpleSegmentationModel.forward}: a dict, {@code "out"} then {@code "aux"} when there is one. */
    @Override
    public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
        Shape x = xs.get(0);
        Shape inputShape = x;
        // contract: features is a dict of tensors
        Map<String, Shape> features = featureDict(callOutputs(t, "backbone", x));

        List<Shape> result = new ArrayList<>();
        x = features.get("out");
        x = call(t, "classifier", x);
        x = interpolate(x, inputShape);
        result.add(x);

        if (childrenWithEmptyPlaces().get("aux_classifier") != null) {
            x = features.get("aux");
            x = call(t, "aux_classifier", x);
            x = interpolate(x, inputShape);
            result.add(x);
        }

        return result;
    }

    @Override
    public Shape forward(Trace t, Shape x) {
        throw new UnsupportedOperationException(className() + " returns a dict of tensors");
    }

    /**
     * The backbone's dict by key: {@code return_layers} maps the last stage to "out" and, with aux, an earlier
     * one to "aux", which therefore comes first in the getter's output.
     */
    private Map<String, Shape> featureDict(List<Shape> features) {
        Map<String, Shape> dict = new LinkedHashMap<>();
        if (features.size() == 2) {
            dict.put("aux", features.get(0));
            dict.put("out", features.get(1));
        } else {
            dict.put("out", features.get(0));
        }
        return dict;
    }

    /**
     * {@code F.interpolate(x, size=like.shape[-2:], mode="bilinear", align_corners=False)}: no FLOPs; the last
     * two dims become {@code like}'s. Bilinear takes 4-D input only.
     */
    static Shape interpolate(Shape x, Shape like) {
        if (x.rank() != 4) {
            throw new ShapeException("Got " + x.rank() + "D input, but bilinear mode needs 4D input");
        }
        long[] dims = x.dims().clone();
        dims[2] = like.dim(like.rank() - 2);
        dims[3] = like.dim(like.rank() - 1);
        return Shape.of(dims);
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
