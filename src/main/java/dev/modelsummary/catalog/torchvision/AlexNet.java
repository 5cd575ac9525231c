package dev.modelsummary.catalog.torchvision;

import static dev.modelsummary.catalog.nn.Layers.adaptiveAvgPool2d;
import static dev.modelsummary.catalog.nn.Layers.conv2d;
import static dev.modelsummary.catalog.nn.Layers.dropout;
import static dev.modelsummary.catalog.nn.Layers.linear;
import static dev.modelsummary.catalog.nn.Layers.maxPool2d;
import static dev.modelsummary.catalog.nn.Layers.relu;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.Weights;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.List;

/** torchvision {@code models/alexnet.py} (0.14.1): the {@code alexnet} builder. */
public final class AlexNet extends Module {

    /** The one public builder, {@code alexnet}, with {@code AlexNet_Weights}. */
    public static List<Builder> builders() {
        List<Arg> args = List.of(
                Args.weights(Weights.of("AlexNet_Weights", Args.IMAGENET, 63, "IMAGENET1K_V1", "IMAGENET1K_V1")),
                Args.progress(),
                Args.numClasses(1000),
                Arg.real("dropout", 0.5, "dropout rate (no effect on the tensors)"));
        return List.of(Builder.of("alexnet", Task.IMAGE_CLASSIFICATION, args, AlexNet::alexnet));
    }

    /** {@code alexnet(weights, progress, **kwargs)}: weights fix num_classes. */
    private static Module alexnet(Kwargs kwargs) {
        kwargs.weights("weights").ifPresent(w -> kwargs.overwrite("num_classes", w.categories()));
        try {
            return new AlexNet(kwargs.integer("num_classes"), kwargs.real("dropout"));
        } catch (IllegalArgumentException e) {
            throw kwargs.refuse(e.getMessage());
        }
    }

    /** {@code AlexNet(num_classes, dropout)}: features, avgpool, classifier. */
    AlexNet(long numClasses, double dropout) {
        add("features", features());
        add("avgpool", adaptiveAvgPool2d(6, 6));
        add("classifier", new Sequential(
                dropout(dropout),
                linear(256 * 6 * 6, 4096),
                relu(),
                dropout(dropout),
                linear(4096, 4096),
                relu(),
                linear(4096, numClasses)));
    }

    AlexNet(long numClasses) {
        this(numClasses, 0.5);
    }

    @Override
    public Shape forward(Trace t, Shape x) {
        x = call(t, "features", x);
        x = call(t, "avgpool", x);
        x = Reshape.flatten(x, 1, -1);
        x = call(t, "classifier", x);
        return x;
    }

    /** Five convolutions, each followed by a ReLU, with max pooling after the 1st, 2nd and 5th. */
    private static Sequential features() {
        return new Sequential(
                conv2d(3, 64, 11).stride(4).padding(2), relu(), maxPool2d(3, 2, 0),
                conv2d(64, 192, 5).padding(2), relu(), maxPool2d(3, 2, 0),
                conv2d(192, 384, 3).padding(1), relu(),
                conv2d(384, 256, 3).padding(1), relu(),
                conv2d(256, 256, 3).padding(1), relu(), maxPool2d(3, 2, 0));
    }
}
