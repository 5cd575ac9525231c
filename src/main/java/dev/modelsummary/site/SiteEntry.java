package dev.modelsummary.site;

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
 */
public record SiteEntry(String name, String page, long parameters, long trainable, long buffers, long bytes,
                        int tensors, List<FormShare> forms, String source) {
    /** The characters a page name may have: it names files and goes into links unescaped. */
    public static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.+-]{0,199}");
    /** The source of a model read from a file. */
    public static final String FILE_SOURCE = "file";

    public SiteEntry {
        forms = List.copyOf(forms);
    }

    public static SiteEntry of(String name, String page, Summary summary, String source) {
        List<FormShare> forms = summary.forms().stream()
                .map(f -> new FormShare(f.form().label(), f.tensors(), f.count())).toList();
        return new SiteEntry(name, page, summary.parameters().count(), summary.parameters().trainable(),
                summary.buffers().count(), summary.storedBytes(), summary.parameters().tensors(), forms,
                source);
    }
}
