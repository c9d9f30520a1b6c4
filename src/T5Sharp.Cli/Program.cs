using System.CommandLine;
using T5Sharp.Cli;

var parse = CliRoot.Create().Parse(args);
// A mistyped option or a missing value: one line and where to look, exit 2 — not the whole help and exit 1.
if (ParseErrors.Report(parse) is int parseExit) return parseExit;
// libtorch only for verbs that use tensors, and before their first tensor operation: threads, and flush-to-zero for
// denormals on this thread, which libtorch's worker threads inherit (see TorchRuntime, LibTorchUse).
if (LibTorchUse.Needed(parse)) T5Sharp.Runtime.TorchRuntime.Initialize();
// Our handler, not System.CommandLine's: user errors print one line, not a stack trace.
return CliErrors.Run(() => parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false }));
