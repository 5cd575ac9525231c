package dev.modelsummary.catalog;

import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.compute.ModelInput;
import dev.modelsummary.memory.MemoryTraits;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One public model builder ({@code torchvision.models.resnet50}): its name, its task, the keyword arguments
 * it takes, and the code that builds the module tree from them.
 *
 * @param name    the builder's name, lower case
 * @param task    what the model does
 * @param args    the keyword arguments it takes, in torchvision's order
 * @param factory builds the modules for the given arguments
 * @param anyKey  whether it also takes keys it does not declare (a Hugging Face config's keys, which
 *                {@code from_config(config, **kwargs)} overrides), left to the factory to type
 * @param source  the library whose model it is ({@code torchvision}, {@code transformers}), for {@code --list}
 * @param tasks   the task of a build with given arguments, when an argument changes it (a Hugging Face
 *                builder's {@code architecture}: {@code BertForSequenceClassification} classifies text, while the
 *                default {@code BertForMaskedLM} fills masks); {@link #task} is the task with the defaults
 * @param input   the input the built model runs on by default, or null for {@link DefaultInputs}' rule
 * @param memory  what its library says about memory (no-split classes, KV cache, experts), or null for none
 */
public record Builder(String name, Task task, List<Arg> args, Factory factory, boolean anyKey, String source,
                      TaskOf tasks, InputRule input, MemoryRule memory) {

    /** The body of a builder. */
    @FunctionalInterface
    public interface Factory {
        /**
         * @throws ArgumentException for values the real builder refuses
         */
        Module build(Kwargs kwargs);
    }

    /** The task of a build, from its builder arguments (as given: name to value text). */
    @FunctionalInterface
    public interface TaskOf {
        Task of(Map<String, String> arguments);
    }

    /** The input a build runs on by default, from its arguments (after the factory settled them). */
    @FunctionalInterface
    public interface InputRule {
        ModelInput of(Kwargs kwargs);
    }

    /** What a build's library says about its memory, from its (settled) arguments. */
    @FunctionalInterface
    public interface MemoryRule {
        MemoryTraits of(Kwargs kwargs);
    }

    /** The source of {@link #of} builders. */
    public static final String TORCHVISION = "torchvision";

    public Builder {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(tasks, "tasks");
        args = List.copyOf(args);
        long distinct = args.stream().map(Arg::name).distinct().count();
        if (distinct != args.size()) {
            throw new IllegalArgumentException(name + " declares an argument twice");
        }
    }

    public static Builder of(String name, Task task, List<Arg> args, Factory factory) {
        return new Builder(name, task, args, factory, false, TORCHVISION, arguments -> task, null, null);
    }

    /** A builder of another library ({@code timm}) that takes only the keyword arguments it declares. */
    public static Builder of(String source, String name, Task task, List<Arg> args, Factory factory) {
        return new Builder(name, task, args, factory, false, source, arguments -> task, null, null);
    }

    /** A builder of {@code source} that takes any key besides the ones it declares ({@link Kwargs#extra()}). */
    public static Builder anyKey(String source, String name, Task task, List<Arg> args, Factory factory) {
        return new Builder(name, task, args, factory, true, source, arguments -> task, null, null);
    }

    /** {@link #anyKey} whose task depends on its arguments. */
    public Builder withTasks(TaskOf taskOf) {
        return new Builder(name, task, args, factory, anyKey, source, taskOf, input, memory);
    }

    /** This builder with its own default input ({@code timm}'s {@code pretrained_cfg["input_size"]}, ...). */
    public Builder withInput(InputRule rule) {
        return new Builder(name, task, args, factory, anyKey, source, tasks, rule, memory);
    }

    /** This builder with what its library says about memory ({@code _no_split_modules}, its KV cache ...). */
    public Builder withMemory(MemoryRule rule) {
        return new Builder(name, task, args, factory, anyKey, source, tasks, input, rule);
    }

    /** What a build with these (settled) arguments keeps in memory besides its tensors; none by default. */
    public MemoryTraits memoryTraits(Kwargs kwargs) {
        return memory != null ? memory.of(kwargs) : MemoryTraits.NONE;
    }

    /** The input a build with these (settled) arguments runs on by default. */
    public ModelInput defaultInput(Kwargs kwargs) {
        return input != null ? input.of(kwargs) : DefaultInputs.of(this, kwargs);
    }

    /** The task of a build with these builder arguments (the defaults for any not given). */
    public Task taskFor(Map<String, String> arguments) {
        return tasks.of(arguments);
    }

    /** Whether this builder takes the keyword argument {@code argName}. */
    public boolean takes(String argName) {
        return args.stream().anyMatch(a -> a.name().equals(argName));
    }
}
