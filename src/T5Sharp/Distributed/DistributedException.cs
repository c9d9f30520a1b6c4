namespace T5Sharp.Distributed;

/// <summary>
/// A multi-process run that cannot start or continue for a reason a user fixes: an MPI launch without Open MPI's library,
/// a launcher other than Open MPI's, or a collective operation that failed.
/// </summary>
public sealed class DistributedException(string message, Exception? inner = null) : Exception(message, inner);
