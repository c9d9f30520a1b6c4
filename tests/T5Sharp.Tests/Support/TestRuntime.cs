using System.Runtime.CompilerServices;

namespace T5Sharp.Tests.Support;

static class TestRuntime
{
    /// <summary>The tests run libtorch configured as the program runs it (threads, flush-to-zero).</summary>
    [ModuleInitializer]
    internal static void Initialize() => T5Sharp.Runtime.TorchRuntime.Initialize();
}
