package dev.modelsummary.format.pytorch;

import dev.modelsummary.format.FileNames;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.format.pickle.Allowlist;
import dev.modelsummary.format.pickle.PickleInput;
import dev.modelsummary.format.pickle.PickleScanBuilder;
import dev.modelsummary.format.pickle.PyGlobal;
import dev.modelsummary.format.pickle.PyObject;
import dev.modelsummary.format.pickle.PyTuple;
import dev.modelsummary.format.pickle.PyTypes;
import dev.modelsummary.format.pickle.Unpickler;
import dev.modelsummary.format.zip.ZipDirectory;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Fact;
import dev.modelsummary.model.FileDetails;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.text.Counts;
import dev.modelsummary.text.Quote;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.Map;

/**
 * A TorchScript archive ({@code torch.jit.save}, formats.md 2.2): a torch.save-style ZIP whose {@code data.pkl}
 * pickles the module tree as objects of {@code __torch__.<qualname>} classes, each object's state a dict of its
 * attributes. Which attributes are parameters and buffers, and their order, is not in the pickle: it is in each
 * class's code file ({@code code/__torch__/....py}, read by {@link TorchScriptCode}).
 *
 * <p>The tensors are listed as the loaded {@code ScriptModule} lists them: module by module in pre-order, each
 * module's parameters then its buffers in attribute (slot) order, then its submodules in slot order; names are
 * dotted attribute paths; {@code requires_grad} is the one pickled with each tensor; a submodule reached twice is
 * walked once ({@code named_modules()} de-duplicates), and a tensor that views what an earlier one views is listed
 * as its alias (tied weights, counted once). {@code constants.pkl} (what {@code torch.jit.freeze} folds the
 * parameters into) is counted in the details, not listed.
 *
 * <p>Read: the central directory, {@code data.pkl}, {@code constants.pkl} and the code files of the classes the
 * module tree uses; never a storage. The code files together are held to the torchscript-code-bytes limit.
 */
final class TorchScriptArchive {
    private static final String TORCH_CLASSES = "__torch__.";
    private static final String CUSTOM_CLASSES = "__torch__.torch.classes.";
    /** TorchScript's own pickle symbols: its classes and {@code torch.jit._pickle}'s list builders. */
    /**
     * The helpers TorchScript's own (C++) unpickler resolves in {@code torch.jit._pickle}; it resolves no other
     * name there, and never imports Python code, so these are safe to load.
     */
    private static final Set<String> JIT_PICKLE_HELPERS = Set.of("build_intlist", "build_tensorlist",
            "build_doublelist", "build_boollist", "build_complexlist", "build_tensor_from_id", "restore_type_tag")
            .stream().map(name -> "torch.jit._pickle." + name).collect(Collectors.toUnmodifiableSet());
    static final Allowlist ALLOWLIST = TorchGlobals.builder()
            .names(name -> name.startsWith(TORCH_CLASSES) || JIT_PICKLE_HELPERS.contains(name))
            .build();
    /** Longest class name looked up: real ones are under 200 characters. */
    private static final int MAX_CLASS_NAME_CHARS = 1000;
    /** A fact's value from the file is cut here: a class name is a header line, not a paragraph. */
    private static final int MAX_FACT_CHARS = 200;

    /**
     * What the archive lists, handed by {@link TorchZip} to {@link TorchReader} in place of a pickled object.
     *
     * @param found          the parameters and buffers, named, in listing order
     * @param topClass       the top module's class, cut to {@link #MAX_FACT_CHARS}
     * @param constants      tensors in {@code constants.pkl}
     * @param constantsBytes their bytes
     * @param warnings       the constants pickle's unknown globals
     */
    record Listing(List<TensorWalk.Found> found, String topClass, int constants, long constantsBytes,
                   List<String> warnings) {
    }

    private record Pending(PyObject module, String path, int depth) {
    }

    /** {@code constants.pkl}'s tensors, counted, and its unpickler's warnings. */
    private record Constants(int count, long bytes, List<String> warnings) {
    }

    private final SeekableByteChannel channel;
    private final ZipDirectory directory;
    private final String prefix;
    private final NameBudget budget;
    private final Map<String, Map<String, TorchScriptCode.ClassDecl>> codeFiles = new HashMap<>();
    private final int maxNameChars = Limits.current().getInt(Limit.TENSOR_NAME_CHARS);
    /** Modules pickled through __setstate__ that hold tensors, the first described, and their tensors. */
    private long opaqueModules;
    private String firstOpaque;
    private long opaqueTensors;
    private long codeBytesRead;

    private TorchScriptArchive(SeekableByteChannel channel, ZipDirectory directory, String prefix, NameBudget budget) {
        this.channel = channel;
        this.directory = directory;
        this.prefix = prefix;
        this.budget = budget;
    }

    /**
     * @param root        data.pkl, unpickled with {@link #ALLOWLIST}
     * @param valuesSpent what unpickling it spent of {@link Limit#PICKLE_VALUES}; the walk spends the rest
     * @param scan        the file's pickle scan, which constants.pkl joins
     */
    static Listing list(SeekableByteChannel channel, ZipDirectory directory, String prefix, Object root,
                        long valuesSpent, PickleScanBuilder scan) throws IOException {
        TorchScriptArchive archive = new TorchScriptArchive(channel, directory, prefix, new NameBudget(valuesSpent));
        if (!(root instanceof PyObject top) || archive.moduleClass(top) == null) {
            throw new FormatException("TorchScript data.pkl holds a " + Quote.of(PyTypes.of(root))
                    + ", not a module object.");
        }
        List<TensorWalk.Found> found = archive.walk(top);
        Constants constants = archive.constants(scan);
        List<String> warnings = new ArrayList<>();
        String opaque = archive.opaqueWarning();
        if (opaque != null) {
            warnings.add(opaque);
        }
        warnings.addAll(constants.warnings());
        return new Listing(found, cut(PyTypes.of(top)), constants.count(), constants.bytes(), warnings);
    }

    /** The model: {@code torchscript}, the top class and any constants as facts. */
    static Model toModel(Path path, Listing listing, List<String> pickleWarnings) {
        List<TensorEntry> entries = new ArrayList<>(listing.found().size());
        TorchReader.TiedWeights tied = new TorchReader.TiedWeights();
        long totalBytes = 0;
        boolean anyParameter = false;
        for (TensorWalk.Found f : listing.found()) {
            TorchTensor t = f.tensor();
            String name = f.name();
            TorchReader.checkExtent(name, t);
            long bytes = TorchReader.exact(() -> t.dtype().bytesFor(t.shape().numel()),
                    "Tensor " + Quote.of(name) + " has a size whose byte count overflows 64 bits.");
            long total = totalBytes;
            totalBytes = TorchReader.exact(() -> Math.addExact(total, bytes), "Tensors' sizes add up past 2^63 bytes.");
            TensorEntry entry = f.buffer() ? TensorEntry.buffer(name, t.shape(), t.dtype())
                    : TensorEntry.parameter(name, t.shape(), t.dtype(), t.requiresGrad());
            anyParameter |= !f.buffer();
            String first = tied.firstNameOf(t, name);
            entries.add(first == null ? entry : entry.withAliasOf(first));
        }
        List<Fact> facts = new ArrayList<>();
        facts.add(new Fact("TorchScript module", listing.topClass()));
        List<String> notes = new ArrayList<>();
        if (listing.constants() > 0) {
            String counted = Counts.tensors(listing.constants()) + ", " + listing.constantsBytes() + " bytes";
            facts.add(new Fact("constants", counted));
            notes.add(anyParameter
                    ? "The archive also holds constant tensors (" + counted + ") that are neither parameters nor "
                            + "buffers; they are not listed."
                    : "The module has no parameters: torch.jit.freeze folds them into constant tensors ("
                            + counted + "), which are not listed.");
        }
        List<String> warnings = new ArrayList<>(pickleWarnings);
        warnings.addAll(listing.warnings());
        return new Model(FileNames.stem(path), "torchscript", path.toString(), entries, warnings)
                .withDetails(FileDetails.NONE.withFacts(facts).withNotes(notes));
    }

    /** Pre-order over modules, without recursion: each module's own tensors, then its submodules. */
    private List<TensorWalk.Found> walk(PyObject top) throws IOException {
        List<TensorWalk.Found> found = new ArrayList<>();
        IdentityHashMap<PyObject, Boolean> seen = new IdentityHashMap<>();
        Deque<Pending> pending = new ArrayDeque<>();
        pending.push(new Pending(top, "", 0));
        int maxDepth = Limits.current().getInt(Limit.PICKLE_DEPTH);
        int maxTensors = Limits.current().getInt(Limit.TENSORS);
        while (!pending.isEmpty()) {
            Pending visit = pending.pop();
            if (seen.put(visit.module(), Boolean.TRUE) != null) {
                continue; // a shared submodule is listed under its first path only, as named_modules() does
            }
            if (visit.depth() > maxDepth) {
                throw new FormatException("TorchScript modules nest deeper than " + maxDepth + " levels.");
            }
            TorchScriptCode.ClassDecl decl = moduleClass(visit.module());
            if (decl.setState() && !(visit.module().state() instanceof Map<?, ?>)) {
                opaqueState(visit, decl);
                continue;
            }
            Map<?, ?> state = stateOf(visit, decl);
            addTensors(found, visit, decl, state, false);
            addTensors(found, visit, decl, state, true);
            if (found.size() > maxTensors) {
                throw new FormatException("Archive holds more than '" + maxTensors
                        + "' tensors, the limit (" + Limit.TENSORS.raise() + ").");
            }
            List<Pending> children = new ArrayList<>();
            for (String attribute : decl.attributes()) {
                budget.spend(1);
                if (!decl.parameters().contains(attribute) && !decl.buffers().contains(attribute)
                        && state.get(attribute) instanceof PyObject child && moduleClass(child) != null) {
                    children.add(new Pending(child, join(visit.path(), attribute), visit.depth() + 1));
                }
            }
            for (int i = children.size() - 1; i >= 0; i--) {
                pending.push(children.get(i));
            }
        }
        return found;
    }

    /** The module's parameters (or buffers) in slot order; a None value (an Optional bias) is no tensor. */
    private void addTensors(List<TensorWalk.Found> found, Pending visit, TorchScriptCode.ClassDecl decl,
                            Map<?, ?> state, boolean buffers) {
        String kind = buffers ? "buffer" : "parameter";
        for (String attribute : decl.attributes()) {
            budget.spend(1);
            if (!(buffers ? decl.buffers() : decl.parameters()).contains(attribute)) {
                continue;
            }
            if (!state.containsKey(attribute)) {
                throw new FormatException(describe(visit) + " (class " + Quote.of(decl.name()) + ") declares " + kind
                        + " " + Quote.of(attribute) + " but data.pkl gives it no value.");
            }
            Object value = state.get(attribute);
            if (value == null) {
                continue;
            }
            String name = join(visit.path(), attribute);
            if (!(value instanceof TorchTensor tensor)) {
                throw new FormatException("Tensor " + Quote.of(name) + " is a " + Quote.of(PyTypes.of(value))
                        + " in data.pkl, not a tensor.");
            }
            budget.spend(12 + tensor.size().length / 2);
            found.add(new TensorWalk.Found(name, tensor, buffers));
        }
    }

    /**
     * A module whose class defines {@code __setstate__} (torch's quantized modules: ConvReLU2d, Conv2d ...) is
     * pickled as what its {@code __getstate__} returns, a tuple that only running {@code __setstate__} would turn
     * into attributes. Its parameters and buffers are still the ones its class declares, and torch's quantized
     * modules declare none (their weights live in packed C++ objects), so such a module adds nothing to the
     * listing; the tensors its state holds are named in a warning. A class that declares parameters or buffers,
     * or a state that holds a submodule, cannot be listed without running that code and is refused.
     */
    private void opaqueState(Pending visit, TorchScriptCode.ClassDecl decl) {
        String which = describe(visit) + " (class " + Quote.of(decl.name()) + ")";
        if (!decl.parameters().isEmpty() || !decl.buffers().isEmpty()) {
            throw new FormatException(which + " declares parameters or buffers but pickles its state through "
                    + "__setstate__ code, which is not run.");
        }
        long tensors = 0;
        Deque<Object> values = new ArrayDeque<>();
        Deque<Integer> depths = new ArrayDeque<>();
        values.push(visit.module().state());
        depths.push(0);
        int maxDepth = Limits.current().getInt(Limit.PICKLE_DEPTH);
        while (!values.isEmpty()) {
            Object value = values.pop();
            int depth = depths.pop();
            budget.spend(1);
            if (value instanceof TorchTensor) {
                tensors++;
            } else if (value instanceof PyObject object && object.type() instanceof PyGlobal type
                    && type.module().startsWith("__torch__") && !type.module().startsWith(CUSTOM_CLASSES)) {
                throw new FormatException(which + " pickles a TorchScript object in its __setstate__ state, which "
                        + "is not read.");
            } else if (depth < maxDepth && (value instanceof PyTuple || value instanceof List<?>)) {
                List<?> items = value instanceof PyTuple tuple ? tuple.items() : (List<?>) value;
                for (Object item : items) {
                    values.push(item);
                    depths.push(depth + 1);
                }
            }
        }
        if (tensors > 0) {
            if (opaqueModules++ == 0) {
                firstOpaque = which;
            }
            opaqueTensors += tensors;
        }
    }

    /** One line for every module whose tensors only __setstate__ would place; null when there are none. */
    private String opaqueWarning() {
        if (opaqueModules == 0) {
            return null;
        }
        String modules = opaqueModules == 1 ? firstOpaque + " keeps its state"
                : firstOpaque + " and " + (opaqueModules - 1) + " more modules keep their state";
        return modules + " through __setstate__ (" + opaqueTensors + " tensor" + (opaqueTensors == 1 ? "" : "s")
                + ", such as quantized weights and biases): torch lists none of them as parameters or buffers, and "
                + "neither does this listing.";
    }

    private static Map<?, ?> stateOf(Pending visit, TorchScriptCode.ClassDecl decl) {
        if (!(visit.module().state() instanceof Map<?, ?> state)) {
            throw new FormatException(describe(visit) + " (class " + Quote.of(decl.name())
                    + ") has no attribute dict in data.pkl.");
        }
        return state;
    }

    private static String describe(Pending visit) {
        return visit.path().isEmpty() ? "The top module" : "Module " + Quote.of(visit.path());
    }

    /** {@code path.attribute}, charged to the budget and bounded like every tensor name. */
    private String join(String path, String attribute) {
        String name = path.isEmpty() ? attribute : path + "." + attribute;
        budget.spendName(name);
        if (name.length() > maxNameChars) {
            throw new FormatException("Tensor " + Quote.of(name) + " has a name longer than " + maxNameChars
                    + " characters (" + Limit.TENSOR_NAME_CHARS.raise() + ").");
        }
        return name;
    }

    /**
     * The object's class when it is a {@code __torch__} module class, else null: plain values, script classes,
     * and C++ custom classes ({@code __torch__.torch.classes.*}, such as quantized packed weights), which have no
     * class declaration to read.
     */
    private TorchScriptCode.ClassDecl moduleClass(PyObject object) throws IOException {
        if (!(object.type() instanceof PyGlobal type)
                || !(type.module().equals("__torch__") || type.module().startsWith(TORCH_CLASSES))
                || type.module().startsWith(CUSTOM_CLASSES)) {
            return null;
        }
        if (type.module().length() + type.name().length() > MAX_CLASS_NAME_CHARS) {
            throw new FormatException("Class " + Quote.of(type) + " has a name longer than " + MAX_CLASS_NAME_CHARS
                    + " characters.");
        }
        Map<String, TorchScriptCode.ClassDecl> classes = codeFile(type);
        TorchScriptCode.ClassDecl decl = classes.get(type.name());
        if (decl == null) {
            throw new FormatException("Code file " + Quote.of(codeFileName(type)) + " does not declare class "
                    + Quote.of(type.name()) + ".");
        }
        return decl.module() ? decl : null;
    }

    /** {@code __torch__.a.b.C} is declared in {@code code/__torch__/a/b.py}. */
    private String codeFileName(PyGlobal type) {
        return prefix + "code/" + type.module().replace('.', '/') + ".py";
    }

    private Map<String, TorchScriptCode.ClassDecl> codeFile(PyGlobal type) throws IOException {
        Map<String, TorchScriptCode.ClassDecl> known = codeFiles.get(type.module());
        if (known != null) {
            return known;
        }
        String name = codeFileName(type);
        ZipDirectory.Entry entry = directory.find(name).orElseThrow(() -> new FormatException("Class "
                + Quote.of(type) + " has no code file " + Quote.of(name) + " in the archive."));
        long limit = Limits.current().get(Limit.TORCHSCRIPT_CODE_BYTES);
        if (entry.size() > limit - codeBytesRead) {
            throw new FormatException("Code files add up to more than " + limit + " bytes (at "
                    + Quote.of(name) + "), over the torchscript-code-bytes limit ("
                    + Limit.TORCHSCRIPT_CODE_BYTES.raise() + ").");
        }
        codeBytesRead += entry.size();
        Map<String, TorchScriptCode.ClassDecl> classes;
        try (InputStream in = directory.open(channel, entry)) {
            classes = TorchScriptCode.parse(name, in);
        }
        codeFiles.put(type.module(), classes);
        return classes;
    }

    /** {@code constants.pkl}: a tuple of constants, its tensors stored under {@code constants/<key>}. */
    private Constants constants(PickleScanBuilder scan) throws IOException {
        ZipDirectory.Entry pickle = directory.find(prefix + "constants.pkl").orElseThrow();
        if (pickle.size() > Limits.current().get(Limit.PICKLE_BYTES)) {
            throw new FormatException("Constants.pkl is " + pickle.size() + " bytes, over the limit of "
                    + Limits.current().get(Limit.PICKLE_BYTES) + " (" + Limit.PICKLE_BYTES.raise() + ").");
        }
        Storages storages = new Storages(directory, prefix + "constants/");
        Object root;
        List<String> warnings;
        try (InputStream in = directory.open(channel, pickle)) {
            Unpickler unpickler = new Unpickler(new PickleInput(in, pickle.size()), ALLOWLIST, storages::storage);
            root = unpickler.load();
            // torch.jit.load unpickles constants.pkl as it does data.pkl: its imports are judged the same way
            scan.add(unpickler, pickle.name(), pickle.size());
            warnings = unpickler.warnings(scan::isAllowed);
        }
        if (!(root instanceof PyTuple values)) {
            throw new FormatException("TorchScript constants.pkl holds a " + Quote.of(PyTypes.of(root))
                    + ", not a tuple.");
        }
        int count = 0;
        long bytes = 0;
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) instanceof TorchTensor t) {
                String name = "CONSTANTS.c" + i;
                TorchReader.checkExtent(name, t);
                long size = TorchReader.exact(() -> t.dtype().bytesFor(t.shape().numel()),
                        "Tensor " + Quote.of(name) + " has a size whose byte count overflows 64 bits.");
                long before = bytes;
                bytes = TorchReader.exact(() -> Math.addExact(before, size), "Constants add up past 2^63 bytes.");
                count++;
            }
        }
        return new Constants(count, bytes, warnings);
    }

    private static String cut(String text) {
        return text.length() <= MAX_FACT_CHARS ? text : text.substring(0, MAX_FACT_CHARS) + "...";
    }

    /**
     * BINPERSID {@code ('storage', <storage class>, key, location, numel)} for a pickle whose storages are the
     * records {@code <folder><key>}: checked against the directory only, as {@link TorchZip} checks data.pkl's.
     */
    private static final class Storages {
        private final ZipDirectory directory;
        private final String folder;
        private final Map<String, TorchStorage> byKey = new HashMap<>();

        Storages(ZipDirectory directory, String folder) {
            this.directory = directory;
            this.folder = folder;
        }

        TorchStorage storage(Object pid) {
            if (!(pid instanceof PyTuple id) || id.size() != 5 || !"storage".equals(id.get(0))
                    || !(id.get(2) instanceof String key) || !(id.get(3) instanceof String location)
                    || !(id.get(4) instanceof Long numel) || numel < 0) {
                throw new FormatException("Pickle has a persistent id that is not a ('storage', type, key, "
                        + "location, numel) tuple.");
            }
            TorchStorage known = byKey.get(key);
            if (known != null) {
                return known;
            }
            DType dtype = TorchGlobals.storageDTypeOf(id.get(1)).orElse(null);
            TorchStorage storage = new TorchStorage(key, dtype, numel, location);
            String recordName = folder + key;
            ZipDirectory.Entry record = directory.find(recordName).orElseThrow(() -> new FormatException(
                    "Storage " + Quote.of(key) + " has no record " + Quote.of(recordName) + " in the archive."));
            long nbytes = TorchReader.exact(storage::nbytes,
                    "Storage " + Quote.of(key) + " has a size that overflows 64 bits.");
            if (nbytes > record.size()) {
                throw new FormatException("Storage " + Quote.of(key) + " needs " + nbytes + " bytes (" + numel
                        + " x " + storage.elementBytes() + ") but its record holds " + record.size() + ".");
            }
            byKey.put(key, storage);
            return storage;
        }
    }
}
