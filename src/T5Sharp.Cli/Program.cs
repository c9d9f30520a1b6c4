using System.CommandLine;
using T5Sharp.Cli;

var parse = CliRoot.Create().Parse(args);
// libtorch only for verbs that use tensors, and before their first tensor operation: threads, and flush-to-zero for
// denormals on this thread, which libtorch's worker threads inherit (see TorchRuntime, LibTorchUse).
if (LibTorchUse.Needed(parse)) T5Sharp.Runtime.TorchRuntime.Initialize();
// Our handler, not System.CommandLine's: user errors print one line, not a stack trace.
return CliErrors.Run(() => parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false }));
