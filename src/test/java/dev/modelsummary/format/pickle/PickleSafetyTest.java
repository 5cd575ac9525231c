package dev.modelsummary.format.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.format.pytorch.TorchPickleSafety;
import dev.modelsummary.model.PickleScan.Verdict;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PickleSafetyTest {
    private static final PickleSafety SAFETY = TorchPickleSafety.STANDARD;

    private static Verdict classify(String module, String name) {
        return SAFETY.classify(module, name);
    }

    @ParameterizedTest(name = "{0}.{1} can run code or touch the system")
    @CsvSource({
            // processes and the OS (os.system pickles as posix.system on Linux, nt.system on Windows)
            "os, system", "posix, system", "nt, system", "os.path, exists", "posixpath, join", "sys, exit",
            "subprocess, Popen", "subprocess, check_output", "_posixsubprocess, fork_exec", "pty, spawn",
            "commands, Popen", "shutil, rmtree", "tempfile, mkdtemp", "signal, signal", "platform, popen",
            // files
            "io, open", "_io, FileIO", "builtins, open", "codecs, open", "pathlib, Path.write_text",
            "pathlib.Path, unlink", "pathlib._local, Path.write_text", "pathlib._local, os", "glob, glob",
            // builtins that run code or walk attributes
            "builtins, eval", "builtins, exec", "builtins, compile", "builtins, __import__", "builtins, getattr",
            "builtins, setattr", "builtins, delattr", "builtins, globals", "builtins, vars", "builtins, input",
            "builtins, breakpoint", "builtins, help", "builtins, exit", "builtins, type", "builtins, __build_class__",
            "builtins, object.__subclasses__", "builtins, dict.fromkeys",
            // loading code
            "runpy, _run_code", "runpy, run_path", "importlib, import_module", "imp, load_source",
            "pkgutil, resolve_name", "zipimport, zipimporter", "marshal, loads", "types, FunctionType",
            "types, CodeType", "code, InteractiveInterpreter", "codeop, compile_command", "pdb, run", "bdb, Bdb",
            "pydoc, locate", "timeit, timeit", "trace, Trace", "profile, run", "cProfile, run",
            "doctest, debug_script", "inspect, getmembers", "gc, get_objects", "site, addsitedir",
            "ctypes, CDLL", "_ctypes, dlopen", "cffi, FFI",
            // higher-order wrappers that call whatever they are given
            "operator, attrgetter", "operator, methodcaller", "_operator, attrgetter", "functools, partial",
            "functools, reduce",
            // concurrency and network
            "multiprocessing, Process", "multiprocessing.util, spawnv_passfds", "_multiprocessing, sem_unlink",
            "threading, Thread", "_thread, start_new_thread", "socket, socket", "_socket, socket", "ssl, wrap_socket",
            "select, select", "asyncio, create_subprocess_shell", "smtplib, SMTP", "ftplib, FTP",
            "telnetlib, Telnet", "poplib, POP3", "imaplib, IMAP4", "nntplib, NNTP", "urllib.request, urlopen",
            "urllib2, urlopen", "http.client, HTTPConnection", "httplib, HTTPConnection", "requests, get",
            "webbrowser, open",
            // other deserialisers and tooling
            "pickle, loads", "_pickle, loads", "cPickle, loads", "dill, loads", "cloudpickle, loads",
            "joblib, load", "shelve, open", "dbm, open", "sqlite3, connect", "distutils.spawn, spawn",
            "setuptools, setup", "pip, main", "venv, create", "ensurepip, bootstrap", "sysconfig, get_paths",
            // inside benign packages
            "numpy.testing._private.utils, runstring", "numpy, load", "numpy.f2py, compile",
            "numpy.distutils.exec_command, exec_command", "torch, load", "torch.jit, load", "torch.hub, load",
            "torch._C, _get_tracing_state", "torch.ops, load_library", "torch.serialization, load",
            "torch.utils.cpp_extension, load_inline", "torch.storage, _load_from_bytes", "torch.package, PackageImporter",
            "tensorflow, py_function", "keras.models, load_model",
            // picklescan's advisories (GHSA-*) and fickling's blocklist
            "torch.utils.collect_env, run", "torch.utils.collect_env, run_and_read_all",
            "torch._inductor.codecache, compile_file", "torch.utils._config_module, ConfigModule.load_config",
            "torch.utils.bottleneck.__main__, run_cprofile", "uuid, _get_command_stdout",
            "test.support.script_helper, assert_python_ok", "lib2to3.pgen2.pgen, ParserGenerator.make_label",
            "_osx_support, _read_output", "_aix_support, _read_cmd_output", "pipes, Template",
            "unittest.mock, patch", "linecache, getline", "compileall, compile_file", "io, FileIO",
            "__future__, _ssl.RAND_bytes", "__future__, __loader__", "ast, main", "ast, sys.exit"})
    void dangerous(String module, String name) {
        assertThat(classify(module, name)).isEqualTo(Verdict.DANGEROUS);
    }

    @ParameterizedTest(name = "{0}.{1} is dangerous to picklescan or modelscan, and here")
    @org.junit.jupiter.params.provider.CsvFileSource(resources = "/pickle/peer_unsafe_globals.csv")
    void everyGlobalThePeerScannersCallDangerousIsDangerous(String module, String name) {
        assertThat(classify(module, name)).isEqualTo(Verdict.DANGEROUS);
    }

    @ParameterizedTest(name = "{0}.{1} resolves, attribute by attribute, to something dangerous")
    @CsvSource({
            "torch, serialization.os.system", "numpy.testing._private.utils, os.system", "torch, _C._jit_fn",
            "collections, os.system", "torch.nn, modules.module.sys.modules", "numpy, core.multiarray.__builtins__",
            "mylib, Model.__init__.__globals__", "__main__, os.system", "argparse, _sys.exit",
            "torch.nn.modules.conv, Conv2d.load", "my_project.utils, eval"})
    void dottedNamesAreJudgedByEveryPart(String module, String name) {
        assertThat(classify(module, name)).isEqualTo(Verdict.DANGEROUS);
    }

    @ParameterizedTest(name = "Python 2 {0}.{1}")
    @CsvSource({"__builtin__, eval, DANGEROUS", "__builtin__, getattr, DANGEROUS", "__builtin__, reduce, DANGEROUS",
            "__builtin__, intern, DANGEROUS", "copy_reg, _reconstructor, ALLOWED", "__builtin__, set, ALLOWED",
            "__builtin__, xrange, ALLOWED", "__builtin__, unicode, ALLOWED", "exceptions, ValueError, UNKNOWN",
            "cPickle, loads, DANGEROUS", "commands, getoutput, DANGEROUS", "urllib2, urlopen, DANGEROUS",
            "thread, start_new_thread, DANGEROUS", "UserDict, UserDict, UNKNOWN"})
    void python2NamesAreJudgedAsPython3ImportsThem(String module, String name, Verdict verdict) {
        assertThat(classify(module, name)).isEqualTo(verdict);
    }

    @ParameterizedTest(name = "{0}.{1} is inert data")
    @CsvSource({
            // torch's weights-only allowlist
            "collections, OrderedDict", "torch._utils, _rebuild_tensor_v2", "torch._utils, _rebuild_parameter",
            "torch, FloatStorage", "torch.cuda, HalfStorage", "torch.storage, UntypedStorage", "torch, Size",
            "torch, float32", "torch, bfloat16", "torch, device", "torch.nn.parameter, Parameter",
            "torch._tensor, _rebuild_from_type_v2", "torch._utils, _rebuild_nested_tensor",
            "torch.serialization, _get_layout", "torch, per_tensor_affine",
            "_codecs, encode", "builtins, set", "builtins, bytearray", "builtins, complex",
            // numpy reconstruction, numpy 1 and 2 spellings
            "numpy.core.multiarray, _reconstruct", "numpy._core.multiarray, _reconstruct", "numpy, ndarray",
            "numpy, dtype", "numpy.core.multiarray, scalar", "numpy.random._pickle, __randomstate_ctor",
            "numpy.core.numeric, _frombuffer", "numpy._core.numeric, _frombuffer", "numpy._core.multiarray, scalar",
            // containers, scalars and value types
            "collections, defaultdict", "collections, Counter", "argparse, Namespace", "builtins, dict",
            "builtins, list", "builtins, tuple", "builtins, frozenset", "builtins, slice", "builtins, range",
            "builtins, int", "builtins, float", "builtins, str", "builtins, bytes", "builtins, bool",
            "builtins, object", "copyreg, _reconstructor", "datetime, datetime", "datetime, timedelta",
            "decimal, Decimal", "fractions, Fraction", "uuid, UUID", "pathlib, PosixPath", "pathlib, WindowsPath",
            "pathlib, PurePath", "pathlib._local, PosixPath", "pathlib._local, WindowsPath",
            "torch.torch_version, TorchVersion",
            // fickling's benign corpus: __future__'s feature flags (annotations pickles as a _Feature), BytesIO
            "__future__, annotations", "__future__, _Feature", "_io, BytesIO", "io, BytesIO", "uuid, SafeUUID"})
    void allowed(String module, String name) {
        assertThat(classify(module, name)).isEqualTo(Verdict.ALLOWED);
    }

    @ParameterizedTest(name = "{0}.{1} is someone's code: unknown")
    @CsvSource({"__main__, SmallNet", "__torch__.MyModule, Foo", "omegaconf.dictconfig, DictConfig",
            "my_project, Model", "torchvision.datasets.mnist, MNIST",
            "builtins, print", "builtins, ValueError", "numpy.random._mt19937, MT19937",
            "collections, UserDict", "sklearn.tree._tree, Tree", "itertools, chain",
            "joblib.numpy_pickle, NumpyArrayWrapper",
            // syntax trees are data (ast only parses), as picklescan and fickling judge them
            "ast, Module", "ast, literal_eval", "collections.abc, Iterable"})
    void unknown(String module, String name) {
        assertThat(classify(module, name)).isEqualTo(Verdict.UNKNOWN);
    }
}
