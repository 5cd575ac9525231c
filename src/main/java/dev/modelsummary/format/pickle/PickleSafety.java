package dev.modelsummary.format.pickle;

import dev.modelsummary.model.PickleScan.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Judges a pickle global by what it could do if a real unpickler imported and called it; nothing is imported
 * here. ALLOWED is what {@code torch.load(weights_only=True)} accepts (the {@link Allowlist} given) plus plainly
 * inert data types; DANGEROUS is whatever can run code or touch the system; everything else is UNKNOWN.
 *
 * <p>Python resolves a dotted name attribute by attribute ({@code ("torch", "serialization.os.system")} is
 * {@code os.system}), so every component of the module and the name is judged, and the worst wins. Python 2
 * spellings are judged as Python 3 would import them ({@code cPickle} is {@code pickle}).
 */
public final class PickleSafety {
    /**
     * Inert data beyond torch's allowlist, each with why it is harmless to call or build. A class listed here
     * is allowed as such, never a dotted attribute of it ({@code pathlib.Path.write_text} is not allowed).
     */
    private static final Set<String> INERT = Set.of(
            // numpy arrays and scalars: _reconstruct makes an empty array that BUILD fills from bytes
            "numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct",
            "numpy.ndarray", "numpy.dtype",
            // protocol 5 arrays: an array over the in-band bytes that precede it
            "numpy.core.numeric._frombuffer", "numpy._core.numeric._frombuffer",
            "numpy.core.multiarray.scalar", "numpy._core.multiarray.scalar",
            // saved RandomState/Generator objects: look a bit generator up by name in numpy's own table
            "numpy.random._pickle.__randomstate_ctor", "numpy.random._pickle.__generator_ctor",
            "numpy.random._pickle.__bit_generator_ctor",
            // containers from collections: build from their arguments only
            "collections.OrderedDict", "collections.defaultdict", "collections.Counter", "collections.deque",
            // argparse.Namespace(**kw) only sets attributes from its state
            "argparse.Namespace",
            // builtins containers and scalar types: constructors of values from values
            "builtins.dict", "builtins.list", "builtins.tuple", "builtins.set", "builtins.frozenset",
            "builtins.bytearray", "builtins.bytes", "builtins.complex", "builtins.slice", "builtins.range",
            "builtins.int", "builtins.float", "builtins.str", "builtins.bool",
            // object() is the base copyreg._reconstructor passes for plain classes; it does nothing
            "builtins.object",
            // protocol 2 pickles bytes as _codecs.encode(str, 'latin1'): text to bytes
            "_codecs.encode",
            // cls.__new__(cls, ...) for a class that is itself a global, judged on its own
            "copyreg._reconstructor", "copyreg.__newobj__", "copyreg.__newobj_ex__",
            // datetime values: fields in, value out
            "datetime.datetime", "datetime.date", "datetime.time", "datetime.timedelta", "datetime.timezone",
            // exact numbers from their digits
            "decimal.Decimal", "fractions.Fraction",
            // a 128-bit value (the rest of uuid is dangerous: uuid._get_command_stdout runs a command)
            "uuid.UUID", "uuid.SafeUUID",
            // an in-memory byte buffer (fickling's allowlist); io's files and FileIO stay dangerous
            "_io.BytesIO", "io.BytesIO",
            // path values: building one touches no file (argparse namespaces often hold them); methods are not listed
            "pathlib.Path", "pathlib.PosixPath", "pathlib.WindowsPath", "pathlib.PurePath", "pathlib.PurePosixPath",
            "pathlib.PureWindowsPath",
            // Python 3.13 defines them in pathlib._local and pickles them under that name (3.14 moved them back)
            "pathlib._local.Path", "pathlib._local.PosixPath", "pathlib._local.WindowsPath",
            "pathlib._local.PurePath", "pathlib._local.PurePosixPath", "pathlib._local.PureWindowsPath",
            // torch.__version__ pickles as a str subclass
            "torch.torch_version.TorchVersion",
            // enum members are looked up by value in their class (the class is judged separately)
            "enum.Enum");

    /**
     * Modules that can run code, start processes, load code, open files or sockets, or reach
     * any attribute: every global in them is dangerous (but for INERT ones), and so is a dotted name through one.
     */
    private static final Set<String> DANGEROUS_MODULES = Set.of(
            // processes, the OS, the interpreter
            "os", "posix", "nt", "sys", "subprocess", "pty", "commands", "signal", "resource", "pwd", "grp",
            "fcntl", "termios", "mmap", "msvcrt", "winreg", "platform", "sysconfig", "atexit", "faulthandler",
            // path functions stat files and read the environment; benign pickles store paths as pathlib values
            "posixpath", "ntpath", "genericpath", "macpath",
            // files
            "shutil", "tempfile", "io", "glob", "fileinput", "codecs", "zipfile", "tarfile", "gzip", "bz2", "lzma",
            "shelve", "dbm", "anydbm", "sqlite3", "logging",
            // pathlib's classes are values (INERT); its methods and module attributes read and write files
            "pathlib",
            // loading or running code
            "runpy", "importlib", "imp", "pkgutil", "zipimport", "marshal", "types", "code", "codeop", "pdb", "bdb",
            "pydoc", "timeit", "trace", "profile", "cProfile", "pstats", "doctest", "inspect", "gc",
            "builtins", "operator", "functools", "contextlib", "copy", "weakref",
            // native code
            "ctypes", "cffi",
            // concurrency
            "multiprocessing", "threading", "thread", "concurrent", "asyncio", "sched",
            // network
            "socket", "ssl", "select", "selectors", "socketserver", "smtplib", "ftplib", "telnetlib", "poplib",
            "imaplib", "nntplib", "urllib", "urllib2", "urllib3", "http", "httplib", "requests", "httpx", "aiohttp",
            "xmlrpc", "xmlrpclib", "webbrowser", "antigravity", "wsgiref", "cgi", "mailbox", "ensurepip",
            // deserialisers that run code themselves
            "pickle", "cPickle", "dill", "cloudpickle", "joblib", "yaml", "jsonpickle", "copyreg",
            // build and install tooling
            "distutils", "setuptools", "pip", "venv", "site", "pkg_resources",
            // frameworks whose globals load files or code (keras Lambda layers, tf.io, tf.py_function)
            "tensorflow", "keras", "tf_keras",
            // GUI and interactive
            "tkinter", "Tkinter", "turtle", "idlelib",
            // picklescan's and fickling's: hidden subprocess or os.system calls (uuid._get_command_stdout,
            // test.support.script_helper, pipes.Template), code loading (lib2to3's grammar loads, unittest's
            // loader, compileall), file reading and writing (linecache, filecmp, syslog)
            "uuid", "test", "lib2to3", "unittest", "pexpect", "pipes", "filecmp", "linecache", "difflib",
            "compileall", "py_compile", "syslog");

    /** Dotted paths (a prefix of the full name) that run or load code inside otherwise benign packages. */
    private static final List<String> DANGEROUS_PATHS = List.of(
            "numpy.testing", "numpy.f2py", "numpy.distutils", "numpy.ctypeslib", "numpy.load", "numpy.loads",
            "numpy.loadtxt", "numpy.genfromtxt", "numpy.fromfile", "numpy.memmap", "numpy.save", "numpy.savez",
            "numpy.savetxt", "numpy.lib.npyio", "numpy.lib.format", "numpy.lib._datasource", "numpy.DataSource",
            "numpy.lib.utils", "numpy.core._internal", "numpy._core._internal",
            "torch.load", "torch.save", "torch.jit", "torch.hub", "torch._C", "torch.ops", "torch._ops",
            "torch.serialization", "torch.utils.cpp_extension", "torch.package", "torch.classes", "torch.library",
            "torch._library", "torch.fx", "torch._dynamo", "torch.compile", "torch.multiprocessing",
            "torch.distributed", "torch.from_file", "torch.storage.UntypedStorage.from_file",
            "torch.utils.data.datapipes", "torch.backends",
            // picklescan's: compile_file runs a command, collect_env.run a shell, load_config a nested pickle,
            // the bottleneck profilers run code
            "torch._inductor", "torch.utils.collect_env", "torch.utils._config_module", "torch.utils.bottleneck",
            // ast only parses and builds syntax trees, but ast.main reads the file its arguments name
            "ast.main",
            // plain pickle.dump of a torch storage: torch.load of embedded bytes, which may hold any pickle
            "torch.storage._load_from_bytes",
            "pandas.read_pickle", "pandas.io", "scipy.io", "sklearn.externals.joblib");

    /**
     * Attribute names that, anywhere after the first component, reach a module or function above: a dotted
     * name through them ({@code numpy.testing._private.utils.os.system}) is the function itself.
     */
    private static final Set<String> DANGEROUS_ATTRIBUTES = Set.of(
            "eval", "exec", "execfile", "compile", "__import__", "import_module", "getattr", "setattr", "delattr",
            "hasattr", "globals", "locals", "vars", "open", "system", "popen", "Popen", "spawnv", "spawnve",
            "spawnl", "spawnle", "spawnlp", "spawnvp", "execv", "execve", "execl", "execle", "execlp", "execvp",
            "fork", "forkpty", "startfile", "check_output", "check_call", "getoutput", "getstatusoutput",
            "run_path", "run_module", "_run_code", "_run_module_code", "runstring", "load", "loads", "unlink",
            "remove", "rmtree", "rmdir", "kill", "breakpoint", "input");

    /** {@code builtins} functions that run code, open files, or read and write attributes or scopes. */
    private static final Set<String> DANGEROUS_BUILTINS = Set.of(
            "eval", "exec", "compile", "__import__", "getattr", "setattr", "delattr", "hasattr", "open", "input",
            "breakpoint", "globals", "locals", "vars", "help", "exit", "quit", "execfile", "reload", "file",
            "raw_input", "license", "copyright", "credits", "type", "super", "memoryview", "classmethod",
            "staticmethod", "property", "__build_class__", "__loader__", "__spec__", "apply");

    /**
     * Classes inside dangerous modules whose construction only stores fields: unknown, not dangerous. joblib's
     * array wrappers are rebuilt with NEWOBJ and BUILD; only joblib's own loader reads the data they describe.
     */
    private static final Set<String> FIELD_HOLDERS = Set.of(
            "joblib.numpy_pickle.NumpyArrayWrapper", "joblib.numpy_pickle_compat.NDArrayWrapper",
            "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper");

    /**
     * {@code __future__}'s attributes are all inert feature flags ({@code annotations} pickles as a
     * {@code __future__._Feature} instance): any plain name in it is allowed, as fickling allows it, though never
     * a dotted one ({@code __future__._ssl.RAND_bytes} reaches another module) nor a dunder ({@code __loader__}).
     */
    private static final String FUTURE = "__future__";

    /** Top-level modules named with a leading underscore that are user code, not interpreter internals. */
    private static final Set<String> USER_MODULES = Set.of("__main__", "__mp_main__", "__torch__");

    /** Python 2 module names as pickle's {@code find_class} maps them under protocols 0 to 2 (_compat_pickle). */
    private static final Map<String, String> PYTHON2_MODULES = Map.ofEntries(
            Map.entry("__builtin__", "builtins"), Map.entry("copy_reg", "copyreg"), Map.entry("cPickle", "pickle"),
            Map.entry("commands", "subprocess"), Map.entry("urllib2", "urllib.request"),
            Map.entry("httplib", "http.client"), Map.entry("thread", "_thread"), Map.entry("exceptions", "builtins"),
            Map.entry("cStringIO", "io"), Map.entry("StringIO", "io"), Map.entry("UserDict", "collections"),
            Map.entry("UserList", "collections"), Map.entry("UserString", "collections"),
            Map.entry("Queue", "queue"), Map.entry("SocketServer", "socketserver"),
            Map.entry("dummy_thread", "_dummy_thread"), Map.entry("repr", "reprlib"),
            Map.entry("ConfigParser", "configparser"), Map.entry("_winreg", "winreg"),
            Map.entry("urlparse", "urllib.parse"), Map.entry("robotparser", "urllib.robotparser"),
            Map.entry("BaseHTTPServer", "http.server"), Map.entry("SimpleHTTPServer", "http.server"),
            Map.entry("CGIHTTPServer", "http.server"), Map.entry("Cookie", "http.cookies"),
            Map.entry("cookielib", "http.cookiejar"), Map.entry("xmlrpclib", "xmlrpc.client"),
            Map.entry("anydbm", "dbm"), Map.entry("whichdb", "dbm"), Map.entry("dbhash", "dbm.bsd"),
            Map.entry("gdbm", "dbm.gnu"), Map.entry("dumbdbm", "dbm.dumb"), Map.entry("future_builtins", "builtins"),
            Map.entry("Tkinter", "tkinter"));

    /** Python 2 (module, name) pairs _compat_pickle's NAME_MAPPING renames, as {@code module.name}. */
    private static final Map<String, String> PYTHON2_NAMES = Map.ofEntries(
            Map.entry("__builtin__.xrange", "builtins.range"), Map.entry("__builtin__.reduce", "functools.reduce"),
            Map.entry("__builtin__.intern", "sys.intern"), Map.entry("__builtin__.unichr", "builtins.chr"),
            Map.entry("__builtin__.unicode", "builtins.str"), Map.entry("__builtin__.long", "builtins.int"),
            Map.entry("__builtin__.basestring", "builtins.str"), Map.entry("itertools.izip", "builtins.zip"),
            Map.entry("itertools.imap", "builtins.map"), Map.entry("itertools.ifilter", "builtins.filter"),
            Map.entry("UserDict.UserDict", "collections.UserDict"));

    /** Judges names without torch's allowlist: DANGEROUS here is DANGEROUS (or allowlisted) with it. */
    private static final PickleSafety NAMES_ONLY = new PickleSafety(Allowlist.empty().build());

    private final Allowlist weightsOnly;

    /** @param weightsOnly what {@code torch.load(weights_only=True)} accepts */
    public PickleSafety(Allowlist weightsOnly) {
        this.weightsOnly = weightsOnly;
    }

    /**
     * The verdict on {@code module.name}. A Python 2 module name is judged as Python 3 maps it: under protocols
     * 0 to 2 pickle imports the mapped module, and under 3 to 5 the Python 2 name does not import at all.
     */
    public Verdict classify(String module, String name) {
        String python2 = PYTHON2_NAMES.get(module + "." + name);
        if (python2 != null) {
            return judge(moduleOf(python2), nameOf(python2));
        }
        String mappedModule = PYTHON2_MODULES.get(module);
        return judge(mappedModule != null ? mappedModule : module, name);
    }

    public Verdict classify(PyGlobal global) {
        return classify(global.module(), global.name());
    }

    /**
     * Whether a global may be dangerous, judged without the allowlist (which only ever turns DANGEROUS into
     * ALLOWED): what an unpickler keeps past its cap on recorded imports, so a pickle cannot hide
     * {@code os.system} behind a thousand harmless names.
     */
    static boolean mayBeDangerous(PyGlobal global) {
        return NAMES_ONLY.classify(global) == Verdict.DANGEROUS;
    }

    /**
     * Whether {@code module.name} can run code or touch the system by its name alone, whatever an allowlist says:
     * for an allowlist's own rules over whole families of names, which must never take in a dangerous one.
     */
    public static boolean isDangerousByName(String module, String name) {
        return NAMES_ONLY.classify(module, name) == Verdict.DANGEROUS;
    }

    private Verdict judge(String module, String name) {
        String qualified = module + "." + name;
        List<String> parts = components(qualified);
        // Exact names only: torch's allowlist and INERT hold no name that reaches another module by its dots.
        if (INERT.contains(qualified) || weightsOnly.knows(qualified)
                || module.equals(FUTURE) && name.indexOf('.') < 0 && !name.isEmpty() && !name.startsWith("__")) {
            return Verdict.ALLOWED;
        }
        return dangerous(parts, qualified) && !FIELD_HOLDERS.contains(qualified) ? Verdict.DANGEROUS
                : Verdict.UNKNOWN;
    }

    private static boolean dangerous(List<String> parts, String qualified) {
        String top = parts.get(0);
        if (top.equals("builtins")) {
            // builtins' allowed types are judged by INERT; its code-running functions and dotted reaches are not
            return parts.size() > 2 || DANGEROUS_BUILTINS.contains(parts.get(1)) || parts.get(1).startsWith("_");
        }
        if (DANGEROUS_MODULES.contains(top) || top.startsWith("_") && !USER_MODULES.contains(top)) {
            return true;
        }
        for (String path : DANGEROUS_PATHS) {
            if (qualified.equals(path) || qualified.startsWith(path) && qualified.charAt(path.length()) == '.') {
                return true;
            }
        }
        for (int i = 1; i < parts.size(); i++) {
            String part = parts.get(i);
            // a module's private alias of another (argparse._sys, _os) reaches it as well
            String unaliased = part.replaceFirst("^_+", "");
            if (DANGEROUS_MODULES.contains(part) || DANGEROUS_MODULES.contains(unaliased)
                    || DANGEROUS_ATTRIBUTES.contains(part) || isDunder(part)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A dunder attribute past the first component ({@code __globals__}, {@code __subclasses__}, {@code __dict__})
     * walks into the interpreter's internals.
     */
    private static boolean isDunder(String part) {
        return part.length() > 4 && part.startsWith("__") && part.endsWith("__");
    }

    /** The dotted components; an empty one (a stray dot) is kept, so the name stays judged as written. */
    private static List<String> components(String qualified) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int dot = qualified.indexOf('.'); dot >= 0; dot = qualified.indexOf('.', start)) {
            parts.add(qualified.substring(start, dot));
            start = dot + 1;
        }
        parts.add(qualified.substring(start));
        return parts;
    }

    private static String moduleOf(String qualified) {
        return qualified.substring(0, qualified.lastIndexOf('.'));
    }

    private static String nameOf(String qualified) {
        return qualified.substring(qualified.lastIndexOf('.') + 1);
    }

}
