using System.CommandLine;
using T5Sharp.Cli;
using T5Sharp.Distributed;

var parse = CliRoot.Create().Parse(args);
// A mistyped option or a missing value: one line and where to look, exit 2 — not the whole help and exit 1.
if (ParseErrors.Report(parse) is int parseExit) return parseExit;
// Our handler, not System.CommandLine's: user errors print one line, not a stack trace.
int exit = CliErrors.Run(() =>
{
    // under mpirun: MPI first, and this rank's share of the cores
    int? threads = MultiProcess.Start(parse);
    // libtorch only for verbs that use tensors, and before their first tensor operation: threads, and flush-to-zero for
    // denormals on this thread, which libtorch's worker threads inherit (see TorchRuntime, LibTorchUse).
    if (LibTorchUse.Needed(parse)) T5Sharp.Runtime.TorchRuntime.Initialize(threads);
    return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
});
// an MPI run ends together: finalise after success or an agreed interruption (train's 130); a failed rank aborts the job
// rather than leave the others waiting for it
DistributedWorld.End(exit, failed: exit is not (0 or T5Sharp.Cli.Commands.TrainCommand.Interrupted));
return exit;
