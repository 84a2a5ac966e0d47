using System.Runtime;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Running;
using Upsonic.Benchmarks;
using Upsonic.Benchmarks.Fixtures;
using Upsonic.Benchmarks.ModelInput;

// "model-input" prints the model-input comparison (a count, not a timing); anything else goes to BenchmarkDotNet,
// e.g. "--filter *" runs every benchmark class in one process, side by side.
if (args is ["model-input"])
{
    await ModelInputReport.RunAsync();
    return;
}

// The classes of server backends whose server is not configured are left out (with a message on stderr).
var types = new List<Type> { typeof(InMemoryTurnBenchmarks), typeof(WholeHistoryBenchmarks), typeof(ConcurrencyBenchmarks), typeof(WholeSessionRewriteBenchmarks) };
types.AddRange(Backends.Available(Backends.Sqlite, Backends.Postgres, Backends.Redis).Select(name => name switch
{
    Backends.Sqlite => typeof(SqliteTurnBenchmarks),
    Backends.Postgres => typeof(PostgresTurnBenchmarks),
    _ => typeof(RedisTurnBenchmarks),
}));

PrintEnvironment("start");
try
{
    BenchmarkSwitcher.FromTypes([.. types]).Run(args);
}
finally
{
    Backends.DeleteWorkDirectory();
    PrintEnvironment("end");
}

// The load average and the runtime settings that decide what "steady state" means, at the start and the end of the run.
static void PrintEnvironment(string when)
{
    Console.WriteLine($"// [run] {when} {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss} UTC; load average {LoadAverage.Read()}; " +
        $"{RuntimeInformation.FrameworkDescription}, {Environment.ProcessorCount} processors, server GC {GCSettings.IsServerGC}; " +
        $"DOTNET_TieredCompilation={Setting("DOTNET_TieredCompilation")}, DOTNET_TieredPGO={Setting("DOTNET_TieredPGO")}, " +
        $"DOTNET_ReadyToRun={Setting("DOTNET_ReadyToRun")}");
}

static string Setting(string name) => Environment.GetEnvironmentVariable(name) ?? "(default: on)";
