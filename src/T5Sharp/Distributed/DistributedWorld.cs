namespace T5Sharp.Distributed;

/// <summary>
/// This process's place among the processes of its run (torch.distributed's default group): MPI is initialised the first
/// time it is asked for, only when an mpirun launch started the process; a plain run is <see cref="SingleProcess"/>.
/// </summary>
public static class DistributedWorld
{
    static readonly Lock Gate = new();
    static IProcessGroup? _current;

    /// <summary>The run's process group, initialising MPI on first use under an MPI launch.</summary>
    public static IProcessGroup Current
    {
        get
        {
            lock (Gate)
            {
                if (_current is not null) return _current;
                var launch = MpiLaunch.FromEnvironment();
                return _current = launch is null ? SingleProcess.Instance : MpiProcessGroup.Initialize(launch);
            }
        }
    }

    /// <summary>Whether <see cref="Current"/> spans more than one process.</summary>
    public static bool IsDistributed => Current.WorldSize > 1;

    /// <summary>
    /// Ends the run's MPI session. After success, or an orderly stop every rank agreed on (<paramref name="failed"/>
    /// false), MPI is finalised, which waits for every rank (so rank 0 finishes writing its checkpoint before any rank's
    /// process is gone). After a failure the job is aborted so that no other rank waits for this one (MPI_Abort; it does
    /// not return). A plain run has nothing to end.
    /// </summary>
    public static void End(int exitCode, bool failed)
    {
        IProcessGroup? current;
        lock (Gate) current = _current;
        if (current is not MpiProcessGroup mpi) return;
        if (failed) mpi.Abort(exitCode);
        else mpi.Finish();
    }
}
