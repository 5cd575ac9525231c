package dev.modelsummary.site;

import dev.modelsummary.model.Shape;
import dev.modelsummary.summary.Summary;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One model of a site: what its group's {@code data.json} holds about it, enough to rank it and list it in
 * the index without reading it again.
 *
 * @param name       the page's name ({@code resnet18}, {@code timm-efficientnet_b0}), file-safe
 * @param page       the page, relative to the group's folder ({@code resnet18.md})
 * @param parameters parameter elements
 * @param trainable  trainable parameter elements
 * @param buffers    buffer elements
 * @param bytes      stored bytes of parameters and buffers
 * @param tensors    parameter tensors (the page's "Number of layers")
 * @param forms      parameter tensors by form, in the page's order
 * @param source     {@code torchvision}, {@code timm}, {@code transformers} or {@code file}
 * @param input      the input one forward pass was counted on ({@code 1x3x224x224}), or null without one (a
 *                   weight file, a model whose forward could not be counted, a site written before FLOPs were)
 * @param flops      FLOPs of that forward pass as torch's FlopCounterMode counts them, or null with no input
 * @param inference  bytes inference takes at that input as stored (weights + activations + KV cache, as
 *                   {@code --memory} counts them), or null with no input (or a site written before it was)
 */
public record SiteEntry(String name, String page, long parameters, long trainable, long buffers, long bytes,
                        int tensors, List<FormShare> forms, String source, String input, Long flops,
                        Long inference) {
    /** The characters a page name may have: it names files and goes into links unescaped. */
    public static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.+-]{0,199}");
    /** The source of a model read from a file. */
    public static final String FILE_SOURCE = "file";

    /** How {@link #input} is written: the dimensions joined by {@code x}. */
    public static final Pattern INPUT = Pattern.compile("[0-9]{1,10}(x[0-9]{1,10}){0,7}");

    public SiteEntry {
        forms = List.copyOf(forms);
        if ((input == null) != (flops == null) || (input == null && inference != null)) {
            throw new IllegalArgumentException("FLOPs and inference memory go with the input they were counted on");
        }
    }

    /** An entry without inference memory (a site written before it was). */
    public SiteEntry(String name, String page, long parameters, long trainable, long buffers, long bytes,
                     int tensors, List<FormShare> forms, String source, String input, Long flops) {
        this(name, page, parameters, trainable, buffers, bytes, tensors, forms, source, input, flops, null);
    }

    /** An entry without FLOPs. */
    public SiteEntry(String name, String page, long parameters, long trainable, long buffers, long bytes,
                     int tensors, List<FormShare> forms, String source) {
        this(name, page, parameters, trainable, buffers, bytes, tensors, forms, source, null, null, null);
    }

    public static SiteEntry of(String name, String page, Summary summary, String source) {
        return of(name, page, summary, source, null, null, null);
    }

    /**
     * @param input     the forward pass's input shape, or null without FLOPs
     * @param inference inference bytes at that input, or null
     */
    public static SiteEntry of(String name, String page, Summary summary, String source, Shape input, Long flops,
                               Long inference) {
        List<FormShare> forms = summary.forms().stream()
                .map(f -> new FormShare(f.form().label(), f.tensors(), f.count())).toList();
        return new SiteEntry(name, page, summary.parameters().count(), summary.parameters().trainable(),
                summary.buffers().count(), summary.storedBytes(), summary.parameters().tensors(), forms,
                source, input == null ? null : inputText(input), input == null ? null : flops,
                input == null ? null : inference);
    }

    /** {@code 1x3x224x224}. */
    public static String inputText(Shape input) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < input.rank(); i++) {
            text.append(i == 0 ? "" : "x").append(input.dim(i));
        }
        return text.toString();
    }
}
