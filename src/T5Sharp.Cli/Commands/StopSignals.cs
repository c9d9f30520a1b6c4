using System.Runtime.InteropServices;

namespace T5Sharp.Cli.Commands;

/// <summary>
/// The signals that ask a distributed training's ranks for an orderly stop (save at the step boundary they agree on,
/// exit 130). Open MPI's mpirun forwards SIGUSR1 and SIGUSR2 to every rank, so `kill -USR1 &lt;mpirun pid&gt;` is how a
/// user stops a multi-process run and keeps its work; SIGTERM sent to the ranks does the same. (Ctrl-C on mpirun itself
/// makes mpirun kill the job after a short grace period: the newest complete checkpoint is what remains.)
/// </summary>
static class StopSignals
{
    const int SigUsr1 = 10, SigUsr2 = 12; // Linux numbers; .NET takes raw values cast to PosixSignal

    public static IDisposable[] Register(CancellationTokenSource cancellation) =>
        [.. new[] { PosixSignal.SIGTERM, (PosixSignal)SigUsr1, (PosixSignal)SigUsr2 }.Select(signal =>
            PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                cancellation.Cancel();
            }))];
}
